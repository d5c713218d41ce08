//! Owner surveys (业主意见调查): a survey of a period from draft to closed, one valid
//! response per unit, and its results (`survey_satisfaction`, breakdowns, trend,
//! rectifications).
//!
//! A thin adapter over `estatekit::surveys`: every rule is the core's. Timestamps cross
//! as [`Timestamp`](crate::Timestamp) (`java.time.Instant` / RFC 3339 in Swift), dates
//! as `LocalDate` / ISO strings, rates and targets as `BigDecimal` / `Decimal`. Errors
//! are the core's codes and paths: what the survey's state does not allow
//! (`survey_state`, `duplicate_response`, `not_an_occupant`) is
//! `EstateKitException.State`, everything else `EstateKitException.Validation`.

use std::sync::{Arc, MutexGuard};

use chrono::NaiveDate;
use estatekit::i18n::{Label, Lang};
use estatekit::surveys as sv;
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::estate::Estate;
use crate::registry::Registry;
use crate::{EstateKitError, IntoCore, Timestamp, ToMobile};

/// A mobile enum mirroring a core survey enum variant by variant, with its wire name
/// (`collecting`, as in the JSON and in Python) and its label in zh-CN or English.
macro_rules! survey_enum {
    ($(#[$meta:meta])* pub enum $name:ident mirrors $core:ty {
        $($(#[$vmeta:meta])* $variant:ident,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl From<$core> for $name {
            fn from(c: $core) -> Self {
                match c {
                    $(<$core>::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$name> for $core {
            fn from(m: $name) -> Self {
                match m {
                    $($name::$variant => <$core>::$variant,)+
                }
            }
        }

        impl ToMobile<$name> for $core {
            fn to_mobile(self) -> $name {
                self.into()
            }
        }

        impl IntoCore<$core> for $name {
            fn into_core(self, _: &str) -> Result<$core, EstateKitError> {
                Ok(self.into())
            }
        }

        #[guard(crate::panic_guard)]
        #[uniffi::export]
        impl $name {
            /// The stable snake_case name used in JSON and by Python (`collecting`).
            pub fn wire_name(&self) -> String {
                <$core>::from(*self).as_str().to_owned()
            }

            /// The label in `lang` (default zh-CN), e.g. 收集中 / "collecting".
            #[uniffi::method(default(lang = None))]
            pub fn label(&self, lang: Option<Lang>) -> String {
                <$core>::from(*self).label(lang.unwrap_or(Lang::ZhCn)).to_owned()
            }
        }
    };
}

survey_enum! {
    /// What a survey asks.
    pub enum SurveyKind mirrors sv::SurveyKind {
        /// Customer satisfaction (满意度调查).
        Satisfaction,
        /// Owners' opinions (业主意见征询).
        Opinion,
        /// A vote (表决).
        Vote,
    }
}

survey_enum! {
    /// Where a survey stands.
    pub enum SurveyState mirrors sv::SurveyState {
        /// Being written.
        Draft,
        /// Published: its population (the units it goes to) is fixed.
        Published,
        /// Collecting responses.
        Collecting,
        /// Closed: results are final.
        Closed,
    }
}

survey_enum! {
    /// What a scale question is about.
    pub enum Dimension mirrors sv::Dimension {
        /// Customer service (客户服务).
        Service,
        /// Security (秩序维护).
        Security,
        /// Cleaning (保洁).
        Cleaning,
        /// Greening (绿化).
        Greening,
        /// Repairs and maintenance (维修).
        Repairs,
        /// Fees and their transparency (收费).
        Fees,
        /// Community activities (社区活动).
        Activities,
    }
}

/// What a question asks for (`QuestionKind.scale(...)`, `.choice(...)`, `.text()` in
/// Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum QuestionKind {
    /// A 5-point scale: 5 非常满意, 4 满意, 3 一般, 2 不满意, 1 非常不满意.
    Scale {
        /// What it is about.
        dimension: Dimension,
        /// The department answerable for it (null: the survey's owner of the dimension).
        department: Option<String>,
    },
    /// A choice among options (a vote's question is a choice).
    Choice {
        /// The options' codes.
        options: Vec<String>,
        /// Whether several may be chosen.
        multiple: bool,
    },
    /// Free text.
    Text,
}

impl From<sv::QuestionKind> for QuestionKind {
    fn from(c: sv::QuestionKind) -> Self {
        match c {
            sv::QuestionKind::Scale {
                dimension,
                department,
            } => Self::Scale {
                dimension: dimension.into(),
                department,
            },
            sv::QuestionKind::Choice { options, multiple } => Self::Choice { options, multiple },
            sv::QuestionKind::Text => Self::Text,
        }
    }
}

impl From<QuestionKind> for sv::QuestionKind {
    fn from(m: QuestionKind) -> Self {
        match m {
            QuestionKind::Scale {
                dimension,
                department,
            } => Self::Scale {
                dimension: dimension.into(),
                department,
            },
            QuestionKind::Choice { options, multiple } => Self::Choice { options, multiple },
            QuestionKind::Text => Self::Text,
        }
    }
}

/// A question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Question {
    /// Code, unique in the survey.
    pub code: String,
    /// The question in Chinese.
    pub text_zh: String,
    /// The question in English.
    pub text_en: String,
    /// Scale, choice or text.
    pub kind: QuestionKind,
    /// Whether a valid response must answer it.
    #[uniffi(default = true)]
    pub required: bool,
}

impl From<sv::Question> for Question {
    fn from(c: sv::Question) -> Self {
        Self {
            code: c.code,
            text_zh: c.text_zh,
            text_en: c.text_en,
            kind: c.kind.into(),
            required: c.required,
        }
    }
}

impl From<Question> for sv::Question {
    fn from(m: Question) -> Self {
        Self {
            code: m.code,
            text_zh: m.text_zh,
            text_en: m.text_en,
            kind: m.kind.into(),
            required: m.required,
        }
    }
}

/// An answer's value (an int, a list of str or a str in Python).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AnswerValue {
    /// A scale answer, 1–5.
    Score {
        /// The score.
        score: i32,
    },
    /// The options chosen.
    Choices {
        /// The options' codes.
        options: Vec<String>,
    },
    /// Free text.
    Text {
        /// The text.
        text: String,
    },
}

/// One answer of a response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Answer {
    /// The question's code.
    pub question: String,
    /// The value.
    pub value: AnswerValue,
}

/// A unit's response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Response {
    /// The unit answering.
    pub unit_id: String,
    /// Who answered (a person the registry has on the unit that day).
    pub person_id: String,
    /// When.
    pub at: Timestamp,
    /// The answers.
    pub answers: Vec<Answer>,
}

impl From<sv::Response> for Response {
    fn from(c: sv::Response) -> Self {
        Self {
            unit_id: c.unit_id,
            person_id: c.person_id,
            at: c.at,
            answers: c
                .answers
                .into_iter()
                .map(|a| Answer {
                    question: a.question,
                    value: match a.value {
                        sv::AnswerValue::Score(s) => AnswerValue::Score {
                            score: s.to_mobile(),
                        },
                        sv::AnswerValue::Choices(options) => AnswerValue::Choices { options },
                        sv::AnswerValue::Text(text) => AnswerValue::Text { text },
                    },
                })
                .collect(),
        }
    }
}

impl Response {
    /// The core response; a score beyond a byte is `invalid_integer` at
    /// `answers[i].value`.
    fn into_core(self) -> Result<sv::Response, EstateKitError> {
        let answers = self
            .answers
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let value = match a.value {
                    AnswerValue::Score { score } => {
                        sv::AnswerValue::Score(score.into_core(&format!("answers[{i}].value"))?)
                    }
                    AnswerValue::Choices { options } => sv::AnswerValue::Choices(options),
                    AnswerValue::Text { text } => sv::AnswerValue::Text(text),
                };
                Ok(sv::Answer {
                    question: a.question,
                    value,
                })
            })
            .collect::<Result<_, EstateKitError>>()?;
        Ok(sv::Response {
            unit_id: self.unit_id,
            person_id: self.person_id,
            at: self.at,
            answers,
        })
    }
}

