//! The CRM's address resolved once per sync. ureq resolves the host before every request (its
//! pool of kept-alive connections is looked up after) and, with a timeout set, on a thread
//! spawned for it: a DNS query and a thread per page of a sync of hundreds of pages, while the
//! connection they would open is already there.

use std::sync::{Arc, Mutex};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Remembers the last host's addresses until [`Remembered::forget`] (a request that failed on
/// the network resolves again: the CRM may have moved).
#[derive(Debug, Default)]
pub struct OnceResolver {
    inner: DefaultResolver,
    last: Remembered,
}

/// The resolver's memory, kept by the client to forget it.
#[derive(Debug, Default, Clone)]
pub struct Remembered(Arc<Mutex<Option<(String, ResolvedSocketAddrs)>>>);

impl Remembered {
    pub fn forget(&self) {
        if let Ok(mut last) = self.0.lock() {
            *last = None;
        }
    }
}

impl OnceResolver {
    pub fn new() -> (OnceResolver, Remembered) {
        let r = OnceResolver::default();
        let last = r.last.clone();
        (r, last)
    }
}

impl Resolver for OnceResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map(|a| a.as_str()).unwrap_or("")
        );
        if let Ok(last) = self.last.0.lock()
            && let Some((k, addrs)) = last.as_ref()
            && *k == key
        {
            return Ok(addrs.clone());
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Ok(mut last) = self.last.0.lock() {
            *last = Some((key, addrs.clone()));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_resolved_once_until_forgotten() {
        let (r, last) = OnceResolver::new();
        let config = Config::default();
        let uri: Uri = "http://127.0.0.1:9/x".parse().unwrap();
        let timeout = NextTimeout::default();
        let a = r.resolve(&uri, &config, timeout).unwrap();
        assert!(last.0.lock().unwrap().is_some());
        assert_eq!(r.resolve(&uri, &config, timeout).unwrap()[0], a[0]);
        // Another host is resolved, not answered from memory.
        let other: Uri = "http://127.0.0.2:9/x".parse().unwrap();
        let b = r.resolve(&other, &config, timeout).unwrap();
        assert_eq!(b[0].ip().to_string(), "127.0.0.2");
        last.forget();
        assert!(last.0.lock().unwrap().is_none());
    }
}
