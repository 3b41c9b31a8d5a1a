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

/// endpoint.md §13.1 TV-C: a CDN file and its metadata.
const TVC_CDN: &str = "NI3VLo3E9A3C+lchyTpWXr1ctj+qpmRiHmTm8OnGRatt5CxMrTLJiL+4";
const TVC_METADATA: &str = r#"{"encryption_key":"YD3rEBXKcb4rc67whX13gR81LAc7YQjXLZgQowkU3/Q=","hmac_key":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","iv":"8OHSw7Sllod4aVpLPC0eDw==","plaintext_hash":"0MDUGu+XXL8/cmO8dkgEiNIEFwm1ogAIdefCKV6cqW4=","encrypted_hash":"t/DnzvTcMpjdJcuL/Yz4SBmJPNWLq2c7ZP9wVnCCC1U="}"#;

fn tvc_file(dir: &Path) -> std::path::PathBuf {
    use base64::Engine;
    let path = dir.join("photo.enc");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(TVC_CDN)
        .unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn decrypt_media_runs_every_check_and_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cdn = tvc_file(dir.path());
    let out = dir.path().join("photo.txt");
    // The whole media item, from a file, is accepted too.
    let item = dir.path().join("item.json");
    std::fs::write(
        &item,
        format!(r#"{{"media_id":"m","cdn_url":"x","file_name":"a.txt","encryption_metadata":{TVC_METADATA}}}"#),
    )
    .unwrap();
    let output = cargo_bin_cmd!("flowsim")
        .arg("decrypt-media")
        .arg(&cdn)
        .arg("--metadata")
        .arg(format!("@{}", item.display()))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.matches('✓').count(), 4, "{stdout}");
    assert!(stdout.contains("Decrypted 24 bytes to"), "{stdout}");
    assert_eq!(std::fs::read(&out).unwrap(), b"Flows media test vector\n");
}

#[test]
fn decrypt_media_names_the_check_that_fails() {
    let dir = tempfile::tempdir().unwrap();
    let cdn = tvc_file(dir.path());
    // Another hmac_key: the file hash passes, the HMAC does not.
    let wrong = TVC_METADATA.replace("AAECAwQF", "AAECAwQG");
    cargo_bin_cmd!("flowsim")
        .arg("decrypt-media")
        .arg(&cdn)
        .arg("--metadata")
        .arg(&wrong)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✓ encrypted_hash"))
        .stdout(predicate::str::contains("✗ hmac"))
        .stdout(predicate::str::contains("iv ‖ ciphertext"));
    // A truncated download: the first check.
    let bytes = std::fs::read(&cdn).unwrap();
    std::fs::write(&cdn, &bytes[..30]).unwrap();
    cargo_bin_cmd!("flowsim")
        .arg("decrypt-media")
        .arg(&cdn)
        .arg("--metadata")
        .arg(TVC_METADATA)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("✗ encrypted_hash"));
}

#[test]
fn decrypt_media_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cdn = tvc_file(dir.path());
    for (file, metadata, says) in [
        (
            cdn.clone(),
            "{not json".to_string(),
            "--metadata is not valid JSON",
        ),
        (
            cdn.clone(),
            TVC_METADATA.replace("\"iv\"", "\"IV\""),
            "no string member `iv`",
        ),
        (
            dir.path().join("gone.enc"),
            TVC_METADATA.to_string(),
            "gone.enc",
        ),
        (
            dir.path().to_path_buf(),
            TVC_METADATA.to_string(),
            "not a file",
        ),
    ] {
        cargo_bin_cmd!("flowsim")
            .arg("decrypt-media")
            .arg(&file)
            .arg("--metadata")
            .arg(&metadata)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}
