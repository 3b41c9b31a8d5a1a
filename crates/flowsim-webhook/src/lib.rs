//! Webhooks, played from Meta's side (flows-api.md §6, flow-json.md §7.2): what the business's
//! webhook server receives when a flow completes, when a flow's status changes, when an
//! endpoint alert fires, when a flow version is about to expire, and when the flow message is
//! delivered.
//!
//! - [`json`]: the exact bytes Meta sends (compact JSON, non-ASCII escaped as `\u00e4`).
//! - [`event`]: the notification envelopes, built from plain values (pure: no clock, no IO).
//! - [`deliver`]: signing (`X-Hub-Signature-256` over the bytes sent) and POSTing them, the
//!   GET subscription handshake, and a diagnosis when the receiver fails or is slow.
//! - [`check`]: a short security and robustness check of a receiver.
//! - [`listen`]: a local receiver that verifies, decodes, reports and forwards what it gets.
//!
//! It sits beside the endpoint protocol (`flowsim_endpoint`, whose signing and recordings it
//! reuses) and under the shells (the preview, `flowsim test`, `flowsim webhook`). It may use
//! the network, async IO and an HTTP server, but must never depend on a terminal or UI crate
//! (ratatui, crossterm) or on file watching: `.ci/layers` checks its dependency tree.

pub mod check;
pub mod deliver;
pub mod event;
pub mod json;
pub mod listen;

pub use flowsim_endpoint::client::Secret;
