// Owner surveys (业主意见调查) through the generated bindings: a quarter's satisfaction
// survey from draft to closed results (core/tests/surveys.rs and the core's example
// survey: the same rates, counts, codes and paths), the top boxes as survey practice
// defines them, one valid response per unit, state errors, the core's document byte for
// byte (core/tests/data/survey_example.json) and a bad document.
import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun dec(s: String): BigDecimal = BigDecimal(s)

private fun surveyFixture(): String =
    File(System.getenv("ESTATEKIT_SURVEY_EXAMPLE") ?: "core/tests/data/survey_example.json").readText(Charsets.UTF_8)

/** The core's example registry: one person on each of 1-101, 1-201, 1-202, 1-203 (a
 * tenant with the owner's consent) and 1-301 (`P-101`, …). */
private fun surveyRegistry(estate: Estate): Registry {
    val r = Registry(estate.id())
    for (u in listOf("1-101", "1-201", "1-202", "1-203", "1-301")) {
        val id = "P-${u.substring(2)}"
        r.addPerson(Person(id = id, name = "住户$u"))
        if (u == "1-203") {
            r.addRole(RoleRecord(unitId = u, personId = id, role = OccupantRole.TENANT, from = day("2025-03-01"),
                to = day("2027-02-28"), leaseStart = day("2025-03-01"), leaseEnd = day("2027-02-28"), consentRef = "C-203"))
        } else {
            r.addRole(RoleRecord(unitId = u, personId = id, role = OccupantRole.OWNER, from = day("2024-06-01")))
        }
    }
    return r
}

private fun surveyQuestions() = listOf(
    Question("cleaning", "您对小区保洁是否满意？", "Are you satisfied with cleaning?", QuestionKind.Scale(Dimension.CLEANING, null)),
    Question("security", "您对秩序维护是否满意？", "Are you satisfied with security?", QuestionKind.Scale(Dimension.SECURITY, null)),
    Question("repairs", "您对维修服务是否满意？", "Are you satisfied with repairs?", QuestionKind.Scale(Dimension.REPAIRS, null)),
    Question("service", "您对客服接待是否满意？", "Are you satisfied with customer service?", QuestionKind.Scale(Dimension.SERVICE, null)),
    Question("improve", "您最希望改进哪些方面？", "What should improve first?",
        QuestionKind.Choice(listOf("more_lights", "more_parking", "playground"), true), required = false),
)

private fun surveyResponse(unit: String, whenAt: String, scores: List<Int>, choices: List<String> = listOf(),
                           person: String = "P-${unit.substring(2)}"): Response {
    val answers = listOf("cleaning", "security", "repairs", "service").zip(scores)
        .map { (q, s) -> Answer(q, AnswerValue.Score(s)) }
        .toMutableList()
    if (choices.isNotEmpty()) answers.add(Answer("improve", AnswerValue.Choices(choices)))
    return Response(unit, person, at(whenAt), answers)
}

/** Q3's results: two responses, 7 of 8 answers satisfied. */
private fun q3Results(estate: Estate, reg: Registry): SurveyResults {
    val p = surveyQuarter(2026, 3)
    val q3 = Survey("S-2026Q3", SurveyKind.SATISFACTION, "2026年第三季度业主满意度调查", p.start, p.end, surveyQuestions())
    q3.publish(estate, at("2026-09-01T01:00:00Z"))
    q3.startCollecting(at("2026-09-01T02:00:00Z"))
    assertTrue(q3.respond(reg, surveyResponse("1-101", "2026-09-03T02:00:00Z", listOf(5, 5, 4, 4))))
    assertTrue(q3.respond(reg, surveyResponse("1-201", "2026-09-04T02:00:00Z", listOf(4, 4, 3, 5))))
    q3.close(at("2026-09-30T09:00:00Z"))
    return q3.results()
}

/** Q4's survey, published on 12-01, collecting, four responses (the core's example). */
private fun q4Collecting(estate: Estate, reg: Registry): Survey {
    val p = surveyQuarter(2026, 4)
    val s = Survey("S-2026Q4", SurveyKind.SATISFACTION, "2026年第四季度业主满意度调查", p.start, p.end, surveyQuestions())
    s.publish(estate, at("2026-12-01T01:00:00Z"))
    s.startCollecting(at("2026-12-01T02:00:00Z"))
    for (r in listOf(
        surveyResponse("1-101", "2026-12-02T02:00:00Z", listOf(5, 5, 4, 4), listOf("more_lights", "playground")),
        surveyResponse("1-201", "2026-12-03T02:00:00Z", listOf(4, 5, 4, 5), listOf("more_lights")),
        surveyResponse("1-202", "2026-12-04T02:00:00Z", listOf(3, 4, 5, 4), listOf("more_lights", "more_parking")),
        surveyResponse("1-203", "2026-12-05T02:00:00Z", listOf(2, 3, 3, 5), listOf("playground")),
    )) assertTrue(s.respond(reg, r))
    return s
}

