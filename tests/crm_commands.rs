//! `okk crm add|list|test` as the desk meets them before its first sync: a webhook's code and a
//! token never on screen, a token source that cannot work said at once with its fix, a
//! connection `crm test` passes being one `okk sync` can sync, commands suggested that work when
//! pasted, and each said in Russian as in English. Every CRM is the fake of tests/support.

mod common;
#[path = "support/english.rs"]
mod english;
#[path = "support/fake_crm.rs"]
mod fake;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::Desk;
use fake::{FakeCrm, State, TOKEN, WEBHOOK_CODE};

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";

/// A desk with its own config file.
struct Crm {
    desk: Desk,
    config: PathBuf,
}

impl Crm {
    fn new() -> Crm {
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        Crm { desk, config }
    }

    /// `okk --lang LANG --config CONFIG ARGS`, the token in its variable, no waiting on the fake.
    fn okk(&self, lang: &str, args: &[&str]) -> Output {
        self.command(lang).args(args).output().unwrap()
    }

    fn command(&self, lang: &str) -> assert_cmd::Command {
        let mut cmd = self.desk.okk();
        cmd.args(["--lang", lang, "--config"])
            .arg(&self.config)
            .env(TOKEN_ENV, TOKEN)
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_BACKOFF_MS", "5");
        cmd
    }

