//! iamlint: a static analyzer for AWS IAM policies and the templates that carry them.

pub mod cli;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
