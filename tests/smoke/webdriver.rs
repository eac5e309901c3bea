//! Clicking through the real app's screens with WebDriver.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::harness::{colours, smoke_dir};

/// A minimal W3C WebDriver client for WebKitGTK's own driver (`WebKitWebDriver`, Debian's
/// webkit2gtk-driver). `tauri-driver` only translates `tauri:options` into the
/// `webkitgtk:browserOptions` used here, so the test talks to the native driver directly.
pub struct WebDriver {
    pub http: reqwest::Client,
    pub session: String,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl WebDriver {
    pub async fn send(request: reqwest::RequestBuilder) -> serde_json::Value {
        let reply: serde_json::Value =
            request.send().await.expect("WebKitWebDriver answers").json().await.unwrap();
        let value = reply["value"].clone();
        assert!(value.get("error").is_none(), "WebDriver error: {value}");
        value
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        Self::send(self.http.post(format!("{}{path}", self.session)).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        Self::send(self.http.get(format!("{}{path}", self.session))).await
    }

    pub async fn script(&self, js: &str) -> serde_json::Value {
        self.post("/execute/sync", serde_json::json!({ "script": js, "args": [] })).await
    }

    /// Waits until `js` (a function body) returns true.
    pub async fn until(&self, what: &str, js: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.script(js).await != serde_json::json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn element(&self, css: &str) -> String {
        let found = self
            .post("/element", serde_json::json!({ "using": "css selector", "value": css }))
            .await;
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {found}")).to_string()
    }

    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.post(&format!("/element/{id}/click"), serde_json::json!({})).await;
    }

    pub async fn text(&self, css: &str) -> String {
        let id = self.element(css).await;
        self.get(&format!("/element/{id}/text")).await.as_str().unwrap_or_default().to_string()
    }

    /// The web view as WebKitGTK painted it, saved as PNG.
    pub async fn screenshot(&self, to: &Path) {
        let b64 = self.get("/screenshot").await;
        let encoded = smoke_dir().join("screenshot.b64");
        fs::write(&encoded, b64.as_str().unwrap()).unwrap();
        let png = Command::new("base64").arg("-d").arg(&encoded).output().unwrap();
        assert!(png.status.success() && png.stdout.starts_with(b"\x89PNG"), "not a PNG screenshot");
        fs::write(to, png.stdout).unwrap();
        assert!(colours(to) > 64, "{} looks blank", to.display());
    }
}
