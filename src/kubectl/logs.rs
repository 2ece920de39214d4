//! `kubectl logs POD|TYPE/NAME [-c C] [--previous] [--tail=N]`, through the runtime's
//! container logs. Also how `logs` and `exec` pick a pod and a container.

use super::command::LogsArgs;
use super::errors::Failure;
use super::Ctx;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::runtime;
use crate::store::ApiError;
use std::sync::Arc;

/// `POD`, `pod/POD`, or a controller (`job/x`, `ds/x`, `sts/x`): its first pod, with
/// kubectl's note when there are several.
pub fn resolve_pod(ctx: &mut Ctx, target: &str) -> Result<Arc<Object>, Failure> {
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => {
            let kind = Kind::parse(k).ok_or_else(|| {
                Failure::plain(format!("the server doesn't have a resource type \"{k}\""))
            })?;
            (kind, n.to_string())
        }
        None => (Kind::Pod, target.to_string()),
    };
    let key = ObjKey::new(kind, &ctx.namespace, &name);
    let obj = ctx.cluster.world.store.get(&key).cloned().ok_or_else(|| {
        Failure::api(ApiError::NotFound {
            kind,
            name: name.clone(),
        })
    })?;
    if kind == Kind::Pod {
        return Ok(obj);
    }
    let selector = controller_selector(&obj).ok_or_else(|| {
        Failure::plain(format!(
            "cannot get the logs from {}",
            kind.plural_qualified()
        ))
    })?;
    let mut pods: Vec<Arc<Object>> = ctx
        .cluster
        .world
        .store
        .list(Kind::Pod, Some(&ctx.namespace))
        .filter(|p| selector.matches(p.labels()))
        .cloned()
        .collect();
    // Running pods first, then the oldest (kubectl sorts by its ActivePods rules).
    pods.sort_by_key(|p| {
        let phase = p
            .pod()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.clone())
            .unwrap_or_default();
        (
            phase != "Running",
            p.meta().creation_timestamp.clone().map(|t| t.0),
            p.name().to_string(),
        )
    });
    let first = pods
        .first()
        .cloned()
        .ok_or_else(|| Failure::plain("timed out waiting for the condition"))?;
    if pods.len() > 1 {
        ctx.line(format!(
            "Found {} pods, using pod/{}",
            pods.len(),
            first.name()
        ));
    }
    Ok(first)
}

fn controller_selector(obj: &Object) -> Option<Selector> {
    let sel = match obj {
        Object::Job(j) => j.spec.as_ref()?.selector.clone()?,
        Object::DaemonSet(d) => d.spec.as_ref()?.selector.clone(),
        Object::StatefulSet(s) => s.spec.as_ref()?.selector.clone(),
        _ => return None,
    };
    Selector::from_label_selector(&sel).ok()
}

/// The container to use: the one named, else the `kubectl.kubernetes.io/default-container`
/// annotation, else the first, with kubectl's "Defaulted container" note when the pod has
/// others (`podcmd.AllContainerNames`: init containers marked `(init)`). `logs` checks a
/// named container itself (`validate`); `exec` leaves that to the server.
pub fn pick_container(
    ctx: &mut Ctx,
    pod: &Object,
    named: Option<&str>,
    validate: bool,
) -> Result<Option<String>, Failure> {
    let spec = pod.pod().and_then(|p| p.spec.clone()).unwrap_or_default();
    let names: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let inits: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    if let Some(n) = named {
        if validate && !names.iter().chain(&inits).any(|c| c == n) {
            return Err(Failure::plain(format!(
                "container {n} is not valid for pod {}",
                pod.name()
            )));
        }
        return Ok(Some(n.to_string()));
    }
    let annotated = pod
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container"));
    if let Some(d) = annotated {
        if names.contains(d) {
            return Ok(Some(d.clone()));
        }
        ctx.line(format!(
            "Default container name \"{d}\" not found in pod {}",
            pod.name()
        ));
    }
    let Some(first) = names.first().cloned() else {
        return Ok(None);
    };
    if names.len() > 1 || !inits.is_empty() {
        let all: Vec<String> = inits
            .iter()
            .map(|i| format!("{i} (init)"))
            .chain(names.iter().cloned())
            .collect();
        ctx.line(format!(
            "Defaulted container \"{first}\" out of: {}",
            all.join(", ")
        ));
    }
    Ok(Some(first))
}

pub fn run(ctx: &mut Ctx, a: LogsArgs) {
    let result = (|| -> Result<String, Failure> {
        let pod = resolve_pod(ctx, &a.target)?;
        let container = pick_container(ctx, &pod, a.container.as_deref(), true)?;
        runtime::exec::logs(
            &ctx.cluster.world,
            &pod.key(),
            container.as_deref(),
            a.previous,
        )
        .map_err(Failure::Raw)
    })();
    match result {
        Ok(log) => {
            let text = if a.tail >= 0 {
                let lines: Vec<&str> = log.lines().collect();
                let start = lines.len().saturating_sub(a.tail as usize);
                lines[start..].iter().map(|l| format!("{l}\n")).collect()
            } else {
                log
            };
            ctx.print(&text);
        }
        Err(f) => ctx.fail(f),
    }
}
