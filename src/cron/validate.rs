//! The 1.32 API server's create-time checks on `spec.schedule` and
//! `spec.timeZone` (`validateCronJobSpec`, `validateScheduleFormat`,
//! `validateTimeZone` in pkg/apis/batch/validation), with `field.Error`'s
//! wording, so klab can answer `kubectl apply` the way a cluster does.

use super::go_quote::strconv_quote;
use super::parse::parse_standard;
use super::tz::load_location;

type FieldErrors = Vec<(String, String)>;

pub(crate) fn validate(schedule: &str, time_zone: Option<&str>) -> Result<(), FieldErrors> {
    let mut errs = Vec::new();
    validate_schedule(schedule, &mut errs);
    validate_time_zone(time_zone, &mut errs);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

fn invalid(field: &str, value: &str, detail: &str) -> (String, String) {
    (
        field.to_string(),
        format!("Invalid value: {}: {detail}", strconv_quote(value)),
    )
}

fn validate_schedule(schedule: &str, errs: &mut FieldErrors) {
    const FIELD: &str = "spec.schedule";
    if schedule.is_empty() {
        errs.push((FIELD.to_string(), "Required value".to_string()));
        return;
    }
    // Both checks run: a bad TZ prefix reports the parse error and the ban.
    if let Err(e) = parse_standard(schedule) {
        errs.push(invalid(FIELD, schedule, &e));
    }
    // On create there is no old schedule that could grandfather a TZ (fact 92).
    if schedule.contains("TZ") {
        errs.push(invalid(
            FIELD,
            schedule,
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ));
    }
}

fn validate_time_zone(time_zone: Option<&str>, errs: &mut FieldErrors) {
    const FIELD: &str = "spec.timeZone";
    let Some(tz) = time_zone else { return };
    if tz.is_empty() {
        errs.push(invalid(
            FIELD,
            tz,
            "timeZone must be nil or non-empty string",
        ));
        return;
    }
    // IANA naming rules, per "/"-separated component: ^[A-Za-z.\-_0-9+]{1,14}$
    let bad_part = tz.split('/').any(|part| {
        part == "."
            || part == ".."
            || part.starts_with('-')
            || !(1..=14).contains(&part.len())
            || !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    });
    if bad_part {
        errs.push(invalid(FIELD, tz, &format!("unknown time zone {tz}")));
        return;
    }
    if tz.eq_ignore_ascii_case("Local") {
        errs.push(invalid(
            FIELD,
            tz,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if let Err(e) = load_location(tz) {
        errs.push(invalid(FIELD, tz, &e));
    }
}
