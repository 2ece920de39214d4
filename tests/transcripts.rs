//! What a learner sees, pinned: each script's and lesson's transcript with seed 0 is an
//! `insta` snapshot (`tests/snapshots/transcripts__<folder>__<file>.snap`), the same seed
//! prints byte-identical output twice, and another seed passes too.
//!
//! A new file has no snapshot yet: locally, `INSTA_UPDATE=always cargo test --test
//! transcripts` (or `cargo insta test --accept`) writes it; review it and commit it.
//! With `CI=true` insta never writes, so a missing or stale snapshot fails.

mod common;

use std::path::Path;

/// The snapshot name for a suite file: `scripts/core-pods.rhai` → `scripts__core-pods`.
fn snapshot_name(file: &Path) -> String {
    let stem = file.with_extension("");
    let parts: Vec<String> = stem
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    parts.join("__")
}

#[test]
fn transcripts_match_their_snapshots() {
    let mut failures = Vec::new();
    for file in common::suite_files() {
        let run = common::run(&file, 0);
        if let Some(failure) = run.failure {
            failures.push(format!(
                "{} failed:\n{}\n{failure}",
                file.display(),
                common::tail(&run.transcript, 20)
            ));
            continue;
        }
        let name = snapshot_name(&file);
        // One file's mismatch must not hide the others': collect, then report all.
        let transcript = run.transcript;
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::with_settings!({
                description => format!("klab run {} --seed 0", file.display()),
                omit_expression => true,
                prepend_module_to_snapshot => true,
            }, {
                insta::assert_snapshot!(name.as_str(), transcript);
            });
        }));
        if checked.is_err() {
            failures.push(format!(
                "{}: transcript differs from snapshot {name} (or it has none yet)",
                file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended: INSTA_UPDATE=always cargo test --test transcripts, \
         review `git diff tests/snapshots`, commit.",
        failures.join("\n\n")
    );
}

#[test]
fn the_same_seed_prints_byte_identical_output_twice() {
    let mut failures = Vec::new();
    for file in common::suite_files() {
        let first = common::run(&file, 0);
        let second = common::run(&file, 0);
        if first.transcript != second.transcript || first.failure != second.failure {
            let line = first
                .transcript
                .lines()
                .zip(second.transcript.lines())
                .position(|(a, b)| a != b)
                .map_or("at the end".to_string(), |n| format!("at line {}", n + 1));
            failures.push(format!("{}: the two runs differ {line}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn another_seed_passes_too() {
    // Scripts assert behaviour, not one seed's pod names or node picks.
    let mut failures = Vec::new();
    for file in common::suite_files() {
        let run = common::run(&file, 1);
        if let Some(failure) = run.failure {
            failures.push(format!(
                "{} failed with --seed 1:\n{}\n{failure}",
                file.display(),
                common::tail(&run.transcript, 20)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_transcript_snapshot_belongs_to_a_file() {
    // A renamed or deleted script must take its snapshot with it.
    let names: Vec<String> = common::suite_files()
        .iter()
        .map(|f| format!("transcripts__{}.snap", snapshot_name(f)))
        .collect();
    let dir = common::crate_root().join("tests/snapshots");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots exists") {
        let file = entry.unwrap().file_name().to_string_lossy().to_string();
        if file.starts_with("transcripts__") && file.ends_with(".snap") && !names.contains(&file) {
            orphans.push(file);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a script or lesson (delete them): {orphans:?}"
    );
}

#[test]
fn snapshot_names_keep_the_folder_and_file() {
    assert_eq!(
        snapshot_name(Path::new("scripts/core-pods.rhai")),
        "scripts__core-pods"
    );
    assert_eq!(
        snapshot_name(Path::new("lessons/5.5-daemonset.rhai")),
        "lessons__5_5-daemonset"
    );
}
