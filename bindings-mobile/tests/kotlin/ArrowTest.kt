// Arrow in and out through the generated Kotlin bindings: tables exported into a
// caller-allocated `struct ArrowArrayStream` and read back through Arrow's C data
// interface by hand (JNA), checked against the interface's specification
// (https://arrow.apache.org/docs/format/CDataInterface.html and
// .../CStreamInterface.html: struct layouts, format strings, metadata encoding, the
// release protocol) rather than against this project's reader; streams imported
// back; estates, payments, charges and opening balances read from Arrow tables as
// from spreadsheet rows.
import com.sun.jna.Function
import com.sun.jna.Memory
import com.sun.jna.Native
import com.sun.jna.Pointer
import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.math.BigInteger
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)

private fun october(): BillingRun = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10,
    BillingInputs(pooled = listOf(PooledInput("common_electricity", d("3943.20")))))

// The C data interface's structs on a 64-bit platform (the spec's declarations, every
// member 8 bytes): ArrowArrayStream, ArrowSchema, ArrowArray.
private const val STREAM_SIZE = 40L
private const val S_GET_SCHEMA = 0L
private const val S_GET_NEXT = 8L
private const val S_GET_LAST_ERROR = 16L
private const val S_RELEASE = 24L
private const val SCHEMA_SIZE = 72L
private const val SC_FORMAT = 0L
private const val SC_NAME = 8L
private const val SC_METADATA = 16L
private const val SC_FLAGS = 24L
private const val SC_N_CHILDREN = 32L
private const val SC_CHILDREN = 40L
private const val SC_RELEASE = 56L
private const val ARRAY_SIZE = 80L
private const val A_LENGTH = 0L
private const val A_NULL_COUNT = 8L
private const val A_OFFSET = 16L
private const val A_N_BUFFERS = 24L
private const val A_N_CHILDREN = 32L
private const val A_BUFFERS = 40L
private const val A_CHILDREN = 48L
private const val A_RELEASE = 64L
/** `ARROW_FLAG_NULLABLE`. */
private const val FLAG_NULLABLE = 2L

private fun callInt(fn: Pointer, vararg args: Any): Int = Function.getFunction(fn).invokeInt(arrayOf(*args))
private fun callVoid(fn: Pointer, vararg args: Any) = Function.getFunction(fn).invokeVoid(arrayOf(*args))
private fun zeroed(size: Long): Memory = Memory(size).also { it.clear() }

/** The spec's metadata encoding: int32 pair count, then per pair int32 length + key
 * bytes, int32 length + value bytes (native byte order), or a null pointer. */
private fun metadataAt(p: Pointer?): Map<String, String> {
    if (p == null) return emptyMap()
    var at = 0L
    fun int(): Int = p.getInt(at).also { at += 4 }
    fun text(): String { val n = int(); return String(p.getByteArray(at, n), Charsets.UTF_8).also { at += n } }
    return (0 until int()).associate { text() to text() }
}

/**
 * One exported table read by hand through the C stream interface: `get_schema`, then
 * `get_next` once, each through the function pointers the producer wrote into the
 * 40-byte struct this side allocated. `close()` calls the three release callbacks and
 * checks that each marks its struct released (release set to NULL), as the spec says.
 */
private class CTable(table: ArrowTable) : AutoCloseable {
    val stream = zeroed(STREAM_SIZE)
    val schema = zeroed(SCHEMA_SIZE)
    val array = zeroed(ARRAY_SIZE)

    init {
        assertEquals(8, Native.POINTER_SIZE, "the struct offsets here are those of a 64-bit platform")
        table.exportStream(Pointer.nativeValue(stream))
        for (at in listOf(S_GET_SCHEMA, S_GET_NEXT, S_GET_LAST_ERROR, S_RELEASE)) assertNotNull(stream.getPointer(at))
        assertEquals(0, callInt(stream.getPointer(S_GET_SCHEMA), stream, schema))
        assertEquals(0, callInt(stream.getPointer(S_GET_NEXT), stream, array))
    }

    val format: String get() = schema.getPointer(SC_FORMAT).getString(0)
    val metadata: Map<String, String> get() = metadataAt(schema.getPointer(SC_METADATA))
    val rows: Long get() = array.getLong(A_LENGTH)
    private fun childSchema(i: Int): Pointer = schema.getPointer(SC_CHILDREN).getPointer(i * 8L)
    private fun childArray(i: Int): Pointer = array.getPointer(A_CHILDREN).getPointer(i * 8L)
    val names: List<String> get() = (0 until schema.getLong(SC_N_CHILDREN).toInt()).map {
        childSchema(it).getPointer(SC_NAME).getString(0)
    }
    private fun at(name: String): Int = names.indexOf(name).also { assertTrue(it >= 0, "no column $name in $names") }
    fun formatOf(name: String): String = childSchema(at(name)).getPointer(SC_FORMAT).getString(0)
    fun nullable(name: String): Boolean = childSchema(at(name)).getLong(SC_FLAGS) and FLAG_NULLABLE != 0L
    fun fieldMetadata(name: String): Map<String, String> = metadataAt(childSchema(at(name)).getPointer(SC_METADATA))

    /** Buffer `k` of a column and the column's offset (in values). */
    private fun buffer(a: Pointer, k: Int): Pointer? = a.getPointer(A_BUFFERS).getPointer(k * 8L)

