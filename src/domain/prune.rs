//! Taking a mistaken import's cards back out of the store (`okk db prune`): which cards a prune
//! selects, the desk work that keeps a card whatever selects it, and what a prune reports.

use serde::Serialize;

/// How many external ids a report names per kind of desk work that kept cards.
pub const FIRST_KEPT: usize = 5;

/// Which cards a prune takes (exactly one selector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The cards an import or sync run first brought (`cards.first_batch`, in any of the run's
    /// batches); `Some(n)`: the run holding batch `n` (its first, as `okk db imports` numbers
    /// it); `None`: the latest run the store holds (the one that wrote its latest batch).
    Import(Option<i64>),
    /// Every card of this source.
    Source(String),
    /// The cards marked gone (deleted in the CRM, missing from a full export).
    Gone,
}

/// Work the desk did on a card: a card that carries any is never pruned, whatever selects it.
/// A lead's decisions, withdrawals and the card as judged hang off reviews, so `Reviews` keeps
/// them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskWork {
    /// A review in any state (current, superseded, withdrawn, sent back), and so its lead
    /// decisions and the card as its auditor judged it.
    Reviews,
    /// A draft: a verdict being written.
    Drafts,
    /// A lease not yet expired: an auditor holds the card from a shared queue right now.
    Leases,
    /// The sample of a calibration still open names the card (an ended one keeps none).
    Calibrations,
}

impl DeskWork {
    /// The kinds `okk db prune --with-work` takes out with their cards (a mask of bits): the
    /// auditors' reviews (with the lead's decisions on them) and drafts. A claim held now and a
    /// calibration's sample still keep a card, its reviews and drafts with it: someone is at
    /// work on it now, or the lead chose it.
    pub const RELEASABLE: i64 = DeskWork::Reviews.bit() | DeskWork::Drafts.bit();

    /// A card carrying the desk work `mask` goes with `--with-work`: it carries some, and
    /// nothing but reviews and drafts.
    pub fn goes_with_work(mask: i64) -> bool {
        mask != 0 && mask & !DeskWork::RELEASABLE == 0
    }

    pub const ALL: [DeskWork; 4] = [
        DeskWork::Reviews,
        DeskWork::Drafts,
        DeskWork::Leases,
        DeskWork::Calibrations,
    ];

    /// The kind's bit in a mask of the kinds a card carries (the stores mark cards with it).
    pub const fn bit(self) -> i64 {
        match self {
            DeskWork::Reviews => 1,
            DeskWork::Drafts => 2,
            DeskWork::Leases => 4,
            DeskWork::Calibrations => 8,
        }
    }
}

/// Cards kept because they carry one kind of desk work (a card carrying two kinds is counted
/// under each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub work: DeskWork,
    pub cards: u64,
    /// The first few of their external ids, sorted ([`FIRST_KEPT`]).
    pub first: Vec<String>,
}

/// One import or sync run of the store (`okk db imports`), as it recorded itself, with the
/// cards it first brought that the store still holds. A file's import is one batch; a sync's
/// run is every batch it wrote (`domain::import_runs`), its counts added up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRun {
    /// Its first batch: the number `okk db imports` shows and `--import N` takes.
    pub id: i64,
    /// The store's batches it wrote, in order (`id` first): a sync's one per group of pages
    /// committed together, and those its cards' stage paths took.
    #[serde(skip)]
    pub batches: Vec<i64>,
    /// An `okk sync` run, not a file's import.
    pub sync: bool,
    /// The file's name as imported, or `KIND:CONNECTION` for a sync's run.
    pub file: String,
    pub profile: String,
    pub source: String,
    pub encoding: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub partial: bool,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub gone: u64,
    pub warnings: u64,
    /// Cards this run first brought that are still in the store.
    pub still_here: u64,
}

/// What a prune did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    pub dry_run: bool,
    /// `--import`: the run, as the store held it before the prune.
    pub import: Option<ImportRun>,
    /// `--source`.
    pub source: Option<String>,
    /// `--gone`.
    pub gone: bool,
    /// Cards the selector took.
    pub selected: u64,
    /// Taken out of the store (dry: would be).
    pub removed: u64,
    /// Left in it for their desk work (distinct cards).
    pub kept: u64,
    pub kept_for: Vec<Kept>,
    /// Kept cards whose only desk work is reviews and drafts: those `--with-work` would take
    /// out (a card a calibration samples or an auditor holds stays even then).
    pub releasable: u64,
    /// The open calibrations whose samples keep cards of the selection, oldest first: until
    /// the lead ends one (`okk calibrate end ID`), its cards stay.
    pub calibrations: Vec<KeptByCalibration>,
    /// `--with-work`: the cards whose only desk work was reviews and drafts went too, with it.
    pub with_work: bool,
    /// `--with-work`: how many cards went with their work (counted in `removed`).
    pub released_cards: u64,
    /// `--with-work`: those cards, by the kind of work they carried.
    pub released: Vec<Kept>,
    /// `--with-work`: the rows of desk work taken out with them (dry: would be).
    pub work_removed: WorkRemoved,
    /// `--import`: cards of earlier runs this run changed, moved or marked gone. They stay, as
    /// it left them: the store keeps no card's earlier content.
    pub updated_only: u64,
    /// Runs the prune left with no card, history row or figure of theirs (a sync's: in none of
    /// its batches): their records go too, as if they had never run (dry: would go).
    pub runs_removed: Vec<i64>,
    /// Connections the prune left without a card: what their syncs kept goes (cursors, notes,
    /// stages), so the next sync reads them whole, as a first one (dry: would go).
    pub connections_reset: Vec<String>,
}

