//! Hostile input for every way a file gets in: `flowsim validate`, `flowsim render`,
//! `flowsim test` (as the flow and as the scenario) and the preview's loading path
//! (`flowsim::tui::read_flow`).
//!
//! Each case must end in bounded time (every command runs with a 20 s timeout, so a hang is
//! a failed test, not a stuck suite) with a clear message and the documented exit code: 0
//! success, 1 an invalid flow or a failed test, 2 a usage or I/O error, and for `render`
//! (see its `--help`) 1 when the flow cannot be loaded. `tests/validate.rs` already covers
//! `validate` on a missing file, a directory, 10 MB + 1, invalid UTF-8 and deep nesting;
//! here every command gets the whole list.
//!
//! Text from a flow must never reach the terminal raw: the output of every command is
//! checked for escape sequences other than the SGR colour codes flowsim writes, C0/C1
//! control characters other than the line feed, and bidi overrides.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TIMEOUT: Duration = Duration::from_secs(20);

fn flowsim() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("flowsim");
    cmd.current_dir(ROOT)
        .env_remove("NO_COLOR")
        .env_remove("COLORFGBG")
        // The developer's own config file must not change the tests.
        .env("FLOWSIM_CONFIG", "")
        .timeout(TIMEOUT);
    cmd
}

#[derive(Debug)]
struct Out {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Out {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Exit code `code`, no panic, both streams safe for a terminal.
    fn expect(&self, code: i32, what: &str) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "{what}: exit code (None: killed after {TIMEOUT:?})\nstdout: {}\nstderr: {}",
            truncated(&self.stdout()),
            truncated(&self.stderr)
        );
        assert!(!self.stderr.contains("panicked"), "{what}: {}", self.stderr);
        assert_terminal_safe(&self.stdout, &format!("{what}: stdout"));
        assert_terminal_safe(self.stderr.as_bytes(), &format!("{what}: stderr"));
        self
    }

    fn stderr_has(&self, needle: &str, what: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "{what}: stderr lacks {needle:?}: {}",
            truncated(&self.stderr)
        );
        self
    }

    fn stdout_has(&self, needle: &str, what: &str) -> &Self {
        assert!(
            self.stdout().contains(needle),
            "{what}: stdout lacks {needle:?}: {}",
            truncated(&self.stdout())
        );
        self
    }
}

