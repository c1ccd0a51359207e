//! One auditor's part of the queues' figures, kept between reads: the cards she judged as they
//! are now and the cards other auditors hold, each by its stage and kind. Counted afresh, they
//! read every other auditor's holding review and its card (on a desk of 200,000 reviews, half a
//! second, almost all of it finding the cards); the queue's title bar asks for them again after
//! each verdict.
//!
//! They stay exactly what a fresh read gives: kept only while nothing but this connection's own
//! writes changed the store. Another connection's commit (an auditor, the lead, an import, the
//! reviewer's own other connection) moves SQLite's `data_version`, and they are read again
//! whole. This connection's writes move its count of changed rows (`total_changes`), which a
//! write that tells its card accounts for ([`Store::own_write`]): that card alone is looked at
//! again; any other write of this connection drops them.
//!
//! They may count some stages only (a queue's title bar asks for its stage alone): a start
//! straight on a card counts its stage, not every stage, before the first frame. The whole
//! read is then made aside, on a connection and a thread of its own
//! ([`Store::keep_figures_aside`]), and taken when it comes back if they still hold: this
//! connection's own writes since are looked at again, as ever.

use std::collections::HashMap;

use super::calibration::pending_calibration_sql;
use super::queue::{ByKind, RETURNED, card_kind_sql, judged_as_is_sql, others_hold_sql};
use super::{Store, StoreError};

/// A card's part in the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    /// Its stage, as [`Parts::stages`] numbers it.
    stage: u32,
    kind: u8,
    /// Her current verdict judged it as it is now and was not sent back.
    hers: bool,
    /// Another auditor holds it and she does not.
    others: bool,
}

/// The figures and the cards they count (a desk of 200,000 others' reviews: a few MB).
#[derive(Debug, Clone, Default)]
struct Parts {
    stages: Vec<String>,
    cards: HashMap<i64, Part>,
    /// By stage (as numbered) and kind: no name copied per card.
    hers: Vec<[i64; 4]>,
    others: Vec<[i64; 4]>,
}

impl Parts {
    fn stage(&mut self, name: &str) -> u32 {
        match self.stages.iter().position(|s| s == name) {
            Some(i) => i as u32,
            None => {
                self.stages.push(name.to_string());
                self.hers.push([0; 4]);
                self.others.push([0; 4]);
                (self.stages.len() - 1) as u32
            }
        }
    }

    fn count(&mut self, part: Part, sign: i64) {
        let (stage, kind) = (part.stage as usize, usize::from(part.kind));
        if part.hers {
            self.hers[stage][kind] += sign;
        }
        if part.others {
            self.others[stage][kind] += sign;
        }
    }

    /// Hers and the others', by stage name.
    fn by_kind(&self) -> (ByKind, ByKind) {
        let named = |counts: &[[i64; 4]]| -> ByKind {
            (self.stages.iter().cloned())
                .zip(counts.iter().copied())
                .collect()
        };
        (named(&self.hers), named(&self.others))
    }

