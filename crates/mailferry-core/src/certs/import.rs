//! Import of a certificate with its private key: PKCS#12 (.pfx/.p12; legacy 3DES/RC2 and
//! current PBES2/AES-256), or PEM (certificate plus PKCS#8 or PKCS#1 key, in one file or two).
//! Whatever is wrong is said with the fix: a certificate without its key, a non-RSA or short
//! key, a key of another certificate, an expired certificate.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use chrono::Utc;
use zeroize::Zeroizing;

use super::{certificate_error, inspect, rsa_public_key, KeyedCertificate};
use crate::{Error, Result};

/// An imported certificate, with what the admin should know but need not fix.
#[derive(Debug)]
pub struct Imported {
    pub certificate: KeyedCertificate,
    pub warnings: Vec<String>,
}

const HINT_FORMATS: &str =
    "Choose a .pfx or .p12 file (with its password), or a PEM file holding the certificate and its private key.";
const HINT_NEW_CERT: &str = "Create an RSA certificate of 2048 bits or more (for example with New-SelfSignedCertificate -KeyAlgorithm RSA -KeyLength 2048), upload it to the app registration, and import it here.";

/// A certificate file, with its key and chain, is a few KiB; anything above this is not one.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// RSA keys above this many bits are refused: Entra ID needs 2048, and a larger key only makes
/// every sign-in slower (and a crafted one, an import that never ends).
pub const MAX_KEY_BITS: u32 = 8192;

/// Reads and imports a certificate file (and a separate PEM key file, when given).
pub fn import_file(
    path: &std::path::Path,
    key_path: Option<&std::path::Path>,
    password: Option<&str>,
) -> Result<Imported> {
    let read = |p: &std::path::Path| -> Result<Vec<u8>> {
        use std::io::Read;
        let io = |source| Error::Io { context: format!("The file {} cannot be read", p.display()), source };
        let mut bytes = Vec::new();
        // Never more than the limit (and one byte to tell), whatever the file's size.
        std::fs::File::open(p).map_err(io)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(certificate_error(
                format!(
                    "The file {} is larger than {} MiB: it is not a certificate file.",
                    p.display(),
                    MAX_FILE_BYTES / 1024 / 1024
                ),
                HINT_FORMATS,
            ));
        }
        Ok(bytes)
    };
    let primary = read(path)?;
    let secondary = key_path.map(read).transpose()?;
    import(&primary, secondary.as_deref(), password)
}

enum KeyFormat {
    Pkcs8,
    Pkcs1,
}

/// Imports `primary` (and `secondary`, a separate PEM key or certificate file, when given).
pub fn import(primary: &[u8], secondary: Option<&[u8]>, password: Option<&str>) -> Result<Imported> {
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let mut keys: Vec<(KeyFormat, Zeroizing<Vec<u8>>)> = Vec::new();
    for bytes in std::iter::once(primary).chain(secondary) {
        if looks_like_pem(bytes) {
            read_pem(bytes, &mut certs, &mut keys)?;
        } else if x509_parser::parse_x509_certificate(bytes).is_ok() {
            certs.push(bytes.to_vec());
        } else {
            let (cert, key) = read_pkcs12(bytes, password)?;
            certs.push(cert);
            keys.push((KeyFormat::Pkcs8, key));
        }
    }
    let Some(cert) = certs.into_iter().next() else {
        return Err(certificate_error(
            "The file holds a private key but no certificate.",
            "Import the certificate together with its key: a .pfx/.p12, or both PEM files.",
        ));
    };
    let info = inspect(&cert)?;
    let Some((format, key)) = keys.into_iter().next() else {
        return Err(certificate_error(
            format!("This file holds only the certificate {} without its private key; Mailferry needs the key to sign in.", info.subject),
            "Export the certificate with its private key (in Windows: Export > Yes, export the private key > .pfx), or choose the PEM key file as well.",
        ));
    };

    if info.key_algorithm != "RSA" {
        return Err(certificate_error(
            format!("The certificate's key is {} ; Entra ID app credentials need an RSA key.", info.key_algorithm)
                .replace(" ;", ";"),
            HINT_NEW_CERT,
        ));
    }
    if let Some(problem) = key_size_problem(info.key_bits) {
        return Err(certificate_error(problem, HINT_NEW_CERT));
    }
    let key_pair = match format {
        KeyFormat::Pkcs8 => aws_lc_rs::rsa::KeyPair::from_pkcs8(&key),
        KeyFormat::Pkcs1 => aws_lc_rs::rsa::KeyPair::from_der(&key),
    }
    .map_err(|_| certificate_error("The private key cannot be read as an RSA key.", HINT_FORMATS))?;
    if rsa_public_key(&cert).as_deref() != Some(key_pair.public_key().as_ref()) {
        return Err(certificate_error(
            format!("The private key does not belong to the certificate {} ({}).", info.subject, info.sha1_thumbprint),
            "Choose the key that was created with this certificate, or export both together as a .pfx.",
        ));
    }
    let key_pkcs8 = Zeroizing::new(
        key_pair
            .as_der()
            .map_err(|_| certificate_error("The private key cannot be converted to PKCS#8.", HINT_FORMATS))?
            .as_ref()
            .to_vec(),
    );

    let now = Utc::now();
    if info.not_after < now {
        return Err(certificate_error(
            format!("The certificate {} expired on {}.", info.subject, info.not_after.format("%Y-%m-%d")),
            "Create a new certificate, upload it to the app registration, and import it here.",
        ));
    }
    let mut warnings = Vec::new();
    if info.not_before > now {
        warnings.push(format!(
            "The certificate becomes valid on {} UTC; Microsoft refuses it until then.",
            info.not_before.format("%Y-%m-%d %H:%M")
        ));
    }
    Ok(Imported { certificate: KeyedCertificate { der: cert, key_pkcs8, info }, warnings })
}

