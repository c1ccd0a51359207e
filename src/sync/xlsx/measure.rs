//! What the parts calamine reads whole when it opens an xlsx (or an xlsb: its shared strings)
//! will cost in memory, found by reading them first with a parser that keeps nothing: the shared
//! strings (calamine reserves a table by the count `uniqueCount` claims, then holds a `String`
//! per `<si>`), the styles (a struct of some 200 bytes per `<xf/>` of five), the workbook and its
//! relationships. Each part is held to the `part` limit as memory, not only as XML: a 5-byte
//! `<si/>` costs 24 bytes in a table that doubles as it grows, so a part within `part` as XML
//! could take several times `part` once read.
//!
//! The figures are upper bounds of calamine's own allocations (its code, 0.38): what a string,
//! a style or a relationship costs there, each text in an allocation of its own, rounded up as
//! the allocator (mimalloc) rounds it, and each table as it grows: by doubling, the old table
//! alive beside the new while it is copied over.

use std::io::{BufReader, Read, Seek};
use std::mem::size_of;

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

use super::{Limits, msg, xml_detail};

/// A slot of calamine's shared-strings table.
const SLOT: u64 = size_of::<String>() as u64;

/// The shortest shared string a part can hold: `<si/>`.
const SHORTEST_SI: u64 = 5;

/// The parts measured, by their file name (calamine finds them through the package's
/// relationships, with any folder and in any case: every part so named is measured).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SharedStrings,
    /// An xlsb's shared strings: records, a string each.
    SharedStringsBin,
    Styles,
    Workbook,
    Relationships,
}

fn kind(name: &str) -> Option<Kind> {
    let name = name.replace('\\', "/").to_ascii_lowercase();
    let file = name.rsplit('/').next().unwrap_or(&name);
    match file {
        "sharedstrings.xml" => Some(Kind::SharedStrings),
        "sharedstrings.bin" => Some(Kind::SharedStringsBin),
        "styles.xml" => Some(Kind::Styles),
        "workbook.xml" => Some(Kind::Workbook),
        _ if file.ends_with(".rels") => Some(Kind::Relationships),
        _ => None,
    }
}

/// Measures every part calamine reads whole when it opens an xlsx or an xlsb. Returns how many
/// shared strings the workbook has (calamine's count: a cell's index past it is named with it).
pub(super) fn parts<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<u64, String> {
    let mut strings = 0;
    for i in 0..zip.len() {
        let Some(Ok(name)) = zip.name_for_index(i) else {
            continue;
        };
        let name = name.into_owned();
        let Some(kind) = kind(&name) else {
            continue;
        };
        let part = zip
            .by_index(i)
            .map_err(|e| msg::broken_zip(&e.to_string()))?;
        let size = part.size();
        if kind == Kind::SharedStringsBin {
            strings = strings.max(shared_strings_bin(BufReader::new(part), &name, limits)?);
            continue;
        }
        let mut xml = Reader::from_reader(BufReader::new(part));
        // As calamine reads it: `<si/>` is a string as `<si></si>` is.
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        match kind {
            Kind::SharedStrings => {
                strings = strings.max(shared_strings(&mut xml, &name, size, limits)?);
            }
            _ => records(&mut xml, kind, &name, limits)?,
        }
    }
    Ok(strings)
}

/// The largest `uniqueCount` the start tag holds, as calamine's reader would parse it (digits,
/// leading zeros skipped, in quotes), and `u64::MAX` for digits no `usize` holds (calamine then
/// reserves nothing, but the claim is still a lie), with its digits as written. Each attribute
/// so named counts: parsers disagree on which of two wins.
fn claimed(tag: &[u8]) -> Option<(u64, String)> {
    const NAME: &[u8] = b"uniqueCount";
    let mut best: Option<(u64, String)> = None;
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&tag[at..], NAME) {
        let mut j = at + i + NAME.len();
        at = j;
        let skip = |j: &mut usize| {
            while tag.get(*j).is_some_and(u8::is_ascii_whitespace) {
                *j += 1;
            }
        };
        skip(&mut j);
        if tag.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        skip(&mut j);
        let Some(&quote @ (b'"' | b'\'')) = tag.get(j) else {
            continue;
        };
        let start = j + 1;
        let len = tag[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if len == 0 || tag.get(start + len) != Some(&quote) {
            continue;
        }
        let digits = &tag[start..start + len];
        let value = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<u64>().ok())
            .unwrap_or(u64::MAX);
        if best.as_ref().is_none_or(|(b, _)| value > *b) {
            best = Some((value, String::from_utf8_lossy(digits).into_owned()));
        }
    }
    best
}

/// The memory an allocation of `n` bytes takes: mimalloc's size classes are at most an eighth
/// apart, the smallest 8 bytes (rounded up further here: a bound, not a model).
fn alloc(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        (n.saturating_add(7) & !7).saturating_add(n / 8).max(16)
    }
}

