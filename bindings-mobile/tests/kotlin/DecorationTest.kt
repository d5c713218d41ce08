// Decoration management (装修管理) through the generated bindings: the walk from
// application to refund of core/tests/decoration.rs (same amounts, states and errors),
// the refusals of 建设部令第110号《住宅室内装饰装修管理办法》 (art. 5 prohibitions,
// art. 6 approvals, art. 13 documents and the owner's consent for a tenant), a state
// error, the JSON round trip, deadlines and statistics, and the working-hours check of
// the complaint "楼上装修从早上七点就开始砸墙".
import io.estatekit.*
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private fun at(s: String): Instant = Instant.parse(s)
private fun day(s: String): LocalDate = LocalDate.parse(s)
private fun dec(s: String): BigDecimal = BigDecimal(s)

private val CS = DecorationRole.CUSTOMER_SERVICE
private val MANAGER = DecorationRole.MANAGER
private val ENGINEER = DecorationRole.ENGINEER
private val FINANCE = DecorationRole.FINANCE

/** The registry of core/tests/decoration.rs: an owner and a household member of 1-201,
 * a tenant of 1-203 with the owner's consent (C-203), a tenant of 1-202 without. */
private fun registry(estate: Estate): Registry {
    val r = Registry(estate.id())
    for ((id, name) in listOf("P-ZHANG" to "张三", "P-LI" to "李四", "P-WANG" to "王五", "P-ZHAO" to "赵六")) {
        r.addPerson(Person(id = id, name = name))
    }
    r.addRole(RoleRecord(unitId = "1-201", personId = "P-ZHANG", role = OccupantRole.OWNER, from = day("2024-06-01")))
    r.addRole(RoleRecord(unitId = "1-201", personId = "P-WANG", role = OccupantRole.HOUSEHOLD_MEMBER, from = day("2024-06-01")))
    r.addRole(RoleRecord(unitId = "1-203", personId = "P-LI", role = OccupantRole.TENANT, from = day("2025-03-01"),
        to = day("2027-02-28"), leaseStart = day("2025-03-01"), leaseEnd = day("2027-02-28"), consentRef = "C-203"))
    r.addRole(RoleRecord(unitId = "1-202", personId = "P-ZHAO", role = OccupantRole.TENANT, from = day("2025-03-01"),
        to = day("2027-02-28"), leaseStart = day("2025-03-01"), leaseEnd = day("2027-02-28")))
    return r
}

private val BASE_DOCS = listOf("ownership_proof", "applicant_id", "decoration_plan")

private fun application(id: String, unit: String, person: String, scope: List<String>, extraDocs: List<String> = listOf()) =
    Submission(id, unit, person, scope = scope, plannedStart = day("2026-11-09"), plannedEnd = day("2026-12-31"),
        documents = BASE_DOCS + extraDocs)

private val CONTRACTOR = Contractor(
    "安居装饰", "D2-3301", "赵工", listOf("P-001", "P-002", "P-003").mapIndexed { i, p -> Worker("工人$i", p) },
)

