//! The EstateKit demo on the embedded sample estate (湖畔花园 Lakeside Garden):
//! the estate at a glance, then a pooled common-area electricity bill split among
//! the delivered units by gross area, to the cent; October's bills explained in zh and
//! en and an overdue account; one check-in (入住) of an unsold unit from the default
//! template, with one defect and its rectification deadline; one renovation (装修) from
//! application to deposit refund, with a violation; the fourth quarter's owner
//! satisfaction survey against the third's, with a rectification for the dimension
//! below target; a night patrol round whose finding becomes a ticket and a line of the
//! building log; a key loan returned short (a lock replacement charged to the unit);
//! a move-out: the goods release permit checked at the gate and the move-out
//! formalities that leave the unit empty; then a handful of tickets triaged (category,
//! urgency, temperament, department, evidence, SLA deadline).
//!
//! Run: `cargo run -p estatekit-examples --bin estatekit-demo`

use std::process::ExitCode;

use chrono::{NaiveDate, TimeZone, Utc};
use estatekit::checkin::{
    CheckinTemplate, Checklist, DefectInput, HandoverOutcome, ItemData, ItemKind, Mode,
    Responsible, Severity, completion_effects, overdue_rectifications,
};
use estatekit::decoration::{
    Contractor, DecorationPolicy, Decorations, Liable, Role as DecorationRole, Submission,
    ViolationInput, Worker,
};
use estatekit::estate::{Estate, MeterKind, UnitStatus};
use estatekit::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::receivables::{PaymentRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::{Label, Lang};
use estatekit::keys::{
    Authorisation, KeyPolicy, KeyRegister, KeySetInput, KeySetKind, LoanInput, Party,
};
use estatekit::money::allocate;
use estatekit::patrols::{
    Checkpoint, CheckpointKind, ItemResult, PatrolBook, Plan, Recurrence, Visit,
};
use estatekit::registry::{ArrearsCheck, OccupantRole, Person, Registry, RoleRecord};
use estatekit::release::{GoodsRelease, Item, PermitRequest, Reason, ReleasePolicy};
use estatekit::surveys::{Answer, AnswerValue, Dimension, Question, Response, Survey, SurveyKind};
use estatekit::tickets::{
    BusinessCalendar, EvidenceField, SlaPolicy, TicketClassifier, WorkingHours,
};
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
    run_checkin(&estate)?;
    run_decoration(&estate)?;
    run_survey(&estate)?;
    run_patrol()?;
    run_keys(&estate)?;
    run_move_out(&estate)?;
    triage_tickets()?;
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
            p.code, p.split_amount, p.participants, p.shares_total, p.adjusted_count
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
    // Earlier bills, like October's: issued the 1st of the next month, due 15 days later.
    for (month, issued, due) in [
        ("2026-08", "2026-09-01", "2026-09-16"),
        ("2026-09", "2026-10-01", "2026-10-16"),
    ] {
        let charge = ChargeInput {
            penalty: penalty.clone(),
            ..ChargeInput::new(
                format!("{month}/management"),
                "management",
                date(due)?,
                mgmt.amount,
            )
        };
        ledger.add_charge(charge, date(issued)?)?;
    }
    ledger.add_bill(&bill, &schedule, bill.issued_on)?;
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
    let aging = ledger.aging(as_of)?;
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

    // The estate's book: October posted (twice: a retried sync), a bank file with a
    // repeated row, a back-dated row and a row for a unit that does not exist.
    let mut book = Receivables::new(estate, &schedule, PaymentOrder::PenaltyFirst);
    let first = book.post(&run, None, None)?;
    let again = book.post(&run, None, None)?;
    println!(
        "\n== The book 应收账款: posted {} lines; posted again: {} already posted, {} new",
        first.posted, again.already_posted, again.posted
    );
    let owed = |u: &str| run.bill(u).map(|b| b.total).unwrap_or_default();
    let rows = [
        PaymentRow::new("1-101", owed("1-101"), date("2026-11-10")?, "BANK-0001"),
        PaymentRow::new("1-101", owed("1-101"), date("2026-11-10")?, "BANK-0001"),
        PaymentRow::new("1-102", owed("1-102"), date("2026-11-30")?, "BANK-0003"),
        PaymentRow::new("1-102", "100.00".parse()?, date("2026-11-12")?, "BANK-0002"),
        PaymentRow::new("9-999", "50.00".parse()?, date("2026-11-12")?, "BANK-0004"),
    ];
    let res = book.apply_payments(&rows);
    println!(
        "  bank file: {} applied, {} already applied, {} rejected",
        res.applied.len(),
        res.already_applied.len(),
        res.rejected.len()
    );
    for r in &res.rejected {
        println!(
            "  row {} ({:?}): {} at {}",
            r.row,
            r.reference,
            r.code(),
            r.path()
        );
    }
    // The letters of Dec 31: one per owner (the owner of 1-101 also has P-01 and
    // S-01), none below 1.00; the few fen left by a late exact payment written off.
    let dec31 = date("2026-12-31")?;
    let group: std::collections::HashMap<String, String> = ["1-101", "P-01", "S-01"]
        .iter()
        .map(|u| (u.to_string(), "王先生 Wang".to_string()))
        .collect();
    let letters = book.reminders(dec31, "1.00".parse()?, Some(&group))?;
    println!(
        "\n== Reminders 催交款通知书 as of {dec31}: {} letters, {} below 1.00 not sent",
        letters.letters.len(),
        letters.suppressed.len()
    );
    if let Some(letter) = letters.letters.iter().find(|l| l.unit_ids.len() > 1) {
        for line in letter.render(Lang::ZhCn).lines() {
            println!("  | {line}");
        }
    }
    let done = book.write_off_residues(dec31, "1.00".parse()?, "尾差核销 residue under 1.00")?;
    for w in &done {
        println!(
            "  written off 核销: {} {} principal {} penalty {}",
            w.unit_id, w.charge_id, w.principal, w.penalty
        );
    }
    let t = book.totals(dec31)?;
    println!(
        "  as of {dec31}: billed {} − written off {} + penalty {} = applied {} + outstanding {}; collected {} = applied + prepaid {}",
        t.billed,
        t.written_off,
        t.penalty_accrued,
        t.applied,
        t.outstanding,
        t.collected,
        t.prepaid
    );
    Ok(())
}

