//! Payment reminders worth sending (催交款通知书): one letter per unit or per owner,
//! items named as the fee schedule names them, a minimum amount below which no
//! letter goes out, and the notice text in zh-CN and en.
//!
//! Letters come from [`Receivables::reminders`](super::receivables::Receivables::reminders).
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
//! use estatekit::fees::ledger::PaymentOrder;
//! use estatekit::fees::receivables::Receivables;
//! use estatekit::fees::schedule::FeeSchedule;
//! use estatekit::i18n::Lang;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//!
//! let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
//! let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
//! let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
//! let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
//! book.post(&run, None, None)?;
//! let letters = book.reminders(d("2026-12-31"), "1.00".parse()?, None)?;
//! let first = &letters.letters[0];
//! assert_eq!(first.to, "1-101");
//! assert!(first.render(Lang::ZhCn).starts_with("催交款通知书"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::billing::BillingPeriod;
use crate::i18n::Lang;

/// One overdue item on a letter.
///
/// ```
/// # use estatekit::fees::dunning::LetterItem;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let i = LetterItem { unit_id: "1-101".into(), charge_id: "2026-10-01/management".into(),
///     item_code: "management".into(), name_zh: "物业服务费".into(), name_en: "Management fee".into(),
///     period: None, due: d("2026-11-16"), days_overdue: 45,
///     principal: "331.15".parse().unwrap(), penalty: "7.45".parse().unwrap(), total: "338.60".parse().unwrap() };
/// assert_eq!(i.name(estatekit::i18n::Lang::En), "Management fee");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterItem {
    /// The unit charged.
    pub unit_id: String,
    /// Charge id.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// Item name in Chinese (the schedule's; else the charge's description; else the
    /// code).
    pub name_zh: String,
    /// Item name in English (likewise).
    pub name_en: String,
    /// The billing period the charge is for, if any.
    pub period: Option<BillingPeriod>,
    /// Due date in force.
    pub due: NaiveDate,
    /// Days overdue as of the letter's date.
    pub days_overdue: i64,
    /// Principal outstanding.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty outstanding as of the letter's date.
    #[serde(with = "crate::json::decimal")]
    pub penalty: Decimal,
    /// `principal + penalty`.
    #[serde(with = "crate::json::decimal")]
    pub total: Decimal,
}

impl LetterItem {
    /// The item's name in `lang`.
    ///
    /// ```
    /// # use estatekit::fees::dunning::LetterItem;
    /// # let d = "2026-11-16".parse().unwrap();
    /// # let i = LetterItem { unit_id: "u".into(), charge_id: "c".into(), item_code: "x".into(), name_zh: "甲".into(),
    /// #     name_en: "A".into(), period: None, due: d, days_overdue: 1, principal: 1.into(), penalty: 0.into(), total: 1.into() };
    /// assert_eq!(i.name(estatekit::i18n::Lang::ZhCn), "甲");
    /// ```
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

/// A payment reminder to one recipient: an owner (all the units grouped under their
/// key) or a unit.
///
/// ```
/// # use estatekit::fees::dunning::ReminderLetter;
/// let l = ReminderLetter { to: "1-101".into(), unit_ids: vec!["1-101".into()], as_of: "2026-12-31".parse().unwrap(),
///     items: vec![], principal: 0.into(), penalty: 0.into(), total_due: 0.into(), prepaid: 0.into() };
/// assert!(l.render(estatekit::i18n::Lang::En).starts_with("Payment reminder"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderLetter {
    /// The recipient: the owner key given in the grouping, else the unit id.
    pub to: String,
    /// The units on the letter, in id order.
    pub unit_ids: Vec<String>,
    /// Date of the letter.
    pub as_of: NaiveDate,
    /// Overdue items, by unit, oldest first.
    pub items: Vec<LetterItem>,
    /// Principal outstanding on the items.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty outstanding on the items.
    #[serde(with = "crate::json::decimal")]
    pub penalty: Decimal,
    /// `principal + penalty`: what the letter asks for.
    #[serde(with = "crate::json::decimal")]
    pub total_due: Decimal,
    /// Prepaid balances of the units (a unit's prepaid money settles its own charges
    /// only).
    #[serde(with = "crate::json::decimal")]
    pub prepaid: Decimal,
}

