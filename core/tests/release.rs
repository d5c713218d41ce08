//! Goods release: a permit from the request (the registry's consent, the book's
//! arrears as a warning or a block) through approval to the guard's check at the gate,
//! once, on its day and in its hours; expiry, refusal, and a register that restores
//! exactly from its events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::estate::Estate;
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{ChargeRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::registry::{ArrearsCheck, OccupantRole, Person, RoleRecord};
use estatekit::release::*;
use rust_decimal::Decimal;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}
fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn code(e: ReleaseError) -> (&'static str, String) {
    (e.code(), e.path().to_owned())
}

/// The demo book with 1-101 owing a lock replacement (80.00, no penalty clause) and
/// November's management fee (300.00, 0.05 % a day from November 21st).
fn book() -> Receivables {
    let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    let lock = ChargeRow::new(
        "1-101",
        "lock",
        "80.00".parse().unwrap(),
        d("2026-11-05"),
        d("2026-11-20"),
    )
    .with_reference("WO-77");
    let fee = ChargeRow::new(
        "1-101",
        "management",
        "300.00".parse().unwrap(),
        d("2026-11-05"),
        d("2026-11-20"),
    )
    .with_reference("M-2026-11");
    assert_eq!(book.post_charges(&[lock, fee]).posted.len(), 2);
    book
}

