//! Classification, bindings, structure, precedence, spans and syntax errors.

use super::*;

// --- classification and bindings ---------------------------------------------------------

#[test]
fn classify_literals_bindings_and_nested() {
    assert_eq!(classify("Hello"), PropText::Literal);
    assert_eq!(classify(""), PropText::Literal);
    assert_eq!(classify("`"), PropText::Literal);
    assert_eq!(classify("Hi ${data.name}"), PropText::Literal);
    assert_eq!(classify("${data.a}${data.b}"), PropText::Literal);
    assert_eq!(classify("${data.a}}"), PropText::Literal);
    assert_eq!(classify(" ${data.a}"), PropText::Literal);
    assert_eq!(
        classify("${data.profile.name}"),
        PropText::Binding(local(Store::Data, &["profile", "name"], 0..20))
    );
    assert_eq!(
        classify("${screen.START.form.agree}"),
        PropText::Binding(Ref {
            scope: Scope::Screen("START".into()),
            store: Store::Form,
            path: vec!["agree".into()],
            span: 0..26,
        })
    );
    let PropText::Nested(Expr::Binary { op, .. }) = classify("`${form.age} >= 18`") else {
        panic!("not a nested comparison");
    };
    assert_eq!(op, BinaryOp::Ge);
    assert_eq!(
        classify("`${form.age} >=`"),
        PropText::Invalid(err(
            13..15,
            "`>=` has nothing after it; add a value after it or remove it"
        ))
    );
    assert_eq!(
        classify("${data.first name}"),
        PropText::Invalid(err(12..13, "a reference cannot contain spaces"))
    );
}

#[test]
fn contains_reference_detects_dollar_brace() {
    assert!(contains_reference("Hi ${data.name}"));
    assert!(contains_reference("${"));
    assert!(!contains_reference("Costs $5 {approx}"));
}

#[test]
fn parse_binding_accepts_only_one_whole_reference() {
    assert_eq!(
        parse_binding("${form.x}"),
        Some(local(Store::Form, &["x"], 0..9))
    );
    assert_eq!(
        parse_binding("${data.a_1.B2}"),
        Some(local(Store::Data, &["a_1", "B2"], 0..14))
    );
    assert_eq!(parse_binding(" ${form.x}"), None);
    assert_eq!(parse_binding("${form.x} "), None);
    assert_eq!(parse_binding("${form.x}${form.y}"), None);
    assert_eq!(parse_binding("${data.}"), None);
    assert_eq!(parse_binding("text"), None);
}

#[test]
fn ref_display_round_trips() {
    for text in ["${data.a.b}", "${form.x}", "${screen.S_A.data.z}"] {
        assert_eq!(
            parse_binding(text).map(|r| r.to_string()),
            Some(text.into())
        );
    }
}

#[test]
fn malformed_references() {
    let cases: [(&str, Span, &str); 14] = [
        (
            "${data}",
            0..7,
            "`${data}` does not name a field; write `${data.<field>}`",
        ),
        (
            "${form}",
            0..7,
            "`${form}` does not name an input; write `${form.<name>}`",
        ),
        ("${data.}", 6..7, "missing name after `.` in reference"),
        ("${data..x}", 6..7, "missing name after `.` in reference"),
        (
            "${foo.x}",
            2..5,
            "unknown reference `foo`: a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`",
        ),
        (
            "${.x}",
            0..5,
            "a reference starts with `data.`, `form.` or `screen.<SCREEN_ID>.`",
        ),
        ("${data.x", 0..8, "reference is missing its closing `}`"),
        (
            "${data.x && ${data.y}",
            0..8,
            "reference is missing its closing `}`",
        ),
        (
            "${}",
            0..3,
            "empty reference: write `${data.<field>}` or `${form.<name>}`",
        ),
        (
            "${data.a-b}",
            8..9,
            "`-` is not allowed in a reference: names use only letters, digits and underscores",
        ),
        (
            "${screen.A1.data.x}",
            10..11,
            "`1` is not allowed in a screen ID: use only letters and underscores",
        ),
        (
            "${screen.data.x}",
            9..13,
            "missing screen ID before `data`; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`",
        ),
        (
            "${screen.A.foo.x}",
            11..14,
            "expected `data` or `form` after the screen ID, found `foo`",
        ),
        (
            "${screen.A.data}",
            0..16,
            "`${screen.A.data}` does not name a field; write `${screen.A.data.<field>}`",
        ),
    ];
    for (text, span, message) in cases {
        assert_eq!(cond_err(text), err(span, message), "{text}");
    }
    assert_eq!(
        cond_err("${screen}").message,
        "`${screen}` does not name a screen; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`"
    );
    assert_eq!(
        cond_err("${screen.A}").message,
        "`${screen.A}` does not say what to read from the screen; write `${screen.<SCREEN_ID>.data.<field>}` or `${screen.<SCREEN_ID>.form.<name>}`"
    );
}

