// Key custody (钥匙管理) through the generated bindings: the walk of core/tests/keys.rs
// (same amounts, counts, codes and paths): a short return charged to 1-101 and posted
// to the book once, the authorisation refusals, a claim against staff, a vacant unit's
// keys handed over at check-in with a matching count, a stock-take, and a register
// whose JSON restores exactly.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun dec(s: String): BigDecimal = BigDecimal(s)
private val MANAGER_OK = Authorisation.Manager("周经理")

private fun roofLoan(id: String = "L-1", keySetId: String = "K-ROOF-1", reason: String = "检查天台太阳能热水器") =
    LoanInput(id = id, keySetId = keySetId, borrower = "王芳", party = Party.OWNER, unitId = "1-101",
        idChecked = true, authorisation = MANAGER_OK, reason = reason, count = 2L)

/** KeyRegister::example() of the core, built through the binding. */
private fun example(): KeyRegister {
    val estate = Estate.demo()
    val reg = KeyRegister(estate.id(), KeyPolicy(lockReplacement = dec("150.00")))
    reg.register(estate, KeySetInput("K-ROOF-1", KeySetKind.PUBLIC_ROOM, "1号楼天台", slot = "A-01", count = 2L),
        "李主管", at("2026-11-01T01:00:00Z"))
    reg.register(estate, KeySetInput("K-PUMP", KeySetKind.PUBLIC_ROOM, "水泵房", slot = "A-03", count = 2L,
        lockReplacement = dec("300.00")), "李主管", at("2026-11-01T01:05:00Z"))
    reg.register(estate, KeySetInput("K-1-603", KeySetKind.VACANT_UNIT, "1-603", unitId = "1-603", slot = "B-06",
        count = 2L), "李主管", at("2026-11-01T01:10:00Z"))
    reg.takeIntoCustody("K-1-603", 2L, "李主管", at("2026-11-01T01:15:00Z"))
    reg.lend(roofLoan(), actor = "小陈", at = at("2026-11-03T02:00:00Z"))
    return reg
}

private fun owners(): Registry {
    val r = Registry("lakeside")
    r.addPerson(Person(id = "P-WANG", name = "王芳"))
    for (u in listOf("1-101", "1-603")) {
        r.addRole(RoleRecord(unitId = u, personId = "P-WANG", role = OccupantRole.OWNER, from = day("2026-10-01")))
    }
    return r
}

private fun fails(block: () -> Unit): Pair<String, String> =
    try {
        block()
        "none" to ""
    } catch (e: EstateKitException.Validation) {
        e.code to e.path
    } catch (e: EstateKitException.State) {
        "state:${e.code}" to e.path
    }

fun testKeysShortReturnChargesTheOwnersUnitOnce() {
    val reg = example()
    val loan = reg.loan("L-1")!!
    assertEquals(at("2026-11-03T16:00:00Z"), loan.due) // the end of the Beijing day
    assertEquals(MANAGER_OK, loan.input.authorisation)
    assertTrue(reg.overdue(at("2026-11-03T16:00:00Z")).isEmpty())
    assertEquals(listOf("L-1"), reg.overdue(at("2026-11-04T01:00:00Z")).map { it.id })

    val back = reg.returnLoan("L-1", 1L, "小陈", at("2026-11-04T01:30:00Z"))
    assertEquals(1L to at("2026-11-04T01:30:00Z"), back.returned to back.returnedAt)
    val roof = reg.keySet("K-ROOF-1")!!
    assertEquals(Triple(KeyStatus.IN_CUSTODY, 1L, null as String?), Triple(roof.status, roof.count, roof.loanId))
    val loss = reg.losses().single()
    assertEquals(listOf("LOSS-1", 1L, Party.OWNER, "王芳", "1-101", false),
        listOf(loss.id, loss.missing, loss.party, loss.responsible, loss.unitId, loss.isClaim))
    assertEquals(0, dec("150.00").compareTo(loss.amount))
    assertTrue(reg.claims().isEmpty())
    val before = reg.toJson()
    reg.returnLoan("L-1", 1L, "小陈", at("2026-11-04T01:31:00Z"))
    assertEquals(before, reg.toJson())
    assertEquals("state:key_state" to "loan_id", fails { reg.returnLoan("L-1", 2L, "小陈", at("2026-11-04T01:32:00Z")) })
    assertEquals("invalid_integer" to "count", fails { reg.returnLoan("L-1", -1L, "小陈", at("2026-11-04T01:32:00Z")) })

    val row = reg.lossCharge("LOSS-1")!!
    assertEquals(listOf("1-101", "lock_replacement", "LOSS-1/lock_replacement", day("2026-11-04"), day("2026-11-19")),
        listOf(row.unitId, row.itemCode, row.reference, row.issuedOn, row.due))
    assertEquals("150.00", row.amount.toPlainString())
    assertEquals("unknown_reference" to "loss_id", fails { reg.lossCharge("LOSS-9") })
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    val posted = book.postCharges(listOf(row, row))
    assertEquals(Triple(1, 1, 0), Triple(posted.posted.size, posted.alreadyPosted.size, posted.rejected.size))
    assertEquals("150.00", book.balance("1-101", day("2026-11-20")).billed.toPlainString())

    assertEquals(3L, reg.replaceLock("K-ROOF-1", 3L, "李主管", at("2026-11-05T02:00:00Z")).count)
    assertEquals(at("2026-11-05T02:00:00Z"), reg.losses()[0].replacedAt)
    assertEquals(reg, KeyRegister.fromJson(reg.toJson()))
}

