//! Events: what components say happened. Each occurrence is logged (the script API's
//! `events()`), and the API-visible Event objects aggregate repeats (`count`, `lastTimestamp`)
//! and expire an hour after they were last seen, as the API server's event TTL does.
//!
//! Expiry is one housekeeping sweep, not a timer per Event: each record appends a check to a
//! time-ordered queue (times only grow, each is now + TTL), and a single timer stands at the
//! queue's front. The checks run at the same instants and in the same order per-Event timers
//! would, so what a script sees is unchanged; a busy cluster just stops filling the timer heap.

use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::world::{Wake, World};
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

/// How long an Event object lives after it was last seen (kube-apiserver `--event-ttl`).
pub const EVENT_TTL: SimDuration = SimDuration(3_600_000);
/// How many occurrences `events()` remembers.
pub const OCCURRENCE_LIMIT: usize = 100_000;

/// One occurrence, as the script API's `events()` returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    pub time: SimTime,
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// `kind/name`, kind lower-cased.
    pub object: String,
    pub namespace: String,
    pub component: String,
}

/// Involved uid, type, reason, message, component: repeats of the same are one Event.
type AggregateKey = (String, String, String, String, String);

/// The aggregation key's hash: a record looks its Event up without building owned strings.
/// `DefaultHasher::new()` has fixed keys, so this is the same on every run.
fn aggregate_hash(uid: &str, type_: &str, reason: &str, message: &str, component: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (uid, type_, reason, message, component).hash(&mut h);
    h.finish()
}

fn same_aggregate(
    k: &AggregateKey,
    uid: &str,
    type_: &str,
    reason: &str,
    message: &str,
    component: &str,
) -> bool {
    k.0 == uid && k.1 == type_ && k.2 == reason && k.3 == message && k.4 == component
}

#[derive(Default)]
pub struct EventLog {
    occurrences: VecDeque<Occurrence>,
    /// Aggregation key (by its hash; collisions share the bucket) → the Event that counts it.
    /// Never iterated, so the map's order cannot reach any output.
    aggregates: HashMap<u64, Vec<(AggregateKey, ObjKey)>>,
    /// Event → its aggregation key's hash, so expiry is a lookup, not a scan.
    aggregate_of: HashMap<ObjKey, u64>,
    sequence: u64,
    /// Expiry checks, oldest first: (when, which Event). One per record, as a timer was.
    expiries: VecDeque<(SimTime, ObjKey)>,
    /// The time the sweep timer is set for, if one is.
    sweep_at: Option<SimTime>,
}

impl EventLog {
    pub fn occurrences(&self) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter()
    }
}

pub fn record(
    world: &mut World,
    involved: &Object,
    type_: &str,
    reason: &str,
    message: String,
    component: &str,
) {
    let now = world.now;
    let object = involved.display_ref();
    let namespace = if involved.kind().namespaced() {
        involved.namespace().to_string()
    } else {
        "default".to_string()
    };
    let log = &mut world.events;
    log.occurrences.push_back(Occurrence {
        time: now,
        type_: type_.into(),
        reason: reason.into(),
        message: message.clone(),
        object,
        namespace: namespace.clone(),
        component: component.into(),
    });
    if log.occurrences.len() > OCCURRENCE_LIMIT {
        log.occurrences.pop_front();
    }

    let uid = involved.uid();
    let hash = aggregate_hash(uid, type_, reason, &message, component);
    let stamp = Some(Time(now.truncate_to_secs().to_chrono()));
    let found = log.aggregates.get(&hash).and_then(|bucket| {
        bucket
            .iter()
            .find(|(k, _)| same_aggregate(k, uid, type_, reason, &message, component))
            .map(|(_, key)| key.clone())
    });
    if let Some(key) = found {
        let updated = world.store.modify(&key, now, |o| {
            if let Some(ev) = o.event_mut() {
                ev.count = Some(ev.count.unwrap_or(1) + 1);
                ev.last_timestamp = stamp.clone();
            }
        });
        if updated.is_ok() {
            check_expiry(world, now + EVENT_TTL, key);
            return;
        }
        // The Event was deleted by hand: a fresh one takes its place below.
        forget_aggregate(&mut world.events, &key, hash);
    }
    let agg_key = (
        uid.to_string(),
        type_.to_string(),
        reason.to_string(),
        message.clone(),
        component.to_string(),
    );
    world.events.sequence += 1;
    let sequence = world.events.sequence;
    let name = format!(
        "{}.{:x}",
        involved.name(),
        (now.0 as u64)
            .wrapping_mul(1_000_000)
            .wrapping_add(sequence)
    );
    let ev = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace),
            ..Default::default()
        },
        involved_object: ObjectReference {
            api_version: Some(involved.kind().api_version()),
            kind: Some(involved.kind().name().to_string()),
            name: Some(involved.name().to_string()),
            namespace: involved
                .kind()
                .namespaced()
                .then(|| involved.namespace().to_string()),
            uid: Some(involved.uid().to_string()),
            resource_version: involved.meta().resource_version.clone(),
            field_path: None,
        },
        reason: Some(reason.into()),
        message: Some(message),
        source: Some(EventSource {
            component: Some(component.into()),
            host: None,
        }),
        first_timestamp: stamp.clone(),
        last_timestamp: stamp,
        count: Some(1),
        type_: Some(type_.into()),
        reporting_component: Some(component.into()),
        reporting_instance: Some(String::new()),
        ..Default::default()
    };
    if let Ok(created) = world.create(Object::Event(ev)) {
        let key = created.key();
        world.events.aggregate_of.insert(key.clone(), hash);
        world
            .events
            .aggregates
            .entry(hash)
            .or_default()
            .push((agg_key, key.clone()));
        check_expiry(world, now + EVENT_TTL, key);
    }
}

