//! Fee engine scenarios: worked examples, the demo estate's October bills, a ledger
//! walk, and a table of bad inputs with exact error codes and paths.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use estatekit::estate::{Estate, EstateData};
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, MeterChangeInput, ReadingInput, bill_estate,
};
use estatekit::fees::calc::{
    DayCount, MeterChange, PenaltyCap, PenaltyPolicy, late_penalty, prorate,
};
use estatekit::fees::ledger::{Ledger, PaymentOrder};
use estatekit::fees::pooled::{PoolUnit, SplitMethod, split};
use estatekit::fees::schedule::{DueRule, FeeSchedule};
use estatekit::i18n::Lang;
use estatekit::money::RoundingPolicy;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn worked_examples_from_public_sources() {
    let p = RoundingPolicy::default();
    // A 100.00 bill split by area 1000 : 500.
    let s = split(
        dec("100.00"),
        &[
            PoolUnit::new("A", dec("1000")),
            PoolUnit::new("B", dec("500")),
        ],
        &SplitMethod::Area,
        &p,
    )
    .unwrap();
    assert_eq!(
        s.shares
            .iter()
            .map(|x| x.amount.to_string())
            .collect::<Vec<_>>(),
        ["66.67", "33.33"]
    );
    // 500.00 overdue 30 days at 0.3 % a day.
    let pen = late_penalty(
        dec("500.00"),
        d("2026-06-01"),
        d("2026-07-01"),
        &PenaltyPolicy::daily(dec("0.003")),
        &p,
    )
    .unwrap();
    assert_eq!(pen.to_string(), "45.00");
    // 100.00 monthly, Oct 20–31 of a 31-day October.
    let pro = prorate(
        dec("100.00"),
        d("2026-10-01"),
        d("2026-10-31"),
        d("2026-10-20"),
        d("2026-10-31"),
        DayCount::Actual,
        &p,
    )
    .unwrap();
    assert_eq!(pro.to_string(), "38.71");
    // 每日万分之五 on 331.15 for 30 days = 4.96725 → 4.97.
    let pen = late_penalty(
        dec("331.15"),
        d("2026-09-15"),
        d("2026-10-15"),
        &PenaltyPolicy::daily(dec("0.0005")),
        &p,
    )
    .unwrap();
    assert_eq!(pen.to_string(), "4.97");
}

fn october() -> estatekit::fees::billing::BillingRun {
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("3943.20"));
    bill_estate(
        &Estate::demo(),
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap()
}

#[test]
fn demo_october_bills() {
    let run = october();
    assert_eq!(run.bill_count(), 34); // every delivered unit
    let b = run.bill("1-101").unwrap();
    let codes: Vec<&str> = b.lines.iter().map(|l| &*l.item_code).collect();
    assert_eq!(
        codes,
        [
            "management",
            "garbage",
            "water",
            "electricity",
            "common_electricity",
            "common_water"
        ]
    );
    assert_eq!(b.lines[0].amount, dec("331.15"));
    assert_eq!(b.lines[1].explain(Lang::En), "10.00 per period = 10.00");
    assert_eq!(b.total, b.lines.iter().map(|l| l.amount).sum::<Decimal>());
    // Delivered but vacant: 70 % of the management fee; no garbage fee.
    let vacant = run.bill("1-102").unwrap();
    assert_eq!(vacant.lines[0].amount, dec("311.58")); // 120.30 × 3.70 × 0.7 = 311.577
    assert_eq!(
        vacant.lines[0].explain(Lang::ZhCn),
        "120.30 m² × 3.70/m²/月 × 1 月 × 70% = 311.58"
    );
    assert!(vacant.lines.iter().all(|l| &*l.item_code != "garbage"));
    // Commercial rate.
    assert_eq!(run.bill("2-S01").unwrap().lines[0].amount, dec("975.00")); // 150 × 6.50
    // Pooled electricity sums exactly to the invoice; common water to master − subs − 10 %.
    let elec = &run.pools[0];
    assert_eq!(
        (
            elec.code.as_str(),
            elec.split_amount,
            elec.shares_total,
            elec.participants
        ),
        ("common_electricity", dec("3943.20"), dec("3943.20"), 34)
    );
    let water = &run.pools[1];
    assert_eq!(water.consumption, Some(dec("126.0")));
    assert_eq!(water.split_amount, dec("391.23")); // 126 × 3.45 × 0.9 = 391.23
    assert_eq!(water.shares_total, water.split_amount);
    let pooled_sum: Decimal = run
        .bills()
        .iter()
        .flat_map(|b| &b.lines)
        .filter(|l| &*l.item_code == "common_water")
        .map(|l| l.amount)
        .sum();
    assert_eq!(pooled_sum, dec("391.23"));
    // Records for pandas.
    let rows = run.to_records();
    assert_eq!(
        rows[0].explanation_zh,
        "89.50 m² × 3.70/m²/月 × 1 月 = 331.15"
    );
}

