//! Randomized simulation testing (`klab chaos --seeds A..B`): a seeded scenario of random
//! workloads and operations (generator.rs, ops.rs) runs through the same script API users
//! write, with the invariants (invariants.rs) checked after every op and at every instant
//! in between. A violation is shrunk to the fewest ops that still break the same invariant
//! and printed as a runnable script (repro.rs). Each seed runs twice: the trace hashes
//! must agree (determinism).

pub mod generator;
pub mod invariants;
pub mod ops;
pub mod repro;
pub mod snapshot;

use crate::output::Output;
use crate::script::{Session, SessionOptions};
use crate::sim::SimDuration;
use invariants::{Checker, Violation};
use ops::Op;

/// Chaos scenarios work in the default namespace.
pub const NAMESPACE: &str = "default";

/// Where in the op list a violation showed.
#[derive(Clone, Debug)]
pub struct Position {
    /// Index of the op during (or right after) which it showed.
    pub op: usize,
    /// For an advance: ms from its start to the last instant that was still fine, and to
    /// the instant that broke the invariant.
    pub clean_ms: i64,
    pub at_ms: i64,
}

/// The outcome of running one op list.
pub struct Run {
    /// FNV-1a over every checked state (time, and each object's key and resourceVersion).
    pub hash: u64,
    pub violation: Option<(Violation, Position)>,
    /// Ops that failed (index, message): a valid scenario has none.
    pub errors: Vec<(usize, String)>,
}

struct Trace(u64);

impl Trace {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
    fn state(&mut self, cluster: &crate::Cluster) {
        self.add(&cluster.now().0.to_le_bytes());
        for info in crate::api::kinds::KINDS {
            for obj in cluster.world.store.list(info.kind, None) {
                self.add(obj.name().as_bytes());
                self.add(
                    obj.meta()
                        .resource_version
                        .as_deref()
                        .unwrap_or("")
                        .as_bytes(),
                );
            }
        }
    }
}

/// Runs `ops` in a fresh session, checking the invariants; stops at the first violation.
pub fn execute(ops: &[Op]) -> Run {
    let mut session = Session::new(SessionOptions::new(
        0,
        std::env::temp_dir(),
        Output::quiet(),
    ));
    let mut run = Run {
        hash: 0xcbf2_9ce4_8422_2325,
        violation: None,
        errors: Vec::new(),
    };
    if let Err(e) = session.eval_input(ops::PRELUDE) {
        run.errors.push((0, e.to_string()));
        return run;
    }
    let mut trace = Trace(run.hash);
    let mut checker = Checker::default();
    for (i, op) in ops.iter().enumerate() {
        let found = match op {
            Op::Advance { ms } => {
                session.with_cluster(|c| advance_checked(c, *ms, &mut checker, &mut trace, i))
            }
            _ => {
                if let Some(victim) = session.with_cluster(|c| op.victim(&c.world.store)) {
                    checker.touch(victim);
                }
                if let Err(e) = session.eval_input(&op.rhai()) {
                    run.errors.push((i, e.to_string()));
                }
                if matches!(op, Op::Cluster { .. }) {
                    checker = Checker::default();
                }
                // Checked at the start of the next advance, as a script would see it.
                None
            }
        };
        if let Some(found) = found {
            run.violation = Some(found);
            break;
        }
    }
    run.hash = trace.0;
    run
}

