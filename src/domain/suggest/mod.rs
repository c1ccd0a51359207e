//! `okk funnel suggest`: proposals for the funnel itself, drawn from the store — a silent tail
//! to split off, a column to bind, idle limits from reality, stages to merge or drop, stages
//! to watch first, a stage the auditors keep asking for. Pure: the store streams the counts in.

pub mod history;
pub mod order;
pub mod settings;
mod silent;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

pub use history::HistoryTally;
pub use settings::SuggestSettings;
pub use silent::SilentTally;

use super::columns::{SourceColumns, is_owner_id_column};
use super::fill::{FillTally, share};
use super::funnel::{FieldKind, FieldRef, Funnel, StageKind};
use super::names::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    UnknownStage,
    SilentTail,
    BindField,
    IdleLimit,
    MergeStage,
    DropStage,
    ExtraControl,
    MissingStage,
}

/// A stage the funnel does not have yet; its name is the reader's language's (`text::suggest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NewStage {
    /// The silent cards after this stage.
    SilentAfter(String),
    /// Between two stages the auditors keep moving cards across.
    Between(String, String),
    /// A stage the auditors named that the funnel lacks.
    Named(String),
}

/// What a proposal changes in the funnel file.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set `max_idle_days` (or clear it with `None`) on a stage.
    IdleLimit { stage: String, days: u32 },
    /// `extra_control = true` on a stage.
    ExtraControl { stage: String },
    /// `skippable = true` on a stage.
    Skippable { stage: String },
    /// A new open stage right after `after`.
    AddStage {
        after: String,
        name: NewStage,
        max_idle_days: Option<u32>,
        fields: Vec<String>,
        skippable: bool,
    },
    /// Bind a field (declaring it first if `declare`) to stages and require it at some.
    BindField {
        field: String,
        declare: Option<FieldKind>,
        bind: Vec<String>,
        require: Vec<String>,
    },
    /// Remove `stage`; its name and aliases become aliases of `into`.
    MergeStage { stage: String, into: String },
    /// Remove `stage`; its name and aliases become aliases of `into` (its cards, if any turn
    /// up again, are not unknown).
    DropStage { stage: String, into: String },
    /// `alias` becomes one of `stage`'s aliases.
    AddAlias { stage: String, alias: String },
}

/// A stage's share of something, with its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageShare {
    pub stage: String,
    pub cards: u64,
    pub part: u64,
    pub rate: Option<f64>,
}

/// The numbers a proposal rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    /// Cards at a CRM stage the funnel does not have; `like`: a funnel stage its name is close
    /// to; `after`: the funnel stage it is proposed after (when not `like`).
    UnknownStage {
        cards: u64,
        like: Option<String>,
        after: Option<String>,
        /// A funnel stage that holds no card now and whose cards most of these came from: the
        /// CRM probably renamed it (then `like` is it too, and the edit an alias).
        #[serde(skip_serializing_if = "Option::is_none")]
        renamed_from: Option<String>,
    },
    SilentTail {
        field: String,
        silent_days: u32,
        open_cards: u64,
        silent_cards: u64,
        share: Option<f64>,
        sample: Vec<String>,
    },
    BindField {
        field: String,
        declared: bool,
        kept: Vec<StageShare>,
        not_kept: Vec<StageShare>,
        /// The kept stage cards reach first, by their histories and what they carry.
        earliest: String,
    },
    IdleLimit {
        limit: Option<u32>,
        percentile: u32,
        days: u32,
        moves: u64,
    },
    MergeStage {
        passing: u64,
        skipped: u64,
        within_a_day: u64,
        share: Option<f64>,
        into: String,
    },
    DropStage {
        cards: u64,
        last_entry: Option<NaiveDate>,
        unused_days: u32,
    },
    /// A stage the CRM emptied as it added `added` beside it: of the `left` cards that left it
    /// since, `went` went to `into` (its names become `into`'s aliases), `to_added` to `added`.
    Removed {
        left: u64,
        into: String,
        went: u64,
        added: String,
        to_added: u64,
    },
    ExtraControl {
        cards: u64,
        not_ok: u64,
        share: Option<f64>,
    },
    MissingStage {
        from: String,
        to: String,
        cards: u64,
        known: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// 1, 2, … in the order listed: `--apply N` names one.
    pub id: usize,
    pub kind: Kind,
    pub stage: String,
    pub evidence: Evidence,
    pub edit: Edit,
}

