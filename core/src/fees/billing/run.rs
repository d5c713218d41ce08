//! The result of a run ([`BillingRun`]) and its compact store: lines of 24 bytes,
//! unit ids in one buffer, and the tables the lines share, from which bills,
//! records and explanations are built on demand.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::estate::{AreaUnit, MeterKind, ReadingUpdate};
use crate::fees::FeeError;
use crate::fees::calc::{Tier, tiered_walk};
use crate::fees::schedule::AreaBasis;
use crate::i18n::Lang;

use super::explain::{Bill, BillLine, Explanation, MeteredExplanation};
use super::inputs::{BillingException, BillingPeriod};
use super::run_json::ExceptionOut;

/// What happened to one pooled item in a run.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse().unwrap());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let pool = &run.pools[0];
/// assert_eq!(pool.split_amount, pool.shares_total);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// Fee item code.
    pub code: String,
    /// The building or group this pool is of, when the item is split per building or
    /// group (`split_by`): one summary per pool. `None`: the whole estate's (JSON:
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The source amount (invoice, or master consumption × price), rounded to the
    /// estate's scale.
    #[serde(with = "crate::json::decimal")]
    pub source_amount: Decimal,
    /// Consumption of the master meter net of sub-meters, when metered.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub consumption: Option<Decimal>,
    /// Deducted before splitting.
    #[serde(with = "crate::json::decimal")]
    pub deduction: Decimal,
    /// Administration fee added.
    #[serde(with = "crate::json::decimal")]
    pub admin_fee: Decimal,
    /// The amount split, rounded.
    #[serde(with = "crate::json::decimal")]
    pub split_amount: Decimal,
    /// Sum of the shares: always equal to `split_amount`.
    #[serde(with = "crate::json::decimal")]
    pub shares_total: Decimal,
    /// Units sharing.
    pub participants: usize,
    /// Minor units handed out to make the sum exact.
    #[serde(with = "crate::json::decimal")]
    pub adjustment: Decimal,
    /// Number of units whose share was adjusted (listed by
    /// [`BillingRun::adjusted_units`]).
    pub adjusted_count: usize,
    /// The shares of units whose bills were set aside (see
    /// [`BillingRun::exceptions`]): not in this run's lines, so the pooled lines sum to
    /// `split_amount − set_aside`. Zero when no participant was set aside.
    #[serde(with = "crate::json::decimal")]
    pub set_aside: Decimal,
}

/// The result of [`bill_estate`](super::bill_estate): every bill of the estate for the period.
///
/// Lines are stored contiguously, unit by unit; [`Bill`]s are built on demand by
/// [`BillingRun::bill`] and [`BillingRun::bills`].
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// assert_eq!(run.total(), run.bills().iter().map(|b| b.total).sum());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BillingRun {
    /// Estate id.
    pub estate_id: String,
    /// Currency.
    pub currency: String,
    /// The estate's area unit (named in area lines' explanations).
    pub area_unit: AreaUnit,
    /// The period.
    pub period: BillingPeriod,
    /// The date the bills are issued.
    pub issued_on: NaiveDate,
    /// One summary per pooled item, in schedule order.
    pub pools: Vec<PoolSummary>,
    pub(super) items: Vec<ItemText>,
    /// The unit ids of the bills, one after the other (one buffer, not a `String` each).
    pub(super) ids: String,
    /// One per bill, plus a last one marking the ends of the last bill.
    pub(super) slots: Vec<BillSlot>,
    /// Totals of the bills with a line kept whole (`Kind::Other`), by bill index in
    /// ascending order; any other bill's total is the sum of its lines' minor units.
    pub(super) odd_totals: Vec<(u32, Decimal)>,
    pub(super) lines: Vec<Line>,
    /// Inputs shared by many area lines (rate, factor, months, basis).
    pub(super) area_params: Vec<AreaParams>,
    /// Per item in force: the constants of its pooled lines, per pool (empty for an
    /// item that is not pooled); a compact pooled line's `idx` is its pool.
    pub(super) pool_params: Vec<Vec<PoolParams>>,
    /// Sum of all bills (checked when the run was built).
    pub(super) total: Decimal,
    /// Problems of single units, meters or input rows set aside (see
    /// [`BillingException`]); empty in a strict run.
    pub exceptions: Vec<BillingException>,
    /// The readings this run estimated (估抄, see [`BillingInputs::estimate`](super::BillingInputs::estimate)), one
    /// per meter in estate order, each dated the period's last day with `estimated`
    /// true: store them with [`Estate::updated`](crate::estate::Estate::updated) so
    /// that the next real reading trues them up. Every estimate the run used is
    /// listed, including those of a unit whose bill was set aside or of a sub-meter
    /// subtracted from a master meter: billing the month again then uses the stored
    /// estimates as they are. Empty unless estimating.
    pub estimated_readings: Vec<ReadingUpdate>,
    /// Amounts and explanations of lines that are neither area nor pooled lines
    /// (or whose amount does not fit the compact form).
    pub(super) others: Vec<(Decimal, Explanation)>,
    /// Compact metered lines (`Kind::Metered`: `idx` is the index here).
    pub(super) metered: Vec<MeteredRec>,
    /// What compact metered lines share.
    pub(super) metered_params: Vec<MeteredParams>,
    /// The meter ids of compact metered lines, one after the other.
    pub(super) meter_ids: String,
    /// The scale of every compact line amount (the estate's rounding policy).
    pub(super) scale: u32,
    pub(super) index: OnceLock<HashMap<String, usize>>,
}

