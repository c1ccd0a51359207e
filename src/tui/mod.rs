//! The reviewer: a keyboard-only terminal UI in the Elm shape. `state` is what is on screen,
//! `action` every intent, `update` the only place state changes, `view` a pure drawing of
//! state; keys reach actions through the one `keymap` table.

pub mod action;
pub mod desk;
pub mod effect;
pub mod kept;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod read;
pub mod run;
pub mod state;
pub mod update;
pub mod view;

pub use update::lead;
