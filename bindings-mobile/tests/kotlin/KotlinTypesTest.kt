// Kotlin-native types on the mobile surface (issue 19, point 1): months, weekdays and
// scales are `Int`, counts and seeds `Long`, so plain literals, `Int` variables and
// `YearMonth.monthValue` compile; no unsigned type and no name-mangled (`-hash`) method
// is left for Java callers; an out-of-range value is a typed EstateKitException naming
// the argument, never a crash.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.YearMonth
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private val ELECTRICITY = BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20"))))

/** Compiles only when months are `Int`: literals, an `Int` variable, `YearMonth.monthValue`. */
fun testMonthsArePlainInts() {
    val literal = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 9, ELECTRICITY)
    val month: Int = 9
    val variable = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, month, ELECTRICITY)
    val ym = YearMonth.of(2026, 9)
    val fromYearMonth = billEstate(Estate.demo(), FeeSchedule.demo(), ym.year, ym.monthValue, ELECTRICITY)
    assertEquals(literal.toJson(), variable.toJson())
    assertEquals(literal.toJson(), fromYearMonth.toJson())
    // The demo estate has September readings for few meters: 5 units are billed, the
    // rest set aside (missing readings), every bill for September 2026.
    assertEquals(5, literal.bills().size)
    assertEquals(setOf(LocalDate.of(2026, 9, 1)), literal.bills().map { it.periodStart }.toSet())
}

/** Counts, weekdays, scales and seeds take plain literals and Kotlin's own `Int`s. */
fun testCountsTakePlainLiterals() {
    val members = listOf(PoolMember("A", d("100"), occupants = 1), PoolMember("B", d("100"), occupants = 3))
    // 100 split half by occupants (1:3), half by area (1:1): 12.50 + 25 and 37.50 + 25.
    assertEquals(listOf(d("37.50"), d("62.50")),
        pooledSplit(d("100"), members, listOf(SplitWeight(Basis.OCCUPANTS, d("0.5")), SplitWeight(Basis.AREA, d("0.5")))).map { it.amount })
    val scale: Int = 0
    assertEquals(d("3"), RoundingPolicy(scale, MoneyRounding.HALF_UP).round(d("2.5")))
    val weekdays: List<Int> = (0..4).toList()
    BusinessCalendar.weekly("09:00", "18:00", weekdays, 480, listOf()).use { cal ->
        // Monday 2026-11-02 09:00 +08:00 to 10:30: 5,400 working seconds.
        assertEquals(5400L, cal.secondsBetween(Instant.parse("2026-11-02T01:00:00Z"), Instant.parse("2026-11-02T02:30:00Z")))
    }
    val stats = ticketStatistics(listOf(), Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), 120, null)
    assertEquals(0L, stats.total)
    ReturnVisitPolicy(maxUnreachableAttempts = 2, deadlineDays = 5).use { p ->
        assertEquals(2L to 5L, p.maxUnreachableAttempts() to p.deadlineDays())
    }
    TicketClassifier.train(listOf("水管漏水", "电梯故障"), listOf("plumbing", "lift"), 7).use { clf ->
        assertEquals(listOf("lift", "plumbing"), clf.labels())
    }
}

/** Training options are a typed record (Python's keyword arguments), not a map of
 * names: each is checked as the core checks it, named by its option name. */
fun testTrainingOptionsAreARecord() {
    val texts = listOf("水管漏水", "厨房水管漏水", "电梯故障", "电梯停了")
    val labels = listOf("plumbing", "plumbing", "lift", "lift")
    TicketClassifier.train(texts, labels, 7, TrainingOptions(c = 2.0, epochs = 50, ngramMax = 3)).use { clf ->
        assertEquals("plumbing", clf.classify("卫生间水管漏水").category)
    }
    // Three classes on one thread or two: the same model, byte for byte.
    val t3 = texts + listOf("小区噪音扰民", "楼上噪音")
    val l3 = labels + listOf("noise", "noise")
    val one = TicketClassifier.train(t3, l3, 7, TrainingOptions(threads = 1)).use { it.toJson() }
    val two = TicketClassifier.train(t3, l3, 7, TrainingOptions(threads = 2)).use { it.toJson() }
    assertEquals(one, two)
    for ((options, name) in listOf(TrainingOptions(ngramMax = 9) to "ngram_max", TrainingOptions(epochs = -1) to "epochs",
        TrainingOptions(prune = 1.0) to "prune", TrainingOptions(c = -1.0) to "c", TrainingOptions(threads = 0) to "threads")) {
        val e = assertFailsWith<EstateKitException.Validation> { TicketClassifier.train(texts, labels, 0, options) }
        assertEquals("invalid_option" to name, e.code to e.path)
    }
}

