//! One survey: questions, population, responses, results.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{Dimension, SurveyError, SurveyKind, SurveyState};
use crate::estate::Estate;
use crate::registry::Registry;

/// The `format_version` of a survey document this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::surveys::SURVEY_FORMAT_VERSION, 1);
/// ```
pub const SURVEY_FORMAT_VERSION: u32 = 1;

/// What a question asks for.
///
/// ```
/// use estatekit::surveys::{Dimension, QuestionKind};
/// let k: QuestionKind = serde_json::from_str(r#"{"scale": {"dimension": "cleaning"}}"#).unwrap();
/// assert_eq!(k, QuestionKind::Scale { dimension: Dimension::Cleaning, department: None });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// A 5-point scale: 5 非常满意, 4 满意, 3 一般, 2 不满意, 1 非常不满意.
    Scale {
        /// What it is about.
        dimension: Dimension,
        /// The department answerable for it (default: the survey's owner of the dimension).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        department: Option<String>,
    },
    /// A choice among options (a vote's question is a choice).
    Choice {
        /// The options' codes.
        options: Vec<String>,
        /// Whether several may be chosen.
        #[serde(default)]
        multiple: bool,
    },
    /// Free text.
    Text,
}

/// A question.
///
/// ```
/// use estatekit::surveys::{Dimension, Question};
/// let q = Question::scale("q1", "您对保洁服务是否满意？", "Are you satisfied with cleaning?", Dimension::Cleaning);
/// assert!(q.required);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Code, unique in the survey.
    pub code: String,
    /// The question in Chinese.
    pub text_zh: String,
    /// The question in English.
    pub text_en: String,
    /// Scale, choice or text.
    pub kind: QuestionKind,
    /// Whether a valid response must answer it (default true).
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

impl Question {
    /// A required 5-point question about `dimension`.
    ///
    /// ```
    /// use estatekit::surveys::{Dimension, Question};
    /// let q = Question::scale("q1", "保洁", "cleaning", Dimension::Cleaning);
    /// assert_eq!(q.code, "q1");
    /// ```
    pub fn scale(code: &str, text_zh: &str, text_en: &str, dimension: Dimension) -> Self {
        Self {
            code: code.into(),
            text_zh: text_zh.into(),
            text_en: text_en.into(),
            kind: QuestionKind::Scale {
                dimension,
                department: None,
            },
            required: true,
        }
    }
}

/// An answer's value.
///
/// ```
/// use estatekit::surveys::AnswerValue;
/// let v: AnswerValue = serde_json::from_str(r#"{"score": 4}"#).unwrap();
/// assert_eq!(v, AnswerValue::Score(4));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerValue {
    /// A scale answer, 1–5.
    Score(u8),
    /// The options chosen.
    Choices(Vec<String>),
    /// Free text.
    Text(String),
}

/// One answer of a response.
///
/// ```
/// use estatekit::surveys::{Answer, AnswerValue};
/// let a = Answer { question: "q1".into(), value: AnswerValue::Score(5) };
/// assert_eq!(a.question, "q1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question's code.
    pub question: String,
    /// The value.
    pub value: AnswerValue,
}

/// A unit's response.
///
/// ```
/// use estatekit::surveys::{Answer, AnswerValue, Response};
/// let r = Response { unit_id: "1-101".into(), person_id: "P1".into(), at: "2026-12-05T02:00:00Z".parse()?,
///     answers: vec![Answer { question: "q1".into(), value: AnswerValue::Score(5) }] };
/// assert_eq!(r.answers.len(), 1);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The unit answering.
    pub unit_id: String,
    /// Who answered (a person the registry has on the unit that day).
    pub person_id: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The answers.
    pub answers: Vec<Answer>,
}

/// A unit of the population, with its building.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Member {
    unit_id: String,
    building_id: String,
}

/// A survey (see the [module](super) docs).
///
/// ```
/// # let (survey, _) = estatekit::surveys::Survey::example()?;
/// assert_eq!(survey.state().as_str(), "collecting");
/// assert_eq!(estatekit::surveys::Survey::from_json(&survey.to_json())?, survey);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    format_version: u32,
    id: String,
    kind: SurveyKind,
    title: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    questions: Vec<Question>,
    top_boxes: u8,
    #[serde(with = "crate::json::decimal")]
    target: Decimal,
    rectification_days: u32,
    owners: BTreeMap<Dimension, String>,
    utc_offset_minutes: i32,
    state: SurveyState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    collecting_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    population: Vec<Member>,
    #[serde(default)]
    responses: Vec<Response>,
}