// --- structure, precedence and spans -----------------------------------------------------

#[test]
fn precedence_follows_the_grammar() {
    let Expr::Binary { op, rhs, .. } = cond("1 + 2 * 3 == ${form.a}") else {
        panic!("not binary");
    };
    assert_eq!(op, BinaryOp::Eq);
    assert!(matches!(*rhs, Expr::Ref(_)));

    let Expr::Binary { op, lhs, rhs, .. } = cond("${data.a} || ${data.b} && ${data.c}") else {
        panic!("not binary");
    };
    assert_eq!(op, BinaryOp::Or);
    assert!(matches!(*lhs, Expr::Ref(_)));
    assert!(matches!(
        *rhs,
        Expr::Binary {
            op: BinaryOp::And,
            ..
        }
    ));

    let Expr::Not { operand, span } = cond("!${form.a} == ${form.b}") else {
        panic!("not a negation");
    };
    assert_eq!(span, 0..23);
    assert!(matches!(
        *operand,
        Expr::Binary {
            op: BinaryOp::Eq,
            ..
        }
    ));

    assert_eq!(run("`1 + 2 * 3`"), json!(7));
    assert_eq!(run("`(1 + 2) * 3`"), json!(9));
    assert_eq!(run("`10 - 4 - 3`"), json!(3));
    assert_eq!(run("`12 / 3 / 2`"), json!(2));
}

#[test]
fn exact_spans() {
    let text = "`'a' (${data.x} + 1)`";
    let Expr::Concat { parts, span } = nested(text) else {
        panic!("not a concatenation");
    };
    assert_eq!(span, 1..20);
    assert_eq!(
        parts[0],
        Expr::String {
            value: "a".into(),
            span: 1..4
        }
    );
    assert_eq!(
        parts[1],
        Expr::Binary {
            op: BinaryOp::Add,
            op_span: 16..17,
            lhs: Box::new(Expr::Ref(local(Store::Data, &["x"], 6..15))),
            rhs: Box::new(Expr::Number {
                value: 1.0,
                span: 18..19
            }),
            span: 6..19,
        }
    );
    let Expr::Binary { span, op_span, .. } = cond("(${form.a} + 1) * 2 > 3") else {
        panic!("not binary");
    };
    assert_eq!((span, op_span), (0..23, 20..21));
}

#[test]
fn minus_is_subtraction_or_a_negative_literal() {
    assert_eq!(
        nested("`-1`"),
        Expr::Number {
            value: -1.0,
            span: 1..3
        }
    );
    assert!(matches!(
        nested("`${form.x} - 1`"),
        Expr::Binary {
            op: BinaryOp::Sub,
            ..
        }
    ));
    assert!(matches!(
        nested("`${form.x}-1`"),
        Expr::Binary {
            op: BinaryOp::Sub,
            ..
        }
    ));
    let Expr::Binary { rhs, .. } = nested("`${form.x} * -2.5`") else {
        panic!("not binary");
    };
    assert_eq!(
        *rhs,
        Expr::Number {
            value: -2.5,
            span: 13..17
        }
    );
    assert_eq!(run("`5 - -1`"), json!(6));
    assert_eq!(run("`-7 % 3`"), json!(-1));
}

