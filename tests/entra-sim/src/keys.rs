//! The simulator's own token-signing key, its JWKS, and the tokens it issues.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use x509_parser::prelude::FromDer;

pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
}

/// The claims of every token the simulator issues; delegated tokens carry `scp` and `wids`,
/// app-only tokens `roles`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub tid: String,
    pub appid: String,
    pub oid: String,
    pub sub: String,
    pub ver: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    pub idtyp: String,
    /// Microsoft's unique token identifier: no two tokens are alike, even within one second.
    #[serde(default)]
    pub uti: String,
}

pub const TOKEN_LIFETIME_SECS: i64 = 3599;

impl SigningKey {
    pub fn generate() -> Result<SigningKey, String> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(|e| e.to_string())?;
        let encoding = EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes()).map_err(|e| e.to_string())?;
        let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
        let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki).map_err(|e| e.to_string())?;
        let (modulus, exponent) = match info.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
                (strip_zero(rsa.modulus).to_vec(), strip_zero(rsa.exponent).to_vec())
            }
            _ => return Err("generated key is not RSA".into()),
        };
        let decoding = DecodingKey::from_rsa_der(&info.subject_public_key.data);
        Ok(SigningKey { kid: uuid::Uuid::new_v4().simple().to_string(), encoding, decoding, modulus, exponent })
    }

    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&self.modulus), "e": URL_SAFE_NO_PAD.encode(&self.exponent),
        }]})
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Signs arbitrary claims (ID tokens).
    pub fn sign_value(&self, claims: &serde_json::Value) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Verifies a bearer token this simulator issued (signature, expiry).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok().map(|data| data.claims)
    }
}

fn strip_zero(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

pub fn now() -> i64 {
    Utc::now().timestamp()
}
