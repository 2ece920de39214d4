//! What one StatefulSet sync does, decided from what is — k/k
//! `pkg/controller/statefulset/stateful_set_control.go` as 1.32 runs it: `updateStatefulSet`,
//! `processReplica`, `processCondemned`, `runForAll`, `slowStartBatch`, and
//! `stateful_set_utils.go` `newVersionedStatefulSetPod` (facts 52–59, T9–T11).
//!
//! Pure: the caller turns the store into `SetView` + `PodState`s (+ a `Claims` reader for
//! the PVCs), and applies the returned actions in order.

/// A pod's phase; a pod the API server has not reported on yet counts as Pending (the
/// API server sets Pending on creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl Phase {
    pub fn parse(phase: Option<&str>) -> Phase {
        match phase.unwrap_or("Pending") {
            "Pending" | "" => Phase::Pending,
            "Running" => Phase::Running,
            "Succeeded" => Phase::Succeeded,
            "Failed" => Phase::Failed,
            _ => Phase::Unknown,
        }
    }
}

/// What the controller needs to know about one of its pods.
#[derive(Clone, Debug, PartialEq)]
pub struct PodState {
    pub ordinal: i32,
    pub phase: Phase,
    /// The Ready condition is True.
    pub ready: bool,
    /// Ready for more than minReadySeconds (`IsPodAvailable`, T17).
    pub available: bool,
    /// `deletionTimestamp` is set.
    pub terminating: bool,
    /// Its `controller-revision-hash` label (the full revision name, T5) names the update
    /// revision.
    pub at_update: bool,
    /// … names the current revision (both when they are the same).
    pub at_current: bool,
    /// `identityMatches`: the `statefulset.kubernetes.io/pod-name` label is the pod's name.
    pub identity_ok: bool,
}

impl PodState {
    /// `isRunningAndReady`.
    pub fn running_and_ready(&self) -> bool {
        self.phase == Phase::Running && self.ready
    }
    /// `isHealthy`: running, ready and not terminating.
    pub fn healthy(&self) -> bool {
        self.running_and_ready() && !self.terminating
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    RollingUpdate,
    OnDelete,
}

/// The StatefulSet as one sync sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct SetView {
    /// `spec.ordinals.start`.
    pub start: i32,
    /// `spec.replicas`.
    pub replicas: i32,
    /// `podManagementPolicy: Parallel` (`allowsBurst`).
    pub parallel: bool,
    /// The StatefulSet itself is being deleted: status only.
    pub deleting: bool,
    pub strategy: Strategy,
    /// `updateStrategy.rollingUpdate.partition`; `None` when `rollingUpdate` is nil (T8).
    pub partition: Option<i32>,
    pub current_revision: String,
    pub update_revision: String,
    /// `status.currentReplicas` as stored (read by `newVersionedStatefulSetPod`).
    pub status_current_replicas: i32,
}

/// The state of one ordinal's PersistentVolumeClaims (storage.rs reads them).
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimCheck {
    /// `PodClaimIsStale`: with `whenScaled: Delete`, a claim still owned by an older pod of
    /// this name blocks the pod's creation (fact 68).
    pub stale: bool,
    /// `pvc <name> is being deleted`, one per claim being deleted (fact 50).
    pub deleting: Vec<String>,
    /// Some claim does not exist yet.
    pub missing: bool,
    /// The claims' ownerReferences agree with the retention policy (fact 67).
    pub retention_ok: bool,
}

impl ClaimCheck {
    pub fn ok() -> ClaimCheck {
        ClaimCheck {
            stale: false,
            deleting: Vec::new(),
            missing: false,
            retention_ok: true,
        }
    }
}

/// Reads an ordinal's claims; asked only where the real controller looks.
pub trait Claims {
    fn check(&self, ordinal: i32) -> ClaimCheck;
}

/// Which revision a new pod is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revision {
    Current,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteReason {
    /// Phase Failed or Succeeded: replaced under the same name (fact 54).
    Finished,
    /// Out of the ordinal range (fact 55).
    ScaleDown,
    /// Not at the update revision (fact 57).
    Update,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Create the ordinal's claims (those missing), then its pod at this revision
    /// (`CreateStatefulPod`).
    Create {
        ordinal: i32,
        revision: Revision,
    },
    /// The pod cannot be created: `FailedCreate` with this error (a claim being deleted).
    CreateFails {
        ordinal: i32,
        error: String,
    },
    /// A Pending pod: create its missing claims and set their ownerReferences
    /// (`createMissingPersistentVolumeClaims`).
    EnsureClaims {
        ordinal: i32,
    },
    /// Restore the pod's identity label and its claims' ownerReferences (`UpdateStatefulPod`).
    Update {
        ordinal: i32,
    },
    /// Set a condemned pod's claims' ownerReferences for the retention policy.
    FixClaims {
        ordinal: i32,
    },
    Delete {
        ordinal: i32,
        reason: DeleteReason,
    },
}

