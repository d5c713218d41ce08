//! The fee engine on mobile, in coarse calls: `billEstate` bills a whole estate in one
//! call and returns a `BillingRun` object; a `Ledger` object holds a unit's account.

use estatekit_ffi_guard::guard;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::fees::billing::{self, BillingPeriod, PooledAmount, ReadingInput};
use estatekit::fees::calc::{
    self, CountFrom, DayCount, LateCharge, LateFee, MeterChange, OneOffFee, PenaltyCap,
};
use estatekit::fees::ledger::{
    self, Aging, Application, Balance, ChargeInput, Payment, PaymentOrder, Refund, Reminder,
    ReminderItem, Reversal,
};
use estatekit::fees::pooled::{self, Basis, BasisWeight, PoolUnit, SplitMethod};
use estatekit::fees::schedule;
use estatekit::i18n::Lang;
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::estate::Estate;
use crate::money::RoundingPolicy;

#[uniffi::remote(Enum)]
pub enum CountFrom {
    Due,
    GraceEnd,
}

#[uniffi::remote(Enum)]
pub enum DayCount {
    Actual,
    Thirty360,
    Annual365,
}

#[uniffi::remote(Enum)]
pub enum PaymentOrder {
    PenaltyFirst,
    PrincipalFirst,
}

#[uniffi::remote(Enum)]
pub enum Basis {
    Area,
    Usage,
    Equal,
    Occupants,
}

/// The language of an explanation. `Language` on mobile (renamed here, not in
/// uniffi.toml: a TOML rename misses the types of record methods such as `Bill.explain`).
#[uniffi::remote(Enum)]
#[uniffi(name = "Language")]
pub enum Lang {
    ZhCn,
    En,
}

#[uniffi::remote(Enum)]
pub enum MeterChange {
    Replacement {
        old_final: Decimal,
        new_initial: Decimal,
    },
    Rollover {
        wraps_at: Decimal,
    },
}

/// A late-penalty clause. Give at most one of `cap_fraction` and `cap_amount`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PenaltyPolicy {
    /// Daily rate, e.g. 0.0005 (每日万分之五).
    pub daily_rate: Decimal,
    /// Days after the due date without penalty.
    #[uniffi(default = 0)]
    pub grace_days: i64,
    /// Count from the due date (default) or from the end of the grace.
    #[uniffi(default = None)]
    pub count_from: Option<CountFrom>,
    /// Cap as a fraction of the principal (1 = the principal).
    #[uniffi(default = None)]
    pub cap_fraction: Option<Decimal>,
    /// Cap as an amount.
    #[uniffi(default = None)]
    pub cap_amount: Option<Decimal>,
    /// No penalty accrues while the outstanding principal is below this.
    #[uniffi(default = None)]
    pub min_balance: Option<Decimal>,
    /// Accept a daily rate above 1 % (almost always a yearly rate given as daily).
    #[uniffi(default = false)]
    pub allow_high_rate: bool,
}

impl TryFrom<PenaltyPolicy> for calc::PenaltyPolicy {
    type Error = EstateKitError;
    fn try_from(p: PenaltyPolicy) -> Result<Self, Self::Error> {
        let cap = PenaltyCap::from_options(p.cap_fraction, p.cap_amount)?;
        let policy = calc::PenaltyPolicy {
            daily_rate: p.daily_rate,
            grace_days: crate::IntoCore::into_core(p.grace_days, "grace_days")?,
            count_from: p.count_from.unwrap_or_default(),
            cap,
            min_balance: p.min_balance,
            allow_high_rate: p.allow_high_rate,
        };
        policy.validate()?;
        Ok(policy)
    }
}

/// Late penalty on `principal` due on `due`, as of `as_of`, rounded once.
#[guard(crate::panic_guard)]
#[uniffi::export(default(rounding_policy = None))]
pub fn late_penalty(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    policy: PenaltyPolicy,
    rounding_policy: Option<RoundingPolicy>,
) -> Result<Decimal, EstateKitError> {
    Ok(calc::late_penalty(
        principal,
        due,
        as_of,
        &policy.try_into()?,
        &crate::money::core_policy(rounding_policy)?,
    )?)
}

/// A one-off late fee when an item becomes overdue: a flat `amount`, or a `percent`
/// (0–100) of the overdue amount kept between `min` and `max`.
#[uniffi::remote(Record)]
pub struct OneOffFee {
    /// A flat fee (give this or `percent`).
    #[uniffi(default = None)]
    pub amount: Option<Decimal>,
    /// Percent of the overdue amount, 0–100 (3 = 3 %).
    #[uniffi(default = None)]
    pub percent: Option<Decimal>,
    /// With `percent`: at least this.
    #[uniffi(default = None)]
    pub min: Option<Decimal>,
    /// With `percent`: at most this.
    #[uniffi(default = None)]
    pub max: Option<Decimal>,
}

