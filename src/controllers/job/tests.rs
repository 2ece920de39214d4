//! The Job and TTL-after-finished controllers driving a whole simulated cluster: Jobs are
//! built as the API server would store them (restartPolicy, backoffLimit 6, completions /
//! parallelism per fact 1), pods run the behaviour model (`sleep N` ends N s after it
//! starts, 1 s after binding), and time only moves through `advance`.

use super::pod::TRACKING_FINALIZER;
use crate::api::{Kind, ObjKey, Object};
use crate::cluster::{Cluster, ClusterConfig};
use crate::sim::{SimDuration, SimTime};
use crate::store::{DeleteOptions, WatchType, FINALIZER_FOREGROUND};
use k8s_openapi::api::batch::v1::{
    Job, JobSpec, JobStatus, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyRule, SuccessPolicy, SuccessPolicyRule,
};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::sync::Arc;

fn job(name: &str, completions: Option<i32>, parallelism: Option<i32>, command: &[&str]) -> Job {
    Job {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(JobSpec {
            completions,
            parallelism,
            backoff_limit: Some(6),
            completion_mode: Some("NonIndexed".into()),
            suspend: Some(false),
            manual_selector: Some(false),
            pod_replacement_policy: Some("TerminatingOrFailed".into()),
            template: PodTemplateSpec {
                metadata: None,
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "c".into(),
                        image: Some("busybox".into()),
                        command: Some(command.iter().map(|s| s.to_string()).collect()),
                        ..Default::default()
                    }],
                    restart_policy: Some("Never".into()),
                    termination_grace_period_seconds: Some(30),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

fn sleep(secs: u32) -> Vec<String> {
    vec!["sleep".into(), secs.to_string()]
}

fn cmd(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

struct Lab {
    c: Cluster,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            c: Cluster::new(ClusterConfig::default()),
        }
    }
    fn at(&self) -> i64 {
        self.c.elapsed()
    }
    fn millis(&self) -> i64 {
        (self.c.world.now - self.c.world.start).millis()
    }
    fn create(&mut self, j: Job) {
        self.c.world.create(Object::Job(j)).expect("create job");
        self.c.reconcile_now().expect("settles");
    }
    fn advance_to(&mut self, secs: i64) {
        let target = self.c.world.start + SimDuration::from_secs(secs);
        self.c.advance(target - self.c.world.now).expect("advance");
    }
    fn advance_ms(&mut self, ms: i64) {
        self.c
            .advance(SimDuration::from_millis(ms))
            .expect("advance");
    }
    fn key(name: &str) -> ObjKey {
        ObjKey::new(Kind::Job, "default", name)
    }
    fn job(&self, name: &str) -> Option<Job> {
        self.c
            .world
            .store
            .get(&Self::key(name))
            .and_then(|o| o.job().cloned())
    }
    fn status(&self, name: &str) -> JobStatus {
        self.job(name).and_then(|j| j.status).unwrap_or_default()
    }
    /// (type, status, reason) of every condition, in order.
    fn conditions(&self, name: &str) -> Vec<(String, String, String)> {
        self.status(name)
            .conditions
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.type_, c.status, c.reason.unwrap_or_default()))
            .collect()
    }
    fn condition_types(&self, name: &str) -> Vec<String> {
        self.conditions(name).into_iter().map(|c| c.0).collect()
    }
    /// The Job's pods in the store (by its name in the controller reference).
    fn pods(&self, name: &str) -> Vec<Arc<Object>> {
        self.c
            .world
            .store
            .list(Kind::Pod, Some("default"))
            .filter(|p| {
                p.controller_ref()
                    .is_some_and(|r| r.kind == "Job" && r.name == name)
            })
            .cloned()
            .collect()
    }
    fn phases(&self, name: &str) -> Vec<String> {
        self.pods(name)
            .iter()
            .map(|p| super::pod::phase(p.pod().unwrap()).to_string())
            .collect()
    }
    fn events(&self, reason: &str) -> Vec<(i64, String)> {
        self.c
            .world
            .events
            .occurrences()
            .filter(|e| e.reason == reason)
            .map(|e| ((e.time - self.c.world.start).secs(), e.message.clone()))
            .collect()
    }
    fn modify_job(&mut self, name: &str, f: impl FnOnce(&mut JobSpec)) {
        let now = self.c.world.now;
        self.c
            .world
            .store
            .modify(&Self::key(name), now, |o| {
                f(o.job_mut().unwrap().spec.as_mut().unwrap())
            })
            .unwrap();
        self.c.reconcile_now().unwrap();
    }
    /// The container's main process exits now with `code` (as `kill` would make it).
    fn kill(&mut self, pod: &ObjKey, code: i32) {
        let now = self.c.world.now;
        assert!(self
            .c
            .world
            .runtime
            .pods
            .get_mut(pod)
            .unwrap()
            .kill("c", now, code));
        self.c.wake(now, "kubelet", pod.clone());
        self.c.advance(SimDuration::ZERO).unwrap();
    }
    fn time_of(
        &self,
        t: &Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
    ) -> Option<i64> {
        t.as_ref()
            .map(|t| (SimTime::from_chrono(t.0) - self.c.world.start).secs())
    }
}

