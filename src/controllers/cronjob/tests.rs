//! The CronJob controller driving a whole simulated cluster (Job controller, scheduler,
//! kubelet and garbage collector included). CronJobs are built as the API server stores
//! them (`test_support`); their Jobs run `sleep N` pods (bound and started 1 s after
//! creation), or are marked finished directly in the store where a test needs exact times.

use super::test_support::{cronjob, with_command};
use super::NAME;
use crate::api::{Kind, ObjKey, Object};
use crate::cluster::{Cluster, ClusterConfig};
use crate::sim::{SimDuration, SimTime};
use crate::store::DeleteOptions;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, CronJobStatus, Job, JobCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::sync::Arc;

struct Lab {
    c: Cluster,
}

fn t(s: &str) -> SimTime {
    SimTime::parse(s).unwrap()
}

impl Lab {
    /// A default cluster whose clock starts at `start`.
    fn at(start: &str) -> Lab {
        Lab {
            c: Cluster::new(ClusterConfig {
                start: t(start),
                ..ClusterConfig::default()
            }),
        }
    }
    fn now(&self) -> SimTime {
        self.c.world.now
    }
    fn create(&mut self, cj: CronJob) {
        self.c
            .world
            .create(Object::CronJob(cj))
            .expect("create cronjob");
        self.c.reconcile_now().unwrap();
    }
    /// Runs everything up to (and including) the instant `when`.
    fn advance_to(&mut self, when: &str) {
        let d = t(when) - self.now();
        self.c.advance(d).expect("advance");
    }
    fn key(name: &str) -> ObjKey {
        ObjKey::new(Kind::CronJob, "default", name)
    }
    fn cronjob(&self, name: &str) -> CronJob {
        self.c
            .world
            .store
            .get(&Self::key(name))
            .and_then(|o| o.cron_job().cloned())
            .expect("cronjob exists")
    }
    fn status(&self, name: &str) -> CronJobStatus {
        self.cronjob(name).status.unwrap_or_default()
    }
    fn active(&self, name: &str) -> Vec<String> {
        self.status(name)
            .active
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.name.unwrap_or_default())
            .collect()
    }
    fn last_schedule(&self, name: &str) -> Option<SimTime> {
        self.status(name)
            .last_schedule_time
            .map(|t| SimTime::from_chrono(t.0))
    }
    fn modify_spec(&mut self, name: &str, f: impl FnOnce(&mut CronJobSpec)) {
        let now = self.now();
        self.c
            .world
            .store
            .modify(&Self::key(name), now, |o| {
                f(o.cron_job_mut().unwrap().spec.as_mut().unwrap())
            })
            .unwrap();
        self.c.reconcile_now().unwrap();
    }
    /// All Jobs in the namespace, by name.
    fn jobs(&self) -> Vec<Arc<Object>> {
        self.c
            .world
            .store
            .list(Kind::Job, Some("default"))
            .cloned()
            .collect()
    }
    fn job_names(&self) -> Vec<String> {
        self.jobs().iter().map(|j| j.name().to_string()).collect()
    }
    fn job(&self, name: &str) -> Option<Job> {
        self.c
            .world
            .store
            .get_named(Kind::Job, "default", name)
            .and_then(|o| o.job().cloned())
    }
    fn created_at(&self, job: &str) -> SimTime {
        let j = self.job(job).expect("job exists");
        SimTime::from_chrono(j.metadata.creation_timestamp.unwrap().0)
    }
    fn finished(&self, job: &str) -> Option<String> {
        self.job(job)
            .as_ref()
            .and_then(super::status::finished_condition)
            .map(str::to_string)
    }
    /// (time, message) of the CronJob controller's events with this reason.
    fn events(&self, reason: &str) -> Vec<(SimTime, String)> {
        self.c
            .world
            .events
            .occurrences()
            .filter(|e| e.reason == reason && e.component == NAME)
            .map(|e| (e.time, e.message.clone()))
            .collect()
    }
    fn messages(&self, reason: &str) -> Vec<String> {
        self.events(reason).into_iter().map(|e| e.1).collect()
    }
    /// Marks a Job finished as the Job controller would (condition, startTime, completionTime).
    fn finish(&mut self, job: &str, condition: &str, started: &str, ended: &str) {
        let now = self.now();
        let (started, ended) = (t(started), t(ended));
        self.c
            .world
            .store
            .modify(&ObjKey::new(Kind::Job, "default", job), now, |o| {
                let status = o.job_mut().unwrap().status.get_or_insert_default();
                status.start_time = Some(Time(started.to_chrono()));
                if condition == "Complete" {
                    status.completion_time = Some(Time(ended.to_chrono()));
                }
                status.conditions = Some(vec![JobCondition {
                    type_: condition.into(),
                    status: "True".into(),
                    last_transition_time: Some(Time(ended.to_chrono())),
                    ..Default::default()
                }]);
            })
            .unwrap();
        self.c.reconcile_now().unwrap();
    }
}