/// Late-fee terms beside a penalty clause's daily rate (a fee item's `late_fee`).
#[uniffi::remote(Record)]
pub struct LateFee {
    /// A one-off fee when the item becomes overdue.
    #[uniffi(default = None)]
    pub one_off: Option<OneOffFee>,
    /// Percent a year, 0–100 (12 = 12 % a year), counted by day on 365.
    #[uniffi(default = None)]
    pub annual_percent: Option<Decimal>,
    /// Round the daily amount before multiplying it by the days.
    #[uniffi(default = false)]
    pub round_daily: bool,
}

/// What [`late_charge`] gives, each part rounded.
#[uniffi::remote(Record)]
pub struct LateCharge {
    /// The one-off fee.
    pub one_off: Decimal,
    /// Days counted.
    pub days: i64,
    /// The rounded daily amount, with `round_daily`.
    pub daily: Option<Decimal>,
    /// The interest (daily and yearly rates together).
    pub interest: Decimal,
    /// The cap cut the total.
    pub capped: bool,
    /// One-off fee + interest, capped.
    pub total: Decimal,
}

/// The late charge on `principal` due on `due`, as of `as_of`, under `terms` and the
/// clause `penalty` (its daily rate, grace, count-from rule, minimum and cap; `null`:
/// none of them).
#[guard(crate::panic_guard)]
#[uniffi::export(default(penalty = None, rounding_policy = None))]
pub fn late_charge(
    principal: Decimal,
    due: NaiveDate,
    as_of: NaiveDate,
    terms: LateFee,
    penalty: Option<PenaltyPolicy>,
    rounding_policy: Option<RoundingPolicy>,
) -> Result<LateCharge, EstateKitError> {
    let penalty: Option<calc::PenaltyPolicy> = penalty.map(TryInto::try_into).transpose()?;
    Ok(terms.charge(
        principal,
        due,
        as_of,
        penalty.as_ref(),
        &crate::money::core_policy(rounding_policy)?,
    )?)
}

/// An overdue item for [`late_penalties`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OverdueItem {
    /// Principal.
    pub principal: Decimal,
    /// Due date.
    pub due: NaiveDate,
}

/// Late penalties of many items as of one date, in one call, on `threads` threads
/// (`null` or 0: every core; 1: the calling thread only; at most 256, else
/// `out_of_range` at `threads`): the same amounts whatever the count.
#[guard(crate::panic_guard)]
#[uniffi::export(default(rounding_policy = None, threads = None))]
pub fn late_penalties(
    items: Vec<OverdueItem>,
    as_of: NaiveDate,
    policy: PenaltyPolicy,
    rounding_policy: Option<RoundingPolicy>,
    threads: Option<i32>,
) -> Result<Vec<Decimal>, EstateKitError> {
    let threads = crate::threads_arg(threads)?;
    let items: Vec<(Decimal, NaiveDate)> =
        items.into_iter().map(|i| (i.principal, i.due)).collect();
    let (policy, rounding) = (
        policy.try_into()?,
        crate::money::core_policy(rounding_policy)?,
    );
    if estatekit::parallel::resolve(threads) == 1 {
        return Ok(calc::late_penalties(&items, as_of, &policy, &rounding)?);
    }
    Ok(calc::late_penalty_batch_threads(&items, as_of, &policy, &rounding, threads)?.to_vec())
}

/// `amount × service days ÷ period days`, all ranges inclusive, rounded once
/// (`convention` defaults to actual days).
#[guard(crate::panic_guard)]
#[uniffi::export(default(convention = None, rounding_policy = None))]
pub fn prorate(
    amount: Decimal,
    period_start: NaiveDate,
    period_end: NaiveDate,
    service_start: NaiveDate,
    service_end: NaiveDate,
    convention: Option<DayCount>,
    rounding_policy: Option<RoundingPolicy>,
) -> Result<Decimal, EstateKitError> {
    let convention = convention.unwrap_or_default();
    Ok(calc::prorate(
        amount,
        period_start,
        period_end,
        service_start,
        service_end,
        convention,
        &crate::money::core_policy(rounding_policy)?,
    )?)
}

