//! `estatekit.DecorationPolicy`, `Decorations` and the records of a renovation
//! (装修管理): a thin adapter over `estatekit::decoration`.
//!
//! Enums are their wire names (`"in_progress"`, `"engineer"`); `Decorations.label`
//! gives their zh-CN and English labels. Money is `decimal.Decimal`; instants (`at`,
//! `as_of`) are timezone-aware `datetime.datetime` values (any offset; naive ones are
//! refused), returned in UTC; days are `datetime.date` (the estate's local dates).
//! Errors are the core's, with its code and path: a state the renovation is in that
//! does not allow an action (`renovation_state`, `payment_missing`, `open_violations`,
//! `open_renovation`) is a `StateError`, anything else a `ValidationError`.

use estatekit_ffi_guard::guard;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use estatekit::decoration::{
    self, Action, Consent, Damages, DecorationError, DecorationPolicy, DecorationStats,
    Decorations, DeductionKind, FeeBasis, Liable, OverdueKind, Renovation, Role, ScopeRule, State,
    Submission, ViolationInput, ViolationStatus, WorkVerdict, WorkWindows,
};
use estatekit::estate::StatusUpdate;
use estatekit::fees::receivables::ChargeRow;
use estatekit::i18n::Label;
use estatekit::tickets::WorkingHours;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rust_decimal::Decimal;

use crate::estate::PyEstate;
use crate::fees::lang_arg;
use crate::receivables::PyReceivables;
use crate::record::{
    OrderedDict, json_document, locked_getters, record, register, shared_eq, wrap_all,
};
use crate::registry::PyRegistry;
use crate::shared::Shared;
use crate::tickets::PyBusinessCalendar;
use crate::{decimal_arg, opt, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyDecorationPolicy, PyDocumentDef, PyScopeItem, PyViolationDef, PyFeeDef,
           PyWorkCheck, PyDecorations, PySubmission, PyContractor, PyWorker, PyApplicant,
           PyRenovation, PyFeeLine, PyExtension, PyViolation, PyDeduction, PySettlement,
           PyRenovationEvent, PyOverdue, PyDecorationStats
    )
}

/// Parses a wire name of a decoration enum, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = DecorationError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let (code, reason) = match &e {
            DecorationError::InvalidField { code, reason, .. } => (*code, reason.clone()),
            other => (other.code(), other.to_string()),
        };
        validation_error(code, path, format!("{path}: {reason}"))
    })
}

/// The label of the wire name `value` of the enum `T` in `lang`.
fn label_of<T: FromStr<Err = DecorationError> + Label>(
    value: &str,
    lang: estatekit::i18n::Lang,
) -> PyResult<&'static str> {
    Ok(enum_arg::<T>(value, "value")?.label(lang))
}

type Window = (NaiveTime, NaiveTime);

fn windows(w: &[WorkingHours]) -> Vec<Window> {
    w.iter().map(|h| (h.start, h.end)).collect()
}

fn work_windows(w: &WorkWindows) -> OrderedDict<&'static str, Vec<Window>> {
    OrderedDict(vec![
        ("noisy", windows(&w.noisy)),
        ("quiet", windows(&w.quiet)),
    ])
}

/// A charge for the book as the dict `Receivables.post_charges` reads.
pub(crate) fn charge_row_dict<'py>(py: Python<'py>, r: &ChargeRow) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("unit_id", &r.unit_id)?;
    d.set_item("ref", &r.reference)?;
    d.set_item("item_code", &r.item_code)?;
    d.set_item("amount", r.amount)?;
    d.set_item("issued_on", r.issued_on)?;
    d.set_item("due", r.due)?;
    d.set_item("period_start", r.period_start)?;
    d.set_item("period_end", r.period_end)?;
    d.set_item("description", &r.description)?;
    d.set_item("penalty", r.penalty)?;
    Ok(d)
}

/// A unit's status change as the dict `Estate.updated(status_changes=[...])` reads.
fn status_dict<'py>(py: Python<'py>, s: &StatusUpdate) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("unit_id", &s.unit_id)?;
    d.set_item("status", s.status.as_str())?;
    d.set_item("since", s.since)?;
    d.set_item("occupants", s.occupants)?;
    Ok(d)
}

// ---- the policy ------------------------------------------------------------------------

record! {
    /// A document an application may provide (申请材料).
    struct PyDocumentDef("DocumentDef", eq) { inner: decoration::DocumentDef }
    repr(code, name_zh);
    |d| {
        code: String,
        name_zh: String,
        name_en: String,
    }
}

record! {
    /// An item of work of the scope catalogue: allowed, needs approval, or prohibited.
    struct PyScopeItem("ScopeItem", eq) { inner: decoration::ScopeItem }
    repr(code, rule, noisy);
    |i| {
        code: String,
        name_zh: String,
        name_en: String,
        /// "allowed", "needs_approval" or "prohibited".
        rule: &'static str = i.rule.as_str(),
        /// The documents an application with this item must provide.
        documents: Vec<String>,
        /// Whether the work is noisy (noisy hours apply).
        noisy: bool,
    }
}

