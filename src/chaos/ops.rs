//! Chaos operations: each is one line of a Rhai script, so the ops that led to a violation
//! are themselves the runnable reproduction (`klab run`). Random victims (a pod to delete or
//! kill) are named by owner and index, resolved against the live cluster by the helpers of
//! `PRELUDE` — so dropping an earlier op while shrinking still leaves a valid script.

use crate::api::Kind;
use crate::store::Store;

/// Helper functions every chaos script starts with. `victims` lists an owner's pods that are
/// not being deleted, in `kubectl get pods` order; `Op::victim` mirrors it in Rust.
pub const PRELUDE: &str = r#"// Helpers: pick a live pod of an owner by index (wrapping), as the chaos run did.
fn victims(owner) {
    let out = [];
    for p in pods() {
        if p.metadata.deletionTimestamp != () { continue; }
        let refs = p.metadata.ownerReferences;
        if refs == () { continue; }
        for r in refs { if r.name == owner { out.push(p.metadata.name); break; } }
    }
    out
}
fn delete_pod(owner, i) {
    let v = victims(owner);
    if v.len() > 0 { kubectl("delete pod " + v[i % v.len()] + " --wait=false"); }
}
fn kill_pod(owner, i) {
    let v = victims(owner);
    // A container that is not running (yet) cannot be killed: nothing happens.
    if v.len() > 0 { try { kill(v[i % v.len()]); } catch {} }
}
// Helpers for the final assertion.
fn cond(o, t) {
    if o.status == () || o.status.conditions == () { return false; }
    for c in o.status.conditions { if c["type"] == t { return c.status == "True"; } }
    false
}
fn owned_by(p, owner) {
    let refs = p.metadata.ownerReferences;
    if refs == () { return false; }
    for r in refs { if r.name == owner { return true; } }
    false
}
fn phase(p) {
    if p.status == () || p.status.phase == () { "Pending" } else { p.status.phase }
}
fn live(name) {
    let p = get("pod", name);
    p != () && p.metadata.deletionTimestamp == () && phase(p) != "Succeeded" && phase(p) != "Failed"
}
fn alive_uid(name, uid) {
    let p = get("pod", name);
    p != () && p.metadata.uid == uid && p.metadata.deletionTimestamp == ()
}
fn running_ready(name) {
    let p = get("pod", name);
    p != () && p.metadata.deletionTimestamp == () && phase(p) == "Running" && cond(p, "Ready")
}
fn live_pods_of(owner) {
    let out = [];
    for p in pods() { if owned_by(p, owner) && live(p.metadata.name) { out.push(p.metadata.name); } }
    out
}
fn pod_names_of(owner) {
    let out = [];
    for p in pods() { if owned_by(p, owner) { out.push(p.metadata.name); } }
    out
}
fn ds_ready_on(ds, node) {
    for p in pods() {
        if owned_by(p, ds) && p.spec.nodeName == node && p.metadata.deletionTimestamp == () && cond(p, "Ready") { return true; }
    }
    false
}
fn job_counts(name) {
    let s = get("job", name).status;
    [if s.succeeded == () { 0 } else { s.succeeded }, if s.failed == () { 0 } else { s.failed }]
}
fn cron_jobs_at(cj, at) {
    let n = 0;
    for j in list("jobs") {
        let a = j.metadata.annotations;
        if owned_by(j, cj) && a != () && a["batch.kubernetes.io/cronjob-scheduled-timestamp"] == at { n += 1; }
    }
    n
}
fn cron_unfinished(cj) {
    let n = 0;
    for j in list("jobs") {
        if owned_by(j, cj) && j.metadata.deletionTimestamp == () && !cond(j, "Complete") && !cond(j, "Failed") { n += 1; }
    }
    n
}
define_image("slow:*", #{ready_after: "4s"});
define_image("broken:*", #{run: "2s", exit: 1});
"#;

/// One step of a chaos scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `cluster(#{seed, nodes})`: the fresh cluster every scenario starts from.
    Cluster {
        seed: u64,
        nodes: usize,
    },
    /// `apply(yaml)` of a generated manifest (the users' path: decode, validate, default).
    Apply {
        kind: Kind,
        name: String,
        yaml: String,
    },
    /// Any `kubectl` command line (scale, set image, patch, delete).
    Kubectl(String),
    DeletePod {
        owner: String,
        index: usize,
    },
    KillPod {
        owner: String,
        index: usize,
    },
    NodeDown(String),
    NodeUp(String),
    AddNode(String),
    RemoveNode(String),
    /// Simulated time passes; invariants are checked at every instant in between.
    Advance {
        ms: i64,
    },
}

impl Op {
    /// The op as a line of Rhai.
    pub fn rhai(&self) -> String {
        match self {
            Op::Cluster { seed, nodes } => format!("cluster(#{{seed: {seed}, nodes: {nodes}}});"),
            Op::Apply { yaml, .. } => format!("apply(`{yaml}`);"),
            Op::Kubectl(line) => format!("kubectl(`{line}`);"),
            Op::DeletePod { owner, index } => format!("delete_pod(\"{owner}\", {index});"),
            Op::KillPod { owner, index } => format!("kill_pod(\"{owner}\", {index});"),
            Op::NodeDown(n) => format!("node_down(\"{n}\");"),
            Op::NodeUp(n) => format!("node_up(\"{n}\");"),
            Op::AddNode(n) => format!("add_node(\"{n}\");"),
            Op::RemoveNode(n) => format!("remove_node(\"{n}\");"),
            Op::Advance { ms } => format!("advance(\"{}\");", duration(*ms)),
        }
    }

    /// The pod a `DeletePod`/`KillPod` will hit in this state, as `victims` picks it.
    pub fn victim(&self, store: &Store) -> Option<String> {
        let (owner, index) = match self {
            Op::DeletePod { owner, index } | Op::KillPod { owner, index } => (owner, *index),
            _ => return None,
        };
        let names: Vec<&str> = store
            .list(Kind::Pod, Some(super::NAMESPACE))
            .filter(|p| !p.is_deleting())
            .filter(|p| p.owner_references().iter().any(|r| &r.name == owner))
            .map(|p| p.name())
            .collect();
        (!names.is_empty()).then(|| names[index % names.len()].to_string())
    }
}

/// `1500` → `"1500ms"`, `3000` → `"3s"`: the script API's duration strings.
pub fn duration(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_render_as_script_lines() {
        assert_eq!(Op::Advance { ms: 3000 }.rhai(), "advance(\"3s\");");
        assert_eq!(Op::Advance { ms: 1500 }.rhai(), "advance(\"1500ms\");");
        assert_eq!(
            Op::DeletePod {
                owner: "ds-1".into(),
                index: 4
            }
            .rhai(),
            "delete_pod(\"ds-1\", 4);"
        );
    }
}
