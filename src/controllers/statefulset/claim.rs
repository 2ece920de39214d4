//! Which pods and ControllerRevisions a StatefulSet controls (k/k `stateful_set.go`
//! `getPodsForStatefulSet`, `adoptOrphanRevisions`; `controller_ref_manager.go`
//! `ClaimObject`): its own, found through the owner index; orphans whose labels match the
//! selector (and, for pods, whose name is `<set>-<n>`) are adopted; owned pods that no
//! longer match are released. A set being deleted adopts and releases nothing.

use super::identity;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::world::World;
use std::sync::Arc;

fn controlled_by(o: &Object, uid: &str) -> bool {
    o.controller_ref().is_some_and(|r| r.uid == uid)
}

fn set_owner_refs(world: &mut World, key: &ObjKey, f: impl FnOnce(&mut Object)) {
    let now = world.now;
    let _ = world.store.modify(key, now, f);
}

/// Adds a controller reference to `set` on an orphan.
fn adopt(world: &mut World, set: &Object, key: &ObjKey) -> Option<Arc<Object>> {
    let owner = set.controller_ref_to();
    set_owner_refs(world, key, |o| {
        o.meta_mut()
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(owner);
    });
    world.store.get(key).cloned()
}

/// Whether a pod the set controls is still its own (`ClaimPods`' match): its labels match
/// the selector and its name is `<set>-<n>`.
pub fn keeps(set: &Object, sel: &Selector, pod: &Object) -> bool {
    sel.matches(pod.labels()) && identity::is_member(set.name(), pod.name())
}

/// Releases a pod the set controls but no longer matches: its controller reference goes.
pub fn release(world: &mut World, set: &Object, pod: &ObjKey) {
    let uid = set.uid().to_string();
    set_owner_refs(world, pod, |p| {
        let refs = p.meta_mut().owner_references.get_or_insert_with(Vec::new);
        refs.retain(|r| r.uid != uid);
        if refs.is_empty() {
            p.meta_mut().owner_references = None;
        }
    });
}

/// Adopts the orphans among `orphans` (keys the watch saw without a controller) that the
/// set may claim: live pods in its namespace matching `keeps`. A set being deleted adopts
/// nothing. Returns the adopted pods.
pub fn adopt_pods(
    world: &mut World,
    set: &Object,
    sel: &Selector,
    orphans: &[ObjKey],
) -> Vec<Arc<Object>> {
    let mut out = Vec::new();
    if set.is_deleting() {
        return out;
    }
    for key in orphans {
        let Some(o) = world.store.get(key).cloned() else {
            continue;
        };
        let adoptable = o.kind() == Kind::Pod
            && o.controller_ref().is_none()
            && !o.is_deleting()
            && o.namespace() == set.namespace()
            && keeps(set, sel, &o);
        if adoptable {
            out.extend(adopt(world, set, key));
        }
    }
    out
}

/// The pods the store says the set controls and keeps (what the cache must agree with).
pub fn controlled_pods(world: &World, set: &Object, sel: &Selector) -> Vec<Arc<Object>> {
    let uid = set.uid();
    world
        .store
        .dependents_of_kind(uid, Kind::Pod)
        .into_iter()
        .filter(|o| controlled_by(o, uid) && keeps(set, sel, o))
        .collect()
}

/// `ListRevisions` + `adoptOrphanRevisions`: the set's revisions matching its selector,
/// orphans among `orphans` adopted, unsorted.
pub fn revisions(
    world: &mut World,
    set: &Object,
    sel: &Selector,
    orphans: &[ObjKey],
) -> Vec<Arc<Object>> {
    let uid = set.uid().to_string();
    let mut out: Vec<Arc<Object>> = world
        .store
        .dependents_of_kind(&uid, Kind::ControllerRevision)
        .into_iter()
        .filter(|o| controlled_by(o, &uid))
        .filter(|o| sel.matches(o.labels()))
        .collect();
    if set.is_deleting() {
        return out;
    }
    for key in orphans {
        let Some(o) = world.store.get(key).cloned() else {
            continue;
        };
        let adoptable = o.kind() == Kind::ControllerRevision
            && o.controller_ref().is_none()
            && o.namespace() == set.namespace()
            && sel.matches(o.labels());
        if adoptable {
            if let Some(adopted) = adopt(world, set, key) {
                out.push(adopted);
            }
        }
    }
    out
}
