//! Unit tests of the engine, one behaviour each, on small inline flows.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::flow::json;
use crate::flow::model::Flow;

fn flow(doc: Value) -> Arc<Flow> {
    Arc::new(Flow::from_node(json::parse(&doc.to_string()).unwrap()))
}

fn started(doc: Value) -> Session {
    let mut s = Session::new(flow(doc), "tok");
    s.update(Input::Start(Start::Navigate {
        screen: None,
        data: None,
    }));
    s
}

fn set(s: &mut Session, name: &str, value: Value) -> Vec<Effect> {
    s.update(Input::Set {
        name: name.into(),
        value,
    })
}

fn footer(action: Value) -> Value {
    json!({ "type": "Footer", "label": "Go", "on-click-action": action })
}

fn nav(to: &str, payload: Value) -> Value {
    json!({ "name": "navigate", "next": { "type": "screen", "name": to }, "payload": payload })
}

fn two_screens(first: Vec<Value>, second: Vec<Value>, second_data: Value) -> Value {
    json!({
        "version": "7.3",
        "screens": [
            { "id": "A", "title": "A", "layout": { "type": "SingleColumnLayout", "children": first } },
            { "id": "B", "title": "B", "terminal": true, "data": second_data,
              "layout": { "type": "SingleColumnLayout", "children": second } }
        ]
    })
}

fn endpoint_flow() -> Value {
    json!({
        "version": "7.3",
        "data_api_version": "3.0",
        "routing_model": { "A": ["B"], "B": [] },
        "screens": [
            { "id": "A", "title": "A",
              "data": { "greeting": { "type": "string", "__example__": "Hi" } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "${data.greeting}" },
                { "type": "TextInput", "name": "code", "label": "Code" },
                footer(json!({ "name": "data_exchange", "payload": { "code": "${form.code}", "step": "a" } }))
              ] } },
            { "id": "B", "title": "B", "terminal": true, "refresh_on_back": true,
              "data": { "total": { "type": "number", "__example__": 1 } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "`'Total: ' ${data.total}`" },
                footer(json!({ "name": "data_exchange", "payload": {} }))
              ] } }
        ]
    })
}

#[test]
fn starts_on_the_first_entry_screen_with_example_data() {
    let s = started(endpoint_flow());
    assert_eq!(s.current(), Some("A"));
    assert_eq!(s.store().unwrap().data["greeting"], "Hi");
    assert!(s.view().texts().contains(&"Hi".to_string()));
}

#[test]
fn navigate_payload_becomes_the_next_screens_data() {
    let doc = two_screens(
        vec![
            json!({ "type": "TextInput", "name": "name", "label": "Name" }),
            footer(nav("B", json!({ "who": "${form.name}" }))),
        ],
        vec![
            json!({ "type": "TextBody", "text": "`'Hi ' ${data.who} ' / ' ${screen.A.form.name}`" }),
            footer(json!({ "name": "complete", "payload": {} })),
        ],
        json!({ "who": { "type": "string", "__example__": "x" } }),
    );
    let mut s = started(doc);
    set(&mut s, "name", json!("Ada"));
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(s.current(), Some("B"));
    assert_eq!(s.store().unwrap().data["who"], "Ada");
    assert_eq!(
        s.view().items[0].text("text").as_deref(),
        Some("Hi Ada / Ada")
    );
}

