//! Certificates: generated and checked with the openssl binary; imported from fixtures that
//! openssl makes at test time; assertions verified by openssl against the public key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{Duration, Utc};
use mailferry_core::certs::{generate, import, inspect, CertificateStore, KeyedCertificate};
use mailferry_core::identity::{client_assertion, proof_of_possession, AssertionAlgorithm};
use mailferry_core::model::Role;
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::{Error, ErrorCode};

const PASSWORD: &str = "Secr3t-Pfx!";

fn openssl(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("openssl").args(args).current_dir(dir).output().expect("the openssl binary is installed");
    assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Fixtures made by openssl in a fresh folder.
struct Fixtures {
    dir: tempfile::TempDir,
}

impl Fixtures {
    fn new() -> Fixtures {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl(d, &["genrsa", "-out", "key.pem", "2048"]);
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "key.pem",
                "-out",
                "cert.pem",
                "-days",
                "30",
                "-subj",
                "/CN=Imported Test",
            ],
        );
        openssl(d, &["rsa", "-in", "key.pem", "-traditional", "-out", "key-pkcs1.pem"]);
        openssl(d, &["x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der"]);
        let pass = format!("pass:{PASSWORD}");
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-in",
                "cert.pem",
                "-inkey",
                "key.pem",
                "-out",
                "aes.pfx",
                "-passout",
                &pass,
                "-keypbe",
                "AES-256-CBC",
                "-certpbe",
                "AES-256-CBC",
                "-macalg",
                "sha256",
            ],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-legacy",
                "-in",
                "cert.pem",
                "-inkey",
                "key.pem",
                "-out",
                "legacy.pfx",
                "-passout",
                &pass,
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ec-key.pem",
                "-out",
                "ec-cert.pem",
                "-days",
                "30",
                "-subj",
                "/CN=EC",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:1024",
                "-nodes",
                "-keyout",
                "small-key.pem",
                "-out",
                "small-cert.pem",
                "-days",
                "30",
                "-subj",
                "/CN=Small",
            ],
        );
        openssl(d, &["genrsa", "-out", "other-key.pem", "2048"]);
        openssl(d, &["pkey", "-in", "key.pem", "-aes256", "-passout", "pass:x", "-out", "encrypted-key.pem"]);
        let combined = [std::fs::read(d.join("cert.pem")).unwrap(), std::fs::read(d.join("key.pem")).unwrap()].concat();
        std::fs::write(d.join("combined.pem"), combined).unwrap();
        Fixtures { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    fn sha1(&self, cert_pem: &str) -> String {
        fingerprint(self.dir.path(), cert_pem, "-sha1")
    }
}

/// openssl's fingerprint, as 40/64 hex upper case.
fn fingerprint(dir: &Path, cert_pem: &str, digest: &str) -> String {
    let out = openssl(dir, &["x509", "-in", cert_pem, "-noout", "-fingerprint", digest]);
    out.trim().split_once('=').unwrap().1.replace(':', "")
}

fn import_error(result: mailferry_core::Result<mailferry_core::certs::Imported>) -> Error {
    result.expect_err("the import must fail")
}

#[test]
fn a_generated_certificate_is_rsa_2048_sha256_self_signed_for_five_years_and_unique() {
    let dir = tempfile::tempdir().unwrap();
    let first = generate(Role::Source).unwrap();
    let second = generate(Role::Target).unwrap();
    let now = Utc::now();

    assert_eq!(first.info.subject, "CN=Mailferry Migration Source");
    assert_eq!(second.info.subject, "CN=Mailferry Migration Target");
    assert_eq!((first.info.key_algorithm.as_str(), first.info.key_bits), ("RSA", 2048));
    assert!((first.info.not_before - (now - Duration::minutes(5))).num_seconds().abs() < 30);
    let years = first.info.not_after - first.info.not_before;
    assert!(years >= Duration::days(5 * 365) && years <= Duration::days(5 * 366 + 1), "{years}");
    assert_ne!(first.info.serial, second.info.serial);
    assert_ne!(first.info.sha1_thumbprint, second.info.sha1_thumbprint);

    let pem = pem::encode(&pem::Pem::new("CERTIFICATE", first.der.clone()));
    std::fs::write(dir.path().join("generated.pem"), pem).unwrap();
    let text = openssl(dir.path(), &["x509", "-in", "generated.pem", "-noout", "-text"]);
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("Signature Algorithm: sha256WithRSAEncryption"), "{text}");
    assert!(text.contains("Digital Signature"), "{text}");
    assert!(
        openssl(dir.path(), &["verify", "-CAfile", "generated.pem", "generated.pem"]).contains("OK"),
        "the self-signature verifies"
    );
    let dates = openssl(dir.path(), &["x509", "-in", "generated.pem", "-noout", "-dates"]);
    let date = |name: &str| {
        let line = dates.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).unwrap();
        chrono::NaiveDateTime::parse_from_str(
            &line.split_whitespace().collect::<Vec<_>>().join(" "),
            "%b %d %H:%M:%S %Y GMT",
        )
        .unwrap()
        .and_utc()
    };
    assert_eq!(date("notBefore"), first.info.not_before, "openssl reads the same NotBefore");
    assert_eq!(date("notAfter"), first.info.not_after, "and NotAfter");
    assert_eq!(
        openssl(dir.path(), &["x509", "-in", "generated.pem", "-noout", "-subject"]).trim(),
        "subject=CN = Mailferry Migration Source"
    );
    assert_eq!(fingerprint(dir.path(), "generated.pem", "-sha1"), first.info.sha1_thumbprint);
    assert_eq!(fingerprint(dir.path(), "generated.pem", "-sha256"), first.info.sha256_thumbprint);
    std::fs::write(dir.path().join("key.der"), first.key_pkcs8.as_slice()).unwrap();
    assert!(openssl(dir.path(), &["pkey", "-inform", "DER", "-in", "key.der", "-check", "-noout"]).contains("valid"));
}

