//! The lines of a pooled (公摊) item: its source amount, deduction and admin fee, the
//! participants and their weights by the rules of [`crate::fees::pooled`], and the
//! exact split whose shares become the participants' lines.

use rust_decimal::Decimal;

use crate::estate::MeterKind;
use crate::fees::pooled;
use crate::fees::schedule::{FeeItem, Participants, PooledSource, Rule};
use crate::fees::{FeeError, add, add_weight, mul};
use crate::money;

use super::builder::RunBuilder;
use super::explain::{Explanation, ProratedWeight};
use super::inputs::BillingInputs;
use super::run::{Kind, PoolParams, PoolSummary};
use super::scope;
use super::unit_lines::LineContext;

/// One pooled item's split: which units share, and each one's weight and amount.
pub(super) struct PoolShares {
    /// For each estate unit, its position among the members (`u32::MAX`: not a member).
    member_of: Vec<u32>,
    /// Per member, its pool: an index into `params` (empty: every member in pool 0).
    pool_of: Vec<u32>,
    weights: Vec<Decimal>,
    amounts: money::Parts,
    adjusted: Vec<bool>,
    /// Per member, how its weight was prorated by days (empty unless
    /// `occupied_day_fraction`): such a share keeps its explanation whole.
    prorated: Vec<Option<ProratedWeight>>,
    /// Per pool (the estate's, or each building's or group's), in the order of the
    /// run's pool summaries of the item.
    pub(super) params: Vec<PoolParams>,
    scale: u32,
}

impl PoolShares {
    /// The member index of the estate's unit `unit`, if it shares.
    #[inline]
    fn member(&self, unit: usize) -> Option<usize> {
        match self.member_of.get(unit) {
            Some(&m) if m != u32::MAX => Some(m as usize),
            _ => None,
        }
    }

    /// The pool of member `m` (an index into `params`).
    #[inline]
    fn pool(&self, m: usize) -> usize {
        self.pool_of.get(m).map_or(0, |&g| g as usize)
    }

    /// The pool (an index among the item's pools) and the share of the estate's unit
    /// `unit`, if it shares.
    pub(super) fn share(&self, unit: usize) -> Option<(usize, Decimal)> {
        let m = self.member(unit)?;
        let amount = match &self.amounts {
            money::Parts::Minor(v) => Decimal::new(v[m], self.scale),
            money::Parts::Wide(v) => v[m],
        };
        Some((self.pool(m), amount))
    }

    /// Adds the line of the estate's unit `unit` for item `item`, if it shares.
    #[inline]
    pub(super) fn push_share(
        &self,
        unit: usize,
        item: u16,
        b: &mut RunBuilder,
    ) -> Result<(), FeeError> {
        let Some(m) = self.member(unit) else {
            return Ok(());
        };
        let g = self.pool(m);
        let params = &self.params[g];
        let (weight, adjusted) = (self.weights[m], self.adjusted[m]);
        let kind = if adjusted {
            Kind::PooledAdjusted
        } else {
            Kind::Pooled
        };
        if let Some(&Some(p)) = self.prorated.get(m) {
            let mut e = params.explain(weight, adjusted);
            if let Explanation::Pooled { prorated, .. } = &mut e {
                *prorated = Some(Box::new(p));
            }
            let amount = match &self.amounts {
                money::Parts::Minor(v) => Decimal::new(v[m], b.scale),
                money::Parts::Wide(v) => v[m],
            };
            return b.push_whole(amount, item, kind, e);
        }
        let explain = || params.explain(weight, adjusted);
        // A compact pooled line's `idx` is its pool among the item's.
        let g = g as u32;
        match &self.amounts {
            // Minor units of the policy's scale, which is the run's.
            money::Parts::Minor(v) => b.push_minor(v[m], weight, item, kind, g, explain),
            money::Parts::Wide(v) => b.push(v[m], weight, item, kind, g, explain),
        }
    }
}

/// Where one pool's amount comes from, and what it is.
struct PoolSource {
    amount: Decimal,
    consumption: Option<Decimal>,
    usage_kind: Option<MeterKind>,
}

