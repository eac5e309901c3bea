//! Over 400 lines on purpose: the rules' tables read best side by side, as the spec lists them.
//!
//! The attendance rules (R3) in the schools' own examples, plus properties that must hold for
//! every input.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::London;
use proptest::prelude::*;

use kiosk_core::mis_capabilities::{MisCapabilities, MisCapability};
use kiosk_core::rules::{
    decide, Decision, EventFacts, EventKind, Failure, Mark, MisFacts, NotRequired, ReasonGiven,
    Session, Subject, Target,
};
use kiosk_core::settings::{GroupRules, Reason, ReasonUse, ReasonWriteback, Settings, TimeBand};
use kiosk_model::clock::local_to_utc;

const DAY: (i32, u32, u32) = (2026, 11, 23);

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(DAY.0, DAY.1, DAY.2).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    local_to_utc(London, date(), hm(h, m))
}

fn dfe_codes() -> BTreeSet<String> {
    ["/", "\\", "L", "U", "M", "C", "I", "E", "N", "O", "B"].iter().map(|c| c.to_string()).collect()
}

fn sims() -> MisCapability {
    MisCapabilities::builtin().unwrap().lookup("SIMS")
}

fn student() -> Subject<'static> {
    Subject::Student { year: Some("9"), registration_group: Some("9B") }
}

fn event(
    kind: EventKind,
    when: DateTime<Utc>,
    reason: ReasonGiven<'static>,
) -> EventFacts<'static> {
    EventFacts { kind, occurred_at: when, subject: student(), reason }
}

/// Decides with the SIMS row, the DfE codes, no current mark, on the event's own day.
fn decide_sims(event: &EventFacts, settings: &Settings) -> Decision {
    decide_with(event, settings, &sims(), None)
}

fn decide_with(
    event: &EventFacts,
    settings: &Settings,
    mis: &MisCapability,
    current: Option<&str>,
) -> Decision {
    decide_for_school(event, settings, mis, current, true)
}

/// As [`decide_with`], for a school whose lessons Wonde can mark or not.
fn decide_for_school(
    event: &EventFacts,
    settings: &Settings,
    mis: &MisCapability,
    current: Option<&str>,
    has_lesson_attendance: bool,
) -> Decision {
    let codes = dfe_codes();
    let facts = MisFacts {
        codes: &codes,
        ambiguous: &BTreeSet::new(),
        capability: mis,
        allows_writeback: true,
        has_lesson_attendance,
        current_mark: current,
    };
    decide(event, settings, &facts, event.occurred_at)
}

fn code_of(decision: &Decision) -> Option<&str> {
    match decision {
        Decision::Write(mark) => Some(&mark.code),
        _ => None,
    }
}

fn settings_with_reasons(reasons: Vec<Reason>) -> Settings {
    let mut settings = Settings::default();
    settings.default_group.reasons = reasons;
    settings
}

fn reason(label: &str, used_for: ReasonUse, writeback: ReasonWriteback) -> Reason {
    Reason { label: label.into(), used_for, writeback }
}

#[test]
fn late_sign_ins_by_time_follow_sign_in_apps_published_example() {
    let mut settings = Settings::default();
    settings.default_group.present_writeback = true;
    // (local time, the code Sign In App's example writes)
    let table = [
        ((8, 50), "/"),
        ((9, 0), "L"),
        ((9, 14), "L"),
        ((9, 19), "L"),
        ((9, 20), "U"),
        ((11, 59), "U"),
        ((12, 0), "\\"),
        ((12, 59), "\\"),
        ((13, 0), "L"),
        ((13, 14), "L"),
        ((13, 15), "U"),
        ((15, 30), "U"),
    ];
    for ((h, m), expected) in table {
        let decision =
            decide_sims(&event(EventKind::LateSignIn, at(h, m), ReasonGiven::None), &settings);
        assert_eq!(code_of(&decision), Some(expected), "sign-in at {h:02}:{m:02}: {decision:?}");
    }
}

#[test]
fn sign_in_before_the_late_time_writes_nothing_when_present_writeback_is_off() {
    let decision = decide_sims(
        &event(EventKind::LateSignIn, at(8, 55), ReasonGiven::None),
        &Settings::default(),
    );
    assert_eq!(decision, Decision::NotRequired(NotRequired::PresentWritebackOff));
}

