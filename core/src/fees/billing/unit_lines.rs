//! The lines of one unit for one item: area and fixed charges prorated over the days
//! served, metered charges priced by tiers (a true-up credited), each rounded once.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::estate::{ChargeRounding, UnitStatus};
use crate::fees::calc::{
    DayCount, Tier, TierUse, blocks_between, fraction_of, tiered_cost, tiered_walk,
};
use crate::fees::schedule::{AreaBasis, FeeItem, FeeSchedule, Frequency, Rule, TierBasis};
use crate::fees::{FeeError, add, mul};
use crate::money::RoundingPolicy;

use super::builder::RunBuilder;
use super::context::BillingContext;
use super::explain::{Explanation, MeteredExplanation, SpanPart, StatusPart, TierYear};
use super::inputs::{BillingPeriod, month_end};
use super::readings::MeterReadings;
use super::run::Kind;

/// The part of the billed span a unit is served, for an item version.
pub(super) struct Span {
    pub(super) months: u32,
    pub(super) served: i64,
    pub(super) days: i64,
    /// First day served.
    pub(super) start: NaiveDate,
    /// Last day served.
    pub(super) end: NaiveDate,
}

/// What a non-pooled item bills in a period, the same for every unit: computed once
/// per item and run.
#[derive(Debug, Clone, Copy)]
pub(super) struct ItemSpan {
    months: u32,
    one_off: bool,
    /// First day billable (the period start or the version's effective date).
    start: NaiveDate,
    /// Last day billable.
    end: NaiveDate,
    /// Days in the billed span (the denominator of proration).
    days: i64,
    /// Days from `start` to `end`: the served days of a unit delivered before `start`.
    served: i64,
}

impl ItemSpan {
    /// `None` when the item bills nothing in `period` (not due this month).
    pub(super) fn new(item: &FeeItem, period: &BillingPeriod) -> Option<Self> {
        let months = item.frequency.months();
        let billed = match item.frequency {
            Frequency::OneOff => (period.start..=period.end).contains(&item.effective_from),
            f => bills_in(f, period.start),
        };
        if !billed {
            return None;
        }
        let span_end = if months == 0 {
            period.end
        } else {
            month_end(period.start, months)?
        };
        let start = period.start.max(item.effective_from);
        let end = span_end.min(item.effective_until.unwrap_or(span_end));
        Some(Self {
            months,
            one_off: item.frequency == Frequency::OneOff,
            start,
            end,
            days: item.day_count.days(period.start, span_end),
            served: item.day_count.days(start, end),
        })
    }

    /// The span billed to a unit delivered on `delivered_on`: from that date when it
    /// is later.
    pub(super) fn for_unit(&self, item: &FeeItem, delivered_on: Option<NaiveDate>) -> Option<Span> {
        let (start, served) = match delivered_on {
            Some(d) if d > self.start => (d, None),
            _ => (self.start, Some(self.served)),
        };
        if self.one_off {
            return (start <= self.end).then_some(Span {
                months: 1,
                served: 1,
                days: 1,
                start,
                end: self.end,
            });
        }
        let served = served.unwrap_or_else(|| item.day_count.days(start, self.end));
        (served > 0).then_some(Span {
            months: self.months,
            served,
            days: self.days,
            start,
            end: self.end,
        })
    }
}

/// A billing period before the run's that an item bills back to a unit delivered
/// in it (the run's `since`): the item version in force then and what it bills.
#[derive(Debug, Clone, Copy)]
pub(super) struct BackPart<'s> {
    item: &'s FeeItem,
    span: ItemSpan,
}

