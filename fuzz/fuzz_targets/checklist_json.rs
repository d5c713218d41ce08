//! A checklist restored from arbitrary JSON (against the default template) or started
//! fresh, then driven by a fuzzed sequence of operations. Every failed operation leaves
//! the checklist unchanged; every state round-trips through JSON.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use estatekit::checkin::{
    CheckinTemplate, Checklist, ChecklistData, DefectInput, HandoverOutcome, ItemData, Mode,
    Responsible, Role, Severity, completion_effects,
};
use estatekit::estate::{Estate, UnitStatus};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static TEMPLATE: LazyLock<CheckinTemplate> = LazyLock::new(CheckinTemplate::default_template);
static ESTATE: LazyLock<Estate> = LazyLock::new(Estate::demo);
static CODES: LazyLock<Vec<String>> =
    LazyLock::new(|| TEMPLATE.items().map(|(_, i)| i.code.clone()).collect());
const UNITS: [&str; 4] = ["1-603", "1-101", "B-01", "nope"];
/// Operations per sequence at most: enough to do every item of the template (26) with
/// failures, undos and defects in between, and to finish. Each operation compares or
/// copies the whole checklist, whose event log grows with the sequence, so longer
/// sequences cost quadratically and add no new kind of state.
const MAX_STEPS: usize = 128;

fn role(u: &mut Unstructured<'_>) -> arbitrary::Result<Role> {
    Ok(*u.choose(&[Role::Receptionist, Role::Inspector, Role::Manager])?)
}

fn at(u: &mut Unstructured<'_>) -> arbitrary::Result<DateTime<Utc>> {
    let secs = if u.ratio(1u8, 16)? {
        i64::arbitrary(u)?
    } else {
        1_793_000_000 + i64::from(u.int_in_range(0u32..=10_000_000)?)
    };
    Ok(DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::UNIX_EPOCH))
}

fn item_data(u: &mut Unstructured<'_>) -> arbitrary::Result<ItemData> {
    let mut d = ItemData::default();
    if bool::arbitrary(u)? {
        d.reading = Some(estatekit_fuzz::decimal(u)?);
    }
    if bool::arbitrary(u)? {
        d.keys = Some(u.int_in_range(0..=5)?);
    }
    if bool::arbitrary(u)? {
        d.signature_ref = Some(String::arbitrary(u)?);
    }
    if bool::arbitrary(u)? {
        d.receipt_ref = Some(String::arbitrary(u)?);
    }
    if bool::arbitrary(u)? {
        d.outcome = Some(*u.choose(&[
            HandoverOutcome::Accepted,
            HandoverOutcome::AcceptedWithRectificationList,
            HandoverOutcome::Refused,
        ])?);
    }
    Ok(d)
}

/// Checks a state reached: progress, and completion effects once complete. Called for
/// the first state and after each successful operation (a failed one reaches no new
/// state).
fn reached(c: &Checklist) {
    let p = c.progress();
    assert!(p.done <= p.total);
    if c.is_complete() {
        for status in [UnitStatus::Delivered, UnitStatus::Occupied] {
            let _ = completion_effects(c, &ESTATE, status);
        }
    }
}

/// Drives `c` one operation. `shadow` is a copy of `c`'s data before the operation (the
/// template never changes: comparing the data is comparing the checklist), kept equal
/// to it across steps: a failed operation must leave it equal, a successful one
/// refreshes it. One copy per successful operation instead of one per operation.
fn step(
    c: &mut Checklist,
    shadow: &mut ChecklistData,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    let codes = &*CODES;
    let estate = bool::arbitrary(u)?.then_some(&*ESTATE);
    let result = match u.int_in_range(0u8..=6)? {
        0 | 1 => {
            let code = if u.ratio(1u8, 20)? {
                String::arbitrary(u)?
            } else {
                u.choose(codes)?.clone()
            };
            c.complete(&code, "actor", role(u)?, at(u)?, item_data(u)?, estate)
        }
        2 => {
            let code = u.choose(codes)?.clone();
            c.undo(&code, "actor", role(u)?, at(u)?, &String::arbitrary(u)?)
        }
        3 => c.finish("actor", role(u)?, at(u)?),
        4 => {
            let d = DefectInput {
                location: String::arbitrary(u)?,
                description: String::arbitrary(u)?,
                category: String::arbitrary(u)?,
                severity: *u.choose(&[Severity::Minor, Severity::Major, Severity::Critical])?,
                responsible: *u.choose(&[
                    Responsible::Developer,
                    Responsible::Owner,
                    Responsible::PropertyCompany,
                ])?,
            };
            c.record_defect(d, "actor", role(u)?, at(u)?).map(|_| ())
        }
        5 => {
            let id = format!("D{}", u.int_in_range(0..=3)?);
            c.mark_rectified(&id, "actor", role(u)?, at(u)?, None)
        }
        _ => {
            let id = format!("D{}", u.int_in_range(0..=3)?);
            c.reinspect(&id, bool::arbitrary(u)?, "actor", role(u)?, at(u)?, None)
        }
    };
    match result {
        Ok(()) => {
            *shadow = c.data().clone();
            reached(c);
        }
        Err(e) => {
            assert!(!e.path().is_empty());
            assert_eq!(
                &*shadow,
                c.data(),
                "failed operation ({e}) changed the checklist"
            );
        }
    }
    Ok(())
}

/// Every state the operations reach restores from its own JSON.
fn round_trip(c: &Checklist) {
    let back = Checklist::from_json(&c.to_json(), &TEMPLATE).expect("own JSON restores");
    assert_eq!(&back, c);
}

fn restored(json: &str) -> Option<Checklist> {
    match Checklist::restore(json, &TEMPLATE) {
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            None
        }
        Ok(r) => {
            let _ = (
                r.checklist.progress(),
                r.checklist.missing(),
                r.checklist.actionable(),
            );
            if r.mismatches.is_empty() {
                let back =
                    Checklist::from_json(&r.checklist.to_json(), &TEMPLATE).expect("round trip");
                assert_eq!(back, r.checklist);
            }
            Some(r.checklist)
        }
    }
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let unit = *u.choose(&UNITS)?;
    let mode = if bool::arbitrary(u)? {
        Mode::Centralized
    } else {
        Mode::Ordinary
    };
    let mut c =
        Checklist::start(&TEMPLATE, unit, "owner", estatekit_fuzz::date(u)?, mode).expect("start");
    reached(&c);
    let mut shadow = c.data().clone();
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        step(&mut c, &mut shadow, u)?;
    }
    round_trip(&c);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // A document (starts with `{`): restore it, then drive it. Anything else: start a
    // fresh checklist and drive it with the bytes.
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        let Some(mut c) = restored(&text) else { return };
        reached(&c);
        let mut shadow = c.data().clone();
        let mut u = Unstructured::new(data);
        for _ in 0..8 {
            if step(&mut c, &mut shadow, &mut u).is_err() {
                break;
            }
        }
        round_trip(&c);
    } else {
        let _ = run(&mut Unstructured::new(data));
    }
});
