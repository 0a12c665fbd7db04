//! Fuzzing iamlint with cargo-fuzz (libFuzzer). One target per parser and one end to end;
//! each `fuzz_targets/<name>.rs` is a one-line call into [`checks`], which the regression
//! tests share.

pub mod checks;

pub use checks::Target;
