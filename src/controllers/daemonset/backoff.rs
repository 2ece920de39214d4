//! The per-(DaemonSet, node) backoff on deleting failed pods: client-go's
//! `flowcontrol.Backoff` as the controller-manager builds it for the DaemonSet controller,
//! `NewBackOff(1*time.Second, 15*time.Minute)` without jitter (fact 24).

use crate::sim::{SimDuration, SimTime};
use std::collections::BTreeMap;

pub const INITIAL: SimDuration = SimDuration(1_000);
pub const MAX: SimDuration = SimDuration(15 * 60 * 1_000);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    backoff: SimDuration,
    last_update: SimTime,
}

#[derive(Clone, Debug, Default)]
pub struct FailedPodBackoff {
    entries: BTreeMap<String, Entry>,
}

/// An entry untouched for twice the maximum counts as gone (`hasExpired`).
fn expired(now: SimTime, last_update: SimTime) -> bool {
    now - last_update > SimDuration(MAX.0 * 2)
}

impl FailedPodBackoff {
    /// `IsInBackOffSinceUpdate` + `Get`: the current delay if `key` is still backing off.
    pub fn in_backoff(&self, key: &str, now: SimTime) -> Option<SimDuration> {
        let e = self.entries.get(key)?;
        if expired(now, e.last_update) {
            return None;
        }
        (now - e.last_update < e.backoff).then_some(e.backoff)
    }

    /// `Next`: start at 1s, or double (capped at 15 min) if the entry is still live.
    pub fn next(&mut self, key: &str, now: SimTime) {
        let backoff = match self.entries.get(key) {
            Some(e) if !expired(now, e.last_update) => SimDuration((e.backoff.0 * 2).min(MAX.0)),
            _ => INITIAL,
        };
        self.entries.insert(
            key.to_string(),
            Entry {
                backoff,
                last_update: now,
            },
        );
    }

    /// `GC`: forgets expired entries (and, when a DaemonSet is gone, its keys).
    pub fn gc(&mut self, now: SimTime, gone_prefix: Option<&str>) {
        self.entries.retain(|k, e| {
            !expired(now, e.last_update) && gone_prefix.is_none_or(|p| !k.starts_with(p))
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_one_second_to_fifteen_minutes_then_expires() {
        let mut b = FailedPodBackoff::default();
        let mut now = SimTime::from_secs(0);
        let mut delays = vec![];
        for _ in 0..12 {
            b.next("k", now);
            let d = b.in_backoff("k", now).unwrap();
            delays.push(d.secs());
            now = now + d;
            assert_eq!(
                b.in_backoff("k", now),
                None,
                "free once the delay has passed"
            );
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        // Quiet for more than 30 minutes: back to 1s.
        now = now + SimDuration::from_secs(1801);
        b.next("k", now);
        assert_eq!(b.in_backoff("k", now), Some(INITIAL));
        b.gc(now + SimDuration::from_secs(1801), None);
        assert!(b.is_empty());
    }
}