impl PruneReport {
    /// Nothing selected yet: what each store's prune fills in.
    pub fn new(dry_run: bool) -> PruneReport {
        PruneReport {
            dry_run,
            import: None,
            source: None,
            gone: false,
            selected: 0,
            removed: 0,
            kept: 0,
            kept_for: Vec::new(),
            with_work: false,
            releasable: 0,
            calibrations: Vec::new(),
            released_cards: 0,
            released: Vec::new(),
            work_removed: WorkRemoved::default(),
            updated_only: 0,
            runs_removed: Vec::new(),
            connections_reset: Vec::new(),
        }
    }
}

/// An open calibration that keeps cards of a prune's selection: its sample names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptByCalibration {
    pub id: String,
    pub stage: String,
    /// The selected cards its sample names (kept, whatever else they carry).
    pub cards: u64,
}

/// The desk work `--with-work` took out with its cards, in rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WorkRemoved {
    /// Reviews in any state (current, superseded, withdrawn, sent back).
    pub reviews: u64,
    /// The lead's decisions on them (taken back or standing).
    pub decisions: u64,
    pub drafts: u64,
}

impl PruneReport {
    /// Cards kept for work `--with-work` would take out with them (reviews, drafts), and
    /// nothing that holds them harder: what the report names the option for.
    pub fn releasable(&self) -> bool {
        !self.with_work && self.releasable > 0
    }

    /// Counts the cards kept for their desk work (external id, mask of [`DeskWork`] bits):
    /// `kept`, `kept_for` and `releasable`.
    pub fn keep(&mut self, kept: &[(String, i64)]) {
        self.kept = kept.len() as u64;
        self.kept_for = kept_for(kept);
        self.releasable = (kept.iter())
            .filter(|(_, mask)| DeskWork::goes_with_work(*mask))
            .count() as u64;
    }
}

/// A prune's outcome: the report, or why the selector named nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pruned {
    Done(Box<PruneReport>),
    /// `--import N`: the store holds no run N (no batch N).
    NoSuchRun(i64),
    /// `--import last` on a store no import or sync has written.
    NoRuns,
    /// `--source NAME`: no card and no run of that source; the sources the store holds.
    NoSuchSource {
        sources: Vec<String>,
    },
}

/// Desk work of one kind found on selected cards: the kinds' masks per card (external id,
/// mask), in any order, gathered into what a report says (kinds in [`DeskWork::ALL`]'s order,
/// ids sorted, the first few of each).
pub fn kept_for(cards: &[(String, i64)]) -> Vec<Kept> {
    DeskWork::ALL
        .iter()
        .filter_map(|&work| {
            let mut ids: Vec<&str> = cards
                .iter()
                .filter(|(_, mask)| mask & work.bit() != 0)
                .map(|(id, _)| id.as_str())
                .collect();
            if ids.is_empty() {
                return None;
            }
            ids.sort_unstable();
            Some(Kept {
                work,
                cards: ids.len() as u64,
                first: ids.iter().take(FIRST_KEPT).map(|s| s.to_string()).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tester31 F3: a card a calibration samples (or an auditor holds) stays even with
    /// `--with-work`, whatever reviews it carries: the report offers the option only when some
    /// kept card would go with it.
    #[test]
    fn with_work_is_offered_only_when_a_kept_card_would_go_with_it() {
        let reviews = DeskWork::Reviews.bit();
        let sampled = reviews | DeskWork::Calibrations.bit();
        let mut r = PruneReport::new(true);
        r.keep(&[("1".into(), sampled), ("2".into(), sampled)]);
        assert_eq!((r.kept, r.releasable), (2, 0));
        assert!(!r.releasable(), "every kept card is in a calibration");
        r.keep(&[("1".into(), sampled), ("3".into(), reviews)]);
        assert_eq!(r.releasable, 1);
        assert!(r.releasable());
        r.with_work = true;
        assert!(!r.releasable(), "asked already");
    }

    #[test]
    fn kept_cards_are_counted_under_each_kind_they_carry_with_the_first_ids_sorted() {
        let cards: Vec<(String, i64)> = [
            ("9", DeskWork::Reviews.bit()),
            ("10", DeskWork::Reviews.bit() | DeskWork::Drafts.bit()),
            ("3", DeskWork::Calibrations.bit()),
            ("1", DeskWork::Reviews.bit()),
            ("2", DeskWork::Reviews.bit()),
            ("4", DeskWork::Reviews.bit()),
            ("5", DeskWork::Reviews.bit()),
        ]
        .into_iter()
        .map(|(id, m)| (id.to_string(), m))
        .collect();
        let kept = kept_for(&cards);
        assert_eq!(
            kept.iter().map(|k| (k.work, k.cards)).collect::<Vec<_>>(),
            [
                (DeskWork::Reviews, 6),
                (DeskWork::Drafts, 1),
                (DeskWork::Calibrations, 1)
            ]
        );
        assert_eq!(kept[0].first, ["1", "10", "2", "4", "5"]);
        assert!(kept_for(&[]).is_empty());
    }

    #[test]
    fn with_work_releases_reviews_and_drafts_but_never_a_claim_or_a_calibration() {
        let releasable = DeskWork::goes_with_work;
        assert!(releasable(DeskWork::Reviews.bit()));
        assert!(releasable(DeskWork::Reviews.bit() | DeskWork::Drafts.bit()));
        assert!(!releasable(
            DeskWork::Reviews.bit() | DeskWork::Leases.bit()
        ));
        assert!(!releasable(DeskWork::Calibrations.bit()));
        assert!(!releasable(0));
    }
}