    /** Whether row `row` is valid: the validity bitmap (buffer 0, least significant
     * bit first), absent when nothing is null. */
    private fun valid(a: Pointer, row: Int): Boolean {
        val bitmap = buffer(a, 0) ?: return true
        val k = a.getLong(A_OFFSET) + row
        return (bitmap.getByte(k / 8).toInt() shr (k % 8).toInt()) and 1 == 1
    }

    private fun <T> column(name: String, format: (String) -> Boolean, read: (Pointer, Long) -> T): List<T?> {
        val i = at(name)
        assertTrue(format(formatOf(name)), "$name has format ${formatOf(name)}")
        val a = childArray(i)
        assertEquals(rows, a.getLong(A_LENGTH))
        return (0 until rows.toInt()).map { r -> if (valid(a, r)) read(a, a.getLong(A_OFFSET) + r) else null }
    }

    /** A `d:38,s` column: 16-byte little-endian two's-complement values (buffer 1). */
    fun decimals(name: String): List<BigDecimal?> {
        val scale = formatOf(name).substringAfter(',').toInt()
        return column(name, { it.startsWith("d:38,") }) { a, k ->
            BigDecimal(BigInteger(buffer(a, 1)!!.getByteArray(k * 16, 16).reversedArray()), scale)
        }
    }

    /** A `u` column: int32 offsets (buffer 1) into UTF-8 bytes (buffer 2). */
    fun strings(name: String): List<String?> = column(name, { it == "u" }) { a, k ->
        val offsets = buffer(a, 1)!!
        val (start, end) = offsets.getInt(k * 4) to offsets.getInt(k * 4 + 4)
        String(buffer(a, 2)!!.getByteArray(start.toLong(), end - start), Charsets.UTF_8)
    }

    /** A `+l` column of `u`: int32 offsets (buffer 1) into the child's strings. */
    fun stringLists(name: String): List<List<String>?> {
        val i = at(name)
        val child = childArray(i).getPointer(A_CHILDREN).getPointer(0)
        assertEquals("u", childSchema(i).getPointer(SC_CHILDREN).getPointer(0).getPointer(SC_FORMAT).getString(0))
        val cOffsets = buffer(child, 1)!!
        val cOff = child.getLong(A_OFFSET)
        return column(name, { it == "+l" }) { a, k ->
            val offsets = buffer(a, 1)!!
            (offsets.getInt(k * 4) until offsets.getInt(k * 4 + 4)).map { j ->
                val at = cOff + j
                val (start, end) = cOffsets.getInt(at * 4) to cOffsets.getInt(at * 4 + 4)
                String(buffer(child, 2)!!.getByteArray(start.toLong(), end - start), Charsets.UTF_8)
            }
        }
    }

    /** A `tdD` column: int32 days since the epoch (buffer 1). */
    fun dates(name: String): List<LocalDate?> = column(name, { it == "tdD" }) { a, k ->
        LocalDate.ofEpochDay(buffer(a, 1)!!.getInt(k * 4).toLong())
    }

    /** A `b` column: a bitmap of values (buffer 1). */
    fun bools(name: String): List<Boolean?> = column(name, { it == "b" }) { a, k ->
        (buffer(a, 1)!!.getByte(k / 8).toInt() shr (k % 8).toInt()) and 1 == 1
    }

    /** An `L` (uint64) or `l` (int64) column. */
    fun longs(name: String): List<Long?> = column(name, { it == "L" || it == "l" }) { a, k -> buffer(a, 1)!!.getLong(k * 8) }

    override fun close() {
        // End of stream: get_next succeeds with a released (release NULL) array.
        val end = zeroed(ARRAY_SIZE)
        assertEquals(0, callInt(stream.getPointer(S_GET_NEXT), stream, end))
        assertNull(end.getPointer(A_RELEASE))
        callVoid(array.getPointer(A_RELEASE), array)
        assertNull(array.getPointer(A_RELEASE), "the array's release marks it released")
        callVoid(schema.getPointer(SC_RELEASE), schema)
        assertNull(schema.getPointer(SC_RELEASE), "the schema's release marks it released")
        callVoid(stream.getPointer(S_RELEASE), stream)
        assertNull(stream.getPointer(S_RELEASE), "the stream's release marks it released")
    }
}

/** A run's lines through the C stream interface, checked against the spec's format
 * strings and buffer layouts, and against the run's bills (exact amounts). */
