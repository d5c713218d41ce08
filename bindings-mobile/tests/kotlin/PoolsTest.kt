// Pools per building (楼栋公摊) and per group of units, and fee items limited to
// buildings or units, through the generated Kotlin bindings. The amounts are those of
// core/tests/fees_pools.rs, computed by hand there.
import io.estatekit.*
import java.math.BigDecimal
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private fun d(s: String) = BigDecimal(s)

private fun unit(id: String, building: String, area: String, status: String): String {
    val occupants = if (status == "occupied") 2 else 0
    val dates = if (status == "unsold") "" else """, "delivered_on": "2024-01-01", "status_since": "2024-01-01""""
    return """{"id": "$id", "building_id": "$building", "floor": 1, "number": "$id", "kind": "residential",
        "gross_area": "$area", "occupants": $occupants, "status": "$status"$dates}"""
}

private fun master(id: String, sep: String, oct: String) =
    """{"id": "$id", "kind": "electricity", "readings": [{"date": "2026-09-30", "value": "$sep"}, {"date": "2026-10-31", "value": "$oct"}]}"""

private val TWO_BUILDINGS = """{"id": "e", "name": "E", "currency": "CNY",
    "buildings": [{"id": "B1", "name": "1号楼"}, {"id": "B2", "name": "2号楼"}],
    "units": [${unit("1-101", "B1", "100.00", "occupied")}, ${unit("1-102", "B1", "80.00", "occupied")},
              ${unit("1-103", "B1", "60.00", "occupied")}, ${unit("2-101", "B2", "90.00", "occupied")},
              ${unit("2-102", "B2", "60.00", "delivered")}, ${unit("2-103", "B2", "50.00", "unsold")}],
    "meters": [${master("M-B1", "1000", "1600")}, ${master("M-B2", "500", "700")}]}"""

// The lift's electricity per building at the Beijing residential price 0.4883 CNY/kWh
// (北京市发展和改革委员会, 居民生活用电第一档), stair cleaning per building from the
// contractor's invoices, a garden fee for B2 only, a sign fee for one unit.
private val SCHEDULE = """{"format_version": 3, "items": [
  {"code": "lift_power", "name_zh": "电梯用电分摊", "name_en": "Lift electricity",
   "rule": {"pooled": {"source": {"master_meter": {"meters": [
       {"group": "B1", "meter_id": "M-B1"}, {"group": "B2", "meter_id": "M-B2"}], "price": "0.4883"}},
     "method": "area", "split_by": "building"}}, "effective_from": "2026-01-01"},
  {"code": "stair_cleaning", "name_zh": "楼道保洁分摊", "name_en": "Stair cleaning",
   "rule": {"pooled": {"source": "given", "method": "area", "split_by": "building"}}, "effective_from": "2026-01-01"},
  {"code": "garden", "name_zh": "花园维护费", "name_en": "Garden",
   "rule": {"fixed": {"amount": "5.00"}}, "buildings": ["B2"], "effective_from": "2026-01-01"},
  {"code": "sign", "name_zh": "招牌费", "name_en": "Sign",
   "rule": {"fixed": {"amount": "12.00"}}, "units": ["1-101"], "effective_from": "2026-01-01"}
]}"""

private val INVOICES = listOf(
    PooledInput("stair_cleaning", d("300.00"), group = "B1"),
    PooledInput("stair_cleaning", d("100.00"), group = "B2"),
)

