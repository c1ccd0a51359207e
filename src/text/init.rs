//! The comments `okk funnel init --from-store` writes into the funnel it makes, and its messages.

use std::path::Path;

use crate::domain::fill::StageStats;

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_string()
    } else {
        format!(
            "{}%",
            super::i18n::rounded(part as f64 / whole as f64 * 100.0, 0)
        )
    }
}

pub fn header(cards: u64, moved: u64) -> String {
    crate::tr!("init-header", cards = cards, moved = moved)
}

/// The header when the CRM's order placed the stages (`guessed`: those it did not list).
pub fn header_crm_order(cards: u64, guessed: u64) -> String {
    let mut s = crate::tr!("init-header-crm", cards = cards);
    if guessed > 0 {
        s.push('\n');
        s.push_str(&crate::tr!("init-header-crm-guessed", guessed = guessed));
    }
    s
}

pub fn columns_intro() -> String {
    crate::tr!("init-columns-intro")
}

pub fn column_note(filled: u64, cards: u64) -> String {
    crate::tr!("init-column-note", share = pct(filled, cards))
}

pub fn stage_note(s: &StageStats) -> String {
    crate::tr!(
        "init-stage-note",
        cards = s.cards,
        closed = pct(s.closed, s.cards),
        won = pct(s.won, s.cards),
        fields = crate::text::i18n::decimal(crate::text::lang::current(), s.mean_filled(), 1)
    )
}

pub fn aliases_note() -> String {
    crate::tr!("init-aliases-note")
}

pub fn idle_note() -> String {
    crate::tr!("init-idle-note")
}

pub fn pipelines_note() -> String {
    crate::tr!("init-pipelines-note")
}

pub fn no_task_note() -> String {
    crate::tr!("init-no-task-note")
}

/// `okk funnel init --from-store` put `no_task` on the `open` stages.
pub fn no_task_on(open: u64) -> String {
    crate::tr!("init-no-task-on", open = open)
}

pub fn funnel_name(store: &Path) -> String {
    crate::tr!(
        "init-funnel-name",
        store = store
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    )
}

pub fn store_has_no_cards(store: &Path) -> String {
    crate::tr!("init-no-cards", store = store.display().to_string())
}

pub fn wrote(path: &Path, stages: usize) -> String {
    let shown = path.display().to_string();
    // Pasted as shown, the suggested command works for a path with a space in it too.
    let arg = super::shell::word(&shown).into_owned();
    crate::tr!("init-wrote", path = shown, arg = arg, stages = stages)
}

/// After a funnel file written: how okk comes to use it (`--funnel`, `OKK_FUNNEL`, or in place
/// of the default funnel file, when there is a home to hold one).
pub fn use_it(path: &Path, default: Option<&Path>) -> String {
    let arg = super::shell::word(&path.display().to_string()).into_owned();
    match default {
        Some(default) => crate::tr!(
            "init-use-it",
            arg = arg,
            default = default.display().to_string()
        ),
        None => crate::tr!("init-use-it-no-default", arg = arg),
    }
}

/// `okk funnel init --out PATH`: the built-in funnel written there.
pub fn wrote_builtin(path: &Path, stages: usize) -> String {
    let shown = path.display().to_string();
    let arg = super::shell::word(&shown).into_owned();
    crate::tr!(
        "init-wrote-builtin",
        path = shown,
        arg = arg,
        stages = stages
    )
}

/// Several pipelines' cards made one funnel: each with its cards.
pub fn pipelines_merged(pipelines: &[(String, u64)]) -> String {
    let list: Vec<String> = pipelines
        .iter()
        .map(|(p, n)| {
            crate::tr!(
                "init-pipeline-cards",
                pipeline = super::safe::line(p),
                cards = *n
            )
        })
        .collect();
    crate::tr!(
        "init-pipelines-merged",
        count = pipelines.len() as u64,
        list = list.join(", ")
    )
}

/// The store keeps no order of the CRM's stages: the order written is read from the data.
pub fn order_guessed(moved: u64) -> String {
    crate::tr!("init-order-guessed", moved = moved)
}

/// The stages came in the CRM's own order, as a sync read it.
pub fn order_from_crm() -> String {
    crate::tr!("init-order-from-crm")
}

/// `guessed` stages the CRM did not list (cards of file imports) follow its, in a guessed order.
pub fn order_partly_guessed(guessed: u64) -> String {
    crate::tr!("init-order-partly-guessed", guessed = guessed)
}

pub fn exists(path: &Path) -> String {
    crate::tr!("init-exists", path = path.display().to_string())
}

#[cfg(test)]
mod tests {
    use crate::text::lang::{Lang, with};

    #[test]
    fn the_check_it_suggests_works_pasted_for_a_path_with_a_space() {
        with(Lang::En, || {
            let said = super::wrote(std::path::Path::new("/tmp/my desk/funnel.toml"), 9);
            assert!(
                said.ends_with("`okk funnel check --funnel '/tmp/my desk/funnel.toml'`."),
                "{said}"
            );
            let plain = super::wrote(std::path::Path::new("/tmp/desk/funnel.toml"), 9);
            assert!(
                plain.ends_with("--funnel /tmp/desk/funnel.toml`."),
                "{plain}"
            );
        });
    }
}