fun testSurveyQuarterFromDraftToResults() {
    val estate = Estate.demo()
    val reg = surveyRegistry(estate)
    val previous = q3Results(estate, reg)
    assertEquals("S-2026Q3" to dec("0.8750"), previous.surveyId to previous.surveySatisfaction)

    assertEquals(SurveyPeriod(day("2026-10-01"), day("2026-12-31")), surveyQuarter(2026, 4))
    val draft = Survey("S-2026Q4", SurveyKind.SATISFACTION, "2026年第四季度业主满意度调查", day("2026-10-01"),
        day("2026-12-31"), surveyQuestions())
    assertEquals(SurveyState.DRAFT, draft.state())
    assertEquals(listOf(2, 0), listOf(draft.topBoxes(), draft.population().size))
    assertEquals(dec("0.95"), draft.target())
    assertEquals(surveyQuestions(), draft.questions())

    val s = q4Collecting(estate, reg)
    assertEquals(SurveyState.COLLECTING, s.state())
    assertEquals(34 to "1-101", s.population().size to s.population()[0])
    var r = s.results()
    assertEquals(listOf(34L, 4L, 16L, 12L), listOf(r.distributed, r.valid, r.scaleAnswers, r.satisfied))
    assertEquals(dec("0.1176") to dec("0.7500"), r.responseRate to r.surveySatisfaction) // 4 of 34 delivered units
    assertEquals(false, r.targetMet)
    assertNull(r.trend)
    assertEquals(listOf(Dimension.SECURITY to null, Dimension.CLEANING to null, Dimension.REPAIRS to null),
        r.rectifications.map { it.dimension to it.deadline })

    s.close(at("2026-12-31T09:00:00Z"))
    r = s.results(previous)
    assertEquals(
        listOf(Triple("service", dec("1.0000"), dec("4.50")), Triple("security", dec("0.7500"), dec("4.25")),
            Triple("cleaning", dec("0.5000"), dec("3.50")), Triple("repairs", dec("0.7500"), dec("4.00"))),
        r.byDimension.map { Triple(it.key, it.satisfaction, it.meanScore) },
    )
    assertEquals(listOf(Triple("B1", 16L, 12L)), r.byBuilding.map { Triple(it.key, it.answers, it.satisfied) })
    assertEquals(listOf("客服部" to 4L, "工程部" to 4L, "环境部" to 4L, "秩序维护部" to 4L), r.byDepartment.map { it.key to it.answers })
    val t = r.trend!!
    assertEquals(Triple("S-2026Q3", dec("0.8750"), dec("-0.1250")), Triple(t.previousSurvey, t.previousSatisfaction, t.satisfactionChange))
    assertEquals(
        listOf(DimensionChange(Dimension.SERVICE, dec("0.00")), DimensionChange(Dimension.SECURITY, dec("-0.25")),
            DimensionChange(Dimension.CLEANING, dec("-1.00")), DimensionChange(Dimension.REPAIRS, dec("0.50"))),
        t.meanScoreChange,
    )
    assertEquals(
        listOf(
            Rectification(Dimension.SECURITY, "秩序维护部", dec("0.7500"), dec("0.95"), day("2027-01-30")),
            Rectification(Dimension.CLEANING, "环境部", dec("0.5000"), dec("0.95"), day("2027-01-30")),
            Rectification(Dimension.REPAIRS, "工程部", dec("0.7500"), dec("0.95"), day("2027-01-30")),
        ),
        r.rectifications,
    )
    assertEquals(listOf("more_lights" to 3L, "playground" to 2L, "more_parking" to 1L), r.choices.map { it.option to it.count })
    val own = assertFailsWith<EstateKitException.Validation> { s.results(s.results()) }
    assertEquals("conflicting_fields" to "previous", own.code to own.path)
    assertEquals("保洁" to "cleaning", Dimension.CLEANING.label() to Dimension.CLEANING.wireName())
    assertEquals("collecting", SurveyState.COLLECTING.label(Language.EN))
    assertEquals("意见征询", SurveyKind.OPINION.label(Language.ZH_CN))
}