/// A period's first and last day (`Survey.period` and `survey_quarter`: a `(start,
/// end)` tuple in Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SurveyPeriod {
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
}

/// A dimension's mean score change against the previous period (`Trend.mean_score_change`:
/// `(dimension, change)` tuples in Python).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct DimensionChange {
    /// The dimension.
    pub dimension: Dimension,
    /// This period's mean score minus the previous one's (2 decimals).
    pub change: Decimal,
}

impl ToMobile<DimensionChange> for (sv::Dimension, Decimal) {
    fn to_mobile(self) -> DimensionChange {
        DimensionChange {
            dimension: self.0.into(),
            change: self.1,
        }
    }
}

impl IntoCore<(sv::Dimension, Decimal)> for DimensionChange {
    fn into_core(self, _: &str) -> Result<(sv::Dimension, Decimal), EstateKitError> {
        Ok((self.dimension.into(), self.change))
    }
}

crate::mirror_record! {
    /// Counts and rates of one group of scale answers (a dimension, a building, a
    /// department).
    pub struct Breakdown mirrors sv::Breakdown {
        /// The dimension's wire name, the building id or the department.
        key: String,
        /// Scale answers.
        answers: i64,
        /// Of them, in the top boxes.
        satisfied: i64,
        /// satisfied ÷ answers, 4 decimals (null without answers).
        satisfaction: Option<Decimal>,
        /// Mean score, 2 decimals (null without answers).
        mean_score: Option<Decimal>,
    }
}

