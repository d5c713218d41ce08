//! The lines of a pooled (公摊) item: its source amount, deduction and admin fee, the
//! participants and their weights by the rules of [`crate::fees::pooled`], and the
//! exact split whose shares become the participants' lines.

use rust_decimal::Decimal;

use crate::fees::pooled;
use crate::fees::schedule::{FeeItem, Participants, PooledSource, Rule};
use crate::fees::{FeeError, add, add_weight, mul};
use crate::money;

use super::builder::RunBuilder;
use super::explain::{Explanation, ProratedWeight};
use super::inputs::BillingInputs;
use super::run::{Kind, PoolParams, PoolSummary};
use super::unit_lines::LineContext;

/// One pooled item's split: which units share, and each one's weight and amount.
pub(super) struct PoolShares {
    /// For each estate unit, its position among the members (`u32::MAX`: not a member).
    member_of: Vec<u32>,
    weights: Vec<Decimal>,
    amounts: money::Parts,
    adjusted: Vec<bool>,
    /// Per member, how its weight was prorated by days (empty unless
    /// `occupied_day_fraction`): such a share keeps its explanation whole.
    prorated: Vec<Option<ProratedWeight>>,
    pub(super) params: PoolParams,
}

impl PoolShares {
    /// Adds the line of the estate's unit `unit` for item `item`, if it shares.
    #[inline]
    pub(super) fn push_share(
        &self,
        unit: usize,
        item: u16,
        b: &mut RunBuilder,
    ) -> Result<(), FeeError> {
        let Some(&m) = self.member_of.get(unit) else {
            return Ok(());
        };
        if m == u32::MAX {
            return Ok(());
        }
        let m = m as usize;
        let (weight, adjusted) = (self.weights[m], self.adjusted[m]);
        let kind = if adjusted {
            Kind::PooledAdjusted
        } else {
            Kind::Pooled
        };
        if let Some(&Some(p)) = self.prorated.get(m) {
            let mut e = self.params.explain(weight, adjusted);
            if let Explanation::Pooled { prorated, .. } = &mut e {
                *prorated = Some(p);
            }
            let amount = match &self.amounts {
                money::Parts::Minor(v) => Decimal::new(v[m], b.scale),
                money::Parts::Wide(v) => v[m],
            };
            return b.push_whole(amount, item, kind, e);
        }
        let explain = || self.params.explain(weight, adjusted);
        match &self.amounts {
            // Minor units of the policy's scale, which is the run's.
            money::Parts::Minor(v) => b.push_minor(v[m], weight, item, kind, 0, explain),
            money::Parts::Wide(v) => b.push(v[m], weight, item, kind, 0, explain),
        }
    }
}

