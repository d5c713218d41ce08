//! A run as JSON: [`BillingRun::to_json`] writes every view of it, and
//! [`BillingRun::from_json`] reads it back, checking every figure that follows from
//! the lines.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::estate::{AreaUnit, ReadingUpdate};
use crate::fees::{FeeError, add};
use crate::money;

use super::explain::Explanation;
use super::inputs::{BillingException, BillingPeriod};
use super::run::{BillSlot, BillingRun, ItemText, Kind, Line, PoolSummary, index_u32};

/// A [`BillingException`] as the run's JSON writes it: the error's code, path and
/// message with the fields it was made of, so that reading it back rebuilds it.
#[derive(Serialize)]
pub(super) struct ExceptionOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meter_id: Option<&'a str>,
    error: ErrorOut<'a>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    meter_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a str>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    previous: Option<Decimal>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    current: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    what: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<Decimal>,
    message: String,
}

impl<'a> ExceptionOut<'a> {
    pub(super) fn of(e: &'a BillingException) -> Self {
        let mut error = ErrorOut {
            code: e.error.code(),
            path: e.error.path(),
            meter_id: None,
            when: None,
            previous: None,
            current: None,
            what: None,
            id: None,
            value: None,
            message: e.error.to_string(),
        };
        match &e.error {
            FeeError::MissingReading { meter_id, when, .. } => {
                error.meter_id = Some(meter_id);
                error.when = Some(when);
            }
            FeeError::ReadingBelowPrevious {
                meter_id,
                previous,
                current,
                ..
            } => {
                error.meter_id = Some(meter_id);
                error.previous = Some(*previous);
                error.current = Some(*current);
            }
            FeeError::Unknown { what, id, .. } => {
                error.what = Some(what);
                error.id = Some(id);
            }
            FeeError::Negative { value, .. } => error.value = Some(*value),
            // A run makes exceptions of the four errors above only.
            _ => {}
        }
        Self {
            unit_id: e.unit_id.as_deref(),
            item_code: e.item_code.as_deref(),
            meter_id: e.meter_id.as_deref(),
            error,
        }
    }
}

/// The document [`BillingRun::from_json`] reads (what its `Serialize` writes).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunDoc {
    estate_id: String,
    currency: String,
    #[serde(default)]
    area_unit: AreaUnit,
    period: PeriodDoc,
    issued_on: NaiveDate,
    bills: Vec<BillDoc>,
    pools: Vec<PoolDoc>,
    #[serde(default)]
    exceptions: Vec<ExceptionDoc>,
    #[serde(default)]
    estimated_readings: Vec<ReadingUpdate>,
}

#[derive(Deserialize, Clone, Copy, PartialEq)]
#[serde(deny_unknown_fields)]
struct PeriodDoc {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BillDoc {
    unit_id: String,
    period: PeriodDoc,
    issued_on: NaiveDate,
    lines: Vec<LineDoc>,
    #[serde(with = "crate::json::decimal")]
    total: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDoc {
    item_code: String,
    name_zh: String,
    name_en: String,
    #[serde(with = "crate::json::decimal")]
    amount: Decimal,
    due: NaiveDate,
    explanation: Explanation,
    #[serde(default)]
    estimated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolDoc {
    code: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(with = "crate::json::decimal")]
    source_amount: Decimal,
    #[serde(default, with = "crate::json::decimal_opt")]
    consumption: Option<Decimal>,
    #[serde(with = "crate::json::decimal")]
    deduction: Decimal,
    #[serde(with = "crate::json::decimal")]
    admin_fee: Decimal,
    #[serde(with = "crate::json::decimal")]
    split_amount: Decimal,
    #[serde(with = "crate::json::decimal")]
    shares_total: Decimal,
    participants: usize,
    #[serde(with = "crate::json::decimal")]
    adjustment: Decimal,
    adjusted_count: usize,
    #[serde(with = "crate::json::decimal")]
    set_aside: Decimal,
    #[expect(
        dead_code,
        reason = "rebuilt from the lines' explanations and compared with the document"
    )]
    adjusted_units: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionDoc {
    #[serde(default)]
    unit_id: Option<String>,
    #[serde(default)]
    item_code: Option<String>,
    #[serde(default)]
    meter_id: Option<String>,
    error: ErrorDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorDoc {
    code: String,
    path: String,
    #[serde(default)]
    meter_id: Option<String>,
    #[serde(default)]
    when: Option<String>,
    #[serde(default, with = "crate::json::decimal_opt")]
    previous: Option<Decimal>,
    #[serde(default, with = "crate::json::decimal_opt")]
    current: Option<Decimal>,
    #[serde(default)]
    what: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default, with = "crate::json::decimal_opt")]
    value: Option<Decimal>,
    message: String,
}

