//! Trusting a bundle's signer, said so that nobody is talked into trusting an impostor: three
//! laptops with three keys — the lead olga, the auditor anna, and vera, who exports her work in
//! anna's name. A refusal of vera's bundle on a store that trusts anna says anna has a key
//! already and to confirm a new one with her in person; `okk bundle trust` takes a second key in
//! a name only when told so; the first export tells a lead and an auditor what the others do
//! with the new key; a store without the cards says how a desk without a server gets them.

mod common;

use std::path::PathBuf;

use common::{Desk, Verdict, assert_same, digest, path_arg};

const AT: &str = "2026-11-20 12:00:00";
/// A card of the demo store.
const CARD: &str = "31999149";

/// A laptop: its own copy of the demo store, its own home (so its own signing key).
struct Laptop {
    desk: Desk,
}

impl Laptop {
    fn new() -> Laptop {
        Laptop { desk: Desk::demo() }
    }

    /// `okk --lang LANG ARGS`: exit code, stdout, stderr.
    fn run(&self, lang: &str, args: &[&str]) -> (i32, String, String) {
        let out = self
            .desk
            .okk()
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `okk bundle export --as NAME --out FILE` (in the desk's dir): the bundle and what the
    /// export said on stderr.
    fn export(&self, lang: &str, name: &str, file: &str) -> (PathBuf, String) {
        let out = self.desk.dir.path().join(file);
        let (code, _, err) = self.run(
            lang,
            &["bundle", "export", "--as", name, "--out", &path_arg(&out)],
        );
        assert_eq!(code, 0, "{err}");
        (out, err)
    }

    /// This okk's public key, as `okk bundle keys --json` gives it.
    fn key(&self) -> String {
        let keys = self.desk.json_ok(&["bundle", "keys", "--json"]);
        keys["own"].as_str().expect("a key made").to_string()
    }

    fn trust(&self, args: &[&str]) {
        let (code, _, err) = self.run("en", &[&["bundle", "trust"], args].concat());
        assert_eq!(code, 0, "{err}");
    }

    /// `okk --lang LANG ARGS`, which must be refused with exit code 1 leaving the store as it
    /// was: its stderr.
    fn refused(&self, lang: &str, args: &[&str]) -> String {
        let before = digest(&self.desk.db);
        let (code, _, err) = self.run(lang, args);
        assert_eq!(code, 1, "{err}");
        assert_same(&before, &digest(&self.desk.db));
        err
    }
}

/// A key as messages name it: its first 16 hex digits.
fn short(key: &str) -> &str {
    &key[..16]
}

/// anna's genuine bundle, and vera's in anna's name: each reviewed the demo card as "anna".
fn anna_and_her_impostor() -> (Laptop, PathBuf, Laptop, PathBuf) {
    let anna = Laptop::new();
    anna.desk.review(CARD, "anna", AT, &Verdict::of("ok"));
    let (genuine, _) = anna.export("en", "anna", "anna.okkb");
    let vera = Laptop::new();
    vera.desk.review(CARD, "anna", AT, &Verdict::of("dead"));
    let (forged, _) = vera.export("en", "anna", "vera.okkb");
    (anna, genuine, vera, forged)
}

#[test]
fn an_impostor_s_bundle_in_a_trusted_name_is_refused_as_one_in_both_languages() {
    let (anna, genuine, vera, forged) = anna_and_her_impostor();
    let (anna_key, vera_key) = (anna.key(), vera.key());
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&genuine), "--as", "anna"]);
    let forged_arg = path_arg(&forged);

    let en = lead.refused("en", &["bundle", "import", &forged_arg]);
    for said in [
        format!(
            "signed by key {}, which this store does not trust, and it trusts another key as \
             anna ({})",
            short(&vera_key),
            short(&anna_key)
        ),
        "another key in anna's name is suspicious, as whoever holds it can sign as anna".into(),
        "Do not trust it on the bundle's word: ask anna in person or by phone (not through this \
         bundle or whoever passed it on) to read out the key `okk bundle keys` shows on their \
         laptop"
            .into(),
        format!("`okk bundle trust {vera_key} --as anna --another-key`"),
    ] {
        assert!(en.contains(&said), "{said}\n{en}");
    }
    // What cannot help is not offered: first use never takes a second key in a name.
    assert!(!en.contains("--trust-on-first-use"), "{en}");
    assert!(!en.contains("if it is anna's"), "{en}");

    let ru = lead.refused("ru", &["bundle", "import", &forged_arg]);
    for said in [
        format!(
            "подпись ключом {}, которому это хранилище не доверяет, а для anna оно уже \
             доверяет другому ключу ({})",
            short(&vera_key),
            short(&anna_key)
        ),
        "ещё один ключ от имени anna подозрителен — кто им владеет, может подписываться за anna"
            .into(),
        "попросите anna лично или по телефону (не через этот пакет и не через того, кто его \
         передал)"
            .into(),
        format!("`okk bundle trust {vera_key} --as anna --another-key`"),
    ] {
        assert!(ru.contains(&said), "{said}\n{ru}");
    }
    assert!(!ru.contains("--trust-on-first-use"), "{ru}");

    // Asked to take unknown keys on first use: refused all the same, and said why.
    let en = lead.refused(
        "en",
        &["bundle", "import", "--trust-on-first-use", &forged_arg],
    );
    assert!(
        en.contains("can sign as anna, so --trust-on-first-use does not take it"),
        "{en}"
    );
    let ru = lead.refused(
        "ru",
        &["bundle", "import", "--trust-on-first-use", &forged_arg],
    );
    assert!(
        ru.contains("поэтому --trust-on-first-use его не принимает"),
        "{ru}"
    );
}