/** The walk of `a_renovation_from_application_to_refund`, every amount and state exact. */
fun testDecorationFromApplicationToRefund() {
    val estate = Estate.demo()
    val reg = registry(estate)
    val d = Decorations(estate)
    val s = application("R-1", "1-201", "P-ZHANG", listOf("flooring", "waterproofing", "electrical"),
        listOf("waterproofing_plan", "contractor_licence")).copy(contractor = CONTRACTOR)
    fun roundtrip() = assertEquals(d, Decorations.fromJson(d.toJson()))

    val r = d.submit(estate, reg, s, "小陈", CS, at("2026-11-02T02:00:00Z"))
    assertEquals(RenovationState.SUBMITTED to Consent.OWNER, r.state to r.applicant.consent)
    assertEquals(PlannedPeriod(day("2026-11-09"), day("2026-12-31")), r.planned)
    // A retry of the same application changes nothing.
    d.submit(estate, reg, s, "小陈", CS, at("2026-11-02T02:01:00Z"))
    assertEquals(1, d.renovation("R-1")!!.events.size)
    roundtrip()

    val fees = d.approve("R-1", estate, "周经理", MANAGER, at("2026-11-03T02:00:00Z"))
    assertEquals(listOf("debris_removal" to dec("268.50"), "worker_pass" to dec("30.00")), fees.map { it.code to it.amount })
    assertEquals("装修垃圾清运费：89.50 × 3.00 = 268.50", fees[0].explain(Language.ZH_CN))
    assertEquals("workers' passes: 3 × 10.00 = 30.00", fees[1].explain(Language.EN))
    assertEquals("装修垃圾清运费：89.50 × 3.00 = 268.50", fees[0].explain())
    val rows = d.chargeRows("R-1")
    assertEquals(day("2026-11-10") to day("2026-11-03"), rows[0].due to rows[0].issuedOn)
    assertEquals(listOf("R-1/debris_removal", "R-1/worker_pass"), rows.map { it.reference })

    // The fees go to the book; posting twice posts once.
    val book = Receivables(estate, FeeSchedule.demo())
    val first = book.postCharges(rows)
    val again = book.postCharges(rows)
    assertEquals(Triple(2, 0, 2), Triple(first.posted.size, again.posted.size, again.alreadyPosted.size))
    assertEquals(2, book.account("1-201")!!.charges().size)

    val missing = assertFailsWith<EstateKitException.State> { d.startWorks("R-1", estate, "小陈", CS, at("2026-11-09T01:00:00Z")) }
    assertEquals("payment_missing" to "renovation_id", missing.code to missing.path)
    assertEquals("renovation_id: renovation \"R-1\" cannot start: fees and deposit not received", missing.detail)
    d.recordFeesPaid("R-1", "RC-1", "钱会计", FINANCE, at("2026-11-04T02:00:00Z"))
    d.recordDeposit("R-1", dec("2000.00"), "RC-2", "钱会计", FINANCE, at("2026-11-04T02:01:00Z"))
    // Before the planned start: refused.
    val early = assertFailsWith<EstateKitException.Validation> { d.startWorks("R-1", estate, "小陈", CS, at("2026-11-05T01:00:00Z")) }
    assertEquals("out_of_range" to "at", early.code to early.path)
    val change = d.startWorks("R-1", estate, "小陈", CS, at("2026-11-09T01:00:00Z"))
    assertEquals(StatusUpdate("1-201", UnitStatus.DECORATING, day("2026-11-09"), 4L), change)
    val estate2 = estate.updated(EstateUpdate(statusChanges = listOf(change)))
    assertEquals(UnitStatus.DECORATING, estate2.unit("1-201")!!.status)
    roundtrip()

    // A site check finds damage by the contractor and hot work by the owner's side; works stop.
    val v = d.recordViolation("R-1", ViolationInput("common_area_damage", Liable.CONTRACTOR, dec("1800"), "电梯轿厢划伤"),
        "吴工", ENGINEER, at("2026-11-12T03:00:00Z"))
    assertEquals(Triple("V1", dec("1800.00"), day("2026-11-19")), Triple(v.id, v.amount, v.due))
    assertEquals(ViolationStatus.OPEN, v.status)
    d.recordViolation("R-1", ViolationInput("unapproved_hot_work", Liable.OWNER, dec("600.00")),
        "孙巡", DecorationRole.SECURITY, at("2026-11-13T03:00:00Z"))
    d.recordViolation("R-1", ViolationInput("common_area_damage", Liable.STAFF, dec("120.00"), "保洁推车撞坏门框"),
        "吴工", ENGINEER, at("2026-11-13T04:00:00Z"))
    d.suspend("R-1", "动火未审批", "吴工", ENGINEER, at("2026-11-13T05:00:00Z"))
    val checked = d.recordSiteCheck("R-1", "已停工，现场整改中", "孙巡", DecorationRole.SECURITY, at("2026-11-14T02:00:00Z"))
    assertEquals(1L, checked.siteChecks)
    assertEquals(RenovationAction.SiteCheck("已停工，现场整改中"), checked.events.last().details)
    assertEquals(WorkVerdict.SUSPENDED, d.workCheck("1-201", at("2026-11-16T02:00:00Z"), true).verdict)
    for (id in listOf("V1", "V2", "V3")) d.rectifyViolation("R-1", id, "吴工", ENGINEER, at("2026-11-16T02:00:00Z"))
    d.resume("R-1", "吴工", ENGINEER, at("2026-11-16T03:00:00Z"))
    val extended = d.extend("R-1", day("2027-01-20"), "材料延期到货", "周经理", MANAGER, at("2026-12-20T02:00:00Z"))
    assertEquals(day("2027-01-20"), extended.permittedEnd)
    assertEquals(listOf("材料延期到货"), extended.extensions.map { it.reason })
    d.returnPasses("R-1", listOf("P-001", "P-003"), "小陈", CS, at("2027-01-10T01:00:00Z"))
    d.reportCompletion("R-1", "小陈", CS, at("2027-01-10T02:00:00Z"))
    assertNull(d.inspect("R-1", false, "防水闭水试验不合格", "吴工", ENGINEER, at("2027-01-11T02:00:00Z")))
    // No refund before acceptance: a state error.
    val notYet = assertFailsWith<EstateKitException.State> { d.settleDeposit("R-1", null, "钱会计", FINANCE, at("2027-01-11T03:00:00Z")) }
    assertEquals("renovation_state" to "renovation_id", notYet.code to notYet.path)
    assertEquals("renovation_id: renovation \"R-1\" is acceptance_failed; cannot settle the deposit", notYet.detail)
    d.reportCompletion("R-1", "小陈", CS, at("2027-01-13T02:00:00Z"))
    val back = d.inspect("R-1", true, null, "吴工", ENGINEER, at("2027-01-14T02:00:00Z"))!!
    assertEquals(StatusUpdate("1-201", UnitStatus.OCCUPIED, day("2027-01-14"), 4L), back)
    val estate3 = estate2.updated(EstateUpdate(statusChanges = listOf(back)))
    assertEquals(UnitStatus.OCCUPIED, estate3.unit("1-201")!!.status)

    // The owner paid 30.00, which the book put on the oldest charge first: 238.50 and
    // 30.00 are still owed.
    book.applyPayments(listOf(PaymentRow("1-201", dec("30.00"), day("2026-11-05"), "BANK-1")))
    val st = d.settleDeposit("R-1", book, "钱会计", FINANCE, at("2027-01-15T02:00:00Z"))
    assertEquals(
        listOf(
            listOf("violation", "V1", "contractor", "1800.00"),
            listOf("unreturned_pass", "P-002", "contractor", "20.00"),
            listOf("violation", "V2", "owner", "600.00"),
            listOf("unpaid_fee", "debris_removal", "owner", "238.50"),
            listOf("unpaid_fee", "worker_pass", "owner", "30.00"),
        ),
        st.deductions.map { listOf(it.kind.wireName(), it.source, it.liable.wireName(), it.amount.toPlainString()) },
    )
    assertEquals(listOf(DeductionKind.VIOLATION, DeductionKind.UNRETURNED_PASS), st.deductions.take(2).map { it.kind })
    // 2,000.00 covers the contractor's 1,820.00 and 180.00 of the owner's 868.50.
    assertEquals(
        listOf("2000.00", "0.00", "688.50", "688.50", "0.00"),
        listOf(st.deducted, st.refund, st.shortfall, st.shortfallCharge, st.contractorClaim).map { it.toPlainString() },
    )
    assertEquals(listOf("V3" to dec("120.00")), st.claims.map { it.source to it.amount })
    assertEquals("装修垃圾清运费未缴", st.deductions[3].reasonZh)
    assertEquals("pass not returned: P-002 (工人1)", st.deductions[1].reasonEn)
    assertEquals(day("2027-02-13"), st.refundDue)
    val charge = d.shortfallCharge("R-1")!!
    assertEquals(Triple("R-1/deposit_shortfall", dec("688.50"), day("2027-01-22")), Triple(charge.reference, charge.amount, charge.due))
    book.postCharges(listOf(charge))
    book.postCharges(listOf(charge))
    assertEquals(3, book.account("1-201")!!.charges().size)
    d.close("R-1", "TR-0", "钱会计", FINANCE, at("2027-01-16T02:00:00Z"))
    roundtrip()
    val done = d.renovation("R-1")!!
    assertEquals(Triple(RenovationState.CLOSED, 1, 1L), Triple(done.state, done.extensions.size, done.failedInspections))
    assertEquals(22, done.events.size)
    assertEquals(st, done.settlement)
    assertEquals(dec("2000.00"), done.depositReceived)
    assertEquals(listOf("submit", "approve", "fees_paid"), done.events.take(3).map { it.action })
    val first3 = done.events.take(3).map { it.details }
    assertEquals(RenovationAction.Submit(Applicant("P-ZHANG", Consent.OWNER, null)), first3[0])
    assertEquals(RenovationAction.Approve(fees, day("2026-11-10"), dec("2000.00")), first3[1])
    assertEquals(DecorationRole.MANAGER to "周经理", done.events[1].role to done.events[1].actor)
    assertEquals(RenovationAction.Start(UnitStatus.OCCUPIED, 4L), done.events[4].details)
    assertEquals(RenovationAction.SettleDeposit(listOf(UnpaidFee("debris_removal", dec("238.50")), UnpaidFee("worker_pass", dec("30.00")))),
        done.events[20].details)
    assertNull(d.openFor("1-201"))
    assertEquals("押金已结算", RenovationState.DEPOSIT_SETTLED.label(Language.ZH_CN))
    assertEquals("deposit settled", RenovationState.DEPOSIT_SETTLED.label(Language.EN))
    assertEquals("deposit_settled", RenovationState.DEPOSIT_SETTLED.wireName())
}

