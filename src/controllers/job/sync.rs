//! One sync of one Job (`syncJob` and `manageJob`): read the Job and its pods as they are,
//! decide whether it ends, create or delete pods, then hand the status to `track.rs`.

use super::actions::{create_pod, delete_pods, remove_tracking_finalizer};
use super::backoff::{self, BackoffRecord};
use super::decide::{self, FailureInputs, PodRank};
use super::failure_policy::{self, Action};
use super::indexed::{self, Intervals};
use super::status::{self, counter, omit_zero, stamp, Uncounted};
use super::track::Tracking;
use super::{pod, selector, JobController, NAME};
use crate::api::{ObjKey, Object};
use crate::sim::{SimDuration, SimTime};
use crate::world::World;
use k8s_openapi::api::batch::v1::{Job, JobCondition, UncountedTerminatedPods};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The only `spec.managedBy` value this controller acts on (JobManagedBy, beta in 1.32).
const MANAGED_BY_JOB_CONTROLLER: &str = "kubernetes.io/job-controller";

/// Everything one sync learns about the Job before acting (`syncJobCtx`).
pub(super) struct SyncCtx {
    pub pods: Vec<Arc<Object>>,
    pub active_pods: Vec<Arc<Object>>,
    pub succeeded: i32,
    pub ready: i32,
    pub terminating: i32,
    pub uncounted: Uncounted,
    pub new_backoff: BackoffRecord,
    pub prev_succeeded_indexes: Intervals,
    pub succeeded_indexes: Intervals,
    pub failed_indexes: Option<Intervals>,
    /// backoffLimitPerIndex: the failed pod per index kept until its replacement exists.
    pub delayed_per_index: BTreeMap<i32, Arc<Object>>,
}

fn index_of(obj: &Object) -> Option<i32> {
    indexed::completion_index(obj.meta().annotations.as_ref())
}

/// A pod with a completion index inside `completions` (Indexed Jobs ignore the others).
fn valid_index(obj: &Object, completions: i32) -> Option<i32> {
    index_of(obj).filter(|ix| *ix < completions)
}

fn rank(obj: &Arc<Object>) -> PodRank {
    let p = pod::of(obj);
    PodRank {
        scheduled: !pod::node_name(p).is_empty(),
        phase: decide::phase_ordinal(pod::phase(p)),
        ready_since: pod::ready_since(p),
        max_restarts: pod::max_restarts(p),
        created: pod::created(p),
    }
}

impl JobController {
    pub(super) fn sync(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let Some(obj) = world.store.get(key).cloned() else {
            self.backoff.remove(key);
            return;
        };
        let Some(job) = obj.job() else {
            return;
        };
        if selector::needs_selector(job) {
            // The server's create step, one instant late: the spec change syncs again at once.
            let _ = world.store.modify(key, now, |o| {
                if let Some(j) = o.job_mut() {
                    selector::generate_selector(j);
                }
            });
            return;
        }
        let managed_by = job.spec.as_ref().and_then(|s| s.managed_by.as_deref());
        if managed_by.is_some_and(|m| m != MANAGED_BY_JOB_CONTROLLER) {
            return;
        }
        let uid = obj.uid().to_string();
        let pods = self.job_pods(world, &uid);
        if status::is_finished(job) {
            self.backoff.remove(key);
            // Backup cleanup (`cleanupPodFinalizers`): a finished Job holds no pod.
            for p in pods
                .iter()
                .filter(|p| pod::has_tracking_finalizer(pod::of(p)))
            {
                remove_tracking_finalizer(world, &p.key());
            }
            return;
        }
        if !status::known_completion_mode(job) {
            let msg = "Skipped Job sync because completion mode is unknown".to_string();
            world.record_event(&obj, "Warning", "UnknownCompletionMode", msg, NAME);
            return;
        }
        self.sync_job(key, world, &obj, pods);
    }

