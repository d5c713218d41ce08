//! The EstateKit demo on the embedded sample estate (湖畔花园 Lakeside Garden):
//! the estate at a glance, then a pooled common-area electricity bill split among
//! the delivered units by gross area, to the cent, then a handful of tickets triaged
//! (category, urgency, temperament, department, evidence, SLA deadline).
//!
//! Run: `cargo run -p estatekit-examples --bin estatekit-demo`

use std::process::ExitCode;

use estatekit::estate::{Estate, MeterKind};
use estatekit::i18n::{Label, Lang};
use estatekit::money::allocate;
use estatekit::tickets::{BusinessCalendar, EvidenceField, SlaPolicy, TicketClassifier};
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
    triage_tickets()?;
    Ok(())
}

/// Classifies a handful of zh and en tickets received on a Friday afternoon in Beijing
/// and shows where each goes and by when it must be answered: responses in business
/// hours (Mon–Fri 09:00–18:00 UTC+8), resolutions in calendar time, emergencies at once.
fn triage_tickets() -> Result<(), Box<dyn std::error::Error>> {
    let clf = TicketClassifier::default_rules();
    let calendar = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?;
    let business = SlaPolicy::default().with_calendar(calendar);
    let calendar_time = SlaPolicy::default();
    let received: chrono::DateTime<chrono::Utc> = "2026-11-06T08:30:00Z".parse()?;
    let tickets = [
        "厨房水管爆裂，水漫到客厅了，快来人！",
        "凭什么天天停水！！！物业到底管不管？气死人了！！",
        "别的小区保安晚上都巡逻，我们小区晚上一个保安都看不到，希望加强。",
        "请问物业费可以用微信交吗？",
        "Someone is trapped in the elevator in tower A, please hurry!",
        "Loud music from the bar downstairs every night until 2 am.",
        "There are cracks in the living room wall of our new apartment.",
    ];
    println!("\n== Ticket triage 工单分派 (received Friday 16:30 Beijing time)");
    for (text, c) in tickets.iter().zip(clf.classify_batch(&tickets)) {
        let respond = business.status(received, c.urgency, &c.category, None, None, &[], received);
        let sla = calendar_time.status(received, c.urgency, &c.category, None, None, &[], received);
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .filter(|e| matches!(e.field, EvidenceField::Category | EvidenceField::Urgency))
            .take(4)
            .map(|e| format!("{}:{}×{}", e.field.as_str(), e.phrase, e.weight))
            .collect();
        println!("  {text}");
        println!(
            "    {} / {} / {} / {} → {} (confidence {:.2})",
            c.category, c.kind, c.urgency, c.temperament, c.department, c.confidence
        );
        println!("    evidence: {}", evidence.join(", "));
        println!(
            "    respond by {}, resolve by {}",
            respond.response_due.format("%Y-%m-%d %H:%M UTC"),
            sla.resolution_due.map_or("-".to_owned(), |d| d
                .format("%Y-%m-%d %H:%M UTC")
                .to_string())
        );
        println!("    advice: {}", c.advice);
    }
    Ok(())
}
