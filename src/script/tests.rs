//! Session-level tests of the script API that need no kubectl: they read the store directly.

use super::*;

fn session() -> Session {
    let mut options = SessionOptions::new(0, std::env::temp_dir(), Output::capture());
    options.limits.max_operations = 200_000;
    Session::new(options)
}

fn run_ok(source: &str) -> Session {
    let mut s = session();
    if let Err(f) = s.run("t.rhai", source) {
        panic!("script failed:\n{f}");
    }
    s
}

fn run_err(source: &str) -> Failure {
    session()
        .run("t.rhai", source)
        .expect_err("the script should fail")
}

#[test]
fn a_fresh_session_has_the_default_three_nodes_and_starts_at_the_default_time() {
    run_ok(
        r#"
        let nodes = list("nodes");
        assert_eq(nodes.len(), 3);
        assert_eq(nodes.map(|n| n.metadata.name), ["node-1", "node-2", "node-3"]);
        assert_eq(now(), "2026-01-01T00:00:00Z");
        assert_eq(elapsed(), 0);
        "#,
    );
}

#[test]
fn cluster_replaces_the_cluster_with_named_nodes_a_seed_and_a_start() {
    run_ok(
        r#"
        add_node("extra");
        cluster(#{nodes: ["a", "b"], seed: 7, start: "2026-03-01T09:00:00Z"});
        assert_eq(list("no").map(|n| n.metadata.name), ["a", "b"]);
        assert_eq(now(), "2026-03-01T09:00:00Z");
        cluster(#{nodes: 1});
        assert_eq(list("node").len(), 1);
        assert_eq(get("node", "node-1").metadata.name, "node-1");
        assert_eq(now(), "2026-01-01T00:00:00Z");
        "#,
    );
}

#[test]
fn cluster_options_are_checked() {
    let f = run_err(r#"cluster(#{nodez: 2});"#);
    assert!(
        f.message
            .contains("unknown option `nodez` (known: nodes, seed, start)"),
        "{f}"
    );
    let f = run_err(r#"cluster(#{nodes: ["a", "a"]});"#);
    assert!(f.message.contains("named twice"), "{f}");
    let f = run_err(r#"cluster(#{nodes: ["Bad_Name"]});"#);
    assert!(f.message.contains("invalid"), "{f}");
    let f = run_err(r#"cluster(#{start: "yesterday"});"#);
    assert!(f.message.contains("invalid time"), "{f}");
}

#[test]
fn add_node_sets_labels_taints_and_capacity() {
    run_ok(
        r#"
        add_node("gpu-1", #{labels: #{accelerator: "gpu"}, taints: ["gpu=true:NoSchedule"], cpu: "16", memory: "64Gi"});
        let n = get("no", "gpu-1");
        assert_eq(n.metadata.labels.accelerator, "gpu");
        assert_eq(n.metadata.labels["kubernetes.io/hostname"], "gpu-1");
        assert_eq(n.spec.taints[0].key, "gpu");
        assert_eq(n.spec.taints[0].effect, "NoSchedule");
        assert_eq(n.status.capacity.cpu, "16");
        assert_eq(n.status.capacity.memory, "64Gi");
        expect_error(|| add_node("gpu-1"), "already exists");
        expect_error(|| add_node("x", #{taints: ["novalue"]}), "effect is missing");
        expect_error(|| add_node("x", #{cpu: "lots"}), "cpu");
        remove_node("gpu-1");
        assert_eq(get("node", "gpu-1"), ());
        "#,
    );
}

#[test]
fn get_returns_unit_for_a_missing_object_and_kinds_take_kubectl_names() {
    run_ok(
        r#"
        assert_eq(get("pod", "nope"), ());
        assert_eq(get("sc", "standard").provisioner, "klab.dev/simulated");
        assert_eq(get("storageclass.storage.k8s.io", "standard").kind, "StorageClass");
        assert_eq(pods(), []);
        assert_eq(list("nodes", "kubernetes.io/hostname=node-2").len(), 1);
        assert_eq(list("nodes", "kubernetes.io/hostname notin (node-2)").len(), 2);
        expect_error(|| get("deployments", "x"), "doesn't have a resource type \"deployments\"");
        "#,
    );
}

#[test]
fn events_come_as_maps_and_filter_by_kubectl_kind_names() {
    run_ok(
        r#"
        let all = events();
        assert(all.len() >= 3, "one RegisteredNode event per node");
        let e = events("no/node-2");
        assert_eq(e.len(), 1);
        assert_eq(e[0], #{type: "Normal", reason: "RegisteredNode",
            message: "Node node-2 event: Registered Node node-2 in Controller",
            object: "node/node-2", time: "2026-01-01T00:00:00Z"});
        assert_eq(events(get("node", "node-3"))[0].object, "node/node-3");
        assert_eq(events("nodes").len(), 3);
        "#,
    );
}

#[test]
fn time_moves_only_when_the_script_says_so() {
    run_ok(
        r#"
        advance("90s");
        assert_eq(elapsed(), 90);
        assert_eq(now(), "2026-01-01T00:01:30Z");
        advance(30);
        assert_eq(now(), "2026-01-01T00:02:00Z");
        let moved = settle();
        assert(moved >= 0 && moved <= 3600);
        expect_error(|| advance("-5s"), "must not be negative");
        expect_error(|| advance("soon"), "invalid duration");
        expect_error(|| advance(true), "expected a duration");
        "#,
    );
}

#[test]
fn wait_for_returns_the_seconds_waited() {
    run_ok(
        r#"
        let start = elapsed();
        let waited = wait_for(|| elapsed() >= start, "1m");
        assert_eq(waited, 0);
        "#,
    );
}

#[test]
fn wait_for_times_out_with_a_clear_message_and_the_clock_at_the_deadline() {
    let f = run_err("wait_for(|| false, \"5m\");");
    assert_eq!(
        f.message,
        "wait_for: timed out after 5m: the condition was still false at 2026-01-01T00:05:00Z"
    );
    assert_eq!(f.time.unwrap().1, crate::sim::SimDuration::from_secs(300));
}

#[test]
fn wait_for_wants_a_boolean() {
    let f = run_err("wait_for(|| 1, 10);");
    assert!(f.message.contains("returned i64, not true or false"), "{f}");
}

#[test]
fn assert_eq_shows_both_values_and_the_place() {
    let f = run_err("let n = 2;\nassert_eq(n, 3, \"three replicas\");\n");
    assert_eq!(
        f.message,
        "assert_eq failed: three replicas\n  actual:   2\n  expected: 3"
    );
    let loc = f.location.clone().unwrap();
    assert_eq!((loc.file.as_str(), loc.line, loc.column), ("t.rhai", 2, 1));
    assert_eq!(f.replay.as_deref(), Some("klab run t.rhai --seed 0"));
    let text = f.to_string();
    assert!(
        text.contains("2 | assert_eq(n, 3, \"three replicas\");\n  | ^\n"),
        "{text}"
    );
    assert!(
        text.contains("simulated time: 2026-01-01T00:00:00Z (0s after start)"),
        "{text}"
    );
}

#[test]
fn assert_ne_and_assert_fail_with_their_messages() {
    let f = run_err(r#"assert_ne("a", "a");"#);
    assert_eq!(f.message, "assert_ne failed\n  both are: \"a\"");
    let f = run_err(r#"assert(1 > 2, "one is not more than two");"#);
    assert_eq!(f.message, "assertion failed: one is not more than two");
    let f = run_err(r#"assert(1);"#);
    assert!(f.message.contains("not true or false"), "{f}");
    run_ok("assert_eq(1, 1.0); assert_eq(#{a: [1, 2]}, #{a: [1, 2]}); assert_ne([1], [2]);");
}

#[test]
fn expect_error_returns_the_message_and_fails_when_nothing_is_thrown() {
    run_ok(r#"let m = expect_error(|| throw "boom: no", "boom"); assert_eq(m, "boom: no");"#);
    let f = run_err(r#"expect_error(|| 42, "boom");"#);
    assert!(f.message.contains("but the closure returned 42"), "{f}");
    let f = run_err(r#"expect_error(|| throw "other", "boom");"#);
    assert!(
        f.message
            .contains("does not contain \"boom\"\n  error: other"),
        "{f}"
    );
}

#[test]
fn expect_error_does_not_swallow_the_operation_limit() {
    let f = run_err("expect_error(|| { loop {} }, \"x\");");
    assert!(f.message.starts_with("operation limit reached"), "{f}");
}

#[test]
fn an_endless_loop_stops_at_the_operation_limit_with_a_clear_message() {
    let f = run_err("let i = 0;\nloop { i += 1; }\n");
    assert!(
        f.message
            .starts_with("operation limit reached: the script ran more than 200000 operations"),
        "{f}"
    );
    assert_eq!(f.location.unwrap().line, 2);
}

#[test]
fn errors_inside_functions_point_inside_and_list_the_calls() {
    let f = run_err("fn check(n) {\n  assert(n > 5, \"small\");\n}\ncheck(1);\n");
    assert_eq!(f.message, "assertion failed: small");
    assert_eq!(f.location.unwrap().line, 2);
    assert_eq!(
        f.trace,
        vec!["in function 'check' called at line 4".to_string()]
    );
}

#[test]
fn syntax_errors_carry_line_column_and_no_time() {
    let f = run_err("let a = 1;\nlet b = ;\n");
    assert!(f.message.starts_with("syntax error:"), "{f}");
    let loc = f.location.unwrap();
    assert_eq!((loc.line, loc.column), (2, 9));
    assert!(f.time.is_none());
}

#[test]
fn lessons_print_prose_before_the_output_of_their_cells() {
    let s = run_ok("//! # Lesson\n//! Intro.\nprint(\"one\");\n//! Second cell\nlet x = 2;\nprint(`two ${x}`);\n");
    assert_eq!(
        s.output().transcript(),
        "# Lesson\nIntro.\n\none\n\nSecond cell\n\ntwo 2\n"
    );
}

#[test]
fn prose_inside_an_expression_is_reported_where_it_stands() {
    let f = run_err("let a = [1,\n//! prose\n2];\n");
    assert!(f.message.contains("prose block"), "{f}");
    assert_eq!(f.location.unwrap().line, 2);
}

#[test]
fn variables_flow_between_cells_and_repl_inputs() {
    let mut s = session();
    let _ = s.eval_input("let x = 40; fn add(a) { a + 2 }").unwrap();
    let v = s.eval_input("add(x)").unwrap();
    assert_eq!(v.as_int(), Ok(42));
    s.reset();
    assert!(s.eval_input("x").is_err());
}

#[test]
fn unfinished_input_is_recognised_for_multi_line_entry() {
    let engine = rhai::Engine::new();
    for open in [
        "if true {",
        "let x = [1,\n2",
        "fn f(a,",
        "let y = `yaml:\n  a: 1",
        "let z = (1 +",
    ] {
        assert!(is_incomplete(&engine, open), "{open:?} is unfinished");
    }
    for done in [
        "let x = 1",
        "let a = 1\nlet b = 2;",
        "let s = \"open",
        "1 +* 2",
        "}",
    ] {
        assert!(
            !is_incomplete(&engine, done),
            "{done:?} is complete (or wrong)"
        );
    }
}

#[test]
fn print_goes_to_the_session_output() {
    let s = run_ok("print(\"hello\"); debug(1);");
    assert_eq!(s.output().transcript(), "hello\n1\n");
}

#[test]
fn sleep_says_time_is_simulated() {
    let f = run_err("sleep(1);");
    assert!(f.message.contains("time in klab is simulated"), "{f}");
}

#[test]
fn schedule_next_lists_fire_times_strictly_after_the_given_time() {
    run_ok(
        r#"
        assert_eq(schedule_next("*/5 * * * *", "2026-01-01T00:00:00Z", 3),
            ["2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z"]);
        assert_eq(schedule_next("0 9 * * *", "2026-01-01T00:00:00Z", 1, "Asia/Seoul"), ["2026-01-02T00:00:00Z"]);
        assert_eq(schedule_next("@hourly", "2026-01-01T00:30:00Z", 0), []);
        "#,
    );
}

#[test]
fn schedule_next_throws_the_api_servers_validation_error() {
    let f = run_err(r#"schedule_next("*/0 * * * *", "2026-01-01T00:00:00Z", 1);"#);
    assert_eq!(f.message, "spec.schedule: Invalid value: \"*/0 * * * *\": step of range should be a positive number: */0");
    let f = run_err(r#"schedule_next("* * * * *", "2026-01-01T00:00:00Z", 1, "Mars/Phobos");"#);
    assert_eq!(
        f.message,
        "spec.timeZone: Invalid value: \"Mars/Phobos\": unknown time zone Mars/Phobos"
    );
}

#[test]
fn defined_images_survive_a_new_cluster_in_their_order() {
    let s = run_ok(
        r#"
        define_image("a:*", #{run: "30s", exit: 1});
        define_image("b:*", #{run: ()});
        cluster(#{nodes: 1});
        expect_error(|| define_image("c:*", #{colour: "red"}), "unknown option");
        expect_error(|| kill("web", "app", 300), "0-255");
        "#,
    );
    let patterns: Vec<String> = s.with_cluster(|c| {
        c.world
            .runtime
            .images
            .iter()
            .map(|r| r.pattern.clone())
            .collect()
    });
    assert_eq!(patterns, ["b:*", "a:*"]);
}