#[test]
fn numbers_print_like_whatsapp() {
    let doc = two_screens(
        vec![
            json!({ "type": "TextBody", "text": "`${data.n} * 2`" }),
            json!({ "type": "TextBody", "text": "`${data.n} / 4`" }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    let mut doc = doc;
    doc["screens"][0]["data"] = json!({ "n": { "type": "number", "__example__": 18.0 } });
    let s = started(doc);
    let view = s.view();
    assert_eq!(view.items[0].text("text").as_deref(), Some("36"));
    assert_eq!(view.items[1].text("text").as_deref(), Some("4.5"));
}

#[test]
fn if_switch_and_visible_follow_the_form() {
    let doc = two_screens(
        vec![
            json!({ "type": "OptIn", "name": "agree", "label": "Agree" }),
            json!({ "type": "RadioButtonsGroup", "name": "plan", "label": "Plan",
                    "data-source": [{ "id": "pro", "title": "Pro" }, { "id": "free", "title": "Free" }] }),
            json!({ "type": "If", "condition": "${form.agree}",
                    "then": [{ "type": "TextBody", "text": "Thanks" }],
                    "else": [{ "type": "TextBody", "text": "Please agree" }] }),
            json!({ "type": "Switch", "value": "${form.plan}",
                    "cases": { "pro": [{ "type": "TextBody", "text": "Pro plan" }],
                               "default": [{ "type": "TextBody", "text": "No plan" }] } }),
            json!({ "type": "TextCaption", "text": "Shown", "visible": "`${form.plan} == 'free'`" }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    let mut s = started(doc);
    let texts = s.view().texts();
    assert!(texts.contains(&"Please agree".into()) && texts.contains(&"No plan".into()));
    assert!(!texts.contains(&"Shown".into()));
    set(&mut s, "agree", json!(true));
    set(&mut s, "plan", json!("pro"));
    let texts = s.view().texts();
    assert!(texts.contains(&"Thanks".into()) && texts.contains(&"Pro plan".into()));
    set(&mut s, "plan", json!("free"));
    assert!(s.view().texts().contains(&"Shown".into()));
}

#[test]
fn required_inputs_disable_the_footer_and_checks_run_on_submit() {
    let doc = two_screens(
        vec![
            json!({ "type": "TextInput", "name": "email", "label": "Email", "input-type": "email", "required": true }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    let mut s = started(doc);
    assert!(!s.footer_enabled());
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(s.current(), Some("A"));
    set(&mut s, "email", json!("not-an-email"));
    assert!(s.footer_enabled());
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(s.current(), Some("A"));
    assert_eq!(
        s.view().items[0].error.as_deref(),
        Some("Enter a valid email address")
    );
    set(&mut s, "email", json!("ada@example.com"));
    assert_eq!(s.view().items[0].error, None, "editing clears the error");
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(s.current(), Some("B"));
}

#[test]
fn back_restores_the_previous_screen_with_its_input() {
    let doc = two_screens(
        vec![
            json!({ "type": "TextInput", "name": "name", "label": "Name" }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    let mut s = started(doc);
    set(&mut s, "name", json!("Ada"));
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Back);
    assert_eq!(s.current(), Some("A"));
    assert_eq!(s.store().unwrap().form["name"], "Ada");
    s.update(Input::Back);
    assert!(
        matches!(s.phase, Phase::Closed(_)),
        "back on the first screen closes the flow"
    );
}

#[test]
fn complete_delivers_payload_with_flow_token_and_omits_unset_fields() {
    let doc = two_screens(
        vec![footer(nav("B", json!({})))],
        vec![
            json!({ "type": "TextInput", "name": "note", "label": "Note" }),
            json!({ "type": "TextInput", "name": "age", "label": "Age", "input-type": "number" }),
            footer(
                json!({ "name": "complete", "payload": { "note": "${form.note}", "age": "${form.age}", "src": "app" } }),
            ),
        ],
        json!({}),
    );
    let mut s = started(doc);
    s.update(Input::Tap(Tap::Footer));
    set(&mut s, "age", json!("36"));
    let effects = s.update(Input::Tap(Tap::Footer));
    let Some(Effect::Complete(c)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        Value::Object(c.response.clone()),
        json!({ "flow_token": "tok", "age": "36", "src": "app" })
    );
    let reply = c.nfm_reply();
    assert_eq!(
        reply["nfm_reply"]["response_json"],
        r#"{"flow_token":"tok","age":"36","src":"app"}"#
    );
}

#[test]
fn update_data_and_selection_actions() {
    let mut doc = two_screens(
        vec![
            json!({ "type": "CheckboxGroup", "name": "extras", "label": "Extras",
                    "data-source": [
                        { "id": "a", "title": "A",
                          "on-select-action": { "name": "update_data", "payload": { "show": true } },
                          "on-unselect-action": { "name": "update_data", "payload": { "show": false } } },
                        { "id": "b", "title": "B" } ] }),
            json!({ "type": "OptIn", "name": "news", "label": "News",
                    "on-select-action": { "name": "update_data", "payload": { "note": "yes" } },
                    "on-unselect-action": { "name": "update_data", "payload": { "note": "no" } } }),
            json!({ "type": "EmbeddedLink", "text": "Terms", "on-click-action": { "name": "open_url", "url": "https://example.com/t" } }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    doc["screens"][0]["data"] = json!({
        "show": { "type": "boolean", "__example__": false },
        "note": { "type": "string", "__example__": "-" }
    });
    let mut s = started(doc);
    set(&mut s, "extras", json!(["a"]));
    assert_eq!(s.store().unwrap().data["show"], true);
    set(&mut s, "extras", json!(["b"]));
    assert_eq!(s.store().unwrap().data["show"], false);
    set(&mut s, "news", json!(true));
    assert_eq!(s.store().unwrap().data["note"], "yes");
    set(&mut s, "news", json!(false));
    assert_eq!(s.store().unwrap().data["note"], "no");
    let link = s
        .view()
        .items
        .iter()
        .find(|i| i.kind == Kind::EmbeddedLink)
        .unwrap()
        .key
        .clone();
    let effects = s.update(Input::Tap(Tap::Link(link)));
    assert_eq!(
        effects,
        vec![Effect::OpenUrl("https://example.com/t".into())]
    );
}

#[test]
fn data_exchange_sends_the_clients_request_and_follows_the_answer() {
    let mut s = started(endpoint_flow());
    set(&mut s, "code", json!("42"));
    let effects = s.update(Input::Tap(Tap::Footer));
    let Some(Effect::Request(r)) = effects.first() else {
        panic!()
    };
    assert_eq!(
        r.payload().to_string(),
        r#"{"data":{"code":"42","step":"a"},"flow_token":"tok","screen":"A","action":"data_exchange","version":"3.0"}"#
    );
    assert!(matches!(s.phase, Phase::Waiting(_)));
    assert!(
        s.update(Input::Set {
            name: "code".into(),
            value: json!("x")
        })
        .is_empty()
    );
    s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": 36 } }),
    )));
    assert_eq!(s.current(), Some("B"));
    assert_eq!(s.view().items[0].text("text").as_deref(), Some("Total: 36"));
}

#[test]
fn same_screen_answers_refresh_and_show_a_snackbar() {
    let mut s = started(endpoint_flow());
    set(&mut s, "code", json!("1"));
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(
        json!({ "screen": "A", "data": { "greeting": "Again", "error_message": "Wrong code" } }),
    )));
    assert_eq!(s.current(), Some("A"));
    assert_eq!(s.snackbar.as_deref(), Some("Wrong code"));
    assert_eq!(s.store().unwrap().data["greeting"], "Again");
    assert_eq!(
        s.store().unwrap().form["code"],
        "1",
        "the user's input stays"
    );
}

#[test]
fn answers_that_break_the_routing_or_data_model_are_rejected_and_reported() {
    let mut doc = endpoint_flow();
    doc["routing_model"] = json!({ "A": [], "B": [] });
    let mut s = started(doc);
    s.update(Input::Tap(Tap::Footer));
    let effects = s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": 1 } }),
    )));
    assert_eq!(s.current(), Some("A"));
    let Some(Effect::Request(n)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert!(n.notification);
    assert_eq!(n.data["error"], "invalid-screen-transition");

    let mut s = started(endpoint_flow());
    s.update(Input::Tap(Tap::Footer));
    let effects = s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": "many" } }),
    )));
    let Some(Effect::Request(n)) = effects.first() else {
        panic!()
    };
    assert_eq!(n.data["error"], "payload-schema-error");
    assert!(s.snackbar.as_deref().unwrap().contains("total"));
}

#[test]
fn success_completes_and_refresh_on_back_asks_the_endpoint() {
    let mut s = started(endpoint_flow());
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": 2 } }),
    )));
    let effects = s.update(Input::Back);
    let Some(Effect::Request(r)) = effects.first() else {
        panic!()
    };
    assert_eq!((r.action.as_str(), r.screen.as_str()), ("BACK", "B"));
    s.update(Input::Answer(Ok(
        json!({ "screen": "A", "data": { "greeting": "Back" } }),
    )));
    assert_eq!(s.current(), Some("A"));
    assert_eq!(s.store().unwrap().data["greeting"], "Back");
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": 3 } }),
    )));
    s.update(Input::Tap(Tap::Footer));
    let effects = s.update(Input::Answer(Ok(json!({
        "screen": "SUCCESS",
        "data": { "extension_message_response": { "params": { "flow_token": "tok", "id": 7 } } }
    }))));
    assert!(matches!(effects.first(), Some(Effect::Complete(c)) if c.response["id"] == 7));
    assert!(matches!(s.phase, Phase::Completed(_)));
}