fun testRunLinesThroughTheCStreamInterface() {
    val run = october()
    val bills = run.bills()
    val lines = bills.flatMap { b -> b.lines.map { b.unitId to it } }
    val table = run.toArrow()
    assertEquals(lines.size.toLong(), table.numRows())
    val columns = listOf("unit_id", "period_start", "period_end", "item_code", "name_zh", "name_en", "amount",
        "issued_on", "due", "explanation_zh", "explanation_en", "estimated")
    assertEquals(columns, table.columnNames())
    CTable(table).use { t ->
        assertEquals("+s", t.format) // a record batch is a struct array
        assertEquals(columns, t.names)
        assertEquals(listOf("u", "tdD", "tdD", "u", "u", "u", "d:38,2", "tdD", "tdD", "u", "u", "b"), columns.map(t::formatOf))
        assertEquals(lines.size.toLong(), t.rows)
        assertEquals(0L, t.array.getLong(A_NULL_COUNT))
        assertEquals(12L, t.array.getLong(A_N_CHILDREN))
        assertEquals(1L, t.array.getLong(A_N_BUFFERS)) // a struct array has only a validity buffer
        assertEquals(mapOf("estatekit.table" to "bill_lines", "estatekit.schema_version" to "1",
            "estatekit.estate_id" to Estate.demo().id(), "estatekit.currency" to "CNY"), t.metadata)
        assertEquals(table.metadata(), t.metadata)
        assertEquals(mapOf("estatekit.money" to "true"), t.fieldMetadata("amount"))
        assertEquals(emptyMap(), t.fieldMetadata("unit_id"))
        assertTrue(!t.nullable("amount") && !t.nullable("unit_id"))

        val amounts = t.decimals("amount")
        assertEquals(d("331.15"), bills[0].lines[0].amount) // 1-101's management fee, 89.50 m² at 3.70
        assertEquals(bills[0].lines[0].amount, amounts[0])
        assertEquals(lines.map { it.second.amount }, amounts)
        assertEquals(run.total(), amounts.fold(BigDecimal.ZERO) { s, a -> s + a!! })
        assertEquals(lines.map { it.first }, t.strings("unit_id"))
        assertEquals(lines.map { it.second.itemCode }, t.strings("item_code"))
        assertEquals(lines.map { it.second.nameZh }, t.strings("name_zh"))
        assertEquals(List(lines.size) { day("2026-10-01") }, t.dates("period_start"))
        assertEquals(List(lines.size) { day("2026-10-31") }, t.dates("period_end"))
        assertEquals(List(lines.size) { run.issuedOn() }, t.dates("issued_on"))
        assertEquals(lines.map { it.second.due }, t.dates("due"))
        assertEquals(lines.map { it.second.estimated }, t.bools("estimated"))
    }
    // Without the explanations (most of the conversion's cost): the other ten columns.
    val lean = run.toArrow(explanations = false)
    assertEquals(columns - listOf("explanation_zh", "explanation_en"), lean.columnNames())
    CTable(lean).use { t -> assertEquals(lines.map { it.second.amount }, t.decimals("amount")) }
}

/** export → importStream: the same rows, names and metadata; the struct left released;
 * a released stream, a null and a misaligned address are typed errors. */
fun testStreamRoundTrip() {
    val table = october().toArrow()
    val stream = zeroed(STREAM_SIZE)
    val address = Pointer.nativeValue(stream)
    table.exportStream(address)
    val back = ArrowTable.importStream(address)
    assertNull(stream.getPointer(S_RELEASE), "importStream moves the stream out, leaving the struct released")
    assertEquals(table.numRows(), back.numRows())
    assertEquals(table.columnNames(), back.columnNames())
    assertEquals(table.metadata(), back.metadata())
    // The imported table exports again, values intact.
    CTable(back).use { t ->
        assertEquals("d:38,2", t.formatOf("amount"))
        assertEquals(d("331.15"), t.decimals("amount")[0])
    }

    val again = assertFailsWith<EstateKitException.Validation> { ArrowTable.importStream(address) }
    assertEquals("invalid_arrow" to "stream", again.code to again.path)
    assertEquals("stream: invalid Arrow data: C Data interface error: input stream is already released", again.detail)
    for (bad in listOf({ ArrowTable.importStream(0L) }, { table.exportStream(0L) })) {
        val e = assertFailsWith<EstateKitException.Validation> { bad() }
        assertEquals("missing_value" to "address", e.code to e.path)
    }
    val odd = assertFailsWith<EstateKitException.Validation> { table.exportStream(address + 4) }
    assertEquals("out_of_range" to "address", odd.code to odd.path)
    assertNull(stream.getPointer(S_RELEASE), "nothing written at a refused address")
    // The same table exports twice, into two structs.
    CTable(table).use { a -> CTable(table).use { b -> assertEquals(a.decimals("amount"), b.decimals("amount")) } }
}

/** An empty table keeps its schema through the stream. */
fun testEmptyTableRoundTrip() {
    val t = ArrowTable.fromText("payments", listOf("unit_id", "amount"), emptyList())
    val stream = zeroed(STREAM_SIZE)
    t.exportStream(Pointer.nativeValue(stream))
    val back = ArrowTable.importStream(Pointer.nativeValue(stream))
    assertEquals(0L to listOf("unit_id", "amount"), back.numRows() to back.columnNames())
    val e = assertFailsWith<EstateKitException.Validation> {
        ArrowTable.fromText("payments", listOf("unit_id", "amount"), listOf(listOf("1-101")))
    }
    assertEquals("invalid_arrow" to "payments", e.code to e.path)
    assertEquals("payments: invalid Arrow data: row 1 has 1 cells for 2 columns", e.detail)
}

fun testBillsAndPoolsTables() {
    val run = october()
    CTable(run.billsToArrow()).use { t ->
        assertEquals("bills", t.metadata["estatekit.table"])
        assertEquals(run.bills().map { it.unitId }, t.strings("unit_id"))
        assertEquals(run.bills().map { it.total }, t.decimals("total"))
        assertEquals(run.bills().map { it.lines.size.toLong() }, t.longs("lines"))
        assertEquals("L", t.formatOf("lines"))
    }
    val pools = run.pools()
    assertEquals(listOf("common_electricity", "common_water"), pools.map { it.code })
    CTable(run.poolsToArrow()).use { t ->
        assertEquals(pools.map { it.code }, t.strings("code"))
        assertEquals(listOf(null, null), t.strings("group")) // pools over the whole estate: null group
        assertTrue(t.nullable("group"))
        assertEquals(listOf(d("3943.20"), d("434.70")), t.decimals("source_amount"))
        // Not money: the consumption's own scale, null for a pool without one.
        assertEquals("d:38,3", t.formatOf("consumption"))
        assertEquals(emptyMap(), t.fieldMetadata("consumption"))
        assertEquals(listOf(null, d("126.000")), t.decimals("consumption"))
        assertEquals(listOf(d("3943.20"), d("391.23")), t.decimals("split_amount"))
        assertEquals(pools.map { it.deduction }, t.decimals("deduction"))
        assertEquals(listOf(34L, 23L), t.longs("participants"))
        assertEquals(pools.map { it.adjustment }, t.decimals("adjustment"))
        assertEquals(pools.map { it.adjustedUnits.size.toLong() }, t.longs("adjusted_count"))
        assertEquals("+l", t.formatOf("adjusted_units"))
        assertEquals(pools.map { it.adjustedUnits }, t.stringLists("adjusted_units"))
    }
}

