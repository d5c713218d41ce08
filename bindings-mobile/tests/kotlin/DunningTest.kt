// Single charges, opening balances (期初余额), payment reminders per owner with a
// minimum (催交款通知书, rendered in zh-CN and en) and write-offs (核销) of the residues
// penalty-first payments leave, through the generated Kotlin bindings.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun book(): Receivables = Receivables(Estate.demo(), FeeSchedule.demo())

private fun problems(rows: List<RejectedRow>) = rows.map { listOf(it.row.toString(), it.ref, it.code, it.path) }

// A lock replacement (not a schedule item: no penalty, named by its description).
private fun lock(amount: String = "80.00", unit: String = "1-101") = ChargeRow(
    unitId = unit, reference = "WO-77", itemCode = "lock", amount = d(amount),
    issuedOn = day("2026-11-05"), due = day("2026-11-20"), description = "门锁更换 lock replacement",
)

// An October charge of a schedule item, issued Nov 1, due Nov 16, id "2026-10-01/<item>".
private fun october(unit: String, item: String, amount: String) = ChargeRow(
    unitId = unit, itemCode = item, amount = d(amount), issuedOn = day("2026-11-01"), due = day("2026-11-16"),
    periodStart = day("2026-10-01"), periodEnd = day("2026-10-31"),
)

fun testSingleChargesPostedOnce() {
    val book = book()
    val res = book.postCharges(listOf(lock(), lock()))
    assertEquals(listOf(ImportedRow(1L, "1-101", "WO-77")), res.posted)
    assertEquals(listOf(ImportedRow(2L, "1-101", "WO-77")), res.alreadyPosted)
    assertEquals(emptyList(), res.rejected)
    val json = book.toJson()
    // Retried: already posted, nothing changes.
    val retry = book.postCharges(listOf(lock()))
    assertEquals(RowImport(posted = emptyList(), alreadyPosted = listOf(ImportedRow(1L, "1-101", "WO-77")), rejected = emptyList()), retry)
    // The same work order with another amount is a conflict, not a second charge.
    val conflict = book.postCharges(listOf(lock("95.00")))
    assertEquals(emptyList(), conflict.posted + conflict.alreadyPosted)
    assertEquals(listOf(listOf("1", "WO-77", "conflicting_repost", "amount")), problems(conflict.rejected))
    assertTrue(conflict.rejected.single().message.isNotBlank())
    assertEquals(json, book.toJson())
    // No penalty clause for an item the schedule does not have; the balance counts it.
    assertEquals(d("0.00"), book.penalty("1-101", "WO-77", day("2026-12-20")))
    assertEquals(d("80.00"), book.balance("1-101", day("2026-12-20")).principalOutstanding)
    // Without a ref the id is the one a billing run gives, and the schedule's penalty
    // clause applies: 311.58 × 30 days × 0.0005 = 4.6737 → 4.67 on Dec 16.
    val mgmt = october("1-102", "management", "311.58")
    assertEquals(listOf(ImportedRow(1L, "1-102", "2026-10-01/management")), book.postCharges(listOf(mgmt)).posted)
    assertEquals(d("4.67"), book.penalty("1-102", "2026-10-01/management", day("2026-12-16")))
    // Without the clause: none.
    val noPenalty = october("1-103", "management", "243.46").copy(penalty = false)
    assertEquals(1, book.postCharges(listOf(noPenalty)).posted.size)
    assertEquals(d("0.00"), book.penalty("1-103", "2026-10-01/management", day("2026-12-16")))
    // The same rows as JSON: the already posted one counted, bad rows named.
    val before = book.toJson()
    val fromJson = book.postChargesJson("""[
        {"unit_id": "1-101", "ref": "WO-77", "item_code": "lock", "amount": "80.00", "issued_on": "2026-11-05", "due": "2026-11-20"},
        {"unit_id": "1-101", "ref": "WO-78", "item_code": "lock", "amount": "80.00", "due": "2026-11-20"},
        {"unit_id": "1-101", "ref": "WO-79", "item_code": "lock", "amount": 80.5, "issued_on": "2026-11-05", "due": "2026-11-20"},
        {"unit_id": "9-999", "ref": "WO-80", "item_code": "lock", "amount": "80.00", "issued_on": "2026-11-05", "due": "2026-11-20"}]""")
    assertEquals(emptyList(), fromJson.posted)
    assertEquals(listOf(ImportedRow(1L, "1-101", "WO-77")), fromJson.alreadyPosted)
    assertEquals(
        listOf(
            listOf("2", "WO-78", "missing_value", "issued_on"),
            listOf("3", "WO-79", "json", "amount"),
            listOf("4", "WO-80", "unknown_reference", "unit_id"),
        ),
        problems(fromJson.rejected),
    )
    assertEquals(before, book.toJson())
    assertRefusesANonArray(book) { book.postChargesJson(it) }
}