#[test]
fn concatenation_versus_operators() {
    let Expr::Concat { parts, .. } = nested("`'Hi ' ${form.first_name} ', welcome!'`") else {
        panic!("not a concatenation");
    };
    assert_eq!(parts.len(), 3);
    let Expr::Concat { parts, .. } = nested("`'Split: ' ${data.total} / ${form.people}`") else {
        panic!("not a concatenation");
    };
    assert!(matches!(
        parts[1],
        Expr::Binary {
            op: BinaryOp::Div,
            ..
        }
    ));
    assert!(matches!(nested("`${form.x} + 1`"), Expr::Binary { .. }));
    assert!(matches!(nested("`${form.x}`"), Expr::Ref(_)));
    assert!(matches!(
        nested("`'a'\t${form.x}\n'b'`"),
        Expr::Concat { .. }
    ));
}

#[test]
fn spec_examples_parse() {
    for text in [
        "`'Hi ' ${form.first_name} ', welcome!'`",
        "`'You typed ' ${form.qty} ' items'`",
        "`'Total: ' (${data.unit_price} * ${form.qty})`",
        "`'Split: ' ${data.total} / ${form.people}`",
        "`'Odd? ' ((${form.qty} % 2) == 1)`",
        "`${form.age} >= 18`",
        "`${form.first} == ${form.last}`",
        "`!${form.agree}`",
        "`(${form.first} != '') || (${form.last} != '')`",
        "`(${form.age} > 17) && ${screen.START.form.agree}`",
        "`'It\\`s ' ${data.day}`",
        "`'Total: ' (${data.price} + ${data.fee})`",
        "`${form.qty} > 0`",
    ] {
        assert!(
            matches!(classify(text), PropText::Nested(_)),
            "{text}: {:?}",
            classify(text)
        );
    }
    for text in [
        "(${data.vip} && (${form.city} == 'Rome'))",
        "${form.agree} && (${data.age} >= 18)",
        "${screen.FIRST.form.x} != ''",
    ] {
        cond(text);
    }
}

