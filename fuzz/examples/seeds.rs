//! Writes the seed corpora: `seeds OUT [DIR...]` fills `OUT/<target>/` with the files of
//! each DIR (by default `testdata/`) that suit the target, and with generated large inputs.
//! Run by `scripts/fuzz-smoke`; OUT is `fuzz/seeds/`, which git ignores.

use std::fs;
use std::path::PathBuf;

use iamlint_fuzz::Target;
use iamlint_fuzz::seeds::{from_dir, generated};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(out) = args.next() else {
        eprintln!("usage: seeds OUT [DIR...]");
        std::process::exit(2);
    };
    let mut dirs: Vec<PathBuf> = args.collect();
    if dirs.is_empty() {
        dirs.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata")));
    }
    let mut seeds = generated();
    for dir in &dirs {
        seeds.extend(from_dir(dir)?);
    }
    for target in Target::ALL {
        let dir = out.join(target.name());
        // Seeds are regenerated each time: a seed that is no longer written must go.
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        let mut count = 0;
        for seed in seeds.iter().filter(|s| s.targets.contains(&target)) {
            fs::write(dir.join(&seed.name), &seed.bytes)?;
            count += 1;
        }
        eprintln!("{}: {count} seeds", dir.display());
    }
    Ok(())
}
