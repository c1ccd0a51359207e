//! What kind of file an export is and which text encoding it uses, decided from its first bytes;
//! and a reader that turns the rest into UTF-8 as it streams.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, KOI8_R, UTF_8, WINDOWS_1251};

use super::markup;

pub use crate::domain::import_report::Reason;

/// How many bytes are looked at to decide.
pub const SNIFF_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    /// ZIP container (xlsx, ods) or OLE2 (old xls).
    Workbook,
    /// An HTML table saved as `.xls` (Bitrix24's "Export to Excel").
    HtmlTable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SniffError {
    Empty,
    /// A NUL byte at this offset in a file without a UTF-16 byte-order mark.
    Binary(usize),
    /// An Excel 2003 XML spreadsheet (SpreadsheetML), which no reader of okk's reads.
    XmlWorkbook,
}

pub fn file_kind(head: &[u8]) -> Result<FileKind, SniffError> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(FileKind::Workbook);
    }
    let bom16 = Encoding::for_bom(head).filter(|(e, _)| *e != UTF_8);
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SniffError::Empty);
    }
    let opening = match bom16 {
        // Its markup read as the BOM says, the prefix the walk looks at.
        Some((encoding, bom_len)) => {
            let end = head.len().min(bom_len + 2 * markup::PREFIX);
            let (text, _) = encoding.decode_without_bom_handling(&head[bom_len..end]);
            markup::opening(text.as_bytes())
        }
        None => {
            if let Some(pos) = head.iter().position(|&b| b == 0)
                && !stray_nuls(head)
            {
                return Err(SniffError::Binary(pos));
            }
            markup::opening(body)
        }
    };
    match opening {
        markup::Opening::Html => Ok(FileKind::HtmlTable),
        markup::Opening::XmlWorkbook => Err(SniffError::XmlWorkbook),
        markup::Opening::Text => Ok(FileKind::Text),
    }
}

/// Text but for a few NUL bytes: no other control byte than tab and line ends, and NULs
/// rare. The CSV reader then names the NUL's line and field, which an offset into a
/// binary file could not; a picture, a PDF or UTF-16 without its BOM stays binary.
fn stray_nuls(head: &[u8]) -> bool {
    let mut nuls = 0;
    for &b in head {
        match b {
            0 => nuls += 1,
            b'\t' | b'\n' | b'\r' => {}
            b if b < 0x20 || b == 0x7F => return false,
            _ => {}
        }
    }
    nuls * 16 <= head.len()
}

/// The encoding chosen and why.
#[derive(Debug, Clone, Copy)]
pub struct Chosen {
    pub encoding: &'static Encoding,
    pub bom_len: usize,
    pub reason: Reason,
}

impl Chosen {
    /// The name reported to the user (`UTF-8`, `UTF-8 (BOM)`, `windows-1251`, `KOI8-R`, …).
    pub fn label(&self) -> String {
        if self.encoding == UTF_8 && self.bom_len > 0 {
            "UTF-8 (BOM)".into()
        } else {
            self.encoding.name().to_string()
        }
    }
}

/// Looks up `--encoding NAME` (WHATWG labels: `utf-8`, `cp1251`, `windows-1251`, `koi8-r`, …).
pub fn forced(label: &str, head: &[u8]) -> Option<Chosen> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    let bom_len = match Encoding::for_bom(head) {
        Some((e, n)) if e == encoding => n,
        _ => 0,
    };
    Some(Chosen {
        encoding,
        bom_len,
        reason: Reason::Forced,
    })
}

/// Decides the encoding of a text file from its first bytes: a BOM if there is one, else UTF-8
/// if the bytes are valid UTF-8, else the Cyrillic single-byte encoding that reads most like
/// Russian (windows-1251 or KOI8-R).
pub fn sniff(head: &[u8], whole_file_in_head: bool) -> Chosen {
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return Chosen {
            encoding,
            bom_len,
            reason: Reason::Bom,
        };
    }
    if valid_utf8_prefix(head, whole_file_in_head) {
        return Chosen {
            encoding: UTF_8,
            bom_len: 0,
            reason: Reason::ValidUtf8,
        };
    }
    let Census {
        good,
        good_before_bad,
        bad,
        first_bad,
    } = utf8_census(head);
    // Cyrillic code pages almost never form a valid UTF-8 sequence (their letters are all
    // lead bytes), so many valid sequences and a few bad bytes mean UTF-8 with a flaw. So do
    // real UTF-8 letters before the first bad byte, however many bad ones follow (a word
    // pasted in from a windows-1251 file): in a code page two Cyrillic letters in a row are
    // already invalid UTF-8, so its first bad byte comes at its first word.
    if (good >= 16 && bad * 50 <= good) || good_before_bad >= UTF8_LETTERS_BEFORE_BAD {
        return Chosen {
            encoding: UTF_8,
            bom_len: 0,
            reason: Reason::MostlyUtf8,
        };
    }
    let line = head[..first_bad].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(head, whole_file_in_head);
    let guess = det.guess(None, chardetng::Utf8Detection::Deny);
    // KOI8-U is chardetng's name for the KOI8 family; Russian text in it is KOI8-R.
    let encoding = if guess == encoding_rs::KOI8_U || guess == KOI8_R {
        KOI8_R
    } else if guess == encoding_rs::IBM866 || guess == encoding_rs::ISO_8859_5 {
        guess
    } else {
        WINDOWS_1251
    };
    Chosen {
        encoding,
        bom_len: 0,
        reason: Reason::Guessed { line },
    }
}

