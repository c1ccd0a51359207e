//! `okk funnel init --from-store`: a starting funnel from the stages the store's cards carry,
//! in the CRM's own order where a sync read it, else ordered by how cards move; won and lost
//! guessed, near-duplicate spellings as aliases — written as commented TOML for the user to
//! edit.

use crate::domain::fill::StageStats;
use crate::domain::funnel::StageKind;
use crate::domain::names::fold;
use crate::domain::suggest::HistoryTally;
use crate::domain::suggest::order::{mostly_closed, observed_order};
use crate::text::init as words;

/// Two folded names this alike (normalised Damerau–Levenshtein) are one stage spelt twice.
const ALIKE: f64 = 0.85;

/// One stage of the funnel to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: StageKind,
    pub stats: StageStats,
    /// Its place in the CRM's order (its name's or an alias's), when the CRM listed it.
    pub crm_rank: Option<usize>,
    /// The CRM pipelines that have it, written when the funnel merges several and not all
    /// have it ([`pipelines_of`]); empty: every pipeline.
    pub pipelines: Vec<String>,
}

/// Sets each planned stage's pipelines from `crm`'s (pipeline, stage) pairs (a sync's listing):
/// where several pipelines make the funnel, a stage some of them lack names those that have it,
/// so that the skip rule does not flag their cards for a stage their pipeline has not.
pub fn pipelines_of(planned: &mut [Planned], crm: &[(String, String)]) {
    let mut all: Vec<&str> = crm.iter().map(|(p, _)| p.as_str()).collect();
    all.sort_unstable();
    all.dedup();
    if all.len() < 2 {
        return;
    }
    for st in planned.iter_mut() {
        let names: Vec<String> = std::iter::once(&st.name)
            .chain(&st.aliases)
            .map(|n| fold(n))
            .collect();
        let mut have: Vec<String> = crm
            .iter()
            .filter(|(_, s)| names.contains(&fold(s)))
            .map(|(p, _)| p.clone())
            .collect();
        have.sort_unstable();
        have.dedup();
        if !have.is_empty() && have.len() < all.len() {
            st.pipelines = have;
        }
    }
}

/// The stages in the order to write them. `stages`: the CRM's stage names with what their cards
/// carry; `history` counted with an empty funnel (so by the CRM's names); `crm_order`: the
/// stage names in the CRM's own order (`domain::crm_stage::crm_order`; empty where no sync
/// read it). The stages the CRM lists come in its order, the others (cards of file imports)
/// after them in the order guessed from the cards; open stages first, then won, then lost.
pub fn plan(
    stages: &[(String, StageStats)],
    history: &HistoryTally,
    crm_order: &[String],
) -> Vec<Planned> {
    let groups = spellings(stages);
    let merged: Vec<(String, StageStats)> = groups
        .iter()
        .map(|(head, members)| {
            let mut st = stages[*head].1;
            for &m in members {
                st.add(&stages[m].1);
            }
            (stages[*head].0.clone(), st)
        })
        .collect();
    // The history counted by CRM names: spellings count as their group's head.
    let mut history = history.clone();
    for (head, members) in &groups {
        for &m in members {
            history.rename(&stages[m].0, &stages[*head].0);
        }
    }
    let refs: Vec<(&str, StageStats)> = merged.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    let mut rank: std::collections::HashMap<String, usize> = Default::default();
    for (i, name) in crm_order.iter().enumerate() {
        rank.entry(fold(name)).or_insert(i);
    }
    let mut planned: Vec<Planned> = observed_order(&refs, &history)
        .into_iter()
        .map(|i| {
            let (head, members) = &groups[i];
            let name = stages[*head].0.clone();
            // Any of its spellings the CRM lists places it.
            let crm_rank = std::iter::once(*head)
                .chain(members.iter().copied())
                .filter_map(|m| rank.get(&fold(&stages[m].0)).copied())
                .min();
            let aliases = aliases(&name, members.iter().map(|&m| &stages[m].0));
            Planned {
                kind: guess_kind(&name, &merged[i].1),
                name,
                aliases,
                stats: merged[i].1,
                crm_rank,
                pipelines: Vec::new(),
            }
        })
        .collect();
    // Stable: the stages the CRM does not list keep the guessed order among themselves.
    planned.sort_by_key(|p| p.crm_rank.unwrap_or(usize::MAX));
    // Open stages in their order, then won, then lost (a name can say won where the data
    // cannot: amoCRM exports no won flag).
    planned.sort_by_key(|p| match p.kind {
        StageKind::Open => 0,
        StageKind::Won => 1,
        StageKind::Lost => 2,
    });
    planned
}

