//! `estatekit.Survey` and the records of an owner survey (业主意见调查): a thin adapter
//! over `estatekit::surveys`.
//!
//! Enums are their wire names (`"satisfaction"`, `"collecting"`, `"cleaning"`);
//! `Survey.label` gives their zh-CN and English labels. Rates and targets are
//! `decimal.Decimal`; instants (`at`) are timezone-aware `datetime.datetime` values (any
//! offset; naive ones are refused), returned in UTC; days are `datetime.date`. Errors
//! are the core's, with its code and path: what the survey's state does not allow
//! (`survey_state`, `duplicate_response`, `not_an_occupant`) is a `StateError`,
//! anything else a `ValidationError`.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::i18n::Label;
use estatekit::surveys::{
    Answer, AnswerValue, Breakdown, ChoiceCount, Dimension, Question, QuestionKind, Rectification,
    Response, Survey, SurveyError, SurveyKind, SurveyResults, SurveyState, Trend,
};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use rust_decimal::Decimal;

use crate::estate::PyEstate;
use crate::fees::lang_arg;
use crate::record::{json_document, locked_getters, record, register, shared_eq, wrap_all};
use crate::registry::PyRegistry;
use crate::shared::Shared;
use crate::{decimal_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PySurvey, PyQuestionKind, PyQuestion, PyAnswer, PyResponse, PySurveyResults,
           PyBreakdown, PyChoiceCount, PyRectification, PyTrend; survey_quarter
    )
}

/// Parses a wire name of a survey enum, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = SurveyError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let (code, reason) = match &e {
            SurveyError::InvalidField { code, reason, .. } => (*code, reason.clone()),
            other => (other.code(), other.to_string()),
        };
        validation_error(code, path, format!("{path}: {reason}"))
    })
}

/// The label of the wire name `value` of the enum `T` in `lang`.
fn label_of<T: FromStr<Err = SurveyError> + Label>(
    value: &str,
    lang: estatekit::i18n::Lang,
) -> PyResult<&'static str> {
    Ok(enum_arg::<T>(value, "value")?.label(lang))
}

// ---- questions, answers, responses -----------------------------------------------------

record! {
    /// What a question asks for: a 5-point scale about a dimension, a choice among
    /// options, or free text (`QuestionKind.scale(...)`, `.choice(...)`, `.text()`).
    struct PyQuestionKind("QuestionKind", eq) { inner: QuestionKind }
    |k| {
        /// "scale", "choice" or "text".
        r#type: &'static str = match k {
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::Text => "text",
        },
        /// A scale's dimension ("service", "security", "cleaning", "greening",
        /// "repairs", "fees", "activities"); None otherwise.
        dimension: Option<&'static str> = match k {
            QuestionKind::Scale { dimension, .. } => Some(dimension.as_str()),
            _ => None,
        },
        /// A scale's answerable department (default: the survey's owner of the
        /// dimension); None otherwise.
        department: Option<String> = match k {
            QuestionKind::Scale { department, .. } => department.clone(),
            _ => None,
        },
        /// A choice's option codes; empty otherwise.
        options: Vec<String> = match k {
            QuestionKind::Choice { options, .. } => options.clone(),
            _ => Vec::new(),
        },
        /// Whether a choice takes several options; False otherwise.
        multiple: bool = matches!(k, QuestionKind::Choice { multiple: true, .. }),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyQuestionKind {
    /// A 5-point scale (5 非常满意 … 1 非常不满意) about `dimension`, answerable by
    /// `department` (default: the survey's owner of the dimension).
    #[staticmethod]
    #[pyo3(signature = (dimension, department = None))]
    fn scale(
        #[pyo3(from_py_with = crate::args::str_ref)] dimension: &str,
        #[pyo3(from_py_with = crate::args::opt_text)] department: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: QuestionKind::Scale {
                dimension: enum_arg(dimension, "dimension")?,
                department,
            },
        })
    }
    /// A choice among `options` (codes), several allowed when `multiple`.
    #[staticmethod]
    #[pyo3(signature = (options, multiple = false))]
    fn choice(
        #[pyo3(from_py_with = crate::args::text_list)] options: Vec<String>,
        multiple: bool,
    ) -> Self {
        Self {
            inner: QuestionKind::Choice { options, multiple },
        }
    }
    /// Free text.
    #[staticmethod]
    fn text() -> Self {
        Self {
            inner: QuestionKind::Text,
        }
    }
    /// `QuestionKind.scale('cleaning')`, `QuestionKind.choice(['a', 'b'], multiple=True)`,
    /// `QuestionKind.text()`.
    fn __repr__(&self) -> String {
        match &self.inner {
            QuestionKind::Scale {
                dimension,
                department: None,
            } => format!("QuestionKind.scale({:?})", dimension.as_str()),
            QuestionKind::Scale {
                dimension,
                department: Some(d),
            } => format!("QuestionKind.scale({:?}, {d:?})", dimension.as_str()),
            QuestionKind::Choice { options, multiple } => format!(
                "QuestionKind.choice({options:?}, multiple={})",
                if *multiple { "True" } else { "False" }
            ),
            QuestionKind::Text => "QuestionKind.text()".to_owned(),
        }
    }
}