/// The billing periods before `period` that the area or fixed `item` (in force in
/// `period`) bills back to a unit delivered on or after `since`, in date order: per
/// earlier period of the run's length, each version of the item's code in force and
/// due in it, ending on or after `since` and before the period. Empty for any other
/// item.
pub(super) fn back_parts<'s>(
    schedule: &'s FeeSchedule,
    item: &FeeItem,
    since: NaiveDate,
    period: &BillingPeriod,
) -> Vec<BackPart<'s>> {
    let backable = |i: &FeeItem| {
        i.frequency != Frequency::OneOff && matches!(i.rule, Rule::Area { .. } | Rule::Fixed { .. })
    };
    if !backable(item) {
        return Vec::new();
    }
    let versions: Vec<&FeeItem> = schedule
        .items()
        .iter()
        .filter(|v| v.code == item.code && backable(v))
        .collect();
    // A yearly part starting up to 11 months before `since` may still reach it.
    let earliest = since
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN);
    let mut parts = Vec::new();
    for k in 1.. {
        let Some(start) = period.start.checked_sub_months(Months::new(k)) else {
            break;
        };
        if start < earliest {
            break;
        }
        let Some(end) = month_end(start, 1) else {
            continue;
        };
        let month = BillingPeriod { start, end };
        for v in &versions {
            let Some(span_end) = month_end(start, v.frequency.months()) else {
                continue;
            };
            if !v.in_force(start, span_end) {
                continue;
            }
            if let Some(span) = ItemSpan::new(v, &month)
                && span.start <= span.end
                && span.end >= since
                && span.end < period.start
            {
                parts.push(BackPart { item: v, span });
            }
        }
    }
    parts.reverse();
    parts
}

/// Whether an item of frequency `f` (not one-off) bills in the month starting on
/// `month_start`: every month, January, April, July and October, or January.
fn bills_in(f: Frequency, month_start: NaiveDate) -> bool {
    match f {
        Frequency::Monthly | Frequency::OneOff => true,
        Frequency::Quarterly => month_start.month() % 3 == 1,
        Frequency::Yearly => month_start.month() == 1,
    }
}

/// The first day of the readings a metered bill of `months` months (at least one)
/// in the month starting on `month_start` covers: `months − 1` months before it, the
/// day after the previous billing month ends.
fn readings_from(month_start: NaiveDate, months: u32) -> Option<NaiveDate> {
    month_start.checked_sub_months(Months::new(months.max(1) - 1))
}

/// The tier year of a bill in the month starting on `month_start`, for a tier year
/// starting in `first_month`: `(start, cutoff)`, its first day and the first day of
/// the readings its first bill covers (a reading before `cutoff` is where the year's
/// consumption starts from).
fn tier_year(
    item: &FeeItem,
    month_start: NaiveDate,
    first_month: u32,
    months: u32,
) -> Option<(NaiveDate, NaiveDate)> {
    let year = if month_start.month() >= first_month {
        month_start.year()
    } else {
        month_start.year() - 1
    };
    let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    if item.frequency == Frequency::OneOff {
        return Some((start, start));
    }
    let first_bill = (0..12)
        .filter_map(|k| start.checked_add_months(Months::new(k)))
        .find(|&m| bills_in(item.frequency, m))?;
    Some((start, readings_from(first_bill, months)?))
}

/// The cost of a consumption `used` after `to_date` in a tier year: the part of
/// `[to_date, to_date + used]` in each block × its price; a negative one (the
/// true-up of an estimate) is credited at the prices of the blocks it came from.
fn priced_in_year(
    to_date: Decimal,
    used: Decimal,
    tiers: &[Tier],
) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    let end = add(to_date, used, "tiers")?;
    if used >= Decimal::ZERO {
        return blocks_between(to_date, end, tiers, "tiers");
    }
    let (cost, uses) = blocks_between(end, to_date, tiers, "tiers")?;
    Ok((
        -cost,
        uses.into_iter()
            .map(|t| TierUse {
                quantity: -t.quantity,
                price: t.price,
                amount: -t.amount,
            })
            .collect(),
    ))
}

/// With the `annual_365` day count, `365 × months` of `span` (at least one month):
/// a partly served span is charged `served × 12 ÷` it; `None` with any other.
pub(super) fn year_days(item: &FeeItem, span: &Span) -> Option<i64> {
    (item.day_count == DayCount::Annual365).then(|| 365 * i64::from(span.months.max(1)))
}

/// An exact charge, `num ÷ den` (a number of days, or 1): kept as a fraction so that
/// the parts of a charge rounded once are added exactly, over a common denominator.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    num: Decimal,
    den: i64,
}

