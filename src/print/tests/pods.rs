//! `kubectl get pods`: READY, STATUS, RESTARTS and the table (facts 87–92). Expected values
//! follow k/k `pkg/printers/internalversion/printers.go` `printPod` (1.32).

use super::fixtures::*;
use crate::print::{self, columns::pod::summarize, GetOptions, PodSummary};
use k8s_openapi::api::core::v1::{Container, ContainerStatus, PodReadinessGate};

fn summary(ready: &str, status: &str, restarts: &str) -> PodSummary {
    PodSummary {
        ready: ready.into(),
        status: status.into(),
        restarts: restarts.into(),
    }
}

#[test]
fn pending_then_container_creating_then_running_fact_90() {
    let p = pod("web-0");
    assert_eq!(summarize(&p, at(5)), summary("0/1", "Pending", "0"));
    let p = with_statuses(
        on_node(pod("web-0"), "node-1", ""),
        "Pending",
        vec![waiting("c", "ContainerCreating")],
    );
    assert_eq!(
        summarize(&p, at(5)),
        summary("0/1", "ContainerCreating", "0")
    );
    let p = with_statuses(
        on_node(pod("web-0"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", false, 2)],
    );
    assert_eq!(summarize(&p, at(5)), summary("0/1", "Running", "0"));
    let p = with_statuses(
        on_node(pod("web-0"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 2)],
    );
    assert_eq!(summarize(&p, at(5)), summary("1/1", "Running", "0"));
}

#[test]
fn crash_loop_shows_restarts_with_time_since_last_finish_fact_92() {
    let p = with_statuses(
        on_node(pod("crash"), "node-1", "10.244.1.2"),
        "Running",
        vec![crash_looping("c", 3, 255)],
    );
    assert_eq!(
        summarize(&p, at(300)),
        summary("0/1", "CrashLoopBackOff", "3 (45s ago)")
    );
}

#[test]
fn terminated_without_reason_shows_exit_code_or_signal_fact_89() {
    let p = with_statuses(pod("x"), "Failed", vec![terminated("c", None, 2, 1, 3)]);
    assert_eq!(summarize(&p, at(10)).status, "ExitCode:2");
    let mut st = terminated("c", None, 137, 1, 3);
    st.state
        .as_mut()
        .unwrap()
        .terminated
        .as_mut()
        .unwrap()
        .signal = Some(9);
    let p = with_statuses(pod("x"), "Failed", vec![st]);
    assert_eq!(summarize(&p, at(10)).status, "Signal:9");
    let p = with_statuses(
        pod("x"),
        "Failed",
        vec![terminated("c", Some("Error"), 1, 1, 3)],
    );
    assert_eq!(summarize(&p, at(10)).status, "Error");
    let p = with_statuses(
        pod("x"),
        "Succeeded",
        vec![terminated("c", Some("Completed"), 0, 1, 3)],
    );
    assert_eq!(summarize(&p, at(10)), summary("0/1", "Completed", "0"));
}

fn two_containers() -> k8s_openapi::api::core::v1::Pod {
    let mut p = pod("two");
    p.spec.as_mut().unwrap().containers.push(Container {
        name: "d".into(),
        image: Some("busybox".into()),
        ..Default::default()
    });
    p
}

#[test]
fn the_first_container_with_a_reason_wins_fact_89() {
    // Statuses are scanned from last to first, each overwriting the reason.
    let p = with_statuses(
        two_containers(),
        "Pending",
        vec![
            waiting("c", "ImagePullBackOff"),
            waiting("d", "ContainerCreating"),
        ],
    );
    assert_eq!(summarize(&p, at(1)).status, "ImagePullBackOff");
}

#[test]
fn completed_next_to_a_running_container_is_running_or_not_ready_fact_89() {
    let statuses = vec![
        terminated("c", Some("Completed"), 0, 1, 3),
        running("d", true, 1),
    ];
    let p = with_conditions(
        with_statuses(two_containers(), "Running", statuses.clone()),
        &[("Ready", "True")],
    );
    assert_eq!(summarize(&p, at(10)), summary("1/2", "Running", "0"));
    let p = with_conditions(
        with_statuses(two_containers(), "Running", statuses),
        &[("Ready", "False")],
    );
    assert_eq!(summarize(&p, at(10)).status, "NotReady");
}

#[test]
fn deletion_shows_terminating_unless_terminal_fact_85_89() {
    let mut p = with_statuses(
        on_node(pod("web-0"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 1)],
    );
    p.metadata.deletion_timestamp = Some(time(40));
    assert_eq!(summarize(&p, at(10)), summary("1/1", "Terminating", "0"));
    let mut done = with_statuses(
        pod("done"),
        "Succeeded",
        vec![terminated("c", Some("Completed"), 0, 1, 3)],
    );
    done.metadata.deletion_timestamp = Some(time(10));
    assert_eq!(summarize(&done, at(10)).status, "Completed");
}

#[test]
fn node_lost_pods_being_deleted_show_unknown_fact_89() {
    let mut p = with_statuses(
        on_node(pod("web-0"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 1)],
    );
    p.status.as_mut().unwrap().reason = Some("NodeLost".into());
    p.metadata.deletion_timestamp = Some(time(40));
    assert_eq!(summarize(&p, at(10)).status, "Unknown");
}

#[test]
fn status_reason_replaces_the_phase_fact_89() {
    let mut p = with_statuses(pod("evicted"), "Failed", vec![]);
    p.status.as_mut().unwrap().reason = Some("Evicted".into());
    assert_eq!(summarize(&p, at(10)).status, "Evicted");
}

fn with_init(
    mut p: k8s_openapi::api::core::v1::Pod,
    inits: Vec<ContainerStatus>,
) -> k8s_openapi::api::core::v1::Pod {
    p.spec.as_mut().unwrap().init_containers = Some(vec![Container {
        name: "init".into(),
        image: Some("busybox".into()),
        ..Default::default()
    }]);
    p.status.as_mut().unwrap().init_container_statuses = Some(inits);
    p
}

#[test]
fn init_containers_show_progress_reason_or_exit_code_fact_89() {
    let p = with_init(pod("i"), vec![running("init", false, 1)]);
    assert_eq!(summarize(&p, at(5)).status, "Init:0/1");
    let p = with_init(pod("i"), vec![waiting("init", "CrashLoopBackOff")]);
    assert_eq!(summarize(&p, at(5)).status, "Init:CrashLoopBackOff");
    let p = with_init(pod("i"), vec![terminated("init", None, 3, 1, 2)]);
    assert_eq!(summarize(&p, at(5)).status, "Init:ExitCode:3");
    let p = with_init(pod("i"), vec![waiting("init", "PodInitializing")]);
    assert_eq!(summarize(&p, at(5)).status, "Init:0/1");
    // A finished init container lets the regular containers decide.
    let p = with_init(
        with_statuses(pod("i"), "Pending", vec![waiting("c", "PodInitializing")]),
        vec![terminated("init", Some("Completed"), 0, 1, 2)],
    );
    assert_eq!(summarize(&p, at(5)).status, "PodInitializing");
}

#[test]
fn sidecar_init_containers_count_in_ready_fact_88() {
    let mut p = with_statuses(
        on_node(pod("s"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 1)],
    );
    p.spec.as_mut().unwrap().init_containers = Some(vec![Container {
        name: "side".into(),
        image: Some("envoy".into()),
        restart_policy: Some("Always".into()),
        ..Default::default()
    }]);
    p.status.as_mut().unwrap().init_container_statuses = Some(vec![running("side", true, 1)]);
    assert_eq!(summarize(&p, at(5)), summary("2/2", "Running", "0"));
}

#[test]
fn pod_table_aligns_columns_with_three_spaces_fact_87_88() {
    let mut w = world();
    create(
        &mut w,
        with_statuses(
            on_node(pod("crash"), "node-1", "10.244.1.2"),
            "Running",
            vec![crash_looping("c", 3, 255)],
        ),
    );
    create(
        &mut w,
        with_statuses(
            on_node(pod("done"), "node-2", "10.244.2.2"),
            "Succeeded",
            vec![terminated("c", Some("Completed"), 0, 10, 20)],
        ),
    );
    create(&mut w, pod("pending"));
    create(
        &mut w,
        with_statuses(
            on_node(pod("web"), "node-1", "10.244.1.3"),
            "Running",
            vec![running("c", true, 5)],
        ),
    );
    advance_to(&mut w, 300);
    let pods: Vec<_> = w
        .store
        .list(crate::api::Kind::Pod, Some("default"))
        .cloned()
        .collect();
    let out = print::table(crate::api::Kind::Pod, &pods, &w, &GetOptions::default());
    assert_eq!(
        out,
        "NAME      READY   STATUS             RESTARTS      AGE\n\
         crash     0/1     CrashLoopBackOff   3 (45s ago)   5m\n\
         done      0/1     Completed          0             5m\n\
         pending   0/1     Pending            0             5m\n\
         web       1/1     Running            0             5m\n"
    );
}

#[test]
fn wide_pod_table_adds_ip_node_nominated_node_and_readiness_gates_fact_88() {
    let mut w = world();
    create(
        &mut w,
        with_statuses(
            on_node(pod("web"), "node-1", "10.244.1.2"),
            "Running",
            vec![running("c", true, 5)],
        ),
    );
    advance_to(&mut w, 300);
    let pods: Vec<_> = w.store.list(crate::api::Kind::Pod, None).cloned().collect();
    let out = print::table(
        crate::api::Kind::Pod,
        &pods,
        &w,
        &GetOptions {
            wide: true,
            ..Default::default()
        },
    );
    assert_eq!(
        out,
        "NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
         web    1/1     Running   0          5m    10.244.1.2   node-1   <none>           <none>\n"
    );
}

#[test]
fn readiness_gates_count_true_conditions_fact_88() {
    let mut p = with_conditions(pod("g"), &[("example.com/ready", "True")]);
    p.spec.as_mut().unwrap().readiness_gates = Some(vec![
        PodReadinessGate {
            condition_type: "example.com/ready".into(),
        },
        PodReadinessGate {
            condition_type: "example.com/other".into(),
        },
    ]);
    let cells = crate::print::columns::pod::row(&p, at(1), true);
    assert_eq!(cells[5..], ["<none>", "<none>", "<none>", "1/2"]);
}

#[test]
fn all_namespaces_puts_namespace_first_and_show_labels_puts_labels_last() {
    let mut w = world();
    let mut p = pod("web");
    p.metadata.labels = labels(&[("tier", "front"), ("app", "web")]);
    create(&mut w, p);
    let opts = GetOptions {
        all_namespaces: true,
        show_labels: true,
        ..Default::default()
    };
    assert_eq!(
        print::headers(crate::api::Kind::Pod, &opts),
        [
            "NAMESPACE",
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "LABELS"
        ]
    );
    let obj = w
        .store
        .list(crate::api::Kind::Pod, None)
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        print::row(&obj, &w, &opts),
        [
            "default",
            "web",
            "0/1",
            "Pending",
            "0",
            "0s",
            "app=web,tier=front"
        ]
    );
    // Cluster-scoped kinds never get the NAMESPACE column.
    assert_eq!(print::headers(crate::api::Kind::Node, &opts)[0], "NAME");
}

#[test]
fn no_objects_print_no_table() {
    let w = world();
    assert_eq!(
        print::table(crate::api::Kind::Pod, &[], &w, &GetOptions::default()),
        ""
    );
}
