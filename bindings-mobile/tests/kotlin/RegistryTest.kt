// The occupant registry (客户档案) through the generated bindings: records, consent,
// move-out, transfers against the book or an amount, identity digests (GB 11643
// check digits; HMAC-SHA256 computed here with javax.crypto).
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun rd(s: String): LocalDate = LocalDate.parse(s)
private val REG_KEY = "estatekit-test-key".toByteArray()

private fun registry(): Registry {
    val r = Registry("lakeside")
    r.addPerson(Person(id = "P1", name = "张三", phones = listOf("13800000001")))
    r.addPerson(Person(id = "P2", name = "李四"))
    r.addPerson(Person(id = "P3", name = "赵六", idRef = "合同-2026-031"))
    r.addPerson(Person(id = "P6", name = "王五"))
    r.addRole(RoleRecord(unitId = "1-101", personId = "P1", role = OccupantRole.OWNER, from = rd("2024-08-01")))
    r.addRole(RoleRecord(unitId = "1-101", personId = "P2", role = OccupantRole.HOUSEHOLD_MEMBER, from = rd("2024-08-01")))
    r.addRole(RoleRecord(unitId = "1-101", personId = "P3", role = OccupantRole.TENANT, from = rd("2026-01-10"),
        to = rd("2026-12-31"), leaseStart = rd("2026-01-01"), leaseEnd = rd("2026-12-31"), consentRef = "授权书-2026-031"))
    r.addVehicle(Vehicle(plate = " 京a 12345", personId = "P1", unitId = "1-101", space = "B1-017"))
    return r
}

fun testRegistryRecordsAndDocument() {
    val r = registry()
    assertEquals("lakeside", r.estateId())
    assertEquals(Person("P1", "张三", listOf("13800000001"), null, null), r.person("P1"))
    assertNull(r.person("P9"))
    assertEquals(listOf(Vehicle("京A12345", "P1", "1-101", "B1-017")), r.vehicles())
    assertEquals(listOf("P1" to OccupantRole.OWNER, "P2" to OccupantRole.HOUSEHOLD_MEMBER),
        r.occupants("1-101", rd("2026-01-09")).map { it.personId to it.role })
    val again = Registry.fromJson(r.toJson())
    assertEquals(r, again)
    assertEquals(r.toJson(), again.toJson())
    Estate.demo().use { r.validateAgainst(it) }
    val e = assertFailsWith<EstateKitException.Validation> { Estate.demo().use { Registry("other").validateAgainst(it) } }
    assertEquals("mismatch" to "estate_id", e.code to e.path)
}

fun testRegistryBadRecordsNameTheField() {
    val r = registry()
    val before = r.toJson()
    val cases = listOf<Pair<() -> Unit, Pair<String, String>>>(
        { r.addPerson(Person("P1", "重名")) } to ("duplicate_id" to "id"),
        { r.addPerson(Person("P7", "x", idRef = "11010519491231002X")) } to ("clear_id_number" to "id_ref"),
        { r.addRole(RoleRecord("1-102", "P9", OccupantRole.OWNER, rd("2026-01-01"))) } to ("unknown_person" to "person_id"),
        { r.addRole(RoleRecord("1-102", "P6", OccupantRole.TENANT, rd("2026-01-01"))) } to ("missing_value" to "lease_start"),
        { r.addRole(RoleRecord("1-101", "P6", OccupantRole.OWNER, rd("2026-01-01"))) } to ("overlapping_periods" to "from"),
        { r.addVehicle(Vehicle("京A12345", "P2", "1-101")) } to ("duplicate_id" to "plate"),
    )
    for ((call, expected) in cases) {
        val e = assertFailsWith<EstateKitException.Validation> { call() }
        assertEquals(expected, e.code to e.path)
    }
    assertEquals(before, r.toJson())
    val bad = before.replace("\"person_id\": \"P2\"", "\"person_id\": \"P9\"")
    val e = assertFailsWith<EstateKitException.Validation> { Registry.fromJson(bad) }
    assertEquals("unknown_person" to "roles[1].person_id", e.code to e.path)
}

