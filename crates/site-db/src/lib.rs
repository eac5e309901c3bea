//! The site database (R8): PostgreSQL shared by a school's kiosks. Each kiosk pushes the events
//! it recorded (with their status and a summary of their writeback attempts), pulls the others',
//! and reads and saves the site's settings under a version. Plain async calls over one
//! connection; it knows no local store: kiosk-core's `site` module carries rows between the two.

mod error;
mod events;
mod schema;
mod settings;

use std::time::Duration;

use tokio_postgres::{Client, Config, NoTls};

pub use error::SiteError;
pub use events::{PulledEvent, SiteEvent};
pub use schema::SCHEMA_VERSION;
pub use settings::SiteSettings;

/// How long a connection attempt may take before the site database counts as away.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the site database is and who this kiosk is in it.
#[derive(Debug, Clone)]
pub struct SiteAddress {
    /// A PostgreSQL URL or key-value string, without the password.
    pub url: String,
    pub password: Option<String>,
}

/// This kiosk, as the site database knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskIdentity {
    /// Stable, random, made once per data directory.
    pub id: String,
    /// "Sixth-form entrance"
    pub name: String,
}

/// A kiosk of the site, as the staff area lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteKiosk {
    pub id: String,
    pub name: String,
    pub last_seen: chrono::DateTime<chrono::Utc>,
}

/// An open connection to the site database, checked to be this school's and of a schema this
/// version knows, with this kiosk registered.
pub struct Site {
    client: Client,
    kiosk: KioskIdentity,
}

impl Site {
    /// Connects, brings the schema up to this version's (refusing a newer one), checks the site
    /// is `school_id`'s (the first kiosk to connect names it) and registers the kiosk.
    pub async fn connect(
        address: &SiteAddress,
        school_id: &str,
        kiosk: &KioskIdentity,
    ) -> Result<Self, SiteError> {
        let mut config: Config = address.url.parse().map_err(|_| SiteError::BadAddress)?;
        if let Some(password) = &address.password {
            config.password(password);
        }
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("reception-kiosk");
        config.keepalives_idle(Duration::from_secs(30));
        let (mut client, connection) =
            config.connect(NoTls).await.map_err(SiteError::from_connect)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "the site database connection ended");
            }
        });
        schema::migrate(&mut client).await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO site (singleton, school_id) VALUES (1, $1) ON CONFLICT DO NOTHING",
            &[&school_id],
        )
        .await?;
        let site_school: String = tx.query_one("SELECT school_id FROM site", &[]).await?.get(0);
        if site_school != school_id {
            return Err(SiteError::OtherSchool);
        }
        tx.execute(
            "INSERT INTO kiosks (id, name) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, last_seen = now()",
            &[&kiosk.id, &kiosk.name],
        )
        .await?;
        tx.commit().await?;
        Ok(Self { client, kiosk: kiosk.clone() })
    }

    pub fn kiosk(&self) -> &KioskIdentity {
        &self.kiosk
    }

    /// Whether the connection is gone (the server stopped, the network cut): connect again.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The site's kiosks, by name.
    pub async fn kiosks(&self) -> Result<Vec<SiteKiosk>, SiteError> {
        let rows = self
            .client
            .query("SELECT id, name, last_seen FROM kiosks ORDER BY name, id", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| SiteKiosk { id: r.get(0), name: r.get(1), last_seen: r.get(2) })
            .collect())
    }
}
