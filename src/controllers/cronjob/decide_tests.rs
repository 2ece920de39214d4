//! Tables for the pure decisions: the due time (facts 95–97, 100–101, 87), the requeue time
//! (fact 98), the sync decision (facts 102, 105, 106, 108) and the Job's name and
//! scheduled-timestamp annotation (facts 109, 111; trap T9).

use super::*;
use crate::api::Object;
use crate::controllers::cronjob::jobs::{job_for, scheduled_timestamp};
use crate::controllers::cronjob::test_support::cronjob;
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

fn t(s: &str) -> SimTime {
    SimTime::parse(s).unwrap()
}

/// Times on 2026-01-01 written as "HH:MM:SS" or "HH:MM:SS.mmm".
fn at(hms: &str) -> SimTime {
    t(&format!("2026-01-01T{hms}Z"))
}

fn sched(s: &str) -> Timetable {
    Schedule::parse(s).unwrap().into()
}

fn anchor(created: &str, last: Option<&str>, deadline: Option<i64>) -> Anchor {
    Anchor {
        created: at(created),
        last_schedule: last.map(at),
        starting_deadline_seconds: deadline,
    }
}

#[test]
fn most_recent_schedule_time_table_facts_95_96() {
    let every5 = sched("*/5 * * * *");
    // (created, lastScheduleTime, now, expected time, expected missed)
    type Case<'a> = (&'a str, Option<&'a str>, &'a str, Option<&'a str>, Missed);
    let cases: &[Case] = &[
        // Fact 96: back at 10:23:10 after running 10:05 — one Job, for 10:20.
        (
            "09:00:00",
            Some("10:05:00"),
            "10:23:10",
            Some("10:20:00"),
            Missed::Few,
        ),
        // On time: the next schedule is due, nothing was missed.
        (
            "09:00:00",
            Some("10:05:00"),
            "10:10:00.100",
            Some("10:10:00"),
            Missed::None,
        ),
        // Before the next schedule: nothing due.
        (
            "09:00:00",
            Some("10:05:00"),
            "10:09:59.999",
            None,
            Missed::None,
        ),
        // Never run: anchored on creation, strictly after it (trap T8).
        ("10:00:00", None, "10:00:00", None, Missed::None),
        (
            "10:00:30",
            None,
            "10:05:00.100",
            Some("10:05:00"),
            Missed::None,
        ),
        // Exactly at the second schedule: the latest of the two.
        ("10:00:30", None, "10:10:00", Some("10:10:00"), Missed::Few),
    ];
    for (created, last, now, want, missed) in cases {
        let got = most_recent_schedule_time(anchor(created, *last, None), at(now), &every5, true)
            .unwrap();
        assert_eq!(got.time, want.map(at), "now {now}, last {last:?}");
        assert_eq!(got.missed, *missed, "now {now}, last {last:?}");
    }
}

#[test]
fn starting_deadline_filters_old_schedules_fact_100() {
    let every5 = sched("*/5 * * * *");
    let last = Some("10:05:00");
    // 60 s: everything before 10:22:10 is out of reach, and 10:25 is not due yet.
    let a = anchor("09:00:00", last, Some(60));
    assert_eq!(due_schedule_time(a, at("10:23:10"), &every5), Ok(None));
    // 200 s: 10:20 is within reach.
    let a = anchor("09:00:00", last, Some(200));
    assert_eq!(
        due_schedule_time(a, at("10:23:10"), &every5),
        Ok(Some((at("10:20:00"), false)))
    );
    // The requeue ignores the deadline: it aims after the most recent time (10:20).
    let a = anchor("09:00:00", last, Some(60));
    assert_eq!(
        next_requeue(a, at("10:23:10"), &every5),
        Some(at("10:25:00.100"))
    );
}

#[test]
fn starting_deadline_zero_never_starts_trap_t7_fact_101() {
    let every1 = sched("* * * * *");
    for now in ["10:01:00", "10:01:00.100", "10:02:00.100", "11:00:00.100"] {
        let a = anchor("10:00:00", None, Some(0));
        assert_eq!(due_schedule_time(a, at(now), &every1), Ok(None), "at {now}");
    }
    // One second of slack is enough for a controller that syncs at +100 ms.
    let a = anchor("10:00:00", None, Some(1));
    assert_eq!(
        due_schedule_time(a, at("10:01:00.100"), &every1),
        Ok(Some((at("10:01:00"), false)))
    );
}

