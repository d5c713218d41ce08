// Estate loading, typed records and validation errors through the generated bindings.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private val MINIMAL = """
{"id": "e1", "name": "Test Estate", "currency": "CNY",
 "buildings": [{"id": "B1", "name": "1号楼"}],
 "units": [
  {"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
   "gross_area": "89.50", "internal_area": "72.36", "occupants": 3, "status": "occupied",
   "delivered_on": "2024-06-01", "status_since": "2024-08-01"},
  {"id": "P-01", "building_id": "B1", "floor": -1, "number": "P01", "kind": "parking",
   "gross_area": "12.50", "status": "unsold"}],
 "meters": [{"id": "W1", "unit_id": "1-101", "kind": "water", "multiplier": "1",
   "readings": [{"date": "2026-09-30", "value": "10.5"}, {"date": "2026-10-31", "value": "18.0"}]}]}
"""

fun testDemoEstate() {
    Estate.demo().use { e ->
        assertEquals(listOf("lakeside", "CNY"), listOf(e.id(), e.currency()))
        assertEquals(40, e.units().size)
        val s = e.summary()
        assertEquals(listOf(2L, 40L, 85L), listOf(s.buildings, s.units, s.meters))
        assertEquals(
            mapOf(UnitKind.RESIDENTIAL to 30L, UnitKind.COMMERCIAL to 2L, UnitKind.PARKING to 6L, UnitKind.STORAGE to 2L),
            s.byKind)
        assertEquals(listOf(6L, 5L, 24L, 2L, 3L), UnitStatus.entries.map { s.byStatus[it] })
        assertEquals(BigDecimal("3096.60"), s.totalGrossArea)
        assertEquals(55L, s.occupants)
        assertEquals(RoundingPolicy(2, MoneyRounding.HALF_UP), e.rounding())
    }
}

fun testTypedRecords() {
    Estate.fromJson(MINIMAL).use { e ->
        val u = assertNotNull(e.unit("1-101"))
        assertEquals(UnitKind.RESIDENTIAL, u.kind)
        assertEquals(UnitStatus.OCCUPIED, u.status)
        assertEquals("89.50", u.grossArea.toPlainString())
        assertEquals(BigDecimal("72.36"), u.internalArea)
        assertEquals(LocalDate.of(2024, 6, 1), u.deliveredOn)
        assertEquals(3L, u.occupants)
        val p = assertNotNull(e.unit("P-01"))
        assertNull(p.internalArea)
        assertNull(p.deliveredOn)
        assertNull(e.unit("nope"))
        val m = e.metersOf("1-101").single()
        assertEquals(MeterKind.WATER, m.kind)
        assertEquals(listOf(LocalDate.of(2026, 9, 30) to BigDecimal("10.5"), LocalDate.of(2026, 10, 31) to BigDecimal("18.0")),
            m.readings.map { it.date to it.value })
    }
}

fun testJsonRoundTrip() {
    val e = Estate.demo()
    val again = Estate.fromJson(e.toJson())
    assertEquals(e.units(), again.units())
    assertEquals(e.meters(), again.meters())
    assertEquals(e.toJson(), again.toJson())
}

fun testPooledBillSplit() {
    val delivered = Estate.demo().units().filter { it.status != UnitStatus.UNSOLD }
    val parts = allocate(BigDecimal("3540.00"), delivered.map { it.grossArea })
    assertEquals(34, parts.size)
    assertEquals(BigDecimal("3540.00"), parts.fold(BigDecimal.ZERO, BigDecimal::add))
    assertEquals(BigDecimal("111.84"), parts[0])
}

private fun estateError(json: String): EstateKitException.Validation =
    assertFailsWith<EstateKitException.Validation> { Estate.fromJson(json) }

fun testInvalidEstates() {
    val cases = listOf(
        Triple(MINIMAL.replace("\"72.36\"", "\"90\""), "internal_area_exceeds_gross", "units[0].internal_area"),
        Triple(MINIMAL.replace("\"89.50\"", "\"-1\""), "non_positive_area", "units[0].gross_area"),
        Triple(MINIMAL.replace("\"89.50\"", "89.5"), "json", "units[0].gross_area"),
        Triple(MINIMAL.replace("\"P-01\"", "\"1-101\""), "duplicate_id", "units[1].id"),
        Triple(MINIMAL.replace("\"building_id\": \"B1\", \"floor\": -1", "\"building_id\": \"B9\", \"floor\": -1"), "unknown_building", "units[1].building_id"),
        Triple(MINIMAL.replace("\"unit_id\": \"1-101\"", "\"unit_id\": \"9-9\""), "unknown_unit", "meters[0].unit_id"),
        Triple(MINIMAL.replace("\"2024-06-01\"", "\"2026-02-30\""), "json", "units[0].delivered_on"),
        Triple(MINIMAL.replace("\"CNY\"", "\"cny\""), "invalid_currency", "currency"),
        Triple("{", "json", "$"),
    )
    for ((json, code, path) in cases) {
        val err = estateError(json)
        assertEquals(code to path, err.code to err.path, err.detail)
        assertTrue(err.detail.startsWith("$path: "), err.detail)
    }
    assertEquals("units[0].internal_area: internal area 90 exceeds gross area 89.50", estateError(cases[0].first).detail)
}
