// Check-in through the generated bindings: the shared walk (same JSON as Rust and Python),
// a failed inspection with rectification and re-inspection, typed errors, restore.
import io.estatekit.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

private fun at(day: Int, h: Int, m: Int): Instant =
    Instant.parse(String.format("2026-11-%02dT%02d:%02d:00Z", day, h, m))

private val WALK_JSON: String by lazy {
    val path = System.getenv("ESTATEKIT_CHECKIN_WALK") ?: "core/tests/data/checkin_walk.json"
    File(path).readText(Charsets.UTF_8)
}

private val DOCUMENTS = listOf(
    "house_acceptance_certificate", "temporary_management_statute", "decoration_management_agreement",
    "owners_manual", "occupancy_notice", "management_fee_agreement", "fire_safety_letter",
    "residential_quality_guarantee", "residential_usage_instructions",
)

private const val R = "李四"
private const val I = "王五"

private fun beforeInspection(c: Checklist) {
    val r = CheckinRole.RECEPTIONIST
    c.complete("occupancy_notice_presented", R, r, at(2, 1, 0))
    c.complete("owner_registration", R, r, at(2, 1, 5))
    c.complete("management_fee_prepayment", R, r, at(2, 1, 10), ItemData(receiptRef = "R-2026-0001"))
    c.complete("admission_fee_record", R, r, at(2, 1, 12))
    c.complete("statute_signed", R, r, at(2, 1, 15), ItemData(signatureRef = "SIG-001"))
    c.complete("decoration_agreement_signed", R, r, at(2, 1, 16), ItemData(signatureRef = "SIG-002"))
    for (doc in DOCUMENTS) c.complete(doc, R, r, at(2, 1, 20))
    c.complete("occupancy_sign_in", R, r, at(2, 1, 25), ItemData(signatureRef = "SIG-003"))
    c.complete("entrusted_services_record", R, r, at(2, 1, 30), ItemData(note = "none entrusted"))
}

private val DEFECT = DefectInput(
    "主卧 master bedroom", "窗户密封条脱落 window seal loose", "doors_windows", Severity.MAJOR, Responsible.DEVELOPER,
)

private fun walk(estate: Estate): Checklist {
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    beforeInspection(c)
    val i = CheckinRole.INSPECTOR
    assertEquals("D1", c.recordDefect(DEFECT, I, i, at(2, 2, 0)))
    c.complete("joint_inspection", I, i, at(2, 2, 10), ItemData(outcome = HandoverOutcome.ACCEPTED_WITH_RECTIFICATION_LIST), estate)
    c.complete("water_meter_reading", I, i, at(2, 2, 15), ItemData(reading = BigDecimal("507.0")), estate)
    c.complete("electricity_meter_reading", I, i, at(2, 2, 16), ItemData(reading = BigDecimal("3424.5")), estate)
    c.complete("gas_meter_reading", I, i, at(2, 2, 17), ItemData(reading = BigDecimal("243.0")), estate)
    c.complete("house_acceptance_record", I, i, at(2, 2, 20))
    c.complete("key_handover", R, CheckinRole.RECEPTIONIST, at(2, 2, 25), ItemData(keys = 4L, signatureRef = "SIG-004"))
    c.complete("key_receipt_record", R, CheckinRole.RECEPTIONIST, at(2, 2, 26))
    c.finish(R, CheckinRole.RECEPTIONIST, at(2, 2, 30))
    c.markRectified("D1", I, i, at(10, 6, 0), "seal replaced")
    c.reinspect("D1", false, I, i, at(11, 6, 0), "still leaks air")
    c.markRectified("D1", I, i, at(14, 6, 0))
    c.reinspect("D1", true, I, i, at(15, 6, 0))
    c.complete("manager_audit", "赵六", CheckinRole.MANAGER, at(30, 8, 0), ItemData(note = "records complete"))
    return c
}

fun testCheckinWalkJson() {
    val c = walk(Estate.demo())
    assertEquals(WALK_JSON, c.toJson() + "\n")
    assertTrue(c.isComplete() && c.isAudited())
    assertEquals(ChecklistProgress(23L, 23L), c.progress())
    assertEquals(HandoverOutcome.ACCEPTED_WITH_RECTIFICATION_LIST, c.outcome())
    val d = c.defects().single()
    assertEquals(LocalDate.of(2026, 11, 17), d.deadline)
    assertEquals(DefectStatus.CLOSED, d.status)
    assertEquals(listOf(false, true), d.reinspections.map { it.passed })
    assertEquals(31, c.events().size)
    val again = Checklist.fromJson(WALK_JSON, CheckinTemplate.default())
    assertEquals(c.toJson(), again.toJson())
}

