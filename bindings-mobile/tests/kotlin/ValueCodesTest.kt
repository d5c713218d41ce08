import io.estatekit.*
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

// Issue 19: each value error names its cause (no invalid_field, invalid_sla or
// invalid_policy), as the core does; one site per module, exact code and path.

fun testCheckinValueCodes() {
    val e = assertFailsWith<EstateKitException.Validation> {
        Checklist.start(CheckinTemplate.default(), "1-603", " ", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    }
    assertEquals(listOf("empty_field", "owner", "owner：必填内容为空"), listOf(e.code, e.path, e.messageZh))
}

fun testTicketValueCodes() {
    val empty = assertFailsWith<EstateKitException.Validation> { AccessPolicy(mapOf(TicketAction.CLOSE to listOf())) }
    assertEquals("empty_field" to "roles.close", empty.code to empty.path)
    // A calendar inside a policy keeps its own cause: overlapping working periods.
    val day = """[{"start": "09:00:00", "end": "12:00:00"}, {"start": "11:00:00", "end": "18:00:00"}]"""
    val targets = """{"response_minutes": 60, "resolution_minutes": 600}"""
    val doc = """{"by_urgency": {"emergency": $targets, "urgent": $targets, "normal": $targets},
        "calendar": {"hours": [$day, [], [], [], [], [], []], "utc_offset_minutes": 480}}"""
    val overlap = assertFailsWith<EstateKitException.Validation> { SlaPolicy.fromJson(doc) }
    assertEquals(listOf("overlapping_periods", "calendar.hours[0][1]", "calendar.hours[0][1]：时间段重叠"),
        listOf(overlap.code, overlap.path, overlap.messageZh))
    val rush = """{"by_urgency": {"emergency": $targets, "urgent": $targets, "rush": $targets}}"""
    val unknown = assertFailsWith<EstateKitException.Validation> { SlaPolicy.fromJson(rush) }
    assertEquals("unknown_value" to "by_urgency.rush", unknown.code to unknown.path)
    val attempts = assertFailsWith<EstateKitException.Validation> { ReturnVisitPolicy(maxUnreachableAttempts = 0) }
    assertEquals("out_of_range" to "max_unreachable_attempts", attempts.code to attempts.path)
}
