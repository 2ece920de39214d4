//! DaemonSet status as `updateDaemonSetStatus` counts it (facts 26–29, 36): per node that
//! should run a pod, the oldest of its pods is examined; nodes that should not run one but
//! have one are misscheduled. These numbers are what `kubectl get ds` prints.

use super::decide::{is_available, is_ready, is_updated, oldest_first};
use super::index::PodsByNode;
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::DaemonSetStatus;
use k8s_openapi::api::core::v1::Pod;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub desired: i32,
    pub current: i32,
    pub misscheduled: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
}

impl Counts {
    pub fn unavailable(&self) -> i32 {
        self.desired - self.available
    }
}

/// Counts over `nodes` (name, shouldRun) given the DS pods aimed at each node (terminal pods
/// being deleted already left out; pending and terminating pods count, T20).
pub fn count(
    nodes: &[(&str, bool)],
    pods_by_node: &PodsByNode,
    hash: &str,
    generation: Option<i64>,
    min_ready: i32,
    now: SimTime,
) -> Counts {
    count_rows(
        nodes
            .iter()
            .map(|(node, run)| (*run, pods_by_node.get(node).map(Vec::as_slice))),
        hash,
        generation,
        min_ready,
        now,
    )
}

/// `count` over (shouldRun, the node's DS pods or `None`) per node, in node order.
pub fn count_rows<'a>(
    rows: impl Iterator<Item = (bool, Option<&'a [&'a Pod]>)>,
    hash: &str,
    generation: Option<i64>,
    min_ready: i32,
    now: SimTime,
) -> Counts {
    let mut c = Counts::default();
    for (should_run, pods) in rows {
        let pods = pods.filter(|p| !p.is_empty());
        if !should_run {
            if pods.is_some() {
                c.misscheduled += 1;
            }
            continue;
        }
        c.desired += 1;
        let Some(pods) = pods else { continue };
        c.current += 1;
        let oldest = pods
            .iter()
            .copied()
            .min_by(|a, b| oldest_first(a, b))
            .expect("non-empty");
        if is_ready(oldest) {
            c.ready += 1;
            if is_available(oldest, min_ready, now) {
                c.available += 1;
            }
        }
        if is_updated(oldest, hash, generation) {
            c.updated += 1;
        }
    }
    c
}

impl Counts {
    fn add(&mut self, o: &Counts, sign: i32) {
        self.desired += sign * o.desired;
        self.current += sign * o.current;
        self.misscheduled += sign * o.misscheduled;
        self.ready += sign * o.ready;
        self.updated += sign * o.updated;
        self.available += sign * o.available;
    }
}

/// What every node's share of the counts depends on besides its own pods and verdict: a
/// change to any of these recounts every node.
#[derive(Clone, Debug, PartialEq)]
pub struct CountParams {
    /// The DaemonSet's `metadata.generation` (any spec change).
    pub ds_generation: Option<i64>,
    pub hash: String,
    pub template_generation: Option<i64>,
    pub min_ready: i32,
}

/// One DaemonSet's counts kept per node between syncs, so a sync recounts only the nodes
/// whose pods or verdict changed (the dirty set the watch feeds) plus those whose count
/// can change with time alone (Ready, not yet available for minReadySeconds).
#[derive(Default)]
pub struct CountCache {
    params: Option<CountParams>,
    per_node: BTreeMap<String, Counts>,
    totals: Counts,
    /// Nodes whose oldest pod is Ready but not yet available: recounted on every sync.
    time_dependent: BTreeSet<String>,
}

