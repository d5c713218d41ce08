//! Texts in Simplified Chinese (zh-CN) and English for labels shown to owners and staff.
//!
//! ```
//! use estatekit::estate::UnitStatus;
//! use estatekit::i18n::{Lang, Label};
//! assert_eq!(UnitStatus::Delivered.label(Lang::ZhCn), "已交房未入住");
//! assert_eq!(UnitStatus::Delivered.label(Lang::En), "delivered, vacant");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::estate::{MeterKind, UnitKind, UnitStatus};

/// A display language.
///
/// ```
/// assert_eq!(estatekit::i18n::Lang::default(), estatekit::i18n::Lang::ZhCn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The language's tag: `zh-CN` or `en` (as in JSON).
    ///
    /// ```
    /// assert_eq!(estatekit::i18n::Lang::En.as_str(), "en");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;

    /// `zh-CN` (or `zh`) or `en`.
    ///
    /// ```
    /// use estatekit::i18n::Lang;
    /// assert_eq!("zh".parse::<Lang>()?, Lang::ZhCn);
    /// assert_eq!("fr".parse::<Lang>().unwrap_err().to_string(),
    ///            r#"lang: unknown language "fr"; expected "zh-CN" or "en""#);
    /// # Ok::<(), estatekit::i18n::UnknownLang>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh-CN" | "zh" => Ok(Self::ZhCn),
            "en" => Ok(Self::En),
            _ => Err(UnknownLang {
                value: s.to_owned(),
            }),
        }
    }
}

/// A language tag other than `zh-CN`, `zh` or `en` (code `unknown_value`, path `lang`).
///
/// ```
/// use estatekit::diagnostic::Diagnostic;
/// let e = "de".parse::<estatekit::i18n::Lang>().unwrap_err();
/// assert_eq!((e.code(), e.path().as_ref()), ("unknown_value", "lang"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lang: unknown language {value:?}; expected \"zh-CN\" or \"en\"")]
pub struct UnknownLang {
    /// The tag given.
    pub value: String,
}

impl crate::diagnostic::Diagnostic for UnknownLang {
    fn code(&self) -> &'static str {
        "unknown_value"
    }
    fn path(&self) -> std::borrow::Cow<'_, str> {
        "lang".into()
    }
}

/// A value with a display label in each [`Lang`].
///
/// ```
/// use estatekit::estate::UnitKind;
/// use estatekit::i18n::{Label, Lang};
/// assert_eq!(UnitKind::Parking.label(Lang::ZhCn), "车位");
/// ```
pub trait Label {
    /// The label in `lang`.
    fn label(&self, lang: Lang) -> &'static str;
}

/// Implements [`Label`] for an enum from its variants' zh and en labels (one table per
/// enum, in every module of the crate).
macro_rules! labels {
    ($ty:ty { $($variant:ident => $zh:literal, $en:literal;)+ }) => {
        impl $crate::i18n::Label for $ty {
            fn label(&self, lang: $crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $((<$ty>::$variant, $crate::i18n::Lang::ZhCn) => $zh,
                      (<$ty>::$variant, $crate::i18n::Lang::En) => $en,)+
                }
            }
        }
    };
}
pub(crate) use labels;

labels!(UnitKind {
    Residential => "住宅", "residential";
    Commercial => "商铺", "commercial";
    Parking => "车位", "parking space";
    Storage => "储藏室", "storage room";
});

labels!(UnitStatus {
    Unsold => "未售", "unsold";
    Delivered => "已交房未入住", "delivered, vacant";
    Occupied => "已入住", "occupied";
    Decorating => "装修中", "decorating";
    Rented => "出租", "rented";
});

labels!(MeterKind {
    Water => "水表", "water meter";
    Electricity => "电表", "electricity meter";
    Gas => "燃气表", "gas meter";
    Heating => "热量表", "heating meter";
});

/// What to do with an emergency ticket at once (an emergency's
/// [`Classification::escalation_advice`](crate::tickets::Classification::escalation_advice)):
/// report it to the supervisor while someone goes on site.
///
/// ```
/// use estatekit::i18n::{Lang, escalation_advice};
/// assert_eq!(escalation_advice(Lang::ZhCn), "紧急事件：立即上报主管，同时派人赶赴现场。");
/// assert_eq!(escalation_advice(Lang::En), "Emergency: report to the supervisor at once and send someone on site.");
/// ```
pub fn escalation_advice(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "紧急事件：立即上报主管，同时派人赶赴现场。",
        Lang::En => "Emergency: report to the supervisor at once and send someone on site.",
    }
}

