//! Check-in scenarios: the end-to-end walk shared with Python and Kotlin, typed errors,
//! inspection and defects, effects, audit, persistence.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use estatekit::checkin::*;
use estatekit::estate::{Estate, MeterKind, UnitStatus};
use rust_decimal::Decimal;

fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn none() -> ItemData {
    ItemData::default()
}

fn sig(r: &str) -> ItemData {
    ItemData {
        signature_ref: Some(r.into()),
        ..none()
    }
}

const DOCUMENTS: [&str; 9] = [
    "house_acceptance_certificate",
    "temporary_management_statute",
    "decoration_management_agreement",
    "owners_manual",
    "occupancy_notice",
    "management_fee_agreement",
    "fire_safety_letter",
    "residential_quality_guarantee",
    "residential_usage_instructions",
];

/// Steps 1-6 of the walk (everything before the inspection).
fn before_inspection(c: &mut Checklist) {
    let r = Role::Receptionist;
    c.complete(
        "occupancy_notice_presented",
        "李四",
        r,
        at(2, 1, 0),
        none(),
        None,
    )
    .unwrap();
    c.complete("owner_registration", "李四", r, at(2, 1, 5), none(), None)
        .unwrap();
    let receipt = ItemData {
        receipt_ref: Some("R-2026-0001".into()),
        ..none()
    };
    c.complete(
        "management_fee_prepayment",
        "李四",
        r,
        at(2, 1, 10),
        receipt,
        None,
    )
    .unwrap();
    c.complete(
        "admission_fee_record",
        "李四",
        r,
        at(2, 1, 12),
        none(),
        None,
    )
    .unwrap();
    c.complete(
        "statute_signed",
        "李四",
        r,
        at(2, 1, 15),
        sig("SIG-001"),
        None,
    )
    .unwrap();
    c.complete(
        "decoration_agreement_signed",
        "李四",
        r,
        at(2, 1, 16),
        sig("SIG-002"),
        None,
    )
    .unwrap();
    for doc in DOCUMENTS {
        c.complete(doc, "李四", r, at(2, 1, 20), none(), None)
            .unwrap();
    }
    c.complete(
        "occupancy_sign_in",
        "李四",
        r,
        at(2, 1, 25),
        sig("SIG-003"),
        None,
    )
    .unwrap();
    let note = ItemData {
        note: Some("none entrusted".into()),
        ..none()
    };
    c.complete(
        "entrusted_services_record",
        "李四",
        r,
        at(2, 1, 30),
        note,
        None,
    )
    .unwrap();
}

fn defect() -> DefectInput {
    DefectInput {
        location: "主卧 master bedroom".into(),
        description: "窗户密封条脱落 window seal loose".into(),
        category: "doors_windows".into(),
        severity: Severity::Major,
        responsible: Responsible::Developer,
    }
}