#[test]
fn mid_month_delivery_is_prorated_from_the_handover_date() {
    let mut data: EstateData = Estate::demo().into();
    data.units[0].delivered_on = Some(d("2026-10-20"));
    data.units[0].status_since = Some(d("2026-10-20"));
    let estate = Estate::new(data).unwrap();
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("100"));
    let run = bill_estate(
        &estate,
        &FeeSchedule::demo(),
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let line = &run.bill("1-101").unwrap().lines[0];
    assert_eq!(line.amount, dec("128.19")); // 331.15 × 12/31 = 128.1871
    assert_eq!(
        line.explain(Lang::En),
        "89.50 m² × 3.70/m²/month × 1 month × 12/31 days = 128.19"
    );
}

#[test]
fn metered_lines_price_tiers_and_honour_recorded_changes() {
    let run = october();
    let water = run
        .bill("1-101")
        .unwrap()
        .lines
        .iter()
        .find(|l| &*l.item_code == "water")
        .unwrap()
        .clone();
    assert!(
        water
            .explain(Lang::En)
            .starts_with("water meter W-1-101: ("),
        "{}",
        water.explain(Lang::En)
    );
    // A reading below the previous one is an error unless a change is recorded.
    let mut inputs = BillingInputs::default();
    inputs.readings.push(ReadingInput {
        meter_id: "E-1-101".into(),
        date: d("2026-11-30"),
        value: dec("5"),
    });
    let nov = BillingPeriod::month(2026, 11).unwrap();
    let schedule = FeeSchedule::demo();
    let estate = Estate::demo();
    // Pooled items are split first: the missing invoice is reported before readings.
    let err = bill_estate(&estate, &schedule, nov, &inputs).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("missing_pooled_amount", "pooled[common_electricity]")
    );
    let mut with_invoice = inputs.clone();
    with_invoice
        .pooled
        .push(estatekit::fees::billing::PooledAmount {
            code: "common_electricity".into(),
            group: None,
            amount: dec("100"),
        });
    with_invoice.strict = true;
    let err = bill_estate(&estate, &schedule, nov, &with_invoice).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("missing_reading", "meters[W-MASTER]")
    ); // the master water meter has no November reading
    // Not strict: the water pool is set aside for everyone, as is every unit whose
    // own meter has no November reading; the other units are billed.
    with_invoice.strict = false;
    let run = bill_estate(&estate, &schedule, nov, &with_invoice).unwrap();
    let pool = &run.exceptions[0];
    assert_eq!(
        (
            pool.item_code.as_deref(),
            pool.meter_id.as_deref(),
            pool.code()
        ),
        (Some("common_water"), Some("W-MASTER"), "missing_reading")
    );
    let set_aside: Vec<&str> = run
        .exceptions
        .iter()
        .filter_map(|e| e.unit_id.as_deref())
        .collect();
    assert!(set_aside.contains(&"1-101") && !set_aside.is_empty());
    assert!(run.bill("1-101").is_none());
    // The electricity pool still accounts for every share: the set-aside units'
    // shares are not in the lines but are named in the pool.
    let pool = run
        .pools
        .iter()
        .find(|p| p.code == "common_electricity")
        .unwrap();
    let lines: Decimal = run
        .bills()
        .iter()
        .flat_map(|b| b.lines.clone())
        .filter(|l| &*l.item_code == "common_electricity")
        .map(|l| l.amount)
        .sum();
    assert!(pool.set_aside > Decimal::ZERO);
    assert_eq!(lines + pool.set_aside, pool.split_amount);
    for bill in run.bills() {
        assert!(!set_aside.contains(&&*bill.unit_id));
        assert!(bill.lines.iter().all(|l| &*l.item_code != "common_water"));
    }
    assert_eq!(
        run.bill_count() + set_aside.len(),
        bill_estate(
            &estate,
            &schedule,
            BillingPeriod::month(2026, 10).unwrap(),
            &BillingInputs::default().with_pooled("common_electricity", dec("100"))
        )
        .unwrap()
        .bill_count()
    );
    // Bill only electricity to isolate the meter check.
    let only_elec = FeeSchedule::new(
        schedule
            .items()
            .iter()
            .filter(|i| i.code == "electricity")
            .cloned()
            .collect(),
    )
    .unwrap();
    inputs.strict = true;
    let err = bill_estate(&estate, &only_elec, nov, &inputs).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("reading_below_previous", "meters[E-1-101]")
    );
    inputs.strict = false;
    assert!(
        err.to_string()
            .contains("record a meter replacement or rollover")
    );
    let mut data: EstateData = estate.clone().into();
    data.meters.retain(|m| m.id == "E-1-101");
    let one_meter = Estate::new(data).unwrap();
    let prev = one_meter
        .meter("E-1-101")
        .unwrap()
        .readings
        .last()
        .unwrap()
        .value;
    inputs.meter_changes.push(MeterChangeInput {
        meter_id: "E-1-101".into(),
        change: MeterChange::Replacement {
            old_final: prev + dec("100"),
            new_initial: dec("0"),
        },
    });
    let run = bill_estate(&one_meter, &only_elec, nov, &inputs).unwrap();
    let line = &run.bill("1-101").unwrap().lines[0];
    assert_eq!(line.amount, dec("58.80")); // 105 kWh × 0.56
    assert!(line.explain(Lang::En).contains("(meter replaced)"));
}