/// A unit taking part in [`pooled_split`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PoolMember {
    /// Unit id.
    pub id: String,
    /// Area, m².
    pub area: Decimal,
    /// Consumption (none = 0).
    #[uniffi(default = None)]
    pub usage: Option<Decimal>,
    /// Occupants.
    #[uniffi(default = 0)]
    pub occupants: i64,
}

/// A basis and its weight in a split (a single basis with weight 1 = a plain split).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SplitWeight {
    /// The metric.
    pub basis: Basis,
    /// Its weight.
    pub weight: Decimal,
}

/// One unit's share.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PoolShare {
    /// Unit id.
    pub id: String,
    /// The share; shares sum exactly to the total.
    pub amount: Decimal,
    /// True when this share received the rounding adjustment.
    pub adjusted: bool,
}

/// Splits `total` among members by one basis (one weight) or a weighted hybrid.
#[guard(crate::panic_guard)]
#[uniffi::export(default(rounding_policy = None))]
pub fn pooled_split(
    total: Decimal,
    members: Vec<PoolMember>,
    weights: Vec<SplitWeight>,
    rounding_policy: Option<RoundingPolicy>,
) -> Result<Vec<PoolShare>, EstateKitError> {
    let method = SplitMethod::from_weights(
        weights
            .iter()
            .map(|w| BasisWeight {
                basis: w.basis,
                weight: w.weight,
            })
            .collect(),
    );
    let units: Vec<PoolUnit> = members
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(PoolUnit {
                occupants: crate::IntoCore::into_core(
                    m.occupants,
                    &format!("members[{i}].occupants"),
                )?,
                id: m.id,
                area: m.area,
                usage: m.usage.unwrap_or_default(),
                fraction: Decimal::ONE,
            })
        })
        .collect::<Result<_, EstateKitError>>()?;
    let split = pooled::split(
        total,
        &units,
        &method,
        &crate::money::core_policy(rounding_policy)?,
    )?;
    Ok(split
        .shares
        .into_iter()
        .map(|s| PoolShare {
            id: s.unit_id,
            amount: s.amount,
            adjusted: s.adjusted,
        })
        .collect())
}

crate::json_object! {
    /// A validated fee schedule.
    pub struct FeeSchedule(schedule::FeeSchedule);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl FeeSchedule {
    /// The demo schedule for the demo estate.
    #[uniffi::constructor]
    pub fn demo() -> Arc<Self> {
        Arc::new(Self {
            inner: schedule::FeeSchedule::demo(),
        })
    }

    /// Item codes, in document order.
    pub fn codes(&self) -> Vec<String> {
        self.inner.items().iter().map(|i| i.code.clone()).collect()
    }
}

/// An extra meter reading for a billing run.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MeterReadingInput {
    /// Meter id.
    pub meter_id: String,
    /// Reading date.
    pub date: NaiveDate,
    /// Register value.
    pub value: Decimal,
}

/// A replacement or rollover recorded for a meter during the period.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MeterChangeInput {
    /// Meter id.
    pub meter_id: String,
    /// What happened.
    pub change: MeterChange,
}

/// A pooled item's amount for the period.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PooledInput {
    /// Fee item code.
    pub code: String,
    /// Amount to split.
    pub amount: Decimal,
    /// For an item split per building or group (`split_by`): the building or group
    /// whose amount this is; `null`/`nil` for an item split over the estate.
    #[uniffi(default = None)]
    pub group: Option<String>,
}

