//! The words of okk's command line: each command's about and each argument's help (in English the
//! doc comments of `src/cli.rs` say the same), and clap's own words as `app::help` re-renders them.

/// The about line of the command at `path` (subcommand names joined by spaces; `""` is okk).
pub fn about(path: &str) -> Option<String> {
    Some(match path {
        "" => crate::tr!("cli-about"),
        "import" => crate::tr!("cli-import-about"),
        "stats" => crate::tr!("cli-stats-about"),
        "report" => crate::tr!("cli-report-about"),
        "check" => crate::tr!("cli-check-about"),
        "queue" => crate::tr!("cli-queue-about"),
        "review" => crate::tr!("cli-review-about"),
        "lead" => crate::tr!("cli-lead-about"),
        "keys" => crate::tr!("cli-keys-about"),
        "calibrate" => crate::tr!("cli-calibrate-about"),
        "calibrate new" => crate::tr!("cli-calibrate-new-about"),
        "calibrate report" => crate::tr!("cli-calibrate-report-about"),
        "calibrate list" => crate::tr!("cli-calibrate-list-about"),
        "calibrate end" => crate::tr!("cli-calibrate-end-about"),
        "bundle" => crate::tr!("cli-bundle-about"),
        "bundle export" => crate::tr!("cli-bundle-export-about"),
        "bundle import" => crate::tr!("cli-bundle-import-about"),
        "bundle trust" => crate::tr!("cli-bundle-trust-about"),
        "bundle keys" => crate::tr!("cli-bundle-keys-about"),
        "funnel" => crate::tr!("cli-funnel-about"),
        "funnel check" => crate::tr!("cli-funnel-check-about"),
        "funnel show" => crate::tr!("cli-funnel-show-about"),
        "funnel suggest" => crate::tr!("cli-funnel-suggest-about"),
        "funnel init" => crate::tr!("cli-funnel-init-about"),
        "funnel history" => crate::tr!("cli-funnel-history-about"),
        "fields" => crate::tr!("cli-fields-about"),
        "db" => crate::tr!("cli-db-about"),
        "db copy" => crate::tr!("cli-db-copy-about"),
        "db roles" => crate::tr!("cli-db-roles-about"),
        "db imports" => crate::tr!("cli-db-imports-about"),
        "db prune" => crate::tr!("cli-db-prune-about"),
        "funnel apply" => crate::tr!("cli-funnel-apply-about"),
        "export" => crate::tr!("cli-export-about"),
        "export reviews" => crate::tr!("cli-export-reviews-about"),
        "export crm" => crate::tr!("cli-export-crm-about"),
        "demo" => crate::tr!("cli-demo-about"),
        "sync" => crate::tr!("cli-sync-about"),
        "crm" => crate::tr!("cli-crm-about"),
        "crm add" => crate::tr!("cli-crm-add-about"),
        "crm list" => crate::tr!("cli-crm-list-about"),
        "crm test" => crate::tr!("cli-crm-test-about"),
        "crm remove" => crate::tr!("cli-crm-remove-about"),
        _ => return None,
    })
}

/// The columns of `okk export reviews`, under its options, as the file names them in the
/// current language (`columns`, in the file's order).
pub fn export_reviews_columns(columns: &[String]) -> String {
    crate::tr!("cli-export-reviews-columns", columns = columns.join(", "))
}

/// The text under the options of the command at `path`.
pub fn after_help(path: &str) -> Option<String> {
    Some(match path {
        "" => crate::tr!("cli-after-help"),
        _ => return None,
    })
}

