//! Patrol rounds: tasks generated from plans and the calendar, visits timed against
//! their windows, findings that need a note and become tickets and log lines, the
//! statistics of a month, documents that check themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use estatekit::patrols::*;
use estatekit::tickets::{TicketClassifier, WorkingHours};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}
fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn w(a: &str, b: &str) -> WorkingHours {
    WorkingHours::new(a.parse().unwrap(), b.parse().unwrap())
}

fn book() -> PatrolBook {
    let cp = |id: &str, kind, items: &[&str]| Checkpoint {
        id: id.into(),
        name: id.into(),
        building_id: Some("B1".into()),
        kind,
        items: items.iter().map(|s| (*s).to_owned()).collect(),
    };
    let cps = vec![
        cp("LOBBY", CheckpointKind::Environment, &["地面清洁"]),
        cp(
            "PUMP",
            CheckpointKind::Equipment,
            &["水泵运行正常", "无漏水"],
        ),
        cp(
            "SITE-1201",
            CheckpointKind::DecorationSite,
            &["按时施工", "垃圾入袋"],
        ),
    ];
    let plans = vec![
        Plan {
            id: "DAY".into(),
            route: vec!["LOBBY".into(), "PUMP".into()],
            recurrence: Recurrence::Daily,
            windows: vec![w("09:00", "10:00"), w("15:00", "16:00")],
            staff: "甲".into(),
            deputy: Some("乙".into()),
        },
        Plan {
            id: "SITE".into(),
            route: vec!["SITE-1201".into()],
            recurrence: Recurrence::Weekdays(vec![0, 2, 4]),
            windows: vec![w("10:00", "11:00")],
            staff: "乙".into(),
            deputy: None,
        },
        Plan {
            id: "ALT".into(),
            route: vec!["PUMP".into()],
            recurrence: Recurrence::AlternateDays(day("2026-11-01")),
            windows: vec![w("21:00", "22:00")],
            staff: "丙".into(),
            deputy: None,
        },
    ];
    PatrolBook::new(cps, plans, 480).unwrap()
}

/// November 2026 has 30 days, 13 of them Mondays, Wednesdays or Fridays (2, 4, 6, 9,
/// 11, 13, 16, 18, 20, 23, 25, 27, 30), and 15 alternate days from the 1st.
#[test]
fn tasks_follow_the_calendar_and_generate_once() {
    let mut b = book();
    assert_eq!(
        b.generate(day("2026-11-01"), day("2026-11-30")).unwrap(),
        30 * 2 + 13 + 15
    );
    assert_eq!(b.generate(day("2026-11-01"), day("2026-11-30")).unwrap(), 0);
    let site: Vec<u32> = b
        .tasks()
        .iter()
        .filter(|t| t.plan_id == "SITE")
        .map(|t| chrono::Datelike::day(&t.date))
        .collect();
    assert_eq!(site, [2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27, 30]);
    assert_eq!(b.tasks()[0].id, "ALT/2026-11-01/0");
    assert_eq!(
        b.generate(day("2026-11-02"), day("2026-11-01"))
            .unwrap_err()
            .path(),
        "to"
    );
    assert_eq!(
        b.generate(day("2026-01-01"), day("2027-01-03"))
            .unwrap_err()
            .code(),
        "out_of_range"
    );
}

