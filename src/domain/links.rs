//! Links from cards to the CRM: for each configured connection, the address pattern of a deal's
//! page in its web UI; a card links to the one its source names (synced cards, `--source NAME`).

/// One connection's deal page: `before` + the deal's id + `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPage {
    /// The connection's name, as cards name their source.
    pub source: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrmLinks {
    pages: Vec<CardPage>,
}

impl CrmLinks {
    pub fn new(pages: Vec<CardPage>) -> CrmLinks {
        CrmLinks { pages }
    }

    /// The card's address, when its source is a configured connection. CRM ids are digits;
    /// anything else (untrusted text from a file) gets no link rather than a crafted path.
    pub fn url(&self, source: &str, external_id: &str) -> Option<String> {
        let id = external_id.trim();
        let plain = !id.is_empty()
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return None;
        }
        self.pages
            .iter()
            .find(|p| p.source == source)
            .map(|p| format!("{}{id}{}", p.before, p.after))
    }
}
