//! Documents that cannot lie: a saved checklist loads only when replaying its event log
//! through the operations gives exactly what it says, and every action is dated in
//! order (not before the previous event, not before the start day).
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use estatekit::checkin::*;
use estatekit::estate::{Estate, UnitStatus};
use proptest::prelude::*;
use serde_json::{Value, json};

const WALK_JSON: &str = include_str!("data/checkin_walk.json");

fn template() -> CheckinTemplate {
    CheckinTemplate::default_template()
}

fn walk() -> Value {
    serde_json::from_str(WALK_JSON).unwrap()
}

fn load(doc: &Value) -> Result<Checklist, CheckinError> {
    Checklist::from_json(&doc.to_string(), &template())
}

fn refused(doc: &Value) -> (String, String) {
    let e = load(doc).unwrap_err();
    (e.code().to_owned(), e.path().to_owned())
}

fn pair(code: &str, path: &str) -> (String, String) {
    (code.to_owned(), path.to_owned())
}

/// The index of the item `code` in the walk's items.
fn item(doc: &Value, code: &str) -> usize {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["code"] == code)
        .unwrap()
}

/// The index of the event completing `code`.
fn completed(doc: &Value, code: &str) -> usize {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["action"] == "completed" && e["target"] == code)
        .unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap()
}

#[test]
fn the_walk_loads_and_writes_back_identically() {
    let c = Checklist::from_json(WALK_JSON, &template()).unwrap();
    assert_eq!(c.to_json(), WALK_JSON.trim_end());
    let r = Checklist::restore(WALK_JSON, &template()).unwrap();
    assert!(r.mismatches.is_empty());
    assert_eq!(r.checklist, c);
}

#[test]
fn a_refused_handover_does_not_load_as_complete() {
    // In the items and the log: the finish is refused when replayed.
    let mut doc = walk();
    let (i, e) = (
        item(&doc, "joint_inspection"),
        completed(&doc, "joint_inspection"),
    );
    doc["items"][i]["completion"]["data"]["outcome"] = json!("refused");
    doc["events"][e]["data"]["outcome"] = json!("refused");
    let err = load(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_document", "events[25]")
    );
    assert!(err.to_string().contains("handover_refused"), "{err}");
    assert!(!err.is_state());
    // In the items only: the log says otherwise.
    let mut doc = walk();
    doc["items"][i]["completion"]["data"]["outcome"] = json!("refused");
    assert_eq!(
        refused(&doc),
        pair(
            "inconsistent_document",
            "items.joint_inspection.completion.data.outcome"
        )
    );
}

#[test]
fn the_managers_audit_by_a_receptionist_does_not_load() {
    let mut doc = walk();
    let (i, e) = (
        item(&doc, "manager_audit"),
        completed(&doc, "manager_audit"),
    );
    doc["items"][i]["completion"]["role"] = json!("receptionist");
    assert_eq!(
        refused(&doc),
        pair(
            "inconsistent_document",
            "items.manager_audit.completion.role"
        )
    );
    // The log agrees: the operations refuse the role (as `complete` does).
    doc["events"][e]["role"] = json!("receptionist");
    assert_eq!(
        refused(&doc),
        pair("role_not_allowed", &format!("events[{e}].role"))
    );
    // Any step done in a role its item does not allow.
    let mut doc = walk();
    let (i, e) = (
        item(&doc, "occupancy_notice_presented"),
        completed(&doc, "occupancy_notice_presented"),
    );
    doc["items"][i]["completion"]["role"] = json!("inspector");
    doc["events"][e]["role"] = json!("inspector");
    assert_eq!(refused(&doc), pair("role_not_allowed", "events[0].role"));
}