#[test]
fn medical_appointment_chosen_at_0930_writes_m_not_u() {
    let settings = settings_with_reasons(vec![reason(
        "M - Medical appointment",
        ReasonUse::Both,
        ReasonWriteback::Code { code: "M".into() },
    )]);
    let listed = decide_sims(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::Listed("M - Medical appointment")),
        &settings,
    );
    assert_eq!(code_of(&listed), Some("M"));
    // Typed the Sign In App way, with Reason Exact Match off.
    let typed = decide_sims(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::FreeText("M - Medical appointment")),
        &Settings::default(),
    );
    assert_eq!(code_of(&typed), Some("M"));
}

#[test]
fn typed_text_with_a_code_the_mis_lacks_falls_back_to_the_time_and_keeps_the_text_as_comment() {
    let decision = decide_sims(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::FreeText("Q - Queue at the dentist")),
        &Settings::default(),
    );
    match decision {
        Decision::Write(Mark { code, comment, .. }) => {
            assert_eq!(code, "U");
            assert_eq!(comment.as_deref(), Some("Q - Queue at the dentist"));
        }
        other => panic!("expected a write, got {other:?}"),
    }
}

#[test]
fn a_reason_set_to_dont_writeback_writes_nothing_whatever_the_time() {
    let settings = settings_with_reasons(vec![reason(
        "School trip",
        ReasonUse::Both,
        ReasonWriteback::DontWriteback,
    )]);
    for when in [at(8, 0), at(9, 30), at(14, 0)] {
        let decision = decide_sims(
            &event(EventKind::LateSignIn, when, ReasonGiven::Listed("School trip")),
            &settings,
        );
        assert_eq!(decision, Decision::NotRequired(NotRequired::ReasonIsDontWriteback));
    }
}

#[test]
fn a_reason_with_time_bands_writes_the_code_of_its_band() {
    let bands = vec![
        TimeBand { from: hm(9, 0), code: "L".into() },
        TimeBand { from: hm(10, 0), code: "U".into() },
    ];
    let settings = settings_with_reasons(vec![reason(
        "Bus late",
        ReasonUse::LateSignIn,
        ReasonWriteback::TimeBands { bands },
    )]);
    let code = |h, m| {
        code_of(&decide_sims(
            &event(EventKind::LateSignIn, at(h, m), ReasonGiven::Listed("Bus late")),
            &settings,
        ))
        .map(String::from)
    };
    assert_eq!(
        code(9, 30).as_deref(),
        Some("L"),
        "09:30 is in the 09:00 band, not yet unauthorised"
    );
    assert_eq!(code(10, 5).as_deref(), Some("U"));
    // Before the first band the group's time-based codes decide.
    assert_eq!(code(8, 30), None);
}

#[test]
fn protected_codes_already_in_the_mis_are_never_overwritten() {
    let settings = Settings::default();
    for protected in ["/", "\\", "M"] {
        let decision = decide_with(
            &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None),
            &settings,
            &sims(),
            Some(protected),
        );
        assert_eq!(decision, Decision::NotRequired(NotRequired::ProtectedCode(protected.into())));
    }
    let over_n = decide_with(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None),
        &settings,
        &sims(),
        Some("N"),
    );
    assert_eq!(code_of(&over_n), Some("U"), "an unprotected mark is replaced");
}

#[test]
fn early_leave_uses_the_reason_code_then_the_early_leaver_code_then_nothing() {
    let mut settings = settings_with_reasons(vec![reason(
        "Dentist",
        ReasonUse::EarlySignOut,
        ReasonWriteback::Code { code: "M".into() },
    )]);
    let out = |settings: &Settings, given| {
        decide_sims(&event(EventKind::EarlySignOut, at(14, 10), given), settings)
    };
    assert_eq!(code_of(&out(&settings, ReasonGiven::Listed("Dentist"))), Some("M"));
    assert_eq!(
        out(&settings, ReasonGiven::None),
        Decision::NotRequired(NotRequired::NoCodeApplies)
    );
    settings.default_group.early_leaver_code = Some("E".into());
    assert_eq!(code_of(&out(&settings, ReasonGiven::None)), Some("E"));
}

#[test]
fn a_sign_out_at_1410_goes_to_the_pm_session() {
    let mut settings = Settings::default();
    settings.default_group.early_leaver_code = Some("E".into());
    match decide_sims(&event(EventKind::EarlySignOut, at(14, 10), ReasonGiven::None), &settings) {
        Decision::Write(mark) => {
            assert_eq!(mark.session, Session::PM);
            assert_eq!(mark.minutes_late, None, "a sign-out is never late");
        }
        other => panic!("expected a write, got {other:?}"),
    }
}

