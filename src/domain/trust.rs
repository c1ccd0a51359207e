//! The keys a store trusts (whose signed records a bundle may carry) and what trusting one did.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrustedKey {
    /// ed25519 public key, hex.
    pub key: String,
    pub name: String,
    pub lead: bool,
    /// In the bundle's time spelling: the key's record travels in signed bundles as written.
    pub added_at: String,
    /// 'trusted', 'first use: FILE' or 'vouched for by NAME: FILE'.
    pub how: String,
}

/// How a key came to be trusted, as `TrustedKey::how` records it: okk's own words, kept
/// as written in every language (scripts read them in `okk bundle keys --json`).
pub const HOW_TRUSTED: &str = "trusted";
const FIRST_USE: &str = "first use: ";
const VOUCHED: &str = "vouched for by ";

/// `how` of a key taken on first use from the bundle `file`.
pub fn how_first_use(file: &str) -> String {
    format!("{FIRST_USE}{file}")
}

/// `how` of a key the lead `by` vouched for in the bundle `file`.
pub fn how_vouched(by: &str, file: &str) -> String {
    format!("{VOUCHED}{by}: {file}")
}

/// A key's `how`, read back for the words that say it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How<'a> {
    /// `okk bundle trust`.
    Trusted,
    /// Taken on first use from this bundle.
    FirstUse { file: &'a str },
    /// Vouched for by this lead in this bundle.
    Vouched { by: &'a str, file: &'a str },
    /// Written otherwise (by another okk): shown as it is.
    Other(&'a str),
}

impl TrustedKey {
    pub fn how(&self) -> How<'_> {
        let how = self.how.as_str();
        if how == HOW_TRUSTED {
            return How::Trusted;
        }
        if let Some(file) = how.strip_prefix(FIRST_USE) {
            return How::FirstUse { file };
        }
        // A lead's name has no ": " in practice; a file's may, so the first one ends the name.
        match how.strip_prefix(VOUCHED).and_then(|r| r.split_once(": ")) {
            Some((by, file)) => How::Vouched { by, file },
            None => How::Other(how),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    Added,
    /// The key was trusted already under this name; its lead mark is as asked now.
    Updated,
    /// The key is trusted under another name: nothing changed.
    OtherName(String),
}

/// The keys `trusted` already holds as `name`, when trusting `key` as `name` would add one
/// beside them (`key` not trusted yet, under any name): what the owner of the name must
/// confirm first, sorted. Empty: a name's first key, or a key already known.
pub fn other_keys_of(trusted: &[TrustedKey], key: &str, name: &str) -> Vec<String> {
    if trusted.iter().any(|k| k.key == key) {
        return Vec::new();
    }
    let mut keys: Vec<String> = (trusted.iter())
        .filter(|k| k.name == name)
        .map(|k| k.key.clone())
        .collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(key: &str, name: &str) -> TrustedKey {
        TrustedKey {
            key: key.into(),
            name: name.into(),
            lead: false,
            added_at: "2026-11-20 12:00:00".into(),
            how: HOW_TRUSTED.into(),
        }
    }

    #[test]
    fn how_a_key_came_reads_back_as_it_was_written() {
        let mut k = trusted("aa", "anna");
        assert_eq!(k.how(), How::Trusted);
        k.how = how_first_use("/tmp/a: b.okkb");
        assert_eq!(
            k.how(),
            How::FirstUse {
                file: "/tmp/a: b.okkb"
            }
        );
        k.how = how_vouched("olga", "/tmp/a: b.okkb");
        assert_eq!(
            k.how(),
            How::Vouched {
                by: "olga",
                file: "/tmp/a: b.okkb"
            }
        );
        k.how = "pinned by hand".into();
        assert_eq!(k.how(), How::Other("pinned by hand"));
    }

    #[test]
    fn only_a_new_key_beside_a_name_s_keys_needs_its_owner_s_word() {
        let keys = [
            trusted("bb", "anna"),
            trusted("aa", "anna"),
            trusted("cc", "boris"),
        ];
        assert_eq!(other_keys_of(&keys, "dd", "anna"), ["aa", "bb"]);
        // A name's first key; a key trusted already (its lead mark changed, or another name).
        assert!(other_keys_of(&keys, "dd", "vera").is_empty());
        assert!(other_keys_of(&keys, "aa", "anna").is_empty());
        assert!(other_keys_of(&keys, "cc", "anna").is_empty());
    }
}
