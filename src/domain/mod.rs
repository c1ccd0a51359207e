//! The words of the trade and the pure functions over them. No I/O, no SQL, no terminal.

pub mod agreement;
pub mod analytics;
pub mod auditors;
pub mod calibration;
pub mod card;
pub mod card_detail;
pub mod columns;
pub mod crm_connection;
pub mod crm_export;
pub mod decision;
pub mod failed;
pub mod final_word;
pub mod flag;
pub mod flagged_card;
pub mod funnel;
pub mod ids;
pub mod lead_row;
pub mod merge;
pub mod import_report;
pub mod limit;
pub mod names;
pub mod pending;
pub mod ports;
pub mod queue;
pub mod records;
pub mod review;
pub mod rules;
pub mod score;
pub mod store_error;
pub mod stored_review;
pub mod suggestion;
pub mod trust;
pub mod writer;
pub mod sync_report;

pub use card::{Card, CardContext, FieldName, StageVisit, SystemField};
pub use funnel::{Funnel, Stage, StageKind};
