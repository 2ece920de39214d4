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
    let tz_problems = match validate_schedule(&spec.schedule, spec.time_zone.as_deref()) {
        Ok(()) => vec![],
        Err(problems) => problems,
    };
    if spec.schedule.is_empty() {
        errs.push(field::required(&path.child("schedule"), ""));
    } else {
        for (_, msg) in tz_problems.iter().filter(|(f, _)| f == "schedule") {
            errs.push(field::invalid(
                &path.child("schedule"),
                Value::str(&spec.schedule),
                msg,
            ));
        }
        // A schedule that already had TZ= may keep it on update (`allowTZInSchedule`).
        let allow_tz = old.is_some_and(|o| o.schedule.contains("TZ"));
        if allow_tz && spec.schedule.contains("TZ") && spec.time_zone.is_some() {
            errs.push(field::invalid(
                &path.child("schedule"),
                Value::str(&spec.schedule),
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && spec.schedule.contains("TZ") {
            errs.push(field::invalid(
                &path.child("schedule"),
                Value::str(&spec.schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    if let Some(d) = spec.starting_deadline_seconds.filter(|d| *d < 0) {
        errs.push(field::invalid(
            &path.child("startingDeadlineSeconds"),
            Value::int(d),
            NONNEGATIVE,
        ));
    }
    if old.is_none_or(|o| o.time_zone != spec.time_zone) {
        for (_, msg) in tz_problems.iter().filter(|(f, _)| f == "timeZone") {
            errs.push(field::invalid(
                &path.child("timeZone"),
                Value::opt_str(spec.time_zone.as_deref()),
                msg,
            ));
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

/// Problems with a schedule and time zone as `(field, detail)` pairs, `field` being
/// `"schedule"` or `"timeZone"` under the CronJob's spec and `detail` what follows the
/// `Invalid value: "<value>": ` part of the API server's message.
// TODO(cron): call crate::cron::validate — this basic robfig/cron `ParseStandard` check
// (fields, ranges, names, steps, descriptors) stands in until that module is merged.
fn validate_schedule(schedule: &str, time_zone: Option<&str>) -> Result<(), Vec<(String, String)>> {
    let mut problems = Vec::new();
    if !schedule.is_empty() {
        if let Err(e) = parse_standard(schedule) {
            problems.push(("schedule".to_string(), e));
        }
    }
    if let Some(tz) = time_zone {
        if let Some(e) = time_zone_problem(tz) {
            problems.push(("timeZone".to_string(), e));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// `validateTimeZone`.
fn time_zone_problem(tz: &str) -> Option<String> {
    if tz.is_empty() {
        return Some("timeZone must be nil or non-empty string".into());
    }
    let part_ok = |p: &str| {
        p != "."
            && p != ".."
            && !p.starts_with('-')
            && (1..=14).contains(&p.len())
            && p.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b".-_+".contains(&c))
    };
    if !tz.split('/').all(part_ok) {
        return Some(format!("unknown time zone {tz}"));
    }
    if tz.eq_ignore_ascii_case("Local") {
        return Some(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        );
    }
    if tz.parse::<chrono_tz::Tz>().is_err() {
        return Some(format!("unknown time zone {tz}"));
    }
    None
}

/// robfig/cron v3 `ParseStandard`: five fields or a descriptor; the error texts are the
/// library's.
fn parse_standard(spec: &str) -> Result<(), String> {
    let mut spec = spec.to_string();
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let eq = spec.find('=').unwrap_or(0);
        let Some(space) = spec.find(' ') else {
            return Err(format!(
                "provided bad location {}: unknown time zone {}",
                &spec[eq + 1..],
                &spec[eq + 1..]
            ));
        };
        let name = spec[eq + 1..space].to_string();
        if name.parse::<chrono_tz::Tz>().is_err() && name != "UTC" && name != "Local" {
            return Err(format!(
                "provided bad location {name}: unknown time zone {name}"
            ));
        }
        spec = spec[space..].trim().to_string();
    }
    if let Some(descriptor) = spec.strip_prefix('@') {
        return match descriptor {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => {
                Ok(())
            }
            d if d.starts_with("every ") => go_duration(&d["every ".len()..])
                .map_err(|e| format!("failed to parse duration {spec}: {e}")),
            _ => Err(format!("unrecognized descriptor: {spec}")),
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let bounds: [(u64, u64, &[&str], u64); 5] = [
        (0, 59, &[], 0),
        (0, 23, &[], 0),
        (1, 31, &[], 0),
        (1, 12, MONTHS, 1),
        (0, 6, DAYS, 0),
    ];
    for (field, (min, max, names, base)) in fields.iter().zip(bounds) {
        for expr in field.split(',') {
            range(expr, min, max, names, base)?;
        }
    }
    Ok(())
}

/// robfig `getRange`.
fn range(expr: &str, min: u64, max: u64, names: &[&str], base: u64) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        (min, max)
    } else {
        let start = int_or_name(low_high[0], names, base)?;
        match low_high.len() {
            1 => (start, start),
            2 => (start, int_or_name(low_high[1], names, base)?),
            _ => return Err(format!("too many hyphens: {expr}")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = must_parse_int(range_and_step[1])?;
            if low_high.len() == 1 {
                end = max;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({min}): {expr}"
        ));
    }
    if end > max {
        return Err(format!(
            "end of range ({end}) above maximum ({max}): {expr}"
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

fn int_or_name(expr: &str, names: &[&str], base: u64) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        Some(i) => Ok(i as u64 + base),
        None => must_parse_int(expr),
    }
}

fn must_parse_int(expr: &str) -> Result<u64, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {}: invalid syntax",
            super::gofmt::quote(expr)
        ));
    }
    match expr.parse::<i64>() {
        Err(_) => Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {}: value out of range",
            super::gofmt::quote(expr)
        )),
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        Ok(n) => Ok(n as u64),
    }
}

/// Go's `time.ParseDuration` (accepts what it accepts; the error is Go's).
fn go_duration(s: &str) -> Result<(), String> {
    let invalid = || format!("time: invalid duration {}", super::gofmt::quote(s));
    let mut rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    if rest == "0" {
        return Ok(());
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .count();
        if num_len == 0 || rest[..num_len] == *"." {
            return Err(invalid());
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|c| !c.is_ascii_digit() && *c != b'.')
            .count();
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                super::gofmt::quote(s)
            ));
        }
        let unit = &rest[..unit_len];
        if !["ns", "us", "µs", "μs", "ms", "s", "m", "h"].contains(&unit) {
            return Err(format!(
                "time: unknown unit {} in duration {}",
                super::gofmt::quote(unit),
                super::gofmt::quote(s)
            ));
        }
        rest = &rest[unit_len..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_checked_like_robfig_cron_facts_79_to_85() {
        assert_eq!(parse_standard("*/1 * * * *"), Ok(()));
        assert_eq!(
            parse_standard("0 * * * * *"),
            Err("expected exactly 5 fields, found 6: [0 * * * * *]".into())
        );
        assert_eq!(
            parse_standard("0 0 * * 7"),
            Err("end of range (7) above maximum (6): 7".into())
        );
        assert_eq!(
            parse_standard("*/0 * * * *"),
            Err("step of range should be a positive number: */0".into())
        );
        assert_eq!(
            parse_standard("5-1 * * * *"),
            Err("beginning of range (5) beyond end of range (1): 5-1".into())
        );
        assert_eq!(
            parse_standard("0 0 0 * *"),
            Err("beginning of range (0) below minimum (1): 0".into())
        );
        assert_eq!(
            parse_standard("0 0 * * Sunday"),
            Err(
                "failed to parse int from Sunday: strconv.Atoi: parsing \"Sunday\": invalid syntax"
                    .into()
            )
        );
        assert_eq!(parse_standard("0 0 * * MON-FRI"), Ok(()));
        assert_eq!(
            parse_standard("@Daily"),
            Err("unrecognized descriptor: @Daily".into())
        );
        assert_eq!(parse_standard("@every 5m"), Ok(()));
    }

    #[test]
    fn time_zones_must_be_known() {
        assert_eq!(time_zone_problem("Asia/Seoul"), None);
        assert_eq!(
            time_zone_problem("Mars/Olympus"),
            Some("unknown time zone Mars/Olympus".into())
        );
        assert!(time_zone_problem("Local").is_some());
    }
}