/// `<name>-<minutes since epoch>` for a schedule time.
fn job_name(cj: &str, scheduled: &str) -> String {
    super::decide::job_name(cj, t(scheduled))
}

fn ms(s: &str) -> SimTime {
    t(s)
}

#[test]
fn minutely_cronjob_creates_a_job_each_minute_at_plus_100ms_facts_98_109_112() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(cronjob("hello", "*/1 * * * *", lab.now()));
    // The first run is strictly after creation, and the sync lands 100 ms after it.
    lab.advance_to("2026-01-01T00:01:00.099Z");
    assert!(lab.job_names().is_empty());
    lab.advance_to("2026-01-01T00:01:00.100Z");
    let first = job_name("hello", "2026-01-01T00:01:00Z");
    assert_eq!(first, "hello-29453761");
    assert_eq!(lab.job_names(), [first.as_str()]);
    assert_eq!(lab.created_at(&first), ms("2026-01-01T00:01:00Z"));
    assert_eq!(lab.active("hello"), [first.as_str()]);
    assert_eq!(lab.last_schedule("hello"), Some(t("2026-01-01T00:01:00Z")));
    assert_eq!(
        lab.events("SuccessfulCreate"),
        [(
            ms("2026-01-01T00:01:00.100Z"),
            format!("Created job {first}")
        )]
    );
    let ann = lab.job(&first).unwrap().metadata.annotations.unwrap();
    assert_eq!(
        ann["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T00:01:00Z"
    );
    let active_ref = &lab.status("hello").active.unwrap()[0];
    assert_eq!(active_ref.kind.as_deref(), Some("Job"));
    assert_eq!(active_ref.api_version.as_deref(), Some("batch/v1"));
    assert!(active_ref.resource_version.is_some());

    // Every minute, at +100 ms.
    lab.advance_to("2026-01-01T00:03:00.100Z");
    let times: Vec<SimTime> = lab.events("SuccessfulCreate").iter().map(|e| e.0).collect();
    assert_eq!(
        times,
        [
            ms("2026-01-01T00:01:00.100Z"),
            ms("2026-01-01T00:02:00.100Z"),
            ms("2026-01-01T00:03:00.100Z")
        ]
    );
    // The sleep-30 Job ran and finished: seen, out of active, lastSuccessfulTime set.
    assert_eq!(lab.finished(&first).as_deref(), Some("Complete"));
    assert_eq!(
        lab.messages("SawCompletedJob")[0],
        format!("Saw completed job: {first}, condition: Complete")
    );
    assert!(!lab.active("hello").contains(&first));
    let completion = lab.job(&first).unwrap().status.unwrap().completion_time;
    let last_ok = lab.status("hello").last_successful_time;
    assert!(last_ok.is_some());
    assert!(last_ok.unwrap().0 >= completion.unwrap().0);
}

