//! iamlint: a static analyzer for AWS IAM policies and the templates that carry them.

pub mod parse;
pub mod source;
