# Messages of the commands themselves: paths, `okk funnel check`, the demo, the auditors' table
# (src/text/app.rs).

app-no-home-dir = cannot find the home directory for the default --db and --funnel paths; pass them explicitly
app-upgrading-store = okk: upgrading the store { $path } from schema { $from } to { $to } (once; a million cards take about a minute)…
app-wrote-default-funnel = okk: wrote the default funnel config to { $path } (edit it to match your CRM)
app-would-write-default-funnel = okk: dry run: the default funnel config is used and not written; a run without --dry-run would write the default funnel config to { $path } (edit it then to match your CRM)
app-no-funnel-file = { $path }: no funnel file there (--funnel or OKK_FUNNEL names it). To start one: { $ways }
app-no-funnel-way-store = `okk funnel init --from-store --out { $arg }` writes it from the stages in the store
app-no-funnel-way-builtin = `okk funnel init --out { $arg }` writes the built-in funnel there, to edit to match your CRM
app-no-funnel-way-copy = copy the default funnel config from { $default }
app-no-funnel-or = or
app-cannot-write = { $path }: cannot write: { $error }
app-funnel-ok = { $path }: ok — «{ $name }», { $stages } stages, { $fields } custom fields, { $items } checklist items
app-stranded-had = okk: warning: { $cards ->
    [one] { $cards } card{ $reviews } is
   *[other] { $cards } cards{ $reviews } are
} at «{ $stage }», which this funnel no longer has, so it would leave them out («not in the funnel»); { $fix }
app-stranded-never = okk: warning: { $cards ->
    [one] { $cards } card{ $reviews } is
   *[other] { $cards } cards{ $reviews } are
} at «{ $stage }», which this funnel does not have either («not in the funnel»); { $fix }
app-stranded-reviews = { $count ->
    [one] { " " }(and { $count } review)
   *[other] { " " }(and { $count } reviews)
}
app-stranded-fix = add «{ $stage }» to the aliases of the stage they belong to
app-stranded-fix-like = add «{ $stage }» to the aliases of the stage they belong to (of «{ $like }», if that is the stage renamed)
app-demo-where =
    Demo database: { $db }
    Try: okk stats --json --db { $db }
         okk check --db { $db }
         okk queue --stage "Отработка возражений" --db { $db }
app-alignment-with-lead = alignment with the lead per checklist item (of the reviews the lead decided where both answered it):
app-unanswered = { $count } checklist answers left unanswered (counted neither pass nor fail)
app-bad-day = «{ $given }» is not a day: expected YYYY-MM-DD, e.g. 2026-11-20
app-never-exports = «{ $source }» never exports (not flagged on its cards):
app-required-at = { $field }: required at { $stages }
app-task-read-at = { $field }: the no_task rule reads it at { $stages }
app-every-source-exports = Every source exports every field the funnel requires.
app-caused-by = caused by: { $cause }
app-pending-saved = okk: saved { $n } { $n ->
    [one] verdict
   *[other] verdicts
} left waiting for the store by a reviewer that was stopped
app-pending-saved-changed = okk: { $cards }: { $n ->
    [one] the card has changed in the CRM since the verdict saved now was given: the verdict stands, marked ↻ in the queue; look at the card again
   *[other] the cards have changed in the CRM since the verdicts saved now were given: the verdicts stand, marked ↻ in the queue; look at the cards again
}
app-pending-saved-beside = okk: #{ $card }: { $n ->
    [one] { $others } has a verdict on this card too
   *[other] { $others } have verdicts on this card too
}: both stand, and differing verdicts wait for the lead's decision
app-pending-unreadable = okk: { $file }: a verdict left waiting for the store cannot be read; it is kept there
app-pending-torn-card = okk: an unfinished verdict on #{ $card } was dropped ({ $file }): its reviewer was stopped while writing it, before the screen called it saved; judge the card again
app-pending-torn = okk: an unfinished verdict was dropped ({ $file }): its reviewer was stopped while writing it, before the screen called it saved; judge its card again
app-pending-failed = okk: verdicts left waiting for the store are not saved yet: { $error }
app-server-silent = no answer from the server { $url }: the link to it hangs or was cut (okk stops waiting when the server sends nothing for { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
} and takes no new connection either); what the command had not finished is not written: run the command again once the server answers

