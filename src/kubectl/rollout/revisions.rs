//! The ControllerRevisions kubectl reads for `rollout history` and `rollout undo`
//! (`polymorphichelpers/history.go` `controlledHistory`): those in the object's namespace
//! whose labels match its selector and whose controller is the object. Also the errors
//! kubectl gives for kinds without history (`apps/kind_visitor.go`).

use super::viewer::group_kind;
use crate::api::selector::Selector;
use crate::api::{Kind, Object};
use crate::controllers::history::sort_revisions;
use crate::kubectl::Ctx;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;
use std::sync::Arc;

/// Whether kubectl has a history viewer / rollbacker for the kind: `Ok` for DaemonSets and
/// StatefulSets; for the kinds kubectl's visitor knows but serves no history for (Job,
/// CronJob, Pod) `Err(None)`; for every other kind `Err(Some(visitor error))`.
pub fn supported(kind: Kind) -> Result<(), Option<String>> {
    match kind {
        Kind::DaemonSet | Kind::StatefulSet => Ok(()),
        Kind::Job | Kind::CronJob | Kind::Pod => Err(None),
        // `GroupKindElement` has no String method, so Go prints the struct: `{ Node}`.
        other => Err(Some(format!(
            "no visitor method exists for {{{} {}}}",
            other.info().group,
            other.name()
        ))),
    }
}

/// `HistoryViewerFor`'s / `RollbackerFor`'s error for an unsupported kind; `what` is
/// `history viewer` or `rollbacker`, `retrieving` is `history` or `rollbacker`.
pub fn unsupported(kind: Kind, what: &str, retrieving: &str) -> Option<String> {
    let gk = group_kind(kind);
    match supported(kind) {
        Ok(()) => None,
        Err(None) => Some(format!("no {what} has been implemented for \"{gk}\"")),
        Err(Some(visitor)) => Some(format!(
            "error retrieving {retrieving} for \"{gk}\", {visitor}"
        )),
    }
}

fn selector_of(obj: &Object) -> Option<Selector> {
    let sel = match (obj.daemon_set(), obj.stateful_set()) {
        (Some(ds), _) => ds.spec.as_ref().map(|s| &s.selector),
        (_, Some(sts)) => sts.spec.as_ref().map(|s| &s.selector),
        _ => None,
    }?;
    Selector::from_label_selector(sel).ok()
}

/// The object's revisions, sorted by revision number (then creation, then name).
pub fn controlled(ctx: &Ctx, obj: &Object) -> Vec<Arc<Object>> {
    let Some(selector) = selector_of(obj) else {
        return Vec::new();
    };
    let mut out: Vec<Arc<Object>> = ctx
        .cluster
        .world
        .store
        .list(Kind::ControllerRevision, Some(obj.namespace()))
        .filter(|cr| selector.matches(cr.labels()))
        .filter(|cr| cr.controller_ref().is_some_and(|r| r.uid == obj.uid()))
        .cloned()
        .collect();
    sort_revisions(&mut out);
    out
}

pub fn number(cr: &Object) -> i64 {
    cr.controller_revision().map_or(0, |c| c.revision)
}

/// The revision's stored data (`{"spec":{"template":{…,"$patch":"replace"}}}`).
pub fn data(cr: &Object) -> Option<&Value> {
    cr.controller_revision()?.data.as_ref().map(|d| &d.0)
}

/// The pod template a revision holds: what applying its data to the object yields
/// (`applyDaemonSetHistory` / `applyStatefulSetHistory`), since the data replaces the
/// whole template.
pub fn template(cr: &Object) -> Option<PodTemplateSpec> {
    crate::controllers::statefulset::history::template_of(cr)
}

/// `getDaemonSetPatch` / `getStatefulSetPatch`: the object's current template in the
/// form a revision stores it, to compare with a revision's data.
pub fn current_data(obj: &Object) -> Option<Value> {
    match (obj.daemon_set(), obj.stateful_set()) {
        (Some(ds), _) => Some(crate::controllers::daemonset::history::patch_for(ds)),
        (_, Some(sts)) => Some(crate::controllers::statefulset::history::patch(sts)),
        _ => None,
    }
}