impl Fraction {
    /// The charge as a decimal (to the 28 digits a decimal holds when it does not end).
    fn value(self, path: &str) -> Result<Decimal, FeeError> {
        if self.den == 1 {
            return Ok(self.num);
        }
        fraction_of(self.num, 1, self.den, path)
    }

    /// The exact sum of `parts`, over the least common multiple of their denominators.
    fn sum(parts: &[Self], path: &str) -> Result<Self, FeeError> {
        let overflow = || {
            FeeError::value(
                "overflow",
                path,
                "the parts' day counts have no common denominator",
            )
        };
        let mut den: i64 = 1;
        for p in parts {
            let g = gcd(den, p.den);
            den = (den / g).checked_mul(p.den).ok_or_else(overflow)?;
        }
        let mut num = Decimal::ZERO;
        for p in parts {
            num = add(num, mul(p.num, Decimal::from(den / p.den), path)?, path)?;
        }
        Ok(Self { num, den })
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// `base × served × factor ÷ period days` (`base × served × 12 × factor ÷ year_days`
/// with `annual_365`), exact.
fn prorated(
    base: Decimal,
    span: &Span,
    factor: Decimal,
    year_days: Option<i64>,
    path: &str,
) -> Result<Fraction, FeeError> {
    let mut num = base;
    if factor != Decimal::ONE {
        num = mul(num, factor, path)?;
    }
    if span.served == span.days {
        return Ok(Fraction { num, den: 1 });
    }
    Ok(match year_days {
        Some(year) => Fraction {
            num: mul(num, Decimal::from(span.served * 12), path)?,
            den: year,
        },
        None => Fraction {
            num: mul(num, Decimal::from(span.served), path)?,
            den: span.days,
        },
    })
}

/// The cost of a consumption under tiered prices; a negative one (the true-up of an
/// estimate) is credited at the tier prices of its size, from the first tier.
fn priced(used: Decimal, tiers: &[Tier]) -> Result<(Decimal, Vec<TierUse>), FeeError> {
    if used >= Decimal::ZERO {
        return tiered_cost(used, tiers, "tiers");
    }
    let (cost, uses) = tiered_cost(-used, tiers, "tiers")?;
    Ok((
        -cost,
        uses.into_iter()
            .map(|t| TierUse {
                quantity: -t.quantity,
                price: t.price,
                amount: -t.amount,
            })
            .collect(),
    ))
}

/// The statuses of a unit over the days of a span.
enum StatusDays {
    /// One factor for the whole span: that of this status.
    Whole(UnitStatus),
    /// Each status's days at its factor (two or more factors).
    Parts(Vec<StatusPart>),
}

/// `base × Σ(days × factor) ÷ period days`: the charge of a span whose status changed.
fn by_status(
    base: Decimal,
    parts: &[StatusPart],
    period_days: i64,
    path: &str,
) -> Result<Fraction, FeeError> {
    let mut weighted = Decimal::ZERO;
    for p in parts {
        weighted = add(weighted, mul(Decimal::from(p.days), p.factor, path)?, path)?;
    }
    Ok(Fraction {
        num: mul(base, weighted, path)?,
        den: period_days,
    })
}

/// Tier limits written for `reference` days, for a reading covering `days`: each
/// limit × days ÷ reference, half-up to 0.01 (so an explanation shows them exactly).
fn scaled(tiers: &[Tier], days: i64, reference: u32, path: &str) -> Result<Vec<Tier>, FeeError> {
    tiers
        .iter()
        .map(|t| {
            Ok(Tier {
                up_to: match t.up_to {
                    Some(b) => Some(
                        fraction_of(b, days, i64::from(reference), path)?.round_dp_with_strategy(
                            2,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        ),
                    ),
                    None => None,
                },
                price: t.price,
            })
        })
        .collect()
}

/// What every line of a run reads besides its item and its unit: the estate's
/// view, the period, the meters' readings and the rounding policy.
pub(super) struct LineContext<'r> {
    pub(super) context: &'r BillingContext<'r>,
    pub(super) period: &'r BillingPeriod,
    pub(super) readings: &'r MeterReadings<'r>,
    pub(super) policy: RoundingPolicy,
    /// The run's `since` date (see [`BillingInputs::since`](super::BillingInputs::since)).
    pub(super) since: Option<NaiveDate>,
    /// Per item in force, what it bills back (empty without `since`).
    pub(super) back: Vec<Vec<BackPart<'r>>>,
    /// The estate's rounding of a charge spanning several periods.
    pub(super) round: ChargeRounding,
    /// Threads a run may use (1: the caller's only).
    pub(super) threads: usize,
}

impl LineContext<'_> {
    /// The statuses of the estate's unit `u` over `span`, by day: its current status
    /// unless it began after the span's first day and the estate records the unit's
    /// earlier statuses (before its first record, a unit is taken to have had its
    /// first recorded status).
    fn status_days(&self, item: &FeeItem, u: usize, span: &Span) -> StatusDays {
        let unit = &self.context.units()[u];
        let current = StatusDays::Whole(unit.status);
        if unit.status_since.is_none_or(|s| s <= span.start) || item.status_factors.is_empty() {
            return current;
        }
        let Some(periods) = self.context.estate().status_periods_at(u) else {
            return current;
        };
        let mut parts: Vec<StatusPart> = Vec::new();
        for (k, &(since, status)) in periods.iter().enumerate() {
            let from = if k == 0 {
                span.start
            } else {
                since.max(span.start)
            };
            let to = match periods.get(k + 1) {
                Some(&(next, _)) => next.pred_opt().unwrap_or(next).min(span.end),
                None => span.end,
            };
            let days = item.day_count.days(from, to);
            if days <= 0 {
                continue;
            }
            let factor = item.status_factor(status);
            match parts.last_mut() {
                Some(last) if last.status == status => last.days += days,
                _ => parts.push(StatusPart {
                    status,
                    days,
                    factor,
                }),
            }
        }
        // Day counts add up when a range is split (both conventions); were one not to,
        // the last part takes the difference so the parts cover the served days.
        let counted: i64 = parts.iter().map(|p| p.days).sum();
        if let Some(last) = parts.last_mut() {
            last.days += span.served - counted;
        }
        match parts.as_slice() {
            [] => current,
            [first, rest @ ..] if rest.iter().all(|p| p.factor == first.factor) => {
                StatusDays::Whole(first.status)
            }
            _ => StatusDays::Parts(parts),
        }
    }