fn truncated(s: &str) -> String {
    if s.len() <= 2000 {
        return s.to_string();
    }
    let mut end = 2000;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

fn run(args: &[&str]) -> Out {
    run_with(flowsim(), args)
}

fn run_with(mut cmd: Command, args: &[&str]) -> Out {
    let out = cmd.args(args).output().expect("flowsim runs");
    Out {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The first thing in `bytes` that must not reach a terminal: anything but UTF-8, an escape
/// other than `ESC [ digits/semicolons m`, a C0/C1 control other than `\n`, DEL, or a bidi
/// formatting character.
fn unsafe_output(bytes: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Some(format!("not UTF-8 at byte {}", e.valid_up_to())),
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\u{1b}' {
            let sgr = chars.next_if(|&(_, c)| c == '[').is_some() && {
                while chars
                    .next_if(|&(_, c)| c.is_ascii_digit() || c == ';')
                    .is_some()
                {}
                chars.next_if(|&(_, c)| c == 'm').is_some()
            };
            if !sgr {
                return Some(format!("an escape sequence other than SGR at byte {i}"));
            }
            continue;
        }
        if c != '\n' && flowsim_core::text::is_unsafe_char(c) {
            let context: String = text[i.saturating_sub(40)..].chars().take(60).collect();
            return Some(format!("{c:?} at byte {i}: {context:?}"));
        }
    }
    None
}

fn assert_terminal_safe(bytes: &[u8], what: &str) {
    if let Some(problem) = unsafe_output(bytes) {
        panic!("{what}: {problem}");
    }
}

#[test]
fn the_output_checker_catches_what_it_should() {
    assert_eq!(unsafe_output(b"\x1b[0;38;2;1;2;3mok\x1b[0m\n"), None);
    for bad in [
        &b"\x1b]0;title\x07"[..],
        b"\x1b[2J",
        b"a\rb",
        b"\x07",
        b"\x7f",
        "\u{9b}2J".as_bytes(),
        "\u{202e}".as_bytes(),
        "\u{2067}".as_bytes(),
        b"\xff",
    ] {
        assert!(unsafe_output(bad).is_some(), "{bad:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The hostile files

/// Deterministic bytes that are not UTF-8 (xorshift).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    out[0] = 0xff;
    out
}

/// A minimal valid flow around `children` (one terminal screen with a Footer).
fn flow_with(children: Vec<Value>, data: Value) -> Value {
    let mut children = children;
    children.push(json!({
        "type": "Footer",
        "label": "Done",
        "on-click-action": { "name": "complete", "payload": {} }
    }));
    json!({
        "version": "7.3",
        "screens": [{
            "id": "FIRST",
            "title": "First",
            "terminal": true,
            "data": data,
            "layout": { "type": "SingleColumnLayout", "children": children }
        }]
    })
}

/// A flow whose TextBody holds a string of `len` bytes.
fn flow_with_long_string(len: usize) -> Vec<u8> {
    let text = "long text ".repeat(len / 10);
    serde_json::to_vec(&flow_with(
        vec![json!({ "type": "TextBody", "text": text })],
        json!({}),
    ))
    .expect("serialises")
}

/// Files that are not a flow at all: every command must refuse them as an invalid flow.
fn not_flows() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("blank", b"  \n\t \r\n  ".to_vec()),
        ("array", b"[1, 2, {\"version\": \"7.3\"}]".to_vec()),
        ("number", b"42".to_vec()),
        ("string", b"\"a flow\"".to_vec()),
        ("null", b"null".to_vec()),
        ("invalid UTF-8", b"{\"version\": \"7.3\xff\"}".to_vec()),
        ("random bytes", random_bytes(4096)),
        (
            "200,000-deep nesting",
            format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)).into_bytes(),
        ),
        (
            "200,000-deep objects",
            format!("{}1{}", "{\"a\":".repeat(200_000), "}".repeat(200_000)).into_bytes(),
        ),
    ]
}

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.display().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// A scenario running `flow` (relative to the scenario) with no steps.
    fn scenario_for(&self, flow: &str) -> String {
        self.write(
            "hostile.test.json",
            json!({ "flow": flow, "tests": [{ "name": "opens", "steps": [] }] })
                .to_string()
                .as_bytes(),
        )
    }
}

/// `read_flow` refuses the file with a finding whose code is `code` and whose message holds
/// `needle`; in bounded time.
fn read_flow_refuses(path: &str, code: &str, needle: &str, what: &str) {
    let started = Instant::now();
    let result = flowsim::tui::read_flow(Path::new(path));
    assert!(
        started.elapsed() < TIMEOUT,
        "{what}: read_flow took too long"
    );
    let findings = match result {
        Ok((_, findings)) => panic!("{what}: read_flow loaded it ({} findings)", findings.len()),
        Err(findings) => findings,
    };
    assert!(
        findings
            .iter()
            .any(|f| f.code == code && f.message.contains(needle)),
        "{what}: no {code} finding with {needle:?}: {:?}",
        findings
            .iter()
            .map(|f| (f.code, &f.message))
            .collect::<Vec<_>>()
    );
}

#[test]
fn files_that_are_not_flows_are_invalid_for_every_command() {
    let dir = Dir::new();
    for (i, (what, bytes)) in not_flows().into_iter().enumerate() {
        let name = format!("hostile{i}.json");
        let path = dir.write(&name, &bytes);
        let scenario = dir.scenario_for(&name);

        for format in ["human", "json", "github"] {
            run(&["validate", "--color", "always", "--format", format, &path])
                .expect(1, &format!("validate --format {format} {what}"))
                .stdout_has("INVALID_FLOW_JSON", what);
        }
        for color in ["always", "never"] {
            run(&["render", "--color", color, &path])
                .expect(1, &format!("render --color {color} {what}"))
                .stderr_has("INVALID_FLOW_JSON", what);
        }
        // As the flow of a scenario, named by the scenario and by --flow.
        run(&["test", "--color", "always", &scenario])
            .expect(2, &format!("test (flow) {what}"))
            .stderr_has("error: ", what);
        run(&["test", "--flow", &path, &scenario])
            .expect(2, &format!("test --flow {what}"))
            .stderr_has("error: ", what);
        // As the scenario itself.
        run(&["test", &path])
            .expect(2, &format!("test (scenario) {what}"))
            .stderr_has("error: ", what);

        read_flow_refuses(&path, "INVALID_FLOW_JSON", "", what);
    }
}

