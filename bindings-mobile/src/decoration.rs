//! Decoration management (装修管理): the policy, the renovations of an estate from
//! application to deposit refund, deadlines and statistics.
//!
//! A thin adapter over `estatekit::decoration`: every rule is the core's. Timestamps
//! cross as [`Timestamp`](crate::Timestamp) (`java.time.Instant` / RFC 3339 in Swift),
//! dates as `LocalDate` / ISO strings, money as `BigDecimal` / `Decimal`. Errors are
//! the core's codes and paths: an action the renovation's state does not allow
//! (`renovation_state`, `payment_missing`, `open_violations`, `open_renovation`) is
//! `EstateKitException.State`, everything else `EstateKitException.Validation`.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::decoration::{self as deco, Contractor, DocumentDef, Extension, UnpaidFee, Worker};
use estatekit::estate::UnitStatus;
use estatekit::i18n::{Label, Lang};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::estate::{Estate, StatusUpdate};
use crate::receivables::{ChargeRow, Receivables};
use crate::registry::Registry;
use crate::tickets::BusinessCalendar;
use crate::{EstateKitError, Timestamp, ToMobile};

/// A mobile enum mirroring a core decoration enum variant by variant, with its wire
/// name (`in_progress`, as in the JSON and in Python) and its label in zh-CN or English.
macro_rules! decoration_enum {
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
            /// The stable snake_case name used in JSON and by Python (`in_progress`).
            pub fn wire_name(&self) -> String {
                <$core>::from(*self).as_str().to_owned()
            }

            /// The label in `lang` (default zh-CN), e.g. 装修中 / "in progress".
            #[uniffi::method(default(lang = None))]
            pub fn label(&self, lang: Option<Lang>) -> String {
                <$core>::from(*self).label(lang.unwrap_or(Lang::ZhCn)).to_owned()
            }
        }
    };
}

decoration_enum! {
    /// Where a renovation stands (core `State`; `RenovationState` on mobile).
    pub enum RenovationState mirrors deco::State {
        /// Applied for, awaiting review (待审核).
        Submitted,
        /// Refused at review (审核不通过); final.
        Rejected,
        /// Approved; fees and deposit to be paid before works start (已审批).
        Approved,
        /// Works going on (装修中): the unit is `DECORATING`.
        InProgress,
        /// Works stopped for rectification (停工整改).
        Suspended,
        /// Completion reported; awaiting acceptance (待验收).
        CompletionReported,
        /// Acceptance failed (验收不合格): rectify, then report completion again.
        AcceptanceFailed,
        /// Accepted (验收合格): the unit's status is restored.
        Accepted,
        /// The deposit is settled (押金已结算): the refund awaits payment.
        DepositSettled,
        /// The refund is paid (已完结); final.
        Closed,
    }
}

decoration_enum! {
    /// The staff roles of decoration management (core `Role`; `DecorationRole` on
    /// mobile, beside the check-in's `CheckinRole`).
    pub enum DecorationRole mirrors deco::Role {
        /// Customer service (客服): applications, completion reports, passes.
        CustomerService,
        /// Customer-service manager (客服主管): approves, rejects, suspends, extends.
        Manager,
        /// Engineering (工程部): site checks, violations, acceptance.
        Engineer,
        /// Security patrol (秩序维护): site checks and violations.
        Security,
        /// Finance (财务): fees, deposit, settlement, refund.
        Finance,
    }
}

decoration_enum! {
    /// What the scope catalogue says about an item of work.
    pub enum ScopeRule mirrors deco::ScopeRule {
        /// Allowed, with the documents the item lists.
        Allowed,
        /// Allowed only with an authority's approval.
        NeedsApproval,
        /// Never allowed (e.g. load-bearing walls).
        Prohibited,
    }
}

decoration_enum! {
    /// On what right the applicant applies for the unit (from the occupant registry).
    pub enum Consent mirrors deco::Consent {
        /// The owner.
        Owner,
        /// A co-owner.
        CoOwner,
        /// A tenant with the owner's written consent.
        Tenant,
    }
}

decoration_enum! {
    /// Who is liable for a violation or damage.
    pub enum Liable mirrors deco::Liable {
        /// The owner's side: deducted; a shortfall is a single charge on the unit.
        Owner,
        /// The contractor: deducted; a shortfall is a claim on the contractor.
        Contractor,
        /// The property company's staff: never deducted; a claim record.
        Staff,
    }
}

decoration_enum! {
    /// What a deduction from the deposit is for.
    pub enum DeductionKind mirrors deco::DeductionKind {
        /// A violation's damages, or assessed common-area damage.
        Violation,
        /// A worker's pass not returned.
        UnreturnedPass,
        /// A renovation fee still unpaid in the book.
        UnpaidFee,
    }
}

decoration_enum! {
    /// Which deadline is passed.
    pub enum OverdueKind mirrors deco::OverdueKind {
        /// Not reviewed within the policy's working days.
        Review,
        /// Works past the permitted end.
        Duration,
        /// Completion reported and not inspected in time.
        Acceptance,
        /// Accepted and the refund not paid in time.
        Refund,
        /// A violation not rectified by its deadline.
        Rectification,
    }
}

