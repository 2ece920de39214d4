//! `kubectl rollout status|history|undo` command lines against a fresh cluster: parsing and
//! kubectl's client-side checks, the errors for unsupported kinds and missing revisions,
//! and how `rollout status` ends when the rollout cannot finish (facts 101–103).

use super::{HistoryArgs, StatusArgs, UndoArgs};
use crate::cluster::{Cluster, ClusterConfig};
use crate::kubectl::command::{parse_line, Command, Targets};
use crate::kubectl::{run, Env};
use crate::sim::SimDuration;

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

fn k(c: &mut Cluster, line: &str) -> Result<String, String> {
    run(c, line, &Env::default())
}

fn ok(c: &mut Cluster, line: &str) -> String {
    k(c, line).unwrap_or_else(|e| panic!("`{line}` failed:\n{e}"))
}

fn err(c: &mut Cluster, line: &str) -> String {
    match k(c, line) {
        Ok(out) => panic!("`{line}` should fail, printed:\n{out}"),
        Err(e) => e,
    }
}

fn apply(c: &mut Cluster, yaml: &str) {
    let env = Env {
        stdin: Some(yaml.into()),
        ..Default::default()
    };
    run(c, "apply -f -", &env).unwrap();
}

fn ds_yaml(name: &str, strategy: &str, image: &str, cpu: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
spec:
  updateStrategy:
    type: {strategy}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: c
          image: {image}
          resources:
            requests:
              cpu: \"{cpu}\"
"
    )
}

fn targets(args: &[&str]) -> Targets {
    Targets {
        args: args.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn cmd(line: &str) -> Command {
    parse_line(line).unwrap().command
}

#[test]
fn rollout_subcommands_parse_their_flags() {
    assert_eq!(
        cmd("rollout status ds/x --watch=false --timeout=1m30s --revision=2"),
        Command::RolloutStatus(StatusArgs {
            targets: targets(&["ds/x"]),
            watch: false,
            revision: 2,
            timeout_ms: 90_000,
        })
    );
    assert_eq!(
        cmd("rollout status -w sts web"),
        Command::RolloutStatus(StatusArgs {
            targets: targets(&["sts", "web"]),
            watch: true,
            revision: 0,
            timeout_ms: 0,
        })
    );
    assert_eq!(
        cmd("rollout history ds/x --revision 3"),
        Command::RolloutHistory(HistoryArgs {
            targets: targets(&["ds/x"]),
            revision: 3,
        })
    );
    assert_eq!(
        cmd("rollout undo statefulset.apps/web --to-revision=1"),
        Command::RolloutUndo(UndoArgs {
            targets: targets(&["statefulset.apps/web"]),
            to_revision: 1,
        })
    );
    assert_eq!(
        parse_line("-n kube-system rollout status ds/x")
            .unwrap()
            .namespace
            .as_deref(),
        Some("kube-system")
    );
}

#[test]
fn rollout_client_side_checks_are_kubectls() {
    for (line, want) in [
        ("rollout restart", "error: required resource not specified"),
        ("rollout status", "error: required resource not specified"),
        ("rollout history", "error: required resource not specified"),
        ("rollout undo", "error: required resource not specified"),
        (
            "rollout status ds/x --revision=-1",
            "error: revision must be a positive integer: -1",
        ),
        (
            "rollout history ds/x --revision=-2",
            "error: revision must be a positive integer: -2",
        ),
        (
            "rollout undo ds/x --dry-run=client",
            "error: klab does not support the --dry-run flag of kubectl rollout undo",
        ),
        (
            "rollout history ds/x --output=yaml",
            "error: klab does not support the --output flag of kubectl rollout history",
        ),
    ] {
        assert_eq!(parse_line(line).unwrap_err(), want, "{line}");
    }
}

#[test]
fn kinds_without_rollouts_get_kubectls_errors() {
    let mut c = cluster();
    ok(&mut c, "create job j --image=busybox -- sleep 5");
    assert_eq!(
        err(&mut c, "rollout status job/j"),
        "error: no status viewer has been implemented for Job.batch"
    );
    assert_eq!(
        err(&mut c, "rollout history job/j"),
        "error: no history viewer has been implemented for \"Job.batch\""
    );
    assert_eq!(
        err(&mut c, "rollout undo job j"),
        "error: no rollbacker has been implemented for \"Job.batch\""
    );
    assert_eq!(
        err(&mut c, "rollout status node/node-1"),
        "error: no status viewer has been implemented for Node"
    );
    assert_eq!(
        err(&mut c, "rollout undo node/node-1"),
        "error: error retrieving rollbacker for \"Node\", no visitor method exists for { Node}"
    );
    assert_eq!(
        err(&mut c, "rollout history ds/missing"),
        "Error from server (NotFound): daemonsets.apps \"missing\" not found"
    );
}

#[test]
fn on_delete_daemon_set_has_no_rollout_status_fact_101() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("od", "OnDelete", "nginx:1.16", "10m"));
    assert_eq!(
        err(&mut c, "rollout status ds/od"),
        "error: rollout status is only available for RollingUpdate strategy type"
    );
}

