//! Command lines against a fresh cluster, compared with exact kubectl output. Tests whose
//! names start with `apply_`/`create_` decode manifests (api::manifest); the others build
//! their objects straight through the store.

use super::{run, Env};
use crate::api::{Kind, ObjKey, Object};
use crate::cluster::{Cluster, ClusterConfig};
use crate::sim::SimDuration;
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;

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

fn apply(c: &mut Cluster, yaml: &str) -> Result<String, String> {
    run(
        c,
        "kubectl apply -f -",
        &Env {
            stdin: Some(yaml.into()),
            ..Default::default()
        },
    )
}

fn pod_object(name: &str, image: &str, command: Option<Vec<&str>>) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            labels: Some(BTreeMap::from([("app".to_string(), name.to_string())])),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "main".into(),
                image: Some(image.into()),
                command: command.map(|c| c.into_iter().map(String::from).collect()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    }
}

/// Creates an object as the API server would (defaulted), and lets the cluster react.
fn create(c: &mut Cluster, mut obj: Object) {
    crate::api::defaults::apply_defaults(&mut obj);
    c.world.create(obj).unwrap();
    c.reconcile_now().unwrap();
}

/// A bare pod created straight through the store (no manifest decoding involved).
fn add_pod(c: &mut Cluster, name: &str, image: &str, command: Option<Vec<&str>>) {
    create(c, Object::Pod(pod_object(name, image, command)));
}

fn add_sts(c: &mut Cluster, name: &str, replicas: i32) {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    let sts = StatefulSet {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            service_name: name.into(),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "nginx".into(),
                        image: Some("nginx".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    };
    create(c, Object::StatefulSet(sts));
}

fn exists(c: &Cluster, kind: Kind, name: &str) -> bool {
    c.object(&ObjKey::new(kind, "default", name)).is_some()
}

const BARE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    tier: front
spec:
  containers:
  - name: nginx
    image: nginx
";

// ---- get ----------------------------------------------------------------------------

#[test]
fn get_pods_shows_container_creating_then_running_fact_90() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    assert_eq!(ok(&mut c, "kubectl get pods"), "NAME   READY   STATUS              RESTARTS   AGE\nweb    0/1     ContainerCreating   0          0s\n");
    c.advance(SimDuration::from_secs(1)).unwrap();
    assert_eq!(
        ok(&mut c, "get pods"),
        "NAME   READY   STATUS    RESTARTS   AGE\nweb    1/1     Running   0          1s\n"
    );
}

#[test]
fn get_nothing_says_no_resources_found_fact_87() {
    let mut c = cluster();
    assert_eq!(
        ok(&mut c, "get pods"),
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        ok(&mut c, "get pods -n kube-system"),
        "No resources found in kube-system namespace.\n"
    );
    assert_eq!(ok(&mut c, "get pods -A"), "No resources found\n");
    assert_eq!(ok(&mut c, "get pv"), "No resources found\n");
}

#[test]
fn get_a_missing_object_is_not_found() {
    let mut c = cluster();
    assert_eq!(
        err(&mut c, "get pod nope"),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(
        err(&mut c, "get sts/nope"),
        "Error from server (NotFound): statefulsets.apps \"nope\" not found"
    );
    assert_eq!(ok(&mut c, "get pod nope --ignore-not-found"), "");
}

#[test]
fn get_several_kinds_prefixes_names_and_separates_tables() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    add_sts(&mut c, "db", 0);
    let out = ok(&mut c, "get pods,sts");
    let (pods, sts) = out
        .split_once("\n\n")
        .expect("a blank line between the tables");
    assert!(
        pods.starts_with("NAME      READY") && pods.contains("\npod/web "),
        "{out}"
    );
    assert!(
        sts.starts_with("NAME") && sts.contains("\nstatefulset.apps/db "),
        "{out}"
    );
}

