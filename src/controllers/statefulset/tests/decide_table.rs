//! `decide` case by case: ordering, blocking, partition, OnDelete, Parallel, claims.

use crate::controllers::statefulset::decide::{
    decide, revision_for_new_pod, Action, ClaimCheck, Claims, DeleteReason, Phase, PodState,
    Revision, SetView, Strategy,
};
use std::collections::BTreeMap;

const OLD: &str = "web-old";
const NEW: &str = "web-new";

fn set(replicas: i32) -> SetView {
    SetView {
        start: 0,
        replicas,
        parallel: false,
        deleting: false,
        strategy: Strategy::RollingUpdate,
        partition: Some(0),
        current_revision: NEW.into(),
        update_revision: NEW.into(),
        status_current_replicas: 0,
    }
}

fn updating(replicas: i32) -> SetView {
    SetView {
        current_revision: OLD.into(),
        ..set(replicas)
    }
}

/// A Running, Ready, available pod at the update revision.
fn ready(ordinal: i32) -> PodState {
    PodState {
        ordinal,
        phase: Phase::Running,
        ready: true,
        available: true,
        terminating: false,
        at_update: true,
        at_current: false,
        identity_ok: true,
    }
}

fn old(ordinal: i32) -> PodState {
    PodState {
        at_update: false,
        at_current: true,
        ..ready(ordinal)
    }
}

fn pending(ordinal: i32) -> PodState {
    PodState {
        phase: Phase::Pending,
        ready: false,
        available: false,
        ..ready(ordinal)
    }
}

fn not_ready(ordinal: i32) -> PodState {
    PodState {
        ready: false,
        available: false,
        ..ready(ordinal)
    }
}

fn terminating(p: PodState) -> PodState {
    PodState {
        terminating: true,
        ..p
    }
}

fn phase(ordinal: i32, phase: Phase) -> PodState {
    PodState {
        phase,
        ready: false,
        available: false,
        ..ready(ordinal)
    }
}

/// Claims as a table: ordinals not listed are fine.
struct Fixed(BTreeMap<i32, ClaimCheck>);

impl Claims for Fixed {
    fn check(&self, ordinal: i32) -> ClaimCheck {
        self.0.get(&ordinal).cloned().unwrap_or_else(ClaimCheck::ok)
    }
}

fn no_claims() -> Fixed {
    Fixed(BTreeMap::new())
}

fn create(ordinal: i32) -> Action {
    Action::Create {
        ordinal,
        revision: Revision::Update,
    }
}

fn create_current(ordinal: i32) -> Action {
    Action::Create {
        ordinal,
        revision: Revision::Current,
    }
}

fn delete(ordinal: i32, reason: DeleteReason) -> Action {
    Action::Delete { ordinal, reason }
}

struct Case {
    name: &'static str,
    set: SetView,
    pods: Vec<PodState>,
    claims: Fixed,
    want: Vec<Action>,
}

fn run(cases: Vec<Case>) {
    for c in cases {
        let got = decide(&c.set, &c.pods, &c.claims).actions;
        assert_eq!(got, c.want, "case: {}", c.name);
    }
}