#[test]
fn a_move_out_permit_from_request_to_the_gate() {
    let (_, registry) = GoodsRelease::example().unwrap();
    let mut g = GoodsRelease::new("lakeside", ReleasePolicy::default()).unwrap();
    let book = book();
    // Requested on December 4th (Beijing): 80.00 + 300.00 + 14 days × 0.15 = 382.10 owed,
    // a warning for the approver, not a block.
    let p = g
        .request(
            GoodsRelease::example_request(),
            &registry,
            ArrearsCheck::Book(&book),
            "小陈",
            at("2026-12-04T02:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (p.state, p.may_consent, p.arrears.to_string()),
        (PermitState::Requested, true, "382.10".into())
    );
    assert_eq!(p.warnings, ["1-101 owes 382.10 (principal and penalty)"]);
    assert_eq!(p.request.plate.as_deref(), Some("浙A12345"));
    // The same request again is a retry.
    let before = g.clone();
    g.request(
        GoodsRelease::example_request(),
        &registry,
        ArrearsCheck::Book(&book),
        "小陈",
        at("2026-12-04T02:01:00Z"),
    )
    .unwrap();
    assert_eq!(g, before);
    // Not at the gate before approval.
    let items = GoodsRelease::example_request().items;
    assert_eq!(
        g.verify(
            "GR-001",
            Some("浙A12345"),
            &items,
            "保安 刘",
            at("2026-12-05T02:00:00Z")
        )
        .map_err(code)
        .unwrap_err(),
        ("permit_state", "permit_id".into())
    );
    g.approve(
        "GR-001",
        None,
        &registry,
        "周经理",
        at("2026-12-04T02:30:00Z"),
    )
    .unwrap();

    // At the gate on December 5th, 10:00: another van, a sofa not on the permit.
    let t = at("2026-12-05T02:00:00Z");
    assert_eq!(
        g.verify("GR-001", Some("浙B 54321"), &items, "保安 刘", t)
            .map_err(code)
            .unwrap_err(),
        ("mismatch", "plate".into())
    );
    assert_eq!(
        g.verify("GR-001", None, &items, "保安 刘", t)
            .map_err(code)
            .unwrap_err(),
        ("mismatch", "plate".into())
    );
    let mut more = items.clone();
    more.push(Item::new("沙发", 1));
    assert_eq!(
        g.verify("GR-001", Some("浙A12345"), &more, "保安 刘", t)
            .map_err(code)
            .unwrap_err(),
        ("mismatch", "items[2].name".into())
    );
    // Fewer boxes than allowed: let out.
    let seen = vec![Item::new("冰箱", 1), Item::new("纸箱", 10)];
    let p = g
        .verify("GR-001", Some("浙a 12345"), &seen, "保安 刘", t)
        .unwrap();
    assert_eq!(
        (p.state, p.used_at, p.verified_by.as_deref()),
        (PermitState::Used, Some(t), Some("保安 刘"))
    );
    // Once: the same check again is a retry, another use is refused.
    let before = g.clone();
    g.verify(
        "GR-001",
        Some("浙a 12345"),
        &seen,
        "保安 刘",
        at("2026-12-05T02:05:00Z"),
    )
    .unwrap();
    assert_eq!(g, before);
    assert_eq!(
        g.verify(
            "GR-001",
            Some("浙A12345"),
            &items,
            "保安 王",
            at("2026-12-05T03:00:00Z")
        )
        .map_err(code)
        .unwrap_err(),
        ("permit_state", "permit_id".into())
    );
    assert_eq!(g.used_on(d("2026-12-05")).len(), 1);
    assert!(g.used_on(d("2026-12-04")).is_empty());
    assert_eq!(GoodsRelease::from_json(&g.to_json()).unwrap(), g);
}

#[test]
fn a_tenant_without_written_consent_needs_the_owners() {
    let (mut g, mut registry) = GoodsRelease::example().unwrap();
    let mut r = GoodsRelease::example_request();
    r.id = "GR-002".into();
    r.unit_id = "1-102".into();
    r.applicant = "P-SUN".into();
    r.reason = Reason::Repair;
    r.whole_unit = false;
    let t = at("2026-12-04T03:00:00Z");
    let p = g
        .request(
            r.clone(),
            &registry,
            ArrearsCheck::Amount(Decimal::ZERO),
            "小陈",
            t,
        )
        .unwrap();
    assert_eq!((p.may_consent, p.warnings.len()), (false, 0));
    assert_eq!(
        g.approve("GR-002", None, &registry, "周经理", t)
            .map_err(code)
            .unwrap_err(),
        ("no_consent", "consent_by".into())
    );
    assert_eq!(
        g.approve("GR-002", Some("P-SUN"), &registry, "周经理", t)
            .map_err(code)
            .unwrap_err(),
        ("no_consent", "consent_by".into())
    );
    registry.add_person(Person::new("P-LI", "李明")).unwrap();
    registry
        .add_role(RoleRecord::new(
            "1-102",
            "P-LI",
            OccupantRole::Owner,
            d("2020-01-01"),
        ))
        .unwrap();
    let p = g
        .approve("GR-002", Some("P-LI"), &registry, "周经理", t)
        .unwrap();
    assert_eq!(
        (p.state, p.consent_by.as_deref()),
        (PermitState::Approved, Some("P-LI"))
    );
    // Someone the registry does not know may not apply at all.
    r.id = "GR-003".into();
    r.applicant = "P-NOBODY".into();
    assert_eq!(
        g.request(r, &registry, ArrearsCheck::Amount(Decimal::ZERO), "小陈", t)
            .map_err(code)
            .unwrap_err(),
        ("unknown_reference", "applicant".into())
    );
    assert_eq!(GoodsRelease::from_json(&g.to_json()).unwrap(), g);
}

#[test]
fn a_blocking_policy_refuses_a_unit_in_arrears() {
    let (_, registry) = GoodsRelease::example().unwrap();
    let policy = ReleasePolicy {
        arrears: ArrearsRule::Block,
        ..ReleasePolicy::default()
    };
    let mut g = GoodsRelease::new("lakeside", policy).unwrap();
    let book = book();
    let err = g
        .request(
            GoodsRelease::example_request(),
            &registry,
            ArrearsCheck::Book(&book),
            "小陈",
            at("2026-12-04T02:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ReleaseError::ArrearsOutstanding {
            path: "arrears".into(),
            unit: "1-101".into(),
            amount: "382.10".parse().unwrap()
        }
    );
    assert!(g.permits().is_empty());
    // Paid up (no arrears on another unit's book line): accepted.
    let p = g
        .request(
            GoodsRelease::example_request(),
            &registry,
            ArrearsCheck::Amount(Decimal::ZERO),
            "小陈",
            at("2026-12-04T02:00:00Z"),
        )
        .unwrap();
    assert!(p.warnings.is_empty());
}

#[test]
fn a_permit_is_valid_on_its_day_only_and_a_refusal_is_final() {
    let (mut g, registry) = GoodsRelease::example().unwrap();
    let items = GoodsRelease::example_request().items;
    // 18:00 Beijing is the end of the hours; the next day it has expired.
    assert_eq!(
        g.verify(
            "GR-001",
            Some("浙A12345"),
            &items,
            "保安 刘",
            at("2026-12-05T10:00:00Z")
        )
        .map_err(code)
        .unwrap_err(),
        ("outside_window", "at".into())
    );
    assert_eq!(
        g.state_at("GR-001", at("2026-12-05T16:00:00Z")).unwrap(),
        PermitState::Expired
    );
    assert_eq!(
        g.verify(
            "GR-001",
            Some("浙A12345"),
            &items,
            "保安 刘",
            at("2026-12-06T02:00:00Z")
        )
        .map_err(code)
        .unwrap_err(),
        ("permit_state", "permit_id".into())
    );
    let mut r = GoodsRelease::example_request();
    r.id = "GR-002".into();
    r.reason = Reason::Debris;
    r.items = vec![Item::new("装修垃圾（袋）", 30)];
    r.pass_date = d("2026-12-03");
    let t = at("2026-12-06T03:00:00Z");
    assert_eq!(
        g.request(
            r.clone(),
            &registry,
            ArrearsCheck::Amount(Decimal::ZERO),
            "小陈",
            t
        )
        .map_err(code)
        .unwrap_err(),
        ("out_of_range", "pass_date".into())
    );
    r.pass_date = d("2026-12-06");
    r.items.push(Item::new("装修垃圾（袋）", 2));
    assert_eq!(
        g.request(
            r.clone(),
            &registry,
            ArrearsCheck::Amount(Decimal::ZERO),
            "小陈",
            t
        )
        .map_err(code)
        .unwrap_err(),
        ("duplicate_id", "items[1].name".into())
    );
    r.items.pop();
    g.request(r, &registry, ArrearsCheck::Amount(Decimal::ZERO), "小陈", t)
        .unwrap();
    g.refuse(
        "GR-002",
        "未预约清运时间",
        "周经理",
        at("2026-12-06T03:10:00Z"),
    )
    .unwrap();
    assert_eq!(
        g.approve(
            "GR-002",
            None,
            &registry,
            "周经理",
            at("2026-12-06T03:20:00Z")
        )
        .map_err(code)
        .unwrap_err(),
        ("permit_state", "permit_id".into())
    );
    let json = g.to_json();
    assert_eq!(GoodsRelease::from_json(&json).unwrap(), g);
    // A saved register checks itself event by event.
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["events"][1]["action"]["permit_id"] = "GR-404".into();
    let err = GoodsRelease::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("unknown_reference", "events[1].action.permit_id")
    );
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["events"][2]["action"]["arrears"] = "-1".into();
    let err = GoodsRelease::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("negative", "events[2].action.arrears")
    );
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["events"].as_array_mut().unwrap().swap(1, 2);
    let err = GoodsRelease::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("event_out_of_order", "events[2].at")
    );
}