decoration_enum! {
    /// Whether work may go on.
    pub enum WorkVerdict mirrors deco::WorkVerdict {
        /// Within the day's working hours.
        Allowed,
        /// A working day, outside its hours for this kind of work.
        OutsideHours,
        /// A weekend or holiday with no hours for this kind of work.
        RestDay,
        /// The unit has no renovation whose works are going on.
        NoPermit,
        /// The unit's works are suspended.
        Suspended,
    }
}

decoration_enum! {
    /// Where a violation stands.
    pub enum ViolationStatus mirrors deco::ViolationStatus {
        /// To be rectified by its deadline.
        Open,
        /// Rectified.
        Rectified,
    }
}

/// A document an application may provide (申请材料).
#[uniffi::remote(Record)]
pub struct DocumentDef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// An item of work of the scope catalogue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScopeItem {
    /// Stable code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Allowed, needs an approval, or prohibited.
    pub rule: ScopeRule,
    /// The documents an application with this item must provide.
    pub documents: Vec<String>,
    /// Whether the work is noisy (noisy hours apply).
    pub noisy: bool,
}

impl From<deco::ScopeItem> for ScopeItem {
    fn from(c: deco::ScopeItem) -> Self {
        Self {
            code: c.code,
            name_zh: c.name_zh,
            name_en: c.name_en,
            rule: c.rule.into(),
            documents: c.documents,
            noisy: c.noisy,
        }
    }
}

/// What kind of damages a violation has (`ViolationDef.damages`; Python gives the
/// wire name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DamagesKind {
    /// A fixed amount (`damagesMin` = `damagesMax`).
    Fixed,
    /// An amount within `damagesMin`–`damagesMax`, set when the violation is recorded.
    Range,
    /// Assessed case by case (any amount ≥ 0; no min or max).
    Assessed,
}

/// A kind of violation found at a site check, with its agreed damages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ViolationDef {
    /// Stable code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Fixed, range or assessed.
    pub damages: DamagesKind,
    /// The lowest amount: the fixed amount, a range's min; null when assessed.
    pub damages_min: Option<Decimal>,
    /// The highest amount: the fixed amount, a range's max; null when assessed.
    pub damages_max: Option<Decimal>,
    /// Days to rectify, from the day found.
    pub rectify_days: i64,
}

impl From<deco::ViolationDef> for ViolationDef {
    fn from(c: deco::ViolationDef) -> Self {
        let (damages, damages_min, damages_max) = match c.damages {
            deco::Damages::Fixed(a) => (DamagesKind::Fixed, Some(a), Some(a)),
            deco::Damages::Range { min, max } => (DamagesKind::Range, Some(min), Some(max)),
            deco::Damages::Assessed => (DamagesKind::Assessed, None, None),
        };
        Self {
            code: c.code,
            name_zh: c.name_zh,
            name_en: c.name_en,
            damages,
            damages_min,
            damages_max,
            rectify_days: c.rectify_days.to_mobile(),
        }
    }
}

/// How a one-off renovation fee is computed (`FeeDef.basis`; Python gives the wire name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum FeeBasisKind {
    /// `rate` × the unit's gross area (m²), rounded once at the estate's scale.
    PerM2,
    /// `rate` is the amount per renovation.
    Fixed,
    /// `rate` × the workers' passes.
    PerPass,
}

/// A one-off renovation fee (装修垃圾清运费, 出入证工本费), billed on approval.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeDef {
    /// Fee item code (the item code of the charge in the book).
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Per m², fixed or per pass.
    pub basis: FeeBasisKind,
    /// The rate per m², the fixed amount, or the amount per pass.
    pub rate: Decimal,
}

impl From<deco::FeeDef> for FeeDef {
    fn from(c: deco::FeeDef) -> Self {
        let (basis, rate) = match c.basis {
            deco::FeeBasis::PerM2(r) => (FeeBasisKind::PerM2, r),
            deco::FeeBasis::Fixed(r) => (FeeBasisKind::Fixed, r),
            deco::FeeBasis::PerPass(r) => (FeeBasisKind::PerPass, r),
        };
        Self {
            code: c.code,
            name_zh: c.name_zh,
            name_en: c.name_en,
            basis,
            rate,
        }
    }
}

/// A window of working hours, local time ("HH:MM", start inclusive, end exclusive; a
/// `(start, end)` tuple in Python).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct WorkingHours {
    /// First minute, "08:00".
    pub start: String,
    /// End, "12:00".
    pub end: String,
}

fn windows(w: &[estatekit::tickets::WorkingHours]) -> Vec<WorkingHours> {
    w.iter()
        .map(|h| WorkingHours {
            start: h.start.format("%H:%M").to_string(),
            end: h.end.format("%H:%M").to_string(),
        })
        .collect()
}

/// The hours of a kind of day (`{"noisy": [...], "quiet": [...]}` in Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkWindows {
    /// When noisy work is allowed.
    pub noisy: Vec<WorkingHours>,
    /// When quiet work is allowed.
    pub quiet: Vec<WorkingHours>,
}

impl From<&deco::WorkWindows> for WorkWindows {
    fn from(w: &deco::WorkWindows) -> Self {
        Self {
            noisy: windows(&w.noisy),
            quiet: windows(&w.quiet),
        }
    }
}

/// Working hours of renovation works on working days and on rest days (weekends and
/// holidays per the policy's calendar) (`DecorationPolicy.hours`, a dict in Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkSchedule {
    /// Hours on working days.
    pub working_days: WorkWindows,
    /// Hours on weekends and holidays.
    pub rest_days: WorkWindows,
}

