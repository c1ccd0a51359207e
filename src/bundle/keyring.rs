//! Who may sign what, as a merge sees it: the store's trusted keys (each under one name, some a
//! lead's), its own key, keys a trusted lead vouches for, and keys taken on first use when the
//! user asked for that. A record in a name is taken only under a key trusted as that name.

use std::collections::{HashMap, HashSet};

use super::Header;
use super::sign::{PublicKey, Signature};
use crate::text::bundle as msg;

/// Whose key signed a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// This store's own key: the record must be one the store made.
    Own,
    Trusted {
        name: String,
        lead: bool,
    },
}

/// A key the merge trusted by itself (first use, or vouched for by a lead): stored with the
/// merge, so the trust is recorded (and undone if the merge is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    pub key: PublicKey,
    pub name: String,
    pub how: String,
}

pub struct Keyring {
    own: Option<PublicKey>,
    keys: HashMap<PublicKey, (String, bool)>,
    named: HashSet<String>,
    /// `Some(how)`: unknown keys are trusted on first use, recorded as `how`.
    first_use: Option<String>,
    pub added: Vec<NewKey>,
}

impl Keyring {
    pub fn new(
        own: Option<PublicKey>,
        trusted: impl IntoIterator<Item = (PublicKey, String, bool)>,
    ) -> Keyring {
        let keys: HashMap<_, _> = trusted
            .into_iter()
            .map(|(k, name, lead)| (k, (name, lead)))
            .collect();
        let named = keys.values().map(|(n, _)| n.clone()).collect();
        Keyring {
            own,
            keys,
            named,
            first_use: None,
            added: Vec::new(),
        }
    }

    /// Trusts unknown keys on first use from now on (per file: `how` names it).
    pub fn trust_on_first_use(&mut self, how: Option<String>) {
        self.first_use = how;
    }

    fn add(&mut self, key: PublicKey, name: &str, how: String) {
        self.keys.insert(key, (name.to_string(), false));
        self.named.insert(name.to_string());
        self.added.push(NewKey {
            key,
            name: name.to_string(),
            how,
        });
    }

    /// Takes the keys a bundle's header vouches for, if its signer is trusted as a lead here
    /// (others' vouches are ignored). A vouch naming a known key under another name is refused.
    pub fn take_vouches(&mut self, header: &Header, file: &str) -> Result<(), String> {
        let Some(signer) = PublicKey::parse(&header.key) else {
            return Err(msg::bad_key(&header.key));
        };
        match self.keys.get(&signer) {
            Some((_, true)) => {}
            _ => return Ok(()),
        }
        let by = self.keys[&signer].0.clone();
        for v in &header.vouches {
            let key = PublicKey::parse(&v.key).ok_or_else(|| msg::bad_key(&v.key))?;
            if Some(key) == self.own {
                continue;
            }
            match self.keys.get(&key) {
                Some((name, _)) if *name == v.name => {}
                Some((name, _)) => {
                    return Err(msg::vouch_conflict(&by, &v.name, &key.to_string(), name));
                }
                None => self.add(key, &v.name, msg::how_vouched(&by, file)),
            }
        }
        Ok(())
    }

    /// Who signed `message` with `signature`, for a record claiming `claimed`'s name; `what`
    /// names the record in messages.
    pub fn signer(
        &mut self,
        signature: Option<&str>,
        message: &[u8],
        claimed: &str,
        what: &str,
    ) -> Result<Signer, String> {
        let Some(text) = signature else {
            return Err(msg::unsigned(what));
        };
        let Some(sig) = Signature::parse(text) else {
            return Err(msg::bad_signature(what));
        };
        if !sig.verifies(message) {
            return Err(msg::bad_signature(what));
        }
        if Some(sig.key) == self.own {
            return Ok(Signer::Own);
        }
        if let Some((name, lead)) = self.keys.get(&sig.key) {
            return Ok(Signer::Trusted {
                name: name.clone(),
                lead: *lead,
            });
        }
        match self.first_use.clone() {
            Some(how) if !self.named.contains(claimed) => {
                self.add(sig.key, claimed, how);
                Ok(Signer::Trusted {
                    name: claimed.to_string(),
                    lead: false,
                })
            }
            // A name with a key here already: another key in it is an impostor until its
            // owner says otherwise, so neither first use nor the usual advice may take it.
            first_use if self.named.contains(claimed) => Err(msg::unknown_key_for_known_name(
                what,
                claimed,
                &sig.key.to_string(),
                &self.keys_of(claimed),
                first_use.is_some(),
            )),
            _ => Err(msg::unknown_key(what, claimed, &sig.key.to_string())),
        }
    }

    /// The keys trusted as `name`, sorted.
    fn keys_of(&self, name: &str) -> Vec<String> {
        let mut keys: Vec<String> = (self.keys.iter())
            .filter(|(_, (n, _))| n == name)
            .map(|(k, _)| k.to_string())
            .collect();
        keys.sort();
        keys
    }
}