#[test]
fn arbor_early_leave_is_not_required_and_arbor_marks_go_to_the_first_lesson() {
    let arbor = MisCapabilities::builtin().unwrap().lookup("Arbor");
    let mut settings = Settings::default();
    settings.default_group.early_leaver_code = Some("E".into());
    let out = decide_with(
        &event(EventKind::EarlySignOut, at(10, 0), ReasonGiven::None),
        &settings,
        &arbor,
        None,
    );
    assert!(matches!(out, Decision::NotRequired(NotRequired::MisCannotTake(_))), "{out:?}");
    match decide_with(
        &event(EventKind::LateSignIn, at(9, 10), ReasonGiven::None),
        &settings,
        &arbor,
        None,
    ) {
        Decision::Write(mark) => {
            assert_eq!((mark.target, mark.code.as_str()), (Target::FirstLesson, "L"))
        }
        other => panic!("expected a write, got {other:?}"),
    }
    // A school whose lessons Wonde cannot mark (no timetables) gets the session's mark.
    let late = event(EventKind::LateSignIn, at(9, 10), ReasonGiven::None);
    match decide_for_school(&late, &settings, &arbor, None, false) {
        Decision::Write(mark) => {
            assert_eq!((mark.target, mark.code.as_str()), (Target::Session, "L"))
        }
        other => panic!("expected a write, got {other:?}"),
    }
}

#[test]
fn minutes_late_counts_whole_minutes_from_the_sessions_late_time() {
    let cases = [((9, 14), Some(14)), ((9, 40), Some(40)), ((13, 20), Some(20))];
    for ((h, m), expected) in cases {
        match decide_sims(
            &event(EventKind::LateSignIn, at(h, m) + Duration::seconds(59), ReasonGiven::None),
            &Settings::default(),
        ) {
            Decision::Write(mark) => assert_eq!(mark.minutes_late, expected, "{h:02}:{m:02}"),
            other => panic!("expected a write, got {other:?}"),
        }
    }
}

#[test]
fn comment_and_minutes_are_left_out_where_the_mis_or_the_group_does_not_take_them() {
    let settings = settings_with_reasons(vec![reason(
        "Traffic",
        ReasonUse::LateSignIn,
        ReasonWriteback::TimeBased,
    )]);
    let late = event(EventKind::LateSignIn, at(9, 10), ReasonGiven::Listed("Traffic"));
    let facility = MisCapabilities::builtin().unwrap().lookup("Facility");
    match decide_with(&late, &settings, &facility, None) {
        Decision::Write(mark) => assert_eq!((mark.comment, mark.minutes_late), (None, None)),
        other => panic!("{other:?}"),
    }
    match decide_sims(&late, &settings) {
        Decision::Write(mark) => {
            assert_eq!((mark.comment.as_deref(), mark.minutes_late), (Some("Traffic"), Some(10)))
        }
        other => panic!("{other:?}"),
    }
    let mut quiet = settings.clone();
    quiet.default_group.comment_writeback = false;
    quiet.default_group.minutes_late_writeback = false;
    match decide_sims(&late, &quiet) {
        Decision::Write(mark) => assert_eq!((mark.comment, mark.minutes_late), (None, None)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_read_only_mis_takes_nothing() {
    let integris = MisCapabilities::builtin().unwrap().lookup("RM Integris");
    let out = decide_with(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None),
        &Settings::default(),
        &integris,
        None,
    );
    assert!(matches!(out, Decision::NotRequired(NotRequired::MisCannotTake(_))), "{out:?}");
}

#[test]
fn a_code_the_mis_does_not_have_fails_before_anything_is_sent() {
    let settings = settings_with_reasons(vec![reason(
        "Strike",
        ReasonUse::Both,
        ReasonWriteback::Code { code: "Y".into() },
    )]);
    let out = decide_sims(
        &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::Listed("Strike")),
        &settings,
    );
    assert_eq!(out, Decision::Failed(Failure::CodeNotInMis("Y".into())));
}

#[test]
fn a_letter_the_mis_has_two_codes_for_fails_and_the_other_letters_are_written() {
    let codes = dfe_codes();
    let ambiguous: BTreeSet<String> = ["L".to_string()].into();
    let sims = sims();
    let facts = MisFacts {
        codes: &codes,
        ambiguous: &ambiguous,
        capability: &sims,
        allows_writeback: true,
        has_lesson_attendance: true,
        current_mark: None,
    };
    let settings = Settings::default();
    let late = event(EventKind::LateSignIn, at(9, 5), ReasonGiven::None);
    assert_eq!(
        decide(&late, &settings, &facts, at(9, 5)),
        Decision::Failed(Failure::CodeAmbiguous("L".into()))
    );
    let very_late = event(EventKind::LateSignIn, at(9, 40), ReasonGiven::None);
    assert_eq!(code_of(&decide(&very_late, &settings, &facts, at(9, 40))), Some("U"));
}

#[test]
fn a_typed_name_is_recorded_but_never_written_back() {
    let facts = EventFacts {
        kind: EventKind::LateSignIn,
        occurred_at: at(9, 30),
        subject: Subject::TypedName,
        reason: ReasonGiven::None,
    };
    assert_eq!(
        decide_sims(&facts, &Settings::default()),
        Decision::NotRequired(NotRequired::NotMisStudent)
    );
}

#[test]
fn writeback_switched_off_writes_nothing() {
    let settings = Settings { writeback_enabled: false, ..Settings::default() };
    let out = decide_sims(&event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None), &settings);
    assert_eq!(out, Decision::NotRequired(NotRequired::WritebackOff));
}

