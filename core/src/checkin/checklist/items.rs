//! What is recorded per item, and the item state machine: complete an item, undo it,
//! finish the check-in.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Action, Checklist, Event, non_empty, require_role};
use crate::checkin::ops::{self, Op};
use crate::checkin::{CheckinError, DefectStatus, HandoverOutcome, ItemDef, ItemKind, Role};
use crate::estate::Estate;

/// Who may complete the check-in.
const FINISH_ROLES: &[Role] = &[Role::Receptionist, Role::Manager];

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

impl Checklist {
    /// Completes an item: `actor` in `role` at `at` (UTC), recording `data`.
    ///
    /// With `estate`, a meter reading is checked against the unit's meter of that kind:
    /// it must not be below the meter's last reading.
    ///
    /// # Errors
    /// - [`CheckinError::OutOfRange`] (`at`) for an instant outside the years 1–9999
    ///   (UTC), as tickets (every action);
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
        let (def, idx) = self.may_complete(item_code, role)?;
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
            action: Action::Completed {
                item: item_code.to_owned(),
                data,
            },
        });
        self.bump();
        Ok(())
    }

    /// The checks of [`Checklist::complete`] that do not read the actor, the instant
    /// or the data: the item's definition and index when `role` may complete it now.
    pub(super) fn may_complete(
        &self,
        item_code: &str,
        role: Role,
    ) -> Result<(ItemDef, usize), CheckinError> {
        let def = self.item_def(item_code)?.clone();
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
        Ok((def, idx))
    }

    fn validate_data(
        &self,
        def: &ItemDef,
        data: &ItemData,
        estate: Option<&Estate>,
    ) -> Result<(), CheckinError> {
        let kind = def.kind;
        let not_for = |field: &str| {
            CheckinError::value(
                "conflicting_fields",
                format!("data.{field}"),
                format!("not recorded for a {kind} item"),
            )
        };
        let required = |field: &str| {
            CheckinError::value(
                "missing_value",
                format!("data.{field}"),
                format!("required for a {kind} item"),
            )
        };
        for (field, value) in [
            ("signature_ref", &data.signature_ref),
            ("receipt_ref", &data.receipt_ref),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(CheckinError::value(
                    "empty_field",
                    format!("data.{field}"),
                    "must not be empty",
                ));
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
                    return Err(CheckinError::value(
                        "out_of_range",
                        "data.keys",
                        "at least one key is handed over",
                    ));
                }
                match def.keys {
                    Some(expected) if expected != keys => Err(CheckinError::value(
                        "mismatch",
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
                    .filter(|d| d.status != DefectStatus::Closed)
                    .map(|d| d.id.as_str())
                    .collect();
                match outcome {
                    HandoverOutcome::Accepted if !open.is_empty() => Err(CheckinError::value(
                        "conflicting_fields",
                        "data.outcome",
                        format!(
                            "accepted needs every defect closed; open: {}",
                            open.join(", ")
                        ),
                    )),
                    HandoverOutcome::AcceptedWithRectificationList if open.is_empty() => {
                        Err(CheckinError::value(
                            "conflicting_fields",
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
        let idx = self.may_undo(item_code, role)?;
        non_empty("actor", actor)?;
        non_empty("reason", reason)?;
        self.data.items[idx].completion = None;
        self.data.events.push(Event {
            at,
            actor: actor.to_owned(),
            role,
            action: Action::Undone {
                item: item_code.to_owned(),
                reason: reason.to_owned(),
            },
        });
        self.bump();
        Ok(())
    }

    /// The checks of [`Checklist::undo`] that do not read the actor, the instant or
    /// the reason: the item's index when `role` may undo it now.
    pub(super) fn may_undo(&self, item_code: &str, role: Role) -> Result<usize, CheckinError> {
        let def = self.item_def(item_code)?.clone();
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
            let step = self
                .template
                .step_index(&self.data.items[idx].step)
                .expect("a checklist's items are in its template's steps");
            let dependent_steps = self.template.transitive_dependents(step);
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
        Ok(idx)
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
            action: Action::Finished,
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
    use crate::checkin::{CheckinTemplate, Mode};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap()
    }

    fn started() -> Checklist {
        Checklist::start(
            &CheckinTemplate::default_template(),
            "1-603",
            "张三",
            "2026-11-02".parse().unwrap(),
            Mode::Ordinary,
        )
        .unwrap()
    }

    const R: Role = Role::Receptionist;

    #[test]
    fn complete_then_undo_logs_both_with_their_fields() {
        let mut c = started();
        c.complete(
            "occupancy_notice_presented",
            "李四",
            R,
            at(1, 0),
            ItemData::default(),
            None,
        )
        .unwrap();
        assert!(c.item("occupancy_notice_presented").unwrap().is_done());
        c.undo(
            "occupancy_notice_presented",
            "李四",
            R,
            at(1, 5),
            "wrong owner",
        )
        .unwrap();
        let actions: Vec<_> = c.events().iter().map(|e| e.action.clone()).collect();
        assert_eq!(
            actions,
            [
                Action::Completed {
                    item: "occupancy_notice_presented".into(),
                    data: ItemData::default()
                },
                Action::Undone {
                    item: "occupancy_notice_presented".into(),
                    reason: "wrong owner".into()
                }
            ]
        );
        assert_eq!(c.progress().done, 0);
    }

    #[test]
    fn item_data_must_fit_the_item_kind() {
        let mut c = started();
        let reading = ItemData {
            reading: Some(Decimal::ONE),
            ..ItemData::default()
        };
        let e = c
            .complete(
                "occupancy_notice_presented",
                "李四",
                R,
                at(1, 0),
                reading,
                None,
            )
            .unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (
                "conflicting_fields",
                "data.reading: not recorded for a record_made item"
            )
        );
        c.complete(
            "occupancy_notice_presented",
            "李四",
            R,
            at(1, 0),
            ItemData::default(),
            None,
        )
        .unwrap();
        c.complete(
            "owner_registration",
            "李四",
            R,
            at(1, 1),
            ItemData::default(),
            None,
        )
        .unwrap();
        let e = c
            .complete(
                "management_fee_prepayment",
                "李四",
                R,
                at(1, 2),
                ItemData::default(),
                None,
            )
            .unwrap_err();
        assert_eq!((e.code(), e.path()), ("missing_value", "data.receipt_ref"));
        assert!(c.events().len() == 2, "a refused completion logs nothing");
    }

    #[test]
    fn an_action_dated_before_the_last_event_is_refused() {
        let mut c = started();
        c.complete(
            "occupancy_notice_presented",
            "李四",
            R,
            at(2, 0),
            ItemData::default(),
            None,
        )
        .unwrap();
        let e = c
            .undo("occupancy_notice_presented", "李四", R, at(1, 59), "x")
            .unwrap_err();
        assert_eq!((e.code(), e.path()), ("event_out_of_order", "at"));
    }

    #[test]
    fn finish_needs_every_mandatory_item_and_a_front_desk_role() {
        let mut c = started();
        let e = c.finish("王五", Role::Inspector, at(3, 0)).unwrap_err();
        assert_eq!((e.code(), e.path()), ("checklist_incomplete", "items"));
        assert_eq!(FINISH_ROLES, [Role::Receptionist, Role::Manager]);
        assert!(c.finished_at().is_none());
    }
}