/// Everything the proposals are drawn from.
pub struct Observed<'a> {
    pub fill: &'a FillTally,
    pub silent: &'a SilentTally,
    pub history: &'a HistoryTally,
    /// (stage when reviewed, reviews, not ok).
    pub verdicts: &'a [(String, u64, u64)],
    /// (from, to, reviews): the auditors' wrong-stage suggestions.
    pub moves: &'a [(String, String, u64)],
    /// The last day a card entered each CRM stage.
    pub last_entries: &'a [(String, NaiveDate)],
    /// Which columns each source's exports ever had: a stage's cards from a source that never
    /// exported a column say nothing of how it is kept.
    pub sources: &'a [(String, SourceColumns)],
    pub today: NaiveDate,
}

/// The funnel and the store hardly meet: most of its open stages see no card enter, or most
/// cards are at stages it does not have. Dropping stages one by one would not mend it; a funnel
/// drawn from the store would (`okk funnel init --from-store`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// The funnel's open stages, and those no card entered for `unused_days`.
    pub open: usize,
    pub unused: usize,
    pub unused_days: u32,
    /// Cards (not gone), and those at stages the funnel does not have.
    pub cards: u64,
    pub unknown_cards: u64,
}

/// The store's history was recorded in one sitting, and stays of a day or less were left out
/// of the idle limits and merges (`HistoryTally::in_one_sitting`): said with the proposals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneSitting {
    /// When the first and the last import or sync began.
    pub from: chrono::NaiveDateTime,
    pub to: chrono::NaiveDateTime,
    /// Forward moves whose stay was left out.
    pub stays_left_out: u64,
}

/// The note of a history from one sitting, when it left any stay out.
pub fn one_sitting(seen: &Observed) -> Option<OneSitting> {
    let (from, to) = seen.history.one_sitting?;
    (seen.history.unclear > 0).then_some(OneSitting {
        from,
        to,
        stays_left_out: seen.history.unclear,
    })
}

/// The mismatch, when the funnel and the store hardly meet.
pub fn mismatch(funnel: &Funnel, seen: &Observed) -> Option<Mismatch> {
    let open = open_stages(funnel).count();
    let unused = unused_stages(funnel, seen).len();
    let cards: u64 = seen.fill.stage_cards().values().sum();
    let unknown_cards: u64 = unknown_stages(funnel, seen).iter().map(|(_, n, _)| n).sum();
    let m = Mismatch {
        open,
        unused,
        unused_days: funnel.suggest.unused_days,
        cards,
        unknown_cards,
    };
    (open > 0 && (unused * 2 > open || unknown_cards * 2 > cards.max(1))).then_some(m)
}

/// Every proposal, numbered, kinds in the order of [`Kind`].
pub fn suggest(funnel: &Funnel, seen: &Observed) -> Vec<Suggestion> {
    let mut out: Vec<(Kind, String, Evidence, Edit)> = Vec::new();
    unknown(funnel, seen, &mut out);
    silent_tails(funnel, seen, &mut out);
    bind_fields(funnel, seen, &mut out);
    // A stage cards pass within a day is proposed for merging, not for a one-day limit.
    let mut merged = Vec::new();
    merges(funnel, seen, &mut merged);
    idle_limits(funnel, seen, &merged, &mut out);
    out.append(&mut merged);
    // Where the funnel does not fit the store at all, dropping its stages one by one into
    // each other says nothing: the mismatch is said once instead (`mismatch`).
    if mismatch(funnel, seen).is_none() {
        drops(funnel, seen, &mut out);
    }
    extra_control(funnel, seen, &mut out);
    missing(funnel, seen, &mut out);
    out.into_iter()
        .enumerate()
        .map(|(i, (kind, stage, evidence, edit))| Suggestion {
            id: i + 1,
            kind,
            stage,
            evidence,
            edit,
        })
        .collect()
}

type Out = Vec<(Kind, String, Evidence, Edit)>;

fn open_stages(funnel: &Funnel) -> impl Iterator<Item = (usize, &crate::domain::Stage)> {
    funnel
        .stages
        .iter()
        .enumerate()
        .filter(|(_, st)| st.kind == StageKind::Open)
}

