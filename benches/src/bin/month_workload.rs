//! The whole month of an estate in Rust, stage by stage, from text rows:
//! `month_workload [N] [--repeat R]` (N units, default 100,000; R runs, default 1,
//! the best wall and CPU time of each stage kept).
//!
//! The estate (5 buildings; flats, shops and parking spaces; a water and an electricity
//! meter per flat or shop read on 2026-09-30 and 2026-10-31; a master water meter) and
//! October's bank file (N payments in November, with thousands separators, slash dates,
//! one duplicate row, one reversal row and one row for an unknown unit) are generated as
//! [`EstateTables`] rows and payment rows of text cells, exactly as
//! `benches/month_vs_python.py` builds them in Python. Then, timed one by one:
//!
//! | stage | call |
//! |---|---|
//! | import | [`EstateTables::import`] |
//! | bill | [`bill_estate`] for October 2026, [`FeeSchedule::demo`], the common electricity given |
//! | post | [`Receivables::new`] + [`Receivables::post`] |
//! | payments | [`Receivables::apply_payment_records`] |
//! | aging | [`Receivables::aging_report`] by building, as of 2026-12-15 |
//! | collection | [`Receivables::collection_report`] of October by building, as of 2026-12-15 |
//! | reminders | [`Receivables::reminders`] as of 2026-12-15, minimum 1.00, parking spaces grouped with their owner's flat |
//!
//! After each stage of the first run the peak resident set (`VmHWM` of
//! `/proc/self/status`) is read. The run is checked (every row accounted for, the
//! book's identities, the reports adding up to [`Receivables::totals`], the money
//! collected equal to the bank file's) before anything is printed: a table, then one
//! JSON line that `month_vs_python.py` compares with its own month.

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{GroupBy, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::tables::{EstateTables, Row};
use rust_decimal::Decimal;

/// The stages, in order (`prepare` is the generation of the text rows, not library
/// work; it is left out of the month's sum).
const STAGES: [&str; 8] = [
    "prepare",
    "import",
    "bill",
    "post",
    "payments",
    "aging",
    "collection",
    "reminders",
];

type Error = Box<dyn std::error::Error>;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a valid ISO date literal")
}

