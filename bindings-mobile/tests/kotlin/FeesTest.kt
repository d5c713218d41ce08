// The fee engine through the generated Kotlin bindings: formulas, a billing run with
// explanations in both languages, a ledger walk, typed errors.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private val OCT1 = LocalDate.of(2026, 10, 1)
private val OCT31 = LocalDate.of(2026, 10, 31)

fun testWorkedExamples() {
    assertEquals(d("45.00"), latePenalty(d("500.00"), OCT1, OCT31, PenaltyPolicy(dailyRate = d("0.003"))))
    assertEquals(d("38.71"), prorate(d("100.00"), OCT1, OCT31, LocalDate.of(2026, 10, 20), OCT31))
    assertEquals(d("36.67"), prorate(d("100.00"), OCT1, OCT31, LocalDate.of(2026, 10, 20), OCT31, DayCount.THIRTY360))
    // annual_365: the monthly amount × 12 × 12 days ÷ 365 = 39.452… → 39.45.
    assertEquals(d("39.45"), prorate(d("100.00"), OCT1, OCT31, LocalDate.of(2026, 10, 20), OCT31, DayCount.ANNUAL365))
    val shares = pooledSplit(d("100.00"), listOf(PoolMember("A", d("1000")), PoolMember("B", d("500"))), listOf(SplitWeight(Basis.AREA, BigDecimal.ONE)))
    assertEquals(listOf("A" to d("66.67"), "B" to d("33.33")), shares.map { it.id to it.amount })
    assertEquals(listOf(true, false), shares.map { it.adjusted })
    val hybrid = pooledSplit(d("100"), listOf(PoolMember("A", d("100"), occupants = 1), PoolMember("B", d("100"), occupants = 3)),
        listOf(SplitWeight(Basis.OCCUPANTS, d("0.5")), SplitWeight(Basis.AREA, d("0.5"))))
    assertEquals(listOf(d("37.50"), d("62.50")), hybrid.map { it.amount })
    val capped = PenaltyPolicy(dailyRate = d("0.01"), graceDays = 5, countFrom = CountFrom.GRACE_END, capFraction = d("0.1"))
    assertEquals(d("1.00"), latePenalty(d("100"), OCT1, LocalDate.of(2026, 10, 7), capped))
    assertEquals(d("10.00"), latePenalty(d("100"), OCT1, LocalDate.of(2026, 12, 31), capped))
    assertEquals(listOf(d("45.00"), d("3.00")),
        latePenalties(listOf(OverdueItem(d("500"), OCT1), OverdueItem(d("100"), LocalDate.of(2026, 10, 21))), OCT31, PenaltyPolicy(dailyRate = d("0.003"))))
}

private fun october(): BillingRun =
    billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10, BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20")))))

fun testBillingRun() {
    val run = october()
    val bills = run.bills()
    assertEquals(34, bills.size)
    assertEquals(run.total(), bills.fold(BigDecimal.ZERO) { acc, b -> acc + b.total })
    val b = bills.first { it.unitId == "1-101" }
    assertEquals(listOf("management", "garbage", "water", "electricity", "common_electricity", "common_water"), b.lines.map { it.itemCode })
    assertEquals(d("331.15"), b.lines[0].amount)
    assertEquals("89.50 m² × 3.70/m²/月 × 1 月 = 331.15", b.lines[0].explain(Language.ZH_CN))
    assertEquals("89.50 m² × 3.70/m²/month × 1 month = 331.15", b.lines[0].explain(Language.EN))
    // Issued the day after October ends; the demo items are due 15 days later.
    assertEquals(LocalDate.of(2026, 11, 1), run.issuedOn())
    assertEquals(LocalDate.of(2026, 11, 1), b.issuedOn)
    assertEquals(setOf(LocalDate.of(2026, 11, 16)), b.lines.map { it.due }.toSet())
    val explained = run.explain("1-102", Language.EN)
    assertEquals("Management fee: 120.30 m² × 3.70/m²/month × 1 month × 70% = 311.58", explained[0])
    val vacant = bills.first { it.unitId == "1-102" }
    assertEquals("Total: ${vacant.total}, issued 2026-11-01, due 2026-11-16", explained.last())
    assertEquals("合计：${vacant.total}，开票 2026-11-01，到期 2026-11-16", run.explain("1-102", Language.ZH_CN).last())
    assertEquals(emptyList(), run.explain("1-603", Language.EN))
    val pools = run.pools()
    assertEquals(d("3943.20"), pools[0].sharesTotal)
    assertEquals(d("391.23"), pools[1].splitAmount)
}