#[test]
fn ledger_walk_with_penalty_and_payment() {
    let run = october();
    let schedule = FeeSchedule::demo();
    let bill = run.bill("1-101").unwrap();
    let mut l = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PenaltyFirst,
    );
    l.add_bill(&bill, &schedule, d("2026-10-01")).unwrap();
    // October's bill is issued Nov 1 and due 15 days later, Nov 16: no penalty the
    // day it is due; as of Dec 16: 30 days × 0.05 % × 331.15 = 4.97.
    assert!(bill.lines.iter().all(|l| l.due == d("2026-11-16")));
    assert_eq!(
        l.penalty("2026-10-01/management", d("2026-11-16")).unwrap(),
        dec("0")
    );
    assert_eq!(
        l.penalty("2026-10-01/management", d("2026-12-16")).unwrap(),
        dec("4.97")
    );
    let reminder = l.reminder(d("2026-12-16")).unwrap();
    assert_eq!(reminder.items.len(), bill.lines.len());
    assert_eq!(reminder.total_due, bill.total + dec("4.97"));
    let receipt = l.pay("R-1", dec("300.00"), d("2026-12-16")).unwrap();
    assert_eq!(receipt.applied[0].penalty, dec("4.97"));
    assert_eq!(receipt.applied[0].principal, dec("295.03"));
    let (paid, principal, penalty, prepaid) = l.money_flow();
    assert_eq!(paid, principal + penalty + prepaid);
    // Principal-first order pays the principal before the penalty.
    let mut l2 = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PrincipalFirst,
    );
    l2.add_bill(&bill, &schedule, d("2026-10-01")).unwrap();
    let r2 = l2.pay("R-1", dec("300.00"), d("2026-12-16")).unwrap();
    assert_eq!(
        (r2.applied[0].principal, r2.applied[0].penalty),
        (dec("300.00"), dec("0"))
    );
    // Aging and collection rate.
    let aging = l.aging(d("2026-12-22")).unwrap(); // due Nov 16: 36 days overdue
    assert_eq!(aging.days_61_90, Decimal::ZERO);
    assert_eq!(aging.days_31_60, bill.total - dec("295.03"));
    let rate = l.collection_rate(d("2026-11-01"), d("2026-11-30")).unwrap();
    assert_eq!(rate, dec("295.03") / bill.total);
    // Save and restore.
    assert_eq!(Ledger::from_json(&l.to_json()).unwrap(), l);
}

