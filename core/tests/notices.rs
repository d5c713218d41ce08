//! Notices at the size of a real estate (3,000 units in 20 towers): audiences, the
//! lead times the published rules require, and distribution tracking with messy input
//! (duplicate, out-of-order and unknown-unit events), all with exact values.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use estatekit::estate::{Building, Estate, EstateData, Unit, UnitKind, UnitStatus};
use estatekit::i18n::Lang;
use estatekit::money::RoundingPolicy;
use estatekit::notices::{
    Audience, Notice, NoticeChannel, NoticeEvent, NoticeKind, NoticePolicy, NoticeTracker,
};
use rust_decimal::Decimal;

const TOWERS: usize = 20;
const PER_TOWER: usize = 150;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// 20 towers of 25 floors × 6 units: 3,000 units; every 50th (index 49, 99, …) unsold,
/// so each tower has 147 delivered units and the estate 2,940.
fn big_estate() -> Estate {
    let buildings = (1..=TOWERS)
        .map(|b| Building {
            id: format!("T{b:02}"),
            name: format!("{b}号楼"),
        })
        .collect();
    let units = (0..TOWERS * PER_TOWER)
        .map(|i| {
            let (tower, k) = (i / PER_TOWER + 1, i % PER_TOWER);
            let (floor, door) = (k / 6 + 1, k % 6 + 1);
            let unsold = i % 50 == 49;
            Unit {
                id: format!("{tower}-{floor}{door:02}"),
                building_id: format!("T{tower:02}"),
                floor: floor as i32,
                number: format!("{floor}{door:02}"),
                kind: UnitKind::Residential,
                gross_area: Decimal::from(89),
                internal_area: None,
                occupants: 0,
                status: if unsold {
                    UnitStatus::Unsold
                } else {
                    UnitStatus::Delivered
                },
                status_since: (!unsold).then(|| "2024-06-01".parse().unwrap()),
                delivered_on: (!unsold).then(|| "2024-06-01".parse().unwrap()),
            }
        })
        .collect();
    Estate::new(EstateData {
        format_version: 1,
        id: "riverside".into(),
        name: "Riverside".into(),
        currency: "CNY".into(),
        rounding: RoundingPolicy::default(),
        area_unit: Default::default(),
        round: Default::default(),
        buildings,
        units,
        meters: vec![],
        status_history: vec![],
    })
    .unwrap()
}

/// A planned water stop in towers 3, 7 and 12 (7 named twice), published 30 hours
/// ahead, to be acknowledged within 20 hours.
fn water_stop() -> Notice {
    let mut n = Notice::new(
        "N-2026-118",
        NoticeKind::WaterOutage,
        "3、7、12号楼停水通知",
        "因二次供水水箱清洗，11月5日9:00至17:00停水，请提前储水。",
        Audience::Buildings {
            ids: vec!["T03".into(), "T07".into(), "T12".into(), "T07".into()],
        },
        at("2026-11-03T19:00:00Z"),
    );
    n.title_en = Some("Water stop in towers 3, 7 and 12".into());
    n.starts_at = Some(at("2026-11-05T01:00:00Z"));
    n.ends_at = Some(at("2026-11-05T09:00:00Z"));
    n.requires_ack = true;
    n.ack_due = Some(at("2026-11-04T15:00:00Z"));
    n
}

#[test]
fn audiences_of_a_3000_unit_estate() {
    let estate = big_estate();
    assert_eq!(estate.units().len(), 3000);
    let n = water_stop();
    let units = n.audience_units(&estate).unwrap();
    // Three towers (7 named twice counts once) of 147 delivered units each.
    assert_eq!(units.len(), 3 * 147);
    assert_eq!(
        (
            units[0].as_str(),
            units[146].as_str(),
            units[147].as_str(),
            units[440].as_str()
        ),
        ("3-101", "3-2505", "7-101", "12-2505")
    );
    // Tower 3's unsold units (indices 349, 399, 449) are not reached.
    for unsold in ["3-902", "3-1704", "3-2506"] {
        assert!(!estate.unit(unsold).unwrap().is_delivered());
        assert!(!units.iter().any(|u| u == unsold), "{unsold}");
    }
    let whole = Notice {
        audience: Audience::Estate,
        ..water_stop()
    };
    let all = whole.audience_units(&estate).unwrap();
    assert_eq!(all.len(), 2940);
    let mut distinct = all.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 2940, "no unit twice");
    assert_eq!((all[0].as_str(), all[2939].as_str()), ("1-101", "20-2505"));
    // Named units: an unknown one is refused by its index; one named twice counts once,
    // in the estate's order; an unsold unit named on its own is reached.
    let named = |ids: &[&str]| Notice {
        audience: Audience::Units {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        },
        ..water_stop()
    };
    let e = named(&["20-2506", "1-101", "20-2506", "1-150"])
        .audience_units(&estate)
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("unknown_unit", "audience.ids[3]"));
    assert_eq!(
        e.to_string(),
        "audience.ids[3]: notice \"N-2026-118\": unknown unit \"1-150\""
    );
    assert_eq!(
        named(&["20-2506", "1-101", "20-2506"])
            .audience_units(&estate)
            .unwrap(),
        ["1-101", "20-2506"]
    );
    let e = Notice {
        audience: Audience::Buildings {
            ids: vec!["T01".into(), "T21".into()],
        },
        ..water_stop()
    }
    .validate(&estate)
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("unknown_building", "audience.ids[1]")
    );
}

