//! `okk calibrate new|report|list|end`.

use std::process::ExitCode;

use color_eyre::Result;

use super::roles::LeadWork;
use super::{Paths, config, say, user};
use crate::cli::CalibrateCommand;
use crate::domain::Funnel;
use crate::domain::calibration::{Calibration, Ended};
use crate::domain::calibration::{report, sample, unknown_auditors};
use crate::domain::funnel::StageKind;
use crate::domain::ports::{CalibrationStore, UserStore};
use crate::domain::roles::set_up;
use crate::text::calibrate as msg;

/// What a calibration needs of a store: a file's or a team server's alike.
trait CalibrateStore: CalibrationStore + super::queue::StageStore + UserStore {}
impl<T: CalibrationStore + super::queue::StageStore + UserStore> CalibrateStore for T {}

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
                end: None,
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
            let (judged, references) = store.calibration_judgements(c)?;
            let now = store.calibration_cards_now(c)?;
            let r = report(c, &funnel, &judged, &references, &now);
            if json {
                super::say_json(&serde_json::json!({
                    "id": c.id, "stage": c.stage, "seed": c.seed, "created_at": c.created_at,
                    "created_by": c.created_by,
                    "ended_at": c.end.as_ref().map(|e| &e.at),
                    "ended_by": c.end.as_ref().map(|e| &e.by),
                    "report": r,
                }))?;
            } else {
                super::say_raw(msg::report(c, &r, super::analytics::text_columns()))?;
            }
        }
        CalibrateCommand::List { json } => {
            let (store, _) = open(paths)?;
            let mut listed = Vec::new();
            for c in store.calibrations()? {
                let judged = store.calibration_judgements(&c)?.0.len();
                listed.push((c, judged));
            }
            if json {
                for (c, judged) in &listed {
                    super::say_json(&listed_json(c, *judged))?;
                }
            } else {
                super::say_raw(msg::list(&listed))?;
            }
        }
        CalibrateCommand::End {
            id,
            lead,
            yes,
            json,
        } => return end(paths, id.as_deref(), lead.as_deref(), yes, json),
    }
    Ok(ExitCode::SUCCESS)
}

/// One calibration as `okk calibrate list --json` and `end --json` give it: `judged` of the
/// `judgements` its auditors owe (each card once per auditor).
fn listed_json(c: &Calibration, judged: usize) -> serde_json::Value {
    serde_json::json!({
        "id": c.id, "stage": c.stage, "seed": c.seed, "cards": c.cards.len(),
        "auditors": c.auditors, "created_by": c.created_by, "created_at": c.created_at,
        "open": c.is_open(),
        "ended_at": c.end.as_ref().map(|e| &e.at),
        "ended_by": c.end.as_ref().map(|e| &e.by),
        "judged": judged, "judgements": c.cards.len() * c.auditors.len(),
    })
}

/// The calibration `okk calibrate end [ID]` names: the one whose id begins with `id` (one only:
/// an end is a write), else the latest open one (none open: the latest, said to have ended).
fn to_end<'c>(all: &'c [Calibration], id: Option<&str>) -> Result<&'c Calibration> {
    let Some(id) = id else {
        return (all.iter().rev().find(|c| c.is_open()))
            .or(all.last())
            .ok_or_else(|| user(msg::not_found(None)));
    };
    let matches: Vec<&Calibration> = all.iter().filter(|c| c.id.starts_with(id)).collect();
    match matches[..] {
        [] => Err(user(msg::not_found(Some(id)))),
        [c] => Ok(c),
        _ if id.is_empty() => Err(user(msg::not_found(Some(id)))),
        _ => Err(user(msg::ambiguous(id, &matches))),
    }
}

/// `okk calibrate end` of a calibration that has ended: said, nothing written (exit 0).
fn already_ended(c: &Calibration, judged: usize, json: bool) -> Result<ExitCode> {
    if json {
        let mut said = listed_json(c, judged);
        said["ended_now"] = false.into();
        super::say_json(&said)?;
    } else if let Some(end) = &c.end {
        super::say(msg::already_ended(c, end))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `okk calibrate end`: a lead ends a calibration (its end recorded with when and who); one
/// that has ended already is said so, nothing written. On a terminal it asks first.
fn end(
    paths: &Paths,
    id: Option<&str>,
    lead: Option<&str>,
    yes: bool,
    json: bool,
) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let config = config::load(&paths.config)?;
    let (mut store, _) = open(paths)?;
    let all = store.calibrations()?;
    let c = to_end(&all, id)?;
    let judged = store.calibration_judgements(c)?.0.len();
    if c.end.is_some() {
        return already_ended(c, judged, json);
    }
    let fallback = super::review::auditor(None, &config);
    // Refused before the question, and before `--yes` is asked for (tester34 F4: an auditor was
    // told to add --yes, then refused); the name registered (a store without roles) only once
    // the answer is yes.
    super::roles::may_lead(&mut *store, lead, &fallback, LeadWork::EndCalibration)?;
    let asks = !yes;
    if asks && !std::io::stdin().is_terminal() {
        return Err(user(msg::end_needs_yes()));
    }
    if asks && !super::confirmed(&msg::ask_end(c, judged))? {
        super::warn(msg::not_ended());
        return Ok(ExitCode::FAILURE);
    }
    let by = super::roles::leading(&mut *store, lead, &fallback, LeadWork::EndCalibration)?;
    let end = Ended {
        at: crate::store::cards::fmt_time(&chrono::Local::now().naive_local()),
        by,
    };
    if !store.end_calibration(&c.id, &end)? {
        // Another okk ended it meanwhile: its end stands.
        let now = store.calibrations()?;
        let c = now.iter().find(|n| n.id == c.id).unwrap_or(c);
        return already_ended(c, judged, json);
    }
    let ended = Calibration {
        end: Some(end.clone()),
        ..c.clone()
    };
    if json {
        let mut said = listed_json(&ended, judged);
        said["ended_now"] = true.into();
        super::say_json(&said)?;
    } else {
        super::say(msg::ended_now(c, &end, judged))?;
    }
    Ok(ExitCode::SUCCESS)
}
