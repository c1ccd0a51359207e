//! Reading workbooks (xlsx, xls, ods) through calamine: the first sheet or a named one, each cell
//! as the text a CSV export would have held.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

pub struct Sheet {
    pub name: String,
    /// Rows with their 1-based row number in the sheet.
    pub rows: Vec<(u64, Vec<String>)>,
}

pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, String> {
    let mut wb = open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(want) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(want.trim()))
            .cloned()
            .ok_or_else(|| crate::text::import::no_such_sheet(want, &names))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(crate::text::import::no_sheets)?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            (
                first_row + i as u64 + 1,
                row.iter().map(cell_text).collect(),
            )
        })
        .filter(|(_, cells): &(u64, Vec<String>)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { name, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
