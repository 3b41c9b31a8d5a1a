//! Writes the benchmarks' big flow (100 screens × 50 components, ~2 MB) to
//! `target/bench-flow.json`, or to the path given, for timing the CLI on it:
//!
//! ```sh
//! cargo run --release --example bench_flow
//! flowsim validate target/bench-flow.json
//! ```

#[path = "../benches/gen.rs"]
mod bigflow;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-flow.json").into());
    let text = bigflow::big_flow();
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("error: cannot write {path}: {e}");
        std::process::exit(2);
    }
    println!(
        "{path}: {} bytes, {} screens, last screen {}",
        text.len(),
        bigflow::SCREENS,
        bigflow::last_screen_id()
    );
}
