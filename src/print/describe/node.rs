//! `kubectl describe node` (kubectl `describe.go` `describeNode`, `describeNodeResource`).

use super::common::{annotations, events, labels, taints};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::api::quantity::{self, Qty};
use crate::print::columns::node::roles;
use crate::print::format::{rfc1123z, since};
use crate::sim::{SimDuration, SimTime};
use k8s_openapi::api::core::v1::{Container, Event, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the node's Lease would say; klab has no Lease objects, so the caller derives it.
pub struct LeaseInfo {
    pub holder: String,
    pub renew_time: Option<Time>,
}

pub fn describe(
    node: &Node,
    pods: &[Arc<crate::api::Object>],
    lease: &LeaseInfo,
    evs: &[Event],
    now: SimTime,
) -> String {
    let mut w = Writer::default();
    let meta = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or("")),
    );
    let roles = roles(node);
    w.write(
        LEVEL_0,
        &format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".into()
            } else {
                roles.join(",")
            }
        ),
    );
    labels(&mut w, "Labels", meta.labels.as_ref());
    annotations(&mut w, "Annotations", meta.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(meta.creation_timestamp.as_ref())
        ),
    );
    taints(&mut w, "Taints", spec.taints.as_ref());
    w.write(
        LEVEL_0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );

    w.write(LEVEL_0, "Lease:\n");
    w.write(LEVEL_1, &format!("HolderIdentity:\t{}\n", lease.holder));
    w.write(LEVEL_1, "AcquireTime:\t<unset>\n");
    let renew = lease
        .renew_time
        .as_ref()
        .map_or("<unset>".to_string(), |t| rfc1123z(Some(t)));
    w.write(LEVEL_1, &format!("RenewTime:\t{renew}\n"));

    if let Some(conditions) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_heartbeat_time.as_ref()),
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        w.write(LEVEL_1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.write(LEVEL_0, &format!("{title}:\n"));
            for (name, q) in list {
                w.write(
                    LEVEL_0,
                    &format!("  {name}:\t{}\n", quantity::canonical_str(&q.0)),
                );
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(LEVEL_0, "System Info:\n");
    for (k, v) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.write(LEVEL_0, &format!("  {k}:\t{v}\n"));
    }
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("PodCIDR:\t{cidr}\n"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.write(LEVEL_0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if let Some(p) = spec.provider_id.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("ProviderID:\t{p}\n"));
    }
    let allocatable = match &status.allocatable {
        Some(a) if !a.is_empty() => a.clone(),
        _ => status.capacity.clone().unwrap_or_default(),
    };
    let non_terminated: Vec<&Pod> = pods
        .iter()
        .filter_map(|o| o.pod())
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            )
        })
        .collect();
    node_resources(&mut w, &non_terminated, &allocatable, now);
    events(&mut w, evs, now);
    w.finish()
}

/// A summed resource list, keeping the format of the first quantity added (Go's Add).
type ResourceSums = BTreeMap<String, Qty>;

fn add(
    list: &mut ResourceSums,
    from: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) {
    for (name, q) in from.into_iter().flatten() {
        let Ok(v) = quantity::parse(&q.0) else {
            continue;
        };
        list.entry(name.clone())
            .and_modify(|e| e.milli += v.milli)
            .or_insert(v);
    }
}

fn max_into(list: &mut ResourceSums, other: &ResourceSums) {
    for (name, q) in other {
        match list.get(name) {
            Some(cur) if cur.milli >= q.milli => {}
            _ => {
                list.insert(name.clone(), *q);
            }
        }
    }
}

/// kubectl `resourcehelper.PodRequestsAndLimits`: containers summed, restartable init
/// containers added, other init containers as a maximum, plus the pod overhead.
fn pod_requests_and_limits(pod: &Pod) -> (ResourceSums, ResourceSums) {
    let spec = pod.spec.clone().unwrap_or_default();
    let pick = |c: &Container, limits: bool| {
        let r = c.resources.clone().unwrap_or_default();
        if limits {
            r.limits
        } else {
            r.requests
        }
    };
    let mut out = Vec::new();
    for limits in [false, true] {
        let mut total = ResourceSums::new();
        for c in &spec.containers {
            add(&mut total, pick(c, limits).as_ref());
        }
        let mut restartable = ResourceSums::new();
        let mut init_max = ResourceSums::new();
        for c in spec.init_containers.iter().flatten() {
            let own = pick(c, limits);
            let candidate = if c.restart_policy.as_deref() == Some("Always") {
                add(&mut total, own.as_ref());
                add(&mut restartable, own.as_ref());
                restartable.clone()
            } else {
                let mut tmp = ResourceSums::new();
                add(&mut tmp, own.as_ref());
                for (k, v) in &restartable {
                    tmp.entry(k.clone())
                        .and_modify(|e| e.milli += v.milli)
                        .or_insert(*v);
                }
                tmp
            };
            max_into(&mut init_max, &candidate);
        }
        max_into(&mut total, &init_max);
        if let Some(overhead) = &spec.overhead {
            if limits {
                for (name, q) in overhead {
                    if let (Some(cur), Ok(v)) = (total.get_mut(name), quantity::parse(&q.0)) {
                        cur.milli += v.milli;
                    }
                }
            } else {
                add(&mut total, Some(overhead));
            }
        }
        out.push(total);
    }
    let limits = out.pop().unwrap_or_default();
    let requests = out.pop().unwrap_or_default();
    (requests, limits)
}

