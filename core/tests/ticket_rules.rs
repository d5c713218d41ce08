//! The built-in rule sets and the classifier on the labelled set.
#![allow(clippy::unwrap_used)]

mod common;

use common::{category_report, dev_data};
use estatekit::tickets::{RuleSet, TicketClassifier};

#[test]
fn builtin_rule_sets_parse() {
    for (name, text) in [
        ("zh", include_str!("../data/ticket_rules_zh.json")),
        ("en", include_str!("../data/ticket_rules_en.json")),
    ] {
        let r = RuleSet::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.language, name);
        // The Chinese set also has phrases for `other` (subjects outside a compound:
        // roads, schools, labour, health, ...).
        assert_eq!(r.categories.len(), if name == "zh" { 17 } else { 16 });
    }
    let clf = TicketClassifier::default_rules();
    assert_eq!(clf.rules().categories.len(), 17);
}

#[derive(serde::Deserialize)]
struct Labelled {
    text: String,
    lang: String,
    category: String,
    kind: String,
    urgency: String,
    temperament: String,
}

fn labelled() -> Vec<Labelled> {
    include_str!("data/tickets_labelled.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Per-field accuracy and per-category precision/recall of the built-in rules on the
/// labelled set (`core/tests/data/tickets_labelled.jsonl`); run with `--nocapture`
/// to see the report.
#[test]
fn labelled_set_accuracy() {
    let data = labelled();
    assert!(data.len() >= 300);
    let clf = TicketClassifier::default_rules();
    let (mut cat, mut kind, mut urg, mut temp) = (0, 0, 0, 0);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut by_lang: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for d in &data {
        let c = clf.classify(&d.text);
        let ok = c.category == d.category;
        let e = by_lang.entry(d.lang.clone()).or_default();
        e.1 += 1;
        pairs.push((d.category.clone(), c.category.clone()));
        if ok {
            cat += 1;
            e.0 += 1;
        } else {
            if std::env::var_os("TICKETS_VERBOSE").is_some() {
                eprintln!("category {} -> {}: {}", d.category, c.category, d.text);
            }
        }
        kind += u32::from(c.kind.as_str() == d.kind);
        if c.kind.as_str() != d.kind && std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!("kind {} -> {}: {}", d.kind, c.kind, d.text);
        }
        urg += u32::from(c.urgency.as_str() == d.urgency);
        if c.urgency.as_str() != d.urgency && std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!("urgency {} -> {}: {}", d.urgency, c.urgency, d.text);
        }
        temp += u32::from(c.temperament.as_str() == d.temperament);
        if c.temperament.as_str() != d.temperament && std::env::var_os("TICKETS_VERBOSE").is_some()
        {
            eprintln!(
                "temperament {} -> {}: {}",
                d.temperament, c.temperament, d.text
            );
        }
        // Emergencies are never classified below urgent.
        if d.urgency == "emergency" {
            assert_ne!(
                c.urgency.as_str(),
                "normal",
                "emergency classified normal: {}",
                d.text
            );
        }
    }
    let n = data.len() as f64;
    let acc = |x: u32| f64::from(x) / n;
    println!("labelled set: {} texts", data.len());
    println!(
        "accuracy: category {:.3}, kind {:.3}, urgency {:.3}, temperament {:.3}",
        acc(cat),
        acc(kind),
        acc(urg),
        acc(temp)
    );
    for (lang, (ok, total)) in &by_lang {
        println!(
            "  category accuracy [{lang}]: {:.3} ({ok}/{total})",
            f64::from(*ok) / f64::from(*total)
        );
    }
    let (per_cat, _) = category_report("labelled set", &pairs);
    for (c, (tp, fp, fnn)) in &per_cat {
        let p = f64::from(*tp) / f64::from((tp + fp).max(1));
        let r = f64::from(*tp) / f64::from((tp + fnn).max(1));
        assert!(p >= 0.9 && r >= 0.9, "{c}: precision {p:.3}, recall {r:.3}");
    }
    // Floors we meet (the rules were developed against this set: it is a regression
    // guard, not an unbiased estimate).
    assert!(acc(cat) >= 0.97, "category accuracy {:.3}", acc(cat));
    assert!(acc(kind) >= 0.94, "kind accuracy {:.3}", acc(kind));
    assert!(acc(urg) >= 0.97, "urgency accuracy {:.3}", acc(urg));
    assert!(acc(temp) >= 0.97, "temperament accuracy {:.3}", acc(temp));
    assert_eq!(per_cat.len(), 17, "every category is in the set");
}

