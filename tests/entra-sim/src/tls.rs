//! HTTPS for the simulator: a throwaway certificate authority made at start, and a server
//! certificate it signs for `127.0.0.1` and `localhost`. Microsoft's clients (MSAL refuses an
//! authority that is not https; the Graph SDK's authentication only sends tokens over https)
//! trust the authority's PEM, written where the caller asks.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};

pub struct TlsIdentity {
    /// The authority's certificate, PEM: what a client is told to trust.
    pub ca_pem: String,
    certificate_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl TlsIdentity {
    /// A new authority and server certificate, valid for a day.
    pub fn generate() -> Result<TlsIdentity, String> {
        let err = |e: rcgen::Error| format!("cannot make the TLS certificate: {e}");
        let now = time::OffsetDateTime::now_utc();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.distinguished_name.push(DnType::CommonName, "entra-sim test authority");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.not_before = now - time::Duration::minutes(5);
        ca_params.not_after = now + time::Duration::days(1);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)?;

        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).map_err(err)?;
        params.distinguished_name.push(DnType::CommonName, "entra-sim");
        params.not_before = now - time::Duration::minutes(5);
        params.not_after = now + time::Duration::days(1);
        let key = KeyPair::generate().map_err(err)?;
        let certificate = params.signed_by(&key, &ca).map_err(err)?;
        Ok(TlsIdentity { ca_pem: ca.pem(), certificate_der: certificate.der().to_vec(), key_der: key.serialize_der() })
    }

    /// A rustls server configuration with this certificate (aws-lc-rs, as the rest of the
    /// simulator's cryptography).
    pub fn server_config(&self) -> Result<axum_server::tls_rustls::RustlsConfig, String> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chain = vec![rustls::pki_types::CertificateDer::from(self.certificate_der.clone())];
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.key_der.clone().into());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("cannot use the TLS certificate: {e}"))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config)))
    }
}