    /// Adds the lines of the estate's unit `u` for `item` (number `item_idx` among
    /// the items in force), when the item is an area, fixed or metered one; an error
    /// is named after the unit and the item.
    pub(super) fn unit_line(
        &self,
        item: &FeeItem,
        item_idx: u16,
        u: usize,
        b: &mut RunBuilder,
    ) -> Result<(), FeeError> {
        let (estate, policy) = (self.context.estate(), &self.policy);
        let unit = &self.context.units()[u];
        // Computed with an empty path; the field is named only if something fails.
        let path = "";
        let result = (|| -> Result<(), FeeError> {
            if self.since.is_some() && self.spanning_line(item, item_idx, u, b)? {
                return Ok(());
            }
            match &item.rule {
                Rule::Area { basis, .. } => {
                    let Some(span) = b.spans[usize::from(item_idx)]
                        .and_then(|s| s.for_unit(item, unit.delivered_on))
                    else {
                        return Ok(());
                    };
                    let area = match basis {
                        AreaBasis::Gross => unit.gross_area,
                        AreaBasis::Internal => estate.units()[u].area(true),
                    };
                    let status = match self.status_days(item, u, &span) {
                        StatusDays::Whole(status) => status,
                        parts => {
                            let (value, e) = self.charge(item, u, &span, parts)?;
                            return b.push_other(policy.round(value.value(path)?), item_idx, e);
                        }
                    };
                    let params = b.area_params(item_idx, item, unit.kind, status, &span)?;
                    let p = b.area_params[params as usize];
                    let full = span.served == span.days;
                    let explain = || Explanation::Area {
                        area,
                        basis: *basis,
                        rate: p.rate,
                        months: span.months,
                        served_days: span.served,
                        period_days: span.days,
                        factor: p.factor,
                        year_days: p.year_days,
                        area_unit: estate.area_unit(),
                    };
                    // Usual case: a whole period, area × (rate × months × factor) in integers.
                    if let (true, Some((c, cs)), Ok(a)) =
                        (full, p.coefficient, u64::try_from(area.mantissa()))
                        && let Some(minor) = b.area_minor(a, c, area.scale() + cs)
                    {
                        return b.push_minor(minor, area, item_idx, Kind::Area, params, explain);
                    }
                    let base = mul(mul(area, p.rate, path)?, Decimal::from(span.months), path)?;
                    let amount = policy
                        .round(prorated(base, &span, p.factor, p.year_days, path)?.value(path)?);
                    b.push(amount, area, item_idx, Kind::Area, params, explain)
                }
                Rule::Fixed { .. } => {
                    let Some(span) = b.spans[usize::from(item_idx)]
                        .and_then(|s| s.for_unit(item, unit.delivered_on))
                    else {
                        return Ok(());
                    };
                    let status = self.status_days(item, u, &span);
                    let (value, e) = self.charge(item, u, &span, status)?;
                    b.push_other(policy.round(value.value(path)?), item_idx, e)
                }
                Rule::Metered { .. } => self.metered_lines(item, item_idx, u, b),
                Rule::Pooled { .. } => Ok(()),
            }
        })();
        result.map_err(|e: FeeError| {
            e.or_path(|| format!("units[{}].{}", self.context.unit_id(u), item.code))
        })
    }

