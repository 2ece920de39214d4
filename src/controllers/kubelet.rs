//! The kubelets of all nodes: each bound pod gets a sandbox (runtime/sandbox.rs) whose
//! containers are advanced to the current instant; the pod's status is written from it.
//! A pod's volumes are mounted first (its claims must be bound), and its containers see
//! them (runtime/mounts.rs). Deletion: SIGTERM when the kubelet sees the deletion, SIGKILL
//! `deletionGracePeriodSeconds` later, then the final delete; the pod's files and emptyDirs
//! go with it. A node whose kubelet is down (`node_down`) does nothing until it is back.

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::runtime::sandbox::{
    go_duration, ContainerRun, PodSandbox, RestartPolicy, RunEnv, RunState,
};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{DeleteOptions, WatchEvent};
use crate::world::World;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, HostIP, Pod, PodCondition, PodIP, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NAME: &str = "kubelet";

#[derive(Default)]
pub struct Kubelet {
    /// Per pod: the resourceVersion of the kubelet's own last status write. Its watch event
    /// needs no second look (the sandbox already stands at this instant); anyone else's does.
    own_writes: BTreeMap<ObjKey, String>,
}

fn stamp(t: SimTime) -> Time {
    Time(t.truncate_to_secs().to_chrono())
}

fn phase_of(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// `containerd://` + 64 hex digits derived from the pod uid and the run number.
fn container_id(uid: &str, run: u64) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in uid.bytes().chain(run.to_le_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut out = String::from("containerd://");
    for i in 0..4 {
        out.push_str(&format!(
            "{:016x}",
            h.rotate_left(i * 16)
                .wrapping_mul(0x9e3779b97f4a7c15 + i as u64)
        ));
    }
    out
}

fn state_of(c: &ContainerRun, uid: &str) -> ContainerState {
    let terminated = |t: &crate::runtime::Terminated, run: u64| ContainerStateTerminated {
        exit_code: t.exit_code,
        reason: Some(t.reason.clone()),
        started_at: Some(stamp(t.started_at)),
        finished_at: Some(stamp(t.finished_at)),
        container_id: Some(container_id(uid, run)),
        ..Default::default()
    };
    match &c.state {
        RunState::Creating { .. } => ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some("ContainerCreating".into()),
                message: None,
            }),
            ..Default::default()
        },
        RunState::Running { since, .. } => ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(stamp(*since)),
            }),
            ..Default::default()
        },
        RunState::BackOff { delay, .. } => ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some("CrashLoopBackOff".into()),
                message: Some(format!(
                    "back-off {} restarting failed container={} pod=",
                    go_duration(*delay),
                    c.name
                )),
            }),
            ..Default::default()
        },
        RunState::Terminated(t) => ContainerState {
            terminated: Some(terminated(t, c.run_id)),
            ..Default::default()
        },
    }
}

