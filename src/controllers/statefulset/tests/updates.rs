//! Updates in a whole cluster: RollingUpdate order and waiting, partition, OnDelete,
//! Parallel, the status the rollout reads, and the ignored maxUnavailable.

use super::support::*;
use crate::api::Kind;
use crate::sim::{SimDuration, SimTime};
use crate::store::DeleteOptions;
use k8s_openapi::api::apps::v1::{RollingUpdateStatefulSetStrategy, StatefulSetUpdateStrategy};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn update_deletes(c: &crate::Cluster) -> Vec<String> {
    messages(c, "web", "SuccessfulDelete")
}

fn pods_down(c: &crate::Cluster) -> usize {
    c.world
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|p| p.is_deleting() || !running_and_ready(p.pod().unwrap()))
        .count()
}

/// Steps until the cluster is idle, checking that at most one pod is ever down.
fn settle_one_down_at_a_time(c: &mut crate::Cluster, replicas: usize) {
    loop {
        let down = pods_down(c) + replicas.saturating_sub(pod_names(c).len());
        assert!(down <= 1, "{down} pods down at {}", c.now());
        if !c.step().unwrap() {
            break;
        }
    }
}

#[test]
fn rolling_update_replaces_the_highest_ordinal_first_each_after_the_last_is_ready_fact_57() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 2, false));
    create(&mut c, sts("web", 3));
    settle(&mut c);
    let before = get_set(&c, "web").status.unwrap();
    set_image(&mut c, "web", "nginx:1.17");
    settle_one_down_at_a_time(&mut c, 3);
    assert_eq!(
        update_deletes(&c),
        vec![
            "delete Pod web-2 in StatefulSet web successful",
            "delete Pod web-1 in StatefulSet web successful",
            "delete Pod web-0 in StatefulSet web successful",
        ]
    );
    let t = |m: &str| event_time(&c, "web", m);
    // Recreated (1 s to start, 2 s to be ready), then the next one goes.
    assert_eq!(
        t("delete Pod web-1 in StatefulSet web successful")
            - t("delete Pod web-2 in StatefulSet web successful"),
        SimDuration::from_secs(3)
    );
    // All updated and ready: the rollout completes (fact 63).
    let after = get_set(&c, "web").status.unwrap();
    assert_ne!(after.update_revision, before.update_revision);
    assert_eq!(after.current_revision, after.update_revision);
    assert_eq!(after.current_replicas, Some(3));
    assert_eq!(after.updated_replicas, Some(3));
    let rev = after.update_revision.unwrap();
    for p in ["web-0", "web-1", "web-2"] {
        assert_eq!(revision_label(&c, p), rev);
    }
}

#[test]
fn partition_3_of_5_updates_only_web_4_then_web_3_and_current_revision_stays_fact_58_t9() {
    let mut c = cluster();
    let mut s = sts("web", 5);
    spec_mut(&mut s)
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .partition = Some(3);
    create(&mut c, s);
    settle(&mut c);
    let old = get_set(&c, "web").status.unwrap().current_revision.unwrap();
    set_image(&mut c, "web", "nginx:1.17");
    settle(&mut c);
    assert_eq!(
        update_deletes(&c),
        vec![
            "delete Pod web-4 in StatefulSet web successful",
            "delete Pod web-3 in StatefulSet web successful",
        ]
    );
    let st = get_set(&c, "web").status.unwrap();
    let new = st.update_revision.clone().unwrap();
    assert_ne!(new, old);
    for p in ["web-0", "web-1", "web-2"] {
        assert_eq!(revision_label(&c, p), old, "{p}");
    }
    for p in ["web-3", "web-4"] {
        assert_eq!(revision_label(&c, p), new, "{p}");
    }
    // A partitioned rollout never completes (T9).
    assert_eq!(st.current_revision.as_deref(), Some(old.as_str()));
    assert_eq!(
        (st.current_replicas, st.updated_replicas),
        (Some(3), Some(2))
    );

    // A pod below the partition deleted by hand comes back at the current revision.
    delete(&mut c, &pod_key("web-1"), DeleteOptions::default());
    settle(&mut c);
    assert_eq!(revision_label(&c, "web-1"), old);
    // Lowering the partition continues the rollout from web-2 down.
    edit(&mut c, "web", |s| {
        s.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0)
    });
    settle(&mut c);
    let st = get_set(&c, "web").status.unwrap();
    assert_eq!(st.current_revision.as_deref(), Some(new.as_str()));
}

