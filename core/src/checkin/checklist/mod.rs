//! One check-in: items done and open, defects, the event log, JSON persistence.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ops::{self, Op};
use super::{
    CheckinError, CheckinTemplate, DefectStatus, HandoverOutcome, ItemKind, Mode, Responsible,
    Role, Severity, invalid,
};
use crate::estate::Estate;

mod verify;

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

fn format_version() -> u32 {
    CHECKLIST_FORMAT_VERSION
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// The local date of `at` at the document's offset (saturating at chrono's range ends).
pub(super) fn local_date(data: &ChecklistData, at: DateTime<Utc>) -> NaiveDate {
    let offset = chrono::Duration::minutes(i64::from(data.utc_offset_minutes));
    at.naive_utc()
        .checked_add_signed(offset)
        .map_or(at.date_naive(), |t| t.date())
}

/// `started_on` 00:00 local time, as an instant.
pub(super) fn start_instant(data: &ChecklistData) -> DateTime<Utc> {
    let offset = chrono::Duration::minutes(i64::from(data.utc_offset_minutes));
    let midnight = data.started_on.and_time(NaiveTime::MIN);
    midnight
        .checked_sub_signed(offset)
        .unwrap_or(midnight)
        .and_utc()
}

/// The most a UTC offset may be, minutes (±18 hours, as ISO 8601 and chrono allow).
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// What was recorded when an item was completed. Which fields an item takes depends on
/// its kind: `reading` (meter_reading, required), `keys` (key_handover, required),
/// `receipt_ref` (payment, required), `signature_ref` (required for signature, allowed
/// for any kind), `outcome` (inspection, required), `note` (any).
///
/// ```
/// use estatekit::checkin::ItemData;
/// let d = ItemData { reading: Some("507.0".parse()?), ..ItemData::default() };
/// assert_eq!(serde_json::to_string(&d)?, r#"{"reading":"507.0"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemData {
    /// A meter base reading (≥ 0; JSON string).
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub reading: Option<Decimal>,
    /// The number of keys handed over (≥ 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    /// Reference of the owner's signature (e.g. a scanned page or an e-signature id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_ref: Option<String>,
    /// Reference of the payment receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_ref: Option<String>,
    /// The handover outcome of an inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<HandoverOutcome>,
    /// A free note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Who completed an item, when, with what data.
///
/// ```
/// use estatekit::checkin::{Completion, ItemData, Role};
/// use chrono::{TimeZone, Utc};
/// let c = Completion { actor: "李四".into(), role: Role::Receptionist,
///     at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), data: ItemData::default() };
/// assert!(serde_json::to_string(&c)?.contains("2026-11-02T09:00:00Z"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// The staff member.
    pub actor: String,
    /// Their role.
    pub role: Role,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// What was recorded.
    #[serde(default)]
    pub data: ItemData,
}

/// One item of a checklist: its template facts (kept to detect template changes) and
/// its completion, if done.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// assert_eq!(c.items()[0].code, "occupancy_notice_presented");
/// assert!(c.items()[0].completion.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemState {
    /// Item code.
    pub code: String,
    /// Its step's code.
    pub step: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Whether it is mandatory.
    pub mandatory: bool,
    /// Set when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
}

impl ItemState {
    /// True when done.
    ///
    /// ```
    /// use estatekit::checkin::{ItemKind, ItemState};
    /// let s = ItemState { code: "x".into(), step: "s".into(), kind: ItemKind::RecordMade,
    ///     mandatory: true, completion: None };
    /// assert!(!s.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.completion.is_some()
    }
}

/// A defect to record at inspection.
///
/// ```
/// use estatekit::checkin::{DefectInput, Responsible, Severity};
/// let d = DefectInput { location: "主卧 master bedroom".into(), description: "墙面裂缝 crack".into(),
///     category: "civil".into(), severity: Severity::Major, responsible: Responsible::Developer };
/// assert_eq!(d.severity, Severity::Major);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefectInput {
    /// Where in the unit, e.g. "kitchen".
    pub location: String,
    /// What is wrong.
    pub description: String,
    /// A category code, e.g. "civil", "plumbing", "electrical", "doors_windows".
    pub category: String,
    /// How serious: sets the deadline.
    pub severity: Severity,
    /// Who rectifies it.
    pub responsible: Responsible,
}

/// A re-inspection of a defect.
///
/// ```
/// use estatekit::checkin::Reinspection;
/// use chrono::{TimeZone, Utc};
/// let r = Reinspection { actor: "王五".into(), at: Utc.with_ymd_and_hms(2026, 11, 9, 9, 0, 0).unwrap(),
///     passed: false, note: None };
/// assert!(!r.passed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reinspection {
    /// The inspector.
    pub actor: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Whether the rectification was accepted.
    pub passed: bool,
    /// A free note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A defect found at inspection, with its rectification deadline and re-inspections.
