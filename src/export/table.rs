//! The one CSV writer every export goes through: RFC 4180 (quotes where needed, CRLF), an
//! optional UTF-8 BOM and `;` for Excel in locales with a decimal comma, every text cell defused.

use std::borrow::Cow;
use std::io::{self, Write};

use super::cell::{Cell, defuse, number};

/// How the file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub delimiter: u8,
    /// A UTF-8 byte order mark first: Excel then reads the file as UTF-8, not the ANSI code page.
    pub bom: bool,
    /// Numbers with `,` for the decimal point (Excel with `;` as the list separator wants it).
    pub decimal_comma: bool,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            delimiter: b',',
            bom: false,
            decimal_comma: false,
        }
    }
}

impl Layout {
    /// `--delimiter ;` is what Excel expects where `,` is the decimal point, so numbers follow.
    pub fn with_delimiter(delimiter: u8, bom: bool) -> Layout {
        Layout {
            delimiter,
            bom,
            decimal_comma: delimiter == b';',
        }
    }
}

pub struct Table<W: Write> {
    csv: csv::Writer<W>,
    decimal_comma: bool,
    /// The table goes to a terminal: control, escape and bidi characters become placeholders.
    terminal: bool,
}

impl<W: Write> Table<W> {
    pub fn new(mut out: W, layout: Layout) -> io::Result<Table<W>> {
        if layout.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let csv = csv::WriterBuilder::new()
            .delimiter(layout.delimiter)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        Ok(Table {
            csv,
            decimal_comma: layout.decimal_comma,
            terminal: false,
        })
    }

    /// For a table printed on a terminal (`okk stats --csv` on a tty): text shows its control
    /// characters as placeholders, as the reviewer does. A file or a pipe gets the data as is.
    pub fn on_terminal(mut self, terminal: bool) -> Table<W> {
        self.terminal = terminal;
        self
    }

    pub fn header<S: AsRef<str>>(&mut self, names: &[S]) -> io::Result<()> {
        let cells: Vec<Cell> = names.iter().map(|n| Cell::text(n.as_ref())).collect();
        self.row(&cells)
    }

    /// Writes one row, cell by cell: text that needs no defusing goes out as it stands, without
    /// a copy (the reviews export writes millions of cells).
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        for cell in cells {
            match cell {
                Cell::Empty => self.csv.write_field("")?,
                Cell::Text(t) if self.terminal => {
                    let shown = crate::text::safe::line(t);
                    self.csv.write_field(defuse(&shown).as_ref())?
                }
                Cell::Text(t) => match defuse(t) {
                    Cow::Borrowed(t) => self.csv.write_field(t)?,
                    Cow::Owned(t) => self.csv.write_field(t)?,
                },
                Cell::Number(v) => self.csv.write_field(number(*v, self.decimal_comma))?,
            }
        }
        Ok(self.csv.write_record(None::<&[u8]>)?)
    }

    /// Flushes and hands back the writer.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(layout: Layout, rows: &[Vec<Cell>]) -> String {
        let mut t = Table::new(Vec::new(), layout).unwrap();
        for r in rows {
            t.row(r).unwrap();
        }
        String::from_utf8(t.finish().unwrap()).unwrap()
    }

    #[test]
    fn text_is_defused_quoted_where_needed_and_numbers_stay_numbers() {
        let rows = vec![
            vec![Cell::text("-2+3"), Cell::Number(-2.5), Cell::Empty],
            vec![
                Cell::text("a, \"b\"\nc"),
                Cell::Number(7e6),
                Cell::text("Договор"),
            ],
        ];
        assert_eq!(
            write(Layout::default(), &rows),
            "'-2+3,-2.5,\r\n\"a, \"\"b\"\"\nc\",7000000,Договор\r\n"
        );
    }

    #[test]
    fn on_a_terminal_escapes_show_as_placeholders_and_formulas_stay_defused() {
        let mut t = Table::new(Vec::new(), Layout::default())
            .unwrap()
            .on_terminal(true);
        t.row(&[
            Cell::text("\u{1b}]0;pwned\u{7}"),
            Cell::text("=1+1\u{202e}"),
        ])
        .unwrap();
        let out = String::from_utf8(t.finish().unwrap()).unwrap();
        assert_eq!(out, "␛]0;pwned␇,'=1+1\u{fffd}\r\n");
    }

    #[test]
    fn semicolons_bring_decimal_commas_and_the_bom_comes_first() {
        let rows = vec![vec![Cell::text("x;y"), Cell::Number(66.5)]];
        assert_eq!(
            write(Layout::with_delimiter(b';', true), &rows),
            "\u{feff}\"x;y\";66,5\r\n"
        );
    }
}
