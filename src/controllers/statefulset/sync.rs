//! One sync of a StatefulSet, the "do" around `decide` (k/k `stateful_set.go` `sync`,
//! `stateful_set_control.go` `UpdateStatefulSet`/`performUpdate`,
//! `stateful_pod_control.go` `CreateStatefulPod`/`DeleteStatefulPod`/`UpdateStatefulPod`,
//! `recordPodEvent`): read the store, decide, apply, write the status, trim the history.

use super::decide::{
    self, Action, ClaimCheck, Claims, DeleteReason, Phase, PodState, Revision, SetView, Strategy,
};
use super::history::{self, Revisions};
use super::storage::{self, PodRef};
use super::{api_message, claim, identity, status, NAME};
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::controllers::history as cr;
use crate::sim::{SimDuration, SimTime};
use crate::store::DeleteOptions;
use crate::world::World;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Pod, PodCondition, PodTemplateSpec};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

fn ready_condition(pod: &Pod) -> Option<&PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// When a Ready pod turned Ready.
fn ready_since(pod: &Pod) -> Option<SimTime> {
    let c = ready_condition(pod).filter(|c| c.status == "True")?;
    c.last_transition_time
        .as_ref()
        .map(|t| SimTime::from_chrono(t.0))
}

/// `IsPodAvailable`: Ready, and Ready since strictly more than minReadySeconds (fact 36, T17).
fn available(pod: &Pod, min_ready: i32, now: SimTime) -> bool {
    let ready = ready_condition(pod).is_some_and(|c| c.status == "True");
    ready
        && (min_ready <= 0
            || ready_since(pod).is_some_and(|t| t + SimDuration::from_secs(min_ready as i64) < now))
}

/// What `decide` needs of one pod; `None` when its name has no ordinal.
pub fn pod_state(set: &Object, obj: &Object, min_ready: i32, now: SimTime) -> Option<PodState> {
    let pod = obj.pod()?;
    let (_, ordinal) = identity::parent_and_ordinal(obj.name())?;
    let ready = ready_condition(pod).is_some_and(|c| c.status == "True");
    Some(PodState {
        ordinal,
        phase: Phase::parse(pod.status.as_ref().and_then(|s| s.phase.as_deref())),
        ready,
        available: available(pod, min_ready, now),
        terminating: obj.is_deleting(),
        revision: obj
            .labels()
            .get(identity::LABEL_REVISION)
            .cloned()
            .unwrap_or_default(),
        identity_ok: identity::identity_matches(set, obj),
    })
}

/// The set's spec as `decide` reads it; absent fields take their API defaults (fact 43).
fn set_view(obj: &Object, set: &StatefulSet, revs: &Revisions) -> SetView {
    let spec = set.spec.as_ref();
    let strategy = spec.and_then(|s| s.update_strategy.as_ref());
    let on_delete = strategy.and_then(|u| u.type_.as_deref()) == Some("OnDelete");
    let partition = match strategy {
        // No updateStrategy at all defaults to RollingUpdate with partition 0.
        None => Some(0),
        Some(u) => u.rolling_update.as_ref().map(|r| r.partition.unwrap_or(0)),
    };
    SetView {
        start: spec
            .and_then(|s| s.ordinals.as_ref())
            .and_then(|o| o.start)
            .unwrap_or(0),
        replicas: spec.and_then(|s| s.replicas).unwrap_or(1),
        parallel: spec.and_then(|s| s.pod_management_policy.as_deref()) == Some("Parallel"),
        deleting: obj.is_deleting(),
        strategy: if on_delete {
            Strategy::OnDelete
        } else {
            Strategy::RollingUpdate
        },
        partition,
        current_revision: revs.current.name().to_string(),
        update_revision: revs.update.name().to_string(),
        status_current_replicas: set
            .status
            .as_ref()
            .and_then(|s| s.current_replicas)
            .unwrap_or(0),
    }
}

/// Reads claims for `decide`, only when the set has claim templates.
struct ClaimReader<'a> {
    world: &'a World,
    set: &'a Object,
    view: &'a SetView,
    uids: HashMap<i32, &'a str>,
}

impl Claims for ClaimReader<'_> {
    fn check(&self, ordinal: i32) -> ClaimCheck {
        let name = identity::pod_name(self.set.name(), ordinal);
        let pod = PodRef {
            name: &name,
            uid: self.uids.get(&ordinal).copied().unwrap_or(""),
        };
        let in_range = ordinal >= self.view.start && ordinal < self.view.start + self.view.replicas;
        storage::check(self.world, self.set, ordinal, pod, in_range)
    }
}

struct NoClaims;

impl Claims for NoClaims {
    fn check(&self, _: i32) -> ClaimCheck {
        ClaimCheck::ok()
    }
}