/// The walk shared by the Rust, Python and Kotlin tests; its JSON is
/// `tests/data/checkin_walk.json`.
fn walk() -> Checklist {
    let estate = Estate::demo();
    let t = CheckinTemplate::default_template();
    let mut c = Checklist::start(&t, "1-603", "张三", date("2026-11-02"), Mode::Ordinary).unwrap();
    before_inspection(&mut c);
    let i = Role::Inspector;
    let id = c.record_defect(defect(), "王五", i, at(2, 2, 0)).unwrap();
    assert_eq!(id, "D1");
    let outcome = ItemData {
        outcome: Some(HandoverOutcome::AcceptedWithRectificationList),
        ..none()
    };
    c.complete(
        "joint_inspection",
        "王五",
        i,
        at(2, 2, 10),
        outcome,
        Some(&estate),
    )
    .unwrap();
    for (code, value, minute) in [
        ("water_meter_reading", "507.0", 15),
        ("electricity_meter_reading", "3424.5", 16),
        ("gas_meter_reading", "243.0", 17),
    ] {
        let data = ItemData {
            reading: Some(dec(value)),
            ..none()
        };
        c.complete(code, "王五", i, at(2, 2, minute), data, Some(&estate))
            .unwrap();
    }
    c.complete(
        "house_acceptance_record",
        "王五",
        i,
        at(2, 2, 20),
        none(),
        None,
    )
    .unwrap();
    let keys = ItemData {
        keys: Some(4),
        signature_ref: Some("SIG-004".into()),
        ..none()
    };
    c.complete(
        "key_handover",
        "李四",
        Role::Receptionist,
        at(2, 2, 25),
        keys,
        None,
    )
    .unwrap();
    c.complete(
        "key_receipt_record",
        "李四",
        Role::Receptionist,
        at(2, 2, 26),
        none(),
        None,
    )
    .unwrap();
    c.finish("李四", Role::Receptionist, at(2, 2, 30)).unwrap();
    c.mark_rectified("D1", "王五", i, at(10, 6, 0), Some("seal replaced".into()))
        .unwrap();
    c.reinspect(
        "D1",
        false,
        "王五",
        i,
        at(11, 6, 0),
        Some("still leaks air".into()),
    )
    .unwrap();
    c.mark_rectified("D1", "王五", i, at(14, 6, 0), None)
        .unwrap();
    c.reinspect("D1", true, "王五", i, at(15, 6, 0), None)
        .unwrap();
    let audit = ItemData {
        note: Some("records complete".into()),
        ..none()
    };
    c.complete(
        "manager_audit",
        "赵六",
        Role::Manager,
        at(30, 8, 0),
        audit,
        None,
    )
    .unwrap();
    c
}

const WALK_JSON: &str = include_str!("data/checkin_walk.json");

#[test]
fn walk_produces_the_committed_json() {
    let c = walk();
    if std::env::var_os("ESTATEKIT_UPDATE_WALK").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/checkin_walk.json");
        std::fs::write(path, c.to_json() + "\n").unwrap();
    }
    assert_eq!(c.to_json() + "\n", WALK_JSON);
    assert!(c.is_complete() && c.is_audited());
    assert_eq!(
        c.progress(),
        Progress {
            done: 23,
            total: 23
        }
    );
    assert_eq!(
        c.outcome(),
        Some(HandoverOutcome::AcceptedWithRectificationList)
    );
    assert_eq!(c.defects()[0].deadline, date("2026-11-17"));
    assert_eq!(c.defects()[0].status, DefectStatus::Closed);
    assert_eq!(c.events().len(), 31);
    let t = CheckinTemplate::default_template();
    assert_eq!(Checklist::from_json(WALK_JSON, &t).unwrap(), c);
}

#[test]
fn default_template_follows_the_seeds() {
    let t = CheckinTemplate::default_template();
    let steps: Vec<_> = t.steps().iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        steps,
        [
            "sale_formalities",
            "document_review",
            "charges",
            "agreements",
            "documents",
            "entrusted_services",
            "inspection",
            "manager_audit"
        ]
    );
    let of_kind = |k: ItemKind| -> Vec<&str> {
        t.items()
            .filter(|(_, i)| i.kind == k)
            .map(|(_, i)| i.code.as_str())
            .collect()
    };
    assert_eq!(of_kind(ItemKind::DocumentIssued), DOCUMENTS);
    let records = of_kind(ItemKind::RecordMade);
    for r in [
        "owner_registration",
        "house_acceptance_record",
        "occupancy_sign_in",
        "key_receipt_record",
        "entrusted_services_record",
        "admission_fee_record",
    ] {
        assert!(records.contains(&r), "{r}");
    }
    let doc = t.item("residential_quality_guarantee").unwrap();
    assert_eq!(
        (doc.name_zh.as_str(), doc.name_en.as_str()),
        ("住宅质量保证书", "Residential quality guarantee")
    );
    assert_eq!(
        t.item("temporary_management_statute").unwrap().name_zh,
        "业主临时管理规约"
    );
    assert_eq!(
        t.item("management_fee_prepayment").unwrap().amount,
        Some(dec("1000.00"))
    );
    assert_eq!(
        t.item("gas_meter_reading").unwrap().meter_kind,
        Some(MeterKind::Gas)
    );
    assert_eq!(t.audit_item(), Some("manager_audit"));
}

