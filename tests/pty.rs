//! End-to-end tests of the interactive previewer: the real `flowsim` binary runs in a
//! pseudo-terminal (`portable-pty`), its output is fed into a terminal emulator (`vt100`), and
//! the tests type keys and read the screen the way a person would. Nothing has to be
//! installed for them (no tmux, no terminal).
//!
//! Every wait has a deadline and a running child is killed when its harness is dropped, so a
//! broken build fails with the screen it was stuck on instead of hanging.

#![cfg(unix)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_flowsim");
const WELCOME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-flows/welcome.json");
const ROWS: u16 = 40;
const COLS: u16 = 100;
/// How long any one expectation may take. Generous: CI is a small, possibly loaded machine.
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);

/// Keys as a terminal sends them.
mod key {
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const ENTER: &str = "\r";
    pub const SPACE: &str = " ";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const CTRL_C: &str = "\x03";
    pub const F3: &str = "\x1bOR";
}

/// What the reader thread shares with the test.
struct Output {
    parser: vt100::Parser,
    /// Everything the program wrote, for checks on raw escape sequences.
    raw: Vec<u8>,
    /// The program's side of the terminal is closed: no more output will come.
    closed: bool,
}

/// The program running in a pseudo-terminal.
struct Tui {
    output: Arc<Mutex<Output>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    status: Option<ExitStatus>,
}

impl Tui {
    /// Starts `flowsim ARGS` in `dir` in a 100x40 terminal.
    fn spawn(dir: &Path, args: &[&str]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        assert_eq!(
            cooked(&*pair.master),
            Some(true),
            "a new pseudo-terminal should start in cooked mode (canonical input, echo)"
        );
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("COLORFGBG");
        // The developer's own config file (keys, device, theme) must not change the tests.
        cmd.env("FLOWSIM_CONFIG", "");
        let child = pair.slave.spawn_command(cmd).expect("start flowsim");
        // Only the child holds the terminal's other side now, so reads end when it exits.
        drop(pair.slave);

        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
            raw: Vec::new(),
            closed: false,
        }));
        let mut reader = pair
            .master
            .try_clone_reader()
            .expect("read the pseudo-terminal");
        let shared = Arc::clone(&output);
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut out = lock(&shared);
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // EIO once the child has exited and closed its side.
                    Err(_) => break,
                }
            }
            lock(&shared).closed = true;
        });
        let writer = pair
            .master
            .take_writer()
            .expect("write to the pseudo-terminal");
        Tui {
            output,
            writer,
            child,
            master: pair.master,
            status: None,
        }
    }

    /// Types keys.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("send keys");
        self.writer.flush().expect("send keys");
    }

    /// Presses Esc alone: a key right after it would be read as Alt+key.
    fn send_esc(&mut self) {
        thread::sleep(Duration::from_millis(150));
        self.send("\x1b");
        thread::sleep(Duration::from_millis(150));
    }

    /// The screen as text, one line a row.
    fn screen(&self) -> String {
        lock(&self.output).parser.screen().contents()
    }

    /// The top row: ` flowsim  FILE  SCREEN ✓ valid  NOTICE`.
    fn status_line(&self) -> String {
        self.screen().lines().next().unwrap_or_default().to_string()
    }

    /// Waits until `what` is on the screen.
    fn wait_for(&mut self, what: &str) {
        self.wait_until(&format!("{what:?} on the screen"), |screen| {
            screen.contains(what)
        });
    }

    /// Waits until every one of `all` is on the screen.
    fn wait_for_all(&mut self, all: &[&str]) -> String {
        self.wait_until(&format!("all of {all:?} on the screen"), |s| {
            all.iter().all(|w| s.contains(w))
        })
    }

    /// Waits until the screen satisfies `ok`; fails with the screen when it does not in time,
    /// or as soon as the program has exited.
    fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let (screen, closed) = {
                let out = lock(&self.output);
                (out.parser.screen().contents(), out.closed)
            };
            if ok(&screen) {
                return screen;
            }
            if closed || Instant::now() >= deadline {
                let why = if closed {
                    let status = self.child.try_wait().ok().flatten();
                    format!("flowsim exited ({status:?})")
                } else {
                    format!("timed out after {TIMEOUT:?}")
                };
                panic!(
                    "waiting for {what}: {why}; the screen was:\n{}",
                    dump(&screen)
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits for the program to exit and for the last of its output to be read.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll flowsim") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "flowsim did not exit within {TIMEOUT:?}; the screen was:\n{}",
                    dump(&self.screen())
                );
            }
            thread::sleep(POLL);
        };
        self.status = Some(status.clone());
        while !lock(&self.output).closed {
            assert!(
                Instant::now() < deadline,
                "the terminal stayed open after flowsim exited"
            );
            thread::sleep(POLL);
        }
        status
    }

    /// The text inside the text field under `label` (the row below its titled top border).
    fn field(&self, label: &str) -> Option<String> {
        field_value(&self.screen(), label)
    }

    fn raw_output(&self) -> Vec<u8> {
        lock(&self.output).raw.clone()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            // SIGHUP, then SIGKILL if it is still there shortly after.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has rows and columns")
}