/// One sync. Returns when to look again for a pod to become available (minReadySeconds).
pub fn sync(
    world: &mut World,
    obj: &Object,
    orphan_pods: &[ObjKey],
    orphan_revisions: &[ObjKey],
) -> Option<SimTime> {
    let set = obj.stateful_set()?;
    let spec = set.spec.as_ref()?;
    // A selector that does not parse is a non-transient error: nothing to do.
    let sel = Selector::from_label_selector(&spec.selector).ok()?;
    let mut listed = claim::revisions(world, obj, &sel, orphan_revisions);
    cr::sort_revisions(&mut listed);
    let pods = claim::pods(world, obj, &sel, orphan_pods);
    let revs = history::resolve(world, obj, &listed).ok()?;

    let now = world.now;
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let states: Vec<PodState> = pods
        .iter()
        .filter_map(|p| pod_state(obj, p, min_ready, now))
        .collect();
    let view = set_view(obj, set, &revs);
    let plan = if storage::templates(set).is_empty() {
        decide::decide(&view, &states, &NoClaims)
    } else {
        let uids = pods
            .iter()
            .filter_map(|p| Some((identity::parent_and_ordinal(p.name())?.1, p.uid())))
            .collect();
        let reader = ClaimReader {
            world: &*world,
            set: obj,
            view: &view,
            uids,
        };
        decide::decide(&view, &states, &reader)
    };
    let counts = status::count(&states, &view.current_revision, &view.update_revision);

    let mut apply = Apply {
        world,
        set: obj,
        revs: &revs,
        view: &view,
        current_template: None,
    };
    for action in &plan.actions {
        apply.action(action);
    }

    let new_status = status::compute(&status::Inputs {
        generation: obj.meta().generation.unwrap_or(0),
        counts,
        current_revision: &view.current_revision,
        update_revision: &view.update_revision,
        collision_count: revs.collision_count,
        deleted_for_update: plan.deleted_for_update,
        strategy: view.strategy,
        spec_replicas: view.replicas,
    });
    if status::inconsistent(set.status.as_ref(), &new_status) && status::valid(&new_status) {
        let _ = world.store.modify(&obj.key(), now, |o| {
            if let Some(s) = o.stateful_set_mut() {
                s.status = Some(new_status);
            }
        });
    }

    let mut live: BTreeSet<&str> = BTreeSet::new();
    live.insert(revs.current.name());
    live.insert(revs.update.name());
    for p in &pods {
        live.insert(
            p.labels()
                .get(identity::LABEL_REVISION)
                .map(String::as_str)
                .unwrap_or(""),
        );
    }
    history::truncate(world, set, &listed, &live);

    // A Ready pod becomes available minReadySeconds later, with nothing else changing:
    // look again then (the controller requeues itself after minReadySeconds + 1s).
    if min_ready > 0 {
        return pods
            .iter()
            .filter_map(|p| p.pod())
            .filter(|p| !available(p, min_ready, now))
            .filter_map(ready_since)
            .map(|t| t + SimDuration::from_secs(min_ready as i64 + 1))
            .filter(|t| *t > now)
            .min();
    }
    None
}

/// Applies `decide`'s actions through the store, with the controller's events.
struct Apply<'a> {
    world: &'a mut World,
    set: &'a Object,
    revs: &'a Revisions,
    view: &'a SetView,
    /// The current revision's template, decoded once when first needed.
    current_template: Option<PodTemplateSpec>,
}

