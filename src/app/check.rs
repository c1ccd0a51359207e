//! `okk check`: the flagged cards, streamed.

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, audit, user};
use crate::cli::CheckArgs;
use crate::domain::flag::RuleCode;
use crate::store::StoreError;
use crate::store::flags::FlaggedCard;
use crate::text::check as msg;

pub fn run(paths: &Paths, args: CheckArgs) -> Result<ExitCode> {
    if let Some(url) = paths.server() {
        return on_server(paths, url, args);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_existing_store()?;
    let today = paths.today(&store)?;
    audit::refresh(&mut store, &funnel, &fingerprint, today, false)?;
    audit::note_old_export(&store, today, paths.today)?;
    let stages = match &args.stage {
        Some(name) => Some(super::queue::crm_names(&store, &funnel, name)?),
        None => None,
    };
    let code = rule(&args)?;
    // Two connections (or a file and a connection) may hold the same account: their cards
    // would read alike but for where they came from.
    let sources = store.source_columns()?.len() > 1;
    list(&args, sources, |f| {
        store.flagged_cards(stages.as_deref(), code, f)
    })
}

/// `okk check` on a team server's store: by the store's funnel, as of the server's day. The
/// owner's or a lead's login re-judges every card when the flags are another day's or funnel's;
/// an auditor's (who may not write flags) sees them as the last run left them, and is told.
fn on_server(paths: &Paths, url: &str, args: CheckArgs) -> Result<ExitCode> {
    let mut store = paths.open_server(url)?;
    let (funnel, fingerprint) = super::stored_funnel::load(paths, &store)?;
    let today = paths.server_today();
    let may_write = super::import::writes_cards(&store)?;
    audit::refresh_server(&mut store, &funnel, &fingerprint, today, may_write)?;
    if !may_write && store.rules_ran_for()? != Some(audit::ran_for(&fingerprint, today)) {
        super::warn(msg::flags_of_another_day());
    }
    let stages = match &args.stage {
        Some(name) => Some(super::queue::crm_names(&store, &funnel, name)?),
        None => None,
    };
    let code = rule(&args)?;
    list(&args, false, |f| {
        store.flagged_cards(stages.as_deref(), code, f)
    })
}

fn rule(args: &CheckArgs) -> Result<Option<RuleCode>> {
    match &args.rule {
        Some(c) => Ok(Some(
            RuleCode::from_name(c).ok_or_else(|| user(msg::unknown_rule(c)))?,
        )),
        None => Ok(None),
    }
}

type EachCard<'f> = &'f mut dyn FnMut(FlaggedCard) -> Result<(), StoreError>;

/// Prints the flagged cards `each` hands over, as text or JSON.
fn list(
    args: &CheckArgs,
    sources: bool,
    each: impl FnOnce(EachCard<'_>) -> Result<(), StoreError>,
) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut n = 0u64;
    if args.json {
        write!(out, "{{\"cards\":[")?;
    }
    each(&mut |card| {
        let res = if args.json {
            let sep = if n == 0 { "" } else { "," };
            msg::card_json(&card)
                .map_err(std::io::Error::other)
                .and_then(|j| write!(out, "{sep}{j}"))
        } else {
            write!(
                out,
                "{}",
                crate::text::safe::text(&msg::card(&card, sources))
            )
        };
        n += 1;
        res.map_err(|e| StoreError::Open {
            path: "stdout".into(),
            source: Box::new(e),
        })
    })?;
    if args.json {
        writeln!(out, "]}}")?;
    } else {
        writeln!(out, "{}", msg::total(n))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
