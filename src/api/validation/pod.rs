//! Pod specs wherever they appear (`pkg/apis/core/validation/validation.go`:
//! `ValidatePodTemplateSpec`, `ValidatePodSpec`, `validateContainers`,
//! `validateContainerCommon`, `ValidateVolumes`, `ValidateVolumeMounts`,
//! `validateResourceRequirements`, `ValidateTolerations`), and Pods themselves.
//! Checks run in the Go order so multi-error messages list causes as the API server does.

use super::field::{self, ErrorList, Path, Value};
use super::gofmt;
use super::meta;
use crate::api::quantity;
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, Pod, PodSpec, PodTemplateSpec, ResourceRequirements, Toleration,
    Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::{BTreeMap, BTreeSet};

const NONNEGATIVE: &str = "must be greater than or equal to 0";

/// DaemonSet and StatefulSet templates: their pods run forever, so `restartPolicy` must be
/// `Always` and `activeDeadlineSeconds` is forbidden (`kind` names the workload in the message).
pub fn long_running_template(template: &PodTemplateSpec, path: &Path, kind: &str) -> ErrorList {
    let mut errs = ErrorList::new();
    let spec = template.spec.clone().unwrap_or_default();
    let spec_path = path.child("template").child("spec");
    let restart = spec.restart_policy.as_deref().unwrap_or("");
    if restart != "Always" {
        errs.push(field::not_supported(
            &spec_path.child("restartPolicy"),
            Value::str(restart),
            &["Always"],
        ));
    }
    if spec.active_deadline_seconds.is_some() {
        errs.push(field::forbidden(
            &spec_path.child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
    errs
}

/// `ValidatePodTemplateSpec`: labels (reported at `<path>.labels`), annotations, the spec.
pub fn template(template: &PodTemplateSpec, path: &Path) -> ErrorList {
    let meta = template.metadata.clone().unwrap_or_default();
    let mut errs = meta::labels(meta.labels.as_ref(), &path.child("labels"));
    errs.extend(meta::annotations(
        meta.annotations.as_ref(),
        &path.child("annotations"),
    ));
    let spec = template.spec.clone().unwrap_or_default();
    errs.extend(pod_spec(&spec, &path.child("spec"), false));
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        errs.push(field::forbidden(
            &path.child("spec").child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// `ValidatePodCreate` (the parts klab checks): metadata, then the spec.
pub fn pod_create(pod: &Pod) -> ErrorList {
    let mut errs = meta::object_meta(&pod.metadata, true, meta::NameRule::Subdomain);
    let spec = pod.spec.clone().unwrap_or_default();
    errs.extend(pod_spec(&spec, &Path::new("spec"), true));
    errs
}

/// `ValidatePodUpdate`: only images, activeDeadlineSeconds, added tolerations and
/// terminationGracePeriodSeconds may change. (The API server appends a diff of the specs to
/// the message; klab prints the sentence alone.)
pub fn pod_update(new: &Pod, old: &Pod) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    let (Some(new_spec), Some(old_spec)) = (&new.spec, &old.spec) else {
        return errs;
    };
    errs.extend(pod_spec(new_spec, &Path::new("spec"), true));
    let mut mutable = new_spec.clone();
    for (n, o) in mutable.containers.iter_mut().zip(&old_spec.containers) {
        n.image.clone_from(&o.image);
    }
    if let (Some(n), Some(o)) = (
        mutable.init_containers.as_mut(),
        old_spec.init_containers.as_ref(),
    ) {
        for (n, o) in n.iter_mut().zip(o) {
            n.image.clone_from(&o.image);
        }
    }
    mutable.active_deadline_seconds = old_spec.active_deadline_seconds;
    mutable.termination_grace_period_seconds = old_spec.termination_grace_period_seconds;
    let old_tolerations = old_spec.tolerations.clone().unwrap_or_default();
    let new_tolerations = mutable.tolerations.clone().unwrap_or_default();
    if old_tolerations.iter().all(|t| new_tolerations.contains(t)) {
        mutable.tolerations.clone_from(&old_spec.tolerations);
    }
    // Binding and scheduling are done by the system, not by updates through this path.
    mutable.node_name.clone_from(&old_spec.node_name);
    if mutable != *old_spec {
        errs.push(field::forbidden(
            &Path::new("spec"),
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ));
    }
    errs
}

/// `ValidatePodSpec` (`is_pod`: the pod-only checks of `ValidatePodCreate` too).
pub fn pod_spec(spec: &PodSpec, path: &Path, is_pod: bool) -> ErrorList {
    let mut errs = ErrorList::new();
    let (volumes, volume_errs) = self::volumes(
        spec.volumes.as_deref().unwrap_or(&[]),
        &path.child("volumes"),
    );
    errs.extend(volume_errs);
    errs.extend(containers(
        &spec.containers,
        &volumes,
        &path.child("containers"),
        is_pod,
    ));
    errs.extend(init_containers(
        spec,
        &volumes,
        &path.child("initContainers"),
    ));
    errs.extend(restart_policy(
        spec.restart_policy.as_deref().unwrap_or(""),
        &path.child("restartPolicy"),
    ));
    errs.extend(dns_policy(
        spec.dns_policy.as_deref().unwrap_or(""),
        &path.child("dnsPolicy"),
    ));
    errs.extend(meta::labels(
        spec.node_selector.as_ref(),
        &path.child("nodeSelector"),
    ));
    if let Some(name) = spec
        .service_account_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        for msg in meta::name_problems(meta::NameRule::Subdomain, name, false) {
            errs.push(field::invalid(
                &path.child("serviceAccountName"),
                Value::str(name),
                &msg,
            ));
        }
    }
    if let Some(node) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        for msg in meta::name_problems(meta::NameRule::Subdomain, node, false) {
            errs.push(field::invalid(
                &path.child("nodeName"),
                Value::str(node),
                &msg,
            ));
        }
    }
    if let Some(ads) = spec.active_deadline_seconds {
        if !(1..=i64::from(i32::MAX)).contains(&ads) {
            errs.push(field::invalid(
                &path.child("activeDeadlineSeconds"),
                Value::int(ads),
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }
    for (name, value) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            for msg in meta::label_problems(v) {
                errs.push(field::invalid(&path.child(name), Value::str(v), &msg));
            }
        }
    }
    errs.extend(tolerations(
        spec.tolerations.as_deref().unwrap_or(&[]),
        &path.child("tolerations"),
    ));
    if let Some(class) = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        for msg in meta::name_problems(meta::NameRule::Subdomain, class, false) {
            errs.push(field::invalid(
                &path.child("priorityClassName"),
                Value::str(class),
                &msg,
            ));
        }
    }
    if let Some(overhead) = &spec.overhead {
        errs.extend(resource_list(
            overhead,
            &path.child("overhead").child("limits"),
            false,
        ));
    }
    errs
}

fn restart_policy(policy: &str, path: &Path) -> ErrorList {
    match policy {
        "Always" | "OnFailure" | "Never" => vec![],
        "" => vec![field::required(path, "")],
        other => vec![field::not_supported(
            path,
            Value::str(other),
            &["Always", "OnFailure", "Never"],
        )],
    }
}

fn dns_policy(policy: &str, path: &Path) -> ErrorList {
    match policy {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => vec![],
        "" => vec![field::required(path, "")],
        other => vec![field::not_supported(
            path,
            Value::str(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )],
    }
}

/// `ValidateVolumes`: names (DNS labels, unique), exactly one source, the source's required
/// fields. Returns the names that validated (mounts may only refer to those).
fn volumes(volumes: &[Volume], path: &Path) -> (BTreeSet<String>, ErrorList) {
    let mut names = BTreeSet::new();
    let mut errs = ErrorList::new();
    for (i, vol) in volumes.iter().enumerate() {
        let vpath = path.index(i);
        let mut el = volume_source(vol, &vpath);
        if vol.name.is_empty() {
            el.push(field::required(&vpath.child("name"), ""));
        } else {
            for msg in meta::label_problems(&vol.name) {
                el.push(field::invalid(
                    &vpath.child("name"),
                    Value::str(&vol.name),
                    &msg,
                ));
            }
        }
        if names.contains(&vol.name) {
            el.push(field::duplicate(
                &vpath.child("name"),
                Value::str(&vol.name),
            ));
        }
        if el.is_empty() {
            names.insert(vol.name.clone());
        } else {
            errs.extend(el);
        }
    }
    (names, errs)
}

fn volume_source(vol: &Volume, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let sources = match serde_json::to_value(vol) {
        Ok(serde_json::Value::Object(m)) => m.keys().filter(|k| *k != "name").count(),
        _ => 0,
    };
    if sources == 0 {
        errs.push(field::required(path, "must specify a volume type"));
    } else if sources > 1 {
        errs.push(field::forbidden(
            path,
            "may not specify more than 1 volume type",
        ));
    }
    if let Some(hp) = &vol.host_path {
        if hp.path.is_empty() {
            errs.push(field::required(&path.child("hostPath").child("path"), ""));
        }
    }
    if let Some(pvc) = &vol.persistent_volume_claim {
        if pvc.claim_name.is_empty() {
            errs.push(field::required(
                &path.child("persistentVolumeClaim").child("claimName"),
                "",
            ));
        }
    }
    if let Some(cm) = &vol.config_map {
        if cm.name.is_empty() {
            errs.push(field::required(&path.child("configMap").child("name"), ""));
        }
    }
    if let Some(secret) = &vol.secret {
        if secret.secret_name.as_deref().unwrap_or("").is_empty() {
            errs.push(field::required(
                &path.child("secret").child("secretName"),
                "",
            ));
        }
    }
    if let Some(size) = vol.empty_dir.as_ref().and_then(|e| e.size_limit.as_ref()) {
        if quantity::parse(&size.0).is_ok_and(|q| q.milli < 0) {
            errs.push(field::invalid(
                &path.child("emptyDir").child("sizeLimit"),
                Value::str(&quantity::canonical_str(&size.0)),
                NONNEGATIVE,
            ));
        }
    }
    errs
}

/// `validateContainers`: at least one; each valid; names unique.
fn containers(
    containers: &[Container],
    volumes: &BTreeSet<String>,
    path: &Path,
    is_pod: bool,
) -> ErrorList {
    if containers.is_empty() {
        return vec![field::required(path, "")];
    }
    let mut errs = ErrorList::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let cpath = path.index(i);
        errs.extend(container(c, volumes, &cpath));
        if is_pod {
            let image = c.image.as_deref().unwrap_or("");
            if image.len() != image.trim().len() {
                errs.push(field::invalid(
                    &cpath.child("image"),
                    Value::str(image),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
        if !names.insert(c.name.clone()) {
            errs.push(field::duplicate(&cpath.child("name"), Value::str(&c.name)));
        }
        if c.restart_policy.is_some() {
            errs.push(field::forbidden(
                &cpath.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs
}

/// `validateInitContainers` (the common container checks; names unique across all containers).
fn init_containers(spec: &PodSpec, volumes: &BTreeSet<String>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names: BTreeSet<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let cpath = path.index(i);
        errs.extend(container(c, volumes, &cpath));
        if !names.insert(c.name.clone()) {
            errs.push(field::duplicate(&cpath.child("name"), Value::str(&c.name)));
        }
        if let Some(policy) = c.restart_policy.as_deref() {
            if policy != "Always" {
                errs.push(field::not_supported(
                    &cpath.child("restartPolicy"),
                    Value::str(policy),
                    &["Always"],
                ));
            }
        }
    }
    errs
}

/// `validateContainerCommon`.
fn container(c: &Container, volumes: &BTreeSet<String>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if c.name.is_empty() {
        errs.push(field::required(&path.child("name"), ""));
    } else {
        for msg in meta::label_problems(&c.name) {
            errs.push(field::invalid(
                &path.child("name"),
                Value::str(&c.name),
                &msg,
            ));
        }
    }
    if c.image.as_deref().unwrap_or("").is_empty() {
        errs.push(field::required(&path.child("image"), ""));
    }
    match c.termination_message_policy.as_deref().unwrap_or("") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(field::required(
            &path.child("terminationMessagePolicy"),
            "must be 'File' or 'FallbackToLogsOnError'",
        )),
        other => errs.push(field::not_supported(
            &path.child("terminationMessagePolicy"),
            Value::str(other),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(ports(
        c.ports.as_deref().unwrap_or(&[]),
        &path.child("ports"),
    ));
    for (i, env) in c.env.iter().flatten().enumerate() {
        if env.name.is_empty() {
            errs.push(field::required(
                &path.child("env").index(i).child("name"),
                "",
            ));
        }
    }
    errs.extend(mounts(
        c.volume_mounts.as_deref().unwrap_or(&[]),
        volumes,
        &path.child("volumeMounts"),
    ));
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(field::required(&path.child("imagePullPolicy"), "")),
        other => errs.push(field::not_supported(
            &path.child("imagePullPolicy"),
            Value::str(other),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    if let Some(resources) = &c.resources {
        errs.extend(resource_requirements(resources, &path.child("resources")));
    }
    errs
}

/// `validateContainerPorts`.
fn ports(ports: &[ContainerPort], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let ppath = path.index(i);
        if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
            let problems = port_name_problems(name);
            if !problems.is_empty() {
                for msg in problems {
                    errs.push(field::invalid(&ppath.child("name"), Value::str(name), &msg));
                }
            } else if !names.insert(name.to_string()) {
                errs.push(field::duplicate(&ppath.child("name"), Value::str(name)));
            }
        }
        if p.container_port == 0 {
            errs.push(field::required(&ppath.child("containerPort"), ""));
        } else if !(1..=65535).contains(&p.container_port) {
            errs.push(field::invalid(
                &ppath.child("containerPort"),
                Value::int(p.container_port),
                "must be between 1 and 65535, inclusive",
            ));
        }
        if let Some(hp) = p.host_port.filter(|h| *h != 0) {
            if !(1..=65535).contains(&hp) {
                errs.push(field::invalid(
                    &ppath.child("hostPort"),
                    Value::int(hp),
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        match p.protocol.as_deref().unwrap_or("") {
            "" => errs.push(field::required(&ppath.child("protocol"), "")),
            "SCTP" | "TCP" | "UDP" => {}
            other => errs.push(field::not_supported(
                &ppath.child("protocol"),
                Value::str(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    errs
}

/// `IsValidPortName`.
pub fn port_name_problems(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if name.len() > 15 {
        out.push("must be no more than 15 characters".to_string());
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        || name.is_empty()
    {
        out.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        out.push("must contain at least one letter (a-z)".to_string());
    }
    if name.contains("--") {
        out.push("must not contain consecutive hyphens".to_string());
    }
    if name.starts_with('-') || name.ends_with('-') {
        out.push("must not begin or end with a hyphen".to_string());
    }
    out
}

/// `ValidateVolumeMounts`.
fn mounts(mounts: &[VolumeMount], volumes: &BTreeSet<String>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut points = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let mpath = path.index(i);
        if m.name.is_empty() {
            errs.push(field::required(&mpath.child("name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(field::not_found(&mpath.child("name"), Value::str(&m.name)));
        }
        if m.mount_path.is_empty() {
            errs.push(field::required(&mpath.child("mountPath"), ""));
        }
        if !points.insert(m.mount_path.clone()) {
            errs.push(field::invalid(
                &mpath.child("mountPath"),
                Value::str(&m.mount_path),
                "must be unique",
            ));
        }
    }
    errs
}

/// `validateResourceRequirements` for containers.
fn resource_requirements(r: &ResourceRequirements, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let empty = BTreeMap::new();
    let limits = r.limits.as_ref().unwrap_or(&empty);
    let requests = r.requests.as_ref().unwrap_or(&empty);
    errs.extend(resource_list(limits, &path.child("limits"), true));
    let req_path = path.child("requests");
    for (name, q) in requests {
        errs.extend(resource_entry(name, q, &req_path.key(name), true));
        let Some(limit) = limits.get(name) else {
            if !overcommit_allowed(name) {
                errs.push(field::required(
                    &path.child("limits"),
                    "Limit must be set for non overcommitable resources",
                ));
            }
            continue;
        };
        let (Ok(req_q), Ok(lim_q)) = (quantity::parse(&q.0), quantity::parse(&limit.0)) else {
            continue;
        };
        let shown = quantity::canonical(req_q);
        if req_q.milli != lim_q.milli && !overcommit_allowed(name) {
            errs.push(field::invalid(
                &req_path,
                Value::str(&shown),
                &format!(
                    "must be equal to {name} limit of {}",
                    quantity::canonical(lim_q)
                ),
            ));
        } else if req_q.milli > lim_q.milli {
            errs.push(field::invalid(
                &req_path,
                Value::str(&shown),
                &format!(
                    "must be less than or equal to {name} limit of {}",
                    quantity::canonical(lim_q)
                ),
            ));
        }
    }
    errs
}

fn overcommit_allowed(name: &str) -> bool {
    !name.starts_with("hugepages-") && (!name.contains('/') || name.starts_with("kubernetes.io/"))
}

/// Each entry of a resource list: a known name, a non-negative (integer where required) value.
fn resource_list(list: &BTreeMap<String, Quantity>, path: &Path, container: bool) -> ErrorList {
    let mut errs = ErrorList::new();
    for (name, q) in list {
        errs.extend(resource_entry(name, q, &path.key(name), container));
    }
    errs
}

fn resource_entry(name: &str, q: &Quantity, path: &Path, container: bool) -> ErrorList {
    let mut errs = ErrorList::new();
    if container
        && !name.contains('/')
        && !matches!(name, "cpu" | "memory" | "ephemeral-storage")
        && !name.starts_with("hugepages-")
    {
        errs.push(field::invalid(
            path,
            Value::str(name),
            "must be a standard resource for containers",
        ));
        return errs;
    }
    if let Ok(parsed) = quantity::parse(&q.0) {
        let shown = quantity::canonical(parsed);
        if parsed.milli < 0 {
            errs.push(field::invalid(path, Value::str(&shown), NONNEGATIVE));
        }
        let integer = name.starts_with("hugepages-")
            || (name.contains('/') && !name.starts_with("kubernetes.io/"));
        if integer && parsed.milli % 1000 != 0 {
            errs.push(field::invalid(
                path,
                Value::str(&shown),
                "must be an integer",
            ));
        }
    }
    errs
}

/// `ValidateTolerations`.
pub fn tolerations(tolerations: &[Toleration], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, t) in tolerations.iter().enumerate() {
        let tpath = path.index(i);
        let key = t.key.as_deref().unwrap_or("");
        let operator = t.operator.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        if !key.is_empty() {
            for msg in meta::qualified_name_problems(key) {
                errs.push(field::invalid(&tpath.child("key"), Value::str(key), &msg));
            }
        }
        if key.is_empty() && operator != "Exists" {
            errs.push(field::invalid(
                &tpath.child("operator"),
                Value::str(operator),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(field::invalid(
                &tpath.child("effect"),
                Value::str(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "Equal" | "" => {
                let problems = meta::label_value_problems(value);
                if !problems.is_empty() {
                    errs.push(field::invalid(
                        &tpath.child("operator"),
                        Value::str(value),
                        &problems.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    let seconds = t
                        .toleration_seconds
                        .map_or("(*int64)(nil)".to_string(), |s| format!("(*int64)({s})"));
                    let shown = format!(
                        "core.Toleration{{Key:{}, Operator:{}, Value:{}, Effect:{}, TolerationSeconds:{seconds}}}",
                        gofmt::quote(key),
                        gofmt::quote(operator),
                        gofmt::quote(value),
                        gofmt::quote(effect)
                    );
                    errs.push(field::invalid(
                        &tpath.child("operator"),
                        Value::go(shown),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(field::not_supported(
                &tpath.child("operator"),
                Value::str(other),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            errs.push(field::not_supported(
                &tpath.child("effect"),
                Value::str(effect),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodSpec;

    fn spec(containers: serde_json::Value) -> PodSpec {
        let mut s: PodSpec =
            serde_json::from_value(serde_json::json!({"containers": containers})).unwrap();
        s.restart_policy = Some("Always".into());
        s.dns_policy = Some("ClusterFirst".into());
        for c in &mut s.containers {
            c.termination_message_policy = Some("File".into());
            c.image_pull_policy = Some("IfNotPresent".into());
        }
        s
    }

    fn messages(errs: ErrorList) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn containers_need_a_name_and_an_image() {
        let errs = pod_spec(
            &spec(serde_json::json!([{"name": ""}])),
            &Path::new("spec"),
            false,
        );
        assert_eq!(
            messages(errs),
            vec![
                "spec.containers[0].name: Required value",
                "spec.containers[0].image: Required value"
            ]
        );
        let errs = pod_spec(&spec(serde_json::json!([])), &Path::new("spec"), false);
        assert_eq!(messages(errs), vec!["spec.containers: Required value"]);
    }

    #[test]
    fn duplicate_container_names_and_unknown_mounts() {
        let errs = pod_spec(
            &spec(
                serde_json::json!([{"name": "a", "image": "x", "volumeMounts": [{"name": "www", "mountPath": "/d"}]}, {"name": "a", "image": "x"}]),
            ),
            &Path::new("spec"),
            false,
        );
        assert_eq!(
            messages(errs),
            vec![
                r#"spec.containers[0].volumeMounts[0].name: Not found: "www""#,
                r#"spec.containers[1].name: Duplicate value: "a""#
            ]
        );
    }

    #[test]
    fn requests_above_limits_are_refused() {
        let errs = pod_spec(
            &spec(
                serde_json::json!([{"name": "a", "image": "x", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "2"}}}]),
            ),
            &Path::new("spec"),
            false,
        );
        assert_eq!(
            messages(errs),
            vec![
                r#"spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1"#
            ]
        );
    }
}
