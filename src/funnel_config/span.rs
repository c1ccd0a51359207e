//! Which dotted key of the funnel file a byte span is about (`stages[3].checklist[1].weight`);
//! its line and column come from `formats::line_col`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The dotted key (`stages[3].checklist[1].weight`) of the innermost key or value at `offset`,
/// or "" when the offset lies outside any key. Serde's errors carry a span but no key path.
pub fn key_at(src: &str, offset: usize) -> String {
    entries(src)
        .into_iter()
        .filter(|e| contains(&e.span, offset))
        .min_by_key(|e| e.span.len())
        .map(|e| e.path)
        .unwrap_or_default()
}

/// The dotted key for `key` written at `offset` but absent from the parsed tree (a duplicate key
/// is dropped by the parser): it belongs to the table of the nearest key written before it.
pub fn key_before(src: &str, offset: usize, key: &str) -> String {
    let parent = entries(src)
        .into_iter()
        .filter(|e| e.is_key && e.span.start < offset)
        .max_by_key(|e| e.span.start)
        .map(|e| e.parent)
        .unwrap_or_default();
    join(&parent, key)
}

/// One key or value of the document with the dotted path it has.
struct Entry {
    path: String,
    parent: String,
    span: Range<usize>,
    is_key: bool,
}

fn entries(src: &str) -> Vec<Entry> {
    // Recoverable parsing still yields the keys around a syntax error.
    let (root, _) = DeTable::parse_recoverable(src);
    let mut out = Vec::new();
    walk_table(root.get_ref(), "", &mut out);
    out
}

fn walk_table(table: &DeTable<'_>, prefix: &str, out: &mut Vec<Entry>) {
    for (key, value) in table {
        let path = join(prefix, key.get_ref());
        out.push(Entry {
            path: path.clone(),
            parent: prefix.to_string(),
            span: key.span(),
            is_key: true,
        });
        walk_value(value, &path, prefix, out);
    }
}

fn walk_value(value: &Spanned<DeValue<'_>>, path: &str, parent: &str, out: &mut Vec<Entry>) {
    out.push(Entry {
        path: path.to_string(),
        parent: parent.to_string(),
        span: value.span(),
        is_key: false,
    });
    match value.get_ref() {
        DeValue::Table(table) => walk_table(table, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &format!("{path}[{i}]"), path, out);
            }
        }
        _ => {}
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

pub(super) fn join(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_names_the_innermost_key() {
        let src = "[[stages]]\nname = \"a\"\n[[stages]]\nname = \"b\"\n[[stages.checklist]]\nweight = 0\n";
        let at = src.rfind('0').unwrap();
        assert_eq!(key_at(src, at), "stages[1].checklist[0].weight");
        assert_eq!(
            key_at(src, src.rfind("weight").unwrap()),
            "stages[1].checklist[0].weight"
        );
    }

    #[test]
    fn a_dropped_duplicate_key_belongs_to_the_table_before_it() {
        let src = "name = \"a\"\n[[stages]]\nname = \"b\"\nkind = \"won\"\nname = \"c\"\n";
        let at = src.rfind("name").unwrap();
        assert_eq!(key_before(src, at, "name"), "stages[0].name");
    }

    #[test]
    fn non_bare_keys_are_quoted() {
        let src = "[[stages]]\n\"имя\" = 1\n";
        assert_eq!(key_at(src, src.find('1').unwrap()), "stages[0].\"имя\"");
    }
}
