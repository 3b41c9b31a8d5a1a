//! A Flow JSON at Meta's limits, for the benchmarks: 100 screens of 50 components each
//! (nested ones counted, as Meta counts them), about 2 MB pretty-printed. Every screen has
//! realistic texts, every kind of input, radio/checkbox/dropdown options both written inline
//! and bound to the screen's data, small base64 pictures, an `If`, nested expressions and a
//! Footer that navigates to the next screen; the last screen is terminal and completes.
//!
//! Deterministic: the same bytes on every run. Used by `benches/flowsim.rs` (which also writes
//! it to `target/bench-flow.json`) and `examples/bench_flow.rs`.

use std::io::Cursor;

use base64::Engine as _;
use serde_json::{Map, Value, json};

/// Screens in the big flow.
pub const SCREENS: usize = 100;
/// Components per screen, nested ones counted (Meta's limit).
pub const COMPONENTS_PER_SCREEN: usize = 50;

/// The id of screen `i` (0-based): `STEP_AA`, `STEP_AB`, … (screen ids are letters and
/// underscores only).
pub fn screen_id(i: usize) -> String {
    let a = (b'A' + (i / 26) as u8) as char;
    let b = (b'A' + (i % 26) as u8) as char;
    format!("STEP_{a}{b}")
}

/// The id of the terminal screen.
pub fn last_screen_id() -> String {
    screen_id(SCREENS - 1)
}

/// The big flow as pretty-printed JSON text.
pub fn big_flow() -> String {
    let pictures: Vec<String> = (0..6).map(picture).collect();
    let screens: Vec<Value> = (0..SCREENS).map(|i| screen(i, &pictures)).collect();
    let flow = json!({
        "version": "7.3",
        "screens": screens,
    });
    let mut text = serde_json::to_string_pretty(&flow).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// A small deterministic generator so that texts vary from screen to screen.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        // SplitMix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }

    /// `n` sentences of body text.
    fn sentences(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.pick(SENTENCES))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

const SENTENCES: &[&str] = &[
    "We only ask for what we need to prepare your booking.",
    "Your answers are saved as you go, so you can come back to this step later.",
    "A member of our team reviews every request within one working day.",
    "If something is unclear, the help centre explains each field in more detail.",
    "You can change these details at any time before the final confirmation.",
    "Prices include taxes and the service fee; delivery is calculated at checkout.",
    "We will never share your contact details with third parties without consent.",
    "Choose the option that fits best; you can pick a different one on the next visit.",
    "Fields marked as optional can be left empty without delaying your request.",
    "Our stores open at nine in the morning and close at eight in the evening.",
    "Bring a valid ID to the appointment so that we can verify your identity.",
    "Most customers finish this form in about three minutes.",
];

const HEADINGS: &[&str] = &[
    "Tell us about yourself",
    "Your delivery preferences",
    "Plan and payment",
    "Appointment details",
    "Your household",
    "Contact preferences",
    "Almost there",
    "Travel companions",
    "Health questionnaire",
    "Review your choices",
];

const SUBHEADINGS: &[&str] = &[
    "Personal details",
    "How can we reach you?",
    "Where should we deliver?",
    "Choose what suits you",
    "A few more questions",
    "Preferences",
    "Good to know",
];

const CITIES: &[&str] = &[
    "Amsterdam",
    "Barcelona",
    "Berlin",
    "Bogotá",
    "Cairo",
    "Cape Town",
    "Delhi",
    "Jakarta",
    "Lagos",
    "Lisbon",
    "Mexico City",
    "Mumbai",
    "Nairobi",
    "São Paulo",
    "Seoul",
    "Singapore",
];

const TOPICS: &[(&str, &str)] = &[
    ("news", "Product news"),
    ("offers", "Special offers"),
    ("events", "Events near me"),
    ("tips", "Tips and guides"),
    ("surveys", "Surveys"),
    ("partners", "Partner offers"),
];

/// A small PNG (32×18, a soft gradient with a band), base64 encoded.
fn picture(seed: usize) -> String {
    let (r0, g0, b0) = [
        (23u8, 107u8, 105u8),
        (226, 168, 76),
        (122, 78, 50),
        (64, 38, 24),
        (200, 228, 222),
        (90, 140, 200),
    ][seed % 6];
    let img = image::RgbImage::from_fn(32, 18, |x, y| {
        let band = (x + 2 * y) % 12 < 3;
        let f = |c: u8, k: u32| c.saturating_add((k * 3) as u8);
        if band {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([f(r0, x), f(g0, y), f(b0, x + y)])
        }
    });
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    base64::engine::general_purpose::STANDARD.encode(png)
}

fn plans_example(rng: &mut Rng) -> Value {
    let names = [
        ("basic", "Basic"),
        ("plus", "Plus"),
        ("family", "Family"),
        ("business", "Business"),
    ];
    Value::Array(
        names
            .iter()
            .map(|(id, title)| {
                json!({
                    "id": id,
                    "title": title,
                    "description": rng.sentences(1),
                })
            })
            .collect(),
    )
}

fn regions_example() -> Value {
    Value::Array(
        ["north", "south", "east", "west", "centre"]
            .iter()
            .map(|r| {
                let mut title = r.to_string();
                title[..1].make_ascii_uppercase();
                json!({ "id": r, "title": format!("{title} region") })
            })
            .collect(),
    )
}

/// The data model every screen declares (the first screen's values come from
/// `__example__`; each Footer forwards them to the next screen).
fn data_model(rng: &mut Rng) -> Value {
    json!({
        "plans": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "title": { "type": "string" },
                    "description": { "type": "string" }
                }
            },
            "__example__": plans_example(rng)
        },
        "regions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": { "type": "string" },
                    "title": { "type": "string" }
                }
            },
            "__example__": regions_example()
        },
        "customer": { "type": "string", "__example__": "Ada Lovelace" },
        "show_tips": { "type": "boolean", "__example__": true }
    })
}

