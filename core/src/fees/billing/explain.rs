//! How a line was computed ([`Explanation`]) and its rendering as one line of text in
//! zh-CN or en; the lines and bills that carry explanations. Every word comes from
//! [`crate::i18n`]; this module only puts the numbers in place.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::estate::{AreaUnit, ChargeRounding, MeterKind, UnitStatus};
use crate::fees::calc::{MeterChange, TierUse};
use crate::fees::schedule::AreaBasis;
use crate::i18n::{BillPhrases, Label, Lang};

use super::inputs::BillingPeriod;

/// How a bill line was computed: the formula and its inputs.
///
/// ```
/// use estatekit::fees::billing::Explanation;
/// use estatekit::i18n::Lang;
/// let e = Explanation::Fixed { amount: "60.00".parse().unwrap(), served_days: 31, period_days: 31, factor: 1.into(), year_days: None };
/// assert_eq!(e.render(Lang::En, "60.00".parse().unwrap()), "60.00 per period = 60.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Explanation {
    /// `area × rate × months × served/period days × factor`.
    Area {
        /// Area charged, in the estate's `area_unit`.
        #[serde(with = "crate::json::decimal")]
        area: Decimal,
        /// Gross or internal.
        basis: AreaBasis,
        /// Rate per area unit per month.
        #[serde(with = "crate::json::decimal")]
        rate: Decimal,
        /// Months billed.
        months: u32,
        /// Days served in the billed span.
        served_days: i64,
        /// Days in the billed span.
        period_days: i64,
        /// Share paid for the unit's status (vacancy discount).
        #[serde(with = "crate::json::decimal")]
        factor: Decimal,
        /// With the `annual_365` day count, `365 × months`: a partly served span is
        /// charged `served_days × 12 ÷ year_days` of it. JSON: written only when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year_days: Option<i64>,
        /// The estate's area unit (JSON: written only when not `m2`).
        #[serde(default, skip_serializing_if = "AreaUnit::is_default")]
        area_unit: AreaUnit,
    },
    /// `amount × served/period days × factor`.
    Fixed {
        /// Amount per period.
        #[serde(with = "crate::json::decimal")]
        amount: Decimal,
        /// Days served.
        served_days: i64,
        /// Days in the period.
        period_days: i64,
        /// Share paid for the unit's status.
        #[serde(with = "crate::json::decimal")]
        factor: Decimal,
        /// With the `annual_365` day count, `365 × months`: a partly served span is
        /// charged `served_days × 12 ÷ year_days` of it. JSON: written only when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        year_days: Option<i64>,
    },
    /// `(current − previous) × multiplier`, priced by tiers.
    Metered(Box<MeteredExplanation>),
    /// `weight ÷ total weight × pooled amount`, with the rounding adjustment.
    Pooled {
        /// The amount split among the units (after deduction and admin fee).
        #[serde(with = "crate::json::decimal")]
        pool: Decimal,
        /// `area`, `usage`, `equal`, `occupants` or `hybrid`.
        method: Cow<'static, str>,
        /// This unit's weight.
        #[serde(with = "crate::json::decimal")]
        weight: Decimal,
        /// Sum of all weights.
        #[serde(with = "crate::json::decimal")]
        total_weight: Decimal,
        /// Units sharing.
        participants: usize,
        /// Minor unit added to this share to make the shares sum exactly (0 if none).
        #[serde(with = "crate::json::decimal")]
        adjustment: Decimal,
        /// How `weight` was prorated by the days the unit took part
        /// (`occupied_day_fraction`); `None` when it was not. JSON: written only when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prorated: Option<Box<ProratedWeight>>,
        /// The building or group whose pool this is, when the item is split per
        /// building or group (`split_by`); `None` for the estate's pool. JSON: written
        /// only when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Arc<str>>,
    },
    /// An area or fixed charge of a unit whose status changed within the span (the
    /// estate's [`status_history`](crate::estate::EstateData::status_history)):
    /// `charge × Σ(days × factor) ÷ period days`, each status's days at its factor.
    ByStatus {
        /// The charge for the whole span at 100 % (an `Area` or `Fixed` explanation).
        charge: Box<Explanation>,
        /// Days in the billed span.
        period_days: i64,
        /// The days of each status, in date order.
        parts: Vec<StatusPart>,
    },
    /// An area or fixed charge from a unit's delivery before the period, billed in
    /// one line with the period (the run's
    /// [`since`](super::BillingInputs::since)): each billing period's part, rounded by
    /// the estate's [`round`](crate::estate::EstateData::round) policy.
    Spanning {
        /// `per_month`: the line is the sum of the parts each rounded; `per_line`:
        /// the exact parts added and rounded once.
        round: ChargeRounding,
        /// Each billing period's part, in date order (the run's period last).
        parts: Vec<SpanPart>,
    },
}

