//! Who vouches for a record: each okk's ed25519 signing key (a file, mode 0600) and the
//! signatures bundle records carry, written `KEY:SIGNATURE` in hex so a record names its key.

use std::fmt;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// An okk's own signing key.
pub struct Keypair(SigningKey);

/// An ed25519 public key (32 bytes), written as 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey([u8; 32]);

/// A signature and the key that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub key: PublicKey,
    bytes: [u8; 64],
}

impl Keypair {
    pub fn from_seed(seed: [u8; 32]) -> Keypair {
        Keypair(SigningKey::from_bytes(&seed))
    }

    pub fn generate() -> Keypair {
        Keypair::from_seed(rand::random())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature {
            key: self.public(),
            bytes: self.0.sign(message).to_bytes(),
        }
    }

    /// The key in `path`, if the file exists (hex of the 32-byte seed).
    pub fn load(path: &Path) -> std::io::Result<Option<Keypair>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut seed).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                crate::text::bundle::not_a_signing_key(path, &e),
            )
        })?;
        Ok(Some(Keypair::from_seed(seed)))
    }

    /// The key in `path`, made and written there (owner-only) first if there is none. The bool
    /// says it was made now.
    pub fn load_or_create(path: &Path) -> std::io::Result<(Keypair, bool)> {
        if let Some(k) = Keypair::load(path)? {
            return Ok((k, false));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let key = Keypair::generate();
        let mut opts = std::fs::OpenOptions::new();
        // create_new: two okks making a key at once must not end up with different ones.
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(hex::encode(key.0.to_bytes()).as_bytes())?;
                f.write_all(b"\n")?;
                f.sync_all()?;
                Ok((key, true))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Keypair::load(path)?.map(|k| (k, false)).ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

impl PublicKey {
    /// 64 hex digits (surrounding blanks ignored).
    pub fn parse(text: &str) -> Option<PublicKey> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).ok()?;
        VerifyingKey::from_bytes(&bytes).ok()?;
        Some(PublicKey(bytes))
    }

    /// The first 16 hex digits: enough to tell keys apart in a message.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl Signature {
    /// `KEY:SIGNATURE` in hex.
    pub fn parse(text: &str) -> Option<Signature> {
        let (key, sig) = text.split_once(':')?;
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(sig, &mut bytes).ok()?;
        Some(Signature {
            key: PublicKey::parse(key)?,
            bytes,
        })
    }

    /// Whether this signature of `message` was made by its key. Strict verification: no
    /// malleable second form of a signature is accepted.
    pub fn verifies(&self, message: &[u8]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.key.0) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&self.bytes);
        key.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.key, hex::encode(self.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_its_message_and_reads_back_as_written() {
        let k = Keypair::from_seed([7; 32]);
        let s = k.sign(b"verdict ok");
        assert!(s.verifies(b"verdict ok"));
        assert!(!s.verifies(b"verdict dead"));
        let back = Signature::parse(&s.to_string()).unwrap();
        assert_eq!(back, s);
        assert_eq!(PublicKey::parse(&k.public().to_string()), Some(k.public()));
        // Another key's name on the same signature does not verify.
        let other = Keypair::from_seed([8; 32]).public();
        let forged = Signature::parse(&format!(
            "{other}:{}",
            s.to_string().split_once(':').unwrap().1
        ))
        .unwrap();
        assert!(!forged.verifies(b"verdict ok"));
    }

    #[test]
    fn a_key_file_is_made_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/signing.key");
        let (a, made) = Keypair::load_or_create(&path).unwrap();
        assert!(made);
        let (b, made) = Keypair::load_or_create(&path).unwrap();
        assert!(!made);
        assert_eq!(a.public(), b.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
