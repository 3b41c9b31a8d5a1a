//! The type checker: the static type of an expression from the types of its references, and
//! the extra rules of an `If.condition`.

use std::fmt;

use super::{BinaryOp, Expr, ExprError, Ref, Span, refs};

/// Static type of an expression or reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Boolean,
    Array,
    Object,
    Unknown,
}

impl Type {
    /// The type with an article, for messages ("a string").
    fn described(self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Number => "a number",
            Type::Boolean => "a boolean",
            Type::Array => "an array",
            Type::Object => "an object",
            Type::Unknown => "of unknown type",
        }
    }
}

impl Type {
    /// The type's name, for messages ("string").
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
            Type::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Static type check.
///
/// `lookup` gives the declared type of a reference; `None` (an unknown reference, reported by the
/// caller) counts as [`Type::Unknown`], which is accepted everywhere. The caller decides what a
/// reference to a TextInput with `input-type: number` reports (its runtime value is a string that
/// compares as a number).
pub fn type_of(expr: &Expr, lookup: &dyn Fn(&Ref) -> Option<Type>) -> Result<Type, ExprError> {
    match expr {
        Expr::String { .. } => Ok(Type::String),
        Expr::Number { .. } => Ok(Type::Number),
        Expr::Bool { .. } => Ok(Type::Boolean),
        Expr::Ref(r) => Ok(lookup(r).unwrap_or(Type::Unknown)),
        Expr::Not { operand, .. } => {
            let t = type_of(operand, lookup)?;
            if !matches!(t, Type::Boolean | Type::Unknown) {
                return Err(ExprError::new(
                    operand.span(),
                    format!("`!` needs a boolean, but its operand is {}", t.described()),
                ));
            }
            Ok(Type::Boolean)
        }
        Expr::Binary {
            op, lhs, rhs, span, ..
        } => {
            let lt = type_of(lhs, lookup)?;
            let rt = type_of(rhs, lookup)?;
            let sides = [(lt, "left", lhs), (rt, "right", rhs)];
            let require = |wanted: Type, what: &str, hint: &str| {
                for (t, side, e) in &sides {
                    if !matches!(t, Type::Unknown) && *t != wanted {
                        return Err(ExprError::new(
                            e.span(),
                            format!(
                                "`{op}` {what}, but the {side} side is {}{hint}",
                                t.described()
                            ),
                        ));
                    }
                }
                Ok(())
            };
            match op {
                BinaryOp::Eq | BinaryOp::Ne => {
                    for (t, side, e) in &sides {
                        if matches!(t, Type::Array | Type::Object) {
                            return Err(ExprError::new(
                                e.span(),
                                format!(
                                    "`{op}` compares strings, numbers or booleans, but the {side} side is {}",
                                    t.described()
                                ),
                            ));
                        }
                    }
                    if lt != Type::Unknown && rt != Type::Unknown && lt != rt {
                        return Err(ExprError::new(
                            span.clone(),
                            format!(
                                "`{op}` compares values of the same type, but the left side is {} and the right side is {}",
                                lt.described(),
                                rt.described()
                            ),
                        ));
                    }
                    Ok(Type::Boolean)
                }
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    require(Type::Number, "compares numbers", "")?;
                    Ok(Type::Boolean)
                }
                BinaryOp::And | BinaryOp::Or => {
                    require(Type::Boolean, "needs booleans on both sides", "")?;
                    Ok(Type::Boolean)
                }
                BinaryOp::Add => {
                    require(
                        Type::Number,
                        "adds numbers",
                        "; to join text, write the values side by side separated by a space",
                    )?;
                    Ok(Type::Number)
                }
                BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    require(Type::Number, "works on numbers", "")?;
                    Ok(Type::Number)
                }
            }
        }
        Expr::Concat { parts, .. } => {
            for part in parts {
                let t = type_of(part, lookup)?;
                if matches!(t, Type::Array | Type::Object) {
                    return Err(ExprError::new(
                        part.span(),
                        format!(
                            "{} cannot be concatenated; only strings, numbers and booleans can",
                            capitalize(t.described())
                        ),
                    ));
                }
            }
            Ok(Type::String)
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Checks the extra rules of an `If.condition` (`flow-json.md` §3.5): not a lone literal, no
/// operator with literals on both sides, at least one reference, type-correct and boolean
/// (or of unknown type).
pub fn check_condition(
    expr: &Expr,
    lookup: &dyn Fn(&Ref) -> Option<Type>,
) -> Result<(), ExprError> {
    if expr.is_literal() {
        return Err(ExprError::new(
            expr.span(),
            "a condition cannot be a lone literal because it never changes; use a reference such as `${data.show}`",
        ));
    }
    if let Some((op, span)) = literal_pair(expr) {
        return Err(ExprError::new(
            span,
            format!(
                "both sides of `{op}` are literals, so the result never changes; make one side a reference"
            ),
        ));
    }
    if refs(expr).is_empty() {
        return Err(ExprError::new(
            expr.span(),
            "the condition contains no reference, so it never changes; use at least one value such as `${form.x}` or `${data.x}`",
        ));
    }
    match type_of(expr, lookup)? {
        Type::Boolean | Type::Unknown => Ok(()),
        t => {
            let message = match (expr, t) {
                (Expr::Ref(r), Type::String) => format!(
                    "a condition must be a boolean, but `{r}` is a string; compare it, e.g. `{r} != ''`"
                ),
                (Expr::Ref(r), Type::Number) => format!(
                    "a condition must be a boolean, but `{r}` is a number; compare it, e.g. `{r} > 0`"
                ),
                _ => format!(
                    "a condition must be a boolean, but this is {}; use a comparison such as `==` or `<`",
                    t.described()
                ),
            };
            Err(ExprError::new(expr.span(), message))
        }
    }
}

/// The first binary operator whose both operands are literals.
fn literal_pair(expr: &Expr) -> Option<(BinaryOp, Span)> {
    match expr {
        Expr::Binary {
            op, lhs, rhs, span, ..
        } => {
            if lhs.is_literal() && rhs.is_literal() {
                Some((*op, span.clone()))
            } else {
                literal_pair(lhs).or_else(|| literal_pair(rhs))
            }
        }
        Expr::Not { operand, .. } => literal_pair(operand),
        Expr::Concat { parts, .. } => parts.iter().find_map(literal_pair),
        Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Ref(_) => None,
    }
}
