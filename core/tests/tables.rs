//! Estates from spreadsheet tables: normalisations, every problem at once, CSV, scale.
#![allow(clippy::type_complexity)]

use estatekit::Estate;
use estatekit::tables::{EstateTables, MAX_PROBLEMS, Row, TextTable};

const BUILDINGS: &str = "id,name\nB1,1号楼\nB3,3号楼\n";

/// Every normalisation, and rows that read.
const CLEAN_UNITS: &str = "\u{feff}id,building_id,floor,number,kind,gross_area,internal_area,occupants,status,status_since,delivered_on\r\n\
 3-1-1201 ,B3,12,1201,residential,\"1,234.50\",,0,occupied,2026/11/05,2026/1/5\r\n\
3-1-1202\u{a0},B3,12,1202,Residential,89.50,,  ,unsold,,\r\n\
\r\n\
,,,,,,,,,,\r\n\
3-1-1205,B3,-1,\"P\"\"05\",parking,12.5,,\"0\",delivered,2026-11-05,2026-11-05\r\n";

const CLEAN_METERS: &str =
    "id,unit_id,kind,multiplier\n\u{3000}W1,3-1-1201,Water,1\nM1,,electricity,\"1,000\"\n";
const CLEAN_READINGS: &str =
    "meter_id,date,value\nW1,2026/10/31,18.0\nW1,2026-11-30, 20 \nM1,2026/11/30,\"12,345.6\"\n";

fn messy_ok() -> EstateTables {
    EstateTables::from_csv(
        "e1",
        "Messy",
        BUILDINGS,
        CLEAN_UNITS,
        CLEAN_METERS,
        CLEAN_READINGS,
    )
    .expect("csv reads")
}

#[test]
fn messy_spreadsheet_normalised_and_reported() {
    let import = messy_ok().import().expect("imports");
    let seen: Vec<String> = import
        .normalisations
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        seen,
        [
            r#"units[id=3-1-1201].id (row 1): "3-1-1201 " → "3-1-1201""#,
            r#"units[id=3-1-1201].gross_area (row 1): "1,234.50" → "1234.50""#,
            r#"units[id=3-1-1201].status_since (row 1): "2026/11/05" → "2026-11-05""#,
            r#"units[id=3-1-1201].delivered_on (row 1): "2026/1/5" → "2026-01-05""#,
            "units[id=3-1-1202].id (row 2): \"3-1-1202\\u{a0}\" → \"3-1-1202\"",
            r#"units[id=3-1-1202].kind (row 2): "Residential" → "residential""#,
            "meters[id=W1].id (row 1): \"\\u{3000}W1\" → \"W1\"",
            r#"meters[id=W1].kind (row 1): "Water" → "water""#,
            r#"meters[id=M1].multiplier (row 2): "1,000" → "1000""#,
            r#"readings[id=W1@2026-10-31].date (row 1): "2026/10/31" → "2026-10-31""#,
            r#"readings[id=W1@2026-11-30].value (row 2): " 20 " → "20""#,
            r#"readings[id=M1@2026-11-30].date (row 3): "2026/11/30" → "2026-11-30""#,
            r#"readings[id=M1@2026-11-30].value (row 3): "12,345.6" → "12345.6""#,
        ]
    );
    let n = &import.normalisations[4];
    assert_eq!(
        (n.table.as_str(), n.row, n.id.as_deref(), n.column.as_str()),
        ("units", 2, Some("3-1-1202"), "id")
    );
    let e = &import.estate;
    assert_eq!(e.units().len(), 3);
    let u = e.unit("3-1-1201").expect("unit");
    assert_eq!(u.gross_area.to_string(), "1234.50");
    assert_eq!(
        u.delivered_on.map(|d| d.to_string()).as_deref(),
        Some("2026-01-05")
    );
    let u = e.unit("3-1-1202").expect("unit");
    assert_eq!(
        (u.occupants, u.internal_area, u.delivered_on),
        (0, None, None)
    );
    let p = e
        .unit("3-1-1205")
        .expect("row 6, after a blank line and a row of empty cells");
    assert_eq!((p.floor, p.number.as_str()), (-1, "P\"05"));
    let m = e.meter("M1").expect("meter");
    assert_eq!(
        (m.unit_id.as_deref(), m.multiplier.to_string()),
        (None, "1000".into())
    );
    assert_eq!(m.readings[0].value.to_string(), "12345.6");
    assert_eq!(e.meter("W1").expect("meter").readings.len(), 2);
}

