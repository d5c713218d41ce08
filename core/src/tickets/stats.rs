//! Statistics over a set of tickets and a period.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::ops::{self, Op};
use super::{Channel, ReturnVisitPolicy, SlaPolicy, TicketError, TicketFlow, TicketKind};

/// The default return-visit satisfaction target: 95 % (the usual service commitment);
/// the target applied is [`ReturnVisitPolicy::satisfaction_target`].
pub const SATISFACTION_TARGET: f64 = 0.95;

/// How many tickets have a key.
///
/// ```
/// let c = estatekit::tickets::Count { key: "noise".into(), count: 3 };
/// assert_eq!(c.count, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The key (category code, kind, channel or department).
    pub key: String,
    /// Number of tickets.
    pub count: u64,
}

/// SLA compliance over the tickets whose outcome is known as of the end of the period
/// (responded or resolved, or already overdue).
///
/// ```
/// let s = estatekit::tickets::SlaCompliance::default();
/// assert_eq!(s.response_rate, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaCompliance {
    /// Tickets whose response is known.
    pub response_evaluated: u64,
    /// Of those, responded in time.
    pub response_met: u64,
    /// `response_met / response_evaluated`.
    pub response_rate: Option<f64>,
    /// Tickets whose resolution is known.
    pub resolution_evaluated: u64,
    /// Of those, resolved in time.
    pub resolution_met: u64,
    /// `resolution_met / resolution_evaluated`.
    pub resolution_rate: Option<f64>,
}

/// Statistics for a period. Categories and departments are sorted by key; kinds and
/// channels are listed in declaration order, zeros included.
///
/// Return visits are judged over the tickets received in the period, resolved (at
/// least once) by its end, that must be visited under the [`ReturnVisitPolicy`] given
/// to [`statistics_with_visits`] (`visits_required`); each is, as of the end:
/// - *reached* (`visits_reached`): its last visit reached the owner, satisfied
///   (`visits_satisfied`: rating 4 or 5, or a legacy visit recorded as satisfied) or
///   not (a rating of 1–3, or a legacy unsatisfied visit, even if since resolved again);
/// - else *unreachable* (`visits_unreachable`): at least the policy's
///   `max_unreachable_attempts` since its last resolution (so it may close);
/// - else not yet visited.
///
/// `return_visit_rate` = (reached + unreachable) / required, `unreachable_rate` =
/// unreachable / required, `return_visit_satisfaction` = satisfied / reached, and
/// `return_visit_coverage` = reached / required. `meets_satisfaction_target` holds when
/// there is a reached visit, `return_visit_satisfaction` ≥ the policy's
/// `satisfaction_target` **and** `return_visit_coverage` ≥ its `min_coverage` (both
/// compared unrounded): one satisfied visit among 100 resolved complaints covers 1 %
/// and does not meet the target. `return_visits`, `satisfied` and `satisfaction_rate`
/// keep their meaning: every ticket of the period with a reached visit, whatever its
/// kind, however many were left unvisited.
///
/// ```
/// use estatekit::tickets::{statistics, SlaPolicy};
/// let t: chrono::DateTime<chrono::Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
/// let s = statistics(&[], t, t + chrono::Duration::days(30), 100, &SlaPolicy::default())?;
/// assert_eq!(s.total, 0);
/// assert_eq!(s.by_kind.len(), 6);
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketStatistics {
    /// Start of the period (inclusive).
    pub start: DateTime<Utc>,
    /// End of the period (exclusive); also the "as of" time for the SLA.
    pub end: DateTime<Utc>,
    /// Tickets received in the period.
    pub total: u64,
    /// Per category code, sorted by code.
    pub by_category: Vec<Count>,
    /// Per kind, declaration order.
    pub by_kind: Vec<Count>,
    /// Per channel, declaration order.
    pub by_channel: Vec<Count>,
    /// Per department, sorted by name.
    pub by_department: Vec<Count>,
    /// SLA compliance.
    pub sla: SlaCompliance,
    /// Tickets resolved (by the end of the period).
    pub resolved: u64,
    /// Mean hours from receipt to resolution (calendar time).
    pub mean_hours_to_resolve: Option<f64>,
    /// Median hours from receipt to resolution (calendar time).
    pub median_hours_to_resolve: Option<f64>,
    /// Tickets with a return visit.
    pub return_visits: u64,
    /// Of those, satisfied (last visit).
    pub satisfied: u64,
    /// `satisfied / return_visits` (visited tickets only: see
    /// `return_visit_satisfaction` and its coverage).
    pub satisfaction_rate: Option<f64>,
    /// Whether `return_visit_satisfaction` reaches the policy's target with at least
    /// its minimum coverage (see above).
    pub meets_satisfaction_target: bool,
    /// Resolved tickets of the period that must be return-visited.
    pub visits_required: u64,
    /// Of those, reached by their last visit.
    pub visits_reached: u64,
    /// Of the reached, satisfied.
    pub visits_satisfied: u64,
    /// Of the required, not reached after the policy's maximum of unreachable attempts.
    pub visits_unreachable: u64,
    /// `(visits_reached + visits_unreachable) / visits_required`.
    pub return_visit_rate: Option<f64>,
    /// `visits_unreachable / visits_required`.
    pub unreachable_rate: Option<f64>,
    /// `visits_satisfied / visits_reached`.
    pub return_visit_satisfaction: Option<f64>,
    /// `visits_reached / visits_required`.
    pub return_visit_coverage: Option<f64>,
    /// The satisfaction target applied.
    pub satisfaction_target: f64,
    /// The minimum coverage applied.
    pub min_coverage: f64,
    /// Complaints received.
    pub complaints: u64,
    /// Complaints per 100 units (`None` when `units` is 0).
    pub complaints_per_100_units: Option<f64>,
    /// Ids of repeat tickets: same unit and category as an earlier ticket received at
    /// most 30 days before; in order of receipt.
    pub repeat_tickets: Vec<String>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| round4(a as f64 / b as f64))
}

