// Patrol rounds (巡查) through the generated bindings: tasks generated from plans and the
// calendar, visits timed against their windows, a finding that needs a note and becomes
// a ticket (handled by a TicketFlow) and a line of the building log, the statistics of
// a month, and documents that check themselves. Mirrors core/tests/patrols.rs: every
// count, rate, code and path is the core's.
import io.estatekit.*
import java.math.BigDecimal
import java.time.DayOfWeek
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun ok(items: List<String>) = items.map { ItemResult(it, true) }

/** The core test's book: a lobby, a pump room and a renovation site in building B1; a
 * day plan of two rounds (甲, deputy 乙), a site plan on Monday, Wednesday and Friday
 * (乙), an alternate-day night plan from 11-01 (丙); Beijing time. */
private fun patrolBook(): PatrolBook {
    fun cp(id: String, kind: CheckpointKind, items: List<String>) = Checkpoint(id, id, kind, items, buildingId = "B1")
    val cps = listOf(
        cp("LOBBY", CheckpointKind.ENVIRONMENT, listOf("地面清洁")),
        cp("PUMP", CheckpointKind.EQUIPMENT, listOf("水泵运行正常", "无漏水")),
        cp("SITE-1201", CheckpointKind.DECORATION_SITE, listOf("按时施工", "垃圾入袋")),
    )
    val plans = listOf(
        Plan("DAY", listOf("LOBBY", "PUMP"), Recurrence.Daily,
            listOf(WorkingHours("09:00", "10:00"), WorkingHours("15:00", "16:00")), "甲", deputy = "乙"),
        Plan("SITE", listOf("SITE-1201"), Recurrence.Weekdays(listOf(0, 2, 4)), listOf(WorkingHours("10:00", "11:00")), "乙"),
        Plan("ALT", listOf("PUMP"), Recurrence.AlternateDays(day("2026-11-01")), listOf(WorkingHours("21:00", "22:00")), "丙"),
    )
    return PatrolBook(cps, plans, 480)
}

fun testPatrolDefinitionAndLabels() {
    val b = patrolBook()
    assertEquals(Checkpoint("SITE-1201", "SITE-1201", CheckpointKind.DECORATION_SITE, listOf("按时施工", "垃圾入袋"), "B1"), b.checkpoints()[2])
    val (dayPlan, site, alt) = b.plans()
    assertEquals(listOf(WorkingHours("09:00", "10:00"), WorkingHours("15:00", "16:00")), dayPlan.windows)
    assertEquals(listOf("甲", "乙", null), listOf(dayPlan.staff, dayPlan.deputy, site.deputy))
    assertEquals(Recurrence.Weekdays(listOf(0, 2, 4)), site.recurrence)
    // 2026-11-04 is a Wednesday, three days after the 1st.
    assertTrue(site.recurrence.on(day("2026-11-04")) && !alt.recurrence.on(day("2026-11-04")) && alt.recurrence.on(day("2026-11-03")))
    assertEquals("缺勤", PatrolTaskStatus.ABSENT.label())
    assertEquals("on time", PatrolTiming.ON_TIME.label(Language.EN))
    assertEquals("decoration_site" to "装修现场", CheckpointKind.DECORATION_SITE.wireName() to CheckpointKind.DECORATION_SITE.label())

    val gate = Checkpoint("A", "大门", CheckpointKind.SECURITY, listOf("门岗在岗"))
    fun refused(plan: Plan, offset: Int = 480) =
        assertFailsWith<EstateKitException.Validation> { PatrolBook(listOf(gate), listOf(plan), offset) }.let { it.code to it.path }
    assertEquals("unknown_reference" to "plans[0].route[0]",
        refused(Plan("P", listOf("B"), Recurrence.Daily, listOf(WorkingHours("22:00", "23:00")), "刘")))
    assertEquals("out_of_range" to "plans[0].windows[0].end",
        refused(Plan("P", listOf("A"), Recurrence.Daily, listOf(WorkingHours("23:00", "22:00")), "刘")))
    assertEquals("out_of_range" to "plans[0].recurrence.weekdays",
        refused(Plan("P", listOf("A"), Recurrence.Weekdays(listOf(7)), listOf(WorkingHours("22:00", "23:00")), "刘")))
    assertEquals("invalid_integer" to "plans[0].recurrence.weekdays[0]",
        refused(Plan("P", listOf("A"), Recurrence.Weekdays(listOf(-1)), listOf(WorkingHours("22:00", "23:00")), "刘")))
    assertEquals("invalid_time" to "plans[0].windows[0].start",
        refused(Plan("P", listOf("A"), Recurrence.Daily, listOf(WorkingHours("22h", "23:00")), "刘")))
    assertEquals("out_of_range" to "utc_offset_minutes",
        refused(Plan("P", listOf("A"), Recurrence.Daily, listOf(WorkingHours("22:00", "23:00")), "刘"), 19 * 60))
}