#[test]
fn settle_does_not_wait_for_future_schedules() {
    let mut lab = Lab::at("2026-01-01T00:00:00Z");
    lab.create(cronjob("hello", "0 * * * *", lab.now()));
    let moved = lab.c.settle(SimDuration::from_secs(3600)).unwrap();
    assert_eq!(moved, SimDuration::ZERO);
    assert!(lab.job_names().is_empty());
}

#[test]
fn first_run_is_strictly_after_creation_trap_t8_fact_88() {
    let mut lab = Lab::at("2026-01-01T10:00:00Z");
    lab.create(cronjob("hourly", "0 * * * *", lab.now()));
    lab.advance_to("2026-01-01T10:59:59Z");
    assert!(lab.job_names().is_empty());
    lab.advance_to("2026-01-01T11:00:00.100Z");
    assert_eq!(
        lab.job_names(),
        [job_name("hourly", "2026-01-01T11:00:00Z")]
    );
}

#[test]
fn history_keeps_the_newest_by_start_time_and_deletes_in_background_fact_117() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = cronjob("hist", "*/1 * * * *", lab.now());
    cj.spec.as_mut().unwrap().successful_jobs_history_limit = Some(2);
    cj.spec.as_mut().unwrap().failed_jobs_history_limit = Some(1);
    // Pods that never end, so only the test decides when Jobs finish.
    lab.create(with_command(cj, &["sleep", "100000"]));
    lab.advance_to("2026-01-01T00:05:00.100Z");
    let names = lab.job_names();
    assert_eq!(names.len(), 5);
    // Start times out of name order: the 00:02 Job started first.
    lab.finish(
        &names[1],
        "Complete",
        "2026-01-01T00:02:01Z",
        "2026-01-01T00:05:10Z",
    );
    lab.finish(
        &names[0],
        "Complete",
        "2026-01-01T00:02:01Z",
        "2026-01-01T00:05:11Z",
    );
    lab.finish(
        &names[2],
        "Complete",
        "2026-01-01T00:03:01Z",
        "2026-01-01T00:05:12Z",
    );
    // Three successful, limit two: the oldest start goes; on a tie, the smaller name.
    assert_eq!(
        lab.messages("SuccessfulDelete"),
        [format!("Deleted job {}", names[0])]
    );
    assert!(lab.job(&names[0]).is_none());
    assert!(lab.job(&names[1]).is_some());
    lab.finish(
        &names[3],
        "Failed",
        "2026-01-01T00:04:01Z",
        "2026-01-01T00:05:13Z",
    );
    lab.finish(
        &names[4],
        "Failed",
        "2026-01-01T00:05:01Z",
        "2026-01-01T00:05:14Z",
    );
    assert_eq!(
        lab.messages("SuccessfulDelete"),
        [
            format!("Deleted job {}", names[0]),
            format!("Deleted job {}", names[3])
        ]
    );
    // The deleted Job's pods go with it (background propagation).
    lab.c.advance(SimDuration::from_secs(40)).unwrap();
    let owned_by_deleted = lab
        .c
        .world
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|p| {
            p.controller_ref()
                .is_some_and(|r| r.name == names[0] || r.name == names[3])
        })
        .count();
    assert_eq!(owned_by_deleted, 0);
    // lastSuccessfulTime is the newest completion among the Complete ones.
    assert_eq!(
        lab.status("hist").last_successful_time.map(|t| t.0),
        Some(t("2026-01-01T00:05:12Z").to_chrono())
    );
}

