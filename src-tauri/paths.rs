//! Where the kiosk keeps its data.

use std::path::PathBuf;

/// The environment variable that picks the data directory.
pub const DATA_DIR_ENV: &str = "RECEPTION_KIOSK_DATA_DIR";

/// The data directory: `RECEPTION_KIOSK_DATA_DIR` if set, else the platform's data directory
/// for the app (e.g. `~/.local/share/reception-kiosk` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("uk.school", "", "reception-kiosk")
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("reception-kiosk-data"))
}
