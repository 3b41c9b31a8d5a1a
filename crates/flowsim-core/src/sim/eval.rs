//! Resolving references and evaluating dynamic values against a session's stores.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::Session;
use crate::flow::expr::{self, PropText, Ref, Scope, Store};
use crate::flow::json::{self, Node};

impl Session {
    /// The current value of a reference made on screen `on`, or `None` when it is not set.
    pub fn lookup(&self, on: &str, r: &Ref) -> Option<Value> {
        let screen = match &r.scope {
            Scope::Local => on,
            Scope::Screen(id) => id.as_str(),
        };
        let store = self.stores.get(screen)?;
        let root = match r.store {
            Store::Data => &store.data,
            Store::Form => &store.form,
        };
        let (first, rest) = r.path.split_first()?;
        let mut value = root.get(first)?;
        for seg in rest {
            value = value.as_object()?.get(seg)?;
        }
        Some(value.clone())
    }

    /// Resolves every binding and nested expression inside a JSON value, as seen from screen
    /// `on`. Actions (`on-…` members) are kept as written: they are resolved when they run.
    pub fn resolve(&self, on: &str, value: &Value) -> Value {
        resolve_with(value, &|r| self.lookup(on, r))
    }

    /// The same as `resolve(on, &node.to_json())`, without building that copy first: the
    /// view resolves every property of every visible component each time it is made.
    pub fn resolve_node(&self, on: &str, node: &Node) -> Value {
        resolve_node_with(node, &|r| self.lookup(on, r))
    }

    /// Evaluates an `If` condition (written without backticks) on screen `on`.
    pub fn condition(&self, on: &str, text: &str) -> bool {
        match expr::parse_condition(text) {
            Ok(e) => expr::eval(&e, &|r| self.lookup(on, r)) == Value::Bool(true),
            Err(_) => false,
        }
    }

    /// Resolves an action payload: bindings replaced by values. Keys whose value is not set
    /// (an untouched optional field) are left out, and so are the values of inputs that are
    /// not shown (hidden by `visible`, or in an `If`/`Switch` branch not taken): the client
    /// only submits what is on screen.
    pub fn resolve_payload(&self, on: &str, payload: Option<&Value>) -> Map<String, Value> {
        let Some(Value::Object(map)) = payload else {
            return Map::new();
        };
        let mut shown: HashMap<String, Vec<String>> = HashMap::new();
        let lookup = |r: &Ref| -> Option<Value> {
            if r.store == Store::Form {
                let screen = match &r.scope {
                    Scope::Local => on,
                    Scope::Screen(id) => id.as_str(),
                };
                let names = shown.entry(screen.to_string()).or_insert_with(|| {
                    self.view_of(screen)
                        .items
                        .into_iter()
                        .filter_map(|i| i.name)
                        .collect()
                });
                if !names.contains(&r.path[0]) {
                    return None;
                }
            }
            self.lookup(on, r)
        };
        let lookup = std::cell::RefCell::new(lookup);
        map.iter()
            .filter_map(|(k, v)| {
                let resolved = resolve_with(v, &|r| (lookup.borrow_mut())(r));
                (!resolved.is_null()).then(|| (k.clone(), resolved))
            })
            .collect()
    }
}

/// Resolves bindings and expressions in a JSON value with a reference lookup.
fn resolve_with(value: &Value, lookup: &dyn Fn(&Ref) -> Option<Value>) -> Value {
    match value {
        Value::String(s) => match expr::classify(s) {
            PropText::Binding(r) => lookup(&r).unwrap_or(Value::Null),
            PropText::Nested(e) => expr::eval(&e, lookup),
            PropText::Literal | PropText::Invalid(_) => value.clone(),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve_with(v, lookup)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k.starts_with("on-") {
                        v.clone()
                    } else {
                        resolve_with(v, lookup)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// [`resolve_with`] of `node.to_json()`, converting and resolving in one pass.
fn resolve_node_with(node: &Node, lookup: &dyn Fn(&Ref) -> Option<Value>) -> Value {
    match &node.value {
        json::Value::String(s) => match expr::classify(s) {
            PropText::Binding(r) => lookup(&r).unwrap_or(Value::Null),
            PropText::Nested(e) => expr::eval(&e, lookup),
            PropText::Literal | PropText::Invalid(_) => Value::String(s.to_string()),
        },
        json::Value::Array(items) => {
            Value::Array(items.iter().map(|n| resolve_node_with(n, lookup)).collect())
        }
        json::Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| {
                    let v = if m.key.starts_with("on-") {
                        m.value.to_json()
                    } else {
                        resolve_node_with(&m.value, lookup)
                    };
                    (m.key.to_string(), v)
                })
                .collect(),
        ),
        _ => node.to_json(),
    }
}
