//! The surveys used by the examples of the docs (hidden: not a stable API).

use super::{
    Answer, AnswerValue, Dimension, Question, QuestionKind, Response, Survey, SurveyKind,
    SurveyResults,
};
use crate::estate::Estate;
use crate::registry::{OccupantRole, Person, Registry, RoleRecord};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const UNITS: [&str; 5] = ["1-101", "1-201", "1-202", "1-203", "1-301"];

fn questions() -> Vec<Question> {
    vec![
        Question::scale(
            "cleaning",
            "您对小区保洁是否满意？",
            "Are you satisfied with cleaning?",
            Dimension::Cleaning,
        ),
        Question::scale(
            "security",
            "您对秩序维护是否满意？",
            "Are you satisfied with security?",
            Dimension::Security,
        ),
        Question::scale(
            "repairs",
            "您对维修服务是否满意？",
            "Are you satisfied with repairs?",
            Dimension::Repairs,
        ),
        Question::scale(
            "service",
            "您对客服接待是否满意？",
            "Are you satisfied with customer service?",
            Dimension::Service,
        ),
        Question {
            code: "improve".into(),
            text_zh: "您最希望改进哪些方面？".into(),
            text_en: "What should improve first?".into(),
            kind: QuestionKind::Choice {
                options: vec![
                    "more_lights".into(),
                    "more_parking".into(),
                    "playground".into(),
                ],
                multiple: true,
            },
            required: false,
        },
    ]
}

fn response(unit: &str, at: &str, scores: [u8; 4], choices: &[&str]) -> Res<Response> {
    let mut answers: Vec<Answer> = ["cleaning", "security", "repairs", "service"]
        .iter()
        .zip(scores)
        .map(|(q, s)| Answer {
            question: (*q).into(),
            value: AnswerValue::Score(s),
        })
        .collect();
    if !choices.is_empty() {
        answers.push(Answer {
            question: "improve".into(),
            value: AnswerValue::Choices(choices.iter().map(|c| (*c).to_owned()).collect()),
        });
    }
    Ok(Response {
        unit_id: unit.into(),
        person_id: format!("P-{}", &unit[2..]),
        at: at.parse()?,
        answers,
    })
}

impl Survey {
    /// The demo estate and a registry with one person on each of 1-101, 1-201, 1-202,
    /// 1-203 (a tenant) and 1-301 (`P-101`, …).
    #[doc(hidden)]
    pub fn example_registry() -> Res<(Estate, Registry)> {
        let estate = Estate::demo();
        let mut r = Registry::new(estate.id());
        for u in UNITS {
            let id = format!("P-{}", &u[2..]);
            r.add_person(Person::new(id.as_str(), format!("住户{u}")))?;
            if u == "1-203" {
                r.add_role(RoleRecord::tenant(
                    u,
                    id.as_str(),
                    "2025-03-01".parse()?,
                    "2027-02-28".parse()?,
                    Some("C-203".into()),
                ))?;
            } else {
                r.add_role(RoleRecord::new(
                    u,
                    id.as_str(),
                    OccupantRole::Owner,
                    "2024-06-01".parse()?,
                ))?;
            }
        }
        Ok((estate, r))
    }

    /// The draft of 2026 Q4's satisfaction survey (four scale questions, one choice).
    #[doc(hidden)]
    pub fn example_draft() -> Res<(Survey, Estate)> {
        let (a, b) = Survey::quarter(2026, 4)?;
        let s = Survey::new(
            "S-2026Q4",
            SurveyKind::Satisfaction,
            "2026年第四季度业主满意度调查",
            a,
            b,
            questions(),
        )?;
        Ok((s, Estate::demo()))
    }

    /// 2026 Q4's survey, published on 12-01 and collecting, with four responses, and
    /// the results of Q3's (two responses, 7 of 8 answers satisfied).
    #[doc(hidden)]
    pub fn example() -> Res<(Survey, SurveyResults)> {
        let (estate, registry) = Self::example_registry()?;
        let (a, b) = Survey::quarter(2026, 3)?;
        let mut q3 = Survey::new(
            "S-2026Q3",
            SurveyKind::Satisfaction,
            "2026年第三季度业主满意度调查",
            a,
            b,
            questions(),
        )?;
        q3.publish(&estate, "2026-09-01T01:00:00Z".parse()?)?;
        q3.start_collecting("2026-09-01T02:00:00Z".parse()?)?;
        q3.respond(
            &registry,
            response("1-101", "2026-09-03T02:00:00Z", [5, 5, 4, 4], &[])?,
        )?;
        q3.respond(
            &registry,
            response("1-201", "2026-09-04T02:00:00Z", [4, 4, 3, 5], &[])?,
        )?;
        q3.close("2026-09-30T09:00:00Z".parse()?)?;
        let previous = q3.results(None)?;

        let (mut s, _) = Self::example_draft()?;
        s.publish(&estate, "2026-12-01T01:00:00Z".parse()?)?;
        s.start_collecting("2026-12-01T02:00:00Z".parse()?)?;
        s.respond(
            &registry,
            response(
                "1-101",
                "2026-12-02T02:00:00Z",
                [5, 5, 4, 4],
                &["more_lights", "playground"],
            )?,
        )?;
        s.respond(
            &registry,
            response(
                "1-201",
                "2026-12-03T02:00:00Z",
                [4, 5, 4, 5],
                &["more_lights"],
            )?,
        )?;
        s.respond(
            &registry,
            response(
                "1-202",
                "2026-12-04T02:00:00Z",
                [3, 4, 5, 4],
                &["more_lights", "more_parking"],
            )?,
        )?;
        s.respond(
            &registry,
            response(
                "1-203",
                "2026-12-05T02:00:00Z",
                [2, 3, 3, 5],
                &["playground"],
            )?,
        )?;
        Ok((s, previous))
    }
}