fn silent_tails(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    for (i, stage) in open_stages(funnel) {
        let Some(t) = seen.silent.stages.get(&i) else {
            continue;
        };
        // A stage that already tolerates that much silence is the silent cards' stage; a stage
        // followed by such a stage has its silent stage already (its cards want moving there).
        let tolerant =
            |st: &crate::domain::Stage| st.max_idle_days.is_some_and(|d| d >= s.silent_days);
        if tolerant(stage)
            || funnel.stages.get(i + 1).is_some_and(|next| {
                tolerant(next) && silent::meeting_field(funnel, i + 1) == Some(t.field.as_str())
            })
        {
            continue;
        }
        if t.open < s.min_cards || t.silent == 0 {
            continue;
        }
        let rate = share(t.silent, t.open);
        if rate.unwrap_or(0.0) < s.silent_share {
            continue;
        }
        out.push((
            Kind::SilentTail,
            stage.name.clone(),
            Evidence::SilentTail {
                field: t.field.clone(),
                silent_days: s.silent_days,
                open_cards: t.open,
                silent_cards: t.silent,
                share: rate,
                sample: t.sample.clone(),
            },
            Edit::AddStage {
                after: stage.name.clone(),
                name: NewStage::SilentAfter(stage.name.clone()),
                max_idle_days: Some(s.silent_days),
                fields: stage.fields.clone(),
                skippable: true,
            },
        ));
    }
}

fn bind_fields(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    let stats: HashMap<&str, _> = seen.fill.stages().collect();
    for (field, values, dates) in seen.fill.field_values() {
        // The owner's CRM id the sync keeps for writing a move back: okk's to fill, not a
        // manager's, so binding or requiring it asks nothing of anyone.
        if values == 0 || is_owner_id_column(field) {
            continue;
        }
        let judged = judged_stages(funnel, seen, field);
        let (kept, not_kept) = kept_and_not(seen.fill, field, &judged, s);
        if kept.is_empty() || not_kept.is_empty() {
            continue;
        }
        let declared = funnel.custom_field(field);
        let key = fold(field);
        // Bound or required: the funnel checks it there already.
        let already = |i: usize| {
            let st = funnel.stage(i);
            st.fields.iter().any(|f| fold(f) == key)
                || st
                    .required
                    .iter()
                    .any(|r| matches!(&r.field, FieldRef::Custom(n) if fold(n) == key))
        };
        if kept.iter().all(|(i, _)| already(*i)) {
            continue;
        }
        // The earliest kept stage by what the data says, not by the funnel's order.
        let obs: Vec<(&str, crate::domain::fill::StageStats)> = kept
            .iter()
            .map(|(_, r)| {
                let st = stats.get(r.stage.as_str()).copied().copied();
                (r.stage.as_str(), st.unwrap_or_default())
            })
            .collect();
        let order = order::observed_order(&obs, seen.history);
        let earliest = obs[order[0]].0.to_string();
        let name = declared.map_or_else(|| field.to_string(), |f| f.name.clone());
        let kind = if dates * 10 >= values * 9 {
            FieldKind::Date
        } else {
            FieldKind::Text
        };
        let bind: Vec<String> = order.iter().map(|&k| obs[k].0.to_string()).collect();
        out.push((
            Kind::BindField,
            earliest.clone(),
            Evidence::BindField {
                field: name.clone(),
                declared: declared.is_some(),
                kept: kept.iter().map(|(_, r)| r.clone()).collect(),
                not_kept,
                earliest,
            },
            Edit::BindField {
                field: name,
                declare: declared.is_none().then_some(kind),
                require: bind.clone(),
                bind,
            },
        ));
    }
}

/// The open stages the funnel knows with cards enough to judge how `field` is kept there:
/// (index, name, cards), counting only the cards of sources whose exports have had the column
/// (or whose columns okk does not know). A stage whose cards all come from sources that never
/// export it is neither keeping it nor not.
fn judged_stages<'f>(
    funnel: &'f Funnel,
    seen: &Observed,
    field: &str,
) -> Vec<(usize, &'f str, u64)> {
    let field_ref = FieldRef::Custom(
        funnel
            .custom_field(field)
            .map_or_else(|| field.to_string(), |f| f.name.clone()),
    );
    let may_export = |source: &str| {
        seen.sources
            .iter()
            .find(|(s, _)| s == source)
            .is_none_or(|(_, c)| c.is_empty() || c.exports(&field_ref, funnel))
    };
    open_stages(funnel)
        .filter_map(|(i, st)| {
            let n: u64 = (seen.fill.stage_sources(&st.name).into_iter())
                .filter(|(source, _)| may_export(source))
                .map(|(_, n)| n)
                .sum();
            (n >= funnel.suggest.min_cards).then_some((i, st.name.as_str(), n))
        })
        .collect()
}

