"""Owner surveys (业主意见调查) from Python: a quarter's satisfaction survey from draft to
closed results, one valid response per unit, the top boxes as survey practice defines
them, state errors, and documents that check themselves.

The walk mirrors core/tests/surveys.rs and the core's example survey
(`Survey::example`): every rate, count, code and path is the core's, and the survey
built here is, byte for byte, the core's document core/tests/data/survey_example.json."""

import copy
import datetime as dt
import json
import pathlib
import pickle
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import Answer, Estate, Question, QuestionKind, Registry, Response, Survey

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "survey_example.json"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def registry() -> Registry:
    """The core's example registry: one person on each of 1-101, 1-201, 1-202, 1-203 (a
    tenant with the owner's consent) and 1-301 (`P-101`, …)."""
    r = Registry(Estate.demo().id)
    for u in ["1-101", "1-201", "1-202", "1-203", "1-301"]:
        pid = f"P-{u[2:]}"
        r.add_person(id=pid, name=f"住户{u}")
        if u == "1-203":
            r.add_role(unit_id=u, person_id=pid, role="tenant", from_="2025-03-01", to="2027-02-28",
                       lease_start="2025-03-01", lease_end="2027-02-28", consent_ref="C-203")
        else:
            r.add_role(unit_id=u, person_id=pid, role="owner", from_="2024-06-01")
    return r


def questions() -> list[Question]:
    return [
        Question.scale("cleaning", "您对小区保洁是否满意？", "Are you satisfied with cleaning?", "cleaning"),
        Question.scale("security", "您对秩序维护是否满意？", "Are you satisfied with security?", "security"),
        Question.scale("repairs", "您对维修服务是否满意？", "Are you satisfied with repairs?", "repairs"),
        Question.scale("service", "您对客服接待是否满意？", "Are you satisfied with customer service?", "service"),
        Question("improve", "您最希望改进哪些方面？", "What should improve first?",
                 QuestionKind.choice(["more_lights", "more_parking", "playground"], multiple=True), required=False),
    ]


def response(unit: str, when: str, scores: list[int], choices: list[str] = [], person: str = "") -> Response:
    answers = [Answer(q, s) for q, s in zip(["cleaning", "security", "repairs", "service"], scores)]
    if choices:
        answers.append(Answer("improve", choices))
    return Response(unit, person or f"P-{unit[2:]}", at(when), answers)


def q3_results(reg: Registry) -> estatekit.SurveyResults:
    """Q3's results: two responses, 7 of 8 answers satisfied."""
    estate = Estate.demo()
    q3 = Survey("S-2026Q3", "satisfaction", "2026年第三季度业主满意度调查", *Survey.quarter(2026, 3), questions())
    q3.publish(estate, at("2026-09-01T01:00:00Z"))
    q3.start_collecting(at("2026-09-01T02:00:00Z"))
    assert q3.respond(reg, response("1-101", "2026-09-03T02:00:00Z", [5, 5, 4, 4]))
    assert q3.respond(reg, response("1-201", "2026-09-04T02:00:00Z", [4, 4, 3, 5]))
    q3.close(at("2026-09-30T09:00:00Z"))
    return q3.results()


def q4_collecting(reg: Registry) -> Survey:
    """Q4's survey, published on 12-01, collecting, four responses (the core's example)."""
    start, end = estatekit.survey_quarter(2026, 4)
    s = Survey("S-2026Q4", "satisfaction", "2026年第四季度业主满意度调查", start, end, questions())
    s.publish(Estate.demo(), at("2026-12-01T01:00:00Z"))
    s.start_collecting(at("2026-12-01T02:00:00Z"))
    for r in [
        response("1-101", "2026-12-02T02:00:00Z", [5, 5, 4, 4], ["more_lights", "playground"]),
        response("1-201", "2026-12-03T02:00:00Z", [4, 5, 4, 5], ["more_lights"]),
        response("1-202", "2026-12-04T02:00:00Z", [3, 4, 5, 4], ["more_lights", "more_parking"]),
        response("1-203", "2026-12-05T02:00:00Z", [2, 3, 3, 5], ["playground"]),
    ]:
        assert s.respond(reg, r) is True
    return s