#[test]
fn one_shot_sleep_60_completes_with_success_criteria_met_then_complete_facts_17_34_36() {
    let mut lab = Lab::new();
    lab.create(job("pi", Some(1), Some(1), &cmd(&sleep(60))));
    let pods = lab.pods("pi");
    assert_eq!(pods.len(), 1);
    let p = &pods[0];
    assert!(
        p.name().starts_with("pi-") && p.name().len() == "pi-".len() + 5,
        "{}",
        p.name()
    );
    assert!(p
        .meta()
        .finalizers
        .iter()
        .flatten()
        .any(|f| f == TRACKING_FINALIZER));
    let owner = p.controller_ref().unwrap();
    assert_eq!(
        (owner.kind.as_str(), owner.block_owner_deletion),
        ("Job", Some(true))
    );
    // The generated selector labels are on the pod (fact 53).
    let job = lab.job("pi").unwrap();
    let uid = job.metadata.uid.clone().unwrap();
    assert_eq!(p.labels()["batch.kubernetes.io/controller-uid"], uid);
    assert_eq!(p.labels()["job-name"], "pi");

    lab.advance_to(30);
    let st = lab.status("pi");
    assert_eq!(
        (st.active, st.ready, st.terminating),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(lab.time_of(&st.start_time), Some(0));
    assert!(st.conditions.is_none());

    // The container ends at 61 (started 1 s after binding); the Job sees it one batch
    // period (syncJobBatchPeriod, 1 s) later.
    lab.advance_to(61);
    assert_eq!(lab.phases("pi"), ["Succeeded"]);
    assert!(lab.condition_types("pi").is_empty());
    lab.advance_to(62);
    assert_eq!(
        lab.conditions("pi"),
        [
            (
                "SuccessCriteriaMet".into(),
                "True".into(),
                "CompletionsReached".into()
            ),
            (
                "Complete".into(),
                "True".into(),
                "CompletionsReached".into()
            )
        ]
    );
    let st = lab.status("pi");
    let c = st.conditions.clone().unwrap();
    assert_eq!(
        c[1].message.as_deref(),
        Some("Reached expected number of succeeded pods")
    );
    assert_eq!(lab.time_of(&st.completion_time), Some(62));
    assert_eq!((st.succeeded, st.failed, st.active), (Some(1), None, None));
    assert_eq!((st.ready, st.terminating), (Some(0), Some(0)));
    assert_eq!(st.uncounted_terminated_pods, Some(Default::default()));
    // Completed pods stay, counted: their finalizer is gone (facts 17, 52).
    let pods = lab.pods("pi");
    assert_eq!(pods.len(), 1);
    assert!(pods[0].meta().finalizers.is_none());
    assert_eq!(
        lab.events("SuccessfulCreate"),
        [(0, format!("Created pod: {}", pods[0].name()))]
    );
    assert_eq!(lab.events("Completed"), [(62, "Job completed".to_string())]);
    let component = lab
        .c
        .world
        .events
        .occurrences()
        .find(|e| e.reason == "Completed")
        .unwrap()
        .component
        .clone();
    assert_eq!(component, "job-controller");
}

#[test]
fn m5_n3_creates_three_pods_then_only_two_more_fact_8() {
    let mut lab = Lab::new();
    lab.create(job("multi", Some(5), Some(3), &cmd(&sleep(10))));
    assert_eq!(lab.pods("multi").len(), 3);
    lab.advance_to(11);
    assert_eq!(lab.pods("multi").len(), 3);
    lab.advance_to(12);
    assert_eq!(
        lab.pods("multi").len(),
        5,
        "the three successes leave two to run"
    );
    assert_eq!(lab.status("multi").succeeded, Some(3));
    lab.advance_to(40);
    let st = lab.status("multi");
    assert_eq!(st.succeeded, Some(5));
    assert_eq!(
        lab.condition_types("multi"),
        ["SuccessCriteriaMet", "Complete"]
    );
    assert_eq!(lab.events("SuccessfulCreate").len(), 5);
    assert_eq!(lab.time_of(&st.completion_time), Some(24));
}

#[test]
fn work_queue_stops_creating_after_the_first_success_and_completes_when_all_end_trap_t14() {
    let mut lab = Lab::new();
    lab.create(job("queue", None, Some(3), &cmd(&sleep(100))));
    assert_eq!(lab.pods("queue").len(), 3);
    lab.advance_to(20);
    let first = lab.pods("queue")[0].key();
    lab.kill(&first, 0);
    lab.advance_to(50);
    let st = lab.status("queue");
    assert_eq!((st.succeeded, st.active), (Some(1), Some(2)));
    assert_eq!(
        lab.pods("queue").len(),
        3,
        "no new pod after a success (fact 15)"
    );
    assert!(
        lab.condition_types("queue").is_empty(),
        "running pods are not killed"
    );
    lab.advance_to(101);
    assert!(lab.condition_types("queue").is_empty());
    lab.advance_to(102);
    assert_eq!(
        lab.condition_types("queue"),
        ["SuccessCriteriaMet", "Complete"]
    );
    assert_eq!(lab.status("queue").succeeded, Some(3));
    assert_eq!(lab.events("SuccessfulCreate").len(), 3);
}

#[test]
fn backoff_limit_0_with_parallelism_2_ends_with_both_pods_failed_trap_t11_fact_27() {
    let mut lab = Lab::new();
    let mut j = job("fail", Some(2), Some(2), &cmd(&sleep(100)));
    j.spec.as_mut().unwrap().backoff_limit = Some(0);
    lab.create(j);
    lab.advance_to(20);
    let pods = lab.pods("fail");
    lab.kill(&pods[0].key(), 1);
    lab.advance_to(21);
    // FailureTarget first; the other pod is deleted and counted (fact 27).
    assert_eq!(
        lab.conditions("fail"),
        [(
            "FailureTarget".into(),
            "True".into(),
            "BackoffLimitExceeded".into()
        )]
    );
    let st = lab.status("fail");
    assert_eq!(
        (st.failed, st.active, st.terminating),
        (Some(2), None, Some(1))
    );
    assert_eq!(
        lab.events("SuccessfulDelete"),
        [(21, format!("Deleted pod: {}", pods[1].name()))]
    );
    // `sleep` as PID 1 ignores SIGTERM: the pod goes after the 30 s grace period, and only
    // then the terminal condition is written (fact 34).
    lab.advance_to(51);
    assert_eq!(lab.condition_types("fail"), ["FailureTarget"]);
    lab.advance_to(52);
    assert_eq!(lab.condition_types("fail"), ["FailureTarget", "Failed"]);
    let st = lab.status("fail");
    assert_eq!(
        st.conditions.as_ref().unwrap()[1].reason.as_deref(),
        Some("BackoffLimitExceeded")
    );
    assert_eq!(
        st.conditions.as_ref().unwrap()[1].message.as_deref(),
        Some("Job has reached the specified backoff limit")
    );
    assert_eq!(
        (st.failed, st.succeeded, st.terminating),
        (Some(2), None, Some(0))
    );
    assert!(
        st.completion_time.is_none(),
        "completionTime is for success only (fact 18)"
    );
    assert_eq!(
        lab.events("BackoffLimitExceeded"),
        [(
            52,
            "Job has reached the specified backoff limit".to_string()
        )]
    );
}

#[test]
fn a_deleted_pod_counts_as_failed_and_is_replaced_10s_later_trap_t12_fact_22() {
    let mut lab = Lab::new();
    lab.create(job("del", Some(1), Some(1), &cmd(&sleep(100))));
    lab.advance_to(20);
    let victim = lab.pods("del")[0].key();
    let now = lab.c.world.now;
    lab.c
        .world
        .store
        .delete(&victim, &DeleteOptions::default(), now)
        .unwrap();
    lab.c.reconcile_now().unwrap();
    lab.advance_to(21);
    let st = lab.status("del");
    assert_eq!(
        (st.failed, st.active, st.terminating),
        (Some(1), None, Some(1))
    );
    // The first replacement already waits 10 s from the failure (fact 30).
    lab.advance_ms(8_999);
    assert_eq!(lab.pods("del").len(), 1);
    lab.advance_to(30);
    let pods = lab.pods("del");
    assert_eq!(pods.len(), 2);
    let fresh = pods.iter().find(|p| p.key() != victim).unwrap();
    assert_eq!(lab.time_of(&fresh.meta().creation_timestamp), Some(30));
    assert_eq!(lab.status("del").active, Some(1));
}

#[test]
fn never_fails_on_the_failure_after_the_limit_with_doubling_delays_traps_t10_t12() {
    let mut lab = Lab::new();
    let mut j = job("never", Some(1), Some(1), &["sh", "-c", "sleep 5; exit 1"]);
    j.spec.as_mut().unwrap().backoff_limit = Some(2);
    lab.create(j);
    lab.advance_to(200);
    // Pods fail at 6, 22 and 48: replacements waited 10 s then 20 s after each failure.
    let created: Vec<i64> = lab.events("SuccessfulCreate").iter().map(|e| e.0).collect();
    assert_eq!(created, [0, 16, 42]);
    let st = lab.status("never");
    assert_eq!(
        st.failed,
        Some(3),
        "backoffLimit 2 fails on the third failure (failed > 2)"
    );
    assert_eq!(lab.condition_types("never"), ["FailureTarget", "Failed"]);
    assert_eq!(lab.events("BackoffLimitExceeded").len(), 1);
    assert_eq!(lab.events("BackoffLimitExceeded")[0].0, 49);
}

#[test]
fn on_failure_fails_when_restarts_reach_the_limit_not_exceed_it_trap_t10_fact_23() {
    let mut lab = Lab::new();
    let mut j = job("onfail", Some(1), Some(1), &["sh", "-c", "sleep 5; exit 1"]);
    let spec = j.spec.as_mut().unwrap();
    spec.backoff_limit = Some(2);
    spec.template.spec.as_mut().unwrap().restart_policy = Some("OnFailure".into());
    lab.create(j);
    // The kubelet restarts in place: at 6 (restartCount 1), then after 10 s at 21 (2).
    lab.advance_to(20);
    assert!(
        lab.condition_types("onfail").is_empty(),
        "1 restart < backoffLimit 2"
    );
    lab.advance_to(22);
    assert_eq!(
        lab.conditions("onfail"),
        [(
            "FailureTarget".into(),
            "True".into(),
            "BackoffLimitExceeded".into()
        )]
    );
    lab.advance_to(120);
    assert_eq!(lab.condition_types("onfail"), ["FailureTarget", "Failed"]);
    let st = lab.status("onfail");
    assert_eq!(
        st.failed,
        Some(1),
        "the one pod, killed on failure, is counted"
    );
    assert_eq!(
        lab.events("SuccessfulCreate").len(),
        1,
        "OnFailure never replaced the pod"
    );
}

#[test]
fn active_deadline_fires_exactly_at_start_plus_deadline_fact_25() {
    let mut lab = Lab::new();
    let mut j = job("deadline", Some(1), Some(1), &cmd(&sleep(100)));
    j.spec.as_mut().unwrap().active_deadline_seconds = Some(30);
    lab.create(j);
    lab.advance_ms(29_999);
    assert!(lab.condition_types("deadline").is_empty());
    lab.advance_ms(1);
    assert_eq!(lab.millis(), 30_000);
    assert_eq!(
        lab.conditions("deadline"),
        [(
            "FailureTarget".into(),
            "True".into(),
            "DeadlineExceeded".into()
        )]
    );
    let msg = lab.status("deadline").conditions.unwrap()[0]
        .message
        .clone();
    assert_eq!(
        msg.as_deref(),
        Some("Job was active longer than specified deadline")
    );
    lab.advance_to(100);
    assert_eq!(lab.condition_types("deadline"), ["FailureTarget", "Failed"]);
    assert_eq!(lab.status("deadline").failed, Some(1));
    assert_eq!(lab.events("DeadlineExceeded").len(), 1);
}

#[test]
fn suspend_deletes_pods_uncounted_and_resume_restarts_the_deadline_clock_trap_t25() {
    let mut lab = Lab::new();
    let mut j = job("susp", Some(1), Some(1), &cmd(&sleep(100)));
    j.spec.as_mut().unwrap().active_deadline_seconds = Some(60);
    lab.create(j);
    lab.advance_to(10);
    lab.modify_job("susp", |s| s.suspend = Some(true));
    assert_eq!(
        lab.conditions("susp"),
        [("Suspended".into(), "True".into(), "JobSuspended".into())]
    );
    let st = lab.status("susp");
    assert_eq!(
        (st.failed, st.active, st.terminating),
        (None, None, Some(1))
    );
    assert_eq!(lab.events("Suspended"), [(10, "Job suspended".to_string())]);
    // Suspended Jobs never hit the deadline.
    lab.advance_to(40);
    lab.modify_job("susp", |s| s.suspend = Some(false));
    assert_eq!(
        lab.conditions("susp"),
        [("Suspended".into(), "False".into(), "JobResumed".into())]
    );
    assert_eq!(lab.time_of(&lab.status("susp").start_time), Some(40));
    assert_eq!(lab.events("Resumed"), [(40, "Job resumed".to_string())]);
    assert_eq!(
        lab.pods("susp").iter().filter(|p| !p.is_deleting()).count(),
        1
    );
    // The deadline now counts from the resume: 40 + 60.
    lab.advance_ms(59_999);
    assert!(!lab
        .condition_types("susp")
        .contains(&"FailureTarget".to_string()));
    lab.advance_ms(1);
    assert!(lab
        .condition_types("susp")
        .contains(&"FailureTarget".to_string()));
    lab.advance_to(200);
    assert_eq!(
        lab.status("susp").failed,
        Some(1),
        "only the pod killed by the deadline counts"
    );
}

#[test]
fn completions_0_completes_at_once_and_parallelism_0_pauses_trap_t17() {
    let mut lab = Lab::new();
    lab.create(job("zero", Some(0), Some(1), &cmd(&sleep(10))));
    assert_eq!(
        lab.condition_types("zero"),
        ["SuccessCriteriaMet", "Complete"]
    );
    assert!(lab.pods("zero").is_empty());
    assert_eq!(lab.time_of(&lab.status("zero").completion_time), Some(0));

    lab.create(job("paused", Some(1), Some(0), &cmd(&sleep(10))));
    lab.advance_to(1000);
    assert!(lab.pods("paused").is_empty());
    assert!(lab.condition_types("paused").is_empty());
    assert_eq!(lab.time_of(&lab.status("paused").start_time), Some(0));
    lab.modify_job("paused", |s| s.parallelism = Some(1));
    assert_eq!(lab.pods("paused").len(), 1, "a spec change syncs at once");
}

#[test]
fn scale_down_deletes_pods_without_counting_them_fact_9() {
    let mut lab = Lab::new();
    lab.create(job("scale", Some(10), Some(3), &cmd(&sleep(100))));
    lab.advance_to(10);
    lab.modify_job("scale", |s| s.parallelism = Some(1));
    assert_eq!(lab.events("SuccessfulDelete").len(), 2);
    lab.advance_to(50);
    let st = lab.status("scale");
    assert_eq!((st.failed, st.active), (None, Some(1)));
}

#[test]
fn indexed_pods_carry_their_index_and_completed_indexes_compress_facts_48_50() {
    let mut lab = Lab::new();
    let mut j = job("idx", Some(5), Some(2), &cmd(&sleep(10)));
    j.spec.as_mut().unwrap().completion_mode = Some("Indexed".into());
    lab.create(j);
    let pods = lab.pods("idx");
    assert_eq!(pods.len(), 2);
    for (i, p) in pods.iter().enumerate() {
        let prefix = format!("idx-{i}-");
        assert!(
            p.name().starts_with(&prefix) && p.name().len() == prefix.len() + 5,
            "{}",
            p.name()
        );
        let pod = p.pod().unwrap();
        let spec = pod.spec.as_ref().unwrap();
        assert_eq!(spec.hostname.as_deref(), Some(format!("idx-{i}").as_str()));
        let key = "batch.kubernetes.io/job-completion-index";
        assert_eq!(p.labels()[key], i.to_string());
        assert_eq!(p.meta().annotations.as_ref().unwrap()[key], i.to_string());
        let env = spec.containers[0].env.clone().unwrap();
        assert_eq!(env[0].name, "JOB_COMPLETION_INDEX");
        let field = env[0]
            .value_from
            .as_ref()
            .unwrap()
            .field_ref
            .as_ref()
            .unwrap();
        assert_eq!(
            field.field_path,
            "metadata.labels['batch.kubernetes.io/job-completion-index']"
        );
    }
    lab.advance_to(12);
    assert_eq!(lab.status("idx").completed_indexes.as_deref(), Some("0,1"));
    let new: Vec<String> = lab
        .pods("idx")
        .iter()
        .skip(2)
        .map(|p| p.name()[..6].to_string())
        .collect();
    assert_eq!(
        new,
        ["idx-2-", "idx-3-"],
        "lowest pending indexes first (fact 49)"
    );
    lab.advance_to(24);
    assert_eq!(lab.status("idx").completed_indexes.as_deref(), Some("0-3"));
    lab.advance_to(40);
    let st = lab.status("idx");
    assert_eq!(
        (st.completed_indexes.as_deref(), st.succeeded),
        (Some("0-4"), Some(5))
    );
    assert_eq!(
        lab.condition_types("idx"),
        ["SuccessCriteriaMet", "Complete"]
    );
}

#[test]
fn ttl_deletes_the_job_with_foreground_propagation_20s_after_it_finished_trap_t21_fact_74() {
    let mut lab = Lab::new();
    let watch = lab.c.open_watch();
    let mut j = job("ttl", Some(1), Some(1), &cmd(&sleep(10)));
    j.spec.as_mut().unwrap().ttl_seconds_after_finished = Some(20);
    lab.create(j);
    lab.advance_to(12);
    assert_eq!(
        lab.condition_types("ttl"),
        ["SuccessCriteriaMet", "Complete"]
    );
    lab.advance_ms(19_999);
    assert!(lab.job("ttl").is_some());
    lab.advance_ms(1);
    assert_eq!(lab.at(), 32);
    assert!(lab.job("ttl").is_none(), "deleted at Complete (12) + 20");
    assert!(lab.pods("ttl").is_empty(), "its pods went with it");
    let changes = lab.c.world.store.changes_since(watch);
    let foreground = changes.iter().any(|c| {
        c.kind == WatchType::Modified
            && c.object.kind() == Kind::Job
            && c.object
                .meta()
                .finalizers
                .iter()
                .flatten()
                .any(|f| f == FINALIZER_FOREGROUND)
    });
    assert!(
        foreground,
        "the Job waited for its pods (foregroundDeletion)"
    );
}

#[test]
fn ttl_set_or_changed_after_finishing_counts_from_the_finish_facts_75_76() {
    let mut lab = Lab::new();
    lab.create(job("late", Some(1), Some(1), &cmd(&sleep(10))));
    lab.create(job("changed", Some(1), Some(1), &cmd(&sleep(10))));
    lab.advance_to(100);
    // Set long after the finish (12): already expired, deleted at once.
    lab.modify_job("late", |s| s.ttl_seconds_after_finished = Some(5));
    assert!(lab.job("late").is_none());
    lab.modify_job("changed", |s| s.ttl_seconds_after_finished = Some(1000));
    lab.advance_to(110);
    lab.modify_job("changed", |s| s.ttl_seconds_after_finished = Some(150));
    lab.advance_to(161);
    assert!(lab.job("changed").is_some());
    lab.advance_to(162);
    assert!(lab.job("changed").is_none(), "12 + 150");
}

#[test]
fn ttl_0_deletes_as_soon_as_the_job_finishes_fact_75() {
    let mut lab = Lab::new();
    let mut j = job("now", Some(1), Some(1), &cmd(&sleep(10)));
    j.spec.as_mut().unwrap().ttl_seconds_after_finished = Some(0);
    lab.create(j);
    lab.advance_to(11);
    assert!(lab.job("now").is_some());
    lab.advance_to(12);
    assert!(lab.job("now").is_none());
}

#[test]
fn deleting_a_job_in_the_background_releases_its_pods_finalizers() {
    let mut lab = Lab::new();
    lab.create(job("gone", Some(2), Some(2), &cmd(&sleep(100))));
    lab.advance_to(5);
    let now = lab.c.world.now;
    lab.c
        .world
        .store
        .delete(&Lab::key("gone"), &DeleteOptions::background(), now)
        .unwrap();
    lab.c.reconcile_now().unwrap();
    assert!(lab.job("gone").is_none());
    lab.advance_to(60);
    assert!(
        lab.pods("gone").is_empty(),
        "pods were not held by the tracking finalizer"
    );
}

#[test]
fn pods_orphaned_by_deleting_the_job_give_up_the_tracking_finalizer_trap_t21() {
    let mut lab = Lab::new();
    lab.create(job("orph", Some(1), Some(1), &cmd(&sleep(100))));
    lab.advance_to(5);
    // A raw API delete of a batch/v1 Job orphans its pods (fact 66).
    let now = lab.c.world.now;
    lab.c
        .world
        .store
        .delete(&Lab::key("orph"), &DeleteOptions::default(), now)
        .unwrap();
    lab.c.reconcile_now().unwrap();
    assert!(lab.job("orph").is_none());
    let pods: Vec<Arc<Object>> = lab
        .c
        .world
        .store
        .list(Kind::Pod, Some("default"))
        .cloned()
        .collect();
    assert_eq!(pods.len(), 1);
    assert!(pods[0].owner_references().is_empty());
    assert!(
        pods[0].meta().finalizers.is_none(),
        "the orphan is not held by the Job's finalizer"
    );
    assert_eq!(super::pod::phase(pods[0].pod().unwrap()), "Running");
}

fn exit_rule(action: &str, codes: &[i32]) -> PodFailurePolicyRule {
    PodFailurePolicyRule {
        action: action.into(),
        on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
            container_name: None,
            operator: "In".into(),
            values: codes.to_vec(),
        }),
        on_pod_conditions: None,
    }
}

