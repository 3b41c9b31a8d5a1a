//! Property tests of the expression language (`flowsim_core::flow::expr`).
//!
//! Well-typed expressions over numbers, strings, booleans and references are generated
//! together with a model: a tree evaluated by a straightforward f64/string/bool
//! interpreter that follows the documented semantics (division and modulo by zero give 0,
//! `==` compares numeric strings as numbers, concatenation joins what each member shows).
//! The generated text must parse (as a nested expression and, for booleans, as an `If`
//! condition), type-check to the generated type, print and re-parse to the same tree, and
//! evaluate to what the model says. Arbitrary text must parse or fail without panicking,
//! and pathological inputs (deep parentheses, 100k operators, long strings) must be answered
//! quickly.
//!
//! Case counts are modest so `cargo test` stays fast; raise them with
//! `PROPTEST_CASES=20000 cargo test --test expr_props`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use flowsim_core::flow::expr::{self, BinaryOp, Expr, PropText, Ref, Type};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The model

/// References the generator may use, by type. Their values are generated per case.
const NUM_REFS: [&str; 3] = ["${data.n0}", "${form.n1}", "${screen.PREV.data.n2}"];
const STR_REFS: [&str; 3] = ["${data.s0}", "${form.s1}", "${screen.PREV.form.s2}"];
const BOOL_REFS: [&str; 2] = ["${data.b0}", "${screen.PREV_B.data.b1}"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ty {
    Num,
    Str,
    Bool,
}

/// A generated expression, written fully parenthesised.
#[derive(Debug, Clone)]
enum M {
    /// A number literal as written (`12`, `0.5`, `-3`) and its value.
    Num(String, f64),
    Str(String),
    Bool(bool),
    /// An index into the references of the type.
    Ref(Ty, usize),
    Arith(BinaryOp, Box<M>, Box<M>),
    /// `<`, `<=`, `>`, `>=` on numbers.
    Order(BinaryOp, Box<M>, Box<M>),
    /// `==` / `!=` on two values of the same type.
    Equal(BinaryOp, Box<M>, Box<M>),
    Logic(BinaryOp, Box<M>, Box<M>),
    Not(Box<M>),
}

/// The values of the references in one case.
#[derive(Debug, Clone)]
struct Env {
    nums: Vec<(String, f64)>,
    strs: Vec<String>,
    bools: Vec<bool>,
}

impl Env {
    fn resolve(&self) -> HashMap<String, Value> {
        let mut map = HashMap::new();
        for (i, (_, n)) in self.nums.iter().enumerate() {
            map.insert(NUM_REFS[i].to_string(), json!(n));
        }
        for (i, s) in self.strs.iter().enumerate() {
            map.insert(STR_REFS[i].to_string(), json!(s));
        }
        for (i, b) in self.bools.iter().enumerate() {
            map.insert(BOOL_REFS[i].to_string(), json!(b));
        }
        map
    }
}

/// What the model computes.
#[derive(Debug, Clone, PartialEq)]
enum MV {
    /// `None`: not a finite number (shown as nothing, counted as 0 by arithmetic).
    Num(Option<f64>),
    Str(String),
    Bool(bool),
}

fn text(m: &M) -> String {
    match m {
        M::Num(t, _) => t.clone(),
        M::Str(s) => quote(s),
        M::Bool(b) => b.to_string(),
        M::Ref(Ty::Num, i) => NUM_REFS[*i].to_string(),
        M::Ref(Ty::Str, i) => STR_REFS[*i].to_string(),
        M::Ref(Ty::Bool, i) => BOOL_REFS[*i].to_string(),
        M::Arith(op, a, b) | M::Order(op, a, b) | M::Equal(op, a, b) | M::Logic(op, a, b) => {
            format!("({} {} {})", text(a), op.symbol(), text(b))
        }
        M::Not(a) => format!("(!{})", text(a)),
    }
}

/// A single-quoted string literal with `'`, `\` and `` ` `` escaped.
fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        if matches!(c, '\'' | '\\' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A string the way `==` reads it as a number, if it is one.
fn numeric(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn model(m: &M, env: &Env) -> MV {
    let num = |m: &M| match model(m, env) {
        MV::Num(n) => n,
        other => panic!("generator bug: {other:?} where a number belongs"),
    };
    let boolean = |m: &M| match model(m, env) {
        MV::Bool(b) => b,
        other => panic!("generator bug: {other:?} where a boolean belongs"),
    };
    match m {
        M::Num(_, v) => MV::Num(Some(*v)),
        M::Str(s) => MV::Str(s.clone()),
        M::Bool(b) => MV::Bool(*b),
        M::Ref(Ty::Num, i) => MV::Num(Some(env.nums[*i].1)),
        M::Ref(Ty::Str, i) => MV::Str(env.strs[*i].clone()),
        M::Ref(Ty::Bool, i) => MV::Bool(env.bools[*i]),
        M::Arith(op, a, b) => {
            let (x, y) = (num(a).unwrap_or(0.0), num(b).unwrap_or(0.0));
            let r = match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                _ if y == 0.0 => 0.0,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => unreachable!(),
            };
            MV::Num(r.is_finite().then_some(r))
        }
        M::Order(op, a, b) => MV::Bool(match (num(a), num(b)) {
            (Some(x), Some(y)) => match op {
                BinaryOp::Lt => x < y,
                BinaryOp::Le => x <= y,
                BinaryOp::Gt => x > y,
                BinaryOp::Ge => x >= y,
                _ => unreachable!(),
            },
            _ => false,
        }),
        M::Equal(op, a, b) => {
            let equal = match (model(a, env), model(b, env)) {
                (MV::Num(x), MV::Num(y)) => match (x, y) {
                    (Some(x), Some(y)) => x == y,
                    // A missing value equals the empty value of the other side.
                    (None, None) => true,
                    (None, Some(v)) | (Some(v), None) => v == 0.0,
                },
                (MV::Str(x), MV::Str(y)) => match (numeric(&x), numeric(&y)) {
                    (Some(x), Some(y)) => x == y,
                    _ => x == y,
                },
                (MV::Bool(x), MV::Bool(y)) => x == y,
                other => panic!("generator bug: {other:?} compared"),
            };
            MV::Bool(if *op == BinaryOp::Eq { equal } else { !equal })
        }
        M::Logic(op, a, b) => MV::Bool(match op {
            BinaryOp::And => boolean(a) && boolean(b),
            _ => boolean(a) || boolean(b),
        }),
        M::Not(a) => MV::Bool(!boolean(a)),
    }
}

/// What a model value shows as: whole numbers without `.0`, nothing for a missing number.
fn shown(v: &MV) -> String {
    match v {
        MV::Num(None) => String::new(),
        MV::Num(Some(x)) if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 => {
            format!("{}", *x as i64)
        }
        MV::Num(Some(x)) => format!("{x}"),
        MV::Str(s) => s.clone(),
        MV::Bool(b) => b.to_string(),
    }
}

/// Whether a value `eval` returned is the model's value.
fn agrees(actual: &Value, expected: &MV) -> bool {
    match (actual, expected) {
        (Value::Null, MV::Num(None)) => true,
        (Value::Number(n), MV::Num(Some(x))) => {
            n.as_f64() == Some(*x) || (*x == 0.0 && n.as_f64() == Some(0.0))
        }
        (Value::String(a), MV::Str(b)) => a == b,
        (Value::Bool(a), MV::Bool(b)) => a == b,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// A number literal: an integer or a decimal with up to three places, maybe negative.
fn num_literal() -> impl Strategy<Value = (String, f64)> {
    (0u32..100_000, prop::option::of(0u32..1000), any::<bool>()).prop_map(|(int, frac, neg)| {
        let digits = match frac {
            Some(f) => format!("{int}.{f}"),
            None => int.to_string(),
        };
        let text = if neg { format!("-{digits}") } else { digits };
        let value: f64 = text.parse().expect("a number");
        (text, value)
    })
}

/// String contents: letters, digits (so numeric strings happen), spaces, quotes, escapes,
/// `${` and non-ASCII.
fn string_content() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            2 => prop::char::range('0', '9'),
            1 => Just(' '),
            1 => Just('.'),
            1 => Just('\''),
            1 => Just('\\'),
            1 => Just('`'),
            1 => Just('$'),
            1 => Just('{'),
            1 => Just('é'),
            1 => Just('日'),
        ],
        0..8,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn env() -> impl Strategy<Value = Env> {
    (
        prop::collection::vec(num_literal(), 3),
        prop::collection::vec(string_content(), 3),
        prop::collection::vec(any::<bool>(), 2),
    )
        .prop_map(|(nums, strs, bools)| Env { nums, strs, bools })
}

#[derive(Clone)]
struct Level {
    num: BoxedStrategy<M>,
    str: BoxedStrategy<M>,
    bool: BoxedStrategy<M>,
}

/// Strategies for expressions of each type, at most `depth` operators deep. Each level is
/// built once from the one below, so building is linear in the depth.
fn levels(depth: usize) -> Level {
    let num_leaf = prop_oneof![
        num_literal().prop_map(|(t, v)| M::Num(t, v)),
        (0..NUM_REFS.len()).prop_map(|i| M::Ref(Ty::Num, i)),
    ]
    .boxed();
    let str_leaf = prop_oneof![
        string_content().prop_map(M::Str),
        (0..STR_REFS.len()).prop_map(|i| M::Ref(Ty::Str, i)),
    ]
    .boxed();
    let bool_leaf = prop_oneof![
        any::<bool>().prop_map(M::Bool),
        (0..BOOL_REFS.len()).prop_map(|i| M::Ref(Ty::Bool, i)),
    ]
    .boxed();
    let mut level = Level {
        num: num_leaf.clone(),
        str: str_leaf.clone(),
        bool: bool_leaf.clone(),
    };
    for _ in 0..depth {
        let below = level.clone();
        let arith = prop::sample::select(vec![
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
            BinaryOp::Mod,
        ]);
        let order =
            prop::sample::select(vec![BinaryOp::Lt, BinaryOp::Le, BinaryOp::Gt, BinaryOp::Ge]);
        let equality = prop::sample::select(vec![BinaryOp::Eq, BinaryOp::Ne]);
        let logic = prop::sample::select(vec![BinaryOp::And, BinaryOp::Or]);
        let num = prop_oneof![
            1 => num_leaf.clone(),
            2 => (arith, below.num.clone(), below.num.clone())
                .prop_map(|(op, a, b)| M::Arith(op, Box::new(a), Box::new(b))),
        ]
        .boxed();
        let same_type_pair = prop_oneof![
            (below.num.clone(), below.num.clone()),
            (below.str.clone(), below.str.clone()),
            (below.bool.clone(), below.bool.clone()),
        ];
        let bool = prop_oneof![
            1 => bool_leaf.clone(),
            2 => (order, below.num.clone(), below.num.clone())
                .prop_map(|(op, a, b)| M::Order(op, Box::new(a), Box::new(b))),
            2 => (equality, same_type_pair)
                .prop_map(|(op, (a, b))| M::Equal(op, Box::new(a), Box::new(b))),
            2 => (logic, below.bool.clone(), below.bool.clone())
                .prop_map(|(op, a, b)| M::Logic(op, Box::new(a), Box::new(b))),
            1 => below.bool.clone().prop_map(|a| M::Not(Box::new(a))),
        ]
        .boxed();
        level = Level {
            num,
            str: str_leaf.clone(),
            bool,
        };
    }
    level
}

/// A typed expression of any of the three types.
fn typed() -> impl Strategy<Value = (M, Ty)> {
    let l = levels(4);
    prop_oneof![
        l.num.prop_map(|m| (m, Ty::Num)),
        l.str.prop_map(|m| (m, Ty::Str)),
        l.bool.prop_map(|m| (m, Ty::Bool)),
    ]
}

/// As a concatenation member: compound members are already parenthesised; a negative number
/// is too, since `'a' -5` reads as a subtraction.
fn member_text(m: &M) -> String {
    match m {
        M::Num(t, _) if t.starts_with('-') => format!("({t})"),
        _ => text(m),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking a parsed tree

fn resolver(map: &HashMap<String, Value>) -> impl Fn(&Ref) -> Option<Value> + '_ {
    move |r: &Ref| map.get(&r.to_string()).cloned()
}

fn lookup(r: &Ref) -> Option<Type> {
    let text = r.to_string();
    if NUM_REFS.contains(&text.as_str()) {
        Some(Type::Number)
    } else if STR_REFS.contains(&text.as_str()) {
        Some(Type::String)
    } else if BOOL_REFS.contains(&text.as_str()) {
        Some(Type::Boolean)
    } else {
        None
    }
}

fn type_of(ty: Ty) -> Type {
    match ty {
        Ty::Num => Type::Number,
        Ty::Str => Type::String,
        Ty::Bool => Type::Boolean,
    }
}

/// The tree without spans, as an S-expression (numbers by their bits, so `-0` ≠ `0`).
fn shape(e: &Expr) -> String {
    match e {
        Expr::String { value, .. } => format!("{value:?}"),
        Expr::Number { value, .. } => format!("#{:x}", value.to_bits()),
        Expr::Bool { value, .. } => value.to_string(),
        Expr::Ref(r) => r.to_string(),
        Expr::Not { operand, .. } => format!("(! {})", shape(operand)),
        Expr::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), shape(lhs), shape(rhs))
        }
        Expr::Concat { parts, .. } => {
            let parts: Vec<String> = parts.iter().map(shape).collect();
            format!("(concat {})", parts.join(" "))
        }
    }
}

/// Prints a parsed tree back as expression text, fully parenthesised.
fn print(e: &Expr) -> String {
    match e {
        Expr::String { value, .. } => quote(value),
        Expr::Number { value, .. } if value.is_sign_negative() => format!("-{}", -value),
        Expr::Number { value, .. } => format!("{value}"),
        Expr::Bool { value, .. } => value.to_string(),
        Expr::Ref(r) => r.to_string(),
        Expr::Not { operand, .. } => format!("(!{})", print(operand)),
        Expr::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", print(lhs), op.symbol(), print(rhs))
        }
        Expr::Concat { parts, .. } => parts
            .iter()
            .map(|p| match p {
                Expr::Number { value, .. } if value.is_sign_negative() => {
                    format!("({})", print(p))
                }
                _ => print(p),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Every span lies inside the text.
fn spans_inside(e: &Expr, len: usize) -> bool {
    let ok = |s: &std::ops::Range<usize>| s.start <= s.end && s.end <= len;
    ok(&e.span())
        && match e {
            Expr::Not { operand, .. } => spans_inside(operand, len),
            Expr::Binary {
                lhs, rhs, op_span, ..
            } => ok(op_span) && spans_inside(lhs, len) && spans_inside(rhs, len),
            Expr::Concat { parts, .. } => parts.iter().all(|p| spans_inside(p, len)),
            _ => true,
        }
}

/// 64 cases per property unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        default.cases
    } else {
        64
    };
    ProptestConfig { cases, ..default }
}

proptest! {
    #![proptest_config(config())]

    /// A typed expression parses as a nested expression, type-checks to its type, prints and
    /// re-parses to the same tree, and evaluates to the model's value.
    #[test]
    fn typed_expressions_evaluate_as_the_model_says((m, ty) in typed(), env in env()) {
        let src = format!("`{}`", text(&m));
        let parsed = expr::parse_nested(&src);
        let e = match parsed {
            Ok(e) => e,
            Err(err) => return Err(TestCaseError::fail(format!("{src} does not parse: {err:?}"))),
        };
        prop_assert!(spans_inside(&e, src.len()), "span outside {src}: {e:?}");
        prop_assert_eq!(expr::type_of(&e, &lookup), Ok(type_of(ty)), "{}", src);

        let printed = format!("`{}`", print(&e));
        let again = expr::parse_nested(&printed)
            .map_err(|err| TestCaseError::fail(format!("{printed} does not parse: {err:?}")))?;
        prop_assert_eq!(shape(&again), shape(&e), "{} printed as {}", src, printed);

        let map = env.resolve();
        let value = expr::eval(&e, &resolver(&map));
        let expected = model(&m, &env);
        prop_assert!(agrees(&value, &expected), "{src}: eval {value:?}, model {expected:?}");
        prop_assert_eq!(expr::display(&value), shown(&expected), "{}", src);
    }

    /// A boolean expression is also a valid `If` condition with the same meaning.
    #[test]
    fn boolean_expressions_are_conditions(m in levels(4).bool, env in env()) {
        let src = text(&m);
        let e = expr::parse_condition(&src)
            .map_err(|err| TestCaseError::fail(format!("{src} does not parse: {err:?}")))?;
        prop_assert_eq!(expr::type_of(&e, &lookup), Ok(Type::Boolean), "{}", src);
        let map = env.resolve();
        let value = expr::eval(&e, &resolver(&map));
        prop_assert!(agrees(&value, &model(&m, &env)), "{src}: {value:?}");
        // Without the backticks a condition is not a nested expression, and with them it is
        // not a condition.
        let wrapped = format!("`{src}`");
        prop_assert!(expr::parse_condition(&wrapped).is_err());
    }

    /// Concatenation is the joined display of its members.
    #[test]
    fn concatenation_joins_the_shown_members(
        members in prop::collection::vec(typed(), 2..6),
        env in env(),
    ) {
        let texts: Vec<String> = members.iter().map(|(m, _)| member_text(m)).collect();
        let src = format!("`{}`", texts.join(" "));
        let e = expr::parse_nested(&src)
            .map_err(|err| TestCaseError::fail(format!("{src} does not parse: {err:?}")))?;
        let Expr::Concat { parts, .. } = &e else {
            return Err(TestCaseError::fail(format!("{src} is not a concatenation: {e:?}")));
        };
        prop_assert_eq!(parts.len(), members.len());
        prop_assert_eq!(expr::type_of(&e, &lookup), Ok(Type::String));
        let map = env.resolve();
        let resolve = resolver(&map);
        let joined: String = parts.iter().map(|p| expr::display(&expr::eval(p, &resolve))).collect();
        let modelled: String = members.iter().map(|(m, _)| shown(&model(m, &env))).collect();
        prop_assert_eq!(expr::eval(&e, &resolve), Value::String(joined.clone()), "{}", src);
        prop_assert_eq!(joined, modelled, "{}", src);
        // `classify` sees the same expression.
        prop_assert!(matches!(expr::classify(&src), PropText::Nested(_)));
    }

    /// Any tree the parser accepts evaluates without panicking, whatever the references hold
    /// (nulls, arrays, objects, huge numbers, numeric and non-numeric strings), including
    /// ill-typed ones.
    #[test]
    fn eval_never_panics_on_odd_values(
        text in expression_like(),
        values in prop::collection::vec(odd_value(), 1..6),
    ) {
        for src in [format!("`{text}`"), text.clone()] {
            let parsed = if src.starts_with('`') {
                expr::parse_nested(&src)
            } else {
                expr::parse_condition(&src)
            };
            if let Ok(e) = parsed {
                prop_assert!(spans_inside(&e, src.len()), "span outside {src}: {e:?}");
                let _ = expr::type_of(&e, &|_| None);
                let _ = expr::check_condition(&e, &|_| Some(Type::Unknown));
                let pick = |r: &Ref| {
                    let i = r.to_string().len() % (values.len() + 1);
                    values.get(i).cloned()
                };
                let _ = expr::display(&expr::eval(&e, &pick));
            }
        }
    }

    /// Parsing is total: arbitrary text is accepted or refused, never a panic, and an error
    /// points inside the text.
    #[test]
    fn parsing_arbitrary_text_is_total(text in any::<String>()) {
        check_total(&text);
        check_total(&format!("`{text}`"));
    }

    /// The same with text made of the language's own symbols, which reaches deeper.
    #[test]
    fn parsing_expression_like_text_is_total(text in expression_like()) {
        check_total(&text);
        check_total(&format!("`{text}`"));
    }
}

fn check_total(text: &str) {
    let _ = expr::classify(text);
    let _ = expr::parse_binding(text);
    for result in [expr::parse_nested(text), expr::parse_condition(text)] {
        match result {
            Ok(e) => assert!(spans_inside(&e, text.len()), "{text:?}: {e:?}"),
            Err(err) => {
                assert!(err.span.start <= err.span.end, "{text:?}: {err:?}");
                assert!(err.span.end <= text.len(), "{text:?}: {err:?}");
                assert!(!err.message.is_empty());
            }
        }
    }
}

/// Text drawn from the expression language's tokens.
fn expression_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "${data.a}",
            "${form.b}",
            "${screen.X.data.c.d}",
            "${",
            "}",
            "data.",
            "(",
            ")",
            "'",
            "'x'",
            "\\",
            "`",
            " ",
            "!",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "&&",
            "||",
            "+",
            "-",
            "*",
            "/",
            "%",
            "=",
            "&",
            "|",
            "0",
            "1",
            "12.5",
            "007",
            ".",
            "true",
            "false",
            "True",
            "é",
            "\u{202e}",
            "\u{1b}",
        ]),
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            "", " ", "12", " 3 ", "1e400", "NaN", "inf", "-0", "abc", "1e308"
        ])
        .prop_map(Value::from),
        Just(json!([])),
        Just(json!([1, "a", null])),
        Just(json!({})),
        Just(json!({"a": {"b": [true]}})),
    ]
}