#[test]
fn ordered_ready_scales_up_one_pod_at_a_time_in_ascending_order_fact_53() {
    let min_ready = |p: PodState| PodState {
        available: false,
        ..p
    };
    run(vec![
        Case {
            name: "from zero only web-0",
            set: set(3),
            pods: vec![],
            claims: no_claims(),
            want: vec![create(0)],
        },
        Case {
            name: "web-1 once web-0 is Running and Ready",
            set: set(3),
            pods: vec![ready(0)],
            claims: no_claims(),
            want: vec![create(1)],
        },
        Case {
            name: "a Pending web-0 blocks web-1",
            set: set(3),
            pods: vec![pending(0)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "Running but not Ready blocks",
            set: set(3),
            pods: vec![ready(0), not_ready(1)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "Ready but not yet available (minReadySeconds) blocks, T17",
            set: set(3),
            pods: vec![min_ready(ready(0))],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "a terminating lower pod blocks",
            set: set(3),
            pods: vec![terminating(ready(0)), ready(1)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "a missing lower pod is created before anything higher",
            set: set(3),
            pods: vec![ready(1), ready(2)],
            claims: no_claims(),
            want: vec![create(0)],
        },
        Case {
            name: "ordinals start at spec.ordinals.start, fact 47",
            set: SetView { start: 5, ..set(2) },
            pods: vec![ready(5)],
            claims: no_claims(),
            want: vec![create(6)],
        },
    ]);
}

#[test]
fn failed_and_succeeded_pods_are_deleted_and_block_fact_54() {
    run(vec![
        Case {
            name: "Failed is deleted, nothing higher happens",
            set: set(3),
            pods: vec![phase(0, Phase::Failed)],
            claims: no_claims(),
            want: vec![delete(0, DeleteReason::Finished)],
        },
        Case {
            name: "Succeeded too",
            set: set(3),
            pods: vec![ready(0), phase(1, Phase::Succeeded)],
            claims: no_claims(),
            want: vec![delete(1, DeleteReason::Finished)],
        },
        Case {
            name: "a finished pod already terminating is waited for",
            set: set(3),
            pods: vec![terminating(phase(0, Phase::Failed))],
            claims: no_claims(),
            want: vec![],
        },
    ]);
}

#[test]
fn ordered_ready_scales_down_highest_first_one_at_a_time_fact_55_t10() {
    run(vec![
        Case {
            name: "5 to 2 deletes web-4 first",
            set: set(2),
            pods: (0..5).map(ready).collect(),
            claims: no_claims(),
            want: vec![delete(4, DeleteReason::ScaleDown)],
        },
        Case {
            name: "waits while web-4 terminates",
            set: set(2),
            pods: vec![
                ready(0),
                ready(1),
                ready(2),
                ready(3),
                terminating(ready(4)),
            ],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "an unhealthy replica blocks scale-down, T10",
            set: set(2),
            pods: vec![not_ready(0), ready(1), ready(2)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "the first unhealthy condemned pod may go",
            set: set(2),
            pods: vec![ready(0), ready(1), not_ready(2)],
            claims: no_claims(),
            want: vec![delete(2, DeleteReason::ScaleDown)],
        },
        Case {
            name: "an unhealthy condemned pod above a lower unhealthy one blocks",
            set: set(2),
            pods: vec![ready(0), ready(1), not_ready(2), not_ready(3)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "a healthy condemned pod above an unhealthy one goes",
            set: set(2),
            pods: vec![ready(0), ready(1), not_ready(2), ready(3)],
            claims: no_claims(),
            want: vec![delete(3, DeleteReason::ScaleDown)],
        },
        Case {
            name: "scaling before updates",
            set: updating(2),
            pods: vec![old(0), old(1), old(2)],
            claims: no_claims(),
            want: vec![delete(2, DeleteReason::ScaleDown)],
        },
        Case {
            name: "a set being deleted does nothing, fact 69",
            set: SetView {
                deleting: true,
                ..set(2)
            },
            pods: vec![ready(0), ready(1), ready(2)],
            claims: no_claims(),
            want: vec![],
        },
    ]);
}

#[test]
fn parallel_creates_and_deletes_without_waiting_fact_56() {
    let parallel = |s: SetView| SetView {
        parallel: true,
        ..s
    };
    run(vec![
        Case {
            name: "all missing pods at once",
            set: parallel(set(4)),
            pods: vec![pending(1)],
            claims: no_claims(),
            want: vec![create(0), create(2), create(3)],
        },
        Case {
            name: "all condemned at once, highest first",
            set: parallel(set(1)),
            pods: vec![not_ready(0), ready(1), pending(2), terminating(ready(3))],
            claims: no_claims(),
            want: vec![
                delete(2, DeleteReason::ScaleDown),
                delete(1, DeleteReason::ScaleDown),
            ],
        },
        Case {
            name: "updates stay one at a time, T11",
            set: parallel(updating(3)),
            pods: vec![old(0), old(1), old(2)],
            claims: no_claims(),
            want: vec![delete(2, DeleteReason::Update)],
        },
        Case {
            name: "failed pods are replaced alongside the rest",
            set: parallel(set(3)),
            pods: vec![phase(0, Phase::Failed), ready(1)],
            claims: no_claims(),
            want: vec![delete(0, DeleteReason::Finished), create(2)],
        },
    ]);
}

#[test]
fn parallel_creation_stops_after_the_batch_that_failed() {
    // slowStartBatch: batches of 1, 2, 4 …; ordinal 1 cannot be created (its claim is being
    // deleted), so the batch {1, 2} runs and nothing after it.
    let mut claims = BTreeMap::new();
    claims.insert(
        1,
        ClaimCheck {
            deleting: vec!["pvc www-web-1 is being deleted".into()],
            ..ClaimCheck::ok()
        },
    );
    let s = SetView {
        parallel: true,
        ..set(6)
    };
    let got = decide(&s, &[], &Fixed(claims)).actions;
    assert_eq!(
        got,
        vec![
            create(0),
            Action::CreateFails {
                ordinal: 1,
                error: "pvc www-web-1 is being deleted".into()
            },
            create(2),
        ]
    );
}

#[test]
fn rolling_update_goes_from_the_highest_ordinal_down_one_at_a_time_fact_57() {
    run(vec![
        Case {
            name: "the highest outdated pod first",
            set: updating(3),
            pods: vec![old(0), old(1), old(2)],
            claims: no_claims(),
            want: vec![delete(2, DeleteReason::Update)],
        },
        Case {
            name: "the recreated pod is created at the update revision",
            set: updating(3),
            pods: vec![old(0), old(1)],
            claims: no_claims(),
            want: vec![create(2)],
        },
        Case {
            name: "the next waits for the recreated pod to be Ready",
            set: SetView {
                parallel: true,
                ..updating(3)
            },
            pods: vec![old(0), old(1), not_ready(2)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "then the next lower one",
            set: updating(3),
            pods: vec![old(0), old(1), ready(2)],
            claims: no_claims(),
            want: vec![delete(1, DeleteReason::Update)],
        },
        Case {
            name: "a terminating outdated pod is waited for",
            set: SetView {
                parallel: true,
                ..updating(3)
            },
            pods: vec![old(0), old(1), terminating(old(2))],
            claims: no_claims(),
            want: vec![],
        },
    ]);
}

#[test]
fn partition_limits_the_update_to_ordinals_at_or_above_it_fact_58() {
    let part = |p: i32| SetView {
        partition: Some(p),
        ..updating(5)
    };
    run(vec![
        Case {
            name: "partition 3 of 5: web-4 first",
            set: part(3),
            pods: (0..5).map(old).collect(),
            claims: no_claims(),
            want: vec![delete(4, DeleteReason::Update)],
        },
        Case {
            name: "then web-3",
            set: part(3),
            pods: vec![old(0), old(1), old(2), old(3), ready(4)],
            claims: no_claims(),
            want: vec![delete(3, DeleteReason::Update)],
        },
        Case {
            name: "then nothing: 0-2 stay",
            set: part(3),
            pods: vec![old(0), old(1), old(2), ready(3), ready(4)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "a deleted pod below the partition comes back at the current revision",
            set: part(3),
            pods: vec![old(0), old(2), ready(3), ready(4)],
            claims: no_claims(),
            want: vec![create_current(1)],
        },
        Case {
            name: "partition above replicas updates nothing",
            set: part(7),
            pods: (0..5).map(old).collect(),
            claims: no_claims(),
            want: vec![],
        },
    ]);
}

#[test]
fn on_delete_never_deletes_and_recreates_at_the_update_revision_fact_59() {
    let on_delete = SetView {
        strategy: Strategy::OnDelete,
        partition: None,
        ..updating(3)
    };
    run(vec![
        Case {
            name: "outdated pods stay",
            set: on_delete.clone(),
            pods: vec![old(0), old(1), old(2)],
            claims: no_claims(),
            want: vec![],
        },
        Case {
            name: "a deleted one comes back new",
            set: on_delete,
            pods: vec![old(0), old(2)],
            claims: no_claims(),
            want: vec![create(1)],
        },
    ]);
}

#[test]
fn new_pod_revision_follows_new_versioned_stateful_set_pod() {
    // rollingUpdate nil (an explicit `{type: RollingUpdate}`, T8): ordinals below
    // status.currentReplicas get the current revision.
    let nil_ru = SetView {
        partition: None,
        status_current_replicas: 2,
        ..updating(3)
    };
    assert_eq!(revision_for_new_pod(&nil_ru, 1), Revision::Current);
    assert_eq!(revision_for_new_pod(&nil_ru, 2), Revision::Update);
    let part = SetView {
        partition: Some(2),
        start: 10,
        ..updating(3)
    };
    assert_eq!(revision_for_new_pod(&part, 11), Revision::Current);
    assert_eq!(revision_for_new_pod(&part, 12), Revision::Update);
}

#[test]
fn claims_gate_pod_creation_facts_50_68() {
    let stale = ClaimCheck {
        stale: true,
        ..ClaimCheck::ok()
    };
    let deleting = ClaimCheck {
        deleting: vec!["pvc www-web-0 is being deleted".into()],
        ..ClaimCheck::ok()
    };
    let missing = ClaimCheck {
        missing: true,
        ..ClaimCheck::ok()
    };
    let wrong_owner = ClaimCheck {
        retention_ok: false,
        ..ClaimCheck::ok()
    };
    run(vec![
        Case {
            name: "a stale claim blocks creation silently",
            set: set(1),
            pods: vec![],
            claims: Fixed([(0, stale)].into()),
            want: vec![],
        },
        Case {
            name: "a claim being deleted fails the creation",
            set: set(1),
            pods: vec![],
            claims: Fixed([(0, deleting)].into()),
            want: vec![Action::CreateFails {
                ordinal: 0,
                error: "pvc www-web-0 is being deleted".into(),
            }],
        },
        Case {
            name: "a Pending pod re-creates missing claims",
            set: set(1),
            pods: vec![pending(0)],
            claims: Fixed([(0, missing)].into()),
            want: vec![Action::EnsureClaims { ordinal: 0 }],
        },
        Case {
            name: "a ready pod's claims get the policy's owners",
            set: set(1),
            pods: vec![ready(0)],
            claims: Fixed([(0, wrong_owner.clone())].into()),
            want: vec![Action::Update { ordinal: 0 }],
        },
        Case {
            name: "a condemned pod's claims are fixed before it goes",
            set: set(1),
            pods: vec![ready(0), ready(1)],
            claims: Fixed([(1, wrong_owner)].into()),
            want: vec![
                Action::FixClaims { ordinal: 1 },
                delete(1, DeleteReason::ScaleDown),
            ],
        },
        Case {
            name: "a pod whose pod-name label was removed gets it back",
            set: set(1),
            pods: vec![PodState {
                identity_ok: false,
                ..ready(0)
            }],
            claims: no_claims(),
            want: vec![Action::Update { ordinal: 0 }],
        },
    ]);
}

#[test]
fn deleting_for_update_lowers_current_replicas() {
    let plan = decide(&updating(1), &[old(0)], &no_claims());
    assert!(plan.deleted_for_update);
    let plan = decide(&set(1), &[ready(0)], &no_claims());
    assert!(!plan.deleted_for_update);
    assert!(plan.actions.is_empty());
}
