//! The SQLite backend as the store contract sets it up: cards imported from a CSV in amoCRM's
//! export shape by the real `okk import`, flags set by a hand-written judge.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use okk::domain::card::{Card, CardContext};
use okk::domain::crm_stage::CrmStage;
use okk::domain::flag::{Evidence, Flag, RuleCode, Severity};
use okk::domain::ports::{DeskStore, PruneStore, StoreError};
use okk::store::Store;
use okk::store::cards::{BatchCounts, BatchMeta};
use okk::store::sync_tx::SyncStore;

use super::{Backend, CrmNote, Seed};
use crate::common::Desk;

pub struct Sqlite;

/// A store file the contract seeded, and what it keeps to judge its cards again.
pub struct SqliteDb {
    pub desk: Desk,
    /// The seeded cards' source, as `okk import` named it.
    source: String,
    /// Every card's flags by (source, CRM id), as its latest seed names them.
    flags: RefCell<HashMap<(String, String), &'static [Severity]>>,
    /// The exports written so far (each file a new name).
    files: RefCell<u32>,
}

impl SqliteDb {
    /// `cards` as an amoCRM export, written to a new file of the desk.
    fn export(&self, cards: &[Seed]) -> PathBuf {
        let meeting = cards.iter().any(|c| c.meeting.is_some());
        let mut csv = String::from(
            "ID,Название сделки,Ответственный,Дата создания сделки,Дата редактирования,\
             Дата закрытия,Примечание,Этап сделки,Воронка",
        );
        csv.push_str(if meeting {
            ",Дата встречи в офисе продаж\n"
        } else {
            "\n"
        });
        for c in cards {
            let closed = if c.closed {
                format!("{:02}.11.2026 10:00:00", c.touched_day)
            } else {
                "не закрыта".to_string()
            };
            csv.push_str(&format!(
                "{id},Сделка {id},{owner},01.09.2026 10:00:00,{day:02}.11.2026 10:00:00,\
                 {closed},,{stage},Продажи недвижимости",
                id = c.id,
                stage = c.stage,
                owner = c.owner,
                day = c.touched_day,
            ));
            if meeting {
                csv.push_str(&format!(",{}", c.meeting.unwrap_or("")));
            }
            csv.push('\n');
        }
        let n = {
            let mut files = self.files.borrow_mut();
            *files += 1;
            *files
        };
        let file = self.desk.dir.path().join(format!("cards-{n}.csv"));
        std::fs::write(&file, csv).unwrap();
        file
    }

    /// `okk import --json`'s arguments for `cards` as an export of `source`.
    pub fn import_args(&self, source: Option<&str>, cards: &[Seed]) -> Vec<String> {
        let mut args = vec!["import".to_string(), "--json".to_string()];
        if let Some(s) = source {
            args.extend(["--source".to_string(), s.to_string()]);
        }
        args.push(crate::common::path_arg(&self.export(cards)));
        args
    }

    /// The flags of `source`'s cards are now those `cards` name.
    pub fn remember(&self, source: Option<&str>, cards: &[Seed]) {
        let source = source.unwrap_or(&self.source);
        let mut flags = self.flags.borrow_mut();
        flags.retain(|(s, _), _| s != source);
        flags.extend(
            cards
                .iter()
                .map(|c| ((source.to_string(), c.id.to_string()), c.flags)),
        );
    }

    /// The hand-written judge: each card's flags as its latest seed names them.
    pub fn judge(&self) -> impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync + use<> {
        let flags = self.flags.borrow().clone();
        move |card, _| {
            let key = (card.source.clone(), card.external_id.clone());
            flags
                .get(&key)
                .into_iter()
                .flat_map(|s| s.iter())
                .map(|&severity| Flag {
                    code: RuleCode::Idle,
                    severity,
                    evidence: Evidence::UnknownStage {
                        stage: "test".into(),
                    },
                    field: None,
                })
                .collect()
        }
    }
}

/// One group of a sync's pages of `source` (by `profile`), as of the contract's day.
fn sync_meta<'a>(source: &'a str, profile: &'a str) -> BatchMeta<'a> {
    BatchMeta {
        file: "api",
        profile,
        source,
        encoding: "api",
        partial: true,
        now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        bulk: false,
        fresh_run: false,
    }
}

