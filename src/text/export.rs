//! Messages of `okk export`.

use std::path::Path;

use super::safe::line;
use crate::domain::crm_export::{ColumnType, Format, OwnerForm, Problem, Warning};
use crate::domain::decision::DecisionKind;
use crate::domain::review::Verdict;

pub fn exists(path: &Path) -> String {
    crate::tr!("export-exists", path = path.display().to_string())
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "export-cannot-write",
        path = super::common::output(path),
        error = super::common::error(e)
    )
}

/// `names`: the export profiles there are.
pub fn unknown_profile(name: &str, names: &[&str]) -> String {
    crate::tr!(
        "export-unknown-profile",
        name = line(name),
        names = names.join(", ")
    )
}

pub fn wrote_reviews(n: u64, path: &Path) -> String {
    crate::tr!(
        "export-wrote-reviews",
        count = n,
        path = super::common::output(path)
    )
}

/// The flags a Russian Excel needs, beside a file written in the CRMs' layout.
pub fn for_russian_excel() -> String {
    crate::tr!("export-for-russian-excel")
}

/// `crm`: the export profile's label; `method`: its REST method, for the REST-lines format.
pub fn wrote_changes(
    n: usize,
    path: &Path,
    crm: &str,
    format: Format,
    method: Option<&str>,
) -> String {
    let what = match format {
        Format::Csv => crate::tr!("export-changes-csv", count = n),
        Format::RestJsonl => crate::tr!(
            "export-changes-rest",
            count = n,
            method = method.unwrap_or_default()
        ),
    };
    crate::tr!(
        "export-wrote-changes",
        what = what,
        crm = crm,
        path = super::common::output(path)
    )
}

/// `okk export crm --approved-only` found no change a lead approved.
pub fn none_approved() -> String {
    crate::tr!("export-none-approved")
}

/// Cards in the CRM file that changed in the CRM since their review: (card id, its stage now,
/// the CRM's name of it where the funnel's is another), each named with the stage it is at now — a move the lead approved may be one the CRM has
/// since made otherwise, and the file would move the deal back.
pub fn changed_since_review(cards: &[(String, String, Option<String>)]) -> String {
    let n = cards.len();
    let mut listed: Vec<String> = cards
        .iter()
        .take(NEEDS_LEAD_LISTED)
        .map(|(id, stage, in_crm)| match in_crm {
            None => crate::tr!(
                "export-card-now",
                card = super::safe::line(id).to_string(),
                stage = super::safe::line(stage).to_string()
            ),
            Some(in_crm) => crate::tr!(
                "export-card-now-alias",
                card = super::safe::line(id).to_string(),
                stage = super::safe::line(stage).to_string(),
                crm = super::safe::line(in_crm).to_string()
            ),
        })
        .collect();
    if n > NEEDS_LEAD_LISTED {
        listed.push(crate::tr!("export-and-more", count = n - NEEDS_LEAD_LISTED));
    }
    // The column as the reviews export in this language names it.
    crate::tr!(
        "export-changed-since-review",
        count = n,
        column = column("card_changed"),
        cards = listed.join(", ")
    )
}

/// Cards listed by id at most; the rest are counted.
const NEEDS_LEAD_LISTED: usize = 50;

/// Cards left out of the CRM file because their auditors disagree and no lead decision settles it.
pub fn needs_lead(ids: &[String]) -> String {
    let n = ids.len();
    let mut listed: Vec<String> = ids
        .iter()
        .take(NEEDS_LEAD_LISTED)
        .map(|id| format!("#{}", super::safe::line(id)))
        .collect();
    if n > NEEDS_LEAD_LISTED {
        listed.push(crate::tr!("export-and-more", count = n - NEEDS_LEAD_LISTED));
    }
    crate::tr!(
        "export-needs-lead",
        count = n,
        cards = listed.join(", "),
        filter = super::tui::disagree_word()
    )
}

/// Cards a later full import no longer had, whose change the CRM file leaves out.
pub fn gone_from_crm(ids: &[String]) -> String {
    if let [one] = ids {
        return crate::tr!("export-gone-one", card = super::safe::line(one).to_string());
    }
    crate::tr!("export-gone", count = ids.len(), cards = listed(ids))
}