/// One billing period's part of a [`Explanation::Spanning`] charge.
///
/// ```
/// use estatekit::fees::billing::{Explanation, SpanPart};
/// let p = SpanPart { start: "2026-08-20".parse().unwrap(), end: "2026-08-31".parse().unwrap(),
///     amount: "24.00".parse().unwrap(), charge: Explanation::Fixed { amount: "62.00".parse().unwrap(),
///     served_days: 12, period_days: 31, factor: 1.into(), year_days: None } };
/// assert_eq!(p.amount.to_string(), "24.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanPart {
    /// First day charged in the part (the delivery date in the first part).
    pub start: NaiveDate,
    /// Last day of the part.
    pub end: NaiveDate,
    /// The part's amount as the line adds it: rounded with the estate's policy
    /// (`per_month`), or exact (`per_line`).
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// How the part was computed (an `Area`, `Fixed` or `ByStatus` explanation).
    pub charge: Explanation,
}

/// The days of a span a unit held one status, and the share it pays in it.
///
/// ```
/// use estatekit::fees::billing::StatusPart;
/// use estatekit::estate::UnitStatus;
/// let p = StatusPart { status: UnitStatus::Delivered, days: 16, factor: "0.7".parse().unwrap() };
/// assert_eq!(p.days, 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusPart {
    /// The status.
    pub status: UnitStatus,
    /// Days held within the span.
    pub days: i64,
    /// Share paid for it (the item's status factor).
    #[serde(with = "crate::json::decimal")]
    pub factor: Decimal,
}

/// A pooled weight prorated by days (`occupied_day_fraction`): the weight is
/// `metric × served_days ÷ period_days`, shown as such in the explanation (the
/// quotient itself has no finite decimal in general).
///
/// ```
/// use estatekit::fees::billing::ProratedWeight;
/// let p = ProratedWeight { metric: "62.00".parse().unwrap(), served_days: 11, period_days: 31 };
/// assert_eq!(p.served_days, 11);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProratedWeight {
    /// The unit's metric before proration (area, usage, occupants or 1).
    #[serde(with = "crate::json::decimal")]
    pub metric: Decimal,
    /// Days the unit took part in the period.
    pub served_days: i64,
    /// Days in the period.
    pub period_days: i64,
}

/// The inputs of a metered line (boxed in [`Explanation::Metered`]: it is the largest).
///
/// ```
/// use estatekit::fees::billing::MeteredExplanation;
/// use estatekit::estate::MeterKind;
/// let m = MeteredExplanation { meter_id: "W-1".into(), meter_kind: MeterKind::Water, previous: 1.into(),
///     current: 3.into(), multiplier: 1.into(), change: None, consumption: 2.into(), tiers: vec![],
///     estimated: false, previous_estimated: false, estimate: None, tier_year: None };
/// assert_eq!(m.consumption, 2.into());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteredExplanation {
    /// Meter id.
    pub meter_id: String,
    /// Meter kind.
    pub meter_kind: MeterKind,
    /// Previous register value.
    #[serde(with = "crate::json::decimal")]
    pub previous: Decimal,
    /// Current register value.
    #[serde(with = "crate::json::decimal")]
    pub current: Decimal,
    /// Multiplier.
    #[serde(with = "crate::json::decimal")]
    pub multiplier: Decimal,
    /// Replacement or rollover recorded for the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<MeterChange>,
    /// Consumption.
    #[serde(with = "crate::json::decimal")]
    pub consumption: Decimal,
    /// Quantity and price per tier (negative for the credit of a true-up).
    pub tiers: Vec<TierUse>,
    /// The current register value is an estimate (估抄), made by this run (see
    /// `estimate`) or stored in the estate by an earlier one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
    /// The previous register value was an estimate: this consumption trues it up,
    /// and may be negative (a credit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub previous_estimated: bool,
    /// How this run estimated the current register value, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateBasis>,
    /// With `year` tier limits: the tier year and the meter's consumption in it
    /// before this line's (the `tiers` are the blocks this consumption fell in
    /// after it). JSON: written only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_year: Option<TierYear>,
}

