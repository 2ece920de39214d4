//! The DaemonSet controller driving a whole simulated cluster: scheduler, kubelet, garbage
//! collector and this controller together, checked instant by instant where the facts
//! speak about instants.

use super::decide::{is_available, LABEL_HASH, LABEL_TEMPLATE_GENERATION};
use super::strategy::template_generation;
use crate::api::{Kind, ObjKey, Object};
use crate::bootstrap::NodeSpec;
use crate::sim::SimDuration;
use crate::store::DeleteOptions;
use crate::{Cluster, ClusterConfig};
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::api::core::v1::{
    Container, Pod, PodSpec, PodTemplateSpec, ResourceRequirements, Taint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{BTreeMap, BTreeSet};

const NS: &str = "default";

/// A DaemonSet as the API server stores it after defaulting (fact 7): RollingUpdate with
/// maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10, restartPolicy Always, grace 30s.
fn daemon_set(name: &str, image: &str) -> DaemonSet {
    let labels = BTreeMap::from([("app".to_string(), name.to_string())]);
    DaemonSet {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(NS.into()),
            ..Default::default()
        },
        spec: Some(DaemonSetSpec {
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "nginx-container".into(),
                        image: Some(image.into()),
                        ..Default::default()
                    }],
                    restart_policy: Some("Always".into()),
                    termination_grace_period_seconds: Some(30),
                    ..Default::default()
                }),
            },
            update_strategy: Some(rolling(0, 1)),
            revision_history_limit: Some(10),
            min_ready_seconds: None,
        }),
        status: None,
    }
}

fn rolling(surge: i32, unavailable: i32) -> DaemonSetUpdateStrategy {
    DaemonSetUpdateStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(RollingUpdateDaemonSet {
            max_surge: Some(IntOrString::Int(surge)),
            max_unavailable: Some(IntOrString::Int(unavailable)),
        }),
    }
}

fn on_delete() -> DaemonSetUpdateStrategy {
    DaemonSetUpdateStrategy {
        type_: Some("OnDelete".into()),
        rolling_update: None,
    }
}

/// A container that ignores SIGTERM (a `sleep` as PID 1): deletion takes the grace period.
fn sleeper(ds: &mut DaemonSet) {
    let c = &mut ds
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0];
    c.image = Some("busybox:1.36".into());
    c.command = Some(vec!["sleep".into(), "3600".into()]);
}

fn nodes(n: usize) -> Cluster {
    Cluster::new(ClusterConfig {
        nodes: (1..=n).map(|i| format!("node-{i}")).collect(),
        ..Default::default()
    })
}

fn ds_key(name: &str) -> ObjKey {
    ObjKey::new(Kind::DaemonSet, NS, name)
}

fn create(c: &mut Cluster, ds: DaemonSet) {
    c.world.create(Object::DaemonSet(ds)).unwrap();
    c.reconcile_now().unwrap();
}

fn get_ds(c: &Cluster, name: &str) -> DaemonSet {
    c.world
        .store
        .get(&ds_key(name))
        .unwrap()
        .daemon_set()
        .unwrap()
        .clone()
}

fn status(c: &Cluster, name: &str) -> DaemonSetStatus {
    get_ds(c, name).status.unwrap_or_default()
}

/// (desired, current, ready, up-to-date, available) — `kubectl get ds`'s numbers.
fn columns(c: &Cluster, name: &str) -> (i32, i32, i32, i32, i32) {
    let s = status(c, name);
    (
        s.desired_number_scheduled,
        s.current_number_scheduled,
        s.number_ready,
        s.updated_number_scheduled.unwrap_or(0),
        s.number_available.unwrap_or(0),
    )
}

/// The DaemonSet's pods (through the owner index), by name.
fn pods(c: &Cluster, name: &str) -> Vec<Pod> {
    let uid = c.world.store.get(&ds_key(name)).unwrap().uid().to_string();
    c.world
        .store
        .dependents(&uid)
        .iter()
        .filter_map(|o| o.pod().cloned())
        .collect()
}

fn node_of(p: &Pod) -> String {
    p.spec
        .as_ref()
        .unwrap()
        .node_name
        .clone()
        .unwrap_or_default()
}

fn image_of(p: &Pod) -> String {
    p.spec.as_ref().unwrap().containers[0]
        .image
        .clone()
        .unwrap()
}

fn label<'a>(p: &'a Pod, k: &str) -> &'a str {
    p.metadata
        .labels
        .as_ref()
        .unwrap()
        .get(k)
        .map(String::as_str)
        .unwrap_or("")
}

fn set_image(c: &mut Cluster, name: &str, image: &str) {
    let now = c.now();
    c.world
        .store
        .modify(&ds_key(name), now, |o| {
            let ds = o.daemon_set_mut().unwrap();
            ds.spec
                .as_mut()
                .unwrap()
                .template
                .spec
                .as_mut()
                .unwrap()
                .containers[0]
                .image = Some(image.into());
        })
        .unwrap();
    c.reconcile_now().unwrap();
}