#[test]
fn a_name_with_no_key_keeps_the_advice_to_trust_it_or_take_it_on_first_use() {
    let (_, _, vera, forged) = anna_and_her_impostor();
    let lead = Laptop::new();
    let en = lead.refused("en", &["bundle", "import", &path_arg(&forged)]);
    let key = vera.key();
    assert!(
        en.contains(&format!(
            "which this store does not trust: if it is anna's, run `okk bundle trust {key} --as \
             anna` (or import with --trust-on-first-use)"
        )),
        "{en}"
    );
    assert!(!en.contains("--another-key"), "{en}");
}

#[test]
fn trusting_a_second_key_in_a_name_asks_for_its_owner_s_word_first() {
    let (anna, genuine, vera, forged) = anna_and_her_impostor();
    let (anna_key, vera_key) = (anna.key(), vera.key());
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&genuine), "--as", "anna"]);
    let forged_arg = path_arg(&forged);

    let en = lead.refused("en", &["bundle", "trust", &forged_arg, "--as", "anna"]);
    for said in [
        format!(
            "this store trusts another key as anna already ({}): another key in anna's name \
             lets whoever holds it sign as anna; nothing changed",
            short(&anna_key)
        ),
        "confirm it with anna in person or by phone, not through a bundle or whoever passed it on"
            .into(),
        format!(
            "the key `okk bundle keys` shows on their laptop, which must begin {}; then run this \
             again with --another-key",
            short(&vera_key)
        ),
    ] {
        assert!(en.contains(&said), "{said}\n{en}");
    }
    let ru = lead.refused("ru", &["bundle", "trust", &forged_arg, "--as", "anna"]);
    for said in [
        format!(
            "для anna это хранилище уже доверяет другому ключу ({}): ещё один ключ от \
             имени anna позволит тому, кто им владеет, подписываться за anna; ничего не изменено",
            short(&anna_key)
        ),
        format!(
            "он должен начинаться с {}; затем повторите команду с --another-key",
            short(&vera_key)
        ),
    ] {
        assert!(ru.contains(&said), "{said}\n{ru}");
    }
    // The key itself, not a bundle, is refused the same way.
    let err = lead.refused("en", &["bundle", "trust", &vera_key, "--as", "anna"]);
    assert!(err.contains("--another-key"), "{err}");

    // Confirmed: the second key is anna's too, and her work from the new laptop goes in.
    lead.trust(&[&forged_arg, "--as", "anna", "--another-key"]);
    let keys = lead.desk.json_ok(&["bundle", "keys", "--json"]);
    let mut annas: Vec<&str> = (keys["trusted"].as_array().unwrap().iter())
        .filter(|k| k["name"] == "anna")
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    annas.sort();
    let mut both = vec![anna_key.as_str(), vera_key.as_str()];
    both.sort();
    assert_eq!(annas, both);
    lead.desk.run_ok(&["bundle", "import", &forged_arg]);
    // A key the name has already, or a name's first key, needs no word.
    lead.trust(&[&forged_arg, "--as", "anna", "--lead"]);
    let boris = Laptop::new();
    boris.desk.review(CARD, "boris", AT, &Verdict::of("ok"));
    let (b, _) = boris.export("en", "boris", "boris.okkb");
    lead.trust(&[&path_arg(&b), "--as", "boris"]);
}

