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
}

impl Store {
    /// `auditor`'s figures by stage and kind: the cards she judged as they are now, and the
    /// cards others hold that she does not (her pending calibration cards aside in both). Kept
    /// from the last read while they still hold; outside a transaction of the caller's, read
    /// in one snapshot.
    pub(super) fn desk_figures(&self, auditor: &str) -> Result<(ByKind, ByKind), StoreError> {
        if !self.conn.is_autocommit() {
            // Inside the caller's transaction: what it wrote is not yet anyone's; read afresh.
            self.map_cards()?;
            let fresh = self.read_figures(auditor)?;
            return Ok(fresh.parts.by_kind());
        }
        if let Some(kept) = self.kept_figures_in_snapshot(auditor, false)? {
            return Ok(kept);
        }
        // Read whole, through the memory map (set outside a transaction); let go after: the
        // pages it touched stay in the system's cache, not in this process's memory.
        let mapped = self.map_cards()?;
        let read = self.kept_figures_in_snapshot(auditor, true);
        self.unmap_cards(mapped)?;
        Ok(read?.expect("read whole"))
    }

    /// The kept figures checked (and brought up to date with this connection's own writes) in
    /// one snapshot of the store; `None` when they no longer hold, unless `whole`: then read
    /// whole in that snapshot.
    fn kept_figures_in_snapshot(
        &self,
        auditor: &str,
        whole: bool,
    ) -> Result<Option<(ByKind, ByKind)>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changes = self.conn.total_changes();
        let mut kept = self.kept_figures.borrow_mut();
        let holds = kept
            .as_ref()
            .is_some_and(|k| k.auditor == auditor && k.version == version && k.changes == changes);
        if !holds {
            *kept = None;
            if !whole {
                return Ok(None);
            }
            let mut fresh = self.read_figures(auditor)?;
            fresh.version = version;
            fresh.changes = changes;
            *kept = Some(fresh);
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

    /// Tells the kept figures of a write of this connection: `before`, its count of changed
    /// rows when the write began; `cards`, those whose part it may change. Any write of this
    /// connection they were not told of, between, drops them.
    pub(super) fn own_write(&self, before: u64, cards: &[i64]) {
        let mut kept = self.kept_figures.borrow_mut();
        match kept.as_mut() {
            Some(k) if k.changes == before => {
                k.changes = self.conn.total_changes();
                k.touched.extend_from_slice(cards);
            }
            _ => *kept = None,
        }
    }

    /// The figures read whole (see [`Store::desk_figures`]): her judged cards once, the
    /// others' holding reviews once.
    fn read_figures(&self, auditor: &str) -> Result<KeptFigures, StoreError> {
        let mut parts = Parts::default();
        let kind = card_kind_sql();
        let pending = pending_calibration_sql("?1");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT c.id, c.stage, {kind}
             FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE {} AND NOT {pending}",
            judged_as_is_sql(),
        ))?;
        let mut rows = stmt.query([auditor])?;
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
        self.others_parts(auditor, &mut parts)?;
        Ok(KeptFigures {
            auditor: auditor.to_string(),
            parts: std::sync::Arc::new(parts),
            ..KeptFigures::default()
        })
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
        });
        drop(kept);
        tx.commit()?;
        Ok(())
    }
}
