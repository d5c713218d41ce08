// Issue 20, real tariffs, through the generated Kotlin bindings: status changes within a
// period (a status history billed by day, Estate.statusPeriods), tier prices by unit kind
// and per-day tier limits, and a given pooled amount split by the units' own meters. The
// estates, schedules and amounts are those of core/tests/fees_tariffs.rs, computed by
// hand there (and repeated in the comments here).
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private fun d(s: String) = BigDecimal(s)
private fun day(s: String) = LocalDate.parse(s)

private fun validation(block: () -> Any?): EstateKitException.Validation =
    assertFailsWith<EstateKitException.Validation> { block() }

private fun codeAndPath(block: () -> Any?): Pair<String, String> =
    validation(block).let { it.code to it.path }

private fun estateJson(units: String, rest: String = "") =
    """{"id": "e", "name": "E", "currency": "CNY", "buildings": [{"id": "B", "name": "B"}], "units": [$units]$rest}"""

// ---- status changes within a period -------------------------------------------------

private fun flat(status: String, since: String, extra: String = "") =
    """{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential", "gross_area": "89.50",
        "status": "$status", "delivered_on": "2024-01-01", "status_since": "$since"$extra}"""

private fun statusHistory(records: String) = """, "status_history": [$records]"""

private fun record(status: String, since: String) = """{"unit_id": "A", "status": "$status", "since": "$since"}"""

/** One flat of 89.50 m², occupied since 2024-01-01 and delivered (vacant) from 2026-10-16. */
private val MOVED_OUT = estateJson(flat("delivered", "2026-10-16"), statusHistory(record("occupied", "2024-01-01")))

private val MANAGEMENT = """{"format_version": 2, "items": [
  {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee", "rule": {"area": {"rate": "3.70"}},
   "status_factors": [{"status": "delivered", "factor": "0.7"}], "effective_from": "2020-01-01"},
  {"code": "parking", "name_zh": "车位费", "name_en": "Parking", "rule": {"fixed": {"amount": "60.00"}},
   "status_factors": [{"status": "delivered", "factor": "0.5"}], "effective_from": "2020-01-01"}]}"""

private fun billOf(estate: Estate, schedule: String, year: Int, month: Int, inputs: BillingInputs = BillingInputs()) =
    billEstate(estate, FeeSchedule.fromJson(schedule), year, month, inputs).bills().first { it.unitId == "A" }

fun testVacancyFromTheSixteenthDiscountsTheVacantDaysOnly() {
    // Area: 89.50 × 3.70 = 331.15 a month; × (15 × 100 % + 16 × 70 %) / 31
    // = 331.15 × 26.2 / 31 = 8676.13 / 31 = 279.8751… → 279.88.
    // Fixed: 60.00 × (15 × 1 + 16 × 0.5) / 31 = 1380 / 31 = 44.516… → 44.52.
    val estate = Estate.fromJson(MOVED_OUT)
    assertEquals(
        listOf(StatusPeriod(day("2024-01-01"), UnitStatus.OCCUPIED), StatusPeriod(day("2026-10-16"), UnitStatus.DELIVERED)),
        estate.statusPeriods("A"),
    )
    val bill = billOf(estate, MANAGEMENT, 2026, 10)
    assertEquals(listOf(d("279.88"), d("44.52")), bill.lines.map { it.amount })
    assertEquals(
        "89.50 m² × 3.70/m²/month × 1 month × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 70%) = 279.88",
        bill.lines[0].explain(Language.EN),
    )
    assertEquals(
        "89.50 m² × 3.70/m²/月 × 1 月 × (15/31 天 已入住 × 100% + 16/31 天 已交房未入住 × 70%) = 279.88",
        bill.lines[0].explain(Language.ZH_CN),
    )
    assertEquals(
        "60.00 per period × (15/31 days occupied × 100% + 16/31 days delivered, vacant × 50%) = 44.52",
        bill.lines[1].explain(Language.EN),
    )
    // November: vacant all month, one factor: 331.15 × 0.7 = 231.805 → 231.81.
    assertEquals(
        "89.50 m² × 3.70/m²/month × 1 month × 70% = 231.81",
        billOf(estate, MANAGEMENT, 2026, 11).lines[0].explain(Language.EN),
    )
    // September, before the change: occupied all month although the unit is vacant now.
    assertEquals(d("331.15"), billOf(estate, MANAGEMENT, 2026, 9).lines[0].amount)
}

