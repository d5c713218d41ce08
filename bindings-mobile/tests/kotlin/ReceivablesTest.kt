// The estate's book of accounts (Receivables) through the generated Kotlin bindings:
// idempotent postings and imports, conflicting re-runs, back-dated payments, prepaid
// money that is never dunned, balanced totals, exact penalties at a yearly rate given
// as daily. The same scenarios as core/tests/receivables.rs.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private const val MGMT = "2026-10-01/management"

private fun october(pooled: String = "3943.20"): BillingRun =
    billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", d(pooled)))))

private fun book(): Receivables = Receivables(Estate.demo(), FeeSchedule.demo())

private fun row(unit: String, amount: String, date: String, ref: String) =
    PaymentRow(unit, d(amount), day(date), ref)

fun testPostingIsIdempotent() {
    val run = october()
    val book = book()
    val lines = run.bills().sumOf { it.lines.size }
    val first = book.post(run)
    assertEquals(PostResult(lines.toLong(), 0L, emptyList()), first)
    val json = book.toJson()
    repeat(2) {
        val again = book.post(run)
        assertEquals(PostResult(0L, first.posted, emptyList()), again)
        assertEquals(json, book.toJson())
    }
    // A subset posted into a fresh book, then the whole run: only the rest is new.
    val partial = book()
    val some = listOf("1-101", "1-102")
    val subset = partial.post(run, units = some)
    val subsetLines = run.bills().filter { it.unitId in some }.sumOf { it.lines.size }
    assertEquals(subsetLines.toLong(), subset.posted)
    val rest = partial.post(run)
    assertEquals(PostResult((lines - subsetLines).toLong(), subsetLines.toLong(), emptyList()), rest)
    assertEquals(json, partial.toJson())
    // Posted on the issue date: 1-101's management fee is due Nov 16.
    assertEquals(d("0.00"), book.penalty("1-101", MGMT, day("2026-11-16")))
    assertEquals(d("4.97"), book.penalty("1-101", MGMT, day("2026-12-16")))
}

fun testCorrectedRerunIsAConflict() {
    val run = october()
    val book = book()
    val first = book.post(run)
    val before = book.toJson()
    val rerun = october("4100.00")
    val res = book.post(rerun)
    assertEquals(0L, res.posted)
    // The lines that differ are exactly the pooled electricity shares that changed.
    val oldShares = run.bills().flatMap { b -> b.lines.map { (b.unitId to it.itemCode) to it.amount } }.toMap()
    val changed = rerun.bills().flatMap { b -> b.lines.filter { oldShares[b.unitId to it.itemCode] != it.amount }.map { b.unitId } }
    assertTrue(changed.isNotEmpty())
    assertEquals(changed.size, res.conflicts.size)
    assertEquals(first.posted, res.alreadyPosted + res.conflicts.size.toLong())
    for ((c, unit) in res.conflicts.zip(changed)) {
        assertEquals("conflicting_repost", c.code, c.message)
        assertEquals(unit, c.unitId)
        assertEquals("2026-10-01/common_electricity", c.chargeId)
        assertEquals("units[$unit].2026-10-01/common_electricity", c.path)
    }
    assertEquals(before, book.toJson())
    // Posting it again is still a conflict, and still changes nothing.
    assertEquals(res, book.post(rerun))
    assertEquals(before, book.toJson())
}