/// Where a bill starts in the run: its unit id at `ids[id_start..]` and its lines at
/// `lines[start..]`. Both end where the next slot's begin.
#[derive(Debug, Clone, Copy)]
pub(super) struct BillSlot {
    pub(super) id_start: u32,
    pub(super) start: u32,
}

/// A line as stored in the run: 24 bytes. The explanation of an area or pooled
/// line (nearly every line) is rebuilt from these numbers and the run's shared
/// tables when a bill is materialized.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    /// The amount in minor units of the run's scale (`Kind::Other`: in `others`).
    pub(super) minor: i64,
    /// Area lines: the area; pooled lines: the unit's weight (mantissa of
    /// `value × 10^-value_scale`); otherwise unused.
    pub(super) value: i64,
    /// `Kind::Area`: index in `area_params`; `Kind::Metered`: index in `metered`;
    /// `Kind::Pooled`/`PooledAdjusted`: the pool among the item's; `Kind::Other`/
    /// `OtherAdjusted`: index in `others`.
    pub(super) idx: u32,
    pub(super) item: u16,
    pub(super) kind: Kind,
    pub(super) value_scale: u8,
}

// The size is the point of the layout: 2 million lines for a million units.
const _: () = assert!(std::mem::size_of::<Line>() == 24);

/// `d` as the mantissa and scale of a [`Line`] value, when it fits.
#[inline]
pub(super) fn compact_value(d: Decimal) -> Option<(i64, u8)> {
    let m = i64::try_from(d.mantissa()).ok()?;
    // A negative zero would come back positive: kept whole instead.
    if m == 0 && d.is_sign_negative() {
        return None;
    }
    // A decimal's scale is at most 28.
    Some((m, d.scale() as u8))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Kind {
    Area,
    /// A metered line whose readings are in `BillingRun::metered` (`idx`).
    Metered,
    /// A pooled share.
    Pooled,
    /// A pooled share that received a minor unit of the remainder.
    PooledAdjusted,
    /// Amount and explanation in `others`.
    Other,
    /// Amount and explanation in `others`, a pooled share that received a minor unit
    /// of the remainder (a weight that does not fit the compact form, or a line of a
    /// run read back with [`BillingRun::from_json`]).
    OtherAdjusted,
}

/// What an area line shares with the other lines of its item, kind, status and span.
#[derive(Debug, Clone, Copy)]
pub(super) struct AreaParams {
    pub(super) basis: AreaBasis,
    pub(super) rate: Decimal,
    pub(super) months: u32,
    /// With the `annual_365` day count: 365 × months.
    pub(super) year_days: Option<i64>,
    pub(super) served: i64,
    pub(super) days: i64,
    pub(super) factor: Decimal,
    /// `rate × months × factor` as an exact integer mantissa and scale, when it fits
    /// (and is not negative).
    pub(super) coefficient: Option<(u64, u32)>,
}

/// What the pooled lines of one pool of an item share.
#[derive(Debug, Clone)]
pub(super) struct PoolParams {
    pub(super) pool: Decimal,
    pub(super) method: &'static str,
    pub(super) total_weight: Decimal,
    pub(super) participants: usize,
    pub(super) adjustment: Decimal,
    /// The building or group (`None`: the estate).
    pub(super) group: Option<Arc<str>>,
}

impl PoolParams {
    pub(super) fn explain(&self, weight: Decimal, adjusted: bool) -> Explanation {
        Explanation::Pooled {
            pool: self.pool,
            method: Cow::Borrowed(self.method),
            weight,
            total_weight: self.total_weight,
            participants: self.participants,
            // Zero at the scale of the minor unit (`0.00`), as every amount of a run.
            adjustment: if adjusted {
                self.adjustment
            } else {
                Decimal::new(0, self.adjustment.scale())
            },
            prorated: None,
            group: self.group.clone(),
        }
    }
}

/// What the compact metered lines of one item, meter kind, tier table and multiplier
/// share.
#[derive(Debug, Clone)]
pub(super) struct MeteredParams {
    pub(super) meter_kind: MeterKind,
    pub(super) multiplier: Decimal,
    pub(super) tiers: Vec<Tier>,
}

/// A metered line kept compact: a plain reading pair (no change, no estimate, tiers
/// by period), the meter's id in the run's `meter_ids` and its parameters. The blocks
/// of its explanation are priced again from the parameters' tiers (by the same
/// arithmetic as the line's amount) when a bill is materialized.
#[derive(Debug, Clone, Copy)]
pub(super) struct MeteredRec {
    pub(super) previous: Decimal,
    pub(super) current: Decimal,
    pub(super) used: Decimal,
    pub(super) id_start: u32,
    pub(super) id_end: u32,
    pub(super) params: u32,
}

impl MeteredRec {
    pub(super) fn explain(&self, params: &[MeteredParams], ids: &str) -> Explanation {
        let p = &params[self.params as usize];
        let mut tiers = Vec::with_capacity(p.tiers.len());
        tiered_walk(self.used, &p.tiers, "tiers", |u| tiers.push(u))
            .expect("a compact metered line was priced with these tiers when it was built");
        Explanation::Metered(Box::new(MeteredExplanation {
            meter_id: ids[self.id_start as usize..self.id_end as usize].to_owned(),
            meter_kind: p.meter_kind,
            previous: self.previous,
            current: self.current,
            multiplier: p.multiplier,
            change: None,
            consumption: self.used,
            tiers,
            estimated: false,
            previous_estimated: false,
            estimate: None,
            tier_year: None,
        }))
    }
}

/// `n` as a `u32` index of the run, or an error naming what overflowed.
#[inline]
pub(super) fn index_u32(n: usize, what: &str) -> Result<u32, FeeError> {
    match u32::try_from(n) {
        Ok(i) => Ok(i),
        Err(_) => Err(too_many(what)),
    }
}

#[cold]
#[inline(never)]
pub(super) fn too_many(what: &str) -> FeeError {
    FeeError::value(
        "too_many",
        "units",
        format!("more than 4 billion {what} in one run"),
    )
}

/// One bill line as a flat record (for pandas, spreadsheets).
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let rows = run.to_records();
/// assert_eq!(rows.len(), run.bills().iter().map(|b| b.lines.len()).sum::<usize>());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillRecord {
    /// Unit id.
    pub unit_id: String,
    /// Period start.
    pub period_start: NaiveDate,
    /// Period end.
    pub period_end: NaiveDate,
    /// Fee item code.
    pub item_code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Amount.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// The bill's issue date.
    pub issued_on: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Explanation in Chinese.
    pub explanation_zh: String,
    /// Explanation in English.
    pub explanation_en: String,
    /// A metered line billed on an estimated reading (估抄).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl BillingRun {
    /// The unit id of bill `i` (`i < bill_count()`).
    fn id_of(&self, i: usize) -> &str {
        let (a, b) = (self.slots[i].id_start, self.slots[i + 1].id_start);
        &self.ids[a as usize..b as usize]
    }

    /// The lines of bill `i` (`i < bill_count()`).
    fn lines_of(&self, i: usize) -> &[Line] {
        let (a, b) = (self.slots[i].start, self.slots[i + 1].start);
        &self.lines[a as usize..b as usize]
    }

    /// The total of bill `i` (`i < bill_count()`).
    fn total_of(&self, i: usize) -> Decimal {
        if let Ok(k) = self.odd_totals.binary_search_by_key(&i, |t| t.0 as usize) {
            return self.odd_totals[k].1;
        }
        // Compact lines only: fewer than 2^32 amounts below 2^63 in magnitude sum
        // below 2^95 (i128 does not overflow and the total fits a decimal).
        let minor: i128 = self.lines_of(i).iter().map(|l| i128::from(l.minor)).sum();
        Decimal::try_from_i128_with_scale(minor, self.scale)
            .expect("a bill of compact lines sums below 2^95 at the run's scale (at most 28)")
    }

    /// The value of an area or pooled line (see [`Line::value`]).
    fn value(line: &Line) -> Decimal {
        Decimal::try_new(line.value, u32::from(line.value_scale))
            .expect("a line's value and scale came from a decimal (scale at most 28)")
    }

    fn amount(&self, line: &Line) -> Decimal {
        match line.kind {
            Kind::Other | Kind::OtherAdjusted => self.others[line.idx as usize].0,
            _ => Decimal::new(line.minor, self.scale),
        }
    }

    fn explanation(&self, line: &Line) -> Explanation {
        match line.kind {
            Kind::Area => {
                let p = &self.area_params[line.idx as usize];
                Explanation::Area {
                    area: Self::value(line),
                    basis: p.basis,
                    rate: p.rate,
                    months: p.months,
                    served_days: p.served,
                    period_days: p.days,
                    factor: p.factor,
                    year_days: p.year_days,
                    area_unit: self.area_unit,
                }
            }
            Kind::Pooled | Kind::PooledAdjusted => {
                let p = self
                    .pool_params
                    .get(usize::from(line.item))
                    .and_then(|p| p.get(line.idx as usize))
                    .expect("a compact pooled line is built from its pool's parameters");
                p.explain(Self::value(line), line.kind == Kind::PooledAdjusted)
            }
            Kind::Metered => {
                self.metered[line.idx as usize].explain(&self.metered_params, &self.meter_ids)
            }
            Kind::Other | Kind::OtherAdjusted => self.others[line.idx as usize].1.clone(),
        }
    }

    fn materialize(&self, i: usize) -> Bill {
        let lines = self
            .lines_of(i)
            .iter()
            .map(|l| {
                let t = &self.items[usize::from(l.item)];
                let explanation = self.explanation(l);
                BillLine {
                    item_code: t.code.clone(),
                    name_zh: t.zh.clone(),
                    name_en: t.en.clone(),
                    amount: self.amount(l),
                    due: t.due,
                    estimated: explanation.is_estimated(),
                    explanation,
                }
            })
            .collect();
        Bill {
            unit_id: self.id_of(i).to_owned(),
            period: self.period,
            issued_on: self.issued_on,
            lines,
            total: self.total_of(i),
        }
    }

    /// The bill of one unit (`None` when the unit was not charged).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.bill("1-603").is_none()); // unsold: not billed
    /// assert_eq!(run.bill("1-101").unwrap().lines[0].amount.to_string(), "331.15");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bill(&self, unit_id: &str) -> Option<Bill> {
        let index = self.index.get_or_init(|| {
            (0..self.bill_count())
                .map(|i| (self.id_of(i).to_owned(), i))
                .collect()
        });
        index.get(unit_id).map(|&i| self.materialize(i))
    }

    /// Every bill, in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bills()[0].unit_id, "1-101");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bills(&self) -> Vec<Bill> {
        (0..self.bill_count())
            .map(|i| self.materialize(i))
            .collect()
    }

    /// Number of bills (units charged).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill_count(), 34);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn bill_count(&self) -> usize {
        self.slots.len().saturating_sub(1)
    }

    /// Unit ids charged, in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.unit_ids().next(), Some("1-101"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn unit_ids(&self) -> impl Iterator<Item = &str> {
        (0..self.bill_count()).map(|i| self.id_of(i))
    }

    /// Sum of all bills.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.total() > rust_decimal::Decimal::ZERO);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// The units whose share of pooled item `code` received a minor unit of the
    /// remainder (so the shares sum exactly), in estate order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let adjusted = run.adjusted_units("common_electricity");
    /// assert_eq!(adjusted.len(), run.pools[0].adjusted_count);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adjusted_units(&self, code: &str) -> Vec<&str> {
        let Some(item) = self.items.iter().position(|t| &*t.code == code) else {
            return Vec::new();
        };
        (0..self.bill_count())
            .filter(|&i| {
                self.lines_of(i).iter().any(|l| match l.kind {
                    Kind::PooledAdjusted => usize::from(l.item) == item,
                    // Kept whole (e.g. a run read back): any line of the item.
                    Kind::OtherAdjusted => &*self.items[usize::from(l.item)].code == code,
                    _ => false,
                })
            })
            .map(|i| self.id_of(i))
            .collect()
    }

    /// The units whose share of the pool of `group` (a building or group id; `None`:
    /// the estate's pool) of pooled item `code` received a minor unit of the
    /// remainder, in estate order: the `adjusted_units` of that pool's summary.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.adjusted_units_in("common_electricity", None), run.adjusted_units("common_electricity"));
    /// assert!(run.adjusted_units_in("common_electricity", Some("B1")).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adjusted_units_in(&self, code: &str, group: Option<&str>) -> Vec<&str> {
        (0..self.bill_count())
            .filter(|&i| {
                self.lines_of(i).iter().any(|l| {
                    if &*self.items[usize::from(l.item)].code != code {
                        return false;
                    }
                    match l.kind {
                        Kind::PooledAdjusted => self
                            .pool_params
                            .get(usize::from(l.item))
                            .and_then(|p| p.get(l.idx as usize))
                            .is_some_and(|p| p.group.as_deref() == group),
                        Kind::OtherAdjusted => matches!(
                            &self.others[l.idx as usize].1,
                            Explanation::Pooled { group: g, .. } if g.as_deref() == group
                        ),
                        _ => false,
                    }
                })
            })
            .map(|i| self.id_of(i))
            .collect()
    }

    /// Every line as a flat record, in bill then line order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let first = &run.to_records()[0];
    /// assert_eq!(first.explanation_en, "89.50 m² × 3.70/m²/month × 1 month = 331.15");
    /// assert_eq!((first.issued_on.to_string(), first.due.to_string()), ("2026-11-01".into(), "2026-11-16".into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn to_records(&self) -> Vec<BillRecord> {
        let mut out = Vec::with_capacity(self.lines.len());
        self.each_line(|_, unit_id, t, amount, explanation| {
            out.push(BillRecord {
                unit_id: unit_id.to_owned(),
                period_start: self.period.start,
                period_end: self.period.end,
                item_code: t.code.to_string(),
                name_zh: t.zh.to_string(),
                name_en: t.en.to_string(),
                amount,
                issued_on: self.issued_on,
                due: t.due,
                explanation_zh: explanation.render(Lang::ZhCn, amount),
                explanation_en: explanation.render(Lang::En, amount),
                estimated: explanation.is_estimated(),
            });
        });
        out
    }

    /// Every line with its bill's index and unit id, its item, amount and
    /// explanation, in bill then line order (the rows of [`BillingRun::to_records`]).
    pub(crate) fn each_line(
        &self,
        mut f: impl FnMut(usize, &str, &ItemText, Decimal, Explanation),
    ) {
        for i in 0..self.bill_count() {
            let unit_id = self.id_of(i);
            for l in self.lines_of(i) {
                f(
                    i,
                    unit_id,
                    &self.items[usize::from(l.item)],
                    self.amount(l),
                    self.explanation(l),
                );
            }
        }
    }

    /// The number of lines of the run.
    #[cfg(feature = "arrow")]
    pub(crate) fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The scale of the run's amounts (the estate's rounding policy).
    #[cfg(feature = "arrow")]
    pub(crate) fn scale(&self) -> u32 {
        self.scale
    }
}

