//! The bounds an input is held to, by the name `--limit NAME=VALUE` takes (their values and
//! parsing live with the import, `sync::limits`).

/// A bound an input crossed: which one, its value, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Columns,
    Cell,
    Row,
    Rows,
    Workbook,
    Unpacked,
    Part,
    Ratio,
    Grid,
}

impl Limit {
    pub const ALL: [Limit; 9] = [
        Limit::Columns,
        Limit::Cell,
        Limit::Row,
        Limit::Rows,
        Limit::Workbook,
        Limit::Unpacked,
        Limit::Part,
        Limit::Ratio,
        Limit::Grid,
    ];

    /// The name `--limit NAME=VALUE` takes.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Columns => "columns",
            Limit::Cell => "cell",
            Limit::Row => "row",
            Limit::Rows => "rows",
            Limit::Workbook => "workbook",
            Limit::Unpacked => "unpacked",
            Limit::Part => "part",
            Limit::Ratio => "ratio",
            Limit::Grid => "grid",
        }
    }

    /// Sizes are in bytes and may be written `64M`, `1G`.
    pub fn is_bytes(self) -> bool {
        matches!(
            self,
            Limit::Cell | Limit::Row | Limit::Workbook | Limit::Unpacked | Limit::Part
        )
    }
}