/// The help of the argument `id` (clap's id: the field's name) of the command at `path`.
// Long on purpose: a table with one line per argument, read by looking an argument up.
pub fn arg(path: &str, id: &str) -> Option<String> {
    Some(match (path, id) {
        ("", "db") => crate::tr!("cli-arg-db"),
        ("", "funnel") => crate::tr!("cli-arg-funnel"),
        ("", "config") => crate::tr!("cli-arg-config"),
        ("", "today") => crate::tr!("cli-arg-today"),
        ("", "lang") => crate::tr!("cli-arg-lang"),
        ("import", "files") => crate::tr!("cli-import-arg-files"),
        ("import", "profile") => crate::tr!("cli-import-arg-profile"),
        ("import", "map") => crate::tr!("cli-import-arg-map"),
        ("import", "encoding") => crate::tr!("cli-import-arg-encoding"),
        ("import", "sheet") => crate::tr!("cli-import-arg-sheet"),
        ("import", "source") => crate::tr!("cli-import-arg-source"),
        ("import", "partial") => crate::tr!("cli-import-arg-partial"),
        ("import", "dry_run") => crate::tr!("cli-import-arg-dry-run"),
        ("import", "no_check") => crate::tr!("cli-import-arg-no-check"),
        ("import", "json") => crate::tr!("cli-import-arg-json"),
        ("import", "limit") => crate::tr!("cli-import-arg-limit"),
        ("stats", "auditors") => crate::tr!("cli-stats-arg-auditors"),
        ("stats", "json") => crate::tr!("cli-stats-arg-json"),
        ("stats", "csv") => crate::tr!("cli-stats-arg-csv"),
        ("stats", "table") => crate::tr!("cli-stats-arg-table"),
        ("stats", "since") => crate::tr!("cli-stats-arg-since"),
        ("stats", "until") => crate::tr!("cli-stats-arg-until"),
        ("stats", "funnel_version") => crate::tr!("cli-stats-arg-funnel-version"),
        ("stats", "headers") => crate::tr!("cli-stats-arg-headers"),
        ("fields", "stage") => crate::tr!("cli-fields-arg-stage"),
        ("fields", "owner") => crate::tr!("cli-fields-arg-owner"),
        ("fields", "since") => crate::tr!("cli-fields-arg-since"),
        ("fields", "json") => crate::tr!("cli-fields-arg-json"),
        ("queue", "claim") => crate::tr!("cli-queue-arg-claim"),
        ("queue", "lease") => crate::tr!("cli-queue-arg-lease"),
        ("queue", "release") => crate::tr!("cli-queue-arg-release"),
        ("funnel suggest", "json") => crate::tr!("cli-funnel-suggest-arg-json"),
        ("funnel suggest", "apply") => crate::tr!("cli-funnel-suggest-arg-apply"),
        ("funnel init", "from_store") => crate::tr!("cli-funnel-init-arg-from-store"),
        ("funnel init", "out") => crate::tr!("cli-funnel-init-arg-out"),
        ("funnel init", "force") => crate::tr!("cli-funnel-init-arg-force"),
        ("funnel history", "json") => crate::tr!("cli-funnel-history-arg-json"),
        ("export reviews", "headers") => crate::tr!("cli-export-reviews-arg-headers"),
        ("db copy", "from") => crate::tr!("cli-db-copy-arg-from"),
        ("db copy", "to") => crate::tr!("cli-db-copy-arg-to"),
        ("db roles", "auditors") => crate::tr!("cli-db-roles-arg-auditor"),
        ("db roles", "leads") => crate::tr!("cli-db-roles-arg-lead"),
        ("db imports", "json") => crate::tr!("cli-db-imports-arg-json"),
        ("db prune", "import") => crate::tr!("cli-db-prune-arg-import"),
        ("db prune", "source") => crate::tr!("cli-db-prune-arg-source"),
        ("db prune", "gone") => crate::tr!("cli-db-prune-arg-gone"),
        ("db prune", "dry_run") => crate::tr!("cli-db-prune-arg-dry-run"),
        ("db prune", "yes") => crate::tr!("cli-db-prune-arg-yes"),
        ("db prune", "json") => crate::tr!("cli-db-prune-arg-json"),
        ("db prune", "with_work") => crate::tr!("cli-db-prune-arg-with-work"),
        ("funnel apply", "file") => crate::tr!("cli-funnel-apply-arg-file"),
        ("funnel apply", "lead") => crate::tr!("cli-funnel-apply-arg-lead"),
        ("report", "out") => crate::tr!("cli-report-arg-out"),
        ("report", "force") => crate::tr!("cli-report-arg-force"),
        ("report", "since") => crate::tr!("cli-report-arg-since"),
        ("report", "until") => crate::tr!("cli-report-arg-until"),
        ("check", "stage") => crate::tr!("cli-check-arg-stage"),
        ("check", "rule") => crate::tr!("cli-check-arg-rule"),
        ("check", "json") => crate::tr!("cli-check-arg-json"),
        ("queue", "stage") => crate::tr!("cli-queue-arg-stage"),
        ("queue", "auditor") => crate::tr!("cli-queue-arg-auditor"),
        ("queue", "limit") => crate::tr!("cli-queue-arg-limit"),
        ("queue", "all") => crate::tr!("cli-queue-arg-all"),
        ("queue", "json") => crate::tr!("cli-queue-arg-json"),
        ("review", "stage") => crate::tr!("cli-review-arg-stage"),
        ("review", "auditor") => crate::tr!("cli-review-arg-auditor"),
        ("review" | "demo", "claim") => crate::tr!("cli-review-arg-claim"),
        ("review" | "demo", "lease") => crate::tr!("cli-review-arg-lease"),
        ("lead", "lead") => crate::tr!("cli-lead-arg-lead"),
        ("calibrate new", "stage") => crate::tr!("cli-calibrate-new-arg-stage"),
        ("calibrate new", "cards") => crate::tr!("cli-calibrate-new-arg-cards"),
        ("calibrate new", "auditors") => crate::tr!("cli-calibrate-new-arg-auditors"),
        ("calibrate new", "seed") => crate::tr!("cli-calibrate-new-arg-seed"),
        ("calibrate new", "lead") => crate::tr!("cli-calibrate-new-arg-lead"),
        ("calibrate report", "id") => crate::tr!("cli-calibrate-report-arg-id"),
        ("calibrate report", "json") => crate::tr!("cli-calibrate-report-arg-json"),
        ("calibrate list", "json") => crate::tr!("cli-calibrate-list-arg-json"),
        ("calibrate end", "id") => crate::tr!("cli-calibrate-end-arg-id"),
        ("calibrate end", "lead") => crate::tr!("cli-calibrate-end-arg-lead"),
        ("calibrate end", "yes") => crate::tr!("cli-calibrate-end-arg-yes"),
        ("calibrate end", "json") => crate::tr!("cli-calibrate-end-arg-json"),
        ("bundle export", "out") => crate::tr!("cli-bundle-export-arg-out"),
        ("bundle export", "since") => crate::tr!("cli-bundle-export-arg-since"),
        ("bundle export", "all") => crate::tr!("cli-bundle-export-arg-all"),
        ("bundle export", "force") => crate::tr!("cli-bundle-export-arg-force"),
        ("bundle export", "signer") => crate::tr!("cli-bundle-export-arg-signer"),
        ("bundle import", "files") => crate::tr!("cli-bundle-import-arg-files"),
        ("bundle import", "json") => crate::tr!("cli-bundle-import-arg-json"),
        ("bundle keys", "json") => crate::tr!("cli-bundle-keys-arg-json"),
        ("bundle import", "trust_on_first_use") => {
            crate::tr!("cli-bundle-import-arg-trust-on-first-use")
        }
        ("bundle trust", "source") => crate::tr!("cli-bundle-trust-arg-source"),
        ("bundle trust", "name") => crate::tr!("cli-bundle-trust-arg-name"),
        ("bundle trust", "lead") => crate::tr!("cli-bundle-trust-arg-lead"),
        ("bundle trust", "another_key") => crate::tr!("cli-bundle-trust-arg-another-key"),
        ("funnel check", "store") => crate::tr!("cli-funnel-check-arg-store"),
        ("export reviews", "out") => crate::tr!("cli-export-reviews-arg-out"),
        ("export reviews", "force") => crate::tr!("cli-export-reviews-arg-force"),
        ("export reviews", "since") => crate::tr!("cli-export-reviews-arg-since"),
        ("export reviews", "stage") => crate::tr!("cli-export-reviews-arg-stage"),
        ("export reviews", "auditor") => crate::tr!("cli-export-reviews-arg-auditor"),
        // The CSV layout `okk export reviews` and `okk stats --csv` share.
        ("export reviews" | "stats", "delimiter") => crate::tr!("cli-csv-arg-delimiter"),
        ("export reviews" | "stats", "bom") => crate::tr!("cli-csv-arg-bom"),
        ("export crm", "out") => crate::tr!("cli-export-crm-arg-out"),
        ("export crm", "force") => crate::tr!("cli-export-crm-arg-force"),
        ("export crm", "profile") => crate::tr!("cli-export-crm-arg-profile"),
        ("export crm", "approved_only") => crate::tr!("cli-export-crm-arg-approved-only"),
        ("export crm", "source") => crate::tr!("cli-export-crm-arg-source"),
        ("export crm", "owners") => crate::tr!("cli-export-crm-arg-owners"),
        ("export crm", "skip_unmapped_owners") => {
            crate::tr!("cli-export-crm-arg-skip-unmapped-owners")
        }
        ("demo", "stage") => crate::tr!("cli-demo-arg-stage"),
        ("demo", "auditor") => crate::tr!("cli-demo-arg-auditor"),
        ("demo", "print") => crate::tr!("cli-demo-arg-print"),
        ("sync", "names") => crate::tr!("cli-sync-arg-names"),
        ("sync", "full") => crate::tr!("cli-sync-arg-full"),
        ("sync", "dry_run") => crate::tr!("cli-sync-arg-dry-run"),
        ("sync", "json") => crate::tr!("cli-sync-arg-json"),
        ("sync", "no_check") => crate::tr!("cli-sync-arg-no-check"),
        ("sync", "new_source") => crate::tr!("cli-sync-arg-new-source"),
        ("crm add", "name") => crate::tr!("cli-crm-add-arg-name"),
        ("crm add", "kind") => crate::tr!("cli-crm-add-arg-kind"),
        ("crm test", "name") => crate::tr!("cli-crm-test-arg-name"),
        ("crm remove", "name") => crate::tr!("cli-crm-test-arg-name"),
        ("crm add", "url") => crate::tr!("cli-crm-add-arg-url"),
        ("crm add", "token_env") => crate::tr!("cli-crm-add-arg-token-env"),
        ("crm add", "token_file") => crate::tr!("cli-crm-add-arg-token-file"),
        ("crm add", "pipelines") => crate::tr!("cli-crm-add-arg-pipelines"),
        _ => return None,
    })
}

