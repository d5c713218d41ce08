"""Tickets: classification (rules and trained model), SLA, lifecycle, statistics."""

import datetime
import json

import pytest

import estatekit
from estatekit import (
    BusinessCalendar,
    SlaPolicy,
    StateError,
    TicketClassifier,
    TicketFlow,
    ValidationError,
    ticket_statistics,
)

UTC = datetime.timezone.utc


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_default_rules_classify_zh_and_en() -> None:
    clf = TicketClassifier.default()
    c = clf.classify("厨房水管爆裂，水漫到客厅了，快来人！")
    assert (c.category, c.kind, c.urgency, c.temperament, c.department) == (
        "repair.plumbing", "repair_request", "emergency", "problem_solving", "engineering")
    assert 0 < c.confidence <= 1
    assert [(e.field, e.label) for e in c.evidence][:1] == [("category", "repair.plumbing")]
    assert any(e.field == "urgency" and e.label == "emergency" and e.phrase == "水漫" for e in c.evidence)
    c = clf.classify("I smell gas in the stairwell on the 5th floor")
    assert (c.category, c.urgency, c.department) == ("security", "emergency", "security")
    c = clf.classify("凭什么天天停水！！！物业到底管不管？气死人了！！")
    assert (c.temperament, c.kind) == ("venting", "complaint")
    assert c.advice == "耐心倾听，让业主说完，稳定情绪后再记录事实。"
    c = clf.classify("How much is the management fee per square meter?")
    assert (c.category, c.kind, c.department) == ("fees", "consultation", "finance")


def test_lead_weighs_the_subject() -> None:
    # The first sentence (a title put first) names the subject: its category phrases
    # weigh LEAD_BONUS (2) more and are marked in the evidence.
    clf = TicketClassifier.default()
    c = clf.classify("电梯经常困人。小区停车位太少，车辆乱停。")
    assert c.category == "repair.elevator"
    assert [(e.phrase, e.weight, e.lead) for e in c.evidence if e.field == "category"] == [
        ("电梯", 12.0, True), ("困人", 9.0, True)]
    one = clf.classify("电梯经常困人，小区停车位太少，车辆乱停")
    assert one.category == "parking" and not any(e.lead for e in one.evidence)
    c = clf.classify("开发商逾期交房已经半年。当初承诺的精装修也没兑现，车位还被捆绑销售。")
    assert (c.category, c.department) == ("sales_contract", "sales")


def test_classify_batch_is_one_call_and_matches_classify() -> None:
    clf = TicketClassifier.default()
    texts = ["停电了", "Noise from upstairs every night", "", "电梯困人了"]
    batch = clf.classify_batch(texts)
    assert [c.category for c in batch] == ["repair.electrical", "noise", "other", "repair.elevator"]
    assert [c.urgency for c in batch] == ["urgent", "normal", "normal", "emergency"]
    for text, c in zip(texts, batch):
        assert repr(clf.classify(text)) == repr(c)
    assert batch[2].confidence == 0.0 and batch[2].evidence == []


def test_train_predicts_any_label_set_and_round_trips() -> None:
    texts = ["no heat in apartment", "heating not working", "loud music next door", "party noise all night",
             "water leaking from ceiling", "pipe leak in kitchen"]
    labels = ["HEATING", "HEATING", "NOISE", "NOISE", "PLUMBING", "PLUMBING"]
    clf = TicketClassifier.train(texts, labels, seed=3, c=1.0, ngram_max=4)
    assert clf.labels == ["HEATING", "NOISE", "PLUMBING"]
    c = clf.classify("the heat is off again")
    assert c.category == "HEATING"
    assert c.department == "customer_service"  # not in the routing table
    assert c.evidence[0].field == "category" and c.evidence[0].label == "HEATING"
    assert c.urgency == "normal"  # urgency, kind, temperament still from the rules
    text = clf.to_json()
    back = TicketClassifier.from_json(text)
    assert back.to_json() == text
    assert [x.category for x in back.classify_batch(texts)] == labels
    assert back.predict_batch(texts) == labels
    assert TicketClassifier.default().predict_batch(["停电了"]) == ["repair.electrical"]
    assert TicketClassifier.train(texts, labels, seed=3).to_json() == TicketClassifier.train(texts, labels, seed=3).to_json()