fun testPaymentRowsAppliedOnce() {
    val book = book()
    book.post(october())
    val rows = listOf(
        row("1-101", "100.00", "2026-11-05", "B-1"),
        row("1-101", "100.00", "2026-11-05", "B-1"), // the bank file twice
        row("1-101", "90.00", "2026-11-05", "B-1"), // same ref, other amount
        row("Z-999", "10.00", "2026-11-05", "B-2"),
        row("1-102", "0", "2026-11-05", "B-3"),
        row("1-102", "0.001", "2026-11-05", "B-4"),
        row("1-102", "50", "2026-11-05", " "),
    )
    val res = book.applyPayments(rows)
    assertEquals(1, res.applied.size)
    val applied = res.applied[0]
    assertEquals(1L to "1-101", applied.row to applied.unitId)
    assertEquals("B-1", applied.ref)
    assertEquals(d("100.00"), applied.amount)
    assertEquals(day("2026-11-05"), applied.date)
    // Before the due date: no penalty, the oldest line (management) first.
    assertEquals(PaymentApplication(MGMT, d("100.00"), d("0.00")), applied.applied[0])
    assertEquals(listOf(AlreadyApplied(2L, "B-1", "1-101")), res.alreadyApplied)
    assertEquals(
        listOf(
            listOf("3", "B-1", "duplicate_ref", "ref"),
            listOf("4", "B-2", "unknown_reference", "unit_id"),
            listOf("5", "B-3", "non_positive_payment", "amount"),
            listOf("6", "B-4", "too_many_decimals", "amount"),
            listOf("7", " ", "empty_field", "ref"),
        ),
        res.rejected.map { listOf(it.row.toString(), it.ref, it.code, it.path) },
    )
    for (r in res.rejected) assertTrue(r.message.isNotBlank(), r.toString())
    val json = book.toJson()
    // The whole file again: nothing new, the same rows already applied or rejected.
    val again = book.applyPayments(rows)
    assertEquals(emptyList(), again.applied)
    assertEquals(listOf(1L, 2L), again.alreadyApplied.map { it.row })
    assertEquals(res.rejected.map { it.row to it.code }, again.rejected.map { it.row to it.code })
    assertEquals(json, book.toJson())
    // A reference is unique across the book, not per unit.
    val other = book.applyPayments(listOf(row("1-102", "100.00", "2026-11-05", "B-1")))
    assertEquals(listOf("duplicate_ref" to "ref"), other.rejected.map { it.code to it.path })
    assertEquals(json, book.toJson())
    // Amounts leave the book at the estate's scale.
    assertEquals(d("100.00"), book.balance("1-101", day("2026-11-05")).paid)
    assertEquals(d("0.00"), book.balance("1-102", day("2026-11-05")).paid)
    // The same rows as JSON: already applied and rejected alike.
    val fromJson = book.applyPaymentsJson("""[
        {"unit_id": "1-101", "amount": "100.00", "date": "2026-11-05", "ref": "B-1"},
        {"unit_id": "1-101", "amount": "90.00", "date": "2026-11-05", "ref": "B-1"},
        {"unit_id": "1-101", "amount": 90.5, "date": "2026-11-05", "ref": "B-5"}]""")
    assertEquals(emptyList(), fromJson.applied)
    assertEquals(listOf(AlreadyApplied(1L, "B-1", "1-101")), fromJson.alreadyApplied)
    assertEquals(listOf(Triple(2L, "duplicate_ref", "ref"), Triple(3L, "json", "amount")),
        fromJson.rejected.map { Triple(it.row, it.code, it.path) })
    assertEquals(json, book.toJson())
    assertRefusesANonArray(book) { book.applyPaymentsJson(it) }
}

/** A JSON import given an object instead of an array is refused (code "json") and
 * changes nothing in the book. */
fun assertRefusesANonArray(book: Receivables, import: (String) -> Any) {
    val before = book.toJson()
    val notArray = assertFailsWith<EstateKitException.Validation> { import("{}") }
    assertEquals("json", notArray.code, notArray.detail)
    assertEquals(before, book.toJson())
}