record! {
    /// A question of a survey: its code (unique in the survey), its text in Chinese and
    /// English, its kind, and whether a valid response must answer it.
    struct PyQuestion("Question", eq) { inner: Question }
    repr(code, kind, required);
    |q| {
        code: String,
        text_zh: String,
        text_en: String,
        kind: PyQuestionKind = q.kind.clone().into(),
        /// Whether a valid response must answer it.
        required: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyQuestion {
    /// A question (checked when the survey is made: `empty_field`, `duplicate_id`).
    #[new]
    #[pyo3(signature = (code, text_zh, text_en, kind, *, required = true))]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] code: String,
        #[pyo3(from_py_with = crate::args::text)] text_zh: String,
        #[pyo3(from_py_with = crate::args::text)] text_en: String,
        kind: PyRef<'_, PyQuestionKind>,
        required: bool,
    ) -> Self {
        Self {
            inner: Question {
                code,
                text_zh,
                text_en,
                kind: kind.inner.clone(),
                required,
            },
        }
    }
    /// A required 5-point question about `dimension` (the core's `Question::scale`).
    #[staticmethod]
    fn scale(
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] text_zh: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] text_en: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] dimension: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: Question::scale(code, text_zh, text_en, enum_arg(dimension, "dimension")?),
        })
    }
}

/// An answer's value from Python: an int is a score, a str a text, a list of str the
/// options chosen (a bool is refused).
fn answer_value(obj: &Bound<'_, PyAny>) -> PyResult<AnswerValue> {
    if obj.is_instance_of::<PyString>() {
        return crate::args::text(obj).map(AnswerValue::Text);
    }
    if obj.is_instance_of::<pyo3::types::PyInt>() || obj.is_instance_of::<pyo3::types::PyBool>() {
        return crate::args::int::<u8>(obj).map(AnswerValue::Score);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return crate::args::text_list(obj).map(AnswerValue::Choices);
    }
    Err(crate::args::argument_error(
        "wrong_type",
        "",
        format!(
            "expected an int (a score), a str (a text) or a list of str (choices), got {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ),
    ))
}

record! {
    /// One answer of a response: the question's code and the value (an int score 1–5,
    /// a list of option codes, or a text).
    struct PyAnswer("Answer", eq) { inner: Answer }
    repr(question, value);
    |a| {
        question: String,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyAnswer {
    /// An answer to `question`: `value` an int (a scale's score, 1–5), a list of str
    /// (a choice's options) or a str (a text).
    #[new]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] question: String,
        #[pyo3(from_py_with = answer_value)] value: AnswerValue,
    ) -> Self {
        Self {
            inner: Answer { question, value },
        }
    }
    /// The value: an int (a score), a list of str (choices) or a str (a text).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match &self.inner.value {
            AnswerValue::Score(s) => s.into_pyobject(py)?.into_any(),
            AnswerValue::Choices(c) => PyList::new(py, c)?.into_any(),
            AnswerValue::Text(t) => PyString::new(py, t).into_any(),
        })
    }
}