/// The split of pooled item `item` (`None` for any other item): its source amount
/// (given, or a master meter's consumption priced), less the deduction, plus the
/// admin fee, split among the participants chosen by [`pooled::takes_part`] with the
/// weights of [`pooled`]'s rules, exactly.
pub(super) fn bill_pooled(
    lines: &LineContext<'_>,
    item: &FeeItem,
    inputs: &BillingInputs,
) -> Result<Option<(PoolSummary, PoolShares)>, FeeError> {
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
    } = &item.rule
    else {
        return Ok(None);
    };
    let path = format!("pooled[{}]", item.code);
    let (source_amount, consumption, usage_kind) = match source {
        PooledSource::Given => {
            let amount = inputs
                .pooled
                .iter()
                .find(|p| p.code == item.code)
                .ok_or_else(|| FeeError::MissingPooledAmount {
                    path: path.clone(),
                    code: item.code.clone(),
                })?
                .amount;
            // Usage from the participants' own meters of the stated kind (required
            // by the schedule when the method weighs usage).
            (amount, None, meter_kind.filter(|_| method.uses_usage()))
        }
        PooledSource::MasterMeter {
            meter_id,
            price,
            subtract_sub_meters,
        } => {
            let master = estate.meter(meter_id).ok_or_else(|| FeeError::Unknown {
                path: format!("{path}.source.meter_id"),
                what: "meter",
                id: meter_id.clone(),
            })?;
            let mut used = readings.consumption(master, period)?.used;
            if *subtract_sub_meters {
                crate::estate::count_meter_records(estate.meters().len());
                for m in estate
                    .meters()
                    .iter()
                    .filter(|m| m.kind == master.kind && m.unit_id.is_some())
                {
                    used -= readings.consumption(m, period)?.used;
                }
                if used < Decimal::ZERO {
                    return Err(FeeError::invalid(
                        format!("{path}.source"),
                        format!(
                            "the sub-meters consumed {} more than master meter {meter_id}",
                            -used
                        ),
                    ));
                }
            }
            (mul(used, *price, &path)?, Some(used), Some(master.kind))
        }
    };
    let deducted = deduction.map_or(Decimal::ZERO, |d| d.of(source_amount));
    let fee = admin_fee.map_or(Decimal::ZERO, |a| a.of(source_amount));
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

    // Participants, in estate order, with their metrics.
    let units = lines.context.units();
    let mut member_of = vec![u32::MAX; units.len()];
    let mut members = 0usize;
    // Single-basis methods: the weights directly; hybrid: every metric, then weights.
    let basis = method.basis();
    let hybrid = basis.is_none();
    let mut metrics = Vec::with_capacity(if hybrid { units.len() } else { 0 });
    let mut direct = Vec::with_capacity(if hybrid { 0 } else { units.len() });
    let mut prorated = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        if !pooled::takes_part(
            *participants,
            &item.unit_kinds,
            &item.statuses,
            unit.kind,
            unit.status,
        ) {
            continue;
        }
        let mut m = pooled::Metrics {
            area: unit.gross_area,
            usage: Decimal::ZERO,
            occupants: unit.occupants,
            fraction: Decimal::ONE,
        };
        if let Some(kind) = usage_kind {
            for meter in estate.meters_at(u).filter(|x| x.kind == kind) {
                m.usage += readings.consumption(meter, period)?.used;
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
                    prorated.resize(members, None);
                    prorated.push(Some(ProratedWeight {
                        metric: basis.of(&m),
                        served_days: served,
                        period_days: period.days(),
                    }));
                }
            }
        }
        member_of[u] = u32::try_from(members).map_err(|_| {
            FeeError::invalid(format!("{path}.participants"), "more than 4 billion units")
        })?;
        match basis {
            None => metrics.push(m),
            Some(basis) => {
                let w = m.weight(basis)?;
                // Metrics are not negative (areas are positive, usage is floored at
                // zero, fractions are day counts): a negative weight is a bug, refused.
                if w.is_sign_negative() && !w.is_zero() {
                    return Err(FeeError::Negative {
                        path: format!("{path}.participants[{members}]"),
                        value: w,
                    });
                }
                direct.push(w);
            }
        }
        members += 1;
    }
    let weights = if hybrid {
        pooled::weights_of(&metrics, method).map_err(|e| e.under(&format!("{path}.method")))?
    } else {
        direct
    };
    let split = money::allocate_raw(split_amount, &weights, policy).map_err(|e| match e {
        money::MoneyError::AllZeroWeights { count } => FeeError::NothingToWeigh {
            path: format!("{path}.method"),
            participants: count,
            cause: zero_weight_cause(method, usage_kind, *occupied_day_fraction, period),
        },
        e => FeeError::money(format!("{path}.participants"))(e),
    })?;
    let mut adjusted = vec![false; members];
    for &a in &split.adjusted {
        adjusted[a] = true;
    }
    let adjustment = split.adjustment();
    let minor = if split.total < Decimal::ZERO {
        -policy.minor_unit()
    } else {
        policy.minor_unit()
    };
    let summary = PoolSummary {
        code: item.code.clone(),
        source_amount,
        consumption,
        deduction: deducted,
        admin_fee: fee,
        split_amount: split.total,
        shares_total: split
            .parts_sum()
            .map_err(FeeError::money(format!("{path}.shares")))?,
        participants: members,
        adjustment,
        adjusted_count: split.adjusted.len(),
        set_aside: Decimal::new(0, policy.scale()),
    };
    // Shown in explanations only: exact when a decimal holds it, else rounded to the
    // 28 digits a decimal holds (occupied-day fractions give weights of 28 digits).
    let total_weight = match split.weight_sum {
        Some(w) => w,
        None => {
            let at = format!("{path}.participants");
            weights
                .iter()
                .try_fold(Decimal::ZERO, |a, w| add_weight(a, *w, &at))?
        }
    };
    let shares = PoolShares {
        member_of,
        weights,
        amounts: split.parts,
        adjusted,
        prorated,
        params: PoolParams {
            pool: split.total,
            method: method.name(),
            total_weight,
            participants: members,
            adjustment: minor,
        },
    };
    Ok(Some((summary, shares)))
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
