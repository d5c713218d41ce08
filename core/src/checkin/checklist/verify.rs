//! Loading keeps the invariants of the operations: a saved checklist is rebuilt by
//! replaying its event log through the operations (against the template given) and
//! must be exactly what the document says.
//!
//! The first contradiction is reported: an event the operations refuse
//! ([`CheckinError::EventOutOfOrder`] at `events[i].at`, [`CheckinError::RoleNotAllowed`]
//! at `events[i].role`, anything else [`CheckinError::InconsistentDocument`] at
//! `events[i]` or one of its fields), an event that does not record what its operation
//! records (`events[i].<field>`), then the first field of the document that differs
//! from the rebuilt one (`items.<code>.completion.<field>`, `defects[j].<field>`,
//! `finished_at`, …). Every value is compared as it serializes, so a document that
//! loads writes back identically.

use serde::Serialize;

use super::data::EventRecord;
use super::restore::Saved;
use super::{
    Checklist, ChecklistData, Completion, Defect, DefectInput, Event, EventAction, ItemData,
    ItemState,
};
use crate::checkin::{CheckinError, CheckinTemplate};

fn inconsistent(path: impl Into<String>, reason: impl Into<String>) -> CheckinError {
    CheckinError::InconsistentDocument {
        path: path.into(),
        reason: reason.into(),
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("a checklist value serializes: string keys, no floats, no custom failure")
}

/// The document's value against the rebuilt one, compared as serialized.
fn same<T: Serialize + ?Sized>(
    path: impl FnOnce() -> String,
    document: &T,
    rebuilt: &T,
) -> Result<(), CheckinError> {
    let (d, r) = (json(document), json(rebuilt));
    if d == r {
        Ok(())
    } else {
        Err(inconsistent(
            path(),
            format!("the document says {d}, its event log gives {r}"),
        ))
    }
}

/// An error of an operation replaying event `i`, re-rooted at the event.
fn at_event(i: usize, defect: Option<usize>, e: CheckinError) -> CheckinError {
    let base = format!("events[{i}]");
    match e {
        CheckinError::EventOutOfOrder { at, last, .. } => CheckinError::EventOutOfOrder {
            path: format!("{base}.at"),
            at,
            last,
        },
        CheckinError::RoleNotAllowed {
            role,
            action,
            allowed,
            ..
        } => CheckinError::RoleNotAllowed {
            path: format!("{base}.role"),
            role,
            action,
            allowed,
        },
        other => {
            let op_path = other.path().to_owned();
            let path = match op_path.as_str() {
                "item_code" | "defect_id" => format!("{base}.target"),
                "actor" => format!("{base}.actor"),
                "reason" => format!("{base}.note"),
                p if p.starts_with("data.") => format!("{base}.{p}"),
                p if p.starts_with("defect.") => match defect {
                    Some(j) => format!("defects[{j}].{}", &p["defect.".len()..]),
                    None => base,
                },
                _ => base,
            };
            let message = other.to_string();
            let message = message
                .strip_prefix(&format!("{op_path}: "))
                .unwrap_or(&message);
            inconsistent(
                path,
                format!(
                    "the operations refuse this event: {message} ({})",
                    other.code()
                ),
            )
        }
    }
}

impl Checklist {
    /// Rebuilds `saved` from its event log with `template` (which matches the saved
    /// template id, revision and items) and checks that it is exactly the document.
    pub(super) fn rebuild(saved: &Saved, template: &CheckinTemplate) -> Result<Self, CheckinError> {
        let mut c = Self::start_with_utc_offset(
            template,
            &saved.unit_id,
            &saved.owner,
            saved.started_on,
            saved.mode,
            saved.utc_offset_minutes,
        )?;
        for (i, event) in saved.events.iter().enumerate() {
            c.replay(i, event, saved)?;
            match c.data.events.get(i) {
                Some(got) => same_event(i, event, got)?,
                None => return Err(inconsistent(format!("events[{i}]"), "not replayed")),
            }
        }
        if let Err(e) = same_data(saved, &c.data) {
            if saved.events.is_empty() {
                return Err(inconsistent(
                    "events",
                    format!(
                        "the event log is empty, but the document records more than a \
                         started check-in ({e})"
                    ),
                ));
            }
            return Err(e);
        }
        // The replay counted its own mutations; the document's count is restored as
        // written (absent: 0), so a saved version is the one the app compares.
        c.data.version = saved.version;
        Ok(c)
    }

    /// Applies event `i` of `saved` with the operation that records it.
    fn replay(&mut self, i: usize, e: &EventRecord, saved: &Saved) -> Result<(), CheckinError> {
        let target = || {
            e.target
                .as_deref()
                .ok_or_else(|| inconsistent(format!("events[{i}].target"), "missing"))
        };
        let mut defect = None;
        let result = match e.action {
            // A completion saved without `data` is replayed with none recorded: if
            // the operation takes that, the logged event has `data: {}` and
            // `same_event` reports `events[i].data`; if not, the operation's error
            // names the field the item requires.
            EventAction::Completed => self.complete(
                target()?,
                &e.actor,
                e.role,
                e.at,
                e.data.clone().unwrap_or_default(),
                None,
            ),
            // An undo saved without a reason is replayed with an empty one, which
            // `undo` refuses at `reason` (reported at `events[i].note`).
            EventAction::Undone => self.undo(
                target()?,
                &e.actor,
                e.role,
                e.at,
                e.note.as_deref().unwrap_or_default(),
            ),
            EventAction::DefectRecorded => {
                let j = self.data.defects.len();
                let d = saved.defects.get(j).ok_or_else(|| {
                    inconsistent(
                        format!("events[{i}].target"),
                        format!(
                            "records defect D{}, which is not in the document's defects",
                            j + 1
                        ),
                    )
                })?;
                defect = Some(j);
                let input = DefectInput {
                    location: d.location.clone(),
                    description: d.description.clone(),
                    category: d.category.clone(),
                    severity: d.severity,
                    responsible: d.responsible,
                };
                self.record_defect(input, &e.actor, e.role, e.at)
                    .map(|_| ())
            }
            EventAction::DefectRectified => {
                self.mark_rectified(target()?, &e.actor, e.role, e.at, e.note.clone())
            }
            EventAction::Reinspected => {
                let passed = e.passed.ok_or_else(|| {
                    inconsistent(
                        format!("events[{i}].passed"),
                        "a re-inspection records whether it passed",
                    )
                })?;
                self.reinspect(target()?, passed, &e.actor, e.role, e.at, e.note.clone())
            }
            EventAction::Finished => self.finish(&e.actor, e.role, e.at),
        };
        result.map_err(|err| at_event(i, defect, err))
    }
}

/// [`CheckinError::OutOfRange`] at `started_on` or `events[i].at` for a date outside
/// the years 1–9999; [`CheckinError::EventOutOfOrder`] at `events[i].at` for the first
/// event dated before the previous one or before the start day (checked for every document, also one
/// restored against a changed template, which cannot be replayed).
pub(super) fn check_event_order(saved: &Saved) -> Result<(), CheckinError> {
    super::in_range("started_on", &saved.started_on)?;
    let mut last = super::start_instant(saved.started_on, saved.utc_offset_minutes);
    for (i, e) in saved.events.iter().enumerate() {
        super::in_range(&format!("events[{i}].at"), &e.at)?;
        if e.at < last {
            return Err(CheckinError::EventOutOfOrder {
                path: format!("events[{i}].at"),
                at: e.at,
                last,
            });
        }
        last = e.at;
    }
    Ok(())
}

/// A saved record against the event its operation logged, as the JSON says it.
fn same_event(i: usize, doc: &EventRecord, got: &Event) -> Result<(), CheckinError> {
    let got = &got.record();
    let p = |field: &'static str| move || format!("events[{i}].{field}");
    same(p("at"), &doc.at, &got.at)?;
    same(p("actor"), &doc.actor, &got.actor)?;
    same(p("role"), &doc.role, &got.role)?;
    same(p("action"), &doc.action, &got.action)?;
    same(p("target"), &doc.target, &got.target)?;
    same(p("data"), &doc.data, &got.data)?;
    same(p("passed"), &doc.passed, &got.passed)?;
    same(p("note"), &doc.note, &got.note)
}

fn same_data(doc: &Saved, got: &ChecklistData) -> Result<(), CheckinError> {
    let p = |field: &'static str| move || field.to_owned();
    same(
        p("format_version"),
        &doc.format_version,
        &got.format_version,
    )?;
    same(p("template_id"), &doc.template_id, &got.template_id)?;
    same(
        p("template_version"),
        &doc.template_version,
        &got.template_version,
    )?;
    same(p("unit_id"), &doc.unit_id, &got.unit_id)?;
    same(p("owner"), &doc.owner, &got.owner)?;
    same(p("started_on"), &doc.started_on, &got.started_on)?;
    same(
        p("utc_offset_minutes"),
        &doc.utc_offset_minutes,
        &got.utc_offset_minutes,
    )?;
    same(p("mode"), &doc.mode, &got.mode)?;
    for (i, (d, g)) in doc.items.iter().zip(&got.items).enumerate() {
        same_item(i, d, g)?;
    }
    if doc.items.len() != got.items.len() {
        return Err(inconsistent(
            "items",
            format!(
                "the document has {} items, the template {}",
                doc.items.len(),
                got.items.len()
            ),
        ));
    }
    for (j, (d, g)) in doc.defects.iter().zip(&got.defects).enumerate() {
        same_defect(j, d, g)?;
    }
    if let Some(extra) = doc.defects.get(got.defects.len()) {
        return Err(inconsistent(
            format!("defects[{}]", got.defects.len()),
            format!("no event of the log records defect {}", extra.id),
        ));
    }
    same(p("finished_at"), &doc.finished_at, &got.finished_at)?;
    same(p("finished_by"), &doc.finished_by, &got.finished_by)?;
    // The events were compared one by one while replaying them.
    Ok(())
}

fn same_item(i: usize, doc: &ItemState, got: &ItemState) -> Result<(), CheckinError> {
    if doc.code != got.code {
        return Err(inconsistent(
            format!("items[{i}].code"),
            format!(
                "the template has item {:?} here, the document {:?}",
                got.code, doc.code
            ),
        ));
    }
    let base = format!("items.{}", doc.code);
    let p = |field: &str| {
        let path = format!("{base}.{field}");
        move || path
    };
    same(p("step"), &doc.step, &got.step)?;
    same(p("kind"), &doc.kind, &got.kind)?;
    same(p("mandatory"), &doc.mandatory, &got.mandatory)?;
    match (&doc.completion, &got.completion) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(inconsistent(
            format!("{base}.completion"),
            "the document has the item done, its event log leaves it open",
        )),
        (None, Some(_)) => Err(inconsistent(
            format!("{base}.completion"),
            "the document has the item open, its event log completes it",
        )),
        (Some(d), Some(g)) => same_completion(&format!("{base}.completion"), d, g),
    }
}

