// Reliability through the generated Kotlin bindings: a Rust panic surfaces as
// EstateKitException.Internal, malformed input as a typed error naming the field (the
// shared table core/tests/data/bad_inputs.tsv plus Kotlin-only arguments), failed
// operations change nothing, shared objects give the same results from many threads.
import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.Future
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private val OCT1 = LocalDate.of(2026, 10, 1)
private val OCT31 = LocalDate.of(2026, 10, 31)
private val AT = Instant.parse("2026-11-02T09:00:00Z")

fun testPanicBecomesInternal() {
    val e = assertFailsWith<EstateKitException.Internal> { panicForTest("deliberate test panic") }
    assertTrue(e.detail.contains("deliberate test panic"), e.detail)
    assertTrue(e is EstateKitException)
    // From several threads at once, and the library still works afterwards.
    val pool = Executors.newFixedThreadPool(4)
    try {
        val futures: List<Future<Throwable?>> =
            (1..8).map { i -> pool.submit(Callable<Throwable?> { runCatching { panicForTest("t$i") }.exceptionOrNull() }) }
        for (f in futures) assertTrue(f.get() is EstateKitException.Internal)
    } finally {
        pool.shutdown()
    }
    assertEquals(listOf(d("0.50"), d("0.50")), allocate(d("1"), listOf(BigDecimal.ONE, BigDecimal.ONE)))
}

private data class Row(val kind: String, val code: String, val path: String, val what: String, val input: String)

private fun rows(): List<Row> {
    val path = System.getenv("ESTATEKIT_BAD_INPUTS") ?: "core/tests/data/bad_inputs.tsv"
    return File(path).readLines(Charsets.UTF_8)
        .filter { it.isNotBlank() && !it.startsWith("#") }
        .map { val f = it.split('\t', limit = 5); Row(f[0], f[1], f[2], f[3], f[4]) }
}

/** Just enough JSON for the table rows: objects, arrays and strings (no numbers). */
private class MiniJson(private val s: String) {
    private var i = 0
    private fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }
    fun value(): Any {
        ws()
        return when (s[i]) {
            '{' -> {
                i++; val m = linkedMapOf<String, Any>(); ws()
                if (s[i] == '}') i++ else do { ws(); val k = string(); ws(); check(s[i++] == ':'); m[k] = value(); ws() } while (s[i++] == ',')
                m
            }
            '[' -> {
                i++; val l = mutableListOf<Any>(); ws()
                if (s[i] == ']') i++ else do { l.add(value()); ws() } while (s[i++] == ',')
                l
            }
            else -> string()
        }
    }
    private fun string(): String {
        check(s[i++] == '"') { "expected a string at $i" }
        val b = StringBuilder()
        while (s[i] != '"') {
            if (s[i] == '\\') {
                i++
                when (val c = s[i++]) {
                    'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                    'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                    else -> b.append(c)
                }
            } else b.append(s[i++])
        }
        i++
        return b.toString()
    }
}

@Suppress("UNCHECKED_CAST")
private fun stringRows(a: Any?): List<Map<String, String>> = (a as List<Map<String, String>>)

private fun emptyBook() = Receivables(Estate.demo(), FeeSchedule.demo())

private fun throwLastRejected(rejected: List<RejectedRow>) {
    rejected.lastOrNull()?.let { throw EstateKitException.Validation(it.code, "rows[${it.row}].${it.path}", it.message, messageZh = "", messageEn = it.message) }
}