fun testStatusChangeByAnUpdateIsKeptInTheHistory() {
    val occupied = Estate.fromJson(estateJson(flat("occupied", "2024-01-01", """, "occupants": 2""")))
    assertEquals(listOf(StatusPeriod(day("2024-01-01"), UnitStatus.OCCUPIED)), occupied.statusPeriods("A"))
    val movedOut = occupied.updated(EstateUpdate(statusChanges = listOf(StatusUpdate("A", UnitStatus.DELIVERED, day("2026-10-16")))))
    assertEquals(Estate.fromJson(MOVED_OUT).toJson(), movedOut.toJson())
    assertEquals(Estate.fromJson(MOVED_OUT).statusPeriods("A"), movedOut.statusPeriods("A"))
    assertEquals(listOf(StatusPeriod(day("2024-01-01"), UnitStatus.OCCUPIED)), occupied.statusPeriods("A")) // untouched
    assertEquals(d("279.88"), billOf(movedOut, MANAGEMENT, 2026, 10).lines[0].amount)
    // An unknown unit: no periods.
    assertEquals(emptyList(), movedOut.statusPeriods("Z"))
}

fun testPublishedMoveInProrationWithAZeroVacancyFactor() {
    // cunits.io, "Prorated Rent Calculator", example 1: 1,500.00 a month, moving in on
    // January 15 of a 31-day January, 1500 ÷ 31 × 17 ≈ 822.58. Delivered but vacant at a
    // 0 % factor from January 1, occupied from the 15th:
    // 1500.00 × (14 × 0 + 17 × 1) / 31 = 25500 / 31 = 822.580… → 822.58.
    val estate = Estate.fromJson(
        estateJson(
            """{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential", "gross_area": "50",
                "occupants": 1, "status": "occupied", "delivered_on": "2026-01-01", "status_since": "2027-01-15"}""",
            statusHistory(record("delivered", "2026-01-01")),
        ),
    )
    val rent = """{"items": [{"code": "rent", "name_zh": "租金", "name_en": "Rent", "rule": {"fixed": {"amount": "1500.00"}},
        "status_factors": [{"status": "delivered", "factor": "0"}], "effective_from": "2020-01-01"}]}"""
    val line = billOf(estate, rent, 2027, 1).lines[0]
    assertEquals(d("822.58"), line.amount)
    assertEquals(
        "1500.00 per period × (14/31 days delivered, vacant × 0% + 17/31 days occupied × 100%) = 822.58",
        line.explain(Language.EN),
    )
}

fun testStatusHistoryOutOfOrderIsATypedError() {
    fun history(vararg records: String) =
        estateJson(flat("delivered", "2026-10-16"), statusHistory(records.joinToString(", ")))
    val e = validation { Estate.fromJson(history(record("occupied", "2025-01-01"), record("rented", "2024-06-01"))) }
    assertEquals("not_increasing" to "status_history[1].since", e.code to e.path)
    assertEquals("status_history[1].since: status history out of order: 2024-06-01 follows 2025-01-01 for unit \"A\"", e.detail)
    assertEquals("not_increasing" to "status_history[0].since", codeAndPath { Estate.fromJson(history(record("occupied", "2026-10-16"))) })
    assertEquals("ends_before_starts" to "status_history[0].since", codeAndPath { Estate.fromJson(history(record("occupied", "2023-12-31"))) })
}

// ---- tier prices by unit kind, per-day tier limits ------------------------------------

// A flat (A, residential) and a shop (S, commercial), each with a water meter read on
// Sep 30 and Oct 31 (31 days): A 100 → 120, S 500 → 520.
private val WATER_ESTATE = estateJson(
    """{"id": "A", "building_id": "B", "floor": 1, "number": "1", "kind": "residential", "gross_area": "80",
        "occupants": 2, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"},
       {"id": "S", "building_id": "B", "floor": 0, "number": "S1", "kind": "commercial", "gross_area": "60",
        "occupants": 1, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}""",
    """, "meters": [
        {"id": "W-A", "unit_id": "A", "kind": "water",
         "readings": [{"date": "2026-09-30", "value": "100"}, {"date": "2026-10-31", "value": "120"}]},
        {"id": "W-S", "unit_id": "S", "kind": "water",
         "readings": [{"date": "2026-09-30", "value": "500"}, {"date": "2026-10-31", "value": "520"}]}]""",
)

private fun water(extra: String = "") = FeeSchedule.fromJson(
    """{"items": [{"code": "water", "name_zh": "水费", "name_en": "Water",
        "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "4.83"}]$extra}},
        "effective_from": "2020-01-01"}]}""",
)

