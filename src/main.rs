use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("okk: {e}");
    }
    let cli = okk::cli::Cli::parse();
    match okk::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<okk::app::UserError>() {
                Some(user) => eprintln!("okk: {user}"),
                None => eprintln!("okk: {e:?}"),
            }
            ExitCode::from(1)
        }
    }
}

// Imports allocate cards on a reader thread and free them on the writer thread; glibc's malloc
// serialises that on an arena lock, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
