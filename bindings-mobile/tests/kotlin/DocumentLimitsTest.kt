// Documents past their size limit are refused before they are parsed, with a typed
// error at `$` that states the size and the limit: an app reading a file it was sent
// cannot be made to allocate without bound. Estates and ledgers may be 64 MiB (a
// 100,000-unit estate is about 54 MB), other documents 32 MiB.
import io.estatekit.*
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals

private const val MIB = 1 shl 20

// A JSON document of exactly `bytes` bytes (an array of spaces), so the first error is
// the size when it is past the limit and a parse or schema error when it is not.
private fun document(bytes: Int): String = "[" + " ".repeat(bytes - 2) + "]"

private fun refused(limit: Int, read: () -> Unit) {
    val e = assertFailsWith<EstateKitException.Validation> { read() }
    assertEquals(listOf("document_too_large", "$"), listOf(e.code, e.path))
    assertEquals("$: a document of ${limit + 1} bytes; at most $limit are read", e.detail)
}

private fun notRefusedForSize(read: () -> Unit) {
    val e = assertFailsWith<EstateKitException> { read() }
    val code = when (e) {
        is EstateKitException.Validation -> e.code
        is EstateKitException.State -> e.code
        else -> "other"
    }
    assertNotEquals("document_too_large", code)
}

fun testEstateDocumentLimit() {
    refused(64 * MIB) { Estate.fromJson(document(64 * MIB + 1)).close() }
    notRefusedForSize { Estate.fromJson(document(64 * MIB)).close() }
}

fun testLedgerDocumentLimit() {
    refused(64 * MIB) { Ledger.fromJson(document(64 * MIB + 1)).close() }
    notRefusedForSize { Ledger.fromJson(document(64 * MIB)).close() }
}

fun testScheduleAndRunDocumentLimits() {
    refused(32 * MIB) { FeeSchedule.fromJson(document(32 * MIB + 1)).close() }
    notRefusedForSize { FeeSchedule.fromJson(document(32 * MIB)).close() }
}
