//! Issue 20, pools per building (楼栋公摊) and per group of units, and fee items
//! limited to buildings or units. Every amount is computed by hand in a comment.
#![allow(clippy::unwrap_used)]

use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, BillingRun, bill_estate};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::Lang;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn october() -> BillingPeriod {
    BillingPeriod::month(2026, 10).unwrap()
}

/// Two buildings: B1 with 1-101 (100 m²), 1-102 (80 m²), 1-103 (60 m²); B2 with
/// 2-101 (90 m²), 2-102 (60 m²) and 2-103 (50 m², unsold: never a participant).
/// Each building has a lift master meter: M-B1 1000 → 1600 kWh, M-B2 500 → 700 kWh
/// in October 2026.
fn two_buildings() -> Estate {
    let unit = |id: &str, building: &str, area: &str, status: &str| {
        let dates = if status == "unsold" {
            String::new()
        } else {
            r#", "delivered_on": "2024-01-01", "status_since": "2024-01-01""#.to_owned()
        };
        let occupants = if status == "occupied" { 2 } else { 0 };
        format!(
            r#"{{"id": "{id}", "building_id": "{building}", "floor": 1, "number": "{id}",
               "kind": "residential", "gross_area": "{area}", "occupants": {occupants},
               "status": "{status}"{dates}}}"#
        )
    };
    let master = |id: &str, sep: &str, oct: &str| {
        format!(
            r#"{{"id": "{id}", "kind": "electricity",
               "readings": [{{"date": "2026-09-30", "value": "{sep}"}}, {{"date": "2026-10-31", "value": "{oct}"}}]}}"#
        )
    };
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY",
            "buildings": [{{"id": "B1", "name": "1号楼"}}, {{"id": "B2", "name": "2号楼"}}],
            "units": [{}, {}, {}, {}, {}, {}], "meters": [{}, {}]}}"#,
        unit("1-101", "B1", "100.00", "occupied"),
        unit("1-102", "B1", "80.00", "occupied"),
        unit("1-103", "B1", "60.00", "occupied"),
        unit("2-101", "B2", "90.00", "occupied"),
        unit("2-102", "B2", "60.00", "delivered"),
        unit("2-103", "B2", "50.00", "unsold"),
        master("M-B1", "1000", "1600"),
        master("M-B2", "500", "700"),
    ))
    .unwrap()
}

/// The lift's electricity per building at the Beijing residential price of 0.4883
/// CNY/kWh (北京市发展和改革委员会, 居民生活用电 不满1千伏 第一档 0.4883 元/千瓦时),
/// stair cleaning per building from the cleaning contractor's invoices, a garden
/// fee for building B2 only and a sign fee for one unit.
const SCHEDULE: &str = r#"{"format_version": 3, "items": [
  {"code": "lift_power", "name_zh": "电梯用电分摊", "name_en": "Lift electricity",
   "rule": {"pooled": {"source": {"master_meter": {"meters": [
       {"group": "B1", "meter_id": "M-B1"}, {"group": "B2", "meter_id": "M-B2"}], "price": "0.4883"}},
     "method": "area", "split_by": "building"}},
   "effective_from": "2026-01-01"},
  {"code": "stair_cleaning", "name_zh": "楼道保洁分摊", "name_en": "Stair cleaning",
   "rule": {"pooled": {"source": "given", "method": "area", "split_by": "building"}},
   "effective_from": "2026-01-01"},
  {"code": "garden", "name_zh": "花园维护费", "name_en": "Garden",
   "rule": {"fixed": {"amount": "5.00"}}, "buildings": ["B2"], "effective_from": "2026-01-01"},
  {"code": "sign", "name_zh": "招牌费", "name_en": "Sign",
   "rule": {"fixed": {"amount": "12.00"}}, "units": ["1-101"], "effective_from": "2026-01-01"}
]}"#;

fn invoices() -> BillingInputs {
    BillingInputs::default()
        .with_pooled_in("stair_cleaning", "B1", dec("300.00"))
        .with_pooled_in("stair_cleaning", "B2", dec("100.00"))
}