/// A Job with a podFailurePolicy, as defaulting leaves it (podReplacementPolicy Failed, fact 4).
fn with_policy(mut j: Job, rules: Vec<PodFailurePolicyRule>) -> Job {
    let spec = j.spec.as_mut().unwrap();
    spec.pod_failure_policy = Some(PodFailurePolicy { rules });
    spec.pod_replacement_policy = Some("Failed".into());
    j
}

#[test]
fn fail_job_rule_fails_the_job_with_the_rule_message_facts_37_42() {
    let mut lab = Lab::new();
    let j = job("pfp", Some(1), Some(1), &["sh", "-c", "sleep 5; exit 42"]);
    lab.create(with_policy(j, vec![exit_rule("FailJob", &[42])]));
    lab.advance_to(7);
    let pod = lab.pods("pfp")[0].name().to_string();
    let st = lab.status("pfp");
    let c = st.conditions.clone().unwrap();
    assert_eq!(lab.condition_types("pfp"), ["FailureTarget", "Failed"]);
    let want = format!("Container c for pod default/{pod} failed with exit code 42 matching FailJob rule at index 0");
    for cond in &c {
        assert_eq!(cond.reason.as_deref(), Some("PodFailurePolicy"));
        assert_eq!(cond.message.as_deref(), Some(want.as_str()));
    }
    assert_eq!(st.failed, Some(1));
    assert_eq!(lab.events("PodFailurePolicy"), [(7, want)]);
}