#[test]
fn the_first_export_tells_a_lead_what_her_auditors_do_and_an_auditor_what_the_lead_does() {
    let anna = Laptop::new();
    let review = anna.desk.review(CARD, "anna", AT, &Verdict::of("ok"));
    let (bundle, said) = anna.export("en", "anna", "anna1.okkb");
    assert!(
        said.contains("the lead trusts it once, with `okk bundle trust anna1.okkb --as anna`"),
        "{said}"
    );
    assert!(!said.contains("--lead"), "{said}");
    // The key is made once: a second export says nothing of it.
    let (_, again) = anna.export("en", "anna", "anna2.okkb");
    assert!(!again.contains("signing key"), "{again}");

    // The lead decided on anna's review in her store: her first export is a lead's.
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&bundle), "--as", "anna"]);
    lead.desk.run_ok(&["bundle", "import", &path_arg(&bundle)]);
    lead.desk.decide(
        &review,
        "olga",
        "accept",
        (None, None, None),
        "2026-11-20 13:00:00",
    );
    let (_, said) = lead.export("en", "olga", "olga1.okkb");
    assert!(
        said.contains(
            "a lead's: each auditor trusts it once, as the lead's, with `okk bundle trust \
             olga1.okkb --as olga --lead` (without --lead an auditor's okk refuses the other \
             auditors' work your bundles carry)"
        ),
        "{said}"
    );
    // A lead named so by the store's roles, before any decision; in Russian.
    let lena = Laptop::new();
    lena.desk.run_ok(&["db", "roles", "--lead", "lena"]);
    let (_, said) = lena.export("ru", "lena", "lena.okkb");
    assert!(
        said.contains(
            "ключ руководителя: каждый аудитор один раз доверяет ему как ключу руководителя \
             через `okk bundle trust lena.okkb --as lena --lead`"
        ),
        "{said}"
    );
    assert!(!said.contains("руководитель один раз доверяет"), "{said}");
    // Written to standard output, the file has no name yet.
    let boris = Laptop::new();
    boris.desk.review(CARD, "boris", AT, &Verdict::of("ok"));
    let (code, _, said) = boris.run("ru", &["bundle", "export", "--as", "boris", "--out", "-"]);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains(
            "руководитель один раз доверяет ему через `okk bundle trust ФАЙЛ --as boris`"
        ),
        "{said}"
    );
}

/// A copy of the lead's store on an auditor's laptop holds the lead's decisions, made "here":
/// its bundles are signed under the name the laptop's config gives, never the lead's.
#[test]
fn a_copy_of_the_lead_s_store_signs_as_the_laptop_s_user_not_the_lead() {
    let anna = Laptop::new();
    let review = anna.desk.review(CARD, "anna", AT, &Verdict::of("ok"));
    let (bundle, _) = anna.export("en", "anna", "anna1.okkb");
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&bundle), "--as", "anna"]);
    lead.desk.run_ok(&["bundle", "import", &path_arg(&bundle)]);
    lead.desk.decide(
        &review,
        "olga",
        "accept",
        (None, None, None),
        "2026-11-20 13:00:00",
    );
    let boris = Laptop::new();
    std::fs::copy(&lead.desk.db, &boris.desk.db).unwrap();
    let config = boris.desk.dir.path().join("home/.config/okk");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "auditor = \"boris\"\n").unwrap();
    let out = boris.desk.dir.path().join("boris.okkb");
    let ran = (boris.desk.okk())
        .env_remove("OKK_AUDITOR")
        .args(["bundle", "export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let (said, err) = (
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr),
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["signer"], "boris", "{err}");
    // The new key is an auditor's; the lead's decision made in her store is left out.
    assert!(
        err.contains("--as boris`") && !err.contains("--lead"),
        "{err}"
    );
    assert!(said.contains("(olga — 1)"), "{said}");
}