/// The words of a bill's explanations and of its text, in one language: every
/// zh-CN and en string that [`Explanation::render`](crate::fees::billing::Explanation::render)
/// and [`Bill::explain`](crate::fees::billing::Bill::explain) put around the numbers.
/// Punctuation is part of a phrase (full-width in Chinese).
#[derive(Debug)]
pub(crate) struct BillPhrases {
    lang: Lang,
    /// After the served and period days of a prorated line.
    pub(crate) days: &'static str,
    /// After an internal (套内) area.
    pub(crate) internal_area: &'static str,
    /// After an area rate and its area unit (`3.70/m²` + this).
    pub(crate) per_month: &'static str,
    /// After a fixed amount.
    pub(crate) per_period: &'static str,
    /// Between a name (an item's, a meter's) and what follows it.
    pub(crate) colon: &'static str,
    /// After an estimated register value.
    pub(crate) estimated_value: &'static str,
    /// After the consumption of a replaced meter (after a space).
    pub(crate) meter_replaced: &'static str,
    /// After the consumption of a meter whose register rolled over (after a space).
    pub(crate) rolled_over: &'static str,
    /// After an estimated consumption whose basis is not known (a stored estimate).
    pub(crate) estimated: &'static str,
    /// After a consumption that trues up an estimate.
    pub(crate) trues_up: &'static str,
    /// Between a meter's consumption and its tiers.
    pub(crate) then: &'static str,
    /// Before the rounding adjustment of a pooled share.
    pub(crate) rounding_adjustment: &'static str,
    /// After the rounding adjustment of a pooled share: who gets the leftover minor
    /// units (largest remainders; equal remainders, the lower index).
    pub(crate) tie_rule: &'static str,
}

const BILL_ZH: BillPhrases = BillPhrases {
    lang: Lang::ZhCn,
    days: "天",
    internal_area: "（套内）",
    per_month: "/月",
    per_period: "/期",
    colon: "：",
    estimated_value: "估",
    meter_replaced: "（换表）",
    rolled_over: "（表码翻转）",
    estimated: "（估抄）",
    trues_up: "（实抄冲正估抄）",
    then: "；",
    rounding_adjustment: " 含尾差调整 ",
    tie_rule: "（尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户）",
};

const BILL_EN: BillPhrases = BillPhrases {
    lang: Lang::En,
    days: "days",
    internal_area: " (internal)",
    per_month: "/month",
    per_period: " per period",
    colon: ": ",
    estimated_value: " est.",
    meter_replaced: "(meter replaced)",
    rolled_over: "(register rolled over)",
    estimated: " (estimated)",
    trues_up: " (trues up the estimate)",
    then: "; ",
    rounding_adjustment: " incl. rounding adjustment ",
    tie_rule: " (leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order)",
};

impl BillPhrases {
    /// The year-to-date consumption of a metered line with annual tiers, and the
    /// first day of its tier year.
    pub(crate) fn year_to_date(
        &self,
        to_date: impl fmt::Display,
        start: impl fmt::Display,
    ) -> String {
        match self.lang {
            Lang::ZhCn => format!("年度累计 {to_date}（阶梯年度自 {start} 起）"),
            Lang::En => format!("year to date {to_date} (tier year from {start})"),
        }
    }

    /// Before the parts of a charge billed from `from` (a delivery before the
    /// period), rounded per `round`.
    pub(crate) fn spanning(
        &self,
        from: Option<impl fmt::Display>,
        round: crate::estate::ChargeRounding,
    ) -> String {
        use crate::estate::ChargeRounding::{PerLine, PerMonth};
        let from = from.map(|d| d.to_string()).unwrap_or_default();
        match (self.lang, round) {
            (Lang::ZhCn, PerMonth) => format!("自 {from} 起计费（按月取整）："),
            (Lang::ZhCn, PerLine) => format!("自 {from} 起计费（整笔一次取整）："),
            (Lang::En, PerMonth) => format!("billed from {from}, rounded per month: "),
            (Lang::En, PerLine) => format!("billed from {from}, rounded once: "),
        }
    }

    /// The days from `start` to `end`, both included.
    pub(crate) fn date_range(&self, start: impl fmt::Display, end: impl fmt::Display) -> String {
        match self.lang {
            Lang::ZhCn => format!("{start} 至 {end}"),
            Lang::En => format!("{start} to {end}"),
        }
    }