    fn sync_job(
        &mut self,
        key: &ObjKey,
        world: &mut World,
        obj: &Arc<Object>,
        pods: Vec<Arc<Object>>,
    ) {
        let now = world.now;
        let job = obj.job().expect("a job");
        let mut st = job.status.clone().unwrap_or_default();
        if st.uncounted_terminated_pods.is_none() {
            st.uncounted_terminated_pods = Some(UncountedTerminatedPods::default());
        }
        let only_failed = status::only_replace_failed(job);
        let suspended = status::suspended(job);
        let completions = status::completions(job);
        let uncounted = Uncounted::of(&st);
        let active_pods: Vec<Arc<Object>> = pods
            .iter()
            .filter(|p| pod::is_active(pod::of(p)))
            .cloned()
            .collect();
        let ready = active_pods
            .iter()
            .filter(|p| pod::is_ready(pod::of(p)))
            .count() as i32;
        let terminating = pods
            .iter()
            .filter(|p| pod::is_terminating(pod::of(p)))
            .count() as i32;

        let (new_succeeded, new_failed) = new_finished_pods(job, &pods, &uncounted, only_failed);
        let counted_new_failures = new_failed
            .iter()
            .filter(|p| Action::counts(failure_policy::job_action(job, pod::of(p)).as_ref()))
            .count();
        let succeeded =
            counter(st.succeeded) + new_succeeded.len() as i32 + uncounted.succeeded.len() as i32;
        let failed =
            counter(st.failed) + counted_new_failures as i32 + uncounted.failed.len() as i32;

        // First start: only when not suspended (fact 56).
        if st.start_time.is_none() && !suspended {
            st.start_time = Some(stamp(now));
        }
        let start = st.start_time.as_ref().map(|t| SimTime::from_chrono(t.0));
        let finish_times = |ps: &[Arc<Object>]| -> Vec<SimTime> {
            ps.iter()
                .map(|p| backoff::finished_time(pod::of(p)))
                .collect()
        };
        let old_backoff = self.backoff.get(key).cloned().unwrap_or_default();
        let new_backoff = backoff::next_record(
            &old_backoff,
            &finish_times(&new_succeeded),
            &finish_times(&new_failed),
        );

        let limit = status::backoff_limit(job);
        let restarts: i32 = pods
            .iter()
            .map(|p| pod::of(p))
            .filter(|p| matches!(pod::phase(p), "Running" | "Pending"))
            .map(pod::restart_sum)
            .sum();
        let exceeds = decide::exceeds_backoff_limit(failed, limit)
            || (status::restart_policy_on_failure(job)
                && decide::past_backoff_limit_on_failure(restarts, limit));
        let deadline = status::active_deadline(job);
        let inputs = FailureInputs {
            conditions: st.conditions.as_deref().unwrap_or(&[]),
            fail_job_message: fail_job_message(job, &pods, only_failed),
            exceeds_backoff_limit: exceeds,
            past_active_deadline: decide::past_active_deadline(deadline, start, suspended, now),
        };
        let mut finished: Option<JobCondition> = decide::failure_condition(&inputs, now);
        if finished.is_none() && !suspended {
            if let (Some(d), Some(s)) = (deadline, start) {
                // Fires exactly at the deadline (fact 25).
                self.requeue(world, key, s + SimDuration::from_secs(d));
            }
        }

        let mut ctx = SyncCtx {
            pods,
            active_pods,
            succeeded,
            ready,
            terminating,
            uncounted,
            new_backoff,
            prev_succeeded_indexes: Intervals::default(),
            succeeded_indexes: Intervals::default(),
            failed_indexes: None,
            delayed_per_index: BTreeMap::new(),
        };
        if status::is_indexed(job) {
            self.indexed_state(job, &mut ctx, &mut finished, now);
        }

        let mut active = ctx.active_pods.len() as i32;
        let mut suspend_changed = false;
        if finished.is_some() {
            // The Job ends: its active pods go, keeping their finalizers until counted (fact 27).
            let (deleted_ready, deleted) = delete_pods(world, obj, &ctx.active_pods, false);
            active -= deleted;
            ctx.terminating += deleted;
            ctx.ready -= deleted_ready;
        } else {
            let mut managed = false;
            if obj.meta().deletion_timestamp.is_none() {
                active = self.manage_job(key, world, obj, &mut ctx);
                managed = true;
            }
            if decide::is_complete(completions, ctx.succeeded, active) {
                finished = Some(decide::success_criteria_met(now));
            } else if managed {
                let conditions = st.conditions.get_or_insert_with(Vec::new);
                if suspended {
                    if status::ensure_condition(
                        conditions,
                        status::SUSPENDED,
                        "True",
                        "JobSuspended",
                        "Job suspended",
                        now,
                    ) {
                        suspend_changed = true;
                        world.record_event(
                            obj,
                            "Normal",
                            "Suspended",
                            "Job suspended".into(),
                            NAME,
                        );
                    }
                } else if status::ensure_condition(
                    conditions,
                    status::SUSPENDED,
                    "False",
                    "JobResumed",
                    "Job resumed",
                    now,
                ) {
                    suspend_changed = true;
                    world.record_event(obj, "Normal", "Resumed", "Job resumed".into(), NAME);
                    // A resumed Job starts its deadline clock again (fact 56, trap T25).
                    st.start_time = Some(stamp(now));
                }
                if st.conditions.as_ref().is_some_and(Vec::is_empty) {
                    st.conditions = None;
                }
            }
        }

        let needs_flush = suspend_changed
            || active != counter(st.active)
            || st.ready != Some(ctx.ready)
            || st.terminating != Some(ctx.terminating);
        st.active = omit_zero(active);
        st.ready = Some(ctx.ready);
        st.terminating = Some(ctx.terminating);
        let tracking = Tracking {
            finished,
            job_deleting: obj.meta().deletion_timestamp.is_some(),
        };
        self.track(key, world, obj, st, ctx, tracking, needs_flush);
    }

