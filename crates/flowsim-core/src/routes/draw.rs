//! The map as text (for the terminal and the preview), Mermaid (GitHub renders it as is) and
//! DOT (Graphviz), each with the same marks: the screen shown now, the screens and routes
//! walked or tested, and the untested ones.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{How, Route, Routes, To};
use crate::sim::Walk;

/// What to mark on the map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// The screen shown now (the preview's map).
    pub current: Option<String>,
    /// Screens reached: walked so far, or covered by the tests.
    pub screens: BTreeSet<String>,
    /// Routes taken, as `(from, to)`.
    pub routes: BTreeSet<(String, To)>,
    /// Whether what is not reached is called out as untested (`flowsim graph --coverage`)
    /// or simply left plain (the walk in the preview).
    pub untested: bool,
}

/// How a line of the text map is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// The screen shown now.
    Current,
    /// Walked or tested.
    Reached,
    /// Not covered by any test.
    Untested,
}

/// One line of the text map.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub mark: Mark,
}

impl Marks {
    /// What the tests reached, by the names coverage gives screens and routes; the rest is
    /// marked untested.
    pub fn tested(map: &Routes, screens: &[String], routes: &[String]) -> Marks {
        Marks {
            current: None,
            screens: screens.iter().cloned().collect(),
            routes: map
                .routes
                .iter()
                .filter(|r| routes.contains(&r.name()))
                .map(|r| (r.from.clone(), r.to.clone()))
                .collect(),
            untested: true,
        }
    }

    /// The path a session has walked (its journal) and the screen it shows now.
    pub fn walked(map: &Routes, walked: &[Walk], current: Option<&str>) -> Marks {
        let mut marks = Marks {
            current: current.map(str::to_string),
            ..Marks::default()
        };
        for w in walked {
            match w {
                Walk::Screen { from, to } => {
                    marks.screens.insert(to.clone());
                    if let Some(from) = from {
                        marks.routes.insert((from.clone(), To::Screen(to.clone())));
                    }
                }
                Walk::Completed { screen } => {
                    marks.routes.insert((screen.clone(), To::End));
                }
                Walk::Action { path, .. } => {
                    let url = map
                        .routes
                        .iter()
                        .find(|r| r.how == How::OpenUrl && r.via.iter().any(|t| &t.path == path));
                    if let Some(r) = url {
                        marks.routes.insert((r.from.clone(), r.to.clone()));
                    }
                }
                Walk::Input { .. } => {}
            }
        }
        marks
    }

    fn screen(&self, id: &str) -> Mark {
        if self.current.as_deref() == Some(id) {
            Mark::Current
        } else if self.screens.contains(id) {
            Mark::Reached
        } else if self.untested {
            Mark::Untested
        } else {
            Mark::Plain
        }
    }

    fn route(&self, r: &Route) -> Mark {
        if self.routes.contains(&(r.from.clone(), r.to.clone())) {
            Mark::Reached
        } else if self.untested {
            Mark::Untested
        } else {
            Mark::Plain
        }
    }
}

