//! The catalogues and the code agree: every message exists in both languages with the same
//! placeables, every `tr!` call names a message that exists and passes exactly its placeables,
//! no message is left unused, and plural forms read right in Russian.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;
use okk::text::i18n::{self, catalogues};
use okk::text::lang::Lang;

/// message id → the variables it uses, for one language.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn variables_of_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                variables_of_inline(a, out);
            }
            for a in &arguments.named {
                variables_of_inline(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => variables_of_expression(expression, out),
        _ => {}
    }
}

fn variables_of_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => variables_of_inline(i, out),
        ast::Expression::Select { selector, variants } => {
            variables_of_inline(selector, out);
            for v in variants {
                variables_of_pattern(&v.value, out);
            }
        }
    }
}

fn variables_of_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_of_expression(expression, out);
        }
    }
}

fn messages(lang: Lang) -> Messages {
    let mut all = Messages::new();
    for c in catalogues().iter().filter(|c| c.lang == lang.code()) {
        let resource = fluent_syntax::parser::parse(c.text).unwrap_or_else(|(_, errors)| {
            panic!(
                "assets/i18n/{}/{}.ftl does not parse: {errors:?}",
                c.lang, c.area
            )
        });
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let id = m.id.name.to_string();
                assert!(
                    id.starts_with(&format!("{}-", c.area)),
                    "assets/i18n/{}/{}.ftl: `{id}` must start with `{}-` (the file's area)",
                    c.lang,
                    c.area,
                    c.area
                );
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    variables_of_pattern(p, &mut vars);
                } else {
                    panic!("assets/i18n/{}/{}.ftl: `{id}` has no text", c.lang, c.area);
                }
                assert!(
                    all.insert(id.clone(), vars).is_none(),
                    "`{id}` twice in {}",
                    c.lang
                );
            } else if let ast::Entry::Junk { content } = entry {
                panic!("assets/i18n/{}/{}.ftl: junk: {content}", c.lang, c.area);
            }
        }
    }
    all
}

#[test]
fn every_message_exists_in_both_languages_with_the_same_placeables() {
    let en = messages(Lang::En);
    let ru = messages(Lang::Ru);
    let only_en: Vec<_> = en.keys().filter(|k| !ru.contains_key(*k)).collect();
    let only_ru: Vec<_> = ru.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "in English only: {only_en:?}");
    assert!(only_ru.is_empty(), "in Russian only: {only_ru:?}");
    for (id, vars) in &en {
        assert_eq!(
            vars, &ru[id],
            "`{id}`: English and Russian use other placeables"
        );
    }
    let areas = |lang: &str| -> BTreeSet<&str> {
        catalogues()
            .iter()
            .filter(|c| c.lang == lang)
            .map(|c| c.area)
            .collect()
    };
    assert_eq!(
        areas("en"),
        areas("ru"),
        "each area has a file in both languages"
    );
}

/// One `tr!` call found in the source: where, which message, which names it passes.
struct Call {
    at: String,
    id: String,
    names: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Skips one argument expression: up to the `,` or `)` that closes it at depth 0.
fn skip_expression(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return i,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => return i,
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn calls() -> Vec<Call> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut calls = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let b = text.as_bytes();
        let mut from = 0;
        while let Some(k) = text[from..].find("tr!(") {
            let start = from + k;
            from = start + 4;
            // `macro_rules! tr` and its doc comment are not calls.
            if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
                continue;
            }
            let line = text[..start].matches('\n').count() + 1;
            let at = format!("{}:{line}", file.strip_prefix(root).unwrap().display());
            let line_text = text[..start].rsplit('\n').next().unwrap_or("");
            if line_text.trim_start().starts_with("//") {
                continue;
            }
            let mut i = from;
            while b[i].is_ascii_whitespace() {
                i += 1;
            }
            assert_eq!(
                b[i], b'"',
                "{at}: tr! takes a message id as a string literal"
            );
            let end = i + 1 + text[i + 1..].find('"').unwrap();
            let id = text[i + 1..end].to_string();
            let mut names = BTreeSet::new();
            i = end + 1;
            loop {
                while b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if b[i] == b')' {
                    break;
                }
                assert_eq!(b[i], b',', "{at}: expected `,` or `)` in tr!");
                i += 1;
                while b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if b[i] == b')' {
                    break;
                }
                let name_end = i + text[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap();
                names.insert(text[i..name_end].to_string());
                i = name_end;
                while b[i].is_ascii_whitespace() {
                    i += 1;
                }
                assert_eq!(b[i], b'=', "{at}: tr! arguments are `name = value`");
                i = skip_expression(b, i + 1);
            }
            calls.push(Call { at, id, names });
        }
    }
    calls
}