impl Apply<'_> {
    fn event(&mut self, type_: &str, reason: &str, message: String) {
        self.world
            .record_event(self.set, type_, reason, message, NAME);
    }

    fn pod_key(&self, ordinal: i32) -> ObjKey {
        ObjKey::new(
            Kind::Pod,
            self.set.namespace(),
            &identity::pod_name(self.set.name(), ordinal),
        )
    }

    fn in_range(&self, ordinal: i32) -> bool {
        ordinal >= self.view.start && ordinal < self.view.start + self.view.replicas
    }

    fn action(&mut self, action: &Action) {
        match *action {
            Action::Create { ordinal, revision } => self.create(ordinal, revision),
            Action::CreateFails { ordinal, .. } => {
                // Same path: the claims that can be made are made, then the pod fails.
                self.create(ordinal, Revision::Update)
            }
            Action::EnsureClaims { ordinal } => self.ensure_claims(ordinal),
            Action::Update { ordinal } => self.update(ordinal),
            Action::FixClaims { ordinal } => self.retention(ordinal),
            Action::Delete { ordinal, reason } => self.delete(ordinal, reason),
        }
    }

    /// The template of a revision: the set's own for the update revision, the stored one
    /// for an older current revision.
    fn template(&mut self, revision: Revision) -> PodTemplateSpec {
        let own = || {
            self.set
                .stateful_set()
                .and_then(|s| s.spec.as_ref())
                .map(|s| s.template.clone())
                .unwrap_or_default()
        };
        if revision == Revision::Update || self.revs.current.name() == self.revs.update.name() {
            return own();
        }
        if self.current_template.is_none() {
            self.current_template = history::template_of(&self.revs.current);
        }
        self.current_template.clone().unwrap_or_else(own)
    }

    /// `CreateStatefulPod`: claims first, then the pod, then the claims' owners.
    fn create(&mut self, ordinal: i32, revision: Revision) {
        let rev_name = match revision {
            Revision::Current => self.revs.current.name().to_string(),
            Revision::Update => self.revs.update.name().to_string(),
        };
        let template = self.template(revision);
        let pod = identity::new_pod(self.set, &template, ordinal, &rev_name);
        let name = identity::pod_name(self.set.name(), ordinal);
        let set_name = self.set.name().to_string();
        let errors = storage::create_claims(self.world, self.set, ordinal, &name);
        if !errors.is_empty() {
            let error = if errors.len() == 1 {
                errors[0].clone()
            } else {
                format!("[{}]", errors.join(", "))
            };
            self.event(
                "Warning",
                "FailedCreate",
                format!("create Pod {name} in StatefulSet {set_name} failed error: {error}"),
            );
            return;
        }
        match self.world.create(Object::Pod(pod)) {
            Ok(created) => {
                let uid = created.uid().to_string();
                let pod = PodRef {
                    name: &name,
                    uid: &uid,
                };
                storage::update_retention(self.world, self.set, ordinal, pod, true);
                self.event(
                    "Normal",
                    "SuccessfulCreate",
                    format!("create Pod {name} in StatefulSet {set_name} successful"),
                );
            }
            // Someone else's pod holds the name: the sync fails without an event.
            Err(crate::store::ApiError::AlreadyExists { .. }) => {}
            Err(e) => self.event(
                "Warning",
                "FailedCreate",
                format!(
                    "create Pod {name} in StatefulSet {set_name} failed error: {}",
                    api_message(&e)
                ),
            ),
        }
    }

    fn pod(&self, ordinal: i32) -> Option<Arc<Object>> {
        self.world.store.get(&self.pod_key(ordinal)).cloned()
    }

    /// `createMissingPersistentVolumeClaims` for a Pending pod.
    fn ensure_claims(&mut self, ordinal: i32) {
        let name = identity::pod_name(self.set.name(), ordinal);
        if storage::create_claims(self.world, self.set, ordinal, &name).is_empty() {
            self.retention(ordinal);
        }
    }

    /// `UpdatePodClaimForRetentionPolicy` for the pod at `ordinal`.
    fn retention(&mut self, ordinal: i32) {
        let Some(pod) = self.pod(ordinal) else { return };
        let in_range = self.in_range(ordinal);
        let r = PodRef {
            name: pod.name(),
            uid: pod.uid(),
        };
        storage::update_retention(self.world, self.set, ordinal, r, in_range);
    }

    /// `UpdateStatefulPod`: the identity labels are restored (with a `SuccessfulUpdate`
    /// event) and the claims' owners set.
    fn update(&mut self, ordinal: i32) {
        let Some(pod) = self.pod(ordinal) else { return };
        self.retention(ordinal);
        if identity::identity_matches(self.set, &pod) {
            return;
        }
        let now = self.world.now;
        let changed = self.world.store.modify(&pod.key(), now, |o| {
            identity::set_identity_labels(o.meta_mut(), ordinal);
        });
        if changed.is_ok() {
            let msg = format!(
                "update Pod {} in StatefulSet {} successful",
                pod.name(),
                self.set.name()
            );
            self.event("Normal", "SuccessfulUpdate", msg);
        }
    }

    /// `DeleteStatefulPod`: a normal graceful delete, reported either way.
    fn delete(&mut self, ordinal: i32, _reason: DeleteReason) {
        let key = self.pod_key(ordinal);
        let now = self.world.now;
        let set_name = self.set.name().to_string();
        match self
            .world
            .store
            .delete(&key, &DeleteOptions::default(), now)
        {
            Ok(_) => self.event(
                "Normal",
                "SuccessfulDelete",
                format!(
                    "delete Pod {} in StatefulSet {set_name} successful",
                    key.name
                ),
            ),
            Err(e) => self.event(
                "Warning",
                "FailedDelete",
                format!(
                    "delete Pod {} in StatefulSet {set_name} failed error: {}",
                    key.name,
                    api_message(&e)
                ),
            ),
        }
    }
}
