use std::process::ExitCode;

fn main() -> ExitCode {
    okk::app::stderr::install_hooks();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    okk::text::lang::set(okk::app::lang::choose(&args, |name| {
        std::env::var(name).ok()
    }));
    let cli = okk::app::help::parse(args);
    match okk::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // `okk check | head`: the reader left; that is not a failure.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            okk::app::stderr::print(&e);
            ExitCode::from(1)
        }
    }
}

// Imports allocate cards on a reader thread and free them on the writer thread; glibc's malloc
// serialises that on an arena lock, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