/** 建设部令第110号: art. 5 prohibitions, art. 6 approvals, art. 13 documents and the
 * owner's written consent for a non-owner; the registry's refusals. */
fun testDecorationRefusalsOfMinistryOrder110() {
    val p = DecorationPolicy.default()
    assertEquals(
        listOf("load_bearing_wall", "structural_slab", "wet_room_conversion", "bearing_wall_openings", "energy_saving_damage"),
        p.catalogue().filter { it.rule == ScopeRule.PROHIBITED }.map { it.code },
    )
    assertEquals(ScopeRule.NEEDS_APPROVAL to listOf("gas_approval"), p.scopeItem("gas_change")!!.let { it.rule to it.documents })
    assertEquals(listOf("waterproofing_plan"), p.scopeItem("waterproofing")!!.documents)
    assertTrue(p.scopeItem("flooring")!!.noisy)
    assertEquals(BASE_DOCS, p.alwaysRequired())
    assertEquals(listOf("contractor_licence") to listOf("owner_consent"), p.contractorRequires() to p.tenantRequires())
    assertEquals("燃气管理单位批准文件", p.document("gas_approval")!!.nameZh)
    val hotWork = p.violation("unapproved_hot_work")!!
    assertEquals(Triple(DamagesKind.RANGE, dec("200.00"), dec("2000.00")), Triple(hotWork.damages, hotWork.damagesMin, hotWork.damagesMax))
    val structural = p.violation("structural_damage")!!
    assertEquals(Triple(DamagesKind.ASSESSED, null, null), Triple(structural.damages, structural.damagesMin, structural.damagesMax))
    assertEquals(1L, p.violation("noise_outside_hours")!!.rectifyDays)
    assertEquals(listOf(FeeBasisKind.PER_M2 to dec("3.00"), FeeBasisKind.PER_PASS to dec("10.00")), p.fees().map { it.basis to it.rate })
    assertEquals(1L, p.formatVersion())
    val hours = p.hours()
    assertEquals(listOf(WorkingHours("08:00", "12:00"), WorkingHours("14:00", "18:00")), hours.workingDays.noisy)
    assertEquals(listOf(WorkingHours("08:00", "18:00")), hours.workingDays.quiet)
    assertEquals(WorkWindows(listOf(), listOf()), hours.restDays)
    assertEquals(480, p.calendar().utcOffsetMinutes())
    assertEquals(false, p.calendar().isWorkingDay(day("2026-11-07")))
    assertEquals(listOf(3L, 90L, 7L, 30L, 7L),
        listOf(p.reviewWorkingDays(), p.maxDurationDays(), p.acceptanceDays(), p.refundDays(), p.feeDueDays()))
    assertEquals(dec("2000.00") to dec("20.00"), p.deposit() to p.passReplacement())
    assertEquals("需审批", ScopeRule.NEEDS_APPROVAL.label(Language.ZH_CN))

    val estate = Estate.demo()
    val reg = registry(estate)
    val d = Decorations(estate, p)
    val t = at("2026-11-02T02:00:00Z")
    fun refused(s: Submission) = assertFailsWith<EstateKitException.Validation> { d.submit(estate, reg, s, "小陈", CS, t) }

    val prohibited = refused(application("R-1", "1-201", "P-ZHANG", listOf("flooring", "wet_room_conversion")))
    assertEquals("prohibited_scope" to "scope[1]", prohibited.code to prohibited.path)
    assertEquals("scope[1]: \"wet_room_conversion\" (将无防水要求的房间或阳台改为卫生间、厨房) is prohibited", prohibited.detail)
    val heating = refused(application("R-1", "1-201", "P-ZHANG", listOf("heating_change")))
    assertEquals("missing_document" to "documents", heating.code to heating.path)
    assertEquals("documents: document \"heating_approval\" (供暖管理单位批准文件) is required by scope item \"heating_change\"", heating.detail)
    val tenant = refused(application("R-3", "1-203", "P-LI", listOf("flooring")))
    assertEquals("documents: document \"owner_consent\" (业主同意装饰装修的书面证明) is required by a tenant applicant", tenant.detail)
    val ok = d.submit(estate, reg, application("R-3", "1-203", "P-LI", listOf("flooring"), listOf("owner_consent")), "小陈", CS, t)
    assertEquals(Applicant("P-LI", Consent.TENANT, "C-203"), ok.applicant)
    // A tenant without the owner's consent, a household member, a stranger: the registry's code.
    for ((unit, person, code) in listOf(
        Triple("1-202", "P-ZHAO", "no_consent"),
        Triple("1-201", "P-WANG", "no_consent"),
        Triple("1-201", "P-NOBODY", "unknown_person"),
    )) {
        // The registry's own classes: no_consent is a state error, unknown_person bad input.
        val e = assertFailsWith<EstateKitException> {
            d.submit(estate, reg, application("R-X", unit, person, listOf("flooring"), listOf("owner_consent")), "小陈", CS, t)
        }
        assertEquals(code == "no_consent", e is EstateKitException.State, "$unit $person")
        val (c, p) = when (e) {
            is EstateKitException.State -> e.code to e.path
            is EstateKitException.Validation -> e.code to e.path
            else -> error("unexpected $e")
        }
        assertEquals(code to "applicant_id", c to p, "$unit $person")
    }
    // One open renovation per unit: a state error.
    val twice = assertFailsWith<EstateKitException.State> {
        d.submit(estate, reg, application("R-4", "1-203", "P-LI", listOf("flooring"), listOf("owner_consent")), "小陈", CS, t)
    }
    assertEquals("open_renovation" to "unit_id", twice.code to twice.path)
    assertEquals(listOf("R-3"), d.renovations().map { it.id })
}

