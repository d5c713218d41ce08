//! The run being built: its lines (compact where they fit), the tables they share,
//! and the running totals, checked.

use rust_decimal::Decimal;

use crate::estate::{MeterKind, UnitKind, UnitStatus};
use crate::fees::FeeError;
use crate::fees::calc::{IntTiers, Tier, validate_tiers};
use crate::fees::schedule::{FeeItem, Rule};
use crate::money::{self, MoneyError, Pow10Rounder, RoundingPolicy};

use super::explain::Explanation;
use super::run::{AreaParams, Kind, Line, MeteredParams, MeteredRec, compact_value, index_u32};
use super::unit_lines::{ItemSpan, Span};

/// An overflow of a total, naming `total`.
#[cold]
pub(super) fn total_overflow(context: &str) -> FeeError {
    FeeError::Money {
        path: "total".into(),
        source: MoneyError::Overflow {
            context: context.into(),
        },
    }
}

/// The lines of a run being built, and the tables they refer to.
pub(super) struct RunBuilder {
    /// The scale of compact line amounts.
    pub(super) scale: u32,
    /// Per item in force: what it bills this period.
    pub(super) spans: Vec<Option<ItemSpan>>,
    pub(super) lines: Vec<Line>,
    pub(super) area_params: Vec<AreaParams>,
    /// `(item, kind, status, served days) → area_params` index, for the
    /// combinations seen so far.
    pub(super) area_cache: Vec<(u16, UnitKind, UnitStatus, i64, u32)>,
    pub(super) others: Vec<(Decimal, Explanation)>,
    /// Compact metered lines, what they share, and their meter ids.
    pub(super) metered: Vec<MeteredRec>,
    pub(super) metered_params: Vec<MeteredParams>,
    pub(super) meter_ids: String,
    /// `(item, address of its tier table, meter kind, multiplier) → metered_params`
    /// index, for the combinations seen so far (the schedule is borrowed for the whole
    /// run, so a tier table's address names it).
    metered_cache: Vec<(u16, usize, MeterKind, Decimal, u32)>,
    /// The integer form of each entry of `metered_params`' tiers (`None` when their
    /// scales are beyond the integer path).
    int_tiers: Vec<Option<IntTiers>>,
    /// Sum of the bills made of compact lines only, in minor units (below 2^127:
    /// fewer than 2^64 lines below 2^63).
    pub(super) compact_minor: i128,
    /// Sum of the other bills (each in `odd_totals`).
    pub(super) odd_total: Decimal,
    pub(super) odd_totals: Vec<(u32, Decimal)>,
    /// Rounding to the run's scale from `scale + exp`, by `exp` (1 to 19).
    pub(super) rounders: [Option<Pow10Rounder>; 20],
}

impl RunBuilder {
    /// An empty run at `policy`'s scale, with what each item in force bills this
    /// period and room for `lines` lines.
    pub(super) fn new(policy: &RoundingPolicy, spans: Vec<Option<ItemSpan>>, lines: usize) -> Self {
        Self {
            scale: policy.scale(),
            spans,
            lines: Vec::with_capacity(lines),
            area_params: Vec::new(),
            area_cache: Vec::new(),
            others: Vec::new(),
            metered: Vec::new(),
            metered_params: Vec::new(),
            meter_ids: String::new(),
            metered_cache: Vec::new(),
            int_tiers: Vec::new(),
            compact_minor: 0,
            odd_total: Decimal::ZERO,
            odd_totals: Vec::new(),
            rounders: std::array::from_fn(|exp| Pow10Rounder::new(exp as u32, policy.mode())),
        }
    }

    /// The amount of a line of this run.
    pub(super) fn amount(&self, l: &Line) -> Decimal {
        match l.kind {
            Kind::Other | Kind::OtherAdjusted => self.others[l.idx as usize].0,
            _ => Decimal::new(l.minor, self.scale),
        }
    }

    /// `a × c × 10^-scale` rounded to minor units of the run's scale, in 64-bit
    /// integers; `None` when an intermediate does not fit (the decimal path then runs).
    #[inline]
    pub(super) fn area_minor(&self, a: u64, c: u64, scale: u32) -> Option<i64> {
        let v = a.checked_mul(c)?;
        let q = match scale.checked_sub(self.scale)? {
            0 => v,
            exp => self.rounders.get(exp as usize)?.as_ref()?.round(v)?,
        };
        i64::try_from(q).ok()
    }