fun testKeysLoansNeedIdentityAuthorisationAndAFreeSet() {
    val reg = example()
    val people = owners()
    val t = at("2026-11-04T02:00:00Z")
    assertEquals("state:key_state" to "key_set_id", fails { reg.lend(roofLoan("L-2"), actor = "小陈", at = t) })
    val before = reg.toJson()
    assertEquals(at("2026-11-03T02:00:00Z"), reg.lend(roofLoan(), actor = "小陈", at = t).outAt)
    assertEquals(before, reg.toJson())
    assertEquals("duplicate_id" to "loan.id", fails { reg.lend(roofLoan(reason = "另一件事"), actor = "小陈", at = t) })

    fun pump(id: String, auth: Authorisation, idChecked: Boolean = true, count: Long = 1L) =
        LoanInput(id = id, keySetId = "K-PUMP", borrower = "水泵维保 赵工", party = Party.CONTRACTOR,
            idChecked = idChecked, authorisation = auth, reason = "水泵季度保养", count = count)
    val wang = Authorisation.Owner("P-WANG")
    assertEquals("state:not_authorised" to "authorisation", fails { reg.lend(pump("L-2", wang), people, "小陈", t) })
    assertEquals("state:not_authorised" to "id_checked",
        fails { reg.lend(pump("L-2", MANAGER_OK, idChecked = false), actor = "小陈", at = t) })
    assertEquals("out_of_range" to "count", fails { reg.lend(pump("L-2", MANAGER_OK, count = 3L), actor = "小陈", at = t) })
    assertEquals("invalid_integer" to "loan.count",
        fails { reg.lend(pump("L-2", MANAGER_OK, count = -1L), actor = "小陈", at = t) })
    assertEquals(before, reg.toJson())
    reg.lend(pump("L-2", MANAGER_OK), actor = "小陈", at = t)

    Estate.demo().use { estate ->
        reg.register(estate, KeySetInput("K-1-101", KeySetKind.ENTRUSTED, "1-101", unitId = "1-101", slot = "C-01",
            count = 2L), "李主管", t)
    }
    fun unitLoan(auth: Authorisation) = LoanInput(id = "L-3", keySetId = "K-1-101", borrower = "维修工 钱",
        party = Party.STAFF, idChecked = true, authorisation = auth, reason = "楼下漏水，入户查漏", count = 1L,
        due = at("2026-11-04T10:00:00Z"))
    assertEquals("state:not_authorised" to "authorisation", fails { reg.lend(unitLoan(MANAGER_OK), people, "小陈", t) })
    people.addPerson(Person(id = "P-TENANT", name = "租户 孙"))
    people.addRole(RoleRecord(unitId = "1-101", personId = "P-TENANT", role = OccupantRole.TENANT,
        from = day("2026-10-01"), leaseStart = day("2026-10-01"), leaseEnd = day("2027-09-30")))
    val e = assertFailsWith<EstateKitException.State> { reg.lend(unitLoan(Authorisation.Owner("P-TENANT")), people, "小陈", t) }
    assertEquals("no_consent" to "authorisation.person_id", e.code to e.path)
    assertTrue("P-TENANT" in e.messageEn, e.messageEn)
    assertEquals("state:no_consent" to "authorisation.person_id", fails { reg.lend(unitLoan(wang), actor = "小陈", at = t) })
    assertEquals(at("2026-11-04T10:00:00Z"), reg.lend(unitLoan(wang), people, "小陈", t).due)
    reg.returnLoan("L-3", 0L, "小陈", at("2026-11-04T09:00:00Z"))
    val loss = reg.losses().single()
    assertEquals(Triple(Party.STAFF, null as String?, true), Triple(loss.party, loss.unitId, loss.isClaim))
    assertEquals(listOf(loss), reg.claims())
    assertNull(reg.lossCharge(loss.id))
    assertEquals(1L, reg.keySet("K-1-101")!!.count)
    assertEquals(reg, KeyRegister.fromJson(reg.toJson()))
}

/** 1-603's check-in by 王芳, done up to its key handover (two keys). */
private fun checkin1603(): Checklist {
    val template = CheckinTemplate.default()
    val c = Checklist.start(template, "1-603", "王芳", day("2026-11-10"))
    var minute = 0L
    for (step in template.steps()) {
        for (item in step.items.filter { it.mandatory }) {
            minute += 2
            val data = when (item.kind) {
                ItemKind.SIGNATURE -> ItemData(signatureRef = "SIG-$minute")
                ItemKind.PAYMENT -> ItemData(receiptRef = "R-$minute")
                ItemKind.KEY_HANDOVER -> ItemData(keys = 2L)
                ItemKind.METER_READING -> ItemData(reading = dec("600.0"))
                ItemKind.INSPECTION -> ItemData(outcome = HandoverOutcome.ACCEPTED)
                else -> ItemData()
            }
            c.complete(item.code, "李四", item.roles[0], at("2026-11-10T01:00:00Z").plusSeconds(60 * minute), data)
            if (item.kind == ItemKind.KEY_HANDOVER) return c
        }
    }
    error("no key handover")
}