fn advance(c: &mut Cluster, secs: i64) {
    c.advance(SimDuration::from_secs(secs)).unwrap();
}

fn revisions(c: &Cluster, name: &str) -> Vec<(String, i64)> {
    let uid = c.world.store.get(&ds_key(name)).unwrap().uid().to_string();
    let mut out: Vec<(String, i64)> = c
        .world
        .store
        .dependents(&uid)
        .iter()
        .filter_map(|o| {
            o.controller_revision()
                .map(|r| (o.name().to_string(), r.revision))
        })
        .collect();
    out.sort();
    out
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.world
        .events
        .occurrences()
        .filter(|o| o.reason == reason && o.component == super::NAME)
        .map(|o| o.message.clone())
        .collect()
}

fn modify_node(c: &mut Cluster, node: &str, f: impl FnOnce(&mut k8s_openapi::api::core::v1::Node)) {
    let now = c.now();
    c.world
        .store
        .modify(&ObjKey::new(Kind::Node, "", node), now, |o| {
            f(o.node_mut().unwrap())
        })
        .unwrap();
    c.reconcile_now().unwrap();
}

fn taint(c: &mut Cluster, node: &str, key: &str, effect: &str) {
    modify_node(c, node, |n| {
        n.spec
            .get_or_insert_with(Default::default)
            .taints
            .get_or_insert_with(Vec::new)
            .push(Taint {
                key: key.into(),
                effect: effect.into(),
                value: None,
                time_added: None,
            })
    });
}

#[test]
fn creates_one_pod_per_node_with_labels_affinity_tolerations_and_owner_facts_19_20_21() {
    let mut c = nodes(3);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    let ps = pods(&c, "sample-ds");
    assert_eq!(ps.len(), 3);
    let on: BTreeSet<String> = ps.iter().map(node_of).collect();
    assert_eq!(
        on,
        BTreeSet::from(["node-1".into(), "node-2".into(), "node-3".into()])
    );
    let (cr_name, revision) = revisions(&c, "sample-ds")[0].clone();
    assert_eq!(revision, 1);
    let hash = cr_name.strip_prefix("sample-ds-").unwrap();
    assert!(hash.chars().all(|ch| "456789bcdf".contains(ch)), "{hash}");
    for p in &ps {
        let name = p.metadata.name.as_deref().unwrap();
        let suffix = name.strip_prefix("sample-ds-").unwrap();
        assert_eq!(suffix.len(), 5, "{name}");
        assert!(suffix
            .bytes()
            .all(|b| crate::sim::rng::SUFFIX_ALPHABET.contains(&b)));
        assert_eq!(p.metadata.generate_name.as_deref(), Some("sample-ds-"));
        assert_eq!(label(p, "app"), "sample-ds");
        assert_eq!(label(p, LABEL_HASH), hash, "bare hash, no DS prefix (T5)");
        assert_eq!(label(p, LABEL_TEMPLATE_GENERATION), "1");
        let owner = &p.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("DaemonSet", "sample-ds")
        );
        assert_eq!(
            (owner.controller, owner.block_owner_deletion),
            (Some(true), Some(true))
        );
        let spec = p.spec.as_ref().unwrap();
        let terms = &spec
            .affinity
            .as_ref()
            .unwrap()
            .node_affinity
            .as_ref()
            .unwrap()
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()
            .node_selector_terms;
        let field = &terms[0].match_fields.as_ref().unwrap()[0];
        assert_eq!(field.key, "metadata.name");
        assert_eq!(
            field.values.as_ref().unwrap(),
            &vec![node_of(p)],
            "bound where it was aimed"
        );
        let tolerations: Vec<&str> = spec
            .tolerations
            .as_ref()
            .unwrap()
            .iter()
            .map(|t| t.key.as_deref().unwrap())
            .collect();
        assert_eq!(tolerations.len(), 6, "{tolerations:?}");
    }
    // Pods are bound by the scheduler, Running and Ready after the kubelet's 1s.
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 0, 3, 0));
    advance(&mut c, 1);
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 3, 3, 3));
    let s = status(&c, "sample-ds");
    assert_eq!(s.observed_generation, Some(1));
    assert_eq!(s.number_misscheduled, 0);
    assert_eq!(s.number_unavailable, None, "omitempty at 0");
    let created = events(&c, "SuccessfulCreate");
    assert_eq!(created.len(), 3);
    for p in &ps {
        assert!(created.contains(&format!(
            "Created pod: {}",
            p.metadata.name.as_deref().unwrap()
        )));
    }
    assert_eq!(template_generation(&get_ds(&c, "sample-ds")), Some(1));
}

