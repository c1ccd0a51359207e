//! Every shell example in README.md and docs/*.md, run as written with the built `okk` first on
//! PATH, against the demo store, so a doc cannot promise a command or a flag that no longer works.
//!
//! The conventions a doc's fenced block follows (its info string, after the language):
//! - ```` ```sh ```` — each line is run with `sh -c` in the demo store's dir (`OKK_DB` set to it,
//!   `OKK_TODAY` fixed, HOME/XDG/TMPDIR inside a temp dir); it must exit 0. `export X=Y` lines hold
//!   for the rest of the block; a line ending in `\` goes on.
//! - ```` ```sh synopsis ```` — usage lines, not examples: every `--flag` in them must be one the
//!   subcommand's `--help` lists.
//! - ```` ```sh no-run:REASON ```` — needs what a test cannot give it (a terminal, a release build,
//!   a second laptop, …): skipped, and counted by reason.
//!
//! `cargo run --example fake_crm -- ARGS` is run as the example's built binary, in the background,
//! and the lines the doc says it prints are checked against what it printed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The day the demo store is judged as of (the day its data was written around).
const TODAY: &str = "2026-11-20";
/// One command may take this long; more is a hang (a TUI waiting for keys, a server never left).
const COMMAND_LIMIT: Duration = Duration::from_secs(300);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One fenced block of a doc: where it opens, its info string's words, its lines with numbers.
struct Block {
    file: String,
    line: usize,
    lang: String,
    attrs: Vec<String>,
    lines: Vec<(usize, String)>,
}

impl Block {
    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.file)
    }

    /// `no-run:REASON`'s reason, if the block is marked so.
    fn no_run(&self) -> Option<&str> {
        self.attrs.iter().find_map(|a| a.strip_prefix("no-run:"))
    }
}

fn blocks_of(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let Some(info) = line.strip_prefix("```") else {
            if let Some(block) = open.as_mut() {
                block.lines.push((i + 1, line.to_string()));
            }
            continue;
        };
        match open.take() {
            Some(block) => blocks.push(block),
            None => {
                let mut words = info.split_whitespace().map(str::to_string);
                open = Some(Block {
                    file: file.to_string(),
                    line: i + 1,
                    lang: words.next().unwrap_or_default(),
                    attrs: words.collect(),
                    lines: Vec::new(),
                });
            }
        }
    }
    assert!(open.is_none(), "{file}: a code block is never closed");
    blocks
}

/// Every fenced block of README.md and every docs/*.md.
fn doc_blocks() -> Vec<Block> {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
        .iter()
        .flat_map(|path| {
            let rel = path.strip_prefix(repo()).unwrap().display().to_string();
            let text = std::fs::read_to_string(path).expect("read a doc");
            blocks_of(&rel, &text)
        })
        .collect()
}

fn is_shell(block: &Block) -> bool {
    matches!(block.lang.as_str(), "sh" | "shell" | "bash" | "console")
}

/// The shell blocks of README.md and every docs/*.md.
fn shell_blocks() -> Vec<Block> {
    doc_blocks().into_iter().filter(is_shell).collect()
}

/// The lines of a block with no language that read as a command (`okk stats`, `$ cargo test`,
/// `bench/import.sh 1000`): such a block is neither run nor skipped by reason, so a command in
/// it could go stale unseen.
fn unmarked_commands(block: &Block) -> Vec<String> {
    if !block.lang.is_empty() {
        return Vec::new();
    }
    let programs = ["okk", "cargo", "python3", "sudo", "psql", "sqlite3"];
    block
        .lines
        .iter()
        .filter_map(|(n, line)| {
            let line = line.trim_start();
            let line = line.strip_prefix("$ ").unwrap_or(line);
            let first = line.split_whitespace().next()?;
            let second = line.split_whitespace().nth(1).unwrap_or("");
            let runs = (programs.contains(&first)
                && second.starts_with(|c: char| c.is_ascii_lowercase() || c == '-'))
                || (first.starts_with("bench/") && first.ends_with(".sh"));
            runs.then(|| format!("{}: `{line}`", block.at(*n)))
        })
        .collect()
}