/** November 2026: 30 days of two day rounds, 13 Mondays, Wednesdays and Fridays, 15
 * alternate days from the 1st. */
fun testPatrolTasksFollowTheCalendar() {
    val b = patrolBook()
    assertEquals(30L * 2 + 13 + 15, b.generate(day("2026-11-01"), day("2026-11-30")))
    assertEquals(0L, b.generate(day("2026-11-01"), day("2026-11-30")))
    assertEquals(listOf(2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27, 30), b.tasks().filter { it.planId == "SITE" }.map { it.date.dayOfMonth })
    assertEquals(
        PatrolTask("ALT/2026-11-01/0", "ALT", day("2026-11-01"), WorkingHours("21:00", "22:00"), "丙", null, listOf()),
        b.tasks()[0])
    val inverted = assertFailsWith<EstateKitException.Validation> { b.generate(day("2026-11-02"), day("2026-11-01")) }
    assertEquals("out_of_range" to "to", inverted.code to inverted.path)
    assertEquals("out_of_range", assertFailsWith<EstateKitException.Validation> { b.generate(day("2026-01-01"), day("2027-01-03")) }.code)
}

fun testPatrolVisitsFindingsAndTickets() {
    val b = patrolBook()
    // 11-02 (a Monday): two day rounds and the site; 11-03: two day rounds and ALT.
    assertEquals(6L, b.generate(day("2026-11-02"), day("2026-11-03")))
    assertEquals(PatrolTaskStatus.NOT_STARTED, b.taskStatus("DAY/2026-11-02/0", at("2026-11-02T00:00:00Z")))
    // 08:59:59 is early, 09:00 on time, 10:00 late (the window's end is exclusive).
    assertNull(b.recordVisit("DAY/2026-11-02/0", Visit("LOBBY", at("2026-11-02T00:59:59Z"), "甲", ok(listOf("地面清洁")))))
    assertEquals(PatrolTaskStatus.IN_PROGRESS, b.taskStatus("DAY/2026-11-02/0", at("2026-11-02T01:30:00Z")))
    assertEquals(listOf(PointTiming("LOBBY", PatrolTiming.EARLY), PointTiming("PUMP", null)),
        b.pointTimings("DAY/2026-11-02/0", at("2026-11-02T01:30:00Z")))
    b.recordVisit("DAY/2026-11-02/0", Visit("PUMP", at("2026-11-02T02:00:00Z"), "甲", ok(listOf("水泵运行正常", "无漏水"))))
    assertEquals(listOf(PatrolTiming.EARLY, PatrolTiming.LATE), b.pointTimings("DAY/2026-11-02/0", at("2026-11-02T03:00:00Z")).map { it.timing })
    assertEquals(PatrolTaskStatus.COMPLETED, b.taskStatus("DAY/2026-11-02/0", at("2026-11-02T03:00:00Z")))
    b.recordVisit("DAY/2026-11-02/1", Visit("LOBBY", at("2026-11-02T07:10:00Z"), "乙", ok(listOf("地面清洁"))))
    assertEquals(listOf(PointTiming("LOBBY", PatrolTiming.ON_TIME), PointTiming("PUMP", PatrolTiming.MISSED)),
        b.pointTimings("DAY/2026-11-02/1", at("2026-11-02T08:00:00Z")))
    assertEquals(PatrolTaskStatus.OVERDUE, b.taskStatus("DAY/2026-11-02/1", at("2026-11-02T08:00:00Z")))
    assertEquals(PatrolTaskStatus.ABSENT, b.taskStatus("ALT/2026-11-03/0", at("2026-11-04T00:00:00Z")))

    val again = assertFailsWith<EstateKitException.State> {
        b.recordVisit("DAY/2026-11-02/0", Visit("LOBBY", at("2026-11-02T02:10:00Z"), "甲", ok(listOf("地面清洁"))))
    }
    assertEquals("already_done" to "checkpoint_id", again.code to again.path)
    fun refused(task: String, v: Visit) = assertFailsWith<EstateKitException.Validation> { b.recordVisit(task, v) }.let { it.code to it.path }
    assertEquals("unknown_reference" to "checkpoint_id",
        refused("DAY/2026-11-02/1", Visit("SITE-1201", at("2026-11-02T07:20:00Z"), "甲", ok(listOf("按时施工")))))
    assertEquals("missing_value" to "results",
        refused("DAY/2026-11-02/1", Visit("PUMP", at("2026-11-02T07:20:00Z"), "甲", ok(listOf("水泵运行正常")))))
    assertEquals("unknown_reference" to "task_id", refused("NOPE", Visit("PUMP", at("2026-11-02T07:20:00Z"), "甲", listOf())))

    // An abnormal site visit: refused without a note, then a finding, a ticket, a log line.
    val results = listOf(ItemResult("按时施工", false), ItemResult("垃圾入袋", true))
    val visit = Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙", results)
    assertEquals("missing_value" to "note", refused("SITE/2026-11-02/0", visit))
    assertEquals("missing_value" to "note", refused("SITE/2026-11-02/0", visit.copy(note = "  ")))
    val f = b.recordVisit("SITE/2026-11-02/0", visit.copy(note = "1201室中午12点仍在电钻作业"))
    assertEquals(
        Finding("F1", "SITE/2026-11-02/0", "SITE-1201", "B1", at("2026-11-02T02:30:00Z"), "乙", listOf("按时施工"),
            "1201室中午12点仍在电钻作业", null),
        f)
    assertEquals(listOf(f), b.findings())

    TicketClassifier.default().use { clf ->
        val (t, c) = b.findingTicket("F1", clf)
        assertEquals(
            Ticket("PATROL-F1", "", TicketChannel.PATROL, at("2026-11-02T02:30:00Z"), "乙",
                "SITE-1201：1201室中午12点仍在电钻作业（未通过：按时施工）", c.kind),
            t)
        assertEquals("decoration" to "customer_service", c.category to c.department)
        assertEquals(clf.classify(t.text).category, c.category)
        // Handled as any other ticket: a TicketFlow of channel PATROL.
        TicketFlow(t.id, t.unit, t.channel, t.receivedAt, t.reporter, t.text, t.kind, c.category, c.urgency, c.department,
            "客服小王", utcOffsetMinutes = 480).use { flow ->
            assertEquals(listOf("PATROL-F1", "", "乙", "decoration"), listOf(flow.id(), flow.unit(), flow.reporter(), flow.category()))
            assertEquals(TicketChannel.PATROL, flow.channel())
            assertEquals(TicketState.ASSIGNED, flow.assign("装修管理员", "客服小王", at("2026-11-02T02:40:00Z")))
        }
        val unknown = assertFailsWith<EstateKitException.Validation> { b.findingTicket("F9", clf) }
        assertEquals("unknown_reference" to "finding_id", unknown.code to unknown.path)
    }

    assertEquals(listOf("10:30 SITE-1201 乙：按时施工；1201室中午12点仍在电钻作业"), b.buildingLog("B1", day("2026-11-02")))
    assertEquals(listOf<String>(), b.buildingLog("B1", day("2026-11-03")))

    val early = assertFailsWith<EstateKitException.Validation> { b.closeFinding("F1", at("2026-11-02T02:00:00Z")) }
    assertEquals("out_of_range" to "at", early.code to early.path)
    b.closeFinding("F1", at("2026-11-02T08:30:00Z"))
    assertEquals(at("2026-11-02T08:30:00Z"), b.findings()[0].closedAt)
    val twice = assertFailsWith<EstateKitException.State> { b.closeFinding("F1", at("2026-11-02T09:30:00Z")) }
    assertEquals("already_done" to "finding_id", twice.code to twice.path)

    val s = b.statistics(at("2026-11-03T00:00:00Z"))
    assertEquals(listOf("", "1", "1", "6.00"), listOf(s.key, s.findings.toString(), s.findingsClosed.toString(), s.meanClosureHours?.toPlainString()))
    val text = b.toJson()
    PatrolBook.fromJson(text).use { back ->
        assertEquals(b, back)
        assertEquals(text, back.toJson())
    }
}