fun testLatePenaltiesTable() {
    val items = listOf(OverdueItem(d("1000.00"), day("2026-09-30")), OverdueItem(d("50.00"), day("2026-12-31")),
        OverdueItem(d("331.15"), day("2026-08-16")))
    val policy = PenaltyPolicy(dailyRate = d("0.0005"))
    val asOf = day("2026-10-31")
    val list = latePenalties(items, asOf, policy)
    // 1000.00 × 0.0005 × 31 days; not yet due; 331.15 × 0.0005 × 76 days = 12.5837 → 12.58.
    assertEquals(listOf(d("15.50"), d("0.00"), d("12.58")), list)
    for (threads in listOf(1, 2)) {
        CTable(latePenaltiesArrow(items, asOf, policy, threads = threads)).use { t ->
            assertEquals(listOf("index", "penalty"), t.names)
            assertEquals(listOf(0L, 1L, 2L), t.longs("index"))
            assertEquals("d:38,2", t.formatOf("penalty"))
            assertEquals(list, t.decimals("penalty"))
            assertEquals("penalties", t.metadata["estatekit.table"])
        }
    }
    val scale4 = latePenaltiesArrow(items, asOf, policy, RoundingPolicy(4, MoneyRounding.HALF_UP))
    CTable(scale4).use { t -> assertEquals(listOf(d("15.5000"), d("0.0000"), d("12.5837")), t.decimals("penalty")) }
}

fun testBookReportTables() {
    val run = october()
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(run)
    book.applyPayments(listOf(PaymentRow("1-101", d("100.00"), day("2026-11-03"), "B-1")))
    val asOf = day("2027-01-31")
    val rows = book.aging(asOf, "building")
    CTable(book.agingArrow(asOf, "building")).use { t ->
        assertEquals(listOf("building", "not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus", "total"), t.names)
        assertEquals(rows.map { it.key }, t.strings("building"))
        assertEquals(rows.map { it.total }, t.decimals("total"))
        assertEquals(rows.map { it.days3160 }, t.decimals("days_31_60"))
        assertEquals("aging", t.metadata["estatekit.table"])
    }
    val coll = book.collection(day("2026-10-01"), day("2026-10-31"), asOf, "unit")
    CTable(book.collectionArrow(day("2026-10-01"), day("2026-10-31"), asOf, "unit")).use { t ->
        assertEquals(coll.map { it.key }, t.strings("unit_id"))
        assertEquals(coll.map { it.billed }, t.decimals("billed"))
        assertEquals(coll.map { it.collected }, t.decimals("collected"))
        assertEquals(coll.map { it.rate }, t.decimals("rate"))
        assertEquals(d("100.00"), t.decimals("collected")[0])
    }
    val reminders = book.reminders(asOf, d("1.00"))
    val items = reminders.letters.flatMap { l -> l.items.map { l.to to it } }
    assertTrue(items.isNotEmpty())
    CTable(book.remindersArrow(asOf, d("1.00"))).use { t ->
        assertEquals(items.map { it.first }, t.strings("to"))
        assertEquals(items.map { it.second.chargeId }, t.strings("charge_id"))
        assertEquals(items.map { it.second.principal }, t.decimals("principal"))
        assertEquals(items.map { it.second.penalty }, t.decimals("penalty"))
        assertEquals(items.map { it.second.periodStart }, t.dates("period_start"))
        assertEquals(items.map { it.second.daysOverdue }, t.longs("days_overdue"))
    }
    // The ledger as fact tables: every charge once, 1-101's 100.00 paid off its charges.
    CTable(book.chargesToArrow()).use { t ->
        assertEquals(run.bills().sumOf { it.lines.size }, t.strings("charge_id").size)
        assertEquals(run.total(), t.decimals("principal").fold(BigDecimal.ZERO) { a, b -> a + b!! })
        val owed = t.strings("unit_id").zip(t.decimals("principal_outstanding"))
            .filter { it.first == "1-101" }.fold(BigDecimal.ZERO) { a, b -> a + b.second!! }
        assertEquals(run.bills().first { it.unitId == "1-101" }.total - d("100.00"), owed)
        assertEquals("book_charges", t.metadata["estatekit.table"])
    }
    CTable(book.paymentsToArrow()).use { t ->
        assertEquals(listOf("B-1"), t.strings("payment_id"))
        assertEquals(listOf<BigDecimal?>(d("100.00")), t.decimals("amount"))
        assertEquals(listOf<LocalDate?>(null), t.dates("reversed_on"))
    }
}

/** Development data beside the repository (`../shared/data/`, not part of it); null
 * (the test skips) when it is not there. */