fn lines(run: &BillingRun) -> Vec<(String, String, String)> {
    run.bills()
        .iter()
        .flat_map(|b| {
            b.lines.iter().map(|l| {
                (
                    b.unit_id.clone(),
                    l.item_code.to_string(),
                    l.amount.to_string(),
                )
            })
        })
        .collect()
}

/// The main scenario, by hand.
///
/// lift_power, B1: (1600 − 1000) kWh × 0.4883 = 292.98, split by area over 240 m²:
/// 1-101 292.98 × 100/240 = 122.075, 1-102 × 80/240 = 97.66, 1-103 × 60/240 = 73.245.
/// Floored: 122.07 + 97.66 + 73.24 = 292.97; the cent left goes to the largest
/// remainder, and 1-101 and 1-103 tie (0.5 of a cent each): the lower index, 1-101,
/// takes it: 122.08 + 97.66 + 73.24 = 292.98, B1's amount exactly.
/// lift_power, B2: (700 − 500) × 0.4883 = 97.66 over 150 m² (2-103 is unsold):
/// 2-101 97.66 × 90/150 = 58.596, 2-102 × 60/150 = 39.064; floored 58.59 + 39.06 =
/// 97.65, the cent to the larger remainder (2-101's 0.6): 58.60 + 39.06 = 97.66.
/// stair_cleaning: B1 300.00 over 240 m²: 125.00, 100.00, 75.00 (sum 300.00); B2
/// 100.00 over 150 m²: 60.00, 40.00 (sum 100.00).
/// garden: 5.00 for B2's delivered units only; sign: 12.00 for 1-101 only.
#[test]
fn a_pool_per_building_splits_each_building_by_hand() {
    let schedule = FeeSchedule::from_json(SCHEDULE).unwrap();
    let run = bill_estate(&two_buildings(), &schedule, october(), &invoices()).unwrap();
    let row = |u: &str, c: &str, a: &str| (u.to_owned(), c.to_owned(), a.to_owned());
    assert_eq!(
        lines(&run),
        [
            row("1-101", "lift_power", "122.08"),
            row("1-101", "stair_cleaning", "125.00"),
            row("1-101", "sign", "12.00"),
            row("1-102", "lift_power", "97.66"),
            row("1-102", "stair_cleaning", "100.00"),
            row("1-103", "lift_power", "73.24"),
            row("1-103", "stair_cleaning", "75.00"),
            row("2-101", "lift_power", "58.60"),
            row("2-101", "stair_cleaning", "60.00"),
            row("2-101", "garden", "5.00"),
            row("2-102", "lift_power", "39.06"),
            row("2-102", "stair_cleaning", "40.00"),
            row("2-102", "garden", "5.00"),
        ]
    );
    // One summary per building, each summing to its own amount.
    let pools: Vec<_> = run
        .pools
        .iter()
        .map(|p| {
            (
                p.code.as_str(),
                p.group.as_deref(),
                p.source_amount.to_string(),
                p.consumption.map(|c| c.to_string()),
                p.split_amount.to_string(),
                p.shares_total.to_string(),
                p.participants,
                p.adjusted_count,
            )
        })
        .collect();
    assert_eq!(
        pools,
        [
            (
                "lift_power",
                Some("B1"),
                "292.98".into(),
                Some("600".into()),
                "292.98".into(),
                "292.98".into(),
                3,
                1
            ),
            (
                "lift_power",
                Some("B2"),
                "97.66".into(),
                Some("200".into()),
                "97.66".into(),
                "97.66".into(),
                2,
                1
            ),
            (
                "stair_cleaning",
                Some("B1"),
                "300.00".into(),
                None,
                "300.00".into(),
                "300.00".into(),
                3,
                0
            ),
            (
                "stair_cleaning",
                Some("B2"),
                "100.00".into(),
                None,
                "100.00".into(),
                "100.00".into(),
                2,
                0
            ),
        ]
    );
    assert_eq!(run.adjusted_units_in("lift_power", Some("B1")), ["1-101"]);
    assert_eq!(run.adjusted_units_in("lift_power", Some("B2")), ["2-101"]);
    assert_eq!(run.adjusted_units("lift_power"), ["1-101", "2-101"]);
    // 292.98 + 97.66 + 300.00 + 100.00 + 2 × 5.00 + 12.00 = 812.64.
    assert_eq!(run.total(), dec("812.64"));
    // The explanation names the building and, for an adjusted share, the tie rule.
    let b = run.bill("1-101").unwrap();
    assert_eq!(
        b.lines[0].explain(Lang::En),
        "B1: pool 292.98 split by area among 3 units: 100.00 / 240.00 × 292.98 \
         incl. rounding adjustment 0.01 (leftover minor units go to the largest remainders; \
         equal remainders to the earlier unit in estate order) = 122.08"
    );
    assert_eq!(
        b.lines[0].explain(Lang::ZhCn),
        "B1 公摊 292.98 按面积（3 户）：100.00 / 240.00 × 292.98 含尾差调整 0.01\
         （尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户） = 122.08"
    );
    assert_eq!(
        run.bill("2-102").unwrap().lines[0].explain(Lang::En),
        "B2: pool 97.66 split by area among 2 units: 60.00 / 150.00 × 97.66 = 39.06"
    );
    // Written and read back, with the pools' groups.
    let json = run.to_json();
    assert!(json.contains("\"group\": \"B2\""), "{json}");
    let back = BillingRun::from_json(&json).unwrap();
    assert_eq!(back, run);
    assert_eq!(back.to_json(), json);
    assert_eq!(back.adjusted_units_in("lift_power", Some("B2")), ["2-101"]);
    // The schedule is written as version 3, and reads back.
    let text = schedule.to_json();
    assert!(text.contains("\"format_version\": 3"), "{text}");
    assert!(text.contains("\"split_by\": \"building\""), "{text}");
    assert_eq!(FeeSchedule::from_json(&text).unwrap(), schedule);
}

