//! Who is collecting a child (R6.7, R10.1). The kiosk never lists a child's contacts: the adult
//! types their name, and it is matched here against the contacts who may collect that child.
//! A name that matches none of them, or more than one, is recorded as typed for the office to
//! check; the screen says the same either way, so typing names cannot find out who the
//! contacts are.

use crate::search::fold;
use crate::store::{ChildContact, Contact};

/// Words of address. A typed name may begin with one ("Mrs Smith").
const TITLES: &[&str] =
    &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev", "fr"];

/// Words in the relationship of someone who works with the child rather than cares for them
/// (MIS relationship lists: "Social Worker", "Doctor", "Other Professional", "Police Officer",
/// "Welfare Officer", ...). They never collect through the kiosk, whatever else is on record.
const PROFESSIONAL_WORDS: &[&str] = &[
    "worker",
    "professional",
    "officer",
    "police",
    "doctor",
    "gp",
    "nurse",
    "visitor",
    "solicitor",
    "agency",
    "authority",
    "teacher",
    "therapist",
    "practitioner",
    "consultant",
];

/// Whether the MIS link (or staff) lets this contact collect the child.
pub fn may_collect(contact: &ChildContact) -> bool {
    !is_professional(contact)
        && (contact.link.parental_responsibility == Some(true) || contact.allowed_to_collect)
}

/// Whether staff may mark this contact as allowed to collect: not a professional, and without
/// parental responsibility (who has it may collect already).
pub fn may_be_allowed(contact: &ChildContact) -> bool {
    !is_professional(contact) && contact.link.parental_responsibility != Some(true)
}

fn is_professional(contact: &ChildContact) -> bool {
    contact.link.relationship.as_deref().is_some_and(|r| {
        fold(r).split(|c: char| !c.is_alphanumeric()).any(|w| PROFESSIONAL_WORDS.contains(&w))
    })
}

/// The one contact who may collect and whom `typed` names, if exactly one: case, accents,
/// punctuation and word order do not matter, middle names may be left out, and a title with
/// the surname ("Mrs Smith-Jones") names a contact of that surname whose title agrees.
pub fn identify<'a>(typed: &str, contacts: &'a [ChildContact]) -> Option<&'a Contact> {
    let typed = Name::typed(typed)?;
    let mut matches =
        contacts.iter().filter(|c| may_collect(c)).map(|c| &c.contact).filter(|c| typed.names(c));
    let first = matches.next()?;
    matches.all(|other| other.upi == first.upi).then_some(first)
}

/// A typed name, folded: its title, if it starts with one, and its other words.
struct Name {
    title: Option<String>,
    words: Vec<String>,
}

impl Name {
    fn typed(text: &str) -> Option<Self> {
        let mut words: Vec<String> = words(text);
        let title = match words.first() {
            Some(w) if TITLES.contains(&w.as_str()) => Some(words.remove(0)),
            _ => None,
        };
        (!words.is_empty()).then_some(Self { title, words })
    }

    fn names(&self, contact: &Contact) -> bool {
        let forenames = words(&contact.forename);
        let surname = words(&contact.surname);
        if surname.is_empty() {
            return false;
        }
        let same_words = |mut a: Vec<String>| {
            let mut b = self.words.clone();
            a.sort();
            b.sort();
            a == b
        };
        let full = [forenames.clone(), surname.clone()].concat();
        let first_only = [forenames.iter().take(1).cloned().collect(), surname.clone()].concat();
        if same_words(full) || same_words(first_only) {
            return true;
        }
        // "Mrs Smith-Jones": the surname alone, with a title that agrees with the contact's.
        let title_agrees = match (&self.title, contact.title.as_deref().map(words)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(typed), Some(theirs)) => theirs.first().is_some_and(|t| same_title(typed, t)),
        };
        title_agrees && self.words == surname
    }
}