/// Why an RSA key of `bits` is refused, if it is.
fn key_size_problem(bits: u32) -> Option<String> {
    if bits < 2048 {
        Some(format!("The certificate's RSA key has {bits} bits; Entra ID needs at least 2048."))
    } else if bits > MAX_KEY_BITS {
        Some(format!("The certificate's RSA key has {bits} bits; Mailferry accepts at most {MAX_KEY_BITS}."))
    } else {
        None
    }
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    let start =
        bytes.iter().position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF).unwrap_or(0);
    bytes[start..].starts_with(b"-----BEGIN")
}

fn read_pem(bytes: &[u8], certs: &mut Vec<Vec<u8>>, keys: &mut Vec<(KeyFormat, Zeroizing<Vec<u8>>)>) -> Result<()> {
    let blocks = pem::parse_many(bytes)
        .map_err(|e| certificate_error(format!("The PEM file cannot be read ({e})."), HINT_FORMATS))?;
    for block in blocks {
        match block.tag() {
            "CERTIFICATE" => certs.push(block.contents().to_vec()),
            "PRIVATE KEY" => keys.push((KeyFormat::Pkcs8, Zeroizing::new(block.into_contents()))),
            "RSA PRIVATE KEY" => keys.push((KeyFormat::Pkcs1, Zeroizing::new(block.into_contents()))),
            "ENCRYPTED PRIVATE KEY" => {
                return Err(certificate_error(
                    "The PEM private key is encrypted, which Mailferry does not read.",
                    "Export a .pfx with a password instead, or the key without encryption (openssl pkey -in key.pem -out plain.pem).",
                ))
            }
            "EC PRIVATE KEY" => {
                return Err(certificate_error("The private key is an EC key; Entra ID app credentials need an RSA key.", HINT_NEW_CERT))
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_pkcs12(bytes: &[u8], password: Option<&str>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
    let not_a_file = || {
        certificate_error(
            "This is not a certificate file Mailferry can read, or it is damaged or incomplete.",
            HINT_FORMATS,
        )
    };
    // Tell a damaged file from a password problem before asking for a password.
    if !is_der_sequence(bytes) {
        return Err(not_a_file());
    }
    let Some(password) = password else {
        return Err(Error::CertificatePassword { message: "This PFX file is protected by a password.".into() });
    };
    let store = KeyStore::from_pkcs12(bytes, password, Pkcs12ImportPolicy::Relaxed).map_err(|e| match e {
        p12_keystore::error::Error::MacError(_) => {
            Error::CertificatePassword { message: "The password is not right for this PFX file.".into() }
        }
        // p12-keystore refuses more than 1,000,000 password rounds (MAC or key derivation)
        // before computing them: a file asking for more would take minutes to open.
        p12_keystore::error::Error::InvalidParameters => certificate_error(
            "The PFX file asks for more password rounds than Mailferry allows (over 1,000,000), so it was not opened.",
            "Export the certificate again with the standard settings (Windows' export, or openssl pkcs12 -export without -iter).",
        ),
        _ => not_a_file(),
    })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        certificate_error(
            "The PFX file holds no private key.",
            "Export the certificate again with its private key (Yes, export the private key).",
        )
    })?;
    let cert = chain
        .certs()
        .first()
        .map(|c| c.as_der().to_vec())
        .ok_or_else(|| certificate_error("The PFX file holds a private key but no certificate.", HINT_FORMATS))?;
    Ok((cert, Zeroizing::new(chain.key().as_der().to_vec())))
}

/// A DER SEQUENCE whose length fits the data: the outer shape of a PFX.
fn is_der_sequence(bytes: &[u8]) -> bool {
    if bytes.len() < 2 || bytes[0] != 0x30 {
        return false;
    }
    let (len, header) = match bytes[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81..=0x84 => {
            let count = (bytes[1] & 0x7f) as usize;
            if bytes.len() < 2 + count {
                return false;
            }
            (bytes[2..2 + count].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize), 2 + count)
        }
        _ => return false,
    };
    header + len == bytes.len()
}

#[cfg(test)]
mod limits {
    #[test]
    fn rsa_keys_from_2048_to_8192_bits_are_accepted() {
        for bits in [2048, 3072, 4096, 8192] {
            assert_eq!(super::key_size_problem(bits), None, "{bits}");
        }
        assert!(super::key_size_problem(1024).unwrap().contains("at least 2048"));
        assert!(super::key_size_problem(8200).unwrap().contains("at most 8192"));
        assert!(super::key_size_problem(16384).unwrap().contains("at most 8192"));
    }
}
