//! Issue 20: a charge spanning several months. A unit delivered before the billed
//! month but after the last run (a move-in on 20 July entered in September) is
//! billed from its delivery in one line when the run is told to bill `since` a
//! date, and the estate's `round` policy says whether that line is rounded per
//! month (the default: what monthly runs would have charged) or once.
//!
//! Property fees are charged from the day the unit is delivered (物业服务费自房屋
//! 交付之日起计收, the practice of the 物业服务收费管理办法 and of local rules such
//! as Beijing's), by the actual days of a partial month: a July part is
//! `monthly × days served ÷ 31`.
#![allow(clippy::unwrap_used)]

use estatekit::estate::{ChargeRounding, Estate};
use estatekit::fees::billing::{
    BillingInputs, BillingPeriod, BillingRun, Explanation, bill_estate,
};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Units `A` (delivered 20 July), `B` (15 June) and `C` (10 September), each of
/// 89.55 m², in an estate with the `round` policy given (none: the default).
fn estate(round: Option<&str>) -> Estate {
    let round = round.map_or(String::new(), |r| format!(r#""round": "{r}","#));
    let unit = |id: &str, delivered: &str| {
        format!(
            r#"{{"id": "{id}", "building_id": "B", "floor": 1, "number": "{id}", "kind": "residential",
              "gross_area": "89.55", "status": "occupied", "delivered_on": "{delivered}",
              "status_since": "{delivered}"}}"#
        )
    };
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", {round}
            "buildings": [{{"id": "B", "name": "B"}}],
            "units": [{}, {}, {}]}}"#,
        unit("A", "2026-07-20"),
        unit("B", "2026-06-15"),
        unit("C", "2026-09-10"),
    ))
    .unwrap()
}

/// Management at 2.35/m²/month (89.55 m² × 2.35 = 210.4425 a month, not a whole
/// number of fen) and parking at 60.00 a month.
fn schedule() -> FeeSchedule {
    FeeSchedule::from_json(
        r#"{"items": [
          {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "2.35"}}, "effective_from": "2020-01-01"},
          {"code": "parking", "name_zh": "车位管理费", "name_en": "Parking",
           "rule": {"fixed": {"amount": "60.00"}}, "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap()
}

fn september(estate: &Estate, schedule: &FeeSchedule, since: Option<&str>) -> BillingRun {
    let mut inputs = BillingInputs::default();
    if let Some(s) = since {
        inputs = inputs.with_since(day(s));
    }
    bill_estate(
        estate,
        schedule,
        BillingPeriod::month(2026, 9).unwrap(),
        &inputs,
    )
    .unwrap()
}

fn amounts(run: &BillingRun, unit: &str) -> Vec<String> {
    run.bill(unit)
        .unwrap()
        .lines
        .iter()
        .map(|l| l.amount.to_string())
        .collect()
}

/// Per month (the default): July 20–31 is 210.4425 × 12/31 = 81.4616… → 81.46,
/// August and September 210.4425 → 210.44 each: 81.46 + 210.44 + 210.44 = 502.34.
/// Parking: 60 × 12/31 = 23.2258… → 23.23, + 60.00 + 60.00 = 143.23.
#[test]
fn per_month_adds_each_months_rounded_part() {
    let e = estate(None);
    assert_eq!(e.charge_rounding(), ChargeRounding::PerMonth);
    let run = september(&e, &schedule(), Some("2026-07-01"));
    assert_eq!(amounts(&run, "A"), ["502.34", "143.23"]);
    let bill = run.bill("A").unwrap();
    assert_eq!(
        bill.explain(Lang::En)[0],
        "Management fee: billed from 2026-07-20, rounded per month: \
         2026-07-20 to 2026-07-31: 89.55 m² × 2.35/m²/month × 1 month × 12/31 days = 81.46; \
         2026-08-01 to 2026-08-31: 89.55 m² × 2.35/m²/month × 1 month = 210.44; \
         2026-09-01 to 2026-09-30: 89.55 m² × 2.35/m²/month × 1 month = 210.44; \
         81.46 + 210.44 + 210.44 = 502.34"
    );
    assert_eq!(
        bill.explain(Lang::ZhCn)[1],
        "车位管理费：自 2026-07-20 起计费（按月取整）：\
         2026-07-20 至 2026-07-31：60.00/期 × 12/31 天 = 23.23；\
         2026-08-01 至 2026-08-31：60.00/期 = 60.00；\
         2026-09-01 至 2026-09-30：60.00/期 = 60.00；\
         23.23 + 60.00 + 60.00 = 143.23"
    );
    // B was delivered before `since` (billed by earlier runs): September only;
    // C within September: 210.4425 × 21/30 = 147.30975 → 147.31, as without `since`.
    assert_eq!(amounts(&run, "B"), ["210.44", "60.00"]);
    assert_eq!(amounts(&run, "C"), ["147.31", "42.00"]);
    // The per-month line is what the three monthly runs would have charged A.
    let monthly: rust_decimal::Decimal = [7, 8, 9]
        .iter()
        .map(|&m| {
            let run = bill_estate(
                &e,
                &schedule(),
                BillingPeriod::month(2026, m).unwrap(),
                &BillingInputs::default(),
            )
            .unwrap();
            run.bill("A").unwrap().lines[0].amount
        })
        .sum();
    assert_eq!(monthly.to_string(), "502.34");
}

