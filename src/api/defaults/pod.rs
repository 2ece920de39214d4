//! Pod and pod-template defaulting (`pkg/apis/core/v1/defaults.go` and the generated
//! `SetObjectDefaults_Pod` / `SetObjectDefaults_<Workload>` in `zz_generated.defaults.go`).
//!
//! Every pod template gets `SetDefaults_PodSpec` plus the container, volume and probe
//! defaults; only Pods also get `SetDefaults_Pod` (enableServiceLinks, requests from limits).

use super::resource_list;
use k8s_openapi::api::core::v1::{
    Container, HTTPGetAction, Pod, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// `SetObjectDefaults_Pod`.
pub fn pod(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    set_defaults_pod(spec);
    pod_spec(spec);
}

/// The defaults of a pod template inside a workload (no `SetDefaults_Pod`). Go's template
/// metadata and spec are structs that always appear in output; so they do here.
pub fn template(template: &mut PodTemplateSpec) {
    template.metadata.get_or_insert_with(ObjectMeta::default);
    pod_spec(template.spec.get_or_insert_with(Default::default));
}

/// `SetDefaults_Pod`: limits fill missing requests, service links on, host ports with host
/// networking.
fn set_defaults_pod(spec: &mut PodSpec) {
    let init = spec.init_containers.iter_mut().flatten();
    for c in spec.containers.iter_mut().chain(init) {
        if let Some(r) = &mut c.resources {
            if let Some(limits) = &r.limits {
                let requests = r.requests.get_or_insert_with(Default::default);
                for (k, v) in limits {
                    requests.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    if spec.host_network == Some(true) {
        let init = spec.init_containers.iter_mut().flatten();
        for c in spec.containers.iter_mut().chain(init) {
            for p in c.ports.iter_mut().flatten() {
                if p.host_port.unwrap_or(0) == 0 {
                    p.host_port = Some(p.container_port);
                }
            }
        }
    }
}

/// `SetDefaults_PodSpec` and everything the generated defaulter applies below a PodSpec.
pub fn pod_spec(spec: &mut PodSpec) {
    set_if_empty(&mut spec.dns_policy, "ClusterFirst");
    set_if_empty(&mut spec.restart_policy, "Always");
    spec.security_context.get_or_insert_with(Default::default);
    spec.termination_grace_period_seconds.get_or_insert(30);
    set_if_empty(&mut spec.scheduler_name, "default-scheduler");
    for v in spec.volumes.iter_mut().flatten() {
        volume(v);
    }
    for c in spec.init_containers.iter_mut().flatten() {
        container(c);
    }
    for c in spec.containers.iter_mut() {
        container(c);
    }
    for e in spec.ephemeral_containers.iter_mut().flatten() {
        let mut as_container: Container =
            serde_json::from_value(serde_json::to_value(&*e).unwrap_or_default())
                .unwrap_or_default();
        container(&mut as_container);
        if let Ok(back) =
            serde_json::from_value(serde_json::to_value(&as_container).unwrap_or_default())
        {
            let target = e.target_container_name.take();
            *e = back;
            e.target_container_name = target;
        }
    }
    if let Some(overhead) = &mut spec.overhead {
        resource_list(overhead);
    }
}

fn set_if_empty(field: &mut Option<String>, value: &str) {
    if field.as_deref().unwrap_or("").is_empty() {
        *field = Some(value.to_string());
    }
}

/// `SetDefaults_Container` and the container parts of the generated defaulter.
fn container(c: &mut Container) {
    if c.image_pull_policy.as_deref().unwrap_or("").is_empty() {
        let policy = if image_tag(c.image.as_deref().unwrap_or("")).as_deref() == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
        c.image_pull_policy = Some(policy.to_string());
    }
    set_if_empty(&mut c.termination_message_path, "/dev/termination-log");
    set_if_empty(&mut c.termination_message_policy, "File");
    for p in c.ports.iter_mut().flatten() {
        set_if_empty(&mut p.protocol, "TCP");
    }
    for env in c.env.iter_mut().flatten() {
        if let Some(field_ref) = env.value_from.as_mut().and_then(|v| v.field_ref.as_mut()) {
            set_if_empty(&mut field_ref.api_version, "v1");
        }
    }
    // Go's Resources is a struct, not a pointer: it is always there (`resources: {}`).
    let resources: &mut ResourceRequirements = c.resources.get_or_insert_with(Default::default);
    if let Some(limits) = &mut resources.limits {
        resource_list(limits);
    }
    if let Some(requests) = &mut resources.requests {
        resource_list(requests);
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        self::probe(probe);
    }
    if let Some(lifecycle) = &mut c.lifecycle {
        for handler in [&mut lifecycle.post_start, &mut lifecycle.pre_stop]
            .into_iter()
            .flatten()
        {
            if let Some(get) = &mut handler.http_get {
                http_get(get);
            }
        }
    }
}

/// `SetDefaults_Probe` (zero counts as unset, as for Go's int32 fields).
fn probe(p: &mut Probe) {
    for (field, value) in [
        (&mut p.timeout_seconds, 1),
        (&mut p.period_seconds, 10),
        (&mut p.success_threshold, 1),
        (&mut p.failure_threshold, 3),
    ] {
        if field.unwrap_or(0) == 0 {
            *field = Some(value);
        }
    }
    if let Some(get) = &mut p.http_get {
        http_get(get);
    }
    if let Some(grpc) = &mut p.grpc {
        grpc.service.get_or_insert_with(String::new);
    }
}

/// `SetDefaults_HTTPGetAction`.
fn http_get(get: &mut HTTPGetAction) {
    set_if_empty(&mut get.path, "/");
    set_if_empty(&mut get.scheme, "HTTP");
}

/// `SetDefaults_Volume` and the per-source defaults.
fn volume(v: &mut Volume) {
    let has_source = matches!(serde_json::to_value(&*v), Ok(serde_json::Value::Object(m)) if m.keys().any(|k| k != "name"));
    if !has_source {
        v.empty_dir = Some(Default::default());
    }
    if let Some(hp) = &mut v.host_path {
        hp.type_.get_or_insert_with(String::new);
    }
    if let Some(s) = &mut v.secret {
        s.default_mode.get_or_insert(0o644);
    }
    if let Some(c) = &mut v.config_map {
        c.default_mode.get_or_insert(0o644);
    }
    if let Some(d) = &mut v.downward_api {
        d.default_mode.get_or_insert(0o644);
        for item in d.items.iter_mut().flatten() {
            if let Some(f) = &mut item.field_ref {
                set_if_empty(&mut f.api_version, "v1");
            }
        }
    }
    if let Some(p) = &mut v.projected {
        p.default_mode.get_or_insert(0o644);
        for source in p.sources.iter_mut().flatten() {
            for item in source
                .downward_api
                .iter_mut()
                .flat_map(|d| d.items.iter_mut().flatten())
            {
                if let Some(f) = &mut item.field_ref {
                    set_if_empty(&mut f.api_version, "v1");
                }
            }
            if let Some(token) = &mut source.service_account_token {
                token.expiration_seconds.get_or_insert(3600);
            }
        }
    }
    if let Some(size) = v.empty_dir.as_mut().and_then(|e| e.size_limit.as_mut()) {
        size.0 = crate::api::quantity::canonical_str(&size.0);
    }
    if let Some(i) = &mut v.iscsi {
        set_if_empty(&mut i.iscsi_interface, "default");
    }
    if let Some(r) = &mut v.rbd {
        set_if_empty(&mut r.pool, "rbd");
        set_if_empty(&mut r.user, "admin");
        set_if_empty(&mut r.keyring, "/etc/ceph/keyring");
    }
    if let Some(a) = &mut v.azure_disk {
        set_if_empty(&mut a.caching_mode, "ReadWrite");
        set_if_empty(&mut a.fs_type, "ext4");
        a.read_only.get_or_insert(false);
        set_if_empty(&mut a.kind, "Shared");
    }
    if let Some(s) = &mut v.scale_io {
        set_if_empty(&mut s.storage_mode, "ThinProvisioned");
        set_if_empty(&mut s.fs_type, "xfs");
    }
    if let Some(spec) = v
        .ephemeral
        .as_mut()
        .and_then(|e| e.volume_claim_template.as_mut())
        .map(|t| &mut t.spec)
    {
        super::storage::claim_spec(spec);
    }
}

/// The tag kubelet's `ParseImageName` finds: the explicit tag, `latest` when there is neither
/// tag nor digest, none when the reference has only a digest or does not parse.
pub fn image_tag(image: &str) -> Option<String> {
    if image.is_empty() {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    // Repository paths are lower case (a registry host may have upper case and a port).
    let path = repo.split_once('/').map_or(repo, |(host, path)| {
        if host.contains(['.', ':']) || host == "localhost" {
            path
        } else {
            repo
        }
    });
    if path.is_empty() || path.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    match (tag, digest) {
        (Some(t), _) => Some(t.to_string()),
        (None, Some(_)) => None,
        (None, None) => Some("latest".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        assert_eq!(image_tag("nginx:1.16").as_deref(), Some("1.16"));
        assert_eq!(image_tag("nginx").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx:latest").as_deref(), Some("latest"));
        assert_eq!(image_tag("localhost:5000/nginx").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx@sha256:abc"), None);
        assert_eq!(image_tag("amsy810/tools:v2.0").as_deref(), Some("v2.0"));
        assert_eq!(image_tag("Nginx"), None);
    }
}
