//! Calibrations in the store: the sample, who judges it, what they have judged since it began,
//! and its end.

use rusqlite::{OptionalExtension, params, params_from_iter};

use super::{Store, StoreError};
use crate::domain::calibration::{CardKey, Ended, Judged, Judgement, Reference, ReviewRead};
use crate::domain::judge_again::CardNow;

pub use crate::domain::calibration::Calibration;

impl Store {
    /// The cards a calibration of a stage draws from: there now (not gone; closed ones only in
    /// a won or lost stage), by CRM identity.
    pub fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> Result<Vec<CardKey>, StoreError> {
        if crm_stages.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; crm_stages.len()].join(", ");
        let open = if closed_stage {
            ""
        } else {
            "AND coalesce(closed, 0) = 0 AND closed_at IS NULL"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT source, external_id FROM cards
             WHERE stage IN ({marks}) AND gone_at IS NULL {open}"
        ))?;
        let rows = stmt.query_map(params_from_iter(crm_stages), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores a calibration (once: the id is its identity, as in bundles); true if it is new.
    pub fn save_calibration(&mut self, c: &Calibration) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let added = insert_calibration(&tx, c)?;
        tx.commit()?;
        Ok(added)
    }

    /// Every calibration, oldest first.
    pub fn calibrations(&self) -> Result<Vec<Calibration>, StoreError> {
        calibrations_in(&self.conn)
    }

    /// The listed auditors' judgements of the calibration's cards and the lead's verdicts on
    /// them (see [`crate::domain::ports::CalibrationStore::calibration_judgements`]).
    pub fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> Result<(Vec<Judgement>, Vec<Reference>), StoreError> {
        let mut stmt = self.conn.prepare_cached(judgements_sql(c))?;
        let mut judged = Judged::default();
        for card in &c.cards {
            let mut rows = match &c.end {
                Some(end) => stmt.query(params![card.0, card.1, c.created_at, end.at])?,
                None => stmt.query(params![card.0, card.1, c.created_at])?,
            };
            while let Some(r) = rows.next()? {
                let (id, auditor, verdict, checklist): (String, String, String, String) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                let (lead, stage, digest, at): (Option<String>, String, Option<i64>, String) =
                    (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
                judged.take(
                    card,
                    ReviewRead {
                        id: &id,
                        auditor: &auditor,
                        verdict: &verdict,
                        checklist: &checklist,
                        stage: &stage,
                        digest,
                        at: &at,
                        lead: lead.as_deref(),
                    },
                );
            }
        }
        Ok(judged.finish(c))
    }

    /// See [`crate::domain::ports::CalibrationStore::calibration_cards_now`].
    pub fn calibration_cards_now(&self, c: &Calibration) -> Result<Vec<CardNow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(CARD_NOW)?;
        let mut out = Vec::new();
        for card in &c.cards {
            let now: Option<(i64, String)> = stmt
                .query_row(params![card.0, card.1], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((digest, stage)) = now {
                out.push(CardNow {
                    card: card.clone(),
                    digest,
                    stage,
                });
            }
        }
        Ok(out)
    }

    /// Ends calibration `id` (see [`crate::domain::ports::CalibrationStore::end_calibration`]).
    pub fn end_calibration(&mut self, id: &str, end: &Ended) -> Result<bool, StoreError> {
        // By name: SQLite numbers `$N` in the order they appear, and `$1` comes last here.
        let ended = self.conn.execute(
            END_CALIBRATION,
            rusqlite::named_params! {"$1": id, "$2": end.at, "$3": end.by},
        )?;
        Ok(ended > 0)
    }
}

/// Ends calibration $1 at $2 by $3 unless it has ended (numbered parameters both backends
/// read). An end made here has no signature: the bundle writer signs it.
pub(crate) const END_CALIBRATION: &str = "UPDATE calibrations
     SET ended_at = $2, ended_by = $3, end_signature = NULL
     WHERE id = $1 AND ended_at IS NULL";

/// A card's digest and stage now, by its CRM identity ($1 source, $2 external id), if the CRM
/// still has it (either backend).
pub(crate) const CARD_NOW: &str = "SELECT content_hash, stage FROM cards
     WHERE source = $1 AND external_id = $2 AND gone_at IS NULL";

/// What a calibration's report reads, on either backend: [`JUDGEMENTS`] while it is open,
/// [`JUDGEMENTS_TO_END`] once it ended.
pub(crate) fn judgements_sql(c: &Calibration) -> &'static str {
    if c.is_open() {
        JUDGEMENTS
    } else {
        JUDGEMENTS_TO_END
    }
}

/// The columns both reads give of each review of a calibration card ($1 source, $2 external id,
/// $3 the calibration's start: numbered parameters both backends read): its id, author,
/// verdict and checklist, the verdict the lead's standing decision gives it, the stage it was
/// made at, the card's digest then, and when it was made.
macro_rules! judgements_of_card {
    () => {
        "SELECT r.id, r.auditor, r.verdict, r.checklist,
        (SELECT CASE d.decision WHEN 'accept' THEN r.verdict
                                WHEN 'override' THEN d.verdict END
         FROM lead_decisions d WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
         ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1),
        r.stage, r.card_hash, r.created_at
     FROM reviews r
     WHERE r.card_source = $1 AND r.card_external_id = $2 AND r.created_at >= $3"
    };
}

/// An open calibration card's current reviews since the calibration began.
pub(crate) const JUDGEMENTS: &str = concat!(
    judgements_of_card!(),
    "
       AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL"
);

