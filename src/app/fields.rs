//! `okk fields`: how well each custom field is kept per stage and per owner.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::FieldsArgs;
use crate::domain::Funnel;
use crate::domain::fill::{FillRow, FillTally};
use crate::domain::names::fold;
use crate::store::Store;

pub fn run(paths: &Paths, args: FieldsArgs) -> Result<ExitCode> {
    let funnel = paths.load_funnel()?;
    let store = paths.open_store()?;
    let mut rows = fill_rows(&store, &funnel, args.owner.as_deref(), args.since)?;
    if let Some(stage) = &args.stage {
        let name = funnel.resolve(stage).map_or_else(
            || stage.trim().to_string(),
            |i| funnel.stage(i).name.clone(),
        );
        let key = fold(&name);
        rows.retain(|r| fold(&r.stage) == key);
    }
    if args.json {
        super::say_json(&serde_json::json!({ "fields": rows }))?;
    } else {
        super::say_raw(crate::text::fields::table(&rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The fill rows over the cards not gone (of `owner`, created on or after `since`).
pub fn fill_rows(
    store: &Store,
    funnel: &Funnel,
    owner: Option<&str>,
    since: Option<chrono::NaiveDate>,
) -> Result<Vec<FillRow>> {
    let owner = owner.map(fold);
    let tally = store.fold_card_fields(
        FillTally::default,
        |t, card| {
            if let Some(o) = &owner
                && card.owner.map(fold).as_ref() != Some(o)
            {
                return;
            }
            if let Some(s) = since
                && card.created.is_none_or(|c| c < s)
            {
                return;
            }
            t.add(funnel, card);
        },
        |a, b| a.merge(b),
    )?;
    Ok(tally.rows(funnel))
}
