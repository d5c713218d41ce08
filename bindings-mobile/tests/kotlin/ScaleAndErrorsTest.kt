// Issue 19, points 2 and 4: every amount at the estate's (ledger's) scale, so that
// `equals` agrees with `compareTo` (the Javadoc of BigDecimal.equals: "2.0 is not equal
// to 2.00 when compared by this method"); objects with a JSON form equal by value; every
// error an EstateKitException with a stable code, a path and zh/en messages; an
// out-of-range Instant a Validation error in every module alike.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private val JAN1 = LocalDate.of(2026, 1, 1)
private val JAN10 = LocalDate.of(2026, 1, 10)

fun testLedgerAmountsEqualAtTheScale() {
    val l = Ledger("1-101")
    assertEquals(d("0.00"), l.prepaid())
    assertEquals(d("0.00"), l.reminder(JAN1).totalDue)
    l.addCharge("c", "x", LocalDate.of(2026, 1, 15), d("100"), JAN1, null)
    val p = l.pay("P1", d("150.000"), JAN10)
    assertEquals(d("150.00"), p.amount)
    assertEquals(d("50.00"), p.toPrepaid)
    assertEquals(d("50.00"), l.prepaid())
    assertTrue(l.toJson().contains("\"prepaid\": \"50.00\""))
    val e = assertFailsWith<EstateKitException.Validation> { l.pay("P2", d("0.001"), JAN10) }
    assertEquals("too_many_decimals" to "amount", e.code to e.path)
    val dup = assertFailsWith<EstateKitException> { l.pay("P1", d("1.00"), JAN10) }
    dup as EstateKitException.Validation
    assertEquals("duplicate_id" to "id", dup.code to dup.path)
    assertEquals("id：编号重复（如收据号已使用）", dup.messageZh)
    assertEquals(dup.detail, dup.messageEn)
}

fun testObjectsWithAJsonFormEqualByValue() {
    val a = Ledger("1-101")
    a.pay("P1", d("150"), JAN10)
    val b = Ledger.fromJson(a.toJson().replace("\"150.00\"", "\"150.000\""))
    assertEquals(a, b)
    assertEquals(a.hashCode(), b.hashCode())
    assertNotEquals(a, Ledger("1-101"))
    assertEquals(Estate.demo(), Estate.fromJson(Estate.demo().toJson()))
    assertEquals(Estate.demo().hashCode(), Estate.fromJson(Estate.demo().toJson()).hashCode())
    // A ticket read back from its document equals the ticket written.
    ticket(Instant.parse("2026-11-02T00:00:00Z")).use { f ->
        TicketFlow.fromJson(f.toJson()).use { back ->
            assertEquals(f, back)
            assertEquals(f.hashCode(), back.hashCode())
            back.assign("李工", "前台小张", Instant.parse("2026-11-02T00:10:00Z"))
            assertNotEquals(f, back)
        }
    }
}

fun testPoolFiguresAtTheScale() {
    val schedule = FeeSchedule.fromJson("""{"format_version": 1, "items": [
      {"code": "common_electricity", "name_zh": "公共电费", "name_en": "Common electricity",
       "effective_from": "2020-01-01",
       "rule": {"pooled": {"source": "given", "method": "equal",
                           "deduction": {"percent": "5"}, "admin_fee": {"percent": "2.5"}}}}]}""")
    val run = billEstate(Estate.demo(), schedule, 2026, 10, BillingInputs(pooled = listOf(PooledInput("common_electricity", d("869.4")))))
    val p = run.pools()[0]
    // 869.40 × 5 % = 43.470 → 43.47; × 2.5 % = 21.735 → 21.74; 869.40 − 43.47 + 21.74.
    assertEquals(listOf(d("869.40"), d("43.47"), d("21.74"), d("847.67")), listOf(p.sourceAmount, p.deduction, p.adminFee, p.splitAmount))
}

private fun ticket(receivedAt: Instant) = TicketFlow(
    "T1", "1-201", TicketChannel.HOTLINE, receivedAt, "王女士", "卫生间漏水",
    TicketKind.REPAIR_REQUEST, "repair.plumbing", Urgency.URGENT, "engineering", "前台小张")

fun testOutOfRangeInstantsAreValidationErrorsEverywhere() {
    val cal = BusinessCalendar.weekly("09:00", "18:00", listOf(0, 1, 2, 3, 4), 0, listOf())
    val ok = Instant.parse("2026-11-02T00:00:00Z")
    for (bad in listOf(Instant.MAX, Instant.MIN, Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("0000-12-31T23:59:59Z"))) {
        val e = assertFailsWith<EstateKitException> { cal.secondsBetween(bad, ok) }
        e as EstateKitException.Validation
        assertEquals("out_of_range" to "argument", e.code to e.path)
        // A ticket: received at, and an action at, the bad instant.
        val t = assertFailsWith<EstateKitException> { ticket(bad) }
        t as EstateKitException.Validation
        assertEquals("out_of_range" to "argument", t.code to t.path)
        ticket(ok).use { flow ->
            val a = assertFailsWith<EstateKitException> { flow.assign("李工", "前台小张", bad) }
            a as EstateKitException.Validation
            assertEquals("out_of_range" to "argument", a.code to a.path)
            assertEquals(1, flow.events().size)
        }
        // A checklist: an item completed at the bad instant.
        val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY, 0)
        val f = assertFailsWith<EstateKitException> { c.complete("occupancy_notice_presented", "李四", CheckinRole.RECEPTIONIST, bad, null, null) }
        f as EstateKitException.Validation
        assertEquals("out_of_range" to "argument", f.code to f.path)
        assertEquals("argument：超出允许范围（如年份不在 1–9999）", f.messageZh)
    }
    // A document dated beyond year 9999 is refused when read, by both modules alike.
    val big = "\"+10000-01-01T00:00:00Z\""
    ticket(ok).use { flow ->
        val d = assertFailsWith<EstateKitException.Validation> { TicketFlow.fromJson(flow.toJson().replace("\"2026-11-02T00:00:00Z\"", big), null) }
        assertEquals("out_of_range" to "ticket.received_at", d.code to d.path)
    }
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY, 0)
    c.complete("occupancy_notice_presented", "李四", CheckinRole.RECEPTIONIST, ok, null, null)
    val d = assertFailsWith<EstateKitException.Validation> { Checklist.fromJson(c.toJson().replace("\"2026-11-02T00:00:00Z\"", big), CheckinTemplate.default()) }
    assertEquals("out_of_range" to "events[0].at", d.code to d.path)
    // 1969 is within the range in both modules.
    val t1969 = Instant.parse("1969-07-20T20:17:00Z")
    assertEquals(0L, cal.secondsBetween(t1969, t1969))
    ticket(t1969).use { flow -> assertEquals(TicketState.ASSIGNED, flow.assign("李工", "前台小张", t1969)) }
    val old = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(1969, 7, 20), HandoverMode.ORDINARY, 0)
    old.complete("occupancy_notice_presented", "李四", CheckinRole.RECEPTIONIST, t1969, null, null)
}