    /// The Indexed parts of `syncJob`: succeeded and failed indexes, the per-index failure
    /// limits (fact 45) and the success policy (fact 46).
    fn indexed_state(
        &self,
        job: &Job,
        ctx: &mut SyncCtx,
        finished: &mut Option<JobCondition>,
        now: SimTime,
    ) {
        let st = job.status.clone().unwrap_or_default();
        let completions = status::completions(job).unwrap_or(0);
        let prev = Intervals::parse(st.completed_indexes.as_deref().unwrap_or(""), completions);
        let new_ok = ctx.pods.iter().filter(|p| {
            let pp = pod::of(p);
            pod::is_succeeded(pp) && pod::has_tracking_finalizer(pp)
        });
        let new_ok: BTreeSet<i32> = new_ok.filter_map(|p| valid_index(p, completions)).collect();
        ctx.succeeded_indexes = prev.with_indexes(new_ok);
        ctx.prev_succeeded_indexes = prev;
        ctx.succeeded = ctx.succeeded_indexes.total();
        let only_failed = status::only_replace_failed(job);
        if let Some(per_index) = status::backoff_limit_per_index(job) {
            let prev_failed =
                Intervals::parse(st.failed_indexes.as_deref().unwrap_or(""), completions);
            let new_failed: BTreeSet<i32> = ctx
                .pods
                .iter()
                .filter(|p| pod::has_tracking_finalizer(pod::of(p)))
                .filter(|p| {
                    failure_policy::is_index_failed(job, pod::of(p), only_failed, per_index)
                })
                .filter_map(|p| valid_index(p, completions))
                .collect();
            let failed_ix = prev_failed.with_indexes(new_failed);
            if finished.is_none() {
                let max_failed = job.spec.as_ref().and_then(|s| s.max_failed_indexes);
                if max_failed.is_some_and(|m| failed_ix.total() > m) {
                    *finished = Some(decide::failure_target(
                        "MaxFailedIndexesExceeded",
                        "Job has exceeded the specified maximal number of failed indexes",
                        now,
                    ));
                } else if failed_ix.total() > 0
                    && failed_ix.total() + ctx.succeeded_indexes.total() >= completions
                {
                    *finished = Some(decide::failure_target(
                        "FailedIndexes",
                        "Job has failed indexes",
                        now,
                    ));
                }
            }
            ctx.delayed_per_index = delayed_per_index(ctx, &failed_ix, completions, only_failed);
            ctx.failed_indexes = Some(failed_ix);
        }
        if finished.is_none() {
            let policy = job.spec.as_ref().and_then(|s| s.success_policy.as_ref());
            if let Some(msg) = policy.and_then(|p| {
                failure_policy::match_success_policy(p, completions, &ctx.succeeded_indexes)
            }) {
                *finished = Some(status::new_condition(
                    status::SUCCESS_CRITERIA_MET,
                    "True",
                    "SuccessPolicy",
                    &msg,
                    now,
                ));
            }
        }
    }

