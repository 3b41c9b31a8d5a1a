//! Evaluation the way the WhatsApp client does it, and the text it shows for a value.

use serde_json::Value;

use super::{BinaryOp, Expr, Ref};

/// Evaluates an expression the way the WhatsApp client does. `resolve` returns the runtime value
/// of a reference (`None` = not set yet).
///
/// * `&&`, `||`, `!` use truthiness (missing/null, `false`, `0`, `""` are false) and short-circuit;
/// * `==`/`!=` compare numerically when both sides are numbers or numeric strings; a missing
///   value equals the empty value of the other side (`""`, `0`, `false`, `[]`, `{}`);
/// * arithmetic and ordering convert numeric strings to numbers; arithmetic counts missing
///   values and `""` as 0, ordering with a missing value is `false`; any other operand makes
///   arithmetic yield null and ordering yield `false`;
/// * division or modulo by zero yields 0;
/// * concatenation joins the [`display`] text of each member.
pub fn eval(expr: &Expr, resolve: &dyn Fn(&Ref) -> Option<Value>) -> Value {
    match expr {
        Expr::String { value, .. } => Value::String(value.clone()),
        Expr::Number { value, .. } => number_value(*value),
        Expr::Bool { value, .. } => Value::Bool(*value),
        Expr::Ref(r) => resolve(r).unwrap_or(Value::Null),
        Expr::Not { operand, .. } => Value::Bool(!truthy(&eval(operand, resolve))),
        Expr::Binary { op, lhs, rhs, .. } => {
            let value = |e: &Expr| eval(e, resolve);
            match op {
                BinaryOp::And => Value::Bool(truthy(&value(lhs)) && truthy(&value(rhs))),
                BinaryOp::Or => Value::Bool(truthy(&value(lhs)) || truthy(&value(rhs))),
                BinaryOp::Eq => Value::Bool(loosely_equal(&value(lhs), &value(rhs))),
                BinaryOp::Ne => Value::Bool(!loosely_equal(&value(lhs), &value(rhs))),
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    // A value that is not set yet is neither smaller nor larger than anything:
                    // `${form.age} >= 18` stays false until the user types an age.
                    let (Some(a), Some(b)) = (numeric(&value(lhs)), numeric(&value(rhs))) else {
                        return Value::Bool(false);
                    };
                    Value::Bool(match op {
                        BinaryOp::Lt => a < b,
                        BinaryOp::Le => a <= b,
                        BinaryOp::Gt => a > b,
                        _ => a >= b,
                    })
                }
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    let (Some(a), Some(b)) = (to_number(&value(lhs)), to_number(&value(rhs)))
                    else {
                        return Value::Null;
                    };
                    number_value(match op {
                        BinaryOp::Add => a + b,
                        BinaryOp::Sub => a - b,
                        BinaryOp::Mul => a * b,
                        _ if b == 0.0 => 0.0,
                        BinaryOp::Div => a / b,
                        _ => a % b,
                    })
                }
            }
        }
        Expr::Concat { parts, .. } => Value::String(
            parts
                .iter()
                .map(|part| display(&eval(part, resolve)))
                .collect(),
        ),
    }
}

/// Text the way WhatsApp shows a value: numbers without a trailing `.0`, strings as-is, booleans
/// as `true`/`false`, null as the empty string, arrays and objects as compact JSON.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (None, None, Some(0.0)) => "0".to_owned(),
            (None, None, Some(f)) => f.to_string(),
            (None, None, None) => n.to_string(),
        },
        Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// A JSON number for `x`: whole numbers become integers (so they serialise as `36`, not `36.0`);
/// non-finite results become null.
fn number_value(x: f64) -> Value {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if !x.is_finite() {
        Value::Null
    } else if x.fract() == 0.0 && x.abs() <= MAX_SAFE {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// A number, or a non-empty string that parses as a finite number.
fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Operand of arithmetic/ordering: numbers, numeric strings, and missing or `""` as 0.
fn to_number(value: &Value) -> Option<f64> {
    match value {
        Value::Null => Some(0.0),
        Value::String(s) if s.trim().is_empty() => Some(0.0),
        _ => numeric(value),
    }
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, other) | (other, Value::Null) => is_empty_value(other),
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// What a missing value stands for: `""`, `0`, `false`, `[]`, `{}` (or null itself).
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
    }
}
