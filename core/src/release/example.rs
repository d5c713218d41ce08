//! The goods-release register used by the examples of the docs (hidden: not a stable
//! API).

use super::{GoodsRelease, Item, PermitRequest, Reason, ReleasePolicy};
use crate::registry::{ArrearsCheck, OccupantRole, Person, Registry, RoleRecord};
use crate::tickets::WorkingHours;
use chrono::NaiveTime;
use rust_decimal::Decimal;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

impl GoodsRelease {
    /// 王芳 (`P-WANG`), owner of 1-101, asks for permit `GR-001`: a fridge and twelve
    /// boxes leave by the van 浙A 12345 on 2026-12-05, 08:00–18:00 Beijing time, moving
    /// out of the whole unit.
    #[doc(hidden)]
    pub fn example_request() -> PermitRequest {
        PermitRequest {
            id: "GR-001".into(),
            unit_id: "1-101".into(),
            applicant: "P-WANG".into(),
            id_ref: Some("ID-CHECKED-0001".into()),
            items: vec![Item::new("冰箱", 1), Item::new("纸箱", 12)],
            plate: Some("浙A 12345".into()),
            pass_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date"),
            window: Some(WorkingHours::new(
                NaiveTime::from_hms_opt(8, 0, 0).expect("08:00"),
                NaiveTime::from_hms_opt(18, 0, 0).expect("18:00"),
            )),
            reason: Reason::MoveOut,
            whole_unit: true,
        }
    }

    /// The demo estate's register with `GR-001` requested on 2026-12-04 10:00 Beijing
    /// time while 1-101 owes 381.65 (a warning, under the default policy) and approved
    /// by 周经理 half an hour later; and the registry (王芳 owns 1-101; 孙丽, `P-SUN`,
    /// rents 1-102 without the owner's written consent).
    #[doc(hidden)]
    pub fn example() -> Res<(GoodsRelease, Registry)> {
        let mut registry = Registry::new("lakeside");
        registry.add_person(Person::new("P-WANG", "王芳"))?;
        registry.add_person(Person::new("P-SUN", "孙丽"))?;
        registry.add_role(RoleRecord::new(
            "1-101",
            "P-WANG",
            OccupantRole::Owner,
            "2024-06-01".parse()?,
        ))?;
        registry.add_role(RoleRecord::tenant(
            "1-102",
            "P-SUN",
            "2026-03-01".parse()?,
            "2027-02-28".parse()?,
            None,
        ))?;
        let mut g = GoodsRelease::new("lakeside", ReleasePolicy::default())?;
        g.request(
            Self::example_request(),
            &registry,
            ArrearsCheck::Amount(Decimal::new(38_165, 2)),
            "小陈",
            "2026-12-04T02:00:00Z".parse()?,
        )?;
        g.approve(
            "GR-001",
            None,
            &registry,
            "周经理",
            "2026-12-04T02:30:00Z".parse()?,
        )?;
        Ok((g, registry))
    }
}
