// Per-call cost of the mobile binding on the JVM (issue 19): the time (p50, p99) and the
// JVM allocation of the calls a butler app makes per screen, against a release build.
//   benches/kotlin/run.sh            (builds the release library, generates, compiles, runs)
// Single-entity calls should stay under 50 µs p50; `bills()` of 2,000 units is shown for
// contrast (what a per-unit screen avoids with `bill(unitId)`). "CPU µs" is the thread's
// CPU time per call (ThreadMXBean), the figure to read on a shared, loaded machine.
import io.estatekit.*
import java.lang.management.ManagementFactory
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate

private val threads = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean

private fun measure(name: String, iterations: Int, call: (Int) -> Any?) {
    repeat(iterations / 2 + 200) { call(it) }                       // warm-up (JIT)
    val tid = Thread.currentThread().id
    val times = LongArray(iterations)
    val allocated = threads.getThreadAllocatedBytes(tid)
    val cpu0 = threads.currentThreadCpuTime
    for (i in 0 until iterations) {
        val t0 = System.nanoTime()
        call(iterations + i)
        times[i] = System.nanoTime() - t0
    }
    val cpu = (threads.currentThreadCpuTime - cpu0) / iterations
    val perCall = (threads.getThreadAllocatedBytes(tid) - allocated) / iterations
    times.sort()
    println(String.format("%-38s %9.1f %9.1f %9.1f %10d", name, times[iterations / 2] / 1e3,
        times[iterations * 99 / 100] / 1e3, cpu / 1e3, perCall))
}

/** An estate of `n` residential units (area 60.00–119.99 m²) in 20 buildings. */
private fun estateOf(n: Int): Estate {
    val buildings = (1..20).joinToString(",") { """{"id": "B$it", "name": "$it 号楼"}""" }
    val units = (0 until n).joinToString(",") { i ->
        val area = BigDecimal(6000 + (i * 37) % 6000).movePointLeft(2)
        """{"id": "U-${"%05d".format(i)}", "building_id": "B${i % 20 + 1}", "floor": ${i % 30 + 1}, "number": "$i",
            "kind": "residential", "gross_area": "$area", "status": "occupied",
            "delivered_on": "2024-01-01", "status_since": "2024-01-01"}"""
    }
    return Estate.fromJson("""{"id": "big", "name": "Big", "currency": "CNY", "buildings": [$buildings], "units": [$units]}""")
}

fun main() {
    val schedule = FeeSchedule.fromJson(
        """{"items": [
          {"code": "mgmt", "name_zh": "物业服务费", "name_en": "Management fee", "rule": {"area": {"rate": "3.70"}}, "effective_from": "2020-01-01"},
          {"code": "garbage", "name_zh": "生活垃圾处理费", "name_en": "Refuse", "rule": {"fixed": {"amount": "10.00"}}, "effective_from": "2020-01-01"}]}""")
    val estate = estateOf(2000)
    val run = billEstate(estate, schedule, 2026, 10, BillingInputs())
    val line = run.bill("U-01000")!!.lines[0]
    // An owner's ledger holds a year of charges and payments, not tens of thousands:
    // payments are spread over 400 ledgers (at most ~75 each); balance of one with 12 payments.
    val ledgers = Array(400) { Ledger("U-$it") }
    val sameDay = Array(400) { Ledger("U-$it") }
    val ledger = Ledger("U-01000")
    val day = LocalDate.of(2026, 11, 5)
    val amount = BigDecimal("1.00")
    val clf = TicketClassifier.default()
    val flow = TicketFlow("T-1", "1-603", TicketChannel.APP, Instant.parse("2026-11-02T23:30:00Z"), "张三",
        "厨房水管爆裂，水漫到客厅了，快来人！", TicketKind.REPAIR_REQUEST, "repair.plumbing", Urgency.EMERGENCY,
        "engineering", "前台小张")
    val asOf = Instant.parse("2026-11-02T23:40:00Z")
    val checklist = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 3))
    val demo = Estate.demo()

    println("load average ${ManagementFactory.getOperatingSystemMXBean().systemLoadAverage}")
    println(String.format("%-38s %9s %9s %9s %10s", "call", "p50 µs", "p99 µs", "CPU µs", "alloc B"))
    measure("Estate.unit(id)", 20000) { demo.unit("1-201") }
    measure("BillingRun.bill(unitId)", 20000) { run.bill("U-01000") }
    measure("BillLine.explain(zh)", 20000) { line.explain(Language.ZH_CN) }
    repeat(12) { ledger.pay("P-$it", amount, day) }
    // A ledger's payments arrive in date order (one a day here); the same day's payments
    // are ordered by id, so one that sorts before an earlier one of that day replays them.
    measure("Ledger.pay (in date order)", 20000) { ledgers[it % 400].pay("R-$it", amount, day.plusDays(it / 400L)) }
    measure("Ledger.pay (~50 a day, ids unordered)", 20000) { sameDay[it % 400].pay("R-$it", amount, day) }
    measure("Ledger.balance", 20000) { ledger.balance(day) }
    measure("TicketClassifier.classify", 20000) { clf.classify("厨房水管爆裂，水漫到客厅了，快来人！") }
    measure("TicketFlow.sla", 20000) { flow.sla(asOf) }
    measure("Checklist.progress", 20000) { checklist.progress() }
    measure("Checklist.items (23 records)", 5000) { checklist.items() }
    measure("BillingRun.bills() (2,000 units)", 200) { run.bills() }
}