fn lock(output: &Mutex<Output>) -> MutexGuard<'_, Output> {
    // A panicking test thread must not hide the screen from the others.
    output.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the terminal is in cooked mode (canonical input and echo), as a shell expects it.
fn cooked(master: &dyn MasterPty) -> Option<bool> {
    let termios = master.get_termios()?;
    let on = |flag: &str| {
        termios
            .local_flags
            .iter_names()
            .any(|(name, _)| name == flag)
    };
    Some(on("ICANON") && on("ECHO"))
}

/// The screen with row numbers, for failure messages.
fn dump(screen: &str) -> String {
    screen
        .lines()
        .enumerate()
        .map(|(i, line)| format!("{i:2}|{line}\n"))
        .collect()
}

/// The text inside a text field: the row below `╭─ LABEL ─…╮` reads `│ │ TEXT   │ │`.
fn field_value(screen: &str, label: &str) -> Option<String> {
    let title = format!("╭─ {label} ");
    let mut lines = screen.lines().skip_while(|line| !line.contains(&title));
    let top = lines.next()?;
    let start = top.find(&title)?;
    let row = lines.next()?;
    // The field's box starts where its title does; its left border is the `│` there.
    let column = top[..start].chars().count();
    let inside: String = row.chars().skip(column + 1).collect();
    let text = inside.split('│').next()?;
    Some(text.trim().to_string())
}

/// Whether `text` holds `NAME:LINE:COLUMN`, with digits for both numbers.
fn has_location(text: &str, name: &str) -> bool {
    text.match_indices(&format!("{name}:")).any(|(at, found)| {
        let rest = &text[at + found.len()..];
        let mut parts = rest.splitn(3, ':');
        let digits = |s: Option<&str>| {
            s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let line = parts.next();
        let column = parts
            .next()
            .map(|s| s.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""));
        digits(line) && digits(column)
    })
}

/// A temporary folder holding a copy of the welcome sample as `welcome.json`.
fn welcome_copy() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("welcome.json");
    std::fs::copy(WELCOME, &path).expect("copy the welcome sample");
    (dir, path)
}

/// Saves the way editors that write a new file and rename it over the old one do.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("json.tmp-save");
    std::fs::write(&tmp, text).expect("write the new version");
    std::fs::rename(&tmp, path).expect("rename it over the flow");
}

/// Saves in place, the way editors that truncate and rewrite the file do.
fn save_in_place(path: &Path, text: &str) {
    std::fs::write(path, text).expect("rewrite the flow");
}

