//! `duration.HumanDuration` (apimachinery `pkg/util/duration/duration.go`): AGE, DURATION,
//! LAST SEEN and the RESTARTS suffix (fact 91).

use crate::sim::SimDuration;

/// ~2–3 significant figures, exactly as apimachinery formats them.
pub fn human_duration(d: SimDuration) -> String {
    let ms = d.millis();
    // Go: int(d.Seconds()) truncates toward zero, so -1.5s is "-1" and prints 0s.
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hd(secs: i64) -> String {
        human_duration(SimDuration::from_secs(secs))
    }

    const M: i64 = 60;
    const H: i64 = 3600;
    const D: i64 = 86400;

    #[test]
    fn negative_durations_fact_91() {
        assert_eq!(human_duration(SimDuration::from_millis(-2000)), "<invalid>");
        assert_eq!(
            human_duration(SimDuration::from_millis(-1999)),
            "0s",
            "int(-1.999) is -1"
        );
        assert_eq!(human_duration(SimDuration::from_millis(-1000)), "0s");
        assert_eq!(
            human_duration(SimDuration::from_millis(-500)),
            "0s",
            "int(-0.5) is 0"
        );
        assert_eq!(hd(-1), "0s");
        assert_eq!(hd(0), "0s");
    }

    #[test]
    fn seconds_up_to_119_fact_91() {
        assert_eq!(human_duration(SimDuration::from_millis(999)), "0s");
        assert_eq!(hd(45), "45s");
        assert_eq!(hd(90), "90s");
        assert_eq!(hd(119), "119s");
    }

    #[test]
    fn minutes_and_seconds_under_ten_minutes_fact_91() {
        assert_eq!(hd(120), "2m");
        assert_eq!(hd(150), "2m30s");
        assert_eq!(hd(5 * M + 30), "5m30s");
        assert_eq!(hd(10 * M - 1), "9m59s");
    }

    #[test]
    fn whole_minutes_under_three_hours_fact_91() {
        assert_eq!(hd(10 * M), "10m");
        assert_eq!(hd(10 * M + 59), "10m");
        assert_eq!(hd(95 * M), "95m");
        assert_eq!(hd(179 * M + 59), "179m");
    }

    #[test]
    fn hours_and_minutes_under_eight_hours_fact_91() {
        assert_eq!(hd(3 * H), "3h");
        assert_eq!(hd(3 * H + 5 * M), "3h5m");
        assert_eq!(hd(5 * H + 12 * M + 59), "5h12m");
        assert_eq!(hd(8 * H - 1), "7h59m");
    }

    #[test]
    fn whole_hours_under_two_days_fact_91() {
        assert_eq!(hd(8 * H), "8h");
        assert_eq!(hd(30 * H), "30h");
        assert_eq!(hd(47 * H + 59 * M), "47h");
    }

    #[test]
    fn days_and_hours_under_eight_days_fact_91() {
        assert_eq!(hd(48 * H), "2d");
        assert_eq!(hd(2 * D + 3 * H), "2d3h");
        assert_eq!(hd(8 * D - 1), "7d23h");
    }

    #[test]
    fn whole_days_under_two_years_fact_91() {
        assert_eq!(hd(8 * D), "8d");
        assert_eq!(hd(45 * D), "45d");
        assert_eq!(hd(729 * D + 23 * H), "729d");
    }

    #[test]
    fn years_and_days_under_eight_years_then_years_fact_91() {
        assert_eq!(hd(730 * D), "2y");
        assert_eq!(hd(733 * D), "2y3d");
        assert_eq!(hd(365 * 8 * D - 1), "7y364d");
        assert_eq!(hd(365 * 8 * D), "8y");
        assert_eq!(hd(365 * 9 * D + 100 * D), "9y");
    }
}
