//! [`bill_estate`]: a whole estate's bills for a period, put together from the
//! pooled shares (`pooled_lines`) and each unit's lines (`unit_lines`), with the
//! problems of single units set aside.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::estate::Estate;
use crate::fees::FeeError;
use crate::fees::schedule::{FeeItem, FeeSchedule, Rule, SplitBy};
use crate::money;

use super::builder::{RunBuilder, total_overflow};
use super::context::BillingContext;
use super::inputs::{BillingException, BillingInputs, BillingPeriod, PooledAmount, unit_problem};
use super::pooled_lines::{PoolShares, bill_pooled};
use super::readings::MeterReadings;
use super::run::{BillSlot, BillingRun, ItemText, index_u32};
use super::scope;
use super::unit_lines::{ItemSpan, LineContext, back_parts};

/// `date` (the issue date or a due date of a run issued on `issued_on`) when its year
/// is one a ledger holds (1–9999), else an error naming `issued_on`.
fn supported(date: NaiveDate, issued_on: NaiveDate) -> Result<NaiveDate, FeeError> {
    if (1..=9999).contains(&date.year()) {
        return Ok(date);
    }
    Err(FeeError::value(
        "out_of_range",
        "issued_on",
        if date == issued_on {
            format!("{issued_on} is outside the supported years 1–9999")
        } else {
            format!(
                "bills issued on {issued_on} would be due on {date}, outside the supported years 1–9999"
            )
        },
    ))
}