fn options(rng: &mut Rng, items: &[(&str, &str)], describe: bool) -> Value {
    Value::Array(
        items
            .iter()
            .map(|(id, title)| {
                let mut o = Map::new();
                o.insert("id".into(), json!(id));
                o.insert("title".into(), json!(title));
                if describe {
                    o.insert("description".into(), json!(rng.sentences(1)));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

/// One screen: exactly [`COMPONENTS_PER_SCREEN`] components, nested ones counted.
fn screen(i: usize, pictures: &[String]) -> Value {
    let mut rng = Rng(i as u64 * 7919 + 17);
    let id = screen_id(i);
    let last = i + 1 == SCREENS;
    let n = i + 1;
    let mut c: Vec<Value> = Vec::new();

    c.push(json!({ "type": "TextHeading", "text": rng.pick(HEADINGS) }));
    c.push(json!({
        "type": "TextBody",
        "markdown": true,
        "text": [
            format!("**Step {n} of {SCREENS}.** {}", rng.sentences(2)),
            format!("- {}", rng.sentences(1)),
            format!("- {}", rng.sentences(1)),
        ],
    }));
    c.push(json!({
        "type": "Image",
        "src": pictures[i % pictures.len()],
        "height": 90,
        "scale-type": "cover",
        "alt-text": "A banner for this step",
    }));
    c.push(json!({ "type": "TextSubheading", "text": rng.pick(SUBHEADINGS) }));
    c.push(json!({
        "type": "TextInput",
        "name": "full_name",
        "label": "Full name",
        "required": true,
        "max-chars": 60,
        "helper-text": "As it appears on your ID",
        "init-value": "${data.customer}",
    }));
    c.push(json!({
        "type": "TextInput",
        "name": "email",
        "label": "Email",
        "input-type": "email",
        "helper-text": "We send the confirmation here",
    }));
    c.push(json!({
        "type": "TextInput",
        "name": "phone",
        "label": "Phone",
        "input-type": "phone",
    }));
    c.push(json!({
        "type": "TextInput",
        "name": "age",
        "label": "Age",
        "input-type": "number",
        "helper-text": "You must be 18 or older for some plans",
    }));
    c.push(json!({
        "type": "TextBody",
        "text": "`'Thanks, ' ${form.full_name} '. Your details are saved as you type.'`",
    }));
    c.push(json!({
        "type": "TextArea",
        "name": "notes",
        "label": "Notes",
        "max-length": 600,
        "helper-text": "Anything we should know?",
    }));
    c.push(json!({
        "type": "RadioButtonsGroup",
        "name": "plan",
        "label": "Choose a plan",
        "required": true,
        "data-source": "${data.plans}",
    }));
    c.push(json!({
        "type": "RadioButtonsGroup",
        "name": "contact_time",
        "label": "Best time to call",
        "data-source": options(
            &mut rng,
            &[
                ("morning", "Morning"),
                ("afternoon", "Afternoon"),
                ("evening", "Evening"),
                ("any", "Any time"),
            ],
            true,
        ),
    }));
    let city_ids: Vec<String> = CITIES
        .iter()
        .map(|c| c.to_lowercase().replace(' ', "_"))
        .collect();
    let city_opts: Vec<(&str, &str)> = city_ids
        .iter()
        .zip(CITIES)
        .map(|(id, title)| (id.as_str(), *title))
        .collect();
    c.push(json!({
        "type": "Dropdown",
        "name": "city",
        "label": "City",
        "required": true,
        "data-source": options(&mut rng, &city_opts, false),
    }));
    c.push(json!({
        "type": "Dropdown",
        "name": "region",
        "label": "Region",
        "data-source": "${data.regions}",
    }));
    c.push(json!({
        "type": "CheckboxGroup",
        "name": "topics",
        "label": "What interests you?",
        "description": rng.sentences(1),
        "max-selected-items": 4,
        "data-source": options(&mut rng, TOPICS, false),
    }));
    c.push(json!({
        "type": "CheckboxGroup",
        "name": "plan_extras",
        "label": "Compare with",
        "data-source": "${data.plans}",
    }));
    c.push(json!({
        "type": "ChipsSelector",
        "name": "channels",
        "label": "How should we keep in touch?",
        "data-source": options(
            &mut rng,
            &[
                ("whatsapp", "WhatsApp"),
                ("email", "Email"),
                ("sms", "SMS"),
                ("phone", "Phone call"),
                ("post", "Post"),
            ],
            false,
        ),
    }));
    c.push(json!({
        "type": "DatePicker",
        "name": "date",
        "label": "Preferred date",
        "min-date": "2025-01-01",
        "max-date": "2026-12-31",
        "unavailable-dates": ["2025-12-25", "2026-01-01"],
        "helper-text": "We are closed on public holidays",
    }));
    c.push(json!({
        "type": "CalendarPicker",
        "name": "stay",
        "mode": "range",
        "label": { "start-date": "Check-in", "end-date": "Check-out" },
        "title": "When are you staying?",
        "min-date": "2025-01-01",
        "max-date": "2026-12-31",
        "max-days": 14,
    }));
    c.push(json!({
        "type": "Image",
        "src": pictures[(i + 1) % pictures.len()],
        "height": 60,
        "scale-type": "contain",
        "alt-text": "An illustration of the options",
    }));
    c.push(json!({
        "type": "If",
        "condition": "${form.age} >= 18",
        "then": [ { "type": "TextBody", "text": rng.sentences(2) } ],
        "else": [ { "type": "TextCaption", "text": rng.sentences(1) } ],
    }));
    c.push(json!({
        "type": "TextCaption",
        "visible": "${data.show_tips}",
        "text": rng.sentences(2),
    }));
    c.push(json!({
        "type": "OptIn",
        "name": "terms",
        "label": "I accept the terms and the privacy policy.",
        "required": true,
        "on-click-action": { "name": "open_url", "url": "https://example.com/terms" },
    }));
    c.push(json!({
        "type": "OptIn",
        "name": "marketing",
        "label": "Send me offers and news about new services.",
    }));
    c.push(json!({
        "type": "EmbeddedLink",
        "text": "Read the help centre",
        "on-click-action": { "name": "open_url", "url": "https://example.com/help" },
    }));
    c.push(json!({
        "type": "Image",
        "src": pictures[(i + 2) % pictures.len()],
        "height": 40,
        "alt-text": "Our logo",
    }));
    // Fill up to the limit with more questions and text, one short of it: the Footer is last.
    let mut k = 0;
    while c.iter().map(components).sum::<usize>() < COMPONENTS_PER_SCREEN - 1 {
        let v = match k % 5 {
            0 => json!({ "type": "TextSubheading", "text": rng.pick(SUBHEADINGS) }),
            1 => json!({ "type": "TextBody", "text": rng.sentences(3) }),
            2 => json!({
                "type": "TextInput",
                "name": format!("answer_{k}"),
                "label": format!("Answer {}", k / 5 + 1),
                "helper-text": rng.pick(SENTENCES).chars().take(80).collect::<String>(),
            }),
            3 => json!({
                "type": "RadioButtonsGroup",
                "name": format!("rating_{k}"),
                "label": format!("Rate question {}", k / 5 + 1),
                "data-source": options(
                    &mut rng,
                    &[("1", "Poor"), ("2", "Fair"), ("3", "Good"), ("4", "Very good"), ("5", "Excellent")],
                    false,
                ),
            }),
            _ => json!({ "type": "TextCaption", "text": rng.sentences(1) }),
        };
        c.push(v);
        k += 1;
    }
    let footer = if last {
        json!({
            "type": "Footer",
            "label": "Submit",
            "center-caption": format!("Step {n} of {SCREENS}"),
            "on-click-action": {
                "name": "complete",
                "payload": {
                    "full_name": "${form.full_name}",
                    "plan": "${form.plan}",
                    "city": "${form.city}",
                    "first_name": format!("${{screen.{}.form.full_name}}", screen_id(0)),
                    "topics": "${form.topics}",
                },
            },
        })
    } else {
        json!({
            "type": "Footer",
            "label": "Continue",
            "center-caption": format!("Step {n} of {SCREENS}"),
            "on-click-action": {
                "name": "navigate",
                "next": { "type": "screen", "name": screen_id(i + 1) },
                "payload": {
                    "plans": "${data.plans}",
                    "regions": "${data.regions}",
                    "customer": "${form.full_name}",
                    "show_tips": "${data.show_tips}",
                },
            },
        })
    };
    c.push(footer);
    debug_assert_eq!(
        c.iter().map(components).sum::<usize>(),
        COMPONENTS_PER_SCREEN
    );

    let mut s = Map::new();
    s.insert("id".into(), json!(id));
    s.insert(
        "title".into(),
        json!(format!("{} ({n}/{SCREENS})", rng.pick(SUBHEADINGS))),
    );
    if last {
        s.insert("terminal".into(), json!(true));
        s.insert("success".into(), json!(true));
    }
    s.insert("data".into(), data_model(&mut rng));
    s.insert(
        "layout".into(),
        json!({ "type": "SingleColumnLayout", "children": c }),
    );
    Value::Object(s)
}

/// How many components a component is, as Meta counts them: itself and every nested one.
fn components(v: &Value) -> usize {
    let nested: usize = ["then", "else", "children"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .flatten()
        .map(components)
        .sum();
    1 + nested
}