fun testPoolPerBuilding() {
    val run = billEstate(Estate.fromJson(TWO_BUILDINGS), FeeSchedule.fromJson(SCHEDULE), 2026, 10, BillingInputs(pooled = INVOICES))
    val lines = run.bills().flatMap { b -> b.lines.map { Triple(b.unitId, it.itemCode, it.amount) } }
    assertEquals(
        listOf(
            Triple("1-101", "lift_power", d("122.08")), Triple("1-101", "stair_cleaning", d("125.00")), Triple("1-101", "sign", d("12.00")),
            Triple("1-102", "lift_power", d("97.66")), Triple("1-102", "stair_cleaning", d("100.00")),
            Triple("1-103", "lift_power", d("73.24")), Triple("1-103", "stair_cleaning", d("75.00")),
            Triple("2-101", "lift_power", d("58.60")), Triple("2-101", "stair_cleaning", d("60.00")), Triple("2-101", "garden", d("5.00")),
            Triple("2-102", "lift_power", d("39.06")), Triple("2-102", "stair_cleaning", d("40.00")), Triple("2-102", "garden", d("5.00")),
        ),
        lines,
    )
    // One pool per building: B1's shares sum to B1's 292.98, B2's to 97.66.
    val pools = run.pools()
    assertEquals(listOf("B1", "B2", "B1", "B2"), pools.map { it.group })
    assertEquals(listOf(d("292.98"), d("97.66"), d("300.00"), d("100.00")), pools.map { it.sharesTotal })
    assertEquals(listOf(d("292.98"), d("97.66"), d("300.00"), d("100.00")), pools.map { it.splitAmount })
    assertEquals(listOf(listOf("1-101"), listOf("2-101"), emptyList(), emptyList()), pools.map { it.adjustedUnits })
    assertEquals(d("812.64"), run.total())
    val share = run.bills().first { it.unitId == "1-101" }.lines[0]
    assertEquals(
        "B1: pool 292.98 split by area among 3 units: 100.00 / 240.00 × 292.98 incl. rounding adjustment 0.01 " +
            "(leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 122.08",
        share.explain(Language.EN),
    )
    assertEquals(
        "B1 公摊 292.98 按面积（3 户）：100.00 / 240.00 × 292.98 含尾差调整 0.01（尾差按余数从大到小逐户分配，余数相同先给房屋顺序在前的户） = 122.08",
        share.explain(Language.ZH_CN),
    )
}

fun testPoolErrors() {
    fun check(code: String, path: String, block: () -> Unit) {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        assertEquals(code to path, e.code to e.path, e.detail)
    }
    val estate = Estate.fromJson(TWO_BUILDINGS)
    val schedule = FeeSchedule.fromJson(SCHEDULE)
    // A building lacking its source: no invoice for B2, or no master meter for B2.
    check("missing_pooled_amount", "pooled[stair_cleaning@B2]") {
        billEstate(estate, schedule, 2026, 10, BillingInputs(pooled = INVOICES.take(1)))
    }
    check("missing_value", "items[0].rule.pooled.source.master_meter.meters") {
        billEstate(estate, FeeSchedule.fromJson(SCHEDULE.replace(", {\"group\": \"B2\", \"meter_id\": \"M-B2\"}", "")), 2026, 10, BillingInputs(pooled = INVOICES))
    }
    // An unknown building id in an item's filter; an invoice for an unknown building.
    check("unknown_reference", "items[2].buildings[0]") {
        billEstate(estate, FeeSchedule.fromJson(SCHEDULE.replace("\"buildings\": [\"B2\"]", "\"buildings\": [\"B3\"]")), 2026, 10, BillingInputs(pooled = INVOICES))
    }
    check("unknown_reference", "pooled[2].group") {
        billEstate(estate, schedule, 2026, 10, BillingInputs(pooled = INVOICES + PooledInput("stair_cleaning", d("1"), group = "B7")))
    }
    // A group naming an unknown unit; a unit in two groups.
    fun groups(west: String) = """{"items": [{"code": "hall", "name_zh": "h", "name_en": "h",
        "rule": {"pooled": {"source": "given", "method": "equal",
          "split_by": {"groups": [{"id": "east", "units": ["1-101"]}, {"id": "west", "units": [$west]}]}}},
        "effective_from": "2026-01-01"}]}"""
    val hall = BillingInputs(pooled = listOf(PooledInput("hall", d("1"), group = "east"), PooledInput("hall", d("1"), group = "west")))
    check("unknown_reference", "items[0].rule.pooled.split_by.groups[1].units[1]") {
        billEstate(estate, FeeSchedule.fromJson(groups("\"1-102\", \"X-1\"")), 2026, 10, hall)
    }
    check("duplicate_id", "items[0].rule.pooled.split_by.groups[1].units[1]") {
        FeeSchedule.fromJson(groups("\"1-102\", \"1-101\""))
    }
}
