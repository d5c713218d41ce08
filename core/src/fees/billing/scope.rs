//! Which units an item reaches (its `buildings` and `units` filters) and, for a
//! pooled item, which pool each unit is in (`split_by`): the estate's, its
//! building's or its group's.

use std::sync::Arc;

use crate::estate::Estate;
use crate::fees::FeeError;
use crate::fees::schedule::{FeeItem, SplitBy};

/// The units of the estate `item` is limited to (`true` at a unit's position in
/// [`Estate::units`]), or `None` when it has no `buildings` or `units` filter (every
/// unit): items without filters cost nothing per unit. `at` is the item's path in
/// the schedule (`items[3]`).
///
/// # Errors
/// [`FeeError::Unknown`] at `{at}.buildings[j]` or `{at}.units[j]` for an id the
/// estate does not have.
pub(super) fn unit_mask(
    estate: &Estate,
    item: &FeeItem,
    at: &str,
) -> Result<Option<Vec<bool>>, FeeError> {
    if item.buildings.is_empty() && item.units.is_empty() {
        return Ok(None);
    }
    let units = estate.units();
    let mut mask = vec![true; units.len()];
    if !item.buildings.is_empty() {
        let mut listed = vec![false; estate.buildings().len()];
        for (j, id) in item.buildings.iter().enumerate() {
            let b = estate
                .building_position(id)
                .ok_or_else(|| FeeError::Unknown {
                    path: format!("{at}.buildings[{j}]"),
                    what: "building",
                    id: id.clone(),
                })?;
            listed[b] = true;
        }
        for (m, unit) in mask.iter_mut().zip(units) {
            // Every unit's building exists (checked when the estate was built).
            *m = estate
                .building_position(&unit.building_id)
                .is_some_and(|b| listed[b]);
        }
    }
    if !item.units.is_empty() {
        let mut listed = vec![false; units.len()];
        for (j, id) in item.units.iter().enumerate() {
            let u = estate.unit_position(id).ok_or_else(|| FeeError::Unknown {
                path: format!("{at}.units[{j}]"),
                what: "unit",
                id: id.clone(),
            })?;
            listed[u] = true;
        }
        for (m, l) in mask.iter_mut().zip(listed) {
            *m &= l;
        }
    }
    Ok(Some(mask))
}

/// The pools of a pooled item and each unit's.
#[derive(Debug)]
pub(super) struct PoolGroups {
    /// Per pool: the building or group id (`None`: the whole estate, one pool).
    pub(super) ids: Vec<Option<Arc<str>>>,
    /// Per unit of the estate: its pool (`u32::MAX`: in none); `None` when every
    /// unit is in the one pool of the estate.
    pub(super) of_unit: Option<Vec<u32>>,
    /// Whether the pools are buildings (else groups, or the estate).
    pub(super) by_building: bool,
}

impl PoolGroups {
    /// The pool of the estate's unit `u` (`u32::MAX`: none).
    #[inline]
    pub(super) fn of(&self, u: usize) -> u32 {
        match &self.of_unit {
            None => 0,
            Some(v) => v[u],
        }
    }

    /// "building" or "group", for messages.
    pub(super) fn noun(&self) -> &'static str {
        if self.by_building {
            "building"
        } else {
            "group"
        }
    }
}

/// The pools of `split_by` over `estate`: one for the estate, one per building (in
/// the estate's order), or one per group (in the schedule's order). `at` is the
/// item's path in the schedule.
///
/// # Errors
/// [`FeeError::Unknown`] at `{at}.rule.pooled.split_by.groups[j].units[k]` for a
/// group naming a unit the estate does not have.
pub(super) fn pool_groups(
    estate: &Estate,
    split_by: &SplitBy,
    at: &str,
) -> Result<PoolGroups, FeeError> {
    match split_by {
        SplitBy::Estate => Ok(PoolGroups {
            ids: vec![None],
            of_unit: None,
            by_building: false,
        }),
        SplitBy::Building => Ok(PoolGroups {
            ids: estate
                .buildings()
                .iter()
                .map(|b| Some(Arc::from(b.id.as_str())))
                .collect(),
            of_unit: Some(
                estate
                    .units()
                    .iter()
                    .map(|u| {
                        estate
                            .building_position(&u.building_id)
                            .and_then(|b| u32::try_from(b).ok())
                            .unwrap_or(u32::MAX)
                    })
                    .collect(),
            ),
            by_building: true,
        }),
        SplitBy::Groups(groups) => {
            let mut of_unit = vec![u32::MAX; estate.units().len()];
            for (j, g) in groups.iter().enumerate() {
                let j32 = u32::try_from(j).map_err(|_| {
                    FeeError::value(
                        "too_many",
                        format!("{at}.rule.pooled.split_by.groups"),
                        "too many groups",
                    )
                })?;
                for (k, id) in g.units.iter().enumerate() {
                    let u = estate.unit_position(id).ok_or_else(|| FeeError::Unknown {
                        path: format!("{at}.rule.pooled.split_by.groups[{j}].units[{k}]"),
                        what: "unit",
                        id: id.clone(),
                    })?;
                    // A unit is in one group at most (checked by the schedule).
                    of_unit[u] = j32;
                }
            }
            Ok(PoolGroups {
                ids: groups
                    .iter()
                    .map(|g| Some(Arc::from(g.id.as_str())))
                    .collect(),
                of_unit: Some(of_unit),
                by_building: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fees::schedule::{FeeSchedule, UnitGroup};

    #[test]
    fn an_item_without_filters_has_no_mask() {
        let estate = Estate::demo();
        let mut item = FeeSchedule::demo().items()[0].clone();
        assert_eq!(unit_mask(&estate, &item, "items[0]"), Ok(None));
        item.buildings = vec!["B2".into()];
        let mask = unit_mask(&estate, &item, "items[0]").unwrap().unwrap();
        for (m, u) in mask.iter().zip(estate.units()) {
            assert_eq!(*m, u.building_id == "B2", "{}", u.id);
        }
        item.units = vec!["1-101".into()];
        let mask = unit_mask(&estate, &item, "items[0]").unwrap().unwrap();
        assert!(mask.iter().all(|m| !m), "1-101 is in B1, not B2");
        item.buildings.clear();
        let mask = unit_mask(&estate, &item, "items[0]").unwrap().unwrap();
        assert_eq!(mask.iter().filter(|m| **m).count(), 1);
        item.units = vec!["1-101".into(), "9-999".into()];
        let e = unit_mask(&estate, &item, "items[0]").unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("unknown_reference", "items[0].units[1]")
        );
        item.units.clear();
        item.buildings = vec!["B7".into()];
        let e = unit_mask(&estate, &item, "items[2]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "items[2].buildings[0]: unknown building \"B7\""
        );
    }

    #[test]
    fn groups_name_units_of_the_estate() {
        let estate = Estate::demo();
        let split = SplitBy::Groups(vec![
            UnitGroup {
                id: "a".into(),
                units: vec!["1-101".into()],
            },
            UnitGroup {
                id: "b".into(),
                units: vec!["1-102".into(), "nope".into()],
            },
        ]);
        let e = pool_groups(&estate, &split, "items[4]").unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            (
                "unknown_reference",
                "items[4].rule.pooled.split_by.groups[1].units[1]"
            )
        );
        let b = pool_groups(&estate, &SplitBy::Building, "items[4]").unwrap();
        assert_eq!(b.ids.len(), estate.buildings().len());
        assert_eq!(b.of(0), 0);
        assert_eq!(b.noun(), "building");
    }
}