#[test]
fn book_manifest_history_5_and_3_with_random_exit_jobs_fact_117() {
    let mut lab = Lab::at("2026-01-01T00:00:00Z");
    let mut cj = cronjob("sample-cronjob", "*/1 * * * *", lab.now());
    {
        let spec = cj.spec.as_mut().unwrap();
        spec.starting_deadline_seconds = Some(30);
        spec.successful_jobs_history_limit = Some(5);
        spec.failed_jobs_history_limit = Some(3);
        let job = spec.job_template.spec.as_mut().unwrap();
        job.backoff_limit = Some(0);
        job.completions = Some(1);
        job.parallelism = Some(1);
        let c = &mut job.template.spec.as_mut().unwrap().containers[0];
        c.name = "tools-container".into();
        c.image = Some("amsy810/random-exit:v2.0".into());
        c.command = None;
    }
    lab.create(cj);
    let mut max_seen = (0, 0);
    for minute in 1..=30 {
        lab.advance_to(&format!(
            "2026-01-01T{:02}:{:02}:59Z",
            minute / 60,
            minute % 60
        ));
        let finished: Vec<String> = lab
            .job_names()
            .iter()
            .filter_map(|n| lab.finished(n))
            .collect();
        let ok = finished.iter().filter(|c| *c == "Complete").count();
        let failed = finished.iter().filter(|c| *c == "Failed").count();
        assert!(
            ok <= 5 && failed <= 3,
            "minute {minute}: {ok} ok, {failed} failed"
        );
        max_seen = (max_seen.0.max(ok), max_seen.1.max(failed));
    }
    // Both outcomes occurred and both lists reached their limits.
    assert_eq!(max_seen, (5, 3));
    assert_eq!(lab.events("SuccessfulCreate").len(), 30);
    assert!(!lab.events("SuccessfulDelete").is_empty());
}

#[test]
fn forbid_delays_the_missed_run_until_the_active_job_ends_trap_t6_fact_105() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = with_command(
        cronjob("forbid", "*/1 * * * *", lab.now()),
        &["sleep", "150"],
    );
    cj.spec.as_mut().unwrap().concurrency_policy = Some("Forbid".into());
    lab.create(cj);
    lab.advance_to("2026-01-01T00:03:00.100Z");
    let first = job_name("forbid", "2026-01-01T00:01:00Z");
    assert_eq!(lab.job_names(), [first.as_str()]);
    let refused: Vec<SimTime> = lab.events("JobAlreadyActive").iter().map(|e| e.0).collect();
    assert_eq!(
        refused,
        [
            ms("2026-01-01T00:02:00.100Z"),
            ms("2026-01-01T00:03:00.100Z")
        ]
    );
    // lastScheduleTime is not advanced by a refused run.
    assert_eq!(lab.last_schedule("forbid"), Some(t("2026-01-01T00:01:00Z")));
    // The first Job's pod starts at 00:01:01 and sleeps 150 s: done at 00:03:31. The run
    // for 00:03 then starts late, under its own name.
    lab.advance_to("2026-01-01T00:03:59Z");
    let late = job_name("forbid", "2026-01-01T00:03:00Z");
    assert_eq!(lab.job_names(), [first.clone(), late.clone()]);
    let started = lab.created_at(&late);
    assert!(started > t("2026-01-01T00:03:30Z") && started < t("2026-01-01T00:03:40Z"));
    assert_eq!(lab.last_schedule("forbid"), Some(t("2026-01-01T00:03:00Z")));
    assert_eq!(lab.active("forbid"), [late]);
}

#[test]
fn forbid_with_a_deadline_skips_the_missed_run_fact_105() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = with_command(
        cronjob("forbid", "*/1 * * * *", lab.now()),
        &["sleep", "150"],
    );
    cj.spec.as_mut().unwrap().concurrency_policy = Some("Forbid".into());
    cj.spec.as_mut().unwrap().starting_deadline_seconds = Some(10);
    lab.create(cj);
    lab.advance_to("2026-01-01T00:03:59Z");
    // 00:03 was more than 10 s ago when the first Job ended: no late run.
    assert_eq!(
        lab.job_names(),
        [job_name("forbid", "2026-01-01T00:01:00Z")]
    );
    lab.advance_to("2026-01-01T00:04:00.100Z");
    assert_eq!(
        lab.job_names().last().unwrap(),
        &job_name("forbid", "2026-01-01T00:04:00Z")
    );
}