fn row(cells: &[(&str, String)]) -> Row {
    cells
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// `123456` hundredths → `1234.56`, with thousands separators when `commas`.
fn money_text(cents: i64, commas: bool) -> String {
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let mut digits = whole.to_string();
    if commas {
        let mut grouped = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        digits = grouped;
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{digits}.{frac:02}")
}

/// `12345` tenths → `1234.5`.
fn tenths_text(v: i64) -> String {
    format!("{}.{}", v / 10, v % 10)
}

/// One unit of the synthetic estate (the same formulas as `month_vs_python.py`).
struct UnitSpec {
    id: String,
    building: usize,
    floor: usize,
    number: String,
    kind: &'static str,
    /// Gross area in hundredths of m².
    area: i64,
    status: &'static str,
    occupants: u64,
}

fn unit_spec(i: usize, n: usize) -> UnitSpec {
    let per = n.div_ceil(5);
    let (building, j) = (i / per + 1, i % per);
    let floor = j / 20 + 1;
    let kind = match i % 20 {
        19 => "parking",
        9 => "commercial",
        _ => "residential",
    };
    let area = if kind == "parking" {
        1000 + (i * 7 % 500) as i64
    } else {
        5000 + (i * 7919 % 9000) as i64
    };
    let status = if i % 10 == 3 {
        "delivered"
    } else if i % 10 == 6 {
        "rented"
    } else if i % 25 == 11 {
        "decorating"
    } else {
        "occupied"
    };
    let occupants = if matches!(status, "occupied" | "rented") && kind != "parking" {
        1 + (i % 4) as u64
    } else {
        0
    };
    UnitSpec {
        id: format!("{building}-{:05}", j + 1),
        building,
        floor,
        number: format!("{floor}{:02}", j % 20 + 1),
        kind,
        area,
        status,
        occupants,
    }
}

/// A flat's or shop's meters: (water before, water used, electricity before,
/// electricity used), in tenths. A vacant (delivered) unit uses nothing.
fn meter_spec(i: usize, vacant: bool) -> (i64, i64, i64, i64) {
    let (w, e) = if vacant {
        (0, 0)
    } else {
        (50 + (i * 31 % 250) as i64, 1000 + (i * 37 % 3000) as i64)
    };
    (
        10_000 + (i * 7 % 5000) as i64,
        w,
        200_000 + (i * 11 % 90_000) as i64,
        e,
    )
}

/// The month's inputs as text rows, and what the bank file must add up to.
struct Inputs {
    tables: EstateTables,
    payments: Vec<Row>,
    group: HashMap<String, String>,
    /// Money received: every payment row applied, less the one reversed (hundredths).
    expected_collected: i64,
}

fn prepare(n: usize) -> Inputs {
    let mut t = EstateTables::new("month", "Month bench estate");
    for b in 1..=5 {
        t.buildings.push(row(&[
            ("id", format!("B{b}")),
            ("name", format!("{b}号楼")),
        ]));
    }
    let mut payments = Vec::with_capacity(n + 3);
    let mut group = HashMap::new();
    let mut master_used = 0i64;
    let mut collected = 0i64;
    let mut reversed_amount = 0i64;
    let mut previous_id = String::new();
    for i in 0..n {
        let u = unit_spec(i, n);
        let delivered = if i % 7 == 0 { "2024/6/1" } else { "2024-06-01" };
        let since = if u.status == "rented" {
            "2025-03-01"
        } else {
            "2024-06-01"
        };
        t.units.push(row(&[
            ("id", u.id.clone()),
            ("building_id", format!("B{}", u.building)),
            ("floor", u.floor.to_string()),
            ("number", u.number.clone()),
            ("kind", u.kind.to_owned()),
            ("gross_area", money_text(u.area, false)),
            ("status", u.status.to_owned()),
            ("internal_area", money_text(u.area * 4 / 5, false)),
            ("occupants", u.occupants.to_string()),
            ("status_since", since.to_owned()),
            ("delivered_on", delivered.to_owned()),
        ]));
        let (mut water, mut power) = (0, 0);
        if u.kind != "parking" {
            let (wb, wu, eb, eu) = meter_spec(i, u.status == "delivered");
            (water, power) = (wu, eu);
            master_used += wu;
            for (prefix, kind, before, used) in
                [("W", "water", wb, wu), ("E", "electricity", eb, eu)]
            {
                let meter = format!("{prefix}{}", u.id);
                t.meters.push(row(&[
                    ("id", meter.clone()),
                    ("unit_id", u.id.clone()),
                    ("kind", kind.to_owned()),
                ]));
                for (day, value) in [("2026-09-30", before), ("2026-10-31", before + used)] {
                    t.readings.push(row(&[
                        ("meter_id", meter.clone()),
                        ("date", day.to_owned()),
                        ("value", tenths_text(value)),
                    ]));
                }
            }
        } else if i > 0 {
            // A parking space's owner also owns the flat before it: one letter.
            let owner = format!("O-{previous_id}");
            group.insert(u.id.clone(), owner.clone());
            group.insert(previous_id.clone(), owner);
        }
        // The bank file: about the bill (an estimate from the area and the meters,
        // rounded up to 10 yuan); every 20th unit pays half, every 12th after the due
        // date (2026-11-16).
        let mut cents = match (u.kind, u.status) {
            ("parking", _) => 6500,
            (_, "delivered") => u.area * 26 / 10 + 1000,
            ("commercial", _) => u.area * 65 / 10 + water * 38 + power * 6 + 4000,
            _ => u.area * 37 / 10 + water * 38 + power * 6 + 4000,
        };
        cents = (cents + 999) / 1000 * 1000;
        if i % 20 == 7 {
            cents /= 2;
        }
        let day = if i % 12 == 5 { 20 + i % 9 } else { 2 + i % 14 };
        let day_text = if i % 4 == 0 {
            format!("2026/11/{day}")
        } else {
            format!("2026-11-{day:02}")
        };
        payments.push(row(&[
            ("unit_id", u.id.clone()),
            ("amount", money_text(cents, i % 3 == 0)),
            ("date", day_text),
            ("ref", format!("BK-{:07}", i + 1)),
        ]));
        collected += cents;
        if i == 1 {
            reversed_amount = cents;
        }
        previous_id = u.id;
    }
    // The master water meter: the units' water plus 1 m³ a unit for the common areas.
    t.meters
        .push(row(&[("id", "W-MASTER".into()), ("kind", "water".into())]));
    for (day, value) in [
        ("2026-09-30", 0),
        ("2026-10-31", master_used + 10 * n as i64),
    ] {
        t.readings.push(row(&[
            ("meter_id", "W-MASTER".into()),
            ("date", day.to_owned()),
            ("value", tenths_text(value)),
        ]));
    }
    // Noise: the first row again, a reversal of the second, an unknown unit.
    if n >= 2 {
        payments.push(payments[0].clone());
        let second = &payments[1];
        payments.push(row(&[
            ("unit_id", second["unit_id"].clone()),
            ("amount", format!("-{}", second["amount"])),
            ("date", "2026-11-20".into()),
            ("ref", "RV-0000001".into()),
            ("reverses", second["ref"].clone()),
        ]));
        payments.push(row(&[
            ("unit_id", "9-99999".into()),
            ("amount", "100.00".into()),
            ("date", "2026-11-10".into()),
            ("ref", "BK-UNKNOWN".into()),
        ]));
    }
    Inputs {
        tables: t,
        payments,
        group,
        expected_collected: collected - reversed_amount,
    }
}

/// Peak resident set so far (`VmHWM`), in KiB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time of this thread so far, in seconds.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes to it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
    } else {
        f64::NAN
    }
}

