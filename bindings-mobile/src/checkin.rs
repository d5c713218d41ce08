//! Check-in: templates, checklists, inspection and defects, effects, audit.
//!
//! Timestamps cross as `java.time.Instant` (Kotlin) / `Date` (Swift) and are stored in
//! UTC; dates as `LocalDate` / ISO strings; money as `BigDecimal` / `Decimal`.

use estatekit_ffi_guard::guard;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::checkin::{
    self, ChargeLine, DefectInput, DefectStatus, EventAction, HandoverOutcome, ItemDef, ItemKind,
    MeterBaseReading, Mismatch, MismatchKind, Mode, OverdueRectification, Responsible, Role,
    Severity, StatusChange, StepDef,
};
use estatekit::estate::{MeterKind, UnitStatus};
use rust_decimal::Decimal;

use crate::{Estate, EstateKitError};

#[uniffi::remote(Enum)]
pub enum Role {
    Receptionist,
    Inspector,
    Manager,
}

#[uniffi::remote(Enum)]
pub enum ItemKind {
    DocumentIssued,
    RecordMade,
    Signature,
    Payment,
    MeterReading,
    KeyHandover,
    Inspection,
}

#[uniffi::remote(Enum)]
pub enum Mode {
    Centralized,
    Ordinary,
}

#[uniffi::remote(Enum)]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

#[uniffi::remote(Enum)]
pub enum Responsible {
    Developer,
    Owner,
    PropertyCompany,
}

#[uniffi::remote(Enum)]
pub enum HandoverOutcome {
    Accepted,
    AcceptedWithRectificationList,
    Refused,
}

#[uniffi::remote(Enum)]
pub enum DefectStatus {
    Open,
    Rectified,
    Closed,
}

#[uniffi::remote(Enum)]
pub enum EventAction {
    Completed,
    Undone,
    DefectRecorded,
    DefectRectified,
    Reinspected,
    Finished,
}

#[uniffi::remote(Enum)]
pub enum MismatchKind {
    TemplateId,
    TemplateVersion,
    ItemRemoved,
    ItemAdded,
    KindChanged,
    StepChanged,
    MandatoryChanged,
    History,
}

#[uniffi::remote(Record)]
pub struct ItemDef {
    pub code: String,
    pub kind: ItemKind,
    pub name_zh: String,
    pub name_en: String,
    pub mandatory: bool,
    pub roles: Vec<Role>,
    pub amount: Option<Decimal>,
    pub meter_kind: Option<MeterKind>,
    pub keys: Option<u32>,
}

#[uniffi::remote(Record)]
pub struct StepDef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub depends_on: Vec<String>,
    pub items: Vec<ItemDef>,
}

#[uniffi::remote(Record)]
pub struct DefectInput {
    pub location: String,
    pub description: String,
    pub category: String,
    pub severity: Severity,
    pub responsible: Responsible,
}

#[uniffi::remote(Record)]
pub struct Mismatch {
    pub kind: MismatchKind,
    pub path: String,
    pub detail: String,
}

#[uniffi::remote(Record)]
pub struct StatusChange {
    pub unit_id: String,
    pub from: UnitStatus,
    pub to: UnitStatus,
    pub on: NaiveDate,
    pub delivered_on: NaiveDate,
}

#[uniffi::remote(Record)]
pub struct MeterBaseReading {
    pub item: String,
    pub meter_id: String,
    pub kind: MeterKind,
    pub date: NaiveDate,
    pub value: Decimal,
    pub new_meter: bool,
}

#[uniffi::remote(Record)]
pub struct ChargeLine {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub amount: Decimal,
    pub receipt_ref: Option<String>,
}

#[uniffi::remote(Record)]
pub struct OverdueRectification {
    pub unit_id: String,
    pub owner: String,
    pub defect_id: String,
    pub location: String,
    pub description: String,
    pub severity: Severity,
    pub responsible: Responsible,
    pub deadline: NaiveDate,
    pub days_overdue: i64,
    pub status: DefectStatus,
}

/// What is recorded when an item is completed; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ItemData {
    /// A meter base reading (meter_reading items).
    #[uniffi(default)]
    pub reading: Option<Decimal>,
    /// The number of keys handed over (key_handover items).
    #[uniffi(default)]
    pub keys: Option<u32>,
    /// Reference of the owner's signature (required for signature items).
    #[uniffi(default)]
    pub signature_ref: Option<String>,
    /// Reference of the payment receipt (payment items).
    #[uniffi(default)]
    pub receipt_ref: Option<String>,
    /// The handover outcome (inspection items).
    #[uniffi(default)]
    pub outcome: Option<HandoverOutcome>,
    /// A free note.
    #[uniffi(default)]
    pub note: Option<String>,
}

