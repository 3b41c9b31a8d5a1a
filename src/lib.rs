//! flowsim, the binary's library: the previewer's app state ([`app`]), the widgets that draw
//! it ([`ui`]), the terminal runtime ([`tui`]), the command line ([`cli`]) and the reporters
//! ([`report`]). What a flow is and does lives in `flowsim_core`; the data endpoint protocol
//! in `flowsim_endpoint`.

pub mod app;
pub mod cli;
pub mod config;
pub mod files;
pub mod load;
pub mod report;
pub mod samples;
pub mod tui;
pub mod ui;