/// A value's placeholder (`--db PATH`) in the current language; Latin letters that stand for a
/// number or a code (`N`, `S`, `ID`, `URL`) stay.
pub fn value_name(name: &str) -> String {
    match name {
        "PATH" => crate::tr!("cli-value-path"),
        "FILE" => crate::tr!("cli-value-file"),
        "NAME" => crate::tr!("cli-value-name"),
        "YYYY-MM-DD" => crate::tr!("cli-value-day"),
        "DATE" => crate::tr!("cli-value-date"),
        "LANG" => crate::tr!("cli-value-lang"),
        "FIELD=HEADER,..." => crate::tr!("cli-value-map"),
        "NAME=VALUE,..." => crate::tr!("cli-value-limit"),
        "CODE" => crate::tr!("cli-value-code"),
        "TABLE" => crate::tr!("cli-value-table"),
        "PROFILE" => crate::tr!("cli-value-profile"),
        "KIND" => crate::tr!("cli-value-kind"),
        "VAR" => crate::tr!("cli-value-var"),
        "FILE|KEY" => crate::tr!("cli-value-file-or-key"),
        "DELIMITER" => crate::tr!("cli-value-delimiter"),
        "A,B,..." => crate::tr!("cli-value-auditors"),
        "SECONDS" => crate::tr!("cli-value-seconds"),
        "FROM" => crate::tr!("cli-value-from"),
        "TO" => crate::tr!("cli-value-to"),
        "NAME[=LOGIN]" => crate::tr!("cli-value-user"),
        other => other.to_string(),
    }
}