/// The inputs of a billing run besides the estate and the schedule.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillingInputs {
    /// Amounts of pooled items whose source is `given`.
    #[uniffi(default = [])]
    pub pooled: Vec<PooledInput>,
    /// Extra readings.
    #[uniffi(default = [])]
    pub readings: Vec<MeterReadingInput>,
    /// Replacements and rollovers.
    #[uniffi(default = [])]
    pub meter_changes: Vec<MeterChangeInput>,
    /// The bills' issue date; `null`/`nil`: the day after the month ends. Each line is
    /// due by its item's due rule counted from it.
    #[uniffi(default = None)]
    pub issued_on: Option<NaiveDate>,
    /// All or nothing: a problem of one unit or meter (a missing reading, a reading
    /// below the previous one, a reading for an unknown meter) fails the whole run.
    /// By default (`false`) it is set aside in `BillingRun.exceptions()` and every
    /// other unit is billed.
    #[uniffi(default = false)]
    pub strict: bool,
    /// Estimate (估抄) a unit meter's missing reading from its last `estimate` periods
    /// between real readings (`null`/`nil`: no estimate, the reading stays missing).
    /// The line says so (`BillLine.estimated`); store
    /// `BillingRun.estimatedReadings()` with `Estate.updated` so that the next real
    /// reading trues the estimate up (real − estimate, possibly a negative credit).
    #[uniffi(default = None)]
    pub estimate: Option<i64>,
    /// Consumption so far in its tier year, by meter id, for metered items with annual
    /// tiers (`"tier_basis": "year"`) whose meter has no reading before the tier year
    /// (a meter installed this year: 0). A meter whose readings cover the year is
    /// priced from them. A negative value or an unknown meter fails the run (`negative`
    /// / `unknown_reference` at `year_to_date[meter id]`); without either, the unit's
    /// bill is set aside as a `missing_reading` exception naming the meter.
    #[uniffi(default)]
    pub year_to_date: HashMap<String, Decimal>,
    /// Bill back to this date (`null`/`nil`, the default: no back billing). A unit
    /// delivered on or after it and before the month is billed its area and fixed
    /// items from its delivery, in one line per item; each earlier month's part is
    /// priced by the item version in force then, and the line is rounded by the
    /// estate's `round` policy (`per_month`, the default, or `per_line`). A date after
    /// the month's first day is refused (`out_of_range` at `since`).
    #[uniffi(default = None)]
    pub since: Option<NaiveDate>,
}

/// A problem of one unit, meter or reading row that a billing run set aside instead
/// of failing: the unit's bill (or a pooled item's lines for everyone) is not in the
/// run; fix the input and bill the month again (posting is safe to retry).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillingException {
    /// The unit whose bill was set aside, when the problem is one unit's.
    pub unit_id: Option<String>,
    /// The pooled item billed to no one, when the problem is in its pool.
    pub item_code: Option<String>,
    /// The meter concerned, if any.
    pub meter_id: Option<String>,
    /// Stable code: `missing_reading`, `reading_below_previous`, `unknown_reference`,
    /// `negative`.
    pub code: String,
    /// The field concerned, e.g. `meters[W-1-101]`.
    pub path: String,
    /// Human-readable message.
    pub message: String,
}

/// One bill line. `explanation` is the formula and its inputs as JSON (decimals as
/// strings); `explain(lang)` renders it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BillLine {
    /// Fee item code.
    pub item_code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Amount.
    pub amount: Decimal,
    /// Due date: the item's due rule applied to the bill's issue date.
    pub due: NaiveDate,
    /// A metered line billed on an estimated reading (估抄).
    pub estimated: bool,
    /// The formula and its inputs, as JSON.
    pub explanation: String,
}

impl From<billing::BillLine> for BillLine {
    fn from(l: billing::BillLine) -> Self {
        Self {
            item_code: l.item_code.to_string(),
            name_zh: l.name_zh.to_string(),
            name_en: l.name_en.to_string(),
            amount: l.amount,
            due: l.due,
            estimated: l.estimated,
            explanation: serde_json::to_string(&l.explanation)
                .expect("an explanation is plain data and always serialises"),
        }
    }
}

