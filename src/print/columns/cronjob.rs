//! `kubectl get cronjobs` on a 1.30+ server (k/k `printers.go` `printCronJob`; fact 119).

use crate::print::format::{bool_ptr, containers_and_images, format_label_selector, since};
use crate::sim::SimTime;
use k8s_openapi::api::batch::v1::CronJob;

pub const HEADERS: &[&str] = &[
    "NAME",
    "SCHEDULE",
    "TIMEZONE",
    "SUSPEND",
    "ACTIVE",
    "LAST SCHEDULE",
    "AGE",
];
pub const WIDE: &[&str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

pub fn row(cj: &CronJob, now: SimTime, wide: bool) -> Vec<String> {
    let spec = cj.spec.as_ref();
    let status = cj.status.as_ref();
    let last = match status.and_then(|s| s.last_schedule_time.as_ref()) {
        Some(t) => since(Some(t), now),
        None => "<none>".into(),
    };
    let mut cells = vec![
        cj.metadata.name.clone().unwrap_or_default(),
        spec.map(|s| s.schedule.clone()).unwrap_or_default(),
        spec.and_then(|s| s.time_zone.clone())
            .unwrap_or_else(|| "<none>".into()),
        bool_ptr(spec.and_then(|s| s.suspend)),
        status
            .and_then(|s| s.active.as_ref())
            .map_or(0, |a| a.len())
            .to_string(),
        last,
        since(cj.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        let job_spec = spec.and_then(|s| s.job_template.spec.as_ref());
        let containers = job_spec
            .and_then(|s| s.template.spec.as_ref())
            .map(|s| s.containers.as_slice())
            .unwrap_or(&[]);
        let (names, images) = containers_and_images(containers);
        cells.extend([
            names,
            images,
            format_label_selector(job_spec.and_then(|s| s.selector.as_ref())),
        ]);
    }
    cells
}