/// The placeholder of a subcommand in a usage line (`okk bundle COMMAND`).
pub fn command_placeholder() -> String {
    crate::tr!("cli-value-command")
}

/// The help template of a command: its about, usage, then its commands, arguments and options
/// under headings in the current language (clap's `{all-args}` would write English ones).
pub fn template(commands: bool, arguments: bool) -> String {
    let mut sections = Vec::new();
    if commands {
        sections.push(format!(
            "{}\n{{subcommands}}",
            crate::tr!("cli-heading-commands")
        ));
    }
    if arguments {
        sections.push(format!(
            "{}\n{{positionals}}",
            crate::tr!("cli-heading-arguments")
        ));
    }
    sections.push(format!(
        "{}\n{{options}}",
        crate::tr!("cli-heading-options")
    ));
    format!(
        "{{about-with-newline}}\n{} {{usage}}\n\n{}{{after-help}}",
        crate::tr!("cli-heading-usage"),
        sections.join("\n\n")
    )
}

pub fn usage_heading() -> String {
    crate::tr!("cli-heading-usage")
}

/// `[OPTIONS]` in a usage line.
pub fn options_placeholder() -> String {
    crate::tr!("cli-value-options")
}

pub fn help_flag() -> String {
    crate::tr!("cli-help-flag")
}