/// Whether work may go on at an instant, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkCheck {
    /// The verdict.
    pub verdict: WorkVerdict,
    /// The instant in the estate's local time (`java.time.LocalDateTime`; an ISO
    /// string "2026-11-04T07:00:00" in Swift).
    pub local: chrono::NaiveDateTime,
    /// Whether the local day is a working day.
    pub working_day: bool,
    /// The day's windows for this kind of work (empty on a rest day without hours).
    pub windows: Vec<WorkingHours>,
}

impl From<deco::WorkCheck> for WorkCheck {
    fn from(c: deco::WorkCheck) -> Self {
        Self {
            verdict: c.verdict.into(),
            local: c.local,
            working_day: c.working_day,
            windows: windows(&c.windows),
        }
    }
}

crate::json_object! {
    /// The estate's decoration rules (immutable): the scope catalogue after 建设部令第110号
    /// 《住宅室内装饰装修管理办法》, the documents, the deadlines, the working hours, the
    /// violation catalogue, the one-off fees and the deposit.
    pub struct DecorationPolicy(deco::DecorationPolicy);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl DecorationPolicy {
    /// The common practice: the prohibitions and approvals of 建设部令第110号, review
    /// in 3 working days, works of at most 90 days, acceptance within 7 days, refund
    /// within 30 days; noisy work Monday–Friday 08:00–12:00 and 14:00–18:00; a 2,000.00
    /// deposit, debris removal 3.00 per m², passes 10.00 each; Beijing time.
    #[uniffi::constructor]
    pub fn default() -> Arc<Self> {
        Arc::new(Self {
            inner: deco::DecorationPolicy::default_policy(),
        })
    }

    /// The document's format version (1).
    pub fn format_version(&self) -> i64 {
        self.inner.format_version.to_mobile()
    }

    /// Working hours of the works, local time.
    pub fn hours(&self) -> WorkSchedule {
        WorkSchedule {
            working_days: (&self.inner.hours.working_days).into(),
            rest_days: (&self.inner.hours.rest_days).into(),
        }
    }

    /// Working days, holidays and the estate's UTC offset (a new calendar object).
    pub fn calendar(&self) -> Arc<BusinessCalendar> {
        Arc::new(BusinessCalendar {
            inner: self.inner.calendar.clone(),
        })
    }

    /// The documents an application may provide.
    pub fn documents(&self) -> Vec<DocumentDef> {
        self.inner.documents.clone()
    }

    /// The scope catalogue.
    pub fn catalogue(&self) -> Vec<ScopeItem> {
        self.inner
            .catalogue
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// Documents every application needs.
    pub fn always_required(&self) -> Vec<String> {
        self.inner.always_required.clone()
    }

    /// Documents needed when a contractor does the works.
    pub fn contractor_requires(&self) -> Vec<String> {
        self.inner.contractor_requires.clone()
    }

    /// Documents needed when the applicant is a tenant.
    pub fn tenant_requires(&self) -> Vec<String> {
        self.inner.tenant_requires.clone()
    }

    /// The violation catalogue.
    pub fn violations(&self) -> Vec<ViolationDef> {
        self.inner
            .violations
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The one-off fees billed on approval.
    pub fn fees(&self) -> Vec<FeeDef> {
        self.inner.fees.iter().cloned().map(Into::into).collect()
    }

    /// The deposit (装修押金), a liability held until settlement.
    pub fn deposit(&self) -> Decimal {
        self.inner.deposit
    }

    /// Deducted per worker's pass not returned.
    pub fn pass_replacement(&self) -> Decimal {
        self.inner.pass_replacement
    }

    /// Working days to review an application.
    pub fn review_working_days(&self) -> i64 {
        self.inner.review_working_days.to_mobile()
    }

    /// Longest works, first day to last inclusive, before an extension is needed.
    pub fn max_duration_days(&self) -> i64 {
        self.inner.max_duration_days.to_mobile()
    }

    /// Calendar days to inspect after the completion report.
    pub fn acceptance_days(&self) -> i64 {
        self.inner.acceptance_days.to_mobile()
    }

    /// Calendar days to refund after acceptance.
    pub fn refund_days(&self) -> i64 {
        self.inner.refund_days.to_mobile()
    }

    /// Days from approval to the fees' due date.
    pub fn fee_due_days(&self) -> i64 {
        self.inner.fee_due_days.to_mobile()
    }

    /// The document of this code, if any.
    pub fn document(&self, code: String) -> Option<DocumentDef> {
        self.inner.document(&code).cloned()
    }

    /// The scope item of this code, if any.
    pub fn scope_item(&self, code: String) -> Option<ScopeItem> {
        self.inner.scope_item(&code).cloned().map(Into::into)
    }

    /// The violation of this code, if any.
    pub fn violation(&self, code: String) -> Option<ViolationDef> {
        self.inner.violation(&code).cloned().map(Into::into)
    }

    /// Whether noisy (or quiet) work may go on at `at` by the policy's hours and
    /// calendar (holidays, make-up working days), in the estate's local time. A
    /// complaint "楼上装修从早上七点就开始砸墙" is checked with the time it names.
    pub fn work_allowed(&self, at: Timestamp, noisy: bool) -> WorkCheck {
        self.inner.work_allowed(at, noisy).into()
    }
}

/// A worker of the contractor, with the pass (出入证) issued to them.
#[uniffi::remote(Record)]
pub struct Worker {
    pub name: String,
    pub pass_no: String,
}

/// The decoration contractor (装修施工单位).
#[uniffi::remote(Record)]
pub struct Contractor {
    pub name: String,
    pub licence_ref: Option<String>,
    pub foreman: String,
    pub workers: Vec<Worker>,
}

/// An application (装修申请) for `Decorations.submit`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Submission {
    /// The renovation's id (unique in the estate; submitting it again is a retry).
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// The applicant's person id in the occupant registry.
    pub applicant_id: String,
    /// The contractor, if one does the works.
    #[uniffi(default = None)]
    pub contractor: Option<Contractor>,
    /// Scope items' codes.
    pub scope: Vec<String>,
    /// Planned first day of works.
    pub planned_start: NaiveDate,
    /// Planned last day of works.
    pub planned_end: NaiveDate,
    /// Documents provided (codes of the policy's documents).
    #[uniffi(default = [])]
    pub documents: Vec<String>,
}

impl From<Submission> for deco::Submission {
    fn from(s: Submission) -> Self {
        Self {
            id: s.id,
            unit_id: s.unit_id,
            applicant_id: s.applicant_id,
            contractor: s.contractor,
            scope: s.scope,
            planned_start: s.planned_start,
            planned_end: s.planned_end,
            documents: s.documents,
        }
    }
}

/// Who applied, and on what right (from the occupant registry at submission).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Applicant {
    /// The registry's person id.
    pub person_id: String,
    /// Owner, co-owner, or tenant with consent.
    pub consent: Consent,
    /// A tenant's reference of the owner's written consent.
    pub consent_ref: Option<String>,
}

impl From<deco::Applicant> for Applicant {
    fn from(c: deco::Applicant) -> Self {
        Self {
            person_id: c.person_id,
            consent: c.consent.into(),
            consent_ref: c.consent_ref,
        }
    }
}

/// A one-off fee billed on approval, with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeLine {
    /// Fee item code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// m² (per-m² fees), passes (per-pass fees) or 1 (fixed fees).
    pub quantity: Decimal,
    /// The rate or amount per quantity.
    pub rate: Decimal,
    /// quantity × rate, rounded once at the estate's scale.
    pub amount: Decimal,
}

