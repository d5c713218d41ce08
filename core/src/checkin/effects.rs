//! What a completed check-in changes: unit status, meter base readings, charges.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{CheckinError, Checklist, ItemKind};
use crate::estate::{Estate, EstateData, Meter, MeterKind, Reading, UnitStatus};

/// The unit's status change.
///
/// ```
/// use estatekit::checkin::StatusChange;
/// use estatekit::estate::UnitStatus;
/// let s = StatusChange { unit_id: "1-603".into(), from: UnitStatus::Unsold, to: UnitStatus::Delivered,
///     on: "2026-11-02".parse()?, delivered_on: "2026-11-02".parse()? };
/// assert_eq!(s.to, UnitStatus::Delivered);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The unit.
    pub unit_id: String,
    /// Its status before.
    pub from: UnitStatus,
    /// Its status after: delivered or occupied.
    pub to: UnitStatus,
    /// The date the new status begins (the UTC date the check-in was completed).
    pub on: NaiveDate,
    /// The handover date: kept if the unit was already delivered, else `on`.
    pub delivered_on: NaiveDate,
}

/// A meter base reading that became a reading of the estate's meter.
///
/// ```
/// use estatekit::checkin::MeterBaseReading;
/// use estatekit::estate::MeterKind;
/// let r = MeterBaseReading { item: "water_meter_reading".into(), meter_id: "W-1-603".into(),
///     kind: MeterKind::Water, date: "2026-11-02".parse()?, value: "507.0".parse()?, new_meter: false };
/// assert!(!r.new_meter);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeterBaseReading {
    /// The checklist item.
    pub item: String,
    /// The estate meter (the unit's first meter of the kind, or a new one).
    pub meter_id: String,
    /// The meter kind.
    pub kind: MeterKind,
    /// The UTC date of the reading.
    pub date: NaiveDate,
    /// The value read.
    pub value: Decimal,
    /// True when the unit had no meter of this kind and one was added (id `<unit>-<kind>`).
    pub new_meter: bool,
}

/// Money collected at check-in, with its nature (a fee, a prepayment, a deposit).
///
/// ```
/// use estatekit::checkin::PaymentNature;
/// let c = estatekit::checkin::ChargeLine { code: "x".into(), name_zh: "费".into(), name_en: "fee".into(),
///     amount: "10.00".parse()?, nature: PaymentNature::Fee, receipt_ref: None };
/// assert_eq!(c.amount.to_string(), "10.00");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargeLine {
    /// The payment item's code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The amount, from the template.
    pub amount: Decimal,
    /// A fee, a prepayment or a deposit.
    pub nature: super::PaymentNature,
    /// The receipt recorded at payment.
    pub receipt_ref: Option<String>,
}

/// Everything a completed check-in changes, and the estate with the changes applied.
/// Built by [`completion_effects`].
///
/// ```
/// use estatekit::checkin::CompletionEffects;
/// fn billed(fx: &CompletionEffects) -> rust_decimal::Decimal {
///     fx.charges.iter().map(|c| c.amount).sum()
/// }
/// # let _ = billed;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionEffects {
    /// The unit's status change.
    pub status: StatusChange,
    /// Meter base readings added to the estate's meters, in template order.
    pub readings: Vec<MeterBaseReading>,
    /// The money collected, in template order.
    pub charges: Vec<ChargeLine>,
    /// Its sum, of every nature: what the receipts add up to, not revenue.
    pub total_charges: Decimal,
    /// The part that is fees (revenue).
    pub total_fees: Decimal,
    /// The part that is prepayments (the owner's credit against future bills).
    pub total_prepayments: Decimal,
    /// The part that is deposits (a liability, refunded later).
    pub total_deposits: Decimal,
    /// The estate with the unit's new status and the new readings.
    pub estate: Estate,
}

