//! One sync of a StatefulSet, the "do" around `decide` (k/k `stateful_set.go` `sync`,
//! `stateful_set_control.go` `UpdateStatefulSet`/`performUpdate`/`updateStatefulSetStatus`):
//! claim pods and revisions, decide, apply (apply.rs), write the status, trim the history.

use super::cache::{Entry, PodCache};
use super::decide::{self, ClaimCheck, Claims, Phase, PodState, SetView, Strategy};
use super::history::{self, Revisions};
use super::storage::{self, PodRef};
use super::{claim, identity, status};
use crate::api::selector::Selector;
use crate::api::{ObjKey, Object};
use crate::controllers::history as cr;
use crate::sim::{SimDuration, SimTime};
use crate::world::World;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Pod, PodCondition};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

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
pub fn pod_state(
    set: &Object,
    obj: &Object,
    revs: &Revisions,
    min_ready: i32,
    now: SimTime,
) -> Option<PodState> {
    let pod = obj.pod()?;
    let (parent, ordinal) = identity::parent_and_ordinal(obj.name())?;
    let ready = ready_condition(pod).is_some_and(|c| c.status == "True");
    let revision = obj
        .labels()
        .get(identity::LABEL_REVISION)
        .map(String::as_str)
        .unwrap_or("");
    Some(PodState {
        ordinal,
        phase: Phase::parse(pod.status.as_ref().and_then(|s| s.phase.as_deref())),
        ready,
        available: available(pod, min_ready, now),
        terminating: obj.is_deleting(),
        at_update: revision == revs.update.name(),
        at_current: revision == revs.current.name(),
        identity_ok: identity::identity_matches_parsed(set, obj, parent, ordinal),
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

/// What a sync leaves for the controller.
#[derive(Default)]
pub struct Outcome {
    /// When to look again for a pod to become available (minReadySeconds).
    pub wake: Option<SimTime>,
    /// The resourceVersion of a status write that changed nothing a sync reads back
    /// (currentRevision, currentReplicas, collisionCount): its watch event needs no sync.
    pub quiet_write: Option<String>,
}

/// A fingerprint of the selector, so pods remember whether they matched it.
fn selector_fingerprint(sel: &Selector) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{sel:?}").hash(&mut h);
    h.finish()
}

/// `decide`'s view of a cached pod.
fn entry_state(e: &Entry, current: u32, update: u32, min_ready: i32, now: SimTime) -> PodState {
    let available = e.ready
        && (min_ready <= 0
            || e.ready_since
                .is_some_and(|t| t + SimDuration::from_secs(min_ready as i64) < now));
    PodState {
        ordinal: e.ordinal.unwrap_or(-1),
        phase: e.phase,
        ready: e.ready,
        available,
        terminating: e.terminating,
        at_update: e.revision == update,
        at_current: e.revision == current,
        identity_ok: e.identity_ok,
    }
}

/// One sync. `cache` holds the set's pods as the watch reported them; `patch` is
/// `history::patch` of the set.
pub fn sync(
    world: &mut World,
    obj: &Object,
    cache: &PodCache,
    orphan_pods: &[ObjKey],
    orphan_revisions: &[ObjKey],
    patch: &serde_json::Value,
) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(set) = obj.stateful_set() else {
        return outcome;
    };
    let Some(spec) = set.spec.as_ref() else {
        return outcome;
    };
    // A selector that does not parse is a non-transient error: nothing to do.
    let Ok(sel) = Selector::from_label_selector(&spec.selector) else {
        return outcome;
    };
    let mut listed = claim::revisions(world, obj, &sel, orphan_revisions);
    cr::sort_revisions(&mut listed);

    // ClaimPods: the cached pods that still match are kept, the others released; orphans
    // are adopted.
    let fp = selector_fingerprint(&sel);
    let mut kept: Vec<&Entry> = Vec::new();
    for e in cache.pods(obj.uid()) {
        if e.member && e.matches(fp, &sel) {
            kept.push(e);
        } else if !obj.is_deleting() {
            claim::release(world, obj, &e.obj.key());
        }
    }
    #[cfg(debug_assertions)]
    verify_cache(world, obj, &sel, &kept);
    let adopted = claim::adopt_pods(world, obj, &sel, orphan_pods);
    let Ok(revs) = history::resolve(world, obj, &listed, patch) else {
        return outcome;
    };

    let now = world.now;
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let (current_id, update_id) = (
        cache.revisions.id(revs.current.name()),
        cache.revisions.id(revs.update.name()),
    );
    let mut states: Vec<PodState> = kept
        .iter()
        .filter(|e| e.ordinal.is_some())
        .map(|e| entry_state(e, current_id, update_id, min_ready, now))
        .collect();
    states.extend(
        adopted
            .iter()
            .filter_map(|p| pod_state(obj, p, &revs, min_ready, now)),
    );
    let view = set_view(obj, set, &revs);
    let plan = if storage::templates(set).is_empty() {
        decide::decide(&view, &states, &NoClaims)
    } else {
        let uids = kept
            .iter()
            .map(|e| &e.obj)
            .chain(adopted.iter())
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
    let counts = status::count(&states);

    let mut apply = super::apply::Apply {
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
        let old = set.status.clone().unwrap_or_default();
        // currentReplicas is read back only with a nil rollingUpdate (placeholder revisions).
        let read_back = old.current_revision != new_status.current_revision
            || old.collision_count.unwrap_or(0) != new_status.collision_count.unwrap_or(0)
            || (view.partition.is_none()
                && old.current_replicas.unwrap_or(0) != new_status.current_replicas.unwrap_or(0));
        let key = obj.key();
        let _ = world.store.modify(&key, now, |o| {
            if let Some(s) = o.stateful_set_mut() {
                s.status = Some(new_status);
            }
        });
        if !read_back {
            outcome.quiet_write = world
                .store
                .get(&key)
                .and_then(|o| o.meta().resource_version.clone());
        }
    }

    // Live revisions: a handful of distinct names, however many pods carry them.
    let mut live: Vec<&str> = vec![revs.current.name(), revs.update.name()];
    let mut ids: Vec<u32> = Vec::new();
    for e in &kept {
        if !ids.contains(&e.revision) {
            ids.push(e.revision);
        }
    }
    let labels = adopted.iter().map(|p| {
        p.labels()
            .get(identity::LABEL_REVISION)
            .map(String::as_str)
            .unwrap_or("")
    });
    for r in ids.iter().map(|id| cache.revisions.name(*id)).chain(labels) {
        if !live.contains(&r) {
            live.push(r);
        }
    }
    history::truncate(world, set, &listed, &live);

    // A Ready pod becomes available minReadySeconds later, with nothing else changing:
    // look again then (the controller requeues itself after minReadySeconds + 1s).
    if min_ready > 0 {
        let since = kept.iter().filter_map(|e| e.ready_since).chain(
            adopted
                .iter()
                .filter_map(|p| p.pod())
                .filter_map(ready_since),
        );
        outcome.wake = since
            .map(|t| t + SimDuration::from_secs(min_ready as i64 + 1))
            .filter(|t| *t > now)
            .min();
    }
    outcome
}

/// Debug builds: the cache says exactly what the store says about the set's pods.
#[cfg(debug_assertions)]
fn verify_cache(world: &World, obj: &Object, sel: &Selector, kept: &[&Entry]) {
    let from_store: Vec<(String, String)> = claim::controlled_pods(world, obj, sel)
        .iter()
        .map(|p| {
            (
                p.name().to_string(),
                p.meta().resource_version.clone().unwrap_or_default(),
            )
        })
        .collect();
    let from_cache: Vec<(String, String)> = kept
        .iter()
        .map(|e| {
            (
                e.obj.name().to_string(),
                e.obj.meta().resource_version.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        from_cache,
        from_store,
        "the pod cache of {} drifted",
        obj.name()
    );
}
