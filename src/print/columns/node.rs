//! `kubectl get nodes` (k/k `printers.go` `printNode`, `findNodeRoles`).

use crate::print::format::since;
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::Node;
use std::collections::BTreeSet;

pub const HEADERS: &[&str] = &["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
pub const WIDE: &[&str] = &[
    "INTERNAL-IP",
    "EXTERNAL-IP",
    "OS-IMAGE",
    "KERNEL-VERSION",
    "CONTAINER-RUNTIME",
];

pub fn row(node: &Node, now: SimTime, wide: bool) -> Vec<String> {
    let roles = roles(node);
    let info = node.status.as_ref().and_then(|s| s.node_info.as_ref());
    let mut cells = vec![
        node.metadata.name.clone().unwrap_or_default(),
        status(node),
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles.join(",")
        },
        since(node.metadata.creation_timestamp.as_ref(), now),
        info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
    ];
    if wide {
        let or_unknown = |s: Option<&String>| match s {
            Some(s) if !s.is_empty() => s.clone(),
            _ => "<unknown>".to_string(),
        };
        cells.push(address(node, "InternalIP"));
        cells.push(address(node, "ExternalIP"));
        cells.push(or_unknown(info.map(|i| &i.os_image)));
        cells.push(or_unknown(info.map(|i| &i.kernel_version)));
        cells.push(or_unknown(info.map(|i| &i.container_runtime_version)));
    }
    cells
}

/// `Ready` / `NotReady` from the Ready condition, `Unknown` without one, then
/// `,SchedulingDisabled` for a cordoned node.
pub fn status(node: &Node) -> String {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let mut parts = vec![match ready {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    }];
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        parts.push("SchedulingDisabled".into());
    }
    parts.join(",")
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` label keys and `kubernetes.io/role`
/// values, sorted and de-duplicated.
pub fn roles(node: &Node) -> Vec<String> {
    let mut roles = BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

/// The first address of that type, or `<none>`.
fn address(node: &Node, type_: &str) -> String {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == type_))
        .map(|a| a.address.clone())
        .unwrap_or_else(|| "<none>".into())
}
