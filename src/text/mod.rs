//! Every user-facing string lives under this module, one file per area, so that a Russian
//! interface is a translation of these files and not a hunt through the code.
pub mod analytics;
pub mod app;
pub mod bundle;
pub mod calibrate;
pub mod check;
pub mod crm;
pub mod export;
pub mod fields;
pub mod funnel_config;
pub mod import;
pub mod init;
pub mod json;
pub mod report;
pub mod review;
pub mod rules;
pub mod safe;
pub mod store;
pub mod suggest;
pub mod tui;
pub mod versions;