/// A held-out check of the English rules (not tuned on it): NYC 311 descriptors of
/// housing-related complaint types, mapped to the DOMAIN categories. Descriptors are
/// terse ("No Access", "CEILING"), so this is a floor, not a showcase. Skipped when the
/// development data is missing.
#[test]
fn nyc311_descriptors_held_out() {
    let Some(rows) = dev_data("en_nyc311_types.csv") else {
        return;
    };
    let map = [
        ("HEATING", "repair.plumbing"),
        ("PLUMBING", "repair.plumbing"),
        ("Water System", "repair.plumbing"),
        ("Sewer", "repair.plumbing"),
        ("Boilers", "repair.plumbing"),
        ("ELECTRIC", "repair.electrical"),
        ("Street Light Condition", "repair.electrical"),
        ("Elevator", "repair.elevator"),
        ("PAINT - PLASTER", "house_quality"),
        ("Blocked Driveway", "parking"),
        ("Illegal Parking", "parking"),
        ("Derelict Vehicle", "parking"),
        ("Derelict Vehicles", "parking"),
        ("Noise", "noise"),
        ("Noise - Commercial", "noise"),
        ("Noise - Street/Sidewalk", "noise"),
        ("Noise - Vehicle", "noise"),
        ("Dirty Conditions", "cleaning"),
        ("Sanitation Condition", "cleaning"),
        ("Rodent", "cleaning"),
        ("Missed Collection (All Materials)", "cleaning"),
        ("Damaged Tree", "greening"),
    ];
    let clf = TicketClassifier::default_rules();
    let (mut ok, mut total) = (0u32, 0u32);
    let mut pairs = Vec::new();
    // id,agency,complaint_type,descriptor
    for row in &rows {
        let [_, _, kind, desc, ..] = &row[..] else {
            continue;
        };
        let Some((_, cat)) = map.iter().find(|(k, _)| k == kind) else {
            continue;
        };
        total += 1;
        let got = clf.classify(desc).category;
        ok += u32::from(got == *cat);
        pairs.push((*cat, got));
    }
    category_report("nyc311 descriptors", &pairs);
    let acc = f64::from(ok) / f64::from(total.max(1));
    println!("nyc311 descriptors (held out): {ok}/{total} = {acc:.3}");
    assert!(total > 1800);
    assert!(acc >= 0.80, "accuracy {acc}");
}

/// `classify_batch` scans texts in groups; its results are exactly those of `classify`
/// on each text, for any batch length (odd, even, one) and texts of any length.
#[test]
fn classify_batch_equals_classify() {
    let mut texts: Vec<String> = labelled().into_iter().map(|d| d.text).collect();
    texts.extend(
        [
            "",
            "!",
            "漏水",
            "Fire!!",
            "气死了！！！",
            "a",
            "no hot water?? again!!",
        ]
        .map(String::from),
    );
    let clf = TicketClassifier::default_rules();
    let one: Vec<_> = texts.iter().map(|t| clf.classify(t)).collect();
    for n in [0, 1, 2, 3, texts.len() - 1, texts.len()] {
        assert_eq!(clf.classify_batch(&texts[..n]), one[..n], "{n} texts");
    }
    // Short texts next to long ones.
    let mixed: Vec<&str> = texts.iter().rev().map(String::as_str).collect();
    let want: Vec<_> = one.iter().rev().cloned().collect();
    assert_eq!(clf.classify_batch(&mixed), want);
}

/// The real messages labelled by hand with the ticket taxonomy
/// (`../shared/data/zh_dev_labelled.csv`, not in the repository; skipped when missing):
/// category and kind accuracy on the messages relevant to a compound, and the recall
/// of urgency (a message labelled urgent or emergency must not come out normal) on
/// every message; per-category precision and recall with their counts, on the 32
/// relevant messages and on the others (which are labelled by subject, mostly
/// `other`: the classifier has no separate relevance output, so a message about a
/// road or a school should come out `other`). A regression guard at the level
/// measured when the rules changed (issue 21), not a tuning target: the rules were
/// written as general phrase tables, and 32 rows give a wide interval (printed).
#[test]
fn zh_dev_messages() {
    let Some(rows) = dev_data("zh_dev_labelled.csv") else {
        return;
    };
    let clf = TicketClassifier::default_rules();
    let (mut n, mut cat, mut kind, mut urgent, mut urgent_found) = (0u32, 0u32, 0u32, 0u32, 0u32);
    let mut kinds: std::collections::BTreeMap<String, u32> = Default::default();
    let (mut relevant_pairs, mut other_pairs) = (Vec::new(), Vec::new());
    // The body alone (no title): the lead is then the body's first sentence.
    let mut body_only = 0u32;
    // Nothing on the board is an emergency (LABELLING.md): each one found is a false alarm.
    let (mut emergencies, mut relevant_emergencies) = (0u32, 0u32);
    // id,title,text,gov_label,relevant,category,kind,urgency
    for row in rows {
        let [_, title, body, _, relevant, category, k, urgency] = &row[..] else {
            continue;
        };
        let c = clf.classify(&format!("{title}。{body}"));
        emergencies += u32::from(c.urgency.as_str() == "emergency");
        if urgency != "normal" {
            urgent += 1;
            urgent_found += u32::from(c.urgency.as_str() != "normal");
        }
        if relevant != "yes" {
            other_pairs.push((category.clone(), c.category.clone()));
            continue;
        }
        relevant_pairs.push((category.clone(), c.category.clone()));
        body_only += u32::from(clf.classify(body).category == *category);
        n += 1;
        relevant_emergencies += u32::from(c.urgency.as_str() == "emergency");
        cat += u32::from(c.category == *category);
        kind += u32::from(c.kind.as_str() == k);
        *kinds.entry(c.kind.as_str().to_owned()).or_default() += 1;
        if std::env::var_os("TICKETS_VERBOSE").is_some() {
            eprintln!(
                "{category}/{k}/{urgency} -> {}/{}/{}: {title}",
                c.category, c.kind, c.urgency
            );
        }
    }
    println!(
        "zh dev (relevant {n}): category {cat}/{n}, kind {kind}/{n} {kinds:?}; urgent recall {urgent_found}/{urgent}; false emergencies {emergencies} ({relevant_emergencies} relevant)"
    );
    let (_, _) = category_report("zh dev relevant", &relevant_pairs);
    let (_, other_ok) = category_report("zh dev not relevant", &other_pairs);
    let (lo, hi) = wilson(cat, n);
    println!("zh dev relevant category accuracy 95% interval: {lo:.3}-{hi:.3}");
    println!("zh dev relevant, body only (no title): category {body_only}/{n}");
    // Floors at the level measured: 19/32 category, 27/32 kind, 12/12 urgent recall
    // before issue 21 (170/445 of the other messages, 16/32 from the body alone);
    // 28/32, 27/32, 12/12, 356/445 and 25/32 after it.
    assert!(n >= 30 && urgent >= 10);
    assert!(cat >= 28 && kind >= 27, "category {cat}, kind {kind}");
    assert!(other_ok >= 356, "not relevant: category {other_ok}");
    assert!(body_only >= 25, "body only: category {body_only}");
    assert_eq!(urgent_found, urgent);
}

