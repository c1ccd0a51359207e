//! Per-stage figures: CRM stage names folded into the funnel's stages, in funnel order, with the
//! stages the funnel does not know after them.

use serde::Serialize;

use crate::domain::funnel::{Funnel, StageKind};
use crate::domain::review::Verdict;

/// Counts for one stage name exactly as the CRM wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmStageCount {
    pub stage: String,
    pub cards: u64,
    pub gone: u64,
}

/// A stage name the store's cards carry (as the CRM wrote it): the cards there, not gone, and
/// their current reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInUse {
    pub stage: String,
    pub cards: u64,
    pub reviews: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageFigures {
    pub stage: String,
    /// Cards there now (not gone).
    pub cards: u64,
    pub gone: u64,
    /// Cards there now with at least one flag.
    pub flagged: u64,
    /// Whether the funnel config knows the stage.
    pub known: bool,
    pub kind: Option<StageKind>,
    pub extra_control: bool,
    /// The CRM's names that were folded into this stage (aliases, other spellings).
    pub crm_names: Vec<String>,
    /// Cards there now with a current review (in the window) that the lead has not sent back:
    /// a card whose every review was sent back waits for a new verdict and is not counted.
    pub reviewed: u64,
    /// Those cards by the verdict that stands on each — the lead's decision first, as
    /// `review_verdicts`, the CRM export and the reviews export's `final_verdict` take it — each
    /// card once, at the stage it is at now. A card the auditors split on with no decision of
    /// the lead has none: it is in `reviewed` only.
    pub verdicts: VerdictCounts,
}

/// Cards per verdict; serialised with every verdict present, in a fixed order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    pub ok: u64,
    pub wrong_stage: u64,
    pub stale: u64,
    pub dead: u64,
    pub unclear: u64,
}

impl VerdictCounts {
    pub fn add(&mut self, verdict: Verdict, n: u64) {
        *match verdict {
            Verdict::Ok => &mut self.ok,
            Verdict::WrongStage => &mut self.wrong_stage,
            Verdict::Stale => &mut self.stale,
            Verdict::Dead => &mut self.dead,
            Verdict::Unclear => &mut self.unclear,
        } += n;
    }

    pub fn get(&self, verdict: Verdict) -> u64 {
        match verdict {
            Verdict::Ok => self.ok,
            Verdict::WrongStage => self.wrong_stage,
            Verdict::Stale => self.stale,
            Verdict::Dead => self.dead,
            Verdict::Unclear => self.unclear,
        }
    }

    pub fn total(&self) -> u64 {
        self.ok + self.wrong_stage + self.stale + self.dead + self.unclear
    }
}

/// The row of the table [`stage_table`] made that the CRM's stage name `crm` folds into.
fn row_of<'r>(
    funnel: &Funnel,
    rows: &'r mut [StageFigures],
    crm: &str,
) -> Option<&'r mut StageFigures> {
    match funnel.resolve(crm) {
        Some(i) => rows.get_mut(i),
        None => rows.iter_mut().find(|r| !r.known && r.stage == crm),
    }
}

/// Adds the cards with a current review (per CRM stage name) to the table [`stage_table`] made.
pub fn add_reviewed(funnel: &Funnel, rows: &mut [StageFigures], counts: &[(String, u64)]) {
    for (crm, n) in counts {
        if let Some(row) = row_of(funnel, rows, crm) {
            row.reviewed += n;
        }
    }
}

/// Adds the verdict counts (per CRM stage name) to the table [`stage_table`] made.
pub fn add_verdicts(funnel: &Funnel, rows: &mut [StageFigures], counts: &[(String, Verdict, u64)]) {
    for (crm, verdict, n) in counts {
        if let Some(row) = row_of(funnel, rows, crm) {
            row.verdicts.add(*verdict, *n);
        }
    }
}

