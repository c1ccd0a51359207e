//! Where a sheet's read stopped. calamine says what it could not read, never where; on that error
//! (and only then) the sheet's XML is walked again to the cell after the last one read, its rows
//! and columns counted as calamine counts them, so the error names the sheet and the cell.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use calamine::XlsxError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{SheetError, cell_ref, larger_than_stated, msg, xlsx_detail};

/// The error calamine gave after reading `read` cells of `sheet`, placed at the cell after them
/// (`strings`: the workbook's shared strings, to say how many there are when a cell's index is
/// past them). Where the cell cannot be found, the sheet is named without it.
pub(super) fn stop(path: &Path, sheet: &str, read: u64, strings: u64, e: &XlsxError) -> SheetError {
    let missing_string = matches!(e, XlsxError::Unexpected(m) if m.contains("string index"));
    // A part that unpacks past its stated size is the sheet's fault, not a cell's.
    let whole = matches!(e, XlsxError::Xml(quick_xml::Error::Io(io)) if larger_than_stated(io));
    let Some(at) = find(path, sheet, read).filter(|_| !whole) else {
        return SheetError::Whole(msg::broken_workbook_because(&msg::sheet_broken(
            sheet,
            &xlsx_detail(e),
        )));
    };
    let why = match &at.shared {
        Some(index) if missing_string => msg::shared_string_missing(index, strings),
        _ => xlsx_detail(e),
    };
    SheetError::At {
        line: at.row as u64 + 1,
        column: Some(at.col as usize + 1),
        message: msg::sheet_cell_broken(sheet, &cell_ref(at.row, at.col), &why),
    }
}

/// A cell of the sheet, 0-based, and the shared string it names (`t="s"`), as written.
#[derive(Debug, PartialEq)]
struct At {
    row: u32,
    col: u32,
    shared: Option<String>,
}

fn find(path: &Path, sheet: &str, read: u64) -> Option<At> {
    let file = File::open(path).ok()?;
    let mut zip = ZipArchive::new(BufReader::new(file)).ok()?;
    let part = sheet_part(&mut zip, sheet)?;
    walk(xml(&mut zip, &part)?, read)
}