#[test]
fn standard_input_that_is_not_a_flow_is_invalid() {
    for (what, bytes) in not_flows() {
        let mut cmd = flowsim();
        cmd.write_stdin(bytes);
        run_with(cmd, &["validate", "--format", "json", "-"])
            .expect(1, &format!("validate - {what}"))
            .stdout_has("INVALID_FLOW_JSON", what);
    }
}

#[test]
fn a_missing_file_is_an_io_error_for_every_command() {
    let dir = Dir::new();
    let missing = dir.path("missing.json");
    let scenario = dir.scenario_for("missing.json");
    run(&["validate", &missing])
        .expect(2, "validate")
        .stderr_has("no such file", "validate");
    run(&["render", &missing])
        .expect(2, "render")
        .stderr_has("no such file", "render");
    for cmd in ["graph", "lint"] {
        run(&[cmd, &missing])
            .expect(2, cmd)
            .stderr_has("no such file", cmd);
    }
    run(&["diff", &missing, &missing])
        .expect(2, "diff")
        .stderr_has("no such file", "diff");
    run(&["test", &scenario])
        .expect(2, "test (flow)")
        .stderr_has("no such file", "test (flow)");
    run(&["test", &missing])
        .expect(2, "test (scenario)")
        .stderr_has("no such file", "test (scenario)");
    read_flow_refuses(&missing, "IO", "no such file", "read_flow");
}

#[test]
fn a_directory_is_an_io_error_for_every_command() {
    let dir = Dir::new();
    std::fs::create_dir(dir.dir.path().join("flow.json")).expect("mkdir");
    let path = dir.path("flow.json");
    let scenario = dir.scenario_for("flow.json");
    run(&["validate", &path])
        .expect(2, "validate")
        .stderr_has("is a directory", "validate");
    run(&["render", &path])
        .expect(2, "render")
        .stderr_has("is a directory", "render");
    for cmd in ["graph", "lint"] {
        run(&[cmd, &path])
            .expect(2, cmd)
            .stderr_has("is a directory", cmd);
    }
    run(&["diff", &path, &path])
        .expect(2, "diff")
        .stderr_has("is a directory", "diff");
    run(&["test", &scenario])
        .expect(2, "test (flow)")
        .stderr_has("is a directory", "test (flow)");
    run(&["test", &path])
        .expect(2, "test (scenario)")
        .stderr_has("is a directory", "test (scenario)");
    read_flow_refuses(&path, "IO", "is a directory", "read_flow");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_io_error_for_every_command() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    let sample = std::fs::read(Path::new(ROOT).join("sample-flows/welcome.json")).expect("sample");
    let path = dir.write("flow.json", &sample);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::File::open(&path).is_ok() {
        // Root (or a capability) reads it anyway: nothing to test here.
        eprintln!("skipped: a file with mode 000 is still readable by this user");
        return;
    }
    let scenario = dir.scenario_for("flow.json");
    run(&["validate", &path])
        .expect(2, "validate")
        .stderr_has("permission denied", "validate");
    run(&["render", &path])
        .expect(2, "render")
        .stderr_has("permission denied", "render");
    run(&["test", &scenario])
        .expect(2, "test (flow)")
        .stderr_has("permission denied", "test (flow)");
    run(&["test", &path])
        .expect(2, "test (scenario)")
        .stderr_has("ermission denied", "test (scenario)");
    read_flow_refuses(&path, "IO", "permission denied", "read_flow");
}

