//! `kubectl describe` for Jobs and CronJobs (kubectl `describe.go` `describeJob`,
//! `describeCronJob`, `describeJobTemplate`; facts 72, 120).

use super::common::{annotations, controlled_by, events, labels, pod_template};
use super::writer::{Writer, LEVEL_0};
use crate::print::duration::human_duration;
use crate::print::format::{bool_ptr, rfc1123z, selector_string};
use crate::sim::SimTime;
use k8s_openapi::api::batch::v1::{CronJob, Job, JobTemplateSpec};
use k8s_openapi::api::core::v1::Event;

pub fn job(job: &Job, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    let spec = job.spec.clone().unwrap_or_default();
    let st = job.status.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", job.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Namespace:\t{}\n",
            job.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    w.write(
        LEVEL_0,
        &format!("Selector:\t{}\n", selector_string(spec.selector.as_ref())),
    );
    labels(&mut w, "Labels", job.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", job.metadata.annotations.as_ref());
    if let Some(c) = controlled_by(&job.metadata) {
        w.write(LEVEL_0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = spec.parallelism {
        w.write(LEVEL_0, &format!("Parallelism:\t{p}\n"));
    }
    match spec.completions {
        Some(c) => w.write(LEVEL_0, &format!("Completions:\t{c}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = &spec.completion_mode {
        w.write(LEVEL_0, &format!("Completion Mode:\t{m}\n"));
    }
    if let Some(s) = spec.suspend {
        w.write(LEVEL_0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec.backoff_limit {
        w.write(LEVEL_0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec.ttl_seconds_after_finished {
        w.write(LEVEL_0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if let Some(t) = &st.start_time {
        w.write(LEVEL_0, &format!("Start Time:\t{}\n", rfc1123z(Some(t))));
    }
    if let Some(t) = &st.completion_time {
        w.write(LEVEL_0, &format!("Completed At:\t{}\n", rfc1123z(Some(t))));
    }
    if let (Some(start), Some(done)) = (&st.start_time, &st.completion_time) {
        let d = SimTime::from_chrono(done.0) - SimTime::from_chrono(start.0);
        w.write(LEVEL_0, &format!("Duration:\t{}\n", human_duration(d)));
    }
    if let Some(a) = spec.active_deadline_seconds {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    let (active, succeeded, failed) = (
        st.active.unwrap_or(0),
        st.succeeded.unwrap_or(0),
        st.failed.unwrap_or(0),
    );
    match st.ready {
        None => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")),
        Some(r) => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active ({r} Ready) / {succeeded} Succeeded / {failed} Failed\n")),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        w.write(
            LEVEL_0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(st.completed_indexes.as_deref().unwrap_or(""), 50)
            ),
        );
    }
    pod_template(&mut w, &spec.template);
    events(&mut w, evs, now);
    w.finish()
}

/// `capIndexesListOrNone`: cut after the first comma past the soft limit, with `...`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    let b = indexes.as_bytes();
    let mut ix = soft_limit;
    while ix < b.len() && b[ix] != b',' {
        ix += 1;
    }
    if ix >= b.len() {
        return indexes.into();
    }
    format!("{}...", &indexes[..=ix])
}

pub fn cronjob(cj: &CronJob, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    let spec = cj.spec.clone().unwrap_or_default();
    let st = cj.status.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", cj.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Namespace:\t{}\n",
            cj.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    labels(&mut w, "Labels", cj.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", cj.metadata.annotations.as_ref());
    w.write(LEVEL_0, &format!("Schedule:\t{}\n", spec.schedule));
    w.write(
        LEVEL_0,
        &format!(
            "Concurrency Policy:\t{}\n",
            spec.concurrency_policy.clone().unwrap_or_default()
        ),
    );
    w.write(LEVEL_0, &format!("Suspend:\t{}\n", bool_ptr(spec.suspend)));
    let opt = |v: Option<i32>| v.map_or("<unset>".to_string(), |v| v.to_string());
    w.write(
        LEVEL_0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            opt(spec.successful_jobs_history_limit)
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            opt(spec.failed_jobs_history_limit)
        ),
    );
    match spec.starting_deadline_seconds {
        Some(s) => w.write(LEVEL_0, &format!("Starting Deadline Seconds:\t{s}s\n")),
        None => w.write(LEVEL_0, "Starting Deadline Seconds:\t<unset>\n"),
    }
    job_template(&mut w, &spec.job_template);
    match &st.last_schedule_time {
        Some(t) => w.write(
            LEVEL_0,
            &format!("Last Schedule Time:\t{}\n", rfc1123z(Some(t))),
        ),
        None => w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Active Jobs:\t");
    let active: Vec<String> = st
        .active
        .iter()
        .flatten()
        .map(|r| r.name.clone().unwrap_or_default())
        .collect();
    if active.is_empty() {
        w.line("<none>");
    } else {
        w.write(LEVEL_0, &active.join(", "));
        w.line("");
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `describeJobTemplate`.
fn job_template(w: &mut Writer, t: &JobTemplateSpec) {
    let spec = t.spec.clone().unwrap_or_default();
    match &spec.selector {
        Some(sel) => w.write(
            LEVEL_0,
            &format!("Selector:\t{}\n", selector_string(Some(sel))),
        ),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    match spec.parallelism {
        Some(p) => w.write(LEVEL_0, &format!("Parallelism:\t{p}\n")),
        None => w.write(LEVEL_0, "Parallelism:\t<unset>\n"),
    }
    match spec.completions {
        Some(c) => w.write(LEVEL_0, &format!("Completions:\t{c}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(a) = spec.active_deadline_seconds {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    pod_template(w, &spec.template);
}