/// Per line: 81.4616129… + 210.4425 + 210.4425 = 502.3466129… → 502.35, one fen
/// more than the sum of rounded months; parking 143.2258… → 143.23.
#[test]
fn per_line_rounds_the_exact_sum_once() {
    let e = estate(Some("per_line"));
    assert_eq!(e.charge_rounding(), ChargeRounding::PerLine);
    let run = september(&e, &schedule(), Some("2026-07-01"));
    assert_eq!(amounts(&run, "A"), ["502.35", "143.23"]);
    let bill = run.bill("A").unwrap();
    assert_eq!(
        bill.explain(Lang::En)[0],
        "Management fee: billed from 2026-07-20, rounded once: \
         2026-07-20 to 2026-07-31: 89.55 m² × 2.35/m²/month × 1 month × 12/31 days ≈ 81.4616; \
         2026-08-01 to 2026-08-31: 89.55 m² × 2.35/m²/month × 1 month = 210.4425; \
         2026-09-01 to 2026-09-30: 89.55 m² × 2.35/m²/month × 1 month = 210.4425; \
         81.4616 + 210.4425 + 210.4425 = 502.35"
    );
    assert_eq!(
        bill.explain(Lang::ZhCn)[0],
        "物业服务费：自 2026-07-20 起计费（整笔一次取整）：\
         2026-07-20 至 2026-07-31：89.55 m² × 2.35/m²/月 × 1 月 × 12/31 天 ≈ 81.4616；\
         2026-08-01 至 2026-08-31：89.55 m² × 2.35/m²/月 × 1 月 = 210.4425；\
         2026-09-01 至 2026-09-30：89.55 m² × 2.35/m²/月 × 1 月 = 210.4425；\
         81.4616 + 210.4425 + 210.4425 = 502.35"
    );
    // The structured explanation holds the exact parts, and the run's JSON reads back equal.
    let Explanation::Spanning { round, parts } = &bill.lines[0].explanation else {
        panic!("a spanning explanation: {:?}", bill.lines[0].explanation);
    };
    assert_eq!(*round, ChargeRounding::PerLine);
    assert_eq!(
        parts
            .iter()
            .map(|p| (p.start.to_string(), p.end.to_string()))
            .collect::<Vec<_>>(),
        [
            ("2026-07-20".to_string(), "2026-07-31".to_string()),
            ("2026-08-01".into(), "2026-08-31".into()),
            ("2026-09-01".into(), "2026-09-30".into())
        ]
    );
    assert_eq!(parts[1].amount.to_string(), "210.4425");
    let json = run.to_json();
    assert!(json.contains(r#""type": "spanning""#), "{json}");
    assert_eq!(BillingRun::from_json(&json).unwrap(), run);
    // The estate writes its policy back; the default is not written.
    assert!(e.to_json().contains(r#""round": "per_line""#));
    assert!(!estate(None).to_json().contains(r#""round""#));
    // Without `since` the unit is billed September only, whatever the policy.
    let plain = september(&e, &schedule(), None);
    assert_eq!(amounts(&plain, "A"), ["210.44", "60.00"]);
}

/// Each month's part is priced by the version in force in it: 2.35 until 31
/// August, 2.50 from 1 September (89.55 × 2.50 = 223.875 → 223.88):
/// 81.46 + 210.44 + 223.88 = 515.78.
#[test]
fn each_part_is_priced_by_the_version_in_force_then() {
    let schedule = FeeSchedule::from_json(
        r#"{"items": [
          {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "2.35"}}, "effective_from": "2020-01-01", "effective_until": "2026-08-31"},
          {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "2.50"}}, "effective_from": "2026-09-01"}]}"#,
    )
    .unwrap();
    let run = september(&estate(None), &schedule, Some("2026-07-01"));
    assert_eq!(amounts(&run, "A"), ["515.78"]);
    assert!(
        run.bill("A").unwrap().explain(Lang::En)[0]
            .contains("2026-09-01 to 2026-09-30: 89.55 m² × 2.50/m²/month × 1 month = 223.88")
    );
    // An item that starts with the period has nothing to bill back: the usual line.
    let fresh = FeeSchedule::from_json(
        r#"{"items": [{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "2.50"}}, "effective_from": "2026-09-01"}]}"#,
    )
    .unwrap();
    let run = september(&estate(None), &fresh, Some("2026-07-01"));
    assert_eq!(amounts(&run, "A"), ["223.88"]);
    assert_eq!(
        run.bill("A").unwrap().explain(Lang::En)[0],
        "Management fee: 89.55 m² × 2.50/m²/month × 1 month = 223.88"
    );
}

