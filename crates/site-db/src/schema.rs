//! The site database's schema: numbered migrations like the local store's, applied in order under
//! a lock so two kiosks starting together do not both apply one; a schema from a newer version is
//! refused, never changed.

use tokio_postgres::Client;

use crate::SiteError;

const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_site.sql")];

/// The schema version this build brings the site database to.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Any number the kiosks agree on: held while migrating.
const SCHEMA_LOCK: i64 = 0x5ec7_0001;

pub(crate) async fn migrate(client: &mut Client) -> Result<(), SiteError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let found: i32 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await?.get(0);
    if found > SCHEMA_VERSION {
        return Err(SiteError::NewerSchema { found, known: SCHEMA_VERSION });
    }
    for (version, sql) in (1..).zip(MIGRATIONS).skip(found as usize) {
        tx.batch_execute(sql).await?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).await?;
        tracing::info!(version, "site database schema migrated");
    }
    tx.commit().await?;
    Ok(())
}