#[test]
fn pfx_files_in_both_encryptions_and_pem_in_every_layout_import_with_openssls_thumbprint() {
    let f = Fixtures::new();
    let expected = f.sha1("cert.pem");
    /// What is imported: a name, the file, a second file, the password.
    type Case<'p> = (&'p str, Vec<u8>, Option<Vec<u8>>, Option<&'p str>);
    let cases: [Case; 4] = [
        ("PFX with AES-256", f.read("aes.pfx"), None, Some(PASSWORD)),
        ("legacy PFX (3DES/RC2)", f.read("legacy.pfx"), None, Some(PASSWORD)),
        ("PEM certificate and PKCS#8 key in one file", f.read("combined.pem"), None, None),
        ("PEM certificate with a PKCS#1 key file", f.read("cert.pem"), Some(f.read("key-pkcs1.pem")), None),
    ];
    for (what, primary, secondary, password) in cases {
        let imported = import(&primary, secondary.as_deref(), password).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(imported.certificate.info.sha1_thumbprint, expected, "{what}");
        assert_eq!(imported.certificate.info.subject, "CN=Imported Test", "{what}");
        assert!(imported.warnings.is_empty(), "{what}");
    }
}

#[test]
fn every_unusable_file_is_refused_with_the_reason_and_the_fix() {
    let f = Fixtures::new();
    let message = |e: Error| (e.code(), e.to_string(), e.hint().unwrap_or_default());

    let (code, text, _) = message(import_error(import(&f.read("aes.pfx"), None, None)));
    assert_eq!((code, text.as_str()), (ErrorCode::CertificatePassword, "This PFX file is protected by a password."));
    let (code, text, hint) = message(import_error(import(&f.read("aes.pfx"), None, Some("wrong"))));
    assert_eq!((code, text.as_str()), (ErrorCode::CertificatePassword, "The password is not right for this PFX file."));
    assert!(hint.contains("password"));

    let (code, text, hint) = message(import_error(import(&f.read("cert.der"), None, None)));
    assert_eq!(code, ErrorCode::Certificate);
    assert!(text.contains("only the certificate CN=Imported Test without its private key"), "{text}");
    assert!(hint.contains(".pfx"), "{hint}");
    let (_, text, _) = message(import_error(import(&f.read("cert.pem"), None, None)));
    assert!(text.contains("without its private key"), "{text}");

    let ec = [f.read("ec-cert.pem"), f.read("ec-key.pem")].concat();
    let (_, text, hint) = message(import_error(import(&ec, None, None)));
    assert!(text.contains("need an RSA key"), "{text}");
    assert!(hint.contains("RSA certificate of 2048 bits"), "{hint}");

    let small = [f.read("small-cert.pem"), f.read("small-key.pem")].concat();
    let (_, text, _) = message(import_error(import(&small, None, None)));
    assert_eq!(text, "The certificate's RSA key has 1024 bits; Entra ID needs at least 2048.");

    let (_, text, _) = message(import_error(import(&f.read("cert.pem"), Some(&f.read("other-key.pem")), None)));
    assert!(text.starts_with("The private key does not belong to the certificate CN=Imported Test"), "{text}");

    let (_, text, _) = message(import_error(import(&f.read("cert.pem"), Some(&f.read("encrypted-key.pem")), None)));
    assert!(text.contains("encrypted"), "{text}");

    let garbage: Vec<u8> = (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let (_, text, hint) = message(import_error(import(&garbage, None, Some(PASSWORD))));
    assert!(text.contains("not a certificate file Mailferry can read"), "{text}");
    assert!(hint.contains(".pfx or .p12"), "{hint}");

    let pfx = f.read("aes.pfx");
    let (_, text, _) = message(import_error(import(&pfx[..pfx.len() / 2], None, Some(PASSWORD))));
    assert!(text.contains("damaged or incomplete"), "{text}");
}

#[test]
fn an_expired_certificate_is_refused_and_a_future_one_imports_with_a_warning() {
    let make = |from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>| {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "Dated");
        params.not_before = time::OffsetDateTime::from_unix_timestamp(from.timestamp()).unwrap();
        params.not_after = time::OffsetDateTime::from_unix_timestamp(to.timestamp()).unwrap();
        let cert = params.self_signed(&key).unwrap();
        format!("{}{}", cert.pem(), key.serialize_pem()).into_bytes()
    };
    let now = Utc::now();
    let expired = import(&make(now - Duration::days(400), now - Duration::days(35)), None, None).unwrap_err();
    assert!(expired.to_string().starts_with("The certificate CN=Dated expired on "), "{expired}");
    assert!(expired.hint().unwrap_or_default().contains("Create a new certificate"));

    let future = import(&make(now + Duration::days(2), now + Duration::days(400)), None, None).unwrap();
    assert_eq!(future.warnings.len(), 1);
    assert!(future.warnings[0].starts_with("The certificate becomes valid on "), "{:?}", future.warnings);
}