private fun parse(kind: String, text: String) {
    when (kind) {
        "estate" -> Estate.fromJson(text)
        "schedule" -> FeeSchedule.fromJson(text)
        "template" -> CheckinTemplate.fromJson(text)
        "checklist" -> Checklist.fromJson(text, CheckinTemplate.default())
        "rules" -> TicketClassifier.fromRules(listOf(text), false)
        "ledger" -> Ledger.fromJson(text)
        "flow" -> TicketFlow.fromJson(text)
        "sla" -> SlaPolicy.fromJson(text)
        "run" -> BillingRun.fromJson(text)
        "registry" -> Registry.fromJson(text)
        "decoration_policy" -> DecorationPolicy.fromJson(text)
        "decorations" -> Decorations.fromJson(text)
        "survey" -> Survey.fromJson(text)
        "patrol_book" -> PatrolBook.fromJson(text)
        "keys" -> KeyRegister.fromJson(text)
        "release" -> GoodsRelease.fromJson(text)
        "book" -> Receivables.fromJson(text, Estate.demo(), FeeSchedule.demo())
        // A bank file, single charges or opening balances fed to an empty book of the
        // demo estate: the last rejected row, as `rows[<1-based row>].<field>` (as
        // core/tests/bad_inputs.rs does).
        "payments" -> throwLastRejected(emptyBook().applyPaymentsJson(text).rejected)
        "charges" -> throwLastRejected(emptyBook().postChargesJson(text).rejected)
        "opening" -> throwLastRejected(emptyBook().openBalancesJson(text).rejected)
        // Rows of text cells as a JSON array of objects of strings (the records
        // importers), and estate tables as a JSON object of such tables.
        "payment_records" -> throwLastRejected(emptyBook().applyPaymentRecords(stringRows(MiniJson(text).value())).rejected)
        "charge_records" -> throwLastRejected(emptyBook().postChargeRecords(stringRows(MiniJson(text).value())).rejected)
        "opening_records" -> throwLastRejected(emptyBook().openBalanceRecords(stringRows(MiniJson(text).value())).rejected)
        "pooled_records" -> try {
            pooledFromRecords(stringRows(MiniJson(text).value()))
        } catch (e: EstateKitException.Records) {
            throw EstateKitException.Validation(e.problems[0].code, e.problems[0].path, e.detail, messageZh = "", messageEn = e.detail)
        }
        "estate_tables" -> {
            @Suppress("UNCHECKED_CAST")
            val o = MiniJson(text).value() as Map<String, Any>
            val table = { name: String -> stringRows(o[name] ?: emptyList<Any>()) }
            try {
                estateFromRecords(EstateTables(id = "e1", name = "Test", buildings = table("buildings"),
                    units = table("units"), meters = table("meters"), readings = table("readings")))
            } catch (e: EstateKitException.Records) {
                throw EstateKitException.Validation(e.problems[0].code, e.problems[0].path, e.detail, messageZh = "", messageEn = e.detail)
            }
        }
        else -> error("unknown kind $kind")
    }
}

private fun codeAndPath(block: () -> Unit): Pair<String, String>? =
    try {
        block()
        null
    } catch (e: EstateKitException.Validation) {
        e.code to e.path
    } catch (e: EstateKitException.State) {
        "state:${e.code}" to e.path
    }

fun testSharedBadDocuments() {
    val rows = rows()
    assertTrue(rows.size >= 50, "only ${rows.size} rows")
    val failures = rows.mapNotNull { r ->
        val got = codeAndPath { parse(r.kind, r.input) }
        if (got == r.code to r.path) null else "${r.kind} (${r.what}): want ${r.code} ${r.path}, got $got"
    }
    assertTrue(failures.isEmpty(), failures.joinToString("\n"))
}

