//! Connection summaries: golden files of each format on fixed data, each format read back,
//! hostile names escaped, and no secret or private key in any export.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mailferry_core::certs::{generate, CertificateInfo};
use mailferry_core::checks::{CheckId, CheckReport, CheckResult, CheckStatus};
use mailferry_core::cloud::Cloud;
use mailferry_core::export::{
    build, render, summarize, write_file, CsvRow, ExportDocument, ExportFormat, ExportStamp, RenderOptions,
};
use mailferry_core::microsoft_errors::MicrosoftDetail;
use mailferry_core::model::{
    CheckOutcome, Connection, Credential, CredentialChoice, LastCheck, RegistrationMode, Role,
};
use mailferry_testsupport::{fields, Core};
use uuid::Uuid;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn stamp() -> ExportStamp {
    ExportStamp { exported_at: at("2026-11-27T12:00:00Z"), mailferry_version: "0.1.0".into() }
}

fn certificate_info() -> CertificateInfo {
    CertificateInfo {
        subject: "CN=Mailferry Migration Source".into(),
        issuer: "CN=Mailferry Migration Source".into(),
        serial: "01AB".into(),
        not_before: at("2026-11-01T00:00:00Z"),
        not_after: at("2031-11-01T00:00:00Z"),
        key_algorithm: "RSA".into(),
        key_bits: 2048,
        sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
        sha256_thumbprint: "AB".repeat(32),
        x5t: String::new(),
        x5t_s256: String::new(),
    }
}

fn connection(name: &str, credential: Credential) -> Connection {
    Connection {
        id: Uuid::parse_str("6f1c1f64-3f7e-4f1e-9c39-0d8f7c1b2a10").unwrap(),
        role: Role::Source,
        name: name.into(),
        cloud: Cloud::Global,
        tenant_id: "6babcaad-604b-40ac-a9d7-9fd97c0b779f".into(),
        tenant_name: Some("Contoso".into()),
        default_domain: Some("contoso.com".into()),
        client_id: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into(),
        application_mailbox: "migration@contoso.com".into(),
        registration: RegistrationMode::Manual,
        permission_profile: mailferry_core::permissions::PermissionProfile::ItemLevel,
        mailbox_scope: None,
        credential,
        created_at: at("2026-11-20T09:00:00Z"),
        updated_at: at("2026-11-21T10:30:00Z"),
        last_check: Some(LastCheck { at: at("2026-11-27T11:00:01Z"), outcome: CheckOutcome::Failed }),
        secrets_blocked: false,
    }
}

fn certificate_credential() -> Credential {
    Credential::Certificate {
        sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
        sha256_thumbprint: None,
        subject: None,
        not_after: None,
    }
}

/// A run where the token lacked two permissions and the mailbox had no Exchange Online.
fn report(connection_id: Uuid) -> CheckReport {
    let result = |id: CheckId, status: CheckStatus, summary: &str| CheckResult {
        id,
        title: id.title().into(),
        status,
        summary: summary.into(),
        fix: None,
        microsoft: None,
    };
    let mut mail =
        result(CheckId::MailAccess, CheckStatus::Fail, "migration@contoso.com has no Exchange Online mailbox.");
    mail.fix = Some("Assign the user a licence that includes Exchange Online.".into());
    mail.microsoft = Some(MicrosoftDetail {
        code: "MailboxNotEnabledForRESTAPI".into(),
        http_status: 404,
        request: "GET https://graph.microsoft.com/v1.0/users/migration@contoso.com/mailFolders/inbox".into(),
        description: "The mailbox is either inactive, soft-deleted, or is hosted on-premise.".into(),
        trace_id: None,
        correlation_id: None,
        request_id: Some("5a1b2c3d-0000-4000-8000-000000000003".into()),
        timestamp: Some("2026-11-27T11:00:01".into()),
    });
    CheckReport {
        connection_id,
        started_at: at("2026-11-27T11:00:00Z"),
        finished_at: at("2026-11-27T11:00:01Z"),
        outcome: CheckOutcome::Failed,
        results: vec![
            result(
                CheckId::Tenant,
                CheckStatus::Pass,
                "Tenant 6babcaad-604b-40ac-a9d7-9fd97c0b779f exists in the Global cloud.",
            ),
            result(CheckId::Token, CheckStatus::Pass, "Application signed in with its certificate."),
            result(CheckId::Permissions, CheckStatus::Fail, "Missing permissions: Calendars.Read, Contacts.Read."),
            result(CheckId::Organization, CheckStatus::Pass, "Contoso, default domain contoso.com."),
            result(
                CheckId::Mailbox,
                CheckStatus::Pass,
                "migration@contoso.com is the address of migration@contoso.onmicrosoft.com.",
            ),
            mail,
            result(
                CheckId::CredentialExpiry,
                CheckStatus::Pass,
                "The certificate is valid until 2031-11-01 (1799 days).",
            ),
        ],
        tenant_id: Some("6babcaad-604b-40ac-a9d7-9fd97c0b779f".into()),
        tenant_name: Some("Contoso".into()),
        default_domain: Some("contoso.com".into()),
        granted_permissions: ["User.Read.All", "Organization.Read.All", "Mail.Read", "MailboxSettings.Read"]
            .map(String::from)
            .to_vec(),
        missing_permissions: vec!["Calendars.Read".into(), "Contacts.Read".into()],
        credential_expires_at: None,
        application_object_id: Some("9c8b7a65-4321-4fed-8cba-0987654321fe".into()),
        service_principal_id: None,
        scope_group_name: None,
        scope_script: None,
    }
}

