//! Node maintenance: `cordon`/`uncordon` (`spec.unschedulable`; the node lifecycle adds the
//! `node.kubernetes.io/unschedulable` taint), `drain` (cordon, then evict every pod the
//! filters allow and wait for them to go), and `taint`.

use super::command::{label_value_problem, DrainArgs, TaintArgs};
use super::errors::Failure;
use super::wait::advance_until;
use super::Ctx;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::SimDuration;
use crate::store::{ApiError, DeleteOptions, Propagation};
use k8s_openapi::api::core::v1::Taint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Nodes named, or selected by `-l` (or all with `--all`).
fn nodes(ctx: &mut Ctx, names: &[String], selector: Option<&str>, all: bool) -> Vec<Arc<Object>> {
    let mut out = Vec::new();
    if selector.is_some() || all {
        let sel = match Selector::parse(selector.unwrap_or("")) {
            Ok(s) => s,
            Err(e) => {
                ctx.fail(Failure::plain(e));
                return out;
            }
        };
        out.extend(
            ctx.cluster
                .world
                .store
                .list(Kind::Node, None)
                .filter(|n| sel.matches(n.labels()))
                .cloned(),
        );
    }
    for n in names {
        match ctx.cluster.world.store.get(&ObjKey::new(Kind::Node, "", n)) {
            Some(o) => out.push(o.clone()),
            None => ctx.fail(Failure::api(ApiError::NotFound {
                kind: Kind::Node,
                name: n.clone(),
            })),
        }
    }
    out
}

fn unschedulable(node: &Object) -> bool {
    node.node()
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// Sets `spec.unschedulable`, printing `node/x cordoned` or `node/x already cordoned`.
fn set_cordon(ctx: &mut Ctx, node: &Object, desired: bool) {
    let verb = if desired { "cordoned" } else { "uncordoned" };
    if unschedulable(node) == desired {
        ctx.line(format!("node/{} already {verb}", node.name()));
        return;
    }
    let now = ctx.cluster.world.now;
    let res = ctx.cluster.world.store.modify(&node.key(), now, |o| {
        if let Some(n) = o.node_mut() {
            // `false` is the zero value the API omits.
            n.spec.get_or_insert_with(Default::default).unschedulable = desired.then_some(true);
        }
    });
    match res {
        Ok(_) => ctx.line(format!("node/{} {verb}", node.name())),
        Err(e) => ctx.line(format!(
            "error: unable to {} node \"{}\": {}",
            if desired { "cordon" } else { "uncordon" },
            node.name(),
            super::errors::render(&[Failure::api(e)])
        )),
    }
}

pub fn cordon(ctx: &mut Ctx, names: &[String], selector: Option<&str>, desired: bool) {
    for node in nodes(ctx, names, selector, false) {
        set_cordon(ctx, &node, desired);
    }
    ctx.settle_instant();
}

/// A pod's fate in `drain` (kubectl's `PodDeleteStatus`).
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    Delete,
    Skip,
    Warn { delete: bool, message: String },
    Error(String),
}

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// kubectl's filters in order (daemonSet, mirror, localStorage, unreplicated); the first
/// that does not delete decides, otherwise the last one's verdict stands.
fn verdict(ctx: &Ctx, pod: &Object, a: &DrainArgs) -> Verdict {
    let p = pod.pod();
    let phase = p
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    let finished = phase == "Succeeded" || phase == "Failed";
    let controller = pod.controller_ref();
    let filters: [&dyn Fn() -> Verdict; 4] = [
        &|| match controller {
            Some(r) if r.kind == "DaemonSet" && !finished => {
                let exists = ctx
                    .cluster
                    .world
                    .store
                    .get(&ObjKey::new(Kind::DaemonSet, pod.namespace(), &r.name))
                    .is_some();
                if !exists {
                    let msg = format!("daemonsets.apps \"{}\" not found", r.name);
                    if a.force {
                        Verdict::Warn {
                            delete: true,
                            message: msg,
                        }
                    } else {
                        Verdict::Error(msg)
                    }
                } else if !a.ignore_daemonsets {
                    Verdict::Error(DAEMONSET_FATAL.into())
                } else {
                    Verdict::Warn {
                        delete: false,
                        message: DAEMONSET_WARNING.into(),
                    }
                }
            }
            _ => Verdict::Delete,
        },
        &|| {
            if pod
                .meta()
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"))
            {
                Verdict::Skip
            } else {
                Verdict::Delete
            }
        },
        &|| {
            let local = p
                .and_then(|p| p.spec.as_ref())
                .is_some_and(|s| s.volumes.iter().flatten().any(|v| v.empty_dir.is_some()));
            if !local || finished {
                Verdict::Delete
            } else if !a.delete_emptydir_data {
                Verdict::Error(LOCAL_STORAGE_FATAL.into())
            } else {
                Verdict::Warn {
                    delete: true,
                    message: LOCAL_STORAGE_WARNING.into(),
                }
            }
        },
        &|| {
            if finished || controller.is_some() {
                Verdict::Delete
            } else if a.force {
                Verdict::Warn {
                    delete: true,
                    message: UNMANAGED_WARNING.into(),
                }
            } else {
                Verdict::Error(UNMANAGED_FATAL.into())
            }
        },
    ];
    let mut last = Verdict::Delete;
    for f in filters {
        last = f();
        let deletes = matches!(last, Verdict::Delete | Verdict::Warn { delete: true, .. });
        if !deletes {
            break;
        }
    }
    last
}