fun testCheckinDefaultTemplate() {
    val t = CheckinTemplate.default()
    assertEquals(
        listOf("sale_formalities", "document_review", "charges", "agreements", "documents", "entrusted_services", "inspection", "manager_audit"),
        t.steps().map { it.code })
    val items = t.steps().flatMap { it.items }
    assertEquals(DOCUMENTS, items.filter { it.kind == ItemKind.DOCUMENT_ISSUED }.map { it.code })
    val fee = assertNotNull(t.item("management_fee_prepayment"))
    assertEquals(BigDecimal("1000.00"), fee.amount)
    assertEquals(listOf(CheckinRole.RECEPTIONIST, CheckinRole.MANAGER), fee.roles)
    assertEquals("住宅使用说明书", t.item("residential_usage_instructions")?.nameZh)
    assertEquals(MeterKind.GAS, t.item("gas_meter_reading")?.meterKind)
    assertEquals("manager_audit", t.auditItem())
}

// A complete check-in with a failed inspection, rectification and re-inspection.
fun testCheckinFailedInspectionRectificationReinspection() {
    val estate = Estate.demo()
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.CENTRALIZED)
    beforeInspection(c)
    val i = CheckinRole.INSPECTOR
    val id = c.recordDefect(DEFECT.copy(severity = Severity.CRITICAL, description = "卫生间渗水 bathroom seepage", category = "plumbing"), I, i, at(2, 2, 0))
    assertEquals(LocalDate.of(2026, 11, 5), c.defects().single().deadline)
    c.complete("joint_inspection", I, i, at(2, 2, 5), ItemData(outcome = HandoverOutcome.REFUSED))
    c.complete("water_meter_reading", I, i, at(2, 2, 6), ItemData(reading = BigDecimal("507")), estate)
    c.complete("electricity_meter_reading", I, i, at(2, 2, 7), ItemData(reading = BigDecimal("3430")), estate)
    c.complete("house_acceptance_record", I, i, at(2, 2, 8))
    c.complete("key_handover", R, CheckinRole.RECEPTIONIST, at(2, 2, 9), ItemData(keys = 3L))
    c.complete("key_receipt_record", R, CheckinRole.RECEPTIONIST, at(2, 2, 10))
    assertEquals(emptyList(), c.missing())
    val refused = assertFailsWith<EstateKitException.State> { c.finish(R, CheckinRole.RECEPTIONIST, at(2, 3, 0)) }
    assertEquals("handover_refused" to "items.joint_inspection", refused.code to refused.path)

    // overdue on the 8th: three days past the deadline
    val overdue = overdueRectifications(listOf(c), LocalDate.of(2026, 11, 8))
    assertEquals(listOf(Triple("1-603", id, 3L)), overdue.map { Triple(it.unitId, it.defectId, it.daysOverdue) })

    c.markRectified(id, I, i, at(4, 6, 0))
    c.reinspect(id, false, I, i, at(4, 7, 0), "still seeping")
    assertEquals(DefectStatus.OPEN, c.defects().single().status)
    c.markRectified(id, I, i, at(5, 6, 0), "waterproofing redone")
    c.reinspect(id, true, I, i, at(5, 7, 0))
    assertEquals(DefectStatus.CLOSED, c.defects().single().status)
    c.undo("joint_inspection", I, i, at(5, 8, 0), "re-inspection passed")
    c.complete("joint_inspection", I, i, at(5, 8, 1), ItemData(outcome = HandoverOutcome.ACCEPTED))
    c.finish(R, CheckinRole.RECEPTIONIST, at(5, 9, 0))
    assertTrue(c.isComplete())
    assertEquals(Instant.parse("2026-11-05T09:00:00Z"), c.finishedAt())
    assertEquals(listOf("manager_audit"), c.actionable())
    assertEquals(emptyList(), overdueRectifications(listOf(c), LocalDate.of(2026, 11, 8)))

    val fx = c.completionEffects(estate, UnitStatus.DELIVERED)
    assertEquals(UnitStatus.UNSOLD to UnitStatus.DELIVERED, fx.statusFrom() to fx.statusTo())
    assertEquals(LocalDate.of(2026, 11, 5), fx.deliveredOn())
    assertEquals(listOf("W-1-603" to BigDecimal("507"), "E-1-603" to BigDecimal("3430")), fx.readings().map { it.meterId to it.value })
    assertEquals(BigDecimal("1000.00"), fx.totalCharges())
    // The management fee paid in advance is a prepayment: money received, not revenue.
    assertEquals(listOf(PaymentNature.PREPAYMENT), fx.charges().map { it.nature })
    assertEquals(listOf(BigDecimal("0.00"), BigDecimal("1000.00"), BigDecimal("0.00")), listOf(fx.totalFees(), fx.totalPrepayments(), fx.totalDeposits()))
    assertEquals(PaymentNature.DEPOSIT, CheckinTemplate.default().item("decoration_deposit")?.nature)
    assertEquals(UnitStatus.DELIVERED, fx.estate().unit("1-603")?.status)
    assertEquals(BigDecimal("3430"), fx.estate().metersOf("1-603").first { it.kind == MeterKind.ELECTRICITY }.readings.last().value)
    assertEquals(UnitStatus.UNSOLD, estate.unit("1-603")?.status)
    // The effects are an AutoCloseable object: closing them leaves the estate the app
    // took from them open.
    val delivered = fx.estate()
    fx.use { }
    assertEquals(UnitStatus.DELIVERED, delivered.unit("1-603")?.status)
    delivered.close()

    val other = Checklist.start(CheckinTemplate.default(), "2-503", "李雷", LocalDate.of(2026, 11, 3), HandoverMode.CENTRALIZED)
    val waiting = awaitingAudit(listOf(other, c), LocalDate.of(2026, 11, 30))
    assertEquals(listOf("1-603"), waiting.map { it.unitId() })
    c.complete("manager_audit", "赵六", CheckinRole.MANAGER, at(30, 8, 0))
    assertEquals(emptyList(), awaitingAudit(listOf(other, c), LocalDate.of(2026, 11, 30)))
    assertEquals(
        listOf(7, 14, 21, 30).map { LocalDate.of(2026, 11, it) },
        auditDates(HandoverMode.CENTRALIZED, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)))
    assertEquals(listOf(LocalDate.of(2026, 11, 30)), auditDates(HandoverMode.ORDINARY, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)))
}