/// Runs `flowsim ARGS` without a terminal; returns (exit code, stdout, stderr).
fn run_plain(args: &[&Path]) -> (Option<i32>, String, String) {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .env_remove("COLORFGBG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start flowsim");
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().expect("poll flowsim").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("flowsim {args:?} did not exit within {TIMEOUT:?}");
        }
        thread::sleep(POLL);
    }
    let output = child.wait_with_output().expect("collect flowsim's output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// From the name field of WELCOME (with its radio group answered), to INTERESTS.
fn continue_from_welcome(tui: &mut Tui) {
    // The name field, then the four options of the radio group, then the footer button.
    tui.send(&key::TAB.repeat(5));
    tui.wait_for("▸ Continue ◂");
    tui.send(key::ENTER);
    tui.wait_for("INTERESTS ✓ valid");
    tui.wait_for("What brings you here?");
}

#[test]
fn fill_in_complete_and_quit_restores_the_terminal() {
    let (dir, _) = welcome_copy();
    let mut tui = Tui::spawn(dir.path(), &["welcome.json"]);
    tui.wait_for(" flowsim  welcome.json  WELCOME ✓ valid");
    tui.wait_for("Hello from flowsim");
    assert_eq!(
        tui.field("Your first name").as_deref(),
        Some(""),
        "{}",
        dump(&tui.screen())
    );
    assert_eq!(
        cooked(&*tui.master),
        Some(false),
        "the preview should put the terminal in raw mode"
    );
    assert!(
        lock(&tui.output).parser.screen().alternate_screen(),
        "the preview should use the alternate screen"
    );

    // The name field has the focus: typing goes into it, Enter moves on to the radio group.
    tui.send("Ada");
    tui.wait_until("the name field to read Ada", |s| {
        field_value(s, "Your first name").as_deref() == Some("Ada")
    });
    tui.send(key::ENTER);
    tui.wait_for("▌ ○ Developer");
    tui.send(key::SPACE);
    tui.wait_for("▌ ◉ Developer");
    // The arrows move the focus too; moving does not change the answer.
    tui.send(key::DOWN);
    tui.wait_for("▌ ○ Designer");
    assert!(
        tui.screen().contains("◉ Developer"),
        "{}",
        dump(&tui.screen())
    );
    tui.send(key::UP);
    tui.wait_for("▌ ◉ Developer");
    tui.send(key::BACKTAB);
    tui.wait_until("the focus back on the name field", |s| {
        !s.contains('▌') && s.contains("◉ Developer") && s.contains("type  edit")
    });

    continue_from_welcome(&mut tui);

    // Esc goes back, and what was answered is still there.
    tui.send_esc();
    tui.wait_for("WELCOME ✓ valid");
    let screen = tui.wait_until("the radio answer after going back", |s| {
        s.contains("◉ Developer")
    });
    assert_eq!(
        field_value(&screen, "Your first name").as_deref(),
        Some("Ada"),
        "{}",
        dump(&screen)
    );
    continue_from_welcome(&mut tui);

    tui.wait_for("▌ ☐ Previewing screens");
    tui.send(key::SPACE);
    tui.wait_for("▌ ☑ Previewing screens");
    // Four checkboxes and the opt-in, then the footer button.
    tui.send(&key::TAB.repeat(5));
    tui.wait_for("▸ Continue ◂");
    tui.send(key::ENTER);

    tui.wait_for("SUMMARY ✓ valid");
    tui.wait_for("Nice to meet you, Ada!");
    // The Switch on the role shows the developer's tip.
    tui.wait_for("Tip: validate your Flow JSON");
    tui.wait_for("▸ Finish ◂");
    tui.send(key::ENTER);
    tui.wait_for("Response sent");
    let screen = tui.wait_for_all(&[r#""name": "Ada""#, r#""role": "developer""#, r#""preview""#]);
    assert!(
        !screen.contains(r#""validate""#),
        "only the ticked feature is sent:\n{}",
        dump(&screen)
    );

    tui.send(key::CTRL_C);
    let status = tui.wait_exit();
    assert!(
        status.success(),
        "Ctrl-C should quit with status 0, got {status:?}"
    );
    assert_eq!(status.exit_code(), 0);

    let screen = lock(&tui.output).parser.screen().clone();
    assert!(
        !screen.alternate_screen(),
        "left in the alternate screen:\n{}",
        dump(&screen.contents())
    );
    assert!(!screen.hide_cursor(), "the cursor was left hidden");
    assert!(!screen.bracketed_paste(), "bracketed paste was left on");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture was left on"
    );
    assert_eq!(
        cooked(&*tui.master),
        Some(true),
        "raw mode was left on: the shell would not echo"
    );
    // The last thing the alternate screen saw is leaving it.
    let raw = tui.raw_output();
    let enter = rfind(&raw, b"\x1b[?1049h").expect("flowsim never entered the alternate screen");
    assert!(
        rfind(&raw, b"\x1b[?1049l").is_some_and(|leave| leave > enter),
        "flowsim did not leave the alternate screen at the end"
    );
}

#[test]
fn live_reload_keeps_typed_values_and_survives_a_broken_save() {
    let (dir, path) = welcome_copy();
    let original = std::fs::read_to_string(&path).expect("read the copy");
    assert!(original.contains("Hello from flowsim"));
    let mut tui = Tui::spawn(dir.path(), &["welcome.json"]);
    tui.wait_for("WELCOME ✓ valid");
    tui.wait_for("Hello from flowsim");
    tui.send("Ada");
    tui.wait_until("the name field to read Ada", |s| {
        field_value(s, "Your first name").as_deref() == Some("Ada")
    });

    // A changed heading shows up; the typed name stays.
    save_by_rename(
        &path,
        &original.replace("Hello from flowsim", "Hello again"),
    );
    let screen = tui.wait_until("the new heading", |s| {
        s.contains("Hello again") && !s.contains("Hello from flowsim")
    });
    assert_eq!(
        field_value(&screen, "Your first name").as_deref(),
        Some("Ada"),
        "{}",
        dump(&screen)
    );
    assert!(
        tui.status_line().contains("WELCOME ✓ valid"),
        "{}",
        dump(&screen)
    );
    // Still typing into the same field.
    tui.send("x");
    tui.wait_until("the name field to read Adax", |s| {
        field_value(s, "Your first name").as_deref() == Some("Adax")
    });

    // A save that is not JSON is shown with its location; the last good version stays.
    let again = original.replace("Hello from flowsim", "Hello again");
    let half = (0..=again.len() / 2)
        .rev()
        .find(|&i| again.is_char_boundary(i))
        .unwrap_or(0);
    save_in_place(&path, &again[..half]);
    let screen = tui.wait_until("the findings of the broken save", |s| {
        s.contains("last save not loaded") && has_location(s, "welcome.json")
    });
    assert!(
        screen.contains("Hello again"),
        "the last good version should stay:\n{}",
        dump(&screen)
    );
    assert_eq!(
        field_value(&screen, "Your first name").as_deref(),
        Some("Adax"),
        "{}",
        dump(&screen)
    );
    assert!(
        tui.status_line().contains('✗'),
        "the status line should flag the broken save:\n{}",
        dump(&screen)
    );
    // ... and stays usable.
    tui.send(key::TAB);
    tui.wait_for("▌ ○ Developer");
    tui.send(key::SPACE);
    tui.wait_for("▌ ◉ Developer");
    assert!(
        tui.screen().contains("last save not loaded"),
        "{}",
        dump(&tui.screen())
    );

    // Fixing the file brings the new version in and the box goes away; answers stay.
    save_in_place(
        &path,
        &original.replace("Hello from flowsim", "Hello once more"),
    );
    let screen = tui.wait_until("the fixed version without the findings box", |s| {
        s.contains("Hello once more") && !s.contains("last save not loaded")
    });
    assert!(
        tui.status_line().contains("WELCOME ✓ valid"),
        "{}",
        dump(&screen)
    );
    assert!(!has_location(&screen, "welcome.json"), "{}", dump(&screen));
    assert_eq!(
        field_value(&screen, "Your first name").as_deref(),
        Some("Adax"),
        "{}",
        dump(&screen)
    );
    assert!(screen.contains("◉ Developer"), "{}", dump(&screen));
}

#[test]
fn q_and_question_mark_type_in_a_text_field_and_act_outside_it() {
    let (dir, _) = welcome_copy();
    let mut tui = Tui::spawn(dir.path(), &["welcome.json"]);
    tui.wait_for("WELCOME ✓ valid");

    // In the name field they are just letters.
    tui.send("q?");
    tui.wait_until("the name field to read q?", |s| {
        field_value(s, "Your first name").as_deref() == Some("q?")
    });
    assert!(!tui.screen().contains("╭ keys"), "{}", dump(&tui.screen()));

    // Outside it, ? shows the help, and Esc closes the help without going back.
    tui.send(key::TAB);
    tui.wait_for("▌ ○ Developer");
    tui.send("?");
    tui.wait_for("╭ keys");
    tui.send_esc();
    tui.wait_until("the help to close", |s| !s.contains("╭ keys"));
    let screen = tui.wait_for_all(&["WELCOME ✓ valid", "▌ ○ Developer"]);
    assert!(!screen.contains("Flow closed"), "{}", dump(&screen));

    // ... and q quits, cleanly.
    tui.send("q");
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 0, "q should quit with status 0");
    assert!(!lock(&tui.output).parser.screen().alternate_screen());
    assert_eq!(cooked(&*tui.master), Some(true), "raw mode was left on");
}

#[test]
fn reading_the_file_does_not_reload_it() {
    let (dir, path) = welcome_copy();
    let mut tui = Tui::spawn(dir.path(), &["welcome.json"]);
    tui.wait_for("WELCOME ✓ valid");

    // Another program reading the flow (cat, git, an editor opening it) changes nothing.
    let text = std::fs::read_to_string(&path).expect("read the copy");
    thread::sleep(Duration::from_secs(1));
    assert!(
        !tui.status_line().contains("reloaded"),
        "{}",
        dump(&tui.screen())
    );

    // A real save reloads once; a key clears the notice and nothing brings it back.
    save_in_place(&path, &text.replace("Hello from flowsim", "Hello again"));
    tui.wait_for("reloaded");
    tui.send(key::TAB);
    tui.wait_until("the notice to clear", |s| {
        !s.lines().next().unwrap_or_default().contains("reloaded")
    });
    thread::sleep(Duration::from_secs(1));
    assert!(
        !tui.status_line().contains("reloaded"),
        "{}",
        dump(&tui.screen())
    );
}

#[test]
fn a_missing_file_or_a_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nonexistent.json");

    let (code, stdout, stderr) = run_plain(&[&missing]);
    assert_eq!(code, Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("nonexistent.json"),
        "stderr should name the file:\n{stderr}"
    );
    assert!(stdout.is_empty(), "nothing on stdout:\n{stdout}");

    let (code, stdout, stderr) = run_plain(&[dir.path()]);
    assert_eq!(code, Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("directory"),
        "stderr should say it is a directory:\n{stderr}"
    );
    assert!(stdout.is_empty(), "nothing on stdout:\n{stdout}");

    // In a terminal too: the message is shown and the terminal is left as it was.
    for arg in [
        missing.to_str().expect("utf-8 path"),
        dir.path().to_str().expect("utf-8 path"),
    ] {
        let mut tui = Tui::spawn(dir.path(), &[arg]);
        let status = tui.wait_exit();
        let screen = lock(&tui.output).parser.screen().clone();
        assert_eq!(
            status.exit_code(),
            2,
            "flowsim {arg}:\n{}",
            dump(&screen.contents())
        );
        assert!(
            screen.contents().contains("error:"),
            "flowsim {arg}:\n{}",
            dump(&screen.contents())
        );
        assert!(
            !screen.alternate_screen(),
            "flowsim {arg} left the alternate screen on"
        );
        assert_eq!(
            cooked(&*tui.master),
            Some(true),
            "flowsim {arg} left raw mode on"
        );
    }
}

/// An endpoint flow: ASK sends a code with data_exchange; NAME starts with a link, then an
/// input. Written to a temporary folder with `extra` files.
fn endpoint_flow(extra: &[(&str, String)]) -> TempDir {
    let flow = r#"{
  "version": "7.3",
  "data_api_version": "3.0",
  "routing_model": { "ASK": ["NAME"], "NAME": [] },
  "screens": [
    { "id": "ASK", "title": "Ask",
      "data": { "greeting": { "type": "string", "__example__": "Hi" } },
      "layout": { "type": "SingleColumnLayout", "children": [
        { "type": "TextBody", "text": "${data.greeting}" },
        { "type": "TextInput", "name": "code", "label": "Code" },
        { "type": "Footer", "label": "Send",
          "on-click-action": { "name": "data_exchange", "payload": { "code": "${form.code}" } } } ] } },
    { "id": "NAME", "title": "Name", "terminal": true,
      "data": { "msg": { "type": "string", "__example__": "x" } },
      "layout": { "type": "SingleColumnLayout", "children": [
        { "type": "TextBody", "text": "${data.msg}" },
        { "type": "EmbeddedLink", "text": "Read the terms",
          "on-click-action": { "name": "open_url", "url": "https://example.com/terms" } },
        { "type": "TextInput", "name": "nickname", "label": "Nickname" },
        { "type": "Footer", "label": "Finish",
          "on-click-action": { "name": "complete", "payload": { "nickname": "${form.nickname}" } } } ] } } ]
}"#;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("flow.json"), flow).expect("write the flow");
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write a file");
    }
    dir
}