#[test]
fn too_many_missed_is_an_estimate_over_100_and_still_due_fact_97_trap_t5() {
    let every1 = sched("* * * * *");
    // t1 = 10:01; at 11:40:00.1 the estimate is 99 + 1 = 100: not "too many".
    let a = anchor("09:00:00", Some("10:00:00"), None);
    assert_eq!(
        due_schedule_time(a, at("11:40:00.100"), &every1),
        Ok(Some((at("11:40:00"), false)))
    );
    // One minute later it is 101: warned about, and the latest time is still due.
    assert_eq!(
        due_schedule_time(a, at("11:41:00.100"), &every1),
        Ok(Some((at("11:41:00"), true)))
    );
    let m = most_recent_schedule_time(a, t("2026-01-08T00:00:30Z"), &every1, true).unwrap();
    assert_eq!(m.time, Some(t("2026-01-08T00:00:00Z")));
    assert_eq!(m.missed, Missed::Many);
}

#[test]
fn missed_time_walk_is_exact_for_every_and_irregular_schedules() {
    // @every 90s from 10:00:00: at 10:10 the latest is 10:09:00 (6 × 90 s).
    let every = sched("@every 90s");
    let m = most_recent_schedule_time(
        anchor("09:00:00", Some("10:00:00"), None),
        at("10:10:00"),
        &every,
        true,
    )
    .unwrap();
    assert_eq!(m.time, Some(at("10:09:00")));
    // Weekdays 06:30/10:30/14:30. 2026-01-02 is a Friday: after Friday 10:30 the gap to
    // the next run spans the weekend, so the estimate is rough and the walk does the rest.
    let irregular = sched("30 6-16/4 * * 1-5");
    let a = Anchor {
        created: t("2026-01-01T00:00:00Z"),
        last_schedule: Some(t("2026-01-02T10:30:00Z")),
        starting_deadline_seconds: None,
    };
    let m = most_recent_schedule_time(a, t("2026-01-07T15:00:00Z"), &irregular, true).unwrap();
    assert_eq!(m.time, Some(t("2026-01-07T14:30:00Z")));
}

#[test]
fn impossible_schedule_is_an_error_not_a_time_fact_87_trap_t23() {
    let feb30 = sched("0 0 30 2 *");
    assert_eq!(
        most_recent_schedule_time(anchor("10:00:00", None, None), at("10:00:01"), &feb30, true),
        Err("time difference between two schedules is less than 1 second".into())
    );
}

#[test]
fn requeue_is_next_schedule_plus_100ms_fact_98() {
    let every5 = sched("*/5 * * * *");
    // Created 10:00:30 ⇒ the sync at creation asks to be woken at 10:05:00.1.
    assert_eq!(
        next_requeue(anchor("10:00:30", None, None), at("10:00:30"), &every5),
        Some(at("10:05:00.100"))
    );
    // After the 10:05 Job (lastScheduleTime 10:05) ⇒ 10:10:00.1.
    assert_eq!(
        next_requeue(
            anchor("10:00:30", Some("10:05:00"), None),
            at("10:05:00.100"),
            &every5
        ),
        Some(at("10:10:00.100"))
    );
    // Forbid left lastScheduleTime at 10:00 while 10:05 was due ⇒ still the next slot.
    assert_eq!(
        next_requeue(
            anchor("09:00:00", Some("10:00:00"), None),
            at("10:05:00.100"),
            &every5
        ),
        Some(at("10:10:00.100"))
    );
    // Hourly, created on the hour: strictly after (trap T8).
    assert_eq!(
        next_requeue(
            anchor("10:00:00", None, None),
            at("10:00:00"),
            &sched("0 * * * *")
        ),
        Some(at("11:00:00.100"))
    );
    // An impossible schedule has no next time: "look again now".
    assert_eq!(
        next_requeue(
            anchor("10:00:00", None, None),
            at("10:00:00"),
            &sched("0 0 30 2 *")
        ),
        None
    );
}

fn active(names: &[&str]) -> Option<Vec<ObjectReference>> {
    Some(
        names
            .iter()
            .map(|n| ObjectReference {
                name: Some(n.to_string()),
                namespace: Some("default".into()),
                uid: Some(format!("uid-{n}")),
                ..Default::default()
            })
            .collect(),
    )
}

fn decide_at(cj: &CronJob, status: &CronJobStatus, now: &str) -> Plan {
    let spec = cj.spec.as_ref().unwrap();
    let parsed = parse_schedule(&spec.schedule, spec.time_zone.as_deref()).map(Timetable::new);
    decide(cj, status, at(now), &parsed)
}

fn reasons(plan: &Plan) -> Vec<&str> {
    plan.notes.iter().map(|n| n.reason).collect()
}

