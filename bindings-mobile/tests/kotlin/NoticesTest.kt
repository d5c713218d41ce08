// Notices (通知) through the generated bindings: the audience, validation paths, the
// lead times of the published rules (24 h water, 7 days power), distribution tracking
// with duplicate, out-of-order and out-of-audience events, headers, documents.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private val PUBLISHED: Instant = Instant.parse("2026-11-04T01:00:00Z")
private fun hours(n: Long): Duration = Duration.ofHours(n)
private fun minutes(n: Long): Duration = Duration.ofMinutes(n)

private fun waterStop(
    audience: Audience = Audience.Buildings(listOf("B2")),
    publishedAt: Instant = PUBLISHED,
    kind: NoticeKind = NoticeKind.WATER_OUTAGE,
    startsAt: Instant? = Instant.parse("2026-11-05T01:00:00Z"),
    endsAt: Instant? = Instant.parse("2026-11-05T09:00:00Z"),
    requiresAck: Boolean = true,
    emergency: Boolean = false,
) = Notice(
    id = "N-118", kind = kind, titleZh = "2号楼停水检修", titleEn = "Water stop in building 2",
    body = "二次供水水箱清洗，请提前储水。", audience = audience, publishedAt = publishedAt,
    startsAt = startsAt, endsAt = endsAt, requiresAck = requiresAck,
    ackDue = PUBLISHED.plus(hours(12)), emergency = emergency,
)

fun testNoticeAudienceUnits() {
    Estate.demo().use { estate ->
        assertEquals(
            listOf("2-S01", "2-201", "2-202", "2-203", "2-301", "2-302", "2-303", "2-401", "2-402", "2-403", "2-501", "2-502"),
            noticeAudienceUnits(waterStop(), estate),
        )
        assertEquals(29, noticeAudienceUnits(waterStop(Audience.Buildings(listOf("B2", "B1", "B2"))), estate).size)
        assertEquals(
            listOf("1-101", "2-502", "P-05"),
            noticeAudienceUnits(waterStop(Audience.Units(listOf("2-502", "P-05", "1-101", "2-502"))), estate),
        )
    }
}

fun testNoticeValidationNamesTheField() {
    Estate.demo().use { estate ->
        val cases = listOf(
            waterStop(Audience.Units(listOf("1-101", "9-999"))) to ("unknown_unit" to "audience.ids[1]"),
            waterStop(Audience.Buildings(listOf("B9"))) to ("unknown_building" to "audience.ids[0]"),
            waterStop(Audience.Units(listOf())) to ("empty_audience" to "audience"),
            waterStop().copy(titleZh = " ") to ("empty_field" to "title_zh"),
            waterStop(endsAt = PUBLISHED.plus(hours(24))) to ("ends_before_starts" to "ends_at"),
            waterStop(startsAt = null, endsAt = null) to ("missing_start" to "starts_at"),
            waterStop(requiresAck = false) to ("ack_due_without_ack" to "ack_due"),
            waterStop(kind = NoticeKind.GENERAL, startsAt = null) to ("missing_value" to "ends_at"),
            waterStop().copy(ackDue = PUBLISHED) to ("ends_before_starts" to "ack_due"),
        )
        for ((notice, expected) in cases) {
            val e = assertFailsWith<EstateKitException.Validation> { validateNotice(notice, estate) }
            assertEquals(expected, e.code to e.path)
        }
        val e = assertFailsWith<EstateKitException.Validation> {
            validateNotice(waterStop(Audience.Units(listOf("1-101", "9-999"))), estate)
        }
        assertEquals("audience.ids[1]: notice \"N-118\": unknown unit \"9-999\"", e.detail)
    }
}

// 城市供水条例 art. 22: a planned water stop announced 24 hours ahead; 电力供应与使用条例
// art. 28: planned power maintenance announced 7 days ahead.
fun testNoticeLeadTimesOfThePublishedRules() {
    NoticePolicy().use { policy ->
        val start = Instant.parse("2026-11-10T01:00:00Z")
        assertEquals(listOf<Long?>(24, 168, null), listOf(
            policy.leadHours(NoticeKind.WATER_OUTAGE), policy.leadHours(NoticeKind.POWER_OUTAGE), policy.leadHours(NoticeKind.GAS_OUTAGE)))
        assertEquals(mapOf(NoticeKind.WATER_OUTAGE to 24L, NoticeKind.POWER_OUTAGE to 168L), policy.allLeadHours())
        assertNull(policy.check(waterStop(publishedAt = start.minus(hours(24)), startsAt = start, endsAt = null)))
        val f = assertNotNull(policy.check(waterStop(publishedAt = start.minus(hours(23)), startsAt = start, endsAt = null)))
        assertEquals(
            LeadTimeFinding("lead_time_too_short", "starts_at", "N-118", NoticeKind.WATER_OUTAGE, 24, BigDecimal("23.00")), f)
        val power = { ahead: Duration, emergency: Boolean ->
            waterStop(kind = NoticeKind.POWER_OUTAGE, publishedAt = start.minus(ahead), startsAt = start, endsAt = null, emergency = emergency)
        }
        assertNull(policy.check(power(hours(7 * 24), false)))
        val p = assertNotNull(policy.check(power(hours(6 * 24), false)))
        assertEquals(168L to BigDecimal("144.00"), p.requiredHours to p.actualHours)
        assertNull(policy.check(power(hours(2), true)))
    }
    NoticePolicy(mapOf(NoticeKind.GAS_OUTAGE to 48L)).use { strict ->
        assertEquals("{\"lead_hours\":{\"gas_outage\":48}}", strict.toJson())
        assertNull(strict.leadHours(NoticeKind.WATER_OUTAGE))
        NoticePolicy.fromJson(strict.toJson()).use { assertEquals(48L, it.leadHours(NoticeKind.GAS_OUTAGE)) }
    }
    val e = assertFailsWith<EstateKitException.Validation> { NoticePolicy(mapOf(NoticeKind.GAS_OUTAGE to 9000L)) }
    assertEquals("out_of_range" to "lead_hours.gas_outage", e.code to e.path)
    val neg = assertFailsWith<EstateKitException.Validation> { NoticePolicy(mapOf(NoticeKind.GAS_OUTAGE to -1L)) }
    assertEquals("out_of_range" to "lead_hours.gas_outage", neg.code to neg.path)
}

