// Estates from spreadsheet tables (rows as string maps): normalisations and every problem at once.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private val BUILDINGS = listOf(mapOf("id" to "B1", "name" to "1号楼"), mapOf("id" to "B3", "name" to "3号楼"))

private fun unit(id: String, vararg cells: Pair<String, String>): Map<String, String> =
    mapOf("id" to id, "building_id" to "B3", "floor" to "12", "number" to id.filter { it.isDigit() }.takeLast(4), "kind" to "residential",
        "gross_area" to "80", "status" to "unsold") + cells

fun testMessyRecordsLoad() {
    val units = listOf(
        unit(" 3-1-1201 ", "gross_area" to "1,234.50", "occupants" to "0", "status" to "occupied",
            "status_since" to "2026/11/05", "delivered_on" to "2026/1/5"),
        unit("3-1-1202\u00a0", "kind" to "Residential", "internal_area" to "", "occupants" to "  "),
    )
    val meters = listOf(mapOf("id" to "\u3000W1", "unit_id" to "3-1-1201", "kind" to "Water"),
        mapOf("id" to "M1", "kind" to "electricity", "multiplier" to "1,000"))
    val readings = listOf(mapOf("meter_id" to "W1", "date" to "2026/10/31", "value" to "18.0"),
        mapOf("meter_id" to "M1", "date" to "2026-11-30", "value" to "12,345.6"))
    val r = estateFromRecords(EstateTables(id = "e1", name = "Messy", buildings = BUILDINGS, units = units,
        meters = meters, readings = readings))
    assertEquals(listOf(
        listOf("units", "1", "3-1-1201", "id", " 3-1-1201 ", "3-1-1201"),
        listOf("units", "1", "3-1-1201", "gross_area", "1,234.50", "1234.50"),
        listOf("units", "1", "3-1-1201", "status_since", "2026/11/05", "2026-11-05"),
        listOf("units", "1", "3-1-1201", "delivered_on", "2026/1/5", "2026-01-05"),
        listOf("units", "2", "3-1-1202", "id", "3-1-1202\u00a0", "3-1-1202"),
        listOf("units", "2", "3-1-1202", "kind", "Residential", "residential"),
        listOf("meters", "1", "W1", "id", "\u3000W1", "W1"),
        listOf("meters", "1", "W1", "kind", "Water", "water"),
        listOf("meters", "2", "M1", "multiplier", "1,000", "1000"),
        listOf("readings", "1", "W1@2026-10-31", "date", "2026/10/31", "2026-10-31"),
        listOf("readings", "2", "M1@2026-11-30", "value", "12,345.6", "12345.6"),
    ), r.normalisations().map { listOf(it.table, it.row.toString(), it.id, it.column, it.before, it.after) })
    r.estate().use { e ->
        val u = e.unit("3-1-1201")!!
        assertEquals(BigDecimal("1234.50"), u.grossArea)
        assertEquals(LocalDate.of(2026, 1, 5), u.deliveredOn)
        assertEquals(BigDecimal("1000"), e.meter("M1")!!.multiplier)
    }
}

fun testBadRecordsEveryProblem() {
    val units = listOf(
        unit("3-1-1201"),
        unit("3-1-1203", "gross_area" to "abc"),
        unit("3-1-1204", "status" to "occupied", "status_since" to "", "delivered_on" to "2026/11/05"),
        unit("3-1-1205", "status" to "delivered", "status_since" to "05.11.2026", "delivered_on" to "2026-11-05"),
        unit("3-1-1206", "building_id" to "B9", "kind" to "house", "occupants" to "x"),
        unit("3-1-1201"),
        unit("3-1-1208", "internal_area" to "90"),
        unit("", "number" to "1209"),
        unit("3-1-1211", "colour" to "red"),
    )
    val readings = listOf(mapOf("meter_id" to "W9", "date" to "2026-10-31", "value" to "1"))
    val e = assertFailsWith<EstateKitException.Records> {
        estateFromRecords(EstateTables(id = "e1", name = "Bad", buildings = BUILDINGS, units = units,
            readings = readings))
    }
    assertEquals("invalid_records", e.code)
    assertEquals(0L, e.more)
    assertEquals(listOf(
        "units.colour 0 unknown_column",
        "units[id=3-1-1203].gross_area 2 invalid_decimal",
        "units[id=3-1-1204].status_since 3 missing_value",
        "units[id=3-1-1205].status_since 4 invalid_date",
        "units[id=3-1-1206].building_id 5 unknown_building",
        "units[id=3-1-1206].kind 5 invalid_choice",
        "units[id=3-1-1206].occupants 5 invalid_integer",
        "units[id=3-1-1201].id 6 duplicate_id",
        "units[id=3-1-1208].internal_area 7 internal_area_exceeds_gross",
        "units[row=8].id 8 missing_value",
        "readings[id=W9@2026-10-31].meter_id 1 unknown_meter",
    ), e.problems.map { "${it.path} ${it.row} ${it.code}" })
    assertEquals("expected a number such as 1234.50 or 1,234.50, got \"abc\"", e.problems[1].message)
    assertEquals("expected a date as YYYY-MM-DD or YYYY/MM/DD, got \"05.11.2026\"", e.problems[3].message)
    assertEquals("3-1-1206", e.problems[4].id)
    assertEquals("kind", e.problems[5].column)
}

fun testThreeThousandRecordsAndDemo() {
    val units = (0 until 3000).map { i ->
        unit("U%04d".format(i), "gross_area" to "${60 + i % 90}.50", "status" to "occupied",
            "occupants" to "${i % 4}", "delivered_on" to "2024/6/1", "status_since" to "2024-06-01")
    }
    val r = estateFromRecords(EstateTables(id = "big", name = "Big", buildings = BUILDINGS, units = units))
    r.estate().use { e ->
        assertEquals(3000L, e.summary().units)
        assertEquals(BigDecimal("89.50"), e.unit("U2999")!!.grossArea)
    }
    assertEquals(3000, r.normalisations().size)

    Estate.demo().use { demo ->
        fun s(v: Any?) = v?.toString() ?: ""
        val back = estateFromRecords(EstateTables(
            id = demo.id(), name = demo.name(), rounding = demo.rounding(),
            buildings = demo.buildings().map { mapOf("id" to it.id, "name" to it.name) },
            units = demo.units().map { u ->
                mapOf("id" to u.id, "building_id" to u.buildingId, "floor" to s(u.floor), "number" to u.number,
                    "kind" to u.kind.name.lowercase(), "gross_area" to u.grossArea.toPlainString(),
                    "internal_area" to s(u.internalArea?.toPlainString()), "occupants" to s(u.occupants),
                    "status" to u.status.name.lowercase(), "status_since" to s(u.statusSince),
                    "delivered_on" to s(u.deliveredOn))
            },
            meters = demo.meters().map { m ->
                mapOf("id" to m.id, "unit_id" to s(m.unitId), "kind" to m.kind.name.lowercase(),
                    "multiplier" to m.multiplier.toPlainString())
            },
            readings = demo.meters().flatMap { m ->
                m.readings.map { mapOf("meter_id" to m.id, "date" to it.date.toString(), "value" to it.value.toPlainString()) }
            }))
        back.estate().use { assertEquals(demo.toJson(), it.toJson()) }
        assertEquals(0, back.normalisations().size)
    }
}
