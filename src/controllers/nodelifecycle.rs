//! The node lifecycle controller (kube-controller-manager), as 1.32 runs it:
//! - a node whose kubelet stopped posting status (`node_down`) is marked unhealthy at the
//!   first monitor pass (every 5 s) more than `node-monitor-grace-period` (50 s in 1.32)
//!   after the kubelet's last lease renewal (every 10 s): Ready, MemoryPressure,
//!   DiskPressure and PIDPressure become `Unknown` ("Kubelet stopped posting node status."),
//!   its pods' Ready condition turns False, and it gets the `node.kubernetes.io/unreachable`
//!   NoExecute and NoSchedule taints (the taint eviction controller does the rest);
//! - when the kubelet posts Ready again (`node_up`), the taints go;
//! - a cordoned node (`spec.unschedulable`) gets `node.kubernetes.io/unschedulable:NoSchedule`.
//!
//! Heartbeats are not simulated one by one: when the kubelet stopped is known, so is when
//! the controller notices.

use super::admission::TAINT_UNREACHABLE;
use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::WatchEvent;
use crate::world::World;
use k8s_openapi::api::core::v1::{NodeCondition, Taint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::sync::Arc;

pub const NAME: &str = "node-lifecycle-controller";
/// The component name on its events.
pub const COMPONENT: &str = "node-controller";
/// `--node-monitor-grace-period` default since 1.32 (kubernetes/kubernetes#126287; 40 s before).
pub const GRACE_PERIOD: SimDuration = SimDuration(50_000);
/// `--node-monitor-period`.
pub const MONITOR_PERIOD: SimDuration = SimDuration(5_000);
/// The kubelet renews its node lease every 10 s (a quarter of the 40 s lease).
pub const LEASE_RENEW: SimDuration = SimDuration(10_000);
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

pub struct NodeLifecycle;

fn stamp(t: SimTime) -> Time {
    Time(t.truncate_to_secs().to_chrono())
}

/// When the controller marks a node whose kubelet stopped at `down_since` unhealthy: the
/// first monitor pass strictly after the last lease renewal + the grace period.
pub fn not_ready_at(cluster_start: SimTime, node_created: SimTime, down_since: SimTime) -> SimTime {
    let renewals = (down_since - node_created)
        .0
        .max(0)
        .div_euclid(LEASE_RENEW.0);
    let last_renewal = node_created + SimDuration(renewals * LEASE_RENEW.0);
    let deadline = last_renewal + GRACE_PERIOD;
    let passes = (deadline - cluster_start).0.div_euclid(MONITOR_PERIOD.0) + 1;
    cluster_start + SimDuration(passes * MONITOR_PERIOD.0)
}

fn ready_status(node: &Object) -> Option<String> {
    node.node()?
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.clone())
}

fn has_taint(node: &Object, key: &str, effect: &str) -> bool {
    node.node()
        .and_then(|n| n.spec.as_ref()?.taints.as_ref())
        .is_some_and(|t| t.iter().any(|t| t.key == key && t.effect == effect))
}

impl Controller for NodeLifecycle {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, _world: &World, out: &mut Vec<ObjKey>) {
        if change.object.kind() == Kind::Node {
            out.push(change.key());
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let Some(node) = world.store.get(key).cloned() else {
            return;
        };
        // Cordon: the unschedulable taint follows spec.unschedulable.
        let cordoned = node.node().and_then(|n| n.spec.as_ref()?.unschedulable) == Some(true);
        if cordoned != has_taint(&node, TAINT_UNSCHEDULABLE, "NoSchedule") {
            set_taint(world, key, TAINT_UNSCHEDULABLE, "NoSchedule", cordoned);
        }
        let down_since = world
            .runtime
            .nodes
            .get(&key.name)
            .and_then(|n| n.down_since);
        let ready = ready_status(&node);
        match down_since {
            Some(since) => {
                if ready.as_deref() == Some("Unknown") {
                    return;
                }
                let created = node
                    .meta()
                    .creation_timestamp
                    .as_ref()
                    .map_or(world.start, |t| SimTime::from_chrono(t.0));
                let at = not_ready_at(world.start, created, since);
                if now < at {
                    world.wake(at, TimerClass::Work, NAME, key.clone());
                    return;
                }
                mark_unknown(world, &node);
            }
            None => {
                // The kubelet posts Ready again: the unreachable taints go.
                if ready.as_deref() == Some("True") {
                    for effect in ["NoExecute", "NoSchedule"] {
                        if has_taint(&node, TAINT_UNREACHABLE, effect) {
                            set_taint(world, key, TAINT_UNREACHABLE, effect, false);
                        }
                    }
                }
            }
        }
    }
}

fn set_taint(world: &mut World, key: &ObjKey, taint_key: &str, effect: &str, present: bool) {
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        let Some(spec) = o
            .node_mut()
            .map(|n| n.spec.get_or_insert_with(Default::default))
        else {
            return;
        };
        let taints = spec.taints.get_or_insert_with(Vec::new);
        taints.retain(|t| !(t.key == taint_key && t.effect == effect));
        if present {
            taints.push(Taint {
                key: taint_key.into(),
                effect: effect.into(),
                value: None,
                time_added: Some(stamp(now)),
            });
        }
        if taints.is_empty() {
            spec.taints = None;
        }
    });
}

