// Late fees as contracts write them (issue 20): a yearly rate counted by day, a one-off
// fee, daily rounding, through `lateCharge` and a ledger. Amounts computed by hand.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private fun d(s: String) = BigDecimal(s)

fun testLateChargePublishedStatutoryInterest() {
    // UK statutory late-payment interest, a published manual calculation: 5,000 invoice,
    // 101 days at 12.25 % a year, daily 5000 × 12.25 % ÷ 365 = 1.678… → 1.68 × 101 =
    // 169.68, plus the fixed 70 compensation: 239.68.
    val terms = LateFee(oneOff = OneOffFee(amount = d("70.00")), annualPercent = d("12.25"), roundDaily = true)
    val c = lateCharge(d("5000.00"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 12), terms)
    assertEquals(LateCharge(d("70.00"), 101L, d("1.68"), d("169.68"), false, d("239.68")), c)
    // The published LPR, 3.45 % a year, on 10,000.00 for 100 days, counted exactly:
    // 10000 × 3.45 × 100 ÷ 36500 = 94.5205… → 94.52; rounded daily 0.95 × 100 = 95.00.
    val lpr = LateFee(annualPercent = d("3.45"))
    val due = LocalDate.of(2026, 1, 1)
    val asOf = LocalDate.of(2026, 4, 11)
    assertEquals(d("94.52"), lateCharge(d("10000.00"), due, asOf, lpr).total)
    assertEquals(d("95.00"), lateCharge(d("10000.00"), due, asOf, lpr.copy(roundDaily = true)).total)
    // A percentage fee after a 5-day grace, capped by the clause: 3 % of 1,000.00 = 30.00
    // + 1000 × 12 × 6 ÷ 36500 = 1.97 → 31.97, capped at 25.00.
    val pct = LateFee(oneOff = OneOffFee(percent = d("3"), min = d("10.00")), annualPercent = d("12"))
    val clause = PenaltyPolicy(dailyRate = d("0"), graceDays = 5, capAmount = d("25.00"))
    val capped = lateCharge(d("1000.00"), LocalDate.of(2026, 10, 15), LocalDate.of(2026, 10, 21), pct, clause)
    assertEquals(listOf(d("30.00"), d("1.97"), d("25.00")), listOf(capped.oneOff, capped.interest, capped.total))
    assertEquals(true, capped.capped)
}

fun testLedgerChargesLateFeesOnTheOutstandingPrincipal() {
    // 1,000.00 due Oct 15, 400.00 paid Oct 25 (principal first). Oct 16–25 on 1,000.00,
    // Oct 26 – Nov 14 on 600.00: (10000 + 12000) × 12 ÷ 36500 = 7.23; 3 % one-off 30.00.
    val terms = LateFee(oneOff = OneOffFee(percent = d("3"), min = d("10.00")), annualPercent = d("12"))
    val ledger = Ledger("A", order = PaymentOrder.PRINCIPAL_FIRST)
    ledger.addCharge("c", "mgmt", LocalDate.of(2026, 10, 15), d("1000.00"), LocalDate.of(2026, 10, 1), lateFee = terms)
    ledger.pay("p1", d("400.00"), LocalDate.of(2026, 10, 25))
    assertEquals(d("37.23"), ledger.penalty("c", LocalDate.of(2026, 11, 14)))
    assertEquals(d("37.23"), Ledger.fromJson(ledger.toJson()).penalty("c", LocalDate.of(2026, 11, 14)))
}

fun testBadLateFeeTermsNameTheField() {
    fun check(code: String, path: String, block: () -> Unit) {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        assertEquals(code to path, e.code to e.path, e.detail)
    }
    val day = LocalDate.of(2026, 1, 1)
    check("out_of_range", "one_off.percent") { lateCharge(d("1"), day, day, LateFee(oneOff = OneOffFee(percent = d("101")))) }
    check("out_of_range", "annual_percent") { lateCharge(d("1"), day, day, LateFee(annualPercent = d("-1"))) }
    check("ends_before_starts", "one_off.max") { lateCharge(d("1"), day, day, LateFee(oneOff = OneOffFee(percent = d("3"), min = d("20"), max = d("10")))) }
    val ledger = Ledger("u")
    check("out_of_range", "late_fee.one_off.percent") {
        ledger.addCharge("c", "x", day, d("1.00"), day, lateFee = LateFee(oneOff = OneOffFee(percent = d("150"))))
    }
    assertEquals(0, ledger.charges().size)
}