/// The outcome of one sync.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub actions: Vec<Action>,
    /// A pod was deleted for the rolling update: `status.currentReplicas` − 1.
    pub deleted_for_update: bool,
}

/// Kubernetes' `MaxBatchSize` for Parallel creation and deletion.
pub const MAX_BATCH: usize = 500;

/// One slot of the replica range: an existing pod, or one still to be created.
enum Slot<'a> {
    Pod(&'a PodState),
    Missing {
        ordinal: i32,
        which: Revision,
        at_update: bool,
    },
}

impl Slot<'_> {
    fn ordinal(&self) -> i32 {
        match self {
            Slot::Pod(p) => p.ordinal,
            Slot::Missing { ordinal, .. } => *ordinal,
        }
    }
    fn healthy(&self) -> bool {
        matches!(self, Slot::Pod(p) if p.healthy())
    }
    fn at_update(&self) -> bool {
        match self {
            Slot::Pod(p) => p.at_update,
            Slot::Missing { at_update, .. } => *at_update,
        }
    }
    fn terminating(&self) -> bool {
        matches!(self, Slot::Pod(p) if p.terminating)
    }
}

/// How one item of `runForAll` ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Continue,
    /// Monotonic mode stops here (Parallel ignores it).
    Exit,
    /// An API error: both modes stop (Parallel after the batch).
    Error,
}

/// `runForAll`: monotonic stops at the first Exit or Error; Parallel runs `slowStartBatch`
/// (1, 2, 4, … up to 500) and stops after a batch with an error. Returns whether to stop.
fn run_for_all(n: usize, parallel: bool, mut f: impl FnMut(usize) -> Step) -> bool {
    if !parallel {
        return (0..n).any(|i| f(i) != Step::Continue);
    }
    let (mut next, mut remaining) = (0, n);
    let mut batch = remaining.min(1);
    while batch > 0 {
        let mut failed = false;
        for i in next..next + batch {
            failed |= f(i) == Step::Error;
        }
        if failed {
            return true;
        }
        next += batch;
        remaining -= batch;
        batch = (2 * batch).min(remaining).min(MAX_BATCH);
    }
    false
}

/// `newVersionedStatefulSetPod`: the current revision below the partition (or, with a nil
/// `rollingUpdate`, below `status.currentReplicas`), the update revision otherwise (fact 58).
/// Go's `a && b || c` groups as `(a && b) || c`.
pub fn revision_for_new_pod(set: &SetView, ordinal: i32) -> Revision {
    let below_current = set.strategy == Strategy::RollingUpdate
        && set.partition.is_none()
        && ordinal < set.start + set.status_current_replicas;
    let below_partition = set.partition.is_some_and(|p| ordinal < set.start + p);
    if below_current || below_partition {
        Revision::Current
    } else {
        Revision::Update
    }
}

