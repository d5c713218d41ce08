//! Helpers shared by the fuzz targets: bounded generators for decimals and dates, and
//! the invariant checks every JSON target makes.

use arbitrary::{Arbitrary, Result, Unstructured};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Text from arbitrary bytes, lossily decoded (every target must accept any UTF-8).
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// A decimal anywhere in the representable range, biased to money-like values but
/// reaching the extremes (mantissa up to 2^96 − 1, scale 0–28) and negatives.
pub fn decimal(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => Decimal::ZERO,
        1 => Decimal::MAX,
        2 => Decimal::MIN,
        3 => {
            let lo = u32::arbitrary(u)?;
            let mid = u32::arbitrary(u)?;
            let hi = u32::arbitrary(u)?;
            Decimal::from_parts(lo, mid, hi, bool::arbitrary(u)?, u.int_in_range(0..=28)?)
        }
        _ => Decimal::new(i64::from(i32::arbitrary(u)?), u.int_in_range(0..=4)?),
    })
}

/// A non-negative decimal (areas, amounts, readings), still reaching the extremes.
pub fn non_negative(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(decimal(u)?.abs())
}

/// A small non-negative money-like decimal (0 to ~2 million, 0–4 places).
pub fn small(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(Decimal::new(
        i64::from(u.int_in_range(0u32..=200_000_000)?),
        u.int_in_range(0..=4)?,
    ))
}

/// A date in 2020–2030 most of the time, anywhere chrono allows otherwise.
pub fn date(u: &mut Unstructured<'_>) -> Result<NaiveDate> {
    let days = if u.ratio(1u8, 16)? {
        i32::arbitrary(u)?
    } else {
        // 2020-01-01 is day 737425 of the common era.
        737_425 + u.int_in_range(0..=4017)?
    };
    Ok(NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN))
}

/// Asserts that a value parsed from JSON re-serializes and re-parses to itself, and
/// that its JSON is stable (serializing the re-parsed value gives the same text).
#[macro_export]
macro_rules! assert_round_trip {
    ($value:expr, $to_json:expr, $from_json:expr) => {{
        let value = &$value;
        let json: String = $to_json(value);
        let again = match $from_json(&json) {
            Ok(v) => v,
            Err(e) => panic!("re-parse of our own JSON failed: {e}\n{json}"),
        };
        assert_eq!(&again, value, "round trip changed the value\n{json}");
        assert_eq!($to_json(&again), json, "JSON not stable");
    }};
}

use estatekit::estate::{
    Building, EstateData, Meter, MeterKind, Reading, Unit, UnitKind, UnitStatus,
};
use estatekit::fees::billing::{BillingInputs, MeterChangeInput, PooledAmount, ReadingInput};
use estatekit::fees::calc::{CountFrom, DayCount, MeterChange, PenaltyCap, PenaltyPolicy, Tier};
use estatekit::fees::pooled::{Adjustment, Basis, BasisWeight, SplitMethod};
use estatekit::fees::schedule::{
    AreaBasis, DueRule, FeeItem, Frequency, KindRate, Participants, PooledSource, Rule,
    StatusFactor,
};
use estatekit::money::{RoundingMode, RoundingPolicy};

/// Whether [`amount`] and the estate generator reach the extremes of the decimal
/// range (true unless a target turns it off).
pub static EXTREME: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

fn extreme() -> bool {
    EXTREME.load(std::sync::atomic::Ordering::Relaxed)
}

/// Either a money-like value (most of the time) or anything representable.
pub fn amount(u: &mut Unstructured<'_>) -> Result<Decimal> {
    if u.ratio(1u8, 8)? {
        if extreme() {
            decimal(u)
        } else {
            Ok(Decimal::new(
                i64::from(i32::arbitrary(u)?),
                u.int_in_range(0..=6)?,
            ))
        }
    } else {
        small(u)
    }
}