/** The example of the core's docs: R-2026-001, approved after 24 hours, works from 11-09. */
private fun example(): Decorations {
    val estate = Estate.demo()
    val d = Decorations(estate)
    val s = application("R-2026-001", "1-201", "P-ZHANG", listOf("flooring", "waterproofing"),
        listOf("waterproofing_plan", "contractor_licence"))
        .copy(contractor = Contractor("安居装饰", "D2-3301", "赵工", listOf(Worker("王五", "P-001"), Worker("李四", "P-002"))))
    d.submit(estate, registry(estate), s, "小陈", CS, at("2026-11-02T02:00:00Z"))
    d.approve("R-2026-001", estate, "周经理", MANAGER, at("2026-11-03T02:00:00Z"))
    d.recordFeesPaid("R-2026-001", "RC-1001", "钱会计", FINANCE, at("2026-11-04T02:00:00Z"))
    d.recordDeposit("R-2026-001", dec("2000.00"), "RC-1002", "钱会计", FINANCE, at("2026-11-04T02:05:00Z"))
    d.startWorks("R-2026-001", estate, "小陈", CS, at("2026-11-09T01:00:00Z"))
    return d
}

fun testDecorationStateErrorsAndRoles() {
    val d = example()
    val role = assertFailsWith<EstateKitException.Validation> { d.suspend("R-2026-001", "x", "小陈", CS, at("2026-11-20T02:00:00Z")) }
    assertEquals("role_not_allowed" to "role", role.code to role.path)
    assertEquals("role: role customer_service may not suspend", role.detail)
    val order = assertFailsWith<EstateKitException.Validation> { d.suspend("R-2026-001", "x", "吴工", ENGINEER, at("2026-11-01T02:00:00Z")) }
    assertEquals("event_out_of_order" to "at", order.code to order.path)
    val unknown = assertFailsWith<EstateKitException.Validation> { d.resume("R-404", "吴工", ENGINEER, at("2026-11-20T02:00:00Z")) }
    assertEquals("unknown_renovation" to "renovation_id", unknown.code to unknown.path)
    // Resuming works that are not suspended: a state error, with its messages.
    val state = assertFailsWith<EstateKitException.State> { d.resume("R-2026-001", "吴工", ENGINEER, at("2026-11-20T02:00:00Z")) }
    assertEquals("renovation_state" to "renovation_id", state.code to state.path)
    assertEquals("renovation_id: renovation \"R-2026-001\" is in_progress; cannot resume", state.detail)
    assertEquals("renovation_id：装修当前状态不允许该操作", state.messageZh)
    val pass = assertFailsWith<EstateKitException.Validation> {
        d.returnPasses("R-2026-001", listOf("P-404"), "小陈", CS, at("2026-11-20T02:00:00Z"))
    }
    assertEquals("unknown_code" to "passes[0]", pass.code to pass.path)
    val range = assertFailsWith<EstateKitException.Validation> {
        d.recordViolation("R-2026-001", ViolationInput("unapproved_hot_work", Liable.OWNER), "吴工", ENGINEER, at("2026-11-20T02:00:00Z"))
    }
    assertEquals("missing_value" to "violation.amount", range.code to range.path)
    val noShortfall = assertFailsWith<EstateKitException.State> { d.shortfallCharge("R-2026-001") }
    assertEquals("renovation_state", noShortfall.code)
    // Nothing failed changed the register.
    assertEquals(5, d.renovation("R-2026-001")!!.events.size)
}