#[test]
fn init_opens_the_screen_the_endpoint_names() {
    let mut s = Session::new(flow(endpoint_flow()), "tok");
    let effects = s.update(Input::Start(Start::DataExchange));
    let Some(Effect::Request(r)) = effects.first() else {
        panic!()
    };
    assert_eq!(
        r.payload().to_string(),
        r#"{"data":{},"flow_token":"tok","screen":"","action":"INIT","version":"3.0"}"#
    );
    s.update(Input::Answer(Ok(
        json!({ "screen": "A", "data": { "greeting": "Hello" } }),
    )));
    assert_eq!(s.current(), Some("A"));
    let mut s = Session::new(flow(endpoint_flow()), "tok");
    s.update(Input::Start(Start::DataExchange));
    s.update(Input::Answer(Ok(json!({ "screen": "B", "data": {} }))));
    assert!(
        matches!(s.phase, Phase::Closed(_)),
        "INIT must land on an entry screen"
    );
    let mut s = Session::new(flow(endpoint_flow()), "tok");
    s.update(Input::Start(Start::DataExchange));
    s.update(Input::Answer(Err("connection refused".into())));
    assert!(matches!(s.phase, Phase::Closed(_)));
}

#[test]
fn form_init_values_and_error_messages_apply() {
    let doc = json!({
        "version": "3.1",
        "screens": [{ "id": "A", "title": "A", "terminal": true,
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "Form", "name": "f",
                  "init-values": { "name": "Ada" }, "error-messages": { "name": "Taken" },
                  "children": [
                    { "type": "TextInput", "name": "name", "label": "Name" },
                    footer(json!({ "name": "complete", "payload": { "name": "${form.name}" } })) ] } ] } }]
    });
    let mut s = started(doc);
    let view = s.view();
    assert_eq!(view.items[0].value, Some(json!("Ada")));
    assert_eq!(view.items[0].error.as_deref(), Some("Taken"));
    set(&mut s, "name", json!("Bob"));
    assert_eq!(s.view().items[0].error, None);
}

#[test]
fn picker_files_reach_completion_and_endpoint_in_their_shapes() {
    let metadata = json!({ "encryption_key": "k", "hmac_key": "h", "iv": "i",
                           "plaintext_hash": "p", "encrypted_hash": "e" });
    let file = json!({ "file_name": "a.png", "mime_type": "image/png", "sha256": "x", "size": 3,
                       "media_id": "m1", "cdn_url": "http://127.0.0.1:1/t.enc",
                       "encryption_metadata": metadata });
    let out = media_for(
        json!({ "p": [file.clone()] }).as_object().unwrap().clone(),
        MediaUse::Complete,
    );
    assert_eq!(
        out["p"],
        json!([{ "file_name": "a.png", "mime_type": "image/png", "sha256": "x", "id": "m1" }])
    );
    let out = media_for(
        json!({ "p": [file] }).as_object().unwrap().clone(),
        MediaUse::Endpoint,
    );
    // Exactly the four members Meta documents, in its order.
    assert_eq!(
        serde_json::to_string(&out["p"][0]).unwrap(),
        json!({ "media_id": "m1", "cdn_url": "http://127.0.0.1:1/t.enc", "file_name": "a.png",
                "encryption_metadata": metadata })
        .to_string()
    );
}

fn photo(name: &str, mime: &str, size: u64) -> Value {
    json!({ "file_name": name, "mime_type": mime, "sha256": "x", "size": size,
            "media_id": format!("id-{name}") })
}

fn attach(s: &mut Session, name: &str, file: Result<Value, String>) -> Vec<Effect> {
    s.update(Input::Attach {
        name: name.into(),
        file,
    })
}

fn picker_screen(picker: Value, action: Value) -> Session {
    started(
        json!({ "version": "7.3", "screens": [{ "id": "A", "title": "A", "terminal": true,
        "layout": { "type": "SingleColumnLayout", "children": [picker, footer(action)] } }] }),
    )
}

