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
    // A queue of 4,096 lines instead of the default 128,000, whose slots are allocated and
    // touched up front (4 MB held for a log that writes a few lines a minute).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(4096)
        .finish(tracing_appender::rolling::never(&dir, "mailferry.log"));
    let installed =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init().is_ok();
    installed.then_some(guard)
}
