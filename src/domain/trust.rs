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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    Added,
    /// The key was trusted already under this name; its lead mark is as asked now.
    Updated,
    /// The key is trusted under another name: nothing changed.
    OtherName(String),
}
