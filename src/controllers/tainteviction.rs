//! The taint eviction controller (`taint-eviction-controller`, split from the node
//! lifecycle controller in 1.29): pods on a node with NoExecute taints they do not
//! tolerate are deleted at once; pods that tolerate them for `tolerationSeconds` (the
//! default 300 s from admission) are deleted that long after the controller saw the taint,
//! unless the taint goes first. Deletion adds the `DisruptionTarget` condition
//! (`DeletionByTaintManager`) and deletes with the pod's grace period — a pod on a node whose
//! kubelet is down then stays Terminating until the kubelet is back.

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::controllers::scheduler::tolerates;
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{DeleteOptions, WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::core::v1::{PodCondition, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;

pub const NAME: &str = "taint-eviction-controller";

#[derive(Default)]
pub struct TaintEviction {
    /// Pod key → (uid, node, when its eviction was scheduled).
    scheduled: BTreeMap<ObjKey, (String, String, SimTime)>,
}

/// How long tolerations let a pod stay with these NoExecute taints: `None` forever,
/// `Some(0)` not at all. As `GetMatchingTolerations` + `getMinTolerationTime`: each taint
/// is matched by the first toleration that tolerates it; the shortest `tolerationSeconds`
/// among those wins, and only if none has one do they tolerate forever.
pub fn toleration_window(taints: &[Taint], tolerations: &[Toleration]) -> Option<i64> {
    let mut used = Vec::new();
    for taint in taints.iter().filter(|t| t.effect == "NoExecute") {
        match tolerations
            .iter()
            .find(|t| tolerates(std::slice::from_ref(t), taint))
        {
            Some(t) => used.push(t),
            None => return Some(0),
        }
    }
    used.iter()
        .filter_map(|t| t.toleration_seconds)
        .map(|s| s.max(0))
        .min()
}

impl Controller for TaintEviction {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, _world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::Node => out.push(change.key()),
            Kind::Pod if change.kind != WatchType::Deleted => {
                if let Some(node) = obj
                    .pod()
                    .and_then(|p| p.spec.as_ref()?.node_name.clone())
                    .filter(|n| !n.is_empty())
                {
                    out.push(ObjKey::new(Kind::Node, "", &node));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let taints: Vec<Taint> = world
            .store
            .get(key)
            .and_then(|n| n.node()?.spec.as_ref()?.taints.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.effect == "NoExecute")
            .collect();
        // Without NoExecute taints and with no eviction pending anywhere there is nothing to
        // do or cancel: a pod change on an untainted node costs no walk over its pods.
        if taints.is_empty() && self.scheduled.is_empty() {
            return;
        }
        let pods = world.store.pods_on_node(&key.name);
        let on_node: Vec<ObjKey> = pods.iter().map(|p| p.key()).collect();
        // Evictions scheduled for pods no longer on this node are dropped.
        self.scheduled
            .retain(|k, (_, node, _)| *node != key.name || on_node.contains(k));
        let mut next: Option<SimTime> = None;
        for pod in pods {
            if pod.is_deleting() {
                self.scheduled.remove(&pod.key());
                continue;
            }
            let tolerations = pod
                .pod()
                .and_then(|p| p.spec.as_ref()?.tolerations.clone())
                .unwrap_or_default();
            let pk = pod.key();
            let window = if taints.is_empty() {
                None
            } else {
                toleration_window(&taints, &tolerations)
            };
            let Some(secs) = window else {
                if self.scheduled.remove(&pk).is_some() {
                    let msg = format!("Cancelling deletion of Pod {}/{}", pk.namespace, pk.name);
                    world.record_event(&pod, "Normal", "TaintManagerEviction", msg, NAME);
                }
                continue;
            };
            let start = match self.scheduled.get(&pk) {
                Some((uid, _, t)) if uid == pod.uid() => *t,
                _ => {
                    self.scheduled
                        .insert(pk.clone(), (pod.uid().to_string(), key.name.clone(), now));
                    now
                }
            };
            let at = start + SimDuration::from_secs(secs);
            if at > now {
                next = Some(next.map_or(at, |n| n.min(at)));
                continue;
            }
            self.scheduled.remove(&pk);
            evict(world, &pod);
        }
        if let Some(at) = next {
            world.wake(at, TimerClass::Work, NAME, key.clone());
        }
    }
}

fn evict(world: &mut World, pod: &Object) {
    let now = world.now;
    let key = pod.key();
    world.record_event(
        pod,
        "Normal",
        "TaintManagerEviction",
        format!("Marking for deletion Pod {}/{}", key.namespace, key.name),
        NAME,
    );
    let _ = world.store.modify(&key, now, |o| {
        let Some(status) = o
            .pod_mut()
            .map(|p| p.status.get_or_insert_with(Default::default))
        else {
            return;
        };
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        if conditions
            .iter()
            .any(|c| c.type_ == "DisruptionTarget" && c.status == "True")
        {
            return;
        }
        conditions.retain(|c| c.type_ != "DisruptionTarget");
        conditions.push(PodCondition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            reason: Some("DeletionByTaintManager".into()),
            message: Some("Taint manager: deleting due to NoExecute taint".into()),
            last_transition_time: Some(Time(now.truncate_to_secs().to_chrono())),
            ..Default::default()
        });
    });
    let _ = world.store.delete(&key, &DeleteOptions::default(), now);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str) -> Taint {
        Taint {
            key: key.into(),
            effect: "NoExecute".into(),
            ..Default::default()
        }
    }
    fn tol(key: &str, secs: Option<i64>) -> Toleration {
        Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: secs,
            value: None,
        }
    }

    #[test]
    fn the_shortest_toleration_decides_and_untolerated_taints_evict_at_once() {
        let t = [taint("node.kubernetes.io/unreachable")];
        assert_eq!(
            toleration_window(&t, &[tol("node.kubernetes.io/unreachable", Some(300))]),
            Some(300)
        );
        assert_eq!(
            toleration_window(&t, &[tol("node.kubernetes.io/unreachable", None)]),
            None
        );
        assert_eq!(toleration_window(&t, &[]), Some(0));
        let two = [taint("a"), taint("b")];
        assert_eq!(
            toleration_window(&two, &[tol("a", Some(60)), tol("b", Some(30))]),
            Some(30)
        );
        assert_eq!(toleration_window(&[], &[]), None);
    }
}