#[test]
fn every_tr_call_names_a_message_and_passes_exactly_its_placeables() {
    let en = messages(Lang::En);
    let calls = calls();
    assert!(calls.len() > 3, "the source scan found the tr! calls");
    let mut wrong = Vec::new();
    for c in &calls {
        match en.get(&c.id) {
            None => wrong.push(format!("{}: no message `{}`", c.at, c.id)),
            Some(vars) if vars != &c.names => wrong.push(format!(
                "{}: `{}` uses {vars:?} but the call passes {:?}",
                c.at, c.id, c.names
            )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_message_in_the_catalogues_is_used_by_the_code() {
    let mut used: BTreeSet<String> = calls().into_iter().map(|c| c.id).collect();
    // The action table names its hint and help messages by id (one row per action, read through
    // `text::tui::action`).
    used.extend(
        okk::tui::action::message_ids()
            .into_iter()
            .map(String::from),
    );
    let unused: Vec<_> = messages(Lang::En)
        .into_keys()
        .filter(|id| !used.contains(id))
        .collect();
    assert!(unused.is_empty(), "messages no code asks for: {unused:?}");
}

#[test]
fn russian_counts_take_the_plural_form_their_number_asks_for() {
    let cards = |n: u64| {
        let mut args = i18n::FluentArgs::new();
        args.set("count", n);
        i18n::message_in(Lang::Ru, "common-cards", Some(&args))
    };
    let expect = [
        (0, "0 карточек"),
        (1, "1 карточка"),
        (2, "2 карточки"),
        (5, "5 карточек"),
        (11, "11 карточек"),
        (21, "21 карточка"),
        (22, "22 карточки"),
        (25, "25 карточек"),
        (101, "101 карточка"),
        (111, "111 карточек"),
    ];
    for (n, text) in expect {
        assert_eq!(cards(n), text, "{n}");
    }
    let days = |n: u64| {
        let mut args = i18n::FluentArgs::new();
        args.set("count", n);
        i18n::message_in(Lang::Ru, "common-days", Some(&args))
    };
    assert_eq!(days(1), "1 день");
    assert_eq!(days(3), "3 дня");
    assert_eq!(days(11), "11 дней");
    let mut args = i18n::FluentArgs::new();
    args.set("count", 12_345u64);
    assert_eq!(
        i18n::message_in(Lang::Ru, "common-cards", Some(&args)),
        "12\u{202f}345 карточек",
        "thousands grouped with a narrow space"
    );
    assert_eq!(
        i18n::message_in(Lang::En, "common-cards", Some(&args)),
        "12345 cards"
    );
}

#[test]
fn a_message_reads_in_the_thread_s_language() {
    let path = Path::new("/tmp/x.db");
    let ru = okk::text::lang::with(Lang::Ru, || okk::text::store::not_okk(path));
    let en = okk::text::lang::with(Lang::En, || okk::text::store::not_okk(path));
    assert!(ru.contains("не база okk"), "{ru}");
    assert!(en.contains("not an okk database"), "{en}");
}

#[test]
fn the_locale_the_flag_and_okk_lang_choose_the_language_of_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_store = dir.path().join("notes.txt");
    std::fs::write(&not_a_store, "not a database, just text").unwrap();
    let run = |lang_env: Option<&str>, locale: &str, flag: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_okk"));
        cmd.env_remove("OKK_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", locale)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .arg("--db")
            .arg(&not_a_store)
            .arg("stats");
        if let Some(l) = lang_env {
            cmd.env("OKK_LANG", l);
        }
        if let Some(f) = flag {
            cmd.args(["--lang", f]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(run(None, "ru_RU.UTF-8", None).contains("не база okk"));
    assert!(run(None, "C.UTF-8", None).contains("not an okk database"));
    assert!(run(None, "ru_RU.UTF-8", Some("en")).contains("not an okk database"));
    assert!(run(Some("ru"), "C.UTF-8", None).contains("не база okk"));
}

#[test]
fn a_config_lang_okk_does_not_speak_is_an_error_at_its_place() {
    let text = "auditor = \"Анна\"\nlang = \"de\"\n";
    let err = okk::app::config::parse(Path::new("config.toml"), text)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("config.toml:2:8:"), "{err}");
    assert!(err.contains("\"ru\" or \"en\""), "{err}");
    assert!(okk::app::config::parse(Path::new("c.toml"), "lang = \"ru\"\n").is_ok());
}

#[path = "support/english.rs"]
mod english;

#[test]
fn the_english_word_finder_finds_english_and_lets_russian_and_codes_pass() {
    let en = okk::text::lang::with(Lang::En, || okk::text::store::not_okk(Path::new("/x.db")));
    let ru = okk::text::lang::with(Lang::Ru, || okk::text::store::not_okk(Path::new("/x.db")));
    assert!(!english::english_in(&en, &[]).is_empty(), "{en}");
    assert_eq!(english::english_in(&ru, &[]), Vec::<String>::new(), "{ru}");
}

#[test]
fn the_sync_progress_line_reads_in_the_interface_s_language() {
    use okk::domain::sync_report::{Reading, SyncProgress};
    let p = SyncProgress {
        reading: Reading::Deals,
        deals: 250,
        pages: 10,
        requests: 12,
        retries: 3,
        ..SyncProgress::default()
    };
    let ru = okk::text::lang::with(Lang::Ru, || {
        okk::text::crm::progress_line("b24", Some(&p), p.retries)
    });
    assert_eq!(
        ru,
        "b24: сделок прочитано: 250, страниц: 10, запросов: 12, повторов: 3"
    );
    let en = okk::text::lang::with(Lang::En, || {
        okk::text::crm::progress_line("b24", Some(&p), p.retries)
    });
    assert_eq!(en, "b24: deals: 250 read, 10 pages, 12 requests, 3 retries");
}

/// One spelling of the CRM's name a language: «Битрикс24» in Russian, Bitrix24 in English (the
/// profile's code `bitrix24`, a command's word, stays as typed).
#[test]
fn each_language_spells_bitrix24_one_way() {
    for (lang, wrong) in [("ru", "Bitrix24"), ("en", "Битрикс24")] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/i18n")
            .join(lang);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains(wrong), "{}: {wrong}", path.display());
        }
    }
}