/// The judged stages (index, name, cards) that keep `field` in at least `bind_kept` of their
/// cards, and those that keep it in at most `bind_unkept`.
fn kept_and_not(
    fill: &FillTally,
    field: &str,
    judged: &[(usize, &str, u64)],
    s: &SuggestSettings,
) -> (Vec<(usize, StageShare)>, Vec<StageShare>) {
    let filled = fill.filled_by_stage(field);
    let row = |&(_, name, n): &(usize, &str, u64)| {
        // A card of a source left out of `n` has it filled only from an import okk kept no
        // columns of: never more than the cards counted.
        let part = filled.get(name).copied().unwrap_or(0).min(n);
        StageShare {
            stage: name.to_string(),
            cards: n,
            part,
            rate: share(part, n),
        }
    };
    let kept = judged
        .iter()
        .filter(|j| row(j).rate.unwrap_or(0.0) >= s.bind_kept)
        .map(|j| (j.0, row(j)))
        .collect();
    let not_kept = judged
        .iter()
        .map(row)
        .filter(|r| r.rate.unwrap_or(0.0) <= s.bind_unkept)
        .collect();
    (kept, not_kept)
}

fn idle_limits(funnel: &Funnel, seen: &Observed, merged: &Out, out: &mut Out) {
    let s = &funnel.suggest;
    for (i, stage) in open_stages(funnel) {
        if merged.iter().any(|(_, m, _, _)| *m == stage.name) {
            continue;
        }
        let Some(stays) = seen.history.stays.get(&i) else {
            continue;
        };
        if (stays.len() as u64) < s.min_moves {
            continue;
        }
        let mut stays = stays.clone();
        let Some(p) = history::percentile(&mut stays, s.idle_percentile) else {
            continue;
        };
        let p = p.max(1);
        let far = match stage.max_idle_days {
            None => true,
            Some(limit) => {
                p != limit && f64::from(p.abs_diff(limit)) >= s.idle_far * f64::from(limit)
            }
        };
        if !far {
            continue;
        }
        out.push((
            Kind::IdleLimit,
            stage.name.clone(),
            Evidence::IdleLimit {
                limit: stage.max_idle_days,
                percentile: s.idle_percentile,
                days: p,
                moves: stays.len() as u64,
            },
            Edit::IdleLimit {
                stage: stage.name.clone(),
                days: p,
            },
        ));
    }
}

/// The next open stage after `i`, in the funnel's order.
fn next_open(funnel: &Funnel, i: usize) -> Option<&str> {
    funnel.stages[i + 1..]
        .iter()
        .find(|st| st.kind == StageKind::Open)
        .map(|st| st.name.as_str())
}

fn merges(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    for (i, stage) in open_stages(funnel) {
        let skipped = seen.history.skipped(i);
        let left = seen.history.stays.get(&i).map_or(0, |v| v.len() as u64);
        let quick = seen.history.quick.get(&i).copied().unwrap_or(0);
        let passing = skipped + left;
        if passing < s.min_moves {
            continue;
        }
        let rate = share(skipped + quick, passing);
        if rate.unwrap_or(0.0) < s.skip_share {
            continue;
        }
        let Some(into) = next_open(funnel, i) else {
            continue;
        };
        out.push((
            Kind::MergeStage,
            stage.name.clone(),
            Evidence::MergeStage {
                passing,
                skipped,
                within_a_day: quick,
                share: rate,
                into: into.to_string(),
            },
            Edit::MergeStage {
                stage: stage.name.clone(),
                into: into.to_string(),
            },
        ));
    }
}

/// The open stages no card has entered for `unused_days` (a sync saw it move there, or a card
/// there now was touched), with the last day one did.
fn unused_stages(funnel: &Funnel, seen: &Observed) -> Vec<(usize, Option<NaiveDate>)> {
    let s = &funnel.suggest;
    let mut last: HashMap<usize, NaiveDate> = HashMap::new();
    for (crm, day) in seen.last_entries {
        if let Some(i) = funnel.resolve(crm) {
            let e = last.entry(i).or_insert(*day);
            *e = (*e).max(*day);
        }
    }
    let Some(cutoff) = seen
        .today
        .checked_sub_days(chrono::Days::new(u64::from(s.unused_days)))
    else {
        return Vec::new();
    };
    open_stages(funnel)
        .map(|(i, _)| (i, last.get(&i).copied()))
        .filter(|(_, entry)| !entry.is_some_and(|d| d > cutoff))
        .collect()
}