/// The split of pooled item `item` (`None` for any other item): per pool (the
/// estate's, or each building's or group's, see
/// [`SplitBy`](crate::fees::schedule::SplitBy)), its source amount (given, or a
/// master meter's consumption priced), less the deduction, plus the admin fee, split
/// among its participants chosen by [`pooled::takes_part`] (and the item's
/// `buildings` and `units`, `mask`) with the weights of [`pooled`]'s rules, exactly.
/// `at` is the item's path in the schedule. One summary per pool, in pool order.
/// Members measured by one thread at least (fewer run on the caller's thread).
const MIN_MEMBERS_PER_THREAD: usize = 4096;

/// The metrics (hybrid methods) or weights (single-basis methods) of a range of
/// members, and the prorated weights among them by member index.
struct Measured {
    metrics: Vec<pooled::Metrics>,
    direct: Vec<Decimal>,
    prorated: Vec<(usize, ProratedWeight)>,
}

pub(super) fn bill_pooled(
    lines: &LineContext<'_>,
    item: &FeeItem,
    at: &str,
    mask: Option<&[bool]>,
    inputs: &BillingInputs,
) -> Result<Option<(Vec<PoolSummary>, PoolShares)>, FeeError> {
    let (estate, period, readings) = (lines.context.estate(), lines.period, lines.readings);
    let policy = &lines.policy;
    let Rule::Pooled {
        source,
        method,
        deduction,
        admin_fee,
        participants,
        occupied_day_fraction,
        meter_kind,
        split_by,
    } = &item.rule
    else {
        return Ok(None);
    };
    let groups = scope::pool_groups(estate, split_by, at)?;
    let grouped = groups.of_unit.is_some();

    // Participants, in estate order, with their pools.
    let units = lines.context.units();
    let mut member_of = vec![u32::MAX; units.len()];
    let mut member_units: Vec<usize> = Vec::with_capacity(units.len());
    let mut member_pool: Vec<u32> = Vec::new();
    let mut pool_size = vec![0usize; groups.ids.len()];
    for (u, unit) in units.iter().enumerate() {
        if !pooled::takes_part(
            *participants,
            &item.unit_kinds,
            &item.statuses,
            unit.kind,
            unit.status,
        ) || mask.is_some_and(|m| !m[u])
        {
            continue;
        }
        let g = groups.of(u);
        if g == u32::MAX {
            continue;
        }
        member_of[u] = u32::try_from(member_units.len()).map_err(|_| {
            FeeError::value(
                "too_many",
                format!("pooled[{}].participants", item.code),
                "more than 4 billion units",
            )
        })?;
        member_units.push(u);
        if grouped {
            member_pool.push(g);
        }
        pool_size[g as usize] += 1;
    }
    let members = member_units.len();

    // The pools billed: the estate's; each building with a participant or a source;
    // every group.
    let given = |id: Option<&str>| {
        inputs
            .pooled
            .iter()
            .find(|p| p.code == item.code && p.group.as_deref() == id)
    };
    let meters = match source {
        PooledSource::MasterMeter { meters, .. } => Some(meters),
        PooledSource::Given => None,
    };
    if groups.by_building
        && let Some((j, m)) = meters
            .into_iter()
            .flatten()
            .enumerate()
            .find(|(_, m)| estate.building_position(&m.group).is_none())
    {
        return Err(FeeError::Unknown {
            path: format!("{at}.rule.pooled.source.master_meter.meters[{j}].group"),
            what: "building",
            id: m.group.clone(),
        });
    }
    let meter_of = |id: &str| {
        meters
            .into_iter()
            .flatten()
            .find(|m| m.group == id)
            .map(|m| m.meter_id.as_str())
    };
    let active: Vec<usize> = (0..groups.ids.len())
        .filter(|&g| {
            let id = groups.ids[g].as_deref();
            !groups.by_building
                || pool_size[g] > 0
                || given(id).is_some()
                || id.is_some_and(|id| meter_of(id).is_some())
        })
        .collect();
    let mut active_of = vec![u32::MAX; groups.ids.len()];
    for (i, &g) in active.iter().enumerate() {
        // Fewer pools than buildings or groups, which fit u32 (checked above).
        active_of[g] = i as u32;
    }
    let pool_path = |id: Option<&str>| match id {
        None => format!("pooled[{}]", item.code),
        Some(id) => format!("pooled[{}@{id}]", item.code),
    };

    // Each pool's source.
    let mut sources = Vec::with_capacity(active.len());
    // With sub-meters subtracted per pool: the units of each pool.
    let mut pool_units: Vec<Vec<usize>> = Vec::new();
    for &g in &active {
        let id = groups.ids[g].as_deref();
        let path = pool_path(id);
        let found = match source {
            PooledSource::Given => {
                let amount = given(id)
                    .ok_or_else(|| FeeError::MissingPooledAmount {
                        path: path.clone(),
                        code: item.code.clone(),
                    })?
                    .amount;
                // Usage from the participants' own meters of the stated kind (required
                // by the schedule when the method weighs usage).
                PoolSource {
                    amount,
                    consumption: None,
                    usage_kind: meter_kind.filter(|_| method.uses_usage()),
                }
            }
            PooledSource::MasterMeter {
                meter_id,
                price,
                subtract_sub_meters,
                ..
            } => {
                let meter_id = match id {
                    None => meter_id.as_str(),
                    Some(id) => meter_of(id).ok_or_else(|| {
                        FeeError::value(
                            "missing_value",
                            format!("{at}.rule.pooled.source.master_meter.meters"),
                            format!(
                                "{} {id:?} has {} participant(s) but no master meter: \
                                 every {} needs its source",
                                groups.noun(),
                                pool_size[g],
                                groups.noun()
                            ),
                        )
                    })?,
                };
                let master = estate.meter(meter_id).ok_or_else(|| FeeError::Unknown {
                    path: format!("{path}.source.meter_id"),
                    what: "meter",
                    id: meter_id.to_owned(),
                })?;
                let mut used = readings.consumption(master, period)?.used;
                if *subtract_sub_meters {
                    let too_much = || {
                        FeeError::value(
                            "overflow",
                            format!("{path}.source"),
                            "the sub-meters' consumption does not fit a decimal",
                        )
                    };
                    if grouped {
                        if pool_units.is_empty() {
                            pool_units = vec![Vec::new(); groups.ids.len()];
                            for u in 0..units.len() {
                                let p = groups.of(u);
                                if p != u32::MAX {
                                    pool_units[p as usize].push(u);
                                }
                            }
                        }
                        for &u in &pool_units[g] {
                            for m in estate.meters_at(u).filter(|m| m.kind == master.kind) {
                                used = used
                                    .checked_sub(readings.consumption(m, period)?.used)
                                    .ok_or_else(too_much)?;
                            }
                        }
                    } else {
                        crate::estate::count_meter_records(estate.meters().len());
                        let subs: Vec<&crate::estate::Meter> = estate
                            .meters()
                            .iter()
                            .filter(|m| m.kind == master.kind && m.unit_id.is_some())
                            .collect();
                        // Summed in ranges on the run's threads; the first failing
                        // meter's error, in estate order, whatever the count.
                        let sums = crate::parallel::map_chunks(
                            &subs,
                            lines.threads,
                            MIN_MEMBERS_PER_THREAD,
                            |_, chunk| {
                                let mut sum = Decimal::ZERO;
                                for m in chunk {
                                    let c = readings.consumption(m, period)?.used;
                                    sum = sum.checked_add(c).ok_or_else(too_much)?;
                                }
                                Ok::<_, FeeError>(sum)
                            },
                        );
                        for sum in sums {
                            used = used.checked_sub(sum?).ok_or_else(too_much)?;
                        }
                    }
                    if used < Decimal::ZERO {
                        return Err(FeeError::value(
                            "inconsistent_readings",
                            format!("{path}.source"),
                            format!(
                                "the sub-meters consumed {} more than master meter {meter_id}",
                                -used
                            ),
                        ));
                    }
                }
                PoolSource {
                    amount: mul(used, *price, &path)?,
                    consumption: Some(used),
                    usage_kind: Some(master.kind),
                }
            }
        };
        sources.push(found);
    }

    // Each member's metrics. Single-basis methods: the weights directly; hybrid:
    // every metric, then weights per pool.
    let basis = method.basis();
    let hybrid = basis.is_none();
    // Member by member (on the run's threads, in contiguous ranges put back in
    // order: the same metrics, weights and first error whatever the count).
    let measure = |first: usize, chunk: &[usize]| -> Result<Measured, FeeError> {
        let mut out = Measured {
            metrics: Vec::with_capacity(if hybrid { chunk.len() } else { 0 }),
            direct: Vec::with_capacity(if hybrid { 0 } else { chunk.len() }),
            prorated: Vec::new(),
        };
        for (i, &u) in (first..).zip(chunk) {
            let unit = &units[u];
            let g = if grouped {
                active_of[member_pool[i] as usize] as usize
            } else {
                0
            };
            let mut m = pooled::Metrics {
                area: unit.gross_area,
                usage: Decimal::ZERO,
                occupants: unit.occupants,
                fraction: Decimal::ONE,
            };
            if let Some(kind) = sources[g].usage_kind {
                for meter in estate.meters_at(u).filter(|x| x.kind == kind) {
                    m.usage = m
                        .usage
                        .checked_add(readings.consumption(meter, period)?.used)
                        .ok_or_else(|| {
                            FeeError::value(
                                "overflow",
                                format!(
                                    "{}.participants[{i}]",
                                    pool_path(groups.ids[g].as_deref())
                                ),
                                "the unit's metered consumption does not fit a decimal",
                            )
                        })?;
                }
                // A true-up may be negative: a unit weighs nothing in a usage split then.
                m.usage = m.usage.max(Decimal::ZERO);
            }
            if *occupied_day_fraction {
                let since = match participants {
                    Participants::Occupied => unit.status_since,
                    _ => unit.delivered_on,
                };
                if let Some((f, served)) =
                    pooled::part_of_period(since, period.start, period.end, period.days())
                {
                    m.fraction = f;
                    if let Some(basis) = basis {
                        out.prorated.push((
                            i,
                            ProratedWeight {
                                metric: basis.of(&m),
                                served_days: served,
                                period_days: period.days(),
                            },
                        ));
                    }
                }
            }
            match basis {
                None => out.metrics.push(m),
                Some(basis) => {
                    let w = m.weight(basis)?;
                    // Metrics are not negative (areas are positive, usage is floored at
                    // zero, fractions are day counts): a negative weight is a bug, refused.
                    if w.is_sign_negative() && !w.is_zero() {
                        return Err(FeeError::Negative {
                            path: format!(
                                "{}.participants[{i}]",
                                pool_path(groups.ids[g].as_deref())
                            ),
                            value: w,
                        });
                    }
                    out.direct.push(w);
                }
            }
        }
        Ok(out)
    };
    let mut metrics = Vec::with_capacity(if hybrid { members } else { 0 });
    let mut direct = Vec::with_capacity(if hybrid { 0 } else { members });
    let mut prorated = Vec::new();
    for part in crate::parallel::map_chunks(
        &member_units,
        lines.threads,
        MIN_MEMBERS_PER_THREAD,
        measure,
    ) {
        // The first failing range holds the first failing member.
        let part = part?;
        if metrics.is_empty() && direct.is_empty() {
            (metrics, direct) = (part.metrics, part.direct);
        } else {
            metrics.extend(part.metrics);
            direct.extend(part.direct);
        }
        for (i, w) in part.prorated {
            prorated.resize(i, None);
            prorated.push(Some(w));
        }
    }

    // Per pool: its members (all of them when there is one pool).
    let pool_members: Option<Vec<Vec<usize>>> = grouped.then(|| {
        let mut v = vec![Vec::new(); active.len()];
        for (i, &g) in member_pool.iter().enumerate() {
            v[active_of[g as usize] as usize].push(i);
        }
        v
    });
    let pool_of: Vec<u32> = if grouped {
        member_pool.iter().map(|&g| active_of[g as usize]).collect()
    } else {
        Vec::new()
    };
    let mut weights = if hybrid {
        vec![Decimal::ZERO; members]
    } else {
        direct
    };
    let mut amounts: Option<money::Parts> = None;
    let mut adjusted = vec![false; members];
    let mut summaries = Vec::with_capacity(active.len());
    let mut params = Vec::with_capacity(active.len());
    for (a, &g) in active.iter().enumerate() {
        let id = groups.ids[g].clone();
        let path = pool_path(id.as_deref());
        let src = &sources[a];
        // Each figure of the summary is money at the estate's scale, rounded once
        // with its policy (a master meter's consumption × price, a percentage of the
        // source): the amount split is their exact sum, as the summary shows it.
        let source_amount = policy.round(src.amount);
        let zero = Decimal::new(0, policy.scale());
        let deducted = deduction.map_or(zero, |d| policy.round(d.of(source_amount)));
        let fee = admin_fee.map_or(zero, |a| policy.round(a.of(source_amount)));
        let split_amount = policy.round(add(
            source_amount
                .checked_sub(deducted)
                .ok_or_else(|| FeeError::Money {
                    path: format!("{path}.deduction"),
                    source: money::MoneyError::Overflow {
                        context: format!("{source_amount} − {deducted} is too large"),
                    },
                })?,
            fee,
            &format!("{path}.admin_fee"),
        )?);
        if split_amount < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: format!("{path}.amount"),
                value: split_amount,
            });
        }
        let of_pool: Option<&[usize]> = pool_members.as_ref().map(|v| v[a].as_slice());
        // The pool's own weights, unless it is the estate's of a single basis.
        let pool_weights: Option<Vec<Decimal>> = match (hybrid, of_pool) {
            (true, _) => {
                let m: Vec<pooled::Metrics> = match of_pool {
                    Some(of) => of.iter().map(|&i| metrics[i]).collect(),
                    None => std::mem::take(&mut metrics),
                };
                Some(
                    pooled::weights_of(&m, method)
                        .map_err(|e| e.under(&format!("{path}.method")))?,
                )
            }
            (false, Some(of)) => Some(of.iter().map(|&i| weights[i]).collect()),
            (false, None) => None,
        };
        let w: &[Decimal] = pool_weights.as_deref().unwrap_or(&weights);
        let split = money::allocate_raw(split_amount, w, policy).map_err(|e| match e {
            money::MoneyError::AllZeroWeights { count } => FeeError::NothingToWeigh {
                path: format!("{path}.method"),
                participants: count,
                cause: zero_weight_cause(method, src.usage_kind, *occupied_day_fraction, period),
            },
            e => FeeError::money(format!("{path}.participants"))(e),
        })?;
        let count = w.len();
        let minor = if split.total < Decimal::ZERO {
            -policy.minor_unit()
        } else {
            policy.minor_unit()
        };
        // Shown in explanations only: exact when a decimal holds it, else rounded to
        // the 28 digits a decimal holds (occupied-day fractions give weights of 28
        // digits).
        let total_weight = match split.weight_sum {
            Some(t) => t,
            None => {
                let at = format!("{path}.participants");
                w.iter()
                    .try_fold(Decimal::ZERO, |acc, x| add_weight(acc, *x, &at))?
            }
        };
        summaries.push(PoolSummary {
            code: item.code.clone(),
            group: id.as_deref().map(str::to_owned),
            source_amount,
            consumption: src.consumption,
            deduction: deducted,
            admin_fee: fee,
            split_amount: split.total,
            shares_total: split
                .parts_sum()
                .map_err(FeeError::money(format!("{path}.shares")))?,
            participants: count,
            adjustment: split.adjustment(),
            adjusted_count: split.adjusted.len(),
            set_aside: Decimal::new(0, policy.scale()),
        });
        params.push(PoolParams {
            pool: split.total,
            method: method.name(),
            total_weight,
            participants: count,
            adjustment: minor,
            group: id,
        });
        match of_pool {
            None => {
                for &i in &split.adjusted {
                    adjusted[i] = true;
                }
                if let (true, Some(pw)) = (hybrid, pool_weights) {
                    weights = pw;
                }
                amounts = Some(split.parts);
            }
            Some(of) => {
                for &i in &split.adjusted {
                    adjusted[of[i]] = true;
                }
                if let (true, Some(pw)) = (hybrid, pool_weights) {
                    for (&i, x) in of.iter().zip(pw) {
                        weights[i] = x;
                    }
                }
                let all = amounts.get_or_insert_with(|| money::Parts::Minor(vec![0; members]));
                scatter(all, split.parts, of, policy.scale());
            }
        }
    }
    let shares = PoolShares {
        member_of,
        pool_of,
        weights,
        amounts: amounts.unwrap_or(money::Parts::Minor(Vec::new())),
        adjusted,
        prorated,
        params,
        scale: policy.scale(),
    };
    Ok(Some((summaries, shares)))
}