fun testCheckinTypedErrors() {
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    val r = CheckinRole.RECEPTIONIST
    val unknown = assertFailsWith<EstateKitException.Validation> { c.complete("nope", R, r, at(2, 1, 0)) }
    assertEquals("unknown_item" to "item_code", unknown.code to unknown.path)
    val unmet = assertFailsWith<EstateKitException.State> { c.complete("owner_registration", R, r, at(2, 1, 0)) }
    assertEquals("dependencies_unmet", unmet.code)
    assertEquals("item_code: item \"owner_registration\" of step \"document_review\" waits for step(s) sale_formalities", unmet.detail)
    val role = assertFailsWith<EstateKitException.Validation> { c.complete("occupancy_notice_presented", I, CheckinRole.INSPECTOR, at(2, 1, 0)) }
    assertEquals("role_not_allowed" to "role", role.code to role.path)
    c.complete("occupancy_notice_presented", R, r, at(2, 1, 0))
    val twice = assertFailsWith<EstateKitException.State> { c.complete("occupancy_notice_presented", R, r, at(2, 1, 1)) }
    assertEquals("already_completed", twice.code)
    val incomplete = assertFailsWith<EstateKitException.State> { c.finish(R, r, at(2, 1, 2)) }
    assertEquals("checklist_incomplete" to "items", incomplete.code to incomplete.path)
    assertFalse(c.isComplete())

    val estate = Estate.demo()
    val c2 = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    beforeInspection(c2)
    val neg = assertFailsWith<EstateKitException.Validation> {
        c2.complete("water_meter_reading", I, CheckinRole.INSPECTOR, at(2, 2, 0), ItemData(reading = BigDecimal("-1")))
    }
    assertEquals("negative_reading" to "data.reading", neg.code to neg.path)
    val dec = assertFailsWith<EstateKitException.Validation> {
        c2.complete("water_meter_reading", I, CheckinRole.INSPECTOR, at(2, 2, 0), ItemData(reading = BigDecimal("500")), estate)
    }
    assertEquals("decreasing_reading", dec.code)
    assertEquals("data.reading: reading 500 is below meter W-1-603's previous reading 507.0", dec.detail)

    val cyclic = CheckinTemplate.default().toJson()
        .replace("\"depends_on\": [\n        \"sale_formalities\"\n      ]", "\"depends_on\": [\n        \"sale_formalities\",\n        \"charges\"\n      ]")
    val cycle = assertFailsWith<EstateKitException.Validation> { CheckinTemplate.fromJson(cyclic) }
    assertEquals("dependency_cycle" to "steps[1].depends_on", cycle.code to cycle.path)
}

