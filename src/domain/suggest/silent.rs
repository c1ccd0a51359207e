//! The silent tail of a stage after a meeting (a stage with a `past` date rule): open cards
//! whose meeting is long past and that nobody has touched since.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use crate::domain::fill::{CardField, CardFields, is_filled};
use crate::domain::funnel::{FieldRef, Funnel};
use crate::domain::fx::FxMap;
use crate::domain::rules::values::{fold_eq, parse_day};
use crate::domain::rules::{MustBe, Rule};

/// How many sample cards a proposal names.
const SAMPLE: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct SilentTally {
    /// Funnel stage index → its tail.
    pub stages: HashMap<usize, Tail>,
    /// CRM stage name → the funnel stage after a meeting it belongs to and its meeting field's
    /// keys (folded), `None` for the other stages: looked up once a card, resolved once a name.
    pub(super) after_meeting: FxMap<String, Option<(usize, Vec<String>)>>,
    /// (funnel stage, the store's field number) → whether the field is the stage's meeting
    /// field: compared by name once a number.
    pub(super) key_ids: FxMap<(usize, u32), bool>,
}

#[derive(Debug, Clone, Default)]
pub struct Tail {
    /// The meeting's field (the stage's `past` date rule's).
    pub field: String,
    /// Open cards at the stage.
    pub open: u64,
    /// Those whose meeting and last activity are both `silent_days` or more ago.
    pub silent: u64,
    /// The first few of them, by external id.
    pub sample: Vec<String>,
}

/// The custom date field a stage's `past` rule checks, if any.
pub(super) fn meeting_field(funnel: &Funnel, stage: usize) -> Option<&str> {
    funnel.stage(stage).rules.iter().find_map(|r| match r {
        Rule::Date(d) if d.must_be == MustBe::Past => match &d.field {
            FieldRef::Custom(name) => Some(name.as_str()),
            FieldRef::System(_) => None,
        },
        _ => None,
    })
}

impl SilentTally {
    pub fn add(&mut self, funnel: &Funnel, card: &CardFields, today: NaiveDate) {
        if card.closed {
            return;
        }
        if !self.after_meeting.contains_key(card.stage) {
            let plan = funnel.resolve(card.stage).and_then(|i| {
                let field = meeting_field(funnel, i)?;
                Some((i, funnel.custom_keys(field).to_vec()))
            });
            self.after_meeting.insert(card.stage.to_string(), plan);
        }
        let Some(Some((i, keys))) = self.after_meeting.get(card.stage) else {
            return;
        };
        let i = *i;
        let Some(field) = meeting_field(funnel, i) else {
            return;
        };
        let mut is_key = |f: &CardField| match f.id {
            Some(id) => *self
                .key_ids
                .entry((i, id))
                .or_insert_with(|| keys.iter().any(|k| fold_eq(&f.name, k))),
            None => keys.iter().any(|k| fold_eq(&f.name, k)),
        };
        let meeting = card
            .fields
            .iter()
            .find(|f| is_filled(&f.value) && is_key(f))
            .and_then(|f| parse_day(&f.value));
        let tail = self.stages.entry(i).or_insert_with(|| Tail {
            field: field.to_string(),
            ..Tail::default()
        });
        tail.open += 1;
        let Some(cutoff) = today.checked_sub_days(Days::new(u64::from(funnel.suggest.silent_days)))
        else {
            return;
        };
        let silent =
            meeting.is_some_and(|m| m <= cutoff) && card.touched.is_some_and(|t| t <= cutoff);
        if silent {
            tail.silent += 1;
            // Kept sorted, the first few: most silent cards come after the sample is full.
            let id = card.external_id;
            if tail.sample.len() < SAMPLE || tail.sample.last().is_some_and(|l| id < l.as_str()) {
                tail.sample.push(id.to_string());
                tail.sample.sort();
                tail.sample.truncate(SAMPLE);
            }
        }
    }

    pub fn merge(&mut self, other: SilentTally) {
        for (i, t) in other.stages {
            let mine = self.stages.entry(i).or_insert_with(|| Tail {
                field: t.field.clone(),
                ..Tail::default()
            });
            mine.open += t.open;
            mine.silent += t.silent;
            mine.sample.extend(t.sample);
            mine.sample.sort();
            mine.sample.truncate(SAMPLE);
        }
    }
}
