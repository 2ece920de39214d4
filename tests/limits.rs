//! Limits (issue 10): hostile or careless input ends with a clear message in bounded time
//! and memory. Each test is fast in a debug build; `bounded` fails any that is not.

use klab::cluster::{Cluster, ClusterConfig};
use klab::kubectl::Env;
use klab::output::Output;
use klab::script::{ScriptLimits, Session, SessionOptions};
use std::time::{Duration, Instant};

/// Runs `f`, failing if it takes longer than a few seconds (debug build, shared machine).
#[allow(clippy::disallowed_methods)] // wall time measures the test itself, not the simulation
fn bounded<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let r = f();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "{what} took {took:?}");
    r
}

fn session() -> Session {
    let mut options = SessionOptions::new(0, std::env::temp_dir(), Output::capture());
    options.limits = ScriptLimits {
        max_operations: 1_000_000,
        ..ScriptLimits::default()
    };
    Session::new(options)
}

fn script_error(code: &str) -> String {
    bounded(code, || match session().run("t.rhai", code) {
        Ok(v) => panic!("{code} succeeded with {v:?}"),
        Err(f) => f.to_string(),
    })
}

fn apply(yaml: &str) -> Result<String, String> {
    let mut c = Cluster::new(ClusterConfig::default());
    let env = Env {
        stdin: Some(yaml.to_string()),
        ..Env::default()
    };
    klab::kubectl::run(&mut c, "apply -f -", &env)
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

#[test]
fn deeply_nested_yaml_is_refused_without_overflowing_the_stack() {
    for depth in [200, 100_000] {
        let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let err = bounded("nested flow", || apply(&flow)).unwrap_err();
        assert!(err.contains("error"), "{err}");
        let block: String = (0..depth.min(5000))
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        let err = bounded("nested block", || apply(&block)).unwrap_err();
        assert!(err.contains("error"), "{err}");
    }
}

#[test]
fn alias_bombs_are_refused() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("a{}", i - 1)
        };
        yaml.push_str(&format!(
            "a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let err = bounded("alias bomb", || apply(&yaml)).unwrap_err();
    assert!(err.contains("error"), "{err}");
}

#[test]
fn thousands_of_documents_are_applied_or_refused_in_bounded_time() {
    let docs: String = (0..3000).map(|i| format!("---\n# empty {i}\n")).collect();
    let _ = bounded("3000 empty documents", || apply(&docs));
    let pods: String = (0..300)
        .map(|i| format!("---\n{}", POD.replace("NAME", &format!("p{i}"))))
        .collect();
    let out = bounded("300 pods", || apply(&pods)).unwrap();
    assert_eq!(out.lines().count(), 300);
}

#[test]
fn very_long_names_and_labels_are_refused_with_the_api_servers_message() {
    let long = "a".repeat(100_000);
    let err = bounded("long name", || apply(&POD.replace("NAME", &long))).unwrap_err();
    assert!(err.contains("must be no more than 253 characters"), "{err}");
    let labelled = POD.replace(
        "name: NAME\n",
        &format!("name: p\n  labels:\n    k: {}\n", "v".repeat(70_000)),
    );
    let err = bounded("long label", || apply(&labelled)).unwrap_err();
    assert!(err.contains("must be no more than 63 characters"), "{err}");
    let mut c = Cluster::new(ClusterConfig::default());
    let err = bounded("long kubectl line", || {
        klab::kubectl::run(&mut c, &format!("get pod {long}"), &Env::default())
    })
    .unwrap_err();
    assert!(err.contains("NotFound"), "{}", &err[..200.min(err.len())]);
}

#[test]
fn unicode_is_refused_in_names_and_kept_in_annotations() {
    let err = apply(&POD.replace("NAME", "파드")).unwrap_err();
    assert!(err.contains("a lowercase RFC 1123 subdomain"), "{err}");
    let annotated = POD.replace(
        "name: NAME\n",
        "name: p\n  annotations:\n    note: \"héllo 파드 🚀\"\n",
    );
    apply(&annotated).unwrap();
    let mut c = Cluster::new(ClusterConfig::default());
    for line in [
        "get pod 파드",
        "get 🚀",
        "describe pod é",
        "label pod x 키=값",
    ] {
        let r = bounded(line, || klab::kubectl::run(&mut c, line, &Env::default()));
        assert!(r.is_err(), "{line}: {r:?}");
    }
    let out = script_error("assert_eq(\"파드\", \"pod\");");
    assert!(out.contains("파드"), "{out}");
}

#[test]
fn an_endless_script_loop_stops_at_the_operation_limit() {
    let err = script_error("loop { let x = 1; }");
    assert!(err.contains("operation"), "{err}");
}

#[test]
fn unbounded_allocation_stops_at_the_size_limits() {
    let err = script_error("let s = \"x\"; loop { s += s; }");
    assert!(
        err.to_lowercase().contains("too large") || err.contains("limit"),
        "{err}"
    );
    let err = script_error("let a = []; loop { a.push(1); }");
    assert!(
        err.to_lowercase().contains("too large") || err.contains("limit"),
        "{err}"
    );
    let err = script_error("let a = [1]; loop { a += a; }");
    assert!(
        err.to_lowercase().contains("too large") || err.contains("limit"),
        "{err}"
    );
}

#[test]
fn advancing_a_century_on_an_idle_cluster_is_fast() {
    let mut s = session();
    bounded("advance 36500d", || {
        let _ = s.run("t.rhai", "advance(\"36500d\");").unwrap();
    });
    assert_eq!(s.elapsed().secs(), 36500 * 86400);
}

#[test]
fn advancing_a_century_on_a_busy_cluster_hits_the_instant_limit() {
    let mut s = session();
    s.with_cluster(|c| c.limits.instants_per_call = 20);
    let err = script_error_in(
        &mut s,
        // A container that wakes every second keeps the cluster busy.
        "apply(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: busy\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'while true; do sleep 1; done']\n`); advance(\"36500d\");",
    );
    assert!(err.contains("instants_per_call"), "{err}");
}

/// A container that loops without ever waiting (`while true; do true; done`) must not hang
/// `advance`: the shell stops after its per-step operation budget, klab says so in a
/// Warning event, and the container counts as running until stopped — so a century passes
/// at once with the default limits.
#[test]
fn a_container_looping_without_waiting_does_not_hang_advance_over_a_century() {
    let mut s = session();
    let out = bounded("busy loop, 36500d", || {
        s.run(
            "t.rhai",
            "apply(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: spin\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'while true; do true; done']\n`);\n\
             advance(\"10s\");\n\
             let warned = events(\"pod/spin\").filter(|e| e.reason == \"NotSimulated\").map(|e| e.message);\n\
             advance(\"36500d\");\n\
             [get(\"pod\", \"spin\").status.phase, warned]",
        )
        .unwrap()
    });
    let text = format!("{out:?}");
    assert!(text.contains("Running"), "{text}");
    assert!(text.contains("a loop that never waits"), "{text}");
    assert_eq!(s.elapsed().secs(), 36500 * 86400 + 10);
}

#[test]
fn advancing_beyond_the_longest_span_is_refused() {
    let err = script_error("advance(\"10000000d\");");
    assert!(err.contains("at most"), "{err}");
    let err = script_error(&format!("advance({});", i64::MAX));
    assert!(err.contains("at most"), "{err}");
}

#[test]
fn wait_for_with_a_huge_timeout_is_bounded() {
    let err = script_error("wait_for(|| false, \"36500d\");");
    assert!(err.contains("timed out"), "{err}");
    let err = script_error("wait_for(|| false, \"10000000d\");");
    assert!(err.contains("at most"), "{err}");
}

fn script_error_in(s: &mut Session, code: &str) -> String {
    bounded(code, || match s.run("t.rhai", code) {
        Ok(v) => panic!("{code} succeeded with {v:?}"),
        Err(f) => f.to_string(),
    })
}