/// One check-in of the unsold unit 1-603 from the default template: every mandatory
/// item in order, one defect found at the joint inspection, then the effects.
fn run_checkin(estate: &Estate) -> Result<(), Box<dyn std::error::Error>> {
    let template = CheckinTemplate::default_template();
    let mut c = Checklist::start(
        &template,
        "1-603",
        "张三 Zhang San",
        "2026-11-02".parse()?,
        Mode::Ordinary,
    )?;
    println!(
        "\n== Check-in 入住: unit {} by {}, template {:?} ({} steps), {} mode",
        c.unit_id(),
        c.owner(),
        template.id(),
        template.steps().len(),
        c.mode()
    );
    let at = |h: u32, m: u32| {
        Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0)
            .single()
            .ok_or("bad demo time")
    };
    let readings = [
        (MeterKind::Water, Decimal::new(5070, 1)),
        (MeterKind::Electricity, Decimal::new(34245, 1)),
        (MeterKind::Gas, Decimal::new(2430, 1)),
    ];
    let mut minute = 0;
    for step in template.steps() {
        println!("  {} {} / {}", step.code, step.name_zh, step.name_en);
        for item in step.items.iter().filter(|i| i.mandatory) {
            minute += 2;
            let when = at(1 + minute / 60, minute % 60)?;
            let role = item.roles[0];
            let mut data = ItemData::default();
            match item.kind {
                ItemKind::Signature => data.signature_ref = Some(format!("SIG-{minute}")),
                ItemKind::Payment => data.receipt_ref = Some(format!("R-2026-{minute:04}")),
                ItemKind::KeyHandover => data.keys = Some(4),
                ItemKind::MeterReading => {
                    data.reading = readings
                        .iter()
                        .find(|(k, _)| Some(*k) == item.meter_kind)
                        .map(|(_, v)| *v);
                }
                ItemKind::Inspection => {
                    let defect = DefectInput {
                        location: "主卧 master bedroom".into(),
                        description: "窗户密封条脱落 window seal loose".into(),
                        category: "doors_windows".into(),
                        severity: Severity::Major,
                        responsible: Responsible::Developer,
                    };
                    let id = c.record_defect(defect, "王五 Wang Wu", role, when)?;
                    let d = &c.defects()[c.defects().len() - 1];
                    println!(
                        "      defect {id}: {} - {} ({}, {}), rectify by {}",
                        d.location, d.description, d.severity, d.responsible, d.deadline
                    );
                    data.outcome = Some(HandoverOutcome::AcceptedWithRectificationList);
                }
                _ => {}
            }
            let actor = match role {
                estatekit::checkin::Role::Inspector => "王五 Wang Wu",
                _ => "李四 Li Si",
            };
            c.complete(&item.code, actor, role, when, data, Some(estate))?;
            println!("    [x] {:<32} {} ({role})", item.name_en, item.name_zh);
        }
    }
    c.finish(
        "李四 Li Si",
        estatekit::checkin::Role::Receptionist,
        at(3, 0)?,
    )?;
    let p = c.progress();
    println!(
        "Completed: {}/{} mandatory items, outcome {}, {} events logged",
        p.done,
        p.total,
        c.outcome().map_or("-", |o| o.as_str()),
        c.events().len()
    );
    let fx = completion_effects(&c, estate, UnitStatus::Delivered)?;
    println!(
        "Unit {}: {} -> {} on {} (billing starts {})",
        fx.status.unit_id,
        fx.status.from.label(Lang::En),
        fx.status.to.label(Lang::En),
        fx.status.on,
        fx.status.delivered_on
    );
    for r in &fx.readings {
        println!(
            "  base reading {} ({}) = {} on {}",
            r.meter_id, r.kind, r.value, r.date
        );
    }
    for ch in &fx.charges {
        println!(
            "  {} {} {}: {} {}",
            ch.nature.label(Lang::ZhCn),
            ch.name_zh,
            ch.name_en,
            ch.amount,
            estate.currency()
        );
    }
    println!(
        "  collected {}: fees {}, prepayments {}, deposits {}",
        fx.total_charges, fx.total_fees, fx.total_prepayments, fx.total_deposits
    );
    let as_of = "2026-11-20".parse()?;
    for o in overdue_rectifications(std::slice::from_ref(&c), as_of) {
        println!(
            "Overdue on {as_of}: unit {} defect {} ({} days past {})",
            o.unit_id, o.defect_id, o.days_overdue, o.deadline
        );
    }
    Ok(())
}

