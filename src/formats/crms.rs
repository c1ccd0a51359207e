//! The CRM profiles okk ships, one folder each in `assets/crm/` (found by `build.rs`): the TOML
//! texts, parsed by `sync::profile` and `export::profile`, and the names `--profile` takes.

/// One folder of `assets/crm/`.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinCrm {
    /// The folder's name: what `--profile` takes and what cards imported with it are marked.
    pub name: &'static str,
    /// `import.toml`: what the CRM's export files look like.
    pub import: &'static str,
    /// `export.toml`: how to write a change file the CRM reads back; none for a profile okk only
    /// imports with (`generic`).
    pub export: Option<&'static str>,
}

// CRMS (in the order detection prefers on a tie), IMPORT_CHOICES ("auto" and every folder) and
// EXPORT_CHOICES (the folders with an export profile).
include!(concat!(env!("OUT_DIR"), "/crms.rs"));
