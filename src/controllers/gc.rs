//! The garbage collector: dependents whose owners are gone are deleted (background);
//! an owner deleted with `foreground` keeps its `foregroundDeletion` finalizer until its
//! dependents are gone; one deleted with `orphan` has its dependents' ownerReferences
//! removed, then its `orphan` finalizer.

use super::Controller;
use crate::api::{ObjKey, Object};
use crate::store::{DeleteOptions, WatchEvent, WatchType, FINALIZER_FOREGROUND, FINALIZER_ORPHAN};
use crate::world::World;
use std::sync::Arc;

pub const NAME: &str = "garbage-collector-controller";

pub struct GarbageCollector;

fn has_finalizer(obj: &Object, f: &str) -> bool {
    obj.meta().finalizers.iter().flatten().any(|x| x == f)
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        // An owner went away, or is being deleted: look at it (if it is still there) and its dependents.
        let owner_event = change.kind == WatchType::Deleted || obj.is_deleting();
        if owner_event {
            if change.kind != WatchType::Deleted {
                out.push(change.key());
            }
            for d in world.store.dependents(obj.uid()) {
                out.push(d.key());
            }
        }
        // A new object whose owner is already gone is garbage at once.
        if change.kind == WatchType::Added
            && obj
                .owner_references()
                .iter()
                .any(|r| world.store.by_uid(&r.uid).is_none())
        {
            out.push(change.key());
        }
        // A dependent went away: its owners may be waiting for it (foreground).
        if change.kind == WatchType::Deleted {
            for r in obj.owner_references() {
                if let Some(owner) = world.store.by_uid(&r.uid) {
                    if owner.is_deleting() {
                        out.push(owner.key());
                    }
                }
            }
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let Some(obj) = world.store.get(key).cloned() else {
            return;
        };
        let uid = obj.uid().to_string();
        let dependents: Vec<Arc<Object>> = world.store.dependents(&uid);

        if obj.is_deleting() && has_finalizer(&obj, FINALIZER_ORPHAN) {
            for d in &dependents {
                let _ = world.store.modify(&d.key(), now, |o| {
                    if let Some(refs) = o.meta_mut().owner_references.as_mut() {
                        refs.retain(|r| r.uid != uid);
                        if refs.is_empty() {
                            o.meta_mut().owner_references = None;
                        }
                    }
                });
            }
            remove_finalizer(world, key, FINALIZER_ORPHAN);
            return;
        }
        if obj.is_deleting() && has_finalizer(&obj, FINALIZER_FOREGROUND) {
            // processDeletingDependentsItem: the owner waits for the dependents that block
            // its deletion; each dependent is dealt with as attemptToDeleteItem would.
            for d in &dependents {
                attempt_to_delete(world, d);
            }
            let blocking = world.store.dependents(&uid).iter().any(|d| {
                d.owner_references()
                    .iter()
                    .any(|r| r.uid == uid && r.block_owner_deletion == Some(true))
            });
            if !blocking {
                remove_finalizer(world, key, FINALIZER_FOREGROUND);
            }
            return;
        }
        attempt_to_delete(world, &obj);
    }
}

/// `attemptToDeleteItem` for a dependent: owners that exist and are not being deleted in
/// the foreground keep it (references to the others are removed); otherwise it is deleted —
/// in the foreground if an owner waits for it and it has dependents of its own, else as
/// its own finalizers say (background by default).
fn attempt_to_delete(world: &mut World, obj: &Arc<Object>) {
    let now = world.now;
    let refs = obj.owner_references();
    if refs.is_empty() || obj.is_deleting() {
        return;
    }
    let (mut solid, mut gone) = (Vec::new(), Vec::new());
    let mut waiting = false;
    for r in refs {
        match world.store.by_uid(&r.uid) {
            None => gone.push(r.uid.clone()),
            Some(o) if o.is_deleting() && has_finalizer(o, FINALIZER_FOREGROUND) => {
                waiting = true;
                gone.push(r.uid.clone());
            }
            Some(_) => solid.push(r.uid.clone()),
        }
    }
    let key = obj.key();
    if !solid.is_empty() {
        if !gone.is_empty() {
            let _ = world.store.modify(&key, now, |o| {
                if let Some(r) = o.meta_mut().owner_references.as_mut() {
                    r.retain(|x| !gone.contains(&x.uid));
                }
            });
        }
        return;
    }
    let has_dependents = !world.store.dependents(obj.uid()).is_empty();
    let opts = if waiting && has_dependents {
        DeleteOptions::foreground()
    } else if has_finalizer(obj, FINALIZER_ORPHAN) {
        DeleteOptions {
            grace_period: None,
            propagation: Some(crate::store::Propagation::Orphan),
        }
    } else if has_finalizer(obj, FINALIZER_FOREGROUND) {
        DeleteOptions::foreground()
    } else {
        DeleteOptions::background()
    };
    let _ = world.store.delete(&key, &opts, now);
}

fn remove_finalizer(world: &mut World, key: &ObjKey, name: &str) {
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        if let Some(f) = o.meta_mut().finalizers.as_mut() {
            f.retain(|x| x != name);
            if f.is_empty() {
                o.meta_mut().finalizers = None;
            }
        }
    });
}
