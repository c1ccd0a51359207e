//! The store as its callers see it: traits cut from what the reviewer's desk, the lead and the
//! stats ask, in domain types and the backend-neutral [`StoreError`]. SQLite implements them
//! (`store::ports`); a team server's PostgreSQL backend would too (docs/team-server.md).
//!
//! They live in the domain, not in `store/`, so that the TUI holds a store without depending on
//! the store layer: `app` opens a backend and hands the TUI a `Box<dyn DeskStore>`.

pub mod bundle_source;
pub mod calibration;
pub mod funnel_history;
pub mod lead;
pub mod merge;
pub mod prune;
pub mod queue;
pub mod review;
pub mod stats;
pub mod users;

pub use bundle_source::BundleSource;
pub use calibration::CalibrationStore;
pub use funnel_history::FunnelHistory;
pub use lead::LeadStore;
pub use merge::{MergeStore, MergeTx, RecordTable};
pub use prune::PruneStore;
pub use queue::QueueStore;
pub use review::{KeptVerdict, ReviewStore};
pub use stats::StatsStore;
pub use users::UserStore;

pub use super::store_error::StoreError;

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the reviewer's desk (auditor and lead screens, the stats screen) asks of a store
/// (of [`FunnelHistory`], the CRMs' own stages: the stage pickers mark a move the card's CRM
/// pipeline has no place for). `Send`, so a runtime may perform the desk's effects off the UI
/// thread.
pub trait DeskStore:
    QueueStore + ReviewStore + LeadStore + StatsStore + CalibrationStore + FunnelHistory + Reopen + Send
{
}

impl<T> DeskStore for T where
    T: QueueStore
        + ReviewStore
        + LeadStore
        + StatsStore
        + CalibrationStore
        + FunnelHistory
        + Reopen
        + Send
{
}

/// A second handle on the same store, for the runtime's writer thread: it writes while the
/// screen reads through the first (SQLite: a second connection; a server: a second session).
pub trait Reopen {
    fn reopen(&self) -> StoreResult<Box<dyn DeskStore>>;

    /// What opens another handle on the same store from any thread, later (a reviewer whose
    /// connection to the server was lost reconnects in the background with it).
    fn opener(&self) -> Opener;

    /// The store is on another machine (a server): the link to it can hang or drop, so a
    /// verdict is kept on this machine before it is sent, and the reviewer puts a deadline on
    /// every answer.
    fn remote(&self) -> bool {
        false
    }

    /// A handle of its own that waits for others' writes (the screens' live refresh).
    fn watch(&self) -> StoreResult<Box<dyn Changes>>;

    /// `auditor`'s queue figures, which this handle keeps, read whole in the background
    /// rather than on the next question that needs them (SQLite: another connection reads
    /// them; the reviewer's writer, once her first frame is up). A server keeps them itself.
    fn keep_figures_aside(&self, _auditor: &str) -> StoreResult<()> {
        Ok(())
    }

    /// Whether another handle committed since this one last asked (the first time: yes). A
    /// server cannot tell: yes.
    fn others_committed(&self) -> StoreResult<bool> {
        Ok(true)
    }
}

/// See [`Reopen::opener`].
pub type Opener = Box<dyn Fn() -> StoreResult<Box<dyn DeskStore>> + Send + Sync>;

/// Writes by others as they commit (verdicts, lead decisions): a server's notifications, or a
/// store file's version polled.
pub trait Changes: Send {
    /// Waits up to `timeout` for a write committed through another handle; true when one came.
    fn wait(&mut self, timeout: std::time::Duration) -> StoreResult<bool>;

    /// The store's applied funnel as it is now (`okk funnel apply`): its version's number and
    /// fingerprint; none while each machine judges by its own funnel file. An open reviewer
    /// asks after others' writes, to say that the store's funnel is no longer hers.
    fn applied_funnel(&mut self) -> StoreResult<Option<(i64, String)>>;
}
