//! The readings of a run's meters: the estate's merged with the inputs', the pair of
//! register values around a period, meter changes, estimates (估抄) of missing
//! readings and their true-up, and the consumption that results.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::estate::{Estate, Meter, ReadingUpdate};
use crate::fees::calc::{MeterChange, consumption};
use crate::fees::{FeeError, add, mul};

use super::explain::EstimateBasis;
use super::inputs::{BillingException, BillingInputs, BillingPeriod};

/// Readings of every meter: the estate's merged with the inputs', sorted by date.
pub(super) struct MeterReadings<'a> {
    extra: BTreeMap<&'a str, Vec<(NaiveDate, Decimal)>>,
    /// The undated changes of the inputs, with their row.
    changes: BTreeMap<&'a str, (usize, MeterChange)>,
    /// [`BillingInputs::estimate`].
    estimate: Option<u32>,
    /// What this run estimated, by meter id (a meter's consumption may be asked for
    /// more than once: by its line, a usage split, a master meter's subtraction).
    estimated: std::sync::Mutex<BTreeMap<String, ReadingUpdate>>,
    /// [`BillingInputs::year_to_date`].
    year_to_date: &'a BTreeMap<String, Decimal>,
}

/// A register value read (or estimated) on a day.
#[derive(Debug, Clone, Copy)]
pub(super) struct Point {
    pub(super) date: NaiveDate,
    pub(super) value: Decimal,
    pub(super) estimated: bool,
}

/// The consumption of a meter in a period and what it was computed from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Metered {
    pub(super) previous: Point,
    pub(super) current: Point,
    pub(super) change: Option<MeterChange>,
    pub(super) estimate: Option<EstimateBasis>,
    /// `(current − previous) × multiplier`, adjusted for the change: negative only
    /// when the previous value is an estimate (a true-up).
    pub(super) used: Decimal,
}

/// `(current − previous)` adjusted for `change`, with no check that the change fits:
/// after an estimate (which may be above the real value) the result may be negative,
/// and the parts of consecutive intervals add up to the real consumption.
fn register_delta(
    meter_id: &str,
    previous: Decimal,
    current: Decimal,
    change: Option<MeterChange>,
) -> Result<Decimal, FeeError> {
    let path = format!("meters[{meter_id}]");
    let sub = |a: Decimal, b: Decimal| {
        a.checked_sub(b).ok_or_else(|| {
            FeeError::value("overflow", path.clone(), format!("{a} − {b} is too large"))
        })
    };
    match change {
        None => sub(current, previous),
        Some(MeterChange::Replacement {
            old_final,
            new_initial,
        }) => add(sub(old_final, previous)?, sub(current, new_initial)?, &path),
        Some(MeterChange::Rollover { wraps_at }) => add(sub(wraps_at, previous)?, current, &path),
    }
}

impl<'a> MeterReadings<'a> {
    /// The readings and changes of `inputs`; a bad reading row fails (`strict`) or
    /// is left out and recorded in `exceptions`.
    pub(super) fn new(
        estate: &Estate,
        inputs: &'a BillingInputs,
        exceptions: &mut Vec<BillingException>,
    ) -> Result<Self, FeeError> {
        let mut extra: BTreeMap<&str, Vec<(NaiveDate, Decimal)>> = BTreeMap::new();
        for (i, r) in inputs.readings.iter().enumerate() {
            let problem = if estate.meter(&r.meter_id).is_none() {
                Some(FeeError::Unknown {
                    path: format!("readings[{i}].meter_id"),
                    what: "meter",
                    id: r.meter_id.clone(),
                })
            } else if r.value < Decimal::ZERO {
                Some(FeeError::Negative {
                    path: format!("readings[{i}].value"),
                    value: r.value,
                })
            } else {
                None
            };
            if let Some(error) = problem {
                if inputs.strict {
                    return Err(error);
                }
                exceptions.push(BillingException {
                    unit_id: estate.meter(&r.meter_id).and_then(|m| m.unit_id.clone()),
                    item_code: None,
                    meter_id: Some(r.meter_id.clone()),
                    error,
                });
                continue;
            }
            extra
                .entry(&r.meter_id)
                .or_default()
                .push((r.date, r.value));
        }
        let mut changes = BTreeMap::new();
        for (i, c) in inputs.meter_changes.iter().enumerate() {
            if estate.meter(&c.meter_id).is_none() {
                return Err(FeeError::Unknown {
                    path: format!("meter_changes[{i}].meter_id"),
                    what: "meter",
                    id: c.meter_id.clone(),
                });
            }
            changes.insert(c.meter_id.as_str(), (i, c.change));
        }
        Ok(Self {
            extra,
            changes,
            estimate: inputs.estimate.filter(|&n| n > 0),
            estimated: std::sync::Mutex::new(BTreeMap::new()),
            year_to_date: &inputs.year_to_date,
        })
    }