impl Serialize for BillingRun {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Pool<'a> {
            #[serde(flatten)]
            summary: &'a PoolSummary,
            adjusted_units: Vec<&'a str>,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            estate_id: &'a str,
            currency: &'a str,
            #[serde(skip_serializing_if = "AreaUnit::is_default")]
            area_unit: AreaUnit,
            period: BillingPeriod,
            issued_on: NaiveDate,
            bills: Vec<Bill>,
            pools: Vec<Pool<'a>>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            exceptions: Vec<ExceptionOut<'a>>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            estimated_readings: &'a [ReadingUpdate],
        }
        Doc {
            estate_id: &self.estate_id,
            currency: &self.currency,
            area_unit: self.area_unit,
            period: self.period,
            issued_on: self.issued_on,
            bills: self.bills(),
            pools: self
                .pools
                .iter()
                .map(|p| Pool {
                    summary: p,
                    adjusted_units: self.adjusted_units_in(&p.code, p.group.as_deref()),
                })
                .collect(),
            exceptions: self.exceptions.iter().map(ExceptionOut::of).collect(),
            estimated_readings: &self.estimated_readings,
        }
        .serialize(serializer)
    }
}

/// Per-item constants shared by its lines.
#[derive(Debug, Clone)]
pub(crate) struct ItemText {
    pub(crate) code: Arc<str>,
    pub(crate) zh: Arc<str>,
    pub(crate) en: Arc<str>,
    pub(crate) due: NaiveDate,
}