impl ErrorDoc {
    /// The error this entry describes; `at` is its path in the document.
    fn rebuild(self, at: &str) -> Result<FeeError, FeeError> {
        fn need<T>(v: Option<T>, at: &str, field: &str) -> Result<T, FeeError> {
            v.ok_or_else(|| FeeError::Json {
                path: format!("{at}.{field}"),
                message: format!("missing field `{field}`"),
            })
        }
        let path = self.path;
        let error = match self.code.as_str() {
            "missing_reading" => FeeError::MissingReading {
                path,
                meter_id: need(self.meter_id, at, "meter_id")?,
                when: need(self.when, at, "when")?,
            },
            "reading_below_previous" => FeeError::ReadingBelowPrevious {
                path,
                meter_id: need(self.meter_id, at, "meter_id")?,
                previous: need(self.previous, at, "previous")?,
                current: need(self.current, at, "current")?,
            },
            "unknown_reference" => FeeError::Unknown {
                path,
                what: match need(self.what, at, "what")?.as_str() {
                    "meter" => "meter",
                    other => {
                        return Err(FeeError::value(
                            "unknown_value",
                            format!("{at}.what"),
                            format!("a billing run sets aside unknown meters only, not {other:?}"),
                        ));
                    }
                },
                id: need(self.id, at, "id")?,
            },
            "negative" => FeeError::Negative {
                path,
                value: need(self.value, at, "value")?,
            },
            other => {
                return Err(FeeError::value(
                    "unknown_value",
                    format!("{at}.code"),
                    format!(
                        "{other:?} is not a problem a billing run sets aside (missing_reading, \
                         reading_below_previous, unknown_reference, negative)"
                    ),
                ));
            }
        };
        if error.to_string() != self.message {
            return Err(FeeError::Inconsistent {
                path: format!("{at}.message"),
                reason: format!(
                    "the error's fields give {:?}, the document {:?}",
                    error.to_string(),
                    self.message
                ),
            });
        }
        Ok(error)
    }
}

