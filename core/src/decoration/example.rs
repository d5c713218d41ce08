//! The walk used by the examples of the docs (hidden: not a stable API).

use super::{
    Contractor, DecorationPolicy, Decorations, Liable, Role, Submission, ViolationInput, Worker,
};
use crate::estate::Estate;
use crate::registry::{OccupantRole, Person, Registry, RoleRecord};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn at(s: &str) -> Res<chrono::DateTime<chrono::Utc>> {
    Ok(s.parse()?)
}

impl Decorations {
    /// The demo estate, a registry where 张三 (`P-ZHANG`) owns 1-201 and 李四
    /// (`P-LI`) rents 1-203 with the owner's consent `C-203`, and an empty register
    /// under the default policy.
    #[doc(hidden)]
    pub fn example_setup() -> Res<(Decorations, Estate, Registry)> {
        let estate = Estate::demo();
        let mut registry = Registry::new(estate.id());
        registry.add_person(Person::new("P-ZHANG", "张三"))?;
        registry.add_person(Person::new("P-LI", "李四"))?;
        registry.add_role(RoleRecord::new(
            "1-201",
            "P-ZHANG",
            OccupantRole::Owner,
            "2024-06-01".parse()?,
        ))?;
        registry.add_role(RoleRecord::tenant(
            "1-203",
            "P-LI",
            "2025-03-01".parse()?,
            "2027-02-28".parse()?,
            Some("C-203".into()),
        ))?;
        let d = Decorations::new(&estate, DecorationPolicy::default_policy())?;
        Ok((d, estate, registry))
    }

    /// 张三's application for 1-201: flooring and waterproofing, 2026-11-09 to
    /// 2026-12-31, by 安居装饰 with two workers (passes P-001, P-002).
    #[doc(hidden)]
    pub fn example_submission() -> Submission {
        let mut s = Submission::new(
            "R-2026-001",
            "1-201",
            "P-ZHANG",
            &["flooring", "waterproofing"],
            "2026-11-09".parse().expect("a literal date"),
            "2026-12-31".parse().expect("a literal date"),
        );
        s.contractor = Some(Contractor {
            name: "安居装饰".into(),
            licence_ref: Some("D2-3301".into()),
            foreman: "赵工".into(),
            workers: vec![
                Worker {
                    name: "王五".into(),
                    pass_no: "P-001".into(),
                },
                Worker {
                    name: "李四".into(),
                    pass_no: "P-002".into(),
                },
            ],
        });
        s.documents = [
            "ownership_proof",
            "applicant_id",
            "decoration_plan",
            "waterproofing_plan",
            "contractor_licence",
        ]
        .map(String::from)
        .to_vec();
        s
    }

    /// The application submitted Monday 2026-11-02 10:00 (Beijing), approved a day
    /// later, fees and deposit received on 11-04, works started on 11-09 09:00.
    #[doc(hidden)]
    pub fn example() -> Res<(Decorations, String)> {
        let (mut d, estate, registry) = Self::example_setup()?;
        let id = d
            .submit(
                &estate,
                &registry,
                Self::example_submission(),
                "小陈",
                Role::CustomerService,
                at("2026-11-02T02:00:00Z")?,
            )?
            .id()
            .to_owned();
        d.approve(
            &id,
            &estate,
            "周经理",
            Role::Manager,
            at("2026-11-03T02:00:00Z")?,
        )?;
        d.record_fees_paid(
            &id,
            "RC-1001",
            "钱会计",
            Role::Finance,
            at("2026-11-04T02:00:00Z")?,
        )?;
        d.record_deposit(
            &id,
            "2000.00".parse()?,
            "RC-1002",
            "钱会计",
            Role::Finance,
            at("2026-11-04T02:05:00Z")?,
        )?;
        d.start_works(
            &id,
            &estate,
            "小陈",
            Role::CustomerService,
            at("2026-11-09T01:00:00Z")?,
        )?;
        Ok((d, id))
    }

    /// [`Decorations::example`], then common-area damage by the contractor (350.00,
    /// V1) and noisy work out of hours (200.00, the owner's side, V2), both
    /// rectified; pass P-001 returned (P-002 not); completion reported on 12-10 and
    /// accepted on 12-11.
    #[doc(hidden)]
    pub fn example_accepted() -> Res<(Decorations, String)> {
        let (mut d, id) = Self::example()?;
        let v1 = ViolationInput {
            code: "common_area_damage".into(),
            liable: Liable::Contractor,
            amount: Some("350.00".parse()?),
            note: Some("电梯轿厢划伤".into()),
        };
        d.record_violation(&id, v1, "吴工", Role::Engineer, at("2026-11-12T03:00:00Z")?)?;
        let v2 = ViolationInput {
            code: "noise_outside_hours".into(),
            liable: Liable::Owner,
            amount: None,
            note: None,
        };
        d.record_violation(&id, v2, "孙巡", Role::Security, at("2026-11-14T23:10:00Z")?)?;
        d.rectify_violation(
            &id,
            "V1",
            "吴工",
            Role::Engineer,
            at("2026-11-16T02:00:00Z")?,
        )?;
        d.rectify_violation(
            &id,
            "V2",
            "吴工",
            Role::Engineer,
            at("2026-11-16T02:10:00Z")?,
        )?;
        d.return_passes(
            &id,
            &["P-001"],
            "小陈",
            Role::CustomerService,
            at("2026-12-10T01:00:00Z")?,
        )?;
        d.report_completion(
            &id,
            "小陈",
            Role::CustomerService,
            at("2026-12-10T02:00:00Z")?,
        )?;
        d.inspect(
            &id,
            true,
            Some("验收合格"),
            "吴工",
            Role::Engineer,
            at("2026-12-11T02:00:00Z")?,
        )?;
        Ok((d, id))
    }
}
