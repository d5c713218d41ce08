// Goods release (物品放行) and the move-out through the generated bindings: the walk of
// core/tests/release.rs (same amounts, states, codes and paths): arrears of 382.10 from
// the book as a warning (a block by policy), the guard's check at the gate, a tenant
// without the owner's written consent, a permit valid on its day only, and the move-out
// checklist whose completion leaves 1-101 delivered and empty with its final readings.
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun dec(s: String): BigDecimal = BigDecimal(s)
private val ITEMS = listOf(ReleaseItem("冰箱", 1L), ReleaseItem("纸箱", 12L))

private fun exampleRequest(
    id: String = "GR-001", unitId: String = "1-101", applicant: String = "P-WANG", reason: Reason = Reason.MOVE_OUT,
    items: List<ReleaseItem> = ITEMS, passDate: LocalDate = day("2026-12-05"), wholeUnit: Boolean = true,
) = PermitRequest(id = id, unitId = unitId, applicant = applicant, items = items, passDate = passDate, reason = reason,
    idRef = "ID-CHECKED-0001", plate = "浙A 12345", window = WorkingHours("08:00", "18:00"), wholeUnit = wholeUnit)

private fun registry(): Registry {
    val r = Registry("lakeside")
    r.addPerson(Person(id = "P-WANG", name = "王芳"))
    r.addPerson(Person(id = "P-SUN", name = "孙丽"))
    r.addRole(RoleRecord(unitId = "1-101", personId = "P-WANG", role = OccupantRole.OWNER, from = day("2024-06-01")))
    r.addRole(RoleRecord(unitId = "1-102", personId = "P-SUN", role = OccupantRole.TENANT, from = day("2026-03-01"),
        leaseStart = day("2026-03-01"), leaseEnd = day("2027-02-28")))
    return r
}

/** GoodsRelease::example() of the core: GR-001 requested owing 381.65, approved. */
private fun example(): Pair<GoodsRelease, Registry> {
    val reg = registry()
    val g = GoodsRelease("lakeside")
    g.request(exampleRequest(), reg, arrears = dec("381.65"), actor = "小陈", at = at("2026-12-04T02:00:00Z"))
    g.approve("GR-001", reg, actor = "周经理", at = at("2026-12-04T02:30:00Z"))
    return g to reg
}

/** 1-101 owes a lock replacement (80.00) and November's management fee (300.00). */
private fun book(): Receivables {
    val b = Receivables(Estate.demo(), FeeSchedule.demo())
    val rows = listOf(
        ChargeRow(unitId = "1-101", reference = "WO-77", itemCode = "lock", amount = dec("80.00"),
            issuedOn = day("2026-11-05"), due = day("2026-11-20")),
        ChargeRow(unitId = "1-101", reference = "M-2026-11", itemCode = "management", amount = dec("300.00"),
            issuedOn = day("2026-11-05"), due = day("2026-11-20")),
    )
    assertEquals(2, b.postCharges(rows).posted.size)
    return b
}

private fun fails(block: () -> Unit): Pair<String, String> =
    try {
        block()
        "none" to ""
    } catch (e: EstateKitException.Validation) {
        e.code to e.path
    } catch (e: EstateKitException.State) {
        "state:${e.code}" to e.path
    }

fun testReleaseMoveOutPermitFromRequestToTheGate() {
    val reg = registry()
    val g = GoodsRelease("lakeside")
    val b = book()
    // 80.00 + 300.00 + 14 days × 0.15 = 382.10: a warning, not a block.
    val p = g.request(exampleRequest(), reg, book = b, actor = "小陈", at = at("2026-12-04T02:00:00Z"))
    assertEquals(Triple(PermitState.REQUESTED, true, "382.10"), Triple(p.state, p.mayConsent, p.arrears.toPlainString()))
    assertEquals(listOf("1-101 owes 382.10 (principal and penalty)"), p.warnings)
    assertEquals("浙A12345", p.request.plate)
    assertEquals(WorkingHours("08:00", "18:00"), p.request.window)
    val before = g.toJson()
    g.request(exampleRequest(), reg, book = b, actor = "小陈", at = at("2026-12-04T02:01:00Z"))
    assertEquals(before, g.toJson())
    assertEquals("state:permit_state" to "permit_id",
        fails { g.verify("GR-001", ITEMS, "浙A12345", "保安 刘", at("2026-12-05T02:00:00Z")) })
    g.approve("GR-001", reg, actor = "周经理", at = at("2026-12-04T02:30:00Z"))

    val t = at("2026-12-05T02:00:00Z")
    assertEquals("mismatch" to "plate", fails { g.verify("GR-001", ITEMS, "浙B 54321", "保安 刘", t) })
    assertEquals("mismatch" to "plate", fails { g.verify("GR-001", ITEMS, actor = "保安 刘", at = t) })
    assertEquals("mismatch" to "items[2].name",
        fails { g.verify("GR-001", ITEMS + ReleaseItem("沙发", 1L), "浙A12345", "保安 刘", t) })
    assertEquals("mismatch" to "items[1].quantity",
        fails { g.verify("GR-001", listOf(ReleaseItem("冰箱", 1L), ReleaseItem("纸箱", 13L)), "浙A12345", "保安 刘", t) })
    assertEquals("invalid_integer" to "items[1].quantity",
        fails { g.verify("GR-001", listOf(ReleaseItem("冰箱", 1L), ReleaseItem("纸箱", -1L)), "浙A12345", "保安 刘", t) })
    val seen = listOf(ReleaseItem("冰箱", 1L), ReleaseItem("纸箱", 10L))
    val used = g.verify("GR-001", seen, "浙a 12345", "保安 刘", t)
    assertEquals(Triple(PermitState.USED, t, "保安 刘"), Triple(used.state, used.usedAt, used.verifiedBy))
    val after = g.toJson()
    g.verify("GR-001", seen, "浙a 12345", "保安 刘", at("2026-12-05T02:05:00Z"))
    assertEquals(after, g.toJson())
    assertEquals("state:permit_state" to "permit_id",
        fails { g.verify("GR-001", ITEMS, "浙A12345", "保安 王", at("2026-12-05T03:00:00Z")) })
    assertEquals(listOf("GR-001"), g.usedOn(day("2026-12-05")).map { it.id })
    assertTrue(g.usedOn(day("2026-12-04")).isEmpty())
    assertEquals(g, GoodsRelease.fromJson(g.toJson()))
}