record! {
    /// A unit's response: who answered (a person the occupant registry has on the unit
    /// that day), when, and the answers.
    struct PyResponse("Response", eq) { inner: Response }
    repr(unit_id, person_id, at);
    |r| {
        unit_id: String,
        person_id: String,
        at: DateTime<Utc>,
        answers: Vec<PyAnswer> = wrap_all(&r.answers),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyResponse {
    /// A response of `unit_id` by `person_id` at `at` (timezone-aware).
    #[new]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] unit_id: String,
        #[pyo3(from_py_with = crate::args::text)] person_id: String,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        answers: Vec<PyRef<'_, PyAnswer>>,
    ) -> Self {
        Self {
            inner: Response {
                unit_id,
                person_id,
                at,
                answers: answers.iter().map(|a| a.inner.clone()).collect(),
            },
        }
    }
}

// ---- results ---------------------------------------------------------------------------

record! {
    /// Counts and rates of one group of scale answers (a dimension, a building, a
    /// department).
    struct PyBreakdown("Breakdown", eq) { inner: Breakdown }
    repr(key, answers, satisfied, satisfaction, mean_score);
    |b| {
        /// The dimension's wire name, the building id or the department.
        key: String,
        /// Scale answers.
        answers: usize,
        /// Of them, in the top boxes.
        satisfied: usize,
        /// satisfied ÷ answers, 4 decimals (None without answers).
        satisfaction: Option<Decimal>,
        /// Mean score, 2 decimals (None without answers).
        mean_score: Option<Decimal>,
    }
}

record! {
    /// How often an option of a choice question was chosen.
    struct PyChoiceCount("ChoiceCount", eq) { inner: ChoiceCount }
    repr(question, option, count);
    |c| {
        /// The question's code.
        question: String,
        /// The option.
        option: String,
        /// Valid responses choosing it.
        count: usize,
    }
}

record! {
    /// A dimension below the target: a rectification action for its owner.
    struct PyRectification("Rectification", eq) { inner: Rectification }
    repr(dimension, owner, satisfaction, deadline);
    |r| {
        /// The dimension's wire name.
        dimension: &'static str = r.dimension.as_str(),
        /// Who must act (the survey's owner of the dimension).
        owner: String,
        /// The dimension's satisfaction.
        satisfaction: Decimal,
        /// The target it missed.
        target: Decimal,
        /// The local date to act by: the close + the survey's rectification days
        /// (None before the survey closes).
        deadline: Option<NaiveDate>,
    }
}

record! {
    /// The change against the previous period's results.
    struct PyTrend("Trend", eq) { inner: Trend }
    repr(previous_survey, satisfaction_change);
    |t| {
        /// The previous survey's id.
        previous_survey: String,
        /// Its satisfaction.
        previous_satisfaction: Option<Decimal>,
        /// This one's minus the previous one's (4 decimals), when both exist.
        satisfaction_change: Option<Decimal>,
        /// Mean score change by dimension (2 decimals), for dimensions in both:
        /// [(dimension, change), ...] in declaration order.
        mean_score_change: Vec<(&'static str, Decimal)> = t
            .mean_score_change
            .iter()
            .map(|(d, c)| (d.as_str(), *c))
            .collect(),
    }
}

record! {
    /// The results of a survey (`Survey.results`): responses, `survey_satisfaction`
    /// against the target, breakdowns, choice counts, trend and rectifications.
    struct PySurveyResults("SurveyResults", eq) { inner: SurveyResults }
    repr(survey_id, valid, survey_satisfaction, target_met);
    |r| {
        /// The survey's id.
        survey_id: String,
        /// Units it was distributed to.
        distributed: usize,
        /// Valid responses (one per unit).
        valid: usize,
        /// valid ÷ distributed, 4 decimals (None without a population).
        response_rate: Option<Decimal>,
        /// Scale answers over every scale question.
        scale_answers: usize,
        /// Of them, in the top boxes.
        satisfied: usize,
        /// `survey_satisfaction`: satisfied ÷ scale answers, 4 decimals (None without
        /// answers). Not the return-visit satisfaction of tickets.
        survey_satisfaction: Option<Decimal>,
        /// The target.
        target: Decimal,
        /// Whether the satisfaction reaches the target.
        target_met: bool,
        /// By dimension, in declaration order (dimensions asked only).
        by_dimension: Vec<PyBreakdown> = wrap_all(&r.by_dimension),
        /// By building, in id order.
        by_building: Vec<PyBreakdown> = wrap_all(&r.by_building),
        /// By answerable department, in name order.
        by_department: Vec<PyBreakdown> = wrap_all(&r.by_department),
        /// Choice counts, by question, then most chosen first (ties in option order).
        choices: Vec<PyChoiceCount> = wrap_all(&r.choices),
        /// Against the previous period, when given.
        trend: Option<PyTrend> = r.trend.clone().map(Into::into),
        /// Dimensions below the target, in declaration order.
        rectifications: Vec<PyRectification> = wrap_all(&r.rectifications),
    }
}

// ---- the survey ------------------------------------------------------------------------

/// An owner survey (业主意见调查): satisfaction, opinion or vote, of a period (a quarter
/// by default), with its questions; draft → published (the population, every
/// delivered unit, is fixed) → collecting → closed; one valid response per unit, by a
/// person the occupant registry has on the unit that day.
#[pyclass(frozen, module = "estatekit", name = "Survey")]
struct PySurvey {
    inner: Shared<Survey>,
}

impl PySurvey {
    fn wrap(inner: Survey) -> Self {
        Self {
            inner: Shared::new("Survey", inner),
        }
    }
}

json_document! {
    /// Read a survey document (as `to_json` writes it): its definition, state and
    /// responses must agree (times in order and matching the state, the population in
    /// id order, one response per unit, each valid for its questions); the first
    /// contradiction raises ValidationError naming the field (e.g. 'not_in_population'
    /// at 'responses[0].unit_id', 'inconsistent_document' at 'closed_at').
    PySurvey: Survey, shared
}

shared_eq! {
    /// Equal when the surveys are (definition, state, population and responses).
    PySurvey |a, b| a == b
}

locked_getters!(PySurvey |s| {
    id: String = s.id().to_owned(),
    /// "satisfaction", "opinion" or "vote".
    kind: &'static str = s.kind().as_str(),
    title: String = s.title().to_owned(),
    /// (first day, last day) of the period.
    period: (NaiveDate, NaiveDate) = s.period(),
    questions: Vec<PyQuestion> = wrap_all(s.questions()),
    /// "draft", "published", "collecting" or "closed".
    state: &'static str = s.state().as_str(),
    /// The units it was distributed to, in id order (empty while a draft).
    population: Vec<String> = s.population().into_iter().map(str::to_owned).collect(),
    /// The valid responses, in the order recorded.
    responses: Vec<PyResponse> = wrap_all(s.responses()),
    /// The top boxes of the scale counted as satisfied (2: 满意 and 非常满意).
    top_boxes: u8 = s.top_boxes(),
    /// The satisfaction target (0.95 by default).
    target: Decimal = s.target(),
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PySurvey {
    /// A draft survey of `kind` ("satisfaction", "opinion", "vote") for the period
    /// `period_start`–`period_end`, with the defaults: top-2 boxes, a 0.95 target, 30
    /// days to rectify, the default owner of each dimension (客服部, 秩序维护部, 环境部,
    /// 工程部, 财务部), Beijing time. ValidationError 'empty_field' (id, title,
    /// questions, a question's code or text, a choice without options), 'out_of_range'
    /// (period_end before the start), 'duplicate_id' (questions[i].code, an option).
    #[new]
    fn new(
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] title: &str,
        #[pyo3(from_py_with = crate::args::date)] period_start: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] period_end: NaiveDate,
        questions: Vec<PyRef<'_, PyQuestion>>,
    ) -> PyResult<Self> {
        let kind: SurveyKind = enum_arg(kind, "kind")?;
        let questions = questions.iter().map(|q| q.inner.clone()).collect();
        Survey::new(id, kind, title, period_start, period_end, questions)
            .map(Self::wrap)
            .map_err(to_py)
    }

    /// The first and last day of a quarter (1–4) of `year`; ValidationError
    /// 'out_of_range' at 'quarter' otherwise. The same as `survey_quarter`.
    #[staticmethod]
    fn quarter(
        #[pyo3(from_py_with = crate::args::int)] year: i32,
        #[pyo3(from_py_with = crate::args::int)] quarter: u32,
    ) -> PyResult<(NaiveDate, NaiveDate)> {
        Survey::quarter(year, quarter).map_err(to_py)
    }

    /// The label of an enum's wire name in `lang` ("zh-CN", "zh" or "en"): `kind` is
    /// "kind", "state" or "dimension".
    #[staticmethod]
    #[pyo3(signature = (kind, value, lang = "zh-CN"))]
    fn label(
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] value: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    ) -> PyResult<&'static str> {
        let lang = lang_arg(lang)?;
        match kind {
            "kind" => label_of::<SurveyKind>(value, lang),
            "state" => label_of::<SurveyState>(value, lang),
            "dimension" => label_of::<Dimension>(value, lang),
            other => Err(validation_error(
                "unknown_value",
                "kind",
                format!("kind: unknown enum {other:?}; expected kind, state or dimension"),
            )),
        }
    }