record! {
    /// A kind of violation found at a site check, with its agreed damages.
    struct PyViolationDef("ViolationDef", eq) { inner: decoration::ViolationDef }
    repr(code, damages, rectify_days);
    |v| {
        code: String,
        name_zh: String,
        name_en: String,
        /// "fixed", "range" or "assessed" (any amount ≥ 0, set when recorded).
        damages: &'static str = match v.damages {
            Damages::Fixed(_) => "fixed",
            Damages::Range { .. } => "range",
            Damages::Assessed => "assessed",
        },
        /// The lowest amount: the fixed amount, a range's min; None when assessed.
        damages_min: Option<Decimal> = match v.damages {
            Damages::Fixed(a) => Some(a),
            Damages::Range { min, .. } => Some(min),
            Damages::Assessed => None,
        },
        /// The highest amount: the fixed amount, a range's max; None when assessed.
        damages_max: Option<Decimal> = match v.damages {
            Damages::Fixed(a) => Some(a),
            Damages::Range { max, .. } => Some(max),
            Damages::Assessed => None,
        },
        /// Days to rectify, from the day found.
        rectify_days: u32,
    }
}

record! {
    /// A one-off renovation fee billed on approval (装修垃圾清运费, 出入证工本费).
    struct PyFeeDef("FeeDef", eq) { inner: decoration::FeeDef }
    repr(code, basis, rate);
    |f| {
        /// The fee item code (the charge's item code in the book).
        code: String,
        name_zh: String,
        name_en: String,
        /// "per_m2" (× the unit's gross area), "fixed" or "per_pass" (× workers' passes).
        basis: &'static str = match f.basis {
            FeeBasis::PerM2(_) => "per_m2",
            FeeBasis::Fixed(_) => "fixed",
            FeeBasis::PerPass(_) => "per_pass",
        },
        /// The rate per m², the fixed amount, or the amount per pass.
        rate: Decimal = match f.basis {
            FeeBasis::PerM2(r) | FeeBasis::Fixed(r) | FeeBasis::PerPass(r) => r,
        },
    }
}

record! {
    /// Whether work may go on at an instant, and why.
    struct PyWorkCheck("WorkCheck", eq) { inner: decoration::WorkCheck }
    repr(verdict, local);
    |c| {
        /// "allowed", "outside_hours", "rest_day", "no_permit" or "suspended".
        verdict: &'static str = c.verdict.as_str(),
        /// The instant in the estate's local time (a naive datetime).
        local: chrono::NaiveDateTime,
        /// Whether the local day is a working day.
        working_day: bool,
        /// The day's windows for this kind of work, (start, end) local times, end exclusive.
        windows: Vec<Window> = windows(&c.windows),
    }
}

record! {
    /// The estate's decoration rules (after 建设部令第110号): the scope catalogue, the
    /// documents, the deadlines, the working hours, the violations, the fees and the
    /// deposit.
    struct PyDecorationPolicy("DecorationPolicy", eq) { inner: DecorationPolicy }
    repr(deposit, max_duration_days);
    |p| {
        format_version: u32,
        /// The documents an application may provide.
        documents: Vec<PyDocumentDef> = wrap_all(&p.documents),
        /// The scope catalogue.
        catalogue: Vec<PyScopeItem> = wrap_all(&p.catalogue),
        /// Documents every application needs.
        always_required: Vec<String>,
        /// Documents needed when a contractor does the works.
        contractor_requires: Vec<String>,
        /// Documents needed when the applicant is a tenant.
        tenant_requires: Vec<String>,
        /// The violation catalogue.
        violations: Vec<PyViolationDef> = wrap_all(&p.violations),
        /// One-off fees billed on approval.
        fees: Vec<PyFeeDef> = wrap_all(&p.fees),
        /// The deposit (装修押金), a liability held until settlement.
        deposit: Decimal,
        /// Deducted per worker's pass not returned.
        pass_replacement: Decimal,
        /// Working days to review an application.
        review_working_days: u32,
        /// Longest works (first day to last, inclusive) before an extension is needed.
        max_duration_days: u32,
        /// Calendar days to inspect after the completion report.
        acceptance_days: u32,
        /// Calendar days to refund after acceptance.
        refund_days: u32,
        /// Days from approval to the fees' due date.
        fee_due_days: u32,
        /// Working hours: {"working_days": {"noisy": [(start, end)], "quiet": [...]},
        /// "rest_days": {...}}, local times, end exclusive.
        hours: OrderedDict<&'static str, OrderedDict<&'static str, Vec<Window>>> = OrderedDict(vec![
            ("working_days", work_windows(&p.hours.working_days)),
            ("rest_days", work_windows(&p.hours.rest_days)),
        ]),
        /// Working days, holidays and the estate's UTC offset.
        calendar: PyBusinessCalendar = p.calendar.clone().into(),
    }
}

