//! `klab test`: every `.rhai` file under the given paths, each in a fresh session, one line
//! per file, the failing files' transcript tails and errors, and `N passed, M failed` last.

use crate::lesson::{run_file, RunOptions};
use crate::output::Output;
use crate::script::{Failure, ScriptLimits};
use std::path::{Path, PathBuf};

/// How many transcript lines a failing file shows before its error.
pub const TAIL_LINES: usize = 20;

#[derive(Clone, Debug)]
pub struct SuiteOptions {
    pub seed: u64,
    pub limits: ScriptLimits,
    /// Print each file's wall time. Off in anything snapshotted: the CLI turns it on only
    /// when stdout is a terminal.
    pub timing: bool,
    /// Folders beyond each file's own that it may read (`--allow-read`).
    pub allow_read: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
}

/// The `.rhai` files under `paths` (a file named directly counts whatever its extension),
/// sorted, each once. A path that does not exist is an error.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut files).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            // `bench/` holds scale scenarios for `klab bench` (sized by SCALE), not tests.
            if entry.file_name() != "bench" {
                walk(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rhai") {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs `files`, writing the report to `report`.
pub fn run(files: &[PathBuf], options: &SuiteOptions, report: &Output) -> Summary {
    let mut summary = Summary::default();
    for file in files {
        let transcript = Output::capture();
        let run_options = RunOptions {
            seed: options.seed,
            output: transcript.clone(),
            limits: options.limits.clone(),
            step: false,
            allow_read: options.allow_read.clone(),
        };
        let (result, millis) = timed(|| run_guarded(file, &run_options));
        let name = file.display();
        match result {
            Ok(()) => {
                summary.passed += 1;
                if options.timing {
                    report.text(&format!("ok   {name} ({millis} ms)"));
                } else {
                    report.text(&format!("ok   {name}"));
                }
            }
            Err(failure) => {
                summary.failed += 1;
                report.text(&format!("FAIL {name}"));
                let mut details = transcript.transcript_tail(TAIL_LINES);
                if !details.is_empty() && !details.ends_with("\n\n") {
                    details.push('\n');
                }
                details.push_str(&failure.to_string());
                report.text(&indent(&details));
            }
        }
    }
    report.text(&format!(
        "{} passed, {} failed",
        summary.passed, summary.failed
    ));
    summary
}

/// A panic in one file (a bug in klab) fails that file instead of the whole run.
fn run_guarded(file: &Path, options: &RunOptions) -> Result<(), Failure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_file(file, options)))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Failure::message(format!(
                "internal error (a bug in klab): {what}"
            )))
        })
}

/// The wall time a file took: the one use of the wall clock in klab, for the person
/// watching the test run; it never reaches the simulation.
#[allow(clippy::disallowed_methods)]
fn timed<T>(f: impl FnOnce() -> T) -> (T, u128) {
    let start = std::time::Instant::now();
    let value = f();
    (value, start.elapsed().as_millis())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_finds_rhai_files_recursively_sorted_and_once() {
        let dir = std::env::temp_dir().join(format!("klab-suite-collect-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("b/c")).unwrap();
        for f in ["b/c/z.rhai", "a.rhai", "b/y.rhai", "b/notes.md"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let files = collect(&[dir.clone(), dir.join("a.rhai")]).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.rhai", "b/c/z.rhai", "b/y.rhai"]);
        assert!(collect(&[dir.join("missing")])
            .unwrap_err()
            .starts_with("cannot read"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_suite_reports_each_file_and_ends_with_the_counts() {
        let dir = std::env::temp_dir().join(format!("klab-suite-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a_pass.rhai"),
            "print(\"fine\");\nassert_eq(1, 1);\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("b_fail.rhai"),
            "print(\"before\");\nassert_eq(1, 2);\n",
        )
        .unwrap();
        let files = collect(std::slice::from_ref(&dir)).unwrap();
        let report = Output::capture();
        let options = SuiteOptions {
            seed: 0,
            limits: ScriptLimits::default(),
            timing: false,
            allow_read: Vec::new(),
        };
        assert_eq!(
            run(&files, &options, &report),
            Summary {
                passed: 1,
                failed: 1
            }
        );
        let text = report.transcript();
        let pass = dir.join("a_pass.rhai").display().to_string();
        let fail = dir.join("b_fail.rhai").display().to_string();
        assert!(
            text.starts_with(&format!(
                "ok   {pass}\nFAIL {fail}\n    before\n\n    error: assert_eq failed\n"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!("    = replay: klab run {fail} --seed 0\n")),
            "{text}"
        );
        assert!(text.ends_with("\n1 passed, 1 failed\n"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