/// A master-meter pool per building subtracts each building's own sub-meters only.
/// B1's lift meter 600 kWh, of which 1-101's meter recorded 100 and 2-101's (in B2)
/// 50: B1 (600 − 100) × 0.4883 = 244.15, B2 (200 − 50) × 0.4883 = 73.245 → 73.25
/// (half up) split over 150 m²: 43.95, 29.30.
#[test]
fn sub_meters_are_subtracted_within_their_building() {
    let mut data = two_buildings().data().clone();
    let sub = |id: &str, unit: &str, used: &str| {
        serde_json::from_str(&format!(
            r#"{{"id": "{id}", "unit_id": "{unit}", "kind": "electricity",
               "readings": [{{"date": "2026-09-30", "value": "0"}}, {{"date": "2026-10-31", "value": "{used}"}}]}}"#
        ))
        .unwrap()
    };
    data.meters.push(sub("E-1-101", "1-101", "100"));
    data.meters.push(sub("E-2-101", "2-101", "50"));
    let estate = Estate::new(data).unwrap();
    let schedule = FeeSchedule::from_json(&SCHEDULE.replace(
        "\"price\": \"0.4883\"}",
        "\"price\": \"0.4883\", \"subtract_sub_meters\": true}",
    ))
    .unwrap();
    let run = bill_estate(&estate, &schedule, october(), &invoices()).unwrap();
    let lift: Vec<_> = run
        .pools
        .iter()
        .filter(|p| p.code == "lift_power")
        .map(|p| {
            (
                p.consumption.unwrap().to_string(),
                p.split_amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        lift,
        [
            ("500".to_owned(), "244.15".to_owned()),
            ("150".to_owned(), "73.25".to_owned())
        ]
    );
    // 73.25 × 90/150 = 43.95, × 60/150 = 29.30.
    assert_eq!(
        run.bill("2-102").unwrap().lines[0].amount.to_string(),
        "29.30"
    );
    assert_eq!(
        run.bill("2-101").unwrap().lines[0].amount.to_string(),
        "43.95"
    );
}

/// Groups of units, each with its own invoice; units in no group do not share.
/// east (1-101, 2-101): 50.00 equally: 25.00 each; west (1-102, 1-103, 2-102): 10.00
/// equally: 3.333… each, floored 3.33 × 3 = 9.99, the cent to the first of three
/// equal remainders (1-102): 3.34, 3.33, 3.33.
#[test]
fn groups_of_units_are_split_separately() {
    let schedule = FeeSchedule::from_json(
        r#"{"items": [{"code": "hall", "name_zh": "大堂保洁", "name_en": "Hall cleaning",
          "rule": {"pooled": {"source": "given", "method": "equal",
            "split_by": {"groups": [{"id": "east", "units": ["1-101", "2-101"]},
                                    {"id": "west", "units": ["1-102", "1-103", "2-102", "2-103"]}]}}},
          "effective_from": "2026-01-01"}]}"#,
    )
    .unwrap();
    let inputs = BillingInputs::default()
        .with_pooled_in("hall", "east", dec("50.00"))
        .with_pooled_in("hall", "west", dec("10.00"));
    let run = bill_estate(&two_buildings(), &schedule, october(), &inputs).unwrap();
    let amounts: Vec<_> = lines(&run)
        .into_iter()
        .map(|(u, _, a)| format!("{u} {a}"))
        .collect();
    assert_eq!(
        amounts,
        [
            "1-101 25.00",
            "1-102 3.34",
            "1-103 3.33",
            "2-101 25.00",
            "2-102 3.33"
        ]
    );
    assert_eq!(run.adjusted_units_in("hall", Some("west")), ["1-102"]);
    assert_eq!(
        run.bill("1-102").unwrap().lines[0].explain(Lang::En),
        "west: pool 10.00 split equally among 3 units: 1 / 3 × 10.00 incl. rounding adjustment \
         0.01 (leftover minor units go to the largest remainders; equal remainders to the \
         earlier unit in estate order) = 3.34"
    );
}

