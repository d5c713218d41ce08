//! Texts in Simplified Chinese (zh-CN) and English for labels shown to owners and staff.
//!
//! ```
//! use estatekit::estate::UnitStatus;
//! use estatekit::i18n::{Lang, Label};
//! assert_eq!(UnitStatus::Delivered.label(Lang::ZhCn), "已交房未入住");
//! assert_eq!(UnitStatus::Delivered.label(Lang::En), "delivered, vacant");
//! ```

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

/// A language tag other than `zh-CN`, `zh` or `en` (code `invalid`, path `lang`).
///
/// ```
/// use estatekit::diagnostic::Diagnostic;
/// let e = "de".parse::<estatekit::i18n::Lang>().unwrap_err();
/// assert_eq!((e.code(), e.path().as_ref()), ("invalid", "lang"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lang: unknown language {value:?}; expected \"zh-CN\" or \"en\"")]
pub struct UnknownLang {
    /// The tag given.
    pub value: String,
}

impl crate::diagnostic::Diagnostic for UnknownLang {
    fn code(&self) -> &'static str {
        "invalid"
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

macro_rules! labels {
    ($ty:ty { $($variant:ident => $zh:literal, $en:literal;)+ }) => {
        impl Label for $ty {
            fn label(&self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((<$ty>::$variant, Lang::ZhCn) => $zh,
                      (<$ty>::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

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
