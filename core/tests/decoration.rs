//! Decoration management: a renovation from application to deposit refund, the rules
//! of 建设部令第110号《住宅室内装饰装修管理办法》 as the default policy encodes them,
//! deadlines, statistics, documents that replay, and a month of an estate of 3,000 units.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::decoration::*;
use estatekit::estate::{Estate, EstateUpdate, UnitStatus};
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{PaymentRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::i18n::{Label, Lang};
use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
use rust_decimal::Decimal;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}
fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn registry(estate: &Estate) -> Registry {
    let mut r = Registry::new(estate.id());
    for (id, name) in [
        ("P-ZHANG", "张三"),
        ("P-LI", "李四"),
        ("P-WANG", "王五"),
        ("P-ZHAO", "赵六"),
    ] {
        r.add_person(Person::new(id, name)).unwrap();
    }
    r.add_role(RoleRecord::new(
        "1-201",
        "P-ZHANG",
        OccupantRole::Owner,
        day("2024-06-01"),
    ))
    .unwrap();
    r.add_role(RoleRecord::new(
        "1-201",
        "P-WANG",
        OccupantRole::HouseholdMember,
        day("2024-06-01"),
    ))
    .unwrap();
    r.add_role(RoleRecord::tenant(
        "1-203",
        "P-LI",
        day("2025-03-01"),
        day("2027-02-28"),
        Some("C-203".into()),
    ))
    .unwrap();
    r.add_role(RoleRecord::tenant(
        "1-202",
        "P-ZHAO",
        day("2025-03-01"),
        day("2027-02-28"),
        None,
    ))
    .unwrap();
    r
}

fn docs(extra: &[&str]) -> Vec<String> {
    ["ownership_proof", "applicant_id", "decoration_plan"]
        .iter()
        .chain(extra)
        .map(|s| (*s).to_owned())
        .collect()
}

fn application(id: &str, unit: &str, person: &str, scope: &[&str]) -> Submission {
    let mut s = Submission::new(
        id,
        unit,
        person,
        scope,
        day("2026-11-09"),
        day("2026-12-31"),
    );
    s.documents = docs(&[]);
    s
}