/** A negative or out-of-range value is `invalid_integer` naming the argument or field. */
fun testOutOfRangeIntegersAreTypedErrors() {
    fun check(path: String, detail: String, block: () -> Unit) {
        val e = assertFailsWith<EstateKitException.Validation> { block() }
        assertEquals(Triple("invalid_integer", path, detail), Triple(e.code, e.path, e.detail))
    }
    val u32 = "0..=4294967295"
    check("month", "month: -1 is out of range $u32") { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, -1, ELECTRICITY) }
    // A month that is an integer but not a month stays the core's error.
    val thirteen = assertFailsWith<EstateKitException.Validation> { billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 13, ELECTRICITY) }
    assertEquals("out_of_range" to "month", thirteen.code to thirteen.path)
    check("inputs.estimate", "inputs.estimate: -3 is out of range $u32") {
        billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 9, ELECTRICITY.copy(estimate = -3))
    }
    check("members[1].occupants", "members[1].occupants: -3 is out of range $u32") {
        pooledSplit(d("1"), listOf(PoolMember("A", d("1")), PoolMember("B", d("1"), occupants = -3)), listOf(SplitWeight(Basis.AREA, BigDecimal.ONE)))
    }
    check("grace_days", "grace_days: -1 is out of range $u32") {
        latePenalty(d("1"), LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31), PenaltyPolicy(dailyRate = d("0.001"), graceDays = -1))
    }
    check("scale", "scale: -2 is out of range $u32") { RoundingPolicy(-2, MoneyRounding.HALF_UP).round(d("1")) }
    check("days[1]", "days[1]: -1 is out of range $u32") { BusinessCalendar.weekly("09:00", "18:00", listOf(0, -1), 0, listOf()) }
    check("units", "units: -1 is out of range $u32") {
        ticketStatistics(listOf(), Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), -1, null)
    }
    check("units", "units: 4294967296 is out of range $u32") {
        ticketStatistics(listOf(), Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), 1L shl 32, null)
    }
    check("deadline_days", "deadline_days: -1 is out of range $u32") { ReturnVisitPolicy(deadlineDays = -1) }
    check("seed", "seed: -1 is out of range 0..=18446744073709551615") { TicketClassifier.train(listOf("a", "b"), listOf("x", "y"), -1) }
    check("status_changes[0].occupants", "status_changes[0].occupants: -2 is out of range $u32") {
        Estate.demo().updated(EstateUpdate(statusChanges = listOf(StatusUpdate("1-101", UnitStatus.RENTED, LocalDate.of(2026, 11, 1), occupants = -2))))
    }
}

/** What Java sees: no method of the public surface is name-mangled (Kotlin mangles
 * every function taking or returning an unsigned value), so all are callable from Java. */
fun testNoUnsignedTypesForJava() {
    val top = Class.forName("io.estatekit.Estatekit_mobileKt")
    val where = java.io.File(top.protectionDomain.codeSource.location.toURI())
    val classes = java.util.jar.JarFile(where).use { jar ->
        jar.entries().toList().map { it.name }
            .filter { it.startsWith("io/estatekit/") && it.endsWith(".class") }
            .map { it.removePrefix("io/estatekit/").removeSuffix(".class") }
    }
    // UniFFI's own machinery (converters, buffers, the cleaner) is not the API.
    val api = classes.filter { n ->
        listOf("FfiConverter", "Uniffi", "RustBuffer", "ForeignBytes", "UniFFI", "NoHandle").none { n.startsWith(it) || n.contains("\$$it") }
    }
    val mangled = api.flatMap { n ->
        val c = Class.forName("io.estatekit.${n.replace('/', '.')}")
        c.declaredMethods.filter { java.lang.reflect.Modifier.isPublic(it.modifiers) && '-' in it.name }
            .map { "$n.${it.name}" }
    }
    assertTrue(api.size > 100, "API classes: ${api.size}")
    assertEquals(listOf(), mangled)
    val unsigned = setOf("kotlin.UInt", "kotlin.ULong", "kotlin.UShort", "kotlin.UByte")
    val unsignedFields = api.flatMap { n ->
        Class.forName("io.estatekit.${n.replace('/', '.')}").declaredFields.filter { it.type.name in unsigned }.map { "$n.${it.name}" }
    }
    assertEquals(listOf(), unsignedFields)
}
