//! What okk writes to stderr on its way out: the panic hook's colours (none off a terminal or
//! under `NO_COLOR`) and the error report, CRM data and file names in it made terminal-safe.

use std::io::IsTerminal;

/// Colour on stderr: only on a terminal, and never when `NO_COLOR` is set (to anything
/// non-empty, as no-color.org says).
pub fn colour() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// Installs color-eyre's panic and error hooks, coloured only where [`colour`] says.
pub fn install_hooks() {
    use color_eyre::config::{HookBuilder, Theme};
    let theme = if colour() {
        Theme::dark()
    } else {
        Theme::new()
    };
    if let Err(e) = HookBuilder::default().theme(theme).install() {
        warn_error(&e);
    }
}

fn warn_error(e: &dyn std::fmt::Display) {
    super::warn(format!("okk: {e}"));
}

/// The report of an error that ends a command: a user's error as it is worded, anything else
/// with the chain of causes under it. Written here rather than by color-eyre so that no byte
/// of it reaches the terminal unmade-safe (a file name or a CSV cell can carry an escape).
pub fn report(e: &color_eyre::Report) -> String {
    if let Some(user) = e.downcast_ref::<super::UserError>() {
        return format!("okk: {user}");
    }
    let mut chain = e.chain().map(|c| c.to_string());
    let mut out = format!("okk: {}", chain.next().unwrap_or_default());
    for cause in chain {
        out.push_str(&crate::text::app::caused_by(&cause));
    }
    out
}

/// Prints [`report`] on stderr, terminal-safe.
pub fn print(e: &color_eyre::Report) {
    super::warn(report(e));
}

#[cfg(test)]
mod tests {
    use color_eyre::eyre::WrapErr;

    #[test]
    fn a_report_names_every_cause_and_a_user_error_stands_alone() {
        let io = std::io::Error::other("disk \u{1b}]0;pwned\u{7} full");
        let e = Err::<(), _>(io)
            .wrap_err("cannot write out.csv")
            .unwrap_err();
        let r = super::report(&e);
        assert_eq!(
            r,
            "okk: cannot write out.csv\n  caused by: disk \u{1b}]0;pwned\u{7} full"
        );
        assert_eq!(
            crate::text::safe::text(&r),
            "okk: cannot write out.csv\n  caused by: disk ␛]0;pwned␇ full"
        );
        let user = super::super::user("no stage «x»");
        assert_eq!(super::report(&user), "okk: no stage «x»");
    }
}
