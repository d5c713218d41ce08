//! Bad-input tables: malformed documents and arguments across every module, each
//! expecting a specific typed error (code and field path), and checks that a failed
//! operation changes nothing. The document table `data/bad_inputs.tsv` is shared with
//! the Python and Kotlin tests, which must report the same code and path.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
use estatekit::estate::Estate;
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, ReadingInput, bill_estate,
};
use estatekit::fees::calc::{DayCount, PenaltyPolicy, late_penalty, prorate};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::pooled::{Basis, BasisWeight, PoolField, PoolUnit, SplitMethod, split};
use estatekit::fees::receivables::Receivables;
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::{RoundingPolicy, allocate};
use estatekit::tables::{EstateTables, Row};
use estatekit::tickets::{
    BusinessCalendar, RuleSet, SlaPolicy, TicketClassifier, TicketFlow, TicketModel, TrainOptions,
};
use rust_decimal::Decimal;

const TABLE: &str = include_str!("data/bad_inputs.tsv");

/// One row of the shared table.
struct Case<'a> {
    kind: &'a str,
    code: &'a str,
    path: &'a str,
    what: &'a str,
    input: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            assert_eq!(f.len(), 5, "bad table line {l:?}");
            Case {
                kind: f[0],
                code: f[1],
                path: f[2],
                what: f[3],
                input: f[4],
            }
        })
        .collect()
}

