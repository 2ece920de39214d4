//! Just enough of Go's `time.Time` for robfig's `Next`: an instant plus a
//! zone, wall-clock fields read in that zone, and Go's `time.Date`
//! normalisation. Next's DST behaviour (skipped and doubled wall times) falls
//! out of mixing instant arithmetic (`Add`) with wall-clock rebuilding
//! (`Date`, `AddDate`), so both are reproduced exactly, not approximated.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// A whole-second instant with the zone its fields are read in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GoTime {
    unix: i64,
    tz: Tz,
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday, as Go's `Weekday()`.
    pub weekday: u32,
}

impl GoTime {
    pub fn from_unix(unix: i64, tz: Tz) -> GoTime {
        let local = unix + offset_at(tz, unix);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        GoTime {
            unix,
            tz,
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7) as u32, // 1970-01-01 was a Thursday
        }
    }

    /// Go's `time.Date(year, month, day, hour, min, sec, 0, loc)`: out-of-range
    /// fields roll over, then the wall time is resolved in `tz` the way Go
    /// does it (offset at the wall time read as UTC, re-checked once), which
    /// decides where nonexistent and repeated wall times land.
    pub fn date(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64, tz: Tz) -> GoTime {
        let m0 = month - 1;
        let year = year + m0.div_euclid(12);
        let month = m0.rem_euclid(12) + 1;
        let days = days_from_civil(year, month, 1) + (day - 1);
        let unix = days * 86_400 + hour * 3600 + min * 60 + sec;
        let guess = offset_at(tz, unix);
        GoTime::from_unix(unix - offset_at(tz, unix - guess), tz)
    }

    /// Go's `t.AddDate(y, m, d)`: rebuilds the wall clock via `Date`.
    pub fn add_date(self, years: i64, months: i64, days: i64) -> GoTime {
        GoTime::date(
            self.year + years,
            i64::from(self.month) + months,
            i64::from(self.day) + days,
            i64::from(self.hour),
            i64::from(self.minute),
            i64::from(self.second),
            self.tz,
        )
    }

    /// Go's `t.Add(d)`: instant arithmetic, blind to the wall clock.
    pub fn add_secs(self, secs: i64) -> GoTime {
        GoTime::from_unix(self.unix + secs, self.tz)
    }

    /// Go's `t.Truncate(d)`: rounds the instant (not the wall clock) down.
    pub fn truncate(self, secs: i64) -> GoTime {
        GoTime::from_unix(self.unix - self.unix.rem_euclid(secs), self.tz)
    }

    pub fn to_utc(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.unix, 0)
    }
}

/// Offset (seconds east of UTC) in force at an instant. Instants outside
/// chrono's range are clamped; such years never produce a result anyway.
fn offset_at(tz: Tz, unix: i64) -> i64 {
    let lo = DateTime::<Utc>::MIN_UTC.timestamp();
    let hi = DateTime::<Utc>::MAX_UTC.timestamp();
    let Some(utc) = DateTime::from_timestamp(unix.clamp(lo, hi), 0) else {
        return 0;
    };
    i64::from(
        tz.offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_782, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn date_normalises_overflowing_fields_like_go() {
        // 2024-01-31 + 1 month = "2024-02-31" = 2024-03-02.
        let t = GoTime::date(2024, 1, 31, 0, 0, 0, Tz::UTC).add_date(0, 1, 0);
        assert_eq!((t.year, t.month, t.day), (2024, 3, 2));
        let t = GoTime::date(2024, 13, 1, 0, 0, 0, Tz::UTC);
        assert_eq!((t.year, t.month, t.day), (2025, 1, 1));
    }

    #[test]
    fn date_resolves_gap_and_overlap_like_go() {
        let ny = Tz::America__New_York;
        // 02:30 does not exist on 2024-03-10; Go lands on 01:30 EST (06:30Z).
        let t = GoTime::date(2024, 3, 10, 2, 30, 0, ny);
        assert_eq!(t.unix, 1_710_052_200);
        assert_eq!((t.hour, t.minute), (1, 30));
        // 01:30 happens twice on 2024-11-03; Go picks the first (EDT, 05:30Z).
        let t = GoTime::date(2024, 11, 3, 1, 30, 0, ny);
        assert_eq!(t.unix, 1_730_611_800);
    }
}
