//! A fake CRM account on this machine, to try `okk sync` without one:
//! `cargo run --example fake_crm -- --kind amocrm|bitrix24 --deals 5000 [--port 8765]`
//! `[--fields N]` (N custom fields: the two of the default account, then realistic ones).
//! The same server answers both APIs (amoCRM under /api/v4, Bitrix24 under /rest/);
//! `--write-csv FILE` also writes its deals as an amoCRM export, to compare sync and import.
//! It prints the config to add and the token to export, then serves until stopped (Ctrl-C).
//! A line `edit N` on its standard input renames the first N deals (as users editing them in
//! the CRM would), so that the next `okk sync` has N changes to read (`bench/sync.sh`);
//! `delete N` deletes deals and `move N` moves them on a stage, so that a user sees the sync
//! mark cards gone and record stage changes; `add N` creates N new deals, so that the next
//! sync has new deals to read (no restart, which would lose the edits, moves and deletions).

#[path = "../tests/support/fake_crm.rs"]
mod fake;

fn main() {
    let mut deals = 5000usize;
    let mut fields = fake::FIELDS.len();
    let mut port = 8765u16;
    let mut kind = String::from("amocrm");
    let mut csv: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&a));
        match a.as_str() {
            "--deals" => deals = value().parse().unwrap_or_else(|_| usage("--deals")),
            "--fields" => fields = value().parse().unwrap_or_else(|_| usage("--fields")),
            "--write-csv" => csv = Some(value()),
            "--port" => port = value().parse().unwrap_or_else(|_| usage("--port")),
            "--kind" => {
                kind = value();
                if !["amocrm", "kommo", "bitrix24"].contains(&kind.as_str()) {
                    usage("--kind");
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            _ => usage(&a),
        }
    }
    let mut state = fake::State::with_deals_and_fields(deals, fields);
    // The portal a user tries has every field the docs name, «Дата встречи в офисе продаж»
    // too, so that the meeting-date rules judge its deals as they do amoCRM's (the tests'
    // portal keeps «Источник» alone, as it always had).
    state.b24_all_fields = true;
    let server = match fake::FakeCrm::try_start(state, port) {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "fake_crm: cannot serve on 127.0.0.1:{port} ({e}); another port: --port {} \
                 (or --port 0 for any free one)",
                port.wrapping_add(1)
            );
            std::process::exit(1);
        }
    };
    // Each kind its own connection name, so both fakes can be added to one config.
    let name = if kind == "bitrix24" {
        "fake-b24"
    } else {
        "fake"
    };
    if let Some(path) = &csv {
        // The same deals as amoCRM's web UI exports them, to compare a sync with an import.
        server.with(|s| s.export_csv(std::path::Path::new(path)));
        println!("wrote the deals as an amoCRM export to {path}");
    }
    if fields != fake::FIELDS.len() {
        println!("{fields} custom fields in the account");
    }
    println!("fake {kind} with {deals} deals at {}", server.url);
    println!();
    if kind == "bitrix24" {
        println!(
            "okk crm add {name} --kind bitrix24 --url {}/rest/1/{}/",
            server.url,
            fake::WEBHOOK_CODE
        );
    } else {
        println!("export OKK_FAKE_TOKEN={}", fake::TOKEN);
        println!(
            "okk crm add {name} --kind {kind} --url {} --token-env OKK_FAKE_TOKEN",
            server.url
        );
    }
    println!("okk sync {name}");
    for line in std::io::stdin().lines() {
        let Ok(line) = line else { break };
        if let Some(rest) = line.trim().strip_prefix("rename-stage ") {
            match rest.split_once("=>") {
                Some((old, new)) if !new.trim().is_empty() => {
                    let n = server.with(|s| rename_stage(s, old.trim(), new.trim()));
                    if n == 0 {
                        eprintln!("fake_crm: no stage named «{}»", old.trim());
                    } else {
                        println!(
                            "renamed «{}» to «{}» in {n} pipeline(s)",
                            old.trim(),
                            new.trim()
                        );
                    }
                }
                _ => eprintln!("fake_crm: rename-stage OLD => NEW"),
            }
            continue;
        }
        if let Some(rest) = line.trim().strip_prefix("rename-pipeline ") {
            match rest.split_once("=>") {
                Some((old, new)) if !new.trim().is_empty() => {
                    if server.with(|s| rename_pipeline(s, old.trim(), new.trim())) {
                        println!("renamed the pipeline «{}» to «{}»", old.trim(), new.trim());
                    } else {
                        eprintln!("fake_crm: no pipeline named «{}»", old.trim());
                    }
                }
                _ => eprintln!("fake_crm: rename-pipeline OLD => NEW"),
            }
            continue;
        }
        match command(&line) {
            Some(("edit", n)) => {
                server.with(|s| s.edit_first(n));
                println!("edited {}", deals_n(n));
            }
            Some(("add", n)) => {
                server.with(|s| s.add_n(n));
                println!("added {}", deals_n(n));
            }
            Some(("delete", n)) => {
                let done = server.with(|s| s.delete_first(n));
                let more = if done < n {
                    " (the account had no more)"
                } else {
                    ""
                };
                // Bitrix24 lists no deletions: only a full sweep finds them.
                let found = if kind == "bitrix24" {
                    format!("; Bitrix24 lists no deletions: `okk sync {name} --full` finds them")
                } else {
                    String::new()
                };
                println!("deleted {}{more}{found}", deals_n(done));
            }
            Some(("move", n)) => {
                let done = server.with(|s| s.move_first(n));
                let more = if done < n {
                    "; no more can move on (the others are won, lost, at their pipeline's last open \
                     stage or in «Неразобранное»)"
                } else {
                    ""
                };
                println!(
                    "moved {} to their pipeline's next stage{more}",
                    deals_n(done)
                );
            }
            _ if line.trim().is_empty() => {}
            _ => eprintln!("fake_crm: unknown command {line:?}; {STDIN_COMMANDS}"),
        }
    }
    // Standard input closed (or never open): serve until stopped.
    loop {
        std::thread::park();
    }
}