crate::mirror_record! {
    /// How often an option of a choice question was chosen.
    pub struct ChoiceCount mirrors sv::ChoiceCount {
        /// The question's code.
        question: String,
        /// The option.
        option: String,
        /// Valid responses choosing it.
        count: i64,
    }
}

crate::mirror_record! {
    /// A dimension below the target: a rectification action for its owner.
    pub struct Rectification mirrors sv::Rectification {
        /// The dimension.
        dimension: Dimension,
        /// Who must act (the survey's owner of the dimension).
        owner: String,
        /// The dimension's satisfaction.
        satisfaction: Decimal,
        /// The target it missed.
        target: Decimal,
        /// The local date to act by: the close + the survey's rectification days (null
        /// before the survey closes).
        deadline: Option<NaiveDate>,
    }
}

crate::mirror_record! {
    /// The change against the previous period's results.
    pub struct Trend mirrors sv::Trend {
        /// The previous survey's id.
        previous_survey: String,
        /// Its satisfaction.
        previous_satisfaction: Option<Decimal>,
        /// This one's minus the previous one's (4 decimals), when both exist.
        satisfaction_change: Option<Decimal>,
        /// Mean score change by dimension (2 decimals), for dimensions in both, in
        /// declaration order.
        mean_score_change: Vec<DimensionChange>,
    }
}

crate::mirror_record! {
    /// The results of a survey (`Survey.results`): responses, `survey_satisfaction`
    /// against the target, breakdowns, choice counts, trend and rectifications.
    pub struct SurveyResults mirrors sv::SurveyResults {
        /// The survey's id.
        survey_id: String,
        /// Units it was distributed to.
        distributed: i64,
        /// Valid responses (one per unit).
        valid: i64,
        /// valid ÷ distributed, 4 decimals (null without a population).
        response_rate: Option<Decimal>,
        /// Scale answers over every scale question.
        scale_answers: i64,
        /// Of them, in the top boxes.
        satisfied: i64,
        /// `survey_satisfaction`: satisfied ÷ scale answers, 4 decimals (null without
        /// answers). Not the return-visit satisfaction of tickets.
        survey_satisfaction: Option<Decimal>,
        /// The target.
        target: Decimal,
        /// Whether the satisfaction reaches the target.
        target_met: bool,
        /// By dimension, in declaration order (dimensions asked only).
        by_dimension: Vec<Breakdown>,
        /// By building, in id order.
        by_building: Vec<Breakdown>,
        /// By answerable department, in name order.
        by_department: Vec<Breakdown>,
        /// Choice counts, by question, then most chosen first (ties in option order).
        choices: Vec<ChoiceCount>,
        /// Against the previous period, when given.
        trend: Option<Trend>,
        /// Dimensions below the target, in declaration order.
        rectifications: Vec<Rectification>,
    }
}

/// The first and last day of a quarter (1–4) of `year` (`Survey.quarter` in Python);
/// `out_of_range` at `quarter` otherwise.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn survey_quarter(year: i32, quarter: i32) -> Result<SurveyPeriod, EstateKitError> {
    let (start, end) = sv::Survey::quarter(year, quarter.into_core("quarter")?)?;
    Ok(SurveyPeriod { start, end })
}

crate::json_object! {
    /// An owner survey (业主意见调查): satisfaction, opinion or vote, of a period (a
    /// quarter by default), with its questions; draft → published (the population,
    /// every delivered unit, is fixed) → collecting → closed; one valid response per
    /// unit, by a person the occupant registry has on the unit that day (thread-safe).
    /// `fromJson` checks that definition, state and responses agree.
    pub struct Survey(mutex sv::Survey);
}

impl Survey {
    fn lock(&self) -> MutexGuard<'_, sv::Survey> {
        // A poisoned lock only means another thread panicked mid-call; every core
        // operation checks before it changes anything.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Survey {
    /// A draft survey for the period `period_start`–`period_end`, with the defaults:
    /// top-2 boxes, a 0.95 target, 30 days to rectify, the default owner of each
    /// dimension (客服部, 秩序维护部, 环境部, 工程部, 财务部), Beijing time.
    /// `empty_field` (id, title, questions, a question's code or text, a choice without
    /// options), `out_of_range` (period_end before the start), `duplicate_id`
    /// (`questions[i].code`, an option).
    #[uniffi::constructor]
    pub fn new(
        id: String,
        kind: SurveyKind,
        title: String,
        period_start: NaiveDate,
        period_end: NaiveDate,
        questions: Vec<Question>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let questions = questions.into_iter().map(Into::into).collect();
        let s = sv::Survey::new(
            &id,
            kind.into(),
            &title,
            period_start,
            period_end,
            questions,
        )?;
        Ok(Arc::new(Self {
            inner: std::sync::Mutex::new(s),
        }))
    }

