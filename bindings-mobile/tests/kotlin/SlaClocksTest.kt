// Issue 18.4, SLA clocks that agree: each target names its clock, a response is never due
// after the resolution, working days skip holidays and count make-up days, a promised reply
// time replaces the response target. Deadlines hand-computed in Beijing time (UTC+8).
import io.estatekit.*
import java.time.Instant
import java.time.LocalDate
import java.time.OffsetDateTime
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun bj(s: String): Instant = OffsetDateTime.parse("$s+08:00").toInstant()

private val WEEKDAYS = listOf(0, 1, 2, 3, 4)

// The State Council's 2026 arrangement: Mid-Autumn 09-25..27 and National Day 10-01..07 off;
// Sunday 09-20 and Saturday 10-10 worked (调休补班).
private val HOLIDAYS = listOf(25, 26, 27).map { LocalDate.of(2026, 9, it) } + (1..7).map { LocalDate.of(2026, 10, it) }
private val MAKE_UP = listOf(LocalDate.of(2026, 9, 20), LocalDate.of(2026, 10, 10))

private fun weekdays(): BusinessCalendar = BusinessCalendar.weekly("09:00", "18:00", WEEKDAYS, 480, listOf())

private fun calendarJson(holidays: List<LocalDate>, workdays: List<LocalDate>): String =
    BusinessCalendar.weekly("09:00", "18:00", WEEKDAYS, 480, holidays, workdays).use { cal ->
        SlaPolicy(cal).use { p ->
            // The calendar object of the policy's JSON.
            val json = p.toJson()
            json.substring(json.indexOf("\"calendar\":") + "\"calendar\":".length, json.lastIndexOf('}')).trim()
        }
    }

private fun policy(normalResolution: String, calendar: String?): SlaPolicy = SlaPolicy.fromJson(
    """{"by_urgency": {
        "emergency": {"response": {"minutes": 15}, "resolution": {"minutes": 240}},
        "urgent": {"response": {"business_minutes": 120}, "resolution": {"minutes": 1440}},
        "normal": {"response": {"business_minutes": 120}, "resolution": $normalResolution}}""" +
        (if (calendar != null) """, "calendar": $calendar}""" else "}")
)

private fun flow(received: Instant, urgency: Urgency = Urgency.NORMAL, promised: Instant? = null): TicketFlow = TicketFlow(
    "T-7", "3-502", TicketChannel.HOTLINE, received, "李先生", "门禁刷卡没反应", TicketKind.REPAIR_REQUEST,
    "repair.facility", urgency, "engineering", "前台小张", null, 480, promised
)

fun testSlaFridayAfternoonUrgent() {
    val received = bj("2026-11-06T16:30")
    weekdays().use { cal ->
        SlaPolicy(cal).use { standard ->
            flow(received, Urgency.URGENT).use { f ->
                val s = f.sla(received, standard)
                assertEquals(SlaTargets(SlaClock.BUSINESS_MINUTES, 120L, SlaClock.MINUTES, 1440L), SlaTargets(s.responseClock, s.responseAmount, s.resolutionClock, s.resolutionAmount))
                // Resolve within 24 h: Saturday 16:30; the 2-working-hour response (Monday 09:30)
                // is brought forward to it; 90 working minutes left on Friday.
                assertEquals(bj("2026-11-07T16:30"), s.resolutionDue)
                assertEquals(bj("2026-11-07T16:30"), s.responseDue)
                assertTrue(s.responseClamped)
                assertFalse(s.responsePromised)
                assertEquals(5400L, s.responseRemainingSeconds)
            }
        }
        SlaPolicy(cal, true).use { allowed ->
            assertTrue(allowed.responseMayFollowResolution())
            flow(received, Urgency.URGENT).use { f ->
                val s = f.sla(received, allowed)
                assertEquals(bj("2026-11-09T09:30"), s.responseDue)
                assertFalse(s.responseClamped)
            }
        }
        // A normal ticket of Monday 2026-11-02 09:00 is due 8 calendar days later.
        SlaPolicy(cal).use { standard ->
            val monday = bj("2026-11-02T09:00")
            val t = standard.targets(Urgency.NORMAL, "noise", monday)
            assertEquals(SlaTargets(SlaClock.BUSINESS_MINUTES, 120L, SlaClock.CALENDAR_DAYS, 8L), t)
            flow(monday).use { f -> assertEquals(bj("2026-11-10T09:00"), f.sla(monday, standard).resolutionDue) }
        }
    }
}