/// Valid multi-byte UTF-8 characters before a file's first bad byte that make it UTF-8 with a
/// flaw. A code page's text makes one now and then (windows-1251 «Пё» is valid UTF-8), never
/// several before its first invalid pair; a header of one Cyrillic word has this many.
const UTF8_LETTERS_BEFORE_BAD: usize = 8;

/// What [`utf8_census`] counts.
struct Census {
    /// Multi-byte UTF-8 characters (a sequence cut off by the end of the sample is none).
    good: usize,
    /// Those of them before the first invalid sequence.
    good_before_bad: usize,
    /// Invalid sequences.
    bad: usize,
    /// The offset of the first invalid sequence (the sample's length when there is none).
    first_bad: usize,
}

fn utf8_census(head: &[u8]) -> Census {
    let (mut good, mut bad, mut first_bad) = (0, 0, head.len());
    let mut good_before_bad = 0;
    let mut rest = head;
    let mut offset = 0;
    loop {
        let (valid, error) = match std::str::from_utf8(rest) {
            Ok(s) => (s, None),
            Err(e) => (
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                Some(e),
            ),
        };
        good += valid.chars().filter(|c| !c.is_ascii()).count();
        let Some(e) = error else { break };
        let Some(len) = e.error_len() else { break };
        if bad == 0 {
            first_bad = offset + e.valid_up_to();
            good_before_bad = good;
        }
        bad += 1;
        offset += e.valid_up_to() + len;
        rest = &rest[e.valid_up_to() + len..];
    }
    if bad == 0 {
        good_before_bad = good;
    }
    Census {
        good,
        good_before_bad,
        bad,
        first_bad,
    }
}

/// Valid UTF-8, allowing a multi-byte character cut off by the end of the sample.
fn valid_utf8_prefix(head: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// Streams bytes in `encoding` out as UTF-8. UTF-8 input passes through unchanged (it is checked
/// field by field later, where the line and column of a bad byte are known); other encodings are
/// decoded strictly, and a malformed sequence is an error with its byte offset.
pub struct Utf8Reader<R> {
    inner: R,
    decoder: Option<Decoder>,
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    consumed: u64,
}

impl<R: Read> Utf8Reader<R> {
    /// `inner` must already be past the BOM.
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        let decoder = (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        Utf8Reader {
            inner,
            decoder,
            inbuf: vec![0; 64 * 1024],
            in_start: 0,
            in_end: 0,
            eof: false,
            consumed: 0,
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            return self.inner.read(out);
        };
        loop {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.inbuf)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            if out.len() < 4 {
                // The decoder needs room for one whole character.
                let mut tmp = [0u8; 4];
                let n = self.read(&mut tmp)?;
                let k = n.min(out.len());
                out[..k].copy_from_slice(&tmp[..k]);
                return Ok(k);
            }
            let input = &self.inbuf[self.in_start..self.in_end];
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(input, out, self.eof);
            self.in_start += read;
            self.consumed += read as u64;
            match result {
                DecoderResult::Malformed(bad, _) => {
                    let at = self.consumed - bad as u64;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, MalformedAt(at)));
                }
                DecoderResult::OutputFull | DecoderResult::InputEmpty => {
                    if written > 0 || self.eof {
                        return Ok(written);
                    }
                }
            }
        }
    }
}

/// A byte sequence the chosen encoding cannot decode, at this offset after the BOM.
#[derive(Debug, Clone, Copy)]
pub struct MalformedAt(pub u64);