private fun devData(name: String): String? {
    val dir = System.getenv("ESTATEKIT_SHARED_DATA") ?: "../shared/data"
    val f = File(dir, name)
    if (!f.isFile) { System.err.println("skipped: development data ${f.absolutePath} not found"); return null }
    return f.readText(Charsets.UTF_8)
}

/** Real complaint texts (the labelled development set): the Arrow table holds what
 * classifyBatch returns, row for row. */
fun testClassifyArrow() {
    val c = TicketClassifier.default()
    val texts = devData("zh_dev_labelled.csv")?.let { csvRows("tickets", it).map { r -> r["text"]!! } }
        ?: listOf("电梯困人了！", "楼上漏水，天花板在滴水", "The street light outside block 3 is broken")
    val list = c.classifyBatch(texts)
    CTable(c.classifyArrow(texts)).use { t ->
        assertEquals(texts.size.toLong(), t.rows)
        assertEquals(list.map { it.category }, t.strings("category"))
        assertEquals(list.map { it.department }, t.strings("department"))
        assertEquals(list.map { it.escalate }, t.bools("escalate"))
        assertEquals("g", t.formatOf("confidence"))
        // escalation_advice is null exactly where escalate is false.
        assertEquals(list.map { it.escalate }, t.strings("escalation_advice").map { it != null })
    }
}

private fun s(v: Any?): String? = v?.toString()

/** The demo estate as Arrow tables of text (nulls where a value is missing). */
private fun demoTables(demo: Estate): Map<String, ArrowTable> = mapOf(
    "buildings" to ArrowTable.fromText("buildings", listOf("id", "name"), demo.buildings().map { listOf(it.id, it.name) }),
    "units" to ArrowTable.fromText("units",
        listOf("id", "building_id", "floor", "number", "kind", "gross_area", "internal_area", "occupants", "status",
            "status_since", "delivered_on"),
        demo.units().map { u ->
            listOf(u.id, u.buildingId, s(u.floor), u.number, u.kind.name.lowercase(), u.grossArea.toPlainString(),
                u.internalArea?.toPlainString(), s(u.occupants), u.status.name.lowercase(), s(u.statusSince), s(u.deliveredOn))
        }),
    "meters" to ArrowTable.fromText("meters", listOf("id", "unit_id", "kind", "multiplier"),
        demo.meters().map { m -> listOf(m.id, m.unitId, m.kind.name.lowercase(), m.multiplier.toPlainString()) }),
    "readings" to ArrowTable.fromText("readings", listOf("meter_id", "date", "value"),
        demo.meters().flatMap { m -> m.readings.map { listOf(m.id, it.date.toString(), it.value.toPlainString()) } }),
)

/** estateFromArrow gives the estate estateFromRecords gives for the same rows: the demo
 * estate back. */
fun testEstateFromArrowIsTheTableImport() {
    Estate.demo().use { demo ->
        val t = demoTables(demo)
        val imported = estateFromArrow(t.getValue("units"), t.getValue("buildings"), t.getValue("meters"),
            t.getValue("readings"), id = demo.id(), name = demo.name(), rounding = demo.rounding())
        assertEquals(emptyList(), imported.normalisations())
        val fromArrow = imported.estate()
        assertEquals(demo.toJson(), fromArrow.toJson())
        assertEquals(demo, fromArrow)
        fun rows(table: ArrowTable, cells: List<List<String?>>) =
            cells.map { r -> table.columnNames().zip(r).filter { it.second != null }.associate { it.first to it.second!! } }
        val units = demo.units().map { u ->
            listOf(u.id, u.buildingId, s(u.floor), u.number, u.kind.name.lowercase(), u.grossArea.toPlainString(),
                u.internalArea?.toPlainString(), s(u.occupants), u.status.name.lowercase(), s(u.statusSince), s(u.deliveredOn))
        }
        val records = estateFromRecords(EstateTables(id = demo.id(), name = demo.name(), rounding = demo.rounding(),
            buildings = demo.buildings().map { mapOf("id" to it.id, "name" to it.name) },
            units = rows(t.getValue("units"), units),
            meters = demo.meters().map { m -> listOfNotNull("id" to m.id, m.unitId?.let { "unit_id" to it },
                "kind" to m.kind.name.lowercase(), "multiplier" to m.multiplier.toPlainString()).toMap() },
            readings = demo.meters().flatMap { m ->
                m.readings.map { mapOf("meter_id" to m.id, "date" to it.date.toString(), "value" to it.value.toPlainString()) }
            }))
        records.estate().use { assertEquals(it, fromArrow) }
        // Without buildings: one per building_id, named after it.
        val bare = estateFromArrow(t.getValue("units")).estate()
        assertEquals("estate" to "estate", bare.id() to bare.name()) // Python's defaults
        assertEquals(demo.buildings().map { it.id }, bare.buildings().map { it.name })
        assertEquals(demo.units(), bare.units())
        assertEquals(emptyList(), bare.meters())
    }
    // Cell text is read as a spreadsheet's is, each change reported.
    val messy = estateFromArrow(ArrowTable.fromText("units", listOf("id", "building_id", "floor", "number", "kind", "gross_area", "status"),
        listOf(listOf(" 3-1-1201 ", "B3", "12", "1201", "Residential", "1,234.50", "unsold"))), id = "e1")
    assertEquals(listOf(listOf("id", " 3-1-1201 ", "3-1-1201"), listOf("kind", "Residential", "residential"),
        listOf("gross_area", "1,234.50", "1234.50")), messy.normalisations().map { listOf(it.column, it.before, it.after) })
    assertEquals(d("1234.50"), messy.estate().unit("3-1-1201")!!.grossArea)
}

