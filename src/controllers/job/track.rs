//! Counting finished pods (`trackJobStatusAndRemoveFinalizers`, fact 52): a finished pod's
//! UID goes into `status.uncountedTerminatedPods` (written first), then its tracking
//! finalizer is removed, then it moves into `succeeded`/`failed`. The interim condition is
//! written with the first flush; the terminal one only when nothing is left uncounted or
//! terminating (fact 34), together with `completionTime` on success (fact 18).

use super::actions::{remove_tracking_finalizer, write_status};
use super::decide;
use super::failure_policy::{self, Action};
use super::indexed;
use super::status::{self, omit_zero, uncounted_len};
use super::sync::SyncCtx;
use super::{pod, JobController, NAME};
use crate::api::{ObjKey, Object};
use crate::world::World;
use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What the sync decided that counting needs to know.
pub(super) struct Tracking {
    /// The condition ending the Job (interim, or terminal for an earlier FailureTarget).
    pub finished: Option<JobCondition>,
    pub job_deleting: bool,
}

/// `canRemoveFinalizer`.
fn can_release(job: &Job, t: &Tracking, ctx: &SyncCtx, obj: &Object, failed: bool) -> bool {
    let p = pod::of(obj);
    if t.job_deleting || t.finished.is_some() || pod::is_succeeded(p) {
        return true;
    }
    if !failed {
        return false;
    }
    if status::backoff_limit_per_index(job).is_some() {
        if let Some(ix) = indexed::completion_index(obj.meta().annotations.as_ref()) {
            // Kept until its replacement carries the index's failure count.
            if ctx
                .delayed_per_index
                .get(&ix)
                .is_some_and(|d| d.uid() == obj.uid())
            {
                return false;
            }
        }
    }
    true
}

