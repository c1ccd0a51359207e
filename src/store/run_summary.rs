//! What a rules run learns in passing while it reads every card (owners, the newest activity,
//! where each stage's cards without flags start in its queue), and storing it with the flags.

use std::collections::{BTreeSet, HashMap};

use super::read::RawCard;
use super::{Store, StoreError};

/// A card's place in its stage's queue of cards without flags (`cards_queue` order: touched,
/// then external id; a card without a date first, as SQLite sorts NULL).
type RestKey = (Option<String>, String);

/// Gathered by each judge thread over its cards, merged when they are done.
#[derive(Debug, Default)]
pub struct RunSummary {
    /// Every owner named: the owner picker's list.
    owners: BTreeSet<String>,
    /// The newest activity of any card: how old the export is (see
    /// [`super::flags::NEWEST_ACTIVITY_KEY`]).
    newest: Option<String>,
    /// Per CRM stage, its first card without flags. The queue starts its second part there
    /// instead of skipping, one by one, the flagged cards that come first in the cards' order
    /// (on a store where most cards are flagged, tens of thousands).
    rest_start: HashMap<String, RestKey>,
}

impl RunSummary {
    /// Notes one judged card: `flagged` when the rules raised a flag on it.
    pub fn note(&mut self, raw: &RawCard, flagged: bool) {
        if let Some(o) = raw.owner().filter(|o| !o.is_empty())
            && !self.owners.contains(o)
        {
            self.owners.insert(o.to_string());
        }
        let touched = raw.touched_at();
        if let Some(t) = touched
            && self.newest.as_deref().is_none_or(|n| t > n)
        {
            self.newest = Some(t.to_string());
        }
        if !flagged {
            let (stage, id) = (raw.stage().unwrap_or_default(), raw.external_id());
            let key = (touched, id);
            match self.rest_start.get_mut(stage) {
                Some(first) if (first.0.as_deref(), first.1.as_str()) <= key => {}
                Some(first) => *first = (touched.map(str::to_owned), id.to_owned()),
                None => {
                    let first = (touched.map(str::to_owned), id.to_owned());
                    self.rest_start.insert(stage.to_owned(), first);
                }
            }
        }
    }

    /// Adds what another judge gathered.
    pub fn merge(&mut self, other: RunSummary) {
        let RunSummary {
            mut owners,
            newest,
            rest_start,
        } = other;
        self.owners.append(&mut owners);
        self.newest = self.newest.take().max(newest);
        for (stage, key) in rest_start {
            match self.rest_start.get_mut(&stage) {
                Some(first) if *first <= key => {}
                Some(first) => *first = key,
                None => {
                    self.rest_start.insert(stage, key);
                }
            }
        }
    }
}

impl Store {
    /// Rewrites the summaries the rules run keeps (`stage_counts`, `owners`, the newest activity)
    /// and marks them current: inside the rules run's transaction, after its flags.
    pub(super) fn store_run_summary(&self, summary: &RunSummary) -> Result<(), StoreError> {
        self.conn.execute_batch(super::schema::FILL_STAGE_COUNTS)?;
        let mut rest = self.conn.prepare_cached(
            "UPDATE stage_counts SET rest_touched_at = ?2, rest_external_id = ?3 WHERE stage = ?1",
        )?;
        for (stage, (touched, id)) in &summary.rest_start {
            rest.execute(rusqlite::params![stage, touched, id])?;
        }
        self.conn.execute("DELETE FROM owners", [])?;
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO owners (name) VALUES (?1)")?;
        for o in &summary.owners {
            insert.execute([o])?;
        }
        match &summary.newest {
            Some(t) => self.set_meta(super::flags::NEWEST_ACTIVITY_KEY, t)?,
            None => {
                self.conn.execute(
                    "DELETE FROM meta WHERE key = ?1",
                    [super::flags::NEWEST_ACTIVITY_KEY],
                )?;
            }
        }
        self.conn.execute_batch(super::schema::MARK_SUMMARIES)?;
        Ok(())
    }
}
