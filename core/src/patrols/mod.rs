//! Patrol rounds (巡查) and the building log (巡楼记录).
//!
//! - [`PatrolBook`]: checkpoints (where, what kind, which items to check), plans (a
//!   route of checkpoints, a recurrence: daily, alternate days, given weekdays; time
//!   windows; the staff member and a deputy), and the tasks generated from them,
//!   deterministically (generating the same days again adds nothing).
//! - A visit to a checkpoint is `early`, `on_time` or `late` against its task's window;
//!   a point not visited by the window's end is `missed`. A task is `not_started`,
//!   `in_progress`, `completed`, `overdue` (the window ended with points missed) or
//!   `absent` (the window ended with no visit at all).
//! - An abnormal finding (an item not OK) needs a note; it becomes a line of the
//!   building log and a ticket (channel `patrol`), classified and routed by a
//!   [`TicketClassifier`] ([`PatrolBook::finding_ticket`]);
//!   closing it records its closure time.
//! - [`PatrolBook::statistics`]: completion and on-time rates, missed points, findings
//!   and their closure time per route, per person.
//!
//! ```
//! # let book = estatekit::patrols::PatrolBook::example()?;
//! let s = book.statistics("2026-11-04T16:00:00Z".parse()?);
//! assert_eq!((s.tasks, s.completed, s.missed_points), (4, 2, 4));
//! assert_eq!(s.completion_rate.unwrap().to_string(), "0.5000");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::tickets::{Channel, Classification, Ticket, TicketClassifier, WorkingHours};

mod example;

/// The `format_version` of a patrol book this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::patrols::PATROL_FORMAT_VERSION, 1);
/// ```
pub const PATROL_FORMAT_VERSION: u32 = 1;

/// The error of an unknown wire name of a patrol enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> PatrolError {
    PatrolError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! patrol_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::patrols", error: $crate::patrols::PatrolError,
            unknown: $crate::patrols::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

patrol_enum! {
    /// What a checkpoint is for.
    ///
    /// ```
    /// assert_eq!(estatekit::patrols::CheckpointKind::DecorationSite.as_str(), "decoration_site");
    /// ```
    CheckpointKind ("kind") {
        /// Cleanliness and greening of common areas (环境).
        Environment => "environment",
        /// Plant and equipment (设备).
        Equipment => "equipment",
        /// A renovation site (装修现场).
        DecorationSite => "decoration_site",
        /// Security: doors, fire exits, cameras (安防).
        Security => "security",
    }
}

patrol_enum! {
    /// A visit against its window.
    ///
    /// ```
    /// assert_eq!(estatekit::patrols::Timing::OnTime.as_str(), "on_time");
    /// ```
    Timing ("timing") {
        /// Before the window.
        Early => "early",
        /// In the window.
        OnTime => "on_time",
        /// After the window.
        Late => "late",
        /// Not visited, and the window is over.
        Missed => "missed",
    }
}

patrol_enum! {
    /// Where a task stands at an instant.
    ///
    /// ```
    /// assert_eq!(estatekit::patrols::TaskStatus::Absent.as_str(), "absent");
    /// ```
    TaskStatus ("status") {
        /// No visit yet, the window not over (未开始).
        NotStarted => "not_started",
        /// Some visits, the window not over (巡检中).
        InProgress => "in_progress",
        /// Every checkpoint visited (完成).
        Completed => "completed",
        /// The window is over with checkpoints missed (已超时).
        Overdue => "overdue",
        /// The window is over with no visit (缺勤).
        Absent => "absent",
    }
}

/// Errors of the patrol module; each names the path of the field or record concerned.
///
/// ```
/// let err = estatekit::patrols::PatrolBook::from_json("[]").unwrap_err();
/// assert_eq!((err.code(), err.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatrolError {
    /// A document larger than the loader reads, refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`.
        path: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The document's `format_version` is not supported.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// Found.
        found: u32,
        /// Read.
        supported: u32,
    },
    /// A field has a bad value (`code`: one of [`PatrolError::VALUE_CODES`]).
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause.
        code: &'static str,
        /// Why.
        reason: String,
    },
    /// An id given twice.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// The field.
        path: String,
        /// The id.
        id: String,
    },
    /// An id that names nothing: a checkpoint, plan, task, item or finding.
    #[error("{path}: unknown {what} {id:?}")]
    UnknownReference {
        /// The field.
        path: String,
        /// What was looked for.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The checkpoint was visited already in this task, or the finding is closed.
    #[error("{path}: {reason}")]
    AlreadyDone {
        /// The field.
        path: String,
        /// What was done already.
        reason: String,
    },
}

crate::diagnostic::error_table! {
    PatrolError;
    code_example: "use estatekit::patrols::PatrolError;\nlet e = PatrolError::DuplicateId { path: \"plans[1].id\".into(), id: \"P\".into() };\nassert_eq!(e.code(), \"duplicate_id\");";
    path_example: "use estatekit::patrols::PatrolError;\nlet e = PatrolError::DuplicateId { path: \"plans[1].id\".into(), id: \"P\".into() };\nassert_eq!(e.path(), \"plans[1].id\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    DuplicateId => "duplicate_id";
    UnknownReference => "unknown_reference";
    AlreadyDone => "already_done", state;
}

