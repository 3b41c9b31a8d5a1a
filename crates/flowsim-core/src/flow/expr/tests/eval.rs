//! Evaluation and the text shown for values.

use super::*;

// --- evaluation and display --------------------------------------------------------------

#[test]
fn arithmetic() {
    assert_eq!(run("`${data.total} * 3.6`"), json!(36));
    assert_eq!(
        serde_json::to_string(&run("`${data.total} * 3.6`")).ok(),
        Some("36".into())
    );
    assert_eq!(run("`${data.total} / 4`"), json!(2.5));
    assert_eq!(run("`${data.total} / 0`"), json!(0));
    assert_eq!(run("`${data.total} % 0`"), json!(0));
    assert_eq!(run("`${data.total} / ${form.missing}`"), json!(0));
    assert_eq!(run("`${data.total} % 4`"), json!(2));
    assert_eq!(run("`${form.missing} + 1`"), json!(1));
    assert_eq!(run("`${form.blank} + 1`"), json!(1));
    assert_eq!(run("`${form.qty} * 2`"), json!(6));
    assert_eq!(run("`${form.qty} + ${form.people}`"), json!(7));
    assert_eq!(run("`${form.first} + 1`"), Value::Null);
    assert_eq!(run("`${data.list} + 1`"), Value::Null);
    assert_eq!(run("`0.1 + 0.2`"), json!(0.30000000000000004));
}

#[test]
fn comparisons_and_logic() {
    let cases = [
        ("${form.qty} == 3", true),
        ("${form.qty} == '3.0'", true),
        ("${form.qty} != 3", false),
        ("${form.first} == 'Ann'", true),
        ("${form.first} == ${form.last}", true),
        ("${form.first} == 'ann'", false),
        ("${form.missing} == ''", true),
        ("${form.missing} != ''", false),
        ("${form.missing} == false", true),
        ("${form.missing} == 0", true),
        ("${form.missing} == 'x'", false),
        ("${form.missing} == ${form.other_missing}", true),
        ("${form.agree} == true", true),
        ("${form.age} >= 18", true),
        ("${form.age} < 18", false),
        ("${form.qty} > 2", true),
        ("${form.qty} <= 2.5", false),
        ("${form.missing} < 1", false),
        ("${form.missing} >= 0", false),
        ("${form.first} < 3", false),
        ("${form.first} >= 3", false),
        ("${form.missing} && true", false),
        ("!${form.missing}", true),
        ("!${form.agree}", false),
        ("${form.off} || ${form.agree}", true),
        ("(${form.age} > 17) && ${screen.START.form.agree}", true),
        ("(${form.first} != '') || (${form.last} != '')", true),
    ];
    for (text, expected) in cases {
        assert_eq!(run(text), Value::Bool(expected), "{text}");
    }
}

#[test]
fn logic_short_circuits() {
    let seen = RefCell::new(Vec::new());
    let values = json!({ "form": { "f": false, "t": true, "g": true } });
    let base = resolver(&values);
    let resolve = |r: &Ref| {
        seen.borrow_mut().push(r.to_string());
        base(r)
    };
    assert_eq!(
        eval(&cond("${form.f} && ${form.g}"), &resolve),
        json!(false)
    );
    assert_eq!(eval(&cond("${form.t} || ${form.g}"), &resolve), json!(true));
    assert_eq!(eval(&cond("${form.t} && ${form.g}"), &resolve), json!(true));
    assert_eq!(
        *seen.borrow(),
        ["${form.f}", "${form.t}", "${form.t}", "${form.g}"]
    );
}

#[test]
fn concatenation_values() {
    assert_eq!(
        run("`'Total: ' (${data.unit_price} * ${form.qty})`"),
        json!("Total: 7.5")
    );
    assert_eq!(
        run("`'Split: ' ${data.total} / ${form.people}`"),
        json!("Split: 2.5")
    );
    assert_eq!(
        run("`'You typed ' ${form.qty} ' items'`"),
        json!("You typed 3 items")
    );
    assert_eq!(
        run("`'Odd? ' ((${form.qty} % 2) == 1)`"),
        json!("Odd? true")
    );
    assert_eq!(run("`'Hi ' ${data.profile.name}`"), json!("Hi Bo"));
    assert_eq!(run("`'Hi ' ${data.nothing} '!'`"), json!("Hi !"));
    assert_eq!(
        run("`${form.agree} ' ' ${data.total} ' ' ${data.list} ' ' (-2.50)`"),
        json!(r#"true 10 ["a","b"] -2.5"#)
    );
    // A `-` after a member is subtraction (the grammar is greedy), caught by `type_of`.
    assert_eq!(
        type_err("`'a' -2`"),
        err(1..4, "`-` works on numbers, but the left side is a string")
    );
    assert_eq!(run("`${data.name}`"), json!("Ann"));
}

#[test]
fn display_formats_like_whatsapp() {
    assert_eq!(display(&json!(36.0)), "36");
    assert_eq!(display(&json!(36)), "36");
    assert_eq!(display(&json!(2.5)), "2.5");
    assert_eq!(display(&json!(-0.0)), "0");
    assert_eq!(display(&json!(-3)), "-3");
    assert_eq!(display(&json!(u64::MAX)), "18446744073709551615");
    assert_eq!(display(&json!(1e21)), "1000000000000000000000");
    assert_eq!(display(&json!(true)), "true");
    assert_eq!(display(&json!(false)), "false");
    assert_eq!(display(&Value::Null), "");
    assert_eq!(display(&json!("x y")), "x y");
    assert_eq!(display(&json!(["a", 1])), r#"["a",1]"#);
    assert_eq!(
        display(&json!({"a": 1, "b": [true]})),
        r#"{"a":1,"b":[true]}"#
    );
}
