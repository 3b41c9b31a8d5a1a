//! The syntax tree of an expression: references, operators, expressions and their errors.

use std::fmt;

/// A byte range inside the expression text (relative to the start of the string value given to
/// the parser).
pub type Span = std::ops::Range<usize>;

/// Deepest nesting accepted (parentheses, `!` and operator chains all count).
pub const MAX_DEPTH: usize = 64;

/// Which screen a reference reads from.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// `${data.x}` / `${form.x}`: the current screen.
    Local,
    /// `${screen.ID.data.x}` / `${screen.ID.form.x}`: the screen with this ID.
    Screen(String),
}

/// Which store of a screen a reference reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The screen's data model (`data`).
    Data,
    /// The screen's input values (`form`).
    Form,
}

impl Store {
    /// The keyword used in reference syntax (`data` or `form`).
    pub fn as_str(self) -> &'static str {
        match self {
            Store::Data => "data",
            Store::Form => "form",
        }
    }
}

/// A reference such as `${data.profile.name}` or `${screen.START.form.agree}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub scope: Scope,
    pub store: Store,
    /// Field path after the store: `["profile", "name"]` for `${data.profile.name}`.
    pub path: Vec<String>,
    /// The whole `${…}` text.
    pub span: Span,
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("${")?;
        if let Scope::Screen(id) = &self.scope {
            write!(f, "screen.{id}.")?;
        }
        f.write_str(self.store.as_str())?;
        for segment in &self.path {
            write!(f, ".{segment}")?;
        }
        f.write_str("}")
    }
}

/// Binary operators, in the groups of `flow-json.md` §3.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// `&&`, `||`.
    pub fn is_logical(self) -> bool {
        matches!(self, BinaryOp::And | BinaryOp::Or)
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A parsed expression. Negative number literals (`-5`) are folded into [`Expr::Number`]; the
/// grammar allows `-` only directly before a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    String {
        value: String,
        span: Span,
    },
    Number {
        value: f64,
        span: Span,
    },
    Bool {
        value: bool,
        span: Span,
    },
    Ref(Ref),
    /// `!operand`.
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinaryOp,
        /// Where the operator itself is written.
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    /// Two or more members separated by whitespace (nested expressions only).
    Concat {
        parts: Vec<Expr>,
        span: Span,
    },
}

impl Expr {
    /// The source range of this expression (from its first token to its last).
    pub fn span(&self) -> Span {
        match self {
            Expr::String { span, .. }
            | Expr::Number { span, .. }
            | Expr::Bool { span, .. }
            | Expr::Not { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Concat { span, .. } => span.clone(),
            Expr::Ref(r) => r.span.clone(),
        }
    }

    /// A string, number or boolean literal.
    pub fn is_literal(&self) -> bool {
        matches!(
            self,
            Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. }
        )
    }

    /// Height of the tree; only called on trees whose children were already depth-checked.
    pub(super) fn depth(&self) -> usize {
        match self {
            Expr::String { .. } | Expr::Number { .. } | Expr::Bool { .. } | Expr::Ref(_) => 1,
            Expr::Not { operand, .. } => 1 + operand.depth(),
            Expr::Binary { lhs, rhs, .. } => 1 + lhs.depth().max(rhs.depth()),
            Expr::Concat { parts, .. } => 1 + parts.iter().map(Expr::depth).max().unwrap_or(0),
        }
    }
}

/// A syntax or type error inside an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub span: Span,
    pub message: String,
}

impl ExprError {
    pub(super) fn new(span: Span, message: impl Into<String>) -> Self {
        ExprError {
            span,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}