/// What the per-stage table is made of, per stage name as the CRM writes it: cards and gone
/// cards, flagged cards (not gone), cards (not gone) with a current review, and those by the
/// verdict that stands on each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageCounts {
    pub stages: Vec<CrmStageCount>,
    pub flagged: Vec<(String, u64)>,
    pub reviewed: Vec<(String, u64)>,
    pub verdicts: Vec<(String, Verdict, u64)>,
}

impl StageCounts {
    /// The per-stage table: [`stage_table`] with [`add_reviewed`] and [`add_verdicts`].
    pub fn table(&self, funnel: &Funnel) -> Vec<StageFigures> {
        let mut rows = stage_table(funnel, &self.stages, &self.flagged);
        add_reviewed(funnel, &mut rows, &self.reviewed);
        add_verdicts(funnel, &mut rows, &self.verdicts);
        rows
    }
}

/// `flagged`: cards with flags per CRM stage name.
pub fn stage_table(
    funnel: &Funnel,
    counts: &[CrmStageCount],
    flagged: &[(String, u64)],
) -> Vec<StageFigures> {
    let mut rows: Vec<StageFigures> = funnel
        .stages
        .iter()
        .map(|s| StageFigures {
            stage: s.name.clone(),
            cards: 0,
            gone: 0,
            flagged: 0,
            known: true,
            kind: Some(s.kind),
            extra_control: s.extra_control,
            crm_names: Vec::new(),
            reviewed: 0,
            verdicts: VerdictCounts::default(),
        })
        .collect();
    let mut unknown: Vec<StageFigures> = Vec::new();
    for c in counts {
        let row = match funnel.resolve(&c.stage) {
            Some(i) => &mut rows[i],
            None => {
                unknown.push(StageFigures {
                    stage: c.stage.clone(),
                    cards: 0,
                    gone: 0,
                    flagged: 0,
                    known: false,
                    kind: None,
                    extra_control: false,
                    crm_names: Vec::new(),
                    reviewed: 0,
                    verdicts: VerdictCounts::default(),
                });
                unknown.last_mut().expect("just pushed")
            }
        };
        row.cards += c.cards;
        row.gone += c.gone;
        row.flagged += flagged
            .iter()
            .filter(|(s, _)| *s == c.stage)
            .map(|(_, n)| n)
            .sum::<u64>();
        row.crm_names.push(c.stage.clone());
    }
    unknown.sort_by(|a, b| b.cards.cmp(&a.cards).then(a.stage.cmp(&b.stage)));
    rows.extend(unknown);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::funnel::{DefaultAnswer, Stage};

    fn stage(name: &str, aliases: &[&str]) -> Stage {
        Stage {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            kind: StageKind::Open,
            extra_control: false,
            max_idle_days: None,
            required: vec![],
            fields: vec![],
            checklist: vec![],
            skippable: true,
            pipelines: vec![],
            rules: vec![],
        }
    }

    #[test]
    fn aliases_fold_into_their_stage_and_unknown_stages_come_last() {
        let funnel = Funnel::new(
            "t".into(),
            vec![
                stage("Квалификация", &[]),
                stage("Встреча проведена", &["Встреча состоялась"]),
            ],
            vec![],
            DefaultAnswer::Pass,
        );
        let counts = [
            CrmStageCount {
                stage: "Встреча состоялась".into(),
                cards: 2,
                gone: 1,
            },
            CrmStageCount {
                stage: "Переговоры".into(),
                cards: 3,
                gone: 0,
            },
            CrmStageCount {
                stage: "встреча проведена".into(),
                cards: 4,
                gone: 0,
            },
        ];
        let flagged = [
            ("Переговоры".to_string(), 2),
            ("Встреча состоялась".to_string(), 1),
        ];
        let t = stage_table(&funnel, &counts, &flagged);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].stage.as_str(), t[0].cards), ("Квалификация", 0));
        assert_eq!((t[1].cards, t[1].gone, t[1].flagged), (6, 1, 1));
        assert_eq!(t[2].flagged, 2);
        assert_eq!(t[1].crm_names.len(), 2);
        assert_eq!((t[2].stage.as_str(), t[2].known), ("Переговоры", false));
    }
}
