//! Which nodes a DaemonSet runs on (k/k `pkg/controller/daemon/daemon_controller.go`
//! `NodeShouldRunDaemonPod`/`predicates`/`NewPod`, `util.AddOrUpdateDaemonPodTolerations`,
//! component-helpers `nodeaffinity`; facts 12–16). Pure: a table of cases in the tests.

use crate::controllers::scheduler::{fits_node_affinity, tolerates};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, Taint, Toleration};

/// The tolerations every DaemonSet pod gets (`AddOrUpdateDaemonPodTolerations`, fact 14),
/// in the order the controller adds them: (key, effect).
pub const AUTOMATIC_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];
/// Added only for `hostNetwork: true` pods (fact 14).
pub const HOST_NETWORK_TOLERATION: (&str, &str) =
    ("node.kubernetes.io/network-unavailable", "NoSchedule");

fn exists_toleration(key: &str, effect: &str) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        value: None,
        toleration_seconds: None,
    }
}

/// `v1helper.AddOrUpdateTolerationInPodSpec`: a toleration with the same key, operator,
/// value and effect is replaced in place; otherwise the new one is appended.
fn add_or_update_toleration(spec: &mut PodSpec, toleration: Toleration) {
    let list = spec.tolerations.get_or_insert_with(Vec::new);
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let same = |t: &Toleration| {
        s(&t.key) == s(&toleration.key)
            && s(&t.effect) == s(&toleration.effect)
            && s(&t.operator) == s(&toleration.operator)
            && s(&t.value) == s(&toleration.value)
    };
    match list.iter_mut().find(|t| same(t)) {
        Some(existing) => *existing = toleration,
        None => list.push(toleration),
    }
}

/// Adds the automatic DaemonSet tolerations to a pod spec (fact 14).
pub fn add_daemon_tolerations(spec: &mut PodSpec) {
    for (key, effect) in AUTOMATIC_TOLERATIONS {
        add_or_update_toleration(spec, exists_toleration(key, effect));
    }
    if spec.host_network == Some(true) {
        let (key, effect) = HOST_NETWORK_TOLERATION;
        add_or_update_toleration(spec, exists_toleration(key, effect));
    }
}

/// `NodeShouldRunDaemonPod` for one DaemonSet, prepared once and asked per node. It holds
/// the "virtual pod" (`NewPod`): the template's nodeSelector, affinity and tolerations plus
/// the automatic ones (facts 12–16).
pub struct Eligibility {
    node_name: Option<String>,
    pod: Pod,
}

impl Eligibility {
    pub fn new(ds: &DaemonSet) -> Self {
        let template = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
        let mut spec = PodSpec {
            node_selector: template.and_then(|t| t.node_selector.clone()),
            affinity: template.and_then(|t| t.affinity.clone()),
            tolerations: template.and_then(|t| t.tolerations.clone()),
            host_network: template.and_then(|t| t.host_network),
            ..Default::default()
        };
        add_daemon_tolerations(&mut spec);
        Eligibility {
            node_name: template
                .and_then(|t| t.node_name.clone())
                .filter(|n| !n.is_empty()),
            pod: Pod {
                spec: Some(spec),
                ..Default::default()
            },
        }
    }

    /// (shouldRun, shouldContinueRunning) for `node` (facts 12, 13, 15, 16).
    pub fn check(&self, node: &Node) -> (bool, bool) {
        let name = node.metadata.name.as_deref().unwrap_or("");
        if self.node_name.as_deref().is_some_and(|n| n != name) {
            return (false, false);
        }
        if !fits_node_affinity(self.pod.spec.as_ref().expect("built with a spec"), node) {
            return (false, false);
        }
        let taints: &[Taint] = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or(&[]);
        let tolerations = self.tolerations();
        let untolerated = |effect: &str| {
            taints
                .iter()
                .any(|t| t.effect == effect && !tolerates(tolerations, t))
        };
        let no_execute = untolerated("NoExecute");
        if no_execute || untolerated("NoSchedule") {
            // Scheduled pods keep running unless a NoExecute taint is untolerated (fact 13).
            return (false, !no_execute);
        }
        (true, true)
    }

    /// The virtual pod's tolerations: the template's plus the automatic ones.
    pub fn tolerations(&self) -> &[Toleration] {
        self.pod
            .spec
            .as_ref()
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or(&[])
    }
}

