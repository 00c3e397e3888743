//! Shared by entra-sim's tests: a seeded tenant, and clients written independently of
//! Mailferry (plain reqwest, the oauth2 crate, jsonwebtoken).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test helpers: a failure here is a test failure

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{Duration, Utc};
use entra_sim::seed::{ApplicationSeed, DomainSeed, SecretSeed, TenantSeed, UserSeed};
use entra_sim::{Seed, SimHandle};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};
use sha1::Digest as _;

pub const TENANT: &str = "0f6a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b";
pub const DOMAIN: &str = "fabrikam.onmicrosoft.com";
pub const SECRET_APP: &str = "5a1b2c3d-0001-4a5b-8c6d-7e8f9a0b1c2d";
pub const SECRET_ID: &str = "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
pub const SECRET_VALUE: &str = "Ab18Q~Valid.SecretValue_0123456789abcdef";
pub const EXPIRED_VALUE: &str = "Cd28Q~Expired.SecretValue_0123456789abcd";
pub const CERT_APP: &str = "5a1b2c3d-0002-4a5b-8c6d-7e8f9a0b1c2d";
pub const NO_ROLES_APP: &str = "5a1b2c3d-0003-4a5b-8c6d-7e8f9a0b1c2d";
pub const NO_ROLES_VALUE: &str = "Ef38Q~NoRoles.SecretValue_0123456789abcd";
pub const SIGN_IN_CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub const PASSWORD: &str = "Correct-Horse-9";

pub struct TestCert {
    pub der: Vec<u8>,
    pub pem: String,
    pub key_pem: String,
}

impl TestCert {
    pub fn rsa(bits: usize) -> TestCert {
        let algorithm = match bits {
            2048 => &rcgen::PKCS_RSA_SHA256,
            _ => panic!("unsupported size"),
        };
        let key = rcgen::KeyPair::generate_for(algorithm).unwrap();
        Self::from_key(key)
    }

    pub fn ec() -> TestCert {
        Self::from_key(rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap())
    }

    /// An RSA-2048 certificate valid from 5 minutes ago for `days` days.
    pub fn rsa_for_days(days: i64) -> TestCert {
        Self::from_key_for_days(rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap(), days)
    }

    fn from_key(key: rcgen::KeyPair) -> TestCert {
        Self::from_key_for_days(key, 365)
    }

    fn from_key_for_days(key: rcgen::KeyPair, days: i64) -> TestCert {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "entra-sim test");
        params.not_before = time_now_minus_minutes(5);
        params.not_after = time_now_plus_days(days);
        let cert = params.self_signed(&key).unwrap();
        TestCert { der: cert.der().to_vec(), pem: cert.pem(), key_pem: key.serialize_pem() }
    }

    pub fn x5t_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&self.der))
    }

    pub fn x5t(&self) -> String {
        URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(&self.der))
    }

    pub fn key_credential(&self) -> Value {
        let (start, end) = entra_sim::certs::validity(&self.der).unwrap();
        json!({
            "type": "AsymmetricX509Cert", "usage": "Verify", "displayName": "CN=entra-sim test",
            "key": base64::engine::general_purpose::STANDARD.encode(&self.der),
            "startDateTime": start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "endDateTime": end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    }
}

fn time_now_minus_minutes(minutes: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp((Utc::now() - Duration::minutes(minutes)).timestamp()).unwrap()
}

fn time_now_plus_days(days: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp((Utc::now() + Duration::days(days)).timestamp()).unwrap()
}

pub fn seed(cert: &TestCert) -> Seed {
    let user = |name: &str, roles: &[&str], mailbox: bool| UserSeed {
        id: uuid::Uuid::new_v4().to_string(),
        user_principal_name: format!("{name}@{DOMAIN}"),
        display_name: name.to_owned(),
        mail: Some(format!("{name}@fabrikam.com")),
        mailbox,
        password: Some(PASSWORD.into()),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    };
    Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Fabrikam".into(),
            domains: vec![
                DomainSeed { name: DOMAIN.into(), is_default: false, is_initial: true },
                DomainSeed { name: "fabrikam.com".into(), is_default: true, is_initial: false },
            ],
            users: vec![
                user("admin", &["Global Administrator"], true),
                user("pra", &["Privileged Role Administrator"], true),
                user("appadmin", &["Cloud Application Administrator"], true),
                user("alex", &[], true),
                user("migration", &[], true),
                user("nomailbox", &[], false),
            ],
            applications: vec![
                ApplicationSeed {
                    app_id: SECRET_APP.into(),
                    display_name: "Secret App".into(),
                    secrets: vec![
                        SecretSeed {
                            key_id: SECRET_ID.into(),
                            value: SECRET_VALUE.into(),
                            end_date_time: Utc::now() + Duration::days(90),
                        },
                        SecretSeed {
                            key_id: uuid::Uuid::new_v4().to_string(),
                            value: EXPIRED_VALUE.into(),
                            end_date_time: Utc::now() - Duration::days(1),
                        },
                    ],
                    certificates: Vec::new(),
                    granted_roles: vec![
                        "User.Read.All".into(),
                        "Organization.Read.All".into(),
                        "Mail.Read".into(),
                        "MailboxSettings.Read".into(),
                        "MailboxFolder.Read.All".into(),
                        "MailboxItem.Read.All".into(),
                        "MailboxItem.ImportExport.All".into(),
                    ],
                },
                ApplicationSeed {
                    app_id: CERT_APP.into(),
                    display_name: "Cert App".into(),
                    secrets: Vec::new(),
                    certificates: vec![cert.pem.clone()],
                    granted_roles: vec!["User.Read.All".into()],
                },
                ApplicationSeed {
                    app_id: NO_ROLES_APP.into(),
                    display_name: "No Roles App".into(),
                    secrets: vec![SecretSeed {
                        key_id: uuid::Uuid::new_v4().to_string(),
                        value: NO_ROLES_VALUE.into(),
                        end_date_time: Utc::now() + Duration::days(90),
                    }],
                    certificates: Vec::new(),
                    granted_roles: Vec::new(),
                },
            ],
            conditional_access_block: false,
            mfa_required: false,
            sign_in_client_disabled: false,
            generated_users: None,
            show_accounts: false,
        }],
        faults: None,
    }
}