impl From<deco::FeeLine> for FeeLine {
    fn from(c: deco::FeeLine) -> Self {
        Self {
            code: c.code,
            name_zh: c.name_zh,
            name_en: c.name_en,
            quantity: c.quantity,
            rate: c.rate,
            amount: c.amount,
        }
    }
}

impl From<FeeLine> for deco::FeeLine {
    fn from(m: FeeLine) -> Self {
        Self {
            code: m.code,
            name_zh: m.name_zh,
            name_en: m.name_en,
            quantity: m.quantity,
            rate: m.rate,
            amount: m.amount,
        }
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl FeeLine {
    /// `name: quantity × rate = amount` in `lang` (default zh-CN), e.g.
    /// "装修垃圾清运费：89.50 × 3.00 = 268.50".
    #[uniffi::method(default(lang = None))]
    pub fn explain(&self, lang: Option<Lang>) -> String {
        deco::FeeLine::from(self.clone()).explain(lang.unwrap_or(Lang::ZhCn))
    }
}

/// An extension (延期) of the works' permitted end.
#[uniffi::remote(Record)]
pub struct Extension {
    pub new_end: NaiveDate,
    pub reason: String,
    pub at: Timestamp,
}

/// A violation as recorded at a site check (`Decorations.recordViolation`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ViolationInput {
    /// The violation catalogue's code.
    pub code: String,
    /// Who is liable.
    pub liable: Liable,
    /// The damages: required for a range or an assessed violation; for a fixed one,
    /// absent or equal to it.
    #[uniffi(default = None)]
    pub amount: Option<Decimal>,
    /// What was found.
    #[uniffi(default = None)]
    pub note: Option<String>,
}

impl From<ViolationInput> for deco::ViolationInput {
    fn from(m: ViolationInput) -> Self {
        Self {
            code: m.code,
            liable: m.liable.into(),
            amount: m.amount,
            note: m.note,
        }
    }
}

impl From<deco::ViolationInput> for ViolationInput {
    fn from(c: deco::ViolationInput) -> Self {
        Self {
            code: c.code,
            liable: c.liable.into(),
            amount: c.amount,
            note: c.note,
        }
    }
}

/// A violation of a renovation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Violation {
    /// `V1`, `V2`, … in the order recorded.
    pub id: String,
    /// Catalogue code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Who is liable.
    pub liable: Liable,
    /// The damages.
    pub amount: Decimal,
    /// When found.
    pub found_at: Timestamp,
    /// Local date by which it must be rectified.
    pub due: NaiveDate,
    /// Open or rectified.
    pub status: ViolationStatus,
    /// When rectified.
    pub rectified_at: Option<Timestamp>,
    /// What was found.
    pub note: Option<String>,
}

impl From<deco::Violation> for Violation {
    fn from(c: deco::Violation) -> Self {
        Self {
            id: c.id,
            code: c.code,
            name_zh: c.name_zh,
            name_en: c.name_en,
            liable: c.liable.into(),
            amount: c.amount,
            found_at: c.found_at,
            due: c.due,
            status: c.status.into(),
            rectified_at: c.rectified_at,
            note: c.note,
        }
    }
}

