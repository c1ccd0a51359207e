//! The stage rules judged in an import's own pass: the card is in memory already, so its flags
//! go to the one flag writer with it, and the summaries and the rules' marker with the commit.

use super::cards::{CardRow, Import, Outcome};
use super::flag_write::{FlagWriter, Judged, JudgedFlag};
use super::flags::{NEWEST_ACTIVITY_KEY, RULES_RAN_FOR, set_meta_on};
use super::read::QueueColumns;
use super::run_summary::{CardFacts, RunSummary, data_version, store_run_summary};
use super::{Store, StoreError};
use crate::domain::flag::Flag;
use crate::domain::{Card, CardContext};

/// Judged cards are written this many at a time (the rules run's chunk).
const CHUNK: usize = 4096;

/// The stage rules as an import applies them.
pub type Judge<'a> = Box<dyn Fn(&Card, &CardContext) -> Vec<Flag> + 'a>;

/// What an import that judges its cards carries until it commits.
pub(super) struct InPass<'a> {
    /// The rules' marker (funnel fingerprint and day) the commit stores.
    ran_for: String,
    judge: Judge<'a>,
    writer: FlagWriter<'a>,
    /// Judged new cards, waiting to be written.
    pending: Vec<Judged>,
    /// Cards written without a judgement (changed, gone, or new without flags given): judged
    /// at the commit from what the store holds, stage history included.
    later: Vec<i64>,
    /// The judged cards' summary: every card's, when the store was empty before.
    summary: RunSummary,
    /// The store had no cards before, or the summary of those it had was carried from the
    /// groups before (a sync's, [`super::run_summary::Carried`]): [`InPass::summary`] is the whole store's.
    whole: bool,
    /// Cards above this id are new: those before it are in the carried summary already.
    max_id_before: i64,
    /// The new cards judged as they came, as bits from `max_id_before`: one judged again at the
    /// commit would count twice.
    judged_new: Vec<u64>,
    /// Store the summaries at the commit (else [`Store::fill_summaries`] does, later).
    summaries: bool,
}

impl Store {
    /// Whether every card's flags are the rules' judgement for `ran_for` (the marker the last
    /// rules run stored), or there are no cards: then an import may judge only its own cards.
    pub fn flags_current_for(&self, ran_for: &str) -> Result<bool, StoreError> {
        Ok(self.max_card_id()? == 0 || self.meta(RULES_RAN_FOR)?.as_deref() == Some(ran_for))
    }

    /// Stores the summaries (stage counts, owners, newest activity) that imports judged with
    /// `summaries: false` left out of date, read from every card (or, when every card is one
    /// those imports judged since the store was empty, as their passes carried it: [`super::run_summary::Carried`]):
    /// in a transaction of its own.
    pub fn fill_summaries(&mut self) -> Result<(), StoreError> {
        let carried = self.carried.take();
        let tx = self.conn.transaction()?;
        let summary = match carried {
            Some(c) if c.data_version == data_version(&tx)? => c.summary,
            _ => RunSummary::of_store(&tx)?,
        };
        store_run_summary(&tx, &summary)?;
        tx.commit()?;
        Ok(())
    }
}

impl InPass<'_> {
    fn judged_as_new(&self, id: i64) -> bool {
        let bit = (id - self.max_id_before) as usize;
        self.judged_new
            .get(bit / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }
}

/// A new card's judgement as the import's judge thread makes it: its flags and, when it has
/// any, the columns its standing copies, built there too (the writer is the thread every other
/// waits for: on the first import of a store where most cards are flagged, copying them was
/// a good part of its allocations).
#[derive(Debug, Clone, Default)]
pub struct NewJudgement {
    flags: Vec<JudgedFlag>,
    columns: Option<QueueColumns>,
}

impl NewJudgement {
    pub fn new(row: &CardRow, flags: Vec<JudgedFlag>) -> NewJudgement {
        let columns = (!flags.is_empty()).then(|| row.queue_columns());
        NewJudgement { flags, columns }
    }

    /// The flags alone, for a store that builds its queue columns itself (the team server's).
    pub fn into_flags(self) -> Vec<JudgedFlag> {
        self.flags
    }
}

impl CardRow {
    /// The columns a flagged card's standing copies, as the store will hold them.
    fn queue_columns(&self) -> QueueColumns {
        let card = &self.card;
        QueueColumns {
            stage: card.stage.clone(),
            touched_at: self.touched_at.map(|t| t.as_str().to_string()),
            external_id: card.external_id.clone(),
            gone_at: None,
            closed: card.closed,
            closed_at: self.closed_at.map(|t| t.as_str().to_string()),
            search: self.search.clone(),
        }
    }

    /// What a summary counts of this new card.
    fn facts(&self) -> CardFacts<'_> {
        let card = &self.card;
        CardFacts {
            owner: card.owner.as_deref(),
            touched_at: self.touched_at.as_ref().map(|t| t.as_str()),
            stage: &card.stage,
            external_id: &card.external_id,
            live: true,
            open: !card.closed.unwrap_or(false) && self.closed_at.is_none(),
        }
    }
}

