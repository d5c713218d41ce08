//! Issue 19: "Checklists accept year 10000 and 1969, tickets refuse them";
//! "Timestamps out of range are validation errors in every module alike". Checklists
//! and tickets accept the same instants, years 1–9999 in UTC (Python's
//! `datetime.MINYEAR` = 1 and `datetime.MAXYEAR` = 9999, the documented range of the
//! standard library's `datetime` module, which every binding must be able to return),
//! before 1970 included: 1969-07-20T20:17:00Z is the Apollo 11 landing, a published
//! pre-epoch instant. Any other is `out_of_range`, with one message, in both modules,
//! for an operation and in a document read back.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
use estatekit::diagnostic::Diagnostic;
use estatekit::tickets::{Action, Channel, Ticket, TicketFlow, TicketKind, Urgency};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn ticket(received_at: DateTime<Utc>) -> TicketFlow {
    let tk = Ticket::new(
        "T1",
        "1-101",
        Channel::Hotline,
        received_at,
        "业主",
        "卫生间漏水",
        TicketKind::RepairRequest,
    );
    TicketFlow::new(
        tk,
        "repair.plumbing",
        Urgency::Normal,
        "engineering",
        "小张",
    )
}

fn checklist(started_on: &str) -> Checklist {
    Checklist::start(
        &CheckinTemplate::default_template(),
        "1-603",
        "张三",
        started_on.parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap()
}

fn complete(c: &mut Checklist, at: DateTime<Utc>) -> Result<(), estatekit::checkin::CheckinError> {
    c.complete(
        "occupancy_notice_presented",
        "李四",
        Role::Receptionist,
        at,
        ItemData::default(),
        None,
    )
}

fn error(e: &dyn Diagnostic) -> (String, String, String) {
    (e.code().to_owned(), e.path().into_owned(), e.to_string())
}

#[test]
fn both_modules_accept_the_years_1_to_9999_including_before_1970() {
    for at in [
        "1969-07-20T20:17:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        let at = t(at);
        let mut f = ticket(at);
        f.apply(
            Action::Assign {
                to: "李工".into()
            },
            "小张",
            at,
        )
        .unwrap();
        f.promise_reply(at).unwrap();
        let back = TicketFlow::from_json(&f.to_json()).unwrap();
        assert_eq!(back.to_json(), f.to_json(), "{at}");

        let mut c = checklist("0001-01-01");
        complete(&mut c, at).unwrap();
        let back =
            Checklist::from_json(&c.to_json(), &CheckinTemplate::default_template()).unwrap();
        assert_eq!(back.to_json(), c.to_json(), "{at}");
    }
    // The first and last days, as a checklist's start.
    for day in ["0001-01-01", "9999-12-31"] {
        assert!(
            checklist(day)
                .to_json()
                .contains(&format!("\"started_on\": \"{day}\""))
        );
    }
}

#[test]
fn both_modules_refuse_any_other_instant_alike() {
    for (at, shown) in [
        ("+10000-01-01T00:00:00Z", "+10000-01-01 00:00:00 UTC"),
        ("0000-12-31T23:59:59Z", "0000-12-31 23:59:59 UTC"),
        ("-0001-07-01T00:00:00Z", "-0001-07-01 00:00:00 UTC"),
    ] {
        let want = (
            "out_of_range".to_owned(),
            "at".to_owned(),
            format!("at: {shown} is outside the supported years 1–9999 (UTC)"),
        );
        // A ticket's action and a checklist's operation: the same error.
        let mut f = ticket(t("2026-11-02T00:00:00Z"));
        let before = f.to_json();
        let e = f
            .apply(
                Action::Assign {
                    to: "李工".into()
                },
                "小张",
                t(at),
            )
            .unwrap_err();
        assert_eq!(error(&e), want);
        assert_eq!(f.to_json(), before, "nothing changes");
        let e = f.promise_reply(t(at)).unwrap_err();
        assert_eq!(
            error(&e),
            (
                "out_of_range".to_owned(),
                "promised_reply_at".to_owned(),
                format!("promised_reply_at: {shown} is outside the supported years 1–9999 (UTC)")
            )
        );
        let mut c = checklist("2026-11-02");
        let before = c.to_json();
        let e = complete(&mut c, t(at)).unwrap_err();
        assert_eq!(error(&e), want);
        assert_eq!(c.to_json(), before, "nothing changes");
    }
    // A checklist started on a day outside the range.
    let e = Checklist::start(
        &CheckinTemplate::default_template(),
        "1-603",
        "张三",
        "+10000-01-01".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap_err();
    assert_eq!(
        error(&e),
        (
            "out_of_range".to_owned(),
            "started_on".to_owned(),
            "started_on: +10000-01-01 is outside the supported years 1–9999 (UTC)".to_owned()
        )
    );
}

#[test]
fn documents_with_an_instant_out_of_range_are_refused_alike() {
    let big = "\"+10000-01-01T00:00:00Z\"";
    let shown = "+10000-01-01 00:00:00 UTC is outside the supported years 1–9999 (UTC)";
    // A ticket: its receipt, and a later event.
    let mut f = ticket(t("2026-11-02T00:00:00Z"));
    f.apply(
        Action::Assign {
            to: "李工".into()
        },
        "小张",
        t("2026-11-02T00:10:00Z"),
    )
    .unwrap();
    let text = f.to_json();
    let e = TicketFlow::from_json(&text.replace("\"2026-11-02T00:00:00Z\"", big)).unwrap_err();
    assert_eq!(
        error(&e),
        (
            "out_of_range".to_owned(),
            "ticket.received_at".to_owned(),
            format!("ticket.received_at: {shown}")
        )
    );
    let e = TicketFlow::from_json(&text.replace("\"2026-11-02T00:10:00Z\"", big)).unwrap_err();
    assert_eq!(
        error(&e),
        (
            "out_of_range".to_owned(),
            "events[1].at".to_owned(),
            format!("events[1].at: {shown}")
        )
    );
    // A checklist: an event of its log.
    let mut c = checklist("2026-11-02");
    complete(&mut c, t("2026-11-02T09:00:00Z")).unwrap();
    let text = c.to_json();
    assert!(text.contains("\"2026-11-02T09:00:00Z\""), "{text}");
    let e = Checklist::from_json(
        &text.replace("\"2026-11-02T09:00:00Z\"", big),
        &CheckinTemplate::default_template(),
    )
    .unwrap_err();
    assert_eq!(
        error(&e),
        (
            "out_of_range".to_owned(),
            "events[0].at".to_owned(),
            format!("events[0].at: {shown}")
        )
    );
}