    /// The phrases in `lang`.
    pub(crate) fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::ZhCn => &BILL_ZH,
            Lang::En => &BILL_EN,
        }
    }

    /// The unit of `months` billed months.
    pub(crate) fn months(&self, months: u32) -> &'static str {
        match (self.lang, months) {
            (Lang::ZhCn, _) => "月",
            (Lang::En, 1) => "month",
            (Lang::En, _) => "months",
        }
    }

    /// How a pooled amount was split, by the split method's name (`area`, `usage`,
    /// `equal`, `occupants`, `hybrid`; any other name reads as a weighted split).
    pub(crate) fn split_method(&self, method: &str) -> &'static str {
        match (method, self.lang) {
            ("area", Lang::ZhCn) => "按面积",
            ("usage", Lang::ZhCn) => "按用量",
            ("equal", Lang::ZhCn) => "按户均摊",
            ("occupants", Lang::ZhCn) => "按人数",
            ("hybrid", Lang::ZhCn) => "按混合权重",
            (_, Lang::ZhCn) => "按权重",
            ("area", Lang::En) => "by area",
            ("usage", Lang::En) => "by usage",
            ("equal", Lang::En) => "equally",
            ("occupants", Lang::En) => "by occupants",
            (_, Lang::En) => "by weighted mix",
        }
    }

    /// How a reading was estimated: over `periods` periods of history that consumed
    /// `consumption` in `history_days` days, scaled to `days`.
    pub(crate) fn estimate_basis(
        &self,
        periods: u32,
        consumption: impl fmt::Display,
        days: i64,
        history_days: i64,
    ) -> String {
        match self.lang {
            Lang::ZhCn => {
                format!("（估抄：前 {periods} 期用量 {consumption} × {days}/{history_days} 天）")
            }
            Lang::En => format!(
                " (estimated from the last {periods} period{}: {consumption} × {days}/{history_days} days)",
                if periods == 1 { "" } else { "s" }
            ),
        }
    }

    /// A pooled amount `pool` split by `method` (see [`Self::split_method`]) among
    /// `participants` units, this unit's share being `ratio` of it.
    pub(crate) fn pooled_share(
        &self,
        pool: impl fmt::Display,
        method: &str,
        participants: usize,
        ratio: &str,
    ) -> String {
        let label = self.split_method(method);
        match self.lang {
            Lang::ZhCn => format!("公摊 {pool} {label}（{participants} 户）：{ratio} × {pool}"),
            Lang::En => {
                format!("pool {pool} split {label} among {participants} units: {ratio} × {pool}")
            }
        }
    }

    /// Before [`Self::pooled_share`] when the pool is one building's or group's
    /// (`split_by`): its id.
    pub(crate) fn pool_of(&self, group: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("{group} "),
            Lang::En => format!("{group}: "),
        }
    }

    /// After a bill line due on `due` when the bill's lines are due on different dates.
    pub(crate) fn line_due(&self, due: impl fmt::Display) -> String {
        match self.lang {
            Lang::ZhCn => format!("（到期 {due}）"),
            Lang::En => format!(" (due {due})"),
        }
    }

    /// A bill's total line: the total and the issue date, and the due date when every
    /// line has the same.
    pub(crate) fn bill_total(
        &self,
        total: impl fmt::Display,
        issued_on: impl fmt::Display,
        due: Option<impl fmt::Display>,
    ) -> String {
        let mut s = match self.lang {
            Lang::ZhCn => format!("合计：{total}，开票 {issued_on}"),
            Lang::En => format!("Total: {total}, issued {issued_on}"),
        };
        if let Some(due) = due {
            s.push_str(match self.lang {
                Lang::ZhCn => "，到期 ",
                Lang::En => ", due ",
            });
            s.push_str(&due.to_string());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_phrases_in_both_languages() {
        let (zh, en) = (BillPhrases::of(Lang::ZhCn), BillPhrases::of(Lang::En));
        assert_eq!(
            (zh.months(1), en.months(1), en.months(3)),
            ("月", "month", "months")
        );
        assert_eq!(zh.split_method("occupants"), "按人数");
        assert_eq!(en.split_method("equal"), "equally");
        assert_eq!(zh.split_method("other"), "按权重");
        assert_eq!(en.split_method("other"), "by weighted mix");
        assert_eq!(
            en.estimate_basis(1, 30, 31, 92),
            " (estimated from the last 1 period: 30 × 31/92 days)"
        );
        assert_eq!(
            en.estimate_basis(3, 30, 31, 92),
            " (estimated from the last 3 periods: 30 × 31/92 days)"
        );
        assert_eq!(
            zh.estimate_basis(3, 30, 31, 92),
            "（估抄：前 3 期用量 30 × 31/92 天）"
        );
        assert_eq!(
            zh.pooled_share("100.00", "area", 2, "1 / 2"),
            "公摊 100.00 按面积（2 户）：1 / 2 × 100.00"
        );
        assert_eq!(en.line_due("2026-12-16"), " (due 2026-12-16)");
        assert_eq!(
            zh.bill_total("60.44", "2026-11-01", Some("2026-11-16")),
            "合计：60.44，开票 2026-11-01，到期 2026-11-16"
        );
        assert_eq!(
            en.bill_total("60.44", "2026-11-01", None::<&str>),
            "Total: 60.44, issued 2026-11-01"
        );
    }
}