impl From<ItemData> for checkin::ItemData {
    fn from(d: ItemData) -> Self {
        Self {
            reading: d.reading,
            keys: d.keys,
            signature_ref: d.signature_ref,
            receipt_ref: d.receipt_ref,
            outcome: d.outcome,
            note: d.note,
        }
    }
}

impl From<checkin::ItemData> for ItemData {
    fn from(d: checkin::ItemData) -> Self {
        Self {
            reading: d.reading,
            keys: d.keys,
            signature_ref: d.signature_ref,
            receipt_ref: d.receipt_ref,
            outcome: d.outcome,
            note: d.note,
        }
    }
}

fn utc(t: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(t)
}

fn system(t: DateTime<Utc>) -> SystemTime {
    SystemTime::from(t)
}

/// Mandatory items done out of all mandatory items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Progress {
    /// Mandatory items done.
    pub done: u32,
    /// Mandatory items in all.
    pub total: u32,
}

/// The state of one checklist item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistItem {
    /// Item code.
    pub code: String,
    /// Its step.
    pub step: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Whether mandatory.
    pub mandatory: bool,
    /// Whether done.
    pub done: bool,
    /// Who completed it.
    pub actor: Option<String>,
    /// In which role.
    pub role: Option<Role>,
    /// When.
    pub at: Option<SystemTime>,
    /// What was recorded.
    pub data: Option<ItemData>,
}

/// A re-inspection of a defect.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reinspection {
    /// The inspector.
    pub actor: String,
    /// When.
    pub at: SystemTime,
    /// Whether the rectification was accepted.
    pub passed: bool,
    /// A note.
    pub note: Option<String>,
}

/// A defect found at inspection.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Defect {
    /// "D1", "D2", …
    pub id: String,
    /// Where.
    pub location: String,
    /// What.
    pub description: String,
    /// Category code.
    pub category: String,
    /// How serious.
    pub severity: Severity,
    /// Who rectifies it.
    pub responsible: Responsible,
    /// The inspector who recorded it.
    pub found_by: String,
    /// When.
    pub found_at: SystemTime,
    /// Last day to rectify.
    pub deadline: NaiveDate,
    /// Open, rectified or closed.
    pub status: DefectStatus,
    /// When last reported rectified.
    pub rectified_at: Option<SystemTime>,
    /// Re-inspections, oldest first.
    pub reinspections: Vec<Reinspection>,
}

/// An entry of the event log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckinEvent {
    /// When.
    pub at: SystemTime,
    /// Who.
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// What.
    pub action: EventAction,
    /// The item code or defect id.
    pub target: Option<String>,
    /// The data recorded.
    pub data: Option<ItemData>,
    /// The result of a re-inspection.
    pub passed: Option<bool>,
    /// An undo reason or a note.
    pub note: Option<String>,
}

/// What a completed check-in changes, and the changed estate.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CompletionEffects {
    /// The unit's status change.
    pub status: StatusChange,
    /// Meter base readings added to the estate's meters.
    pub readings: Vec<MeterBaseReading>,
    /// The check-in charges.
    pub charges: Vec<ChargeLine>,
    /// Their sum.
    pub total_charges: Decimal,
    /// The estate with the changes applied.
    pub estate: Arc<Estate>,
}

/// A checklist restored against a possibly changed template.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RestoredChecklist {
    /// The adapted checklist.
    pub checklist: Arc<Checklist>,
    /// What no longer matched.
    pub mismatches: Vec<Mismatch>,
}

/// A validated check-in template (immutable).
#[derive(Debug, uniffi::Object)]
pub struct CheckinTemplate {
    inner: checkin::CheckinTemplate,
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl CheckinTemplate {
    /// The built-in template of ordinary occupancy (eight steps, nine documents, six records).
    #[uniffi::constructor]
    pub fn default_template() -> Arc<Self> {
        Arc::new(Self {
            inner: checkin::CheckinTemplate::default_template(),
        })
    }

    /// Parses and validates template JSON; errors name the bad field.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: checkin::CheckinTemplate::from_json(&text)?,
        }))
    }

    /// The template as JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Template id.
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// Template revision.
    pub fn version(&self) -> u32 {
        self.inner.version()
    }

    /// The steps, in order.
    pub fn steps(&self) -> Vec<StepDef> {
        self.inner.steps().to_vec()
    }

    /// The item with this code.
    pub fn item(&self, code: String) -> Option<ItemDef> {
        self.inner.item(&code).cloned()
    }

    /// The item the manager completes to audit a check-in.
    pub fn audit_item(&self) -> Option<String> {
        self.inner.audit_item().map(str::to_owned)
    }
}

