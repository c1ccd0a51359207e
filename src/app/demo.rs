//! `okk demo`: a fresh store from the bundled demo export, in a new temporary directory.

use std::process::ExitCode;

use std::io::IsTerminal;

use color_eyre::Result;

use super::paths::open_store;
use crate::domain::Funnel;
use crate::store::Store;
use crate::sync::{ImportOptions, ImportReport, import_file};
use crate::text::app as msg;

pub const DEMO_CSV: &[u8] = include_bytes!("../../assets/demo/amocrm_deals.csv");
pub const DEMO_FILE_NAME: &str = "amocrm_deals.csv";
/// The demo owners' emails and ids, for the CRMs that take those (see `okk export crm`): found
/// beside the demo store.
const DEMO_OWNERS: [(&str, &[u8]); 3] = [
    (
        "owners-hubspot.csv",
        include_bytes!("../../assets/demo/owners-hubspot.csv"),
    ),
    (
        "owners-salesforce.csv",
        include_bytes!("../../assets/demo/owners-salesforce.csv"),
    ),
    (
        "owners-bitrix24.csv",
        include_bytes!("../../assets/demo/owners-bitrix24.csv"),
    ),
];
/// The "today" scripts/gen_demo.py wrote the demo around: the demo store's clock stays there, so
/// its idle cards and expired bookings stay what they were planted as.
pub const DEMO_TODAY: &str = "2026-11-20 12:00:00";

/// Builds the demo store `okk.db` in `dir` (which must not hold one yet): the bundled export
/// imported with the built-in funnel, the rules run, the clock frozen at [`DEMO_TODAY`].
/// `today`: `--today`, judged against instead of [`DEMO_TODAY`].
pub fn build(
    dir: &std::path::Path,
    today: Option<chrono::NaiveDate>,
) -> Result<(Store, Funnel, String, ImportReport)> {
    let csv = dir.join(DEMO_FILE_NAME);
    std::fs::write(&csv, DEMO_CSV)?;
    for (name, bytes) in DEMO_OWNERS {
        std::fs::write(dir.join(name), bytes)?;
    }
    let db = dir.join("okk.db");
    // The demo uses the built-in funnel, whatever the user's config says.
    let funnel = crate::funnel_config::default_funnel();
    let mut store = open_store(&db)?;
    // The store's own day: the demo's cards are judged as of it unless `--today` says otherwise.
    store.set_meta(super::audit::CLOCK, DEMO_TODAY)?;
    let opts = ImportOptions {
        now: chrono::Local::now().naive_local(),
        ..ImportOptions::default()
    };
    let report =
        import_file(&mut store, &funnel, &csv, &opts).map_err(|e| super::user(e.to_string()))?;
    let fingerprint = super::paths::fingerprint(crate::funnel_config::DEFAULT_FUNNEL.as_bytes());
    let today = super::audit::today(&store, today)?;
    super::audit::refresh(&mut store, &funnel, &fingerprint, today, true)?;
    Ok((store, funnel, fingerprint, report))
}

pub fn run(paths: &super::Paths, args: crate::cli::DemoArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let dir = std::env::temp_dir().join(format!(
        "okk-demo-{}-{}",
        std::process::id(),
        chrono::Local::now().format("%Y%m%d%H%M%S%f")
    ));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("okk.db");
    let (store, funnel, fingerprint, report) = build(&dir, paths.today)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if interactive && !args.print {
        let config = super::config::load(&paths.config)?;
        let result = super::review::open(
            paths,
            store,
            funnel,
            fingerprint,
            config,
            &args.review,
            started,
            None,
        );
        super::say_commands(msg::demo_where(&db))?;
        return result;
    }
    super::say_raw(crate::text::import::report(&report))?;
    super::say("")?;
    let today = paths.today(&store)?;
    super::analytics::print_stats(&store, &funnel, today.date())?;
    super::say("")?;
    super::say_commands(msg::demo_where(&db))?;
    Ok(ExitCode::SUCCESS)
}