/// On a copy of the lead's store the lead's roles and records travel, her key does not: an
/// export there in her name (her store's roles make her a lead) is not a lead's key to hand
/// out when the laptop's config names another user, or the store trusts her own key already.
#[test]
fn a_key_made_in_the_lead_s_name_on_another_s_laptop_is_not_called_the_lead_s() {
    let lena = Laptop::new();
    lena.desk
        .run_ok(&["db", "roles", "--lead", "lena", "--auditor", "anna"]);
    let (lenas, _) = lena.export("ru", "lena", "lena.okkb");
    // The laptop's config names anna.
    let anna = Laptop::new();
    std::fs::copy(&lena.desk.db, &anna.desk.db).unwrap();
    let config = anna.desk.dir.path().join("home/.config/okk");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "auditor = \"anna\"\n").unwrap();
    let (_, said) = anna.export("ru", "lena", "fake.okkb");
    assert!(
        !said.contains("--lead") && !said.contains("ключ руководителя"),
        "{said}"
    );
    // No name in the config, but the store trusts lena's real key.
    let boris = Laptop::new();
    std::fs::copy(&lena.desk.db, &boris.desk.db).unwrap();
    boris.trust(&[&path_arg(&lenas), "--as", "lena", "--lead"]);
    let (_, said) = boris.export("en", "lena", "fake.okkb");
    assert!(
        !said.contains("--lead") && !said.contains("a lead's"),
        "{said}"
    );
}

#[test]
fn the_keys_a_store_trusts_say_how_in_the_user_s_language() {
    let anna = Laptop::new();
    let boris = Laptop::new();
    let review = anna.desk.review(CARD, "anna", AT, &Verdict::of("ok"));
    boris
        .desk
        .review("31998289", "boris", AT, &Verdict::of("ok"));
    let (a, _) = anna.export("en", "anna", "anna.okkb");
    let (b, _) = boris.export("en", "boris", "boris.okkb");
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&a), "--as", "anna"]);
    lead.trust(&[&path_arg(&b), "--as", "boris"]);
    lead.desk
        .run_ok(&["bundle", "import", &path_arg(&a), &path_arg(&b)]);
    lead.desk.decide(
        &review,
        "olga",
        "accept",
        (None, None, None),
        "2026-11-20 13:00:00",
    );
    let (back, _) = lead.export("en", "olga", "back.okkb");
    anna.trust(&[&path_arg(&back), "--as", "olga", "--lead"]);
    anna.desk.run_ok(&["bundle", "import", &path_arg(&back)]);
    let back = path_arg(&back);
    let (_, ru, _) = anna.run("ru", &["bundle", "keys"]);
    assert!(ru.contains("(доверен через `okk bundle trust`)"), "{ru}");
    assert!(
        ru.contains(&format!("(по поручительству olga: {back})")),
        "{ru}"
    );
    assert!(!ru.contains("trusted)") && !ru.contains("vouched"), "{ru}");
    let (_, en, _) = anna.run("en", &["bundle", "keys"]);
    assert!(en.contains("(trusted)"), "{en}");
    assert!(
        en.contains(&format!("(vouched for by olga: {back})")),
        "{en}"
    );
    // JSON keeps okk's own words.
    let keys = anna.desk.json_ok(&["bundle", "keys", "--json"]);
    let hows: Vec<&str> = (keys["trusted"].as_array().unwrap().iter())
        .map(|k| k["how"].as_str().unwrap())
        .collect();
    assert!(hows.contains(&"trusted"), "{hows:?}");
}

#[test]
fn a_store_without_the_cards_says_how_a_desk_without_a_server_gets_them() {
    let anna = Laptop::new();
    anna.desk.review(CARD, "anna", AT, &Verdict::of("ok"));
    let (bundle, _) = anna.export("en", "anna", "anna.okkb");
    let fresh = Laptop { desk: Desk::new() };
    fresh.trust(&[&path_arg(&bundle), "--as", "anna"]);
    let (code, en, err) = fresh.run("en", &["bundle", "import", &path_arg(&bundle)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        en.contains(
            "a bundle carries reviews and decisions, not cards: each laptop imports the lead's \
             CRM export (the same file, the same --source) with the lead's funnel.toml, or \
             starts from a copy of the lead's okk.db (docs/lead.md#a-desk-without-a-server)"
        ),
        "{en}"
    );
    let (code, ru, err) = fresh.run("ru", &["bundle", "import", &path_arg(&bundle)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        ru.contains("пакет несёт проверки и решения, а не карточки")
            && ru.contains("docs/lead.md#a-desk-without-a-server"),
        "{ru}"
    );
    // The section the line points to is there.
    let lead_md = std::fs::read_to_string(common::repo().join("docs/lead.md")).unwrap();
    assert!(lead_md.contains("\n## A desk without a server\n"));
    // A store that has the cards says nothing of it.
    let lead = Laptop::new();
    lead.trust(&[&path_arg(&bundle), "--as", "anna"]);
    let said = lead.desk.run_ok(&["bundle", "import", &path_arg(&bundle)]);
    assert!(!said.contains("not cards"), "{said}");
}