#[test]
fn a_node_added_later_gets_its_pod_at_once_fact_17() {
    let mut c = nodes(2);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 5);
    assert_eq!(columns(&c, "sample-ds"), (2, 2, 2, 2, 2));
    c.add_node(NodeSpec::named("node-3")).unwrap();
    let on_new: Vec<Pod> = pods(&c, "sample-ds")
        .into_iter()
        .filter(|p| node_of(p) == "node-3")
        .collect();
    assert_eq!(on_new.len(), 1, "created and bound in the same instant");
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 2, 3, 2));
    advance(&mut c, 1);
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 3, 3, 3));
}

#[test]
fn on_delete_moves_nothing_until_a_pod_is_deleted_then_only_that_one_updates_fact_35() {
    let mut c = nodes(3);
    let mut ds = daemon_set("sample-ds-ondelete", "nginx:1.16");
    ds.spec.as_mut().unwrap().update_strategy = Some(on_delete());
    create(&mut c, ds);
    advance(&mut c, 5);
    let before: BTreeSet<String> = pods(&c, "sample-ds-ondelete")
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    set_image(&mut c, "sample-ds-ondelete", "nginx:1.17");
    advance(&mut c, 120);
    let after: BTreeSet<String> = pods(&c, "sample-ds-ondelete")
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(before, after, "nothing replaced");
    assert_eq!(columns(&c, "sample-ds-ondelete"), (3, 3, 3, 0, 3));
    assert_eq!(revisions(&c, "sample-ds-ondelete").len(), 2);
    assert_eq!(
        template_generation(&get_ds(&c, "sample-ds-ondelete")),
        Some(2)
    );
    assert_eq!(
        status(&c, "sample-ds-ondelete").observed_generation,
        Some(2)
    );

    let victim = pods(&c, "sample-ds-ondelete")[0].clone();
    let key = ObjKey::new(Kind::Pod, NS, victim.metadata.name.as_deref().unwrap());
    let now = c.now();
    c.world
        .store
        .delete(&key, &DeleteOptions::default(), now)
        .unwrap();
    c.reconcile_now().unwrap();
    let now_pods = pods(&c, "sample-ds-ondelete");
    assert_eq!(now_pods.len(), 3);
    let fresh: Vec<&Pod> = now_pods
        .iter()
        .filter(|p| !before.contains(p.metadata.name.as_deref().unwrap()))
        .collect();
    assert_eq!(fresh.len(), 1, "only the deleted pod comes back");
    assert_eq!(node_of(fresh[0]), node_of(&victim));
    assert_eq!(image_of(fresh[0]), "nginx:1.17");
    assert_eq!(label(fresh[0], LABEL_TEMPLATE_GENERATION), "2");
    assert_eq!(
        now_pods
            .iter()
            .filter(|p| image_of(p) == "nginx:1.16")
            .count(),
        2
    );
    advance(&mut c, 2);
    assert_eq!(columns(&c, "sample-ds-ondelete"), (3, 3, 3, 1, 3));
}

/// Nodes without an available, non-terminating DS pod.
fn unavailable_nodes(c: &Cluster, name: &str, all: &[&str]) -> usize {
    let now = c.now();
    let ps = pods(c, name);
    all.iter()
        .filter(|n| {
            !ps.iter().any(|p| {
                node_of(p) == **n
                    && p.metadata.deletion_timestamp.is_none()
                    && is_available(p, 0, now)
            })
        })
        .count()
}

/// Runs a rolling update instant by instant; returns the nodes whose pods went first.
fn roll(seed: u64, max_unavailable: i32) -> (Vec<usize>, BTreeSet<String>) {
    let mut c = Cluster::new(ClusterConfig {
        seed,
        nodes: (1..=5).map(|i| format!("node-{i}")).collect(),
        ..Default::default()
    });
    let mut ds = daemon_set("sample-ds", "nginx:1.16");
    ds.spec.as_mut().unwrap().update_strategy = Some(rolling(0, max_unavailable));
    create(&mut c, ds);
    advance(&mut c, 5);
    let names = ["node-1", "node-2", "node-3", "node-4", "node-5"];
    set_image(&mut c, "sample-ds", "nginx:1.17");
    let first: BTreeSet<String> = pods(&c, "sample-ds")
        .iter()
        .filter(|p| image_of(p) == "nginx:1.17")
        .map(node_of)
        .collect();
    let mut seen = vec![unavailable_nodes(&c, "sample-ds", &names)];
    for _ in 0..200 {
        if !c.step().unwrap() {
            break;
        }
        seen.push(unavailable_nodes(&c, "sample-ds", &names));
        assert!(status(&c, "sample-ds").number_unavailable.unwrap_or(0) <= max_unavailable);
        if columns(&c, "sample-ds") == (5, 5, 5, 5, 5) {
            break;
        }
    }
    assert_eq!(columns(&c, "sample-ds"), (5, 5, 5, 5, 5));
    let ps = pods(&c, "sample-ds");
    assert_eq!(ps.len(), 5);
    assert!(ps.iter().all(|p| image_of(p) == "nginx:1.17"));
    (seen, first)
}