/// The changes written come from several sources (CRM accounts); each with its count.
pub fn sources_mixed(counts: &[(&str, usize)], profile: &str) -> String {
    let sources: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{}: {n}", super::safe::line(s)))
        .collect();
    crate::tr!(
        "export-sources-mixed",
        count = counts.len(),
        sources = sources.join(", "),
        profile = profile.to_string()
    )
}

/// Card ids, comma-separated, the first [`NEEDS_LEAD_LISTED`]; the rest counted.
fn listed(ids: &[String]) -> String {
    let n = ids.len();
    let mut listed: Vec<String> = ids
        .iter()
        .take(NEEDS_LEAD_LISTED)
        .map(|id| super::safe::line(id).to_string())
        .collect();
    if n > NEEDS_LEAD_LISTED {
        listed.push(crate::tr!("export-and-more", count = n - NEEDS_LEAD_LISTED));
    }
    listed.join(", ")
}

/// A corrected field in a warning: by the label the card shows it under (`Название`, not
/// `title`); a custom field by its name. Salesforce's column names stay as written: they are
/// what its import matches.
fn label(field: &str) -> String {
    line(&super::tui::field_label(field)).into_owned()
}

pub fn warning(w: &Warning, crm: &str) -> String {
    match w {
        Warning::CannotSet {
            field,
            cards,
            ids,
            rest,
        } if *rest => crate::tr!(
            "export-cannot-set-rest",
            crm = crm,
            field = label(field),
            count = *cards,
            cards = listed(ids)
        ),
        Warning::CannotSet {
            field, cards, ids, ..
        } => crate::tr!(
            "export-cannot-set",
            crm = crm,
            field = label(field),
            count = *cards,
            cards = listed(ids)
        ),
        Warning::NotApiName {
            field,
            suffix,
            cards,
        } => crate::tr!(
            "export-not-api-name",
            crm = crm,
            field = line(field),
            suffix = line(suffix),
            count = *cards
        ),
        Warning::AmbiguousHeader {
            external_id,
            field,
            header,
            system,
            value,
        } => {
            let (id, field) = (line(external_id), label(field));
            let (header, value) = (line(header), line(value));
            if *system {
                crate::tr!(
                    "export-ambiguous-system",
                    id = id,
                    field = field,
                    header = header,
                    value = value,
                    crm = crm
                )
            } else {
                crate::tr!(
                    "export-ambiguous-custom",
                    id = id,
                    field = field,
                    header = header,
                    value = value,
                    crm = crm
                )
            }
        }
        Warning::BadValue {
            external_id,
            field,
            value,
            kind,
        } => crate::tr!(
            "export-bad-value",
            id = line(external_id),
            field = label(field),
            value = line(value),
            kind = match kind {
                ColumnType::Number => crate::tr!("export-kind-number"),
                ColumnType::Date => crate::tr!("export-kind-date"),
                ColumnType::Text => crate::tr!("export-kind-text"),
            }
        ),
        Warning::Defused {
            external_id,
            field,
            value,
        } => crate::tr!(
            "export-defused",
            id = line(external_id),
            field = label(field),
            value = line(value),
            crm = crm
        ),
        Warning::StageNotInPipeline {
            stage,
            pipeline,
            connection,
            cards,
        } => crate::tr!(
            "export-stage-not-in-pipeline",
            stage = line(stage),
            pipeline = line(pipeline),
            connection = line(connection),
            count = cards.len(),
            cards = listed(cards)
        ),
        Warning::PipelineNotSynced {
            pipeline,
            connection,
            cards,
        } => crate::tr!(
            "export-pipeline-not-synced",
            pipeline = line(pipeline),
            connection = line(connection),
            count = cards.len(),
            cards = listed(cards)
        ),
        Warning::StagesNotSynced {
            stage,
            connection,
            cards,
        } => crate::tr!(
            "export-stages-not-synced",
            crm = crm,
            stage = line(stage),
            connection = line(connection),
            count = cards.len(),
            cards = listed(cards)
        ),
        Warning::NoStageId { stage, cards } => crate::tr!(
            "export-no-stage-id",
            crm = crm,
            stage = line(stage),
            count = cards.len(),
            cards = listed(cards)
        ),
        Warning::TimeDropped {
            external_id,
            field,
            value,
        } => crate::tr!(
            "export-time-dropped",
            id = line(external_id),
            field = label(field),
            value = line(value),
            crm = crm
        ),
    }
}