fun testSlaWorkingDaysResolution() {
    policy("""{"working_days": 8}""", calendarJson(listOf(), listOf())).use { p ->
        // Monday 11-02 10:00, 8 working days: Tue 3 ... Thu 12 → Thursday 11-12 18:00.
        val received = bj("2026-11-02T10:00")
        flow(received).use { f ->
            val s = f.sla(received, p)
            assertEquals(bj("2026-11-12T18:00"), s.resolutionDue)
            assertEquals(SlaClock.WORKING_DAYS, s.resolutionClock)
            assertEquals(8L, s.resolutionAmount)
            assertEquals((8L + 8 * 9) * 3600, s.resolutionRemainingSeconds)
        }
    }
    weekdays().use { cal ->
        // 1 working day: Monday 10:00 or 07:00 → Tuesday 18:00; Friday 16:30 → Monday 18:00.
        assertEquals(bj("2026-11-03T18:00"), cal.addWorkingDays(bj("2026-11-02T10:00"), 1L))
        assertEquals(bj("2026-11-03T18:00"), cal.addWorkingDays(bj("2026-11-02T07:00"), 1L))
        assertEquals(bj("2026-11-09T18:00"), cal.addWorkingDays(bj("2026-11-06T16:30"), 1L))
        val zero = assertFailsWith<EstateKitException.Validation> { cal.addWorkingDays(bj("2026-11-02T10:00"), 0L) }
        assertEquals(listOf("out_of_range", "days"), listOf(zero.code, zero.path))
        val far = assertFailsWith<EstateKitException.Validation> { cal.addWorkingDays(Instant.parse("9999-12-30T12:00:00Z"), 2L) }
        assertEquals(listOf("no_working_days", "calendar"), listOf(far.code, far.path))
    }
}

fun testSlaHolidayWithMakeUpSaturday() {
    BusinessCalendar.weekly("09:00", "18:00", WEEKDAYS, 480, HOLIDAYS, MAKE_UP).use { cal ->
        assertTrue(cal.isWorkingDay(LocalDate.of(2026, 10, 10)))
        assertFalse(cal.isWorkingDay(LocalDate.of(2026, 10, 1)))
        // The make-up Sunday: Friday 09-18 15:00, 1 working day → Sunday 09-20 18:00.
        assertEquals(bj("2026-09-20T18:00"), cal.addWorkingDays(bj("2026-09-18T15:00"), 1L))
    }
    policy("""{"working_days": 3}""", calendarJson(HOLIDAYS, MAKE_UP)).use { p ->
        // Business-time response: Friday 10-09 17:00 + 2 working hours = 1 h Friday + 1 h on
        // the make-up Saturday → Saturday 10-10 10:00.
        flow(bj("2026-10-09T17:00")).use { f -> assertEquals(bj("2026-10-10T10:00"), f.sla(bj("2026-10-09T17:00"), p).responseDue) }
        // Wednesday 09-30 17:00: 1 h that day, 10-01..07 off, 1 h Thursday 10-08 → 10:00.
        flow(bj("2026-09-30T17:00")).use { f -> assertEquals(bj("2026-10-08T10:00"), f.sla(bj("2026-09-30T17:00"), p).responseDue) }
        // Working-day resolution: Wednesday 09-30 10:00, 3 working days: 10-08, 10-09 and the
        // make-up Saturday 10-10 → Saturday 18:00.
        flow(bj("2026-09-30T10:00")).use { f -> assertEquals(bj("2026-10-10T18:00"), f.sla(bj("2026-09-30T10:00"), p).resolutionDue) }
    }
    policy("""{"working_days": 3}""", calendarJson(HOLIDAYS, listOf())).use { plain ->
        // Without the make-up day: Monday 10-12 18:00.
        flow(bj("2026-09-30T10:00")).use { f -> assertEquals(bj("2026-10-12T18:00"), f.sla(bj("2026-09-30T10:00"), plain).resolutionDue) }
    }
}

fun testSlaPromisedReplyTime() {
    val received = bj("2026-11-06T16:30")
    weekdays().use { cal ->
        SlaPolicy(cal).use { standard ->
            flow(received).use { f ->
                assertNull(f.promisedReplyAt())
                assertEquals(bj("2026-11-09T09:30"), f.sla(received, standard).responseDue)
                // The owner agreed to a call on Monday 11:00, later than the target.
                val saved = f.promiseReply(bj("2026-11-09T11:00"))
                assertEquals(1L to f.toJson(), saved.version to saved.json)
                val s = f.sla(bj("2026-11-09T10:00"), standard)
                assertEquals(bj("2026-11-09T11:00"), s.responseDue)
                assertTrue(s.responsePromised)
                assertFalse(s.responseBreached)
                assertEquals(3600L, s.responseRemainingSeconds)
                assertEquals(bj("2026-11-09T11:00"), f.promisedReplyAt())
                assertTrue(f.toJson().contains("\"promised_reply_at\":\"2026-11-09T03:00:00Z\""))
                TicketFlow.fromJson(f.toJson()).use { back -> assertEquals(bj("2026-11-09T11:00"), back.promisedReplyAt()) }
                val e = assertFailsWith<EstateKitException.Validation> { f.promiseReply(bj("2026-11-06T16:00")) }
                assertEquals(listOf("invalid_option", "promised_reply_at"), listOf(e.code, e.path))
                assertEquals("promised_reply_at: 2026-11-06 08:00:00 UTC is before the receipt at 2026-11-06 08:30:00 UTC", e.detail)
            }
            // Set at creation; answered at 11:30, half an hour late; the statistics agree.
            flow(received, promised = bj("2026-11-09T11:00")).use { g ->
                g.assign("王工", "前台小张", bj("2026-11-09T11:10"))
                g.start("王工", bj("2026-11-09T11:30"))
                val s = g.sla(bj("2026-11-09T12:00"), standard)
                assertTrue(s.responseBreached)
                assertEquals(-1800L, s.responseRemainingSeconds)
                val st = ticketStatistics(listOf(g), bj("2026-11-01T00:00"), bj("2026-11-10T00:00"), 10, standard)
                assertEquals(0.0, st.responseRate)
            }
            val e = assertFailsWith<EstateKitException.Validation> { flow(received, promised = bj("2026-11-06T16:00")) }
            assertEquals(listOf("invalid_option", "promised_reply_at"), listOf(e.code, e.path))
        }
    }
}