#[test]
fn rolling_update_max_unavailable_2_on_5_nodes_never_has_more_than_2_down_facts_31_32() {
    let (seen, first) = roll(0, 2);
    assert!(seen.iter().all(|u| *u <= 2), "{seen:?}");
    assert!(seen.contains(&2), "the budget of 2 is used: {seen:?}");
    assert_eq!(first.len(), 2, "two pods replaced at a time");
}

#[test]
fn rolling_update_victims_are_drawn_from_the_seeded_rng_not_node_order_t2() {
    let firsts: BTreeSet<BTreeSet<String>> = (0..8).map(|seed| roll(seed, 2).1).collect();
    assert!(
        firsts.len() > 1,
        "the same two nodes went first for every seed: {firsts:?}"
    );
    // And the same seed replays the same choice.
    assert_eq!(roll(3, 2).1, roll(3, 2).1);
}

#[test]
fn replacement_is_created_only_after_the_old_pod_is_gone_t1() {
    let mut c = nodes(3);
    let mut ds = daemon_set("slow", "busybox:1.36");
    sleeper(&mut ds);
    create(&mut c, ds);
    advance(&mut c, 5);
    let mut updated = ds_template_with_command(&get_ds(&c, "slow"), "sleep 7200");
    updated.status = None;
    let now = c.now();
    c.world
        .store
        .replace(Object::DaemonSet(updated), now)
        .unwrap();
    c.reconcile_now().unwrap();
    let terminating: Vec<Pod> = pods(&c, "slow")
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .collect();
    assert_eq!(terminating.len(), 1, "maxUnavailable 1");
    let node = node_of(&terminating[0]);
    let gone_at = c.now() + SimDuration::from_secs(30);
    while c.now() < gone_at {
        let on_node: Vec<Pod> = pods(&c, "slow")
            .into_iter()
            .filter(|p| node_of(p) == node || p.spec.as_ref().unwrap().node_name.is_none())
            .collect();
        assert_eq!(
            on_node.len(),
            1,
            "no replacement while the old pod terminates (at {})",
            c.now()
        );
        assert_eq!(columns(&c, "slow").0, 3);
        assert!(c.step().unwrap());
    }
    assert_eq!(c.now(), gone_at, "SIGKILL at the grace deadline");
    let on_node: Vec<Pod> = pods(&c, "slow")
        .into_iter()
        .filter(|p| node_of(p) == node)
        .collect();
    assert_eq!(on_node.len(), 1);
    assert_ne!(
        on_node[0].metadata.name, terminating[0].metadata.name,
        "a new random name"
    );
    assert_eq!(
        on_node[0].metadata.creation_timestamp.as_ref().unwrap().0,
        gone_at.to_chrono(),
        "created the instant the old one disappeared"
    );
}

fn ds_template_with_command(ds: &DaemonSet, command: &str) -> DaemonSet {
    let mut ds = ds.clone();
    let c = &mut ds
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0];
    c.command = Some(command.split(' ').map(String::from).collect());
    ds
}

#[test]
fn no_schedule_taint_keeps_the_pod_as_misscheduled_no_execute_removes_it_t7() {
    let mut c = nodes(3);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    taint(&mut c, "node-2", "dedicated", "NoSchedule");
    advance(&mut c, 60);
    assert_eq!(
        pods(&c, "sample-ds").len(),
        3,
        "NoSchedule keeps the running pod"
    );
    let s = status(&c, "sample-ds");
    assert_eq!((s.desired_number_scheduled, s.number_misscheduled), (2, 1));
    taint(&mut c, "node-3", "dedicated", "NoExecute");
    advance(&mut c, 1);
    let left: BTreeSet<String> = pods(&c, "sample-ds").iter().map(node_of).collect();
    assert_eq!(left, BTreeSet::from(["node-1".into(), "node-2".into()]));
    assert_eq!(columns(&c, "sample-ds").0, 1);
    assert_eq!(events(&c, "SuccessfulDelete").len(), 1);
}

#[test]
fn cordoned_nodes_keep_and_get_daemon_pods_fact_15() {
    let mut c = nodes(2);
    modify_node(&mut c, "node-2", |n| {
        n.spec.get_or_insert_with(Default::default).unschedulable = Some(true);
        n.spec.as_mut().unwrap().taints = Some(vec![Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            effect: "NoSchedule".into(),
            value: None,
            time_added: None,
        }]);
    });
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    let on: BTreeSet<String> = pods(&c, "sample-ds").iter().map(node_of).collect();
    assert!(on.contains("node-2"), "{on:?}");
    assert_eq!(columns(&c, "sample-ds"), (2, 2, 2, 2, 2));
}