/// `msg: ns/a, ns/b` groups, in message order (kubectl iterates a map; klab sorts).
fn grouped(items: &[(String, String)]) -> Vec<(String, String)> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (msg, pod) in items {
        by.entry(msg.clone()).or_default().push(pod.clone());
    }
    by.into_iter()
        .map(|(m, pods)| (m, pods.join(", ")))
        .collect()
}

pub fn drain(ctx: &mut Ctx, a: DrainArgs) {
    let Some(node) = nodes(ctx, std::slice::from_ref(&a.node), None, false)
        .into_iter()
        .next()
    else {
        return;
    };
    set_cordon(ctx, &node, true);
    ctx.settle_instant();

    let pods = ctx.cluster.world.store.pods_on_node(node.name());
    let mut to_delete: Vec<Arc<Object>> = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for pod in &pods {
        let id = format!("{}/{}", pod.namespace(), pod.name());
        match verdict(ctx, pod, &a) {
            Verdict::Delete => to_delete.push(pod.clone()),
            Verdict::Skip => {}
            Verdict::Warn { delete, message } => {
                warnings.push((message, id));
                if delete {
                    to_delete.push(pod.clone());
                }
            }
            Verdict::Error(message) => errors.push((message, id)),
        }
    }
    if !errors.is_empty() {
        let errs: Vec<String> = grouped(&errors)
            .into_iter()
            // kubectl 1.32 prefixes every message, so the unmanaged-pod one reads
            // "cannot delete cannot delete Pods that declare no controller …" (checked
            // against kubectl 1.32.5).
            .map(|(m, pods)| format!("cannot delete {m}: {pods}"))
            .collect();
        let joined = if errs.len() == 1 {
            errs[0].clone()
        } else {
            format!("[{}]", errs.join(", "))
        };
        ctx.line(format!(
            "error: unable to drain node \"{}\" due to error: {joined}, continuing command...",
            node.name()
        ));
        ctx.line("There are pending nodes to be drained:");
        ctx.line(format!(" {}", node.name()));
        for e in errs {
            ctx.fail(Failure::Raw(e));
        }
        return;
    }
    if !warnings.is_empty() {
        let text: Vec<String> = grouped(&warnings)
            .into_iter()
            .map(|(m, pods)| format!("{m}: {pods}"))
            .collect();
        ctx.line(format!("Warning: {}", text.join("; ")));
    }
    let opts = DeleteOptions {
        grace_period: (a.grace_period >= 0).then_some(a.grace_period),
        propagation: Some(Propagation::Background),
    };
    let evicting = !a.disable_eviction;
    let mut pending: Vec<(ObjKey, String)> = Vec::new();
    for pod in &to_delete {
        if evicting {
            ctx.line(format!("evicting pod {}/{}", pod.namespace(), pod.name()));
        }
        let now = ctx.cluster.world.now;
        match ctx.cluster.world.store.delete(&pod.key(), &opts, now) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {
                pending.push((pod.key(), pod.uid().to_string()))
            }
            Err(e) => {
                ctx.fail(Failure::plain(format!(
                    "error when evicting pods/\"{}\" -n \"{}\": {}",
                    pod.name(),
                    pod.namespace(),
                    super::errors::render(&[Failure::api(e)])
                )));
                return;
            }
        }
    }
    ctx.settle_instant();
    let done_word = if evicting { "evicted" } else { "deleted" };
    let cap = if a.timeout_ms > 0 {
        a.timeout_ms
    } else {
        3600 * 1000
    };
    let deadline = ctx.cluster.now() + SimDuration::from_millis(cap);
    while !pending.is_empty() {
        let gone = |ctx: &Ctx, (key, uid): &(ObjKey, String)| {
            ctx.cluster
                .world
                .store
                .get(key)
                .is_none_or(|o| o.uid() != uid)
        };
        let reported: Vec<(ObjKey, String)> =
            pending.iter().filter(|p| gone(ctx, p)).cloned().collect();
        for (key, _) in &reported {
            ctx.line(format!("pod/{} {done_word}", key.name));
        }
        pending.retain(|p| !reported.contains(p));
        if pending.is_empty() {
            break;
        }
        let snapshot = pending.clone();
        match advance_until(ctx, deadline, |ctx| snapshot.iter().any(|p| gone(ctx, p))) {
            Ok(true) => {}
            Ok(false) => {
                let (key, _) = &pending[0];
                ctx.fail(Failure::plain(format!(
                    "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {}",
                    key.name,
                    key.namespace,
                    go_duration(cap)
                )));
                return;
            }
            Err(f) => return ctx.fail(f),
        }
    }
    ctx.line(format!("node/{} drained", node.name()));
}

