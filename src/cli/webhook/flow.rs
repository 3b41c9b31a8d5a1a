//! Completing a flow with no one at the phone, for `flowsim webhook send --event completion
//! --flow FLOW`: the engine runs the flow as the client does, from its first screen (or
//! `--screen`). On each screen every visible input gets the value `--form` gives for its name
//! (as a scenario's `fill`), or else an example that fits it; then the Footer is tapped. The
//! completion is what the flow's own `complete` action makes of those values.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use flowsim_core::flow::expr;
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::spec::Kind;
use flowsim_core::scenario::{Files, PickError, value_for};
use flowsim_core::sim::checks::{FileRules, date_allowed, missing_required, parse_date};
use flowsim_core::sim::{Completion, Effect, Input, Item, Session, Start, Tap};

/// Screens visited before giving up (a flow whose Footers loop never completes).
const MAX_SCREENS: usize = 64;

/// Runs `flow` to its completion with `form` values (by input name) and examples elsewhere.
pub fn complete(
    flow: Arc<Flow>,
    screen: Option<&str>,
    form: &Map<String, Value>,
    token: &str,
    files: &dyn Files,
) -> Result<Completion, String> {
    let version = flow.version;
    let mut session = Session::new(flow, token);
    let effects = session.update(Input::Start(Start::Navigate {
        screen: screen.map(str::to_string),
        data: None,
    }));
    no_request(&effects, "opening the flow")?;
    let mut used = BTreeSet::new();
    for _ in 0..MAX_SCREENS {
        let id = session.current().unwrap_or_default().to_string();
        let mut filled = BTreeSet::new();
        let mut examples = BTreeSet::new();
        // Values can show more inputs (`visible`, If, Switch): fill until nothing new shows.
        loop {
            let view = session.view();
            let next = view.items.iter().find(|i| {
                i.kind.is_input()
                    && i.enabled
                    && i.name.as_ref().is_some_and(|n| !filled.contains(n))
            });
            let Some(item) = next else { break };
            let name = item.name.clone().unwrap_or_default();
            filled.insert(name.clone());
            let raw = match form.get(&name) {
                Some(given) => {
                    used.insert(name.clone());
                    given.clone()
                }
                None if needs_value(item) => match example(item) {
                    Some(v) => {
                        examples.insert(name.clone());
                        v
                    }
                    None => continue,
                },
                None => continue,
            };
            if item.kind.is_picker() {
                pick_files(&mut session, &name, &raw, files)
                    .map_err(|e| format!("--form `{name}` (screen `{id}`): {e}"))?;
                continue;
            }
            let value = value_for(item, &raw, version).map_err(|e| {
                if form.contains_key(&name) {
                    format!("--form `{name}` (screen `{id}`): {e}")
                } else {
                    format!(
                        "screen `{id}`: no example fits input `{name}` ({e}); give it in --form"
                    )
                }
            })?;
            let effects = session.update(Input::Set {
                name: name.clone(),
                value,
            });
            no_request(&effects, &format!("setting `{name}` on screen `{id}`"))?;
        }
        let missing = missing_required(&session.view());
        if !missing.is_empty() {
            return Err(format!(
                "the Footer of screen `{id}` stays disabled until these inputs have a value: {}; \
                 give them in --form",
                missing.join(", ")
            ));
        }
        let effects = go_on(&mut session, &id)?;
        if let Some(c) = completion(effects, form, &used)? {
            return Ok(c);
        }
        // An example the screen's checks refuse (a pattern, a length) in an optional input is
        // taken back, as a user would leave the field empty.
        let refused: Vec<String> = session
            .store()
            .map(|s| s.errors.keys().cloned().collect())
            .unwrap_or_default();
        let view = session.view();
        let optional: Vec<&String> = refused
            .iter()
            .filter(|n| examples.contains(*n))
            .filter(|n| view.item_named(n).is_some_and(|i| !i.required))
            .collect();
        if session.current() == Some(id.as_str()) && !optional.is_empty() {
            for name in optional {
                session.update(Input::Set {
                    name: name.clone(),
                    value: Value::Null,
                });
            }
            let effects = go_on(&mut session, &id)?;
            if let Some(c) = completion(effects, form, &used)? {
                return Ok(c);
            }
        }
        if session.current() == Some(id.as_str()) {
            let errors: Vec<String> = session
                .store()
                .map(|s| s.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect())
                .unwrap_or_default();
            return Err(if errors.is_empty() {
                format!("the Footer of screen `{id}` neither completes the flow nor moves on")
            } else {
                format!(
                    "the Footer of screen `{id}` did not go on: the client's checks failed ({}); \
                     give fitting values in --form",
                    errors.join("; ")
                )
            });
        }
    }
    Err(format!(
        "no completion after {MAX_SCREENS} screens: the Footers go round in a loop; give \
         --screen to start nearer the end"
    ))
}

/// Taps the Footer, or with none the first item of a NavigationList.
fn go_on(session: &mut Session, id: &str) -> Result<Vec<Effect>, String> {
    let view = session.view();
    let tap = if view.footer.is_some() {
        Tap::Footer
    } else if let Some((name, item)) = view.items.iter().find_map(|i| {
        let first = i.list("list-items").first()?.get("id").map(expr::display)?;
        Some((i.name.clone()?, first))
    }) {
        Tap::ListItem { name, id: item }
    } else {
        return Err(format!(
            "screen `{id}` has no Footer or NavigationList to go on with; give --screen to \
             start nearer the end"
        ));
    };
    let effects = session.update(Input::Tap(tap));
    no_request(&effects, &format!("going on from screen `{id}`"))?;
    Ok(effects)
}

