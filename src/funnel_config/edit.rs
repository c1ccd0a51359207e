//! A proposal of `okk funnel suggest` as TOML: the patch it shows, and the funnel file with it
//! applied — edited in place (toml_edit), so the user's comments and layout stay as they were.

use toml_edit::{Array, DocumentMut, Item, Table, Value, value};

use crate::domain::funnel::FieldKind;
use crate::domain::names::fold;
use crate::domain::suggest::Edit;
use crate::text::suggest as words;

use super::show::kind_word;

/// A TOML string literal.
fn quoted(s: &str) -> String {
    Value::from(s).to_string().trim().to_string()
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

/// The change as TOML a user could paste: the stage's table with the keys that change.
pub fn patch(edit: &Edit) -> String {
    let stage = |name: &str, body: &str| format!("[[stages]]\nname = {}\n{body}", quoted(name));
    match edit {
        Edit::IdleLimit { stage: s, days } => stage(s, &format!("max_idle_days = {days}\n")),
        Edit::ExtraControl { stage: s } => stage(s, "extra_control = true\n"),
        Edit::Skippable { stage: s } => stage(s, "skippable = true\n"),
        Edit::AddStage {
            after,
            name,
            max_idle_days,
            fields,
            skippable,
        } => {
            let mut body = format!(
                "# {}\n[[stages]]\nname = {}\nkind = \"open\"\n",
                words::patch_after(after),
                quoted(&words::new_stage_name(name))
            );
            if let Some(d) = max_idle_days {
                body.push_str(&format!("max_idle_days = {d}\n"));
            }
            if *skippable {
                body.push_str("skippable = true\n");
            }
            if !fields.is_empty() {
                body.push_str(&format!("fields = {}\n", list(fields)));
            }
            body
        }
        Edit::BindField {
            field,
            declare,
            bind,
            require,
        } => {
            let mut out = String::new();
            if let Some(kind) = declare {
                out.push_str(&format!(
                    "[[custom_fields]]\nname = {}\ntype = \"{}\"\n\n",
                    quoted(field),
                    kind_word(*kind)
                ));
            }
            for s in bind {
                let mut body = format!("fields = [… {}]\n", quoted(field));
                if require.contains(s) {
                    body.push_str(&format!("required = [… {}]\n", quoted(field)));
                }
                out.push_str(&stage(s, &body));
                out.push('\n');
            }
            out.trim_end().to_string() + "\n"
        }
        Edit::AddAlias { stage: s, alias } => {
            stage(s, &format!("aliases = [… {}]\n", quoted(alias)))
        }
        Edit::MergeStage { stage: s, into } | Edit::DropStage { stage: s, into } => format!(
            "# {}\n{}",
            words::patch_removed(s),
            stage(into, &format!("aliases = [… {}]\n", quoted(s)))
        ),
    }
}

/// The funnel file's text with `edit` applied; `Err` with a sentence when the file no longer
/// has what the proposal names (edited since).
pub fn apply(src: &str, edit: &Edit) -> Result<String, String> {
    let mut doc: DocumentMut = src
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let stages = doc
        .get_mut("stages")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(words::apply_no_stages)?;
    apply_to_stages(stages, edit)?;
    if let Edit::BindField {
        field,
        declare: Some(kind),
        ..
    } = edit
    {
        declare_field(&mut doc, field, *kind)?;
    }
    Ok(doc.to_string())
}

/// The part of `edit` that changes the `[[stages]]` tables.
fn apply_to_stages(stages: &mut toml_edit::ArrayOfTables, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::IdleLimit { stage, days } => {
            let i = find(stages, stage)?;
            stage_mut(stages, i)["max_idle_days"] = value(i64::from(*days));
        }
        Edit::ExtraControl { stage } => {
            let i = find(stages, stage)?;
            stage_mut(stages, i)["extra_control"] = value(true);
        }
        Edit::Skippable { stage } => {
            let i = find(stages, stage)?;
            stage_mut(stages, i)["skippable"] = value(true);
        }
        Edit::AddStage {
            after,
            name,
            max_idle_days,
            fields,
            skippable,
        } => {
            let i = find(stages, after)?;
            let mut t = Table::new();
            t.decor_mut()
                .set_prefix(format!("\n# {}\n", words::patch_added(after)));
            t["name"] = value(words::new_stage_name(name));
            t["kind"] = value("open");
            if let Some(d) = max_idle_days {
                t["max_idle_days"] = value(i64::from(*d));
            }
            if *skippable {
                t["skippable"] = value(true);
            }
            if !fields.is_empty() {
                t["fields"] = value(fields.iter().map(String::as_str).collect::<Array>());
            }
            stages.insert(i + 1, t);
        }
        Edit::BindField {
            field,
            bind,
            require,
            ..
        } => {
            for s in bind {
                let i = find(stages, s)?;
                push_unique(stage_mut(stages, i), "fields", field);
            }
            for s in require {
                let i = find(stages, s)?;
                push_unique(stage_mut(stages, i), "required", field);
            }
        }
        Edit::AddAlias { stage, alias } => {
            let i = find(stages, stage)?;
            push_unique(stage_mut(stages, i), "aliases", alias);
        }
        Edit::MergeStage { stage, into } | Edit::DropStage { stage, into } => {
            merge_stage(stages, stage, into)?;
        }
    }
    Ok(())
}

