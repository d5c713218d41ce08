// A bank file as it arrives, through the generated Kotlin bindings: read with csvRows,
// applied with applyPaymentRecords (thousands separators, slash dates, a duplicated
// line, a reversal before its payment, an unknown unit, a mistyped amount). The same
// figures as core/tests/bank_file.rs.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

private val BANK = "\ufeffunit_id,amount,date,ref,reverses\r\n" +
    "1-101,\"1,200.00\",2026/11/3,B-001,\r\n" +
    "\u00a01-102 ,331.15,2026-11-04,B-002,\r\n" +
    "1-103,88.5,2026/11/5,B-003,\r\n" +
    "1-201,-2000.00,2026/11/20,R-001,B-010\r\n" +
    "1-101,\"1,200.00\",2026/11/3,B-001,\r\n" +
    ",,,,\r\n" +
    "1-201,\"2,000.00\",2026/11/6,B-010,\r\n" +
    "9-999,100.00,2026/11/6,B-011,\r\n" +
    "1-202,12.5O,2026/11/6,B-012,\r\n" +
    "1-203,100.00,2026.11.06,B-013,\r\n"

private fun octoberBook(): Receivables {
    val run = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", BigDecimal("1000.00")))))
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(run)
    return book
}

fun testNoisyBankFile() {
    val book = octoberBook()
    val rows = csvRows("payments", BANK)
    assertEquals(10, rows.size)
    val res = book.applyPaymentRecords(rows)
    assertEquals(listOf(Triple(1L, "B-001", "1200.00"), Triple(2L, "B-002", "331.15"), Triple(3L, "B-003", "88.50"),
        Triple(7L, "B-010", "2000.00")), res.applied.map { Triple(it.row, it.ref, it.amount.toPlainString()) })
    assertEquals(listOf(Triple(4L, "B-010", LocalDate.of(2026, 11, 20))),
        res.reversed.map { Triple(it.row, it.ref, it.reversedOn) })
    assertEquals(listOf(5L), res.alreadyApplied.map { it.row })
    assertEquals(listOf(
        listOf("8", "B-011", "unknown_reference", "unit_id"),
        listOf("9", "B-012", "invalid_decimal", "amount"),
        listOf("10", "B-013", "invalid_date", "date"),
    ), res.rejected.map { listOf(it.row.toString(), it.ref, it.code, it.path) })
    assertEquals("row 9 (ref \"B-012\"): amount: expected a number such as 1234.50 or 1,234.50, got \"12.5O\"", res.rejected[1].message)
    assertEquals(11, res.normalisations.size)
    assertEquals(listOf("payments", "1", "B-001", "amount", "1,200.00", "1200.00"),
        res.normalisations[0].let { listOf(it.table, it.row.toString(), it.id, it.column, it.before, it.after) })
    assertEquals(BigDecimal("1619.65"), book.totals(LocalDate.of(2026, 11, 30)).collected)
    val json = book.toJson()
    val again = book.applyPaymentRecords(rows)
    assertEquals(listOf(0, 0, 6, 3), listOf(again.applied.size, again.reversed.size, again.alreadyApplied.size, again.rejected.size))
    assertEquals(json, book.toJson())
    // The rows in the opposite order give the same book.
    val backward = octoberBook()
    backward.applyPaymentRecords(rows.reversed())
    assertEquals(json, backward.toJson())
}

fun testChargesAndOpeningFromRecords() {
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    val opening = csvRows("opening", "unit_id,ref,item_code,amount,due,prepaid,date\n" +
        "1-101,OLD-0716,management,331.15,2026/8/16,,\n" +
        "1-102,OPEN-1-102,,,,\"1,500.00\",2026/10/31\n" +
        "1-103,OLD-0816,management,331.15,2026/9/16,\"1.00\",\n")
    val res = book.openBalanceRecords(opening)
    assertEquals(listOf("OLD-0716", "OPEN-1-102"), res.posted.map { it.ref })
    assertEquals(listOf(listOf("3", "invalid_cell", "item_code")), res.rejected.map { listOf(it.row.toString(), it.code, it.path) })
    val charges = book.postChargeRecords(listOf(mapOf("unit_id" to "1-101", "ref" to "WO-7", "item_code" to "lock",
        "amount" to "80", "issued_on" to "2026/11/5", "due" to "2026-11-20", "penalty" to "否")))
    assertEquals(listOf("WO-7"), charges.posted.map { it.ref })
    assertEquals(listOf("issued_on", "penalty"), charges.normalisations.map { it.column })
    // A typed reversal row does the same as a records one.
    val typed = octoberBook()
    typed.applyPayments(listOf(PaymentRow("1-101", BigDecimal("500.00"), LocalDate.of(2026, 11, 3), "B-1")))
    val rev = typed.applyPayments(listOf(PaymentRow("1-101", BigDecimal("-500.00"), LocalDate.of(2026, 11, 9), "R-1", "B-1")))
    assertEquals(listOf("B-1"), rev.reversed.map { it.ref })
}

fun testUnreadableCsv() {
    val e = assertFailsWith<EstateKitException.Records> { csvRows("payments", "unit_id,amount\n1-101,\"1,000.00\n") }
    assertEquals(listOf("payments[row=1]" to "csv"), e.problems.map { it.path to it.code })
}

fun testPooledFromRecords() {
    val pooled = pooledFromRecords(csvRows("pooled", "item_code,amount\ncommon_electricity,\"3,943.20\"\n"))
    assertEquals(listOf(PooledInput("common_electricity", BigDecimal("3943.20"))), pooled)
    val e = assertFailsWith<EstateKitException.Records> {
        pooledFromRecords(listOf(mapOf("item_code" to "common_water", "amount" to "12.5O"),
            mapOf("item_code" to "common_water", "amount" to "1")))
    }
    assertEquals(listOf("pooled[id=common_water].amount" to "invalid_decimal", "pooled[id=common_water].item_code" to "duplicate_id"),
        e.problems.map { it.path to it.code })
}