private fun waterLines(schedule: FeeSchedule) =
    billEstate(Estate.fromJson(WATER_ESTATE), schedule, 2026, 10, BillingInputs()).bills()
        .map { Triple(it.unitId, it.lines[0].amount, it.lines[0].explain(Language.EN)) }

fun testPerDayTierLimitsAndPricesByUnitKind() {
    // Tier limits that follow the days between two readings: PG&E's baseline allowance
    // (pge.com, "Tiered Rate Plan": the Tier 1 allowance is a daily amount of energy ×
    // the days of the billing cycle).
    // Per period: 15 × 3.45 + 5 × 4.83 = 51.75 + 24.15 = 75.90.
    assertEquals(listOf(d("75.90"), d("75.90")), waterLines(water()).map { it.second })
    // Per day on 30 days, a 31-day read: the limit is 15 × 31/30 = 15.50;
    // 15.5 × 3.45 + 4.5 × 4.83 = 53.475 + 21.735 = 75.21.
    val perDay = water(""", "tier_basis": "per_day", "reference_days": 30""")
    assertEquals(
        Triple("A", d("75.21"), "water meter W-A: (120 − 100) × 1 = 20; 15.50 × 3.45 + 4.50 × 4.83 = 75.21"),
        waterLines(perDay)[0],
    )
    assertEquals(perDay.toJson(), FeeSchedule.fromJson(perDay.toJson()).toJson())
    // Commercial at 5.80 flat: 20 × 5.80 = 116.00; the flat keeps the default tiers.
    val byKind = water(""", "kind_tiers": [{"kind": "commercial", "tiers": [{"price": "5.80"}]}]""")
    assertEquals(
        listOf(
            Triple("A", d("75.90"), "water meter W-A: (120 − 100) × 1 = 20; 15 × 3.45 + 5 × 4.83 = 75.90"),
            Triple("S", d("116.00"), "water meter W-S: (520 − 500) × 1 = 20; 20 × 5.80 = 116.00"),
        ),
        waterLines(byKind),
    )
}

