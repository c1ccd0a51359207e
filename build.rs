//! Finds the CRM profiles okk ships: every folder of `assets/crm/` is one CRM, with its import
//! profile (`import.toml`) and, for a CRM okk writes change files for, its export profile
//! (`export.toml`). The list it writes is what `formats::crms` includes, so adding a CRM is adding
//! a folder: the built-in profiles and clap's `--profile` choices follow from it.
//!
//! It also lists the message catalogues (`assets/i18n/LANG/AREA.ftl`) that `text::i18n` embeds,
//! so a new area or language is a new file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    catalogues();
    let root = Path::new(&manifest_dir()).join("assets/crm");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.expect("a readable assets/crm entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    // Detection prefers the earlier CRM on a tie: by name, and `generic` (any CSV, mapped by
    // hand) after every real CRM.
    names.sort_by(|a, b| (a == "generic", a).cmp(&(b == "generic", b)));

    let mut out = String::from("pub const CRMS: &[BuiltinCrm] = &[\n");
    let mut exports = Vec::new();
    for name in &names {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "assets/crm/{name}: a CRM folder is named in lower-case letters, digits and `_` \
             (it is what `--profile` takes)"
        );
        let dir = root.join(name);
        let import = dir.join("import.toml");
        assert!(
            import.is_file(),
            "{}: every CRM folder has one",
            import.display()
        );
        let export = dir.join("export.toml");
        let export = if export.is_file() {
            exports.push(name.clone());
            format!("Some(include_str!({:?}))", export.display().to_string())
        } else {
            "None".to_string()
        };
        writeln!(
            out,
            "    BuiltinCrm {{ name: {name:?}, import: include_str!({:?}), export: {export} }},",
            import.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let quoted = |v: &[String]| {
        v.iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "pub const IMPORT_CHOICES: &[&str] = &[\"auto\", {}];",
        quoted(&names)
    )
    .unwrap();
    writeln!(
        out,
        "pub const EXPORT_CHOICES: &[&str] = &[{}];",
        quoted(&exports)
    )
    .unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("crms.rs");
    std::fs::write(dest, out).unwrap();
}

fn catalogues() {
    let root = Path::new(&manifest_dir()).join("assets/i18n");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for lang in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let lang = lang.expect("a readable assets/i18n entry").path();
        if !lang.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", lang.display());
        for file in std::fs::read_dir(&lang).unwrap_or_else(|e| panic!("{}: {e}", lang.display())) {
            let file = file.expect("a readable catalogue").path();
            if file.extension().is_some_and(|e| e == "ftl") {
                files.push(file);
            }
        }
    }
    files.sort();
    let mut out = String::from("const CATALOGUES: &[Catalogue] = &[\n");
    for file in &files {
        let lang = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let area = file.file_stem().unwrap().to_string_lossy();
        writeln!(
            out,
            "    Catalogue {{ lang: {lang:?}, area: {area:?}, text: include_str!({:?}) }},",
            file.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("i18n.rs");
    std::fs::write(dest, out).unwrap();
}

/// The package's directory as cargo runs this script, not as it was compiled: a build script
/// compiled in another checkout (a shared target dir) would embed that checkout's files.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
}
