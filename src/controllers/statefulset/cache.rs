//! The controller's view of its pods, kept from the watch as a real controller's informer
//! cache is: per StatefulSet uid, one compact entry per pod it controls, holding exactly
//! what a sync reads. A sync walks these entries instead of every pod object, so a set of
//! 1,000 pods costs microseconds per sync. Debug builds check the cache against the store
//! on every sync (`sync::verify_cache`).

use super::decide::Phase;
use super::identity;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::SimTime;
use crate::store::{WatchEvent, WatchType};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a sync reads of one pod.
#[derive(Clone, Debug)]
pub struct Entry {
    pub obj: Arc<Object>,
    /// The name's ordinal (−1 when the digits overflow); `None` when the name has none.
    pub ordinal: Option<i32>,
    /// `isMemberOf`: the name's parent is the controlling set's name.
    pub member: bool,
    /// `identityMatches` for that set.
    pub identity_ok: bool,
    pub phase: Phase,
    /// When the Ready condition turned True, if it is True.
    pub ready_since: Option<SimTime>,
    pub ready: bool,
    pub terminating: bool,
    /// The `controller-revision-hash` label, interned.
    pub revision: u32,
    /// The selector (by fingerprint) this pod's labels were last matched against.
    selector_match: Cell<Option<(u64, bool)>>,
}

impl Entry {
    /// Whether the pod's labels match `sel` (fingerprint `fp`), remembered per fingerprint.
    pub fn matches(&self, fp: u64, sel: &Selector) -> bool {
        if let Some((f, m)) = self.selector_match.get() {
            if f == fp {
                return m;
            }
        }
        let m = sel.matches(self.obj.labels());
        self.selector_match.set(Some((fp, m)));
        m
    }

    /// The fields a sync reads, for telling a relevant change from an irrelevant one.
    fn same_as(&self, o: &Entry) -> bool {
        self.obj.uid() == o.obj.uid()
            && self.ordinal == o.ordinal
            && self.member == o.member
            && self.identity_ok == o.identity_ok
            && self.phase == o.phase
            && self.ready_since == o.ready_since
            && self.ready == o.ready
            && self.terminating == o.terminating
            && self.revision == o.revision
            && self.obj.labels() == o.obj.labels()
    }
}

/// Interned revision names: pods share a handful of them.
#[derive(Default)]
pub struct Revisions {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Revisions {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.names.push(name.to_string());
        id
    }
    /// The id of `name`, `u32::MAX` (matching no pod) when no pod carries it.
    pub fn id(&self, name: &str) -> u32 {
        self.ids.get(name).copied().unwrap_or(u32::MAX)
    }
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

#[derive(Default)]
pub struct PodCache {
    /// Set uid → its pods by name.
    by_set: HashMap<String, BTreeMap<String, Entry>>,
    /// Pod → the set uid it is filed under.
    filed: HashMap<ObjKey, String>,
    pub revisions: Revisions,
}

/// The StatefulSet controlling `obj`, as (uid, name).
fn controlling_set(obj: &Object) -> Option<(&str, &str)> {
    obj.controller_ref()
        .filter(|r| r.kind == "StatefulSet" && r.api_version == "apps/v1")
        .map(|r| (r.uid.as_str(), r.name.as_str()))
}

/// The Ready condition's status and transition time.
fn ready_of(obj: &Object) -> (bool, Option<SimTime>) {
    let c = obj
        .pod()
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    match c {
        Some(c) if c.status == "True" => (
            true,
            c.last_transition_time
                .as_ref()
                .map(|t| SimTime::from_chrono(t.0)),
        ),
        _ => (false, None),
    }
}

impl PodCache {
    /// Builds the entry for a pod controlled by the set named `set_name`.
    pub fn entry(&mut self, obj: &Arc<Object>, set_name: &str, set_ns: &str) -> Entry {
        let parsed = identity::parent_and_ordinal(obj.name());
        let member = parsed.is_some_and(|(p, _)| p == set_name);
        let identity_ok = match parsed {
            Some((parent, ordinal)) => {
                identity::identity_matches_named(set_name, set_ns, obj, parent, ordinal)
            }
            None => false,
        };
        let (ready, ready_since) = ready_of(obj);
        let revision = obj
            .labels()
            .get(identity::LABEL_REVISION)
            .map(String::as_str)
            .unwrap_or("");
        Entry {
            obj: obj.clone(),
            ordinal: parsed.map(|(_, o)| o),
            member,
            identity_ok,
            phase: Phase::parse(
                obj.pod()
                    .and_then(|p| p.status.as_ref())
                    .and_then(|s| s.phase.as_deref()),
            ),
            ready_since,
            ready,
            terminating: obj.is_deleting(),
            revision: self.revisions.intern(revision),
            selector_match: Cell::new(None),
        }
    }

    /// Files a pod change. Returns the sets to look at again: its controller before and
    /// after the change, when anything a sync reads changed.
    pub fn observe(&mut self, change: &WatchEvent) -> Vec<ObjKey> {
        let obj = &change.object;
        if obj.kind() != Kind::Pod {
            return Vec::new();
        }
        let set_key = |o: &Object| {
            controlling_set(o).map(|(_, name)| ObjKey::new(Kind::StatefulSet, o.namespace(), name))
        };
        let key = change.key();
        let old_set = self.filed.remove(&key);
        let old = old_set
            .as_ref()
            .and_then(|uid| self.by_set.get_mut(uid))
            .and_then(|m| m.remove(obj.name()));
        if let Some(uid) = &old_set {
            if self.by_set.get(uid).is_some_and(|m| m.is_empty()) {
                self.by_set.remove(uid);
            }
        }
        let mut touched = Vec::new();
        let new_set = match (change.kind, controlling_set(obj)) {
            (WatchType::Deleted, _) | (_, None) => None,
            (_, Some((uid, name))) => {
                let entry = self.entry(obj, name, obj.namespace());
                let unchanged = old_set.as_deref() == Some(uid)
                    && old.as_ref().is_some_and(|o| o.same_as(&entry));
                if !unchanged {
                    touched.extend(set_key(obj));
                }
                self.filed.insert(key, uid.to_string());
                self.by_set
                    .entry(uid.to_string())
                    .or_default()
                    .insert(obj.name().to_string(), entry);
                Some(uid)
            }
        };
        if let (Some(uid), Some(old)) = (old_set, old) {
            if new_set != Some(uid.as_str()) {
                touched.extend(set_key(&old.obj));
            }
        }
        touched
    }

    /// The pods a set controls, by name.
    pub fn pods(&self, set_uid: &str) -> impl Iterator<Item = &Entry> {
        self.by_set
            .get(set_uid)
            .into_iter()
            .flat_map(|m| m.values())
    }
}