/// Spellings of one stage grouped: each group's head (the spelling with most cards, which
/// keeps the name) and its other members, as indexes into `stages`.
fn spellings(stages: &[(String, StageStats)]) -> Vec<(usize, Vec<usize>)> {
    let mut by_cards: Vec<usize> = (0..stages.len()).collect();
    by_cards.sort_by(|&a, &b| {
        stages[b]
            .1
            .cards
            .cmp(&stages[a].1.cards)
            .then(stages[a].0.cmp(&stages[b].0))
    });
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in by_cards {
        let key = fold(&stages[i].0);
        let home = groups.iter_mut().find(|(head, _)| {
            let other = fold(&stages[*head].0);
            other == key || strsim::normalized_damerau_levenshtein(&other, &key) >= ALIKE
        });
        match home {
            Some((_, members)) => members.push(i),
            None => groups.push((i, Vec::new())),
        }
    }
    groups
}

/// The other spellings a stage named `name` needs as aliases.
fn aliases<'a>(name: &str, spellings: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut aliases: Vec<String> = Vec::new();
    for a in spellings {
        // okk compares names loosely: a spelling equal once folded needs no alias.
        if fold(a) != fold(name) && !aliases.iter().any(|x| fold(x) == fold(a)) {
            aliases.push(a.clone());
        }
    }
    aliases
}

/// Won or lost by the name (the words CRMs and the built-in funnel use), else by the cards:
/// mostly closed and mostly won is won, mostly closed otherwise lost.
pub fn guess_kind(name: &str, stats: &StageStats) -> StageKind {
    let builtin = super::default_funnel();
    if let Some(i) = builtin.resolve(name) {
        return builtin.stage(i).kind;
    }
    let n = fold(name);
    const LOST: &[&str] = &[
        "lost",
        "не реализ",
        "проигр",
        "отказ",
        "неуспеш",
        "closed lost",
        "unqualified",
    ];
    const WON: &[&str] = &["won", "успешн", "выигр", "реализовано", "оплачен"];
    if LOST.iter().any(|w| n.contains(w)) {
        return StageKind::Lost;
    }
    if WON.iter().any(|w| n.contains(w)) {
        return StageKind::Won;
    }
    if mostly_closed(stats) {
        return if stats.won * 2 >= stats.cards {
            StageKind::Won
        } else {
            StageKind::Lost
        };
    }
    StageKind::Open
}