// What a user reads is `text::import::undecodable`, chosen by the importer that catches this;
// the formats layer sits below the strings layer, so this is only the developer's form.
impl std::fmt::Display for MalformedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed input at byte {}", self.0)
    }
}
impl std::error::Error for MalformedAt {}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16BE, UTF_16LE};

    #[test]
    fn boms_are_honoured() {
        assert_eq!(sniff(b"\xEF\xBB\xBFID", false).encoding, UTF_8);
        assert_eq!(sniff(b"\xFF\xFEI\0D\0", false).encoding, UTF_16LE);
        assert_eq!(sniff(b"\xFE\xFF\0I\0D", false).encoding, UTF_16BE);
    }

    #[test]
    fn cp1251_and_koi8r_are_told_apart() {
        let text = "ID;Название сделки;Этап сделки\n1;Квартира в новостройке для семьи;Встреча проведена\n2;Покупка апартаментов;Первичный контакт\n";
        let (cp, _, _) = WINDOWS_1251.encode(text);
        let (koi, _, _) = KOI8_R.encode(text);
        assert_eq!(sniff(&cp, true).encoding, WINDOWS_1251);
        assert_eq!(sniff(&koi, true).encoding, KOI8_R);
        assert_eq!(sniff(text.as_bytes(), true).encoding, UTF_8);
    }

    #[test]
    fn utf8_with_one_bad_byte_stays_utf8_and_cp1251_says_where_it_broke() {
        let text = "ID;Название сделки;Этап сделки\n".to_string()
            + &"1;Квартира в новостройке;Встреча\n".repeat(5);
        let mut bytes = text.as_bytes().to_vec();
        let at = bytes.len() - 5;
        bytes[at] = 0xFF;
        let chosen = sniff(&bytes, true);
        assert_eq!(chosen.encoding, UTF_8);
        assert_eq!(chosen.reason, Reason::MostlyUtf8);
        let (cp, _, _) = WINDOWS_1251.encode(&text);
        let chosen = sniff(&cp, true);
        assert_eq!(chosen.encoding, WINDOWS_1251);
        assert_eq!(chosen.reason, Reason::Guessed { line: 1 });
    }

    #[test]
    fn utf8_with_a_cp1251_word_stays_utf8_but_a_cp1251_file_with_a_valid_pair_does_not() {
        let mut bytes = "ID,Название сделки,Этап сделки\r\n1,Сделка,"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(&WINDOWS_1251.encode("привет пока").0);
        bytes.extend_from_slice(b"\r\n");
        let chosen = sniff(&bytes, true);
        assert_eq!(chosen.encoding, UTF_8);
        assert_eq!(chosen.reason, Reason::MostlyUtf8);
        // «Пё» and «Фё» in windows-1251 are valid two-byte UTF-8; the letters after them are not.
        let text = "Record ID,Deal Name,Deal Stage\n1,Пётр Фёдоров,Квалификация\n";
        let (cp, _, _) = WINDOWS_1251.encode(text);
        assert_eq!(sniff(&cp, true).encoding, WINDOWS_1251);
        let (koi, _, _) = KOI8_R.encode(text);
        assert_eq!(sniff(&koi, true).encoding, KOI8_R);
    }

    #[test]
    fn utf8_cut_mid_character_is_still_utf8() {
        let s = "Этап".as_bytes();
        assert_eq!(sniff(&s[..3], false).encoding, UTF_8);
    }

    #[test]
    fn kinds() {
        assert_eq!(file_kind(b"PK\x03\x04rest"), Ok(FileKind::Workbook));
        assert_eq!(file_kind(b"  \n"), Err(SniffError::Empty));
        assert_eq!(file_kind(b""), Err(SniffError::Empty));
        assert_eq!(file_kind(b"ab\0cd"), Err(SniffError::Binary(2)));
        assert_eq!(file_kind(b"I\0D\0,\0N\0\n\0"), Err(SniffError::Binary(1)));
        let stray = "ID,Name\n1,a\0b\n2,Some longer text to read\n";
        assert_eq!(file_kind(stray.as_bytes()), Ok(FileKind::Text));
        assert_eq!(
            file_kind(b"<html><meta charset=utf-8><table>"),
            Ok(FileKind::HtmlTable)
        );
        assert_eq!(file_kind(b"ID,Name\n"), Ok(FileKind::Text));
    }

    /// Bitrix24's HTML export is told however it opens (a BOM, white space, a comment, an
    /// `<?xml?>` declaration, a `<style>`), in UTF-16 with its BOM too; an Excel 2003 XML
    /// workbook is told apart; a CSV whose header starts with `<` stays text.
    #[test]
    fn an_html_table_is_told_past_what_it_opens_with() {
        for start in [
            "<style>td{}</style>\n<table border=\"1\">",
            "<!-- export -->\n<table border=\"1\">",
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<table border=\"1\">",
            "\u{feff}\r\n  <!-- a --> <style>td{}</style><table>",
            "\n\n  <table border=\"1\">",
        ] {
            assert_eq!(
                file_kind(start.as_bytes()),
                Ok(FileKind::HtmlTable),
                "{start}"
            );
        }
        let mut le = vec![0xFF, 0xFE];
        for u in "<!-- x --><table>".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(file_kind(&le), Ok(FileKind::HtmlTable));
        assert_eq!(
            file_kind(b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            Err(SniffError::XmlWorkbook)
        );
        assert_eq!(file_kind(b"<ID>,Name\n1,a\n"), Ok(FileKind::Text));
    }

    #[test]
    fn decoding_reader_transcodes_cp1251() {
        let (bytes, _, _) = WINDOWS_1251.encode("Этап;Сделка\n");
        let mut r = Utf8Reader::new(&bytes[..], WINDOWS_1251);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "Этап;Сделка\n");
    }
}