/// Counts and rates of one group of scale answers.
///
/// ```
/// # let (survey, _) = estatekit::surveys::Survey::example()?;
/// let r = survey.results(None)?;
/// let cleaning = r.by_dimension.iter().find(|b| b.key == "cleaning").unwrap();
/// assert_eq!((cleaning.answers, cleaning.satisfied, cleaning.mean_score.unwrap().to_string()), (4, 2, "3.50".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// The dimension, building or department.
    pub key: String,
    /// Scale answers.
    pub answers: usize,
    /// Of them, in the top boxes.
    pub satisfied: usize,
    /// satisfied ÷ answers, 4 decimals (none without answers).
    pub satisfaction: Option<Decimal>,
    /// Mean score, 2 decimals (none without answers).
    pub mean_score: Option<Decimal>,
}

/// How often an option was chosen.
///
/// ```
/// # let (survey, _) = estatekit::surveys::Survey::example()?;
/// let r = survey.results(None)?;
/// assert_eq!((r.choices[0].option.as_str(), r.choices[0].count), ("more_lights", 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceCount {
    /// The question.
    pub question: String,
    /// The option.
    pub option: String,
    /// Valid responses choosing it.
    pub count: usize,
}

/// A dimension below the target: a rectification action.
///
/// ```
/// # let (mut survey, _) = estatekit::surveys::Survey::example()?;
/// survey.close("2026-12-31T09:00:00Z".parse()?)?;
/// let r = survey.results(None)?;
/// assert_eq!((r.rectifications[0].dimension.as_str(), r.rectifications[0].owner.as_str()), ("security", "秩序维护部"));
/// assert_eq!(r.rectifications[0].deadline.unwrap().to_string(), "2027-01-30");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectification {
    /// The dimension.
    pub dimension: Dimension,
    /// Who must act (the survey's owner of the dimension).
    pub owner: String,
    /// Its satisfaction.
    pub satisfaction: Decimal,
    /// The target it missed.
    pub target: Decimal,
    /// The local date to act by: the close + the survey's rectification days (none
    /// before the survey closes).
    pub deadline: Option<NaiveDate>,
}

/// Change against the previous period.
///
/// ```
/// # let (survey, prev) = estatekit::surveys::Survey::example()?;
/// let r = survey.results(Some(&prev))?;
/// assert_eq!(r.trend.unwrap().satisfaction_change.unwrap().to_string(), "-0.1250");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trend {
    /// The previous survey.
    pub previous_survey: String,
    /// Its satisfaction.
    pub previous_satisfaction: Option<Decimal>,
    /// This one's minus the previous one's (4 decimals), when both exist.
    pub satisfaction_change: Option<Decimal>,
    /// Mean score change by dimension (2 decimals), for dimensions in both.
    pub mean_score_change: Vec<(Dimension, Decimal)>,
}

/// The results of a survey (see [`Survey::results`]).
///
/// ```
/// # let (survey, _) = estatekit::surveys::Survey::example()?;
/// let r = survey.results(None)?;
/// assert_eq!(r.response_rate.unwrap().to_string(), "0.1176"); // 4 of 34 delivered units
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyResults {
    /// The survey.
    pub survey_id: String,
    /// Units it was distributed to.
    pub distributed: usize,
    /// Valid responses (one per unit).
    pub valid: usize,
    /// valid ÷ distributed, 4 decimals.
    pub response_rate: Option<Decimal>,
    /// Scale answers over every scale question.
    pub scale_answers: usize,
    /// Of them, in the top boxes.
    pub satisfied: usize,
    /// `survey_satisfaction`: satisfied ÷ scale answers, 4 decimals.
    pub survey_satisfaction: Option<Decimal>,
    /// The target.
    pub target: Decimal,
    /// Whether the satisfaction reaches the target.
    pub target_met: bool,
    /// By dimension, in declaration order (dimensions asked only).
    pub by_dimension: Vec<Breakdown>,
    /// By building, in id order.
    pub by_building: Vec<Breakdown>,
    /// By answerable department, in name order.
    pub by_department: Vec<Breakdown>,
    /// Choice counts, by question then option order.
    pub choices: Vec<ChoiceCount>,
    /// Against the previous period.
    pub trend: Option<Trend>,
    /// Dimensions below the target.
    pub rectifications: Vec<Rectification>,
}

/// `n ÷ d` to `dp` decimals, half away from zero; none for `d = 0`.
fn ratio(n: Decimal, d: usize, dp: u32) -> Option<Decimal> {
    (d > 0).then(|| {
        let mut r = (n / Decimal::from(d))
            .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(dp);
        r
    })
}

#[derive(Default)]
struct Tally {
    answers: usize,
    satisfied: usize,
    sum: u64,
}

impl Tally {
    fn add(&mut self, score: u8, top: u8) {
        self.answers += 1;
        self.sum += u64::from(score);
        if score > 5 - top {
            self.satisfied += 1;
        }
    }

