//! The stage rules over every card of a server store: the server's rules run, as
//! `Store::rerun_flags_marking` is a store file's. `okk check` by a lead or the owner runs it
//! when the flags were judged for another day or funnel, and so does an import onto a store
//! whose flags were: an import judges only the cards it writes, and a card nobody touched can
//! still turn stale overnight. One transaction under the sync's lock: the flags and standings
//! replaced whole, the day and funnel they judge (`rules_ran_for` in `okk_meta`) written with
//! them, so that a failure leaves the flags of the last run and its mark.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use super::PgStore;
use super::copy_text::CopyRows;
use super::import::{FLAG_COLUMNS, JUDGE_CHUNK, SEND_BYTES, STANDING_COLUMNS, SYNC_LOCK};
use crate::domain::columns::SourceColumns;
use crate::domain::flag::{Flag, RuleCode};
use crate::domain::{Card, CardContext};
use crate::store::StoreError;
use crate::store::flag_write::JudgedFlag;
use crate::store::flags::{FlaggedCard, FlaggedCards, RULES_RAN_FOR, RulesRun};

const NO_PARAMS: [&(dyn ToSql + Sync); 0] = [];

/// Writes the rules run's mark (`$1`), by the owner's function (schema 6): a lead writes it too.
pub(super) const MARK_RULES_RUN: &str = "SELECT okk_mark_rules_run($1)";

impl PgStore {
    /// The funnel fingerprint and day the server's flags were last judged for, whole.
    pub fn rules_ran_for(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query_opt(
                "SELECT value FROM okk_meta WHERE key = $1",
                &[&RULES_RAN_FOR],
            )?
            .map(|r| r.get(0)))
    }

    /// Every source whose columns are known, with them (the rules' absent fields).
    pub fn all_source_columns(&self) -> Result<Vec<(String, SourceColumns)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT source, kind, name FROM source_columns
             ORDER BY source COLLATE \"C\", kind, name COLLATE \"C\"",
            &[],
        )?;
        let mut out: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for r in &rows {
            let (source, kind, name): (String, &str, String) = (r.get(0), r.get(1), r.get(2));
            if out.last().is_none_or(|(s, ..)| *s != source) {
                out.push((source, Vec::new(), Vec::new()));
            }
            if let Some((_, okk, custom)) = out.last_mut() {
                if kind == "okk" { okk } else { custom }.push(name);
            }
        }
        Ok(out
            .into_iter()
            .map(|(s, okk, custom)| (s, SourceColumns::new(okk, custom)))
            .collect())
    }

    /// Judges every card with `judge` and replaces the store's flags and standings with what
    /// it found, marking them judged for `ran_for`, in one transaction.
    pub fn rerun_rules(
        &mut self,
        ran_for: &str,
        judge: &dyn Fn(&Card, &CardContext) -> Vec<Flag>,
    ) -> Result<RulesRun, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        tx.batch_execute(&format!(
            "{SYNC_LOCK}; SET LOCAL application_name = 'okk check';
             DELETE FROM flags; DELETE FROM standings;"
        ))?;
        // Streamed: a million rows held as rows cost 150 MB where their ids cost 8.
        let ids: Vec<i64> = tx
            .query_raw("SELECT id FROM cards ORDER BY id", NO_PARAMS)?
            .map(|r| r.try_get(0))
            .collect()?;
        let names = super::written::field_names(&mut tx)?;
        let mut flag_rows = CopyRows::new("flags", FLAG_COLUMNS);
        let mut standing_rows = CopyRows::new("standings", STANDING_COLUMNS);
        let mut run = RulesRun::default();
        for window in ids.chunks(JUDGE_CHUNK) {
            for raw in super::written::raw_cards(&mut tx, window)? {
                let (card, ctx) = raw.parse(&names);
                let flags: Vec<JudgedFlag> = judge(&card, &ctx)
                    .into_iter()
                    .map(JudgedFlag::new)
                    .collect();
                run.cards += 1;
                run.flagged += u64::from(!flags.is_empty());
                run.flags += flags.len() as u64;
                let columns = raw.queue_columns();
                super::judged_rows::push(
                    &mut flag_rows,
                    &mut standing_rows,
                    raw.id,
                    &flags,
                    Some(&columns),
                );
            }
            // Flags before standings: both name cards only, so any order holds; the buffers
            // go out once they are worth a round trip.
            if flag_rows.len() + standing_rows.len() >= SEND_BYTES {
                flag_rows.send(&mut tx)?;
                standing_rows.send(&mut tx)?;
            }
        }
        flag_rows.send(&mut tx)?;
        standing_rows.send(&mut tx)?;
        tx.execute(MARK_RULES_RUN, &[&ran_for])?;
        tx.batch_execute(super::stage_counts::KEEP_STAGE_COUNTS)?;
        tx.commit()?;
        Ok(run)
    }

    /// Flagged cards in the order a store file lists them (`Store::flagged_cards`: stage as the
    /// CRM names it, then external id, bytewise). `stages`: only these CRM stage names (None:
    /// all). `code`: only cards with that flag.
    pub fn flagged_cards(
        &self,
        stages: Option<&[String]>,
        code: Option<RuleCode>,
        f: impl FnMut(FlaggedCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        // A portal read in pages: a million flagged cards never sit in memory at once.
        let portal = tx.bind(
            "SELECT c.id, c.source, c.external_id, c.stage, c.owner, f.code, f.severity,
                    f.args, f.field
             FROM cards c JOIN flags f ON f.card_id = c.id
             ORDER BY c.stage COLLATE \"C\", c.external_id COLLATE \"C\", c.id, f.seq",
            &[],
        )?;
        let mut cards = FlaggedCards::new(stages, code, f);
        loop {
            let rows = tx.query_portal(&portal, 4096)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let (code, args): (&str, &str) = (r.get(5), r.get(7));
                let flag = crate::store::flags::stored_flag(code, r.get(6), r.get(8), args)?;
                cards.row(r.get(0), flag, || {
                    Ok(FlaggedCard {
                        id: r.get(2),
                        source: r.get(1),
                        stage: r.get(3),
                        owner: r.get(4),
                        flags: Vec::new(),
                    })
                })?;
            }
        }
        cards.finish()
    }
}