/// [`statistics_with_visits`] under the default [`ReturnVisitPolicy`].
///
/// # Errors
/// [`TicketError::InvalidPeriod`] if `end <= start`.
///
/// ```
/// use estatekit::tickets::*;
/// let t: chrono::DateTime<chrono::Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
/// let s = statistics(&[], t, t + chrono::Duration::days(30), 100, &SlaPolicy::default())?;
/// assert_eq!((s.satisfaction_target, s.min_coverage, s.meets_satisfaction_target), (0.95, 0.8, false));
/// # Ok::<(), TicketError>(())
/// ```
pub fn statistics(
    flows: &[TicketFlow],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    units: u32,
    policy: &SlaPolicy,
) -> Result<TicketStatistics, TicketError> {
    statistics_with_visits(
        flows,
        start,
        end,
        units,
        policy,
        &ReturnVisitPolicy::default(),
    )
}

/// Statistics of the tickets received in `[start, end)`; SLA as of `end`. All tickets
/// given serve as history for repeat detection; `units` is the number of units in the
/// estate (for the complaint rate); `visits` says which tickets must be visited and
/// the satisfaction target (see [`TicketStatistics`]).
///
/// Cost: O(n log n) time and O(n) memory for `n` flows (one sort for the period, one
/// for repeat detection, which groups the flows by unit and category instead of
/// comparing every pair).
///
/// # Errors
/// [`TicketError::InvalidPeriod`] if `end <= start`.
///
/// ```
/// use estatekit::tickets::*;
/// let t0: chrono::DateTime<chrono::Utc> = "2026-11-02T01:00:00Z".parse().unwrap();
/// let day = chrono::Duration::days(1);
/// let mk = |id: &str, at| TicketFlow::new(
///     Ticket::new(id, "1-201", Channel::Hotline, at, "王", "漏水", TicketKind::Complaint),
///     "repair.plumbing", Urgency::Normal, "engineering", "小张");
/// let flows = [mk("A", t0), mk("B", t0 + day * 3)];
/// let visits = ReturnVisitPolicy::default();
/// let s = statistics_with_visits(&flows, t0, t0 + day * 30, 40, &SlaPolicy::default(), &visits)?;
/// assert_eq!(s.repeat_tickets, ["B"]);
/// assert_eq!(s.complaints_per_100_units, Some(5.0));
/// assert_eq!((s.visits_required, s.return_visit_rate), (0, None)); // none resolved
/// assert!(statistics_with_visits(&flows, t0, t0, 40, &SlaPolicy::default(), &visits).is_err());
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
pub fn statistics_with_visits(
    flows: &[TicketFlow],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    units: u32,
    policy: &SlaPolicy,
    visits_policy: &ReturnVisitPolicy,
) -> Result<TicketStatistics, TicketError> {
    if end <= start {
        return Err(TicketError::InvalidPeriod { start, end });
    }
    let mut in_period: Vec<(usize, &TicketFlow)> = flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ticket().received_at >= start && f.ticket().received_at < end)
        .collect();
    in_period.sort_by(|(_, a), (_, b)| {
        (a.ticket().received_at, &a.ticket().id).cmp(&(b.ticket().received_at, &b.ticket().id))
    });
    let mut by_category: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_department: BTreeMap<&str, u64> = BTreeMap::new();
    let mut kinds = vec![0u64; TicketKind::ALL.len()];
    let mut channels = vec![0u64; Channel::ALL.len()];
    let mut sla = SlaCompliance::default();
    let mut hours: Vec<f64> = Vec::new();
    let (mut visits, mut satisfied, mut complaints) = (0u64, 0u64, 0u64);
    let (mut required, mut reached, mut reached_satisfied, mut unreachable) = (0u64, 0, 0, 0);
    for (_, f) in &in_period {
        let t = f.ticket();
        *by_category.entry(f.category()).or_default() += 1;
        *by_department.entry(f.department()).or_default() += 1;
        // In bounds: the enums are fieldless with discriminants 0..ALL.len() in
        // declaration order, and the vectors have ALL.len() slots.
        kinds[t.kind as usize] += 1;
        channels[t.channel as usize] += 1;
        if t.kind == TicketKind::Complaint {
            complaints += 1;
        }
        let st = f.sla(policy, end)?;
        if f.responded_at().is_some_and(|r| r <= end) || st.response_breached {
            sla.response_evaluated += 1;
            if !st.response_breached {
                sla.response_met += 1;
            }
        }
        let resolved = f.resolved_at().filter(|r| *r <= end);
        if resolved.is_some() || st.resolution_breached {
            sla.resolution_evaluated += 1;
            if !st.resolution_breached {
                sla.resolution_met += 1;
            }
        }
        if let Some(r) = resolved {
            hours.push((r - t.received_at).num_seconds() as f64 / 3600.0);
        }
        if let Some(s) = f.satisfied() {
            visits += 1;
            if s {
                satisfied += 1;
            }
        }
        let v = f.visit_facts(end);
        if v.resolved && visits_policy.requires(t) {
            required += 1;
            match v.reached {
                Some(s) => {
                    reached += 1;
                    if s {
                        reached_satisfied += 1;
                    }
                }
                None if v.unreachable >= visits_policy.max_unreachable_attempts() => {
                    unreachable += 1;
                }
                None => {}
            }
        }
    }
    // Unrounded, so a target of 0.95 is met by exactly 95 %.
    let meets_satisfaction_target = reached > 0
        && reached_satisfied as f64 / reached as f64 >= visits_policy.satisfaction_target()
        && reached as f64 / required as f64 >= visits_policy.min_coverage();
    sla.response_rate = ratio(sla.response_met, sla.response_evaluated);
    sla.resolution_rate = ratio(sla.resolution_met, sla.resolution_evaluated);
    let mean = (!hours.is_empty()).then(|| round4(hours.iter().sum::<f64>() / hours.len() as f64));
    hours.sort_by(f64::total_cmp);
    let median = (!hours.is_empty()).then(|| {
        let n = hours.len();
        round4(if n % 2 == 1 {
            hours[n / 2]
        } else {
            (hours[n / 2 - 1] + hours[n / 2]) / 2.0
        })
    });

    // Repeats: an earlier ticket (any in `flows`) with the same unit and category,
    // received at most 30 days before.
    let repeat = repeats(flows);
    let repeat_tickets = in_period
        .iter()
        .filter(|(i, _)| repeat[*i])
        .map(|(_, f)| f.ticket().id.clone())
        .collect();

    let count = |(k, n): (&str, u64)| Count {
        key: k.to_owned(),
        count: n,
    };
    let satisfaction_rate = ratio(satisfied, visits);
    Ok(TicketStatistics {
        start,
        end,
        total: in_period.len() as u64,
        by_category: by_category.into_iter().map(count).collect(),
        by_kind: TicketKind::ALL
            .iter()
            .map(|k| count((k.as_str(), kinds[*k as usize])))
            .collect(),
        by_channel: Channel::ALL
            .iter()
            .map(|c| count((c.as_str(), channels[*c as usize])))
            .collect(),
        by_department: by_department.into_iter().map(count).collect(),
        sla,
        resolved: hours.len() as u64,
        mean_hours_to_resolve: mean,
        median_hours_to_resolve: median,
        return_visits: visits,
        satisfied,
        satisfaction_rate,
        meets_satisfaction_target,
        visits_required: required,
        visits_reached: reached,
        visits_satisfied: reached_satisfied,
        visits_unreachable: unreachable,
        return_visit_rate: ratio(reached + unreachable, required),
        unreachable_rate: ratio(unreachable, required),
        return_visit_satisfaction: ratio(reached_satisfied, reached),
        return_visit_coverage: ratio(reached, required),
        satisfaction_target: visits_policy.satisfaction_target(),
        min_coverage: visits_policy.min_coverage(),
        complaints,
        complaints_per_100_units: (units > 0)
            .then(|| round4(complaints as f64 * 100.0 / f64::from(units))),
        repeat_tickets,
    })
}

