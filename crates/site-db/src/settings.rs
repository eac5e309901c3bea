//! The site's settings (R8.3): one document for every kiosk, saved under a version so that two
//! kiosks saving at once cannot silently undo each other: a save based on an old version is
//! refused and says which kiosk saved last.

use chrono::{DateTime, Utc};

use crate::{Site, SiteError};

/// The settings as the site holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSettings {
    pub version: i64,
    pub document: serde_json::Value,
    /// The name of the kiosk that saved them.
    pub saved_by: String,
    pub saved_at: DateTime<Utc>,
}

impl Site {
    /// The site's settings; `None` until a kiosk first saves them.
    pub async fn settings(&self) -> Result<Option<SiteSettings>, SiteError> {
        let row = self
            .client
            .query_opt(
                "SELECT s.version, s.document, k.name, s.saved_at
                 FROM settings s JOIN kiosks k ON k.id = s.saved_by",
                &[],
            )
            .await?;
        Ok(row.map(|r| SiteSettings {
            version: r.get(0),
            document: r.get(1),
            saved_by: r.get(2),
            saved_at: r.get(3),
        }))
    }

    /// Saves `document` as the site's settings if they are still at `base` (0: never saved),
    /// returning the new version.
    pub async fn save_settings(
        &self,
        base: i64,
        document: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<i64, SiteError> {
        let saved = if base == 0 {
            self.client
                .query_opt(
                    "INSERT INTO settings (singleton, version, document, saved_by, saved_at)
                     VALUES (1, 1, $1, $2, $3) ON CONFLICT DO NOTHING RETURNING version",
                    &[document, &self.kiosk.id, &now],
                )
                .await?
        } else {
            self.client
                .query_opt(
                    "UPDATE settings SET version = version + 1, document = $1, saved_by = $2,
                         saved_at = $3
                     WHERE version = $4 RETURNING version",
                    &[document, &self.kiosk.id, &now, &base],
                )
                .await?
        };
        match saved {
            Some(row) => Ok(row.get(0)),
            None => {
                let by = self.settings().await?.map(|s| s.saved_by).unwrap_or_default();
                Err(SiteError::SettingsChanged { by })
            }
        }
    }
}