/// A block's commands: comments-only and empty lines dropped, `\` continuations joined; each
/// with the line it starts on.
fn commands(block: &Block) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut going_on = false;
    for (n, line) in &block.lines {
        let trimmed = line.trim();
        if going_on {
            let last = out.last_mut().expect("a continued command");
            last.1 = format!("{} {}", last.1.trim_end_matches('\\').trim_end(), trimmed);
        } else if !trimmed.is_empty() && !trimmed.starts_with('#') {
            out.push((*n, trimmed.to_string()));
        }
        going_on = trimmed.ends_with('\\');
    }
    out
}

/// The sandbox the examples run in: the demo store and the files the examples name.
struct Sandbox {
    _root: tempfile::TempDir,
    home: PathBuf,
    tmp: PathBuf,
    /// The demo's dir: the store `okk.db`, its export and owners files; the examples' cwd.
    work: PathBuf,
    path_var: std::ffi::OsString,
}

impl Sandbox {
    fn new() -> Sandbox {
        let root = tempfile::tempdir().expect("temp dir");
        let home = root.path().join("home");
        let tmp = root.path().join("tmp");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_okk")).parent().unwrap();
        let mut paths = vec![bin_dir.to_path_buf()];
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let mut sandbox = Sandbox {
            _root: root,
            home,
            tmp,
            work: PathBuf::new(),
            path_var: std::env::join_paths(paths).unwrap(),
        };
        sandbox.work = sandbox.make_demo();
        sandbox.plant_named_files();
        sandbox
    }

    /// A command with the sandbox's environment and nothing of the user's.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(if self.work.as_os_str().is_empty() {
            &self.tmp
        } else {
            &self.work
        })
        .env_remove("OKK_FUNNEL")
        .env_remove("OKK_CONFIG")
        .env_remove("OKK_LEAD")
        .env("PATH", &self.path_var)
        .env("HOME", &self.home)
        .env("XDG_DATA_HOME", self.home.join(".local/share"))
        .env("XDG_CONFIG_HOME", self.home.join(".config"))
        .env("TMPDIR", &self.tmp)
        .env("OKK_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
        if self.work.as_os_str().is_empty() {
            cmd.env_remove("OKK_DB");
        } else {
            cmd.env("OKK_DB", self.work.join("okk.db"));
        }
        cmd
    }

    /// `okk demo --print` (as the README says): its store's dir.
    fn make_demo(&self) -> PathBuf {
        let out = self
            .command("okk")
            .args(["demo", "--print"])
            .output()
            .expect("run okk demo");
        assert!(
            out.status.success(),
            "okk demo --print failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("okk.db").is_file())
            .collect();
        assert_eq!(dirs.len(), 1, "okk demo makes one store dir: {dirs:?}");
        dirs.remove(0)
    }

    /// The files the examples name (`okk import deals.csv`, …), made from the demo's and the
    /// tests' own fixtures, so that each example reads a file of the kind it says.
    fn plant_named_files(&self) {
        let import = repo().join("tests/fixtures/import");
        let demo_csv = self.work.join("amocrm_deals.csv");
        let copies = [
            ("deals.csv", demo_csv.clone()),
            ("export.xlsx", import.join("amocrm_two_sheets.xlsx")),
            ("deals.xls", import.join("bitrix24_deals.xls")),
            ("a.csv", import.join("bitrix24_deals.csv")),
            ("b.csv", import.join("pipedrive_deals.csv")),
            ("wide.csv", demo_csv),
        ];
        for (name, from) in copies {
            std::fs::copy(&from, self.work.join(name))
                .unwrap_or_else(|e| panic!("copy {} to {name}: {e}", from.display()));
        }
        // A CRM the profiles do not know: the generic profile with `--map`.
        std::fs::write(
            self.work.join("leads.csv"),
            "Id,Status,Company,Owner\n\
             L-1,Новый лид,ООО «Север»,Попова Анна\n\
             L-2,Встреча проведена,ИП Морозов,Морозов Алексей\n",
        )
        .unwrap();
    }
}