pub struct Fixture {
    pub sim: SimHandle,
    pub base: String,
    pub http: reqwest::Client,
    pub cert: TestCert,
}

pub async fn start() -> Fixture {
    let cert = TestCert::rsa(2048);
    let sim = SimHandle::start(seed(&cert), 0).await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Fixture { base: sim.base_url.clone(), sim, http, cert }
}

impl Fixture {
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{tenant}/oauth2/v2.0/token", self.base)
    }

    pub fn graph_scope(&self) -> String {
        format!("{}/.default", self.base)
    }

    /// POSTs a form to the token endpoint; returns status and JSON.
    pub async fn token(&self, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self.http.post(self.token_url(tenant)).form(form).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    pub async fn secret_token(&self, client_id: &str, secret: &str) -> (u16, Value) {
        let scope = self.graph_scope();
        self.token(
            TENANT,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", &scope),
            ],
        )
        .await
    }

    pub async fn app_token(&self, client_id: &str, secret: &str) -> String {
        let (status, body) = self.secret_token(client_id, secret).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Verifies an issued token against the simulator's published JWKS.
    pub async fn verify(&self, token: &str) -> Value {
        let jwks: Value = self
            .http
            .get(format!("{}/{TENANT}/discovery/v2.0/keys", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = &jwks["keys"][0];
        let decoding =
            DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap()).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        jsonwebtoken::decode::<Value>(token, &decoding, &validation).unwrap().claims
    }

    pub async fn graph(&self, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}/v1.0{path}", self.base)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn sim_put(&self, path: &str, body: Value) {
        let response = self.http.put(format!("{}/_sim/{path}", self.base)).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }

    pub async fn sim_patch(&self, path: &str, body: Value) {
        let response = self.http.patch(format!("{}/_sim/{path}", self.base)).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }

    pub async fn sim_get(&self, path: &str) -> Value {
        self.http.get(format!("{}/_sim/{path}", self.base)).send().await.unwrap().json().await.unwrap()
    }

    /// A delegated token for `user`, through the real sign-in form and PKCE.
    pub async fn user_token(&self, user: &str, scopes: &[&str]) -> String {
        let flow = AuthFlow::begin(self, scopes).await;
        let location = flow.submit(self, user, PASSWORD, "accept").await;
        let code = query_param(&location, "code").unwrap_or_else(|| panic!("no code in {location}"));
        let (status, body) = flow.redeem(self, &code).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The authorization code flow with PKCE, driven over HTTP as a browser would.
pub struct AuthFlow {
    pub verifier: String,
    pub state: String,
    pub redirect_uri: String,
    pub form_html: String,
    pub status: u16,
    pub location: Option<String>,
}

pub const REGISTRATION_SCOPES: &[&str] =
    &["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "offline_access", "openid", "profile"];

impl AuthFlow {
    pub async fn begin(f: &Fixture, scopes: &[&str]) -> AuthFlow {
        Self::begin_with(f, scopes, SIGN_IN_CLIENT, "http://127.0.0.1:53117/", true).await
    }

    pub async fn begin_with(f: &Fixture, scopes: &[&str], client_id: &str, redirect_uri: &str, pkce: bool) -> AuthFlow {
        let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        let state = uuid::Uuid::new_v4().to_string();
        let scope = scopes
            .iter()
            .map(|s| if s.contains('.') && !s.contains('/') { format!("{}/{s}", f.base) } else { (*s).to_owned() })
            .collect::<Vec<_>>()
            .join(" ");
        let mut url = url::Url::parse(&format!("{}/{DOMAIN}/oauth2/v2.0/authorize", f.base)).unwrap();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("response_mode", "query")
                .append_pair("scope", &scope)
                .append_pair("state", &state)
                .append_pair("prompt", "select_account");
            if pkce {
                q.append_pair("code_challenge", &challenge).append_pair("code_challenge_method", "S256");
            }
        }
        let response = f.http.get(url).send().await.unwrap();
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        AuthFlow {
            verifier,
            state,
            redirect_uri: redirect_uri.into(),
            form_html: response.text().await.unwrap(),
            status,
            location,
        }
    }

    pub fn hidden_fields(&self) -> HashMap<String, String> {
        let mut fields = HashMap::new();
        for chunk in self.form_html.split("<input type=\"hidden\" ").skip(1) {
            let attr = |name: &str| {
                let start = chunk.find(&format!("{name}=\""))? + name.len() + 2;
                let end = chunk[start..].find('"')? + start;
                Some(html_escape::decode_html_entities(&chunk[start..end]).into_owned())
            };
            if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
                fields.insert(name, value);
            }
        }
        fields
    }

    /// Submits the sign-in form; returns the redirect Location, or the page when there is none.
    pub async fn submit(&self, f: &Fixture, user: &str, password: &str, action: &str) -> String {
        let mut form = self.hidden_fields();
        form.insert("username".into(), format!("{user}@{DOMAIN}"));
        form.insert("password".into(), password.into());
        form.insert("action".into(), action.into());
        let response =
            f.http.post(format!("{}/{DOMAIN}/oauth2/v2.0/authorize", f.base)).form(&form).send().await.unwrap();
        match response.headers().get("location") {
            Some(location) => location.to_str().unwrap().to_owned(),
            None => response.text().await.unwrap(),
        }
    }

    pub async fn redeem(&self, f: &Fixture, code: &str) -> (u16, Value) {
        f.token(
            DOMAIN,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", &self.verifier),
            ],
        )
        .await
    }
}

