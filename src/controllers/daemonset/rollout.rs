//! The RollingUpdate decisions (k/k `pkg/controller/daemon/update.go` `rollingUpdate`,
//! `updatedDesiredNodeCounts`, `findUpdatedPodsOnNode`; facts 30–34). Pure: the caller
//! gives the walk over nodes in the order it wants — the controller shuffles it with the
//! seeded RNG, because Kubernetes walks a Go map and its victim order is random (T2).

use super::decide::{is_available, is_deleting, is_updated};
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `intstr.GetScaledValueFromIntOrPercent`; percentages round up or down as asked.
pub fn scaled_value(v: &IntOrString, total: i64, round_up: bool) -> Result<i64, String> {
    match v {
        IntOrString::Int(i) => Ok(*i as i64),
        IntOrString::String(s) => {
            let Some(number) = s.strip_suffix('%') else {
                return Err(
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .into(),
                );
            };
            let p: i64 = number.parse().map_err(|_| {
                format!("invalid value for IntOrString: invalid value {s:?}: not an integer")
            })?;
            let exact = p as f64 * total as f64 / 100.0;
            Ok(if round_up {
                exact.ceil()
            } else {
                exact.floor()
            } as i64)
        }
    }
}

/// The rolling-update parameters as the API server defaults them (fact 7): RollingUpdate
/// with maxUnavailable 1 and maxSurge 0 unless set. `None` for OnDelete.
pub fn rolling_parameters(ds: &DaemonSet) -> Option<(IntOrString, IntOrString)> {
    let strategy = ds
        .spec
        .as_ref()?
        .update_strategy
        .clone()
        .unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return None;
    }
    let ru = strategy.rolling_update.unwrap_or_default();
    Some((
        ru.max_surge.unwrap_or(IntOrString::Int(0)),
        ru.max_unavailable.unwrap_or(IntOrString::Int(1)),
    ))
}

/// `util.AllowsSurge`: maxSurge scaled against one node is positive.
pub fn allows_surge(ds: &DaemonSet) -> bool {
    rolling_parameters(ds).is_some_and(|(s, _)| scaled_value(&s, 1, true).is_ok_and(|v| v > 0))
}

/// (maxSurge, maxUnavailable) for `desired` nodes: percentages round UP, and when both come
/// out 0 with nodes to run on, maxUnavailable is forced to 1 (fact 30).
pub fn budgets(ds: &DaemonSet, desired: usize) -> Result<(usize, usize), String> {
    let Some((surge, unavailable)) = rolling_parameters(ds) else {
        return Ok((0, 0));
    };
    let total = desired as i64;
    let max_unavailable = scaled_value(&unavailable, total, true)
        .map_err(|e| format!("invalid value for MaxUnavailable: {e}"))?;
    let max_surge = scaled_value(&surge, total, true)
        .map_err(|e| format!("invalid value for MaxSurge: {e}"))?;
    let (s, mut u) = (max_surge.max(0) as usize, max_unavailable.max(0) as usize);
    if desired > 0 && s == 0 && u == 0 {
        u = 1;
    }
    Ok((s, u))
}

/// One node in the rolling update's walk.
pub struct NodeSlot<'a> {
    pub node: &'a str,
    /// The node's DS pods (deleted-and-terminal ones already left out).
    pub pods: &'a [&'a Pod],
    /// `nodeShouldRunDaemonPod(...).shouldRun`; `None` when the node no longer exists.
    pub should_run: Option<bool>,
}