fun testOpeningBalances() {
    val book = book()
    val rows = listOf(
        OpeningBalance.Unpaid(ChargeRow(unitId = "1-101", itemCode = "management", amount = d("331.15"),
            due = day("2026-08-16"), periodStart = day("2026-07-01"), periodEnd = day("2026-07-31"))),
        OpeningBalance.Unpaid(ChargeRow(unitId = "1-101", reference = "OLD-89", itemCode = "garbage",
            amount = d("10.00"), due = day("2026-09-16"))),
        OpeningBalance.Prepaid("1-102", d("500.00"), day("2026-10-31"), "OPEN-1-102"),
        OpeningBalance.Prepaid("9-999", d("1.00"), day("2026-10-31"), "OPEN-9-999"),
    )
    val res = book.openBalances(rows)
    val posted = listOf(
        ImportedRow(1L, "1-101", "2026-07-01/management"),
        ImportedRow(2L, "1-101", "OLD-89"),
        ImportedRow(3L, "1-102", "OPEN-1-102"),
    )
    assertEquals(posted, res.posted)
    assertEquals(emptyList(), res.alreadyPosted)
    assertEquals(listOf(listOf("4", "OPEN-9-999", "unknown_reference", "unit_id")), problems(res.rejected))
    // Aging and penalty count from the original due dates: on Oct 31 the July
    // management fee is 76 days overdue, the garbage fee 45.
    val oct31 = day("2026-10-31")
    assertEquals(Aging(d("0.00"), d("0.00"), d("10.00"), d("331.15"), d("0.00")), book.unitAging("1-101", oct31))
    // 331.15 × 76 × 0.0005 = 12.5837 → 12.58; garbage has no penalty clause.
    assertEquals(d("12.58"), book.penalty("1-101", "2026-07-01/management", oct31))
    assertEquals(d("0.00"), book.penalty("1-101", "OLD-89", oct31))
    val letter = book.reminders(oct31, d("1.00")).letters.single()
    assertEquals("1-101" to d("353.73"), letter.to to letter.totalDue)
    assertEquals(listOf(76L, 45L), letter.items.map { it.daysOverdue })
    assertEquals(listOf("物业服务费", "生活垃圾处理费"), letter.items.map { it.nameZh })
    // The prepaid balance settles a later bill at once: never dunned.
    val nov = ChargeRow(unitId = "1-102", itemCode = "management", amount = d("311.58"),
        issuedOn = day("2026-12-01"), due = day("2026-12-16"), periodStart = day("2026-11-01"), periodEnd = day("2026-11-30"))
    assertEquals(1, book.postCharges(listOf(nov)).posted.size)
    val jan31 = day("2027-01-31")
    val bal = book.balance("1-102", jan31)
    assertEquals(listOf(d("500.00"), d("311.58"), d("0.00"), d("188.42"), d("0.00")),
        listOf(bal.paid, bal.principalPaid, bal.principalOutstanding, bal.prepaid, bal.penaltyAccrued))
    assertEquals(emptyList(), book.reminder("1-102", jan31).items)
    assertTrue(book.reminders(jan31, d("0.00")).letters.none { "1-102" in it.unitIds })
    // Retried, as objects or as JSON: everything already posted, the bad row still bad.
    val json = book.toJson()
    val again = book.openBalances(rows)
    assertEquals(RowImport(posted = emptyList(), alreadyPosted = posted, rejected = res.rejected), again)
    val fromJson = book.openBalancesJson("""[
        {"unit_id": "1-101", "item_code": "management", "amount": "331.15", "due": "2026-08-16", "period_start": "2026-07-01", "period_end": "2026-07-31"},
        {"unit_id": "1-101", "ref": "OLD-89", "item_code": "garbage", "amount": "10.00", "due": "2026-09-16"},
        {"unit_id": "1-102", "prepaid": "500.00", "date": "2026-10-31", "ref": "OPEN-1-102"},
        {"unit_id": "9-999", "prepaid": "1.00", "date": "2026-10-31", "ref": "OPEN-9-999"}]""")
    assertEquals(emptyList(), fromJson.posted)
    assertEquals(posted, fromJson.alreadyPosted)
    assertEquals(listOf(listOf("4", "OPEN-9-999", "unknown_reference", "unit_id")), problems(fromJson.rejected))
    assertEquals(json, book.toJson())
    // The same item with another due date is a conflict.
    val moved = rows[0] as OpeningBalance.Unpaid
    val conflict = book.openBalances(listOf(OpeningBalance.Unpaid(moved.row.copy(due = day("2026-08-20")))))
    assertEquals(listOf(listOf("1", "2026-07-01/management", "conflicting_repost", "due")), problems(conflict.rejected))
    assertEquals(json, book.toJson())
}

