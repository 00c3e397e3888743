#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure here is a test failure
//! Shared by the CLI tests: a data folder seeded through the core, and a way to run the binary.

use std::path::Path;
use std::process::{Command, Output};

use mailferry_core::model::Connection;
use mailferry_core::store::Store;

pub use mailferry_testsupport::connection;

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
