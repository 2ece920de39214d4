//! CronJob (`pkg/apis/batch/validation/validation.go` `ValidateCronJobCreate/Update`,
//! `validateCronJobSpec`, `validateScheduleFormat`, `validateTimeZone`): facts 110, 116, 121.

use super::field::{self, ErrorList, Path, Value};
use super::{job, meta};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec};

const NONNEGATIVE: &str = "must be greater than or equal to 0";

/// On create the name must leave room for the `-<minutes>` suffix of the Jobs (fact 110).
pub fn create(cj: &CronJob) -> ErrorList {
    let mut errs = meta::object_meta(&cj.metadata, true, meta::NameRule::Subdomain);
    errs.extend(spec(
        &cj.spec.clone().unwrap_or_default(),
        None,
        &Path::new("spec"),
    ));
    let name = cj.metadata.name.as_deref().unwrap_or("");
    if name.len() > 52 {
        errs.push(field::invalid(
            &Path::new("metadata").child("name"),
            Value::str(name),
            "must be no more than 52 characters",
        ));
    }
    errs
}

/// On update the 52-character rule is skipped (old, longer names stay updatable).
pub fn update(new: &CronJob, old: &CronJob) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    let old_spec = old.spec.clone().unwrap_or_default();
    errs.extend(spec(
        &new.spec.clone().unwrap_or_default(),
        Some(&old_spec),
        &Path::new("spec"),
    ));
    errs
}

fn spec(spec: &CronJobSpec, old: Option<&CronJobSpec>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    // crate::cron gives the create-time schedule and time-zone causes, in Go's order.
    let causes = crate::cron::validate(&spec.schedule, spec.time_zone.as_deref())
        .err()
        .unwrap_or_default();
    let schedule_path = path.child("schedule").to_string();
    let zone_path = path.child("timeZone").to_string();
    // On update a schedule that already had TZ= may keep it (`allowTZInSchedule`).
    let allow_tz = old.is_some_and(|o| o.schedule.contains("TZ"));
    for (field_path, body) in causes.iter().filter(|(f, _)| *f == schedule_path) {
        if allow_tz && body.ends_with(TZ_BANNED) {
            continue;
        }
        errs.push(field::raw(field_path, body));
    }
    if allow_tz && spec.schedule.contains("TZ") && spec.time_zone.is_some() {
        errs.push(field::invalid(
            &path.child("schedule"),
            Value::str(&spec.schedule),
            "cannot use both timeZone field and TZ or CRON_TZ in schedule",
        ));
    }
    if let Some(d) = spec.starting_deadline_seconds.filter(|d| *d < 0) {
        errs.push(field::invalid(
            &path.child("startingDeadlineSeconds"),
            Value::int(d),
            NONNEGATIVE,
        ));
    }
    // The time zone is checked on create and when an update changes it.
    if old.is_none_or(|o| o.time_zone != spec.time_zone) {
        for (field_path, body) in causes.iter().filter(|(f, _)| *f == zone_path) {
            errs.push(field::raw(field_path, body));
        }
    }
    match spec.concurrency_policy.as_deref().unwrap_or("") {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(field::required(&path.child("concurrencyPolicy"), "")),
        other => errs.push(field::not_supported(
            &path.child("concurrencyPolicy"),
            Value::str(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    errs.extend(job::template_spec(
        &spec.job_template,
        &path.child("jobTemplate"),
    ));
    for (name, value) in [
        (
            "successfulJobsHistoryLimit",
            spec.successful_jobs_history_limit,
        ),
        ("failedJobsHistoryLimit", spec.failed_jobs_history_limit),
    ] {
        if let Some(v) = value.filter(|v| *v < 0) {
            errs.push(field::invalid(
                &path.child(name),
                Value::int(v),
                NONNEGATIVE,
            ));
        }
    }
    errs
}

/// The create-time ban on a time zone inside the schedule (`validateScheduleFormat`).
const TZ_BANNED: &str = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::CronJob;

    fn cronjob(schedule: &str, time_zone: Option<&str>) -> CronJob {
        let mut cj: CronJob = serde_json::from_value(serde_json::json!({
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "c", "namespace": "default"},
            "spec": {"schedule": schedule, "concurrencyPolicy": "Allow", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}],
                "restartPolicy": "OnFailure", "dnsPolicy": "ClusterFirst"}}}}}
        }))
        .unwrap();
        cj.spec.as_mut().unwrap().time_zone = time_zone.map(str::to_string);
        cj
    }

    fn messages(errs: ErrorList) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_time_zone_in_the_schedule_is_refused_on_create_but_kept_on_update_fact_92() {
        let tz = cronjob("TZ=Asia/Seoul 0 9 * * *", None);
        assert_eq!(
            messages(create(&tz)),
            vec![
                r#"spec.schedule: Invalid value: "TZ=Asia/Seoul 0 9 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"#
            ]
        );
        assert!(update(&tz, &tz).is_empty());
        let both = cronjob("TZ=Asia/Seoul 0 9 * * *", Some("Asia/Seoul"));
        assert_eq!(
            messages(update(&both, &tz)),
            vec![
                r#"spec.schedule: Invalid value: "TZ=Asia/Seoul 0 9 * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule"#
            ]
        );
    }

    #[test]
    fn an_unchanged_time_zone_is_not_checked_again_on_update() {
        let zoned = cronjob("0 9 * * *", Some("Asia/Seoul"));
        assert!(create(&zoned).is_empty());
        let mars = cronjob("0 9 * * *", Some("Mars/Olympus"));
        assert!(update(&mars, &mars).is_empty());
        assert_eq!(
            messages(update(&mars, &zoned)),
            vec![r#"spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus"#]
        );
    }
}