#[test]
fn string_escapes() {
    let string = |text: &str| match cond(text) {
        Expr::Binary { rhs, .. } => match *rhs {
            Expr::String { value, .. } => value,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(string(r"${form.a} == 'a\'b\\c'"), r"a'b\c");
    assert_eq!(string(r"${form.a} == 'a\nb'"), r"a\nb");
    assert_eq!(string(r"${form.a} == 'tick\`'"), "tick`");
    assert_eq!(string("${form.a} == 'raw`tick'"), "raw`tick");
    assert_eq!(string("${form.a} == 'héllo ✓'"), "héllo ✓");
    assert_eq!(string("${form.a} == ''"), "");
    assert_eq!(run("`'It\\`s ' ${data.day}`"), json!("It`s Monday"));
}

// --- syntax errors ---------------------------------------------------------------------

#[test]
fn empty_input() {
    let nested_empty =
        "empty expression: write an expression between the backticks, e.g. `'Hi ' ${form.name}`";
    assert_eq!(nested_err("``"), err(0..2, nested_empty));
    assert_eq!(nested_err("` \t `"), err(0..5, nested_empty));
    let cond_empty = "empty condition: write a condition such as `${form.agree}`";
    assert_eq!(cond_err(""), err(0..0, cond_empty));
    assert_eq!(cond_err("   "), err(0..3, cond_empty));
    assert_eq!(
        nested_err("${form.a}"),
        err(
            0..9,
            "a nested expression must be wrapped in backticks, e.g. `'Hi ' ${form.name}`"
        )
    );
}

#[test]
fn parenthesis_errors() {
    let empty = "empty parentheses: put an expression inside them or remove them";
    assert_eq!(cond_err("()"), err(0..2, empty));
    assert_eq!(cond_err("${form.a} && ( )"), err(13..16, empty));
    assert_eq!(
        cond_err("(${form.a}"),
        err(0..1, "unclosed parenthesis: add a matching `)`")
    );
    assert_eq!(
        cond_err("((${form.a})"),
        err(0..1, "unclosed parenthesis: add a matching `)`")
    );
    assert_eq!(
        cond_err("${form.a} && ("),
        err(
            13..14,
            "unclosed parenthesis: add an expression and a matching `)`"
        )
    );
    let unmatched = "`)` has no matching `(`; remove it or add a `(` before it";
    assert_eq!(cond_err("${form.a})"), err(9..10, unmatched));
    assert_eq!(cond_err(")"), err(0..1, unmatched));
    assert_eq!(nested_err("`'a' ${form.a})`"), err(14..15, unmatched));
}

#[test]
fn unclosed_strings() {
    let message = "unclosed string: add a closing single quote (')";
    assert_eq!(cond_err("${form.a} == 'abc"), err(13..17, message));
    assert_eq!(cond_err(r"${form.a} == 'abc\'"), err(13..19, message));
    assert_eq!(nested_err("`'abc`"), err(1..5, message));
}

#[test]
fn missing_operators() {
    assert_eq!(
        cond_err("${form.a} ${form.b}"),
        err(
            10..19,
            "missing operator before `${form.b}`: If conditions cannot concatenate values; join them with an operator such as `&&`, `||` or `==`"
        )
    );
    assert_eq!(cond_err("(${form.a} 'x')").span, 11..14,);
    assert_eq!(
        nested_err("`'a' ('b' ${form.x})`"),
        err(
            10..19,
            "missing operator before `${form.x}`: values inside parentheses must be joined by an operator (concatenation with spaces only works outside parentheses)"
        )
    );
    assert_eq!(
        nested_err("`'a'${form.x}`"),
        err(
            4..13,
            "missing space before `${form.x}`: separate concatenated values with a space, or add an operator"
        )
    );
    assert_eq!(
        nested_err("`'It''s'`"),
        err(
            5..8,
            "two strings written without a space between them; to put a quote inside a string write \\', to concatenate add a space before `'s'`"
        )
    );
}

#[test]
fn unknown_operators() {
    let cases: [(&str, Span, &str); 9] = [
        (
            "${form.a} = 'x'",
            10..11,
            "`=` is not an operator; use `==` to compare values",
        ),
        (
            "${form.a} === 'x'",
            10..13,
            "`===` is not an operator; use `==`",
        ),
        (
            "${form.a} !== 'x'",
            10..13,
            "`!==` is not an operator; use `!=`",
        ),
        (
            "${form.a} <> 'x'",
            10..12,
            "`<>` is not an operator; use `!=`",
        ),
        (
            "${form.a} => 1",
            10..12,
            "`=>` is not an operator; use `>=`",
        ),
        (
            "${form.a} =< 1",
            10..12,
            "`=<` is not an operator; use `<=`",
        ),
        (
            "${form.a} & ${form.b}",
            10..11,
            "`&` is not an operator; use `&&`",
        ),
        (
            "${form.a} | ${form.b}",
            10..11,
            "`|` is not an operator; use `||`",
        ),
        (
            "${form.a} &&& ${form.b}",
            10..13,
            "`&&&` is not an operator; use `&&`",
        ),
    ];
    for (text, span, message) in cases {
        assert_eq!(cond_err(text), err(span, message), "{text}");
    }
    assert_eq!(
        cond_err("${form.a} and ${form.b}"),
        err(10..13, "`and` is not an operator; use `&&`")
    );
    assert_eq!(
        cond_err("${form.a} or ${form.b}").message,
        "`or` is not an operator; use `||`"
    );
    assert_eq!(
        cond_err("not ${form.b}").message,
        "`not` is not an operator; use `!`"
    );
}

#[test]
fn misplaced_operators() {
    let nothing =
        |op: &str| format!("`{op}` has nothing after it; add a value after it or remove it");
    assert_eq!(cond_err("${form.a} &&"), err(10..12, &nothing("&&")));
    assert_eq!(cond_err("(${form.a} ||)"), err(11..13, &nothing("||")));
    assert_eq!(cond_err("${form.a} -"), err(10..11, &nothing("-")));
    assert_eq!(cond_err("!"), err(0..1, &nothing("!")));
    assert_eq!(
        cond_err("== 1"),
        err(0..2, "`==` needs a value on its left")
    );
    assert_eq!(
        cond_err("(* 2)"),
        err(1..2, "`*` needs a value on its left")
    );
    assert_eq!(
        cond_err("${form.a} && || ${form.b}"),
        err(13..15, "`||` cannot follow `&&`; put a value between them")
    );
    assert_eq!(
        cond_err("!== 1").message,
        "`!==` is not an operator; use `!=`"
    );
    assert_eq!(
        cond_err("! == 1"),
        err(2..4, "`==` cannot follow `!`; put a value between them")
    );
    assert_eq!(
        cond_err("${form.a} == !${form.b}"),
        err(
            13..14,
            "`!` cannot be used here: only a whole condition can be negated; wrap the negation in parentheses, e.g. `(!${form.agree})`"
        )
    );
    assert_eq!(
        cond_err("1 < ${form.a} < 3"),
        err(
            14..15,
            "comparisons cannot be chained: `<` follows another comparison; group them with parentheses and `&&`, e.g. `(a < b) && (b < c)`"
        )
    );
}

#[test]
fn minus_errors() {
    assert_eq!(
        cond_err("${form.a} == -${form.b}"),
        err(
            13..14,
            "`-` must be followed by a number here (e.g. `-5`); to subtract, put a value before it (`0 - …`)"
        )
    );
    assert_eq!(
        cond_err("${form.a} == - 1"),
        err(
            13..14,
            "remove the space between `-` and the number (write `-5`)"
        )
    );
    assert_eq!(cond_err("${form.a} == -").span, 13..14);
}

#[test]
fn number_errors() {
    let cases: [(&str, Span, &str); 6] = [
        (
            "${form.a} == 007",
            13..16,
            "number `007` has leading zeros; write `7`",
        ),
        (
            "${form.a} == 00.5",
            13..17,
            "number `00.5` has leading zeros; write `0.5`",
        ),
        (
            "${form.a} == 00",
            13..15,
            "number `00` has leading zeros; write `0`",
        ),
        (
            "${form.a} == 1.",
            13..15,
            "`1.` needs digits after the decimal point",
        ),
        (
            "${form.a} == 1e5",
            13..16,
            "invalid number `1e5`: write numbers with digits and an optional decimal point only",
        ),
        (
            "${form.a} == .5",
            13..14,
            "a number needs a digit before the decimal point, e.g. 0.5",
        ),
    ];
    for (text, span, message) in cases {
        assert_eq!(cond_err(text), err(span, message), "{text}");
    }
    let huge = format!("${{form.a}} == {}", "9".repeat(400));
    assert_eq!(cond_err(&huge).span, 13..413);
    let Expr::Binary { rhs, .. } = cond("${form.a} == 0.050") else {
        panic!("not binary");
    };
    assert_eq!(
        *rhs,
        Expr::Number {
            value: 0.05,
            span: 13..18
        }
    );
}

#[test]
fn unexpected_characters_and_words() {
    assert_eq!(
        cond_err("${form.a} # 1"),
        err(10..11, "unexpected character `#`")
    );
    assert_eq!(
        cond_err("${form.a} == é"),
        err(13..15, "unexpected character `é`")
    );
    assert_eq!(
        cond_err("${form.a} == \"x\""),
        err(13..14, "strings are written in single quotes, e.g. 'text'")
    );
    assert_eq!(
        cond_err("foo == 1"),
        err(
            0..3,
            "unknown word `foo`: write text in single quotes ('foo') and values as references (`${data.foo}` or `${form.foo}`)"
        )
    );
    assert_eq!(
        cond_err("data.x.y == 1"),
        err(
            0..8,
            "references must be wrapped in `${…}`: write `${data.x.y}`"
        )
    );
    assert_eq!(
        cond_err("${form.a} == TRUE"),
        err(13..17, "booleans are written in lowercase: `true`")
    );
    assert_eq!(cond_err("$form.a"), err(0..1, "unexpected character `$`"));
    // Non-ASCII whitespace separates tokens like ASCII whitespace.
    assert!(matches!(
        cond("${form.a}\u{a0}==\u{a0}1"),
        Expr::Binary { .. }
    ));
}

#[test]
fn backtick_errors() {
    assert_eq!(
        nested_err("`'It`s'`"),
        err(4..5, "a backtick inside a string must be escaped as \\`")
    );
    assert_eq!(
        nested_err("`${form.a} ` ${form.b}`"),
        err(
            11..12,
            "unescaped backtick inside the expression; write \\` to put a backtick in a string"
        )
    );
    assert_eq!(
        cond_err("`${form.a}`"),
        err(
            0..1,
            "If conditions are written without backticks; remove the backticks"
        )
    );
}

#[test]
fn operators_next_to_concatenation_members_are_rejected() {
    assert_eq!(
        nested_err("`'a' ${form.x} == 'b'`"),
        err(
            15..17,
            "`==` cannot be used next to concatenated values; wrap the comparison in parentheses: `(${form.x} == 'b')`"
        )
    );
    assert_eq!(nested_err("`${form.x} == 'b' 'a'`").span, 11..13);
    assert_eq!(
        nested_err("`'a' !${form.x}`"),
        err(
            5..6,
            "`!` cannot be used next to concatenated values; wrap the negation in parentheses: `(!${form.x})`"
        )
    );
    assert_eq!(
        nested_err("`'a' ${form.x} && ${form.y}`"),
        err(
            15..17,
            "`&&` cannot be used next to concatenated values; wrap the logical expression in parentheses: `(${form.x} && ${form.y})`"
        )
    );
    assert_eq!(nested_err("`(${form.x}) == 'b' 'a'`").span, 13..15);
    assert!(matches!(
        nested("`'a' (${form.x} == 'b')`"),
        Expr::Concat { .. }
    ));
    assert!(matches!(nested("`'a' (!${form.x})`"), Expr::Concat { .. }));
    assert!(matches!(nested("`${form.x} == 'b'`"), Expr::Binary { .. }));
}

#[test]
fn nesting_is_limited() {
    let deep = |n: usize| format!("{}${{form.a}}{}", "(".repeat(n), ")".repeat(n));
    assert!(matches!(cond(&deep(MAX_DEPTH)), Expr::Ref(_)));
    let too_deep =
        "expression is nested too deeply (more than 64 levels); split it into simpler parts";
    assert_eq!(cond_err(&deep(MAX_DEPTH + 1)), err(64..65, too_deep));
    assert_eq!(cond_err(&"(".repeat(100_000)).message, too_deep);
    assert_eq!(cond_err(&"!".repeat(100_000)).message, too_deep);
    let bangs = |n: usize| format!("{}${{form.a}}", "!".repeat(n));
    assert!(parse_condition(&bangs(MAX_DEPTH - 1)).is_ok());
    assert_eq!(cond_err(&bangs(MAX_DEPTH)), err(0..1, too_deep));
    let chain = |n: usize| format!("${{form.a}}{}", " + 1".repeat(n));
    assert!(parse_condition(&chain(MAX_DEPTH - 1)).is_ok());
    assert_eq!(cond_err(&chain(MAX_DEPTH)).message, too_deep);
    assert_eq!(cond_err(&chain(100_000)).message, too_deep);
    let long_concat = format!("`{}`", "'a' ".repeat(10_000));
    assert_eq!(run(&long_concat), json!("a".repeat(10_000)));
}
