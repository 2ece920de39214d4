//! PodGC (kube-controller-manager's pod garbage collector), the part that matters here:
//! pods bound to a node that no longer exists are force-deleted — phase `Failed` and the
//! `DisruptionTarget` condition (`DeletionByPodGC`, "PodGC: node no longer exists") first,
//! then a delete with grace 0 (fact 18). PodGC runs every 20 s from the controller
//! manager's start; the first run after the node is gone puts it in a 40 s quarantine, and
//! the run after that deletes its pods: 40 to 60 s after the node was deleted. klab
//! computes that instant instead of ticking. Also `gcTerminating`: terminating pods on a
//! not-ready node tainted `node.kubernetes.io/out-of-service` are force-deleted.

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{DeleteOptions, WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::core::v1::PodCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NAME: &str = "pod-garbage-collector";
/// `--pod-gc-period`… the loop period (`gcCheckPeriod`).
pub const GC_PERIOD: SimDuration = SimDuration(20_000);
/// How long a missing node is quarantined before its pods are collected.
pub const QUARANTINE: SimDuration = SimDuration(40_000);
pub const OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";

#[derive(Default)]
pub struct PodGc {
    /// Missing node → when its pods are collected.
    collect_at: BTreeMap<String, SimTime>,
}

fn node_of(obj: &Object) -> Option<&str> {
    obj.pod()?
        .spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

/// The first PodGC run strictly after `t` (runs at start, start + 20 s, …).
pub fn next_run_after(start: SimTime, t: SimTime) -> SimTime {
    let periods = (t - start).0.div_euclid(GC_PERIOD.0) + 1;
    start + SimDuration(periods * GC_PERIOD.0)
}

impl Controller for PodGc {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::Node => out.push(change.key()),
            Kind::Pod if change.kind != WatchType::Deleted => {
                if let Some(node) = node_of(obj) {
                    if world.store.get_named(Kind::Node, "", node).is_none() || obj.is_deleting() {
                        out.push(ObjKey::new(Kind::Node, "", node));
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        if let Some(node) = world.store.get(key).cloned() {
            self.collect_at.remove(&key.name);
            gc_terminating(world, &node);
            return;
        }
        let pods: Vec<Arc<Object>> = world.store.pods_on_node(&key.name);
        if pods.is_empty() {
            self.collect_at.remove(&key.name);
            return;
        }
        let at = *self
            .collect_at
            .entry(key.name.clone())
            .or_insert_with(|| next_run_after(world.start, now) + QUARANTINE);
        if now < at {
            world.wake(at, TimerClass::Work, NAME, key.clone());
            return;
        }
        self.collect_at.remove(&key.name);
        let condition = PodCondition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            reason: Some("DeletionByPodGC".into()),
            message: Some("PodGC: node no longer exists".into()),
            last_transition_time: Some(Time(now.truncate_to_secs().to_chrono())),
            ..Default::default()
        };
        for p in pods {
            mark_failed_and_delete(world, &p.key(), Some(condition.clone()));
        }
    }
}

/// `markFailedAndDeletePodWithCondition`: phase Failed (with the condition) unless the pod
/// already finished, then delete with grace 0.
fn mark_failed_and_delete(world: &mut World, key: &ObjKey, condition: Option<PodCondition>) {
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        let Some(pod) = o.pod_mut() else { return };
        let status = pod.status.get_or_insert_with(Default::default);
        if matches!(status.phase.as_deref(), Some("Succeeded") | Some("Failed")) {
            return;
        }
        status.phase = Some("Failed".into());
        if let Some(c) = &condition {
            let conditions = status.conditions.get_or_insert_with(Vec::new);
            match conditions.iter_mut().find(|x| x.type_ == c.type_) {
                Some(x) => *x = c.clone(),
                None => conditions.push(c.clone()),
            }
        }
    });
    let _ = world.store.delete(key, &DeleteOptions::now(), now);
}

/// Terminating pods on a node that is not ready and tainted out-of-service.
fn gc_terminating(world: &mut World, node: &Object) {
    let Some(n) = node.node() else { return };
    let ready = n
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True");
    let out_of_service = n
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|t| {
            t.iter()
                .any(|t| t.key == OUT_OF_SERVICE && t.effect == "NoExecute")
        });
    if ready || !out_of_service {
        return;
    }
    for p in world.store.pods_on_node(node.name()) {
        if p.is_deleting() {
            mark_failed_and_delete(world, &p.key(), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_collected_at_the_run_after_a_40s_quarantine_fact_18() {
        let start = SimTime(0);
        assert_eq!(next_run_after(start, SimTime(0)), SimTime(20_000));
        assert_eq!(next_run_after(start, SimTime(19_999)), SimTime(20_000));
        assert_eq!(next_run_after(start, SimTime(20_000)), SimTime(40_000));
        assert_eq!(
            next_run_after(start, SimTime(65_000)) + QUARANTINE,
            SimTime(120_000)
        );
    }
}
