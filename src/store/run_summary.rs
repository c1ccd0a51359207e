//! What a rules run learns in passing while it reads every card (each stage's figures and where
//! its cards without flags start in its queue, the owners, the newest activity), and storing it
//! with the flags.

use std::collections::{BTreeSet, HashMap};

use super::StoreError;
use super::read::RawCard;

/// A card's place in its stage's queue of cards without flags (`cards_queue` order: touched,
/// then external id; a card without a date first, as SQLite sorts NULL).
type RestKey = (Option<String>, String);

/// A stage's figures as `stage_counts` keeps them, and its first card without flags.
#[derive(Debug, Default)]
struct StageFigures {
    cards: i64,
    flagged: i64,
    /// Not gone.
    live: i64,
    live_flagged: i64,
    /// Not gone, no closed flag, no closed date.
    open: i64,
    open_flagged: i64,
    /// The queue starts its second part here instead of skipping, one by one, the flagged cards
    /// that come first in the cards' order (on a store where most cards are flagged, tens of
    /// thousands).
    rest_start: Option<RestKey>,
}

impl StageFigures {
    fn add(&mut self, o: StageFigures) {
        self.cards += o.cards;
        self.flagged += o.flagged;
        self.live += o.live;
        self.live_flagged += o.live_flagged;
        self.open += o.open;
        self.open_flagged += o.open_flagged;
        if let Some(key) = o.rest_start {
            self.note_rest(key);
        }
    }

    fn note_rest(&mut self, key: RestKey) {
        if self.rest_start.as_ref().is_none_or(|first| key < *first) {
            self.rest_start = Some(key);
        }
    }
}

/// What a summary counts of one card, as the store holds it.
pub(super) struct CardFacts<'c> {
    pub owner: Option<&'c str>,
    /// 'YYYY-MM-DD HH:MM:SS', as `cards.touched_at`.
    pub touched_at: Option<&'c str>,
    pub stage: &'c str,
    pub external_id: &'c str,
    /// Not gone.
    pub live: bool,
    /// Not gone, no closed flag, no closed date.
    pub open: bool,
}

/// Gathered by each judge thread over its cards, merged when they are done.
#[derive(Debug, Default)]
pub struct RunSummary {
    /// Every owner named: the owner picker's list.
    owners: BTreeSet<String>,
    /// The newest activity of any card: how old the export is (see
    /// [`super::flags::NEWEST_ACTIVITY_KEY`]).
    newest: Option<String>,
    /// Per CRM stage (read once per card: the pass that judges them counts them too, where a
    /// scan of the cards after cost a second of a million-card run).
    stages: HashMap<String, StageFigures>,
}

impl RunSummary {
    /// Notes one judged card: `flagged` when the rules raised a flag on it.
    pub fn note(&mut self, raw: &RawCard, flagged: bool) {
        self.note_facts(
            &CardFacts {
                owner: raw.owner(),
                touched_at: raw.touched_at(),
                stage: raw.stage().unwrap_or_default(),
                external_id: raw.external_id(),
                live: raw.is_live(),
                open: raw.is_open(),
            },
            flagged,
        );
    }

    /// [`RunSummary::note`] of a card known by its facts (one an import judged before
    /// storing it, or one a scan of the store reads).
    pub(super) fn note_facts(&mut self, card: &CardFacts<'_>, flagged: bool) {
        if let Some(o) = card.owner.filter(|o| !o.is_empty())
            && !self.owners.contains(o)
        {
            self.owners.insert(o.to_string());
        }
        let touched = card.touched_at;
        if let Some(t) = touched
            && self.newest.as_deref().is_none_or(|n| t > n)
        {
            self.newest = Some(t.to_string());
        }
        let stage = card.stage;
        let figures = match self.stages.get_mut(stage) {
            Some(f) => f,
            None => self.stages.entry(stage.to_owned()).or_default(),
        };
        let (live, open) = (card.live, card.open);
        let flagged_i = i64::from(flagged);
        figures.cards += 1;
        figures.flagged += flagged_i;
        figures.live += i64::from(live);
        figures.live_flagged += i64::from(live) * flagged_i;
        figures.open += i64::from(open);
        figures.open_flagged += i64::from(open) * flagged_i;
        if !flagged {
            let id = card.external_id;
            let earlier = figures
                .rest_start
                .as_ref()
                .is_none_or(|first| (touched, id) < (first.0.as_deref(), first.1.as_str()));
            if earlier {
                figures.rest_start = Some((touched.map(str::to_owned), id.to_owned()));
            }
        }
    }