#[test]
fn get_output_name_and_single_item_yaml() {
    let mut c = cluster();
    add_pod(&mut c, "a", "nginx", None);
    add_pod(&mut c, "b", "nginx", None);
    assert_eq!(ok(&mut c, "get pods -o name"), "pod/a\npod/b\n");
    assert!(ok(&mut c, "get pod a -o yaml").starts_with("apiVersion: v1\nkind: Pod\n"));
    assert!(ok(&mut c, "get pods -o yaml").contains("kind: List\n"));
    assert!(ok(&mut c, "get pods -o json")
        .starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": ["));
}

#[test]
fn get_watch_prints_rows_until_the_cluster_settles_fact_128() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    let start = c.now();
    let out = ok(&mut c, "get pods -w");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("NAME   READY   STATUS"), "{out}");
    assert!(lines[1].contains("ContainerCreating"), "{out}");
    assert!(lines.last().unwrap().contains("Running"), "{out}");
    // No row is printed twice in a row for the same object.
    assert!(lines.windows(2).all(|w| w[0] != w[1]), "{out}");
    assert!(c.now() > start);
}

#[test]
fn get_watch_of_several_kinds_is_refused() {
    let mut c = cluster();
    assert_eq!(
        err(&mut c, "get pods,sts -w"),
        "error: watch is only supported on individual resources and resource collections - more than 1 resource was found"
    );
}

#[test]
fn api_resources_lists_klab_kinds_in_kubectl_order() {
    let mut c = cluster();
    let out = ok(&mut c, "api-resources");
    let first: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "NAME",
            "events",
            "namespaces",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
            "pods",
            "services",
            "controllerrevisions",
            "daemonsets",
            "statefulsets",
            "cronjobs",
            "jobs",
            "storageclasses"
        ]
    );
    assert!(out.starts_with(
        "NAME                     SHORTNAMES   APIVERSION          NAMESPACED   KIND\n"
    ));
    assert!(out.contains(
        "\ndaemonsets               ds           apps/v1             true         DaemonSet\n"
    ));
    assert_eq!(
        ok(&mut c, "api-resources --namespaced=false -o name"),
        "namespaces\nnodes\npersistentvolumes\nstorageclasses.storage.k8s.io\n"
    );
}

// ---- delete -------------------------------------------------------------------------

#[test]
fn delete_waits_the_grace_period_for_a_sleeping_pod_fact_99() {
    let mut c = cluster();
    add_pod(&mut c, "sleeper", "busybox", Some(vec!["sleep", "3600"]));
    c.advance(SimDuration::from_secs(5)).unwrap();
    let start = c.now();
    assert_eq!(
        ok(&mut c, "delete pod sleeper"),
        "pod \"sleeper\" deleted\n"
    );
    assert!(!exists(&c, Kind::Pod, "sleeper"));
    assert_eq!((c.now() - start).secs(), 30);
}

#[test]
fn delete_of_a_server_pod_returns_promptly() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    c.advance(SimDuration::from_secs(5)).unwrap();
    let start = c.now();
    assert_eq!(ok(&mut c, "delete pods web"), "pod \"web\" deleted\n");
    assert!(!exists(&c, Kind::Pod, "web"));
    assert!((c.now() - start).secs() < 5, "took {}", c.now() - start);
}

#[test]
fn delete_without_waiting_leaves_the_pod_terminating() {
    let mut c = cluster();
    add_pod(&mut c, "sleeper", "busybox", Some(vec!["sleep", "3600"]));
    c.advance(SimDuration::from_secs(5)).unwrap();
    let start = c.now();
    assert_eq!(
        ok(&mut c, "delete pod sleeper --wait=false"),
        "pod \"sleeper\" deleted\n"
    );
    assert_eq!(c.now(), start);
    assert!(ok(&mut c, "get pod sleeper").contains("Terminating"));
}

#[test]
fn force_delete_warns_and_removes_at_once() {
    let mut c = cluster();
    add_pod(&mut c, "sleeper", "busybox", Some(vec!["sleep", "3600"]));
    c.advance(SimDuration::from_secs(5)).unwrap();
    let start = c.now();
    assert_eq!(
        ok(&mut c, "delete pod sleeper --force --grace-period=0"),
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"sleeper\" force deleted\n"
    );
    assert!(!exists(&c, Kind::Pod, "sleeper"));
    assert_eq!(c.now(), start);
}

