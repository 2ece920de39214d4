//! ControllerRevisions of a DaemonSet (k/k `pkg/controller/daemon/update.go`
//! `constructHistory`, `snapshot`, `getPatch`, `Match`, `dedupCurHistories`,
//! `cleanupHistory`; `controller.ComputeHash`; facts 37–41, T5, T6).
//!
//! The hash is FNV-32a over the pod template plus the collision count, printed in decimal
//! and passed through `rand.SafeEncodeString`, exactly as Kubernetes does. What klab feeds
//! the hash differs: Kubernetes hashes Go's `spew` dump of its typed struct, klab hashes the
//! template's canonical JSON. So a template's hash is stable and has Kubernetes' shape
//! (`[4-9bcdf]`, at most 10 characters) but is not the value a real cluster would print.

use super::decide::LABEL_HASH;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::SimTime;
use crate::store::{ApiError, DeleteOptions};
use crate::world::World;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::{Map, Value};
use std::sync::Arc;

use crate::controllers::history::{fnv32a, safe_encode_string, sorted, template_json};

/// `controller.ComputeHash(&template, collisionCount)`.
pub fn template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let text = serde_json::to_string(&template_json(template)).unwrap_or_default();
    let mut bytes = text.into_bytes();
    if let Some(c) = collision_count {
        // binary.LittleEndian.PutUint32 into an 8-byte buffer: all 8 bytes are written.
        let mut buf = [0u8; 8];
        buf[..4].copy_from_slice(&(c as u32).to_le_bytes());
        bytes.extend_from_slice(&buf);
    }
    safe_encode_string(&fnv32a(&bytes).to_string())
}

/// `getPatch`: `{"spec":{"template":{…,"$patch":"replace"}}}`, keys sorted (fact 37).
pub fn patch_for(ds: &DaemonSet) -> Value {
    let template = ds
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let mut t = match template_json(&template) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    t.insert("$patch".into(), Value::String("replace".into()));
    let t = sorted(Value::Object(t));
    let mut spec = Map::new();
    spec.insert("template".into(), t);
    let mut root = Map::new();
    root.insert("spec".into(), Value::Object(spec));
    Value::Object(root)
}

/// `Match`: the revision stores exactly this DaemonSet's template.
pub fn matches(patch: &Value, cr: &ControllerRevision) -> bool {
    cr.data.as_ref().is_some_and(|d| &d.0 == patch)
}

fn cr_hash(cr: &ControllerRevision) -> Option<&str> {
    cr.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_HASH))
        .map(String::as_str)
}

