//! okk — the quality-control desk's audit tool for CRM sales funnels.
//! Layers: `domain` (pure) ← `store` (the only SQL), `sync` (importers), `export` (writers),
//! `funnel` (config), `app` (commands), `text` (every user-facing string).

pub mod app;
pub mod bundle;
pub mod cli;
pub mod crm;
pub mod domain;
pub mod export;
pub mod formats;
pub mod funnel_config;
pub mod report;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;