    /// Adds a line of `minor` units of the run's scale, compact when `value` fits
    /// (always, in practice), else with `explain()` in `others`.
    #[inline]
    pub(super) fn push_minor(
        &mut self,
        minor: i64,
        value: Decimal,
        item: u16,
        kind: Kind,
        idx: u32,
        explain: impl FnOnce() -> Explanation,
    ) -> Result<(), FeeError> {
        match compact_value(value) {
            Some((value, value_scale)) if kind != Kind::Other => {
                self.lines.push(Line {
                    minor,
                    value,
                    idx,
                    item,
                    kind,
                    value_scale,
                });
                Ok(())
            }
            _ => {
                self.push_other(Decimal::new(minor, self.scale), item, explain())?;
                self.keep_adjusted(kind);
                Ok(())
            }
        }
    }

    /// Adds a line kept whole with its explanation `e`, marked adjusted when `kind`
    /// is [`Kind::PooledAdjusted`].
    pub(super) fn push_whole(
        &mut self,
        amount: Decimal,
        item: u16,
        kind: Kind,
        e: Explanation,
    ) -> Result<(), FeeError> {
        self.push_other(amount, item, e)?;
        self.keep_adjusted(kind);
        Ok(())
    }

    /// Marks the line just kept whole as a pooled share that received a minor unit,
    /// when `kind` says so (so that [`BillingRun::adjusted_units`] lists its unit).
    fn keep_adjusted(&mut self, kind: Kind) {
        if kind == Kind::PooledAdjusted
            && let Some(l) = self.lines.last_mut()
        {
            l.kind = Kind::OtherAdjusted;
        }
    }

    /// Adds a line: compact when the amount is in minor units of the run's scale
    /// that fit 64 bits (always, in practice), else with `explain()` in `others`.
    #[inline]
    pub(super) fn push(
        &mut self,
        amount: Decimal,
        value: Decimal,
        item: u16,
        kind: Kind,
        idx: u32,
        explain: impl FnOnce() -> Explanation,
    ) -> Result<(), FeeError> {
        let minor = (amount.scale() == self.scale)
            .then(|| i64::try_from(amount.mantissa()).ok())
            .flatten()
            // A negative zero would come back positive: kept whole instead.
            .filter(|&m| m != 0 || !amount.is_sign_negative());
        match minor {
            Some(minor) if kind != Kind::Other => {
                self.push_minor(minor, value, item, kind, idx, explain)
            }
            _ => {
                self.push_other(amount, item, explain())?;
                self.keep_adjusted(kind);
                Ok(())
            }
        }
    }

    /// The index of the parameters of compact metered lines of `item` priced with
    /// `tiers` (checked the first time, as pricing a line checks them) on a meter of
    /// `kind` with `multiplier`.
    pub(super) fn metered_params(
        &mut self,
        item: u16,
        tiers: &[Tier],
        kind: MeterKind,
        multiplier: Decimal,
    ) -> Result<u32, FeeError> {
        let key = (item, tiers.as_ptr() as usize, kind, multiplier);
        if let Some(i) = self.cached_metered(key) {
            return Ok(i);
        }
        validate_tiers(tiers, "tiers")?;
        let idx = index_u32(self.metered_params.len(), "metered parameters")?;
        self.metered_params.push(MeteredParams {
            meter_kind: kind,
            multiplier,
            tiers: tiers.to_vec(),
        });
        self.metered_cache.push((key.0, key.1, key.2, key.3, idx));
        self.int_tiers.push(IntTiers::new(tiers));
        Ok(idx)
    }

    /// The cost of `used` under the tiers of parameters `params` (from
    /// [`Self::metered_params`]), rounded with `policy`, in minor units, by the integer
    /// path; `None` where that path does not answer (see [`IntTiers::cost_minor`]).
    #[inline]
    pub(super) fn metered_cost_minor(
        &self,
        params: u32,
        used: Decimal,
        policy: &RoundingPolicy,
    ) -> Option<i64> {
        self.int_tiers
            .get(params as usize)
            .expect("parameters come from metered_params, which adds their integer tiers")
            .as_ref()?
            .cost_minor(used, policy)
    }