crate::diagnostic::value_codes! {
    PatrolError;
    example: "assert!(estatekit::patrols::PatrolError::VALUE_CODES.contains(&\"missing_value\"));";
    codes: ["empty_field", "missing_value", "out_of_range", "unknown_value"];
    /// [`PatrolError::InvalidField`] with `code`, one of [`PatrolError::VALUE_CODES`].
    fn value => InvalidField;
}

crate::i18n::labels!(CheckpointKind {
    Environment => "环境", "environment";
    Equipment => "设备", "equipment";
    DecorationSite => "装修现场", "renovation site";
    Security => "安防", "security";
});

crate::i18n::labels!(Timing {
    Early => "提前", "early";
    OnTime => "准时", "on time";
    Late => "迟到", "late";
    Missed => "漏检", "missed";
});

crate::i18n::labels!(TaskStatus {
    NotStarted => "未开始", "not started";
    InProgress => "巡检中", "in progress";
    Completed => "完成", "completed";
    Overdue => "已超时", "overdue";
    Absent => "缺勤", "absent";
});

/// A place a patrol checks.
///
/// ```
/// use estatekit::patrols::{Checkpoint, CheckpointKind};
/// let c = Checkpoint { id: "CP-B1-ROOF".into(), name: "1号楼天台".into(), building_id: Some("B1".into()),
///     kind: CheckpointKind::Security, items: vec!["天台门已锁".into()] };
/// assert_eq!(c.items.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Id.
    pub id: String,
    /// Where.
    pub name: String,
    /// The building, for the building log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_id: Option<String>,
    /// What kind of place.
    pub kind: CheckpointKind,
    /// What to check (at least one item).
    pub items: Vec<String>,
}

/// When a plan's rounds happen.
///
/// ```
/// use estatekit::patrols::Recurrence;
/// let r: Recurrence = serde_json::from_str(r#"{"weekdays": [0, 2, 4]}"#).unwrap();
/// assert!(r.on("2026-11-04".parse().unwrap())); // a Wednesday
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Recurrence {
    /// Every day.
    Daily,
    /// Every other day, from a day.
    AlternateDays(NaiveDate),
    /// Given weekdays (0 = Monday … 6 = Sunday); one day is weekly.
    Weekdays(Vec<u8>),
}

impl Recurrence {
    /// Whether a round falls on `day`.
    ///
    /// ```
    /// use estatekit::patrols::Recurrence;
    /// let r = Recurrence::AlternateDays("2026-11-01".parse().unwrap());
    /// assert!(r.on("2026-11-03".parse().unwrap()) && !r.on("2026-11-04".parse().unwrap()));
    /// ```
    pub fn on(&self, day: NaiveDate) -> bool {
        match self {
            Self::Daily => true,
            Self::AlternateDays(from) => day >= *from && (day - *from).num_days() % 2 == 0,
            Self::Weekdays(days) => {
                let wd =
                    u8::try_from(day.weekday().num_days_from_monday()).expect("a weekday is 0..=6");
                days.contains(&wd)
            }
        }
    }
}

/// A patrol plan: a route, when, and who.
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// assert_eq!(book.plans()[0].route, ["CP-GATE", "CP-B1-ROOF", "CP-PUMP"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Id.
    pub id: String,
    /// The checkpoints, in order.
    pub route: Vec<String>,
    /// When.
    pub recurrence: Recurrence,
    /// One round per window, local time.
    pub windows: Vec<WorkingHours>,
    /// Who patrols.
    pub staff: String,
    /// Who stands in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deputy: Option<String>,
}

/// An item's result at a visit.
///
/// ```
/// use estatekit::patrols::ItemResult;
/// let r = ItemResult { item: "消防通道畅通".into(), ok: false };
/// assert!(!r.ok);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemResult {
    /// The checkpoint's item.
    pub item: String,
    /// Whether it was in order.
    pub ok: bool,
}

/// A visit to a checkpoint in a task.
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// let v = &book.tasks()[0].visits[0];
/// assert_eq!((v.checkpoint_id.as_str(), v.by.as_str()), ("CP-GATE", "刘保安"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The checkpoint.
    pub checkpoint_id: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// Every item's result.
    pub results: Vec<ItemResult>,
    /// A note: required when an item is not OK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A round of a plan on a day, in one window.
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// assert_eq!(book.tasks()[0].id, "NIGHT/2026-11-03/0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// `{plan}/{date}/{window index}`.
    pub id: String,
    /// The plan.
    pub plan_id: String,
    /// The local day.
    pub date: NaiveDate,
    /// The window.
    pub window: WorkingHours,
    /// Who patrols.
    pub staff: String,
    /// Who stands in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deputy: Option<String>,
    /// The visits, in order of time, then checkpoint id.
    #[serde(default)]
    pub visits: Vec<Visit>,
}

