//! ControllerRevision machinery shared by the workload controllers (k/k
//! `pkg/controller/history/controller_history.go`, `k8s.io/apimachinery/pkg/util/rand`
//! `SafeEncodeString`; facts 37–41, T5, T6).
//!
//! The StatefulSet controller hashes the revision's `data` bytes (Go's `json.Marshal` of the
//! patch) with FNV-32 (FNV-1, `fnv.New32`) plus the collision count in decimal; the DaemonSet
//! controller's `ComputeHash` uses FNV-32a. Both print the sum in decimal through the
//! `[4-9bcdf]` alphabet, so hashes are at most 10 characters (fact 39).

use crate::api::{Kind, ObjKey, Object};
use crate::store::ApiError;
use crate::world::World;
use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The label a ControllerRevision carries its own hash in (`ControllerRevisionHashLabel`).
pub const LABEL_CR_HASH: &str = "controller.kubernetes.io/hash";

/// `rand.alphanums`: no vowels, no 0/1/3, so generated names spell no words.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `rand.SafeEncodeString`: each byte maps to `alphanums[b % 27]`.
pub fn safe_encode_string(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[(b as usize) % ALPHANUMS.len()] as char)
        .collect()
}

/// A hash sum as Kubernetes prints it: decimal digits through the safe alphabet, so
/// `0→4 1→5 … 5→9 6→b 7→c 8→d 9→f` (fact 39).
pub fn safe_encode(sum: u32) -> String {
    safe_encode_string(&sum.to_string())
}

const FNV32_OFFSET: u32 = 0x811c_9dc5;
const FNV32_PRIME: u32 = 0x0100_0193;

/// FNV-1 32-bit (`hash/fnv.New32`): multiply, then xor.
pub fn fnv32(bytes: &[u8]) -> u32 {
    fnv32_continue(FNV32_OFFSET, bytes)
}

fn fnv32_continue(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h = h.wrapping_mul(FNV32_PRIME);
        h ^= b as u32;
    }
    h
}

/// FNV-1a 32-bit (`hash/fnv.New32a`): xor, then multiply.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h = FNV32_OFFSET;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(FNV32_PRIME);
    }
    h
}

/// `HashControllerRevision`: FNV-1 over the data bytes, then the probe (collision count)
/// in decimal when there is one.
pub fn hash_controller_revision(data: &[u8], probe: Option<i32>) -> String {
    let mut h = fnv32_continue(FNV32_OFFSET, data);
    if let Some(p) = probe {
        h = fnv32_continue(h, p.to_string().as_bytes());
    }
    safe_encode(h)
}

/// `ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223 bytes.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let mut end = prefix.len().min(223);
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}-{hash}", &prefix[..end])
}

// ---- Go's encoding/json ---------------------------------------------------------------

/// Keys sorted at every level, as Go marshals a `map[string]interface{}`.
pub fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Go's `json.Marshal` of a decoded JSON document (compact, keys sorted, Go's escapes).
pub use crate::print::gojson::to_compact_string as go_json;

