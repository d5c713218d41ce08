//! The key register used by the examples of the docs (hidden: not a stable API).

use super::{Authorisation, KeyPolicy, KeyRegister, KeySetInput, KeySetKind, LoanInput, Party};
use crate::checkin::{CheckinTemplate, Checklist, HandoverOutcome, ItemData, ItemKind, Mode};
use crate::estate::Estate;
use crate::registry::{OccupantRole, Person, Registry, RoleRecord};
use rust_decimal::Decimal;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

impl KeyRegister {
    /// The loan of the example: 王芳 of 1-101 borrows both keys of building 1's roof
    /// (`K-ROOF-1`) to check her solar water heater, authorised by 周经理.
    #[doc(hidden)]
    pub fn example_loan() -> LoanInput {
        LoanInput {
            id: "L-1".into(),
            key_set_id: "K-ROOF-1".into(),
            borrower: "王芳".into(),
            party: Party::Owner,
            unit_id: Some("1-101".into()),
            id_checked: true,
            authorisation: Authorisation::Manager {
                name: "周经理".into(),
            },
            reason: "检查天台太阳能热水器".into(),
            count: 2,
            due: None,
        }
    }

    /// The demo estate's cabinet (lock replacement 150.00): building 1's roof (two
    /// keys, slot A-01) and the pump room (two keys, A-03, its lock 300.00) registered
    /// on 2026-11-01; the two keys of the unsold unit 1-603 received and counted in
    /// (B-06); the roof's keys lent on 2026-11-03 10:00 Beijing time (loan `L-1`).
    #[doc(hidden)]
    pub fn example() -> Res<KeyRegister> {
        let estate = Estate::demo();
        let mut reg = KeyRegister::new(estate.id(), KeyPolicy::new(Decimal::new(15_000, 2)))?;
        let t = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>();
        reg.register(
            &estate,
            KeySetInput::new("K-ROOF-1", KeySetKind::PublicRoom, "1号楼天台", "A-01", 2),
            "李主管",
            t("2026-11-01T01:00:00Z")?,
        )?;
        let mut pump = KeySetInput::new("K-PUMP", KeySetKind::PublicRoom, "水泵房", "A-03", 2);
        pump.lock_replacement = Some(Decimal::new(30_000, 2));
        reg.register(&estate, pump, "李主管", t("2026-11-01T01:05:00Z")?)?;
        let mut unit = KeySetInput::new("K-1-603", KeySetKind::VacantUnit, "1-603", "B-06", 2);
        unit.unit_id = Some("1-603".into());
        reg.register(&estate, unit, "李主管", t("2026-11-01T01:10:00Z")?)?;
        reg.take_into_custody("K-1-603", 2, "李主管", t("2026-11-01T01:15:00Z")?)?;
        reg.lend(
            Self::example_loan(),
            None,
            "小陈",
            t("2026-11-03T02:00:00Z")?,
        )?;
        Ok(reg)
    }

    /// The example register and an occupant registry with 王芳 (`P-WANG`) owning
    /// 1-101 and 1-603 from 2026-10-01.
    #[doc(hidden)]
    pub fn example_with_registry() -> Res<(KeyRegister, Registry)> {
        let reg = Self::example()?;
        let mut r = Registry::new(reg.estate_id());
        r.add_person(Person::new("P-WANG", "王芳"))?;
        for u in ["1-101", "1-603"] {
            r.add_role(RoleRecord::new(
                u,
                "P-WANG",
                OccupantRole::Owner,
                "2026-10-01".parse()?,
            ))?;
        }
        Ok((reg, r))
    }

    /// The example register and 1-603's check-in by 王芳 on 2026-11-10, done up to
    /// its key handover (two keys), from the default template.
    #[doc(hidden)]
    pub fn example_checkin() -> Res<(KeyRegister, Checklist)> {
        let reg = Self::example()?;
        let template = CheckinTemplate::default_template();
        let mut c = Checklist::start(
            &template,
            "1-603",
            "王芳",
            "2026-11-10".parse()?,
            Mode::Ordinary,
        )?;
        let mut minute = 0i64;
        let start: chrono::DateTime<chrono::Utc> = "2026-11-10T01:00:00Z".parse()?;
        'steps: for step in template.steps() {
            for item in step.items.iter().filter(|i| i.mandatory) {
                minute += 2;
                let mut data = ItemData::default();
                match item.kind {
                    ItemKind::Signature => data.signature_ref = Some(format!("SIG-{minute}")),
                    ItemKind::Payment => data.receipt_ref = Some(format!("R-{minute}")),
                    ItemKind::KeyHandover => data.keys = Some(2),
                    ItemKind::MeterReading => data.reading = Some(Decimal::new(6000, 1)),
                    ItemKind::Inspection => data.outcome = Some(HandoverOutcome::Accepted),
                    _ => {}
                }
                c.complete(
                    &item.code,
                    "李四",
                    item.roles[0],
                    start + chrono::Duration::minutes(minute),
                    data,
                    None,
                )?;
                if item.kind == ItemKind::KeyHandover {
                    break 'steps;
                }
            }
        }
        Ok((reg, c))
    }
}