/// Applies a completed check-in to `estate` (a pure function: `estate` is unchanged).
///
/// The unit becomes `status` (`delivered`, or `occupied` when the owner moves in;
/// `delivered` again, with no occupants, after a move-out from
/// [`CheckinTemplate::default_move_out`](super::CheckinTemplate::default_move_out)) on
/// the UTC date of completion; an unsold unit gets that date as its delivery date.
/// Each done meter reading becomes a reading (dated the UTC date it was taken) of the
/// unit's first meter of that kind, which is created when missing, so metered billing
/// starts from the base reading. A reading equal to the meter's last one on the same
/// date is not duplicated. Done payments become charge lines.
///
/// # Errors
/// [`CheckinError::NotFinished`] before completion; [`CheckinError::UnknownUnit`]
/// (`unit_id`); [`CheckinError::InvalidField`] (`status`) for a status other than
/// delivered or occupied; [`CheckinError::DecreasingReading`]; [`CheckinError::Estate`]
/// when the changed estate is invalid (e.g. a reading dated before the meter's last).
///
/// ```
/// use estatekit::checkin::*;
/// use estatekit::estate::{Estate, UnitStatus};
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// let err = completion_effects(&c, &Estate::demo(), UnitStatus::Delivered).unwrap_err();
/// assert_eq!(err.code(), "not_finished");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn completion_effects(
    checklist: &Checklist,
    estate: &Estate,
    status: UnitStatus,
) -> Result<CompletionEffects, CheckinError> {
    let finished_at = checklist
        .finished_at()
        .ok_or_else(|| CheckinError::NotFinished {
            path: "finished_at".into(),
        })?;
    if !matches!(status, UnitStatus::Delivered | UnitStatus::Occupied) {
        return Err(CheckinError::value(
            "unknown_value",
            "status",
            format!("a check-in makes a unit delivered or occupied, not {status}"),
        ));
    }
    let unit_id = checklist.unit_id();
    let mut data: EstateData = estate.data().clone();
    let unit = data
        .units
        .iter_mut()
        .find(|u| u.id == unit_id)
        .ok_or_else(|| CheckinError::UnknownUnit {
            path: "unit_id".into(),
            unit_id: unit_id.to_owned(),
        })?;
    let on = checklist.local_date(finished_at);
    let from = unit.status;
    let delivered_on = match (from, unit.delivered_on) {
        (UnitStatus::Unsold, _) | (_, None) => on,
        (_, Some(d)) => d,
    };
    unit.status = status;
    if status == UnitStatus::Delivered {
        // Delivered is vacant (已交房未入住): a move-out leaves nobody behind.
        unit.occupants = 0;
    }
    unit.status_since = Some(on);
    unit.delivered_on = Some(delivered_on);
    let status_change = StatusChange {
        unit_id: unit_id.to_owned(),
        from,
        to: status,
        on,
        delivered_on,
    };

    let template = checklist.template();
    // The unit's meter of each kind (the first, as a search would find), found once:
    // O(meters + items), not a search of the estate's meters per reading.
    let mut meter_of: HashMap<MeterKind, usize> = HashMap::new();
    for (p, m) in data.meters.iter().enumerate() {
        if m.unit_id.as_deref() == Some(unit_id) {
            meter_of.entry(m.kind).or_insert(p);
        }
    }
    let mut readings = Vec::new();
    let mut charges = Vec::new();
    let mut total = Decimal::ZERO;
    for item in checklist.items() {
        let (Some(done), Some(def)) = (&item.completion, template.item(&item.code)) else {
            continue;
        };
        match item.kind {
            ItemKind::MeterReading => {
                let (Some(kind), Some(value)) = (def.meter_kind, done.data.reading) else {
                    continue;
                };
                let date = checklist.local_date(done.at);
                let pos = meter_of.get(&kind).copied();
                let new_meter = pos.is_none();
                let pos = match pos {
                    Some(p) => p,
                    None => {
                        data.meters.push(Meter {
                            id: format!("{unit_id}-{kind}"),
                            unit_id: Some(unit_id.to_owned()),
                            kind,
                            multiplier: Decimal::ONE,
                            readings: Vec::new(),
                            changes: Vec::new(),
                        });
                        meter_of.insert(kind, data.meters.len() - 1);
                        data.meters.len() - 1
                    }
                };
                let meter = &mut data.meters[pos];
                match meter.readings.last() {
                    Some(last) if last.value > value => {
                        return Err(CheckinError::DecreasingReading {
                            path: format!("items.{}.data.reading", item.code),
                            meter_id: meter.id.clone(),
                            previous: last.value,
                            value,
                        });
                    }
                    Some(last) if last.date == date && last.value == value => {}
                    _ => meter.readings.push(Reading::new(date, value)),
                }
                readings.push(MeterBaseReading {
                    item: item.code.clone(),
                    meter_id: meter.id.clone(),
                    kind,
                    date,
                    value,
                    new_meter,
                });
            }
            ItemKind::Payment => {
                let amount = def
                    .amount
                    .expect("a validated template gives every payment item an amount");
                total = total.checked_add(amount).ok_or_else(|| {
                    CheckinError::value(
                        "overflow",
                        "charges",
                        "the sum of the check-in charges overflows",
                    )
                })?;
                charges.push(ChargeLine {
                    code: def.code.clone(),
                    name_zh: def.name_zh.clone(),
                    name_en: def.name_en.clone(),
                    amount,
                    nature: def
                        .payment_nature()
                        .expect("a payment item has a payment nature"),
                    receipt_ref: done.data.receipt_ref.clone(),
                });
            }
            _ => {}
        }
    }
    let estate = Estate::new(data).map_err(|e| CheckinError::Estate {
        path: e.path().to_owned(),
        message: e.to_string(),
    })?;
    // Each part is at most the total, which did not overflow.
    // At the estate's scale, as amounts are (a part with no charge is 0.00, not 0).
    let scale = estate.rounding().scale();
    let part = |n: super::PaymentNature| -> Decimal {
        let mut sum: Decimal = charges
            .iter()
            .filter(|c| c.nature == n)
            .map(|c| c.amount)
            .sum();
        sum.rescale(sum.scale().max(scale));
        sum
    };
    let (total_fees, total_prepayments, total_deposits) = (
        part(super::PaymentNature::Fee),
        part(super::PaymentNature::Prepayment),
        part(super::PaymentNature::Deposit),
    );
    Ok(CompletionEffects {
        status: status_change,
        readings,
        total_fees,
        total_prepayments,
        total_deposits,
        charges,
        total_charges: total,
        estate,
    })
}
