//! A panic inside calamine, caught: the user sees the file's error, not a panic message and a
//! backtrace. The panic hook is process-wide, so it is wrapped once, and keeps quiet only on a
//! thread that is inside `caught` (any other panic is reported as before).

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

fn install() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let before = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                before(info);
            }
        }));
    });
}

/// Runs `f`; a panic in it is `Err` with what it said, and prints nothing.
pub(super) fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| said(&*payload))
}

fn said(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_what_it_said_and_quiet_is_undone() {
        let r: Result<(), String> = caught(|| panic!("capacity overflow"));
        assert_eq!(r, Err("capacity overflow".to_string()));
        assert!(!QUIET.with(Cell::get));
        assert_eq!(caught(|| 7), Ok(7));
    }
}