/// Puts a pool's parts at its members' places `of` among every member's.
fn scatter(all: &mut money::Parts, parts: money::Parts, of: &[usize], scale: u32) {
    match parts {
        money::Parts::Minor(p) => match all {
            money::Parts::Minor(v) => {
                for (&i, x) in of.iter().zip(p) {
                    v[i] = x;
                }
            }
            money::Parts::Wide(v) => {
                for (&i, x) in of.iter().zip(p) {
                    v[i] = Decimal::new(x, scale);
                }
            }
        },
        money::Parts::Wide(p) => {
            if let money::Parts::Minor(v) = all {
                *all = money::Parts::Wide(v.iter().map(|&m| Decimal::new(m, scale)).collect());
            }
            if let money::Parts::Wide(v) = all {
                for (&i, x) in of.iter().zip(p) {
                    v[i] = x;
                }
            }
        }
    }
}

/// Why every participant of a single-basis split weighs zero.
fn zero_weight_cause(
    method: &pooled::SplitMethod,
    usage_kind: Option<crate::estate::MeterKind>,
    day_fraction: bool,
    period: &super::inputs::BillingPeriod,
) -> String {
    let span = format!("{} to {}", period.start, period.end);
    match (method.basis(), usage_kind) {
        (Some(pooled::Basis::Usage), Some(kind)) => format!(
            "no participant's {kind} meter recorded any consumption from {span}, so a usage split has nothing to weigh"
        ),
        (Some(pooled::Basis::Occupants), _) => {
            "no participant has occupants, so an occupant split has nothing to weigh".to_owned()
        }
        _ if day_fraction => {
            format!("no participant was served on any day from {span} (occupied_day_fraction)")
        }
        _ => format!("no participant weighs anything by {}", method.name()),
    }
}