/// Bills every unit of `estate` for `period` with the items of `schedule` in force.
///
/// Per unit and item version in force: area and fixed charges are prorated by days
/// from the delivery date (and the version's effective dates) with the item's
/// day-count convention and multiplied by the status factor (vacancy discount);
/// metered charges price the consumption between the reading before the period (or
/// a base reading within it) and the last reading in it; pooled amounts are split
/// among participants so the shares sum exactly. Every line is rounded once with the
/// estate's policy. Units without any line get no bill; unsold units are charged only
/// by items that list `unsold` explicitly. The bills are issued on
/// [`BillingInputs::issued_on`] (by default the day after the period ends) and each
/// line is due on its item's [`DueRule`](crate::fees::schedule::DueRule) applied to that date.
///
/// # Meter changes
/// A replacement or rollover kept in the estate ([`Meter::changes`](crate::estate::Meter::changes)) applies to the
/// consumption between the two readings around its day: the previous reading's day
/// excluded, the current one's included. A change given in
/// [`BillingInputs::meter_changes`] (undated) applies to the billed interval as
/// before. The same interval never gets both: when the estate records a change in it
/// and the inputs give one for the meter too, the run fails with
/// [`FeeError::InvalidValue`] naming `meter_changes[i]` (a change is applied once; store
/// changes with [`Estate::updated`](crate::estate::Estate::updated) and stop passing
/// them). Two recorded changes in one interval fail it too (`meters[id].changes`).
///
/// # Estimates (估抄)
/// With [`BillingInputs::estimate`] = `Some(n)`, a **unit** meter without a reading in
/// the period is estimated instead of missing: its consumption over the last `n`
/// periods between real readings before the month (as many as there are when fewer,
/// at least one; estimated readings in between are skipped, recorded changes
/// applied), scaled to the days from its previous reading to the period's last day:
/// `history consumption × days ÷ history days`, computed in decimals and rounded
/// half-up to the reading precision (the most decimal places among the real readings
/// used). The estimated register value is the previous one plus that, dated the
/// period's last day; the line says "estimated" ([`BillLine::estimated`](super::BillLine::estimated), and its
/// explanation in both languages), and the estimate is listed in
/// [`BillingRun::estimated_readings`] for the caller to store. A meter is **not**
/// estimated, and its reading stays missing (an exception, or the run's error when
/// strict, the message saying why), when it is a common or master meter (a pool's
/// source is never estimated), has fewer than two real readings before the period,
/// has a reading after the period, or has a change recorded since its last reading.
///
/// The next real reading **trues up** an estimate: when the previous value is an
/// estimate, consumption = real − estimate (adjusted for a recorded change), which
/// may be negative: a credit priced at the tier prices from the first tier, and a
/// weight of zero in a usage split. Only then is a reading below the previous one
/// accepted; otherwise [`FeeError::ReadingBelowPrevious`] stands. Over the months the
/// consumption billed adds up to the real consumption between real readings.
///
/// # Metered items and their frequency
/// A `monthly` metered item bills every month on the readings above. A `quarterly`
/// one bills in January, April, July and October only, a `yearly` one in January
/// (a `one_off` one in the month containing its `effective_from`): no line, and no
/// missing reading, in the other months. Its bill covers the consumption since the
/// previous billing month: from the latest reading dated before the months since then
/// (before November 1 for a January bill of a quarterly item) to the latest reading in
/// them (so read the meter in its billing months; a reading taken in between is not
/// lost). An estimate covers the same months.
///
/// # Annual tiers
/// With `"tier_basis": "year"`, a metered item's tier limits are cumulative over a
/// tier year starting on the first day of its `year_start_month`: the tier year of a
/// bill is the one containing the billed month. A bill's consumption `c`, after the
/// meter's year-to-date consumption `y` (billed in the tier year before it), is
/// priced block by block on `[y, y + c]` (`tiered(y + c) − tiered(y)`, a negative
/// true-up credited at the blocks it came from). `y` comes from the estate's readings
/// (with the inputs') when the meter has one dated before the readings of the tier
/// year's first bill (before the year's first day for a monthly item): the consumption
/// from the latest such reading to the reading this bill starts from, recorded
/// changes applied, × the multiplier. Otherwise it is [`BillingInputs::year_to_date`]
/// for the meter (a meter installed in the year, or an estate whose readings start in
/// it: give its consumption so far this year, 0 for a new meter). Otherwise the unit's
/// bill is set aside with [`FeeError::MissingReading`] naming the meter (`meters[id]`),
/// or the run fails when strict. The explanation shows the year to date and the
/// blocks used ("year to date 172 (tier year from 2026-01-01); 8 × 5.00 + 10 × 7.00").
///
/// Linear in the estate: O((units + meters + readings) × items in force), plus
/// O(r log r) for the r readings and meter changes of `inputs`. A unit's meters are
/// found through the estate's index of meters by unit, never by scanning the others.
/// The per-unit view a run reads is built for the call (one pass over the units); to
/// bill one estate again and again, build a [`BillingContext`] once and call
/// [`BillingContext::bill`].
///
/// # Errors
/// [`FeeError::MissingPooledAmount`], [`FeeError::MissingReading`],
/// [`FeeError::ReadingBelowPrevious`] (no replacement or rollover recorded),
/// [`FeeError::Unknown`] for a reading or change naming an unknown meter or a
/// pooled amount naming an unknown item or a [`BillingInputs::year_to_date`] naming
/// an unknown meter (`year_to_date[id]`), [`FeeError::Negative`] for a negative year
/// to date (`year_to_date[id]`), [`FeeError::Money`] on overflow,
/// [`FeeError::InvalidValue`] naming `issued_on` when the issue date or a due date falls
/// outside the years 1–9999 (the years a [`Ledger`](crate::fees::ledger::Ledger) holds), or
/// naming `meter_changes[i]` for a change the estate already records (see above).
/// For pools per building or group ([`SplitBy`]) and items limited to buildings or
/// units: [`FeeError::MissingPooledAmount`] at `pooled[code@B2]` for a building or
/// group with participants and no amount; [`FeeError::InvalidValue`] at
/// `items[i].rule.pooled.source.master_meter.meters` for one without its master
/// meter, or at `pooled[n].group` for an amount whose group does not fit its item's
/// `split_by`; [`FeeError::Unknown`] naming `items[i].buildings[j]`,
/// `items[i].units[j]`, `items[i].rule.pooled.split_by.groups[j].units[k]`,
/// `items[i].rule.pooled.source.master_meter.meters[j].group` or `pooled[n].group` for
/// an id the estate (or the item) does not have.
///
/// ```
/// use estatekit::estate::Estate;
/// use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
/// use estatekit::fees::schedule::FeeSchedule;
/// let err = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &BillingInputs::default())
///     .unwrap_err();
/// assert_eq!(err.path(), "pooled[common_electricity]");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
pub fn bill_estate(
    estate: &Estate,
    schedule: &FeeSchedule,
    period: BillingPeriod,
    inputs: &BillingInputs,
) -> Result<BillingRun, FeeError> {
    BillingContext::new(estate).bill(schedule, period, inputs)
}