// ---------------------------------------------------------------------------------------------
// Pathological inputs: answered in bounded time

/// Generous for a debug build on a busy two-core machine; a quadratic parser would take
/// minutes on these sizes.
const BOUND: Duration = Duration::from_secs(10);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    assert!(took < BOUND, "{what} took {took:?}");
    out
}

#[test]
fn deep_parentheses_are_refused_quickly() {
    let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = timed("100k parentheses", || expr::parse_condition(&deep)).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err:?}");
    let err = timed("100k nested parentheses", || {
        expr::parse_nested(&format!("`{deep}`"))
    })
    .unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err:?}");
    // Unbalanced either way.
    timed("100k open parentheses", || {
        expr::parse_condition(&"(".repeat(100_000))
    })
    .unwrap_err();
    timed("100k close parentheses", || {
        expr::parse_condition(&")".repeat(100_000))
    })
    .unwrap_err();
    // Just inside the limit is fine.
    let ok = format!("{}${{data.x}}{}", "(".repeat(60), ")".repeat(60));
    assert!(expr::parse_condition(&ok).is_ok());
}

#[test]
fn a_hundred_thousand_operators_are_answered_quickly() {
    for op in ["+", "-", "*", "/", "%", "&&", "||"] {
        let chain = format!("1{}", format!(" {op} 1").repeat(100_000));
        let err = timed(op, || expr::parse_condition(&chain)).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{op}: {err:?}");
    }
    let bangs = format!("{}${{data.x}}", "!".repeat(100_000));
    timed("100k !", || expr::parse_condition(&bangs)).unwrap_err();
    let dangling = "+ ".repeat(100_000);
    timed("100k lone +", || expr::parse_condition(&dangling)).unwrap_err();
    let comparisons = format!("1{}", " < 1".repeat(100_000));
    timed("100k <", || expr::parse_condition(&comparisons)).unwrap_err();
}

