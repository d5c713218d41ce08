// A butler app's logic layer over EstateKit in Swift (what an iOS app's view models
// call): a check-in walked offline and saved after every step, restored as after a
// relaunch, a ticket classified and timed in Beijing time, and an owner's bill
// explained. Run with `swift run AppFlow` after ./build-ios.sh; the test command runs
// the Swift syntax check over this file.
import EstateKit
import Foundation

/// Saves the checklist's JSON atomically: a kill mid-write leaves the previous save.
func save(_ checklist: Checklist, to url: URL) throws {
    try checklist.toJson().write(to: url, atomically: true, encoding: .utf8)
}

let documents = [
    "house_acceptance_certificate", "temporary_management_statute", "decoration_management_agreement",
    "owners_manual", "occupancy_notice", "management_fee_agreement", "fire_safety_letter",
    "residential_quality_guarantee", "residential_usage_instructions",
]

/// An instant: EstateKit's timestamps are Foundation `Date`s.
func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

func checkin(savingTo url: URL) throws {
    let template = try CheckinTemplate.default()
    // Beijing time: dates derived from timestamps (a defect's deadline) are Beijing dates.
    let c = try Checklist.start(template: template, unitId: "1-603", owner: "张三", startedOn: "2026-11-03",
                                utcOffsetMinutes: 480)
    var minute = 0
    func step(_ code: String, _ data: ItemData? = nil) throws {
        let at = instant(String(format: "2026-11-02T23:%02d:00Z", minute))
        minute += 1
        try c.complete(itemCode: code, actor: "李四", role: .receptionist, at: at, data: data, estate: nil)
        try save(c, to: url)
    }
    try step("occupancy_notice_presented")
    try step("owner_registration")
    try step("management_fee_prepayment", ItemData(receiptRef: "R-2026-0001"))
    try step("admission_fee_record")
    try step("statute_signed", ItemData(signatureRef: "SIG-001"))
    try step("decoration_agreement_signed", ItemData(signatureRef: "SIG-002"))
    for doc in documents { try step(doc) }
    try step("occupancy_sign_in", ItemData(signatureRef: "SIG-003"))
    try step("entrusted_services_record", ItemData(note: "none entrusted"))
    let defect = DefectInput(location: "厨房 kitchen", description: "燃气管接口漏气 gas pipe joint leaks",
                             category: "gas", severity: .critical, responsible: .developer)
    let id = try c.recordDefect(defect: defect, actor: "王五", role: .inspector, at: instant("2026-11-02T23:30:00Z"))
    try save(c, to: url)
    let p = try c.progress()
    print("saved \(p.done)/\(p.total) defect \(id)")

    // As after a relaunch: everything comes back from the saved JSON.
    let restored = try Checklist.fromJson(text: String(contentsOf: url, encoding: .utf8), template: template)
    let d = try restored.defects()[0]
    print("restored \(try restored.progress().done) defect \(d.id) deadline \(d.deadline)")  // 2026-11-06
}

func ticket() throws {
    let text = "厨房水管爆裂，水漫到客厅了，快来人！"
    let c = try TicketClassifier.default().classify(text: text)
    let flow = try TicketFlow(id: "T-1", unit: "1-603", channel: .app, receivedAt: instant("2026-11-02T23:30:00Z"),
                              reporter: "张三", text: text, kind: c.kind, category: c.category,
                              urgency: c.urgency, department: c.department, receiver: "前台小张",
                              utcOffsetMinutes: 480)
    _ = try flow.assign(to: "李工", actor: "前台小张", at: instant("2026-11-02T23:35:00Z"), role: nil)
    let s = try flow.sla(asOf: instant("2026-11-02T23:40:00Z"), policy: nil)
    print("\(c.urgency) response due \(s.responseDue) resolution due \(s.resolutionDue.map { ISO8601DateFormatter().string(from: $0) } ?? "-")")
}

func bill() throws {
    let inputs = BillingInputs(pooled: [PooledInput(code: "common_electricity", amount: Decimal(string: "3943.20")!)])
    let run = try billEstate(estate: Estate.demo(), schedule: FeeSchedule.demo(), year: 2026, month: 10, inputs: inputs)
    guard let b = try run.bill(unitId: "1-101") else { return }
    print("bill \(b.unitId) total \(b.total)")
    for line in b.lines {
        print("  \(line.nameZh) \(line.amount) due \(line.due): \(try line.explain(lang: .zhCn))")
    }
}

do {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("checklist.json")
    try checkin(savingTo: url)
    try ticket()
    try bill()
} catch let e as EstateKitError {
    print("EstateKit error: \(e)")
    exit(1)
}
