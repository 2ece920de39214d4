//! Script API: `schedule_next(schedule, after, n[, time_zone])` — when a CronJob with this
//! schedule would fire, from the cron module (robfig/cron v3 as Kubernetes uses it).

use super::api::{fail, RhaiResult};
use crate::sim::SimTime;
use rhai::{Array, Dynamic, Engine, INT};

/// The most fire times one call returns.
const MAX_TIMES: INT = 10_000;

pub(super) fn register(engine: &mut Engine) {
    engine.register_fn("schedule_next", |schedule: &str, after: &str, n: INT| {
        schedule_next(schedule, after, n, None)
    });
    engine.register_fn(
        "schedule_next",
        |schedule: &str, after: &str, n: INT, time_zone: &str| {
            schedule_next(schedule, after, n, Some(time_zone))
        },
    );
}

/// The next `n` fire times strictly after `after`, RFC 3339 in UTC. An invalid schedule or
/// zone is the API server's validation error (`spec.schedule: Invalid value: …`).
fn schedule_next(
    schedule: &str,
    after: &str,
    n: INT,
    time_zone: Option<&str>,
) -> RhaiResult<Array> {
    if !(0..=MAX_TIMES).contains(&n) {
        return Err(fail(format!(
            "schedule_next: n must be between 0 and {MAX_TIMES}, got {n}"
        )));
    }
    let after = SimTime::parse(after).map_err(|e| fail(format!("schedule_next: {e}")))?;
    if let Err(causes) = crate::cron::validate(schedule, time_zone) {
        let lines: Vec<String> = causes
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect();
        return Err(fail(if lines.len() == 1 {
            lines[0].clone()
        } else {
            lines
                .iter()
                .map(|l| format!("* {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        }));
    }
    let parsed = crate::cron::for_cronjob(schedule, time_zone)
        .map_err(|e| fail(format!("schedule_next: {e}")))?;
    let mut times = Array::new();
    let mut t = after.to_chrono();
    while (times.len() as INT) < n {
        let Some(next) = parsed.next(t) else { break };
        times.push(Dynamic::from(SimTime::from_chrono(next).rfc3339()));
        t = next;
    }
    Ok(times)
}
