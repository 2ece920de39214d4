//! Shared by the integration tests that run the repository's scripts and lessons.

#![allow(dead_code)] // each test crate uses a different part

use klab::lesson::{run_file, RunOptions};
use klab::output::Output;
use std::path::{Path, PathBuf};

/// The folders whose `.rhai` files are the test suite, relative to the crate root.
pub const SUITE_DIRS: [&str; 2] = ["scripts", "lessons"];

pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rhai` file under `scripts/` and `lessons/`, sorted, as paths relative to the
/// crate root (so transcripts and failure reports never hold this machine's paths).
/// Panics when there are none, so no test built on it can pass vacuously.
pub fn suite_files() -> Vec<PathBuf> {
    let root = crate_root();
    let dirs: Vec<PathBuf> = SUITE_DIRS
        .iter()
        .map(PathBuf::from)
        .filter(|d| root.join(d).is_dir())
        .collect();
    std::env::set_current_dir(&root).expect("the crate root is readable");
    let files = klab::suite::collect(&dirs).expect("the suite folders are readable");
    assert!(
        !files.is_empty(),
        "no .rhai files under {SUITE_DIRS:?}: the suite would pass without testing anything"
    );
    files
}

/// A file's run: what the learner sees (the transcript) and the failure report, if any.
pub struct Run {
    pub transcript: String,
    pub failure: Option<String>,
}

/// Runs `file` (relative to the crate root) in a fresh session with `seed`, capturing
/// the plain output `klab run FILE --seed SEED` prints.
pub fn run(file: &Path, seed: u64) -> Run {
    let output = Output::capture();
    let result = run_file(file, &RunOptions::new(seed, output.clone()));
    Run {
        transcript: output.transcript(),
        failure: result.err().map(|f| f.to_string()),
    }
}

/// The last lines of a transcript, for a failure message.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