fn error(schedule: &str, inputs: &BillingInputs) -> (String, String) {
    let e = FeeSchedule::from_json(schedule)
        .and_then(|s| bill_estate(&two_buildings(), &s, october(), inputs))
        .unwrap_err();
    (e.code().to_owned(), e.path().to_owned())
}

/// Bad input: typed errors naming the field.
#[test]
fn bad_pools_and_filters_are_typed_errors_naming_the_field() {
    let pair = |c: &str, p: &str| (c.to_owned(), p.to_owned());
    // A pool per building with a building lacking its source: no invoice for B2 …
    let only_b1 = BillingInputs::default().with_pooled_in("stair_cleaning", "B1", dec("300"));
    assert_eq!(
        error(SCHEDULE, &only_b1),
        pair("missing_pooled_amount", "pooled[stair_cleaning@B2]")
    );
    // … or no master meter for B2.
    let one_meter = SCHEDULE.replace(", {\"group\": \"B2\", \"meter_id\": \"M-B2\"}", "");
    assert_eq!(
        error(&one_meter, &invoices()),
        pair(
            "missing_value",
            "items[0].rule.pooled.source.master_meter.meters"
        )
    );
    // A meter for a building the estate does not have.
    let b9 = SCHEDULE.replace("{\"group\": \"B2\"", "{\"group\": \"B9\"");
    assert_eq!(
        error(&b9, &invoices()),
        pair(
            "unknown_reference",
            "items[0].rule.pooled.source.master_meter.meters[1].group"
        )
    );
    // An item limited to an unknown building, or to an unknown unit.
    assert_eq!(
        error(
            &SCHEDULE.replace("\"buildings\": [\"B2\"]", "\"buildings\": [\"B3\"]"),
            &invoices()
        ),
        pair("unknown_reference", "items[2].buildings[0]")
    );
    assert_eq!(
        error(
            &SCHEDULE.replace(
                "\"units\": [\"1-101\"]",
                "\"units\": [\"1-101\", \"9-909\"]"
            ),
            &invoices()
        ),
        pair("unknown_reference", "items[3].units[1]")
    );
    // Invoices naming an unknown building, or without their building.
    let unknown = invoices().with_pooled_in("stair_cleaning", "B7", dec("1"));
    assert_eq!(
        error(SCHEDULE, &unknown),
        pair("unknown_reference", "pooled[2].group")
    );
    let whole = invoices().with_pooled("stair_cleaning", dec("400"));
    assert_eq!(
        error(SCHEDULE, &whole),
        pair("missing_value", "pooled[2].group")
    );
    // A group naming an unknown unit; a unit in two groups.
    let groups = |units: &str| {
        format!(
            r#"{{"items": [{{"code": "hall", "name_zh": "h", "name_en": "h",
              "rule": {{"pooled": {{"source": "given", "method": "equal",
                "split_by": {{"groups": [{{"id": "east", "units": ["1-101"]}}, {{"id": "west", "units": [{units}]}}]}}}}}},
              "effective_from": "2026-01-01"}}]}}"#
        )
    };
    let hall = BillingInputs::default()
        .with_pooled_in("hall", "east", dec("1"))
        .with_pooled_in("hall", "west", dec("1"));
    assert_eq!(
        error(&groups(r#""1-102", "X-1""#), &hall),
        pair(
            "unknown_reference",
            "items[0].rule.pooled.split_by.groups[1].units[1]"
        )
    );
    let e = FeeSchedule::from_json(&groups(r#""1-102", "1-101""#)).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (
            "duplicate_id",
            "items[0].rule.pooled.split_by.groups[1].units[1]"
        )
    );
    assert_eq!(
        e.to_string(),
        "items[0].rule.pooled.split_by.groups[1].units[1]: unit \"1-101\" is already in group \
         \"east\" (groups[0]): a unit shares one pool of an item"
    );
    // A building with an invoice and no participant cannot be split.
    let b2_filtered = SCHEDULE.replace(
        "\"method\": \"area\", \"split_by\": \"building\"}},\n   \"effective_from\": \"2026-01-01\"},\n  {\"code\": \"garden\"",
        "\"method\": \"area\", \"split_by\": \"building\"}},\n   \"buildings\": [\"B1\"], \"effective_from\": \"2026-01-01\"},\n  {\"code\": \"garden\"",
    );
    assert_ne!(b2_filtered, SCHEDULE);
    assert_eq!(
        error(&b2_filtered, &invoices()),
        pair("empty_weights", "pooled[stair_cleaning@B2].participants")
    );
}

/// An item without the new fields bills as before: the estate's pool has no group,
/// and the explanation no prefix.
#[test]
fn an_estate_pool_is_unchanged() {
    let schedule = FeeSchedule::demo();
    let inputs = BillingInputs::default().with_pooled("common_electricity", dec("100.00"));
    let run = bill_estate(&Estate::demo(), &schedule, october(), &inputs).unwrap();
    assert!(!run.pools.is_empty());
    assert!(run.pools.iter().all(|p| p.group.is_none()));
    assert!(!run.to_json().contains("\"group\""));
    assert!(schedule.to_json().contains("\"format_version\": 2"));
}

/// An estate of `sizes.len()` buildings, building `b` with `sizes[b]` units of the
/// given areas (in hundredths of m²).
fn estate_of(areas: &[Vec<u32>]) -> Estate {
    let mut units = Vec::new();
    for (b, list) in areas.iter().enumerate() {
        for (i, a) in list.iter().enumerate() {
            units.push(format!(
                r#"{{"id": "{b}-{i}", "building_id": "B{b}", "floor": 1, "number": "{i}",
                   "kind": "residential", "gross_area": "{}", "occupants": {}, "status": "occupied",
                   "delivered_on": "2024-01-01", "status_since": "2024-01-01"}}"#,
                Decimal::new(i64::from(*a), 2),
                i % 4
            ));
        }
    }
    let buildings: Vec<String> = (0..areas.len())
        .map(|b| format!(r#"{{"id": "B{b}", "name": "B{b}"}}"#))
        .collect();
    Estate::from_json(&format!(
        r#"{{"id": "e", "name": "E", "currency": "CNY", "buildings": [{}], "units": [{}]}}"#,
        buildings.join(","),
        units.join(",")
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Per-building pools sum exactly per building: each building's shares sum to
    /// that building's amount, whatever the areas, amounts and method.
    #[test]
    fn per_building_pools_sum_exactly_per_building(
        areas in prop::collection::vec(prop::collection::vec(1u32..2_000_000, 1..7), 1..5),
        amounts in prop::collection::vec(0i64..100_000_000, 4),
        method in prop_oneof![Just("area"), Just("equal"),
            Just(r#"{"hybrid": [{"basis": "area", "weight": "0.3"}, {"basis": "equal", "weight": "0.7"}]}"#)],
    ) {
        let estate = estate_of(&areas);
        let method = if method.starts_with('{') { method.to_owned() } else { format!("\"{method}\"") };
        let schedule = FeeSchedule::from_json(&format!(
            r#"{{"items": [{{"code": "p", "name_zh": "p", "name_en": "p",
              "rule": {{"pooled": {{"source": "given", "method": {method}, "split_by": "building"}}}},
              "effective_from": "2026-01-01"}}]}}"#
        )).unwrap();
        let mut inputs = BillingInputs::default();
        for (b, amount) in amounts.iter().take(areas.len()).enumerate() {
            inputs = inputs.with_pooled_in("p", format!("B{b}"), Decimal::new(*amount, 2));
        }
        let run = bill_estate(&estate, &schedule, october(), &inputs).unwrap();
        prop_assert_eq!(run.pools.len(), areas.len());
        for (b, pool) in run.pools.iter().enumerate() {
            let id = format!("B{b}");
            prop_assert_eq!(pool.group.as_deref(), Some(id.as_str()));
            prop_assert_eq!(pool.split_amount, Decimal::new(amounts[b], 2));
            prop_assert_eq!(pool.shares_total, pool.split_amount);
            prop_assert_eq!(pool.participants, areas[b].len());
            let prefix = format!("{b}-");
            let billed: Decimal = run
                .bills()
                .iter()
                .filter(|bill| bill.unit_id.starts_with(&prefix))
                .map(|bill| bill.total)
                .sum();
            prop_assert_eq!(billed, pool.split_amount);
        }
    }
}