#[test]
fn sync_decision_table_facts_102_105_106_108() {
    let base = cronjob("hello", "*/5 * * * *", at("10:00:30"));
    let idle = CronJobStatus::default();
    // Due and Allow: start it.
    let p = decide_at(&base, &idle, "10:05:00.100");
    assert_eq!(
        p.outcome,
        Outcome::Start {
            scheduled: at("10:05:00"),
            replace: false
        }
    );
    assert!(p.notes.is_empty());
    // Already processed: lastScheduleTime is the due time (fact 102).
    let done = CronJobStatus {
        last_schedule_time: Some(Time(at("10:05:00").to_chrono())),
        ..Default::default()
    };
    assert_eq!(
        decide_at(&base, &done, "10:05:00.200").outcome,
        Outcome::Requeue(Some(at("10:10:00.100")))
    );
    // Already processed: the Job with the deterministic name is active (fact 102).
    let running = CronJobStatus {
        active: active(&[&job_name("hello", at("10:05:00"))]),
        ..Default::default()
    };
    assert_eq!(
        decide_at(&base, &running, "10:05:00.200").outcome,
        Outcome::Requeue(Some(at("10:10:00.100")))
    );
    // Forbid with an active Job: JobAlreadyActive, lastScheduleTime stays (fact 105).
    let mut forbid = base.clone();
    forbid.spec.as_mut().unwrap().concurrency_policy = Some("Forbid".into());
    let busy = CronJobStatus {
        active: active(&["hello-1"]),
        ..Default::default()
    };
    let p = decide_at(&forbid, &busy, "10:05:00.100");
    assert_eq!(reasons(&p), ["JobAlreadyActive"]);
    assert_eq!(
        p.notes[0].message,
        "Not starting job because prior execution is running and concurrency policy is Forbid"
    );
    assert_eq!(p.outcome, Outcome::Requeue(Some(at("10:10:00.100"))));
    // Forbid with nothing active: start.
    assert!(matches!(
        decide_at(&forbid, &idle, "10:05:00.100").outcome,
        Outcome::Start { .. }
    ));
    // Replace: start, deleting the active ones first (fact 106).
    let mut replace = base.clone();
    replace.spec.as_mut().unwrap().concurrency_policy = Some("Replace".into());
    assert_eq!(
        decide_at(&replace, &busy, "10:05:00.100").outcome,
        Outcome::Start {
            scheduled: at("10:05:00"),
            replace: true
        }
    );
    // Suspended: nothing, not even a requeue (fact 108).
    let mut suspended = base.clone();
    suspended.spec.as_mut().unwrap().suspend = Some(true);
    let p = decide_at(&suspended, &idle, "10:05:00.100");
    assert_eq!(
        p,
        Plan {
            notes: vec![],
            outcome: Outcome::Wait
        }
    );
    // Being deleted: status bookkeeping only.
    let mut deleting = base.clone();
    deleting.metadata.deletion_timestamp = Some(Time(at("10:04:00").to_chrono()));
    assert_eq!(
        decide_at(&deleting, &idle, "10:05:00.100").outcome,
        Outcome::Wait
    );
}

#[test]
fn schedule_problems_are_warnings_and_no_requeue_facts_87_91_103() {
    let idle = CronJobStatus::default();
    let impossible = cronjob("feb30", "0 0 30 2 *", at("10:00:00"));
    let p = decide_at(&impossible, &idle, "10:00:00");
    assert_eq!(p.outcome, Outcome::Wait);
    assert_eq!(p.notes[0].reason, "InvalidSchedule");
    assert_eq!(
        p.notes[0].message,
        "invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second"
    );

    let bad = cronjob("bad", "*/0 * * * *", at("10:00:00"));
    let p = decide_at(&bad, &idle, "10:00:00");
    assert_eq!(p.outcome, Outcome::Wait);
    assert_eq!(p.notes[0].reason, "UnparseableSchedule");
    assert_eq!(
        p.notes[0].message,
        "unparseable schedule: \"*/0 * * * *\" : step of range should be a positive number: */0"
    );

    let mut mars = cronjob("mars", "* * * * *", at("10:00:00"));
    mars.spec.as_mut().unwrap().time_zone = Some("Mars/Phobos".into());
    let p = decide_at(&mars, &idle, "10:01:00.100");
    assert_eq!(p.outcome, Outcome::Wait);
    assert_eq!(p.notes[0].reason, "UnknownTimeZone");
    assert_eq!(
        p.notes[0].message,
        "invalid timeZone: \"Mars/Phobos\": unknown time zone Mars/Phobos"
    );

    // A grandfathered TZ prefix still runs, with a warning on every sync (fact 92).
    let legacy = cronjob(
        "legacy",
        "TZ=Asia/Tokyo 0 9 * * *",
        t("2026-01-01T00:00:00Z"),
    );
    let p = decide(
        &legacy,
        &idle,
        t("2026-01-02T00:00:00.100Z"),
        &parse_schedule("TZ=Asia/Tokyo 0 9 * * *", None).map(Timetable::new),
    );
    assert_eq!(reasons(&p), ["UnsupportedSchedule"]);
    assert_eq!(
        p.outcome,
        Outcome::Start {
            scheduled: t("2026-01-02T00:00:00Z"),
            replace: false
        }
    );
}