/// The tier year of a metered line with annual (cumulative) tier limits: its first
/// day and the consumption billed in it before the line (year to date), from the
/// estate's readings or the billing inputs.
///
/// ```
/// use estatekit::fees::billing::TierYear;
/// let y = TierYear { start: "2026-01-01".parse().unwrap(), to_date: 172.into() };
/// assert_eq!(y.to_date, 172.into());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierYear {
    /// The tier year's first day.
    pub start: NaiveDate,
    /// The consumption in the tier year before the line's.
    #[serde(with = "crate::json::decimal")]
    pub to_date: Decimal,
}

/// How a missing reading was estimated (估抄): the meter's consumption over its last
/// periods of real readings, scaled to the days since its previous reading.
///
/// Estimated consumption = `history_consumption × days ÷ history_days`, rounded
/// half-up to the reading precision (the most decimal places among the real readings
/// used); the estimated register value is the previous one plus it.
///
/// ```
/// use estatekit::fees::billing::EstimateBasis;
/// let b = EstimateBasis { periods: 3, history_consumption: 30.into(), history_days: 92, days: 30 };
/// assert_eq!(b.periods, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateBasis {
    /// Periods between real readings used (at most [`BillingInputs::estimate`](super::BillingInputs::estimate)).
    pub periods: u32,
    /// Register consumption over those periods (before the multiplier).
    #[serde(with = "crate::json::decimal")]
    pub history_consumption: Decimal,
    /// Days those periods span.
    pub history_days: i64,
    /// Days from the previous reading to the estimated one.
    pub days: i64,
}

/// Decimal places at which an explanation shows a weight, a total weight or a
/// percentage share that has more: [`WEIGHT_PLACES`] (rounded half away from zero and
/// marked `≈`). A figure with at most that many places is shown as it is.
const WEIGHT_PLACES: u32 = 4;

