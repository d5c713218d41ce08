//! Rolling an estate into the next month: `Estate::updated` (readings, status changes,
//! meter changes kept in the estate), estimated readings (估抄) and their true-up.
#![allow(clippy::unwrap_used)]

use estatekit::estate::{
    Estate, EstateData, EstateUpdate, MeterChangeUpdate, MeterEvent, ReadingUpdate, StatusUpdate,
    UnitStatus,
};
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, Explanation, MeterChangeInput, bill_estate,
};
use estatekit::fees::calc::MeterChange;
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::Receivables;
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;
use estatekit::tables::{EstateTables, Row};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Two occupied units, each with a water and an electricity meter. The water meters
/// were last read on September 30 (three months of history); the electricity meters
/// also on October 31 (E-102's five-digit register is about to roll over).
fn estate() -> Estate {
    Estate::from_json(
        r#"{"id": "e1", "name": "Lakeside", "currency": "CNY",
        "buildings": [{"id": "B1", "name": "1号楼"}],
        "units": [
          {"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
           "gross_area": "89.50", "occupants": 2, "status": "occupied",
           "delivered_on": "2024-06-01", "status_since": "2024-06-01"},
          {"id": "1-102", "building_id": "B1", "floor": 1, "number": "102", "kind": "residential",
           "gross_area": "120.30", "occupants": 3, "status": "occupied",
           "delivered_on": "2024-06-01", "status_since": "2024-06-01"},
          {"id": "1-103", "building_id": "B1", "floor": 1, "number": "103", "kind": "residential",
           "gross_area": "65.80", "status": "unsold"}],
        "meters": [
          {"id": "W-101", "unit_id": "1-101", "kind": "water", "readings": [
            {"date": "2026-06-30", "value": "100"}, {"date": "2026-07-31", "value": "112"},
            {"date": "2026-08-31", "value": "121"}, {"date": "2026-09-30", "value": "130"}]},
          {"id": "W-102", "unit_id": "1-102", "kind": "water", "readings": [
            {"date": "2026-06-30", "value": "200"}, {"date": "2026-07-31", "value": "215"},
            {"date": "2026-08-31", "value": "230"}, {"date": "2026-09-30", "value": "245"}]},
          {"id": "E-101", "unit_id": "1-101", "kind": "electricity", "readings": [
            {"date": "2026-09-30", "value": "3000"}, {"date": "2026-10-31", "value": "3200"}]},
          {"id": "E-102", "unit_id": "1-102", "kind": "electricity", "readings": [
            {"date": "2026-09-30", "value": "99950"}, {"date": "2026-10-31", "value": "99990"}]},
          {"id": "W-MASTER", "kind": "water", "readings": [
            {"date": "2026-08-31", "value": "5000"}, {"date": "2026-09-30", "value": "5100"}]}]}"#,
    )
    .expect("valid estate")
}

