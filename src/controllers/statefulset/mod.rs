//! The StatefulSet controller as Kubernetes 1.32 runs it (k/k
//! `pkg/controller/statefulset/`): pods `<set>-<ordinal>` with stable names and claims,
//! OrderedReady or Parallel scaling, RollingUpdate (with partition) or OnDelete updates,
//! ControllerRevisions and the status counters (reference sections I–N).
//!
//! `watch` maps StatefulSet changes to their key, and pod, claim and revision changes to the
//! owning set. `reconcile` is one sync: claim pods and revisions, resolve the current and
//! update revisions, `decide::decide`, apply its actions, write the status, trim history.

mod apply;
pub mod cache;
pub mod claim;
pub mod decide;
pub mod history;
pub mod identity;
pub mod status;
pub mod storage;
pub mod strategy;
mod sync;

#[cfg(test)]
mod tests;

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::store::{ApiError, WatchEvent, WatchType};
use crate::world::World;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The component events are recorded under.
pub const NAME: &str = "statefulset-controller";

/// Orphans seen by the watch, by (namespace, parent set name), so a set finds the orphans it
/// may adopt without scanning its namespace.
type Orphans = BTreeMap<(String, String), BTreeSet<String>>;

#[derive(Default)]
pub struct StatefulSetController {
    orphan_pods: Orphans,
    orphan_revisions: Orphans,
    /// Availability wake-ups already set (minReadySeconds), so a sync does not set them twice.
    wakes: BTreeSet<(crate::sim::SimTime, ObjKey)>,
    /// The pods of each set, as the watch reported them.
    cache: cache::PodCache,
    /// The set's own status writes that a sync would not read back (`sync::Outcome`).
    quiet_writes: HashMap<ObjKey, String>,
    /// `history::patch` by set, for the generation it was computed at.
    patches: HashMap<ObjKey, (String, i64, Value)>,
}

/// The parent set a pod name (`<set>-<n>`) or revision name (`<set>-<hash>`) points at.
fn parent_of(kind: Kind, name: &str) -> Option<&str> {
    match kind {
        Kind::Pod => identity::parent_and_ordinal(name).map(|(p, _)| p),
        _ => name.rsplit_once('-').map(|(p, _)| p),
    }
}

fn track_orphan(orphans: &mut Orphans, change: &WatchEvent) {
    let obj = &change.object;
    let Some(parent) = parent_of(obj.kind(), obj.name()) else {
        return;
    };
    let slot = (obj.namespace().to_string(), parent.to_string());
    let orphan = change.kind != WatchType::Deleted && obj.controller_ref().is_none();
    if orphan {
        orphans
            .entry(slot)
            .or_default()
            .insert(obj.name().to_string());
    } else if let Some(set) = orphans.get_mut(&slot) {
        set.remove(obj.name());
        if set.is_empty() {
            orphans.remove(&slot);
        }
    }
}

fn orphan_keys(orphans: &Orphans, kind: Kind, set: &Object) -> Vec<ObjKey> {
    orphans
        .get(&(set.namespace().to_string(), set.name().to_string()))
        .into_iter()
        .flatten()
        .map(|n| ObjKey::new(kind, set.namespace(), n))
        .collect()
}

/// The set a dependent belongs to: its controller if that is a StatefulSet, or for an
/// orphan the set its name points at (which may adopt it).
fn owning_set(obj: &Object) -> Option<ObjKey> {
    match obj.controller_ref() {
        Some(r) if r.kind == "StatefulSet" && r.api_version == "apps/v1" => {
            Some(ObjKey::new(Kind::StatefulSet, obj.namespace(), &r.name))
        }
        Some(_) => None,
        None => parent_of(obj.kind(), obj.name())
            .map(|p| ObjKey::new(Kind::StatefulSet, obj.namespace(), p)),
    }
}