    /// `manageJob`: delete the surplus or create what is missing. Returns the active count.
    fn manage_job(
        &mut self,
        key: &ObjKey,
        world: &mut World,
        obj: &Arc<Object>,
        ctx: &mut SyncCtx,
    ) -> i32 {
        let now = world.now;
        let job = obj.job().expect("a job");
        let active = ctx.active_pods.len() as i32;
        let completions = status::completions(job);
        if status::suspended(job) {
            // Suspending deletes every active pod without counting it (facts 9, 60).
            let mut all = ctx.active_pods.clone();
            decide::sort_for_removal(&mut all, rank);
            let (removed_ready, removed) = delete_pods(world, obj, &all, true);
            ctx.terminating += removed;
            ctx.ready -= removed_ready;
            return active - removed;
        }
        let want =
            decide::want_active(completions, status::parallelism(job), ctx.succeeded, active);
        let surplus = (active - want).max(0) as usize;
        let mut to_delete = pods_for_removal(job, &ctx.active_pods, surplus);
        to_delete.truncate(decide::MAX_POD_CHANGES_PER_SYNC);
        if !to_delete.is_empty() {
            // Deletion takes precedence: nothing is created in this sync (fact 9).
            let (removed_ready, removed) = delete_pods(world, obj, &to_delete, true);
            ctx.terminating += removed;
            ctx.ready -= removed_ready;
            return active - removed;
        }
        let waiting = if status::only_replace_failed(job) {
            ctx.terminating
        } else {
            0
        };
        let mut diff = decide::pods_to_create(want, active, waiting) as usize;
        if diff == 0 {
            return active;
        }
        let per_index = status::backoff_limit_per_index(job).is_some();
        if !per_index {
            let remaining = ctx.new_backoff.remaining(now);
            if remaining > SimDuration::ZERO {
                // Backing off (facts 29–32). 1.32 reports `active: 0` here, which its own
                // status validation then rejects when pods are ready (kubernetes#139428);
                // klab reports the pods that do run, as the fix does.
                self.requeue(world, key, now + remaining.max(super::BATCH_PERIOD));
                return active;
            }
        }
        diff = diff.min(decide::MAX_POD_CHANGES_PER_SYNC);
        let mut indexes: Vec<Option<i32>> = vec![None; diff];
        if status::is_indexed(job) {
            let c = completions.unwrap_or(0);
            let mut pending = indexed::first_pending(&taken_indexes(job, ctx), diff, c);
            if per_index {
                let (now_ok, wait) = creatable_indexes(&pending, &ctx.delayed_per_index, now);
                if now_ok.is_empty() {
                    if let Some(wait) = wait {
                        self.requeue(world, key, now + wait.max(super::BATCH_PERIOD));
                    }
                    return active;
                }
                pending = now_ok;
            }
            indexes = pending.into_iter().map(Some).collect();
        }
        let mut created = 0;
        for ix in indexes {
            let replaced = ix.and_then(|i| ctx.delayed_per_index.get(&i)).cloned();
            if create_pod(world, obj, ix, replaced.as_deref()) {
                created += 1;
            }
        }
        active + created
    }
}

/// `getNewFinishedPods`: finished pods still holding the finalizer and not yet in the
/// uncounted lists (Indexed: with a valid index).
fn new_finished_pods(
    job: &Job,
    pods: &[Arc<Object>],
    uncounted: &Uncounted,
    only_failed: bool,
) -> (Vec<Arc<Object>>, Vec<Arc<Object>>) {
    let completions = status::completions(job).unwrap_or(0);
    let indexed = status::is_indexed(job);
    let valid = |p: &&Arc<Object>| {
        pod::has_tracking_finalizer(pod::of(p))
            && (!indexed || valid_index(p, completions).is_some())
    };
    let succeeded = pods
        .iter()
        .filter(valid)
        .filter(|p| !uncounted.succeeded.contains(p.uid()) && pod::is_succeeded(pod::of(p)))
        .cloned()
        .collect();
    let failed = pods
        .iter()
        .filter(valid)
        .filter(|p| !uncounted.failed.contains(p.uid()) && pod::is_failed(pod::of(p), only_failed))
        .cloned()
        .collect();
    (succeeded, failed)
}

/// `getFailJobMessage`: the first failed pod matching a FailJob rule.
fn fail_job_message(job: &Job, pods: &[Arc<Object>], only_failed: bool) -> Option<String> {
    job.spec.as_ref()?.pod_failure_policy.as_ref()?;
    pods.iter()
        .filter(|p| pod::is_failed(pod::of(p), only_failed))
        .find_map(|p| match failure_policy::job_action(job, pod::of(p)) {
            Some(Action::FailJob(msg)) => Some(msg),
            _ => None,
        })
}

