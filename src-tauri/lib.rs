//! Reception Kiosk's core library. The desktop app and `kioskctl` are thin front ends over it;
//! `ARCHITECTURE.md` at the repository root is the map.

pub mod mis_capabilities;
pub mod backend;
pub mod clock;
pub mod import;
pub mod logging;
pub mod paths;
pub mod recording;
pub mod report;
pub mod rules;
pub mod search;
pub mod settings;
pub mod sim;
pub mod staff;
pub mod store;
pub mod sync;
pub mod wonde;

#[cfg(feature = "desktop")]
mod app;
#[cfg(feature = "desktop")]
mod commands;
#[cfg(feature = "desktop")]
mod staff_commands;
#[cfg(feature = "desktop")]
mod staff_setup_commands;
#[cfg(feature = "desktop")]
pub use app::{attach_background, build, kiosk_shell, open_main_window, run, AppState, Shell, MAIN_WINDOW};
