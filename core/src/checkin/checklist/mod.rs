//! One check-in: items done and open, defects, the event log, JSON persistence.
//!
//! - `data`: the document ([`ChecklistData`]), its event log ([`Event`], [`Action`]),
//!   [`Progress`];
//! - `items`: what is recorded per item ([`ItemData`], [`Completion`], [`ItemState`])
//!   and the item state machine (complete, undo, finish);
//! - `defects`: defects found at inspection and their rectification;
//! - `restore`: loading a document against a template, adapting it when the template
//!   changed ([`Restored`], [`Mismatch`]); `verify` rebuilds a document from its event
//!   log and checks it says exactly that.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::ops::{self, Op};
use super::{
    CheckinError, CheckinTemplate, DefectAction, HandoverOutcome, ItemAction, ItemDef, ItemKind,
    Mode, Role,
};

mod data;
mod defects;
mod items;
mod restore;
mod verify;

pub use data::{Action, CHECKLIST_FORMAT_VERSION, ChecklistData, Event, EventAction, Progress};
pub use defects::{Defect, DefectInput, Reinspection};
pub use items::{Completion, ItemData, ItemState};
pub use restore::{Mismatch, MismatchKind, Restored};

/// One mutating operation of a [`Checklist`], as data: what
/// [`Checklist::perform`] applies. Its JSON is tagged by `"action"` (the operation's
/// name), its fields those of the operation.
///
/// ```
/// use estatekit::checkin::Command;
/// let c: Command = serde_json::from_str(r#"{"action": "undo", "item": "key_handover", "reason": "wrong"}"#)?;
/// assert_eq!(c, Command::Undo { item: "key_handover".into(), reason: "wrong".into() });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// [`Checklist::complete`].
    Complete {
        /// The item code.
        item: String,
        /// What is recorded (default: nothing).
        #[serde(default)]
        data: ItemData,
    },
    /// [`Checklist::undo`].
    Undo {
        /// The item code.
        item: String,
        /// Why.
        reason: String,
    },
    /// [`Checklist::record_defect`].
    RecordDefect {
        /// The defect found.
        defect: DefectInput,
    },
    /// [`Checklist::mark_rectified`].
    MarkRectified {
        /// The defect id.
        defect: String,
        /// A free note.
        #[serde(default)]
        note: Option<String>,
    },
    /// [`Checklist::reinspect`].
    Reinspect {
        /// The defect id.
        defect: String,
        /// Whether the rectification is accepted.
        passed: bool,
        /// A free note.
        #[serde(default)]
        note: Option<String>,
    },
    /// [`Checklist::finish`].
    Finish,
}

/// The local date of `at` at the document's offset (saturating at chrono's range ends).
fn local_date(data: &ChecklistData, at: DateTime<Utc>) -> NaiveDate {
    crate::clock::local_date(at, data.utc_offset_minutes)
}

/// `started_on` 00:00 local time (`utc_offset_minutes` ahead of UTC), as an instant.
/// [`CheckinError::OutOfRange`] at `path` for a date or instant outside the years
/// 1–9999 (UTC), the range tickets and the fee code accept.
pub(super) fn in_range(
    path: &str,
    value: &(impl chrono::Datelike + std::fmt::Display),
) -> Result<(), CheckinError> {
    if crate::diagnostic::in_supported_years(value) {
        Ok(())
    } else {
        Err(CheckinError::OutOfRange {
            path: path.to_owned(),
            value: value.to_string(),
        })
    }
}

fn start_instant(started_on: NaiveDate, utc_offset_minutes: i32) -> DateTime<Utc> {
    let offset = chrono::Duration::minutes(i64::from(utc_offset_minutes));
    let midnight = started_on.and_time(NaiveTime::MIN);
    midnight
        .checked_sub_signed(offset)
        .unwrap_or(midnight)
        .and_utc()
}

/// The most a UTC offset may be, minutes (±18 hours, as ISO 8601 and chrono allow).
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// The check-in of one unit by one owner, following a template.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// assert_eq!((c.progress().done, c.progress().total), (0, 23));
/// assert!(!c.is_complete());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    template: CheckinTemplate,
    data: ChecklistData,
}

fn non_empty(path: &str, value: &str) -> Result<(), CheckinError> {
    if value.trim().is_empty() {
        Err(CheckinError::value(
            "empty_field",
            path,
            "must not be empty",
        ))
    } else {
        Ok(())
    }
}

fn require_role(role: Role, allowed: &[Role], action: String) -> Result<(), CheckinError> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(CheckinError::RoleNotAllowed {
            path: "role".into(),
            role,
            action,
            allowed: allowed.to_vec(),
        })
    }
}