    /// The readings of `meter` from the inputs.
    fn extra_of(&self, meter: &Meter) -> &[(NaiveDate, Decimal)] {
        self.extra
            .get(meter.id.as_str())
            .map_or(&[][..], Vec::as_slice)
    }

    /// The meter's readings dated where `estate_days` admits, with the run's input
    /// readings dated where `input_days` admits, in date order: an input's reading
    /// replaces the estate's of the same day (as in `pair`).
    fn history(
        &self,
        meter: &Meter,
        estate_days: impl Fn(NaiveDate) -> bool,
        input_days: impl Fn(NaiveDate) -> bool,
    ) -> Vec<Point> {
        let mut points: Vec<Point> = meter
            .readings
            .iter()
            .filter(|r| estate_days(r.date))
            .map(|r| Point {
                date: r.date,
                value: r.value,
                estimated: r.estimated,
            })
            .collect();
        let extra = self.extra_of(meter);
        if extra.is_empty() {
            return points;
        }
        points.extend(
            extra
                .iter()
                .filter(|&&(date, _)| input_days(date))
                .map(|&(date, value)| Point {
                    date,
                    value,
                    estimated: false,
                }),
        );
        // Stable: an input's reading is the last of its day and replaces the estate's.
        points.sort_by_key(|p| p.date);
        let mut merged: Vec<Point> = Vec::with_capacity(points.len());
        for p in points {
            match merged.last_mut() {
                Some(last) if last.date == p.date => *last = p,
                _ => merged.push(p),
            }
        }
        merged
    }

    /// `(previous, current)` for the period: the latest reading before the period (or
    /// the first within it, e.g. a check-in base reading) and the latest within it.
    /// Without a reading in the period, with [`BillingInputs::estimate`] set, the
    /// current value of a unit meter is estimated (see [`Self::estimated`]).
    fn pair(
        &self,
        meter: &Meter,
        period: &BillingPeriod,
    ) -> Result<(Point, Point, Option<EstimateBasis>), FeeError> {
        let extra = self.extra_of(meter);
        crate::estate::count_meter_records(meter.readings.len() + extra.len());
        let all = meter
            .readings
            .iter()
            .map(|r| Point {
                date: r.date,
                value: r.value,
                estimated: r.estimated,
            })
            .chain(extra.iter().map(|&(date, value)| Point {
                date,
                value,
                estimated: false,
            }));
        let mut before: Option<Point> = None;
        let mut first_in: Option<Point> = None;
        let mut last_in: Option<Point> = None;
        let mut later = false;
        for p in all {
            let date = p.date;
            if date < period.start {
                if before.is_none_or(|b| date >= b.date) {
                    before = Some(p);
                }
            } else if date <= period.end {
                if first_in.is_none_or(|f| date < f.date) {
                    first_in = Some(p);
                }
                if last_in.is_none_or(|l| date >= l.date) {
                    last_in = Some(p);
                }
            } else {
                later = true;
            }
        }
        let path = || format!("meters[{}]", meter.id);
        let Some(current) = last_in else {
            let missing = |why: Option<&str>| FeeError::MissingReading {
                path: path(),
                meter_id: meter.id.clone(),
                when: match why {
                    None => format!("between {} and {}", period.start, period.end),
                    Some(why) => format!(
                        "between {} and {} (not estimated: {why})",
                        period.start, period.end
                    ),
                },
            };
            let Some(periods) = self.estimate else {
                return Err(missing(None));
            };
            return match self.estimated(meter, period, before, later, periods) {
                Ok((previous, current, basis)) => Ok((previous, current, Some(basis))),
                Err(why) => Err(missing(Some(why))),
            };
        };
        let previous = match before {
            Some(b) => b,
            None => first_in.filter(|f| f.date < current.date).ok_or_else(|| {
                FeeError::MissingReading {
                    path: path(),
                    meter_id: meter.id.clone(),
                    when: format!(
                        "before {} (or a base reading earlier in the period)",
                        current.date
                    ),
                }
            })?,
        };
        Ok((previous, current, None))
    }

