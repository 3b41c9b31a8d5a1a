//! flowsim, the binary's library: the previewer's app state ([`app`]), the widgets that draw
//! it ([`ui`]), the terminal runtime ([`tui`]), the command line ([`cli`]) and the reporters
//! ([`report`]), with the plain endpoint settings the runtime and `flowsim test` share
//! ([`endpoint`]). What a flow is and does lives in `flowsim_core`; the data endpoint protocol
//! in `flowsim_endpoint`; Meta's Flows API in `flowsim_api`; webhooks in `flowsim_webhook`.
//!
//! It is the top layer: no other crate of the workspace may depend on it. Inside it the
//! imports run one way, `cli` → `tui` → `ui` → `app`: the app state must never depend on the
//! widgets, the runtime or the command line, nor on a terminal library (crossterm, ratatui);
//! the widgets never on the runtime or the command line; the runtime never on the command
//! line. `.ci/layers` checks these imports.

pub mod app;
pub mod cli;
pub mod config;
pub mod endpoint;
pub mod files;
pub mod load;
pub mod report;
pub mod samples;
pub mod tui;
pub mod ui;
