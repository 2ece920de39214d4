//! The DaemonSet controller's pure decisions about the pods on a node (k/k
//! `pkg/controller/daemon/daemon_controller.go` `podsShouldBeOnNode`, `podutil`, and
//! `util/daemonset_util.go`); which nodes should run a pod is `eligibility.rs`. No store,
//! no clock: everything comes in as arguments, so each rule is a table of cases below.

use super::backoff::FailedPodBackoff;
use crate::sim::{SimDuration, SimTime};
use k8s_openapi::api::core::v1::Pod;
use std::cmp::Ordering;

pub use super::eligibility::{add_daemon_tolerations, node_should_run, Eligibility};

/// The label carrying the bare template hash on DS pods and revisions (fact 19).
pub const LABEL_HASH: &str = "controller-revision-hash";
/// The label carrying the template generation on DS pods (fact 19).
pub const LABEL_TEMPLATE_GENERATION: &str = "pod-template-generation";
/// The annotation through which apps/v1 exposes `spec.templateGeneration` (fact 11).
pub const ANNOTATION_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

// ---- facts about one pod ---------------------------------------------------------------

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

pub fn is_terminal(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

pub fn is_deleting(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

pub fn bound_node(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

/// `GetTargetNodeName`: the bound node, else the node a pending DS pod's
/// `matchFields metadata.name In [node]` aims it at (fact 20).
pub fn target_node(pod: &Pod) -> Option<&str> {
    if let Some(n) = bound_node(pod) {
        return Some(n);
    }
    let terms = &pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    for term in terms {
        for req in term.match_fields.iter().flatten() {
            if req.key == "metadata.name" && req.operator == "In" {
                let values = req.values.as_deref().unwrap_or(&[]);
                // More than one value is an error for the controller: the pod is skipped.
                return (values.len() == 1).then(|| values[0].as_str());
            }
        }
    }
    None
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

/// When the pod's Ready condition last turned True (whole seconds, as stored).
pub fn ready_since(pod: &Pod) -> Option<SimTime> {
    let c = ready_condition(pod).filter(|c| c.status == "True")?;
    c.last_transition_time
        .as_ref()
        .map(|t| SimTime::from_chrono(t.0))
}

/// `podutil.IsPodAvailable`: Ready, and Ready for *more than* minReadySeconds (fact 36, T17).
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(pod).is_some_and(|t| t + SimDuration::from_secs(min_ready_seconds as i64) < now)
}

/// `util.IsPodUpdated`: the pod carries the current hash, or the current template
/// generation (fact 27).
pub fn is_updated(pod: &Pod, hash: &str, template_generation: Option<i64>) -> bool {
    let labels = pod.metadata.labels.as_ref();
    let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
    if !hash.is_empty() && label(LABEL_HASH) == Some(hash) {
        return true;
    }
    match (template_generation, label(LABEL_TEMPLATE_GENERATION)) {
        (Some(g), Some(l)) => is_decimal_of(l, g),
        _ => false,
    }
}

/// `l == g.to_string()` without allocating: asked for every pod on every sync.
fn is_decimal_of(l: &str, g: i64) -> bool {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = g.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &buf[i..];
    match l.as_bytes() {
        [b'-', rest @ ..] if g < 0 => rest == digits,
        bytes => g >= 0 && bytes == digits,
    }
}

/// `podByCreationTimestampAndPhase`: scheduled pods first, then oldest, then by name.
pub fn oldest_first(a: &Pod, b: &Pod) -> Ordering {
    let (sa, sb) = (bound_node(a).is_some(), bound_node(b).is_some());
    if sa != sb {
        return sb.cmp(&sa);
    }
    let ct = |p: &Pod| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    ct(a)
        .cmp(&ct(b))
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

// ---- podsShouldBeOnNode ------------------------------------------------------------------

/// What `podsShouldBeOnNode` decided for one node.
#[derive(Debug, Default, PartialEq)]
pub struct NodePlan {
    /// A pod must be created on this node.
    pub create: bool,
    /// Pods to delete, by name, in the controller's order.
    pub delete: Vec<String>,
    /// Events to record on the DaemonSet first: (type, reason, message).
    pub events: Vec<(&'static str, &'static str, String)>,
    /// A failed pod is held back by the backoff: look again after this long.
    pub requeue_after: Option<SimDuration>,
}

/// What the controller knows about the DaemonSet when it looks at one node.
pub struct NodeContext<'a> {
    pub node: &'a str,
    pub should_run: bool,
    pub should_continue: bool,
    /// The DaemonSet allows surge (`util.AllowsSurge`).
    pub surge: bool,
    pub hash: &'a str,
    pub min_ready_seconds: i32,
    pub now: SimTime,
    /// `<ds uid>/<observedGeneration>/`: with the node name, the failed-pod backoff key
    /// (`failedPodsBackoffKey`).
    pub backoff_prefix: &'a str,
}

/// `podsShouldBeOnNode` (fact 24): `pods` are the DaemonSet's pods aimed at this node
/// (`None` when there are none at all, which is different from "all terminating").
pub fn pods_should_be_on_node(
    ctx: &NodeContext,
    pods: Option<&[&Pod]>,
    backoff: &mut FailedPodBackoff,
) -> NodePlan {
    let mut plan = NodePlan::default();
    let name = |p: &Pod| p.metadata.name.clone().unwrap_or_default();
    match pods {
        None if ctx.should_run => plan.create = true,
        // The common case on every node of every sync: exactly one live pod. Nothing to do.
        Some([only]) if ctx.should_continue && !is_deleting(only) && !is_terminal(only) => {}
        _ if ctx.should_continue => {
            let pods = pods.unwrap_or(&[]);
            let mut running: Vec<&Pod> = Vec::new();
            for pod in pods.iter().copied().filter(|p| !is_deleting(p)) {
                let ns = pod.metadata.namespace.as_deref().unwrap_or("");
                match phase(pod) {
                    "Failed" => {
                        // Deleting failed pods is rate-limited per (DS, node): 1s doubling to 15m.
                        let key = format!("{}{}", ctx.backoff_prefix, ctx.node);
                        if let Some(delay) = backoff.in_backoff(&key, ctx.now) {
                            plan.requeue_after = Some(delay);
                            continue;
                        }
                        backoff.next(&key, ctx.now);
                        plan.events.push((
                            "Warning",
                            "FailedDaemonPod",
                            format!(
                                "Found failed daemon pod {ns}/{} on node {}, will try to kill it",
                                name(pod),
                                ctx.node
                            ),
                        ));
                        plan.delete.push(name(pod));
                    }
                    "Succeeded" => {
                        plan.events.push((
                            "Normal",
                            "SucceededDaemonPod",
                            format!(
                                "Found succeeded daemon pod {ns}/{} on node {}, will try to delete it",
                                name(pod),
                                ctx.node
                            ),
                        ));
                        plan.delete.push(name(pod));
                    }
                    _ => running.push(pod),
                }
            }
            running.sort_by(|a, b| oldest_first(a, b));
            if !ctx.surge {
                // At most one pod per node: keep the oldest (fact 24).
                plan.delete.extend(running.iter().skip(1).map(|p| name(p)));
                return plan;
            }
            if running.len() <= 1 {
                if running.is_empty() && ctx.should_run {
                    plan.create = true;
                }
                return plan;
            }
            // Surge: keep the oldest new and the oldest old pod, and the old one only while
            // it is ready and the new one is not yet available (fact 34).
            let label = |p: &Pod| {
                p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(LABEL_HASH))
                    .cloned()
                    .unwrap_or_default()
            };
            let (mut oldest_new, mut oldest_old): (Option<&Pod>, Option<&Pod>) = (None, None);
            for pod in running {
                let slot = if label(pod) == ctx.hash {
                    &mut oldest_new
                } else {
                    &mut oldest_old
                };
                if slot.is_none() {
                    *slot = Some(pod);
                } else {
                    plan.delete.push(name(pod));
                }
            }
            if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
                if !is_ready(old) || is_available(new, ctx.min_ready_seconds, ctx.now) {
                    plan.delete.push(name(old));
                }
            }
        }
        Some(pods) if !ctx.should_continue => {
            plan.delete
                .extend(pods.iter().filter(|p| !is_deleting(p)).map(|p| name(p)));
        }
        _ => {}
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
        PodCondition, PodSpec, PodStatus,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
    use std::collections::BTreeMap;

    fn pod(
        name: &str,
        node: Option<&str>,
        created: i64,
        phase: &str,
        ready: bool,
        hash: &str,
    ) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                creation_timestamp: Some(Time(SimTime::from_secs(created).to_chrono())),
                labels: Some(BTreeMap::from([(LABEL_HASH.to_string(), hash.to_string())])),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: node.map(Into::into),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    last_transition_time: Some(Time(SimTime::from_secs(created + 1).to_chrono())),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    fn ctx(should_run: bool, should_continue: bool, surge: bool) -> NodeContext<'static> {
        NodeContext {
            node: "node-1",
            should_run,
            should_continue,
            surge,
            hash: "new",
            min_ready_seconds: 0,
            now: SimTime::from_secs(100),
            backoff_prefix: "ds/1/",
        }
    }

    fn deleting(mut p: Pod) -> Pod {
        p.metadata.deletion_timestamp = Some(Time(SimTime::from_secs(50).to_chrono()));
        p
    }

    #[test]
    fn pods_should_be_on_node_table_fact_24() {
        let a = pod("ds-aaaaa", Some("node-1"), 10, "Running", true, "old");
        let b = pod("ds-bbbbb", Some("node-1"), 20, "Running", true, "old");
        let pending = pod("ds-ccccc", None, 5, "Pending", false, "old");
        let failed = pod("ds-fffff", Some("node-1"), 10, "Failed", false, "old");
        let done = pod("ds-sssss", Some("node-1"), 10, "Succeeded", false, "old");
        let gone = deleting(pod("ds-ddddd", Some("node-1"), 10, "Running", true, "old"));
        type Case<'a> = (
            &'a str,
            (bool, bool),
            Option<Vec<&'a Pod>>,
            bool,
            Vec<&'a str>,
        );
        let cases: Vec<Case> = vec![
            ("no pod → create", (true, true), None, true, vec![]),
            (
                "no pod, should not run → nothing",
                (false, true),
                None,
                false,
                vec![],
            ),
            (
                "one pod → keep",
                (true, true),
                Some(vec![&a]),
                false,
                vec![],
            ),
            (
                "duplicates → keep the oldest",
                (true, true),
                Some(vec![&b, &a]),
                false,
                vec!["ds-bbbbb"],
            ),
            (
                "scheduled beats older pending",
                (true, true),
                Some(vec![&pending, &b]),
                false,
                vec!["ds-ccccc"],
            ),
            (
                "failed pod deleted, not replaced yet",
                (true, true),
                Some(vec![&failed]),
                false,
                vec!["ds-fffff"],
            ),
            (
                "succeeded pod deleted",
                (true, true),
                Some(vec![&done]),
                false,
                vec!["ds-sssss"],
            ),
            (
                "terminating pod blocks a replacement (T1)",
                (true, true),
                Some(vec![&gone]),
                false,
                vec![],
            ),
            (
                "NoSchedule taint keeps the pod (T7)",
                (false, true),
                Some(vec![&a]),
                false,
                vec![],
            ),
            (
                "mismatch deletes all but terminating",
                (false, false),
                Some(vec![&a, &gone, &b]),
                false,
                vec!["ds-aaaaa", "ds-bbbbb"],
            ),
        ];
        for (what, (run, cont), pods, create, delete) in cases {
            let mut backoff = FailedPodBackoff::default();
            let plan =
                pods_should_be_on_node(&ctx(run, cont, false), pods.as_deref(), &mut backoff);
            assert_eq!(plan.create, create, "{what}");
            assert_eq!(plan.delete, delete, "{what}");
        }
    }

    #[test]
    fn failed_pod_deletion_backs_off_1s_doubling_fact_24() {
        let failed = pod("ds-fffff", Some("node-1"), 10, "Failed", false, "old");
        let mut backoff = FailedPodBackoff::default();
        let mut c = ctx(true, true, false);
        let plan = pods_should_be_on_node(&c, Some(&[&failed]), &mut backoff);
        assert_eq!(plan.delete, ["ds-fffff"]);
        assert_eq!(plan.events[0].1, "FailedDaemonPod");
        assert_eq!(
            plan.events[0].2,
            "Found failed daemon pod default/ds-fffff on node node-1, will try to kill it"
        );
        // The replacement failed within the second: held back, look again in 1s.
        c.now = c.now + SimDuration(500);
        let plan = pods_should_be_on_node(&c, Some(&[&failed]), &mut backoff);
        assert!(plan.delete.is_empty());
        assert_eq!(plan.requeue_after, Some(SimDuration::from_secs(1)));
        c.now = c.now + SimDuration(500);
        let plan = pods_should_be_on_node(&c, Some(&[&failed]), &mut backoff);
        assert_eq!(plan.delete, ["ds-fffff"]);
        // Now the delay is 2s.
        c.now = c.now + SimDuration(1999);
        let plan = pods_should_be_on_node(&c, Some(&[&failed]), &mut backoff);
        assert_eq!(plan.requeue_after, Some(SimDuration::from_secs(2)));
    }

    #[test]
    fn surge_keeps_old_until_new_is_available_fact_34() {
        let old = pod("ds-old00", Some("node-1"), 10, "Running", true, "old");
        let fresh = pod("ds-new00", Some("node-1"), 90, "Running", false, "new");
        let plan = pods_should_be_on_node(
            &ctx(true, true, true),
            Some(&[&old, &fresh]),
            &mut FailedPodBackoff::default(),
        );
        assert!(plan.delete.is_empty());
        let ready = pod("ds-new00", Some("node-1"), 90, "Running", true, "new");
        let plan = pods_should_be_on_node(
            &ctx(true, true, true),
            Some(&[&old, &ready]),
            &mut FailedPodBackoff::default(),
        );
        assert_eq!(plan.delete, ["ds-old00"]);
        let unready_old = pod("ds-old00", Some("node-1"), 10, "Running", false, "old");
        let plan = pods_should_be_on_node(
            &ctx(true, true, true),
            Some(&[&unready_old, &fresh]),
            &mut FailedPodBackoff::default(),
        );
        assert_eq!(plan.delete, ["ds-old00"]);
        // With surge, a node whose only pod is terminating gets a new pod at once.
        let gone = deleting(old.clone());
        let plan = pods_should_be_on_node(
            &ctx(true, true, true),
            Some(&[&gone]),
            &mut FailedPodBackoff::default(),
        );
        assert!(plan.create);
    }

    #[test]
    fn availability_is_strictly_after_min_ready_seconds_fact_36_t17() {
        // Ready since 11s.
        let p = pod("p", Some("n"), 10, "Running", true, "h");
        assert!(is_available(&p, 0, SimTime::from_secs(11)));
        assert!(!is_available(&p, 5, SimTime::from_secs(16)));
        assert!(is_available(&p, 5, SimTime(16_001)));
        let q = pod("q", Some("n"), 10, "Running", false, "h");
        assert!(!is_available(&q, 0, SimTime::from_secs(100)));
    }

    #[test]
    fn template_generation_label_compares_as_go_formats_it() {
        for g in [
            0i64,
            1,
            9,
            10,
            42,
            1234567890123,
            -3,
            i64::MAX,
            i64::MIN + 1,
        ] {
            assert!(is_decimal_of(&g.to_string(), g), "{g}");
            assert!(!is_decimal_of(&format!("0{g}"), g), "{g}");
            assert!(
                !is_decimal_of(&(g / 2 + 1).to_string(), g) || g / 2 + 1 == g,
                "{g}"
            );
        }
        assert!(!is_decimal_of("", 0));
        assert!(!is_decimal_of("+1", 1));
        assert!(!is_decimal_of("-0", 0));
    }

    #[test]
    fn updated_by_hash_or_template_generation_fact_27() {
        let mut p = pod("p", Some("n"), 10, "Running", true, "abc");
        assert!(is_updated(&p, "abc", None));
        assert!(!is_updated(&p, "xyz", Some(2)));
        p.metadata
            .labels
            .as_mut()
            .unwrap()
            .insert(LABEL_TEMPLATE_GENERATION.into(), "2".into());
        assert!(is_updated(&p, "xyz", Some(2)));
    }

    #[test]
    fn target_node_comes_from_binding_or_match_fields_fact_20() {
        let mut p = pod("p", None, 1, "Pending", false, "h");
        assert_eq!(target_node(&p), None);
        p.spec.as_mut().unwrap().affinity = Some(Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: None,
                        match_fields: Some(vec![NodeSelectorRequirement {
                            key: "metadata.name".into(),
                            operator: "In".into(),
                            values: Some(vec!["node-7".into()]),
                        }]),
                    }],
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(target_node(&p), Some("node-7"));
        p.spec.as_mut().unwrap().node_name = Some("node-8".into());
        assert_eq!(target_node(&p), Some("node-8"));
    }
}