pub fn no_cards_from(crm: &str) -> String {
    crate::tr!("export-no-cards-from", crm = crm)
}

/// What the owner column of a CRM takes, for messages: "an email", "a numeric user id", …
pub fn owner_form(form: OwnerForm) -> String {
    match form {
        OwnerForm::Name => crate::tr!("export-owner-name"),
        OwnerForm::Email => crate::tr!("export-owner-email"),
        OwnerForm::NumericId => crate::tr!("export-owner-numeric-id"),
        OwnerForm::SalesforceId => crate::tr!("export-owner-salesforce-id"),
    }
}

pub fn owners_unreadable(path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "export-owners-unreadable",
        path = path.display().to_string(),
        error = super::common::error(e)
    )
}

pub fn owners_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{p}", path.display()))
        .collect();
    crate::tr!("export-owners-problems", problems = lines.join("\n"))
}

pub fn owners_not_utf8() -> String {
    crate::tr!("export-owners-not-utf8")
}

pub fn owners_not_text(encoding: &str) -> String {
    crate::tr!("export-owners-not-text", encoding = encoding)
}

pub fn owners_bad_csv(e: &csv::Error) -> String {
    crate::tr!("export-owners-bad-csv", error = e.to_string())
}

pub fn owners_bad_toml(e: &str) -> String {
    crate::tr!("export-owners-bad-toml", error = e.trim())
}

pub fn owners_not_string(name: &str) -> String {
    crate::tr!("export-owners-not-string", name = line(name))
}

pub fn owners_line_break() -> String {
    crate::tr!("export-owners-line-break")
}

pub fn owners_empty() -> String {
    crate::tr!("export-owners-empty")
}

pub fn owners_no_name(value: &str) -> String {
    crate::tr!("export-owners-no-name", value = line(value))
}

pub fn owners_no_value(name: &str, crm: &str) -> String {
    crate::tr!("export-owners-no-value", crm = crm, name = line(name))
}

pub fn owners_bad_value(name: &str, value: &str, form: OwnerForm, crm: &str) -> String {
    crate::tr!(
        "export-owners-bad-value",
        value = line(value),
        name = line(name),
        form = owner_form(form),
        crm = crm
    )
}

pub fn owners_twice(name: &str, first_line: usize, first: &str, value: &str) -> String {
    crate::tr!(
        "export-owners-twice",
        name = line(name),
        line = first_line,
        first = line(first),
        value = line(value)
    )
}

/// The owners the map did not cover, with how many cards each; and how to go on.
/// `crm`: the export profile's label; `form`: what its owner column takes.
pub fn unmapped_owners(
    unmapped: &[(String, usize)],
    crm: &str,
    form: OwnerForm,
    skipped: bool,
) -> String {
    let form = owner_form(form);
    let list: Vec<String> = unmapped
        .iter()
        .map(|(name, n)| {
            format!(
                "  {}",
                crate::tr!("export-unmapped-owner", name = line(name), count = *n)
            )
        })
        .collect();
    let template: Vec<String> = unmapped
        .iter()
        .map(|(name, _)| format!("  {},", csv_name(name)))
        .collect();
    let head = if skipped {
        crate::tr!("export-unmapped-skipped", crm = crm, form = &form)
    } else {
        crate::tr!("export-unmapped-stopped", crm = crm, form = &form)
    };
    let fix = if skipped {
        crate::tr!("export-unmapped-fix-skipped")
    } else {
        crate::tr!("export-unmapped-fix-stopped")
    };
    format!(
        "{head}:\n{}\n{fix}\n  okk owner,{crm}\n{}",
        list.join("\n"),
        template.join("\n")
    )
}

/// A name as one CSV cell of the template, defused as every CSV cell okk writes (the user saves
/// it and opens it in a spreadsheet; the owners map reads the `'` back off).
fn csv_name(name: &str) -> String {
    let name = line(name);
    let name = crate::domain::formula::defuse(&name).into_owned();
    if name.contains([',', ';', '"']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name
    }
}

/// A CRM's name as the interface's language writes it (Битрикс24 in Russian), from its
/// profile's label.
pub fn crm_name(label: &str) -> String {
    match label {
        "Bitrix24" => crate::tr!("export-crm-name-bitrix24"),
        other => other.to_string(),
    }
}

