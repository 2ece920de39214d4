//! The `klab` command as users run it: arguments, output and exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn klab() -> Command {
    Command::cargo_bin("klab").expect("the klab binary is built")
}

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("klab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn version_prints_the_crate_version() {
    klab()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("klab {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_documents_exit_codes_and_limits() {
    klab()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("2  usage error"))
        .stdout(predicate::str::contains("operations per script"));
}

#[test]
fn run_prints_a_kubectl_table_with_the_lesson_prose() {
    let dir = scratch("table");
    let file = write(
        &dir,
        "nodes.rhai",
        "//! The nodes:\nadvance(\"90s\");\nkubectl(\"get nodes\");\n",
    );
    klab().arg("run").arg(&file).assert().success().stdout(
        "The nodes:\n\n\
         NAME     STATUS   ROLES    AGE   VERSION\n\
         node-1   Ready    <none>   90s   v1.32.0\n\
         node-2   Ready    <none>   90s   v1.32.0\n\
         node-3   Ready    <none>   90s   v1.32.0\n",
    );
}

#[test]
fn run_quiet_prints_nothing_but_errors() {
    let dir = scratch("quiet");
    let file = write(&dir, "a.rhai", "//! prose\nprint(\"hello\");\n");
    klab()
        .args(["run", "--quiet"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let file = write(
        &dir,
        "b.rhai",
        "print(\"hello\");\nassert(false, \"nope\");\n",
    );
    klab()
        .args(["run", "--quiet"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: assertion failed: nope\n",
        ));
}

#[test]
fn test_reports_each_file_and_the_counts_and_fails_on_any_failure() {
    let dir = scratch("suite");
    write(
        &dir,
        "a_pass.rhai",
        "advance(\"1m\");\nassert_eq(elapsed(), 60);\n",
    );
    write(
        &dir,
        "sub/b_fail.rhai",
        "print(\"so far so good\");\nassert_eq(elapsed(), 60, \"a minute passed\");\n",
    );
    write(&dir, "notes.md", "not a script");
    let pass = dir.join("a_pass.rhai").display().to_string();
    let fail = dir.join("sub/b_fail.rhai").display().to_string();
    let assert = klab().arg("test").arg(&dir).assert().code(1);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let expected = format!(
        "ok   {pass}\n\
         FAIL {fail}\n    so far so good\n\n\
         \x20   error: assert_eq failed: a minute passed\n\
         \x20     actual:   0\n\
         \x20     expected: 60\n\
         \x20    --> {fail}:2:1\n\
         \x20     |\n\
         \x20   2 | assert_eq(elapsed(), 60, \"a minute passed\");\n\
         \x20     | ^\n\
         \x20     = simulated time: 2026-01-01T00:00:00Z (0s after start)\n\
         \x20     = replay: klab run {fail} --seed 0\n\
         1 passed, 1 failed\n"
    );
    assert_eq!(stdout, expected);
}

#[test]
fn test_passes_with_exit_zero_when_every_file_passes() {
    let dir = scratch("suite-ok");
    write(&dir, "one.rhai", "assert(true);\n");
    klab()
        .arg("test")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("1 passed, 0 failed\n"));
}

#[test]
fn a_syntax_error_shows_line_column_and_caret() {
    let dir = scratch("syntax");
    let file = write(&dir, "bad.rhai", "let a = 1;\nlet b = (a + ;\n");
    let shown = file.display().to_string();
    klab().arg("run").arg(&file).assert().code(1).stdout("").stderr(format!(
        "error: syntax error: Unexpected ';'\n --> {shown}:2:14\n  |\n2 | let b = (a + ;\n  |              ^\n"
    ));
}

#[test]
fn an_endless_loop_ends_at_the_operation_limit() {
    let dir = scratch("loop");
    let file = write(&dir, "loop.rhai", "let i = 0;\nloop {\n    i += 1;\n}\n");
    klab()
        .args(["run", "--max-operations", "100000"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: operation limit reached: the script ran more than 100000 operations (an endless loop?)",
        ))
        .stderr(predicate::str::contains(format!("{}:", file.display())));
}

#[test]
fn a_wait_for_timeout_says_what_and_when() {
    let dir = scratch("wait");
    let file = write(
        &dir,
        "wait.rhai",
        "advance(\"1m\");\nwait_for(|| get(\"pod\", \"web\") != (), \"5m\");\n",
    );
    klab().args(["run", "--seed", "7"]).arg(&file).assert().code(1).stderr(
        predicate::str::starts_with(
            "error: wait_for: timed out after 5m: the condition was still false at 2026-01-01T00:06:00Z\n",
        )
        .and(predicate::str::contains("= simulated time: 2026-01-01T00:06:00Z (6m after start)\n"))
        .and(predicate::str::contains(format!("= replay: klab run {} --seed 7\n", file.display()))),
    );
}

#[test]
fn usage_errors_exit_with_two() {
    klab().arg("--frobnicate").assert().code(2);
    klab()
        .args(["run", "/nonexistent/klab/x.rhai"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    klab().args(["test", "/nonexistent/klab"]).assert().code(2);
    klab().arg("run").assert().code(2);
}

#[test]
fn run_stops_at_the_first_failing_file() {
    let dir = scratch("stop");
    let a = write(&dir, "a.rhai", "throw \"first\";\n");
    let b = write(&dir, "b.rhai", "print(\"second ran\");\n");
    klab()
        .arg("run")
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("error: first"));
}

#[test]
fn the_repl_evaluates_rhai_and_keeps_variables_between_lines() {
    klab()
        .write_stdin("let x = 20;\nif x > 1 {\n  x = x * 2;\n}\nx + 2\n:quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("42\n"));
}

#[test]
fn the_script_api_scenario_without_kubectl_passes() {
    klab()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["test", "scripts/script-api-cluster-and-time.rhai"])
        .assert()
        .success()
        .stdout("ok   scripts/script-api-cluster-and-time.rhai\n1 passed, 0 failed\n");
}

#[test]
fn run_step_without_a_terminal_does_not_pause() {
    let dir = scratch("step");
    let file = write(
        &dir,
        "steps.rhai",
        "//! # One\nprint(\"one ran\");\n//! Two\nprint(\"two ran\");\n",
    );
    let plain = klab().arg("run").arg(&file).assert().success();
    let expected = String::from_utf8(plain.get_output().stdout.clone()).unwrap();
    // Keys on a pipe are not a learner: `q` is ignored, every cell runs, no prompt shows.
    klab()
        .args(["run", "--step"])
        .arg(&file)
        .write_stdin("q\n\nr\n")
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
}

#[test]
fn help_describes_the_run_options_and_lessons() {
    let run_help = klab().args(["run", "--help"]).assert().success();
    let text = String::from_utf8(run_help.get_output().stdout.clone()).unwrap();
    for option in [
        "--step",
        "--then-repl",
        "--timeline",
        "--html <PAGE>",
        "--plain",
    ] {
        assert!(
            text.contains(option),
            "klab run --help lacks {option}:\n{text}"
        );
    }
    klab()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("lessons"))
        .stdout(predicate::str::contains("run"));
}
