//! The people behind the import switches (R1.4): pupils or staff matching a search, each with
//! whether the next import brings them in. Archived people are listed only while excluded, so
//! staff can bring back someone they switched off.

use serde::Serialize;

use crate::search::fold;
use crate::store::{Store, StoreError};

/// Who the switches are for; its text form is the store's `person_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum PersonKind {
    Student,
    Employee,
}

impl PersonKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub mis_id: String,
    pub name: String,
    pub detail: String,
    pub imported: bool,
}

/// The most rows the list shows: a search narrows it.
pub const MAX_PEOPLE: usize = 50;

/// Pupils or staff whose name contains `query` (case- and accent-insensitive), by name.
pub fn matching(store: &Store, kind: PersonKind, query: &str) -> Result<Vec<Person>, StoreError> {
    let wanted = fold(query);
    let excluded = store.excluded(kind.as_str())?;
    let listed = |mis_id: &Option<String>, archived: bool| {
        mis_id.as_ref().filter(|id| !archived || excluded.contains(*id)).cloned()
    };
    let mut people: Vec<Person> = match kind {
        PersonKind::Student => {
            let current = store.students()?.into_iter().map(|s| (s, false));
            let archived = store.archived_students()?.into_iter().map(|s| (s, true));
            current
                .chain(archived)
                .filter_map(|(s, archived)| {
                    let mis_id = listed(&s.mis_id, archived)?;
                    Some(Person {
                        imported: !excluded.contains(&mis_id),
                        name: s.display_name(),
                        detail: format!(
                            "Year {} · {}",
                            s.year.unwrap_or_default(),
                            s.registration_group.unwrap_or_default()
                        ),
                        mis_id,
                    })
                })
                .collect()
        }
        PersonKind::Employee => store
            .employees()?
            .into_iter()
            .filter_map(|(e, archived)| {
                let mis_id = listed(&e.mis_id, archived)?;
                Some(Person {
                    imported: !excluded.contains(&mis_id),
                    name: format!("{} {}", e.forename, e.surname),
                    detail: e.role.unwrap_or_default(),
                    mis_id,
                })
            })
            .collect(),
    };
    people.retain(|p| wanted.is_empty() || fold(&p.name).contains(&wanted));
    people.sort_by(|a, b| a.name.cmp(&b.name));
    people.truncate(MAX_PEOPLE);
    Ok(people)
}