#[test]
fn replace_deletes_the_active_job_then_creates_fact_106() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = with_command(
        cronjob("replace", "*/1 * * * *", lab.now()),
        &["sleep", "150"],
    );
    cj.spec.as_mut().unwrap().concurrency_policy = Some("Replace".into());
    lab.create(cj);
    lab.advance_to("2026-01-01T00:02:00.100Z");
    let first = job_name("replace", "2026-01-01T00:01:00Z");
    let second = job_name("replace", "2026-01-01T00:02:00Z");
    assert_eq!(lab.job_names(), [second.as_str()]);
    assert_eq!(
        lab.events("SuccessfulDelete"),
        [(
            ms("2026-01-01T00:02:00.100Z"),
            format!("Deleted job {first}")
        )]
    );
    assert_eq!(lab.active("replace"), [second.as_str()]);
    // Background propagation: the replaced Job's pod is terminating, then gone.
    lab.advance_to("2026-01-01T00:02:59Z");
    let orphans = lab
        .c
        .world
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|p| p.controller_ref().is_some_and(|r| r.name == first))
        .count();
    assert_eq!(orphans, 0);
}

#[test]
fn suspend_then_unsuspend_runs_at_most_one_job_trap_t4_fact_108() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(cronjob("sus", "*/1 * * * *", lab.now()));
    lab.advance_to("2026-01-01T00:01:30Z");
    lab.modify_spec("sus", |s| s.suspend = Some(true));
    lab.advance_to("2026-01-01T00:10:30Z");
    assert_eq!(lab.job_names(), [job_name("sus", "2026-01-01T00:01:00Z")]);
    lab.modify_spec("sus", |s| s.suspend = Some(false));
    // Immediately one Job, for the most recent missed minute (00:10).
    assert_eq!(
        lab.events("SuccessfulCreate").last().unwrap(),
        &(
            ms("2026-01-01T00:10:30Z"),
            format!("Created job {}", job_name("sus", "2026-01-01T00:10:00Z"))
        )
    );
    assert_eq!(lab.events("SuccessfulCreate").len(), 2);
    lab.advance_to("2026-01-01T00:11:00.100Z");
    assert_eq!(lab.events("SuccessfulCreate").len(), 3);
}

#[test]
fn unsuspend_after_more_than_100_missed_warns_and_still_creates_one_job_trap_t5() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = cronjob("many", "*/1 * * * *", lab.now());
    cj.spec.as_mut().unwrap().suspend = Some(true);
    lab.create(cj);
    lab.advance_to("2026-01-01T03:00:30Z");
    lab.modify_spec("many", |s| s.suspend = Some(false));
    assert_eq!(lab.events("TooManyMissedTimes").len(), 1);
    assert_eq!(lab.job_names(), [job_name("many", "2026-01-01T03:00:00Z")]);
}

#[test]
fn starting_deadline_skips_a_late_run_fact_100() {
    // Unsuspended 20 s after 00:05 with a 30 s deadline: the 00:05 run starts late.
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = cronjob("deadline", "*/5 * * * *", lab.now());
    cj.spec.as_mut().unwrap().starting_deadline_seconds = Some(30);
    cj.spec.as_mut().unwrap().suspend = Some(true);
    lab.create(cj.clone());
    lab.advance_to("2026-01-01T00:05:20Z");
    lab.modify_spec("deadline", |s| s.suspend = Some(false));
    assert_eq!(
        lab.job_names(),
        [job_name("deadline", "2026-01-01T00:05:00Z")]
    );

    // 60 s after: skipped silently (no MissSchedule), the next run is 00:10.
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(cj);
    lab.advance_to("2026-01-01T00:06:00Z");
    lab.modify_spec("deadline", |s| s.suspend = Some(false));
    assert!(lab.job_names().is_empty());
    assert!(lab.events("MissSchedule").is_empty());
    lab.advance_to("2026-01-01T00:10:00.100Z");
    assert_eq!(
        lab.job_names(),
        [job_name("deadline", "2026-01-01T00:10:00Z")]
    );
}

