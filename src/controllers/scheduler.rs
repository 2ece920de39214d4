//! kube-scheduler: binds pending pods to nodes. Filters: nodeName, unschedulable,
//! nodeSelector + required node affinity (matchExpressions and matchFields), taints vs
//! tolerations, requested CPU/memory vs allocatable, pod count. Scores by least-allocated
//! (with the scheduler's non-zero defaults for pods without requests); ties go to the
//! seeded RNG. Like kube-scheduler, large clusters are searched from a rotating start and
//! stop after enough feasible nodes (`percentageOfNodesToScore`).

use super::Controller;
use crate::api::quantity;
use crate::api::{Kind, ObjKey, Object};
use crate::store::{WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodCondition, PodSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const NAME: &str = "default-scheduler";
/// Requests assumed for scoring a container that sets none (schedutil `DefaultMilliCPURequest`, `DefaultMemoryRequest`).
const DEFAULT_MILLI_CPU: i128 = 100;
const DEFAULT_MEMORY: i128 = 200 * 1024 * 1024;

/// What one pod asks of a node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Demand {
    pub milli_cpu: i128,
    pub memory: i128,
    /// The same with the scoring defaults for containers without requests.
    pub score_cpu: i128,
    pub score_memory: i128,
}

/// What is already placed on a node.
#[derive(Clone, Copy, Debug, Default)]
struct Usage {
    demand: Demand,
    pods: i64,
}

/// A node as the filters and scores read it: its allocatable parsed once per node version,
/// not once per pod and node.
struct NodeInfo {
    obj: Arc<Object>,
    /// Index into `Scheduler::usage`.
    slot: usize,
    cpu: i128,
    memory: i128,
    pods: i64,
}

impl NodeInfo {
    fn new(obj: Arc<Object>, slot: usize) -> NodeInfo {
        let node = obj.node().expect("node");
        let (cpu, memory, pods) = (
            allocatable(node, "cpu"),
            allocatable(node, "memory"),
            allocatable(node, "pods") as i64,
        );
        NodeInfo {
            obj,
            slot,
            cpu,
            memory,
            pods,
        }
    }
    fn node(&self) -> &Node {
        self.obj.node().expect("node")
    }
}

#[derive(Default)]
pub struct Scheduler {
    /// Per node slot (`slots`): the sum of what bound, unfinished pods ask.
    usage: Vec<Usage>,
    /// Node name → its slot in `usage`; slots are never reused, so counts survive a node
    /// being deleted and added back.
    slots: BTreeMap<String, usize>,
    /// The nodes in name order, rebuilt from the store after any node changed.
    nodes: Option<Vec<NodeInfo>>,
    /// Per pod uid: what it was counted for, to undo when it changes.
    counted: BTreeMap<String, (String, Demand)>,
    /// Pods that did not fit, retried when the cluster changes.
    unschedulable: BTreeSet<ObjKey>,
    /// Per pod: the resourceVersion of the scheduler's own Unschedulable status write, whose
    /// watch event must not trigger another attempt (one FailedScheduling per attempt).
    own_writes: BTreeMap<ObjKey, String>,
    next_start: usize,
}

pub fn pod_demand(pod: &Pod) -> Demand {
    let mut d = Demand::default();
    for c in pod.spec.iter().flat_map(|s| s.containers.iter()) {
        let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let get = |name: &str| {
            req.and_then(|r| r.get(name))
                .and_then(|q| quantity::parse(&q.0).ok())
        };
        let cpu = get("cpu").map(|q| q.milli).unwrap_or(0);
        let mem = get("memory").map(|q| q.value()).unwrap_or(0);
        d.milli_cpu += cpu;
        d.memory += mem;
        d.score_cpu += if cpu == 0 { DEFAULT_MILLI_CPU } else { cpu };
        d.score_memory += if mem == 0 { DEFAULT_MEMORY } else { mem };
    }
    d
}

fn pod_is_finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded") | Some("Failed")
    )
}