/// Runs are equal when every public view is: the same bills (lines, amounts,
/// explanations, due dates), pools with the same adjusted units, exceptions,
/// estimated readings and total; how the lines are stored does not matter (a run
/// read back with [`BillingRun::from_json`] equals the original).
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// let period = BillingPeriod::month(2026, 10)?;
/// let a = bill_estate(&Estate::demo(), &FeeSchedule::demo(), period, &BillingInputs::default().with_pooled("common_electricity", 100.into()))?;
/// let b = bill_estate(&Estate::demo(), &FeeSchedule::demo(), period, &BillingInputs::default().with_pooled("common_electricity", 101.into()))?;
/// assert!(a == a.clone() && a != b);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
impl PartialEq for BillingRun {
    fn eq(&self, other: &Self) -> bool {
        self.estate_id == other.estate_id
            && self.currency == other.currency
            && self.area_unit == other.area_unit
            && self.period == other.period
            && self.issued_on == other.issued_on
            && self.pools == other.pools
            && self.exceptions == other.exceptions
            && self.estimated_readings == other.estimated_readings
            && self.total == other.total
            && self.bill_count() == other.bill_count()
            && self.pools.iter().all(|p| {
                let group = p.group.as_deref();
                self.adjusted_units_in(&p.code, group) == other.adjusted_units_in(&p.code, group)
            })
            && (0..self.bill_count()).all(|i| self.materialize(i) == other.materialize(i))
    }
}