/// Go's `time.Duration.String()` for whole seconds (`1h0m0s`, `30s`).
fn go_duration(ms: i64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}

/// `validation.IsQualifiedName` for taint keys (`[prefix/]name`).
fn key_problem(key: &str) -> Option<String> {
    let name = key.rsplit_once('/').map(|(_, n)| n).unwrap_or(key);
    let mut errs = Vec::new();
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    }
    if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let ends_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !chars_ok || !ends_ok {
        errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string());
    }
    if let Some((prefix, _)) = key.rsplit_once('/') {
        if let Some(p) = crate::api::names::dns_subdomain_problem(prefix) {
            errs.push(format!("prefix part {p}"));
        }
    }
    (!errs.is_empty()).then(|| errs.join("; "))
}

/// kubectl's `parseTaint`: `key=value:Effect`, `key:Effect` or `key`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [k] => (k.to_string(), None, String::new()),
        [kv, effect] => {
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kvs: Vec<&str> = kv.split('=').collect();
            match kvs.as_slice() {
                [k] => (k.to_string(), None, effect.to_string()),
                [k, v] => {
                    if let Some(p) = label_value_problem(v) {
                        return Err(format!("invalid taint spec: {spec}, {p}"));
                    }
                    (k.to_string(), Some(v.to_string()), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    if let Some(p) = key_problem(&key) {
        return Err(format!("invalid taint spec: {spec}, {p}"));
    }
    Ok(Taint {
        key,
        value: value.filter(|v| !v.is_empty()),
        effect,
        time_added: None,
    })
}

/// `Taint.ToString()`.
fn taint_string(t: &Taint) -> String {
    match (t.value.as_deref().unwrap_or(""), t.effect.as_str()) {
        ("", "") => t.key.clone(),
        (v, "") => format!("{}={v}:", t.key),
        ("", e) => format!("{}:{e}", t.key),
        (v, e) => format!("{}={v}:{e}", t.key),
    }
}

fn go_taint(t: &Taint) -> String {
    format!(
        "{{{} {} {} <nil>}}",
        t.key,
        t.value.as_deref().unwrap_or(""),
        t.effect
    )
}

pub fn taint(ctx: &mut Ctx, a: TaintArgs) {
    let mut add: Vec<Taint> = Vec::new();
    let mut remove: Vec<Taint> = Vec::new();
    for spec in &a.remove {
        match parse_taint(spec) {
            Ok(t) => remove.push(t),
            Err(e) => return ctx.fail(Failure::plain(e)),
        }
    }
    for spec in &a.add {
        match parse_taint(spec) {
            Ok(t) if t.effect.is_empty() => {
                return ctx.fail(Failure::plain(format!("invalid taint spec: {spec}")))
            }
            Ok(t) => {
                if add.iter().any(|x| x.key == t.key && x.effect == t.effect) {
                    return ctx.fail(Failure::plain(format!(
                        "duplicated taints with the same key and effect: {}",
                        go_taint(&t)
                    )));
                }
                add.push(t);
            }
            Err(e) => return ctx.fail(Failure::plain(e)),
        }
    }
    let both: Vec<String> = remove
        .iter()
        .filter(|r| {
            add.iter()
                .any(|x| x.key == r.key && (r.effect.is_empty() || r.effect == x.effect))
        })
        .map(taint_string)
        .collect();
    if !both.is_empty() {
        return ctx.fail(Failure::plain(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            both.join(", ")
        )));
    }
    for node in nodes(ctx, &a.nodes, a.selector.as_deref(), a.all) {
        let old: Vec<Taint> = node
            .node()
            .and_then(|n| n.spec.as_ref())
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if !a.overwrite {
            let exists: Vec<String> = add
                .iter()
                .flat_map(|t| {
                    old.iter()
                        .filter(move |o| o.key == t.key && o.effect == t.effect)
                        .map(move |_| t.key.clone())
                })
                .collect();
            if !exists.is_empty() {
                ctx.fail(Failure::plain(format!(
                    "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                    node.name(),
                    exists.join(",")
                )));
                continue;
            }
        }
        // kubectl's ReorganizeTaints: the new taints first, then the old ones not replaced.
        let now_time = Time(ctx.cluster.world.now.truncate_to_secs().to_chrono());
        let mut new_taints: Vec<Taint> = add
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.effect == "NoExecute" {
                    t.time_added = Some(now_time.clone());
                }
                t
            })
            .collect();
        for o in &old {
            if !new_taints
                .iter()
                .any(|t| t.key == o.key && t.effect == o.effect)
            {
                new_taints.push(o.clone());
            }
        }
        let added = old.len() != new_taints.len();
        let mut errs = Vec::new();
        let mut deleted = false;
        for r in &remove {
            let before = new_taints.len();
            new_taints
                .retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            deleted = new_taints.len() != before;
            if !deleted {
                errs.push(format!("taint \"{}\" not found", taint_string(r)));
            }
        }
        if !errs.is_empty() {
            ctx.fail(Failure::plain(if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            }));
            continue;
        }
        let operation = if (added && deleted) || a.overwrite {
            "modified"
        } else if added {
            "tainted"
        } else if deleted {
            "untainted"
        } else {
            "modified"
        };
        let now = ctx.cluster.world.now;
        let res = ctx.cluster.world.store.modify(&node.key(), now, |o| {
            if let Some(n) = o.node_mut() {
                n.spec.get_or_insert_with(Default::default).taints =
                    (!new_taints.is_empty()).then_some(new_taints.clone());
            }
        });
        match res {
            Ok(_) => ctx.line(format!("node/{} {operation}", node.name())),
            Err(e) => ctx.fail(Failure::api(e)),
        }
    }
    ctx.settle_instant();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taint_specs_parse_like_kubectl() {
        let t = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!(
            (t.key.as_str(), t.value.as_deref(), t.effect.as_str()),
            ("dedicated", Some("gpu"), "NoSchedule")
        );
        assert_eq!(
            parse_taint("a:Nope").unwrap_err(),
            "invalid taint effect: Nope, unsupported taint effect"
        );
        assert_eq!(
            parse_taint("a=b=c:NoSchedule").unwrap_err(),
            "invalid taint spec: a=b=c:NoSchedule"
        );
        assert!(parse_taint("@=v:NoSchedule")
            .unwrap_err()
            .starts_with("invalid taint spec: @=v:NoSchedule, name part must consist"));
        assert_eq!(
            taint_string(&parse_taint("k:NoExecute").unwrap()),
            "k:NoExecute"
        );
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
