//! iamlint: a static analyzer for AWS IAM policies and the templates that carry them.
//!
//! The pipeline is `discover` (which files) -> `parse` (spanned tree) -> `model` (policies,
//! templates) -> `rules` (via `engine`) -> `report`. Checking a document from memory:
//!
//! ```
//! use iamlint::discover::Input;
//! use iamlint::engine::{RuleSettings, check};
//! use iamlint::rules::Registry;
//!
//! let policy = r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Deny", "Action": "rds:CreateDBInstance", "Resource": "*",
//!     "Condition": {"Bool": {"rds:ManageMasterUserPassword": false}}}]}"#;
//! let input = Input::Stdin { name: "guard.json".into() };
//! let registry = Registry::global().expect("embedded rules load");
//! let outcome = check(&[input], Some(policy.as_bytes()), registry, &RuleSettings::default());
//! let rules: Vec<&str> = outcome.findings.iter().map(|f| f.rule).collect();
//! assert_eq!(rules, ["rds/guard-bypass-modify", "rds/guard-incomplete"]);
//! ```

pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod eval;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod model;
pub mod parse;
pub mod read;
pub mod report;
pub mod repository;
pub mod rules;
pub mod secrets;
pub mod server;
pub mod settings;
pub mod simulate;
pub mod source;
pub mod suppress;
pub mod timing;