fn pick<T: Copy>(u: &mut Unstructured<'_>, all: &[T]) -> Result<T> {
    u.choose(all).copied()
}

/// A rounding policy, any valid scale and mode.
pub fn policy(u: &mut Unstructured<'_>) -> Result<RoundingPolicy> {
    let mode = pick(u, &RoundingMode::ALL)?;
    let scale = if u.ratio(1u8, 4)? {
        u.int_in_range(0..=12)?
    } else {
        2
    };
    Ok(RoundingPolicy::new(scale, mode).unwrap_or_default())
}

/// A small estate, valid by construction most of the time (the fuzzer also explores
/// the invalid ones, which must fail with a typed error).
pub fn estate_data(u: &mut Unstructured<'_>) -> Result<EstateData> {
    let buildings = vec![
        Building {
            id: "B1".into(),
            name: "1号楼".into(),
        },
        Building {
            id: "B2".into(),
            name: "2号楼".into(),
        },
    ];
    let n = u.int_in_range(1..=6)?;
    let mut units = Vec::new();
    let mut meters = Vec::new();
    for i in 0..n {
        let status = pick(u, UnitStatus::ALL)?;
        let delivered_on = (status != UnitStatus::Unsold)
            .then(|| date(u))
            .transpose()?;
        let status_since = match delivered_on {
            Some(d) => Some(
                d.checked_add_days(chrono::Days::new(u.int_in_range(0..=90)?))
                    .unwrap_or(d),
            ),
            None => None,
        };
        let gross = if extreme() && u.ratio(1u8, 8)? {
            non_negative(u)?
        } else {
            small(u)? + Decimal::ONE
        }; // ≤ 2e8 + 1: no overflow
        let internal = if bool::arbitrary(u)? {
            Some(gross * Decimal::new(8, 1))
        } else {
            None
        };
        let occupants = if matches!(status, UnitStatus::Unsold | UnitStatus::Delivered) {
            0
        } else {
            u.int_in_range(0..=6)?
        };
        let id = format!("U{i}");
        units.push(Unit {
            id: id.clone(),
            building_id: if bool::arbitrary(u)? { "B1" } else { "B2" }.into(),
            floor: u.int_in_range(-2..=30)?,
            number: format!("{i}01"),
            kind: pick(u, UnitKind::ALL)?,
            gross_area: gross,
            internal_area: internal.filter(|a| *a > Decimal::ZERO),
            occupants,
            status,
            status_since,
            delivered_on,
        });
        for kind in [MeterKind::Water, MeterKind::Electricity] {
            if bool::arbitrary(u)? {
                meters.push(meter(u, format!("{kind}-{id}"), Some(id.clone()), kind)?);
            }
        }
    }
    for kind in [MeterKind::Water, MeterKind::Electricity] {
        if bool::arbitrary(u)? {
            meters.push(meter(u, format!("{kind}-master"), None, kind)?);
        }
    }
    Ok(EstateData {
        format_version: 1,
        id: "fuzz".into(),
        name: "Fuzz Estate".into(),
        currency: "CNY".into(),
        rounding: policy(u)?,
        area_unit: Default::default(),
        round: Default::default(),
        buildings,
        units,
        meters,
        status_history: Vec::new(),
    })
}

fn meter(
    u: &mut Unstructured<'_>,
    id: String,
    unit_id: Option<String>,
    kind: MeterKind,
) -> Result<Meter> {
    let mut readings = Vec::new();
    let mut d = date(u)?;
    let mut v = small(u)?;
    for _ in 0..u.int_in_range(0..=3)? {
        readings.push(Reading::new(d, v));
        d = d
            .checked_add_days(chrono::Days::new(u.int_in_range(1..=40)?))
            .unwrap_or(d);
        v = if u.ratio(1u8, 8)? {
            amount(u)?
        } else {
            v.checked_add(small(u)?).unwrap_or(v)
        };
    }
    let multiplier = if u.ratio(1u8, 8)? {
        amount(u)?
    } else {
        Decimal::ONE
    };
    Ok(Meter {
        id,
        unit_id,
        kind,
        multiplier,
        readings,
        changes: Vec::new(),
    })
}

