// java.time on the mobile surface (issue 19, point 1): `BusinessCalendar` from
// `LocalTime`, `DayOfWeek` and `ZoneOffset`, working time as `Duration`, SLA targets and
// time left as `Duration` (the hand-written extensions in bindings-mobile/kotlin/).
// Deadlines hand-computed in Beijing time (UTC+8), as in SlaClocksTest.kt.
import io.estatekit.*
import java.time.DayOfWeek
import java.time.Duration
import java.util.EnumSet
import java.time.Instant
import java.time.LocalDate
import java.time.LocalTime
import java.time.OffsetDateTime
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

private val BEIJING: ZoneOffset = ZoneOffset.ofHours(8)
private fun bj(s: String): OffsetDateTime = OffsetDateTime.parse("$s+08:00")
private val WORKWEEK: Set<DayOfWeek> = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)

private fun nineToSix(holidays: List<LocalDate> = listOf()): BusinessCalendar =
    BusinessCalendar.weekly(LocalTime.of(9, 0), LocalTime.of(18, 0), WORKWEEK, BEIJING, holidays)

fun testBusinessCalendarFromJavaTime() {
    // National Day 2026: Thursday 10-01 is a holiday.
    val holidays = listOf(LocalDate.of(2026, 10, 1))
    nineToSix(holidays).use { cal ->
        BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 480, holidays).use { plain ->
            // The same calendar as the string form, 0 = Monday.
            assertEquals(SlaPolicy(plain).use { it.toJson() }, SlaPolicy(cal).use { it.toJson() })
        }
        assertEquals(BEIJING, cal.utcOffset)
        // Monday 16:30 to Tuesday 10:00: 1.5 h + 1 h.
        assertEquals(Duration.ofMinutes(150), cal.workingTimeBetween(bj("2026-11-02T16:30"), bj("2026-11-03T10:00")))
        // Friday 17:00 + 2 working hours: Monday 10:00.
        assertEquals(bj("2026-11-09T10:00").toInstant(), cal.addWorkingTime(bj("2026-11-06T17:00").toInstant(), Duration.ofHours(2)))
        // Saturday 01:00 in Beijing is Friday 17:00 UTC: the local date counts.
        assertFalse(cal.isWorkingDay(OffsetDateTime.parse("2026-11-06T17:00Z")))
        assertTrue(cal.isWorkingDay(bj("2026-11-06T17:00")))
        assertFalse(cal.isWorkingDay(bj("2026-10-01T10:00")))
    }
    // Sunday and Saturday in any order: weekdays 5 and 6 of the core.
    BusinessCalendar.weekly(LocalTime.of(10, 0), LocalTime.of(16, 0), setOf(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY), ZoneOffset.UTC).use { cal ->
        assertEquals(Duration.ofHours(12), cal.workingTimeBetween(Instant.parse("2026-11-06T00:00:00Z"), Instant.parse("2026-11-09T00:00:00Z")))
    }
    val seconds = assertFailsWith<EstateKitException.Validation> {
        BusinessCalendar.weekly(LocalTime.of(9, 0), LocalTime.of(18, 0), WORKWEEK, ZoneOffset.ofHoursMinutesSeconds(8, 5, 43))
    }
    assertEquals("out_of_range" to "calendar.utc_offset_minutes", seconds.code to seconds.path)
}

fun testSlaStatusDurations() {
    nineToSix().use { cal ->
        SlaPolicy(cal).use { standard ->
            // An urgent ticket of Friday 2026-11-06 16:30: respond within 2 working hours,
            // resolve within 24 h; 90 working minutes left on Friday (SlaClocksTest.kt).
            val received = bj("2026-11-06T16:30").toInstant()
            TicketFlow("T-7", "3-502", TicketChannel.HOTLINE, received, "李先生", "门禁刷卡没反应", TicketKind.REPAIR_REQUEST,
                "repair.facility", Urgency.URGENT, "engineering", "前台小张", null, 480).use { f ->
                val s = f.sla(received, standard)
                assertEquals(Duration.ofHours(2), s.responseTarget)
                assertEquals(Duration.ofHours(24), s.resolutionTarget)
                assertEquals(Duration.ofMinutes(90), s.responseRemaining)
                assertEquals(Duration.ofHours(24), s.resolutionRemaining)
            }
            // A normal ticket is resolved within 8 calendar days: a count of days, no Duration.
            val monday = bj("2026-11-02T09:00").toInstant()
            TicketFlow("T-8", "3-502", TicketChannel.HOTLINE, monday, "李先生", "噪音", TicketKind.COMPLAINT,
                "noise", Urgency.NORMAL, "engineering", "前台小张", null, 480).use { f ->
                val s = f.sla(monday, standard)
                assertEquals(SlaClock.CALENDAR_DAYS to 8L, s.resolutionClock to s.resolutionAmount)
                assertNull(s.resolutionTarget)
                assertEquals(Duration.ofDays(8), s.resolutionRemaining)
            }
        }
    }
}

fun testZoneOffsetsForCheckinAndTickets() {
    val template = CheckinTemplate.default()
    Checklist.start(template, "1-603", "张三", LocalDate.of(2026, 11, 2), BEIJING).use { c ->
        assertEquals(BEIJING, c.utcOffset)
        Checklist.start(template, "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY, 480).use { minutes ->
            assertEquals(minutes.toJson(), c.toJson())
        }
    }
    val odd = assertFailsWith<EstateKitException.Validation> {
        Checklist.start(template, "1-603", "张三", LocalDate.of(2026, 11, 2), ZoneOffset.ofTotalSeconds(8 * 3600 + 30))
    }
    assertEquals("out_of_range" to "utc_offset_minutes", odd.code to odd.path)
    TicketFlow("T-9", "3-502", TicketChannel.APP, Instant.parse("2026-11-02T01:00:00Z"), "李先生", "噪音", TicketKind.COMPLAINT,
        "noise", Urgency.NORMAL, "customer_service", "前台", null, 480).use { f ->
        assertEquals(BEIJING, f.utcOffset)
    }
}