/// Types a code on ASK and presses Send.
fn send_code(tui: &mut Tui, code: &str) {
    tui.send(code);
    tui.wait_until("the code to be typed", |s| {
        field_value(s, "Code").as_deref() == Some(code)
    });
    tui.send(key::TAB);
    tui.wait_for("▸ Send ◂");
    tui.send(key::ENTER);
}

#[test]
fn after_a_screen_change_the_first_input_has_the_focus() {
    let mock = r#"{ "responses": [
      { "action": "INIT", "response": { "screen": "ASK", "data": { "greeting": "Welcome" } } },
      { "action": "data_exchange", "screen": "ASK",
        "response": { "screen": "NAME", "data": { "msg": "Pick a nickname" } } } ] }"#;
    let dir = endpoint_flow(&[("mock.json", mock.to_string())]);
    let mut tui = Tui::spawn(
        dir.path(),
        &[
            "flow.json",
            "--mock",
            "mock.json",
            "--flow-action",
            "data_exchange",
        ],
    );
    tui.wait_for("Welcome");
    // The screen opened by INIT: typing goes into its only input.
    send_code(&mut tui, "7");
    tui.wait_for("Pick a nickname");
    // The endpoint's answer showed NAME: the focus is on its input, not on the link above it.
    tui.send("Zed");
    let screen = tui.wait_until("the nickname to be typed", |s| {
        field_value(s, "Nickname").as_deref() == Some("Zed")
    });
    assert!(screen.contains("NAME ✓ valid"), "{}", dump(&screen));
}

