//! Every user-facing string lives under this module, one file per area, so that a Russian
//! interface is a translation of these files and not a hunt through the code. The words themselves
//! are in the catalogues `assets/i18n/{en,ru}/AREA.ftl`, read through `tr!` (`i18n`) in the language
//! `lang` holds.
pub mod analytics;
pub mod app;
pub mod bundle;
pub mod calibrate;
pub mod check;
pub mod cli;
pub mod common;
pub mod crm;
pub mod export;
pub mod fields;
pub mod funnel_config;
pub mod i18n;
pub mod import;
pub mod init;
pub mod json;
pub mod lang;
pub mod prune;
pub mod report;
pub mod review;
pub mod rules;
pub mod safe;
pub mod shell;
pub mod store;
pub mod suggest;
pub mod tui;
pub mod versions;
