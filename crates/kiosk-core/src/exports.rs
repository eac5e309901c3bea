//! The exports folder (`exports/` in the data directory): the CSV files and card sheets staff save, kept to the
//! kiosk's user like the rest of its data, listed for IT to fetch, deleted on request and by the
//! retention purge (R6.2, R6.4). Nothing outside this module names a file in it: the window
//! picks an export by a name this module listed, so no name it sends can reach another file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// The extensions exports have (the log's CSV files, the sheets of cards); anything else in the
/// folder is not one.
const EXTENSIONS: [&str; 2] = ["csv", "pdf"];

/// Why the exports folder could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ExportsError {
    #[error("The export could not be saved in {}. Please tell IT.", .dir.display())]
    NotSaved { dir: PathBuf, source: std::io::Error },
    #[error("The exports in {} could not be read. Please tell IT.", .dir.display())]
    NotListed { dir: PathBuf, source: std::io::Error },
    #[error("There is no export called {name}: it may have been deleted already.")]
    NoSuchExport { name: String },
    #[error("The export {name} could not be deleted. Please tell IT.")]
    NotDeleted { name: String, source: std::io::Error },
}

/// One saved export, as the staff area lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub bytes: u64,
    /// When it was saved, by the kiosk's clock (the file's modification time is set to it).
    pub saved_at: DateTime<Utc>,
    /// How many events it holds (a CSV file's records after the header); none for a card sheet.
    pub events: Option<usize>,
}

/// The exports folder of one data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exports {
    dir: PathBuf,
}

impl Exports {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self { dir: data_dir.join("exports") }
    }

    /// The folder, for the staff area to show IT where to fetch the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves `bytes` as the export `name`, whole or not at all (a half-written file is never
    /// left under the final name), 0600 in a 0700 folder: it holds pupils' names. Its time is
    /// `now`, the kiosk's clock, which is what retention measures it by.
    pub fn save(
        &self,
        name: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<PathBuf, ExportsError> {
        let path = self.dir.join(name);
        self.write_whole(&path, bytes, now)
            .map_err(|source| ExportsError::NotSaved { dir: self.dir.clone(), source })?;
        Ok(path)
    }

    fn write_whole(&self, path: &Path, bytes: &[u8], now: DateTime<Utc>) -> std::io::Result<()> {
        crate::paths::create_private_dir(&self.dir)?;
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let mut file = crate::paths::private_file_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&partial)?;
        file.write_all(bytes)?;
        file.set_modified(now.into())?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    }

    /// The saved exports, newest first. A folder not made yet holds none.
    pub fn list(&self) -> Result<Vec<ExportFile>, ExportsError> {
        let listed = self.files().and_then(|files| {
            files
                .into_iter()
                .map(|(path, meta)| describe(&path, &meta))
                .collect::<Result<Vec<_>, _>>()
        });
        let mut files =
            listed.map_err(|source| ExportsError::NotListed { dir: self.dir.clone(), source })?;
        files.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| a.name.cmp(&b.name)));
        Ok(files)
    }

    /// Deletes the export `name`, which must be one [`Exports::list`] gives: any other name (a
    /// path, `..`, a file that is not an export) is no export.
    pub fn delete(&self, name: &str) -> Result<(), ExportsError> {
        let files = self
            .files()
            .map_err(|source| ExportsError::NotListed { dir: self.dir.clone(), source })?;
        let no_such = || ExportsError::NoSuchExport { name: crate::recording::quote(name) };
        let (path, meta) = files
            .into_iter()
            .find(|(path, _)| path.file_name().is_some_and(|n| n == name))
            .ok_or_else(no_such)?;
        std::fs::remove_file(&path)
            .map_err(|source| ExportsError::NotDeleted { name: name.to_string(), source })?;
        tracing::info!(bytes = meta.len(), "an export deleted by staff");
        Ok(())
    }

    /// The retention purge's part (R6.2): deletes the exports saved before `cutoff`. Returns how
    /// many went.
    pub fn purge_saved_before(&self, cutoff: DateTime<Utc>) -> std::io::Result<usize> {
        let mut purged = 0;
        for (path, meta) in self.files()? {
            if DateTime::<Utc>::from(meta.modified()?) < cutoff {
                std::fs::remove_file(&path)?;
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// The folder's exports: plain files ending `.csv` or `.pdf` (not a `.partial` being written).
    fn files(&self) -> std::io::Result<Vec<(PathBuf, std::fs::Metadata)>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            other => other?,
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            // `symlink_metadata`: a link planted in the folder is not followed out of it.
            let meta = std::fs::symlink_metadata(&path)?;
            let export = path.extension().is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x));
            if meta.is_file() && export {
                files.push((path, meta));
            }
        }
        Ok(files)
    }
}

fn describe(path: &Path, meta: &std::fs::Metadata) -> std::io::Result<ExportFile> {
    let events = match path.extension() {
        Some(e) if e == "csv" => {
            Some(csv::Reader::from_reader(std::fs::File::open(path)?).records().count())
        }
        _ => None,
    };
    Ok(ExportFile {
        name: path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
        bytes: meta.len(),
        saved_at: meta.modified()?.into(),
        events,
    })
}
