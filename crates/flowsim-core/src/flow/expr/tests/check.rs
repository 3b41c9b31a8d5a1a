//! References and types, and the rules of `If.condition`.

use super::*;

// --- refs and types ----------------------------------------------------------------------

#[test]
fn refs_in_source_order() {
    let expr = nested("`'a' ${data.x} (${form.y} + ${screen.S.data.z.w}) (!${form.y})`");
    let found: Vec<String> = refs(&expr).iter().map(|r| r.to_string()).collect();
    assert_eq!(
        found,
        [
            "${data.x}",
            "${form.y}",
            "${screen.S.data.z.w}",
            "${form.y}"
        ]
    );
    assert!(refs(&nested("`'a' 1 true`")).is_empty());
}

#[test]
fn type_of_results() {
    let ty = |text: &str| {
        let expr = if text.starts_with('`') {
            nested(text)
        } else {
            cond(text)
        };
        type_of(&expr, &lookup).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    };
    assert_eq!(ty("${form.age} >= 18"), Type::Boolean);
    assert_eq!(ty("${form.agree}"), Type::Boolean);
    assert_eq!(ty("${form.unknown}"), Type::Unknown);
    assert_eq!(ty("${form.unknown} == 1"), Type::Boolean);
    assert_eq!(ty("${form.unknown} + ${form.unknown}"), Type::Number);
    assert_eq!(ty("!${form.unknown} && ${form.agree}"), Type::Boolean);
    assert_eq!(ty("`'n: ' ${form.age} ${form.agree}`"), Type::String);
    assert_eq!(ty("`${form.age} % 2`"), Type::Number);
    assert_eq!(ty("`-1`"), Type::Number);
    assert_eq!(ty("`${form.name} != ''`"), Type::Boolean);
}

#[test]
fn type_errors() {
    let cases: [(&str, Span, &str); 9] = [
        (
            "${form.name} == 1",
            0..17,
            "`==` compares values of the same type, but the left side is a string and the right side is a number",
        ),
        (
            "${form.agree} != 'yes'",
            0..22,
            "`!=` compares values of the same type, but the left side is a boolean and the right side is a string",
        ),
        (
            "${form.name} < 3",
            0..12,
            "`<` compares numbers, but the left side is a string",
        ),
        (
            "${form.age} && true",
            0..11,
            "`&&` needs booleans on both sides, but the left side is a number",
        ),
        (
            "${form.agree} || 'x'",
            17..20,
            "`||` needs booleans on both sides, but the right side is a string",
        ),
        (
            "!${form.name}",
            1..13,
            "`!` needs a boolean, but its operand is a string",
        ),
        (
            "${form.name} + 1",
            0..12,
            "`+` adds numbers, but the left side is a string; to join text, write the values side by side separated by a space",
        ),
        (
            "${form.age} * 'x'",
            14..17,
            "`*` works on numbers, but the right side is a string",
        ),
        (
            "${form.tags} == 'a'",
            0..12,
            "`==` compares strings, numbers or booleans, but the left side is an array",
        ),
    ];
    for (text, span, message) in cases {
        assert_eq!(type_err(text), err(span, message), "{text}");
    }
    assert_eq!(
        type_err("`'Tags: ' ${form.tags}`"),
        err(
            10..22,
            "An array cannot be concatenated; only strings, numbers and booleans can"
        )
    );
    assert_eq!(
        type_err("`'P: ' ${data.profile}`").message,
        "An object cannot be concatenated; only strings, numbers and booleans can"
    );
    // The innermost error wins.
    assert_eq!(type_err("(${form.name} < 1) && ${form.agree}").span, 1..13);
}

#[test]
fn condition_rules() {
    assert_eq!(
        check("true"),
        Err(err(
            0..4,
            "a condition cannot be a lone literal because it never changes; use a reference such as `${data.show}`"
        ))
    );
    assert_eq!(check("'x'").map_err(|e| e.span), Err(0..3));
    assert_eq!(
        check("1 == 2"),
        Err(err(
            0..6,
            "both sides of `==` are literals, so the result never changes; make one side a reference"
        ))
    );
    assert_eq!(
        check("(1 + 2) == ${form.age}").map_err(|e| e.span),
        Err(1..6)
    );
    assert_eq!(
        check("!true"),
        Err(err(
            0..5,
            "the condition contains no reference, so it never changes; use at least one value such as `${form.x}` or `${data.x}`"
        ))
    );
    assert_eq!(
        check("${form.name}"),
        Err(err(
            0..12,
            "a condition must be a boolean, but `${form.name}` is a string; compare it, e.g. `${form.name} != ''`"
        ))
    );
    assert_eq!(
        check("${form.age}").map_err(|e| e.message),
        Err(
            "a condition must be a boolean, but `${form.age}` is a number; compare it, e.g. `${form.age} > 0`"
                .into()
        )
    );
    assert_eq!(
        check("${form.age} + 1"),
        Err(err(
            0..15,
            "a condition must be a boolean, but this is a number; use a comparison such as `==` or `<`"
        ))
    );
    assert_eq!(check("${form.name} == 1").map_err(|e| e.span), Err(0..17));
    assert_eq!(check("${form.agree}"), Ok(()));
    assert_eq!(check("${form.unknown}"), Ok(()));
    assert_eq!(check("!${form.agree}"), Ok(()));
    assert_eq!(check("${data.vip} && (${form.city} == 'Rome')"), Ok(()));
    assert_eq!(check("${form.age} >= -1"), Ok(()));
}
