//! The window's commands, thin: each checks its input, calls the core and returns plain data or
//! an [`Error`](crate::error::Error). None runs on the window's thread: Tauri 2 runs a plain
//! command there, so every one is `async` and does its store, PIN and file work on the blocking
//! pool through [`on_pool`]. The staff commands take a [`StaffSession`], the one guard.

pub mod cards;
pub mod kiosk;
pub mod setup;
pub mod staff;

use std::str::FromStr;

use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};
use tauri::{AppHandle, Manager, Runtime};

use crate::app::AppState;
use crate::error::{Error, Result};
use kiosk_core::recording::{quote, MAX_TEXT};

/// Runs `work` on the blocking pool with the app's state, so the window never waits on the
/// store's lock, an fsync, argon2 or a file.
pub(crate) async fn on_pool<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    work: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|_| Error::interrupted())?
}

/// An open staff session, checked (and extended) before the command runs: a staff command
/// names it as its `session` argument, and the window sends the token `staff_unlock` gave.
/// A missing, wrong or expired token is refused as `SESSION_EXPIRED` before the command starts.
pub struct StaffSession;

impl<'de, R: Runtime> CommandArg<'de, R> for StaffSession {
    fn from_command(command: CommandItem<'de, R>) -> std::result::Result<Self, InvokeError> {
        let token = match &command.message.payload() {
            InvokeBody::Json(args) => args.get(command.key).and_then(|v| v.as_str()),
            InvokeBody::Raw(_) => None,
        };
        let state = command.message.webview_ref().state::<AppState>();
        let checked = match token {
            Some(token) => {
                state.staff.check(&state.store, token, state.clock.now()).map_err(Error::from)
            }
            None => Err(Error::from(kiosk_core::staff::StaffError::SessionExpired)),
        };
        checked.map(|()| StaffSession).map_err(InvokeError::from)
    }
}

/// Typed text the window sent: short and printable, or refused with `what` in the sentence.
pub(crate) fn check_text(what: &str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_TEXT || text.chars().any(kiosk_model::text::unrecordable) {
        return Err(Error::invalid(format!("{what} is not something the kiosk can use.")));
    }
    Ok(())
}

/// One of the model's words in its text form (a kind, a status), or the sentence `refusal`
/// makes of the text.
pub(crate) fn parse_word<T: FromStr>(text: &str, refusal: impl Fn(String) -> String) -> Result<T> {
    text.parse().map_err(|_| Error::invalid(refusal(quote(text))))
}
