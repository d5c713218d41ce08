// Ticket classification, lifecycle, SLA and statistics through the generated bindings.
import io.estatekit.*
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)

fun testClassifyRules() {
    TicketClassifier.default().use { clf ->
        val c = clf.classify("厨房水管爆裂，水漫到客厅了，快来人！")
        assertEquals("repair.plumbing", c.category)
        assertEquals(Urgency.EMERGENCY, c.urgency)
        assertEquals(TicketKind.REPAIR_REQUEST, c.kind)
        assertEquals(Temperament.PROBLEM_SOLVING, c.temperament)
        assertEquals("engineering", c.department)
        assertTrue(c.evidence.any { it.field == EvidenceField.URGENCY && it.phrase == "水漫" })
        val v = clf.classify("凭什么天天停水！！！物业到底管不管？气死人了！！")
        assertEquals(Temperament.VENTING, v.temperament)
        val batch = clf.classifyBatch(listOf("停电了", "Noise from upstairs every night", "电梯困人了"))
        assertEquals(listOf("repair.electrical", "noise", "repair.elevator"), batch.map { it.category })
        assertEquals(listOf(Urgency.URGENT, Urgency.NORMAL, Urgency.EMERGENCY), batch.map { it.urgency })
    }
}

fun testServiceRequestsAndEscalation() {
    TicketClassifier.default().use { clf ->
        val r = clf.classify("我要开个放行条，搬家要运家具出去")
        assertEquals(TicketKind.SERVICE_REQUEST, r.kind)
        assertEquals("security", r.category)
        assertEquals(false, r.escalate)
        assertNull(r.escalationAdvice)
        assertEquals(TicketKind.SERVICE_REQUEST, clf.classify("I'd like to register my car for the garage").kind)
        assertEquals(TicketKind.PRAISE, clf.classify("维修师傅昨天来修好了水管，非常感谢！").kind)
        val e = clf.classify("电梯又坏了，困在里面十几分钟，快来人！")
        assertEquals(Urgency.EMERGENCY, e.urgency)
        assertEquals(true, e.escalate)
        assertEquals("紧急事件：立即上报主管，同时派人赶赴现场。", e.escalationAdvice)
        val m = clf.classify("Someone fainted in the lobby")
        assertEquals(Urgency.EMERGENCY, m.urgency)
        assertEquals(TicketKind.SERVICE_REQUEST, m.kind)
        assertEquals("Emergency: report to the supervisor at once and send someone on site.", m.escalationAdvice)
        assertEquals(Temperament.VENTING, clf.classify("你们物业是干什么吃的").temperament)
        assertEquals(Temperament.VENTING, clf.classify("请问什么时候恢复供水？？？").temperament)
    }
}

fun testTrainAndRoundTrip() {
    val texts = listOf("no heat in apartment", "heating not working", "loud music next door", "party noise all night")
    val labels = listOf("HEATING", "HEATING", "NOISE", "NOISE")
    TicketClassifier.train(texts, labels, 3, TrainingOptions(c = 1.0)).use { clf ->
        assertEquals(listOf("HEATING", "NOISE"), clf.labels())
        assertEquals("HEATING", clf.classify("the heat is off").category)
        assertEquals(listOf("HEATING", "NOISE"), clf.predictBatch(listOf("no heat", "music too loud")))
        TicketClassifier.fromJson(clf.toJson()).use { back -> assertEquals(clf.toJson(), back.toJson()) }
    }
    val e = assertFailsWith<EstateKitException.Validation> { TicketClassifier.train(listOf(), listOf(), 0) }
    assertEquals("empty_training_set", e.code)
    val m = assertFailsWith<EstateKitException.Validation> { TicketClassifier.train(listOf("a", "b"), listOf("x"), 0) }
    assertEquals(listOf("length_mismatch", "labels"), listOf(m.code, m.path))
    val s = assertFailsWith<EstateKitException.Validation> { TicketClassifier.train(listOf("a", "b"), listOf("x", "x"), 0) }
    assertEquals("single_class", s.code)
    val j = assertFailsWith<EstateKitException.Validation> { TicketClassifier.fromJson("{") }
    assertEquals("invalid_model", j.code)
}