/// One renovation of unit 1-201 from application to deposit refund: the owner applies
/// (the registry says he may consent), the manager approves and the fees are billed,
/// the works start (the unit becomes `decorating`), a site check finds common-area
/// damage by the contractor, a complaint about drilling at 07:00 is checked against
/// the permitted hours, the works are accepted (the unit's status is restored) and the
/// deposit is settled with every deduction explained.
fn run_decoration(estate: &Estate) -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new(estate.id());
    registry.add_person(Person::new("P-ZHANG", "张三 Zhang San"))?;
    registry.add_role(RoleRecord::new(
        "1-201",
        "P-ZHANG",
        OccupantRole::Owner,
        "2024-06-01".parse()?,
    ))?;
    let mut d = Decorations::new(estate, DecorationPolicy::default_policy())?;
    let at = |s: &str| s.parse::<chrono::DateTime<Utc>>();
    let mut app = Submission::new(
        "R-2026-001",
        "1-201",
        "P-ZHANG",
        &["flooring", "waterproofing"],
        "2026-11-09".parse()?,
        "2026-12-31".parse()?,
    );
    app.contractor = Some(Contractor {
        name: "安居装饰 Anju Decoration".into(),
        licence_ref: Some("D2-3301".into()),
        foreman: "赵工".into(),
        workers: vec![
            Worker {
                name: "王五".into(),
                pass_no: "P-001".into(),
            },
            Worker {
                name: "李四".into(),
                pass_no: "P-002".into(),
            },
        ],
    });
    app.documents = [
        "ownership_proof",
        "applicant_id",
        "decoration_plan",
        "contractor_licence",
    ]
    .map(String::from)
    .to_vec();
    println!(
        "\n== Decoration 装修: unit 1-201, flooring and waterproofing, 2026-11-09 to 2026-12-31"
    );
    let t0 = at("2026-11-02T02:00:00Z")?;
    if let Err(e) = d.submit(
        estate,
        &registry,
        app.clone(),
        "小陈",
        DecorationRole::CustomerService,
        t0,
    ) {
        println!("  refused: {e}");
    }
    app.documents.push("waterproofing_plan".into());
    d.submit(
        estate,
        &registry,
        app,
        "小陈",
        DecorationRole::CustomerService,
        t0,
    )?;
    for f in d.approve(
        "R-2026-001",
        estate,
        "周经理",
        DecorationRole::Manager,
        at("2026-11-03T02:00:00Z")?,
    )? {
        println!("  fee {} | {}", f.explain(Lang::ZhCn), f.explain(Lang::En));
    }
    d.record_fees_paid(
        "R-2026-001",
        "RC-1001",
        "钱会计",
        DecorationRole::Finance,
        at("2026-11-04T02:00:00Z")?,
    )?;
    d.record_deposit(
        "R-2026-001",
        Decimal::new(200_000, 2),
        "RC-1002",
        "钱会计",
        DecorationRole::Finance,
        at("2026-11-04T02:05:00Z")?,
    )?;
    let change = d.start_works(
        "R-2026-001",
        estate,
        "小陈",
        DecorationRole::CustomerService,
        at("2026-11-09T01:00:00Z")?,
    )?;
    println!(
        "  works start {}: unit {} becomes {}",
        change.since,
        change.unit_id,
        change.status.label(Lang::ZhCn)
    );
    let complaint = at("2026-11-10T23:00:00Z")?; // Wednesday 07:00 Beijing
    let check = d.work_check("1-201", complaint, true);
    println!(
        "  complaint \"楼上装修从早上七点就开始砸墙\" ({}): {} / {}",
        check.local,
        check.verdict.label(Lang::ZhCn),
        check.verdict.label(Lang::En)
    );
    let v = d.record_violation(
        "R-2026-001",
        ViolationInput {
            code: "noise_outside_hours".into(),
            liable: Liable::Owner,
            amount: None,
            note: Some("07:00 砸墙".into()),
        },
        "孙巡",
        DecorationRole::Security,
        at("2026-11-11T00:10:00Z")?,
    )?;
    println!(
        "  violation {} {} {}: {} (liable: {}), rectify by {}",
        v.id,
        v.name_zh,
        v.name_en,
        v.amount,
        v.liable.label(Lang::En),
        v.due
    );
    let v2 = d.record_violation(
        "R-2026-001",
        ViolationInput {
            code: "common_area_damage".into(),
            liable: Liable::Contractor,
            amount: Some(Decimal::new(35_000, 2)),
            note: Some("电梯轿厢划伤".into()),
        },
        "吴工",
        DecorationRole::Engineer,
        at("2026-11-12T03:00:00Z")?,
    )?;
    println!(
        "  violation {} {} {}: {} (liable: {})",
        v2.id,
        v2.name_zh,
        v2.name_en,
        v2.amount,
        v2.liable.label(Lang::En)
    );
    for id in ["V1", "V2"] {
        d.rectify_violation(
            "R-2026-001",
            id,
            "吴工",
            DecorationRole::Engineer,
            at("2026-11-16T02:00:00Z")?,
        )?;
    }
    d.return_passes(
        "R-2026-001",
        &["P-001"],
        "小陈",
        DecorationRole::CustomerService,
        at("2026-12-10T01:00:00Z")?,
    )?;
    d.report_completion(
        "R-2026-001",
        "小陈",
        DecorationRole::CustomerService,
        at("2026-12-10T02:00:00Z")?,
    )?;
    if let Some(back) = d.inspect(
        "R-2026-001",
        true,
        Some("验收合格"),
        "吴工",
        DecorationRole::Engineer,
        at("2026-12-11T02:00:00Z")?,
    )? {
        println!(
            "  accepted {}: unit {} back to {}",
            back.since,
            back.unit_id,
            back.status.label(Lang::ZhCn)
        );
    }
    let s = d.settle_deposit(
        "R-2026-001",
        None,
        "钱会计",
        DecorationRole::Finance,
        at("2026-12-14T02:00:00Z")?,
    )?;
    println!("  deposit {} settled:", s.deposit);
    for x in &s.deductions {
        println!("    − {:>8}  {} | {}", x.amount, x.reason_zh, x.reason_en);
    }
    println!(
        "  refund {} due by {}; shortfall charged to the unit {}",
        s.refund, s.refund_due, s.shortfall_charge
    );
    d.close(
        "R-2026-001",
        "TR-0088",
        "钱会计",
        DecorationRole::Finance,
        at("2026-12-15T02:00:00Z")?,
    )?;
    let st = d.statistics(at("2026-12-15T03:00:00Z")?);
    println!(
        "  {} renovation(s), median review {} h, {} violations per 100 renovations",
        st.total,
        st.median_review_hours.unwrap_or_default(),
        st.violations_per_100.unwrap_or_default()
    );
    Ok(())
}