fn bound_node(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

fn wants_scheduling(pod: &Pod) -> bool {
    bound_node(pod).is_none()
        && pod.metadata.deletion_timestamp.is_none()
        && pod
            .spec
            .as_ref()
            .and_then(|s| s.scheduler_name.as_deref())
            .unwrap_or(NAME)
            == NAME
}

fn allocatable(node: &Node, name: &str) -> i128 {
    let q = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.as_ref())
        .and_then(|a| a.get(name));
    q.and_then(|q| quantity::parse(&q.0).ok())
        .map(|q| if name == "cpu" { q.milli } else { q.value() })
        .unwrap_or(0)
}

/// Whether `tolerations` tolerate `taint` (`Toleration.ToleratesTaint`).
pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == taint.effect);
        let key = t.key.as_deref().unwrap_or("");
        let key_ok = key.is_empty() || key == taint.key;
        let op = t.operator.as_deref().unwrap_or("Equal");
        let value_ok = match op {
            "Exists" => true,
            _ => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        };
        // An empty key with Exists tolerates everything.
        effect_ok && key_ok && value_ok && (!key.is_empty() || op == "Exists")
    })
}

/// One node selector requirement against a value (`labels.Requirement.Matches` for the
/// node selector operators); an unparsable Gt/Lt bound matches nothing.
fn requirement_matches(req: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = req.values.as_deref().unwrap_or(&[]);
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" if values.len() == 1 => {
            let (Some(v), Ok(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values[0].parse::<i64>(),
            ) else {
                return false;
            };
            if req.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// A node selector term: its expressions against the labels and its fields against
/// `metadata.name` (the only field supported); an empty term matches nothing.
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let labels = node.metadata.labels.as_ref();
    let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs
        .iter()
        .all(|r| requirement_matches(r, labels.and_then(|l| l.get(&r.key)).map(String::as_str)))
        && fields.iter().all(|r| {
            r.key == "metadata.name" && requirement_matches(r, node.metadata.name.as_deref())
        })
}

/// `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: the nodeSelector, then any of
/// the required node affinity terms. Shared by the scheduler and the DaemonSet controller;
/// reads the node in place, as it runs for every node a pod is tried on.
pub fn fits_node_affinity(spec: &PodSpec, node: &Node) -> bool {
    let labels = node.metadata.labels.as_ref();
    if let Some(sel) = &spec.node_selector {
        if !sel
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
        {
            return false;
        }
    }
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    required.is_none_or(|r| r.node_selector_terms.iter().any(|t| term_matches(t, node)))
}

/// The first taint with effect NoSchedule/NoExecute that the tolerations do not cover.
pub fn untolerated_taint<'a>(taints: &'a [Taint], tolerations: &[Toleration]) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|t| !tolerates(tolerations, t))
}

/// Why a node cannot take a pod, in kube-scheduler's words; `None` if it can.
fn filter(pod: &Pod, demand: &Demand, info: &NodeInfo, usage: &Usage) -> Option<Vec<String>> {
    let spec = pod.spec.as_ref()?;
    let tolerations = spec.tolerations.as_deref().unwrap_or(&[]);
    let node = info.node();
    let node_spec = node.spec.as_ref();
    let node_taints = node_spec.and_then(|s| s.taints.as_deref()).unwrap_or(&[]);
    if node_spec.and_then(|s| s.unschedulable) == Some(true) {
        let t = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        };
        if !tolerates(tolerations, &t) {
            return Some(vec!["node(s) were unschedulable".into()]);
        }
    }
    if !pod
        .spec
        .as_ref()
        .is_none_or(|s| fits_node_affinity(s, node))
    {
        return Some(vec![
            "node(s) didn't match Pod's node affinity/selector".into()
        ]);
    }
    if let Some(t) = untolerated_taint(node_taints, tolerations) {
        return Some(vec![format!(
            "node(s) had untolerated taint {{{}: {}}}",
            t.key,
            t.value.as_deref().unwrap_or("")
        )]);
    }
    let mut reasons = Vec::new();
    if usage.pods + 1 > info.pods {
        reasons.push("Too many pods".to_string());
    }
    if demand.milli_cpu > 0 && usage.demand.milli_cpu + demand.milli_cpu > info.cpu {
        reasons.push("Insufficient cpu".to_string());
    }
    if demand.memory > 0 && usage.demand.memory + demand.memory > info.memory {
        reasons.push("Insufficient memory".to_string());
    }
    (!reasons.is_empty()).then_some(reasons)
}