/// Suggested owners written as the user id `crm`'s own export showed beside their name
/// (`Name [17]`), no owners map needed: (name, id, cards) each.
pub fn owner_ids_from_export(owners: &[(String, String, usize)], crm: &str) -> String {
    let cards: usize = owners.iter().map(|(_, _, n)| n).sum();
    let names: Vec<String> = owners
        .iter()
        .map(|(name, id, _)| format!("{} [{}]", line(name), line(id)))
        .collect();
    crate::tr!(
        "export-owner-ids-from-export",
        cards = cards,
        owners = owners.len(),
        crm = crm,
        names = names.join(", ")
    )
}

pub fn owners_loaded(n: usize, path: &Path) -> String {
    crate::tr!(
        "export-owners-loaded",
        count = n,
        path = path.display().to_string()
    )
}

// ---- CSV meant for people ----

/// A column of a CSV meant for people, in the current language: okk's machine name in English
/// (what scripts read, `--headers en`), words in Russian.
pub fn column(name: &str) -> String {
    match name {
        "review_id" => crate::tr!("export-col-review-id"),
        "source" => crate::tr!("export-col-source"),
        "external_id" => crate::tr!("export-col-external-id"),
        "title" => crate::tr!("export-col-title"),
        "stage" => crate::tr!("export-col-stage"),
        "owner" => crate::tr!("export-col-owner"),
        "auditor" => crate::tr!("export-col-auditor"),
        "verdict" => crate::tr!("export-col-verdict"),
        "score" => crate::tr!("export-col-score"),
        "failed_items" => crate::tr!("export-col-failed-items"),
        "failed_critical_items" => crate::tr!("export-col-failed-critical-items"),
        "suggested_stage" => crate::tr!("export-col-suggested-stage"),
        "suggested_owner" => crate::tr!("export-col-suggested-owner"),
        "corrections" => crate::tr!("export-col-corrections"),
        "comment" => crate::tr!("export-col-comment"),
        "reviewed_at" => crate::tr!("export-col-reviewed-at"),
        "seconds_spent" => crate::tr!("export-col-seconds-spent"),
        "lead_decision" => crate::tr!("export-col-lead-decision"),
        "lead" => crate::tr!("export-col-lead"),
        "card_changed" => crate::tr!("export-col-card-changed"),
        "lead_verdict" => crate::tr!("export-col-lead-verdict"),
        "lead_suggested_stage" => crate::tr!("export-col-lead-suggested-stage"),
        "lead_suggested_owner" => crate::tr!("export-col-lead-suggested-owner"),
        "final_verdict" => crate::tr!("export-col-final-verdict"),
        "unanswered_items" => crate::tr!("export-col-unanswered-items"),
        "crm_url" => crate::tr!("export-col-crm-url"),
        "lead_note" => crate::tr!("export-col-lead-note"),
        "settled_by" => crate::tr!("export-col-settled-by"),
        "settled_decision" => crate::tr!("export-col-settled-decision"),
        "card_gone_at" => crate::tr!("export-col-card-gone-at"),
        "awaits_lead" => crate::tr!("export-col-awaits-lead"),
        "funnel_stage" => crate::tr!("export-col-funnel-stage"),
        "funnel_stage_now" => crate::tr!("export-col-funnel-stage-now"),
        "calibration" => crate::tr!("export-col-calibration"),
        "flagged_share" => crate::tr!("export-col-flagged-share"),
        "reviews" => crate::tr!("export-col-reviews"),
        "ok" => crate::tr!("export-col-ok"),
        "wrong_stage" => crate::tr!("export-col-wrong-stage"),
        "stale" => crate::tr!("export-col-stale"),
        "dead" => crate::tr!("export-col-dead"),
        "unclear" => crate::tr!("export-col-unclear"),
        "mismatches" => crate::tr!("export-col-mismatches"),
        "mismatch_rate" => crate::tr!("export-col-mismatch-rate"),
        "estimated_lying" => crate::tr!("export-col-estimated-lying"),
        "average_score" => crate::tr!("export-col-average-score"),
        "open_cards" => crate::tr!("export-col-open-cards"),
        "median_idle_days" => crate::tr!("export-col-median-idle-days"),
        "top_failing_items" => crate::tr!("export-col-top-failing-items"),
        "top_failing_ids" => crate::tr!("export-col-top-failing-ids"),
        "estimated_lying_low" => crate::tr!("export-col-estimated-lying-low"),
        "estimated_lying_high" => crate::tr!("export-col-estimated-lying-high"),
        "ranked" => crate::tr!("export-col-ranked"),
        "scored" => crate::tr!("export-col-scored"),
        "judged" => crate::tr!("export-col-judged"),
        "disputed" => crate::tr!("export-col-disputed"),
        "covered_cards" => crate::tr!("export-col-covered-cards"),
        "changed_by_version" => crate::tr!("export-col-changed-by-version"),
        "judged_before_change" => crate::tr!("export-col-judged-before-change"),
        "changed_stages" => crate::tr!("export-col-changed-stages"),
        "known" => crate::tr!("export-col-known"),
        "kind" => crate::tr!("export-col-kind"),
        "cards" => crate::tr!("export-col-cards"),
        "gone" => crate::tr!("export-col-gone"),
        "flagged" => crate::tr!("export-col-flagged"),
        "reviewed" => crate::tr!("export-col-reviewed"),
        "manager" => crate::tr!("export-col-manager"),
        "level" => crate::tr!("export-col-level"),
        "rank" => crate::tr!("export-col-rank"),
        "likely_cause" => crate::tr!("export-col-likely-cause"),
        "likely_cause_ids" => crate::tr!("export-col-likely-cause-ids"),
        "week" => crate::tr!("export-col-week"),
        "starts" => crate::tr!("export-col-starts"),
        "cards_per_hour" => crate::tr!("export-col-cards-per-hour"),
        "median_seconds" => crate::tr!("export-col-median-seconds"),
        "decided" => crate::tr!("export-col-decided"),
        "accepted" => crate::tr!("export-col-accepted"),
        "overridden" => crate::tr!("export-col-overridden"),
        "returned" => crate::tr!("export-col-returned"),
        "calibrated" => crate::tr!("export-col-calibrated"),
        "reference_agreement" => crate::tr!("export-col-reference-agreement"),
        "unanswered" => crate::tr!("export-col-unanswered"),
        other => other.to_string(),
    }
}