/// A part by name, as calamine finds it: `\` as `/`, in any case.
fn xml<'z, R: Read + Seek>(
    zip: &'z mut ZipArchive<R>,
    name: &str,
) -> Option<Reader<BufReader<zip::read::ZipFile<'z, R>>>> {
    let key = |n: &str| n.replace('\\', "/").to_ascii_lowercase();
    let want = key(name);
    let index = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| key(&n) == want)
    })?;
    let mut xml = Reader::from_reader(BufReader::new(zip.by_index(index).ok()?));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    Some(xml)
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key = a.key.as_ref();
        let matches = key == local || key.rsplit(':').next() == Some(local);
        matches.then(|| {
            quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// Each `Relationship` of a relationships part: its id and target, and whether its type ends so.
fn relationships<R: BufRead>(mut xml: Reader<R>) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "Relationship" => out.push((
                attr(&e, "Id").unwrap_or_default(),
                attr(&e, "Target").unwrap_or_default(),
                attr(&e, "Type").unwrap_or_default(),
            )),
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// The worksheet part of `sheet`, found as calamine finds it: the package's office document,
/// its relationships, and the `<sheet>` of that name.
fn sheet_part<R: Read + Seek>(zip: &mut ZipArchive<R>, sheet: &str) -> Option<String> {
    let document = relationships(xml(zip, "_rels/.rels")?)
        .into_iter()
        .find(|(_, _, typ)| typ.ends_with("/relationships/officeDocument"))?
        .1;
    let (dir, name) = match document.rfind('/') {
        Some(i) => document.split_at(i + 1),
        None => ("", document.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir);
    let targets = relationships(xml(zip, &format!("{dir}_rels/{name}.rels"))?);
    let mut workbook = xml(zip, &format!("{dir}{name}"))?;
    let mut buf = Vec::new();
    let id = loop {
        buf.clear();
        match workbook.read_event_into(&mut buf) {
            Ok(Event::Start(e))
                if e.local_name().as_ref() == "sheet"
                    && attr(&e, "name").as_deref() == Some(sheet) =>
            {
                break attr(&e, "id")?;
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    };
    let target = targets.into_iter().find(|(i, _, _)| *i == id)?.1;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    })
}

/// `A1` as calamine reads a cell's `r`: letters, then a 1-based row.
fn a1(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let mut col = 0u32;
    for b in r[..letters].bytes() {
        col = col
            .checked_mul(26)?
            .checked_add((b.to_ascii_uppercase() - b'A') as u32 + 1)?;
    }
    let row: u32 = r[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// Walks a sheet to its `read + 1`-th cell. An XML error on the way places the stop where the
/// walk was (calamine met the same error there).
fn walk<R: BufRead>(mut xml: Reader<R>, read: u64) -> Option<At> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    let (mut row, mut col, mut cells) = (0u32, 0u32, 0u64);
    let here = |row, col| {
        Some(At {
            row,
            col,
            shared: None,
        })
    };
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(_) => return here(row, col),
        };
        match event {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r") {
                    match r.parse::<u32>().ok().and_then(|r| r.checked_sub(1)) {
                        Some(r) => row = r,
                        // calamine stops at a row number it cannot read.
                        None => return here(row, col),
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row = row.wrapping_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let (r, c) = match attr(&e, "r") {
                    Some(r) => match a1(&r) {
                        Some(at) => at,
                        None => return here(row, col),
                    },
                    None => (row, col),
                };
                col = c;
                cells += 1;
                let shared = attr(&e, "t").as_deref() == Some("s");
                if cells > read {
                    let index = if shared { value(&mut xml) } else { None };
                    return Some(At {
                        row: r,
                        col: c,
                        shared: index,
                    });
                }
                if !skip_cell(&mut xml) {
                    return here(r, c);
                }
                col = col.wrapping_add(1);
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Reads to the cell's end; false on an XML error inside it.
fn skip_cell<R: BufRead>(xml: &mut Reader<R>) -> bool {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::End(e)) if e.local_name().as_ref() == "c" => return true,
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

/// The cell's `<v>`, trimmed (calamine reads anything but digits as index 0).
fn value<R: BufRead>(xml: &mut Reader<R>) -> Option<String> {
    let mut buf = Vec::new();
    let mut in_v = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "v" => in_v = true,
            Event::Text(t) if in_v => return Some(t.trim().to_string()),
            Event::End(e) if e.local_name().as_ref() == "c" => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(data: &str) -> Reader<&[u8]> {
        let mut xml = Reader::from_reader(data.as_bytes());
        xml.config_mut().expand_empty_elements = true;
        xml
    }

    #[test]
    fn the_cell_after_those_read_is_found_as_calamine_counts_them() {
        let data = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c><v>1</v></c></row><row><c r="B2" t="s"><v>999999999</v></c></row></sheetData></worksheet>"#;
        // The second cell has no `r`: it follows the first.
        assert_eq!(
            walk(sheet(data), 1),
            Some(At {
                row: 0,
                col: 1,
                shared: None
            })
        );
        assert_eq!(
            walk(sheet(data), 2),
            Some(At {
                row: 1,
                col: 1,
                shared: Some("999999999".into())
            })
        );
        assert_eq!(walk(sheet(data), 3), None);
    }

    #[test]
    fn an_xml_error_on_the_way_is_placed_where_the_walk_was() {
        let data = r#"<worksheet><sheetData><row r="4"><c r="C4"><v>1</v></c><c><v>2</x></c"#;
        let at = walk(sheet(data), 5).unwrap();
        assert_eq!((at.row, at.col), (3, 3));
    }

    #[test]
    fn cell_references_read_as_calamine_reads_them() {
        assert_eq!(a1("A1"), Some((0, 0)));
        assert_eq!(a1("xfd1048576"), Some((1_048_575, 16_383)));
        assert_eq!(a1("A0"), None);
        assert_eq!(a1("1"), None);
    }
}
