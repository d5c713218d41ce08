//! Patrol rounds (巡查) and the building log (巡楼记录): checkpoints, plans, the tasks
//! generated from them, visits timed against their windows, findings that become
//! tickets and log lines, statistics.
//!
//! A thin adapter over `estatekit::patrols`: every rule is the core's. Timestamps cross
//! as [`Timestamp`](crate::Timestamp) (`java.time.Instant` / RFC 3339 in Swift), dates
//! as `LocalDate` / ISO strings, windows as [`WorkingHours`] ("HH:MM" local times, end
//! exclusive), rates and hours as `BigDecimal` / `Decimal`. Errors are the core's codes
//! and paths: a checkpoint visited twice in a task or a finding closed twice
//! (`already_done`) is `EstateKitException.State`, everything else
//! `EstateKitException.Validation`. `PatrolTask` is the core's `Task` (Swift has a
//! `Task` of its own).

use std::sync::{Arc, MutexGuard};

use chrono::{NaiveDate, NaiveTime};
use estatekit::i18n::{Label, Lang};
use estatekit::patrols::{self as pt, Finding, ItemResult, Visit};
use estatekit::tickets::{Channel, Ticket, TicketKind};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::decoration::WorkingHours;
use crate::tickets::{Classification, TicketClassifier};
use crate::{EstateKitError, IntoCore, Timestamp, ToMobile};