/// A weight for display: as given when it has at most [`WEIGHT_PLACES`] places (or
/// has only trailing zeros beyond them), else `≈` and the weight at that many places.
fn shown(d: Decimal) -> String {
    if d.scale() <= WEIGHT_PLACES {
        return d.to_string();
    }
    let r = d.round_dp_with_strategy(
        WEIGHT_PLACES,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    if r == d {
        d.normalize().to_string()
    } else {
        format!("≈ {r}")
    }
}

fn pct(f: Decimal) -> String {
    format!("{}%", (f * Decimal::ONE_HUNDRED).normalize())
}

impl Explanation {
    /// The explanation as one line of text in `lang`, ending with `= amount`.
    ///
    /// ```
    /// use estatekit::fees::billing::Explanation;
    /// use estatekit::fees::schedule::AreaBasis;
    /// use estatekit::i18n::Lang;
    /// let e = Explanation::Area { area: "89.50".parse().unwrap(), basis: AreaBasis::Gross, rate: "3.70".parse().unwrap(),
    ///     months: 1, served_days: 12, period_days: 31, factor: "0.7".parse().unwrap(), year_days: None,
    ///     area_unit: Default::default() };
    /// assert_eq!(e.render(Lang::En, "89.73".parse().unwrap()), "89.50 m² × 3.70/m²/month × 1 month × 12/31 days × 70% = 89.73");
    /// assert_eq!(e.render(Lang::ZhCn, "89.73".parse().unwrap()), "89.50 m² × 3.70/m²/月 × 1 月 × 12/31 天 × 70% = 89.73");
    /// ```
    pub fn render(&self, lang: Lang, amount: Decimal) -> String {
        let mut s = String::new();
        self.render_formula(&mut s, lang);
        let _ = write!(s, " = {amount}");
        s
    }

    /// The formula of [`Explanation::render`], without its `= amount`.
    fn render_formula(&self, s: &mut String, lang: Lang) {
        let w = BillPhrases::of(lang);
        let proration =
            |s: &mut String, served: i64, days: i64, factor: Decimal, year: Option<i64>| {
                if served != days {
                    let _ = match year {
                        Some(year) => write!(s, " × {served} × 12/{year} {}", w.days),
                        None => write!(s, " × {served}/{days} {}", w.days),
                    };
                }
                if factor != Decimal::ONE {
                    let _ = write!(s, " × {}", pct(factor));
                }
            };
        match self {
            Self::Area {
                area,
                basis,
                rate,
                months,
                served_days,
                period_days,
                factor,
                year_days,
                area_unit,
            } => {
                let internal = match basis {
                    AreaBasis::Internal => w.internal_area,
                    AreaBasis::Gross => "",
                };
                let (sym, per, unit) = (area_unit.symbol(lang), w.per_month, w.months(*months));
                let _ = write!(
                    s,
                    "{area} {sym}{internal} × {rate}/{sym}{per} × {months} {unit}"
                );
                proration(s, *served_days, *period_days, *factor, *year_days);
            }
            Self::Fixed {
                amount,
                served_days,
                period_days,
                factor,
                year_days,
            } => {
                let _ = write!(s, "{amount}{}", w.per_period);
                proration(s, *served_days, *period_days, *factor, *year_days);
            }
            Self::Metered(m) => render_metered(s, m, lang),
            Self::Pooled {
                pool,
                method,
                weight,
                total_weight,
                participants,
                adjustment,
                prorated,
                group,
            } => {
                // A hybrid weight mixes normalised metrics: show the unit's share in %.
                let ratio = if method == "hybrid" && !total_weight.is_zero() {
                    format!(
                        "{}%",
                        shown((*weight / *total_weight * Decimal::ONE_HUNDRED).normalize())
                    )
                } else {
                    let weight = match prorated {
                        Some(p) => {
                            format!(
                                "({} × {}/{} {})",
                                p.metric, p.served_days, p.period_days, w.days
                            )
                        }
                        None => shown(*weight),
                    };
                    format!("{weight} / {}", shown(*total_weight))
                };
                if let Some(group) = group {
                    s.push_str(&w.pool_of(group));
                }
                s.push_str(&w.pooled_share(pool, method, *participants, &ratio));
                if !adjustment.is_zero() {
                    let _ = write!(s, "{}{adjustment}{}", w.rounding_adjustment, w.tie_rule);
                }
            }
            Self::ByStatus {
                charge,
                period_days,
                parts,
            } => {
                charge.render_formula(s, lang);
                s.push_str(" × (");
                for (i, p) in parts.iter().enumerate() {
                    let _ = write!(
                        s,
                        "{}{}/{period_days} {} {} × {}",
                        if i == 0 { "" } else { " + " },
                        p.days,
                        w.days,
                        p.status.label(lang),
                        pct(p.factor)
                    );
                }
                s.push(')');
            }
            Self::Spanning { round, parts } => {
                let from = parts.first().map(|p| p.start);
                s.push_str(&w.spanning(from, *round));
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(w.then);
                    }
                    let _ = write!(s, "{}{}", w.date_range(p.start, p.end), w.colon);
                    p.charge.render_formula(s, lang);
                    let _ = write!(s, " {}", shown_amount(p.amount));
                }
                s.push_str(w.then);
                for (i, p) in parts.iter().enumerate() {
                    let _ = write!(
                        s,
                        "{}{}",
                        if i == 0 { "" } else { " + " },
                        shown(p.amount).trim_start_matches("≈ ")
                    );
                }
            }
        }
    }
}

/// `= amount`, or `≈ amount` at [`WEIGHT_PLACES`] places when it has more.
fn shown_amount(d: Decimal) -> String {
    let v = shown(d);
    if v.starts_with('≈') {
        v
    } else {
        format!("= {v}")
    }
}

/// The text of a metered line, without its `= amount`.
fn render_metered(s: &mut String, m: &MeteredExplanation, lang: Lang) {
    let w = BillPhrases::of(lang);
    let MeteredExplanation {
        meter_id,
        meter_kind,
        previous,
        current,
        multiplier,
        change,
        consumption,
        tiers,
        estimated,
        previous_estimated,
        estimate,
        tier_year,
    } = m;
    let _ = write!(s, "{} {meter_id}{}", meter_kind.label(lang), w.colon);
    // An estimated register value is marked where it appears.
    let mark = |estimated: bool| if estimated { w.estimated_value } else { "" };
    let current = format!("{current}{}", mark(*estimated));
    let previous = format!("{previous}{}", mark(*previous_estimated));
    let _ = match change {
        None => write!(s, "({current} − {previous}) × {multiplier} = {consumption}"),
        Some(MeterChange::Replacement {
            old_final,
            new_initial,
        }) => write!(
            s,
            "(({old_final} − {previous}) + ({current} − {new_initial})) × {multiplier} = {consumption} {}",
            w.meter_replaced
        ),
        Some(MeterChange::Rollover { wraps_at }) => write!(
            s,
            "(({wraps_at} − {previous}) + {current}) × {multiplier} = {consumption} {}",
            w.rolled_over
        ),
    };
    if let Some(b) = estimate {
        s.push_str(&w.estimate_basis(b.periods, b.history_consumption, b.days, b.history_days));
    } else if *estimated {
        s.push_str(w.estimated);
    }
    if *previous_estimated {
        s.push_str(w.trues_up);
    }
    if let Some(y) = tier_year {
        s.push_str(w.then);
        s.push_str(&w.year_to_date(y.to_date, y.start));
    }
    s.push_str(w.then);
    if tiers.is_empty() {
        s.push('0');
    }
    for (i, t) in tiers.iter().enumerate() {
        let _ = write!(
            s,
            "{}{} × {}",
            if i == 0 { "" } else { " + " },
            t.quantity,
            t.price
        );
    }
}

