//! Meta's WhatsApp Flows API, spoken over the Graph API (flows-api.md §1–5): typed requests
//! and answers for listing, creating, uploading, downloading, publishing, deprecating and
//! deleting flows, their preview links, the phone number's encryption key and sending a
//! flow as an interactive message.
//!
//! What every call shares lives in [`client`]: the access token (never printed: [`Token`]
//! masks it in everything a caller may show), the Graph error envelope with `fbtrace_id`
//! ([`error`]), cursor paging through every page, and retries with back-off for rate limits
//! and 5xx answers — on reads only; a write is sent once and its failure reported, never
//! repeated blindly. [`validation`] turns Meta's `validation_errors` into the core's
//! diagnostics, so they print exactly as `flowsim validate` prints its own, and compares the
//! two verdicts.
//!
//! It sits beside `flowsim-endpoint`, between the pure core (`flowsim_core`) and the command
//! line. It may use the network and async IO (reqwest with rustls, never OpenSSL; tokio), but
//! must never depend on a terminal or UI crate (ratatui, crossterm, indicatif, console) or on
//! file watching, and never prints: it reports through its return values and an optional
//! [`client::Observer`]. `.ci/layers` checks its dependency tree.

pub mod client;
pub mod error;
pub mod flows;
pub mod validation;

pub use client::{Client, Config, Token};
pub use error::{ApiError, GraphError};