/// The lead times of the published rules (outside source): 《城市供水条例》 art. 22, a
/// planned water stop announced at least 24 hours before; 《电力供应与使用条例》 art. 28,
/// planned power maintenance announced at least 7 days before.
#[test]
fn lead_times_of_the_published_rules() {
    let policy = NoticePolicy::default();
    let start = at("2026-11-10T01:00:00Z");
    let notice = |kind, ahead: Duration| {
        let mut n = Notice::new(
            "N",
            kind,
            "计划停水停电",
            "检修。",
            Audience::Estate,
            start - ahead,
        );
        n.starts_at = Some(start);
        n
    };
    assert_eq!(
        policy.check(&notice(NoticeKind::WaterOutage, Duration::hours(24))),
        None
    );
    let f = policy
        .check(&notice(NoticeKind::WaterOutage, Duration::hours(23)))
        .unwrap();
    assert_eq!(
        (
            f.code(),
            f.path(),
            f.notice.as_str(),
            f.kind,
            f.required_hours,
            f.actual_hours.to_string()
        ),
        (
            "lead_time_too_short",
            "starts_at",
            "N",
            NoticeKind::WaterOutage,
            24,
            "23.00".to_owned()
        )
    );
    assert_eq!(
        policy.check(&notice(NoticeKind::PowerOutage, Duration::days(7))),
        None
    );
    let f = policy
        .check(&notice(
            NoticeKind::PowerOutage,
            Duration::days(7) - Duration::minutes(1),
        ))
        .unwrap();
    assert_eq!(
        (f.required_hours, f.actual_hours.to_string()),
        (168, "167.98".to_owned())
    );
    // A 24-hour notice of a power cut is too late; as an emergency it is allowed.
    let mut burst = notice(NoticeKind::PowerOutage, Duration::hours(24));
    assert_eq!(
        policy.check(&burst).unwrap().actual_hours.to_string(),
        "24.00"
    );
    burst.emergency = true;
    assert_eq!(policy.check(&burst), None);
    // Other kinds have no minimum unless configured.
    assert_eq!(
        policy.check(&notice(NoticeKind::GasOutage, Duration::minutes(5))),
        None
    );
    let strict = NoticePolicy::new([(NoticeKind::GasOutage, 48)]).unwrap();
    let f = strict
        .check(&notice(NoticeKind::GasOutage, Duration::minutes(5)))
        .unwrap();
    assert_eq!(
        (f.required_hours, f.actual_hours.to_string()),
        (48, "0.08".to_owned())
    );
    assert_eq!(
        strict.check(&notice(NoticeKind::WaterOutage, Duration::hours(1))),
        None
    );
    // The example notice: published 30 hours ahead.
    assert_eq!(policy.check(&water_stop()), None);
}

/// Deliveries of the water stop to the 441 units: an SMS to each, paper to every
/// other one, acknowledgments from 400; exported twice by the gateway, in scrambled
/// order, with an event for a unit outside the audience.
fn events(units: &[String]) -> Vec<NoticeEvent> {
    let base = at("2026-11-03T19:00:00Z");
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let i = i as i64;
        out.push(NoticeEvent::Delivery {
            unit: u.clone(),
            channel: NoticeChannel::Sms,
            at: base + Duration::minutes(1 + i % 10),
        });
        if i % 2 == 0 {
            out.push(NoticeEvent::Delivery {
                unit: u.clone(),
                channel: NoticeChannel::Paper,
                at: base + Duration::hours(2) + Duration::minutes(i),
            });
        }
        if i < 400 {
            out.push(NoticeEvent::Ack {
                unit: u.clone(),
                by: format!("业主{i}"),
                at: base + Duration::hours(3) + Duration::minutes(i),
            });
        }
    }
    out
}

