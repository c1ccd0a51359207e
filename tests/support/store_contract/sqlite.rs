//! The SQLite backend as the store contract sets it up: cards imported from a CSV in amoCRM's
//! export shape by the real `okk import`, flags set by a hand-written judge.

use std::collections::HashMap;

use okk::domain::flag::{Evidence, Flag, RuleCode};
use okk::domain::ports::{DeskStore, StoreError};
use okk::store::Store;

use super::{Backend, STAGE, Seed};
use crate::common::Desk;

pub struct Sqlite;

impl Backend for Sqlite {
    type Handle = Desk;

    fn seeded(&self, cards: &[Seed]) -> Desk {
        let desk = Desk::new();
        let mut csv = String::from(
            "ID,Название сделки,Ответственный,Дата создания сделки,Дата редактирования,\
             Дата закрытия,Примечание,Этап сделки,Воронка\n",
        );
        for c in cards {
            csv.push_str(&format!(
                "{id},Сделка {id},Смирнова Ольга,01.09.2026 10:00:00,{day:02}.11.2026 10:00:00,\
                 не закрыта,,{STAGE},Продажи недвижимости\n",
                id = c.id,
                day = c.touched_day,
            ));
        }
        let file = desk.dir.path().join("cards.csv");
        std::fs::write(&file, csv).unwrap();
        desk.import_one(&[file.to_str().unwrap()]);
        let flags: HashMap<&str, _> = cards.iter().map(|c| (c.id, c.flags)).collect();
        let mut store = Store::open(&desk.db).unwrap();
        store
            .rerun_flags(|card, _| {
                flags
                    .get(card.external_id.as_str())
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
            })
            .unwrap();
        desk
    }

    fn open(&self, desk: &Desk) -> Result<Box<dyn DeskStore>, StoreError> {
        Ok(Box::new(Store::open(&desk.db)?))
    }

    fn make_newer(&self, desk: &Desk) {
        let conn = rusqlite::Connection::open(&desk.db).unwrap();
        conn.pragma_update(None, "user_version", okk::store::schema::latest() + 1)
            .unwrap();
    }
}
