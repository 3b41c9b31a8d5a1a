//! The command line as a new user meets it: what `flowsim keygen` says it wrote, the spellings
//! `--flow-action` takes, and options that exclude each other. The real binary, no terminal.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-flows")
        .join(name)
}

#[test]
fn keygen_says_in_sentences_which_files_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my keys");
    let private = out.join("private.pem");
    let public = out.join("public.pem");
    let output = cargo_bin_cmd!("flowsim")
        .arg("keygen")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr, "Generating an RSA-2048 key pair…\n");
    assert!(
        stdout.contains(&format!("Wrote the private key to {} (", private.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Wrote the public key to {}.", public.display())),
        "{stdout}"
    );
    // The upload command names the file that was written, not an example path.
    assert!(
        stdout.contains(&format!("\"business_public_key@{}\"", public.display())),
        "{stdout}"
    );
    for line in stdout.lines().filter(|l| !l.starts_with(' ')) {
        assert!(
            line.starts_with(char::is_uppercase) && line.ends_with(['.', ':']),
            "not a sentence: {line:?}"
        );
    }
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is for its owner only");
    }

    // Again: nothing is overwritten, and the message says what to do.
    cargo_bin_cmd!("flowsim")
        .arg("keygen")
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists, and flowsim never overwrites keys",
        ))
        .stderr(predicate::str::contains("--out"));
}

#[test]
fn flow_action_takes_meta_s_spelling_and_the_dashed_one() {
    cargo_bin_cmd!("flowsim")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"possible values: navigate,\s+data_exchange\]").unwrap());
    for spelling in ["data_exchange", "data-exchange"] {
        // Parsed fine: without a terminal the preview then stops with its own message.
        cargo_bin_cmd!("flowsim")
            .arg(sample("loan_application.json"))
            .args(["--flow-action", spelling])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs an interactive terminal"))
            .stderr(predicate::str::contains("invalid value").not());
    }
}

#[test]
fn replay_and_endpoint_exclude_each_other_with_a_clear_message() {
    let message = "--replay and --endpoint exclude each other";
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("session.jsonl");
    std::fs::write(&recording, "").unwrap();
    cargo_bin_cmd!("flowsim")
        .arg("test")
        .arg("--replay")
        .arg(&recording)
        .args(["--endpoint", "http://127.0.0.1:9", "--plaintext"])
        .arg(sample("loan_application.test.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    // The preview says so before it takes over the terminal.
    cargo_bin_cmd!("flowsim")
        .arg(sample("loan_application.json"))
        .arg("--replay")
        .arg(&recording)
        .args(["--endpoint", "http://127.0.0.1:9", "--plaintext"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}