/// The status the kubelet reports for a pod with this sandbox at `now`.
fn status_for(pod: &Pod, sb: &PodSandbox, now: SimTime, node_ip: Option<String>) -> PodStatus {
    let old = pod.status.clone().unwrap_or_default();
    let uid = pod.metadata.uid.as_deref().unwrap_or("");
    let pod_ref = format!("{}_{}({uid})", sb.pod_name, sb.namespace);
    let started_any = sb
        .containers
        .iter()
        .any(|c| !matches!(c.state, RunState::Creating { .. }));
    let never_started = sb.containers.iter().any(|c| {
        matches!(c.state, RunState::Creating { .. }) && c.restart_count == 0 && c.last.is_none()
    });
    let phase = if sb.all_terminated() {
        if sb
            .containers
            .iter()
            .all(|c| matches!(&c.state, RunState::Terminated(t) if t.exit_code == 0))
        {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if never_started {
        "Pending"
    } else {
        "Running"
    };
    let all_ready = !sb.containers.is_empty() && sb.containers.iter().all(|c| c.is_ready(now));
    let unready: Vec<&str> = sb
        .containers
        .iter()
        .filter(|c| !c.is_ready(now))
        .map(|c| c.name.as_str())
        .collect();
    let keep_time = |type_: &str, status: &str| -> Option<Time> {
        match old.conditions.iter().flatten().find(|c| c.type_ == type_) {
            Some(c) if c.status == status => c.last_transition_time.clone(),
            _ => Some(stamp(now)),
        }
    };
    let cond = |type_: &str, ok: bool, reason: Option<String>, message: Option<String>| {
        let status = if ok { "True" } else { "False" };
        PodCondition {
            type_: type_.into(),
            status: status.into(),
            last_transition_time: keep_time(type_, status),
            reason: if ok { None } else { reason },
            message: if ok { None } else { message },
            ..Default::default()
        }
    };
    let not_ready_msg = Some(format!(
        "containers with unready status: [{}]",
        unready.join(" ")
    ));
    let sandbox_ready = started_any && (sb.kill_deadline.is_none() || !sb.all_terminated());
    // Conditions other components own (PodScheduled, DisruptionTarget, readiness gates)
    // are kept as they are.
    const KUBELET_OWNED: [&str; 4] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
    ];
    let others: Vec<PodCondition> = old
        .conditions
        .iter()
        .flatten()
        .filter(|c| !KUBELET_OWNED.contains(&c.type_.as_str()))
        .cloned()
        .collect();
    let mut conditions = vec![
        cond("PodReadyToStartContainers", sandbox_ready, None, None),
        cond("Initialized", true, None, None),
        cond(
            "Ready",
            all_ready,
            Some("ContainersNotReady".into()),
            not_ready_msg.clone(),
        ),
        cond(
            "ContainersReady",
            all_ready,
            Some("ContainersNotReady".into()),
            not_ready_msg,
        ),
    ];
    if phase == "Succeeded" || phase == "Failed" {
        // Finished pods report PodCompleted on their readiness conditions.
        for c in conditions
            .iter_mut()
            .filter(|c| c.type_ == "Ready" || c.type_ == "ContainersReady")
        {
            c.reason = Some("PodCompleted".into());
            c.message = None;
        }
    }
    conditions.extend(others);
    let statuses = sb
        .containers
        .iter()
        .map(|c| {
            let spec_image = c.image.clone();
            let started = matches!(c.state, RunState::Running { .. });
            let mut state = state_of(c, uid);
            if let Some(w) = state.waiting.as_mut() {
                if let Some(m) = w.message.as_mut() {
                    m.push_str(&pod_ref);
                }
            }
            ContainerStatus {
                name: c.name.clone(),
                image: spec_image.clone(),
                image_id: if c.run_id > 0 {
                    format!("klab.dev/images/{spec_image}")
                } else {
                    String::new()
                },
                container_id: (c.run_id > 0).then(|| container_id(uid, c.run_id)),
                ready: c.is_ready(now),
                restart_count: c.restart_count,
                started: Some(started),
                state: Some(state),
                last_state: Some(match &c.last {
                    Some(t)
                        if c.restart_count > 0 || !matches!(c.state, RunState::Terminated(_)) =>
                    {
                        ContainerState {
                            terminated: Some(ContainerStateTerminated {
                                exit_code: t.exit_code,
                                reason: Some(t.reason.clone()),
                                started_at: Some(stamp(t.started_at)),
                                finished_at: Some(stamp(t.finished_at)),
                                container_id: Some(container_id(uid, c.run_id.saturating_sub(1))),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }
                    }
                    _ => ContainerState::default(),
                }),
                ..Default::default()
            }
        })
        .collect();
    let ip = if started_any { sb.ip.clone() } else { None };
    PodStatus {
        phase: Some(phase.into()),
        conditions: Some(conditions),
        host_ip: node_ip.clone(),
        host_ips: node_ip.map(|ip| vec![HostIP { ip }]),
        pod_ip: ip.clone(),
        pod_ips: ip.map(|ip| vec![PodIP { ip }]),
        start_time: Some(stamp(sb.created)),
        container_statuses: Some(statuses),
        qos_class: Some(qos_class(pod)),
        reason: old.reason.clone(),
        message: old.message.clone(),
        nominated_node_name: old.nominated_node_name.clone(),
        ..Default::default()
    }
}

/// BestEffort without requests/limits, Guaranteed when every container's limits equal its
/// requests for cpu and memory, Burstable otherwise.
pub fn qos_class(pod: &Pod) -> String {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[]);
    let any = containers.iter().any(|c| {
        c.resources.as_ref().is_some_and(|r| {
            r.requests.as_ref().is_some_and(|m| !m.is_empty())
                || r.limits.as_ref().is_some_and(|m| !m.is_empty())
        })
    });
    if !any {
        return "BestEffort".into();
    }
    let guaranteed = containers.iter().all(|c| {
        let r = c.resources.clone().unwrap_or_default();
        let limits = r.limits.unwrap_or_default();
        let requests = r.requests.unwrap_or_default();
        ["cpu", "memory"].iter().all(|k| {
            limits.contains_key(*k) && requests.get(*k).is_none_or(|q| Some(q) == limits.get(*k))
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
    .into()
}

fn node_ip(world: &World, node: &str) -> Option<String> {
    let n = world.store.get(&ObjKey::new(Kind::Node, "", node))?;
    n.node()?
        .status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.clone())
}

/// The pod is gone from the node: its IP is free again, its containers' files and its
/// emptyDirs are deleted (fact 86).
fn teardown(world: &mut World, key: &ObjKey) {
    if let Some(sb) = world.runtime.pods.remove(key) {
        if let (Some(ip), Some(node)) = (sb.ip.as_ref(), world.runtime.nodes.get_mut(&sb.node)) {
            node.release_ip(ip);
        }
        world.runtime.files.remove_pod(&sb.pod_uid);
    }
}

impl Controller for Kubelet {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        match change.object.kind() {
            Kind::Pod => {
                let key = change.key();
                let echo = change.kind == crate::store::WatchType::Modified
                    && self.own_writes.get(&key).map(String::as_str)
                        == change.object.meta().resource_version.as_deref();
                if !echo {
                    out.push(key);
                }
            }
            // A claim bound: pods waiting to mount it can start.
            Kind::PersistentVolumeClaim => {
                let claim = change.object.name();
                for p in world.store.list(Kind::Pod, Some(change.object.namespace())) {
                    if p.pod().is_some_and(|pod| {
                        crate::controllers::volume::pod_claims(pod)
                            .iter()
                            .any(|c| c == claim)
                    }) {
                        out.push(p.key());
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let Some(obj) = world.store.get(key).cloned() else {
            self.own_writes.remove(key);
            teardown(world, key);
            return;
        };
        let pod = obj.pod().expect("pod");
        let Some(node) = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty())
        else {
            return;
        };
        if !world.runtime.node_is_up(&node) {
            return;
        }
        let uid = obj.uid().to_string();
        if world
            .runtime
            .pods
            .get(key)
            .is_some_and(|sb| sb.pod_uid != uid)
        {
            teardown(world, key);
        }
        let deleting = pod.metadata.deletion_timestamp.is_some();
        let finished = matches!(phase_of(pod), "Succeeded" | "Failed");
        if !world.runtime.pods.contains_key(key) {
            if deleting {
                let _ = world.store.delete(key, &DeleteOptions::now(), now);
                return;
            }
            if finished {
                return;
            }
            // Volumes are mounted before anything starts: wait for the claims to bind.
            if !crate::controllers::volume::claims_bound(&world.store, pod) {
                return;
            }
            let containers = pod
                .spec
                .as_ref()
                .map(|s| s.containers.clone())
                .unwrap_or_default();
            let ip = world
                .runtime
                .nodes
                .get_mut(&node)
                .and_then(|n| n.allocate_ip());
            let views = crate::runtime::mounts::views_for(&world.store, pod, ip.as_deref());
            let mut sb = PodSandbox::new(
                &uid,
                obj.name(),
                obj.namespace(),
                &node,
                &containers,
                views,
                now,
            );
            sb.ip = ip;
            world.runtime.pods.insert(key.clone(), sb);
        }
        if deleting {
            // The kubelet gives the containers the grace period from when it sees the
            // deletion (after `node_up`, that is now, not the deletionTimestamp).
            let grace = pod
                .metadata
                .deletion_grace_period_seconds
                .unwrap_or(0)
                .max(0);
            let deadline = now + SimDuration::from_secs(grace);
            let events = match world.runtime.pods.get_mut(key) {
                Some(sb) => sb.begin_termination(now, deadline),
                None => Vec::new(),
            };
            for e in events {
                world.record_event(&obj, e.type_, e.reason, e.message, NAME);
            }
        }
        let no_spec = k8s_openapi::api::core::v1::PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        let policy = RestartPolicy::parse(spec.restart_policy.as_deref());
        let mut sb = world.runtime.pods.remove(key).expect("sandbox exists");
        let mut env = RunEnv {
            images: &world.runtime.images,
            rng: &mut world.rng,
            files: &mut world.runtime.files,
        };
        let (events, next) = sb.advance(now, policy, &spec.containers, &mut env);
        let frontier = sb.next_frontier();
        for e in events {
            world.record_event(&obj, e.type_, e.reason, e.message, NAME);
        }
        let status = status_for(pod, &sb, now, node_ip(world, &node));
        let done = deleting && sb.all_terminated();
        world.runtime.pods.insert(key.clone(), sb);
        let wrote = world.store.modify(key, now, |o| {
            if let Some(p) = o.pod_mut() {
                p.status = Some(status);
            }
        });
        if let (Ok(true), Some(rv)) = (
            wrote,
            world
                .store
                .get(key)
                .and_then(|o| o.meta().resource_version.clone()),
        ) {
            self.own_writes.insert(key.clone(), rv);
        }
        if done {
            teardown(world, key);
            let _ = world.store.delete(key, &DeleteOptions::now(), now);
            return;
        }
        if let Some(at) = next {
            world.wake(at, TimerClass::Work, NAME, key.clone());
        }
        if let Some(at) = frontier {
            world.wake(at, TimerClass::Housekeeping, NAME, key.clone());
        }
    }
}

/// Wakes the kubelet for every pod on a node (after `node_up`).
pub fn resync_node(world: &mut World, node: &str) {
    let pods: Vec<Arc<Object>> = world.store.pods_on_node(node);
    for p in pods {
        world.wake(world.now, TimerClass::Work, NAME, p.key());
    }
}