/// A sync of `source` that hears the CRM deleted the deals `ids`.
pub fn deleted_in_crm(store: &mut dyn SyncStore, source: &str, ids: &[&str]) {
    let mut sync = store.begin_sync(&sync_meta(source, "amocrm")).unwrap();
    for id in ids {
        assert!(sync.mark_deleted(source, id).unwrap(), "{id} was live");
    }
    sync.finish(BatchCounts::default(), &[], true).unwrap();
    store.end_run().unwrap();
}

/// A sync's run that read `source`'s pipelines and stages, and nothing else.
pub fn stages_in_crm(store: &mut dyn SyncStore, source: &str, stages: &[CrmStage]) {
    let mut sync = store.begin_sync(&sync_meta(source, "bitrix24")).unwrap();
    sync.save_crm_stages(source, stages).unwrap();
    sync.finish(BatchCounts::default(), &[], true).unwrap();
    store.end_run().unwrap();
}

pub fn notes_in_crm(store: &mut dyn SyncStore, source: &str, deal: &str, notes: &[CrmNote]) {
    use okk::domain::deal_note::{DealNote, notes_digest};
    let meta = BatchMeta {
        file: "api",
        profile: "amocrm",
        source,
        encoding: "api",
        partial: true,
        now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        bulk: false,
        fresh_run: false,
    };
    let notes: Vec<DealNote> = (notes.iter())
        .filter_map(|(id, at, text)| DealNote::new(deal.into(), id.to_string(), *at, text))
        .collect();
    let mut sync = store.begin_sync(&meta).unwrap();
    sync.save_notes(source, &notes, &[deal.to_string()])
        .unwrap();
    let (id, hash, old) = sync
        .card_notes(source, deal)
        .unwrap()
        .expect("the deal's card");
    let new = sync.crm_notes(source, deal).unwrap();
    let hash = hash ^ notes_digest(&old) ^ notes_digest(&new);
    sync.set_card_notes(id, &new, hash).unwrap();
    sync.finish(BatchCounts::default(), &[], true).unwrap();
    store.end_run().unwrap();
}

impl Backend for Sqlite {
    type Handle = SqliteDb;

    fn seeded(&self, cards: &[Seed]) -> SqliteDb {
        let mut db = SqliteDb {
            desk: Desk::new(),
            source: String::new(),
            flags: RefCell::default(),
            files: RefCell::default(),
        };
        let report = db
            .desk
            .import_one(&[&crate::common::path_arg(&db.export(cards))]);
        db.source = report["source"].as_str().expect("a source").to_string();
        db.remember(None, cards);
        let mut store = Store::open(&db.desk.db).unwrap();
        store.rerun_flags(db.judge()).unwrap();
        db
    }

    fn import(&self, db: &SqliteDb, source: Option<&str>, cards: &[Seed]) {
        crate::common::succeeded(db.desk.okk().args(db.import_args(source, cards)));
        db.remember(source, cards);
        let mut store = Store::open(&db.desk.db).unwrap();
        store.rerun_flags(db.judge()).unwrap();
    }

    fn deleted_in_crm(&self, db: &SqliteDb, source: &str, ids: &[&str]) {
        deleted_in_crm(&mut Store::open(&db.desk.db).unwrap(), source, ids);
    }

    fn notes_in_crm(&self, db: &SqliteDb, source: &str, deal: &str, notes: &[CrmNote]) {
        notes_in_crm(&mut Store::open(&db.desk.db).unwrap(), source, deal, notes);
    }

    fn stages_in_crm(&self, db: &SqliteDb, source: &str, stages: &[CrmStage]) {
        stages_in_crm(&mut Store::open(&db.desk.db).unwrap(), source, stages);
    }

    fn open(&self, db: &SqliteDb) -> Result<Box<dyn DeskStore>, StoreError> {
        Ok(Box::new(Store::open(&db.desk.db)?))
    }

    fn open_prune(&self, db: &SqliteDb) -> Result<Box<dyn PruneStore>, StoreError> {
        Ok(Box::new(Store::open(&db.desk.db)?))
    }

    fn make_newer(&self, db: &SqliteDb) {
        let conn = rusqlite::Connection::open(&db.desk.db).unwrap();
        conn.pragma_update(None, "user_version", okk::store::schema::latest() + 1)
            .unwrap();
    }
}
