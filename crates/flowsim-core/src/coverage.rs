//! How much of a flow its tests walk (`flowsim test --coverage`): the screens visited, the
//! routes taken, the inputs filled and the actions fired, each counted against what the flow
//! has, read from the engine's journal ([`Walk`]) so it counts what the engine did.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::flow::model::Flow;
use crate::routes::{self, How, Routes, To};
use crate::sim::Walk;

/// One of the four figures: everything the flow has, and what the tests reached.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part {
    /// `(key, name)`: the key matches the journal, the name is what a person reads.
    pub all: Vec<(String, String)>,
    pub covered: BTreeSet<String>,
    keys: HashSet<String>,
}

impl Part {
    fn add(&mut self, key: String, name: String) {
        if self.keys.insert(key.clone()) {
            self.all.push((key, name));
        }
    }

    fn cover(&mut self, key: &str) {
        if self.keys.contains(key) {
            self.covered.insert(key.to_string());
        }
    }

    pub fn total(&self) -> usize {
        self.all.len()
    }

    pub fn count(&self) -> usize {
        self.covered.len()
    }

    /// Covered share in percent; a flow with nothing to cover is fully covered.
    pub fn percent(&self) -> f64 {
        if self.all.is_empty() {
            100.0
        } else {
            self.count() as f64 * 100.0 / self.total() as f64
        }
    }

    /// Names of what no test reached, in the flow's order.
    pub fn missing(&self) -> Vec<&str> {
        self.all
            .iter()
            .filter(|(k, _)| !self.covered.contains(k))
            .map(|(_, n)| n.as_str())
            .collect()
    }

    /// Names of what the tests reached, in the flow's order.
    pub fn reached(&self) -> Vec<&str> {
        self.all
            .iter()
            .filter(|(k, _)| self.covered.contains(k))
            .map(|(_, n)| n.as_str())
            .collect()
    }
}

/// The coverage of one flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub screens: Part,
    /// Routes as `FROM → TO` (`TO` a screen, `END` or a URL), as `flowsim graph` draws them.
    pub routes: Part,
    /// Inputs as `SCREEN.name`.
    pub inputs: Part,
    /// Action objects by JSON path, named `SCREEN: Component "text" → action`.
    pub actions: Part,
    /// `open_url` actions (by path) and the route each takes.
    url_routes: HashMap<String, String>,
}

impl Coverage {
    /// Everything the flow has, nothing covered yet.
    pub fn of(flow: &Flow) -> Coverage {
        let map = Routes::of(flow);
        let mut c = Coverage {
            screens: Part::default(),
            routes: Part::default(),
            inputs: Part::default(),
            actions: Part::default(),
            url_routes: HashMap::new(),
        };
        for s in &flow.screens {
            c.screens.add(s.id.clone(), s.id.clone());
            for name in routes::inputs(s) {
                let key = format!("{}.{name}", s.id);
                c.inputs.add(key.clone(), key);
            }
            for t in routes::triggers(s) {
                let name = format!("{}: {} → {}", s.id, t.component, t.action);
                c.actions.add(t.path, name);
            }
        }
        for r in &map.routes {
            c.routes.add(r.name(), r.name());
            if r.how == How::OpenUrl {
                for t in &r.via {
                    c.url_routes.insert(t.path.clone(), r.name());
                }
            }
        }
        c
    }

    /// Counts what a session's journal shows.
    pub fn record(&mut self, walked: &[Walk]) {
        for w in walked {
            match w {
                Walk::Screen { from, to } => {
                    self.screens.cover(to);
                    if let Some(from) = from {
                        self.routes
                            .cover(&format!("{from} → {}", To::Screen(to.clone()).label()));
                    }
                }
                Walk::Input { screen, name } => self.inputs.cover(&format!("{screen}.{name}")),
                Walk::Action { path, .. } => {
                    self.actions.cover(path);
                    if let Some(route) = self.url_routes.get(path) {
                        self.routes.cover(route);
                    }
                }
                Walk::Completed { screen } => self
                    .routes
                    .cover(&format!("{screen} → {}", To::End.label())),
            }
        }
    }

    /// The four figures with their names, in report order.
    pub fn parts(&self) -> [(&'static str, &Part); 4] {
        [
            ("screens", &self.screens),
            ("routes", &self.routes),
            ("inputs", &self.inputs),
            ("actions", &self.actions),
        ]
    }

    /// The figures under `min` percent.
    pub fn below(&self, min: f64) -> Vec<&'static str> {
        self.parts()
            .iter()
            .filter(|(_, p)| p.percent() + 1e-9 < min)
            .map(|(n, _)| *n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::flow::source::Source;
    use crate::sim::{Input, Session, Start, Tap};

    fn flow(doc: serde_json::Value) -> Flow {
        let source = Source::new("t.json", doc.to_string());
        crate::validate::check(&source).flow.expect("an object")
    }

    /// A 6.0 flow whose first screen opens a URL or completes.
    fn links() -> Flow {
        flow(json!({"version": "6.0", "screens": [{
        "id": "ONLY", "title": "Only", "terminal": true,
        "layout": {"type": "SingleColumnLayout", "children": [
            {"type": "EmbeddedLink", "text": "Terms",
             "on-click-action": {"name": "open_url", "url": "https://example.com/t"}},
            {"type": "Footer", "label": "Done",
             "on-click-action": {"name": "complete", "payload": {}}}
        ]}}]}))
    }

    #[test]
    fn an_opened_url_and_a_completion_are_routes_taken() {
        let flow = Arc::new(links());
        let mut c = Coverage::of(&flow);
        assert_eq!(c.routes.total(), 2);
        assert_eq!(
            c.routes.missing(),
            ["ONLY → https://example.com/t", "ONLY → END"]
        );
        let mut s = Session::new(Arc::clone(&flow), "t");
        s.update(Input::Start(Start::Navigate {
            screen: None,
            data: None,
        }));
        let link = s.view().items[0].key.clone();
        s.update(Input::Tap(Tap::Link(link)));
        c.record(&s.walked);
        assert_eq!(c.routes.reached(), ["ONLY → https://example.com/t"]);
        assert_eq!(c.actions.count(), 1);
        s.update(Input::Tap(Tap::Footer));
        c.record(&s.walked);
        assert_eq!(c.routes.count(), 2, "{:?}", s.walked);
        assert_eq!(c.actions.missing(), Vec::<&str>::new());
        assert_eq!(c.screens.percent(), 100.0);
        assert!(c.below(100.0).is_empty());
    }

    #[test]
    fn figures_under_the_minimum_are_named() {
        let c = Coverage::of(&links());
        assert_eq!(c.below(50.0), ["screens", "routes", "actions"]);
        assert_eq!(
            c.inputs.percent(),
            100.0,
            "nothing to fill is fully covered"
        );
    }
}
