//! The checklist document: its data, the event log (a tagged [`Action`] per entry, on
//! the wire a flat object whose `action` names the kind), progress.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::{Defect, ItemData, ItemState};
use crate::checkin::{Mode, Role};

/// The checklist JSON format version this library reads and writes.
///
/// ```
/// use estatekit::checkin::*;
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// assert_eq!(c.data().format_version, CHECKLIST_FORMAT_VERSION);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const CHECKLIST_FORMAT_VERSION: u32 = 1;

pub(super) fn format_version() -> u32 {
    CHECKLIST_FORMAT_VERSION
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

pub(super) fn is_zero(v: &i32) -> bool {
    *v == 0
}

checkin_enum! {
    /// What an event of the log records: the kind of its [`Action`].
    ///
    /// ```
    /// use estatekit::checkin::EventAction;
    /// assert_eq!(EventAction::DefectRecorded.as_str(), "defect_recorded");
    /// ```
    EventAction ("action") {
        /// An item was completed.
        Completed => "completed",
        /// An item was undone.
        Undone => "undone",
        /// A defect was recorded.
        DefectRecorded => "defect_recorded",
        /// A defect was reported rectified.
        DefectRectified => "defect_rectified",
        /// A defect was re-inspected.
        Reinspected => "reinspected",
        /// The check-in was completed.
        Finished => "finished",
    }
}

/// What an event records, with exactly the fields its kind has. In JSON it is tagged
/// by `action` and flattened into the event, the item code or defect id as `target`, an
/// undo reason or a defect summary as `note`:
/// `{"action": "reinspected", "target": "D1", "passed": false, "note": "still leaks"}`.
///
/// ```
/// use estatekit::checkin::{Action, EventAction};
/// let a = Action::Reinspected { defect: "D1".into(), passed: false, note: Some("still leaks".into()) };
/// assert_eq!(a.kind(), EventAction::Reinspected);
/// assert_eq!(serde_json::to_string(&a)?,
///     r#"{"action":"reinspected","target":"D1","passed":false,"note":"still leaks"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// An item was completed, recording `data`.
    Completed {
        /// The item code.
        #[serde(rename = "target")]
        item: String,
        /// What was recorded.
        data: ItemData,
    },
    /// A done item was undone.
    Undone {
        /// The item code.
        #[serde(rename = "target")]
        item: String,
        /// Why.
        #[serde(rename = "note")]
        reason: String,
    },
    /// A defect was recorded.
    DefectRecorded {
        /// The defect id ("D1", …).
        #[serde(rename = "target")]
        defect: String,
        /// The defect as recorded, one line: id, location, category, description,
        /// severity, responsible, deadline.
        #[serde(rename = "note")]
        summary: String,
    },
    /// A defect was reported rectified.
    DefectRectified {
        /// The defect id.
        #[serde(rename = "target")]
        defect: String,
        /// A free note.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A defect was re-inspected.
    Reinspected {
        /// The defect id.
        #[serde(rename = "target")]
        defect: String,
        /// Whether the rectification was accepted (the defect closed).
        passed: bool,
        /// A free note.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The check-in was completed.
    Finished,
}

impl Action {
    /// The kind of action, its `action` name in JSON.
    ///
    /// ```
    /// use estatekit::checkin::{Action, EventAction};
    /// assert_eq!(Action::Finished.kind().as_str(), "finished");
    /// ```
    pub fn kind(&self) -> EventAction {
        match self {
            Action::Completed { .. } => EventAction::Completed,
            Action::Undone { .. } => EventAction::Undone,
            Action::DefectRecorded { .. } => EventAction::DefectRecorded,
            Action::DefectRectified { .. } => EventAction::DefectRectified,
            Action::Reinspected { .. } => EventAction::Reinspected,
            Action::Finished => EventAction::Finished,
        }
    }
}

/// One entry of the event log: when, who, in which role, and the [`Action`].
///
/// Its JSON is one flat object, as it always was:
/// `{"at": …, "actor": …, "role": …, "action": …}` then the action's fields. The
/// accessors [`Event::target`], [`Event::data`], [`Event::passed`] and [`Event::note`]
/// give that flat view.
///
/// ```
/// use estatekit::checkin::{Action, Event, EventAction, Role};
/// use chrono::{TimeZone, Utc};
/// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "李四".into(),
///     role: Role::Receptionist,
///     action: Action::Undone { item: "owner_registration".into(), reason: "wrong ID".into() } };
/// assert_eq!((e.kind(), e.target(), e.note()),
///     (EventAction::Undone, Some("owner_registration"), Some("wrong ID")));
/// let json = serde_json::to_string(&e)?;
/// assert_eq!(json, r#"{"at":"2026-11-02T09:00:00Z","actor":"李四","role":"receptionist","action":"undone","target":"owner_registration","note":"wrong ID"}"#);
/// assert_eq!(serde_json::from_str::<Event>(&json)?, e);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// What, with its data.
    #[serde(flatten)]
    pub action: Action,
}

impl Event {
    /// The kind of action.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "李四".into(),
    ///     role: Role::Receptionist, action: Action::Finished };
    /// assert_eq!(e.kind(), EventAction::Finished);
    /// ```
    pub fn kind(&self) -> EventAction {
        self.action.kind()
    }

    /// The item code or defect id concerned (none for [`Action::Finished`]).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "王五".into(),
    ///     role: Role::Inspector, action: Action::DefectRectified { defect: "D1".into(), note: None } };
    /// assert_eq!(e.target(), Some("D1"));
    /// ```
    pub fn target(&self) -> Option<&str> {
        match &self.action {
            Action::Completed { item, .. } | Action::Undone { item, .. } => Some(item),
            Action::DefectRecorded { defect, .. }
            | Action::DefectRectified { defect, .. }
            | Action::Reinspected { defect, .. } => Some(defect),
            Action::Finished => None,
        }
    }

    /// The data recorded by a completion (none for the other actions).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let data = ItemData { keys: Some(4), ..ItemData::default() };
    /// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "李四".into(),
    ///     role: Role::Receptionist, action: Action::Completed { item: "key_handover".into(), data } };
    /// assert_eq!(e.data().and_then(|d| d.keys), Some(4));
    /// ```
    pub fn data(&self) -> Option<&ItemData> {
        match &self.action {
            Action::Completed { data, .. } => Some(data),
            _ => None,
        }
    }

    /// The result of a re-inspection (none for the other actions).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "王五".into(),
    ///     role: Role::Inspector, action: Action::Reinspected { defect: "D1".into(), passed: true, note: None } };
    /// assert_eq!(e.passed(), Some(true));
    /// ```
    pub fn passed(&self) -> Option<bool> {
        match &self.action {
            Action::Reinspected { passed, .. } => Some(*passed),
            _ => None,
        }
    }

    /// The `note` of the JSON: an undo's reason, a recorded defect's summary, the note
    /// of a rectification or re-inspection (none for completions and the finish).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "王五".into(),
    ///     role: Role::Inspector, action: Action::DefectRectified { defect: "D1".into(), note: None } };
    /// assert_eq!(e.note(), None);
    /// ```
    pub fn note(&self) -> Option<&str> {
        match &self.action {
            Action::Undone { reason: text, .. } | Action::DefectRecorded { summary: text, .. } => {
                Some(text)
            }
            Action::DefectRectified { note, .. } | Action::Reinspected { note, .. } => {
                note.as_deref()
            }
            Action::Completed { .. } | Action::Finished => None,
        }
    }

    /// The flat record of the JSON (what a saved document holds).
    pub(super) fn record(&self) -> EventRecord {
        EventRecord {
            at: self.at,
            actor: self.actor.clone(),
            role: self.role,
            action: self.kind(),
            target: self.target().map(str::to_owned),
            data: self.data().cloned(),
            passed: self.passed(),
            note: self.note().map(str::to_owned),
        }
    }
}

impl<'de> Deserialize<'de> for Event {
    /// Reads the flat record and requires exactly the fields of its action.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        EventRecord::deserialize(d)?
            .into_event()
            .map_err(|s| D::Error::custom(format!("{}: {}", s.field, s.reason)))
    }
}