fun testRegistryConsentAndMoveOut() {
    val r = registry()
    val on = rd("2026-12-07")
    assertEquals(ConsentBasis("owner", null), r.mayConsent("1-101", "P1", on))
    assertEquals(ConsentBasis("tenant", "授权书-2026-031"), r.mayConsent("1-101", "P3", on))
    val e = assertFailsWith<EstateKitException.State> { r.mayConsent("1-101", "P2", on) }
    assertEquals("no_consent" to "person_id", e.code to e.path)
    assertEquals("person_id: person \"P2\" may not consent for unit \"1-101\": a household member may not consent; the owner or a co-owner may", e.detail)
    val u = assertFailsWith<EstateKitException.Validation> { r.mayConsent("1-101", "P9", on) }
    assertEquals("unknown_person" to "person_id", u.code to u.path)
    r.moveOut("1-101", "P2", rd("2026-11-30"))
    assertEquals(rd("2026-11-30"), r.roles()[1].to)
    val m = assertFailsWith<EstateKitException.State> { r.moveOut("1-101", "P1", rd("2026-11-30")) }
    assertEquals("not_occupant" to "person_id", m.code to m.path)
}

fun testRegistryTransferWithAnAmountAndARetry() {
    val r = registry()
    val on = rd("2026-12-01")
    val owed = assertFailsWith<EstateKitException.State> { r.transfer("1-101", listOf("P6", "P2"), on, arrears = BigDecimal("0.01")) }
    assertEquals("arrears_outstanding" to "arrears", owed.code to owed.path)
    val none = assertFailsWith<EstateKitException.Validation> { r.transfer("1-101", listOf("P6"), on) }
    assertEquals("missing_value" to "arrears", none.code to none.path)
    val t = r.transfer("1-101", listOf("P6", "P2"), on, arrears = BigDecimal("0.00"))
    assertEquals(Transfer("1-101", on, listOf("P1"), listOf("P6", "P2"), BigDecimal("0.00")), t)
    assertEquals(rd("2026-11-30"), r.roles()[0].to)
    assertEquals(ConsentBasis("co_owner", null), r.mayConsent("1-101", "P2", on))
    assertEquals("no_consent", assertFailsWith<EstateKitException.State> { r.mayConsent("1-101", "P3", on) }.code)
    assertEquals(t, r.transfer("1-101", listOf("P6", "P2"), on, arrears = BigDecimal("5")))
    val c = assertFailsWith<EstateKitException.State> { r.transfer("1-101", listOf("P2"), on, arrears = BigDecimal.ZERO) }
    assertEquals("conflicting_transfer" to "on", c.code to c.path)
    assertEquals(1, r.transfers().size)
    assertEquals(r, Registry.fromJson(r.toJson()))
}

fun testRegistryTransferAgainstTheBook() {
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.postCharges(listOf(
        ChargeRow(unitId = "1-101", reference = "WO-77", itemCode = "lock", amount = BigDecimal("80.00"),
            issuedOn = rd("2026-11-05"), due = rd("2026-11-20")),
        ChargeRow(unitId = "1-101", reference = "M-2026-11", itemCode = "management", amount = BigDecimal("300.00"),
            issuedOn = rd("2026-11-05"), due = rd("2026-11-20")),
    ))
    val r = registry()
    val e = assertFailsWith<EstateKitException.State> { r.transfer("1-101", listOf("P6"), rd("2026-12-01"), book = book) }
    // 380.00 and 0.05 % a day of 300.00 for the 11 days 2026-11-21..2026-12-01: 1.65.
    assertEquals("arrears: unit \"1-101\" owes 381.65; clear the arrears before the transfer", e.detail)
    book.applyPayments(listOf(PaymentRow("1-101", BigDecimal("381.65"), rd("2026-11-30"), "B-1")))
    val t = r.transfer("1-101", listOf("P6"), rd("2026-12-01"), book = book)
    assertEquals(0, t.arrearsChecked.signum())
}

fun testRegistryIdDigest() {
    val mac = Mac.getInstance("HmacSHA256")
    mac.init(SecretKeySpec(REG_KEY, "HmacSHA256"))
    val expected = "hmac-sha256:" + mac.doFinal("11010519491231002X".toByteArray()).joinToString("") { "%02x".format(it) }
    assertEquals(expected, registryIdDigest(REG_KEY, " 11010519491231002x "))
    assertTrue(registryIdDigest(REG_KEY, "440524188001010014").startsWith("hmac-sha256:"))
    val e = assertFailsWith<EstateKitException.Validation> { registryIdDigest(REG_KEY, "440524188001010013") }
    assertEquals("invalid_id_number" to "id_number", e.code to e.path)
    val k = assertFailsWith<EstateKitException.Validation> { registryIdDigest(ByteArray(0), "11010519491231002X") }
    assertEquals("key_too_short" to "key", k.code to k.path)
}