    /// Card `id`'s part as the store has it now.
    fn set(&mut self, id: i64, part: Option<Part>) {
        if let Some(old) = self.cards.remove(&id) {
            self.count(old, -1);
        }
        if let Some(part) = part.filter(|p| p.hers || p.others) {
            self.count(part, 1);
            self.cards.insert(id, part);
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct KeptFigures {
    auditor: String,
    /// `data_version` and `total_changes` of the read they hold.
    version: i64,
    changes: u64,
    /// Shared with the twins that took them ([`Store::lend_figures`]) until one changes them.
    parts: std::sync::Arc<Parts>,
    /// Cards this connection's own writes touched since: looked at again before the next use.
    touched: Vec<i64>,
    /// The CRM stages counted; `None`: every stage (read whole).
    stages: Option<Vec<String>>,
    /// The whole read under way aside ([`Store::keep_figures_aside`]).
    aside: Option<Aside>,
}

/// A whole read made on another connection, begun while these figures held.
#[derive(Debug)]
struct Aside {
    read: std::sync::mpsc::Receiver<Result<Parts, StoreError>>,
    /// Its answer, once it came ([`Store::wait_figures_aside`]), not taken yet.
    came: Option<Result<Parts, StoreError>>,
    /// Cards this connection's own writes touched since it began: looked at again once taken.
    touched: Vec<i64>,
}

impl Aside {
    /// Whether its answer came (waited for when `wait`); a thread gone answers as failed.
    fn wait(&mut self, wait: bool) -> bool {
        if self.came.is_none() {
            self.came = match wait {
                true => Some(self.read.recv().unwrap_or_else(|_| Err(gone()))),
                false => match self.read.try_recv() {
                    Ok(got) => Some(got),
                    Err(std::sync::mpsc::TryRecvError::Empty) => None,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(Err(gone())),
                },
            };
        }
        self.came.is_some()
    }
}

/// A whole read aside whose thread ended without an answer.
fn gone() -> StoreError {
    StoreError::Backend {
        busy: false,
        source: "the figures' read aside ended without an answer".into(),
    }
}

impl KeptFigures {
    fn new(auditor: &str, version: i64, changes: u64) -> KeptFigures {
        KeptFigures {
            auditor: auditor.to_string(),
            version,
            changes,
            stages: Some(Vec::new()),
            ..KeptFigures::default()
        }
    }

    /// Still the figures a fresh read of `auditor`'s would give: no other connection committed
    /// (`version`, the store's `data_version`) and this one wrote nothing unseen (`changes`).
    fn holds(&self, auditor: &str, version: i64, changes: u64) -> bool {
        self.auditor == auditor && self.version == version && self.changes == changes
    }

    /// They count every stage of `wanted` (`None`: every stage).
    fn covers(&self, wanted: Option<&[String]>) -> bool {
        match (&self.stages, wanted) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(have), Some(wanted)) => wanted.iter().all(|s| have.contains(s)),
        }
    }

    /// The whole read aside, if it came back (waited for when `wait`), in their place.
    fn take_aside(&mut self, wait: bool) {
        let Some(aside) = self.aside.as_mut() else {
            return;
        };
        if !aside.wait(wait) {
            return;
        }
        let aside = self.aside.take().expect("just seen");
        let got = aside.came;
        // A read that failed leaves them as they are: the next that needs the whole reads it.
        if let Some(Ok(parts)) = got {
            self.parts = std::sync::Arc::new(parts);
            self.stages = None;
            self.touched.extend(aside.touched);
        }
    }
}

impl Store {
    /// `auditor`'s figures by stage and kind: the cards she judged as they are now, and the
    /// cards others hold that she does not (her pending calibration cards aside in both), of
    /// the CRM stages `wanted` (`None`: every stage; others may come too). Kept from the last
    /// read while they still hold; outside a transaction of the caller's, read in one
    /// snapshot.
    pub(super) fn desk_figures(
        &self,
        auditor: &str,
        wanted: Option<&[String]>,
    ) -> Result<(ByKind, ByKind), StoreError> {
        if !self.conn.is_autocommit() {
            // Inside the caller's transaction: what it wrote is not yet anyone's; read afresh.
            self.map_cards()?;
            let mut fresh = Parts::default();
            self.read_parts(auditor, wanted, &mut fresh)?;
            return Ok(fresh.by_kind());
        }
        if let Some(kept) = self.kept_figures_in_snapshot(auditor, wanted, false)? {
            return Ok(kept);
        }
        // Read through the memory map (set outside a transaction); let go after: the pages
        // it touched stay in the system's cache, not in this process's memory.
        let mapped = self.map_cards()?;
        let read = self.kept_figures_in_snapshot(auditor, wanted, true);
        self.unmap_cards(mapped)?;
        let read = read?.expect("read");
        if wanted.is_some() && self.figures_aside.get() {
            self.keep_figures_aside(auditor)?;
        }
        Ok(read)
    }

