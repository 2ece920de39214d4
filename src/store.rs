//! The API-server analogue: every object lives here, and every change — by kubectl or by a
//! controller — goes through `create`, `replace`, `modify`, `delete` or `remove`. The store
//! assigns uid, resourceVersion, generation and timestamps, runs the deletion protocol
//! (grace periods, finalizers), keeps indexes (by owner, by node) and appends every change
//! to the watch log that controllers and `get -w` read.

use crate::api::object::{ObjKey, Object};
use crate::api::Kind;
use crate::sim::{SimRng, SimTime};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

/// An error as the API server reports it; `Display` is kubectl's rendering.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    NotFound {
        kind: Kind,
        name: String,
    },
    AlreadyExists {
        kind: Kind,
        name: String,
    },
    /// Validation: `causes` are `field: Type: detail` lines.
    Invalid {
        kind: Kind,
        name: String,
        causes: Vec<String>,
    },
    /// Anything else, printed as-is after `Error from server (Reason): `.
    Other {
        reason: String,
        message: String,
    },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { kind, name } => {
                write!(
                    f,
                    "Error from server (NotFound): {} \"{name}\" not found",
                    kind.plural_qualified()
                )
            }
            ApiError::AlreadyExists { kind, name } => write!(
                f,
                "Error from server (AlreadyExists): {} \"{name}\" already exists",
                kind.plural_qualified()
            ),
            ApiError::Invalid { kind, name, causes } => {
                write!(f, "The {} \"{name}\" is invalid: ", kind.name())?;
                if causes.len() == 1 {
                    f.write_str(&causes[0])
                } else {
                    // kubectl's MultilineError: the header line, then one `* cause` per line.
                    for c in causes {
                        write!(f, "\n* {c}")?;
                    }
                    Ok(())
                }
            }
            ApiError::Other { reason, message } => {
                write!(f, "Error from server ({reason}): {message}")
            }
        }
    }
}

impl std::error::Error for ApiError {}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WatchType {
    Added,
    Modified,
    Deleted,
}

/// One change, with the object as it was right after it (as it was last, for `Deleted`).
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub kind: WatchType,
    pub at: SimTime,
    pub object: Arc<Object>,
}

impl WatchEvent {
    pub fn key(&self) -> ObjKey {
        self.object.key()
    }
}

/// How dependents are treated when an owner is deleted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// Seconds; `None` uses the pod's `terminationGracePeriodSeconds` (30 by default).
    pub grace_period: Option<i64>,
    /// `None` uses the kind's API default (orphan for Jobs, background otherwise).
    pub propagation: Option<Propagation>,
}

impl DeleteOptions {
    pub fn background() -> Self {
        DeleteOptions {
            grace_period: None,
            propagation: Some(Propagation::Background),
        }
    }
    pub fn foreground() -> Self {
        DeleteOptions {
            grace_period: None,
            propagation: Some(Propagation::Foreground),
        }
    }
    pub fn now() -> Self {
        DeleteOptions {
            grace_period: Some(0),
            propagation: Some(Propagation::Background),
        }
    }
}

pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";
pub const FINALIZER_ORPHAN: &str = "orphan";

/// Kinds whose `metadata.generation` tracks spec changes.
fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::DaemonSet | Kind::StatefulSet | Kind::Job | Kind::CronJob
    )
}

/// One namespace's objects of a kind, by name.
type ByName = BTreeMap<String, Arc<Object>>;

#[derive(Default)]
pub struct Store {
    /// Kind → namespace → name: nested so a lookup borrows the key's strings (no allocation)
    /// and iterating in order gives kubectl's (namespace, name) order.
    objects: BTreeMap<Kind, BTreeMap<String, ByName>>,
    by_uid: HashMap<String, ObjKey>,
    /// owner uid → dependents (the objects themselves, so listing them needs no lookups).
    by_owner: HashMap<String, BTreeMap<ObjKey, Arc<Object>>>,
    /// node name → pods bound to it.
    by_node: HashMap<String, BTreeMap<ObjKey, Arc<Object>>>,
    resource_version: u64,
    log: Vec<WatchEvent>,
    /// Absolute index of `log[0]`; cursors are absolute so the log can be trimmed.
    log_base: usize,
}

impl Store {
    pub fn new() -> Self {
        Store::default()
    }

    // ---- reads ------------------------------------------------------------------------

    pub fn get(&self, key: &ObjKey) -> Option<&Arc<Object>> {
        self.objects
            .get(&key.kind)?
            .get(key.namespace.as_str())?
            .get(key.name.as_str())
    }