/// A unit set aside (its water meter has no October reading) keeps its shares out of
/// the run: they are counted in its building's pool only. 1-102's shares are 97.66
/// (lift) and 100.00 (stairs), in B1's pools; B2's set nothing aside.
#[test]
fn a_unit_set_aside_counts_in_its_buildings_pool() {
    let mut data = two_buildings().data().clone();
    data.meters.push(
        serde_json::from_str(
            r#"{"id": "W-1-102", "unit_id": "1-102", "kind": "water",
               "readings": [{"date": "2026-09-30", "value": "10"}]}"#,
        )
        .unwrap(),
    );
    let estate = Estate::new(data).unwrap();
    let schedule = FeeSchedule::from_json(&SCHEDULE.replace(
        "  {\"code\": \"garden\"",
        "  {\"code\": \"water\", \"name_zh\": \"水费\", \"name_en\": \"Water\",
   \"rule\": {\"metered\": {\"meter_kind\": \"water\", \"tiers\": [{\"price\": \"5.00\"}]}},
   \"effective_from\": \"2026-01-01\"},
  {\"code\": \"garden\"",
    ))
    .unwrap();
    let run = bill_estate(&estate, &schedule, october(), &invoices()).unwrap();
    assert_eq!(run.exceptions.len(), 1);
    assert_eq!(run.exceptions[0].unit_id.as_deref(), Some("1-102"));
    assert!(run.bill("1-102").is_none());
    let set_aside: Vec<_> = run
        .pools
        .iter()
        .map(|p| (p.code.as_str(), p.group.as_deref(), p.set_aside.to_string()))
        .collect();
    assert_eq!(
        set_aside,
        [
            ("lift_power", Some("B1"), "97.66".to_owned()),
            ("lift_power", Some("B2"), "0.00".to_owned()),
            ("stair_cleaning", Some("B1"), "100.00".to_owned()),
            ("stair_cleaning", Some("B2"), "0.00".to_owned()),
        ]
    );
    assert_eq!(BillingRun::from_json(&run.to_json()).unwrap(), run);
}
