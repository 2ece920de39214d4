//! The book's workloads after defaulting, compared with what a 1.32 API server returns for
//! them (`kubectl get -o json`, without the server-owned metadata and status). The expected
//! objects are written from the defaulting sources: `pkg/apis/core/v1/defaults.go`
//! (`SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_PersistentVolumeClaim*`),
//! `pkg/apis/apps/v1/defaults.go` (facts 7, 43), `pkg/apis/batch/v1/defaults.go` (facts 1–6,
//! 116) and the generated `zz_generated.defaults.go` that applies them below templates.

use super::*;
use crate::api::manifest::{book, decode};
use serde_json::{json, Value};

fn defaulted(text: &str) -> Object {
    let mut obj = decode(text, "t.yaml").unwrap().remove(0).object;
    apply_defaults(&mut obj);
    obj
}

fn defaulted_json(text: &str) -> Value {
    defaulted(text).to_json()
}

/// The container and pod-spec defaults every template gets.
fn template_spec(containers: Value, restart_policy: &str) -> Value {
    json!({
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30
    })
}

fn container(name: &str, image: &str, extra: Value) -> Value {
    let mut c = json!({
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "name": name,
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File"
    });
    if let (Value::Object(c), Value::Object(extra)) = (&mut c, extra) {
        c.extend(extra);
    }
    c
}

#[test]
fn daemonset_defaults_match_a_1_32_server_fact_7() {
    let expected = json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "sample-ds"},
        "spec": {
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "sample-app"}},
            "template": {
                "metadata": {"labels": {"app": "sample-app"}},
                "spec": template_spec(json!([container("nginx-container", "nginx:1.16", json!({}))]), "Always")
            },
            "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}
        }
    });
    assert_eq!(defaulted_json(book::SAMPLE_DS), expected);
}

#[test]
fn daemonset_on_delete_gets_no_rolling_update_and_rolling_update_keeps_max_unavailable() {
    let ondelete = defaulted_json(book::SAMPLE_DS_ONDELETE);
    assert_eq!(
        ondelete["spec"]["updateStrategy"],
        json!({"type": "OnDelete"})
    );
    let rolling = defaulted_json(book::SAMPLE_DS_ROLLING_UPDATE);
    assert_eq!(
        rolling["spec"]["updateStrategy"],
        json!({"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 2}, "type": "RollingUpdate"})
    );
}

#[test]
fn statefulset_defaults_match_a_1_32_server_fact_43() {
    let expected = json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "sample-ss"},
        "spec": {
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "podManagementPolicy": "OrderedReady",
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "sample-app"}},
            "serviceName": "sample-ss",
            "template": {
                "metadata": {"labels": {"app": "sample-app"}},
                "spec": template_spec(
                    json!([container("nginx-container", "nginx:1.16", json!({"volumeMounts": [{"mountPath": "/usr/share/nginx/html", "name": "www"}]}))]),
                    "Always"
                )
            },
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
            "volumeClaimTemplates": [{
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1G"}}, "volumeMode": "Filesystem"},
                "status": {"phase": "Pending"}
            }]
        }
    });
    assert_eq!(defaulted_json(book::SAMPLE_SS), expected);
}

#[test]
fn statefulset_partition_is_kept_and_an_explicit_type_gets_no_rolling_update_trap_t8() {
    let partitioned = defaulted_json(book::SAMPLE_SS_ROLLINGUPDATE);
    assert_eq!(
        partitioned["spec"]["updateStrategy"],
        json!({"rollingUpdate": {"partition": 3}, "type": "RollingUpdate"})
    );
    let explicit = book::SAMPLE_SS.replace(
        "  serviceName: sample-ss\n",
        "  serviceName: sample-ss\n  updateStrategy:\n    type: RollingUpdate\n",
    );
    assert_eq!(
        defaulted_json(&explicit)["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate"})
    );
    let empty_rolling = book::SAMPLE_SS.replace("  serviceName: sample-ss\n", "  serviceName: sample-ss\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {}\n");
    assert_eq!(
        defaulted_json(&empty_rolling)["spec"]["updateStrategy"],
        json!({"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"})
    );
}

