//! Every scenario script (`scripts/`) and lesson (`lessons/`) passes, as `klab test` runs
//! them: each in a fresh default cluster with seed 0.

mod common;

use klab::output::Output;
use klab::suite::{self, SuiteOptions};

#[test]
fn every_script_and_lesson_passes_with_seed_0() {
    let files = common::suite_files();
    let report = Output::capture();
    let options = SuiteOptions {
        seed: 0,
        limits: Default::default(),
        timing: false,
        allow_read: Vec::new(),
    };
    let summary = suite::run(&files, &options, &report);
    // The report holds one line per file and, for each failing file, its transcript
    // tail and the error with file:line:col — what `klab test scripts lessons` prints.
    assert_eq!(summary.failed, 0, "failing files:\n{}", report.transcript());
    assert_eq!(summary.passed, files.len());
}

#[test]
fn the_suite_folders_are_not_empty() {
    // Guards the test above: an empty scripts/ would otherwise pass it.
    let files = common::suite_files();
    assert!(files.iter().any(|f| f.starts_with("scripts")), "{files:?}");
}

#[test]
fn klab_test_passes_on_the_repository_suite() {
    // The binary as CI and users run it: `klab test scripts lessons`, exit 0.
    let dirs: Vec<&str> = common::SUITE_DIRS
        .iter()
        .copied()
        .filter(|d| common::crate_root().join(d).is_dir())
        .collect();
    let assert = assert_cmd::Command::cargo_bin("klab")
        .expect("the klab binary is built")
        .current_dir(common::crate_root())
        .arg("test")
        .args(&dirs)
        .assert();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let files = common::suite_files().len();
    assert!(
        out.ends_with(&format!("{files} passed, 0 failed\n")),
        "{out}"
    );
    assert.success();
}