/// The stage named `name` (or a spelling of it that folds the same).
fn find(stages: &toml_edit::ArrayOfTables, name: &str) -> Result<usize, String> {
    let key = fold(name);
    stages
        .iter()
        .position(|t| t.get("name").and_then(Item::as_str).map(fold) == Some(key.clone()))
        .ok_or_else(|| words::apply_no_stage(name))
}

/// Removes `stage`, its name and aliases becoming aliases of `into`.
fn merge_stage(
    stages: &mut toml_edit::ArrayOfTables,
    stage: &str,
    into: &str,
) -> Result<(), String> {
    let i = find(stages, stage)?;
    let j = find(stages, into)?;
    let gone = stages.get(i).cloned().unwrap_or_default();
    let mut names = vec![stage.to_string()];
    if let Some(a) = gone.get("aliases").and_then(Item::as_array) {
        names.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)));
    }
    for n in &names {
        push_unique(stage_mut(stages, j), "aliases", n);
    }
    stages.remove(i);
    Ok(())
}

/// Declares the custom field `field` of `kind` (the `[[custom_fields]]` array made if missing).
fn declare_field(doc: &mut DocumentMut, field: &str, kind: FieldKind) -> Result<(), String> {
    let mut t = Table::new();
    t["name"] = value(field);
    t["type"] = value(kind_word(kind));
    match doc.get_mut("custom_fields") {
        Some(item) => item
            .as_array_of_tables_mut()
            .ok_or_else(words::apply_no_stages)?
            .push(t),
        None => {
            let mut a = toml_edit::ArrayOfTables::new();
            a.push(t);
            doc["custom_fields"] = Item::ArrayOfTables(a);
        }
    }
    Ok(())
}

fn stage_mut(stages: &mut toml_edit::ArrayOfTables, i: usize) -> &mut Table {
    stages
        .get_mut(i)
        .unwrap_or_else(|| unreachable!("index found above"))
}

/// Appends `item` to the array `key` of `table` (made if missing) unless it is there already.
fn push_unique(table: &mut Table, key: &str, item: &str) {
    if !table.contains_key(key) {
        table[key] = value(Array::new());
    }
    let Some(array) = table[key].as_array_mut() else {
        return;
    };
    let folded = fold(item);
    let present = array.iter().any(|v| match v {
        Value::String(s) => fold(s.value()) == folded,
        Value::InlineTable(t) => {
            t.get("field").and_then(Value::as_str).map(fold) == Some(folded.clone())
        }
        _ => false,
    });
    if !present {
        array.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::suggest::NewStage;
    use std::path::Path;

    const FUNNEL: &str = r#"name = "t"

# the first stage
[[stages]]
name = "A"
aliases = ["A1"]
max_idle_days = 3

  [[stages.checklist]]
  id = "x"
  text = "X"

[[stages]]
name = "B"
required = [{ field = "owner", severity = "critical" }]

[[stages]]
name = "Won"
kind = "won"
"#;

    fn load(src: &str) -> crate::domain::Funnel {
        crate::funnel_config::load_str(src, Path::new("t.toml")).unwrap()
    }

    #[test]
    fn an_added_stage_lands_after_its_stage_and_its_checklist_and_comments_stay() {
        let edit = Edit::AddStage {
            after: "A".into(),
            name: NewStage::Named("Silent".into()),
            max_idle_days: Some(14),
            fields: vec![],
            skippable: true,
        };
        let out = apply(FUNNEL, &edit).unwrap();
        let f = load(&out);
        let names: Vec<&str> = f.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "Silent", "B", "Won"]);
        assert_eq!(f.stages[1].max_idle_days, Some(14));
        assert_eq!(f.stages[0].checklist.len(), 1);
        assert!(out.contains("# the first stage"));
    }

    #[test]
    fn binding_declares_the_field_and_merging_keeps_the_old_names_as_aliases() {
        let edit = Edit::BindField {
            field: "Meeting".into(),
            declare: Some(FieldKind::Date),
            bind: vec!["B".into()],
            require: vec!["B".into()],
        };
        let f = load(&apply(FUNNEL, &edit).unwrap());
        assert_eq!(f.custom_fields[0].name, "Meeting");
        assert_eq!(f.stages[1].fields, ["Meeting"]);
        assert_eq!(f.stages[1].required.len(), 2);

        let merged = apply(
            FUNNEL,
            &Edit::MergeStage {
                stage: "A".into(),
                into: "B".into(),
            },
        );
        let f = load(&merged.unwrap());
        assert_eq!(f.stages.len(), 2);
        assert_eq!(f.resolve("A1"), Some(0));
        assert_eq!(f.stages[0].name, "B");
    }
}
