//! Scaling in a whole cluster: OrderedReady order and waiting, Parallel, blocking,
//! minReadySeconds, replacement of finished or deleted pods, set deletion and adoption.

use super::support::*;
use crate::api::{Kind, ObjKey};
use crate::sim::{SimDuration, SimTime};
use crate::store::{DeleteOptions, Propagation};

fn created(c: &crate::Cluster, set: &str, pod: &str) -> SimTime {
    event_time(
        c,
        set,
        &format!("create Pod {pod} in StatefulSet {set} successful"),
    )
}

fn deleted(c: &crate::Cluster, set: &str, pod: &str) -> SimTime {
    event_time(
        c,
        set,
        &format!("delete Pod {pod} in StatefulSet {set} successful"),
    )
}

fn ready_at(c: &crate::Cluster, pod_name: &str) -> SimTime {
    let p = pod(c, pod_name).unwrap();
    let cond = p
        .pod()
        .unwrap()
        .status
        .as_ref()
        .unwrap()
        .conditions
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .cloned()
        .unwrap();
    SimTime::from_chrono(cond.last_transition_time.unwrap().0)
}

#[test]
fn ordered_ready_creates_pods_0_1_2_one_at_a_time_each_after_the_previous_is_ready_fact_53() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 3, false));
    let t0 = c.now();
    create(&mut c, sts("web", 3));
    // Only web-0 at first.
    assert_eq!(pod_names(&c), vec!["web-0"]);
    settle(&mut c);
    let creates = messages(&c, "web", "SuccessfulCreate");
    assert_eq!(
        creates,
        vec![
            "create Pod web-0 in StatefulSet web successful",
            "create Pod web-1 in StatefulSet web successful",
            "create Pod web-2 in StatefulSet web successful",
        ]
    );
    // Each pod is created when the one before it turned Running and Ready: 1 s to start,
    // 3 s to be ready.
    assert_eq!(created(&c, "web", "web-0"), t0);
    for (prev, next) in [("web-0", "web-1"), ("web-1", "web-2")] {
        assert_eq!(created(&c, "web", next), ready_at(&c, prev), "{next}");
        assert_eq!(
            created(&c, "web", next) - created(&c, "web", prev),
            SimDuration::from_secs(4)
        );
    }
    let s = get_set(&c, "web").status.unwrap();
    assert_eq!(
        (s.replicas, s.ready_replicas, s.available_replicas),
        (3, Some(3), Some(3))
    );
}

#[test]
fn scale_up_is_ascending_and_scale_down_descending_each_waiting_for_the_last_to_be_gone_fact_55() {
    let mut c = cluster();
    // Pods that ignore SIGTERM take their 5 s grace period to go.
    c.world.runtime.images.push(slow_image("nginx:*", 0, true));
    let mut s = sts("web", 3);
    spec_mut(&mut s)
        .template
        .spec
        .as_mut()
        .unwrap()
        .termination_grace_period_seconds = Some(5);
    create(&mut c, s);
    settle(&mut c);
    edit(&mut c, "web", |s| s.replicas = Some(5));
    settle(&mut c);
    assert!(created(&c, "web", "web-3") < created(&c, "web", "web-4"));
    assert_eq!(pod_names(&c).len(), 5);

    edit(&mut c, "web", |s| s.replicas = Some(2));
    // Step through: never more than one pod terminating, and each deletion comes after the
    // pod above it is gone.
    loop {
        let terminating = c
            .world
            .store
            .list(Kind::Pod, Some("default"))
            .filter(|p| p.is_deleting())
            .count();
        assert!(terminating <= 1, "{terminating} pods terminating at once");
        if !c.step().unwrap() {
            break;
        }
    }
    assert_eq!(pod_names(&c), vec!["web-0", "web-1"]);
    let deletes = messages(&c, "web", "SuccessfulDelete");
    assert_eq!(
        deletes,
        vec![
            "delete Pod web-4 in StatefulSet web successful",
            "delete Pod web-3 in StatefulSet web successful",
            "delete Pod web-2 in StatefulSet web successful",
        ]
    );
    assert_eq!(
        deleted(&c, "web", "web-3") - deleted(&c, "web", "web-4"),
        SimDuration::from_secs(5)
    );
    assert_eq!(
        deleted(&c, "web", "web-2") - deleted(&c, "web", "web-3"),
        SimDuration::from_secs(5)
    );
}

#[test]
fn parallel_creates_every_pod_at_once_and_deletes_every_condemned_pod_at_once_fact_56() {
    let mut c = cluster();
    // Pods that ignore SIGTERM stay Terminating for their grace period.
    c.world.runtime.images.push(slow_image("nginx:*", 0, true));
    let mut s = sts("web", 5);
    spec_mut(&mut s).pod_management_policy = Some("Parallel".into());
    create(&mut c, s);
    assert_eq!(
        pod_names(&c),
        vec!["web-0", "web-1", "web-2", "web-3", "web-4"]
    );
    settle(&mut c);
    edit(&mut c, "web", |s| s.replicas = Some(1));
    let terminating: Vec<String> = c
        .world
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|p| p.is_deleting())
        .map(|p| p.name().to_string())
        .collect();
    assert_eq!(terminating, vec!["web-1", "web-2", "web-3", "web-4"]);
}