#[test]
fn bad_inputs_are_typed_errors_naming_the_field() {
    let p = RoundingPolicy::default();
    let schedule_with = |rule: &str| {
        format!(
            r#"{{"items": [{{"code": "m", "name_zh": "物业费", "name_en": "Fee", "rule": {rule}, "effective_from": "2026-01-01"}}]}}"#
        )
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (schedule_with(r#"{"area": {"rate": "-3.70"}}"#), "negative", "items[0].rule.area.rate"),
        (schedule_with(r#"{"area": {"rate": 3.7}}"#), "json", "items[0].rule.area.rate"),
        (schedule_with(r#"{"area": {"rate": "3.70", "kind_rates": [{"kind": "castle", "rate": "1"}]}}"#), "json", "items[0].rule.area.kind_rates[0].kind"),
        (schedule_with(r#"{"metered": {"meter_kind": "water", "tiers": []}}"#), "missing_value", "items[0].rule.metered.tiers"),
        (schedule_with(r#"{"teleport": {}}"#), "json", "items[0].rule"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01"},
                       {"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "2"}}, "effective_from": "2026-06-01"}]}"#.to_owned(),
         "overlapping_effective_dates", "items[1].effective_from"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01", "due_day": 31}]}"#.to_owned(),
         "out_of_range", "items[0].due_day"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01", "due": {"days_after_issue": -15}}]}"#.to_owned(),
         "json", "items[0].due.days_after_issue"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01", "due": {"day_of_month": 0}}]}"#.to_owned(),
         "out_of_range", "items[0].due.day_of_month"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01", "due": {"day_of_next_month": 32}}]}"#.to_owned(),
         "out_of_range", "items[0].due.day_of_next_month"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01", "due": {"days_after_issue": 15}, "due_day": 15}]}"#.to_owned(),
         "conflicting_fields", "items[0].due_day"),
        (r#"{"format_version": 4, "items": []}"#.to_owned(), "unsupported_format_version", "format_version"),
        (r#"{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "unit_kinds": ["villa"], "effective_from": "2026-01-01"}]}"#.to_owned(),
         "json", "items[0].unit_kinds[0]"),
    ];
    for (json, code, path) in cases {
        let err = FeeSchedule::from_json(&json).unwrap_err();
        assert_eq!((err.code(), err.path()), (code, path), "{err}");
    }
    let mut pen = PenaltyPolicy::daily(dec("0.0005"));
    pen.cap = Some(PenaltyCap::Amount(dec("-1")));
    let err = late_penalty(dec("1"), d("2026-01-01"), d("2026-02-01"), &pen, &p).unwrap_err();
    assert_eq!((err.code(), err.path()), ("negative", "cap"));
    let err = late_penalty(
        dec("1"),
        d("2026-01-01"),
        d("2026-02-01"),
        &PenaltyPolicy::daily(dec("-0.1")),
        &p,
    )
    .unwrap_err();
    assert_eq!((err.code(), err.path()), ("negative", "daily_rate"));
    let mut l = Ledger::new("u", p, PaymentOrder::default());
    for bad in ["0", "-5"] {
        let err = l.pay("p", dec(bad), d("2026-01-01")).unwrap_err();
        assert_eq!((err.code(), err.path()), ("non_positive_payment", "amount"));
    }
    assert!(
        l.payments().is_empty() && l.prepaid().is_zero(),
        "a failed payment changes nothing"
    );
    let err = l.penalty("nope", d("2026-01-01")).unwrap_err();
    assert_eq!((err.code(), err.path()), ("unknown_reference", "charge_id"));
    let err = BillingPeriod::month(2026, 0).unwrap_err();
    assert_eq!(err.path(), "month");
}

/// A pooled item split by area × occupied-day fraction: a unit that moved in on
/// October 21 weighs `area × 11/31`, a weight with 29 significant digits (its line is
/// kept whole rather than in the compact form, and the weights' sum cannot be held
/// exactly: it used to fail as an overflow once sums became exact). Shares, bills and
/// the run still add up exactly and the explanation shows that weight.
#[test]
fn occupied_day_fraction_weights_bill_exactly() {
    let estate = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
        "units": [
          {"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
           "gross_area": "100.00", "occupants": 2, "status": "occupied",
           "delivered_on": "2024-01-01", "status_since": "2024-01-01"},
          {"id": "C", "building_id": "B", "floor": 1, "number": "2", "kind": "residential",
           "gross_area": "62.00", "occupants": 1, "status": "occupied",
           "delivered_on": "2024-01-01", "status_since": "2026-10-21"}]}"#,
    )
    .unwrap();
    let schedule = FeeSchedule::from_json(
        r#"{"format_version": 1, "items": [
          {"code": "mgmt", "name_zh": "物业费", "name_en": "Management",
           "rule": {"area": {"rate": "2.50"}}, "effective_from": "2020-01-01"},
          {"code": "lift", "name_zh": "电梯电费", "name_en": "Lift power",
           "rule": {"pooled": {"source": "given", "method": "area", "participants": "occupied",
                               "occupied_day_fraction": true}},
           "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap();
    let inputs = BillingInputs::default().with_pooled("lift", dec("100.00"));
    let run = bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let bills = run.bills();
    // Weights 100 and 62 × 11/31 = 22.0: shares 100 × 100/122 and 100 × 22/122.
    let amounts: Vec<Vec<String>> = bills
        .iter()
        .map(|b| b.lines.iter().map(|l| l.amount.to_string()).collect())
        .collect();
    assert_eq!(amounts, [["250.00", "81.97"], ["155.00", "18.03"]]);
    assert_eq!(run.pools[0].shares_total, dec("100.00"));
    for b in &bills {
        assert_eq!(b.total, b.lines.iter().map(|l| l.amount).sum::<Decimal>());
    }
    assert_eq!(run.total(), dec("505.00"));
    // 11/31 has no finite decimal: the weight is shown as the area and its days, and
    // the total weight (rounded to the 28 digits a decimal holds) as 122.
    assert_eq!(
        bills[1].lines[1].explain(Lang::En),
        "pool 100.00 split by area among 2 units: (62.00 × 11/31 days) / 122 × 100.00 = 18.03"
    );
}

/// A pooled item split among three units, by `estate_units` and `pooled` JSON (the
/// rule object), billed for `month` of 2026 with 100.00 to split.
fn pool_run(units: &str, pooled: &str, month: u32) -> estatekit::fees::billing::BillingRun {
    let unit = |(id, area, people, since): (&str, &str, u32, &str)| {
        format!(
            r#"{{"id": "{id}", "building_id": "B", "floor": 1, "number": "{id}", "kind": "residential",
             "gross_area": "{area}", "occupants": {people}, "status": "occupied",
             "delivered_on": "2024-01-01", "status_since": "{since}"}}"#
        )
    };
    let units: Vec<String> = units
        .split(';')
        .map(|u| {
            let f: Vec<&str> = u.split(',').collect();
            unit((f[0], f[1], f[2].parse().unwrap(), f[3]))
        })
        .collect();
    let estate = Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{{"id": "B", "name": "B"}}],
        "units": [{}]}}"#,
        units.join(",")
    ))
    .unwrap();
    let schedule = FeeSchedule::from_json(&format!(
        r#"{{"format_version": 1, "items": [
          {{"code": "lift", "name_zh": "电梯电费", "name_en": "Lift power",
           "rule": {{"pooled": {pooled}}}, "effective_from": "2020-01-01"}}]}}"#
    ))
    .unwrap();
    let inputs = BillingInputs::default().with_pooled("lift", dec("100.00"));
    bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, month).unwrap(),
        &inputs,
    )
    .unwrap()
}