/// What one command did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `sh -c LINE` (after the block's `export`s) and waits at most [`COMMAND_LIMIT`].
fn run_line(sandbox: &Sandbox, exports: &[String], line: &str) -> Ran {
    let script = exports
        .iter()
        .map(|e| format!("{e}\n"))
        .chain([line.to_string()])
        .collect::<String>();
    let mut child = sandbox
        .command("sh")
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sh");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for sh") {
            break Some(status);
        }
        if started.elapsed() > COMMAND_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        code: status.and_then(|s| s.code()),
        stdout: stdout.join().unwrap(),
        stderr: match status {
            Some(_) => stderr.join().unwrap(),
            None => format!("still running after {COMMAND_LIMIT:?}: killed"),
        },
    }
}

fn drain(mut from: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The fake CRM, started the way `cargo run --example fake_crm -- ARGS` would: its built
/// binary, in the background until the block ends.
struct FakeCrm {
    child: Child,
    printed: Vec<String>,
}

impl Drop for FakeCrm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fake_crm_binary() -> PathBuf {
    // Test binaries live in target/<profile>/deps, examples in target/<profile>/examples.
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join("examples").join("fake_crm");
    assert!(
        bin.is_file(),
        "{} is not built (cargo test builds the examples; cargo build --examples)",
        bin.display()
    );
    bin
}

/// Starts the fake CRM and reads what it prints up to its `okk sync` line.
fn start_fake_crm(sandbox: &Sandbox, args: &str) -> Result<FakeCrm, String> {
    let mut child = sandbox
        .command(fake_crm_binary().to_str().unwrap())
        .args(args.split_whitespace())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("start the fake CRM: {e}"))?;
    let stdout = child.stdout.take().unwrap();
    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("read the fake CRM: {e}"))?;
        let last = line.starts_with("okk sync");
        printed.push(line);
        if last {
            return Ok(FakeCrm { child, printed });
        }
    }
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    let _ = child.wait();
    Err(format!("the fake CRM stopped: {stderr}"))
}

/// A doc line's command without its trailing `# comment` (a `#` after whitespace, outside quotes).
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if prev_space => return line[..i].trim_end(),
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    line.trim_end()
}

/// Runs a block's commands in order; the failures, each with the doc's file:line.
fn run_block(sandbox: &Sandbox, block: &Block) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut exports: Vec<String> = Vec::new();
    let mut fake: Option<FakeCrm> = None;
    let mut ran = 0;
    for (n, line) in commands(block) {
        if let Some(args) = line.strip_prefix("cargo run --example fake_crm --") {
            match start_fake_crm(sandbox, without_comment(args)) {
                Ok(started) => fake = Some(started),
                Err(e) => failures.push(format!("{}: `{line}`: {e}", block.at(n))),
            }
            ran += 1;
            continue;
        }
        if let Some(crm) = &fake {
            // "prints the lines below": the doc's lines must be the ones it printed.
            let command = without_comment(&line);
            let told = command.starts_with("export ") || command.starts_with("okk ");
            if told && !crm.printed.iter().any(|p| p == command) {
                failures.push(format!(
                    "{}: `{command}` is not what the fake CRM prints:\n{}",
                    block.at(n),
                    crm.printed.join("\n")
                ));
            }
        }
        if line.starts_with("export ") {
            exports.push(line);
            continue;
        }
        ran += 1;
        let result = run_line(sandbox, &exports, &line);
        if result.code != Some(0) {
            failures.push(format!(
                "{}: `{line}` exited {:?}:\n{}{}",
                block.at(n),
                result.code,
                result.stderr,
                tail(&result.stdout)
            ));
        } else if let Some(missing) = missing_shown_keys(&line, &result.stdout) {
            failures.push(format!("{}: `{line}`: {missing}", block.at(n)));
        }
    }
    (ran, failures)
}