/// `findUpdatedPodsOnNode`: the one new and the one old non-terminating pod on a node, or
/// `None` when there are several of either (the manage loop prunes those first).
pub fn new_and_old<'a>(
    pods: &[&'a Pod],
    hash: &str,
    generation: Option<i64>,
) -> Option<(Option<&'a Pod>, Option<&'a Pod>)> {
    let (mut new, mut old) = (None, None);
    for pod in pods.iter().copied().filter(|p| !is_deleting(p)) {
        let slot = if is_updated(pod, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(pod);
    }
    Some((new, old))
}

fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// Without surge (fact 31): old unavailable pods are all replaced at once; old available
/// pods are deleted, in walk order, only while fewer than maxUnavailable nodes are
/// unavailable. Returns the pods to delete.
pub fn victims_without_surge(
    walk: &[NodeSlot],
    hash: &str,
    generation: Option<i64>,
    max_unavailable: usize,
    min_ready: i32,
    now: SimTime,
) -> Vec<String> {
    let mut unavailable = 0usize;
    let mut replacements = Vec::new();
    let mut candidates = Vec::new();
    for slot in walk {
        let Some((new, old)) = new_and_old(slot.pods, hash, generation) else {
            unavailable += 1;
            continue;
        };
        match (new, old) {
            // Nothing here yet, or both an old and a new pod: the manage loop acts.
            (None, None) | (Some(_), Some(_)) => unavailable += 1,
            (Some(new), None) => {
                if !is_available(new, min_ready, now) {
                    unavailable += 1;
                }
            }
            (None, Some(old)) => {
                if !is_available(old, min_ready, now) {
                    replacements.push(name(old));
                    unavailable += 1;
                } else if unavailable < max_unavailable {
                    candidates.push(name(old));
                }
            }
        }
    }
    let remaining = max_unavailable
        .saturating_sub(unavailable)
        .min(candidates.len());
    replacements.extend(candidates.into_iter().take(remaining));
    replacements
}

/// What the surge path decided.
#[derive(Debug, Default, PartialEq)]
pub struct SurgePlan {
    pub delete: Vec<String>,
    /// Nodes to create a new pod on, next to the old one.
    pub create_on: Vec<String>,
}

/// With surge (fact 34): a new pod next to every unavailable old one at once, and next to
/// available old ones on at most maxSurge nodes; an old pod goes once its node's new pod is
/// available. Old pods on nodes that no longer match go only while enough pods are
/// available elsewhere. Fails, as Kubernetes does, when a walked node no longer exists.
pub fn surge_plan(
    walk: &[NodeSlot],
    hash: &str,
    generation: Option<i64>,
    max_surge: usize,
    desired: usize,
    min_ready: i32,
    now: SimTime,
) -> Result<SurgePlan, String> {
    let mut plan = SurgePlan::default();
    let mut should_not_run = Vec::new();
    let mut candidates = Vec::new();
    let (mut surging, mut available) = (0usize, 0usize);
    for slot in walk {
        let Some((new, old)) = new_and_old(slot.pods, hash, generation) else {
            surging += 1;
            continue;
        };
        let counted = old.or(new);
        if counted.is_some_and(|p| is_available(p, min_ready, now)) {
            available += 1;
        }
        let should_run = || {
            slot.should_run
                .ok_or_else(|| format!("couldn't get node for nodeName {:?}", slot.node))
        };
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !is_available(old, min_ready, now) {
                    if !should_run()? {
                        plan.delete.push(name(old));
                        continue;
                    }
                    plan.create_on.push(slot.node.to_string());
                } else {
                    if !should_run()? {
                        should_not_run.push(name(old));
                        continue;
                    }
                    if surging < max_surge {
                        candidates.push(slot.node.to_string());
                    }
                }
            }
            (Some(new), Some(old)) => {
                if !is_available(new, min_ready, now) {
                    surging += 1;
                    continue;
                }
                plan.delete.push(name(old));
            }
        }
    }
    let deletable = available.saturating_sub(desired).min(should_not_run.len());
    plan.delete
        .extend(should_not_run.into_iter().take(deletable));
    let remaining = max_surge.saturating_sub(surging).min(candidates.len());
    plan.create_on
        .extend(candidates.into_iter().take(remaining));
    Ok(plan)
}