/// Times the stages of one run.
struct Clock {
    wall: Vec<f64>,
    cpu: Vec<f64>,
    hwm: Vec<u64>,
    at: (Instant, f64),
}

impl Clock {
    fn new() -> Self {
        Self {
            wall: Vec::new(),
            cpu: Vec::new(),
            hwm: Vec::new(),
            at: (Instant::now(), thread_cpu_seconds()),
        }
    }
    /// Ends the current stage (the next starts now).
    fn lap(&mut self) {
        let (wall, cpu) = (self.at.0.elapsed().as_secs_f64(), thread_cpu_seconds());
        self.wall.push(wall);
        self.cpu.push(cpu - self.at.1);
        self.hwm.push(vm_hwm_kb());
        self.at = (Instant::now(), thread_cpu_seconds());
    }
}

/// What a run produced, for the checks and the JSON line.
#[derive(Debug, PartialEq)]
struct Outcome {
    normalisations: usize,
    run_total: Decimal,
    bills: usize,
    lines_posted: usize,
    applied: usize,
    reversed: usize,
    already_applied: usize,
    rejected: usize,
    payment_normalisations: usize,
    aging_rows: usize,
    aging_total: Decimal,
    collection_billed: Decimal,
    collection_collected: Decimal,
    letters: usize,
    letters_total: Decimal,
    suppressed: usize,
    suppressed_total: Decimal,
    totals: estatekit::fees::receivables::BookTotals,
}