fn files_of(s: &Session, name: &str) -> usize {
    s.store()
        .and_then(|st| st.form.get(name))
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn error_of(s: &Session) -> Option<String> {
    s.view().items[0].error.clone()
}

#[test]
fn the_client_refuses_files_beyond_the_picker_limits_with_a_message_on_it() {
    let mut s = picker_screen(
        json!({ "type": "PhotoPicker", "name": "p", "label": "Photos",
                "max-uploaded-photos": 2, "max-file-size-kb": 10 }),
        json!({ "name": "complete", "payload": { "p": "${form.p}" } }),
    );
    attach(
        &mut s,
        "p",
        Ok(photo("big.jpg", "image/jpeg", 10 * 1024 + 1)),
    );
    assert_eq!(files_of(&s, "p"), 0);
    assert_eq!(
        error_of(&s).as_deref(),
        Some("big.jpg is larger than 10 KB")
    );
    attach(&mut s, "p", Ok(photo("scan.pdf", "application/pdf", 10)));
    assert_eq!(
        error_of(&s).as_deref(),
        Some("scan.pdf is not a photo (application/pdf)")
    );
    attach(
        &mut s,
        "p",
        Err("/tmp/gone.png: No such file or directory".into()),
    );
    assert_eq!(files_of(&s, "p"), 0);
    assert!(error_of(&s).unwrap().contains("gone.png"));
    // A good file clears the message; the third is one too many.
    attach(&mut s, "p", Ok(photo("a.jpg", "image/jpeg", 10 * 1024)));
    assert_eq!(error_of(&s), None);
    attach(&mut s, "p", Ok(photo("b.png", "image/png", 5)));
    attach(&mut s, "p", Ok(photo("c.png", "image/png", 5)));
    assert_eq!(files_of(&s, "p"), 2);
    assert_eq!(
        error_of(&s).as_deref(),
        Some("You can add at most 2 photos")
    );
    assert!(
        s.events
            .iter()
            .any(|e| e.message.starts_with("not attached to p: You can add"))
    );
}

#[test]
fn a_document_picker_takes_only_its_allowed_mime_types() {
    let mut s = picker_screen(
        json!({ "type": "DocumentPicker", "name": "d", "label": "Docs",
                "allowed-mime-types": ["application/pdf"] }),
        json!({ "name": "complete", "payload": { "d": "${form.d}" } }),
    );
    attach(&mut s, "d", Ok(photo("a.png", "image/png", 5)));
    assert_eq!(
        error_of(&s).as_deref(),
        Some("a.png is image/png, which this picker does not accept")
    );
    attach(&mut s, "d", Ok(photo("a.pdf", "application/pdf", 5)));
    assert_eq!(files_of(&s, "d"), 1);
    // Without a list, any type WhatsApp supports, and nothing else.
    let mut s = picker_screen(
        json!({ "type": "DocumentPicker", "name": "d", "label": "Docs" }),
        json!({ "name": "complete", "payload": { "d": "${form.d}" } }),
    );
    attach(
        &mut s,
        "d",
        Ok(photo("run.exe", "application/x-msdownload", 5)),
    );
    assert_eq!(files_of(&s, "d"), 0);
    attach(&mut s, "d", Ok(photo("notes.txt", "text/plain", 5)));
    assert_eq!(files_of(&s, "d"), 1);
}

#[test]
fn a_completion_with_more_than_ten_files_or_100_mb_is_not_sent() {
    let complete = json!({ "name": "complete", "payload": { "p": "${form.p}" } });
    let mut s = picker_screen(
        json!({ "type": "PhotoPicker", "name": "p", "label": "Photos" }),
        complete.clone(),
    );
    for i in 0..11 {
        attach(&mut s, "p", Ok(photo(&format!("{i}.png"), "image/png", 5)));
    }
    let effects = s.update(Input::Tap(Tap::Footer));
    assert!(effects.is_empty());
    assert_eq!(s.phase, Phase::Running);
    assert_eq!(
        error_of(&s).as_deref(),
        Some("A response can carry at most 10 files; this one has 11")
    );
    let mut s = picker_screen(
        json!({ "type": "PhotoPicker", "name": "p", "label": "Photos" }),
        complete,
    );
    for i in 0..5 {
        attach(
            &mut s,
            "p",
            Ok(photo(&format!("{i}.png"), "image/png", 25 * 1024 * 1024)),
        );
    }
    assert!(s.update(Input::Tap(Tap::Footer)).is_empty());
    assert_eq!(
        error_of(&s).as_deref(),
        Some("Files in a response can total at most 100 MB; these total 125.0 MB")
    );
    // Ten files within 100 MB complete.
    let mut s = picker_screen(
        json!({ "type": "PhotoPicker", "name": "p", "label": "Photos" }),
        json!({ "name": "complete", "payload": { "p": "${form.p}" } }),
    );
    for i in 0..10 {
        attach(
            &mut s,
            "p",
            Ok(photo(&format!("{i}.png"), "image/png", 1000)),
        );
    }
    let effects = s.update(Input::Tap(Tap::Footer));
    assert!(
        matches!(&effects[..], [Effect::Complete(c)] if c.response["p"].as_array().unwrap().len() == 10)
    );
}

#[test]
fn endpoint_delivery_counts_are_checked_on_submit() {
    let mut s = picker_screen(
        json!({ "type": "DocumentPicker", "name": "d", "label": "Docs",
                "min-uploaded-documents": 2 }),
        json!({ "name": "data_exchange", "payload": { "d": "${form.d}" } }),
    );
    attach(&mut s, "d", Ok(photo("a.pdf", "application/pdf", 5)));
    let effects = s.update(Input::Tap(Tap::Footer));
    assert!(effects.is_empty());
    assert_eq!(error_of(&s).as_deref(), Some("Add at least 2 documents"));
    attach(&mut s, "d", Ok(photo("b.pdf", "application/pdf", 5)));
    let effects = s.update(Input::Tap(Tap::Footer));
    assert!(
        matches!(&effects[..], [Effect::Request(r)] if r.data["d"].as_array().unwrap().len() == 2)
    );
}

#[test]
fn flow_json_6_fires_update_data_on_render_but_7_does_not() {
    let make = |version: &str| {
        json!({ "version": version, "screens": [{ "id": "A", "title": "A", "terminal": true,
            "data": { "shown": { "type": "boolean", "__example__": false } },
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "RadioButtonsGroup", "name": "r", "label": "R", "init-value": "a",
                  "data-source": [{ "id": "a", "title": "A" }],
                  "on-select-action": { "name": "update_data", "payload": { "shown": true } } },
                footer(json!({ "name": "complete" })) ] } }] })
    };
    assert_eq!(started(make("6.3")).store().unwrap().data["shown"], true);
    assert_eq!(started(make("7.0")).store().unwrap().data["shown"], false);
}