#[test]
fn ignore_rule_neither_counts_nor_stops_replacements_fact_40() {
    let mut lab = Lab::new();
    let mut j = job("ign", Some(1), Some(1), &["sh", "-c", "sleep 5; exit 3"]);
    j.spec.as_mut().unwrap().backoff_limit = Some(0);
    lab.create(with_policy(j, vec![exit_rule("Ignore", &[3])]));
    lab.advance_to(60);
    assert!(
        lab.condition_types("ign").is_empty(),
        "backoffLimit 0 never reached"
    );
    assert_eq!(lab.status("ign").failed, None);
    // Failures at 6, 22 (created 16), 48 (created 42): ignored failures still back off.
    let created: Vec<i64> = lab.events("SuccessfulCreate").iter().map(|e| e.0).collect();
    assert_eq!(created, [0, 16, 42]);
}

#[test]
fn backoff_limit_per_index_fails_only_that_index_facts_44_45() {
    let mut lab = Lab::new();
    let mut j = job("per", Some(3), Some(3), &cmd(&sleep(100)));
    let spec = j.spec.as_mut().unwrap();
    spec.completion_mode = Some("Indexed".into());
    spec.backoff_limit_per_index = Some(1);
    spec.backoff_limit = Some(i32::MAX);
    lab.create(j);
    let index_pod = |lab: &Lab, ix: &str| {
        lab.pods("per")
            .into_iter()
            .filter(|p| !p.is_deleting() && p.name().starts_with(&format!("per-{ix}-")))
            .find(|p| super::pod::is_active(p.pod().unwrap()))
            .map(|p| p.key())
    };
    lab.advance_to(10);
    let first = index_pod(&lab, "1").unwrap();
    lab.kill(&first, 1);
    // Index 1 gets a second pod after its own 10 s backoff, carrying the failure count.
    lab.advance_to(19);
    assert!(index_pod(&lab, "1").is_none());
    lab.advance_to(20);
    let second = index_pod(&lab, "1").expect("index 1 retried");
    let annotations = lab
        .c
        .world
        .store
        .get(&second)
        .unwrap()
        .meta()
        .annotations
        .clone()
        .unwrap();
    assert_eq!(
        annotations["batch.kubernetes.io/job-index-failure-count"],
        "1"
    );
    lab.advance_to(30);
    assert_eq!(lab.status("per").failed, Some(1));
    lab.kill(&second, 1);
    lab.advance_to(31);
    let st = lab.status("per");
    assert_eq!(
        (st.failed_indexes.as_deref(), st.failed),
        (Some("1"), Some(2))
    );
    assert!(
        lab.condition_types("per").is_empty(),
        "other indexes keep running"
    );
    lab.advance_to(102);
    let st = lab.status("per");
    assert_eq!(st.completed_indexes.as_deref(), Some("0,2"));
    assert_eq!(
        lab.conditions("per"),
        [
            (
                "FailureTarget".into(),
                "True".into(),
                "FailedIndexes".into()
            ),
            ("Failed".into(), "True".into(), "FailedIndexes".into())
        ]
    );
}