fun testLifecycle() {
    TicketFlow(
        "T1", "1-201", TicketChannel.HOTLINE, at("2026-11-02T00:00:00Z"), "王女士", "卫生间漏水",
        TicketKind.REPAIR_REQUEST, "repair.plumbing", Urgency.URGENT, "engineering", "前台小张"
    ).use { f ->
        assertEquals("前台小张", f.owner())
        val e = assertFailsWith<EstateKitException.State> { f.start("前台小张", at("2026-11-02T00:01:00Z")) }
        assertEquals(listOf("invalid_transition", "ticket.T1.state"), listOf(e.code, e.path))
        assertEquals(TicketState.ASSIGNED, f.assign("李工", "前台小张", at("2026-11-02T00:10:00Z")))
        f.start("李工", at("2026-11-02T01:00:00Z"))
        f.pause("业主不在家", "李工", at("2026-11-02T02:00:00Z"))
        val paused = f.sla(at("2026-11-03T12:00:00Z"), null)
        assertTrue(paused.paused)
        assertNull(paused.resolutionDue)
        f.resume("李工", at("2026-11-04T02:00:00Z"))
        assertEquals(at("2026-11-05T00:00:00Z"), f.sla(at("2026-11-04T02:00:00Z"), null).resolutionDue)
        f.resolve("换了密封圈", "李工", at("2026-11-04T03:00:00Z"))
        assertEquals(TicketState.ASSIGNED, f.returnVisit(false, "还在漏", "回访员", at("2026-11-05T00:00:00Z")))
        f.escalate("工程主管", "需要换管", "李工", at("2026-11-05T01:00:00Z"))
        assertEquals(listOf("工程主管", "1", "1"), listOf(f.owner(), f.escalations().toString(), f.reopened().toString()))
        assertEquals(
            listOf(TicketAction.RECEIVE, TicketAction.ASSIGN, TicketAction.START, TicketAction.PAUSE, TicketAction.RESUME,
                TicketAction.RESOLVE, TicketAction.RETURN_VISIT, TicketAction.ESCALATE),
            f.events().map { it.action })
        TicketFlow.fromJson(f.toJson()).use { back -> assertEquals(f.toJson(), back.toJson()) }
    }
}

// Issue 18.3: the estate's UTC offset is stored in the flow document.
fun testFlowUtcOffset() {
    TicketFlow(
        "T1", "1-201", TicketChannel.HOTLINE, at("2026-11-02T23:30:00Z"), "王女士", "卫生间漏水",
        TicketKind.REPAIR_REQUEST, "repair.plumbing", Urgency.URGENT, "engineering", "前台小张", null, 480
    ).use { f ->
        assertEquals(480, f.utcOffsetMinutes())
        TicketFlow.fromJson(f.toJson()).use { back -> assertEquals(480, back.utcOffsetMinutes()) }
    }
    val e = assertFailsWith<EstateKitException.Validation> {
        TicketFlow(
            "T1", "1-201", TicketChannel.HOTLINE, at("2026-11-02T23:30:00Z"), "王女士", "卫生间漏水",
            TicketKind.REPAIR_REQUEST, "repair.plumbing", Urgency.URGENT, "engineering", "前台小张", null, -1081
        )
    }
    assertEquals(listOf("invalid_option", "utc_offset_minutes"), listOf(e.code, e.path))
}

// Issue 18.4: a make-up Saturday (调休) in the National Day week.
fun testMakeUpWorkday() {
    val holidays = (1..8).map { LocalDate.of(2026, 10, it) }
    BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 480, holidays, listOf(LocalDate.of(2026, 10, 10))).use { cal ->
        assertEquals(listOf(LocalDate.of(2026, 10, 10)), cal.workdays())
        // Friday 10-09 17:00 Beijing + 2 working hours: Saturday 10:00 Beijing.
        assertEquals(at("2026-10-10T02:00:00Z"), cal.addSeconds(at("2026-10-09T09:00:00Z"), 7200L))
    }
    BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 480, holidays).use { cal ->
        assertEquals(at("2026-10-12T02:00:00Z"), cal.addSeconds(at("2026-10-09T09:00:00Z"), 7200L))
    }
}