/// An abnormal finding: a line of the building log, and a ticket to follow.
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// let f = &book.findings()[0];
/// assert_eq!((f.id.as_str(), f.failed.clone(), f.closed_at.is_none()), ("F1", vec!["消防通道畅通".to_string()], true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `F1`, `F2`, … in the order found.
    pub id: String,
    /// The task.
    pub task_id: String,
    /// The checkpoint.
    pub checkpoint_id: String,
    /// Its building, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_id: Option<String>,
    /// When found.
    pub at: DateTime<Utc>,
    /// Who found it.
    pub by: String,
    /// The items not OK.
    pub failed: Vec<String>,
    /// The note.
    pub note: String,
    /// When closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
}

/// A checkpoint's timing in a task.
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// let p = book.point_timings("NIGHT/2026-11-03/0", "2026-11-04T16:00:00Z".parse()?)?;
/// let got: Vec<_> = p.iter().map(|(c, t)| (c.as_str(), t.map(|t| t.as_str()))).collect();
/// assert_eq!(got, [("CP-GATE", Some("on_time")), ("CP-B1-ROOF", Some("late")), ("CP-PUMP", Some("missed"))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type PointTiming = (String, Option<Timing>);

/// Statistics of a group of tasks (see [`PatrolBook::statistics`]).
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// let s = book.statistics("2026-11-04T16:00:00Z".parse()?);
/// assert_eq!((s.visits, s.on_time), (8, 6));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PatrolStats {
    /// The route's plan, or the person (empty for the whole book).
    pub key: String,
    /// Tasks whose window has ended.
    pub tasks: usize,
    /// Of them, completed.
    pub completed: usize,
    /// Of them, absent.
    pub absent: usize,
    /// completed ÷ tasks, 4 decimals.
    pub completion_rate: Option<Decimal>,
    /// Visits in those tasks.
    pub visits: usize,
    /// Of them, on time.
    pub on_time: usize,
    /// on_time ÷ visits, 4 decimals.
    pub on_time_rate: Option<Decimal>,
    /// Checkpoints missed.
    pub missed_points: usize,
    /// Findings.
    pub findings: usize,
    /// Of them, closed.
    pub findings_closed: usize,
    /// Mean hours from finding to closure (2 decimals), of the closed ones.
    pub mean_closure_hours: Option<Decimal>,
}

/// A patrol book: checkpoints, plans, tasks and findings (see the [module](self) docs).
///
/// ```
/// # let book = estatekit::patrols::PatrolBook::example()?;
/// assert_eq!(estatekit::patrols::PatrolBook::from_json(&book.to_json())?, book);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatrolBook {
    format_version: u32,
    utc_offset_minutes: i32,
    checkpoints: Vec<Checkpoint>,
    plans: Vec<Plan>,
    #[serde(default)]
    tasks: Vec<Task>,
    #[serde(default)]
    findings: Vec<Finding>,
}

fn ratio(n: usize, d: usize, dp: u32) -> Option<Decimal> {
    (d > 0).then(|| {
        let mut r = (Decimal::from(n) / Decimal::from(d))
            .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(dp);
        r
    })
}