fn template_err(edit: impl FnOnce(&mut TemplateData)) -> CheckinError {
    let mut data = CheckinTemplate::default_template().data().clone();
    edit(&mut data);
    CheckinTemplate::new(data).unwrap_err()
}

#[test]
fn invalid_templates_name_the_field() {
    let e = template_err(|d| d.steps[1].depends_on = vec!["nope".into()]);
    assert_eq!(
        e,
        CheckinError::UnknownDependency {
            path: "steps[1].depends_on[0]".into(),
            step: "document_review".into(),
            depends_on: "nope".into()
        }
    );
    let e = template_err(|d| d.steps[1].depends_on.push("charges".into()));
    assert_eq!(
        e,
        CheckinError::DependencyCycle {
            path: "steps[1].depends_on".into(),
            cycle: vec![
                "document_review".into(),
                "charges".into(),
                "document_review".into()
            ]
        }
    );
    assert_eq!(
        e.to_string(),
        "steps[1].depends_on: dependency cycle document_review -> charges -> document_review"
    );
    let e = template_err(|d| d.steps[0].depends_on.push("sale_formalities".into()));
    assert_eq!(
        (e.code(), e.path()),
        ("dependency_cycle", "steps[0].depends_on")
    );
    let e = template_err(|d| d.steps[2].code = "document_review".into());
    assert_eq!(
        e,
        CheckinError::DuplicateCode {
            path: "steps[2].code".into(),
            code: "document_review".into()
        }
    );
    let e = template_err(|d| d.steps[4].items[3].code = "owner_registration".into());
    assert_eq!(
        (e.code(), e.path()),
        ("duplicate_code", "steps[4].items[3].code")
    );
    let e = template_err(|d| d.steps[2].items[0].amount = None);
    assert_eq!(
        (e.code(), e.path()),
        ("missing_value", "steps[2].items[0].amount")
    );
    let e = template_err(|d| d.steps[2].items[0].amount = Some(dec("-1")));
    assert_eq!(
        e.to_string(),
        "steps[2].items[0].amount: amount must not be negative, got -1"
    );
    let e = template_err(|d| d.steps[6].items[1].meter_kind = None);
    assert_eq!(e.path(), "steps[6].items[1].meter_kind");
    let e = template_err(|d| d.steps[0].items[0].keys = Some(2));
    assert_eq!(e.path(), "steps[0].items[0].keys");
    let e = template_err(|d| d.steps[0].items[0].roles.clear());
    assert_eq!(e.path(), "steps[0].items[0].roles");
    let e = template_err(|d| d.audit_item = Some("owner_registration".into()));
    assert_eq!(e.path(), "audit_item");
    let e = template_err(|d| d.format_version = 9);
    assert_eq!(e.code(), "unsupported_format_version");
    let e = CheckinTemplate::from_json(r#"{"id": "t", "version": 1}"#).unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "name_zh"));
    let json = CheckinTemplate::default_template().to_json().replacen(
        "\"record_made\"",
        "\"recorded\"",
        1,
    );
    let e = CheckinTemplate::from_json(&json).unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "steps[0].items[0].kind"));
}

fn started() -> Checklist {
    let t = CheckinTemplate::default_template();
    Checklist::start(&t, "1-603", "张三", date("2026-11-02"), Mode::Centralized).unwrap()
}

