//! One site per named cause of the check-in, ticket and notice value errors (issue 19:
//! a stable code per cause instead of `invalid_field`, `invalid_sla` and
//! `invalid_policy`), each with its exact code and path; and the UTC offsets and
//! instants every module refuses alike.
//!
//! The outside source: the IANA time zone database's extreme offsets in use,
//! Pacific/Kiritimati at UTC+14:00 and the UTC−12:00 of Baker Island (Etc/GMT+12), are
//! accepted by a checklist, a business calendar and a notice header alike; one minute
//! beyond ±18 hours is `out_of_range` in all three.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::checkin::{CheckinTemplate, Checklist, Mode, Role};
use estatekit::estate::Estate;
use estatekit::i18n::Lang;
use estatekit::notices::{Audience, Notice, NoticeChannel, NoticeKind, NoticeTracker};
use estatekit::tickets::{AccessPolicy, BusinessCalendar, ReturnVisitPolicy, SlaPolicy};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn day() -> NaiveDate {
    "2026-11-02".parse().unwrap()
}

/// The default template's JSON with `edit` applied to its first step's first item
/// (`occupancy_notice_presented`, a record_made item).
fn template_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&CheckinTemplate::default_template().to_json()).unwrap();
    edit(&mut v["steps"][0]["items"][0]);
    v.to_string()
}

fn template_code(edit: impl FnOnce(&mut serde_json::Value)) -> (&'static str, String) {
    let e = CheckinTemplate::from_json(&template_with(edit)).unwrap_err();
    (e.code(), e.path().to_owned())
}

#[test]
fn checkin_causes() {
    let t = CheckinTemplate::default_template();
    let e = Checklist::start(&t, "1-603", " ", day(), Mode::Ordinary).unwrap_err();
    assert_eq!((e.code(), e.path()), ("empty_field", "owner"));
    let p = "steps[0].items[0]";
    assert_eq!(
        template_code(|i| i["roles"] = serde_json::json!([])),
        ("empty_field", format!("{p}.roles"))
    );
    assert_eq!(
        template_code(|i| i["kind"] = "payment".into()),
        ("missing_value", format!("{p}.amount"))
    );
    assert_eq!(
        template_code(|i| {
            i["kind"] = "payment".into();
            i["amount"] = "-1.00".into();
        }),
        ("negative", format!("{p}.amount"))
    );
    assert_eq!(
        template_code(|i| i["amount"] = "10.00".into()),
        ("conflicting_fields", format!("{p}.amount"))
    );
    assert_eq!(
        template_code(|i| {
            i["kind"] = "key_handover".into();
            i["keys"] = 0.into();
        }),
        ("out_of_range", format!("{p}.keys"))
    );
    // A name that is not a role.
    let e = "janitor".parse::<Role>().unwrap_err();
    assert_eq!(e.code(), "unknown_value");
    // Data an item kind does not record, and one it requires.
    let mut c = Checklist::start(&t, "1-603", "张三", day(), Mode::Ordinary).unwrap();
    let reading = estatekit::checkin::ItemData {
        reading: Some(1.into()),
        ..Default::default()
    };
    let e = c
        .complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            at("2026-11-02T01:00:00Z"),
            reading,
            None,
        )
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("conflicting_fields", "data.reading"));
}

