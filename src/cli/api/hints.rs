//! Graph errors for people: Meta's code, subcode, message and `fbtrace_id`, and for the known
//! codes one sentence that says what happened and how to fix it (flows-api.md §1.6,
//! flow-json.md §6.3).

use flowsim_api::GraphError;

/// The command that failed, and the flow (or other object) it was about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op<'a> {
    pub kind: Kind,
    pub id: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    List,
    Show,
    Create,
    Push,
    Pull,
    Publish,
    Deprecate,
    Delete,
    Preview,
    Send,
    KeyGet,
    KeySet,
}

impl<'a> Op<'a> {
    pub fn new(kind: Kind, id: Option<&'a str>) -> Op<'a> {
        Op { kind, id }
    }

    pub fn is_write(&self) -> bool {
        matches!(
            self.kind,
            Kind::Create
                | Kind::Push
                | Kind::Publish
                | Kind::Deprecate
                | Kind::Delete
                | Kind::Send
                | Kind::KeySet
        )
    }

    fn id(&self) -> &str {
        self.id.unwrap_or("FLOW_ID")
    }

    /// `: flowsim api show ID` where that tells whether a write happened.
    pub fn check_with(&self) -> String {
        match (self.kind, self.id) {
            (Kind::Create, _) => ": flowsim api list".into(),
            (Kind::Send, _) => " on the phone".into(),
            (Kind::KeySet, _) => ": flowsim api key get".into(),
            (_, Some(id)) => format!(": flowsim api show {id}"),
            _ => String::new(),
        }
    }

    fn what(&self) -> String {
        let id = self.id();
        match self.kind {
            Kind::List => "list the flows".into(),
            Kind::Show => format!("show flow {id}"),
            Kind::Create => "create the flow".into(),
            Kind::Push => format!("upload Flow JSON to flow {id}"),
            Kind::Pull => format!("download flow {id}"),
            Kind::Publish => format!("publish flow {id}"),
            Kind::Deprecate => format!("deprecate flow {id}"),
            Kind::Delete => format!("delete flow {id}"),
            Kind::Preview => format!("get the preview of flow {id}"),
            Kind::Send => format!("send flow {id}"),
            Kind::KeyGet => "get the business public key".into(),
            Kind::KeySet => "upload the business public key".into(),
        }
    }
}

/// The whole report: the error line, Meta's texts, the identifiers, a hint.
pub(crate) fn describe(g: &GraphError, op: &Op<'_>) -> String {
    let e = &g.error;
    let mut out = format!("error: Meta refused to {}: {}\n", op.what(), e.message);
    match (&e.error_user_title, &e.error_user_msg) {
        // Meta's message usually is `(#code) title`: then the title is said already.
        (Some(t), Some(m)) if e.message.contains(t.as_str()) => out.push_str(&format!("  {m}\n")),
        (Some(t), Some(m)) => out.push_str(&format!("  {t}: {m}\n")),
        (Some(t), None) | (None, Some(t)) => out.push_str(&format!("  {t}\n")),
        (None, None) => {}
    }
    if let Some(d) = e.details() {
        out.push_str(&format!("  details: {d}\n"));
    }
    let mut ids = Vec::new();
    if e.code != 0 || !e.kind.is_empty() {
        ids.push(format!("code {}", e.code));
        if let Some(s) = e.error_subcode {
            ids.push(format!("subcode {s}"));
        }
        if !e.kind.is_empty() {
            ids.push(e.kind.clone());
        }
    }
    ids.push(format!("HTTP {}", g.status));
    ids.push(match &e.fbtrace_id {
        Some(t) => format!("fbtrace_id {t}"),
        None => "no fbtrace_id".into(),
    });
    out.push_str(&format!("  {}\n", ids.join(", ")));
    if let Some(h) = hint(g, op) {
        out.push_str(&format!("hint: {h}\n"));
    }
    if g.write && (g.status >= 500 || e.code == 1 || e.code == 2) {
        out.push_str(&format!(
            "note: flowsim does not repeat changes on its own; check whether it happened{} before trying again\n",
            op.check_with()
        ));
    }
    out
}

/// How long to wait, as Meta says it, in words.
fn wait(g: &GraphError) -> String {
    match g.wait {
        Some(w) if w.as_secs() >= 90 => format!(
            "wait about {} minutes (Meta's estimate) and try again",
            w.as_secs().div_ceil(60)
        ),
        Some(w) => format!(
            "wait about {} seconds (Meta's estimate) and try again",
            w.as_secs().max(1)
        ),
        None => "wait a few minutes and try again".into(),
    }
}

/// One sentence with the fix, for the codes flowsim knows.
pub(crate) fn hint(g: &GraphError, op: &Op<'_>) -> Option<String> {
    let e = &g.error;
    let id = op.id();
    let title = format!(
        "{} {}",
        e.error_user_title.as_deref().unwrap_or_default(),
        e.message
    )
    .to_lowercase();
    let retried = if op.is_write() {
        ""
    } else {
        " (flowsim already retried this read)"
    };
    Some(match (e.code, e.error_subcode) {
        (104, _) => "no access token reached Meta: set WHATSAPP_ACCESS_TOKEN".into(),
        (190, Some(463)) => "the access token has expired: make a new one (a system user's token can be made without expiry in Business settings → System users)".into(),
        (190, Some(460)) => "the token was invalidated by a password change: make a new one".into(),
        (190, Some(458)) => "the app is no longer installed for this user: add it again and make a new token".into(),
        (190, Some(467 | 492)) => "the token was invalidated (logged out or session ended): make a new one".into(),
        (190, _) => "Meta does not accept the access token: check WHATSAPP_ACCESS_TOKEN or --token (a truncated copy? a token of another app?)".into(),
        (10 | 200..=299, _) if op.kind == Kind::Send => "the token lacks the whatsapp_business_messaging permission: give it to the system user (with the phone number's WABA as an asset) and make a new token".into(),
        (10 | 200..=299, _) => "the token lacks the whatsapp_business_management permission (or the WABA is not among the system user's assets): grant it and make a new token".into(),
        (3, _) => "the app lacks the capability for this call: check that the WhatsApp product is set up for the app".into(),
        (4 | 17 | 32 | 613, _) => format!("the app's Graph API rate limit is reached{retried}: {}", wait(g)),
        (80007 | 80008, _) => format!("the WhatsApp Business Account's rate limit is reached (about 200 calls an hour until the WABA has a registered number){retried}: {}", wait(g)),
        (130429, _) => format!("the phone number's message throughput is reached: {}", wait(g)),
        (131056, _) => format!("too many messages to this number in a short time: {}", wait(g)),
        (132069, _) => format!("the flow is THROTTLED and its 10 messages for this hour are used: wait an hour, and look at its health with `flowsim api show {id}`"),
        (132068, _) => format!("the flow is BLOCKED, or its endpoint set-up is incomplete (the public key?): `flowsim api show {id}` shows its health with Meta's solutions"),
        (131008 | 131009, _) => "Meta's details name the parameter: a DRAFT flow is sent with --draft, --screen must be an entry screen, and a deprecated flow cannot be sent".into(),
        (131026, _) => "the message could not be delivered: the recipient's WhatsApp may be too old for this Flow JSON version, or the number is not on WhatsApp".into(),
        (131000, _) => format!("Meta had an unknown problem{retried}: try again later"),
        (368, _) => "the account is temporarily blocked for a policy violation: see Account quality in WhatsApp Manager".into(),
        (100, Some(33)) => "there is no object with that id, or the token cannot see it: check the id (and --waba-id / --phone-id), and that the WABA is among the system user's assets".into(),
        (100, _) if title.contains("nonexisting field") => "this Graph version does not know a field flowsim asks for: try another --graph-version".into(),
        (100, _) if title.contains("not unique") => "a flow with this name exists in the WABA already: choose another name (flowsim api list shows them)".into(),
        (100, _) if title.contains("version") => "the Flow JSON's \"version\" is missing or unknown to Meta: use 7.3 (flowsim validate checks it)".into(),
        (100, _) => "Meta refused a parameter; the message above names it".into(),
        (1 | 2, _) => format!("a temporary problem at Meta{retried}: try again in a few minutes"),
        (139000, _) => "Meta's integrity checks blocked this flow: contact WhatsApp Business support".into(),
        (139001, _) => format!("this flow cannot be changed (deprecated, or published before November 2024): clone it with `flowsim api create NAME --clone {id}` and push to the clone"),
        (139002, _) => publish_fix(&title, id),
        (139003, _) if title.contains("already") => "the flow is already deprecated: nothing more to do".into(),
        (139003, _) => format!("only a PUBLISHED flow can be deprecated; a draft can be deleted instead: `flowsim api delete {id}`"),
        (139004, _) => format!("a published flow can never be deleted: deprecate it instead with `flowsim api deprecate {id}`"),
        (139006, _) => "the endpoint has too few requests (under 250) for metrics: try again later".into(),
        (0, None) if g.status >= 500 => format!("Meta's servers had a problem{retried}: try again later"),
        _ => return None,
    })
}

/// The fix for a 139002 refusal, from Meta's title.
fn publish_fix(title: &str, id: &str) -> String {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    if has(&["validation"]) {
        format!(
            "fix the validation errors (`flowsim api show {id}` lists them), upload the fixed file with `flowsim api push {id} FILE`, then publish again"
        )
    } else if has(&["draft", "state", "status"]) {
        format!(
            "only a DRAFT flow can be published, and this one is published or deprecated already (`flowsim api show {id}`)"
        )
    } else if has(&["version"]) {
        "Meta no longer publishes this Flow JSON version: set \"version\" to 7.3, push the file, then publish".into()
    } else if has(&["endpoint uri", "endpoint_uri", "data_channel_uri"]) {
        "an endpoint flow needs its endpoint URI: set it in WhatsApp Manager (the flow's Endpoint tab), or create the flow with --endpoint-uri".into()
    } else if has(&["key"]) {
        "upload the business public key: `flowsim api key set public.pem` (`flowsim keygen` makes a pair)".into()
    } else if has(&["app"]) {
        "connect a Meta app to the flow in WhatsApp Manager (the flow's Endpoint tab)".into()
    } else if has(&["phone"]) {
        "add and register a phone number on the WhatsApp Business Account".into()
    } else if has(&["health", "available", "unreachable", "ping"]) {
        "the endpoint must answer Meta's health check: try `flowsim ping --endpoint URL --public-key PEM`".into()
    } else if has(&["webhook", "subscri"]) {
        "subscribe the app to the WABA's `flows` webhook field".into()
    } else {
        format!(
            "fix what Meta names above and publish again; `flowsim api show {id}` lists the flow's health with Meta's solutions"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowsim_api::error::ErrorBody;
    use std::time::Duration;

    fn g(code: i64, sub: Option<i64>, title: Option<&str>) -> GraphError {
        GraphError {
            status: 400,
            error: ErrorBody {
                message: format!("(#{code}) {}", title.unwrap_or("x")),
                kind: "OAuthException".into(),
                code,
                error_subcode: sub,
                error_user_title: title.map(str::to_string),
                fbtrace_id: Some("Atrace".into()),
                ..Default::default()
            },
            wait: None,
            write: true,
            raw: serde_json::Value::Null,
        }
    }

    #[test]
    fn each_publish_refusal_gets_its_own_fix() {
        let op = Op::new(Kind::Publish, Some("42"));
        let fix = |t: &str| hint(&g(139002, None, Some(t)), &op).unwrap();
        assert!(fix("Publishing Flow with validation errors").contains("flowsim api push 42"));
        assert!(fix("Flow is not in DRAFT status").contains("only a DRAFT"));
        assert!(fix("Versions in Flow JSON file are not available for publishing").contains("7.3"));
        assert!(fix("Endpoint URI is not set").contains("--endpoint-uri"));
        assert!(fix("Business public key is not signed").contains("key set"));
        assert!(fix("No Meta app connected to the Flow").contains("Meta app"));
        assert!(fix("Something new").contains("flowsim api show 42"));
    }

    #[test]
    fn the_report_names_code_subcode_and_trace() {
        let mut e = g(190, Some(463), None);
        e.status = 401;
        let text = describe(&e, &Op::new(Kind::List, None));
        assert!(
            text.contains("code 190, subcode 463, OAuthException, HTTP 401, fbtrace_id Atrace"),
            "{text}"
        );
        assert!(text.contains("expired"), "{text}");
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let mut e = g(80007, None, None);
        e.wait = Some(Duration::from_secs(300));
        let h = hint(&e, &Op::new(Kind::List, None)).unwrap();
        assert!(
            h.contains("about 5 minutes") && h.contains("already retried"),
            "{h}"
        );
        e.wait = Some(Duration::from_secs(20));
        assert!(
            hint(&e, &Op::new(Kind::Send, None))
                .unwrap()
                .contains("about 20 seconds")
        );
    }
}
