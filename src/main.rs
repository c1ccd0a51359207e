use std::process::ExitCode;

fn main() -> ExitCode {
    no_huge_pages();
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

/// mimalloc asks the kernel for transparent huge pages on its arena and hands freed memory back in
/// 4 MiB strides; each page touched again is then a 2 MiB page zeroed, and an import or a sync
/// allocates and frees pages by the thousand. Without huge pages the 300,000-row import spent
/// a third of its system time less and the 100,000-deal sync 15 % less CPU (docs/benchmarks.md).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes a flag and three zeros; it touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

// Imports allocate cards on a reader thread and free them on the writer thread; glibc's malloc
// serialises that on an arena lock, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
