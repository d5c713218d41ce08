//! A checklist restored from arbitrary JSON (against the default template) or started
//! fresh, then driven by a fuzzed sequence of operations. Every failed operation leaves
//! the checklist unchanged; every state round-trips through JSON; events are in time
//! order, none before the start day. A document that loads is exactly the document
//! given (it re-serializes identically) and equals the checklist rebuilt here from its
//! history (its event log replayed through the public operations).
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use estatekit::checkin::{
    Action, CheckinTemplate, Checklist, ChecklistData, DefectInput, HandoverOutcome, ItemData,
    Mode, Responsible, Role, Severity, completion_effects,
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

/// A time for the next action of `c`: mostly a little after its last event (or its
/// start day), sometimes a little before it, now and then anywhere.
fn at(u: &mut Unstructured<'_>, c: &Checklist) -> arbitrary::Result<DateTime<Utc>> {
    let start = c.data().started_on.and_time(NaiveTime::MIN).and_utc();
    let base = c.events().last().map_or(start, |e| e.at);
    let when = match u.int_in_range(0u8..=15)? {
        0 => DateTime::from_timestamp(i64::arbitrary(u)?, 0),
        1 => base.checked_sub_signed(Duration::seconds(i64::from(
            u.int_in_range(1u32..=1_000_000)?,
        ))),
        _ => base.checked_add_signed(Duration::seconds(i64::from(
            u.int_in_range(0u32..=200_000)?,
        ))),
    };
    Ok(when.unwrap_or(base))
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
    let start = c.data().started_on.and_time(NaiveTime::MIN).and_utc();
    let mut last = start;
    for e in c.events() {
        assert!(e.at >= last, "event at {} before {last}", e.at);
        last = e.at;
    }
    if let Some(finished) = c.finished_at() {
        assert!(finished.date_naive() >= c.data().started_on);
    }
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
            c.complete(&code, "actor", role(u)?, at(u, c)?, item_data(u)?, estate)
        }
        2 => {
            let code = u.choose(codes)?.clone();
            c.undo(&code, "actor", role(u)?, at(u, c)?, &String::arbitrary(u)?)
        }
        3 => c.finish("actor", role(u)?, at(u, c)?),
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
            c.record_defect(d, "actor", role(u)?, at(u, c)?).map(|_| ())
        }
        5 => {
            let id = format!("D{}", u.int_in_range(0..=3)?);
            c.mark_rectified(&id, "actor", role(u)?, at(u, c)?, None)
        }
        _ => {
            let id = format!("D{}", u.int_in_range(0..=3)?);
            c.reinspect(&id, bool::arbitrary(u)?, "actor", role(u)?, at(u, c)?, None)
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

/// Every state the operations reach restores from its own JSON, identically.
fn round_trip(c: &Checklist) {
    let json = c.to_json();
    let back = Checklist::from_json(&json, &TEMPLATE).expect("own JSON restores");
    assert_eq!(&back, c);
    assert_eq!(back.to_json(), json, "JSON not stable");
    // The history gives everything but the version: a document saved before versions
    // existed reads as version 0 whatever its history, and keeps counting from there.
    let rebuilt = rebuild(c.data());
    let mut data = rebuilt.data().clone();
    data.version = c.data().version;
    assert_eq!(&data, c.data(), "not what its history gives");
}

/// The checklist `saved` describes, rebuilt from its history alone: started as saved,
/// then every event of its log replayed through the public operations (a defect
/// recorded takes its fields from the saved defect of the same index). Every event of a
/// document that loaded must replay.
fn rebuild(saved: &ChecklistData) -> Checklist {
    let mut c = Checklist::start(
        &TEMPLATE,
        &saved.unit_id,
        &saved.owner,
        saved.started_on,
        saved.mode,
    )
    .expect("a loaded document starts");
    for (i, e) in saved.events.iter().enumerate() {
        let replayed = match &e.action {
            Action::Completed { item, data } => {
                c.complete(item, &e.actor, e.role, e.at, data.clone(), None)
            }
            Action::Undone { item, reason } => c.undo(item, &e.actor, e.role, e.at, reason),
            Action::DefectRecorded { .. } => {
                let d = &saved.defects[c.defects().len()];
                let input = DefectInput {
                    location: d.location.clone(),
                    description: d.description.clone(),
                    category: d.category.clone(),
                    severity: d.severity,
                    responsible: d.responsible,
                };
                c.record_defect(input, &e.actor, e.role, e.at).map(|_| ())
            }
            Action::DefectRectified { defect, note } => {
                c.mark_rectified(defect, &e.actor, e.role, e.at, note.clone())
            }
            Action::Reinspected {
                defect,
                passed,
                note,
            } => c.reinspect(defect, *passed, &e.actor, e.role, e.at, note.clone()),
            Action::Finished => c.finish(&e.actor, e.role, e.at),
        };
        if let Err(err) = replayed {
            panic!("event {i} of a loaded document does not replay: {err}");
        }
    }
    c
}

/// The checklist restored from `json`, and whether it restored without a mismatch (as
/// saved, checked against its history).
fn restored(json: &str) -> Option<(Checklist, bool)> {
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
                // Loaded as saved: exactly the document given, which is what its
                // history gives, and from_json agrees.
                let given: ChecklistData = serde_json::from_str(json).expect("it parsed");
                assert_eq!(
                    serde_json::to_string_pretty(&given).expect("serializes"),
                    r.checklist.to_json(),
                    "the loaded checklist is not the document given"
                );
                let back = Checklist::from_json(json, &TEMPLATE).expect("from_json agrees");
                assert_eq!(back, r.checklist);
                round_trip(&r.checklist);
            } else {
                assert!(Checklist::from_json(json, &TEMPLATE).is_err());
            }
            let clean = r.mismatches.is_empty();
            Some((r.checklist, clean))
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
    let day = estatekit_fuzz::date(u)?;
    let mut c = match Checklist::start(&TEMPLATE, unit, "owner", day, mode) {
        Ok(c) => c,
        // A start day outside years 1–9999 is refused, as every timestamp out of range is.
        Err(e) => {
            assert!(
                !(1..=9999).contains(&day.year()),
                "start on {day} refused: {e}"
            );
            assert_eq!(e.code(), "out_of_range", "{e}");
            return Ok(());
        }
    };
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
        let Some((mut c, clean)) = restored(&text) else {
            return;
        };
        reached(&c);
        let mut shadow = c.data().clone();
        let mut u = Unstructured::new(data);
        for _ in 0..8 {
            if step(&mut c, &mut shadow, &mut u).is_err() {
                break;
            }
        }
        // A checklist restored with mismatches (another template, or a history it
        // contradicts) stays restorable, not loadable with from_json.
        if clean {
            round_trip(&c);
        } else {
            // (An adapted state may break the document checks, e.g. finished with an
            // item that became mandatory open: then it is refused with a path.)
            match Checklist::restore(&c.to_json(), &TEMPLATE) {
                Ok(again) => assert_eq!(again.checklist, c),
                Err(e) => assert!(!e.path().is_empty()),
            }
        }
    } else {
        let _ = run(&mut Unstructured::new(data));
    }
});