/// The Wilson score interval (95%) of `k` successes in `n`.
fn wilson(k: u32, n: u32) -> (f64, f64) {
    let (k, n, z) = (f64::from(k), f64::from(n.max(1)), 1.96_f64);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

/// The lead (the first sentence, or a title put first) names the subject: its
/// category phrases weigh `LEAD_BONUS` more, and the evidence says which ones were in
/// it. The same words as one sentence have no lead, and the body's many mentions win.
#[test]
fn the_lead_names_the_subject() {
    use estatekit::tickets::LEAD_BONUS;
    let clf = TicketClassifier::default_rules();
    let titled = clf.classify("电梯经常困人。小区停车位太少，车辆乱停。");
    let one_sentence = clf.classify("电梯经常困人，小区停车位太少，车辆乱停");
    let cat = |c: &estatekit::tickets::Classification| {
        c.evidence
            .iter()
            .filter(|e| e.field.as_str() == "category")
            .map(|e| (e.phrase.to_string(), e.weight, e.lead))
            .collect::<Vec<_>>()
    };
    assert_eq!(LEAD_BONUS, 2.0);
    assert_eq!(titled.category, "repair.elevator");
    assert_eq!(
        cat(&titled),
        [
            ("电梯".to_owned(), 12.0, true),
            ("困人".to_owned(), 9.0, true)
        ]
    );
    assert_eq!(one_sentence.category, "parking");
    assert!(cat(&one_sentence).iter().all(|(_, _, lead)| !lead));
}

/// Written examples of the subject against things mentioned in passing (the
/// conventions of `../shared/data/LABELLING.md`): a sales complaint that mentions
/// parking or decoration, a planning complaint that mentions renovation, fumes against
/// noise, a lift mentioned in passing, and subjects outside a compound.
#[test]
fn subject_against_passing_mentions() {
    let clf = TicketClassifier::default_rules();
    let cases = [
        (
            "开发商逾期交房已经半年。当初售楼处承诺的精装修也没兑现，车位还被捆绑销售。",
            "sales_contract",
        ),
        (
            "购房合同约定的精装标准与实际交付的不符。装修用的材料都是便宜货。",
            "sales_contract",
        ),
        (
            "买房两年了房产证还没办下来。开发商说在办，物业也不清楚，停车也难。",
            "sales_contract",
        ),
        (
            "小区规划被擅自变更，楼间距缩小。很多业主装修时才发现采光被挡。",
            "planning_design",
        ),
        (
            "小区旁边要建变电站。离住宅楼不到三十米，业主担心电磁辐射。",
            "planning_design",
        ),
        (
            "楼下烧烤店油烟太大。窗户都不敢开，晚上还有点吵。",
            "cleaning",
        ),
        (
            "新房墙体开裂、空鼓。交房不到一年，开发商不肯维修，电梯也常停。",
            "house_quality",
        ),
        ("老小区加装电梯的补贴怎么申请？", "other"),
        (
            "小区门口的道路坑坑洼洼。公交站也被挪走了，希望修路。",
            "other",
        ),
        (
            "孩子上幼儿园的学位不够。希望教育局多建公办幼儿园。",
            "other",
        ),
    ];
    let got: Vec<(&str, String)> = cases
        .iter()
        .map(|(t, _)| (*t, clf.classify(t).category))
        .collect();
    let want: Vec<(&str, String)> = cases.iter().map(|(t, c)| (*t, (*c).to_owned())).collect();
    assert_eq!(got, want);
}