    /// The exact charge of the area or fixed `item` to the estate's unit `u` over
    /// `span`, whose statuses are `status`, and its explanation (`ByStatus` when the
    /// status changed within the span).
    fn charge(
        &self,
        item: &FeeItem,
        u: usize,
        span: &Span,
        status: StatusDays,
    ) -> Result<(Fraction, Explanation), FeeError> {
        let (estate, path) = (self.context.estate(), "");
        let unit = &self.context.units()[u];
        // The charge at 100 % with its terms set below.
        let (base, mut e) = match &item.rule {
            Rule::Area { basis, .. } => {
                let area = match basis {
                    AreaBasis::Gross => unit.gross_area,
                    AreaBasis::Internal => estate.units()[u].area(true),
                };
                let rate = item.rate_for(unit.kind);
                let e = Explanation::Area {
                    area,
                    basis: *basis,
                    rate,
                    months: span.months,
                    served_days: span.served,
                    period_days: span.days,
                    factor: Decimal::ONE,
                    year_days: None,
                    area_unit: estate.area_unit(),
                };
                (
                    mul(mul(area, rate, path)?, Decimal::from(span.months), path)?,
                    e,
                )
            }
            Rule::Fixed { amount } => {
                let e = Explanation::Fixed {
                    amount: *amount,
                    served_days: span.served,
                    period_days: span.days,
                    factor: Decimal::ONE,
                    year_days: None,
                };
                (*amount, e)
            }
            _ => {
                return Err(FeeError::value(
                    "unsupported_rule",
                    "rule",
                    "not an area or fixed rule",
                ));
            }
        };
        Ok(match status {
            StatusDays::Whole(status) => {
                let (f, y) = (item.status_factor(status), year_days(item, span));
                if let Explanation::Area {
                    factor, year_days, ..
                }
                | Explanation::Fixed {
                    factor, year_days, ..
                } = &mut e
                {
                    (*factor, *year_days) = (f, y);
                }
                (prorated(base, span, f, y, path)?, e)
            }
            StatusDays::Parts(parts) => {
                // The whole span at 100 %, then each status's days at its factor.
                if let Explanation::Area { served_days, .. }
                | Explanation::Fixed { served_days, .. } = &mut e
                {
                    *served_days = span.days;
                }
                let value = by_status(base, &parts, span.days, path)?;
                let e = Explanation::ByStatus {
                    charge: Box::new(e),
                    period_days: span.days,
                    parts,
                };
                (value, e)
            }
        })
    }

