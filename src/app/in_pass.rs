//! The stage rules in an import's or a sync's own pass, for both commands: whether they judge
//! the cards as they come, and what runs once the cards are in.

use color_eyre::Result;

use super::Paths;
use crate::domain::Funnel;
use crate::store::Store;
use crate::sync::import::PassRules;

/// The rules as the pass judges new cards; `None` with `--no-check` or a dry run.
pub fn rules(
    paths: &Paths,
    store: &Store,
    fingerprint: &str,
    skip: bool,
) -> Result<Option<PassRules>> {
    if skip {
        return Ok(None);
    }
    Ok(Some(judging(fingerprint, paths.today(store)?)))
}

/// The pass's rules as of `today` by the funnel of `fingerprint` (a team server's import and
/// sync judge every card they write: no `--no-check` there).
pub fn judging(fingerprint: &str, today: chrono::NaiveDateTime) -> PassRules {
    PassRules {
        today,
        ran_for: super::audit::ran_for(fingerprint, today),
    }
}

/// After cards changed: the funnel the run wrote them under is noted as of the run's start
/// (`started`, the clock its moves are dated by: see [`super::funnel_versions::note_at`]),
/// then the rules' marker is dropped (`--no-check`), or the rules run over the whole store
/// (the pass could not judge every card), or the renamed stages' cards are looked for.
pub fn after(
    paths: &Paths,
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
    started: chrono::NaiveDateTime,
    no_check: bool,
    all_judged: bool,
) -> Result<()> {
    // Also with `--no-check`: the run's moves were found under this funnel, whichever command
    // judges by it first.
    super::funnel_versions::note_at(store, funnel, fingerprint, started);
    if no_check {
        super::audit::mark_stale(store)
    } else if !all_judged {
        let today = paths.today(store)?;
        super::audit::refresh(store, funnel, fingerprint, today, true).map(drop)
    } else {
        // Judged in the pass: the renamed stages' cards are looked for as the rules run would.
        super::audit::mend_renamed(store, funnel, fingerprint)
    }
}