#[test]
fn too_many_missed_warns_and_still_starts_trap_t5() {
    let cj = cronjob("hello", "* * * * *", at("08:00:00"));
    let p = decide_at(&cj, &CronJobStatus::default(), "10:00:00.100");
    assert_eq!(reasons(&p), ["TooManyMissedTimes"]);
    assert_eq!(
        p.notes[0].message,
        "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"
    );
    assert_eq!(
        p.outcome,
        Outcome::Start {
            scheduled: at("10:00:00"),
            replace: false
        }
    );
}

#[test]
fn time_zone_moves_the_schedule_fact_90() {
    let mut cj = cronjob("tokyo", "0 9 * * *", t("2026-01-01T00:00:00Z"));
    cj.spec.as_mut().unwrap().time_zone = Some("Asia/Tokyo".into());
    // 09:00 in Tokyo is 00:00 UTC.
    assert_eq!(
        decide_at(&cj, &CronJobStatus::default(), "00:00:00").outcome,
        Outcome::Requeue(Some(t("2026-01-02T00:00:00.100Z")))
    );
}

#[test]
fn job_name_is_minutes_since_epoch_trap_t9_fact_109() {
    assert_eq!(
        job_name("hello", t("2024-07-31T08:51:00Z")),
        "hello-28706931"
    );
    assert_eq!(
        job_name("hello", t("2026-01-01T00:01:00Z")),
        "hello-29453761"
    );
    // The same instant in any zone gives the same name.
    assert_eq!(
        job_name("hello", t("2026-01-01T09:01:00+09:00")),
        "hello-29453761"
    );
}

#[test]
fn scheduled_timestamp_annotation_uses_the_time_zone_trap_t9_fact_111() {
    let when = t("2024-05-01T10:01:00Z");
    assert_eq!(scheduled_timestamp(when, None), "2024-05-01T10:01:00Z");
    assert_eq!(
        scheduled_timestamp(when, Some("Asia/Tokyo")),
        "2024-05-01T19:01:00+09:00"
    );
    assert_eq!(
        scheduled_timestamp(when, Some("America/New_York")),
        "2024-05-01T06:01:00-04:00"
    );
    // Go's RFC 3339 writes a zero offset as Z, whatever the zone.
    assert_eq!(
        scheduled_timestamp(t("2024-01-15T10:01:00Z"), Some("Europe/London")),
        "2024-01-15T10:01:00Z"
    );
}

#[test]
fn job_from_template_copies_labels_annotations_spec_and_owns_it_fact_111() {
    let mut cj = cronjob("hello", "*/1 * * * *", at("10:00:00"));
    cj.metadata.uid = Some("cj-uid".into());
    cj.spec.as_mut().unwrap().time_zone = Some("Asia/Tokyo".into());
    let tmpl = cj
        .spec
        .as_mut()
        .unwrap()
        .job_template
        .metadata
        .get_or_insert_default();
    tmpl.labels = Some([("app".to_string(), "hello".to_string())].into());
    tmpl.annotations = Some([("note".to_string(), "x".to_string())].into());
    let obj = Object::CronJob(cj.clone());
    let job = job_for(&obj, at("10:01:00")).unwrap();
    let m = &job.metadata;
    assert_eq!(m.name.as_deref(), Some("hello-29454361"));
    assert_eq!(m.namespace.as_deref(), Some("default"));
    assert_eq!(m.labels.as_ref().unwrap()["app"], "hello");
    let ann = m.annotations.as_ref().unwrap();
    assert_eq!(ann["note"], "x");
    assert_eq!(
        ann["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T19:01:00+09:00"
    );
    let owner = &m.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (
            owner.api_version.as_str(),
            owner.kind.as_str(),
            owner.name.as_str()
        ),
        ("batch/v1", "CronJob", "hello")
    );
    assert_eq!(owner.uid, "cj-uid");
    assert_eq!(
        (owner.controller, owner.block_owner_deletion),
        (Some(true), Some(true))
    );
    assert_eq!(job.spec, cj.spec.unwrap().job_template.spec);
}

#[test]
fn timetable_memo_answers_as_the_schedule_does() {
    let plain = Schedule::parse("*/7 9-17 * * 1-5").unwrap();
    let memo = Timetable::new(plain.clone());
    // Revisit times in an order that cycles through and evicts the memo's slots, with
    // sub-second inputs that share a whole second.
    let mut at = t("2026-01-01T08:00:00Z");
    for i in 0..200i64 {
        let ask = at + SimDuration::from_millis((i * 337) % 1000);
        let want = plain.next(ask.to_chrono()).map(SimTime::from_chrono);
        assert_eq!(memo.next(ask), want, "after {ask}");
        assert_eq!(memo.next(ask), want, "again after {ask}");
        if i % 3 == 2 {
            at = want.unwrap();
        }
    }
}