#[test]
fn completion_errors_are_typed() {
    let mut c = started();
    let r = Role::Receptionist;
    let e = c
        .complete("nope", "李四", r, at(2, 1, 0), none(), None)
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::UnknownItem {
            path: "item_code".into(),
            item: "nope".into()
        }
    );
    let e = c
        .complete("owner_registration", "李四", r, at(2, 1, 0), none(), None)
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::DependenciesUnmet {
            path: "item_code".into(),
            item: "owner_registration".into(),
            step: "document_review".into(),
            unmet: vec!["sale_formalities".into()]
        }
    );
    assert!(e.is_state());
    let e = c
        .complete(
            "occupancy_notice_presented",
            "王五",
            Role::Inspector,
            at(2, 1, 0),
            none(),
            None,
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::RoleNotAllowed {
            path: "role".into(),
            role: Role::Inspector,
            action: "complete item \"occupancy_notice_presented\"".into(),
            allowed: vec![Role::Receptionist, Role::Manager]
        }
    );
    assert_eq!(
        e.to_string(),
        "role: role inspector may not complete item \"occupancy_notice_presented\"; allowed: receptionist, manager"
    );
    let e = c
        .complete(
            "occupancy_notice_presented",
            "",
            r,
            at(2, 1, 0),
            none(),
            None,
        )
        .unwrap_err();
    assert_eq!(e.path(), "actor");
    let bad = ItemData {
        reading: Some(dec("1")),
        ..none()
    };
    let e = c
        .complete(
            "occupancy_notice_presented",
            "李四",
            r,
            at(2, 1, 0),
            bad,
            None,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "data.reading: not recorded for a record_made item"
    );
    c.complete(
        "occupancy_notice_presented",
        "李四",
        r,
        at(2, 1, 0),
        none(),
        None,
    )
    .unwrap();
    let e = c
        .complete(
            "occupancy_notice_presented",
            "李四",
            r,
            at(2, 1, 1),
            none(),
            None,
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::AlreadyCompleted {
            path: "item_code".into(),
            item: "occupancy_notice_presented".into()
        }
    );
    c.complete("owner_registration", "李四", r, at(2, 1, 2), none(), None)
        .unwrap();
    assert_eq!(c.actionable(), ["charges", "agreements"]);
    let e = c
        .complete("statute_signed", "李四", r, at(2, 1, 3), none(), None)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "data.signature_ref: required for a signature item"
    );
    let e = c
        .complete(
            "management_fee_prepayment",
            "李四",
            r,
            at(2, 1, 3),
            none(),
            None,
        )
        .unwrap_err();
    assert_eq!(e.path(), "data.receipt_ref");
    // undo with dependents, undo of an open item
    let e = c
        .undo(
            "occupancy_notice_presented",
            "李四",
            r,
            at(2, 1, 4),
            "mistake",
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::HasDependents {
            path: "item_code".into(),
            item: "occupancy_notice_presented".into(),
            dependents: vec!["owner_registration".into()]
        }
    );
    let e = c
        .undo("admission_fee_record", "李四", r, at(2, 1, 4), "x")
        .unwrap_err();
    assert_eq!(e.code(), "not_completed");
    let e = c
        .undo("owner_registration", "李四", r, at(2, 1, 4), " ")
        .unwrap_err();
    assert_eq!(e.path(), "reason");
    c.undo("owner_registration", "李四", r, at(2, 1, 4), "wrong ID")
        .unwrap();
    assert_eq!(c.events().last().unwrap().note(), Some("wrong ID"));
    assert_eq!(c.actionable(), ["document_review"]);
}

#[test]
fn meter_readings_are_checked() {
    let estate = Estate::demo();
    let mut c = started();
    before_inspection(&mut c);
    let i = Role::Inspector;
    let reading = |v: &str| ItemData {
        reading: Some(dec(v)),
        ..none()
    };
    let e = c
        .complete(
            "water_meter_reading",
            "王五",
            i,
            at(2, 2, 0),
            reading("-1"),
            None,
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::NegativeReading {
            path: "data.reading".into(),
            value: dec("-1")
        }
    );
    let e = c
        .complete(
            "water_meter_reading",
            "王五",
            i,
            at(2, 2, 0),
            reading("500"),
            Some(&estate),
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::DecreasingReading {
            path: "data.reading".into(),
            meter_id: "W-1-603".into(),
            previous: dec("507.0"),
            value: dec("500")
        }
    );
    assert_eq!(
        e.to_string(),
        "data.reading: reading 500 is below meter W-1-603's previous reading 507.0"
    );
    let e = c
        .complete("water_meter_reading", "王五", i, at(2, 2, 0), none(), None)
        .unwrap_err();
    assert_eq!(e.path(), "data.reading");
    let keys = |n| ItemData {
        keys: Some(n),
        ..none()
    };
    let e = c
        .complete(
            "key_handover",
            "李四",
            Role::Receptionist,
            at(2, 2, 0),
            keys(0),
            None,
        )
        .unwrap_err();
    assert_eq!(e.path(), "data.keys");
}