fun testBackDatedPaymentAppliedInDateOrder() {
    val run = october()
    val a = row("1-101", "200.00", "2026-12-16", "A")
    val b = row("1-101", "200.00", "2026-12-26", "B")
    val inOrder = book().also { it.post(run) }
    val backDated = book().also { it.post(run) }
    val a1 = inOrder.applyPayments(listOf(a)).applied.single()
    val b1 = inOrder.applyPayments(listOf(b)).applied.single()
    val b2 = backDated.applyPayments(listOf(b)).applied.single()
    val a2 = backDated.applyPayments(listOf(a)).applied.single()
    // A, 30 days late: 331.15 × 30 × 0.0005 = 4.97 penalty first, then 195.03 principal.
    assertEquals(PaymentApplication(MGMT, d("195.03"), d("4.97")), a1.applied[0])
    assertEquals(a1, a2)
    // B, 10 days later on 136.12: (9,934.50 + 1,361.20) amount-days × 0.0005 = 5.65
    // accrued, 4.97 paid: 0.68 penalty, then the 136.12 left.
    assertEquals(PaymentApplication(MGMT, d("136.12"), d("0.68")), b1.applied[0])
    // Recorded first, B was applied as if A did not exist (40 days on 331.15).
    assertEquals(PaymentApplication(MGMT, d("193.38"), d("6.62")), b2.applied[0])
    // Whatever the order of arrival, the accounts agree on every day.
    for (date in listOf("2026-11-16", "2026-12-16", "2026-12-20", "2026-12-26", "2026-12-31", "2027-06-30").map(::day)) {
        assertEquals(inOrder.balance("1-101", date), backDated.balance("1-101", date), "balance on $date")
        assertEquals(inOrder.penalty("1-101", MGMT, date), backDated.penalty("1-101", MGMT, date), "penalty on $date")
        assertEquals(inOrder.unitAging("1-101", date), backDated.unitAging("1-101", date), "aging on $date")
        assertEquals(inOrder.aging(date, "building"), backDated.aging(date, "building"), "aging by building on $date")
        assertEquals(inOrder.reminder("1-101", date), backDated.reminder("1-101", date), "reminder on $date")
    }
    // Between the two payments the penalty is what was owed then: 5.24 accrued − 4.97.
    assertEquals(d("0.27"), backDated.penalty("1-101", MGMT, day("2026-12-20")))
    // The day before A: 29 days on 331.15 = 4.80; on A's day it is paid.
    assertEquals(d("4.80"), backDated.penalty("1-101", MGMT, day("2026-12-15")))
    assertEquals(d("0.00"), backDated.penalty("1-101", MGMT, day("2026-12-16")))
    assertEquals(d("0.00"), backDated.penalty("1-101", MGMT, day("2026-12-31")))
    val bal = backDated.balance("1-101", day("2026-12-31"))
    assertEquals(d("5.65"), bal.penaltyAccrued)
    assertEquals(d("5.65"), bal.penaltyPaid)
    assertEquals(d("400.00"), bal.paid)
    assertEquals(bal.paid, bal.principalPaid + bal.penaltyPaid + bal.prepaid)
    assertEquals(bal.billed + bal.penaltyAccrued - bal.penaltyWaived,
        bal.principalPaid + bal.penaltyPaid + bal.principalOutstanding + bal.penaltyOutstanding)
    // The account documents list the payments in the order they were recorded, with
    // the same applications: B's was rewritten when A arrived.
    val inOrderJson = inOrder.account("1-101")!!.toJson()
    val backDatedJson = backDated.account("1-101")!!.toJson()
    assertEquals(inOrderJson.lines().sorted(), backDatedJson.lines().sorted())
    assertTrue(backDatedJson.indexOf("\"id\": \"B\"") < backDatedJson.indexOf("\"id\": \"A\""))
    assertTrue("\"principal\": \"136.12\"" in backDatedJson && "193.38" !in backDatedJson, backDatedJson)
    // The same, read without JSON: each payment as it is applied now.
    val account = backDated.account("1-101")!!
    assertEquals(PaymentApplication(MGMT, d("136.12"), d("0.68")), account.payment("B")!!.applied[0])
    assertEquals(listOf("B", "A"), account.payments().map { it.id })
    assertEquals(null, account.payment("Z"))
    for (l in listOf(inOrder, backDated)) {
        val account = l.account("1-101")!!
        assertEquals(l.balance("1-101", day("2026-12-31")), account.balance(day("2026-12-31")))
        assertEquals(d("0.00"), account.prepaid())
    }
}