/// The owner satisfaction survey (业主满意度调查) of 2026's third and fourth quarters:
/// every delivered unit is surveyed, one valid response per unit from a person
/// registered on it; the fourth quarter's satisfaction (top two boxes over the valid
/// answers) against the 95 % target and the third quarter, by dimension and building,
/// and the rectification a dimension below target opens, with its owner and deadline.
fn run_survey(estate: &Estate) -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new(estate.id());
    let units: Vec<String> = estate
        .units()
        .iter()
        .filter(|u| u.is_delivered())
        .map(|u| u.id.clone())
        .collect();
    for u in &units {
        let person = format!("P-{u}");
        registry.add_person(Person::new(person.as_str(), format!("业主 {u}")))?;
        registry.add_role(RoleRecord::new(
            u.as_str(),
            person.as_str(),
            OccupantRole::Owner,
            "2024-06-01".parse()?,
        ))?;
    }
    let dims = [
        (
            "service",
            "您对客服接待是否满意？",
            "Customer service?",
            Dimension::Service,
        ),
        (
            "security",
            "您对秩序维护是否满意？",
            "Security?",
            Dimension::Security,
        ),
        (
            "cleaning",
            "您对小区保洁是否满意？",
            "Cleaning?",
            Dimension::Cleaning,
        ),
        (
            "repairs",
            "您对维修服务是否满意？",
            "Repairs?",
            Dimension::Repairs,
        ),
    ];
    let questions: Vec<Question> = dims
        .iter()
        .map(|(code, zh, en, d)| Question::scale(code, zh, en, *d))
        .collect();
    // Each response: four scores (service, security, cleaning, repairs), 5 = 非常满意.
    let quarter = |q: u32, scores: &[[u8; 4]]| -> Result<Survey, Box<dyn std::error::Error>> {
        let (a, b) = Survey::quarter(2026, q)?;
        let mut s = Survey::new(
            &format!("S-2026Q{q}"),
            SurveyKind::Satisfaction,
            &format!("2026年第{q}季度业主满意度调查"),
            a,
            b,
            questions.clone(),
        )?;
        let opened = Utc.from_utc_datetime(
            &b.pred_opt()
                .ok_or("a quarter")?
                .and_hms_opt(0, 0, 0)
                .ok_or("midnight")?,
        ) - chrono::Duration::days(20);
        s.publish(estate, opened)?;
        s.start_collecting(opened)?;
        for (i, sc) in scores.iter().enumerate() {
            let u = &units[i * 3 % units.len()];
            s.respond(
                &registry,
                Response {
                    unit_id: u.clone(),
                    person_id: format!("P-{u}"),
                    at: opened + chrono::Duration::hours(i as i64 * 7),
                    answers: dims
                        .iter()
                        .zip(sc)
                        .map(|((code, ..), v)| Answer {
                            question: (*code).into(),
                            value: AnswerValue::Score(*v),
                        })
                        .collect(),
                },
            )?;
        }
        s.close(Utc.from_utc_datetime(&b.and_hms_opt(9, 0, 0).ok_or("09:00")?))?;
        Ok(s)
    };
    let q3 = quarter(
        3,
        &[
            [5, 5, 4, 4],
            [4, 5, 5, 4],
            [5, 4, 4, 5],
            [5, 5, 4, 3],
            [4, 4, 5, 5],
            [5, 4, 5, 4],
        ],
    )?;
    let q4 = quarter(
        4,
        &[
            [5, 5, 4, 4],
            [5, 5, 3, 5],
            [4, 5, 5, 4],
            [5, 4, 2, 5],
            [5, 5, 4, 4],
            [4, 4, 5, 5],
            [5, 5, 4, 5],
            [5, 4, 3, 4],
            [4, 5, 5, 5],
            [5, 5, 4, 4],
        ],
    )?;
    let previous = q3.results(None)?;
    let r = q4.results(Some(&previous))?;
    println!(
        "\n== Survey 满意度调查: {} ({})",
        q4.title(),
        q4.kind().label(Lang::En)
    );
    println!(
        "  {} of {} delivered units answered (response rate {}); satisfaction {} against the target {}: {}",
        r.valid,
        r.distributed,
        r.response_rate.unwrap_or_default(),
        r.survey_satisfaction.unwrap_or_default(),
        r.target,
        if r.target_met { "met" } else { "missed" }
    );
    if let Some(t) = &r.trend {
        println!(
            "  against {}: {} → change {}",
            t.previous_survey,
            t.previous_satisfaction.unwrap_or_default(),
            t.satisfaction_change.unwrap_or_default()
        );
    }
    for b in &r.by_dimension {
        println!(
            "  {:<10} satisfied {:>2}/{:<2} = {}  mean {}",
            b.key,
            b.satisfied,
            b.answers,
            b.satisfaction.unwrap_or_default(),
            b.mean_score.unwrap_or_default()
        );
    }
    for b in &r.by_building {
        println!(
            "  building {}: satisfaction {}, mean {}",
            b.key,
            b.satisfaction.unwrap_or_default(),
            b.mean_score.unwrap_or_default()
        );
    }
    for x in &r.rectifications {
        println!(
            "  rectification: {} {} ({} < {}) → {} by {}",
            x.dimension.label(Lang::ZhCn),
            x.dimension.label(Lang::En),
            x.satisfaction,
            x.target,
            x.owner,
            x.deadline.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok(())
}

/// A night patrol (巡楼) of three checkpoints in two rounds, 20:00–21:00 and
/// 22:00–23:00 Beijing time: the first round finds the roof's fire route blocked by
/// renovation debris (a note is required), which becomes a ticket (channel `patrol`,
/// classified and routed) and a line of building 1's log; it misses the pump room;
/// the second round is complete. Then each point's timeliness and the statistics.
fn run_patrol() -> Result<(), Box<dyn std::error::Error>> {
    let window = |a: &str, b: &str| -> Result<WorkingHours, Box<dyn std::error::Error>> {
        Ok(WorkingHours::new(a.parse()?, b.parse()?))
    };
    let checkpoint =
        |id: &str, name: &str, building: Option<&str>, kind, items: &[&str]| Checkpoint {
            id: id.into(),
            name: name.into(),
            building_id: building.map(str::to_owned),
            kind,
            items: items.iter().map(|i| (*i).to_owned()).collect(),
        };
    let mut book = PatrolBook::new(
        vec![
            checkpoint(
                "CP-GATE",
                "大门岗亭",
                None,
                CheckpointKind::Security,
                &["门岗在岗", "道闸正常"],
            ),
            checkpoint(
                "CP-B1-ROOF",
                "1号楼天台",
                Some("B1"),
                CheckpointKind::Security,
                &["天台门已锁", "消防通道畅通"],
            ),
            checkpoint(
                "CP-PUMP",
                "水泵房",
                None,
                CheckpointKind::Equipment,
                &["水泵运行正常"],
            ),
        ],
        vec![Plan {
            id: "NIGHT".into(),
            route: vec!["CP-GATE".into(), "CP-B1-ROOF".into(), "CP-PUMP".into()],
            recurrence: Recurrence::Daily,
            windows: vec![window("20:00", "21:00")?, window("22:00", "23:00")?],
            staff: "刘保安".into(),
            deputy: Some("王保安".into()),
        }],
        480,
    )?;
    let day = date("2026-11-03")?;
    println!(
        "\n== Patrol 巡逻: plan NIGHT on {day}, {} rounds generated",
        book.generate(day, day)?
    );
    let visit = |cp: &str,
                 at: &str,
                 by: &str,
                 results: &[(&str, bool)],
                 note: Option<&str>|
     -> Result<Visit, Box<dyn std::error::Error>> {
        Ok(Visit {
            checkpoint_id: cp.into(),
            at: at.parse()?,
            by: by.into(),
            results: results
                .iter()
                .map(|(i, ok)| ItemResult {
                    item: (*i).into(),
                    ok: *ok,
                })
                .collect(),
            note: note.map(str::to_owned),
        })
    };
    let gate = [("门岗在岗", true), ("道闸正常", true)];
    book.record_visit(
        "NIGHT/2026-11-03/0",
        visit("CP-GATE", "2026-11-03T12:10:00Z", "刘保安", &gate, None)?,
    )?;
    let blocked = [("天台门已锁", true), ("消防通道畅通", false)];
    if let Err(e) = book.record_visit(
        "NIGHT/2026-11-03/0",
        visit(
            "CP-B1-ROOF",
            "2026-11-03T13:20:00Z",
            "王保安",
            &blocked,
            None,
        )?,
    ) {
        println!("  refused: {e}");
    }
    let finding = book
        .record_visit(
            "NIGHT/2026-11-03/0",
            visit(
                "CP-B1-ROOF",
                "2026-11-03T13:20:00Z",
                "王保安",
                &blocked,
                Some("天台通道堆放装修垃圾"),
            )?,
        )?
        .ok_or("an abnormal visit opens a finding")?;
    for (cp, at) in [
        ("CP-GATE", "14:05"),
        ("CP-B1-ROOF", "14:20"),
        ("CP-PUMP", "14:40"),
    ] {
        let items: &[(&str, bool)] = match cp {
            "CP-GATE" => &gate,
            "CP-B1-ROOF" => &[("天台门已锁", true), ("消防通道畅通", true)],
            _ => &[("水泵运行正常", true)],
        };
        book.record_visit(
            "NIGHT/2026-11-03/1",
            visit(cp, &format!("2026-11-03T{at}:00Z"), "刘保安", items, None)?,
        )?;
    }
    let as_of = "2026-11-03T16:00:00Z".parse()?;
    for task in book.tasks() {
        let timings: Vec<String> = book
            .point_timings(&task.id, as_of)?
            .iter()
            .map(|(cp, t)| format!("{cp} {}", t.map(|t| t.label(Lang::ZhCn)).unwrap_or("-")))
            .collect();
        let status = book.task_status(&task.id, as_of)?;
        println!(
            "  {} {}–{}: {} / {} | {}",
            task.id,
            task.window.start.format("%H:%M"),
            task.window.end.format("%H:%M"),
            status.label(Lang::ZhCn),
            status.label(Lang::En),
            timings.join(", ")
        );
    }
    let (ticket, c) = book.finding_ticket(&finding.id, &TicketClassifier::default_rules())?;
    println!(
        "  finding {} → ticket {} ({}): \"{}\" → {} / {}",
        finding.id,
        ticket.id,
        ticket.channel.as_str(),
        ticket.text,
        c.category.as_str(),
        c.department.as_str()
    );
    for line in book.building_log("B1", day) {
        println!("  building log B1: {line}");
    }
    book.close_finding(&finding.id, "2026-11-04T03:30:00Z".parse()?)?;
    let s = book.statistics("2026-11-04T04:00:00Z".parse()?);
    println!(
        "  {} rounds, completion {}, on time {} ({}/{} visits), {} missed point(s), {} finding(s) closed in {} h on average",
        s.tasks,
        s.completion_rate.unwrap_or_default(),
        s.on_time_rate.unwrap_or_default(),
        s.on_time,
        s.visits,
        s.missed_points,
        s.findings_closed,
        s.mean_closure_hours.unwrap_or_default()
    );
    Ok(())
}

/// The key cabinet: building 1's roof keys lent to the owner of 1-101 for the morning,
/// overdue at noon, back with one key missing: the lock is replaced at her cost, a single
/// charge on her unit's account ready for the book; then the month's stock-take.
fn run_keys(estate: &Estate) -> Result<(), Box<dyn std::error::Error>> {
    let at = |s: &str| s.parse::<chrono::DateTime<Utc>>();
    let mut reg = KeyRegister::new(estate.id(), KeyPolicy::new(Decimal::new(15_000, 2)))?;
    reg.register(
        estate,
        KeySetInput::new("K-ROOF-1", KeySetKind::PublicRoom, "1号楼天台", "A-01", 2),
        "李主管",
        at("2026-11-01T01:00:00Z")?,
    )?;
    let mut pump = KeySetInput::new("K-PUMP", KeySetKind::PublicRoom, "水泵房", "A-03", 2);
    pump.lock_replacement = Some(Decimal::new(30_000, 2));
    reg.register(estate, pump, "李主管", at("2026-11-01T01:05:00Z")?)?;
    let loan = LoanInput {
        id: "L-1".into(),
        key_set_id: "K-ROOF-1".into(),
        borrower: "王芳".into(),
        party: Party::Owner,
        unit_id: Some("1-101".into()),
        id_checked: true,
        authorisation: Authorisation::Manager {
            name: "周经理".into(),
        },
        reason: "检查天台太阳能热水器".into(),
        count: 2,
        due: Some(at("2026-11-03T04:00:00Z")?),
    };
    println!("\n== Keys 钥匙管理: building 1's roof lent to the owner of 1-101");
    let l = reg.lend(loan.clone(), None, "小陈", at("2026-11-03T02:00:00Z")?)?;
    println!(
        "  loan {} of {} ({} keys, {}) authorised by a manager, due {}",
        l.input.id, l.input.key_set_id, l.input.count, l.input.reason, l.due
    );
    let mut second = loan;
    second.id = "L-2".into();
    if let Err(e) = reg.lend(second, None, "小陈", at("2026-11-03T03:00:00Z")?) {
        println!("  a second loan: {} ({})", e, e.code());
    }
    for o in reg.overdue(at("2026-11-03T05:00:00Z")?) {
        println!("  overdue at 13:00: {} by {}", o.input.id, o.input.borrower);
    }
    reg.return_loan("L-1", 1, "小陈", at("2026-11-03T06:00:00Z")?)?;
    let loss = reg.losses()[0].clone();
    if let Some(c) = reg.loss_charge(&loss.id)? {
        println!(
            "  back with {} key missing: {} {} on {}, due {} ({})",
            loss.missing,
            c.item_code,
            c.amount,
            c.unit_id,
            c.due,
            c.description.unwrap_or_default()
        );
    }
    reg.replace_lock("K-ROOF-1", 3, "李主管", at("2026-11-04T02:00:00Z")?)?;
    let st = reg.stock_take(
        &[("K-ROOF-1".into(), 3), ("K-PUMP".into(), 1)],
        "李主管",
        at("2026-11-30T09:00:00Z")?,
    )?;
    for d in st.differences() {
        println!(
            "  stock-take 11-30: {} (slot {}) counted {} of {}",
            d.key_set_id,
            d.slot,
            d.counted.unwrap_or_default(),
            d.expected
        );
    }
    Ok(())
}

/// A whole unit's move-out: the owner of 1-101 asks for a goods release permit while
/// owing 381.65 (a warning, not a block), the manager approves, the guard checks the
/// van at the gate (a sofa not on the permit is stopped), and the move-out formalities
/// (final readings, the account and deposit settled, keys returned) leave the unit empty.
fn run_move_out(estate: &Estate) -> Result<(), Box<dyn std::error::Error>> {
    use estatekit::checkin::{HandoverOutcome, Role};
    let at = |s: &str| s.parse::<chrono::DateTime<Utc>>();
    let mut registry = Registry::new(estate.id());
    registry.add_person(Person::new("P-WANG", "王芳"))?;
    registry.add_role(RoleRecord::new(
        "1-101",
        "P-WANG",
        OccupantRole::Owner,
        "2024-06-01".parse()?,
    ))?;
    let mut g = GoodsRelease::new(estate.id(), ReleasePolicy::default())?;
    let request = PermitRequest {
        id: "GR-001".into(),
        unit_id: "1-101".into(),
        applicant: "P-WANG".into(),
        id_ref: Some("ID-CHECKED-0001".into()),
        items: vec![Item::new("冰箱", 1), Item::new("纸箱", 12)],
        plate: Some("浙A 12345".into()),
        pass_date: date("2026-12-05")?,
        window: Some(WorkingHours::new("08:00".parse()?, "18:00".parse()?)),
        reason: Reason::MoveOut,
        whole_unit: true,
    };
    println!("\n== Move-out 退租搬出: unit 1-101, goods release permit GR-001 for 2026-12-05");
    let p = g.request(
        request,
        &registry,
        ArrearsCheck::Amount(Decimal::new(38_165, 2)),
        "小陈",
        at("2026-12-04T02:00:00Z")?,
    )?;
    for w in &p.warnings {
        println!("  warning for the approver: {w}");
    }
    g.approve(
        "GR-001",
        None,
        &registry,
        "周经理",
        at("2026-12-04T02:30:00Z")?,
    )?;
    let gate = at("2026-12-05T02:00:00Z")?;
    let loaded = [
        Item::new("冰箱", 1),
        Item::new("纸箱", 12),
        Item::new("沙发", 1),
    ];
    if let Err(e) = g.verify("GR-001", Some("浙A12345"), &loaded, "保安 刘", gate) {
        println!("  at the gate: {e} ({})", e.code());
    }
    let p = g.verify("GR-001", Some("浙A12345"), &loaded[..2], "保安 刘", gate)?;
    println!(
        "  let out {} by {}: {}",
        p.used_at.map(|t| t.to_string()).unwrap_or_default(),
        p.verified_by.as_deref().unwrap_or("-"),
        p.request
            .items
            .iter()
            .map(|i| format!("{} × {}", i.name, i.quantity))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let template = CheckinTemplate::default_move_out();
    let mut c = g.start_move_out("GR-001", &template, &registry)?;
    let last = |kind: MeterKind| {
        estate
            .meters_of("1-101")
            .into_iter()
            .find(|m| m.kind == kind)
            .and_then(|m| m.readings.last())
            .map(|r| r.value)
            .unwrap_or_default()
    };
    let mut minute = 0;
    for step in template.steps() {
        for item in step.items.iter().filter(|i| i.mandatory) {
            minute += 5;
            let mut data = ItemData::default();
            match (item.kind, item.meter_kind) {
                (ItemKind::MeterReading, Some(kind)) => {
                    data.reading = Some(last(kind) + Decimal::new(125, 1));
                }
                (ItemKind::Inspection, _) => data.outcome = Some(HandoverOutcome::Accepted),
                (ItemKind::KeyHandover, _) => data.keys = Some(3),
                (ItemKind::Signature, _) => data.signature_ref = Some("SIG-MO-1".into()),
                _ => {}
            }
            c.complete(
                &item.code,
                "李四 Li Si",
                item.roles[0],
                gate + chrono::Duration::minutes(minute),
                data,
                Some(estate),
            )?;
        }
    }
    c.finish(
        "李四 Li Si",
        Role::Receptionist,
        at("2026-12-05T06:00:00Z")?,
    )?;
    let fx = completion_effects(&c, estate, UnitStatus::Delivered)?;
    println!(
        "  formalities done: unit {} {} → {} on {}",
        fx.status.unit_id,
        fx.status.from.label(Lang::En),
        fx.status.to.label(Lang::En),
        fx.status.on
    );
    for r in &fx.readings {
        println!("    final reading {} {}: {}", r.meter_id, r.kind, r.value);
    }
    Ok(())
}

/// Classifies a handful of zh and en tickets received on a Friday afternoon in Beijing
/// and shows where each goes and by when it must be answered, on one policy: responses
/// in business hours (Mon–Fri 09:00–18:00 UTC+8), resolutions in wall-clock or
/// calendar time, emergencies at once; a response never falls after the resolution.
fn triage_tickets() -> Result<(), Box<dyn std::error::Error>> {
    let clf = TicketClassifier::default_rules();
    let calendar = BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)?;
    let policy = SlaPolicy::default().with_calendar(calendar);
    let received: chrono::DateTime<chrono::Utc> = "2026-11-06T08:30:00Z".parse()?;
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).ok_or("UTC+8")?;
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
        let sla = policy.status(
            received,
            c.urgency,
            &c.category,
            None,
            None,
            &[],
            None,
            received,
        )?;
        if sla.resolution_due.is_some_and(|r| sla.response_due > r) {
            return Err(format!("{text}: response due after resolution due").into());
        }
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
        let local = |d: chrono::DateTime<chrono::Utc>| {
            d.with_timezone(&beijing)
                .format("%a %m-%d %H:%M")
                .to_string()
        };
        println!(
            "    respond by {} ({}{}), resolve by {} ({})",
            local(sla.response_due),
            sla.targets.response,
            if sla.response_clamped {
                ", brought forward to the resolution"
            } else {
                ""
            },
            sla.resolution_due.map_or("-".to_owned(), local),
            sla.targets.resolution
        );
        println!("    advice: {}", c.advice);
    }
    Ok(())
}
