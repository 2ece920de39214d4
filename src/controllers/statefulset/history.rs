//! A StatefulSet's ControllerRevisions (k/k `stateful_set_utils.go` `getPatch`,
//! `newRevision`, `ApplyRevision`, `nextRevision`; `stateful_set_control.go`
//! `getStatefulSetRevisions`, `truncateHistory`; facts 38–41, T5, T6).

use crate::api::Object;
use crate::controllers::history as cr;
use crate::store::{ApiError, DeleteOptions};
use crate::world::World;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{Map, Value};
use std::sync::Arc;

/// `getPatch`: `{"spec":{"template":{…,"$patch":"replace"}}}`, keys sorted as Go marshals
/// them (fact 38).
pub fn patch(set: &StatefulSet) -> Value {
    let template = set
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let mut t = match cr::template_json(&template) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    t.insert("$patch".into(), Value::String("replace".into()));
    let mut spec = Map::new();
    spec.insert("template".into(), Value::Object(t));
    let mut root = Map::new();
    root.insert("spec".into(), Value::Object(spec));
    cr::sorted(Value::Object(root))
}

/// `ApplyRevision` for what the controller reads back: the pod template a revision holds.
pub fn template_of(revision: &Object) -> Option<PodTemplateSpec> {
    let data = &revision.controller_revision()?.data.as_ref()?.0;
    let mut t = data.get("spec")?.get("template")?.clone();
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    serde_json::from_value(t).ok()
}

/// The current and update revisions of one sync, and the collision count to record.
pub struct Revisions {
    pub current: Arc<Object>,
    pub update: Arc<Object>,
    pub collision_count: i32,
}

/// `getStatefulSetRevisions`. `listed` are the set's revisions, sorted
/// (`SortControllerRevisions`). The update revision is the newest revision if it holds the
/// set's template; else an older one holding it, renumbered to the next revision (a
/// rollback reuses it, T6); else a new one. The current revision is the one
/// `status.currentRevision` names, or the update revision when there is none.
/// `data` is `patch(set)`.
pub fn resolve(
    world: &mut World,
    set_obj: &Object,
    listed: &[Arc<Object>],
    data: &Value,
) -> Result<Revisions, ApiError> {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let status = set.status.as_ref();
    let mut collision_count = status.and_then(|s| s.collision_count).unwrap_or(0);
    let next = cr::next_revision(listed);
    let newest_holds = listed.last().is_some_and(|r| cr::holds(r, data));
    let equal = listed.iter().rev().find(|r| cr::holds(r, data)).cloned();
    let update = match equal {
        Some(r) if newest_holds => r,
        Some(r) => cr::set_revision_number(world, &r, next)?,
        None => {
            let template_labels = set
                .spec
                .as_ref()
                .and_then(|s| s.template.metadata.as_ref())
                .and_then(|m| m.labels.as_ref());
            let new = cr::new_revision(
                set_obj,
                template_labels,
                set.metadata.annotations.as_ref(),
                data.clone(),
                next,
                collision_count,
            );
            cr::create_revision(world, set_obj, new, &mut collision_count)?
        }
    };
    let wanted = status.and_then(|s| s.current_revision.as_deref());
    let current = listed
        .iter()
        .find(|r| Some(r.name()) == wanted)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok(Revisions {
        current,
        update,
        collision_count,
    })
}

/// `truncateHistory`: beyond `revisionHistoryLimit`, the lowest non-live revisions go.
/// Live are the current and update revisions and every revision a pod carries (fact 41).
pub fn truncate(world: &mut World, set: &StatefulSet, listed: &[Arc<Object>], live: &[&str]) {
    let limit = set
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10);
    if limit < 0 {
        return;
    }
    let history: Vec<&Arc<Object>> = listed
        .iter()
        .filter(|r| !live.contains(&r.name()))
        .collect();
    let excess = history.len().saturating_sub(limit as usize);
    let now = world.now;
    for r in history.into_iter().take(excess) {
        let _ = world.store.delete(&r.key(), &DeleteOptions::default(), now);
    }
}