/// A stage's kind as a CSV cell.
pub fn stage_kind(kind: crate::domain::StageKind) -> String {
    match kind {
        crate::domain::StageKind::Open => crate::tr!("export-kind-open"),
        crate::domain::StageKind::Won => crate::tr!("export-kind-won"),
        crate::domain::StageKind::Lost => crate::tr!("export-kind-lost"),
    }
}

/// A bottleneck's level as a CSV cell: a stage, or a manager at a stage.
pub fn level(manager: bool) -> String {
    if manager {
        crate::tr!("export-level-manager")
    } else {
        crate::tr!("export-level-stage")
    }
}

/// Corrected fields as people read them: each field by the label the card shows it under, then
/// its value, `Бюджет: 12 000 000; Название: Петров Павел`.
pub fn corrections(corrections: &crate::domain::review::Corrections) -> String {
    let named: Vec<String> = (corrections.iter())
        .map(|(field, value)| format!("{}: {value}", super::tui::field_label(field)))
        .collect();
    named.join("; ")
}

/// A verdict as a CSV cell: its machine name in English, words in Russian.
pub fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Ok => crate::tr!("export-verdict-ok"),
        Verdict::WrongStage => crate::tr!("export-verdict-wrong-stage"),
        Verdict::Stale => crate::tr!("export-verdict-stale"),
        Verdict::Dead => crate::tr!("export-verdict-dead"),
        Verdict::Unclear => crate::tr!("export-verdict-unclear"),
    }
}

/// The lead's decision as a CSV cell.
pub fn decision(d: DecisionKind) -> String {
    match d {
        DecisionKind::Accept => crate::tr!("export-decision-accept"),
        DecisionKind::Override => crate::tr!("export-decision-override"),
        DecisionKind::Return => crate::tr!("export-decision-return"),
    }
}

/// Yes or no as a CSV cell.
pub fn yes_no(yes: bool) -> String {
    if yes {
        crate::tr!("export-yes")
    } else {
        crate::tr!("export-no")
    }
}

#[cfg(test)]
mod tests {
    use crate::text::lang::{Lang, with};