/// A deduction from the deposit (or, for staff, a claim), with its reason.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Deduction {
    /// What for.
    pub kind: DeductionKind,
    /// The violation id, pass number or fee code.
    pub source: String,
    /// Who is liable.
    pub liable: Liable,
    /// The amount.
    pub amount: Decimal,
    /// The reason in Chinese.
    pub reason_zh: String,
    /// The reason in English.
    pub reason_en: String,
}

impl From<deco::Deduction> for Deduction {
    fn from(c: deco::Deduction) -> Self {
        Self {
            kind: c.kind.into(),
            source: c.source,
            liable: c.liable.into(),
            amount: c.amount,
            reason_zh: c.reason_zh,
            reason_en: c.reason_en,
        }
    }
}

/// The deposit's settlement: `deposit = refund + deducted`, `shortfall =
/// shortfallCharge + contractorClaim`; staff damage is listed in `claims`, never
/// deducted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Settlement {
    /// The deposit received.
    pub deposit: Decimal,
    /// Every deduction, contractor's side first, in the order taken.
    pub deductions: Vec<Deduction>,
    /// Taken from the deposit.
    pub deducted: Decimal,
    /// Paid back: deposit − deducted, never below zero.
    pub refund: Decimal,
    /// Deductions beyond the deposit.
    pub shortfall: Decimal,
    /// The owner's part of the shortfall: a single charge on the unit.
    pub shortfall_charge: Decimal,
    /// The contractor's part of the shortfall: a claim on the contractor.
    pub contractor_claim: Decimal,
    /// Staff damage: claim records, not deducted.
    pub claims: Vec<Deduction>,
    /// Local date by which the refund is due.
    pub refund_due: NaiveDate,
}

impl From<deco::Settlement> for Settlement {
    fn from(c: deco::Settlement) -> Self {
        Self {
            deposit: c.deposit,
            deductions: c.deductions.into_iter().map(Into::into).collect(),
            deducted: c.deducted,
            refund: c.refund,
            shortfall: c.shortfall,
            shortfall_charge: c.shortfall_charge,
            contractor_claim: c.contractor_claim,
            claims: c.claims.into_iter().map(Into::into).collect(),
            refund_due: c.refund_due,
        }
    }
}

/// A fee line still unpaid when the deposit was settled.
#[uniffi::remote(Record)]
pub struct UnpaidFee {
    pub code: String,
    pub amount: Decimal,
}

/// What an event of a renovation's log did (core `Action`; a sealed class
/// `RenovationAction` in Kotlin).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RenovationAction {
    /// The application, with the applicant's right.
    Submit { applicant: Applicant },
    /// Approved, with the fees billed, their due date and the deposit asked.
    Approve {
        fees: Vec<FeeLine>,
        fee_due: NaiveDate,
        deposit: Decimal,
    },
    /// Rejected.
    Reject { reason: String },
    /// The fees are paid.
    FeesPaid { receipt: String },
    /// The deposit is received.
    DepositReceived { amount: Decimal, receipt: String },
    /// Works started; the unit's status and occupants before.
    Start {
        prior_status: UnitStatus,
        prior_occupants: i64,
    },
    /// Works suspended for rectification.
    Suspend { reason: String },
    /// Works resumed.
    Resume,
    /// The permitted end extended.
    Extend { new_end: NaiveDate, reason: String },
    /// The works reported complete.
    ReportCompletion,
    /// Acceptance inspection.
    Inspect { passed: bool, note: Option<String> },
    /// A violation found at a site check.
    RecordViolation { violation: ViolationInput },
    /// A site check (巡查) and what it found.
    SiteCheck { findings: String },
    /// A violation rectified.
    RectifyViolation { violation_id: String },
    /// Workers' passes returned.
    ReturnPasses { passes: Vec<String> },
    /// The deposit settled, with the fees the book still showed unpaid.
    SettleDeposit { unpaid_fees: Vec<UnpaidFee> },
    /// The refund paid; the renovation is closed.
    Close { receipt: String },
}

impl From<deco::Action> for RenovationAction {
    fn from(c: deco::Action) -> Self {
        use deco::Action as A;
        match c {
            A::Submit { applicant } => Self::Submit {
                applicant: applicant.into(),
            },
            A::Approve {
                fees,
                fee_due,
                deposit,
            } => Self::Approve {
                fees: fees.into_iter().map(Into::into).collect(),
                fee_due,
                deposit,
            },
            A::Reject { reason } => Self::Reject { reason },
            A::FeesPaid { receipt } => Self::FeesPaid { receipt },
            A::DepositReceived { amount, receipt } => Self::DepositReceived { amount, receipt },
            A::Start {
                prior_status,
                prior_occupants,
            } => Self::Start {
                prior_status,
                prior_occupants: prior_occupants.to_mobile(),
            },
            A::Suspend { reason } => Self::Suspend { reason },
            A::Resume => Self::Resume,
            A::Extend { new_end, reason } => Self::Extend { new_end, reason },
            A::ReportCompletion => Self::ReportCompletion,
            A::Inspect { passed, note } => Self::Inspect { passed, note },
            A::RecordViolation { violation } => Self::RecordViolation {
                violation: violation.into(),
            },
            A::SiteCheck { findings } => Self::SiteCheck { findings },
            A::RectifyViolation { violation_id } => Self::RectifyViolation { violation_id },
            A::ReturnPasses { passes } => Self::ReturnPasses { passes },
            A::SettleDeposit { unpaid_fees } => Self::SettleDeposit { unpaid_fees },
            A::Close { receipt } => Self::Close { receipt },
        }
    }
}

