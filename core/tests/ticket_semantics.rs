//! Issue 18: kinds (service requests, praise, no complaint by default), emergencies
//! (medical, every phrasing of a person trapped in a lift) with escalation, anger
//! phrasings and shouting as venting, and a leak reported with a slow response.
#![allow(clippy::unwrap_used)]

use estatekit::tickets::{
    Channel, EvidenceField, RuleSet, SlaPolicy, Temperament, Ticket, TicketClassifier, TicketFlow,
    TicketKind, Urgency, statistics,
};

/// (category, kind, urgency, temperament) of `text` under the built-in rules.
fn labels(text: &str) -> (String, &'static str, &'static str, &'static str) {
    let c = TicketClassifier::default_rules().classify(text);
    (
        c.category,
        c.kind.as_str(),
        c.urgency.as_str(),
        c.temperament.as_str(),
    )
}

fn check(cases: &[(&str, &str, &str, &str, &str)]) {
    for (text, category, kind, urgency, temperament) in cases {
        assert_eq!(
            labels(text),
            ((*category).to_owned(), *kind, *urgency, *temperament),
            "{text}"
        );
    }
}

#[test]
fn routine_requests_are_service_requests() {
    check(&[
        (
            "我要开个放行条，搬家要运家具出去",
            "security",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "新买的车要做车辆登记",
            "parking",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "下个月开始装修，来办装修手续",
            "decoration",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "想提交装修申请",
            "decoration",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "二手房过户要到物业办一下",
            "sales_contract",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "麻烦帮我代收快递",
            "other",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "钥匙忘在家里了，想借钥匙",
            "other",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "I need a gate pass to move furniture out on Saturday",
            "security",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "I'd like to register my car for the garage",
            "parking",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "Where do I submit the renovation application?",
            "decoration",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "We are handling the ownership transfer of unit 5B",
            "sales_contract",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "Could the front desk hold my package while I'm away?",
            "staff_service",
            "service_request",
            "normal",
            "problem_solving",
        ),
        (
            "Can I borrow the key to the roof?",
            "other",
            "service_request",
            "normal",
            "problem_solving",
        ),
    ]);
}

/// A text with no sign of its kind: a repair category is a repair request, another
/// category's problem a complaint, nothing at all a service request (never a complaint).
#[test]
fn the_kind_without_kind_phrases() {
    let k = |t: &str| TicketClassifier::default_rules().classify(t).kind;
    assert_eq!(k("卫生间马桶"), TicketKind::RepairRequest);
    assert_eq!(k("楼道里全是垃圾"), TicketKind::Complaint);
    assert_eq!(k("明天上午十点"), TicketKind::ServiceRequest);
    assert_eq!(k("Tomorrow at ten"), TicketKind::ServiceRequest);
    assert_eq!(k(""), TicketKind::ServiceRequest);
}

#[test]
fn thanks_are_praise_unless_they_ask() {
    check(&[
        (
            "维修师傅昨天来修好了水管，非常感谢！",
            "repair.plumbing",
            "praise",
            "normal",
            "problem_solving",
        ),
        (
            "Thank you to the plumber who fixed our sink so quickly",
            "repair.plumbing",
            "praise",
            "normal",
            "problem_solving",
        ),
        (
            "谢谢你们的保安，表扬一下",
            "security",
            "praise",
            "normal",
            "problem_solving",
        ),
        (
            "送锦旗给工程部",
            "other",
            "praise",
            "normal",
            "problem_solving",
        ),
        (
            "Thanks for the quick repair, much appreciated",
            "repair.facility",
            "praise",
            "normal",
            "problem_solving",
        ),
        // A thank-you that asks for something keeps the kind of what it asks.
        (
            "麻烦派师傅来修一下马桶，谢谢",
            "repair.plumbing",
            "repair_request",
            "normal",
            "problem_solving",
        ),
        (
            "Please send a plumber to fix the toilet, thank you",
            "repair.plumbing",
            "repair_request",
            "normal",
            "problem_solving",
        ),
    ]);
}

