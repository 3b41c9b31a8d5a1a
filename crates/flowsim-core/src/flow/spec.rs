//! What Flow JSON allows, as data: every component, its properties, their types, limits
//! and the version that introduced them, which actions each trigger accepts, and the keys,
//! values and limits of the document, its screens and its actions.
//!
//! This table is the single place that knows the Flow JSON vocabulary. The validator checks
//! documents against it, `flowsim schema` exports it as a JSON Schema (so the two cannot
//! drift apart), and the engine and the renderer look components up by [`Kind`]. Sources: components.md §3–6 and flow-json.md §1–4
//! (Meta's component reference, error codes and changelog).
//!
//! To add a component: add a [`Kind`] variant, a [`ComponentSpec`] entry in [`COMPONENTS`],
//! then teach the engine (`sim`) its value and the renderer (`ui::components`) its look.

use super::version::{Version, v};

/// Every Flow JSON component type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    TextHeading,
    TextSubheading,
    TextBody,
    TextCaption,
    RichText,
    TextInput,
    TextArea,
    CheckboxGroup,
    RadioButtonsGroup,
    Dropdown,
    ChipsSelector,
    OptIn,
    DatePicker,
    CalendarPicker,
    PhotoPicker,
    DocumentPicker,
    Footer,
    EmbeddedLink,
    NavigationList,
    Image,
    ImageCarousel,
    If,
    Switch,
    Form,
}

/// The actions of Flow JSON (flow-json.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionName {
    Navigate,
    Complete,
    DataExchange,
    UpdateData,
    OpenUrl,
}

impl ActionName {
    pub const ALL: [ActionName; 5] = [
        ActionName::Navigate,
        ActionName::Complete,
        ActionName::DataExchange,
        ActionName::UpdateData,
        ActionName::OpenUrl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionName::Navigate => "navigate",
            ActionName::Complete => "complete",
            ActionName::DataExchange => "data_exchange",
            ActionName::UpdateData => "update_data",
            ActionName::OpenUrl => "open_url",
        }
    }

    pub fn parse(name: &str) -> Option<ActionName> {
        ActionName::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The first Flow JSON version with this action.
    pub fn since(self) -> Version {
        match self {
            ActionName::UpdateData | ActionName::OpenUrl => v(6, 0),
            _ => V_ANY,
        }
    }

    /// The keys an action object of this kind may carry besides `name`.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            ActionName::Navigate => &["next", "payload"],
            ActionName::OpenUrl => &["url"],
            _ => &["payload"],
        }
    }
}

/// `next.type` of a `navigate` action: `screen` is what Meta documents; `plugin` is modelled
/// by pywa and undocumented by Meta, so the validator accepts it with a warning
/// (flow-json.md §4.1).
pub const NEXT_TYPES: &[&str] = &["screen", "plugin"];

/// How `open_url`'s `url` and the 2.1 `data_channel_uri` start.
pub const URL_SCHEMES: &[&str] = &["https://", "http://"];

// ---------------------------------------------------------------------------------------
// The document around the components (flow-json.md §1–2, §5).

/// Meta's limit on screens per flow (flow-json.md §1.6).
pub const MAX_SCREENS: usize = 100;

/// At most this many outgoing routes per screen: Meta's Flow JSON reference ("10 branches
/// within the routing model", flow-json.md §1.6 and §5.3 rule 7; the error text and
/// Meta's client code count per screen) and the component reference's limits table
/// ("routing model / navigate targets", components.md §6). Without a `routing_model`
/// Meta derives the routes from the `navigate` actions, so the limit counts distinct
/// navigate targets then. It is independent of how many components may navigate: a
/// NavigationList may hold 20 items (components.md §5.21), but at most 10 distinct
/// screens can be their targets.
pub const MAX_BRANCHES: usize = 10;