///
/// ```
/// use estatekit::checkin::*;
/// use chrono::{TimeZone, Utc};
/// let d = Defect { id: "D1".into(), location: "kitchen".into(), description: "leak".into(),
///     category: "plumbing".into(), severity: Severity::Critical, responsible: Responsible::Developer,
///     found_by: "王五".into(), found_at: Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap(),
///     deadline: "2026-11-05".parse()?, status: DefectStatus::Open, rectified_at: None,
///     reinspections: vec![] };
/// assert!(d.is_overdue("2026-11-06".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defect {
    /// Id within the checklist: "D1", "D2", …
    pub id: String,
    /// Where in the unit.
    pub location: String,
    /// What is wrong.
    pub description: String,
    /// Category code.
    pub category: String,
    /// How serious.
    pub severity: Severity,
    /// Who rectifies it.
    pub responsible: Responsible,
    /// The inspector who recorded it.
    pub found_by: String,
    /// When (UTC).
    pub found_at: DateTime<Utc>,
    /// Last day to rectify: the UTC date found plus the template's days for the severity.
    pub deadline: NaiveDate,
    /// Open, rectified (awaiting re-inspection) or closed.
    pub status: DefectStatus,
    /// When the rectification was last reported (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectified_at: Option<DateTime<Utc>>,
    /// Re-inspections, oldest first.
    #[serde(default)]
    pub reinspections: Vec<Reinspection>,
}

impl Defect {
    /// True when not closed and the deadline is before `as_of` (see [`Defect`]).
    ///
    /// ```
    /// use estatekit::checkin::*;
    /// use chrono::{TimeZone, Utc};
    /// let mut d = Defect { id: "D1".into(), location: "k".into(), description: "d".into(),
    ///     category: "c".into(), severity: Severity::Minor, responsible: Responsible::Owner,
    ///     found_by: "王五".into(), found_at: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
    ///     deadline: "2026-12-02".parse()?, status: DefectStatus::Open, rectified_at: None,
    ///     reinspections: vec![] };
    /// assert!(!d.is_overdue("2026-12-02".parse()?));
    /// assert!(d.is_overdue("2026-12-03".parse()?));
    /// d.status = DefectStatus::Closed;
    /// assert!(!d.is_overdue("2026-12-03".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.status != DefectStatus::Closed && self.deadline < as_of
    }
}

checkin_enum! {
    /// What an event of the log records.
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

/// One entry of the event log.
///
/// ```
/// use estatekit::checkin::{Event, EventAction, Role};
/// use chrono::{TimeZone, Utc};
/// let e = Event { at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), actor: "李四".into(),
///     role: Role::Receptionist, action: EventAction::Finished, target: None, data: None,
///     passed: None, note: None };
/// assert_eq!(e.action, EventAction::Finished);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// What.
    pub action: EventAction,
    /// The item code or defect id concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The data recorded (completions) or the defect as recorded (in `note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<ItemData>,
    /// The result of a re-inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// The reason of an undo, or a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
    /// Every action, in order.
    #[serde(default)]
    pub events: Vec<Event>,
}

checkin_enum! {
    /// What no longer matches between a saved checklist and a template.
    ///
    /// ```
    /// use estatekit::checkin::MismatchKind;
    /// assert_eq!(MismatchKind::ItemRemoved.as_str(), "item_removed");
    /// ```
    MismatchKind ("kind") {
        /// The template id differs.
        TemplateId => "template_id",
        /// The template revision differs.
        TemplateVersion => "template_version",
        /// A saved item is not in the template any more (its completion is dropped).
        ItemRemoved => "item_removed",
        /// The template has an item the checklist lacks (added, open).
        ItemAdded => "item_added",
        /// An item changed kind (its completion is dropped).
        KindChanged => "kind_changed",
        /// An item moved to another step.
        StepChanged => "step_changed",
        /// An item became mandatory or optional.
        MandatoryChanged => "mandatory_changed",
        /// With the template it was saved with, the document contradicts its event log
        /// (what [`Checklist::from_json`] refuses): restored as saved, not replayed.
        History => "history",
    }
}

/// One difference between a saved checklist and the template it is restored against.
///
/// ```
/// use estatekit::checkin::{Mismatch, MismatchKind};
/// let m = Mismatch { kind: MismatchKind::ItemAdded, path: "items.x".into(), detail: "x".into() };
/// assert_eq!(m.kind.as_str(), "item_added");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// What kind of difference.
    pub kind: MismatchKind,
    /// What it concerns: `template_id`, `template_version` or `items.<code>`.
    pub path: String,
    /// A sentence for people.
    pub detail: String,
}