#[test]
fn failed_inspection_rectification_and_reinspection() {
    let estate = Estate::demo();
    let mut c = started();
    let i = Role::Inspector;
    let e = c
        .record_defect(defect(), "王五", i, at(2, 2, 0))
        .unwrap_err();
    assert_eq!(e.code(), "dependencies_unmet");
    before_inspection(&mut c);
    let e = c
        .record_defect(defect(), "李四", Role::Receptionist, at(2, 2, 0))
        .unwrap_err();
    assert_eq!(e.code(), "role_not_allowed");
    let mut empty = defect();
    empty.location = String::new();
    let e = c.record_defect(empty, "王五", i, at(2, 2, 0)).unwrap_err();
    assert_eq!(e.path(), "defect.location");
    let crit = DefectInput {
        severity: Severity::Critical,
        ..defect()
    };
    assert_eq!(c.record_defect(crit, "王五", i, at(2, 2, 0)).unwrap(), "D1");
    assert_eq!(c.defects()[0].deadline, date("2026-11-05"));
    let outcome = |o| ItemData {
        outcome: Some(o),
        ..none()
    };
    let e = c
        .complete(
            "joint_inspection",
            "王五",
            i,
            at(2, 2, 5),
            outcome(HandoverOutcome::Accepted),
            None,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "data.outcome: accepted needs every defect closed; open: D1"
    );
    c.complete(
        "joint_inspection",
        "王五",
        i,
        at(2, 2, 5),
        outcome(HandoverOutcome::Refused),
        None,
    )
    .unwrap();
    let e = c
        .record_defect(defect(), "王五", i, at(2, 2, 6))
        .unwrap_err();
    assert_eq!(e.code(), "already_completed");
    for (code, v) in [
        ("water_meter_reading", "507"),
        ("electricity_meter_reading", "3424"),
    ] {
        let d = ItemData {
            reading: Some(dec(v)),
            ..none()
        };
        c.complete(code, "王五", i, at(2, 2, 10), d, Some(&estate))
            .unwrap();
    }
    c.complete(
        "house_acceptance_record",
        "王五",
        i,
        at(2, 2, 11),
        none(),
        None,
    )
    .unwrap();
    let keys = ItemData {
        keys: Some(3),
        ..none()
    };
    c.complete(
        "key_handover",
        "李四",
        Role::Receptionist,
        at(2, 2, 12),
        keys,
        None,
    )
    .unwrap();
    c.complete(
        "key_receipt_record",
        "李四",
        Role::Receptionist,
        at(2, 2, 13),
        none(),
        None,
    )
    .unwrap();
    assert!(c.missing().is_empty());
    let e = c
        .finish("李四", Role::Receptionist, at(2, 3, 0))
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::HandoverRefused {
            path: "items.joint_inspection".into()
        }
    );
    // overdue on the 6th
    let overdue = overdue_rectifications(std::slice::from_ref(&c), date("2026-11-06"));
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (overdue[0].defect_id.as_str(), overdue[0].days_overdue),
        ("D1", 1)
    );
    assert!(overdue_rectifications(std::slice::from_ref(&c), date("2026-11-05")).is_empty());
    c.mark_rectified("D1", "王五", i, at(4, 6, 0), None)
        .unwrap();
    let e = c
        .mark_rectified("D1", "王五", i, at(4, 6, 0), None)
        .unwrap_err();
    assert_eq!(e.code(), "defect_state");
    c.reinspect(
        "D1",
        false,
        "王五",
        i,
        at(4, 7, 0),
        Some("still loose".into()),
    )
    .unwrap();
    assert_eq!(c.defects()[0].status, DefectStatus::Open);
    c.mark_rectified("D1", "王五", i, at(5, 6, 0), None)
        .unwrap();
    c.reinspect("D1", true, "王五", i, at(5, 7, 0), None)
        .unwrap();
    let e = c
        .reinspect("D1", true, "王五", i, at(5, 7, 0), None)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "defect_id: defect \"D1\" is closed; cannot re-inspect it"
    );
    c.undo(
        "joint_inspection",
        "王五",
        i,
        at(5, 8, 0),
        "re-inspection passed",
    )
    .unwrap();
    c.complete(
        "joint_inspection",
        "王五",
        i,
        at(5, 8, 1),
        outcome(HandoverOutcome::Accepted),
        None,
    )
    .unwrap();
    let e = c.finish("王五", i, at(5, 9, 0)).unwrap_err();
    assert_eq!(e.code(), "role_not_allowed");
    c.finish("李四", Role::Receptionist, at(5, 9, 0)).unwrap();
    let e = c
        .finish("李四", Role::Receptionist, at(5, 9, 0))
        .unwrap_err();
    assert_eq!(e.code(), "checklist_finished");
    let e = c
        .undo(
            "key_receipt_record",
            "李四",
            Role::Receptionist,
            at(5, 9, 1),
            "x",
        )
        .unwrap_err();
    assert_eq!(e.code(), "checklist_finished");
    assert_eq!(c.actionable(), ["manager_audit"]);

    // effects
    let fx = completion_effects(&c, &estate, UnitStatus::Delivered).unwrap();
    assert_eq!(
        fx.status,
        StatusChange {
            unit_id: "1-603".into(),
            from: UnitStatus::Unsold,
            to: UnitStatus::Delivered,
            on: date("2026-11-05"),
            delivered_on: date("2026-11-05")
        }
    );
    let unit = fx.estate.unit("1-603").unwrap();
    assert_eq!(
        (unit.status, unit.delivered_on),
        (UnitStatus::Delivered, Some(date("2026-11-05")))
    );
    let readings: Vec<_> = fx
        .readings
        .iter()
        .map(|r| (r.meter_id.as_str(), r.date, r.value))
        .collect();
    assert_eq!(
        readings,
        [
            ("W-1-603", date("2026-11-02"), dec("507")),
            ("E-1-603", date("2026-11-02"), dec("3424"))
        ]
    );
    let w = fx.estate.meter("W-1-603").unwrap();
    assert_eq!(w.readings.last().unwrap().value, dec("507"));
    assert_eq!(w.readings.len(), 3);
    assert_eq!(fx.charges.len(), 1);
    assert_eq!(fx.total_charges, dec("1000.00"));
    // The management fee paid in advance is a prepayment, not revenue.
    assert_eq!(fx.charges[0].nature, PaymentNature::Prepayment);
    assert_eq!(
        (fx.total_fees, fx.total_prepayments, fx.total_deposits),
        (dec("0.00"), dec("1000.00"), dec("0.00"))
    );
    assert_eq!(fx.charges[0].receipt_ref.as_deref(), Some("R-2026-0001"));
    let e = completion_effects(&c, &estate, UnitStatus::Rented).unwrap_err();
    assert_eq!(e.path(), "status");
    let occupied = completion_effects(&c, &estate, UnitStatus::Occupied).unwrap();
    assert_eq!(
        occupied.estate.unit("1-603").unwrap().status,
        UnitStatus::Occupied
    );

    // audit
    let list = [c.clone(), started()];
    let waiting = awaiting_audit(&list, date("2026-11-30"));
    assert_eq!(waiting.len(), 1);
    assert!(awaiting_audit(&list, date("2026-11-04")).is_empty());
    let mut audited = c;
    audited
        .complete(
            "manager_audit",
            "赵六",
            Role::Manager,
            at(30, 8, 0),
            none(),
            None,
        )
        .unwrap();
    assert!(awaiting_audit(&[audited], date("2026-11-30")).is_empty());
}