    pub fn get_named(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        // As `ObjKey::new`: cluster-scoped objects live under the empty namespace.
        let namespace = if kind.namespaced() { namespace } else { "" };
        self.objects.get(&kind)?.get(namespace)?.get(name)
    }

    pub fn by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        self.get(self.by_uid.get(uid)?)
    }

    /// Objects of a kind in kubectl's order (namespace, then name); `namespace: None` = all.
    pub fn list<'a>(
        &'a self,
        kind: Kind,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        let ns: Option<&'a str> = namespace.map(|n| if kind.namespaced() { n } else { "" });
        let by_ns = self.objects.get(&kind);
        let all = by_ns
            .filter(|_| ns.is_none())
            .into_iter()
            .flat_map(|m| m.values());
        let one = ns.and_then(|n| by_ns?.get(n)).into_iter();
        all.chain(one).flat_map(|names| names.values())
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.objects
            .get(&kind)
            .map_or(0, |m| m.values().map(|names| names.len()).sum())
    }

    pub fn total_objects(&self) -> usize {
        self.objects
            .values()
            .flat_map(|m| m.values())
            .map(|names| names.len())
            .sum()
    }

    /// Objects whose ownerReferences name `owner_uid`, in key order.
    pub fn dependents(&self, owner_uid: &str) -> Vec<Arc<Object>> {
        self.by_owner
            .get(owner_uid)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Dependents of one kind, in key order (a range of the owner index, not a scan of it).
    pub fn dependents_of_kind(&self, owner_uid: &str, kind: Kind) -> Vec<Arc<Object>> {
        let start = ObjKey {
            kind,
            namespace: String::new(),
            name: String::new(),
        };
        self.by_owner
            .get(owner_uid)
            .into_iter()
            .flat_map(|m| m.range(start.clone()..))
            .take_while(|(k, _)| k.kind == kind)
            .map(|(_, o)| o.clone())
            .collect()
    }

    /// Pods bound to a node, in key order.
    pub fn pods_on_node(&self, node: &str) -> Vec<Arc<Object>> {
        self.by_node
            .get(node)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    // ---- the watch log ----------------------------------------------------------------

    /// The absolute position after the newest change.
    pub fn log_end(&self) -> usize {
        self.log_base + self.log.len()
    }

    /// Changes from absolute position `cursor` on.
    pub fn changes_since(&self, cursor: usize) -> &[WatchEvent] {
        let start = cursor.saturating_sub(self.log_base).min(self.log.len());
        &self.log[start..]
    }

    /// Forgets changes before `cursor` once every reader has passed them.
    pub fn trim_log(&mut self, cursor: usize) {
        let n = cursor.saturating_sub(self.log_base).min(self.log.len());
        if n > 0 {
            self.log.drain(..n);
            self.log_base += n;
        }
    }

    // ---- writes -----------------------------------------------------------------------

    /// Creates an object: fills `generateName`, uid, resourceVersion, creationTimestamp and
    /// generation. The namespace must already be set for namespaced kinds.
    pub fn create(
        &mut self,
        mut obj: Object,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Result<Arc<Object>, ApiError> {
        let kind = obj.kind();
        if !kind.namespaced() {
            obj.meta_mut().namespace = None;
        }
        if obj.meta().name.as_deref().unwrap_or("").is_empty() {
            let prefix = obj.meta().generate_name.clone().unwrap_or_default();
            if prefix.is_empty() {
                return Err(ApiError::Invalid {
                    kind,
                    name: String::new(),
                    causes: vec![
                        "metadata.name: Required value: name or generateName is required".into(),
                    ],
                });
            }
            // The API server truncates the base to 58 characters so the name fits in 63.
            let base: String = prefix.chars().take(58).collect();
            let name = loop {
                let candidate = format!("{base}{}", rng.name_suffix());
                if self
                    .get(&ObjKey::new(kind, obj.namespace(), &candidate))
                    .is_none()
                {
                    break candidate;
                }
            };
            obj.meta_mut().name = Some(name);
        }
        let key = obj.key();
        if self.get(&key).is_some() {
            return Err(ApiError::AlreadyExists {
                kind,
                name: key.name,
            });
        }
        let meta = obj.meta_mut();
        meta.uid = Some(rng.uid());
        meta.creation_timestamp = Some(Time(now.truncate_to_secs().to_chrono()));
        meta.deletion_timestamp = None;
        meta.deletion_grace_period_seconds = None;
        meta.generation = has_generation(kind).then_some(1);
        crate::api::strategy::prepare_for_create(&mut obj);
        crate::controllers::daemonset::strategy::prepare_for_create(&mut obj);
        Ok(self.commit(None, obj, now))
    }

    /// Replaces an object's content (spec, status, labels…), keeping what the server owns
    /// (uid, creationTimestamp, deletion state). Bumps generation when the spec changed.
    pub fn replace(&mut self, mut obj: Object, now: SimTime) -> Result<Arc<Object>, ApiError> {
        let key = obj.key();
        let old = self.get(&key).cloned().ok_or(ApiError::NotFound {
            kind: key.kind,
            name: key.name.clone(),
        })?;
        {
            let (om, nm) = (old.meta(), obj.meta_mut());
            nm.uid = om.uid.clone();
            nm.creation_timestamp = om.creation_timestamp.clone();
            nm.deletion_timestamp = om.deletion_timestamp.clone();
            nm.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            nm.generation = om.generation;
            nm.resource_version = om.resource_version.clone();
        }
        crate::api::strategy::prepare_for_update(&old, &mut obj);
        if *old == obj {
            return Ok(old);
        }
        if has_generation(key.kind) && !same_spec(&old, &obj) {
            obj.meta_mut().generation = Some(old.meta().generation.unwrap_or(0) + 1);
        }
        let committed = self.commit(Some(&old), obj, now);
        Ok(self.finish_if_released(committed, now))
    }

    /// Changes an object in place through `f`. Returns whether anything changed; an
    /// unchanged object writes nothing (no new resourceVersion, no watch event).
    pub fn modify(
        &mut self,
        key: &ObjKey,
        now: SimTime,
        f: impl FnOnce(&mut Object),
    ) -> Result<bool, ApiError> {
        let old = self.get(key).cloned().ok_or(ApiError::NotFound {
            kind: key.kind,
            name: key.name.clone(),
        })?;
        let mut new = (*old).clone();
        f(&mut new);
        if new == *old {
            return Ok(false);
        }
        crate::api::strategy::prepare_for_update(&old, &mut new);
        if has_generation(key.kind) && !same_spec(&old, &new) {
            new.meta_mut().generation = Some(old.meta().generation.unwrap_or(0) + 1);
        }
        let committed = self.commit(Some(&old), new, now);
        self.finish_if_released(committed, now);
        Ok(true)
    }

    /// The deletion protocol. Pods bound to a node get a grace period (the kubelet finishes
    /// the job); objects with finalizers wait for them; everything else goes at once.
    /// Returns the object as it stands after the request (`None` if it is gone).
    pub fn delete(
        &mut self,
        key: &ObjKey,
        opts: &DeleteOptions,
        now: SimTime,
    ) -> Result<Option<Arc<Object>>, ApiError> {
        let old = self.get(key).cloned().ok_or(ApiError::NotFound {
            kind: key.kind,
            name: key.name.clone(),
        })?;
        let mut obj = (*old).clone();
        let propagation = opts.propagation.unwrap_or(if key.kind == Kind::Job {
            Propagation::Orphan
        } else {
            Propagation::Background
        });
        let finalizers = obj.meta_mut().finalizers.get_or_insert_with(Vec::new);
        let extra = match propagation {
            Propagation::Foreground => Some(FINALIZER_FOREGROUND),
            Propagation::Orphan => Some(FINALIZER_ORPHAN),
            Propagation::Background => None,
        };
        if let Some(f) = extra {
            if !finalizers.iter().any(|x| x == f) && old.meta().deletion_timestamp.is_none() {
                finalizers.push(f.to_string());
            }
        }
        if finalizers.is_empty() {
            obj.meta_mut().finalizers = None;
        }

        let grace = match obj.pod() {
            Some(pod) => {
                let bound = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty());
                let phase = pod
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .unwrap_or("");
                let terminal = phase == "Succeeded" || phase == "Failed";
                let default = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.termination_grace_period_seconds)
                    .unwrap_or(30);
                let g = opts.grace_period.unwrap_or(default).max(0);
                if !bound || terminal {
                    0
                } else {
                    g
                }
            }
            None => 0,
        };

        let meta = obj.meta_mut();
        match (
            &old.meta().deletion_timestamp,
            old.meta().deletion_grace_period_seconds,
        ) {
            // Already terminating: only a shorter grace period changes anything.
            (Some(_), Some(current)) if grace < current => {
                meta.deletion_timestamp = Some(Time(
                    (now + crate::sim::SimDuration::from_secs(grace))
                        .truncate_to_secs()
                        .to_chrono(),
                ));
                meta.deletion_grace_period_seconds = Some(grace);
            }
            (Some(_), _) => {}
            (None, _) => {
                meta.deletion_timestamp = Some(Time(
                    (now + crate::sim::SimDuration::from_secs(grace))
                        .truncate_to_secs()
                        .to_chrono(),
                ));
                meta.deletion_grace_period_seconds = Some(grace);
            }
        }
        if obj.meta().finalizers.is_none() && obj.meta().deletion_grace_period_seconds == Some(0) {
            self.remove(key, now);
            return Ok(None);
        }
        if obj == *old {
            return Ok(Some(old));
        }
        Ok(Some(self.commit(Some(&old), obj, now)))
    }

    /// Takes an object out of the store for good (the last step of deletion).
    pub fn remove(&mut self, key: &ObjKey, now: SimTime) -> Option<Arc<Object>> {
        let by_ns = self.objects.get_mut(&key.kind)?;
        let names = by_ns.get_mut(key.namespace.as_str())?;
        let old = names.remove(key.name.as_str())?;
        if names.is_empty() {
            by_ns.remove(key.namespace.as_str());
        }
        self.unindex(&old, key);
        self.resource_version += 1;
        self.log.push(WatchEvent {
            kind: WatchType::Deleted,
            at: now,
            object: old.clone(),
        });
        Some(old)
    }

    /// After an update: a deleting object whose finalizers are all gone and whose grace
    /// period is over leaves the store.
    fn finish_if_released(&mut self, obj: Arc<Object>, now: SimTime) -> Arc<Object> {
        let m = obj.meta();
        let released = m.deletion_timestamp.is_some()
            && m.finalizers.as_ref().is_none_or(|f| f.is_empty())
            && m.deletion_grace_period_seconds.unwrap_or(0) == 0;
        if released {
            self.remove(&obj.key(), now);
        }
        obj
    }

    fn commit(&mut self, old: Option<&Arc<Object>>, mut obj: Object, now: SimTime) -> Arc<Object> {
        self.resource_version += 1;
        obj.meta_mut().resource_version = Some(self.resource_version.to_string());
        let key = obj.key();
        let obj = Arc::new(obj);
        // Most writes are status updates: when the index keys are unchanged, only the
        // objects the indexes hold are swapped for the new version.
        match old {
            Some(old) if same_index_entries(old, &obj) => self.refresh_index(&obj, &key),
            Some(old) => {
                self.unindex(old, &key);
                self.index(&obj, &key);
            }
            None => self.index(&obj, &key),
        }
        self.objects
            .entry(key.kind)
            .or_default()
            .entry(key.namespace)
            .or_default()
            .insert(key.name, obj.clone());
        let kind = if old.is_some() {
            WatchType::Modified
        } else {
            WatchType::Added
        };
        self.log.push(WatchEvent {
            kind,
            at: now,
            object: obj.clone(),
        });
        obj
    }

    /// Points the owner and node indexes at the new version of an object whose index keys
    /// did not change.
    fn refresh_index(&mut self, obj: &Arc<Object>, key: &ObjKey) {
        for r in obj.owner_references() {
            if let Some(slot) = self.by_owner.get_mut(&r.uid).and_then(|m| m.get_mut(key)) {
                *slot = obj.clone();
            }
        }
        if let Some(node) = pod_node(obj) {
            if let Some(slot) = self.by_node.get_mut(node).and_then(|m| m.get_mut(key)) {
                *slot = obj.clone();
            }
        }
    }

    fn index(&mut self, obj: &Arc<Object>, key: &ObjKey) {
        self.by_uid.insert(obj.uid().to_string(), key.clone());
        for r in obj.owner_references() {
            self.by_owner
                .entry(r.uid.clone())
                .or_default()
                .insert(key.clone(), obj.clone());
        }
        if let Some(node) = pod_node(obj) {
            self.by_node
                .entry(node.to_string())
                .or_default()
                .insert(key.clone(), obj.clone());
        }
    }

    fn unindex(&mut self, obj: &Object, key: &ObjKey) {
        self.by_uid.remove(obj.uid());
        for r in obj.owner_references() {
            if let Some(set) = self.by_owner.get_mut(&r.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.by_owner.remove(&r.uid);
                }
            }
        }
        if let Some(node) = pod_node(obj) {
            if let Some(set) = self.by_node.get_mut(node) {
                set.remove(key);
                if set.is_empty() {
                    self.by_node.remove(node);
                }
            }
        }
    }
}

