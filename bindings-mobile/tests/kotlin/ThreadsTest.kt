// The batches that use every core (`threads`): the same results for 1, 2 and null
// (every core), and a bad count refused as a typed EstateKitException.
import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private val AS_OF = LocalDate.of(2026, 10, 31)

/** core/tests/data/tickets_labelled.jsonl, found from the working directory up. */
private fun labelledFile(): File {
    var dir: File? = File("").absoluteFile
    while (dir != null) {
        val f = File(dir, "core/tests/data/tickets_labelled.jsonl")
        if (f.isFile) return f
        dir = dir.parentFile
    }
    error("core/tests/data/tickets_labelled.jsonl not found from ${File("").absolutePath}")
}

private fun field(line: String, name: String): String =
    Regex("\"$name\": \"((?:[^\"\\\\]|\\\\.)*)\"").find(line)!!.groupValues[1]

private fun labelledRows(): List<Pair<String, String>> =
    labelledFile().readLines().filter { it.isNotBlank() }.map { field(it, "text") to field(it, "category") }

private fun manyTexts(n: Int): List<String> {
    val base = labelledRows().map { it.first }
    return (0 until n).map { i -> if ((i / base.size) % 2 == 0) base[i % base.size] else "${i % 40}号楼 ${base[i % base.size]}" }
}

fun testClassifyBatchThreads() {
    val texts = manyTexts(2000)
    TicketClassifier.default().use { clf ->
        val one = clf.classifyBatch(texts, threads = 1)
        assertEquals("repair.plumbing", one[0].category)
        assertEquals(one, clf.classifyBatch(texts, threads = 2))
        assertEquals(one, clf.classifyBatch(texts))
        assertEquals(one.map { it.category }, clf.predictBatch(texts, threads = 2))
    }
    val rows = labelledRows()
    TicketClassifier.train(rows.map { it.first }, rows.map { it.second }, 7).use { clf ->
        val one = clf.predictBatch(texts, threads = 1)
        assertEquals(listOf("repair.plumbing", "repair.plumbing"), one.take(2))
        assertEquals(one, clf.predictBatch(texts, threads = 2))
        assertEquals(one, clf.predictBatch(texts))
    }
}

fun testLatePenaltiesThreads() {
    val rnd = java.util.Random(22)
    val start = LocalDate.of(2025, 1, 1)
    val items = (0 until 100_000).map {
        val due = start.plusDays(rnd.nextInt(600).toLong())
        // One item in a hundred has a penalty beyond 2^31 minor units.
        val p = if (rnd.nextInt(100) == 0) BigDecimal.valueOf((1L shl 40) + rnd.nextInt(1 shl 30), 2)
        else BigDecimal.valueOf(rnd.nextInt(5_000_000).toLong(), 2)
        OverdueItem(p, due)
    }
    val policy = PenaltyPolicy(dailyRate = BigDecimal("0.0005"))
    val one = latePenalties(items, AS_OF, policy, threads = 1)
    assertEquals(latePenalty(items[99_999].principal, items[99_999].due, AS_OF, policy), one[99_999])
    assertTrue(one.max() > BigDecimal("21474836.47"))
    assertEquals(one, latePenalties(items, AS_OF, policy, threads = 2))
    assertEquals(one, latePenalties(items, AS_OF, policy))
    val bad = items.toMutableList()
    bad[77_777] = OverdueItem(BigDecimal("-1"), AS_OF)
    bad[99_000] = OverdueItem(BigDecimal("-2"), AS_OF)
    val errors = listOf<Int?>(1, 2, null).map { t ->
        val e = assertFailsWith<EstateKitException.Validation> { latePenalties(bad, AS_OF, policy, threads = t) }
        Triple(e.code, e.path, e.detail)
    }
    assertEquals("negative" to "items[77777].principal", errors[0].first to errors[0].second)
    assertEquals(List(3) { errors[0] }, errors)
}

