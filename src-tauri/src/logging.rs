use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Logs to `mailferry.log` in the app's log folder (and to stderr in debug builds). Nothing
/// logged anywhere in Mailferry carries a secret: secrets are `SecretString`s, whose Debug
/// output is redacted, and are never formatted into messages.
pub fn init(dir: Option<PathBuf>) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("MAILFERRY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let dir = dir?;
    if std::fs::create_dir_all(&dir).is_err() {
        return None;
    }
    let (writer, guard) = tracing_appender::non_blocking(tracing_appender::rolling::never(&dir, "mailferry.log"));
    let installed =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init().is_ok();
    installed.then_some(guard)
}
