// Issue 19: the app-flow example (examples/android/app-flow/AppFlow.kt) run as an app
// is: each phase in its own JVM process, the check-in killed after its saves and
// restored in a new process.
import io.estatekit.*
import java.io.File
import kotlin.test.assertEquals

private fun appFlow(vararg args: String): List<String> {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val cmd = listOf(
        java, "-Djna.library.path=" + System.getProperty("jna.library.path"),
        "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8",
        "-cp", System.getProperty("java.class.path"), "io.estatekit.example.AppFlowKt",
    ) + args
    val p = ProcessBuilder(cmd).redirectErrorStream(true).start()
    val out = p.inputStream.bufferedReader(Charsets.UTF_8).readLines()
    assertEquals(0, p.waitFor(), out.joinToString("\n"))
    return out
}

fun testAppFlowAcrossProcesses() {
    val file = File.createTempFile("checklist", ".json")
    try {
        // 17 of the 23 items (the front desk's 8 steps and 9 documents), then a defect.
        assertEquals(listOf("saved 17/23 defect D1"), appFlow("checkin-save", file.path))
        // A new process restores exactly that; the critical defect found at 07:30 Beijing
        // time on 3 November (23:30 UTC on the 2nd) is due 3 days after the Beijing date.
        assertEquals(
            listOf(
                "restored 17/23 1-603 张三 offset +08:00",
                "defect D1 CRITICAL deadline 2026-11-06",
                "next 18/23 actionable charges,inspection",
            ),
            appFlow("checkin-restore", file.path),
        )
        // What the second process saved: the joint inspection as well.
        Checklist.fromJson(file.readText(Charsets.UTF_8), CheckinTemplate.default()).use {
            assertEquals(ChecklistProgress(18L, 23L), it.progress())
        }
        // A burst pipe is an emergency: response in 15 minutes, resolution in 4 hours (the
        // standard policy), shown in Beijing time.
        assertEquals(
            listOf(
                "classified REPAIR_REQUEST repair.plumbing EMERGENCY engineering",
                "state ASSIGNED response due 2026-11-03T07:45+08:00 resolution due 2026-11-03T11:30+08:00",
            ),
            appFlow("ticket"),
        )
        // 1-101's October bill: 89.50 × 3.70 = 331.15; water 8.0 × 3.45 = 27.60; electricity
        // 180 × 0.56 + 13 × 0.61 = 108.73; the pools' shares; 613.60 in all.
        val bill = appFlow("bill")
        assertEquals("bill 1-101 2026-10-01..2026-10-31 total 613.60", bill[0])
        assertEquals("  物业服务费 331.15 due 2026-11-16: 89.50 m² × 3.70/m²/月 × 1 月 = 331.15", bill[1])
        assertEquals("  水费 27.60 due 2026-11-16: 水表 W-1-101：(128.0 − 120.0) × 1 = 8.0；8.0 × 3.45 = 27.60", bill[3])
        assertEquals("  电费 108.73 due 2026-11-16: 电表 E-1-101：(3230.0 − 3037.0) × 1 = 193.0；180 × 0.56 + 13.0 × 0.61 = 108.73", bill[4])
        assertEquals(7, bill.size)
    } finally {
        file.delete()
    }
}