#[test]
fn a_label_mismatch_removes_the_pod_and_a_match_adds_one_fact_13_17() {
    let mut c = nodes(3);
    modify_node(&mut c, "node-1", |n| {
        n.metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("logging".into(), "on".into());
    });
    let mut ds = daemon_set("logs", "nginx:1.16");
    ds.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .node_selector = Some(BTreeMap::from([("logging".to_string(), "on".to_string())]));
    create(&mut c, ds);
    advance(&mut c, 2);
    assert_eq!(
        pods(&c, "logs").iter().map(node_of).collect::<Vec<_>>(),
        ["node-1"]
    );
    modify_node(&mut c, "node-3", |n| {
        n.metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("logging".into(), "on".into());
    });
    modify_node(&mut c, "node-1", |n| {
        n.metadata.labels.as_mut().unwrap().remove("logging");
    });
    advance(&mut c, 2);
    assert_eq!(
        pods(&c, "logs").iter().map(node_of).collect::<Vec<_>>(),
        ["node-3"]
    );
    assert_eq!(columns(&c, "logs"), (1, 1, 1, 1, 1));
}

#[test]
fn a_pod_that_cannot_fit_counts_in_current_but_not_ready_t20_fact_29() {
    let mut c = nodes(3);
    c.add_node(NodeSpec {
        name: "small".into(),
        cpu: Some("100m".into()),
        ..Default::default()
    })
    .unwrap();
    let mut ds = daemon_set("agent", "nginx:1.16");
    ds.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .resources = Some(ResourceRequirements {
        requests: Some(BTreeMap::from([(
            "cpu".to_string(),
            Quantity("500m".into()),
        )])),
        ..Default::default()
    });
    create(&mut c, ds);
    advance(&mut c, 30);
    assert_eq!(columns(&c, "agent"), (4, 4, 3, 4, 3));
    let stuck: Vec<Pod> = pods(&c, "agent")
        .into_iter()
        .filter(|p| p.spec.as_ref().unwrap().node_name.is_none())
        .collect();
    assert_eq!(stuck.len(), 1, "pending, never bound");
}

#[test]
fn a_removed_node_drops_desired_at_once_while_its_pod_lingers_until_podgc_t20_fact_18() {
    let mut c = nodes(3);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    c.remove_node("node-3").unwrap();
    let s = status(&c, "sample-ds");
    assert_eq!(
        (s.desired_number_scheduled, s.current_number_scheduled),
        (2, 2)
    );
    let on_gone = |c: &Cluster| {
        pods(c, "sample-ds")
            .iter()
            .filter(|p| node_of(p) == "node-3")
            .count()
    };
    assert_eq!(
        on_gone(&c),
        1,
        "the DS controller leaves scheduled pods to PodGC"
    );
    advance(&mut c, 39);
    assert_eq!(on_gone(&c), 1, "still in PodGC's 40s quarantine");
    advance(&mut c, 21);
    assert_eq!(on_gone(&c), 0, "PodGC collected it");
    assert_eq!(columns(&c, "sample-ds"), (2, 2, 2, 2, 2));
    assert_eq!(
        pods(&c, "sample-ds").len(),
        2,
        "no pod for a node that is gone"
    );
}

#[test]
fn rollback_reuses_the_old_revision_and_bumps_its_number_t6_fact_40_42() {
    let mut c = nodes(3);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    let first = revisions(&c, "sample-ds")[0].0.clone();
    set_image(&mut c, "sample-ds", "nginx:1.17");
    advance(&mut c, 30);
    assert!(pods(&c, "sample-ds")
        .iter()
        .all(|p| image_of(p) == "nginx:1.17"));
    set_image(&mut c, "sample-ds", "nginx:1.16");
    advance(&mut c, 30);
    let revs = revisions(&c, "sample-ds");
    assert_eq!(revs.len(), 2, "no new revision: {revs:?}");
    let back = revs.iter().find(|(n, _)| *n == first).unwrap();
    assert_eq!(back.1, 3, "revision 1 became revision 3");
    assert!(pods(&c, "sample-ds")
        .iter()
        .all(|p| image_of(p) == "nginx:1.16"));
    assert!(pods(&c, "sample-ds")
        .iter()
        .all(|p| label(p, LABEL_TEMPLATE_GENERATION) == "3"));
    assert_eq!(template_generation(&get_ds(&c, "sample-ds")), Some(3));
}

#[test]
fn a_rollback_does_not_restart_pods_already_on_that_template_fact_42() {
    let mut c = nodes(3);
    let mut ds = daemon_set("sample-ds", "nginx:1.16");
    ds.spec.as_mut().unwrap().update_strategy = Some(on_delete());
    create(&mut c, ds);
    advance(&mut c, 2);
    let before: BTreeSet<String> = pods(&c, "sample-ds")
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    set_image(&mut c, "sample-ds", "nginx:1.17");
    advance(&mut c, 2);
    assert_eq!(columns(&c, "sample-ds").3, 0);
    set_image(&mut c, "sample-ds", "nginx:1.16");
    advance(&mut c, 2);
    assert_eq!(
        columns(&c, "sample-ds").3,
        3,
        "the old pods are up to date again by hash"
    );
    let after: BTreeSet<String> = pods(&c, "sample-ds")
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn revision_history_limit_deletes_the_oldest_unused_revisions_fact_41() {
    let mut c = nodes(2);
    let mut ds = daemon_set("sample-ds", "nginx:1.0");
    ds.spec.as_mut().unwrap().revision_history_limit = Some(2);
    create(&mut c, ds);
    for i in 1..=5 {
        advance(&mut c, 10);
        set_image(&mut c, "sample-ds", &format!("nginx:1.{i}"));
    }
    advance(&mut c, 30);
    let revs: Vec<i64> = revisions(&c, "sample-ds").iter().map(|r| r.1).collect();
    let mut sorted = revs.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [4, 5, 6],
        "current plus the 2 newest old ones: {revs:?}"
    );
}

