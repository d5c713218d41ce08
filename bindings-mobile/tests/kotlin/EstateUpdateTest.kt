// Rolling an estate into the next month through the generated Kotlin bindings:
// Estate.updated, meter changes kept in the estate, estimates (估抄) and their true-up.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private fun day(s: String) = LocalDate.parse(s)

// Two occupied units; the water meters were last read on September 30 (three months of
// history), the electricity meters also on October 31.
private val ROLL_ESTATE = """
{"id": "e1", "name": "Lakeside", "currency": "CNY", "buildings": [{"id": "B1", "name": "1号楼"}],
 "units": [
  {"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential", "gross_area": "89.50",
   "occupants": 2, "status": "occupied", "delivered_on": "2024-06-01", "status_since": "2024-06-01"},
  {"id": "1-102", "building_id": "B1", "floor": 1, "number": "102", "kind": "residential", "gross_area": "89.50",
   "occupants": 2, "status": "occupied", "delivered_on": "2024-06-01", "status_since": "2024-06-01"}],
 "meters": [
  {"id": "W-101", "unit_id": "1-101", "kind": "water", "readings": [
    {"date": "2026-06-30", "value": "100"}, {"date": "2026-07-31", "value": "112"},
    {"date": "2026-08-31", "value": "121"}, {"date": "2026-09-30", "value": "130"}]},
  {"id": "W-102", "unit_id": "1-102", "kind": "water", "readings": [
    {"date": "2026-06-30", "value": "200"}, {"date": "2026-07-31", "value": "215"},
    {"date": "2026-08-31", "value": "230"}, {"date": "2026-09-30", "value": "245"}]},
  {"id": "E-101", "unit_id": "1-101", "kind": "electricity", "readings": [
    {"date": "2026-09-30", "value": "3000"}, {"date": "2026-10-31", "value": "3200"}]},
  {"id": "E-102", "unit_id": "1-102", "kind": "electricity", "readings": [
    {"date": "2026-09-30", "value": "99950"}, {"date": "2026-10-31", "value": "99990"}]}]}
"""

private val ROLL_SCHEDULE = """
{"format_version": 2, "items": [
  {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
   "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "5.83"}]}}},
  {"code": "electricity", "name_zh": "电费", "name_en": "Electricity", "effective_from": "2020-01-01",
   "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"price": "0.56"}]}}}]}
"""

private fun lines(run: BillingRun, unit: String) =
    run.bills().first { it.unitId == unit }.lines.map { Triple(it.itemCode, it.amount, it.estimated) }

fun testTwoMonthsWithAnEstimate() {
    val e0 = Estate.fromJson(ROLL_ESTATE)
    val schedule = FeeSchedule.fromJson(ROLL_SCHEDULE)
    // October: W-101 used 30 in the 92 days to September 30: 30 × 31/92 = 10.11 → 10.
    val oct = billEstate(e0, schedule, 2026, 10, BillingInputs(estimate = 3))
    assertEquals(emptyList(), oct.exceptions())
    assertEquals(listOf(Triple("water", d("34.50"), true), Triple("electricity", d("112.00"), false)), lines(oct, "1-101"))
    assertEquals(listOf(Triple("water", d("51.75"), true), Triple("electricity", d("22.40"), false)), lines(oct, "1-102"))
    val water = oct.bills().first { it.unitId == "1-101" }.lines[0]
    assertEquals("water meter W-101: (140 est. − 130) × 1 = 10 (estimated from the last 3 periods: 30 × 31/92 days); 10 × 3.45 = 34.50", water.explain(Language.EN))
    assertEquals("水表 W-101：(140估 − 130) × 1 = 10（估抄：前 3 期用量 30 × 31/92 天）；10 × 3.45 = 34.50", water.explain(Language.ZH_CN))
    val estimates = oct.estimatedReadings()
    assertEquals(listOf(
        ReadingUpdate("W-101", day("2026-10-31"), d("140"), true),
        ReadingUpdate("W-102", day("2026-10-31"), d("260"), true)), estimates)

    // Store the estimates; 1-102 is let from November 1.
    val stored = EstateUpdate(readings = estimates,
        statusChanges = listOf(StatusUpdate("1-102", UnitStatus.RENTED, day("2026-11-01"))))
    val e1 = e0.updated(stored)
    assertEquals(e1.toJson(), e1.updated(stored).toJson()) // applying it again changes nothing
    assertEquals(4, e0.meter("W-101")!!.readings.size)    // the original is untouched
    assertTrue(e1.meter("W-101")!!.readings.last().estimated)
    assertEquals(UnitStatus.RENTED, e1.unit("1-102")!!.status)

    // November: readings in any order; a replacement and a rollover kept in the estate.
    val november = EstateUpdate(
        readings = listOf(
            ReadingUpdate("E-102", day("2026-11-30"), d("70")),
            ReadingUpdate("W-102", day("2026-11-30"), d("258")),
            ReadingUpdate("E-101", day("2026-11-30"), d("120")),
            ReadingUpdate("W-101", day("2026-11-30"), d("147"))),
        meterChanges = listOf(
            MeterChangeUpdate("E-101", day("2026-11-15"), MeterChange.Replacement(d("3290"), d("0"))),
            MeterChangeUpdate("E-102", day("2026-11-20"), MeterChange.Rollover(d("100000")))))
    val e2 = e1.updated(november)
    assertEquals(listOf(MeterEvent(day("2026-11-15"), MeterChange.Replacement(d("3290"), d("0")))), e2.meter("E-101")!!.changes)
    val nov = billEstate(e2, schedule, 2026, 11, BillingInputs(estimate = 3))
    assertEquals(emptyList(), nov.exceptions())
    assertEquals(emptyList(), nov.estimatedReadings())
    // 147 − 140 = 7; 258 − 260 = −2 (a credit); (3290 − 3200) + 120 = 210; (100000 − 99990) + 70 = 80.
    assertEquals(listOf(Triple("water", d("24.15"), false), Triple("electricity", d("117.60"), false)), lines(nov, "1-101"))
    assertEquals(listOf(Triple("water", d("-6.90"), false), Triple("electricity", d("44.80"), false)), lines(nov, "1-102"))
    assertEquals("water meter W-102: (258 − 260 est.) × 1 = -2 (trues up the estimate); -2 × 3.45 = -6.90",
        nov.bills().first { it.unitId == "1-102" }.lines[0].explain(Language.EN))
    assertEquals(listOf(d("141.75"), d("37.90")), nov.bills().map { it.total })
    // Posted, the credit is listed (not refused, not lost); every other line posts.
    val posted = Receivables(e2, schedule).post(nov)
    assertEquals(listOf(CreditLine("1-102", "2026-11-01/water", "water", d("-6.90"))), posted.credits)
    assertEquals(3L, posted.posted)
    // Zero periods of history is not an option.
    val zero = assertFailsWith<EstateKitException.Validation> {
        billEstate(e2, schedule, 2026, 11, BillingInputs(estimate = 0))
    }
    assertEquals("out_of_range" to "estimate", zero.code to zero.path)
}

