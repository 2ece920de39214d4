//! Decoding the book's manifests and kubectl 1.32's error texts. Expected client-side texts
//! were produced with `kubectl apply --dry-run=client -f <file>` (v1.32.4, no cluster needed
//! for these); server-side texts follow the apiserver's decoder (see strict.rs, go_json.rs).

use super::*;
use crate::api::{defaults, validation};

fn err(text: &str, source: &str) -> String {
    decode(text, source).unwrap_err()
}

#[test]
fn every_book_manifest_decodes_to_its_kind() {
    let expected = [
        ("SAMPLE_DS", Kind::DaemonSet, "sample-ds"),
        ("SAMPLE_DS_ONDELETE", Kind::DaemonSet, "sample-ds-ondelete"),
        (
            "SAMPLE_DS_ROLLING_UPDATE",
            Kind::DaemonSet,
            "sample-ds-ondelete",
        ),
        ("SAMPLE_SS", Kind::StatefulSet, "sample-ss"),
        (
            "SAMPLE_SS_ROLLINGUPDATE",
            Kind::StatefulSet,
            "sample-ss-rollingupdate",
        ),
        ("SAMPLE_JOB", Kind::Job, "sample.job"),
        (
            "SAMPLE_JOB_ONFAILURE",
            Kind::Job,
            "sample-job-onfailure-restart",
        ),
        ("SAMPLE_JOB_NEVER", Kind::Job, "sample-job-never-restart"),
        (
            "SAMPLE_JOB_MULTI_WORKQUEUE",
            Kind::Job,
            "sample-job-multi-workqueue",
        ),
        (
            "SAMPLE_JOB_SINGLE_WORKQUEUE",
            Kind::Job,
            "sample-job-single-workqueue",
        ),
        ("SAMPLE_JOB_TTL", Kind::Job, "sample-job-ttl"),
        ("SAMPLE_CRONJOB", Kind::CronJob, "sample-cronjob"),
        (
            "SAMPLE_CRONJOB_1ST_EDITION",
            Kind::CronJob,
            "sample-cronjob",
        ),
    ];
    assert_eq!(expected.len(), book::ALL.len());
    for ((name, text), (want_name, kind, object_name)) in book::ALL.iter().zip(expected) {
        assert_eq!(*name, want_name);
        let docs = decode(text, "book.yaml").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(docs.len(), 1, "{name}");
        assert_eq!(docs[0].object.kind(), kind, "{name}");
        assert_eq!(docs[0].object.name(), object_name, "{name}");
        assert_eq!(docs[0].line, 1, "{name}");
        // And every one defaults and validates cleanly, as on a 1.32 cluster.
        let mut obj = docs[0].object.clone();
        obj.meta_mut()
            .namespace
            .get_or_insert_with(|| "default".into());
        defaults::apply_defaults(&mut obj);
        validation::validate_create(&obj).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// What `kubectl create … --dry-run=client -o yaml` (v1.32.4) prints decodes back: the null
/// timestamps and empty structs of Go's encoder are accepted.
#[test]
fn kubectl_dry_run_output_decodes() {
    let cronjob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  creationTimestamp: null\n  name: sample-cronjob-by-cli\nspec:\n  jobTemplate:\n    metadata:\n      creationTimestamp: null\n      name: sample-cronjob-by-cli\n    spec:\n      template:\n        metadata:\n          creationTimestamp: null\n        spec:\n          containers:\n          - image: amsy810/random-exit:v2.0\n            name: sample-cronjob-by-cli\n            resources: {}\n          restartPolicy: Never\n  schedule: '*/1 * * * *'\nstatus: {}\n";
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  creationTimestamp: null\n  name: sample-job-by-cli\nspec:\n  template:\n    metadata:\n      creationTimestamp: null\n    spec:\n      containers:\n      - command:\n        - sleep\n        - \"30\"\n        image: amsy810/tools:v2.0\n        name: sample-job-by-cli\n        resources: {}\n      restartPolicy: Never\nstatus: {}\n";
    for text in [cronjob, job] {
        let mut obj = decode(text, "-").unwrap().remove(0).object;
        assert!(obj.meta().creation_timestamp.is_none());
        obj.meta_mut().namespace = Some("default".into());
        defaults::apply_defaults(&mut obj);
        validation::validate_create(&obj).unwrap();
    }
}

#[test]
fn a_legacy_api_version_decodes_with_a_warning() {
    let docs = decode(book::SAMPLE_CRONJOB_1ST_EDITION, "cj.yaml").unwrap();
    assert_eq!(
        docs[0].warnings,
        vec![crate::api::kinds::legacy_warning("batch/v1beta1", Kind::CronJob).unwrap()]
    );
    assert_eq!(docs[0].object.to_json()["apiVersion"], "batch/v1");
    // `applied` keeps what was written.
    assert_eq!(docs[0].applied["apiVersion"], "batch/v1beta1");
    assert!(decode(book::SAMPLE_CRONJOB, "cj.yaml").unwrap()[0]
        .warnings
        .is_empty());
}

#[test]
fn a_stream_of_documents_keeps_order_and_start_lines() {
    let text = format!(
        "# the book\n---\n{}---\n\n---\n# nothing here\n---\n{}",
        book::SAMPLE_DS,
        book::SAMPLE_JOB
    );
    let docs = decode(&text, "all.yaml").unwrap();
    let summary: Vec<(Kind, usize)> = docs.iter().map(|d| (d.object.kind(), d.line)).collect();
    let job_line = text
        .lines()
        .position(|l| l.starts_with("apiVersion: batch/v1"))
        .unwrap()
        + 1;
    assert_eq!(summary, vec![(Kind::DaemonSet, 3), (Kind::Job, job_line)]);
}

#[test]
fn applied_is_the_document_with_sorted_keys() {
    let docs = decode(book::SAMPLE_DS, "ds.yaml").unwrap();
    assert_eq!(
        docs[0].applied.to_string(),
        r#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"sample-ds"},"spec":{"selector":{"matchLabels":{"app":"sample-app"}},"template":{"metadata":{"labels":{"app":"sample-app"}},"spec":{"containers":[{"image":"nginx:1.16","name":"nginx-container"}]}}}}"#
    );
}

#[test]
fn a_list_is_expanded_into_its_items() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\n";
    let names: Vec<String> = decode(text, "l.yaml")
        .unwrap()
        .iter()
        .map(|d| d.object.name().to_string())
        .collect();
    assert_eq!(names, vec!["a", "b"]);
}

#[test]
fn malformed_yaml_names_the_file_and_the_line_like_kubectl() {
    assert_eq!(
        err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n", "bad.yaml"),
        "error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key"
    );
    assert_eq!(
        err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n", "bad.yaml"),
        "error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context"
    );
    // The line is relative to the document, as kubectl parses each document alone.
    let second = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n";
    assert_eq!(err(second, "m.yaml"), "error: error parsing m.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key");
    // A leading separator stays in the first document and counts as its line 1.
    let leading = "---   # c\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n";
    assert_eq!(err(leading, "s2.yaml"), "error: error parsing s2.yaml: error converting YAML to JSON: yaml: line 5: did not find expected key");
    assert_eq!(
        err("apiVersion: v1\nkind: Pod\n--- b: 2\n", "s1.yaml"),
        "error: error parsing s1.yaml: invalid Yaml document separator: b: 2"
    );
}

#[test]
fn parse_errors_carry_the_absolute_line_and_column() {
    let second = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n";
    let all = decode_each(second, "m.yaml");
    assert_eq!(all.len(), 2);
    assert!(all[0].is_ok());
    match &all[1] {
        Err(DocError::Parse { line, column, .. }) => {
            assert_eq!((*line, *column), (Some(10), Some(2)))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_api_version_or_kind_is_a_client_side_validation_error() {
    let tail = "; if you choose to ignore these errors, turn validation off with --validate=false";
    assert_eq!(
        err("metadata:\n  name: x\n", "c.yaml"),
        format!("error: error validating \"c.yaml\": error validating data: [apiVersion not set, kind not set]{tail}")
    );
    assert_eq!(
        err("apiVersion: v1\nmetadata:\n  name: x\n", "d.yaml"),
        format!("error: error validating \"d.yaml\": error validating data: kind not set{tail}")
    );
    assert_eq!(
        err("kind: Pod\nmetadata:\n  name: x\n", "e.yaml"),
        format!(
            "error: error validating \"e.yaml\": error validating data: apiVersion not set{tail}"
        )
    );
    assert_eq!(err("apiVersion: 5\nkind: Pod\n", "j.yaml"), format!("error: error validating \"j.yaml\": error validating data: apiVersion isn't string type{tail}"));
    assert_eq!(err("hello\n", "h.yaml"), format!("error: error validating \"h.yaml\": error validating data: invalid object to validate{tail}"));
    assert_eq!(err("- a\n- b\n", "i.yaml"), format!("error: error validating \"i.yaml\": error validating data: invalid object to validate{tail}"));
}

#[test]
fn an_unknown_kind_is_a_resource_mapping_error() {
    assert_eq!(
        err("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n", "f.yaml"),
        "error: resource mapping not found for name: \"web\" namespace: \"\" from \"f.yaml\": no matches for kind \"Deployment\" in version \"apps/v1\"\nensure CRDs are installed first"
    );
    // A kind klab serves, in a version it never had.
    assert!(err("apiVersion: apps/v1\nkind: CronJob\nmetadata:\n  name: c\n  namespace: dev\n", "f.yaml")
        .contains("name: \"c\" namespace: \"dev\" from \"f.yaml\": no matches for kind \"CronJob\" in version \"apps/v1\""));
}

#[test]
fn unknown_fields_are_a_strict_decoding_error_with_their_path() {
    let text = book::SAMPLE_DS.replace("image: nginx:1.16", "imagee: nginx:1.16");
    assert_eq!(
        err(&text, "sample-ds.yaml"),
        "Error from server (BadRequest): error when creating \"sample-ds.yaml\": DaemonSet in version \"v1\" cannot be handled as a DaemonSet: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\""
    );
    // Several are listed in the order the server meets them (sorted keys), with the verb asked for.
    let text = book::SAMPLE_SS
        .replace("replicas: 3", "replicas: 3\n  replica: 3")
        .replace("  name: sample-ss\n", "  name: sample-ss\n  labelz: {}\n");
    assert_eq!(
        decode_for(&text, "ss.yaml", "patching").unwrap_err(),
        "Error from server (BadRequest): error when patching \"ss.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"metadata.labelz\", unknown field \"spec.replica\""
    );
}

#[test]
fn wrong_types_and_bad_quantities_are_the_servers_decoding_errors() {
    let text = book::SAMPLE_JOB.replace("completions: 1", "completions: \"one\"");
    assert_eq!(
        err(&text, "job.yaml"),
        "Error from server (BadRequest): error when creating \"job.yaml\": Job in version \"v1\" cannot be handled as a Job: json: cannot unmarshal string into Go struct field JobSpec.spec.completions of type int32"
    );
    let text = book::SAMPLE_SS.replace("storage: 1G", "storage: 1GB");
    assert_eq!(
        err(&text, "ss.yaml"),
        "Error from server (BadRequest): error when creating \"ss.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[test]
fn later_documents_survive_a_server_error_but_not_a_parse_error() {
    let bad_field = book::SAMPLE_DS.replace("image:", "imagee:");
    let text = format!("{bad_field}---\n{}", book::SAMPLE_JOB);
    let all = decode_each(&text, "x.yaml");
    assert!(matches!(all[0], Err(DocError::BadRequest { .. })));
    assert!(all[1].is_ok());
    assert!(!all[0].as_ref().unwrap_err().stops_stream());
    let text = format!("{}---\nkind: [\n---\n{}", book::SAMPLE_DS, book::SAMPLE_JOB);
    let all = decode_each(&text, "x.yaml");
    assert_eq!(all.len(), 2);
    assert!(all[1].as_ref().unwrap_err().stops_stream());
}

#[test]
fn json_manifests_are_accepted() {
    let docs = decode(
        r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"dev"}}"#,
        "ns.json",
    )
    .unwrap();
    assert_eq!(docs[0].object.name(), "dev");
    assert!(decode("{\"apiVersion\": \"v1\", x}", "bad.json")
        .unwrap_err()
        .starts_with("error: error parsing bad.json: json: "));
}

/// Odd input never panics anywhere on the way in: decode, then default and validate what
/// decoded.
#[test]
fn odd_documents_never_panic() {
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let deep_map = format!("a: {}1{}", "{b: ".repeat(300), "}".repeat(300));
    let mut inputs: Vec<String> = vec![
        "".into(),
        "---".into(),
        "---\n---\n---".into(),
        "...".into(),
        "null".into(),
        "~".into(),
        "42".into(),
        "\"a string\"".into(),
        "- 1\n- 2".into(),
        "[]".into(),
        "{}".into(),
        deep,
        deep_map,
        "a: &a [*a]".into(),
        "a: *b".into(),
        "a: !!binary AAAA".into(),
        "? [a, b]\n: c".into(),
        "\t\t\t".into(),
        "\u{0}\u{1}\u{2}".into(),
        "apiVersion: v1\nkind: Pod\nmetadata: 5\nspec: []\n".into(),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [1]\nspec:\n  containers: {}\n".into(),
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  updateStrategy: {rollingUpdate: {maxSurge: [], maxUnavailable: {}}}\n".into(),
        "apiVersion: v1\nkind: List\nitems: 5\n".into(),
        "apiVersion: v1\nkind: List\nitems: [1, null, {kind: Pod}]\n".into(),
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {completions: 99999999999999999999, parallelism: -1.5}\n".into(),
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '60 * * * * *', timeZone: ''}\n".into(),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, creationTimestamp: yesterday}\n".into(),
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"} {\"broken\"".into(),
        "apiVersion: \"\"\nkind: \"\"\n".into(),
        "apiVersion: a/b/c\nkind: Pod\n".into(),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {resources: {requests: {storage: '5e-99999'}}}\n".into(),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {resources: {requests: {storage: '9e99999', x: 99999999999999999999999999999999999999999Ei}}}\n".into(),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i, resources: {limits: {cpu: '.'}, requests: {cpu: '+'}}}]}\n".into(),
    ];
    for schedule in [
        "TZ=",
        "TZ=Asia/Seoul",
        "CRON_TZ=x *",
        "@every",
        "@every -1s",
        "* * * * * * * *",
        "1-2-3 * * * *",
        "*/ * * * *",
        "é * * * *",
        "99999999999999999999 * * * *",
    ] {
        inputs.push(book::SAMPLE_CRONJOB.replace("\"*/1 * * * *\"", &format!("{schedule:?}")));
    }
    inputs.push(book::SAMPLE_DS.replace(
        "  name: sample-ds\n",
        &format!(
            "  name: sample-ds\n  annotations:\n    big: {}\n    \"ünï/cödé\": x\n",
            "x".repeat(300_000)
        ),
    ));
    // Every book manifest cut short at every tenth byte.
    for (_, text) in book::ALL {
        for cut in (0..text.len()).step_by(10) {
            if text.is_char_boundary(cut) {
                inputs.push(text[..cut].to_string());
            }
        }
    }
    for input in &inputs {
        for doc in decode_each(input, "odd.yaml").into_iter().flatten() {
            let mut obj = doc.object;
            defaults::apply_defaults(&mut obj);
            let _ = validation::validate_create(&obj);
            let _ = validation::validate_update(&obj, &obj);
        }
    }
}
