//! The parser: tokens into an [`Expr`] by the grammar in the module docs, with errors that say
//! what is missing or misplaced and nesting bounded by [`MAX_DEPTH`].

use super::lex::{Mode, TokKind, Token, tokenize};
use super::{BinaryOp, Expr, ExprError, MAX_DEPTH, Span};

pub(super) fn parse(src: &str, range: Span, mode: Mode) -> Result<Expr, ExprError> {
    let tokens = tokenize(src, range, mode)?;
    if tokens.is_empty() {
        let message = match mode {
            Mode::Nested => {
                "empty expression: write an expression between the backticks, e.g. `'Hi ' ${form.name}`"
            }
            Mode::Condition => "empty condition: write a condition such as `${form.agree}`",
        };
        return Err(ExprError::new(0..src.len(), message));
    }
    let mut parser = Parser {
        src,
        tokens,
        pos: 0,
        nesting: 0,
        mode,
    };
    let expr = match mode {
        Mode::Nested => parser.parse_concat()?,
        Mode::Condition => parser.parse_or()?,
    };
    match parser.peek() {
        None => Ok(expr),
        Some(tok) if tok.kind == TokKind::RParen => Err(ExprError::new(
            tok.span.clone(),
            "`)` has no matching `(`; remove it or add a `(` before it",
        )),
        Some(tok) if tok.kind.starts_operand() => Err(parser.missing_operator(tok)),
        Some(tok) => Err(ExprError::new(
            tok.span.clone(),
            format!("unexpected `{}`", parser.text(&tok.span)),
        )),
    }
}