#[test]
fn rebase_keeps_stack_and_values_where_screens_still_exist() {
    let doc = two_screens(
        vec![
            json!({ "type": "TextInput", "name": "name", "label": "Name" }),
            footer(nav("B", json!({}))),
        ],
        vec![
            json!({ "type": "TextInput", "name": "city", "label": "City" }),
            footer(json!({ "name": "complete" })),
        ],
        json!({}),
    );
    let mut s = started(doc.clone());
    set(&mut s, "name", json!("Ada"));
    s.update(Input::Tap(Tap::Footer));
    set(&mut s, "city", json!("Paris"));
    let mut edited = doc.clone();
    edited["screens"][1]["title"] = json!("B2");
    let r = s.rebase(flow(edited));
    assert_eq!(r.stack, vec!["A", "B"]);
    assert_eq!(r.store().unwrap().form["city"], "Paris");
    assert_eq!(r.view().title, "B2");
    let mut renamed = doc;
    renamed["screens"][1]["id"] = json!("C");
    renamed["screens"][0]["layout"]["children"][1] = footer(nav("C", json!({})));
    let r = s.rebase(flow(renamed));
    assert_eq!(r.stack, vec!["A"]);
    assert_eq!(r.stores["A"].form["name"], "Ada");
}

#[test]
fn hidden_inputs_are_not_submitted_and_unset_bindings_hide() {
    let doc = json!({ "version": "7.3", "screens": [{ "id": "A", "title": "A", "terminal": true,
        "layout": { "type": "SingleColumnLayout", "children": [
            { "type": "OptIn", "name": "x", "label": "Tick" },
            { "type": "TextBody", "text": "shown when ticked", "visible": "${form.x}" },
            { "type": "TextInput", "name": "t", "label": "T", "visible": "${form.x}" },
            footer(json!({ "name": "complete", "payload": { "t": "${form.t}" } })) ] } }] });
    let mut s = started(doc);
    assert!(!s.view().texts().contains(&"shown when ticked".to_string()));
    set(&mut s, "x", json!(true));
    set(&mut s, "t", json!("secret"));
    set(&mut s, "x", json!(false));
    let effects = s.update(Input::Tap(Tap::Footer));
    let Some(Effect::Complete(c)) = effects.first() else {
        panic!()
    };
    assert!(!c.response.contains_key("t"), "{:?}", c.response);
}

#[test]
fn selections_of_removed_options_are_dropped() {
    let mut doc = two_screens(
        vec![
            json!({ "type": "RadioButtonsGroup", "name": "r", "label": "R", "data-source": "${data.opts}" }),
            json!({ "type": "EmbeddedLink", "text": "Fewer", "on-click-action": { "name": "update_data",
                    "payload": { "opts": [{ "id": "b", "title": "B" }] } } }),
            footer(nav("B", json!({}))),
        ],
        vec![footer(json!({ "name": "complete" }))],
        json!({}),
    );
    doc["screens"][0]["data"] = json!({ "opts": { "type": "array",
        "items": { "type": "object", "properties": { "id": { "type": "string" }, "title": { "type": "string" } } },
        "__example__": [{ "id": "a", "title": "A" }, { "id": "b", "title": "B" }] } });
    let mut s = started(doc);
    set(&mut s, "r", json!("a"));
    let link = s.view().items[1].key.clone();
    s.update(Input::Tap(Tap::Link(link)));
    assert_eq!(s.store().unwrap().form.get("r"), None);
}

#[test]
fn a_range_may_not_span_an_unavailable_day() {
    let doc = json!({ "version": "7.3", "screens": [{ "id": "A", "title": "A", "terminal": true,
        "layout": { "type": "SingleColumnLayout", "children": [
            { "type": "CalendarPicker", "name": "stay", "mode": "range",
              "label": { "start-date": "In", "end-date": "Out" }, "min-days": 1,
              "unavailable-dates": ["2027-06-11"] },
            footer(json!({ "name": "complete" })) ] } }] });
    let mut s = started(doc);
    set(
        &mut s,
        "stay",
        json!({ "start-date": "2027-06-07", "end-date": "2027-06-13" }),
    );
    s.update(Input::Tap(Tap::Footer));
    assert!(
        s.view().items[0]
            .error
            .as_deref()
            .unwrap()
            .contains("2027-06-11")
    );
    set(
        &mut s,
        "stay",
        json!({ "start-date": "2027-06-12", "end-date": "2027-06-12" }),
    );
    s.update(Input::Tap(Tap::Footer));
    assert_eq!(
        s.view().items[0].error.as_deref(),
        Some("Choose at least 1 day")
    );
}