/// What calamine's shared strings will take, as the part is read.
#[derive(Default)]
struct Strings {
    count: u64,
    /// Slots of the table: reserved by the claim, doubled as pushes pass it; and those of the
    /// table before the last doubling, copied over to the new one while both are held.
    slots: u64,
    before: u64,
    /// The strings read whole: their allocations.
    heap: u64,
    /// The string being read, and whether it has runs (rich text, built by appending: its
    /// allocation may be twice its text).
    open: bool,
    text: u64,
    rich: bool,
    /// The longest text: calamine's read buffers keep it, twice over.
    longest: u64,
}

impl Strings {
    fn start(&mut self) {
        self.close();
        self.open = true;
        self.count += 1;
        if self.count > self.slots {
            self.before = self.slots;
            self.slots = self.slots.saturating_mul(2).max(self.count).max(4);
        }
    }

    fn close(&mut self) {
        if self.open {
            self.heap = self.heap.saturating_add(self.own());
            self.open = false;
            self.text = 0;
            self.rich = false;
        }
    }

    fn text(&mut self, n: u64) {
        if self.open {
            self.text = self.text.saturating_add(n);
            self.longest = self.longest.max(self.text);
        }
    }

    fn own(&self) -> u64 {
        alloc(if self.rich {
            self.text.saturating_mul(2)
        } else {
            self.text
        })
    }

    fn need(&self) -> u64 {
        let open = if self.open { self.own() } else { 0 };
        SLOT.saturating_mul(self.slots.saturating_add(self.before))
            .saturating_add(self.heap)
            .saturating_add(open)
            .saturating_add(self.longest.saturating_mul(2))
    }
}

fn shared_strings<R: std::io::BufRead>(
    xml: &mut Reader<R>,
    name: &str,
    size: u64,
    limits: &Limits,
) -> Result<u64, String> {
    let mut buf = Vec::new();
    let mut strings = Strings::default();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                if let Some((claim, written)) = claimed(e.attributes_raw().as_bytes()) {
                    let most = size / SHORTEST_SI;
                    if claim > most {
                        return Err(msg::shared_strings_claim_too_many(
                            name, &written, size, most,
                        ));
                    }
                    let need = SLOT.saturating_mul(claim);
                    if need > limits.part {
                        return Err(msg::shared_strings_claim_limit(
                            name,
                            claim,
                            SLOT,
                            need,
                            limits.part,
                        ));
                    }
                    strings.slots = claim;
                }
                break;
            }
            // calamine says what is missing.
            Ok(Event::Eof) => return Ok(0),
            Err(e) => return Err(broken(name, &e)),
            _ => {}
        }
    }
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "si" => strings.start(),
                "r" => strings.rich = true,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "si" => strings.close(),
                // calamine stops reading here.
                "sst" => break,
                _ => {}
            },
            Ok(Event::Text(t)) => strings.text(t.len() as u64),
            Ok(Event::CData(t)) => strings.text(t.len() as u64),
            // A reference stands for one character: four bytes at most.
            Ok(Event::GeneralRef(_)) => strings.text(4),
            Ok(Event::Eof) => break,
            Err(e) => return Err(broken(name, &e)),
            _ => {}
        }
        if strings.need() > limits.part {
            return Err(msg::shared_strings_limit(
                name,
                strings.count,
                SLOT,
                strings.need(),
                limits.part,
            ));
        }
    }
    Ok(strings.count)
}

/// A table that grows by doubling holds up to twice its entries, and while it is copied to the
/// next size the old one too: three times its entries at the peak.
const GROWTH: u64 = 3;