const BAD_UNITS: &str = "id,building_id,floor,number,kind,gross_area,internal_area,occupants,status,status_since,delivered_on\n\
3-1-1201,B3,12,1201,residential,\"1,234.50\",,0,occupied,2026/11/05,2026/1/5\n\
3-1-1202,B3,12,1202,residential,89.50,,,unsold,,\n\
3-1-1203,B3,12,1203,residential,abc,,,unsold,,\n\
3-1-1204,B3,12,1204,residential,80,,0,occupied,,2026/11/05\n\
3-1-1205,B3,12,1205,residential,80,,,delivered,05.11.2026,2026-11-05\n\
3-1-1206,B9,12,1206,house,80,,x,unsold,,\n\
3-1-1201,B3,12,1201,residential,80,,,unsold,,\n\
3-1-1208,B3,12,1208,residential,80,90,,unsold,,\n\
,B3,12,1209,residential,80,,,unsold,,\n\
3-1-1210,B3,12,1210,residential,80,,2,delivered,2026-02-01,2026-02-01\n\
3-1-1211,B3,1.5,1211,residential,\"1,23,4\",,,delivered,2026-02-30,2026-02-01\n";

const BAD_METERS: &str =
    "id,unit_id,kind,multiplier,colour\nW1,3-1-1201,water,1,red\nW2,3-1-9999,water,,\nW3,,gas,0,\n";
const BAD_READINGS: &str = "meter_id,date,value\nW1,2026/10/31,18.0\nW1,2026-09-30,10.5\nW9,2026-10-31,1\nW1,2026-11-30,\n";

#[test]
fn every_problem_at_once_by_id() {
    let err = EstateTables::from_csv(
        "e1",
        "Messy",
        BUILDINGS,
        BAD_UNITS,
        BAD_METERS,
        BAD_READINGS,
    )
    .expect("csv reads")
    .import()
    .expect_err("problems");
    let got: Vec<(String, usize, Option<String>, Option<String>, String)> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.table.clone(),
                p.row,
                p.id.clone(),
                p.column.clone(),
                p.code.clone(),
            )
        })
        .collect();
    let row = |t: &str, r: usize, id: Option<&str>, c: &str, code: &str| {
        (
            t.to_owned(),
            r,
            id.map(str::to_owned),
            Some(c.to_owned()),
            code.to_owned(),
        )
    };
    assert_eq!(
        got,
        [
            row(
                "units",
                3,
                Some("3-1-1203"),
                "gross_area",
                "invalid_decimal"
            ),
            row(
                "units",
                4,
                Some("3-1-1204"),
                "status_since",
                "missing_value"
            ),
            row("units", 5, Some("3-1-1205"), "status_since", "invalid_date"),
            row(
                "units",
                6,
                Some("3-1-1206"),
                "building_id",
                "unknown_building"
            ),
            row("units", 6, Some("3-1-1206"), "kind", "invalid_choice"),
            row("units", 6, Some("3-1-1206"), "occupants", "invalid_integer"),
            row("units", 7, Some("3-1-1201"), "id", "duplicate_id"),
            row(
                "units",
                8,
                Some("3-1-1208"),
                "internal_area",
                "internal_area_exceeds_gross"
            ),
            row("units", 9, None, "id", "missing_value"),
            row(
                "units",
                10,
                Some("3-1-1210"),
                "occupants",
                "conflicting_fields"
            ),
            row("units", 11, Some("3-1-1211"), "floor", "invalid_integer"),
            row(
                "units",
                11,
                Some("3-1-1211"),
                "gross_area",
                "invalid_decimal"
            ),
            row(
                "units",
                11,
                Some("3-1-1211"),
                "status_since",
                "invalid_date"
            ),
            row("meters", 0, None, "colour", "unknown_column"),
            row("meters", 2, Some("W2"), "unit_id", "unknown_unit"),
            row("meters", 3, Some("W3"), "multiplier", "out_of_range"),
            row(
                "readings",
                2,
                Some("W1@2026-09-30"),
                "date",
                "not_increasing"
            ),
            row(
                "readings",
                3,
                Some("W9@2026-10-31"),
                "meter_id",
                "unknown_meter"
            ),
            row(
                "readings",
                4,
                Some("W1@2026-11-30"),
                "value",
                "missing_value"
            ),
        ]
    );
    let text = |i: usize| err.problems[i].to_string();
    assert_eq!(
        text(0),
        r#"units[id=3-1-1203].gross_area (row 3): expected a number such as 1234.50 or 1,234.50, got "abc""#
    );
    assert_eq!(
        text(2),
        r#"units[id=3-1-1205].status_since (row 5): expected a date as YYYY-MM-DD or YYYY/MM/DD, got "05.11.2026""#
    );
    assert_eq!(
        text(4),
        r#"units[id=3-1-1206].kind (row 6): expected one of residential, commercial, parking, storage, got "house""#
    );
    assert_eq!(
        text(6),
        r#"units[id=3-1-1201].id (row 7): duplicate id "3-1-1201" (first in row 1)"#
    );
    assert_eq!(
        text(8),
        "units[row=9].id (row 9): id is required and the cell is empty"
    );
    assert_eq!(
        text(12),
        r#"units[id=3-1-1211].status_since (row 11): "2026-02-30" is not a calendar date (expected a date as YYYY-MM-DD or YYYY/MM/DD)"#
    );
    assert_eq!(
        text(13),
        r#"meters.colour: unknown column "colour" (first in row 1); the columns are id, unit_id, kind, multiplier"#
    );
    assert_eq!(
        text(16),
        "readings[id=W1@2026-09-30].date (row 2): readings must be in increasing date order: 2026-09-30 follows 2026-10-31"
    );
    assert_eq!(
        (err.code(), err.more, err.total()),
        ("invalid_records", 0, 19)
    );
    assert!(
        err.to_string()
            .starts_with("19 problems in the tables; units[id=3-1-1203].gross_area (row 3): ")
    );
    assert!(err.to_string().ends_with("; … and 14 more"));
}