fn same_completion(base: &str, doc: &Completion, got: &Completion) -> Result<(), CheckinError> {
    let p = |field: &str| {
        let path = format!("{base}.{field}");
        move || path
    };
    same(p("actor"), &doc.actor, &got.actor)?;
    same(p("role"), &doc.role, &got.role)?;
    same(p("at"), &doc.at, &got.at)?;
    same_item_data(&format!("{base}.data"), &doc.data, &got.data)
}

fn same_item_data(base: &str, doc: &ItemData, got: &ItemData) -> Result<(), CheckinError> {
    let p = |field: &str| {
        let path = format!("{base}.{field}");
        move || path
    };
    // Readings compare as written ("507.0" is not "507.00"), like every other value.
    same(
        p("reading"),
        &doc.reading.map(|r| r.to_string()),
        &got.reading.map(|r| r.to_string()),
    )?;
    same(p("keys"), &doc.keys, &got.keys)?;
    same(p("signature_ref"), &doc.signature_ref, &got.signature_ref)?;
    same(p("receipt_ref"), &doc.receipt_ref, &got.receipt_ref)?;
    same(p("outcome"), &doc.outcome, &got.outcome)?;
    same(p("note"), &doc.note, &got.note)
}

fn same_defect(j: usize, doc: &Defect, got: &Defect) -> Result<(), CheckinError> {
    let p = |field: &str| {
        let path = format!("defects[{j}].{field}");
        move || path
    };
    same(p("id"), &doc.id, &got.id)?;
    same(p("location"), &doc.location, &got.location)?;
    same(p("description"), &doc.description, &got.description)?;
    same(p("category"), &doc.category, &got.category)?;
    same(p("severity"), &doc.severity, &got.severity)?;
    same(p("responsible"), &doc.responsible, &got.responsible)?;
    same(p("found_by"), &doc.found_by, &got.found_by)?;
    same(p("found_at"), &doc.found_at, &got.found_at)?;
    same(p("deadline"), &doc.deadline, &got.deadline)?;
    same(p("status"), &doc.status, &got.status)?;
    same(p("rectified_at"), &doc.rectified_at, &got.rectified_at)?;
    for (k, (d, g)) in doc.reinspections.iter().zip(&got.reinspections).enumerate() {
        let q = |field: &str| {
            let path = format!("defects[{j}].reinspections[{k}].{field}");
            move || path
        };
        same(q("actor"), &d.actor, &g.actor)?;
        same(q("at"), &d.at, &g.at)?;
        same(q("passed"), &d.passed, &g.passed)?;
        same(q("note"), &d.note, &g.note)?;
    }
    if doc.reinspections.len() != got.reinspections.len() {
        return Err(inconsistent(
            format!("defects[{j}].reinspections"),
            format!(
                "the document has {} re-inspection(s), its event log {}",
                doc.reinspections.len(),
                got.reinspections.len()
            ),
        ));
    }
    Ok(())
}