    /// The kept figures checked (and brought up to date with this connection's own writes) in
    /// one snapshot of the store; `None` when they no longer hold or do not count `wanted`,
    /// unless `read`: then what they lack is read in that snapshot.
    fn kept_figures_in_snapshot(
        &self,
        auditor: &str,
        wanted: Option<&[String]>,
        read: bool,
    ) -> Result<Option<(ByKind, ByKind)>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changes = self.conn.total_changes();
        let mut kept = self.kept_figures.borrow_mut();
        let holds = kept
            .as_ref()
            .is_some_and(|k| k.holds(auditor, version, changes));
        if !holds {
            *kept = None;
        }
        if let Some(k) = kept.as_mut()
            && !k.covers(wanted)
        {
            // The whole read aside, if it came; the whole wanted and under way aside: waited
            // for, not read a second time here.
            k.take_aside(wanted.is_none());
        }
        if !kept.as_ref().is_some_and(|k| k.covers(wanted)) {
            if !read {
                return Ok(None);
            }
            let k = kept.get_or_insert_with(|| KeptFigures::new(auditor, version, changes));
            match wanted {
                None => {
                    let mut parts = Parts::default();
                    self.read_parts(auditor, None, &mut parts)?;
                    k.parts = std::sync::Arc::new(parts);
                    k.stages = None;
                    k.aside = None;
                    k.touched.clear();
                }
                Some(wanted) => {
                    let have = k.stages.get_or_insert_with(Vec::new);
                    let lacking: Vec<String> = (wanted.iter())
                        .filter(|s| !have.contains(s))
                        .cloned()
                        .collect();
                    have.extend(lacking.iter().cloned());
                    let parts = std::sync::Arc::make_mut(&mut k.parts);
                    self.read_parts(auditor, Some(&lacking), parts)?;
                }
            }
        }
        let k = kept.as_mut().expect("kept just now");
        for id in std::mem::take(&mut k.touched) {
            let parts = std::sync::Arc::make_mut(&mut k.parts);
            let part = self.card_part(auditor, id, parts)?;
            parts.set(id, part);
        }
        let out = k.parts.by_kind();
        drop(kept);
        tx.commit()?;
        Ok(Some(out))
    }