#[test]
fn min_ready_seconds_is_strict_and_requeues_t17_fact_36() {
    let mut c = nodes(3);
    let mut ds = daemon_set("sample-ds", "nginx:1.16");
    ds.spec.as_mut().unwrap().min_ready_seconds = Some(5);
    create(&mut c, ds);
    let start = c.now();
    // Ready at +1s; available only once more than 5s have passed: at +7s, not +6s.
    c.advance(SimDuration::from_secs(6)).unwrap();
    assert_eq!(c.now(), start + SimDuration::from_secs(6));
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 3, 3, 0));
    c.advance(SimDuration::from_secs(1)).unwrap();
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 3, 3, 3));
}

#[test]
fn failed_pods_are_deleted_and_replaced_with_backoff_doubling_from_1s_fact_24() {
    // A pod that fails 1s after each start (DaemonSets require restartPolicy Always; a pod
    // ends Failed in a real cluster through eviction or admission, here through Never).
    let mut c = nodes(1);
    let mut ds = daemon_set("crashy", "busybox:1.36");
    let spec = ds.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    spec.restart_policy = Some("Never".into());
    spec.containers[0].command = Some(vec!["sh".into(), "-c".into(), "exit 1".into()]);
    create(&mut c, ds);
    let start = c.now();
    advance(&mut c, 40);
    let times: Vec<i64> = c
        .world
        .events
        .occurrences()
        .filter(|o| o.reason == "FailedDaemonPod")
        .map(|o| (o.time - start).secs())
        .collect();
    // Deleted at once, then 1s after the previous deletion, then held back by 2s, 4s, 8s,
    // 16s (each replacement fails 1s after it was created).
    assert_eq!(times, [1, 2, 5, 10, 19, 36]);
    let first = events(&c, "FailedDaemonPod")[0].clone();
    assert!(
        first.starts_with("Found failed daemon pod default/crashy-"),
        "{first}"
    );
    assert!(
        first.ends_with(" on node node-1, will try to kill it"),
        "{first}"
    );
    assert_eq!(pods(&c, "crashy").len(), 1, "one pod at a time");
}

#[test]
fn at_most_one_pod_per_node_the_oldest_is_kept_fact_24() {
    let mut c = nodes(1);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    let original = pods(&c, "sample-ds")[0].clone();
    // A stray copy with the same owner appears (e.g. from a race): the younger one goes.
    let mut extra = original.clone();
    extra.metadata.name = Some("sample-ds-extra".into());
    extra.metadata.uid = None;
    extra.metadata.resource_version = None;
    extra.status = None;
    c.world.create(Object::Pod(extra)).unwrap();
    c.reconcile_now().unwrap();
    let names: Vec<String> = pods(&c, "sample-ds")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, [original.metadata.name.clone().unwrap()]);
}

#[test]
fn surge_brings_the_new_pod_up_before_the_old_one_goes_fact_34() {
    let mut c = nodes(3);
    let mut ds = daemon_set("sample-ds", "nginx:1.16");
    ds.spec.as_mut().unwrap().update_strategy = Some(rolling(1, 0));
    create(&mut c, ds);
    advance(&mut c, 2);
    set_image(&mut c, "sample-ds", "nginx:1.17");
    let all = ["node-1", "node-2", "node-3"];
    for _ in 0..100 {
        assert_eq!(
            unavailable_nodes(&c, "sample-ds", &all),
            0,
            "at {}",
            c.now()
        );
        let live: Vec<Pod> = pods(&c, "sample-ds")
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let doubled = all
            .iter()
            .filter(|n| live.iter().filter(|p| node_of(p) == **n).count() > 1)
            .count();
        assert!(doubled <= 1, "at most maxSurge nodes carry two pods");
        if columns(&c, "sample-ds") == (3, 3, 3, 3, 3) && live.len() == 3 {
            break;
        }
        assert!(c.step().unwrap());
    }
    assert!(pods(&c, "sample-ds")
        .iter()
        .all(|p| image_of(p) == "nginx:1.17"));
}

