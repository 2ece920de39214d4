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

/// The pods this set controls after claiming: its own that still match, plus adopted
/// orphans among `orphans` (keys the watch saw without a controller).
pub fn pods(
    world: &mut World,
    set: &Object,
    sel: &Selector,
    orphans: &[ObjKey],
) -> Vec<Arc<Object>> {
    let uid = set.uid().to_string();
    let deleting = set.is_deleting();
    let matches = |o: &Object| sel.matches(o.labels()) && identity::is_member(set.name(), o.name());
    let mut out = Vec::new();
    for o in world.store.dependents(&uid) {
        if o.kind() != Kind::Pod || !controlled_by(&o, &uid) {
            continue;
        }
        if matches(&o) {
            out.push(o);
        } else if !deleting {
            set_owner_refs(world, &o.key(), |p| {
                let refs = p.meta_mut().owner_references.get_or_insert_with(Vec::new);
                refs.retain(|r| r.uid != uid);
                if refs.is_empty() {
                    p.meta_mut().owner_references = None;
                }
            });
        }
    }
    if deleting {
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
            && matches(&o);
        if adoptable {
            if let Some(adopted) = adopt(world, set, key) {
                out.push(adopted);
            }
        }
    }
    out.sort_by(|a, b| a.name().cmp(b.name()));
    out
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
        .dependents(&uid)
        .into_iter()
        .filter(|o| o.kind() == Kind::ControllerRevision && controlled_by(o, &uid))
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