#[test]
fn visits_are_timed_and_findings_need_a_note() {
    let mut b = book();
    b.generate(day("2026-11-02"), day("2026-11-02")).unwrap();
    let ok = |items: &[&str]| {
        items
            .iter()
            .map(|i| ItemResult {
                item: (*i).into(),
                ok: true,
            })
            .collect::<Vec<_>>()
    };
    let v = |cp: &str, t: &str, results| Visit {
        checkpoint_id: cp.into(),
        at: at(t),
        by: "甲".into(),
        results,
        note: None,
    };
    // 08:59:59 is early, 09:00 on time, 10:00 late (the window's end is exclusive).
    b.record_visit(
        "DAY/2026-11-02/0",
        v("LOBBY", "2026-11-02T00:59:59Z", ok(&["地面清洁"])),
    )
    .unwrap();
    b.record_visit(
        "DAY/2026-11-02/0",
        v(
            "PUMP",
            "2026-11-02T02:00:00Z",
            ok(&["水泵运行正常", "无漏水"]),
        ),
    )
    .unwrap();
    let t = b
        .point_timings("DAY/2026-11-02/0", at("2026-11-02T03:00:00Z"))
        .unwrap();
    assert_eq!(
        t.iter().map(|(_, x)| x.unwrap()).collect::<Vec<_>>(),
        [Timing::Early, Timing::Late]
    );
    let err = b
        .record_visit(
            "DAY/2026-11-02/0",
            v("LOBBY", "2026-11-02T02:10:00Z", ok(&["地面清洁"])),
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("already_done", "checkpoint_id"));
    // The same visit again (a handset syncing twice) is a retry: nothing changes.
    let before = b.clone();
    assert_eq!(
        b.record_visit(
            "DAY/2026-11-02/0",
            v("LOBBY", "2026-11-02T00:59:59Z", ok(&["地面清洁"])),
        ),
        Ok(None)
    );
    assert_eq!(b, before);
    // Visits arrive in any order; the task keeps them in time order, and the book
    // that results is the one recorded in time order.
    let mut late = book();
    late.generate(day("2026-11-02"), day("2026-11-02")).unwrap();
    late.record_visit(
        "DAY/2026-11-02/0",
        v(
            "PUMP",
            "2026-11-02T02:00:00Z",
            ok(&["水泵运行正常", "无漏水"]),
        ),
    )
    .unwrap();
    late.record_visit(
        "DAY/2026-11-02/0",
        v("LOBBY", "2026-11-02T00:59:59Z", ok(&["地面清洁"])),
    )
    .unwrap();
    assert_eq!(late, b);
    assert_eq!(PatrolBook::from_json(&late.to_json()).unwrap(), b);
    let mut doc: serde_json::Value = serde_json::from_str(&late.to_json()).unwrap();
    let visits = doc["tasks"][0]["visits"].as_array_mut().unwrap();
    visits.swap(0, 1);
    let err = PatrolBook::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("out_of_range", "tasks[0].visits[1].at")
    );
    doc["tasks"][0]["visits"][1] = doc["tasks"][0]["visits"][0].clone();
    let err = PatrolBook::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("already_done", "tasks[0].visits[1].checkpoint_id")
    );
    let err = b
        .record_visit(
            "DAY/2026-11-02/1",
            v("SITE-1201", "2026-11-02T07:00:00Z", ok(&["按时施工"])),
        )
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("unknown_reference", "checkpoint_id")
    );
    let err = b
        .record_visit(
            "DAY/2026-11-02/1",
            v("PUMP", "2026-11-02T07:00:00Z", ok(&["水泵运行正常"])),
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("missing_value", "results"));
    // An abnormal site visit: a note, a finding, a ticket, a log line.
    let mut bad = v(
        "SITE-1201",
        "2026-11-02T02:30:00Z",
        vec![
            ItemResult {
                item: "按时施工".into(),
                ok: false,
            },
            ItemResult {
                item: "垃圾入袋".into(),
                ok: true,
            },
        ],
    );
    bad.by = "乙".into();
    assert_eq!(
        b.record_visit("SITE/2026-11-02/0", bad.clone())
            .unwrap_err()
            .path(),
        "note"
    );
    bad.note = Some("1201室中午12点仍在电钻作业".into());
    let f = b.record_visit("SITE/2026-11-02/0", bad).unwrap().unwrap();
    assert_eq!(
        (f.id.as_str(), f.failed.clone()),
        ("F1", vec!["按时施工".to_string()])
    );
    let (ticket, cls) = b
        .finding_ticket("F1", &TicketClassifier::default_rules())
        .unwrap();
    assert_eq!(
        ticket.text,
        "SITE-1201：1201室中午12点仍在电钻作业（未通过：按时施工）"
    );
    assert_eq!(
        (ticket.channel.as_str(), ticket.reporter.as_str()),
        ("patrol", "乙")
    );
    assert_eq!(cls.category, "decoration");
    assert_eq!(
        b.building_log("B1", day("2026-11-02")),
        ["10:30 SITE-1201 乙：按时施工；1201室中午12点仍在电钻作业"]
    );
    b.close_finding("F1", at("2026-11-02T08:30:00Z")).unwrap();
    let s = b.statistics(at("2026-11-03T00:00:00Z"));
    assert_eq!(
        (
            s.findings,
            s.findings_closed,
            s.mean_closure_hours.unwrap().to_string()
        ),
        (1, 1, "6.00".into())
    );
    assert_eq!(PatrolBook::from_json(&b.to_json()).unwrap(), b);
}

