//! Where the kiosk keeps its data.

use std::path::{Path, PathBuf};

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

/// Where the staff area saves exports: the user's Downloads folder where the platform has one,
/// else `exports` in the data directory. (A web view's own downloads are not used: WebKitGTK
/// drops a page's blob downloads inside Tauri, and a kiosk has no download bar to find them in.)
pub fn export_dir(data_dir: &Path) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.download_dir().map(Path::to_path_buf))
        .unwrap_or_else(|| data_dir.join("exports"))
}