fn quoted(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// The funnel file: a header saying where it came from (and where its order did: the CRM's,
/// when it listed any of the stages), the columns the cards carry (as comments to declare),
/// then the stages.
pub fn render(
    name: &str,
    cards: u64,
    stages: &[Planned],
    columns: &[(String, u64, u64)],
    moved_cards: u64,
    no_task: bool,
) -> String {
    let mut out = String::new();
    let guessed = stages.iter().filter(|s| s.crm_rank.is_none()).count();
    let header = if guessed < stages.len() {
        words::header_crm_order(cards, guessed as u64)
    } else {
        words::header(cards, moved_cards)
    };
    for l in header.lines() {
        out.push_str(&format!("# {l}\n").replace("# \n", "#\n"));
    }
    out.push_str(&format!("\nname = {}\n", quoted(name)));
    if !columns.is_empty() {
        out.push('\n');
        for l in words::columns_intro().lines() {
            out.push_str(&format!("# {l}\n"));
        }
        for (col, filled, dates) in columns {
            let kind = if *dates * 10 >= *filled * 9 {
                "date"
            } else {
                "text"
            };
            out.push_str(&format!(
                "# [[custom_fields]]\n# name = {}\n# type = \"{kind}\"    # {}\n#\n",
                quoted(col),
                words::column_note(*filled, cards)
            ));
        }
    }
    for st in stages {
        out.push('\n');
        out.push_str(&format!("# {}\n", words::stage_note(&st.stats)));
        out.push_str(&format!("[[stages]]\nname = {}\n", quoted(&st.name)));
        if !st.aliases.is_empty() {
            let a: Vec<String> = st.aliases.iter().map(|a| quoted(a)).collect();
            out.push_str(&format!(
                "aliases = [{}]    # {}\n",
                a.join(", "),
                words::aliases_note()
            ));
        }
        let kind = match st.kind {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        };
        out.push_str(&format!("kind = \"{kind}\"\n"));
        if !st.pipelines.is_empty() {
            let p: Vec<String> = st.pipelines.iter().map(|p| quoted(p)).collect();
            out.push_str(&format!(
                "pipelines = [{}]    # {}\n",
                p.join(", "),
                words::pipelines_note()
            ));
        }
        if st.kind == StageKind::Open {
            out.push_str(&format!(
                "# max_idle_days = 14    # {}\n",
                words::idle_note()
            ));
            if no_task {
                out.push_str(&format!(
                    "[[stages.rules]]\nkind = \"no_task\"    # {}\n",
                    words::no_task_note()
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn st(cards: u64, closed: u64, won: u64, filled: u64) -> StageStats {
        StageStats {
            cards,
            closed,
            won,
            filled,
            created_days: 0,
            created: 0,
        }
    }

    #[test]
    fn spellings_merge_into_the_busier_one_and_history_orders_the_rest() {
        let stages = vec![
            ("Negotiation".to_string(), st(10, 0, 0, 30)),
            ("Negotiaton".to_string(), st(2, 0, 0, 6)),
            ("Prospecting".to_string(), st(20, 0, 0, 60)),
            ("Paid".to_string(), st(5, 5, 5, 20)),
        ];
        // Histories say Prospecting → Negotiaton (the misspelling) three times, although
        // Prospecting's cards carry as many fields per card as Negotiation's.
        let empty = crate::domain::Funnel::new(
            String::new(),
            vec![],
            vec![],
            crate::domain::funnel::DefaultAnswer::Pass,
        );
        let mut h = HistoryTally::default();
        let d = |n| {
            NaiveDate::from_ymd_opt(2026, 1, n)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        for _ in 0..3 {
            h.add(
                &empty,
                &[(d(1), "Prospecting".into()), (d(5), "Negotiaton".into())],
            );
        }
        let planned = plan(&stages, &h, &[]);
        let names: Vec<&str> = planned.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Prospecting", "Negotiation", "Paid"]);
        assert_eq!(planned[1].aliases, ["Negotiaton"]);
        assert_eq!(planned[1].stats.cards, 12);
        assert_eq!(planned[2].kind, StageKind::Won);
        assert_eq!(guess_kind("Closed Lost", &st(3, 3, 0, 0)), StageKind::Lost);
    }

    /// The CRM's order beats the guess (a misspelling placed by its spelling the CRM lists);
    /// stages the CRM does not list come after, closed stages last.
    #[test]
    fn the_crms_order_places_the_stages_it_lists_and_the_rest_follow() {
        let stages = vec![
            ("Negotiation".to_string(), st(10, 0, 0, 30)),
            ("Negotiaton".to_string(), st(20, 0, 0, 6)),
            ("Prospecting".to_string(), st(20, 0, 0, 60)),
            ("From a file".to_string(), st(3, 0, 0, 0)),
            ("Paid".to_string(), st(5, 5, 5, 20)),
        ];
        let order: Vec<String> = ["Paid", "negotiation", "Prospecting"]
            .map(String::from)
            .to_vec();
        let planned = plan(&stages, &HistoryTally::default(), &order);
        let names: Vec<(&str, Option<usize>)> = planned
            .iter()
            .map(|p| (p.name.as_str(), p.crm_rank))
            .collect();
        assert_eq!(
            names,
            [
                ("Negotiaton", Some(1)),
                ("Prospecting", Some(2)),
                ("From a file", None),
                ("Paid", Some(0)),
            ]
        );
    }
}