#[test]
fn a_pod_relabelled_out_of_the_selector_is_released_and_replaced() {
    let mut c = nodes(1);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    let p = pods(&c, "sample-ds")[0].clone();
    let key = ObjKey::new(Kind::Pod, NS, p.metadata.name.as_deref().unwrap());
    let now = c.now();
    c.world
        .store
        .modify(&key, now, |o| {
            o.meta_mut()
                .labels
                .as_mut()
                .unwrap()
                .insert("app".into(), "debug".into());
        })
        .unwrap();
    c.reconcile_now().unwrap();
    let released = c.world.store.get(&key).unwrap();
    assert!(released.controller_ref().is_none());
    assert_eq!(pods(&c, "sample-ds").len(), 1);
    assert_ne!(pods(&c, "sample-ds")[0].metadata.name, p.metadata.name);
    // Labelled back, it is an orphan the DaemonSet adopts; the younger pod then goes.
    c.world
        .store
        .modify(&key, now, |o| {
            o.meta_mut()
                .labels
                .as_mut()
                .unwrap()
                .insert("app".into(), "sample-ds".into());
        })
        .unwrap();
    c.reconcile_now().unwrap();
    let live: Vec<String> = pods(&c, "sample-ds")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(
        live,
        [p.metadata.name.clone().unwrap()],
        "the oldest is kept"
    );
}

#[test]
fn deleting_the_daemon_set_removes_its_pods_and_revisions() {
    let mut c = nodes(2);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    let uid = c
        .world
        .store
        .get(&ds_key("sample-ds"))
        .unwrap()
        .uid()
        .to_string();
    let now = c.now();
    c.world
        .store
        .delete(&ds_key("sample-ds"), &DeleteOptions::background(), now)
        .unwrap();
    advance(&mut c, 40);
    assert!(c.world.store.dependents(&uid).is_empty());
    assert_eq!(c.world.store.count(Kind::Pod), 0);
}