def test_threads_give_the_same_model() -> None:
    texts = ["水管漏水", "厨房水管漏水", "电梯故障", "电梯停了", "小区噪音扰民", "楼上噪音"]
    labels = ["plumbing", "plumbing", "lift", "lift", "noise", "noise"]
    one = TicketClassifier.train(texts, labels, seed=7, threads=1).to_json()
    assert TicketClassifier.train(texts, labels, seed=7, threads=2).to_json() == one
    assert TicketClassifier.train(texts, labels, seed=7, threads=3).to_json() == one
    with pytest.raises(estatekit.ValidationError) as e:
        TicketClassifier.train(texts, labels, threads=0)
    assert (e.value.code, e.value.path) == ("invalid_option", "threads")


def test_training_errors_are_typed() -> None:
    with pytest.raises(ValidationError) as e:
        TicketClassifier.train([], [])
    assert (e.value.code, e.value.path) == ("empty_training_set", "texts")
    with pytest.raises(ValidationError) as e:
        TicketClassifier.train(["a", "b"], ["x"])
    assert (e.value.code, e.value.path) == ("length_mismatch", "labels")
    with pytest.raises(ValueError) as e:
        TicketClassifier.train(["a", "b"], ["x", "x"])
    assert e.value.code == "single_class"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as e:
        TicketClassifier.train(["a", "b"], ["x", "y"], gamma=1)
    assert (e.value.code, e.value.path) == ("invalid_option", "gamma")
    with pytest.raises(ValidationError) as e:
        TicketClassifier.from_json("{")
    assert e.value.code == "invalid_model"
    with pytest.raises(ValidationError) as e:
        TicketClassifier.from_rules('{"categories": [{"code": "x", "phrases": {"a": "heavy"}}]}')
    assert (e.value.code, e.value.path) == ("invalid_rules", "categories[0].phrases.a")


def test_custom_rules_extend_the_builtin_set() -> None:
    own = json.dumps({"categories": [{"code": "pool", "phrases": {"泳池": 5, "swimming pool": 5}}],
                      "departments": {"pool": "leisure"}})
    clf = TicketClassifier.from_rules(own)
    c = clf.classify("泳池的水很脏")
    assert (c.category, c.department) == ("pool", "leisure")
    assert clf.classify("停电了").category == "repair.electrical"
    only = TicketClassifier.from_rules(own, builtin=False)
    assert only.classify("停电了").category == "other"


def flow(id: str = "T1", unit: str = "1-201", received: str = "2026-11-02T00:00:00", **kw: str) -> TicketFlow:
    args = dict(unit=unit, channel="hotline", received_at=at(received), reporter="王女士", text="卫生间漏水",
                kind="repair_request", category="repair.plumbing", urgency="urgent", department="engineering",
                receiver="前台小张")
    args.update(kw)
    return TicketFlow(id, **args)  # type: ignore[arg-type]


def test_lifecycle_and_state_errors() -> None:
    f = flow()
    assert (f.state, f.owner, f.receiver) == ("received", "前台小张", "前台小张")
    with pytest.raises(StateError) as e:
        f.start(actor="前台小张", at=at("2026-11-02T00:01:00"))
    assert (e.value.code, e.value.path) == ("invalid_transition", "ticket.T1.state")
    assert not isinstance(e.value, ValueError)
    assert f.assign("李工", actor="前台小张", at=at("2026-11-02T00:10:00")) == "assigned"
    assert f.owner == "李工"
    f.start(actor="李工", at=at("2026-11-02T01:00:00"))
    f.pause("业主不在家", actor="李工", at=at("2026-11-02T02:00:00"))
    s = f.sla(at("2026-11-03T12:00:00"))
    assert (s.paused, s.resolution_due, s.resolution_remaining_seconds) == (True, None, 22 * 3600)
    f.resume(actor="李工", at=at("2026-11-04T02:00:00"))
    assert f.sla(at("2026-11-04T02:00:00")).resolution_due == at("2026-11-05T00:00:00")
    f.resolve("换了密封圈", actor="李工", at=at("2026-11-04T03:00:00"))
    assert f.return_visit(False, "还在漏", actor="回访员", at=at("2026-11-05T00:00:00")) == "assigned"
    assert (f.reopened, f.satisfied) == (1, False)
    f.escalate("工程主管", "需要换管", actor="李工", at=at("2026-11-05T01:00:00"))
    assert (f.owner, f.escalations) == ("工程主管", 1)
    f.start(actor="工程主管", at=at("2026-11-05T02:00:00"))
    f.resolve("换管", actor="工程主管", at=at("2026-11-05T05:00:00"))
    f.return_visit(True, actor="回访员", at=at("2026-11-06T00:00:00"))
    assert f.close(actor="回访员", at=at("2026-11-06T00:00:00")) == "closed"
    assert [e.action for e in f.events] == ["receive", "assign", "start", "pause", "resume", "resolve",
                                           "return_visit", "escalate", "start", "resolve", "return_visit", "close"]
    assert f.events[3].detail == "业主不在家" and f.events[3].to_state == "paused"
    assert f.events[0].at.tzinfo is not None
    back = TicketFlow.from_json(f.to_json())
    assert back.to_json() == f.to_json()
    with pytest.raises(ValidationError) as e:
        f.close(actor="x", at=at("2026-01-01T00:00:00"))
    assert e.value.code == "event_out_of_order"
    with pytest.raises(ValidationError) as e:
        flow(channel="fax")
    assert (e.value.code, e.value.path) == ("unknown_value", "channel")