fun testKeysVacantUnitHandedOverAtCheckInAndStockTake() {
    val reg = example()
    val checklist = checkin1603()
    Estate.demo().use { estate ->
        val k = reg.register(estate, KeySetInput("K-1-602", KeySetKind.VACANT_UNIT, "1-602", unitId = "1-602",
            slot = "B-07", count = 3L), "李主管", at("2026-11-05T01:00:00Z"))
        assertEquals(KeyStatus.RECEIVED, k.status)
    }
    assertEquals("mismatch" to "counted", fails { reg.takeIntoCustody("K-1-602", 2L, "李主管", at("2026-11-05T01:10:00Z")) })
    assertEquals("state:key_state" to "key_set_id",
        fails { reg.lend(roofLoan("L-2", keySetId = "K-1-602"), actor = "小陈", at = at("2026-11-05T01:20:00Z")) })
    reg.takeIntoCustody("K-1-602", 3L, "李主管", at("2026-11-05T01:30:00Z"))
    assertEquals("unknown_value" to "unit_id", fails { reg.handOver("K-1-602", checklist, "小陈", at("2026-11-10T03:00:00Z")) })
    reg.addDuplicates("K-1-603", 1L, "李主管", at("2026-11-06T01:00:00Z"))
    val e = assertFailsWith<EstateKitException.Validation> { reg.handOver("K-1-603", checklist, "小陈", at("2026-11-10T03:00:00Z")) }
    assertEquals("mismatch" to "keys", e.code to e.path)
    assertTrue("2 keys counted, 3 on record" in e.messageEn, e.messageEn)
    val loss = reg.reportLost("K-1-603", 1L, Party.STAFF, "客服 小陈", "李主管", at("2026-11-07T01:00:00Z"))
    assertEquals(Triple("LOSS-1", true, null as String?), Triple(loss.id, loss.isClaim, loss.loanId))
    val k = reg.handOver("K-1-603", checklist, "小陈", at("2026-11-10T03:00:00Z"))
    assertEquals(Triple(KeyStatus.HANDED_OVER, "王芳", 2L), Triple(k.status, k.handedTo, k.count))
    val n = reg.eventCount()
    reg.handOver("K-1-603", checklist, "小陈", at("2026-11-10T03:05:00Z"))
    assertEquals(n, reg.eventCount())

    val st = reg.stockTake(listOf(KeyCount("K-PUMP", 2L), KeyCount("K-1-602", 2L), KeyCount("K-ROOF-1", 0L)),
        "李主管", at("2026-11-30T09:00:00Z"))
    assertEquals(listOf(
        listOf("K-1-602", 3L, 2L, -1L), listOf("K-PUMP", 2L, 2L, 0L), listOf("K-ROOF-1", 0L, 0L, 0L)),
        st.lines.map { listOf(it.keySetId, it.expected, it.counted, it.difference) })
    assertEquals(listOf("K-1-602"), st.differences.map { it.keySetId })
    assertTrue(st.notCounted.isEmpty())
    assertEquals("invalid_integer" to "counts[0].counted",
        fails { reg.stockTake(listOf(KeyCount("K-PUMP", -2L)), "李主管", at("2026-11-30T09:10:00Z")) })
    assertEquals(reg, KeyRegister.fromJson(reg.toJson()))
}

fun testKeysDocumentIsTheCoresAndChecksItself() {
    val reg = example()
    val text = reg.toJson()
    assertTrue("\"lock_replacement\": \"150.00\"" in text, text)
    assertTrue("\"by\": \"manager\"" in text && "\"name\": \"周经理\"" in text, text)
    // A default due time is recorded as decided: the end of the Beijing day.
    assertTrue("\"due\": \"2026-11-03T16:00:00Z\"" in text, text)
    val again = KeyRegister.fromJson(text)
    assertEquals(text, again.toJson())
    assertEquals(at("2026-11-03T16:00:00Z"), again.loan("L-1")!!.input.due)
    val unchecked = text.replace("\"id_checked\": true", "\"id_checked\": false")
    assertEquals("state:not_authorised" to "events[4].action.loan.id_checked", fails { KeyRegister.fromJson(unchecked) })
    assertEquals("too_many_decimals" to "policy.lock_replacement",
        fails { KeyRegister("lakeside", KeyPolicy(lockReplacement = dec("150.001"))) })
    assertEquals("invalid_integer" to "policy.charge_due_days",
        fails { KeyRegister("lakeside", KeyPolicy(lockReplacement = dec("150.00"), chargeDueDays = -1L)) })
}
