//! A fake of Meta's Graph API (the one `tests/api.rs` runs the commands against), to try
//! `flowsim api` by hand without a Meta account:
//!
//! ```sh
//! cargo run --example fake_graph            # prints the exports to paste
//! cargo run --example fake_graph -- 8099    # on a fixed port
//! ```
//!
//! It starts with a published flow, a draft with validation errors and an endpoint flow that
//! cannot be published yet; the `TOKEN` it prints works, `EXPIRED` is expired.

#[path = "../tests/fake_graph/mod.rs"]
#[allow(dead_code)] // shared with tests/api.rs, which uses what this example does not
mod fake_graph;

use fake_graph::{EXPIRED, Fake, PHONE, TOKEN, WABA};

fn main() {
    let port: u16 = match std::env::args().nth(1).map(|p| p.parse()) {
        None => 0,
        Some(Ok(p)) => p,
        Some(Err(_)) => {
            eprintln!("usage: fake_graph [PORT]");
            std::process::exit(2);
        }
    };
    let fake = Fake::start_on(([127, 0, 0, 1], port).into());
    let sample = |name: &str| {
        let path = format!("{}/sample-flows/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let invalid = format!(
        "{}/tests/fixtures/invalid/actions__navigate_unknown_screen.json",
        env!("CARGO_MANIFEST_DIR")
    );
    fake.add_flow("Welcome", "PUBLISHED", Some(&sample("welcome.json")));
    fake.add_flow(
        "Broken draft",
        "DRAFT",
        Some(&std::fs::read_to_string(invalid).unwrap()),
    );
    fake.add_flow(
        "Loan application",
        "DRAFT",
        Some(&sample("loan_application.json")),
    );
    println!("fake Graph API on {}", fake.url);
    println!();
    println!("export WHATSAPP_ACCESS_TOKEN={TOKEN}");
    println!("export WHATSAPP_BUSINESS_ACCOUNT_ID={WABA}");
    println!("export WHATSAPP_PHONE_NUMBER_ID={PHONE}");
    println!("alias fapi='flowsim api --graph-url {}'", fake.url);
    println!();
    println!("(an expired token: {EXPIRED}; Ctrl-C stops the fake)");
    loop {
        std::thread::park();
    }
}