#[test]
fn starting_deadline_zero_never_runs_trap_t7() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = cronjob("never", "*/1 * * * *", lab.now());
    cj.spec.as_mut().unwrap().starting_deadline_seconds = Some(0);
    lab.create(cj);
    lab.advance_to("2026-01-01T01:00:30Z");
    assert!(lab.job_names().is_empty());
    assert!(lab.events("MissSchedule").is_empty());
}

#[test]
fn manual_jobs_are_owned_not_active_trap_t18_fact_107() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = with_command(cronjob("cj", "*/1 * * * *", lab.now()), &["sleep", "90"]);
    cj.spec.as_mut().unwrap().concurrency_policy = Some("Forbid".into());
    lab.create(cj);
    // What `kubectl create job manual --from=cronjob/cj` creates (1.31+, fact 124).
    let owner = lab.c.world.store.get(&Lab::key("cj")).unwrap().clone();
    let mut reference = owner.controller_ref_to();
    reference.block_owner_deletion = None;
    let template = lab.cronjob("cj").spec.unwrap().job_template;
    let manual = Job {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("manual".into()),
            namespace: Some("default".into()),
            annotations: Some(
                [("cronjob.kubernetes.io/instantiate".into(), "manual".into())].into(),
            ),
            owner_references: Some(vec![reference]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    };
    lab.c.world.create(Object::Job(manual)).unwrap();
    lab.c.reconcile_now().unwrap();
    assert!(lab.active("cj").is_empty());
    assert!(!lab.events("UnexpectedJob").is_empty());
    assert_eq!(
        lab.messages("UnexpectedJob")[0],
        "Saw a job that the controller did not create or forgot: manual"
    );
    // It does not block Forbid: the 00:01 run starts while it runs.
    lab.advance_to("2026-01-01T00:01:00.100Z");
    assert!(lab
        .job_names()
        .contains(&job_name("cj", "2026-01-01T00:01:00Z")));
    assert!(lab.events("JobAlreadyActive").is_empty());
    // It finishes (at 00:02:01) and counts for lastSuccessfulTime, without SawCompletedJob.
    lab.advance_to("2026-01-01T00:02:10Z");
    assert_eq!(lab.finished("manual").as_deref(), Some("Complete"));
    let manual_done = lab
        .job("manual")
        .unwrap()
        .status
        .unwrap()
        .completion_time
        .unwrap();
    assert_eq!(lab.status("cj").last_successful_time, Some(manual_done));
    assert!(!lab
        .messages("SawCompletedJob")
        .iter()
        .any(|m| m.contains("manual")));
}

#[test]
fn replace_leaves_manual_jobs_alone_trap_t18() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    let mut cj = with_command(cronjob("cj", "*/1 * * * *", lab.now()), &["sleep", "300"]);
    cj.spec.as_mut().unwrap().concurrency_policy = Some("Replace".into());
    lab.create(cj);
    let owner = lab.c.world.store.get(&Lab::key("cj")).unwrap().clone();
    let template = lab.cronjob("cj").spec.unwrap().job_template;
    let manual = Job {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("manual".into()),
            namespace: Some("default".into()),
            owner_references: Some(vec![owner.controller_ref_to()]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    };
    lab.c.world.create(Object::Job(manual)).unwrap();
    lab.advance_to("2026-01-01T00:02:00.100Z");
    assert!(lab.job("manual").is_some());
    assert_eq!(
        lab.messages("SuccessfulDelete"),
        [format!(
            "Deleted job {}",
            job_name("cj", "2026-01-01T00:01:00Z")
        )]
    );
}

#[test]
fn a_vanished_active_job_is_reported_missing_fact_114() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(with_command(
        cronjob("cj", "*/1 * * * *", lab.now()),
        &["sleep", "300"],
    ));
    lab.advance_to("2026-01-01T00:01:00.100Z");
    let first = job_name("cj", "2026-01-01T00:01:00Z");
    let now = lab.now();
    lab.c
        .world
        .store
        .delete(
            &ObjKey::new(Kind::Job, "default", &first),
            &DeleteOptions::background(),
            now,
        )
        .unwrap();
    lab.c.reconcile_now().unwrap();
    assert!(lab.active("cj").is_empty());
    assert_eq!(
        lab.messages("MissingJob"),
        [format!("Active job went missing: {first}")]
    );
}

