//! A fake amoCRM account on this machine, to try `okk sync` without one:
//! `cargo run --example fake_crm -- --deals 5000 [--port 8765] [--kind amocrm]`.
//! It prints the config to add and the token to export, then serves until stopped (Ctrl-C).

#[path = "../tests/support/fake_crm.rs"]
mod fake;

fn main() {
    let mut deals = 5000usize;
    let mut port = 8765u16;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&a));
        match a.as_str() {
            "--deals" => deals = value().parse().unwrap_or_else(|_| usage("--deals")),
            "--port" => port = value().parse().unwrap_or_else(|_| usage("--port")),
            "--kind" => {
                let k = value();
                if k != "amocrm" && k != "kommo" {
                    eprintln!("only --kind amocrm (or kommo) is faked so far");
                    std::process::exit(2);
                }
            }
            _ => usage(&a),
        }
    }
    let server = fake::FakeCrm::start(fake::State::with_deals(deals), port);
    println!("fake amoCRM with {deals} deals at {}", server.url);
    println!();
    println!("export OKK_FAKE_TOKEN={}", fake::TOKEN);
    println!(
        "okk crm add fake --kind amocrm --url {} --token-env OKK_FAKE_TOKEN",
        server.url
    );
    println!("okk sync fake");
    loop {
        std::thread::park();
    }
}

fn usage(at: &str) -> ! {
    eprintln!("fake_crm: bad argument {at}; usage: fake_crm [--deals N] [--port P] [--kind amocrm]");
    std::process::exit(2);
}