fun testEstateFromArrowNamesEveryProblem() {
    val cols = listOf("id", "building_id", "floor", "number", "kind", "gross_area", "status")
    val units = ArrowTable.fromText("units", cols, listOf(
        listOf("3-1-1201", "B3", "12", "1201", "residential", "1,234.50", "unsold"),
        listOf("3-1-1203", "B3", "12", "1203", "residential", "abc", "unsold"),
        listOf("3-1-1204", "B3", null, "1204", "house", "80", "unsold"),
    ))
    val e = assertFailsWith<EstateKitException.Records> { estateFromArrow(units, id = "e1", name = "Bad") }
    assertEquals("invalid_records", e.code)
    assertEquals(listOf(
        "units[id=3-1-1203].gross_area 2 invalid_decimal",
        "units[id=3-1-1204].floor 3 missing_value",
        "units[id=3-1-1204].kind 3 invalid_choice",
    ), e.problems.map { "${it.path} ${it.row} ${it.code}" })
    assertEquals("expected a number such as 1234.50 or 1,234.50, got \"abc\"", e.problems[0].message)
    // The same rows through the spreadsheet import: the same problems.
    val records = assertFailsWith<EstateKitException.Records> {
        estateFromRecords(EstateTables(id = "e1", name = "Bad", buildings = listOf(mapOf("id" to "B3", "name" to "B3")),
            units = listOf(
                cols.zip(listOf("3-1-1201", "B3", "12", "1201", "residential", "1,234.50", "unsold")).toMap(),
                cols.zip(listOf("3-1-1203", "B3", "12", "1203", "residential", "abc", "unsold")).toMap(),
                cols.zip(listOf("3-1-1204", "B3", "", "1204", "house", "80", "unsold")).toMap(),
            )))
    }
    assertEquals(records.problems, e.problems)
}

/** The bank file of BankFileTest.kt as an Arrow table: the same import as the rows of
 * text cells, and nothing applied twice. */
fun testPaymentsFromArrow() {
    val bank = "unit_id,amount,date,ref,reverses\n" +
        "1-101,\"1,200.00\",2026/11/3,B-001,\n" +
        "1-102,331.15,2026-11-04,B-002,\n" +
        "1-201,-2000.00,2026/11/20,R-001,B-010\n" +
        "1-101,\"1,200.00\",2026/11/3,B-001,\n" +
        "1-201,\"2,000.00\",2026/11/6,B-010,\n" +
        "1-202,12.5O,2026/11/6,B-012,\n"
    val rows = csvRows("payments", bank)
    val columns = listOf("unit_id", "amount", "date", "ref", "reverses")
    val table = ArrowTable.fromText("payments", columns, rows.map { r -> columns.map { r[it] } })
    fun octoberBook() = Receivables(Estate.demo(), FeeSchedule.demo()).also { it.post(october()) }
    val book = octoberBook()
    val res = book.applyPaymentsArrow(table)
    assertEquals(listOf(Triple(1L, "B-001", "1200.00"), Triple(2L, "B-002", "331.15"), Triple(5L, "B-010", "2000.00")),
        res.applied.map { Triple(it.row, it.ref, it.amount.toPlainString()) })
    assertEquals(listOf(3L to "B-010"), res.reversed.map { it.row to it.ref })
    assertEquals(listOf(4L), res.alreadyApplied.map { it.row })
    assertEquals(listOf(listOf("6", "B-012", "invalid_decimal", "amount")),
        res.rejected.map { listOf(it.row.toString(), it.ref, it.code, it.path) })
    val records = octoberBook().applyPaymentRecords(rows)
    assertEquals(records, res)
    val json = book.toJson()
    val again = book.applyPaymentsArrow(table)
    assertEquals(listOf(0, 0, 5, 1), listOf(again.applied.size, again.reversed.size, again.alreadyApplied.size, again.rejected.size))
    assertEquals(json, book.toJson())
}

fun testChargesAndOpeningFromArrow() {
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    val opening = ArrowTable.fromText("opening", listOf("unit_id", "ref", "item_code", "amount", "due", "prepaid", "date"), listOf(
        listOf("1-101", "OLD-0716", "management", "331.15", "2026/8/16", null, null),
        listOf("1-102", "OPEN-1-102", null, null, null, "1,500.00", "2026/10/31"),
    ))
    val res = book.openBalancesArrow(opening)
    assertEquals(listOf("OLD-0716", "OPEN-1-102"), res.posted.map { it.ref })
    assertEquals(emptyList(), res.rejected)
    val charges = ArrowTable.fromText("charges", listOf("unit_id", "ref", "item_code", "amount", "issued_on", "due", "penalty"),
        listOf(listOf("1-101", "WO-7", "lock", "80", "2026/11/5", "2026-11-20", "否")))
    val posted = book.postChargesArrow(charges)
    assertEquals(listOf("WO-7"), posted.posted.map { it.ref })
    assertEquals(listOf("issued_on", "penalty"), posted.normalisations.map { it.column })
    assertEquals(listOf("WO-7"), book.postChargesArrow(charges).alreadyPosted.map { it.ref })
    assertEquals(d("1500.00"), book.totals(day("2026-11-30")).prepaid)
}

// ---- A C stream produced on the Kotlin side (JNA callbacks), as Arrow Java or any other
// producer of the C stream interface hands one over: importStream reads it, moves it
// out, and releases every struct exactly once.

