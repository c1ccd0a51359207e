//! Links from cards to the CRM: the card's page in the web UI of the configured connection its
//! source names (synced cards, and files imported with `--source NAME`).

use super::config::Connection;

#[derive(Debug, Clone, Default)]
pub struct CrmLinks {
    conns: Vec<Connection>,
}

impl CrmLinks {
    pub fn new(conns: &[Connection]) -> CrmLinks {
        CrmLinks {
            conns: conns.to_vec(),
        }
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
        self.conns
            .iter()
            .find(|c| c.name == source)
            .map(|c| c.card_url(id))
    }
}

/// Opens the address in the browser. `false` when this machine has none to open (no graphical
/// session and no `$BROWSER`): the caller shows the address to copy instead.
pub fn open_in_browser(url: &str) -> bool {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let has = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        if !has("DISPLAY") && !has("WAYLAND_DISPLAY") && !has("BROWSER") {
            return false;
        }
    }
    open::that_detached(url).is_ok()
}
