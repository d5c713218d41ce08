// Issue 19.3: allowed actions ("enable buttons") for a ticket and a checklist item or
// defect, each exactly what performing the action accepts; versions and one-call
// `perform` saves, ordered across coroutines.
import io.estatekit.*
import java.time.Instant
import java.time.LocalDate
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private val T0: Instant = Instant.parse("2026-11-02T01:00:00Z")

private fun flow(kind: TicketKind = TicketKind.REPAIR_REQUEST) = TicketFlow(
    "T1", "1-201", TicketChannel.HOTLINE, T0, "王女士", "卫生间漏水",
    kind, "repair.plumbing", Urgency.URGENT, "engineering", "小张",
)

private fun command(a: TicketAction): TicketCommand? = when (a) {
    TicketAction.RECEIVE -> null
    TicketAction.ASSIGN -> TicketCommand.Assign("李工")
    TicketAction.START -> TicketCommand.Start
    TicketAction.PAUSE -> TicketCommand.Pause("等业主")
    TicketAction.RESUME -> TicketCommand.Resume
    TicketAction.RESOLVE -> TicketCommand.Resolve("修好")
    TicketAction.RETURN_VISIT -> TicketCommand.ReturnVisit(true, "")
    TicketAction.RETURN_VISIT_REACHED -> TicketCommand.ReturnVisitReached(VisitMode.PHONE, 5, "满意")
    TicketAction.RETURN_VISIT_UNREACHABLE -> TicketCommand.ReturnVisitUnreachable(VisitMode.PHONE, "无人接听")
    TicketAction.CLOSE -> TicketCommand.Close
    TicketAction.ESCALATE -> TicketCommand.Escalate("经理", "超出权限")
}

fun testTicketAllowedActionsAreWhatPerformAccepts() {
    flow().use { f ->
        assertEquals(listOf(TicketAction.ASSIGN, TicketAction.RESOLVE, TicketAction.ESCALATE), f.allowedActions("小张"))
        val steps = listOf(
            TicketCommand.Assign("李工") to "小张", TicketCommand.Start to "李工", TicketCommand.Pause("等业主") to "李工",
            TicketCommand.Resume to "李工", TicketCommand.Resolve("修好") to "李工",
            TicketCommand.ReturnVisitReached(VisitMode.PHONE, 2, "还漏") to "客服小刘",
            TicketCommand.Resolve("再修") to "李工", TicketCommand.ReturnVisitReached(VisitMode.PHONE, 5, "好了") to "客服小刘",
            TicketCommand.Close to "客服小刘",
        )
        var t = T0
        for ((step, by) in steps) {
            t = t.plusSeconds(600)
            // In every state, for every actor and action: allowed iff perform succeeds
            // on a copy (the copy's version moves by one exactly then).
            for (actor in listOf("小张", "李工", "客服小刘")) {
                val allowed = f.allowedActions(actor)
                for (a in TicketAction.entries) {
                    val cmd = command(a)
                    if (cmd == null) { assertTrue(a !in allowed); continue }
                    TicketFlow.fromJson(f.toJson()).use { copy ->
                        val ok = runCatching { copy.perform(cmd, actor, t) }
                        assertEquals(a in allowed, ok.isSuccess, "$a by $actor in ${f.state()}: $allowed / $ok")
                        assertEquals(f.version() + if (ok.isSuccess) 1 else 0, copy.version())
                    }
                }
            }
            val saved = f.perform(step, by, t)
            assertEquals(saved.version, f.version())
            assertEquals(saved.json, f.toJson())
        }
        assertEquals(TicketState.CLOSED, f.state())
        assertEquals(9L, f.version())
        assertEquals(listOf(), f.allowedActions("经理", "manager"))
        TicketFlow.fromJson(f.saved().json).use { back -> assertEquals(9L, back.version()) }
        // A refused action leaves the version alone; a rating out of range is Validation.
        assertFailsWith<EstateKitException.State> { f.perform(TicketCommand.Start, "李工", t) }
        val e = assertFailsWith<EstateKitException.Validation> {
            flow().use { g -> g.perform(TicketCommand.ReturnVisitReached(VisitMode.PHONE, 300, ""), "x", T0) }
        }
        assertEquals("rating", e.path)
        assertEquals(9L, f.version())
    }
}

