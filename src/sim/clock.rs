//! Virtual time: instants and durations in milliseconds, RFC 3339 in and out.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use std::fmt;
use std::ops::{Add, Sub};

/// An instant of simulated time: milliseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct SimTime(pub i64);

/// A span of simulated time in milliseconds (may be negative when subtracting instants).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct SimDuration(pub i64);

/// Where a fresh cluster's clock starts (DESIGN.md).
pub const DEFAULT_START: &str = "2026-01-01T00:00:00Z";

impl SimTime {
    pub fn from_secs(secs: i64) -> Self {
        SimTime(secs * 1000)
    }
    /// Parses RFC 3339 (`2026-01-01T00:01:00Z`, offsets accepted).
    pub fn parse(text: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| SimTime(t.timestamp_millis()))
            .map_err(|e| {
                format!("invalid time {text:?} (want RFC 3339 such as 2026-01-01T00:00:00Z): {e}")
            })
    }
    pub fn to_chrono(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or_default()
    }
    pub fn from_chrono(t: DateTime<Utc>) -> Self {
        SimTime(t.timestamp_millis())
    }
    /// Whole seconds, as the API server stores object timestamps.
    pub fn truncate_to_secs(self) -> Self {
        SimTime(self.0.div_euclid(1000) * 1000)
    }
    /// RFC 3339 with whole seconds and `Z`, the form objects' timestamps take.
    pub fn rfc3339(self) -> String {
        self.to_chrono().to_rfc3339_opts(SecondsFormat::Secs, true)
    }
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub fn from_secs(secs: i64) -> Self {
        SimDuration(secs.saturating_mul(1000))
    }
    pub fn from_millis(ms: i64) -> Self {
        SimDuration(ms)
    }
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for SimDuration {
    /// Compact form used in messages: `1h2m3s`, `90s` stays `1m30s`, `250ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        if ms < 0 {
            f.write_str("-")?;
        }
        let ms = ms.unsigned_abs();
        if ms < 1000 {
            return write!(f, "{ms}ms");
        }
        let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if rest > 0 {
            write!(f, "{s}.{rest:03}s")
        } else if s > 0 {
            write!(f, "{s}s")
        } else {
            Ok(())
        }
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, other: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;
    fn sub(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_sub(d.0))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

/// Parses a duration: `"90s"`, `"5m30s"`, `"1h"`, `"1h30m"`, `"2d"`, `"250ms"`, or a bare
/// number of seconds (`"30"`). Units may repeat in any order, as Go's `time.ParseDuration` allows.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let s = text.trim();
    let bad = || {
        format!("invalid duration {text:?} (want e.g. \"90s\", \"5m30s\", \"1h\", \"2d\" or a number of seconds)")
    };
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = s.parse::<i64>() {
        return Ok(SimDuration::from_secs(secs));
    }
    let (negative, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit_ms: f64 = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        let part = number * unit_ms;
        if !part.is_finite() || part > 1e17 {
            return Err(format!("duration {text:?} is too long"));
        }
        total = total
            // Rounded: `32.178` × 1000 is 32177.99… in binary floating point.
            .checked_add(part.round() as i64)
            .ok_or_else(|| format!("duration {text:?} is too long"))?;
    }
    Ok(SimDuration(if negative { -total } else { total }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_documented_form() {
        assert_eq!(parse_duration("90s").unwrap(), SimDuration::from_secs(90));
        assert_eq!(
            parse_duration("5m30s").unwrap(),
            SimDuration::from_secs(330)
        );
        assert_eq!(parse_duration("1h").unwrap(), SimDuration::from_secs(3600));
        assert_eq!(
            parse_duration("1h30m").unwrap(),
            SimDuration::from_secs(5400)
        );
        assert_eq!(
            parse_duration("365d").unwrap(),
            SimDuration::from_secs(365 * 86400)
        );
        assert_eq!(
            parse_duration("250ms").unwrap(),
            SimDuration::from_millis(250)
        );
        assert_eq!(
            parse_duration("1.5s").unwrap(),
            SimDuration::from_millis(1500)
        );
        assert_eq!(parse_duration("42").unwrap(), SimDuration::from_secs(42));
    }

    #[test]
    fn bad_durations_are_errors_not_panics() {
        for bad in [
            "",
            "s",
            "5x",
            "1h-",
            "m5",
            "9999999999999999999d",
            "1e400s",
            "--1s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn times_round_trip_through_rfc3339_with_whole_seconds() {
        let t = SimTime::parse("2026-01-01T00:01:00Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-01-01T00:01:00Z");
        assert_eq!(
            (t + SimDuration::from_millis(1500)).rfc3339(),
            "2026-01-01T00:01:01Z"
        );
    }

    #[test]
    fn durations_display_compactly() {
        assert_eq!(SimDuration::from_secs(90).to_string(), "1m30s");
        assert_eq!(SimDuration::from_millis(100).to_string(), "100ms");
        assert_eq!(SimDuration::from_secs(7200).to_string(), "2h");
    }
}