fun testPrepaidIsNeverDunned() {
    val run = october()
    val book = book()
    val early = book.applyPayments(listOf(row("1-101", "5000.00", "2026-10-20", "PRE")))
    assertEquals(d("5000.00"), early.applied.single().toPrepaid)
    book.post(run)
    val total = run.bills().first { it.unitId == "1-101" }.total
    for (asOf in listOf("2026-11-16", "2026-12-31", "2027-06-30").map(::day)) {
        val reminders = book.reminders(asOf, d("0.00"))
        assertNull(reminders.letters.firstOrNull { "1-101" in it.unitIds }, "1-101 dunned on $asOf")
        assertEquals(emptyList(), reminders.suppressed)
        val bal = book.balance("1-101", asOf)
        assertEquals(d("0.00"), bal.penaltyAccrued)
        assertEquals(d("0.00"), bal.principalOutstanding)
        assertEquals(total, bal.principalPaid)
        assertEquals(d("5000.00") - total, bal.prepaid)
        assertEquals(emptyList(), book.reminder("1-101", asOf).items)
        assertEquals(d("0.00"), book.reminder("1-101", asOf).totalDue)
    }
    // The units that did not pay are dunned after the due date, and only those.
    assertEquals(Reminders(emptyList(), emptyList()), book.reminders(day("2026-11-16"), d("0.00")))
    val dunned = book.reminders(day("2026-12-31"), d("0.00")).letters
    assertEquals(run.bills().map { it.unitId }.filter { it != "1-101" }.sorted(), dunned.map { it.to })
    for (l in dunned) assertEquals(listOf(l.to), l.unitIds)
    val r102 = dunned.first { it.to == "1-102" }
    assertEquals(r102.items.fold(BigDecimal.ZERO) { acc, i -> acc + i.principal + i.penalty }, r102.totalDue)
    // Nothing outstanding on the prepaid account, but the money is counted once.
    val t = book.totals(day("2026-12-31"))
    assertEquals(d("5000.00") - total, book.balance("1-101", day("2026-12-31")).prepaid)
    assertEquals(d("5000.00"), t.collected)
    assertEquals(d("5000.00") - total, t.prepaid)
}

