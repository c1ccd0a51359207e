//! What a long writer holding the store is doing (an import, a rules run): the reviewer says
//! why the store is busy with it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Import,
    Rules,
}

impl Writer {
    pub fn as_str(self) -> &'static str {
        match self {
            Writer::Import => "import",
            Writer::Rules => "rules",
        }
    }

    pub fn from_name(s: &str) -> Option<Writer> {
        match s {
            "import" => Some(Writer::Import),
            "rules" => Some(Writer::Rules),
            _ => None,
        }
    }
}