#[test]
fn the_sixth_form_group_has_its_own_times() {
    let mut settings = Settings::default();
    settings.groups.push(GroupRules {
        name: "Sixth form".into(),
        years: vec!["12".into(), "13".into()],
        am_late: hm(10, 0),
        am_unauthorised: hm(10, 30),
        ..GroupRules::default()
    });
    // However the MIS writes the year, "12, 13" typed in the settings selects it.
    for year in ["12", "Year 12", "Y13", "13", "year 013"] {
        let sixth = EventFacts {
            subject: Subject::Student { year: Some(year), registration_group: None },
            ..event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None)
        };
        assert_eq!(
            decide_sims(&sixth, &settings),
            Decision::NotRequired(NotRequired::PresentWritebackOff),
            "{year}"
        );
    }
    for year in ["1", "Year 11", "N1"] {
        let other = EventFacts {
            subject: Subject::Student { year: Some(year), registration_group: None },
            ..event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None)
        };
        assert_eq!(code_of(&decide_sims(&other, &settings)), Some("U"), "{year}");
    }
    assert_eq!(
        code_of(&decide_sims(
            &event(EventKind::LateSignIn, at(9, 30), ReasonGiven::None),
            &settings
        )),
        Some("U")
    );
}

#[test]
fn an_event_is_decided_by_its_own_time_and_expires_after_local_midnight() {
    let settings = Settings::default();
    let codes = dfe_codes();
    let sims = sims();
    let facts = MisFacts {
        codes: &codes,
        ambiguous: &BTreeSet::new(),
        capability: &sims,
        allows_writeback: true,
        has_lesson_attendance: true,
        current_mark: None,
    };
    let late = event(EventKind::LateSignIn, at(9, 5), ReasonGiven::None);
    // Written at 11:00 after a morning offline: still L, from 09:05.
    assert_eq!(code_of(&decide(&late, &settings, &facts, at(11, 0))), Some("L"));
    let just_before_midnight =
        local_to_utc(London, date(), NaiveTime::from_hms_opt(23, 59, 59).unwrap());
    assert_eq!(code_of(&decide(&late, &settings, &facts, just_before_midnight)), Some("L"));
    assert_eq!(
        decide(&late, &settings, &facts, just_before_midnight + Duration::seconds(1)),
        Decision::Expired
    );
}

#[test]
fn london_events_on_the_dst_sundays_use_local_time() {
    let settings = Settings::default();
    for day in [
        NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
        NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
    ] {
        // 09:10 local is 08:10 UTC in summer time and 09:10 UTC in winter: both are L.
        let when = local_to_utc(London, day, hm(9, 10));
        let out = decide_sims(
            &EventFacts {
                occurred_at: when,
                ..event(EventKind::LateSignIn, when, ReasonGiven::None)
            },
            &settings,
        );
        match out {
            Decision::Write(mark) => {
                assert_eq!(
                    (mark.date, mark.session, mark.code.as_str(), mark.minutes_late),
                    (day, Session::AM, "L", Some(10))
                )
            }
            other => panic!("{day}: {other:?}"),
        }
    }
    // 08:30 UTC on the autumn Sunday is 08:30 local (on time) but was 09:30 local the day before.
    let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
    let utc_0830 = autumn.and_hms_opt(8, 30, 0).unwrap().and_utc();
    let out = decide_sims(&event(EventKind::LateSignIn, utc_0830, ReasonGiven::None), &settings);
    assert_eq!(out, Decision::NotRequired(NotRequired::PresentWritebackOff));
}

fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..86_400 * 3).prop_map(|s| at(0, 0) - Duration::days(1) + Duration::seconds(s))
}

fn arb_reason() -> impl Strategy<Value = ReasonGiven<'static>> {
    prop_oneof![
        Just(ReasonGiven::None),
        Just(ReasonGiven::Listed("Dentist")),
        Just(ReasonGiven::Listed("Trip")),
        Just(ReasonGiven::Listed("Bus")),
        Just(ReasonGiven::FreeText("M - Medical")),
        Just(ReasonGiven::FreeText("Z - unknown code")),
        Just(ReasonGiven::FreeText("overslept")),
    ]
}

fn arb_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![Just(EventKind::LateSignIn), Just(EventKind::EarlySignOut), Just(EventKind::Return)]
}

fn arb_settings() -> impl Strategy<Value = Settings> {
    (any::<bool>(), any::<bool>(), prop::option::of(prop_oneof![Just("E"), Just("X")]), 0u32..120)
        .prop_map(|(present, comment, early, shift)| {
            let mut s = settings_with_reasons(vec![
                reason("Dentist", ReasonUse::Both, ReasonWriteback::Code { code: "M".into() }),
                reason("Trip", ReasonUse::Both, ReasonWriteback::DontWriteback),
                reason("Bus", ReasonUse::Both, ReasonWriteback::Code { code: "Q".into() }),
            ]);
            let g = &mut s.default_group;
            g.present_writeback = present;
            g.comment_writeback = comment;
            g.early_leaver_code = early.map(String::from);
            g.am_late = hm(8, 0) + Duration::minutes(shift as i64);
            g.am_unauthorised = g.am_late + Duration::minutes(20);
            s
        })
}

fn lateness(code: Option<&str>) -> u8 {
    match code {
        Some("U") => 2,
        Some("L") => 1,
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(env!("CARGO_MANIFEST_DIR"), "/../../proptest-regressions/rules.txt")))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn decisions_never_panic_are_repeatable_and_only_use_mis_codes(
        kind in arb_kind(), when in arb_time(), now in arb_time(), reason in arb_reason(),
        settings in arb_settings(), mis in prop::sample::select(vec!["SIMS", "Arbor", "Engage", "Facility", "Unknown"]),
        current in prop::option::of(prop::sample::select(vec!["/", "\\", "M", "L", "N"])),
    ) {
        let capability = MisCapabilities::builtin().unwrap().lookup(mis);
        let codes = dfe_codes();
        let facts = MisFacts { codes: &codes, ambiguous: &BTreeSet::new(), capability: &capability, allows_writeback: true, has_lesson_attendance: true, current_mark: current };
        let e = EventFacts { kind, occurred_at: when, subject: student(), reason };
        let first = decide(&e, &settings, &facts, now);
        prop_assert_eq!(&first, &decide(&e, &settings, &facts, now));
        if let Decision::Write(mark) = &first {
            prop_assert!(codes.contains(&mark.code), "wrote {} which the MIS lacks", mark.code);
            prop_assert!(!capability.read_only);
        }
    }

    #[test]
    fn a_later_sign_in_in_the_same_session_is_never_less_late(
        a in 0i64..(12 * 3600), b in 0i64..(12 * 3600), settings in arb_settings(),
    ) {
        let (early, late) = (a.min(b), a.max(b));
        let base = at(0, 0);
        let codes = dfe_codes();
        let capability = sims();
        let facts = MisFacts { codes: &codes, ambiguous: &BTreeSet::new(), capability: &capability, allows_writeback: true, has_lesson_attendance: true, current_mark: None };
        let code = |secs| {
            let e = event(EventKind::LateSignIn, base + Duration::seconds(secs), ReasonGiven::None);
            let d = decide(&e, &settings, &facts, e.occurred_at);
            lateness(code_of(&d))
        };
        prop_assert!(code(late) >= code(early));
    }
}
