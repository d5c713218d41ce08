// A charge spanning several months (issue 20), from Kotlin: a unit delivered on 18 May
// and first billed with July is billed from its delivery with `BillingInputs.since`,
// rounded per month (the estate's default `round`) or once per line. 98.36 m² at
// 3.80/m²/month is 373.768 a month; May is 373.768 × 14/31 = 168.7984…
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun sinceEstate(round: String?) = Estate.fromJson(
    """{"id": "e", "name": "E", "currency": "CNY", ${round?.let { "\"round\": \"$it\"," } ?: ""}
        "buildings": [{"id": "B", "name": "B"}],
        "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                   "gross_area": "98.36", "status": "occupied", "delivered_on": "2026-05-18", "status_since": "2026-05-18"}]}""")

private val sinceSchedule = FeeSchedule.fromJson(
    """{"items": [{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
        "rule": {"area": {"rate": "3.80"}}, "effective_from": "2020-01-01"}]}""")

fun testSinceBillsFromDeliveryRoundedPerMonthOrOnce() {
    val inputs = BillingInputs(since = LocalDate.of(2026, 5, 1))
    // Per month: 168.80 + 373.77 + 373.77 = 916.34.
    val perMonth = billEstate(sinceEstate(null), sinceSchedule, 2026, 7, inputs).bill("A")!!
    assertEquals(BigDecimal("916.34"), perMonth.lines[0].amount)
    assertEquals(
        "billed from 2026-05-18, rounded per month: " +
            "2026-05-18 to 2026-05-31: 98.36 m² × 3.80/m²/month × 1 month × 14/31 days = 168.80; " +
            "2026-06-01 to 2026-06-30: 98.36 m² × 3.80/m²/month × 1 month = 373.77; " +
            "2026-07-01 to 2026-07-31: 98.36 m² × 3.80/m²/month × 1 month = 373.77; " +
            "168.80 + 373.77 + 373.77 = 916.34",
        perMonth.lines[0].explain(Language.EN))
    assertTrue(perMonth.lines[0].explanation.contains("\"type\":\"spanning\""), perMonth.lines[0].explanation)
    // Per line: 168.7984516… + 373.768 + 373.768 = 916.3344516… → 916.33.
    val perLine = billEstate(sinceEstate("per_line"), sinceSchedule, 2026, 7, inputs).bill("A")!!
    assertEquals(BigDecimal("916.33"), perLine.lines[0].amount)
    assertTrue(perLine.lines[0].explain(Language.ZH_CN).startsWith("自 2026-05-18 起计费（整笔一次取整）："))
    // Without `since`: July only.
    assertEquals(BigDecimal("373.77"), billEstate(sinceEstate(null), sinceSchedule, 2026, 7, BillingInputs()).bill("A")!!.total)
}

fun testBadSinceAndRoundAreTyped() {
    val e = assertFailsWith<EstateKitException.Validation> {
        billEstate(sinceEstate(null), sinceSchedule, 2026, 7, BillingInputs(since = LocalDate.of(2026, 7, 2)))
    }
    assertEquals("out_of_range" to "since", e.code to e.path)
    val r = assertFailsWith<EstateKitException.Validation> { sinceEstate("per_year") }
    assertEquals("json" to "round", r.code to r.path)
}