/** Rejection at review: final, the unit free for a new application, the review time counted. */
fun testDecorationRejected() {
    val estate = Estate.demo()
    val reg = registry(estate)
    val d = Decorations(estate)
    d.submit(estate, reg, application("R-1", "1-201", "P-ZHANG", listOf("flooring")), "小陈", CS, at("2026-11-02T02:00:00Z"))
    val early = assertFailsWith<EstateKitException.State> { d.chargeRows("R-1") }
    assertEquals("renovation_state" to "renovation_id", early.code to early.path)
    val r = d.reject("R-1", "方案不全", "周经理", MANAGER, at("2026-11-02T08:00:00Z"))
    assertEquals(RenovationState.REJECTED, r.state)
    assertEquals("审核不通过" to "rejected", r.state.label() to r.state.label(Language.EN))
    assertEquals(RenovationAction.Reject("方案不全"), r.events.last().details)
    assertNull(d.openFor("1-201"))
    val again = assertFailsWith<EstateKitException.State> { d.approve("R-1", estate, "周经理", MANAGER, at("2026-11-03T02:00:00Z")) }
    assertEquals("renovation_id: renovation \"R-1\" is rejected; cannot approve", again.detail)
    val s = d.statistics(at("2026-11-03T02:00:00Z"))
    assertEquals(dec("6.00") to null, s.medianReviewHours to s.violationsPer100)
    assertEquals(1L, s.byState.single { it.state == RenovationState.REJECTED }.count)
    // The unit takes a new application.
    d.submit(estate, reg, application("R-2", "1-201", "P-ZHANG", listOf("flooring")), "小陈", CS, at("2026-11-03T02:00:00Z"))
    assertEquals("R-2", d.openFor("1-201")!!.id)
}

