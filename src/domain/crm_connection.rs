//! A live CRM connection as data: which API it speaks (and what that API implies: the import
//! profile its deals take, the request rate it allows) and where its secret comes from.

/// Which API a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AmoCrm,
    Kommo,
    Bitrix24,
}

impl Kind {
    pub const NAMES: [&'static str; 3] = ["amocrm", "kommo", "bitrix24"];

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "amocrm" => Some(Kind::AmoCrm),
            "kommo" => Some(Kind::Kommo),
            "bitrix24" => Some(Kind::Bitrix24),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::AmoCrm => "amocrm",
            Kind::Kommo => "kommo",
            Kind::Bitrix24 => "bitrix24",
        }
    }

    /// The import profile whose export shape a synced deal takes (see `crm::row`).
    pub fn profile(self) -> &'static str {
        match self {
            Kind::AmoCrm | Kind::Kommo => "amocrm",
            Kind::Bitrix24 => "bitrix24",
        }
    }

    /// The CRM says which deals were deleted (amoCRM's `lead_deleted` events), so an
    /// incremental sync marks them gone; Bitrix24 lists no deletions: only a full sweep finds them.
    pub fn lists_deletions(self) -> bool {
        !matches!(self, Kind::Bitrix24)
    }

    /// The most requests per second the CRM allows (amoCRM: 7; Bitrix24's leaky bucket
    /// drains 2 a second on all but the top plan).
    pub fn rate(self) -> f64 {
        match self {
            Kind::AmoCrm | Kind::Kommo => 7.0,
            Kind::Bitrix24 => 2.0,
        }
    }
}

/// Where the secret comes from. A Bitrix24 webhook carries its secret in its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env(String),
    File(std::path::PathBuf),
    InUrl,
}