fun testReleaseTenantWithoutWrittenConsentNeedsTheOwners() {
    val (g, reg) = example()
    val t = at("2026-12-04T03:00:00Z")
    val r = exampleRequest(id = "GR-002", unitId = "1-102", applicant = "P-SUN", reason = Reason.REPAIR, wholeUnit = false)
    val p = g.request(r, reg, arrears = BigDecimal.ZERO, actor = "小陈", at = t)
    assertEquals(false to 0, p.mayConsent to p.warnings.size)
    assertEquals("state:no_consent" to "consent_by", fails { g.approve("GR-002", reg, actor = "周经理", at = t) })
    assertEquals("state:no_consent" to "consent_by", fails { g.approve("GR-002", reg, "P-SUN", "周经理", t) })
    reg.addPerson(Person(id = "P-LI", name = "李明"))
    reg.addRole(RoleRecord(unitId = "1-102", personId = "P-LI", role = OccupantRole.OWNER, from = day("2020-01-01")))
    val ok = g.approve("GR-002", reg, "P-LI", "周经理", t)
    assertEquals(Triple(PermitState.APPROVED, "P-LI", "周经理"), Triple(ok.state, ok.consentBy, ok.approvedBy))
    assertEquals("unknown_reference" to "applicant",
        fails { g.request(exampleRequest(id = "GR-003", applicant = "P-NOBODY"), reg, arrears = BigDecimal.ZERO, actor = "小陈", at = t) })
    assertEquals(g, GoodsRelease.fromJson(g.toJson()))
}

fun testReleaseBlockingPolicyAndOneArrearsSource() {
    val reg = registry()
    val g = GoodsRelease("lakeside", ReleasePolicy(ArrearsRule.BLOCK))
    assertEquals(ReleasePolicy(ArrearsRule.BLOCK, 480), g.policy())
    val e = try {
        g.request(exampleRequest(), reg, book = book(), actor = "小陈", at = at("2026-12-04T02:00:00Z"))
        null
    } catch (e: EstateKitException.State) {
        e
    }!!
    assertEquals("arrears_outstanding" to "arrears", e.code to e.path)
    assertEquals("arrears: unit 1-101 owes 382.10", e.messageEn)
    assertTrue(g.permits().isEmpty())
    assertTrue(g.request(exampleRequest(), reg, arrears = BigDecimal.ZERO, actor = "小陈", at = at("2026-12-04T02:00:00Z")).warnings.isEmpty())
    assertEquals("missing_value" to "arrears",
        fails { g.request(exampleRequest(), reg, actor = "小陈", at = at("2026-12-04T02:00:00Z")) })
    assertEquals("conflicting_fields" to "arrears",
        fails { g.request(exampleRequest(), reg, book(), BigDecimal.ZERO, "小陈", at("2026-12-04T02:00:00Z")) })
}

