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

/// Makes `dir` (and its parents) and keeps it to the kiosk's own user (0700 on Unix): the data
/// directory holds pupils' names and the Wonde token (R6.4).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // A directory on a read-only disk (or someone else's) is still used as it is.
    if let Err(e) = make_private(dir, 0o700) {
        tracing::warn!(error = %e, dir = %dir.display(), "the directory's permissions could not be set");
    }
    Ok(())
}

/// Keeps a file to the kiosk's own user (0600 on Unix).
pub fn make_private_file(path: &Path) -> std::io::Result<()> {
    make_private(path, 0o600)
}

/// Options that create a file only the kiosk's own user can read (0600 on Unix).
pub fn private_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn make_private(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn make_private(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
