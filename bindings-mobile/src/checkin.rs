//! Check-in: templates, checklists, inspection and defects, effects, audit.
//!
//! Timestamps cross as [`Timestamp`](crate::Timestamp) (`java.time.Instant` in Kotlin,
//! an RFC 3339 string in Swift, as tickets' do) and are stored in UTC; dates as
//! `LocalDate` / ISO strings; money as `BigDecimal` / `Decimal`.

use estatekit_ffi_guard::guard;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::checkin::{
    self, ChargeLine, DefectAction, DefectInput, DefectStatus, EventAction, HandoverOutcome,
    ItemAction, ItemKind, MeterBaseReading, MismatchKind, Mode, OverdueRectification,
    PaymentNature, Reinspection, Responsible, Role, Severity,
};
use estatekit::estate::{MeterKind, UnitStatus};
use rust_decimal::Decimal;

use crate::{Estate, EstateKitError, SavedDocument, Timestamp, ToMobile};

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
pub enum PaymentNature {
    Fee,
    Prepayment,
    Deposit,
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

/// What may be done to one item of a checklist (`allowedItemActions`).
#[uniffi::remote(Enum)]
pub enum ItemAction {
    Complete,
    Undo,
    RecordDefect,
}

/// What may be done to one defect of a checklist (`allowedDefectActions`).
#[uniffi::remote(Enum)]
pub enum DefectAction {
    MarkRectified,
    Reinspect,
}

/// One mutating operation of a checklist, as data: what `Checklist.perform` applies
/// (a sealed class in Kotlin).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ChecklistCommand {
    /// `complete(itemCode, …, data)`.
    Complete {
        item_code: String,
        #[uniffi(default = None)]
        data: Option<ItemData>,
    },
    /// `undo(itemCode, …, reason)`.
    Undo { item_code: String, reason: String },
    /// `recordDefect(defect, …)`.
    RecordDefect { defect: DefectInput },
    /// `markRectified(defectId, …, note)`.
    MarkRectified {
        defect_id: String,
        #[uniffi(default = None)]
        note: Option<String>,
    },
    /// `reinspect(defectId, passed, …, note)`.
    Reinspect {
        defect_id: String,
        passed: bool,
        #[uniffi(default = None)]
        note: Option<String>,
    },
    /// `finish(…)`.
    Finish,
}

