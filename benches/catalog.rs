//! What the embedded catalog costs a run: indexing its lines, then decoding the first
//! service a policy names (RDS, the largest a typical RDS policy touches), then every
//! service (a policy with `*:Get*`). Plain timing over many rounds, no harness dependency:
//! `cargo bench --bench catalog`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamlint::catalog::Catalog;

const CATALOG: &str = include_str!("../catalog/aws-iam-catalog.jsonl");
const GLOBALS: &str = include_str!("../catalog/global-condition-keys.tsv");

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
    measure("index (load, no service decoded)", 200, || {
        black_box(Catalog::index(CATALOG, GLOBALS));
    });
    measure("index + first lookup (rds:CreateDBInstance)", 200, || {
        let catalog = Catalog::index(CATALOG, GLOBALS);
        black_box(catalog.action("rds:CreateDBInstance").is_some());
    });
    measure("index + three services (rds, kms, secretsmanager)", 200, || {
        let catalog = Catalog::index(CATALOG, GLOBALS);
        for action in [
            "rds:CreateDBInstance",
            "kms:DescribeKey",
            "secretsmanager:CreateSecret",
        ] {
            black_box(catalog.action(action).is_some());
        }
    });
    measure("index + every service decoded", 20, || {
        let catalog = Catalog::index(CATALOG, GLOBALS);
        black_box(catalog.services().count());
    });
}