#[test]
fn audit_dates_by_mode() {
    assert_eq!(
        audit_dates(Mode::Centralized, date("2026-11-01"), date("2026-11-30")),
        [
            date("2026-11-07"),
            date("2026-11-14"),
            date("2026-11-21"),
            date("2026-11-30")
        ]
    );
    assert_eq!(
        audit_dates(Mode::Ordinary, date("2026-12-15"), date("2027-02-28")),
        [date("2026-12-31"), date("2027-01-31"), date("2027-02-28")]
    );
    assert_eq!(
        audit_dates(Mode::Centralized, date("2028-02-22"), date("2028-02-29")),
        [date("2028-02-29")]
    );
    assert!(audit_dates(Mode::Ordinary, date("2026-11-02"), date("2026-11-01")).is_empty());
}

#[test]
fn restore_reports_template_changes() {
    let c = walk();
    let mut data = CheckinTemplate::default_template().data().clone();
    data.version = 2;
    data.steps[4].items.retain(|i| i.code != "owners_manual");
    data.steps[4].items.push(ItemDef {
        code: "parking_agreement".into(),
        kind: ItemKind::DocumentIssued,
        name_zh: "车位管理协议".into(),
        name_en: "Parking agreement".into(),
        mandatory: true,
        roles: vec![Role::Receptionist],
        amount: None,
        nature: None,
        meter_kind: None,
        keys: None,
    });
    data.steps[6].items[3].mandatory = true;
    let t2 = CheckinTemplate::new(data).unwrap();
    let e = Checklist::from_json(&c.to_json(), &t2).unwrap_err();
    assert_eq!((e.code(), e.path()), ("template_mismatch", "template"));
    let r = Checklist::restore(&c.to_json(), &t2).unwrap();
    let got: Vec<_> = r
        .mismatches
        .iter()
        .map(|m| (m.kind, m.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (MismatchKind::TemplateVersion, "template_version"),
            (MismatchKind::ItemRemoved, "items.owners_manual"),
            (MismatchKind::ItemAdded, "items.parking_agreement"),
            (MismatchKind::MandatoryChanged, "items.gas_meter_reading"),
        ]
    );
    assert_eq!(r.checklist.missing(), ["parking_agreement"]);
    assert_eq!(r.checklist.data().template_version, 2);
    let e = Checklist::from_json("{\"format_version\": 2}", &t2).unwrap_err();
    assert_eq!(e.code(), "json");
    let bad = c
        .to_json()
        .replace("\"format_version\": 1", "\"format_version\": 7");
    let e = Checklist::from_json(&bad, &t2).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("unsupported_format_version", "format_version")
    );
}