/// Verifies a JWT's signature with the openssl binary against the certificate's public key.
fn openssl_verifies(dir: &Path, certificate: &KeyedCertificate, jwt: &str, pss: bool) -> bool {
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    std::fs::write(dir.join("signed.txt"), signed).unwrap();
    std::fs::write(dir.join("signature.bin"), URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    std::fs::write(dir.join("cert.pem"), pem::encode(&pem::Pem::new("CERTIFICATE", certificate.der.clone()))).unwrap();
    openssl(dir, &["x509", "-in", "cert.pem", "-pubkey", "-noout", "-out", "public.pem"]);
    let mut args = vec!["dgst", "-sha256", "-verify", "public.pem", "-signature", "signature.bin"];
    if pss {
        args.extend(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]);
    }
    args.push("signed.txt");
    let output = Command::new("openssl").args(&args).current_dir(dir).output().unwrap();
    String::from_utf8_lossy(&output.stdout).contains("Verified OK")
}

fn decode_part(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[test]
fn client_assertions_verify_with_openssl_in_both_forms_and_carry_microsofts_claims() {
    let dir = tempfile::tempdir().unwrap();
    let certificate = generate(Role::Source).unwrap();
    let now = Utc::now();
    let url = "https://login.microsoftonline.com/0f6a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b/oauth2/v2.0/token";
    let client = "5a1b2c3d-0001-4a5b-8c6d-7e8f9a0b1c2d";

    let ps256 = client_assertion(&certificate, client, url, AssertionAlgorithm::Ps256, now).unwrap();
    assert!(openssl_verifies(dir.path(), &certificate, &ps256, true), "PS256 verifies");
    assert!(!openssl_verifies(dir.path(), &certificate, &ps256, false), "and is not PKCS#1 v1.5");
    let parts: Vec<&str> = ps256.split('.').collect();
    let header = decode_part(parts[0]);
    assert_eq!(header["alg"], "PS256");
    assert_eq!(header["x5t#S256"], certificate.info.x5t_s256.as_str());
    let claims = decode_part(parts[1]);
    assert_eq!(
        (claims["aud"].as_str(), claims["iss"].as_str(), claims["sub"].as_str()),
        (Some(url), Some(client), Some(client))
    );
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap(), 600);
    assert_eq!(claims["iat"], claims["nbf"]);

    let rs256 = client_assertion(&certificate, client, url, AssertionAlgorithm::Rs256, now).unwrap();
    assert!(openssl_verifies(dir.path(), &certificate, &rs256, false), "RS256 verifies");
    assert_eq!(decode_part(rs256.split('.').next().unwrap())["x5t"], certificate.info.x5t.as_str());
    assert_ne!(decode_part(rs256.split('.').nth(1).unwrap())["jti"], claims["jti"], "a new jti each time");

    let proof = proof_of_possession(&certificate, "9d1f5f4e-0000-4000-8000-000000000001", now).unwrap();
    assert!(openssl_verifies(dir.path(), &certificate, &proof, false));
    let proof_claims = decode_part(proof.split('.').nth(1).unwrap());
    assert_eq!(proof_claims["aud"], "00000002-0000-0000-c000-000000000000");
    assert_eq!(proof_claims["iss"], "9d1f5f4e-0000-4000-8000-000000000001");
}