fn drops(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    let cards = seen.fill.stage_cards();
    let unused = unused_stages(funnel, seen);
    let dropped = |i: usize| unused.iter().any(|(u, _)| *u == i);
    // A stage is dropped into a stage cards do enter: never into one proposed for dropping too.
    let used_open = |j: &usize| funnel.stage(*j).kind == StageKind::Open && !dropped(*j);
    for &(i, entry) in &unused {
        let stage = funnel.stage(i);
        // A stage proposed for merging (or for removal, as the CRM removed it) is not proposed
        // for dropping too.
        if out
            .iter()
            .any(|(k, s, _, _)| matches!(k, Kind::MergeStage | Kind::DropStage) && *s == stage.name)
        {
            continue;
        }
        let into = (0..i)
            .rev()
            .find(used_open)
            .or_else(|| (i + 1..funnel.stages.len()).find(used_open));
        let Some(into) = into else {
            continue;
        };
        out.push((
            Kind::DropStage,
            stage.name.clone(),
            Evidence::DropStage {
                cards: cards.get(stage.name.as_str()).copied().unwrap_or(0),
                last_entry: entry,
                unused_days: s.unused_days,
            },
            Edit::DropStage {
                stage: stage.name.clone(),
                into: funnel.stage(into).name.clone(),
            },
        ));
    }
}

/// How close two stage names must be to be spellings of one stage (as `okk funnel init`
/// merges them).
const ALIKE: f64 = 0.85;

