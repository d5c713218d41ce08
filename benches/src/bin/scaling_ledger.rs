//! Scaling of the ledger's and the book's bulk entry points: runs one of them at a
//! given size, so that `valgrind --tool=callgrind` can count its instructions at N and
//! 10N (10× the input must cost at most 12× the instructions), and prints the wall time.
//!
//! ```text
//! cargo build --release -p estatekit-benches --bin scaling_ledger
//! valgrind --tool=callgrind target/release/scaling_ledger pay 800
//! target/release/scaling_ledger all 8000
//! ```
//! Entry points: `pay` (one account over a year: 5N charges issued and N payments
//! received day by day, refs out of lexicographic order within a day), `backdated`
//! (the same with every payment recorded a day late), `load` (`Ledger::from_json` of
//! that ledger, ids with a long shared prefix), `book` (post a run of N units and
//! import N bank rows through `Receivables`, then the same rows again), `all`.

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::calc::PenaltyPolicy;
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::receivables::{PaymentRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::RoundingPolicy;
use rust_decimal::Decimal;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date") + Duration::days(n)
}

/// A year and more of one account: every day some charges are issued and some
/// payments arrive (5 charges of 1.00 to each payment of 5.00), refs not in
/// lexicographic order within a day (`P10` sorts before `P9`). With `late`, every
/// payment is recorded a day late, after the next day's charges and payments: each
/// one is back-dated, so the ledger rewinds and re-applies a day of events.
fn month_by_month(n: usize, late: bool) -> Ledger {
    let mut l = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PenaltyFirst,
    );
    let per_day = (n / 400).max(1);
    let days = n.div_ceil(per_day);
    let mut held: Vec<(String, NaiveDate)> = Vec::new();
    for k in 0..days {
        let date = day(k as i64);
        for c in 0..5 * per_day {
            let i = k * 5 * per_day + c;
            let input = ChargeInput::new(
                format!("2026-01-01/a-long-shared-prefix-of-an-item-code-{i}"),
                "management",
                date + Duration::days(15),
                Decimal::new(100, 2),
            )
            .with_penalty(PenaltyPolicy::daily(Decimal::new(5, 4)));
            l.add_charge(input, date).expect("a valid charge");
        }
        let today: Vec<(String, NaiveDate)> = (0..per_day)
            .map(|p| (format!("P{}", k * per_day + p), date + Duration::days(20)))
            .collect();
        let due_now = if late {
            std::mem::replace(&mut held, today)
        } else {
            today
        };
        for (id, on) in due_now {
            l.pay(&id, Decimal::new(500, 2), on.min(date))
                .expect("a valid payment");
        }
    }
    for (id, on) in held {
        l.pay(&id, Decimal::new(500, 2), on)
            .expect("a valid payment");
    }
    l
}

fn book(n: usize) {
    let mut estate: serde_json::Value =
        serde_json::from_str(&Estate::demo().to_json()).expect("the demo estate is JSON");
    let template = estate["units"][0].clone();
    let units: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut u = template.clone();
            u["id"] = format!("U-{i}").into();
            u["number"] = format!("{i}").into();
            u
        })
        .collect();
    estate["units"] = units.into();
    estate["meters"] = Vec::<serde_json::Value>::new().into();
    let estate = Estate::from_json(&estate.to_string()).expect("a valid estate");
    let mut schedule: serde_json::Value =
        serde_json::from_str(&FeeSchedule::demo().to_json()).expect("the demo schedule is JSON");
    let items = schedule["items"].as_array().expect("items").clone();
    schedule["items"] = items
        .into_iter()
        .filter(|i| i["rule"].get("area").is_some() || i["rule"].get("fixed").is_some())
        .collect::<Vec<_>>()
        .into();
    let schedule = FeeSchedule::from_json(&schedule.to_string()).expect("a valid schedule");
    let period = BillingPeriod::month(2026, 11).expect("a month");
    let run = bill_estate(&estate, &schedule, period, &BillingInputs::default()).expect("billed");
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    let posted = book.post(&run, None, None).expect("posted");
    let rows: Vec<PaymentRow> = run
        .bills()
        .iter()
        .enumerate()
        .map(|(i, b)| {
            PaymentRow::new(
                b.unit_id.to_string(),
                b.total,
                day(340 + (i % 25) as i64),
                format!("B{i}"),
            )
        })
        .collect();
    let res = book.apply_payments(&rows);
    let again = book.apply_payments(&rows);
    assert_eq!(res.applied.len(), n);
    assert_eq!(again.already_applied.len(), n);
    let totals = book.totals(day(400)).expect("totals");
    assert_eq!(totals.collected, run.total());
    std::hint::black_box(posted);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "all".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let run = |name: &str, f: &dyn Fn()| {
        if what == name || what == "all" {
            let t = Instant::now();
            f();
            println!(
                "{name:>10} n={n:>8}: {:>10.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    };
    run("pay", &|| {
        std::hint::black_box(month_by_month(n, false));
    });
    run("backdated", &|| {
        std::hint::black_box(month_by_month(n, true));
    });
    run("load", &|| {
        let text = month_by_month(n, false).to_json();
        let t = Instant::now();
        std::hint::black_box(Ledger::from_json(&text).expect("reads back"));
        println!(
            "      (from_json alone {:.1} ms)",
            t.elapsed().as_secs_f64() * 1e3
        );
    });
    run("book", &|| book(n));
}
