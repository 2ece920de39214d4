//! Kubernetes' CronJob schedule dialect: robfig/cron v3.0.1 `ParseStandard`
//! (five fields, dow 0–6, names, `?`, `*/N`, descriptors, `@every`, and the
//! `TZ=`/`CRON_TZ=` prefix), its `Next()` search including DST behaviour,
//! and the API server's validation of `spec.schedule` / `spec.timeZone`.
//!
//! Ported from the Go sources rather than built on a Rust cron crate,
//! because the dialects differ where it matters (dom/dow OR, the star bit,
//! dow 7, error texts); see the traps T1–T3 in the reference notes.

mod go_duration;
mod go_quote;
mod go_time;
mod next;
mod parse;
mod tz;
mod validate;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
pub use chrono_tz::Tz;

use parse::Kind;

/// A parsed schedule (5-field spec, macro, or `@every`).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    kind: Kind,
}

impl Schedule {
    /// robfig v3 `ParseStandard`. `Err` is robfig's exact error text, e.g.
    /// "expected exactly 5 fields, found 6: [0 * * * * *]".
    ///
    /// `spec` may carry a "TZ=Zone " / "CRON_TZ=Zone " prefix as robfig
    /// allows (the CronJob controller builds "TZ=<spec.timeZone> <schedule>").
    /// Where robfig panics (a prefix with no space after it), this returns
    /// the text Kubernetes' panic recovery reports instead.
    pub fn parse(spec: &str) -> Result<Schedule, String> {
        parse::parse_standard(spec).map(|kind| Schedule { kind })
    }

    /// The first fire time strictly after `after`, in UTC; `None` when robfig
    /// returns the zero time (no match within 5 years). A spec without a TZ
    /// prefix is read in UTC, the simulated controller-manager's zone.
    pub fn next(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_in(after, None)
    }

    /// Like [`Schedule::next`], with `local` as the zone to read the fields
    /// in when the spec has no TZ prefix (Go's `time.Local`; `None` = UTC).
    /// A TZ prefix always wins.
    pub fn next_in(&self, after: DateTime<Utc>, local: Option<Tz>) -> Option<DateTime<Utc>> {
        match &self.kind {
            Kind::Spec(spec) => spec.next(after, local.unwrap_or(Tz::UTC)),
            // ConstantDelaySchedule: truncate to the second, add the delay.
            Kind::Every { delay_secs } => {
                DateTime::from_timestamp(after.timestamp().checked_add(*delay_secs)?, 0)
            }
        }
    }

    /// Up to `n` successive fire times after `after` (UTC fields when no TZ
    /// prefix); stops early at the first `None`.
    pub fn next_n(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(n);
        let mut t = after;
        while out.len() < n {
            match self.next(t) {
                Some(next) => {
                    out.push(next);
                    t = next;
                }
                None => break,
            }
        }
        out
    }

    /// Whether this is an `@every` schedule (runs relative to the last run
    /// rather than on the clock).
    pub fn is_every(&self) -> bool {
        matches!(self.kind, Kind::Every { .. })
    }
}

/// What the 1.32 API server's validation says about (spec.schedule,
/// spec.timeZone) on create: `Ok`, or `Err((field_path, message))` exactly as
/// kubectl prints the cause after "The CronJob \"x\" is invalid: ", e.g.
/// ("spec.schedule", "Invalid value: \"*/0 * * * *\": step of range should be a positive number: */0"),
/// ("spec.timeZone", "Invalid value: \"Mars/Phobos\": unknown time zone Mars/Phobos"),
/// ("spec.schedule", "Required value").
pub fn validate(schedule: &str, time_zone: Option<&str>) -> Result<(), Vec<(String, String)>> {
    validate::validate(schedule, time_zone)
}

/// The controller's view (`formatSchedule`): parse "TZ=<zone> <schedule>"
/// when a zone is given, else the bare schedule. A schedule that itself
/// contains "TZ" (only possible on objects created before the ban) is used
/// as is, as the controller does. An unloadable zone comes back as robfig's
/// "provided bad location" error; the real controller reports it first as an
/// `UnknownTimeZone` event and never schedules.
pub fn for_cronjob(schedule: &str, time_zone: Option<&str>) -> Result<Schedule, String> {
    match time_zone {
        Some(zone) if !schedule.contains("TZ") => Schedule::parse(&format!("TZ={zone} {schedule}")),
        _ => Schedule::parse(schedule),
    }
}

/// Go's `time.LoadLocation(name)` as the CronJob controller calls it on
/// `spec.timeZone` before every sync: `Err` is Go's text, e.g.
/// "unknown time zone Mars/Phobos" (the `UnknownTimeZone` event's detail).
pub fn load_time_zone(name: &str) -> Result<(), String> {
    tz::load_location(name).map(|_| ())
}

/// Go's `%q` (strconv.Quote), for event messages that quote user text.
pub fn go_quote(s: &str) -> String {
    go_quote::strconv_quote(s)
}
