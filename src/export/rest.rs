//! REST calls as JSON lines, for a CRM whose file import cannot update records (Bitrix24): one
//! `{"method":..,"params":{"id":..,"fields":{..}}}` per line, ready for a batch runner. JSON is
//! never opened as a spreadsheet, so its text is written as is.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::cell::Cell;
use super::crm::Sheet;

/// Writes one `method` call per row of `sheet`: its first column is the record id, the other
/// headers are the API's field codes; empty cells are left out of `fields`.
pub fn write_lines(out: &mut (impl Write + ?Sized), method: &str, sheet: &Sheet) -> io::Result<()> {
    for row in &sheet.rows {
        let mut cells = sheet.headers.iter().zip(row);
        let id = match cells.next() {
            Some((_, Cell::Text(id))) => match id.parse::<u64>() {
                Ok(n) => json!(n),
                Err(_) => json!(id),
            },
            _ => continue,
        };
        let mut fields = Map::new();
        for (header, cell) in cells {
            if let Some(v) = value(cell) {
                fields.insert(header.clone(), v);
            }
        }
        let call = json!({ "method": method, "params": { "id": id, "fields": fields } });
        writeln!(out, "{call}")?;
    }
    Ok(())
}

fn value(cell: &Cell) -> Option<Value> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(json!(t)),
        // Whole amounts as integers: `100000`, not `100000.0`.
        Cell::Number(v) if v.fract() == 0.0 && v.abs() < 9e15 => Some(json!(*v as i64)),
        Cell::Number(v) => serde_json::Number::from_f64(*v).map(Value::Number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_per_row_with_empty_cells_left_out() {
        let sheet = Sheet {
            headers: vec!["ID".into(), "STAGE_ID".into(), "OPPORTUNITY".into()],
            rows: vec![
                vec![
                    Cell::text("501"),
                    Cell::text("=Сделка"),
                    Cell::Number(250000.5),
                ],
                vec![Cell::text("a-7"), Cell::Empty, Cell::Number(100000.0)],
            ],
            warnings: Vec::new(),
            unmapped_owners: Vec::new(),
            learned_owners: Vec::new(),
        };
        let mut out = Vec::new();
        write_lines(&mut out, "crm.deal.update", &sheet).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"method\":\"crm.deal.update\",\"params\":{\"id\":501,\"fields\":\
             {\"STAGE_ID\":\"=Сделка\",\"OPPORTUNITY\":250000.5}}}\n\
             {\"method\":\"crm.deal.update\",\"params\":{\"id\":\"a-7\",\"fields\":\
             {\"OPPORTUNITY\":100000}}}\n"
        );
    }
}