fun testDecorationJsonRoundTrip() {
    val d = example()
    val text = d.toJson()
    val back = Decorations.fromJson(text)
    assertEquals(d, back)
    assertEquals(d.hashCode(), back.hashCode())
    assertEquals(text, back.toJson())
    assertEquals("lakeside", back.estateId())
    assertEquals(d.renovations(), back.renovations())
    assertEquals(90L, back.policy().maxDurationDays())
    val p = DecorationPolicy.fromJson(DecorationPolicy.default().toJson().replace("\"max_duration_days\": 90", "\"max_duration_days\": 120"))
    assertEquals(120L, p.maxDurationDays())
    // A forged state, a forged approval: refused with the path of the record.
    val forged = assertFailsWith<EstateKitException.Validation> {
        Decorations.fromJson(text.replace("\"state\": \"in_progress\"", "\"state\": \"accepted\""))
    }
    assertEquals("inconsistent_document" to "renovations[0].state", forged.code to forged.path)
    val role = assertFailsWith<EstateKitException.Validation> {
        Decorations.fromJson(text.replaceFirst("\"role\": \"manager\"", "\"role\": \"customer_service\""))
    }
    assertEquals("role_not_allowed" to "renovations[0].events[1].role", role.code to role.path)
    val bad = assertFailsWith<EstateKitException.Validation> { DecorationPolicy.fromJson("{") }
    assertEquals("json" to "$", bad.code to bad.path)
    // A deposit finer than the estate's scale.
    val fine = DecorationPolicy.fromJson(DecorationPolicy.default().toJson().replace("\"deposit\": \"2000.00\"", "\"deposit\": \"2000.005\""))
    val e = assertFailsWith<EstateKitException.Validation> { Decorations(Estate.demo(), fine) }
    assertEquals("too_many_decimals" to "policy.deposit", e.code to e.path)
}