/// The completion among `effects`, once every --form value was used.
fn completion(
    effects: Vec<Effect>,
    form: &Map<String, Value>,
    used: &BTreeSet<String>,
) -> Result<Option<Completion>, String> {
    let Some(Effect::Complete(c)) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::Complete(_)))
    else {
        return Ok(None);
    };
    let unused: Vec<String> = form
        .keys()
        .filter(|k| !used.contains(*k))
        .map(|k| format!("`{k}`"))
        .collect();
    if unused.is_empty() {
        Ok(Some(c))
    } else {
        Err(format!(
            "--form gives {}, but no screen on the way to the completion shows an input of that \
             name",
            unused.join(", ")
        ))
    }
}

/// A flow whose step needs its endpoint completes through the endpoint's SUCCESS answer.
fn no_request(effects: &[Effect], when: &str) -> Result<(), String> {
    match effects.iter().find(|e| matches!(e, Effect::Request(_))) {
        Some(_) => Err(format!(
            "{when} sends a request to the flow's endpoint: such a flow completes with the \
             endpoint's SUCCESS answer. Record a session that completes (--record) and use \
             --recording"
        )),
        None => Ok(()),
    }
}

/// Whether an input the user would touch is still empty (an unticked required OptIn too).
fn needs_value(item: &Item) -> bool {
    match &item.value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Bool(false)) => item.kind == Kind::OptIn && item.required,
        Some(_) => false,
    }
}

/// Attaches the files at `given` (a path or an array of paths) to a picker, one by one as the
/// user picks them; a file the picker refuses or that cannot be read is an error.
fn pick_files(
    session: &mut Session,
    name: &str,
    given: &Value,
    files: &dyn Files,
) -> Result<(), String> {
    let paths: Vec<&str> = match given {
        Value::String(p) => vec![p.as_str()],
        Value::Array(ps) if ps.iter().all(Value::is_string) => {
            ps.iter().filter_map(Value::as_str).collect()
        }
        _ => return Err("takes a file path or an array of file paths".into()),
    };
    session.update(Input::Set {
        name: name.to_string(),
        value: Value::Null,
    });
    for path in paths {
        let rules = session
            .view()
            .item_named(name)
            .map(FileRules::of)
            .ok_or("the picker went away")?;
        let file = files.pick(path, &rules).map_err(|e| match e {
            PickError::Refused(m) | PickError::Unreadable(m) => m,
        })?;
        session.update(Input::Attach {
            name: name.to_string(),
            file: Ok(file),
        });
    }
    Ok(())
}

/// A value the user could have entered, in `fill` form; `None` for file pickers.
fn example(item: &Item) -> Option<Value> {
    let option_ids = || -> Vec<String> {
        item.list("data-source")
            .iter()
            .filter(|o| o.get("enabled") != Some(&Value::Bool(false)))
            .filter_map(|o| o.get("id").map(expr::display))
            .collect()
    };
    match item.kind {
        Kind::TextInput => {
            let named = |w: &str| {
                item.name.as_deref().unwrap_or("").contains(w)
                    || item
                        .text("label")
                        .is_some_and(|l| l.to_lowercase().contains(w))
            };
            Some(json!(match item.text("input-type").as_deref() {
                Some("email") => "ada@example.com",
                Some("phone") => "+16315551234",
                Some("number") => "7",
                Some("passcode") => "123456",
                Some("password") => "Correct-Horse-7",
                _ if named("first") => "Ada",
                _ if named("last") || named("surname") => "Lovelace",
                _ if named("name") => "Ada Lovelace",
                _ if named("mail") => "ada@example.com",
                _ => "Sample answer",
            }))
        }
        Kind::TextArea => Some(json!("Sample answer")),
        Kind::Dropdown | Kind::RadioButtonsGroup => option_ids().first().map(|id| json!(id)),
        Kind::CheckboxGroup | Kind::ChipsSelector => {
            let n = item.int("min-selected-items").unwrap_or(1).max(1) as usize;
            Some(json!(option_ids().into_iter().take(n).collect::<Vec<_>>()))
        }
        Kind::OptIn => Some(json!(true)),
        Kind::DatePicker => first_dates(item, 1).first().map(|d| json!(d)),
        Kind::CalendarPicker if item.text("mode").as_deref() == Some("range") => {
            match first_dates(item, 2)[..] {
                [ref a, ref b] => Some(json!({ "start-date": a, "end-date": b })),
                _ => None,
            }
        }
        Kind::CalendarPicker => first_dates(item, 1).first().map(|d| json!(d)),
        _ => None,
    }
}

/// The first `n` dates that can be picked, from `min-date` (else today) on, within a year.
fn first_dates(item: &Item, n: usize) -> Vec<String> {
    let from = item
        .text("min-date")
        .and_then(|s| parse_date(&s))
        .unwrap_or_else(|| jiff::Zoned::now().date());
    from.series(jiff::Span::new().days(1))
        .take(366)
        .filter(|d| date_allowed(item, *d))
        .take(n)
        .map(|d| d.to_string())
        .collect()
}