/// One entry of a renovation's log: who did what, in what role, when.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Event {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// In what role.
    pub role: DecorationRole,
    /// The action's wire name ("submit", "approve", …, "close"), as in the JSON.
    pub action: String,
    /// The action with its fields.
    pub details: RenovationAction,
}

impl From<deco::Event> for Event {
    fn from(c: deco::Event) -> Self {
        Self {
            at: c.at,
            actor: c.actor,
            role: c.role.into(),
            action: c.action.name().to_owned(),
            details: c.action.into(),
        }
    }
}

/// The planned first and last day of works (`Renovation.planned`; a `(start, end)`
/// tuple in Python).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct PlannedPeriod {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// A renovation: its application and what its log made of it (a snapshot; the
/// `Decorations` register holds and changes it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Renovation {
    /// The renovation's id.
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// Where it stands.
    pub state: RenovationState,
    /// The applicant and their right.
    pub applicant: Applicant,
    /// The contractor, if one does the works.
    pub contractor: Option<Contractor>,
    /// The scope items' codes.
    pub scope: Vec<String>,
    /// The documents provided.
    pub documents: Vec<String>,
    /// The planned first and last day (as applied for).
    pub planned: PlannedPeriod,
    /// The permitted last day: the planned end, or the last extension's.
    pub permitted_end: NaiveDate,
    /// The extensions granted, in order.
    pub extensions: Vec<Extension>,
    /// The fee lines billed on approval (empty before).
    pub fees: Vec<FeeLine>,
    /// The deposit received, if it was.
    pub deposit_received: Option<Decimal>,
    /// The violations, in the order recorded.
    pub violations: Vec<Violation>,
    /// The deposit's settlement, once settled.
    pub settlement: Option<Settlement>,
    /// The log, in time order.
    pub events: Vec<Event>,
    /// The number of failed acceptance inspections.
    pub failed_inspections: i64,
    /// The number of site checks recorded.
    pub site_checks: i64,
}

impl From<&deco::Renovation> for Renovation {
    fn from(r: &deco::Renovation) -> Self {
        let (start, end) = r.planned();
        Self {
            id: r.id().to_owned(),
            unit_id: r.unit_id().to_owned(),
            state: r.state().into(),
            applicant: r.applicant().clone().into(),
            contractor: r.contractor().cloned(),
            scope: r.scope().to_vec(),
            documents: r.documents().to_vec(),
            planned: PlannedPeriod { start, end },
            permitted_end: r.permitted_end(),
            extensions: r.extensions().to_vec(),
            fees: r.fees().iter().cloned().map(Into::into).collect(),
            deposit_received: r.deposit_received(),
            violations: r.violations().iter().cloned().map(Into::into).collect(),
            settlement: r.settlement().cloned().map(Into::into),
            events: r.events().iter().cloned().map(Into::into).collect(),
            failed_inspections: r.failed_inspections().to_mobile(),
            site_checks: r.site_checks().to_mobile(),
        }
    }
}

/// A passed deadline (`Decorations.overdue`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Overdue {
    /// The renovation.
    pub renovation_id: String,
    /// Its unit.
    pub unit_id: String,
    /// Which deadline.
    pub kind: OverdueKind,
    /// The violation, for a rectification.
    pub violation_id: Option<String>,
    /// The local date it was due.
    pub due: NaiveDate,
    /// Local days past it.
    pub days_over: i64,
}

impl From<deco::Overdue> for Overdue {
    fn from(c: deco::Overdue) -> Self {
        Self {
            renovation_id: c.renovation_id,
            unit_id: c.unit_id,
            kind: c.kind.into(),
            violation_id: c.violation_id,
            due: c.due,
            days_over: c.days_over,
        }
    }
}

/// Renovations in one state.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StateCount {
    /// The state.
    pub state: RenovationState,
    /// How many renovations are in it.
    pub count: i64,
}

/// Decoration statistics (`Decorations.statistics`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecorationStats {
    /// Renovations.
    pub total: i64,
    /// Per state, every state in order.
    pub by_state: Vec<StateCount>,
    /// Median time from submission to review, in hours (2 decimals); none before a review.
    pub median_review_hours: Option<Decimal>,
    /// Renovations whose works started.
    pub started: i64,
    /// Site checks recorded.
    pub site_checks: i64,
    /// Violations recorded.
    pub violations: i64,
    /// Violations per 100 started renovations (2 decimals); none before a start.
    pub violations_per_100: Option<Decimal>,
    /// Renovations extended at least once.
    pub extended: i64,
    /// Works going on (or suspended) past their permitted end.
    pub overrunning: i64,
    /// Deposits received and not yet settled: how many.
    pub deposits_held_count: i64,
    /// Their sum.
    pub deposits_held: Decimal,
    /// Refunds settled and not yet paid: their sum.
    pub refunds_payable: Decimal,
    /// Refunds past their deadline.
    pub refunds_overdue: i64,
}