#[test]
fn estate_level_errors_and_csv_errors() {
    let mut t = messy_ok();
    t.currency = "yuan".into();
    let err = t.import().expect_err("problems");
    assert_eq!(err.problems.len(), 1);
    assert_eq!(
        (
            err.problems[0].table.as_str(),
            err.problems[0].path.as_str()
        ),
        ("estate", "currency")
    );
    assert_eq!(err.problems[0].code, "invalid_currency");

    let err = EstateTables::from_csv("e1", "x", "id,name\nB1,\"unclosed\n", "id\n1,2\n", "", "")
        .expect_err("problems");
    let got: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        got,
        [
            "buildings[row=1] (row 1): a quoted field in row 1 is never closed",
            "units[row=1] (row 1): row 1 has 2 fields but the header has 1 columns",
        ]
    );
}

fn unit_row(i: usize) -> Row {
    let floor = 1 + i / 100 % 30;
    let cells = [
        (
            "id",
            format!(
                "{}-{}-{:02}{:02}",
                1 + i / 3000,
                1 + i / 1500 % 2,
                floor,
                i % 100
            ),
        ),
        ("building_id", format!("B{}", 1 + i / 1500 % 2)),
        ("floor", floor.to_string()),
        ("number", format!("{floor:02}{:02}", i % 100)),
        ("kind", "residential".into()),
        ("gross_area", format!("{}.{:02}", 60 + i % 90, i % 100)),
        (
            "status",
            if i % 3 == 0 { "unsold" } else { "occupied" }.into(),
        ),
        (
            "occupants",
            if i % 3 == 0 {
                "0".into()
            } else {
                (i % 5).to_string()
            },
        ),
        (
            "delivered_on",
            if i % 3 == 0 {
                String::new()
            } else {
                "2024/6/1".into()
            },
        ),
        (
            "status_since",
            if i % 3 == 0 {
                String::new()
            } else {
                "2024-06-01".into()
            },
        ),
    ];
    cells.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[test]
fn three_thousand_units_load() {
    let mut t = EstateTables::new("big", "Big");
    for b in 1..=2 {
        t.buildings.push(Row::from([
            ("id".into(), format!("B{b}")),
            ("name".into(), format!("{b}号楼")),
        ]));
    }
    t.units = (0..3000).map(unit_row).collect();
    t.meters = (0..3000)
        .map(|i| {
            Row::from([
                ("id".into(), format!("W{i}")),
                ("unit_id".into(), t.units[i]["id"].clone()),
                ("kind".into(), "water".into()),
            ])
        })
        .collect();
    for i in 0..3000 {
        for (date, value) in [("2026/10/31", 100 + i), ("2026/11/30", 110 + i)] {
            t.readings.push(Row::from([
                ("meter_id".into(), format!("W{i}")),
                ("date".into(), date.into()),
                ("value".into(), value.to_string()),
            ]));
        }
    }
    let import = t.import().expect("3,000 units load");
    let s = import.estate.summary();
    assert_eq!((s.buildings, s.units, s.meters), (2, 3000, 3000));
    // Every delivered unit's delivery date and every reading's date were rewritten.
    assert_eq!(import.normalisations.len(), 2000 + 6000);
    let u = import.estate.unit("1-2-1645").expect("unit 1645");
    assert_eq!(
        (u.floor, u.gross_area.to_string(), u.occupants),
        (16, "75.45".into(), 0)
    );
    assert_eq!(
        import.estate.meter("W2999").expect("meter").readings[1]
            .value
            .to_string(),
        "3109"
    );

    // Every unit bad: the first MAX_PROBLEMS are listed, the rest counted.
    for row in &mut t.units {
        row.insert("gross_area".into(), "n/a".into());
    }
    let err = t.import().expect_err("problems");
    assert_eq!((err.problems.len(), err.more), (MAX_PROBLEMS, 2000));
    assert_eq!(err.problems[999].row, 1000);
}

/// The demo estate written out as one CSV text per table, as a spreadsheet saves it.
fn csv_of(rows: &[Row], columns: &[&str]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = columns.join(",") + "\r\n";
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| quote(row.get(*c).map_or("", |v| v)))
            .collect();
        out += &(cells.join(",") + "\r\n");
    }
    out
}

