//! Reading the roster: students, leavers, contacts, employees, groups and the deletions feed.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::http::MAX_PER_PAGE;
use super::model::{ContactJson, DeletionJson, EmployeeJson, GroupJson, StudentJson};
use super::{WondeClient, WondeError};

/// Which rows of a list to fetch.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only rows changed after this instant (R1.6). Sent as `YYYY-MM-DD HH:MM:SS` in UTC: the
    /// zone Wonde reads it in is [X]; if Wonde reads it as UK time, UTC asks for an hour *more*
    /// in summer, never less, so nothing is missed.
    pub updated_after: Option<DateTime<Utc>>,
    /// How often a page that failed transiently is tried again before the list fails.
    pub retries: u32,
}

/// The includes an import needs with each student: year and registration group (R2.1 shows
/// them), contacts with their relationship (R2.2), the education details that carry the leaving
/// date (R1.2) and the card numbers (R7.1), and the photo (R7.2) when the school shows photos.
pub const STUDENT_INCLUDES: &str = "year,registration,contacts,education_details";
pub const PHOTO_INCLUDE: &str = "photo";
/// Employees with their employment details (current, end date: R1.2) and email.
pub const EMPLOYEE_INCLUDES: &str = "employment_details,contact_details";

impl WondeClient {
    async fn list<T: DeserializeOwned + Send>(
        &self,
        rest: &str,
        include: Option<&str>,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<T>, WondeError> {
        self.resolved().await?;
        let mut params = vec![("per_page", MAX_PER_PAGE.to_string())];
        if let Some(include) = include {
            params.push(("include", include.to_string()));
        }
        if let Some(after) = query.updated_after {
            params.push(("updated_after", after.format("%Y-%m-%d %H:%M:%S").to_string()));
        }
        let url = self.url(&self.school_path(rest), &params);
        self.get_all(url, query.retries, on_page).await
    }

    /// Current students with year, registration group, contacts and education details, and
    /// their photos when `photos`.
    pub async fn students(
        &self,
        query: &ListQuery,
        photos: bool,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<StudentJson>, WondeError> {
        let includes = if photos {
            format!("{STUDENT_INCLUDES},{PHOTO_INCLUDE}")
        } else {
            STUDENT_INCLUDES.to_string()
        };
        self.list("students", Some(&includes), query, on_page).await
    }

    /// Students who have left (`/students-leaver`; assumed the same shape as students, [X]).
    pub async fn student_leavers(
        &self,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<StudentJson>, WondeError> {
        self.list("students-leaver", Some("education_details"), query, on_page).await
    }

    pub async fn contacts(
        &self,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<ContactJson>, WondeError> {
        self.list("contacts", None, query, on_page).await
    }

    pub async fn employees(
        &self,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<EmployeeJson>, WondeError> {
        self.list("employees", Some(EMPLOYEE_INCLUDES), query, on_page).await
    }

    pub async fn groups(
        &self,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<GroupJson>, WondeError> {
        self.list("groups", None, query, on_page).await
    }

    /// Records deleted in the MIS since `updated_after` (one row per deleted top-level item).
    pub async fn deletions(
        &self,
        query: &ListQuery,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<DeletionJson>, WondeError> {
        self.list("deletions", None, query, on_page).await
    }
}