/// A mobile enum mirroring a core patrol enum variant by variant, with its wire name
/// (`on_time`, as in the JSON and in Python) and its label in zh-CN or English.
macro_rules! patrol_enum {
    ($(#[$meta:meta])* pub enum $name:ident mirrors $core:ty {
        $($(#[$vmeta:meta])* $variant:ident,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl From<$core> for $name {
            fn from(c: $core) -> Self {
                match c {
                    $(<$core>::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$name> for $core {
            fn from(m: $name) -> Self {
                match m {
                    $($name::$variant => <$core>::$variant,)+
                }
            }
        }

        #[guard(crate::panic_guard)]
        #[uniffi::export]
        impl $name {
            /// The stable snake_case name used in JSON and by Python (`on_time`).
            pub fn wire_name(&self) -> String {
                <$core>::from(*self).as_str().to_owned()
            }

            /// The label in `lang` (default zh-CN), e.g. 准时 / "on time".
            #[uniffi::method(default(lang = None))]
            pub fn label(&self, lang: Option<Lang>) -> String {
                <$core>::from(*self).label(lang.unwrap_or(Lang::ZhCn)).to_owned()
            }
        }
    };
}

patrol_enum! {
    /// What a checkpoint is for.
    pub enum CheckpointKind mirrors pt::CheckpointKind {
        /// Cleanliness and greening of common areas (环境).
        Environment,
        /// Plant and equipment (设备).
        Equipment,
        /// A renovation site (装修现场).
        DecorationSite,
        /// Security: doors, fire exits, cameras (安防).
        Security,
    }
}

patrol_enum! {
    /// A checkpoint's visit against its task's window (core `Timing`).
    pub enum PatrolTiming mirrors pt::Timing {
        /// Before the window (提前).
        Early,
        /// In the window (准时).
        OnTime,
        /// After the window (迟到).
        Late,
        /// Not visited, and the window is over (漏检).
        Missed,
    }
}

patrol_enum! {
    /// Where a task stands at an instant (core `TaskStatus`).
    pub enum PatrolTaskStatus mirrors pt::TaskStatus {
        /// No visit yet, the window not over (未开始).
        NotStarted,
        /// Some visits, the window not over (巡检中).
        InProgress,
        /// Every checkpoint visited (完成).
        Completed,
        /// The window is over with checkpoints missed (已超时).
        Overdue,
        /// The window is over with no visit (缺勤).
        Absent,
    }
}

/// A core window in its mobile form ("HH:MM").
fn window(w: &estatekit::tickets::WorkingHours) -> WorkingHours {
    WorkingHours {
        start: w.start.format("%H:%M").to_string(),
        end: w.end.format("%H:%M").to_string(),
    }
}

/// A mobile window in its core form: "HH:MM" times, else `invalid_time` at `path`.
fn core_window(
    w: WorkingHours,
    path: &str,
) -> Result<estatekit::tickets::WorkingHours, EstateKitError> {
    let time = |s: &str, field: &str| {
        NaiveTime::parse_from_str(s, "%H:%M").map_err(|e| {
            let at = format!("{path}.{field}");
            EstateKitError::validation(
                "invalid_time",
                &at,
                format!("{at}: {s:?} is not a time HH:MM: {e}"),
            )
        })
    };
    Ok(estatekit::tickets::WorkingHours::new(
        time(&w.start, "start")?,
        time(&w.end, "end")?,
    ))
}

/// A place a patrol checks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Checkpoint {
    /// Id.
    pub id: String,
    /// Where.
    pub name: String,
    /// What kind of place.
    pub kind: CheckpointKind,
    /// What to check (at least one item).
    pub items: Vec<String>,
    /// The building, for the building log.
    #[uniffi(default = None)]
    pub building_id: Option<String>,
}

impl From<pt::Checkpoint> for Checkpoint {
    fn from(c: pt::Checkpoint) -> Self {
        Self {
            id: c.id,
            name: c.name,
            kind: c.kind.into(),
            items: c.items,
            building_id: c.building_id,
        }
    }
}

impl From<Checkpoint> for pt::Checkpoint {
    fn from(m: Checkpoint) -> Self {
        Self {
            id: m.id,
            name: m.name,
            building_id: m.building_id,
            kind: m.kind.into(),
            items: m.items,
        }
    }
}

/// When a plan's rounds happen (a `Recurrence` object with `daily()`,
/// `alternate_days(start)`, `weekdays(days)` in Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Recurrence {
    /// Every day.
    Daily,
    /// Every other day, from `start`.
    AlternateDays {
        /// The first day.
        start: NaiveDate,
    },
    /// Given weekdays (0 = Monday … 6 = Sunday); one day is weekly.
    Weekdays {
        /// The weekdays.
        days: Vec<i32>,
    },
}

impl From<pt::Recurrence> for Recurrence {
    fn from(c: pt::Recurrence) -> Self {
        match c {
            pt::Recurrence::Daily => Self::Daily,
            pt::Recurrence::AlternateDays(start) => Self::AlternateDays { start },
            pt::Recurrence::Weekdays(days) => Self::Weekdays {
                days: days.into_iter().map(i32::from).collect(),
            },
        }
    }
}

impl IntoCore<pt::Recurrence> for Recurrence {
    /// Fails on a weekday outside 0..=255 (`invalid_integer` at `path.weekdays[i]`); the
    /// core refuses one beyond 6.
    fn into_core(self, path: &str) -> Result<pt::Recurrence, EstateKitError> {
        Ok(match self {
            Self::Daily => pt::Recurrence::Daily,
            Self::AlternateDays { start } => pt::Recurrence::AlternateDays(start),
            Self::Weekdays { days } => {
                pt::Recurrence::Weekdays(days.into_core(&format!("{path}.weekdays"))?)
            }
        })
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Recurrence {
    /// Whether a round falls on the local day `day`.
    pub fn on(&self, day: NaiveDate) -> Result<bool, EstateKitError> {
        Ok(self.clone().into_core("recurrence")?.on(day))
    }
}

/// A patrol plan: a route of checkpoints, when, and who.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Plan {
    /// Id.
    pub id: String,
    /// The checkpoints' ids, in order.
    pub route: Vec<String>,
    /// When.
    pub recurrence: Recurrence,
    /// One round per window, local time.
    pub windows: Vec<WorkingHours>,
    /// Who patrols.
    pub staff: String,
    /// Who stands in.
    #[uniffi(default = None)]
    pub deputy: Option<String>,
}

impl From<pt::Plan> for Plan {
    fn from(c: pt::Plan) -> Self {
        Self {
            id: c.id,
            route: c.route,
            recurrence: c.recurrence.into(),
            windows: c.windows.iter().map(window).collect(),
            staff: c.staff,
            deputy: c.deputy,
        }
    }
}

impl IntoCore<pt::Plan> for Plan {
    fn into_core(self, path: &str) -> Result<pt::Plan, EstateKitError> {
        let windows = self
            .windows
            .into_iter()
            .enumerate()
            .map(|(j, w)| core_window(w, &format!("{path}.windows[{j}]")))
            .collect::<Result<_, _>>()?;
        Ok(pt::Plan {
            id: self.id,
            route: self.route,
            recurrence: self.recurrence.into_core(&format!("{path}.recurrence"))?,
            windows,
            staff: self.staff,
            deputy: self.deputy,
        })
    }
}

/// An item's result at a visit.
#[uniffi::remote(Record)]
pub struct ItemResult {
    pub item: String,
    pub ok: bool,
}

/// A visit to a checkpoint in a task: every item's result, and a note (required when
/// an item is not OK).
#[uniffi::remote(Record)]
pub struct Visit {
    pub checkpoint_id: String,
    pub at: Timestamp,
    pub by: String,
    pub results: Vec<ItemResult>,
    #[uniffi(default = None)]
    pub note: Option<String>,
}

/// A round of a plan on a local day, in one window (core `Task`; `Task` in Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PatrolTask {
    /// `{plan}/{date}/{window index}`.
    pub id: String,
    /// The plan.
    pub plan_id: String,
    /// The local day.
    pub date: NaiveDate,
    /// The window, local time.
    pub window: WorkingHours,
    /// Who patrols.
    pub staff: String,
    /// Who stands in.
    pub deputy: Option<String>,
    /// The visits, in time order.
    pub visits: Vec<Visit>,
}

impl From<pt::Task> for PatrolTask {
    fn from(c: pt::Task) -> Self {
        Self {
            id: c.id,
            plan_id: c.plan_id,
            date: c.date,
            window: window(&c.window),
            staff: c.staff,
            deputy: c.deputy,
            visits: c.visits,
        }
    }
}

/// An abnormal finding: a line of the building log, and a ticket to follow.
#[uniffi::remote(Record)]
pub struct Finding {
    pub id: String,
    pub task_id: String,
    pub checkpoint_id: String,
    pub building_id: Option<String>,
    pub at: Timestamp,
    pub by: String,
    pub failed: Vec<String>,
    pub note: String,
    pub closed_at: Option<Timestamp>,
}

crate::mirror_record! {
    /// Statistics of a group of tasks whose window has ended.
    pub struct PatrolStats mirrors pt::PatrolStats {
        /// The route's plan, or the person (empty for the whole book).
        key: String,
        /// Tasks whose window has ended.
        tasks: i64,
        /// Of them, completed.
        completed: i64,
        /// Of them, absent.
        absent: i64,
        /// completed ÷ tasks, 4 decimals; null without tasks.
        completion_rate: Option<Decimal>,
        /// Visits in those tasks.
        visits: i64,
        /// Of them, on time.
        on_time: i64,
        /// on_time ÷ visits, 4 decimals; null without visits.
        on_time_rate: Option<Decimal>,
        /// Checkpoints missed.
        missed_points: i64,
        /// Findings.
        findings: i64,
        /// Of them, closed.
        findings_closed: i64,
        /// Mean hours from finding to closure (2 decimals), of the closed ones.
        mean_closure_hours: Option<Decimal>,
    }
}

/// A checkpoint of a task's route with its timing (`PatrolBook.pointTimings`; a
/// `(checkpoint_id, timing)` tuple in Python).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct PointTiming {
    /// The checkpoint.
    pub checkpoint_id: String,
    /// Early, on time or late when visited; missed when not and the window is over;
    /// null while it may still be visited.
    pub timing: Option<PatrolTiming>,
}

/// A ticket as received: what `TicketFlow(id, unit, channel, receivedAt, reporter,
/// text, kind, …)` takes (a dict of those arguments in Python).
#[uniffi::remote(Record)]
pub struct Ticket {
    pub id: String,
    pub unit: String,
    pub channel: Channel,
    pub received_at: Timestamp,
    pub reporter: String,
    pub text: String,
    pub kind: TicketKind,
}

/// The ticket a finding becomes and its classification (`PatrolBook.findingTicket`; a
/// `(ticket, classification)` tuple in Python).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FindingTicket {
    /// The ticket: channel `PATROL`, no unit, received when found, reported by the
    /// patroller.
    pub ticket: Ticket,
    /// Its classification: category, urgency and department for the `TicketFlow`.
    pub classification: Classification,
}

crate::json_object! {
    /// A patrol book (巡查记录): checkpoints, plans, the tasks generated from them and the
    /// findings of their visits, local time at a fixed UTC offset (thread-safe; every
    /// method is one call). `toJson` / `fromJson` restore it exactly; a document whose
    /// tasks or findings contradict its plans is refused naming the first contradiction.
    pub struct PatrolBook(mutex pt::PatrolBook);
}

impl PatrolBook {
    fn lock(&self) -> MutexGuard<'_, pt::PatrolBook> {
        // A poisoned lock only means another thread panicked mid-call; the book changes
        // only once an operation has succeeded.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl PatrolBook {
    /// A book of checkpoints and plans, local time at `utc_offset_minutes` (Beijing:
    /// 480): `empty_field`, `duplicate_id`, `unknown_reference` (a route's checkpoint,
    /// `plans[i].route[j]`), `out_of_range` (a window not ending after it starts, a
    /// weekday beyond 6, an offset beyond ±18 hours); a window not "HH:MM" is
    /// `invalid_time` (`plans[i].windows[j].start`).
    #[uniffi::constructor]
    pub fn new(
        checkpoints: Vec<Checkpoint>,
        plans: Vec<Plan>,
        utc_offset_minutes: i32,
    ) -> Result<Arc<Self>, EstateKitError> {
        let checkpoints = checkpoints.into_iter().map(Into::into).collect();
        let plans = plans
            .into_iter()
            .enumerate()
            .map(|(i, p)| p.into_core(&format!("plans[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Arc::new(Self {
            inner: std::sync::Mutex::new(pt::PatrolBook::new(
                checkpoints,
                plans,
                utc_offset_minutes,
            )?),
        }))
    }

    /// The checkpoints.
    pub fn checkpoints(&self) -> Vec<Checkpoint> {
        self.lock()
            .checkpoints()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The plans.
    pub fn plans(&self) -> Vec<Plan> {
        self.lock()
            .plans()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The tasks generated, by date, then plan, then window.
    pub fn tasks(&self) -> Vec<PatrolTask> {
        self.lock()
            .tasks()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The findings, in the order found.
    pub fn findings(&self) -> Vec<Finding> {
        self.lock().findings().to_vec()
    }

    /// Generates the tasks of every plan for the local days `from` to `to` inclusive (at
    /// most 366 days after `from`, else `out_of_range` at `to`); a task that exists is
    /// kept, so generating the same days twice adds nothing. Returns how many were added.
    pub fn generate(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, EstateKitError> {
        Ok(self.lock().generate(from, to)?.to_mobile())
    }

    /// Records a visit to a checkpoint of a task: every item has a result; an item not
    /// OK needs a note (`missing_value` at `note`) and opens a finding, returned. A
    /// checkpoint visited again in the task is a state error `already_done`.
    pub fn record_visit(
        &self,
        task_id: String,
        visit: Visit,
    ) -> Result<Option<Finding>, EstateKitError> {
        Ok(self.lock().record_visit(&task_id, visit)?)
    }

    /// The ticket a finding becomes (channel `PATROL`, no unit, received when found,
    /// reported by the patroller, text `{checkpoint}：{note}（未通过：{items}）`) and its
    /// classification by `classifier`, for a `TicketFlow`.
    pub fn finding_ticket(
        &self,
        finding_id: String,
        classifier: Arc<TicketClassifier>,
    ) -> Result<FindingTicket, EstateKitError> {
        let (ticket, c) = self.lock().finding_ticket(&finding_id, &classifier.inner)?;
        Ok(FindingTicket {
            ticket,
            classification: c.into(),
        })
    }

    /// Records a finding closed (rectified): a state error `already_done` when closed
    /// already; `out_of_range` (`at`) before the finding.
    pub fn close_finding(&self, finding_id: String, at: Timestamp) -> Result<(), EstateKitError> {
        Ok(self.lock().close_finding(&finding_id, at)?)
    }

    /// The building log (巡楼记录) of a building for a local day: its findings in time
    /// order, as `HH:MM 检查点 by：items；note`.
    pub fn building_log(&self, building_id: String, day: NaiveDate) -> Vec<String> {
        self.lock().building_log(&building_id, day)
    }

    /// Each checkpoint of a task's route with its timing at `as_of`.
    pub fn point_timings(
        &self,
        task_id: String,
        as_of: Timestamp,
    ) -> Result<Vec<PointTiming>, EstateKitError> {
        Ok(self
            .lock()
            .point_timings(&task_id, as_of)?
            .into_iter()
            .map(|(checkpoint_id, t)| PointTiming {
                checkpoint_id,
                timing: t.map(Into::into),
            })
            .collect())
    }

    /// A task's status at `as_of`.
    pub fn task_status(
        &self,
        task_id: String,
        as_of: Timestamp,
    ) -> Result<PatrolTaskStatus, EstateKitError> {
        Ok(self.lock().task_status(&task_id, as_of)?.into())
    }

    /// Statistics of every task whose window ended by `as_of` (key "").
    pub fn statistics(&self, as_of: Timestamp) -> PatrolStats {
        self.lock().statistics(as_of).into()
    }

    /// `statistics` per plan (route), in plan order.
    pub fn statistics_by_route(&self, as_of: Timestamp) -> Vec<PatrolStats> {
        self.lock()
            .statistics_by_route(as_of)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// `statistics` per person assigned (the task's staff), in name order.
    pub fn statistics_by_person(&self, as_of: Timestamp) -> Vec<PatrolStats> {
        self.lock()
            .statistics_by_person(as_of)
            .into_iter()
            .map(Into::into)
            .collect()
    }
}