    fn breakdown(&self, key: String) -> Breakdown {
        Breakdown {
            key,
            answers: self.answers,
            satisfied: self.satisfied,
            satisfaction: ratio(Decimal::from(self.satisfied), self.answers, 4),
            mean_score: ratio(Decimal::from(self.sum), self.answers, 2),
        }
    }
}

/// The default owners of each dimension's rectification.
fn default_owners() -> BTreeMap<Dimension, String> {
    [
        (Dimension::Service, "客服部"),
        (Dimension::Security, "秩序维护部"),
        (Dimension::Cleaning, "环境部"),
        (Dimension::Greening, "环境部"),
        (Dimension::Repairs, "工程部"),
        (Dimension::Fees, "财务部"),
        (Dimension::Activities, "客服部"),
    ]
    .into_iter()
    .map(|(d, o)| (d, o.to_owned()))
    .collect()
}

impl Survey {
    /// A draft survey of `kind` for a period, with the defaults: top-2 boxes, a 95 %
    /// target, 30 days to rectify, the default owner of each dimension (客服部,
    /// 秩序维护部, 环境部, 工程部, 财务部), Beijing time.
    ///
    /// # Errors
    /// `empty_field` (`id`, `title`, `questions`, a question's code or text, a choice
    /// without options), `out_of_range` (`period_end` before the start),
    /// [`SurveyError::DuplicateId`] (`questions[i].code`, `questions[i].kind.choice.options[j]`).
    ///
    /// ```
    /// use estatekit::surveys::{Dimension, Question, Survey, SurveyKind};
    /// let (a, b) = Survey::quarter(2026, 4)?;
    /// let s = Survey::new("S-2026Q4", SurveyKind::Satisfaction, "2026年第四季度业主满意度调查", a, b,
    ///     vec![Question::scale("q1", "保洁", "cleaning", Dimension::Cleaning)])?;
    /// assert_eq!(s.state().as_str(), "draft");
    /// # Ok::<(), estatekit::surveys::SurveyError>(())
    /// ```
    pub fn new(
        id: &str,
        kind: SurveyKind,
        title: &str,
        period_start: NaiveDate,
        period_end: NaiveDate,
        questions: Vec<Question>,
    ) -> Result<Self, SurveyError> {
        let s = Self {
            format_version: SURVEY_FORMAT_VERSION,
            id: id.to_owned(),
            kind,
            title: title.to_owned(),
            period_start,
            period_end,
            questions,
            top_boxes: 2,
            target: Decimal::new(95, 2),
            rectification_days: 30,
            owners: default_owners(),
            utc_offset_minutes: 480,
            state: SurveyState::Draft,
            published_at: None,
            collecting_at: None,
            closed_at: None,
            population: Vec::new(),
            responses: Vec::new(),
        };
        s.check_definition()?;
        Ok(s)
    }

