//! Strategic merge patch (k8s.io/apimachinery `strategicpatch`) for klab's kinds: lists the
//! API declares `patchStrategy:"merge"` are merged by their `patchMergeKey` (containers and
//! volumes by `name`, container ports by `containerPort`, …), other lists are replaced;
//! `$patch: delete|replace`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and
//! `$retainKeys` directives are honoured. `three_way` computes kubectl apply's patch from
//! the last-applied configuration, the new one and the live object.

use crate::api::Kind;
use serde_json::{Map, Value};

/// How a list field merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListStrategy {
    /// Elements are maps identified by this key.
    Key(&'static str),
    /// A list of scalars merged as a set (`metadata.finalizers`).
    Primitive,
}

/// The `patchMergeKey`/`patchStrategy` tags of the 1.32 types klab serves, by field name
/// (with the one context that changes the key: Service `spec.ports` merge by `port`).
fn strategy(kind: Kind, path: &[String], field: &str) -> Option<ListStrategy> {
    use ListStrategy::{Key, Primitive};
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "env"
        | "resourceClaims"
        | "schedulingGates" => Key("name"),
        "ports" if kind == Kind::Service && path.len() == 1 && path[0] == "spec" => Key("port"),
        "ports" => Key("containerPort"),
        "volumeMounts" => Key("mountPath"),
        "volumeDevices" => Key("devicePath"),
        "hostAliases" => Key("ip"),
        "topologySpreadConstraints" => Key("topologyKey"),
        "ownerReferences" => Key("uid"),
        "conditions" | "addresses" => Key("type"),
        "finalizers" if path.len() == 1 && path[0] == "metadata" => Primitive,
        _ => return None,
    })
}

const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList/";

fn key_of<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| m.get(key))
}

// ---- applying a patch ------------------------------------------------------------------

/// Applies a strategic merge patch to `current` (an object of `kind`).
pub fn apply(current: &Value, patch: &Value, kind: Kind) -> Result<Value, String> {
    let (Some(cur), Some(p)) = (current.as_object(), patch.as_object()) else {
        return Err("strategic merge patch: the patch must be a JSON object".into());
    };
    Ok(apply_map(cur, p, kind, &mut Vec::new())?
        .map(Value::Object)
        .unwrap_or(Value::Object(Map::new())))
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|e| key_of(e, "$patch").is_none())
                .map(strip_directives)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Returns `None` when the patch deletes the map (`$patch: delete`).
fn apply_map(
    cur: &Map<String, Value>,
    patch: &Map<String, Value>,
    kind: Kind,
    path: &mut Vec<String>,
) -> Result<Option<Map<String, Value>>, String> {
    match patch.get("$patch").and_then(|v| v.as_str()) {
        Some("delete") => return Ok(None),
        Some("replace") => {
            return Ok(strip_directives(&Value::Object(patch.clone()))
                .as_object()
                .cloned());
        }
        Some("merge") | None => {}
        Some(other) => {
            return Err(format!(
                "unknown patch type: {other} in map: {}",
                Value::Object(patch.clone())
            ))
        }
    }
    let mut out = cur.clone();
    if let Some(Value::Array(keep)) = patch.get("$retainKeys") {
        let keep: Vec<&str> = keep.iter().filter_map(|v| v.as_str()).collect();
        out.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in patch {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            out.remove(k);
            continue;
        }
        path.push(k.clone());
        let merged = match v {
            Value::Object(pm) => {
                let empty = Map::new();
                let cm = out.get(k).and_then(|c| c.as_object()).unwrap_or(&empty);
                apply_map(cm, pm, kind, path)?.map(Value::Object)
            }
            Value::Array(pl) => {
                let parent: Vec<String> = path[..path.len() - 1].to_vec();
                match strategy(kind, &parent, k) {
                    Some(s) => {
                        let empty = Vec::new();
                        let cl = out.get(k).and_then(|c| c.as_array()).unwrap_or(&empty);
                        Some(Value::Array(merge_list(cl, pl, s, kind, path)?))
                    }
                    None => Some(strip_directives(v)),
                }
            }
            other => Some(other.clone()),
        };
        path.pop();
        match merged {
            Some(m) => {
                out.insert(k.clone(), m);
            }
            None => {
                out.remove(k);
            }
        }
    }
    // Directives that name a sibling list.
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix(DELETE_PRIMITIVE) {
            if let (Some(Value::Array(list)), Value::Array(remove)) = (out.get_mut(field), v) {
                list.retain(|e| !remove.contains(e));
            }
        }
    }
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix(SET_ORDER) {
            let parent = path.clone();
            if let (Some(Value::Array(list)), Value::Array(order)) = (out.get_mut(field), v) {
                let s = strategy(kind, &parent, field);
                reorder(list, order, s);
            }
        }
    }
    Ok(Some(out))
}