/// November has 30 days; unit C is occupied from the 18th: 13 of them. Its weight
/// 141.96 × 13/30 = 61.516 has no finite decimal form as computed (13/30 first), so
/// the explanation shows the area and the days, not 61.515999…; the total weight
/// 100 + 61.516 = 161.516. Shares: 100 × 100/161.516 = 61.913… → 61.91 and
/// 100 × 61.516/161.516 = 38.086… → 38.08 + the remaining 0.01 (largest remainder).
#[test]
fn a_prorated_pooled_share_shows_its_days_not_an_unrounded_weight() {
    let run = pool_run(
        "A,100.00,2,2024-01-01;C,141.96,1,2026-11-18",
        r#"{"source": "given", "method": "area", "participants": "occupied", "occupied_day_fraction": true}"#,
        11,
    );
    let bills = run.bills();
    assert_eq!(
        bills[0].lines[0].explain(Lang::En),
        "pool 100.00 split by area among 2 units: 100.00 / 161.516 × 100.00 = 61.91"
    );
    assert_eq!(
        bills[1].lines[0].explain(Lang::En),
        "pool 100.00 split by area among 2 units: (141.96 × 13/30 days) / 161.516 × 100.00 \
         incl. rounding adjustment 0.01 (leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 38.09"
    );
    assert_eq!(
        bills[1].lines[0].explain(Lang::ZhCn),
        "公摊 100.00 按面积（2 户）：(141.96 × 13/30 天) / 161.516 × 100.00 含尾差调整 0.01（尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户） = 38.09"
    );
    assert_eq!(run.adjusted_units("lift"), ["C"]);
}

