//! The Job a CronJob starts for a schedule time (`getJobFromTemplate2`, facts 109 and 111):
//! named `<cronjob>-<minutes since epoch>`, the jobTemplate's labels and annotations plus
//! the scheduled-timestamp annotation in the CronJob's time zone, a controller reference,
//! and the jobTemplate's spec.

use super::decide::job_name;
use crate::api::Object;
use crate::cron::Tz;
use crate::sim::SimTime;
use chrono::SecondsFormat;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// `batch.kubernetes.io/cronjob-scheduled-timestamp` (GA in 1.32).
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// The schedule time as Go's `time.RFC3339` renders it in `spec.timeZone` (UTC when unset):
/// `2024-05-01T10:01:00Z`, `2024-05-01T19:01:00+09:00`.
pub fn scheduled_timestamp(scheduled: SimTime, time_zone: Option<&str>) -> String {
    let zone: Tz = time_zone.and_then(|z| z.parse().ok()).unwrap_or(Tz::UTC);
    scheduled
        .to_chrono()
        .with_timezone(&zone)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The Job to create for `scheduled`; `None` if `cronjob` is not a CronJob.
pub fn job_for(cronjob: &Object, scheduled: SimTime) -> Option<Job> {
    let cj = cronjob.cron_job()?;
    let spec = cj.spec.as_ref()?;
    let template = &spec.job_template;
    let template_meta = template.metadata.clone().unwrap_or_default();
    let labels = template_meta.labels.filter(|l| !l.is_empty());
    let mut annotations = template_meta.annotations.unwrap_or_default();
    annotations.insert(
        SCHEDULED_TIMESTAMP_ANNOTATION.to_string(),
        scheduled_timestamp(scheduled, spec.time_zone.as_deref()),
    );
    Some(Job {
        metadata: ObjectMeta {
            name: Some(job_name(cronjob.name(), scheduled)),
            namespace: Some(cronjob.namespace().to_string()),
            labels,
            annotations: Some(annotations),
            owner_references: Some(vec![cronjob.controller_ref_to()]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    })
}