private val argumentCases: List<Triple<String, () -> Unit, Pair<String, String>>> = listOf(
    Triple("1e30 BigDecimal", { allocate(d("1e30"), listOf(BigDecimal.ONE)); Unit }, "invalid_decimal" to "argument"),
    Triple("-1e30 weight", { allocate(d("1"), listOf(d("-1e30"))); Unit }, "invalid_decimal" to "argument"),
    Triple("negative weight", { allocate(d("1"), listOf(d("1"), d("-2"))); Unit }, "negative_weight" to "weights[1]"),
    Triple("no weights", { allocate(d("1"), emptyList()); Unit }, "empty_weights" to "weights"),
    Triple("scale 13", { allocate(d("1"), listOf(BigDecimal.ONE), RoundingPolicy(13, MoneyRounding.HALF_UP)); Unit }, "invalid_scale" to "scale"),
    Triple("7e28 total overflows", { allocate(d("70000000000000000000000000000"), listOf(BigDecimal.ONE)); Unit }, "overflow" to "total"),
    Triple("year 10000", { latePenalty(d("1"), OCT1, LocalDate.of(10000, 1, 1), PenaltyPolicy(dailyRate = d("0.001"))); Unit }, "invalid_date" to "argument"),
    Triple("year 262143", { latePenalty(d("1"), OCT1, LocalDate.of(262143, 12, 31), PenaltyPolicy(dailyRate = d("0.001"))); Unit }, "invalid_date" to "argument"),
    Triple("negative penalty rate", { latePenalty(d("1"), OCT1, OCT31, PenaltyPolicy(dailyRate = d("-0.001"))); Unit }, "negative" to "daily_rate"),
    Triple("service ends before it starts", { prorate(d("100"), OCT1, OCT31, LocalDate.of(2026, 10, 20), LocalDate.of(2026, 10, 10)); Unit }, "ends_before_starts" to "service_end"),
    Triple("year 0", { billEstate(Estate.demo(), FeeSchedule.demo(), 0, 1, BillingInputs()); Unit }, "out_of_range" to "year"),
    Triple("year -1", { billEstate(Estate.demo(), FeeSchedule.demo(), -1, 1, BillingInputs()); Unit }, "out_of_range" to "year"),
    Triple("payment with more digits than a decimal holds", { Ledger("1-101").pay("R1", d("100.000000000000000000000000001"), OCT1); Unit }, "inexact_decimal" to "argument"),
    Triple("rate with 31 places", { allocate(d("1"), listOf(d("0.0004931506849315068493150684932"))); Unit }, "inexact_decimal" to "argument"),
    Triple("month 13", { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 13, BillingInputs()); Unit }, "out_of_range" to "month"),
    Triple("no pooled amount", { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10, BillingInputs()); Unit }, "missing_pooled_amount" to "pooled[common_electricity]"),
    Triple("pooled split: total finer than the scale", { pooledSplit(d("100.005"), listOf(PoolMember("A", d("1"))), listOf(SplitWeight(Basis.AREA, BigDecimal.ONE))); Unit }, "too_many_decimals" to "total"),
    Triple("pooled split: hybrid weights sum 0.8", { pooledSplit(d("1"), listOf(PoolMember("A", d("1"))), listOf(SplitWeight(Basis.AREA, d("0.5")), SplitWeight(Basis.OCCUPANTS, d("0.3")))); Unit }, "weights_sum" to "weights"),
    Triple("zero payment", { Ledger("1-101").pay("R1", BigDecimal.ZERO, OCT1); Unit }, "non_positive_payment" to "amount"),
    Triple("payment in tenths of a cent", { Ledger("1-101").pay("R1", d("0.001"), OCT1); Unit }, "too_many_decimals" to "amount"),
    Triple("single-class training", { TicketClassifier.train(listOf("a", "b"), listOf("x", "x"), 0); Unit }, "single_class" to "labels"),
    Triple("NaN training option", { TicketClassifier.train(listOf("a", "b"), listOf("x", "y"), 0, TrainingOptions(c = Double.NaN)); Unit }, "invalid_option" to "c"),
    Triple("calendar without working days", { BusinessCalendar.weekly("09:00", "18:00", emptyList(), 0, emptyList()); Unit }, "no_working_hours" to "calendar.hours"),
    Triple("write-off threshold zero", { emptyBook().writeOffResidues(OCT31, "residue", BigDecimal.ZERO); Unit }, "out_of_range" to "below"),
    Triple("write-off without a reason", { emptyBook().writeOffResidues(OCT31, " ", d("1.00")); Unit }, "empty_field" to "reason"),
    Triple("negative reminder minimum", { emptyBook().reminders(OCT31, d("-1.00")); Unit }, "negative" to "min_total"),
    Triple("reminder group with an unknown unit", { emptyBook().reminders(OCT31, d("1.00"), mapOf("9-999" to "王伟")); Unit }, "unknown_reference" to "group[9-999]"),
    Triple("reminder group with an empty owner", { emptyBook().reminders(OCT31, d("1.00"), mapOf("1-101" to " ")); Unit }, "empty_field" to "group[1-101]"),
    Triple("ledger with an empty unit id", { Ledger(""); Unit }, "empty_field" to "unit_id"),
    Triple("ledger with a blank unit id", { Ledger("  "); Unit }, "empty_field" to "unit_id"),
    Triple("empty checklist owner", { Checklist.start(CheckinTemplate.default(), "1-603", "", OCT1, HandoverMode.ORDINARY); Unit }, "empty_field" to "owner"),
)

fun testBadArguments() {
    val failures = argumentCases.mapNotNull { (what, call, want) ->
        val got = codeAndPath(call)
        if (got == want) null else "$what: want $want, got $got"
    }
    assertTrue(failures.isEmpty(), failures.joinToString("\n"))
    assertTrue(rows().size + argumentCases.size >= 50)
}

fun testFailedPaymentChangesNothing() {
    val run = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20")))))
    val ledger = Ledger("1-101")
    ledger.addBill(run.bill("1-101")!!, FeeSchedule.demo(), OCT1)
    ledger.pay("R-1", d("100.00"), LocalDate.of(2026, 11, 14))
    val before = ledger.toJson()
    for ((id, amount) in listOf("R-2" to "0", "R-2" to "-5", "R-2" to "0.001", "R-1" to "1", "R-3" to "79000000000000000000000000000")) {
        assertFailsWith<EstateKitException.Validation> { ledger.pay(id, d(amount), LocalDate.of(2026, 11, 15)) }
        assertEquals(before, ledger.toJson(), "pay($id, $amount) changed the ledger")
    }
}