fun testTotalsBalanceAndRoundTrip() {
    val run = october()
    val estate = Estate.demo()
    val schedule = FeeSchedule.demo()
    val book = Receivables(estate, schedule)
    book.post(run, on = day("2026-11-02"))
    val rows = run.bills().mapIndexed { i, b ->
        PaymentRow(b.unitId, b.total, day("2026-11-20").plusDays((i % 20).toLong()), "B-$i")
    }
    // Applied in reverse order: each account still applies by date.
    val res = book.applyPayments(rows.reversed())
    assertEquals(rows.size to 0, res.applied.size to res.rejected.size)
    val empty = Receivables(estate, schedule).totals(day("2026-12-31"))
    assertEquals(BookTotals(d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00")), empty)
    for (asOf in listOf("2026-11-30", "2026-12-31").map(::day)) {
        val t = book.totals(asOf)
        assertEquals(run.total(), t.billed)
        assertEquals(t.billed - t.writtenOff + t.penaltyAccrued - t.penaltyWaived, t.applied + t.outstanding)
        assertEquals(t.collected, t.applied + t.prepaid + t.refunded)
        assertEquals(d("0.00"), t.refunded)
        assertEquals(d("0.00"), t.writtenOff)
        assertTrue(t.penaltyAccrued.signum() > 0, "some rows were paid after Nov 16: $t")
    }
    // Every row paid by Dec 9: all the money is in by the end of the year.
    val dec31 = book.totals(day("2026-12-31"))
    assertEquals(run.total(), dec31.collected)
    assertTrue(book.totals(day("2026-11-30")).collected < run.total())
    val text = book.toJson()
    val back = Receivables.fromJson(text, estate, schedule)
    assertEquals(text, back.toJson())
    assertEquals(book.totals(day("2026-12-31")), back.totals(day("2026-12-31")))
    // Another estate's document is refused, naming the field.
    val id = estate.id()
    val e = assertFailsWith<EstateKitException.Validation> {
        Receivables.fromJson(text.replace("\"estate_id\": \"$id\"", "\"estate_id\": \"elsewhere\""), estate, schedule)
    }
    assertEquals("mismatch" to "estate_id", e.code to e.path)
    assertNull(Receivables(estate, schedule).account("1-101"))
    assertNotNull(back.account("1-101"))
}

// 18 % a year given as a daily rate: 0.18 / 365 has 28 decimal places.
private val YEARLY_18: BigDecimal = d("0.18").divide(BigDecimal(365), 28, java.math.RoundingMode.HALF_EVEN)

fun testYearlyRateGivenAsDaily() {
    assertEquals(d("0.0004931506849315068493150685"), YEARLY_18)
    val jan1 = day("2026-01-01")
    val mar2 = day("2026-03-02")
    val l = Ledger("1-101")
    l.addCharge("c", "management", jan1, d("1000.00"), jan1, PenaltyPolicy(dailyRate = YEARLY_18))
    // 30 days on 1000.00: 14.7945… → 14.79, paid first; 385.21 principal.
    val r = l.pay("P1", d("400.00"), day("2026-01-31"))
    assertEquals(listOf(PaymentApplication("c", d("385.21"), d("14.79"))), r.applied)
    assertEquals(d("0.00"), r.toPrepaid)
    // Mar 2: 30 days on 1000.00 + 30 days on 614.79 = 48,443.70 amount-days → 23.89
    // accrued, 14.79 paid: 9.10 owed.
    assertEquals(d("9.10"), l.penalty("c", mar2))
    assertEquals(d("623.89"), l.reminder(mar2).totalDue)
    assertEquals(d("1.10"), l.waive("c", "goodwill", mar2, d("1.10")))
    assertEquals(d("0.00"), l.pay("P2", d("622.79"), mar2).toPrepaid)
    assertEquals(d("0.00"), l.balance(mar2).principalOutstanding)
    assertEquals(d("0.00"), l.penalty("c", day("2026-12-31")))
    assertEquals(l.toJson(), Ledger.fromJson(l.toJson()).toJson())
    // The same rate through latePenalty: 331.15 × 30 × 0.18/365 = 4.8993… → 4.90.
    assertEquals(d("4.90"), latePenalty(d("331.15"), day("2026-10-15"), day("2026-11-14"), PenaltyPolicy(dailyRate = YEARLY_18)))
}

fun testHighDailyRateNeedsConsent() {
    val jan1 = day("2026-01-01")
    val l = Ledger("1-101")
    val e = assertFailsWith<EstateKitException.Validation> {
        l.addCharge("c", "x", jan1, d("10"), jan1, PenaltyPolicy(dailyRate = d("0.18")))
    }
    assertEquals("out_of_range" to "daily_rate", e.code to e.path, e.detail)
    assertEquals(Ledger("1-101").toJson(), l.toJson())
    val lp = assertFailsWith<EstateKitException.Validation> {
        latePenalty(d("10"), jan1, day("2026-01-11"), PenaltyPolicy(dailyRate = d("0.18")))
    }
    assertEquals("out_of_range" to "daily_rate", lp.code to lp.path, lp.detail)
    l.addCharge("c", "x", jan1, d("10"), jan1, PenaltyPolicy(dailyRate = d("0.18"), allowHighRate = true))
    assertEquals(d("18.00"), l.penalty("c", day("2026-01-11")))
    assertEquals(d("18.00"), latePenalty(d("10"), jan1, day("2026-01-11"), PenaltyPolicy(dailyRate = d("0.18"), allowHighRate = true)))
    // 1 % a day is still accepted without consent.
    assertEquals(d("1.00"), latePenalty(d("10"), jan1, day("2026-01-11"), PenaltyPolicy(dailyRate = d("0.01"))))
}

fun testReversalAndRefund() {
    val run = october()
    val book = book().also { it.post(run) }
    val total = run.bills().first { it.unitId == "1-101" }.total
    book.applyPayments(listOf(row("1-101", total.toPlainString(), "2026-11-10", "B-1")))
    assertTrue(book.reminder("1-101", day("2026-12-16")).items.isEmpty())
    // The transfer bounced: as if never paid, the bill is 30 days late on Dec 16.
    val p = book.reverse("B-1", day("2026-12-02"), "transfer bounced")
    assertEquals(day("2026-12-02"), p.reversed?.on)
    assertTrue(p.applied.isEmpty())
    val r = book.reminder("1-101", day("2026-12-16"))
    assertEquals(30L, r.items[0].daysOverdue)
    assertEquals(d("4.97"), r.items[0].penalty)
    val again = assertFailsWith<EstateKitException.Validation> { book.reverse("B-1", day("2026-12-03"), "again") }
    assertEquals("already_reversed" to "ref", again.code to again.path)
    val unknown = assertFailsWith<EstateKitException.Validation> { book.reverse("B-404", day("2026-12-03"), "x") }
    assertEquals("unknown_reference" to "ref", unknown.code to unknown.path)
    assertEquals("duplicate_ref", book.applyPayments(listOf(row("1-101", "1.00", "2026-12-05", "B-1"))).rejected.single().code)
    // Refunds come out of the prepaid balance only.
    book.applyPayments(listOf(row("1-102", "5000.00", "2026-11-10", "B-2")))
    val before = book.toJson()
    val tooMuch = assertFailsWith<EstateKitException.Validation> { book.refund("1-102", d("9000.00"), day("2026-12-01"), "RF-1") }
    assertEquals("refund_exceeds_prepaid" to "amount", tooMuch.code to tooMuch.path)
    assertEquals(before, book.toJson())
    book.refund("1-102", d("1000.00"), day("2026-12-01"), "RF-1")
    val t = book.totals(day("2026-12-31"))
    assertEquals(d("1000.00"), t.refunded)
    assertEquals(d("5000.00"), t.collected)
    assertEquals(t.collected, t.applied + t.prepaid + t.refunded)
    assertEquals(d("1000.00"), book.balance("1-102", day("2026-12-31")).refunded)
    assertEquals(book.toJson(), Receivables.fromJson(book.toJson(), Estate.demo(), FeeSchedule.demo()).toJson())
}

fun testAgingAndCollectionByBuilding() {
    val run = october()
    val book = book().also { it.post(run) }
    val buildings = Estate.demo().units().associate { it.id to it.buildingId }
    // On Nov 16 (the due date) everything is 0 days overdue, no penalty yet.
    val byBuilding = book.aging(day("2026-11-16"), "building")
    val want = run.bills().groupBy { buildings.getValue(it.unitId) }
        .mapValues { (_, bills) -> bills.fold(BigDecimal("0.00")) { a, b -> a + b.total } }.toSortedMap()
    assertEquals(want.keys.toList(), byBuilding.map { it.key })
    for (row in byBuilding) {
        assertEquals(want.getValue(row.key), row.total)
        assertEquals(row.total, row.days030)
    }
    assertEquals(run.total(), book.aging(day("2026-11-16")).single().total)
    // 收缴率 with a cut-off.
    val total = run.bills().first { it.unitId == "1-101" }.total
    book.applyPayments(listOf(row("1-101", total.toPlainString(), "2026-11-10", "B-1")))
    val (oct1, oct31, nov30) = Triple(day("2026-10-01"), day("2026-10-31"), day("2026-11-30"))
    val before = book.collection(oct1, oct31, nov30)
    assertEquals(total, before.single().collected)
    assertEquals(total.divide(run.total(), 4, java.math.RoundingMode.HALF_UP), before.single().rate)
    book.applyPayments(listOf(row("1-102", "10.00", "2026-12-03", "B-2")))
    assertEquals(before, book.collection(oct1, oct31, nov30))
    assertEquals(d("1.0000"), book.collection(oct1, oct31, nov30, "unit").first { it.key == "1-101" }.rate)
    assertNull(book.collection(day("2027-01-01"), day("2027-01-31"), nov30).single().rate)
    val bad = assertFailsWith<EstateKitException.Validation> { book.aging(nov30, "floor") }
    assertEquals("unknown_value" to "by", bad.code to bad.path)
}
