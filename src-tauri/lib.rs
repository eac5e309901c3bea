//! The Tauri shell of Reception Kiosk: the window, its state and its commands. Everything the
//! commands do is in `kiosk-core`; `ARCHITECTURE.md` at the repository root is the map.

mod app;
mod commands;
mod error;
mod window;

pub use error::{Code as ErrorCode, Error as CommandError};

pub use app::{attach_background, build, run, AppState};
pub use window::{kiosk_shell, open_main_window, Shell, MAIN_WINDOW};
