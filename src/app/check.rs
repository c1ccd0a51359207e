//! `okk check`: the flagged cards, streamed.

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, audit, user};
use crate::cli::CheckArgs;
use crate::domain::flag::RuleCode;
use crate::text::check as msg;

pub fn run(paths: &Paths, args: CheckArgs) -> Result<ExitCode> {
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_store()?;
    let today = paths.today(&store)?;
    audit::refresh(&mut store, &funnel, &fingerprint, today, false)?;
    audit::note_old_export(&store, today)?;
    let stages = match &args.stage {
        Some(name) => Some(super::queue::crm_names(&store, &funnel, name)?),
        None => None,
    };
    let code = match &args.rule {
        Some(c) => Some(RuleCode::from_name(c).ok_or_else(|| user(msg::unknown_rule(c)))?),
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut n = 0u64;
    if args.json {
        write!(out, "{{\"cards\":[")?;
    }
    store.flagged_cards(stages.as_deref(), code, |card| {
        let res = if args.json {
            let sep = if n == 0 { "" } else { "," };
            msg::card_json(&card)
                .map_err(std::io::Error::other)
                .and_then(|j| write!(out, "{sep}{j}"))
        } else {
            write!(out, "{}", crate::text::safe::text(&msg::card(&card)))
        };
        n += 1;
        res.map_err(|e| crate::store::StoreError::Open {
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