#[tokio::test]
async fn the_store_finds_a_certificate_by_either_thumbprint_and_keeps_its_key_in_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemorySecretStore::new());
    let store = CertificateStore::new(dir.path(), vault.clone());
    let certificate = generate(Role::Source).unwrap();
    store.put(&certificate).await.unwrap();

    let spaced = certificate
        .info
        .sha1_thumbprint
        .to_lowercase()
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(store.get(&spaced).await.unwrap(), certificate.info);
    assert_eq!(store.get(&certificate.info.sha256_thumbprint).await.unwrap(), certificate.info);
    assert_eq!(store.list().await.unwrap(), vec![certificate.info.clone()]);
    let loaded = store.load(&certificate.info.sha1_thumbprint).await.unwrap();
    assert_eq!(loaded.key_pkcs8.as_slice(), certificate.key_pkcs8.as_slice());
    assert_eq!(inspect(&loaded.der).unwrap(), certificate.info);
    let on_disk =
        std::fs::read(dir.path().join("certificates").join(format!("{}.der", certificate.info.sha1_thumbprint)))
            .unwrap();
    assert_eq!(on_disk, certificate.der, "only the public certificate is on disk");

    assert!(store.delete(&certificate.info.sha256_thumbprint).await.unwrap());
    assert!(vault.is_empty());
    assert_eq!(store.find(&certificate.info.sha1_thumbprint).await.unwrap(), None);
    assert_eq!(store.get("00").await.unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn a_file_too_large_or_a_pfx_asking_for_endless_password_rounds_is_refused_before_the_work() {
    let f = Fixtures::new();
    let d = f.dir.path();
    // A PFX whose key derivation asks for 1,000,001 rounds: one more than p12-keystore allows.
    let pass = format!("pass:{PASSWORD}");
    openssl(
        d,
        &[
            "pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-out", "slow.pfx", "-passout", &pass,
            "-iter", "1000001",
        ],
    );
    let error = import_error(import(&f.read("slow.pfx"), None, Some(PASSWORD)));
    assert_eq!(error.code(), ErrorCode::Certificate);
    assert!(error.to_string().contains("more password rounds than Mailferry allows"), "{error}");
    assert!(error.hint().unwrap_or_default().contains("standard settings"));

    let big = d.join("big.pfx");
    std::fs::write(&big, vec![0x30u8; 5 * 1024 * 1024]).unwrap();
    let error = mailferry_core::certs::import_file(&big, None, Some(PASSWORD)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Certificate);
    assert!(error.to_string().contains("larger than 4 MiB"), "{error}");
}

#[tokio::test]
async fn two_data_folders_holding_one_certificate_never_delete_each_others_key() {
    use mailferry_core::secrets::{SecretKey, SecretStore};
    let vault = Arc::new(MemorySecretStore::new());
    let (real, demo) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (real_store, demo_store) =
        (CertificateStore::new(real.path(), vault.clone()), CertificateStore::new(demo.path(), vault.clone()));
    let certificate = generate(Role::Source).unwrap();
    real_store.put(&certificate).await.unwrap();
    demo_store.put(&certificate).await.unwrap();
    let sha1 = &certificate.info.sha1_thumbprint;
    assert_ne!(real_store.key_of(sha1), demo_store.key_of(sha1), "each folder names its own entry");

    assert!(demo_store.delete(sha1).await.unwrap());
    let kept = real_store.load(sha1).await.unwrap();
    assert_eq!(kept.key_pkcs8.as_slice(), certificate.key_pkcs8.as_slice(), "the other folder's key is still there");
    // The folder keeps its identity across restarts.
    assert_eq!(CertificateStore::new(real.path(), vault.clone()).key_of(sha1), real_store.key_of(sha1));

    // A key kept under the name from before folders were named is still found, and copied.
    let older = tempfile::tempdir().unwrap();
    let older_store = CertificateStore::new(older.path(), vault.clone());
    let other = generate(Role::Target).unwrap();
    older_store.put(&other).await.unwrap();
    let legacy = SecretKey::LegacyCertificateKey(other.info.sha1_thumbprint.clone());
    vault.put(&legacy, &other.key_pkcs8).unwrap();
    vault.delete(&older_store.key_of(&other.info.sha1_thumbprint)).unwrap();
    let loaded = older_store.load(&other.info.sha1_thumbprint).await.unwrap();
    assert_eq!(loaded.key_pkcs8.as_slice(), other.key_pkcs8.as_slice());
    assert!(
        vault.get(&older_store.key_of(&other.info.sha1_thumbprint)).unwrap().is_some(),
        "copied to the folder's name"
    );
}
