//! Script API: kubectl and the objects — `kubectl`, `apply`, `exec`, `get`, `list`, `pods`,
//! `events`, `logs`, `read_file`.

use super::api::{fail, kind_arg, run_kubectl, RhaiResult};
use super::convert::{dynamic_to_json, json_to_dynamic};
use super::Shared;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey};
use crate::events::Occurrence;
use crate::sandbox::ReadPolicy;
use rhai::{Array, Dynamic, Engine, Map};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The namespace the script API works in, as kubectl does without `-n`.
pub(super) const NAMESPACE: &str = "default";

pub(super) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    let s = shared.clone();
    engine.register_fn("kubectl", move |line: &str| -> RhaiResult<String> {
        run_kubectl(&s, line, None).map_err(fail)
    });
    let s = shared.clone();
    engine.register_fn("apply", move |manifest: Dynamic| -> RhaiResult<String> {
        let text = manifest_text(&manifest)?;
        run_kubectl(&s, "apply -f -", Some(text)).map_err(fail)
    });
    let s = shared.clone();
    engine.register_fn("exec", move |pod: &str, command: &str| {
        exec(&s, pod, command)
    });

    let s = shared.clone();
    engine.register_fn("get", move |kind: &str, name: &str| get(&s, kind, name));
    let s = shared.clone();
    engine.register_fn("list", move |kind: &str| list(&s, kind, ""));
    let s = shared.clone();
    engine.register_fn("list", move |kind: &str, selector: &str| {
        list(&s, kind, selector)
    });
    let s = shared.clone();
    engine.register_fn("pods", move || list(&s, "pods", ""));
    let s = shared.clone();
    engine.register_fn("pods", move |selector: &str| list(&s, "pods", selector));

    let s = shared.clone();
    engine.register_fn("events", move || -> RhaiResult<Array> {
        Ok(events(&s, &|_| true))
    });
    let s = shared.clone();
    engine.register_fn("events", move |object: Dynamic| -> RhaiResult<Array> {
        let filter = event_filter(&object)?;
        Ok(events(&s, &|o: &Occurrence| filter.matches(&o.object)))
    });
    let s = shared.clone();
    engine.register_fn("logs", move |pod: &str| -> RhaiResult<String> {
        let cluster = s.cluster_mut()?;
        crate::runtime::exec::logs(
            &cluster.world,
            &ObjKey::new(Kind::Pod, NAMESPACE, pod),
            None,
            false,
        )
        .map_err(fail)
    });
    let s = shared.clone();
    engine.register_fn("read_file", move |path: &str| -> RhaiResult<String> {
        read_file(
            &s.base_dir.borrow(),
            &s.reads,
            path,
            s.limits.max_string_size,
        )
        .map_err(fail)
    });
}

