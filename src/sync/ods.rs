//! The extent of an ODS sheet, measured by streaming its XML before calamine reads it whole:
//! repeat counts turn a few bytes into a grid of millions of cells, so the grid is checked first.

use std::io::{BufReader, Read, Seek};

use quick_xml::Reader;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};

use super::limits::{Limit, Limits, TEXT_COPIES};
use crate::text::import as msg;

/// Attributes whose value calamine keeps with the cell (repeated with it).
const TEXT_ATTRIBUTES: [&str; 5] = [
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "table:formula",
    "office:value",
];

/// calamine's own caps on an ODS sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Extent {
    /// Rows from the first to the last with a value, repeats counted.
    pub rows: u64,
    /// Columns up to the last value of any row.
    pub columns: u64,
    /// Cells calamine stores while it reads the rows (each row element up to its last value).
    pub read: u64,
    /// Bytes of text calamine builds, each cell's as often as it is repeated: a cell's text,
    /// its value and formula attributes, and the spaces `<text:s text:c="N"/>` stands for.
    pub text: u64,
}

impl CellText {
    fn cost(&self) -> u64 {
        self.bytes.saturating_mul(self.repeats)
    }
}

impl Extent {
    /// Cells calamine holds at once: what it read, and the grid it builds of them.
    pub fn cells(&self) -> u64 {
        self.read
            .saturating_add(self.rows.saturating_mul(self.columns))
    }
}

/// An element's attributes, refused when malformed: a repeat count named twice is read one
/// way here and another by calamine, so the measured grid would not be the one it builds.
fn attributes<'a>(e: &'a BytesStart<'_>) -> Result<Vec<Attribute<'a>>, String> {
    e.attributes()
        .collect::<Result<_, _>>()
        .map_err(|err| msg::broken_workbook(&err.to_string()))
}