    /// The hint after `okk export crm` names the reviews export's column as that export, in
    /// the same language, names it.
    #[test]
    fn cards_changed_since_review_point_at_the_column_by_its_name() {
        let ru = with(Lang::Ru, || super::changed_since_review(&moved(4)));
        assert!(ru.contains("в столбце «Карточка изменилась»"), "{ru}");
        assert!(!ru.contains("card_changed"), "{ru}");
        let en = with(Lang::En, || super::changed_since_review(&moved(4)));
        assert!(en.contains("marks them in card_changed"), "{en}");
    }

    /// `n` cards changed since their review, all now at one stage.
    fn moved(n: usize) -> Vec<(String, String, Option<String>)> {
        (1..=n)
            .map(|i| (format!("30{i:02}"), "Принимают решение".to_string(), None))
            .collect()
    }

    /// Each card changed since its review is named with the stage it is at now: a move the lead
    /// approved may be one the CRM has since made otherwise.
    #[test]
    fn cards_changed_since_review_are_named_with_their_stage_now() {
        let ru = with(Lang::Ru, || super::changed_since_review(&moved(2)));
        assert!(
            ru.ends_with(
                "«Карточка изменилась»): #3001 (сейчас «Принимают решение»), #3002 (сейчас \
                 «Принимают решение»)"
            ),
            "{ru}"
        );
        let one = with(Lang::Ru, || super::changed_since_review(&moved(1)));
        assert!(
            one.contains("изменилась в CRM после проверки: проверьте её перед"),
            "{one}"
        );
        let en = with(Lang::En, || super::changed_since_review(&moved(52)));
        assert!(
            en.contains(": #3001 (now at «Принимают решение»), #3002"),
            "{en}"
        );
        assert!(en.ends_with("… and 2 more"), "{en}");
        // CRM text in a stage name reaches the terminal as placeholders.
        let evil = vec![
            ("1".to_string(), "Этап\u{1b}[2J".to_string(), None),
            (
                "2".to_string(),
                "Этап".to_string(),
                Some("В CRM\u{1b}[2J".to_string()),
            ),
        ];
        let en = with(Lang::En, || super::changed_since_review(&evil));
        assert!(!en.contains('\u{1b}'), "{en}");
        assert!(en.contains("#2 (now at «Этап», «В CRM"), "{en}");
    }

    #[test]
    fn cards_gone_from_the_crm_are_named_one_or_counted_and_listed() {
        let ids = |n: usize| -> Vec<String> { (1..=n).map(|i| format!("10{i:02}")).collect() };
        with(Lang::En, || {
            let one = super::gone_from_crm(&ids(1));
            assert!(
                one.starts_with("okk: card 1001 is gone from the CRM"),
                "{one}"
            );
            assert!(one.ends_with("its change is left out of the file"), "{one}");
            let two = super::gone_from_crm(&ids(2));
            assert!(two.starts_with("okk: 2 cards are gone"), "{two}");
            assert!(two.ends_with("left out of the file: 1001, 1002"), "{two}");
        });
        with(Lang::Ru, || {
            let one = super::gone_from_crm(&ids(1));
            assert!(
                one.starts_with("okk: карточки 1001 больше нет в CRM"),
                "{one}"
            );
            assert!(super::gone_from_crm(&ids(3)).starts_with("okk: 3 карточек больше нет"));
            assert!(super::gone_from_crm(&ids(21)).starts_with("okk: 21 карточки больше нет"));
            // Past 50 the rest are counted.
            assert!(super::gone_from_crm(&ids(52)).ends_with("… и ещё 2"));
        });
    }

    /// The owners map to fill in is a CSV the user opens in a spreadsheet: a name that would run
    /// as a formula is written defused (tester33 F6).
    #[test]
    fn the_owners_template_defuses_a_name_a_spreadsheet_would_run() {
        use crate::domain::crm_export::OwnerForm;
        let owners = [
            ("=cmd|' /C calc'!A0 Менеджер".to_string(), 2),
            ("Анна".to_string(), 1),
        ];
        let text = with(Lang::En, || {
            super::unmapped_owners(&owners, "HubSpot", OwnerForm::Email, false)
        });
        assert!(text.contains("\n  '=cmd|' /C calc'!A0 Менеджер,"), "{text}");
        assert!(text.contains("\n  Анна,"), "{text}");
    }