/// A comment that shows JSON (`# {"stages":[{"stage":..}],..}`) promises its keys: the ones the
/// output lacks, if any (the values are elided in the doc, so only the keys are compared).
fn missing_shown_keys(line: &str, stdout: &str) -> Option<String> {
    let comment = line[without_comment(line).len()..].trim_start();
    let shown = comment.strip_prefix('#')?.trim();
    if !shown.starts_with('{') {
        return None;
    }
    let Ok(out) = serde_json::from_str::<serde_json::Value>(stdout) else {
        return Some(format!(
            "the doc shows JSON but it printed:\n{}",
            tail(stdout)
        ));
    };
    let mut keys = Vec::new();
    collect_keys(&out, &mut keys);
    let missing: Vec<&str> = shown
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|k| !keys.iter().any(|have| have == k))
        .collect();
    (!missing.is_empty()).then(|| format!("the doc shows keys {missing:?} its output has not"))
}

fn collect_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                collect_keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

fn tail(stdout: &str) -> String {
    let lines: Vec<&str> = stdout.lines().collect();
    let from = lines.len().saturating_sub(5);
    if lines.is_empty() {
        return String::new();
    }
    format!("(stdout ends)\n{}\n", lines[from..].join("\n"))
}

/// A synopsis line's subcommand words and its `--flags`: `okk export crm --profile …` →
/// (["export", "crm"], ["--profile", …]).
fn synopsis(line: &str) -> (Vec<String>, Vec<String>) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let sub = words
        .iter()
        .skip(1)
        .take_while(|w| {
            w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-')
        })
        .map(|w| w.to_string())
        .collect();
    let flags = words
        .iter()
        .flat_map(|w| w.split(['[', ']', '|', '(', ')']))
        .filter_map(|w| {
            let flag = w.split(['=', ' ']).next()?;
            (flag.starts_with("--") && flag.len() > 2).then(|| flag.to_string())
        })
        .collect();
    (sub, flags)
}

/// Checks a synopsis block: every flag it shows is in its subcommand's `--help`.
fn check_synopsis(sandbox: &Sandbox, block: &Block) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (n, line) in &block.lines {
        // An indented line goes on the synopsis above it.
        match lines.last_mut() {
            Some(last) if line.starts_with(' ') => last.1.push_str(line),
            _ if line.trim().is_empty() => {}
            _ => lines.push((*n, line.clone())),
        }
    }
    for (n, line) in lines {
        let (sub, flags) = synopsis(&line);
        let help = sandbox
            .command("okk")
            .args(&sub)
            .arg("--help")
            .output()
            .expect("run okk --help");
        let help_text = String::from_utf8_lossy(&help.stdout);
        if !help.status.success() {
            failures.push(format!(
                "{}: `okk {} --help` failed",
                block.at(n),
                sub.join(" ")
            ));
            continue;
        }
        for flag in flags {
            checked += 1;
            if !help_text.contains(&format!("{flag} "))
                && !help_text.contains(&format!("{flag}\n"))
                && !help_text.contains(&format!("{flag}="))
                && !help_text.contains(&format!("{flag},"))
            {
                failures.push(format!(
                    "{}: `okk {}` has no {flag} (see its --help)",
                    block.at(n),
                    sub.join(" ")
                ));
            }
        }
    }
    (checked, failures)
}