/// Two connections: a checked one with a certificate, and a never-checked one with a secret
/// whose name is everything a CSV or HTML writer can get wrong.
fn document() -> ExportDocument {
    let checked = connection("Contoso", certificate_credential());
    let mut hostile = connection(
        "<script>alert(\"x\")</script> O'Neil, \"Ltd\"\nsecond line \u{202B}مرحبا",
        Credential::Secret { hint: "XYZ".into(), expires_at: Some(at("2027-05-01T00:00:00Z")) },
    );
    hostile.id = Uuid::parse_str("0b4c9a52-8a57-4ad0-9a2e-9c1f4a3e0d11").unwrap();
    hostile.role = Role::Target;
    hostile.last_check = None;
    ExportDocument {
        schema_version: mailferry_core::export::SCHEMA_VERSION,
        mailferry_version: stamp().mailferry_version,
        exported_at: stamp().exported_at,
        connections: vec![
            summarize(&checked, Some(&report(checked.id)), Some(&certificate_info())),
            summarize(&hostile, None, None),
        ],
    }
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it (then review the diff).
fn assert_golden(name: &str, actual: &[u8]) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its golden file; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff:\n{}",
        String::from_utf8_lossy(actual)
    );
}

#[test]
fn json_matches_its_golden_file_and_reads_back_into_the_same_model() {
    let document = document();
    let bytes = render(&document, ExportFormat::Json, RenderOptions::default()).unwrap();
    assert_golden("summary.json", &bytes);
    let back: ExportDocument = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, document);
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["schemaVersion"], 1);
    let permissions = &json["connections"][0]["permissions"];
    assert_eq!(permissions[4]["name"], "Calendars.Read");
    assert_eq!(permissions[4]["seenInToken"], false);
    assert_eq!(permissions[2]["seenInToken"], true);
    assert_eq!(json["connections"][1]["permissions"][0]["seenInToken"], serde_json::Value::Null, "never checked");
}

#[test]
fn csv_matches_its_golden_file_and_the_csv_crate_reads_every_row_back() {
    let document = document();
    let bytes = render(&document, ExportFormat::Csv, RenderOptions::default()).unwrap();
    assert_golden("summary.csv", &bytes);
    let rows: Vec<CsvRow> = csv::Reader::from_reader(bytes.as_slice()).deserialize().collect::<Result<_, _>>().unwrap();
    let expected: Vec<CsvRow> = document.connections.iter().map(|c| CsvRow::new(c, &document)).collect();
    assert_eq!(rows, expected);
    assert_eq!(rows[1].name, document.connections[1].name, "commas, quotes, a newline and RTL text survive");
    assert_eq!(rows[0].permissions.split("; ").nth(4), Some("Calendars.Read (missing)"));
    assert!(rows[0]
        .last_check_problems
        .contains("Mail access: failed: migration@contoso.com has no Exchange Online mailbox."));
}

#[test]
fn a_name_a_spreadsheet_would_run_as_a_formula_is_kept_as_text() {
    let mut document = document();
    document.connections[0].name = "=HYPERLINK(\"http://evil.example\",\"click\")".into();
    let bytes = render(&document, ExportFormat::Csv, RenderOptions::default()).unwrap();
    let rows: Vec<CsvRow> = csv::Reader::from_reader(bytes.as_slice()).deserialize().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows[0].name, "'=HYPERLINK(\"http://evil.example\",\"click\")");
}

#[test]
fn no_cell_of_any_column_can_run_as_a_formula() {
    let mut document = document();
    let c = &mut document.connections[0];
    // What a hostile tenant or a crafted address can put in columns that are not free text.
    c.application_mailbox = "-2+3@contoso.com".into();
    c.default_domain = Some("@SUM(1)".into());
    c.tenant_id = "+cmd".into();
    c.cloud.name = "=1+1".into();
    c.credential.secret_hint = Some("\t=x".into());
    let bytes = render(&document, ExportFormat::Csv, RenderOptions::default()).unwrap();
    let rows: Vec<CsvRow> = csv::Reader::from_reader(bytes.as_slice()).deserialize().collect::<Result<_, _>>().unwrap();
    let row = &rows[0];
    assert_eq!(row.application_mailbox, "'-2+3@contoso.com");
    assert_eq!(row.default_domain, "'@SUM(1)");
    assert_eq!(row.tenant_id, "'+cmd");
    assert_eq!(row.cloud, "'=1+1");
    assert_eq!(row.secret_hint, "'\t=x");
    assert_eq!(row.client_id, "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d", "ordinary cells are untouched");
}