#[test]
fn a_whole_units_move_out_ends_with_the_unit_empty_and_its_final_readings() {
    use estatekit::checkin::{
        CheckinTemplate, HandoverOutcome, ItemData, ItemKind, Role, completion_effects,
    };
    use estatekit::estate::{MeterKind, UnitStatus};
    let (mut g, registry) = GoodsRelease::example().unwrap();
    let template = CheckinTemplate::default_move_out();
    // Only a whole unit's move-out starts the formalities.
    let mut r = GoodsRelease::example_request();
    r.id = "GR-002".into();
    r.whole_unit = false;
    g.request(
        r,
        &registry,
        ArrearsCheck::Amount(Decimal::ZERO),
        "小陈",
        at("2026-12-04T03:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        g.start_move_out("GR-002", &template, &registry)
            .map_err(code)
            .unwrap_err(),
        ("missing_value", "whole_unit".into())
    );
    let items = GoodsRelease::example_request().items;
    g.verify(
        "GR-001",
        Some("浙A12345"),
        &items,
        "保安 刘",
        at("2026-12-05T02:00:00Z"),
    )
    .unwrap();
    let mut c = g.start_move_out("GR-001", &template, &registry).unwrap();
    assert_eq!((c.unit_id(), c.owner()), ("1-101", "王芳"));

    let estate = Estate::demo();
    let last = |kind: MeterKind| {
        estate
            .meters_of("1-101")
            .into_iter()
            .find(|m| m.kind == kind)
            .and_then(|m| m.readings.last())
            .map(|r| r.value)
            .unwrap_or_default()
    };
    let water = last(MeterKind::Water) + Decimal::new(125, 1);
    let power = last(MeterKind::Electricity) + Decimal::new(3107, 1);
    let mut minute = 0;
    for step in template.steps() {
        for item in step.items.iter().filter(|i| i.mandatory) {
            minute += 5;
            let mut data = ItemData::default();
            match (item.kind, item.meter_kind) {
                (ItemKind::MeterReading, Some(MeterKind::Water)) => data.reading = Some(water),
                (ItemKind::MeterReading, _) => data.reading = Some(power),
                (ItemKind::Inspection, _) => data.outcome = Some(HandoverOutcome::Accepted),
                (ItemKind::KeyHandover, _) => data.keys = Some(3),
                (ItemKind::Signature, _) => data.signature_ref = Some("SIG-MO-1".into()),
                _ => {}
            }
            c.complete(
                &item.code,
                "李四",
                item.roles[0],
                at("2026-12-05T03:00:00Z") + chrono::Duration::minutes(minute),
                data,
                Some(&estate),
            )
            .unwrap();
        }
    }
    c.finish("李四", Role::Receptionist, at("2026-12-05T06:00:00Z"))
        .unwrap();
    let fx = completion_effects(&c, &estate, UnitStatus::Delivered).unwrap();
    assert_eq!(
        (fx.status.from, fx.status.to, fx.status.on),
        (UnitStatus::Occupied, UnitStatus::Delivered, d("2026-12-05"))
    );
    let finals: Vec<(MeterKind, Decimal)> = fx.readings.iter().map(|r| (r.kind, r.value)).collect();
    assert_eq!(
        finals,
        [(MeterKind::Water, water), (MeterKind::Electricity, power)]
    );
    assert!(
        fx.readings
            .iter()
            .all(|r| !r.new_meter && r.date == d("2026-12-05"))
    );
    assert_eq!(
        fx.estate.unit("1-101").unwrap().status,
        UnitStatus::Delivered
    );
    assert!(fx.charges.is_empty());
}

/// A large estate's season of move-outs in one register: 5,000 permits requested,
/// approved and verified at the gate, each operation checked and applied in place (no
/// copy of the register per operation).
#[test]
fn thousands_of_permits_in_one_register() {
    let (_, registry) = GoodsRelease::example().unwrap();
    let mut g = GoodsRelease::new("lakeside", ReleasePolicy::default()).unwrap();
    let items = GoodsRelease::example_request().items;
    let t = at("2026-12-04T01:00:00Z");
    for i in 0..5000i64 {
        let mut r = GoodsRelease::example_request();
        r.id = format!("GR-{i}");
        let s = chrono::Duration::seconds(i);
        g.request(
            r,
            &registry,
            ArrearsCheck::Amount(Decimal::ZERO),
            "小陈",
            t + s,
        )
        .unwrap();
    }
    let t = at("2026-12-04T03:00:00Z");
    for i in 0..5000i64 {
        let s = chrono::Duration::seconds(i);
        g.approve(&format!("GR-{i}"), None, &registry, "周经理", t + s)
            .unwrap();
    }
    let t = at("2026-12-05T02:00:00Z");
    for i in 0..4000i64 {
        let s = chrono::Duration::seconds(i);
        g.verify(
            &format!("GR-{i}"),
            Some("浙A12345"),
            &items,
            "保安 刘",
            t + s,
        )
        .unwrap();
    }
    assert_eq!(g.events().len(), 5000 + 5000 + 4000);
    assert_eq!(g.used_on(d("2026-12-05")).len(), 4000);
    assert_eq!(g.permit("GR-4999").unwrap().state, PermitState::Approved);
    let before = g.clone();
    let late = at("2026-12-05T02:00:00Z") + chrono::Duration::seconds(4000);
    assert_eq!(
        code(
            g.verify("GR-4999", Some("浙B 54321"), &items, "保安 刘", late)
                .unwrap_err()
        ),
        ("mismatch", "plate".into())
    );
    assert_eq!(g, before);
    assert_eq!(GoodsRelease::from_json(&g.to_json()).unwrap(), g);
}