def test_a_quarters_satisfaction_survey_from_draft_to_results() -> None:
    reg = registry()
    previous = q3_results(reg)
    assert (previous.survey_id, previous.survey_satisfaction) == ("S-2026Q3", D("0.8750"))

    assert Survey.quarter(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    draft = Survey("S-2026Q4", "satisfaction", "2026年第四季度业主满意度调查", "2026-10-01", "2026-12-31", questions())
    assert (draft.state, draft.kind, draft.top_boxes, draft.target, draft.population) == (
        "draft", "satisfaction", 2, D("0.95"), [])
    assert draft.period == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert draft.questions[4].kind == QuestionKind.choice(["more_lights", "more_parking", "playground"], multiple=True)
    assert (draft.questions[0].kind.type, draft.questions[0].kind.dimension, draft.questions[4].required) == (
        "scale", "cleaning", False)

    s = q4_collecting(reg)
    assert (s.state, len(s.population), s.population[0]) == ("collecting", 34, "1-101")
    r = s.results()
    assert (r.distributed, r.valid, r.response_rate) == (34, 4, D("0.1176"))  # 4 of 34 delivered units
    assert (r.scale_answers, r.satisfied, r.survey_satisfaction) == (16, 12, D("0.7500"))
    assert (r.target, r.target_met, r.trend) == (D("0.95"), False, None)
    # Before the close, a rectification has no deadline yet.
    assert [(x.dimension, x.deadline) for x in r.rectifications] == [
        ("security", None), ("cleaning", None), ("repairs", None)]

    s.close(at("2026-12-31T09:00:00Z"))
    assert s.state == "closed"
    r = s.results(previous)
    assert [(b.key, b.satisfaction, b.mean_score) for b in r.by_dimension] == [
        ("service", D("1.0000"), D("4.50")),
        ("security", D("0.7500"), D("4.25")),
        ("cleaning", D("0.5000"), D("3.50")),
        ("repairs", D("0.7500"), D("4.00")),
    ]
    assert [(b.key, b.answers, b.satisfied) for b in r.by_building] == [("B1", 16, 12)]
    assert [(b.key, b.answers) for b in r.by_department] == [
        ("客服部", 4), ("工程部", 4), ("环境部", 4), ("秩序维护部", 4)]
    t = r.trend
    assert t is not None
    assert (t.previous_survey, t.previous_satisfaction, t.satisfaction_change) == ("S-2026Q3", D("0.8750"), D("-0.1250"))
    assert t.mean_score_change == [
        ("service", D("0.00")), ("security", D("-0.25")), ("cleaning", D("-1.00")), ("repairs", D("0.50"))]
    # Each dimension below 95 % opens a rectification for its owner, 30 days after the close.
    assert [(x.dimension, x.owner, x.satisfaction, x.target, x.deadline) for x in r.rectifications] == [
        ("security", "秩序维护部", D("0.7500"), D("0.95"), dt.date(2027, 1, 30)),
        ("cleaning", "环境部", D("0.5000"), D("0.95"), dt.date(2027, 1, 30)),
        ("repairs", "工程部", D("0.7500"), D("0.95"), dt.date(2027, 1, 30)),
    ]
    assert [(c.question, c.option, c.count) for c in r.choices] == [
        ("improve", "more_lights", 3), ("improve", "playground", 2), ("improve", "more_parking", 1)]
    # This survey's own results are not a previous period.
    with pytest.raises(estatekit.ValidationError) as e:
        s.results(s.results())
    assert (e.value.code, e.value.path) == ("conflicting_fields", "previous")  # type: ignore[attr-defined]
    assert Survey.label("dimension", "cleaning") == "保洁"
    assert Survey.label("state", "collecting", "en") == "collecting"
    assert Survey.label("kind", "opinion") == "意见征询"


def test_top_boxes_as_survey_practice_defines_them() -> None:
    """The top-two-box score of survey practice (of 100 respondents, 30 "very satisfied"
    and 40 "satisfied" give 70 %): 10 units, 3 × 5 and 4 × 4, give 0.7000; with the
    top box only, 0.3000 (core/tests/surveys.rs)."""
    estate = Estate.demo()
    units = [u.id for u in estate.units if u.status != "unsold"][:10]
    reg = Registry(estate.id)
    for u in units:
        reg.add_person(id=f"X-{u}", name="住户")
        reg.add_role(unit_id=u, person_id=f"X-{u}", role="household_member", from_="2024-01-01")
    q = [Question.scale("overall", "总体满意度", "overall", "service")]
    for top, want in [(2, D("0.7000")), (1, D("0.3000"))]:
        s = Survey("S", "satisfaction", "满意度", *Survey.quarter(2026, 4), q)
        s.set_top_boxes(top)
        s.publish(estate, at("2026-12-01T00:00:00Z"))
        s.start_collecting(at("2026-12-01T00:00:00Z"))
        for u, score in zip(units, [5, 5, 5, 4, 4, 4, 4, 3, 2, 1]):
            assert s.respond(reg, Response(u, f"X-{u}", at("2026-12-02T00:00:00Z"), [Answer("overall", score)]))
        r = s.results()
        assert (r.valid, r.scale_answers, r.survey_satisfaction) == (10, 10, want)
        assert r.by_dimension[0].mean_score == D("3.70")
        assert (r.by_department[0].key, r.by_department[0].answers) == ("客服部", 10)


def test_one_valid_response_per_unit() -> None:
    reg = registry()
    s = q4_collecting(reg)

    def r(unit: str, person: str) -> Response:
        return response(unit, "2026-12-10T02:00:00Z", [4, 4, 4, 4], person=person)

    # An unsold unit was not surveyed; a person not on the unit may not answer for it.
    with pytest.raises(estatekit.ValidationError) as e:
        s.respond(reg, r("1-603", "P-101"))
    assert (e.value.code, e.value.path) == ("not_in_population", "unit_id")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.StateError) as se:
        s.respond(reg, r("1-301", "P-101"))
    assert (se.value.code, se.value.path) == ("not_an_occupant", "person_id")  # type: ignore[attr-defined]
    assert str(se.value) == 'person_id: person "P-101" is not registered on unit "1-301" on 2026-12-10'
    assert s.respond(reg, r("1-301", "P-301")) is True
    # The same response again is a retry; another one is refused.
    assert s.respond(reg, r("1-301", "P-301")) is False
    other = response("1-301", "2026-12-10T02:00:00Z", [1, 4, 4, 4], person="P-301")
    with pytest.raises(estatekit.StateError) as se:
        s.respond(reg, other)
    assert (se.value.code, se.value.path) == ("duplicate_response", "unit_id")  # type: ignore[attr-defined]
    assert s.results().valid == 5 and len(s.responses) == 5
    assert s.responses[4].answers[0] == Answer("cleaning", 4)

    # Answers are checked.
    def refused(resp: Response) -> tuple[str, str]:
        with pytest.raises(estatekit.ValidationError) as e:
            s.respond(reg, resp)
        return (e.value.code, e.value.path)  # type: ignore[attr-defined]

    base = r("1-102", "P-102")
    assert refused(Response("1-102", "P-102", base.at, base.answers[:3])) == ("missing_value", "answers")
    spa = Response("1-102", "P-102", base.at, base.answers + [Answer("improve", ["spa"])])
    assert refused(spa) == ("unknown_value", "answers[4].value[0]")
    text = Response("1-102", "P-102", base.at, [base.answers[0], Answer("security", "好")] + base.answers[2:])
    assert refused(text) == ("conflicting_fields", "answers[1].value")
    assert refused(response("1-102", "2026-12-20T02:00:00Z", [6, 4, 4, 4], person="P-102")) == (
        "out_of_range", "answers[0].value")
    # Before the collection opened (02:00): refused; after the close: a state error.
    assert refused(response("1-102", "2026-12-01T01:59:59Z", [4, 4, 4, 4], person="P-102")) == (
        "event_out_of_order", "at")
    s.close(at("2026-12-31T09:00:00Z"))
    with pytest.raises(estatekit.StateError) as se:
        s.respond(reg, r("1-102", "P-102"))
    assert (se.value.code, se.value.path) == ("survey_state", "state")  # type: ignore[attr-defined]
    assert str(se.value) == 'state: survey "S-2026Q4" is closed; cannot record a response'
    back = Survey.from_json(s.to_json())
    assert back == s and back.to_json() == s.to_json()