/// Whether each flow is a repeat: an earlier flow (any in `flows`) has the same
/// non-empty unit and the same category and was received at most 30 days before it;
/// "earlier" is `(received_at, id)` order, so of two flows received at the same instant
/// the one with the smaller id is the earlier, and identical `(received_at, id)` pairs
/// are not earlier than each other.
///
/// O(n log n): the flows sorted by `(unit, category, received_at, id)`; within a
/// (unit, category) group, the latest flow strictly earlier than a flow is the one
/// received last among those before it in the order, so only that one needs checking.
fn repeats(flows: &[TicketFlow]) -> Vec<bool> {
    let window = Duration::days(30);
    let key = |i: usize| {
        let f = &flows[i];
        let t = f.ticket();
        (t.unit.as_str(), f.category(), t.received_at, t.id.as_str())
    };
    let mut order: Vec<usize> = (0..flows.len())
        .filter(|&i| !flows[i].ticket().unit.is_empty())
        .collect();
    let mut compares = 0u64;
    order.sort_unstable_by(|&a, &b| {
        compares += 1;
        key(a).cmp(&key(b))
    });
    ops::add(Op::RepeatSortCompares, compares);
    ops::add(Op::RepeatChecks, order.len() as u64);
    let mut repeat = vec![false; flows.len()];
    // `prev`: the time of the latest flow of the current group strictly earlier (in
    // (received_at, id) order) than the run of equal keys being looked at.
    let mut prev: Option<DateTime<Utc>> = None;
    let mut run = 0;
    while run < order.len() {
        let (unit, category, at, id) = key(order[run]);
        let mut end = run + 1;
        while end < order.len() && key(order[end]) == (unit, category, at, id) {
            end += 1;
        }
        if run > 0 {
            let (u, c, _, _) = key(order[run - 1]);
            if (u, c) != (unit, category) {
                prev = None;
            }
        }
        let is_repeat = prev.is_some_and(|p| at - p <= window);
        for &i in &order[run..end] {
            repeat[i] = is_repeat;
        }
        prev = Some(at);
        run = end;
    }
    repeat
}