#[test]
fn undo_errors_name_the_revision_fact_103() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("x", "RollingUpdate", "nginx:1.16", "10m"));
    assert_eq!(
        err(&mut c, "rollout undo ds/x"),
        "error: no last revision to roll back to"
    );
    assert_eq!(
        err(&mut c, "rollout undo ds/x --to-revision=7"),
        "error: unable to find specified revision 7 in history"
    );
    assert_eq!(
        err(&mut c, "rollout undo ds/x --to-revision=-1"),
        "error: unable to find specified revision -1 in history"
    );
    assert_eq!(
        ok(&mut c, "rollout undo ds/x --to-revision=1"),
        "daemonset.apps/x skipped rollback (current template already matches revision 1)\n"
    );
    assert_eq!(
        err(&mut c, "rollout history ds/x --revision=9"),
        "error: unable to find the specified revision"
    );
}

#[test]
fn undo_reuses_the_old_revision_with_the_next_number_fact_40_t6() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("x", "RollingUpdate", "nginx:1.16", "10m"));
    ok(&mut c, "set image ds/x c=nginx:1.17");
    assert_eq!(
        ok(&mut c, "rollout history ds/x"),
        "daemonset.apps/x \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        ok(&mut c, "rollout undo ds/x"),
        "daemonset.apps/x rolled back\n"
    );
    assert_eq!(
        ok(&mut c, "rollout history ds/x"),
        "daemonset.apps/x \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    );
    let image = c
        .world
        .store
        .get_named(crate::api::Kind::DaemonSet, "default", "x")
        .and_then(|o| o.daemon_set().cloned())
        .and_then(|d| d.spec)
        .and_then(|s| s.template.spec)
        .and_then(|s| s.containers[0].image.clone());
    assert_eq!(image.as_deref(), Some("nginx:1.16"));
    assert_eq!(
        c.world.store.count(crate::api::Kind::ControllerRevision),
        2,
        "no new revision"
    );
}

#[test]
fn status_timeout_runs_the_clock_to_the_deadline() {
    let mut c = cluster();
    // Asks for more CPU than a node has: the pods stay Pending and nothing is pending.
    apply(&mut c, &ds_yaml("big", "RollingUpdate", "nginx:1.16", "64"));
    let start = c.now();
    assert_eq!(
        err(&mut c, "rollout status ds/big --timeout=45s"),
        "Waiting for daemon set \"big\" rollout to finish: 0 of 3 updated pods are available...\nerror: timed out waiting for the condition"
    );
    assert_eq!(c.now() - start, SimDuration::from_secs(45));
}

#[test]
fn status_without_timeout_stops_when_nothing_can_change() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("big", "RollingUpdate", "nginx:1.16", "64"));
    let start = c.now();
    let e = err(&mut c, "rollout status ds/big");
    assert!(
        e.starts_with("Waiting for daemon set \"big\" rollout to finish: 0 of 3 updated pods are available...\nerror: klab stopped following the rollout of daemonset.apps/big at "),
        "{e}"
    );
    assert!(
        e.contains("nothing pending in the cluster can change it"),
        "{e}"
    );
    assert_eq!(c.now(), start);
}

#[test]
fn status_watch_false_prints_once_and_succeeds() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("big", "RollingUpdate", "nginx:1.16", "64"));
    assert_eq!(
        ok(&mut c, "rollout status ds/big --watch=false"),
        "Waiting for daemon set \"big\" rollout to finish: 0 of 3 updated pods are available...\n"
    );
}

#[test]
fn status_follows_a_rollout_to_the_end_fact_101() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("x", "RollingUpdate", "nginx:1.16", "10m"));
    ok(&mut c, "set image ds/x c=nginx:1.17");
    let out = ok(&mut c, "rollout status ds/x");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"daemon set \"x\" successfully rolled out")
    );
    assert!(lines.len() > 1, "{out}");
    // Each line differs from the one before it.
    assert!(lines.windows(2).all(|w| w[0] != w[1]), "{out}");
}

#[test]
fn status_refuses_several_objects() {
    let mut c = cluster();
    apply(&mut c, &ds_yaml("a", "RollingUpdate", "nginx:1.16", "10m"));
    apply(&mut c, &ds_yaml("b", "RollingUpdate", "nginx:1.16", "10m"));
    assert_eq!(
        err(&mut c, "rollout status ds"),
        "error: rollout status is only supported on individual resources and resource collections - 2 resources were found"
    );
}

#[test]
fn status_without_timeout_gives_up_after_an_hour_of_crash_loops() {
    let mut c = cluster();
    let yaml = ds_yaml("crash", "RollingUpdate", "busybox", "10m").replace(
        "image: busybox",
        "image: busybox\n          command: [\"sh\", \"-c\", \"exit 1\"]",
    );
    apply(&mut c, &yaml);
    let start = c.now();
    let e = err(&mut c, "rollout status ds/crash");
    assert!(
        e.contains("error: klab stopped following the rollout of daemonset.apps/crash at ")
            && e.contains(": the rollout has not finished after 1h of simulated time (kubectl would keep waiting; pass --timeout to bound the wait)"),
        "{e}"
    );
    assert!(c.now() - start <= SimDuration::from_secs(3600));
    assert!(c.now() - start > SimDuration::from_secs(3000));
}