impl Checklist {
    /// Starts the check-in of `unit_id` by `owner` on `started_on`, every item open.
    ///
    /// # Errors
    /// [`CheckinError::InvalidField`] for an empty unit id (`unit_id`) or owner (`owner`);
    /// [`CheckinError::OutOfRange`] (`started_on`) for a day outside the years 1–9999.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
    /// let err = Checklist::start(&CheckinTemplate::default_template(), "1-603", " ",
    ///     "2026-11-02".parse()?, Mode::Ordinary).unwrap_err();
    /// assert_eq!(err.path(), "owner");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(
        template: &CheckinTemplate,
        unit_id: &str,
        owner: &str,
        started_on: NaiveDate,
        mode: Mode,
    ) -> Result<Self, CheckinError> {
        Self::start_with_utc_offset(template, unit_id, owner, started_on, mode, 0)
    }

    /// Like [`Checklist::start`], for an estate whose local time is
    /// `utc_offset_minutes` ahead of UTC (Beijing: 480; a fixed offset, no daylight
    /// saving): defect deadlines count from the local date of the defect, the unit is
    /// delivered on the local date of completion, and no action may be dated before
    /// `started_on` 00:00 local time.
    ///
    /// # Errors
    /// As [`Checklist::start`]; [`CheckinError::InvalidField`] (`utc_offset_minutes`)
    /// for an offset beyond ±1080 minutes.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start_with_utc_offset(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary, 480)?;
    /// assert_eq!(c.data().utc_offset_minutes, 480);
    /// let err = Checklist::start_with_utc_offset(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary, 1081).unwrap_err();
    /// assert_eq!(err.path(), "utc_offset_minutes");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_with_utc_offset(
        template: &CheckinTemplate,
        unit_id: &str,
        owner: &str,
        started_on: NaiveDate,
        mode: Mode,
        utc_offset_minutes: i32,
    ) -> Result<Self, CheckinError> {
        if !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&utc_offset_minutes) {
            return Err(CheckinError::value(
                "out_of_range",
                "utc_offset_minutes",
                format!("must be within ±{MAX_OFFSET_MINUTES} minutes, got {utc_offset_minutes}"),
            ));
        }
        non_empty("unit_id", unit_id)?;
        non_empty("owner", owner)?;
        in_range("started_on", &started_on)?;
        let items = template
            .items()
            .map(|(s, i)| ItemState {
                code: i.code.clone(),
                step: s.code.clone(),
                kind: i.kind,
                mandatory: i.mandatory,
                completion: None,
            })
            .collect();
        Ok(Self {
            template: template.clone(),
            data: ChecklistData {
                format_version: CHECKLIST_FORMAT_VERSION,
                template_id: template.id().to_owned(),
                template_version: template.version(),
                unit_id: unit_id.to_owned(),
                owner: owner.to_owned(),
                started_on,
                utc_offset_minutes,
                mode,
                items,
                defects: Vec::new(),
                finished_at: None,
                finished_by: None,
                version: 0,
                events: Vec::new(),
            },
        })
    }

    /// The template followed.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.template().id(), "default");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn template(&self) -> &CheckinTemplate {
        &self.template
    }

    /// The estate's local date of an instant: the UTC date of `at` shifted by the
    /// checklist's [`ChecklistData::utc_offset_minutes`].
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start_with_utc_offset(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary, 480)?;
    /// // 23:30 UTC on 2 November is 07:30 on 3 November in Beijing.
    /// assert_eq!(c.local_date("2026-11-02T23:30:00Z".parse()?).to_string(), "2026-11-03");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        local_date(&self.data, at)
    }

    /// The plain data (the JSON document).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.data().owner, "张三");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn data(&self) -> &ChecklistData {
        &self.data
    }

    /// The unit checked in.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.unit_id(), "1-603");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unit_id(&self) -> &str {
        &self.data.unit_id
    }

    /// The owner.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.owner(), "张三");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn owner(&self) -> &str {
        &self.data.owner
    }

    /// Centralized or ordinary.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Centralized)?;
    /// assert_eq!(c.mode(), Mode::Centralized);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mode(&self) -> Mode {
        self.data.mode
    }

    /// The items, in template order.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.items().len(), 26);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn items(&self) -> &[ItemState] {
        &self.data.items
    }

    /// The state of one item.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(c.item("key_handover").is_some_and(|i| !i.is_done()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn item(&self, code: &str) -> Option<&ItemState> {
        self.index_of(code).ok().map(|i| &self.data.items[i])
    }

    /// The defects, in the order recorded.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(c.defects().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn defects(&self) -> &[Defect] {
        &self.data.defects
    }

    /// The event log, oldest first.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(c.events().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.data.events
    }

    /// Mandatory items done / mandatory items in all.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.progress().to_string(), "0/23");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn progress(&self) -> Progress {
        let mandatory = self.data.items.iter().filter(|i| i.mandatory);
        let (mut done, mut total) = (0, 0);
        for i in mandatory {
            total += 1;
            if i.is_done() {
                done += 1;
            }
        }
        Progress { done, total }
    }

    /// The open mandatory items, in template order: what is missing.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.missing()[0], "occupancy_notice_presented");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn missing(&self) -> Vec<String> {
        self.data
            .items
            .iter()
            .filter(|i| i.mandatory && !i.is_done())
            .map(|i| i.code.clone())
            .collect()
    }

    /// The items of step `s` (template order; a checklist's items are in that order).
    fn step_items(&self, s: usize) -> &[ItemState] {
        let start = &self.template.graph().item_start;
        match (start.get(s), start.get(s + 1)) {
            (Some(&a), Some(&b)) => self.data.items.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// True when every mandatory item of step `s` is done (a step with none is done).
    fn step_done(&self, s: usize) -> bool {
        let items = self.step_items(s);
        ops::add(Op::ItemVisits, items.len() as u64);
        items.iter().filter(|i| i.mandatory).all(ItemState::is_done)
    }

    /// The steps `step` depends on that are not done, in `depends_on` order.
    /// O(dependencies + their items).
    fn unmet_dependencies(&self, step: &str) -> Vec<String> {
        let Some(s) = self.template.step_index(step) else {
            return Vec::new();
        };
        let graph = self.template.graph();
        ops::add(Op::StepVisits, graph.deps[s].len() as u64);
        graph.deps[s]
            .iter()
            .filter(|&&d| !self.step_done(d))
            .map(|&d| self.template.steps()[d].code.clone())
            .collect()
    }

    /// The steps that can be worked on now: their dependencies are done and they have
    /// open items. Once the check-in is completed, only the audit step (if its audit
    /// item is open).
    ///
    /// O(steps + items + dependencies): whether each step is done and has open items is
    /// computed once, in one pass over the items.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.actionable(), ["sale_formalities"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn actionable(&self) -> Vec<String> {
        let audit = self.template.audit_item();
        let complete = self.is_complete();
        let steps = self.template.steps();
        let graph = self.template.graph();
        let mut done = Vec::with_capacity(steps.len());
        let mut open = Vec::with_capacity(steps.len());
        for s in 0..steps.len() {
            let items = self.step_items(s);
            ops::add(Op::ItemVisits, items.len() as u64);
            done.push(items.iter().filter(|i| i.mandatory).all(ItemState::is_done));
            open.push(
                items
                    .iter()
                    .any(|i| !i.is_done() && (!complete || Some(i.code.as_str()) == audit)),
            );
        }
        ops::add(
            Op::StepVisits,
            (steps.len() + graph.deps.iter().map(Vec::len).sum::<usize>()) as u64,
        );
        steps
            .iter()
            .enumerate()
            .filter(|&(s, _)| open[s] && graph.deps[s].iter().all(|&d| done[d]))
            .map(|(_, step)| step.code.clone())
            .collect()
    }

    /// True once the check-in was completed with [`Checklist::finish`].
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(!c.is_complete());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_complete(&self) -> bool {
        self.data.finished_at.is_some()
    }

    /// When the check-in was completed.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(c.finished_at().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.data.finished_at
    }

    /// True when the template's audit item is done.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(!c.is_audited());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_audited(&self) -> bool {
        self.template
            .audit_item()
            .and_then(|a| self.item(a))
            .is_some_and(ItemState::is_done)
    }

    /// The handover outcome recorded by the (last done) inspection item, if any.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.outcome(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcome(&self) -> Option<HandoverOutcome> {
        self.data
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Inspection)
            .filter_map(|i| i.completion.as_ref().and_then(|c| c.data.outcome))
            .next_back()
    }

    /// The template's definition of an item, or [`CheckinError::UnknownItem`].
    fn item_def(&self, item_code: &str) -> Result<&ItemDef, CheckinError> {
        self.template
            .item(item_code)
            .ok_or_else(|| CheckinError::UnknownItem {
                path: "item_code".into(),
                item: item_code.to_owned(),
            })
    }

    /// The index of an item: its template index (a checklist's items are in template
    /// order), O(log items).
    fn index_of(&self, item_code: &str) -> Result<usize, CheckinError> {
        self.template
            .item_index(item_code)
            .filter(|&i| self.data.items.get(i).is_some_and(|s| s.code == item_code))
            .ok_or_else(|| CheckinError::UnknownItem {
                path: "item_code".into(),
                item: item_code.to_owned(),
            })
    }

    /// The earliest time an action may be dated: the last event's time, or the start
    /// day at 00:00 local time before any event.
    fn earliest(&self) -> DateTime<Utc> {
        let start = start_instant(self.data.started_on, self.data.utc_offset_minutes);
        self.data.events.last().map_or(start, |e| e.at.max(start))
    }

    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before [`Self::earliest`].
    fn check_time(&self, at: DateTime<Utc>) -> Result<(), CheckinError> {
        in_range("at", &at)?;
        let last = self.earliest();
        if at < last {
            Err(CheckinError::EventOutOfOrder {
                path: "at".into(),
                at,
                last,
            })
        } else {
            Ok(())
        }
    }

    /// Counts one applied mutation (every operation that records an event).
    fn bump(&mut self) {
        self.data.version = self.data.version.saturating_add(1);
    }

    /// How many mutations the checklist has had: each completion, undo, defect,
    /// rectification, re-inspection and the finish adds one; a refused operation adds
    /// none. Stored in the document (`"version"`, left out while 0; documents written
    /// before it read as 0) and restored exactly, so of several saves of one checklist
    /// the one with the highest version is the latest. [`Checklist::saved`] gives it
    /// with the JSON.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let t = CheckinTemplate::default_template();
    /// let mut c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// c.complete("occupancy_notice_presented", "李四", Role::Receptionist, at, ItemData::default(), None)?;
    /// assert!(c.complete("key_handover", "李四", Role::Receptionist, at, ItemData::default(), None).is_err());
    /// assert_eq!(c.version(), 1);
    /// assert_eq!(Checklist::from_json(&c.to_json(), &t)?.version(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn version(&self) -> u64 {
        self.data.version
    }

    /// The document ([`Checklist::to_json`]) and its [`Checklist::version`], read
    /// together.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.saved(), estatekit::Saved { version: 0, json: c.to_json() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn saved(&self) -> crate::Saved {
        crate::Saved {
            version: self.data.version,
            json: self.to_json(),
        }
    }

    /// Applies `command` by `actor` in `role` at `at` (with `estate` for a completion's
    /// meter check) and returns the new document with its version, read while nothing
    /// else can change the checklist: "complete then save" in one step, so saves from
    /// several threads can be ordered by version. On error nothing changes (the
    /// version neither).
    ///
    /// # Errors
    /// Those of the operation the command names.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Command, ItemData, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// let done = Command::Complete { item: "occupancy_notice_presented".into(), data: ItemData::default() };
    /// let saved = c.perform(done.clone(), "李四", Role::Receptionist, at, None)?;
    /// assert_eq!((saved.version, saved.json == c.to_json()), (1, true));
    /// let err = c.perform(done, "李四", Role::Receptionist, at, None).unwrap_err();
    /// assert_eq!((err.code(), c.version()), ("already_completed", 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn perform(
        &mut self,
        command: Command,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        estate: Option<&crate::Estate>,
    ) -> Result<crate::Saved, CheckinError> {
        match command {
            Command::Complete { item, data } => {
                self.complete(&item, actor, role, at, data, estate)?;
            }
            Command::Undo { item, reason } => self.undo(&item, actor, role, at, &reason)?,
            Command::RecordDefect { defect } => {
                self.record_defect(defect, actor, role, at)?;
            }
            Command::MarkRectified { defect, note } => {
                self.mark_rectified(&defect, actor, role, at, note)?;
            }
            Command::Reinspect {
                defect,
                passed,
                note,
            } => self.reinspect(&defect, passed, actor, role, at, note)?,
            Command::Finish => self.finish(actor, role, at)?,
        }
        Ok(self.saved())
    }

    /// What `role` may do to item `item_code` now (to enable an app's buttons), in
    /// [`ItemAction`] order: [`ItemAction::Complete`] exactly when
    /// [`Checklist::complete`] in that role succeeds with a non-empty actor, data that
    /// fit the item and an instant not before the last event; likewise
    /// [`ItemAction::Undo`] ([`Checklist::undo`], with a reason) and, for the
    /// inspection item, [`ItemAction::RecordDefect`] ([`Checklist::record_defect`]):
    /// each operation runs the same checks.
    ///
    /// # Errors
    /// [`CheckinError::UnknownItem`] (`item_code`).
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, ItemAction, ItemData, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let code = "occupancy_notice_presented";
    /// assert_eq!(c.allowed_item_actions(code, Role::Receptionist)?, [ItemAction::Complete]);
    /// assert_eq!(c.allowed_item_actions("key_handover", Role::Receptionist)?, []);
    /// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// c.complete(code, "李四", Role::Receptionist, at, ItemData::default(), None)?;
    /// assert_eq!(c.allowed_item_actions(code, Role::Receptionist)?, [ItemAction::Undo]);
    /// assert_eq!(c.allowed_item_actions("x", Role::Manager).unwrap_err().code(), "unknown_item");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_item_actions(
        &self,
        item_code: &str,
        role: Role,
    ) -> Result<Vec<ItemAction>, CheckinError> {
        let def = self.item_def(item_code)?;
        Ok(ItemAction::ALL
            .iter()
            .copied()
            .filter(|a| match a {
                ItemAction::Complete => self.may_complete(item_code, role).is_ok(),
                ItemAction::Undo => self.may_undo(item_code, role).is_ok(),
                ItemAction::RecordDefect => {
                    def.kind == ItemKind::Inspection && self.may_record_defect(role).is_ok()
                }
            })
            .collect())
    }

    /// What `role` may do to defect `defect_id` now, in [`DefectAction`] order:
    /// [`DefectAction::MarkRectified`] exactly when [`Checklist::mark_rectified`]
    /// succeeds in that role with a non-empty actor and an instant not before the last
    /// event, [`DefectAction::Reinspect`] likewise for [`Checklist::reinspect`].
    ///
    /// # Errors
    /// [`CheckinError::UnknownDefect`] (`defect_id`).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(c.allowed_defect_actions("D1", Role::Inspector).unwrap_err().code(), "unknown_defect");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_defect_actions(
        &self,
        defect_id: &str,
        role: Role,
    ) -> Result<Vec<DefectAction>, CheckinError> {
        self.defect_index(defect_id)?;
        Ok(DefectAction::ALL
            .iter()
            .copied()
            .filter(|a| match a {
                DefectAction::MarkRectified => self.may_mark_rectified(defect_id, role).is_ok(),
                DefectAction::Reinspect => self.may_reinspect(defect_id, role).is_ok(),
            })
            .collect())
    }

    /// The checklist as pretty-printed JSON (the template is not included: restore with
    /// the same template). Decimals are strings, timestamps RFC 3339 UTC.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(c.to_json().contains("\"started_on\": \"2026-11-02\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.data)
            .expect("a checklist serializes: string keys, no floats, no custom failure")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::checkin::ItemData;

    #[test]
    fn the_start_day_begins_at_local_midnight() {
        let day: NaiveDate = "2026-11-02".parse().unwrap();
        assert_eq!(
            start_instant(day, 480).to_rfc3339(),
            "2026-11-01T16:00:00+00:00"
        );
        assert_eq!(
            start_instant(day, -300).to_rfc3339(),
            "2026-11-02T05:00:00+00:00"
        );
        assert_eq!(
            start_instant(day, 0).to_rfc3339(),
            "2026-11-02T00:00:00+00:00"
        );
    }

    #[test]
    fn offsets_beyond_eighteen_hours_are_refused() {
        let t = CheckinTemplate::default_template();
        let day = "2026-11-02".parse().unwrap();
        for ok in [-1080, 0, 1080] {
            assert!(
                Checklist::start_with_utc_offset(&t, "1-603", "张三", day, Mode::Ordinary, ok)
                    .is_ok()
            );
        }
        let e = Checklist::start_with_utc_offset(&t, "1-603", "张三", day, Mode::Ordinary, -1081)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "utc_offset_minutes: must be within ±1080 minutes, got -1081"
        );
    }

    #[test]
    fn actionable_steps_follow_the_dependencies() {
        let t = CheckinTemplate::default_template();
        let mut c = Checklist::start_with_utc_offset(
            &t,
            "1-603",
            "张三",
            "2026-11-02".parse().unwrap(),
            Mode::Ordinary,
            480,
        )
        .unwrap();
        // 16:00 UTC on 1 November is the start day's midnight in Beijing.
        let at = start_instant(c.data().started_on, 480);
        assert_eq!(c.earliest(), at);
        c.complete(
            "occupancy_notice_presented",
            "李四",
            Role::Receptionist,
            at,
            ItemData::default(),
            None,
        )
        .unwrap();
        assert_eq!(c.actionable(), ["document_review"]);
        assert_eq!(c.unmet_dependencies("charges"), ["document_review"]);
        assert_eq!(c.progress().to_string(), "1/23");
        assert_eq!(c.local_date(at).to_string(), "2026-11-02");
        assert_eq!(c.index_of("nope").unwrap_err().code(), "unknown_item");
    }
}