/// A screen like Meta's loan example: option lists and a quote in the data, two dropdowns
/// whose change asks the endpoint for a new quote, and an input shown only on request.
fn quote_flow() -> Value {
    let options = json!({ "type": "array", "items": { "type": "object",
        "properties": { "id": { "type": "string" }, "title": { "type": "string" } } } });
    json!({
        "version": "7.3",
        "data_api_version": "3.0",
        "routing_model": { "LOAN": ["DONE"], "DONE": [] },
        "screens": [
            { "id": "LOAN", "title": "Loan",
              "data": {
                "amounts": options.clone(), "tenures": options,
                "emi": { "type": "string" }, "rate": { "type": "string" },
                "show_note": { "type": "boolean" } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "Dropdown", "name": "amount", "label": "Amount", "data-source": "${data.amounts}" },
                { "type": "Dropdown", "name": "tenure", "label": "Tenure", "data-source": "${data.tenures}",
                  "on-select-action": { "name": "data_exchange",
                    "payload": { "amount": "${form.amount}", "tenure": "${form.tenure}" } } },
                { "type": "TextInput", "name": "note", "label": "Note", "visible": "${data.show_note}" },
                { "type": "TextBody", "text": "`'EMI ' ${data.emi} ' at ' ${data.rate}`" },
                footer(json!({ "name": "data_exchange", "payload": { "emi": "${data.emi}" } }))
              ] } },
            { "id": "DONE", "title": "Done", "terminal": true,
              "data": { "emi": { "type": "string" } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "${data.emi}" },
                footer(json!({ "name": "complete", "payload": {} })) ] } }
        ]
    })
}

/// The quote screen opened with INIT and its full data, amount and tenure chosen, and the
/// note typed.
fn quoted() -> Session {
    let mut s = Session::new(flow(quote_flow()), "tok");
    s.update(Input::Start(Start::DataExchange));
    s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {
        "amounts": [{ "id": "a1", "title": "7,20,000" }, { "id": "a2", "title": "3,20,000" }],
        "tenures": [{ "id": "m12", "title": "12 months" }, { "id": "m48", "title": "48 months" }],
        "emi": "18,000", "rate": "9% pa", "show_note": true } }))));
    assert!(s.findings.is_empty(), "{:?}", s.findings);
    set(&mut s, "amount", json!("a1"));
    set(&mut s, "note", json!("call me"));
    let effects = set(&mut s, "tenure", json!("m12"));
    assert!(matches!(effects.first(), Some(Effect::Request(r)) if r.data["tenure"] == "m12"));
    s
}

#[test]
fn a_refresh_merges_into_the_screen_data_and_keeps_the_form() {
    let mut s = quoted();
    // Meta's loan example answers a tenure change with the new quote and nothing else.
    s.update(Input::Answer(Ok(
        json!({ "screen": "LOAN", "data": { "emi": "63,000" } }),
    )));
    let store = s.store().unwrap();
    assert_eq!(store.data["emi"], "63,000");
    assert_eq!(store.data["rate"], "9% pa", "left out, so kept");
    assert_eq!(store.data["amounts"].as_array().map(Vec::len), Some(2));
    assert_eq!(store.form["amount"], "a1");
    assert_eq!(store.form["tenure"], "m12");
    assert_eq!(store.form["note"], "call me");
    assert!(s.findings.is_empty(), "{:?}", s.findings);
    assert!(
        s.view()
            .texts()
            .contains(&"EMI 63,000 at 9% pa".to_string())
    );

    // A refresh whose options no longer hold the selection, and that hides the note.
    set(&mut s, "tenure", json!("m48"));
    s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {
        "tenures": [{ "id": "m12", "title": "12 months" }], "show_note": false } }))));
    let store = s.store().unwrap();
    assert_eq!(store.form.get("tenure"), None, "m48 is no longer an option");
    assert_eq!(store.form.get("note"), None, "the note input is gone");
    assert_eq!(store.form["amount"], "a1");
}

#[test]
fn an_answer_for_another_screen_gives_it_only_the_data_it_carries() {
    let mut s = quoted();
    s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {} }))));
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(json!({ "screen": "DONE", "data": {} }))));
    assert_eq!(s.current(), Some("DONE"));
    assert!(s.store().unwrap().data.is_empty());
    assert_eq!(s.findings.len(), 1, "{:?}", s.findings);
    assert_eq!(s.findings[0].code, AnswerCode::MissingData);
    assert_eq!(s.findings[0].level, Level::Warning);
    assert!(
        s.findings[0].message.contains("Screen DONE declares `emi`"),
        "{}",
        s.findings[0].message
    );
}

#[test]
fn back_answers_merge_into_the_screen_returned_to() {
    let mut s = started(endpoint_flow());
    set(&mut s, "code", json!("7"));
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(
        json!({ "screen": "B", "data": { "total": 2 } }),
    )));
    s.update(Input::Back);
    s.update(Input::Answer(Ok(json!({ "screen": "A", "data": {} }))));
    assert_eq!(s.current(), Some("A"));
    assert_eq!(s.store().unwrap().data["greeting"], "Hi", "kept");
    assert_eq!(s.store().unwrap().form["code"], "7", "kept");
    assert!(s.findings.is_empty(), "{:?}", s.findings);
}

#[test]
fn missing_declared_data_is_a_warning_naming_the_fields_and_the_screen() {
    let mut s = Session::new(flow(quote_flow()), "tok");
    s.update(Input::Start(Start::DataExchange));
    s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {
        "amounts": [], "tenures": [], "show_note": false } }))));
    assert_eq!(s.current(), Some("LOAN"), "the answer is used");
    assert_eq!(s.findings.len(), 1);
    let f = &s.findings[0];
    assert_eq!((f.level, f.code.as_str()), (Level::Warning, "missing-data"));
    assert!(
        f.message.starts_with(
            "Screen LOAN declares `emi` and `rate`, but no endpoint answer has set them"
        ),
        "{}",
        f.message
    );
}