/** Every second round of the day plan skipped, the site visited late on Fridays. */
fun testPatrolAMonthOfRounds() {
    val b = patrolBook()
    b.generate(day("2026-11-01"), day("2026-11-30"))
    val plans = b.plans().associateBy { it.id }
    val items = b.checkpoints().associate { it.id to it.items }
    var visits = 0L
    var onTime = 0L
    for (t in b.tasks()) {
        if (t.planId == "DAY" && t.id.endsWith("/1")) continue // absent
        val start = t.date.atTime(java.time.LocalTime.parse(t.window.start)).toInstant(ZoneOffset.ofHours(8))
        val late = t.planId == "SITE" && t.date.dayOfWeek == DayOfWeek.FRIDAY
        plans.getValue(t.planId).route.forEachIndexed { k, cp ->
            val minutes = if (late) 90L else 10L + 5 * k
            assertNull(b.recordVisit(t.id, Visit(cp, start.plus(Duration.ofMinutes(minutes)), plans.getValue(t.planId).staff, ok(items.getValue(cp)))))
            visits++
            if (!late) onTime++
        }
    }
    val s = b.statistics(at("2026-12-01T00:00:00Z"))
    assertEquals(listOf(88L, 58L, 30L, 60L), listOf(s.tasks, s.completed, s.absent, s.missedPoints))
    assertEquals(listOf(88L, 84L), listOf(visits, onTime))
    assertEquals(visits to onTime, s.visits to s.onTime)
    assertEquals(BigDecimal("0.6591"), s.completionRate)
    assertEquals(BigDecimal("0.9545"), s.onTimeRate)
    assertNull(s.meanClosureHours)
    assertEquals(
        listOf(Triple("DAY", 60L, 30L), Triple("SITE", 13L, 13L), Triple("ALT", 15L, 15L)),
        b.statisticsByRoute(at("2026-12-01T00:00:00Z")).map { Triple(it.key, it.tasks, it.completed) })
    assertEquals(BigDecimal("0.6923"), b.statisticsByRoute(at("2026-12-01T00:00:00Z"))[1].onTimeRate)
    assertEquals(listOf("丙" to 15L, "乙" to 13L, "甲" to 60L), b.statisticsByPerson(at("2026-12-01T00:00:00Z")).map { it.key to it.tasks })
    val none = b.statistics(at("2026-11-01T00:00:00Z"))
    assertEquals(listOf<Any?>(0L, null, null), listOf(none.tasks, none.completionRate, none.onTimeRate))
    PatrolBook.fromJson(b.toJson()).use { assertEquals(b, it) }
}

fun testPatrolDocumentsCheckThemselves() {
    val b = patrolBook()
    b.generate(day("2026-11-02"), day("2026-11-02"))
    b.recordVisit("SITE/2026-11-02/0", Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙",
        listOf(ItemResult("按时施工", false), ItemResult("垃圾入袋", true)), note = "电钻作业"))
    val text = b.toJson()
    fun err(t: String) = assertFailsWith<EstateKitException.Validation> { PatrolBook.fromJson(t) }.let { it.code to it.path }
    assertEquals("unknown_value" to "tasks[0].id", err(text.replaceFirst("\"DAY/2026-11-02/0\"", "\"DAY/2026-11-02/7\"")))
    assertEquals("missing_value", err(text.replaceFirst("\"电钻作业\"", "\"\"")).first)
    assertEquals("unsupported_format_version" to "format_version", err(text.replaceFirst("\"format_version\": 1", "\"format_version\": 3")))
    assertEquals("unknown_value" to "findings[0].id", err(text.replaceFirst("\"F1\"", "\"F7\"")))
    assertEquals("json" to "$", err("[]"))
    PatrolBook.fromJson(text).use { assertEquals(b, it) }
}