fn text(q: Option<&Qty>) -> String {
    q.map_or("0".to_string(), |q| quantity::canonical(*q))
}

/// `int64(float64(x) / float64(total) * 100)`.
fn percent(x: i128, total: i128) -> i64 {
    if total == 0 {
        return 0;
    }
    (x as f64 / total as f64 * 100.0) as i64
}

fn milli(q: Option<&Qty>) -> i128 {
    q.map_or(0, |q| q.milli)
}

fn value(q: Option<&Qty>) -> i128 {
    q.map_or(0, |q| q.value())
}

/// How a resource is compared with the allocatable amount: milli-units or whole units.
type Measure = fn(Option<&Qty>) -> i128;

/// `describeNodeResource`.
fn node_resources(
    w: &mut Writer,
    pods: &[&Pod],
    allocatable: &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    now: SimTime,
) {
    let alloc: ResourceSums = allocatable
        .iter()
        .filter_map(|(k, q)| quantity::parse(&q.0).ok().map(|v| (k.clone(), v)))
        .collect();
    let alloc_cpu = milli(alloc.get("cpu"));
    let alloc_mem = value(alloc.get("memory"));
    w.write(
        LEVEL_0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut reqs = ResourceSums::new();
    let mut lims = ResourceSums::new();
    for pod in pods {
        let (r, l) = pod_requests_and_limits(pod);
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                pod.metadata.namespace.as_deref().unwrap_or(""),
                pod.metadata.name.as_deref().unwrap_or(""),
                text(r.get("cpu")),
                percent(milli(r.get("cpu")), alloc_cpu),
                text(l.get("cpu")),
                percent(milli(l.get("cpu")), alloc_cpu),
                text(r.get("memory")),
                percent(value(r.get("memory")), alloc_mem),
                text(l.get("memory")),
                percent(value(l.get("memory")), alloc_mem),
                since(pod.metadata.creation_timestamp.as_ref(), now)
            ),
        );
        for (k, v) in r {
            reqs.entry(k)
                .and_modify(|e| e.milli += v.milli)
                .or_insert(v);
        }
        for (k, v) in l {
            lims.entry(k)
                .and_modify(|e| e.milli += v.milli)
                .or_insert(v);
        }
    }
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let alloc_eph = value(alloc.get("ephemeral-storage"));
    let rows: [(&str, Measure, i128); 3] = [
        ("cpu", milli, alloc_cpu),
        ("memory", value, alloc_mem),
        ("ephemeral-storage", value, alloc_eph),
    ];
    for (name, measure, total) in rows {
        w.write(
            LEVEL_1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                text(reqs.get(name)),
                percent(measure(reqs.get(name)), total),
                text(lims.get(name)),
                percent(measure(lims.get(name)), total)
            ),
        );
    }
    let is_standard = |n: &str| matches!(n, "cpu" | "memory" | "ephemeral-storage" | "pods");
    for name in alloc.keys().filter(|n| n.starts_with("hugepages-")) {
        let total = value(alloc.get(name));
        w.write(
            LEVEL_1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                text(reqs.get(name)),
                percent(value(reqs.get(name)), total),
                text(lims.get(name)),
                percent(value(lims.get(name)), total)
            ),
        );
    }
    for name in alloc
        .keys()
        .filter(|n| !n.starts_with("hugepages-") && !is_standard(n))
    {
        w.write(
            LEVEL_1,
            &format!(
                "{name}\t{}\t{}\n",
                text(reqs.get(name)),
                text(lims.get(name))
            ),
        );
    }
}

/// The kubelet renews its Lease every 10 s while it runs; a stopped kubelet's lease keeps
/// the time of its last heartbeat.
pub fn lease_for(node: &Node, kubelet_up: bool, now: SimTime) -> LeaseInfo {
    let created = node
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| SimTime::from_chrono(t.0));
    let heartbeat = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .and_then(|c| c.last_heartbeat_time.clone());
    let renew_time = match (kubelet_up, created) {
        (true, Some(created)) => {
            let elapsed = (now - created).millis().max(0);
            let step = SimDuration::from_secs(10).millis();
            Some(Time(
                (created + SimDuration::from_millis(elapsed - elapsed % step)).to_chrono(),
            ))
        }
        _ => heartbeat,
    };
    LeaseInfo {
        holder: node.metadata.name.clone().unwrap_or_default(),
        renew_time,
    }
}