#[test]
fn items_done_before_their_dependencies_do_not_load() {
    // The owner's registration never happened: the charges wait for it.
    let t = template();
    let mut c = Checklist::start(
        &t,
        "1-603",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    let receipt = ItemData {
        receipt_ref: Some("R-1".into()),
        ..ItemData::default()
    };
    for (h, (code, data)) in [
        ("occupancy_notice_presented", ItemData::default()),
        ("owner_registration", ItemData::default()),
        ("management_fee_prepayment", receipt),
    ]
    .into_iter()
    .enumerate()
    {
        let at = utc(2026, 11, 2, 1 + h as u32);
        c.complete(code, "李四", Role::Receptionist, at, data, None)
            .unwrap();
    }
    let mut doc: Value = serde_json::from_str(&c.to_json()).unwrap();
    let i = item(&doc, "owner_registration");
    doc["items"][i]
        .as_object_mut()
        .unwrap()
        .remove("completion");
    doc["events"].as_array_mut().unwrap().remove(1);
    let err = load(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_document", "events[1].target")
    );
    assert!(err.to_string().contains("dependencies_unmet"), "{err}");
}

#[test]
fn forged_and_empty_event_logs_do_not_load() {
    // No log at all, or an empty one, for a finished check-in.
    let mut doc = walk();
    doc["events"] = json!([]);
    assert_eq!(refused(&doc), pair("inconsistent_document", "events"));
    doc.as_object_mut().unwrap().remove("events");
    assert_eq!(refused(&doc), pair("inconsistent_document", "events"));
    // The finish was never logged.
    let mut doc = walk();
    doc["events"].as_array_mut().unwrap().remove(25);
    assert_eq!(refused(&doc), pair("inconsistent_document", "finished_at"));
    // A logged completion of another item than the one the items say.
    let mut doc = walk();
    doc["events"][19]["target"] = json!("gas_meter_reading");
    doc["events"][21]["target"] = json!("water_meter_reading");
    assert_eq!(
        refused(&doc),
        pair(
            "inconsistent_document",
            "items.water_meter_reading.completion.at"
        )
    );
    // An event logged with other data than its operation records.
    let mut doc = walk();
    doc["events"][0]["note"] = json!("forged");
    assert_eq!(
        refused(&doc),
        pair("inconsistent_document", "events[0].note")
    );
    // A reading rewritten in the item only; as written, too ("507.00" is not "507.0").
    for reading in ["9.0", "507.00"] {
        let mut doc = walk();
        let i = item(&doc, "water_meter_reading");
        doc["items"][i]["completion"]["data"]["reading"] = json!(reading);
        assert_eq!(
            refused(&doc),
            pair(
                "inconsistent_document",
                "items.water_meter_reading.completion.data.reading"
            )
        );
    }
    // Items in another order than the template's, or twice.
    let mut doc = walk();
    doc["items"].as_array_mut().unwrap().swap(7, 8);
    assert_eq!(
        refused(&doc),
        pair("inconsistent_document", "items[7].code")
    );
    let mut doc = walk();
    let extra = doc["items"][25].clone();
    doc["items"].as_array_mut().unwrap().push(extra);
    assert_eq!(refused(&doc), pair("inconsistent_document", "items"));
    // A defect no event recorded.
    let mut doc = walk();
    let mut d2 = doc["defects"][0].clone();
    d2["id"] = json!("D2");
    doc["defects"].as_array_mut().unwrap().push(d2);
    assert_eq!(refused(&doc), pair("inconsistent_document", "defects[1]"));
    // A recorded defect missing from the defects.
    let mut doc = walk();
    doc["defects"] = json!([]);
    assert_eq!(
        refused(&doc),
        pair("inconsistent_document", "events[17].target")
    );
}

#[test]
fn a_closed_defect_must_have_been_reinspected() {
    // Closed without any rectification or re-inspection, deadline moved to 2099.
    let mut doc = walk();
    doc["defects"][0]["deadline"] = json!("2099-12-31");
    assert_eq!(
        refused(&doc),
        pair("inconsistent_document", "defects[0].deadline")
    );
    let mut doc = walk();
    for _ in 26..30 {
        doc["events"].as_array_mut().unwrap().remove(26);
    }
    doc["defects"][0]["reinspections"] = json!([]);
    doc["defects"][0]
        .as_object_mut()
        .unwrap()
        .remove("rectified_at");
    let err = load(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_document", "defects[0].status")
    );
    assert_eq!(
        err.to_string(),
        "defects[0].status: the document says \"closed\", its event log gives \"open\""
    );
    // A re-inspection that failed, logged as passed.
    let mut doc = walk();
    doc["events"][27]["passed"] = json!(true);
    let err = load(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_document", "events[28].target")
    );
    assert!(err.to_string().contains("defect_state"), "{err}");
}

#[test]
fn operations_refuse_time_travel() {
    let t = template();
    let mut c = Checklist::from_json(WALK_JSON, &t).unwrap();
    // Reopen the audit: rebuild the walk up to its finish.
    let mut doc = walk();
    let audit = item(&doc, "manager_audit");
    doc["items"][audit]
        .as_object_mut()
        .unwrap()
        .remove("completion");
    doc["events"].as_array_mut().unwrap().truncate(26);
    doc["defects"][0]["status"] = json!("open");
    doc["defects"][0]["reinspections"] = json!([]);
    doc["defects"][0]
        .as_object_mut()
        .unwrap()
        .remove("rectified_at");
    let mut finished = load(&doc).unwrap();
    let before = finished.clone();
    // The audit before the finish (02:30 on the 2nd).
    let err = finished
        .complete(
            "manager_audit",
            "赵六",
            Role::Manager,
            utc(2026, 11, 2, 2),
            ItemData::default(),
            None,
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    assert_eq!(finished, before, "a refused action changes nothing");
    assert!(!err.is_state());

    // A finish dated 2020 on a check-in started 2026-11-02.
    let mut doc = walk();
    let unfinished = {
        doc["items"][audit]
            .as_object_mut()
            .unwrap()
            .remove("completion");
        doc.as_object_mut().unwrap().remove("finished_at");
        doc.as_object_mut().unwrap().remove("finished_by");
        doc["events"].as_array_mut().unwrap().truncate(25);
        doc["defects"][0]["status"] = json!("open");
        doc["defects"][0]["reinspections"] = json!([]);
        doc["defects"][0]
            .as_object_mut()
            .unwrap()
            .remove("rectified_at");
        load(&doc).unwrap()
    };
    let mut u = unfinished.clone();
    let err = u
        .finish("李四", Role::Receptionist, utc(2020, 1, 1, 0))
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    assert!(
        err.to_string().contains("2026-11-02 02:26:00 UTC"),
        "names the last event: {err}"
    );
    assert_eq!(u, unfinished);
    // Finished in order, the delivery date is not before the start.
    u.finish("李四", Role::Receptionist, utc(2026, 11, 2, 3))
        .unwrap();
    let fx = completion_effects(&u, &Estate::demo(), UnitStatus::Delivered).unwrap();
    assert_eq!(fx.status.delivered_on, "2026-11-02".parse().unwrap());

    // A completion dated 1900 on a fresh check-in: before the start day.
    let mut fresh = Checklist::start(
        &t,
        "1-603",
        "张三",
        "2026-11-02".parse().unwrap(),
        Mode::Ordinary,
    )
    .unwrap();
    let err = fresh
        .complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            utc(1900, 1, 1, 9),
            ItemData::default(),
            None,
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    // The start day itself is fine (00:00 UTC on).
    fresh
        .complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            utc(2026, 11, 2, 0),
            ItemData::default(),
            None,
        )
        .unwrap();
    // An undo dated before the completion it undoes.
    let err = fresh
        .undo(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            utc(2026, 11, 1, 23),
            "wrong owner",
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    // Same time as the last event: in order.
    fresh
        .undo(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            utc(2026, 11, 2, 0),
            "wrong owner",
        )
        .unwrap();
    // Defects too; the time is checked first (the walk's last event is the audit on
    // the 30th).
    let before = c.clone();
    let err = c
        .reinspect(
            "D1",
            true,
            "王五",
            Role::Inspector,
            utc(2026, 11, 3, 0),
            None,
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    let err = c
        .mark_rectified("D1", "王五", Role::Inspector, utc(2026, 11, 3, 0), None)
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    assert_eq!(c, before);
}

#[test]
fn documents_with_time_travel_do_not_load() {
    // A finish dated 2020.
    let mut doc = walk();
    doc["events"][25]["at"] = json!("2020-01-01T00:00:00Z");
    doc["finished_at"] = json!("2020-01-01T00:00:00Z");
    let err = load(&doc).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("event_out_of_order", "events[25].at")
    );
    // The audit before the finish.
    let mut doc = walk();
    let i = item(&doc, "manager_audit");
    let events = doc["events"].as_array_mut().unwrap();
    let audit = events.remove(30);
    events.insert(25, audit);
    doc["events"][25]["at"] = json!("2026-11-02T02:28:00Z");
    doc["items"][i]["completion"]["at"] = json!("2026-11-02T02:28:00Z");
    // In time order, the audit before the finish is fine…
    let c = load(&doc).unwrap();
    assert!(c.is_audited());
    // …but not dated before the finish while logged after it.
    let mut doc = walk();
    doc["events"][30]["at"] = json!("2026-11-02T02:28:00Z");
    doc["items"][i]["completion"]["at"] = json!("2026-11-02T02:28:00Z");
    assert_eq!(refused(&doc), pair("event_out_of_order", "events[30].at"));
    // A completion dated 1900 (the first event: before the start day).
    let mut doc = walk();
    doc["events"][0]["at"] = json!("1900-01-01T00:00:00Z");
    doc["items"][0]["completion"]["at"] = json!("1900-01-01T00:00:00Z");
    assert_eq!(refused(&doc), pair("event_out_of_order", "events[0].at"));
    // An event out of order in a document restored against a changed template.
    let mut data = template().data().clone();
    data.version = 2;
    let t2 = CheckinTemplate::new(data).unwrap();
    let e = Checklist::restore(&doc.to_string(), &t2).unwrap_err();
    assert_eq!((e.code(), e.path()), ("event_out_of_order", "events[0].at"));
    assert!(Checklist::restore(WALK_JSON, &t2).is_ok());
}

#[test]
fn restore_lists_contradictions_and_keeps_adapted_checklists_restorable() {
    let t = template();
    // A contradiction: from_json refuses it, restore lists it and keeps the document.
    let mut doc = walk();
    let i = item(&doc, "manager_audit");
    doc["items"][i]["completion"]["role"] = json!("receptionist");
    let r = Checklist::restore(&doc.to_string(), &t).unwrap();
    let got: Vec<_> = r
        .mismatches
        .iter()
        .map(|m| (m.kind, m.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [(MismatchKind::History, "items.manager_audit.completion.role")]
    );
    assert!(
        r.mismatches[0].detail.ends_with("(inconsistent_document)"),
        "{}",
        r.mismatches[0].detail
    );
    assert_eq!(
        r.checklist
            .item("manager_audit")
            .unwrap()
            .completion
            .as_ref()
            .unwrap()
            .role,
        Role::Receptionist
    );
    // Time travel is refused by restore too.
    let mut doc = walk();
    doc["events"][25]["at"] = json!("2020-01-01T00:00:00Z");
    let e = Checklist::restore(&doc.to_string(), &t).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("event_out_of_order", "events[25].at")
    );

    // Restored against a changed template (a new mandatory document), the walk keeps
    // its history, which that template cannot replay: saved and restored again, the
    // history is listed, and from_json refuses it.
    let mut data = t.data().clone();
    data.version = 2;
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
    let t2 = CheckinTemplate::new(data).unwrap();
    let adapted = Checklist::restore(WALK_JSON, &t2).unwrap().checklist;
    let again = Checklist::restore(&adapted.to_json(), &t2).unwrap();
    assert_eq!(again.checklist, adapted);
    assert_eq!(again.mismatches.len(), 1);
    assert_eq!(again.mismatches[0].kind, MismatchKind::History);
    // (Here the first thing from_json refuses: finished with a mandatory item open.)
    let e = Checklist::from_json(&adapted.to_json(), &t2).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("conflicting_fields", "items[17].completion")
    );
    // A mere revision bump replays: the restored walk loads strictly afterwards.
    let mut data = t.data().clone();
    data.version = 3;
    let t3 = CheckinTemplate::new(data).unwrap();
    let bumped = Checklist::restore(WALK_JSON, &t3).unwrap().checklist;
    assert_eq!(
        Checklist::from_json(&bumped.to_json(), &t3).unwrap(),
        bumped
    );
}

// ---------------------------------------------------------------------------------
// Property: random valid operation sequences, saved and loaded, equal the original.

fn good_data(c: &Checklist, kind: ItemKind, flag: bool) -> ItemData {
    let mut d = ItemData::default();
    match kind {
        ItemKind::Signature => d.signature_ref = Some("SIG".into()),
        ItemKind::Payment => d.receipt_ref = Some("R".into()),
        ItemKind::MeterReading => d.reading = Some(rust_decimal::Decimal::new(5_000, 1)),
        ItemKind::KeyHandover => d.keys = Some(2),
        ItemKind::Inspection => {
            let open = c.defects().iter().any(|d| d.status != DefectStatus::Closed);
            d.outcome = Some(match (open, flag) {
                (true, false) => HandoverOutcome::AcceptedWithRectificationList,
                (_, true) => HandoverOutcome::Refused,
                (false, false) => HandoverOutcome::Accepted,
            });
        }
        _ => {}
    }
    d
}

/// One operation, in `role` or the item's first role; any result.
fn apply(c: &mut Checklist, at: DateTime<Utc>, op: (u8, usize, bool, bool)) {
    let (kind, idx, flag, any_role) = op;
    let items: Vec<(String, ItemKind, Vec<Role>)> = c
        .template()
        .items()
        .map(|(_, i)| (i.code.clone(), i.kind, i.roles.clone()))
        .collect();
    let (code, ikind, roles) = &items[idx % items.len()];
    let role = if any_role {
        Role::ALL[idx % 3]
    } else {
        roles[0]
    };
    let _ = match kind % 7 {
        0 => c.complete(code, "a", role, at, good_data(c, *ikind, flag), None),
        1 => c.undo(code, "a", role, at, "undo"),
        2 => c.finish("a", Role::Receptionist, at),
        3 => {
            let d = DefectInput {
                location: "l".into(),
                description: format!("d{idx}"),
                category: "c".into(),
                severity: Severity::ALL[idx % 3],
                responsible: Responsible::ALL[idx % 3],
            };
            c.record_defect(d, "a", Role::Inspector, at).map(|_| ())
        }
        4 => c.mark_rectified(&format!("D{}", idx % 3 + 1), "a", Role::Inspector, at, None),
        5 => c.reinspect(&format!("D{}", idx % 3 + 1), flag, "a", role, at, None),
        _ => {
            let actionable = c.actionable();
            let next = items.iter().find(|(code, _, _)| {
                c.item(code)
                    .is_some_and(|s| !s.is_done() && actionable.contains(&s.step))
            });
            match next {
                Some((code, k, roles)) => {
                    let data = good_data(c, *k, flag);
                    c.complete(code, "a", roles[0], at, data, None)
                }
                None => Ok(()),
            }
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn saved_checklists_load_as_they_were(
        ops in prop::collection::vec(
            ((0u8..7, 0usize..64, any::<bool>(), any::<bool>()), 0i64..600, any::<bool>()),
            0..120),
        centralized in any::<bool>(),
        tamper in any::<prop::sample::Index>(),
    ) {
        let t = template();
        let mode = if centralized { Mode::Centralized } else { Mode::Ordinary };
        let mut c = Checklist::start(&t, "1-603", "o", "2026-11-02".parse().unwrap(), mode).unwrap();
        let mut at = utc(2026, 11, 2, 0);
        for (op, minutes, back) in ops {
            // Mostly forward in time; now and then backwards (refused, changes nothing).
            let when = if back { at - Duration::minutes(minutes + 1) } else { at + Duration::minutes(minutes) };
            let before = c.clone();
            apply(&mut c, when, op);
            if c != before {
                prop_assert!(when >= at);
                at = when;
            }
            let json = c.to_json();
            let back = Checklist::from_json(&json, &t).unwrap();
            prop_assert_eq!(back.to_json(), json);
            prop_assert_eq!(&back, &c);
        }
        let json = c.to_json();
        // Tampering with any event's time to before the start is refused, and the
        // refused load changes nothing.
        if !c.events().is_empty() {
            let i = tamper.index(c.events().len());
            let mut doc: Value = serde_json::from_str(&json).unwrap();
            doc["events"][i]["at"] = json!("2026-11-01T23:59:59Z");
            let before = c.clone();
            let err = Checklist::from_json(&doc.to_string(), &t).unwrap_err();
            prop_assert_eq!(err.code(), "event_out_of_order");
            prop_assert_eq!(err.path(), format!("events[{i}].at"));
            prop_assert_eq!(&c, &before);
            prop_assert_eq!(Checklist::from_json(&json, &t).unwrap(), c.clone());
            // Changing the role of a done item (in the items only) is refused.
            let mut doc: Value = serde_json::from_str(&json).unwrap();
            if let Some(k) = c.items().iter().position(ItemState::is_done) {
                let role = &c.items()[k].completion.as_ref().unwrap().role;
                let other = Role::ALL.iter().find(|r| *r != role).unwrap();
                doc["items"][k]["completion"]["role"] = json!(other.as_str());
                let err = Checklist::from_json(&doc.to_string(), &t).unwrap_err();
                prop_assert_eq!(err.code(), "inconsistent_document");
                prop_assert_eq!(err.path(), format!("items.{}.completion.role", c.items()[k].code));
            }
        }
    }
}