fun testBadTierOptionsAreTypedErrors() {
    val e = validation { water(""", "tier_basis": "per_day"""") }
    assertEquals("missing_value" to "items[0].rule.metered.reference_days", e.code to e.path)
    assertEquals("items[0].rule.metered.reference_days: per-day tier limits need the days they are written for (e.g. 30)", e.detail)
    assertEquals("out_of_range" to "items[0].rule.metered.reference_days", codeAndPath { water(""", "tier_basis": "per_day", "reference_days": 0""") })
    assertEquals("conflicting_fields" to "items[0].rule.metered.reference_days", codeAndPath { water(""", "reference_days": 30""") })
    val bounds = validation {
        water(""", "kind_tiers": [{"kind": "commercial", "tiers": [{"up_to": "20", "price": "5"}, {"up_to": "10", "price": "6"}, {"price": "7"}]}]""")
    }
    assertEquals("not_increasing" to "items[0].rule.metered.kind_tiers[0].tiers[1].up_to", bounds.code to bounds.path)
    assertEquals("items[0].rule.metered.kind_tiers[0].tiers[1].up_to: tier bounds must increase: 10 is not above 20", bounds.detail)
}

// ---- a given pooled amount split by usage ---------------------------------------------

private fun meteredUnit(id: String, area: String) =
    """{"id": "$id", "building_id": "B", "floor": 1, "number": "$id", "kind": "residential", "gross_area": "$area",
        "occupants": 1, "status": "occupied", "delivered_on": "2024-01-01", "status_since": "2024-01-01"}"""

private fun meter(id: String, unit: String?, sep: String, oct: String) =
    """{"id": "$id", ${if (unit == null) "" else "\"unit_id\": \"$unit\", "}"kind": "electricity",
        "readings": [{"date": "2026-09-30", "value": "$sep"}, {"date": "2026-10-31", "value": "$oct"}]}"""

// Three occupied flats with their own electricity meters read on Sep 30 and Oct 31
// (A: 1000 → 1120, B: 500 → 580, C: 200 → 240), and a master meter.
private val METERED = estateJson(
    listOf(meteredUnit("A", "100.00"), meteredUnit("B", "80.00"), meteredUnit("C", "60.00")).joinToString(", "),
    """, "meters": [${meter("E-A", "A", "1000", "1120")}, ${meter("E-B", "B", "500", "580")},
        ${meter("E-C", "C", "200", "240")}, ${meter("M", null, "0", "400")}]""",
)

private fun pooled(pooled: String) = FeeSchedule.fromJson(
    """{"format_version": 3, "items": [{"code": "lift", "name_zh": "公共电费", "name_en": "Common power",
        "rule": {"pooled": $pooled}, "effective_from": "2020-01-01"}]}""",
)

private fun lift(amount: String) = BillingInputs(pooled = listOf(PooledInput("lift", d(amount))))

fun testGivenAmountSplitByUsageReadsTheUnitsMeters() {
    // Submetered allocation of a master bill: each tenant pays in proportion to what its
    // own submeter records (legalclarity.org, "Utility Cost Allocation: Methods, Billing,
    // and Tenant Rights").
    // Usage: A 1120 − 1000 = 120, B 580 − 500 = 80, C 240 − 200 = 40; total 240 kWh.
    // 500.00 × 120/240 = 250.00; × 80/240 = 166.666…; × 40/240 = 83.333…: floored
    // 499.99, the cent left to the largest remainder (B's): 250.00, 166.67, 83.33.
    val schedule = pooled("""{"source": "given", "method": "usage", "meter_kind": "electricity"}""")
    val run = billEstate(Estate.fromJson(METERED), schedule, 2026, 10, lift("500.00"))
    assertEquals(
        listOf("A" to d("250.00"), "B" to d("166.67"), "C" to d("83.33")),
        run.bills().map { it.unitId to it.lines[0].amount },
    )
    assertEquals(
        "pool 500.00 split by usage among 3 units: 80 / 240 × 500.00 incl. rounding adjustment 0.01 " +
            "(leftover minor units go to the largest remainders; equal remainders to the earlier unit in estate order) = 166.67",
        run.bills().first { it.unitId == "B" }.lines[0].explain(Language.EN),
    )
    val pool = run.pools().single()
    assertEquals(Triple(d("500.00"), d("500.00"), listOf("B")), Triple(pool.splitAmount, pool.sharesTotal, pool.adjustedUnits))
    // Half by area, half by usage: A 0.5 × 100/240 + 0.5 × 120/240 = 0.458333…;
    // B 0.5 × 80/240 + 0.5 × 80/240 = 0.333333…; C 0.5 × 60/240 + 0.5 × 40/240 = 0.208333…
    // 600.00 × 0.458333333333 = 274.9999… → 275.00; → 200.00; → 125.00; sum 600.00.
    val hybrid = pooled(
        """{"source": "given", "method": {"hybrid": [{"basis": "area", "weight": "0.5"},
            {"basis": "usage", "weight": "0.5"}]}, "meter_kind": "electricity"}""",
    )
    assertEquals(
        listOf(d("275.00"), d("200.00"), d("125.00")),
        billEstate(Estate.fromJson(METERED), hybrid, 2026, 10, lift("600.00")).bills().map { it.lines[0].amount },
    )
}

fun testUsageSplitWithoutMeterKindOrConsumptionIsATypedError() {
    val e = validation { pooled("""{"source": "given", "method": "usage"}""") }
    assertEquals("missing_value" to "items[0].rule.pooled.meter_kind", e.code to e.path)
    assertEquals(
        "items[0].rule.pooled.meter_kind: a given amount split by usage needs the kind of the units' meters whose consumption weighs them " +
            "(e.g. \"meter_kind\": \"electricity\")",
        e.detail,
    )
    assertEquals(
        "missing_value" to "items[0].rule.pooled.meter_kind",
        codeAndPath {
            pooled("""{"source": "given", "method": {"hybrid": [{"basis": "usage", "weight": "0.2"}, {"basis": "equal", "weight": "0.8"}]}}""")
        },
    )
    // Refused with a master meter, whose kind is the master meter's.
    assertEquals(
        "conflicting_fields" to "items[0].rule.pooled.meter_kind",
        codeAndPath {
            pooled("""{"source": {"master_meter": {"meter_id": "M", "price": "1.00"}}, "method": "usage", "meter_kind": "electricity"}""")
        },
    )
    // No unit has a water meter: nothing consumed, the error names the method.
    val water = pooled("""{"source": "given", "method": "usage", "meter_kind": "water"}""")
    assertEquals(
        "all_zero_weights" to "pooled[lift].method",
        codeAndPath { billEstate(Estate.fromJson(METERED), water, 2026, 10, lift("500.00")) },
    )
}