fun testSlaCalendarAndStatistics() {
    BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 480, listOf(LocalDate.of(2026, 11, 9))).use { cal ->
        assertEquals(at("2026-11-10T02:00:00Z"), cal.addSeconds(at("2026-11-06T09:00:00Z"), 7200L))
        SlaPolicy(cal).use { policy ->
            TicketFlow(
                "A", "1-101", TicketChannel.APP, at("2026-11-06T09:00:00Z"), "业主", "停电了",
                TicketKind.REPAIR_REQUEST, "repair.electrical", Urgency.URGENT, "engineering", "小张"
            ).use { f ->
                // Urgent: resolved within 24 h (Saturday 17:00 Beijing); the 2-business-hour
                // response (Tuesday 10:00, Monday a holiday) is brought forward to it.
                val s = f.sla(at("2026-11-10T03:00:00Z"), policy)
                assertEquals(at("2026-11-07T09:00:00Z"), s.responseDue)
                assertTrue(s.responseClamped)
                assertTrue(s.responseBreached)
                assertEquals(-7200L, s.responseRemainingSeconds)
                val st = ticketStatistics(listOf(f), at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), 40, policy)
                assertEquals(1L, st.total)
                assertEquals(mapOf("repair.electrical" to 1L), st.byCategory)
                assertEquals(0.0, st.responseRate)
            }
        }
    }
    val e = assertFailsWith<EstateKitException.Validation> { BusinessCalendar.weekly("09:00", "18:00", listOf(), 0, listOf()) }
    assertEquals(listOf("no_working_hours", "calendar.hours"), listOf(e.code, e.path))
}

fun testTooManyClasses() {
    // One label per text: refused before any work (training it was quadratic).
    val texts = (0 until 5000).map { "ticket number $it" }
    val e = assertFailsWith<EstateKitException.Validation> { TicketClassifier.train(texts, texts, 0) }
    assertEquals(listOf("too_many_classes", "labels"), listOf(e.code, e.path))
    assertEquals("labels: 5000 distinct labels; a model is trained with at most 1000 classes", e.detail)
}

fun testStatisticsOf40kFlows() {
    // 50 units, 5 categories, a ticket every 10 minutes: all but the first of each
    // (unit, category) are repeats. Repeat detection compared every pair (40k: 12 s).
    val cats = listOf("noise", "repair.plumbing", "cleaning", "parking", "fees")
    val t0 = at("2026-11-01T00:00:00Z")
    val flows = (0 until 40_000).map { i ->
        TicketFlow(
            "T" + i.toString().padStart(6, '0'), "1-" + (i % 50).toString().padStart(3, '0'), TicketChannel.HOTLINE,
            t0.plusSeconds(600L * i), "业主", "text", TicketKind.COMPLAINT, cats[i / 50 % 5], Urgency.NORMAL,
            "engineering", "前台"
        )
    }
    SlaPolicy(null).use { policy ->
        val st = ticketStatistics(flows, t0, t0.plusSeconds(3650L * 86400), 50, policy)
        assertEquals(40_000L, st.total)
        assertEquals(39_750, st.repeatTickets.size)
        assertEquals(listOf("T000250", "T000251"), st.repeatTickets.take(2))
        assertEquals(cats.associateWith { 8000L }, st.byCategory)
    }
    flows.forEach { it.close() }
}

fun testLeadWeighsTheSubject() {
    // The first sentence (a title put first) names the subject; its category phrases
    // weigh LEAD_BONUS (2) more and are marked `lead` in the evidence.
    TicketClassifier.default().use { clf ->
        val c = clf.classify("电梯经常困人。小区停车位太少，车辆乱停。")
        assertEquals("repair.elevator", c.category)
        val cat = c.evidence.filter { it.field == EvidenceField.CATEGORY }
        assertEquals(listOf(Triple("电梯", 12.0, true), Triple("困人", 9.0, true)), cat.map { Triple(it.phrase, it.weight, it.lead) })
        val one = clf.classify("电梯经常困人，小区停车位太少，车辆乱停")
        assertEquals("parking", one.category)
        assertTrue(one.evidence.none { it.lead })
    }
}

