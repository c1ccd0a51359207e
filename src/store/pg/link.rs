//! A server that stops answering (a laptop's Wi-Fi or VPN hangs while the kernel still takes the
//! bytes, or the server freezes): a connection's handshake is given up at the connect deadline,
//! and a connection with a statement under way that gets no byte either way for the link's
//! wait is cut, unless the server shows it is alive by taking a new connection (a lock waited
//! for, a long statement: the deadline is on silence, not on the work).
//!
//! The client crate has no hook on its socket, so the socket is found among the process's own
//! (the one new since the connect began, to the server's port; connects are made one at a
//! time) and watched by one thread through the kernel's account of it (`TCP_INFO`: when a byte
//! last went out, when one last came in) and the session's own mark of a statement under way
//! (`Busy`, kept by `conn::Conn`). Cutting is `shutdown`: the call waiting on the socket fails
//! at once as a lost connection (`StoreError::Unreachable`). Linux only; elsewhere the
//! system's own bounds apply (`on_a_dead_link`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long the server has to answer: the reviewer's deadline on a write (`tui::run`, which
/// gives a read twice it), and half the silence [`silence`] allows a statement under way;
/// `OKK_LINK_WAIT_MS` sets both (tests).
pub fn wait() -> Duration {
    let ms = std::env::var("OKK_LINK_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    Duration::from_millis(ms)
}

/// How long a statement under way may go without a byte either way before the server is asked
/// whether it is alive.
pub fn silence() -> Duration {
    wait() * 2
}

/// Some session of this process was cut for the server's silence (a command's error may have
/// been said as text on its way up, without its kind: the command's end says what happened).
pub fn cut_any() -> bool {
    CUT.load(Ordering::SeqCst)
}

static CUT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How many statements or transactions of a session are under way (`conn::Conn` counts them):
/// the watch asks after a silent server only while one is.
#[derive(Clone, Default)]
pub struct Busy(Arc<AtomicUsize>);

/// One statement or transaction under way, until this drops.
pub struct InUse(Arc<AtomicUsize>);

impl Busy {
    pub fn in_use(&self) -> InUse {
        self.0.fetch_add(1, Ordering::SeqCst);
        InUse(self.0.clone())
    }

    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn any(&self) -> bool {
        self.0.load(Ordering::SeqCst) > 0
    }
}

impl Drop for InUse {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether the server answers a new connection within the connect deadline.
pub(super) type Probe = Arc<dyn Fn() -> bool + Send + Sync>;

/// What became of a connect made through [`connect`].
pub(super) enum Connected<C, E> {
    Made(C, Watch),
    Failed(E),
    /// The handshake went past the deadline and was cut.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    TimedOut,
}

pub use imp::Watch;
pub(super) use imp::connect;

#[cfg(target_os = "linux")]
mod imp {
    use std::net::SocketAddr;
    use std::os::fd::RawFd;
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
    use std::time::{Duration, Instant};

    use super::{Busy, Connected, Probe};

    /// How often the watching thread looks at the sockets.
    const TICK: Duration = Duration::from_millis(100);

    /// A connection's socket under watch, until this drops (before the client that owns the
    /// socket: `PgStore` holds it first).
    pub struct Watch {
        id: Option<u64>,
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            if let Some(id) = self.id {
                // Under the lock: the watching thread never cuts a socket number the client
                // has closed (and the system may have given to another file).
                watched().links.retain(|l| l.id != id);
            }
        }
    }

    /// One socket: its number, and the addresses that tell it from a later one of that number.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    struct Sock {
        fd: RawFd,
        local: SocketAddr,
        peer: SocketAddr,
    }

    struct Link {
        id: u64,
        sock: Sock,
        /// No byte either way for this long while a statement is under way: the server is asked.
        silence: Duration,
        busy: Busy,
        probe: Probe,
        /// The server took a new connection at this moment: alive, whatever this one waits for.
        alive_at: Option<Instant>,
        /// A probe under way: `RUNNING`, then `ALIVE` or `DEAD`.
        probing: Option<Arc<AtomicU8>>,
        cut: bool,
    }

    struct Handshake {
        id: u64,
        ports: Vec<u16>,
        before: Vec<Sock>,
        until: Instant,
        cut: bool,
    }

    #[derive(Default)]
    struct Watched {
        next: u64,
        links: Vec<Link>,
        handshakes: Vec<Handshake>,
    }

    const RUNNING: u8 = 0;
    const ALIVE: u8 = 1;
    const DEAD: u8 = 2;

    fn state() -> &'static (Mutex<Watched>, Condvar) {
        static STATE: OnceLock<(Mutex<Watched>, Condvar)> = OnceLock::new();
        STATE.get_or_init(|| {
            std::thread::Builder::new()
                .name("okk link watch".into())
                .spawn(watch_loop)
                .expect("a thread");
            (Mutex::default(), Condvar::new())
        })
    }

    fn watched() -> MutexGuard<'static, Watched> {
        state().0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One connect at a time in this process, so that the socket new to the server's port is
    /// this connect's.
    static CONNECTING: Mutex<()> = Mutex::new(());

    /// Makes a connection with `make` (to one of `ports`), its handshake cut at `deadline`;
    /// the socket made is then watched (none: not watched): no byte either way for `silence`
    /// while `busy` says a statement is under way, and the server is asked (`probe`).
    pub(in crate::store::pg) fn connect<C, E>(
        ports: &[u16],
        deadline: Duration,
        watch: Option<(Duration, Busy, Probe)>,
        make: impl FnOnce() -> Result<C, E>,
    ) -> Connected<C, E> {
        let _one = CONNECTING.lock().unwrap_or_else(|e| e.into_inner());
        let before = sockets(ports);
        let id = {
            let mut w = watched();
            w.next += 1;
            let id = w.next;
            w.handshakes.push(Handshake {
                id,
                ports: ports.to_vec(),
                before: before.clone(),
                until: Instant::now() + deadline,
                cut: false,
            });
            id
        };
        state().1.notify_one();
        let made = make();
        let cut = {
            let mut w = watched();
            let at = w.handshakes.iter().position(|h| h.id == id);
            at.is_some_and(|at| w.handshakes.remove(at).cut)
        };
        let client = match made {
            _ if cut => return Connected::TimedOut,
            Err(e) => return Connected::Failed(e),
            Ok(client) => client,
        };
        let Some((silence, busy, probe)) = watch else {
            return Connected::Made(client, Watch { id: None });
        };
        let new: Vec<Sock> = (sockets(ports).into_iter())
            .filter(|s| !before.contains(s))
            .collect();
        // Another thread's connection to the same port, made meanwhile without this lock (a
        // test's): which one is ours cannot be told, and none is watched.
        let [sock] = new[..] else {
            return Connected::Made(client, Watch { id: None });
        };
        let mut w = watched();
        w.links.push(Link {
            id,
            sock,
            silence,
            busy,
            probe,
            alive_at: None,
            probing: None,
            cut: false,
        });
        drop(w);
        state().1.notify_one();
        Connected::Made(client, Watch { id: Some(id) })
    }

    /// The watching thread: handshakes past their deadline and links silent past theirs.
    fn watch_loop() {
        loop {
            let (lock, wake) = state();
            let mut w = lock.lock().unwrap_or_else(|e| e.into_inner());
            while w.links.is_empty() && w.handshakes.is_empty() {
                w = wake.wait(w).unwrap_or_else(|e| e.into_inner());
            }
            let now = Instant::now();
            for h in w.handshakes.iter_mut().filter(|h| !h.cut && now >= h.until) {
                let new: Vec<Sock> = (sockets(&h.ports).into_iter())
                    .filter(|s| !h.before.contains(s))
                    .collect();
                // Not found yet (the system still resolving the host, or connecting under its
                // own connect_timeout): looked for again next time.
                if let [sock] = new[..] {
                    shut(sock.fd);
                    h.cut = true;
                }
            }
            for link in w.links.iter_mut().filter(|l| !l.cut) {
                look_at(link, now);
            }
            drop(w);
            std::thread::sleep(TICK);
        }
    }

    /// A link's silence: a statement under way with no byte either way for the link's wait is
    /// the server's to account for, by taking a new connection; one that does not is cut. (The
    /// kernel's times say which way a byte went last only to the millisecond, and a request
    /// often leaves in the millisecond its answer's last byte came: the session's own mark
    /// says whether it waits.)
    fn look_at(link: &mut Link, now: Instant) {
        if let Some(p) = &link.probing {
            match p.load(Ordering::SeqCst) {
                RUNNING => return,
                ALIVE => link.alive_at = Some(now),
                _ => {
                    shut(link.sock.fd);
                    link.cut = true;
                    super::CUT.store(true, Ordering::SeqCst);
                    return;
                }
            }
            link.probing = None;
        }
        if !link.busy.any() {
            link.alive_at = None;
            return;
        }
        let Some((sent_ago, received_ago)) = last_data(link.sock.fd) else {
            return;
        };
        let silent = Duration::from_millis(sent_ago.min(received_ago).into());
        let proved = link.alive_at.map(|t| now - t);
        if silent < link.silence || proved.is_some_and(|p| p < link.silence) {
            return;
        }
        let running = Arc::new(AtomicU8::new(RUNNING));
        let (told, probe) = (running.clone(), link.probe.clone());
        let spawned = std::thread::Builder::new()
            .name("okk link probe".into())
            .spawn(move || told.store(if probe() { ALIVE } else { DEAD }, Ordering::SeqCst));
        if spawned.is_ok() {
            link.probing = Some(running);
        }
    }

    fn shut(fd: RawFd) {
        // SAFETY: `shutdown` on a socket number this process holds open (the registry's lock
        // keeps its client from closing it meanwhile); it touches no memory.
        unsafe {
            libc::shutdown(fd, libc::SHUT_RDWR);
        }
    }

    /// How long ago the socket last sent data, and last received some, in milliseconds.
    fn last_data(fd: RawFd) -> Option<(u32, u32)> {
        // SAFETY: `getsockopt` writes at most `len` bytes into `info`, a plain C struct.
        unsafe {
            let mut info: libc::tcp_info = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
            let got = libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&raw mut info).cast(),
                &mut len,
            );
            (got == 0).then_some((info.tcpi_last_data_sent, info.tcpi_last_data_recv))
        }
    }

    /// The process's TCP sockets connected to one of `ports`.
    fn sockets(ports: &[u16]) -> Vec<Sock> {
        let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
            return Vec::new();
        };
        fds.flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<RawFd>().ok())
            .filter_map(|fd| {
                let peer = address(fd, libc::getpeername)?;
                let local = address(fd, libc::getsockname)?;
                (ports.contains(&peer.port()) && is_stream(fd)).then_some(Sock { fd, local, peer })
            })
            .collect()
    }

    type NameFn =
        unsafe extern "C" fn(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int;

    /// The socket's address as `name` gives it (its own, or its peer's); none for a socket
    /// not on IP (or a number that is no socket).
    fn address(fd: RawFd, name: NameFn) -> Option<SocketAddr> {
        // SAFETY: `name` writes at most `len` bytes into `storage`, a plain C struct large
        // enough for any address; it is read back as the family it says it holds.
        unsafe {
            let mut storage: libc::sockaddr_storage = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            if name(fd, (&raw mut storage).cast(), &mut len) != 0 {
                return None;
            }
            match storage.ss_family as libc::c_int {
                libc::AF_INET => {
                    let a = &*(&raw const storage).cast::<libc::sockaddr_in>();
                    let ip = std::net::Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                    Some(SocketAddr::from((ip, u16::from_be(a.sin_port))))
                }
                libc::AF_INET6 => {
                    let a = &*(&raw const storage).cast::<libc::sockaddr_in6>();
                    let ip = std::net::Ipv6Addr::from(a.sin6_addr.s6_addr);
                    Some(SocketAddr::from((ip, u16::from_be(a.sin6_port))))
                }
                _ => None,
            }
        }
    }

    fn is_stream(fd: RawFd) -> bool {
        // SAFETY: `getsockopt` writes one int into `kind`.
        unsafe {
            let mut kind: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_TYPE,
                (&raw mut kind).cast(),
                &mut len,
            ) == 0
                && kind == libc::SOCK_STREAM
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::time::Duration;

    use super::{Busy, Connected, Probe};

    /// Nothing is watched here (see the module's head).
    pub struct Watch;

    pub(in crate::store::pg) fn connect<C, E>(
        _ports: &[u16],
        _deadline: Duration,
        _watch: Option<(Duration, Busy, Probe)>,
        make: impl FnOnce() -> Result<C, E>,
    ) -> Connected<C, E> {
        match make() {
            Ok(client) => Connected::Made(client, Watch),
            Err(e) => Connected::Failed(e),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    use super::*;

    /// A server that takes connections and never answers: the system accepts them into the
    /// listener's queue, nobody reads.
    fn mute() -> (TcpListener, u16) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        (l, port)
    }

    fn probe(alive: bool) -> Probe {
        Arc::new(move || alive)
    }

    /// Whether the socket was cut within `within`: a read then ends at once.
    fn cut_within(mut s: &TcpStream, within: Duration) -> bool {
        s.set_read_timeout(Some(within)).unwrap();
        let mut byte = [0u8; 1];
        matches!(s.read(&mut byte), Ok(0))
    }

    #[test]
    fn a_handshake_never_answered_is_cut_at_the_deadline() {
        let (_server, port) = mute();
        let started = Instant::now();
        let made = connect(&[port], Duration::from_millis(300), None, || {
            let mut s = TcpStream::connect(("127.0.0.1", port))?;
            s.write_all(b"startup")?;
            let mut answer = [0u8; 1];
            match s.read(&mut answer)? {
                0 => Err(std::io::Error::other("closed")),
                _ => Ok(s),
            }
        });
        assert!(matches!(made, Connected::TimedOut));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_link_silent_while_a_statement_waits_is_cut_unless_the_server_shows_it_is_alive() {
        let busy = Busy::default();
        for (alive, waiting, cut) in [
            (false, true, true),
            (true, true, false),
            (false, false, false),
        ] {
            let (_server, port) = mute();
            let watch = Some((Duration::from_millis(200), busy.clone(), probe(alive)));
            let Connected::Made(mut s, _watch) =
                connect(&[port], Duration::from_secs(5), watch, || {
                    TcpStream::connect(("127.0.0.1", port))
                })
            else {
                panic!("connected");
            };
            let in_use = waiting.then(|| busy.in_use());
            s.write_all(b"a statement").unwrap();
            assert_eq!(
                cut_within(&s, Duration::from_millis(1500)),
                cut,
                "alive {alive}, waiting {waiting}"
            );
            drop(in_use);
        }
    }
}
