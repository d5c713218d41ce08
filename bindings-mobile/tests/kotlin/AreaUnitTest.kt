// The estate's area unit (issue 20) named in bill explanations, from Kotlin.
import io.estatekit.*
import java.math.BigDecimal
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private fun estateIn(unit: String) = Estate.fromJson(
    """{"id": "e", "name": "E", "currency": "HKD", "area_unit": "$unit",
        "buildings": [{"id": "B", "name": "B"}],
        "units": [{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential",
                   "gross_area": "650", "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}]}""")

fun testSquareFootEstateNamesSqFt() {
    // A Hong Kong flat of 650 sq ft at HK$3.20 per sq ft a month: 2080.00.
    val schedule = FeeSchedule.fromJson(
        """{"items": [{"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee",
            "rule": {"area": {"rate": "3.20"}}, "effective_from": "2020-01-01"}]}""")
    val bill = billEstate(estateIn("sq_ft"), schedule, 2026, 10, BillingInputs()).bill("A")!!
    assertEquals(BigDecimal("2080.00"), bill.total)
    assertEquals("650 sq ft × 3.20/sq ft/month × 1 month = 2080.00", bill.lines[0].explain(Language.EN))
    assertEquals("650 平方英尺 × 3.20/平方英尺/月 × 1 月 = 2080.00", bill.lines[0].explain(Language.ZH_CN))
    val e = assertFailsWith<EstateKitException.Validation> { estateIn("acre") }
    assertEquals("json" to "area_unit", e.code to e.path)
}
