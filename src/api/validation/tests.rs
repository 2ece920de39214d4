//! The API server's validation messages for the book's workloads, as kubectl prints them
//! (`The <Kind> "<name>" is invalid: …`, fact 104).

use super::*;
use crate::api::defaults::apply_defaults;
use crate::api::manifest::{book, decode};

/// Decode, set the namespace as kubectl does, default: what the server validates.
fn object(text: &str) -> Object {
    let mut obj = decode(text, "t.yaml").unwrap().remove(0).object;
    if obj.kind().namespaced() {
        obj.meta_mut()
            .namespace
            .get_or_insert_with(|| "default".into());
    }
    apply_defaults(&mut obj);
    obj
}

fn create_error(text: &str) -> String {
    validate_create(&object(text)).unwrap_err().to_string()
}

fn update_error(old: &str, new: &str) -> String {
    validate_update(&object(old), &object(new))
        .unwrap_err()
        .to_string()
}

#[test]
fn a_selector_that_does_not_match_the_template_fact_9() {
    let text = book::SAMPLE_DS.replace(
        "      labels:\n        app: sample-app",
        "      labels:\n        app: other-app",
    );
    assert_eq!(
        create_error(&text),
        r#"The DaemonSet "sample-ds" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other-app"}: `selector` does not match template `labels`"#
    );
    let sts = book::SAMPLE_SS.replace(
        "        app: sample-app # has to match .spec.selector.matchLabels",
        "        app: web",
    );
    assert_eq!(
        create_error(&sts),
        r#"The StatefulSet "sample-ss" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`"#
    );
}

#[test]
fn max_surge_alone_is_invalid_because_max_unavailable_defaults_to_1_trap_t4() {
    let text = book::SAMPLE_DS_ROLLING_UPDATE.replace("maxUnavailable: 2", "maxSurge: 1");
    assert_eq!(
        create_error(&text),
        r#"The DaemonSet "sample-ds-ondelete" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero"#
    );
    let fixed = book::SAMPLE_DS_ROLLING_UPDATE
        .replace("maxUnavailable: 2", "maxSurge: 1\n      maxUnavailable: 0");
    assert!(validate_create(&object(&fixed)).is_ok());
    let both_zero =
        book::SAMPLE_DS_ROLLING_UPDATE.replace("maxUnavailable: 2", "maxUnavailable: 0");
    assert_eq!(
        create_error(&both_zero),
        r#"The DaemonSet "sample-ds-ondelete" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"#
    );
}

#[test]
fn daemonset_template_rules_fact_9() {
    let text = book::SAMPLE_DS.replace(
        "          image: nginx:1.16",
        "          image: nginx:1.16\n      restartPolicy: Never\n      activeDeadlineSeconds: 10",
    );
    assert_eq!(
        create_error(&text),
        "The DaemonSet \"sample-ds\" is invalid: \n\
         * spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"\n\
         * spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"
    );
    let empty = book::SAMPLE_DS.replace(
        "    matchLabels:\n      app: sample-app\n",
        "    matchLabels: {}\n",
    );
    assert_eq!(
        create_error(&empty),
        r#"The DaemonSet "sample-ds" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"#
    );
}

#[test]
fn a_daemonset_selector_is_immutable_fact_10() {
    let old = book::SAMPLE_DS;
    let new = book::SAMPLE_DS.replace("app: sample-app", "app: sample-app-2");
    assert_eq!(
        update_error(old, &new),
        r#"The DaemonSet "sample-ds" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"sample-app-2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"#
    );
    // The template alone may change.
    let new_image = book::SAMPLE_DS.replace("nginx:1.16", "nginx:1.17");
    assert!(validate_update(&object(old), &object(&new_image)).is_ok());
}

#[test]
fn statefulset_updates_outside_the_mutable_fields_are_one_forbidden_error_trap_t19() {
    let expected = "The StatefulSet \"sample-ss\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
    let bigger_disk = book::SAMPLE_SS.replace("storage: 1G", "storage: 2G");
    assert_eq!(update_error(book::SAMPLE_SS, &bigger_disk), expected);
    let new_service = book::SAMPLE_SS.replace("serviceName: sample-ss", "serviceName: other");
    assert_eq!(update_error(book::SAMPLE_SS, &new_service), expected);
    let parallel = book::SAMPLE_SS.replace(
        "  replicas: 3",
        "  replicas: 3\n  podManagementPolicy: Parallel",
    );
    assert_eq!(update_error(book::SAMPLE_SS, &parallel), expected);
    // Replicas, template and strategy may change.
    let scaled = book::SAMPLE_SS
        .replace("replicas: 3", "replicas: 5")
        .replace("nginx:1.16", "nginx:1.17");
    assert!(validate_update(&object(book::SAMPLE_SS), &object(&scaled)).is_ok());
}