/// [`bill_estate`] on `threads` threads (0: every core of the machine; see
/// [`crate::parallel::resolve`]): the units are billed in contiguous ranges, one
/// thread each, and put back in order, so the run, its exceptions and its errors are
/// the same whatever the count. Fewer than 4,096 units a thread run on fewer threads
/// (below 8,192 units, on the caller's).
///
/// # Errors
/// As [`bill_estate`].
///
/// ```
/// use estatekit::estate::Estate;
/// use estatekit::fees::billing::{bill_estate, bill_estate_threads, BillingInputs, BillingPeriod};
/// use estatekit::fees::schedule::FeeSchedule;
/// let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "100".parse()?);
/// let october = BillingPeriod::month(2026, 10)?;
/// let all_cores = bill_estate_threads(&estate, &schedule, october, &inputs, 0)?;
/// assert_eq!(all_cores, bill_estate(&estate, &schedule, october, &inputs)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bill_estate_threads(
    estate: &Estate,
    schedule: &FeeSchedule,
    period: BillingPeriod,
    inputs: &BillingInputs,
    threads: u32,
) -> Result<BillingRun, FeeError> {
    BillingContext::new(estate).bill_threads(schedule, period, inputs, threads)
}

/// The path of `item` in `schedule` (`items[3]`).
fn item_path(schedule: &FeeSchedule, item: &FeeItem) -> String {
    match schedule.items().iter().position(|x| std::ptr::eq(x, item)) {
        Some(i) => format!("items[{i}]"),
        None => format!("items[{}]", item.code),
    }
}

