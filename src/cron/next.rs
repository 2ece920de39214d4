//! robfig's `SpecSchedule.Next`, ported step for step (including its
//! `goto WRAP`s) on top of `GoTime`, so DST gaps and overlaps come out as in
//! Go: hours and minutes advance by instant arithmetic, days and months by
//! rebuilding the wall clock.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::go_time::GoTime;
use super::parse::{SpecSchedule, STAR_BIT};
use super::tz::Location;

/// Real robfig can loop forever: when a zone skips a whole calendar day
/// (Pacific/Apia skipped 2011-12-30), Go's `time.Date` resolves the missing
/// midnight back onto the previous one, so the day loop's `AddDate(0, 0, 1)`
/// never advances and the year limit is never re-checked. A legitimate search
/// takes a few thousand steps (about 2,200 day steps over six years, plus at
/// most 84 hour and minute steps per matching day), so running out of this
/// budget means "robfig would hang"; we answer `None` (no next time).
const STEP_BUDGET: u32 = 1_000_000;

impl SpecSchedule {
    /// First match strictly after `after`; `local` stands in for Go's
    /// `time.Local` when the spec had no TZ prefix. `None` is robfig's zero
    /// time: nothing within five years.
    pub(crate) fn next(&self, after: DateTime<Utc>, local: Tz) -> Option<DateTime<Utc>> {
        let tz = match self.location {
            Location::Local => local,
            Location::Zone(z) => z,
        };
        // A field with no bits at all (e.g. ","): robfig would grind through
        // five years and give up; answer the same without the grind.
        if self.minute == 0 || self.hour == 0 || self.month == 0 || self.second == 0 {
            return None;
        }
        // Start at the next whole second (strictly after, fact 88).
        let mut t = GoTime::from_unix(after.timestamp().checked_add(1)?, tz);
        let mut added = false;
        let year_limit = t.year + 5;
        let mut budget = STEP_BUDGET;
        let mut step = || {
            budget = budget.saturating_sub(1);
            budget > 0
        };

        'wrap: loop {
            if t.year > year_limit {
                return None;
            }
            while self.month & bit(t.month) == 0 {
                if !step() {
                    return None;
                }
                if !added {
                    added = true;
                    t = GoTime::date(t.year, i64::from(t.month), 1, 0, 0, 0, tz);
                }
                t = t.add_date(0, 1, 0);
                if t.month == 1 {
                    continue 'wrap;
                }
            }
            while !self.day_matches(&t) {
                if !step() {
                    return None;
                }
                if !added {
                    added = true;
                    t = GoTime::date(t.year, i64::from(t.month), i64::from(t.day), 0, 0, 0, tz);
                }
                t = t.add_date(0, 0, 1);
                // Where DST moved midnight, robfig nudges back to hour 0.
                let h = i64::from(t.hour);
                if h != 0 {
                    t = t.add_secs(if h > 12 { (24 - h) * 3600 } else { -h * 3600 });
                }
                if t.day == 1 {
                    continue 'wrap;
                }
            }
            while self.hour & bit(t.hour) == 0 {
                if !step() {
                    return None;
                }
                if !added {
                    added = true;
                    t = GoTime::date(
                        t.year,
                        i64::from(t.month),
                        i64::from(t.day),
                        i64::from(t.hour),
                        0,
                        0,
                        tz,
                    );
                }
                // Instant arithmetic: a skipped hour is never seen (fact 89).
                t = t.add_secs(3600);
                if t.hour == 0 {
                    continue 'wrap;
                }
            }
            while self.minute & bit(t.minute) == 0 {
                if !step() {
                    return None;
                }
                if !added {
                    added = true;
                    t = t.truncate(60);
                }
                // Instant arithmetic: a repeated hour is walked twice (fact 89).
                t = t.add_secs(60);
                if t.minute == 0 {
                    continue 'wrap;
                }
            }
            while self.second & bit(t.second) == 0 {
                if !step() {
                    return None;
                }
                if !added {
                    added = true;
                    t = t.truncate(1);
                }
                t = t.add_secs(1);
                if t.second == 0 {
                    continue 'wrap;
                }
            }
            return t.to_utc();
        }
    }

    /// Both restricted: either may match (OR). Either starred: both must
    /// match, i.e. the other one decides (fact 83).
    fn day_matches(&self, t: &GoTime) -> bool {
        let dom_match = self.dom & bit(t.day) != 0;
        let dow_match = self.dow & bit(t.weekday) != 0;
        if self.dom & STAR_BIT != 0 || self.dow & STAR_BIT != 0 {
            dom_match && dow_match
        } else {
            dom_match || dow_match
        }
    }
}

fn bit(n: u32) -> u64 {
    1u64.checked_shl(n).unwrap_or(0)
}