/// The node's conditions become Unknown, its pods not ready, and it is tainted unreachable.
fn mark_unknown(world: &mut World, node: &Arc<Object>) {
    let now = world.now;
    let key = node.key();
    let _ = world.store.modify(&key, now, |o| {
        let Some(status) = o
            .node_mut()
            .map(|n| n.status.get_or_insert_with(Default::default))
        else {
            return;
        };
        for c in status.conditions.iter_mut().flatten() {
            if matches!(
                c.type_.as_str(),
                "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure"
            ) && c.status != "Unknown"
            {
                c.status = "Unknown".into();
                c.reason = Some("NodeStatusUnknown".into());
                c.message = Some("Kubelet stopped posting node status.".into());
                c.last_transition_time = Some(stamp(now));
            }
        }
    });
    let name = node.name().to_string();
    world.record_event(
        node,
        "Normal",
        "NodeNotReady",
        format!("Node {name} status is now: NodeNotReady"),
        COMPONENT,
    );
    for pod in world.store.pods_on_node(&name) {
        let changed = world.store.modify(&pod.key(), now, |o| {
            let Some(status) = o.pod_mut().and_then(|p| p.status.as_mut()) else {
                return;
            };
            for c in status.conditions.iter_mut().flatten() {
                if c.type_ == "Ready" && c.status != "False" {
                    c.status = "False".into();
                    c.last_transition_time = Some(stamp(now));
                }
            }
        });
        if changed == Ok(true) {
            world.record_event(
                &pod,
                "Warning",
                "NodeNotReady",
                "Node is not ready".into(),
                COMPONENT,
            );
        }
    }
    set_taint(world, &key, TAINT_UNREACHABLE, "NoExecute", true);
    set_taint(world, &key, TAINT_UNREACHABLE, "NoSchedule", true);
}

fn node_key(world: &World, name: &str) -> Result<ObjKey, String> {
    let key = ObjKey::new(Kind::Node, "", name);
    if world.store.get(&key).is_none() || !world.runtime.nodes.contains_key(name) {
        return Err(format!(
            "Error from server (NotFound): nodes \"{name}\" not found"
        ));
    }
    Ok(key)
}

/// Stops a node's kubelet: nothing on the node changes any more, and the controller will
/// notice (see `not_ready_at`).
pub fn node_down(world: &mut World, name: &str) -> Result<(), String> {
    let key = node_key(world, name)?;
    let now = world.now;
    if let Some(n) = world.runtime.nodes.get_mut(name) {
        if !n.down {
            n.down = true;
            n.down_since = Some(now);
        }
    }
    world.wake(now, TimerClass::Work, NAME, key);
    Ok(())
}

/// Starts a node's kubelet again: it posts Ready, and resyncs its pods (pending deletions
/// complete, with each pod's grace period counted from now).
pub fn node_up(world: &mut World, name: &str) -> Result<(), String> {
    let key = node_key(world, name)?;
    let now = world.now;
    let was_down = world.runtime.nodes.get(name).is_some_and(|n| n.down);
    if let Some(n) = world.runtime.nodes.get_mut(name) {
        n.down = false;
        n.down_since = None;
    }
    if was_down {
        kubelet_posts_status(world, &key);
        super::kubelet::resync_node(world, name);
    }
    world.wake(now, TimerClass::Work, NAME, key);
    Ok(())
}

/// A node deleted with `remove_node`: its machine (kubelet, disk) goes too.
pub fn machine_gone(world: &mut World, name: &str) {
    world.runtime.nodes.remove(name);
    world
        .runtime
        .files
        .remove_tree(&crate::runtime::TreeId::Node(name.to_string()));
}

/// The kubelet posts its status again (`node_up`): healthy conditions, and the events the
/// kubelet records for each condition that changed.
pub fn kubelet_posts_status(world: &mut World, key: &ObjKey) {
    let now = world.now;
    let Some(node) = world.store.get(key).cloned() else {
        return;
    };
    let healthy: [(&str, &str, &str, &str, &str); 4] = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            "NodeHasSufficientMemory",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            "NodeHasNoDiskPressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            "NodeHasSufficientPID",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
            "NodeReady",
        ),
    ];
    let mut changed = Vec::new();
    let _ = world.store.modify(key, now, |o| {
        let Some(status) = o
            .node_mut()
            .map(|n| n.status.get_or_insert_with(Default::default))
        else {
            return;
        };
        let conditions = status.conditions.get_or_insert_with(Vec::new);
        for (type_, st, reason, message, event) in healthy {
            let c = match conditions.iter_mut().position(|c| c.type_ == type_) {
                Some(i) => &mut conditions[i],
                None => {
                    conditions.push(NodeCondition {
                        type_: type_.into(),
                        ..Default::default()
                    });
                    conditions.last_mut().expect("pushed")
                }
            };
            if c.status != st {
                c.last_transition_time = Some(stamp(now));
                changed.push(event);
            }
            c.status = st.into();
            c.reason = Some(reason.into());
            c.message = Some(message.into());
            c.last_heartbeat_time = Some(stamp(now));
        }
    });
    let name = node.name().to_string();
    for event in changed {
        world.record_event(
            &node,
            "Normal",
            event,
            format!("Node {name} status is now: {event}"),
            "kubelet",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_ready_comes_at_the_first_monitor_pass_past_50s_after_the_last_renewal() {
        let s = SimTime(0);
        // Down at 0: last renewal 0, deadline 50, the pass at 50 is not after it: 55.
        assert_eq!(not_ready_at(s, s, SimTime(0)), SimTime(55_000));
        // Down at 17s: last renewal at 10s, deadline 60s: 65s.
        assert_eq!(not_ready_at(s, s, SimTime(17_000)), SimTime(65_000));
        // A node created at 3s renews at 3, 13, 23…: down at 25 → renewal 23 → 73 → 75.
        assert_eq!(
            not_ready_at(s, SimTime(3_000), SimTime(25_000)),
            SimTime(75_000)
        );
    }
}