fun testUpdateErrorsNameTheRow() {
    val e = Estate.fromJson(ROLL_ESTATE)
        .updated(EstateUpdate(readings = listOf(ReadingUpdate("W-101", day("2026-10-31"), d("140"), true))))
    val conflict = assertFailsWith<EstateKitException.Validation> {
        e.updated(EstateUpdate(readings = listOf(
            ReadingUpdate("W-102", day("2026-11-30"), d("250")),
            ReadingUpdate("W-101", day("2026-10-31"), d("139")))))
    }
    assertEquals("conflicting_update" to "readings[1].value", conflict.code to conflict.path)
    assertEquals(4, e.meter("W-102")!!.readings.size)
    val unknown = assertFailsWith<EstateKitException.Validation> {
        e.updated(EstateUpdate(readings = listOf(ReadingUpdate("X", day("2026-11-30"), d("1")))))
    }
    assertEquals("unknown_meter" to "readings[0].meter_id", unknown.code to unknown.path)
    val early = assertFailsWith<EstateKitException.Validation> {
        e.updated(EstateUpdate(statusChanges = listOf(StatusUpdate("1-101", UnitStatus.RENTED, day("2020-01-01")))))
    }
    assertEquals("ends_before_starts" to "status_changes[0].since", early.code to early.path)
    val replacement = assertFailsWith<EstateKitException.Validation> {
        e.updated(EstateUpdate(meterChanges = listOf(
            MeterChangeUpdate("E-101", day("2026-11-15"), MeterChange.Replacement(d("2900"), d("0"))))))
    }
    assertEquals("inconsistent_readings" to "meter_changes[0].change.replacement.old_final", replacement.code to replacement.path)
    // A change kept in the estate and given to the run again is refused.
    val replaced = e.updated(EstateUpdate(
        readings = listOf("W-101" to "150", "W-102" to "260", "E-101" to "120", "E-102" to "99999")
            .map { (m, v) -> ReadingUpdate(m, day("2026-11-30"), d(v)) },
        meterChanges = listOf(MeterChangeUpdate("E-101", day("2026-11-15"), MeterChange.Replacement(d("3290"), d("0"))))))
    val twice = assertFailsWith<EstateKitException.Validation> {
        billEstate(replaced, FeeSchedule.fromJson(ROLL_SCHEDULE), 2026, 11, BillingInputs(
            meterChanges = listOf(MeterChangeInput("E-101", MeterChange.Replacement(d("3290"), d("0"))))))
    }
    assertEquals("inconsistent_readings" to "meter_changes[0]", twice.code to twice.path)
}

fun testMeterChangesFromRecords() {
    val loaded = estateFromRecords(EstateTables(
        id = "e1", name = "T",
        buildings = listOf(mapOf("id" to "B1", "name" to "1号楼")),
        units = listOf(mapOf("id" to "1-101", "building_id" to "B1", "floor" to "1", "number" to "101",
            "kind" to "residential", "gross_area" to "89.50", "status" to "occupied",
            "delivered_on" to "2024-06-01", "status_since" to "2024-06-01")),
        meters = listOf(mapOf("id" to "E-101", "unit_id" to "1-101", "kind" to "electricity")),
        readings = listOf(mapOf("meter_id" to "E-101", "date" to "2026-10-31", "value" to "3200"),
            mapOf("meter_id" to "E-101", "date" to "2026-11-30", "value" to "140", "estimated" to "true")),
        meterChanges = listOf(mapOf("meter_id" to "E-101", "date" to "2026/11/15", "kind" to "replacement",
            "old_final" to "3,290", "new_initial" to "0"))))
    val meter = loaded.estate().meter("E-101")!!
    assertEquals(listOf(MeterEvent(day("2026-11-15"), MeterChange.Replacement(d("3290"), d("0")))), meter.changes)
    assertEquals(listOf(false, true), meter.readings.map { it.estimated })
    assertEquals(listOf("date" to "2026-11-15", "old_final" to "3290"),
        loaded.normalisations().filter { it.table == "meter_changes" }.map { it.column to it.after })
}