#[test]
fn job_defaults_match_a_1_32_server_facts_1_to_4() {
    let expected = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "sample.job", "namespace": "default"},
        "spec": {
            "backoffLimit": 10,
            "completionMode": "NonIndexed",
            "completions": 1,
            "manualSelector": false,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "suspend": false,
            "template": {
                "metadata": {},
                "spec": template_spec(
                    json!([container("tools-container", "amsy810/tools:v2.0", json!({"args": ["60"], "command": ["sleep"]}))]),
                    "Never"
                )
            }
        }
    });
    assert_eq!(defaulted_json(book::SAMPLE_JOB), expected);
}

#[test]
fn job_completions_and_parallelism_default_by_fact_1_and_backoff_by_fact_2() {
    let spec = |text: &str| defaulted_json(text)["spec"].clone();
    // Work queue: parallelism given, completions stay unset.
    let queue = spec(book::SAMPLE_JOB_MULTI_WORKQUEUE);
    assert_eq!(
        (queue["completions"].clone(), queue["parallelism"].clone()),
        (Value::Null, json!(3))
    );
    // Neither given: both 1; backoffLimit 6.
    let ttl = spec(book::SAMPLE_JOB_TTL);
    assert_eq!(
        (
            ttl["completions"].clone(),
            ttl["parallelism"].clone(),
            ttl["backoffLimit"].clone()
        ),
        (json!(1), json!(1), json!(6))
    );
    // Only completions given: parallelism 1.
    let only_completions =
        book::SAMPLE_JOB_TTL.replace("ttlSecondsAfterFinished: 20", "completions: 5");
    assert_eq!(spec(&only_completions)["parallelism"], json!(1));
    // backoffLimitPerIndex makes backoffLimit MaxInt32.
    let per_index = book::SAMPLE_JOB_TTL.replace(
        "ttlSecondsAfterFinished: 20",
        "backoffLimitPerIndex: 1\n  completionMode: Indexed\n  completions: 3",
    );
    assert_eq!(spec(&per_index)["backoffLimit"], json!(2147483647));
    // A podFailurePolicy makes pods be replaced only once Failed (fact 4); empty status is True (fact 5).
    let pfp = book::SAMPLE_JOB_TTL.replace(
        "ttlSecondsAfterFinished: 20",
        "podFailurePolicy:\n    rules:\n    - action: Ignore\n      onPodConditions:\n      - type: DisruptionTarget",
    );
    let s = spec(&pfp);
    assert_eq!(s["podReplacementPolicy"], json!("Failed"));
    assert_eq!(
        s["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"],
        json!("True")
    );
}

#[test]
fn generated_job_selector_and_labels_fact_53_and_fact_6() {
    let mut obj = defaulted(book::SAMPLE_JOB);
    let job = obj.job_mut().unwrap();
    job.metadata.uid = Some("2f3c4d5e-0000-4000-8000-000000000001".into());
    generate_job_selector(job);
    let uid = "2f3c4d5e-0000-4000-8000-000000000001";
    let labels = json!({
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": "sample.job",
        "controller-uid": uid,
        "job-name": "sample.job"
    });
    let v = obj.to_json();
    assert_eq!(
        v["spec"]["selector"],
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
    );
    assert_eq!(v["spec"]["template"]["metadata"]["labels"], labels);
    assert_eq!(v["metadata"]["labels"], labels);
    // Idempotent.
    let before = obj.clone();
    generate_job_selector(obj.job_mut().unwrap());
    assert_eq!(obj, before);
}

#[test]
fn a_manual_selector_generates_nothing_fact_55() {
    let text = book::SAMPLE_JOB_TTL.replace(
        "ttlSecondsAfterFinished: 20",
        "manualSelector: true\n  selector:\n    matchLabels: {app: x}",
    );
    let mut obj = defaulted(&text);
    obj.meta_mut().uid = Some("u".into());
    let before = obj.clone();
    generate_job_selector(obj.job_mut().unwrap());
    assert_eq!(obj, before);
}