private interface GetStruct : com.sun.jna.Callback { fun invoke(self: Pointer, out: Pointer): Int }
private interface LastError : com.sun.jna.Callback { fun invoke(self: Pointer): Pointer? }
private interface Release : com.sun.jna.Callback { fun invoke(self: Pointer) }

/** One column to produce: its name, format string and buffers (validity first). */
private class Col(val name: String, val format: String, val buffers: List<Memory?>)

private fun utf8(format: String, name: String, values: List<String>): Col {
    val bytes = values.map { it.toByteArray(Charsets.UTF_8) }
    val offsets = Memory(4L * (values.size + 1))
    val data = Memory(maxOf(1, bytes.sumOf { it.size }).toLong())
    var at = 0
    bytes.forEachIndexed { i, b -> offsets.setInt(4L * i, at); data.write(at.toLong(), b, 0, b.size); at += b.size }
    offsets.setInt(4L * values.size, at)
    return Col(name, format, listOf(null, offsets, data))
}

private fun float64(name: String, values: List<Double>): Col {
    val m = Memory(8L * maxOf(1, values.size))
    values.forEachIndexed { i, v -> m.setDouble(8L * i, v) }
    return Col(name, "g", listOf(null, m))
}

private fun date32(name: String, values: List<LocalDate>): Col {
    val m = Memory(4L * maxOf(1, values.size))
    values.forEachIndexed { i, v -> m.setInt(4L * i, v.toEpochDay().toInt()) }
    return Col(name, "tdD", listOf(null, m))
}

/** A producer of one batch of `rows` rows of `cols` (or of an error on get_next). */
private class KotlinStream(private val rows: Long, private val cols: List<Col>, private val failWith: String? = null) {
    private val keep = mutableListOf<Any>() // everything native code points at stays reachable
    val released = mutableListOf<String>()
    private var sent = false
    private fun text(s: String): Memory = Memory(s.toByteArray().size + 1L).also { it.setString(0, s); keep.add(it) }
    private fun pointers(ps: List<Pointer?>): Memory =
        Memory(8L * maxOf(1, ps.size)).also { m -> ps.forEachIndexed { i, p -> m.setPointer(8L * i, p) }; keep.add(m) }
    private fun fp(cb: com.sun.jna.Callback): Pointer = com.sun.jna.CallbackReference.getFunctionPointer(cb).also { keep.add(cb) }

    private val releaseChildSchema = fp(object : Release {
        override fun invoke(self: Pointer) { released.add("child schema"); self.setPointer(SC_RELEASE, null) }
    })
    private val releaseSchema = fp(object : Release {
        override fun invoke(self: Pointer) {
            val children = self.getPointer(SC_CHILDREN)
            for (i in 0 until self.getLong(SC_N_CHILDREN)) {
                val c = children.getPointer(8 * i)
                c.getPointer(SC_RELEASE)?.let { Function.getFunction(it).invokeVoid(arrayOf(c)) }
            }
            released.add("schema"); self.setPointer(SC_RELEASE, null)
        }
    })
    private val releaseChildArray = fp(object : Release {
        override fun invoke(self: Pointer) { released.add("child array"); self.setPointer(A_RELEASE, null) }
    })
    private val releaseArray = fp(object : Release {
        override fun invoke(self: Pointer) {
            val children = self.getPointer(A_CHILDREN)
            for (i in 0 until self.getLong(A_N_CHILDREN)) {
                val c = children.getPointer(8 * i)
                c.getPointer(A_RELEASE)?.let { Function.getFunction(it).invokeVoid(arrayOf(c)) }
            }
            released.add("array"); self.setPointer(A_RELEASE, null)
        }
    })

    private fun schemaInto(out: Pointer, format: String, name: String?, flags: Long, children: List<Pointer>, release: Pointer) {
        out.setPointer(SC_FORMAT, text(format))
        out.setPointer(SC_NAME, name?.let(::text))
        out.setPointer(SC_METADATA, null)
        out.setLong(SC_FLAGS, flags)
        out.setLong(SC_N_CHILDREN, children.size.toLong())
        out.setPointer(SC_CHILDREN, if (children.isEmpty()) null else pointers(children))
        out.setPointer(48, null) // dictionary
        out.setPointer(SC_RELEASE, release)
        out.setPointer(64, null) // private_data
    }

    private fun arrayInto(out: Pointer, buffers: List<Pointer?>, children: List<Pointer>, release: Pointer) {
        out.setLong(A_LENGTH, rows)
        out.setLong(A_NULL_COUNT, 0)
        out.setLong(A_OFFSET, 0)
        out.setLong(A_N_BUFFERS, buffers.size.toLong())
        out.setLong(A_N_CHILDREN, children.size.toLong())
        out.setPointer(A_BUFFERS, pointers(buffers))
        out.setPointer(A_CHILDREN, if (children.isEmpty()) null else pointers(children))
        out.setPointer(56, null) // dictionary
        out.setPointer(A_RELEASE, release)
        out.setPointer(72, null) // private_data
    }

