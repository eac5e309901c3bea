//! The one window and its kiosk rules: how it opens, what may close it, a second launch, and
//! the signals that end the app cleanly (R2.5).

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{Manager, Runtime};

/// The label of the one window, as declared in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// How the shell presents its window, decided once at start from the settings (R2.5).
pub struct Shell {
    /// Full screen, undecorated, always on top and not closable by the user.
    pub kiosk: bool,
    /// Set once the app has decided to exit (a signal, or `exit` from code), so the kiosk's close
    /// guard does not hold the window open against the app's own shutdown.
    exiting: AtomicBool,
}

impl Shell {
    pub fn new(kiosk: bool) -> Self {
        Self { kiosk, exiting: AtomicBool::new(false) }
    }

    pub fn mark_exiting(&self) {
        self.exiting.store(true, Ordering::SeqCst);
    }

    /// Whether a close request from the user (window manager, Alt+F4) is honoured: in kiosk mode
    /// only the app itself ends the session; otherwise closing the window quits as usual.
    pub fn allows_close(&self) -> bool {
        !self.kiosk || self.exiting.load(Ordering::SeqCst)
    }
}

/// Adds the kiosk's window rules to a builder: the close guard, and no default menu (macOS adds
/// one unless told not to; Linux and Windows have none unless the app builds one, and this app
/// builds none). Generic so the guard can be exercised on the mock runtime.
pub fn kiosk_shell<R: Runtime>(builder: tauri::Builder<R>, shell: Shell) -> tauri::Builder<R> {
    builder.manage(shell).enable_macos_default_menu(false).on_window_event(|window, event| {
        if let tauri::WindowEvent::CloseRequested { api, .. } = event {
            if !window.state::<Shell>().allows_close() {
                tracing::info!(window = window.label(), "close request refused: kiosk mode");
                api.prevent_close();
            }
        }
    })
}

/// Creates the main window from its declaration in `tauri.conf.json` (`create: false` there, so
/// the kiosk setting decides its shape before it first appears): full screen, undecorated,
/// always on top and not closable in kiosk mode; a normal 1280x800 window for development.
pub fn open_main_window<R: Runtime, M: Manager<R>>(
    manager: &M,
    kiosk: bool,
) -> tauri::Result<tauri::WebviewWindow<R>> {
    let config = manager
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let mut window = tauri::WebviewWindowBuilder::from_config(manager, &config)?;
    if kiosk {
        window = window
            .fullscreen(true)
            .decorations(false)
            .always_on_top(true)
            .closable(false)
            .resizable(false);
    }
    window.focused(true).on_navigation(stays_in_app).build()
}

/// The window only ever shows the kiosk's own pages (L7): a link or a redirect to anywhere else
/// (a web page, a file on the disk) is not followed.
fn stays_in_app(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Brings the running kiosk's window to the front when someone launches the app again (the
/// second process exits at once, before opening a window of its own).
#[cfg(desktop)]
pub(crate) fn focus_main_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    tracing::info!("second launch: focused the running kiosk");
}

/// SIGTERM (systemd, `kill`, logout) and SIGINT (Ctrl+C) end the app the way a normal exit does:
/// `RunEvent::Exit` stops the sync engine and the process exits 0. The handlers are installed
/// before the slow part of start-up so an early signal is not fatal; the exit then waits until
/// the app exists to receive it.
#[cfg(unix)]
pub(crate) fn exit_on_signals() -> tokio::sync::oneshot::Sender<tauri::AppHandle> {
    use tokio::signal::unix::{signal, SignalKind};
    let (tx, rx) = tokio::sync::oneshot::channel::<tauri::AppHandle>();
    let signals = tauri::async_runtime::block_on(async {
        Ok::<_, std::io::Error>((
            signal(SignalKind::terminate())?,
            signal(SignalKind::interrupt())?,
        ))
    });
    match signals {
        Ok((mut term, mut int)) => {
            tauri::async_runtime::spawn(async move {
                let name = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                tracing::info!(signal = name, "asked to stop: exiting cleanly");
                if let Ok(app) = rx.await {
                    app.state::<Shell>().mark_exiting();
                    app.exit(0);
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "could not listen for SIGTERM/SIGINT"),
    }
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_only_the_kiosks_own_pages() {
        for own in ["tauri://localhost/index.html", "http://tauri.localhost/index.html#staff"] {
            assert!(stays_in_app(&own.parse().unwrap()), "{own}");
        }
        for elsewhere in [
            "https://example.com/",
            "file:///etc/passwd",
            "http://localhost:8080/",
            "tauri://evil.example/",
            "javascript:alert(1)",
        ] {
            assert!(!stays_in_app(&elsewhere.parse().unwrap()), "{elsewhere}");
        }
    }
}