    #[test]
    fn english_counts_agree_in_number_too() {
        with(Lang::En, || {
            let one = super::changed_since_review(&moved(1));
            assert!(
                one.contains(
                    "1 of these cards has changed in the CRM since the review: check it before"
                ),
                "{one}"
            );
            let two = super::changed_since_review(&moved(2));
            assert!(
                two.contains("2 of these cards have changed") && two.contains("check them before"),
                "{two}"
            );
            let path = std::path::Path::new("to_b24.jsonl");
            let rest = |n| {
                super::wrote_changes(
                    n,
                    path,
                    "Bitrix24",
                    super::Format::RestJsonl,
                    Some("crm.deal.update"),
                )
            };
            assert!(
                rest(1).contains("wrote 1 REST crm.deal.update call (one per line"),
                "{}",
                rest(1)
            );
            assert!(
                rest(3).contains("wrote 3 REST crm.deal.update calls ("),
                "{}",
                rest(3)
            );
        });
    }

    #[test]
    fn cards_waiting_for_the_lead_agree_in_number_in_russian() {
        let ids = |n: usize| -> Vec<String> { (1..=n).map(|i| format!("10{i:02}")).collect() };
        with(Lang::Ru, || {
            let one = super::needs_lead(&ids(1));
            assert!(
                one.contains("1 карточка ждёт решения руководителя и не выгружена: её аудиторы"),
                "{one}"
            );
            let few = super::needs_lead(&ids(3));
            assert!(
                few.contains("3 карточки ждут решения руководителя и не выгружены: их аудиторы"),
                "{few}"
            );
            let many = super::needs_lead(&ids(5));
            assert!(
                many.contains("5 карточек ждут решения руководителя и не выгружены"),
                "{many}"
            );
        });
    }

    #[test]
    fn a_verdict_is_named_alike_in_the_file_and_on_the_screens_in_russian() {
        use crate::domain::review::Verdict;
        with(Lang::Ru, || {
            for v in [
                Verdict::Ok,
                Verdict::WrongStage,
                Verdict::Stale,
                Verdict::Dead,
                Verdict::Unclear,
            ] {
                assert_eq!(super::verdict(v), crate::text::tui::verdict(v), "{v:?}");
            }
            // The card's hint bar has room for the whole word.
            assert_eq!(crate::tr!("tui-action-stale-hint"), "устарела");
        });
    }

    #[test]
    fn corrections_read_by_the_labels_the_card_shows() {
        let corrections = [
            ("amount", "12 000 000"),
            ("title", "Петров Павел"),
            ("Срок действия брони", "31.12.2026"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        with(Lang::Ru, || {
            assert_eq!(
                super::corrections(&corrections),
                "Бюджет: 12 000 000; Название: Петров Павел; Срок действия брони: 31.12.2026"
            );
        });
        with(Lang::En, || {
            assert_eq!(
                super::corrections(&corrections),
                "Budget: 12 000 000; Title: Петров Павел; Срок действия брони: 31.12.2026"
            );
        });
    }

    #[test]
    fn owner_ids_from_the_crm_s_export_agree_with_their_counts() {
        let owners = |n: usize| -> Vec<(String, String, usize)> {
            (1..=n)
                .map(|i| (format!("Имя {i}"), i.to_string(), 2))
                .collect()
        };
        with(Lang::En, || {
            let one = super::owner_ids_from_export(&owners(1), "Bitrix24");
            assert!(one.starts_with("okk: 2 cards get a new owner"), "{one}");
            assert!(one.contains("; the id was taken from"), "{one}");
            assert!(one.contains("needed: Имя 1 [1]. If"), "{one}");
            let two = super::owner_ids_from_export(&owners(2), "Bitrix24");
            assert!(two.contains("4 cards get"), "{two}");
            assert!(two.contains("; the ids were taken from"), "{two}");
            assert!(two.contains("Имя 1 [1], Имя 2 [2]."), "{two}");
        });
        with(Lang::Ru, || {
            let one = super::owner_ids_from_export(&owners(1), "Bitrix24");
            assert!(one.starts_with("okk: 2 карточкам назначен"), "{one}");
            assert!(one.contains("; id взят из"), "{one}");
            let two = super::owner_ids_from_export(&owners(2), "Bitrix24");
            assert!(two.contains("; id взяты из"), "{two}");
        });
    }
}
