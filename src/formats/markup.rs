//! Whether a text file opens as markup, and which: an HTML document (Bitrix24's "Export to
//! Excel" names one `.xls`) or an Excel 2003 XML workbook; read from a bounded prefix.
//!
//! An export may open with anything a browser skips before the table: a byte-order mark, white
//! space, comments, an `<?xml …?>` declaration, a doctype, `<style>` or `<head>`. Only the
//! prefix is walked, so a comment that never ends costs nothing.

/// Bytes of a file's start walked for its first element.
pub const PREFIX: usize = 4096;

/// What a file's start says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// HTML: an HTML element first, or markup (comment, declaration, doctype) before anything.
    Html,
    /// An Excel 2003 XML spreadsheet (SpreadsheetML): `<Workbook>` first.
    XmlWorkbook,
    /// Not markup: a CSV (whose first header may well start with `<`).
    Text,
}

/// Elements an HTML export opens with (a CSV's first header is none of these, however it
/// starts): the document's own, the table's, and the formatting an editor saved around it.
const HTML_FIRST: &[&str] = &[
    "html", "head", "body", "meta", "title", "style", "link", "base", "script", "table", "thead",
    "tbody", "tr", "colgroup", "caption", "div", "p", "center", "font", "h1", "h2", "h3", "h4",
];

/// What `text` (the file's first bytes, after any byte-order mark, in an ASCII-compatible
/// encoding) opens with; only the first [`PREFIX`] bytes after its leading white space are
/// looked at.
pub fn opening(text: &[u8]) -> Opening {
    let text = trim_start(text);
    let mut s = &text[..text.len().min(PREFIX)];
    // Markup seen before the first element: a comment, a declaration, a doctype.
    let mut markup = false;
    loop {
        s = trim_start(s);
        let rest = if let Some(r) = s.strip_prefix(b"<!--") {
            find(r, b"-->").map(|i| &r[i + 3..])
        } else if s.starts_with(b"<?") || s.starts_with(b"<!") {
            // A declaration or a doctype ends at its first `>`, as the HTML tokenizer reads it.
            find(s, b">").map(|i| &s[i + 1..])
        } else if let Some(name) = element(s) {
            let name = name.to_ascii_lowercase();
            return if name == b"workbook" || name.ends_with(b":workbook") {
                Opening::XmlWorkbook
            } else if markup || HTML_FIRST.iter().any(|h| name == h.as_bytes()) {
                Opening::Html
            } else {
                Opening::Text
            };
        } else {
            // Text before any element (or the prefix ended): markup before it makes it HTML,
            // whose text outside a table is no cell's.
            return if markup { Opening::Html } else { Opening::Text };
        };
        match rest {
            Some(r) => {
                markup = true;
                s = r;
            }
            // Still inside the comment or declaration the file opens with when the prefix ends.
            None => return Opening::Html,
        }
    }
}

/// `<name` at the start: the element's name (letters, digits, `:`, `-`, `_`), which starts with
/// a letter.
fn element(s: &[u8]) -> Option<&[u8]> {
    let r = s.strip_prefix(b"<")?;
    if !r.first()?.is_ascii_alphabetic() {
        return None;
    }
    let end = r
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_')))
        .unwrap_or(r.len());
    // A name must end at markup: `<table>`, `<table border=1>`, `<br/>`; `<ID>,Name` is a header.
    match r.get(end) {
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n' | b'\x0c') => Some(&r[..end]),
        _ => None,
    }
}

fn trim_start(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[start..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_export_is_told_past_whatever_it_opens_with() {
        for start in [
            "<table border=1><tr><th>ID</th>",
            "<TABLE>",
            "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">",
            "<meta http-equiv=Content-Type content=\"text/html\">",
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 Transitional//EN\">\n<html>",
            "<style>td{}</style>\n<table>",
            "<!-- export -->\n<table border=\"1\">",
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<table>",
            "\r\n\r\n  \t<table>",
            "<!-- a --><!-- b --><?xml?>\n<!DOCTYPE html>\n<head><title>x</title></head>",
            // Markup first, then an element no export opens with: still a document.
            "<!-- export --><x-deals>",
            // Markup first, then text: HTML with no table, which the reader says.
            "<!-- export -->\nID,Name\n1,a",
        ] {
            assert_eq!(opening(start.as_bytes()), Opening::Html, "{start}");
        }
    }

    #[test]
    fn a_csv_is_text_even_when_its_first_header_starts_with_a_bracket() {
        for start in [
            "ID,Name\n",
            "<ID>,Name\n",
            "<b>ID</b>;Name",
            "<deal id>,stage",
            "< table,stage",
            "<1>,x",
            "",
            "   ",
            "Название;<table>",
        ] {
            assert_eq!(opening(start.as_bytes()), Opening::Text, "{start}");
        }
    }

    #[test]
    fn an_excel_2003_xml_workbook_is_told_apart() {
        let xml = "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n\
                   <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
        assert_eq!(opening(xml.as_bytes()), Opening::XmlWorkbook);
        assert_eq!(opening(b"<ss:Workbook>"), Opening::XmlWorkbook);
    }

    /// The walk stops at the prefix: a comment longer than it is still markup the file opens
    /// with, and the table past it is the HTML reader's to find.
    #[test]
    fn only_the_prefix_is_walked() {
        let mut long = b"<!-- ".to_vec();
        long.extend(std::iter::repeat_n(b'x', 10 * PREFIX));
        long.extend_from_slice(b" --><table>");
        assert_eq!(opening(&long), Opening::Html);
        let mut spaces = vec![b'\n'; 2 * PREFIX];
        spaces.extend_from_slice(b"<table>");
        assert_eq!(opening(&spaces), Opening::Html);
        let mut late = b"<!-- a -->".to_vec();
        late.extend(std::iter::repeat_n(b' ', PREFIX));
        late.extend_from_slice(b"<ID>,Name");
        assert_eq!(opening(&late), Opening::Html);
    }
}