private val ONE_METER_ESTATE = """
{"id": "e1", "name": "Test", "currency": "CNY", "buildings": [{"id": "B1", "name": "1号楼"}],
 "units": [{"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
            "gross_area": "89.50", "occupants": 2, "status": "occupied", "delivered_on": "2024-06-01", "status_since": "2024-06-01"}],
 "meters": [{"id": "E-1-101", "unit_id": "1-101", "kind": "electricity", "multiplier": "1",
             "readings": [{"date": "2026-10-31", "value": "3200.0"}]}]}
"""

private val ELECTRICITY_ONLY = """
{"format_version": 1, "items": [{"code": "electricity", "name_zh": "电费", "name_en": "Electricity",
  "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"up_to": "180", "price": "0.56"}, {"price": "0.86"}]}},
  "effective_from": "2024-01-01"}]}
"""

fun testMeterReplacement() {
    val estate = Estate.fromJson(ONE_METER_ESTATE)
    val schedule = FeeSchedule.fromJson(ELECTRICITY_ONLY)
    assertEquals(d("3200.0"), estate.meter("E-1-101")!!.readings.last().value)
    val readings = listOf(MeterReadingInput("E-1-101", LocalDate.of(2026, 11, 30), d("5")))
    val err = assertFailsWith<EstateKitException.Validation> { billEstate(estate, schedule, 2026, 11, BillingInputs(readings = readings, strict = true)) }
    assertEquals("reading_below_previous" to "meters[E-1-101]", err.code to err.path)
    // Not strict: the unit's bill is set aside and named; the run goes on.
    val aside = billEstate(estate, schedule, 2026, 11, BillingInputs(readings = readings))
    assertEquals(emptyList(), aside.bills())
    val e = aside.exceptions().single()
    assertEquals(listOf("1-101", "E-1-101", "reading_below_previous", "meters[E-1-101]"), listOf(e.unitId, e.meterId, e.code, e.path))
    val change = MeterChangeInput("E-1-101", MeterChange.Replacement(d("3300.0"), d("0")))
    val run = billEstate(estate, schedule, 2026, 11, BillingInputs(readings = readings, meterChanges = listOf(change)))
    val line = run.bills().single().lines.single()
    assertEquals(d("58.80"), line.amount) // (3300 − 3200) + (5 − 0) = 105 kWh × 0.56
    assertEquals("electricity meter E-1-101: ((3300.0 − 3200.0) + (5 − 0)) × 1 = 105.0 (meter replaced); 105.0 × 0.56 = 58.80", line.explain(Language.EN))
    val roll = MeterChangeInput("E-1-101", MeterChange.Rollover(d("3100")))
    val bad = assertFailsWith<EstateKitException.Validation> {
        billEstate(estate, schedule, 2026, 11, BillingInputs(readings = readings, meterChanges = listOf(roll)))
    }
    assertEquals("inconsistent_readings" to "meters[E-1-101]", bad.code to bad.path)
}

fun testLedgerWalk() {
    val run = october()
    val ledger = Ledger("1-101")
    ledger.addBill(assertNotNull(run.bill("1-101")), FeeSchedule.demo(), run.issuedOn())
    // Due November 16: nothing on the day; 30 days later, December 16: 4.97.
    assertEquals(d("0"), ledger.penalty("2026-10-01/management", LocalDate.of(2026, 11, 16)).stripTrailingZeros())
    val dec16 = LocalDate.of(2026, 12, 16)
    assertEquals(d("4.97"), ledger.penalty("2026-10-01/management", dec16))
    val bill = run.bills().first { it.unitId == "1-101" }
    assertEquals(bill.total + d("4.97"), ledger.reminder(dec16).totalDue)
    val receipt = ledger.pay("R-1", d("300.00"), dec16)
    assertEquals(PaymentApplication("2026-10-01/management", d("295.03"), d("4.97")), receipt.applied[0])
    val big = ledger.pay("R-2", d("2000.00"), dec16)
    assertEquals(d("2000.00") - (bill.total - d("295.03")), big.toPrepaid)
    assertEquals(big.toPrepaid, ledger.prepaid())
    assertEquals(BigDecimal.ONE, ledger.collectionRate(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30))!!.stripTrailingZeros())
    val restored = Ledger.fromJson(ledger.toJson())
    assertEquals(ledger.toJson(), restored.toJson())

    val l2 = Ledger("u", order = PaymentOrder.PRINCIPAL_FIRST)
    l2.addCharge("c1", "management", OCT1, d("500"), OCT1, PenaltyPolicy(dailyRate = d("0.003")))
    assertEquals(d("5.00"), l2.waive("c1", "first offence", OCT31, d("5")))
    assertEquals(d("40.00"), l2.penalty("c1", OCT31))
    l2.defer("c1", LocalDate.of(2026, 12, 1))
    assertEquals(d("500.00"), l2.aging(OCT31).notDue)
}