#[test]
fn every_command_in_the_readme_and_docs_runs_as_written() {
    let blocks = shell_blocks();
    let sandbox = Sandbox::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut flags_checked = 0;
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for block in &blocks {
        if let Some(reason) = block.no_run() {
            *skipped.entry(reason.to_string()).or_default() += commands(block).len();
        } else if block.attrs.iter().any(|a| a == "synopsis") {
            let (checked, failed) = check_synopsis(&sandbox, block);
            flags_checked += checked;
            failures.extend(failed);
        } else if let Some(unknown) = block.attrs.first() {
            failures.push(format!(
                "{}: unknown mark `{unknown}` (sh, sh synopsis, sh no-run:REASON)",
                block.at(block.line)
            ));
        } else {
            let (n, failed) = run_block(&sandbox, block);
            ran += n;
            failures.extend(failed);
        }
    }
    eprintln!(
        "docs examples: {ran} commands ran, {flags_checked} synopsis flags checked, skipped {skipped:?}"
    );
    assert!(
        failures.is_empty(),
        "{} doc example(s) do not run as written:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The runner itself must have found the docs' examples: a parser that saw nothing passes.
    assert!(ran >= 25, "only {ran} commands found in the docs");
    assert!(
        flags_checked >= 10,
        "only {flags_checked} synopsis flags checked"
    );
}

/// `fake_crm --help`, as a user trying the README's fake CRM would type it: the usage on stdout
/// and exit 0 (it was "bad argument --help", exit 2), with every option and the standard input's
/// `edit N`, `delete N` and `move N`, which docs/sync.md describes too; a line it does not know is answered with them.
#[test]
fn the_fake_crm_s_help_lists_its_options_and_its_stdin_commands() {
    let out = Command::new(fake_crm_binary())
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let help = String::from_utf8(out.stdout).unwrap();
    let sync_md = std::fs::read_to_string(repo().join("docs/sync.md")).unwrap();
    let said = [
        "--kind",
        "--deals",
        "--fields",
        "--port",
        "--write-csv",
        "edit N",
        "delete N",
        "move N",
    ];
    for said in said {
        assert!(help.contains(said), "--help: {said} missing:\n{help}");
        assert!(sync_md.contains(said), "docs/sync.md: {said} missing");
    }
    let bad = Command::new(fake_crm_binary())
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--help"));

    // `edit N` on its standard input renames N deals; another line is answered with the
    // commands it takes. Port 0: any free one.
    let mut fake = Command::new(fake_crm_binary())
        .args(["--deals", "3", "--port", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = fake.stdin.take().unwrap();
        stdin.write_all(b"rename 2\nedit 2\n").unwrap();
    }
    let mut said = BufReader::new(fake.stdout.take().unwrap()).lines();
    let edited = said.any(|l| l.is_ok_and(|l| l == "edited 2 deals"));
    let _ = fake.kill();
    let _ = fake.wait();
    let mut stderr = String::new();
    let _ = fake.stderr.take().unwrap().read_to_string(&mut stderr);
    assert!(edited, "{stderr}");
    assert!(
        stderr.contains("unknown command \"rename 2\"") && stderr.contains("edit N"),
        "{stderr}"
    );
}

#[test]
fn no_command_hides_in_a_block_without_a_language() {
    let hidden: Vec<String> = doc_blocks().iter().flat_map(unmarked_commands).collect();
    assert!(
        hidden.is_empty(),
        "commands in a block with no language are never run; mark the block ```sh (run), \
         ```sh no-run:REASON (skipped) or ```text (not commands):\n{}",
        hidden.join("\n")
    );
}

#[test]
fn the_runner_reads_blocks_continuations_comments_and_marks() {
    let doc = "text\n```sh no-run:terminal\nokk review\n```\n```sh\n# a comment\nokk stats \\\n  --json   # the figures\n\nokk check\n```\n";
    let blocks = blocks_of("x.md", doc);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].no_run(), Some("terminal"));
    assert_eq!(blocks[0].line, 2);
    let cmds = commands(&blocks[1]);
    assert_eq!(
        cmds,
        vec![
            (7, "okk stats --json   # the figures".to_string()),
            (10, "okk check".to_string())
        ]
    );
    assert_eq!(
        without_comment("okk queue --stage \"A # B\"  # note"),
        "okk queue --stage \"A # B\""
    );
    let (sub, flags) = synopsis(
        "okk export crm --profile amocrm|bitrix24 --out FILE [--approved-only] [--since DATE]",
    );
    assert_eq!(sub, ["export", "crm"]);
    assert_eq!(flags, ["--profile", "--out", "--approved-only", "--since"]);
    // A command in a block with no language is found; a directory listing or a CSV is not.
    let doc = "```\n$ okk stats --json\nbench/        the benchmarks\nbench/import.sh 1000\n```\n\
               ```csv\nokk owner,HubSpot email\n```\n```\nokk\n```\n";
    let found: Vec<String> = blocks_of("y.md", doc)
        .iter()
        .flat_map(unmarked_commands)
        .collect();
    assert_eq!(
        found,
        [
            "y.md:2: `okk stats --json`",
            "y.md:4: `bench/import.sh 1000`"
        ]
    );
}