fun testReleasePermitValidOnItsDayOnlyAndRefusalIsFinal() {
    val (g, reg) = example()
    assertEquals("state:outside_window" to "at", fails { g.verify("GR-001", ITEMS, "浙A12345", "保安 刘", at("2026-12-05T10:00:00Z")) })
    assertEquals(PermitState.EXPIRED, g.stateAt("GR-001", at("2026-12-05T16:00:00Z")))
    assertEquals(PermitState.APPROVED, g.stateAt("GR-001", at("2026-12-05T15:59:00Z")))
    assertEquals("state:permit_state" to "permit_id",
        fails { g.verify("GR-001", ITEMS, "浙A12345", "保安 刘", at("2026-12-06T02:00:00Z")) })
    val t = at("2026-12-06T03:00:00Z")
    val bags = listOf(ReleaseItem("装修垃圾（袋）", 30L))
    assertEquals("out_of_range" to "pass_date", fails {
        g.request(exampleRequest(id = "GR-002", reason = Reason.DEBRIS, items = bags, passDate = day("2026-12-03")), reg,
            arrears = BigDecimal.ZERO, actor = "小陈", at = t)
    })
    assertEquals("duplicate_id" to "items[1].name", fails {
        g.request(exampleRequest(id = "GR-002", reason = Reason.DEBRIS, items = bags + ReleaseItem("装修垃圾（袋）", 2L),
            passDate = day("2026-12-06")), reg, arrears = BigDecimal.ZERO, actor = "小陈", at = t)
    })
    assertEquals("invalid_time" to "window.start", fails {
        g.request(exampleRequest(id = "GR-002").copy(window = WorkingHours("8 am", "18:00")), reg,
            arrears = BigDecimal.ZERO, actor = "小陈", at = t)
    })
    g.request(exampleRequest(id = "GR-002", reason = Reason.DEBRIS, items = bags, passDate = day("2026-12-06")), reg,
        arrears = BigDecimal.ZERO, actor = "小陈", at = t)
    val refused = g.refuse("GR-002", "未预约清运时间", "周经理", at("2026-12-06T03:10:00Z"))
    assertEquals(PermitState.REFUSED to "未预约清运时间", refused.state to refused.refusedReason)
    assertEquals("state:permit_state" to "permit_id", fails { g.approve("GR-002", reg, actor = "周经理", at = at("2026-12-06T03:20:00Z")) })
    val text = g.toJson()
    assertEquals(g, GoodsRelease.fromJson(text))
    assertEquals(text, GoodsRelease.fromJson(text).toJson())
    val bad = text.replaceFirst("\"permit_id\": \"GR-001\"", "\"permit_id\": \"GR-404\"")
    assertEquals("unknown_reference" to "events[1].action.permit_id", fails { GoodsRelease.fromJson(bad) })
}

fun testReleaseWholeUnitMoveOutEndsWithTheUnitEmptyAndItsFinalReadings() {
    val (g, reg) = example()
    val template = CheckinTemplate.defaultMoveOut()
    assertEquals("move_out" to 6, template.id() to template.steps().size)
    g.request(exampleRequest(id = "GR-002", wholeUnit = false), reg, arrears = BigDecimal.ZERO, actor = "小陈",
        at = at("2026-12-04T03:00:00Z"))
    assertEquals("missing_value" to "whole_unit", fails { g.startMoveOut("GR-002", template, reg) })
    g.verify("GR-001", ITEMS, "浙A12345", "保安 刘", at("2026-12-05T02:00:00Z"))
    val c = g.startMoveOut("GR-001", template, reg)
    assertEquals("1-101" to "王芳", c.unitId() to c.owner())

    val estate = Estate.demo()
    fun last(kind: MeterKind) = estate.metersOf("1-101").single { it.kind == kind }.readings.last().value
    val water = last(MeterKind.WATER) + dec("12.5")
    val power = last(MeterKind.ELECTRICITY) + dec("310.7")
    var minute = 0L
    for (step in template.steps()) {
        for (item in step.items.filter { it.mandatory }) {
            minute += 5
            val data = when (item.kind) {
                ItemKind.METER_READING -> ItemData(reading = if (item.meterKind == MeterKind.WATER) water else power)
                ItemKind.INSPECTION -> ItemData(outcome = HandoverOutcome.ACCEPTED)
                ItemKind.KEY_HANDOVER -> ItemData(keys = 3L)
                ItemKind.SIGNATURE -> ItemData(signatureRef = "SIG-MO-1")
                else -> ItemData()
            }
            c.complete(item.code, "李四", item.roles[0], at("2026-12-05T03:00:00Z").plusSeconds(60 * minute), data, estate)
        }
    }
    c.finish("李四", CheckinRole.RECEPTIONIST, at("2026-12-05T06:00:00Z"))
    val fx = c.completionEffects(estate, UnitStatus.DELIVERED)
    assertEquals(Triple(UnitStatus.OCCUPIED, UnitStatus.DELIVERED, day("2026-12-05")), Triple(fx.statusFrom(), fx.statusTo(), fx.on()))
    assertEquals(listOf(MeterKind.WATER to water, MeterKind.ELECTRICITY to power), fx.readings().map { it.kind to it.value })
    assertTrue(fx.readings().all { !it.newMeter && it.date == day("2026-12-05") })
    assertEquals(UnitStatus.DELIVERED, fx.estate().unit("1-101")!!.status)
    assertTrue(fx.charges().isEmpty())
}