fun testNestedCustomPhrases() {
    // 哈, 哈哈, … and a, aa, …: a million characters took 51 s when every nested
    // occurrence was handled one by one.
    val phrases = (1..50).joinToString(", ") { "\"${"哈".repeat(it)}\": 1, \"${"a".repeat(it)}\": -1" }
    val rules = "{\"categories\": [{\"code\": \"laugh\", \"phrases\": {$phrases}}]}"
    TicketClassifier.fromRules(listOf(rules), false).use { clf ->
        val c = clf.classify("哈".repeat(1_000_000) + " " + "a".repeat(1_000_000))
        assertEquals("laugh", c.category)
        assertEquals(100, c.evidence.size)
        assertEquals("哈" to 1_000_000.0, c.evidence[0].phrase to c.evidence[0].weight)
        assertEquals("哈".repeat(50) to 999_951.0, c.evidence[49].phrase to c.evidence[49].weight)
        assertEquals("a" to -1.0, c.evidence[50].phrase to c.evidence[50].weight)
    }
}

fun testCalendarHorizonAndNegativeSeconds() {
    BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 0, listOf()).use { cal ->
        // Exact over centuries (the count stopped after 100 years).
        assertEquals(52_179L * 9 * 3600, cal.secondsBetween(at("1900-01-01T00:00:00Z"), at("2100-01-01T00:00:00Z")))
        assertEquals(2_608_354L * 9 * 3600, cal.secondsBetween(at("0001-01-01T00:00:00Z"), at("9999-01-01T00:00:00Z")))
        val neg = assertFailsWith<EstateKitException.Validation> { cal.addSeconds(at("2026-11-06T09:00:00Z"), -60L) }
        assertEquals(listOf("negative", "seconds"), listOf(neg.code, neg.path))
        val start = at("9999-12-31T00:00:00Z")
        assertEquals(at("9999-12-31T18:00:00Z"), cal.addSeconds(start, 9L * 3600))
        val none = assertFailsWith<EstateKitException.Validation> { cal.addSeconds(start, 10L * 3600) }
        assertEquals(listOf("no_business_time", "calendar"), listOf(none.code, none.path))
        SlaPolicy(cal).use { policy ->
            TicketFlow(
                "T-1", "1-201", TicketChannel.APP, start, "王女士", "太吵了",
                TicketKind.COMPLAINT, "noise", Urgency.NORMAL, "customer_service", "前台"
            ).use { f ->
                val e = assertFailsWith<EstateKitException.Validation> { f.sla(start, policy) }
                assertEquals(listOf("no_business_time", "calendar"), listOf(e.code, e.path))
            }
        }
    }
    // Mondays only, every Monday from 2026 to 2130 a holiday: the first Monday after them.
    val mondays = (0L until 5_435L).map { LocalDate.of(2026, 11, 2).plusWeeks(it) }
    BusinessCalendar.weekly("09:00", "18:00", listOf(0), 0, mondays).use { cal ->
        assertEquals(at("2131-01-01T10:00:00Z"), cal.addSeconds(at("2026-11-01T00:00:00Z"), 3600L))
    }
}

fun testRuleSetLimits() {
    val phrases = (0..100_000).joinToString(", ") { "\"p$it\": 1" }
    val e = assertFailsWith<EstateKitException.Validation> {
        TicketClassifier.fromRules(listOf("{\"urgency\": {\"urgent\": {$phrases}}}"), false)
    }
    assertEquals(listOf("rules_too_large", "phrases"), listOf(e.code, e.path))
    assertEquals("rules: phrases: 100001 distinct phrases; a rule set has at most 100000", e.detail)
}
