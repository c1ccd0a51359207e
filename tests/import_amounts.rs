//! A budget reads as the same sum whichever CRM's export it comes in: a Russian desk's Pipedrive
//! or HubSpot file, or any CSV a Russian Excel re-saved, writes `8 450 000,50` as amoCRM does,
//! and a hundredfold budget on the card is worse than none. The one shape that says nothing of
//! its decimal mark (`1,234`) is read by the profile's convention and said in the report.

mod common;

use common::{Desk, fixture};
use serde_json::Value as Json;

/// The ten amount cells of the tester's files (`tests/fixtures/import/amounts/*.csv`, IDs 1–10),
/// and the sum each one means.
const SHAPES: [(&str, f64); 10] = [
    ("8 450 000,50", 8_450_000.5),
    ("8 450 000,50 ₽", 8_450_000.5),
    ("8450000,50", 8_450_000.5),
    ("8,450,000.50", 8_450_000.5),
    ("8.450.000,50", 8_450_000.5),
    ("8450000.50", 8_450_000.5),
    ("1 250 000", 1_250_000.0),
    ("12 000 руб.", 12_000.0),
    ("-5", -5.0),
    ("8 450 000.50", 8_450_000.5),
];

/// Every profile (file, import arguments, the profile it must be read with) over the same ten
/// cells.
fn profiles() -> Vec<(&'static str, Vec<String>, &'static str)> {
    let file = |name: &str| fixture(&format!("amounts/{name}.csv"));
    vec![
        ("amocrm", vec![file("amocrm")], "amocrm"),
        ("bitrix24", vec![file("bitrix24")], "bitrix24"),
        ("hubspot", vec![file("hubspot")], "hubspot"),
        (
            "pipedrive (ru headers)",
            vec![file("pipedrive_ru")],
            "pipedrive",
        ),
        (
            "pipedrive (en headers)",
            vec![file("pipedrive_en")],
            "pipedrive",
        ),
        ("salesforce", vec![file("salesforce")], "salesforce"),
        (
            "generic",
            vec![
                file("amocrm"),
                "--profile".into(),
                "generic".into(),
                "--map".into(),
                "external_id=ID,stage=Этап сделки,amount=Бюджет".into(),
            ],
            "generic",
        ),
    ]
}

#[test]
fn every_profile_reads_the_ten_amount_shapes_as_the_same_sums_without_a_warning() {
    let mut wrong = Vec::new();
    for (label, args, profile) in profiles() {
        let desk = Desk::new();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = desk.import_one(&args);
        assert_eq!(r["profile"], profile, "{label}");
        if r["warnings"] != 0 {
            wrong.push(format!("{label}: warned {}", r["warning_samples"]));
        }
        for (i, (cell, sum)) in SHAPES.iter().enumerate() {
            let card = desk.card(&(i + 1).to_string());
            if card["amount"] != *sum {
                wrong.push(format!(
                    "{label}: «{cell}» read as {} (want {sum})",
                    card["amount"]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `1,234` is 1234 in a US file and 1,234 in a Russian one: read by the profile's convention
/// (Russian CRMs: a decimal comma), and each such cell is a warning with both readings, in
/// the user's language.
#[test]
fn an_amount_that_reads_two_ways_is_read_by_the_profiles_convention_and_warned_about() {
    let cases = [
        // (profile's file, amount header, first columns, the reading, the other)
        (
            "hubspot",
            "Record ID,Deal Name,Amount,Deal Stage,Pipeline",
            1234.0,
            "1.234",
        ),
        (
            "amocrm",
            "ID,Название сделки,Бюджет,Этап сделки,Воронка",
            1.234,
            "1234",
        ),
    ];
    for (profile, header, read, other) in cases {
        let desk = Desk::new();
        let file = desk.dir.path().join(format!("{profile}.csv"));
        std::fs::write(
            &file,
            format!("{header}\n1,t,\"1,234\",Квалификация,П\n2,t,\"5 000,50\",Квалификация,П\n"),
        )
        .unwrap();
        let path = common::path_arg(&file);
        let r = desk.import_one(&[&path]);
        assert_eq!(r["profile"], profile);
        assert_eq!(desk.card("1")["amount"], Json::from(read), "{profile}");
        assert_eq!(desk.card("2")["amount"], Json::from(5000.5), "{profile}");
        assert_eq!(r["warnings"], 1, "{profile}: {:#}", r["warning_samples"]);
        let w = &r["warning_samples"][0];
        assert_eq!(w["line"], 2);
        let message = w["message"].as_str().unwrap();
        assert!(
            message.contains("«1,234»") && message.contains(other) && message.contains(profile),
            "{profile}: {message}"
        );
        // Not an invalid value: the card keeps no raw text for it.
        assert_eq!(
            common::json_col(&desk.card("1"), "invalid"),
            serde_json::json!({}),
            "{profile}"
        );

        // The Russian report says it in Russian, with the Russian readings.
        let desk = Desk::new();
        let out = desk
            .okk()
            .env("OKK_LANG", "ru")
            .args(["import", &path])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{stdout}");
        let (ru_read, ru_other) = if profile == "hubspot" {
            ("1\u{202f}234", "1,234")
        } else {
            ("1,234", "1\u{202f}234")
        };
        assert!(
            stdout.contains(&format!(
                "строка 2 [{}]: «1,234» читается двояко — {ru_read} или {ru_other}",
                header.split(',').nth(2).unwrap()
            )),
            "{stdout}"
        );
    }
}
