// Ledger documents that cannot lie (every stated figure agrees with the history) and
// seals (HMAC-SHA256) that detect any edit of a document travelling between devices.
import io.estatekit.*
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private val KEY = "property office key, 32 bytes ok".toByteArray()

// Two management fees with a penalty clause, two payments (114.93 left prepaid).
private fun ledger(): Ledger {
    val l = Ledger("1-101")
    val pen = PenaltyPolicy(dailyRate = d("0.0005"))
    l.addCharge("2026-09/management", "management", day("2026-09-15"), d("331.15"), day("2026-09-01"), pen)
    l.addCharge("2026-10/management", "management", day("2026-10-15"), d("331.15"), day("2026-10-01"), pen)
    l.pay("R1", d("400.00"), day("2026-10-15"))
    l.pay("R2", d("400.00"), day("2026-11-10"))
    return l
}

fun testForgedFigureRefused() {
    val l = ledger()
    assertEquals(d("129.26"), l.prepaid())
    val forged = l.toJson().replace("\"prepaid\": \"129.26\"", "\"prepaid\": \"629.26\"")
    val e = assertFailsWith<EstateKitException.Validation> { Ledger.fromJson(forged) }
    assertEquals("inconsistent_document" to "prepaid", e.code to e.path)
}

fun testSealRoundTripAndEdits() {
    val l = ledger()
    val sealed = seal(l.toJson(), KEY)
    assertEquals(l.toJson(), Ledger.fromJson(unseal(sealed, KEY)).toJson())
    val end = sealed.indexOf("\"hmac_sha256\"")
    val digits = sealed.substring(0, end).indices.filter { sealed[it].isDigit() }
    assertTrue(digits.size > 50)
    for (i in digits) {
        val c = sealed[i]
        val edited = sealed.substring(0, i) + (if (c == '9') '0' else c + 1) + sealed.substring(i + 1)
        val e = assertFailsWith<EstateKitException.Validation> { unseal(edited, KEY) }
        assertEquals("seal_mismatch" to "hmac_sha256", e.code to e.path)
    }
    val other = assertFailsWith<EstateKitException.Validation> { unseal(sealed, "the key of another office".toByteArray()) }
    assertEquals("seal_mismatch", other.code)
    val short = assertFailsWith<EstateKitException.Validation> { seal(l.toJson(), "short".toByteArray()) }
    assertEquals("key_too_short" to "key", short.code to short.path)
}