fn month(n: usize, clock: &mut Clock) -> Result<(Outcome, i64), Error> {
    let inputs = prepare(n);
    clock.lap();

    let import = inputs.tables.import()?;
    clock.lap();

    let schedule = FeeSchedule::demo();
    let pooled = Decimal::new(850 * n as i64, 2);
    let billing = BillingInputs::default().with_pooled("common_electricity", pooled);
    let run = bill_estate(
        &import.estate,
        &schedule,
        BillingPeriod::month(2026, 10)?,
        &billing,
    )?;
    clock.lap();

    let mut book = Receivables::new(&import.estate, &schedule, PaymentOrder::PenaltyFirst);
    let posted = book.post(&run, None, None)?;
    clock.lap();

    let paid = book.apply_payment_records(&inputs.payments, &[]);
    clock.lap();

    let as_of = date("2026-12-15");
    let aging = book.aging_report(as_of, GroupBy::Building)?;
    clock.lap();

    let collection = book.collection_report(
        date("2026-10-01"),
        date("2026-10-31"),
        as_of,
        GroupBy::Building,
    )?;
    clock.lap();

    let reminders = book.reminders(as_of, Decimal::new(100, 2), Some(&inputs.group))?;
    clock.lap();

    if !run.exceptions.is_empty() {
        return Err(format!("billing set aside: {:?}", run.exceptions[0]).into());
    }
    if !posted.conflicts.is_empty() {
        return Err(format!("posting conflicts: {:?}", posted.conflicts[0]).into());
    }
    let sum = |it: &mut dyn Iterator<Item = Decimal>| it.fold(Decimal::ZERO, |a, b| a + b);
    let outcome = Outcome {
        normalisations: import.normalisations.len(),
        run_total: run.total(),
        bills: run.bill_count(),
        lines_posted: posted.posted,
        applied: paid.applied.len(),
        reversed: paid.reversed.len(),
        already_applied: paid.already_applied.len(),
        rejected: paid.rejected.len(),
        payment_normalisations: paid.normalisations.len(),
        aging_rows: aging.len(),
        aging_total: sum(&mut aging.iter().map(|r| r.total)),
        collection_billed: sum(&mut collection.iter().map(|r| r.billed)),
        collection_collected: sum(&mut collection.iter().map(|r| r.collected)),
        letters: reminders.letters.len(),
        letters_total: sum(&mut reminders.letters.iter().map(|l| l.total_due)),
        suppressed: reminders.suppressed.len(),
        suppressed_total: sum(&mut reminders.suppressed.iter().map(|s| s.total_due)),
        totals: book.totals(as_of)?,
    };
    Ok((outcome, inputs.expected_collected))
}

/// The run is a correct one: every row accounted for, the book balanced, the reports
/// adding up to the book's totals.
fn check(n: usize, o: &Outcome, expected_collected: i64) -> Result<(), Error> {
    let t = &o.totals;
    let fail = |what: &str| -> Result<(), Error> { Err(format!("check failed: {what}").into()) };
    if (o.applied, o.reversed, o.already_applied, o.rejected) != (n, 1, 1, 1) {
        return fail("payment rows: expected n applied, 1 reversed, 1 already applied, 1 rejected");
    }
    if o.bills != n {
        return fail("a bill for every unit");
    }
    if t.billed != o.run_total || o.collection_billed != o.run_total {
        return fail("billed = the run's total = the collection report's billed");
    }
    if t.billed - t.written_off + t.penalty_accrued - t.penalty_waived != t.applied + t.outstanding
    {
        return fail("billed − written off + penalty − waived = applied + outstanding");
    }
    if t.collected != t.applied + t.prepaid + t.refunded {
        return fail("collected = applied + prepaid + refunded");
    }
    if t.collected != Decimal::new(expected_collected, 2) {
        return fail("collected = the bank file less the reversed payment");
    }
    if o.aging_total != t.outstanding {
        return fail("aging by building adds up to the outstanding total");
    }
    // Everything is overdue on 2026-12-15 (due 2026-11-16): the letters, sent or not,
    // ask for all that is outstanding.
    if o.letters_total + o.suppressed_total != t.outstanding {
        return fail("reminders (sent and suppressed) add up to the outstanding total");
    }
    if t.penalty_accrued.is_zero() || t.prepaid.is_zero() || o.letters == 0 {
        return fail("the month has late payers, prepaid money and letters");
    }
    Ok(())
}

