// Documents that cannot lie: a saved checklist loads only when replaying its event log
// gives exactly what it says; every check-in action is dated in order.
import io.estatekit.*
import java.io.File
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private val WALK: String by lazy {
    val path = System.getenv("ESTATEKIT_CHECKIN_WALK") ?: "core/tests/data/checkin_walk.json"
    File(path).readText(Charsets.UTF_8)
}

fun testCheckinTimeTravelIsRefused() {
    val c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2), HandoverMode.ORDINARY)
    val r = CheckinRole.RECEPTIONIST
    // A completion dated 1900: before the start day.
    val early = assertFailsWith<EstateKitException.Validation> {
        c.complete("occupancy_notice_presented", "李四", r, Instant.parse("1900-01-01T00:00:00Z"))
    }
    assertEquals("event_out_of_order" to "at", early.code to early.path)
    c.complete("occupancy_notice_presented", "李四", r, Instant.parse("2026-11-02T09:00:00Z"))
    val before = c.toJson()
    // An undo dated before the completion it undoes.
    val undo = assertFailsWith<EstateKitException.Validation> {
        c.undo("occupancy_notice_presented", "李四", r, Instant.parse("2026-11-02T08:00:00Z"), "wrong owner")
    }
    assertEquals("event_out_of_order" to "at", undo.code to undo.path)
    assertTrue(undo.detail.contains("2026-11-02 09:00:00 UTC"), undo.detail)
    // A finish dated 2020 on a check-in started 2026-11-02.
    val finish = assertFailsWith<EstateKitException.Validation> { c.finish("李四", r, Instant.parse("2020-01-01T00:00:00Z")) }
    assertEquals("event_out_of_order" to "at", finish.code to finish.path)
    assertEquals(before, c.toJson())

    // The same in a saved document: the walk, finished in 2020.
    val doc = WALK.replace("2026-11-02T02:30:00Z", "2020-01-01T00:00:00Z")
    val load = assertFailsWith<EstateKitException.Validation> { Checklist.fromJson(doc, CheckinTemplate.default()) }
    assertEquals("event_out_of_order" to "events[25].at", load.code to load.path)
}

fun testCheckinContradictionsDoNotLoad() {
    val t = CheckinTemplate.default()
    // The walk loads and writes back identically.
    assertEquals(WALK, Checklist.fromJson(WALK, t).toJson() + "\n")
    // The manager's audit recorded (in the items) as done by a receptionist.
    val itemRole = "\"actor\": \"赵六\",\n        \"role\": \"manager\""
    assertTrue(WALK.contains(itemRole))
    val forged = WALK.replace(itemRole, itemRole.replace("manager", "receptionist"))
    val e = assertFailsWith<EstateKitException.Validation> { Checklist.fromJson(forged, t) }
    assertEquals("inconsistent_document" to "items.manager_audit.completion.role", e.code to e.path)
    assertEquals(
        "items.manager_audit.completion.role: the document says \"receptionist\", its event log gives \"manager\"",
        e.detail,
    )
    // And in the log too: the template does not allow the role.
    val eventRole = "\"actor\": \"赵六\",\n      \"role\": \"manager\""
    assertTrue(WALK.contains(eventRole))
    val both = forged.replace(eventRole, eventRole.replace("manager", "receptionist"))
    val role = assertFailsWith<EstateKitException.Validation> { Checklist.fromJson(both, t) }
    assertEquals("role_not_allowed" to "events[30].role", role.code to role.path)
    // Restoring lists the contradiction as a mismatch and keeps the document as saved.
    val restored = restoreChecklist(forged, t)
    assertEquals(
        listOf(MismatchKind.HISTORY to "items.manager_audit.completion.role"),
        restored.mismatches().map { it.kind to it.path },
    )
}