fn schedule() -> FeeSchedule {
    FeeSchedule::from_json(
        r#"{"format_version": 2, "items": [
          {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
           "rule": {"metered": {"meter_kind": "water",
                                "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "5.83"}]}}},
          {"code": "electricity", "name_zh": "电费", "name_en": "Electricity", "effective_from": "2020-01-01",
           "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"price": "0.56"}]}}}]}"#,
    )
    .expect("valid schedule")
}

fn estimating(n: u32) -> BillingInputs {
    BillingInputs {
        estimate: Some(n),
        ..BillingInputs::default()
    }
}

fn bill(estate: &Estate, year: i32, month: u32, inputs: &BillingInputs) -> BillingRun {
    bill_estate(
        estate,
        &schedule(),
        BillingPeriod::month(year, month).unwrap(),
        inputs,
    )
    .expect("run")
}

fn reading(meter: &str, date: &str, value: &str) -> ReadingUpdate {
    ReadingUpdate {
        meter_id: meter.into(),
        date: d(date),
        value: dec(value),
        estimated: false,
    }
}

/// `(item, amount, estimated, consumption)` of each line of a unit's bill.
fn lines(run: &BillingRun, unit: &str) -> Vec<(String, String, bool, String)> {
    run.bill(unit)
        .expect("billed")
        .lines
        .iter()
        .map(|l| {
            let used = match &l.explanation {
                Explanation::Metered(m) => m.consumption.to_string(),
                _ => String::new(),
            };
            (
                l.item_code.to_string(),
                l.amount.to_string(),
                l.estimated,
                used,
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, bool, &str)]) -> Vec<(String, String, bool, String)> {
    rows.iter()
        .map(|(a, b, c, e)| (a.to_string(), b.to_string(), *c, e.to_string()))
        .collect()
}

/// October: the water meters were not read, so they are estimated from their last
/// three periods. November: the real readings true the estimates up (one of them
/// down: a credit), a replacement and a rollover recorded in the estate apply.
#[test]
fn two_months_with_an_estimate_trued_up() {
    let estate0 = estate();

    // October: W-101 used 30 m³ in the 92 days from June 30 to September 30; the
    // 31 days since September 30 are estimated at 30 × 31/92 = 10.11 → 10 (the
    // readings are whole numbers): 140. W-102: 45 × 31/92 = 15.16 → 15: 260.
    let oct = bill(&estate0, 2026, 10, &estimating(3));
    assert!(oct.exceptions.is_empty(), "{:?}", oct.exceptions);
    assert_eq!(
        lines(&oct, "1-101"),
        owned(&[
            ("water", "34.50", true, "10"),
            ("electricity", "112.00", false, "200")
        ])
    );
    assert_eq!(
        lines(&oct, "1-102"),
        owned(&[
            ("water", "51.75", true, "15"),
            ("electricity", "22.40", false, "40")
        ])
    );
    assert_eq!(oct.bill("1-101").unwrap().total.to_string(), "146.50");
    assert_eq!(oct.bill("1-102").unwrap().total.to_string(), "74.15");
    let water = &oct.bill("1-101").unwrap().lines[0];
    assert_eq!(
        water.explain(Lang::En),
        "water meter W-101: (140 est. − 130) × 1 = 10 (estimated from the last 3 periods: 30 × 31/92 days); 10 × 3.45 = 34.50"
    );
    assert_eq!(
        water.explain(Lang::ZhCn),
        "水表 W-101：(140估 − 130) × 1 = 10（估抄：前 3 期用量 30 × 31/92 天）；10 × 3.45 = 34.50"
    );
    assert_eq!(
        oct.estimated_readings,
        vec![
            ReadingUpdate {
                estimated: true,
                ..reading("W-101", "2026-10-31", "140")
            },
            ReadingUpdate {
                estimated: true,
                ..reading("W-102", "2026-10-31", "260")
            },
        ]
    );
    let json = serde_json::to_value(&oct).unwrap();
    assert_eq!(json["estimated_readings"][0]["estimated"], true);
    assert_eq!(json["bills"][0]["lines"][0]["estimated"], true);
    assert!(json["bills"][0]["lines"][1].get("estimated").is_none());

    // The caller stores the estimates, and 1-102 is let from November 1.
    let status = StatusUpdate {
        unit_id: "1-102".into(),
        status: UnitStatus::Rented,
        since: d("2026-11-01"),
        occupants: None,
    };
    let stored = EstateUpdate {
        readings: oct.estimated_readings.clone(),
        status_changes: vec![status],
        ..EstateUpdate::default()
    };
    let estate1 = estate0.updated(&stored).expect("estimates stored");
    assert_eq!(estate0, estate()); // untouched
    assert_eq!(estate1.updated(&stored).unwrap(), estate1); // idempotent
    let w101 = estate1.meter("W-101").unwrap();
    assert_eq!((w101.readings.len(), w101.readings[4].estimated), (5, true));
    let unit = estate1.unit("1-102").unwrap();
    assert_eq!(
        (unit.status, unit.status_since, unit.occupants),
        (UnitStatus::Rented, Some(d("2026-11-01")), 3)
    );
    // Billing October again on the stored estimate bills the same, still estimated.
    let again = bill(&estate1, 2026, 10, &BillingInputs::default());
    assert_eq!(lines(&again, "1-101"), lines(&oct, "1-101"));
    assert_eq!(
        again.bill("1-101").unwrap().lines[0].explain(Lang::En),
        "water meter W-101: (140 est. − 130) × 1 = 10 (estimated); 10 × 3.45 = 34.50"
    );
    assert!(again.estimated_readings.is_empty());

    // November's readings, in any order, with E-101 replaced on November 15 and
    // E-102's register rolled over on November 20.
    let november = EstateUpdate {
        readings: vec![
            reading("E-102", "2026-11-30", "70"),
            reading("W-102", "2026-11-30", "258"),
            reading("E-101", "2026-11-30", "120"),
            reading("W-101", "2026-11-30", "147"),
        ],
        meter_changes: vec![
            MeterChangeUpdate {
                meter_id: "E-102".into(),
                date: d("2026-11-20"),
                change: MeterChange::Rollover {
                    wraps_at: dec("100000"),
                },
            },
            MeterChangeUpdate {
                meter_id: "E-101".into(),
                date: d("2026-11-15"),
                change: MeterChange::Replacement {
                    old_final: dec("3290"),
                    new_initial: dec("0"),
                },
            },
        ],
        ..EstateUpdate::default()
    };
    let estate2 = estate1.updated(&november).expect("november");
    assert_eq!(estate2.updated(&november).unwrap(), estate2); // idempotent
    assert_eq!(
        estate2.meter("E-101").unwrap().changes,
        vec![MeterEvent {
            date: d("2026-11-15"),
            change: MeterChange::Replacement {
                old_final: dec("3290"),
                new_initial: dec("0")
            }
        }]
    );

    // W-101: 147 − 140 = 7 → 24.15; W-102: 258 − 260 = −2, a credit of 2 × 3.45;
    // E-101: (3290 − 3200) + (120 − 0) = 210 → 117.60; E-102: (100000 − 99990) + 70
    // = 80 → 44.80.
    let nov = bill(&estate2, 2026, 11, &estimating(3));
    assert!(nov.exceptions.is_empty(), "{:?}", nov.exceptions);
    assert!(nov.estimated_readings.is_empty());
    assert_eq!(
        lines(&nov, "1-101"),
        owned(&[
            ("water", "24.15", false, "7"),
            ("electricity", "117.60", false, "210")
        ])
    );
    assert_eq!(
        lines(&nov, "1-102"),
        owned(&[
            ("water", "-6.90", false, "-2"),
            ("electricity", "44.80", false, "80")
        ])
    );
    assert_eq!(nov.bill("1-101").unwrap().total.to_string(), "141.75");
    assert_eq!(nov.bill("1-102").unwrap().total.to_string(), "37.90");
    let credit = &nov.bill("1-102").unwrap().lines[0];
    assert_eq!(
        credit.explain(Lang::En),
        "water meter W-102: (258 − 260 est.) × 1 = -2 (trues up the estimate); -2 × 3.45 = -6.90"
    );
    assert_eq!(
        credit.explain(Lang::ZhCn),
        "水表 W-102：(258 − 260估) × 1 = -2（实抄冲正估抄）；-2 × 3.45 = -6.90"
    );
    assert_eq!(
        nov.bill("1-101").unwrap().lines[1].explain(Lang::En),
        "electricity meter E-101: ((3290 − 3200) + (120 − 0)) × 1 = 210 (meter replaced); 210 × 0.56 = 117.60"
    );
    // Over both months each water meter is billed its real consumption, all in the
    // first tier: W-101 147 − 130 = 17 m³, W-102 258 − 245 = 13 m³, at 3.45.
    let water = |run: &BillingRun, unit: &str| run.bill(unit).unwrap().lines[0].amount;
    assert_eq!(
        water(&oct, "1-101") + water(&nov, "1-101"),
        dec("17") * dec("3.45")
    );
    assert_eq!(
        water(&oct, "1-102") + water(&nov, "1-102"),
        dec("13") * dec("3.45")
    );

    // Posted, the credit is listed rather than refused or lost; the rest posts.
    let mut book = Receivables::new(&estate2, &schedule(), PaymentOrder::PenaltyFirst);
    let res = book.post(&nov, None, None).unwrap();
    let credits: Vec<(&str, &str, String)> = res
        .credits
        .iter()
        .map(|c| {
            (
                c.unit_id.as_str(),
                c.charge_id.as_str(),
                c.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        credits,
        [("1-102", "2026-11-01/water", "-6.90".to_string())]
    );
    let lines_posted: usize = nov.bills().iter().map(|b| b.lines.len()).sum::<usize>() - 1;
    assert_eq!((res.posted, res.conflicts.len()), (lines_posted, 0));
    assert_eq!(book.post(&nov, None, None).unwrap().credits.len(), 1);

    // The estate with its changes and estimates survives JSON and tables.
    let json = estate2.to_json();
    assert!(json.contains("\"changes\"") && json.contains("\"estimated\": true"));
    assert_eq!(Estate::from_json(&json).unwrap(), estate2);
    let tables = EstateTables::of_estate(&estate2);
    assert_eq!(tables.meter_changes.len(), 2);
    assert_eq!(tables.meter_changes[0]["kind"], "replacement");
    // The update kept the status 1-102 left (occupied since 2024-06-01) in the
    // estate's status history; the tables do not carry a history (yet), so their
    // estate is the same without it.
    let mut data = estatekit::estate::EstateData::from(estate2.clone());
    assert_eq!(
        serde_json::to_string(&data.status_history).unwrap(),
        r#"[{"unit_id":"1-102","status":"occupied","since":"2024-06-01"}]"#
    );
    data.status_history.clear();
    assert_eq!(tables.import().unwrap().estate, Estate::new(data).unwrap());
}

#[test]
fn documents_without_changes_or_estimates_are_unchanged() {
    let demo = Estate::demo();
    let json = demo.to_json();
    assert!(!json.contains("\"changes\"") && !json.contains("\"estimated\""));
    assert_eq!(Estate::from_json(&json).unwrap().to_json(), json);
    let run = bill(&estate(), 2026, 10, &BillingInputs::default());
    let text = serde_json::to_string(&run).unwrap();
    assert!(!text.contains("estimated"));
}

#[test]
fn a_different_value_on_an_existing_day_is_refused() {
    let estate1 = estate()
        .updated(&EstateUpdate {
            readings: vec![ReadingUpdate {
                estimated: true,
                ..reading("W-101", "2026-10-31", "140")
            }],
            ..EstateUpdate::default()
        })
        .unwrap();
    for (update, path, message) in [
        (
            vec![reading("W-101", "2026-09-30", "131")],
            "readings[0].value",
            "readings[0].value: meter \"W-101\" already has a reading of 130 on 2026-09-30, not 131: a reading is never overwritten",
        ),
        (
            vec![reading("W-101", "2026-10-31", "139")],
            "readings[0].value",
            "readings[0].value: meter \"W-101\" already has an estimated reading of 140 on 2026-10-31, not 139: a reading is never overwritten",
        ),
        (
            vec![
                reading("W-102", "2026-11-30", "250"),
                reading("W-102", "2026-11-30", "251"),
            ],
            "readings[1].value",
            "readings[1].value: readings[0] gives 250, not 251: a reading is never overwritten",
        ),
    ] {
        let err = estate1
            .updated(&EstateUpdate {
                readings: update,
                ..EstateUpdate::default()
            })
            .unwrap_err();
        assert_eq!(
            (err.code(), err.path(), err.to_string().as_str()),
            ("conflicting_update", path, message)
        );
    }
    // The same value is already there: an estimate that proves exact becomes real.
    let real = estate1
        .updated(&EstateUpdate {
            readings: vec![reading("W-101", "2026-10-31", "140.0")],
            ..EstateUpdate::default()
        })
        .unwrap();
    let last = real
        .meter("W-101")
        .unwrap()
        .readings
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last.value.to_string(), last.estimated),
        ("140".into(), false)
    );
    // … and an estimate never makes a real reading estimated.
    let est = ReadingUpdate {
        estimated: true,
        ..reading("W-101", "2026-10-31", "140")
    };
    let still = real
        .updated(&EstateUpdate {
            readings: vec![est],
            ..EstateUpdate::default()
        })
        .unwrap();
    assert_eq!(still, real);
}

#[test]
fn update_errors_name_the_row() {
    let e = estate();
    let cases: Vec<(EstateUpdate, &str, &str)> = vec![
        (
            EstateUpdate {
                readings: vec![
                    reading("W-101", "2026-10-31", "140"),
                    reading("W-999", "2026-10-31", "1"),
                ],
                ..EstateUpdate::default()
            },
            "unknown_meter",
            "readings[1].meter_id",
        ),
        (
            EstateUpdate {
                readings: vec![reading("W-101", "2026-10-31", "-1")],
                ..EstateUpdate::default()
            },
            "negative_reading",
            "readings[0].value",
        ),
        (
            EstateUpdate {
                status_changes: vec![StatusUpdate {
                    unit_id: "9-999".into(),
                    status: UnitStatus::Occupied,
                    since: d("2026-11-01"),
                    occupants: None,
                }],
                ..EstateUpdate::default()
            },
            "unknown_unit",
            "status_changes[0].unit_id",
        ),
        (
            EstateUpdate {
                status_changes: vec![StatusUpdate {
                    unit_id: "1-101".into(),
                    status: UnitStatus::Rented,
                    since: d("2024-05-01"),
                    occupants: None,
                }],
                ..EstateUpdate::default()
            },
            "ends_before_starts",
            "status_changes[0].since",
        ),
        (
            EstateUpdate {
                status_changes: vec![StatusUpdate {
                    unit_id: "1-101".into(),
                    status: UnitStatus::Unsold,
                    since: d("2026-11-01"),
                    occupants: None,
                }],
                ..EstateUpdate::default()
            },
            "invalid_transition",
            "status_changes[0].status",
        ),
        (
            // A vacant unit has no occupants.
            EstateUpdate {
                status_changes: vec![StatusUpdate {
                    unit_id: "1-101".into(),
                    status: UnitStatus::Delivered,
                    since: d("2026-11-01"),
                    occupants: Some(2),
                }],
                ..EstateUpdate::default()
            },
            "conflicting_fields",
            "status_changes[0].occupants",
        ),
        (
            // The old meter's final reading is below its last reading (3200).
            EstateUpdate {
                meter_changes: vec![MeterChangeUpdate {
                    meter_id: "E-101".into(),
                    date: d("2026-11-15"),
                    change: MeterChange::Replacement {
                        old_final: dec("3100"),
                        new_initial: dec("0"),
                    },
                }],
                ..EstateUpdate::default()
            },
            "inconsistent_readings",
            "meter_changes[0].change.replacement.old_final",
        ),
        (
            EstateUpdate {
                meter_changes: vec![
                    MeterChangeUpdate {
                        meter_id: "E-101".into(),
                        date: d("2026-11-15"),
                        change: MeterChange::Rollover {
                            wraps_at: dec("100000"),
                        },
                    },
                    MeterChangeUpdate {
                        meter_id: "E-101".into(),
                        date: d("2026-11-15"),
                        change: MeterChange::Rollover {
                            wraps_at: dec("10000"),
                        },
                    },
                ],
                ..EstateUpdate::default()
            },
            "conflicting_update",
            "meter_changes[1].change",
        ),
    ];
    for (update, code, path) in cases {
        let err = e.updated(&update).unwrap_err();
        assert_eq!((err.code(), err.path()), (code, path), "{err}");
    }
    assert_eq!(e, estate());

    // A new reading that contradicts a replacement already recorded names the reading.
    let replaced = e
        .updated(&EstateUpdate {
            meter_changes: vec![MeterChangeUpdate {
                meter_id: "E-101".into(),
                date: d("2026-11-15"),
                change: MeterChange::Replacement {
                    old_final: dec("3290"),
                    new_initial: dec("0"),
                },
            }],
            ..EstateUpdate::default()
        })
        .unwrap();
    let err = replaced
        .updated(&EstateUpdate {
            readings: vec![
                reading("E-102", "2026-11-30", "10"),
                reading("E-101", "2026-11-10", "3300"),
            ],
            ..EstateUpdate::default()
        })
        .unwrap_err();
    assert_eq!(err.path(), "readings[1].value");
    assert_eq!(
        err.to_string(),
        "readings[1].value: the old meter's final reading 3290 is below its reading of 3300 on 2026-11-10"
    );
}

#[test]
fn status_changes_apply_in_date_order_and_once() {
    let update = EstateUpdate {
        status_changes: vec![
            StatusUpdate {
                unit_id: "1-103".into(),
                status: UnitStatus::Occupied,
                since: d("2026-11-20"),
                occupants: Some(4),
            },
            StatusUpdate {
                unit_id: "1-103".into(),
                status: UnitStatus::Delivered,
                since: d("2026-11-05"),
                occupants: None,
            },
        ],
        ..EstateUpdate::default()
    };
    let next = estate().updated(&update).unwrap();
    let unit = next.unit("1-103").unwrap();
    // Handed over on the first change's day; the latest change stands.
    assert_eq!(
        (
            unit.delivered_on,
            unit.status,
            unit.status_since,
            unit.occupants
        ),
        (
            Some(d("2026-11-05")),
            UnitStatus::Occupied,
            Some(d("2026-11-20")),
            4
        )
    );
    assert_eq!(next.updated(&update).unwrap(), next);
    // Another status on the day of the current one is a conflict.
    let err = next
        .updated(&EstateUpdate {
            status_changes: vec![StatusUpdate {
                unit_id: "1-103".into(),
                status: UnitStatus::Rented,
                since: d("2026-11-20"),
                occupants: None,
            }],
            ..EstateUpdate::default()
        })
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("conflicting_update", "status_changes[0].status")
    );
}

#[test]
fn a_change_recorded_and_given_again_is_refused() {
    let replaced = estate()
        .updated(&EstateUpdate {
            readings: vec![reading("E-101", "2026-11-30", "120")],
            meter_changes: vec![MeterChangeUpdate {
                meter_id: "E-101".into(),
                date: d("2026-11-15"),
                change: MeterChange::Replacement {
                    old_final: dec("3290"),
                    new_initial: dec("0"),
                },
            }],
            ..EstateUpdate::default()
        })
        .unwrap();
    let inputs = BillingInputs {
        meter_changes: vec![MeterChangeInput {
            meter_id: "E-101".into(),
            change: MeterChange::Replacement {
                old_final: dec("3290"),
                new_initial: dec("0"),
            },
        }],
        readings: vec![
            estatekit::fees::billing::ReadingInput {
                meter_id: "W-101".into(),
                date: d("2026-11-30"),
                value: dec("150"),
            },
            estatekit::fees::billing::ReadingInput {
                meter_id: "W-102".into(),
                date: d("2026-11-30"),
                value: dec("260"),
            },
            estatekit::fees::billing::ReadingInput {
                meter_id: "E-102".into(),
                date: d("2026-11-30"),
                value: dec("99999"),
            },
        ],
        ..BillingInputs::default()
    };
    let err = bill_estate(
        &replaced,
        &schedule(),
        BillingPeriod::month(2026, 11).unwrap(),
        &inputs,
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("inconsistent_readings", "meter_changes[0]")
    );
    assert!(
        err.to_string().contains("a change is applied once"),
        "{err}"
    );
    // Without the input the stored change applies, once.
    let run = bill(
        &replaced,
        2026,
        11,
        &BillingInputs {
            meter_changes: vec![],
            ..inputs.clone()
        },
    );
    assert!(run.exceptions.is_empty(), "{:?}", run.exceptions);
    assert_eq!(lines(&run, "1-101")[1].1, "117.60");
    // The undated input change still works for a meter without a recorded one.
    let mut rolled = BillingInputs {
        meter_changes: vec![MeterChangeInput {
            meter_id: "E-102".into(),
            change: MeterChange::Rollover {
                wraps_at: dec("100000"),
            },
        }],
        ..inputs
    };
    rolled.readings[2].value = dec("5");
    let run = bill(&replaced, 2026, 11, &rolled);
    assert_eq!(lines(&run, "1-102")[1].1, "8.40"); // (100000 − 99990 + 5) × 0.56
}

#[test]
fn a_reading_below_a_real_previous_one_is_still_refused() {
    // Below an estimate: a true-up. Below a real reading: an exception, as before.
    let e = estate()
        .updated(&EstateUpdate {
            readings: vec![reading("E-101", "2026-11-30", "3100")],
            ..EstateUpdate::default()
        })
        .unwrap();
    let run = bill(&e, 2026, 11, &estimating(3));
    let codes: Vec<(&str, &str)> = run
        .exceptions
        .iter()
        .map(|x| (x.meter_id.as_deref().unwrap_or(""), x.code()))
        .collect();
    assert!(
        codes.contains(&("E-101", "reading_below_previous")),
        "{codes:?}"
    );
}

#[test]
fn what_cannot_be_estimated_stays_missing() {
    // Five periods asked, three there: the three are used.
    let oct = bill(&estate(), 2026, 10, &estimating(5));
    match &oct.bill("1-101").unwrap().lines[0].explanation {
        Explanation::Metered(m) => {
            let b = m.estimate.expect("estimated");
            assert_eq!(
                (b.periods, b.history_consumption, b.history_days, b.days),
                (3, dec("30"), 92, 31)
            );
        }
        other => panic!("{other:?}"),
    }
    // One period asked: September only (9 in 30 days) × 31 days = 9.3 → 9: 139.
    let oct = bill(&estate(), 2026, 10, &estimating(1));
    assert_eq!(oct.estimated_readings[0].value, dec("139"));

    // Zero periods is not an option.
    let err = bill_estate(
        &estate(),
        &schedule(),
        BillingPeriod::month(2026, 10).unwrap(),
        &estimating(0),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        (
            "out_of_range",
            "estimate: the periods of history must be a whole number from 1, got 0".to_string()
        )
    );

    // Without the option nothing is estimated (today's behaviour).
    let plain = bill(&estate(), 2026, 10, &BillingInputs::default());
    assert_eq!(plain.exceptions.len(), 2);
    assert_eq!(
        plain.exceptions[0].message(),
        "meters[W-101]: meter \"W-101\" has no reading between 2026-10-01 and 2026-10-31"
    );

    // A meter with a single real reading, a master meter, a meter with a change since
    // its last reading: not estimated, each saying why.
    let mut data: EstateData = estate().into();
    data.meters[0].readings.drain(..3);
    data.meters[1].changes.push(MeterEvent {
        date: d("2026-10-10"),
        change: MeterChange::Replacement {
            old_final: dec("250"),
            new_initial: dec("0"),
        },
    });
    let schedule = FeeSchedule::from_json(
        r#"{"format_version": 2, "items": [
          {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
           "rule": {"metered": {"meter_kind": "water", "tiers": [{"price": "3.45"}]}}},
          {"code": "common_water", "name_zh": "公共用水", "name_en": "Common water", "effective_from": "2020-01-01",
           "rule": {"pooled": {"source": {"master_meter": {"meter_id": "W-MASTER", "price": "3.45",
                                                            "subtract_sub_meters": false}},
                               "method": "area"}}}]}"#,
    )
    .unwrap();
    let run = bill_estate(
        &Estate::new(data).unwrap(),
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &estimating(3),
    )
    .unwrap();
    let messages: Vec<String> = run.exceptions.iter().map(|x| x.message()).collect();
    assert_eq!(
        messages,
        [
            "meters[W-MASTER]: meter \"W-MASTER\" has no reading between 2026-10-01 and 2026-10-31 (not estimated: a common or master meter is never estimated)",
            "meters[W-101]: meter \"W-101\" has no reading between 2026-10-01 and 2026-10-31 (not estimated: fewer than two real readings)",
            "meters[W-102]: meter \"W-102\" has no reading between 2026-10-01 and 2026-10-31 (not estimated: a meter change is recorded since its last reading: read the meter)",
        ]
    );
    assert!(run.estimated_readings.is_empty());
}

#[test]
fn meter_changes_are_validated_in_the_estate() {
    let with = |changes: Vec<MeterEvent>| {
        let mut data: EstateData = estate().into();
        data.meters[2].changes = changes;
        Estate::new(data)
    };
    let replacement = |date: &str, old_final: &str| MeterEvent {
        date: d(date),
        change: MeterChange::Replacement {
            old_final: dec(old_final),
            new_initial: dec("0"),
        },
    };
    let roll = |date: &str, wraps_at: &str| MeterEvent {
        date: d(date),
        change: MeterChange::Rollover {
            wraps_at: dec(wraps_at),
        },
    };
    for (changes, path, message) in [
        (
            vec![
                replacement("2026-11-15", "3300"),
                roll("2026-11-10", "10000"),
            ],
            "meters[2].changes[1].date",
            "changes must be in increasing date order: 2026-11-10 follows 2026-11-15",
        ),
        (
            vec![
                replacement("2026-11-15", "3300"),
                roll("2026-11-15", "10000"),
            ],
            "meters[2].changes[1].date",
            "a meter has at most one change a day: a second one on 2026-11-15",
        ),
        (
            vec![replacement("2026-10-15", "2900")],
            "meters[2].changes[0].change.replacement.old_final",
            "the old meter's final reading 2900 is below its reading of 3000 on 2026-09-30",
        ),
        (
            vec![roll("2026-11-15", "3000")],
            "meters[2].changes[0].change.rollover.wraps_at",
            "the register wraps at 3000, but it read 3200 on 2026-10-31",
        ),
        (
            vec![roll("2026-11-15", "0")],
            "meters[2].changes[0].change.rollover.wraps_at",
            "the register must wrap at a value above zero, got 0",
        ),
    ] {
        let err = with(changes).unwrap_err();
        assert_eq!(err.path(), path);
        assert_eq!(err.to_string(), format!("{path}: {message}"));
    }
    assert!(with(vec![replacement("2026-10-15", "3150")]).is_ok());
}

#[test]
fn meter_changes_table() {
    let row = |cells: &[(&str, &str)]| -> Row {
        cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let mut tables = EstateTables::of_estate(&estate());
    tables.meter_changes = vec![
        row(&[
            ("meter_id", "E-101"),
            ("date", "2026/11/15"),
            ("kind", "Replacement"),
            ("old_final", "3,290"),
            ("new_initial", "0"),
        ]),
        row(&[
            ("meter_id", "E-102"),
            ("date", "2026-11-20"),
            ("kind", "rollover"),
            ("wraps_at", "100000"),
        ]),
    ];
    let import = tables.import().unwrap();
    assert_eq!(import.estate.meter("E-101").unwrap().changes.len(), 1);
    let norms: Vec<(String, String, String, String)> = import
        .normalisations
        .iter()
        .map(|n| {
            (
                n.table.clone(),
                n.id.clone().unwrap_or_default(),
                n.column.clone(),
                n.after.clone(),
            )
        })
        .collect();
    assert_eq!(
        norms,
        [
            ("meter_changes", "E-101@2026-11-15", "date", "2026-11-15"),
            ("meter_changes", "E-101@2026-11-15", "kind", "replacement"),
            ("meter_changes", "E-101@2026-11-15", "old_final", "3290"),
        ]
        .map(|(a, b, c, e)| (a.into(), b.into(), c.into(), e.into()))
    );
    assert_eq!(
        EstateTables::of_estate(&import.estate)
            .import()
            .unwrap()
            .estate,
        import.estate
    );

    tables.meter_changes = vec![
        row(&[
            ("meter_id", "E-101"),
            ("date", "2026-11-15"),
            ("kind", "replacement"),
            ("old_final", "3100"),
            ("new_initial", "0"),
        ]),
        row(&[
            ("meter_id", "E-102"),
            ("date", "2026-11-20"),
            ("kind", "rollover"),
            ("wraps_at", "100000"),
            ("old_final", "5"),
        ]),
        row(&[
            ("meter_id", "E-999"),
            ("date", "2026-11-20"),
            ("kind", "swap"),
        ]),
    ];
    let err = tables.import().unwrap_err();
    let problems: Vec<(&str, usize, &str)> = err
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.row, p.code.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                "meter_changes[id=E-101@2026-11-15].old_final",
                1,
                "inconsistent_readings"
            ),
            (
                "meter_changes[id=E-102@2026-11-20].old_final",
                2,
                "unexpected_value"
            ),
            (
                "meter_changes[id=E-999@2026-11-20].meter_id",
                3,
                "unknown_meter"
            ),
            (
                "meter_changes[id=E-999@2026-11-20].kind",
                3,
                "invalid_choice"
            ),
        ]
    );
}

