//! Helpers shared by the integration tests: run the engine on paths and render reports
//! the way the binary does, with a fixed width and no color.

#![allow(dead_code)]

use iamlint::discover::{Filters, discover};
use iamlint::engine::{Outcome, Selection, check};
use iamlint::report::{self, Format, Report};
use iamlint::rules::Registry;

pub fn registry() -> &'static Registry {
    Registry::global().expect("the embedded rule files load")
}

pub fn run(paths: &[&str]) -> Outcome {
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let inputs = discover(&paths, "<stdin>", &Filters::default()).expect("fixture paths exist");
    check(&inputs, None, registry(), &Selection::default())
}

pub fn render(outcome: &Outcome, format: Format) -> String {
    let report = Report {
        outcome,
        registry: registry(),
        color: false,
        width: Some(100),
    };
    let mut out = Vec::new();
    report::write(format, &report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}
