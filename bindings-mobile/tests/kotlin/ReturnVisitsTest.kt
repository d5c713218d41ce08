// Return visits that count (issue 18.5) through the generated bindings: rating,
// unreachable attempts, the close rule, the deadline, the policy, statistics.
import io.estatekit.*
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

private val T0: Instant = Instant.parse("2026-11-02T01:00:00Z")
private fun hours(n: Long): Instant = T0.plusSeconds(3600 * n)
private val START: Instant = Instant.parse("2026-11-01T00:00:00Z")
private val END: Instant = Instant.parse("2026-12-01T00:00:00Z")

private fun resolved(
    id: String = "T1",
    kind: TicketKind = TicketKind.REPAIR_REQUEST,
    channel: TicketChannel = TicketChannel.HOTLINE,
    offset: Int = 0,
    visits: ReturnVisitPolicy? = null,
): TicketFlow {
    val f = TicketFlow(
        id, "1-201", channel, T0, "王女士", "text", kind, "repair.plumbing", Urgency.NORMAL, "engineering", "前台",
        utcOffsetMinutes = offset, returnVisitPolicy = visits,
    )
    f.resolve("修好", "李工", hours(1))
    return f
}

fun testRating5IsSatisfiedAnd3Reopens() {
    resolved().use { f ->
        assertEquals(TicketState.RETURN_VISITED, f.returnVisitReached(VisitMode.PHONE, 5L, "很满意", "回访员", hours(24)))
        assertEquals(listOf<Any?>(true, 5L, 0L), listOf(f.satisfied(), f.rating(), f.reopened()))
        assertEquals(TicketState.CLOSED, f.close("回访员", hours(25)))
        assertEquals(listOf(TicketAction.RECEIVE, TicketAction.RESOLVE, TicketAction.RETURN_VISIT_REACHED, TicketAction.CLOSE),
            f.events().map { it.action })
    }
    resolved(kind = TicketKind.COMPLAINT).use { f ->
        assertEquals(TicketState.ASSIGNED, f.returnVisitReached(VisitMode.VISIT, 3L, "还是吵", "回访员", hours(24)))
        assertEquals(listOf<Any?>(false, 3L, 1L), listOf(f.satisfied(), f.rating(), f.reopened()))
        val e = assertFailsWith<EstateKitException.Validation> { f.returnVisitReached(VisitMode.APP, 6L, "", "回访员", hours(25)) }
        assertEquals(listOf("invalid_option", "rating"), listOf(e.code, e.path))
    }
}

fun testThreeUnreachableAttemptsThenClose() {
    resolved(kind = TicketKind.COMPLAINT).use { f ->
        for (i in 1L..3L) {
            assertEquals(TicketState.RESOLVED, f.returnVisitUnreachable(VisitMode.PHONE, "无人接听", "回访员", hours(24 * i)))
        }
        assertEquals(3L, f.unreachableAttempts())
        assertNull(f.rating())
        assertEquals(TicketState.CLOSED, f.close("回访员", hours(80)))
    }
}

fun testTwoUnreachableAttemptsThenCloseIsAStateError() {
    resolved(kind = TicketKind.COMPLAINT).use { f ->
        f.returnVisitUnreachable(VisitMode.PHONE, "", "回访员", hours(24))
        f.returnVisitUnreachable(VisitMode.APP, "", "回访员", hours(48))
        val e = assertFailsWith<EstateKitException.State> { f.close("回访员", hours(50)) }
        assertEquals(listOf("return_visit_required", "ticket.T1.return_visit"), listOf(e.code, e.path))
        assertEquals(
            "ticket T1: a complaint must be return-visited before it is closed; no visit reached the owner and 2 of 3 unreachable attempts were made",
            e.detail,
        )
        assertEquals(TicketState.RESOLVED, f.state())
    }
}

fun testExemptTicketsCloseWithoutAVisit() {
    for ((kind, channel) in listOf(
        TicketKind.COMPLAINT to TicketChannel.PATROL,
        TicketKind.PRAISE to TicketChannel.HOTLINE,
        TicketKind.SERVICE_REQUEST to TicketChannel.APP,
    )) {
        resolved(kind = kind, channel = channel).use { f ->
            assertFalse(f.returnVisitRequired())
            assertNull(f.returnVisitDue())
            assertEquals(TicketState.CLOSED, f.close("主管", hours(2)))
        }
    }
}

fun testDueDateAndOverdueInBeijingTime() {
    resolved(offset = 480).use { f ->
        assertTrue(f.returnVisitRequired())
        assertEquals(LocalDate.of(2026, 11, 5), f.returnVisitDue())
        assertFalse(f.returnVisitOverdue(Instant.parse("2026-11-05T15:59:59Z")))
        assertTrue(f.returnVisitOverdue(Instant.parse("2026-11-05T16:00:00Z")))
    }
}

