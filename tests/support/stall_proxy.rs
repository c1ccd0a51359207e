//! A TCP forwarder between okk and the test's PostgreSQL server that a test can stall (what a
//! laptop sees when Wi-Fi or a VPN hangs, or the server freezes: the kernel still takes the
//! bytes, nothing answers) and reset (every connection dropped, as when the link comes back
//! with new addresses).
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
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let upstream = upstream.to_string();
        {
            let (paused, conns) = (paused.clone(), conns.clone());
            thread::spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
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
                    );
                    pump(server, client, &paused);
                }
            });
        }
        StallProxy {
            port,
            paused,
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

    /// Every connection made so far is closed (new ones pass, unless stalled).
    pub fn reset(&self) {
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

/// Copies `from` to `to`, holding each chunk while stalled.
fn pump(mut from: TcpStream, mut to: TcpStream, paused: &Arc<AtomicBool>) {
    let paused = paused.clone();
    thread::spawn(move || {
        let mut buf = [0u8; 16384];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
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
