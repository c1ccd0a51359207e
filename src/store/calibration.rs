//! Calibrations in the store: the sample, who judges it, and what they have judged since it
//! began.

use std::collections::BTreeMap;

use rusqlite::{params, params_from_iter};

use super::{Store, StoreError};
use crate::domain::calibration::{CardKey, Judged, Judgement, ReviewRead};
use crate::domain::review::Verdict;

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

    /// The listed auditors' current reviews of the calibration's cards made since it began,
    /// and the lead's verdict per card where the lead has decided on one of them.
    pub fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> Result<(Vec<Judgement>, BTreeMap<CardKey, Verdict>), StoreError> {
        let mut stmt = self.conn.prepare_cached(JUDGEMENTS)?;
        let mut judged = Judged::default();
        for card in &c.cards {
            let rows = stmt.query_map(params![card.0, card.1, c.created_at], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })?;
            for row in rows {
                let (auditor, verdict, checklist, lead, stage, digest) = row?;
                judged.take(
                    c,
                    card,
                    ReviewRead {
                        auditor: &auditor,
                        verdict: &verdict,
                        checklist: &checklist,
                        stage: &stage,
                        digest,
                        lead: lead.as_deref(),
                    },
                );
            }
        }
        Ok((judged.judgements, judged.reference))
    }
}

/// A calibration card's current reviews since the calibration began ($1 source, $2 external
/// id, $3 start: numbered parameters both backends read), each with the verdict the lead's
/// standing decision gives it, the stage it was made at and the card's digest then.
pub(crate) const JUDGEMENTS: &str = "SELECT r.auditor, r.verdict, r.checklist,
        (SELECT CASE d.decision WHEN 'accept' THEN r.verdict
                                WHEN 'override' THEN d.verdict END
         FROM lead_decisions d WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
         ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1),
        r.stage, r.card_hash
     FROM reviews r
     WHERE r.card_source = $1 AND r.card_external_id = $2 AND r.created_at >= $3
       AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL";

/// Every calibration, oldest first (on `conn`: a transaction may ask).
pub(crate) fn calibrations_in(conn: &rusqlite::Connection) -> Result<Vec<Calibration>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, stage, seed, auditors, created_by, created_at FROM calibrations
         ORDER BY created_at, id",
    )?;
    let mut out: Vec<Calibration> = stmt
        .query_map([], |r| {
            let auditors: String = r.get(3)?;
            Ok(Calibration {
                id: r.get(0)?,
                stage: r.get(1)?,
                seed: r.get::<_, i64>(2)? as u64,
                auditors: serde_json::from_str(&auditors).unwrap_or_default(),
                created_by: r.get(4)?,
                created_at: r.get(5)?,
                cards: Vec::new(),
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

pub(crate) fn insert_calibration(
    conn: &rusqlite::Connection,
    c: &Calibration,
) -> Result<bool, StoreError> {
    let added = conn.execute(
        "INSERT INTO calibrations (id, stage, seed, auditors, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        params![
            c.id,
            c.stage,
            c.seed as i64,
            serde_json::to_string(&c.auditors).expect("names serialise"),
            c.created_by,
            c.created_at
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

/// The calibration cards an auditor has still to judge, as a SQL condition on `c` (cards) with
/// the auditor as `?A`: listed in a calibration naming the auditor, and no current review of
/// theirs since it began.
pub(crate) const PENDING_CALIBRATION: &str = "EXISTS (
    SELECT 1 FROM calibration_cards cc JOIN calibrations k ON k.id = cc.calibration_id
    WHERE cc.card_source = c.source AND cc.card_external_id = c.external_id
      AND EXISTS (SELECT 1 FROM json_each(k.auditors) WHERE value = ?A)
      AND NOT EXISTS (SELECT 1 FROM reviews rr
                      WHERE rr.card_id = c.id AND rr.auditor = ?A AND rr.created_at >= k.created_at
                        AND rr.superseded_by IS NULL AND rr.withdrawn_at IS NULL))";
