//! A CRM is one folder of `assets/crm/`: its import profile, and its export profile when okk
//! writes change files for it. Whoever adds a folder gets, with no other change, a profile that
//! loads, a `--profile` choice in `okk import` (and `okk export crm`) and a file of its export
//! detected as that CRM's.

mod common;

use std::path::PathBuf;

use common::{Desk, repo};
use okk::domain::SystemField;
use okk::export::profile::ExportProfile;
use okk::formats::crms::{CRMS, EXPORT_CHOICES, IMPORT_CHOICES};
use okk::sync::profile::Profile;

/// The folders on disk, each with whether it holds an export profile.
fn folders() -> Vec<(String, bool)> {
    let root = repo().join("assets/crm");
    let mut out: Vec<(String, bool)> = std::fs::read_dir(&root)
        .expect("assets/crm")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .map(|p: PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, p.join("export.toml").is_file())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_crm_folder_is_a_builtin_profile_that_loads() {
    let mut built: Vec<(String, bool)> = CRMS
        .iter()
        .map(|c| (c.name.to_string(), c.export.is_some()))
        .collect();
    built.sort();
    assert_eq!(
        built,
        folders(),
        "the build found every folder of assets/crm"
    );
    for (name, exports) in folders() {
        let import = Profile::builtin(&name).unwrap_or_else(|| panic!("{name}: import.toml"));
        assert_eq!(import.name, name, "{name}/import.toml names its folder");
        assert_eq!(ExportProfile::builtin(&name).is_some(), exports, "{name}");
    }
    assert_eq!(CRMS.last().map(|c| c.name), Some("generic"));
}

#[test]
fn every_crm_folder_is_a_profile_choice_in_the_help() {
    let desk = Desk::new();
    let help = |args: &[&str]| {
        let out = desk.okk_bare().args(args).output().expect("run okk");
        assert!(out.status.success(), "okk {args:?}");
        String::from_utf8(out.stdout).expect("UTF-8 help")
    };
    let import = help(&["import", "--help"]);
    let export = help(&["export", "crm", "--help"]);
    let choices = |help: &str| -> Vec<String> {
        let at = help.find("--profile").expect("a --profile option");
        let line = &help[at..];
        let list = &line[line.find("[possible values: ").expect("its choices") + 18..];
        list[..list.find(']').unwrap()]
            .split(", ")
            .map(String::from)
            .collect()
    };
    let mut want_import = vec!["auto".to_string()];
    want_import.extend(CRMS.iter().map(|c| c.name.to_string()));
    assert_eq!(choices(&import), want_import);
    assert_eq!(choices(&import), IMPORT_CHOICES);
    let want_export: Vec<String> = folders()
        .into_iter()
        .filter(|(_, exports)| *exports)
        .map(|(name, _)| name)
        .collect();
    let mut got_export = choices(&export);
    got_export.sort();
    assert_eq!(got_export, want_export);
    assert_eq!(choices(&export), EXPORT_CHOICES);
}

#[test]
fn an_export_with_a_crms_own_headers_is_detected_as_that_crm() {
    for crm in CRMS.iter().filter(|c| c.name != "generic") {
        let profile = Profile::builtin(crm.name).unwrap();
        let headers: Vec<&str> = profile
            .fields
            .values()
            .filter_map(|hs| hs.first().map(String::as_str))
            .collect();
        let first = |field: SystemField| profile.fields[&field][0].as_str();
        let (id, stage) = (first(SystemField::ExternalId), first(SystemField::Stage));
        let row: Vec<&str> = headers
            .iter()
            .map(|h| match *h {
                h if h == id => "4242",
                h if h == stage => "Квалификация",
                _ => "",
            })
            .collect();
        let desk = Desk::new();
        let file = desk.dir.path().join(format!("{}.csv", crm.name));
        let quote = |v: &[&str]| {
            v.iter()
                .map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(",")
        };
        std::fs::write(&file, format!("{}\n{}\n", quote(&headers), quote(&row))).unwrap();
        let report = desk.import_one(&[file.to_str().unwrap()]);
        assert_eq!(report["profile"], crm.name, "{report:#}");
    }
}