/// Keys of a screen and the version that introduced each (flow-json.md §2.1).
pub const SCREEN_KEYS: &[(&str, Version)] = &[
    ("id", V_ANY),
    ("title", V_ANY),
    ("layout", V_ANY),
    ("terminal", V_ANY),
    ("success", v(3, 1)),
    ("refresh_on_back", V_ANY),
    ("data", V_ANY),
    ("sensitive", v(5, 1)),
];

/// The only public layout type.
pub const LAYOUT: &str = "SingleColumnLayout";

/// The `type`s of a data-model field (flow-json.md §2.2).
pub const DATA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array"];

/// The `data_api_version`s a flow of this version may declare: 4.0 pairs with Flow JSON
/// 7.3 (flow-json.md §1.5).
pub fn data_api_versions(version: Version) -> &'static [&'static str] {
    if version >= v(7, 3) {
        &["3.0", "4.0"]
    } else {
        &["3.0"]
    }
}

/// The oldest documented version; a property with this `since` exists everywhere.
pub const V_ANY: Version = v(2, 1);

/// An action allowed on a trigger property, from a version on.
#[derive(Debug, Clone, Copy)]
pub struct Allowed {
    pub action: ActionName,
    pub since: Version,
}

const fn allow(action: ActionName, since: Version) -> Allowed {
    Allowed { action, since }
}

