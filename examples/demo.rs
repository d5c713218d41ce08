//! The EstateKit demo on the embedded sample estate (湖畔花园 Lakeside Garden):
//! the estate at a glance, then a pooled common-area electricity bill split among
//! the delivered units by gross area, to the cent.
//!
//! Run: `cargo run -p estatekit-examples --bin estatekit-demo`

use std::process::ExitCode;

use chrono::NaiveDate;
use estatekit::estate::{Estate, MeterKind};
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::{Label, Lang};
use estatekit::money::allocate;
use rust_decimal::Decimal;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let estate = Estate::demo();
    let s = estate.summary();
    println!(
        "== {} ({}, {})",
        estate.name(),
        estate.id(),
        estate.currency()
    );
    println!(
        "{} buildings, {} units, {} meters; gross area {} m², internal area {} m², {} occupants",
        s.buildings, s.units, s.meters, s.total_gross_area, s.total_internal_area, s.occupants
    );
    for b in estate.buildings() {
        let n = estate
            .units()
            .iter()
            .filter(|u| u.building_id == b.id)
            .count();
        println!("  {:<4} {:<20} {n:>3} units", b.id, b.name);
    }
    println!("Units by kind:");
    for (kind, n) in &s.by_kind {
        println!(
            "  {:<12} {:<8} {n:>3}",
            kind.label(Lang::En),
            kind.label(Lang::ZhCn)
        );
    }
    println!("Units by status:");
    for (status, n) in &s.by_status {
        println!(
            "  {:<18} {:<8} {n:>3}",
            status.label(Lang::En),
            status.label(Lang::ZhCn)
        );
    }

    // October's common-area electricity: the master meters' consumption × tariff.
    let tariff = Decimal::new(62, 2); // 0.62 yuan / kWh
    let mut kwh = Decimal::ZERO;
    for m in estate
        .meters()
        .iter()
        .filter(|m| m.unit_id.is_none() && m.kind == MeterKind::Electricity)
    {
        if let [.., prev, last] = m.readings.as_slice() {
            let used = (last.value - prev.value) * m.multiplier;
            println!(
                "  {}: ({} − {}) × {} = {used} kWh",
                m.id, last.value, prev.value, m.multiplier
            );
            kwh += used;
        }
    }
    let bill = estate.rounding().round(kwh * tariff);
    println!("\n== Pooled common-area electricity 公摊电费, October 2026");
    println!(
        "{kwh} kWh × {tariff} {}/kWh = {bill} {}",
        estate.currency(),
        estate.currency()
    );

    let delivered: Vec<_> = estate.units().iter().filter(|u| u.is_delivered()).collect();
    let areas: Vec<Decimal> = delivered.iter().map(|u| u.gross_area).collect();
    let total_area: Decimal = areas.iter().sum();
    let split = allocate(bill, &areas, estate.rounding())?;
    println!(
        "Split among {} delivered units by gross area ({total_area} m²):",
        delivered.len()
    );
    println!(
        "  {:<7} {:<16} {:>9} {:>10}",
        "unit", "status", "area m²", "share"
    );
    for (i, (unit, part)) in delivered.iter().zip(&split.parts).enumerate() {
        let mark = if split.adjusted.binary_search(&i).is_ok() {
            " +0.01 adjustment"
        } else {
            ""
        };
        println!(
            "  {:<7} {:<16} {:>9} {:>10}{mark}",
            unit.id,
            unit.status.label(Lang::En),
            unit.gross_area,
            part
        );
    }
    let sum: Decimal = split.parts.iter().sum();
    println!(
        "Sum of shares: {sum} = bill {bill}: {} ({} shares adjusted by one cent, largest remainders first)",
        if sum == bill { "exact" } else { "MISMATCH" },
        split.adjusted.len()
    );
    if sum != bill {
        return Err("shares do not sum to the bill".into());
    }
    fees(&estate, bill)?;
    Ok(())
}

fn date(s: &str) -> Result<NaiveDate, Box<dyn std::error::Error>> {
    Ok(s.parse()?)
}

/// October's bills for the whole estate, explained; then an overdue account.
fn fees(estate: &Estate, common_electricity: Decimal) -> Result<(), Box<dyn std::error::Error>> {
    let schedule = FeeSchedule::demo();
    let inputs = BillingInputs::default().with_pooled("common_electricity", common_electricity);
    let run = bill_estate(estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    println!(
        "\n== October 2026 bills 十月账单: {} units billed, total {} {}",
        run.bill_count(),
        run.total(),
        run.currency
    );
    for p in &run.pools {
        println!(
            "  pool {}: split {} among {} units, shares sum to {} ({} adjusted by one cent)",
            p.code,
            p.split_amount,
            p.participants,
            p.shares_total,
            p.adjusted_units.len()
        );
    }
    for unit in ["1-101", "1-102", "2-S01", "P-01"] {
        let Some(bill) = run.bill(unit) else { continue };
        println!("\n-- {unit}");
        for (zh, en) in bill.explain(Lang::ZhCn).iter().zip(bill.explain(Lang::En)) {
            println!("  {zh}\n  {en}");
        }
    }

    // An owner who has not paid August, September or October.
    let unit = "1-203";
    let mut ledger = Ledger::new(unit, *estate.rounding(), PaymentOrder::PenaltyFirst);
    let bill = run.bill(unit).ok_or("1-203 is billed")?;
    let mgmt = bill.lines.first().ok_or("a management line")?;
    let penalty = schedule.items()[0].penalty.clone();
    for (month, due) in [("2026-08", "2026-08-15"), ("2026-09", "2026-09-15")] {
        let charge = ChargeInput {
            penalty: penalty.clone(),
            ..ChargeInput::new(
                format!("{month}/management"),
                "management",
                date(due)?,
                mgmt.amount,
            )
        };
        ledger.add_charge(charge, date(&format!("{month}-01"))?)?;
    }
    ledger.add_bill(&bill, &schedule, date("2026-10-01")?)?;
    let as_of = date("2026-11-20")?;
    let reminder = ledger.reminder(as_of)?;
    println!("\n== Payment reminder 催交款通知书: unit {unit}, as of {as_of}");
    for item in &reminder.items {
        println!(
            "  {:<30} due {}  {:>3} days overdue  principal {:>8}  penalty {:>6}",
            item.charge_id, item.due, item.days_overdue, item.principal, item.penalty
        );
    }
    println!("  total due 应缴合计: {}", reminder.total_due);
    let aging = ledger.aging(as_of);
    println!(
        "  aging 账龄: 0–30 {}, 31–60 {}, 61–90 {}, 90+ {}",
        aging.days_0_30, aging.days_31_60, aging.days_61_90, aging.days_90_plus
    );
    let paid = ledger.pay("R-20261120-01", "1000.00".parse()?, as_of)?;
    println!("\n== Payment 1000.00 on {as_of}, oldest first, penalty before principal:");
    for a in &paid.applied {
        println!(
            "  {:<30} penalty {:>6}  principal {:>8}",
            a.charge_id, a.penalty, a.principal
        );
    }
    let (total, principal, pen, prepaid) = ledger.money_flow();
    println!(
        "  to prepaid 转预存: {}; paid {total} = principal {principal} + penalty {pen} + prepaid {prepaid}",
        paid.to_prepaid
    );
    println!("  still due 仍欠: {}", ledger.reminder(as_of)?.total_due);
    Ok(())
}