/// A month of three plans: every second round of the day plan skipped, the site
/// visited late on Fridays; the rates come out of the counts.
#[test]
fn a_month_of_rounds() {
    let mut b = book();
    b.generate(day("2026-11-01"), day("2026-11-30")).unwrap();
    let tasks: Vec<Task> = b.tasks().to_vec();
    let mut expected_visits = 0;
    let mut expected_on_time = 0;
    for t in &tasks {
        if t.plan_id == "DAY" && t.id.ends_with("/1") {
            continue; // absent
        }
        let start = t.date.and_time(t.window.start).and_utc() - Duration::hours(8);
        let late =
            t.plan_id == "SITE" && chrono::Datelike::weekday(&t.date) == chrono::Weekday::Fri;
        let plan = b
            .plans()
            .iter()
            .find(|p| p.id == t.plan_id)
            .unwrap()
            .clone();
        for (k, cp) in plan.route.iter().enumerate() {
            let items = b
                .checkpoints()
                .iter()
                .find(|c| &c.id == cp)
                .unwrap()
                .items
                .clone();
            let when = start + Duration::minutes(if late { 90 } else { 10 + 5 * k as i64 });
            let v = Visit {
                checkpoint_id: cp.clone(),
                at: when,
                by: plan.staff.clone(),
                results: items
                    .iter()
                    .map(|i| ItemResult {
                        item: i.clone(),
                        ok: true,
                    })
                    .collect(),
                note: None,
            };
            b.record_visit(&t.id, v).unwrap();
            expected_visits += 1;
            if !late {
                expected_on_time += 1;
            }
        }
    }
    let s = b.statistics(at("2026-12-01T00:00:00Z"));
    assert_eq!((s.tasks, s.completed, s.absent), (88, 58, 30));
    assert_eq!((s.visits, s.on_time), (expected_visits, expected_on_time));
    assert_eq!(s.missed_points, 60);
    assert_eq!(s.completion_rate.unwrap().to_string(), "0.6591");
    let by_route: Vec<_> = b
        .statistics_by_route(at("2026-12-01T00:00:00Z"))
        .iter()
        .map(|s| (s.key.clone(), s.tasks, s.completed, s.on_time))
        .collect();
    assert_eq!(
        by_route,
        [
            ("DAY".into(), 60, 30, 60),
            ("SITE".into(), 13, 13, 9),
            ("ALT".into(), 15, 15, 15)
        ]
    );
    let people: Vec<_> = b
        .statistics_by_person(at("2026-12-01T00:00:00Z"))
        .iter()
        .map(|s| (s.key.clone(), s.tasks))
        .collect();
    assert_eq!(
        people,
        [("丙".to_string(), 15), ("乙".into(), 13), ("甲".into(), 60)]
    );
    assert_eq!(PatrolBook::from_json(&b.to_json()).unwrap(), b);
}

#[test]
fn documents_check_themselves() {
    let b = PatrolBook::example().unwrap();
    let text = b.to_json();
    let err = |t: String| {
        let e = PatrolBook::from_json(&t).unwrap_err();
        (e.code(), e.path().to_owned())
    };
    assert_eq!(
        err(text.replacen("\"NIGHT/2026-11-03/0\"", "\"NIGHT/2026-11-03/7\"", 1)),
        ("unknown_value", "tasks[0].id".into())
    );
    assert_eq!(
        err(text.replacen("\"天台通道堆放装修垃圾\"", "\"\"", 1)).0,
        "missing_value"
    );
    assert_eq!(
        err(text.replacen("\"format_version\": 1", "\"format_version\": 3", 1)),
        ("unsupported_format_version", "format_version".into())
    );
    assert_eq!(
        err(text.replacen("\"by\": \"王保安\",\n  ", "\"by\": \"刘保安\",\n  ", 1)).0,
        "unknown_value"
    );
    assert_eq!(PatrolBook::from_json(&text).unwrap(), b);
}