#[test]
fn delete_continues_past_a_missing_name() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    assert_eq!(
        err(&mut c, "delete pod nope web"),
        "pod \"web\" deleted\nError from server (NotFound): pods \"nope\" not found"
    );
    // After an error kubectl does not wait: the pod is still terminating.
    assert!(c
        .object(&ObjKey::new(Kind::Pod, "default", "web"))
        .is_some_and(|p| p.is_deleting()));
}

#[test]
fn delete_by_selector_and_nothing_found() {
    let mut c = cluster();
    add_pod(&mut c, "a", "nginx", None);
    add_pod(&mut c, "b", "nginx", None);
    assert_eq!(ok(&mut c, "delete pods -l app=a"), "pod \"a\" deleted\n");
    assert_eq!(ok(&mut c, "delete pods -l app=zzz"), "No resources found\n");
    assert_eq!(
        err(&mut c, "delete pods"),
        "error: resource(s) were provided, but no name was specified"
    );
    assert_eq!(ok(&mut c, "delete pods --all"), "pod \"b\" deleted\n");
}

// ---- bad input ----------------------------------------------------------------------

#[test]
fn bad_input_changes_nothing_and_never_panics() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    let rv = c.world.store.resource_version();
    for (line, want) in [
        ("kubectl gte pods", "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"),
        ("get pods --foo", "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage."),
        ("get deploy", "error: the server doesn't have a resource type \"deploy\""),
        ("delete deployments web", "error: the server doesn't have a resource type \"deployments\""),
        ("apply -f missing.yaml", "error: the path \"missing.yaml\" does not exist"),
        ("label pod web app=other", "error: 'app' already has a value (web), and --overwrite is false"),
        ("scale pod web --replicas=2", "Error from server (NotFound): the server could not find the requested resource (patch pods web)"),
        ("exec web", "error: you must specify at least one command for the container"),
        ("get pod/web pods", "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"),
        ("echo 'unterminated", "error: unterminated single quote in the command line"),
        ("", "error: no command given (for example: kubectl get pods)"),
    ] {
        assert_eq!(err(&mut c, line), want, "{line}");
    }
    assert_eq!(c.world.store.resource_version(), rv);
}

#[test]
fn following_the_cluster_is_bounded_by_the_instant_limit() {
    let mut c = cluster();
    add_pod(&mut c, "sleeper", "busybox", Some(vec!["sleep", "3600"]));
    c.advance(SimDuration::from_secs(5)).unwrap();
    c.limits.instants_per_call = 0;
    let e = err(&mut c, "delete pod sleeper");
    assert!(
        e.starts_with("pod \"sleeper\" deleted\nerror: stopped after 0 instants at "),
        "{e}"
    );
}

#[test]
fn later_verbs_say_they_are_not_available_yet() {
    let mut c = cluster();
    assert_eq!(
        err(&mut c, "rollout pause ds/x"),
        "error: rollout pause is not available yet in klab"
    );
}

#[test]
fn describe_and_logs_find_their_pod() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    assert!(ok(&mut c, "describe pod web").starts_with("Name:"));
    // `describe pods we` matches by prefix when no pod is named exactly `we`.
    assert_eq!(
        ok(&mut c, "describe pods we"),
        ok(&mut c, "describe pod web")
    );
    assert_eq!(
        ok(&mut c, "describe pods -l app=zzz"),
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        err(&mut c, "logs nope"),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(
        err(&mut c, "logs web -c nope"),
        "error: container nope is not valid for pod web"
    );
}

// ---- label, annotate, patch, scale ----------------------------------------------------

#[test]
fn label_and_annotate_messages() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    assert_eq!(ok(&mut c, "label pod web tier=front"), "pod/web labeled\n");
    assert_eq!(
        ok(&mut c, "label pod web tier=front --overwrite"),
        "pod/web not labeled\n"
    );
    assert_eq!(ok(&mut c, "label pod web tier-"), "pod/web unlabeled\n");
    assert_eq!(
        ok(&mut c, "label pod web tier-"),
        "label \"tier\" not found.\npod/web not labeled\n"
    );
    assert_eq!(
        ok(&mut c, "annotate pod web note=hi"),
        "pod/web annotated\n"
    );
    let pod = c.object(&ObjKey::new(Kind::Pod, "default", "web")).unwrap();
    assert_eq!(pod.labels().get("tier"), None);
    assert_eq!(pod.meta().annotations.as_ref().unwrap()["note"], "hi");
}

