//! The patrol book used by the examples of the docs (hidden: not a stable API).

use super::{Checkpoint, CheckpointKind, ItemResult, PatrolBook, Plan, Recurrence, Visit};
use crate::tickets::WorkingHours;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn visit(cp: &str, at: &str, by: &str, results: &[(&str, bool)], note: Option<&str>) -> Res<Visit> {
    Ok(Visit {
        checkpoint_id: cp.into(),
        at: at.parse()?,
        by: by.into(),
        results: results
            .iter()
            .map(|(i, ok)| ItemResult {
                item: (*i).into(),
                ok: *ok,
            })
            .collect(),
        note: note.map(str::to_owned),
    })
}

impl PatrolBook {
    /// Three checkpoints (the gate, building 1's roof, the pump room) on a night plan
    /// of two rounds (20:00–21:00, 22:00–23:00, Beijing time) by 刘保安 (deputy
    /// 王保安), the tasks of 2026-11-03 and 11-04: the first round of 11-03 found the
    /// roof's fire route blocked (late, F1) and missed the pump room; the second was
    /// complete; the first of 11-04 complete (the gate early); the second absent.
    #[doc(hidden)]
    pub fn example() -> Res<PatrolBook> {
        let h = |a: &str, b: &str| -> Res<WorkingHours> {
            Ok(WorkingHours::new(a.parse()?, b.parse()?))
        };
        let cps = vec![
            Checkpoint {
                id: "CP-GATE".into(),
                name: "大门岗亭".into(),
                building_id: None,
                kind: CheckpointKind::Security,
                items: vec!["门岗在岗".into(), "道闸正常".into()],
            },
            Checkpoint {
                id: "CP-B1-ROOF".into(),
                name: "1号楼天台".into(),
                building_id: Some("B1".into()),
                kind: CheckpointKind::Security,
                items: vec!["天台门已锁".into(), "消防通道畅通".into()],
            },
            Checkpoint {
                id: "CP-PUMP".into(),
                name: "水泵房".into(),
                building_id: None,
                kind: CheckpointKind::Equipment,
                items: vec!["水泵运行正常".into()],
            },
        ];
        let plan = Plan {
            id: "NIGHT".into(),
            route: vec!["CP-GATE".into(), "CP-B1-ROOF".into(), "CP-PUMP".into()],
            recurrence: Recurrence::Daily,
            windows: vec![h("20:00", "21:00")?, h("22:00", "23:00")?],
            staff: "刘保安".into(),
            deputy: Some("王保安".into()),
        };
        let mut b = PatrolBook::new(cps, vec![plan], 480)?;
        b.generate("2026-11-03".parse()?, "2026-11-04".parse()?)?;
        let gate = [("门岗在岗", true), ("道闸正常", true)];
        let roof = [("天台门已锁", true), ("消防通道畅通", true)];
        let pump = [("水泵运行正常", true)];
        b.record_visit(
            "NIGHT/2026-11-03/0",
            visit("CP-GATE", "2026-11-03T12:10:00Z", "刘保安", &gate, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-03/0",
            visit(
                "CP-B1-ROOF",
                "2026-11-03T13:20:00Z",
                "王保安",
                &[("天台门已锁", true), ("消防通道畅通", false)],
                Some("天台通道堆放装修垃圾"),
            )?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-03/1",
            visit("CP-GATE", "2026-11-03T14:05:00Z", "刘保安", &gate, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-03/1",
            visit("CP-B1-ROOF", "2026-11-03T14:20:00Z", "刘保安", &roof, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-03/1",
            visit("CP-PUMP", "2026-11-03T14:40:00Z", "刘保安", &pump, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-04/0",
            visit("CP-GATE", "2026-11-04T11:55:00Z", "刘保安", &gate, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-04/0",
            visit("CP-B1-ROOF", "2026-11-04T12:10:00Z", "刘保安", &roof, None)?,
        )?;
        b.record_visit(
            "NIGHT/2026-11-04/0",
            visit("CP-PUMP", "2026-11-04T12:30:00Z", "刘保安", &pump, None)?,
        )?;
        Ok(b)
    }
}