/// A checklist restored against a template that may have changed.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
/// let t = CheckinTemplate::default_template();
/// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
/// let r = Checklist::restore(&c.to_json(), &t)?;
/// assert!(r.mismatches.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The checklist, adapted to the template (see [`Checklist::restore`]).
    pub checklist: Checklist,
    /// What no longer matched, in order: template, then items in saved then template order.
    pub mismatches: Vec<Mismatch>,
}

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
        Err(invalid(path, "must not be empty"))
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

const DEFECT_ROLES: &[Role] = &[Role::Inspector, Role::Manager];
const FINISH_ROLES: &[Role] = &[Role::Receptionist, Role::Manager];

impl Checklist {
    /// Starts the check-in of `unit_id` by `owner` on `started_on`, every item open.
    ///
    /// # Errors
    /// [`CheckinError::InvalidField`] for an empty unit id (`unit_id`) or owner (`owner`).
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
            return Err(invalid(
                "utc_offset_minutes",
                format!("must be within ±{MAX_OFFSET_MINUTES} minutes, got {utc_offset_minutes}"),
            ));
        }
        non_empty("unit_id", unit_id)?;
        non_empty("owner", owner)?;
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

    /// Completes an item: `actor` in `role` at `at` (UTC), recording `data`.
    ///
    /// With `estate`, a meter reading is checked against the unit's meter of that kind:
    /// it must not be below the meter's last reading.
    ///
    /// # Errors
    /// - [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event or
    ///   before the start day (every action: events are recorded in time order);
    /// - [`CheckinError::UnknownItem`] (`item_code`);
    /// - [`CheckinError::ChecklistFinished`] after completion (but the audit item);
    /// - [`CheckinError::AlreadyCompleted`] for a second completion;
    /// - [`CheckinError::DependenciesUnmet`] when the item's step waits for other steps;
    /// - [`CheckinError::RoleNotAllowed`] (`role`);
    /// - [`CheckinError::InvalidField`] for an empty actor (`actor`), missing or
    ///   misplaced data (`data.reading`, `data.keys`, …) or an outcome that contradicts
    ///   the defects (`data.outcome`);
    /// - [`CheckinError::NegativeReading`], [`CheckinError::DecreasingReading`] (`data.reading`);
    /// - [`CheckinError::UnknownUnit`] (`unit_id`) when the estate lacks the unit.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// let err = c.complete("key_handover", "李四", Role::Receptionist, at, ItemData::default(), None)
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("dependencies_unmet", "item_code"));
    /// c.complete("occupancy_notice_presented", "李四", Role::Receptionist, at, ItemData::default(), None)?;
    /// let err = c.complete("occupancy_notice_presented", "李四", Role::Receptionist, at,
    ///     ItemData::default(), None).unwrap_err();
    /// assert_eq!(err.code(), "already_completed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn complete(
        &mut self,
        item_code: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        data: ItemData,
        estate: Option<&Estate>,
    ) -> Result<(), CheckinError> {
        self.check_time(at)?;
        let def = self
            .template
            .item(item_code)
            .ok_or_else(|| CheckinError::UnknownItem {
                path: "item_code".into(),
                item: item_code.to_owned(),
            })?
            .clone();
        if self.is_complete() && self.template.audit_item() != Some(item_code) {
            return Err(CheckinError::ChecklistFinished {
                path: "finished_at".into(),
            });
        }
        let idx = self.index_of(item_code)?;
        if self.data.items[idx].is_done() {
            return Err(CheckinError::AlreadyCompleted {
                path: "item_code".into(),
                item: item_code.to_owned(),
            });
        }
        let step = self.data.items[idx].step.clone();
        let unmet = self.unmet_dependencies(&step);
        if !unmet.is_empty() {
            return Err(CheckinError::DependenciesUnmet {
                path: "item_code".into(),
                item: item_code.to_owned(),
                step,
                unmet,
            });
        }
        require_role(role, &def.roles, format!("complete item {item_code:?}"))?;
        non_empty("actor", actor)?;
        self.validate_data(&def, &data, estate)?;
        let completion = Completion {
            actor: actor.to_owned(),
            role,
            at,
            data: data.clone(),
        };
        self.data.items[idx].completion = Some(completion);
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::Completed,
            target: Some(item_code.to_owned()),
            data: Some(data),
            passed: None,
            note: None,
        });
        Ok(())
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
        let start = start_instant(&self.data);
        self.data.events.last().map_or(start, |e| e.at.max(start))
    }

    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before [`Self::earliest`].
    fn check_time(&self, at: DateTime<Utc>) -> Result<(), CheckinError> {
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

    fn validate_data(
        &self,
        def: &super::ItemDef,
        data: &ItemData,
        estate: Option<&Estate>,
    ) -> Result<(), CheckinError> {
        let kind = def.kind;
        let not_for = |field: &str| {
            invalid(
                format!("data.{field}"),
                format!("not recorded for a {kind} item"),
            )
        };
        let required = |field: &str| {
            invalid(
                format!("data.{field}"),
                format!("required for a {kind} item"),
            )
        };
        for (field, value) in [
            ("signature_ref", &data.signature_ref),
            ("receipt_ref", &data.receipt_ref),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(invalid(format!("data.{field}"), "must not be empty"));
            }
        }
        if kind != ItemKind::MeterReading && data.reading.is_some() {
            return Err(not_for("reading"));
        }
        if kind != ItemKind::KeyHandover && data.keys.is_some() {
            return Err(not_for("keys"));
        }
        if kind != ItemKind::Payment && data.receipt_ref.is_some() {
            return Err(not_for("receipt_ref"));
        }
        if kind != ItemKind::Inspection && data.outcome.is_some() {
            return Err(not_for("outcome"));
        }
        match kind {
            ItemKind::Signature if data.signature_ref.is_none() => Err(required("signature_ref")),
            ItemKind::Payment if data.receipt_ref.is_none() => Err(required("receipt_ref")),
            ItemKind::MeterReading => {
                let value = data.reading.ok_or_else(|| required("reading"))?;
                if value < Decimal::ZERO {
                    return Err(CheckinError::NegativeReading {
                        path: "data.reading".into(),
                        value,
                    });
                }
                if let (Some(estate), Some(meter_kind)) = (estate, def.meter_kind) {
                    if estate.unit(&self.data.unit_id).is_none() {
                        return Err(CheckinError::UnknownUnit {
                            path: "unit_id".into(),
                            unit_id: self.data.unit_id.clone(),
                        });
                    }
                    let meter = estate
                        .meters_of(&self.data.unit_id)
                        .into_iter()
                        .find(|m| m.kind == meter_kind);
                    if let Some(m) = meter {
                        if let Some(last) = m.readings.last() {
                            if value < last.value {
                                return Err(CheckinError::DecreasingReading {
                                    path: "data.reading".into(),
                                    meter_id: m.id.clone(),
                                    previous: last.value,
                                    value,
                                });
                            }
                        }
                    }
                }
                Ok(())
            }
            ItemKind::KeyHandover => {
                let keys = data.keys.ok_or_else(|| required("keys"))?;
                if keys == 0 {
                    return Err(invalid("data.keys", "at least one key is handed over"));
                }
                match def.keys {
                    Some(expected) if expected != keys => Err(invalid(
                        "data.keys",
                        format!("the template expects {expected} keys, got {keys}"),
                    )),
                    _ => Ok(()),
                }
            }
            ItemKind::Inspection => {
                let outcome = data.outcome.ok_or_else(|| required("outcome"))?;
                let open: Vec<&str> = self
                    .data
                    .defects
                    .iter()
                    .filter(|d| d.status != super::DefectStatus::Closed)
                    .map(|d| d.id.as_str())
                    .collect();
                match outcome {
                    HandoverOutcome::Accepted if !open.is_empty() => Err(invalid(
                        "data.outcome",
                        format!(
                            "accepted needs every defect closed; open: {}",
                            open.join(", ")
                        ),
                    )),
                    HandoverOutcome::AcceptedWithRectificationList if open.is_empty() => {
                        Err(invalid(
                            "data.outcome",
                            "accepted_with_rectification_list needs at least one open defect",
                        ))
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// Undoes a done item, with a reason (kept in the event log).
    ///
    /// # Errors
    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event (here:
    /// the completion it undoes) or the start day;
    /// [`CheckinError::UnknownItem`], [`CheckinError::ChecklistFinished`],
    /// [`CheckinError::NotCompleted`] for an open item, [`CheckinError::HasDependents`]
    /// when done items of dependent steps rely on it (while its step would become
    /// undone), [`CheckinError::RoleNotAllowed`], [`CheckinError::InvalidField`] for an
    /// empty actor or reason (`reason`).
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// c.complete("occupancy_notice_presented", "李四", Role::Receptionist, at, ItemData::default(), None)?;
    /// c.undo("occupancy_notice_presented", "李四", Role::Receptionist, at, "wrong owner")?;
    /// assert_eq!(c.progress().done, 0);
    /// assert_eq!(c.events().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn undo(
        &mut self,
        item_code: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), CheckinError> {
        self.check_time(at)?;
        let def = self
            .template
            .item(item_code)
            .ok_or_else(|| CheckinError::UnknownItem {
                path: "item_code".into(),
                item: item_code.to_owned(),
            })?
            .clone();
        if self.is_complete() {
            return Err(CheckinError::ChecklistFinished {
                path: "finished_at".into(),
            });
        }
        let idx = self.index_of(item_code)?;
        if !self.data.items[idx].is_done() {
            return Err(CheckinError::NotCompleted {
                path: "item_code".into(),
                item: item_code.to_owned(),
            });
        }
        if def.mandatory {
            // Done items of the steps that depend on this one, directly or not, in
            // item order: O(steps + dependencies + items).
            let step = self.template.step_index(&self.data.items[idx].step);
            let dependent_steps = step
                .map(|s| self.template.transitive_dependents(s))
                .unwrap_or_default();
            let mut dependents: Vec<String> = Vec::new();
            for (s, &dependent) in dependent_steps.iter().enumerate() {
                if dependent {
                    let items = self.step_items(s);
                    ops::add(Op::ItemVisits, items.len() as u64);
                    dependents.extend(items.iter().filter(|i| i.is_done()).map(|i| i.code.clone()));
                }
            }
            if !dependents.is_empty() {
                return Err(CheckinError::HasDependents {
                    path: "item_code".into(),
                    item: item_code.to_owned(),
                    dependents,
                });
            }
        }
        require_role(role, &def.roles, format!("undo item {item_code:?}"))?;
        non_empty("actor", actor)?;
        non_empty("reason", reason)?;
        self.data.items[idx].completion = None;
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::Undone,
            target: Some(item_code.to_owned()),
            data: None,
            passed: None,
            note: Some(reason.to_owned()),
        });
        Ok(())
    }

    /// Completes the check-in.
    ///
    /// # Errors
    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event or
    /// the start day (the delivery date is the UTC date of `at`);
    /// [`CheckinError::ChecklistFinished`] the second time;
    /// [`CheckinError::ChecklistIncomplete`] (`items`) while a mandatory item is open;
    /// [`CheckinError::HandoverRefused`] when the inspection refused the handover;
    /// [`CheckinError::RoleNotAllowed`] unless receptionist or manager;
    /// [`CheckinError::InvalidField`] for an empty actor.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let err = c.finish("李四", Role::Receptionist, Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("checklist_incomplete", "items"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish(
        &mut self,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<(), CheckinError> {
        self.check_time(at)?;
        if self.is_complete() {
            return Err(CheckinError::ChecklistFinished {
                path: "finished_at".into(),
            });
        }
        let missing = self.missing();
        if !missing.is_empty() {
            return Err(CheckinError::ChecklistIncomplete {
                path: "items".into(),
                missing,
            });
        }
        if let Some(refused) = self.data.items.iter().find(|i| {
            i.completion
                .as_ref()
                .is_some_and(|c| c.data.outcome == Some(HandoverOutcome::Refused))
        }) {
            return Err(CheckinError::HandoverRefused {
                path: format!("items.{}", refused.code),
            });
        }
        require_role(role, FINISH_ROLES, "complete the check-in".into())?;
        non_empty("actor", actor)?;
        self.data.finished_at = Some(at);
        self.data.finished_by = Some(actor.to_owned());
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::Finished,
            target: None,
            data: None,
            passed: None,
            note: None,
        });
        Ok(())
    }

    /// Records a defect found at inspection; returns its id ("D1", "D2", …). The
    /// deadline is the local date of `at` (see
    /// [`Checklist::local_date`]) plus the template's days for the severity.
    ///
    /// # Errors
    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event or
    /// the start day; [`CheckinError::ChecklistFinished`];
    /// [`CheckinError::AlreadyCompleted`] when the
    /// inspection item is already done (undo it to add defects);
    /// [`CheckinError::DependenciesUnmet`] before the inspection step is reachable;
    /// [`CheckinError::RoleNotAllowed`] unless inspector or manager;
    /// [`CheckinError::InvalidField`] for empty fields (`defect.location`, …) or `actor`.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let d = DefectInput { location: "kitchen".into(), description: "leak".into(),
    ///     category: "plumbing".into(), severity: Severity::Critical, responsible: Responsible::Developer };
    /// let err = c.record_defect(d, "王五", Role::Inspector, Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "dependencies_unmet");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_defect(
        &mut self,
        defect: DefectInput,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<String, CheckinError> {
        self.check_time(at)?;
        if self.is_complete() {
            return Err(CheckinError::ChecklistFinished {
                path: "finished_at".into(),
            });
        }
        if let Some(inspection) = self
            .data
            .items
            .iter()
            .find(|i| i.kind == ItemKind::Inspection)
        {
            if inspection.is_done() {
                return Err(CheckinError::AlreadyCompleted {
                    path: "item_code".into(),
                    item: inspection.code.clone(),
                });
            }
            let unmet = self.unmet_dependencies(&inspection.step);
            if !unmet.is_empty() {
                return Err(CheckinError::DependenciesUnmet {
                    path: "item_code".into(),
                    item: inspection.code.clone(),
                    step: inspection.step.clone(),
                    unmet,
                });
            }
        }
        require_role(role, DEFECT_ROLES, "record a defect".into())?;
        non_empty("actor", actor)?;
        non_empty("defect.location", &defect.location)?;
        non_empty("defect.description", &defect.description)?;
        non_empty("defect.category", &defect.category)?;
        let days = self.template.rectification_days().days(defect.severity);
        let deadline = self
            .local_date(at)
            .checked_add_days(Days::new(u64::from(days)))
            .ok_or_else(|| invalid("at", "the rectification deadline is out of range"))?;
        let id = format!("D{}", self.data.defects.len() + 1);
        let note = format!(
            "{} {} / {}: {} ({}, {}, until {deadline})",
            id,
            defect.location,
            defect.category,
            defect.description,
            defect.severity,
            defect.responsible
        );
        self.data.defects.push(Defect {
            id: id.clone(),
            location: defect.location,
            description: defect.description,
            category: defect.category,
            severity: defect.severity,
            responsible: defect.responsible,
            found_by: actor.to_owned(),
            found_at: at,
            deadline,
            status: DefectStatus::Open,
            rectified_at: None,
            reinspections: Vec::new(),
        });
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::DefectRecorded,
            target: Some(id.clone()),
            data: None,
            passed: None,
            note: Some(note),
        });
        Ok(id)
    }

    fn defect_index(&self, id: &str) -> Result<usize, CheckinError> {
        self.data
            .defects
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| CheckinError::UnknownDefect {
                path: "defect_id".into(),
                id: id.to_owned(),
            })
    }

    /// Reports a defect rectified (整改完成), awaiting re-inspection. Allowed after the
    /// check-in is completed (rectification lists are worked off after handover).
    ///
    /// # Errors
    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event;
    /// [`CheckinError::UnknownDefect`], [`CheckinError::DefectState`] unless open,
    /// [`CheckinError::RoleNotAllowed`] unless inspector or manager, empty actor.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let err = c.mark_rectified("D9", "王五", Role::Inspector, Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), None)
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_defect", "defect_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mark_rectified(
        &mut self,
        defect_id: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<(), CheckinError> {
        self.check_time(at)?;
        let idx = self.defect_index(defect_id)?;
        let status = self.data.defects[idx].status;
        if status != DefectStatus::Open {
            return Err(CheckinError::DefectState {
                path: "defect_id".into(),
                id: defect_id.to_owned(),
                status,
                action: "report it rectified".into(),
            });
        }
        require_role(role, DEFECT_ROLES, "report a defect rectified".into())?;
        non_empty("actor", actor)?;
        let d = &mut self.data.defects[idx];
        d.status = DefectStatus::Rectified;
        d.rectified_at = Some(at);
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::DefectRectified,
            target: Some(defect_id.to_owned()),
            data: None,
            passed: None,
            note,
        });
        Ok(())
    }

    /// Re-inspects a defect: passed closes it, failed re-opens it (same deadline).
    ///
    /// # Errors
    /// [`CheckinError::EventOutOfOrder`] (`at`) when `at` is before the last event;
    /// [`CheckinError::UnknownDefect`], [`CheckinError::DefectState`] when closed,
    /// [`CheckinError::RoleNotAllowed`] unless inspector or manager, empty actor.
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// # use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let err = c.reinspect("D1", true, "王五", Role::Inspector, Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), None)
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "unknown_defect");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reinspect(
        &mut self,
        defect_id: &str,
        passed: bool,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<(), CheckinError> {
        self.check_time(at)?;
        let idx = self.defect_index(defect_id)?;
        let status = self.data.defects[idx].status;
        if status == DefectStatus::Closed {
            return Err(CheckinError::DefectState {
                path: "defect_id".into(),
                id: defect_id.to_owned(),
                status,
                action: "re-inspect it".into(),
            });
        }
        require_role(role, DEFECT_ROLES, "re-inspect a defect".into())?;
        non_empty("actor", actor)?;
        let d = &mut self.data.defects[idx];
        d.status = if passed {
            DefectStatus::Closed
        } else {
            DefectStatus::Open
        };
        d.reinspections.push(Reinspection {
            actor: actor.to_owned(),
            at,
            passed,
            note: note.clone(),
        });
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: EventAction::Reinspected,
            target: Some(defect_id.to_owned()),
            data: None,
            passed: Some(passed),
            note,
        });
        Ok(())
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
        serde_json::to_string_pretty(&self.data).unwrap_or_default()
    }

    /// Parses a document; `strict` (loading, not restoring) also refuses a completed
    /// check-in with an open mandatory item (an adapted checklist may have one).
    fn parse(text: &str, strict: bool) -> Result<ChecklistData, CheckinError> {
        let data: ChecklistData = crate::json::parse(text).map_err(|f| CheckinError::Json {
            path: f.path,
            message: f.message,
        })?;
        if data.format_version != CHECKLIST_FORMAT_VERSION {
            return Err(CheckinError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: data.format_version,
                supported: CHECKLIST_FORMAT_VERSION,
            });
        }
        non_empty("unit_id", &data.unit_id)?;
        non_empty("owner", &data.owner)?;
        if data.finished_at.is_some() != data.finished_by.is_some() {
            return Err(invalid(
                "finished_by",
                "finished_at and finished_by are set together",
            ));
        }
        if strict && data.finished_at.is_some() {
            if let Some(i) = data.items.iter().position(|i| i.mandatory && !i.is_done()) {
                return Err(invalid(
                    format!("items[{i}].completion"),
                    "a completed check-in has every mandatory item done",
                ));
            }
        }
        for (i, d) in data.defects.iter().enumerate() {
            if d.id != format!("D{}", i + 1) {
                return Err(invalid(
                    format!("defects[{i}].id"),
                    format!("expected \"D{}\", got {:?}", i + 1, d.id),
                ));
            }
        }
        Ok(data)
    }

    /// Restores a checklist saved with [`Checklist::to_json`], exactly.
    ///
    /// Loading keeps every invariant the operations keep: the checklist is rebuilt by
    /// replaying the document's event log through the operations (with `template`), and
    /// the document must say exactly what the rebuilt checklist says (its items and
    /// their completions, defects, completion); a document that loads writes back
    /// byte-identical with [`Checklist::to_json`].
    ///
    /// # Errors
    /// [`CheckinError::Json`] / [`CheckinError::UnsupportedFormatVersion`] for a bad
    /// document; [`CheckinError::TemplateMismatch`] (`template`) listing every
    /// difference when the template is not the one the checklist was saved with (use
    /// [`Checklist::restore`] to adapt instead); the first contradiction:
    /// [`CheckinError::EventOutOfOrder`] (`events[i].at`) for an event dated before the
    /// previous one or the start day, [`CheckinError::RoleNotAllowed`]
    /// (`events[i].role`) for a role the template does not allow,
    /// [`CheckinError::InconsistentDocument`] for any other event the operations refuse
    /// (`events[i]`, `events[i].target`, …) or a field that is not what the event log
    /// gives (`items.<code>.completion.role`, `defects[0].status`, `finished_at`, …;
    /// `events` when the log is empty).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(Checklist::from_json(&c.to_json(), &t)?, c);
    ///
    /// // The demo walk, finished on 2020-01-01 (years before it started).
    /// let walk = include_str!("../../tests/data/checkin_walk.json");
    /// let early = walk.replace("2026-11-02T02:30:00Z", "2020-01-01T00:00:00Z");
    /// let err = Checklist::from_json(&early, &t).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("event_out_of_order", "events[25].at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str, template: &CheckinTemplate) -> Result<Self, CheckinError> {
        let restored = Self::restore_with(text, template, true)?;
        if restored.mismatches.is_empty() {
            Ok(restored.checklist)
        } else {
            Err(CheckinError::TemplateMismatch {
                path: "template".into(),
                mismatches: restored.mismatches,
            })
        }
    }

    /// Restores a saved checklist against `template`, adapting it and reporting what no
    /// longer matches: items removed from the template are dropped (with their
    /// completion), new items are added open, an item whose kind changed loses its
    /// completion, step and mandatory flags follow the template; the template id and
    /// revision become the template's. Defects and the event log are kept as saved.
    ///
    /// The events must be in time order. Against the template the checklist was saved
    /// with, the document is rebuilt from its event log as [`Checklist::from_json`]
    /// does; where [`Checklist::from_json`] refuses a contradiction, `restore` reports it
    /// as a [`MismatchKind::History`] mismatch (its path and the error) and restores the
    /// document as saved. So does a checklist once restored against a changed template
    /// (its history was recorded with the old one): restore it again, `from_json`
    /// refuses it.
    ///
    /// # Errors
    /// [`CheckinError::Json`] / [`CheckinError::UnsupportedFormatVersion`] / empty ids;
    /// [`CheckinError::EventOutOfOrder`] (`events[i].at`).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let mut data = t.data().clone();
    /// data.version = 2;
    /// data.steps[0].items[0].mandatory = false;
    /// let t2 = CheckinTemplate::new(data)?;
    /// let r = Checklist::restore(&c.to_json(), &t2)?;
    /// let kinds: Vec<_> = r.mismatches.iter().map(|m| m.kind.as_str()).collect();
    /// assert_eq!(kinds, ["template_version", "mandatory_changed"]);
    /// assert_eq!(r.checklist.progress().total, 22);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore(text: &str, template: &CheckinTemplate) -> Result<Restored, CheckinError> {
        Self::restore_with(text, template, false)
    }

    /// [`Checklist::restore`]; `strict`: a contradiction with the event log is an error
    /// (else a [`MismatchKind::History`] mismatch).
    fn restore_with(
        text: &str,
        template: &CheckinTemplate,
        strict: bool,
    ) -> Result<Restored, CheckinError> {
        let saved = Self::parse(text, strict)?;
        verify::check_event_order(&saved)?;
        let mut mismatches = Vec::new();
        if saved.template_id != template.id() {
            mismatches.push(Mismatch {
                kind: MismatchKind::TemplateId,
                path: "template_id".into(),
                detail: format!(
                    "saved with template {:?}, restored against {:?}",
                    saved.template_id,
                    template.id()
                ),
            });
        }
        if saved.template_version != template.version() {
            mismatches.push(Mismatch {
                kind: MismatchKind::TemplateVersion,
                path: "template_version".into(),
                detail: format!(
                    "saved with template revision {}, restored against revision {}",
                    saved.template_version,
                    template.version()
                ),
            });
        }
        for s in &saved.items {
            if template.item(&s.code).is_none() {
                mismatches.push(Mismatch {
                    kind: MismatchKind::ItemRemoved,
                    path: format!("items.{}", s.code),
                    detail: format!(
                        "item {:?} is not in the template any more{}",
                        s.code,
                        if s.is_done() { " (it was done)" } else { "" }
                    ),
                });
            }
        }
        // The first saved item of each code (a map: O(items log items), not a search
        // per template item).
        let mut by_code: HashMap<&str, &ItemState> = HashMap::with_capacity(saved.items.len());
        for s in &saved.items {
            by_code.entry(s.code.as_str()).or_insert(s);
        }
        let mut items = Vec::new();
        for (step, def) in template.items() {
            let old = by_code.get(def.code.as_str()).copied();
            let path = format!("items.{}", def.code);
            let mut state = ItemState {
                code: def.code.clone(),
                step: step.code.clone(),
                kind: def.kind,
                mandatory: def.mandatory,
                completion: None,
            };
            match old {
                None => mismatches.push(Mismatch {
                    kind: MismatchKind::ItemAdded,
                    path,
                    detail: format!("item {:?} is new in the template", def.code),
                }),
                Some(old) => {
                    if old.kind != def.kind {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::KindChanged,
                            path: path.clone(),
                            detail: format!(
                                "item {:?} was a {} item, is now a {} item",
                                def.code, old.kind, def.kind
                            ),
                        });
                    } else {
                        state.completion = old.completion.clone();
                    }
                    if old.step != step.code {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::StepChanged,
                            path: path.clone(),
                            detail: format!(
                                "item {:?} moved from step {:?} to {:?}",
                                def.code, old.step, step.code
                            ),
                        });
                    }
                    if old.mandatory != def.mandatory {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::MandatoryChanged,
                            path,
                            detail: format!(
                                "item {:?} is now {}",
                                def.code,
                                if def.mandatory {
                                    "mandatory"
                                } else {
                                    "optional"
                                }
                            ),
                        });
                    }
                }
            }
            items.push(state);
        }
        if mismatches.is_empty() {
            // The template is the one the checklist was saved with: rebuild it from its
            // event log and check it is exactly the document.
            match Self::rebuild(&saved, template) {
                Ok(checklist) => {
                    return Ok(Restored {
                        checklist,
                        mismatches,
                    });
                }
                Err(e) if strict => return Err(e),
                Err(e) => mismatches.push(Mismatch {
                    kind: MismatchKind::History,
                    path: e.path().to_owned(),
                    detail: format!("{e} ({})", e.code()),
                }),
            }
        }
        // A changed template cannot replay the log (its time order was checked).
        let data = ChecklistData {
            template_id: template.id().to_owned(),
            template_version: template.version(),
            items,
            ..saved
        };
        Ok(Restored {
            checklist: Self {
                template: template.clone(),
                data,
            },
            mismatches,
        })
    }
}
