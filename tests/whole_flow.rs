//! The whole-flow commands on fixtures with known answers: `flowsim graph` (text, Mermaid and
//! DOT, each parsed back), `flowsim test --coverage`, `flowsim diff`, `flowsim lint` and
//! `flowsim render --format svg` (parsed as XML).

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/whole/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> String {
    format!("{}/sample-flows/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs flowsim in the fixtures folder, so reports name files as a user there would see them.
fn flowsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("flowsim")
        .unwrap()
        .current_dir(fixture(""))
        .env("NO_COLOR", "1")
        .env("FLOWSIM_CONFIG", "")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sample_flows() -> Vec<PathBuf> {
    let mut flows: Vec<PathBuf> = std::fs::read_dir(sample(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".json")
                && !name.ends_with(".test.json")
                && !name.ends_with(".mock.json")
        })
        .collect();
    flows.sort();
    flows
}

// ---------------------------------------------------------------------------------------
// graph

#[test]
fn graph_text_of_known_flows() {
    let (code, shop, _) = flowsim(&["graph", "shop.json"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("graph_shop", shop);
    let (code, endpoint, _) = flowsim(&["graph", "endpoint.json"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("graph_endpoint", endpoint);
    let (_, loan, _) = flowsim(&["graph", &sample("loan_application.json")]);
    assert_eq!(
        loan,
        "LOAN  \"Personal loan\"  [entry]\n  └─ endpoint → OFFER  (Footer \"See my offer\")\n\
         OFFER  \"Your offer\"\n  └─ endpoint → DETAILS  (Footer \"Continue with this offer\")\n\
         DETAILS  \"About you\"\n  └─ endpoint → SUMMARY  (Footer \"Review application\")\n\
         SUMMARY  \"Review and submit\"  [terminal]\n  └─ complete → END  (Footer \"Submit application\", SUCCESS answer)\n"
    );
}

/// A Mermaid flowchart as flowsim writes it, read back strictly: every line must be a
/// node, an edge, a class or a link style, labels must be quoted with entity codes, and edges
/// must join declared nodes. Returns (node id → label, edges (from, arrow, label, to), classes).
type Mermaid = (
    Vec<(String, String)>,
    Vec<(String, String, String, String)>,
    Vec<(String, String)>,
);

fn parse_mermaid(text: &str) -> Mermaid {
    let node = regex::Regex::new(r#"^    (\w+)(?:\["([^"]*)"\]|\(\("([^"]*)"\)\)|>"([^"]*)"\])$"#)
        .unwrap();
    let edge = regex::Regex::new(r#"^    (\w+) (-->|-\.->|==>)\|"([^"]*)"\| (\w+)$"#).unwrap();
    let class_def = regex::Regex::new(r"^    classDef (\w+) [\w:#,.\- ]+$").unwrap();
    let class = regex::Regex::new(r"^    class ([\w,]+) (\w+)$").unwrap();
    let link = regex::Regex::new(r"^    linkStyle (\d+) [\w:#,.\- ]+$").unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    let (mut nodes, mut edges, mut classes) = (Vec::new(), Vec::new(), Vec::new());
    let mut defined = BTreeSet::new();
    for line in lines {
        if let Some(c) = node.captures(line) {
            let label = (2..=4).find_map(|i| c.get(i)).unwrap().as_str();
            nodes.push((c[1].to_string(), label.to_string()));
        } else if let Some(c) = edge.captures(line) {
            edges.push((
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c[4].to_string(),
            ));
        } else if let Some(c) = class_def.captures(line) {
            defined.insert(c[1].to_string());
        } else if let Some(c) = class.captures(line) {
            assert!(
                defined.contains(&c[2]),
                "class {} used before classDef",
                &c[2]
            );
            for id in c[1].split(',') {
                classes.push((id.to_string(), c[2].to_string()));
            }
        } else if let Some(c) = link.captures(line) {
            let n: usize = c[1].parse().unwrap();
            assert!(n < edges.len(), "linkStyle {n} names no edge");
        } else {
            panic!("not a Mermaid line flowsim writes: {line:?}\n{text}");
        }
    }
    let ids: BTreeSet<&String> = nodes.iter().map(|(id, _)| id).collect();
    for (from, _, _, to) in &edges {
        assert!(ids.contains(from) && ids.contains(to), "edge {from} → {to}");
    }
    (nodes, edges, classes)
}

#[test]
fn graph_mermaid_parses_with_the_known_nodes_edges_and_marks() {
    let (code, out, _) = flowsim(&["graph", "--format", "mermaid", "shop.json"]);
    assert_eq!(code, 0);
    let (nodes, edges, classes) = parse_mermaid(&out);
    assert_eq!(
        nodes,
        [
            ("s0", "START<br/><i>Start here</i>"),
            (
                "s1",
                "DETAILS<br/><i>Tell us everything about your order today</i>"
            ),
            ("s2", "DONE<br/><i>Done</i>"),
            ("end_", "END"),
            ("u0", "https://example.com/terms"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let edges: Vec<String> = edges
        .iter()
        .map(|(a, arrow, label, b)| format!("{a} {arrow} {b}: {label}"))
        .collect();
    assert_eq!(
        edges,
        [
            "s0 -.-> u0: open_url: EmbeddedLink #quot;Read the terms#quot;",
            "s0 --> s2: navigate: EmbeddedLink #quot;Skip ahead#quot;",
            "s0 --> s1: navigate: Footer #quot;Next#quot;",
            "s1 --> s2: navigate: Footer #quot;Continue to the last step now#quot;",
            "s2 ==> end_: complete: Footer #quot;Send#quot;",
        ]
    );
    assert_eq!(
        classes,
        [("s0", "entry"), ("s2", "terminal")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    insta::assert_snapshot!("graph_shop_mermaid", out);
}

/// Nodes (id, label) and edges (from, to, label) of a DOT digraph.
type Dot = (Vec<(String, String)>, Vec<(String, String, String)>);

/// A DOT digraph read by a DOT parser.
fn parse_dot(text: &str) -> Dot {
    use graphviz_rust::dot_structures::{Edge, EdgeTy, Graph, Id, Node, NodeId, Stmt, Vertex};
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let Graph::DiGraph { stmts, .. } = graph else {
        panic!("not a digraph: {text}")
    };
    let id = |i: &Id| match i {
        Id::Plain(s) | Id::Html(s) | Id::Anonymous(s) => s.clone(),
        Id::Escaped(s) => s[1..s.len() - 1].replace("\\n", "\n").replace("\\\"", "\""),
    };
    let label = |attrs: &[graphviz_rust::dot_structures::Attribute]| {
        attrs
            .iter()
            .find(|a| id(&a.0) == "label")
            .map(|a| id(&a.1))
            .unwrap_or_default()
    };
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    for s in stmts {
        match s {
            Stmt::Node(Node {
                id: NodeId(n, _),
                attributes,
            }) => nodes.push((id(&n), label(&attributes))),
            Stmt::Edge(Edge {
                ty: EdgeTy::Pair(Vertex::N(NodeId(a, _)), Vertex::N(NodeId(b, _))),
                attributes,
            }) => edges.push((id(&a), id(&b), label(&attributes))),
            _ => {}
        }
    }
    (nodes, edges)
}

#[test]
fn graph_dot_parses_with_the_known_nodes_and_edges() {
    let (code, out, _) = flowsim(&["graph", "--format", "dot", "endpoint.json"]);
    assert_eq!(code, 0);
    let (nodes, edges) = parse_dot(&out);
    assert_eq!(
        nodes,
        [
            ("s0", "QUOTE\nQuote"),
            ("s1", "OFFER\nOffer"),
            ("s2", "SUBMIT\nSubmit"),
            ("end_", "END"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        edges,
        [
            ("s0", "s1", "endpoint: Footer \"Get a quote\""),
            ("s1", "s2", "endpoint"),
            ("s2", "end_", "complete: Footer \"Submit\", SUCCESS answer"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    assert!(
        out.contains("s0 [label=\"QUOTE\\nQuote\", penwidth=3"),
        "entry: {out}"
    );
    assert!(out.contains("peripheries=2"), "terminal: {out}");
}

#[test]
fn every_sample_graph_parses_as_mermaid_and_dot_with_one_node_per_screen() {
    for flow in sample_flows() {
        let path = flow.to_string_lossy().to_string();
        let screens = serde_json::from_str::<Value>(&std::fs::read_to_string(&flow).unwrap())
            .unwrap()["screens"]
            .as_array()
            .unwrap()
            .len();
        let (code, mermaid, _) = flowsim(&["graph", "--format", "mermaid", &path]);
        assert_eq!(code, 0, "{path}");
        let (nodes, edges, _) = parse_mermaid(&mermaid);
        let screen_nodes = nodes.iter().filter(|(id, _)| id.starts_with('s')).count();
        assert_eq!(screen_nodes, screens, "{path}");
        assert!(!edges.is_empty(), "{path} has routes");
        let (code, dot, _) = flowsim(&["graph", "--format", "dot", &path]);
        assert_eq!(code, 0, "{path}");
        let (dot_nodes, dot_edges) = parse_dot(&dot);
        assert_eq!(dot_nodes.len(), nodes.len(), "{path}");
        assert_eq!(dot_edges.len(), edges.len(), "{path}");
    }
}

#[test]
fn graph_refuses_what_it_cannot_read() {
    let (code, _, err) = flowsim(&["graph", "missing.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json: no such file"), "{err}");
    let (code, _, err) = flowsim(&["graph", "shop.json", "--coverage", "shop.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not a line of `flowsim test --format json` output"),
        "{err}"
    );
    let (code, _, err) = flowsim(&["graph", "shop.json", "--coverage", "shop.test.json"]);
    assert_eq!(code, 2, "{err}");
}

// ---------------------------------------------------------------------------------------
// coverage

#[test]
fn coverage_counts_what_the_tests_walked() {
    let (code, out, _) = flowsim(&["test", "--coverage", "--format", "json", "shop.test.json"]);
    assert_eq!(code, 0);
    let coverage: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(
        coverage,
        json!({"coverage": {
            "flow": "shop.json",
            "screens": {"covered": 3, "total": 3, "percent": 100.0, "missing": [],
                        "reached": ["START", "DETAILS", "DONE"]},
            "routes": {"covered": 3, "total": 5, "percent": 60.0,
                       "missing": ["START → https://example.com/terms", "START → DONE"],
                       "reached": ["START → DETAILS", "DETAILS → DONE", "DONE → END"]},
            "inputs": {"covered": 2, "total": 5, "percent": 40.0,
                       "missing": ["DETAILS.note", "DETAILS.call_me", "DETAILS.phone"],
                       "reached": ["START.name", "DETAILS.email"]},
            "actions": {"covered": 3, "total": 5, "percent": 60.0,
                        "missing": ["START: EmbeddedLink \"Read the terms\" → open_url",
                                    "START: EmbeddedLink \"Skip ahead\" → navigate"],
                        "reached": ["START: Footer \"Next\" → navigate",
                                    "DETAILS: Footer \"Continue to the last step now\" → navigate",
                                    "DONE: Footer \"Send\" → complete"]}
        }})
    );
    let (code, human, _) = flowsim(&["test", "--coverage", "shop.test.json"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("coverage_shop", human);
}

#[test]
fn a_minimum_coverage_fails_the_run_and_says_which_figures() {
    let (code, _, err) = flowsim(&["test", "--min-coverage", "50", "shop.test.json"]);
    assert_eq!(code, 1, "inputs are at 40%");
    assert_eq!(
        err.trim(),
        "error: coverage of shop.json is under the minimum of 50%: inputs 40%"
    );
    let (code, out, _) = flowsim(&["test", "--min-coverage", "40", "shop.test.json"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("coverage of shop.json"),
        "implies --coverage: {out}"
    );
    let (code, _, _) = flowsim(&["test", "--min-coverage", "101", "shop.test.json"]);
    assert_eq!(code, 2);
}

#[test]
fn every_sample_flow_is_fully_walked_by_its_scenarios_but_two_inputs() {
    let scenarios: Vec<String> = std::fs::read_dir(sample(""))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().to_string())
        .filter(|p| p.ends_with(".test.json"))
        .collect();
    let mut args = vec!["test", "--coverage", "--format", "json"];
    args.extend(scenarios.iter().map(String::as_str));
    let (code, out, _) = flowsim(&args);
    assert_eq!(code, 0);
    let mut missing = Vec::new();
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let Some(c) = v.get("coverage") else { continue };
        for part in ["screens", "routes", "inputs", "actions"] {
            for m in c[part]["missing"].as_array().unwrap() {
                missing.push(format!("{part}: {}", m.as_str().unwrap()));
            }
        }
    }
    missing.sort();
    assert_eq!(missing, ["inputs: DETAILS.name", "inputs: RATE.suggestion"]);
}

#[test]
fn graph_marks_what_the_tests_did_not_reach() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("coverage.jsonl");
    let (_, out, _) = flowsim(&["test", "--coverage", "--format", "json", "shop.test.json"]);
    std::fs::write(&report, out).unwrap();
    let report = report.to_string_lossy().to_string();
    let (code, text, _) = flowsim(&["graph", "shop.json", "--coverage", &report]);
    assert_eq!(code, 0);
    let untested: Vec<&str> = text.lines().filter(|l| l.ends_with("✗ untested")).collect();
    assert_eq!(
        untested,
        [
            "  ├─ open_url → https://example.com/terms  (EmbeddedLink \"Read the terms\")  ✗ untested",
            "  ├─ navigate → DONE  (EmbeddedLink \"Skip ahead\")  ✗ untested",
        ]
    );
    let (_, mermaid, _) = flowsim(&[
        "graph",
        "shop.json",
        "--format",
        "mermaid",
        "--coverage",
        &report,
    ]);
    let (_, edges, classes) = parse_mermaid(&mermaid);
    assert_eq!(edges.len(), 5);
    assert!(mermaid.contains("linkStyle 0 stroke:#d42a2a"), "{mermaid}");
    assert!(mermaid.contains("linkStyle 2 stroke:#21c063"), "{mermaid}");
    assert!(classes.contains(&("s1".to_string(), "reached".to_string())));
    let (_, dot, _) = flowsim(&[
        "graph",
        "shop.json",
        "--format",
        "dot",
        "--coverage",
        &report,
    ]);
    parse_dot(&dot);
    assert_eq!(dot.matches("fontcolor=\"#d42a2a\"").count(), 2, "{dot}");
}

#[test]
fn graph_picks_this_flow_from_a_coverage_report_of_several() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("coverage.jsonl");
    let booking = sample("booking.test.json");
    let (_, out, _) = flowsim(&[
        "test",
        "--coverage",
        "--format",
        "json",
        "shop.test.json",
        &booking,
    ]);
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("{\"coverage\""))
            .count(),
        2
    );
    std::fs::write(&report, out).unwrap();
    let report = report.to_string_lossy().to_string();
    let (code, text, _) = flowsim(&["graph", "shop.json", "--coverage", &report]);
    assert_eq!(code, 0);
    assert_eq!(text.matches("✗ untested").count(), 2, "{text}");
    let (code, text, _) = flowsim(&["graph", &sample("booking.json"), "--coverage", &report]);
    assert_eq!(code, 0);
    assert!(
        !text.contains("untested"),
        "booking's tests walk it all: {text}"
    );
    let (code, _, err) = flowsim(&["graph", &sample("survey.json"), "--coverage", &report]);
    assert_eq!(code, 2);
    assert!(
        err.contains("has coverage for shop.json,") && err.contains("not for"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// diff

#[test]
fn diff_names_every_change_and_explains_the_breaking_ones() {
    let (code, out, _) = flowsim(&[
        "diff",
        "--format",
        "json",
        "endpoint.json",
        "endpoint_v2.json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let changes: Vec<String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}{}",
                c["change"].as_str().unwrap(),
                c["subject"].as_str().unwrap(),
                c["screen"].as_str().unwrap_or("-"),
                c["name"].as_str().unwrap(),
                if c["breaking"] == json!(true) {
                    " BREAKING"
                } else {
                    ""
                }
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            "changed version - version BREAKING",
            "removed screen - SUBMIT BREAKING",
            "changed component QUOTE Footer",
            "renamed input QUOTE TextInput \"amount\" BREAKING",
            "changed screen OFFER OFFER",
            "removed data field OFFER \"monthly\" BREAKING",
            "changed data field OFFER \"rate\" BREAKING",
            "added data field OFFER \"apr\"",
            "changed component OFFER TextBody",
            "added component OFFER Footer",
            "added route OFFER OFFER → END",
        ]
    );
    assert_eq!(v["breaking"], 5);
    let rate = &v["changes"][6];
    assert_eq!(rate["detail"], "number → string");
    assert!(
        rate["why"]
            .as_str()
            .unwrap()
            .contains("sends `rate` as number"),
        "{rate}"
    );
    let (_, human, _) = flowsim(&["diff", "endpoint.json", "endpoint_v2.json"]);
    insta::assert_snapshot!("diff_endpoint", human);
}

#[test]
fn diff_moves_renames_and_exit_codes() {
    let old = std::fs::read_to_string(fixture("shop.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&old).unwrap();
    let children = doc["screens"][1]["layout"]["children"]
        .as_array_mut()
        .unwrap();
    // A new first component shifts the others: that is not a move.
    children.insert(0, json!({"type": "TextBody", "text": "Almost there"}));
    // The email input moved after the note and the check box.
    let email = children.remove(2);
    children.insert(4, email);
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.json");
    std::fs::write(&new, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let new = new.to_string_lossy().to_string();
    let (code, out, _) = flowsim(&["diff", "shop.json", &new]);
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        [
            "> DETAILS: component TextInput \"email\" moved: layout.children[1] → layout.children[4]",
            "+ DETAILS: component TextBody added: layout.children[0]",
            "2 changes, 0 breaking",
        ]
    );
    // No changes: exit 0; standard input on either side.
    let out = Command::cargo_bin("flowsim")
        .unwrap()
        .current_dir(fixture(""))
        .args(["diff", "-", "shop.json"])
        .write_stdin(old.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no changes\n");
    let (code, _, err) = flowsim(&["diff", "-", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("only one side can be `-`"), "{err}");
    let (code, _, _) = flowsim(&["diff", "shop.json", "missing.json"]);
    assert_eq!(code, 2);
}

#[test]
fn diff_marks_payload_keys_gone_and_inputs_that_became_another_component() {
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("shop.json")).unwrap()).unwrap();
    doc["screens"][1]["layout"]["children"][1]["type"] = json!("TextArea");
    doc["screens"][2]["layout"]["children"][1]["on-click-action"]["payload"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.json");
    std::fs::write(&new, doc.to_string()).unwrap();
    let (code, out, _) = flowsim(&[
        "diff",
        "--format",
        "json",
        "shop.json",
        &new.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let why: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["why"].as_str())
        .collect();
    assert_eq!(
        why,
        [
            "`email` is now another component, so the endpoint and the business's response parsing receive another kind of value for it",
            "the payload no longer sends `email`: the endpoint and the business's response parsing read it",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// lint

/// `(code, line)` of every finding in `flowsim lint --format json` output.
fn lint_findings(out: &str) -> Vec<(String, u64)> {
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["error"].as_str().unwrap().to_string(),
                w["line_start"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn lint_finds_what_each_fixture_holds() {
    let (code, out, _) = flowsim(&["lint", "--format", "json", "shop.json"]);
    assert_eq!(code, 1);
    let found = lint_findings(&out);
    let expect = [
        ("truncated-text", 24),
        ("missing-alt-text", 29),
        ("unused-input", 31),
        ("unused-input", 32),
        ("hidden-required", 34),
        ("truncated-text", 35),
    ];
    assert_eq!(found, expect.map(|(c, l)| (c.to_string(), l)));
    let (code, out, _) = flowsim(&["lint", "--format", "json", "endpoint.json"]);
    assert_eq!(code, 1);
    let expect = [
        ("frozen-version", 2),
        ("never-completes", 7),
        ("unreachable-screen", 32),
    ];
    assert_eq!(lint_findings(&out), expect.map(|(c, l)| (c.to_string(), l)));
    let (_, human, _) = flowsim(&["lint", "shop.json"]);
    insta::assert_snapshot!("lint_shop", human);
}

#[test]
fn lint_findings_are_silenced_per_code_and_reported_for_github() {
    let (code, out, _) = flowsim(&[
        "lint",
        "--format",
        "json",
        "--allow",
        "truncated-text",
        "--allow",
        "unused-input",
        "shop.json",
    ]);
    assert_eq!(code, 1);
    let codes: Vec<String> = lint_findings(&out).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["missing-alt-text", "hidden-required"]);
    let (code, out, _) = flowsim(&[
        "lint",
        "--allow",
        "frozen-version",
        "--allow",
        "never-completes",
        "--allow",
        "unreachable-screen",
        "endpoint.json",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = flowsim(&["lint", "--allow", "no-such-code", "shop.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such lint code") && err.contains("unused-input"),
        "{err}"
    );
    let (_, gh, _) = flowsim(&["lint", "--format", "github", "endpoint.json"]);
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::warning file=endpoint.json,line=2,")
                && l.contains("frozen-version")),
        "{gh}"
    );
}

#[test]
fn lint_measures_long_screens_on_the_drawing() {
    let inputs: Vec<Value> = (0..16)
        .map(|i| json!({"type": "TextArea", "name": format!("answer_{i}"), "label": format!("Question {i}")}))
        .collect();
    let mut children = inputs;
    let payload: serde_json::Map<String, Value> = (0..16)
        .map(|i| {
            (
                format!("answer_{i}"),
                json!(format!("${{form.answer_{i}}}")),
            )
        })
        .collect();
    children.push(json!({"type": "Footer", "label": "Send",
        "on-click-action": {"name": "complete", "payload": payload}}));
    let doc = json!({"version": "7.3", "screens": [{"id": "SURVEY", "title": "Survey",
        "terminal": true, "layout": {"type": "SingleColumnLayout", "children": children}}]});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (code, out, _) = flowsim(&["lint", "--format", "json", &path.to_string_lossy()]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{out}");
    assert_eq!(warnings[0]["error"], "long-screen");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("screen `SURVEY` has 16 inputs on ") && message.contains("screenfuls"),
        "{message}"
    );
}

#[test]
fn lint_runs_on_every_sample() {
    let mut args = vec!["lint".to_string(), "--format".into(), "json".into()];
    args.extend(
        sample_flows()
            .iter()
            .map(|p| p.to_string_lossy().to_string()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = flowsim(&args);
    assert!(code == 0 || code == 1, "{err}");
    assert_eq!(out.lines().count(), sample_flows().len());
}

// ---------------------------------------------------------------------------------------
// pictures

/// The text of an SVG picture, one string per row of the drawing (text elements on the same
/// baseline joined), after checking it is XML with an `svg` root.
fn svg_rows(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut rows: Vec<(f64, String)> = Vec::new();
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let y: f64 = t.attribute("y").unwrap().parse().unwrap();
        let text = t.text().unwrap_or_default();
        match rows.iter_mut().find(|(ry, _)| (ry - y).abs() < 0.01) {
            Some((_, row)) => row.push_str(text),
            None => rows.push((y, text.to_string())),
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn svg_is_the_terminal_drawing_as_xml() {
    let (code, svg, _) = flowsim(&[
        "render",
        "--format",
        "svg",
        "--theme",
        "light",
        &sample("welcome.json"),
    ]);
    assert_eq!(code, 0);
    let rows = svg_rows(&svg);
    let all = rows.join("\n");
    for text in [
        "Welcome",
        "Hello from flowsim",
        "Your first name",
        "Developer",
        "Continue",
        "Managed by the business",
    ] {
        assert!(all.contains(text), "the picture shows `{text}`:\n{all}");
    }
    // The same rows as the coloured text rendering, character for character (spaces aside).
    let (_, ansi, _) = flowsim(&[
        "render",
        "--color",
        "always",
        "--theme",
        "light",
        &sample("welcome.json"),
    ]);
    let text = regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(&ansi, "");
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text_rows: Vec<String> = text.lines().map(squash).filter(|r| !r.is_empty()).collect();
    let svg_rows: Vec<String> = rows
        .iter()
        .map(|r| squash(r))
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(svg_rows, text_rows);
    // Theme colours: the light theme's background and its green for the footer.
    assert!(svg.contains("fill=\"#ffffff\""));
    assert!(svg.contains("font-family=\"ui-monospace"));
}

#[test]
fn svg_draws_pictures_as_rectangles_of_their_colours() {
    // The café's drinks: a carousel and a picture on each drink, as half-blocks.
    let (code, svg, err) = flowsim(&[
        "render",
        "--format",
        "svg",
        "--screen",
        "COFFEE",
        &sample("catalogue.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .all(|t| !t.text().unwrap_or_default().contains('▀')),
        "no half-block characters left to a font"
    );
    // Upper pixels: half a cell high, in the pictures' colours, such as the cream behind
    // the espresso cup (#fce4d0).
    let halves: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("height") == Some("8.5"))
        .collect();
    assert!(halves.len() > 100, "{}", halves.len());
    assert!(
        halves
            .iter()
            .any(|r| r.attribute("fill") == Some("#fce4d0"))
    );
}

#[test]
fn svg_of_every_screen_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("pictures");
    let out_dir = out_dir.to_string_lossy().to_string();
    let (code, out, err) = flowsim(&[
        "render",
        "--format",
        "svg",
        "--out-dir",
        &out_dir,
        "shop.json",
    ]);
    assert_eq!(code, 0, "{err}");
    let written: Vec<&str> = out.lines().collect();
    assert_eq!(written.len(), 3);
    for (file, title) in [
        ("START.svg", "Start here"),
        ("DETAILS.svg", "Tell us everything"),
        ("DONE.svg", "Done"),
    ] {
        let path = format!("{out_dir}/{file}");
        assert!(written.contains(&path.as_str()), "{out}");
        let rows = svg_rows(&std::fs::read_to_string(&path).unwrap()).join("\n");
        assert!(rows.contains(title), "{file} shows `{title}`:\n{rows}");
    }
    let (code, _, _) = flowsim(&[
        "render",
        "--out-dir",
        &out_dir,
        "--screen",
        "DONE",
        "shop.json",
    ]);
    assert_eq!(code, 2, "--out-dir draws every screen, not one");
}

// ---------------------------------------------------------------------------------------
// hostile input

#[test]
fn a_screen_of_thousands_of_components_is_read_in_near_linear_time() {
    let mut children: Vec<Value> = (0..4000)
        .map(|i| json!({"type": "TextInput", "name": format!("n{i}"), "label": "x"}))
        .collect();
    children.extend((0..4000).map(|i| json!({"type": "TextBody", "text": format!("t{i}")})));
    let doc = |children: &[Value]| {
        json!({"version": "7.3", "screens": [{"id": "A", "title": "A", "terminal": true,
            "layout": {"type": "SingleColumnLayout", "children": children}}]})
        .to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, doc(&children)).unwrap();
    children.reverse();
    std::fs::write(&b, doc(&children)).unwrap();
    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
    let started = std::time::Instant::now();
    let (code, out, _) = flowsim(&["diff", &a, &b]);
    assert_eq!(code, 1);
    assert!(
        out.ends_with("3999 changes, 0 breaking\n"),
        "{}",
        &out[out.len() - 200..]
    );
    let (code, _, _) = flowsim(&["lint", "--format", "json", &a]);
    assert_eq!(code, 1);
    let (code, _, _) = flowsim(&["graph", "--format", "dot", &a]);
    assert_eq!(code, 0);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
