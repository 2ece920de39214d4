//! Behaviour pinned to the reference facts (k8s-job-cronjob.md, sections N
//! and O, traps T1–T3 and T22–T24). Each test names the fact it checks.

use chrono::{DateTime, Utc};

use super::{for_cronjob, validate, Schedule, Tz};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn err(spec: &str) -> String {
    Schedule::parse(spec).unwrap_err()
}

/// The next `n` fire times after `after`, as RFC 3339 UTC strings.
fn fires(spec: &str, zone: Option<&str>, after: &str, n: usize) -> Vec<String> {
    let sched = for_cronjob(spec, zone).unwrap();
    let mut out = Vec::new();
    let mut t = at(after);
    for _ in 0..n {
        let Some(next) = sched.next(t) else { break };
        out.push(next.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        t = next;
    }
    out
}

fn invalid(field: &str, msg: &str) -> (String, String) {
    (field.to_string(), msg.to_string())
}

#[test]
fn exactly_five_fields_fact_79() {
    assert_eq!(
        err("0 * * * * *"),
        "expected exactly 5 fields, found 6: [0 * * * * *]"
    );
    assert_eq!(
        err("* * * *"),
        "expected exactly 5 fields, found 4: [* * * *]"
    );
    assert_eq!(err(""), "empty spec string");
    assert_eq!(err("   "), "expected exactly 5 fields, found 0: []");
    assert!(Schedule::parse("  */5 *  * * *\t").is_ok());
}

#[test]
fn dow_7_is_rejected_fact_80() {
    assert_eq!(err("0 0 * * 7"), "end of range (7) above maximum (6): 7");
    assert_eq!(
        err("0 0 * * 1-7"),
        "end of range (7) above maximum (6): 1-7"
    );
    assert!(Schedule::parse("0 0 * * 0").is_ok());
    assert_eq!(
        err("60 * * * *"),
        "end of range (60) above maximum (59): 60"
    );
    assert_eq!(
        err("0 24 * * *"),
        "end of range (24) above maximum (23): 24"
    );
    assert_eq!(
        err("0 0 0 * *"),
        "beginning of range (0) below minimum (1): 0"
    );
    assert_eq!(
        err("0 0 * 13 *"),
        "end of range (13) above maximum (12): 13"
    );
}

#[test]
fn names_are_three_letters_case_insensitive_fact_81() {
    // 2026-01-01 is a Thursday; MON-FRI skips the weekend.
    assert_eq!(
        fires("0 9 * * MON-fri", None, "2026-01-02T10:00:00Z", 2),
        ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"]
    );
    assert_eq!(
        fires("0 0 1 jUn *", None, "2026-01-01T00:00:00Z", 1),
        ["2026-06-01T00:00:00Z"]
    );
    assert_eq!(
        err("0 0 * * Sunday"),
        "failed to parse int from Sunday: strconv.Atoi: parsing \"Sunday\": invalid syntax"
    );
    // Names belong to month and dow only.
    assert_eq!(
        err("0 mon * * *"),
        "failed to parse int from mon: strconv.Atoi: parsing \"mon\": invalid syntax"
    );
}

#[test]
fn operators_and_their_errors_fact_82() {
    // "N/step" is "N-max/step": 5/15 = 5,20,35,50.
    assert_eq!(
        fires("5/15 * * * *", None, "2026-01-01T00:00:00Z", 4),
        [
            "2026-01-01T00:05:00Z",
            "2026-01-01T00:20:00Z",
            "2026-01-01T00:35:00Z",
            "2026-01-01T00:50:00Z"
        ]
    );
    assert_eq!(
        Schedule::parse("? ? ? ? ?").unwrap(),
        Schedule::parse("* * * * *").unwrap()
    );
    assert_eq!(
        err("*/0 * * * *"),
        "step of range should be a positive number: */0"
    );
    assert_eq!(
        err("0 0 L * *"),
        "failed to parse int from L: strconv.Atoi: parsing \"L\": invalid syntax"
    );
    assert_eq!(
        err("0 0 * * 5#2"),
        "failed to parse int from 5#2: strconv.Atoi: parsing \"5#2\": invalid syntax"
    );
    assert_eq!(
        err("0 0 15W * *"),
        "failed to parse int from 15W: strconv.Atoi: parsing \"15W\": invalid syntax"
    );
    assert_eq!(
        err("5-1 * * * *"),
        "beginning of range (5) beyond end of range (1): 5-1"
    );
    assert_eq!(err("1-2-3 * * * *"), "too many hyphens: 1-2-3");
    assert_eq!(err("1/2/3 * * * *"), "too many slashes: 1/2/3");
    assert_eq!(err("*/-1 * * * *"), "negative number (-1) not allowed: -1");
}

#[test]
fn dom_or_dow_when_both_restricted_fact_83() {
    // 0 0 13 * 5: every Friday and every 13th. 2026-02-13 is itself a Friday.
    assert_eq!(
        fires("0 0 13 * 5", None, "2026-01-01T00:00:00Z", 4),
        [
            "2026-01-02T00:00:00Z",
            "2026-01-09T00:00:00Z",
            "2026-01-13T00:00:00Z",
            "2026-01-16T00:00:00Z"
        ]
    );
    // With dow starred, dom alone decides (AND with an always-true side).
    assert_eq!(
        fires("0 0 13 * *", None, "2026-01-01T00:00:00Z", 2),
        ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"]
    );
}

#[test]
fn star_step_2_clears_star_bit_fact_84() {
    // */2 in dow counts as restricted: the 1st OR Sun/Tue/Thu/Sat.
    // 2026-01-01 Thu (1st and Thu), 01-03 Sat, 01-04 Sun, 01-06 Tue.
    assert_eq!(
        fires("0 0 1 * */2", None, "2025-12-31T12:00:00Z", 4),
        [
            "2026-01-01T00:00:00Z",
            "2026-01-03T00:00:00Z",
            "2026-01-04T00:00:00Z",
            "2026-01-06T00:00:00Z"
        ]
    );
    // */1 keeps the star: only the 1st of each month.
    assert_eq!(
        fires("0 0 1 * */1", None, "2025-12-31T12:00:00Z", 2),
        ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"]
    );
}

#[test]
fn macros_are_case_sensitive_fact_85() {
    let same = |a: &str, b: &str| assert_eq!(Schedule::parse(a), Schedule::parse(b), "{a} vs {b}");
    same("@yearly", "0 0 1 1 *");
    same("@annually", "0 0 1 1 *");
    same("@monthly", "0 0 1 * *");
    same("@weekly", "0 0 * * 0");
    same("@daily", "0 0 * * *");
    same("@midnight", "0 0 * * *");
    same("@hourly", "0 * * * *");
    assert_eq!(err("@Daily"), "unrecognized descriptor: @Daily");
    assert_eq!(err("@reboot"), "unrecognized descriptor: @reboot");
    // Only a TZ prefix gets trimmed; a stray space is part of the descriptor.
    assert_eq!(err("@daily "), "unrecognized descriptor: @daily ");
    assert_eq!(
        err(" @daily"),
        "expected exactly 5 fields, found 1: [@daily]"
    );
}

#[test]
fn every_5m_accepted_fact_86() {
    assert_eq!(validate("@every 5m", None), Ok(()));
    let s = Schedule::parse("@every 5m").unwrap();
    assert!(s.is_every());
    // Previous run + 5m; sub-second parts of the anchor are dropped.
    assert_eq!(
        s.next(at("2026-01-01T10:00:30.700Z")),
        Some(at("2026-01-01T10:05:30Z"))
    );
    // Below a second rounds up to one; a fractional second is truncated.
    let next = |spec: &str| {
        Schedule::parse(spec)
            .unwrap()
            .next(at("2026-01-01T00:00:00Z"))
    };
    assert_eq!(next("@every 500ms"), Some(at("2026-01-01T00:00:01Z")));
    assert_eq!(next("@every 2.9s"), Some(at("2026-01-01T00:00:02Z")));
    assert_eq!(next("@every -1h"), Some(at("2026-01-01T00:00:01Z")));
    assert_eq!(
        err("@every 5"),
        "failed to parse duration @every 5: time: missing unit in duration \"5\""
    );
    assert_eq!(
        err("@every 1e9h"),
        "failed to parse duration @every 1e9h: time: unknown unit \"e\" in duration \"1e9h\""
    );
    assert_eq!(err("@every"), "unrecognized descriptor: @every");
}

#[test]
fn impossible_schedule_feb_30_has_no_next_fact_87() {
    assert_eq!(validate("0 0 30 2 *", None), Ok(()));
    let s = Schedule::parse("0 0 30 2 *").unwrap();
    assert_eq!(s.next(at("2026-01-01T00:00:00Z")), None);
    // Feb 29 is possible: leap years are within the five-year window.
    assert_eq!(
        fires("0 0 29 2 *", None, "2024-03-01T00:00:00Z", 1),
        ["2028-02-29T00:00:00Z"]
    );
    // A field with no values at all (",") can never match either.
    assert_eq!(
        Schedule::parse(", * * * *")
            .unwrap()
            .next(at("2026-01-01T00:00:00Z")),
        None
    );
}

#[test]
fn next_is_strictly_after_fact_88() {
    let s = Schedule::parse("0 * * * *").unwrap();
    assert_eq!(
        s.next(at("2026-01-01T10:00:00Z")),
        Some(at("2026-01-01T11:00:00Z"))
    );
    assert_eq!(
        s.next(at("2026-01-01T09:59:59.999Z")),
        Some(at("2026-01-01T10:00:00Z"))
    );
}

#[test]
fn dst_gap_skips_and_overlap_fires_twice_fact_89() {
    let ny = Some("America/New_York");
    // 02:30 does not exist on 2024-03-10: that day is skipped.
    assert_eq!(
        fires("30 2 * * *", ny, "2024-03-09T12:00:00Z", 2),
        ["2024-03-11T06:30:00Z", "2024-03-12T06:30:00Z"]
    );
    // 01:30 happens twice on 2024-11-03: 01:30 EDT and 01:30 EST.
    assert_eq!(
        fires("30 1 * * *", ny, "2024-11-02T12:00:00Z", 3),
        [
            "2024-11-03T05:30:00Z",
            "2024-11-03T06:30:00Z",
            "2024-11-04T06:30:00Z"
        ]
    );
}

#[test]
fn skipped_calendar_day_where_robfig_hangs_gives_none() {
    // Samoa jumped from 2011-12-29 to 2011-12-31. Real robfig v3.0.1 never
    // returns from Next here (checked against Go); klab answers "no next time".
    let s = Schedule::parse("TZ=Pacific/Apia 0 0 1 * *").unwrap();
    assert_eq!(
        s.next(at("2011-11-01T00:00:00Z")),
        Some(at("2011-11-01T10:00:00Z"))
    );
    assert_eq!(s.next(at("2011-12-01T10:00:00Z")), None);
    // Schedules whose search does not land on the missing day are unaffected.
    assert_eq!(
        fires(
            "0 12 * * *",
            Some("Pacific/Apia"),
            "2011-12-29T00:00:00Z",
            2
        ),
        ["2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z"]
    );
}

#[test]
fn time_zone_prefix_moves_the_wall_clock_fact_90() {
    // 09:00 in Tokyo is 00:00 UTC.
    assert_eq!(
        fires("0 9 * * *", Some("Asia/Tokyo"), "2026-01-01T00:00:00Z", 1),
        ["2026-01-02T00:00:00Z"]
    );
    assert_eq!(
        Schedule::parse("CRON_TZ=Asia/Tokyo 0 9 * * *"),
        for_cronjob("0 9 * * *", Some("Asia/Tokyo"))
    );
    // Without a prefix the fields are read in the controller's zone.
    let s = Schedule::parse("0 9 * * *").unwrap();
    assert_eq!(
        s.next_in(at("2026-01-01T00:00:00Z"), Some(Tz::Asia__Tokyo)),
        Some(at("2026-01-02T00:00:00Z"))
    );
    assert_eq!(
        s.next(at("2026-01-01T00:00:00Z")),
        Some(at("2026-01-01T09:00:00Z"))
    );
    // A prefix beats the controller's zone; "TZ=" alone means UTC, as in Go.
    let s = Schedule::parse("TZ= 0 9 * * *").unwrap();
    assert_eq!(
        s.next_in(at("2026-01-01T00:00:00Z"), Some(Tz::Asia__Tokyo)),
        Some(at("2026-01-01T09:00:00Z"))
    );
    assert_eq!(
        err("TZ=Mars/Phobos * * * * *"),
        "provided bad location Mars/Phobos: unknown time zone Mars/Phobos"
    );
}

#[test]
fn time_zone_validation_texts_fact_91() {
    assert_eq!(validate("* * * * *", Some("Europe/Paris")), Ok(()));
    assert_eq!(
        validate("* * * * *", Some("")),
        Err(vec![invalid(
            "spec.timeZone",
            "Invalid value: \"\": timeZone must be nil or non-empty string"
        )])
    );
    assert_eq!(
        validate("* * * * *", Some("Local")),
        Err(vec![invalid(
            "spec.timeZone",
            "Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
        )])
    );
    assert_eq!(
        validate("* * * * *", Some("Mars/Phobos")),
        Err(vec![invalid(
            "spec.timeZone",
            "Invalid value: \"Mars/Phobos\": unknown time zone Mars/Phobos"
        )])
    );
    // "local" is not Go's Local, so the zone lookup fails as well.
    assert_eq!(validate("* * * * *", Some("local")).unwrap_err().len(), 2);
    // Names breaking IANA's character rules never reach the lookup.
    assert_eq!(
        validate("* * * * *", Some("Europe/Pa ris")),
        Err(vec![invalid(
            "spec.timeZone",
            "Invalid value: \"Europe/Pa ris\": unknown time zone Europe/Pa ris"
        )])
    );
    assert_eq!(
        validate("* * * * *", Some("a..b")),
        Err(vec![invalid(
            "spec.timeZone",
            "Invalid value: \"a..b\": time: invalid location name"
        )])
    );
}

#[test]
fn tz_prefix_rejected_by_validation_fact_92() {
    assert_eq!(
        validate("CRON_TZ=Etc/UTC */20 * * * *", None),
        Err(vec![invalid(
            "spec.schedule",
            "Invalid value: \"CRON_TZ=Etc/UTC */20 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
        )])
    );
    // A bad zone in the prefix reports the parse error too.
    assert_eq!(
        validate("TZ=Mars/Phobos * * * * *", None),
        Err(vec![
            invalid(
                "spec.schedule",
                "Invalid value: \"TZ=Mars/Phobos * * * * *\": provided bad location Mars/Phobos: unknown time zone Mars/Phobos"
            ),
            invalid(
                "spec.schedule",
                "Invalid value: \"TZ=Mars/Phobos * * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            ),
        ])
    );
    // The controller still runs an old object's TZ schedule as written.
    assert_eq!(
        for_cronjob("TZ=Asia/Tokyo 0 9 * * *", None),
        Schedule::parse("TZ=Asia/Tokyo 0 9 * * *")
    );
}

#[test]
fn tz_without_space_is_an_error_not_a_panic_fact_93() {
    let recovered = "invalid schedule format: runtime error: slice bounds out of range [:-1]";
    for spec in [
        "TZ=",
        "TZ=Asia/Tokyo",
        "CRON_TZ=UTC",
        "TZ=UTC\t*\t*\t*\t*\t*",
    ] {
        assert_eq!(err(spec), recovered, "{spec:?}");
    }
    // Only a space ends the zone name: a tab before a later space is kept in it.
    assert_eq!(
        err("TZ=UTC\t* * * * *"),
        "provided bad location UTC\t*: unknown time zone UTC\t*"
    );
    assert_eq!(
        validate("TZ=Asia/Tokyo", None),
        Err(vec![
            invalid(
                "spec.schedule",
                &format!("Invalid value: \"TZ=Asia/Tokyo\": {recovered}")
            ),
            invalid(
                "spec.schedule",
                "Invalid value: \"TZ=Asia/Tokyo\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            ),
        ])
    );
}

#[test]
fn schedule_validation_texts_fact_121() {
    assert_eq!(
        validate("", None),
        Err(vec![invalid("spec.schedule", "Required value")])
    );
    assert_eq!(
        validate("*/0 * * * *", None),
        Err(vec![invalid(
            "spec.schedule",
            "Invalid value: \"*/0 * * * *\": step of range should be a positive number: */0"
        )])
    );
    // Values are quoted as Go's %q does.
    assert_eq!(
        validate("0 0 * * \"x\"", None),
        Err(vec![invalid(
            "spec.schedule",
            "Invalid value: \"0 0 * * \\\"x\\\"\": failed to parse int from \"x\": strconv.Atoi: parsing \"\\\"x\\\"\": invalid syntax"
        )])
    );
    // Schedule and zone errors are both reported, schedule first.
    let errs = validate("61 * * * *", Some("Mars/Phobos")).unwrap_err();
    assert_eq!(
        errs.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        ["spec.schedule", "spec.timeZone"]
    );
}

#[test]
fn next_n_follows_the_chain() {
    let s = Schedule::parse("*/20 * * * *").unwrap();
    let times = s.next_n(at("2026-01-01T00:00:00Z"), 3);
    assert_eq!(
        times,
        [
            at("2026-01-01T00:20:00Z"),
            at("2026-01-01T00:40:00Z"),
            at("2026-01-01T01:00:00Z")
        ]
    );
    assert!(Schedule::parse("0 0 30 2 *")
        .unwrap()
        .next_n(at("2026-01-01T00:00:00Z"), 3)
        .is_empty());
}

/// Strings that poke at every parser branch; none may panic or hang.
const NASTY: &[&str] = &[
    "",
    " ",
    "     ",
    "\t\n",
    "TZ=",
    "TZ= ",
    "TZ=Asia/Tokyo",
    "TZ=Asia/Tokyo ",
    "CRON_TZ=",
    "CRON_TZ",
    "TZ",
    "TZ=../../etc/passwd * * * * *",
    "TZ=/etc/localtime * * * * *",
    "TZ=\\x * * * * *",
    "TZ=Local * * * * *",
    "TZ=UTC @every 1s",
    "TZ=UTC @bogus",
    "TZ=UTC TZ=UTC * * * * *",
    "🕐 * * * *",
    "* * * * 🕐",
    "\u{130}\u{130}\u{130} * * * *",
    "0 0 * * FR\u{130}",
    "\u{200b}* * * * *",
    "99999999999999999999 * * * *",
    "9223372036854775807 * * * *",
    "*/9223372036854775807 * * * *",
    "*/18446744073709551616 * * * *",
    "0-9223372036854775807/9223372036854775807 * * * *",
    "-",
    "- - - - -",
    "*/",
    "/ / / / /",
    "1-",
    "-1",
    "1--2 * * * *",
    "*-5 * * * *",
    "*-*/* * * * *",
    ", , , , ,",
    ",,, * * * *",
    "* * , * *",
    "* * * , *",
    "* * , * ,",
    "@",
    "@every",
    "@every ",
    "@every -1s",
    "@every 1e9h",
    "@every 9223372036ns",
    "@every 9223372036854775807ns",
    "@every -9223372036854775808ns",
    "@every 2562047h",
    "@every 2562048h",
    "@every .",
    "@every 1.",
    "@every 1.5.5s",
    "@every 1µs",
    "@every 1μs",
    "@every 1\u{0}s",
    "@every 1h\u{ff}",
    "* * 31 2,4,6,9,11 *",
    "59 23 31 12 *",
    "0 0 29 2 1",
    "* * * * * * *",
    "\u{0}\u{0}\u{0}\u{0}\u{0}",
    "+1 +2 +3 +4 +5",
    "?/2 ?-3 */60 */13 */7",
];

#[test]
fn no_input_panics() {
    let afters = [
        at("2026-01-01T00:00:00Z"),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    ];
    let zones = [None, Some("America/New_York"), Some(""), Some("Nope/Nope")];
    for spec in NASTY {
        let _ = validate(spec, None);
        for zone in zones {
            let _ = validate(spec, zone);
            if let Ok(s) = for_cronjob(spec, zone) {
                for after in afters {
                    let _ = s.next(after);
                    let _ = s.next_in(after, Some(Tz::Australia__Lord_Howe));
                }
            }
        }
    }
}

#[test]
fn no_generated_input_panics() {
    // Deterministic pseudo-random specs from cron-ish pieces.
    const PIECES: &[&str] = &[
        "*", "?", "/", "-", ",", " ", "0", "1", "7", "12", "31", "59", "60", "99", "mon", "JAN",
        "sun", "L", "#", "@", "TZ=", "é", "\t",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let after = at("2027-06-15T12:34:56Z");
    for _ in 0..3000 {
        let len = 1 + rnd(16);
        let spec: String = (0..len).map(|_| PIECES[rnd(PIECES.len())]).collect();
        let _ = validate(&spec, Some("Asia/Seoul"));
        if let Ok(s) = Schedule::parse(&spec) {
            let _ = s.next_in(after, Some(Tz::America__Sao_Paulo));
        }
    }
}