#[test]
fn demo_estate_through_csv_is_the_demo() {
    use estatekit::tables::{BUILDING_COLUMNS, METER_COLUMNS, READING_COLUMNS, UNIT_COLUMNS};
    let demo = Estate::demo();
    let t = EstateTables::of_estate(&demo);
    let mut back = EstateTables::from_csv(
        demo.id(),
        demo.name(),
        &csv_of(&t.buildings, &BUILDING_COLUMNS),
        &csv_of(&t.units, &UNIT_COLUMNS),
        &csv_of(&t.meters, &METER_COLUMNS),
        &csv_of(&t.readings, &READING_COLUMNS),
    )
    .expect("csv reads");
    back.rounding = *demo.rounding();
    let import = back.import().expect("imports");
    assert_eq!(import.estate, demo);
    assert!(import.normalisations.is_empty());
}

/// The tables with each table's rows copied into a [`TextTable`] (as the Python
/// binding reads dicts), cell for cell and in the same column order.
fn as_text_tables(t: &EstateTables) -> [TextTable; 5] {
    use estatekit::tables::{
        BUILDING_COLUMNS, METER_CHANGE_COLUMNS, METER_COLUMNS, READING_COLUMNS, UNIT_COLUMNS,
    };
    let copy = |rows: &[Row], known: &'static [&'static str]| {
        let mut out = TextTable::new(known);
        for row in rows {
            out.start_row();
            for (k, v) in row {
                out.push_cell(k, v);
            }
        }
        out
    };
    [
        copy(&t.buildings, &BUILDING_COLUMNS),
        copy(&t.units, &UNIT_COLUMNS),
        copy(&t.meters, &METER_COLUMNS),
        copy(&t.readings, &READING_COLUMNS),
        copy(&t.meter_changes, &METER_CHANGE_COLUMNS),
    ]
}

fn import_text(
    t: &EstateTables,
) -> Result<estatekit::tables::TablesImport, estatekit::tables::TablesError> {
    let [b, u, m, r, c] = as_text_tables(t);
    EstateTables {
        id: t.id.clone(),
        name: t.name.clone(),
        currency: t.currency.clone(),
        rounding: t.rounding,
        buildings: b.rows(),
        units: u.rows(),
        meters: m.rows(),
        readings: r.rows(),
        meter_changes: c.rows(),
    }
    .import()
}

