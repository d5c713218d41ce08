// A butler app's logic layer over EstateKit, in plain Kotlin (what an Android app's
// view models call). Each phase runs in its own process, as an app is killed and
// restarted between screens:
//
//   checkin-save FILE     start a check-in offline (Beijing time), complete steps and
//                         log a defect, saving the checklist after every step
//   checkin-restore FILE  a new process: restore it, check what was kept, go on
//   ticket                classify an owner's message, open the ticket, assign it, time it
//   bill                  an owner's bill for October, line by line with due dates
//
// The test command compiles it with the generated bindings and runs it on the JVM
// (bindings-mobile/tests/kotlin/AppFlowTest.kt); on Android the same code runs
// against the module built by examples/android/build-android.sh.
package io.estatekit.example

import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset

private val BEIJING: ZoneOffset = ZoneOffset.ofHours(8)
private const val CLERK = "李四"

/** Saves the checklist's JSON atomically: a kill mid-write leaves the previous save. */
private fun save(c: Checklist, file: File) {
    val tmp = File(file.path + ".tmp")
    tmp.writeText(c.toJson(), Charsets.UTF_8)
    Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
}

private val DOCUMENTS = listOf(
    "house_acceptance_certificate", "temporary_management_statute", "decoration_management_agreement",
    "owners_manual", "occupancy_notice", "management_fee_agreement", "fire_safety_letter",
    "residential_quality_guarantee", "residential_usage_instructions",
)

private fun checkinSave(file: File) {
    Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 3), BEIJING).use { c ->
        val r = CheckinRole.RECEPTIONIST
        var minute = 0L
        // The front desk's steps, from 07:00 Beijing time (23:00 UTC the day before).
        fun step(code: String, data: ItemData? = null) {
            c.complete(code, CLERK, r, Instant.parse("2026-11-02T23:00:00Z").plusSeconds(60 * minute++), data)
            save(c, file)
        }
        step("occupancy_notice_presented")
        step("owner_registration")
        step("management_fee_prepayment", ItemData(receiptRef = "R-2026-0001"))
        step("admission_fee_record")
        step("statute_signed", ItemData(signatureRef = "SIG-001"))
        step("decoration_agreement_signed", ItemData(signatureRef = "SIG-002"))
        for (doc in DOCUMENTS) step(doc)
        step("occupancy_sign_in", ItemData(signatureRef = "SIG-003"))
        step("entrusted_services_record", ItemData(note = "none entrusted"))
        // A critical defect found at 07:30 Beijing time on 3 November (23:30 UTC on the 2nd).
        val id = c.recordDefect(
            DefectInput("厨房 kitchen", "燃气管接口漏气 gas pipe joint leaks", "gas", Severity.CRITICAL, Responsible.DEVELOPER),
            "王五", CheckinRole.INSPECTOR, Instant.parse("2026-11-02T23:30:00Z"))
        save(c, file)
        val p = c.progress()
        println("saved ${p.done}/${p.total} defect $id")
    }
}

private fun checkinRestore(file: File) {
    Checklist.fromJson(file.readText(Charsets.UTF_8), CheckinTemplate.default()).use { c ->
        val p = c.progress()
        val d = c.defects().single()
        println("restored ${p.done}/${p.total} ${c.unitId()} ${c.owner()} offset ${c.utcOffset}")
        // Counted from the Beijing date of the find (3 November) + 3 days for a critical defect.
        println("defect ${d.id} ${d.severity} deadline ${d.deadline}")
        Estate.demo().use { estate ->
            c.complete("joint_inspection", "王五", CheckinRole.INSPECTOR, Instant.parse("2026-11-02T23:40:00Z"),
                ItemData(outcome = HandoverOutcome.ACCEPTED_WITH_RECTIFICATION_LIST), estate)
        }
        save(c, file)
        println("next ${c.progress().done}/${p.total} actionable ${c.actionable().joinToString(",")}")
    }
}

private fun ticket() {
    val text = "厨房水管爆裂，水漫到客厅了，快来人！"
    val c = TicketClassifier.default().use { it.classify(text) }
    println("classified ${c.kind} ${c.category} ${c.urgency} ${c.department}")
    val received = Instant.parse("2026-11-02T23:30:00Z")
    TicketFlow("T-1", "1-603", TicketChannel.APP, received, "张三", text, c.kind, c.category, c.urgency,
        c.department, "前台小张", null, 480).use { f ->
        f.assign("李工", "前台小张", Instant.parse("2026-11-02T23:35:00Z"))
        val s = f.sla(Instant.parse("2026-11-02T23:40:00Z"))
        println("state ${f.state()} response due ${s.responseDue.atOffset(BEIJING)} resolution due ${s.resolutionDue?.atOffset(BEIJING)}")
    }
}

private fun bill() {
    val inputs = BillingInputs(pooled = listOf(PooledInput("common_electricity", BigDecimal("3943.20"))))
    val run = billEstate(Estate.demo(), FeeSchedule.demo(), 2026, 10, inputs)
    val b = run.bill("1-101") ?: error("1-101 is billed")
    println("bill ${b.unitId} ${b.periodStart}..${b.periodEnd} total ${b.total}")
    for (line in b.lines) println("  ${line.nameZh} ${line.amount} due ${line.due}: ${line.explain(Language.ZH_CN)}")
}

fun main(args: Array<String>) {
    when (args.firstOrNull()) {
        "checkin-save" -> checkinSave(File(args[1]))
        "checkin-restore" -> checkinRestore(File(args[1]))
        "ticket" -> ticket()
        "bill" -> bill()
        else -> {
            System.err.println("usage: AppFlow checkin-save FILE | checkin-restore FILE | ticket | bill")
            kotlin.system.exitProcess(2)
        }
    }
}