/// Whether two versions of an object sit under the same index entries (uid, owners, node).
fn same_index_entries(a: &Object, b: &Object) -> bool {
    a.uid() == b.uid()
        && pod_node(a) == pod_node(b)
        && a.owner_references().len() == b.owner_references().len()
        && a.owner_references()
            .iter()
            .zip(b.owner_references())
            .all(|(x, y)| x.uid == y.uid)
}

fn pod_node(obj: &Object) -> Option<&str> {
    obj.pod()?
        .spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

/// Whether two versions of an object have the same spec (generation bumps on a change).
fn same_spec(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::DaemonSet(a), Object::DaemonSet(b)) => a.spec == b.spec,
        (Object::StatefulSet(a), Object::StatefulSet(b)) => a.spec == b.spec,
        (Object::Job(a), Object::Job(b)) => a.spec == b.spec,
        (Object::CronJob(a), Object::CronJob(b)) => a.spec == b.spec,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Pod, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod(name: &str, node: Option<&str>) -> Object {
        Object::Pod(Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: node.map(Into::into),
                ..Default::default()
            }),
            status: None,
        })
    }

    #[test]
    fn indexes_serve_the_latest_version_after_a_status_only_write() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let mut p = pod("a", Some("node-1"));
        p.meta_mut().owner_references = Some(vec![OwnerReference {
            uid: "owner-uid".into(),
            name: "owner".into(),
            ..Default::default()
        }]);
        let key = s.create(p, SimTime(0), &mut rng).unwrap().key();
        s.modify(&key, SimTime(0), |o| {
            o.pod_mut().unwrap().status = Some(Default::default());
        })
        .unwrap();
        let latest = s.get(&key).unwrap().clone();
        assert_eq!(*s.dependents("owner-uid")[0], *latest);
        assert_eq!(*s.pods_on_node("node-1")[0], *latest);
    }

    #[test]
    fn create_assigns_uid_resource_version_and_timestamp() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let o = s
            .create(pod("a", None), SimTime::from_secs(10), &mut rng)
            .unwrap();
        assert_eq!(o.meta().resource_version.as_deref(), Some("1"));
        assert_eq!(o.uid().len(), 36);
        assert!(s.create(pod("a", None), SimTime(0), &mut rng).is_err());
    }

    #[test]
    fn generate_name_gets_five_random_characters_fact_21() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let mut p = pod("", None);
        p.meta_mut().generate_name = Some("sample-ds-".into());
        let o = s.create(p, SimTime(0), &mut rng).unwrap();
        assert_eq!(o.name().len(), "sample-ds-".len() + 5);
    }

    #[test]
    fn unchanged_modify_writes_nothing() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let o = s.create(pod("a", None), SimTime(0), &mut rng).unwrap();
        let end = s.log_end();
        assert!(!s.modify(&o.key(), SimTime(0), |_| {}).unwrap());
        assert_eq!(s.log_end(), end);
    }

    #[test]
    fn bound_pod_deletion_waits_for_the_grace_period_and_unbound_goes_at_once() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let a = s
            .create(pod("a", Some("node-1")), SimTime(0), &mut rng)
            .unwrap()
            .key();
        let b = s
            .create(pod("b", None), SimTime(0), &mut rng)
            .unwrap()
            .key();
        assert_eq!(s.pods_on_node("node-1").len(), 1);
        let after = s
            .delete(&a, &DeleteOptions::default(), SimTime(0))
            .unwrap()
            .unwrap();
        assert_eq!(after.meta().deletion_grace_period_seconds, Some(30));
        assert!(s
            .delete(&b, &DeleteOptions::default(), SimTime(0))
            .unwrap()
            .is_none());
        // The kubelet's final delete with grace 0 removes it.
        assert!(s
            .delete(&a, &DeleteOptions::now(), SimTime(0))
            .unwrap()
            .is_none());
        assert!(s.pods_on_node("node-1").is_empty());
    }

    #[test]
    fn finalizers_hold_an_object_until_removed() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        let mut p = pod("a", None);
        p.meta_mut().finalizers = Some(vec!["batch.kubernetes.io/job-tracking".into()]);
        let k = s.create(p, SimTime(0), &mut rng).unwrap().key();
        assert!(s
            .delete(&k, &DeleteOptions::default(), SimTime(0))
            .unwrap()
            .is_some());
        s.modify(&k, SimTime(0), |o| o.meta_mut().finalizers = None)
            .unwrap();
        assert!(s.get(&k).is_none());
    }
}