    /// With the top boxes that count as satisfied (1–4; 2: 满意 and 非常满意).
    /// ValidationError 'out_of_range' at 'top_boxes'; StateError after publication.
    fn set_top_boxes(
        &self,
        #[pyo3(from_py_with = crate::args::int)] top_boxes: u8,
    ) -> PyResult<()> {
        self.inner.lock()?.set_top_boxes(top_boxes).map_err(to_py)
    }

    /// With the satisfaction target, a fraction in (0, 1] (e.g. Decimal("0.90")).
    /// ValidationError 'out_of_range' at 'target'; StateError after publication.
    fn set_target(&self, target: &Bound<'_, PyAny>) -> PyResult<()> {
        let target = decimal_arg(target, "target")?;
        self.inner.lock()?.set_target(target).map_err(to_py)
    }

    /// With the owner of a dimension's rectification. ValidationError 'empty_field' at
    /// 'owner'; StateError after publication.
    fn set_owner(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] dimension: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] owner: &str,
    ) -> PyResult<()> {
        let dimension: Dimension = enum_arg(dimension, "dimension")?;
        self.inner
            .lock()?
            .set_owner(dimension, owner)
            .map_err(to_py)
    }

    /// Publish the survey: its population becomes every delivered unit of `estate`
    /// (unsold units are left out). StateError 'survey_state' unless a draft;
    /// ValidationError 'event_out_of_order' at 'at'.
    fn publish(
        &self,
        estate: PyRef<'_, PyEstate>,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<()> {
        self.inner.lock()?.publish(&estate.inner, at).map_err(to_py)
    }

    /// Open the collection of responses. StateError unless published.
    fn start_collecting(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<()> {
        self.inner.lock()?.start_collecting(at).map_err(to_py)
    }

    /// Close the survey: its results are final. StateError unless collecting.
    fn close(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<()> {
        self.inner.lock()?.close(at).map_err(to_py)
    }

    /// Record a unit's response; True when recorded, False for a retry of the same
    /// response (nothing changes). One valid response per unit: another one is
    /// StateError 'duplicate_response' at 'unit_id'. The unit must be in the population
    /// (ValidationError 'not_in_population' at 'unit_id'), the person registered on the
    /// unit on the local day of `at` (StateError 'not_an_occupant' at 'person_id');
    /// every required question answered once, scores 1–5, choices among the options
    /// (ValidationError 'missing_value' at 'answers', 'unknown_value', 'out_of_range',
    /// 'conflicting_fields' at 'answers[i]...'). StateError 'survey_state' unless
    /// collecting.
    fn respond(
        &self,
        registry: PyRef<'_, PyRegistry>,
        response: PyRef<'_, PyResponse>,
    ) -> PyResult<bool> {
        let response = response.inner.clone();
        let reg = registry.inner.lock()?;
        self.inner.lock()?.respond(&reg, response).map_err(to_py)
    }

    /// The results so far (final once closed), against the previous period's results
    /// when given (ValidationError 'conflicting_fields' at 'previous' for this
    /// survey's own).
    #[pyo3(signature = (previous = None))]
    fn results(&self, previous: Option<PyRef<'_, PySurveyResults>>) -> PyResult<PySurveyResults> {
        self.inner
            .lock()?
            .results(previous.as_ref().map(|p| &p.inner))
            .map(Into::into)
            .map_err(to_py)
    }

    fn __repr__(&self) -> PyResult<String> {
        let s = self.inner.lock()?;
        Ok(format!(
            "Survey(id={:?}, kind={:?}, state={:?}, responses={})",
            s.id(),
            s.kind().as_str(),
            s.state().as_str(),
            s.responses().len()
        ))
    }
}

/// The first and last day of a quarter (1–4) of `year` (the same as `Survey.quarter`);
/// ValidationError 'out_of_range' at 'quarter' otherwise.
#[guard(crate::panic_guard)]
#[pyfunction]
fn survey_quarter(
    #[pyo3(from_py_with = crate::args::int)] year: i32,
    #[pyo3(from_py_with = crate::args::int)] quarter: u32,
) -> PyResult<(NaiveDate, NaiveDate)> {
    Survey::quarter(year, quarter).map_err(to_py)
}
