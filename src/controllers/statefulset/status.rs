//! A StatefulSet's status as the controller writes it (k/k `stateful_set_control.go`
//! `computeReplicaStatus`, `updateStatus`; `stateful_set_utils.go` `completeRollingUpdate`,
//! `inconsistentStatus`; facts 62–63, T9, T17).

use super::decide::{PodState, Strategy};
use k8s_openapi::api::apps::v1::StatefulSetStatus;

/// The pod counts of `computeReplicaStatus`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pods that exist, Terminating ones included.
    pub replicas: i32,
    /// Running and Ready, Terminating ones included.
    pub ready: i32,
    /// Running, Ready for more than minReadySeconds (T17).
    pub available: i32,
    /// Not terminating, at the current revision.
    pub current: i32,
    /// Not terminating, at the update revision.
    pub updated: i32,
}

pub fn count(pods: &[PodState]) -> Counts {
    let mut c = Counts::default();
    for p in pods.iter().filter(|p| p.ordinal >= 0) {
        c.replicas += 1;
        if p.running_and_ready() {
            c.ready += 1;
            if p.available {
                c.available += 1;
            }
        }
        if !p.terminating {
            c.current += i32::from(p.at_current);
            c.updated += i32::from(p.at_update);
        }
    }
    c
}

/// What one sync computed, before `completeRollingUpdate`.
pub struct Inputs<'a> {
    pub generation: i64,
    pub counts: Counts,
    pub current_revision: &'a str,
    pub update_revision: &'a str,
    pub collision_count: i32,
    /// A pod was deleted for the update this sync (`status.CurrentReplicas--`).
    pub deleted_for_update: bool,
    pub strategy: Strategy,
    pub spec_replicas: i32,
}

/// Go omits zero `omitempty` fields; `replicas` and `availableReplicas` are always written.
fn nonzero(n: i32) -> Option<i32> {
    (n != 0).then_some(n)
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The status to write: the counts, revisions and generation, with a rolling update
/// completed once every replica is updated and ready (fact 63: a partitioned or OnDelete
/// rollout never completes, T9).
pub fn compute(i: &Inputs) -> StatefulSetStatus {
    let c = i.counts;
    let mut current_replicas = c.current - i32::from(i.deleted_for_update);
    let mut current_revision = i.current_revision;
    if i.strategy == Strategy::RollingUpdate
        && c.updated == i.spec_replicas
        && c.ready == i.spec_replicas
        && c.replicas == i.spec_replicas
    {
        current_replicas = c.updated;
        current_revision = i.update_revision;
    }
    StatefulSetStatus {
        observed_generation: Some(i.generation),
        replicas: c.replicas,
        ready_replicas: nonzero(c.ready),
        available_replicas: Some(c.available),
        current_replicas: nonzero(current_replicas),
        updated_replicas: nonzero(c.updated),
        current_revision: nonempty(current_revision),
        update_revision: nonempty(i.update_revision),
        collision_count: Some(i.collision_count),
        conditions: None,
    }
}

/// `inconsistentStatus`: whether the new status is worth writing (the collision count alone
/// is not).
pub fn inconsistent(old: Option<&StatefulSetStatus>, new: &StatefulSetStatus) -> bool {
    let default = StatefulSetStatus::default();
    let old = old.unwrap_or(&default);
    let n = |v: Option<i32>| v.unwrap_or(0);
    new.observed_generation.unwrap_or(0) > old.observed_generation.unwrap_or(0)
        || new.replicas != old.replicas
        || n(new.current_replicas) != n(old.current_replicas)
        || n(new.ready_replicas) != n(old.ready_replicas)
        || n(new.updated_replicas) != n(old.updated_replicas)
        || new.current_revision.as_deref().unwrap_or("")
            != old.current_revision.as_deref().unwrap_or("")
        || n(new.available_replicas) != n(old.available_replicas)
        || new.update_revision.as_deref().unwrap_or("")
            != old.update_revision.as_deref().unwrap_or("")
}

/// A status the API server would reject (a negative count) is not written.
pub fn valid(s: &StatefulSetStatus) -> bool {
    [
        Some(s.replicas),
        s.ready_replicas,
        s.available_replicas,
        s.current_replicas,
        s.updated_replicas,
    ]
    .iter()
    .all(|v| v.unwrap_or(0) >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::statefulset::decide::Phase;

    fn pod(ordinal: i32, rev: &str, ready: bool, available: bool, terminating: bool) -> PodState {
        PodState {
            ordinal,
            phase: Phase::Running,
            ready,
            available,
            terminating,
            at_update: rev == "web-new",
            at_current: rev == "web-old",
            identity_ok: true,
        }
    }

    fn inputs(counts: Counts, strategy: Strategy, spec_replicas: i32) -> Inputs<'static> {
        Inputs {
            generation: 2,
            counts,
            current_revision: "web-old",
            update_revision: "web-new",
            collision_count: 0,
            deleted_for_update: false,
            strategy,
            spec_replicas,
        }
    }

    #[test]
    fn counts_include_terminating_in_replicas_and_ready_but_not_in_revisions_fact_62() {
        let pods = vec![
            pod(0, "web-old", true, true, false),
            pod(1, "web-new", true, false, false),
            pod(2, "web-old", true, true, true),
        ];
        let c = count(&pods);
        assert_eq!(
            c,
            Counts {
                replicas: 3,
                ready: 3,
                available: 2,
                current: 1,
                updated: 1
            }
        );
    }

    #[test]
    fn rolling_update_completes_only_when_all_replicas_updated_and_ready_fact_63() {
        let all = Counts {
            replicas: 3,
            ready: 3,
            available: 3,
            current: 0,
            updated: 3,
        };
        let s = compute(&inputs(all, Strategy::RollingUpdate, 3));
        assert_eq!(s.current_revision.as_deref(), Some("web-new"));
        assert_eq!(s.current_replicas, Some(3));
        // OnDelete never advances currentRevision (T9).
        let s = compute(&inputs(all, Strategy::OnDelete, 3));
        assert_eq!(s.current_revision.as_deref(), Some("web-old"));
        // A partitioned rollout leaves old pods: not complete (T9).
        let partial = Counts {
            current: 3,
            updated: 2,
            ..all
        };
        let s = compute(&inputs(
            Counts {
                replicas: 5,
                ready: 5,
                available: 5,
                ..partial
            },
            Strategy::RollingUpdate,
            5,
        ));
        assert_eq!(s.current_revision.as_deref(), Some("web-old"));
        assert_eq!(s.update_revision.as_deref(), Some("web-new"));
    }

    #[test]
    fn collision_count_alone_is_not_a_status_change() {
        let a = compute(&inputs(Counts::default(), Strategy::RollingUpdate, 0));
        let mut b = a.clone();
        b.collision_count = Some(1);
        assert!(!inconsistent(Some(&a), &b));
        assert!(inconsistent(None, &a));
    }
}