#[test]
fn scale_down_waits_while_a_lower_pod_is_unhealthy_t10() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 0, true));
    create(&mut c, sts("web", 3));
    settle(&mut c);
    // web-0 is terminating (it ignores SIGTERM: 30 s), so web-2 must wait.
    delete(&mut c, &pod_key("web-0"), DeleteOptions::default());
    edit(&mut c, "web", |s| s.replicas = Some(2));
    c.advance(SimDuration::from_secs(29)).unwrap();
    assert!(pod(&c, "web-2").is_some_and(|p| !p.is_deleting()));
    settle(&mut c);
    assert_eq!(pod_names(&c), vec!["web-0", "web-1"]);
    // web-0 came back before web-2 went.
    assert!(created(&c, "web", "web-0") < deleted(&c, "web", "web-2"));
}

#[test]
fn min_ready_seconds_gates_the_next_pod_strictly_t17() {
    let mut c = cluster();
    let mut s = sts("web", 2);
    spec_mut(&mut s).min_ready_seconds = Some(5);
    create(&mut c, s);
    settle(&mut c);
    // Ready 1 s after creation; available only once more than 5 s have passed.
    let ready0 = ready_at(&c, "web-0");
    assert_eq!(
        created(&c, "web", "web-1") - ready0,
        SimDuration::from_secs(6)
    );
    let st = get_set(&c, "web").status.unwrap();
    assert_eq!(st.available_replicas, Some(2));
}

#[test]
fn failed_or_succeeded_pods_are_deleted_and_recreated_under_the_same_name_fact_54() {
    for phase in ["Failed", "Succeeded"] {
        let mut c = cluster();
        create(&mut c, sts("web", 2));
        settle(&mut c);
        let old_uid = pod(&c, "web-0").unwrap().uid().to_string();
        // As an eviction or a node shutdown leaves it: containers gone, phase terminal.
        c.world.runtime.pods.remove(&pod_key("web-0"));
        let now = c.now();
        c.world
            .store
            .modify(&pod_key("web-0"), now, |o| {
                let st = o.pod_mut().unwrap().status.as_mut().unwrap();
                st.phase = Some(phase.into());
            })
            .unwrap();
        c.reconcile_now().unwrap();
        settle(&mut c);
        let new = pod(&c, "web-0").unwrap();
        assert_ne!(new.uid(), old_uid, "{phase}");
        assert!(is_running_and_ready(&c, "web-0"));
        assert_eq!(
            messages(&c, "web", "SuccessfulDelete"),
            vec!["delete Pod web-0 in StatefulSet web successful"]
        );
    }
}

#[test]
fn deleting_the_set_deletes_its_pods_all_at_once_not_in_order_fact_69() {
    let mut c = cluster();
    c.world.runtime.images.push(slow_image("nginx:*", 0, true));
    create(&mut c, sts("web", 3));
    settle(&mut c);
    delete(&mut c, &set_key("web"), DeleteOptions::background());
    let terminating = c
        .world
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|p| p.is_deleting())
        .count();
    assert_eq!(terminating, 3);
    settle(&mut c);
    assert!(pod_names(&c).is_empty());
}

#[test]
fn a_recreated_set_adopts_orphaned_pods_instead_of_creating_new_ones_fact_66() {
    let mut c = cluster();
    create(&mut c, sts("web", 2));
    settle(&mut c);
    let uids: Vec<String> = ["web-0", "web-1"]
        .iter()
        .map(|n| pod(&c, n).unwrap().uid().to_string())
        .collect();
    let orphan = DeleteOptions {
        grace_period: None,
        propagation: Some(Propagation::Orphan),
    };
    delete(&mut c, &set_key("web"), orphan);
    settle(&mut c);
    assert!(pod(&c, "web-0").unwrap().controller_ref().is_none());
    create(&mut c, sts("web", 2));
    settle(&mut c);
    let set_uid = c
        .world
        .store
        .get(&set_key("web"))
        .unwrap()
        .uid()
        .to_string();
    for (n, uid) in ["web-0", "web-1"].iter().zip(&uids) {
        let p = pod(&c, n).unwrap();
        assert_eq!(p.uid(), uid);
        assert_eq!(p.controller_ref().unwrap().uid, set_uid);
    }
    // The second set created nothing.
    let recreated = messages(&c, "web", "SuccessfulCreate");
    assert_eq!(recreated.len(), 2, "{recreated:?}");
    let key = ObjKey::new(Kind::StatefulSet, "default", "web");
    assert_eq!(
        get_set(&c, &key.name).status.unwrap().ready_replicas,
        Some(2)
    );
}

#[test]
fn a_name_too_long_for_the_revision_label_fails_pod_creation_fact_46() {
    // 60 characters: a valid set name, but `controller-revision-hash: <name>-<hash>` is
    // over 63, so the API server rejects each pod; the claims were made first.
    let name = "a".repeat(60);
    let mut c = cluster();
    create(&mut c, with_claims(sts(&name, 1)));
    settle(&mut c);
    assert!(pod(&c, &format!("{name}-0")).is_none());
    assert!(claim(&c, &format!("www-{name}-0")).is_some());
    let failed = messages(&c, &name, "FailedCreate");
    assert!(!failed.is_empty());
    assert!(
        failed[0].ends_with(": must be no more than 63 characters"),
        "{}",
        failed[0]
    );
    assert!(failed[0].starts_with(&format!(
        "create Pod {name}-0 in StatefulSet {name} failed error: Pod \"{name}-0\" is invalid: metadata.labels: Invalid value: \"{name}-"
    )));
}