/// One sync of `updateStatefulSet`. `pods` are the set's pods with a parsed ordinal.
pub fn decide(set: &SetView, pods: &[PodState], claims: &dyn Claims) -> Plan {
    let mut plan = Plan::default();
    if set.deleting {
        return plan;
    }
    let n = set.replicas.max(0) as usize;
    let end = set.start + set.replicas - 1;
    let mut by_index: Vec<Option<&PodState>> = vec![None; n];
    let mut condemned: Vec<&PodState> = Vec::new();
    for p in pods.iter().filter(|p| p.ordinal >= 0) {
        if p.ordinal >= set.start && p.ordinal <= end {
            by_index[(p.ordinal - set.start) as usize] = Some(p);
        } else {
            condemned.push(p);
        }
    }
    let replicas: Vec<Slot> = by_index
        .into_iter()
        .enumerate()
        .map(|(i, p)| match p {
            Some(p) => Slot::Pod(p),
            None => {
                let ordinal = set.start + i as i32;
                let which = revision_for_new_pod(set, ordinal);
                Slot::Missing {
                    ordinal,
                    which,
                    at_update: which == Revision::Update
                        || set.current_revision == set.update_revision,
                }
            }
        })
        .collect();
    condemned.sort_by_key(|p| std::cmp::Reverse(p.ordinal));

    // The first unhealthy pod: the lowest unhealthy replica, else the lowest unhealthy
    // condemned pod (fact 55).
    let first_unhealthy = replicas
        .iter()
        .find(|s| !s.healthy())
        .map(Slot::ordinal)
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|p| !p.healthy())
                .map(|p| p.ordinal)
        });
    let monotonic = !set.parallel;
    let actions = &mut plan.actions;

    // 1. Every replica, ascending (facts 53, 54, 56).
    let stop = run_for_all(replicas.len(), set.parallel, |i| {
        process_replica(&replicas[i], monotonic, claims, actions)
    });
    if stop {
        return plan;
    }

    // 2. Condemned pods' claims follow the retention policy before they go (fact 67).
    for p in &condemned {
        if !claims.check(p.ordinal).retention_ok {
            actions.push(Action::FixClaims { ordinal: p.ordinal });
        }
    }

    // 3. Scale down, highest ordinal first; scaling comes before updates (fact 55, T10).
    let stop = run_for_all(condemned.len(), set.parallel, |i| {
        let p = condemned[i];
        if p.terminating {
            return if monotonic {
                Step::Exit
            } else {
                Step::Continue
            };
        }
        let first = first_unhealthy == Some(p.ordinal);
        if monotonic && !first && (!p.running_and_ready() || !p.available) {
            return Step::Exit;
        }
        actions.push(Action::Delete {
            ordinal: p.ordinal,
            reason: DeleteReason::ScaleDown,
        });
        Step::Exit
    });
    if stop {
        return plan;
    }

    // 4. OnDelete: pods are updated only when someone deletes them (fact 59).
    if set.strategy == Strategy::OnDelete {
        return plan;
    }

    // 5. RollingUpdate: from the highest ordinal down to the partition, one pod at a time,
    //    each waiting for the one before it to be healthy again (facts 57, 58, T11).
    let update_min = set.partition.unwrap_or(0).max(0) as usize;
    for target in (update_min..replicas.len()).rev() {
        let slot = &replicas[target];
        if !slot.at_update() && !slot.terminating() {
            actions.push(Action::Delete {
                ordinal: slot.ordinal(),
                reason: DeleteReason::Update,
            });
            plan.deleted_for_update = true;
            return plan;
        }
        if !slot.healthy() {
            return plan;
        }
    }
    plan
}

/// `processReplica` for one slot.
fn process_replica(
    slot: &Slot,
    monotonic: bool,
    claims: &dyn Claims,
    actions: &mut Vec<Action>,
) -> Step {
    let p = match slot {
        Slot::Missing { ordinal, which, .. } => {
            let ordinal = *ordinal;
            let check = claims.check(ordinal);
            if check.stale {
                return Step::Exit;
            }
            if !check.deleting.is_empty() {
                actions.push(Action::CreateFails {
                    ordinal,
                    error: aggregate(&check.deleting),
                });
                return Step::Error;
            }
            actions.push(Action::Create {
                ordinal,
                revision: *which,
            });
            return if monotonic {
                Step::Exit
            } else {
                Step::Continue
            };
        }
        Slot::Pod(p) => p,
    };
    if matches!(p.phase, Phase::Failed | Phase::Succeeded) {
        if !p.terminating {
            actions.push(Action::Delete {
                ordinal: p.ordinal,
                reason: DeleteReason::Finished,
            });
        }
        return Step::Exit;
    }
    // A Pending pod re-creates missing claims and sets their owners (fact 50); after that
    // its claims agree with the policy.
    let mut pending_claims_ok = None;
    if p.phase == Phase::Pending {
        let c = claims.check(p.ordinal);
        let fix = c.missing || !c.retention_ok || !c.deleting.is_empty();
        if fix {
            actions.push(Action::EnsureClaims { ordinal: p.ordinal });
        }
        if !c.deleting.is_empty() {
            return Step::Error;
        }
        pending_claims_ok = Some(true);
    }
    if monotonic && (p.terminating || !p.running_and_ready() || !p.available) {
        return Step::Exit;
    }
    let retention_ok = pending_claims_ok.unwrap_or_else(|| claims.check(p.ordinal).retention_ok);
    if !p.identity_ok || !retention_ok {
        actions.push(Action::Update { ordinal: p.ordinal });
    }
    Step::Continue
}

/// `utilerrors.NewAggregate(...).Error()`: one message alone, several in brackets.
fn aggregate(errors: &[String]) -> String {
    if errors.len() == 1 {
        errors[0].clone()
    } else {
        format!("[{}]", errors.join(", "))
    }
}