fn repeats(attrs: &[Attribute<'_>], name: &str) -> u64 {
    attrs
        .iter()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

fn has_attr(attrs: &[Attribute<'_>], name: &str) -> bool {
    attrs.iter().any(|a| a.key.as_ref() == name)
}

fn table_name(attrs: &[Attribute<'_>]) -> String {
    attrs
        .iter()
        .find(|a| a.key.as_ref() == "table:name")
        .map(|a| a.value.to_string())
        .unwrap_or_default()
}

/// What one cell element's text costs once calamine has read it.
#[derive(Default)]
struct CellText {
    bytes: u64,
    repeats: u64,
}

/// Measures the sheet `want` (or the first) of an ODS's `content.xml`.
pub fn measure<R: Read>(content: R, want: Option<&str>) -> Result<Extent, String> {
    let mut xml = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut ext = Extent::default();
    let mut in_target = false;
    let mut seen_target = false;
    let (mut row_pos, mut first_row, mut last_row_end) = (0u64, None::<u64>, 0u64);
    let (mut row_repeats, mut col, mut last_value) = (1u64, 0u64, 0u64);
    let mut depth_in_cell = 0u32;
    let (mut cell, mut row_text) = (CellText::default(), 0u64);
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| msg::broken_workbook(&e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                let name = table_name(&attributes(&e)?);
                in_target =
                    !seen_target && want.is_none_or(|w| name.trim().eq_ignore_ascii_case(w.trim()));
                seen_target |= in_target;
            }
            Event::End(e) if in_target && e.name().as_ref() == "table:table" => break,
            Event::Start(ref e) | Event::Empty(ref e)
                if in_target && e.name().as_ref() == "table:table-row" =>
            {
                row_repeats = repeats(&attributes(e)?, "table:number-rows-repeated")
                    .min(MAX_ROWS - row_pos.min(MAX_ROWS));
                col = 0;
                last_value = 0;
                if matches!(event, Event::Empty(_)) {
                    // `<table:table-row/>`: rows without cells, and no end tag to count them.
                    row_pos += row_repeats;
                }
            }
            Event::End(e) if in_target && e.name().as_ref() == "table:table-row" => {
                ext.text = ext
                    .text
                    .saturating_add(std::mem::take(&mut row_text).saturating_mul(row_repeats));
                if last_value > 0 {
                    first_row.get_or_insert(row_pos);
                    last_row_end = row_pos + row_repeats;
                    ext.columns = ext.columns.max(last_value);
                    ext.read = ext.read.saturating_add(last_value);
                }
                row_pos += row_repeats;
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if in_target
                    && depth_in_cell == 0
                    && matches!(
                        e.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                let attrs = attributes(e)?;
                let n = repeats(&attrs, "table:number-columns-repeated");
                col = col.saturating_add(n).min(MAX_COLUMNS);
                cell = CellText {
                    bytes: attrs
                        .iter()
                        .filter(|a| TEXT_ATTRIBUTES.contains(&a.key.as_ref()))
                        .map(|a| a.value.len() as u64)
                        .sum(),
                    repeats: n.min(MAX_COLUMNS),
                };
                // A cell with a type, or any content, may hold a value.
                if has_attr(&attrs, "office:value-type") || matches!(event, Event::Start(_)) {
                    last_value = col;
                }
                if matches!(event, Event::Start(_)) {
                    depth_in_cell = 1;
                } else {
                    row_text = row_text.saturating_add(cell.cost());
                }
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if depth_in_cell > 0 && e.name().as_ref() == "text:s" =>
            {
                let spaces = repeats(&attributes(e)?, "text:c");
                cell.bytes = cell.bytes.saturating_add(spaces);
                if matches!(event, Event::Start(_)) {
                    depth_in_cell += 1;
                }
            }
            Event::Text(ref t) if depth_in_cell > 0 => {
                cell.bytes = cell.bytes.saturating_add(t.len() as u64);
            }
            Event::GeneralRef(_) if depth_in_cell > 0 => {
                cell.bytes = cell.bytes.saturating_add(4);
            }
            Event::Start(_) if depth_in_cell > 0 => depth_in_cell += 1,
            Event::End(_) if depth_in_cell > 0 => {
                depth_in_cell -= 1;
                if depth_in_cell == 0 {
                    row_text = row_text.saturating_add(cell.cost());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(first) = first_row {
        ext.rows = last_row_end - first;
    }
    Ok(ext)
}

/// Refuses an ODS whose sheet is wider than the column limit or whose grid is over the grid
/// limit, before calamine builds it.
pub fn check<R: Read + Seek>(file: R, want: Option<&str>, limits: &Limits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(file).map_err(|e| msg::broken_zip(&e.to_string()))?;
    let content = zip
        .by_name("content.xml")
        .map_err(|e| msg::broken_workbook(&e.to_string()))?;
    let ext = measure(content, want)?;
    if ext.columns > limits.columns {
        return Err(msg::whole_file_limit(
            Limit::Columns,
            limits.columns,
            ext.columns,
            None,
        ));
    }
    if ext.cells() > limits.grid {
        return Err(msg::grid_limit(limits.grid, ext.rows, ext.columns));
    }
    if ext.text.saturating_mul(TEXT_COPIES) > limits.part {
        return Err(msg::sheet_text_limit(limits.part, ext.text, TEXT_COPIES));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"A\">{rows}</table:table>\
             <table:table table:name=\"B\"><table:table-row><table:table-cell \
             office:value-type=\"string\"><text:p>b</text:p></table:table-cell>\
             </table:table-row></table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        )
    }

    #[test]
    fn repeats_are_counted_up_to_the_last_value() {
        let rows = "<table:table-row table:number-rows-repeated=\"3\"/>\
            <table:table-row><table:table-cell table:number-columns-repeated=\"4\"/>\
            <table:table-cell office:value-type=\"float\" office:value=\"1\"/>\
            <table:table-cell table:number-columns-repeated=\"1000\"/></table:table-row>\
            <table:table-row table:number-rows-repeated=\"1000000000\">\
            <table:table-cell table:number-columns-repeated=\"99999999\" \
            office:value-type=\"string\"><text:p>x</text:p></table:table-cell>\
            </table:table-row>";
        let ext = measure(content(rows).as_bytes(), None).unwrap();
        assert_eq!(ext.columns, MAX_COLUMNS);
        assert_eq!(ext.rows, MAX_ROWS - 3);
        let b = measure(content(rows).as_bytes(), Some("b")).unwrap();
        assert_eq!(
            b,
            Extent {
                rows: 1,
                columns: 1,
                read: 1,
                text: 1
            }
        );
    }

    #[test]
    fn text_is_counted_as_often_as_its_cell_and_row_repeat() {
        let rows = "<table:table-row table:number-rows-repeated=\"3\">\
            <table:table-cell table:number-columns-repeated=\"5\" office:value-type=\"string\">\
            <text:p>abcd<text:s text:c=\"6\"/>&amp;</text:p></table:table-cell>\
            <table:table-cell office:value-type=\"string\" office:string-value=\"xy\"/>\
            </table:table-row>";
        let ext = measure(content(rows).as_bytes(), None).unwrap();
        // (4 letters + 6 spaces + an entity counted as 4) × 5 columns + 2, in 3 rows.
        assert_eq!(ext.text, (14 * 5 + 2) * 3);
        let bomb = "<table:table-row><table:table-cell office:value-type=\"string\">\
            <text:p><text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row>";
        assert_eq!(
            measure(content(bomb).as_bytes(), None).unwrap().text,
            1_000_000_000
        );
    }

    #[test]
    fn a_repeat_count_named_twice_is_refused_not_read_one_way() {
        // Found by the hostile-import property: this guard read "0", calamine the 11 million.
        let rows = "<table:table-row><table:table-cell table:number-columns-repeated=\"0\" \
            table:number-columns-repeated=\"11048576\" office:value-type=\"string\">\
            <text:p>x</text:p></table:table-cell></table:table-row>";
        let err = measure(content(rows).as_bytes(), None).unwrap_err();
        assert!(err.contains("duplicated attribute"), "{err}");
        let rows = "<table:table-row table:number-rows-repeated=\"1\" \
            table:number-rows-repeated=\"1000000\"><table:table-cell \
            office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>";
        assert!(measure(content(rows).as_bytes(), None).is_err());
    }
}