/// A hybrid of area and occupants, half each, among three equal units: each weighs
/// 0.5 × 1/3 + 0.5 × 1/3 = 0.333333333333 (12 places), the total 0.999999999999; each
/// share is 33.3333…% of 100.00 = 33.33, and the remaining 0.01 goes to the first
/// unit (equal remainders: the lower index). The explanation shows the share at 4
/// places, marked ≈, never 0.999999999999.
#[test]
fn a_hybrid_share_is_shown_at_four_places() {
    let run = pool_run(
        "A,80.00,2,2024-01-01;C,80.00,2,2024-01-01;D,80.00,2,2024-01-01",
        r#"{"source": "given", "participants": "occupied",
            "method": {"hybrid": [{"basis": "area", "weight": "0.5"}, {"basis": "occupants", "weight": "0.5"}]}}"#,
        10,
    );
    let bills = run.bills();
    assert_eq!(
        bills[0].lines[0].explain(Lang::En),
        "pool 100.00 split by weighted mix among 3 units: ≈ 33.3333% × 100.00 incl. rounding adjustment 0.01 (leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 33.34"
    );
    assert_eq!(
        bills[2].lines[0].explain(Lang::ZhCn),
        "公摊 100.00 按混合权重（3 户）：≈ 33.3333% × 100.00 = 33.33"
    );
}