/// An ended calibration card's reviews made while it ran ($4: its end) and not withdrawn by
/// then, current or not: each auditor's latest of them is the one that stood at the end
/// (`Judged::finish`), so that what auditors do after the end (judge a card again once a sync
/// changed it, undo a verdict) leaves the report as it was.
pub(crate) const JUDGEMENTS_TO_END: &str = concat!(
    judgements_of_card!(),
    "
       AND r.created_at <= $4 AND (r.withdrawn_at IS NULL OR r.withdrawn_at > $4)"
);

/// Every calibration, oldest first (on `conn`: a transaction may ask).
pub(crate) fn calibrations_in(conn: &rusqlite::Connection) -> Result<Vec<Calibration>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, stage, seed, auditors, created_by, created_at, ended_at, ended_by
         FROM calibrations ORDER BY created_at, id",
    )?;
    let mut out: Vec<Calibration> = stmt
        .query_map([], |r| {
            let auditors: String = r.get(3)?;
            let (at, by): (Option<String>, Option<String>) = (r.get(6)?, r.get(7)?);
            Ok(Calibration {
                id: r.get(0)?,
                stage: r.get(1)?,
                seed: r.get::<_, i64>(2)? as u64,
                auditors: serde_json::from_str(&auditors).unwrap_or_default(),
                created_by: r.get(4)?,
                created_at: r.get(5)?,
                cards: Vec::new(),
                end: ended(at, by),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut cards = conn.prepare(
        "SELECT card_source, card_external_id FROM calibration_cards
         WHERE calibration_id = ?1 ORDER BY position",
    )?;
    for c in &mut out {
        c.cards = cards
            .query_map([&c.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
    }
    Ok(out)
}

/// A calibration's end as its row holds it (`ended_at`, `ended_by`), on either backend; a row
/// the store wrote holds both or neither.
pub(crate) fn ended(at: Option<String>, by: Option<String>) -> Option<Ended> {
    Some(Ended { at: at?, by: by? })
}

/// Adds a calibration and its cards unless its id is there (with its end, if it came ended);
/// true when it went in.
pub(crate) fn insert_calibration(
    conn: &rusqlite::Connection,
    c: &Calibration,
) -> Result<bool, StoreError> {
    let end = c.end.as_ref();
    let added = conn.execute(
        "INSERT INTO calibrations (id, stage, seed, auditors, created_by, created_at, ended_at,
             ended_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        params![
            c.id,
            c.stage,
            c.seed as i64,
            serde_json::to_string(&c.auditors).expect("names serialise"),
            c.created_by,
            c.created_at,
            end.map(|e| &e.at),
            end.map(|e| &e.by),
        ],
    )?;
    if added > 0 {
        let mut card = conn.prepare_cached(
            "INSERT INTO calibration_cards (calibration_id, position, card_source,
                 card_external_id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, (source, id)) in c.cards.iter().enumerate() {
            card.execute(params![c.id, i as i64, source, id])?;
        }
    }
    Ok(added > 0)
}

/// Auditor `?A` owes open calibration `k` a judgement of card `c`: no current review of theirs
/// made since it began stands — one stands unless `judge_again` asks it again (the CRM has
/// changed the card since, and another listed auditor judged other contents of it or has yet
/// to judge it, both at the stage the card stands at now, and the CRM still has it). The domain's rule, in SQL:
/// `domain::judge_again`.
pub(crate) const OWED: &str = "NOT EXISTS (
    SELECT 1 FROM reviews rr
    WHERE rr.card_id = c.id AND rr.auditor = ?A AND rr.created_at >= k.created_at
      AND rr.superseded_by IS NULL AND rr.withdrawn_at IS NULL
      AND NOT (c.gone_at IS NULL AND rr.stage = c.stage
               AND rr.card_hash IS NOT NULL AND rr.card_hash <> c.content_hash
               AND (EXISTS (SELECT 1 FROM reviews ro
                           WHERE ro.card_id = c.id AND ro.auditor <> rr.auditor
                             AND ro.created_at >= k.created_at
                             AND ro.superseded_by IS NULL AND ro.withdrawn_at IS NULL
                             AND ro.stage = c.stage
                             AND ro.card_hash IS NOT NULL AND ro.card_hash <> rr.card_hash
                             AND EXISTS (SELECT 1 FROM json_each(k.auditors) a
                                         WHERE a.value = ro.auditor))
                    OR EXISTS (SELECT 1 FROM json_each(k.auditors) a
                               WHERE NOT EXISTS (
                                   SELECT 1 FROM reviews rn
                                   WHERE rn.card_id = c.id AND rn.auditor = a.value
                                     AND rn.created_at >= k.created_at
                                     AND rn.superseded_by IS NULL AND rn.withdrawn_at IS NULL
                                     AND rn.stage = c.stage)))))";

/// The calibration cards an auditor has still to judge, as a SQL condition on `c` (cards) with
/// the auditor bound as the statement's parameter `param` (`?1`; never a name written into the
/// SQL): listed in an open calibration naming the auditor, and owed ([`OWED`]). An ended
/// calibration hands out nothing more.
pub(crate) fn pending_calibration_sql(param: &str) -> String {
    format!(
        "EXISTS (
    SELECT 1 FROM calibration_cards cc JOIN calibrations k ON k.id = cc.calibration_id
    WHERE cc.card_source = c.source AND cc.card_external_id = c.external_id
      AND k.ended_at IS NULL
      AND EXISTS (SELECT 1 FROM json_each(k.auditors) WHERE value = ?A)
      AND {OWED})"
    )
    .replace("?A", param)
}
