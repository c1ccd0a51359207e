//! `okk keys`: the active key table, screen by screen.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, config};

pub fn run(paths: &Paths) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    super::say_raw(crate::tui::keymap::key_table(&config.keymap))?;
    Ok(ExitCode::SUCCESS)
}