/// `apply` takes YAML text, or a map (one object) or an array of maps, sent as JSON (which
/// YAML readers accept).
fn manifest_text(manifest: &Dynamic) -> RhaiResult<String> {
    if manifest.is_string() {
        return Ok(manifest.clone().into_string().unwrap_or_default());
    }
    if manifest.is_map() || manifest.is_array() {
        let json = dynamic_to_json(manifest).map_err(|e| fail(format!("apply: {e}")))?;
        let docs = match json {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        return Ok(docs.iter().map(|d| format!("---\n{d}\n")).collect());
    }
    Err(fail(format!(
        "apply: expected YAML text or an object map, got {}",
        manifest.type_name()
    )))
}

/// `exec(pod, command)`: `sh -c COMMAND` in the pod's first container; stdout, or an error
/// with stderr and the exit code, as kubectl shows them.
fn exec(shared: &Shared, pod: &str, command: &str) -> RhaiResult<String> {
    let mut cluster = shared.cluster_mut()?;
    let argv = vec!["sh".to_string(), "-c".to_string(), command.to_string()];
    let key = ObjKey::new(Kind::Pod, NAMESPACE, pod);
    let result = crate::runtime::exec::exec(&mut cluster.world, &key, None, &argv).map_err(fail)?;
    // What the command did (a killed process, a written file) takes effect now.
    cluster.reconcile_now().map_err(|e| fail(e.0))?;
    if result.exit_code != 0 {
        return Err(fail(format!(
            "{}command terminated with exit code {}",
            result.stderr, result.exit_code
        )));
    }
    Ok(result.stdout)
}

/// `get(kind, name)`: the object as `kubectl get -o json` shows it, or `()`.
fn get(shared: &Shared, kind: &str, name: &str) -> RhaiResult<Dynamic> {
    let kind = kind_arg(kind)?;
    let cluster = shared.cluster_mut()?;
    Ok(cluster
        .object(&ObjKey::new(kind, NAMESPACE, name))
        .map_or(Dynamic::UNIT, |o| json_to_dynamic(&o.to_json())))
}

/// `list(kind, selector)`: the objects in kubectl's order (by name), as JSON maps.
fn list(shared: &Shared, kind: &str, selector: &str) -> RhaiResult<Array> {
    let kind = kind_arg(kind)?;
    let selector = Selector::parse(selector).map_err(fail)?;
    let cluster = shared.cluster_mut()?;
    Ok(cluster
        .world
        .store
        .list(kind, Some(NAMESPACE))
        .filter(|o| selector.matches(o.labels()))
        .map(|o| json_to_dynamic(&o.to_json()))
        .collect())
}

/// Which events `events(filter)` keeps: a kind (`"pods"`), a kind and name (`"sts/web"`),
/// or an object map as `get` returns it.
struct EventFilter {
    kind: Kind,
    name: Option<String>,
}

impl EventFilter {
    fn matches(&self, object: &str) -> bool {
        let (kind, name) = object.split_once('/').unwrap_or((object, ""));
        kind == self.kind.name().to_ascii_lowercase()
            && self.name.as_deref().is_none_or(|n| n == name)
    }
}

fn event_filter(object: &Dynamic) -> RhaiResult<EventFilter> {
    if let Some(map) = object.clone().try_cast::<Map>() {
        let text = |v: Option<&Dynamic>| v.and_then(|d| d.clone().into_string().ok());
        let kind = text(map.get("kind"));
        let name = map
            .get("metadata")
            .and_then(|m| m.clone().try_cast::<Map>())
            .and_then(|m| text(m.get("name")));
        return match (kind.as_deref().and_then(Kind::parse), name) {
            (Some(kind), Some(name)) => Ok(EventFilter {
                kind,
                name: Some(name),
            }),
            _ => Err(fail(
                "events: the map is not an object (it needs `kind` and `metadata.name`)",
            )),
        };
    }
    let text = object.clone().into_string().map_err(|t| {
        fail(format!(
            "events: expected \"kind/name\" or an object, got {t}"
        ))
    })?;
    let (kind, name) = match text.split_once('/') {
        Some((k, n)) => (k, Some(n.to_string())),
        None => (text.as_str(), None),
    };
    Ok(EventFilter {
        kind: kind_arg(kind)?,
        name,
    })
}

/// The recorded occurrences in time order as `#{type, reason, message, object, time}`.
fn events(shared: &Shared, keep: &dyn Fn(&Occurrence) -> bool) -> Array {
    let cluster = shared.cluster.borrow();
    cluster
        .world
        .events
        .occurrences()
        .filter(|o| keep(o))
        .map(|o| {
            let mut m = Map::new();
            m.insert("type".into(), o.type_.clone().into());
            m.insert("reason".into(), o.reason.clone().into());
            m.insert("message".into(), o.message.clone().into());
            m.insert("object".into(), o.object.clone().into());
            m.insert("time".into(), o.time.truncate_to_secs().rfc3339().into());
            Dynamic::from_map(m)
        })
        .collect()
}

/// `read_file(path)`: a file's text, relative to the script's folder, within the session's
/// read policy (the folder and `--allow-read` folders) and the string size limit.
pub(crate) fn read_file(
    base_dir: &Path,
    reads: &ReadPolicy,
    path: &str,
    max_size: usize,
) -> Result<String, String> {
    let full: PathBuf = base_dir.join(path);
    let max = (max_size as u64).min(crate::sandbox::MAX_READ_BYTES);
    reads
        .read_to_string(&full, path, max)
        .map_err(|e| format!("read_file({path:?}): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_file_stays_under_the_script_folder() {
        let dir = std::env::temp_dir().join(format!("klab-read-file-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("manifests")).unwrap();
        std::fs::write(dir.join("manifests/a.yaml"), "kind: Pod\n").unwrap();
        let all = ReadPolicy::only_under([dir.as_path()]);
        assert_eq!(
            read_file(&dir, &all, "manifests/a.yaml", 1000).unwrap(),
            "kind: Pod\n"
        );
        std::fs::write(dir.join("secret.txt"), "x").unwrap();
        let manifests = dir.join("manifests");
        let inner = ReadPolicy::only_under([manifests.as_path()]);
        let err = read_file(&manifests, &inner, "../secret.txt", 1000).unwrap_err();
        assert!(err.contains("outside the script's folder"), "{err}");
        let absolute = dir.join("secret.txt").display().to_string();
        let err = read_file(&manifests, &inner, &absolute, 1000).unwrap_err();
        assert!(err.contains("outside the script's folder"), "{err}");
        let err = read_file(&dir, &all, "manifests/a.yaml", 3).unwrap_err();
        assert!(err.contains("more than the limit"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn event_filters_accept_kubectl_kind_names() {
        let f = event_filter(&Dynamic::from("sts/web")).unwrap();
        assert!(f.matches("statefulset/web"));
        assert!(!f.matches("statefulset/web2"));
        assert!(!f.matches("pod/web"));
        let f = event_filter(&Dynamic::from("po")).unwrap();
        assert!(f.matches("pod/web-0"));
        assert!(event_filter(&Dynamic::from("nonsense/x")).is_err());
    }
}
