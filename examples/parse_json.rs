//! The floor for the CLI timings: a process that reads a JSON file and parses it with
//! `serde_json` into a `Value`, and does nothing else.
//!
//! ```sh
//! cargo run --release --example parse_json -- target/bench-flow.json
//! ```

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_json FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => drop(std::hint::black_box(value)),
        Err(e) => {
            eprintln!("error: {path}: {e}");
            std::process::exit(1);
        }
    }
}
