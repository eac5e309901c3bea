//! Logs: `tracing` to stderr and to daily-rotating files in the data directory (R6.4).
//!
//! At info level the logs carry ids, never names or the Wonde token.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Files kept before the oldest is removed.
const KEEP_FILES: usize = 14;

/// Starts logging for a process. Keep the guard alive: dropping it flushes the file writer.
/// `stderr_default` is the stderr level when `RUST_LOG` is unset ("warn" for the CLI).
pub fn init(data_dir: &Path, app: &str, stderr_default: &str) -> Option<WorkerGuard> {
    let logs = data_dir.join("logs");
    // The appender prunes old files at start and complains if the folder is missing.
    let _ = crate::paths::create_private_dir(&logs);
    let file = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(app)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&logs)
        .ok();
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(EnvFilter::new("info"));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let stderr_filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(stderr_default));
    // Colours only on a terminal: logs piped to a file or a test stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let stderr =
        fmt::layer().with_ansi(ansi).with_writer(std::io::stderr).with_filter(stderr_filter);
    // A second init in the same process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry().with(stderr).with(file_layer).try_init();
    guard
}
