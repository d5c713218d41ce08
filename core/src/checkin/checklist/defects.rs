//! Defects found at inspection: recording them, rectification, re-inspection.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Action, Checklist, Event, non_empty, require_role};
use crate::checkin::{CheckinError, DefectStatus, ItemKind, Responsible, Role, Severity};

/// Who may record, report rectified and re-inspect defects.
const DEFECT_ROLES: &[Role] = &[Role::Inspector, Role::Manager];

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

impl Checklist {
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
        self.may_record_defect(role)?;
        non_empty("actor", actor)?;
        non_empty("defect.location", &defect.location)?;
        non_empty("defect.description", &defect.description)?;
        non_empty("defect.category", &defect.category)?;
        let days = self.template.rectification_days().days(defect.severity);
        let deadline = self
            .local_date(at)
            .checked_add_days(Days::new(u64::from(days)))
            .ok_or_else(|| {
                CheckinError::value(
                    "out_of_range",
                    "at",
                    "the rectification deadline is out of range",
                )
            })?;
        let id = format!("D{}", self.data.defects.len() + 1);
        let summary = format!(
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
            action: Action::DefectRecorded {
                defect: id.clone(),
                summary,
            },
        });
        self.bump();
        Ok(id)
    }

    /// The checks of [`Checklist::record_defect`] that do not read the actor, the
    /// instant or the defect: whether `role` may record a defect now.
    pub(super) fn may_record_defect(&self, role: Role) -> Result<(), CheckinError> {
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
        Ok(())
    }

    /// The checks of [`Checklist::mark_rectified`] that do not read the actor or the
    /// instant: the defect's index when `role` may report it rectified now.
    pub(super) fn may_mark_rectified(
        &self,
        defect_id: &str,
        role: Role,
    ) -> Result<usize, CheckinError> {
        let idx = self.defect_in_state(
            defect_id,
            |s| s == DefectStatus::Open,
            "report it rectified",
        )?;
        require_role(role, DEFECT_ROLES, "report a defect rectified".into())?;
        Ok(idx)
    }

    /// The checks of [`Checklist::reinspect`] that do not read the actor, the instant
    /// or the outcome: the defect's index when `role` may re-inspect it now.
    pub(super) fn may_reinspect(&self, defect_id: &str, role: Role) -> Result<usize, CheckinError> {
        let idx =
            self.defect_in_state(defect_id, |s| s != DefectStatus::Closed, "re-inspect it")?;
        require_role(role, DEFECT_ROLES, "re-inspect a defect".into())?;
        Ok(idx)
    }

    pub(super) fn defect_index(&self, id: &str) -> Result<usize, CheckinError> {
        self.data
            .defects
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| CheckinError::UnknownDefect {
                path: "defect_id".into(),
                id: id.to_owned(),
            })
    }

    /// The index of defect `id` when its status allows `action`, else
    /// [`CheckinError::UnknownDefect`] or [`CheckinError::DefectState`] naming the action.
    fn defect_in_state(
        &self,
        id: &str,
        allowed: impl Fn(DefectStatus) -> bool,
        action: &str,
    ) -> Result<usize, CheckinError> {
        let idx = self.defect_index(id)?;
        let status = self.data.defects[idx].status;
        if allowed(status) {
            Ok(idx)
        } else {
            Err(CheckinError::DefectState {
                path: "defect_id".into(),
                id: id.to_owned(),
                status,
                action: action.into(),
            })
        }
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
        let idx = self.may_mark_rectified(defect_id, role)?;
        non_empty("actor", actor)?;
        let d = &mut self.data.defects[idx];
        d.status = DefectStatus::Rectified;
        d.rectified_at = Some(at);
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: Action::DefectRectified {
                defect: defect_id.to_owned(),
                note,
            },
        });
        self.bump();
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
        let idx = self.may_reinspect(defect_id, role)?;
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
            action: Action::Reinspected {
                defect: defect_id.to_owned(),
                passed,
                note,
            },
        });
        self.bump();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;
    use crate::checkin::{CheckinTemplate, EventAction, ItemData, Mode};

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    /// A check-in of `1-603` (Beijing time) with every step before the inspection done.
    fn at_inspection() -> Checklist {
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
        let r = Role::Receptionist;
        for (_, item) in t.items().filter(|(s, _)| s.code != "inspection") {
            let data = match item.kind {
                ItemKind::Payment => ItemData {
                    receipt_ref: Some("R-1".into()),
                    ..ItemData::default()
                },
                ItemKind::Signature => ItemData {
                    signature_ref: Some("SIG".into()),
                    ..ItemData::default()
                },
                _ => ItemData::default(),
            };
            if item.code != "manager_audit" {
                c.complete(&item.code, "李四", r, at(2, 1), data, None)
                    .unwrap();
            }
        }
        c
    }

    fn crack() -> DefectInput {
        DefectInput {
            location: "主卧".into(),
            description: "墙面裂缝".into(),
            category: "civil".into(),
            severity: Severity::Major,
            responsible: Responsible::Developer,
        }
    }

    #[test]
    fn a_recorded_defect_gets_an_id_a_local_deadline_and_a_summary() {
        let mut c = at_inspection();
        // 20:00 UTC on 2 November is 3 November in Beijing: 15 days from there.
        let id = c
            .record_defect(crack(), "王五", Role::Inspector, at(2, 20))
            .unwrap();
        assert_eq!(id, "D1");
        let d = &c.defects()[0];
        assert_eq!(
            (d.deadline.to_string(), d.status),
            ("2026-11-18".into(), DefectStatus::Open)
        );
        assert_eq!(
            c.events().last().unwrap().action,
            Action::DefectRecorded {
                defect: "D1".into(),
                summary: "D1 主卧 / civil: 墙面裂缝 (major, developer, until 2026-11-18)".into()
            }
        );
        let e = c
            .record_defect(crack(), "李四", Role::Receptionist, at(2, 21))
            .unwrap_err();
        assert_eq!((e.code(), e.path()), ("role_not_allowed", "role"));
    }

    #[test]
    fn rectified_then_reinspected_closes_or_reopens() {
        let mut c = at_inspection();
        let i = Role::Inspector;
        c.record_defect(crack(), "王五", i, at(2, 3)).unwrap();
        let e = c.reinspect("D1", true, "王五", i, at(2, 4), None);
        assert!(e.is_ok(), "an open defect may be re-inspected");
        assert_eq!(c.defects()[0].status, DefectStatus::Closed);
        let e = c
            .mark_rectified("D1", "王五", i, at(2, 5), None)
            .unwrap_err();
        assert_eq!((e.code(), e.path()), ("defect_state", "defect_id"));

        let mut c = at_inspection();
        c.record_defect(crack(), "王五", i, at(2, 3)).unwrap();
        c.mark_rectified("D1", "王五", i, at(5, 3), Some("patched".into()))
            .unwrap();
        assert_eq!(c.defects()[0].status, DefectStatus::Rectified);
        c.reinspect("D1", false, "王五", i, at(6, 3), None).unwrap();
        assert_eq!(c.defects()[0].status, DefectStatus::Open);
        let kinds: Vec<_> = c.events().iter().rev().take(2).map(Event::kind).collect();
        assert_eq!(
            kinds,
            [EventAction::Reinspected, EventAction::DefectRectified]
        );
        assert_eq!(c.events().last().unwrap().passed(), Some(false));
    }

    #[test]
    fn overdue_is_after_the_deadline_until_closed() {
        let mut c = at_inspection();
        c.record_defect(crack(), "王五", Role::Inspector, at(2, 3))
            .unwrap();
        let d = &c.defects()[0];
        assert_eq!(d.deadline.to_string(), "2026-11-17");
        assert!(!d.is_overdue("2026-11-17".parse().unwrap()));
        assert!(d.is_overdue("2026-11-18".parse().unwrap()));
        assert_eq!(DEFECT_ROLES, [Role::Inspector, Role::Manager]);
    }
}