/// Checks the `group` of pooled amount `p` (input `i`) against its item's
/// `split_by`: none over the estate, a building of the estate or a group of the
/// item otherwise.
fn pooled_group(
    estate: &Estate,
    split_by: &SplitBy,
    p: &PooledAmount,
    i: usize,
) -> Result<(), FeeError> {
    let at = || format!("pooled[{i}].group");
    match (split_by, p.group.as_deref()) {
        (SplitBy::Estate, None) => Ok(()),
        (SplitBy::Estate, Some(g)) => Err(FeeError::value(
            "conflicting_fields",
            at(),
            format!(
                "item {:?} is split over the whole estate: give its amount without a group, not for {g:?}",
                p.code
            ),
        )),
        (by, None) => Err(FeeError::value(
            "missing_value",
            at(),
            format!(
                "item {:?} is split by {}: give one amount per {} with its group",
                p.code,
                by.name(),
                if matches!(by, SplitBy::Building) {
                    "building"
                } else {
                    "group"
                }
            ),
        )),
        (SplitBy::Building, Some(g)) if estate.building(g).is_none() => Err(FeeError::Unknown {
            path: at(),
            what: "building",
            id: g.to_owned(),
        }),
        (SplitBy::Groups(groups), Some(g)) if !groups.iter().any(|x| x.id == g) => {
            Err(FeeError::Unknown {
                path: at(),
                what: "group",
                id: g.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// [`bill_estate`] over a context built before (see [`BillingContext::bill`]).
pub(super) fn bill(
    context: &BillingContext<'_>,
    schedule: &FeeSchedule,
    period: BillingPeriod,
    inputs: &BillingInputs,
    threads: u32,
) -> Result<BillingRun, FeeError> {
    let estate = context.estate();
    let policy = *estate.rounding();
    for (i, p) in inputs.pooled.iter().enumerate() {
        let Some(split_by) = schedule.items().iter().find_map(|it| match &it.rule {
            Rule::Pooled { split_by, .. } if it.code == p.code => Some(split_by),
            _ => None,
        }) else {
            return Err(FeeError::Unknown {
                path: format!("pooled[{i}].code"),
                what: "pooled fee item",
                id: p.code.clone(),
            });
        };
        pooled_group(estate, split_by, p, i)?;
    }
    for (meter, &consumption) in &inputs.year_to_date {
        if estate.meter(meter).is_none() {
            return Err(FeeError::Unknown {
                path: format!("year_to_date[{meter}]"),
                what: "meter",
                id: meter.clone(),
            });
        }
        crate::fees::non_negative(consumption, || format!("year_to_date[{meter}]"))?;
    }
    if inputs.estimate == Some(0) {
        return Err(FeeError::value(
            "out_of_range",
            "estimate",
            "the periods of history must be a whole number from 1, got 0",
        ));
    }
    let issued_on = inputs.issue_date(&period)?;
    supported(issued_on, issued_on)?;
    let mut exceptions = Vec::new();
    let readings = MeterReadings::new(estate, inputs, &mut exceptions)?;
    let units = context.units();
    let in_force = schedule.in_force(period.start, period.end);
    if let Some(since) = inputs.since
        && since > period.start
    {
        return Err(FeeError::value(
            "out_of_range",
            "since",
            format!(
                "bills back to {since}, after the period's first day {}",
                period.start
            ),
        ));
    }
    let lines = LineContext {
        context,
        period: &period,
        readings: &readings,
        policy,
        since: inputs.since,
        back: match inputs.since {
            Some(since) => in_force
                .iter()
                .map(|item| back_parts(schedule, item, since, &period))
                .collect(),
            None => Vec::new(),
        },
        round: estate.charge_rounding(),
        threads: crate::parallel::resolve(threads),
    };
    let items: Vec<ItemText> = in_force
        .iter()
        .map(|item| {
            Ok(ItemText {
                code: item.code.as_str().into(),
                zh: item.name_zh.as_str().into(),
                en: item.name_en.as_str().into(),
                due: supported(item.due.due_date(issued_on)?, issued_on)?,
            })
        })
        .collect::<Result<_, FeeError>>()?;
    // The units each item is limited to (`None`: every unit, nothing to check).
    let masks = in_force
        .iter()
        .map(|item| {
            if item.buildings.is_empty() && item.units.is_empty() {
                return Ok(None);
            }
            scope::unit_mask(estate, item, &item_path(schedule, item))
        })
        .collect::<Result<Vec<_>, FeeError>>()?;
    // Pooled items are split first (they need every participant); lines are then
    // built unit by unit so each bill's lines are contiguous.
    let mut pools = Vec::new();
    // Per item in force: the index of its first pool summary in `pools`.
    let mut pool_start = Vec::with_capacity(in_force.len());
    let mut shares: Vec<Option<PoolShares>> = Vec::with_capacity(in_force.len());
    // Pooled items whose pool could not be split (a participant's meter without a
    // reading): billed to no one in a non-strict run.
    let mut set_aside = vec![false; in_force.len()];

    for (k, item) in in_force.iter().enumerate() {
        pool_start.push(pools.len());
        let pooled = if matches!(item.rule, Rule::Pooled { .. }) {
            bill_pooled(
                &lines,
                item,
                &item_path(schedule, item),
                masks[k].as_deref(),
                inputs,
            )
        } else {
            Ok(None)
        };
        match pooled {
            Ok(Some((summaries, split))) => {
                pools.extend(summaries);
                shares.push(Some(split));
            }
            Ok(None) => shares.push(None),
            Err(e) => match unit_problem(&e) {
                Some(meter) if !inputs.strict => {
                    exceptions.push(BillingException {
                        unit_id: None,
                        item_code: Some(item.code.clone()),
                        meter_id: Some(meter),
                        error: e,
                    });
                    set_aside[k] = true;
                    shares.push(None);
                }
                _ => return Err(e),
            },
        }
    }
    if in_force.len() > usize::from(u16::MAX) + 1 {
        return Err(FeeError::value(
            "too_many",
            "items",
            "more than 65536 fee items in force",
        ));
    }
    let spans: Vec<Option<ItemSpan>> = in_force.iter().map(|i| ItemSpan::new(i, &period)).collect();
    let units_of = UnitsOf {
        lines: &lines,
        in_force: &in_force,
        shares: &shares,
        set_aside: &set_aside,
        masks: &masks,
        spans: &spans,
        strict: inputs.strict,
    };
    // Contiguous ranges of units, each billed on a thread of its own and put back in
    // order: the run is the same whatever the number of threads.
    let threads = crate::parallel::resolve(threads);
    let parts =
        crate::parallel::map_chunks(units, threads, MIN_UNITS_PER_THREAD, |first, chunk| {
            units_of.bill(first..first + chunk.len())
        });
    let mut run: Option<(RunBuilder, String, Vec<BillSlot>)> = None;
    for part in parts {
        // The first failing range holds the error a run on one thread returns: every
        // range before it billed without one.
        let part = part?;
        for (k, g, amount) in part.set_aside {
            let summary = &mut pools[pool_start[k] + g];
            summary.set_aside = money::sum(&[summary.set_aside, amount])
                .map_err(|_| total_overflow("a pool's set-aside shares"))?;
        }
        exceptions.extend(part.exceptions);
        let Some((b, ids, slots)) = &mut run else {
            run = Some((part.b, part.ids, part.slots));
            continue;
        };
        let (id_base, line_base) = (ids.len(), b.lines.len());
        let bill_base = index_u32(slots.len(), "bills")?;
        ids.push_str(&part.ids);
        for slot in &part.slots {
            slots.push(BillSlot {
                // At most the estate's id bytes, which fit u32.
                id_start: (id_base + slot.id_start as usize) as u32,
                start: index_u32(line_base + slot.start as usize, "lines")?,
            });
        }
        b.append(part.b, bill_base)?;
    }
    let (b, ids, mut slots) = run.expect("map_chunks gives at least one chunk");
    slots.push(BillSlot {
        id_start: ids.len() as u32,
        start: index_u32(b.lines.len(), "lines")?,
    });
    let total = b.total()?;
    Ok(BillingRun {
        total,
        estate_id: estate.id().to_owned(),
        currency: estate.currency().to_owned(),
        area_unit: estate.area_unit(),
        period,
        issued_on,
        pools,
        items,
        ids,
        slots,
        odd_totals: b.odd_totals,
        lines: b.lines,
        area_params: b.area_params,
        pool_params: shares
            .into_iter()
            .map(|s| s.map(|s| s.params).unwrap_or_default())
            .collect(),
        others: b.others,
        metered: b.metered,
        metered_params: b.metered_params,
        meter_ids: b.meter_ids,
        scale: b.scale,
        index: OnceLock::new(),
        exceptions,
        estimated_readings: readings.estimated_readings(estate),
    })
}

/// Units billed by one thread at least (fewer units run on the caller's thread).
const MIN_UNITS_PER_THREAD: usize = 4096;

/// What every range of units is billed with.
struct UnitsOf<'a, 'r> {
    lines: &'a LineContext<'r>,
    in_force: &'a [&'r FeeItem],
    shares: &'a [Option<PoolShares>],
    set_aside: &'a [bool],
    masks: &'a [Option<Vec<bool>>],
    spans: &'a [Option<ItemSpan>],
    strict: bool,
}

/// The bills of a range of units: its lines, the ids and slots of its bills (offsets
/// within the part), its units set aside and their shares of the pools.
struct Part {
    b: RunBuilder,
    ids: String,
    slots: Vec<BillSlot>,
    exceptions: Vec<BillingException>,
    /// `(item in force, pool, share)` of the units set aside.
    set_aside: Vec<(usize, usize, rust_decimal::Decimal)>,
}

impl UnitsOf<'_, '_> {
    /// Bills the units `range` (see [`bill_estate`]): a unit whose meter fails is set
    /// aside whole unless the run is strict; any other error ends the range.
    fn bill(&self, range: std::ops::Range<usize>) -> Result<Part, FeeError> {
        let context = self.lines.context;
        let units = context.units();
        let mut b = RunBuilder::new(
            &self.lines.policy,
            self.spans.to_vec(),
            range.len() * self.in_force.len(),
        );
        // Room for the range's share of the estate's id bytes, and its bills.
        let mut part_ids =
            String::with_capacity(context.id_bytes() / units.len().max(1) * range.len() + 64);
        let mut slots = Vec::with_capacity(range.len() + 1);
        let mut exceptions = Vec::new();
        let mut set_aside = Vec::new();
        let (mut start, mut others_start) = (0, 0);
        for u in range {
            let unit = &units[u];
            let metered_start = (b.metered.len(), b.meter_ids.len());
            let mut failed = None;
            for (k, item) in self.in_force.iter().enumerate() {
                // Checked by the caller: fewer than 65537 items.
                let k16 = k as u16;
                let done = match &self.shares[k] {
                    Some(pool) => pool.push_share(u, k16, &mut b),
                    None if self.set_aside[k] => Ok(()),
                    None if item.applies_to(unit.kind, unit.status)
                        && self.masks[k].as_ref().is_none_or(|m| m[u]) =>
                    {
                        self.lines.unit_line(item, k16, u, &mut b)
                    }
                    None => Ok(()),
                };
                if let Err(e) = done {
                    failed = Some(e);
                    break;
                }
            }
            if let Some(e) = failed {
                match unit_problem(&e) {
                    Some(meter) if !self.strict => {
                        // The unit's bill is set aside whole: no partial bill. Its shares
                        // of the pools (all computed before) are counted as set aside.
                        b.lines.truncate(start);
                        b.others.truncate(others_start);
                        b.metered.truncate(metered_start.0);
                        b.meter_ids.truncate(metered_start.1);
                        for (k, pool) in self.shares.iter().enumerate() {
                            if let Some((g, amount)) = pool.as_ref().and_then(|p| p.share(u)) {
                                set_aside.push((k, g, amount));
                            }
                        }
                        exceptions.push(BillingException {
                            unit_id: Some(context.unit_id(u).to_owned()),
                            item_code: None,
                            meter_id: Some(meter),
                            error: e,
                        });
                        continue;
                    }
                    _ => return Err(e),
                }
            }
            if b.lines.len() > start {
                slots.push(BillSlot {
                    // At most the estate's id bytes, which fit u32.
                    id_start: part_ids.len() as u32,
                    start: index_u32(start, "lines")?,
                });
                part_ids.push_str(context.unit_id(u));
                b.finish_bill(start, others_start, slots.len() - 1)?;
                (start, others_start) = (b.lines.len(), b.others.len());
            }
        }
        Ok(Part {
            b,
            ids: part_ids,
            slots,
            exceptions,
            set_aside,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn dates_beyond_the_calendar_a_ledger_holds_are_refused() {
        let issued = day("9999-12-20");
        assert_eq!(supported(issued, issued), Ok(issued));
        let e = supported(day("+10000-01-04"), issued).unwrap_err();
        assert_eq!(
            e.to_string(),
            "issued_on: bills issued on 9999-12-20 would be due on +10000-01-04, outside the supported years 1–9999"
        );
    }

    #[test]
    fn a_context_bills_as_bill_estate_does() {
        let estate = Estate::demo();
        let schedule = FeeSchedule::demo();
        let period = BillingPeriod::month(2026, 10).expect("period");
        let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
        let context = BillingContext::new(&estate);
        let once = bill_estate(&estate, &schedule, period, &inputs).expect("run");
        assert_eq!(
            bill(&context, &schedule, period, &inputs, 1).expect("run"),
            once
        );
        assert_eq!(
            context
                .bill(&schedule, period, &inputs)
                .expect("run")
                .to_json(),
            once.to_json()
        );
    }

    #[test]
    fn input_errors_come_before_any_line() {
        let estate = Estate::demo();
        let period = BillingPeriod::month(2026, 10).expect("period");
        let unknown = BillingInputs::default().with_pooled("parking", 1.into());
        let e = bill_estate(&estate, &FeeSchedule::demo(), period, &unknown).unwrap_err();
        assert_eq!(
            e.to_string(),
            "pooled[0].code: unknown pooled fee item \"parking\""
        );
        let mut zero = BillingInputs::default().with_pooled("common_electricity", 1.into());
        zero.estimate = Some(0);
        let e = bill_estate(&estate, &FeeSchedule::demo(), period, &zero).unwrap_err();
        assert_eq!((e.code(), e.path()), ("out_of_range", "estimate"));
    }
}