#[test]
fn estimated_readings_in_the_readings_table() {
    let e = estate()
        .updated(&EstateUpdate {
            readings: vec![ReadingUpdate {
                estimated: true,
                ..reading("W-101", "2026-10-31", "140")
            }],
            ..EstateUpdate::default()
        })
        .unwrap();
    let t = EstateTables::of_estate(&e);
    let estimated: Vec<&Row> = t
        .readings
        .iter()
        .filter(|r| r.contains_key("estimated"))
        .collect();
    assert_eq!(estimated.len(), 1);
    assert_eq!(estimated[0]["estimated"], "true");
    assert_eq!(t.import().unwrap().estate, e);
}

/// One unit with one water meter, read at the end of these months of 2025.
fn monthly(readings: &[(u32, u64)]) -> Estate {
    let readings: Vec<String> = readings
        .iter()
        .map(|(m, v)| {
            format!(
                r#"{{"date": "{}", "value": "{v}"}}"#,
                BillingPeriod::month(2025, *m).unwrap().end
            )
        })
        .collect();
    Estate::from_json(&format!(
        r#"{{"id": "p", "name": "P", "currency": "CNY",
        "buildings": [{{"id": "B", "name": "B"}}],
        "units": [{{"id": "U", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                   "gross_area": "80", "status": "occupied", "delivered_on": "2024-01-01",
                   "status_since": "2024-01-01"}}],
        "meters": [{{"id": "W", "unit_id": "U", "kind": "water", "readings": [{}]}}]}}"#,
        readings.join(", ")
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever months are missed (and estimated) and whenever the meter is replaced,
    /// the consumption billed month by month adds up to the real consumption between
    /// real readings: each true-up is exact.
    #[test]
    fn estimates_are_trued_up_exactly(
        usage in proptest::collection::vec(0u64..60, 3..11),
        read in proptest::collection::vec(any::<bool>(), 12),
        replaced in proptest::collection::vec(0u8..8, 12),
        periods in 1u32..5,
    ) {
        // January and February are read; then each month's usage is added.
        let mut register = 1000u64;
        let mut estate = monthly(&[(1, 990), (2, register)]);
        let mut billed = Decimal::ZERO;
        let mut real = Decimal::ZERO;
        let mut last_real_billed = Decimal::ZERO;
        for (k, used) in usage.iter().enumerate() {
            let month = k as u32 + 3;
            let period = BillingPeriod::month(2025, month).unwrap();
            // A replacement in a month that is read (a meter is read when it is replaced).
            let is_last = k + 1 == usage.len();
            let reads = read[k] || is_last || replaced[k] == 0;
            let mut update = EstateUpdate::default();
            if replaced[k] == 0 {
                let before = used / 2;
                let new_initial = 7u64;
                update.meter_changes.push(MeterChangeUpdate {
                    meter_id: "W".into(),
                    date: period.start + chrono::Days::new(9),
                    change: MeterChange::Replacement {
                        old_final: Decimal::from(register + before),
                        new_initial: Decimal::from(new_initial),
                    },
                });
                register = new_initial + (used - before);
            } else {
                register += used;
            }
            real += Decimal::from(*used);
            if reads {
                update.readings.push(ReadingUpdate {
                    meter_id: "W".into(),
                    date: period.end,
                    value: Decimal::from(register),
                    estimated: false,
                });
            }
            estate = estate.updated(&update).unwrap();
            let run = bill_estate(&estate, &schedule(), period, &estimating(periods)).unwrap();
            prop_assert!(run.exceptions.is_empty(), "{:?}", run.exceptions);
            let line = run.bill("U").unwrap().lines[0].clone();
            prop_assert_eq!(line.estimated, !reads);
            let Explanation::Metered(m) = &line.explanation else { panic!("metered") };
            billed += m.consumption;
            if reads {
                // Up to a real reading, exactly the real consumption is billed.
                prop_assert_eq!(billed, real);
                last_real_billed = billed;
            }
            estate = estate
                .updated(&EstateUpdate { readings: run.estimated_readings.clone(), ..EstateUpdate::default() })
                .unwrap();
        }
        prop_assert_eq!(last_real_billed, real);
    }
}