impl Eq for BillingRun {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estate::Estate;
    use crate::fees::billing::{BillingInputs, bill_estate};
    use crate::fees::schedule::FeeSchedule;

    #[test]
    fn a_compact_value_keeps_mantissa_and_scale() {
        assert_eq!(compact_value(Decimal::new(150, 2)), Some((150, 2)));
        assert_eq!(compact_value(Decimal::new(-7, 0)), Some((-7, 0)));
        let mut minus_zero = Decimal::new(0, 2);
        minus_zero.set_sign_negative(true);
        assert_eq!(compact_value(minus_zero), None);
        assert_eq!(compact_value(Decimal::MAX), None);
        assert_eq!(std::mem::size_of::<Line>(), 24);
    }

    #[test]
    fn the_store_gives_back_what_the_run_computed() {
        let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
        let period = BillingPeriod::month(2026, 10).expect("period");
        let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), period, &inputs).expect("run");
        assert_eq!(run.bill_count(), 34);
        let p01 = run.bill("P-01").expect("billed");
        assert_eq!(
            p01.lines
                .iter()
                .map(|l| (&*l.item_code, l.amount.to_string()))
                .collect::<Vec<_>>(),
            [
                ("parking", "60.00".to_string()),
                ("common_electricity", "0.44".to_string())
            ]
        );
        // Area and pooled lines are compact; their explanations are rebuilt.
        assert!(run.lines.iter().any(|l| l.kind == Kind::Area));
        assert!(run.lines.iter().any(|l| l.kind == Kind::Pooled));
        assert_eq!(run.unit_ids().count(), run.bill_count());
        let sum: Decimal = run.bills().iter().map(|b| b.total).sum();
        assert_eq!(run.total(), sum);
        assert_eq!(run.to_records().len(), run.lines.len());
    }
}