/// One line of a bill.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let line = &run.bill("P-01").expect("billed").lines[0];
/// assert_eq!((&*line.item_code, line.amount.to_string().as_str()), ("parking", "60.00"));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    /// Fee item code.
    pub item_code: Arc<str>,
    /// Chinese name of the item.
    pub name_zh: Arc<str>,
    /// English name of the item.
    pub name_en: Arc<str>,
    /// Amount, rounded once with the estate's policy.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Payment due date: the item's due rule applied to the bill's issue date (never
    /// before it).
    pub due: NaiveDate,
    /// How the amount was computed.
    pub explanation: Explanation,
    /// A metered line whose current reading is an estimate (估抄); its explanation
    /// says so. JSON: written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl Explanation {
    /// True for a metered line whose current register value is an estimate.
    pub(crate) fn is_estimated(&self) -> bool {
        matches!(self, Self::Metered(m) if m.estimated)
    }
}

impl BillLine {
    /// The explanation in `lang`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill("P-01").unwrap().lines[0].explain(Lang::En), "60.00 per period = 60.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn explain(&self, lang: Lang) -> String {
        self.explanation.render(lang, self.amount)
    }

    /// The item name in `lang`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// assert_eq!(run.bill("1-101").unwrap().lines[0].name(Lang::ZhCn), "物业服务费");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

/// A unit's bill for the period.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let bill = run.bill("1-101").unwrap();
/// assert_eq!(bill.total, bill.lines.iter().map(|l| l.amount).sum());
/// // Issued the day after October ends; the demo items are due 15 days later.
/// assert_eq!((bill.issued_on.to_string(), bill.lines[0].due.to_string()), ("2026-11-01".into(), "2026-11-16".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    /// Unit id.
    pub unit_id: String,
    /// The period billed.
    pub period: BillingPeriod,
    /// The date the bill is issued (its lines' due dates count from it).
    pub issued_on: NaiveDate,
    /// Lines, in schedule order.
    pub lines: Vec<BillLine>,
    /// Sum of the rounded lines.
    #[serde(with = "crate::json::decimal")]
    pub total: Decimal,
}