#[test]
fn a_replayed_answer_recorded_for_another_request_is_used_and_flagged() {
    let line = |action: &str, screen: &str, data: &str, response: &str| {
        format!(
            r#"{{"time":0,"action":"{action}","screen":"{screen}","request":{{"data":{data},"flow_token":"flowsim","screen":"{screen}","action":"{action}","version":"3.0"}},"status":200,"response":{response},"latency_ms":3}}"#
        )
    };
    let recording = [
        line(
            "INIT",
            "",
            "{}",
            r#"{"screen":"ASK","data":{"greeting":"Recorded welcome"}}"#,
        ),
        line(
            "data_exchange",
            "ASK",
            r#"{"code":"1"}"#,
            r#"{"screen":"NAME","data":{"msg":"Recorded for code 1"}}"#,
        ),
    ]
    .join("\n");
    let dir = endpoint_flow(&[("session.jsonl", recording)]);
    let mut tui = Tui::spawn(
        dir.path(),
        &[
            "flow.json",
            "--replay",
            "session.jsonl",
            "--flow-action",
            "data_exchange",
        ],
    );
    tui.wait_for("Recorded welcome");
    assert!(
        !tui.status_line().contains("⚠"),
        "INIT was recorded as sent: {}",
        dump(&tui.screen())
    );
    // Code 2 was never recorded: the demo goes on with the answer for code 1, and says so.
    send_code(&mut tui, "2");
    tui.wait_for("Recorded for code 1");
    tui.wait_until("the status line to flag the replay", |s| {
        s.lines()
            .next()
            .unwrap_or_default()
            .contains("⚠ replayed answer recorded for another request")
    });
    tui.send(key::F3);
    tui.wait_for_all(&[
        "Answered from the recording of a different request",
        r#"data.code: sent "2", recorded "1""#,
    ]);
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A webhook receiver on 127.0.0.1 in its own thread: its URL and the bodies it got.
fn webhook_receiver() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    use axum::body::Bytes;
    let got = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&got);
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the receiver");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind the receiver");
            tx.send(listener.local_addr().expect("its address"))
                .expect("report the address");
            let app = axum::Router::new().fallback(move |body: Bytes| {
                let shared = Arc::clone(&shared);
                async move {
                    lock_bodies(&shared).push(body.to_vec());
                    "EVENT_RECEIVED"
                }
            });
            let _ = axum::serve(listener, app).await;
        });
    });
    let addr = rx.recv_timeout(TIMEOUT).expect("the receiver started");
    (format!("http://{addr}/hook"), got)
}

