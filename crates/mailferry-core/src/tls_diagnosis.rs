//! When Microsoft's certificate is refused (a TLS-inspecting proxy or firewall usually puts its
//! own in its place), one more handshake with the same host accepts whatever it presents, only
//! to name it: its subject and issuer, so the admin can tell the network team which one. No
//! request is ever sent over that connection.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// The certificate `url`'s host presents, as "subject, issued by issuer", if it can be read.
pub async fn presented_certificate(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?.trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = url.port_or_known_default()?;
    let seen = Arc::new(Mutex::new(None));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder { seen: seen.clone(), provider }))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from(host.clone()).ok()?;
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.ok()?;
        connector.connect(name, tcp).await.ok()
    };
    // The connection is dropped at once: it only had to show its certificate.
    let _ = tokio::time::timeout(Duration::from_secs(10), handshake).await;
    let der: Vec<u8> = seen.lock().ok()?.take()?;
    let (_, certificate) = x509_parser::parse_x509_certificate(&der).ok()?;
    Some(format!("{}, issued by {}", certificate.subject(), certificate.issuer()))
}

/// Accepts any certificate, keeping the first one shown.
#[derive(Debug)]
struct Recorder {
    seen: Arc<Mutex<Option<Vec<u8>>>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.get_or_insert_with(|| end_entity.as_ref().to_vec());
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
