//! A TCP forwarder between okk and the test's PostgreSQL server that a test can stall (what a
//! laptop sees when Wi-Fi or a VPN hangs, or the server freezes: the kernel still takes the
//! bytes, nothing answers) — at once, or when okk sends a given statement — and reset (every
//! connection dropped, as when the link comes back with new addresses); and that can swallow
//! new connections for good (taken, never answered: a handshake that stalls).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub struct StallProxy {
    port: u16,
    paused: Arc<AtomicBool>,
    /// New connections are taken and never forwarded.
    swallow: Arc<AtomicBool>,
    /// Stalls when okk sends these bytes (the chunk that holds them is held).
    trigger: Trigger,
    /// Both ends of every connection made, for a reset.
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl StallProxy {
    /// Listens on a free loopback port and forwards each connection to `upstream`
    /// (`host:port`).
    pub fn start(upstream: &str) -> StallProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let paused = Arc::new(AtomicBool::new(false));
        let swallow = Arc::new(AtomicBool::new(false));
        let trigger = Trigger::default();
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let upstream = upstream.to_string();
        {
            let (paused, swallow, trigger, conns) = (
                paused.clone(),
                swallow.clone(),
                trigger.clone(),
                conns.clone(),
            );
            thread::spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
                    if swallow.load(Ordering::SeqCst) {
                        conns.lock().unwrap().push(client);
                        continue;
                    }
                    // A connection made while stalled waits, as one to a frozen server does.
                    while paused.load(Ordering::SeqCst) {
                        thread::sleep(Duration::from_millis(10));
                    }
                    let Ok(server) = TcpStream::connect(&upstream) else {
                        continue;
                    };
                    {
                        let mut c = conns.lock().unwrap();
                        c.push(client.try_clone().unwrap());
                        c.push(server.try_clone().unwrap());
                    }
                    pump(
                        client.try_clone().unwrap(),
                        server.try_clone().unwrap(),
                        &paused,
                        Some(trigger.clone()),
                    );
                    pump(server, client, &paused, None);
                }
            });
        }
        StallProxy {
            port,
            paused,
            swallow,
            trigger,
            conns,
        }
    }

    /// `url` (`postgres://who@host:port/db`) through this proxy.
    pub fn url(&self, url: &str) -> String {
        let (head, rest) = url.rsplit_once('@').expect("a URL with a user");
        let (_, tail) = rest.split_once('/').expect("a URL with a database");
        format!("{head}@127.0.0.1:{}/{tail}", self.port)
    }

    /// Nothing passes: bytes are taken and held.
    pub fn stall(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    /// Stalls once okk sends `bytes` (a statement's text): that chunk and all after are held.
    pub fn stall_on(&self, bytes: &[u8]) {
        self.stall_on_nth(bytes, 1);
    }

    /// Stalls the `nth` time okk sends `bytes`.
    pub fn stall_on_nth(&self, bytes: &[u8], nth: usize) {
        *self.trigger.lock().unwrap() = Some((bytes.to_vec(), nth));
    }

    /// New connections are taken by the system and never answered, even after
    /// [`StallProxy::answer_new`] (a handshake lost with the link); until a reset closes them.
    pub fn swallow_new(&self) {
        self.swallow.store(true, Ordering::SeqCst);
    }

    /// New connections pass again.
    pub fn answer_new(&self) {
        self.swallow.store(false, Ordering::SeqCst);
    }

    /// Every connection made so far is closed (new ones pass, unless stalled).
    pub fn reset(&self) {
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

/// The bytes that stall the proxy, and how many more times they pass before they do.
type Trigger = Arc<Mutex<Option<(Vec<u8>, usize)>>>;

/// Copies `from` to `to`, holding each chunk while stalled; a chunk that holds the `trigger`'s
/// bytes stalls the proxy first.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    paused: &Arc<AtomicBool>,
    trigger: Option<Trigger>,
) {
    let paused = paused.clone();
    thread::spawn(move || {
        let mut buf = [0u8; 16384];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Some(trigger) = &trigger {
                let mut armed = trigger.lock().unwrap();
                if let Some((bytes, nth)) = armed.as_mut()
                    && buf[..n].windows(bytes.len()).any(|w| w == &bytes[..])
                {
                    *nth -= 1;
                    if *nth == 0 {
                        *armed = None;
                        paused.store(true, Ordering::SeqCst);
                    }
                }
            }
            while paused.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(10));
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