fn lock_bodies(m: &Mutex<Vec<Vec<u8>>>) -> MutexGuard<'_, Vec<Vec<u8>>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn a_completion_in_the_preview_goes_to_the_webhook_and_its_answer_shows() {
    let (dir, _) = welcome_copy();
    let (url, got) = webhook_receiver();
    let mut tui = Tui::spawn(
        dir.path(),
        &[
            "welcome.json",
            "--screen",
            "SUMMARY",
            "--webhook",
            &url,
            "--app-secret",
            "pty-secret",
        ],
    );
    tui.wait_for("▸ Finish ◂");
    tui.send(key::ENTER);
    tui.wait_for("Response sent");
    let screen = tui.wait_for_all(&["Webhook", "(signed)", "answered 200 in"]);
    assert!(!screen.contains("pty-secret"), "{}", dump(&screen));
    let bodies = lock_bodies(&got).clone();
    assert_eq!(bodies.len(), 1, "one completion, one POST");
    let body: serde_json::Value = serde_json::from_slice(&bodies[0]).expect("JSON");
    assert_eq!(
        body.pointer("/entry/0/changes/0/value/messages/0/interactive/nfm_reply/response_json"),
        Some(&serde_json::json!(r#"{"flow_token":"flowsim"}"#))
    );

    // The receiver goes away: the next completion says why it was not delivered.
    tui.send("r");
    tui.wait_for("▸ Finish ◂");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}/hook", closed.local_addr().expect("its address"));
    drop(closed);
    let mut tui = Tui::spawn(
        dir.path(),
        &["welcome.json", "--screen", "SUMMARY", "--webhook", &url],
    );
    tui.wait_for("▸ Finish ◂");
    tui.send(key::ENTER);
    tui.wait_for_all(&["(unsigned: no", "connection refused"]);
}