#[cfg(test)]
mod tests {
    use crate::estate::{Estate, UnitStatus};
    use crate::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
    use crate::fees::pooled;
    use crate::fees::schedule::{FeeSchedule, Participants, Rule};

    fn demo_run(participants: Participants) -> (usize, usize) {
        let estate = Estate::demo();
        let text = include_str!("../../../data/demo_fee_schedule.json");
        assert_eq!(text.matches("\"participants\": \"delivered\"").count(), 1);
        let text = match participants {
            Participants::Occupied => text.replace(
                "\"participants\": \"delivered\"",
                "\"participants\": \"occupied\"",
            ),
            _ => text.to_owned(),
        };
        let schedule = FeeSchedule::from_json(&text).expect("schedule");
        let item = schedule
            .items()
            .iter()
            .find(|i| matches!(i.rule, Rule::Pooled { .. }))
            .expect("a pooled item");
        let expected = estate
            .units()
            .iter()
            .filter(|u| {
                pooled::takes_part(
                    participants,
                    &item.unit_kinds,
                    &item.statuses,
                    u.kind,
                    u.status,
                )
            })
            .count();
        let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
        let period = BillingPeriod::month(2026, 10).expect("period");
        let run = bill_estate(&estate, &schedule, period, &inputs).expect("run");
        (run.pools[0].participants, expected)
    }

    #[test]
    fn the_participants_are_pooled_rules() {
        let (billed, expected) = demo_run(Participants::Delivered);
        assert_eq!((billed, expected), (34, 34));
        let (billed, expected) = demo_run(Participants::Occupied);
        assert_eq!(billed, expected);
        let occupied = Estate::demo()
            .units()
            .iter()
            .filter(|u| matches!(u.status, UnitStatus::Occupied | UnitStatus::Rented))
            .count();
        assert_eq!(billed, occupied);
    }
}