/// Whether a pod counts as "old and ready" — used by callers to decide whether a walk is
/// worth shuffling (only an update in progress draws from the RNG).
pub fn is_old(pod: &Pod, hash: &str, generation: Option<i64>) -> bool {
    !is_deleting(pod) && !is_updated(pod, hash, generation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::daemonset::decide::LABEL_HASH;
    use k8s_openapi::api::apps::v1::{
        DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
    };
    use k8s_openapi::api::core::v1::{PodCondition, PodSpec, PodStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    fn ios(s: &str) -> IntOrString {
        match s.parse::<i32>() {
            Ok(i) => IntOrString::Int(i),
            Err(_) => IntOrString::String(s.into()),
        }
    }

    fn ds(surge: Option<&str>, unavailable: Option<&str>) -> DaemonSet {
        DaemonSet {
            spec: Some(DaemonSetSpec {
                update_strategy: Some(DaemonSetUpdateStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateDaemonSet {
                        max_surge: surge.map(ios),
                        max_unavailable: unavailable.map(ios),
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn budgets_round_percentages_up_and_force_one_fact_30_t3() {
        let cases = [
            (None, Some("1"), 5, (0, 1)),
            (Some("0"), Some("2"), 5, (0, 2)),
            (Some("0"), Some("30%"), 4, (0, 2)),
            (Some("0"), Some("10%"), 3, (0, 1)),
            (Some("0"), Some("10%"), 5000, (0, 500)),
            (Some("0"), Some("1%"), 5000, (0, 50)),
            (Some("0"), Some("34%"), 3, (0, 2)),
            (Some("0"), Some("100%"), 7, (0, 7)),
            // Both 0 with nodes to run on: maxUnavailable is forced to 1.
            (Some("0"), Some("0"), 3, (0, 1)),
            (Some("0%"), Some("0%"), 3, (0, 1)),
            (Some("0"), Some("0"), 0, (0, 0)),
            (Some("25%"), Some("0"), 10, (3, 0)),
            (Some("1"), Some("0"), 10, (1, 0)),
            // Defaults as the API server fills them (fact 7).
            (None, None, 4, (0, 1)),
        ];
        for (surge, unavailable, desired, want) in cases {
            assert_eq!(
                budgets(&ds(surge, unavailable), desired),
                Ok(want),
                "{surge:?}/{unavailable:?} of {desired}"
            );
        }
        assert!(budgets(&ds(Some("0"), Some("two")), 3).is_err());
        let on_delete = DaemonSet {
            spec: Some(DaemonSetSpec {
                update_strategy: Some(DaemonSetUpdateStrategy {
                    type_: Some("OnDelete".into()),
                    rolling_update: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(budgets(&on_delete, 3), Ok((0, 0)));
        assert!(!allows_surge(&on_delete));
        assert!(allows_surge(&ds(Some("10%"), Some("0"))));
    }

    fn pod(name: &str, hash: &str, ready: bool) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some([(LABEL_HASH.to_string(), hash.to_string())].into()),
                ..Default::default()
            },
            spec: Some(PodSpec::default()),
            status: Some(PodStatus {
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    last_transition_time: Some(Time(SimTime::from_secs(0).to_chrono())),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    fn slot<'a>(node: &'a str, pods: &'a [&'a Pod]) -> NodeSlot<'a> {
        NodeSlot {
            node,
            pods,
            should_run: Some(true),
        }
    }

    #[test]
    fn without_surge_old_available_pods_go_within_the_budget_in_walk_order_fact_31() {
        let (a, b, c, d) = (
            pod("a", "old", true),
            pod("b", "old", true),
            pod("c", "old", true),
            pod("d", "old", true),
        );
        let (pa, pb, pc, pd) = ([&a], [&b], [&c], [&d]);
        let walk = [
            slot("n1", &pa),
            slot("n2", &pb),
            slot("n3", &pc),
            slot("n4", &pd),
        ];
        let now = SimTime::from_secs(10);
        assert_eq!(
            victims_without_surge(&walk, "new", None, 2, 0, now),
            ["a", "b"]
        );
        // The walk order decides which go (T2).
        let walk = [
            slot("n3", &pc),
            slot("n1", &pa),
            slot("n4", &pd),
            slot("n2", &pb),
        ];
        assert_eq!(
            victims_without_surge(&walk, "new", None, 2, 0, now),
            ["c", "a"]
        );
    }

    #[test]
    fn without_surge_unavailable_nodes_use_up_the_budget_fact_31_32() {
        let now = SimTime::from_secs(10);
        let old = pod("old", "old", true);
        let old2 = pod("old2", "old", true);
        let broken_old = pod("broken", "old", false);
        let starting_new = pod("new", "new", false);
        let (p_old, p_old2, p_broken, p_new) = ([&old], [&old2], [&broken_old], [&starting_new]);
        let empty: [&Pod; 0] = [];
        // A node being replaced (no pod) and a new pod not yet available: budget 2 is used.
        let walk = [slot("n1", &empty), slot("n2", &p_new), slot("n3", &p_old)];
        assert!(victims_without_surge(&walk, "new", None, 2, 0, now).is_empty());
        let walk = [slot("n1", &empty), slot("n3", &p_old), slot("n4", &p_old2)];
        assert_eq!(
            victims_without_surge(&walk, "new", None, 2, 0, now),
            ["old"]
        );
        // An old unavailable pod is replaced whatever the budget (fact 31).
        let walk = [
            slot("n1", &empty),
            slot("n2", &p_new),
            slot("n5", &p_broken),
        ];
        assert_eq!(
            victims_without_surge(&walk, "new", None, 1, 0, now),
            ["broken"]
        );
        // A broken new pod stalls the rollout (fact 33).
        let walk = [slot("n2", &p_new), slot("n3", &p_old)];
        assert!(victims_without_surge(&walk, "new", None, 1, 0, now).is_empty());
    }

    #[test]
    fn surge_creates_next_to_old_pods_and_deletes_them_once_new_is_available_fact_34() {
        let now = SimTime::from_secs(10);
        let (o1, o2, o3) = (
            pod("o1", "old", true),
            pod("o2", "old", true),
            pod("o3", "old", false),
        );
        let (n1, n2) = (pod("n1", "new", true), pod("n2", "new", false));
        let (p1, p2, p3) = ([&o1], [&o2], [&o3]);
        let both_ready = [&o1, &n1];
        let both_starting = [&o2, &n2];
        let walk = [slot("a", &p1), slot("b", &p2), slot("c", &p3)];
        let plan = surge_plan(&walk, "new", None, 1, 3, 0, now).unwrap();
        assert_eq!(
            plan.create_on,
            ["c", "a"],
            "unavailable old first, then within maxSurge"
        );
        assert!(plan.delete.is_empty());
        let walk = [
            slot("a", &both_ready),
            slot("b", &both_starting),
            slot("c", &p2),
        ];
        let plan = surge_plan(&walk, "new", None, 1, 3, 0, now).unwrap();
        assert_eq!(plan.delete, ["o1"]);
        assert!(
            plan.create_on.is_empty(),
            "one node already surging uses the budget"
        );
        let gone = NodeSlot {
            node: "x",
            pods: &p3,
            should_run: None,
        };
        assert!(surge_plan(&[gone], "new", None, 1, 3, 0, now).is_err());
    }

    #[test]
    fn several_new_or_old_pods_on_a_node_are_left_to_the_manage_loop() {
        let (a, b) = (pod("a", "old", true), pod("b", "old", true));
        assert!(new_and_old(&[&a, &b], "new", None).is_none());
        let c = pod("c", "new", true);
        let (new, old) = new_and_old(&[&a, &c], "new", None).unwrap();
        assert_eq!(
            (
                new.unwrap().metadata.name.as_deref(),
                old.unwrap().metadata.name.as_deref()
            ),
            (Some("c"), Some("a"))
        );
    }
}