#[test]
fn a_hundred_thousand_concatenation_members_evaluate_quickly() {
    let src = format!("`{}`", vec!["'ab'"; 100_000].join(" "));
    let e = timed("parse 100k members", || expr::parse_nested(&src)).expect("parses");
    let value = timed("eval 100k members", || expr::eval(&e, &|_| None));
    assert_eq!(value.as_str().map(str::len), Some(200_000));
    assert_eq!(
        timed("type 100k members", || expr::type_of(&e, &|_| None)),
        Ok(Type::String)
    );

    let refs = format!("`{}`", vec!["${data.x}"; 100_000].join(" "));
    let e = timed("parse 100k references", || expr::parse_nested(&refs)).expect("parses");
    assert_eq!(expr::refs(&e).len(), 100_000);
    let value = timed("eval 100k references", || {
        expr::eval(&e, &|_| Some(json!("é")))
    });
    assert_eq!(value.as_str().map(|s| s.chars().count()), Some(100_000));
    assert!(matches!(
        timed("classify 100k references", || expr::classify(&refs)),
        PropText::Nested(_)
    ));
}

#[test]
fn long_strings_and_references_are_answered_quickly() {
    let long = "x".repeat(1_000_000);
    let e = timed("1M string", || expr::parse_nested(&format!("`'{long}'`"))).expect("parses");
    assert_eq!(expr::eval(&e, &|_| None), Value::String(long.clone()));
    // Unclosed: the error spans the rest of the text.
    timed("unclosed 1M string", || {
        expr::parse_nested(&format!("`'{long}`"))
    })
    .unwrap_err();
    // A million escapes.
    let escapes = format!("`'{}'`", "\\'".repeat(500_000));
    let e = timed("500k escapes", || expr::parse_nested(&escapes)).expect("parses");
    assert_eq!(
        expr::eval(&e, &|_| None).as_str().map(str::len),
        Some(500_000)
    );
    // A reference with a very long path, and 100k unclosed reference openers.
    let path = format!("${{data.{}x}}", "a.".repeat(100_000));
    let r = timed("100k-segment reference", || expr::parse_binding(&path)).expect("parses");
    assert_eq!(r.path.len(), 100_001);
    timed("100k ${", || {
        expr::parse_nested(&format!("`{}`", "${".repeat(100_000)))
    })
    .unwrap_err();
    timed("100k ${ in a binding", || {
        expr::classify(&format!("{}}}", "${".repeat(100_000)))
    });
    // Long numbers: digits only, or too large to be finite.
    let digits = "9".repeat(100_000);
    let err = timed("100k digits", || {
        expr::parse_condition(&format!("{digits} > ${{data.x}}"))
    })
    .unwrap_err();
    assert!(err.message.contains("too large"), "{err:?}");
}

#[test]
fn division_and_modulo_by_zero_give_zero() {
    for (src, expected) in [
        ("`5 / 0`", json!(0)),
        ("`5 % 0`", json!(0)),
        ("`-5 / 0`", json!(0)),
        ("`0 / 0`", json!(0)),
        ("`7 % 3`", json!(1)),
        ("`1 / 4`", json!(0.25)),
        ("`${data.x} / ${data.y}`", json!(0)),
    ] {
        let e = expr::parse_nested(src).unwrap();
        assert_eq!(expr::eval(&e, &|_| None), expected, "{src}");
    }
}