fn main() -> Result<(), Error> {
    let mut n = 100_000usize;
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => repeat = args.next().ok_or("--repeat needs a count")?.parse()?,
            _ => n = a.replace('_', "").parse()?,
        }
    }
    if n < 20 || repeat == 0 {
        return Err("usage: month_workload [N ≥ 20] [--repeat R ≥ 1]".into());
    }
    let mut best_wall = [f64::INFINITY; STAGES.len()];
    let mut best_cpu = [f64::INFINITY; STAGES.len()];
    let mut hwm = Vec::new();
    let mut first: Option<Outcome> = None;
    let mut expected = 0;
    for r in 0..repeat {
        let mut clock = Clock::new();
        let (outcome, exp) = month(n, &mut clock)?;
        for k in 0..STAGES.len() {
            best_wall[k] = best_wall[k].min(clock.wall[k]);
            best_cpu[k] = best_cpu[k].min(clock.cpu[k]);
        }
        if r == 0 {
            hwm = clock.hwm;
            check(n, &outcome, exp)?;
            first = Some(outcome);
            expected = exp;
        } else if first.as_ref() != Some(&outcome) {
            return Err("a repeated run gave other figures".into());
        }
    }
    let o = first.ok_or("no run")?;
    let month_wall: f64 = best_wall[1..].iter().sum();
    let month_cpu: f64 = best_cpu[1..].iter().sum();

    println!("month_workload: {n} units, best of {repeat}");
    println!("| stage | wall s | cpu s | peak RSS MiB |");
    println!("|---|---|---|---|");
    for (k, s) in STAGES.iter().enumerate() {
        println!(
            "| {s} | {:.3} | {:.3} | {:.0} |",
            best_wall[k],
            best_cpu[k],
            hwm[k] as f64 / 1024.0
        );
    }
    println!("| month (without prepare) | {month_wall:.3} | {month_cpu:.3} | |");
    let t = &o.totals;
    println!(
        "billed {} collected {} (bank file {}) outstanding {} penalty {} prepaid {}; \
         {} letters ({}), {} suppressed ({})",
        t.billed,
        t.collected,
        Decimal::new(expected, 2),
        t.outstanding,
        t.penalty_accrued,
        t.prepaid,
        o.letters,
        o.letters_total,
        o.suppressed,
        o.suppressed_total
    );

    let stage_json = |v: &[f64]| {
        STAGES
            .iter()
            .zip(v)
            .map(|(s, x)| format!("\"{s}\": {x:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hwm_json = STAGES
        .iter()
        .zip(&hwm)
        .map(|(s, x)| format!("\"{s}\": {x}"))
        .collect::<Vec<_>>()
        .join(", ");
    let totals = serde_json::to_string(t)?;
    println!(
        concat!(
            r#"{{"n": {}, "repeat": {}, "seconds": {{{}}}, "cpu_seconds": {{{}}}, "#,
            r#""month_seconds": {:.6}, "month_cpu_seconds": {:.6}, "vm_hwm_kb": {{{}}}, "#,
            r#""peak_rss_kb": {}, "totals": {}, "run_total": "{}", "bills": {}, "#,
            r#""lines_posted": {}, "normalisations": {}, "payments": {{"applied": {}, "#,
            r#""reversed": {}, "already_applied": {}, "rejected": {}, "normalisations": {}}}, "#,
            r#""aging_rows": {}, "aging_total": "{}", "collection_billed": "{}", "#,
            r#""collection_collected": "{}", "letters": {}, "letters_total": "{}", "#,
            r#""suppressed": {}, "suppressed_total": "{}"}}"#
        ),
        n,
        repeat,
        stage_json(&best_wall),
        stage_json(&best_cpu),
        month_wall,
        month_cpu,
        hwm_json,
        hwm.iter().max().copied().unwrap_or(0),
        totals,
        o.run_total,
        o.bills,
        o.lines_posted,
        o.normalisations,
        o.applied,
        o.reversed,
        o.already_applied,
        o.rejected,
        o.payment_normalisations,
        o.aging_rows,
        o.aging_total,
        o.collection_billed,
        o.collection_collected,
        o.letters,
        o.letters_total,
        o.suppressed,
        o.suppressed_total,
    );
    Ok(())
}