// The October charges of the reminder and write-off scenarios: a flat, a parking
// space and a storage room of one owner, a flat with a lock replacement, and a flat
// whose bill (243.46 = 65.80 m² × 3.70) is paid exactly, one day late.
private fun dunningBook(): Receivables {
    val book = book()
    val res = book.postCharges(listOf(
        october("1-101", "management", "331.15"),
        october("P-01", "parking", "60.00"),
        october("S-01", "management", "31.82"),
        lock(unit = "1-102"),
        october("1-103", "management", "243.46"),
    ))
    assertEquals(5 to 0, res.posted.size to res.rejected.size)
    // Penalty first: 243.46 × 1 day × 0.0005 = 0.12 penalty, so 0.12 principal stays open.
    val paid = book.applyPayments(listOf(PaymentRow("1-103", d("243.46"), day("2026-11-17"), "B-1")))
    assertEquals(PaymentApplication("2026-10-01/management", d("243.34"), d("0.12")), paid.applied.single().applied.single())
    return book
}

private val OWNER = mapOf("1-101" to "王伟", "P-01" to "王伟", "S-01" to "王伟")

fun testRemindersPerOwnerWithMinimum() {
    val book = dunningBook()
    val dec16 = day("2026-12-16")
    val r = book.reminders(dec16, d("1.00"), OWNER)
    // The 0.12 residue is not dunned, but listed (Dec 16: 0.12347 penalty accrued, 0.12 paid).
    assertEquals(listOf(Suppressed("1-103", listOf("1-103"), d("0.12"))), r.suppressed)
    assertEquals(listOf("1-102", "王伟"), r.letters.map { it.to })
    val (lockLetter, wang) = r.letters
    assertEquals(
        ReminderLetter("1-102", listOf("1-102"), dec16, listOf(
            LetterItem("1-102", "WO-77", "lock", "门锁更换 lock replacement", "门锁更换 lock replacement", null, null,
                day("2026-11-20"), 26L, d("80.00"), d("0.00"), d("80.00")),
        ), d("80.00"), d("0.00"), d("80.00"), d("0.00")),
        lockLetter,
    )
    // One letter for the owner's three units; 30 days on the management fees:
    // 331.15 × 30 × 0.0005 = 4.97, 31.82 × 30 × 0.0005 = 0.48; parking has no penalty.
    assertEquals(listOf("1-101", "P-01", "S-01"), wang.unitIds)
    fun item(unit: String, code: String, zh: String, en: String, principal: String, penalty: String, total: String) =
        LetterItem(unit, "2026-10-01/$code", code, zh, en, day("2026-10-01"), day("2026-10-31"),
            day("2026-11-16"), 30L, d(principal), d(penalty), d(total))
    assertEquals(
        listOf(
            item("1-101", "management", "物业服务费", "Management fee", "331.15", "4.97", "336.12"),
            item("P-01", "parking", "车位管理费", "Parking space management", "60.00", "0.00", "60.00"),
            item("S-01", "management", "物业服务费", "Management fee", "31.82", "0.48", "32.30"),
        ),
        wang.items,
    )
    assertEquals(listOf(d("422.97"), d("5.45"), d("428.42"), d("0.00")), listOf(wang.principal, wang.penalty, wang.totalDue, wang.prepaid))
    // Without a grouping: a letter per unit; without a minimum the residue is dunned.
    val perUnit = book.reminders(dec16, d("0.00"))
    assertEquals(listOf("1-101", "1-102", "1-103", "P-01", "S-01"), perUnit.letters.map { it.to })
    assertEquals(emptyList(), perUnit.suppressed)
    assertEquals(d("0.12"), perUnit.letters.first { it.to == "1-103" }.totalDue)
    assertEquals(d("336.12"), perUnit.letters.first { it.to == "1-101" }.totalDue)
    // Before the due dates nothing is overdue.
    assertEquals(Reminders(emptyList(), emptyList()), book.reminders(day("2026-11-16"), d("1.00"), OWNER))
    // The per-unit reminder is unchanged.
    assertEquals(d("336.12"), book.reminder("1-101", dec16).totalDue)
}

