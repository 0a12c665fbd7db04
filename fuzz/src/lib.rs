//! Fuzzing iamlint with cargo-fuzz (libFuzzer). One target per parser and one end to end;
//! each `fuzz_targets/<name>.rs` is a one-line call into [`checks`], which the regression
//! tests share. [`seeds`] writes the seed corpora. How to run them: CONTRIBUTING.md,
//! "Fuzzing".

pub mod checks;
pub mod seeds;

pub use checks::Target;