impl From<deco::DecorationStats> for DecorationStats {
    fn from(c: deco::DecorationStats) -> Self {
        Self {
            total: c.total.to_mobile(),
            by_state: c
                .by_state
                .into_iter()
                .map(|s| StateCount {
                    state: s.state.into(),
                    count: s.count.to_mobile(),
                })
                .collect(),
            median_review_hours: c.median_review_hours,
            started: c.started.to_mobile(),
            site_checks: c.site_checks.to_mobile(),
            violations: c.violations.to_mobile(),
            violations_per_100: c.violations_per_100,
            extended: c.extended.to_mobile(),
            overrunning: c.overrunning.to_mobile(),
            deposits_held_count: c.deposits_held_count.to_mobile(),
            deposits_held: c.deposits_held,
            refunds_payable: c.refunds_payable,
            refunds_overdue: c.refunds_overdue.to_mobile(),
        }
    }
}

/// A core charge row in its mobile form (for `Receivables.postCharges`).
pub(crate) fn charge_row(c: estatekit::fees::receivables::ChargeRow) -> ChargeRow {
    ChargeRow {
        unit_id: c.unit_id,
        reference: c.reference,
        item_code: c.item_code,
        amount: c.amount,
        issued_on: c.issued_on,
        due: c.due,
        period_start: c.period_start,
        period_end: c.period_end,
        description: c.description,
        penalty: c.penalty,
    }
}

crate::json_object! {
    /// The renovations of an estate (装修管理台账), with the estate's policy and money
    /// scale (thread-safe; every method is one call). Every action is logged with
    /// actor, role and time; `toJson` / `fromJson` restore it exactly by replaying
    /// the log.
    pub struct Decorations(mutex deco::Decorations);
}

impl Decorations {
    fn lock(&self) -> MutexGuard<'_, deco::Decorations> {
        // A poisoned lock only means another thread panicked mid-call; the register
        // changes a renovation only once an action has succeeded.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Decorations {
    /// An empty register for `estate` under `policy` (default: `DecorationPolicy.default()`).
    /// A deposit or fixed amount finer than the estate's money scale is
    /// `too_many_decimals` (path `policy.deposit`, …).
    #[uniffi::constructor(default(policy = None))]
    pub fn new(
        estate: Arc<Estate>,
        policy: Option<Arc<DecorationPolicy>>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let policy =
            policy.map_or_else(deco::DecorationPolicy::default_policy, |p| p.inner.clone());
        Ok(Arc::new(Self {
            inner: Mutex::new(deco::Decorations::new(&estate.inner, policy)?),
        }))
    }

    /// The estate's id.
    pub fn estate_id(&self) -> String {
        self.lock().estate_id().to_owned()
    }

    /// The policy (a copy).
    pub fn policy(&self) -> Arc<DecorationPolicy> {
        Arc::new(DecorationPolicy {
            inner: self.lock().policy().clone(),
        })
    }

    /// Every renovation, in the order submitted.
    pub fn renovations(&self) -> Vec<Renovation> {
        self.lock().renovations().iter().map(Into::into).collect()
    }

    /// The renovation with this id, if any.
    pub fn renovation(&self, id: String) -> Option<Renovation> {
        self.lock().renovation(&id).map(Into::into)
    }

    /// The open renovation of a unit (any state but rejected and closed), if any.
    pub fn open_for(&self, unit_id: String) -> Option<Renovation> {
        self.lock().open_for(&unit_id).map(Into::into)
    }

    /// Takes an application (customer service, manager). The applicant must be able
    /// to consent for the unit on the local day (the registry's code at path
    /// `applicant_id`: `no_consent`, `unknown_person`, …); a prohibited item is
    /// `prohibited_scope` (`scope[i]`), a missing document `missing_document`
    /// (`documents`, naming what requires it). Submitting the same application again
    /// is a retry and changes nothing.
    pub fn submit(
        &self,
        estate: Arc<Estate>,
        registry: Arc<Registry>,
        application: Submission,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let registry = registry.lock();
        let mut d = self.lock();
        let r = d.submit(
            &estate.inner,
            &registry,
            application.into(),
            &actor,
            role.into(),
            at,
        )?;
        Ok(r.into())
    }

    /// Approves (manager): bills the policy's fees (returned) and asks the deposit.
    pub fn approve(
        &self,
        id: String,
        estate: Arc<Estate>,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Vec<FeeLine>, EstateKitError> {
        let fees = self
            .lock()
            .approve(&id, &estate.inner, &actor, role.into(), at)?;
        Ok(fees.into_iter().map(Into::into).collect())
    }

    /// Rejects (manager), with the reason.
    pub fn reject(
        &self,
        id: String,
        reason: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.reject(&id, &reason, &actor, role.into(), at)?.into())
    }

    /// The approved fees as charge rows for `Receivables.postCharges` (reference
    /// `{id}/{fee code}`: posting twice posts once).
    pub fn charge_rows(&self, id: String) -> Result<Vec<ChargeRow>, EstateKitError> {
        Ok(self
            .lock()
            .charge_rows(&id)?
            .into_iter()
            .map(charge_row)
            .collect())
    }