fun testRenderReminderLetter() {
    val r = dunningBook().reminders(day("2026-12-16"), d("1.00"), OWNER)
    val (lockLetter, wang) = r.letters
    assertEquals(
        """
        催交款通知书

        尊敬的 王伟 业主（1-101、P-01、S-01）：
        截至 2026-12-16，以下费用已逾期未缴：
        1. 1-101 物业服务费（2026-10-01 至 2026-10-31），应缴日 2026-11-16，逾期 30 天：本金 331.15 元，滞纳金 4.97 元，小计 336.12 元
        2. P-01 车位管理费（2026-10-01 至 2026-10-31），应缴日 2026-11-16，逾期 30 天：本金 60.00 元，滞纳金 0.00 元，小计 60.00 元
        3. S-01 物业服务费（2026-10-01 至 2026-10-31），应缴日 2026-11-16，逾期 30 天：本金 31.82 元，滞纳金 0.48 元，小计 32.30 元
        合计应缴：428.42 元（本金 422.97 元，滞纳金 5.45 元）
        滞纳金计至 2026-12-16，逐日累计。请尽快缴纳；如已缴纳，请忽略本通知。
        """.trimIndent(),
        wang.render(Language.ZH_CN),
    )
    assertEquals(
        """
        Payment reminder

        To: 王伟 (units 1-101, P-01, S-01)
        As of 2026-12-16, the following charges are overdue:
        1. 1-101 Management fee (2026-10-01 to 2026-10-31), due 2026-11-16, 30 days overdue: principal 331.15, penalty 4.97, total 336.12
        2. P-01 Parking space management (2026-10-01 to 2026-10-31), due 2026-11-16, 30 days overdue: principal 60.00, penalty 0.00, total 60.00
        3. S-01 Management fee (2026-10-01 to 2026-10-31), due 2026-11-16, 30 days overdue: principal 31.82, penalty 0.48, total 32.30
        Total due: 428.42 (principal 422.97, penalty 5.45)
        Penalty is counted to 2026-12-16 and grows daily. Please pay soon; if you have already paid, please disregard this notice.
        """.trimIndent(),
        wang.render(Language.EN),
    )
    // A unit's own letter, no period and no penalty: no penalty sentence.
    assertEquals(
        listOf(
            "Payment reminder",
            "",
            "To: the owner of unit 1-102",
            "As of 2026-12-16, the following charges are overdue:",
            "1. 1-102 门锁更换 lock replacement, due 2026-11-20, 26 days overdue: principal 80.00, penalty 0.00, total 80.00",
            "Total due: 80.00 (principal 80.00, penalty 0.00)",
            "Please pay soon; if you have already paid, please disregard this notice.",
        ),
        lockLetter.render(Language.EN).lines(),
    )
    assertEquals(
        listOf("尊敬的 1-102 业主：", "1. 1-102 门锁更换 lock replacement，应缴日 2026-11-20，逾期 26 天：本金 80.00 元，滞纳金 0.00 元，小计 80.00 元"),
        lockLetter.render(Language.ZH_CN).lines().filter { it.startsWith("尊敬") || it.startsWith("1.") },
    )
    // A prepaid balance is shown when there is one.
    val prepaid = lockLetter.copy(prepaid = d("5.00")).render(Language.ZH_CN).lines()
    assertEquals("预存款余额：5.00 元", prepaid[prepaid.size - 2])
    // A period needs both ends.
    val half = wang.copy(items = wang.items.mapIndexed { i, it -> if (i == 1) it.copy(periodEnd = null) else it })
    val e = assertFailsWith<EstateKitException.Validation> { half.render(Language.EN) }
    assertEquals("missing_value" to "items[1].period_end", e.code to e.path)
}

