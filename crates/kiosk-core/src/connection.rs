//! The stored Wonde connection (R5.3, R6.1): school id and address in the store's settings, the
//! token in a file of its own that only the app's user can read. Nothing here hands the token
//! to the UI: [`ConnectionView`] carries it masked.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};
use wonde_client::{Token, WondeConfig};

/// The token file's name in the data directory.
pub const TOKEN_FILE: &str = "wonde-token";
const CONNECTION_KEY: &str = "wonde.connection";

/// Why the connection could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the Wonde token file {path} could not be used: {source}")]
    TokenFile { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Invalid(String),
}

/// Where the school is: safe to show anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub school_id: String,
    pub base_url: String,
}

/// The connection as the staff area shows it: the token masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionView {
    pub school_id: String,
    pub base_url: String,
    pub token_masked: Option<String>,
}

fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TOKEN_FILE)
}

/// Stores the connection and the token. The token file is written whole (a new file renamed
/// over the old) with mode 0600, so a crash never leaves half a token.
pub fn save(
    store: &Store,
    data_dir: &Path,
    connection: &Connection,
    token: &Token,
) -> Result<(), ConnectionError> {
    if !wonde_client::is_token(token.expose()) {
        return Err(ConnectionError::Invalid(
            "That is not a Wonde token (letters and digits, no spaces); paste it again.".into(),
        ));
    }
    if !wonde_client::is_school_id(&connection.school_id) {
        return Err(ConnectionError::Invalid(
            "That is not a Wonde school id (letters and digits, like A1930499544).".into(),
        ));
    }
    write_private(&token_path(data_dir), token.expose().as_bytes())?;
    let json = serde_json::to_string(connection).expect("plain data serialises");
    store.set_value(CONNECTION_KEY, &json)?;
    tracing::info!(school_id = %connection.school_id, "Wonde connection saved");
    Ok(())
}

/// The stored connection, without the token.
pub fn connection(store: &Store) -> Result<Option<Connection>, ConnectionError> {
    let Some(text) = store.value(CONNECTION_KEY)? else { return Ok(None) };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        ConnectionError::Invalid(format!(
            "the stored Wonde connection is damaged ({e}); connect again"
        ))
    })
}

/// The client configuration for the stored connection, if one is stored. `WONDE_API_URL`, when
/// set, wins over the stored address (it is how a developer points the kiosk at the simulator).
pub fn config(store: &Store, data_dir: &Path) -> Result<Option<WondeConfig>, ConnectionError> {
    let Some(connection) = connection(store)? else { return Ok(None) };
    let path = token_path(data_dir);
    let token = std::fs::read_to_string(&path)
        .map_err(|source| ConnectionError::TokenFile { path, source })?;
    let mut config = WondeConfig::new(connection.school_id, Token::new(token));
    if std::env::var(wonde_client::BASE_URL_ENV).map_or(true, |v| v.trim().is_empty()) {
        config.base_url = connection.base_url;
    }
    Ok(Some(config))
}

/// What the staff area may show of the connection.
pub fn view(store: &Store, data_dir: &Path) -> Result<Option<ConnectionView>, ConnectionError> {
    let Some(connection) = connection(store)? else { return Ok(None) };
    let token_masked =
        std::fs::read_to_string(token_path(data_dir)).ok().map(|t| Token::new(t).masked());
    Ok(Some(ConnectionView {
        school_id: connection.school_id,
        base_url: connection.base_url,
        token_masked,
    }))
}

/// Forgets the connection and deletes the token file.
pub fn forget(store: &Store, data_dir: &Path) -> Result<(), ConnectionError> {
    store.delete_value(CONNECTION_KEY)?;
    let path = token_path(data_dir);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ConnectionError::TokenFile { path, source: e })
        }
        _ => Ok(()),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ConnectionError> {
    let err = |source| ConnectionError::TokenFile { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("new");
    let _ = std::fs::remove_file(&tmp);
    let mut file = crate::paths::private_file_options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(err)?;
    file.write_all(bytes).and_then(|_| file.sync_all()).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_kept_in_a_file_only_the_app_can_read_and_shown_masked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let connection = Connection {
            school_id: "A1930499544".into(),
            base_url: "https://api.wonde.com/v1.0".into(),
        };
        save(&store, dir.path(), &connection, &Token::new("abcdefghijklmnopqrstuvwxyz")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let shown = view(&store, dir.path()).unwrap().unwrap();
        assert_eq!(shown.token_masked.as_deref(), Some("••••••••wxyz"));
        assert!(!serde_json::to_string(&shown).unwrap().contains("abcdefgh"));
        assert!(!store.value(CONNECTION_KEY).unwrap().unwrap().contains("abcdefgh"));
        let config = config(&store, dir.path()).unwrap().unwrap();
        assert_eq!(config.token.expose(), "abcdefghijklmnopqrstuvwxyz");
        forget(&store, dir.path()).unwrap();
        assert!(view(&store, dir.path()).unwrap().is_none());
    }
}