    /// Adds the line of the area or fixed `item` for the estate's unit `u` when the
    /// unit was delivered on or after the run's `since` date and before the period
    /// and the item bills it earlier parts: one line from the delivery, each billing
    /// period's part priced by the version in force then, rounded by the estate's
    /// `round` policy. `false` when there is no such line (the usual line follows).
    #[inline(never)]
    fn spanning_line(
        &self,
        item: &FeeItem,
        item_idx: u16,
        u: usize,
        b: &mut RunBuilder,
    ) -> Result<bool, FeeError> {
        let unit = &self.context.units()[u];
        let (Some(since), Some(delivered)) = (self.since, unit.delivered_on) else {
            return Ok(false);
        };
        let back = &self.back[usize::from(item_idx)];
        if delivered < since || delivered >= self.period.start || back.is_empty() {
            return Ok(false);
        }
        let Some(current) =
            b.spans[usize::from(item_idx)].and_then(|s| s.for_unit(item, Some(delivered)))
        else {
            return Ok(false);
        };
        let mut parts = Vec::new();
        let mut exact = Vec::new();
        for p in back {
            if !p.item.applies_to(unit.kind, unit.status) {
                continue;
            }
            if let Some(span) = p.span.for_unit(p.item, Some(delivered)) {
                let (part, f) = self.part(p.item, u, &span)?;
                parts.push(part);
                exact.push(f);
            }
        }
        if parts.is_empty() {
            return Ok(false);
        }
        let (part, f) = self.part(item, u, &current)?;
        parts.push(part);
        exact.push(f);
        let path = "";
        let amount = match self.round {
            ChargeRounding::PerMonth => {
                let mut sum = Decimal::ZERO;
                for p in &parts {
                    sum = add(sum, p.amount, path)?;
                }
                sum
            }
            ChargeRounding::PerLine => self.policy.round(Fraction::sum(&exact, path)?.value(path)?),
        };
        let e = Explanation::Spanning {
            round: self.round,
            parts,
        };
        b.push_other(amount, item_idx, e)?;
        Ok(true)
    }

    /// One billing period's part of a spanning charge, its amount rounded
    /// (`per_month`) or exact (`per_line`), and its exact value.
    fn part(
        &self,
        item: &FeeItem,
        u: usize,
        span: &Span,
    ) -> Result<(SpanPart, Fraction), FeeError> {
        let (path, status) = ("", self.status_days(item, u, span));
        let (exact, charge) = self.charge(item, u, span, status)?;
        let value = exact.value(path)?;
        let part = SpanPart {
            start: span.start,
            end: span.end,
            amount: match self.round {
                ChargeRounding::PerMonth => self.policy.round(value),
                // Exact, without trailing zeros beyond the estate's scale.
                ChargeRounding::PerLine if value.scale() > self.policy.scale() => {
                    let mut v = value.normalize();
                    if v.scale() < self.policy.scale() {
                        v.rescale(self.policy.scale());
                    }
                    v
                }
                ChargeRounding::PerLine => value,
            },
            charge,
        };
        Ok((part, exact))
    }