#[test]
fn a_type_mismatch_names_the_field_and_why() {
    let mut s = quoted();
    let effects = s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {
        "emi": 63000, "tenures": [{ "id": "m12", "title": 12 }] } }))));
    let Some(Effect::Request(n)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(n.data["error"], "payload-schema-error");
    let f = &s.findings[0];
    assert_eq!(
        (f.level, f.code.as_str()),
        (Level::Error, "payload-schema-error")
    );
    assert!(
        f.message
            .contains("`emi` should be a string, but the answer has the number 63000"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("`tenures[0].title` should be a string"),
        "{}",
        f.message
    );
    assert_eq!(s.store().unwrap().data["emi"], "18,000", "the screen stays");
}

#[test]
fn a_disallowed_screen_is_an_error_finding() {
    let mut doc = quote_flow();
    doc["routing_model"] = json!({ "LOAN": [], "DONE": [] });
    let mut s = Session::new(flow(doc), "tok");
    s.update(Input::Start(Start::DataExchange));
    s.update(Input::Answer(Ok(json!({ "screen": "LOAN", "data": {} }))));
    s.update(Input::Tap(Tap::Footer));
    s.update(Input::Answer(Ok(
        json!({ "screen": "DONE", "data": { "emi": "1" } }),
    )));
    assert_eq!(s.current(), Some("LOAN"));
    let f = s.findings.last().unwrap();
    assert_eq!(
        (f.level, f.code.as_str()),
        (Level::Error, "invalid-screen-transition")
    );
    assert!(f.message.contains("from LOAN to DONE"), "{}", f.message);
}

#[test]
fn a_completion_without_flow_token_is_a_warning() {
    let mut s = started(endpoint_flow());
    s.update(Input::Tap(Tap::Footer));
    let effects = s.update(Input::Answer(Ok(json!({ "screen": "SUCCESS",
        "data": { "extension_message_response": { "params": { "quote": "Q-1" } } } }))));
    assert!(matches!(effects.first(), Some(Effect::Complete(c)) if c.response["quote"] == "Q-1"));
    assert_eq!(s.findings.len(), 1);
    assert_eq!(s.findings[0].code, AnswerCode::MissingFlowToken);
    assert_eq!(s.findings[0].level, Level::Warning);
}

#[test]
fn requests_follow_the_flow_after_a_rebase() {
    let mut s = started(endpoint_flow());
    let Some(Effect::Request(r)) = s.update(Input::Tap(Tap::Footer)).into_iter().next() else {
        panic!()
    };
    assert_eq!((r.version.as_str(), r.sign_flow_token), ("3.0", false));
    s.update(Input::Answer(Ok(json!({ "screen": "A", "data": {} }))));
    let mut doc = endpoint_flow();
    doc["data_api_version"] = json!("4.0");
    let mut s = s.rebase(flow(doc));
    let Some(Effect::Request(r)) = s.update(Input::Tap(Tap::Footer)).into_iter().next() else {
        panic!()
    };
    assert_eq!((r.version.as_str(), r.sign_flow_token), ("4.0", true));
    assert_eq!(r.payload()["version"], "4.0");
}

/// The bundled sample flows (not their scenarios or mocks), with their paths.
fn sample_flows() -> Vec<(std::path::PathBuf, Arc<Flow>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-flows");
    let mut flows = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let file = entry.file_name().to_string_lossy().to_string();
        if !file.ends_with(".json") || file.matches('.').count() > 1 {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let flow = Arc::new(Flow::from_node(json::parse(&text).unwrap()));
        flows.push((entry.path(), flow));
    }
    flows
}

/// A session started at `screen`.
fn session_at(flow: &Arc<Flow>, screen: &str) -> Session {
    let mut s = Session::new(Arc::clone(flow), "tok");
    s.update(Input::Start(Start::Navigate {
        screen: Some(screen.to_string()),
        data: None,
    }));
    s
}

#[test]
fn an_input_found_by_name_is_the_one_the_view_shows() {
    // Every input of every screen of the bundled samples, with If branches both ways.
    let mut checked = 0;
    for (path, flow) in sample_flows() {
        for screen in &flow.screens {
            let mut s = session_at(&flow, &screen.id);
            let names: Vec<&str> = screen
                .all_components()
                .iter()
                .filter_map(|c| c.name())
                .collect();
            for ticked in [false, true] {
                for name in &names {
                    assert_eq!(
                        s.item_named(name).as_ref(),
                        s.view().item_named(name),
                        "{name} on {} of {}",
                        screen.id,
                        path.display()
                    );
                    checked += 1;
                }
                // Tick every OptIn, pick every first option: conditions change.
                for item in s.view().items {
                    if let Some(name) = &item.name {
                        let value = match item.kind {
                            Kind::OptIn => json!(ticked),
                            _ => continue,
                        };
                        set(&mut s, name, value);
                    }
                }
            }
        }
    }
    assert!(checked > 50, "{checked} inputs checked");
}

/// Values the user could give an input of this kind: each one changes it, clears it, or
/// drives an `If` or `visible` that reads it.
fn values_for(item: &Item) -> Vec<Value> {
    let ids: Vec<Value> = item
        .list("data-source")
        .iter()
        .filter_map(|o| o.get("id").cloned())
        .collect();
    match item.kind {
        Kind::TextInput | Kind::TextArea => {
            vec![
                json!("A"),
                json!("Ada"),
                json!("17"),
                json!("18"),
                json!(""),
            ]
        }
        Kind::OptIn => vec![json!(true), json!(false)],
        Kind::RadioButtonsGroup | Kind::Dropdown => {
            let mut v = ids;
            v.push(Value::Null);
            v
        }
        Kind::CheckboxGroup | Kind::ChipsSelector => {
            let mut v: Vec<Value> = (1..=ids.len()).map(|n| json!(ids[..n])).collect();
            v.push(json!([]));
            v
        }
        Kind::DatePicker => vec![json!("2025-03-14"), Value::Null],
        Kind::CalendarPicker => vec![
            json!("2025-03-14"),
            json!({ "start-date": "2025-03-14", "end-date": "2025-03-16" }),
            Value::Null,
        ],
        Kind::PhotoPicker | Kind::DocumentPicker => vec![json!([]), Value::Null],
        _ => vec![json!("x")],
    }
}

#[test]
fn a_patched_view_is_the_view_made_afresh() {
    // Every input of every screen of the bundled samples, given each of a few values in turn
    // (so If branches, Switch cases and `visible` go both ways), after a submit's errors.
    let (mut patched, mut refused) = (0, 0);
    for (path, flow) in sample_flows() {
        for screen in &flow.screens {
            let mut s = session_at(&flow, &screen.id);
            let names: Vec<&str> = screen
                .all_components()
                .iter()
                .filter(|c| c.kind.is_some_and(Kind::is_input))
                .filter_map(|c| c.name())
                .collect();
            if let Some(store) = s.stores.get_mut(&screen.id) {
                for name in &names {
                    store.errors.insert(name.to_string(), "Not valid".into());
                }
            }
            for name in &names {
                let shown = s.view().item_named(name).cloned();
                let acts = shown.as_ref().is_some_and(|i| {
                    !i.actions.is_empty()
                        || (i.list("data-source").iter())
                            .any(|o| o.keys().any(|k| k.starts_with("on-")))
                });
                for value in shown.as_ref().map_or(vec![json!("x")], values_for) {
                    let mut view = s.view();
                    set(&mut s, name, value.clone());
                    let at = format!("{name} = {value} on {} of {}", screen.id, path.display());
                    if s.patch_view(&mut view, name) {
                        assert_eq!(view, s.view(), "{at}");
                        patched += 1;
                    } else {
                        assert!(acts || s.current() != Some(&screen.id), "{at}: refused");
                        refused += 1;
                    }
                }
            }
        }
    }
    assert!(patched > 300, "{patched} patched, {refused} refused");
}

/// A screen whose texts, `If`, `visible`, Form messages, Footer and title read input `x`.
fn reads_x() -> Value {
    json!({
        "version": "7.3",
        "screens": [{
            "id": "A", "title": "`'About ' ${form.x}`", "terminal": true,
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "Form", "name": "f",
                  "error-messages": { "y": "`'Not with ' ${form.x}`" },
                  "children": [
                    { "type": "TextInput", "name": "x", "label": "X", "error-message": "Required" },
                    { "type": "TextInput", "name": "y", "label": "Y", "init-value": "Bo" }
                  ] },
                { "type": "TextBody", "text": "`'Hi ' ${form.x}`" },
                { "type": "TextBody", "text": "${screen.A.form.x}" },
                { "type": "TextCaption", "text": "${form.y}" },
                { "type": "If", "condition": "${form.x} == 'more'",
                  "then": [{ "type": "TextBody", "text": "More" }],
                  "else": [{ "type": "TextBody", "text": "Less" }] },
                { "type": "TextBody", "text": "Gone", "visible": "`${form.x} != 'hide'`" },
                { "type": "Footer", "label": "`'Send ' ${form.x}`",
                  "on-click-action": { "name": "complete", "payload": { "x": "${form.x}" } } }
            ] }
        }]
    })
}