impl BillingRun {
    /// The run as JSON (pretty-printed, decimals as strings): `estate_id`,
    /// `currency`, `period`, `issued_on`, `bills` (every line with its explanation),
    /// `pools` (each with its `adjusted_units`), and, when not empty, `exceptions` and
    /// `estimated_readings`. [`BillingRun::from_json`] reads it back.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert!(run.to_json().starts_with("{\n  \"estate_id\": \"lakeside\""));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a billing run serializes: string keys, decimals as strings")
    }

    /// Reads a run written by [`BillingRun::to_json`]: every view of the run read back
    /// (`bills`, `bill`, `to_records`, `total`, `pools`, `adjusted_units`,
    /// `exceptions`, `estimated_readings`, `to_json`) is the original's, and the two
    /// runs are equal. Nothing is recomputed from an estate or a schedule: the lines
    /// are taken as written, and what follows from them is checked.
    ///
    /// # Errors
    /// [`FeeError::Json`] naming the bad field (strict: no unknown fields, decimals as
    /// exact strings); [`FeeError::InvalidValue`] for a document no run can produce (a
    /// currency that is not three capital letters, a period ending before it starts,
    /// an empty or duplicate unit id, a bill without lines, line amounts of different
    /// scales, a date outside the years 1–9999, an exception that is not one of the
    /// four problems a run sets aside); [`FeeError::Inconsistent`] naming the first
    /// figure that contradicts the lines (a bill total that is not the sum of its
    /// lines, a pool whose lines do not sum to its shares less the set-aside ones, a
    /// line's `estimated` flag, a bill's period or issue date that is not the run's,
    /// a pool's `adjusted_units` that are not the units whose share's explanation
    /// shows an adjustment, an exception's message).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse()?);
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let back = BillingRun::from_json(&run.to_json())?;
    /// assert_eq!(back, run);
    /// assert_eq!((back.to_json(), back.to_records()), (run.to_json(), run.to_records()));
    /// // A line amount changed: its bill's total no longer adds up.
    /// let forged = run.to_json().replacen("\"amount\": \"331.15\"", "\"amount\": \"301.15\"", 1);
    /// let e = BillingRun::from_json(&forged).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("inconsistent_document", "bills[0].total"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        let json = |f: crate::json::JsonFailure| FeeError::Json {
            path: f.path,
            message: f.message,
        };
        // Read without a `serde_json::Value` tree of the document (10 to 15 bytes
        // of memory per byte): syntax first, then the typed document, then the
        // comparison with the rebuilt run, each a pass over the text.
        crate::json::check_syntax(text).map_err(json)?;
        let doc: RunDoc = crate::json::parse_checked(text).map_err(json)?;
        let run = Self::from_doc(doc)?;
        let rebuilt =
            serde_json::to_string(&run).expect("a billing run serializes: string keys, no floats");
        if let Some((path, reason)) = crate::json::first_contradiction(text, &rebuilt) {
            return Err(FeeError::Inconsistent {
                path,
                reason: reason.replace("the history gives", "the lines give"),
            });
        }
        Ok(run)
    }

    fn from_doc(doc: RunDoc) -> Result<Self, FeeError> {
        let inconsistent = |path: String, reason: String| FeeError::Inconsistent { path, reason };
        let in_years = |d: NaiveDate, path: &str| {
            if (1..=9999).contains(&d.year()) {
                Ok(())
            } else {
                Err(FeeError::value(
                    "out_of_range",
                    path,
                    format!("{d} is outside the supported years 1–9999"),
                ))
            }
        };
        if doc.estate_id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "estate_id",
                "a run needs an estate id",
            ));
        }
        if !(doc.currency.len() == 3 && doc.currency.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(FeeError::value(
                "invalid_currency",
                "currency",
                format!(
                    "{:?} is not an ISO 4217 currency code (three capital letters)",
                    doc.currency
                ),
            ));
        }
        let period = BillingPeriod {
            start: doc.period.start,
            end: doc.period.end,
        };
        in_years(period.start, "period.start")?;
        in_years(period.end, "period.end")?;
        if period.end < period.start {
            return Err(FeeError::value(
                "ends_before_starts",
                "period.end",
                format!("{} is before the start {}", period.end, period.start),
            ));
        }
        in_years(doc.issued_on, "issued_on")?;
        // The scale of every amount: the first line's.
        let scale = doc
            .bills
            .iter()
            .flat_map(|b| b.lines.first())
            .map(|l| l.amount.scale())
            .next()
            .or_else(|| doc.pools.first().map(|p| p.split_amount.scale()))
            .unwrap_or(2);
        let mut items: Vec<ItemText> = Vec::new();
        let mut item_of: HashMap<(String, String, String, NaiveDate), u16> = HashMap::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut ids = String::new();
        let mut slots = Vec::with_capacity(doc.bills.len() + 1);
        let mut lines = Vec::new();
        let mut others = Vec::new();
        let mut odd_totals = Vec::with_capacity(doc.bills.len());
        let mut totals = vec![Decimal::new(0, scale)];
        // Per item code: the sum of its lines.
        let mut by_code: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (i, bill) in doc.bills.iter().enumerate() {
            let at = |f: &str| format!("bills[{i}].{f}");
            if bill.unit_id.trim().is_empty() {
                return Err(FeeError::value(
                    "empty_field",
                    at("unit_id"),
                    "a bill needs a unit id",
                ));
            }
            if let Some(first) = seen.insert(&bill.unit_id, i) {
                return Err(FeeError::value(
                    "duplicate_id",
                    at("unit_id"),
                    format!(
                        "unit {:?} is billed twice (also bills[{first}])",
                        bill.unit_id
                    ),
                ));
            }
            if bill.period != doc.period {
                return Err(inconsistent(
                    at("period"),
                    format!(
                        "the run's period is {}..{}, the bill's {}..{}",
                        period.start, period.end, bill.period.start, bill.period.end
                    ),
                ));
            }
            if bill.issued_on != doc.issued_on {
                return Err(inconsistent(
                    at("issued_on"),
                    format!(
                        "the run is issued on {}, the bill on {}",
                        doc.issued_on, bill.issued_on
                    ),
                ));
            }
            if bill.lines.is_empty() {
                return Err(FeeError::value(
                    "missing_value",
                    at("lines"),
                    "a bill has at least one line (a unit not charged has no bill)",
                ));
            }
            let id_start = index_u32(ids.len(), "unit id bytes")?;
            ids.push_str(&bill.unit_id);
            slots.push(BillSlot {
                id_start,
                start: index_u32(lines.len(), "lines")?,
            });
            let mut amounts = Vec::with_capacity(bill.lines.len());
            for (j, l) in bill.lines.iter().enumerate() {
                let at = |f: &str| format!("bills[{i}].lines[{j}].{f}");
                if l.amount.scale() != scale {
                    return Err(FeeError::value(
                        "mismatch",
                        at("amount"),
                        format!(
                            "{} has {} decimal places, the run's amounts {scale}",
                            l.amount,
                            l.amount.scale()
                        ),
                    ));
                }
                in_years(l.due, &at("due"))?;
                if l.estimated != l.explanation.is_estimated() {
                    return Err(inconsistent(
                        at("estimated"),
                        format!(
                            "the explanation gives {}, the document {}",
                            l.explanation.is_estimated(),
                            l.estimated
                        ),
                    ));
                }
                if let Explanation::Pooled { method, .. } = &l.explanation
                    && !["area", "usage", "equal", "occupants", "hybrid"].contains(&&**method)
                {
                    return Err(FeeError::value(
                        "unknown_value",
                        at("explanation.method"),
                        format!(
                            "{method:?} is not a split method (area, usage, equal, occupants, hybrid)"
                        ),
                    ));
                }
                let key = (
                    l.item_code.clone(),
                    l.name_zh.clone(),
                    l.name_en.clone(),
                    l.due,
                );
                let item = match item_of.get(&key) {
                    Some(&k) => k,
                    None => {
                        let k = u16::try_from(items.len()).map_err(|_| {
                            FeeError::value(
                                "too_many",
                                at("item_code"),
                                "more than 65536 fee items in a run",
                            )
                        })?;
                        items.push(ItemText {
                            code: l.item_code.as_str().into(),
                            zh: l.name_zh.as_str().into(),
                            en: l.name_en.as_str().into(),
                            due: l.due,
                        });
                        item_of.insert(key, k);
                        k
                    }
                };
                let slot = by_code.entry(&l.item_code).or_insert(Decimal::ZERO);
                *slot = add(*slot, l.amount, &at("amount"))?;
                amounts.push(l.amount);
                lines.push(Line {
                    minor: 0,
                    value: 0,
                    idx: index_u32(others.len(), "explanations")?,
                    item,
                    // A share that received a minor unit says so in its explanation.
                    kind: match &l.explanation {
                        Explanation::Pooled { adjustment, .. } if !adjustment.is_zero() => {
                            Kind::OtherAdjusted
                        }
                        _ => Kind::Other,
                    },
                    value_scale: 0,
                });
                others.push((l.amount, l.explanation.clone()));
            }
            let sum = money::sum(&amounts).map_err(FeeError::money(at("total")))?;
            if sum != bill.total || bill.total.scale() != scale {
                return Err(inconsistent(
                    at("total"),
                    format!("the lines sum to {sum}, the document says {}", bill.total),
                ));
            }
            odd_totals.push((index_u32(i, "bills")?, bill.total));
            totals.push(bill.total);
        }
        slots.push(BillSlot {
            id_start: index_u32(ids.len(), "unit id bytes")?,
            start: index_u32(lines.len(), "lines")?,
        });
        let total = money::sum(&totals).map_err(FeeError::money("bills"))?;
        // Pools: their lines (of every version of the item in force) sum to their
        // shares less those set aside; the adjusted units have a line of the pool.
        let mut pools = Vec::with_capacity(doc.pools.len());
        let mut expected: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (k, p) in doc.pools.iter().enumerate() {
            let at = format!("pools[{k}].set_aside");
            let billed = p
                .shares_total
                .checked_sub(p.set_aside)
                .ok_or_else(|| FeeError::value("overflow", at.clone(), "too large"))?;
            let slot = expected.entry(&p.code).or_insert(Decimal::ZERO);
            *slot = add(*slot, billed, &at)?;
        }
        for (k, p) in doc.pools.iter().enumerate() {
            // A pool none of whose lines is in the document (every share set aside, or
            // no participant) has lines summing to zero: the default is the meaning.
            let lines_sum = by_code.get(p.code.as_str()).copied().unwrap_or_default();
            let want = expected[p.code.as_str()];
            if lines_sum != want {
                return Err(inconsistent(
                    format!("pools[{k}].shares_total"),
                    format!(
                        "the lines of {:?} sum to {lines_sum}, the pool's shares less those set aside to {want}",
                        p.code
                    ),
                ));
            }
            pools.push(PoolSummary {
                code: p.code.clone(),
                group: p.group.clone(),
                source_amount: p.source_amount,
                consumption: p.consumption,
                deduction: p.deduction,
                admin_fee: p.admin_fee,
                split_amount: p.split_amount,
                shares_total: p.shares_total,
                participants: p.participants,
                adjustment: p.adjustment,
                adjusted_count: p.adjusted_count,
                set_aside: p.set_aside,
            });
        }
        let mut exceptions = Vec::with_capacity(doc.exceptions.len());
        for (i, e) in doc.exceptions.into_iter().enumerate() {
            exceptions.push(BillingException {
                unit_id: e.unit_id,
                item_code: e.item_code,
                meter_id: e.meter_id,
                error: e.error.rebuild(&format!("exceptions[{i}].error"))?,
            });
        }
        for (i, r) in doc.estimated_readings.iter().enumerate() {
            in_years(r.date, &format!("estimated_readings[{i}].date"))?;
        }
        Ok(Self {
            estate_id: doc.estate_id,
            currency: doc.currency,
            area_unit: doc.area_unit,
            period,
            issued_on: doc.issued_on,
            pools,
            pool_params: vec![Vec::new(); items.len()],
            items,
            ids,
            slots,
            odd_totals,
            lines,
            area_params: Vec::new(),
            total,
            exceptions,
            estimated_readings: doc.estimated_readings,
            others,
            metered: Vec::new(),
            metered_params: Vec::new(),
            meter_ids: String::new(),
            scale,
            index: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(code: &str) -> ErrorDoc {
        ErrorDoc {
            code: code.into(),
            path: "meters[W]".into(),
            meter_id: Some("W".into()),
            when: Some("between 2026-10-01 and 2026-10-31".into()),
            previous: None,
            current: None,
            what: None,
            id: None,
            value: None,
            message: "meters[W]: meter \"W\" has no reading between 2026-10-01 and 2026-10-31"
                .into(),
        }
    }

    #[test]
    fn an_exception_is_written_with_its_fields_and_read_back() {
        let e = BillingException {
            unit_id: Some("1-101".into()),
            item_code: None,
            meter_id: Some("W".into()),
            error: FeeError::MissingReading {
                path: "meters[W]".into(),
                meter_id: "W".into(),
                when: "between 2026-10-01 and 2026-10-31".into(),
            },
        };
        let out = serde_json::to_value(ExceptionOut::of(&e)).expect("json");
        assert_eq!(out["error"]["code"], "missing_reading");
        assert_eq!(out["error"]["when"], "between 2026-10-01 and 2026-10-31");
        assert!(out.get("item_code").is_none());
        let mut read = doc("missing_reading");
        read.message = e.error.to_string();
        assert_eq!(read.rebuild("exceptions[0].error"), Ok(e.error));
    }

    #[test]
    fn only_the_problems_a_run_sets_aside_are_read() {
        let e = doc("overflow").rebuild("exceptions[3].error").unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("unknown_value", "exceptions[3].error.code")
        );
        let mut missing = doc("missing_reading");
        missing.when = None;
        let e = missing.rebuild("exceptions[0].error").unwrap_err();
        assert_eq!(
            e.to_string(),
            "exceptions[0].error.when: missing field `when`"
        );
        let mut forged = doc("missing_reading");
        forged.message = "something else".into();
        let e = forged.rebuild("exceptions[0].error").unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("inconsistent_document", "exceptions[0].error.message")
        );
    }
}