/// `NodeShouldRunDaemonPod(node, ds)`: (shouldRun, shouldContinueRunning).
pub fn node_should_run(node: &Node, ds: &DaemonSet) -> (bool, bool) {
    Eligibility::new(ds).check(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::DaemonSetSpec;
    use k8s_openapi::api::core::v1::{
        Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, NodeSpec,
        PodTemplateSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use std::collections::BTreeMap;

    fn node(name: &str, labels: &[(&str, &str)], taints: &[(&str, &str)], cordoned: bool) -> Node {
        Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                unschedulable: cordoned.then_some(true),
                taints: Some(
                    taints
                        .iter()
                        .map(|(k, e)| Taint {
                            key: k.to_string(),
                            effect: e.to_string(),
                            value: None,
                            time_added: None,
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn ds(spec: PodSpec) -> DaemonSet {
        DaemonSet {
            spec: Some(DaemonSetSpec {
                template: PodTemplateSpec {
                    metadata: None,
                    spec: Some(spec),
                },
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn required(exprs: Vec<NodeSelectorRequirement>) -> Option<Affinity> {
        Some(Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: Some(exprs),
                        match_fields: None,
                    }],
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    #[test]
    fn every_automatic_toleration_of_fact_14_lets_the_pod_run() {
        // Each row of fact 14's table: a node tainted with exactly that key/effect.
        for (key, effect) in AUTOMATIC_TOLERATIONS {
            let n = node("n", &[], &[(key, effect)], false);
            assert_eq!(
                node_should_run(&n, &ds(PodSpec::default())),
                (true, true),
                "{key}:{effect}"
            );
        }
        // network-unavailable is tolerated only with hostNetwork.
        let (key, effect) = HOST_NETWORK_TOLERATION;
        let n = node("n", &[], &[(key, effect)], false);
        assert_eq!(node_should_run(&n, &ds(PodSpec::default())), (false, true));
        let host = PodSpec {
            host_network: Some(true),
            ..Default::default()
        };
        assert_eq!(node_should_run(&n, &ds(host)), (true, true));
        // The automatic not-ready/unreachable tolerations cover NoExecute only (fact 16).
        let n = node(
            "n",
            &[],
            &[("node.kubernetes.io/not-ready", "NoSchedule")],
            false,
        );
        assert_eq!(node_should_run(&n, &ds(PodSpec::default())), (false, true));
    }

    #[test]
    fn automatic_tolerations_are_exists_without_seconds_and_replace_equal_ones_fact_14() {
        let mut spec = PodSpec {
            tolerations: Some(vec![
                Toleration {
                    key: Some("node.kubernetes.io/not-ready".into()),
                    operator: Some("Exists".into()),
                    effect: Some("NoExecute".into()),
                    toleration_seconds: Some(300),
                    value: None,
                },
                Toleration {
                    key: Some("dedicated".into()),
                    operator: Some("Equal".into()),
                    value: Some("logs".into()),
                    effect: Some("NoSchedule".into()),
                    toleration_seconds: None,
                },
            ]),
            ..Default::default()
        };
        add_daemon_tolerations(&mut spec);
        add_daemon_tolerations(&mut spec); // idempotent
        let t = spec.tolerations.unwrap();
        assert_eq!(t.len(), 7, "{t:?}");
        assert_eq!(t[0].toleration_seconds, None, "replaced in place");
        assert_eq!(t[1].key.as_deref(), Some("dedicated"));
        let keys: Vec<&str> = t[2..].iter().map(|x| x.key.as_deref().unwrap()).collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable"
            ]
        );
        assert!(t
            .iter()
            .skip(2)
            .all(|x| x.operator.as_deref() == Some("Exists")));
    }

    #[test]
    fn eligibility_table_facts_12_13_15_t7() {
        let web = [("role", "web")];
        let plain = PodSpec::default();
        let selector = PodSpec {
            node_selector: Some(BTreeMap::from([("role".to_string(), "web".to_string())])),
            ..Default::default()
        };
        let affinity = PodSpec {
            affinity: required(vec![NodeSelectorRequirement {
                key: "role".into(),
                operator: "In".into(),
                values: Some(vec!["web".into()]),
            }]),
            ..Default::default()
        };
        let pinned = PodSpec {
            node_name: Some("node-2".into()),
            ..Default::default()
        };
        let tolerates_gpu = PodSpec {
            tolerations: Some(vec![Toleration {
                key: Some("gpu".into()),
                operator: Some("Exists".into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let cases: Vec<(&str, Node, &PodSpec, (bool, bool))> = vec![
            (
                "plain node",
                node("node-1", &[], &[], false),
                &plain,
                (true, true),
            ),
            (
                "cordoned node still runs one",
                node("node-1", &[], &[], true),
                &plain,
                (true, true),
            ),
            (
                "cordon taint is tolerated",
                node(
                    "node-1",
                    &[],
                    &[("node.kubernetes.io/unschedulable", "NoSchedule")],
                    true,
                ),
                &plain,
                (true, true),
            ),
            (
                "nodeSelector matches",
                node("node-1", &web, &[], false),
                &selector,
                (true, true),
            ),
            (
                "nodeSelector mismatch removes",
                node("node-1", &[], &[], false),
                &selector,
                (false, false),
            ),
            (
                "required affinity matches",
                node("node-1", &web, &[], false),
                &affinity,
                (true, true),
            ),
            (
                "required affinity mismatch removes",
                node("node-1", &[], &[], false),
                &affinity,
                (false, false),
            ),
            (
                "nodeName matches",
                node("node-2", &[], &[], false),
                &pinned,
                (true, true),
            ),
            (
                "nodeName mismatch",
                node("node-1", &[], &[], false),
                &pinned,
                (false, false),
            ),
            (
                "untolerated NoSchedule keeps existing",
                node("node-1", &[], &[("gpu", "NoSchedule")], false),
                &plain,
                (false, true),
            ),
            (
                "untolerated NoExecute removes",
                node("node-1", &[], &[("gpu", "NoExecute")], false),
                &plain,
                (false, false),
            ),
            (
                "NoExecute wins over NoSchedule",
                node(
                    "node-1",
                    &[],
                    &[("a", "NoSchedule"), ("b", "NoExecute")],
                    false,
                ),
                &plain,
                (false, false),
            ),
            (
                "PreferNoSchedule is ignored",
                node("node-1", &[], &[("gpu", "PreferNoSchedule")], false),
                &plain,
                (true, true),
            ),
            (
                "tolerated NoExecute",
                node("node-1", &[], &[("gpu", "NoExecute")], false),
                &tolerates_gpu,
                (true, true),
            ),
            (
                "mismatch beats tolerations",
                node("node-1", &[], &[("gpu", "NoSchedule")], false),
                &selector,
                (false, false),
            ),
        ];
        for (what, n, spec, want) in cases {
            assert_eq!(node_should_run(&n, &ds(spec.clone())), want, "{what}");
        }
    }

    #[test]
    fn node_affinity_operators_match_like_kubernetes() {
        let n = node("node-1", &[("zone", "a"), ("cores", "8")], &[], false);
        let req = |key: &str, op: &str, values: &[&str]| NodeSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
        };
        let cases = [
            (req("zone", "In", &["a", "b"]), true),
            (req("zone", "In", &["b"]), false),
            (req("zone", "NotIn", &["b"]), true),
            (req("missing", "NotIn", &["b"]), true),
            (req("zone", "Exists", &[]), true),
            (req("zone", "DoesNotExist", &[]), false),
            (req("cores", "Gt", &["4"]), true),
            (req("cores", "Lt", &["4"]), false),
            (req("cores", "Gt", &["many"]), false),
            (req("zone", "Bogus", &["a"]), false),
        ];
        for (r, want) in cases {
            let spec = PodSpec {
                affinity: required(vec![r.clone()]),
                ..Default::default()
            };
            assert_eq!(fits_node_affinity(&spec, &n), want, "{r:?}");
        }
        let with_term = |term: NodeSelectorTerm| PodSpec {
            affinity: Some(Affinity {
                node_affinity: Some(NodeAffinity {
                    required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                        node_selector_terms: vec![term],
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let field = |key: &str, name: &str| {
            with_term(NodeSelectorTerm {
                match_expressions: None,
                match_fields: Some(vec![req(key, "In", &[name])]),
            })
        };
        assert!(fits_node_affinity(&field("metadata.name", "node-1"), &n));
        assert!(!fits_node_affinity(&field("metadata.name", "node-2"), &n));
        assert!(!fits_node_affinity(&field("metadata.uid", "node-1"), &n));
        // An empty term matches nothing.
        assert!(!fits_node_affinity(
            &with_term(NodeSelectorTerm::default()),
            &n
        ));
    }
}