#[test]
fn patch_merge_reports_change_and_no_change() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    let p = r#"patch pod web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}'"#;
    assert_eq!(ok(&mut c, p), "pod/web patched\n");
    assert_eq!(ok(&mut c, p), "pod/web patched (no change)\n");
    assert_eq!(
        c.object(&ObjKey::new(Kind::Pod, "default", "web"))
            .unwrap()
            .labels()["tier"],
        "front"
    );
    let json = r#"patch pod web --type=json -p '[{"op":"remove","path":"/metadata/labels/tier"}]'"#;
    assert_eq!(ok(&mut c, json), "pod/web patched\n");
    assert_eq!(
        err(&mut c, json),
        "The request is invalid: : remove operation does not apply: doc is missing path: \"/metadata/labels/tier\": missing value"
    );
}

#[test]
fn scale_a_statefulset_fact_100() {
    let mut c = cluster();
    add_sts(&mut c, "web", 1);
    assert_eq!(
        ok(&mut c, "scale sts web --replicas=3"),
        "statefulset.apps/web scaled\n"
    );
    assert_eq!(
        ok(&mut c, "scale statefulset.apps/web --replicas=2"),
        "statefulset.apps/web scaled\n"
    );
    let sts = c
        .object(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .unwrap();
    assert_eq!(
        sts.stateful_set().unwrap().spec.as_ref().unwrap().replicas,
        Some(2)
    );
    assert_eq!(
        err(&mut c, "scale sts web --replicas=5 --current-replicas=3"),
        "error: Expected replicas to be 3, was 2"
    );
}

// ---- wait ---------------------------------------------------------------------------

#[test]
fn wait_advances_until_ready_fact_127() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    let start = c.now();
    assert_eq!(
        ok(&mut c, "wait --for=condition=Ready pod/web"),
        "pod/web condition met\n"
    );
    assert!(c.now() > start);
    assert_eq!(
        ok(
            &mut c,
            "wait --for=jsonpath={.status.phase}=Running pod/web"
        ),
        "pod/web condition met\n"
    );
}

