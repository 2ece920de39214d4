//! Randomized simulation testing (issue 10): a fixed set of chaos seeds must hold every
//! invariant, run deterministically, and generate only valid ops. The long sweep is
//! `klab chaos --seeds 0..5000` in a release build (README, Tests).

use klab::chaos::{self, invariants::Violation, ops::Op, repro, Position};

/// CI's seeds: quick in a debug build.
const SEEDS: std::ops::Range<u64> = 0..50;
const STEPS: usize = 12;

#[test]
fn fixed_chaos_seeds_hold_every_invariant_and_replay_identically() {
    let mut out = Vec::new();
    let ok = chaos::sweep(SEEDS, STEPS, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(ok, "{text}");
    assert!(text.ends_with("50 passed, 0 failed\n"), "{text}");
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    let a = chaos::execute(&chaos::generator::scenario(3, 8));
    let b = chaos::execute(&chaos::generator::scenario(3, 8));
    let c = chaos::execute(&chaos::generator::scenario(4, 8));
    assert_eq!(a.hash, b.hash);
    assert_ne!(a.hash, c.hash);
}

#[test]
fn seeds_parse_as_a_half_open_range_or_one_seed() {
    assert_eq!(chaos::parse_seeds("5..9"), Ok(5..9));
    assert_eq!(chaos::parse_seeds("7"), Ok(7..8));
    assert!(chaos::parse_seeds("9..5").is_err());
    assert!(chaos::parse_seeds("x").is_err());
}

/// A DaemonSet whose pods all run on node-1 would break "one pod per node"; a hand-made
/// violation shows the repro script is a runnable `klab` script that fails at the end.
#[test]
fn a_rendered_repro_is_a_script_that_fails_with_its_assertion() {
    let ops = vec![Op::Cluster { seed: 1, nodes: 2 }, Op::Advance { ms: 1000 }];
    let v = Violation {
        invariant: "example",
        message: "an example".into(),
        before: Some("let n_before = pods().len();".into()),
        assert: "assert(pods().len() > n_before, \"no pod appeared\");".into(),
    };
    let p = Position {
        op: 1,
        clean_ms: 400,
        at_ms: 1000,
    };
    let script = repro::render(1, &ops, &v, &p);
    assert!(
        script.contains("cluster(#{seed: 1, nodes: 2});"),
        "{script}"
    );
    assert!(
        script.contains("advance(\"400ms\");\nlet n_before"),
        "{script}"
    );
    assert!(script.contains("advance(\"600ms\");"), "{script}");
    let mut s = klab::script::Session::new(klab::script::SessionOptions::new(
        0,
        std::env::temp_dir(),
        klab::output::Output::capture(),
    ));
    let err = s.run("r.rhai", &script).unwrap_err().to_string();
    assert!(err.contains("no pod appeared"), "{err}");
}