#[test]
fn saved_checklists_are_checked_and_labels_exist() {
    use estatekit::i18n::{Label, Lang};
    let t = CheckinTemplate::default_template();
    let json = walk().to_json();
    let tampered = json.replacen("\"id\": \"D1\"", "\"id\": \"D7\"", 1);
    let e = Checklist::from_json(&tampered, &t).unwrap_err();
    assert_eq!((e.code(), e.path()), ("mismatch", "defects[0].id"));
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["items"][1].as_object_mut().unwrap().remove("completion");
    let e = Checklist::from_json(&v.to_string(), &t).unwrap_err();
    assert_eq!(e.path(), "items[1].completion");
    let e = Checklist::from_json(
        &json.replace("\"mode\": \"ordinary\"", "\"mode\": \"weekly\""),
        &t,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "mode"));

    let e = "boss".parse::<Role>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "role: unknown value \"boss\"; expected one of receptionist, inspector, manager"
    );
    assert_eq!(HandoverOutcome::Refused.label(Lang::ZhCn), "拒绝收楼");
    assert_eq!(Mode::Centralized.label(Lang::En), "centralized occupancy");

    // an estate without the unit
    let mut c = Checklist::start(&t, "9-999", "x", date("2026-11-02"), Mode::Ordinary).unwrap();
    before_inspection(&mut c);
    let data = ItemData {
        reading: Some(dec("1")),
        ..none()
    };
    let e = c
        .complete(
            "water_meter_reading",
            "王五",
            Role::Inspector,
            at(2, 2, 0),
            data,
            Some(&Estate::demo()),
        )
        .unwrap_err();
    assert_eq!(
        e,
        CheckinError::UnknownUnit {
            path: "unit_id".into(),
            unit_id: "9-999".into()
        }
    );
}