fun testCheckinRestoreAgainstChangedTemplate() {
    val saved = walk(Estate.demo()).toJson()
    val changedJson = CheckinTemplate.default().toJson().replaceFirst("\"version\": 1", "\"version\": 2")
    val changed = CheckinTemplate.fromJson(changedJson)
    val strict = assertFailsWith<EstateKitException.Validation> { Checklist.fromJson(saved, changed) }
    assertEquals("template_mismatch" to "template", strict.code to strict.path)
    val restored = restoreChecklist(saved, changed)
    assertEquals(listOf(MismatchKind.TEMPLATE_VERSION), restored.mismatches().map { it.kind })
    assertEquals(ChecklistProgress(23L, 23L), restored.checklist().progress())
}

fun testCheckinChainedTemplate() {
    // 32,000 steps, each depending on the previous one: actionable() and missing() took
    // 3.8 s when every step looked at every item.
    val n = 32_000
    val steps = (0 until n).joinToString(",") { s ->
        val dep = if (s == 0) "" else "\"s${s - 1}\""
        "{\"code\": \"s$s\", \"name_zh\": \"步\", \"name_en\": \"Step\", \"depends_on\": [$dep], " +
            "\"items\": [{\"code\": \"s${s}i0\", \"kind\": \"record_made\", \"name_zh\": \"记录\", " +
            "\"name_en\": \"Record\", \"roles\": [\"receptionist\"]}]}"
    }
    val t = CheckinTemplate.fromJson("{\"id\": \"chain\", \"version\": 1, \"name_zh\": \"链\", \"name_en\": \"Chain\", \"steps\": [$steps]}")
    val c = Checklist.start(t, "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    for (s in 0 until n / 2) c.complete("s${s}i0", R, CheckinRole.RECEPTIONIST, at(2, 1, 0))
    assertEquals(listOf("s16000"), c.actionable())
    val missing = c.missing()
    assertEquals(Triple(16_000, "s16000i0", "s31999i0"), Triple(missing.size, missing.first(), missing.last()))
    val undo = assertFailsWith<EstateKitException.State> { c.undo("s0i0", R, CheckinRole.RECEPTIONIST, at(2, 2, 0), "wrong") }
    assertEquals("has_dependents", undo.code)
}

// Issue 18.3: a defect logged at 07:30 Beijing time (23:30 UTC the day before) counts
// its deadline from the Beijing date; the offset is stored in the document.
fun testCheckinDefectDeadlineInTheEstateTimeZone() {
    val t = CheckinTemplate.default()
    val c = Checklist.start(t, "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY, 480)
    assertEquals(480, c.utcOffsetMinutes())
    beforeInspection(c)
    c.recordDefect(DEFECT, I, CheckinRole.INSPECTOR, Instant.parse("2026-11-02T23:30:00Z"))
    assertEquals(LocalDate.of(2026, 11, 18), c.defects()[0].deadline)
    val back = Checklist.fromJson(c.toJson(), t)
    assertEquals(480, back.utcOffsetMinutes())
    val utc = Checklist.start(t, "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    beforeInspection(utc)
    utc.recordDefect(DEFECT, I, CheckinRole.INSPECTOR, Instant.parse("2026-11-02T23:30:00Z"))
    assertEquals(LocalDate.of(2026, 11, 17), utc.defects()[0].deadline)
    val e = assertFailsWith<EstateKitException.Validation> {
        Checklist.start(t, "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY, 1081)
    }
    assertEquals("out_of_range" to "utc_offset_minutes", e.code to e.path)
}