fn merge_list(
    cur: &[Value],
    patch: &[Value],
    s: ListStrategy,
    kind: Kind,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, String> {
    if patch
        .iter()
        .any(|e| key_of(e, "$patch").and_then(|v| v.as_str()) == Some("replace"))
    {
        return Ok(patch
            .iter()
            .filter(|e| key_of(e, "$patch").is_none())
            .map(strip_directives)
            .collect());
    }
    let mut out: Vec<Value> = cur.to_vec();
    match s {
        ListStrategy::Primitive => {
            for e in patch {
                if !out.contains(e) {
                    out.push(e.clone());
                }
            }
        }
        ListStrategy::Key(mk) => {
            for e in patch {
                let Some(pm) = e.as_object() else {
                    return Err(format!(
                        "unable to find api field in struct for the list element {e}"
                    ));
                };
                let Some(kv) = pm.get(mk) else {
                    return Err(format!(
                        "map: {e} does not contain declared merge key: {mk}"
                    ));
                };
                let pos = out.iter().position(|c| key_of(c, mk) == Some(kv));
                if pm.get("$patch").and_then(|v| v.as_str()) == Some("delete") {
                    out.retain(|c| key_of(c, mk) != Some(kv));
                    continue;
                }
                match pos {
                    Some(i) => {
                        let empty = Map::new();
                        let cm = out[i].as_object().unwrap_or(&empty).clone();
                        match apply_map(&cm, pm, kind, path)? {
                            Some(m) => out[i] = Value::Object(m),
                            None => {
                                out.remove(i);
                            }
                        }
                    }
                    None => out.push(strip_directives(e)),
                }
            }
        }
    }
    Ok(out)
}

/// `$setElementOrder`: the listed elements take the listed order; elements the patch does
/// not mention (added by the server) keep their place after the ordered ones.
fn reorder(list: &mut Vec<Value>, order: &[Value], s: Option<ListStrategy>) {
    let ident = |v: &Value| -> Value {
        match s {
            Some(ListStrategy::Key(k)) => key_of(v, k).cloned().unwrap_or(Value::Null),
            _ => v.clone(),
        }
    };
    let wanted: Vec<Value> = order.iter().map(ident).collect();
    let mut ordered = Vec::new();
    for w in &wanted {
        if let Some(i) = list.iter().position(|e| &ident(e) == w) {
            ordered.push(list.remove(i));
        }
    }
    ordered.append(list);
    *list = ordered;
}

// ---- computing a patch -----------------------------------------------------------------

#[derive(Clone, Copy)]
struct DiffOptions {
    ignore_deletions: bool,
    ignore_changes_and_additions: bool,
}

fn diff_maps(
    orig: &Map<String, Value>,
    modi: &Map<String, Value>,
    kind: Kind,
    path: &mut Vec<String>,
    o: DiffOptions,
) -> Result<Map<String, Value>, String> {
    let mut patch = Map::new();
    for (k, mv) in modi {
        match orig.get(k) {
            None => {
                if !o.ignore_changes_and_additions {
                    patch.insert(k.clone(), mv.clone());
                }
            }
            Some(ov) => match (ov, mv) {
                (Value::Object(om), Value::Object(mm)) => {
                    path.push(k.clone());
                    let sub = diff_maps(om, mm, kind, path, o)?;
                    path.pop();
                    if !sub.is_empty() {
                        patch.insert(k.clone(), Value::Object(sub));
                    }
                }
                (Value::Array(ol), Value::Array(ml)) => match strategy(kind, path, k) {
                    Some(s) => {
                        path.push(k.clone());
                        diff_lists(k, ol, ml, s, kind, path, o, &mut patch)?;
                        path.pop();
                    }
                    None => {
                        if ol != ml && !o.ignore_changes_and_additions {
                            patch.insert(k.clone(), mv.clone());
                        }
                    }
                },
                _ => {
                    if ov != mv && !o.ignore_changes_and_additions {
                        patch.insert(k.clone(), mv.clone());
                    }
                }
            },
        }
    }
    if !o.ignore_deletions {
        for k in orig.keys() {
            if !modi.contains_key(k) {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    Ok(patch)
}

#[allow(clippy::too_many_arguments)]
fn diff_lists(
    field: &str,
    orig: &[Value],
    modi: &[Value],
    s: ListStrategy,
    kind: Kind,
    path: &mut Vec<String>,
    o: DiffOptions,
    patch: &mut Map<String, Value>,
) -> Result<(), String> {
    // `diffLists`: an empty original list means the whole new list is the patch.
    if orig.is_empty() {
        if !modi.is_empty() && !o.ignore_changes_and_additions {
            patch.insert(field.to_string(), Value::Array(modi.to_vec()));
        }
        return Ok(());
    }
    match s {
        ListStrategy::Primitive => {
            let added: Vec<Value> = modi.iter().filter(|m| !orig.contains(m)).cloned().collect();
            let removed: Vec<Value> = orig.iter().filter(|x| !modi.contains(x)).cloned().collect();
            if !o.ignore_changes_and_additions && !added.is_empty() {
                patch.insert(field.to_string(), Value::Array(added));
            }
            let deleting = !o.ignore_deletions && !removed.is_empty();
            if deleting {
                patch.insert(format!("{DELETE_PRIMITIVE}{field}"), Value::Array(removed));
            }
            if deleting || (!o.ignore_changes_and_additions && orig != modi) {
                patch.insert(format!("{SET_ORDER}{field}"), Value::Array(modi.to_vec()));
            }
        }
        ListStrategy::Key(mk) => {
            // `volumes` also carry `retainKeys`: a changed element lists the keys it keeps.
            let retain_keys = field == "volumes";
            let mut list = Vec::new();
            for m in modi {
                let mm = m
                    .as_object()
                    .ok_or_else(|| format!("map: {m} does not contain declared merge key: {mk}"))?;
                let kv = mm
                    .get(mk)
                    .ok_or_else(|| format!("map: {m} does not contain declared merge key: {mk}"))?;
                match orig
                    .iter()
                    .find(|x| key_of(x, mk) == Some(kv))
                    .and_then(|x| x.as_object())
                {
                    Some(om) => {
                        let mut sub = diff_maps(om, mm, kind, path, o)?;
                        let extra = om.iter().any(|(k, v)| !v.is_null() && !mm.contains_key(k));
                        if retain_keys && (!sub.is_empty() || extra) {
                            let mut keys: Vec<&String> = mm
                                .iter()
                                .filter(|(_, v)| !v.is_null())
                                .map(|(k, _)| k)
                                .collect();
                            keys.sort();
                            sub.insert(
                                "$retainKeys".into(),
                                Value::Array(
                                    keys.into_iter().map(|k| Value::String(k.clone())).collect(),
                                ),
                            );
                        }
                        if !sub.is_empty() {
                            sub.insert(mk.to_string(), kv.clone());
                            list.push(Value::Object(sub));
                        }
                    }
                    None => {
                        if !o.ignore_changes_and_additions {
                            list.push(m.clone());
                        }
                    }
                }
            }
            if !o.ignore_deletions {
                for x in orig {
                    if let Some(kv) = key_of(x, mk) {
                        if !modi.iter().any(|m| key_of(m, mk) == Some(kv)) {
                            let mut d = Map::new();
                            d.insert(mk.to_string(), kv.clone());
                            d.insert("$patch".into(), Value::String("delete".into()));
                            list.push(Value::Object(d));
                        }
                    }
                }
            }
            let keys = |l: &[Value]| -> Vec<Value> {
                l.iter()
                    .map(|e| key_of(e, mk).cloned().unwrap_or(Value::Null))
                    .collect()
            };
            let order_same = keys(orig) == keys(modi);
            let changed = !list.is_empty();
            if changed {
                patch.insert(field.to_string(), Value::Array(list));
            }
            if (!o.ignore_changes_and_additions && (changed || !order_same))
                || (!o.ignore_deletions && changed)
            {
                let order: Vec<Value> = modi
                    .iter()
                    .filter_map(|m| key_of(m, mk))
                    .map(|kv| {
                        let mut e = Map::new();
                        e.insert(mk.to_string(), kv.clone());
                        Value::Object(e)
                    })
                    .collect();
                patch.insert(format!("{SET_ORDER}{field}"), Value::Array(order));
            }
        }
    }
    Ok(())
}

/// kubectl apply's patch (`CreateThreeWayMergePatch`): what the user removed since the last
/// apply (original → modified) is deleted; what differs between the live object and the new
/// configuration is set; what neither configuration mentions (defaults, controller-written
/// fields) is left alone. Returns (deletions, changes); both empty means `unchanged`.
pub fn three_way(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
    kind: Kind,
) -> Result<(Value, Value), String> {
    let empty = Map::new();
    let m = modified.as_object().unwrap_or(&empty);
    let c = current.as_object().unwrap_or(&empty);
    let delta = diff_maps(
        c,
        m,
        kind,
        &mut Vec::new(),
        DiffOptions {
            ignore_deletions: true,
            ignore_changes_and_additions: false,
        },
    )?;
    let deletions = match original.and_then(|o| o.as_object()) {
        Some(o) => diff_maps(
            o,
            m,
            kind,
            &mut Vec::new(),
            DiffOptions {
                ignore_deletions: false,
                ignore_changes_and_additions: true,
            },
        )?,
        None => Map::new(),
    };
    Ok((Value::Object(deletions), Value::Object(delta)))
}

/// The two halves as the one patch kubectl sends (for messages).
pub fn combine(deletions: &Value, delta: &Value) -> Value {
    match (deletions, delta) {
        (Value::Object(d), Value::Object(c)) => {
            let mut out = c.clone();
            for (k, v) in d {
                let merged = match (out.get(k), v) {
                    (Some(a @ Value::Object(_)), Value::Object(_)) => combine(v, a),
                    (Some(Value::Array(a)), Value::Array(b)) if !k.starts_with('$') => {
                        Value::Array(a.iter().chain(b.iter()).cloned().collect())
                    }
                    _ => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => delta.clone(),
    }
}

pub fn is_empty_patch(v: &Value) -> bool {
    v.as_object().is_none_or(|m| m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(containers: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}})
    }

    #[test]
    fn containers_merge_by_name_and_keep_server_fields() {
        let current = pod(json!([{"name": "a", "image": "nginx", "imagePullPolicy": "Always"}]));
        let patch = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1.27"}]}});
        let out = apply(&current, &patch, Kind::Pod).unwrap();
        assert_eq!(
            out["spec"]["containers"],
            json!([{"name": "a", "image": "nginx:1.27", "imagePullPolicy": "Always"}])
        );
    }

    #[test]
    fn delete_directive_removes_a_list_element() {
        let current = pod(json!([{"name": "a"}, {"name": "b"}]));
        let patch = json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}});
        assert_eq!(
            apply(&current, &patch, Kind::Pod).unwrap()["spec"]["containers"],
            json!([{"name": "b"}])
        );
    }

    #[test]
    fn atomic_lists_are_replaced() {
        let current = pod(json!([{"name": "a", "command": ["sleep", "1"]}]));
        let patch = json!({"spec": {"containers": [{"name": "a", "command": ["sleep", "2"]}]}});
        assert_eq!(
            apply(&current, &patch, Kind::Pod).unwrap()["spec"]["containers"][0]["command"],
            json!(["sleep", "2"])
        );
    }

    #[test]
    fn service_ports_merge_by_port_container_ports_by_container_port() {
        assert_eq!(
            strategy(Kind::Service, &["spec".into()], "ports"),
            Some(ListStrategy::Key("port"))
        );
        assert_eq!(
            strategy(Kind::Pod, &["spec".into(), "containers".into()], "ports"),
            Some(ListStrategy::Key("containerPort"))
        );
    }

    #[test]
    fn three_way_ignores_defaults_and_removes_what_the_user_dropped() {
        let original =
            json!({"metadata": {"labels": {"app": "x", "tier": "web"}}, "spec": {"replicas": 1}});
        let modified = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"replicas": 1}});
        let current = json!({"metadata": {"labels": {"app": "x", "tier": "web"}, "uid": "u"}, "spec": {"replicas": 1, "revisionHistoryLimit": 10}});
        let (del, delta) =
            three_way(Some(&original), &modified, &current, Kind::StatefulSet).unwrap();
        assert_eq!(del, json!({"metadata": {"labels": {"tier": null}}}));
        assert!(is_empty_patch(&delta));
        let new = apply(
            &apply(&current, &del, Kind::StatefulSet).unwrap(),
            &delta,
            Kind::StatefulSet,
        )
        .unwrap();
        assert_eq!(new["metadata"]["labels"], json!({"app": "x"}));
        assert_eq!(new["spec"]["revisionHistoryLimit"], json!(10));
    }

    #[test]
    fn three_way_with_no_change_is_empty() {
        let cfg = pod(json!([{"name": "a", "image": "nginx"}]));
        let mut current = cfg.clone();
        current["spec"]["containers"][0]["imagePullPolicy"] = json!("Always");
        current["status"] = json!({"phase": "Running"});
        let (del, delta) = three_way(Some(&cfg), &cfg, &current, Kind::Pod).unwrap();
        assert!(is_empty_patch(&del) && is_empty_patch(&delta));
    }

    #[test]
    fn three_way_changes_a_container_by_key_with_element_order() {
        let original = pod(json!([{"name": "a", "image": "nginx"}]));
        let modified = pod(json!([{"name": "a", "image": "httpd"}]));
        let (_, delta) = three_way(Some(&original), &modified, &original, Kind::Pod).unwrap();
        assert_eq!(
            delta,
            json!({"spec": {"$setElementOrder/containers": [{"name": "a"}], "containers": [{"image": "httpd", "name": "a"}]}})
        );
    }

    #[test]
    fn primitive_lists_merge_as_sets() {
        let current = json!({"metadata": {"finalizers": ["a"]}});
        let patch = json!({"metadata": {"finalizers": ["b"], "$deleteFromPrimitiveList/finalizers": ["a"]}});
        assert_eq!(
            apply(&current, &patch, Kind::Pod).unwrap()["metadata"]["finalizers"],
            json!(["b"])
        );
    }
}