    /// Adds a metered line compact when its amount is in minor units of the run's
    /// scale that fit 64 bits (always, in practice): its readings, consumption and
    /// meter id, with the parameters `params`. `false` when it does not fit (the caller
    /// keeps the line whole).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_metered(
        &mut self,
        amount: Decimal,
        item: u16,
        params: u32,
        meter_id: &str,
        previous: Decimal,
        current: Decimal,
        used: Decimal,
    ) -> Result<bool, FeeError> {
        let Some(minor) = (amount.scale() == self.scale)
            .then(|| i64::try_from(amount.mantissa()).ok())
            .flatten()
            .filter(|&m| m != 0 || !amount.is_sign_negative())
        else {
            return Ok(false);
        };
        self.push_metered_minor(minor, item, params, meter_id, previous, current, used)?;
        Ok(true)
    }

    /// [`Self::push_metered`] of an amount of `minor` minor units of the run's scale.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn push_metered_minor(
        &mut self,
        minor: i64,
        item: u16,
        params: u32,
        meter_id: &str,
        previous: Decimal,
        current: Decimal,
        used: Decimal,
    ) -> Result<(), FeeError> {
        let idx = index_u32(self.metered.len(), "metered lines")?;
        let id_start = index_u32(self.meter_ids.len(), "meter id bytes")?;
        self.meter_ids.push_str(meter_id);
        let id_end = index_u32(self.meter_ids.len(), "meter id bytes")?;
        self.metered.push(MeteredRec {
            previous,
            current,
            used,
            id_start,
            id_end,
            params,
        });
        self.lines.push(Line {
            minor,
            value: 0,
            idx,
            item,
            kind: Kind::Metered,
            value_scale: 0,
        });
        Ok(())
    }

    /// Adds a line whose amount and explanation are kept whole.
    pub(super) fn push_other(
        &mut self,
        amount: Decimal,
        item: u16,
        e: Explanation,
    ) -> Result<(), FeeError> {
        let idx = index_u32(self.others.len(), "explanations")?;
        self.others.push((amount, e));
        self.lines.push(Line {
            minor: 0,
            value: 0,
            idx,
            item,
            kind: Kind::Other,
            value_scale: 0,
        });
        Ok(())
    }

    /// Ends bill number `bill`, whose lines start at `start` (and its explanations
    /// kept whole at `others_start`): adds its total to the run's, and records it when
    /// the bill has a line kept whole.
    #[inline(always)]
    pub(super) fn finish_bill(
        &mut self,
        start: usize,
        others_start: usize,
        bill: usize,
    ) -> Result<(), FeeError> {
        if self.others.len() == others_start {
            for l in &self.lines[start..] {
                self.compact_minor += i128::from(l.minor);
            }
            return Ok(());
        }
        let total = self.odd_bill_total(start)?;
        self.odd_total = money::sum(&[self.odd_total, total])
            .map_err(|_| total_overflow("the run total does not fit a decimal"))?;
        self.odd_totals.push((index_u32(bill, "bills")?, total));
        Ok(())
    }

    /// The exact total of a bill with a line kept whole.
    fn odd_bill_total(&self, start: usize) -> Result<Decimal, FeeError> {
        let amounts: Vec<Decimal> = self.lines[start..].iter().map(|l| self.amount(l)).collect();
        money::sum(&amounts).map_err(|_| total_overflow("a bill total does not fit a decimal"))
    }

    /// The run total: every bill's, checked.
    pub(super) fn total(&self) -> Result<Decimal, FeeError> {
        Decimal::try_from_i128_with_scale(self.compact_minor, self.scale)
            .ok()
            .and_then(|t| money::sum(&[t, self.odd_total]).ok())
            .ok_or_else(|| total_overflow("the run total does not fit a decimal"))
    }

    /// The index of the area parameters already made for `(item, kind, status,
    /// served)` over `months` and `days`, if any.
    fn cached_area(
        &self,
        key: (u16, UnitKind, UnitStatus, i64),
        months: u32,
        days: i64,
    ) -> Option<u32> {
        self.area_cache
            .iter()
            .filter(|&&(it, k, st, sv, _)| (it, k, st, sv) == key)
            .map(|&(.., i)| i)
            .find(|&i| {
                let p = &self.area_params[i as usize];
                p.months == months && p.days == days
            })
    }

    /// The index of the metered parameters already made for `(item, tier table,
    /// kind, multiplier)`, if any.
    fn cached_metered(&self, key: (u16, usize, MeterKind, Decimal)) -> Option<u32> {
        self.metered_cache
            .iter()
            .find(|c| (c.0, c.1, c.2, c.3) == key)
            .map(|c| c.4)
    }

    /// Appends the lines of `part` (built by [`Self::new`] with the same policy and
    /// spans, for the units after this builder's), its bills numbered from `bill`:
    /// the shared tables are merged (an entry `part` shares with this builder is
    /// kept once, new ones are added in `part`'s order), so the result is what one
    /// builder over both ranges of units would hold.
    pub(super) fn append(&mut self, part: RunBuilder, bill: u32) -> Result<(), FeeError> {
        let area: Vec<u32> = part
            .area_cache
            .iter()
            .map(|&(item, kind, status, served, i)| {
                let p = part.area_params[i as usize];
                if let Some(j) = self.cached_area((item, kind, status, served), p.months, p.days) {
                    return Ok(j);
                }
                let j = index_u32(self.area_params.len(), "area parameters")?;
                self.area_params.push(p);
                self.area_cache.push((item, kind, status, served, j));
                Ok(j)
            })
            .collect::<Result<_, FeeError>>()?;
        // `area_cache` lists the part's parameters in the order they were made.
        let mut area_of = vec![0u32; part.area_params.len()];
        for (&(.., i), &j) in part.area_cache.iter().zip(&area) {
            area_of[i as usize] = j;
        }
        let mut metered_of = vec![0u32; part.metered_params.len()];
        let mut int_tiers = part.int_tiers.into_iter();
        let mut params = part.metered_params.into_iter();
        for (item, tiers, kind, multiplier, i) in part.metered_cache {
            let (p, t) = (
                params.next().expect("one parameter entry per cache entry"),
                int_tiers
                    .next()
                    .expect("one integer form per parameter entry"),
            );
            let key = (item, tiers, kind, multiplier);
            metered_of[i as usize] = match self.cached_metered(key) {
                Some(j) => j,
                None => {
                    let j = index_u32(self.metered_params.len(), "metered parameters")?;
                    self.metered_params.push(p);
                    self.int_tiers.push(t);
                    self.metered_cache.push((item, tiers, kind, multiplier, j));
                    j
                }
            };
        }
        let metered_base = index_u32(self.metered.len(), "metered lines")?;
        let others_base = index_u32(self.others.len(), "explanations")?;
        let id_base = index_u32(self.meter_ids.len(), "meter id bytes")?;
        index_u32(
            self.meter_ids.len() + part.meter_ids.len(),
            "meter id bytes",
        )?;
        index_u32(self.others.len() + part.others.len(), "explanations")?;
        index_u32(self.metered.len() + part.metered.len(), "metered lines")?;
        self.lines.extend(part.lines.into_iter().map(|mut l| {
            l.idx = match l.kind {
                Kind::Area => area_of[l.idx as usize],
                Kind::Metered => metered_base + l.idx,
                Kind::Other | Kind::OtherAdjusted => others_base + l.idx,
                Kind::Pooled | Kind::PooledAdjusted => l.idx,
            };
            l
        }));
        self.metered.extend(part.metered.into_iter().map(|mut m| {
            m.id_start += id_base;
            m.id_end += id_base;
            m.params = metered_of[m.params as usize];
            m
        }));
        self.meter_ids.push_str(&part.meter_ids);
        self.others.extend(part.others);
        self.compact_minor = self
            .compact_minor
            .checked_add(part.compact_minor)
            .ok_or_else(|| total_overflow("the run total does not fit a decimal"))?;
        self.odd_total = money::sum(&[self.odd_total, part.odd_total])
            .map_err(|_| total_overflow("the run total does not fit a decimal"))?;
        for (b, total) in part.odd_totals {
            self.odd_totals.push((
                bill.checked_add(b).ok_or_else(|| total_overflow("bills"))?,
                total,
            ));
        }
        Ok(())
    }

    /// The index of the area parameters of `item` for a unit of `kind` and `status`
    /// served `span`.
    pub(super) fn area_params(
        &mut self,
        item_idx: u16,
        item: &FeeItem,
        kind: UnitKind,
        status: UnitStatus,
        span: &Span,
    ) -> Result<u32, FeeError> {
        let key = (item_idx, kind, status, span.served);
        if let Some(i) = self.cached_area(key, span.months, span.days) {
            return Ok(i);
        }
        let Rule::Area {
            rate,
            kind_rates,
            basis,
        } = &item.rule
        else {
            return Err(FeeError::value(
                "unsupported_rule",
                "rule",
                "not an area rule",
            ));
        };
        let rate = kind_rates
            .iter()
            .find(|k| k.kind == kind)
            .map_or(*rate, |k| k.rate);
        let factor = item.status_factor(status);
        let coefficient = [rate, Decimal::from(span.months), factor]
            .iter()
            .try_fold((1i128, 0u32), |(m, s), f| {
                Some((m.checked_mul(f.mantissa())?, s.checked_add(f.scale())?))
            })
            .and_then(|(m, s)| Some((u64::try_from(m).ok()?, s)));
        let i = index_u32(self.area_params.len(), "area parameters")?;
        self.area_params.push(AreaParams {
            basis: *basis,
            rate,
            months: span.months,
            year_days: super::unit_lines::year_days(item, span),
            served: span.served,
            days: span.days,
            factor,
            coefficient,
        });
        self.area_cache
            .push((item_idx, kind, status, span.served, i));
        Ok(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> RunBuilder {
        RunBuilder::new(&RoundingPolicy::default(), Vec::new(), 4)
    }

    fn fixed(amount: Decimal) -> Explanation {
        Explanation::Fixed {
            amount,
            served_days: 31,
            period_days: 31,
            factor: Decimal::ONE,
            year_days: None,
        }
    }

    #[test]
    fn amounts_in_minor_units_are_compact_others_kept_whole() {
        let mut b = builder();
        let area = Decimal::new(8950, 2);
        b.push(Decimal::new(33115, 2), area, 0, Kind::Area, 0, || {
            fixed(Decimal::ONE)
        })
        .expect("pushed");
        // Three places at a scale of two, and a negative zero: kept whole.
        b.push(Decimal::new(1005, 3), area, 0, Kind::Area, 0, || {
            fixed(Decimal::ONE)
        })
        .expect("pushed");
        let mut minus_zero = Decimal::new(0, 2);
        minus_zero.set_sign_negative(true);
        b.push(minus_zero, area, 1, Kind::PooledAdjusted, 0, || {
            fixed(Decimal::ONE)
        })
        .expect("pushed");
        let kinds: Vec<Kind> = b.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [Kind::Area, Kind::Other, Kind::OtherAdjusted]);
        assert_eq!(b.amount(&b.lines[0]), Decimal::new(33115, 2));
        assert_eq!(b.amount(&b.lines[1]), Decimal::new(1005, 3));
        assert!(b.amount(&b.lines[2]).is_sign_negative());
        b.finish_bill(0, 0, 0).expect("finished");
        assert_eq!(b.odd_totals, [(0, Decimal::new(332155, 3))]);
        assert_eq!(b.total(), Ok(Decimal::new(332155, 3)));
    }

    #[test]
    fn a_compact_bill_adds_minor_units() {
        let mut b = builder();
        for minor in [100, 250, -50] {
            b.push_minor(minor, Decimal::ONE, 0, Kind::Pooled, 0, || {
                fixed(Decimal::ONE)
            })
            .expect("pushed");
        }
        b.finish_bill(0, 0, 0).expect("finished");
        assert!(b.odd_totals.is_empty());
        assert_eq!(b.total(), Ok(Decimal::new(300, 2)));
    }

    #[test]
    fn area_minor_rounds_with_the_policy() {
        let b = builder();
        // 89.50 × 3.70 = 331.1500 (scale 4): 33115 minor units.
        assert_eq!(b.area_minor(8950, 370, 4), Some(33115));
        // 0.005 at scale 3 rounds half up to 0.01.
        assert_eq!(b.area_minor(5, 1, 3), Some(1));
        // A product beyond 64 bits goes the decimal way.
        assert_eq!(b.area_minor(u64::MAX, 2, 4), None);
        assert_eq!(b.area_minor(1, 1, 1), None);
    }
}