/// The revisions among the DaemonSet's dependents that it controls, by revision number
/// then name.
pub fn controlled(ds: &Object, dependents: &[Arc<Object>]) -> Vec<Arc<Object>> {
    let uid = ds.uid();
    let mut out: Vec<Arc<Object>> = dependents
        .iter()
        .filter(|o| o.kind() == Kind::ControllerRevision)
        .filter(|o| o.controller_ref().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect();
    out.sort_by_key(|o| (revision(o), o.name().to_string()));
    out
}

fn revision(o: &Object) -> i64 {
    o.controller_revision().map_or(0, |c| c.revision)
}

/// The outcome of `constructHistory`: the current revision's hash and the old revisions.
pub struct History {
    pub hash: String,
    pub old: Vec<Arc<Object>>,
}

/// `constructHistory`: find or create the revision for the current template; give it the
/// highest revision number (a rollback bumps the old revision, T6). `Err` means "try again"
/// (a hash collision bumped `collisionCount`, or the store refused a write). `dependents`
/// are the DaemonSet's dependents as the owner index lists them.
pub fn construct(
    world: &mut World,
    ds_obj: &Arc<Object>,
    dependents: &[Arc<Object>],
) -> Result<History, String> {
    let now = world.now;
    let ds = ds_obj.daemon_set().expect("a DaemonSet");
    let patch = patch_for(ds);
    let mut current: Vec<Arc<Object>> = Vec::new();
    let mut old: Vec<Arc<Object>> = Vec::new();
    for mut cr in controlled(ds_obj, dependents) {
        // Older revisions may lack the hash label: it is the revision's name then.
        if cr_hash(cr.controller_revision().expect("a revision")).is_none() {
            let name = cr.name().to_string();
            world
                .store
                .modify(&cr.key(), now, |o| {
                    o.meta_mut()
                        .labels
                        .get_or_insert_with(Default::default)
                        .insert(LABEL_HASH.into(), name.clone());
                })
                .map_err(|e| e.to_string())?;
            cr = world
                .store
                .get(&cr.key())
                .cloned()
                .ok_or("revision vanished")?;
        }
        if matches(&patch, cr.controller_revision().expect("a revision")) {
            current.push(cr);
        } else {
            old.push(cr);
        }
    }
    let next = old.iter().map(|o| revision(o)).max().unwrap_or(0) + 1;
    let cur = if current.is_empty() {
        snapshot(world, ds_obj, &patch, next)?
    } else {
        let keep = dedup(world, ds_obj, current, dependents)?;
        if revision(&keep) < next {
            world
                .store
                .modify(&keep.key(), now, |o| {
                    if let Some(cr) = o.controller_revision_mut() {
                        cr.revision = next;
                    }
                })
                .map_err(|e| e.to_string())?;
        }
        keep
    };
    let hash = cr_hash(cur.controller_revision().expect("a revision"))
        .unwrap_or_default()
        .to_string();
    Ok(History { hash, old })
}

/// `snapshot`: create the revision `<ds>-<hash>`; on a name clash with a different
/// template, bump `status.collisionCount` and retry (fact 28).
fn snapshot(
    world: &mut World,
    ds_obj: &Arc<Object>,
    patch: &Value,
    revision: i64,
) -> Result<Arc<Object>, String> {
    let ds = ds_obj.daemon_set().expect("a DaemonSet");
    let spec = ds.spec.as_ref().ok_or("DaemonSet without spec")?;
    let collision = ds.status.as_ref().and_then(|s| s.collision_count);
    let hash = template_hash(&spec.template, collision);
    let name = format!("{}-{hash}", ds_obj.name());
    let mut labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(LABEL_HASH.into(), hash.clone());
    let cr = ControllerRevision {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(ds_obj.namespace().to_string()),
            labels: Some(labels),
            annotations: ds.metadata.annotations.clone(),
            owner_references: Some(vec![ds_obj.controller_ref_to()]),
            ..Default::default()
        },
        data: Some(RawExtension(patch.clone())),
        revision,
    };
    match world.create(Object::ControllerRevision(cr)) {
        Ok(created) => Ok(created),
        Err(ApiError::AlreadyExists { .. }) => {
            let key = ObjKey::new(Kind::ControllerRevision, ds_obj.namespace(), &name);
            let existing = world.store.get(&key).cloned().ok_or("revision vanished")?;
            if matches(patch, existing.controller_revision().expect("a revision")) {
                return Ok(existing);
            }
            let now = world.now;
            world
                .store
                .modify(&ds_obj.key(), now, |o| {
                    if let Some(d) = o.daemon_set_mut() {
                        let status = d.status.get_or_insert_with(Default::default);
                        status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
                    }
                })
                .map_err(|e| e.to_string())?;
            Err(format!(
                "controllerrevisions.apps \"{name}\" already exists with a different template; collisionCount bumped"
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// `dedupCurHistories`: several revisions hold the current template (only possible by
/// hand): keep the highest, point every pod at it, delete the rest.
fn dedup(
    world: &mut World,
    ds_obj: &Arc<Object>,
    current: Vec<Arc<Object>>,
    dependents: &[Arc<Object>],
) -> Result<Arc<Object>, String> {
    let keep = current
        .iter()
        .max_by_key(|o| revision(o))
        .cloned()
        .expect("at least one current revision");
    if current.len() == 1 {
        return Ok(keep);
    }
    let now = world.now;
    let keep_hash = cr_hash(keep.controller_revision().expect("a revision"))
        .unwrap_or_default()
        .to_string();
    for pod in super::pods::owned_pods(ds_obj, dependents) {
        if pod.labels().get(LABEL_HASH) != Some(&keep_hash) {
            let _ = world.store.modify(&pod.key(), now, |o| {
                o.meta_mut()
                    .labels
                    .get_or_insert_with(Default::default)
                    .insert(LABEL_HASH.into(), keep_hash.clone());
            });
        }
    }
    for cr in current.iter().filter(|c| c.name() != keep.name()) {
        let _ = world
            .store
            .delete(&cr.key(), &DeleteOptions::background(), now);
    }
    Ok(keep)
}

/// `cleanupHistory`: beyond `revisionHistoryLimit` (default 10) old revisions, delete the
/// lowest-numbered ones whose hash none of `pods` carries (fact 41).
pub fn cleanup(world: &mut World, ds: &DaemonSet, old: &[Arc<Object>], pods: &[Arc<Object>]) {
    let limit = ds
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let mut to_kill = old.len().saturating_sub(limit);
    if to_kill == 0 {
        return;
    }
    let live_hashes: std::collections::BTreeSet<&str> = pods
        .iter()
        .filter_map(|p| p.labels().get(LABEL_HASH).map(String::as_str))
        .collect();
    let mut old: Vec<&Arc<Object>> = old.iter().collect();
    old.sort_by_key(|o| revision(o));
    let now: SimTime = world.now;
    for cr in old {
        if to_kill == 0 {
            break;
        }
        let hash = cr_hash(cr.controller_revision().expect("a revision")).unwrap_or("");
        if live_hashes.contains(hash) {
            continue;
        }
        if world
            .store
            .delete(&cr.key(), &DeleteOptions::background(), now)
            .is_ok()
        {
            to_kill -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use std::collections::BTreeMap;

    fn template(image: &str) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(BTreeMap::from([("app".to_string(), "web".to_string())])),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "nginx".into(),
                    image: Some(image.into()),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        }
    }

    #[test]
    fn safe_encode_maps_digits_to_the_hash_alphabet_fact_39() {
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
    }

    #[test]
    fn fnv32a_matches_the_reference_vectors() {
        assert_eq!(fnv32a(b""), 0x811c9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9cf968);
    }

    #[test]
    fn template_hash_uses_only_4_to_9_bcdf_and_is_deterministic_fact_39_t5() {
        let a = template_hash(&template("nginx:1.16"), None);
        assert!(!a.is_empty() && a.len() <= 10, "{a}");
        assert!(a.chars().all(|c| "456789bcdf".contains(c)), "{a}");
        assert_eq!(a, template_hash(&template("nginx:1.16"), None));
        assert_ne!(a, template_hash(&template("nginx:1.17"), None));
        // The collision count changes the hash.
        assert_ne!(a, template_hash(&template("nginx:1.16"), Some(1)));
    }

    #[test]
    fn patch_replaces_the_template_with_sorted_keys_fact_37() {
        let ds = DaemonSet {
            spec: Some(k8s_openapi::api::apps::v1::DaemonSetSpec {
                template: template("nginx:1.16"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let text = serde_json::to_string(&patch_for(&ds)).unwrap();
        assert_eq!(
            text,
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.16","name":"nginx","resources":{}}]}}}}"#
        );
    }
}
