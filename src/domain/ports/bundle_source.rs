//! What `okk bundle export` reads of a store, a file or a team server alike: the keys it
//! trusts (the bundle's vouches) and its records, streamed in one order on both backends.

use super::{StoreError, StoreResult};
use crate::domain::records::Record;
use crate::domain::trust::TrustedKey;

/// A store bundles are written from.
pub trait BundleSource {
    /// Every trusted key, by name.
    fn trusted_keys(&self) -> StoreResult<Vec<TrustedKey>>;

    /// The names the records made in this store were made under (reviews' auditors,
    /// decisions' leads, calibrations' creators), distinct and sorted: whose work this store's
    /// key signs. Records that came in bundles keep their authors' signatures and are not
    /// counted.
    fn own_authors(&self) -> StoreResult<Vec<String>>;

    /// The names a lead's records made in this store were made under (decisions' leads,
    /// calibrations' creators), distinct and sorted: who signs here as a lead.
    fn own_leads(&self) -> StoreResult<Vec<String>>;

    /// The name this store's bundles sign for when none is given: on a team server the okk user
    /// the session's login is mapped to; on a store file copied from a server by such a login
    /// (`okk db copy URL FILE`), that user (the records copied are the server's, not this
    /// file's: only what its user makes here is theirs to sign).
    fn signs_as(&self) -> StoreResult<Option<String>>;

    /// Hands `emit` every review and lead decision made (or withdrawn) at or after `since`
    /// ('YYYY-MM-DD…'; `None`: all), with the reviews those decisions are about, then every
    /// calibration, one at a time in a stable order. Records made in the store come without a
    /// signature (the bundle writer signs them); `emit`'s error stops the walk. A store file
    /// copied from a team server for one of its users passes over the server's records copied
    /// with it (the server has them; docs/team-server.md): the answer is how many.
    fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<u64, E>;
}