/// The estate's time zone (issue 18.3): a defect logged at 07:30 Beijing time (23:30
/// UTC the day before) counts its deadline from the Beijing date.
#[test]
fn defect_deadline_counts_from_the_local_date() {
    let t = CheckinTemplate::default_template();
    let mut c = Checklist::start_with_utc_offset(
        &t,
        "1-603",
        "张三",
        date("2026-11-02"),
        Mode::Ordinary,
        480,
    )
    .unwrap();
    before_inspection(&mut c);
    let logged = at(2, 23, 30); // 2026-11-03 07:30 Beijing
    let id = c
        .record_defect(defect(), "王五", Role::Inspector, logged)
        .unwrap();
    let d = c.defects().iter().find(|d| d.id == id).unwrap();
    assert_eq!(d.found_at, logged);
    // Major: 15 days from 2026-11-03 (the UTC date would give 2026-11-17).
    assert_eq!(d.deadline, date("2026-11-18"));
    assert_eq!(c.local_date(logged), date("2026-11-03"));

    // The offset is stored and read back; the replay gives the same deadline.
    let json = c.to_json();
    assert!(json.contains("\"utc_offset_minutes\": 480"), "{json}");
    let back = Checklist::from_json(&json, &t).unwrap();
    assert_eq!(back.data().utc_offset_minutes, 480);
    assert_eq!(back.defects()[0].deadline, date("2026-11-18"));
    // A document claiming another offset contradicts its deadlines.
    let other = json.replace("\"utc_offset_minutes\": 480", "\"utc_offset_minutes\": 0");
    let err = Checklist::from_json(&other, &t).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_document", "events[17].note")
    );

    // The start day begins at 00:00 Beijing time = 16:00 UTC the day before.
    let mut early = Checklist::start_with_utc_offset(
        &t,
        "1-603",
        "张三",
        date("2026-11-02"),
        Mode::Ordinary,
        480,
    )
    .unwrap();
    let e = early
        .complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            at(1, 15, 59),
            none(),
            None,
        )
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("event_out_of_order", "at"));
    early
        .complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            at(1, 16, 0),
            none(),
            None,
        )
        .unwrap();

    // Without an offset (and in documents written before it existed): UTC.
    let mut utc =
        Checklist::start(&t, "1-603", "张三", date("2026-11-02"), Mode::Ordinary).unwrap();
    before_inspection(&mut utc);
    utc.record_defect(defect(), "王五", Role::Inspector, logged)
        .unwrap();
    assert_eq!(utc.defects()[0].deadline, date("2026-11-17"));
    assert!(!utc.to_json().contains("utc_offset_minutes"));
    let bad = Checklist::start_with_utc_offset(
        &t,
        "1-603",
        "张三",
        date("2026-11-02"),
        Mode::Ordinary,
        -1081,
    )
    .unwrap_err();
    assert_eq!(
        (bad.code(), bad.path()),
        ("out_of_range", "utc_offset_minutes")
    );
}

#[test]
fn a_payment_items_nature_is_checked() {
    let mut data = CheckinTemplate::default_template().data().clone();
    let (s, i) = data
        .steps
        .iter()
        .enumerate()
        .find_map(|(s, st)| {
            st.items
                .iter()
                .position(|it| it.code == "owners_manual")
                .map(|i| (s, i))
        })
        .unwrap();
    data.steps[s].items[i].nature = Some(PaymentNature::Deposit);
    let e = CheckinTemplate::new(data).unwrap_err();
    assert_eq!(
        (e.code(), e.path().to_owned()),
        (
            "conflicting_fields",
            format!("steps[{s}].items[{i}].nature")
        )
    );
    let t = CheckinTemplate::default_template();
    let natures: Vec<_> = t
        .steps()
        .iter()
        .flat_map(|st| st.items.iter())
        .filter_map(|it| it.payment_nature().map(|n| (it.code.as_str(), n.as_str())))
        .collect();
    assert_eq!(
        natures,
        [
            ("management_fee_prepayment", "prepayment"),
            ("decoration_deposit", "deposit")
        ]
    );
}