def test_business_calendar_and_sla_policy() -> None:
    cal = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480,
                                  holidays=[datetime.date(2026, 11, 9)])
    # Friday 17:00 Beijing + 2 business hours, Monday a holiday: Tuesday 10:00 Beijing.
    assert cal.add_seconds(at("2026-11-06T09:00:00"), 7200) == at("2026-11-10T02:00:00")
    assert cal.seconds_between(at("2026-11-06T09:00:00"), at("2026-11-10T02:00:00")) == 7200
    policy = SlaPolicy(calendar=cal)
    received = at("2026-11-06T09:00:00")
    assert policy.targets("normal", "house_quality", received) == (("business_minutes", 120), ("calendar_days", 45))
    f = flow(received="2026-11-06T09:00:00")
    # Urgent: resolved within 24 hours (Saturday 17:00 Beijing); the 2-business-hour
    # response (Tuesday 10:00) is brought forward to it.
    s = f.sla(at("2026-11-10T03:00:00"), policy)
    assert (s.response_due, s.resolution_due, s.response_clamped) == (at("2026-11-07T09:00:00"), at("2026-11-07T09:00:00"), True)
    # 2 business hours overdue (Tuesday 09:00-11:00 Beijing; Monday is a holiday).
    assert (s.response_breached, s.response_remaining_seconds) == (True, -7200)
    s = f.sla(at("2026-11-10T03:00:00"), SlaPolicy(calendar=cal, response_may_follow_resolution=True))
    assert s.response_due == at("2026-11-10T02:00:00")
    assert (s.response_breached, s.response_remaining_seconds, s.response_clamped) == (True, -3600, False)
    with pytest.raises(ValidationError) as e:
        BusinessCalendar.weekly("09:00", "18:00", [])
    assert (e.value.code, e.value.path) == ("no_working_hours", "calendar.hours")
    with pytest.raises(ValidationError) as e:
        SlaPolicy.from_json('{"by_urgency": {}, "calendar": {"hours": [[],[],[],[],[],[],[]]}}')
    assert e.value.code == "no_working_hours"
    assert SlaPolicy.from_json(SlaPolicy().to_json()).to_json() == SlaPolicy().to_json()


def test_statistics() -> None:
    a = flow("A", received="2026-11-02T00:00:00")
    a.assign("李工", actor="小张", at=at("2026-11-02T00:30:00"))
    a.start(actor="李工", at=at("2026-11-02T01:00:00"))
    a.resolve("ok", actor="李工", at=at("2026-11-02T10:00:00"))
    a.return_visit(True, actor="回访", at=at("2026-11-03T00:00:00"))
    b = flow("B", received="2026-11-20T00:00:00", kind="complaint")
    c = flow("C", unit="2-101", received="2026-11-05T00:00:00", kind="complaint", category="noise",
             department="customer_service", urgency="normal", channel="app")
    s = ticket_statistics([a, b, c], at("2026-11-01T00:00:00"), at("2026-12-01T00:00:00"), units=40)
    assert s.total == 3
    assert s.by_category == {"noise": 1, "repair.plumbing": 2}
    assert list(s.by_kind.items()) == [("complaint", 2), ("repair_request", 1), ("consultation", 0),
                                       ("suggestion", 0), ("praise", 0), ("service_request", 0)]
    assert s.by_channel["app"] == 1 and s.by_channel["hotline"] == 2
    assert s.by_department == {"customer_service": 1, "engineering": 2}
    assert (s.resolved, s.mean_hours_to_resolve, s.median_hours_to_resolve) == (1, 10.0, 10.0)
    assert (s.return_visits, s.satisfied, s.satisfaction_rate, s.meets_satisfaction_target) == (1, 1, 1.0, True)
    assert (s.complaints, s.complaints_per_100_units) == (2, 5.0)
    assert s.repeat_tickets == ["B"]
    assert (s.response_rate, s.resolution_rate) == (pytest.approx(1 / 3, abs=1e-4), pytest.approx(1 / 3, abs=1e-4))
    with pytest.raises(ValidationError) as e:
        ticket_statistics([a], at("2026-11-01T00:00:00"), at("2026-11-01T00:00:00"), units=1)
    assert e.value.code == "invalid_period"