fn tiers(u: &mut Unstructured<'_>) -> Result<Vec<Tier>> {
    let mut out = Vec::new();
    let mut bound = Decimal::ZERO;
    for _ in 0..u.int_in_range(0..=2)? {
        bound += small(u)? + Decimal::ONE;
        out.push(Tier {
            up_to: Some(bound),
            price: amount(u)?,
        });
    }
    out.push(Tier {
        up_to: None,
        price: amount(u)?,
    });
    Ok(out)
}

fn penalty(u: &mut Unstructured<'_>) -> Result<PenaltyPolicy> {
    let mut p = PenaltyPolicy::daily(Decimal::new(i64::from(u.int_in_range(0u32..=100)?), 4));
    if u.ratio(1u8, 8)? {
        p.daily_rate = decimal(u)?;
    }
    p.grace_days = u.int_in_range(0..=30)?;
    p.count_from = pick(u, &[CountFrom::Due, CountFrom::GraceEnd])?;
    p.cap = match u.int_in_range(0u8..=2)? {
        0 => None,
        1 => Some(PenaltyCap::Fraction(Decimal::new(
            i64::from(u.int_in_range(0u32..=20)?),
            1,
        ))),
        _ => Some(PenaltyCap::Amount(amount(u)?)),
    };
    p.min_balance = if bool::arbitrary(u)? {
        Some(amount(u)?)
    } else {
        None
    };
    Ok(p)
}

fn adjustment(u: &mut Unstructured<'_>) -> Result<Option<Adjustment>> {
    Ok(match u.int_in_range(0u8..=2)? {
        0 => None,
        1 => Some(Adjustment::Percent(if u.ratio(1u8, 8)? {
            decimal(u)?
        } else {
            Decimal::from(u.int_in_range(0..=100)?)
        })),
        _ => Some(Adjustment::Amount(amount(u)?)),
    })
}

/// A split method, hybrids with any weights included.
pub fn split_method(u: &mut Unstructured<'_>) -> Result<SplitMethod> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 => SplitMethod::Area,
        1 => SplitMethod::Usage,
        2 => SplitMethod::Equal,
        3 => SplitMethod::Occupants,
        _ => {
            let mut ws = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                let basis = pick(
                    u,
                    &[Basis::Area, Basis::Usage, Basis::Equal, Basis::Occupants],
                )?;
                let weight = if u.ratio(1u8, 8)? {
                    decimal(u)?
                } else {
                    Decimal::new(i64::from(u.int_in_range(0u32..=10)?), 1)
                };
                ws.push(BasisWeight { basis, weight });
            }
            SplitMethod::Hybrid(ws)
        }
    })
}