fun testSlaOldFormatLoads() {
    val old = """{"response_minutes": 120, "resolution_minutes": 11520}"""
    SlaPolicy.fromJson(
        """{"by_urgency": {"emergency": $old, "urgent": $old, "normal": $old}, "calendar": ${calendarJson(listOf(), listOf())}}"""
    ).use { p ->
        // As before: 11520 working minutes = 192 working hours → Tuesday 12-01 12:00.
        val received = bj("2026-11-02T09:00")
        flow(received).use { f ->
            val s = f.sla(received, p)
            assertEquals(bj("2026-12-01T12:00"), s.resolutionDue)
            assertEquals(SlaTargets(SlaClock.BUSINESS_MINUTES, 120L, SlaClock.BUSINESS_MINUTES, 11520L), SlaTargets(s.responseClock, s.responseAmount, s.resolutionClock, s.resolutionAmount))
        }
        assertTrue(p.toJson().contains("\"business_minutes\": 11520"))
    }
    // A flow document without a promise loads with none.
    flow(bj("2026-11-02T09:00")).use { f ->
        assertFalse(f.toJson().contains("promised_reply_at"))
        TicketFlow.fromJson(f.toJson()).use { back -> assertNull(back.promisedReplyAt()) }
    }
}

fun testSlaTypedErrors() {
    val cal = calendarJson(listOf(), listOf())
    val r = """"response": {"business_minutes": 120}"""
    val cases = listOf(
        Triple("""{$r, "resolution": {"working_days": 0}}""", cal,
            "by_urgency.normal.resolution.working_days: must be at least 1 day, got 0" to "out_of_range"),
        Triple("""{$r, "resolution": {"working_days": -2}}""", cal,
            "by_urgency.normal.resolution.working_days: must be at least 1 day, got -2" to "out_of_range"),
        Triple("""{$r, "resolution": {"working_days": 8}}""", null,
            "by_urgency.normal.resolution.working_days: working days need a calendar (the policy's \"calendar\")" to "missing_value"),
        Triple("""{$r, "resolution": {"working_days": 8, "calendar_days": 8}}""", cal,
            "by_urgency.normal.resolution: one clock per target, got calendar_days and working_days" to "conflicting_fields"),
        Triple("""{$r, "resolution": {}}""", cal,
            "by_urgency.normal.resolution: no clock: give one of minutes, business_minutes, calendar_days, working_days" to "missing_value"),
        Triple("""{"response": {"calendar_days": 1}, "resolution": {"working_days": 8}}""", cal,
            "by_urgency.normal.response.calendar_days: a response target is minutes or business_minutes" to "conflicting_fields"),
        Triple("""{"response": {"minutes": -5}, "resolution": {"working_days": 8}}""", cal,
            "by_urgency.normal.response.minutes: must not be negative, got -5" to "negative"),
        Triple("""{$r, "response_minutes": 60, "resolution": {"working_days": 8}}""", cal,
            "by_urgency.normal.response: given twice: response and response_minutes; give one" to "conflicting_fields"),
        Triple("""{"resolution": {"working_days": 8}}""", cal,
            "by_urgency.normal.response: missing: give response, e.g. {\"business_minutes\": 120}" to "missing_value"),
    )
    for ((normal, calendar, expected) in cases) {
        val (message, code) = expected
        val doc = """{"by_urgency": {
            "emergency": {"response": {"minutes": 15}, "resolution": {"minutes": 240}},
            "urgent": {$r, "resolution": {"minutes": 1440}},
            "normal": $normal}""" + (if (calendar != null) """, "calendar": $calendar}""" else "}")
        val e = assertFailsWith<EstateKitException.Validation> { SlaPolicy.fromJson(doc) }
        assertEquals(listOf(code, message.substringBefore(":"), message), listOf(e.code, e.path, e.detail), normal)
    }
    val e = assertFailsWith<EstateKitException.Validation> { policy("""{"hours": 8}""", cal) }
    assertEquals(listOf("json", "by_urgency.normal.resolution.hours"), listOf(e.code, e.path))
}