#[test]
fn success_policy_completes_early_and_deletes_lingering_pods_uncounted_fact_46() {
    let mut lab = Lab::new();
    let mut j = job("early", Some(3), Some(3), &cmd(&sleep(100)));
    let spec = j.spec.as_mut().unwrap();
    spec.completion_mode = Some("Indexed".into());
    spec.success_policy = Some(SuccessPolicy {
        rules: vec![SuccessPolicyRule {
            succeeded_indexes: Some("0".into()),
            succeeded_count: None,
        }],
    });
    lab.create(j);
    lab.advance_to(10);
    let leader = lab
        .pods("early")
        .into_iter()
        .find(|p| p.name().starts_with("early-0-"))
        .unwrap();
    lab.kill(&leader.key(), 0);
    lab.advance_to(11);
    assert_eq!(
        lab.conditions("early"),
        [(
            "SuccessCriteriaMet".into(),
            "True".into(),
            "SuccessPolicy".into()
        )]
    );
    assert_eq!(lab.status("early").terminating, Some(2));
    lab.advance_to(42);
    let st = lab.status("early");
    assert_eq!(
        lab.condition_types("early"),
        ["SuccessCriteriaMet", "Complete"]
    );
    let msg = st.conditions.as_ref().unwrap()[1].message.clone();
    assert_eq!(msg.as_deref(), Some("Matched rules at index 0"));
    assert_eq!(
        (st.succeeded, st.failed, st.completed_indexes.as_deref()),
        (Some(1), None, Some("0"))
    );
}

