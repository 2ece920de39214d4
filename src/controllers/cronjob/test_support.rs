//! CronJobs for the tests, built as the API server stores them: every default set by hand
//! (fact 116: concurrencyPolicy Allow, suspend false, history limits 3 and 1) and a
//! jobTemplate whose pod runs `sleep 30` with restartPolicy Never.

use crate::sim::SimTime;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

pub fn cronjob(name: &str, schedule: &str, created: SimTime) -> CronJob {
    CronJob {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            creation_timestamp: Some(Time(created.to_chrono())),
            ..Default::default()
        },
        spec: Some(CronJobSpec {
            schedule: schedule.into(),
            concurrency_policy: Some("Allow".into()),
            suspend: Some(false),
            successful_jobs_history_limit: Some(3),
            failed_jobs_history_limit: Some(1),
            job_template: JobTemplateSpec {
                metadata: None,
                spec: Some(JobSpec {
                    backoff_limit: Some(6),
                    completion_mode: Some("NonIndexed".into()),
                    suspend: Some(false),
                    manual_selector: None,
                    template: PodTemplateSpec {
                        metadata: None,
                        spec: Some(PodSpec {
                            containers: vec![Container {
                                name: name.into(),
                                image: Some("busybox".into()),
                                command: Some(vec!["sleep".into(), "30".into()]),
                                ..Default::default()
                            }],
                            restart_policy: Some("Never".into()),
                            termination_grace_period_seconds: Some(30),
                            ..Default::default()
                        }),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// The same CronJob with the pod's command replaced (e.g. a long `sleep`).
pub fn with_command(mut cj: CronJob, command: &[&str]) -> CronJob {
    let pod = cj
        .spec
        .as_mut()
        .unwrap()
        .job_template
        .spec
        .as_mut()
        .unwrap();
    pod.template.spec.as_mut().unwrap().containers[0].command =
        Some(command.iter().map(|s| s.to_string()).collect());
    cj
}