    /// Reads `auditor`'s figures whole aside, on a connection and a thread of its own, when
    /// they are not kept whole: taken by the next use that finds them come back while the
    /// figures still hold (no other connection committed since this call). From now on a
    /// read of some stages only starts one too, as theirs stop holding. (The reviewer's
    /// writer, after her first frame: her first figures counted her stage alone.)
    pub(super) fn keep_figures_aside(&self, auditor: &str) -> Result<(), StoreError> {
        self.figures_aside.set(true);
        if !self.conn.is_autocommit() {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changes = self.conn.total_changes();
        let mut kept = self.kept_figures.borrow_mut();
        let holds = kept
            .as_ref()
            .is_some_and(|k| k.holds(auditor, version, changes));
        if !holds {
            *kept = Some(KeptFigures::new(auditor, version, changes));
        }
        let k = kept.as_mut().expect("kept just now");
        if k.stages.is_none() || k.aside.is_some() {
            return Ok(());
        }
        let (tell, read) = std::sync::mpsc::channel();
        let (path, who) = (self.path().to_path_buf(), auditor.to_string());
        std::thread::spawn(move || {
            let whole = (|| {
                let store = Store::open(&path)?;
                store
                    .conn
                    .pragma_update(None, "cache_size", -super::schema::TWIN_CACHE_KIB)?;
                // Not through the memory map: off the keys' path the read may take longer,
                // and the pages it finds (most of the cards') are not this process's memory.
                store.kept_figures_in_snapshot(&who, None, true)?;
                let kept = store.kept_figures.take().map(|k| k.parts);
                Ok(kept
                    .map(std::sync::Arc::unwrap_or_clone)
                    .unwrap_or_default())
            })();
            let _ = tell.send(whole);
        });
        k.aside = Some(Aside {
            read,
            came: None,
            touched: Vec::new(),
        });
        drop(kept);
        tx.commit()?;
        Ok(())
    }

    /// Tells the kept figures of a write of this connection: `before`, its count of changed
    /// rows when the write began; `cards`, those whose part it may change. Any write of this
    /// connection they were not told of, between, drops them.
    pub(super) fn own_write(&self, before: u64, cards: &[i64]) {
        let mut kept = self.kept_figures.borrow_mut();
        match kept.as_mut() {
            Some(k) if k.changes == before => {
                k.changes = self.conn.total_changes();
                k.touched.extend_from_slice(cards);
                if let Some(aside) = k.aside.as_mut() {
                    aside.touched.extend_from_slice(cards);
                }
            }
            _ => *kept = None,
        }
    }

    /// The figures of the CRM stages `wanted` (`None`: every stage) read into `parts` (see
    /// [`Store::desk_figures`]): her judged cards, then the others' holding reviews.
    fn read_parts(
        &self,
        auditor: &str,
        wanted: Option<&[String]>,
        parts: &mut Parts,
    ) -> Result<(), StoreError> {
        let kind = card_kind_sql();
        let pending = pending_calibration_sql("?1");
        let (marks, args) = stage_args(auditor, wanted);
        let of_stages = match wanted {
            Some(_) => format!("AND c.stage IN ({marks})"),
            None => String::new(),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT c.id, c.stage, {kind}
             FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE {} {of_stages} AND NOT {pending}",
            judged_as_is_sql(),
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(row) = rows.next()? {
            let stage = parts.stage(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
            let part = Part {
                stage,
                kind: row.get(2)?,
                hers: true,
                others: false,
            };
            parts.set(row.get(0)?, Some(part));
        }
        match wanted {
            None => self.others_parts(auditor, parts),
            Some(_) => self.others_parts_of_stages(&marks, &args, parts),
        }
    }

    /// The cards other auditors hold that are not `auditor`'s ([`others_hold_sql`]). Each
    /// other auditor's review that holds its card is a witness of it, so the others' reviews
    /// are read once, from the auditors' index (`CROSS JOIN` keeps that order), with no search
    /// for a witness among the card's reviews; her own holding reviews are read apart and the
    /// cards told apart here, as are the cards two others hold.
    fn others_parts(&self, auditor: &str, parts: &mut Parts) -> Result<(), StoreError> {
        let holds = |r: &str| {
            format!(
                "{r}.superseded_by IS NULL AND {r}.withdrawn_at IS NULL
                 AND {r}.card_source = c.source AND {r}.card_external_id = c.external_id
                 AND ({r}.card_hash = c.content_hash OR {} IS NOT NULL)",
                RETURNED.replace("r.id", &format!("{r}.id"))
            )
        };
        let mut hers = self.conn.prepare_cached(&format!(
            "SELECT c.id FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE r.auditor = ?1 AND {}",
            holds("r")
        ))?;
        let hers: std::collections::HashSet<i64> =
            (hers.query_map([auditor], |r| r.get(0))?).collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.id, c.stage, {}
             FROM reviews o CROSS JOIN cards c ON c.id = o.card_id
             WHERE o.auditor <> ?1 AND {} AND NOT {}",
            card_kind_sql(),
            holds("o"),
            pending_calibration_sql("?1")
        ))?;
        let mut rows = stmt.query([auditor])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if hers.contains(&id) {
                continue;
            }
            let had = parts.cards.get(&id).copied();
            if had.is_some_and(|p| p.others) {
                continue; // held by two others
            }
            let stage = parts.stage(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
            let part = Part {
                stage,
                kind: row.get(2)?,
                hers: had.is_some_and(|p| p.hers),
                others: true,
            };
            parts.set(id, Some(part));
        }
        Ok(())
    }

    /// [`Store::others_parts`] of some stages (`marks` of `args`, the auditor `?1`): driven
    /// from the stages' cards that an other auditor's review names (their ids from the
    /// auditors' index alone), so that only those cards are read, not every card the others
    /// reviewed (on a desk of 200,000 reviews, finding those cards by id is most of the
    /// whole read); the others' holding reviews read once, without their cards.
    fn others_parts_of_stages(
        &self,
        marks: &str,
        args: &[rusqlite::types::Value],
        parts: &mut Parts,
    ) -> Result<(), StoreError> {
        /// A card of the stages another auditor's review names.
        struct Named {
            stage: u32,
            kind: u8,
            source: String,
            external_id: String,
            hash: i64,
            held: bool,
        }
        let mut named: HashMap<i64, Named> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.id, c.stage, {}, c.source, c.external_id, c.content_hash
             FROM cards c
             WHERE c.stage IN ({marks})
               AND c.id IN (SELECT o.card_id FROM reviews o WHERE o.auditor <> ?1)
               AND NOT {}",
            card_kind_sql(),
            pending_calibration_sql("?1")
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(row) = rows.next()? {
            let stage = parts.stage(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
            let card = Named {
                stage,
                kind: row.get(2)?,
                source: row.get(3)?,
                external_id: row.get(4)?,
                hash: row.get(5)?,
                held: false,
            };
            named.insert(row.get(0)?, card);
        }
        drop(rows);
        // Whose review holds its card: the card's key and digest, or sent back (asked only of
        // a review of another digest).
        let mut reviews = self.conn.prepare_cached(
            "SELECT o.id, o.card_id, o.card_source, o.card_external_id, o.card_hash, o.auditor = ?1
             FROM reviews o
             WHERE o.superseded_by IS NULL AND o.withdrawn_at IS NULL",
        )?;
        let mut returned = self.conn.prepare_cached(&format!(
            "SELECT {} IS NOT NULL FROM reviews r WHERE r.id = ?1",
            RETURNED
        ))?;
        let mut hers = std::collections::HashSet::new();
        let mut rows = reviews.query([&args[0]])?;
        while let Some(row) = rows.next()? {
            let Some(card_id) = row.get::<_, Option<i64>>(1)? else {
                continue;
            };
            let Some(card) = named.get_mut(&card_id) else {
                continue;
            };
            let mine: bool = row.get(5)?;
            if (card.held && !mine)
                || row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)? != card.source
                || row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)? != card.external_id
            {
                continue;
            }
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let holds = row.get::<_, Option<i64>>(4)? == Some(card.hash)
                || returned.query_row([id], |r| r.get::<_, bool>(0))?;
            if holds && mine {
                hers.insert(card_id);
            } else if holds {
                card.held = true;
            }
        }
        for (id, card) in named {
            if !card.held || hers.contains(&id) {
                continue;
            }
            let had = parts.cards.get(&id).copied();
            let part = Part {
                stage: card.stage,
                kind: card.kind,
                hers: had.is_some_and(|p| p.hers),
                others: true,
            };
            parts.set(id, Some(part));
        }
        Ok(())
    }