/// The speed target (issue 6): completions 100,000 at parallelism 1,000, pods `sleep 10`.
/// Ten nodes hold 1,100 pods, so all 1,000 run at once. Measure it in release:
/// `cargo test --release --lib scale_ -- --ignored --nocapture`.
#[test]
#[ignore]
fn scale_100k_completions_at_parallelism_1000_completes() {
    #[allow(clippy::disallowed_methods)]
    let wall = std::time::Instant::now();
    let config = ClusterConfig {
        nodes: (1..=10).map(|i| format!("node-{i}")).collect(),
        ..Default::default()
    };
    let mut lab = Lab {
        c: Cluster::new(config),
    };
    lab.create(job("big", Some(100_000), Some(1_000), &cmd(&sleep(10))));
    let mut sim = 0;
    while !lab.condition_types("big").contains(&"Complete".to_string()) {
        sim += 100;
        assert!(
            sim <= 5_000,
            "not complete after {sim} simulated seconds: {:?}",
            lab.status("big")
        );
        lab.advance_to(sim);
    }
    let st = lab.status("big");
    assert_eq!((st.succeeded, st.failed), (Some(100_000), None));
    assert_eq!(lab.time_of(&st.completion_time), Some(1202));
    println!(
        "100k completions: {:?} wall, {} reconciles, {} objects",
        wall.elapsed(),
        lab.c.stats.reconciles,
        lab.c.world.store.total_objects()
    );
}