impl PatrolBook {
    /// A book of checkpoints and plans (validated), local time at `utc_offset_minutes`.
    ///
    /// # Errors
    /// `empty_field` (ids, names, items, a route, windows, staff),
    /// [`PatrolError::DuplicateId`], [`PatrolError::UnknownReference`] (a route's
    /// checkpoint), `out_of_range` (a window that does not end after it starts, a
    /// weekday beyond 6, an offset beyond ±18 hours).
    ///
    /// ```
    /// use estatekit::patrols::{Checkpoint, CheckpointKind, PatrolBook, Plan, Recurrence};
    /// let cp = Checkpoint { id: "A".into(), name: "大门".into(), building_id: None, kind: CheckpointKind::Security, items: vec!["门岗在岗".into()] };
    /// let plan = Plan { id: "P".into(), route: vec!["B".into()], recurrence: Recurrence::Daily,
    ///     windows: vec![estatekit::tickets::WorkingHours::new("22:00".parse()?, "23:00".parse()?)], staff: "刘".into(), deputy: None };
    /// let err = PatrolBook::new(vec![cp], vec![plan], 480).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_reference", "plans[0].route[0]"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        checkpoints: Vec<Checkpoint>,
        plans: Vec<Plan>,
        utc_offset_minutes: i32,
    ) -> Result<Self, PatrolError> {
        let b = Self {
            format_version: PATROL_FORMAT_VERSION,
            utc_offset_minutes,
            checkpoints,
            plans,
            tasks: Vec::new(),
            findings: Vec::new(),
        };
        b.check_definition()?;
        Ok(b)
    }

    fn check_definition(&self) -> Result<(), PatrolError> {
        let empty = |p: String| PatrolError::value("empty_field", p, "must not be empty");
        if self.utc_offset_minutes.abs() > 18 * 60 {
            return Err(PatrolError::value(
                "out_of_range",
                "utc_offset_minutes",
                "beyond ±18 hours",
            ));
        }
        let mut ids = BTreeSet::new();
        for (i, c) in self.checkpoints.iter().enumerate() {
            let p = |f: &str| format!("checkpoints[{i}].{f}");
            if c.id.trim().is_empty() {
                return Err(empty(p("id")));
            }
            if c.name.trim().is_empty() {
                return Err(empty(p("name")));
            }
            if c.items.is_empty() || c.items.iter().any(|x| x.trim().is_empty()) {
                return Err(empty(p("items")));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(PatrolError::DuplicateId {
                    path: p("id"),
                    id: c.id.clone(),
                });
            }
        }
        let mut plans = BTreeSet::new();
        for (i, pl) in self.plans.iter().enumerate() {
            let p = |f: &str| format!("plans[{i}].{f}");
            if pl.id.trim().is_empty() || pl.id.contains('/') {
                return Err(PatrolError::value(
                    "empty_field",
                    p("id"),
                    "a plan id is not empty and has no '/'",
                ));
            }
            if !plans.insert(pl.id.as_str()) {
                return Err(PatrolError::DuplicateId {
                    path: p("id"),
                    id: pl.id.clone(),
                });
            }
            if pl.route.is_empty() {
                return Err(empty(p("route")));
            }
            for (j, c) in pl.route.iter().enumerate() {
                if !ids.contains(c.as_str()) {
                    return Err(PatrolError::UnknownReference {
                        path: format!("plans[{i}].route[{j}]"),
                        what: "checkpoint",
                        id: c.clone(),
                    });
                }
            }
            if pl.windows.is_empty() {
                return Err(empty(p("windows")));
            }
            for (j, w) in pl.windows.iter().enumerate() {
                if w.end <= w.start {
                    return Err(PatrolError::value(
                        "out_of_range",
                        format!("plans[{i}].windows[{j}].end"),
                        format!("{} is not after {}", w.end, w.start),
                    ));
                }
            }
            if pl.staff.trim().is_empty() {
                return Err(empty(p("staff")));
            }
            if let Recurrence::Weekdays(days) = &pl.recurrence {
                if days.is_empty() {
                    return Err(empty(p("recurrence.weekdays")));
                }
                if let Some(d) = days.iter().find(|d| **d > 6) {
                    return Err(PatrolError::value(
                        "out_of_range",
                        p("recurrence.weekdays"),
                        format!("weekday {d} is not in 0..=6 (0 = Monday)"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The checkpoints.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.checkpoints().len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// The plans.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.plans().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plans(&self) -> &[Plan] {
        &self.plans
    }

    /// The tasks generated, by date, then plan, then window.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.tasks().len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The findings, in the order found.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.findings().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        crate::clock::local(at, self.utc_offset_minutes)
    }

    fn window_end(&self, t: &Task) -> NaiveDateTime {
        t.date.and_time(t.window.end)
    }

    /// Generates the tasks of every plan for the local days `from` to `to` inclusive
    /// (at most 366 days at a time). A task that exists already is kept as it is, so
    /// generating the same days twice adds nothing. Returns the number added.
    ///
    /// # Errors
    /// `out_of_range` (`to`) before `from` or more than 366 days after it.
    ///
    /// ```
    /// # let mut book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.generate("2026-11-03".parse()?, "2026-11-06".parse()?)?, 4); // 11-05, 11-06, two rounds each
    /// assert_eq!(book.generate("2026-11-03".parse()?, "2026-11-06".parse()?)?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(&mut self, from: NaiveDate, to: NaiveDate) -> Result<usize, PatrolError> {
        if to < from || (to - from).num_days() > 366 {
            return Err(PatrolError::value(
                "out_of_range",
                "to",
                format!("{from} to {to} is not 1 to 367 days"),
            ));
        }
        let have: BTreeSet<String> = self.tasks.iter().map(|t| t.id.clone()).collect();
        let mut added = 0;
        for day in from.iter_days().take_while(|d| *d <= to) {
            for plan in &self.plans {
                if !plan.recurrence.on(day) {
                    continue;
                }
                for (w, window) in plan.windows.iter().enumerate() {
                    let id = format!("{}/{day}/{w}", plan.id);
                    if have.contains(&id) {
                        continue;
                    }
                    self.tasks.push(Task {
                        id,
                        plan_id: plan.id.clone(),
                        date: day,
                        window: *window,
                        staff: plan.staff.clone(),
                        deputy: plan.deputy.clone(),
                        visits: Vec::new(),
                    });
                    added += 1;
                }
            }
        }
        self.tasks.sort_by(|a, b| {
            (a.date, &a.plan_id, a.window.start).cmp(&(b.date, &b.plan_id, b.window.start))
        });
        Ok(added)
    }

    /// Records a visit to a checkpoint of a task: every item of the checkpoint has a
    /// result; an item not OK needs a note and opens a finding (returned), a line of
    /// the building log. A checkpoint is visited once per task. Visits may arrive in
    /// any order (handsets sync late; the task keeps them in order of time, then
    /// checkpoint id), and the same
    /// visit again is a retry: it returns the finding it opened and changes nothing.
    ///
    /// # Errors
    /// [`PatrolError::UnknownReference`] (`task_id`, `checkpoint_id` not on the task's
    /// route, `results[i].item`), [`PatrolError::AlreadyDone`] (`checkpoint_id`: another
    /// visit of it is recorded), `missing_value` (`results` without an item of the
    /// checkpoint, `note` for an abnormal visit), `empty_field` (`by`), `out_of_range`
    /// (`at` outside the years 1–9999).
    ///
    /// ```
    /// use estatekit::patrols::{ItemResult, Visit};
    /// # let mut book = estatekit::patrols::PatrolBook::example()?;
    /// let v = Visit { checkpoint_id: "CP-PUMP".into(), at: "2026-11-04T14:10:00Z".parse()?, by: "刘保安".into(),
    ///     results: vec![ItemResult { item: "水泵运行正常".into(), ok: false }], note: None };
    /// let err = book.record_visit("NIGHT/2026-11-04/1", v).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("missing_value", "note"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_visit(
        &mut self,
        task_id: &str,
        v: Visit,
    ) -> Result<Option<Finding>, PatrolError> {
        let ti = self
            .tasks
            .iter()
            .position(|t| t.id == task_id)
            .ok_or_else(|| PatrolError::UnknownReference {
                path: "task_id".into(),
                what: "task",
                id: task_id.to_owned(),
            })?;
        let task = &self.tasks[ti];
        let plan = self
            .plans
            .iter()
            .find(|p| p.id == task.plan_id)
            .expect("a task's plan exists (checked on load)");
        if !plan.route.contains(&v.checkpoint_id) {
            return Err(PatrolError::UnknownReference {
                path: "checkpoint_id".into(),
                what: "checkpoint of the route",
                id: v.checkpoint_id,
            });
        }
        if let Some(prev) = task
            .visits
            .iter()
            .find(|x| x.checkpoint_id == v.checkpoint_id)
        {
            if *prev == v {
                // A retry (a handset syncing again): the finding it opened, nothing new.
                return Ok(self
                    .findings
                    .iter()
                    .find(|f| f.task_id == task_id && f.checkpoint_id == v.checkpoint_id)
                    .cloned());
            }
            return Err(PatrolError::AlreadyDone {
                path: "checkpoint_id".into(),
                reason: format!("{} was visited already in task {task_id}", v.checkpoint_id),
            });
        }
        if v.by.trim().is_empty() {
            return Err(PatrolError::value("empty_field", "by", "must not be empty"));
        }
        if !crate::diagnostic::in_supported_years(&v.at) {
            return Err(PatrolError::value(
                "out_of_range",
                "at",
                format!("{} is outside the years 1–9999", v.at),
            ));
        }
        let cp = self
            .checkpoints
            .iter()
            .find(|c| c.id == v.checkpoint_id)
            .expect("a route's checkpoints exist (validated)");
        for (i, r) in v.results.iter().enumerate() {
            if !cp.items.contains(&r.item) {
                return Err(PatrolError::UnknownReference {
                    path: format!("results[{i}].item"),
                    what: "item",
                    id: r.item.clone(),
                });
            }
        }
        if let Some(missing) = cp
            .items
            .iter()
            .find(|i| !v.results.iter().any(|r| &r.item == *i))
        {
            return Err(PatrolError::value(
                "missing_value",
                "results",
                format!("no result for item {missing:?}"),
            ));
        }
        let failed: Vec<String> = v
            .results
            .iter()
            .filter(|r| !r.ok)
            .map(|r| r.item.clone())
            .collect();
        let note = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if !failed.is_empty() && note.is_none() {
            return Err(PatrolError::value(
                "missing_value",
                "note",
                "an abnormal finding needs a note",
            ));
        }
        let finding = (!failed.is_empty()).then(|| Finding {
            id: format!("F{}", self.findings.len() + 1),
            task_id: task_id.to_owned(),
            checkpoint_id: cp.id.clone(),
            building_id: cp.building_id.clone(),
            at: v.at,
            by: v.by.clone(),
            failed,
            note: note.unwrap_or_default().to_owned(),
            closed_at: None,
        });
        let visits = &mut self.tasks[ti].visits;
        let at = visits.partition_point(|x| (x.at, &x.checkpoint_id) <= (v.at, &v.checkpoint_id));
        visits.insert(at, v);
        if let Some(f) = &finding {
            self.findings.push(f.clone());
        }
        Ok(finding)
    }

    /// The ticket a finding becomes: channel `patrol`, no unit (a common area),
    /// received when found, reported by the patroller, the text
    /// `{checkpoint}：{note}（未通过：{items}）` (the note first: it names the subject),
    /// with its classification and department from `classifier`.
    ///
    /// # Errors
    /// [`PatrolError::UnknownReference`] (`finding_id`).
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// let c = estatekit::tickets::TicketClassifier::default_rules();
    /// let (t, cls) = book.finding_ticket("F1", &c)?;
    /// assert_eq!((t.id.as_str(), t.channel.as_str()), ("PATROL-F1", "patrol"));
    /// assert_eq!(t.text, "1号楼天台：天台通道堆放装修垃圾（未通过：消防通道畅通）");
    /// // Renovation debris on the roof: the decoration desk's.
    /// assert_eq!((cls.category.as_str(), cls.department.as_str()), ("decoration", "customer_service"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finding_ticket(
        &self,
        finding_id: &str,
        classifier: &TicketClassifier,
    ) -> Result<(Ticket, Classification), PatrolError> {
        let f = self
            .findings
            .iter()
            .find(|f| f.id == finding_id)
            .ok_or_else(|| PatrolError::UnknownReference {
                path: "finding_id".into(),
                what: "finding",
                id: finding_id.to_owned(),
            })?;
        let cp = self
            .checkpoints
            .iter()
            .find(|c| c.id == f.checkpoint_id)
            .expect("a finding's checkpoint exists");
        let text = format!("{}：{}（未通过：{}）", cp.name, f.note, f.failed.join("、"));
        let cls = classifier.classify(&text);
        let t = Ticket::new(
            format!("PATROL-{}", f.id),
            "",
            Channel::Patrol,
            f.at,
            f.by.clone(),
            text,
            cls.kind,
        );
        Ok((t, cls))
    }

    /// Records a finding closed (rectified).
    ///
    /// # Errors
    /// [`PatrolError::UnknownReference`] (`finding_id`), [`PatrolError::AlreadyDone`],
    /// `out_of_range` (`at` before the finding).
    ///
    /// ```
    /// # let mut book = estatekit::patrols::PatrolBook::example()?;
    /// book.close_finding("F1", "2026-11-04T02:00:00Z".parse()?)?;
    /// assert_eq!(book.close_finding("F1", "2026-11-04T03:00:00Z".parse()?).unwrap_err().code(), "already_done");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close_finding(
        &mut self,
        finding_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), PatrolError> {
        let f = self
            .findings
            .iter_mut()
            .find(|f| f.id == finding_id)
            .ok_or_else(|| PatrolError::UnknownReference {
                path: "finding_id".into(),
                what: "finding",
                id: finding_id.to_owned(),
            })?;
        if f.closed_at.is_some() {
            return Err(PatrolError::AlreadyDone {
                path: "finding_id".into(),
                reason: format!("finding {finding_id} is closed already"),
            });
        }
        if at < f.at {
            return Err(PatrolError::value(
                "out_of_range",
                "at",
                format!("{at} is before the finding {}", f.at),
            ));
        }
        f.closed_at = Some(at);
        Ok(())
    }

    /// The building log (巡楼记录) of a building for a local day: its findings, in time
    /// order, as `HH:MM 检查点 by：items；note`.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.building_log("B1", "2026-11-03".parse()?), ["21:20 1号楼天台 王保安：消防通道畅通；天台通道堆放装修垃圾"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn building_log(&self, building_id: &str, day: NaiveDate) -> Vec<String> {
        self.findings
            .iter()
            .filter(|f| {
                f.building_id.as_deref() == Some(building_id) && self.local(f.at).date() == day
            })
            .map(|f| {
                let name = self
                    .checkpoints
                    .iter()
                    .find(|c| c.id == f.checkpoint_id)
                    .map_or("", |c| c.name.as_str());
                format!(
                    "{} {name} {}：{}；{}",
                    self.local(f.at).format("%H:%M"),
                    f.by,
                    f.failed.join("、"),
                    f.note
                )
            })
            .collect()
    }

    /// Each checkpoint of a task's route with its timing at `as_of`: early, on time or
    /// late when visited; missed when not and the window is over; none while it may
    /// still be visited.
    ///
    /// # Errors
    /// [`PatrolError::UnknownReference`] (`task_id`).
    pub fn point_timings(
        &self,
        task_id: &str,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<PointTiming>, PatrolError> {
        let t = self.tasks.iter().find(|t| t.id == task_id).ok_or_else(|| {
            PatrolError::UnknownReference {
                path: "task_id".into(),
                what: "task",
                id: task_id.to_owned(),
            }
        })?;
        Ok(self.timings(t, as_of))
    }

    fn timings(&self, t: &Task, as_of: DateTime<Utc>) -> Vec<PointTiming> {
        let plan = self
            .plans
            .iter()
            .find(|p| p.id == t.plan_id)
            .expect("a task's plan exists (checked on load)");
        let (start, end) = (t.date.and_time(t.window.start), self.window_end(t));
        let over = self.local(as_of) >= end;
        plan.route
            .iter()
            .map(|c| {
                let timing = match t.visits.iter().find(|v| &v.checkpoint_id == c) {
                    Some(v) => {
                        let at = self.local(v.at);
                        Some(if at < start {
                            Timing::Early
                        } else if at < end {
                            Timing::OnTime
                        } else {
                            Timing::Late
                        })
                    }
                    None => over.then_some(Timing::Missed),
                };
                (c.clone(), timing)
            })
            .collect()
    }

    /// A task's status at `as_of`.
    ///
    /// # Errors
    /// [`PatrolError::UnknownReference`] (`task_id`).
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// let at = "2026-11-04T16:00:00Z".parse()?;
    /// let s: Vec<_> = book.tasks().iter().map(|t| book.task_status(&t.id, at).unwrap().as_str()).collect();
    /// assert_eq!(s, ["overdue", "completed", "completed", "absent"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn task_status(
        &self,
        task_id: &str,
        as_of: DateTime<Utc>,
    ) -> Result<TaskStatus, PatrolError> {
        let t = self.tasks.iter().find(|t| t.id == task_id).ok_or_else(|| {
            PatrolError::UnknownReference {
                path: "task_id".into(),
                what: "task",
                id: task_id.to_owned(),
            }
        })?;
        Ok(self.status(t, as_of))
    }

    fn status(&self, t: &Task, as_of: DateTime<Utc>) -> TaskStatus {
        let plan = self
            .plans
            .iter()
            .find(|p| p.id == t.plan_id)
            .expect("a task's plan exists (checked on load)");
        let over = self.local(as_of) >= self.window_end(t);
        match (t.visits.len(), over) {
            (n, _) if n == plan.route.len() => TaskStatus::Completed,
            (0, false) => TaskStatus::NotStarted,
            (_, false) => TaskStatus::InProgress,
            (0, true) => TaskStatus::Absent,
            (_, true) => TaskStatus::Overdue,
        }
    }

    fn stats_of<'a>(
        &self,
        key: String,
        tasks: impl Iterator<Item = &'a Task>,
        as_of: DateTime<Utc>,
    ) -> PatrolStats {
        let mut s = PatrolStats {
            key,
            ..PatrolStats::default()
        };
        let mut ids = BTreeSet::new();
        for t in tasks.filter(|t| self.local(as_of) >= self.window_end(t)) {
            ids.insert(t.id.as_str());
            s.tasks += 1;
            match self.status(t, as_of) {
                TaskStatus::Completed => s.completed += 1,
                TaskStatus::Absent => s.absent += 1,
                _ => {}
            }
            for (_, timing) in self.timings(t, as_of) {
                match timing {
                    Some(Timing::Missed) => s.missed_points += 1,
                    Some(Timing::OnTime) => {
                        s.visits += 1;
                        s.on_time += 1;
                    }
                    Some(_) => s.visits += 1,
                    None => {}
                }
            }
        }
        let mut closure = Vec::new();
        for f in self
            .findings
            .iter()
            .filter(|f| ids.contains(f.task_id.as_str()))
        {
            s.findings += 1;
            if let Some(c) = f.closed_at {
                s.findings_closed += 1;
                closure.push((c - f.at).num_seconds());
            }
        }
        s.completion_rate = ratio(s.completed, s.tasks, 4);
        s.on_time_rate = ratio(s.on_time, s.visits, 4);
        s.mean_closure_hours = (!closure.is_empty()).then(|| {
            let secs: i64 = closure.iter().sum();
            let mut h = (Decimal::from(secs) / Decimal::from(3600) / Decimal::from(closure.len()))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            h.rescale(2);
            h
        });
        s
    }

    /// Statistics of every task whose window ended by `as_of`.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// let s = book.statistics("2026-11-04T16:00:00Z".parse()?);
    /// assert_eq!(s.on_time_rate.unwrap().to_string(), "0.7500");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statistics(&self, as_of: DateTime<Utc>) -> PatrolStats {
        self.stats_of(String::new(), self.tasks.iter(), as_of)
    }

    /// [`PatrolBook::statistics`] per plan (route), in plan order.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert_eq!(book.statistics_by_route("2026-11-04T16:00:00Z".parse()?)[0].key, "NIGHT");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statistics_by_route(&self, as_of: DateTime<Utc>) -> Vec<PatrolStats> {
        self.plans
            .iter()
            .map(|p| {
                self.stats_of(
                    p.id.clone(),
                    self.tasks.iter().filter(|t| t.plan_id == p.id),
                    as_of,
                )
            })
            .collect()
    }

    /// [`PatrolBook::statistics`] per person assigned (the task's staff), in name order.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// let s = book.statistics_by_person("2026-11-04T16:00:00Z".parse()?);
    /// assert_eq!((s[0].key.as_str(), s[0].tasks), ("刘保安", 4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statistics_by_person(&self, as_of: DateTime<Utc>) -> Vec<PatrolStats> {
        let people: BTreeMap<&str, ()> =
            self.tasks.iter().map(|t| (t.staff.as_str(), ())).collect();
        people
            .keys()
            .map(|p| {
                self.stats_of(
                    (*p).to_owned(),
                    self.tasks.iter().filter(|t| t.staff == *p),
                    as_of,
                )
            })
            .collect()
    }

    /// Reads a patrol book: the definition is validated, and every task and finding
    /// must agree with it (a task's plan, id and window; visits on the route, once, in
    /// time order, with every item; findings numbered in order, of a visit that failed
    /// those items).
    ///
    /// # Errors
    /// [`PatrolError::Json`], [`PatrolError::DocumentTooLarge`],
    /// [`PatrolError::UnsupportedFormatVersion`], the definition's errors, a task's or
    /// finding's error under `tasks[i]` / `findings[i]`.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// let forged = book.to_json().replacen("\"F1\"", "\"F7\"", 1);
    /// let err = estatekit::patrols::PatrolBook::from_json(&forged).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_value", "findings[0].id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PatrolError> {
        crate::json::within_limit(text).map_err(|(size, limit)| PatrolError::DocumentTooLarge {
            path: "$".into(),
            size,
            limit,
        })?;
        let doc: Self = crate::json::parse(text).map_err(|f| PatrolError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != PATROL_FORMAT_VERSION {
            return Err(PatrolError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: doc.format_version,
                supported: PATROL_FORMAT_VERSION,
            });
        }
        doc.check_definition()?;
        // Rebuild: the tasks without visits, then every visit recorded again in time
        // order of the findings they open; the result must be the document.
        let mut rebuilt = Self::new(
            doc.checkpoints.clone(),
            doc.plans.clone(),
            doc.utc_offset_minutes,
        )?;
        let mut ids = BTreeSet::new();
        for (i, t) in doc.tasks.iter().enumerate() {
            let plan = doc
                .plans
                .iter()
                .find(|p| p.id == t.plan_id)
                .ok_or_else(|| PatrolError::UnknownReference {
                    path: format!("tasks[{i}].plan_id"),
                    what: "plan",
                    id: t.plan_id.clone(),
                })?;
            let w = plan.windows.iter().position(|w| *w == t.window);
            let ok = w.is_some_and(|w| t.id == format!("{}/{}/{w}", plan.id, t.date))
                && plan.recurrence.on(t.date)
                && t.staff == plan.staff
                && t.deputy == plan.deputy;
            if !ok || !ids.insert(t.id.as_str()) {
                return Err(PatrolError::value(
                    "unknown_value",
                    format!("tasks[{i}].id"),
                    "not a task its plan generates, or a repeat",
                ));
            }
            rebuilt.tasks.push(Task {
                visits: Vec::new(),
                ..t.clone()
            });
        }
        for (i, t) in doc.tasks.iter().enumerate() {
            for (j, v) in t.visits.iter().enumerate() {
                let prev = j.checked_sub(1).map(|k| &t.visits[k]);
                if prev.is_some_and(|p| (v.at, &v.checkpoint_id) < (p.at, &p.checkpoint_id)) {
                    return Err(PatrolError::value(
                        "out_of_range",
                        format!("tasks[{i}].visits[{j}].at"),
                        "the visits of a task are in time order (then checkpoint id)",
                    ));
                }
                if let Some(k) = t.visits[..j]
                    .iter()
                    .position(|x| x.checkpoint_id == v.checkpoint_id)
                {
                    return Err(PatrolError::AlreadyDone {
                        path: format!("tasks[{i}].visits[{j}].checkpoint_id"),
                        reason: format!("{} is visits[{k}] already", v.checkpoint_id),
                    });
                }
                rebuilt.record_visit(&t.id, v.clone()).map_err(|mut e| {
                    let p = e.path_slot();
                    *p = format!("tasks[{i}].visits[{j}].{p}");
                    e
                })?;
            }
        }
        // The replay numbers findings task by task; the document numbers them in the
        // order they were found, across tasks: match them by task and checkpoint.
        if doc.findings.len() != rebuilt.findings.len() {
            return Err(PatrolError::value(
                "unknown_value",
                "findings",
                format!(
                    "{} findings for {} abnormal visits",
                    doc.findings.len(),
                    rebuilt.findings.len()
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, f) in doc.findings.iter().enumerate() {
            let p = |field: &str| format!("findings[{i}].{field}");
            if !seen.insert((f.task_id.as_str(), f.checkpoint_id.as_str())) {
                return Err(PatrolError::DuplicateId {
                    path: p("checkpoint_id"),
                    id: f.checkpoint_id.clone(),
                });
            }
            if f.id != format!("F{}", i + 1) {
                return Err(PatrolError::value(
                    "unknown_value",
                    p("id"),
                    format!("finding {} is numbered {:?}", i + 1, f.id),
                ));
            }
            let Some(g) = rebuilt
                .findings
                .iter()
                .find(|g| g.task_id == f.task_id && g.checkpoint_id == f.checkpoint_id)
            else {
                return Err(PatrolError::UnknownReference {
                    path: p("checkpoint_id"),
                    what: "abnormal visit",
                    id: f.checkpoint_id.clone(),
                });
            };
            let same = Finding {
                id: f.id.clone(),
                closed_at: f.closed_at,
                ..g.clone()
            };
            if same != *f {
                return Err(PatrolError::value(
                    "unknown_value",
                    p("failed"),
                    "not what the visit recorded",
                ));
            }
            if f.closed_at.is_some_and(|c| c < f.at) {
                return Err(PatrolError::value(
                    "out_of_range",
                    p("closed_at"),
                    "before the finding",
                ));
            }
        }
        Ok(doc)
    }

    /// The book as pretty JSON.
    ///
    /// ```
    /// # let book = estatekit::patrols::PatrolBook::example()?;
    /// assert!(book.to_json().contains("\"NIGHT/2026-11-03/0\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a patrol book serializes")
    }
}