json_document! {
    /// Read and validate a policy document (as `to_json` writes it).
    PyDecorationPolicy: DecorationPolicy
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyDecorationPolicy {
    /// The common practice: the prohibitions and approvals of 建设部令第110号, review in
    /// 3 working days, works of at most 90 days, acceptance within 7 days, refund within
    /// 30 days; noisy work Monday–Friday 08:00–12:00 and 14:00–18:00, none on weekends
    /// and holidays; a 2,000.00 deposit; Beijing time.
    #[staticmethod]
    fn default() -> Self {
        Self {
            inner: DecorationPolicy::default_policy(),
        }
    }
    /// Whether noisy (or quiet) work may go on at `at` under the policy's hours and
    /// calendar (start inclusive, end exclusive).
    #[pyo3(signature = (at, noisy))]
    fn work_allowed(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        noisy: bool,
    ) -> PyWorkCheck {
        self.inner.work_allowed(at, noisy).into()
    }
    /// The document of this code, or None.
    fn document(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
    ) -> Option<PyDocumentDef> {
        self.inner.document(code).cloned().map(Into::into)
    }
    /// The scope item of this code, or None.
    fn scope_item(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
    ) -> Option<PyScopeItem> {
        self.inner.scope_item(code).cloned().map(Into::into)
    }
    /// The violation of this code, or None.
    fn violation(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
    ) -> Option<PyViolationDef> {
        self.inner.violation(code).cloned().map(Into::into)
    }
}

// ---- the application -------------------------------------------------------------------

record! {
    /// A worker of the contractor, with the pass (出入证) issued to them.
    struct PyWorker("Worker", eq) { inner: decoration::Worker }
    repr(name, pass_no);
    |w| {
        name: String,
        pass_no: String,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyWorker {
    #[new]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] name: String,
        #[pyo3(from_py_with = crate::args::text)] pass_no: String,
    ) -> Self {
        Self {
            inner: decoration::Worker { name, pass_no },
        }
    }
}

record! {
    /// The decoration contractor: name, licence reference, foreman, workers.
    struct PyContractor("Contractor", eq) { inner: decoration::Contractor }
    repr(name, foreman);
    |c| {
        name: String,
        licence_ref: Option<String>,
        foreman: String,
        workers: Vec<PyWorker> = wrap_all(&c.workers),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyContractor {
    #[new]
    #[pyo3(signature = (name, foreman, *, licence_ref = None, workers = Vec::new()))]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] name: String,
        #[pyo3(from_py_with = crate::args::text)] foreman: String,
        #[pyo3(from_py_with = crate::args::opt_text)] licence_ref: Option<String>,
        workers: Vec<PyRef<'_, PyWorker>>,
    ) -> Self {
        Self {
            inner: decoration::Contractor {
                name,
                licence_ref,
                foreman,
                workers: workers.iter().map(|w| w.inner.clone()).collect(),
            },
        }
    }
}

record! {
    /// An application (装修申请): the unit, the applicant's person id in the occupant
    /// registry, the scope items, the planned days, the documents provided, and the
    /// contractor if one does the works.
    struct PySubmission("Submission", eq) { inner: Submission }
    repr(id, unit_id, applicant_id, scope);
    |s| {
        id: String,
        unit_id: String,
        applicant_id: String,
        contractor: Option<PyContractor> = s.contractor.clone().map(Into::into),
        scope: Vec<String>,
        planned_start: NaiveDate,
        planned_end: NaiveDate,
        documents: Vec<String>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PySubmission {
    #[new]
    #[pyo3(signature = (id, unit_id, applicant_id, scope, planned_start, planned_end, *, documents = Vec::new(), contractor = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text)] unit_id: String,
        #[pyo3(from_py_with = crate::args::text)] applicant_id: String,
        #[pyo3(from_py_with = crate::args::text_list)] scope: Vec<String>,
        #[pyo3(from_py_with = crate::args::date)] planned_start: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] planned_end: NaiveDate,
        #[pyo3(from_py_with = crate::args::text_list)] documents: Vec<String>,
        contractor: Option<PyRef<'_, PyContractor>>,
    ) -> Self {
        Self {
            inner: Submission {
                id,
                unit_id,
                applicant_id,
                contractor: contractor.map(|c| c.inner.clone()),
                scope,
                planned_start,
                planned_end,
                documents,
            },
        }
    }
}

// ---- a renovation ----------------------------------------------------------------------

record! {
    /// The applicant and the right on which they apply (from the occupant registry).
    struct PyApplicant("Applicant", eq) { inner: decoration::Applicant }
    repr(person_id, consent);
    |a| {
        person_id: String,
        /// "owner", "co_owner" or "tenant" (with the owner's written consent).
        consent: &'static str = a.consent.as_str(),
        /// A tenant's reference of the owner's written consent.
        consent_ref: Option<String>,
    }
}

record! {
    /// A one-off fee billed on approval: quantity × rate = amount.
    struct PyFeeLine("FeeLine", eq) { inner: decoration::FeeLine }
    repr(code, amount);
    |l| {
        code: String,
        name_zh: String,
        name_en: String,
        /// m² (per-m² fees), passes (per-pass fees) or 1 (fixed fees).
        quantity: Decimal,
        rate: Decimal,
        /// quantity × rate, rounded once at the estate's scale.
        amount: Decimal,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyFeeLine {
    /// `name: quantity × rate = amount` in `lang` ("zh-CN", "zh" or "en").
    #[pyo3(signature = (lang = "zh-CN"))]
    fn explain(&self, #[pyo3(from_py_with = crate::args::str_ref)] lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(lang_arg(lang)?))
    }
}

record! {
    /// An extension (延期) of the works' permitted end.
    struct PyExtension("Extension", eq) { inner: decoration::Extension }
    repr(new_end, reason);
    |e| {
        new_end: NaiveDate,
        reason: String,
        at: DateTime<Utc>,
    }
}

record! {
    /// A violation found at a site check, with its damages and rectification deadline.
    struct PyViolation("Violation", eq) { inner: decoration::Violation }
    repr(id, code, amount, status);
    |v| {
        /// "V1", "V2", … in the renovation.
        id: String,
        code: String,
        name_zh: String,
        name_en: String,
        /// "owner", "contractor" or "staff".
        liable: &'static str = v.liable.as_str(),
        amount: Decimal,
        found_at: DateTime<Utc>,
        /// The local day by which it must be rectified.
        due: NaiveDate,
        /// "open" or "rectified".
        status: &'static str = v.status.as_str(),
        rectified_at: Option<DateTime<Utc>>,
        note: Option<String>,
    }
}

record! {
    /// A deduction from the deposit (or, for staff, a claim), with its reason.
    struct PyDeduction("Deduction", eq) { inner: decoration::Deduction }
    repr(kind, source, amount);
    |d| {
        /// "violation", "unreturned_pass" or "unpaid_fee".
        kind: &'static str = d.kind.as_str(),
        /// The violation id, pass number or fee code.
        source: String,
        /// "owner", "contractor" or "staff".
        liable: &'static str = d.liable.as_str(),
        amount: Decimal,
        reason_zh: String,
        reason_en: String,
    }
}

record! {
    /// The deposit's settlement: deposit = refund + deducted; the deductions' total =
    /// deducted + shortfall; shortfall = shortfall_charge + contractor_claim.
    struct PySettlement("Settlement", eq) { inner: decoration::Settlement }
    repr(deposit, deducted, refund, shortfall);
    |s| {
        deposit: Decimal,
        /// Every deduction, contractor's side first, in the order taken.
        deductions: Vec<PyDeduction> = wrap_all(&s.deductions),
        /// Taken from the deposit.
        deducted: Decimal,
        /// Paid back: deposit − deducted, never below zero.
        refund: Decimal,
        /// Deductions beyond the deposit.
        shortfall: Decimal,
        /// The owner's part of the shortfall: a single charge on the unit.
        shortfall_charge: Decimal,
        /// The contractor's part of the shortfall: a claim on the contractor.
        contractor_claim: Decimal,
        /// Staff damage: claim records, not deducted.
        claims: Vec<PyDeduction> = wrap_all(&s.claims),
        /// Local date by which the refund is due.
        refund_due: NaiveDate,
    }
}

/// The fields of an action of a renovation's log as a dict (empty for `resume` and
/// `report_completion`).
fn action_details<'py>(py: Python<'py>, a: &Action) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match a {
        Action::Submit { applicant } => {
            d.set_item("person_id", &applicant.person_id)?;
            d.set_item("consent", applicant.consent.as_str())?;
            d.set_item("consent_ref", &applicant.consent_ref)?;
        }
        Action::Approve {
            fees,
            fee_due,
            deposit,
        } => {
            let lines: Vec<PyFeeLine> = wrap_all(fees);
            d.set_item("fees", lines)?;
            d.set_item("fee_due", fee_due)?;
            d.set_item("deposit", deposit)?;
        }
        Action::Reject { reason } | Action::Suspend { reason } => d.set_item("reason", reason)?,
        Action::FeesPaid { receipt } | Action::Close { receipt } => {
            d.set_item("receipt", receipt)?;
        }
        Action::DepositReceived { amount, receipt } => {
            d.set_item("amount", amount)?;
            d.set_item("receipt", receipt)?;
        }
        Action::Start {
            prior_status,
            prior_occupants,
        } => {
            d.set_item("prior_status", prior_status.as_str())?;
            d.set_item("prior_occupants", prior_occupants)?;
        }
        Action::Extend { new_end, reason } => {
            d.set_item("new_end", new_end)?;
            d.set_item("reason", reason)?;
        }
        Action::Inspect { passed, note } => {
            d.set_item("passed", passed)?;
            d.set_item("note", note)?;
        }
        Action::RecordViolation { violation } => {
            d.set_item("code", &violation.code)?;
            d.set_item("liable", violation.liable.as_str())?;
            d.set_item("amount", violation.amount)?;
            d.set_item("note", &violation.note)?;
        }
        Action::RectifyViolation { violation_id } => d.set_item("violation_id", violation_id)?,
        Action::SiteCheck { findings } => d.set_item("findings", findings)?,
        Action::ReturnPasses { passes } => d.set_item("passes", passes)?,
        Action::SettleDeposit { unpaid_fees } => {
            let list = PyList::empty(py);
            for u in unpaid_fees {
                let f = PyDict::new(py);
                f.set_item("code", &u.code)?;
                f.set_item("amount", u.amount)?;
                list.append(f)?;
            }
            d.set_item("unpaid_fees", list)?;
        }
        Action::Resume | Action::ReportCompletion => {}
    }
    Ok(d)
}

record! {
    /// One entry of a renovation's log: who did what, in what role, when.
    struct PyRenovationEvent("Event", eq) { inner: decoration::Event }
    repr(at, actor, role, action);
    |e| {
        at: DateTime<Utc>,
        actor: String,
        /// The staff role: "customer_service", "manager", "engineer", "security", "finance".
        role: &'static str = e.role.as_str(),
        /// The action's wire name ("submit", "approve", …, "close").
        action: &'static str = e.action.name(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRenovationEvent {
    /// The action's fields: submit (person_id, consent, consent_ref), approve (fees,
    /// fee_due, deposit), reject and suspend (reason), fees_paid and close (receipt),
    /// deposit_received (amount, receipt), start (prior_status, prior_occupants), extend
    /// (new_end, reason), inspect (passed, note), record_violation (code, liable, amount,
    /// note), rectify_violation (violation_id), return_passes (passes), settle_deposit
    /// (unpaid_fees: [{code, amount}]); resume and report_completion: empty.
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        action_details(py, &self.inner.action)
    }
}

record! {
    /// A renovation: its application and what its log made of it (a copy; the
    /// `Decorations` holding it changes it).
    struct PyRenovation("Renovation", eq) { inner: Renovation }
    repr(id, unit_id, state);
    |r| {
        id: String = r.id().to_owned(),
        unit_id: String = r.unit_id().to_owned(),
        /// The state's wire name ("submitted", …, "closed").
        state: &'static str = r.state().as_str(),
        applicant: PyApplicant = r.applicant().clone().into(),
        contractor: Option<PyContractor> = r.contractor().cloned().map(Into::into),
        /// Scope items' codes.
        scope: Vec<String> = r.scope().to_vec(),
        /// Documents provided.
        documents: Vec<String> = r.documents().to_vec(),
        /// (planned first day, planned last day).
        planned: (NaiveDate, NaiveDate) = r.planned(),
        /// The last day of works allowed: the planned end, or the last extension's.
        permitted_end: NaiveDate = r.permitted_end(),
        extensions: Vec<PyExtension> = wrap_all(r.extensions()),
        /// The fees billed on approval (empty before).
        fees: Vec<PyFeeLine> = wrap_all(r.fees()),
        /// The deposit received, or None.
        deposit_received: Option<Decimal> = r.deposit_received(),
        violations: Vec<PyViolation> = wrap_all(r.violations()),
        /// The deposit's settlement, once settled.
        settlement: Option<PySettlement> = r.settlement().cloned().map(Into::into),
        /// The log, oldest first.
        events: Vec<PyRenovationEvent> = wrap_all(r.events()),
        /// How many acceptance inspections failed.
        failed_inspections: u32 = r.failed_inspections(),
        /// How many site checks were recorded.
        site_checks: u32 = r.site_checks(),
    }
}

// ---- queries ---------------------------------------------------------------------------

record! {
    /// A passed deadline.
    struct PyOverdue("Overdue", eq) { inner: decoration::Overdue }
    repr(renovation_id, kind, due, days_over);
    |o| {
        renovation_id: String,
        unit_id: String,
        /// "review", "duration", "acceptance", "refund" or "rectification".
        kind: &'static str = o.kind.as_str(),
        /// The violation, for a rectification.
        violation_id: Option<String>,
        /// The local date it was due.
        due: NaiveDate,
        /// Local days past it.
        days_over: i64,
    }
}

record! {
    /// Decoration statistics as of an instant.
    struct PyDecorationStats("DecorationStats", eq) { inner: DecorationStats }
    repr(total, started, violations);
    |s| {
        /// Renovations.
        total: usize,
        /// Renovations per state, every state in order: {"submitted": n, …, "closed": n}.
        by_state: OrderedDict<&'static str, usize> = s
            .by_state
            .iter()
            .map(|c| (c.state.as_str(), c.count))
            .collect(),
        /// Median hours from submission to review (2 decimals); None before a review.
        median_review_hours: Option<Decimal>,
        /// Renovations whose works started.
        started: usize,
        /// Site checks recorded.
        site_checks: usize,
        /// Violations recorded.
        violations: usize,
        /// Violations per 100 started renovations (2 decimals); None before a start.
        violations_per_100: Option<Decimal>,
        /// Renovations extended at least once.
        extended: usize,
        /// Works going on (or suspended) past their permitted end.
        overrunning: usize,
        /// Deposits received and not yet settled: how many.
        deposits_held_count: usize,
        /// Their sum.
        deposits_held: Decimal,
        /// Refunds settled and not yet paid: their sum.
        refunds_payable: Decimal,
        /// Refunds past their deadline.
        refunds_overdue: usize,
    }
}

// ---- the register ----------------------------------------------------------------------

/// The renovations of an estate (装修管理台账), one open per unit, under a policy.
/// Every action is logged with actor, role and time and dated in order (an `at`
/// before the renovation's last event raises ValidationError 'event_out_of_order').
#[pyclass(frozen, module = "estatekit", name = "Decorations")]
struct PyDecorations {
    inner: Shared<Decorations>,
}

impl PyDecorations {
    fn wrap(inner: Decorations) -> Self {
        Self {
            inner: Shared::new("Decorations", inner),
        }
    }
}

json_document! {
    /// Restore a register saved with `to_json`, exactly: the log of every renovation is
    /// replayed through the operations; the first contradiction raises ValidationError
    /// ('inconsistent_document', 'event_out_of_order', … naming the record).
    PyDecorations: Decorations, shared
}

shared_eq! {
    /// Equal when the registers are (estate, policy, renovations and their logs).
    PyDecorations |a, b| a == b
}

locked_getters!(PyDecorations |d| {
    estate_id: String = d.estate_id().to_owned(),
    policy: PyDecorationPolicy = d.policy().clone().into(),
    /// Every renovation, in the order submitted.
    renovations: Vec<PyRenovation> = wrap_all(d.renovations()),
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyDecorations {
    /// An empty register for `estate` under `policy` (default: `DecorationPolicy.default()`),
    /// money at the estate's scale. ValidationError for a policy amount finer than the
    /// scale ('too_many_decimals', path 'policy.deposit', …).
    #[new]
    #[pyo3(signature = (estate, policy = None))]
    fn new(
        estate: PyRef<'_, PyEstate>,
        policy: Option<PyRef<'_, PyDecorationPolicy>>,
    ) -> PyResult<Self> {
        let policy = policy.map_or_else(DecorationPolicy::default_policy, |p| p.inner.clone());
        Ok(Self::wrap(
            Decorations::new(&estate.inner, policy).map_err(to_py)?,
        ))
    }

    /// The label of an enum's wire name in `lang` ("zh-CN", "zh" or "en"): `kind` is
    /// "state", "role", "rule", "consent", "liable", "deduction_kind", "overdue_kind",
    /// "verdict" or "violation_status".
    #[staticmethod]
    #[pyo3(signature = (kind, value, lang = "zh-CN"))]
    fn label(
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] value: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    ) -> PyResult<&'static str> {
        let lang = lang_arg(lang)?;
        match kind {
            "state" => label_of::<State>(value, lang),
            "role" => label_of::<Role>(value, lang),
            "rule" => label_of::<ScopeRule>(value, lang),
            "consent" => label_of::<Consent>(value, lang),
            "liable" => label_of::<Liable>(value, lang),
            "deduction_kind" => label_of::<DeductionKind>(value, lang),
            "overdue_kind" => label_of::<OverdueKind>(value, lang),
            "verdict" => label_of::<WorkVerdict>(value, lang),
            "violation_status" => label_of::<ViolationStatus>(value, lang),
            other => Err(validation_error(
                "unknown_value",
                "kind",
                format!(
                    "kind: unknown enum {other:?}; expected state, role, rule, consent, liable, \
                     deduction_kind, overdue_kind, verdict or violation_status"
                ),
            )),
        }
    }

    /// The renovation with this id, or None.
    fn renovation(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
    ) -> PyResult<Option<PyRenovation>> {
        Ok(self
            .inner
            .lock()?
            .renovation(renovation_id)
            .cloned()
            .map(Into::into))
    }

    /// The unit's open renovation (any state but rejected and closed), or None.
    fn open_for(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
    ) -> PyResult<Option<PyRenovation>> {
        Ok(self
            .inner
            .lock()?
            .open_for(unit_id)
            .cloned()
            .map(Into::into))
    }

    /// Submit an application. The applicant must be able to consent for the unit on
    /// the local date of `at` (the registry's `may_consent`: ValidationError code
    /// 'no_consent', 'unknown_person', … path 'applicant_id'); a prohibited scope item
    /// ('prohibited_scope', 'scope[i]') or a missing document ('missing_document',
    /// 'documents', the message naming what requires it) is refused; one open
    /// renovation per unit (StateError 'open_renovation'). Submitting the same
    /// application again returns the recorded one and changes nothing.
    #[pyo3(signature = (estate, registry, application, *, actor, role, at))]
    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        estate: PyRef<'_, PyEstate>,
        registry: PyRef<'_, PyRegistry>,
        application: PyRef<'_, PySubmission>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let application = application.inner.clone();
        let reg = registry.inner.lock()?;
        let mut d = self.inner.lock()?;
        d.submit(&estate.inner, &reg, application, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Approve an application (a manager): bills the policy's one-off fees (per m² of
    /// the unit's gross area, fixed, per worker's pass) and asks for the deposit.
    /// Returns the fee lines.
    #[pyo3(signature = (renovation_id, estate, *, actor, role, at))]
    fn approve(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        estate: PyRef<'_, PyEstate>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<Vec<PyFeeLine>> {
        let role: Role = enum_arg(role, "role")?;
        let fees = self
            .inner
            .lock()?
            .approve(renovation_id, &estate.inner, actor, role, at)
            .map_err(to_py)?;
        Ok(fees.into_iter().map(Into::into).collect())
    }

    /// Reject an application, with the reason (a manager).
    #[pyo3(signature = (renovation_id, reason, *, actor, role, at))]
    fn reject(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.reject(renovation_id, reason, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// The approved fees as charge rows for `Receivables.post_charges` (dicts with
    /// unit_id, ref `{renovation id}/{fee code}`, item_code, amount, issued_on, due,
    /// period_start, period_end, description, penalty); posting twice posts once.
    /// StateError before approval.
    fn charge_rows<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .inner
            .lock()?
            .charge_rows(renovation_id)
            .map_err(to_py)?;
        let list = PyList::empty(py);
        for r in &rows {
            list.append(charge_row_dict(py, r)?)?;
        }
        Ok(list)
    }

    /// Record the fees paid, with the receipt number (finance).
    #[pyo3(signature = (renovation_id, receipt, *, actor, role, at))]
    fn record_fees_paid(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] receipt: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.record_fees_paid(renovation_id, receipt, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Record the deposit received (the amount asked on approval: another amount is
    /// 'mismatch', path 'amount'), with the receipt number (finance). The deposit is a
    /// liability held until settlement, not a fee.
    #[pyo3(signature = (renovation_id, amount, receipt, *, actor, role, at))]
    #[allow(clippy::too_many_arguments)]
    fn record_deposit(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        amount: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::str_ref)] receipt: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let amount = decimal_arg(amount, "amount")?;
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.record_deposit(renovation_id, amount, receipt, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Start the works (fees and deposit received, planned start reached: else
    /// StateError 'payment_missing' or ValidationError 'out_of_range' path 'at').
    /// Returns the unit's status change to 'decorating' as the dict
    /// `Estate.updated(status_changes=[...])` reads: {unit_id, status, since, occupants}.
    #[pyo3(signature = (renovation_id, estate, *, actor, role, at))]
    fn start_works<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        estate: PyRef<'_, PyEstate>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let role: Role = enum_arg(role, "role")?;
        let change = self
            .inner
            .lock()?
            .start_works(renovation_id, &estate.inner, actor, role, at)
            .map_err(to_py)?;
        status_dict(py, &change)
    }

    /// Suspend the works for rectification (停工整改), with the reason.
    #[pyo3(signature = (renovation_id, reason, *, actor, role, at))]
    fn suspend(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.suspend(renovation_id, reason, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Resume suspended works.
    #[pyo3(signature = (renovation_id, *, actor, role, at))]
    fn resume(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.resume(renovation_id, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Extend the works' permitted end (延期) to `new_end`, with the reason (a manager).
    #[pyo3(signature = (renovation_id, new_end, reason, *, actor, role, at))]
    #[allow(clippy::too_many_arguments)]
    fn extend(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::date)] new_end: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.extend(renovation_id, new_end, reason, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Record the owner's report that the works are complete.
    #[pyo3(signature = (renovation_id, *, actor, role, at))]
    fn report_completion(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.report_completion(renovation_id, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// The acceptance inspection (an engineer). Passed: returns the status change that
    /// restores the unit's status and occupants before the works (the dict
    /// `Estate.updated(status_changes=[...])` reads); failed: None (rectify, report
    /// completion again). StateError 'open_violations' while a violation is open.
    #[pyo3(signature = (renovation_id, passed, *, actor, role, at, note = None))]
    #[allow(clippy::too_many_arguments)]
    fn inspect<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        passed: bool,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] note: Option<String>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let role: Role = enum_arg(role, "role")?;
        let change = self
            .inner
            .lock()?
            .inspect(renovation_id, passed, note.as_deref(), actor, role, at)
            .map_err(to_py)?;
        change.map(|c| status_dict(py, &c)).transpose()
    }

    /// Record a violation found at a site check: `code` from the policy's catalogue,
    /// who is `liable` ("owner", "contractor", "staff"), the damages `amount`
    /// (required for a range or an assessed violation; for a fixed one absent or
    /// equal to it). Returns it, with its id and rectification deadline.
    #[pyo3(signature = (renovation_id, code, liable, *, actor, role, at, amount = None, note = None))]
    #[allow(clippy::too_many_arguments)]
    fn record_violation(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::text)] code: String,
        #[pyo3(from_py_with = crate::args::str_ref)] liable: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        amount: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::opt_text)] note: Option<String>,
    ) -> PyResult<PyViolation> {
        let violation = ViolationInput {
            code,
            liable: enum_arg::<Liable>(liable, "liable")?,
            amount: opt(amount, "amount", decimal_arg)?,
            note,
        };
        let role: Role = enum_arg(role, "role")?;
        self.inner
            .lock()?
            .record_violation(renovation_id, violation, actor, role, at)
            .map(Into::into)
            .map_err(to_py)
    }

    /// Record a site check (巡查) and what it found (engineer, security, manager); a
    /// violation found is recorded with `record_violation`.
    #[pyo3(signature = (renovation_id, findings, *, actor, role, at))]
    fn record_site_check(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] findings: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.record_site_check(renovation_id, findings, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Record a violation rectified.
    #[pyo3(signature = (renovation_id, violation_id, *, actor, role, at))]
    fn rectify_violation(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] violation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.rectify_violation(renovation_id, violation_id, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Record workers' passes returned (returning one twice changes nothing).
    #[pyo3(signature = (renovation_id, passes, *, actor, role, at))]
    fn return_passes(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::text_list)] passes: Vec<String>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let passes: Vec<&str> = passes.iter().map(String::as_str).collect();
        let mut d = self.inner.lock()?;
        d.return_passes(renovation_id, &passes, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// Settle the deposit of an accepted renovation (finance): refund = deposit −
    /// deductions (violations of the owner's and the contractor's side, passes not
    /// returned, and with `book` the renovation's fee charges the book still shows
    /// owed), never below zero. StateError before acceptance.
    #[pyo3(signature = (renovation_id, book = None, *, actor, role, at))]
    fn settle_deposit(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        book: Option<PyRef<'_, PyReceivables>>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PySettlement> {
        let role: Role = enum_arg(role, "role")?;
        let held = book.as_ref().map(|b| b.inner.lock()).transpose()?;
        self.inner
            .lock()?
            .settle_deposit(renovation_id, held.as_deref(), actor, role, at)
            .map(Into::into)
            .map_err(to_py)
    }

    /// The owner's part of the settlement's shortfall as a charge row for
    /// `Receivables.post_charges` (ref `{renovation id}/deposit_shortfall`, item
    /// 'decoration_shortfall'), or None when the deposit covered it. StateError
    /// before settlement.
    fn shortfall_charge<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let row = self
            .inner
            .lock()?
            .shortfall_charge(renovation_id)
            .map_err(to_py)?;
        row.map(|r| charge_row_dict(py, &r)).transpose()
    }

    /// Record the refund paid, with its reference; the renovation is closed (finance).
    #[pyo3(signature = (renovation_id, receipt, *, actor, role, at))]
    fn close(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] renovation_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] receipt: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyRenovation> {
        let role: Role = enum_arg(role, "role")?;
        let mut d = self.inner.lock()?;
        d.close(renovation_id, receipt, actor, role, at)
            .map(|r| r.clone().into())
            .map_err(to_py)
    }

    /// May (noisy) work go on in this unit at `at`? The policy's hours, and the unit's
    /// renovation: none going on is 'no_permit', suspended is 'suspended'.
    #[pyo3(signature = (unit_id, at, noisy))]
    fn work_check(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        noisy: bool,
    ) -> PyResult<PyWorkCheck> {
        Ok(self.inner.lock()?.work_check(unit_id, at, noisy).into())
    }

    /// Every deadline passed at `as_of`: review, duration, acceptance, refund,
    /// rectification; by renovation (in the order submitted), then kind.
    fn overdue(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<PyOverdue>> {
        Ok(self
            .inner
            .lock()?
            .overdue(as_of)
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The statistics at `as_of`.
    fn statistics(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<PyDecorationStats> {
        Ok(self.inner.lock()?.statistics(as_of).into())
    }

    fn __repr__(&self) -> PyResult<String> {
        let d = self.inner.lock()?;
        Ok(format!(
            "Decorations(estate_id={:?}, renovations={})",
            d.estate_id(),
            d.renovations().len()
        ))
    }
}