#[test]
fn ticket_causes() {
    let code = |e: estatekit::tickets::TicketError| (e.code(), e.path());
    assert_eq!(
        code(BusinessCalendar::weekly("09:00", "25:00", &[0], 480).unwrap_err()),
        ("invalid_time", "end".to_owned())
    );
    assert_eq!(
        code(BusinessCalendar::weekly("09:00", "18:00", &[0, 7], 480).unwrap_err()),
        ("out_of_range", "days[1]".to_owned())
    );
    let h = |a: &str, b: &str| {
        estatekit::tickets::WorkingHours::new(a.parse().unwrap(), b.parse().unwrap())
    };
    let mut week = vec![vec![h("09:00", "12:00"), h("11:00", "18:00")]];
    week.resize(7, Vec::new());
    assert_eq!(
        code(BusinessCalendar::new(week, Default::default(), 480).unwrap_err()),
        ("overlapping_periods", "calendar.hours[0][1]".to_owned())
    );
    let mut week = vec![vec![h("18:00", "09:00")]];
    week.resize(7, Vec::new());
    assert_eq!(
        code(BusinessCalendar::new(week, Default::default(), 480).unwrap_err()),
        ("ends_before_starts", "calendar.hours[0][0]".to_owned())
    );
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480).unwrap();
    assert_eq!(
        code(cal.add_seconds(at("2026-11-02T01:00:00Z"), -1).unwrap_err()),
        ("negative", "seconds".to_owned())
    );
    assert_eq!(
        code(
            cal.add_working_days(at("2026-11-02T01:00:00Z"), 0)
                .unwrap_err()
        ),
        ("out_of_range", "days".to_owned())
    );
    // A calendar inside a policy keeps its own cause and path.
    let mut policy: serde_json::Value =
        serde_json::from_str(&SlaPolicy::default().with_calendar(cal).to_json()).unwrap();
    policy["calendar"]["hours"][0] = serde_json::json!([
        {"start": "09:00:00", "end": "12:00:00"}, {"start": "11:00:00", "end": "18:00:00"}]);
    assert_eq!(
        code(SlaPolicy::from_json(&policy.to_string()).unwrap_err()),
        ("overlapping_periods", "calendar.hours[0][1]".to_owned())
    );
    policy["calendar"]["hours"] = serde_json::json!([[], [], [], [], [], [], []]);
    assert_eq!(
        code(SlaPolicy::from_json(&policy.to_string()).unwrap_err()),
        ("no_working_hours", "calendar.hours".to_owned())
    );
    policy["urgent"] = serde_json::json!(1);
    assert_eq!(
        code(SlaPolicy::from_json(&policy.to_string()).unwrap_err()),
        ("json", "urgent".to_owned())
    );
    let doc = r#"{"by_urgency": {"rush": {"response_minutes": 1, "resolution_minutes": 2}}}"#;
    assert_eq!(
        code(SlaPolicy::from_json(doc).unwrap_err()),
        ("unknown_value", "by_urgency.rush".to_owned())
    );
    // Policies.
    assert_eq!(
        code(
            AccessPolicy::default()
                .allow("close", Vec::<String>::new())
                .unwrap_err()
        ),
        ("empty_field", "roles.close".to_owned())
    );
    assert_eq!(
        code(
            AccessPolicy::default()
                .allow("receive", ["前台"])
                .unwrap_err()
        ),
        ("unknown_value", "roles.receive".to_owned())
    );
    assert_eq!(
        code(ReturnVisitPolicy::from_json(r#"{"deadline_days": 367}"#).unwrap_err()),
        ("out_of_range", "deadline_days".to_owned())
    );
}

#[test]
fn notice_causes_and_instants_out_of_range() {
    let estate = Estate::demo();
    let mut n = Notice::new(
        "N1",
        NoticeKind::WaterOutage,
        "2号楼停水",
        "水箱清洗。",
        Audience::Estate,
        at("2026-11-04T01:00:00Z"),
    );
    n.starts_at = Some(at("2026-11-05T01:00:00Z"));
    n.validate(&estate).unwrap();
    let refused = |n: &Notice| {
        let e = n.validate(&estate).unwrap_err();
        (e.code(), e.path().to_owned())
    };
    let mut late = n.clone();
    late.ends_at = Some(at("+10000-01-01T00:00:00Z"));
    assert_eq!(refused(&late), ("out_of_range", "ends_at".to_owned()));
    let mut early = n.clone();
    early.published_at = NaiveDate::from_ymd_opt(0, 12, 31)
        .unwrap()
        .and_hms_opt(23, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(refused(&early), ("out_of_range", "published_at".to_owned()));
    // 1969 and 9999 are in range, as for checklists and tickets.
    let mut edge = n.clone();
    edge.published_at = at("1969-12-31T23:59:59Z");
    edge.ends_at = Some(at("9999-12-31T23:59:59Z"));
    edge.validate(&estate).unwrap();
    let mut open_start = n.clone();
    open_start.starts_at = None;
    open_start.kind = NoticeKind::General;
    open_start.ends_at = Some(at("2026-11-06T01:00:00Z"));
    assert_eq!(
        refused(&open_start),
        ("missing_value", "ends_at".to_owned())
    );
    let mut due = n.clone();
    due.requires_ack = true;
    due.ack_due = Some(n.published_at);
    assert_eq!(refused(&due), ("ends_before_starts", "ack_due".to_owned()));
    // A tracker: an event's instant, and a document's.
    let mut t = NoticeTracker::new(&n, &estate).unwrap();
    let unit = t.units()[0].clone();
    let e = t
        .record_delivery(&unit, NoticeChannel::Board, at("+10000-01-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("out_of_range", "at"));
    let mut doc: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    doc["published_at"] = "+10000-01-01T00:00:00Z".into();
    let e = NoticeTracker::from_json(&doc.to_string()).unwrap_err();
    assert_eq!((e.code(), e.path()), ("out_of_range", "published_at"));
    let mut doc: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    doc["units"] = serde_json::json!([unit.clone(), unit]);
    let e = NoticeTracker::from_json(&doc.to_string()).unwrap_err();
    assert_eq!((e.code(), e.path()), ("duplicate_id", "units[1]"));
}

/// Real offsets at the ends of the IANA database (+14:00, −12:00) are accepted in every
/// module; ±18 h + 1 min is `out_of_range` in every module alike.
#[test]
fn utc_offsets_alike_in_every_module() {
    let t = CheckinTemplate::default_template();
    let n = Notice::new(
        "N1",
        NoticeKind::General,
        "通知",
        "内容",
        Audience::Estate,
        at("2026-11-04T01:00:00Z"),
    );
    for minutes in [14 * 60, -12 * 60, 1080, -1080] {
        Checklist::start_with_utc_offset(&t, "1-603", "张三", day(), Mode::Ordinary, minutes)
            .unwrap();
        BusinessCalendar::weekly("09:00", "18:00", &[0], minutes).unwrap();
        n.header(Lang::ZhCn, minutes).unwrap();
    }
    for minutes in [1081, -1081] {
        let c =
            Checklist::start_with_utc_offset(&t, "1-603", "张三", day(), Mode::Ordinary, minutes)
                .unwrap_err();
        let cal = BusinessCalendar::weekly("09:00", "18:00", &[0], minutes).unwrap_err();
        let h = n.header(Lang::ZhCn, minutes).unwrap_err();
        assert_eq!(
            [
                (c.code(), c.path().to_owned()),
                (cal.code(), cal.path()),
                (h.code(), h.path().to_owned())
            ],
            [
                ("out_of_range", "utc_offset_minutes".to_owned()),
                ("out_of_range", "calendar.utc_offset_minutes".to_owned()),
                ("out_of_range", "utc_offset_minutes".to_owned())
            ]
        );
    }
}