fun testReadmeLifecycleShortcuts() {
    // resolve straight from received; close straight from resolved when no visit is required.
    flow(TicketKind.PRAISE).use { f ->
        f.perform(TicketCommand.Resolve("已转达"), "小张", T0)
        assertEquals(listOf(TicketAction.CLOSE), f.allowedActions("小张"))
        assertEquals(TicketState.CLOSED, f.close("小张", T0))
    }
}

private fun started() = Checklist.start(CheckinTemplate.default(), "1-603", "张三", LocalDate.of(2026, 11, 2))

fun testChecklistAllowedItemActions() {
    started().use { c ->
        val r = CheckinRole.RECEPTIONIST
        assertEquals(listOf(ItemAction.COMPLETE), c.allowedItemActions("occupancy_notice_presented", r))
        assertEquals(listOf(), c.allowedItemActions("key_handover", r))
        assertEquals(listOf(), c.allowedItemActions("occupancy_notice_presented", CheckinRole.INSPECTOR))
        val s = c.perform(ChecklistCommand.Complete("occupancy_notice_presented"), "李四", r, T0)
        assertEquals(1L, s.version)
        assertEquals(listOf(ItemAction.UNDO), c.allowedItemActions("occupancy_notice_presented", r))
        // Allowed iff the operation succeeds, for every item and role, on copies.
        for (item in c.items()) for (role in CheckinRole.entries) {
            val allowed = c.allowedItemActions(item.code, role)
            Checklist.fromJson(c.toJson(), CheckinTemplate.default()).use { copy ->
                val ok = runCatching { copy.perform(ChecklistCommand.Undo(item.code, "重做"), "李四", role, T0) }
                assertEquals(ItemAction.UNDO in allowed, ok.isSuccess, "${item.code} $role")
            }
        }
        val e = assertFailsWith<EstateKitException.Validation> { c.allowedItemActions("nope", r) }
        assertEquals(listOf("unknown_item", "item_code"), listOf(e.code, e.path))
        val d = assertFailsWith<EstateKitException.Validation> { c.allowedDefectActions("D1", CheckinRole.INSPECTOR) }
        assertEquals("unknown_defect", d.code)
        assertFailsWith<EstateKitException.State> {
            c.perform(ChecklistCommand.Complete("occupancy_notice_presented"), "李四", r, T0)
        }
        assertEquals(1L, c.version())
    }
}

// Coroutines complete items concurrently, each keeping the snapshot its `perform`
// returned: the highest version holds every item and restores to that version.
fun testConcurrentPerformSnapshotsAreOrderedByVersion() {
    started().use { c ->
        val r = CheckinRole.RECEPTIONIST
        c.complete("occupancy_notice_presented", "李四", r, T0)
        c.complete("owner_registration", "李四", r, T0)
        c.complete("management_fee_prepayment", "李四", r, T0, ItemData(receiptRef = "R-1"))
        c.complete("admission_fee_record", "李四", r, T0)
        c.complete("statute_signed", "李四", r, T0, ItemData(signatureRef = "SIG-1"))
        c.complete("decoration_agreement_signed", "李四", r, T0, ItemData(signatureRef = "SIG-2"))
        val codes = c.items().map { it.code }.filter {
            c.allowedItemActions(it, r) == listOf(ItemAction.COMPLETE) &&
                c.items().first { i -> i.code == it }.kind in setOf(ItemKind.DOCUMENT_ISSUED, ItemKind.RECORD_MADE)
        }
        assertTrue(codes.size >= 4, "$codes")
        val saves = runBlocking(Dispatchers.Default) {
            codes.map { code -> async { c.perform(ChecklistCommand.Complete(code), "李四", r, T0) } }.awaitAll()
        }
        assertEquals((7L..(6L + codes.size)).toList(), saves.map { it.version }.sorted())
        val latest = saves.maxBy { it.version }
        Checklist.fromJson(latest.json, CheckinTemplate.default()).use { back ->
            assertEquals(latest.version, back.version())
            for (code in codes) assertTrue(back.items().first { it.code == code }.done, code)
            assertEquals(c, back)
        }
    }
}