def test_state_errors_and_arguments() -> None:
    s = Survey("S", "opinion", "意见征询", "2026-01-01", "2026-03-31", questions())
    with pytest.raises(estatekit.ValidationError) as e:
        s.set_top_boxes(5)
    assert (e.value.code, e.value.path) == ("out_of_range", "top_boxes")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        s.set_target(D("95"))
    assert (e.value.code, e.value.path) == ("out_of_range", "target")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        s.set_target(0.9)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("invalid_decimal", "target")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        s.set_owner("parking", "车场")  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "dimension")  # type: ignore[attr-defined]
    s.set_target("0.90")
    s.set_owner("greening", "绿化外包方")
    assert s.target == D("0.90")
    with pytest.raises(estatekit.StateError) as se:
        s.close(at("2026-04-01T00:00:00Z"))
    assert (se.value.code, se.value.path) == ("survey_state", "state")  # type: ignore[attr-defined]
    s.publish(Estate.demo(), at("2026-03-01T00:00:00Z"))
    with pytest.raises(estatekit.StateError) as se:
        s.publish(Estate.demo(), at("2026-03-01T00:00:00Z"))
    assert se.value.code == "survey_state"  # type: ignore[attr-defined]
    with pytest.raises(estatekit.StateError) as se:
        s.set_target(D("0.80"))
    assert str(se.value) == 'state: survey "S" is published; cannot change the target'
    with pytest.raises(estatekit.ValidationError) as e:
        s.start_collecting(at("2026-02-01T00:00:00Z"))
    assert (e.value.code, e.value.path) == ("event_out_of_order", "at")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        s.start_collecting(dt.datetime(2026, 3, 2))
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Survey("S", "census", "t", "2026-01-01", "2026-03-31", questions())  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "kind")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Survey("S", "opinion", "t", "2026-01-01", "2026-03-31",
               [Question.scale("q", "a", "a", "fees"), Question.scale("q", "b", "b", "fees")])
    assert (e.value.code, e.value.path) == ("duplicate_id", "questions[1].code")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Survey("S", "vote", "t", "2026-01-01", "2026-03-31",
               [Question("q", "a", "a", QuestionKind.choice([]))])
    assert (e.value.code, e.value.path) == ("empty_field", "questions[0].kind.choice.options")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.survey_quarter(2026, 5)
    assert (e.value.code, e.value.path) == ("out_of_range", "quarter")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Answer("q", True)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("invalid_integer", "value")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Answer("q", 2.5)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("wrong_type", "value")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Survey.label("colour", "red")  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "kind")  # type: ignore[attr-defined]
    assert Answer("q", ["a", "b"]).value == ["a", "b"] and Answer("q", "好").value == "好"
    assert QuestionKind.text().type == "text" and QuestionKind.scale("fees", "财务部").department == "财务部"


def test_the_document_is_the_cores_bytes() -> None:
    """Built through the binding, the example survey writes exactly the core's document
    (core/tests/data/survey_example.json), and reads it back unchanged."""
    fixture = FIXTURE.read_text(encoding="utf-8")
    s = q4_collecting(registry())
    assert s.to_json() + "\n" == fixture
    back = Survey.from_json(fixture)
    assert back == s and back.to_json() + "\n" == fixture
    assert pickle.loads(pickle.dumps(s)) == s
    assert copy.deepcopy(s) == s


def test_a_bad_document_names_the_field() -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["responses"][2]["answers"][1]["question"] = "parking"
    with pytest.raises(estatekit.ValidationError) as e:
        Survey.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("unknown_value", "responses[2].answers[1].question")  # type: ignore[attr-defined]
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["state"] = "closed"
    with pytest.raises(estatekit.ValidationError) as e:
        Survey.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("inconsistent_document", "closed_at")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Survey.from_json("{")
    assert (e.value.code, e.value.path) == ("json", "$")  # type: ignore[attr-defined]
