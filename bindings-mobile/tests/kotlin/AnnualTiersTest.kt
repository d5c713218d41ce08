// Annual (cumulative) tier limits through the Kotlin bindings: Beijing residential water
// (北京市居民用水阶梯水价, per year 0–180 m³ at 5.00, 181–260 at 7.00, above at 9.00),
// the year to date from the readings or BillingInputs.yearToDate, and typed errors.
import io.estatekit.*
import java.math.BigDecimal
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private fun d(s: String) = BigDecimal(s)

// A: water read Dec 31 2025 (1000), Sep 30 (1172), Oct 31 (1190). B: read only since Sep 30.
private val BEIJING_ESTATE = """
{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}],
 "units": [
  {"id": "A", "building_id": "B", "floor": 1, "number": "A", "kind": "residential", "gross_area": "80",
   "occupants": 2, "status": "occupied", "delivered_on": "2020-01-01", "status_since": "2020-01-01"},
  {"id": "B", "building_id": "B", "floor": 1, "number": "B", "kind": "residential", "gross_area": "80",
   "occupants": 2, "status": "occupied", "delivered_on": "2020-01-01", "status_since": "2020-01-01"}],
 "meters": [
  {"id": "W-A", "unit_id": "A", "kind": "water", "readings": [{"date": "2025-12-31", "value": "1000"},
   {"date": "2026-09-30", "value": "1172"}, {"date": "2026-10-31", "value": "1190"}]},
  {"id": "W-B", "unit_id": "B", "kind": "water", "readings": [{"date": "2026-09-30", "value": "500"},
   {"date": "2026-10-31", "value": "530"}]}]}
"""

private fun beijingWater(extra: String = """, "tier_basis": "year", "year_start_month": 1"""): FeeSchedule =
    FeeSchedule.fromJson("""
{"items": [{"code": "water", "name_zh": "水费", "name_en": "Water",
  "rule": {"metered": {"meter_kind": "water",
    "tiers": [{"up_to": "180", "price": "5.00"}, {"up_to": "260", "price": "7.00"}, {"price": "9.00"}]$extra}},
  "effective_from": "2020-01-01"}]}
""")

// Year to date 172 m³ (1000 → 1172), 18 m³ in October: 8 × 5.00 + 10 × 7.00 = 110.00.
// B's year to date is an input, 250 m³; 30 m³ on [250, 280]: 10 × 7.00 + 20 × 9.00 = 250.00.
fun testAnnualTiersPriceAfterTheYearToDate() {
    val estate = Estate.fromJson(BEIJING_ESTATE)
    val run = billEstate(estate, beijingWater(), 2026, 10, BillingInputs(yearToDate = mapOf("W-B" to d("250"))))
    val a = run.bill("A")!!.lines[0]
    assertEquals(d("110.00"), a.amount)
    assertEquals(
        "water meter W-A: (1190 − 1172) × 1 = 18; year to date 172 (tier year from 2026-01-01); 8 × 5.00 + 10 × 7.00 = 110.00",
        a.explain(Language.EN))
    assertEquals(
        "水表 W-A：(1190 − 1172) × 1 = 18；年度累计 172（阶梯年度自 2026-01-01 起）；8 × 5.00 + 10 × 7.00 = 110.00",
        a.explain(Language.ZH_CN))
    assertEquals(d("250.00"), run.bill("B")!!.lines[0].amount)
    // Without the input, B's bill is set aside naming its meter.
    val aside = billEstate(estate, beijingWater(), 2026, 10, BillingInputs())
    assertEquals(listOf("A"), aside.bills().map { it.unitId })
    val e = aside.exceptions().single()
    assertEquals(listOf("B", "W-B", "missing_reading", "meters[W-B]"), listOf(e.unitId, e.meterId, e.code, e.path))
}

fun testAnnualTierErrorsAreTyped() {
    fun check(code: String, path: String, block: () -> Unit) {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        assertEquals(code to path, e.code to e.path, e.detail)
    }
    check("missing_value", "items[0].rule.metered.year_start_month") { beijingWater(""", "tier_basis": "year"""") }
    check("out_of_range", "items[0].rule.metered.year_start_month") { beijingWater(""", "tier_basis": "year", "year_start_month": 13""") }
    val estate = Estate.fromJson(BEIJING_ESTATE)
    check("negative", "year_to_date[W-B]") {
        billEstate(estate, beijingWater(), 2026, 10, BillingInputs(yearToDate = mapOf("W-B" to d("-1"))))
    }
    check("missing_reading", "meters[W-B]") { billEstate(estate, beijingWater(), 2026, 10, BillingInputs(strict = true)) }
}