/// A quarterly item billed in October bills back the July–September quarter from
/// 20 August: 90.00 × 42/92 days = 41.0869… → 41.09, + 90.00 = 131.09.
#[test]
fn a_quarterly_item_bills_back_its_earlier_quarter() {
    let schedule = FeeSchedule::from_json(
        r#"{"items": [{"code": "garbage", "name_zh": "垃圾清运费", "name_en": "Refuse",
           "rule": {"fixed": {"amount": "90.00"}}, "frequency": "quarterly", "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap();
    let e = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
            "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "80", "status": "occupied", "delivered_on": "2026-08-20", "status_since": "2026-08-20"}]}"#,
    )
    .unwrap();
    let inputs = BillingInputs::default().with_since(day("2026-08-01"));
    let run = bill_estate(
        &e,
        &schedule,
        BillingPeriod::month(2026, 10).unwrap(),
        &inputs,
    )
    .unwrap();
    let bill = run.bill("A").unwrap();
    assert_eq!(bill.lines[0].amount.to_string(), "131.09");
    assert_eq!(
        bill.explain(Lang::En)[0],
        "Refuse: billed from 2026-08-20, rounded per month: \
         2026-08-20 to 2026-09-30: 90.00 per period × 42/92 days = 41.09; \
         2026-10-01 to 2026-12-31: 90.00 per period = 90.00; 41.09 + 90.00 = 131.09"
    );
}

/// A vacancy factor applies to the back parts as to the period's (70 % while
/// `delivered`, not yet occupied): 89.55 × 2.35 × 70 % = 147.30975 a month;
/// July 147.30975 × 12/31 = 57.0231… → 57.02, then 147.31 twice: 351.64.
#[test]
fn status_factors_apply_to_every_part() {
    let e = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
            "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
              "gross_area": "89.55", "status": "delivered", "delivered_on": "2026-07-20", "status_since": "2026-07-20"}]}"#,
    )
    .unwrap();
    let schedule = FeeSchedule::from_json(
        r#"{"items": [{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
           "rule": {"area": {"rate": "2.35"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
           "effective_from": "2020-01-01"}]}"#,
    )
    .unwrap();
    let run = september(&e, &schedule, Some("2026-07-01"));
    assert_eq!(amounts(&run, "A"), ["351.64"]);
}

/// `since` after the period's first day is refused, naming the field; an unknown
/// `round` policy too.
#[test]
fn bad_since_and_round_are_refused() {
    let inputs = BillingInputs::default().with_since(day("2026-09-02"));
    let e = bill_estate(
        &estate(None),
        &schedule(),
        BillingPeriod::month(2026, 9).unwrap(),
        &inputs,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.path()), ("out_of_range", "since"));
    // The period's first day itself bills back nothing: the usual lines.
    let run = september(&estate(None), &schedule(), Some("2026-09-01"));
    assert_eq!(amounts(&run, "A"), ["210.44", "60.00"]);
    let e = Estate::from_json(
        r#"{"id": "e", "name": "E", "currency": "CNY", "round": "per_year", "buildings": []}"#,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "round"));
    // The inputs' JSON carries `since`.
    let inputs: BillingInputs = serde_json::from_str(r#"{"since": "2026-07-01"}"#).unwrap();
    assert_eq!(inputs.since, Some(day("2026-07-01")));
    assert!(
        serde_json::to_string(&inputs)
            .unwrap()
            .contains(r#""since":"2026-07-01""#)
    );
}