/// The type of a property value.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Num,
    Enum(&'static [&'static str]),
    /// A string, or an array of strings (markdown text given line by line).
    Text,
    /// An array of strings, optionally limited to an enum.
    StrArray(Option<&'static [&'static str]>),
    /// An array of objects whose members are described by `fields`.
    ObjArray {
        fields: &'static [Prop],
        min: usize,
        max: usize,
    },
    /// An object whose members are described by `fields`.
    Obj(&'static [Prop]),
    /// An action object; the list says which actions this trigger accepts.
    Action(&'static [Allowed]),
    /// An array of components.
    Children,
    /// `Switch.cases`: an object whose values are arrays of components.
    Cases,
    /// `Form.init-values` / `Form.error-messages`: an object keyed by input name.
    FormMap,
    /// A string, or (CalendarPicker range mode) an object `{start-date, end-date}` of strings.
    StrOrRange,
    /// A boolean, or (CalendarPicker range mode) an object `{start-date, end-date}` of booleans.
    BoolOrRange,
    /// A string, or an object mapping media ids to messages (picker `error-message`).
    StrOrMap,
}

/// One property of a component (or one member of a nested object).
#[derive(Debug, Clone, Copy)]
pub struct Prop {
    pub name: &'static str,
    pub ty: Ty,
    /// Required from this version on (`None`: optional).
    pub required: Option<Version>,
    pub since: Version,
    /// Accepts `${…}` bindings and (6.0+) backtick expressions.
    pub dynamic: bool,
    /// Character limit of a string value (Meta's documented value).
    pub max_chars: Option<usize>,
    /// Where other sources (or Meta's own templates) allow more than `max_chars`, the larger
    /// limit: values between the two get a warning instead of an error (components.md §9).
    pub disputed_max: Option<usize>,
    /// Inclusive numeric range of an integer value.
    pub range: Option<(i64, i64)>,
    /// Only allowed on a component that is not inside a `Form` (4.0+).
    pub outside_form: bool,
    pub doc: &'static str,
}

const fn p(name: &'static str, ty: Ty) -> Prop {
    Prop {
        name,
        ty,
        required: None,
        since: V_ANY,
        dynamic: true,
        max_chars: None,
        disputed_max: None,
        range: None,
        outside_form: false,
        doc: "",
    }
}

impl Prop {
    const fn req(mut self) -> Self {
        self.required = Some(V_ANY);
        self
    }
    const fn req_since(mut self, version: Version) -> Self {
        self.required = Some(version);
        self
    }
    const fn since(mut self, version: Version) -> Self {
        self.since = version;
        self
    }
    const fn fixed(mut self) -> Self {
        self.dynamic = false;
        self
    }
    const fn max(mut self, chars: usize) -> Self {
        self.max_chars = Some(chars);
        self
    }
    const fn max_disputed(mut self, meta: usize, other: usize) -> Self {
        self.max_chars = Some(meta);
        self.disputed_max = Some(other);
        self
    }
    const fn range(mut self, min: i64, max: i64) -> Self {
        self.range = Some((min, max));
        self
    }
    const fn outside_form(mut self) -> Self {
        self.outside_form = true;
        self.since = v(4, 0);
        self
    }
    const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The length above which a string is an error: Meta's limit, or where other sources
    /// allow more, the larger one (lengths between the two are warnings).
    pub fn max_chars_error(&self) -> Option<usize> {
        self.disputed_max.or(self.max_chars)
    }

    pub fn is_required(&self, version: Version) -> bool {
        self.required.is_some_and(|since| version >= since)
    }
}

/// A component type and its properties.
#[derive(Debug)]
pub struct ComponentSpec {
    pub kind: Kind,
    pub name: &'static str,
    pub since: Version,
    pub props: &'static [Prop],
    pub doc: &'static str,
}

impl ComponentSpec {
    pub fn prop(&self, name: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

use ActionName::*;
use Ty::*;

const VISIBLE: Prop = p("visible", Bool).doc("Hidden components take no space. Default true.");
const ENABLED: Prop = p("enabled", Bool).doc("Disabled inputs are shown but cannot be changed.");
const REQUIRED: Prop = p("required", Bool).doc("The user must give a value before submitting.");
const NAME: Prop = p("name", Str)
    .req()
    .fixed()
    .doc("Identifies the input: `${form.<name>}` and the key in init-values/error-messages.");
const HELPER: Prop = p("helper-text", Str)
    .max(80)
    .doc("Hint shown under the field.");
const LABEL_VARIANT: Prop = p("label-variant", Enum(&["large"]))
    .since(v(7, 0))
    .doc("A more prominent label that may wrap.");
const MEDIA_SIZE: Prop = p("media-size", Enum(&["regular", "large"]))
    .since(v(5, 0))
    .doc("Size of item images.");

const SELECT_DX_UD: &[Allowed] = &[allow(DataExchange, V_ANY), allow(UpdateData, v(6, 0))];
const ONLY_UD: &[Allowed] = &[allow(UpdateData, v(6, 0))];
const ONLY_DX: &[Allowed] = &[allow(DataExchange, V_ANY)];
const LINK_ACTIONS: &[Allowed] = &[
    allow(Navigate, V_ANY),
    allow(DataExchange, V_ANY),
    allow(OpenUrl, v(6, 0)),
];
const NAV_ACTIONS: &[Allowed] = &[allow(Navigate, V_ANY), allow(DataExchange, V_ANY)];

/// The size limit of an item picture (`image` of a data-source item, NavigationList
/// `start.image`) in KB: 300 before Flow JSON 6.0, 100 from it (components.md §3.8). The
/// client replaces a picture over it by a placeholder (§5.21).
pub fn item_image_limit_kb(version: Version) -> usize {
    if version >= v(6, 0) { 100 } else { 300 }
}

/// Members of a `data-source` item of CheckboxGroup, RadioButtonsGroup and Dropdown.
pub const OPTION_ITEM: &[Prop] = &[
    p("id", Str)
        .req()
        .doc("Value stored in the form when selected."),
    p("title", Str).req().max(30),
    p("description", Str).max(300),
    p("metadata", Str).max(20),
    p("enabled", Bool),
    p("image", Str).since(v(5, 0)).doc("Base64-encoded image."),
    p("alt-text", Str).since(v(5, 0)),
    p("color", Str).since(v(5, 0)).doc("6-digit hex colour."),
    p("on-select-action", Action(ONLY_UD))
        .since(v(6, 0))
        .fixed(),
    p("on-unselect-action", Action(ONLY_UD))
        .since(v(6, 0))
        .fixed(),
];

/// Members of a `data-source` item of ChipsSelector.
pub const CHIP_ITEM: &[Prop] = &[
    p("id", Str).req(),
    p("title", Str).req().max(30),
    p("enabled", Bool),
    p("on-select-action", Action(ONLY_UD)).fixed(),
    p("on-unselect-action", Action(ONLY_UD)).fixed(),
];

const MAIN_CONTENT: &[Prop] = &[
    p("title", Str).req().max(30),
    p("description", Str).max(20),
    p("metadata", Str).max(80),
];
const START: &[Prop] = &[p("image", Str).req(), p("alt-text", Str)];
const END: &[Prop] = &[
    p("title", Str).max(10),
    p("description", Str).max_disputed(10, 20),
    p("metadata", Str).max(10),
];

/// Members of a NavigationList item.
pub const NAV_ITEM: &[Prop] = &[
    p("id", Str).req(),
    p("main-content", Obj(MAIN_CONTENT)).req(),
    p("start", Obj(START)),
    p("end", Obj(END)),
    p("badge", Str).max(15),
    p("tags", StrArray(None)).doc("At most 3 tags of 15 characters."),
    p("on-click-action", Action(NAV_ACTIONS)).fixed(),
];

/// Members of an ImageCarousel image.
pub const CAROUSEL_IMAGE: &[Prop] = &[p("src", Str).req(), p("alt-text", Str).req()];

const fn options(min: usize, max: usize) -> Ty {
    ObjArray {
        fields: OPTION_ITEM,
        min,
        max,
    }
}

const TEXT_WEIGHTS: &[&str] = &["bold", "italic", "bold_italic", "normal"];
const WEEKDAYS: &[&str] = &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Every component, in the order of components.md §5.
pub static COMPONENTS: &[ComponentSpec] = &[
    ComponentSpec {
        kind: Kind::TextHeading,
        name: "TextHeading",
        since: V_ANY,
        doc: "Top-level title of a page: the largest, bold text.",
        props: &[p("text", Str).req().max(80), VISIBLE],
    },
    ComponentSpec {
        kind: Kind::TextSubheading,
        name: "TextSubheading",
        since: V_ANY,
        doc: "Section title, smaller than TextHeading.",
        props: &[p("text", Str).req().max(80), VISIBLE],
    },
    ComponentSpec {
        kind: Kind::TextBody,
        name: "TextBody",
        since: V_ANY,
        doc: "A paragraph of body text.",
        props: &[
            p("text", Text).req().max(4096),
            p("font-weight", Enum(TEXT_WEIGHTS)),
            p("strikethrough", Bool),
            p("markdown", Bool).since(v(5, 1)).fixed(),
            VISIBLE,
        ],
    },
    ComponentSpec {
        kind: Kind::TextCaption,
        name: "TextCaption",
        since: V_ANY,
        doc: "Small secondary text.",
        props: &[
            p("text", Text).req().max_disputed(409, 4096),
            p("font-weight", Enum(TEXT_WEIGHTS)),
            p("strikethrough", Bool),
            p("markdown", Bool).since(v(5, 1)).fixed(),
            VISIBLE,
        ],
    },
    ComponentSpec {
        kind: Kind::RichText,
        name: "RichText",
        since: v(5, 1),
        doc: "A markdown document: headings, emphasis, lists, links, tables, inline images.",
        props: &[p("text", Text).req(), VISIBLE],
    },
    ComponentSpec {
        kind: Kind::TextInput,
        name: "TextInput",
        since: V_ANY,
        doc: "A single-line text field.",
        props: &[
            NAME,
            p("label", Str).req().max(20),
            LABEL_VARIANT,
            p(
                "input-type",
                Enum(&["text", "number", "email", "password", "passcode", "phone"]),
            ),
            p("pattern", Str)
                .since(v(6, 2))
                .doc("A regular expression the value must match; needs helper-text."),
            REQUIRED,
            p("min-chars", Int),
            p("max-chars", Int),
            HELPER,
            VISIBLE,
            ENABLED,
            p("init-value", Str).outside_form(),
            p("error-message", Str).outside_form().max(30),
        ],
    },
    ComponentSpec {
        kind: Kind::TextArea,
        name: "TextArea",
        since: V_ANY,
        doc: "A multi-line text field.",
        props: &[
            NAME,
            p("label", Str).req().max(20),
            LABEL_VARIANT,
            REQUIRED,
            p("max-length", Int),
            HELPER,
            ENABLED,
            VISIBLE,
            p("init-value", Str).outside_form(),
            p("error-message", Str).outside_form(),
        ],
    },
    ComponentSpec {
        kind: Kind::CheckboxGroup,
        name: "CheckboxGroup",
        since: V_ANY,
        doc: "Options with check boxes; the value is the array of selected ids.",
        props: &[
            NAME,
            // 1–20 options: META-COMP CheckboxGroup (components.md §5.8).
            p("data-source", options(1, 20)).req(),
            p("label", Str).req_since(v(4, 0)).max(30),
            p("description", Str).since(v(4, 0)).max(300),
            p("min-selected-items", Int),
            p("max-selected-items", Int),
            REQUIRED,
            ENABLED,
            VISIBLE,
            MEDIA_SIZE,
            p("init-value", StrArray(None)).outside_form(),
            p("error-message", Str).outside_form(),
            p("on-select-action", Action(SELECT_DX_UD)).fixed(),
            p("on-unselect-action", Action(ONLY_UD))
                .since(v(6, 0))
                .fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::RadioButtonsGroup,
        name: "RadioButtonsGroup",
        since: V_ANY,
        doc: "Options with radio buttons; the value is the selected id.",
        props: &[
            NAME,
            // 1–20 options: META-COMP RadioButtonsGroup (components.md §5.9).
            p("data-source", options(1, 20)).req(),
            p("label", Str).req_since(v(4, 0)).max(30),
            p("description", Str).since(v(4, 0)).max(300),
            REQUIRED,
            ENABLED,
            VISIBLE,
            MEDIA_SIZE,
            p("init-value", Str).outside_form(),
            p("error-message", Str).outside_form(),
            p("on-select-action", Action(SELECT_DX_UD)).fixed(),
            p("on-unselect-action", Action(ONLY_UD))
                .since(v(6, 0))
                .fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::Dropdown,
        name: "Dropdown",
        since: V_ANY,
        doc: "A single-choice field that opens a list of options.",
        props: &[
            NAME,
            p("label", Str).req().max_disputed(20, 30),
            // 1–200 options (100 with images, checked in validate::schema): META-COMP
            // Dropdown (components.md §5.10).
            p("data-source", options(1, 200)).req(),
            REQUIRED,
            ENABLED,
            VISIBLE,
            p("init-value", Str).outside_form(),
            p("error-message", Str).outside_form(),
            p("on-select-action", Action(SELECT_DX_UD)).fixed(),
            p("on-unselect-action", Action(ONLY_UD))
                .since(v(6, 0))
                .fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::ChipsSelector,
        name: "ChipsSelector",
        since: v(6, 3),
        doc: "Options drawn as chips; the value is the array of selected ids.",
        props: &[
            NAME,
            p("label", Str).req().max(80),
            p("description", Str).max(300),
            // 2–20 options: META-COMP ChipsSelector (components.md §5.11).
            p(
                "data-source",
                ObjArray {
                    fields: CHIP_ITEM,
                    min: 2,
                    max: 20,
                },
            )
            .req(),
            p("min-selected-items", Int),
            p("max-selected-items", Int),
            REQUIRED,
            ENABLED,
            VISIBLE,
            p("init-value", StrArray(None)).outside_form(),
            p("error-message", Str).outside_form(),
            p(
                "on-select-action",
                Action(&[allow(DataExchange, V_ANY), allow(UpdateData, v(7, 1))]),
            )
            .fixed(),
            p("on-unselect-action", Action(&[allow(UpdateData, v(7, 1))]))
                .since(v(7, 1))
                .fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::OptIn,
        name: "OptIn",
        since: V_ANY,
        doc: "A single consent check box; the value is a boolean.",
        props: &[
            NAME,
            p("label", Str).req().max(120),
            REQUIRED,
            VISIBLE,
            p("init-value", Bool).outside_form(),
            p("on-click-action", Action(LINK_ACTIONS))
                .fixed()
                .doc("Adds a \"Read more\" link that runs this action."),
            p("on-select-action", Action(ONLY_UD))
                .since(v(6, 0))
                .fixed(),
            p("on-unselect-action", Action(ONLY_UD))
                .since(v(6, 0))
                .fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::DatePicker,
        name: "DatePicker",
        since: V_ANY,
        doc: "A date field. Dates are \"YYYY-MM-DD\" from 5.0, millisecond timestamps before.",
        props: &[
            NAME,
            p("label", Str).req().max(40),
            p("min-date", Str),
            p("max-date", Str),
            p("unavailable-dates", StrArray(None)),
            HELPER,
            REQUIRED,
            ENABLED,
            VISIBLE,
            p("init-value", Str).outside_form(),
            p("error-message", Str).outside_form().max(80),
            p("on-select-action", Action(ONLY_DX)).fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::CalendarPicker,
        name: "CalendarPicker",
        since: v(6, 1),
        doc: "A month calendar for one date or a date range.",
        props: &[
            NAME,
            p("mode", Enum(&["single", "range"])),
            p("label", StrOrRange).req().max(40),
            p("title", Str).max(80).doc("Range mode only."),
            p("description", Str).max(300).doc("Range mode only."),
            p("helper-text", StrOrRange).max(80),
            p("required", BoolOrRange),
            ENABLED,
            VISIBLE,
            p("min-date", Str),
            p("max-date", Str),
            p("unavailable-dates", StrArray(None)),
            p("include-days", StrArray(Some(WEEKDAYS))),
            p("min-days", Int).doc("Range mode only."),
            p("max-days", Int).doc("Range mode only."),
            p("init-value", StrOrRange).outside_form().since(v(6, 1)),
            p("error-message", StrOrRange)
                .outside_form()
                .since(v(6, 1))
                .max(80),
            p("on-select-action", Action(ONLY_DX)).fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::PhotoPicker,
        name: "PhotoPicker",
        since: v(4, 0),
        doc: "Lets the user take or choose photos.",
        props: &[
            NAME,
            p("label", Str).req().max(80),
            p("description", Str).max(300),
            p(
                "photo-source",
                Enum(&["camera_gallery", "camera", "gallery"]),
            ),
            p("max-file-size-kb", Int).range(1, 25600),
            p("min-uploaded-photos", Int).range(0, 30),
            p("max-uploaded-photos", Int).range(1, 30),
            ENABLED,
            VISIBLE,
            p("error-message", StrOrMap),
        ],
    },
    ComponentSpec {
        kind: Kind::DocumentPicker,
        name: "DocumentPicker",
        since: v(4, 0),
        doc: "Lets the user attach files.",
        props: &[
            NAME,
            p("label", Str).req().max(80),
            p("description", Str).max(300),
            p("max-file-size-kb", Int).range(1, 25600),
            p("min-uploaded-documents", Int).range(0, 30),
            p("max-uploaded-documents", Int).range(1, 30),
            p("allowed-mime-types", StrArray(Some(MIME_TYPES))),
            ENABLED,
            VISIBLE,
            p("error-message", StrOrMap),
        ],
    },
    ComponentSpec {
        kind: Kind::Footer,
        name: "Footer",
        since: V_ANY,
        doc: "The screen's call-to-action button, pinned to the bottom.",
        props: &[
            p("label", Str).req().max(35),
            p(
                "on-click-action",
                Action(&[
                    allow(Navigate, V_ANY),
                    allow(DataExchange, V_ANY),
                    allow(Complete, V_ANY),
                ]),
            )
            .req()
            .fixed(),
            p("left-caption", Str).max(15),
            p("center-caption", Str).max(15),
            p("right-caption", Str).max(15),
            ENABLED,
        ],
    },
    ComponentSpec {
        kind: Kind::EmbeddedLink,
        name: "EmbeddedLink",
        since: V_ANY,
        doc: "An inline text link.",
        props: &[
            p("text", Str).req().max_disputed(25, 35),
            p("on-click-action", Action(LINK_ACTIONS)).req().fixed(),
            VISIBLE,
        ],
    },
    ComponentSpec {
        kind: Kind::NavigationList,
        name: "NavigationList",
        since: v(6, 2),
        doc: "A list of rich rows; tapping one runs its action.",
        props: &[
            NAME,
            // 1–20 items, "items past 20 are not rendered": META-COMP NavigationList
            // (components.md §5.21). Their navigate targets are routes of the screen,
            // limited to 10 ([`MAX_BRANCHES`]).
            p(
                "list-items",
                ObjArray {
                    fields: NAV_ITEM,
                    min: 1,
                    max: 20,
                },
            )
            .req(),
            p("label", Str).max(80),
            p("description", Str).max(300),
            MEDIA_SIZE,
            p("on-click-action", Action(NAV_ACTIONS)).fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::Image,
        name: "Image",
        since: V_ANY,
        doc: "A base64-encoded PNG or JPEG image.",
        props: &[
            p("src", Str).req(),
            p("width", Int),
            p("height", Int),
            p("scale-type", Enum(&["cover", "contain"])),
            p("aspect-ratio", Num),
            p("alt-text", Str),
            VISIBLE,
        ],
    },
    ComponentSpec {
        kind: Kind::ImageCarousel,
        name: "ImageCarousel",
        since: v(7, 1),
        doc: "Up to three swipeable images.",
        props: &[
            // 1–3 images: META-COMP ImageCarousel (components.md §5.18).
            p(
                "images",
                ObjArray {
                    fields: CAROUSEL_IMAGE,
                    min: 1,
                    max: 3,
                },
            )
            .req(),
            p("aspect-ratio", Enum(&["4:3", "16:9"])),
            p("scale-type", Enum(&["contain", "cover"])),
            VISIBLE,
        ],
    },
    ComponentSpec {
        kind: Kind::If,
        name: "If",
        since: v(4, 0),
        doc: "Shows `then` or `else` depending on a condition.",
        props: &[
            p("condition", Str).req().fixed(),
            p("then", Children).req().fixed(),
            p("else", Children).fixed(),
        ],
    },
    ComponentSpec {
        kind: Kind::Switch,
        name: "Switch",
        since: v(4, 0),
        doc: "Shows the components of the case whose key equals the value.",
        props: &[p("value", Str).req(), p("cases", Cases).req().fixed()],
    },
    ComponentSpec {
        kind: Kind::Form,
        name: "Form",
        since: V_ANY,
        doc: "Groups inputs; mandatory around inputs before 4.0.",
        props: &[
            p("name", Str).req().fixed(),
            p("children", Children).req().fixed(),
            p("init-values", FormMap),
            p("error-messages", FormMap),
        ],
    },
];

/// MIME types DocumentPicker accepts (components.md §5.23).
pub const MIME_TYPES: &[&str] = &[
    "application/gzip",
    "application/msword",
    "application/pdf",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/x-7z-compressed",
    "application/zip",
    "image/avif",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/webp",
    "text/plain",
    "video/mp4",
    "video/mpeg",
];

impl Kind {
    pub fn spec(self) -> &'static ComponentSpec {
        COMPONENTS
            .iter()
            .find(|s| s.kind == self)
            .expect("every Kind has a ComponentSpec")
    }

    pub fn parse(name: &str) -> Option<Kind> {
        COMPONENTS.iter().find(|s| s.name == name).map(|s| s.kind)
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Components whose value the user enters and that appear in `${form.…}`.
    pub fn is_input(self) -> bool {
        use Kind::*;
        matches!(
            self,
            TextInput
                | TextArea
                | CheckboxGroup
                | RadioButtonsGroup
                | Dropdown
                | ChipsSelector
                | OptIn
                | DatePicker
                | CalendarPicker
                | PhotoPicker
                | DocumentPicker
        )
    }

    /// Inputs that had to sit inside a `Form` before 4.0 (components.md §5.24).
    pub fn needs_form_before_4(self) -> bool {
        use Kind::*;
        matches!(
            self,
            TextInput
                | TextArea
                | CheckboxGroup
                | RadioButtonsGroup
                | OptIn
                | Dropdown
                | DatePicker
        )
    }

    pub fn is_picker(self) -> bool {
        matches!(self, Kind::PhotoPicker | Kind::DocumentPicker)
    }

    /// Whether this component may sit in an `If` branch (components.md §5.19).
    pub fn allowed_in_if(self, version: Version) -> bool {
        use Kind::*;
        match self {
            TextHeading | TextSubheading | TextBody | TextCaption | CheckboxGroup | DatePicker
            | Dropdown | EmbeddedLink | Footer | Image | OptIn | RadioButtonsGroup | Switch
            | TextArea | TextInput | If => true,
            ChipsSelector => version >= v(7, 1),
            _ => false,
        }
    }

    /// Whether this component may sit in a `Switch` case (components.md §5.20).
    pub fn allowed_in_switch(self, version: Version) -> bool {
        match self {
            Kind::If | Kind::Switch => false,
            other => other.allowed_in_if(version),
        }
    }

    /// At most this many of the component per screen, counting every If/Switch branch.
    /// Each limit is Meta's component reference (META-COMP in components.md) on that
    /// component, gathered in components.md §6 and flow-json.md §1.6. These count
    /// components, not what they hold: a NavigationList's 1–20 items are the `list-items`
    /// limit in [`COMPONENTS`], and the screens its items navigate to count toward the
    /// screen's 10 routes ([`MAX_BRANCHES`]).
    pub fn max_per_screen(self) -> Option<usize> {
        use Kind::*;
        match self {
            // META-COMP Footer (components.md §5.12); MORE_THAN_ONE_FOOTER.
            Footer => Some(1),
            // META-COMP EmbeddedLink (components.md §5.14).
            EmbeddedLink => Some(2),
            // META-COMP Image (components.md §5.17).
            Image => Some(3),
            // META-COMP OptIn (components.md §5.13).
            OptIn => Some(5),
            // META-COMP NavigationList (components.md §5.21).
            NavigationList => Some(2),
            // META-COMP ImageCarousel (components.md §5.18); 3 per flow as well.
            ImageCarousel => Some(2),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_component_has_a_spec_and_round_trips_its_name() {
        assert_eq!(COMPONENTS.len(), 24);
        for spec in COMPONENTS {
            assert_eq!(Kind::parse(spec.name), Some(spec.kind));
            assert_eq!(spec.kind.spec().name, spec.name);
        }
    }

    #[test]
    fn inputs_require_a_name() {
        for spec in COMPONENTS.iter().filter(|s| s.kind.is_input()) {
            let name = spec.prop("name").expect(spec.name);
            assert!(name.required.is_some() && !name.dynamic, "{}", spec.name);
        }
    }
}