/// `activePodsForRemoval`: for Indexed Jobs first the pods without a valid index and the
/// duplicates of an index (keeping its most advanced pod), then the least advanced pods.
fn pods_for_removal(job: &Job, active: &[Arc<Object>], at_least: usize) -> Vec<Arc<Object>> {
    let (mut rm, mut left) = if status::is_indexed(job) {
        duplicates_for_removal(active, status::completions(job).unwrap_or(0))
    } else {
        (Vec::new(), active.to_vec())
    };
    if rm.len() < at_least {
        decide::sort_for_removal(&mut left, rank);
        let n = (at_least - rm.len()).min(left.len());
        rm.extend(left.drain(..n));
    }
    rm
}

fn duplicates_for_removal(
    active: &[Arc<Object>],
    completions: i32,
) -> (Vec<Arc<Object>>, Vec<Arc<Object>>) {
    let mut by_index: BTreeMap<i32, Vec<Arc<Object>>> = BTreeMap::new();
    let mut rm = Vec::new();
    for p in active {
        match index_of(p) {
            Some(ix) if ix < completions => by_index.entry(ix).or_default().push(p.clone()),
            _ => rm.push(p.clone()),
        }
    }
    let mut left = Vec::new();
    for (_, mut group) in by_index {
        decide::sort_for_removal(&mut group, rank);
        let keep = group.pop().expect("a non-empty group");
        rm.extend(group);
        left.push(keep);
    }
    (rm, left)
}

/// Indexes not to hand out: succeeded, active, failed, and terminating ones when
/// replacements wait for termination.
fn taken_indexes(job: &Job, ctx: &SyncCtx) -> Intervals {
    let active = ctx.active_pods.iter().filter_map(|p| index_of(p));
    let mut taken = ctx.succeeded_indexes.with_indexes(active);
    if status::only_replace_failed(job) {
        let terminating = ctx
            .pods
            .iter()
            .filter(|p| pod::is_terminating(pod::of(p)))
            .filter_map(|p| index_of(p));
        taken = taken.with_indexes(terminating);
    }
    if let Some(failed) = &ctx.failed_indexes {
        taken = taken.merge(failed);
    }
    taken
}

/// `getPodsWithDelayedDeletionPerIndex`: per index not yet done nor running, its latest
/// failed pod — kept until the replacement carries the failure count on.
fn delayed_per_index(
    ctx: &SyncCtx,
    failed_ix: &Intervals,
    completions: i32,
    only_failed: bool,
) -> BTreeMap<i32, Arc<Object>> {
    let active: BTreeSet<i32> = ctx.active_pods.iter().filter_map(|p| index_of(p)).collect();
    let mut out: BTreeMap<i32, Arc<Object>> = BTreeMap::new();
    for p in &ctx.pods {
        let pp = pod::of(p);
        if !pod::has_tracking_finalizer(pp) || !pod::is_failed(pp, only_failed) {
            continue;
        }
        let Some(ix) = valid_index(p, completions) else {
            continue;
        };
        if ctx.succeeded_indexes.has(ix) || failed_ix.has(ix) || active.contains(&ix) {
            continue;
        }
        let replace = match out.get(&ix) {
            Some(last) => {
                let lp = pod::of(last);
                failure_policy::index_absolute_failure_count(lp)
                    <= failure_policy::index_absolute_failure_count(pp)
                    && backoff::finished_time(pp) >= backoff::finished_time(lp)
            }
            None => true,
        };
        if replace {
            out.insert(ix, p.clone());
        }
    }
    out
}

/// `getPodCreationInfoForIndependentIndexes`: the indexes whose own backoff has passed, or
/// the shortest wait among the others.
fn creatable_indexes(
    pending: &[i32],
    delayed: &BTreeMap<i32, Arc<Object>>,
    now: SimTime,
) -> (Vec<i32>, Option<SimDuration>) {
    let mut ok = Vec::new();
    let mut wait: Option<SimDuration> = None;
    for ix in pending {
        let remaining = match delayed.get(ix) {
            None => SimDuration::ZERO,
            Some(last) => {
                let lp = pod::of(last);
                let failures = failure_policy::index_absolute_failure_count(lp) + 1;
                backoff::remaining(failures, Some(backoff::finished_time(lp)), now)
            }
        };
        if remaining == SimDuration::ZERO {
            ok.push(*ix);
        } else {
            wait = Some(wait.map_or(remaining, |w| w.min(remaining)));
        }
    }
    (ok, wait)
}
