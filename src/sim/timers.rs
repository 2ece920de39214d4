//! The timer queue: future instants at which something must happen, ordered by
//! (time, sequence) so that equal times fire in the order they were set.

use super::clock::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What kind of pending work a timer stands for; `settle()` waits only for `Work`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimerClass {
    /// Something the cluster is still doing: a container finishing, a backoff, a grace period.
    Work,
    /// A future CronJob schedule: pending forever, so `settle()` does not wait for it.
    Schedule,
    /// Bookkeeping nobody waits for (event expiry).
    Housekeeping,
}

struct Entry<T> {
    at: SimTime,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// Three heaps, one per class, so "when is the next real work" is O(1).
pub struct Timers<T> {
    heaps: [BinaryHeap<Reverse<Entry<T>>>; 3],
    seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            heaps: [BinaryHeap::new(), BinaryHeap::new(), BinaryHeap::new()],
            seq: 0,
        }
    }
}

fn slot(class: TimerClass) -> usize {
    match class {
        TimerClass::Work => 0,
        TimerClass::Schedule => 1,
        TimerClass::Housekeeping => 2,
    }
}

impl<T> Timers<T> {
    pub fn push(&mut self, at: SimTime, class: TimerClass, item: T) {
        self.seq += 1;
        self.heaps[slot(class)].push(Reverse(Entry {
            at,
            seq: self.seq,
            item,
        }));
    }
    /// The earliest instant any timer is set for.
    pub fn next_time(&self) -> Option<SimTime> {
        self.heaps
            .iter()
            .filter_map(|h| h.peek().map(|e| e.0.at))
            .min()
    }
    /// The earliest instant a `Work` timer is set for.
    pub fn next_work_time(&self) -> Option<SimTime> {
        self.heaps[0].peek().map(|e| e.0.at)
    }
    /// Removes and returns every timer due at or before `now`, in (time, sequence) order.
    pub fn pop_due(&mut self, now: SimTime) -> Vec<T> {
        let mut due: Vec<Entry<T>> = Vec::new();
        for heap in &mut self.heaps {
            while heap.peek().is_some_and(|e| e.0.at <= now) {
                due.push(heap.pop().expect("peeked").0);
            }
        }
        due.sort();
        due.into_iter().map(|e| e.item).collect()
    }
    pub fn len(&self) -> usize {
        self.heaps.iter().map(|h| h.len()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_fire_in_the_order_they_were_set() {
        let mut t = Timers::default();
        t.push(SimTime(5), TimerClass::Work, "b");
        t.push(SimTime(3), TimerClass::Schedule, "a");
        t.push(SimTime(5), TimerClass::Housekeeping, "c");
        t.push(SimTime(5), TimerClass::Work, "d");
        assert_eq!(t.next_time(), Some(SimTime(3)));
        assert_eq!(t.pop_due(SimTime(5)), vec!["a", "b", "c", "d"]);
        assert!(t.is_empty());
    }

    #[test]
    fn next_work_time_ignores_schedules_and_housekeeping() {
        let mut t = Timers::default();
        t.push(SimTime(1), TimerClass::Schedule, ());
        t.push(SimTime(2), TimerClass::Housekeeping, ());
        assert_eq!(t.next_work_time(), None);
        t.push(SimTime(9), TimerClass::Work, ());
        assert_eq!(t.next_work_time(), Some(SimTime(9)));
    }
}
