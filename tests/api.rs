//! `flowsim api` through the real binary against a fake Graph API on 127.0.0.1
//! (`tests/fake_graph`): every command as a user runs it, each refusal and its message, the
//! retry rules, and — on every single run — that the token appears nowhere in the output.

mod fake_graph;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use fake_graph::{EXPIRED, Fake, Injected, NO_MESSAGING, PHONE, TOKEN, WABA, error_body};
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(root().join("sample-flows").join(name)).unwrap()
}

fn invalid_fixture() -> PathBuf {
    root().join("tests/fixtures/invalid/actions__navigate_unknown_screen.json")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `flowsim api --graph-url FAKE ARGS…` with the test token and ids in the environment,
/// standard input a pipe (never a terminal); fails the test if any token shows in the output.
fn api_with(fake: &Fake, args: &[&str], setup: impl FnOnce(&mut Command)) -> Out {
    let mut cmd = Command::cargo_bin("flowsim").unwrap();
    cmd.env("WHATSAPP_ACCESS_TOKEN", TOKEN)
        .env("WHATSAPP_BUSINESS_ACCOUNT_ID", WABA)
        .env("WHATSAPP_PHONE_NUMBER_ID", PHONE)
        .env("NO_COLOR", "1")
        .args(["api", "--graph-url", &fake.url])
        .args(args)
        .write_stdin("")
        .timeout(Duration::from_secs(60));
    setup(&mut cmd);
    let out = cmd.output().unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for token in [TOKEN, EXPIRED, NO_MESSAGING] {
        assert!(
            !out.all().contains(token),
            "the token appeared in the output of {args:?}:\n{}",
            out.all()
        );
    }
    out
}

fn api(fake: &Fake, args: &[&str]) -> Out {
    api_with(fake, args, |_| {})
}

/// Fails the test, showing both, unless `text` contains `needle`.
#[track_caller]
fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} is not in:\n{text}");
}

fn seen(fake: &Fake, method: &str, path_end: &str) -> Vec<fake_graph::Seen> {
    fake.state()
        .seen
        .iter()
        .filter(|s| s.method == method && s.path.ends_with(path_end))
        .cloned()
        .collect()
}

// --- configuration -----------------------------------------------------------------------

#[test]
fn missing_token_and_ids_are_usage_errors_that_say_what_to_set() {
    let fake = Fake::start();
    let out = api_with(&fake, &["list"], |c| {
        c.env_remove("WHATSAPP_ACCESS_TOKEN");
    });
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "WHATSAPP_ACCESS_TOKEN");
    let out = api_with(&fake, &["list"], |c| {
        c.env_remove("WHATSAPP_BUSINESS_ACCOUNT_ID");
    });
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "WHATSAPP_BUSINESS_ACCOUNT_ID");
    let out = api_with(&fake, &["key", "get"], |c| {
        c.env_remove("WHATSAPP_PHONE_NUMBER_ID");
    });
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "--phone-id");
    assert!(fake.state().seen.is_empty(), "nothing was sent");
}

#[test]
fn plain_http_to_another_host_and_bad_ids_are_refused_before_sending() {
    let fake = Fake::start();
    let out = Command::cargo_bin("flowsim")
        .unwrap()
        .env("WHATSAPP_ACCESS_TOKEN", TOKEN)
        .env("WHATSAPP_BUSINESS_ACCOUNT_ID", WABA)
        .args(["api", "--graph-url", "http://graph.example.com", "list"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("unencrypted") && !stderr.contains(TOKEN),
        "{stderr}"
    );
    let out = api(&fake, &["show", "12/../34"]);
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "not a Graph id");
    let out = api(&fake, &["--graph-version", "25", "list"]);
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "v25.0");
    assert!(fake.state().seen.is_empty());
}