/// The whole walk, every amount and state exact, the JSON replaying at each step.
#[test]
fn a_renovation_from_application_to_refund() {
    let estate = Estate::demo();
    let reg = registry(&estate);
    let mut d = Decorations::new(&estate, DecorationPolicy::default_policy()).unwrap();
    let mut s = application(
        "R-1",
        "1-201",
        "P-ZHANG",
        &["flooring", "waterproofing", "electrical"],
    );
    s.documents.push("waterproofing_plan".into());
    s.documents.push("contractor_licence".into());
    s.contractor = Some(Contractor {
        name: "安居装饰".into(),
        licence_ref: Some("D2-3301".into()),
        foreman: "赵工".into(),
        workers: ["P-001", "P-002", "P-003"]
            .iter()
            .enumerate()
            .map(|(i, p)| Worker {
                name: format!("工人{i}"),
                pass_no: (*p).into(),
            })
            .collect(),
    });
    let roundtrip = |d: &Decorations| assert_eq!(&Decorations::from_json(&d.to_json()).unwrap(), d);

    let r = d
        .submit(
            &estate,
            &reg,
            s.clone(),
            "小陈",
            Role::CustomerService,
            at("2026-11-02T02:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (r.state(), r.applicant().consent),
        (State::Submitted, Consent::Owner)
    );
    // A retry of the same application changes nothing.
    d.submit(
        &estate,
        &reg,
        s,
        "小陈",
        Role::CustomerService,
        at("2026-11-02T02:01:00Z"),
    )
    .unwrap();
    assert_eq!(d.renovation("R-1").unwrap().events().len(), 1);
    roundtrip(&d);

    let fees = d
        .approve(
            "R-1",
            &estate,
            "周经理",
            Role::Manager,
            at("2026-11-03T02:00:00Z"),
        )
        .unwrap();
    let got: Vec<_> = fees
        .iter()
        .map(|f| (f.code.as_str(), f.amount.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("debris_removal", "268.50".to_string()),
            ("worker_pass", "30.00".to_string())
        ]
    );
    let rows = d.charge_rows("R-1").unwrap();
    assert_eq!(rows[0].due, day("2026-11-10"));
    assert_eq!(rows[0].issued_on, Some(day("2026-11-03")));

    // The fees go to the book; posting twice posts once.
    let mut book = Receivables::new(&estate, &FeeSchedule::demo(), PaymentOrder::default());
    let first = book.post_charges(&rows);
    let again = book.post_charges(&rows);
    assert_eq!(
        (
            first.posted.len(),
            again.posted.len(),
            again.already_posted.len()
        ),
        (2, 0, 2)
    );
    assert_eq!(book.account("1-201").unwrap().charges().len(), 2);

    let err = d
        .start_works(
            "R-1",
            &estate,
            "小陈",
            Role::CustomerService,
            at("2026-11-09T01:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "renovation_id: renovation \"R-1\" cannot start: fees and deposit not received"
    );
    d.record_fees_paid(
        "R-1",
        "RC-1",
        "钱会计",
        Role::Finance,
        at("2026-11-04T02:00:00Z"),
    )
    .unwrap();
    d.record_deposit(
        "R-1",
        dec("2000.00"),
        "RC-2",
        "钱会计",
        Role::Finance,
        at("2026-11-04T02:01:00Z"),
    )
    .unwrap();
    // Before the planned start: refused.
    let err = d
        .start_works(
            "R-1",
            &estate,
            "小陈",
            Role::CustomerService,
            at("2026-11-05T01:00:00Z"),
        )
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("out_of_range", "at"));
    let change = d
        .start_works(
            "R-1",
            &estate,
            "小陈",
            Role::CustomerService,
            at("2026-11-09T01:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (change.status, change.since, change.occupants),
        (UnitStatus::Decorating, day("2026-11-09"), Some(4))
    );
    let estate2 = estate
        .updated(&EstateUpdate {
            status_changes: vec![change],
            ..EstateUpdate::default()
        })
        .unwrap();
    assert_eq!(
        estate2.unit("1-201").unwrap().status,
        UnitStatus::Decorating
    );
    roundtrip(&d);

    // A site check finds damage by the contractor and noise by the owner's side; works stop.
    let v = d
        .record_violation(
            "R-1",
            ViolationInput {
                code: "common_area_damage".into(),
                liable: Liable::Contractor,
                amount: Some(dec("1800")),
                note: Some("电梯轿厢划伤".into()),
            },
            "吴工",
            Role::Engineer,
            at("2026-11-12T03:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (v.id.as_str(), v.amount.to_string(), v.due),
        ("V1", "1800.00".to_string(), day("2026-11-19"))
    );
    d.record_violation(
        "R-1",
        ViolationInput {
            code: "unapproved_hot_work".into(),
            liable: Liable::Owner,
            amount: Some(dec("600.00")),
            note: None,
        },
        "孙巡",
        Role::Security,
        at("2026-11-13T03:00:00Z"),
    )
    .unwrap();
    d.record_violation(
        "R-1",
        ViolationInput {
            code: "common_area_damage".into(),
            liable: Liable::Staff,
            amount: Some(dec("120.00")),
            note: Some("保洁推车撞坏门框".into()),
        },
        "吴工",
        Role::Engineer,
        at("2026-11-13T04:00:00Z"),
    )
    .unwrap();
    d.suspend(
        "R-1",
        "动火未审批",
        "吴工",
        Role::Engineer,
        at("2026-11-13T05:00:00Z"),
    )
    .unwrap();
    d.record_site_check(
        "R-1",
        "已停工，现场整改中",
        "孙巡",
        Role::Security,
        at("2026-11-14T02:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        d.work_check("1-201", at("2026-11-16T02:00:00Z"), true)
            .verdict,
        WorkVerdict::Suspended
    );
    for v in ["V1", "V2", "V3"] {
        d.rectify_violation("R-1", v, "吴工", Role::Engineer, at("2026-11-16T02:00:00Z"))
            .unwrap();
    }
    d.resume("R-1", "吴工", Role::Engineer, at("2026-11-16T03:00:00Z"))
        .unwrap();
    d.extend(
        "R-1",
        day("2027-01-20"),
        "材料延期到货",
        "周经理",
        Role::Manager,
        at("2026-12-20T02:00:00Z"),
    )
    .unwrap();
    d.return_passes(
        "R-1",
        &["P-001", "P-003"],
        "小陈",
        Role::CustomerService,
        at("2027-01-10T01:00:00Z"),
    )
    .unwrap();
    d.report_completion(
        "R-1",
        "小陈",
        Role::CustomerService,
        at("2027-01-10T02:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        d.inspect(
            "R-1",
            false,
            Some("防水闭水试验不合格"),
            "吴工",
            Role::Engineer,
            at("2027-01-11T02:00:00Z")
        )
        .unwrap(),
        None
    );
    // No refund before acceptance.
    let err = d
        .settle_deposit(
            "R-1",
            None,
            "钱会计",
            Role::Finance,
            at("2027-01-11T03:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "renovation_id: renovation \"R-1\" is acceptance_failed; cannot settle the deposit"
    );
    d.report_completion(
        "R-1",
        "小陈",
        Role::CustomerService,
        at("2027-01-13T02:00:00Z"),
    )
    .unwrap();
    let back = d
        .inspect(
            "R-1",
            true,
            None,
            "吴工",
            Role::Engineer,
            at("2027-01-14T02:00:00Z"),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (back.status, back.occupants, back.since),
        (UnitStatus::Occupied, Some(4), day("2027-01-14"))
    );
    let estate3 = estate2
        .updated(&EstateUpdate {
            status_changes: vec![back],
            ..EstateUpdate::default()
        })
        .unwrap();
    assert_eq!(estate3.unit("1-201").unwrap().status, UnitStatus::Occupied);

    // The owner paid 30.00, which the book put on the oldest charge first: 238.50 and
    // 30.00 are still owed.
    book.apply_payments(&[PaymentRow::new(
        "1-201",
        dec("30.00"),
        day("2026-11-05"),
        "BANK-1",
    )]);
    let s = d
        .settle_deposit(
            "R-1",
            Some(&book),
            "钱会计",
            Role::Finance,
            at("2027-01-15T02:00:00Z"),
        )
        .unwrap();
    let got: Vec<_> = s
        .deductions
        .iter()
        .map(|x| {
            (
                x.kind.as_str(),
                x.source.as_str(),
                x.liable.as_str(),
                x.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("violation", "V1", "contractor", "1800.00".to_string()),
            (
                "unreturned_pass",
                "P-002",
                "contractor",
                "20.00".to_string()
            ),
            ("violation", "V2", "owner", "600.00".to_string()),
            (
                "unpaid_fee",
                "debris_removal",
                "owner",
                "238.50".to_string()
            ),
            ("unpaid_fee", "worker_pass", "owner", "30.00".to_string()),
        ]
    );
    // 2,000.00 covers the contractor's 1,820.00 and 180.00 of the owner's 868.50.
    assert_eq!(
        (
            s.deducted.to_string(),
            s.refund.to_string(),
            s.shortfall.to_string(),
            s.shortfall_charge.to_string(),
            s.contractor_claim.to_string()
        ),
        (
            "2000.00".into(),
            "0.00".into(),
            "688.50".into(),
            "688.50".into(),
            "0.00".into()
        )
    );
    assert_eq!(s.claims.len(), 1);
    assert_eq!(
        (s.claims[0].source.as_str(), s.claims[0].amount.to_string()),
        ("V3", "120.00".into())
    );
    assert_eq!(s.deductions[3].reason_zh, "装修垃圾清运费未缴");
    assert_eq!(s.refund_due, day("2027-02-13"));
    let charge = d.shortfall_charge("R-1").unwrap().unwrap();
    assert_eq!(
        (
            charge.reference.as_deref(),
            charge.amount.to_string(),
            charge.due
        ),
        (
            Some("R-1/deposit_shortfall"),
            "688.50".into(),
            day("2027-01-22")
        )
    );
    book.post_charges(std::slice::from_ref(&charge));
    book.post_charges(&[charge]);
    assert_eq!(book.account("1-201").unwrap().charges().len(), 3);
    d.close(
        "R-1",
        "TR-0",
        "钱会计",
        Role::Finance,
        at("2027-01-16T02:00:00Z"),
    )
    .unwrap();
    roundtrip(&d);
    let r = d.renovation("R-1").unwrap();
    assert_eq!(
        (r.state(), r.extensions().len(), r.failed_inspections()),
        (State::Closed, 1, 1)
    );
    assert_eq!((r.events().len(), r.site_checks()), (22, 1));
    assert_eq!(d.statistics(at("2027-01-16T02:00:00Z")).site_checks, 1);
    assert!(d.open_for("1-201").is_none());
    assert_eq!(State::DepositSettled.label(Lang::ZhCn), "押金已结算");
}

/// Facts of 建设部令第110号《住宅室内装饰装修管理办法》 (2002), as the default
/// policy encodes them: art. 5 prohibitions, art. 6 approvals by the competent body,
/// art. 7 a designer's plan for extra floor load, art. 8 a waterproofing plan with a
/// closed-water test, art. 13 the application's documents and the owner's written
/// consent for a non-owner.
#[test]
fn the_default_policy_follows_ministry_order_110() {
    let p = DecorationPolicy::default_policy();
    let rule = |c: &str| p.scope_item(c).unwrap().rule;
    // Art. 5: 变动建筑主体和承重结构; 将没有防水要求的房间或者阳台改为卫生间、厨房间;
    // 扩大承重墙上原有的门窗尺寸，拆除连接阳台的砖、混凝土墙体; 损坏房屋原有节能设施.
    for c in [
        "load_bearing_wall",
        "structural_slab",
        "wet_room_conversion",
        "bearing_wall_openings",
        "energy_saving_damage",
    ] {
        assert_eq!(rule(c), ScopeRule::Prohibited, "{c}");
    }
    // Art. 6: 搭建建筑物、构筑物 and 改变住宅外立面 (planning), 拆改供暖管道 (heating),
    // 拆改燃气管道 (gas).
    let needs = |c: &str| (rule(c), p.scope_item(c).unwrap().documents.clone());
    assert_eq!(
        needs("new_structure"),
        (
            ScopeRule::NeedsApproval,
            vec!["planning_approval".to_string()]
        )
    );
    assert_eq!(
        needs("facade_change"),
        (
            ScopeRule::NeedsApproval,
            vec!["planning_approval".to_string()]
        )
    );
    assert_eq!(
        needs("heating_change"),
        (
            ScopeRule::NeedsApproval,
            vec!["heating_approval".to_string()]
        )
    );
    assert_eq!(
        needs("gas_change"),
        (ScopeRule::NeedsApproval, vec!["gas_approval".to_string()])
    );
    // Art. 7 and 8.
    assert_eq!(needs("floor_load_increase").1, ["design_plan"]);
    assert_eq!(
        needs("waterproofing"),
        (ScopeRule::Allowed, vec!["waterproofing_plan".to_string()])
    );
    // Art. 13.
    assert_eq!(
        p.always_required,
        ["ownership_proof", "applicant_id", "decoration_plan"]
    );
    assert_eq!(p.contractor_requires, ["contractor_licence"]);
    assert_eq!(p.tenant_requires, ["owner_consent"]);

    let estate = Estate::demo();
    let reg = registry(&estate);
    let mut d = Decorations::new(&estate, p).unwrap();
    let t = at("2026-11-02T02:00:00Z");
    let submit = |d: &mut Decorations, s: Submission| {
        d.submit(&estate, &reg, s, "小陈", Role::CustomerService, t)
            .map(|r| r.id().to_owned())
    };
    let err = submit(
        &mut d,
        application(
            "R-1",
            "1-201",
            "P-ZHANG",
            &["flooring", "wet_room_conversion"],
        ),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "scope[1]: \"wet_room_conversion\" (将无防水要求的房间或阳台改为卫生间、厨房) is prohibited"
    );
    let err = submit(
        &mut d,
        application("R-1", "1-201", "P-ZHANG", &["heating_change"]),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "documents: document \"heating_approval\" (供暖管理单位批准文件) is required by scope item \"heating_change\""
    );
    let mut s = application("R-1", "1-201", "P-ZHANG", &["flooring"]);
    s.documents.retain(|x| x != "applicant_id");
    let err = submit(&mut d, s).unwrap_err();
    assert_eq!(
        err.to_string(),
        "documents: document \"applicant_id\" (申请人身份证明) is required by every application"
    );
    // A tenant with the owner's consent applies with the written consent.
    let err = submit(&mut d, application("R-3", "1-203", "P-LI", &["flooring"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "documents: document \"owner_consent\" (业主同意装饰装修的书面证明) is required by a tenant applicant"
    );
    let mut s = application("R-3", "1-203", "P-LI", &["flooring"]);
    s.documents.push("owner_consent".into());
    submit(&mut d, s).unwrap();
    let r = d.renovation("R-3").unwrap();
    assert_eq!(
        (r.applicant().consent, r.applicant().consent_ref.as_deref()),
        (Consent::Tenant, Some("C-203"))
    );
    // A tenant without it, a household member, a stranger: refused, with the registry's code.
    for (unit, person, code) in [
        ("1-202", "P-ZHAO", "no_consent"),
        ("1-201", "P-WANG", "no_consent"),
        ("1-201", "P-NOBODY", "unknown_person"),
    ] {
        let mut s = application("R-X", unit, person, &["flooring"]);
        s.documents.push("owner_consent".into());
        let err = submit(&mut d, s).unwrap_err();
        assert_eq!(
            (err.code(), err.path()),
            (code, "applicant_id"),
            "{unit} {person}"
        );
    }
}

#[test]
fn applications_are_checked_field_by_field() {
    let estate = Estate::demo();
    let reg = registry(&estate);
    let mut d = Decorations::new(&estate, DecorationPolicy::default_policy()).unwrap();
    let t = at("2026-11-02T02:00:00Z");
    let mut go = |s: Submission| {
        d.submit(&estate, &reg, s, "小陈", Role::CustomerService, t)
            .map(|_| ())
            .map_err(|e| (e.code(), e.path().to_owned()))
    };
    let err = |f: &dyn Fn(&mut Submission)| {
        let mut s = application("R-1", "1-201", "P-ZHANG", &["flooring"]);
        f(&mut s);
        s
    };
    assert_eq!(
        go(err(&|s| s.unit_id = "9-999".into())),
        Err(("unknown_unit", "unit_id".into()))
    );
    assert_eq!(
        go(err(&|s| s.scope = vec!["jacuzzi".into()])),
        Err(("unknown_code", "scope[0]".into()))
    );
    assert_eq!(
        go(err(&|s| s.scope = vec![])),
        Err(("empty_field", "scope".into()))
    );
    assert_eq!(
        go(err(
            &|s| s.scope = vec!["flooring".into(), "flooring".into()]
        )),
        Err(("duplicate_id", "scope[1]".into()))
    );
    assert_eq!(
        go(err(&|s| s.documents.push("selfie".into()))),
        Err(("unknown_code", "documents[3]".into()))
    );
    assert_eq!(
        go(err(&|s| s.planned_start = day("2026-11-01"))),
        Err(("out_of_range", "planned_start".into()))
    );
    assert_eq!(
        go(err(&|s| s.planned_end = day("2026-11-08"))),
        Err(("out_of_range", "planned_end".into()))
    );
    // 90 days, first to last inclusive: 2026-11-09 to 2027-02-06; one more is too long.
    assert_eq!(
        go(err(&|s| s.planned_end = day("2027-02-07"))),
        Err(("out_of_range", "planned_end".into()))
    );
    assert_eq!(
        go(err(&|s| {
            s.documents.push("contractor_licence".into());
            s.contractor = Some(Contractor {
                name: "X".into(),
                licence_ref: None,
                foreman: "F".into(),
                workers: vec![
                    Worker {
                        name: "a".into(),
                        pass_no: "P1".into(),
                    },
                    Worker {
                        name: "b".into(),
                        pass_no: "P1".into(),
                    },
                ],
            });
        })),
        Err(("duplicate_id", "contractor.workers[1].pass_no".into()))
    );
    assert_eq!(
        go(err(&|s| s.contractor = Some(Contractor {
            name: "X".into(),
            licence_ref: None,
            foreman: "F".into(),
            workers: vec![]
        }))),
        Err(("missing_document", "documents".into()))
    );
    assert_eq!(go(err(&|s| s.planned_end = day("2027-02-06"))), Ok(()));
    // One open renovation per unit; the same id with other content is not a retry.
    let mut other = application("R-2", "1-201", "P-ZHANG", &["flooring"]);
    assert_eq!(
        go(other.clone()),
        Err(("open_renovation", "unit_id".into()))
    );
    other.id = "R-1".into();
    assert_eq!(go(other), Err(("duplicate_id", "id".into())));
}

#[test]
fn roles_order_and_forged_documents_are_refused() {
    let (mut d, id) = Decorations::example().unwrap();
    let err = d
        .suspend(
            &id,
            "x",
            "小陈",
            Role::CustomerService,
            at("2026-11-20T02:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        (
            "role_not_allowed",
            "role: role customer_service may not suspend".into()
        )
    );
    let err = d
        .suspend(&id, "x", "吴工", Role::Engineer, at("2026-11-01T02:00:00Z"))
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    let err = d
        .suspend(&id, " ", "吴工", Role::Engineer, at("2026-11-20T02:00:00Z"))
        .unwrap_err();
    assert_eq!((err.code(), err.path()), ("empty_field", "reason"));
    assert_eq!(
        d.suspend(
            "R-404",
            "x",
            "吴工",
            Role::Engineer,
            at("2026-11-20T02:00:00Z")
        )
        .unwrap_err()
        .code(),
        "unknown_renovation"
    );
    // A log whose approval was made by customer service, or whose fee was altered.
    let text = d.to_json();
    let forged = text.replacen("\"role\": \"manager\"", "\"role\": \"customer_service\"", 1);
    let err = Decorations::from_json(&forged).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("role_not_allowed", "renovations[0].events[1].role")
    );
    let forged = text.replacen("\"amount\": \"268.50\"", "\"amount\": \"26.85\"", 1);
    let err = Decorations::from_json(&forged).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("mismatch", "renovations[0].events[1].fees[0].amount")
    );
    let forged = text.replacen(
        "\"planned_start\": \"2026-11-09\"",
        "\"planned_start\": \"2026-11-20\"",
        1,
    );
    let err = Decorations::from_json(&forged).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("out_of_range", "renovations[0].events[4].at")
    );
    let err =
        Decorations::from_json(&text.replacen("\"format_version\": 1", "\"format_version\": 2", 1))
            .unwrap_err();
    assert_eq!(err.code(), "unsupported_format_version");
    let err = Decorations::from_json("{\"format_version\": 1}").unwrap_err();
    assert_eq!(err.code(), "json");
}

#[test]
fn deadlines_follow_the_calendar() {
    let estate = Estate::demo();
    let reg = registry(&estate);
    let mut p = DecorationPolicy::default_policy();
    // National Day week: 2026-10-01..07 off, Saturday 10-10 worked (调休).
    p.calendar = p
        .calendar
        .clone()
        .with_holidays((1..=7).map(|i| NaiveDate::from_ymd_opt(2026, 10, i).unwrap()))
        .with_workdays([day("2026-10-10")]);
    let mut d = Decorations::new(&estate, p).unwrap();
    let mut s = application("R-1", "1-201", "P-ZHANG", &["flooring"]);
    s.planned_start = day("2026-10-12");
    s.planned_end = day("2026-10-30");
    // Submitted Wednesday 09-30 17:00 Beijing; 3 working days: 10-08, 10-09, 10-10 (18:00).
    d.submit(
        &estate,
        &reg,
        s,
        "小陈",
        Role::CustomerService,
        at("2026-09-30T09:00:00Z"),
    )
    .unwrap();
    assert!(d.overdue(at("2026-10-10T09:59:00Z")).is_empty());
    let late = d.overdue(at("2026-10-10T10:00:01Z"));
    assert_eq!(
        (late[0].kind, late[0].due, late[0].days_over),
        (OverdueKind::Review, day("2026-10-10"), 0)
    );
    // Work hours: a holiday is a rest day, the make-up Saturday a working day, the lunch break closed.
    let w = |t: &str, noisy| d.policy().work_allowed(at(t), noisy).verdict;
    assert_eq!(w("2026-10-02T02:00:00Z", false), WorkVerdict::RestDay);
    assert_eq!(w("2026-10-10T02:00:00Z", true), WorkVerdict::Allowed);
    assert_eq!(w("2026-10-12T04:00:00Z", true), WorkVerdict::OutsideHours); // 12:00
    assert_eq!(w("2026-10-12T03:59:59Z", true), WorkVerdict::Allowed); // 11:59:59
    assert_eq!(w("2026-10-12T06:00:00Z", true), WorkVerdict::Allowed); // 14:00
    assert_eq!(w("2026-10-12T10:00:00Z", false), WorkVerdict::OutsideHours); // 18:00

    let (mut d, id) = Decorations::example_accepted().unwrap();
    // Accepted 2026-12-11: refund due 2027-01-10.
    assert!(d.overdue(at("2027-01-10T15:00:00Z")).is_empty());
    let late = d.overdue(at("2027-01-12T02:00:00Z"));
    assert_eq!(
        (late[0].kind, late[0].due, late[0].days_over),
        (OverdueKind::Refund, day("2027-01-10"), 2)
    );
    let st = d.statistics(at("2027-01-12T02:00:00Z"));
    assert_eq!(
        (
            st.refunds_overdue,
            st.deposits_held.to_string(),
            st.violations,
            st.violations_per_100.unwrap().to_string()
        ),
        (1, "2000.00".into(), 2, "200.00".into())
    );
    d.settle_deposit(
        &id,
        None,
        "钱会计",
        Role::Finance,
        at("2027-01-12T02:00:00Z"),
    )
    .unwrap();
    let st = d.statistics(at("2027-01-12T02:00:00Z"));
    assert_eq!(
        (st.deposits_held_count, st.refunds_payable.to_string()),
        (0, "1430.00".into())
    );

    // An open violation past its day; completion reported and not inspected.
    let (mut d, id) = Decorations::example().unwrap();
    d.record_violation(
        &id,
        ViolationInput {
            code: "debris_in_common_area".into(),
            liable: Liable::Owner,
            amount: None,
            note: None,
        },
        "孙巡",
        Role::Security,
        at("2026-11-10T02:00:00Z"),
    )
    .unwrap();
    d.report_completion(
        &id,
        "小陈",
        Role::CustomerService,
        at("2026-11-20T02:00:00Z"),
    )
    .unwrap();
    let late: Vec<_> = d
        .overdue(at("2026-11-28T02:00:00Z"))
        .into_iter()
        .map(|o| (o.kind, o.due, o.violation_id))
        .collect();
    assert_eq!(
        late,
        [
            (OverdueKind::Acceptance, day("2026-11-27"), None),
            (
                OverdueKind::Rectification,
                day("2026-11-11"),
                Some("V1".into())
            )
        ]
    );
    let err = d
        .inspect(
            &id,
            true,
            None,
            "吴工",
            Role::Engineer,
            at("2026-11-28T02:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "renovation_id: renovation \"R-2026-001\" has open violation(s) V1"
    );
}

#[test]
fn policies_are_validated() {
    let p = DecorationPolicy::default_policy();
    let err = DecorationPolicy::from_json(
        &p.to_json()
            .replace("\"deposit\": \"2000.00\"", "\"deposit\": \"-1\""),
    )
    .unwrap_err();
    assert_eq!((err.code(), err.path()), ("negative", "deposit"));
    let mut q = p.clone();
    q.violations[1].code = q.violations[0].code.clone();
    assert_eq!(q.validate().unwrap_err().path(), "violations[1].code");
    let mut q = p.clone();
    q.deposit = dec("2000.005");
    let err = Decorations::new(&Estate::demo(), q).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("too_many_decimals", "policy.deposit")
    );
    let mut q = p;
    q.hours.working_days.noisy[0].end = q.hours.working_days.noisy[0].start;
    assert_eq!(
        q.validate().unwrap_err().path(),
        "hours.working_days.noisy[0].end"
    );
}

/// A month of a 3,000-unit estate: 600 renovations at every stage, the register saved
/// and replayed, the statistics counted.
#[test]
fn a_month_of_an_estate_of_three_thousand_units() {
    let mut units = Vec::new();
    for i in 0..3000 {
        units.push(format!(
            r#"{{"id": "U{i:04}", "building_id": "B{b}", "floor": {f}, "number": "{n}", "kind": "residential", "gross_area": "{a}.{c:02}", "occupants": 2, "status": "occupied", "delivered_on": "2024-06-01", "status_since": "2024-08-01"}}"#,
            b = i / 300,
            f = i % 30 + 1,
            n = i,
            a = 60 + i % 90,
            c = i % 100
        ));
    }
    let buildings: Vec<_> = (0..10)
        .map(|b| format!(r#"{{"id": "B{b}", "name": "{b}"}}"#))
        .collect();
    let estate = Estate::from_json(&format!(
        r#"{{"format_version": 1, "id": "big", "name": "Big", "currency": "CNY", "rounding": {{"scale": 2, "mode": "half_up"}}, "buildings": [{}], "units": [{}], "meters": []}}"#,
        buildings.join(","),
        units.join(",")
    ))
    .unwrap();
    let mut reg = Registry::new("big");
    for i in 0..3000 {
        reg.add_person(Person::new(format!("O{i}"), format!("业主{i}")))
            .unwrap();
        reg.add_role(RoleRecord::new(
            format!("U{i:04}"),
            format!("O{i}"),
            OccupantRole::Owner,
            day("2024-08-01"),
        ))
        .unwrap();
    }
    let mut d = Decorations::new(&estate, DecorationPolicy::default_policy()).unwrap();
    let mut expected_debris = Decimal::ZERO;
    for k in 0..600 {
        let i = k * 5;
        let id = format!("R{k}");
        let s = application(
            &id,
            &format!("U{i:04}"),
            &format!("O{i}"),
            &["flooring", "ceiling"],
        );
        d.submit(
            &estate,
            &reg,
            s,
            "客服",
            Role::CustomerService,
            at("2026-11-02T02:00:00Z"),
        )
        .unwrap();
        if k % 6 == 0 {
            continue; // awaiting review
        }
        let fees = d
            .approve(
                &id,
                &estate,
                "主管",
                Role::Manager,
                at("2026-11-03T02:00:00Z"),
            )
            .unwrap();
        let area = estate.unit(&format!("U{i:04}")).unwrap().gross_area;
        assert_eq!(fees[0].amount, (area * dec("3.00")).round_dp(2));
        expected_debris += fees[0].amount;
        if k % 6 == 1 {
            continue;
        }
        d.record_fees_paid(
            &id,
            &format!("F{k}"),
            "财务",
            Role::Finance,
            at("2026-11-04T02:00:00Z"),
        )
        .unwrap();
        d.record_deposit(
            &id,
            dec("2000.00"),
            &format!("D{k}"),
            "财务",
            Role::Finance,
            at("2026-11-04T02:00:00Z"),
        )
        .unwrap();
        d.start_works(
            &id,
            &estate,
            "客服",
            Role::CustomerService,
            at("2026-11-09T01:00:00Z"),
        )
        .unwrap();
        if k % 6 == 2 {
            continue;
        }
        if k % 2 == 1 {
            d.record_violation(
                &id,
                ViolationInput {
                    code: "noise_outside_hours".into(),
                    liable: Liable::Owner,
                    amount: None,
                    note: None,
                },
                "巡",
                Role::Security,
                at("2026-11-10T23:00:00Z"),
            )
            .unwrap();
            d.rectify_violation(&id, "V1", "工", Role::Engineer, at("2026-11-11T02:00:00Z"))
                .unwrap();
        }
        d.report_completion(
            &id,
            "客服",
            Role::CustomerService,
            at("2026-11-25T02:00:00Z"),
        )
        .unwrap();
        if k % 6 == 3 {
            continue;
        }
        d.inspect(
            &id,
            true,
            None,
            "工",
            Role::Engineer,
            at("2026-11-26T02:00:00Z"),
        )
        .unwrap();
        if k % 6 == 4 {
            continue;
        }
        let s = d
            .settle_deposit(&id, None, "财务", Role::Finance, at("2026-11-27T02:00:00Z"))
            .unwrap();
        assert_eq!(s.deposit, s.refund + s.deducted);
        assert_eq!(
            s.refund,
            if k % 2 == 1 {
                dec("1800.00")
            } else {
                dec("2000.00")
            }
        );
    }
    let back = Decorations::from_json(&d.to_json()).unwrap();
    assert_eq!(back, d);
    let st = d.statistics(at("2026-11-30T02:00:00Z"));
    let counts: Vec<_> = st
        .by_state
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.state.as_str(), c.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("submitted", 100),
            ("approved", 100),
            ("in_progress", 100),
            ("completion_reported", 100),
            ("accepted", 100),
            ("deposit_settled", 100)
        ]
    );
    assert_eq!(
        (
            st.started,
            st.violations,
            st.violations_per_100.unwrap().to_string()
        ),
        (400, 200, "50.00".into())
    );
    assert_eq!(st.deposits_held.to_string(), "600000.00");
    assert_eq!(st.deposits_held_count, 300);
    // k ≡ 5 (mod 6) is odd: every settled renovation had a violation.
    assert_eq!(st.refunds_payable.to_string(), "180000.00");
    // Reported on 11-25, acceptance was due by 12-02.
    let reviews = d.overdue(at("2026-12-03T02:00:00Z"));
    assert_eq!(reviews.len(), 100 + 100);
    assert!(
        reviews
            .iter()
            .all(|o| matches!(o.kind, OverdueKind::Review | OverdueKind::Acceptance))
    );
    let total: Decimal = d
        .renovations()
        .iter()
        .flat_map(|r| r.fees().first())
        .map(|f| f.amount)
        .sum();
    assert_eq!(total, expected_debris);
}