impl JobController {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn track(
        &mut self,
        key: &ObjKey,
        world: &mut World,
        obj: &Arc<Object>,
        mut st: JobStatus,
        ctx: SyncCtx,
        t: Tracking,
        mut needs_flush: bool,
    ) {
        let now = world.now;
        let job = obj.job().expect("a job");
        let indexed_job = status::is_indexed(job);
        let completions = status::completions(job).unwrap_or(0);
        let only_failed = status::only_replace_failed(job);
        let has_policy = job
            .spec
            .as_ref()
            .is_some_and(|s| s.pod_failure_policy.is_some());
        let fails_job = t
            .finished
            .as_ref()
            .is_some_and(|c| c.type_ != status::SUCCESS_CRITERIA_MET);

        let mut with_finalizer: BTreeSet<String> = ctx
            .pods
            .iter()
            .filter(|p| pod::has_tracking_finalizer(pod::of(p)))
            .map(|p| p.uid().to_string())
            .collect();
        if status::clean_uncounted(&mut st, &with_finalizer) {
            needs_flush = true;
        }
        let mut release: Vec<&Arc<Object>> = Vec::new();
        let mut new_succeeded_indexes: Vec<i32> = Vec::new();
        let mut reached_max = false;
        for p in &ctx.pods {
            let pp = pod::of(p);
            if !pod::has_tracking_finalizer(pp) {
                continue;
            }
            let failed = pod::is_failed(pp, only_failed);
            if !can_release(job, &t, &ctx, p, failed) {
                continue;
            }
            release.push(p);
            let uid = p.uid().to_string();
            let ix = indexed::completion_index(p.meta().annotations.as_ref());
            let uncounted = st
                .uncounted_terminated_pods
                .get_or_insert_with(Default::default);
            if pod::is_succeeded(pp) && !ctx.uncounted.failed.contains(&uid) {
                if indexed_job {
                    if let Some(ix) =
                        ix.filter(|i| *i < completions && !ctx.prev_succeeded_indexes.has(*i))
                    {
                        new_succeeded_indexes.push(ix);
                        needs_flush = true;
                    }
                } else if !ctx.uncounted.succeeded.contains(&uid) {
                    needs_flush = true;
                    uncounted.succeeded.get_or_insert_with(Vec::new).push(uid);
                }
            } else if failed || fails_job {
                // Once the Job fails, every pod not finished counts as failed (fact 27).
                let valid = !indexed_job || ix.is_some_and(|i| i < completions);
                if !ctx.uncounted.failed.contains(&uid) && valid {
                    let counts =
                        !has_policy || Action::counts(failure_policy::job_action(job, pp).as_ref());
                    if counts {
                        needs_flush = true;
                        uncounted.failed.get_or_insert_with(Vec::new).push(uid);
                    }
                }
            }
            if new_succeeded_indexes.len() + uncounted_len(&st) >= decide::MAX_UNCOUNTED_PODS {
                // The rest waits for the next sync, so one big Job does not starve others.
                reached_max = true;
                break;
            }
        }
        if indexed_job {
            let done = ctx.succeeded_indexes.with_indexes(new_succeeded_indexes);
            let text = done.to_string();
            let text = (!text.is_empty()).then_some(text);
            if text != st.completed_indexes {
                needs_flush = true;
            }
            st.succeeded = omit_zero(done.total());
            st.completed_indexes = text;
            let failed_text = ctx.failed_indexes.as_ref().map(|f| f.to_string());
            if failed_text != st.failed_indexes {
                st.failed_indexes = failed_text;
                needs_flush = true;
            }
        }
        let mut finished = t.finished.clone();
        if let Some(c) = finished.clone() {
            let conditions = st.conditions.get_or_insert_with(Vec::new);
            if c.type_ == status::FAILURE_TARGET {
                conditions.push(c.clone());
                needs_flush = true;
                finished = Some(decide::terminal_for(&c, now));
            } else if c.type_ == status::SUCCESS_CRITERIA_MET {
                if status::true_condition(conditions, status::SUCCESS_CRITERIA_MET).is_none() {
                    conditions.push(c.clone());
                    needs_flush = true;
                }
                finished = Some(decide::terminal_for(&c, now));
            }
        }

        // Flush what is about to be counted (and the interim condition) before releasing.
        if needs_flush {
            write_status(world, key, &st);
            self.backoff.insert(key.clone(), ctx.new_backoff.clone());
            needs_flush = false;
        }
        for p in release {
            // A pod already gone lost its finalizer with it: counted all the same.
            remove_tracking_finalizer(world, &p.key());
            with_finalizer.remove(p.uid());
        }
        if status::clean_uncounted(&mut st, &with_finalizer) {
            needs_flush = true;
        }
        let terminal = if reached_max {
            None
        } else {
            enact_finished(&mut st, finished, ctx.terminating, now)
        };
        if terminal.is_some() {
            needs_flush = true;
        }
        if needs_flush {
            write_status(world, key, &st);
        }
        if let Some(c) = terminal {
            self.backoff.remove(key);
            record_finished(world, obj, &st, &c);
        }
    }
}

/// `enactJobFinished`: adds the terminal condition once every finished pod is counted and
/// none is terminating; `completionTime` only on success (fact 18).
fn enact_finished(
    st: &mut JobStatus,
    finished: Option<JobCondition>,
    terminating: i32,
    now: crate::sim::SimTime,
) -> Option<JobCondition> {
    let c = finished?;
    if !decide::may_finish(uncounted_len(st), terminating) {
        return None;
    }
    let conditions = st.conditions.get_or_insert_with(Vec::new);
    let reason = c.reason.clone().unwrap_or_default();
    let message = c.message.clone().unwrap_or_default();
    status::ensure_condition(conditions, &c.type_, &c.status, &reason, &message, now);
    if c.type_ == status::COMPLETE {
        st.completion_time = c.last_transition_time.clone();
    }
    Some(c)
}

/// `recordJobFinished` (facts 19, 24).
fn record_finished(world: &mut World, obj: &Arc<Object>, st: &JobStatus, c: &JobCondition) {
    let job = obj.job().expect("a job");
    if c.type_ == status::COMPLETE {
        let completions = job.spec.as_ref().and_then(|s| s.completions);
        if completions.is_some_and(|n| status::counter(st.succeeded) > n) {
            let msg = "Too many succeeded pods running after completion count reached".to_string();
            world.record_event(obj, "Warning", "TooManySucceededPods", msg, NAME);
        }
        world.record_event(obj, "Normal", "Completed", "Job completed".into(), NAME);
    } else {
        let reason = c.reason.clone().unwrap_or_default();
        let message = c.message.clone().unwrap_or_default();
        world.record_event(obj, "Warning", &reason, message, NAME);
    }
}
