//! Integration tests of `flowsim validate` and `flowsim schema`, run through the real binary.
//!
//! Every file under `tests/fixtures/invalid/` holds exactly one intended problem; the tables
//! below say which code it must produce and on which line, and a snapshot of the human report
//! shows the whole message. The expected code and line are checked in code too, against the
//! `--format json` report, so a wrong code fails even if someone blindly accepts snapshots.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `flowsim` run from the package root, so paths in reports are stable and relative.
fn flowsim() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("flowsim");
    cmd.current_dir(ROOT).env_remove("NO_COLOR");
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_with(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd.args(args).output().expect("flowsim runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(flowsim(), args)
}

/// Each line of a `--format json` report, parsed.
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `(code, line_start)` of each entry of a report list.
fn entries(list: &Value) -> Vec<(String, u64)> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|e| {
            (
                e["error"].as_str().expect("error").to_string(),
                e["line_start"].as_u64().expect("line_start"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Fixtures.

fn check_fixture(dir: &str, name: &str, expected: Option<(&str, u64)>, errors: usize) {
    let path = format!("tests/fixtures/{dir}/{name}.json");
    assert!(Path::new(ROOT).join(&path).is_file(), "{path} is missing");

    let human = run(&["validate", "--color", "never", &path]);
    let exit = if dir == "valid" { 0 } else { 1 };
    assert_eq!(
        human.code,
        Some(exit),
        "{path}: exit code\n{}",
        human.stdout
    );
    assert_eq!(human.stderr, "", "{path}: nothing on stderr");
    insta::with_settings!({
        description => format!("flowsim validate --color never {path}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{dir}__{name}"), human.stdout);
    });

    let json = run(&["validate", "--format", "json", &path]);
    assert_eq!(json.code, Some(exit), "{path}: exit code of --format json");
    let reports = json_lines(&json.stdout);
    assert_eq!(reports.len(), 1, "{path}: one JSON line per file");
    let report = &reports[0];
    assert_eq!(report["valid"], Value::Bool(dir == "valid"));
    let found = entries(&report["validation_errors"]);
    assert_eq!(found.len(), errors, "{path}: number of errors: {found:?}");
    if dir == "valid" {
        let warnings = entries(&report["warnings"]);
        match expected {
            Some((code, line)) => {
                assert_eq!(warnings.first(), Some(&(code.to_string(), line)), "{path}");
            }
            None => assert_eq!(warnings, [], "{path}: no warnings"),
        }
        return;
    }
    let (code, line) = expected.expect("an invalid fixture names its error");
    let want = (code.to_string(), line);
    if errors == 1 {
        assert_eq!(found[0], want, "{path}: first error (code, line)");
    } else {
        assert!(found.contains(&want), "{path}: {want:?} not in {found:?}");
    }
    // The human report points at the same place.
    assert!(
        human.stdout.contains(&format!("error[{code}]")),
        "{path}: human report lacks error[{code}]"
    );
    assert!(
        human.stdout.contains(&format!("--> {path}:{line}:")),
        "{path}: human report does not point at line {line}"
    );
}

macro_rules! invalid_fixtures {
    (@errors) => { 1 };
    (@errors $n:literal) => { $n };
    ($($(#[$meta:meta])* $name:ident => $code:literal @ $line:literal $(, errors = $n:literal)?;)*) => {
        /// One test per file of `tests/fixtures/invalid/`: (expected code, 1-based line).
        mod invalid {
            $(
                $(#[$meta])*
                #[test]
                #[allow(non_snake_case)]
                fn $name() {
                    super::check_fixture(
                        "invalid",
                        stringify!($name),
                        Some(($code, $line)),
                        invalid_fixtures!(@errors $($n)?),
                    );
                }
            )*
            pub const NAMES: &[&str] = &[$(stringify!($name)),*];
        }
    };
}

macro_rules! valid_fixtures {
    ($($name:ident => $warning:expr;)*) => {
        /// One test per file of `tests/fixtures/valid/`: exit 0, no errors, and the expected
        /// first warning (code, line), if any.
        mod valid {
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $name() {
                    super::check_fixture("valid", stringify!($name), $warning, 0);
                }
            )*
            pub const NAMES: &[&str] = &[$(stringify!($name)),*];
        }
    };
}

invalid_fixtures! {
    // --- document
    document__bad_data_api_version => "INVALID_DATA_API_VERSION" @ 3;
    document__data_api_version_without_routing_model => "MISSING_REQUIRED_PROPERTY" @ 3;
    document__data_channel_uri_in_3_0 => "INVALID_PROPERTY_KEY" @ 3;
    document__empty_file => "INVALID_FLOW_JSON" @ 1;
    document__empty_screens => "MIN_ITEMS_REQUIRED" @ 3;
    document__malformed_json_trailing_comma => "INVALID_FLOW_JSON" @ 13;
    document__missing_version => "MISSING_FLOW_JSON_VERSION" @ 1;
    document__root_not_object => "INVALID_FLOW_JSON" @ 1;
    document__unknown_old_version => "INVALID_FLOW_JSON_VERSION" @ 2, errors = 1;
    document__unknown_root_key => "INVALID_PROPERTY_KEY" @ 27;
    document__version_as_number => "INVALID_FLOW_JSON_VERSION" @ 2;
    // --- screens
    screens__bad_id_pattern => "PATTERN_MISMATCH" @ 5;
    screens__duplicate_ids => "DUPLICATE_SCREEN_IDS" @ 52;
    screens__missing_layout => "MISSING_REQUIRED_PROPERTY" @ 42;
    screens__no_terminal_screen => "MISSING_TERMINAL_SCREEN" @ 3;
    screens__photo_and_document_picker => "COMPONENT_TYPE_MAX_NUMBER_PER_SCREEN" @ 18;
    screens__refresh_on_back_without_endpoint => "INVALID_PROPERTY_VALUE" @ 33;
    screens__reserved_success => "SCREEN_ID_IS_RESERVED_KEYWORD" @ 5;
    screens__sensitive_unknown_name => "INVALID_SENSITIVE_FIELD" @ 9;
    screens__success_on_non_terminal => "NOT_KEYWORD_SCHEMA_VALIDATION_FAILED" @ 7;
    screens__terminal_without_footer => "MISSING_FOOTER_ON_TERMINAL_SCREEN" @ 5;
    screens__three_embedded_links => "COMPONENT_TYPE_MAX_NUMBER_PER_SCREEN" @ 28;
    screens__too_many_components => "MAX_ALLOWED_COMPONENTS_PER_SCREEN" @ 5;
    screens__two_footers => "MORE_THAN_ONE_FOOTER" @ 24;
    screens__wrong_layout_type => "INVALID_PROPERTY_VALUE" @ 9;
    // --- forms
    forms__init_value_inside_form => "INVALID_PROPERTY_KEY" @ 19;
    forms__input_outside_form_before_4_0 => "KEYWORD_ONE_OF" @ 12;
    forms__input_outside_form_with_form => "COMPONENTS_OUTSIDE_FORM" @ 23;
    forms__picker_in_init_values => "NATIVE_COMPONENT_IN_FORM_INIT_VALUES" @ 15;
    // --- if_switch
    if_switch__component_not_allowed_in_if => "INVALID_PROPERTY_VALUE" @ 21;
    if_switch__empty_cases => "EMPTY_SWITCH_CASES" @ 27;
    if_switch__empty_then => "INVALID_PROPERTY_VALUE" @ 17;
    if_switch__footer_in_one_branch => "MISSING_FOOTER_IN_IF_ELSE_BRANCHES" @ 17;
    if_switch__footer_in_some_cases => "MISSING_FOOTER_IN_SWITCH_BRANCHES" @ 27;
    if_switch__if_nesting_too_deep => "MAXIMUM_IF_NESTING" @ 29;
    // --- components
    components__bad_enum_value => "INVALID_ENUM_VALUE" @ 15;
    components__blank_string_6_0 => "PATTERN_MISMATCH" @ 15;
    components__calendar_range_prop_in_single_mode => "UNEXPECTED_CALENDAR_PICKER_RANGE_MODE_PROP" @ 15;
    components__component_too_new => "INVALID_PROPERTY_VALUE" @ 12;
    components__datepicker_timestamp_in_5_0 => "INVALID_PROPERTY_VALUE_FORMAT" @ 15;
    components__dynamic_value_on_fixed_property => "PATTERN_MISMATCH" @ 20;
    components__empty_string_6_0 => "MIN_CHARS_REQUIRED" @ 15;
    components__footer_center_with_left_and_right => "NOT_KEYWORD_SCHEMA_VALIDATION_FAILED" @ 19;
    components__footer_left_caption_without_right => "INVALID_DEPENDENCIES" @ 18;
    components__invalid_regex_pattern => "INVALID_PROPERTY_VALUE_FORMAT" @ 15;
    components__min_chars_greater_than_max => "MIN_VALUE_GREATER_THAN_MAX" @ 15;
    components__mixed_literal_and_binding => "PATTERN_MISMATCH" @ 19;
    components__navigation_list_two_badges => "INVALID_PROPERTY_VALUE" @ 42;
    components__navigation_list_with_other_component => "INVALID_COMPONENT_PLACEMENT" @ 15;
    components__pattern_without_helper_text => "MISSING_REQUIRED_PROPERTY" @ 15;
    components__property_too_new => "INVALID_PROPERTY_KEY" @ 15;
    components__richtext_dynamic_line => "INVALID_TEXT_DYNAMIC_DATA" @ 21;
    components__richtext_mixed_text => "INVALID_TEXT_DYNAMIC_DATA" @ 19;
    components__richtext_nested_expression => "INVALID_TEXT_DYNAMIC_DATA" @ 19;
    components__richtext_with_footer_6_2 => "INVALID_RICHTEXT_PLACEMENT" @ 37;
    components__text_over_limit => "INVALID_PROPERTY_VALUE" @ 13;
    components__unknown_property_typo => "INVALID_PROPERTY_KEY" @ 15;
    components__unknown_type_typo => "INVALID_PROPERTY_VALUE" @ 16;
    components__wrong_property_type => "INVALID_PROPERTY_TYPE" @ 15;
    // --- data
    data__array_without_items => "INVALID_SCREEN_DATA" @ 10;
    data__bad_nested_expression_syntax => "INVALID_PROPERTY_VALUE" @ 19;
    data__binding_type_mismatch => "INVALID_SCREEN_DYNAMIC_DATA" @ 20;
    data__data_source_items_without_title => "INVALID_SCREEN_DYNAMIC_DATA" @ 33;
    data__example_type_mismatch => "INVALID_SCREEN_DATA" @ 11;
    data__expression_type_error => "INVALID_PROPERTY_VALUE" @ 19;
    data__field_missing_type => "INVALID_SCREEN_DATA" @ 9;
    data__global_ref_current_screen => "INVALID_SCREEN_DYNAMIC_DATA" @ 18;
    data__global_ref_missing_screen => "INVALID_SCREEN_DATA" @ 39;
    data__if_condition_in_backticks => "INVALID_PROPERTY_VALUE" @ 18;
    data__if_condition_only_literals => "INVALID_PROPERTY_VALUE" @ 13;
    data__markdown_line_undeclared_data => "INVALID_SCREEN_DYNAMIC_DATA" @ 22;
    data__missing_example => "INVALID_SCREEN_DATA" @ 9;
    data__undeclared_data_ref => "INVALID_SCREEN_DYNAMIC_DATA" @ 19;
    data__unknown_form_ref => "INVALID_ON_CLICK_ACTION_PAYLOAD" @ 23;
    // --- actions
    actions__complete_on_embedded_link => "INVALID_ENUM_VALUE" @ 15;
    actions__complete_on_non_terminal => "INVALID_COMPLETE_ACTION" @ 30;
    actions__data_exchange_payload_undeclared_data => "INVALID_SCREEN_DYNAMIC_DATA" @ 34;
    actions__data_exchange_without_data_api_version => "MISSING_REQUIRED_PROPERTY" @ 19;
    actions__navigate_missing_payload => "MISSING_NAVIGATION_ACTION_PAYLOAD" @ 18;
    actions__navigate_payload_key_not_in_model => "INVALID_NAVIGATE_ACTION_PAYLOAD" @ 26;
    actions__navigate_payload_malformed_reference => "INVALID_PROPERTY_VALUE" @ 26;
    actions__navigate_to_self => "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME" @ 21;
    actions__navigate_unknown_screen => "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME" @ 21;
    actions__open_url_without_url => "MISSING_REQUIRED_PROPERTY" @ 14;
    // References in payloads are checked as references in text are.
    actions__payload_expression_undeclared_data_7_2 => "INVALID_SCREEN_DYNAMIC_DATA" @ 29;
    actions__payload_reference_empty_name => "INVALID_PROPERTY_VALUE" @ 24;
    actions__payload_reference_without_field => "INVALID_PROPERTY_VALUE" @ 24;
    actions__payload_screen_ref_without_store => "INVALID_PROPERTY_VALUE" @ 24;
    actions__payload_unknown_reference_root => "INVALID_PROPERTY_VALUE" @ 24;
    actions__picker_nested_in_complete_payload => "INVALID_ON_CLICK_ACTION_PAYLOAD" @ 24;
    actions__picker_value_in_navigate_payload => "INVALID_ON_CLICK_ACTION_PAYLOAD" @ 26;
    actions__unknown_action_typo => "INVALID_ENUM_VALUE" @ 19;
    actions__update_data_before_6_0 => "INVALID_ENUM_VALUE" @ 32;
    actions__update_data_key_not_in_model => "INVALID_ACTION_PAYLOAD_PROPERTY" @ 34;
    actions__update_data_payload_nested_reference_syntax => "INVALID_PROPERTY_VALUE" @ 38;
    actions__update_data_self_assignment => "INVALID_UPDATE_DATA_ACTION_PAYLOAD" @ 34;
    // --- routing
    routing__backward_route => "INVALID_ROUTING_MODEL" @ 12, errors = 1;
    routing__loop => "INVALID_ROUTING_MODEL" @ 4;
    routing__navigate_edge_missing_from_model => "INVALID_ROUTING_MODEL" @ 5;
    routing__no_entry_screen => "INVALID_ROUTING_MODEL" @ 3;
    routing__screen_missing_from_model => "INVALID_ROUTING_MODEL" @ 4;
    routing__self_route => "INVALID_ROUTING_MODEL" @ 6;
    routing__too_many_branches => "INVALID_ROUTING_MODEL" @ 5;
    routing__too_many_navigate_targets => "INVALID_ROUTING_MODEL" @ 163;
    routing__unknown_screen_in_model => "INVALID_ROUTING_MODEL" @ 7;
    routing__unreachable_screen => "INVALID_ROUTING_MODEL" @ 52;
}

valid_fixtures! {
    document__unknown_newer_version => Some(("INVALID_FLOW_JSON_VERSION", 2));
    document__frozen_version => Some(("INVALID_FLOW_JSON_VERSION_STATE", 2));
    if_switch__footer_in_both_branches => None;
    data__forward_global_reference => None;
    components__richtext_with_footer_6_3 => None;
    actions__picker_top_level_in_complete_payload => None;
    actions__payload_mixed_literal => Some(("PATTERN_MISMATCH", 23));
    actions__navigate_next_without_type => None;
    actions__navigate_next_plugin => Some(("INVALID_PROPERTY_VALUE", 20));
    // Between Meta's limit (20) and pywa's (30): a warning, and the schema accepts it.
    components__dropdown_label_over_meta_limit => Some(("INVALID_PROPERTY_VALUE", 14));
    components__bound_captions_and_required_data => None;
    // Before 7.2 Meta does not check expressions in payloads against the data model.
    actions__payload_expression_undeclared_data_7_1 => Some(("INVALID_SCREEN_DYNAMIC_DATA", 29));
    components__richtext_with_bound_text => None;
    routing__endpoint_flow_with_two_branches => None;
    routing__ten_navigate_targets => None;
}

const FAMILIES: &[&str] = &[
    "document",
    "screens",
    "forms",
    "if_switch",
    "components",
    "data",
    "actions",
    "routing",
];

fn fixture_names(dir: &str) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(ROOT).join("tests/fixtures").join(dir))
            .expect("fixture directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
            .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_file_has_a_test_and_every_test_a_file() {
    for (dir, table) in [("invalid", invalid::NAMES), ("valid", valid::NAMES)] {
        let mut table: Vec<String> = table.iter().map(|s| s.to_string()).collect();
        table.sort();
        assert_eq!(
            fixture_names(dir),
            table,
            "tests/fixtures/{dir} vs. the table"
        );
        for name in &table {
            let family = name.split("__").next().unwrap_or_default();
            assert!(
                name.contains("__") && FAMILIES.contains(&family),
                "{dir}/{name}: name it <family>__<what>, family one of {FAMILIES:?}"
            );
        }
    }
    for family in FAMILIES {
        assert!(
            invalid::NAMES
                .iter()
                .any(|n| n.starts_with(&format!("{family}__"))),
            "no invalid fixture for the {family} rules"
        );
    }
}

#[test]
fn fixtures_are_pretty_printed_with_two_spaces() {
    for dir in ["invalid", "valid"] {
        for name in fixture_names(dir) {
            let path = Path::new(ROOT).join(format!("tests/fixtures/{dir}/{name}.json"));
            let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
            // Fixtures about broken syntax cannot be re-printed.
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                assert!(name.starts_with("document__"), "{name} is not JSON");
                continue;
            };
            let pretty = serde_json::to_string_pretty(&value).expect("prints") + "\n";
            assert_eq!(text, pretty, "{dir}/{name}.json is not pretty-printed");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sample flows.

/// Whether a file of `sample-flows/` is a flow (`name.json`), not a scenario or a mock
/// (`name.test.json`, `name.mock.json`).
fn is_flow_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
        && path
            .file_stem()
            .is_some_and(|s| !s.to_string_lossy().contains('.'))
}

fn sample_flows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("sample-flows"))
        .expect("sample-flows/")
        .map(|e| e.expect("entry").path())
        .filter(|p| is_flow_file(p))
        .collect();
    files.sort();
    files
}

#[test]
fn every_sample_flow_is_valid() {
    let files = sample_flows();
    assert!(files.len() >= 12, "sample flows: {files:?}");
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["validate", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let out = run(&args);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), files.len(), "one JSON line per file");
    for (report, path) in reports.iter().zip(&paths) {
        assert_eq!(report["file"], path.as_str());
        assert_eq!(report["valid"], true, "{path}: {report}");
        assert_eq!(report["validation_errors"], serde_json::json!([]), "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// Output formats.

fn assert_keys(value: &Value, keys: &[&str], what: &str) {
    let mut found: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    found.sort_unstable();
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    assert_eq!(found, keys, "keys of {what}");
}

fn assert_position(value: &Value, what: &str) {
    let n = |k: &str| {
        value[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}.{k} is not a positive integer: {value}"))
    };
    for k in ["line_start", "line_end", "column_start", "column_end"] {
        assert!(n(k) >= 1, "{what}.{k} is 1-based");
    }
    assert!(n("line_end") >= n("line_start"), "{what}: lines in order");
}

#[test]
fn json_format_has_the_flows_api_shape_one_line_per_file() {
    let files = [
        "tests/fixtures/invalid/screens__duplicate_ids.json",
        "tests/fixtures/valid/document__unknown_newer_version.json",
        "sample-flows/welcome.json",
        "tests/fixtures/invalid/document__malformed_json_trailing_comma.json",
    ];
    let mut args = vec!["validate", "--format", "json"];
    args.extend(files);
    let out = run(&args);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    assert!(out.stdout.ends_with('\n'));
    let reports = json_lines(&out.stdout);
    assert_eq!(
        reports.len(),
        files.len(),
        "one line per file:\n{}",
        out.stdout
    );
    for (report, file) in reports.iter().zip(files) {
        assert_keys(
            report,
            &["file", "valid", "validation_errors", "warnings"],
            "a report",
        );
        assert_eq!(report["file"], file);
        for list in ["validation_errors", "warnings"] {
            for entry in report[list].as_array().expect("a list") {
                assert_keys(
                    entry,
                    &[
                        "error",
                        "error_type",
                        "message",
                        "line_start",
                        "line_end",
                        "column_start",
                        "column_end",
                        "pointers",
                    ],
                    "an entry",
                );
                assert_eq!(entry["error_type"], "FLOW_JSON_ERROR");
                assert!(entry["error"].as_str().is_some_and(|s| !s.is_empty()));
                assert!(entry["message"].as_str().is_some_and(|s| !s.is_empty()));
                assert_position(entry, "entry");
                let pointers = entry["pointers"].as_array().expect("pointers");
                assert!(!pointers.is_empty());
                for p in pointers {
                    assert_keys(
                        p,
                        &[
                            "path",
                            "line_start",
                            "line_end",
                            "column_start",
                            "column_end",
                        ],
                        "a pointer",
                    );
                    assert!(p["path"].is_string());
                    assert_position(p, "pointer");
                }
                // The first pointer is the entry's own location.
                for k in ["line_start", "line_end", "column_start", "column_end"] {
                    assert_eq!(pointers[0][k], entry[k]);
                }
            }
        }
    }

    // The duplicate screen id, with the first use as a second pointer.
    let dup = &reports[0];
    assert_eq!(dup["valid"], false);
    let error = &dup["validation_errors"][0];
    assert_eq!(error["error"], "DUPLICATE_SCREEN_IDS");
    assert_eq!(
        (
            &error["line_start"],
            &error["column_start"],
            &error["column_end"]
        ),
        (&52.into(), &13.into(), &19.into()),
        "`\"DONE\"` at 52:13, column_end just past the closing quote"
    );
    let paths: Vec<&str> = error["pointers"]
        .as_array()
        .expect("pointers")
        .iter()
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["screens[2].id", "screens[1].id"]);
    assert_eq!(error["pointers"][1]["line_start"], 30);

    // A warning leaves the file valid.
    let newer = &reports[1];
    assert_eq!(newer["valid"], true);
    assert_eq!(newer["validation_errors"], serde_json::json!([]));
    assert_eq!(newer["warnings"][0]["error"], "INVALID_FLOW_JSON_VERSION");

    assert_eq!(reports[2]["valid"], true);
    assert_eq!(reports[2]["warnings"], serde_json::json!([]));

    assert_eq!(
        reports[3]["validation_errors"][0]["error"],
        "INVALID_FLOW_JSON"
    );
    assert_eq!(
        reports[3]["validation_errors"][0]["pointers"][0]["path"],
        ""
    );
}

#[test]
fn json_format_snapshot() {
    let out = run(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/components__min_chars_greater_than_max.json",
    ]);
    assert_eq!(out.code, Some(1));
    let report: Value = serde_json::from_str(out.stdout.trim_end()).expect("JSON");
    insta::assert_json_snapshot!("json_format", report);
}

#[test]
fn github_format_emits_one_workflow_command_per_finding() {
    let out = run(&[
        "validate",
        "--format",
        "github",
        "tests/fixtures/invalid/document__malformed_json_trailing_comma.json",
        "tests/fixtures/invalid/screens__duplicate_ids.json",
    ]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    for line in &lines {
        assert!(
            line.starts_with("::error file=tests/fixtures/invalid/"),
            "{line}"
        );
        let props = line
            .strip_prefix("::error ")
            .and_then(|l| l.split_once("::"))
            .expect("`::error props::message`")
            .0;
        for key in ["line", "col", "endLine", "endColumn"] {
            let value = props
                .split(',')
                .find_map(|p| p.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("{line}: no {key}="));
            assert!(value.parse::<u32>().is_ok_and(|n| n >= 1), "{line}: {key}");
        }
    }
    assert!(lines[0].contains(",line=13,col=28,"), "{}", lines[0]);
    assert!(
        lines[0].contains(",title=INVALID_FLOW_JSON::"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(",line=52,col=13,"), "{}", lines[1]);
    assert!(
        lines[1].contains(",title=DUPLICATE_SCREEN_IDS::"),
        "{}",
        lines[1]
    );
    // The help text stays on the same line, escaped.
    assert!(lines[1].contains("%0Ahelp: "), "{}", lines[1]);
    insta::assert_snapshot!("github_format", out.stdout);
}

#[test]
fn github_format_reports_warnings_as_warnings() {
    let out = run(&[
        "validate",
        "--format",
        "github",
        "tests/fixtures/valid/document__unknown_newer_version.json",
    ]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.starts_with(
            "::warning file=tests/fixtures/valid/document__unknown_newer_version.json,line=2,col=14,"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn color_always_uses_ansi_escapes_and_never_does_not() {
    let file = "tests/fixtures/invalid/screens__duplicate_ids.json";
    let always = run(&["validate", "--color", "always", file]);
    assert_eq!(always.code, Some(1));
    assert!(always.stdout.contains("\x1b["), "{}", always.stdout);
    let never = run(&["validate", "--color", "never", file]);
    assert_eq!(never.code, Some(1));
    assert!(!never.stdout.contains('\x1b'), "{}", never.stdout);
    // `auto` (the default) does not colour a pipe.
    let auto = run(&["validate", file]);
    assert!(!auto.stdout.contains('\x1b'), "{}", auto.stdout);
    // Same findings either way.
    assert_eq!(strip_ansi(&always.stdout), never.stdout);
}

/// Removes `ESC [ … m` sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Exit codes, I/O errors and hostile input.

#[test]
fn a_missing_file_is_a_usage_error() {
    let out = run(&["validate", "tests/fixtures/no_such_flow.json"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("tests/fixtures/no_such_flow.json: no such file"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_directory_is_a_usage_error() {
    let out = run(&["validate", "tests/fixtures"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("tests/fixtures: is a directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn other_files_are_still_checked_after_a_usage_error() {
    let out = run(&[
        "validate",
        "--color",
        "never",
        "tests/fixtures/no_such_flow.json",
        "sample-flows/welcome.json",
        "tests/fixtures/invalid/screens__two_footers.json",
    ]);
    // The usage error wins over the invalid file.
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.contains("sample-flows/welcome.json: valid"));
    assert!(
        out.stdout
            .contains("screens__two_footers.json: invalid, 1 error")
    );
}

#[test]
fn no_file_argument_is_a_usage_error() {
    let out = run(&["validate"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("FILE"), "{}", out.stderr);
}

#[test]
fn an_invalid_file_exits_1_and_a_valid_one_0() {
    assert_eq!(
        run(&["validate", "sample-flows/welcome.json"]).code,
        Some(0)
    );
    let out = run(&[
        "validate",
        "sample-flows/welcome.json",
        "tests/fixtures/invalid/screens__two_footers.json",
    ]);
    assert_eq!(out.code, Some(1));
}

#[test]
fn deny_warnings_exits_1_on_any_warning() {
    let warned = "tests/fixtures/valid/document__frozen_version.json";
    let clean = "sample-flows/welcome.json";
    assert_eq!(run(&["validate", warned]).code, Some(0));
    let out = run(&["validate", "--deny-warnings", "--format", "json", warned]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    // The report is the same: the flow is valid, the warning is what fails the run.
    let report = &json_lines(&out.stdout)[0];
    assert_eq!(report["valid"], true);
    assert_eq!(
        report["warnings"][0]["error"],
        "INVALID_FLOW_JSON_VERSION_STATE"
    );
    assert_eq!(run(&["validate", "--deny-warnings", clean]).code, Some(0));
    assert_eq!(
        run(&["validate", "--deny-warnings", clean, warned]).code,
        Some(1)
    );
    assert_eq!(
        run(&[
            "validate",
            "--deny-warnings",
            "tests/fixtures/invalid/screens__two_footers.json"
        ])
        .code,
        Some(1)
    );
    // A usage error still wins.
    assert_eq!(
        run(&[
            "validate",
            "--deny-warnings",
            warned,
            "tests/fixtures/no_such_flow.json"
        ])
        .code,
        Some(2)
    );
}

/// A frozen version is a warning that says what Meta does with the flow; the commands that
/// run flows still run it and show the warning.
#[test]
fn frozen_flows_run_with_the_lifecycle_warning_shown() {
    let out = run(&[
        "validate",
        "--color",
        "never",
        "sample-flows/legacy_form.json",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    for part in [
        "warning[INVALID_FLOW_JSON_VERSION_STATE]: Flow JSON 3.1 is frozen since 8 April 2025",
        "refuses to publish a flow on it (error 139002)",
        "help: migrate to \"7.3\", the newest version",
    ] {
        assert!(out.stdout.contains(part), "{part}:\n{}", out.stdout);
    }
    let notice = "warning[INVALID_FLOW_JSON_VERSION_STATE]: sample-flows/legacy_form.json:2:14: Flow JSON 3.1 is frozen since 8 April 2025";
    let render = run(&[
        "render",
        "--color",
        "never",
        "sample-flows/legacy_form.json",
    ]);
    assert_eq!(render.code, Some(0), "{}", render.stderr);
    assert!(
        render.stdout.contains("Managed by the business"),
        "{}",
        render.stdout
    );
    assert!(render.stderr.starts_with(notice), "{}", render.stderr);
    let test = run(&[
        "test",
        "--color",
        "never",
        "sample-flows/legacy_form.test.json",
    ]);
    assert_eq!(test.code, Some(0), "{}", test.stdout);
    assert!(test.stdout.contains(" 0 failed"), "{}", test.stdout);
    assert!(test.stderr.contains(notice), "{}", test.stderr);
    // Active versions say nothing.
    let render = run(&["render", "--color", "never", "sample-flows/welcome.json"]);
    assert_eq!(render.stderr, "");
}

/// The welcome sample padded with trailing spaces to exactly `len` bytes.
fn padded_sample(len: usize) -> Vec<u8> {
    let mut bytes =
        std::fs::read(Path::new(ROOT).join("sample-flows/welcome.json")).expect("sample");
    assert!(bytes.len() < len);
    bytes.resize(len, b' ');
    bytes
}

#[test]
fn a_file_over_10_mb_is_refused_quickly() {
    const LIMIT: usize = 10 * 1024 * 1024;
    let dir = tempfile::tempdir().expect("tempdir");
    let at_limit = dir.path().join("at_limit.json");
    std::fs::write(&at_limit, padded_sample(LIMIT)).expect("write");
    let over = dir.path().join("over_limit.json");
    std::fs::write(&over, padded_sample(LIMIT + 1)).expect("write");

    let out = run(&[
        "validate",
        "--format",
        "json",
        &at_limit.display().to_string(),
    ]);
    assert_eq!(
        out.code,
        Some(0),
        "exactly 10 MB is allowed: {}",
        out.stdout
    );

    let started = Instant::now();
    let out = run(&["validate", "--format", "json", &over.display().to_string()]);
    let elapsed = started.elapsed();
    assert_eq!(out.code, Some(1));
    let report = &json_lines(&out.stdout)[0];
    let error = &report["validation_errors"][0];
    assert_eq!(error["error"], "INVALID_FLOW_JSON");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("10 MB")),
        "{error}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    // The human report renders too (there is no source text to show).
    let out = run(&["validate", "--color", "never", &over.display().to_string()]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("error[INVALID_FLOW_JSON]"),
        "{}",
        out.stdout
    );
}

/// A flow whose `version` string holds the byte 0xFF at line 2, column 18.
const NOT_UTF8: &[u8] = b"{\n  \"version\": \"7.3\xff\",\n  \"screens\": []\n}\n";

#[test]
fn invalid_utf8_is_an_invalid_flow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.json");
    std::fs::write(&path, NOT_UTF8).expect("write");
    let out = run(&["validate", "--format", "json", &path.display().to_string()]);
    assert_eq!(out.code, Some(1));
    let error = &json_lines(&out.stdout)[0]["validation_errors"][0];
    assert_eq!(error["error"], "INVALID_FLOW_JSON");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-8")),
        "{error}"
    );
    assert_eq!(
        (&error["line_start"], &error["column_start"]),
        (&2.into(), &18.into())
    );
}

/// The bad byte becomes a 3-byte U+FFFD in the text the human report shows; the report
/// must not cut it in half.
#[test]
fn invalid_utf8_is_an_invalid_flow_in_the_human_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.json");
    std::fs::write(&path, NOT_UTF8).expect("write");
    let out = run(&["validate", "--color", "never", &path.display().to_string()]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout.contains("error[INVALID_FLOW_JSON]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(":2:18"), "{}", out.stdout);
}

#[test]
fn standard_input_is_read_from_dash() {
    let sample = std::fs::read(Path::new(ROOT).join("sample-flows/welcome.json")).expect("sample");
    let mut cmd = flowsim();
    cmd.write_stdin(sample);
    let out = run_with(cmd, &["validate", "--color", "never", "-"]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(out.stdout, "-: valid\n");

    let mut cmd = flowsim();
    cmd.write_stdin("{\"version\": \"7.3\", \"screens\": []}");
    let out = run_with(cmd, &["validate", "--format", "json", "-"]);
    assert_eq!(out.code, Some(1));
    let report = &json_lines(&out.stdout)[0];
    assert_eq!(report["file"], "-");
    assert_eq!(
        report["validation_errors"][0]["error"],
        "MIN_ITEMS_REQUIRED"
    );
}

#[test]
fn malformed_json_is_reported_at_the_trailing_comma() {
    let path = "tests/fixtures/invalid/document__malformed_json_trailing_comma.json";
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).expect("fixture");
    // Where the trailing comma is, worked out from the text itself.
    let offset = text.find("\"Hello\",").expect("the trailing comma") + "\"Hello\"".len();
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    assert_eq!((line, column), (13, 28));

    let out = run(&["validate", "--format", "json", path]);
    assert_eq!(out.code, Some(1));
    let error = &json_lines(&out.stdout)[0]["validation_errors"][0];
    assert_eq!(error["error"], "INVALID_FLOW_JSON");
    assert_eq!(error["line_start"], line);
    assert_eq!(error["column_start"], column);

    let out = run(&["validate", "--color", "never", path]);
    assert!(
        out.stdout
            .contains(&format!("--> {path}:{line}:{column}\n")),
        "{}",
        out.stdout
    );
}

#[test]
fn very_deep_nesting_is_an_error_not_a_crash() {
    const DEPTH: usize = 200_000;
    let arrays = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let objects = format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH));
    for text in [arrays, objects] {
        for format in ["json", "human", "github"] {
            let mut cmd = flowsim();
            cmd.write_stdin(text.clone());
            let out = run_with(
                cmd,
                &["validate", "--color", "never", "--format", format, "-"],
            );
            assert_eq!(out.code, Some(1), "{format}: {}", out.stderr);
            assert_eq!(out.stderr, "", "{format}");
            assert!(out.stdout.contains("INVALID_FLOW_JSON"), "{format}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// `flowsim schema`.

fn schema(args: &[&str]) -> Value {
    let mut all = vec!["schema"];
    all.extend(args);
    let out = run(&all);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("the schema is JSON")
}

fn component_types(schema: &Value) -> Vec<&str> {
    schema["definitions"]["component"]["properties"]["type"]["enum"]
        .as_array()
        .expect("component type enum")
        .iter()
        .map(|v| v.as_str().expect("a name"))
        .collect()
}

#[test]
fn schema_prints_a_json_schema() {
    let newest = schema(&[]);
    assert!(
        newest["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("json-schema.org"))
    );
    assert_eq!(newest["type"], "object");
    assert!(component_types(&newest).contains(&"TextInput"));
}

#[test]
fn schema_follows_the_requested_version() {
    assert!(component_types(&schema(&["--version", "6.3"])).contains(&"ChipsSelector"));
    let older = schema(&["--version", "6.2"]);
    assert!(!component_types(&older).contains(&"ChipsSelector"));
    assert!(!older.to_string().contains("ChipsSelector"));
}

#[test]
fn schema_of_an_unknown_version_is_a_usage_error() {
    for version in ["9.9", "1.0", "seven"] {
        let out = run(&["schema", "--version", version]);
        assert_eq!(out.code, Some(2), "{version}");
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.contains("unknown Flow JSON version"),
            "{version}: {}",
            out.stderr
        );
    }
}

/// The real-world corpus next to the checkout (`../shared/corpus/real-world`), if present.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(ROOT).join("../shared/corpus/real-world");
    dir.is_dir().then_some(dir)
}

/// Flow files of a folder; a container file (a JSON object of named flows, as pywa's test
/// data) is split into one file per flow under `split`.
fn flow_files(dir: &Path, split: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a folder of flows")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let mut files = Vec::new();
    for path in names {
        let doc: Option<Value> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        let flows = doc.as_ref().and_then(Value::as_object).filter(|o| {
            !o.is_empty()
                && !o.contains_key("screens")
                && o.values().all(|v| v.get("screens").is_some())
        });
        match flows {
            Some(flows) => {
                let stem = path.file_stem().expect("stem").to_string_lossy();
                for (key, flow) in flows {
                    let file = split.join(format!("{stem}__{key}.json"));
                    let text = serde_json::to_string_pretty(flow).expect("prints");
                    std::fs::write(&file, text).expect("write");
                    files.push(file);
                }
            }
            None => files.push(path),
        }
    }
    files
}

/// The compiled schema of each version `flowsim schema` knows, on demand.
struct Schemas(std::collections::HashMap<String, jsonschema::Validator>);

impl Schemas {
    fn of(&mut self, version: &str) -> &jsonschema::Validator {
        self.0.entry(version.to_string()).or_insert_with(|| {
            let schema = schema(&["--version", version]);
            jsonschema::draft7::new(&schema)
                .unwrap_or_else(|e| panic!("the {version} schema compiles: {e}"))
        })
    }
}

/// Where an instance breaks a schema: `path: message`, one per finding.
fn schema_errors(validator: &jsonschema::Validator, flow: &Value) -> Vec<String> {
    validator
        .iter_errors(flow)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// `flowsim schema` is never stricter than `flowsim validate`: every flow the validator
/// accepts (warnings allowed) — the samples, the valid fixtures and every corpus flow —
/// passes the schema of its version under a real JSON Schema validator.
#[test]
fn schema_accepts_every_flow_validate_accepts() {
    let split = tempfile::tempdir().expect("tempdir");
    let mut files = sample_flows();
    files.extend(
        fixture_names("valid")
            .iter()
            .map(|n| Path::new(ROOT).join(format!("tests/fixtures/valid/{n}.json"))),
    );
    let corpus = corpus_dir().map(|dir| flow_files(&dir, split.path()));
    match &corpus {
        Some(flows) => files.extend(flows.iter().cloned()),
        None => eprintln!("note: ../shared/corpus/real-world is absent; samples and fixtures only"),
    }
    let from_corpus = |p: &PathBuf| corpus.as_ref().is_some_and(|c| c.contains(p));
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["validate", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let reports = json_lines(&run(&args).stdout);
    assert_eq!(reports.len(), files.len(), "one report per file");

    let mut schemas = Schemas(Default::default());
    let (mut checked, mut corpus_checked, mut failures) = (0, 0, Vec::new());
    for (report, path) in reports.iter().zip(&files) {
        if report["valid"] != true {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        let flow: Value = serde_json::from_str(&text).expect("a valid flow is JSON");
        let version = flow["version"]
            .as_str()
            .expect("a valid flow has a version");
        if !flowsim_core::flow::version::Version::parse(version).is_some_and(|v| v.is_known()) {
            // A newer version than flowsim knows has no schema of its own.
            assert!(
                path.ends_with("document__unknown_newer_version.json"),
                "{}",
                path.display()
            );
            continue;
        }
        checked += 1;
        if from_corpus(path) {
            corpus_checked += 1;
        }
        let errors = schema_errors(schemas.of(version), &flow);
        if !errors.is_empty() {
            failures.push(format!("{}:\n  {}", path.display(), errors.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "the schema rejects flows that `flowsim validate` accepts:\n{}",
        failures.join("\n")
    );
    assert!(
        checked >= sample_flows().len() + 10,
        "only {checked} flows checked"
    );
    if corpus.is_some() {
        assert!(
            corpus_checked >= 30,
            "only {corpus_checked} corpus flows accepted"
        );
    }
}

/// The schema is not vacuous: what both reject, it rejects at the same place.
#[test]
fn schema_rejects_what_validate_rejects_at_the_same_path() {
    let mut schemas = Schemas(Default::default());
    for (fixture, pointer) in [
        (
            "components__unknown_property_typo",
            "/screens/0/layout/children/0",
        ),
        (
            "components__bad_enum_value",
            "/screens/0/layout/children/0/input-type",
        ),
        ("screens__wrong_layout_type", "/screens/0/layout/type"),
    ] {
        let path = Path::new(ROOT).join(format!("tests/fixtures/invalid/{fixture}.json"));
        let flow: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON");
        let errors = schema_errors(
            schemas.of(flow["version"].as_str().expect("version")),
            &flow,
        );
        assert!(
            errors.iter().any(|e| e.starts_with(pointer)),
            "{fixture}: no schema error at {pointer}: {errors:?}"
        );
    }
}