    /// `okk crm add ARGS`, which must succeed: (stdout, stderr).
    fn add(&self, lang: &str, args: &[&str]) -> (String, String) {
        let out = self
            .command(lang)
            .args(["crm", "add"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "crm add {args:?}: {out:?}");
        (stdout(&out), stderr(&out))
    }

    fn written(&self) -> String {
        std::fs::read_to_string(&self.config).unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Exit 1: its stderr.
fn failed(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    stderr(out)
}

fn webhook(crm: &FakeCrm) -> String {
    format!("{}/rest/1/{WEBHOOK_CODE}/", crm.url)
}

/// Every message `crm add`, `crm list`, `crm test` and `sync` print — both languages, text and
/// `--json`, on success and on each failure (a refused webhook and token, a 403 whose answer
/// quotes the path, a CRM gone) — holds neither the webhook's code nor the token.
#[test]
fn no_message_of_crm_or_sync_shows_the_webhook_code_or_the_token() {
    let crm = FakeCrm::start(State::with_deals(5), 0);
    let desks = [("en", Crm::new()), ("ru", Crm::new())];
    let mut said: Vec<(String, String)> = Vec::new();
    let mut run = |lang: &str, desk: &Crm, args: &[&str]| {
        let out = desk.okk(lang, args);
        said.push((
            format!("{lang} {args:?}"),
            format!("{}{}", stdout(&out), stderr(&out)),
        ));
    };
    // A method after the code and a query with a secret in it: both cut off.
    let pasted = format!("{}crm.deal.list.json?auth={TOKEN}", webhook(&crm));
    let url = crm.url.clone();
    let commands: [&[&str]; 7] = [
        &["crm", "add", "b24", "--kind", "bitrix24", "--url", &pasted],
        &[
            "crm",
            "add",
            "amo",
            "--kind",
            "amocrm",
            "--url",
            &url,
            "--token-env",
            TOKEN_ENV,
        ],
        &["crm", "list"],
        &["crm", "test", "b24"],
        &["crm", "test", "amo"],
        &["sync"],
        &["sync", "--json"],
    ];
    for (lang, desk) in &desks {
        for args in commands {
            run(lang, desk, args);
        }
    }
    let again = &commands[3..];
    crm.with(|s| s.faults.expired = true);
    for (lang, desk) in &desks {
        for args in again {
            run(lang, desk, args);
        }
    }
    crm.with(|s| {
        s.faults.expired = false;
        s.faults.forbidden = Some(("crm.category.list", "no access to {path}"));
    });
    for (lang, desk) in &desks {
        for args in again {
            run(lang, desk, args);
        }
    }
    drop(crm);
    for (lang, desk) in &desks {
        for args in again {
            run(lang, desk, args);
        }
    }

    assert_eq!(said.len(), 2 * (7 + 3 * 4));
    for (command, text) in &said {
        assert!(!text.contains(WEBHOOK_CODE), "{command}:\n{text}");
        assert!(!text.contains(TOKEN), "{command}:\n{text}");
    }
    // The places the address is shown show it redacted.
    let shown = |command: &str| {
        said.iter()
            .filter(|(c, _)| c.contains(command))
            .map(|(_, t)| t.as_str())
            .collect::<String>()
    };
    assert!(
        shown("\"add\", \"b24\"").contains("/rest/1/***/: the rest of the address given (crm.deal.list.json?auth=***) is not needed"),
        "{}",
        shown("\"add\", \"b24\"")
    );
    assert!(shown("\"list\"").contains("/rest/1/***/"));
    // The 403's own words quote the path: its code is `***` there too.
    assert!(
        said.iter()
            .any(|(_, t)| t.contains("no access to /rest/1/***/crm.category.list")),
        "{said:#?}"
    );
}

/// A relative `--token-file` is kept whole (a sync from another folder finds it); a token
/// source that cannot work as it stands (a file others may read, no file, a variable not set)
/// is written all the same, with a warning that says how to put it right.
#[test]
fn crm_add_keeps_a_token_files_whole_path_and_warns_of_a_token_it_cannot_read_yet() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Crm::new();
    let work = desk.desk.dir.path().join("t-sync");
    std::fs::create_dir(&work).unwrap();
    let private = |name: &str, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        let path = work.join(name);
        std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    private("tok", 0o600);
    let add_in = |dir: &Path, lang: &str, args: &[&str]| {
        let out = desk
            .command(lang)
            .current_dir(dir)
            .args(["crm", "add"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "crm add {args:?}: {out:?}");
        (stdout(&out), stderr(&out))
    };

    let (_, warned) = add_in(
        &work,
        "en",
        &[
            "tf3",
            "--kind",
            "amocrm",
            "--url",
            &crm.url,
            "--token-file",
            "tok",
        ],
    );
    assert_eq!(warned, "");
    let whole = work.canonicalize().unwrap().join("tok");
    assert!(
        desk.written()
            .contains(&format!("token_file = \"{}\"\n", whole.display())),
        "{}",
        desk.written()
    );
    // From another folder.
    let out = desk
        .command("en")
        .current_dir(desk.desk.dir.path())
        .args(["crm", "test", "tf3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("tf3: the token works"), "{out:?}");

    // A file others may read.
    private("open-tok", 0o644);
    let (_, warned) = add_in(
        &work,
        "en",
        &[
            "open",
            "--kind",
            "amocrm",
            "--url",
            "https://o.amocrm.ru",
            "--token-file",
            "open-tok",
        ],
    );
    let open = work.join("open-tok");
    // The list says it too, on stderr, as long as the file stays open (the table unchanged).
    let out = desk.command("en").args(["crm", "list"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        stderr(&out).contains(&format!(
            "okk: warning: {}:11:14: connection «open»: the token file {} can be read by others",
            desk.config.display(),
            open.display()
        )) && !stderr(&out).contains("«tf3»"),
        "{out:?}"
    );
    assert!(stdout(&out).contains("open"), "{out:?}");
    assert_eq!(
        warned,
        format!(
            "okk: warning: connection «open»: the token file {0} can be read by others (mode \
             0644); run `chmod 600 {0}`. The connection is written all the same: okk reads the \
             token at each sync\n",
            open.display()
        )
    );
    // No file yet.
    let (_, warned) = add_in(
        &work,
        "en",
        &[
            "later",
            "--kind",
            "amocrm",
            "--url",
            "https://l.amocrm.ru",
            "--token-file",
            "later-tok",
        ],
    );
    assert!(
        warned.starts_with(&format!(
            "okk: warning: connection «later»: cannot read the token file {}: there is no such \
             file; create it with the token alone in it, then run `chmod 600 ",
            work.join("later-tok").display()
        )),
        "{warned}"
    );
    // A variable not set, in Russian.
    let (_, warned) = add_in(
        &work,
        "ru",
        &[
            "env",
            "--kind",
            "amocrm",
            "--url",
            "https://e.amocrm.ru",
            "--token-env",
            "NO_SUCH_VAR_X",
        ],
    );
    assert!(
        warned.starts_with("okk: предупреждение: подключение «env»: "),
        "{warned}"
    );
    assert!(warned.contains("`export NO_SUCH_VAR_X=ТОКЕН`"), "{warned}");
    assert!(
        warned.contains("профиль оболочки (~/.bashrc, ~/.zshrc)"),
        "{warned}"
    );
    english::assert_russian("crm add", &warned, &["env"]);
    for name in ["open", "later", "env"] {
        assert!(desk.written().contains(&format!("name = \"{name}\"")));
    }
    // `crm test` and `sync` say how to set the variable too.
    let said = failed(&desk.okk("en", &["crm", "test", "env"]));
    assert!(
        said.contains(
            "the environment variable NO_SUCH_VAR_X that holds its token is not set or empty; set it \
             where okk runs (`export NO_SUCH_VAR_X=TOKEN`), or put that line in your shell \
             profile"
        ),
        "{said}"
    );
    let said = failed(&desk.okk("en", &["sync", "env"]));
    assert!(said.contains("`export NO_SUCH_VAR_X=TOKEN`"), "{said}");
    // Given through `..`: written as the system names the folder (tester41 F11 d).
    let fake2 = FakeCrm::start(State::with_deals(3), 0);
    add_in(
        &work,
        "en",
        &[
            "tf-up",
            "--kind",
            "amocrm",
            "--url",
            &fake2.url,
            "--token-file",
            "../t-sync/tok",
        ],
    );
    let written = desk.written();
    assert!(!written.contains(".."), "{written}");
    let line = format!("token_file = \"{}\"\n", whole.display());
    assert_eq!(written.matches(&line).count(), 2, "{written}");
}

/// A `pipelines` entry the CRM has not: `crm test` finds it (exit 1) with the CRM's own
/// pipelines, and `sync` says it under the connection's name, as its other failures.
#[test]
fn a_pipeline_the_crm_lacks_fails_crm_test_and_both_name_the_real_ones() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let real = "its pipelines are «Продажи недвижимости», «Вторичный рынок»";
    for (name, kind, url, token) in [
        (
            "amo",
            "amocrm",
            crm.url.clone(),
            &["--token-env", TOKEN_ENV][..],
        ),
        ("b24", "bitrix24", webhook(&crm), &[][..]),
    ] {
        let desk = Crm::new();
        desk.add(
            "en",
            &[
                &[
                    name,
                    "--kind",
                    kind,
                    "--url",
                    &url,
                    "--pipeline",
                    "Нет такой",
                ],
                token,
            ]
            .concat(),
        );
        let out = desk.okk("en", &["crm", "test", name]);
        let said = failed(&out);
        assert!(stdout(&out).contains(" works: "), "{out:?}");
        assert!(
            said.contains(&format!(
                "config.toml:{}:14: {name}: the CRM has no pipeline «Нет такой»",
                if name == "amo" { 6 } else { 5 }
            )),
            "{said}"
        );
        assert!(said.contains(real), "{said}");
        // The sync points at the name as the config file writes it (tester41 F9).
        let text = std::fs::read_to_string(&desk.config).unwrap();
        let (line, row) = (text.lines().enumerate())
            .find(|(_, l)| l.contains("Нет такой"))
            .unwrap();
        let column = row[..row.find("\"Нет такой").unwrap()].chars().count() + 1;
        let said = failed(&desk.okk("en", &["sync"]));
        assert!(
            said.starts_with(&format!(
                "okk: {}:{}:{column}: {name}: the CRM has no pipeline «Нет такой» (",
                desk.config.display(),
                line + 1
            )),
            "{said}"
        );
        assert!(said.contains(real), "{said}");
        let said = failed(&desk.okk("ru", &["sync"]));
        assert!(
            said.contains(&format!("{name}: в CRM нет воронки «Нет такой»")),
            "{said}"
        );
        assert!(
            said.contains("воронки CRM: «Продажи недвижимости», «Вторичный рынок»"),
            "{said}"
        );

        // A pipeline the CRM has passes.
        let right = Crm::new();
        right.add(
            "en",
            &[
                &[
                    name,
                    "--kind",
                    kind,
                    "--url",
                    &url,
                    "--pipeline",
                    "Вторичный рынок",
                ],
                token,
            ]
            .concat(),
        );
        let out = right.okk("en", &["crm", "test", name]);
        assert!(out.status.success(), "{out:?}");
    }
}

/// `crm test` in Russian is Russian, the resources too; a Bitrix24 connection is a webhook, not
/// a token, in what `crm test` and a refusal say.
#[test]
fn crm_test_speaks_russian_whole_and_of_a_webhook_for_bitrix24() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Crm::new();
    desk.add(
        "en",
        &[
            "amo",
            "--kind",
            "amocrm",
            "--url",
            &crm.url,
            "--token-env",
            TOKEN_ENV,
        ],
    );
    desk.add(
        "en",
        &["b24", "--kind", "bitrix24", "--url", &webhook(&crm)],
    );

    let out = desk.okk("ru", &["crm", "test", "amo"]);
    assert!(out.status.success(), "{out:?}");
    let said = stdout(&out);
    assert!(
        said.starts_with("amo: токен работает: аккаунт Фейк"),
        "{said}"
    );
    assert!(
        said.ends_with(
            "  сделки: можно читать\n  воронки: можно читать\n  пользователи: можно читать\n  \
             события: можно читать\n"
        ),
        "{said}"
    );
    english::assert_russian("crm test amo", &said, &[]);

    let out = desk.okk("ru", &["crm", "test", "b24"]);
    assert!(out.status.success(), "{out:?}");
    let said = stdout(&out);
    assert!(
        said.starts_with(&format!("b24: вебхук работает: портал {}, ", crm.url)),
        "{said}"
    );
    // What the sync reads, each of it: the webhook's scopes suffice.
    assert!(
        said.ends_with(
            "  сделки: можно читать\n  воронки и этапы: можно читать\n  история этапов: можно \
             читать\n  комментарии: можно читать\n  открытые дела (ближайшая задача): можно \
             читать\n  пользователи: можно читать\n"
        ),
        "{said}"
    );
    assert!(!said.contains("токен"), "{said}");
    english::assert_russian("crm test b24", &said, &[]);
    let said = stdout(&desk.okk("en", &["crm", "test", "b24"]));
    assert!(
        said.starts_with("b24: the webhook works: portal "),
        "{said}"
    );
    assert!(said.contains("  deals: can read\n"), "{said}");

    crm.with(|s| s.faults.expired = true);
    for args in [&["crm", "test", "b24"][..], &["sync", "b24"]] {
        let said = failed(&desk.okk("ru", args));
        assert!(said.contains(" отклонил вебхук ("), "{said}");
        assert!(!said.contains("токен"), "{said}");
        let said = failed(&desk.okk("en", args));
        assert!(said.contains(" refused the webhook ("), "{said}");
        // The portal's own words aside.
        let ours = said.replace("(The access token provided has expired.)", "");
        assert!(!ours.contains("token"), "{said}");
    }
}

/// A 403 says what to do about it: whose token reads the deals and events, the account's IP
/// allow-list, the hour a block for too many requests lasts; `crm test` finds what a sync
/// could not read (exit 1).
#[test]
fn a_403_says_what_to_do_and_crm_test_finds_what_a_sync_could_not_read() {
    let mut state = State::with_deals(3);
    state.faults.forbidden = Some(("/api/v4/events", "IP not in whitelist"));
    let crm = FakeCrm::start(state, 0);
    let desk = Crm::new();
    desk.add(
        "en",
        &[
            "amo",
            "--kind",
            "amocrm",
            "--url",
            &crm.url,
            "--token-env",
            TOKEN_ENV,
        ],
    );

    let said = failed(&desk.okk("en", &["sync"]));
    assert!(
        said.contains(
            "amo: the CRM refused to show /api/v4/events (403: IP not in whitelist). Use the \
             long-lived token of an admin, or of a user with rights to the deals and the events"
        ),
        "{said}"
    );
    assert!(said.contains("add this machine's address to it"), "{said}");
    assert!(said.contains("wait an hour and try again"), "{said}");
    let said = failed(&desk.okk("ru", &["sync"]));
    assert!(said.contains("долгосрочный токен администратора"), "{said}");
    assert!(said.contains("подождите час"), "{said}");
    english::assert_russian("sync 403", &said, &["IP", "not", "in", "whitelist"]);

    let out = desk.okk("en", &["crm", "test", "amo"]);
    let said = failed(&out);
    assert!(stdout(&out).contains("  events: cannot read\n"), "{out:?}");
    assert!(
        said.starts_with("okk: amo: okk sync reads events, which this connection may not read."),
        "{said}"
    );
    assert!(said.contains("token of an admin"), "{said}");

    // Bitrix24: what to give the webhook.
    crm.with(|s| s.faults.forbidden = Some(("crm.category.list", "Access denied")));
    desk.add(
        "en",
        &["b24", "--kind", "bitrix24", "--url", &webhook(&crm)],
    );
    let said = failed(&desk.okk("en", &["sync", "b24"]));
    assert!(said.contains("Give the webhook the crm scope"), "{said}");
    let out = desk.okk("en", &["crm", "test", "b24"]);
    assert!(failed(&out).contains("okk sync reads pipelines"), "{out:?}");
}

/// A `--config` that is not there is named as such; no connection at all is no error for
/// `crm list`, which says how to add one.
#[test]
fn a_missing_config_is_named_and_crm_list_of_none_says_how_to_add_one() {
    let desk = Crm::new();
    let missing = desk.desk.dir.path().join("nonexist.toml");
    for args in [&["sync"][..], &["crm", "test", "x"]] {
        let out = desk
            .desk
            .okk()
            .arg("--config")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        let said = failed(&out);
        assert!(
            said.starts_with(&format!(
                "okk: the config file {0} (named by --config or OKK_CONFIG) does not exist; \
                 check the path, or add a connection, which writes the file: `okk --config {0} \
                 crm add NAME ",
                missing.display()
            )),
            "{said}"
        );
    }

    std::fs::write(&desk.config, "auditor = \"me\"\n").unwrap();
    let out = desk.okk("en", &["crm", "list"]);
    assert!(out.status.success(), "{out:?}");
    // A script reads the heads alone.
    assert_eq!(
        stdout(&out),
        "name\tkind\turl\ttoken\tpipelines\tlast sync\tlast full sweep\n"
    );
    assert!(
        stderr(&out).starts_with(&format!(
            "okk: no CRM connections yet in {0}; add one with `okk --config {0} crm add NAME --kind \
             amocrm ",
            desk.config.display()
        )),
        "{out:?}"
    );
    let out = desk.okk("ru", &["crm", "list"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stderr(&out).contains("пока нет подключений к CRM"),
        "{out:?}"
    );
    english::assert_russian("crm list", &stderr(&out), &[]);
    let said = failed(&desk.okk("en", &["sync"]));
    assert!(
        said.contains(&format!(
            "the config file {} has no [[crm]] connections",
            desk.config.display()
        )),
        "{said}"
    );
}

/// The command `crm add` suggests works when pasted into a shell, whatever the name (a space in
/// it, a leading dash), and names the config file `--config` named.
#[test]
fn the_command_crm_add_suggests_works_pasted_into_a_shell() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Crm::new();
    for (name, pipeline, quoted) in [
        ("bad name", "Продажи недвижимости", "'bad name'"),
        ("-x", "Вторичный рынок", "-- -x"),
    ] {
        let out = desk
            .command("en")
            .args(["crm", "add", "--kind", "amocrm", "--url", &crm.url])
            .args(["--token-env", TOKEN_ENV, "--pipeline", pipeline, "--", name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let said = stdout(&out);
        let command = format!("okk --config {} crm test {quoted}", desk.config.display());
        assert!(said.contains(&format!("try it with `{command}`")), "{said}");

        // Pasted, with this build as `okk`.
        let probe = desk.command("en");
        let mut sh = std::process::Command::new("sh");
        for (k, v) in probe.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        let okk = env!("CARGO_BIN_EXE_okk");
        let pasted = command.replacen("okk", &format!("'{okk}'"), 1);
        let out = sh.args(["-c", &pasted]).output().unwrap();
        assert!(out.status.success(), "{pasted}: {out:?}");
        assert!(
            stdout(&out).starts_with(&format!("{name}: the token works")),
            "{out:?}"
        );
    }
}

/// A Bitrix24 webhook carries its secret in its address: `crm add` refuses the amoCRM token
/// flags for it, saying so in either language, and writes nothing (instead of writing a
/// variable no sync reads and warning that it is unset).
#[test]
fn crm_add_of_a_webhook_refuses_a_token_flag_it_would_never_read() {
    let desk = Crm::new();
    let url = "https://x.bitrix24.ru/rest/1/s3cr3tcode/";
    for flag in ["--token-env", "--token-file"] {
        let args = [
            "crm", "add", "b3", "--kind", "bitrix24", "--url", url, flag, "X",
        ];
        let said = failed(&desk.okk("en", &args));
        assert_eq!(
            said,
            format!(
                "okk: {flag}: a Bitrix24 webhook carries its secret in its address (--url), so \
                 {flag} is not used; leave it out\n"
            )
        );
        let said = failed(&desk.okk("ru", &args));
        assert!(
            said.contains(&format!(
                "секрет вебхука Битрикс24 — в его адресе (--url), {flag} ему не нужен"
            )),
            "{said}"
        );
        english::assert_russian("crm add --kind bitrix24 --token-env", &said, &[flag]);
        assert!(!said.contains("s3cr3tcode"), "{said}");
    }
    assert!(!desk.config.exists());
}

/// The Russian of `crm add`, `crm list` and `crm test` is Russian: no English placeholder,
/// dates as the sync's report shows them; a test that changes nothing does not say it changed
/// nothing; the note of a missing config on stderr begins `okk:` as every other message.
#[test]
fn crm_commands_speak_russian_whole_and_a_test_does_not_say_it_changed_nothing() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Crm::new();
    let said = failed(&desk.okk("ru", &["crm", "add", "x", "--url", &crm.url]));
    assert!(
        said.starts_with("okk: для okk crm add нужен --kind amocrm|kommo|bitrix24"),
        "{said}"
    );
    desk.add(
        "ru",
        &["b24", "--kind", "bitrix24", "--url", &webhook(&crm)],
    );
    let args = [
        "crm",
        "add",
        "b24",
        "--kind",
        "bitrix24",
        "--url",
        &webhook(&crm),
    ];
    let said = failed(&desk.okk("ru", &args));
    assert!(said.contains("выберите другое ИМЯ"), "{said}");
    assert!(!said.contains("NAME"), "{said}");

    let out = desk.okk("ru", &["sync", "b24"]);
    assert!(out.status.success(), "{out:?}");
    let list = stdout(&desk.okk("ru", &["crm", "list"]));
    let row = list.lines().nth(1).unwrap();
    let synced = row.split('\t').nth(5).unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(synced, "%d.%m.%Y %H:%M:%S").is_ok(),
        "{list}"
    );

    crm.with(|s| s.faults.expired = true);
    for lang in ["en", "ru"] {
        let said = failed(&desk.okk(lang, &["crm", "test", "b24"]));
        assert!(!said.contains("Nothing was changed"), "{said}");
        assert!(!said.contains("Ничего не изменено"), "{said}");
    }
    // A sync's refusal does say it: it might have written.
    let said = failed(&desk.okk("en", &["sync", "b24"]));
    assert!(said.trim_end().ends_with("Nothing was changed."), "{said}");

    let missing = desk.desk.dir.path().join("nope.toml");
    for lang in ["en", "ru"] {
        let out = desk
            .desk
            .okk()
            .args(["--lang", lang, "--config"])
            .arg(&missing)
            .args(["crm", "list"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(stderr(&out).starts_with("okk: "), "{out:?}");
    }
}

/// tester33 F10: a token file written by hand as a relative path is the config file's
/// neighbour, whatever folder okk runs from (cron, another terminal); a problem with it points
/// at the line and column of config.toml that names it.
#[test]
fn a_hand_written_relative_token_file_is_found_beside_the_config_and_its_problem_located() {
    use std::os::unix::fs::PermissionsExt;
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Crm::new();
    let cfg_dir = desk.desk.dir.path().join("cfg");
    std::fs::create_dir(&cfg_dir).unwrap();
    let config = cfg_dir.join("okk.toml");
    let token = cfg_dir.join("tok");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(
        &config,
        format!(
            "[[crm]]\nname = \"main\"\nkind = \"amocrm\"\nurl = \"{}\"\ntoken_file = \"tok\"\n",
            crm.url
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = desk.desk.okk();
        cmd.current_dir(desk.desk.dir.path())
            .args(["--lang", "en", "--config"])
            .arg(&config)
            .args(args)
            .env("OKK_SYNC_RATE", "0");
        cmd.output().unwrap()
    };
    let out = run(&["crm", "test", "main"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("main: the token works"), "{out:?}");
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let said = failed(&run(&["crm", "test", "main"]));
    assert!(
        said.contains(&format!(
            "{}:5:14: connection «main»: the token file {} can be read by others",
            config.display(),
            token.display()
        )),
        "{said}"
    );
}

/// tester41 F10: `okk crm remove NAME` takes the connection's table out of the config file and
/// leaves the rest as written (comments too); a name the file has not is said with those it has.
#[test]
fn crm_remove_takes_one_table_out_and_keeps_the_rest_as_written() {
    let desk = Crm::new();
    std::fs::write(
        &desk.config,
        "# the desk's own settings\nauditor = \"anna\"\n",
    )
    .unwrap();
    for (name, url) in [
        ("one", "https://one.amocrm.ru"),
        ("two", "https://two.amocrm.ru"),
    ] {
        desk.add(
            "en",
            &[name, "--kind", "amocrm", "--url", url, "--token-env", "T"],
        );
    }
    let out = desk.okk("en", &["crm", "remove", "one"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("removed connection «one» from"),
        "{out:?}"
    );
    let written = desk.written();
    assert!(
        written.starts_with("# the desk's own settings\nauditor = \"anna\"\n"),
        "{written}"
    );
    assert!(!written.contains("one.amocrm.ru"), "{written}");
    assert!(written.contains("name = \"two\""), "{written}");
    let listed = stdout(&desk.okk("en", &["crm", "list"]));
    assert!(
        listed.contains("two") && !listed.contains("one"),
        "{listed}"
    );

    let out = desk.okk("ru", &["crm", "remove", "one"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr(&out).contains("нет подключения «one»; есть «two»"),
        "{out:?}"
    );
    assert_eq!(desk.written(), written, "a failed remove writes nothing");
}