    /// The lines of a metered `item` for the estate's unit `u`: one per meter of its
    /// kind, in the months of the item's frequency. Kept out of line: `unit_line`
    /// stays small enough to be inlined into the run's loop.
    #[inline(never)]
    fn metered_lines(
        &self,
        item: &FeeItem,
        item_idx: u16,
        u: usize,
        b: &mut RunBuilder,
    ) -> Result<(), FeeError> {
        let Rule::Metered {
            meter_kind,
            tiers,
            kind_tiers,
            tier_basis,
            reference_days,
            year_start_month,
        } = &item.rule
        else {
            return Ok(());
        };
        // Billed in the months of its frequency only.
        let Some(span) = b.spans[usize::from(item_idx)] else {
            return Ok(());
        };
        let unit = &self.context.units()[u];
        let tiers = kind_tiers
            .iter()
            .find(|k| k.kind == unit.kind)
            .map_or(tiers.as_slice(), |k| k.tiers.as_slice());
        // A quarterly or yearly bill covers the readings since the previous billing
        // month's.
        let window;
        let period = if span.months > 1 {
            window = BillingPeriod {
                start: readings_from(self.period.start, span.months).unwrap_or(self.period.start),
                end: self.period.end,
            };
            &window
        } else {
            self.period
        };
        let year = match (tier_basis, year_start_month) {
            (TierBasis::Year, Some(first)) => Some(
                tier_year(item, self.period.start, *first, span.months).ok_or_else(|| {
                    FeeError::value(
                        "out_of_range",
                        "year_start_month",
                        "the tier year is outside the calendar",
                    )
                })?,
            ),
            _ => None,
        };
        for meter in self
            .context
            .estate()
            .meters_at(u)
            .filter(|m| m.kind == *meter_kind)
        {
            let m = self.readings.consumption(meter, period)?;
            // Usual case: a plain pair of real readings priced by the period's tiers,
            // kept compact (the blocks are priced again when a bill is materialized).
            // (The arms below: per-day tiers with reference days, a tier year, else
            // the period's tiers.)
            let per_day = *tier_basis == TierBasis::PerDay && reference_days.is_some();
            if !per_day
                && year.is_none()
                && m.change.is_none()
                && m.estimate.is_none()
                && !m.current.estimated
                && !m.previous.estimated
                && (m.used.is_zero() || !m.used.is_sign_negative())
            {
                let params = b.metered_params(item_idx, tiers, *meter_kind, meter.multiplier)?;
                let (previous, current) = (m.previous.value, m.current.value);
                if let Some(minor) = b.metered_cost_minor(params, m.used, &self.policy) {
                    b.push_metered_minor(
                        minor, item_idx, params, &meter.id, previous, current, m.used,
                    )?;
                    continue;
                }
                let cost = tiered_walk(m.used, tiers, "tiers", |_| {})?;
                let amount = self.policy.round(cost);
                if b.push_metered(
                    amount, item_idx, params, &meter.id, previous, current, m.used,
                )? {
                    continue;
                }
            }
            let (cost, uses, tier_year) = match (tier_basis, reference_days, year) {
                (TierBasis::PerDay, Some(reference), _) => {
                    let days = (m.current.date - m.previous.date).num_days();
                    let (c, u) = priced(m.used, &scaled(tiers, days, *reference, "")?)?;
                    (c, u, None)
                }
                (_, _, Some((start, cutoff))) => {
                    let to_date = self
                        .readings
                        .year_to_date(meter, start, cutoff, &m.previous)?;
                    let (c, u) = priced_in_year(to_date, m.used, tiers)?;
                    (c, u, Some(TierYear { start, to_date }))
                }
                _ => {
                    let (c, u) = priced(m.used, tiers)?;
                    (c, u, None)
                }
            };
            let e = Explanation::Metered(Box::new(MeteredExplanation {
                meter_id: meter.id.clone(),
                meter_kind: *meter_kind,
                previous: m.previous.value,
                current: m.current.value,
                multiplier: meter.multiplier,
                change: m.change,
                consumption: m.used,
                tiers: uses,
                estimated: m.current.estimated,
                previous_estimated: m.previous.estimated,
                estimate: m.estimate,
                tier_year,
            }));
            b.push_other(self.policy.round(cost), item_idx, e)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fees::schedule::FeeSchedule;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn management() -> FeeItem {
        FeeSchedule::demo().items()[0].clone()
    }

    #[test]
    fn an_item_bills_in_the_months_of_its_frequency() {
        let october = BillingPeriod::month(2026, 10).expect("period");
        let november = BillingPeriod::month(2026, 11).expect("period");
        let mut item = management();
        let monthly = ItemSpan::new(&item, &october).expect("billed");
        assert_eq!((monthly.months, monthly.days, monthly.served), (1, 31, 31));
        item.frequency = Frequency::Quarterly;
        let quarter = ItemSpan::new(&item, &october).expect("October opens a quarter");
        assert_eq!(
            (quarter.months, quarter.end, quarter.days),
            (3, day("2026-12-31"), 92)
        );
        assert!(ItemSpan::new(&item, &november).is_none());
    }

    #[test]
    fn a_unit_delivered_in_the_period_is_served_from_then() {
        let item = management();
        let october = BillingPeriod::month(2026, 10).expect("period");
        let span = ItemSpan::new(&item, &october).expect("billed");
        let whole = span
            .for_unit(&item, Some(day("2025-01-01")))
            .expect("served");
        assert_eq!((whole.served, whole.days), (31, 31));
        let part = span
            .for_unit(&item, Some(day("2026-10-20")))
            .expect("served");
        assert_eq!((part.served, part.days), (12, 31));
        assert!(span.for_unit(&item, Some(day("2026-11-01"))).is_none());
        let base = Decimal::new(33115, 2);
        assert_eq!(
            prorated(base, &part, Decimal::ONE, None, "").and_then(|f| f.value("")),
            Ok("128.18709677419354838709677419".parse().expect("d"))
        );
    }

    #[test]
    fn a_tier_year_and_the_readings_of_its_first_bill() {
        let mut item = management();
        // Monthly, from July: a January bill is in the tier year from the last July.
        assert_eq!(
            tier_year(&item, day("2027-01-01"), 7, 1),
            Some((day("2026-07-01"), day("2026-07-01")))
        );
        assert_eq!(
            tier_year(&item, day("2026-07-01"), 7, 1),
            Some((day("2026-07-01"), day("2026-07-01")))
        );
        // Quarterly from January: the year's first bill (January) reads from November.
        item.frequency = Frequency::Quarterly;
        assert_eq!(
            tier_year(&item, day("2026-10-01"), 1, 3),
            Some((day("2026-01-01"), day("2025-11-01")))
        );
        // Quarterly from February: the first bill is April's, reading from February.
        assert_eq!(
            tier_year(&item, day("2026-04-01"), 2, 3),
            Some((day("2026-02-01"), day("2026-02-01")))
        );
        item.frequency = Frequency::Yearly;
        assert_eq!(
            tier_year(&item, day("2026-01-01"), 1, 12),
            Some((day("2026-01-01"), day("2025-02-01")))
        );
        assert_eq!(readings_from(day("2026-01-01"), 1), Some(day("2026-01-01")));
        assert_eq!(readings_from(day("2026-01-01"), 0), Some(day("2026-01-01")));
    }

    #[test]
    fn a_negative_consumption_in_a_tier_year_is_credited_from_its_blocks() {
        let d = |s: &str| s.parse::<Decimal>().expect("d");
        let tiers = [
            Tier {
                up_to: Some(d("180")),
                price: d("5.00"),
            },
            Tier {
                up_to: None,
                price: d("7.00"),
            },
        ];
        // 190 so far, −20 (a true-up): 10 at 7.00 and 10 at 5.00 back.
        let (cost, uses) = priced_in_year(d("190"), d("-20"), &tiers).expect("priced");
        assert_eq!(cost, d("-120.00"));
        assert_eq!(
            uses.iter().map(|u| u.quantity).collect::<Vec<_>>(),
            [d("-10"), d("-10")]
        );
        // Below the year's start, the first price.
        let (cost, _) = priced_in_year(d("5"), d("-10"), &tiers).expect("priced");
        assert_eq!(cost, d("-50.00"));
    }

    #[test]
    fn a_negative_consumption_is_credited_from_the_first_tier() {
        let tiers = [
            Tier {
                up_to: Some(Decimal::from(15)),
                price: "3.45".parse().expect("d"),
            },
            Tier {
                up_to: None,
                price: "4.83".parse().expect("d"),
            },
        ];
        let (cost, uses) = priced(Decimal::from(-20), &tiers).expect("priced");
        assert_eq!(cost, "-75.90".parse::<Decimal>().expect("d"));
        assert_eq!(
            uses.iter()
                .map(|u| (u.quantity, u.amount))
                .collect::<Vec<_>>(),
            [
                (Decimal::from(-15), "-51.75".parse().expect("d")),
                (Decimal::from(-5), "-24.15".parse().expect("d"))
            ]
        );
        assert_eq!(
            priced(Decimal::from(20), &tiers).expect("priced").0,
            "75.90".parse::<Decimal>().expect("d")
        );
    }
}