/// LeastAllocated + BalancedAllocation, each 0–100.
fn score(demand: &Demand, info: &NodeInfo, usage: &Usage) -> i128 {
    let (cpu_cap, mem_cap) = (info.cpu.max(1), info.memory.max(1));
    let cpu = (usage.demand.score_cpu + demand.score_cpu).min(cpu_cap);
    let mem = (usage.demand.score_memory + demand.score_memory).min(mem_cap);
    let least = ((cpu_cap - cpu) * 100 / cpu_cap + (mem_cap - mem) * 100 / mem_cap) / 2;
    let (fc, fm) = (cpu * 100 / cpu_cap, mem * 100 / mem_cap);
    let balanced = 100 - (fc - fm).abs() / 2;
    least + balanced
}

/// How many feasible nodes kube-scheduler looks for before it stops searching
/// (`numFeasibleNodesToFind` with the adaptive percentage).
fn feasible_to_find(total: usize) -> usize {
    if total < 100 {
        return total;
    }
    let pct = (50 - total as i64 / 125).max(5) as usize;
    (total * pct / 100).max(100)
}

/// kube-scheduler's FitError text: reasons counted over nodes, sorted, plus the
/// preemption post-filter's verdict.
fn failure_message(
    total: usize,
    reasons: &BTreeMap<String, usize>,
    resource_nodes: usize,
) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    let mut preemption = Vec::new();
    if resource_nodes > 0 {
        preemption.push(format!(
            "{resource_nodes} No preemption victims found for incoming pod"
        ));
    }
    if total > resource_nodes {
        preemption.push(format!(
            "{} Preemption is not helpful for scheduling",
            total - resource_nodes
        ));
    }
    preemption.sort();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        preemption.join(", ")
    )
}

impl Scheduler {
    fn slot(&mut self, node: &str) -> usize {
        if let Some(&i) = self.slots.get(node) {
            return i;
        }
        let i = self.usage.len();
        self.usage.push(Usage::default());
        self.slots.insert(node.to_string(), i);
        i
    }

    /// The nodes in name order, parsed (rebuilt only after a node changed).
    fn node_infos(&mut self, world: &World) -> &[NodeInfo] {
        if self.nodes.is_none() {
            let objs: Vec<Arc<Object>> = world.store.list(Kind::Node, None).cloned().collect();
            let infos = objs
                .into_iter()
                .map(|o| {
                    let slot = self.slot(o.name());
                    NodeInfo::new(o, slot)
                })
                .collect();
            self.nodes = Some(infos);
        }
        self.nodes.as_deref().unwrap_or(&[])
    }

    fn recount(&mut self, change: &WatchEvent) {
        let Some(pod) = change.object.pod() else {
            return;
        };
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        if let Some((node, d)) = self.counted.remove(&uid) {
            let slot = self.slot(&node);
            if let Some(u) = self.usage.get_mut(slot) {
                u.pods -= 1;
                u.demand.milli_cpu -= d.milli_cpu;
                u.demand.memory -= d.memory;
                u.demand.score_cpu -= d.score_cpu;
                u.demand.score_memory -= d.score_memory;
            }
        }
        if change.kind == WatchType::Deleted || pod_is_finished(pod) {
            return;
        }
        if let Some(node) = bound_node(pod) {
            let d = pod_demand(pod);
            let slot = self.slot(node);
            let u = &mut self.usage[slot];
            u.pods += 1;
            u.demand.milli_cpu += d.milli_cpu;
            u.demand.memory += d.memory;
            u.demand.score_cpu += d.score_cpu;
            u.demand.score_memory += d.score_memory;
            self.counted.insert(uid, (node.to_string(), d));
        }
    }

    /// Marks the pod Unschedulable, records one FailedScheduling and parks the pod until
    /// the cluster changes.
    fn set_unschedulable(
        &mut self,
        world: &mut World,
        key: &ObjKey,
        obj: &Object,
        message: String,
    ) {
        Self::set_scheduled_condition(world, key, None, &message);
        if let Some(rv) = world
            .store
            .get(key)
            .and_then(|o| o.meta().resource_version.clone())
        {
            self.own_writes.insert(key.clone(), rv);
        }
        world.record_event(obj, "Warning", "FailedScheduling", message, NAME);
        self.unschedulable.insert(key.clone());
    }

