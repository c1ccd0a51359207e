//! `okk fields`: how well each custom field is kept per stage and per owner.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::FieldsArgs;
use crate::domain::names::fold;

pub fn run(paths: &Paths, args: FieldsArgs) -> Result<ExitCode> {
    let (funnel, mut rows) = match paths.server() {
        Some(url) => {
            let store = paths.open_server(url)?;
            let (funnel, _) = super::stored_funnel::load(paths, &store)?;
            let rows = store.fill_rows_of(&funnel, args.owner.as_deref(), args.since)?;
            (funnel, rows)
        }
        None => {
            let funnel = paths.load_funnel()?;
            let store = paths.open_existing_store()?;
            let rows = store.fill_rows_of(&funnel, args.owner.as_deref(), args.since)?;
            (funnel, rows)
        }
    };
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