#[test]
fn statefulset_names_are_dns_labels_fact_44() {
    let text = book::SAMPLE_SS.replace("name: sample-ss\n", "name: sample.ss\n");
    assert_eq!(
        create_error(&text),
        "The StatefulSet \"sample.ss\" is invalid: metadata.name: Invalid value: \"sample.ss\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
}

#[test]
fn a_job_needs_on_failure_or_never_fact_62() {
    let always = book::SAMPLE_JOB_NEVER.replace("restartPolicy: Never", "restartPolicy: Always");
    assert_eq!(
        create_error(&always),
        r#"The Job "sample-job-never-restart" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never""#
    );
    let omitted = book::SAMPLE_JOB_NEVER.replace("      restartPolicy: Never\n", "");
    assert_eq!(create_error(&omitted), create_error(&always));
    let other = book::SAMPLE_JOB_NEVER.replace("restartPolicy: Never", "restartPolicy: Sometimes");
    assert_eq!(
        create_error(&other),
        "The Job \"sample-job-never-restart\" is invalid: \n\
         * spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"\n\
         * spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"OnFailure\", \"Never\""
    );
}

#[test]
fn job_counts_must_not_be_negative_fact_65() {
    let text = book::SAMPLE_JOB_NEVER
        .replace("backoffLimit: 10", "backoffLimit: -1")
        .replace("parallelism: 1", "parallelism: -2");
    assert_eq!(
        create_error(&text),
        "The Job \"sample-job-never-restart\" is invalid: \n\
         * spec.parallelism: Invalid value: -2: must be greater than or equal to 0\n\
         * spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"
    );
}

#[test]
fn job_completions_are_immutable_fact_63() {
    let mut old = object(book::SAMPLE_JOB_NEVER);
    old.meta_mut().uid = Some("11111111-2222-4333-8444-555555555555".into());
    crate::api::defaults::generate_job_selector(old.job_mut().unwrap());
    let mut new = old.clone();
    new.job_mut().unwrap().spec.as_mut().unwrap().completions = Some(2);
    assert_eq!(
        validate_update(&old, &new).unwrap_err().to_string(),
        r#"The Job "sample-job-never-restart" is invalid: spec.completions: Invalid value: 2: field is immutable"#
    );
    // Parallelism and backoffLimit may change (fact 63).
    let mut scaled = old.clone();
    let spec = scaled.job_mut().unwrap().spec.as_mut().unwrap();
    spec.parallelism = Some(3);
    spec.backoff_limit = Some(2);
    assert!(validate_update(&old, &scaled).is_ok());
    // The template may not.
    let mut new_image = old.clone();
    new_image
        .job_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .image = Some("busybox".into());
    let e = validate_update(&old, &new_image).unwrap_err().to_string();
    assert!(e.starts_with(r#"The Job "sample-job-never-restart" is invalid: spec.template: Invalid value: core.PodTemplateSpec{"#), "{e}");
    assert!(e.ends_with("}: field is immutable"), "{e}");
}

#[test]
fn a_job_name_longer_than_a_label_value_fails_fact_54() {
    let name = "a".repeat(64);
    let text = book::SAMPLE_JOB_NEVER.replace("sample-job-never-restart", &name);
    assert_eq!(
        create_error(&text),
        format!(
            r#"The Job "{name}" is invalid: spec.template.labels: Invalid value: "{name}": must be no more than 63 characters"#
        )
    );
}

#[test]
fn the_book_job_name_gets_the_dns_label_warning_fact_54() {
    let job = object(book::SAMPLE_JOB);
    assert!(validate_create(&job).is_ok());
    assert_eq!(
        warnings_on_create(&job),
        vec!["Warning: metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]".to_string()]
    );
    assert!(warnings_on_create(&object(book::SAMPLE_JOB_TTL)).is_empty());
}

#[test]
fn indexed_jobs_need_completions_and_pod_failure_policies_need_never_facts_43_51() {
    let indexed = book::SAMPLE_JOB_TTL.replace(
        "ttlSecondsAfterFinished: 20",
        "completionMode: Indexed\n  parallelism: 2",
    );
    assert_eq!(
        create_error(&indexed),
        r#"The Job "sample-job-ttl" is invalid: spec.completions: Required value: when completion mode is Indexed"#
    );
    let pfp = book::SAMPLE_JOB_ONFAILURE.replace(
        "backoffLimit: 10",
        "backoffLimit: 10\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes: {operator: In, values: [42]}",
    );
    assert_eq!(
        create_error(&pfp),
        r#"The Job "sample-job-onfailure-restart" is invalid: spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified"#
    );
}

#[test]
fn a_cronjob_name_may_have_52_characters_on_create_fact_110() {
    let name = "c".repeat(53);
    let text = book::SAMPLE_CRONJOB.replace("name: sample-cronjob", &format!("name: {name}"));
    assert_eq!(
        create_error(&text),
        format!(
            r#"The CronJob "{name}" is invalid: metadata.name: Invalid value: "{name}": must be no more than 52 characters"#
        )
    );
    let ok =
        book::SAMPLE_CRONJOB.replace("name: sample-cronjob", &format!("name: {}", "c".repeat(52)));
    assert!(validate_create(&object(&ok)).is_ok());
    // Not checked on update.
    assert!(validate_update(&object(&text), &object(&text)).is_ok());
}

#[test]
fn cronjob_spec_rules_fact_121_and_fact_55() {
    let policy =
        book::SAMPLE_CRONJOB.replace("concurrencyPolicy: Allow", "concurrencyPolicy: Sometimes");
    assert_eq!(
        create_error(&policy),
        r#"The CronJob "sample-cronjob" is invalid: spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace""#
    );
    let schedule = book::SAMPLE_CRONJOB.replace("\"*/1 * * * *\"", "\"0 0 * * 7\"");
    assert_eq!(
        create_error(&schedule),
        r#"The CronJob "sample-cronjob" is invalid: spec.schedule: Invalid value: "0 0 * * 7": end of range (7) above maximum (6): 7"#
    );
    let empty = book::SAMPLE_CRONJOB.replace("\"*/1 * * * *\"", "\"\"");
    assert_eq!(
        create_error(&empty),
        r#"The CronJob "sample-cronjob" is invalid: spec.schedule: Required value"#
    );
    let selector = book::SAMPLE_CRONJOB.replace(
        "      completions: 1",
        "      completions: 1\n      manualSelector: true",
    );
    assert_eq!(
        create_error(&selector),
        r#"The CronJob "sample-cronjob" is invalid: spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false""#
    );
    let zone = book::SAMPLE_CRONJOB.replace(
        "  suspend: false",
        "  suspend: false\n  timeZone: Mars/Olympus",
    );
    assert_eq!(
        create_error(&zone),
        r#"The CronJob "sample-cronjob" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus"#
    );
}

#[test]
fn pod_basics_in_templates() {
    let no_image = book::SAMPLE_DS.replace("          image: nginx:1.16\n", "");
    assert_eq!(
        create_error(&no_image),
        r#"The DaemonSet "sample-ds" is invalid: spec.template.spec.containers[0].image: Required value"#
    );
    let bad_name = book::SAMPLE_DS.replace("name: nginx-container", "name: Nginx_Container");
    assert_eq!(
        create_error(&bad_name),
        "The DaemonSet \"sample-ds\" is invalid: spec.template.spec.containers[0].name: Invalid value: \"Nginx_Container\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
    let negative = book::SAMPLE_DS.replace("          image: nginx:1.16", "          image: nginx:1.16\n          resources:\n            requests:\n              cpu: -1");
    assert_eq!(
        create_error(&negative),
        r#"The DaemonSet "sample-ds" is invalid: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0"#
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n";
    assert_eq!(
        create_error(pod),
        r#"The Pod "p" is invalid: spec.containers: Required value"#
    );
}

#[test]
fn claims_need_access_modes_and_storage() {
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  resources: {}\n";
    assert_eq!(
        create_error(pvc),
        "The PersistentVolumeClaim \"data\" is invalid: \n\
         * spec.accessModes: Required value: at least 1 access mode is required\n\
         * spec.resources[storage]: Required value"
    );
    let mode = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteSometimes]\n  resources: {requests: {storage: 1Gi}}\n";
    assert_eq!(
        create_error(mode),
        r#"The PersistentVolumeClaim "data" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#
    );
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec:\n  accessModes: [ReadWriteOnce]\n";
    assert_eq!(
        create_error(pv),
        "The PersistentVolume \"v\" is invalid: \n\
         * spec.capacity: Required value\n\
         * spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\"\n\
         * spec: Required value: must specify a volume type"
    );
}

#[test]
fn labels_must_be_valid() {
    let text = book::SAMPLE_DS.replace(
        "  name: sample-ds\n",
        "  name: sample-ds\n  labels:\n    tier: \"-bad\"\n",
    );
    assert_eq!(
        create_error(&text),
        "The DaemonSet \"sample-ds\" is invalid: metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
}