    fn set_scheduled_condition(world: &mut World, key: &ObjKey, node: Option<&str>, message: &str) {
        let now = world.now;
        let stamp = Time(now.truncate_to_secs().to_chrono());
        let _ = world.store.modify(key, now, |o| {
            let Some(pod) = o.pod_mut() else { return };
            if let Some(n) = node {
                pod.spec.get_or_insert_with(Default::default).node_name = Some(n.to_string());
            }
            let status = pod.status.get_or_insert_with(Default::default);
            status.phase.get_or_insert_with(|| "Pending".into());
            let conditions = status.conditions.get_or_insert_with(Vec::new);
            let cond = if node.is_some() {
                PodCondition {
                    type_: "PodScheduled".into(),
                    status: "True".into(),
                    last_transition_time: Some(stamp.clone()),
                    ..Default::default()
                }
            } else {
                PodCondition {
                    type_: "PodScheduled".into(),
                    status: "False".into(),
                    reason: Some("Unschedulable".into()),
                    message: Some(message.into()),
                    last_transition_time: Some(stamp.clone()),
                    ..Default::default()
                }
            };
            match conditions.iter_mut().find(|c| c.type_ == "PodScheduled") {
                Some(c) if c.status == cond.status && c.message == cond.message => {}
                Some(c) => *c = cond,
                None => conditions.push(cond),
            }
        });
    }
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, _world: &World, out: &mut Vec<ObjKey>) {
        match change.object.kind() {
            Kind::Pod => {
                self.recount(change);
                let pod = change.object.pod().expect("pod");
                let key = change.key();
                let own_write = change.kind == WatchType::Modified
                    && self.own_writes.get(&key).map(String::as_str)
                        == pod.metadata.resource_version.as_deref();
                if change.kind != WatchType::Deleted && wants_scheduling(pod) && !own_write {
                    out.push(key);
                }
                let frees_room = change.kind == WatchType::Deleted || pod_is_finished(pod);
                if frees_room && !self.unschedulable.is_empty() {
                    out.extend(self.unschedulable.iter().cloned());
                }
            }
            Kind::Node => {
                self.nodes = None;
                out.extend(self.unschedulable.iter().cloned())
            }
            Kind::PersistentVolumeClaim => out.extend(self.unschedulable.iter().cloned()),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        self.own_writes.remove(key);
        let Some(obj) = world.store.get(key).cloned() else {
            self.unschedulable.remove(key);
            return;
        };
        let Some(pod) = obj.pod() else { return };
        if !wants_scheduling(pod) {
            self.unschedulable.remove(key);
            return;
        }
        // VolumeBinding PreFilter: claims must exist and (Immediate ones) be bound.
        if let Some(reason) = super::volume::unschedulable_reason(&world.store, pod) {
            let n = world.nodes().count();
            let message = format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
            self.set_unschedulable(world, key, &obj, message);
            return;
        }
        let demand = pod_demand(pod);
        // NodeAffinity's PreFilter: a pod pinned by `matchFields metadata.name In [...]` (every
        // DaemonSet pod) is only tried on the named nodes; the full walk below runs only to
        // explain a failure.
        if let Some(named) = pinned_node_names(pod) {
            let mut candidates: Vec<(String, i128)> = Vec::new();
            for name in &named {
                let Some(node_obj) = world.store.get_named(Kind::Node, "", name) else {
                    continue;
                };
                let info = NodeInfo::new(node_obj.clone(), self.slot(name));
                let usage = self.usage[info.slot];
                if filter(pod, &demand, &info, &usage).is_none() {
                    candidates.push((name.clone(), score(&demand, &info, &usage)));
                }
            }
            if let Some(best) = candidates.iter().map(|(_, s)| *s).max() {
                let top: Vec<&String> = candidates
                    .iter()
                    .filter(|(_, s)| *s == best)
                    .map(|(n, _)| n)
                    .collect();
                let node_name = top[world.rng.below(top.len())].clone();
                self.bind(world, key, &node_name);
                return;
            }
        }
        self.node_infos(world);
        let nodes = self.nodes.as_deref().unwrap_or(&[]);
        let total = nodes.len();
        let want = feasible_to_find(total);
        let mut feasible: Vec<(usize, i128)> = Vec::new();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut resource_nodes = 0;
        let start = if total > 0 {
            self.next_start % total
        } else {
            0
        };
        let mut examined = 0;
        for offset in 0..total {
            if feasible.len() >= want {
                break;
            }
            examined += 1;
            let i = (start + offset) % total;
            let info = &nodes[i];
            let usage = &self.usage[info.slot];
            match filter(pod, &demand, info, usage) {
                None => feasible.push((i, score(&demand, info, usage))),
                Some(rs) => {
                    if rs
                        .iter()
                        .any(|r| r.starts_with("Insufficient") || r == "Too many pods")
                    {
                        resource_nodes += 1;
                    }
                    for r in rs {
                        *reasons.entry(r).or_default() += 1;
                    }
                }
            }
        }
        if total > 0 {
            self.next_start = (start + examined) % total;
        }
        let best = feasible.iter().map(|(_, s)| *s).max();
        let Some(best) = best else {
            let message = failure_message(total, &reasons, resource_nodes);
            self.set_unschedulable(world, key, &obj, message);
            return;
        };
        let top: Vec<usize> = feasible
            .iter()
            .filter(|(_, s)| *s == best)
            .map(|(i, _)| *i)
            .collect();
        let chosen = top[world.rng.below(top.len())];
        let node_name = nodes[chosen].obj.name().to_string();
        self.bind(world, key, &node_name);
    }
}