    /// The first and last day of a quarter (1–4).
    ///
    /// # Errors
    /// `out_of_range` (`quarter`).
    ///
    /// ```
    /// let (a, b) = estatekit::surveys::Survey::quarter(2026, 4)?;
    /// assert_eq!((a.to_string(), b.to_string()), ("2026-10-01".into(), "2026-12-31".into()));
    /// # Ok::<(), estatekit::surveys::SurveyError>(())
    /// ```
    pub fn quarter(year: i32, quarter: u32) -> Result<(NaiveDate, NaiveDate), SurveyError> {
        let bad = || {
            SurveyError::value(
                "out_of_range",
                "quarter",
                format!("{year} Q{quarter} is not a quarter of years 1–9999"),
            )
        };
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        let start = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1).ok_or_else(bad)?;
        let next = if quarter == 4 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1)
        }
        .ok_or_else(bad)?;
        Ok((start, next.pred_opt().ok_or_else(bad)?))
    }

    /// With the top boxes that count as satisfied (1–4; 2: 满意 and 非常满意).
    ///
    /// # Errors
    /// `out_of_range` (`top_boxes`); a state error after publication.
    ///
    /// ```
    /// # let (mut s, _) = estatekit::surveys::Survey::example_draft()?;
    /// s.set_top_boxes(1)?;
    /// assert_eq!(s.set_top_boxes(5).unwrap_err().path(), "top_boxes");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_top_boxes(&mut self, top_boxes: u8) -> Result<(), SurveyError> {
        self.draft_only("change the top boxes")?;
        if !(1..=4).contains(&top_boxes) {
            return Err(SurveyError::value(
                "out_of_range",
                "top_boxes",
                format!("{top_boxes} is not in 1–4"),
            ));
        }
        self.top_boxes = top_boxes;
        Ok(())
    }

    /// With the satisfaction target (a fraction in (0, 1], e.g. 0.95).
    ///
    /// # Errors
    /// `out_of_range` (`target`); a state error after publication.
    ///
    /// ```
    /// # let (mut s, _) = estatekit::surveys::Survey::example_draft()?;
    /// s.set_target("0.90".parse()?)?;
    /// assert_eq!(s.set_target("95".parse()?).unwrap_err().path(), "target");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_target(&mut self, target: Decimal) -> Result<(), SurveyError> {
        self.draft_only("change the target")?;
        if target <= Decimal::ZERO || target > Decimal::ONE {
            return Err(SurveyError::value(
                "out_of_range",
                "target",
                format!("{target} is not a fraction in (0, 1]"),
            ));
        }
        self.target = target;
        Ok(())
    }

    /// With the owner of a dimension's rectification.
    ///
    /// # Errors
    /// `empty_field` (`owner`); a state error after publication.
    ///
    /// ```
    /// # let (mut s, _) = estatekit::surveys::Survey::example_draft()?;
    /// s.set_owner(estatekit::surveys::Dimension::Greening, "绿化外包方")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_owner(&mut self, dimension: Dimension, owner: &str) -> Result<(), SurveyError> {
        self.draft_only("change an owner")?;
        if owner.trim().is_empty() {
            return Err(SurveyError::value(
                "empty_field",
                "owner",
                "must not be empty",
            ));
        }
        self.owners.insert(dimension, owner.to_owned());
        Ok(())
    }

    fn draft_only(&self, action: &str) -> Result<(), SurveyError> {
        self.expect(&[SurveyState::Draft], action)
    }

    fn expect(&self, states: &[SurveyState], action: &str) -> Result<(), SurveyError> {
        if states.contains(&self.state) {
            Ok(())
        } else {
            Err(SurveyError::SurveyState {
                path: "state".into(),
                id: self.id.clone(),
                state: self.state,
                action: action.to_owned(),
            })
        }
    }

    fn last_change(&self) -> Option<DateTime<Utc>> {
        [self.published_at, self.collecting_at, self.closed_at]
            .into_iter()
            .flatten()
            .chain(self.responses.iter().map(|r| r.at))
            .max()
    }

    fn in_order(&self, at: DateTime<Utc>) -> Result<(), SurveyError> {
        if !crate::diagnostic::in_supported_years(&at) {
            return Err(SurveyError::value(
                "out_of_range",
                "at",
                format!("{at} is outside the supported years 1–9999 (UTC)"),
            ));
        }
        match self.last_change() {
            Some(last) if at < last => Err(SurveyError::EventOutOfOrder {
                path: "at".into(),
                at,
                last,
            }),
            _ => Ok(()),
        }
    }

    /// Responses are dated from the opening of the collection on, in any order:
    /// paper forms (《业主意见调查表》) are keyed in days after they were filled in.
    fn after_collection_opened(&self, at: DateTime<Utc>) -> Result<(), SurveyError> {
        if !crate::diagnostic::in_supported_years(&at) {
            return Err(SurveyError::value(
                "out_of_range",
                "at",
                format!("{at} is outside the supported years 1–9999 (UTC)"),
            ));
        }
        match self.collecting_at {
            Some(open) if at < open => Err(SurveyError::EventOutOfOrder {
                path: "at".into(),
                at,
                last: open,
            }),
            _ => Ok(()),
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        crate::clock::local_date(at, self.utc_offset_minutes)
    }

    /// Publishes the survey: its population becomes every unit of `estate` that is
    /// delivered (occupied, vacant, rented, decorating; unsold units are left out).
    ///
    /// # Errors
    /// A state error unless a draft; [`SurveyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.population().len(), 34);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish(&mut self, estate: &Estate, at: DateTime<Utc>) -> Result<(), SurveyError> {
        self.draft_only("publish")?;
        self.in_order(at)?;
        let mut population: Vec<Member> = estate
            .units()
            .iter()
            .filter(|u| u.is_delivered())
            .map(|u| Member {
                unit_id: u.id.clone(),
                building_id: u.building_id.clone(),
            })
            .collect();
        population.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
        self.population = population;
        self.published_at = Some(at);
        self.state = SurveyState::Published;
        Ok(())
    }

    /// Opens the collection of responses.
    ///
    /// # Errors
    /// A state error unless published; [`SurveyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.start_collecting("2027-01-01T00:00:00Z".parse()?).unwrap_err().code(), "survey_state");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_collecting(&mut self, at: DateTime<Utc>) -> Result<(), SurveyError> {
        self.expect(&[SurveyState::Published], "start collecting")?;
        self.in_order(at)?;
        self.collecting_at = Some(at);
        self.state = SurveyState::Collecting;
        Ok(())
    }

    /// Closes the survey: its results are final.
    ///
    /// # Errors
    /// A state error unless collecting; [`SurveyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut s, _) = estatekit::surveys::Survey::example()?;
    /// s.close("2026-12-31T09:00:00Z".parse()?)?;
    /// assert_eq!(s.state().as_str(), "closed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close(&mut self, at: DateTime<Utc>) -> Result<(), SurveyError> {
        self.expect(&[SurveyState::Collecting], "close")?;
        self.in_order(at)?;
        self.closed_at = Some(at);
        self.state = SurveyState::Closed;
        Ok(())
    }

    /// Records a unit's response: the unit is in the population, the person is
    /// registered on the unit on the (local) day of the response, every required
    /// question is answered once, scores are 1–5, choices are options (one unless
    /// multiple), texts are not empty, and it is dated from the opening of the
    /// collection on (responses may be keyed in any order). One valid response per
    /// unit: the same response
    /// again is a retry (returns false, changes nothing); another one is refused.
    /// Returns true when recorded.
    ///
    /// # Errors
    /// [`SurveyError::NotInPopulation`], [`SurveyError::NotAnOccupant`],
    /// [`SurveyError::DuplicateResponse`], a state error unless collecting,
    /// [`SurveyError::EventOutOfOrder`]; `missing_value` (`answers`, a required question
    /// unanswered), `unknown_value` (`answers[i].question`, a choice), `out_of_range`
    /// (a score), `conflicting_fields` (a value of another kind than the question's,
    /// several choices on a single choice, a question answered twice), `empty_field`.
    ///
    /// ```
    /// use estatekit::surveys::{Answer, AnswerValue, Response};
    /// # let (mut s, _) = estatekit::surveys::Survey::example()?;
    /// # let (_, registry) = estatekit::surveys::Survey::example_registry()?;
    /// let r = Response { unit_id: "1-301".into(), person_id: "P-301".into(), at: "2026-12-20T02:00:00Z".parse()?,
    ///     answers: vec![Answer { question: "cleaning".into(), value: AnswerValue::Score(6) }] };
    /// let err = s.respond(&registry, r).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "answers[0].value"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn respond(&mut self, registry: &Registry, r: Response) -> Result<bool, SurveyError> {
        if let Some(prev) = self.responses.iter().find(|x| x.unit_id == r.unit_id) {
            if *prev == r {
                return Ok(false);
            }
            return Err(SurveyError::DuplicateResponse {
                path: "unit_id".into(),
                unit_id: r.unit_id,
            });
        }
        self.expect(&[SurveyState::Collecting], "record a response")?;
        self.after_collection_opened(r.at)?;
        self.check_response(&r)?;
        let on = self.local_date(r.at);
        if !registry
            .occupants(&r.unit_id, on)
            .iter()
            .any(|o| o.person_id == r.person_id)
        {
            return Err(SurveyError::NotAnOccupant {
                path: "person_id".into(),
                person_id: r.person_id,
                unit_id: r.unit_id,
                on,
            });
        }
        self.responses.push(r);
        Ok(true)
    }

    /// The checks of a response that need no registry (also run on a loaded document).
    fn check_response(&self, r: &Response) -> Result<(), SurveyError> {
        if !self.population.iter().any(|m| m.unit_id == r.unit_id) {
            return Err(SurveyError::NotInPopulation {
                path: "unit_id".into(),
                unit_id: r.unit_id.clone(),
            });
        }
        if r.person_id.trim().is_empty() {
            return Err(SurveyError::value(
                "empty_field",
                "person_id",
                "must not be empty",
            ));
        }
        let mut answered = BTreeSet::new();
        for (i, a) in r.answers.iter().enumerate() {
            let p = |f: &str| format!("answers[{i}].{f}");
            let q = self
                .questions
                .iter()
                .find(|q| q.code == a.question)
                .ok_or_else(|| {
                    SurveyError::value(
                        "unknown_value",
                        p("question"),
                        format!("no question {:?}", a.question),
                    )
                })?;
            if !answered.insert(a.question.as_str()) {
                return Err(SurveyError::value(
                    "conflicting_fields",
                    p("question"),
                    format!("question {:?} answered twice", a.question),
                ));
            }
            match (&q.kind, &a.value) {
                (QuestionKind::Scale { .. }, AnswerValue::Score(s)) => {
                    if !(1..=5).contains(s) {
                        return Err(SurveyError::value(
                            "out_of_range",
                            p("value"),
                            format!("score {s} is not in 1–5"),
                        ));
                    }
                }
                (QuestionKind::Choice { options, multiple }, AnswerValue::Choices(c)) => {
                    if c.is_empty() {
                        return Err(SurveyError::value(
                            "empty_field",
                            p("value"),
                            "choose at least one option",
                        ));
                    }
                    if c.len() > 1 && !multiple {
                        return Err(SurveyError::value(
                            "conflicting_fields",
                            p("value"),
                            format!("question {:?} takes one choice", q.code),
                        ));
                    }
                    let mut seen = BTreeSet::new();
                    for (j, o) in c.iter().enumerate() {
                        if !options.contains(o) {
                            return Err(SurveyError::value(
                                "unknown_value",
                                format!("answers[{i}].value[{j}]"),
                                format!("{o:?} is not an option of {:?}", q.code),
                            ));
                        }
                        if !seen.insert(o) {
                            return Err(SurveyError::value(
                                "conflicting_fields",
                                format!("answers[{i}].value[{j}]"),
                                format!("{o:?} chosen twice"),
                            ));
                        }
                    }
                }
                (QuestionKind::Text, AnswerValue::Text(t)) => {
                    if t.trim().is_empty() {
                        return Err(SurveyError::value(
                            "empty_field",
                            p("value"),
                            "must not be empty",
                        ));
                    }
                }
                _ => {
                    return Err(SurveyError::value(
                        "conflicting_fields",
                        p("value"),
                        format!("not an answer to question {:?}", q.code),
                    ));
                }
            }
        }
        if let Some(q) = self
            .questions
            .iter()
            .find(|q| q.required && !answered.contains(q.code.as_str()))
        {
            return Err(SurveyError::value(
                "missing_value",
                "answers",
                format!("required question {:?} is not answered", q.code),
            ));
        }
        Ok(())
    }

    fn check_definition(&self) -> Result<(), SurveyError> {
        let empty = |path: String| SurveyError::value("empty_field", path, "must not be empty");
        if self.id.trim().is_empty() {
            return Err(empty("id".into()));
        }
        if self.title.trim().is_empty() {
            return Err(empty("title".into()));
        }
        if self.period_end < self.period_start {
            return Err(SurveyError::value(
                "out_of_range",
                "period_end",
                format!(
                    "{} is before the start {}",
                    self.period_end, self.period_start
                ),
            ));
        }
        if self.questions.is_empty() {
            return Err(empty("questions".into()));
        }
        let mut codes = BTreeSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            let p = |f: &str| format!("questions[{i}].{f}");
            for (f, v) in [
                ("code", &q.code),
                ("text_zh", &q.text_zh),
                ("text_en", &q.text_en),
            ] {
                if v.trim().is_empty() {
                    return Err(empty(p(f)));
                }
            }
            if !codes.insert(q.code.as_str()) {
                return Err(SurveyError::DuplicateId {
                    path: p("code"),
                    id: q.code.clone(),
                });
            }
            if let QuestionKind::Choice { options, .. } = &q.kind {
                if options.is_empty() {
                    return Err(empty(p("kind.choice.options")));
                }
                let mut seen = BTreeSet::new();
                for (j, o) in options.iter().enumerate() {
                    if o.trim().is_empty() {
                        return Err(empty(format!("questions[{i}].kind.choice.options[{j}]")));
                    }
                    if !seen.insert(o) {
                        return Err(SurveyError::DuplicateId {
                            path: format!("questions[{i}].kind.choice.options[{j}]"),
                            id: o.clone(),
                        });
                    }
                }
            }
        }
        if !(1..=4).contains(&self.top_boxes) {
            return Err(SurveyError::value(
                "out_of_range",
                "top_boxes",
                format!("{} is not in 1–4", self.top_boxes),
            ));
        }
        if self.target <= Decimal::ZERO || self.target > Decimal::ONE {
            return Err(SurveyError::value(
                "out_of_range",
                "target",
                format!("{} is not a fraction in (0, 1]", self.target),
            ));
        }
        if self.utc_offset_minutes.abs() > 18 * 60 {
            return Err(SurveyError::value(
                "out_of_range",
                "utc_offset_minutes",
                "beyond ±18 hours",
            ));
        }
        Ok(())
    }

    /// Reads a survey document: its definition, state and responses must agree (times
    /// in order and matching the state, the population in id order without repeats,
    /// one response per unit, each valid for its questions).
    ///
    /// # Errors
    /// [`SurveyError::Json`], [`SurveyError::DocumentTooLarge`],
    /// [`SurveyError::UnsupportedFormatVersion`], the definition's errors, a response's
    /// error under `responses[i]`, [`SurveyError::InconsistentDocument`].
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// let forged = s.to_json().replacen("\"state\": \"collecting\"", "\"state\": \"closed\"", 1);
    /// let err = estatekit::surveys::Survey::from_json(&forged).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("inconsistent_document", "closed_at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, SurveyError> {
        crate::json::within_limit(text).map_err(|(size, limit)| SurveyError::DocumentTooLarge {
            path: "$".into(),
            size,
            limit,
        })?;
        let s: Self = crate::json::parse(text).map_err(|f| SurveyError::Json {
            path: f.path,
            message: f.message,
        })?;
        if s.format_version != SURVEY_FORMAT_VERSION {
            return Err(SurveyError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: s.format_version,
                supported: SURVEY_FORMAT_VERSION,
            });
        }
        s.check_definition()?;
        let bad = |path: &str, reason: String| SurveyError::InconsistentDocument {
            path: path.into(),
            reason,
        };
        let expected = [
            ("published_at", s.published_at, SurveyState::Published),
            ("collecting_at", s.collecting_at, SurveyState::Collecting),
            ("closed_at", s.closed_at, SurveyState::Closed),
        ];
        let mut last: Option<DateTime<Utc>> = None;
        for (field, value, from) in expected {
            let needed = s.state >= from;
            match (needed, value) {
                (true, None) => {
                    return Err(bad(field, format!("a {} survey has a {field}", s.state)));
                }
                (false, Some(_)) => {
                    return Err(bad(field, format!("a {} survey has no {field}", s.state)));
                }
                (true, Some(t)) => {
                    if last.is_some_and(|l| t < l) {
                        return Err(bad(field, format!("{t} is before the previous change")));
                    }
                    last = Some(t);
                }
                (false, None) => {}
            }
        }
        if s.state == SurveyState::Draft && !s.population.is_empty() {
            return Err(bad("population", "a draft has no population yet".into()));
        }
        if s.population
            .windows(2)
            .any(|w| w[0].unit_id >= w[1].unit_id)
        {
            return Err(bad(
                "population",
                "units are not in id order, or repeat".into(),
            ));
        }
        if s.state < SurveyState::Collecting && !s.responses.is_empty() {
            return Err(bad(
                "responses",
                format!("a {} survey has no responses", s.state),
            ));
        }
        let mut units = BTreeSet::new();
        for (i, r) in s.responses.iter().enumerate() {
            let under = |mut e: SurveyError| {
                let p = e.path_slot();
                *p = format!("responses[{i}].{p}");
                e
            };
            s.check_response(r).map_err(under)?;
            if !units.insert(r.unit_id.as_str()) {
                return Err(bad(
                    &format!("responses[{i}].unit_id"),
                    format!("unit {:?} answered twice", r.unit_id),
                ));
            }
            let opened = s
                .collecting_at
                .expect("a survey with responses is collecting (checked above)");
            if r.at < opened || s.closed_at.is_some_and(|c| r.at > c) {
                return Err(bad(
                    &format!("responses[{i}].at"),
                    "outside the collection".into(),
                ));
            }
        }
        Ok(s)
    }

    /// The survey as pretty JSON.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert!(s.to_json().contains("\"top_boxes\": 2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a survey serializes")
    }

    /// The id.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.id(), "S-2026Q4");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Satisfaction, opinion or vote.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.kind().as_str(), "satisfaction");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> SurveyKind {
        self.kind
    }

    /// The title.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.title(), "2026年第四季度业主满意度调查");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The period's first and last day.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.period().0.to_string(), "2026-10-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        (self.period_start, self.period_end)
    }

    /// The questions.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.questions().len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// Where it stands.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.state(), estatekit::surveys::SurveyState::Collecting);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn state(&self) -> SurveyState {
        self.state
    }

    /// The units it was distributed to, in id order.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.population()[0], "1-101");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn population(&self) -> Vec<&str> {
        self.population.iter().map(|m| m.unit_id.as_str()).collect()
    }

    /// The valid responses, in the order recorded.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.responses().len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn responses(&self) -> &[Response] {
        &self.responses
    }

    /// The top boxes counted as satisfied.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.top_boxes(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn top_boxes(&self) -> u8 {
        self.top_boxes
    }

    /// The satisfaction target.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// assert_eq!(s.target().to_string(), "0.95");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn target(&self) -> Decimal {
        self.target
    }

    /// The results so far (final once closed), against the previous period's results
    /// when given. `survey_satisfaction` counts every scale answer of every valid
    /// response: those in the top boxes ÷ all of them.
    ///
    /// # Errors
    /// `conflicting_fields` (`previous`) for results of this same survey.
    ///
    /// ```
    /// # let (s, _) = estatekit::surveys::Survey::example()?;
    /// let r = s.results(None)?;
    /// assert_eq!((r.scale_answers, r.satisfied), (16, 12));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn results(&self, previous: Option<&SurveyResults>) -> Result<SurveyResults, SurveyError> {
        if previous.is_some_and(|p| p.survey_id == self.id) {
            return Err(SurveyError::value(
                "conflicting_fields",
                "previous",
                "the previous results are this survey's own",
            ));
        }
        let top = self.top_boxes;
        let mut all = Tally::default();
        let mut by_dim: BTreeMap<Dimension, Tally> = BTreeMap::new();
        let mut by_building: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut by_dept: BTreeMap<String, Tally> = BTreeMap::new();
        let mut choices: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for r in &self.responses {
            let building = self
                .population
                .iter()
                .find(|m| m.unit_id == r.unit_id)
                .map(|m| m.building_id.as_str())
                .expect("a response's unit is in the population (checked when recorded)");
            for a in &r.answers {
                let (qi, q) = self
                    .questions
                    .iter()
                    .enumerate()
                    .find(|(_, q)| q.code == a.question)
                    .expect("an answer's question exists (checked when recorded)");
                match (&q.kind, &a.value) {
                    (
                        QuestionKind::Scale {
                            dimension,
                            department,
                        },
                        AnswerValue::Score(s),
                    ) => {
                        all.add(*s, top);
                        by_dim.entry(*dimension).or_default().add(*s, top);
                        by_building.entry(building).or_default().add(*s, top);
                        let dept = department
                            .clone()
                            .or_else(|| self.owners.get(dimension).cloned())
                            .unwrap_or_else(|| dimension.as_str().to_owned());
                        by_dept.entry(dept).or_default().add(*s, top);
                    }
                    (QuestionKind::Choice { options, .. }, AnswerValue::Choices(c)) => {
                        for o in c {
                            let oi = options
                                .iter()
                                .position(|x| x == o)
                                .expect("a choice is an option (checked when recorded)");
                            *choices.entry((qi, oi)).or_default() += 1;
                        }
                    }
                    _ => {}
                }
            }
        }
        let satisfaction = ratio(Decimal::from(all.satisfied), all.answers, 4);
        let by_dimension: Vec<Breakdown> = Dimension::ALL
            .iter()
            .filter_map(|d| by_dim.get(d).map(|t| t.breakdown(d.as_str().to_owned())))
            .collect();
        let mut choice_counts = Vec::new();
        for (qi, q) in self.questions.iter().enumerate() {
            if let QuestionKind::Choice { options, .. } = &q.kind {
                let mut counts: Vec<ChoiceCount> = options
                    .iter()
                    .enumerate()
                    .map(|(oi, o)| ChoiceCount {
                        question: q.code.clone(),
                        option: o.clone(),
                        count: choices.get(&(qi, oi)).copied().unwrap_or(0),
                    })
                    .collect();
                counts.sort_by(|a, b| {
                    b.count.cmp(&a.count).then_with(|| {
                        options
                            .iter()
                            .position(|o| *o == a.option)
                            .cmp(&options.iter().position(|o| *o == b.option))
                    })
                });
                choice_counts.extend(counts);
            }
        }
        let deadline = self
            .closed_at
            .map(|c| self.local_date(c))
            .and_then(|d| d.checked_add_signed(Duration::days(i64::from(self.rectification_days))));
        let rectifications = Dimension::ALL
            .iter()
            .filter_map(|d| {
                let t = by_dim.get(d)?;
                let s = ratio(Decimal::from(t.satisfied), t.answers, 4)?;
                (s < self.target).then(|| Rectification {
                    dimension: *d,
                    owner: self
                        .owners
                        .get(d)
                        .cloned()
                        .unwrap_or_else(|| d.as_str().to_owned()),
                    satisfaction: s,
                    target: self.target,
                    deadline,
                })
            })
            .collect();
        let trend = previous.map(|p| Trend {
            previous_survey: p.survey_id.clone(),
            previous_satisfaction: p.survey_satisfaction,
            satisfaction_change: satisfaction.zip(p.survey_satisfaction).map(|(a, b)| a - b),
            mean_score_change: by_dimension
                .iter()
                .filter_map(|b| {
                    let d: Dimension = b.key.parse().ok()?;
                    let before = p.by_dimension.iter().find(|x| x.key == b.key)?.mean_score?;
                    Some((d, b.mean_score? - before))
                })
                .collect(),
        });
        Ok(SurveyResults {
            survey_id: self.id.clone(),
            distributed: self.population.len(),
            valid: self.responses.len(),
            response_rate: ratio(
                Decimal::from(self.responses.len()),
                self.population.len(),
                4,
            ),
            scale_answers: all.answers,
            satisfied: all.satisfied,
            target_met: satisfaction.is_some_and(|s| s >= self.target),
            survey_satisfaction: satisfaction,
            target: self.target,
            by_dimension,
            by_building: by_building
                .iter()
                .map(|(k, t)| t.breakdown((*k).to_owned()))
                .collect(),
            by_department: by_dept
                .iter()
                .map(|(k, t)| t.breakdown(k.clone()))
                .collect(),
            choices: choice_counts,
            trend,
            rectifications,
        })
    }
}