/// One fee item of any rule.
pub fn fee_item(u: &mut Unstructured<'_>, code: &str, meters: &[Meter]) -> Result<FeeItem> {
    let rule = match u.int_in_range(0u8..=3)? {
        0 => Rule::Area {
            rate: amount(u)?,
            kind_rates: if bool::arbitrary(u)? {
                vec![KindRate {
                    kind: pick(u, UnitKind::ALL)?,
                    rate: amount(u)?,
                }]
            } else {
                Vec::new()
            },
            basis: pick(u, &[AreaBasis::Gross, AreaBasis::Internal])?,
        },
        1 => Rule::Fixed { amount: amount(u)? },
        2 => Rule::Metered {
            meter_kind: pick(u, MeterKind::ALL)?,
            tiers: tiers(u)?,
            kind_tiers: Vec::new(),
            tier_basis: Default::default(),
            reference_days: None,
            year_start_month: None,
        },
        _ => Rule::Pooled {
            source: if bool::arbitrary(u)? || meters.is_empty() {
                PooledSource::Given
            } else {
                PooledSource::MasterMeter {
                    meter_id: u.choose(meters)?.id.clone(),
                    meters: Default::default(),
                    price: amount(u)?,
                    subtract_sub_meters: bool::arbitrary(u)?,
                }
            },
            method: split_method(u)?,
            deduction: adjustment(u)?,
            admin_fee: adjustment(u)?,
            participants: pick(
                u,
                &[
                    Participants::Occupied,
                    Participants::Delivered,
                    Participants::All,
                ],
            )?,
            occupied_day_fraction: bool::arbitrary(u)?,
            // Any kind: a master-meter source refuses it, as a schedule would.
            meter_kind: if bool::arbitrary(u)? {
                Some(estatekit::estate::MeterKind::Electricity)
            } else {
                None
            },
            split_by: Default::default(),
        },
    };
    let effective_from = date(u)?;
    Ok(FeeItem {
        code: code.into(),
        name_zh: format!("{code}费"),
        name_en: format!("{code} fee"),
        rule,
        unit_kinds: if u.ratio(1u8, 4)? {
            vec![pick(u, UnitKind::ALL)?]
        } else {
            Vec::new()
        },
        statuses: if u.ratio(1u8, 4)? {
            vec![pick(u, UnitStatus::ALL)?]
        } else {
            Vec::new()
        },
        buildings: Vec::new(),
        units: Vec::new(),
        status_factors: if bool::arbitrary(u)? {
            vec![StatusFactor {
                status: pick(u, UnitStatus::ALL)?,
                factor: Decimal::new(i64::from(u.int_in_range(0u32..=10)?), 1),
            }]
        } else {
            Vec::new()
        },
        frequency: pick(
            u,
            &[
                Frequency::Monthly,
                Frequency::Quarterly,
                Frequency::Yearly,
                Frequency::OneOff,
            ],
        )?,
        due: match u.int_in_range(0..=2)? {
            0 => DueRule::DaysAfterIssue(u.int_in_range(0..=3650)?),
            1 => DueRule::DayOfNextMonth(u.int_in_range(1..=31)?),
            _ => DueRule::DayOfMonth(u.int_in_range(1..=31)?),
        },
        day_count: pick(u, &[DayCount::Actual, DayCount::Thirty360])?,
        penalty: if u.ratio(1u8, 4)? {
            Some(penalty(u)?)
        } else {
            None
        },
        late_fee: None,
        effective_from,
        effective_until: if u.ratio(1u8, 4)? {
            Some(
                effective_from
                    .checked_add_days(chrono::Days::new(u.int_in_range(0..=400)?))
                    .unwrap_or(effective_from),
            )
        } else {
            None
        },
    })
}

/// Billing inputs: pooled amounts for the given codes, extra readings, meter changes.
pub fn billing_inputs(
    u: &mut Unstructured<'_>,
    codes: &[String],
    meters: &[Meter],
) -> Result<BillingInputs> {
    let mut inputs = BillingInputs::default();
    for code in codes {
        if !u.ratio(1u8, 8)? {
            inputs.pooled.push(PooledAmount {
                code: code.clone(),
                group: None,
                amount: amount(u)?,
            });
        }
    }
    for m in meters {
        if bool::arbitrary(u)? {
            inputs.readings.push(ReadingInput {
                meter_id: m.id.clone(),
                date: date(u)?,
                value: amount(u)?,
            });
        }
        if u.ratio(1u8, 10)? {
            let change = if bool::arbitrary(u)? {
                MeterChange::Replacement {
                    old_final: amount(u)?,
                    new_initial: amount(u)?,
                }
            } else {
                MeterChange::Rollover {
                    wraps_at: amount(u)?,
                }
            };
            inputs.meter_changes.push(MeterChangeInput {
                meter_id: m.id.clone(),
                change,
            });
        }
    }
    if u.ratio(1u8, 4)? {
        inputs.issued_on = Some(date(u)?);
    }
    Ok(inputs)
}
