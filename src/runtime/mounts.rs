//! What each container of a pod sees, worked out when the kubelet sets the pod up: its
//! mounts (from `volumeMounts` + `volumes`; a PVC through its bound PV), hostname and
//! environment.

use super::files::{ContainerView, Mount, TreeId, DEFAULT_PATH};
use super::shell::Vars;
use crate::api::{quantity, Kind, ObjKey};
use crate::store::Store;
use k8s_openapi::api::core::v1::{Container, Pod, Volume};

/// The `kubernetes` Service's address, as the kubelet's service links give it.
const KUBERNETES_SERVICE_HOST: &str = "10.96.0.1";

fn bytes(q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>) -> Option<u64> {
    q.and_then(|q| quantity::parse(&q.0).ok())
        .map(|q| q.value().max(0) as u64)
}

/// The views of every container of `pod` (in spec order), given its IP.
pub fn views_for(store: &Store, pod: &Pod, ip: Option<&str>) -> Vec<ContainerView> {
    // Borrowed: the kubelet calls this for every pod it starts.
    let no_spec = k8s_openapi::api::core::v1::PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let node = spec.node_name.clone().unwrap_or_default();
    let node_obj = store.get(&ObjKey::new(Kind::Node, "", &node));
    let capacity = node_obj.and_then(|n| n.node()?.status.as_ref()?.capacity.as_ref());
    let node_disk = bytes(capacity.and_then(|c| c.get("ephemeral-storage"))).unwrap_or(100 << 30);
    let node_memory = bytes(capacity.and_then(|c| c.get("memory"))).unwrap_or(8 << 30);
    let hostname = spec
        .hostname
        .clone()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| name.clone());
    spec.containers
        .iter()
        .map(|c| {
            let mut disks = 0u8;
            let mounts = c
                .volume_mounts
                .iter()
                .flatten()
                .filter_map(|vm| {
                    let vol = spec.volumes.iter().flatten().find(|v| v.name == vm.name)?;
                    let mut m = volume_mount(
                        store,
                        &namespace,
                        &uid,
                        &node,
                        vol,
                        node_disk,
                        node_memory,
                        &mut disks,
                    );
                    m.path = super::shell::path::normalize(&vm.mount_path);
                    m.read_only |= vm.read_only == Some(true);
                    if let Some(sub) = vm.sub_path.as_deref().filter(|s| !s.is_empty()) {
                        m.base = super::shell::path::normalize(&format!("{}/{sub}", m.base));
                    }
                    Some(m)
                })
                .collect();
            ContainerView {
                pod_uid: uid.clone(),
                container: c.name.clone(),
                node: node.clone(),
                hostname: hostname.clone(),
                mounts,
                env: environment(c, pod, &hostname, ip),
                cwd: c
                    .working_dir
                    .clone()
                    .filter(|w| !w.is_empty())
                    .unwrap_or_else(|| "/".into()),
                node_disk,
                node_memory,
                service_account: spec.automount_service_account_token != Some(false),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn volume_mount(
    store: &Store,
    namespace: &str,
    pod_uid: &str,
    node: &str,
    vol: &Volume,
    node_disk: u64,
    node_memory: u64,
    disks: &mut u8,
) -> Mount {
    let on_node = |path: &str| Mount {
        path: String::new(),
        tree: TreeId::Node(node.to_string()),
        base: super::shell::path::normalize(path),
        read_only: false,
        device: "/dev/sda1".into(),
        size: node_disk,
    };
    let empty_dir = |device: &str, size: u64, read_only: bool| Mount {
        path: String::new(),
        tree: TreeId::EmptyDir {
            pod_uid: pod_uid.to_string(),
            volume: vol.name.clone(),
        },
        base: "/".into(),
        read_only,
        device: device.into(),
        size,
    };
    if let Some(ed) = &vol.empty_dir {
        return if ed.medium.as_deref() == Some("Memory") {
            empty_dir(
                "tmpfs",
                bytes(ed.size_limit.as_ref()).unwrap_or(node_memory),
                false,
            )
        } else {
            empty_dir("/dev/sda1", node_disk, false)
        };
    }
    if let Some(hp) = &vol.host_path {
        return on_node(&hp.path);
    }
    if let Some(claim) = &vol.persistent_volume_claim {
        let pv = store
            .get_named(Kind::PersistentVolumeClaim, namespace, &claim.claim_name)
            .and_then(|c| c.pvc()?.spec.as_ref()?.volume_name.clone())
            .and_then(|pv| store.get_named(Kind::PersistentVolume, "", &pv).cloned());
        let Some(pv) = pv else {
            return empty_dir("/dev/sda1", node_disk, false);
        };
        let pv_spec = pv.pv().and_then(|p| p.spec.clone()).unwrap_or_default();
        let mut m = if let Some(hp) = &pv_spec.host_path {
            on_node(&hp.path)
        } else if let Some(local) = &pv_spec.local {
            on_node(&local.path)
        } else {
            *disks += 1;
            Mount {
                path: String::new(),
                tree: TreeId::Pv(pv.name().to_string()),
                base: "/".into(),
                read_only: false,
                device: format!("/dev/sd{}", (b'a' + (*disks).min(25)) as char),
                size: bytes(pv_spec.capacity.as_ref().and_then(|c| c.get("storage"))).unwrap_or(0),
            }
        };
        m.read_only = claim.read_only == Some(true);
        return m;
    }
    if vol.secret.is_some() || vol.projected.is_some() || vol.downward_api.is_some() {
        return empty_dir("tmpfs", node_memory, true);
    }
    // configMap and the rest: read-only files on the node disk (klab has no contents for them).
    empty_dir("/dev/sda1", node_disk, vol.config_map.is_some())
}

/// The container's environment in the order the runtime sets it: PATH, HOSTNAME, the
/// spec's `env`, the `kubernetes` Service's links, HOME.
fn environment(c: &Container, pod: &Pod, hostname: &str, ip: Option<&str>) -> Vars {
    let mut v = Vars::default();
    v.set("PATH", DEFAULT_PATH);
    v.set("HOSTNAME", hostname);
    for e in c.env.iter().flatten() {
        let value = match (&e.value, &e.value_from) {
            (Some(val), _) => val.clone(),
            (None, Some(from)) => match from.field_ref.as_ref().map(|f| f.field_path.as_str()) {
                Some("metadata.name") => pod.metadata.name.clone().unwrap_or_default(),
                Some("metadata.namespace") => pod.metadata.namespace.clone().unwrap_or_default(),
                Some("metadata.uid") => pod.metadata.uid.clone().unwrap_or_default(),
                Some("spec.nodeName") => pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_default(),
                Some("spec.serviceAccountName") => pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.service_account_name.clone())
                    .unwrap_or_else(|| "default".into()),
                Some("status.podIP") => ip.unwrap_or("").to_string(),
                _ => String::new(),
            },
            (None, None) => String::new(),
        };
        v.set(&e.name, &value);
    }
    let port = "443";
    let addr = format!("tcp://{KUBERNETES_SERVICE_HOST}:{port}");
    for (k, val) in [
        ("KUBERNETES_SERVICE_PORT_HTTPS", port.to_string()),
        ("KUBERNETES_SERVICE_PORT", port.to_string()),
        ("KUBERNETES_PORT_443_TCP", addr.clone()),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp".into()),
        (
            "KUBERNETES_PORT_443_TCP_ADDR",
            KUBERNETES_SERVICE_HOST.into(),
        ),
        ("KUBERNETES_SERVICE_HOST", KUBERNETES_SERVICE_HOST.into()),
        ("KUBERNETES_PORT", addr),
        ("KUBERNETES_PORT_443_TCP_PORT", port.to_string()),
    ] {
        if v.get(k).is_none() {
            v.set(k, &val);
        }
    }
    if v.get("HOME").is_none() {
        v.set("HOME", "/root");
    }
    v
}
