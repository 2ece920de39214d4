//! Which zone a schedule's fields are read in, and Go's `time.LoadLocation`
//! rules for turning a name into one (its error texts reach users through
//! robfig's "provided bad location" and the API server's timeZone check).

use chrono_tz::Tz;

/// The zone a spec schedule is evaluated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    /// No `TZ=` prefix (or `TZ=Local`): robfig uses the zone of the time it
    /// is handed, i.e. the controller-manager's local zone.
    Local,
    /// An explicit zone from a `TZ=`/`CRON_TZ=` prefix.
    Zone(Tz),
}

/// Go's `time.LoadLocation(name)`, with chrono-tz standing in for the zone
/// database.
pub(crate) fn load_location(name: &str) -> Result<Location, String> {
    if name.is_empty() || name == "UTC" {
        return Ok(Location::Zone(Tz::UTC));
    }
    if name == "Local" {
        return Ok(Location::Local);
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return Err("time: invalid location name".to_string());
    }
    name.parse::<Tz>()
        .map(Location::Zone)
        .map_err(|_| format!("unknown time zone {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_location_follows_go() {
        assert_eq!(load_location(""), Ok(Location::Zone(Tz::UTC)));
        assert_eq!(load_location("Local"), Ok(Location::Local));
        assert_eq!(
            load_location("Asia/Tokyo"),
            Ok(Location::Zone(Tz::Asia__Tokyo))
        );
        assert_eq!(
            load_location("Mars/Phobos"),
            Err("unknown time zone Mars/Phobos".into())
        );
        assert_eq!(
            load_location("../etc/passwd"),
            Err("time: invalid location name".into())
        );
        assert_eq!(
            load_location("/etc/localtime"),
            Err("time: invalid location name".into())
        );
        // Go's zone lookup is case-sensitive (file names).
        assert_eq!(
            load_location("asia/tokyo"),
            Err("unknown time zone asia/tokyo".into())
        );
    }
}
