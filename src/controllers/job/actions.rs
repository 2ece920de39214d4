//! The writes the Job controller makes: pods created from the template (fact 52), pods
//! deleted with or without being counted (facts 9, 27), the tracking finalizer removed, the
//! status written — each with the events `RealPodControl` records (fact 59).

use super::{failure_policy, indexed, pod, status, NAME};
use crate::api::{ObjKey, Object};
use crate::store::DeleteOptions;
use crate::world::World;
use k8s_openapi::api::batch::v1::JobStatus;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Removes the tracking finalizer; the store lets a deleted pod go once it is the last.
pub(super) fn remove_tracking_finalizer(world: &mut World, key: &ObjKey) -> bool {
    let now = world.now;
    world
        .store
        .modify(key, now, |o| {
            let meta = o.meta_mut();
            if let Some(f) = meta.finalizers.as_mut() {
                f.retain(|x| x != pod::TRACKING_FINALIZER);
                if f.is_empty() {
                    meta.finalizers = None;
                }
            }
        })
        .is_ok()
}

pub(super) fn write_status(world: &mut World, key: &ObjKey, st: &JobStatus) {
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        if let Some(j) = o.job_mut() {
            j.status = Some(st.clone());
        }
    });
}

/// Creates one pod from the template (`CreatePodsWithGenerateName`): generateName
/// `<job>-` (or `<job>-<index>-`), the template's labels and annotations, the tracking
/// finalizer and a controller reference (fact 52). Records `SuccessfulCreate`.
pub(super) fn create_pod(
    world: &mut World,
    obj: &Arc<Object>,
    index: Option<i32>,
    replaced: Option<&Object>,
) -> bool {
    let job = obj.job().expect("a job");
    let name = obj.name();
    let Some(spec) = job.spec.as_ref() else {
        return false;
    };
    let mut template = spec.template.clone();
    let mut generate_name = format!("{name}-");
    if let Some(ix) = index {
        indexed::add_index_env(&mut template);
        indexed::mark_index(&mut template, name, ix);
        generate_name = indexed::generate_name(name, ix);
        if status::backoff_limit_per_index(job).is_some() {
            let (failures, ignored) =
                failure_policy::next_index_failure_counts(job, replaced.and_then(Object::pod));
            let annotations = template
                .metadata
                .get_or_insert_with(Default::default)
                .annotations
                .get_or_insert_with(BTreeMap::new);
            annotations.insert(
                indexed::INDEX_FAILURE_COUNT_KEY.into(),
                failures.to_string(),
            );
            if ignored > 0 {
                annotations.insert(
                    indexed::INDEX_IGNORED_FAILURE_COUNT_KEY.into(),
                    ignored.to_string(),
                );
            }
        }
    }
    let meta = template.metadata.unwrap_or_default();
    let mut finalizers = meta.finalizers.unwrap_or_default();
    if !finalizers.iter().any(|f| f == pod::TRACKING_FINALIZER) {
        finalizers.push(pod::TRACKING_FINALIZER.to_string());
    }
    let mut new_pod = Object::Pod(Pod {
        metadata: ObjectMeta {
            generate_name: Some(generate_name),
            namespace: Some(obj.namespace().to_string()),
            labels: meta.labels,
            annotations: meta.annotations,
            finalizers: Some(finalizers),
            owner_references: Some(vec![obj.controller_ref_to()]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    });
    crate::api::defaults::apply_defaults(&mut new_pod);
    match world.create(new_pod) {
        Ok(created) => {
            let msg = format!("Created pod: {}", created.name());
            world.record_event(obj, "Normal", "SuccessfulCreate", msg, NAME);
            true
        }
        Err(e) => {
            world.record_event(
                obj,
                "Warning",
                "FailedCreate",
                format!("Error creating: {e}"),
                NAME,
            );
            false
        }
    }
}

/// Deletes pods for the Job, recording `SuccessfulDelete`. With `uncounted`, the tracking
/// finalizer goes first so the pod counts neither as failed nor as succeeded
/// (`deleteJobPods`, fact 9); without, the finalizer stays for counting
/// (`deleteActivePods`). Returns (ready pods deleted, pods deleted).
pub(super) fn delete_pods(
    world: &mut World,
    obj: &Arc<Object>,
    pods: &[Arc<Object>],
    uncounted: bool,
) -> (i32, i32) {
    let now = world.now;
    let (mut ready, mut deleted) = (0, 0);
    for p in pods {
        let key = p.key();
        if uncounted
            && pod::has_tracking_finalizer(pod::of(p))
            && !remove_tracking_finalizer(world, &key)
        {
            // Already gone: NotFound is not a failure to delete.
            deleted += 1;
            continue;
        }
        match world.store.delete(&key, &DeleteOptions::default(), now) {
            Ok(_) => {
                let msg = format!("Deleted pod: {}", p.name());
                world.record_event(obj, "Normal", "SuccessfulDelete", msg, NAME);
            }
            Err(crate::store::ApiError::NotFound { .. }) => {}
            Err(e) => {
                world.record_event(
                    obj,
                    "Warning",
                    "FailedDelete",
                    format!("Error deleting: {e}"),
                    NAME,
                );
                continue;
            }
        }
        deleted += 1;
        if pod::is_ready(pod::of(p)) {
            ready += 1;
        }
    }
    (ready, deleted)
}