impl Scheduler {
    fn bind(&mut self, world: &mut World, key: &ObjKey, node_name: &str) {
        self.unschedulable.remove(key);
        Self::set_scheduled_condition(world, key, Some(node_name), "");
        if let Some(bound) = world.store.get(key).cloned() {
            world.record_event(
                &bound,
                "Normal",
                "Scheduled",
                format!(
                    "Successfully assigned {}/{} to {node_name}",
                    bound.namespace(),
                    bound.name()
                ),
                NAME,
            );
        }
    }
}

/// The node names a pod's required node affinity pins it to, when every term is a
/// `matchFields metadata.name In [...]` (NodeAffinity PreFilter's `PreFilterResult`).
fn pinned_node_names(pod: &Pod) -> Option<BTreeSet<String>> {
    let terms = &pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    let mut names = BTreeSet::new();
    for term in terms {
        let pinned = term
            .match_fields
            .iter()
            .flatten()
            .find(|r| r.key == "metadata.name" && r.operator == "In")?;
        names.extend(pinned.values.iter().flatten().cloned());
    }
    (!terms.is_empty()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_message_counts_and_sorts_reasons_like_kube_scheduler() {
        let reasons = BTreeMap::from([("Insufficient cpu".to_string(), 3)]);
        assert_eq!(
            failure_message(3, &reasons, 3),
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
        let reasons = BTreeMap::from([
            (
                "node(s) didn't match Pod's node affinity/selector".to_string(),
                2,
            ),
            ("Insufficient memory".to_string(), 1),
        ]);
        assert_eq!(
            failure_message(3, &reasons, 1),
            "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn tolerations_follow_the_api_rules() {
        let taint = Taint {
            key: "k".into(),
            value: Some("v".into()),
            effect: "NoSchedule".into(),
            time_added: None,
        };
        let t =
            |key: Option<&str>, op: &str, value: Option<&str>, effect: Option<&str>| Toleration {
                key: key.map(Into::into),
                operator: Some(op.into()),
                value: value.map(Into::into),
                effect: effect.map(Into::into),
                toleration_seconds: None,
            };
        assert!(tolerates(
            &[t(Some("k"), "Equal", Some("v"), Some("NoSchedule"))],
            &taint
        ));
        assert!(tolerates(&[t(Some("k"), "Exists", None, None)], &taint));
        assert!(tolerates(&[t(None, "Exists", None, None)], &taint));
        assert!(!tolerates(
            &[t(Some("k"), "Equal", Some("w"), None)],
            &taint
        ));
        assert!(!tolerates(
            &[t(Some("k"), "Exists", None, Some("NoExecute"))],
            &taint
        ));
    }

    #[test]
    fn large_clusters_search_a_sample_of_nodes() {
        assert_eq!(feasible_to_find(50), 50);
        assert_eq!(feasible_to_find(5000), 500);
        assert_eq!(feasible_to_find(100), 100);
    }
}
