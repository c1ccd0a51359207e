//! The checklist of a stage the funnel no longer has, from the funnel versions the store
//! recorded: a review made there answered that checklist's items, which the lead reads by
//! their names, not their ids.

use super::funnel::{ChecklistItem, Funnel};

/// `stage`'s checklist (by its name or an alias) in the latest of `versions` (oldest first, as
/// the store lists them) whose stages have it; `None` where none does.
pub fn past_checklist(versions: &[Funnel], stage: &str) -> Option<Vec<ChecklistItem>> {
    (versions.iter().rev()).find_map(|f| f.resolve(stage).map(|i| f.stage(i).checklist.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnel(negotiation: Option<&str>) -> Funnel {
        let mut src = "name = \"Продажи\"\n\n[[stages]]\nname = \"Контакт\"\n".to_string();
        if let Some(text) = negotiation {
            src += &format!(
                "\n[[stages]]\nname = \"Переговоры\"\naliases = [\"Торг\"]\n\n\
                 [[stages.checklist]]\nid = \"q3\"\ntext = \"{text}\"\nweight = 2\n"
            );
        }
        crate::funnel_config::load_str(&src, std::path::Path::new("funnel.toml")).unwrap()
    }

    #[test]
    fn the_latest_version_that_had_the_stage_names_its_items() {
        let (v1, v2, v3) = (
            funnel(Some("Старый текст")),
            funnel(Some("Новый текст")),
            funnel(None),
        );
        let text = |versions: &[Funnel], stage: &str| {
            past_checklist(versions, stage).map(|c| c[0].text.clone())
        };
        let all = [v1.clone(), v2, v3.clone()];
        assert_eq!(text(&all, "Переговоры").as_deref(), Some("Новый текст"));
        // By an alias, as the CRM named the stage.
        assert_eq!(text(&all, "торг").as_deref(), Some("Новый текст"));
        assert_eq!(text(&[v1], "Переговоры").as_deref(), Some("Старый текст"));
        assert_eq!(past_checklist(&[v3], "Переговоры"), None);
        assert_eq!(past_checklist(&[], "Переговоры"), None);
    }
}