    private val getSchema = fp(object : GetStruct {
        override fun invoke(self: Pointer, out: Pointer): Int {
            val children = cols.map { c ->
                zeroed(SCHEMA_SIZE).also { keep.add(it); schemaInto(it, c.format, c.name, FLAG_NULLABLE, emptyList(), releaseChildSchema) }
            }
            schemaInto(out, "+s", null, 0, children, releaseSchema)
            return 0
        }
    })
    private val lastError = fp(object : LastError {
        override fun invoke(self: Pointer): Pointer? = failWith?.let(::text)
    })
    private val getNext = fp(object : GetStruct {
        override fun invoke(self: Pointer, out: Pointer): Int {
            if (failWith != null) return 5 // EIO
            if (sent) { out.setPointer(A_RELEASE, null); return 0 }
            sent = true
            val children = cols.map { c ->
                zeroed(ARRAY_SIZE).also { keep.add(it); arrayInto(it, c.buffers, emptyList(), releaseChildArray) }
            }
            arrayInto(out, listOf(null), children, releaseArray)
            return 0
        }
    })
    private val releaseStream = fp(object : Release {
        override fun invoke(self: Pointer) { released.add("stream"); self.setPointer(S_RELEASE, null) }
    })

    /** The stream written into a new struct, as a producer does; its address. */
    val struct: Memory = zeroed(STREAM_SIZE).also {
        it.setPointer(S_GET_SCHEMA, getSchema)
        it.setPointer(S_GET_NEXT, getNext)
        it.setPointer(S_GET_LAST_ERROR, lastError)
        it.setPointer(S_RELEASE, releaseStream)
    }
    val address: Long get() = Pointer.nativeValue(struct)
}

/** Payments produced on the Kotlin side with a date32 column and text amounts: imported,
 * applied as the same rows of text cells are; every struct released exactly once. */
fun testImportAForeignStream() {
    val producer = KotlinStream(2, listOf(
        utf8("u", "unit_id", listOf("1-101", "1-102")),
        utf8("u", "amount", listOf("1,200.00", "331.15")),
        date32("date", listOf(day("2026-11-03"), day("2026-11-04"))),
        utf8("u", "ref", listOf("B-001", "B-002")),
    ))
    val table = ArrowTable.importStream(producer.address)
    assertNull(producer.struct.getPointer(S_RELEASE), "the struct is left released (moved out)")
    assertEquals(2L to listOf("unit_id", "amount", "date", "ref"), table.numRows() to table.columnNames())
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(october())
    val res = book.applyPaymentsArrow(table)
    assertEquals(listOf(Triple("B-001", d("1200.00"), day("2026-11-03")), Triple("B-002", d("331.15"), day("2026-11-04"))),
        res.applied.map { Triple(it.ref, it.amount, it.date) })
    assertEquals(listOf("amount"), res.normalisations.map { it.column }) // "1,200.00" → "1200.00"
    // Read: the stream and the schema are released; the batch keeps the producer's
    // buffers (no copy) until the table is closed, then they are released once.
    assertEquals(listOf("schema", "stream"), producer.released.filter { it != "child schema" })
    assertEquals(4, producer.released.count { it == "child schema" })
    table.close()
    assertEquals(listOf("schema", "stream", "child array", "child array", "child array", "child array", "array"),
        producer.released.filter { it != "child schema" })
}

/** A float amount is refused cell by cell (`float_cell`), a column of an unreadable type
 * as a whole (`unsupported_type`), a producer's error as `invalid_arrow` with its message. */
fun testForeignStreamProblems() {
    val book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post(october())
    val floats = ArrowTable.importStream(KotlinStream(1, listOf(
        utf8("u", "unit_id", listOf("1-101")), float64("amount", listOf(1200.0)),
        utf8("u", "date", listOf("2026-11-03")), utf8("u", "ref", listOf("B-001")),
    )).address)
    val res = book.applyPaymentsArrow(floats)
    assertEquals(listOf(listOf("1", "B-001", "float_cell", "amount")), res.rejected.map { listOf(it.row.toString(), it.ref, it.code, it.path) })
    assertEquals(emptyList(), res.applied)

    val binary = ArrowTable.importStream(KotlinStream(1, listOf(
        utf8("u", "unit_id", listOf("1-101")), utf8("z", "amount", listOf("1200.00")),
        utf8("u", "date", listOf("2026-11-03")), utf8("u", "ref", listOf("B-001")),
    )).address)
    val e = assertFailsWith<EstateKitException.Records> { book.applyPaymentsArrow(binary) }
    assertEquals(listOf(Triple("payments.amount", 0L, "unsupported_type")), e.problems.map { Triple(it.path, it.row, it.code) })
    assertEquals(BigDecimal.ZERO.setScale(2), book.totals(day("2026-11-30")).collected)

    val units = ArrowTable.importStream(KotlinStream(1, listOf(
        utf8("u", "id", listOf("3-1-1201")), utf8("u", "building_id", listOf("B3")), utf8("u", "floor", listOf("12")),
        utf8("u", "number", listOf("1201")), utf8("u", "kind", listOf("residential")), float64("gross_area", listOf(89.5)),
        utf8("u", "status", listOf("unsold")),
    )).address)
    val u = assertFailsWith<EstateKitException.Records> { estateFromArrow(units, id = "e1") }
    assertEquals(listOf("units[id=3-1-1201].gross_area 1 float_cell"), u.problems.map { "${it.path} ${it.row} ${it.code}" })

    val failing = KotlinStream(1, listOf(utf8("u", "unit_id", listOf("1-101"))), failWith = "disk on fire")
    val f = assertFailsWith<EstateKitException.Validation> { ArrowTable.importStream(failing.address) }
    assertEquals("invalid_arrow" to "stream", f.code to f.path)
    assertEquals("stream: invalid Arrow data: C Data interface error: disk on fire", f.detail)
    assertEquals(listOf("stream"), failing.released.filter { it == "stream" })
}