/// The CRM stages cards (not gone) are at that the funnel does not resolve: (name, cards, the
/// funnel stage its name is close to), busiest first.
fn unknown_stages<'f>(funnel: &'f Funnel, seen: &Observed) -> Vec<(String, u64, Option<&'f str>)> {
    let mut rows: Vec<(String, u64, Option<&str>)> = seen
        .fill
        .stage_cards()
        .into_iter()
        .filter(|(name, n)| *n > 0 && funnel.resolve(name).is_none())
        .map(|(name, n)| {
            let key = fold(name);
            let like = funnel.stages.iter().find(|st| {
                std::iter::once(&st.name)
                    .chain(&st.aliases)
                    .any(|a| strsim::normalized_damerau_levenshtein(&fold(a), &key) >= ALIKE)
            });
            (name.to_string(), n, like.map(|st| st.name.as_str()))
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// The open funnel stage an unknown stage comes after: the last (in the funnel's order) that
/// cards were at before it; else the last whose name stands no later than its name says; else
/// the last open stage.
fn place(funnel: &Funnel, seen: &Observed, name: &str) -> Option<usize> {
    let open: Vec<usize> = open_stages(funnel).map(|(i, _)| i).collect();
    let before = open
        .iter()
        .rev()
        .find(|&&i| seen.history.lead(&funnel.stage(i).name, name) > 0);
    let by_name = order::name_hint(name).and_then(|h| {
        open.iter()
            .rev()
            .find(|&&i| order::name_hint(&funnel.stage(i).name).is_some_and(|own| own <= h))
    });
    before.or(by_name).or(open.last()).copied()
}

/// Cards at stages the funnel does not have: alias the stage to a funnel stage of a close
/// name, else add it (open stages with `min_cards` cards; a closed one only by its name).
fn unknown(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let stats: HashMap<&str, _> = seen.fill.stages().collect();
    for (name, cards, like) in unknown_stages(funnel, seen) {
        let closed = stats
            .get(name.as_str())
            .is_some_and(|s| order::mostly_closed(s));
        // A stage emptied into this one is the same stage under a new name, not a new stage.
        let renamed_from = like
            .is_none()
            .then(|| renamed_from(funnel, seen, &name, cards));
        let renamed_from = renamed_from.flatten();
        let like = like.or(renamed_from);
        let (after, edit) = match like {
            Some(like) => (
                None,
                Edit::AddAlias {
                    stage: like.to_string(),
                    alias: name.clone(),
                },
            ),
            None if closed || cards < funnel.suggest.min_cards => continue,
            None => {
                let Some(after) = place(funnel, seen, &name) else {
                    continue;
                };
                let after = funnel.stage(after).name.clone();
                (
                    Some(after.clone()),
                    Edit::AddStage {
                        after,
                        name: NewStage::Named(name.clone()),
                        max_idle_days: None,
                        fields: Vec::new(),
                        skippable: false,
                    },
                )
            }
        };
        // The stage the CRM removed as it added this one: proposed for removal beside it.
        let removed = (like.is_none())
            .then(|| removed_beside(funnel, seen, &name, cards))
            .flatten();
        out.push((
            Kind::UnknownStage,
            name.clone(),
            Evidence::UnknownStage {
                cards,
                like: like.map(str::to_string),
                after,
                renamed_from: renamed_from.map(str::to_string),
            },
            edit,
        ));
        let proposed =
            |r: &Removal| (out.iter()).any(|(k, s, _, _)| *k == Kind::DropStage && *s == r.stage);
        if let Some(r) = removed.filter(|r| !proposed(r)) {
            out.push((
                Kind::DropStage,
                r.stage.clone(),
                Evidence::Removed {
                    left: r.left,
                    into: r.into.clone(),
                    went: r.went,
                    added: name,
                    to_added: r.to_new,
                },
                Edit::DropStage {
                    stage: r.stage,
                    into: r.into,
                },
            ));
        }
    }
}

/// The cards (not gone) at the funnel's stage `i`, under any of its names.
fn cards_at(funnel: &Funnel, seen: &Observed, i: usize) -> u64 {
    (seen.fill.stage_cards().into_iter())
        .filter(|(name, _)| funnel.resolve(name) == Some(i))
        .map(|(_, n)| n)
        .sum()
}

/// The funnel stage the CRM probably renamed to the unknown `name` (holding `cards`), by the
/// rule an import uses ([`RenameEvidence::is_rename`]): one that holds no card now, most of
/// whose cards went to `name`, from which most of `name`'s cards came (the most, if several).
fn renamed_from<'f>(
    funnel: &'f Funnel,
    seen: &Observed,
    name: &str,
    cards: u64,
) -> Option<&'f str> {
    (funnel.stages.iter().enumerate())
        .map(|(i, st)| {
            let stayed = cards_at(funnel, seen, i);
            (
                st,
                seen.history.rename_evidence(&st.name, name, stayed, cards),
            )
        })
        .filter(|(_, e)| e.is_rename())
        .max_by_key(|(_, e)| e.moved)
        .map(|(st, _)| st.name.as_str())
}

/// An open funnel stage the CRM probably removed as it added the unknown `name` (holding
/// `cards`): it holds no card now, most of `name`'s cards came from it, but most of its own went
/// to one other stage of the funnel (`into`, with `went` of its `left` cards) — not a rename.
fn removed_beside(funnel: &Funnel, seen: &Observed, name: &str, cards: u64) -> Option<Removal> {
    open_stages(funnel)
        .filter_map(|(i, st)| {
            let e = seen.history.rename_evidence(&st.name, name, 0, cards);
            let beside = cards_at(funnel, seen, i) == 0
                && e.moved >= crate::domain::stage_rename::FEWEST
                && e.moved * 2 > cards
                && !e.is_rename();
            if !beside {
                return None;
            }
            let went = seen.history.went_since_first_to(&st.name, name);
            let (into, n) = went.iter().find(|(s, _)| funnel.resolve(s).is_some())?;
            let into = funnel.resolve(into)?;
            (into != i && *n * 2 > e.old).then(|| Removal {
                stage: st.name.clone(),
                into: funnel.stage(into).name.clone(),
                went: *n,
                left: e.old,
                to_new: e.moved,
            })
        })
        .max_by_key(|r| r.to_new)
}

struct Removal {
    stage: String,
    into: String,
    went: u64,
    left: u64,
    to_new: u64,
}

fn extra_control(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    let mut per: HashMap<usize, (u64, u64)> = HashMap::new();
    for (stage, n, bad) in seen.verdicts {
        if let Some(i) = funnel.resolve(stage) {
            let e = per.entry(i).or_default();
            e.0 += n;
            e.1 += bad;
        }
    }
    let mut rows: Vec<(usize, u64, u64)> = per
        .into_iter()
        .filter(|&(i, (n, bad))| {
            let st = funnel.stage(i);
            // A stage with no card left has nothing to control (its reviews are of cards
            // that moved on, or of a stage the CRM renamed).
            st.kind == StageKind::Open
                && cards_at(funnel, seen, i) > 0
                && !st.extra_control
                && n >= s.min_reviews
                && share(bad, n).unwrap_or(0.0) >= s.extra_control_share
        })
        .map(|(i, (n, bad))| (i, n, bad))
        .collect();
    // The highest share first.
    rows.sort_by(|a, b| {
        let (ra, rb) = (a.2 as f64 / a.1 as f64, b.2 as f64 / b.1 as f64);
        rb.total_cmp(&ra).then(a.0.cmp(&b.0))
    });
    for (i, n, bad) in rows {
        let name = funnel.stage(i).name.clone();
        out.push((
            Kind::ExtraControl,
            name.clone(),
            Evidence::ExtraControl {
                cards: n,
                not_ok: bad,
                share: share(bad, n),
            },
            Edit::ExtraControl { stage: name },
        ));
    }
}

fn missing(funnel: &Funnel, seen: &Observed, out: &mut Out) {
    let s = &funnel.suggest;
    let mut per: HashMap<(usize, String, bool), u64> = HashMap::new();
    for (from, to, n) in seen.moves {
        let Some(f) = funnel.resolve(from) else {
            continue;
        };
        let (to, known) = match funnel.resolve(to) {
            Some(t) if t == f => continue,
            Some(t) => (funnel.stage(t).name.clone(), true),
            None => (to.trim().to_string(), false),
        };
        *per.entry((f, to, known)).or_default() += n;
    }
    let mut rows: Vec<((usize, String, bool), u64)> = per
        .into_iter()
        .filter(|(_, n)| *n >= s.missing_moves)
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((f, to, known), n) in rows {
        let from = funnel.stage(f).name.clone();
        let name = if known {
            NewStage::Between(from.clone(), to.clone())
        } else {
            NewStage::Named(to.clone())
        };
        out.push((
            Kind::MissingStage,
            from.clone(),
            Evidence::MissingStage {
                from: from.clone(),
                to,
                cards: n,
                known,
            },
            Edit::AddStage {
                after: from,
                name,
                max_idle_days: None,
                fields: Vec::new(),
                skippable: true,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funnel_config::default_funnel;

    /// The stage histories and cards of a small funnel after the CRM emptied «Бронь»: `went`,
    /// where each of its cards went (all on one day), and the proposals drawn from them.
    fn after_emptying(went: &[(&str, usize)]) -> Vec<Suggestion> {
        let funnel = crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"Лид\"\n[[stages]]\nname = \"Бронь\"\n\
             [[stages]]\nname = \"Договор\"\n[[stages]]\nname = \"Успех\"\nkind = \"won\"\n\
             [[stages]]\nname = \"Отказ\"\nkind = \"lost\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let at = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
        };
        let (mut history, mut fill) = (HistoryTally::default(), FillTally::default());
        let mut id = 0;
        for (stage, n) in went {
            for _ in 0..*n {
                id += 1;
                let visits = [
                    (at(1), "Лид".to_string()),
                    (at(2), "Бронь".to_string()),
                    (at(23), stage.to_string()),
                ];
                history.add(&funnel, &visits);
                let ext = id.to_string();
                fill.add(
                    &funnel,
                    &crate::domain::fill::CardFields {
                        id,
                        external_id: &ext,
                        stage,
                        owner: None,
                        source: "amocrm",
                        created: None,
                        touched: None,
                        closed: false,
                        won: false,
                        fields: &[],
                    },
                );
            }
        }
        suggest(
            &funnel,
            &Observed {
                fill: &fill,
                silent: &SilentTally::default(),
                history: &history,
                verdicts: &[],
                moves: &[],
                last_entries: &[],
                sources: &[],
                today: at(23).date(),
            },
        )
    }

    /// tester37 F4: a week's export carries the rename with the week's moves and losses.
    #[test]
    fn a_stage_emptied_mostly_into_one_new_name_is_a_rename() {
        let list = after_emptying(&[("Бронь оформлена", 27), ("Договор", 11), ("Отказ", 4)]);
        let unknown = (list.iter())
            .find(|s| s.kind == Kind::UnknownStage)
            .unwrap();
        assert_eq!(
            unknown.edit,
            Edit::AddAlias {
                stage: "Бронь".into(),
                alias: "Бронь оформлена".into()
            },
            "{list:#?}"
        );
        assert!(!list.iter().any(|s| s.kind == Kind::DropStage), "{list:#?}");
    }

    /// tester37 F5: 11 of «Бронь»'s 42 cards at the new name, 31 at «Договор»: the CRM removed
    /// «Бронь» and added «Ипотека»: a new stage, and «Бронь» dropped into «Договор».
    #[test]
    fn a_stage_emptied_mostly_into_a_known_one_is_removed_beside_a_new_stage() {
        let list = after_emptying(&[("Ипотека", 11), ("Договор", 31)]);
        let unknown = (list.iter())
            .find(|s| s.kind == Kind::UnknownStage)
            .unwrap();
        assert!(
            matches!(&unknown.edit, Edit::AddStage { name: NewStage::Named(n), .. } if n == "Ипотека"),
            "{list:#?}"
        );
        let Evidence::UnknownStage { renamed_from, .. } = &unknown.evidence else {
            panic!("{unknown:?}");
        };
        assert_eq!(*renamed_from, None);
        let drop = (list.iter()).find(|s| s.kind == Kind::DropStage).unwrap();
        assert_eq!(
            drop.edit,
            Edit::DropStage {
                stage: "Бронь".into(),
                into: "Договор".into()
            }
        );
        assert_eq!(
            drop.evidence,
            Evidence::Removed {
                left: 42,
                into: "Договор".into(),
                went: 31,
                added: "Ипотека".into(),
                to_added: 11
            }
        );
        for lang in [crate::text::lang::Lang::En, crate::text::lang::Lang::Ru] {
            let said = crate::text::lang::with(lang, || crate::text::suggest::summary(drop));
            assert!(said.contains("31") && said.contains("«Договор»"), "{said}");
        }
    }

    #[test]
    fn a_silent_tail_before_the_funnels_own_silent_stage_asks_for_no_new_stage() {
        // The built-in funnel: Встреча проведена (limit 7) is followed by Молчуны после встречи
        // (limit 14, the same meeting date): its silent cards belong there. Контакт после
        // встречи (limit 7, followed by Бронирование) has no silent stage after it.
        let funnel = default_funnel();
        let tail = |i: usize| {
            (
                i,
                silent::Tail {
                    field: "Дата встречи в офисе продаж".into(),
                    open: 10,
                    silent: 5,
                    sample: vec![],
                },
            )
        };
        let held = funnel.resolve("Встреча проведена").unwrap();
        let after = funnel.resolve("Контакт после встречи").unwrap();
        let silent = SilentTally {
            stages: [tail(held), tail(after)].into_iter().collect(),
            ..SilentTally::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let list = suggest(
            &funnel,
            &Observed {
                fill: &FillTally::default(),
                silent: &silent,
                history: &HistoryTally::default(),
                verdicts: &[],
                moves: &[],
                last_entries: &[],
                sources: &[],
                today,
            },
        );
        let tails: Vec<&str> = list
            .iter()
            .filter(|s| s.kind == Kind::SilentTail)
            .map(|s| s.stage.as_str())
            .collect();
        assert_eq!(tails, ["Контакт после встречи"]);
    }

    /// Every open stage of the built-in funnel entered lately but two in a row: each is dropped
    /// into the stage before them that cards do enter, never one into the other.
    #[test]
    fn two_unused_stages_in_a_row_are_dropped_into_a_used_one_not_into_each_other() {
        let funnel = default_funnel();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let unused = ["Встреча назначена", "Встреча проведена"];
        let entries: Vec<(String, NaiveDate)> = open_stages(&funnel)
            .map(|(_, st)| st.name.clone())
            .filter(|n| !unused.contains(&n.as_str()))
            .map(|n| (n, today))
            .collect();
        let seen = Observed {
            fill: &FillTally::default(),
            silent: &SilentTally::default(),
            history: &HistoryTally::default(),
            verdicts: &[],
            moves: &[],
            last_entries: &entries,
            sources: &[],
            today,
        };
        assert_eq!(mismatch(&funnel, &seen), None);
        let drops: Vec<(String, String)> = suggest(&funnel, &seen)
            .into_iter()
            .filter_map(|s| match s.edit {
                Edit::DropStage { stage, into } => Some((stage, into)),
                _ => None,
            })
            .collect();
        let into = "Квалификация".to_string();
        assert_eq!(
            drops,
            [
                (unused[0].to_string(), into.clone()),
                (unused[1].to_string(), into)
            ]
        );
    }

    /// Most open stages unused: the mismatch is said, and no stage is proposed for dropping.
    #[test]
    fn a_funnel_most_of_whose_stages_nobody_enters_is_a_mismatch_not_a_list_of_drops() {
        let funnel = default_funnel();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let entries = [("Первичный контакт".to_string(), today)];
        let seen = Observed {
            fill: &FillTally::default(),
            silent: &SilentTally::default(),
            history: &HistoryTally::default(),
            verdicts: &[],
            moves: &[],
            last_entries: &entries,
            sources: &[],
            today,
        };
        assert!(suggest(&funnel, &seen).is_empty());
        let m = mismatch(&funnel, &seen).expect("a mismatch");
        assert_eq!((m.open, m.unused, m.unused_days), (9, 8, 60));
    }
}