fun testWriteOffResidues() {
    val book = dunningBook()
    val dec16 = day("2026-12-16")
    assertEquals(d("0.12"), book.balance("1-103", dec16).principalOutstanding)
    val before = book.toJson()
    // Only the residue is below the threshold; everything else is a real debt.
    val done = book.writeOffResidues(dec16, "residue under 1.00", d("1.00"))
    assertEquals(listOf(WriteOff("1-103", "2026-10-01/management", "management", d("0.12"), d("0.00"))), done)
    assertTrue(before != book.toJson())
    val bal = book.balance("1-103", dec16)
    assertEquals(listOf(d("0.00"), d("0.00"), d("0.12"), d("243.34")),
        listOf(bal.principalOutstanding, bal.penaltyOutstanding, bal.principalWrittenOff, bal.principalPaid))
    assertEquals(bal.billed - bal.principalWrittenOff + bal.penaltyAccrued - bal.penaltyWaived,
        bal.principalPaid + bal.penaltyPaid + bal.principalOutstanding + bal.penaltyOutstanding)
    val t = book.totals(dec16)
    assertEquals(d("0.12"), t.writtenOff)
    assertEquals(t.billed - t.writtenOff + t.penaltyAccrued - t.penaltyWaived, t.applied + t.outstanding)
    // No penalty grows on it afterwards; nothing left to dun or to write off.
    assertEquals(d("0.00"), book.penalty("1-103", "2026-10-01/management", day("2027-06-30")))
    assertTrue(book.reminders(dec16, d("0.00")).letters.none { it.to == "1-103" })
    val json = book.toJson()
    assertEquals(emptyList(), book.writeOffResidues(dec16, "again", d("1.00")))
    assertEquals(json, book.toJson())
    assertEquals(json, Receivables.fromJson(json, Estate.demo(), FeeSchedule.demo()).toJson())
}

fun testLedgerWriteOff() {
    val l = Ledger("1-101")
    l.addCharge("c", "management", day("2026-01-15"), d("100.00"), day("2026-01-01"), PenaltyPolicy(dailyRate = d("0.0005")))
    // 10 days late: 0.50 penalty first, 99.50 principal.
    assertEquals(listOf(PaymentApplication("c", d("99.50"), d("0.50"))), l.pay("P1", d("100.00"), day("2026-01-25")).applied)
    // Mar 6: 100.00 × 10 + 0.50 × 40 = 1,020 amount-days → 0.51 accrued, 0.50 paid.
    val mar6 = day("2026-03-06")
    assertEquals(WriteOffAmounts(d("0.50"), d("0.01")), l.writeOff("c", "residue under 1.00", mar6))
    val b = l.balance(mar6)
    assertEquals(listOf(d("0.50"), d("0.01"), d("0.00"), d("0.00"), d("99.50")),
        listOf(b.principalWrittenOff, b.penaltyWaived, b.principalOutstanding, b.penaltyOutstanding, b.principalPaid))
    assertEquals(d("0.00"), l.penalty("c", day("2026-12-31")))
    assertEquals(l.toJson(), Ledger.fromJson(l.toJson()).toJson())
    val json = l.toJson()
    val nothing = assertFailsWith<EstateKitException.Validation> { l.writeOff("c", "again", mar6) }
    assertEquals("out_of_range" to "charge_id", nothing.code to nothing.path)
    val unknown = assertFailsWith<EstateKitException.Validation> { l.writeOff("z", "x", mar6) }
    assertEquals("unknown_reference", unknown.code)
    val noReason = assertFailsWith<EstateKitException.Validation> { l.writeOff("c", " ", mar6) }
    assertEquals("empty_field" to "reason", noReason.code to noReason.path)
    assertEquals(json, l.toJson())
}