/** The top-two-box score of survey practice (of 100 respondents, 30 "very satisfied" and
 * 40 "satisfied" give 70 %): 10 units, 3 × 5 and 4 × 4, give 0.7000; the top box only,
 * 0.3000 (core/tests/surveys.rs). */
fun testSurveyTopBoxesAsSurveyPracticeDefinesThem() {
    val estate = Estate.demo()
    val units = estate.units().filter { it.status != UnitStatus.UNSOLD }.map { it.id }.take(10)
    val reg = Registry(estate.id())
    for (u in units) {
        reg.addPerson(Person(id = "X-$u", name = "住户"))
        reg.addRole(RoleRecord(unitId = u, personId = "X-$u", role = OccupantRole.HOUSEHOLD_MEMBER, from = day("2024-01-01")))
    }
    val q = listOf(Question("overall", "总体满意度", "overall", QuestionKind.Scale(Dimension.SERVICE, null)))
    for ((top, want) in listOf(2 to "0.7000", 1 to "0.3000")) {
        val p = surveyQuarter(2026, 4)
        val s = Survey("S", SurveyKind.SATISFACTION, "满意度", p.start, p.end, q)
        s.setTopBoxes(top)
        s.publish(estate, at("2026-12-01T00:00:00Z"))
        s.startCollecting(at("2026-12-01T00:00:00Z"))
        for ((u, score) in units.zip(listOf(5, 5, 5, 4, 4, 4, 4, 3, 2, 1))) {
            assertTrue(s.respond(reg, Response(u, "X-$u", at("2026-12-02T00:00:00Z"), listOf(Answer("overall", AnswerValue.Score(score))))))
        }
        val r = s.results()
        assertEquals(Triple(10L, 10L, dec(want)), Triple(r.valid, r.scaleAnswers, r.surveySatisfaction))
        assertEquals(dec("3.70"), r.byDimension[0].meanScore)
        assertEquals("客服部" to 10L, r.byDepartment[0].key to r.byDepartment[0].answers)
    }
}

fun testSurveyOneValidResponsePerUnit() {
    val estate = Estate.demo()
    val reg = surveyRegistry(estate)
    val s = q4Collecting(estate, reg)
    fun r(unit: String, person: String) = surveyResponse(unit, "2026-12-10T02:00:00Z", listOf(4, 4, 4, 4), person = person)

    // An unsold unit was not surveyed; a person not on the unit may not answer for it.
    val outside = assertFailsWith<EstateKitException.Validation> { s.respond(reg, r("1-603", "P-101")) }
    assertEquals("not_in_population" to "unit_id", outside.code to outside.path)
    val stranger = assertFailsWith<EstateKitException.State> { s.respond(reg, r("1-301", "P-101")) }
    assertEquals("not_an_occupant" to "person_id", stranger.code to stranger.path)
    assertEquals("person_id: person \"P-101\" is not registered on unit \"1-301\" on 2026-12-10", stranger.detail)
    assertEquals(true, s.respond(reg, r("1-301", "P-301")))
    // The same response again is a retry; another one is refused.
    assertEquals(false, s.respond(reg, r("1-301", "P-301")))
    val other = surveyResponse("1-301", "2026-12-10T02:00:00Z", listOf(1, 4, 4, 4), person = "P-301")
    val dup = assertFailsWith<EstateKitException.State> { s.respond(reg, other) }
    assertEquals("duplicate_response" to "unit_id", dup.code to dup.path)
    assertEquals(5L, s.results().valid)
    assertEquals(r("1-301", "P-301"), s.responses()[4])

    fun refused(resp: Response): Pair<String, String> {
        val e = assertFailsWith<EstateKitException.Validation> { s.respond(reg, resp) }
        return e.code to e.path
    }
    val base = r("1-102", "P-102")
    assertEquals("missing_value" to "answers", refused(base.copy(answers = base.answers.take(3))))
    assertEquals("unknown_value" to "answers[4].value[0]",
        refused(base.copy(answers = base.answers + Answer("improve", AnswerValue.Choices(listOf("spa"))))))
    assertEquals("conflicting_fields" to "answers[1].value",
        refused(base.copy(answers = base.answers.mapIndexed { i, a -> if (i == 1) Answer(a.question, AnswerValue.Text("好")) else a })))
    assertEquals("out_of_range" to "answers[0].value",
        refused(surveyResponse("1-102", "2026-12-20T02:00:00Z", listOf(6, 4, 4, 4), person = "P-102")))
    assertEquals("invalid_integer" to "answers[0].value",
        refused(surveyResponse("1-102", "2026-12-20T02:00:00Z", listOf(300, 4, 4, 4), person = "P-102")))
    assertEquals("event_out_of_order" to "at",
        refused(surveyResponse("1-102", "2026-12-01T01:59:59Z", listOf(4, 4, 4, 4), person = "P-102")))
    s.close(at("2026-12-31T09:00:00Z"))
    val closed = assertFailsWith<EstateKitException.State> { s.respond(reg, r("1-102", "P-102")) }
    assertEquals("survey_state" to "state", closed.code to closed.path)
    assertEquals("state: survey \"S-2026Q4\" is closed; cannot record a response", closed.detail)
    assertEquals(s, Survey.fromJson(s.toJson()))
}