#[test]
fn deleting_the_cronjob_cascades_to_jobs_and_pods_fact_118() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(with_command(
        cronjob("cj", "*/1 * * * *", lab.now()),
        &["sleep", "300"],
    ));
    lab.advance_to("2026-01-01T00:02:10Z");
    assert_eq!(lab.jobs().len(), 2);
    let now = lab.now();
    // No propagation policy given: the CronJob's API default applies.
    lab.c
        .world
        .store
        .delete(&Lab::key("cj"), &DeleteOptions::default(), now)
        .unwrap();
    lab.c.reconcile_now().unwrap();
    assert!(lab.jobs().is_empty());
    lab.c.settle(SimDuration::from_secs(120)).unwrap();
    assert_eq!(
        lab.c.world.store.list(Kind::Pod, Some("default")).count(),
        0
    );
    // And nothing wakes for it any more.
    lab.advance_to("2026-01-01T00:10:00Z");
    assert!(lab.jobs().is_empty());
}

#[test]
fn impossible_schedule_warns_and_never_runs_trap_t23_fact_87() {
    let mut lab = Lab::at("2026-01-01T00:00:00Z");
    lab.create(cronjob("feb30", "0 0 30 2 *", lab.now()));
    assert_eq!(
        lab.messages("InvalidSchedule"),
        ["invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second"]
    );
    let instants = lab.c.stats.instants;
    lab.c
        .advance(SimDuration::from_secs(5 * 366 * 86_400))
        .unwrap();
    assert!(lab.job_names().is_empty());
    // Only the event's expiry woke the cluster: no timer for the schedule.
    assert!(lab.c.stats.instants - instants <= 1);
}

#[test]
fn schedule_change_waits_for_the_new_schedule_fact_99() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(cronjob("cj", "0 * * * *", lab.now()));
    lab.advance_to("2026-01-01T00:32:00Z");
    // An immediate sync would start a Job for 00:30; the controller instead waits for
    // the new schedule's next time after the most recent one.
    lab.modify_spec("cj", |s| s.schedule = "*/5 * * * *".into());
    assert!(lab.job_names().is_empty());
    lab.advance_to("2026-01-01T00:35:00.099Z");
    assert!(lab.job_names().is_empty());
    lab.advance_to("2026-01-01T00:35:00.100Z");
    assert_eq!(lab.job_names(), [job_name("cj", "2026-01-01T00:35:00Z")]);
    // The old schedule's wake-up (01:00:00.1) is a no-op: only the 01:00 Job of the new
    // schedule exists then, created once.
    lab.advance_to("2026-01-01T01:00:00.100Z");
    assert_eq!(lab.events("SuccessfulCreate").len(), 6);
}