#[test]
fn csv_for_excel_starts_with_a_byte_order_mark() {
    let bytes = render(&document(), ExportFormat::Csv, RenderOptions { csv_bom: true }).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFname,role,cloud,"));
    let empty = ExportDocument { connections: Vec::new(), ..document() };
    let header_only = render(&empty, ExportFormat::Csv, RenderOptions::default()).unwrap();
    assert!(String::from_utf8(header_only).unwrap().starts_with("name,role,cloud,tenant_id,"));
}

#[test]
fn html_matches_its_golden_file_escapes_hostile_names_and_loads_nothing_from_outside() {
    let bytes = render(&document(), ExportFormat::Html, RenderOptions::default()).unwrap();
    assert_golden("summary.html", &bytes);
    let html = String::from_utf8(bytes).unwrap();
    assert!(
        html.contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;") || html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script"), "no script, escaped or not");
    assert!(html.contains("O&#39;Neil") || html.contains("O&#x27;Neil"));
    for external in ["<link", "<img", "src=", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("prefers-color-scheme: dark") && html.contains("@media print"));
    assert!(html.contains("Missing from the token") && html.contains("Not checked yet"));
}

#[test]
fn the_format_comes_from_the_extension() {
    assert_eq!(ExportFormat::from_path(Path::new("a/b.JSON")).unwrap(), ExportFormat::Json);
    assert_eq!(ExportFormat::from_path(Path::new("b.csv")).unwrap(), ExportFormat::Csv);
    assert_eq!(ExportFormat::from_path(Path::new("b.htm")).unwrap(), ExportFormat::Html);
    let error = ExportFormat::from_path(Path::new("summary.txt")).unwrap_err();
    assert_eq!(error.hint().unwrap(), "Name the file with .json, .csv or .html.");
}

const SECRET: &str = "Ex8Q~export.SecretValue_0123456789abcdefXYZ";

#[tokio::test]
async fn no_export_holds_a_secret_or_a_private_key_of_the_connections_in_it() {
    let core = Core::new().await;
    let service = &core.connections;
    let certificate = generate(Role::Source).unwrap();
    service.certificates().put(&certificate).await.unwrap();
    core.add(Role::Source, fields("Secret"), Some(SECRET)).await;
    let thumbprint = certificate.info.sha1_thumbprint.clone();
    let mut with_certificate = fields("Certificate");
    with_certificate.credential = CredentialChoice::Certificate { thumbprint };
    core.add(Role::Source, with_certificate, None).await;

    let document = build(service, &[], ExportStamp::now()).await.unwrap();
    assert_eq!(document.connections.len(), 2);
    let certified = document.connections.iter().find(|c| c.name == "Certificate").unwrap();
    assert_eq!(
        certified.credential.certificate_not_before,
        Some(certificate.info.not_before),
        "details from the store"
    );
    let key_tail = &certificate.key_pkcs8[certificate.key_pkcs8.len() - 64..];
    for format in [ExportFormat::Json, ExportFormat::Csv, ExportFormat::Html] {
        let bytes = render(&document, format, RenderOptions { csv_bom: true }).unwrap();
        assert!(!bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "{format:?} holds the secret");
        assert!(!bytes.windows(key_tail.len()).any(|w| w == key_tail), "{format:?} holds private key bytes");
        let base64_key = base64_of(&certificate.key_pkcs8);
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&base64_key[base64_key.len() - 40..]),
            "{format:?} holds the key in base64"
        );
    }

    // Written in place in one step: no partial file is left behind.
    let path = core.dir.path().join("summary.json");
    write_file(&path, render(&document, ExportFormat::Json, RenderOptions::default()).unwrap()).await.unwrap();
    let names: Vec<String> = std::fs::read_dir(core.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"summary.json".to_owned()) && !names.iter().any(|n| n.ends_with(".partial")), "{names:?}");

    let unknown = build(service, &[Uuid::new_v4()], ExportStamp::now()).await.unwrap_err();
    assert_eq!(unknown.code(), mailferry_core::ErrorCode::NotFound);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(unix)]
#[tokio::test]
async fn an_export_never_writes_through_a_link_left_beside_or_at_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let target = dir.path().join("summary.json");
    // Links where a predictable partial file, or the target itself, would be.
    for name in [".summary.json.partial", ".summary.json.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    write_file(&target, b"{}".to_vec()).await.unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert_eq!(std::fs::read(&target).unwrap(), b"{}");

    let linked = dir.path().join("linked.json");
    std::os::unix::fs::symlink(&victim, &linked).unwrap();
    write_file(&linked, b"[]".to_vec()).await.unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me", "the link is replaced, not followed");
    assert!(!std::fs::symlink_metadata(&linked).unwrap().file_type().is_symlink());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".mailferry-export-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