/// Renames every stage named `old` (its ids stay, as when an admin renames a stage in the CRM),
/// in both APIs; how many pipelines had one.
fn rename_stage(s: &mut fake::State, old: &str, new: &str) -> usize {
    let new: &'static str = Box::leak(new.to_string().into_boxed_str());
    let mut n = 0;
    for (i, p) in fake::PIPELINES.iter().enumerate() {
        for (k, (status, name)) in p.statuses.iter().enumerate() {
            if s.amo_name(p.id, *status, name) == old {
                s.amo_names.insert((p.id, *status), new);
                s.b24_names.insert(fake::B24_STAGES[i][k], new);
                n += 1;
            }
        }
    }
    n
}

/// Renames the pipeline named `old` (its id stays, as when an admin renames a pipeline — a
/// Bitrix24 deal category — in the CRM); whether there was one.
fn rename_pipeline(s: &mut fake::State, old: &str, new: &str) -> bool {
    let Some(p) = fake::PIPELINES.iter().find(|p| s.pipeline_name(p) == old) else {
        return false;
    };
    let new: &'static str = Box::leak(new.to_string().into_boxed_str());
    s.pipeline_names.insert(p.id, new);
    true
}

/// A line of standard input as its command (`edit`, `add`, `delete` or `move`) and its count.
fn command(line: &str) -> Option<(&str, usize)> {
    let (verb, n) = line.trim().split_once(' ')?;
    let n = n.trim().parse().ok()?;
    ["edit", "add", "delete", "move"]
        .contains(&verb)
        .then_some((verb, n))
}

/// "1 deal", "2 deals".
fn deals_n(n: usize) -> String {
    format!("{n} deal{}", if n == 1 { "" } else { "s" })
}

/// The one-line synopsis and the standard input's commands, each written once: `--help` says
/// both, a bad argument the first, a line the fake does not know the second.
macro_rules! synopsis {
    () => {
        "usage: fake_crm [--kind amocrm|kommo|bitrix24] [--deals N] [--fields N] [--port P] \
         [--write-csv FILE]"
    };
}
macro_rules! stdin_commands {
    () => {
        "commands on standard input, one a line:
  edit N            rename the first N deals, as users editing them in the CRM would,
                    so that the next `okk sync` has N changes to read
  add N             create N new deals, spread over the pipelines' stages as the first
                    ones are, so that the next `okk sync` has N new deals to read
  delete N          delete the first N deals, so that the next `okk sync` marks them
                    gone (Bitrix24 lists no deletions: `okk sync NAME --full` finds them)
  move N            move the first N open deals on to the next stage of their pipeline,
                    so that the next `okk sync` has N stage changes and the cards' stage
                    history grows (won and lost stay, as do deals at their pipeline's last
                    open stage and in «Неразобранное», which okk's funnel reads as
                    «Первичный контакт»)
  rename-stage OLD => NEW
                    rename the stage OLD (in every pipeline that has it), as an admin
                    renaming it in the CRM would: its ids stay, so the next `okk sync`
                    says the rename and its cards take the new name without moving
  rename-pipeline OLD => NEW
                    rename the pipeline OLD (Bitrix24: the deal category) the same way:
                    its id stays, and its cards take the new name without changing"
    };
}

const SYNOPSIS: &str = synopsis!();
const STDIN_COMMANDS: &str = stdin_commands!();
const USAGE: &str = concat!(
    synopsis!(),
    "

A fake CRM account on this machine, to try `okk sync` without one (docs/sync.md). It prints the
config to add and the token to export, then serves until stopped (Ctrl-C). The same server
answers both APIs: amoCRM under /api/v4, Bitrix24 under /rest/.

options:
  --kind K          amocrm (the default), kommo or bitrix24: the `okk crm add` line printed
  --deals N         deals in the account (default 5000)
  --fields N        custom fields in the account (default 2: «Источник» and «Дата встречи в
                    офисе продаж»); beyond them, fields of the kinds real accounts carry
                    (numbers, lists, multiselects, dates, checkboxes, texts; «Поле N» past
                    the 30th), of which two deals in three fill about two thirds; a
                    Bitrix24 portal has them all as user fields
  --port P          the port on 127.0.0.1 (default 8765; 0: any free one)
  --write-csv FILE  also write the deals as an amoCRM export, to compare sync and import
  -h, --help        print this and exit

",
    stdin_commands!()
);

fn usage(at: &str) -> ! {
    eprintln!("fake_crm: bad argument {at}; {SYNOPSIS} (--help says more)");
    std::process::exit(2);
}