/// A client assertion, built with jsonwebtoken as any client library would.
pub struct Assertion<'c> {
    pub cert: &'c TestCert,
    pub alg: Algorithm,
    pub audience: String,
    pub issuer: String,
    pub lifetime_secs: i64,
    pub offset_secs: i64,
    pub pad_thumbprint: bool,
}

impl<'c> Assertion<'c> {
    pub fn new(f: &Fixture, cert: &'c TestCert, client_id: &str) -> Assertion<'c> {
        Assertion {
            cert,
            alg: Algorithm::PS256,
            audience: f.token_url(TENANT),
            issuer: client_id.into(),
            lifetime_secs: 600,
            offset_secs: 0,
            pad_thumbprint: false,
        }
    }

    pub fn sign_with(&self, key_pem: &str) -> String {
        let mut header = Header::new(self.alg);
        let pad = |t: String| if self.pad_thumbprint { format!("{t}=") } else { t };
        match self.alg {
            Algorithm::RS256 => header.x5t = Some(pad(self.cert.x5t())),
            _ => header.x5t_s256 = Some(pad(self.cert.x5t_s256())),
        }
        let now = Utc::now().timestamp() + self.offset_secs;
        let claims = json!({
            "aud": self.audience, "iss": self.issuer, "sub": self.issuer, "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + self.lifetime_secs,
        });
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_pem(key_pem.as_bytes()).unwrap()).unwrap()
    }

    pub fn sign(&self) -> String {
        self.sign_with(&self.cert.key_pem)
    }
}

pub async fn assertion_token(f: &Fixture, client_id: &str, assertion: &str) -> (u16, Value) {
    let scope = f.graph_scope();
    f.token(
        TENANT,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
            ("scope", &scope),
        ],
    )
    .await
}

/// Asserts Microsoft's token-endpoint error shape and the AADSTS code; returns the description.
pub fn assert_aadsts(body: &Value, code: u32) -> String {
    let description = body["error_description"].as_str().unwrap_or_default().to_owned();
    assert!(description.starts_with(&format!("AADSTS{code}: ")), "expected AADSTS{code}, got {body}");
    assert!(
        description.contains("\r\nTrace ID: ")
            && description.contains("\r\nCorrelation ID: ")
            && description.contains("\r\nTimestamp: "),
        "{description}"
    );
    assert_eq!(body["error_codes"], json!([code]));
    for field in ["error", "timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].is_string(), "missing {field} in {body}");
    }
    description
}

/// Asserts Graph's error shape; returns the code.
pub fn assert_graph_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    assert!(
        body["error"]["innerError"]["request-id"].is_string() && body["error"]["innerError"]["date"].is_string(),
        "{body}"
    );
}