    /// The newest activity noted so far.
    pub(super) fn newest(&self) -> Option<&str> {
        self.newest.as_deref()
    }

    /// Adds what another judge gathered.
    pub fn merge(&mut self, other: RunSummary) {
        let RunSummary {
            mut owners,
            newest,
            stages,
        } = other;
        self.owners.append(&mut owners);
        self.newest = self.newest.take().max(newest);
        for (stage, figures) in stages {
            self.stages.entry(stage).or_default().add(figures);
        }
    }
}

impl RunSummary {
    /// Every card of the store noted as it stands (flagged: it has a standing), for a write
    /// that judged only some cards (an import's, a sync's pages) and must store the summaries
    /// of all: a read of a few columns, not the judging pass of a rules run.
    pub(super) fn of_store(conn: &rusqlite::Connection) -> Result<RunSummary, StoreError> {
        let mut summary = RunSummary::default();
        let mut read = conn.prepare(
            "SELECT c.owner, c.touched_at, c.stage, c.external_id, c.gone_at IS NULL,
                    coalesce(c.closed, 0) = 0 AND c.closed_at IS NULL,
                    s.card_id IS NOT NULL
             FROM cards c LEFT JOIN standings s ON s.card_id = c.id",
        )?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let text =
                |i| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
            let live: bool = r.get(4)?;
            let facts = CardFacts {
                owner: text(0)?,
                touched_at: text(1)?,
                stage: text(2)?.unwrap_or_default(),
                external_id: text(3)?.unwrap_or_default(),
                live,
                open: live && r.get::<_, bool>(5)?,
            };
            summary.note_facts(&facts, r.get(6)?);
        }
        Ok(summary)
    }
}

/// The summary of every card of a store that was empty when a sync's first group of pages
/// began, carried from group to group: their commits leave the stored summaries out of date,
/// and [`super::Store::fill_summaries`] stores this one instead of reading every card back. A
/// sync writes cards only in its groups; another connection's commit between them (another
/// okk writing the store) makes it stale.
#[derive(Debug)]
pub(super) struct Carried {
    pub summary: RunSummary,
    /// `PRAGMA data_version` when it was made (it moves with other connections' commits, not
    /// with this one's).
    pub data_version: i64,
}

pub(super) fn data_version(conn: &rusqlite::Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

/// Rewrites the summaries the rules run keeps (`stage_counts`, `owners`, the newest activity)
/// and marks them current: inside the transaction that wrote the flags, after them.
pub(super) fn store_run_summary(
    conn: &rusqlite::Connection,
    summary: &RunSummary,
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM stage_counts", [])?;
    let mut stage = conn.prepare_cached(
        "INSERT INTO stage_counts (stage, cards, flagged, live, live_flagged, open,
             open_flagged, rest_touched_at, rest_external_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    // In the stages' order, as the table keeps them: the same figures make the same pages,
    // byte for byte (a rules run that changes nothing leaves the file as it was).
    let mut stages: Vec<_> = summary.stages.iter().collect();
    stages.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (name, f) in stages {
        let (touched, id) = f.rest_start.clone().unzip();
        stage.execute(rusqlite::params![
            name,
            f.cards,
            f.flagged,
            f.live,
            f.live_flagged,
            f.open,
            f.open_flagged,
            touched.flatten(),
            id
        ])?;
    }
    conn.execute("DELETE FROM owners", [])?;
    let mut insert = conn.prepare_cached("INSERT INTO owners (name) VALUES (?1)")?;
    for o in &summary.owners {
        insert.execute([o])?;
    }
    match &summary.newest {
        Some(t) => super::flags::set_meta_on(conn, super::flags::NEWEST_ACTIVITY_KEY, t)?,
        None => {
            conn.execute(
                "DELETE FROM meta WHERE key = ?1",
                [super::flags::NEWEST_ACTIVITY_KEY],
            )?;
        }
    }
    conn.execute_batch(super::schema::MARK_SUMMARIES)?;
    Ok(())
}