private fun events(units: List<String>): List<NoticeEvent> {
    val out = mutableListOf<NoticeEvent>()
    units.forEachIndexed { i, unit ->
        out += NoticeEvent.Delivery(unit, NoticeChannel.SMS, PUBLISHED.plus(minutes(1L + i)))
        if (i < 9) out += NoticeEvent.Ack(unit, PUBLISHED.plus(hours(2)).plus(minutes(i.toLong())), "业主$i")
    }
    return out
}

fun testNoticeTrackingIsIdempotentAndOrderIndependent() {
    Estate.demo().use { estate ->
        NoticeTracker(waterStop(), estate).use { t ->
            val evs = events(t.units())
            assertEquals(21L, t.importEvents(evs + evs.take(5)))
            assertEquals(0L, t.importEvents(evs))
            assertEquals(false, t.recordDelivery("2-S01", NoticeChannel.SMS, PUBLISHED.plus(minutes(1))))
            assertEquals(true, t.recordDelivery("2-S01", NoticeChannel.BOARD, PUBLISHED.plus(hours(3))))
            NoticeTracker(waterStop(), estate).use { other ->
                for (e in (evs + NoticeEvent.Delivery("2-S01", NoticeChannel.BOARD, PUBLISHED.plus(hours(3)))).reversed()) {
                    other.importEvents(listOf(e))
                }
                assertEquals(t.toJson(), other.toJson())
                assertEquals(t.events(), other.events())
            }
            val firstAck = t.events().filterIsInstance<NoticeEvent.Ack>().first()
            assertEquals(NoticeEvent.Ack("2-S01", PUBLISHED.plus(hours(2)), "业主0"), firstAck)
            assertEquals(Coverage(12, 12, 9, BigDecimal("1.0000"), BigDecimal("0.7500")), t.coverage())
            assertEquals(
                listOf(PendingUnit("2-403", true, true), PendingUnit("2-501", true, true), PendingUnit("2-502", true, true)),
                t.pending(PUBLISHED.plus(hours(13))),
            )
            val early = t.pending(PUBLISHED.plus(hours(2)))
            assertEquals(listOf<Any>(11, "2-201", false), listOf(early.size, early[0].unit, early[0].overdue))
        }
    }
}

fun testNoticeEventsOutsideTheAudienceRecordNothing() {
    Estate.demo().use { estate ->
        NoticeTracker(waterStop(), estate).use { t ->
            val bad = events(t.units()) + NoticeEvent.Ack("1-101", PUBLISHED.plus(hours(1)), "王女士")
            val e = assertFailsWith<EstateKitException.Validation> { t.importEvents(bad) }
            assertEquals("not_in_audience" to "events[21].unit", e.code to e.path)
            assertTrue(t.events().isEmpty())
            val early = assertFailsWith<EstateKitException.Validation> { t.recordAck("2-201", PUBLISHED.minus(hours(1)), "王女士") }
            assertEquals("before_publication" to "at", early.code to early.path)
        }
    }
}

fun testNoticeDocumentsAndHeaders() {
    val n = waterStop()
    assertEquals(n, noticeFromJson(noticeToJson(n)))
    Estate.demo().use { estate ->
        NoticeTracker(n, estate).use { t ->
            t.importEvents(events(t.units()))
            NoticeTracker.fromJson(t.toJson()).use { again ->
                assertEquals(t.toJson(), again.toJson())
                assertEquals("N-118", again.noticeId())
            }
        }
    }
    val v2 = assertFailsWith<EstateKitException.Validation> { NoticeTracker.fromJson("{\"format_version\": 2, \"notice_id\": \"N\", \"published_at\": \"2026-11-04T01:00:00Z\", \"units\": [\"1-101\"]}") }
    assertEquals("unsupported_format_version" to "format_version", v2.code to v2.path)
    assertEquals("【停水通知】2号楼停水检修（2026-11-05 09:00 至 2026-11-05 17:00）", noticeHeader(n, Language.ZH_CN, 480))
    assertEquals(
        "[Water outage notice] Water stop in building 2 (2026-11-05 09:00 to 2026-11-05 17:00, UTC+08:00)",
        noticeHeader(n, Language.EN, 480),
    )
    // The java.time overload (bindings-mobile/kotlin/), zh-CN by default.
    assertEquals(noticeHeader(n, Language.ZH_CN, 480), noticeHeader(n, java.time.ZoneOffset.ofHours(8)))
    assertEquals(noticeHeader(n, Language.EN, 480), noticeHeader(n, java.time.ZoneOffset.ofHours(8), Language.EN))
}