/// A pod template as Go encodes the typed struct: `metadata` and `spec` always present,
/// `metadata.creationTimestamp: null` and every container's `resources: {}` (non-pointer
/// structs are never omitted), keys sorted.
pub fn template_json(template: &PodTemplateSpec) -> Value {
    let mut v = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        let meta = m
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(meta) = meta {
            meta.entry("creationTimestamp").or_insert(Value::Null);
        }
        let spec = m.entry("spec").or_insert_with(|| Value::Object(Map::new()));
        for list in ["containers", "initContainers"] {
            if let Some(Value::Array(cs)) = spec.get_mut(list) {
                for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                    c.entry("resources")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
    }
    sorted(v)
}

// ---- ControllerRevision objects -------------------------------------------------------

pub fn revision_number(o: &Object) -> i64 {
    o.controller_revision().map_or(0, |c| c.revision)
}

/// `SortControllerRevisions`: by revision, then creation time, then name.
pub fn sort_revisions(revisions: &mut [Arc<Object>]) {
    revisions.sort_by(|a, b| {
        let ka = (
            revision_number(a),
            a.meta().creation_timestamp.as_ref().map(|t| t.0),
        );
        let kb = (
            revision_number(b),
            b.meta().creation_timestamp.as_ref().map(|t| t.0),
        );
        ka.cmp(&kb).then_with(|| a.name().cmp(b.name()))
    });
}

/// `nextRevision`: one more than the highest of the sorted revisions, 1 for none.
pub fn next_revision(sorted: &[Arc<Object>]) -> i64 {
    sorted.last().map_or(1, |r| revision_number(r) + 1)
}

/// Whether a revision holds exactly this data (`EqualRevision` on the raw bytes).
pub fn holds(cr: &Object, data: &Value) -> bool {
    cr.controller_revision()
        .and_then(|c| c.data.as_ref())
        .is_some_and(|d| &d.0 == data)
}

/// `NewControllerRevision`: labels = template labels + the hash label, a controller
/// reference to the parent, name `<parent>-<hash>` for this collision count.
pub fn new_revision(
    parent: &Object,
    template_labels: Option<&BTreeMap<String, String>>,
    annotations: Option<&BTreeMap<String, String>>,
    data: Value,
    revision: i64,
    collision_count: i32,
) -> ControllerRevision {
    let hash = hash_controller_revision(go_json(&data).as_bytes(), Some(collision_count));
    let mut labels = template_labels.cloned().unwrap_or_default();
    labels.insert(LABEL_CR_HASH.into(), hash.clone());
    ControllerRevision {
        metadata: ObjectMeta {
            name: Some(revision_name(parent.name(), &hash)),
            namespace: Some(parent.namespace().to_string()),
            labels: Some(labels),
            annotations: annotations.filter(|a| !a.is_empty()).cloned(),
            owner_references: Some(vec![parent.controller_ref_to()]),
            ..Default::default()
        },
        data: Some(RawExtension(data)),
        revision,
    }
}

/// `CreateControllerRevision`: on a name collision with different data the collision
/// count goes up and the name is hashed again; a same-named revision with the same data is
/// returned as it is.
pub fn create_revision(
    world: &mut World,
    parent: &Object,
    mut cr: ControllerRevision,
    collision_count: &mut i32,
) -> Result<Arc<Object>, ApiError> {
    let bytes = cr.data.as_ref().map(|d| go_json(&d.0)).unwrap_or_default();
    // Bounded: each collision needs a distinct existing revision holding other data.
    for _ in 0..1000 {
        let hash = hash_controller_revision(bytes.as_bytes(), Some(*collision_count));
        let name = revision_name(parent.name(), &hash);
        cr.metadata.name = Some(name.clone());
        let key = ObjKey::new(Kind::ControllerRevision, parent.namespace(), &name);
        if let Some(existing) = world.store.get(&key).cloned() {
            let data = cr.data.as_ref().map(|d| &d.0).unwrap_or(&Value::Null);
            if holds(&existing, data) {
                return Ok(existing);
            }
            *collision_count += 1;
            continue;
        }
        return world.create(Object::ControllerRevision(cr));
    }
    Err(ApiError::Other {
        reason: "InternalError".into(),
        message: format!(
            "too many ControllerRevision name collisions for {}",
            parent.name()
        ),
    })
}

/// `UpdateControllerRevision`: the revision number moves to `revision` (a rollback reuses
/// the old revision with the next number, T6).
pub fn set_revision_number(
    world: &mut World,
    cr: &Object,
    revision: i64,
) -> Result<Arc<Object>, ApiError> {
    let key = cr.key();
    let now = world.now;
    world.store.modify(&key, now, |o| {
        if let Some(c) = o.controller_revision_mut() {
            c.revision = revision;
        }
    })?;
    world.store.get(&key).cloned().ok_or(ApiError::NotFound {
        kind: Kind::ControllerRevision,
        name: key.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_encoding_maps_digits_into_4_to_f_alphabet_fact_39() {
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
        let h = safe_encode(u32::MAX);
        assert!(h.len() <= 10);
        assert!(h.chars().all(|c| "456789bcdf".contains(c)));
    }

    #[test]
    fn fnv_variants_match_go_reference_values() {
        // Go: fnv.New32() / fnv.New32a() over "" and "a".
        assert_eq!(fnv32(b""), 0x811c9dc5);
        assert_eq!(fnv32(b"a"), 0x050c5d7e);
        assert_eq!(fnv32a(b"a"), 0xe40c292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9cf968);
        assert_eq!(fnv32(b"foobar"), 0x31f0b262);
    }

    #[test]
    fn probe_is_hashed_as_decimal_text_after_the_data() {
        let mut both = b"{}".to_vec();
        both.extend_from_slice(b"12");
        assert_eq!(
            hash_controller_revision(b"{}", Some(12)),
            safe_encode(fnv32(&both))
        );
        assert_eq!(
            hash_controller_revision(b"{}", None),
            safe_encode(fnv32(b"{}"))
        );
    }

    #[test]
    fn go_json_sorts_keys_and_escapes_like_encoding_json() {
        let v: Value = serde_json::from_str(
            r#"{"b":1,"a":{"z":"<&>","y":[true,null,2.5]},"$patch":"x\n\u0001"}"#,
        )
        .unwrap();
        assert_eq!(
            go_json(&v),
            r#"{"$patch":"x\n\u0001","a":{"y":[true,null,2.5],"z":"\u003c\u0026\u003e"},"b":1}"#
        );
    }

    #[test]
    fn revision_names_cut_long_prefixes_to_223_bytes() {
        let long = "a".repeat(300);
        assert_eq!(revision_name(&long, "h").len(), 225);
        assert_eq!(revision_name("web", "6d4b5f9c8b"), "web-6d4b5f9c8b");
    }

    #[test]
    fn template_json_has_go_struct_fields() {
        let t: PodTemplateSpec = serde_json::from_value(serde_json::json!({
            "metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}
        }))
        .unwrap();
        assert_eq!(
            go_json(&template_json(&t)),
            r#"{"metadata":{"creationTimestamp":null,"labels":{"app":"x"}},"spec":{"containers":[{"image":"nginx","name":"c","resources":{}}]}}"#
        );
    }
}