fun testFailedBookOperationsChangeNothing() {
    val run = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20")))))
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(run)
    val nov14 = LocalDate.of(2026, 11, 14)
    assertEquals(1, book.applyPayments(listOf(PaymentRow("1-101", d("100.00"), nov14, "R-1"))).applied.size)
    val before = book.toJson()
    // Rejected payment rows.
    val badRows = listOf(
        PaymentRow("1-101", d("0"), nov14, "R-2") to "non_positive_payment",
        PaymentRow("1-101", d("-5"), nov14, "R-2") to "non_positive_payment",
        PaymentRow("1-101", d("0.001"), nov14, "R-2") to "too_many_decimals",
        PaymentRow("1-101", d("1"), nov14, "R-1") to "duplicate_ref",
        PaymentRow("1-102", d("100.00"), nov14, "R-1") to "duplicate_ref",
        PaymentRow("9-999", d("1"), nov14, "R-3") to "unknown_reference",
        PaymentRow("1-101", d("1"), nov14, "") to "empty_field",
        PaymentRow("1-101", d("79000000000000000000000000000"), nov14, "R-4") to "overflow",
    )
    for ((r, code) in badRows) {
        val res = book.applyPayments(listOf(r))
        assertEquals(listOf(1L to code), res.rejected.map { it.row to it.code }, "$r")
        assertEquals(before, book.toJson(), "row $r changed the book")
    }
    val json = book.applyPaymentsJson("""[{"unit_id": "1-101", "amount": 5.5, "date": "2026-11-14", "ref": "R-5"}]""")
    assertEquals(listOf("json" to "amount"), json.rejected.map { it.code to it.path })
    assertEquals(before, book.toJson())
    assertFailsWith<EstateKitException.Validation> { book.applyPaymentsJson("not json") }
    assertEquals(before, book.toJson())
    // A conflicting re-post (another pooled amount) and a posting for an unknown unit.
    val rerun = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
        BillingInputs(pooled = listOf(PooledInput("common_electricity", d("4000.00")))))
    val res = book.post(rerun)
    assertTrue(res.conflicts.isNotEmpty() && res.posted == 0L, "$res")
    assertEquals(before, book.toJson(), "a conflicting re-post changed the book")
    val unknown = assertFailsWith<EstateKitException.Validation> { book.post(run, units = listOf("1-101", "9-999")) }
    assertEquals("unknown_reference" to "units[1]", unknown.code to unknown.path)
    assertEquals(before, book.toJson())
}

fun testFailedChecklistStepChangesNothing() {
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    c.complete("occupancy_notice_presented", "李四", CheckinRole.RECEPTIONIST, AT)
    val before = c.toJson()
    val attempts: List<() -> Unit> = listOf(
        { c.complete("occupancy_notice_presented", "李四", CheckinRole.RECEPTIONIST, AT) },
        { c.complete("key_handover", "李四", CheckinRole.RECEPTIONIST, AT) },
        { c.complete("nope", "李四", CheckinRole.RECEPTIONIST, AT) },
        { c.finish("李四", CheckinRole.RECEPTIONIST, AT) },
        { c.complete("owner_registration", "李四", CheckinRole.INSPECTOR, AT) },
    )
    for (a in attempts) {
        assertFailsWith<EstateKitException> { a() }
        assertEquals(before, c.toJson())
    }
}

private val TEXTS = (0 until 300).flatMap { i ->
    listOf("厨房水管爆裂，水漫到客厅了，快来人！", "Loud music from the bar downstairs every night!!!",
        "楼道灯不亮已经一周了，请尽快维修", "停电了", "My package was stolen from the lobby").map { "$it #$i" }
}

