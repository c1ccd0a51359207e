//! The prune port (`okk db imports`, `okk db prune`): the store's import and sync runs, and
//! taking a selection of cards back out of it, desk work never.

use super::{StoreResult, UserStore};
use crate::domain::prune::{ImportRun, Pruned, Selector};

pub trait PruneStore: UserStore {
    /// Every import batch and sync run the store holds, oldest first, with the cards each
    /// first brought that are still there.
    fn import_runs(&self) -> StoreResult<Vec<ImportRun>>;

    /// Takes the cards `selector` names out of the store with everything that hangs off them,
    /// in one transaction, keeping every card that carries desk work
    /// ([`crate::domain::prune::DeskWork`]); the summaries other commands read come out as a
    /// store that never had the cards would hold them. `dry_run`: writes nothing, reports the
    /// same. On a server it waits for the sync's lock (an import or a sync under way).
    fn prune(&mut self, selector: &Selector, dry_run: bool) -> StoreResult<Pruned> {
        self.prune_with(selector, dry_run, false)
    }

    /// [`PruneStore::prune`]; `with_work` (`okk db prune --with-work`): a selected card whose
    /// desk work is only reviews and drafts goes too, and its reviews (any state, with the
    /// lead's decisions on them) and drafts go with it, in the same transaction; a card held
    /// by a claim now or in a calibration's sample still stays, all its work with it. On a
    /// server, the lead's or the owner's act (the owner's function `okk_release_work`).
    fn prune_with(
        &mut self,
        selector: &Selector,
        dry_run: bool,
        with_work: bool,
    ) -> StoreResult<Pruned>;
}