/// `advance(ms)`, one instant at a time, checking after each (what `Cluster::advance` does
/// in one go).
fn advance_checked(
    c: &mut crate::Cluster,
    ms: i64,
    checker: &mut Checker,
    trace: &mut Trace,
    op: usize,
) -> Option<(Violation, Position)> {
    let start = c.now();
    let target = start + SimDuration(ms);
    let sim_error = |e: crate::SimError, at: i64| {
        Some((
            Violation {
                invariant: "simulation-error",
                message: e.0,
                before: None,
                assert: String::new(),
            },
            Position {
                op,
                clean_ms: at,
                at_ms: at,
            },
        ))
    };
    if let Err(e) = c.reconcile_now() {
        return sim_error(e, 0);
    }
    trace.state(c);
    if let Some(v) = checker.check(&c.world.store, c.now()) {
        return Some((
            v,
            Position {
                op,
                clean_ms: 0,
                at_ms: 0,
            },
        ));
    }
    let mut clean = start;
    while c.world.timers.next_time().is_some_and(|t| t <= target) {
        if let Err(e) = c.step() {
            return sim_error(e, (c.now() - start).0);
        }
        trace.state(c);
        if let Some(v) = checker.check(&c.world.store, c.now()) {
            let pos = Position {
                op,
                clean_ms: (clean - start).0,
                at_ms: (c.now() - start).0,
            };
            return Some((v, pos));
        }
        clean = c.now();
    }
    if let Err(e) = c.advance(target - c.now()) {
        return sim_error(e, ms);
    }
    trace.state(c);
    checker.check(&c.world.store, c.now()).map(|v| {
        (
            v,
            Position {
                op,
                clean_ms: (clean - start).0,
                at_ms: ms,
            },
        )
    })
}

/// What one seed came to.
pub struct SeedReport {
    pub seed: u64,
    pub hash: u64,
    /// Set when the two runs of the seed disagreed.
    pub nondeterministic: Option<(u64, u64)>,
    pub errors: Vec<(usize, String)>,
    pub failure: Option<repro::Repro>,
}

/// Runs scenario `seed` twice (determinism), and on a violation shrinks it to a script.
pub fn run_seed(seed: u64, steps: usize) -> SeedReport {
    let ops = generator::scenario(seed, steps);
    let first = execute(&ops);
    let second = execute(&ops);
    let failure = first
        .violation
        .as_ref()
        .map(|(v, pos)| repro::shrink_and_render(seed, &ops, v, pos));
    SeedReport {
        seed,
        hash: first.hash,
        nondeterministic: (first.hash != second.hash).then_some((first.hash, second.hash)),
        errors: first.errors,
        failure,
    }
}

/// `"A..B"` (B excluded) or `"A"`.
pub fn parse_seeds(text: &str) -> Result<std::ops::Range<u64>, String> {
    let bad = || format!("--seeds {text:?}: want A..B (e.g. 0..1000) or one seed");
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => (a, b),
        None => (text, ""),
    };
    let a: u64 = a.trim().parse().map_err(|_| bad())?;
    let b: u64 = if b.is_empty() && !text.contains("..") {
        a.checked_add(1).ok_or_else(bad)?
    } else {
        b.trim().parse().map_err(|_| bad())?
    };
    if b <= a {
        return Err(bad());
    }
    Ok(a..b)
}

/// Runs every seed in `seeds`, writes failures (with their scripts) and a summary line;
/// true if every seed held every invariant, ran deterministically and had no failing op.
pub fn sweep(seeds: std::ops::Range<u64>, steps: usize, out: &mut dyn std::io::Write) -> bool {
    let (mut bad, total) = (0u64, seeds.end - seeds.start);
    for seed in seeds {
        let report = run_seed(seed, steps);
        let mut problems = Vec::new();
        if let Some((a, b)) = report.nondeterministic {
            problems.push(format!(
                "not deterministic: trace hash {a:016x} then {b:016x}"
            ));
        }
        for (i, e) in &report.errors {
            problems.push(format!("op {i} failed: {e}"));
        }
        if let Some(f) = &report.failure {
            problems.push(format!(
                "invariant {} broken: {}\n  shrunk from {} to {} ops; the script below {}:\n\n{}",
                f.invariant,
                f.message,
                f.ops_before,
                f.ops_after,
                if f.verified {
                    "fails with `klab run`"
                } else {
                    "did NOT fail when re-run (inspect by hand)"
                },
                f.script
            ));
        }
        if !problems.is_empty() {
            bad += 1;
            let _ = writeln!(out, "seed {seed}: {}", problems.join("\n  "));
        }
    }
    let _ = writeln!(
        out,
        "chaos: {total} seeds, {steps} steps each: {} passed, {bad} failed",
        total - bad
    );
    bad == 0
}
