//! The pure Flow JSON core: spanned parsing, the typed model, the component table and
//! expressions. No terminal, no IO.

pub mod expr;
pub mod json;
pub mod json_schema;
pub mod model;
pub mod path;
pub mod source;
pub mod spec;
pub mod version;
