//! `okk calibrate new|report`.

use std::process::ExitCode;

use color_eyre::Result;

use super::roles::LeadWork;
use super::{Paths, config, say, user};
use crate::cli::CalibrateCommand;
use crate::domain::Funnel;
use crate::domain::calibration::Calibration;
use crate::domain::calibration::{report, sample, unknown_auditors};
use crate::domain::funnel::StageKind;
use crate::domain::ports::{CalibrationStore, QueueStore, UserStore};
use crate::domain::roles::set_up;
use crate::text::calibrate as msg;

/// What a calibration needs of a store: a file's or a team server's alike.
trait CalibrateStore: CalibrationStore + QueueStore + UserStore {}
impl<T: CalibrationStore + QueueStore + UserStore> CalibrateStore for T {}

/// The store `--db` names, with the funnel its cards are judged by (a server's own, when its
/// lead applied one).
fn open(paths: &Paths) -> Result<(Box<dyn CalibrateStore>, Funnel)> {
    Ok(match paths.server() {
        Some(url) => {
            let store = paths.open_server(url)?;
            let (funnel, _) = super::stored_funnel::load(paths, &store)?;
            (Box::new(store), funnel)
        }
        None => (Box::new(paths.open_existing_store()?), paths.load_funnel()?),
    })
}

pub fn run(paths: &Paths, command: CalibrateCommand) -> Result<ExitCode> {
    match command {
        CalibrateCommand::New {
            stage,
            cards,
            auditors,
            seed,
            lead,
        } => {
            let config = config::load(&paths.config)?;
            let (mut store, funnel) = open(paths)?;
            let auditors: Vec<String> = auditors
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
            if auditors.len() < 2 {
                return Err(user(msg::too_few_auditors()));
            }
            let fallback = super::review::auditor(None, &config);
            // Before the lead's name is registered: a refusal leaves the store as it was.
            let known = store.reviewers()?;
            let unknown = unknown_auditors(&auditors, &known);
            if !unknown.is_empty() {
                // Naming a user sets the store's roles up, after which only named users act:
                // the lead, not a user yet, is named with the auditors.
                let users = store.users()?;
                let lead = lead.as_deref().map(str::trim).filter(|l| !l.is_empty());
                let lead = lead.unwrap_or(&fallback);
                let unnamed = !set_up(&users) && !users.iter().any(|u| u.name == lead);
                let lead = unnamed.then_some(lead);
                return Err(user(msg::unknown_auditors(&unknown, &known, lead)));
            }
            // The lead's name as `okk lead` and `okk funnel apply` take it: a server login's
            // own okk user, and an auditor refused in okk's words before the server's.
            let lead = super::roles::leading(
                &mut *store,
                lead.as_deref(),
                &fallback,
                LeadWork::Calibrate,
            )?;
            let crm = super::queue::crm_names(&*store, &funnel, &stage)?;
            let name = funnel
                .resolve(&stage)
                .map_or(stage.clone(), |i| funnel.stage(i).name.clone());
            let closed = funnel
                .resolve(&stage)
                .is_some_and(|i| funnel.stage(i).kind != StageKind::Open);
            let pool = store.calibration_pool(&crm, closed)?;
            let seed = seed.unwrap_or_else(rand::random);
            let drawn = sample(&pool, cards, seed);
            if drawn.is_empty() {
                return Err(user(msg::no_cards(&name)));
            }
            let c = Calibration {
                id: uuid::Uuid::new_v4().to_string(),
                stage: name,
                seed,
                auditors,
                created_by: lead,
                created_at: crate::store::cards::fmt_time(&chrono::Local::now().naive_local()),
                cards: drawn,
            };
            store.save_calibration(&c)?;
            say(msg::created(&c, pool.len()))?;
        }
        CalibrateCommand::Report { id, json } => {
            let (store, funnel) = open(paths)?;
            let all = store.calibrations()?;
            let c = match &id {
                Some(id) => all.iter().find(|c| c.id.starts_with(id.as_str())),
                None => all.last(),
            }
            .ok_or_else(|| user(msg::not_found(id.as_deref())))?;
            let (judged, reference) = store.calibration_judgements(c)?;
            let r = report(c, &funnel, &judged, &reference);
            if json {
                super::say_json(&serde_json::json!({
                    "id": c.id, "stage": c.stage, "seed": c.seed, "created_at": c.created_at,
                    "created_by": c.created_by,
                    "report": r,
                }))?;
            } else {
                super::say_raw(msg::report(c, &r))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