fun testBadThreadCount() {
    val policy = PenaltyPolicy(dailyRate = BigDecimal("0.001"))
    TicketClassifier.default().use { clf ->
        for (bad in listOf(-1, 257, Int.MAX_VALUE)) {
            val calls = listOf<() -> Unit>(
                { clf.classifyBatch(listOf("停电了"), threads = bad) },
                { clf.predictBatch(listOf("停电了"), threads = bad) },
                { latePenalties(listOf(OverdueItem(BigDecimal.ONE, AS_OF)), AS_OF, policy, threads = bad) },
            )
            for (call in calls) {
                val e = assertFailsWith<EstateKitException.Validation> { call() }
                assertEquals("out_of_range" to "threads", e.code to e.path)
                assertEquals("threads: $bad is out of range 0..=256 (null or 0: every core)", e.detail)
            }
        }
        assertEquals(listOf("repair.electrical"), clf.predictBatch(listOf("停电了"), threads = 256))
        assertEquals(listOf("repair.electrical"), clf.predictBatch(listOf("停电了"), threads = 0))
    }
}

/** `n` units with a water meter each; the units in `unread` have no October reading. */
private fun estateOf(n: Int, unread: Set<Int>): Estate {
    val rnd = java.util.Random(22)
    val units = StringBuilder()
    val meters = StringBuilder()
    for (i in 0 until n) {
        val empty = rnd.nextInt(9) == 0
        if (i > 0) { units.append(','); meters.append(',') }
        val area = BigDecimal.valueOf(3000L + rnd.nextInt(20_000), 2)
        units.append("""{"id":"U$i","building_id":"B","floor":1,"number":"$i","kind":"residential","gross_area":"$area","occupants":${if (empty) 0 else 2},"status":"${if (empty) "delivered" else "occupied"}","delivered_on":"2024-06-01","status_since":"2024-06-01"}""")
        val start = BigDecimal.valueOf(rnd.nextInt(100_000).toLong(), 1)
        val end = start + BigDecimal.valueOf(rnd.nextInt(400).toLong(), 1)
        val october = if (i in unread) "" else """,{"date":"2026-10-31","value":"$end"}"""
        meters.append("""{"id":"W$i","unit_id":"U$i","kind":"water","readings":[{"date":"2026-09-30","value":"$start"}$october]}""")
    }
    return Estate.fromJson("""{"id":"t","name":"T","currency":"CNY","buildings":[{"id":"B","name":"B"}],"units":[$units],"meters":[$meters]}""")
}

fun testBillEstateThreads() {
    val schedule = FeeSchedule.fromJson("""{"format_version": 1, "items": [
      {"code": "management", "name_zh": "物业服务费", "name_en": "Management fee",
       "rule": {"area": {"rate": "3.70"}}, "status_factors": [{"status": "delivered", "factor": "0.7"}],
       "effective_from": "2020-01-01"},
      {"code": "common", "name_zh": "公摊电费", "name_en": "Common-area electricity",
       "rule": {"pooled": {"source": "given", "method": "area"}}, "effective_from": "2020-01-01"},
      {"code": "water", "name_zh": "水费", "name_en": "Water",
       "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"up_to": "22", "price": "4.83"}, {"price": "5.83"}]}},
       "effective_from": "2020-01-01"}]}""")
    val estate = estateOf(20_000, setOf(4_000, 12_345))
    val inputs = BillingInputs(pooled = listOf(PooledInput("common", BigDecimal("54321.09"))))
    val one = billEstate(estate, schedule, 2026, 10, inputs, threads = 1)
    assertEquals(listOf("U4000", "U12345"), one.exceptions().map { it.unitId })
    assertEquals(19_998, one.bills().size)
    for (t in listOf(2, 3, null, 0)) {
        val run = billEstate(estate, schedule, 2026, 10, inputs, threads = t)
        assertEquals(one.total(), run.total())
        assertEquals(one.toJson(), run.toJson())
    }
    val errors = listOf<Int?>(1, 2, null).map { t ->
        val e = assertFailsWith<EstateKitException.Validation> {
            billEstate(estate, schedule, 2026, 10, inputs.copy(strict = true), threads = t)
        }
        e.code to e.path
    }
    assertEquals(List(3) { "missing_reading" to "meters[W4000]" }, errors)
    val bad = assertFailsWith<EstateKitException.Validation> { billEstate(estate, schedule, 2026, 10, inputs, threads = -1) }
    assertEquals("out_of_range" to "threads", bad.code to bad.path)
}