impl Bill {
    /// Every line as `name: explanation`, in `lang`, then the total with the issue
    /// and due dates. When the lines are due on different dates, each line ends with
    /// its own (`(due 2026-12-16)`, `（到期 2026-12-16）`) and the total line gives the
    /// issue date only.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let text = run.bill("P-01").unwrap().explain(Lang::En);
    /// assert_eq!(text, ["Parking space management: 60.00 per period = 60.00",
    ///                   "Common-area electricity: pool 100.00 split by area among 34 units: 12.50 / 2833.00 × 100.00 = 0.44",
    ///                   "Total: 60.44, issued 2026-11-01, due 2026-11-16"]);
    /// let text = run.bill("P-01").unwrap().explain(Lang::ZhCn);
    /// assert_eq!(text[2], "合计：60.44，开票 2026-11-01，到期 2026-11-16");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn explain(&self, lang: Lang) -> Vec<String> {
        let w = BillPhrases::of(lang);
        let one_due = self
            .lines
            .first()
            .map(|l| l.due)
            .filter(|first| self.lines.iter().all(|l| l.due == *first));
        let mut out: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let mut s = format!("{}{}{}", l.name(lang), w.colon, l.explain(lang));
                if one_due.is_none() {
                    s.push_str(&w.line_due(l.due));
                }
                s
            })
            .collect();
        out.push(w.bill_total(self.total, self.issued_on, one_due));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    fn metered(
        estimated: bool,
        previous_estimated: bool,
        change: Option<MeterChange>,
    ) -> Explanation {
        Explanation::Metered(Box::new(MeteredExplanation {
            meter_id: "W-1".into(),
            meter_kind: MeterKind::Water,
            previous: dec("100"),
            current: dec("130"),
            multiplier: Decimal::ONE,
            change,
            consumption: dec("30"),
            tiers: vec![
                TierUse {
                    quantity: dec("15"),
                    price: dec("3.45"),
                    amount: dec("51.75"),
                },
                TierUse {
                    quantity: dec("15"),
                    price: dec("4.83"),
                    amount: dec("72.45"),
                },
            ],
            estimated,
            previous_estimated,
            estimate: estimated.then_some(EstimateBasis {
                periods: 3,
                history_consumption: dec("90"),
                history_days: 92,
                days: 31,
            }),
            tier_year: None,
        }))
    }

    #[test]
    fn an_estimated_metered_line_says_so_in_both_languages() {
        let e = metered(true, false, None);
        assert!(e.is_estimated());
        assert_eq!(
            e.render(Lang::En, dec("124.20")),
            "water meter W-1: (130 est. − 100) × 1 = 30 (estimated from the last 3 periods: 90 × 31/92 days); \
             15 × 3.45 + 15 × 4.83 = 124.20"
        );
        assert_eq!(
            e.render(Lang::ZhCn, dec("124.20")),
            "水表 W-1：(130估 − 100) × 1 = 30（估抄：前 3 期用量 90 × 31/92 天）；15 × 3.45 + 15 × 4.83 = 124.20"
        );
    }

    #[test]
    fn a_true_up_after_a_meter_change_is_explained() {
        let replaced = metered(
            false,
            true,
            Some(MeterChange::Replacement {
                old_final: dec("120"),
                new_initial: dec("0"),
            }),
        );
        assert!(!replaced.is_estimated());
        assert_eq!(
            replaced.render(Lang::En, dec("124.20")),
            "water meter W-1: ((120 − 100 est.) + (130 − 0)) × 1 = 30 (meter replaced) (trues up the estimate); \
             15 × 3.45 + 15 × 4.83 = 124.20"
        );
        let rolled = metered(
            false,
            false,
            Some(MeterChange::Rollover {
                wraps_at: dec("1000"),
            }),
        );
        assert_eq!(
            rolled.render(Lang::ZhCn, dec("124.20")),
            "水表 W-1：((1000 − 100) + 130) × 1 = 30 （表码翻转）；15 × 3.45 + 15 × 4.83 = 124.20"
        );
    }

    #[test]
    fn a_hybrid_share_shows_a_percentage_and_its_adjustment() {
        let e = Explanation::Pooled {
            pool: dec("100.00"),
            method: Cow::Borrowed("hybrid"),
            weight: dec("0.250000000000"),
            total_weight: dec("1.000000000000"),
            participants: 4,
            adjustment: dec("0.01"),
            prorated: None,
            group: None,
        };
        assert_eq!(
            e.render(Lang::En, dec("25.01")),
            "pool 100.00 split by weighted mix among 4 units: 25% × 100.00 incl. rounding adjustment 0.01 \
             (leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 25.01"
        );
        assert_eq!(
            e.render(Lang::ZhCn, dec("25.01")),
            "公摊 100.00 按混合权重（4 户）：25% × 100.00 含尾差调整 0.01（尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户） = 25.01"
        );
    }

    #[test]
    fn lines_due_on_different_dates_each_say_when() {
        let line = |code: &str, amount: &str, due: &str| BillLine {
            item_code: code.into(),
            name_zh: "费".into(),
            name_en: "Fee".into(),
            amount: dec(amount),
            due: due.parse().expect("date"),
            explanation: Explanation::Fixed {
                amount: dec(amount),
                served_days: 31,
                period_days: 31,
                factor: Decimal::ONE,
                year_days: None,
            },
            estimated: false,
        };
        let bill = Bill {
            unit_id: "1-101".into(),
            period: BillingPeriod::month(2026, 11).expect("period"),
            issued_on: "2026-12-01".parse().expect("date"),
            lines: vec![
                line("a", "10.00", "2026-12-16"),
                line("b", "5.00", "2026-12-31"),
            ],
            total: dec("15.00"),
        };
        assert_eq!(
            bill.explain(Lang::En),
            [
                "Fee: 10.00 per period = 10.00 (due 2026-12-16)",
                "Fee: 5.00 per period = 5.00 (due 2026-12-31)",
                "Total: 15.00, issued 2026-12-01",
            ]
        );
        assert_eq!(
            bill.explain(Lang::ZhCn)[1],
            "费：5.00/期 = 5.00（到期 2026-12-31）"
        );
    }
}