#[test]
fn tracking_441_units_with_messy_events() {
    let estate = big_estate();
    let notice = water_stop();
    let clock = Instant::now();
    let mut tracker = NoticeTracker::new(&notice, &estate).unwrap();
    let clean = events(tracker.units());
    assert_eq!(clean.len(), 441 + 221 + 400);
    // Duplicates within one export count once.
    let mut doubled = clean.clone();
    doubled.extend(clean.iter().take(100).cloned());
    assert_eq!(tracker.import_events(&doubled).unwrap(), 1062);
    // Re-importing the same list does nothing.
    assert_eq!(tracker.import_events(&clean).unwrap(), 0);
    assert!(
        !tracker
            .record_ack("3-101", at("2026-11-03T22:00:00Z"), "业主0")
            .unwrap()
    );
    // Out of order: the same events reversed and interleaved give the same state.
    let mut scrambled = clean.clone();
    scrambled.reverse();
    let (odd, even): (Vec<_>, Vec<_>) = scrambled
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 1);
    let mut other = NoticeTracker::new(&notice, &estate).unwrap();
    for (_, e) in odd.into_iter().chain(even) {
        other.import_events(&[e]).unwrap();
    }
    assert_eq!(other, tracker);
    assert_eq!(other.to_json(), tracker.to_json());
    // An event outside the audience (tower 4) refuses the whole export, naming it.
    let mut bad = clean.clone();
    bad.insert(
        700,
        NoticeEvent::Ack {
            unit: "4-101".into(),
            by: "业主".into(),
            at: at("2026-11-04T00:00:00Z"),
        },
    );
    let mut fresh = NoticeTracker::new(&notice, &estate).unwrap();
    let e = fresh.import_events(&bad).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("not_in_audience", "events[700].unit")
    );
    assert_eq!(
        e.to_string(),
        "events[700].unit: notice \"N-2026-118\": unit \"4-101\" is not in the audience"
    );
    assert!(fresh.events().is_empty());
    // Coverage: every unit reached, 400 of 441 acknowledged (0.907029… → 0.9070).
    let c = tracker.coverage();
    assert_eq!(
        (
            c.audience,
            c.delivered,
            c.acknowledged,
            c.delivery_rate,
            c.ack_rate
        ),
        (
            441,
            441,
            400,
            "1.0000".parse::<Decimal>().unwrap(),
            "0.9070".parse().unwrap()
        )
    );
    assert_eq!((c.delivery_rate.scale(), c.ack_rate.scale()), (4, 4));
    // Pending before the deadline: acks come at 22:00 + i minutes, so by 23:00 the first
    // 61 (i = 0..=60) have acknowledged; none overdue yet.
    let early = tracker.pending(at("2026-11-03T23:00:00Z"));
    assert_eq!(early.len(), 441 - 61);
    assert!(early.iter().all(|p| p.delivered && !p.overdue));
    // After the deadline: the 41 that never acknowledged (audience positions 400..441:
    // tower 12 from k = 108, floor 19 door 1), all overdue.
    let late = tracker.pending(at("2026-11-04T15:00:01Z"));
    assert_eq!(late.len(), 41);
    assert!(late.iter().all(|p| p.overdue && p.delivered));
    assert_eq!(
        (late[0].unit.as_str(), late[40].unit.as_str()),
        ("12-1901", "12-2505")
    );
    // The document round-trips, events in time order.
    let again = NoticeTracker::from_json(&tracker.to_json()).unwrap();
    assert_eq!(again, tracker);
    // The first: an SMS at 19:01 (units at positions 0, 10, 20, …); at one instant by
    // unit id in text order, so "12-1004" before "3-101".
    let first = &again.events()[0];
    assert_eq!(
        (first.unit(), first.at()),
        ("12-1004", at("2026-11-03T19:01:00Z"))
    );
    eprintln!(
        "441 units, {} events twice and scrambled, coverage, pending, JSON round trip: {:?}",
        clean.len(),
        clock.elapsed()
    );
}

#[test]
fn an_estate_wide_notice_reaches_2940_units() {
    let estate = big_estate();
    let mut notice = Notice {
        audience: Audience::Estate,
        kind: NoticeKind::FireDrill,
        ..water_stop()
    };
    notice.starts_at = None;
    notice.ends_at = None;
    let mut tracker = NoticeTracker::new(&notice, &estate).unwrap();
    let units: Vec<String> = tracker.units().to_vec();
    for u in units.iter().step_by(3) {
        tracker
            .record_delivery(u, NoticeChannel::Board, at("2026-11-03T20:00:00Z"))
            .unwrap();
    }
    let c = tracker.coverage();
    // 980 of 2940: exactly a third, 0.33333… rounded toward zero.
    assert_eq!(
        (c.delivered, c.delivery_rate.to_string()),
        (980, "0.3333".to_owned())
    );
    assert_eq!(tracker.pending(at("2026-11-05T00:00:00Z")).len(), 2940);
}

#[test]
fn headers_in_both_languages() {
    let n = water_stop();
    assert_eq!(
        n.header(Lang::ZhCn, 480).unwrap(),
        "【停水通知】3、7、12号楼停水通知（2026-11-05 09:00 至 2026-11-05 17:00）"
    );
    assert_eq!(
        n.header(Lang::En, 480).unwrap(),
        "[Water outage notice] Water stop in towers 3, 7 and 12 (2026-11-05 09:00 to 2026-11-05 17:00, UTC+08:00)"
    );
}