/// A sparse file of 4 GiB: reading it whole would take far longer than the timeout (and
/// 4 GiB of memory), so finishing in time shows it was refused after the first 10 MB.
#[test]
fn a_file_over_10_mb_is_refused_before_being_read_whole_by_every_command() {
    let dir = Dir::new();
    let path = dir.path("huge.json");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(4 << 30).expect("a sparse file");
    drop(file);
    let scenario = dir.scenario_for("huge.json");

    run(&["validate", &path])
        .expect(1, "validate")
        .stdout_has("10 MB", "validate");
    run(&["render", &path])
        .expect(1, "render")
        .stderr_has("10 MB", "render");
    run(&["test", &scenario])
        .expect(2, "test (flow)")
        .stderr_has("10 MB", "test (flow)");
    run(&["test", "--flow", &path, &scenario])
        .expect(2, "test --flow")
        .stderr_has("10 MB", "test --flow");
    run(&["test", &path])
        .expect(2, "test (scenario)")
        .stderr_has("10 MB", "test (scenario)");
    // A mock file too.
    let sample_scenario = Path::new(ROOT).join("sample-flows/loan_application.test.json");
    run(&[
        "test",
        "--mock",
        &path,
        &sample_scenario.display().to_string(),
    ])
    .expect(2, "test --mock")
    .stderr_has("10 MB", "test --mock");
    read_flow_refuses(&path, "INVALID_FLOW_JSON", "10 MB", "read_flow");
}

#[test]
fn a_5_mb_string_value_is_handled_in_bounded_time() {
    let dir = Dir::new();
    let path = dir.write("long.json", &flow_with_long_string(5 << 20));
    let scenario = dir.scenario_for("long.json");
    // Over the TextBody limit: invalid, reported without printing the 5 MB line whole.
    let out = run(&["validate", "--color", "never", &path]);
    out.expect(1, "validate").stdout_has("error[", "validate");
    assert!(
        out.stdout.len() < 1 << 20,
        "the report is {} bytes",
        out.stdout.len()
    );
    run(&["validate", "--format", "json", &path]).expect(1, "validate --format json");
    // It still loads: render draws it and a scenario runs it.
    for color in ["always", "never"] {
        let out = run(&["render", "--color", color, &path]);
        out.expect(0, &format!("render --color {color}"))
            .stdout_has("long text", "render");
        // As tall as a buffer can be: the height once wrapped around to a few rows.
        assert_eq!(
            out.stdout().lines().count(),
            usize::from(u16::MAX),
            "{color}"
        );
    }
    let out = run(&["render", "--height", "40", &path]);
    out.expect(0, "render --height 40");
    assert_eq!(out.stdout().lines().count(), 40);
    run(&["test", &scenario])
        .expect(0, "test")
        .stderr_has("validation error", "test");
    let started = Instant::now();
    let (_, findings) = flowsim::tui::read_flow(Path::new(&path))
        .unwrap_or_else(|_| panic!("an object with errors still loads"));
    assert!(started.elapsed() < TIMEOUT);
    assert!(!findings.is_empty());
}

