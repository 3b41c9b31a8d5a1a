//! The pure core of flowsim: everything that knows what a WhatsApp Flow *is* and *does*,
//! with no terminal, network, async runtime or file watching.
//!
//! - [`flow`]: Flow JSON parsed with spans, the typed model, the component table
//!   ([`flow::spec`]), versions and the expression language.
//! - [`diagnostic`]: findings with Meta's error codes and source spans.
//! - [`validate`]: Meta's rules over a parsed flow.
//! - [`sim`]: the engine, `Session::update(input) -> effects`, deterministic.
//! - [`drive`]: the one driver between the engine and an endpoint, which shells implement
//!   ([`drive::Endpoint`]) with the network, a mock or a recording.
//! - [`scenario`]: scripted tests (`flowsim test`) over the engine.
//! - [`routes`]: the whole flow as screens and routes (`flowsim graph`, the preview's map).
//! - [`coverage`]: what tests walked of a flow, from the engine's journal.
//! - [`diff`]: what changed between two versions of a flow, and what can break.
//! - [`lint`]: advice beyond Meta's rules (`flowsim lint`).
//! - [`text`]: making untrusted text safe to print.
//!
//! This crate must never depend on a terminal, network, async-runtime or file-watching crate
//! (ratatui, crossterm, tokio, futures, reqwest, hyper, axum, notify): `.ci/layers`, run by
//! `.ci/run`, checks its dependency tree. Shells (the endpoint client, the terminal app, the
//! CLI) depend on it, never the other way round.

pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod drive;
pub mod flow;
pub mod lint;
pub mod routes;
pub mod scenario;
pub mod sim;
pub mod text;
pub mod validate;
