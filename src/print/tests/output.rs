//! `-o yaml`, `-o json` and `-o name`. YAML follows go-yaml v2 as sigs.k8s.io/yaml drives it
//! (sorted keys, unindented sequences, quoting and folding at column 80); JSON follows
//! `json.MarshalIndent(obj, "", "    ")` of the unstructured object.

use super::fixtures::*;
use crate::api::Object;
use crate::print;
use k8s_openapi::api::core::v1::{ContainerPort, PodCondition};
use std::sync::Arc;

fn sample_pod() -> Object {
    let mut p = pod("web-0");
    p.metadata.labels = labels(&[("app", "nginx")]);
    p.metadata.creation_timestamp = Some(time(0));
    p.metadata.uid = Some("6f1e3c1a-8a4e-4b0e-9a57-2f2b8c1d0e11".into());
    p.metadata.resource_version = Some("1".into());
    let c = &mut p.spec.as_mut().unwrap().containers[0];
    c.name = "nginx".into();
    c.image = Some("nginx:1.27".into());
    c.command = Some(vec!["sh".into(), "-c".into(), "echo hi; sleep 3600".into()]);
    c.ports = Some(vec![ContainerPort {
        container_port: 80,
        protocol: Some("TCP".into()),
        ..Default::default()
    }]);
    Object::Pod(p)
}

#[test]
fn pod_yaml_sorts_keys_quotes_timestamps_and_does_not_indent_sequences() {
    assert_eq!(
        print::yaml(&sample_pod()),
        "\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: \"2026-01-01T00:00:00Z\"
  labels:
    app: nginx
  name: web-0
  namespace: default
  resourceVersion: \"1\"
  uid: 6f1e3c1a-8a4e-4b0e-9a57-2f2b8c1d0e11
spec:
  containers:
  - command:
    - sh
    - -c
    - echo hi; sleep 3600
    image: nginx:1.27
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
status:
  phase: Pending
"
    );
}

#[test]
fn long_messages_fold_past_column_80_and_quotes_double_in_single_quoted_scalars() {
    let mut p = pod("p");
    p.status.as_mut().unwrap().conditions = Some(vec![PodCondition {
        type_: "PodScheduled".into(),
        status: "False".into(),
        reason: Some("Unschedulable".into()),
        message: Some("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.".into()),
        ..Default::default()
    }]);
    let out = print::yaml(&Object::Pod(p));
    // As kubectl prints a FailedScheduling pod's condition (a commonly seen real output).
    assert!(
        out.contains(
            "  conditions:\n  - message: '0/3 nodes are available: 3 node(s) didn''t match Pod''s node affinity/selector.\n      preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'\n    reason: Unschedulable\n    status: \"False\"\n    type: PodScheduled\n"
        ),
        "{out}"
    );
}

#[test]
fn scalars_are_quoted_only_when_they_would_read_back_differently() {
    use serde_json::json;
    let cases = [
        ("*/1 * * * *", "'*/1 * * * *'"),
        ("true", "\"true\""),
        ("y", "\"y\""),
        ("1", "\"1\""),
        ("0.5", "\"0.5\""),
        ("08", "\"08\""),
        ("1Gi", "1Gi"),
        ("500m", "500m"),
        ("10.244.1.2", "10.244.1.2"),
        ("", "\"\""),
        ("null", "\"null\""),
        ("a: b", "'a: b'"),
        ("-c", "-c"),
        ("- x", "'- x'"),
        ("trailing ", "'trailing '"),
        ("tab\there", "\"tab\\there\""),
        ("2026-01-01", "\"2026-01-01\""),
        ("1:20", "\"1:20\""),
        ("{}", "'{}'"),
    ];
    for (input, want) in cases {
        let out = crate::print::goyaml::to_string(&json!({ "k": input }));
        assert_eq!(out, format!("k: {want}\n"), "{input:?}");
    }
}

#[test]
fn multi_line_strings_become_literal_blocks() {
    use serde_json::json;
    let out = crate::print::goyaml::to_string(
        &json!({"a": {"script": "echo one\necho two\n"}, "b": ["x\ny"]}),
    );
    assert_eq!(
        out,
        "a:\n  script: |\n    echo one\n    echo two\nb:\n- |-\n  x\n  y\n"
    );
}