fun testSharedObjectsFromManyThreads() {
    val clf = TicketClassifier.default()
    val expected = clf.classifyBatch(TEXTS)
    val estate = Estate.demo()
    val schedule = FeeSchedule.demo()
    val inputs = BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20"))))
    val bills = billEstate(estate, schedule, 2026, 10, inputs).bills()
    val pool = Executors.newFixedThreadPool(8)
    try {
        val classified: List<Future<List<Classification>>> =
            (1..16).map { pool.submit(Callable<List<Classification>> { clf.classifyBatch(TEXTS) }) }
        val singles: List<Future<Classification>> =
            TEXTS.map { t -> pool.submit(Callable<Classification> { clf.classify(t) }) }
        val billed: List<Future<List<Bill>>> =
            (1..16).map { pool.submit(Callable<List<Bill>> { billEstate(estate, schedule, 2026, 10, inputs).bills() }) }
        for (f in classified) assertEquals<List<Classification>>(expected, f.get())
        assertEquals<List<Classification>>(expected, singles.map { it.get() })
        for (f in billed) assertEquals<List<Bill>>(bills, f.get())
    } finally {
        pool.shutdown()
    }
}

// One Ledger shared by many threads (as Python's test_objects does): every call takes
// the ledger's lock in turn, so no payment or charge is lost and the totals are exact.
fun testSharedLedgerFromManyThreads() {
    val ledger = Ledger("1-101")
    val day = LocalDate.of(2026, 11, 2)
    val pool = Executors.newFixedThreadPool(8)
    try {
        // 8 threads pay 50 times each (1.01 + t), 4 threads add 25 charges of 10.00 each.
        val payers: List<Future<Int>> = (0 until 8).map { t ->
            pool.submit(Callable<Int> {
                for (i in 0 until 50) ledger.pay("T$t-$i", d("1.01") + BigDecimal(t), day)
                50
            })
        }
        val billers: List<Future<Int>> = (0 until 4).map { t ->
            pool.submit(Callable<Int> {
                for (i in 0 until 25) ledger.addCharge("C$t-$i", "management", day, d("10.00"), day, null)
                25
            })
        }
        assertEquals(400, payers.sumOf { it.get() })
        assertEquals(100, billers.sumOf { it.get() })
        val balance = ledger.balance(LocalDate.of(2026, 12, 31))
        assertEquals(d("1804.00"), balance.paid)
        assertEquals(d("1000.00"), balance.billed)
        assertEquals(d("1000.00"), balance.principalPaid)
        assertEquals(d("0.00"), balance.principalOutstanding)
        assertEquals(d("804.00"), ledger.prepaid())
        assertEquals(400, ledger.payments().size)
        // 16 threads pay with the same id at once: exactly one succeeds.
        val start = java.util.concurrent.CountDownLatch(1)
        val same: List<Future<String>> = (0 until 16).map {
            pool.submit(Callable<String> {
                start.await()
                try {
                    ledger.pay("SAME", d("5.00"), day)
                    "ok"
                } catch (e: EstateKitException.Validation) {
                    "${e.code} ${e.path}"
                }
            })
        }
        start.countDown()
        val outcomes = same.map { it.get() }
        assertEquals(1, outcomes.count { it == "ok" }, outcomes.toString())
        assertEquals(15, outcomes.count { it == "duplicate_id id" }, outcomes.toString())
        assertEquals(d("809.00"), ledger.prepaid())
        assertEquals(401, ledger.payments().size)
    } finally {
        pool.shutdown()
    }
}

/**
 * Each thread reuses one call-status structure (bindings-mobile/uniffi-bindgen patches the
 * generated code): errors, panics and successes interleaved on one thread and on several
 * must each report their own outcome, never the previous call's.
 */
fun testCallStatusReusedAcrossErrorsAndThreads() {
    fun round(thread: Int, i: Int) {
        val ledger = Ledger("U-$thread")
        ledger.pay("R-$i", d("10.00"), OCT1)
        val dup = assertFailsWith<EstateKitException.Validation> { ledger.pay("R-$i", d("1.00"), OCT1) }
        assertEquals("duplicate_id" to "id", dup.code to dup.path)
        assertEquals(d("10.00"), ledger.prepaid())                  // the success after an error
        val fine = assertFailsWith<EstateKitException.Validation> { ledger.pay("R-x$i", d("0.001"), OCT1) }
        assertEquals("too_many_decimals" to "amount", fine.code to fine.path)
        if (i % 50 == 0) assertFailsWith<EstateKitException.Internal> { panicForTest("p$thread.$i") }
        assertEquals(listOf(d("6.67"), d("3.33")), allocate(d("10"), listOf(d("2"), d("1"))))
        assertEquals(null, Estate.demo().use { it.unit("no-such-unit") })
    }
    repeat(300) { round(0, it) }
    val pool = Executors.newFixedThreadPool(4)
    try {
        val futures = (1..4).map { t -> pool.submit(Callable { repeat(300) { round(t, it) } }) }
        for (f in futures) f.get()
    } finally {
        pool.shutdown()
    }
}