impl TryFrom<BillLine> for billing::BillLine {
    type Error = EstateKitError;
    fn try_from(l: BillLine) -> Result<Self, EstateKitError> {
        let explanation = serde_json::from_str(&l.explanation).map_err(|e| {
            EstateKitError::validation("json", "explanation", format!("explanation: {e}"))
        })?;
        Ok(Self {
            item_code: l.item_code.into(),
            name_zh: l.name_zh.into(),
            name_en: l.name_en.into(),
            amount: l.amount,
            due: l.due,
            explanation,
            estimated: l.estimated,
        })
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl BillLine {
    /// The line's explanation in `lang` (default zh-CN), e.g.
    /// "89.50 m² × 3.70/m²/月 × 1 月 = 331.15".
    #[uniffi::method(default(lang = None))]
    pub fn explain(&self, lang: Option<Lang>) -> Result<String, EstateKitError> {
        Ok(billing::BillLine::try_from(self.clone())?.explain(lang.unwrap_or(Lang::ZhCn)))
    }
}

/// A unit's bill.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Bill {
    /// Unit id.
    pub unit_id: String,
    /// First day of the billing period.
    pub period_start: NaiveDate,
    /// Last day of the billing period.
    pub period_end: NaiveDate,
    /// The date the bill is issued.
    pub issued_on: NaiveDate,
    /// Lines in schedule order.
    pub lines: Vec<BillLine>,
    /// Sum of the lines.
    pub total: Decimal,
}

impl From<billing::Bill> for Bill {
    fn from(b: billing::Bill) -> Self {
        Self {
            unit_id: b.unit_id,
            period_start: b.period.start,
            period_end: b.period.end,
            issued_on: b.issued_on,
            lines: b.lines.into_iter().map(Into::into).collect(),
            total: b.total,
        }
    }
}

impl TryFrom<Bill> for billing::Bill {
    type Error = EstateKitError;
    fn try_from(b: Bill) -> Result<Self, EstateKitError> {
        Ok(Self {
            unit_id: b.unit_id,
            period: BillingPeriod {
                start: b.period_start,
                end: b.period_end,
            },
            issued_on: b.issued_on,
            lines: b
                .lines
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            total: b.total,
        })
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Bill {
    /// The bill explained in `lang` (default zh-CN): one `name: explanation` line per
    /// bill line, then the total with the issue and due dates.
    #[uniffi::method(default(lang = None))]
    pub fn explain(&self, lang: Option<Lang>) -> Result<Vec<String>, EstateKitError> {
        Ok(billing::Bill::try_from(self.clone())?.explain(lang.unwrap_or(Lang::ZhCn)))
    }
}

/// A pooled item's summary in a run.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PoolSummary {
    /// Fee item code.
    pub code: String,
    /// The building or group of this pool, for an item split per building or group
    /// (`split_by`): one summary per pool; `null`/`nil` for the estate's pool.
    pub group: Option<String>,
    /// The amount to split as given or metered, before deduction and admin fee.
    pub source_amount: Decimal,
    /// The consumption metered, for a metered pool.
    pub consumption: Option<Decimal>,
    /// Deducted before splitting.
    pub deduction: Decimal,
    /// Admin fee added.
    pub admin_fee: Decimal,
    /// Amount split, rounded.
    pub split_amount: Decimal,
    /// Sum of the shares (equal to `split_amount`).
    pub shares_total: Decimal,
    /// Shares of units whose bills were set aside (`exceptions()`): the pooled lines
    /// sum to `splitAmount − setAside`.
    pub set_aside: Decimal,
    /// Units sharing.
    pub participants: i64,
    /// What the rounding adjustment added to the rounded-down shares.
    pub adjustment: Decimal,
    /// Units whose share received the rounding adjustment.
    pub adjusted_units: Vec<String>,
}

crate::json_object! {
    /// A billing run: every bill of an estate for a month.
    pub struct BillingRun(billing::BillingRun);
}

/// Bills every unit of `estate` for `year`-`month` in one call, on `threads` threads
/// (`null` or 0: every core; 1: the calling thread only; at most 256, else
/// `out_of_range` at `threads`): the same run whatever the count.
#[guard(crate::panic_guard)]
#[uniffi::export(default(threads = None))]
pub fn bill_estate(
    estate: Arc<Estate>,
    schedule: Arc<FeeSchedule>,
    year: i32,
    month: i32,
    inputs: BillingInputs,
    threads: Option<i32>,
) -> Result<Arc<BillingRun>, EstateKitError> {
    let threads = crate::threads_arg(threads)?;
    let inputs = billing::BillingInputs {
        pooled: inputs
            .pooled
            .into_iter()
            .map(|p| PooledAmount {
                code: p.code,
                group: p.group,
                amount: p.amount,
            })
            .collect(),
        readings: inputs
            .readings
            .into_iter()
            .map(|r| ReadingInput {
                meter_id: r.meter_id,
                date: r.date,
                value: r.value,
            })
            .collect(),
        meter_changes: inputs
            .meter_changes
            .into_iter()
            .map(|c| billing::MeterChangeInput {
                meter_id: c.meter_id,
                change: c.change,
            })
            .collect(),
        issued_on: inputs.issued_on,
        strict: inputs.strict,
        estimate: crate::IntoCore::into_core(inputs.estimate, "inputs.estimate")?,
        year_to_date: inputs.year_to_date.into_iter().collect(),
        since: inputs.since,
    };
    let period = BillingPeriod::month(year, crate::IntoCore::into_core(month, "month")?)?;
    let run =
        billing::bill_estate_threads(estate.core(), &schedule.inner, period, &inputs, threads)?;
    Ok(Arc::new(BillingRun { inner: run }))
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl BillingRun {
    /// Sum of all bills.
    pub fn total(&self) -> Decimal {
        self.inner.total()
    }

    /// Problems of single units, meters or reading rows set aside instead of failing
    /// the run (empty in a strict run).
    pub fn exceptions(&self) -> Vec<BillingException> {
        self.inner
            .exceptions
            .iter()
            .map(|e| BillingException {
                unit_id: e.unit_id.clone(),
                item_code: e.item_code.clone(),
                meter_id: e.meter_id.clone(),
                code: e.code().into(),
                path: e.error.path().into(),
                message: e.message(),
            })
            .collect()
    }

    /// The date the bills are issued.
    pub fn issued_on(&self) -> NaiveDate {
        self.inner.issued_on
    }

    /// The readings this run estimated (估抄), one per meter in estate order, dated the
    /// month's last day with `estimated` true: store them with `Estate.updated`.
    pub fn estimated_readings(&self) -> Vec<estatekit::estate::ReadingUpdate> {
        self.inner.estimated_readings.clone()
    }

    /// Every bill.
    pub fn bills(&self) -> Vec<Bill> {
        self.inner.bills().into_iter().map(Into::into).collect()
    }

    /// One unit's bill, or null when the unit has none in this run.
    pub fn bill(&self, unit_id: String) -> Option<Bill> {
        self.inner.bill(&unit_id).map(Into::into)
    }

    /// First day of the billed period.
    pub fn period_start(&self) -> NaiveDate {
        self.inner.period.start
    }

    /// Last day of the billed period.
    pub fn period_end(&self) -> NaiveDate {
        self.inner.period.end
    }

    /// The estate's currency (ISO 4217).
    pub fn currency(&self) -> String {
        self.inner.currency.clone()
    }

    /// A unit's bill explained in `lang` (default zh-CN): one `name: explanation` line
    /// per bill line, then the total with the issue and due dates. Empty when the unit
    /// has no bill.
    #[uniffi::method(default(lang = None))]
    pub fn explain(&self, unit_id: String, lang: Option<Lang>) -> Vec<String> {
        self.inner
            .bill(&unit_id)
            .map(|b| b.explain(lang.unwrap_or(Lang::ZhCn)))
            .unwrap_or_default()
    }

    /// Pooled items.
    pub fn pools(&self) -> Vec<PoolSummary> {
        self.inner
            .pools
            .iter()
            .map(|p| PoolSummary {
                code: p.code.clone(),
                group: p.group.clone(),
                source_amount: p.source_amount,
                consumption: p.consumption,
                deduction: p.deduction,
                admin_fee: p.admin_fee,
                split_amount: p.split_amount,
                shares_total: p.shares_total,
                set_aside: p.set_aside,
                participants: crate::ToMobile::to_mobile(p.participants),
                adjustment: p.adjustment,
                adjusted_units: self
                    .inner
                    .adjusted_units_in(&p.code, p.group.as_deref())
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
            .collect()
    }
}

/// How a payment was applied to one charge.
#[uniffi::remote(Record)]
pub struct Application {
    /// Charge id.
    pub charge_id: String,
    /// Principal paid.
    pub principal: Decimal,
    /// Penalty paid.
    pub penalty: Decimal,
}

/// A payment's reversal (冲正).
#[uniffi::remote(Record)]
pub struct Reversal {
    /// Day reversed.
    pub on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A payment: `amount == Σ(principal + penalty) + toPrepaid`.
#[uniffi::remote(Record)]
pub struct Payment {
    /// Receipt id.
    pub id: String,
    /// Day paid.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Decimal,
    /// Applications, oldest charge first.
    pub applied: Vec<Application>,
    /// Amount added to the prepaid balance.
    pub to_prepaid: Decimal,
    /// The reversal, if the payment was reversed.
    pub reversed: Option<Reversal>,
}

/// Money paid back out of the prepaid balance (退款).
#[uniffi::remote(Record)]
pub struct Refund {
    /// Refund id.
    pub id: String,
    /// Day paid back.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Decimal,
}

/// Outstanding principal by days overdue.
#[uniffi::remote(Record)]
pub struct Aging {
    /// Not yet due.
    pub not_due: Decimal,
    /// 0–30 days.
    pub days_0_30: Decimal,
    /// 31–60 days.
    pub days_31_60: Decimal,
    /// 61–90 days.
    pub days_61_90: Decimal,
    /// Over 90 days.
    pub days_90_plus: Decimal,
}

/// One overdue item of a reminder.
#[uniffi::remote(Record)]
pub struct ReminderItem {
    /// Charge id.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// Due date in force.
    pub due: NaiveDate,
    /// Days overdue.
    pub days_overdue: i64,
    /// Principal outstanding.
    pub principal: Decimal,
    /// Penalty outstanding.
    pub penalty: Decimal,
}

/// Payment-reminder (催交款通知书) data.
#[uniffi::remote(Record)]
pub struct Reminder {
    /// Unit id.
    pub unit_id: String,
    /// Date.
    pub as_of: NaiveDate,
    /// Overdue items.
    pub items: Vec<ReminderItem>,
    /// Total due.
    pub total_due: Decimal,
    /// Prepaid balance.
    pub prepaid: Decimal,
}

/// An account's figures as of a date, at the estate's scale.
#[uniffi::remote(Record)]
pub struct Balance {
    /// Principal of the charges issued by the date.
    pub billed: Decimal,
    /// Penalty accrued.
    pub penalty_accrued: Decimal,
    /// Penalty waived.
    pub penalty_waived: Decimal,
    /// Money received.
    pub paid: Decimal,
    /// Principal settled.
    pub principal_paid: Decimal,
    /// Principal written off (核销, `Ledger.writeOff`).
    pub principal_written_off: Decimal,
    /// Penalty settled.
    pub penalty_paid: Decimal,
    /// Principal still owed.
    pub principal_outstanding: Decimal,
    /// Penalty still owed.
    pub penalty_outstanding: Decimal,
    /// Prepaid balance.
    pub prepaid: Decimal,
    /// Money paid back out of the prepaid balance.
    pub refunded: Decimal,
}

/// What `Ledger.writeOff` wrote off.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WriteOffAmounts {
    /// Principal written off.
    pub principal: Decimal,
    /// Penalty written off.
    pub penalty: Decimal,
}

/// One charge of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LedgerCharge {
    /// Charge id.
    pub id: String,
    /// Fee item code.
    pub item_code: String,
    /// Due date in force (a deferral's date once deferred).
    pub due: NaiveDate,
    /// Principal charged.
    pub principal: Decimal,
    /// Principal still owed.
    pub outstanding: Decimal,
}

/// Where a ledger's money went: `paid == principal + penalty + prepaid`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MoneyFlow {
    /// Money received.
    pub paid: Decimal,
    /// Applied to principal.
    pub principal: Decimal,
    /// Applied to penalty.
    pub penalty: Decimal,
    /// Held as prepaid.
    pub prepaid: Decimal,
}

crate::json_object! {
    /// A unit's ledger (thread-safe; every method is one call).
    pub struct Ledger(mutex ledger::Ledger);
}

impl Ledger {
    fn lock(&self) -> MutexGuard<'_, ledger::Ledger> {
        // A poisoned lock only means another thread panicked mid-call; the ledger's
        // operations are all-or-nothing, so its data is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Ledger {
    /// An empty ledger (penalty-first payment order unless `order` says otherwise).
    #[uniffi::constructor(default(rounding_policy = None, order = None))]
    pub fn new(
        unit_id: String,
        rounding_policy: Option<RoundingPolicy>,
        order: Option<PaymentOrder>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let order = order.unwrap_or_default();
        Ok(Arc::new(Self {
            inner: Mutex::new(ledger::Ledger::open(
                unit_id,
                crate::money::core_policy(rounding_policy)?,
                order,
            )?),
        }))
    }

    /// The unit.
    pub fn unit_id(&self) -> String {
        self.lock().unit_id().to_owned()
    }

    /// Prepaid balance.
    pub fn prepaid(&self) -> Decimal {
        self.lock().prepaid()
    }

    /// Whether the prepaid balance is below the low-balance threshold.
    pub fn low_balance(&self) -> bool {
        self.lock().low_balance()
    }

    /// Sets (or, with null, clears) the prepaid balance below which `lowBalance` is true.
    pub fn set_low_balance_threshold(
        &self,
        threshold: Option<Decimal>,
    ) -> Result<(), EstateKitError> {
        Ok(self.lock().set_low_balance_threshold(threshold)?)
    }

    /// Every charge, in the order added.
    pub fn charges(&self) -> Vec<LedgerCharge> {
        self.lock()
            .charges()
            .iter()
            .map(|c| LedgerCharge {
                id: c.id.clone(),
                item_code: c.item_code.clone(),
                due: c.effective_due(),
                principal: c.principal,
                outstanding: c.outstanding_principal(),
            })
            .collect()
    }

    /// Every refund, in the order recorded.
    pub fn refunds(&self) -> Vec<Refund> {
        self.lock().refunds().to_vec()
    }

    /// Where the money went.
    pub fn money_flow(&self) -> MoneyFlow {
        let (paid, principal, penalty, prepaid) = self.lock().money_flow();
        MoneyFlow {
            paid,
            principal,
            penalty,
            prepaid,
        }
    }

    /// Adds a charge; the prepaid balance pays it down at once (dated `on`).
    #[uniffi::method(default(penalty = None, late_fee = None))]
    #[allow(clippy::too_many_arguments)]
    pub fn add_charge(
        &self,
        id: String,
        item_code: String,
        due: NaiveDate,
        amount: Decimal,
        on: NaiveDate,
        penalty: Option<PenaltyPolicy>,
        late_fee: Option<LateFee>,
    ) -> Result<(), EstateKitError> {
        let mut input = ChargeInput::new(id, item_code, due, amount);
        input.penalty = penalty.map(TryInto::try_into).transpose()?;
        input.late_fee = late_fee;
        Ok(self.lock().add_charge(input, on)?)
    }

    /// Adds every line of a bill (`BillingRun.bill`) as a charge.
    pub fn add_bill(
        &self,
        bill: Bill,
        schedule: Arc<FeeSchedule>,
        on: NaiveDate,
    ) -> Result<(), EstateKitError> {
        let bill = billing::Bill::try_from(bill)?;
        Ok(self.lock().add_bill(&bill, &schedule.inner, on)?)
    }

    /// Applies a payment, oldest item first; the rest goes to the prepaid balance.
    pub fn pay(
        &self,
        id: String,
        amount: Decimal,
        date: NaiveDate,
    ) -> Result<Payment, EstateKitError> {
        Ok(self.lock().pay(&id, amount, date)?)
    }

    /// Penalty owed on one charge as of a date.
    pub fn penalty(&self, charge_id: String, as_of: NaiveDate) -> Result<Decimal, EstateKitError> {
        Ok(self.lock().penalty(&charge_id, as_of)?)
    }

    /// Every payment as it is applied now, in the order recorded.
    pub fn payments(&self) -> Vec<Payment> {
        self.lock().payments().to_vec()
    }

    /// Reverses (冲正) a payment recorded `on`: it counts as never made from its own
    /// date on; its id stays taken.
    pub fn reverse(
        &self,
        id: String,
        on: NaiveDate,
        reason: String,
    ) -> Result<Payment, EstateKitError> {
        Ok(self.lock().reverse(&id, on, &reason)?)
    }

    /// Pays `amount` back out of the prepaid balance on `on` (退款).
    pub fn refund(&self, id: String, amount: Decimal, on: NaiveDate) -> Result<(), EstateKitError> {
        Ok(self.lock().refund(&id, amount, on)?)
    }

    /// One payment by id as it is applied now, or null.
    pub fn payment(&self, id: String) -> Option<Payment> {
        self.lock().payment(&id).cloned()
    }

    /// Waives (part of) a charge's penalty; returns the amount waived.
    #[uniffi::method(default(amount = None))]
    pub fn waive(
        &self,
        charge_id: String,
        reason: String,
        date: NaiveDate,
        amount: Option<Decimal>,
    ) -> Result<Decimal, EstateKitError> {
        Ok(self.lock().waive(&charge_id, amount, &reason, date)?)
    }

    /// Writes off (核销) what one charge still owes on `date`, principal and penalty,
    /// with a recorded reason (a residue of a few fen, a debt settled out of court);
    /// from that date on the charge owes nothing. Returns the amounts written off.
    pub fn write_off(
        &self,
        charge_id: String,
        reason: String,
        date: NaiveDate,
    ) -> Result<WriteOffAmounts, EstateKitError> {
        let (principal, penalty) = self.lock().write_off(&charge_id, &reason, date)?;
        Ok(WriteOffAmounts { principal, penalty })
    }

    /// Approves a later due date for one charge.
    pub fn defer(&self, charge_id: String, new_due: NaiveDate) -> Result<(), EstateKitError> {
        Ok(self.lock().defer(&charge_id, new_due)?)
    }

    /// Outstanding principal by days overdue.
    pub fn aging(&self, as_of: NaiveDate) -> Result<Aging, EstateKitError> {
        Ok(self.lock().aging(as_of)?)
    }

    /// The account's figures as of a date.
    pub fn balance(&self, as_of: NaiveDate) -> Result<Balance, EstateKitError> {
        Ok(self.lock().balance(as_of)?)
    }

    /// Payment-reminder data as of a date.
    pub fn reminder(&self, as_of: NaiveDate) -> Result<Reminder, EstateKitError> {
        Ok(self.lock().reminder(as_of)?)
    }

    /// Collected ÷ billed principal for charges due in [start, end], if any were billed.
    pub fn collection_rate(&self, start: NaiveDate, end: NaiveDate) -> Option<Decimal> {
        self.lock().collection_rate(start, end)
    }
}