/// Queues an expiry check of `key` at `at`, and sets the sweep timer if none stands earlier.
fn check_expiry(world: &mut World, at: SimTime, key: ObjKey) {
    let log = &mut world.events;
    // `at` is now + TTL and the clock only moves forward, so this is nearly always an append.
    let pos = log.expiries.partition_point(|(t, _)| *t <= at);
    log.expiries.insert(pos, (at, key));
    if log.sweep_at.is_none_or(|t| at < t) {
        log.sweep_at = Some(at);
        world
            .timers
            .push(at, TimerClass::Housekeeping, Wake::SweepEvents);
    }
}

/// The sweep timer fired: runs every expiry check that is due, in the order they were
/// queued, then sets the timer for the next one.
pub fn sweep(world: &mut World) {
    let now = world.now;
    if world.events.sweep_at.is_some_and(|t| t <= now) {
        world.events.sweep_at = None;
    }
    while let Some((at, _)) = world.events.expiries.front() {
        if *at > now {
            break;
        }
        let (_, key) = world.events.expiries.pop_front().expect("peeked");
        expire(world, &key);
    }
    if let Some((next, _)) = world.events.expiries.front() {
        let next = *next;
        if world.events.sweep_at.is_none_or(|t| next < t) {
            world.events.sweep_at = Some(next);
            world
                .timers
                .push(next, TimerClass::Housekeeping, Wake::SweepEvents);
        }
    }
}

/// Removes an Event object an hour after it was last seen; a later repeat extends its life.
fn expire(world: &mut World, key: &ObjKey) {
    let Some(obj) = world.store.get(key) else {
        return;
    };
    let Some(ev) = obj.event() else { return };
    let last = ev
        .last_timestamp
        .as_ref()
        .map(|t| SimTime::from_chrono(t.0))
        .unwrap_or(world.now);
    if last + EVENT_TTL <= world.now {
        world.store.remove(key, world.now);
        if let Some(hash) = world.events.aggregate_of.get(key).copied() {
            forget_aggregate(&mut world.events, key, hash);
        }
    }
}

/// Drops the aggregation entry that points at Event `key`.
fn forget_aggregate(log: &mut EventLog, key: &ObjKey, hash: u64) {
    log.aggregate_of.remove(key);
    if let Some(bucket) = log.aggregates.get_mut(&hash) {
        bucket.retain(|(_, k)| k != key);
        if bucket.is_empty() {
            log.aggregates.remove(&hash);
        }
    }
}

/// Events about one object, oldest first (for `describe`).
pub fn events_for(world: &World, involved: &Object) -> Vec<Event> {
    let ns = if involved.kind().namespaced() {
        involved.namespace()
    } else {
        "default"
    };
    let uid = involved.uid();
    let mut out: Vec<Event> = world
        .store
        .list(Kind::Event, Some(ns))
        .filter_map(|o| o.event())
        .filter(|e| e.involved_object.uid.as_deref() == Some(uid))
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        a.first_timestamp
            .as_ref()
            .map(|t| t.0)
            .cmp(&b.first_timestamp.as_ref().map(|t| t.0))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{Cluster, ClusterConfig};
    use std::sync::Arc;

    fn count_of(c: &Cluster, reason: &str) -> Option<i32> {
        c.world
            .store
            .list(Kind::Event, None)
            .filter_map(|o| o.event())
            .find(|e| e.reason.as_deref() == Some(reason))
            .map(|e| e.count.unwrap_or(1))
    }

    fn node_1(c: &Cluster) -> Arc<Object> {
        c.world
            .store
            .get(&ObjKey::new(Kind::Node, "", "node-1"))
            .expect("a default node")
            .clone()
    }

    #[test]
    fn a_repeat_keeps_the_event_an_hour_past_its_last_sighting() {
        let mut c = Cluster::new(ClusterConfig::default());
        let node = node_1(&c);
        c.world
            .record_event(&node, "Normal", "Probe", "m".into(), "test");
        c.advance(SimDuration::from_secs(1800)).unwrap();
        c.world
            .record_event(&node, "Normal", "Probe", "m".into(), "test");
        assert_eq!(count_of(&c, "Probe"), Some(2));
        c.advance(SimDuration::from_secs(3599)).unwrap();
        assert_eq!(count_of(&c, "Probe"), Some(2));
        c.advance(SimDuration::from_secs(1)).unwrap();
        assert_eq!(count_of(&c, "Probe"), None);
    }

    #[test]
    fn events_share_one_sweep_timer_instead_of_one_timer_each() {
        let mut c = Cluster::new(ClusterConfig::default());
        let node = node_1(&c);
        let before = c.world.timers.len();
        for i in 0..100 {
            c.world
                .record_event(&node, "Normal", "Probe", format!("m{i}"), "test");
            c.advance(SimDuration::from_secs(1)).unwrap();
        }
        assert!(c.world.timers.len() <= before + 1);
        c.advance(SimDuration::from_secs(3600)).unwrap();
        assert_eq!(count_of(&c, "Probe"), None);
        assert!(c.world.events.expiries.is_empty());
    }
}