impl<'a> Import<'a> {
    /// From here on the import judges the cards it writes: new ones as they come with their
    /// flags ([`Import::insert_judged`]), every other card it writes with `judge` at the commit
    /// (changed cards need their stage history, which the store holds). The commit stores the
    /// summaries and `ran_for`: call it only when every other card's flags are current for it
    /// ([`Store::flags_current_for`]) and the import does not change what the rules find on
    /// the cards it does not write (the source's absent fields).
    ///
    /// `summaries: false` (a sync's page, one of hundreds): the stage counts and owners, which
    /// cost a read of every card, are left out of date for [`Store::fill_summaries`].
    pub fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        summaries: bool,
    ) -> Result<(), StoreError> {
        let writer = FlagWriter::on(self.db())?;
        let base = self.take_carried();
        let max_id_before = self.max_id_before();
        self.set_in_pass(InPass {
            ran_for: ran_for.to_string(),
            judge,
            writer,
            pending: Vec::with_capacity(CHUNK),
            later: Vec::new(),
            whole: max_id_before == 0 || base.is_some(),
            summary: base.unwrap_or_default(),
            max_id_before,
            judged_new: Vec::new(),
            summaries,
        });
        Ok(())
    }

    /// [`Import::upsert`] of a new card with its flags, judged on the import's other threads.
    pub fn insert_judged(
        &mut self,
        row: &CardRow,
        flags: Vec<JudgedFlag>,
    ) -> Result<Outcome, StoreError> {
        let judgement = NewJudgement::new(row, flags);
        self.insert_judgement(row, judgement)
    }

    /// [`Import::insert_judged`] of a judgement made off the writer's thread, queue columns
    /// included.
    pub fn insert_judgement(
        &mut self,
        row: &CardRow,
        judgement: NewJudgement,
    ) -> Result<Outcome, StoreError> {
        let Some(id) = self.insert(row)? else {
            return Ok(Outcome::Duplicate);
        };
        self.mark_seen(id);
        let Some(pass) = self.in_pass_mut() else {
            return Ok(Outcome::Inserted);
        };
        let NewJudgement { flags, columns } = judgement;
        pass.summary.note_facts(&row.facts(), !flags.is_empty());
        let bit = (id - pass.max_id_before) as usize;
        if pass.judged_new.len() <= bit / 64 {
            pass.judged_new.resize(bit / 64 + 1, 0);
        }
        pass.judged_new[bit / 64] |= 1 << (bit % 64);
        pass.pending.push((id, flags, columns));
        if pass.pending.len() >= CHUNK {
            pass.writer.write(&pass.pending)?;
            pass.pending.clear();
        }
        Ok(Outcome::Inserted)
    }

    /// A card written without its flags: judged at the commit (when the rules run in the pass).
    pub(super) fn judge_later(&mut self, id: i64) {
        if let Some(pass) = self.in_pass_mut() {
            pass.later.push(id);
        }
    }

    /// At the commit, after every card is written: the last flags, the dropped indexes, the
    /// summaries the rules run keeps (stage counts, owners, newest activity) and the marker.
    /// The whole store's summary when the summaries wait (`summaries: false`), for the next
    /// group of a sync to carry on.
    pub(super) fn finish_in_pass(&mut self) -> Result<Option<RunSummary>, StoreError> {
        let Some(mut pass) = self.take_in_pass() else {
            return Ok(None);
        };
        let conn = self.db();
        pass.writer.write(&pass.pending)?;
        judge_stored(conn, &mut pass)?;
        pass.writer.finish_flags()?;
        let mut carry = None;
        if pass.summaries {
            let summary = if pass.whole {
                pass.summary
            } else {
                // The summaries count every card, and the import judged only its own.
                RunSummary::of_store(conn)?
            };
            store_run_summary(conn, &summary)?;
        } else {
            if let Some(newest) = pass.summary.newest() {
                // The age of the export is told from it even while the summaries wait.
                let before = super::flags::meta_on(conn, NEWEST_ACTIVITY_KEY)?;
                if before.as_deref().is_none_or(|b| newest > b) {
                    set_meta_on(conn, NEWEST_ACTIVITY_KEY, newest)?;
                }
            }
            carry = pass.whole.then_some(pass.summary);
        }
        set_meta_on(conn, RULES_RAN_FOR, &pass.ran_for)?;
        Ok(carry)
    }
}

/// Judges the cards the import wrote without flags, as the rules run would: read back from the
/// store (this transaction's writes included) with their stage history, in id order.
fn judge_stored(conn: &rusqlite::Connection, pass: &mut InPass<'_>) -> Result<(), StoreError> {
    let mut ids = std::mem::take(&mut pass.later);
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let names = Store::field_names_on(conn)?;
    let mut judged: Vec<Judged> = Vec::with_capacity(CHUNK.min(ids.len()));
    for window in ids.chunks(CHUNK) {
        let (first, last) = (window[0], window[window.len() - 1]);
        let mut judge_one = |raw: super::read::RawCard| {
            if window.binary_search(&raw.id).is_err() {
                return Ok(());
            }
            // A card the summary counts already: it would count twice.
            if raw.id <= pass.max_id_before || pass.judged_as_new(raw.id) {
                pass.whole = false;
            }
            let (card, ctx) = raw.parse(&names);
            let flags: Vec<JudgedFlag> = (pass.judge)(&card, &ctx)
                .into_iter()
                .map(JudgedFlag::new)
                .collect();
            pass.summary.note(&raw, !flags.is_empty());
            let columns = (!flags.is_empty()).then(|| raw.queue_columns());
            judged.push((raw.id, flags, columns));
            Ok(())
        };
        // A window of ids close together is one range read; scattered ones are read each.
        if last - first < 4 * window.len() as i64 {
            Store::raw_cards_in(conn, first - 1, last, &mut judge_one)?;
        } else {
            for &id in window {
                Store::raw_cards_in(conn, id - 1, id, &mut judge_one)?;
            }
        }
        pass.writer.write(&judged)?;
        judged.clear();
    }
    Ok(())
}
