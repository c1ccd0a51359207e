//! The scenarios of tests/lead_snapshots.rs, every screen drawn again in Russian at 80×24 and
//! 120×40 (snapshots `lead_snapshots_ru__scenarios__*`), and the Russian screens checked for
//! English words of okk's own catalogue.

/// The language the scenarios speak in this test binary.
pub const LANG: okk::text::lang::Lang = okk::text::lang::Lang::Ru;

#[path = "lead_snapshots.rs"]
mod scenarios;