    /// Records the fees paid (finance), with the receipt.
    pub fn record_fees_paid(
        &self,
        id: String,
        receipt: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.record_fees_paid(&id, &receipt, &actor, role.into(), at)?
            .into())
    }

    /// Records the deposit received (finance): the amount asked, with the receipt.
    pub fn record_deposit(
        &self,
        id: String,
        amount: Decimal,
        receipt: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(
            d.record_deposit(&id, amount, &receipt, &actor, role.into(), at)?
                .into(),
        )
    }

    /// Starts the works once fees and deposit are received (`payment_missing`
    /// otherwise, a state error): returns the unit's change to `DECORATING` for
    /// `Estate.updated(EstateUpdate(statusChanges = listOf(it)))`.
    pub fn start_works(
        &self,
        id: String,
        estate: Arc<Estate>,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<StatusUpdate, EstateKitError> {
        let change = self
            .lock()
            .start_works(&id, &estate.inner, &actor, role.into(), at)?;
        Ok(change.into())
    }

    /// Suspends the works for rectification (manager, engineer).
    pub fn suspend(
        &self,
        id: String,
        reason: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.suspend(&id, &reason, &actor, role.into(), at)?.into())
    }

    /// Resumes suspended works (manager, engineer).
    pub fn resume(
        &self,
        id: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.resume(&id, &actor, role.into(), at)?.into())
    }

    /// Extends the permitted end (manager), with the reason.
    pub fn extend(
        &self,
        id: String,
        new_end: NaiveDate,
        reason: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.extend(&id, new_end, &reason, &actor, role.into(), at)?
            .into())
    }

    /// Records the works reported complete (customer service, manager).
    pub fn report_completion(
        &self,
        id: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.report_completion(&id, &actor, role.into(), at)?.into())
    }

    /// The acceptance inspection (engineer). Passed (no violation open): returns the
    /// unit's change back to its status before the works, for `Estate.updated`;
    /// failed: null, and the works must be reported complete again.
    pub fn inspect(
        &self,
        id: String,
        passed: bool,
        note: Option<String>,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Option<StatusUpdate>, EstateKitError> {
        let change = self
            .lock()
            .inspect(&id, passed, note.as_deref(), &actor, role.into(), at)?;
        Ok(change.map(Into::into))
    }

    /// Records a violation found at a site check (engineer, security, manager).
    pub fn record_violation(
        &self,
        id: String,
        violation: ViolationInput,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Violation, EstateKitError> {
        let v = self
            .lock()
            .record_violation(&id, violation.into(), &actor, role.into(), at)?;
        Ok(v.into())
    }

    /// Records a site check (巡查) and what it found (engineer, security, manager); a
    /// violation found is recorded with `recordViolation`.
    pub fn record_site_check(
        &self,
        id: String,
        findings: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(
            d.record_site_check(&id, &findings, &actor, role.into(), at)?
                .into(),
        )
    }

    /// Records a violation rectified.
    pub fn rectify_violation(
        &self,
        id: String,
        violation_id: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(
            d.rectify_violation(&id, &violation_id, &actor, role.into(), at)?
                .into(),
        )
    }

    /// Records workers' passes returned (customer service, security); a pass not
    /// issued is `unknown_code` (`passes[i]`).
    pub fn return_passes(
        &self,
        id: String,
        passes: Vec<String>,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let passes: Vec<&str> = passes.iter().map(String::as_str).collect();
        let mut d = self.lock();
        Ok(d.return_passes(&id, &passes, &actor, role.into(), at)?
            .into())
    }

    /// Settles the deposit of an accepted renovation (finance): refund = deposit −
    /// deductions, never below zero. With `book`, each fee charge still owed in the
    /// unit's account is deducted.
    #[uniffi::method(default(book = None))]
    pub fn settle_deposit(
        &self,
        id: String,
        book: Option<Arc<Receivables>>,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Settlement, EstateKitError> {
        let book = book.as_ref().map(|b| b.lock());
        let s = self
            .lock()
            .settle_deposit(&id, book.as_deref(), &actor, role.into(), at)?;
        Ok(s.into())
    }

    /// The owner's part of a settlement's shortfall as a single charge for
    /// `Receivables.postCharges` (reference `{id}/deposit_shortfall`); null when the
    /// deposit covered it.
    pub fn shortfall_charge(&self, id: String) -> Result<Option<ChargeRow>, EstateKitError> {
        Ok(self.lock().shortfall_charge(&id)?.map(charge_row))
    }

    /// Records the refund paid (finance); the renovation is closed.
    pub fn close(
        &self,
        id: String,
        receipt: String,
        actor: String,
        role: DecorationRole,
        at: Timestamp,
    ) -> Result<Renovation, EstateKitError> {
        let mut d = self.lock();
        Ok(d.close(&id, &receipt, &actor, role.into(), at)?.into())
    }

    /// May work go on in this unit at `at`? The policy's hours, and the unit's
    /// renovation: none going on is `NO_PERMIT`, suspended `SUSPENDED`.
    pub fn work_check(&self, unit_id: String, at: Timestamp, noisy: bool) -> WorkCheck {
        self.lock().work_check(&unit_id, at, noisy).into()
    }

    /// Every passed deadline at `as_of` (review, duration, acceptance, refund,
    /// rectification), by renovation then kind.
    pub fn overdue(&self, as_of: Timestamp) -> Vec<Overdue> {
        self.lock()
            .overdue(as_of)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Statistics at `as_of`.
    pub fn statistics(&self, as_of: Timestamp) -> DecorationStats {
        self.lock().statistics(as_of).into()
    }
}