// The demo schedule's area and fixed items (no meters to read), with a due rule.
private fun fixedItems(due: String): FeeSchedule = FeeSchedule.fromJson("""
{"format_version": 2, "items": [
 {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee", "rule": {"area": {"rate": "3.70"}},
  "unit_kinds": ["residential"], "effective_from": "2024-01-01"$due},
 {"code": "parking", "name_zh": "车位管理费", "name_en": "Parking space management", "rule": {"fixed": {"amount": "60.00"}},
  "unit_kinds": ["parking"], "effective_from": "2024-01-01"$due}]}
""")

fun testIssueAndDueDates() {
    val dec1 = LocalDate.of(2026, 12, 1)
    val run = billEstate(Estate.demo(), fixedItems(""), 2026, 11, BillingInputs(issuedOn = dec1))
    assertEquals(dec1, run.issuedOn())
    val bills = run.bills()
    assertTrue(bills.isNotEmpty())
    assertEquals(setOf(dec1), bills.map { it.issuedOn }.toSet())
    assertEquals(setOf(LocalDate.of(2026, 12, 16)), bills.flatMap { b -> b.lines.map { it.due } }.toSet())
    assertEquals(listOf("Parking space management: 60.00 per period = 60.00", "Total: 60.00, issued 2026-12-01, due 2026-12-16"),
        run.explain("P-01", Language.EN))
    // Default: the day after the month ends.
    assertEquals(dec1, billEstate(Estate.demo(), fixedItems(""), 2026, 11, BillingInputs()).issuedOn())
    fun dueOf(due: String, issued: LocalDate): Set<LocalDate> =
        billEstate(Estate.demo(), fixedItems(due), 2026, 11, BillingInputs(issuedOn = issued)).bills().flatMap { b -> b.lines.map { it.due } }.toSet()
    assertEquals(setOf(LocalDate.of(2027, 1, 10)), dueOf(""", "due": {"day_of_next_month": 10}""", dec1))
    assertEquals(setOf(LocalDate.of(2028, 2, 29)), dueOf(""", "due": {"day_of_next_month": 31}""", LocalDate.of(2028, 1, 5)))
    assertEquals(setOf(LocalDate.of(2026, 12, 15)), dueOf(""", "due": {"day_of_month": 15}""", dec1))
    assertEquals(setOf(LocalDate.of(2026, 12, 15)), dueOf(""", "due": {"day_of_month": 15}""", LocalDate.of(2026, 12, 15)))
    assertEquals(setOf(LocalDate.of(2027, 1, 15)), dueOf(""", "due": {"day_of_month": 15}""", LocalDate.of(2026, 12, 16)))
    assertEquals(setOf(LocalDate.of(2026, 12, 15)), dueOf(""", "due_day": 15""", dec1))
    assertEquals(setOf(LocalDate.of(2027, 1, 15)), dueOf(""", "due": {"days_after_issue": 45}""", dec1))
    // Version 1 is written back as version 2, `due_day` as `day_of_month`.
    val v1 = FeeSchedule.fromJson("""{"format_version": 1, "items": [{"code": "g", "name_zh": "垃圾费", "name_en": "Garbage",
        "rule": {"fixed": {"amount": "10.00"}}, "due_day": 20, "effective_from": "2024-01-01"}]}""").toJson()
    assertTrue(v1.contains("\"format_version\": 2") && v1.contains("\"day_of_month\": 20") && !v1.contains("due_day"), v1)
    // A due date a ledger cannot hold is a typed error naming the issue date.
    val late = assertFailsWith<EstateKitException.Validation> {
        billEstate(Estate.demo(), fixedItems(""), 2026, 11, BillingInputs(issuedOn = LocalDate.of(9999, 12, 31)))
    }
    assertEquals("out_of_range" to "issued_on", late.code to late.path)
}

fun testFeeErrors() {
    fun check(code: String, path: String, block: () -> Unit) {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        assertEquals(code to path, e.code to e.path, e.detail)
    }
    check("negative", "daily_rate") { latePenalty(d("1"), OCT1, OCT31, PenaltyPolicy(dailyRate = d("-0.1"))) }
    check("negative", "cap") { latePenalty(d("1"), OCT1, OCT31, PenaltyPolicy(dailyRate = d("0.001"), capFraction = d("-1"))) }
    check("conflicting_fields", "cap") { latePenalty(d("1"), OCT1, OCT31, PenaltyPolicy(dailyRate = d("0.1"), capFraction = d("1"), capAmount = d("1"))) }
    check("ends_before_starts", "period_end") { prorate(d("1"), OCT31, OCT1, OCT1, OCT31) }
    check("negative", "units[0].area") { pooledSplit(d("1"), listOf(PoolMember("A", d("-1"))), listOf(SplitWeight(Basis.AREA, BigDecimal.ONE))) }
    check("missing_pooled_amount", "pooled[common_electricity]") { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10, BillingInputs()) }
    check("out_of_range", "month") { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 13, BillingInputs()) }
    val ledger = Ledger("u")
    check("non_positive_payment", "amount") { ledger.pay("p", d("0"), OCT1) }
    check("non_positive_payment", "amount") { ledger.pay("p", d("-1"), OCT1) }
    check("unknown_reference", "charge_id") { ledger.penalty("nope", OCT1) }
    assertEquals(d("0.00"), ledger.prepaid())
    check("negative", "items[0].rule.area.rate") {
        FeeSchedule.fromJson("""{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"area": {"rate": "-3.70"}}, "effective_from": "2026-01-01"}]}""")
    }
    check("overlapping_effective_dates", "items[1].effective_from") {
        FeeSchedule.fromJson("""{"items": [{"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "1"}}, "effective_from": "2026-01-01"},
            {"code": "m", "name_zh": "a", "name_en": "a", "rule": {"fixed": {"amount": "2"}}, "effective_from": "2026-03-01"}]}""")
    }
}

