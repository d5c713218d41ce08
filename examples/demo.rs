//! The EstateKit demo on the embedded sample estate (湖畔花园 Lakeside Garden):
//! the estate at a glance, then a pooled common-area electricity bill split among
//! the delivered units by gross area, to the cent.
//!
//! Run: `cargo run -p estatekit-examples --bin estatekit-demo`

use std::process::ExitCode;

use estatekit::estate::{Estate, MeterKind};
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
    Ok(())
}