/// Folded words: "Zoë O'Brien-Smith" is `zoe obrien smith`.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Mrs, Ms and Miss are used for one another at a front desk; other titles stand for themselves.
fn same_title(a: &str, b: &str) -> bool {
    const WOMEN: &[&str] = &["mrs", "ms", "miss"];
    a == b || (WOMEN.contains(&a) && WOMEN.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StudentContact;
    use proptest::prelude::*;

    fn contact(
        upi: &str,
        title: Option<&str>,
        name: (&str, &str),
        relationship: &str,
        parental_responsibility: Option<bool>,
        allowed_to_collect: bool,
    ) -> ChildContact {
        ChildContact {
            contact: Contact {
                upi: upi.into(),
                wonde_id: format!("W{upi}"),
                mis_id: None,
                title: title.map(Into::into),
                forename: name.0.into(),
                surname: name.1.into(),
            },
            link: StudentContact {
                student_upi: "s1".into(),
                contact_upi: upi.into(),
                relationship: Some(relationship.into()),
                parental_responsibility,
                priority: None,
            },
            allowed_to_collect,
        }
    }

    /// Liam's contacts: his mother and father (both with parental responsibility), a
    /// grandmother without it, a childminder staff allowed, and his social worker, who has it.
    fn liams() -> Vec<ChildContact> {
        vec![
            contact("mum", Some("Mrs"), ("Sarah Anne", "Smith-Jones"), "Mother", Some(true), false),
            contact("dad", Some("Mr"), ("Tom", "Smith-Jones"), "Father", Some(true), false),
            contact("nan", Some("Mrs"), ("Joan", "Smith"), "Grandparent", Some(false), false),
            contact("cm", None, ("Ayşe", "Yılmaz"), "Childminder", None, true),
            contact("sw", Some("Ms"), ("Karen", "Lee"), "Social Worker", Some(true), false),
        ]
    }

    #[test]
    fn a_typed_name_is_matched_to_the_one_contact_who_may_collect() {
        let contacts = liams();
        let cases: &[(&str, Option<&str>)] = &[
            ("Sarah Smith-Jones", Some("mum")),
            ("sarah anne smith-jones", Some("mum")),
            ("SMITH-JONES SARAH", Some("mum")),
            ("Smith Jones, Sarah", Some("mum")),
            ("  Mrs   Sarah Smith-Jones ", Some("mum")),
            ("Mrs Smith-Jones", Some("mum")),
            ("Ms Smith-Jones", Some("mum")),
            ("Mr Smith-Jones", Some("dad")),
            ("Tom Smith-Jones", Some("dad")),
            ("Ayse Yilmaz", Some("cm")),
            ("Mrs Yılmaz", Some("cm")),
            // Nobody the kiosk may name: recorded as typed, for the office.
            ("Smith-Jones", None),
            ("Dr Smith-Jones", None),
            ("Sarah", None),
            ("Sarah Smith", None),
            ("Joan Smith", None),
            ("Karen Lee", None),
            ("Ms Lee", None),
            ("Mrs", None),
            ("", None),
            ("Sarah Smith-Jones Tom", None),
        ];
        for (typed, expected) in cases {
            let found = identify(typed, &contacts).map(|c| c.upi.as_str());
            assert_eq!(found, *expected, "{typed:?}");
        }
    }

    #[test]
    fn a_title_and_surname_that_fit_two_contacts_match_neither() {
        let mut contacts = liams();
        contacts[1].contact.title = None;
        assert_eq!(identify("Mrs Smith-Jones", &contacts), None, "mother or father: unknown");
        assert_eq!(identify("Sarah Smith-Jones", &contacts).unwrap().upi, "mum");
    }

    #[test]
    fn professionals_never_collect_and_others_need_responsibility_or_staffs_mark() {
        let who = |relationship: &str, pr: Option<bool>, allowed: bool| {
            may_collect(&contact("x", None, ("A", "B"), relationship, pr, allowed))
        };
        assert!(who("Mother", Some(true), false));
        assert!(who("Grandparent", Some(false), true));
        assert!(!who("Grandparent", Some(false), false));
        assert!(!who("Aunt", None, false), "responsibility unknown: not assumed");
        for professional in
            ["Social Worker", "Other Professional", "Police Officer", "Doctor", "GP"]
        {
            assert!(!who(professional, Some(true), true), "{professional}");
        }
    }

    proptest! {
        #[test]
        fn case_and_word_order_never_change_who_is_matched(
            swap in any::<bool>(),
            upper in any::<bool>(),
            which in 0usize..2,
        ) {
            let contacts = liams();
            let c = &contacts[which].contact;
            let (first, last) = (c.forename.clone(), c.surname.clone());
            let mut typed = if swap { format!("{last} {first}") } else { format!("{first} {last}") };
            if upper {
                typed = typed.to_uppercase();
            }
            prop_assert_eq!(identify(&typed, &contacts).map(|c| c.upi.clone()), Some(c.upi.clone()));
        }
    }
}
