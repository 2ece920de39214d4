//! Events: what components say happened. Each occurrence is logged (the script API's
//! `events()`), and the API-visible Event objects aggregate repeats (`count`, `lastTimestamp`)
//! and expire an hour after they were last seen, as the API server's event TTL does.

use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::world::{Wake, World};
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::{BTreeMap, VecDeque};

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

#[derive(Default)]
pub struct EventLog {
    occurrences: VecDeque<Occurrence>,
    /// Aggregation key → the Event object that counts it.
    aggregates: BTreeMap<AggregateKey, ObjKey>,
    /// The reverse of `aggregates`, so expiry is a lookup, not a scan.
    aggregate_of: BTreeMap<ObjKey, AggregateKey>,
    sequence: u64,
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

    let agg_key = (
        involved.uid().to_string(),
        type_.to_string(),
        reason.to_string(),
        message.clone(),
        component.to_string(),
    );
    let stamp = Some(Time(now.truncate_to_secs().to_chrono()));
    if let Some(key) = log.aggregates.get(&agg_key).cloned() {
        let updated = world.store.modify(&key, now, |o| {
            if let Some(ev) = o.event_mut() {
                ev.count = Some(ev.count.unwrap_or(1) + 1);
                ev.last_timestamp = stamp.clone();
            }
        });
        if updated.is_ok() {
            world.timers.push(
                now + EVENT_TTL,
                TimerClass::Housekeeping,
                Wake::ExpireEvent(key),
            );
            return;
        }
    }
    log.sequence += 1;
    let name = format!(
        "{}.{:x}",
        involved.name(),
        (now.0 as u64)
            .wrapping_mul(1_000_000)
            .wrapping_add(log.sequence)
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
        world
            .events
            .aggregate_of
            .insert(key.clone(), agg_key.clone());
        world.events.aggregates.insert(agg_key, key.clone());
        world.timers.push(
            now + EVENT_TTL,
            TimerClass::Housekeeping,
            Wake::ExpireEvent(key),
        );
    }
}

/// Removes an Event object an hour after it was last seen; a later repeat extends its life.
pub fn expire(world: &mut World, key: &ObjKey) {
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
        if let Some(agg) = world.events.aggregate_of.remove(key) {
            world.events.aggregates.remove(&agg);
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
