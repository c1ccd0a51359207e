//! The words of the trade and the pure functions over them. No I/O, no SQL, no terminal.

pub mod agreement;
pub mod analytics;
pub mod auditors;
pub mod calibration;
pub mod card;
pub mod columns;
pub mod decision;
pub mod failed;
pub mod final_word;
pub mod flag;
pub mod funnel;
pub mod lead;
pub mod links;
pub mod names;
pub mod review;
pub mod rules;
pub mod score;
pub mod stats;
pub mod suggestion;

pub use card::{Card, CardContext, FieldName, StageVisit, SystemField};
pub use funnel::{Funnel, Stage, StageKind};
