//! The silent tail of a stage after a meeting (a stage with a `past` date rule): open cards
//! whose meeting is long past and that nobody has touched since.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use crate::domain::fill::{CardFields, is_filled};
use crate::domain::funnel::{FieldRef, Funnel};
use crate::domain::names::fold;
use crate::domain::rules::values::parse_day;
use crate::domain::rules::{MustBe, Rule};

/// How many sample cards a proposal names.
const SAMPLE: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct SilentTally {
    /// Funnel stage index → its tail.
    pub stages: HashMap<usize, Tail>,
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
        let Some(i) = funnel.resolve(card.stage) else {
            return;
        };
        let Some(field) = meeting_field(funnel, i) else {
            return;
        };
        let tail = self.stages.entry(i).or_insert_with(|| Tail {
            field: field.to_string(),
            ..Tail::default()
        });
        tail.open += 1;
        let Some(cutoff) = today.checked_sub_days(Days::new(u64::from(funnel.suggest.silent_days)))
        else {
            return;
        };
        let keys = funnel.custom_keys(field);
        let meeting = card
            .fields
            .iter()
            .find(|(h, v)| is_filled(v) && keys.contains(&fold(h)))
            .and_then(|(_, v)| parse_day(v));
        let silent =
            meeting.is_some_and(|m| m <= cutoff) && card.touched.is_some_and(|t| t <= cutoff);
        if silent {
            tail.silent += 1;
            tail.sample.push(card.external_id.to_string());
            tail.sample.sort();
            tail.sample.truncate(SAMPLE);
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
