#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure here is a test failure
//! Shared by the CLI tests: a data folder seeded through the core, and a way to run the binary.

use std::path::Path;
use std::process::{Command, Output};

use mailferry_core::cloud::Cloud;
use mailferry_core::model::{Connection, Credential, RegistrationMode, Role};
use mailferry_core::store::Store;
use uuid::Uuid;

pub fn connection(role: Role, name: &str) -> Connection {
    let now = mailferry_core::model::now();
    Connection {
        id: Uuid::new_v4(),
        role,
        name: name.into(),
        cloud: Cloud::Global,
        tenant_id: "contoso.onmicrosoft.com".into(),
        tenant_name: None,
        default_domain: None,
        client_id: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into(),
        application_mailbox: "migration@contoso.com".into(),
        registration: RegistrationMode::Manual,
        credential: Credential::Certificate {
            sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
            sha256_thumbprint: None,
            subject: None,
            not_after: None,
        },
        created_at: now,
        updated_at: now,
        last_check: None,
    }
}

pub fn seed(dir: &Path, connections: &[Connection]) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(&dir.join("mailferry.db")).await.unwrap();
        for c in connections {
            store.connections().create(c).await.unwrap();
        }
        store.close().await;
    });
}

pub fn mailferry(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailferry"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MAILFERRY_DATA_DIR")
        .output()
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