/// November 2026, billed with readings taken on November 30 and issued on December 1:
/// every line is due 15 days after issue (the demo schedule's `days_after_issue`),
/// December 16, after the bill exists; the records and explanations carry both dates.
#[test]
fn november_bills_issued_december_first_are_due_december_sixteenth() {
    let estate = Estate::demo();
    let schedule = FeeSchedule::demo();
    assert!(
        schedule
            .items()
            .iter()
            .all(|i| i.due == DueRule::DaysAfterIssue(15))
    );
    let mut inputs = BillingInputs::default()
        .with_pooled("common_electricity", dec("3943.20"))
        .with_issued_on(d("2026-12-01"));
    let subs = estate
        .meters()
        .iter()
        .filter(|m| m.unit_id.is_some())
        .count();
    for m in estate.meters() {
        let last = m.readings.iter().map(|r| r.value).max().unwrap();
        let used = if m.unit_id.is_some() {
            dec("10")
        } else {
            Decimal::from(10 * subs + 100)
        };
        inputs.readings.push(ReadingInput {
            meter_id: m.id.clone(),
            date: d("2026-11-30"),
            value: last + used,
        });
    }
    let nov = BillingPeriod::month(2026, 11).unwrap();
    let run = bill_estate(&estate, &schedule, nov, &inputs).unwrap();
    assert_eq!(run.issued_on, d("2026-12-01"));
    assert_eq!(run.bill_count(), 34);
    let bills = run.bills();
    let mut lines = 0;
    for b in &bills {
        assert_eq!(b.issued_on, d("2026-12-01"), "{}", b.unit_id);
        for l in &b.lines {
            assert_eq!(l.due, d("2026-12-16"), "{} {}", b.unit_id, l.item_code);
            lines += 1;
        }
    }
    let rows = run.to_records();
    assert_eq!(rows.len(), lines);
    assert!(
        rows.iter()
            .all(|r| (r.issued_on, r.due) == (d("2026-12-01"), d("2026-12-16")))
    );
    let b = run.bill("1-101").unwrap();
    assert_eq!(
        b.explain(Lang::En).last().unwrap(),
        &format!("Total: {}, issued 2026-12-01, due 2026-12-16", b.total)
    );
    assert_eq!(
        b.explain(Lang::ZhCn).last().unwrap(),
        &format!("合计：{}，开票 2026-12-01，到期 2026-12-16", b.total)
    );
    // The run's JSON carries the issue date, run-wide and per bill.
    let json = serde_json::to_value(&run).unwrap();
    assert_eq!(json["issued_on"], "2026-12-01");
    assert_eq!(json["bills"][0]["issued_on"], "2026-12-01");
    assert_eq!(json["bills"][0]["lines"][0]["due"], "2026-12-16");

    // Without an issue date: the day after the period ends.
    inputs.issued_on = None;
    let run = bill_estate(&estate, &schedule, nov, &inputs).unwrap();
    assert_eq!(run.issued_on, d("2026-12-01"));
    // The version-1 `due_day` 15, read as `day_of_month`: the first 15th on or after
    // issue, so a bill issued December 1 is due December 15, not November 15.
    let v1 = schedule
        .to_json()
        .replace("\"format_version\": 2", "\"format_version\": 1")
        .replace(
            "\"due\": {\n        \"days_after_issue\": 15\n      }",
            "\"due_day\": 15",
        );
    assert!(!v1.contains("days_after_issue"));
    let v1 = FeeSchedule::from_json(&v1).unwrap();
    let run = bill_estate(&estate, &v1, nov, &inputs).unwrap();
    assert!(
        run.bills()
            .iter()
            .flat_map(|b| b.lines.iter())
            .all(|l| l.due == d("2026-12-15"))
    );
    // Issued on the 16th: due the next 15th.
    let late = inputs.clone().with_issued_on(d("2026-12-16"));
    let run = bill_estate(&estate, &v1, nov, &late).unwrap();
    assert_eq!(run.bill("1-101").unwrap().lines[0].due, d("2027-01-15"));
    // Mixed rules: each line says when it is due.
    let mut items = schedule.items().to_vec();
    items[0].due = DueRule::DayOfNextMonth(10);
    let mixed = FeeSchedule::new(items).unwrap();
    let run = bill_estate(&estate, &mixed, nov, &inputs).unwrap();
    let b = run.bill("P-01").unwrap();
    assert_eq!(b.lines[0].due, d("2026-12-16")); // parking
    let b = run.bill("1-101").unwrap();
    assert_eq!(b.lines[0].due, d("2027-01-10")); // management
    let en = b.explain(Lang::En);
    assert_eq!(
        en[0],
        "Management fee: 89.50 m² × 3.70/m²/month × 1 month = 331.15 (due 2027-01-10)"
    );
    assert!(en[1].ends_with(" = 10.00 (due 2026-12-16)"), "{}", en[1]);
    assert_eq!(
        en.last().unwrap(),
        &format!("Total: {}, issued 2026-12-01", b.total)
    );
    assert_eq!(
        b.explain(Lang::ZhCn)[0],
        "物业服务费：89.50 m² × 3.70/m²/月 × 1 月 = 331.15（到期 2027-01-10）"
    );
}

/// An issue date whose due date would fall past the calendar's last date, or outside
/// the years a ledger holds, is a typed error naming `issued_on`, not a panic.
#[test]
fn due_dates_past_the_calendar_are_errors() {
    let estate = Estate::demo();
    let only_fixed = FeeSchedule::new(
        FeeSchedule::demo()
            .items()
            .iter()
            .filter(|i| i.code == "parking")
            .cloned()
            .collect(),
    )
    .unwrap();
    let oct = BillingPeriod::month(2026, 10).unwrap();
    let inputs = BillingInputs::default().with_issued_on(NaiveDate::MAX);
    let err = bill_estate(&estate, &only_fixed, oct, &inputs).unwrap_err();
    assert_eq!((err.code(), err.path()), ("out_of_range", "issued_on"));
    // The last month the calendar holds: no day after it to issue on.
    let last = BillingPeriod {
        start: d("+262142-12-01"),
        end: NaiveDate::MAX,
    };
    let err = bill_estate(&estate, &only_fixed, last, &BillingInputs::default()).unwrap_err();
    assert_eq!((err.code(), err.path()), ("out_of_range", "issued_on"));
    // Dates a ledger cannot hold (years 1–9999) are refused too: the last issue date
    // whose bills are due within 9999 works, the next day does not.
    let ok = BillingInputs::default().with_issued_on(d("9999-12-16"));
    let run = bill_estate(&estate, &only_fixed, oct, &ok).unwrap();
    assert_eq!(run.bill("P-01").unwrap().lines[0].due, d("9999-12-31"));
    let late = BillingInputs::default().with_issued_on(d("9999-12-17"));
    let err = bill_estate(&estate, &only_fixed, oct, &late).unwrap_err();
    assert_eq!(
        (err.code(), err.path(), err.to_string().as_str()),
        (
            "out_of_range",
            "issued_on",
            "issued_on: bills issued on 9999-12-17 would be due on +10000-01-01, outside the supported years 1–9999"
        )
    );
    let early = BillingInputs::default().with_issued_on(d("0000-12-31"));
    let err = bill_estate(&estate, &only_fixed, oct, &early).unwrap_err();
    assert_eq!(
        err.to_string(),
        "issued_on: 0000-12-31 is outside the supported years 1–9999"
    );
}