/// While a writer thread keeps rewriting the file (valid, truncated, empty, invalid, long),
/// `validate` and `read_flow` read whatever is there at the moment: never a panic, always a
/// verdict.
#[test]
fn a_file_rewritten_while_being_read_never_panics() {
    let dir = Dir::new();
    let sample = std::fs::read(Path::new(ROOT).join("sample-flows/welcome.json")).expect("sample");
    let path = dir.write("flow.json", &sample);
    let versions: Vec<Vec<u8>> = vec![
        sample.clone(),
        sample[..sample.len() / 2].to_vec(),
        Vec::new(),
        b"[1, 2".to_vec(),
        random_bytes(2048),
        flow_with_long_string(200_000),
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = Arc::clone(&stop);
        let path = PathBuf::from(&path);
        std::thread::spawn(move || {
            let mut rewrites = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for v in &versions {
                    // Truncate, then write in pieces, so readers see partial files too.
                    let mut f = std::fs::File::create(&path).expect("rewrite");
                    for chunk in v.chunks(4096) {
                        std::io::Write::write_all(&mut f, chunk).expect("write");
                    }
                    rewrites += 1;
                }
            }
            rewrites
        })
    };
    for i in 0..40 {
        let out = run(&["validate", "--format", "json", &path]);
        assert!(
            matches!(out.code, Some(0 | 1)),
            "run {i}: exit {:?}: {}",
            out.code,
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("run {i}: one JSON report ({e}): {}", out.stdout()));
        assert!(report["valid"].is_boolean());
        for _ in 0..5 {
            let _ = flowsim::tui::read_flow(Path::new(&path));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let rewrites = writer.join().expect("the writer does not panic");
    assert!(rewrites > 0);
}

// ---------------------------------------------------------------------------------------
// Control and bidi characters in flow texts

/// Every kind of character that must not reach a terminal raw.
const BAD: &str = "\u{1b}[31mred\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}evil\u{2066}x\u{2069}\u{200f}\u{9b}2J\u{0}\u{7f}\r\u{8}\t.";

fn hostile_text_flow() -> Value {
    let bad = |prefix: &str| format!("{prefix} {BAD}");
    let data = json!({
        "message": { "type": "string", "__example__": bad("data") },
        "choices": {
            "type": "array",
            "items": { "type": "object", "properties": {
                "id": { "type": "string" }, "title": { "type": "string" } } },
            "__example__": [{ "id": "x", "title": bad("dynamic option") }]
        }
    });
    let mut flow = flow_with(
        vec![
            json!({ "type": "TextHeading", "text": bad("heading") }),
            json!({ "type": "TextSubheading", "text": bad("subheading") }),
            json!({ "type": "TextBody", "markdown": true,
                    "text": [bad("**bold**"), format!("[link {BAD}](https://example.com/{BAD})")] }),
            json!({ "type": "TextCaption", "text": "${data.message}" }),
            json!({ "type": "TextBody", "text": format!("`'nested ' ${{data.message}} ' {}'`", BAD.replace('\u{1b}', "")) }),
            json!({ "type": "TextInput", "name": "name", "label": bad("label"),
                    "helper-text": bad("helper"), "error-message": bad("error message"),
                    "init-value": bad("value") }),
            json!({ "type": "TextArea", "name": "notes", "label": bad("area"),
                    "init-value": bad("notes") }),
            json!({ "type": "RadioButtonsGroup", "name": "pick", "label": bad("radio"),
                    "data-source": [{ "id": "a", "title": bad("option"),
                                      "description": bad("description") }] }),
            json!({ "type": "CheckboxGroup", "name": "many", "label": bad("checkbox"),
                    "data-source": "${data.choices}" }),
            json!({ "type": "Dropdown", "name": "drop", "label": bad("dropdown"),
                    "data-source": [{ "id": "a", "title": bad("drop option") }] }),
            json!({ "type": "OptIn", "name": "agree", "label": bad("opt-in") }),
            json!({ "type": "EmbeddedLink", "text": bad("embedded"),
                    "on-click-action": { "name": "open_url", "url": "https://example.com" } }),
        ],
        data,
    );
    flow["screens"][0]["title"] = json!(bad("title"));
    flow["screens"][0]["layout"]["children"]
        .as_array_mut()
        .expect("children")
        .last_mut()
        .expect("the footer")["label"] = json!(bad("footer"));
    flow
}

fn rich_text_flow() -> Value {
    let bad = |prefix: &str| format!("{prefix} {BAD}");
    let mut flow = flow_with(
        vec![json!({ "type": "RichText", "text": [
            format!("# {}", bad("heading")),
            format!("## {}", bad("subheading")),
            bad("paragraph with **bold** and a [link](https://example.com)"),
            format!("| {} | b |", bad("head")),
            "| --- | --- |".to_string(),
            format!("| {} | {} |", bad("cell"), bad("cell")),
            format!("- {}", bad("item")),
            format!("1. {}", bad("numbered")),
            format!("![{}](data:image/png;base64,AAAA)", bad("alt")),
        ] })],
        json!({}),
    );
    // RichText stands alone on its screen (no Footer before 6.3).
    flow["screens"][0]["layout"]["children"]
        .as_array_mut()
        .expect("children")
        .pop();
    flow["screens"][0]["title"] = json!(bad("title"));
    flow
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal_from_render() {
    let dir = Dir::new();
    for (name, flow) in [
        ("texts", hostile_text_flow()),
        ("richtext", rich_text_flow()),
    ] {
        let path = dir.write(&format!("{name}.json"), flow.to_string().as_bytes());
        for color in ["always", "never"] {
            for theme in ["light", "dark"] {
                let out = run(&[
                    "render", "--color", color, "--theme", theme, "--width", "50", &path,
                ]);
                out.expect(0, &format!("render {name} --color {color} --theme {theme}"));
                // The text is there, minus what was dangerous.
                out.stdout_has("title", name).stdout_has("red", name);
            }
        }
        // A fixed height cuts the screen: still safe.
        run(&["render", "--height", "12", "--color", "always", &path])
            .expect(0, &format!("render {name} --height 12"));
    }
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal_from_validate() {
    let dir = Dir::new();
    // Decoded from JSON escapes: into messages that quote names, keys and values.
    let mut flow = hostile_text_flow();
    flow["screens"][0]["id"] = json!(format!("ID{BAD}"));
    flow["screens"][0][format!("key{BAD}")] = json!(1);
    flow["screens"][0]["layout"]["children"][0]["type"] = json!(format!("Type{BAD}"));
    flow["screens"][0]["layout"]["children"][1]["text"] = json!(format!("${{data.x{BAD}}}"));
    let escaped = dir.write("escaped.json", flow.to_string().as_bytes());
    // Written raw: JSON allows DEL, C1 controls and bidi characters inside strings, and the
    // human report quotes source lines. Raw C0 controls are syntax errors, quoted too.
    let raw_string = dir.write(
        "raw_string.json",
        "{\n  \"version\": \"7.3\u{202e}\u{9b}2J\u{7f}\u{2066}\",\n  \"screens\": []\n}\n"
            .as_bytes(),
    );
    let raw_control = dir.write(
        "raw_control.json",
        b"{\n  \"version\": \"7.3\x1b]0;pwned\x07\x1b[2J\",\n  \"screens\": []\n}\n",
    );
    let raw_outside = dir.write("raw_outside.json", b"{\"version\": 1\x1b[2J\r\x08}\n");
    for path in [&escaped, &raw_string, &raw_control, &raw_outside] {
        for color in ["always", "never"] {
            run(&["validate", "--color", color, path]).expect(1, &format!("validate {path}"));
        }
        run(&["validate", "--format", "github", path]).expect(1, &format!("github {path}"));
        // JSON escapes C0 controls itself; C1 controls and bidi characters are checked too.
        let out = run(&["validate", "--format", "json", path]);
        out.expect(1, &format!("json {path}"));
        serde_json::from_slice::<Value>(&out.stdout).expect("one JSON report");
        render_or_refuse(path);
    }
}

fn render_or_refuse(path: &str) {
    let out = run(&["render", "--color", "always", path]);
    assert!(matches!(out.code, Some(0 | 1)), "render {path}: {out:?}");
    out.expect(out.code.unwrap_or(-1), &format!("render {path}"));
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal_from_test() {
    let dir = Dir::new();
    dir.write("flow.json", hostile_text_flow().to_string().as_bytes());
    // A failing expectation prints what the screen shows, and the names come from the
    // scenario (untrusted too).
    let scenario = json!({
        "flow": "flow.json",
        "tests": [
            { "name": format!("name {BAD}"),
              "steps": [ { "expect": { "screen": format!("S{BAD}"), "text": [format!("missing {BAD}")] } } ] },
            { "name": "fill", "steps": [ { "fill": { format!("nobody{BAD}"): "x" } } ] },
            { "name": "tap", "steps": [ { "tap": format!("link{BAD}") } ] },
            { "name": "form", "steps": [ { "expect": { "form": { "name": format!("v{BAD}") } } } ] },
        ]
    });
    let path = dir.write("hostile.test.json", scenario.to_string().as_bytes());
    for color in ["always", "never"] {
        run(&["test", "--color", color, &path])
            .expect(1, &format!("test --color {color}"))
            .stdout_has("0 passed, 4 failed", "test");
    }
    let out = run(&["test", "--format", "json", &path]);
    out.expect(1, "test --format json");
    for line in out.stdout().lines() {
        serde_json::from_str::<Value>(line).expect("a JSON line");
    }
}

// ---------------------------------------------------------------------------------------
// Huge images

/// PNG bytes whose header claims `width` × `height` (with one row of real data).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A stored (uncompressed) zlib stream of a few zero bytes.
    chunk(
        &mut png,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0, 4, 0, 1,
        ],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Runs `flowsim` under an address-space limit, so a huge allocation fails the run instead
/// of succeeding slowly.
fn run_limited(args: &[&str], limit_kb: u64) -> Out {
    let mut cmd = Command::new("sh");
    cmd.current_dir(ROOT)
        .env_remove("NO_COLOR")
        .timeout(TIMEOUT)
        .arg("-c")
        .arg(format!("ulimit -v {limit_kb} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_flowsim"));
    run_with(cmd, args)
}

#[cfg(unix)]
#[test]
fn huge_images_render_quickly_in_little_memory() {
    let dir = Dir::new();
    let claims_huge = base64(&png_claiming(100_000, 100_000));
    // 8 MiB of base64 (just at the limit) and just over it; neither is a picture.
    let eight_mb = "QUFB".repeat(2 << 20);
    let over = format!("{eight_mb}QUFB");
    let image =
        |src: &str| json!({ "type": "Image", "src": src, "height": 12, "alt-text": "a picture" });
    let carousel = |src: &str| {
        json!({ "type": "ImageCarousel", "images": [
            { "src": src, "alt-text": "one" }, { "src": src, "alt-text": "two" } ] })
    };
    let cases = [
        (
            "100000x100000 header",
            flow_with(vec![image(&claims_huge)], json!({})),
        ),
        (
            "100000x100000 carousel",
            flow_with(vec![carousel(&claims_huge)], json!({})),
        ),
        (
            "100000x100000 data URI",
            flow_with(
                vec![image(&format!("data:image/png;base64,{claims_huge}"))],
                json!({}),
            ),
        ),
        ("8 MB base64", flow_with(vec![image(&eight_mb)], json!({}))),
        ("8 MB + 4 base64", flow_with(vec![image(&over)], json!({}))),
    ];
    for (what, flow) in cases {
        let path = dir.write("image.json", flow.to_string().as_bytes());
        for color in ["always", "never"] {
            let started = Instant::now();
            let out = run_limited(&["render", "--color", color, &path], 2 << 20);
            out.expect(0, &format!("render {what} --color {color}"));
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{what}: {:?}",
                started.elapsed()
            );
        }
        let out = run_limited(&["validate", "--format", "json", &path], 2 << 20);
        assert!(matches!(out.code, Some(0 | 1)), "validate {what}: {out:?}");
        out.expect(out.code.unwrap_or(-1), &format!("validate {what}"));
    }
}

// ---------------------------------------------------------------------------------------
// Pathological expressions

#[test]
fn pathological_expressions_in_visible_and_text_are_answered_in_bounded_time() {
    let dir = Dir::new();
    let data = json!({ "x": { "type": "string", "__example__": "ab" },
                       "show": { "type": "boolean", "__example__": true } });
    let deep = format!(
        "`{}${{data.show}}{}`",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let members = format!("`{}`", vec!["${data.x}"; 100_000].join(" "));
    let literal_members = format!("`{}`", vec!["'a'"; 100_000].join(" "));
    // Too deep is invalid; 100k members is a valid (if silly) string, but not a boolean.
    let cases = [
        (
            "10k parentheses in visible",
            json!({ "type": "TextBody", "text": "shown", "visible": deep }),
            1,
        ),
        (
            "10k parentheses in text",
            json!({ "type": "TextBody", "text": deep }),
            1,
        ),
        (
            "100k references in text",
            json!({ "type": "TextBody", "text": members }),
            0,
        ),
        (
            "100k literals in a heading",
            json!({ "type": "TextHeading", "text": literal_members }),
            0,
        ),
        (
            "100k references in visible",
            json!({ "type": "TextBody", "text": "shown", "visible": members }),
            1,
        ),
    ];
    for (what, component, valid_code) in cases {
        let flow = flow_with(vec![component], data.clone());
        let path = dir.write("expr.json", flow.to_string().as_bytes());
        let scenario = dir.scenario_for("expr.json");
        let out = run(&["validate", "--format", "json", &path]);
        out.expect(valid_code, &format!("validate {what}"));
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["valid"], valid_code == 0, "{what}");
        for color in ["always", "never"] {
            run(&["render", "--color", color, &path])
                .expect(0, &format!("render {what} --color {color}"));
        }
        run(&["test", &scenario]).expect(0, &format!("test {what}"));
        let started = Instant::now();
        let _ = flowsim::tui::read_flow(Path::new(&path));
        assert!(started.elapsed() < TIMEOUT, "read_flow {what}");
    }
}