#[test]
fn cronjob_defaults_match_a_1_32_server_fact_116() {
    let mut cj = defaulted_json(book::SAMPLE_CRONJOB);
    let spec = cj["spec"].take();
    assert_eq!(spec["concurrencyPolicy"], json!("Allow"));
    assert_eq!(spec["suspend"], json!(false));
    assert_eq!(spec["successfulJobsHistoryLimit"], json!(5));
    assert_eq!(spec["failedJobsHistoryLimit"], json!(3));
    // The jobTemplate gets pod defaults but not the Job defaults.
    assert_eq!(
        spec["jobTemplate"],
        json!({"metadata": {}, "spec": {
            "backoffLimit": 0,
            "completions": 1,
            "parallelism": 1,
            "template": {
                "metadata": {},
                "spec": template_spec(json!([container("tools-container", "amsy810/random-exit:v2.0", json!({}))]), "Never")
            }
        }})
    );
    let minimal = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@hourly'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: busybox}]\n          restartPolicy: OnFailure\n";
    let spec = defaulted_json(minimal)["spec"].clone();
    assert_eq!(
        (
            spec["concurrencyPolicy"].clone(),
            spec["suspend"].clone(),
            spec["successfulJobsHistoryLimit"].clone(),
            spec["failedJobsHistoryLimit"].clone()
        ),
        (json!("Allow"), json!(false), json!(3), json!(1))
    );
    // No tag means latest, which is always pulled.
    assert_eq!(
        spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        json!("Always")
    );
}

#[test]
fn pods_get_service_links_and_requests_from_limits() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports: [{containerPort: 80}]\n    resources: {limits: {cpu: 500m, memory: 1024Mi}}\n    readinessProbe: {httpGet: {port: 80}}\n  volumes: [{name: scratch}]\n";
    let v = defaulted_json(text);
    let spec = &v["spec"];
    assert_eq!(spec["enableServiceLinks"], json!(true));
    let c = &spec["containers"][0];
    assert_eq!(
        c["resources"],
        json!({"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}})
    );
    assert_eq!(c["ports"][0]["protocol"], json!("TCP"));
    assert_eq!(
        c["readinessProbe"],
        json!({"failureThreshold": 3, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
    );
    assert_eq!(
        spec["volumes"][0],
        json!({"emptyDir": {}, "name": "scratch"})
    );
    // Templates do not get the Pod-only defaults.
    assert!(defaulted_json(book::SAMPLE_DS)["spec"]["template"]["spec"]
        .get("enableServiceLinks")
        .is_none());
}

#[test]
fn storage_defaults_fact_72() {
    let pv = defaulted_json("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec:\n  capacity: {storage: 1024Mi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /data}\n");
    assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], json!("Retain"));
    assert_eq!(pv["spec"]["volumeMode"], json!("Filesystem"));
    assert_eq!(pv["spec"]["capacity"], json!({"storage": "1Gi"}));
    assert_eq!(pv["spec"]["hostPath"], json!({"path": "/data", "type": ""}));
    assert_eq!(pv["status"], json!({"phase": "Pending"}));
    let sc = defaulted_json("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\nprovisioner: klab.io/hostpath\n");
    assert_eq!(
        (sc["reclaimPolicy"].clone(), sc["volumeBindingMode"].clone()),
        (json!("Delete"), json!("Immediate"))
    );
    let pvc = defaulted_json("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1.5Gi}}\n");
    assert_eq!(
        pvc["spec"]["resources"],
        json!({"requests": {"storage": "1536Mi"}})
    );
    assert_eq!(pvc["spec"]["volumeMode"], json!("Filesystem"));
    assert_eq!(pvc["status"], json!({"phase": "Pending"}));
}

#[test]
fn service_and_namespace_defaults() {
    let svc = defaulted_json("apiVersion: v1\nkind: Service\nmetadata: {name: sample-ss}\nspec:\n  clusterIP: None\n  selector: {app: sample-app}\n  ports: [{port: 80}]\n");
    assert_eq!(svc["spec"]["type"], json!("ClusterIP"));
    assert_eq!(svc["spec"]["sessionAffinity"], json!("None"));
    assert_eq!(svc["spec"]["internalTrafficPolicy"], json!("Cluster"));
    assert_eq!(
        svc["spec"]["ports"][0],
        json!({"port": 80, "protocol": "TCP", "targetPort": 80})
    );
    let ns = defaulted_json("apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n");
    assert_eq!(
        ns["metadata"]["labels"],
        json!({"kubernetes.io/metadata.name": "dev"})
    );
    assert_eq!(ns["status"], json!({"phase": "Active"}));
}

#[test]
fn defaulting_twice_changes_nothing() {
    for (name, text) in book::ALL {
        let once = defaulted(text);
        let mut twice = once.clone();
        apply_defaults(&mut twice);
        assert_eq!(once, twice, "{name}");
    }
}