fun testDecorationOverdueAndStatistics() {
    val d = example()
    assertTrue(d.overdue(at("2026-11-20T02:00:00Z")).isEmpty())
    assertTrue(d.overdue(at("2026-12-31T12:00:00Z")).isEmpty())
    assertEquals(
        listOf(Overdue("R-2026-001", "1-201", OverdueKind.DURATION, null, day("2026-12-31"), 5L)),
        d.overdue(at("2027-01-05T02:00:00Z")),
    )
    val s = d.statistics(at("2026-11-20T02:00:00Z"))
    assertEquals(1L, s.total)
    assertEquals(RenovationState.entries.toList(), s.byState.map { it.state })
    assertEquals(listOf(0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L), s.byState.map { it.count })
    assertEquals(dec("24.00"), s.medianReviewHours)
    assertEquals(1L to dec("0.00"), s.started to s.violationsPer100)
    assertEquals(1L to dec("2000.00"), s.depositsHeldCount to s.depositsHeld)
    assertEquals(listOf(0L, 0L, 0L, 0L), listOf(s.violations, s.extended, s.overrunning, s.refundsOverdue))
    assertEquals(dec("0"), s.refundsPayable)
    assertEquals(1L, d.statistics(at("2027-01-05T02:00:00Z")).overrunning)

    // An open violation past its day; completion reported and not inspected.
    val v = d.recordViolation("R-2026-001", ViolationInput("debris_in_common_area", Liable.OWNER), "孙巡", DecorationRole.SECURITY,
        at("2026-11-10T02:00:00Z"))
    assertEquals(dec("200.00") to day("2026-11-11"), v.amount to v.due)
    d.reportCompletion("R-2026-001", "小陈", CS, at("2026-11-20T02:00:00Z"))
    assertEquals(
        listOf(
            Triple(OverdueKind.ACCEPTANCE, day("2026-11-27"), null),
            Triple(OverdueKind.RECTIFICATION, day("2026-11-11"), "V1"),
        ),
        d.overdue(at("2026-11-28T02:00:00Z")).map { Triple(it.kind, it.due, it.violationId) },
    )
    val open = assertFailsWith<EstateKitException.State> { d.inspect("R-2026-001", true, null, "吴工", ENGINEER, at("2026-11-28T02:00:00Z")) }
    assertEquals("open_violations", open.code)
    assertEquals("renovation_id: renovation \"R-2026-001\" has open violation(s) V1", open.detail)
    val s2 = d.statistics(at("2026-11-28T02:00:00Z"))
    assertEquals(1L to dec("100.00"), s2.violations to s2.violationsPer100)
    assertEquals("验收超期", OverdueKind.ACCEPTANCE.label(Language.ZH_CN))
    assertEquals("验收超期", OverdueKind.ACCEPTANCE.label())
    assertEquals("整改超期", OverdueKind.RECTIFICATION.label())
}

