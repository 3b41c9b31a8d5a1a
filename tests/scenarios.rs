//! Runs the real `flowsim test` binary on the scenarios that come with the sample flows
//! (`sample-flows/*.test.json`), and checks that a failing expectation is reported with an
//! expected/actual diff and exit code 1.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use serde_json::{Value, json};

fn sample_flows() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-flows")
}

/// Files in `sample-flows/` whose name ends with `suffix`, sorted.
fn files_ending_with(suffix: &str) -> Vec<PathBuf> {
    let dir = sample_flows();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            path.is_file()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    files.sort();
    files
}

/// The sample flows themselves: `*.json` but not scenarios or mocks.
fn flow_files() -> Vec<PathBuf> {
    files_ending_with(".json")
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.ends_with(".test.json") && !name.ends_with(".mock.json")
        })
        .collect()
}

#[test]
fn every_sample_flow_has_a_scenario() {
    let flows = flow_files();
    assert!(!flows.is_empty(), "no sample flows found");
    for flow in flows {
        let scenario = flow.with_extension("test.json");
        assert!(
            scenario.is_file(),
            "{} has no scenario file {}",
            flow.display(),
            scenario.display()
        );
    }
}

#[test]
fn every_sample_scenario_passes() {
    let scenarios = files_ending_with(".test.json");
    assert!(!scenarios.is_empty(), "no sample scenarios found");
    for scenario in scenarios {
        cargo_bin_cmd!("flowsim")
            .args(["test", "--color", "never"])
            .arg(&scenario)
            .assert()
            .success()
            .stdout(predicate::str::contains(" 0 failed"))
            .stdout(predicate::str::contains("✗").not());
    }
}

#[test]
fn every_sample_scenario_passes_in_one_run() {
    let scenarios = files_ending_with(".test.json");
    cargo_bin_cmd!("flowsim")
        .args(["test", "--format", "json"])
        .args(&scenarios)
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""passed":false"#).not());
}

#[test]
fn a_wrong_expectation_fails_with_expected_and_actual() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let original = sample_flows().join("welcome.test.json");
    let text = fs::read_to_string(&original).expect("welcome.test.json");
    let mut scenario: Value = serde_json::from_str(&text).expect("a JSON scenario");

    // Point at the sample flow from the copy's folder, and expect the wrong name at the end
    // of the first test (the flow completes with "Ada").
    scenario["flow"] = json!(sample_flows().join("welcome.json"));
    let steps = scenario["tests"][0]["steps"]
        .as_array_mut()
        .expect("the first test has steps");
    steps.push(json!({ "expect": { "completed": { "name": "Bob" } } }));

    let copy = dir.path().join("welcome.test.json");
    fs::write(&copy, serde_json::to_string_pretty(&scenario).unwrap()).unwrap();

    cargo_bin_cmd!("flowsim")
        .args(["test", "--color", "never"])
        .arg(&copy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("expect.completed"))
        .stdout(predicate::str::contains(r#"expected: {"name":"Bob"}"#))
        .stdout(predicate::str::contains("actual:"))
        .stdout(predicate::str::contains(r#""name":"Ada""#))
        .stdout(predicate::str::contains("1 failed"));
}