#[test]
fn empty_collections_and_nested_sequences() {
    use serde_json::json;
    let out = crate::print::goyaml::to_string(
        &json!({"a": {}, "b": [], "c": [[1, 2], {"d": null}], "e": 1.5, "f": true}),
    );
    assert_eq!(
        out,
        "a: {}\nb: []\nc:\n- - 1\n  - 2\n- d: null\ne: 1.5\nf: true\n"
    );
}

#[test]
fn yaml_map_keys_sort_digits_numerically_and_non_letters_first() {
    use std::cmp::Ordering;
    let ord = crate::print::goyaml::key_order;
    assert_eq!(ord("web-2", "web-10"), Ordering::Less);
    assert_eq!(ord("app", "app.kubernetes.io/name"), Ordering::Less);
    assert_eq!(ord("_x", "Ax"), Ordering::Less);
    assert_eq!(ord("apiVersion", "kind"), Ordering::Less);
}

#[test]
fn list_output_wraps_items_in_a_v1_list() {
    let objs = vec![Arc::new(Object::Pod(pod("a")))];
    let yaml = print::yaml_list(&objs);
    assert!(
        yaml.starts_with(
            "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"),
        "{yaml}"
    );
    let json = print::json_list(&objs);
    assert!(json.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\","), "{json}");
    assert!(json.ends_with("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"), "{json}");
}

#[test]
fn pod_json_uses_four_space_indent_and_sorted_keys() {
    let json = print::json(&sample_pod());
    assert!(json.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"creationTimestamp\": \"2026-01-01T00:00:00Z\",\n        \"labels\": {\n            \"app\": \"nginx\"\n        },\n"), "{json}");
    assert!(json.contains("\"ports\": [\n                    {\n                        \"containerPort\": 80,\n                        \"protocol\": \"TCP\"\n                    }\n                ]"), "{json}");
}

#[test]
fn name_output_qualifies_the_resource_with_its_group() {
    assert_eq!(print::name(&sample_pod()), "pod/web-0");
    let ds = Object::DaemonSet(k8s_openapi::api::apps::v1::DaemonSet {
        metadata: meta("sample-ds"),
        ..Default::default()
    });
    assert_eq!(print::name(&ds), "daemonset.apps/sample-ds");
    let cj = Object::CronJob(k8s_openapi::api::batch::v1::CronJob {
        metadata: meta("hello"),
        ..Default::default()
    });
    assert_eq!(print::name(&cj), "cronjob.batch/hello");
}

#[test]
fn yaml_is_byte_identical_to_kubectl_1_32_for_captured_objects() {
    // Captured from kubectl v1.32.4 (see tests/captured/README.md): the same JSON, printed
    // as YAML by kubectl, must come out of klab's emitter unchanged.
    let cases = [
        (
            include_str!("captured/create-cronjob.json"),
            include_str!("captured/create-cronjob.yaml"),
        ),
        (
            include_str!("captured/create-configmap.json"),
            include_str!("captured/create-configmap.yaml"),
        ),
    ];
    for (json, want) in cases {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(crate::print::goyaml::to_string(&value), want);
    }
}

#[test]
fn json_escapes_match_kubectl_1_32_for_a_captured_object() {
    // kubectl printed the typed object in struct order; klab prints unstructured objects with
    // sorted keys as `kubectl get` does, so compare the escaped string values only.
    let captured = include_str!("captured/create-configmap.json");
    let value: serde_json::Value = serde_json::from_str(captured).unwrap();
    let ours = crate::print::gojson::to_string(&value);
    let escaped: Vec<&str> = captured
        .lines()
        .filter(|l| l.contains("\\u") || l.contains("\\t") || l.contains("\\n"))
        .collect();
    assert!(
        escaped.len() >= 4,
        "the capture holds <>& as \\u003c…, a tab and newlines"
    );
    for line in escaped {
        let line = line.trim().trim_end_matches(',');
        assert!(ours.contains(line), "{line}");
    }
}