/// The components that take a route; a completion by the endpoint says so.
fn via(r: &Route) -> String {
    r.via
        .iter()
        .map(|t| {
            if r.how == How::Complete && t.action == "data_exchange" {
                format!("{}, SUCCESS answer", t.component)
            } else {
                t.component.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The map as lines: each screen with its title and marks, then its routes under it.
pub fn text(map: &Routes, marks: &Marks) -> Vec<Line> {
    let mut lines = Vec::new();
    let gutter = marks.current.is_some();
    let by_screen = map.by_screen();
    for s in &map.screens {
        let mark = marks.screen(&s.id);
        let mut t = String::new();
        if gutter {
            t.push_str(if mark == Mark::Current { "▸ " } else { "  " });
        }
        t.push_str(&s.id);
        if !s.title.is_empty() {
            let _ = write!(t, "  \"{}\"", s.title);
        }
        let tags: Vec<&str> = [(s.entry, "entry"), (s.terminal, "terminal")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, tag)| *tag)
            .collect();
        if !tags.is_empty() {
            let _ = write!(t, "  [{}]", tags.join(", "));
        }
        if mark == Mark::Untested {
            t.push_str("  ✗ untested");
        }
        lines.push(Line { text: t, mark });
        let routes: &[&Route] = by_screen.get(s.id.as_str()).map_or(&[], Vec::as_slice);
        for (i, r) in routes.iter().enumerate() {
            let branch = if i + 1 == routes.len() {
                "└─"
            } else {
                "├─"
            };
            let mark = marks.route(r);
            let mut t = String::new();
            if gutter {
                t.push_str("  ");
            }
            let _ = write!(t, "  {branch} {} → {}", r.how.name(), r.to.label());
            let via = via(r);
            if !via.is_empty() {
                let _ = write!(t, "  ({via})");
            } else if r.how == How::Endpoint {
                t.push_str("  (no data_exchange on this screen)");
            }
            if mark == Mark::Untested {
                t.push_str("  ✗ untested");
            }
            lines.push(Line { text: t, mark });
        }
    }
    lines
}

/// Node ids for Mermaid and DOT: screens by position, so any screen id (even `end`) is safe;
/// URLs and targets that are not screens of the flow (the validator reports them) by index.
struct Ids<'a> {
    screens: HashMap<&'a str, usize>,
    urls: HashMap<String, usize>,
    /// Targets that are not screens, in the order met, and their index.
    missing: Vec<String>,
    missing_at: HashMap<String, usize>,
}

impl<'a> Ids<'a> {
    fn new(map: &'a Routes) -> Ids<'a> {
        let mut screens = HashMap::new();
        for (i, s) in map.screens.iter().enumerate() {
            screens.entry(s.id.as_str()).or_insert(i);
        }
        let mut ids = Ids {
            screens,
            urls: HashMap::new(),
            missing: Vec::new(),
            missing_at: HashMap::new(),
        };
        for r in &map.routes {
            match &r.to {
                To::Url(u) => {
                    let next = ids.urls.len();
                    ids.urls.entry(u.clone()).or_insert(next);
                }
                To::Screen(id)
                    if !ids.screens.contains_key(id.as_str())
                        && !ids.missing_at.contains_key(id) =>
                {
                    ids.missing_at.insert(id.clone(), ids.missing.len());
                    ids.missing.push(id.clone());
                }
                _ => {}
            }
        }
        ids
    }

    /// The URLs in the order they were first met.
    fn urls(&self) -> Vec<&String> {
        let mut urls: Vec<(&String, &usize)> = self.urls.iter().collect();
        urls.sort_by_key(|(_, i)| **i);
        urls.into_iter().map(|(u, _)| u).collect()
    }

    fn of(&self, to: &To) -> String {
        match to {
            To::Screen(id) => match self.screens.get(id.as_str()) {
                Some(i) => format!("s{i}"),
                None => format!("x{}", self.missing_at.get(id).copied().unwrap_or(0)),
            },
            To::End => "end_".into(),
            To::Url(url) => format!("u{}", self.urls.get(url).copied().unwrap_or(0)),
        }
    }

    fn screen(&self, id: &str) -> String {
        self.of(&To::Screen(id.to_string()))
    }
}

/// Mermaid's entity codes for text inside a quoted label.
fn mermaid_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c => out.push(c),
        }
    }
    out
}

fn edge_label(r: &Route) -> String {
    let via = via(r);
    if via.is_empty() {
        r.how.name().to_string()
    } else {
        format!("{}: {via}", r.how.name())
    }
}

