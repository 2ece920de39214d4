//! `kubectl get pods` (k/k `pkg/printers/internalversion/printers.go` `printPod`; facts 88–92).

use crate::print::format::since;
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

pub const HEADERS: &[&str] = &["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
pub const WIDE: &[&str] = &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"];

/// The `NodeLost` reason the node lifecycle controller sets (`k8s.io/kubernetes/pkg/util/node`).
pub const NODE_UNREACHABLE_POD_REASON: &str = "NodeLost";

/// READY, STATUS and RESTARTS exactly as `printPod` computes them.
#[derive(Clone, Debug, PartialEq)]
pub struct PodSummary {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

pub fn row(pod: &Pod, now: SimTime, wide: bool) -> Vec<String> {
    let s = summarize(pod, now);
    let mut cells = vec![
        pod.metadata.name.clone().unwrap_or_default(),
        s.ready,
        s.status,
        s.restarts,
        since(pod.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        cells.extend(wide_cells(pod));
    }
    cells
}

fn wide_cells(pod: &Pod) -> Vec<String> {
    let status = pod.status.as_ref();
    let or_none = |s: Option<&str>| match s {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "<none>".to_string(),
    };
    let ip = status
        .and_then(|s| s.pod_ips.as_ref())
        .and_then(|ips| ips.first())
        .map(|ip| ip.ip.as_str());
    let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
    let nominated = status.and_then(|s| s.nominated_node_name.as_deref());
    let gates = pod
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_ref())
        .filter(|g| !g.is_empty());
    let readiness = match gates {
        None => "<none>".to_string(),
        Some(gates) => {
            let conditions = status.and_then(|s| s.conditions.as_ref());
            let true_count = gates
                .iter()
                .filter(|g| {
                    conditions
                        .and_then(|cs| cs.iter().find(|c| c.type_ == g.condition_type))
                        .is_some_and(|c| c.status == "True")
                })
                .count();
            format!("{true_count}/{}", gates.len())
        }
    };
    vec![or_none(ip), or_none(node), or_none(nominated), readiness]
}

fn is_restartable_init(c: Option<&Container>) -> bool {
    c.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

fn last_finished(c: &ContainerStatus) -> Option<&Time> {
    c.last_state
        .as_ref()?
        .terminated
        .as_ref()?
        .finished_at
        .as_ref()
}

fn later<'a>(current: Option<&'a Time>, candidate: Option<&'a Time>) -> Option<&'a Time> {
    match (current, candidate) {
        (Some(a), Some(b)) if b.0 > a.0 => Some(b),
        (None, b) => b,
        (a, _) => a,
    }
}

fn has_condition(status: &PodStatus, type_: &str) -> Option<bool> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status == "True")
}

/// `printPod`'s READY / STATUS / RESTARTS (facts 88, 89, 92).
pub fn summarize(pod: &Pod, now: SimTime) -> PodSummary {
    let default_status = PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&default_status);
    let spec_containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[]);
    let init_specs = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);

    let mut restarts: i64 = 0;
    let mut restartable_init_restarts: i64 = 0;
    let mut total = spec_containers.len();
    let mut ready = 0usize;
    let mut last_restart: Option<&Time> = None;
    let mut last_restartable_init_restart: Option<&Time> = None;

    let phase = status.phase.clone().unwrap_or_default();
    let mut reason = match status.reason.as_deref() {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => phase.clone(),
    };
    // {type: PodScheduled, reason: SchedulingGated} wins over the phase.
    if status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }

    let init_spec = |name: &str| init_specs.iter().find(|c| c.name == name);
    total += init_specs
        .iter()
        .filter(|c| is_restartable_init(Some(c)))
        .count();

    let mut initializing = false;
    let init_statuses = status.init_container_statuses.as_deref().unwrap_or(&[]);
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += c.restart_count as i64;
        last_restart = later(last_restart, last_finished(c));
        let restartable = is_restartable_init(init_spec(&c.name));
        if restartable {
            restartable_init_restarts += c.restart_count as i64;
            last_restartable_init_restart = later(last_restartable_init_restart, last_finished(c));
        }
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && c.started == Some(true) {
            if c.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => match t.signal {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || has_condition(status, "Initialized") == Some(true) {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        for c in status.container_statuses.iter().flatten().rev() {
            restarts += c.restart_count as i64;
            last_restart = later(last_restart, last_finished(c));
            let state = c.state.as_ref();
            let waiting_reason = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting_reason {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => match t.signal {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if c.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        // A completed container next to a running one: the pod is still running.
        if reason == "Completed" && has_running {
            reason = if has_condition(status, "Ready") == Some(true) {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some()
        && status.reason.as_deref() == Some(NODE_UNREACHABLE_POD_REASON)
    {
        reason = "Unknown".into();
    } else if pod.metadata.deletion_timestamp.is_some() && phase != "Succeeded" && phase != "Failed"
    {
        reason = "Terminating".into();
    }

    let restarts_text = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(Some(t), now)),
        _ => restarts.to_string(),
    };
    PodSummary {
        ready: format!("{ready}/{total}"),
        status: reason,
        restarts: restarts_text,
    }
}
