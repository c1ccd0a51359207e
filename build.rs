//! Finds the CRM profiles okk ships: every folder of `assets/crm/` is one CRM, with its import
//! profile (`import.toml`) and, for a CRM okk writes change files for, its export profile
//! (`export.toml`). The list it writes is what `formats::crms` includes, so adding a CRM is adding
//! a folder: the built-in profiles and clap's `--profile` choices follow from it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/crm");
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