    /// Card `id`'s part as the store has it now (`None`: no such card), by the same rules as
    /// [`Store::read_parts`], asked of the one card.
    fn card_part(
        &self,
        auditor: &str,
        id: i64,
        parts: &mut Parts,
    ) -> Result<Option<Part>, StoreError> {
        use rusqlite::OptionalExtension;
        let pending = pending_calibration_sql("?1");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.stage, {},
                    EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id AND {}) AND NOT {pending},
                    {} AND NOT {pending}
             FROM cards c WHERE c.id = ?2",
            card_kind_sql(),
            judged_as_is_sql(),
            others_hold_sql("?1"),
        ))?;
        let row: Option<(String, u8, bool, bool)> = stmt
            .query_row(rusqlite::params![auditor, id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        Ok(row.map(|(stage, kind, hers, others)| Part {
            stage: parts.stage(&stage),
            kind,
            hers,
            others,
        }))
    }

    /// Gives `twin`, a new connection to the same file, these figures when they hold for it:
    /// nothing but this connection's own writes (which they were told of) came since they were
    /// read, up to after the twin's first snapshot. Else the twin reads them whole when asked.
    pub(super) fn lend_figures(&self, twin: &Store) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() || self.kept_figures.borrow().is_none() {
            return Ok(());
        }
        let tx = twin.conn.unchecked_transaction()?;
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        // Read after the twin's snapshot began: unmoved, nobody else committed before it.
        let mine: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let kept = self.kept_figures.borrow();
        let Some(k) = kept
            .as_ref()
            .filter(|k| k.version == mine && k.changes == self.conn.total_changes())
        else {
            return Ok(());
        };
        *twin.kept_figures.borrow_mut() = Some(KeptFigures {
            auditor: k.auditor.clone(),
            version,
            changes: twin.conn.total_changes(),
            parts: k.parts.clone(),
            touched: k.touched.clone(),
            stages: k.stages.clone(),
            aside: None,
        });
        drop(kept);
        tx.commit()?;
        Ok(())
    }

    /// The stages her kept figures count (`Some(None)`: every stage), if any are kept (tests).
    #[doc(hidden)]
    pub fn kept_figures_stages(&self) -> Option<Option<Vec<String>>> {
        (self.kept_figures.borrow().as_ref()).map(|k| k.stages.clone())
    }

    /// Waits for the whole read aside to come back, and leaves it to be taken by the next
    /// use (tests: a write of hers made after it was read).
    #[doc(hidden)]
    pub fn wait_figures_aside(&self) {
        if let Some(aside) =
            (self.kept_figures.borrow_mut().as_mut()).and_then(|k| k.aside.as_mut())
        {
            aside.wait(true);
        }
    }
}

/// The marks of the CRM stages `wanted` and the arguments they stand for, after the auditor
/// (`?1`); none for every stage.
fn stage_args(auditor: &str, wanted: Option<&[String]>) -> (String, Vec<rusqlite::types::Value>) {
    let stages = wanted.unwrap_or_default();
    let marks = (2..2 + stages.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut args = vec![rusqlite::types::Value::from(auditor.to_string())];
    args.extend(stages.iter().cloned().map(rusqlite::types::Value::from));
    (marks, args)
}