#[test]
fn time_zone_schedule_and_annotation_trap_t9_fact_111() {
    let mut lab = Lab::at("2026-01-01T00:00:00Z");
    let mut cj = cronjob("tokyo", "0 9 * * *", lab.now());
    cj.spec.as_mut().unwrap().time_zone = Some("Asia/Tokyo".into());
    lab.create(cj);
    // 09:00 JST on 2026-01-02 = 00:00 UTC.
    lab.advance_to("2026-01-02T00:00:00.100Z");
    let name = job_name("tokyo", "2026-01-02T00:00:00Z");
    assert_eq!(lab.job_names(), [name.as_str()]);
    let ann = lab.job(&name).unwrap().metadata.annotations.unwrap();
    assert_eq!(
        ann["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-02T09:00:00+09:00"
    );
}

#[test]
fn dst_gap_skips_and_overlap_runs_twice_trap_t24_fact_89() {
    // 02:30 does not exist in New York on 2024-03-10.
    let mut lab = Lab::at("2024-03-09T12:00:00Z");
    let mut cj = cronjob("spring", "30 2 * * *", lab.now());
    cj.spec.as_mut().unwrap().time_zone = Some("America/New_York".into());
    lab.create(cj);
    lab.advance_to("2024-03-12T00:00:00Z");
    assert_eq!(
        lab.job_names(),
        [job_name("spring", "2024-03-11T06:30:00Z")]
    );
    // 01:30 happens twice on 2024-11-03: EDT then EST.
    let mut lab = Lab::at("2024-11-02T12:00:00Z");
    let mut cj = cronjob("fall", "30 1 * * *", lab.now());
    cj.spec.as_mut().unwrap().time_zone = Some("America/New_York".into());
    cj.spec.as_mut().unwrap().successful_jobs_history_limit = Some(5);
    lab.create(cj);
    lab.advance_to("2024-11-03T12:00:00Z");
    let first = job_name("fall", "2024-11-03T05:30:00Z");
    let second = job_name("fall", "2024-11-03T06:30:00Z");
    assert_eq!(lab.job_names(), [first.clone(), second.clone()]);
    let stamp = |n: &str| {
        lab.job(n).unwrap().metadata.annotations.unwrap()
            ["batch.kubernetes.io/cronjob-scheduled-timestamp"]
            .clone()
    };
    assert_eq!(stamp(&first), "2024-11-03T01:30:00-04:00");
    assert_eq!(stamp(&second), "2024-11-03T01:30:00-05:00");
}

#[test]
fn yearly_schedule_costs_one_wake_up_per_year() {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    // Past the bootstrap events' expiry, so nothing else is pending.
    lab.advance_to("2026-01-01T02:00:00Z");
    lab.create(cronjob("yearly", "@yearly", lab.now()));
    let instants = lab.c.stats.instants;
    lab.advance_to("2026-12-31T23:00:00Z");
    assert!(lab.job_names().is_empty());
    // Nothing happened in between: the one timer is set for the schedule itself.
    assert_eq!(lab.c.stats.instants, instants);
    lab.advance_to("2027-01-01T00:00:00.100Z");
    assert_eq!(
        lab.job_names(),
        [job_name("yearly", "2027-01-01T00:00:00Z")]
    );
}

/// The benchmark shape (`*/1`, `sleep 30` pods, default history limits) over a
/// simulated span: every minute gets its Job, and what the store holds stays flat however
/// many Jobs have finished. A year is the release benchmark (`--ignored`).
fn minutely_for(days: i64) -> (usize, usize) {
    let mut lab = Lab::at("2026-01-01T00:00:30Z");
    lab.create(cronjob("minutely", "*/1 * * * *", lab.now()));
    let mut peak = 0;
    for day in 0..days {
        let end = t("2026-01-01T00:00:30Z") + SimDuration::from_secs((day + 1) * 86_400);
        while lab.now() < end {
            lab.c.advance(SimDuration::from_secs(3600)).unwrap();
            let store = &lab.c.world.store;
            // Events come and go with their one-hour TTL; count what the Jobs leave behind.
            peak = peak.max(store.total_objects() - store.count(Kind::Event));
        }
    }
    (
        lab.status("minutely").last_schedule_time.map_or(0, |t| {
            ((SimTime::from_chrono(t.0) - t_start()).secs() / 60) as usize
        }),
        peak,
    )
}

fn t_start() -> SimTime {
    t("2026-01-01T00:00:00Z")
}

#[test]
fn a_day_of_minutely_jobs_keeps_the_store_flat() {
    let (minutes, peak) = minutely_for(1);
    assert_eq!(minutes, 1440);
    assert!(peak < 40, "peak {peak} objects");
}

#[test]
#[ignore = "release benchmark: cargo test --release -- --ignored a_year_of_minutely"]
fn a_year_of_minutely_jobs_keeps_the_store_flat() {
    let (minutes, peak) = minutely_for(365);
    assert_eq!(minutes, 525_600);
    assert!(peak < 40, "peak {peak} objects");
}