def test_names_are_exported() -> None:
    for name in ["TicketClassifier", "Classification", "Evidence", "TicketFlow", "SlaPolicy",
                 "BusinessCalendar", "ticket_statistics"]:
        assert name in estatekit.__all__


def test_too_many_classes_is_a_typed_error() -> None:
    # One label per text: refused at once (training it was quadratic: 5,000 labels took 55 s).
    texts = [f"ticket number {i}" for i in range(5000)]
    with pytest.raises(ValidationError) as e:
        TicketClassifier.train(texts, texts)
    assert (e.value.code, e.value.path) == ("too_many_classes", "labels")
    assert str(e.value) == "labels: 5000 distinct labels; a model is trained with at most 1000 classes"
    with pytest.raises(ValidationError) as e:
        TicketClassifier.train(texts[:1001], texts[:1001])
    assert str(e.value) == "labels: 1001 distinct labels; a model is trained with at most 1000 classes"


def test_statistics_of_40k_flows() -> None:
    # 50 units, 5 categories, a ticket every 10 minutes: every ticket but the first of its
    # (unit, category) is a repeat. Repeat detection compared every pair (40k flows: 12 s).
    cats = ["noise", "repair.plumbing", "cleaning", "parking", "fees"]
    t0 = at("2026-11-01T00:00:00")
    flows = [
        flow(f"T{i:06}", unit=f"1-{i % 50:03}", received=(t0 + datetime.timedelta(minutes=10 * i)).isoformat()[:19],
             category=cats[i // 50 % 5])
        for i in range(40_000)
    ]
    s = ticket_statistics(flows, t0, t0 + datetime.timedelta(days=3650), units=50)
    assert (s.total, len(s.repeat_tickets)) == (40_000, 39_750)
    assert s.repeat_tickets[:2] == ["T000250", "T000251"]
    assert s.repeat_tickets[-1] == "T039999"
    assert s.by_category == {c: 8000 for c in cats}


def test_nested_custom_phrases_classify_a_long_text() -> None:
    # 哈, 哈哈, … and a, aa, … nest: a million characters took 51 s when every nested
    # occurrence was handled one by one.
    phrases = {"哈" * k: 1 for k in range(1, 51)}
    phrases.update({"a" * k: -1 for k in range(1, 51)})
    clf = TicketClassifier.from_rules(json.dumps({"categories": [{"code": "laugh", "phrases": phrases}]}), builtin=False)
    c = clf.classify("哈" * 1_000_000 + " " + "a" * 1_000_000)
    assert c.category == "laugh"
    ev = [(e.phrase, e.weight) for e in c.evidence]
    assert len(ev) == 100
    assert ev[0] == ("哈", 1_000_000.0)
    assert ev[49] == ("哈" * 50, 999_951.0)
    assert ev[50:52] == [("a", -1.0), ("aa", -1.0)]   # word-start phrases: at the word start only


# ---- issue 18: kinds, emergencies with escalation, anger and shouting -------------------

KINDS = [
    ("我要开个放行条，搬家要运家具出去", "security", "service_request"),
    ("新买的车要做车辆登记", "parking", "service_request"),
    ("下个月开始装修，来办装修手续", "decoration", "service_request"),
    ("想提交装修申请", "decoration", "service_request"),
    ("二手房过户要到物业办一下", "sales_contract", "service_request"),
    ("麻烦帮我代收快递", "other", "service_request"),
    ("钥匙忘在家里了，想借钥匙", "other", "service_request"),
    ("I need a gate pass to move furniture out on Saturday", "security", "service_request"),
    ("I'd like to register my car for the garage", "parking", "service_request"),
    ("Where do I submit the renovation application?", "decoration", "service_request"),
    ("We are handling the ownership transfer of unit 5B", "sales_contract", "service_request"),
    ("Could the front desk hold my package while I'm away?", "staff_service", "service_request"),
    ("Can I borrow the key to the roof?", "other", "service_request"),
    ("明天上午十点", "other", "service_request"),
    ("楼道里全是垃圾", "cleaning", "complaint"),
    ("维修师傅昨天来修好了水管，非常感谢！", "repair.plumbing", "praise"),
    ("Thank you to the plumber who fixed our sink so quickly", "repair.plumbing", "praise"),
    ("谢谢你们的保安，表扬一下", "security", "praise"),
    ("送锦旗给工程部", "other", "praise"),
    ("Thanks for the quick repair, much appreciated", "repair.facility", "praise"),
    ("麻烦派师傅来修一下马桶，谢谢", "repair.plumbing", "repair_request"),
    ("Please send a plumber to fix the toilet, thank you", "repair.plumbing", "repair_request"),
    ("楼上渗水，天花板湿了，打了电话到现在还没人来", "repair.plumbing", "repair_request"),
]


@pytest.mark.parametrize("text,category,kind", KINDS)
def test_kinds_service_requests_and_praise(text: str, category: str, kind: str) -> None:
    c = TicketClassifier.default().classify(text)
    assert (c.category, c.kind, c.urgency) == (category, kind, "normal")
    assert (c.escalate, c.escalation_advice) == (False, None)


EMERGENCIES = [
    ("有人晕倒了", "security", "service_request"),
    ("Someone fainted in the lobby", "security", "service_request"),
    ("老人昏迷了", "security", "service_request"),
    ("我爸摔倒了起不来", "security", "service_request"),
    ("老太太摔倒不起", "security", "service_request"),
    ("孩子头上流血不止", "security", "service_request"),
    ("邻居心脏病犯了", "security", "service_request"),
    ("He is unconscious on the floor", "security", "service_request"),
    ("A man collapsed in the gym", "security", "service_request"),
    ("My neighbour is not breathing", "security", "service_request"),
    ("He is bleeding badly after a fall", "security", "service_request"),
    ("电梯又坏了，困在里面十几分钟，快来人！", "repair.elevator", "repair_request"),
    ("孩子被关在电梯里了", "repair.elevator", "repair_request"),
    ("电梯里困着人", "repair.elevator", "repair_request"),
    ("我被困在电梯里了", "repair.elevator", "repair_request"),
    ("有人关在电梯里", "repair.elevator", "repair_request"),
    ("We are stuck inside the lift", "repair.elevator", "repair_request"),
    ("My son is trapped in the elevator", "repair.elevator", "repair_request"),
    ("I'm trapped in the lift between floors", "repair.elevator", "repair_request"),
]


@pytest.mark.parametrize("text,category,kind", EMERGENCIES)
def test_emergencies_are_escalated(text: str, category: str, kind: str) -> None:
    c = TicketClassifier.default().classify(text)
    assert (c.category, c.kind, c.urgency, c.escalate) == (category, kind, "emergency", True)
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert c.escalation_advice == (
        "紧急事件：立即上报主管，同时派人赶赴现场。" if zh
        else "Emergency: report to the supervisor at once and send someone on site.")


VENTING = [
    "你们物业是干什么吃的",
    "到底有没有人管",
    "太过分了，三天没人修",
    "气死了，又停水",
    "我要投诉你们",
    "什么破物业",
    "忍无可忍了",
    "This is ridiculous",
    "Totally unacceptable service",
    "I am fed up with the noise",
    "楼下垃圾桶一个星期没清了！！！",
    "The bins have not been emptied for a week!!!",
    "请问什么时候恢复供水？？？",
    "When will the water be back???",
]


@pytest.mark.parametrize("text", VENTING)
def test_anger_and_shouting_are_venting(text: str) -> None:
    assert TicketClassifier.default().classify(text).temperament == "venting"


def test_two_marks_are_not_shouting() -> None:
    assert TicketClassifier.default().classify("请问什么时候恢复供水？？").temperament == "problem_solving"


def test_complaint_rate_counts_complaints_only() -> None:
    clf = TicketClassifier.default()
    t0 = at("2026-11-02T01:00:00")
    flows = []
    for i, text in enumerate(["我要开个放行条", "楼道里全是垃圾，太过分了", "维修师傅修好了，非常感谢", "马桶堵了"]):
        c = clf.classify(text)
        flows.append(TicketFlow(f"T{i}", unit=f"1-{i}", channel="app", received_at=t0, reporter="业主",
                                text=text, kind=c.kind, category=c.category, urgency=c.urgency,
                                department=c.department, receiver="小张"))
    assert [f.kind for f in flows] == ["service_request", "complaint", "praise", "repair_request"]
    stats = ticket_statistics(flows, t0, t0 + datetime.timedelta(days=30), units=50)
    assert (stats.complaints_per_100_units, stats.by_kind["service_request"]) == (2.0, 1)