fun testPolicyIsConfiguredAndStored() {
    ReturnVisitPolicy().use { p ->
        assertEquals(listOf(TicketKind.COMPLAINT, TicketKind.REPAIR_REQUEST), p.requiredKinds())
        assertEquals(listOf(TicketChannel.PATROL), p.exemptChannels())
        assertEquals(listOf<Any>(3L, 3L, 0.95, 0.8),
            listOf(p.maxUnreachableAttempts(), p.deadlineDays(), p.satisfactionTarget(), p.minCoverage()))
    }
    val e = assertFailsWith<EstateKitException.Validation> { ReturnVisitPolicy(maxUnreachableAttempts = 0) }
    assertEquals(listOf("out_of_range", "max_unreachable_attempts"), listOf(e.code, e.path))
    ReturnVisitPolicy(requiredKinds = listOf(TicketKind.COMPLAINT), exemptChannels = listOf(), maxUnreachableAttempts = 1).use { one ->
        resolved(kind = TicketKind.COMPLAINT, channel = TicketChannel.PATROL, visits = one).use { f ->
            assertTrue(f.returnVisitRequired())
            f.returnVisitUnreachable(VisitMode.PHONE, "", "回访员", hours(2))
            assertEquals(TicketState.CLOSED, f.close("主管", hours(3)))
            TicketFlow.fromJson(f.toJson()).use { back ->
                assertEquals(one.toJson(), back.returnVisitPolicy()!!.toJson())
                assertEquals(f.toJson(), back.toJson())
            }
        }
    }
}

private fun month(): List<TicketFlow> {
    val flows = mutableListOf<TicketFlow>()
    listOf(5, 5, 4, 5, 4, 2).forEachIndexed { i, r ->
        flows += resolved("R$i").also { it.returnVisitReached(VisitMode.PHONE, r.toLong(), "", "回访员", hours(24)) }
    }
    for (i in 0 until 2) {
        flows += resolved("U$i", TicketKind.COMPLAINT, TicketChannel.APP).also { f ->
            for (h in 0L until 3L) f.returnVisitUnreachable(VisitMode.PHONE, "", "回访员", hours(24 + h))
            f.close("回访员", hours(30))
        }
    }
    for (i in 0 until 2) flows += resolved("P$i", TicketKind.COMPLAINT)
    flows += resolved("X1", TicketKind.COMPLAINT, TicketChannel.PATROL)
    flows += resolved("X2", TicketKind.PRAISE)
    return flows
}

fun testStatisticsOfAHandBuiltMonth() {
    val flows = month()
    val s = ticketStatistics(flows, START, END, 100, null)
    assertEquals(listOf(10L, 6L, 5L, 2L), listOf(s.visitsRequired, s.visitsReached, s.visitsSatisfied, s.visitsUnreachable))
    assertEquals(listOf<Double?>(0.8, 0.2, 0.8333, 0.6),
        listOf(s.returnVisitRate, s.unreachableRate, s.returnVisitSatisfaction, s.returnVisitCoverage))
    assertEquals(listOf<Any>(0.95, 0.8, false), listOf(s.satisfactionTarget, s.minCoverage, s.meetsSatisfactionTarget))
    ReturnVisitPolicy(satisfactionTarget = 0.8, minCoverage = 0.6).use { lax ->
        assertTrue(ticketStatistics(flows, START, END, 100, null, lax).meetsSatisfactionTarget)
    }
    flows.forEach { it.close() }
}

fun testOneSatisfiedVisitAmong100DoesNotMeetTheTarget() {
    val flows = (0 until 100).map { resolved("C%03d".format(it), TicketKind.COMPLAINT) }
    flows[0].returnVisitReached(VisitMode.APP, 5L, "", "回访员", hours(24))
    val s = ticketStatistics(flows, START, END, 100, null)
    // Maps keyed by the enums: every kind and channel, 0 when none.
    assertEquals(TicketKind.entries.associateWith { if (it == TicketKind.COMPLAINT) 100L else 0L }, s.byKind)
    assertEquals(TicketChannel.entries.associateWith { if (it == TicketChannel.HOTLINE) 100L else 0L }, s.byChannel)
    assertEquals(listOf<Any?>(100L, 1L, 1.0, 0.01, 1.0),
        listOf(s.visitsRequired, s.visitsReached, s.returnVisitSatisfaction, s.returnVisitCoverage, s.satisfactionRate))
    assertFalse(s.meetsSatisfactionTarget)
    flows.forEach { it.close() }
}

fun testOldDocumentsLoad() {
    // A complaint closed after a legacy (satisfied, unrated) visit, written before policies.
    val text = resolved(kind = TicketKind.COMPLAINT).use { f ->
        f.returnVisit(true, "满意", "回访员", hours(24))
        f.close("回访员", hours(25))
        f.toJson()
    }
    val old = text.replace(Regex(""","return_visit_policy":\{[^}]*\}"""), "")
    assertFalse(old.contains("return_visit_policy"))
    TicketFlow.fromJson(old).use { f ->
        assertNull(f.returnVisitPolicy())
        assertFalse(f.returnVisitRequired())
        assertEquals(listOf<Any?>(true, null, TicketState.CLOSED), listOf(f.satisfied(), f.rating(), f.state()))
        assertEquals(old, f.toJson())
    }
}