/// A letter not sent because its total is below the minimum.
///
/// ```
/// let s = estatekit::fees::dunning::Suppressed { to: "1-101".into(), unit_ids: vec!["1-101".into()], total_due: "0.04".parse().unwrap() };
/// assert_eq!(s.total_due.to_string(), "0.04");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    /// The recipient.
    pub to: String,
    /// The units.
    pub unit_ids: Vec<String>,
    /// What the letter would have asked for.
    #[serde(with = "crate::json::decimal")]
    pub total_due: Decimal,
}

/// The reminders of a date: the letters to send, in recipient order, and those below
/// the minimum (nothing is dropped silently).
///
/// ```
/// let r = estatekit::fees::dunning::Reminders::default();
/// assert!(r.letters.is_empty() && r.suppressed.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminders {
    /// Letters to send.
    pub letters: Vec<ReminderLetter>,
    /// Letters below the minimum total, not sent.
    pub suppressed: Vec<Suppressed>,
}

impl ReminderLetter {
    /// The notice text (催交款通知书) in `lang`: the recipient, every overdue item with
    /// its name, period, due date, days overdue, principal and penalty, the total,
    /// and the prepaid balance when there is one. Amounts at the estate's scale.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}, i18n::Lang};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// # let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// # let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// # let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    /// # book.post(&run, None, None)?;
    /// let letter = &book.reminders(d("2026-12-31"), 1.into(), None)?.letters[0];
    /// let en = letter.render(Lang::En);
    /// assert!(en.contains("To: the owner of unit 1-101"));
    /// assert!(en.contains("due 2026-11-16, 45 days overdue"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let single = self.unit_ids.len() == 1 && self.unit_ids[0] == self.to;
        let mut s = String::new();
        // `write!` to a String cannot fail.
        let _ = if zh {
            writeln!(s, "催交款通知书\n")
        } else {
            writeln!(s, "Payment reminder\n")
        };
        let units = self.unit_ids.join(if zh { "、" } else { ", " });
        let _ = match (zh, single) {
            (true, true) => writeln!(s, "尊敬的 {} 业主：", self.to),
            (true, false) => writeln!(s, "尊敬的 {} 业主（{units}）：", self.to),
            (false, true) => writeln!(s, "To: the owner of unit {}", self.to),
            (false, false) => writeln!(s, "To: {} (units {units})", self.to),
        };
        let _ = if zh {
            writeln!(s, "截至 {}，以下费用已逾期未缴：", self.as_of)
        } else {
            writeln!(
                s,
                "As of {}, the following charges are overdue:",
                self.as_of
            )
        };
        for (n, i) in self.items.iter().enumerate() {
            let name = i.name(lang);
            let period = match (i.period, zh) {
                (Some(p), true) => format!("（{} 至 {}）", p.start, p.end),
                (Some(p), false) => format!(" ({} to {})", p.start, p.end),
                (None, _) => String::new(),
            };
            let _ = if zh {
                writeln!(
                    s,
                    "{}. {} {name}{period}，应缴日 {}，逾期 {} 天：本金 {} 元，滞纳金 {} 元，小计 {} 元",
                    n + 1,
                    i.unit_id,
                    i.due,
                    i.days_overdue,
                    i.principal,
                    i.penalty,
                    i.total
                )
            } else {
                writeln!(
                    s,
                    "{}. {} {name}{period}, due {}, {} days overdue: principal {}, penalty {}, total {}",
                    n + 1,
                    i.unit_id,
                    i.due,
                    i.days_overdue,
                    i.principal,
                    i.penalty,
                    i.total
                )
            };
        }
        let _ = if zh {
            writeln!(
                s,
                "合计应缴：{} 元（本金 {} 元，滞纳金 {} 元）",
                self.total_due, self.principal, self.penalty
            )
        } else {
            writeln!(
                s,
                "Total due: {} (principal {}, penalty {})",
                self.total_due, self.principal, self.penalty
            )
        };
        if self.prepaid > Decimal::ZERO {
            let _ = if zh {
                writeln!(s, "预存款余额：{} 元", self.prepaid)
            } else {
                writeln!(s, "Prepaid balance: {}", self.prepaid)
            };
        }
        if self.penalty > Decimal::ZERO {
            let _ = if zh {
                write!(s, "滞纳金计至 {}，逐日累计。", self.as_of)
            } else {
                write!(s, "Penalty is counted to {} and grows daily. ", self.as_of)
            };
        }
        s.push_str(if zh {
            "请尽快缴纳；如已缴纳，请忽略本通知。"
        } else {
            "Please pay soon; if you have already paid, please disregard this notice."
        });
        s
    }
}