#[test]
fn on_delete_replaces_nothing_and_deleted_pods_come_back_new_fact_59_t9() {
    let mut c = cluster();
    let mut s = sts("web", 3);
    spec_mut(&mut s).update_strategy = Some(StatefulSetUpdateStrategy {
        type_: Some("OnDelete".into()),
        rolling_update: None,
    });
    create(&mut c, s);
    settle(&mut c);
    let old = revision_label(&c, "web-0");
    set_image(&mut c, "web", "nginx:1.17");
    settle(&mut c);
    assert!(update_deletes(&c).is_empty());
    delete(&mut c, &pod_key("web-1"), DeleteOptions::default());
    settle(&mut c);
    let st = get_set(&c, "web").status.unwrap();
    let new = st.update_revision.clone().unwrap();
    assert_eq!(revision_label(&c, "web-0"), old);
    assert_eq!(revision_label(&c, "web-1"), new);
    assert_eq!(st.current_revision.as_deref(), Some(old.as_str()));
    // Even with every pod updated by hand, OnDelete never advances currentRevision.
    for p in ["web-0", "web-2"] {
        delete(&mut c, &pod_key(p), DeleteOptions::default());
        settle(&mut c);
    }
    let st = get_set(&c, "web").status.unwrap();
    assert_eq!(st.updated_replicas, Some(3));
    assert_eq!(st.current_revision.as_deref(), Some(old.as_str()));
}

#[test]
fn parallel_does_not_parallelise_rolling_updates_t11() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 2, false));
    let mut s = sts("web", 4);
    spec_mut(&mut s).pod_management_policy = Some("Parallel".into());
    create(&mut c, s);
    settle(&mut c);
    set_image(&mut c, "web", "nginx:1.17");
    settle_one_down_at_a_time(&mut c, 4);
    assert_eq!(update_deletes(&c).len(), 4);
}

#[test]
fn max_unavailable_is_ignored_and_pods_go_one_at_a_time_fact_2() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 2, false));
    create(&mut c, sts("web", 4));
    settle(&mut c);
    // Even if the field reaches the stored object (klab has no update-time drop yet), the
    // controller never reads it: one pod at a time.
    edit(&mut c, "web", |s| {
        s.update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .max_unavailable = Some(IntOrString::Int(3));
        s.template.spec.as_mut().unwrap().containers[0].image = Some("nginx:1.17".into());
    });
    settle_one_down_at_a_time(&mut c, 4);
    assert_eq!(update_deletes(&c).len(), 4);
}

#[test]
fn status_carries_what_rollout_status_reads_for_both_strategy_forms_t8() {
    // Defaulted strategy: rollingUpdate {partition: 0} is there (kubectl's partitioned
    // wording); an explicit {type: RollingUpdate} keeps rollingUpdate nil. Both update
    // every pod and complete.
    for explicit_nil in [false, true] {
        let mut c = cluster();
        let mut s = sts("web", 3);
        if explicit_nil {
            spec_mut(&mut s).update_strategy = Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: None,
            });
        } else {
            let ru = spec_mut(&mut s).update_strategy.as_ref().unwrap();
            assert_eq!(
                ru.rolling_update,
                Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(0),
                    max_unavailable: None
                })
            );
        }
        create(&mut c, s);
        settle(&mut c);
        set_image(&mut c, "web", "nginx:1.17");
        let generation = get_set(&c, "web").metadata.generation;
        settle(&mut c);
        let set = get_set(&c, "web");
        let st = set.status.unwrap();
        assert_eq!(st.observed_generation, generation);
        assert_eq!(st.updated_replicas, Some(3));
        assert_eq!(st.ready_replicas, Some(3));
        assert_eq!(st.current_revision, st.update_revision);
        // The controller keeps the strategy as it was written.
        assert_eq!(
            set.spec
                .unwrap()
                .update_strategy
                .unwrap()
                .rolling_update
                .is_none(),
            explicit_nil
        );
    }
}

#[test]
fn the_next_pod_of_an_update_waits_for_min_ready_seconds() {
    let mut c = cluster();
    let mut s = sts("web", 2);
    spec_mut(&mut s).min_ready_seconds = Some(3);
    create(&mut c, s);
    settle(&mut c);
    set_image(&mut c, "web", "nginx:1.17");
    settle(&mut c);
    let t = |m: &str| -> SimTime { event_time(&c, "web", m) };
    // web-1 goes, is back and Ready 1 s later, available 4 s after that.
    assert_eq!(
        t("delete Pod web-0 in StatefulSet web successful")
            - t("delete Pod web-1 in StatefulSet web successful"),
        SimDuration::from_secs(5)
    );
}

#[test]
fn the_api_server_drops_max_unavailable_on_create_fact_2() {
    let mut c = cluster();
    let mut s = sts("web", 1);
    spec_mut(&mut s)
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .max_unavailable = Some(IntOrString::String("50%".into()));
    create(&mut c, s);
    let stored = get_set(&c, "web").spec.unwrap().update_strategy.unwrap();
    assert_eq!(
        stored.rolling_update,
        Some(RollingUpdateStatefulSetStrategy {
            partition: Some(0),
            max_unavailable: None
        })
    );
}