/// An event as a saved document holds it: the flat object, with every field the log
/// has ever had optional. Loading reads records and rebuilds the checklist from them,
/// so that a record whose fields do not fit its action is reported where the rebuilt
/// log differs (an `InconsistentDocument` at `events[i].<field>`), like any other
/// contradiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventRecord {
    pub(super) at: DateTime<Utc>,
    pub(super) actor: String,
    pub(super) role: Role,
    pub(super) action: EventAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) data: Option<ItemData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) passed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
}

/// A record field that does not fit its action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Misfit {
    /// `target`, `data`, `passed` or `note`.
    pub(super) field: &'static str,
    /// Why, for people.
    pub(super) reason: String,
}

impl EventRecord {
    /// The typed event, when the record has exactly the fields of its action (checked
    /// in field order: `target`, `data`, `passed`, `note`).
    pub(super) fn into_event(self) -> Result<Event, Misfit> {
        let EventRecord {
            at,
            actor,
            role,
            action: kind,
            target,
            data,
            passed,
            note,
        } = self;
        let missing = |field: &'static str| Misfit {
            field,
            reason: format!("missing: a {kind} event records it"),
        };
        let absent = |field: &'static str, present: bool| {
            if present {
                Err(Misfit {
                    field,
                    reason: format!("a {kind} event does not record it"),
                })
            } else {
                Ok(())
            }
        };
        let action = match kind {
            EventAction::Completed => {
                let item = target.ok_or_else(|| missing("target"))?;
                let data = data.ok_or_else(|| missing("data"))?;
                absent("passed", passed.is_some())?;
                absent("note", note.is_some())?;
                Action::Completed { item, data }
            }
            EventAction::Undone | EventAction::DefectRecorded => {
                let target = target.ok_or_else(|| missing("target"))?;
                absent("data", data.is_some())?;
                absent("passed", passed.is_some())?;
                let text = note.ok_or_else(|| missing("note"))?;
                if kind == EventAction::Undone {
                    Action::Undone {
                        item: target,
                        reason: text,
                    }
                } else {
                    Action::DefectRecorded {
                        defect: target,
                        summary: text,
                    }
                }
            }
            EventAction::DefectRectified => {
                let defect = target.ok_or_else(|| missing("target"))?;
                absent("data", data.is_some())?;
                absent("passed", passed.is_some())?;
                Action::DefectRectified { defect, note }
            }
            EventAction::Reinspected => {
                let defect = target.ok_or_else(|| missing("target"))?;
                absent("data", data.is_some())?;
                let passed = passed.ok_or_else(|| missing("passed"))?;
                Action::Reinspected {
                    defect,
                    passed,
                    note,
                }
            }
            EventAction::Finished => {
                absent("target", target.is_some())?;
                absent("data", data.is_some())?;
                absent("passed", passed.is_some())?;
                absent("note", note.is_some())?;
                Action::Finished
            }
        };
        Ok(Event {
            at,
            actor,
            role,
            action,
        })
    }
}

