//! What the invariants look at, read from the store once per check: pods, nodes and the
//! four workload kinds, reduced to the fields the invariants need. Written independently
//! of the controllers (it must not share their mistakes).

use crate::api::{Kind, Object};
use crate::sim::SimTime;
use crate::store::Store;
use k8s_openapi::api::core::v1::Pod;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct PodInfo {
    pub name: String,
    pub uid: String,
    /// The controller owner's uid and kind.
    pub owner: Option<(String, String)>,
    /// `spec.nodeName`, or the node a DaemonSet pod is pinned to by affinity (fact 20).
    pub node: Option<String>,
    pub bound: bool,
    pub deleting: bool,
    pub phase: String,
    pub ready: bool,
    pub ready_since: Option<SimTime>,
    pub labels: BTreeMap<String, String>,
    /// The first container's image.
    pub image: String,
}

impl PodInfo {
    pub fn terminal(&self) -> bool {
        self.phase == "Succeeded" || self.phase == "Failed"
    }
    /// Counts as a live pod: not terminating and not finished.
    pub fn active(&self) -> bool {
        !self.deleting && !self.terminal()
    }
    pub fn running_ready(&self) -> bool {
        self.phase == "Running" && self.ready && !self.deleting
    }
    /// `IsPodAvailable` (fact 36): Ready, and Ready for more than minReadySeconds.
    pub fn available(&self, min_ready: i64, now: SimTime) -> bool {
        self.ready
            && self
                .ready_since
                .is_some_and(|t| min_ready == 0 || t.0 + min_ready * 1000 < now.0)
    }
    pub fn ordinal(&self) -> Option<i64> {
        self.name.rsplit('-').next()?.parse().ok()
    }
}

#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub ready: bool,
    /// (key, effect) of every taint.
    pub taints: Vec<(String, String)>,
}

/// Everything the invariants read at one instant.
#[derive(Default)]
pub struct Snapshot {
    pub now: SimTime,
    pub pods: BTreeMap<String, PodInfo>,
    pub nodes: BTreeMap<String, NodeInfo>,
    /// uid → object, for the workload kinds.
    pub workloads: BTreeMap<String, std::sync::Arc<Object>>,
}

impl Snapshot {
    pub fn take(store: &Store, now: SimTime) -> Snapshot {
        let mut s = Snapshot {
            now,
            ..Snapshot::default()
        };
        for obj in store.list(Kind::Pod, None) {
            if let Some(pod) = obj.pod() {
                s.pods.insert(obj.uid().to_string(), pod_info(obj, pod));
            }
        }
        for obj in store.list(Kind::Node, None) {
            let Some(node) = obj.node() else { continue };
            let ready = node
                .status
                .as_ref()
                .and_then(|st| st.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            let taints = node
                .spec
                .as_ref()
                .and_then(|sp| sp.taints.as_ref())
                .into_iter()
                .flatten()
                .map(|t| (t.key.clone(), t.effect.clone()))
                .collect();
            s.nodes
                .insert(obj.name().to_string(), NodeInfo { ready, taints });
        }
        for kind in [Kind::DaemonSet, Kind::StatefulSet, Kind::Job, Kind::CronJob] {
            for obj in store.list(kind, None) {
                s.workloads.insert(obj.uid().to_string(), obj.clone());
            }
        }
        s
    }

    /// The pods whose controller is `uid`.
    pub fn owned<'a>(&'a self, uid: &'a str) -> impl Iterator<Item = &'a PodInfo> + 'a {
        self.pods
            .values()
            .filter(move |p| p.owner.as_ref().is_some_and(|(u, _)| u == uid))
    }

    pub fn node_ready(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|n| n.ready)
    }
}

fn pod_info(obj: &Object, pod: &Pod) -> PodInfo {
    let spec = pod.spec.as_ref();
    let node_name = spec
        .and_then(|s| s.node_name.clone())
        .filter(|n| !n.is_empty());
    let pinned = spec
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .and_then(|r| r.node_selector_terms.first())
        .and_then(|t| t.match_fields.as_ref())
        .and_then(|f| f.first())
        .filter(|f| f.key == "metadata.name")
        .and_then(|f| f.values.as_ref())
        .and_then(|v| v.first().cloned());
    let status = pod.status.as_ref();
    let ready_cond = status
        .and_then(|st| st.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "Ready");
    PodInfo {
        name: obj.name().to_string(),
        uid: obj.uid().to_string(),
        owner: obj
            .controller_ref()
            .map(|r| (r.uid.clone(), r.kind.clone())),
        bound: node_name.is_some(),
        node: node_name.or(pinned),
        deleting: obj.is_deleting(),
        phase: status
            .and_then(|st| st.phase.clone())
            .unwrap_or_else(|| "Pending".to_string()),
        ready: ready_cond.is_some_and(|c| c.status == "True"),
        ready_since: ready_cond
            .and_then(|c| c.last_transition_time.as_ref())
            .map(|t| SimTime::from_chrono(t.0)),
        labels: obj.labels().clone(),
        image: spec
            .and_then(|s| s.containers.first())
            .and_then(|c| c.image.clone())
            .unwrap_or_default(),
    }
}