/// The check-in of one unit by one owner (thread-safe; operations lock it). Every action
/// is dated in order: an `at` before the last event or the start day is a `Validation`
/// error `event_out_of_order` (path `at`).
#[derive(Debug, uniffi::Object)]
pub struct Checklist {
    inner: Mutex<checkin::Checklist>,
}

impl Checklist {
    fn lock(&self) -> MutexGuard<'_, checkin::Checklist> {
        // A panic cannot happen while the lock is held (core calls return errors).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wrap(c: checkin::Checklist) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(c),
        })
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Checklist {
    /// Starts the check-in of `unit_id` by `owner`; every item open. `utc_offset_minutes`:
    /// the estate's fixed UTC offset (Beijing: 480), stored in the document; defect
    /// deadlines and delivery dates are local dates of it.
    #[uniffi::constructor(default(utc_offset_minutes = 0))]
    pub fn start(
        template: Arc<CheckinTemplate>,
        unit_id: String,
        owner: String,
        started_on: NaiveDate,
        mode: Mode,
        utc_offset_minutes: i32,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Self::wrap(checkin::Checklist::start_with_utc_offset(
            &template.inner,
            &unit_id,
            &owner,
            started_on,
            mode,
            utc_offset_minutes,
        )?))
    }

    /// The estate's fixed UTC offset, minutes (0 for documents written without one).
    pub fn utc_offset_minutes(&self) -> i32 {
        self.lock().data().utc_offset_minutes
    }

    /// Restores a checklist saved with `toJson`, exactly; `Validation(template_mismatch)`
    /// when the template differs. The event log is replayed through the operations and
    /// must give exactly what the document says; the first contradiction is a
    /// `Validation` error: `event_out_of_order` (path `events[i].at`), `role_not_allowed`
    /// (`events[i].role`) or `inconsistent_document` (e.g. `events[3]`,
    /// `items.manager_audit.completion.role`, `defects[0].status`).
    #[uniffi::constructor]
    pub fn from_json(
        text: String,
        template: Arc<CheckinTemplate>,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Self::wrap(checkin::Checklist::from_json(
            &text,
            &template.inner,
        )?))
    }

    /// Completes an item. With `estate`, a reading below the meter's last is refused.
    #[uniffi::method(default(data = None, estate = None))]
    pub fn complete(
        &self,
        item_code: String,
        actor: String,
        role: Role,
        at: SystemTime,
        data: Option<ItemData>,
        estate: Option<Arc<Estate>>,
    ) -> Result<(), EstateKitError> {
        self.lock().complete(
            &item_code,
            &actor,
            role,
            utc(at),
            data.map(Into::into).unwrap_or_default(),
            estate.as_ref().map(|e| &e.inner),
        )?;
        Ok(())
    }

    /// Undoes a done item, with a reason.
    pub fn undo(
        &self,
        item_code: String,
        actor: String,
        role: Role,
        at: SystemTime,
        reason: String,
    ) -> Result<(), EstateKitError> {
        self.lock()
            .undo(&item_code, &actor, role, utc(at), &reason)?;
        Ok(())
    }

    /// Completes the check-in; `State(checklist_incomplete)` while a mandatory item is open.
    pub fn finish(&self, actor: String, role: Role, at: SystemTime) -> Result<(), EstateKitError> {
        self.lock().finish(&actor, role, utc(at))?;
        Ok(())
    }

    /// Records a defect; returns its id.
    pub fn record_defect(
        &self,
        defect: DefectInput,
        actor: String,
        role: Role,
        at: SystemTime,
    ) -> Result<String, EstateKitError> {
        Ok(self.lock().record_defect(defect, &actor, role, utc(at))?)
    }

    /// Reports a defect rectified, awaiting re-inspection.
    #[uniffi::method(default(note = None))]
    pub fn mark_rectified(
        &self,
        defect_id: String,
        actor: String,
        role: Role,
        at: SystemTime,
        note: Option<String>,
    ) -> Result<(), EstateKitError> {
        self.lock()
            .mark_rectified(&defect_id, &actor, role, utc(at), note)?;
        Ok(())
    }

    /// Re-inspects a defect: passed closes it, failed re-opens it.
    #[uniffi::method(default(note = None))]
    pub fn reinspect(
        &self,
        defect_id: String,
        passed: bool,
        actor: String,
        role: Role,
        at: SystemTime,
        note: Option<String>,
    ) -> Result<(), EstateKitError> {
        self.lock()
            .reinspect(&defect_id, passed, &actor, role, utc(at), note)?;
        Ok(())
    }

    /// Steps that can be worked on now.
    pub fn actionable(&self) -> Vec<String> {
        self.lock().actionable()
    }

    /// The open mandatory items.
    pub fn missing(&self) -> Vec<String> {
        self.lock().missing()
    }

    /// Mandatory items done / in all.
    pub fn progress(&self) -> Progress {
        let p = self.lock().progress();
        Progress {
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
        }
    }

    /// True once `finish` succeeded.
    pub fn is_complete(&self) -> bool {
        self.lock().is_complete()
    }

    /// True when the audit item is done.
    pub fn is_audited(&self) -> bool {
        self.lock().is_audited()
    }

    /// The handover outcome recorded by the inspection.
    pub fn outcome(&self) -> Option<HandoverOutcome> {
        self.lock().outcome()
    }

    /// The unit.
    pub fn unit_id(&self) -> String {
        self.lock().unit_id().to_owned()
    }

    /// The owner.
    pub fn owner(&self) -> String {
        self.lock().owner().to_owned()
    }

    /// Centralized or ordinary.
    pub fn mode(&self) -> Mode {
        self.lock().mode()
    }

    /// When the check-in was completed.
    pub fn finished_at(&self) -> Option<SystemTime> {
        self.lock().finished_at().map(system)
    }

    /// The items, in template order.
    pub fn items(&self) -> Vec<ChecklistItem> {
        self.lock()
            .items()
            .iter()
            .map(|i| {
                let c = i.completion.as_ref();
                ChecklistItem {
                    code: i.code.clone(),
                    step: i.step.clone(),
                    kind: i.kind,
                    mandatory: i.mandatory,
                    done: i.is_done(),
                    actor: c.map(|c| c.actor.clone()),
                    role: c.map(|c| c.role),
                    at: c.map(|c| system(c.at)),
                    data: c.map(|c| c.data.clone().into()),
                }
            })
            .collect()
    }

    /// The defects.
    pub fn defects(&self) -> Vec<Defect> {
        self.lock()
            .defects()
            .iter()
            .map(|d| Defect {
                id: d.id.clone(),
                location: d.location.clone(),
                description: d.description.clone(),
                category: d.category.clone(),
                severity: d.severity,
                responsible: d.responsible,
                found_by: d.found_by.clone(),
                found_at: system(d.found_at),
                deadline: d.deadline,
                status: d.status,
                rectified_at: d.rectified_at.map(system),
                reinspections: d
                    .reinspections
                    .iter()
                    .map(|r| Reinspection {
                        actor: r.actor.clone(),
                        at: system(r.at),
                        passed: r.passed,
                        note: r.note.clone(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The event log, oldest first.
    pub fn events(&self) -> Vec<CheckinEvent> {
        self.lock()
            .events()
            .iter()
            .map(|e| CheckinEvent {
                at: system(e.at),
                actor: e.actor.clone(),
                role: e.role,
                action: e.kind(),
                target: e.target().map(str::to_owned),
                data: e.data().cloned().map(Into::into),
                passed: e.passed(),
                note: e.note().map(str::to_owned),
            })
            .collect()
    }

    /// The checklist as JSON (without the template).
    pub fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// The effects of the completed check-in on `estate` (unchanged): `status` is
    /// `DELIVERED` or `OCCUPIED`.
    pub fn completion_effects(
        &self,
        estate: Arc<Estate>,
        status: UnitStatus,
    ) -> Result<CompletionEffects, EstateKitError> {
        let fx = checkin::completion_effects(&self.lock(), &estate.inner, status)?;
        Ok(CompletionEffects {
            status: fx.status,
            readings: fx.readings,
            charges: fx.charges,
            total_charges: fx.total_charges,
            estate: Arc::new(Estate { inner: fx.estate }),
        })
    }
}

/// Restores a saved checklist against a possibly changed template, listing mismatches.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn restore_checklist(
    text: String,
    template: Arc<CheckinTemplate>,
) -> Result<RestoredChecklist, EstateKitError> {
    let r = checkin::Checklist::restore(&text, &template.inner)?;
    Ok(RestoredChecklist {
        checklist: Checklist::wrap(r.checklist),
        mismatches: r.mismatches,
    })
}

/// The manager's audit days in `[from, to]`: four a month when centralized, else one.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn audit_dates(mode: Mode, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    checkin::audit_dates(mode, from, to)
}

/// The checklists completed by `as_of` and not yet audited (handles to the same
/// underlying checklists).
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn awaiting_audit(checklists: Vec<Arc<Checklist>>, as_of: NaiveDate) -> Vec<Arc<Checklist>> {
    checklists
        .into_iter()
        .filter(|c| c.lock().awaits_audit(as_of))
        .collect()
}

/// Defects not closed by their deadline, across checklists.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn overdue_rectifications(
    checklists: Vec<Arc<Checklist>>,
    as_of: NaiveDate,
) -> Vec<OverdueRectification> {
    let copies: Vec<checkin::Checklist> = checklists.iter().map(|c| c.lock().clone()).collect();
    checkin::overdue_rectifications(&copies, as_of)
}