/// The map as a Mermaid flowchart.
pub fn mermaid(map: &Routes, marks: &Marks) -> String {
    let ids = Ids::new(map);
    let mut out = String::from("flowchart TD\n");
    for (i, s) in map.screens.iter().enumerate() {
        let mut label = mermaid_text(&s.id);
        if !s.title.is_empty() {
            let _ = write!(label, "<br/><i>{}</i>", mermaid_text(&s.title));
        }
        let _ = writeln!(out, "    s{i}[\"{label}\"]");
    }
    for (i, id) in ids.missing.iter().enumerate() {
        let _ = writeln!(out, "    x{i}[\"{} (no such screen)\"]", mermaid_text(id));
    }
    if map.routes.iter().any(|r| r.to == To::End) {
        out.push_str("    end_((\"END\"))\n");
    }
    for (i, u) in ids.urls().into_iter().enumerate() {
        let _ = writeln!(out, "    u{i}>\"{}\"]", mermaid_text(u));
    }
    let mut link_styles: Vec<(usize, &str)> = Vec::new();
    for (n, r) in map.routes.iter().enumerate() {
        let arrow = match r.how {
            How::Navigate => "-->",
            How::Endpoint => "-.->",
            How::Complete => "==>",
            How::OpenUrl => "-.->",
        };
        let _ = writeln!(
            out,
            "    {} {arrow}|\"{}\"| {}",
            ids.screen(&r.from),
            mermaid_text(&edge_label(r)),
            ids.of(&r.to)
        );
        match marks.route(r) {
            Mark::Reached => link_styles.push((n, "stroke:#21c063,stroke-width:3px")),
            Mark::Untested => link_styles.push((n, "stroke:#d42a2a,stroke-dasharray:4 4")),
            _ => {}
        }
    }
    let mut classes: Vec<(&str, &str, Vec<String>)> = vec![
        ("entry", "stroke-width:3px", Vec::new()),
        ("terminal", "stroke-dasharray:2 2", Vec::new()),
        ("reached", "fill:#d9fdd3,stroke:#21c063", Vec::new()),
        (
            "current",
            "fill:#21c063,color:#fff,stroke:#008069",
            Vec::new(),
        ),
        (
            "untested",
            "fill:#fde2e2,stroke:#d42a2a,stroke-dasharray:4 4",
            Vec::new(),
        ),
    ];
    for (i, s) in map.screens.iter().enumerate() {
        let id = format!("s{i}");
        let mut put = |class: &str| {
            if let Some((_, _, ids)) = classes.iter_mut().find(|(c, _, _)| *c == class) {
                ids.push(id.clone());
            }
        };
        if s.entry {
            put("entry");
        }
        if s.terminal {
            put("terminal");
        }
        match marks.screen(&s.id) {
            Mark::Current => put("current"),
            Mark::Reached => put("reached"),
            Mark::Untested => put("untested"),
            Mark::Plain => {}
        }
    }
    for (class, style, ids) in classes {
        if !ids.is_empty() {
            let _ = writeln!(out, "    classDef {class} {style}");
            let _ = writeln!(out, "    class {} {class}", ids.join(","));
        }
    }
    for (n, style) in link_styles {
        let _ = writeln!(out, "    linkStyle {n} {style}");
    }
    out
}

/// A DOT string literal.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The map as a Graphviz digraph.
pub fn dot(map: &Routes, marks: &Marks) -> String {
    let ids = Ids::new(map);
    let mut out = String::from("digraph flow {\n");
    out.push_str("    rankdir=TB;\n");
    out.push_str("    node [shape=box, style=rounded, fontname=monospace];\n");
    out.push_str("    edge [fontname=monospace, fontsize=10];\n");
    for (i, s) in map.screens.iter().enumerate() {
        let label = if s.title.is_empty() {
            s.id.clone()
        } else {
            format!("{}\n{}", s.id, s.title)
        };
        let mut attrs = vec![format!("label={}", dot_str(&label))];
        let mut style = vec!["rounded"];
        if s.entry {
            attrs.push("penwidth=3".into());
        }
        if s.terminal {
            attrs.push("peripheries=2".into());
        }
        match marks.screen(&s.id) {
            Mark::Current => {
                style.push("filled");
                attrs.push("fillcolor=\"#21c063\"".into());
            }
            Mark::Reached => {
                style.push("filled");
                attrs.push("fillcolor=\"#d9fdd3\"".into());
            }
            Mark::Untested => {
                style.push("dashed");
                attrs.push("color=\"#d42a2a\"".into());
                attrs.push("xlabel=\"untested\"".into());
            }
            Mark::Plain => {}
        }
        attrs.push(format!("style={}", dot_str(&style.join(","))));
        let _ = writeln!(out, "    s{i} [{}];", attrs.join(", "));
    }
    for (i, id) in ids.missing.iter().enumerate() {
        let _ = writeln!(
            out,
            "    x{i} [label={}, color=\"#d42a2a\"];",
            dot_str(&format!("{id} (no such screen)"))
        );
    }
    if map.routes.iter().any(|r| r.to == To::End) {
        out.push_str("    end_ [label=\"END\", shape=doublecircle];\n");
    }
    for (i, u) in ids.urls().into_iter().enumerate() {
        let _ = writeln!(out, "    u{i} [label={}, shape=note];", dot_str(u));
    }
    for r in &map.routes {
        let mut attrs = vec![format!("label={}", dot_str(&edge_label(r)))];
        match r.how {
            How::Endpoint | How::OpenUrl => attrs.push("style=dashed".into()),
            How::Complete => attrs.push("penwidth=2".into()),
            How::Navigate => {}
        }
        match marks.route(r) {
            Mark::Reached => attrs.push("color=\"#21c063\"".into()),
            Mark::Untested => {
                attrs.push("color=\"#d42a2a\"".into());
                attrs.push("fontcolor=\"#d42a2a\"".into());
            }
            _ => {}
        }
        let _ = writeln!(
            out,
            "    {} -> {} [{}];",
            ids.screen(&r.from),
            ids.of(&r.to),
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}