// pooledSplit is as strict as the core: a total finer than the scale and hybrid weights
// not summing to 1 are errors (they were rounded and normalised silently). Unknown unit
// fields cannot occur here: PoolMember is a typed record.
fun testPooledSplitStrict() {
    fun error(block: () -> Unit): Triple<String, String, String> {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        return Triple(e.code, e.path, e.detail)
    }
    val members = listOf(PoolMember("A", d("100"), occupants = 1), PoolMember("B", d("100"), occupants = 3))
    val area = listOf(SplitWeight(Basis.AREA, BigDecimal.ONE))
    assertEquals(Triple("too_many_decimals", "total", "total: 100.005 has more decimal places than the rounding scale 2"),
        error { pooledSplit(d("100.005"), members, area) })
    assertEquals(Triple("too_many_decimals", "total", "total: 100.5 has more decimal places than the rounding scale 0"),
        error { pooledSplit(d("100.5"), members, area, RoundingPolicy(0, MoneyRounding.HALF_UP)) })
    assertEquals(listOf(d("50.00"), d("50.00")), pooledSplit(d("100.000"), members, area).map { it.amount })
    assertEquals(listOf(d("50.003"), d("50.002")),
        pooledSplit(d("100.005"), members, area, RoundingPolicy(3, MoneyRounding.HALF_UP)).map { it.amount })
    // Weights are taken in basis order, whatever order they are listed in (as in Python).
    assertEquals(Triple("weights_sum", "weights", "weights: hybrid weights must sum to 1, got area 0.5 + occupants 0.3 = 0.8"),
        error { pooledSplit(d("100"), members, listOf(SplitWeight(Basis.OCCUPANTS, d("0.3")), SplitWeight(Basis.AREA, d("0.5")))) })
    // One basis at a weight other than 1 is a hybrid too (it used to split by area).
    assertEquals(Triple("weights_sum", "weights", "weights: hybrid weights must sum to 1, got area 0.5 = 0.5"),
        error { pooledSplit(d("100"), members, listOf(SplitWeight(Basis.AREA, d("0.5")))) })
    assertEquals(listOf(d("32.50"), d("67.50")),
        pooledSplit(d("100"), members, listOf(SplitWeight(Basis.OCCUPANTS, d("0.7")), SplitWeight(Basis.AREA, d("0.3")))).map { it.amount })
    // The same unit twice is refused by the core (it was accepted here, refused in Python).
    assertEquals(Triple("duplicate_id", "units", "units: duplicate id \"A\""),
        error { pooledSplit(d("100"), listOf(PoolMember("A", d("1")), PoolMember("A", d("1"))), area) })
    assertEquals(Triple("duplicate_id", "weights[1].basis", "weights[1].basis: area is weighted twice"),
        error { pooledSplit(d("100"), members, listOf(SplitWeight(Basis.AREA, d("0.5")), SplitWeight(Basis.AREA, d("0.5")))) })
}


fun testBillingRunFromJson() {
    val run = october()
    val back = BillingRun.fromJson(run.toJson())
    assertEquals(run.toJson(), back.toJson())
    assertEquals(run.bills(), back.bills())
    assertEquals(run.pools(), back.pools())
    assertEquals(run.total(), back.total())
    assertEquals(d("331.15"), back.bills().first { it.unitId == "1-101" }.lines[0].amount)
    assertEquals(run.explain("1-102", Language.EN), back.explain("1-102", Language.EN))
    // A line amount changed: its bill's total no longer adds up.
    val forged = run.toJson().replaceFirst("\"amount\": \"331.15\"", "\"amount\": \"301.15\"")
    val e = assertFailsWith<EstateKitException.Validation> { BillingRun.fromJson(forged) }
    assertEquals("inconsistent_document" to "bills[0].total", e.code to e.path)
}