/// The (code, path) of the error a document of `kind` fails with, or `None` if it is
/// accepted.
fn outcome(kind: &str, input: &str) -> Option<(String, String)> {
    fn err<T, E>(r: Result<T, E>, f: impl Fn(&E) -> (String, String)) -> Option<(String, String)> {
        r.err().map(|e| f(&e))
    }
    match kind {
        "estate" => err(Estate::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "schedule" => err(FeeSchedule::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "template" => err(CheckinTemplate::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "checklist" => err(
            Checklist::from_json(input, &CheckinTemplate::default_template()),
            |e| (e.code().into(), e.path().into()),
        ),
        "rules" => err(
            RuleSet::from_json(input).and_then(TicketClassifier::with_rules),
            |e| (e.code().into(), e.path()),
        ),
        "ledger" => err(Ledger::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "flow" => err(TicketFlow::from_json(input), |e| {
            (e.code().into(), e.path())
        }),
        "sla" => err(SlaPolicy::from_json(input), |e| (e.code().into(), e.path())),
        "run" => err(BillingRun::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "registry" => err(estatekit::registry::Registry::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "decoration_policy" => err(
            estatekit::decoration::DecorationPolicy::from_json(input),
            |e| (e.code().into(), e.path().into()),
        ),
        "decorations" => err(estatekit::decoration::Decorations::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "survey" => err(estatekit::surveys::Survey::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "patrol_book" => err(estatekit::patrols::PatrolBook::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "keys" => err(estatekit::keys::KeyRegister::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        "release" => err(estatekit::release::GoodsRelease::from_json(input), |e| {
            (e.code().into(), e.path().into())
        }),
        // A bank file applied to an empty book of the demo estate: the last rejected
        // row, as `rows[<1-based row>].<field>`.
        "payments" => {
            let mut book = Receivables::new(
                &Estate::demo(),
                &FeeSchedule::demo(),
                PaymentOrder::PenaltyFirst,
            );
            match book.apply_payments_json(input) {
                Err(e) => Some((e.code().into(), e.path().into())),
                Ok(res) => res
                    .rejected
                    .last()
                    .map(|r| (r.code().into(), format!("rows[{}].{}", r.row, r.path()))),
            }
        }
        "charges" | "opening" => {
            let mut book = Receivables::new(
                &Estate::demo(),
                &FeeSchedule::demo(),
                PaymentOrder::PenaltyFirst,
            );
            let res = if kind == "charges" {
                book.post_charges_json(input)
            } else {
                book.open_balances_json(input)
            };
            match res {
                Err(e) => Some((e.code().into(), e.path().into())),
                Ok(res) => res
                    .rejected
                    .last()
                    .map(|r| (r.code().into(), format!("rows[{}].{}", r.row, r.path()))),
            }
        }
        "book" => err(
            Receivables::from_json(input, &Estate::demo(), &FeeSchedule::demo()),
            |e| (e.code().into(), e.path().into()),
        ),
        // Rows of text cells (a bank file, a spreadsheet) given as a JSON array of
        // objects with string values, fed to the records importers of an empty book
        // of the demo estate: the last rejected row, as for "payments".
        "payment_records" | "charge_records" | "opening_records" => {
            let rows: Vec<Row> =
                serde_json::from_str(input).expect("a table row is a JSON object of strings");
            let mut book = Receivables::new(
                &Estate::demo(),
                &FeeSchedule::demo(),
                PaymentOrder::PenaltyFirst,
            );
            let rejected = match kind {
                "payment_records" => book.apply_payment_records(&rows, &[]).rejected,
                "charge_records" => book.post_charge_records(&rows, &[]).rejected,
                _ => book.open_balance_records(&rows, &[]).rejected,
            };
            rejected
                .last()
                .map(|r| (r.code().into(), format!("rows[{}].{}", r.row, r.path())))
        }
        // The month's pooled invoices as rows of strings: the first problem.
        "pooled_records" => {
            let rows: Vec<Row> = serde_json::from_str(input).expect("rows of strings");
            err(estatekit::records::pooled_amounts(&rows, &[]), |e| {
                (e.problems[0].code.clone(), e.problems[0].path.clone())
            })
        }
        // Estate tables as a JSON object of tables (buildings, units, meters, readings)
        // of string cells: the first problem.
        "estate_tables" => {
            let mut tables: std::collections::BTreeMap<String, Vec<Row>> =
                serde_json::from_str(input).expect("estate tables are a JSON object of tables");
            let mut t = EstateTables::new("e1", "Test");
            let mut take = |name: &str| tables.remove(name).unwrap_or_default();
            t.buildings = take("buildings");
            t.units = take("units");
            t.meters = take("meters");
            t.readings = take("readings");
            err(t.import(), |e| {
                (e.problems[0].code.clone(), e.problems[0].path.clone())
            })
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn shared_document_table() {
    let cases = cases();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let got = outcome(c.kind, c.input);
        let want = Some((c.code.to_owned(), c.path.to_owned()));
        if got != want {
            failures.push(format!(
                "{} ({}): want {want:?}, got {got:?}",
                c.kind, c.what
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

type Outcome = Result<(), (String, String)>;

fn fee<T>(r: Result<T, estatekit::fees::FeeError>) -> Outcome {
    r.map(|_| ())
        .map_err(|e| (e.code().to_owned(), e.path().to_owned()))
}

fn money<T>(r: Result<T, estatekit::money::MoneyError>) -> Outcome {
    r.map(|_| ()).map_err(|e| (e.code().to_owned(), e.path()))
}

/// Argument-level cases: functions called with values no document carries.
#[test]
fn argument_table() {
    let p = RoundingPolicy::default();
    let estate = Estate::demo();
    let schedule = FeeSchedule::demo();
    let oct = BillingPeriod::month(2026, 10).unwrap();
    let pooled = || BillingInputs::default().with_pooled("common_electricity", dec("3943.20"));
    let tickets = |r: Result<(), estatekit::tickets::TicketError>| -> Outcome {
        r.map_err(|e| (e.code().to_owned(), e.path()))
    };
    let table: Vec<(&str, Outcome, &str, &str)> = vec![
        (
            "allocate: no weights",
            money(allocate(dec("1"), &[], &p)),
            "empty_weights",
            "weights",
        ),
        (
            "allocate: negative weight",
            money(allocate(dec("1"), &[dec("1"), dec("-2")], &p)),
            "negative_weight",
            "weights[1]",
        ),
        (
            "allocate: all-zero weights",
            money(allocate(dec("1"), &[Decimal::ZERO], &p)),
            "all_zero_weights",
            "weights",
        ),
        (
            "rounding: scale 40",
            money(RoundingPolicy::new(40, Default::default())),
            "invalid_scale",
            "scale",
        ),
        (
            "split: negative area",
            fee(split(
                dec("1"),
                &[PoolUnit::new("A", dec("-1"))],
                &SplitMethod::Area,
                &p,
            )),
            "negative",
            "units[0].area",
        ),
        (
            "split: usage with no usage",
            fee(split(
                dec("1"),
                &[PoolUnit::new("A", dec("1"))],
                &SplitMethod::Usage,
                &p,
            )),
            "all_zero_weights",
            "weights",
        ),
        (
            "split: empty hybrid",
            fee(split(
                dec("1"),
                &[PoolUnit::new("A", dec("1"))],
                &SplitMethod::Hybrid(vec![]),
                &p,
            )),
            "missing_value",
            "weights",
        ),
        (
            "split: total finer than the rounding scale",
            fee(split(
                dec("100.005"),
                &[PoolUnit::new("A", dec("1"))],
                &SplitMethod::Area,
                &p,
            )),
            "too_many_decimals",
            "total",
        ),
        (
            "split: hybrid weights summing to 0.8",
            fee(split(
                dec("1"),
                &[PoolUnit::new("A", dec("1"))],
                &SplitMethod::Hybrid(vec![
                    BasisWeight {
                        basis: Basis::Area,
                        weight: dec("0.5"),
                    },
                    BasisWeight {
                        basis: Basis::Occupants,
                        weight: dec("0.3"),
                    },
                ]),
                &p,
            )),
            "weights_sum",
            "weights",
        ),
        (
            "split: unknown unit field",
            fee(PoolField::of_unit(1, Some("B"), "occupant")),
            "unknown_value",
            "units[1].occupant",
        ),
        (
            "billing: month 13",
            fee(BillingPeriod::month(2026, 13)),
            "out_of_range",
            "month",
        ),
        (
            "billing: month 0",
            fee(BillingPeriod::month(2026, 0)),
            "out_of_range",
            "month",
        ),
        (
            "billing: no pooled amount",
            fee(bill_estate(
                &estate,
                &schedule,
                oct,
                &BillingInputs::default(),
            )),
            "missing_pooled_amount",
            "pooled[common_electricity]",
        ),
        (
            "billing: pooled amount of an unknown item",
            fee(bill_estate(
                &estate,
                &schedule,
                oct,
                &pooled().with_pooled("nope", dec("1")),
            )),
            "unknown_reference",
            "pooled[1].code",
        ),
        (
            "billing (strict): reading of an unknown meter",
            fee(bill_estate(&estate, &schedule, oct, &{
                let mut i = pooled();
                i.strict = true;
                i.readings.push(ReadingInput {
                    meter_id: "nope".into(),
                    date: d("2026-10-31"),
                    value: dec("1"),
                });
                i
            })),
            "unknown_reference",
            "readings[0].meter_id",
        ),
        (
            "billing (strict): negative reading",
            fee(bill_estate(&estate, &schedule, oct, &{
                let mut i = pooled();
                i.strict = true;
                i.readings.push(ReadingInput {
                    meter_id: estate.meters()[0].id.clone(),
                    date: d("2026-10-31"),
                    value: dec("-1"),
                });
                i
            })),
            "negative",
            "readings[0].value",
        ),
        (
            "prorate: service ends before it starts",
            fee(prorate(
                dec("100"),
                d("2026-10-01"),
                d("2026-10-31"),
                d("2026-10-20"),
                d("2026-10-10"),
                DayCount::Actual,
                &p,
            )),
            "ends_before_starts",
            "service_end",
        ),
        (
            "penalty: negative principal",
            fee(late_penalty(
                dec("-1"),
                d("2026-10-01"),
                d("2026-10-31"),
                &PenaltyPolicy::daily(dec("0.001")),
                &p,
            )),
            "negative",
            "principal",
        ),
        (
            "penalty: negative rate",
            fee(late_penalty(
                dec("1"),
                d("2026-10-01"),
                d("2026-10-31"),
                &PenaltyPolicy::daily(dec("-0.001")),
                &p,
            )),
            "negative",
            "daily_rate",
        ),
        (
            "train: no texts",
            tickets(
                TicketModel::train::<&str, &str>(&[], &[], 0, &TrainOptions::default()).map(|_| ()),
            ),
            "empty_training_set",
            "texts",
        ),
        (
            "train: one class",
            tickets(
                TicketModel::train(&["a", "b"], &["x", "x"], 0, &TrainOptions::default())
                    .map(|_| ()),
            ),
            "single_class",
            "labels",
        ),
        (
            "train: lengths differ",
            tickets(
                TicketModel::train(&["a"], &["x", "y"], 0, &TrainOptions::default()).map(|_| ()),
            ),
            "length_mismatch",
            "labels",
        ),
        (
            "train: option NaN",
            tickets(TrainOptions::default().set("c", f64::NAN)),
            "invalid_option",
            "c",
        ),
        (
            "train: unknown option",
            tickets(TrainOptions::default().set("temperature", 1.0)),
            "invalid_option",
            "temperature",
        ),
        (
            "calendar: offset beyond 18 h",
            tickets(BusinessCalendar::weekly("09:00", "18:00", &[0, 1], 20 * 60).map(|_| ())),
            "out_of_range",
            "calendar.utc_offset_minutes",
        ),
        (
            "calendar: no working days",
            tickets(BusinessCalendar::weekly("09:00", "18:00", &[], 0).map(|_| ())),
            "no_working_hours",
            "calendar.hours",
        ),
        (
            "model: not a model",
            tickets(TicketModel::from_json("{}").map(|_| ())),
            "invalid_model",
            "format",
        ),
    ];
    let mut failures = Vec::new();
    for (what, got, code, path) in &table {
        let want = Err((code.to_string(), path.to_string()));
        if *got != want {
            failures.push(format!("{what}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(table.len() >= 20);
}

/// Ledger operations that fail leave the ledger exactly as it was.
#[test]
fn failed_ledger_operations_change_nothing() {
    let mut l = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PenaltyFirst,
    );
    l.add_charge(
        ChargeInput::new("c1", "management", d("2026-09-15"), dec("331.15"))
            .with_penalty(PenaltyPolicy::daily(dec("0.0005"))),
        d("2026-09-01"),
    )
    .unwrap();
    l.pay("R1", dec("100"), d("2026-10-15")).unwrap();
    let before = l.clone();
    let attempts: Vec<(&str, Outcome, &str, &str)> = vec![
        (
            "zero payment",
            fee(l.pay("R2", Decimal::ZERO, d("2026-10-16"))),
            "non_positive_payment",
            "amount",
        ),
        (
            "negative payment",
            fee(l.pay("R2", dec("-5"), d("2026-10-16"))),
            "non_positive_payment",
            "amount",
        ),
        (
            "duplicate payment id",
            fee(l.pay("R1", dec("5"), d("2026-10-16"))),
            "duplicate_id",
            "id",
        ),
        (
            "empty payment id",
            fee(l.pay(" ", dec("5"), d("2026-10-16"))),
            "empty_field",
            "id",
        ),
        (
            "payment beyond the decimal limit",
            fee(l.pay("R3", Decimal::MAX, d("2026-10-16"))),
            "overflow",
            "amount",
        ),
        (
            "payment in tenths of a cent",
            fee(l.pay("R3", dec("0.001"), d("2026-10-16"))),
            "too_many_decimals",
            "amount",
        ),
        (
            "payment in year 10000",
            fee(l.pay(
                "R3",
                dec("1"),
                NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
            )),
            "out_of_range",
            "date",
        ),
        (
            "duplicate charge",
            fee(l.add_charge(
                ChargeInput::new("c1", "x", d("2026-10-15"), dec("1")),
                d("2026-10-01"),
            )),
            "duplicate_id",
            "id",
        ),
        (
            "negative charge",
            fee(l.add_charge(
                ChargeInput::new("c2", "x", d("2026-10-15"), dec("-1")),
                d("2026-10-01"),
            )),
            "negative",
            "amount",
        ),
        (
            "waive more than owed",
            fee(l.waive("c1", Some(dec("1000")), "goodwill", d("2026-10-16"))),
            "out_of_range",
            "amount",
        ),
        (
            "waive without a reason",
            fee(l.waive("c1", None, " ", d("2026-10-16"))),
            "empty_field",
            "reason",
        ),
        (
            "waive an unknown charge",
            fee(l.waive("zz", None, "x", d("2026-10-16"))),
            "unknown_reference",
            "charge_id",
        ),
        (
            "defer backwards",
            fee(l.defer("c1", d("2026-01-01"))),
            "ends_before_starts",
            "new_due",
        ),
    ];
    for (what, got, code, path) in attempts {
        assert_eq!(got, Err((code.to_owned(), path.to_owned())), "{what}");
        assert_eq!(l, before, "{what} changed the ledger");
    }
    // A bill that fails half-way adds none of its lines.
    let run = bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).unwrap(),
        &BillingInputs::default().with_pooled("common_electricity", dec("3943.20")),
    )
    .unwrap();
    let mut bill = run.bill("1-101").unwrap();
    let mut other = Ledger::new(
        "1-101",
        RoundingPolicy::new(0, Default::default()).unwrap(),
        PaymentOrder::PenaltyFirst,
    );
    bill.lines[1].amount = dec("0.5"); // not in minor units of scale 0
    let snapshot = other.clone();
    assert!(
        other
            .add_bill(&bill, &FeeSchedule::demo(), d("2026-10-01"))
            .is_err()
    );
    assert_eq!(other, snapshot, "a failed add_bill added some lines");
}

/// Checklist operations that fail leave the checklist exactly as it was.
#[test]
fn failed_checklist_operations_change_nothing() {
    let t = CheckinTemplate::default_template();
    let mut c = Checklist::start(&t, "1-603", "张三", d("2026-11-02"), Mode::Ordinary).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    c.complete(
        "occupancy_notice_presented",
        "李四",
        Role::Receptionist,
        at,
        ItemData::default(),
        None,
    )
    .unwrap();
    let before = c.clone();
    let estate = Estate::demo();
    let mut cases: Vec<(
        &str,
        Result<(), estatekit::checkin::CheckinError>,
        &str,
        &str,
    )> = vec![
        (
            "second completion",
            c.complete(
                "occupancy_notice_presented",
                "李四",
                Role::Receptionist,
                at,
                ItemData::default(),
                None,
            ),
            "already_completed",
            "item_code",
        ),
        (
            "unknown item",
            c.complete(
                "nope",
                "李四",
                Role::Receptionist,
                at,
                ItemData::default(),
                None,
            ),
            "unknown_item",
            "item_code",
        ),
        (
            "dependencies unmet",
            c.complete(
                "key_handover",
                "李四",
                Role::Receptionist,
                at,
                ItemData::default(),
                None,
            ),
            "dependencies_unmet",
            "item_code",
        ),
        (
            "finish while open",
            c.finish("李四", Role::Receptionist, at),
            "checklist_incomplete",
            "items",
        ),
        (
            "undo an open item",
            c.undo("owner_registration", "李四", Role::Receptionist, at, "x"),
            "not_completed",
            "item_code",
        ),
        (
            "unknown defect",
            c.mark_rectified("D9", "王五", Role::Inspector, at, None),
            "unknown_defect",
            "defect_id",
        ),
        (
            "empty actor",
            c.complete(
                "owner_registration",
                "",
                Role::Receptionist,
                at,
                ItemData::default(),
                Some(&estate),
            ),
            "empty_field",
            "actor",
        ),
    ];
    let role_case = c.complete(
        "owner_registration",
        "李四",
        Role::Inspector,
        at,
        ItemData::default(),
        None,
    );
    cases.push(("role not allowed", role_case, "role_not_allowed", "role"));
    for (what, got, code, path) in cases {
        let got = got.map_err(|e| (e.code().to_owned(), e.path().to_owned()));
        assert_eq!(got, Err((code.to_owned(), path.to_owned())), "{what}");
        assert_eq!(c, before, "{what} changed the checklist");
    }
}

/// Timestamps at the ends of chrono's range give an SLA status, not a panic; a ticket
/// flow read from JSON that carries one is refused (`out_of_range`, years 1–9999 as
/// checklists), and so is an action dated there. A counter the event log does not
/// support (u32::MAX escalations with no escalation) is refused on load.
#[test]
fn extreme_timestamps_and_counters_do_not_panic() {
    let cal = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 840).unwrap();
    let policy = SlaPolicy::default().with_calendar(cal);
    for at in [
        "+262142-12-31T23:00:00Z",
        "-262143-01-01T01:00:00Z",
        "2026-11-06T09:00:00Z",
    ] {
        let json = format!(
            r#"{{"ticket":{{"id":"T1","unit":"1-101","channel":"app","received_at":"{at}","reporter":"r","text":"停电了","kind":"repair_request"}},"category":"repair.electrical","urgency":"normal","department":"engineering","state":"received","receiver":"a","owner":"a","escalations":4294967295,"reopened":0,"satisfied":null,"events":[{{"at":"{at}","actor":"a","action":"receive","from_state":"received","to_state":"received"}}]}}"#
        );
        let err = TicketFlow::from_json(&json).unwrap_err();
        let json = json.replace("4294967295", "0");
        let extreme = !at.starts_with("2026");
        if extreme {
            // Outside years 1–9999: refused first, as a checklist refuses it (issue 19).
            assert_eq!(
                (err.code(), err.path().as_str()),
                ("out_of_range", "ticket.received_at")
            );
            let err = TicketFlow::from_json(&json).unwrap_err();
            assert_eq!(
                (err.code(), err.path().as_str()),
                ("out_of_range", "ticket.received_at")
            );
        } else {
            assert_eq!(
                (err.code(), err.path().as_str()),
                ("inconsistent_document", "escalations")
            );
        }
        // A flow built in Rust with such a receipt (Ticket::new takes any instant):
        // its SLA does not panic, and an action at that instant is refused or applied.
        let t: chrono::DateTime<Utc> = at.parse().unwrap();
        let mut flow = if extreme {
            TicketFlow::new(
                estatekit::tickets::Ticket::new(
                    "T1",
                    "1-101",
                    estatekit::tickets::Channel::App,
                    t,
                    "r",
                    "停电了",
                    estatekit::tickets::TicketKind::RepairRequest,
                ),
                "repair.electrical",
                estatekit::tickets::Urgency::Normal,
                "engineering",
                "a",
            )
        } else {
            TicketFlow::from_json(&json).unwrap()
        };
        let _ = flow.sla(&policy, t);
        let _ = flow.sla(&SlaPolicy::default(), t);
        let escalated = flow.apply(
            estatekit::tickets::Action::Escalate {
                to: "b".into(),
                reason: "x".into(),
            },
            "a",
            t,
        );
        if extreme {
            let err = escalated.unwrap_err();
            assert_eq!((err.code(), err.path().as_str()), ("out_of_range", "at"));
            assert_eq!(flow.escalations(), 0);
        } else {
            escalated.unwrap();
            assert_eq!(flow.escalations(), 1);
        }
    }
}

/// Found by fuzzing: a rule weight written as a 44-digit integer did not survive a
/// JSON round trip (serde_json's default float parsing is not exactly rounded; the
/// workspace enables `float_roundtrip`).
#[test]
fn extreme_rule_weights_round_trip() {
    let text = r#"{"categories": [{"code": "pool", "phrases": {"泳池": 66666666666666666666666666666666666666666665, "swimming pool": 5, "pool party": -2}}], "departments": {"pool": "leisure"}}"#;
    let rules = RuleSet::from_json(text).unwrap();
    assert_eq!(RuleSet::from_json(&rules.to_json()).unwrap(), rules);
}

/// Every JSON loader reads exactly one document: a valid document followed by anything
/// but whitespace (a second document, a stray character, a truncated copy) is refused
/// as a syntax error at `$`, in every module. Found by the check-in fuzz target:
/// the shared parser never checked for the end of input.
#[test]
fn trailing_text_after_a_document_is_refused() {
    let estate = Estate::demo();
    let schedule = FeeSchedule::demo();
    let template = CheckinTemplate::default_template();
    let checklist = Checklist::start(&template, "1-603", "张三", d("2026-11-02"), Mode::Ordinary)
        .unwrap()
        .to_json();
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let ticket = estatekit::tickets::Ticket::new(
        "T1",
        "1-101",
        estatekit::tickets::Channel::App,
        at,
        "张三",
        "停电了",
        estatekit::tickets::TicketKind::RepairRequest,
    );
    let flow = TicketFlow::new(
        ticket,
        "repair.electrical",
        estatekit::tickets::Urgency::Normal,
        "engineering",
        "李四",
    )
    .to_json();
    let book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst).to_json();
    let ledger = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PenaltyFirst,
    )
    .to_json();
    let docs: Vec<(&str, String)> = vec![
        ("estate", estate.to_json()),
        ("schedule", schedule.to_json()),
        ("template", template.to_json()),
        ("checklist", checklist),
        ("rules", RuleSet::builtin_zh().to_json()),
        ("ledger", ledger),
        ("flow", flow),
        ("sla", SlaPolicy::default().to_json()),
        ("payments", "[]".to_owned()),
        ("charges", "[]".to_owned()),
        ("opening", "[]".to_owned()),
        ("book", book),
    ];
    for (kind, doc) in &docs {
        assert_eq!(outcome(kind, doc), None, "{kind}: the valid document");
        assert_eq!(
            outcome(kind, &format!("{doc} \n\t")),
            None,
            "{kind}: trailing whitespace is not text"
        );
        // The code the loader gives any text that is not JSON (`json`, or the module's
        // own code where its errors carry one, e.g. `invalid_rules`).
        let (syntax, path) = outcome(kind, "{").expect("`{` is not a document");
        assert_eq!(path, "$", "{kind}: a syntax error is at the document");
        // Half the document, cut at a character boundary (the rules have Chinese).
        let mut half = doc.len() / 2;
        while !doc.is_char_boundary(half) {
            half -= 1;
        }
        for tail in [" x", "\n{}", "]", &doc[..half]] {
            assert_eq!(
                outcome(kind, &format!("{doc}{tail}")),
                Some((syntax.clone(), "$".to_owned())),
                "{kind}: followed by {tail:?}"
            );
        }
    }
}