#[test]
fn wait_times_out_with_kubectls_text() {
    let mut c = cluster();
    let mut pod = pod_object("stuck", "nginx", None);
    pod.spec.as_mut().unwrap().node_selector =
        Some(BTreeMap::from([("disk".to_string(), "ssd".to_string())]));
    create(&mut c, Object::Pod(pod));
    let start = c.now();
    assert_eq!(
        err(&mut c, "wait --for=condition=Ready pod/stuck --timeout=5s"),
        "error: timed out waiting for the condition on pods/stuck"
    );
    assert_eq!((c.now() - start).secs(), 5);
    assert_eq!(
        err(&mut c, "wait --for=condition=Ready pod/nope"),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(ok(&mut c, "wait --for=delete pod/nope"), "");
}

// ---- nodes --------------------------------------------------------------------------

#[test]
fn cordon_and_uncordon_report_changes() {
    let mut c = cluster();
    assert_eq!(ok(&mut c, "cordon node-1"), "node/node-1 cordoned\n");
    assert_eq!(
        ok(&mut c, "cordon node-1"),
        "node/node-1 already cordoned\n"
    );
    assert!(ok(&mut c, "get node node-1").contains("Ready,SchedulingDisabled"));
    assert_eq!(ok(&mut c, "uncordon node-1"), "node/node-1 uncordoned\n");
    assert_eq!(
        ok(&mut c, "uncordon node-1"),
        "node/node-1 already uncordoned\n"
    );
    assert_eq!(
        err(&mut c, "cordon node-9"),
        "Error from server (NotFound): nodes \"node-9\" not found"
    );
}

#[test]
fn taint_adds_and_removes() {
    let mut c = cluster();
    assert_eq!(
        ok(&mut c, "taint node node-1 dedicated=gpu:NoSchedule"),
        "node/node-1 tainted\n"
    );
    assert_eq!(
        err(&mut c, "taint node node-1 dedicated=cpu:NoSchedule"),
        "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false"
    );
    assert_eq!(
        ok(
            &mut c,
            "taint node node-1 dedicated=cpu:NoSchedule --overwrite"
        ),
        "node/node-1 modified\n"
    );
    assert_eq!(
        ok(&mut c, "taint node node-1 dedicated:NoSchedule-"),
        "node/node-1 untainted\n"
    );
    assert_eq!(
        err(&mut c, "taint node node-1 dedicated-"),
        "error: taint \"dedicated\" not found"
    );
}

#[test]
fn drain_refuses_bare_pods_without_force() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    let node = c
        .object(&ObjKey::new(Kind::Pod, "default", "web"))
        .unwrap()
        .pod()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .node_name
        .clone()
        .unwrap();
    let out = err(&mut c, &format!("drain {node} --ignore-daemonsets"));
    assert_eq!(
        out,
        format!(
            "node/{node} cordoned\nerror: unable to drain node \"{node}\" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/web, continuing command...\nThere are pending nodes to be drained:\n {node}\ncannot delete cannot delete Pods that declare no controller (use --force to override): default/web"
        )
    );
    assert!(exists(&c, Kind::Pod, "web"));
    assert_eq!(
        ok(&mut c, &format!("drain {node} --ignore-daemonsets --force")),
        format!("node/{node} already cordoned\nWarning: deleting Pods that declare no controller: default/web\nevicting pod default/web\npod/web evicted\nnode/{node} drained\n")
    );
    assert!(!exists(&c, Kind::Pod, "web"));
}

// ---- manifests (need api::manifest) -----------------------------------------------

#[test]
fn apply_creates_then_is_unchanged_fact_98() {
    let mut c = cluster();
    assert_eq!(apply(&mut c, BARE_POD).unwrap(), "pod/web created\n");
    assert_eq!(apply(&mut c, BARE_POD).unwrap(), "pod/web unchanged\n");
    c.advance(SimDuration::from_secs(5)).unwrap();
    assert_eq!(apply(&mut c, BARE_POD).unwrap(), "pod/web unchanged\n");
}

#[test]
fn apply_records_the_last_applied_configuration_as_kubectl_writes_it() {
    let mut c = cluster();
    apply(&mut c, BARE_POD).unwrap();
    let pod = c.object(&ObjKey::new(Kind::Pod, "default", "web")).unwrap();
    assert_eq!(
        pod.meta().annotations.as_ref().unwrap()[super::apply::LAST_APPLIED],
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\",\"tier\":\"front\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"nginx\"}]}}\n"
    );
}

#[test]
fn apply_removes_a_label_dropped_from_the_manifest_and_keeps_others() {
    let mut c = cluster();
    apply(&mut c, BARE_POD).unwrap();
    ok(&mut c, "label pod web extra=kept");
    let changed = BARE_POD.replace("    tier: front\n", "");
    assert_eq!(apply(&mut c, &changed).unwrap(), "pod/web configured\n");
    let pod = c.object(&ObjKey::new(Kind::Pod, "default", "web")).unwrap();
    let labels: Vec<(&str, &str)> = pod
        .labels()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(labels, [("app", "web"), ("extra", "kept")]);
    assert_eq!(apply(&mut c, &changed).unwrap(), "pod/web unchanged\n");
}

#[test]
fn apply_into_a_missing_namespace_fails_and_creates_nothing() {
    let mut c = cluster();
    let rv = c.world.store.resource_version();
    assert_eq!(
        run(&mut c, "apply -n nope -f -", &Env { stdin: Some(BARE_POD.into()), ..Default::default() }).unwrap_err(),
        "Error from server (NotFound): error when creating \"STDIN\": namespaces \"nope\" not found"
    );
    assert_eq!(c.world.store.resource_version(), rv);
    assert_eq!(
        ok(&mut c, "create namespace nope"),
        "namespace/nope created\n"
    );
    assert_eq!(
        run(
            &mut c,
            "apply -n nope -f -",
            &Env {
                stdin: Some(BARE_POD.into()),
                ..Default::default()
            }
        )
        .unwrap(),
        "pod/web created\n"
    );
}