/// A deleted claim `<template>-<set>-<n>` unblocks its set (`pvc … is being deleted`,
/// fact 50; a stale claim, fact 68). Claims under Retain carry no owner, so the name says
/// which set waits for it.
fn sets_waiting_for_claim(world: &World, claim: &Object, out: &mut Vec<ObjKey>) {
    let Some((rest, _)) = identity::parent_and_ordinal(claim.name()) else {
        return;
    };
    for set in world.store.list(Kind::StatefulSet, Some(claim.namespace())) {
        let Some(s) = set.stateful_set() else {
            continue;
        };
        let waits = storage::templates(s).iter().any(|t| {
            t.metadata
                .name
                .as_deref()
                .is_some_and(|tn| rest == format!("{tn}-{}", set.name()))
        });
        if waits {
            out.push(set.key());
        }
    }
}

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::StatefulSet => {
                let key = change.key();
                if change.kind == WatchType::Deleted {
                    self.wakes.retain(|(_, k)| *k != key);
                    self.quiet_writes.remove(&key);
                    self.patches.remove(&key);
                } else if let Some(rv) = self.quiet_writes.remove(&key) {
                    if obj.meta().resource_version.as_ref() == Some(&rv) {
                        return;
                    }
                }
                out.push(key);
            }
            Kind::Pod => {
                track_orphan(&mut self.orphan_pods, change);
                // Only changes to what a sync reads requeue the set (not binding, container
                // states or IPs): saves work, never changes a decision.
                out.extend(self.cache.observe(change));
                if obj.controller_ref().is_none() {
                    out.extend(owning_set(obj));
                }
            }
            Kind::ControllerRevision => {
                track_orphan(&mut self.orphan_revisions, change);
                out.extend(owning_set(obj));
            }
            Kind::PersistentVolumeClaim => {
                if let Some(r) = obj.controller_ref().filter(|r| r.kind == "StatefulSet") {
                    out.push(ObjKey::new(Kind::StatefulSet, obj.namespace(), &r.name));
                }
                if change.kind == WatchType::Deleted {
                    sets_waiting_for_claim(world, obj, out);
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let Some(obj) = world.store.get(key).cloned() else {
            return;
        };
        if obj.stateful_set().is_none() {
            return;
        }
        let orphan_pods = orphan_keys(&self.orphan_pods, Kind::Pod, &obj);
        let orphan_revisions = orphan_keys(&self.orphan_revisions, Kind::ControllerRevision, &obj);
        let generation = obj.meta().generation.unwrap_or(0);
        let fresh = self
            .patches
            .get(key)
            .is_some_and(|(uid, g, _)| uid == obj.uid() && *g == generation);
        if !fresh {
            let set = obj.stateful_set().expect("a StatefulSet");
            let patch = history::patch(set);
            self.patches
                .insert(key.clone(), (obj.uid().to_string(), generation, patch));
        }
        let patch = &self.patches[key].2;
        let outcome = sync::sync(
            world,
            &obj,
            &self.cache,
            &orphan_pods,
            &orphan_revisions,
            patch,
        );
        if let Some(rv) = outcome.quiet_write {
            self.quiet_writes.insert(key.clone(), rv);
        }
        let now = world.now;
        self.wakes.retain(|(t, _)| *t > now);
        if let Some(at) = outcome.wake {
            if self.wakes.insert((at, key.clone())) {
                world.wake(at, crate::sim::TimerClass::Work, NAME, key.clone());
            }
        }
    }
}

/// An API error as Go's `err.Error()` renders it inside controller messages (no
/// `Error from server` prefix).
pub fn api_message(e: &ApiError) -> String {
    match e {
        ApiError::NotFound { kind, name } => {
            format!("{} \"{name}\" not found", kind.plural_qualified())
        }
        ApiError::AlreadyExists { kind, name } => {
            format!("{} \"{name}\" already exists", kind.plural_qualified())
        }
        ApiError::Invalid { kind, name, causes } => {
            let causes = if causes.len() == 1 {
                causes[0].clone()
            } else {
                format!("[{}]", causes.join(", "))
            };
            format!("{} \"{name}\" is invalid: {causes}", kind.name())
        }
        ApiError::Other { message, .. } => message.clone(),
    }
}