/// An xlsb's shared strings: a record per string (type 0x13), its UTF-16 text at most half as
/// long again once calamine holds it as UTF-8. calamine reserves nothing by the count the part
/// begins with, so only the records read count.
fn shared_strings_bin<R: Read>(mut part: R, name: &str, limits: &Limits) -> Result<u64, String> {
    const STRING: u64 = 0x13;
    fn byte(part: &mut impl Read) -> Option<u8> {
        let mut b = [0u8];
        part.read_exact(&mut b).ok().map(|_| b[0])
    }
    let mut strings = Strings::default();
    // As calamine reads a record: a type of one or two bytes, a size of up to four.
    while let Some(b) = byte(&mut part) {
        let typ = if b & 0x80 != 0 {
            let Some(hi) = byte(&mut part) else { break };
            (b & 0x7F) as u64 + (((hi & 0x7F) as u64) << 7)
        } else {
            b as u64
        };
        let mut size = 0u64;
        for i in 0..4 {
            let Some(b) = byte(&mut part) else {
                return Ok(strings.count);
            };
            size += ((b & 0x7F) as u64) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        if typ == STRING {
            strings.start();
            strings.text(size + size / 2);
            strings.close();
        }
        let skipped = std::io::copy(&mut (&mut part).take(size), &mut std::io::sink()).unwrap_or(0);
        if strings.need() > limits.part {
            return Err(msg::shared_strings_limit(
                name,
                strings.count,
                SLOT,
                strings.need(),
                limits.part,
            ));
        }
        if skipped < size {
            break;
        }
    }
    Ok(strings.count)
}

/// What one record of a part read whole costs calamine: its entry in a table, and the strings
/// it copies (each at most as long as the longest tag of the part).
fn record_cost(kind: Kind, local: &str) -> Option<(u64, u64)> {
    let string = size_of::<String>() as u64;
    Some(match (kind, local) {
        // A style (and its number format's kind) clones its font's name and its format's code.
        (Kind::Styles, "xf") => (size_of::<calamine::Style>() as u64 + 1, 2),
        (Kind::Styles, "font") => (size_of::<calamine::Font>() as u64, 1),
        (Kind::Styles, "fill") => (size_of::<calamine::Fill>() as u64, 0),
        (Kind::Styles, "border") => (size_of::<calamine::Borders>() as u64, 0),
        // A number format's id and code, in a map.
        (Kind::Styles, "numFmt") => (2 * string + 8, 2),
        (Kind::Workbook, "sheet") => (size_of::<calamine::Sheet>() as u64 + 2 * string, 3),
        (Kind::Workbook, "definedName") => (2 * string, 2),
        (Kind::Relationships, "Relationship") => (3 * string + 8, 3),
        _ => return None,
    })
}

/// Styles, the workbook, relationships: records counted as they come, with the longest tag
/// seen (what a string copied from one may take) and text kept (a defined name's formula).
fn records<R: std::io::BufRead>(
    xml: &mut Reader<R>,
    kind: Kind,
    name: &str,
    limits: &Limits,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let (mut count, mut fixed, mut copies, mut longest, mut text) = (0u64, 0u64, 0u64, 0u64, 0u64);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                longest = longest.max(e.len() as u64);
                if let Some((bytes, strings)) = record_cost(kind, e.local_name().as_ref()) {
                    count += 1;
                    fixed = fixed.saturating_add(GROWTH * bytes);
                    copies = copies.saturating_add(strings);
                }
            }
            Ok(Event::Text(t)) if kind == Kind::Workbook => {
                text = text.saturating_add(alloc(2 * t.len() as u64));
            }
            Ok(Event::Eof) => return Ok(()),
            // calamine says what is wrong, and where it matters.
            Err(_) => return Ok(()),
            _ => {}
        }
        let need = fixed
            .saturating_add(copies.saturating_mul(alloc(longest)))
            .saturating_add(text);
        if need > limits.part {
            return Err(msg::records_limit(name, count, need, limits.part));
        }
    }
}

/// A part whose XML does not parse, or that unpacks past its stated size.
fn broken(name: &str, e: &quick_xml::Error) -> String {
    msg::broken_workbook_because(&msg::part_broken(name, &xml_detail(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_read_as_calamine_parses_it_and_the_largest_counts() {
        let claim = |t: &str| claimed(t.as_bytes()).map(|c| c.0);
        assert_eq!(
            claim(r#"count="1" uniqueCount="17592186044416""#),
            Some(1 << 44)
        );
        assert_eq!(claim(r#"uniqueCount = '007'"#), Some(7));
        assert_eq!(
            claim(r#"uniqueCount="18446744073709551616""#),
            Some(u64::MAX)
        );
        assert_eq!(claim(r#"uniqueCount="5" uniqueCount="9""#), Some(9));
        // calamine reserves nothing for these.
        assert_eq!(claim(r#"uniqueCount="+5""#), None);
        assert_eq!(claim(r#"uniqueCount="5 ""#), None);
        assert_eq!(claim(r#"count="5""#), None);
    }

    #[test]
    fn a_string_costs_its_slot_its_text_and_the_table_doubles_past_the_claim() {
        let mut s = Strings {
            slots: 2,
            ..Strings::default()
        };
        for _ in 0..3 {
            s.start();
            s.text(1);
        }
        s.close();
        assert_eq!(s.slots, 4);
        // Four slots and the two copied from, three 16-byte allocations, the longest text twice
        // in the read buffers.
        assert_eq!(s.need(), (4 + 2) * SLOT + 3 * 16 + 2);
        let mut empty = Strings::default();
        empty.start();
        empty.close();
        assert_eq!(empty.need(), 4 * SLOT);
        // A claim that holds reserves the table once: nothing is copied.
        let mut claimed = Strings {
            slots: 3,
            ..Strings::default()
        };
        for _ in 0..3 {
            claimed.start();
        }
        claimed.close();
        assert_eq!(claimed.need(), 3 * SLOT);
    }
}