#[test]
fn a_wrong_or_expired_token_is_explained_and_never_shown() {
    let fake = Fake::start();
    let wrong = "EAAGwrongTokenThatMetaDoesNotKnow1234";
    let out = api(&fake, &["--token", wrong, "-v", "list"]);
    assert_eq!(out.code, 3);
    assert!(!out.all().contains(wrong), "{}", out.all());
    assert_has(&out.stderr, "Authorization: Bearer ***");
    assert_has(
        &out.stderr,
        "code 190, OAuthException, HTTP 401, fbtrace_id Afake",
    );
    assert_has(&out.stderr, "does not accept the access token");
    let out = api_with(&fake, &["list"], |c| {
        c.env("WHATSAPP_ACCESS_TOKEN", EXPIRED);
    });
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "code 190, subcode 463");
    assert_has(&out.stderr, "hint: the access token has expired");
    // The fake saw the real token in the header, and only there.
    let auth = fake.state().seen.last().unwrap().authorization.clone();
    assert_eq!(auth.as_deref(), Some(format!("Bearer {EXPIRED}").as_str()));
    assert!(!fake.state().seen.iter().any(|s| s.query.contains("EAAG")));
}

#[test]
fn verbose_shows_each_request_and_answer_with_the_token_masked() {
    let fake = Fake::start();
    fake.add_flow("One", "DRAFT", None);
    let out = api(&fake, &["-v", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(
        &out.stderr,
        &format!("> GET {}/v25.0/{WABA}/flows?fields=", fake.url),
    );
    assert_has(&out.stderr, "> Authorization: Bearer ***");
    assert_has(&out.stderr, "< 200 OK in ");
    assert_has(&out.stderr, "\"name\":\"One\"");
}

// --- list and show -----------------------------------------------------------------------

#[test]
fn list_pages_through_every_cursor() {
    let fake = Fake::start();
    for i in 0..60 {
        fake.add_flow(&format!("flow {i:02}"), "DRAFT", None);
    }
    let out = api(&fake, &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("ID  "), "{}", out.stdout);
    assert!(out.stdout.ends_with("60 flows\n"), "{}", out.stdout);
    for i in 0..60 {
        assert!(out.stdout.contains(&format!("flow {i:02}\n")), "flow {i}");
    }
    let pages = seen(&fake, "GET", "/flows");
    assert_eq!(pages.len(), 3);
    assert!(!pages[0].query.contains("after="));
    assert!(pages[1].query.contains("after=") && pages[2].query.contains("after="));

    let out = api(&fake, &["list", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 60);
    assert_eq!(
        v["data"][0]["name"], "flow 59",
        "newest first, as the fake orders them"
    );
}

#[test]
fn list_shows_versions_and_error_counts() {
    let fake = Fake::start();
    fake.add_flow("Loan", "PUBLISHED", Some(&sample("loan_application.json")));
    fake.add_flow(
        "Broken",
        "DRAFT",
        Some(&std::fs::read_to_string(invalid_fixture()).unwrap()),
    );
    let out = api(&fake, &["list"]);
    let broken = out.stdout.lines().find(|l| l.ends_with("Broken")).unwrap();
    let cells: Vec<&str> = broken.split_whitespace().collect();
    assert_eq!(cells[1..6], ["DRAFT", "7.3", "-", "1", "OTHER"], "{broken}");
    let loan = out.stdout.lines().find(|l| l.ends_with("Loan")).unwrap();
    assert!(loan.contains("PUBLISHED") && loan.contains("3.0"), "{loan}");
}

#[test]
fn show_prints_every_field_health_and_preview() {
    let fake = Fake::start();
    let id = fake.add_flow("Loan", "DRAFT", Some(&sample("loan_application.json")));
    let out = api(&fake, &["show", &id]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        &format!("flow {id} \"Loan\""),
        "status            DRAFT",
        "json_version      7.3",
        "data_api_version  3.0",
        "endpoint_uri      -",
        &format!("waba              Fake WABA ({WABA})"),
        &format!("preview           {}/preview/{id}/?token=", fake.url),
        "(in 30 days)",
        "health_status     BLOCKED",
        "131000 endpoint_uri: You need to set the endpoint URI",
        "solution: https://developers.facebook.com/",
    ] {
        assert!(out.stdout.contains(needle), "{needle}:\n{}", out.stdout);
    }
    let out = api(&fake, &["show", &id, "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["health_status"]["entities"][0]["entity_type"], "FLOW");
    assert_eq!(v["data_api_version"], "3.0");
}

#[test]
fn an_unknown_id_is_explained() {
    let fake = Fake::start();
    let out = api(&fake, &["show", "999"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "Object with ID '999' does not exist");
    assert_has(
        &out.stderr,
        "code 100, subcode 33, GraphMethodException, HTTP 400, fbtrace_id",
    );
    assert_has(&out.stderr, "hint: there is no object with that id");
    // --format json prints Meta's envelope as it came.
    let out = api(&fake, &["show", "999", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["error"]["error_subcode"], 33);
    assert!(
        v["error"]["fbtrace_id"]
            .as_str()
            .unwrap()
            .starts_with("Afake")
    );
}

// --- create ------------------------------------------------------------------------------

#[test]
fn create_prints_the_id_and_sends_what_was_asked() {
    let fake = Fake::start();
    let file = root().join("sample-flows/sign_up.json");
    let out = api(
        &fake,
        &[
            "create",
            "Sign up",
            "--file",
            file.to_str().unwrap(),
            "--category",
            "SIGN_UP",
            "--category",
            "SIGN_IN",
            "--endpoint-uri",
            "https://example.com/flow",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = out.stdout.trim();
    assert!(
        !id.is_empty() && out.stdout.lines().count() == 1,
        "{}",
        out.stdout
    );
    let f = fake.flow(id).unwrap();
    assert_eq!(f.name, "Sign up");
    assert_eq!(f.categories, ["SIGN_UP", "SIGN_IN"]);
    assert_eq!(f.endpoint_uri.as_deref(), Some("https://example.com/flow"));
    assert_eq!(f.json.as_deref(), Some(sample("sign_up.json").as_str()));
    assert_eq!(f.status, "DRAFT");
    assert_has(&out.stderr, "Meta and flowsim agree");

    // Clone: copies the JSON; a name clash is refused with Meta's reason.
    let out = api(&fake, &["create", "Sign up 2", "--clone", id]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fake.flow(out.stdout.trim()).unwrap().json, f.json);
    let out = api(&fake, &["create", "Sign up"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "Flow name is not unique");
    assert_has(&out.stderr, "hint: a flow with this name exists");
    // A category Meta does not have is refused before sending.
    let out = api(&fake, &["create", "X", "--category", "SHOPPING"]);
    assert_eq!(out.code, 2);
}

#[test]
fn create_with_publish_publishes_a_clean_flow_and_says_why_not_otherwise() {
    let fake = Fake::start();
    let good = root().join("sample-flows/welcome.json");
    let out = api(
        &fake,
        &[
            "create",
            "Welcome",
            "--file",
            good.to_str().unwrap(),
            "--publish",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fake.flow(out.stdout.trim()).unwrap().status, "PUBLISHED");
    assert_has(&out.stderr, "published");

    let out = api(
        &fake,
        &[
            "create",
            "Broken",
            "--file",
            invalid_fixture().to_str().unwrap(),
            "--publish",
        ],
    );
    assert_eq!(out.code, 1);
    assert_eq!(fake.flow(out.stdout.trim()).unwrap().status, "DRAFT");
    assert_has(
        &out.stderr,
        "error[INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME]",
    );
    assert_has(&out.stderr, "not published: the flow is DRAFT");
}

// --- push --------------------------------------------------------------------------------

#[test]
fn push_uploads_multipart_and_shows_meta_s_errors_as_validate_does() {
    let fake = Fake::start();
    let id = fake.add_flow("Draft", "DRAFT", None);
    let file = invalid_fixture();
    let out = api(&fake, &["push", &id, file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.all());
    // Meta's error is drawn exactly as `flowsim validate` draws its own finding.
    let validate = Command::cargo_bin("flowsim")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["validate", file.to_str().unwrap()])
        .output()
        .unwrap();
    let validate = String::from_utf8_lossy(&validate.stdout).into_owned();
    let drawing: String = validate
        .lines()
        .take_while(|l| !l.starts_with("help:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        drawing.contains("--> ") && drawing.contains("^^^"),
        "{drawing}"
    );
    assert!(
        out.stdout.contains(&drawing),
        "push:\n{}\nvalidate:\n{drawing}",
        out.stdout
    );
    assert_has(&out.stdout, "flowsim's verdict: ");
    assert_has(&out.stdout, "Meta and flowsim agree on the 1 error.");

    let upload = seen(&fake, "POST", "/assets").pop().unwrap();
    assert!(
        upload
            .content_type
            .unwrap()
            .starts_with("multipart/form-data")
    );
    assert!(
        upload.body.contains("[file: ")
            && upload.body.contains("[name: 9 bytes]")
            && upload.body.contains("[asset_type: 9 bytes]"),
        "{}",
        upload.body
    );
    let f = fake.flow(&id).unwrap();
    assert_eq!(
        f.json.as_deref(),
        Some(std::fs::read_to_string(&file).unwrap().as_str())
    );
    assert_eq!(f.validation_errors.len(), 1);

    let out = api(
        &fake,
        &["push", &id, file.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["success"], true);
    assert_eq!(
        v["validation_errors"][0]["error"],
        "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME"
    );
}

#[test]
fn push_states_each_disagreement_plainly() {
    let fake = Fake::start();
    let id = fake.add_flow("Draft", "DRAFT", None);
    // Meta finds an error flowsim does not know.
    fake.state().verdicts.push_back(vec![json!({
        "error": "INVALID_PROPERTY_VALUE", "error_type": "FLOW_JSON_ERROR",
        "message": "Meta-only rule", "line_start": 2, "line_end": 2, "column_start": 3, "column_end": 12,
        "pointers": [{"path": "version", "line_start": 2, "line_end": 2, "column_start": 3, "column_end": 12}]
    })]);
    let good = root().join("sample-flows/welcome.json");
    let out = api(&fake, &["push", &id, good.to_str().unwrap()]);
    assert_eq!(out.code, 1, "Meta's verdict decides the exit code");
    assert_has(&out.stdout, "error[INVALID_PROPERTY_VALUE]: Meta-only rule");
    assert_has(&out.stdout, "Meta and flowsim disagree:");
    assert_has(
        &out.stdout,
        "Meta reports INVALID_PROPERTY_VALUE at version (line 2, column 3) and flowsim does not",
    );
    // flowsim finds an error Meta accepts.
    fake.state().verdicts.push_back(vec![]);
    let out = api(&fake, &["push", &id, invalid_fixture().to_str().unwrap()]);
    assert_eq!(out.code, 0);
    assert_has(&out.stdout, "valid");
    assert_has(
        &out.stdout,
        "flowsim reports INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME at screens[0]",
    );
    assert_has(&out.stdout, "and Meta does not");
}

#[test]
fn push_moves_a_published_flow_back_to_draft_and_is_refused_on_a_deprecated_one() {
    let fake = Fake::start();
    let json = sample("welcome.json");
    let published = fake.add_flow("Pub", "PUBLISHED", Some(&json));
    let good = root().join("sample-flows/welcome.json");
    let out = api(&fake, &["push", &published, good.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.all());
    let f = fake.flow(&published).unwrap();
    assert_eq!(f.status, "DRAFT");
    assert_eq!(f.published_json.as_deref(), Some(json.as_str()));

    let deprecated = fake.add_flow("Old", "DEPRECATED", Some(&json));
    let out = api(&fake, &["push", &deprecated, good.to_str().unwrap()]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "(#139001) Flow can't be updated");
    assert_has(&out.stderr, &format!("--clone {deprecated}"));
}

#[test]
fn push_refuses_files_meta_would_refuse_without_uploading() {
    let fake = Fake::start();
    let id = fake.add_flow("Draft", "DRAFT", None);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.json");
    std::fs::write(&bad, b"{\"version\": \"7.3\", \"x\": \"\xe9\"}").unwrap();
    let out = api(&fake, &["push", &id, bad.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("not UTF-8") && out.stderr.contains("not uploaded"),
        "{}",
        out.stderr
    );
    let out = api(
        &fake,
        &[
            "push",
            &id,
            dir.path().join("missing.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(seen(&fake, "POST", "/assets").is_empty());
}

// --- pull --------------------------------------------------------------------------------

#[test]
fn pull_downloads_without_the_token_and_never_overwrites_by_accident() {
    let fake = Fake::start();
    let json = sample("survey.json");
    let id = fake.add_flow("Survey", "PUBLISHED", Some(&json));
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("survey.json");
    let out = api(&fake, &["pull", &id, "-o", out_file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), json);
    assert_has(&out.stderr, &format!("pulled flow {id} to "));
    assert_eq!(
        fake.state().downloads,
        vec![None],
        "the public link got no Authorization header"
    );

    let out = api(&fake, &["pull", &id, "-o", out_file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "--force");
    let out = api(
        &fake,
        &["pull", &id, "-o", out_file.to_str().unwrap(), "--force"],
    );
    assert_eq!(out.code, 0);

    let out = api(&fake, &["pull", &id, "-o", "-"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, json);

    let empty = fake.add_flow("Empty", "DRAFT", None);
    let out = api(&fake, &["pull", &empty, "-o", "-"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "has no Flow JSON yet");
}

// --- lifecycle ---------------------------------------------------------------------------

#[test]
fn lifecycle_changes_need_yes_without_a_terminal() {
    let fake = Fake::start();
    let id = fake.add_flow("W", "DRAFT", Some(&sample("welcome.json")));
    for verb in ["publish", "deprecate", "delete"] {
        let out = api(&fake, &[verb, &id]);
        assert_eq!(out.code, 2, "{verb}");
        assert_has(&out.stderr, "needs confirmation: pass --yes");
    }
    assert!(fake.state().seen.is_empty(), "nothing was sent");
    assert_eq!(fake.flow(&id).unwrap().status, "DRAFT");
}

#[test]
fn the_status_machine_and_each_refusal() {
    let fake = Fake::start();
    let id = fake.add_flow("W", "DRAFT", Some(&sample("welcome.json")));

    let out = api(&fake, &["deprecate", &id, "--yes"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "(#139003) Can't deprecate unpublished Flow");
    assert_has(
        &out.stderr,
        &format!(
            "hint: only a PUBLISHED flow can be deprecated; a draft can be deleted instead: `flowsim api delete {id}`"
        ),
    );

    let out = api(&fake, &["publish", &id, "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("published flow {id}\n"));
    assert_eq!(fake.flow(&id).unwrap().status, "PUBLISHED");

    let out = api(&fake, &["publish", &id, "--yes"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "Flow is not in DRAFT status");
    assert_has(&out.stderr, "hint: only a DRAFT flow can be published");

    let out = api(&fake, &["delete", &id, "--yes"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "(#139004) Can't delete published Flow");
    assert_has(
        &out.stderr,
        "Published Flows cannot be deleted. Deprecate the Flow instead.",
    );
    assert_has(
        &out.stderr,
        &format!(
            "hint: a published flow can never be deleted: deprecate it instead with `flowsim api deprecate {id}`"
        ),
    );
    assert_has(
        &out.stderr,
        "code 139004, OAuthException, HTTP 400, fbtrace_id Afake",
    );

    let out = api(&fake, &["deprecate", &id, "-y"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fake.flow(&id).unwrap().status, "DEPRECATED");
    let out = api(&fake, &["deprecate", &id, "--yes"]);
    assert_eq!(out.code, 3);
    assert_has(
        &out.stderr,
        "hint: the flow is already deprecated: nothing more to do",
    );

    let draft = fake.add_flow("D", "DRAFT", None);
    let out = api(&fake, &["delete", &draft, "--yes", "--format", "json"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap(),
        json!({"success": true})
    );
    assert!(fake.flow(&draft).is_none());
    let out = api(&fake, &["show", &draft]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "subcode 33");
}

#[test]
fn publish_refusals_name_the_fix() {
    let fake = Fake::start();
    let broken = fake.add_flow(
        "B",
        "DRAFT",
        Some(&std::fs::read_to_string(invalid_fixture()).unwrap()),
    );
    let out = api(&fake, &["publish", &broken, "--yes"]);
    assert_eq!(out.code, 3);
    assert_has(
        &out.stderr,
        "(#139002) Publishing Flow with validation errors",
    );
    assert_has(&out.stderr, &format!("flowsim api push {broken} FILE"));

    let endpoint = fake.add_flow("E", "DRAFT", Some(&sample("loan_application.json")));
    let out = api(&fake, &["publish", &endpoint, "--yes"]);
    assert!(
        out.stderr.contains("Endpoint URI is not set") && out.stderr.contains("--endpoint-uri"),
        "{}",
        out.stderr
    );
    fake.state()
        .flows
        .iter_mut()
        .find(|f| f.id == endpoint)
        .unwrap()
        .endpoint_uri = Some("https://example.com".into());
    let out = api(&fake, &["publish", &endpoint, "--yes"]);
    assert!(
        out.stderr.contains("Business public key is not signed")
            && out.stderr.contains("flowsim api key set public.pem"),
        "{}",
        out.stderr
    );

    let legacy = fake.add_flow("L", "DRAFT", Some(&sample("legacy_form.json")));
    fake.state()
        .flows
        .iter_mut()
        .find(|f| f.id == legacy)
        .unwrap()
        .validation_errors
        .clear();
    let out = api(&fake, &["publish", &legacy, "--yes"]);
    assert!(
        out.stderr.contains("not available for publishing") && out.stderr.contains("7.3"),
        "{}",
        out.stderr
    );
    assert_eq!(fake.flow(&legacy).unwrap().status, "DRAFT");
}

// --- preview -----------------------------------------------------------------------------

#[test]
fn preview_prints_the_link_with_the_interactive_parameters() {
    let fake = Fake::start();
    let id = fake.add_flow("W", "DRAFT", Some(&sample("welcome.json")));
    let out = api(&fake, &["preview", &id]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = out.stdout.trim().to_string();
    assert!(
        first.starts_with(&format!("{}/preview/{id}/?token=", fake.url)),
        "{first}"
    );
    assert!(
        out.stderr.contains("expires ") && out.stderr.contains("(in 30 days)"),
        "{}",
        out.stderr
    );
    // Stable until invalidated.
    assert_eq!(api(&fake, &["preview", &id]).stdout.trim(), first);
    let out = api(&fake, &["preview", &id, "--invalidate"]);
    assert_ne!(out.stdout.trim(), first);
    assert!(out.stderr.contains("the previous link no longer works"));
    assert!(
        seen(&fake, "GET", &id)
            .last()
            .unwrap()
            .query
            .contains("preview.invalidate%28true%29")
    );

    let out = api(
        &fake,
        &[
            "preview",
            &id,
            "--interactive",
            "--debug",
            "--flow-token",
            "t-1",
            "--flow-action",
            "navigate",
            "--screen",
            "WELCOME",
            "--data",
            "{\"name\":\"Ada & Bo\"}",
            "--phone-number",
            "15551234567",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let link = out.stdout.trim();
    for part in [
        "&interactive=true",
        "&flow_token=t-1",
        "&flow_action=navigate",
        "&flow_action_payload=%7B%22screen%22%3A%22WELCOME%22%2C%22data%22%3A%7B%22name%22%3A%22Ada+%26+Bo%22%7D%7D",
        "&phone_number=15551234567",
        "&debug=true",
    ] {
        assert!(link.contains(part), "{part} in {link}");
    }
    let out = api(&fake, &["preview", &id, "--screen", "WELCOME"]);
    assert!(
        out.stdout
            .contains("&flow_action=navigate&flow_action_payload="),
        "--screen implies navigate: {}",
        out.stdout
    );
    let out = api(&fake, &["preview", &id, "--debug"]);
    assert_eq!(out.code, 2, "--debug needs --interactive");
    let out = api(
        &fake,
        &[
            "preview",
            &id,
            "--flow-action",
            "data_exchange",
            "--screen",
            "X",
        ],
    );
    assert_eq!(out.code, 2);
    for (data, says) in [
        ("[1]", "--data must be a JSON object"),
        ("{", "--data is not valid JSON"),
        ("@/nonexistent/data.json", "--data "),
    ] {
        let out = api(&fake, &["preview", &id, "--screen", "X", "--data", data]);
        assert_eq!(out.code, 2, "{data}: {}", out.all());
        assert!(out.stderr.contains(says), "{data}: {}", out.stderr);
    }
}

// --- send --------------------------------------------------------------------------------

#[test]
fn send_builds_meta_s_message_and_reports_refusals() {
    let fake = Fake::start();
    let id = fake.add_flow("Sign up", "DRAFT", Some(&sample("sign_up.json")));

    let out = api(&fake, &["send", &id, "--to", "+1 555 123 4567"]);
    assert_eq!(out.code, 3);
    assert_has(
        &out.stderr,
        "details: The Flow is in DRAFT status: send it with mode draft",
    );
    assert_has(&out.stderr, "code 131009");
    assert_has(&out.stderr, "--draft");

    let screen = {
        let flow: Value = serde_json::from_str(&sample("sign_up.json")).unwrap();
        flow["screens"][0]["id"].as_str().unwrap().to_string()
    };
    let out = api(
        &fake,
        &[
            "send",
            &id,
            "--to",
            "+1 555 123 4567",
            "--draft",
            "--cta",
            "Sign up!",
            "--body",
            "Hello",
            "--flow-token",
            "tok-9",
            "--screen",
            &screen,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "wamid.HBgLfake0001\n");
    let sent = fake.state().messages.last().cloned().unwrap();
    assert_eq!(sent["to"], "15551234567");
    let p = &sent["interactive"]["action"]["parameters"];
    assert_eq!(p["mode"], "draft");
    assert_eq!(p["flow_cta"], "Sign up!");
    assert_eq!(p["flow_token"], "tok-9");
    assert_eq!(p["flow_action_payload"]["screen"], screen.as_str());
    assert_eq!(sent["interactive"]["body"]["text"], "Hello");

    let out = api(
        &fake,
        &[
            "send",
            &id,
            "--to",
            "15551234567",
            "--draft",
            "--screen",
            "NOPE",
        ],
    );
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "NOPE is not an entry screen");
    let out = api(
        &fake,
        &[
            "send",
            &id,
            "--to",
            "15551234567",
            "--draft",
            "--flow-action",
            "data_exchange",
            "--screen",
            "X",
        ],
    );
    assert_eq!(out.code, 2);
    let out = api(&fake, &["send", &id, "--to", "call me"]);
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "international format");
    // Writes are sent once: a 503 on send is reported, not repeated.
    fake.state().inject.push_back(Injected {
        status: 503,
        body: error_body(2, "Service temporarily unavailable", true),
        retry_after: None,
    });
    let before = seen(&fake, "POST", "/messages").len();
    let out = api(&fake, &["send", &id, "--to", "15551234567", "--draft"]);
    assert_eq!(out.code, 3);
    assert_eq!(seen(&fake, "POST", "/messages").len(), before + 1);
    assert_has(&out.stderr, "does not repeat changes");
}

#[test]
fn send_without_the_messaging_permission_says_which_permission() {
    let fake = Fake::start();
    let id = fake.add_flow("P", "PUBLISHED", Some(&sample("welcome.json")));
    let out = api_with(&fake, &["send", &id, "--to", "15551234567"], |c| {
        c.env("WHATSAPP_ACCESS_TOKEN", NO_MESSAGING);
    });
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("code 200") && out.stderr.contains("whatsapp_business_messaging"),
        "{}",
        out.stderr
    );
    // The same token manages flows.
    let out = api_with(&fake, &["list"], |c| {
        c.env("WHATSAPP_ACCESS_TOKEN", NO_MESSAGING);
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
}

// --- key ---------------------------------------------------------------------------------

#[test]
fn key_set_checks_the_key_and_key_get_shows_its_status() {
    let fake = Fake::start();
    let out = api(&fake, &["key", "get"]);
    assert_eq!(out.code, 0);
    assert_has(&out.stdout, "has no business public key");

    let keys = root().join("tests/fixtures/keys");
    let out = api(
        &fake,
        &["key", "set", keys.join("private.pem").to_str().unwrap()],
    );
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "private key");
    assert!(
        fake.state().key.is_none(),
        "a private key is never uploaded"
    );

    let out = api(
        &fake,
        &["key", "set", keys.join("public.pem").to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (pem, status) = fake.state().key.clone().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(status, "VALID");
    let out = api(&fake, &["key", "get"]);
    assert_has(&out.stdout, "-----BEGIN PUBLIC KEY-----");
    assert_has(&out.stdout, "signature status: VALID");
}

// --- retries and rate limits ------------------------------------------------------------

#[test]
fn reads_are_retried_after_5xx_and_transient_errors() {
    let fake = Fake::start();
    fake.add_flow("One", "DRAFT", None);
    fake.state().inject.push_back(Injected {
        status: 503,
        body: error_body(2, "Service temporarily unavailable", true),
        retry_after: None,
    });
    fake.state().inject.push_back(Injected {
        status: 400,
        body: error_body(4, "(#4) Application request limit reached", true),
        retry_after: Some(1),
    });
    let out = api(&fake, &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(&out.stdout, "One");
    assert_has(
        &out.stderr,
        "note: Meta answered HTTP 503 (code 2): trying again in 0.5 s (retry 1 of 3)",
    );
    assert_has(
        &out.stderr,
        "note: Meta answered HTTP 400 (code 4): trying again in 1.0 s (retry 2 of 3)",
    );
    assert_eq!(seen(&fake, "GET", "/flows").len(), 3);
}

#[test]
fn a_rate_limit_with_a_long_wait_is_not_retried_and_says_how_long() {
    let fake = Fake::start();
    fake.state().budget = Some(0);
    let out = api(&fake, &["list"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "code 80007, OAuthException, HTTP 429");
    assert_has(&out.stderr, "wait about 5 minutes (Meta's estimate)");
    assert_eq!(
        fake.state().seen.len(),
        1,
        "a 5-minute wait is not slept through"
    );
}

#[test]
fn retries_give_up_after_three() {
    let fake = Fake::start();
    for _ in 0..4 {
        fake.state().inject.push_back(Injected {
            status: 500,
            body: error_body(1, "An unknown error occurred", false),
            retry_after: None,
        });
    }
    let out = api(&fake, &["show", "1"]);
    assert_eq!(out.code, 3);
    assert_eq!(fake.state().seen.len(), 4);
    assert_has(
        &out.stderr,
        "hint: a temporary problem at Meta (flowsim already retried this read)",
    );
}

#[test]
fn blocked_and_throttled_flows_are_refused_with_their_codes() {
    let fake = Fake::start();
    let id = fake.add_flow("P", "BLOCKED", Some(&sample("welcome.json")));
    let out = api(&fake, &["send", &id, "--to", "15551234567"]);
    assert_eq!(out.code, 3);
    assert_has(&out.stderr, "code 132068");
    assert!(
        out.stderr.contains("hint: the flow is BLOCKED")
            && out.stderr.contains(&format!("flowsim api show {id}")),
        "{}",
        out.stderr
    );

    let id = fake.add_flow("T", "THROTTLED", Some(&sample("welcome.json")));
    fake.state()
        .flows
        .iter_mut()
        .find(|f| f.id == id)
        .unwrap()
        .sends = 10;
    let out = api(&fake, &["send", &id, "--to", "15551234567"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("code 132069") && out.stderr.contains("THROTTLED"),
        "{}",
        out.stderr
    );
    let out = api(&fake, &["show", &id]);
    assert_has(&out.stdout, "health_status     LIMITED");
}