#[test]
fn the_same_seed_replays_the_same_pod_names() {
    let run = || {
        let mut c = nodes(3);
        create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
        let mut names: Vec<String> = pods(&c, "sample-ds")
            .iter()
            .map(|p| p.metadata.name.clone().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(run(), run());
}

/// The speed scenario: a DaemonSet over N nodes (default 5,000; `KLAB_DS_NODES`),
/// create → all available, then a `maxUnavailable: 10%` rolling update to completion.
/// Time it with `cargo test --release --lib scale_ -- --ignored`.
#[test]
#[ignore]
fn scale_create_and_roll_10_percent_over_many_nodes() {
    let n: usize = std::env::var("KLAB_DS_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let mut c = nodes(n);
    let mut ds = daemon_set("sample-ds", "nginx:1.16");
    ds.spec.as_mut().unwrap().update_strategy = Some(DaemonSetUpdateStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(RollingUpdateDaemonSet {
            max_surge: Some(IntOrString::Int(0)),
            max_unavailable: Some(IntOrString::String("10%".into())),
        }),
    });
    create(&mut c, ds);
    c.settle(SimDuration::from_secs(3600)).unwrap();
    let n = n as i32;
    assert_eq!(columns(&c, "sample-ds"), (n, n, n, n, n));
    set_image(&mut c, "sample-ds", "nginx:1.17");
    let mut worst = 0;
    while c.step().unwrap() {
        worst = worst.max(status(&c, "sample-ds").number_unavailable.unwrap_or(0));
        if columns(&c, "sample-ds") == (n, n, n, n, n) && pods(&c, "sample-ds").len() == n as usize
        {
            break;
        }
    }
    assert_eq!(columns(&c, "sample-ds"), (n, n, n, n, n));
    assert!(worst <= (n + 9) / 10, "{worst}");
    eprintln!(
        "{n} nodes: {} instants, {} reconciles, {} changes, ended at +{}s",
        c.stats.instants,
        c.stats.reconciles,
        c.stats.changes,
        c.elapsed()
    );
}

/// A manifest as `kubectl apply` sends it: decoded strictly, defaulted and validated as a
/// 1.32 API server does, in namespace `default`. Creates it, or replaces the live object.
fn apply_manifest(c: &mut Cluster, yaml: &str) {
    let mut obj = crate::api::manifest::decode(yaml, "manifest.yaml").unwrap()[0]
        .object
        .clone();
    obj.meta_mut().namespace = Some(NS.into());
    crate::api::defaults::apply_defaults(&mut obj);
    let key = obj.key();
    let now = c.now();
    match c.world.store.get(&key).cloned() {
        None => {
            crate::api::validation::validate_create(&obj).unwrap();
            c.world.create(obj).unwrap();
        }
        Some(old) => {
            crate::api::validation::validate_update(&old, &obj).unwrap();
            c.world.store.replace(obj, now).unwrap();
        }
    }
    c.reconcile_now().unwrap();
}

#[test]
fn the_seed_notes_flow_with_the_book_manifests_section_5_5() {
    use crate::api::manifest::book::{SAMPLE_DS, SAMPLE_DS_ONDELETE, SAMPLE_DS_ROLLING_UPDATE};
    // 5.5.1: two nodes, one pod each; a third node gets its pod at once.
    let mut c = nodes(2);
    apply_manifest(&mut c, SAMPLE_DS);
    advance(&mut c, 5);
    assert_eq!(columns(&c, "sample-ds"), (2, 2, 2, 2, 2));
    c.add_node(NodeSpec::named("node-3")).unwrap();
    advance(&mut c, 5);
    assert_eq!(columns(&c, "sample-ds"), (3, 3, 3, 3, 3));
    let now = c.now();
    c.world
        .store
        .delete(&ds_key("sample-ds"), &DeleteOptions::background(), now)
        .unwrap();
    advance(&mut c, 60);
    assert_eq!(c.world.store.count(Kind::Pod), 0);

    // 5.5.2.1 OnDelete: a new image moves nothing; a deleted pod comes back updated.
    apply_manifest(&mut c, SAMPLE_DS_ONDELETE);
    advance(&mut c, 5);
    let ds = "sample-ds-ondelete";
    apply_manifest(
        &mut c,
        &SAMPLE_DS_ONDELETE.replace("nginx:1.16", "nginx:1.17"),
    );
    advance(&mut c, 60);
    assert_eq!(columns(&c, ds), (3, 3, 3, 0, 3));
    assert_eq!(
        template_generation(&get_ds(&c, ds)),
        Some(2),
        "kept across a replace"
    );
    let victim = pods(&c, ds)[0].metadata.name.clone().unwrap();
    let now = c.now();
    c.world
        .store
        .delete(
            &ObjKey::new(Kind::Pod, NS, &victim),
            &DeleteOptions::default(),
            now,
        )
        .unwrap();
    advance(&mut c, 5);
    assert_eq!(columns(&c, ds), (3, 3, 3, 1, 3));
    assert_eq!(
        pods(&c, ds)
            .iter()
            .filter(|p| image_of(p) == "nginx:1.17")
            .count(),
        1
    );

    // 5.5.2.2 RollingUpdate, maxUnavailable 2: the same DaemonSet switched to RollingUpdate
    // with a new image is replaced two pods at a time, never more than two down.
    let rolling = SAMPLE_DS_ROLLING_UPDATE.replace("nginx:1.16", "nginx:1.18");
    apply_manifest(&mut c, &rolling);
    let all = ["node-1", "node-2", "node-3"];
    let mut worst = unavailable_nodes(&c, ds, &all);
    for _ in 0..100 {
        if columns(&c, ds) == (3, 3, 3, 3, 3) {
            break;
        }
        assert!(c.step().unwrap());
        worst = worst.max(unavailable_nodes(&c, ds, &all));
    }
    assert_eq!(worst, 2);
    assert!(pods(&c, ds).iter().all(|p| image_of(p) == "nginx:1.18"));
    let generations: Vec<i64> = revisions(&c, ds).iter().map(|r| r.1).collect();
    assert_eq!(generations.len(), 3, "{generations:?}");
}

#[test]
fn an_unreachable_node_keeps_its_daemon_pod_as_misscheduled_fact_16() {
    let mut c = nodes(3);
    create(&mut c, daemon_set("sample-ds", "nginx:1.16"));
    advance(&mut c, 2);
    c.node_down("node-2").unwrap();
    // The node lifecycle controller taints it unreachable (NoSchedule and NoExecute) once
    // the grace period is over; the taint eviction controller then evicts what does not
    // tolerate NoExecute — not the DaemonSet pod (fact 14).
    advance(&mut c, 600);
    let taints: Vec<String> = c
        .world
        .store
        .get(&ObjKey::new(Kind::Node, "", "node-2"))
        .unwrap()
        .node()
        .unwrap()
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default()
        .iter()
        .map(|t| format!("{}:{}", t.key, t.effect))
        .collect();
    assert!(
        taints.contains(&"node.kubernetes.io/unreachable:NoSchedule".to_string()),
        "{taints:?}"
    );
    let on_node: Vec<Pod> = pods(&c, "sample-ds")
        .into_iter()
        .filter(|p| node_of(p) == "node-2")
        .collect();
    assert_eq!(on_node.len(), 1);
    assert!(
        on_node[0].metadata.deletion_timestamp.is_none(),
        "not evicted, not deleted"
    );
    let s = status(&c, "sample-ds");
    assert_eq!((s.desired_number_scheduled, s.number_misscheduled), (2, 1));
    // Back up: the taints go and the node is desired again, with the same pod.
    c.node_up("node-2").unwrap();
    advance(&mut c, 30);
    let s = status(&c, "sample-ds");
    assert_eq!((s.desired_number_scheduled, s.number_misscheduled), (3, 0));
    assert_eq!(
        pods(&c, "sample-ds")
            .iter()
            .filter(|p| node_of(p) == "node-2")
            .count(),
        1
    );
}