#[test]
fn medical_emergencies() {
    check(&[
        (
            "有人晕倒了",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "Someone fainted in the lobby",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "老人昏迷了",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "我爸摔倒了起不来",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "老太太摔倒不起",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "孩子头上流血不止",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "邻居心脏病犯了",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "He is unconscious on the floor",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "A man collapsed in the gym",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "My neighbour is not breathing",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
        (
            "He is bleeding badly after a fall",
            "security",
            "service_request",
            "emergency",
            "problem_solving",
        ),
    ]);
    // A chronic condition named is not an emergency.
    assert_eq!(
        labels("我家老人有心脏病，想咨询一下物业有没有上门服务").2,
        "normal"
    );
}

#[test]
fn people_trapped_in_a_lift() {
    check(&[
        (
            "电梯又坏了，困在里面十几分钟，快来人！",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "孩子被关在电梯里了",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "电梯里困着人",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "我被困在电梯里了",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "有人关在电梯里",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "We are stuck inside the lift",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "My son is trapped in the elevator",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
        (
            "I'm trapped in the lift between floors",
            "repair.elevator",
            "repair_request",
            "emergency",
            "problem_solving",
        ),
    ]);
}

#[test]
fn emergencies_are_escalated_to_the_supervisor() {
    let clf = TicketClassifier::default_rules();
    let c = clf.classify("电梯里困着人");
    assert_eq!((c.urgency, c.escalate), (Urgency::Emergency, true));
    assert_eq!(
        c.escalation_advice,
        Some("紧急事件：立即上报主管，同时派人赶赴现场。")
    );
    let c = clf.classify("Someone fainted in the lobby");
    assert!(c.escalate);
    assert_eq!(
        c.escalation_advice,
        Some("Emergency: report to the supervisor at once and send someone on site.")
    );
    for text in [
        "楼道灯不亮已经一周了，请尽快维修",
        "停电了",
        "Noise from upstairs every night",
    ] {
        let c = clf.classify(text);
        assert_ne!(c.urgency, Urgency::Emergency, "{text}");
        assert_eq!((c.escalate, c.escalation_advice), (false, None), "{text}");
    }
}

#[test]
fn anger_phrasings_are_venting() {
    check(&[
        (
            "你们物业是干什么吃的",
            "other",
            "complaint",
            "normal",
            "venting",
        ),
        ("到底有没有人管", "other", "complaint", "normal", "venting"),
        (
            "太过分了，三天没人修",
            "other",
            "complaint",
            "normal",
            "venting",
        ),
        (
            "气死了，又停水",
            "repair.plumbing",
            "complaint",
            "urgent",
            "venting",
        ),
        ("我要投诉你们", "other", "complaint", "normal", "venting"),
        ("什么破物业", "other", "complaint", "normal", "venting"),
        ("忍无可忍了", "other", "complaint", "normal", "venting"),
        (
            "This is ridiculous",
            "other",
            "complaint",
            "normal",
            "venting",
        ),
        (
            "Totally unacceptable service",
            "staff_service",
            "complaint",
            "normal",
            "venting",
        ),
        (
            "I am fed up with the noise",
            "noise",
            "complaint",
            "normal",
            "venting",
        ),
    ]);
}

#[test]
fn runs_of_marks_are_venting() {
    let clf = TicketClassifier::default_rules();
    for (text, phrase) in [
        ("楼下垃圾桶一个星期没清了！！！", "!!!"),
        ("The bins have not been emptied for a week!!!", "!!!"),
        ("请问什么时候恢复供水？？？", "???"),
        ("When will the water be back???", "???"),
        ("垃圾又没清?!?", "!!!"),
    ] {
        let c = clf.classify(text);
        assert_eq!(c.temperament, Temperament::Venting, "{text}");
        let shout: Vec<_> = c
            .evidence
            .iter()
            .filter(|e| e.field == EvidenceField::Temperament && e.weight == 3.0)
            .map(|e| (e.label.to_string(), e.phrase.to_string()))
            .collect();
        assert_eq!(shout, [("venting".to_owned(), phrase.to_owned())], "{text}");
    }
    // Two marks are not a run of three; marks apart are not a run.
    for text in ["请问什么时候恢复供水？？", "楼下垃圾桶没清！好几天了！"]
    {
        assert_eq!(
            clf.classify(text).temperament,
            Temperament::ProblemSolving,
            "{text}"
        );
    }
}

/// The response ("还没人来", "no one came") weighs less than the subject: a leak
/// waited for is a plumbing repair, not a staff-service complaint.
#[test]
fn a_leak_waited_for_is_a_repair() {
    check(&[
        (
            "楼上渗水，天花板湿了，打了电话到现在还没人来",
            "repair.plumbing",
            "repair_request",
            "normal",
            "problem_solving",
        ),
        (
            "Water is coming through the ceiling from upstairs, it's still not fixed and no one came",
            "repair.plumbing",
            "complaint",
            "normal",
            "problem_solving",
        ),
    ]);
    // With no subject, the slow response is the subject.
    assert_eq!(labels("报修三天了还没人来，也不打电话").0, "staff_service");
}

#[test]
fn version_1_rule_sets_still_load() {
    let old = RuleSet::from_json(
        r#"{"format": "estatekit.ticket_rules", "version": 1,
            "categories": [{"code": "pool", "phrases": {"泳池": 5}}], "departments": {"pool": "leisure"}}"#,
    )
    .unwrap();
    assert_eq!((old.version, old.asks.len()), (1, 0));
    let merged = RuleSet::builtin().merge(old);
    assert_eq!(merged.version, 2);
    let c = TicketClassifier::with_rules(merged)
        .unwrap()
        .classify("泳池的水很脏，感谢");
    assert_eq!(
        (c.category.as_str(), c.department.as_str()),
        ("pool", "leisure")
    );
    let err = RuleSet::from_json(r#"{"version": 3}"#).unwrap_err();
    assert_eq!(
        (err.code(), err.path().as_str()),
        ("invalid_rules", "version")
    );
    assert_eq!(
        err.to_string(),
        "rules: version: unsupported version 3; expected 1 to 2"
    );
    let err = RuleSet::from_json(r#"{"asks": {"请": 0}}"#).unwrap_err();
    assert_eq!(err.path(), r#"asks["请"]"#);
}

/// The complaint rate counts complaints only: service requests, repairs and praise
/// are tickets, not complaints.
#[test]
fn complaint_rate_counts_complaints_only() {
    let clf = TicketClassifier::default_rules();
    let t0: chrono::DateTime<chrono::Utc> = "2026-11-02T01:00:00Z".parse().unwrap();
    let texts = [
        "我要开个放行条",
        "楼道里全是垃圾，太过分了",
        "维修师傅修好了，非常感谢",
        "马桶堵了",
    ];
    let flows: Vec<TicketFlow> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let c = clf.classify(text);
            let t = Ticket::new(
                format!("T{i}"),
                format!("1-{i}"),
                Channel::App,
                t0,
                "业主",
                *text,
                c.kind,
            );
            TicketFlow::new(t, c.category, c.urgency, c.department, "小张")
        })
        .collect();
    let kinds: Vec<_> = flows.iter().map(|f| f.ticket().kind).collect();
    assert_eq!(
        kinds,
        [
            TicketKind::ServiceRequest,
            TicketKind::Complaint,
            TicketKind::Praise,
            TicketKind::RepairRequest
        ]
    );
    let s = statistics(
        &flows,
        t0,
        t0 + chrono::Duration::days(30),
        50,
        &SlaPolicy::default(),
    )
    .unwrap();
    assert_eq!((s.complaints, s.complaints_per_100_units), (1, Some(2.0)));
    let by_kind: Vec<_> = s
        .by_kind
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert!(by_kind.contains(&("service_request", 1)), "{by_kind:?}");
}
