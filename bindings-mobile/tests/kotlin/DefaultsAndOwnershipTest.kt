// Issue 19, point 1: optional parameters have Kotlin defaults (as Python's keyword
// arguments do), and the types that carry an object (`CompletionEffects`,
// `RestoredChecklist`, `EstateFromRecords`) are AutoCloseable objects whose `close()`
// never destroys the object the caller took from them.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private val NOV2 = LocalDate.of(2026, 11, 2)

/** Each call leaves out what has a default and equals the call that spells it out. */
fun testOptionalParametersHaveDefaults() {
    // Checklist.start: mode ordinary, UTC offset 0.
    val template = CheckinTemplate.default()
    Checklist.start(template, "1-603", "张三", NOV2).use { short ->
        Checklist.start(template, "1-603", "张三", NOV2, HandoverMode.ORDINARY, 0).use { long ->
            assertEquals(long.toJson(), short.toJson())
        }
    }
    // BusinessCalendar.weekly: UTC offset 0, no holidays, no make-up days.
    BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4)).use { cal ->
        assertEquals(0 to listOf<LocalDate>(), cal.utcOffsetMinutes() to cal.holidays())
        // Monday 2026-11-02 08:00Z to 10:00Z: one working hour (from 09:00Z).
        assertEquals(3600L, cal.secondsBetween(Instant.parse("2026-11-02T08:00:00Z"), Instant.parse("2026-11-02T10:00:00Z")))
    }
    // TicketClassifier.fromRules: the built-in rules too; train: seed 0, no options.
    TicketClassifier.fromRules(listOf()).use { rules ->
        TicketClassifier.default().use { builtin ->
            assertEquals(builtin.classify("卫生间水管漏水"), rules.classify("卫生间水管漏水"))
        }
    }
    TicketClassifier.train(listOf("水管漏水", "电梯故障"), listOf("plumbing", "lift")).use { clf ->
        assertEquals(listOf("lift", "plumbing"), clf.labels())
    }
    // TicketFlow.sla and ticketStatistics: the standard SLA policy.
    val received = Instant.parse("2026-11-02T01:00:00Z")
    TicketFlow("T-1", "1-201", TicketChannel.HOTLINE, received, "王女士", "水管漏水", TicketKind.REPAIR_REQUEST,
        "repair.plumbing", Urgency.NORMAL, "engineering", "前台").use { f ->
        assertEquals(f.sla(received, null), f.sla(received))
        val end = Instant.parse("2026-12-01T00:00:00Z")
        assertEquals(ticketStatistics(listOf(f), received, end, 100, null, null), ticketStatistics(listOf(f), received, end, 100))
    }
    // Explanations: zh-CN (the worked example of the fee engine's demo: 89.50 m² × 3.70).
    val run = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", BigDecimal("3943.20")))))
    val bill = run.bill("1-101")!!
    assertEquals("89.50 m² × 3.70/m²/月 × 1 月 = 331.15", bill.lines[0].explain())
    assertEquals(bill.explain(Language.ZH_CN), bill.explain())
    assertEquals(run.explain("1-101", Language.ZH_CN), run.explain("1-101"))
    // EstateUnit.area: the gross area unless asked for the internal one.
    val unit = Estate.demo().use { it.unit("1-101")!! }
    assertEquals(unit.grossArea, unit.area())
}

/** Closing the result of `estateFromRecords` leaves the estate taken from it open. */
fun testClosingAnEstateFromRecordsKeepsItsEstate() {
    val units = listOf(mapOf("id" to "1-101", "building_id" to "B1", "floor" to "1", "number" to "101",
        "kind" to "residential", "gross_area" to "89.50", "status" to "occupied",
        "delivered_on" to "2024-06-01", "status_since" to "2024-06-01"))
    val loaded = estateFromRecords(EstateTables(id = "e1", name = "T",
        buildings = listOf(mapOf("id" to "B1", "name" to "1号楼")), units = units))
    val closeable: AutoCloseable = loaded
    val kept = closeable.use { loaded.estate() }
    // The record is closed; the estate the app kept is not.
    assertEquals(BigDecimal("89.50"), kept.unit("1-101")!!.grossArea)
    val closed = assertFailsWith<EstateKitException.State> { loaded.estate() }
    assertEquals("closed" to "EstateFromRecords", closed.code to closed.path)
    assertEquals("EstateFromRecords：对象已关闭", closed.messageZh)
    kept.close()
}

/** The same for a restored checklist: the checklist outlives the closed result, and
 * every `checklist()` is its own handle to the same checklist. */
fun testClosingARestoredChecklistKeepsItsChecklist() {
    val template = CheckinTemplate.default()
    val saved = Checklist.start(template, "1-603", "张三", NOV2).use { it.toJson() }
    val restored = restoreChecklist(saved, template)
    val first = restored.checklist()
    val second = restored.checklist()
    assertEquals(listOf(), restored.mismatches())
    restored.close()
    assertEquals("closed", assertFailsWith<EstateKitException.State> { restored.mismatches() }.code)
    first.close()
    // Closing one handle leaves the other (and the checklist) usable.
    assertEquals(saved, second.toJson())
    assertTrue(second.actionable().isNotEmpty())
    second.close()
}