impl TryFrom<ChecklistCommand> for checkin::Command {
    type Error = EstateKitError;
    fn try_from(c: ChecklistCommand) -> Result<Self, EstateKitError> {
        Ok(match c {
            ChecklistCommand::Complete { item_code, data } => checkin::Command::Complete {
                item: item_code,
                data: data
                    .map(checkin::ItemData::try_from)
                    .transpose()?
                    .unwrap_or_default(),
            },
            ChecklistCommand::Undo { item_code, reason } => checkin::Command::Undo {
                item: item_code,
                reason,
            },
            ChecklistCommand::RecordDefect { defect } => checkin::Command::RecordDefect { defect },
            ChecklistCommand::MarkRectified { defect_id, note } => {
                checkin::Command::MarkRectified {
                    defect: defect_id,
                    note,
                }
            }
            ChecklistCommand::Reinspect {
                defect_id,
                passed,
                note,
            } => checkin::Command::Reinspect {
                defect: defect_id,
                passed,
                note,
            },
            ChecklistCommand::Finish => checkin::Command::Finish,
        })
    }
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

crate::mirror_record! {
    /// An item of a check-in template.
    #[derive(Eq)]
    pub struct CheckinItem mirrors checkin::ItemDef {
        /// Item code, unique in the template.
        code: String,
        /// What completing it records.
        kind: ItemKind,
        /// Chinese name.
        name_zh: String,
        /// English name.
        name_en: String,
        /// Whether the check-in needs it.
        mandatory: bool,
        /// Roles that may complete it.
        roles: Vec<Role>,
        /// Amount to collect, for a payment item.
        amount: Option<Decimal>,
        /// A payment item's nature as written (null: a fee).
        nature: Option<PaymentNature>,
        /// The meter kind read, for a meter-reading item.
        meter_kind: Option<MeterKind>,
        /// Keys to hand over, for a key-handover item.
        keys: Option<i64>,
    }
}

crate::mirror_record! {
    /// A step of a check-in template: items done together, after the steps it depends on.
    #[derive(Eq)]
    pub struct CheckinStep mirrors checkin::StepDef {
        /// Step code.
        code: String,
        /// Chinese name.
        name_zh: String,
        /// English name.
        name_en: String,
        /// Steps that must be complete first.
        depends_on: Vec<String>,
        /// The step's items.
        items: Vec<CheckinItem>,
    }
}

#[uniffi::remote(Record)]
pub struct DefectInput {
    pub location: String,
    pub description: String,
    pub category: String,
    pub severity: Severity,
    pub responsible: Responsible,
}

crate::mirror_record! {
    /// A difference between a restored checklist and its template.
    #[derive(Eq)]
    pub struct TemplateMismatch mirrors checkin::Mismatch {
        /// What differs.
        kind: MismatchKind,
        /// Where.
        path: String,
        /// Human-readable detail.
        detail: String,
    }
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
    pub nature: PaymentNature,
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

crate::mirror_record! {
    /// What completing an item records (all optional; which ones an item needs
    /// depends on its kind).
    #[derive(Eq, Default)]
    pub struct ItemData mirrors checkin::ItemData {
        /// A meter reading.
        #[uniffi(default)]
        reading: Option<Decimal>,
        /// Keys handed over.
        #[uniffi(default)]
        keys: Option<i64>,
        /// A signature's reference.
        #[uniffi(default)]
        signature_ref: Option<String>,
        /// A receipt's reference.
        #[uniffi(default)]
        receipt_ref: Option<String>,
        /// The handover's outcome.
        #[uniffi(default)]
        outcome: Option<HandoverOutcome>,
        /// A note.
        #[uniffi(default)]
        note: Option<String>,
    }
}

/// Mandatory items done out of all mandatory items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Progress {
    /// Mandatory items done.
    pub done: i64,
    /// Mandatory items in all.
    pub total: i64,
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
    pub at: Option<Timestamp>,
    /// What was recorded.
    pub data: Option<ItemData>,
}

/// A re-inspection of a defect.
#[uniffi::remote(Record)]
pub struct Reinspection {
    /// The inspector.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// Whether the rectification passed.
    pub passed: bool,
    /// A note.
    pub note: Option<String>,
}

crate::mirror_record! {
    /// A defect found at inspection, with its rectification and re-inspections.
    #[derive(Eq)]
    pub struct Defect mirrors checkin::Defect {
        /// Defect id.
        id: String,
        /// Where.
        location: String,
        /// What.
        description: String,
        /// Category code.
        category: String,
        /// Severity.
        severity: Severity,
        /// Who rectifies it.
        responsible: Responsible,
        /// Who found it.
        found_by: String,
        /// When.
        found_at: Timestamp,
        /// Rectify by this date.
        deadline: NaiveDate,
        /// Open, rectified or closed.
        status: DefectStatus,
        /// When marked rectified.
        rectified_at: Option<Timestamp>,
        /// Re-inspections, oldest first.
        reinspections: Vec<checkin::Reinspection>,
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Defect {
    /// True when not closed and the deadline is before `as_of`.
    pub fn is_overdue(&self, as_of: NaiveDate) -> Result<bool, EstateKitError> {
        Ok(checkin::Defect::try_from(self.clone())?.is_overdue(as_of))
    }
}

/// An entry of the event log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckinEvent {
    /// When.
    pub at: Timestamp,
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
///
/// An object, not a record, because it carries an object: closing it (Kotlin `close()`
/// or `use {}`, an `AutoCloseable`) frees only this handle, never the `Estate` taken
/// from it; every `estate()` call returns a handle of its own to the same estate, to be
/// closed (or left to the cleaner) on its own. A record carrying an object would
/// destroy that object with itself.
#[derive(Debug, uniffi::Object)]
pub struct CompletionEffects {
    estate: Arc<Estate>,
    unit_id: String,
    status_from: UnitStatus,
    status_to: UnitStatus,
    on: NaiveDate,
    delivered_on: NaiveDate,
    readings: Vec<MeterBaseReading>,
    charges: Vec<ChargeLine>,
    total_charges: Decimal,
    total_fees: Decimal,
    total_prepayments: Decimal,
    total_deposits: Decimal,
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl CompletionEffects {
    /// The estate with the unit's new status and the meters' base readings (a new
    /// handle on every call; closing the effects leaves it open).
    pub fn estate(&self) -> Arc<Estate> {
        Arc::clone(&self.estate)
    }

    /// The unit.
    pub fn unit_id(&self) -> String {
        self.unit_id.clone()
    }

    /// Its status before.
    pub fn status_from(&self) -> UnitStatus {
        self.status_from
    }

    /// Its status now.
    pub fn status_to(&self) -> UnitStatus {
        self.status_to
    }

    /// The day of the change.
    pub fn on(&self) -> NaiveDate {
        self.on
    }

    /// The delivery date recorded.
    pub fn delivered_on(&self) -> NaiveDate {
        self.delivered_on
    }

    /// Meter base readings recorded.
    pub fn readings(&self) -> Vec<MeterBaseReading> {
        self.readings.clone()
    }

    /// Charges collected at check-in.
    pub fn charges(&self) -> Vec<ChargeLine> {
        self.charges.clone()
    }

    /// The money collected, of every nature (what the receipts add up to).
    pub fn total_charges(&self) -> Decimal {
        self.total_charges
    }

    /// Its fees (revenue).
    pub fn total_fees(&self) -> Decimal {
        self.total_fees
    }

    /// Its prepayments (credit against future bills).
    pub fn total_prepayments(&self) -> Decimal {
        self.total_prepayments
    }

    /// Its deposits (a liability, refunded later).
    pub fn total_deposits(&self) -> Decimal {
        self.total_deposits
    }
}

/// A checklist restored against a possibly changed template. An object for the same
/// reason as [`CompletionEffects`]: closing it leaves the `Checklist` taken from it open.
#[derive(Debug, uniffi::Object)]
pub struct RestoredChecklist {
    checklist: Arc<Checklist>,
    mismatches: Vec<TemplateMismatch>,
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl RestoredChecklist {
    /// The adapted checklist (a new handle on every call, to the same checklist).
    pub fn checklist(&self) -> Arc<Checklist> {
        Arc::clone(&self.checklist)
    }

    /// What no longer matched.
    pub fn mismatches(&self) -> Vec<TemplateMismatch> {
        self.mismatches.clone()
    }
}

crate::json_object! {
    /// A validated check-in template (immutable).
    pub struct CheckinTemplate(checkin::CheckinTemplate);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl CheckinTemplate {
    /// The built-in template of ordinary occupancy (eight steps, nine documents, six records).
    #[uniffi::constructor]
    pub fn default() -> Arc<Self> {
        Arc::new(Self {
            inner: checkin::CheckinTemplate::default_template(),
        })
    }

    /// The built-in move-out template (退租/搬出): application and permit, final meter
    /// readings, inspection, account and deposit settled, keys returned, sign-off and
    /// audit. `GoodsRelease.startMoveOut` starts a checklist from it.
    #[uniffi::constructor]
    pub fn default_move_out() -> Arc<Self> {
        Arc::new(Self {
            inner: checkin::CheckinTemplate::default_move_out(),
        })
    }

    /// Template id.
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// Template revision.
    pub fn version(&self) -> i64 {
        self.inner.version().to_mobile()
    }

    /// The steps, in order.
    pub fn steps(&self) -> Vec<CheckinStep> {
        self.inner.steps().to_vec().to_mobile()
    }

    /// The item with this code.
    pub fn item(&self, code: String) -> Option<CheckinItem> {
        self.inner.item(&code).cloned().to_mobile()
    }

    /// Days allowed to rectify a defect, by severity.
    pub fn rectification_days(&self) -> HashMap<Severity, i64> {
        let d = self.inner.rectification_days();
        HashMap::from([
            (Severity::Minor, d.minor.to_mobile()),
            (Severity::Major, d.major.to_mobile()),
            (Severity::Critical, d.critical.to_mobile()),
        ])
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
#[uniffi::export(Eq, Hash)]
pub struct Checklist {
    inner: Mutex<checkin::Checklist>,
}

crate::json_eq!(Checklist, |s| s.lock().to_json());

impl Checklist {
    pub(crate) fn lock(&self) -> MutexGuard<'_, checkin::Checklist> {
        // A panic cannot happen while the lock is held (core calls return errors).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn wrap(c: checkin::Checklist) -> Arc<Self> {
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
    /// deadlines and delivery dates are local dates of it. `mode` defaults to ordinary
    /// (a centralized handover: `HandoverMode.CENTRALIZED`).
    #[uniffi::constructor(default(mode = None, utc_offset_minutes = 0))]
    pub fn start(
        template: Arc<CheckinTemplate>,
        unit_id: String,
        owner: String,
        started_on: NaiveDate,
        mode: Option<Mode>,
        utc_offset_minutes: i32,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Self::wrap(checkin::Checklist::start_with_utc_offset(
            &template.inner,
            &unit_id,
            &owner,
            started_on,
            mode.unwrap_or(Mode::Ordinary),
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
        at: Timestamp,
        data: Option<ItemData>,
        estate: Option<Arc<Estate>>,
    ) -> Result<(), EstateKitError> {
        self.lock().complete(
            &item_code,
            &actor,
            role,
            at,
            data.map(checkin::ItemData::try_from)
                .transpose()?
                .unwrap_or_default(),
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
        at: Timestamp,
        reason: String,
    ) -> Result<(), EstateKitError> {
        self.lock().undo(&item_code, &actor, role, at, &reason)?;
        Ok(())
    }

    /// Completes the check-in; `State(checklist_incomplete)` while a mandatory item is open.
    pub fn finish(&self, actor: String, role: Role, at: Timestamp) -> Result<(), EstateKitError> {
        self.lock().finish(&actor, role, at)?;
        Ok(())
    }

    /// Records a defect; returns its id.
    pub fn record_defect(
        &self,
        defect: DefectInput,
        actor: String,
        role: Role,
        at: Timestamp,
    ) -> Result<String, EstateKitError> {
        Ok(self.lock().record_defect(defect, &actor, role, at)?)
    }

    /// Reports a defect rectified, awaiting re-inspection.
    #[uniffi::method(default(note = None))]
    pub fn mark_rectified(
        &self,
        defect_id: String,
        actor: String,
        role: Role,
        at: Timestamp,
        note: Option<String>,
    ) -> Result<(), EstateKitError> {
        self.lock()
            .mark_rectified(&defect_id, &actor, role, at, note)?;
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
        at: Timestamp,
        note: Option<String>,
    ) -> Result<(), EstateKitError> {
        self.lock()
            .reinspect(&defect_id, passed, &actor, role, at, note)?;
        Ok(())
    }

    /// Applies `command` by `actor` in `role` at `at` (`estate`: a completion's meter
    /// check) and returns the new document with its version, in one call: "complete
    /// then save" from several coroutines, keeping the save with the highest version,
    /// never loses an item. On error nothing changes (the version neither).
    #[uniffi::method(default(estate = None))]
    pub fn perform(
        &self,
        command: ChecklistCommand,
        actor: String,
        role: Role,
        at: Timestamp,
        estate: Option<Arc<Estate>>,
    ) -> Result<SavedDocument, EstateKitError> {
        let command = checkin::Command::try_from(command)?;
        Ok(self
            .lock()
            .perform(command, &actor, role, at, estate.as_ref().map(|e| &e.inner))?
            .into())
    }

    /// How many mutations the checklist has had (each operation that succeeded adds
    /// one); stored in the document, 0 for documents written before versions.
    pub fn version(&self) -> i64 {
        self.lock().version().to_mobile()
    }

    /// The document and its version, read together.
    pub fn saved(&self) -> SavedDocument {
        self.lock().saved().into()
    }

    /// What `role` may do to item `item_code` now (to enable buttons): exactly the
    /// operations that would succeed (with a non-empty actor, fitting data, an
    /// instant not before the last event). `Validation(unknown_item)` for an unknown
    /// code.
    pub fn allowed_item_actions(
        &self,
        item_code: String,
        role: Role,
    ) -> Result<Vec<ItemAction>, EstateKitError> {
        Ok(self.lock().allowed_item_actions(&item_code, role)?)
    }

    /// What `role` may do to defect `defect_id` now; `Validation(unknown_defect)` for
    /// an unknown id.
    pub fn allowed_defect_actions(
        &self,
        defect_id: String,
        role: Role,
    ) -> Result<Vec<DefectAction>, EstateKitError> {
        Ok(self.lock().allowed_defect_actions(&defect_id, role)?)
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
            done: p.done.to_mobile(),
            total: p.total.to_mobile(),
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

    /// The day the check-in started.
    pub fn started_on(&self) -> NaiveDate {
        self.lock().data().started_on
    }

    /// The template the checklist follows.
    pub fn template(&self) -> Arc<CheckinTemplate> {
        Arc::new(CheckinTemplate {
            inner: self.lock().template().clone(),
        })
    }

    /// When the check-in was completed.
    pub fn finished_at(&self) -> Option<Timestamp> {
        self.lock().finished_at()
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
                    at: c.map(|c| c.at),
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
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The event log, oldest first.
    pub fn events(&self) -> Vec<CheckinEvent> {
        self.lock()
            .events()
            .iter()
            .map(|e| CheckinEvent {
                at: e.at,
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
    ) -> Result<Arc<CompletionEffects>, EstateKitError> {
        let fx = checkin::completion_effects(&self.lock(), &estate.inner, status)?;
        Ok(Arc::new(CompletionEffects {
            estate: Arc::new(Estate { inner: fx.estate }),
            unit_id: fx.status.unit_id,
            status_from: fx.status.from,
            status_to: fx.status.to,
            on: fx.status.on,
            delivered_on: fx.status.delivered_on,
            readings: fx.readings,
            charges: fx.charges,
            total_charges: fx.total_charges,
            total_fees: fx.total_fees,
            total_prepayments: fx.total_prepayments,
            total_deposits: fx.total_deposits,
        }))
    }
}

/// Restores a saved checklist against a possibly changed template, listing mismatches.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn restore_checklist(
    text: String,
    template: Arc<CheckinTemplate>,
) -> Result<Arc<RestoredChecklist>, EstateKitError> {
    let r = checkin::Checklist::restore(&text, &template.inner)?;
    Ok(Arc::new(RestoredChecklist {
        checklist: Checklist::wrap(r.checklist),
        mismatches: r.mismatches.to_mobile(),
    }))
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