    /// The id.
    pub fn id(&self) -> String {
        self.lock().id().to_owned()
    }

    /// Satisfaction, opinion or vote.
    pub fn kind(&self) -> SurveyKind {
        self.lock().kind().into()
    }

    /// The title.
    pub fn title(&self) -> String {
        self.lock().title().to_owned()
    }

    /// The period's first and last day.
    pub fn period(&self) -> SurveyPeriod {
        let (start, end) = self.lock().period();
        SurveyPeriod { start, end }
    }

    /// The questions.
    pub fn questions(&self) -> Vec<Question> {
        self.lock()
            .questions()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// Where it stands.
    pub fn state(&self) -> SurveyState {
        self.lock().state().into()
    }

    /// The units it was distributed to, in id order (empty while a draft).
    pub fn population(&self) -> Vec<String> {
        self.lock()
            .population()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// The valid responses, in the order recorded.
    pub fn responses(&self) -> Vec<Response> {
        self.lock()
            .responses()
            .iter()
            .cloned()
            .map(Into::into)
            .collect()
    }

    /// The top boxes of the scale counted as satisfied (2: 满意 and 非常满意).
    pub fn top_boxes(&self) -> i32 {
        self.lock().top_boxes().to_mobile()
    }

    /// The satisfaction target (0.95 by default).
    pub fn target(&self) -> Decimal {
        self.lock().target()
    }

    /// With the top boxes that count as satisfied (1–4): `out_of_range` at
    /// `top_boxes`; a `State` error after publication.
    pub fn set_top_boxes(&self, top_boxes: i32) -> Result<(), EstateKitError> {
        let top_boxes: u8 = top_boxes.into_core("top_boxes")?;
        Ok(self.lock().set_top_boxes(top_boxes)?)
    }

    /// With the satisfaction target, a fraction in (0, 1]: `out_of_range` at `target`;
    /// a `State` error after publication.
    pub fn set_target(&self, target: Decimal) -> Result<(), EstateKitError> {
        Ok(self.lock().set_target(target)?)
    }

    /// With the owner of a dimension's rectification: `empty_field` at `owner`; a
    /// `State` error after publication.
    pub fn set_owner(&self, dimension: Dimension, owner: String) -> Result<(), EstateKitError> {
        Ok(self.lock().set_owner(dimension.into(), &owner)?)
    }

    /// Publishes the survey: its population becomes every delivered unit of `estate`
    /// (unsold units are left out). `survey_state` unless a draft; `event_out_of_order`.
    pub fn publish(&self, estate: Arc<Estate>, at: Timestamp) -> Result<(), EstateKitError> {
        Ok(self.lock().publish(&estate.inner, at)?)
    }

    /// Opens the collection of responses (`survey_state` unless published).
    pub fn start_collecting(&self, at: Timestamp) -> Result<(), EstateKitError> {
        Ok(self.lock().start_collecting(at)?)
    }

    /// Closes the survey: its results are final (`survey_state` unless collecting).
    pub fn close(&self, at: Timestamp) -> Result<(), EstateKitError> {
        Ok(self.lock().close(at)?)
    }

    /// Records a unit's response: true when recorded, false for a retry of the same
    /// response (nothing changes). Another response of the unit is `duplicate_response`
    /// (a `State` error); the unit must be in the population (`not_in_population`), the
    /// person registered on it on the local day (`not_an_occupant`, a `State` error);
    /// every required question answered once, scores 1–5, choices among the options
    /// (`missing_value`, `unknown_value`, `out_of_range`, `conflicting_fields` at
    /// `answers[i]…`).
    pub fn respond(
        &self,
        registry: Arc<Registry>,
        response: Response,
    ) -> Result<bool, EstateKitError> {
        let response = response.into_core()?;
        let registry = registry.lock();
        Ok(self.lock().respond(&registry, response)?)
    }

    /// The results so far (final once closed), against the previous period's results
    /// when given (`conflicting_fields` at `previous` for this survey's own).
    #[uniffi::method(default(previous = None))]
    pub fn results(
        &self,
        previous: Option<SurveyResults>,
    ) -> Result<SurveyResults, EstateKitError> {
        let previous: Option<sv::SurveyResults> = previous.into_core("previous")?;
        Ok(self.lock().results(previous.as_ref())?.into())
    }
}
