//! From a violation to a minimal runnable script: drop ops one at a time while the same
//! invariant still breaks (and no op fails), then write the survivors as Rhai, the last
//! advance cut at the violating instant, followed by an assertion that fails there.
//! The script is run once more through `Session::run` to confirm it fails.

use super::invariants::Violation;
use super::ops::{duration, Op, PRELUDE};
use super::{execute, Position};
use crate::output::Output;
use crate::script::{Session, SessionOptions};

/// Shrinking re-runs the scenario at most this many times.
const MAX_ATTEMPTS: usize = 400;

pub struct Repro {
    pub invariant: &'static str,
    pub message: String,
    /// Ops in the original scenario up to the violation, and after shrinking.
    pub ops_before: usize,
    pub ops_after: usize,
    pub script: String,
    /// Whether running `script` with `klab run` fails as it should.
    pub verified: bool,
}

pub fn shrink_and_render(seed: u64, ops: &[Op], violation: &Violation, pos: &Position) -> Repro {
    let invariant = violation.invariant;
    let mut current: Vec<Op> = ops[..=pos.op].to_vec();
    let mut found = (violation.clone(), pos.clone());
    let mut attempts = 0;
    let mut changed = true;
    while changed && attempts < MAX_ATTEMPTS {
        changed = false;
        // Never the cluster (0) nor the op where it broke (last); later ops first, since
        // dropping them shifts less of what came before.
        let mut i = current.len().saturating_sub(2);
        while i >= 1 && attempts < MAX_ATTEMPTS {
            attempts += 1;
            let mut candidate = current.clone();
            candidate.remove(i);
            let run = execute(&candidate);
            if let Some((v, p)) = run.violation.filter(|(v, _)| v.invariant == invariant) {
                if run.errors.is_empty() {
                    candidate.truncate(p.op + 1);
                    current = candidate;
                    found = (v, p);
                    changed = true;
                }
            }
            i = i.min(current.len().saturating_sub(1)).saturating_sub(1);
        }
    }
    let (v, p) = &found;
    let script = render(seed, &current, v, p);
    let verified = fails_when_run(&script);
    Repro {
        invariant,
        message: v.message.clone(),
        ops_before: pos.op + 1,
        ops_after: current.len(),
        script,
        verified,
    }
}

/// The script: header, helpers, ops, the last one cut at the violating instant, assertion.
pub fn render(seed: u64, ops: &[Op], v: &Violation, p: &Position) -> String {
    let mut out = format!(
        "// klab chaos --seeds {seed}..{}: invariant {} broken\n// {}\n// Replay: klab run THIS_FILE\n\n{PRELUDE}\n",
        seed + 1,
        v.invariant,
        v.message
    );
    let (last, head) = ops.split_last().expect("at least the cluster op");
    for op in head {
        out.push_str(&op.rhai());
        out.push('\n');
    }
    match last {
        Op::Advance { .. } => {
            if p.clean_ms > 0 {
                out.push_str(&format!("advance(\"{}\");\n", duration(p.clean_ms)));
            }
            if let Some(before) = &v.before {
                out.push_str(before);
                out.push('\n');
            }
            if p.at_ms == 0 {
                out.push_str("advance(\"0s\");  // it breaks as soon as the cluster reacts\n");
            } else if p.at_ms > p.clean_ms {
                out.push_str(&format!(
                    "advance(\"{}\");  // the instant it breaks\n",
                    duration(p.at_ms - p.clean_ms)
                ));
            }
        }
        op => {
            if let Some(before) = &v.before {
                out.push_str(before);
                out.push('\n');
            }
            out.push_str(&op.rhai());
            out.push('\n');
        }
    }
    out.push_str(&v.assert);
    out.push('\n');
    out
}

/// Runs the script as `klab run` would; true if it fails.
fn fails_when_run(script: &str) -> bool {
    let mut session = Session::new(SessionOptions::new(
        0,
        std::env::temp_dir(),
        Output::quiet(),
    ));
    session.run("chaos-repro.rhai", script).is_err()
}
