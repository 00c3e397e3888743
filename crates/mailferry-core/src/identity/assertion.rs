//! Client assertions (docs/microsoft-contract.md) and the proof-of-possession token of
//! addKey/removeKey, built with jsonwebtoken from a stored certificate.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::certs::KeyedCertificate;
use crate::{Error, Result};

/// Entra ID accepts assertions valid for at most ten minutes.
pub const ASSERTION_LIFETIME: Duration = Duration::minutes(10);
/// The audience of addKey/removeKey proofs.
pub const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssertionAlgorithm {
    /// The current form: PS256 with `x5t#S256`.
    #[default]
    Ps256,
    /// The older form, still accepted: RS256 with `x5t`.
    Rs256,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: i64,
    iat: i64,
    exp: i64,
}

#[derive(Serialize)]
struct ProofClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    nbf: i64,
    exp: i64,
}

fn signing_key(certificate: &KeyedCertificate) -> Result<EncodingKey> {
    let pem = zeroize::Zeroizing::new(pem::encode(&pem::Pem::new("PRIVATE KEY", certificate.key_pkcs8.to_vec())));
    EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| Error::Certificate {
        message: format!("The private key of certificate {} cannot sign: {e}", certificate.info.sha1_thumbprint),
        hint: "Import the certificate again with its private key.".into(),
    })
}

fn sign<T: Serialize>(header: &Header, claims: &T, certificate: &KeyedCertificate) -> Result<String> {
    jsonwebtoken::encode(header, claims, &signing_key(certificate)?)
        .map_err(|e| Error::Internal(format!("signing failed: {e}")))
}

/// A client assertion for `client_id` at `token_url` (the exact token endpoint URL), valid from
/// `now` for ten minutes, with a new `jti` each time.
pub fn client_assertion(
    certificate: &KeyedCertificate,
    client_id: &str,
    token_url: &str,
    algorithm: AssertionAlgorithm,
    now: DateTime<Utc>,
) -> Result<String> {
    let mut header = match algorithm {
        AssertionAlgorithm::Ps256 => Header::new(Algorithm::PS256),
        AssertionAlgorithm::Rs256 => Header::new(Algorithm::RS256),
    };
    match algorithm {
        AssertionAlgorithm::Ps256 => header.x5t_s256 = Some(certificate.info.x5t_s256.clone()),
        AssertionAlgorithm::Rs256 => header.x5t = Some(certificate.info.x5t.clone()),
    }
    header.typ = Some("JWT".into());
    let claims = AssertionClaims {
        aud: token_url,
        iss: client_id,
        sub: client_id,
        jti: uuid::Uuid::new_v4().to_string(),
        nbf: now.timestamp(),
        iat: now.timestamp(),
        exp: (now + ASSERTION_LIFETIME).timestamp(),
    };
    sign(&header, &claims, certificate)
}

/// The proof that addKey/removeKey require: signed with a certificate already on the
/// application, `iss` the application's object id, valid ten minutes.
pub fn proof_of_possession(
    certificate: &KeyedCertificate,
    application_object_id: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let mut header = Header::new(Algorithm::RS256);
    header.x5t = Some(certificate.info.x5t.clone());
    header.typ = Some("JWT".into());
    let claims = ProofClaims {
        aud: PROOF_AUDIENCE,
        iss: application_object_id,
        nbf: now.timestamp(),
        exp: (now + ASSERTION_LIFETIME).timestamp(),
    };
    sign(&header, &claims, certificate)
}