fun testSurveyStateErrorsAndArguments() {
    val s = Survey("S", SurveyKind.OPINION, "意见征询", day("2026-01-01"), day("2026-03-31"), surveyQuestions())
    val top = assertFailsWith<EstateKitException.Validation> { s.setTopBoxes(5) }
    assertEquals("out_of_range" to "top_boxes", top.code to top.path)
    val neg = assertFailsWith<EstateKitException.Validation> { s.setTopBoxes(-1) }
    assertEquals("invalid_integer" to "top_boxes", neg.code to neg.path)
    val target = assertFailsWith<EstateKitException.Validation> { s.setTarget(dec("95")) }
    assertEquals("out_of_range" to "target", target.code to target.path)
    s.setTarget(dec("0.90"))
    s.setOwner(Dimension.GREENING, "绿化外包方")
    val owner = assertFailsWith<EstateKitException.Validation> { s.setOwner(Dimension.FEES, " ") }
    assertEquals("empty_field" to "owner", owner.code to owner.path)
    assertEquals(dec("0.90"), s.target())
    val early = assertFailsWith<EstateKitException.State> { s.close(at("2026-04-01T00:00:00Z")) }
    assertEquals("survey_state" to "state", early.code to early.path)
    s.publish(Estate.demo(), at("2026-03-01T00:00:00Z"))
    val again = assertFailsWith<EstateKitException.State> { s.setTarget(dec("0.80")) }
    assertEquals("state: survey \"S\" is published; cannot change the target", again.detail)
    val order = assertFailsWith<EstateKitException.Validation> { s.startCollecting(at("2026-02-01T00:00:00Z")) }
    assertEquals("event_out_of_order" to "at", order.code to order.path)
    val dupQ = assertFailsWith<EstateKitException.Validation> {
        Survey("S", SurveyKind.VOTE, "t", day("2026-01-01"), day("2026-03-31"), listOf(
            Question("q", "a", "a", QuestionKind.Scale(Dimension.FEES, null)),
            Question("q", "b", "b", QuestionKind.Text),
        ))
    }
    assertEquals("duplicate_id" to "questions[1].code", dupQ.code to dupQ.path)
    val q5 = assertFailsWith<EstateKitException.Validation> { surveyQuarter(2026, 5) }
    assertEquals("out_of_range" to "quarter", q5.code to q5.path)
}

/** Built through the bindings, the example survey writes exactly the core's document. */
fun testSurveyDocumentIsTheCoresBytes() {
    val fixture = surveyFixture()
    val estate = Estate.demo()
    val s = q4Collecting(estate, surveyRegistry(estate))
    assertEquals(fixture, s.toJson() + "\n")
    val back = Survey.fromJson(fixture)
    assertEquals(s, back)
    assertEquals(fixture, back.toJson() + "\n")
}

fun testSurveyBadDocumentNamesTheField() {
    val fixture = surveyFixture()
    val unknown = assertFailsWith<EstateKitException.Validation> {
        Survey.fromJson(fixture.replaceFirst("\"question\": \"security\"", "\"question\": \"parking\""))
    }
    assertEquals("unknown_value" to "responses[0].answers[1].question", unknown.code to unknown.path)
    val closed = assertFailsWith<EstateKitException.Validation> {
        Survey.fromJson(fixture.replaceFirst("\"state\": \"collecting\"", "\"state\": \"closed\""))
    }
    assertEquals("inconsistent_document" to "closed_at", closed.code to closed.path)
    val broken = assertFailsWith<EstateKitException.Validation> { Survey.fromJson("{") }
    assertEquals("json" to "$", broken.code to broken.path)
}
