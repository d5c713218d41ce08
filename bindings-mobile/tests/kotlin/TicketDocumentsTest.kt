// Ticket-flow documents that cannot lie, and the access policy, through the generated bindings.
import io.estatekit.*
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private val T0: Instant = Instant.parse("2026-11-06T09:00:00Z")
private fun h(n: Long): Instant = T0.plusSeconds(3600 * n)

private fun newFlow(policy: AccessPolicy? = null, visits: ReturnVisitPolicy? = null) = TicketFlow(
    "T1", "1-101", TicketChannel.APP, T0, "王女士", "停电了", TicketKind.REPAIR_REQUEST,
    "repair.electrical", Urgency.URGENT, "engineering", "前台", policy, returnVisitPolicy = visits
)

private fun closedJson(): String = newFlow().use { f ->
    f.assign("李工", "前台", h(1))
    f.start("李工", h(2))
    f.resolve("换了保险丝", "李工", h(3))
    f.returnVisit(true, "满意", "回访员", h(24))
    f.close("回访员", h(25))
    f.toJson()
}

private fun refused(text: String, policy: AccessPolicy? = null): List<String> {
    val e = assertFailsWith<EstateKitException.Validation> { TicketFlow.fromJson(text, policy) }
    return listOf(e.code, e.path)
}

fun testTamperedDocumentsAreRefused() {
    val text = closedJson()
    TicketFlow.fromJson(text).use { back -> assertEquals(text, back.toJson()) }
    // Closed and satisfied, with only the receipt left in the log.
    val onlyReceive = text.replace(Regex(""",\{"at":"2026-11-06T10.*\]\}$"""), "]}")
    assertEquals(listOf("inconsistent_document", "state"), refused(onlyReceive))
    // Received after its resolution.
    assertEquals(listOf("inconsistent_document", "events[0].at"),
        refused(text.replaceFirst("\"received_at\":\"2026-11-06T09:00:00Z\"", "\"received_at\":\"2033-08-06T09:00:00Z\"")))
    // Resolved before it was started.
    assertEquals(listOf("event_out_of_order", "events[3].at"),
        refused(text.replace("\"at\":\"2026-11-06T12:00:00Z\"", "\"at\":\"2026-11-06T08:00:00Z\"")))
    // An owner never assigned.
    assertEquals(listOf("inconsistent_document", "owner"), refused(text.replace("\"owner\":\"李工\"", "\"owner\":\"王经理\"")))
}

fun testDefaultPolicyRefusesTheHandlersVisit() {
    newFlow().use { f ->
        f.assign("李工", "前台", h(1))
        f.resolve("好了", "李工", h(2))
        val e = assertFailsWith<EstateKitException.Validation> { f.returnVisit(true, "满意", "李工", h(3)) }
        assertEquals(listOf("not_permitted", "actor"), listOf(e.code, e.path))
        assertEquals(TicketState.RESOLVED, f.state())
    }
    val forged = closedJson().replace("\"actor\":\"回访员\",\"action\":\"return_visit\"", "\"actor\":\"李工\",\"action\":\"return_visit\"")
    assertEquals(listOf("not_permitted", "events[4].actor"), refused(forged))
    AccessPolicy(mapOf(), true, false).use { lenient ->
        TicketFlow.fromJson(forged, lenient).use { assertEquals("李工", it.events()[4].actor) }
    }
}

fun testConfiguredPolicyRefusesARole() {
    AccessPolicy.fromJson("""{"roles": {"resolve": ["engineer"], "close": ["manager"]}}""").use { policy ->
        assertEquals(mapOf(TicketAction.CLOSE to listOf("manager"), TicketAction.RESOLVE to listOf("engineer")), policy.roles())
        // About roles: a return-visit policy that requires no visit before closing.
        val noVisit = ReturnVisitPolicy(requiredKinds = listOf())
        newFlow(policy, noVisit).use { f ->
            f.assign("李工", "前台", h(1))
            val e = assertFailsWith<EstateKitException.Validation> { f.resolve("好了", "李工", h(2), "receptionist") }
            assertEquals(listOf("not_permitted", "role"), listOf(e.code, e.path))
            f.resolve("好了", "李工", h(2), "engineer")
            f.close("客服主管", h(3), "manager")
            assertEquals(listOf(null, null, "engineer", "manager"), f.events().map { it.role })
            TicketFlow.fromJson(f.toJson(), policy).use { back -> assertEquals(f.toJson(), back.toJson()) }
        }
        assertEquals(listOf("not_permitted", "events[3].role"), refused(closedJson(), policy))
    }
    // Actions are the TicketAction enum: a reached visit is governed as RETURN_VISIT.
    val bad = assertFailsWith<EstateKitException.Validation> {
        AccessPolicy(mapOf(TicketAction.RETURN_VISIT_REACHED to listOf("回访员")), false, false)
    }
    assertEquals(listOf("unknown_value", "roles.return_visit_reached"), listOf(bad.code, bad.path))
    AccessPolicy(mapOf(TicketAction.RETURN_VISIT to listOf("回访员"))).use { visits ->
        assertEquals(mapOf(TicketAction.RETURN_VISIT to listOf("回访员")), visits.roles())
    }
}

fun testFirstContactOwnership() {
    AccessPolicy(mapOf(), false, true).use { policy ->
        assertTrue(policy.firstContactOwnership())
        newFlow(policy).use { f ->
            val e = assertFailsWith<EstateKitException.Validation> { f.assign("李工", "客服经理", h(1)) }
            assertEquals(listOf("not_permitted", "actor"), listOf(e.code, e.path))
            f.assign("李工", "前台", h(1))
        }
        val byManager = newFlow().use { g -> g.assign("李工", "客服经理", h(1)); g.toJson() }
        assertEquals(listOf("not_permitted", "events[1].actor"), refused(byManager, policy))
    }
}
