//! What the Job controller asks of a pod: phase, activity, readiness, the tracking
//! finalizer, restart counts — the predicates of `pkg/controller/controller_utils.go` and
//! `job_controller.go` (`FilterActivePods`, `isPodFailed`, `IsPodReady`, …).

use crate::api::Object;
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::Pod;

/// Every Job pod carries it; the controller counts a finished pod when it removes it (fact 52).
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

pub fn is_succeeded(pod: &Pod) -> bool {
    phase(pod) == "Succeeded"
}

pub fn is_terminal(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// Pending or running and not being deleted (`controller.FilterActivePods`, fact 11).
pub fn is_active(pod: &Pod) -> bool {
    !is_terminal(pod) && pod.metadata.deletion_timestamp.is_none()
}

/// Being deleted but not finished yet (`controller.CountTerminatingPods`, fact 57).
pub fn is_terminating(pod: &Pod) -> bool {
    !is_terminal(pod) && pod.metadata.deletion_timestamp.is_some()
}

pub fn has_tracking_finalizer(pod: &Pod) -> bool {
    pod.metadata
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == TRACKING_FINALIZER)
}

/// `isPodFailed`: phase Failed, or — unless only failed pods are replaced (podFailurePolicy
/// or `podReplacementPolicy: Failed`) — deleted before succeeding (fact 22).
pub fn is_failed(pod: &Pod, only_replace_failed: bool) -> bool {
    if phase(pod) == "Failed" {
        return true;
    }
    if only_replace_failed {
        return false;
    }
    pod.metadata.deletion_timestamp.is_some() && !is_succeeded(pod)
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

/// When the pod last turned ready (for the removal order), if it is ready.
pub fn ready_since(pod: &Pod) -> Option<SimTime> {
    ready_condition(pod)
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| SimTime::from_chrono(t.0))
}

pub fn node_name(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("")
}

/// Sum of restart counts of init and regular containers (`pastBackoffLimitOnFailure`).
pub fn restart_sum(pod: &Pod) -> i32 {
    let Some(status) = pod.status.as_ref() else {
        return 0;
    };
    status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .map(|c| c.restart_count)
        .sum()
}

/// The highest restart count of a regular container (`maxContainerRestarts`).
pub fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

pub fn created(pod: &Pod) -> Option<SimTime> {
    pod.metadata
        .creation_timestamp
        .as_ref()
        .map(|t| SimTime::from_chrono(t.0))
}

/// The pod inside a stored object (the controller only ever holds pods here).
pub fn of(obj: &Object) -> &Pod {
    obj.pod().expect("the Job controller only tracks pods")
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodStatus;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn pod(phase: &str, deleting: bool) -> Pod {
        let mut p = Pod {
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        if deleting {
            p.metadata.deletion_timestamp = Some(Time(SimTime(0).to_chrono()));
        }
        p
    }

    #[test]
    fn a_deleted_running_pod_is_failed_unless_only_failed_pods_are_replaced_fact_22() {
        assert!(is_failed(&pod("Running", true), false));
        assert!(!is_failed(&pod("Running", true), true));
        assert!(!is_failed(&pod("Succeeded", true), false));
        assert!(is_failed(&pod("Failed", false), true));
        assert!(!is_failed(&pod("Running", false), false));
    }

    #[test]
    fn terminating_pods_are_not_active_fact_11() {
        assert!(is_active(&pod("Pending", false)));
        assert!(!is_active(&pod("Running", true)));
        assert!(is_terminating(&pod("Running", true)));
        assert!(!is_terminating(&pod("Failed", true)));
    }
}