type ParseFn<'a> = fn(&mut Parser<'a>) -> Result<Expr, ExprError>;

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// Current depth of `(` and `!` recursion.
    nesting: usize,
    mode: Mode,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn prev(&self) -> Option<&Token> {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    fn bump(&mut self) -> Span {
        let span = self.peek().map(|t| t.span.clone()).unwrap_or_default();
        self.pos += 1;
        span
    }

    fn text(&self, span: &Span) -> &'a str {
        self.src.get(span.clone()).unwrap_or("")
    }

    /// Start offset of the next token.
    fn start(&self) -> usize {
        self.peek().map_or(self.src.len(), |t| t.span.start)
    }

    /// End offset of the last consumed token.
    fn prev_end(&self) -> usize {
        self.prev().map_or(0, |t| t.span.end)
    }

    fn peek_op(&self, ops: &[BinaryOp]) -> Option<BinaryOp> {
        match self.peek()?.kind {
            TokKind::Op(op) if ops.contains(&op) => Some(op),
            _ => None,
        }
    }

    fn too_deep(span: Span) -> ExprError {
        ExprError::new(
            span,
            format!(
                "expression is nested too deeply (more than {MAX_DEPTH} levels); split it into simpler parts"
            ),
        )
    }

    /// Enters one level of `(` or `!` recursion.
    fn enter(&mut self, at: &Span) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(Self::too_deep(at.clone()));
        }
        Ok(())
    }

    fn limit_depth(expr: Expr, at: &Span) -> Result<Expr, ExprError> {
        if expr.depth() > MAX_DEPTH {
            Err(Self::too_deep(at.clone()))
        } else {
            Ok(expr)
        }
    }

    /// `concat := orExpr ( WS+ orExpr )*`
    fn parse_concat(&mut self) -> Result<Expr, ExprError> {
        let mut members = Vec::new();
        loop {
            let first = self.pos;
            let expr = self.parse_or()?;
            members.push((expr, first..self.pos));
            match self.peek() {
                Some(tok) if tok.kind.starts_operand() => {
                    if !tok.space_before {
                        return Err(self.missing_space(tok));
                    }
                }
                _ => break,
            }
        }
        if members.len() == 1 {
            return Ok(members.remove(0).0);
        }
        for (expr, range) in &members {
            let (symbol, op_span, kind) = match expr {
                Expr::Binary { op, op_span, .. } if op.is_comparison() => {
                    (op.symbol(), op_span.clone(), "comparison")
                }
                Expr::Binary { op, op_span, .. } if op.is_logical() => {
                    (op.symbol(), op_span.clone(), "logical expression")
                }
                Expr::Not { span, .. } => ("!", span.start..span.start + 1, "negation"),
                _ => continue,
            };
            if !self.is_wrapped(range) {
                let member = self.text(&self.range_span(range));
                return Err(ExprError::new(
                    op_span,
                    format!(
                        "`{symbol}` cannot be used next to concatenated values; wrap the {kind} in parentheses: `({member})`"
                    ),
                ));
            }
        }
        // `members` holds at least two entries here.
        let span = self.range_span(&(members[0].1.start..self.pos));
        let parts: Vec<Expr> = members.into_iter().map(|(expr, _)| expr).collect();
        Self::limit_depth(
            Expr::Concat {
                parts,
                span: span.clone(),
            },
            &span,
        )
    }

    /// Source span of the tokens `range`.
    fn range_span(&self, range: &std::ops::Range<usize>) -> Span {
        let start = self.tokens.get(range.start).map_or(0, |t| t.span.start);
        let end = range
            .end
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(start, |t| t.span.end);
        start..end
    }

    /// Whether the tokens `range` are one parenthesised group `( … )`.
    fn is_wrapped(&self, range: &std::ops::Range<usize>) -> bool {
        let mut depth = 0usize;
        for i in range.clone() {
            match self.tokens.get(i).map(|t| &t.kind) {
                Some(TokKind::LParen) => depth += 1,
                Some(TokKind::RParen) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1 == range.end;
                    }
                }
                _ if depth == 0 => return false,
                _ => {}
            }
        }
        false
    }

    /// Left-associative chain of `ops`, operands parsed by `next`.
    fn parse_chain(&mut self, ops: &[BinaryOp], next: ParseFn<'a>) -> Result<Expr, ExprError> {
        let start = self.start();
        let mut lhs = next(self)?;
        while let Some(op) = self.peek_op(ops) {
            let op_span = self.bump();
            let rhs = next(self)?;
            lhs = self.binary(op, op_span, lhs, rhs, start)?;
        }
        Ok(lhs)
    }

    fn binary(
        &self,
        op: BinaryOp,
        op_span: Span,
        lhs: Expr,
        rhs: Expr,
        start: usize,
    ) -> Result<Expr, ExprError> {
        let expr = Expr::Binary {
            op,
            op_span: op_span.clone(),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
            span: start..self.prev_end(),
        };
        Self::limit_depth(expr, &op_span)
    }

    fn parse_or(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::Or], Self::parse_and)
    }

    fn parse_and(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::And], Self::parse_not)
    }

    fn parse_not(&mut self) -> Result<Expr, ExprError> {
        if self.peek().is_none_or(|t| t.kind != TokKind::Bang) {
            return self.parse_cmp();
        }
        let bang = self.bump();
        self.enter(&bang)?;
        let operand = self.parse_not()?;
        self.nesting -= 1;
        let expr = Expr::Not {
            operand: Box::new(operand),
            span: bang.start..self.prev_end(),
        };
        Self::limit_depth(expr, &bang)
    }

    fn parse_cmp(&mut self) -> Result<Expr, ExprError> {
        const COMPARISONS: [BinaryOp; 6] = [
            BinaryOp::Eq,
            BinaryOp::Ne,
            BinaryOp::Lt,
            BinaryOp::Le,
            BinaryOp::Gt,
            BinaryOp::Ge,
        ];
        let start = self.start();
        let lhs = self.parse_add()?;
        let Some(op) = self.peek_op(&COMPARISONS) else {
            return Ok(lhs);
        };
        let op_span = self.bump();
        let rhs = self.parse_add()?;
        let expr = self.binary(op, op_span, lhs, rhs, start)?;
        if let Some(second) = self.peek_op(&COMPARISONS) {
            let span = self.peek().map(|t| t.span.clone()).unwrap_or_default();
            return Err(ExprError::new(
                span,
                format!(
                    "comparisons cannot be chained: `{second}` follows another comparison; group them with parentheses and `&&`, e.g. `(a < b) && (b < c)`"
                ),
            ));
        }
        Ok(expr)
    }

    fn parse_add(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(&[BinaryOp::Add, BinaryOp::Sub], Self::parse_mul)
    }

    fn parse_mul(&mut self) -> Result<Expr, ExprError> {
        self.parse_chain(
            &[BinaryOp::Mul, BinaryOp::Div, BinaryOp::Mod],
            Self::parse_unary,
        )
    }

    /// `unary := "-" NUMBER | primary`
    fn parse_unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek_op(&[BinaryOp::Sub]).is_none() {
            return self.parse_primary();
        }
        let minus = self.bump();
        match self.peek() {
            Some(Token {
                kind: TokKind::Num(value),
                span,
                space_before: false,
            }) => {
                let expr = Expr::Number {
                    value: -value,
                    span: minus.start..span.end,
                };
                self.pos += 1;
                Ok(expr)
            }
            Some(Token {
                kind: TokKind::Num(_),
                ..
            }) => Err(ExprError::new(
                minus,
                "remove the space between `-` and the number (write `-5`)",
            )),
            _ => Err(ExprError::new(
                minus,
                "`-` must be followed by a number here (e.g. `-5`); to subtract, put a value before it (`0 - …`)",
            )),
        }
    }

    /// `primary := ref | STRING | NUMBER | BOOL | "(" orExpr ")"`
    fn parse_primary(&mut self) -> Result<Expr, ExprError> {
        let Some(tok) = self.peek() else {
            return Err(self.operand_error());
        };
        let span = tok.span.clone();
        let expr = match &tok.kind {
            TokKind::Ref(r) => Expr::Ref(r.clone()),
            TokKind::Str(value) => Expr::String {
                value: value.clone(),
                span,
            },
            &TokKind::Num(value) => Expr::Number { value, span },
            &TokKind::Bool(value) => Expr::Bool { value, span },
            TokKind::LParen => return self.parse_group(),
            TokKind::Op(_) | TokKind::Bang | TokKind::RParen => {
                return Err(self.operand_error());
            }
        };
        self.pos += 1;
        Ok(expr)
    }

    fn parse_group(&mut self) -> Result<Expr, ExprError> {
        let open = self.bump();
        self.enter(&open)?;
        if let Some(close) = self.peek().filter(|t| t.kind == TokKind::RParen) {
            return Err(ExprError::new(
                open.start..close.span.end,
                "empty parentheses: put an expression inside them or remove them",
            ));
        }
        let inner = self.parse_or()?;
        match self.peek() {
            Some(tok) if tok.kind == TokKind::RParen => {
                self.pos += 1;
                self.nesting -= 1;
                Ok(inner)
            }
            Some(tok) => Err(self.missing_operator(tok)),
            None => Err(ExprError::new(
                open,
                "unclosed parenthesis: add a matching `)`",
            )),
        }
    }

    /// The error when an operand was expected at the current token.
    fn operand_error(&self) -> ExprError {
        let prev_op = self.prev().filter(|t| t.kind.is_operator());
        let nothing_after = |op: &Token| {
            ExprError::new(
                op.span.clone(),
                format!(
                    "`{}` has nothing after it; add a value after it or remove it",
                    self.text(&op.span)
                ),
            )
        };
        let Some(tok) = self.peek() else {
            return match (prev_op, self.prev()) {
                (Some(op), _) => nothing_after(op),
                (None, Some(open)) => ExprError::new(
                    open.span.clone(),
                    "unclosed parenthesis: add an expression and a matching `)`",
                ),
                (None, None) => ExprError::new(0..self.src.len(), "the expression is empty"),
            };
        };
        let text = self.text(&tok.span);
        let span = tok.span.clone();
        match (&tok.kind, prev_op) {
            (TokKind::RParen, Some(op)) => nothing_after(op),
            (TokKind::RParen, None) => ExprError::new(
                span,
                "`)` has no matching `(`; remove it or add a `(` before it",
            ),
            (TokKind::Bang, _) => ExprError::new(
                span,
                "`!` cannot be used here: only a whole condition can be negated; wrap the negation in parentheses, e.g. `(!${form.agree})`",
            ),
            (_, Some(op)) => ExprError::new(
                span,
                format!(
                    "`{text}` cannot follow `{}`; put a value between them",
                    self.text(&op.span)
                ),
            ),
            (_, None) => ExprError::new(span, format!("`{text}` needs a value on its left")),
        }
    }

    /// Two operands with nothing but whitespace between them where concatenation is not allowed.
    fn missing_operator(&self, tok: &Token) -> ExprError {
        let text = self.text(&tok.span);
        let message = match self.mode {
            Mode::Condition => format!(
                "missing operator before `{text}`: If conditions cannot concatenate values; join them with an operator such as `&&`, `||` or `==`"
            ),
            Mode::Nested => format!(
                "missing operator before `{text}`: values inside parentheses must be joined by an operator (concatenation with spaces only works outside parentheses)"
            ),
        };
        ExprError::new(tok.span.clone(), message)
    }

    /// Two operands written directly next to each other, without a space.
    fn missing_space(&self, tok: &Token) -> ExprError {
        let text = self.text(&tok.span);
        let both_strings = matches!(tok.kind, TokKind::Str(_))
            && matches!(self.prev().map(|t| &t.kind), Some(TokKind::Str(_)));
        let message = if both_strings {
            format!(
                "two strings written without a space between them; to put a quote inside a string write \\', to concatenate add a space before `{text}`"
            )
        } else {
            format!(
                "missing space before `{text}`: separate concatenated values with a space, or add an operator"
            )
        };
        ExprError::new(tok.span.clone(), message)
    }
}