/// Mandatory items done out of all mandatory items.
///
/// ```
/// let p = estatekit::checkin::Progress { done: 3, total: 30 };
/// assert_eq!(p.to_string(), "3/30");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Mandatory items done.
    pub done: usize,
    /// Mandatory items in all.
    pub total: usize,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.done, self.total)
    }
}

/// The plain data of a checklist: its JSON document.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Centralized)?;
/// assert_eq!(c.data().template_id, "default");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistData {
    /// Must be [`CHECKLIST_FORMAT_VERSION`].
    #[serde(default = "format_version")]
    pub format_version: u32,
    /// The template's id.
    pub template_id: String,
    /// The template's revision.
    pub template_version: u32,
    /// The unit checked in.
    pub unit_id: String,
    /// The owner taking the unit.
    pub owner: String,
    /// The day the check-in began (a local date of the estate).
    pub started_on: NaiveDate,
    /// The estate's time zone as a fixed offset of local time from UTC, minutes
    /// (Beijing time: 480), fixed when the check-in starts: dates derived from
    /// instants (defect deadlines, the day a unit is delivered) are local dates of
    /// this offset. Left out of the JSON when 0; documents without it are UTC.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub utc_offset_minutes: i32,
    /// Centralized or ordinary occupancy.
    pub mode: Mode,
    /// Every item, in template order.
    pub items: Vec<ItemState>,
    /// Defects found at inspection, in the order recorded.
    #[serde(default)]
    pub defects: Vec<Defect>,
    /// When the check-in was completed (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Who completed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_by: Option<String>,
    /// How many mutations the checklist has had ([`Checklist::version`]); left out of
    /// the JSON when 0; documents without it read as 0.
    ///
    /// [`Checklist::version`]: super::Checklist::version
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub version: u64,
    /// Every action, in order.
    #[serde(default)]
    pub events: Vec<Event>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const WALK: &str = include_str!("../../../tests/data/checkin_walk.json");

    fn record(json: &str) -> EventRecord {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn every_event_of_the_walk_is_typed_and_writes_back_as_it_was_saved() {
        let doc: serde_json::Value = serde_json::from_str(WALK).unwrap();
        let events = doc["events"].as_array().unwrap();
        assert_eq!(events.len(), 31);
        let mut kinds = Vec::new();
        for e in events {
            let saved = e.to_string();
            let event = record(&saved).into_event().unwrap();
            assert_eq!(&serde_json::to_value(&event).unwrap(), e);
            assert_eq!(event.record(), record(&saved));
            kinds.push(event.kind().as_str());
        }
        kinds.dedup();
        assert_eq!(
            kinds,
            [
                "completed",
                "defect_recorded",
                "completed",
                "finished",
                "defect_rectified",
                "reinspected",
                "defect_rectified",
                "reinspected",
                "completed"
            ]
        );
        // The whole document, pretty-printed, byte for byte.
        let data: ChecklistData = serde_json::from_str(WALK).unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&data).unwrap(),
            WALK.trim_end()
        );
    }

    #[test]
    fn the_tagged_action_carries_the_fields_of_its_kind() {
        let e = record(
            r#"{"at":"2026-11-11T06:00:00Z","actor":"王五","role":"inspector","action":"reinspected","target":"D1","passed":false,"note":"still leaks air"}"#,
        )
        .into_event()
        .unwrap();
        assert_eq!(
            e.action,
            Action::Reinspected {
                defect: "D1".into(),
                passed: false,
                note: Some("still leaks air".into())
            }
        );
        assert_eq!(
            (e.target(), e.data(), e.passed(), e.note()),
            (Some("D1"), None, Some(false), Some("still leaks air"))
        );
        let undo = record(
            r#"{"at":"2026-11-02T01:29:00Z","actor":"李四","role":"receptionist","action":"undone","target":"x","note":"wrong record"}"#,
        )
        .into_event()
        .unwrap();
        assert_eq!(
            undo.action,
            Action::Undone {
                item: "x".into(),
                reason: "wrong record".into()
            }
        );
        let done = record(
            r#"{"at":"2026-11-02T01:00:00Z","actor":"李四","role":"receptionist","action":"completed","target":"x","data":{}}"#,
        )
        .into_event()
        .unwrap();
        assert_eq!(
            (done.data(), done.note()),
            (Some(&ItemData::default()), None)
        );
    }

    #[test]
    fn a_record_whose_fields_do_not_fit_its_action_is_named_by_field() {
        let misfit = |json: &str| record(json).into_event().unwrap_err();
        let head = r#""at":"2026-11-02T01:00:00Z","actor":"李四","role":"receptionist""#;
        assert_eq!(
            misfit(&format!(
                r#"{{{head},"action":"completed","target":"x","data":{{}},"note":"forged"}}"#
            )),
            Misfit {
                field: "note",
                reason: "a completed event does not record it".into()
            }
        );
        assert_eq!(
            misfit(&format!(r#"{{{head},"action":"completed","target":"x"}}"#)),
            Misfit {
                field: "data",
                reason: "missing: a completed event records it".into()
            }
        );
        assert_eq!(
            misfit(&format!(
                r#"{{{head},"action":"reinspected","target":"D1"}}"#
            )),
            Misfit {
                field: "passed",
                reason: "missing: a reinspected event records it".into()
            }
        );
        assert_eq!(
            misfit(&format!(r#"{{{head},"action":"undone","target":"x"}}"#)).field,
            "note"
        );
        assert_eq!(
            misfit(&format!(r#"{{{head},"action":"finished","target":"x"}}"#)),
            Misfit {
                field: "target",
                reason: "a finished event does not record it".into()
            }
        );
        assert_eq!(
            misfit(&format!(
                r#"{{{head},"action":"defect_rectified","target":"D1","passed":true}}"#
            ))
            .field,
            "passed"
        );
        // Read as an `Event`, the misfit is a serde error naming the field.
        let err = serde_json::from_str::<Event>(&format!(
            r#"{{{head},"action":"defect_recorded","target":"D1"}}"#
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "note: missing: a defect_recorded event records it"
        );
    }

    #[test]
    fn progress_displays_done_over_total() {
        assert_eq!(Progress { done: 0, total: 23 }.to_string(), "0/23");
    }
}