#[test]
fn text_table_rows_import_as_rows_do() {
    // Clean but messy: the same estate and the same 14 normalisations.
    let tables = messy_ok();
    let (by_row, by_text) = (
        tables.import().expect("imports"),
        import_text(&tables).expect("imports"),
    );
    assert_eq!(by_text, by_row);
    assert_eq!(by_text.normalisations.len(), by_row.normalisations.len());
    assert_eq!(
        by_text
            .estate
            .unit("3-1-1201")
            .expect("unit")
            .gross_area
            .to_string(),
        "1234.50"
    );
    // Every problem, unknown columns included, named the same way.
    let bad = EstateTables::from_csv(
        "e1",
        "Messy",
        BUILDINGS,
        BAD_UNITS,
        BAD_METERS,
        BAD_READINGS,
    )
    .expect("csv reads");
    let (e_row, e_text) = (
        bad.import().expect_err("problems"),
        import_text(&bad).expect_err("problems"),
    );
    assert_eq!(e_text, e_row);
    assert!(
        e_text
            .problems
            .iter()
            .any(|p| p.path == "meters.colour" && p.code == "unknown_column")
    );
}

#[test]
fn meter_changes_join_the_csv_tables() {
    use estatekit::estate::Meter;
    use estatekit::tables::{
        BUILDING_COLUMNS, METER_CHANGE_COLUMNS, METER_COLUMNS, READING_COLUMNS, UNIT_COLUMNS,
    };
    // A replacement on the demo estate's first meter, through CSV and back.
    let demo = Estate::demo();
    let meter: &Meter = &demo.meters()[0];
    let mut data = EstateTables::of_estate(&demo);
    let row = |cells: &[(&str, &str)]| -> Row {
        cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let last = meter.readings.last().expect("a reading");
    let day = last.date.succ_opt().expect("a next day").to_string();
    data.meter_changes.push(row(&[
        ("meter_id", meter.id.as_str()),
        ("date", day.as_str()),
        ("kind", "replacement"),
        (
            "old_final",
            &(last.value + rust_decimal::Decimal::ONE).to_string(),
        ),
        ("new_initial", "0"),
    ]));
    let expected = data.import().expect("imports").estate;
    assert_eq!(expected.meters()[0].changes.len(), 1);
    let mut tables = EstateTables::from_csv(
        demo.id(),
        demo.name(),
        &csv_of(&data.buildings, &BUILDING_COLUMNS),
        &csv_of(&data.units, &UNIT_COLUMNS),
        &csv_of(&data.meters, &METER_COLUMNS),
        &csv_of(&data.readings, &READING_COLUMNS),
    )
    .expect("csv reads");
    tables.rounding = *demo.rounding();
    tables.meter_changes = estatekit::records::csv_rows(
        "meter_changes",
        &csv_of(&data.meter_changes, &METER_CHANGE_COLUMNS),
    )
    .expect("csv reads");
    assert_eq!(tables.import().expect("imports").estate, expected);
}

/// A cell is normalised (spaces, thousands separators) but never rounded: a value with
/// more digits than a `Decimal` holds is a problem, not a silently rounded area.
#[test]
fn a_cell_too_precise_to_hold_is_a_problem() {
    let units = "id,building_id,floor,number,kind,gross_area,internal_area,occupants,status,status_since,delivered_on\n\
3-1-1201,B3,12,1201,residential,\" 89.500000000000000000000000001 \",,0,occupied,2026-11-05,2026-01-05\n";
    let err = EstateTables::from_csv(
        "e1",
        "Precise",
        BUILDINGS,
        units,
        "id,unit_id,kind,multiplier\n",
        "meter_id,date,value\n",
    )
    .expect("csv reads")
    .import()
    .expect_err("problems");
    let got: Vec<(usize, Option<String>, String, String)> = err
        .problems
        .iter()
        .map(|p| (p.row, p.column.clone(), p.code.clone(), p.message.clone()))
        .collect();
    assert_eq!(
        got,
        [(
            1,
            Some("gross_area".to_owned()),
            "invalid_decimal".to_owned(),
            "expected a number such as 1234.50 or 1,234.50, got \"89.500000000000000000000000001\""
                .to_owned()
        )]
    );
}