/// One unit of 89.50 m² delivered on 20 October 2026 (12 of October's 31 days),
/// billed for `month` of 2026 by two `annual_365` items.
fn annual_365_run(month: u32) -> estatekit::fees::billing::BillingRun {
    let estate = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
        "units": [
          {"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
           "gross_area": "89.50", "occupants": 2, "status": "occupied",
           "delivered_on": "2026-10-20", "status_since": "2026-10-20"}]}"#,
    )
    .unwrap();
    let schedule = FeeSchedule::from_json(
        r#"{"format_version": 3, "items": [
          {"code": "mgmt", "name_zh": "物业费", "name_en": "Management",
           "rule": {"area": {"rate": "3.70"}}, "day_count": "annual_365",
           "effective_from": "2020-01-01"},
          {"code": "rent", "name_zh": "租金", "name_en": "Rent",
           "rule": {"fixed": {"amount": "3000.00"}}, "day_count": "annual_365",
           "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap();
    assert!(schedule.to_json().contains("\"format_version\": 3"));
    bill_estate(
        &estate,
        &schedule,
        BillingPeriod::month(2026, month).unwrap(),
        &BillingInputs::default(),
    )
    .unwrap()
}

/// Hand-computed: 89.50 m² × 3.70 = 331.15 a month; 12 days at 331.15 × 12 ÷ 365 a
/// day = 331.15 × 144 ÷ 365 = 47685.60 ÷ 365 = 130.6454… → 130.65 (rounded once;
/// by actual days it would be 331.15 × 12/31 = 128.19).
#[test]
fn annual_365_prorates_an_area_charge_at_twelve_three_hundred_sixty_fifths_a_day() {
    let run = annual_365_run(10);
    let line = &run.bill("A").unwrap().lines[0];
    assert_eq!(line.amount, dec("130.65"));
    assert_eq!(
        line.explain(Lang::En),
        "89.50 m² × 3.70/m²/month × 1 month × 12 × 12/365 days = 130.65"
    );
    assert_eq!(
        line.explain(Lang::ZhCn),
        "89.50 m² × 3.70/m²/月 × 1 月 × 12 × 12/365 天 = 130.65"
    );
}

/// The "365-day" (annual) method of rent-proration guides, e.g.
/// https://dash-calculator.com/Prorated-Rent-Calculator-Good-Calculators.php ("the
/// monthly rent × 12 ÷ 365 a day, × the days"): a 3000.00 monthly rent, move-in on
/// 20 October, 12 days: 3000 × 12 ÷ 365 = 98.6301… a day; × 12 = 36000 × 12 ÷ 365 =
/// 432000 ÷ 365 = 1183.5616… → 1183.56 (the daily rate is not rounded first).
#[test]
fn annual_365_prorates_a_rent_as_rent_proration_guides_do() {
    let run = annual_365_run(10);
    let line = &run.bill("A").unwrap().lines[1];
    assert_eq!(line.amount, dec("1183.56"));
    assert_eq!(
        line.explain(Lang::En),
        "3000.00 per period × 12 × 12/365 days = 1183.56"
    );
    // A whole month is charged in full (not 3000 × 12 × 30/365).
    let november = annual_365_run(11);
    let lines = &november.bill("A").unwrap().lines;
    assert_eq!(
        (lines[0].amount, lines[1].amount),
        (dec("331.15"), dec("3000.00"))
    );
    assert_eq!(lines[1].explain(Lang::En), "3000.00 per period = 3000.00");
}