/** "楼上装修从早上七点就开始砸墙": 07:00 Beijing on a weekday is outside the hours of
 * noisy work; 09:00 is within, the lunch break is not (quiet work is), a Saturday is a
 * rest day; and for the unit, no renovation in progress is no permit. */
fun testDecorationWorkingHours() {
    val p = DecorationPolicy.default()
    // Wednesday 2026-11-04, 07:00 in Beijing = 23:00 UTC the day before.
    val seven = p.workAllowed(at("2026-11-03T23:00:00Z"), true)
    assertEquals(WorkVerdict.OUTSIDE_HOURS, seven.verdict)
    assertEquals(LocalDateTime.of(2026, 11, 4, 7, 0), seven.local)
    assertTrue(seven.workingDay)
    assertEquals(listOf(WorkingHours("08:00", "12:00"), WorkingHours("14:00", "18:00")), seven.windows)
    assertEquals("非施工时间", seven.verdict.label(Language.ZH_CN))
    assertEquals("outside working hours", seven.verdict.label(Language.EN))
    assertEquals(WorkVerdict.ALLOWED, p.workAllowed(at("2026-11-04T01:00:00Z"), true).verdict)
    val lunch = at("2026-11-02T04:30:00Z")
    assertEquals(WorkVerdict.OUTSIDE_HOURS to WorkVerdict.ALLOWED,
        p.workAllowed(lunch, true).verdict to p.workAllowed(lunch, false).verdict)
    val saturday = p.workAllowed(at("2026-11-07T02:00:00Z"), false)
    assertEquals(Triple(WorkVerdict.REST_DAY, LocalDateTime.of(2026, 11, 7, 10, 0), false), Triple(saturday.verdict, saturday.local, saturday.workingDay))
    assertTrue(saturday.windows.isEmpty())

    val d = example()
    // Tuesday 2026-11-10, 07:00 Beijing, in the unit under works.
    assertEquals(WorkVerdict.OUTSIDE_HOURS, d.workCheck("1-201", at("2026-11-09T23:00:00Z"), true).verdict)
    assertEquals(WorkVerdict.ALLOWED, d.workCheck("1-201", at("2026-11-10T02:00:00Z"), true).verdict)
    assertEquals(WorkVerdict.NO_PERMIT, d.workCheck("1-101", at("2026-11-10T02:00:00Z"), true).verdict)
    assertEquals("R-2026-001", d.openFor("1-201")!!.id)
}
