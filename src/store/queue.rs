//! The review queue of one stage, straight from the `cards_queue` index: flagged cards first
//! (most severe, then most flags), then the longest idle, then by external id.

use rusqlite::params_from_iter;

use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueueEntry {
    #[serde(skip)]
    pub card_id: i64,
    pub id: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub flags: Vec<String>,
    pub idle_days: Option<i64>,
    /// The auditor reviewed the card, and a later sync changed it.
    pub changed_since_review: bool,
}

pub struct QueueQuery<'a> {
    /// The stage's names as the CRM writes them (a funnel stage and its aliases).
    pub crm_stages: &'a [String],
    pub auditor: &'a str,
    pub limit: usize,
    /// Also gone and closed cards.
    pub all: bool,
    /// Closed cards belong in the queue of a won or lost stage.
    pub closed_stage: bool,
    /// 'YYYY-MM-DD HH:MM:SS': idle days are counted to this moment.
    pub now: &'a str,
}

impl Store {
    /// Distinct stage names as the CRM wrote them (from the queue index, without reading cards).
    pub fn crm_stage_names(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT stage FROM cards")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn queue(&self, q: &QueueQuery<'_>) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; q.crm_stages.len()].join(", ");
        let filter = if q.all {
            ""
        } else if q.closed_stage {
            "AND c.gone_at IS NULL"
        } else {
            "AND c.gone_at IS NULL AND coalesce(c.closed, 0) = 0 AND c.closed_at IS NULL"
        };
        // The auditor's current review of the card, if any, and the card digest it saw.
        let sql = format!(
            "SELECT c.id, c.external_id, c.title, c.owner,
                    CAST(julianday(?1) - julianday(c.touched_at) AS INTEGER),
                    (SELECT r.card_hash FROM reviews r
                      WHERE r.card_id = c.id AND r.auditor = ?2
                        AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                      ORDER BY r.created_at DESC LIMIT 1),
                    c.content_hash
             FROM cards c
             WHERE c.stage IN ({marks}) {filter}
             ORDER BY c.flag_rank DESC, c.flag_count DESC, c.touched_at, c.external_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let args = [q.now, q.auditor]
            .into_iter()
            .map(String::from)
            .chain(q.crm_stages.iter().cloned());
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut flags = self
            .conn
            .prepare_cached("SELECT code FROM flags WHERE card_id = ?1 ORDER BY seq")?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let reviewed_hash: Option<i64> = r.get(5)?;
            let hash: i64 = r.get(6)?;
            if reviewed_hash == Some(hash) {
                continue; // reviewed, and unchanged since
            }
            let card_id: i64 = r.get(0)?;
            let codes = flags
                .query_map([card_id], |f| f.get(0))?
                .collect::<Result<_, _>>()?;
            out.push(QueueEntry {
                card_id,
                id: r.get(1)?,
                title: r.get(2)?,
                owner: r.get(3)?,
                idle_days: r.get(4)?,
                flags: codes,
                changed_since_review: reviewed_hash.is_some(),
            });
            if out.len() >= q.limit {
                break;
            }
        }
        Ok(out)
    }
}