# The team server's PostgreSQL store and `okk db copy`.
app-not-on-server =
    this command does not work on a PostgreSQL store yet ({ $server }).
      On a server these do: okk review, okk lead, okk queue (with --claim N), okk stats,
      okk import, okk sync, okk check, okk calibrate, okk fields,
      okk export reviews, okk export crm, okk report, okk bundle export, okk bundle import,
      okk bundle trust, okk bundle keys, okk funnel apply, okk funnel history,
      okk funnel check --store, okk funnel init --from-store, okk funnel suggest,
      okk db roles, okk db imports, okk db prune,
      okk db copy FILE { $server } (a laptop's SQLite store in) and back out to a new file.
      Every other command works on a SQLite store: --db FILE.
app-import-owner-only = okk import onto a server store is the database owner's or a lead's command: the login role { $login } neither owns this store nor is a lead's (okk db roles maps logins to leads)
app-import-no-check-on-server = --no-check does not apply to a server store: it has no rules run of its own, so its import judges every card it writes
app-sync-owner-only = okk sync onto a server store is the database owner's or a lead's command: the login role { $login } neither owns this store nor is a lead's (okk db roles maps logins to leads)
app-bundle-import-owner-only = okk bundle import into a server store is the database owner's or a lead's command: the login role { $login } neither owns this store nor is a lead's (okk db roles maps logins to leads); hand the bundle to the lead
app-sync-no-check-on-server = --no-check does not apply to a server store: it has no rules run of its own, so its sync judges every card it writes
app-copy-direction = db copy moves a whole store between a SQLite file and PostgreSQL: okk db copy FILE postgres://… (into an empty server store) or okk db copy postgres://… FILE (into a new file); { $from } to { $to } is neither
app-copied = Copied into { $to }:
app-conninfo-not-url = «{ $conninfo }» is a PostgreSQL connection string in keyword form; okk takes a URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE (a password with @, : or / in it percent-encoded: @ as %40)
app-url-password-at = { $url }: the URL holds more than one @ before its host: an @ in the password must be written %40 (and : as %3A, / as %2F)
app-no-store-yet = { $path }: there is no store here yet. `okk import FILE` (or `okk sync`) makes one, `okk demo` shows one; if it should be here, check --db or OKK_DB.
app-no-store-file = { $path }: no such store file

# Who may do what (okk db roles) and the store's funnel (okk funnel apply).
app-roles-not-mapped = { $login }: this PostgreSQL login role is not mapped to an okk user of this store; the database owner maps it with okk db roles --auditor NAME={ $login }
app-roles-other-name = this connection is okk user { $mapped } (its PostgreSQL login role is mapped to them): it cannot act as { $given }
app-copy-signs-as-other = this store was copied from the team server for okk user { $copied } (okk db copy by their login): its bundles sign for { $copied } only, not as { $given }
app-roles-unknown = { $name } is not a user of this store: its roles are set up, and only the users okk db roles named act on it (okk db roles lists them)
app-roles-unknown-unnamed = no name given, and the one okk fell back on, { $name } (the config file's `auditor`, else the login name, else «auditor»), is not a user of this store: its roles are set up. Say who you are: { $flag } NAME, the variable { $env }, or auditor = "NAME" in config.toml (okk db roles lists the users)
app-roles-not-lead = { $name } is an auditor on this store: only a lead decides on reviews
app-roles-not-lead-funnel = { $name } is an auditor on this store: only a lead applies the funnel
app-roles-not-lead-calibrate = { $name } is an auditor on this store: only a lead starts a calibration
app-roles-not-lead-end-calibration = { $name } is an auditor on this store: only a lead ends a calibration (its leads: { $leads })
app-roles-not-lead-end-calibration-no-lead = { $name } is an auditor on this store: only a lead ends a calibration, and it names no lead yet (okk db roles --lead NAME names one)
app-roles-owner-only = okk db roles is the database owner's command: the login role { $login } does not own this store
app-roles-login-on-file = { $entry }: a store file has no login roles (it is one person's); name the user without =LOGIN
app-roles-bad-entry = { $entry }: expected NAME or NAME=LOGIN
app-roles-saved = { $count } users named on { $store }: its roles are set up
app-roles-none = { $store } has no users yet: names are registered on first use until okk db roles --auditor NAME --lead NAME sets roles up
app-roles-header = Users of { $store }:
app-role-auditor = auditor
app-role-lead = lead
app-roles-assigned = named by okk db roles
app-roles-registered = registered on first use
app-funnel-applied = { $store }: funnel version { $version } applied; every command on this store judges by it, and its flags are judged by it already: { $flagged } of { $cards } cards flagged
app-funnel-applied-unjudged = { $store }: funnel version { $version } applied; every command on this store judges by it
app-funnel-apply-rules-failed = okk: warning: the flags were not judged again by the new version ({ $error }); until a lead's okk check judges them, stats, queues and the reviewer show the old funnel's flags
app-stores-funnel-shown = okk: the store's funnel (version { $version }, applied by { $by } at { $at }): every command on this store judges by it, not by a local funnel file
app-given-funnel-not-stores = okk: { $file } is the file given with --funnel, not the funnel this store judges by: that is the store's version { $version } (applied by { $by } at { $at }); to make the file the store's: okk funnel apply { $file }
app-flags-of-another-funnel = okk: warning: the server's flags were judged by another funnel than the store's (version { $version }) and are shown as they are (a stage the version has may still read «not in the funnel»); a lead's okk check judges them again
app-stored-funnel-used = the store's funnel is used (version { $version }, applied by { $by } at { $at }); { $file } differs from it and is not used
app-copy-target-exists = { $path } is there already: okk db copy writes a server store into a new file only, never over one
