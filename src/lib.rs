//! flowsim: preview, simulate, validate and test WhatsApp Flows from the terminal.
//!
//! The crate is a pure core ([`flow`], [`validate`]) wrapped by thin shells (the CLI in
//! [`cli`] and the reporters in [`report`]).

pub mod app;
pub mod cli;
pub mod diagnostic;
pub mod drive;
pub mod endpoint;
pub mod files;
pub mod flow;
pub mod load;
pub mod report;
pub mod samples;
pub mod scenario;
pub mod sim;
pub mod tui;
pub mod ui;
pub mod validate;