    /// The change applied between readings on `from` and `to`: the one the estate
    /// records on a day in `(from, to]`, or else the inputs' (undated) change of the
    /// meter.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] naming `meter_changes[i]` when the estate records a
    /// change in the interval and the inputs give one too (a change is applied
    /// once), and naming `meters[id].changes` for two recorded changes in one interval.
    fn change_between(
        &self,
        meter: &Meter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<MeterChange>, FeeError> {
        let mut stored = meter
            .changes
            .iter()
            .filter(|c| c.date > from && c.date <= to);
        let first = stored.next();
        if let (Some(a), Some(b)) = (first, stored.next()) {
            return Err(FeeError::value(
                "inconsistent_readings",
                format!("meters[{}].changes", meter.id),
                format!(
                    "two changes of meter {:?} between its readings of {from} and {to} (on {} and {}): \
                     one change per billed interval; record a reading between them",
                    meter.id, a.date, b.date
                ),
            ));
        }
        let input = self.changes.get(meter.id.as_str());
        match (first, input) {
            (Some(stored), Some(&(i, _))) => Err(FeeError::value(
                "inconsistent_readings",
                format!("meter_changes[{i}]"),
                format!(
                    "meter {:?} has a change recorded in the estate on {} (between its readings of \
                     {from} and {to}): a change is applied once; leave it out of the billing inputs",
                    meter.id, stored.date
                ),
            )),
            (Some(stored), None) => Ok(Some(stored.change)),
            (None, input) => Ok(input.map(|&(_, c)| c)),
        }
    }

    /// The estimated register value of `meter` on the period's last day, or why it
    /// cannot be estimated. See [`bill_estate`], "Estimates".
    fn estimated(
        &self,
        meter: &Meter,
        period: &BillingPeriod,
        before: Option<Point>,
        later: bool,
        periods: u32,
    ) -> Result<(Point, Point, EstimateBasis), &'static str> {
        if meter.unit_id.is_none() {
            return Err("a common or master meter is never estimated");
        }
        let previous = before.ok_or("no earlier reading")?;
        if later {
            return Err("the meter has a later reading");
        }
        if self.changes.contains_key(meter.id.as_str())
            || meter
                .changes
                .iter()
                .any(|c| c.date > previous.date && c.date <= period.end)
        {
            return Err("a meter change is recorded since its last reading: read the meter");
        }
        // Every reading before the period, in date order (an input's reading replaces
        // the estate's of the same day, as in `pair`).
        let history = self.history(meter, |d| d < period.start, |_| true);
        let real: Vec<usize> = (0..history.len())
            .filter(|&i| history.get(i).is_some_and(|p| !p.estimated))
            .collect();
        // Periods between real readings: the last `periods`, or as many as there are.
        let used = (periods as usize).min(real.len().saturating_sub(1));
        let first_real = real.len().checked_sub(used + 1).and_then(|k| real.get(k));
        let (true, Some(&from), Some(&to)) = (used > 0, first_real, real.last()) else {
            return Err("fewer than two real readings");
        };
        let window = history
            .get(from..=to)
            .ok_or("fewer than two real readings")?;
        let mut consumption = Decimal::ZERO;
        let mut precision = 0;
        for pair in window.windows(2) {
            let [a, b] = pair else { continue };
            let change = self
                .change_between_stored(meter, a.date, b.date)
                .ok_or("two meter changes between two readings of its history")?;
            consumption = register_delta(&meter.id, a.value, b.value, change)
                .and_then(|d| add(consumption, d, ""))
                .map_err(|_| "its history does not fit a decimal")?;
        }
        for p in window.iter().filter(|p| !p.estimated) {
            precision = precision.max(p.value.scale());
        }
        if consumption < Decimal::ZERO {
            return Err("its history has a negative consumption");
        }
        let (Some(first), Some(last)) = (window.first(), window.last()) else {
            return Err("fewer than two real readings");
        };
        let history_days = (last.date - first.date).num_days();
        let days = (period.end - previous.date).num_days();
        let estimate = consumption
            .checked_mul(Decimal::from(days))
            .and_then(|x| x.checked_div(Decimal::from(history_days)))
            .map(|x| x.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero))
            .and_then(|x| previous.value.checked_add(x))
            .ok_or("the estimate does not fit a decimal")?;
        let current = Point {
            date: period.end,
            value: estimate,
            estimated: true,
        };
        self.estimated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                meter.id.clone(),
                ReadingUpdate {
                    meter_id: meter.id.clone(),
                    date: current.date,
                    value: current.value,
                    estimated: true,
                },
            );
        Ok((
            previous,
            current,
            EstimateBasis {
                // At most `periods`, a u32.
                periods: u32::try_from(used).unwrap_or(periods),
                history_consumption: consumption,
                history_days,
                days,
            },
        ))
    }

    /// The change the estate records between readings on `from` and `to` (`None`
    /// when it records two).
    fn change_between_stored(
        &self,
        meter: &Meter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<Option<MeterChange>> {
        let mut stored = meter
            .changes
            .iter()
            .filter(|c| c.date > from && c.date <= to);
        match (stored.next(), stored.next()) {
            (first, None) => Some(first.map(|c| c.change)),
            _ => None,
        }
    }

    /// The meter's consumption in the period. After an estimated previous value the
    /// consumption is `current − estimate` (adjusted for a change), which may be
    /// negative; otherwise [`consumption`]'s rules hold (a reading below the previous
    /// one needs a recorded change).
    pub(super) fn consumption(
        &self,
        meter: &Meter,
        period: &BillingPeriod,
    ) -> Result<Metered, FeeError> {
        let (previous, current, estimate) = self.pair(meter, period)?;
        let change = self.change_between(meter, previous.date, current.date)?;
        let used = if previous.estimated {
            let path = format!("meters[{}]", meter.id);
            mul(
                register_delta(&meter.id, previous.value, current.value, change)?,
                meter.multiplier,
                &path,
            )?
        } else {
            consumption(
                &meter.id,
                previous.value,
                current.value,
                meter.multiplier,
                change,
            )?
        };
        Ok(Metered {
            previous,
            current,
            change,
            estimate,
            used,
        })
    }

    /// The meter's consumption in its tier year (from `start`) before the bill that
    /// starts from `previous`: from its readings when it has one dated before
    /// `cutoff` (see [`Self::year_to_date_read`]), else
    /// [`BillingInputs::year_to_date`].
    ///
    /// # Errors
    /// [`FeeError::MissingReading`] naming the meter when neither gives it; any error
    /// of [`Self::year_to_date_read`].
    pub(super) fn year_to_date(
        &self,
        meter: &Meter,
        start: NaiveDate,
        cutoff: NaiveDate,
        previous: &Point,
    ) -> Result<Decimal, FeeError> {
        if let Some(read) = self.year_to_date_read(meter, cutoff, previous)? {
            return Ok(read);
        }
        if let Some(given) = self.year_to_date.get(&meter.id) {
            return Ok(*given);
        }
        Err(FeeError::MissingReading {
            path: format!("meters[{}]", meter.id),
            meter_id: meter.id.clone(),
            when: if cutoff == start {
                format!(
                    "before {start}, the start of its tier year, and no year_to_date is given for it"
                )
            } else {
                format!(
                    "before {cutoff}, where the readings billed in its tier year from {start} begin, \
                     and no year_to_date is given for it"
                )
            },
        })
    }

    /// The meter's consumption from its latest reading dated before `cutoff` (the
    /// reading its tier year's first bill starts from) to `previous` (the reading this
    /// bill starts from), recorded changes applied, × the multiplier; `None` when it
    /// has no reading before `cutoff` (its readings do not cover the tier year).
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] naming `meters[id].changes` for two recorded changes
    /// between two of those readings, or `meters[id]` when a sum is too large.
    fn year_to_date_read(
        &self,
        meter: &Meter,
        cutoff: NaiveDate,
        previous: &Point,
    ) -> Result<Option<Decimal>, FeeError> {
        let up_to_previous = |d: NaiveDate| d <= previous.date;
        let points = self.history(meter, up_to_previous, up_to_previous);
        let Some(base) = points.iter().rposition(|p| p.date < cutoff) else {
            return Ok(None);
        };
        let path = format!("meters[{}]", meter.id);
        let mut total = Decimal::ZERO;
        for pair in points.get(base..).unwrap_or_default().windows(2) {
            let [a, b] = pair else { continue };
            let change = self
                .change_between_stored(meter, a.date, b.date)
                .ok_or_else(|| {
                    FeeError::value(
                        "inconsistent_readings",
                        format!("meters[{}].changes", meter.id),
                        format!(
                            "two changes of meter {:?} between its readings of {} and {}: \
                             one change per billed interval; record a reading between them",
                            meter.id, a.date, b.date
                        ),
                    )
                })?;
            total = add(
                total,
                register_delta(&meter.id, a.value, b.value, change)?,
                &path,
            )?;
        }
        Ok(Some(mul(total, meter.multiplier, &path)?))
    }

    /// What the run estimated, in the estate's meter order.
    pub(super) fn estimated_readings(&self, estate: &Estate) -> Vec<ReadingUpdate> {
        let mut estimated = std::mem::take(
            &mut *self
                .estimated
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if estimated.is_empty() {
            return Vec::new();
        }
        estate
            .meters()
            .iter()
            .filter_map(|m| estimated.remove(&m.id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn a_register_delta_follows_the_change() {
        assert_eq!(
            register_delta("W", dec("100"), dec("130"), None),
            Ok(dec("30"))
        );
        // After an estimate above the real value: negative, a credit.
        assert_eq!(
            register_delta("W", dec("140"), dec("130"), None),
            Ok(dec("-10"))
        );
        let replaced = MeterChange::Replacement {
            old_final: dec("120"),
            new_initial: dec("0"),
        };
        assert_eq!(
            register_delta("W", dec("100"), dec("5"), Some(replaced)),
            Ok(dec("25"))
        );
        let rolled = MeterChange::Rollover {
            wraps_at: dec("1000"),
        };
        assert_eq!(
            register_delta("W", dec("990"), dec("10"), Some(rolled)),
            Ok(dec("20"))
        );
        let e = register_delta("W", Decimal::MIN, Decimal::MAX, None).unwrap_err();
        assert_eq!((e.code(), e.path()), ("overflow", "meters[W]"));
    }

    #[test]
    fn a_bad_reading_row_is_set_aside_unless_strict() {
        let estate = Estate::demo();
        let mut inputs = BillingInputs::default();
        inputs.readings.push(super::super::ReadingInput {
            meter_id: "NOPE".into(),
            date: "2026-10-31".parse().expect("date"),
            value: dec("1"),
        });
        let mut exceptions = Vec::new();
        let readings = MeterReadings::new(&estate, &inputs, &mut exceptions).expect("readings");
        assert!(readings.extra.is_empty());
        assert_eq!(exceptions.len(), 1);
        assert_eq!(
            (exceptions[0].code(), exceptions[0].error.path()),
            ("unknown_reference", "readings[0].meter_id")
        );
        inputs.strict = true;
        let e = MeterReadings::new(&estate, &inputs, &mut Vec::new())
            .err()
            .expect("strict");
        assert_eq!(
            e.to_string(),
            "readings[0].meter_id: unknown meter \"NOPE\""
        );
    }

    #[test]
    fn nothing_estimated_means_no_readings_to_store() {
        let estate = Estate::demo();
        let inputs = BillingInputs::default();
        let readings = MeterReadings::new(&estate, &inputs, &mut Vec::new()).expect("readings");
        assert!(readings.estimated_readings(&estate).is_empty());
    }
}