pub fn version_flag() -> String {
    crate::tr!("cli-version-flag")
}

pub fn help_command() -> String {
    crate::tr!("cli-help-command")
}

/// The notes after an argument's help: its default, its environment variable, its choices.
pub fn default_value(value: &str) -> String {
    crate::tr!("cli-default", value = value)
}

pub fn env(name: &str) -> String {
    crate::tr!("cli-env", name = name)
}

pub fn possible_values(values: &str) -> String {
    crate::tr!("cli-possible-values", values = values)
}

/// A command-line error: the sentence, then how the command is used and where help is.
pub fn error(message: &str, usage: Option<&str>) -> String {
    let mut out = crate::tr!("cli-error", message = message);
    if let Some(usage) = usage {
        out.push_str("\n\n");
        out.push_str(&usage_heading());
        out.push(' ');
        out.push_str(usage);
    }
    out.push_str("\n\n");
    out.push_str(&crate::tr!("cli-error-more"));
    out.push('\n');
    out
}

/// A bad value of the environment variable `var`, read as `arg`: why, if the checker said.
pub fn invalid_env_value(value: &str, var: &str, arg: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => crate::tr!(
            "cli-error-env-value-because",
            value = value,
            var = var,
            arg = arg,
            reason = reason
        ),
        None => crate::tr!("cli-error-env-value", value = value, var = var, arg = arg),
    }
}

/// `okk db` alone: the command needs one of its `commands`, listed under the sentence.
pub fn missing_subcommand(command: &str, commands: &str) -> String {
    let mut s = crate::tr!("cli-error-missing-subcommand", command = command);
    if !commands.is_empty() {
        s.push_str("\n  ");
        s.push_str(&crate::tr!("cli-subcommands", commands = commands));
    }
    s
}

pub fn unknown_argument(arg: &str) -> String {
    crate::tr!("cli-error-unknown-argument", arg = arg)
}

pub fn unknown_command(name: &str) -> String {
    crate::tr!("cli-error-unknown-command", name = name)
}

/// `tip: a similar argument exists: '--json'`.
pub fn similar(what: &str) -> String {
    crate::tr!("cli-error-similar", what = what)
}

/// `tip: to pass '-x' as a value, use '-- -x'`.
pub fn dash_dash(arg: &str) -> String {
    crate::tr!("cli-error-dash-dash", arg = arg)
}

pub fn invalid_value(value: &str, arg: &str) -> String {
    crate::tr!("cli-error-invalid-value", value = value, arg = arg)
}

/// An invalid value and why (a value parser's own message, e.g. `--today`'s).
pub fn invalid_value_because(value: &str, arg: &str, reason: &str) -> String {
    crate::tr!(
        "cli-error-invalid-value-because",
        value = value,
        arg = arg,
        reason = reason
    )
}

pub fn value_needed(arg: &str) -> String {
    crate::tr!("cli-error-value-needed", arg = arg)
}

pub fn no_equals(arg: &str) -> String {
    crate::tr!("cli-error-no-equals", arg = arg)
}

pub fn too_many_values(value: &str, arg: &str) -> String {
    crate::tr!("cli-error-too-many-values", value = value, arg = arg)
}

pub fn wrong_number_of_values(arg: &str, expected: i64, given: i64) -> String {
    crate::tr!(
        "cli-error-wrong-number-of-values",
        arg = arg,
        expected = expected,
        given = given
    )
}

pub fn conflict(arg: &str, other: &str) -> String {
    crate::tr!("cli-error-conflict", arg = arg, other = other)
}

/// The same argument given twice.
pub fn repeated(arg: &str) -> String {
    crate::tr!("cli-error-repeated", arg = arg)
}

/// A number argument given something else.
pub fn not_a_number() -> String {
    crate::tr!("cli-error-not-a-number")
}

pub fn missing_required(args: &str) -> String {
    crate::tr!("cli-error-missing-required", args = args)
}

pub fn not_utf8() -> String {
    crate::tr!("cli-error-not-utf8")
}

/// Anything else clap refuses: its kind, as clap names it.
pub fn bad_command_line(kind: &str) -> String {
    crate::tr!("cli-error-other", kind = kind)
}