#[test]
fn patching_remakes_what_reads_the_input() {
    let mut s = started(reads_x());
    s.stores
        .get_mut("A")
        .unwrap()
        .errors
        .insert("x".into(), "Too short".into());
    for x in ["Ada", "more", "hide", "", "Ada"] {
        let mut view = s.view();
        set(&mut s, "x", json!(x));
        assert!(s.patch_view(&mut view, "x"), "{x}");
        assert_eq!(view, s.view(), "{x}");
    }
    let view = s.view();
    let texts = view.texts();
    for shown in [
        "About Ada",
        "Not with Ada",
        "Hi Ada",
        "Bo",
        "Less",
        "Gone",
        "Send Ada",
    ] {
        assert!(texts.iter().any(|t| t == shown), "{shown} in {texts:?}");
    }
    assert_eq!(texts.iter().filter(|t| *t == "Ada").count(), 2, "{texts:?}");
    let x = view.item_named("x").unwrap();
    assert_eq!(
        (x.value.clone(), x.error.clone()),
        (Some(json!("Ada")), None)
    );
}

#[test]
fn a_set_that_runs_an_action_is_not_patched() {
    let mut s = started(json!({
        "version": "7.3",
        "screens": [{
            "id": "A", "terminal": true,
            "data": { "picked": { "type": "string", "__example__": "none" } },
            "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "${data.picked}" },
                { "type": "RadioButtonsGroup", "name": "r", "label": "R",
                  "data-source": [{ "id": "a", "title": "A" }],
                  "on-select-action": { "name": "update_data", "payload": { "picked": "${form.r}" } } },
                { "type": "Dropdown", "name": "d", "label": "D",
                  "data-source": [{ "id": "a", "title": "A",
                    "on-select-action": { "name": "update_data", "payload": { "picked": "d" } } }] },
                footer(json!({ "name": "complete", "payload": {} }))
            ] }
        }]
    }));
    for name in ["r", "d"] {
        let mut view = s.view();
        set(&mut s, name, json!("a"));
        assert!(!s.patch_view(&mut view, name), "{name}");
    }
    assert_eq!(s.view().items[0].text("text").as_deref(), Some("d"));
}

#[test]
fn a_view_of_another_screen_is_not_patched() {
    let mut s = started(two_screens(
        vec![
            json!({ "type": "TextInput", "name": "x", "label": "X" }),
            footer(nav("B", json!({}))),
        ],
        vec![json!({ "type": "TextInput", "name": "x", "label": "X" })],
        json!({}),
    ));
    let mut view = s.view();
    s.update(Input::Tap(Tap::Footer));
    set(&mut s, "x", json!("Ada"));
    assert!(!s.patch_view(&mut view, "x"));
    assert_eq!(view.screen, "A");
}