#[test]
fn create_twice_is_already_exists() {
    let mut c = cluster();
    let env = Env {
        stdin: Some(BARE_POD.into()),
        ..Default::default()
    };
    assert_eq!(
        run(&mut c, "create -f -", &env).unwrap(),
        "pod/web created\n"
    );
    assert_eq!(
        run(&mut c, "create -f -", &env).unwrap_err(),
        "Error from server (AlreadyExists): error when creating \"STDIN\": pods \"web\" already exists"
    );
}

#[test]
fn apply_continues_past_a_failing_document() {
    let mut c = cluster();
    apply(&mut c, BARE_POD).unwrap();
    let lost = BARE_POD.replace("name: web\n", "name: lost\n  namespace: nope\n");
    let three = format!(
        "{BARE_POD}---\n{lost}---\n{}",
        BARE_POD.replace("name: web", "name: web3")
    );
    assert_eq!(
        apply(&mut c, &three).unwrap_err(),
        "pod/web unchanged\npod/web3 created\nError from server (NotFound): error when creating \"STDIN\": namespaces \"nope\" not found"
    );
    assert!(exists(&c, Kind::Pod, "web3"));
}

#[test]
fn apply_reads_files_and_directories_relative_to_base_dir() {
    let dir = std::env::temp_dir().join(format!("klab-kubectl-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("m")).unwrap();
    std::fs::write(
        dir.join("m/b.yaml"),
        BARE_POD.replace("name: web", "name: b"),
    )
    .unwrap();
    std::fs::write(
        dir.join("m/a.yml"),
        BARE_POD.replace("name: web", "name: a"),
    )
    .unwrap();
    std::fs::write(dir.join("m/notes.txt"), "not a manifest").unwrap();
    let env = Env {
        base_dir: dir.clone(),
        ..Default::default()
    };
    let mut c = cluster();
    let out = run(&mut c, "apply -f m", &env);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.unwrap(), "pod/a created\npod/b created\n");
}

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
";

#[test]
fn apply_refuses_unknown_fields_with_the_servers_strict_decoding_error() {
    let mut c = cluster();
    let bad = BARE_POD.replace("  - name: nginx\n", "  - name: nginx\n    bogus: 1\n");
    assert_eq!(
        apply(&mut c, &bad).unwrap_err(),
        "Error from server (BadRequest): error when creating \"STDIN\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].bogus\""
    );
    assert!(!exists(&c, Kind::Pod, "web"));
    // A kind klab does not serve is reported after the documents that could be applied.
    let two =
        format!("{BARE_POD}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
    assert_eq!(
        apply(&mut c, &two).unwrap_err(),
        "pod/web created\nerror: resource mapping not found for name: \"d\" namespace: \"\" from \"STDIN\": no matches for kind \"Deployment\" in version \"apps/v1\"\nensure CRDs are installed first"
    );
}

#[test]
fn apply_of_a_legacy_version_warns_before_the_result() {
    let mut c = cluster();
    let cj = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: '*/1 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: hello\n            image: busybox\n";
    let out = apply(&mut c, cj).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Warning: batch/v1beta1 CronJob"),
        "{out}"
    );
    assert_eq!(lines[1], "cronjob.batch/hello created");
    // The recorded configuration names the served version, so a re-apply is unchanged.
    assert!(apply(&mut c, cj)
        .unwrap()
        .ends_with("cronjob.batch/hello unchanged\n"));
}

#[test]
fn apply_of_an_immutable_change_is_the_validation_error_and_changes_nothing_fact_104() {
    let mut c = cluster();
    assert_eq!(
        apply(&mut c, STS).unwrap(),
        "statefulset.apps/web created\n"
    );
    let rv = c
        .object(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .unwrap()
        .meta()
        .resource_version
        .clone();
    assert_eq!(
        apply(&mut c, &STS.replace("app: web", "app: other")).unwrap_err(),
        format!(
            "The StatefulSet \"web\" is invalid: spec: Forbidden: {}",
            crate::api::validation::STATEFULSET_FORBIDDEN_UPDATE
        )
    );
    let after = c
        .object(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .unwrap()
        .meta()
        .resource_version
        .clone();
    assert_eq!(rv, after);
}

#[test]
fn apply_puts_back_what_the_manifest_says_after_a_scale() {
    let mut c = cluster();
    apply(&mut c, STS).unwrap();
    assert_eq!(
        ok(&mut c, "scale sts web --replicas=3"),
        "statefulset.apps/web scaled\n"
    );
    assert_eq!(
        apply(&mut c, STS).unwrap(),
        "statefulset.apps/web configured\n"
    );
    let sts = c
        .object(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .unwrap();
    assert_eq!(
        sts.stateful_set().unwrap().spec.as_ref().unwrap().replicas,
        Some(1)
    );
}

#[test]
fn exec_prints_output_and_fails_with_the_exit_code() {
    let mut c = cluster();
    add_pod(&mut c, "web", "nginx", None);
    c.advance(SimDuration::from_secs(3)).unwrap();
    assert_eq!(ok(&mut c, "exec -it web -- hostname"), "web\n");
    assert_eq!(
        err(&mut c, "exec web -- sh -c 'echo hi; exit 3'"),
        "hi\ncommand terminated with exit code 3"
    );
    assert_eq!(
        err(&mut c, "exec web -c nope -- ls"),
        "Error from server (BadRequest): container nope is not valid for pod web"
    );
}

#[test]
fn logs_print_the_container_output_and_tail() {
    let mut c = cluster();
    add_pod(
        &mut c,
        "echoer",
        "busybox",
        Some(vec!["sh", "-c", "echo hello; echo world; sleep 3600"]),
    );
    c.advance(SimDuration::from_secs(3)).unwrap();
    assert_eq!(ok(&mut c, "logs echoer"), "hello\nworld\n");
    assert_eq!(ok(&mut c, "logs pod/echoer --tail=1"), "world\n");
}

#[test]
fn get_jobs_watch_prints_running_then_complete_fact_128() {
    let mut c = cluster();
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: busybox\n        command: [\"sleep\", \"5\"]\n";
    assert_eq!(apply(&mut c, job).unwrap(), "job.batch/pi created\n");
    let out = ok(&mut c, "get jobs -w");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "NAME   STATUS    COMPLETIONS   DURATION   AGE");
    assert_eq!(lines[1], "pi     Running   0/1           0s         0s");
    let last = lines.last().unwrap();
    assert!(last.starts_with("pi     Complete   1/1"), "{out}");
    assert_eq!(
        ok(&mut c, "wait --for=condition=complete job/pi"),
        "job.batch/pi condition met\n"
    );
}

const LONG_JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: long
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: [\"sleep\", \"3600\"]
";

#[test]
fn foreground_delete_waits_for_the_dependents() {
    let mut c = cluster();
    apply(&mut c, LONG_JOB).unwrap();
    c.advance(SimDuration::from_secs(5)).unwrap();
    let start = c.now();
    assert_eq!(
        ok(&mut c, "delete job long --cascade=foreground"),
        "job.batch \"long\" deleted\n"
    );
    assert!(!exists(&c, Kind::Job, "long"));
    assert_eq!(
        ok(&mut c, "get pods"),
        "No resources found in default namespace.\n"
    );
    // The pod's `sleep` ignores SIGTERM: the job goes only after its grace period.
    assert_eq!((c.now() - start).secs(), 30);
}

#[test]
fn orphan_delete_leaves_the_pods() {
    let mut c = cluster();
    apply(&mut c, LONG_JOB).unwrap();
    c.advance(SimDuration::from_secs(5)).unwrap();
    assert_eq!(
        ok(&mut c, "delete job long --cascade=orphan"),
        "job.batch \"long\" deleted\n"
    );
    assert!(!exists(&c, Kind::Job, "long"));
    assert!(ok(&mut c, "get pods").contains("Running"));
}
