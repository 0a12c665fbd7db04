//! What the embedded catalog costs a run. The services are static tables (build.rs), so
//! loading reads only the header line and the global keys; what is left to measure is the
//! lookups: an action by name, a wildcard pattern, a walk over every service (a policy with
//! `*:Get*`). Plain timing over many rounds, no harness dependency:
//! `cargo bench --bench catalog`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamlint::catalog::Catalog;

#[expect(clippy::print_stdout, reason = "a benchmark reports on standard output")]
fn measure(name: &str, rounds: u32, mut f: impl FnMut()) {
    f(); // warm up
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!("{name:<45} median {median:>10.3?}   p95 {p95:>10.3?}   ({rounds} rounds)");
}

fn main() {
    let start = Instant::now();
    black_box(Catalog::global());
    #[expect(clippy::print_stdout, reason = "a benchmark reports on standard output")]
    {
        println!("{:<45} {:>10.3?}   (once per process)", "load", start.elapsed());
    }
    let catalog = Catalog::global();
    measure("three lookups (rds, kms, secretsmanager)", 2000, || {
        for action in [
            "rds:CreateDBInstance",
            "kms:DescribeKey",
            "secretsmanager:CreateSecret",
        ] {
            black_box(catalog.action(action).is_some());
        }
    });
    measure("every action of every service, by name", 20, || {
        for service in catalog.services() {
            for action in service.actions {
                black_box(service.action(action.name).is_some());
            }
        }
    });
    measure("every service's actions matching `Get*`", 200, || {
        for service in catalog.services() {
            black_box(service.matching("Get*").len());
        }
    });
}
