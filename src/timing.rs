//! Where a run's time goes, for `IAMLINT_TIMING` (as ESLint's `TIMING`): the time of each
//! phase of the pipeline and of each rule, summed over the threads that did the work.
//! Collected only when the variable is set; otherwise each measurement point costs one
//! load of a flag. The report is rendered by [`crate::report::timing`] on stderr, so the
//! output on stdout is the same with and without it.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The variable that turns the report on: `1` (the ten slowest rules), `all`, or a number
/// of rules to list.
pub const VARIABLE: &str = "IAMLINT_TIMING";

/// The phases of a run, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Walking the paths given for the files to check.
    Discover,
    /// Reading and decoding files.
    Read,
    /// Text to spanned tree (JSON, YAML, HCL), and Terraform's lowering into a template.
    Parse,
    /// Spanned tree to domain model.
    Model,
    /// Every rule, per file and over principals (the per-rule times break it down).
    Rules,
    /// Suppressions, baseline, and writing the report.
    Report,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::Discover,
        Phase::Read,
        Phase::Parse,
        Phase::Model,
        Phase::Rules,
        Phase::Report,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Discover => "discover",
            Phase::Read => "read",
            Phase::Parse => "parse",
            Phase::Model => "model",
            Phase::Rules => "rules",
            Phase::Report => "report",
        }
    }
}

/// How many rules the report lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listed {
    All,
    Slowest(usize),
}

/// The times collected in this process.
pub struct Timings {
    phases: [AtomicU64; Phase::ALL.len()],
    rules: Mutex<HashMap<&'static str, u64>>,
    started: Instant,
}

/// What the report shows: each phase's and each rule's time, slowest first.
pub struct Summary {
    pub wall: Duration,
    pub phases: Vec<(&'static str, Duration)>,
    pub rules: Vec<(&'static str, Duration)>,
    /// How many rules ran in all (the report may list fewer).
    pub rules_run: usize,
    pub listed: Listed,
}

fn setting() -> Option<Listed> {
    static SETTING: OnceLock<Option<Listed>> = OnceLock::new();
    *SETTING.get_or_init(|| {
        let value = std::env::var(VARIABLE).ok()?;
        let value = value.trim();
        if value.eq_ignore_ascii_case("all") {
            return Some(Listed::All);
        }
        match value.parse::<usize>() {
            Ok(0) | Err(_) => None,
            // ESLint's convention: `1` means the default list, the ten slowest.
            Ok(1) => Some(Listed::Slowest(10)),
            Ok(n) => Some(Listed::Slowest(n)),
        }
    })
}

/// Whether `IAMLINT_TIMING` asks for the report.
pub fn enabled() -> bool {
    setting().is_some()
}

fn global() -> Option<&'static Timings> {
    static TIMINGS: OnceLock<Timings> = OnceLock::new();
    enabled().then(|| {
        TIMINGS.get_or_init(|| Timings {
            phases: Default::default(),
            rules: Mutex::new(HashMap::new()),
            started: Instant::now(),
        })
    })
}

/// Starts the clock of the run (the report's wall time counts from here).
pub fn start() {
    let _ = global();
}

thread_local! {
    /// Time measured on this thread so far, by every measurement: a measurement that runs
    /// inside another (a file read while a Terraform module is lowered, the shared action
    /// table built inside the first rule that asks) is taken off the outer one.
    static NESTED: Cell<u64> = const { Cell::new(0) };
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Runs `work` and returns its time less that of the measurements inside it.
fn measure<T>(work: impl FnOnce() -> T) -> (T, u64) {
    let before = NESTED.with(Cell::get);
    let start = Instant::now();
    let out = work();
    let spent = nanos(start.elapsed());
    let inner = NESTED.with(Cell::get).saturating_sub(before);
    NESTED.with(|nested| nested.set(before.saturating_add(spent)));
    (out, spent.saturating_sub(inner))
}

/// Runs `work`, adding its time to `phase` when timing is on.
pub fn phase<T>(phase: Phase, work: impl FnOnce() -> T) -> T {
    let Some(timings) = global() else {
        return work();
    };
    let (out, spent) = measure(work);
    timings.phases[phase as usize].fetch_add(spent, Ordering::Relaxed);
    out
}

/// A phase measured between two points of one function, for work that does not fit in a
/// closure (the report, with its early returns).
pub struct Stopwatch {
    phase: Phase,
    before: u64,
    start: Option<Instant>,
}

impl Stopwatch {
    pub fn start(phase: Phase) -> Stopwatch {
        Stopwatch {
            phase,
            before: NESTED.with(Cell::get),
            start: enabled().then(Instant::now),
        }
    }

    pub fn stop(self) {
        let (Some(timings), Some(start)) = (global(), self.start) else {
            return;
        };
        let spent = nanos(start.elapsed());
        let inner = NESTED.with(Cell::get).saturating_sub(self.before);
        NESTED.with(|nested| nested.set(self.before.saturating_add(spent)));
        timings.phases[self.phase as usize].fetch_add(spent.saturating_sub(inner), Ordering::Relaxed);
    }
}

/// Runs work that several rules share (the catalog's reading of a file's actions), under
/// its own name rather than the rule that happened to ask first.
pub fn shared<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    let Some(timings) = global() else {
        return work();
    };
    let (out, spent) = measure(work);
    timings.phases[Phase::Rules as usize].fetch_add(spent, Ordering::Relaxed);
    timings.add_rules(&[(name, spent)]);
    out
}

/// The rule times of one file (or one batch), added to the run's once it is done: one lock
/// per file, not per rule.
#[derive(Default)]
pub struct RuleClock {
    times: Vec<(&'static str, u64)>,
}

impl RuleClock {
    /// Runs one rule's check, timing it when timing is on.
    pub fn run<T>(&mut self, rule: &'static str, check: impl FnOnce() -> T) -> T {
        if !enabled() {
            return check();
        }
        let (out, spent) = measure(check);
        self.times.push((rule, spent));
        out
    }

    /// Adds this clock's times to the run's, and their sum to the `rules` phase.
    pub fn finish(self) {
        let Some(timings) = global() else { return };
        let total: u64 = self.times.iter().map(|(_, t)| t).sum();
        timings.phases[Phase::Rules as usize].fetch_add(total, Ordering::Relaxed);
        timings.add_rules(&self.times);
    }
}

impl Timings {
    fn add_rules(&self, times: &[(&'static str, u64)]) {
        if times.is_empty() {
            return;
        }
        if let Ok(mut rules) = self.rules.lock() {
            for &(rule, spent) in times {
                *rules.entry(rule).or_default() += spent;
            }
        }
    }
}

/// What was collected, when timing is on.
pub fn summary() -> Option<Summary> {
    let timings = global()?;
    let listed = setting()?;
    let mut phases: Vec<(&'static str, Duration)> = Phase::ALL
        .iter()
        .map(|&p| {
            let spent = timings.phases[p as usize].load(Ordering::Relaxed);
            (p.name(), Duration::from_nanos(spent))
        })
        .collect();
    phases.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut rules: Vec<(&'static str, Duration)> = timings
        .rules
        .lock()
        .map(|rules| {
            rules
                .iter()
                .map(|(&rule, &spent)| (rule, Duration::from_nanos(spent)))
                .collect()
        })
        .unwrap_or_default();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Some(Summary {
        wall: timings.started.elapsed(),
        phases,
        rules_run: rules.len(),
        rules,
        listed,
    })
}