impl CountCache {
    /// The counts over `rows` (node, shouldRun, pods; in node-name order), recounting only
    /// the nodes in `dirty` (and the time-dependent ones) unless `params` changed.
    pub fn update<'a>(
        &mut self,
        params: CountParams,
        rows: &[(&'a str, bool, Option<&'a [&'a Pod]>)],
        dirty: &BTreeSet<String>,
        now: SimTime,
    ) -> Counts {
        let one = |run: bool, pods: Option<&'a [&'a Pod]>| {
            count_rows(
                std::iter::once((run, pods)),
                &params.hash,
                params.template_generation,
                params.min_ready,
                now,
            )
        };
        let waiting = |c: &Counts| params.min_ready > 0 && c.ready > c.available;
        if self.params.as_ref() != Some(&params) {
            self.per_node.clear();
            self.time_dependent.clear();
            self.totals = Counts::default();
            for (node, run, pods) in rows {
                let c = one(*run, *pods);
                self.totals.add(&c, 1);
                if waiting(&c) {
                    self.time_dependent.insert(node.to_string());
                }
                self.per_node.insert(node.to_string(), c);
            }
        } else {
            let todo: BTreeSet<String> = dirty
                .iter()
                .chain(self.time_dependent.iter())
                .cloned()
                .collect();
            for node in todo {
                if let Some(old) = self.per_node.remove(&node) {
                    self.totals.add(&old, -1);
                }
                self.time_dependent.remove(&node);
                // The node may be gone from the list: then it counts no more.
                let Ok(i) = rows.binary_search_by(|r| r.0.cmp(node.as_str())) else {
                    continue;
                };
                let (_, run, pods) = rows[i];
                let c = one(run, pods);
                self.totals.add(&c, 1);
                if waiting(&c) {
                    self.time_dependent.insert(node.clone());
                }
                self.per_node.insert(node, c);
            }
        }
        self.params = Some(params);
        self.totals
    }
}

/// `storeDaemonSetStatus`'s short-circuit: nothing to write when every number is the same
/// and the generation has been observed.
pub fn unchanged(status: Option<&DaemonSetStatus>, c: &Counts, generation: i64) -> bool {
    let s = status.cloned().unwrap_or_default();
    s.desired_number_scheduled == c.desired
        && s.current_number_scheduled == c.current
        && s.number_misscheduled == c.misscheduled
        && s.number_ready == c.ready
        && s.updated_number_scheduled.unwrap_or(0) == c.updated
        && s.number_available.unwrap_or(0) == c.available
        && s.number_unavailable.unwrap_or(0) == c.unavailable()
        && s.observed_generation.unwrap_or(0) >= generation
}

/// Writes the counts into a status. The fields Go marks `omitempty` are left out at 0, so
/// `-o json` shows what a 1.32 server returns.
pub fn apply(status: &mut DaemonSetStatus, c: &Counts, observed_generation: i64) {
    let nonzero = |v: i32| (v != 0).then_some(v);
    status.desired_number_scheduled = c.desired;
    status.current_number_scheduled = c.current;
    status.number_misscheduled = c.misscheduled;
    status.number_ready = c.ready;
    status.updated_number_scheduled = nonzero(c.updated);
    status.number_available = nonzero(c.available);
    status.number_unavailable = nonzero(c.unavailable());
    status.observed_generation = (observed_generation != 0).then_some(observed_generation);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::daemonset::decide::LABEL_HASH;
    use k8s_openapi::api::core::v1::{Pod, PodCondition, PodSpec, PodStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    fn pod(name: &str, created: i64, bound: bool, ready_since: Option<i64>, hash: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                creation_timestamp: Some(Time(SimTime::from_secs(created).to_chrono())),
                labels: Some([(LABEL_HASH.to_string(), hash.to_string())].into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: bound.then(|| "n".to_string()),
                ..Default::default()
            }),
            status: Some(PodStatus {
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready_since.is_some() {
                        "True"
                    } else {
                        "False"
                    }
                    .into(),
                    last_transition_time: ready_since
                        .map(|s| Time(SimTime::from_secs(s).to_chrono())),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn counts_follow_update_daemon_set_status_facts_27_28_29() {
        let ready_new = pod("a", 1, true, Some(2), "new");
        let ready_old = pod("b", 1, true, Some(2), "old");
        let pending = pod("c", 1, false, None, "new"); // cannot fit: still CURRENT (T20)
        let fresh = pod("d", 9, true, Some(10), "new"); // ready, not yet available
        let older_unready = pod("e", 0, true, None, "old");
        let nodes = [
            ("n1", true),
            ("n2", true),
            ("n3", true),
            ("n4", true),
            ("n5", true),
            ("n6", true),  // no pod at all
            ("n7", false), // tainted NoSchedule, pod kept: misscheduled
            ("n8", false), // no pod, not desired
        ];
        let mut by_node = PodsByNode::default();
        by_node.insert("n1", vec![&ready_new]);
        by_node.insert("n2", vec![&ready_old]);
        by_node.insert("n3", vec![&pending]);
        by_node.insert("n4", vec![&fresh]);
        by_node.insert("n5", vec![&ready_new, &older_unready]); // the oldest is examined
        by_node.insert("n7", vec![&ready_old]);
        let c = count(&nodes, &by_node, "new", None, 5, SimTime::from_secs(12));
        assert_eq!(
            c,
            Counts {
                desired: 6,
                current: 5,
                misscheduled: 1,
                ready: 3,
                updated: 3,
                available: 2,
            }
        );
        assert_eq!(c.unavailable(), 4);
    }

    #[test]
    fn zero_valued_omitempty_fields_are_left_out() {
        let mut s = DaemonSetStatus::default();
        let c = Counts {
            desired: 3,
            current: 3,
            ..Default::default()
        };
        apply(&mut s, &c, 1);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"currentNumberScheduled":3,"desiredNumberScheduled":3,"numberMisscheduled":0,"numberReady":0,"numberUnavailable":3,"observedGeneration":1})
        );
        assert!(unchanged(Some(&s), &c, 1));
        assert!(!unchanged(Some(&s), &c, 2));
    }
}
