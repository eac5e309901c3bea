//! The photos an import brings (R7.2): for each pupil it read, the photo Wonde lists, fetched
//! and checked only when its version differs from the one kept. A photo that is not an image,
//! too large or unreachable is left out with a warning (the pupil's id, never a name); the import
//! goes on without it.

use std::collections::HashMap;

use kiosk_model::roster::{Student, StudentPhoto};
use wonde_client::model::StudentJson;
use wonde_client::WondeClient;

/// New or changed photos, and the pupils Wonde lists with no photo any more.
#[derive(Debug, Default)]
pub struct Photos {
    pub changed: Vec<StudentPhoto>,
    pub removed: Vec<String>,
    /// Photos left out because they could not be used.
    pub skipped: usize,
}

pub async fn gather(
    client: &WondeClient,
    kept: &HashMap<String, String>,
    students: &[(&StudentJson, Student)],
) -> Photos {
    let mut photos = Photos::default();
    for (json, student) in students {
        let Some(photo) = json.photo.get() else {
            if kept.contains_key(&student.upi) {
                photos.removed.push(student.upi.clone());
            }
            continue;
        };
        let version = photo.version();
        if kept.get(&student.upi) == Some(&version) {
            continue;
        }
        match client.photo(photo).await {
            Ok((bytes, mime)) => photos.changed.push(StudentPhoto {
                student_upi: student.upi.clone(),
                mime: mime.to_string(),
                bytes,
                version,
            }),
            Err(problem) => {
                tracing::warn!(student = student.wonde_id, %problem, "a pupil's photo left out");
                photos.skipped += 1;
            }
        }
    }
    photos
}
