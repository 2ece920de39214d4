//! The StatefulSet speed target (issue 5): 1,000 replicas OrderedReady scale-up from 0,
//! then a full rolling update, in under a second of wall time in a release build.
//! `cargo test --release --test statefulset_bench -- --ignored --nocapture`

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use klab::api::{Kind, ObjKey, Object};
use klab::sim::SimDuration;
use klab::{Cluster, ClusterConfig};
use std::collections::BTreeMap;

fn web(replicas: i32) -> StatefulSet {
    let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
    StatefulSet {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            service_name: "web".into(),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "nginx".into(),
                        image: Some("nginx:1.16".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            },
            pod_management_policy: Some("OrderedReady".into()),
            revision_history_limit: Some(10),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(0),
                    max_unavailable: None,
                }),
            }),
            ..Default::default()
        }),
        status: None,
    }
}

fn ready(c: &Cluster) -> i32 {
    c.world
        .store
        .get(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .and_then(|o| o.stateful_set()?.status.as_ref()?.ready_replicas)
        .unwrap_or(0)
}

#[test]
#[ignore = "speed measurement: run in release with --ignored"]
#[allow(clippy::disallowed_methods)] // wall time is what this measures
fn thousand_replicas_scale_up_then_rolling_update_under_a_second() {
    let n: i32 = std::env::var("KLAB_BENCH_REPLICAS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    // Three nodes hold 110 pods each: give the cluster room for n pods.
    let nodes = (1..=(n as usize / 100 + 1))
        .map(|i| format!("node-{i}"))
        .collect();
    let mut c = Cluster::new(ClusterConfig {
        nodes,
        ..ClusterConfig::default()
    });
    let start = std::time::Instant::now();
    c.world.create(Object::StatefulSet(web(n))).unwrap();
    c.settle(SimDuration::from_secs(24 * 3600)).unwrap();
    let up = start.elapsed();
    assert_eq!(ready(&c), n);
    let sim_up = c.elapsed();
    let now = c.world.now;
    c.world
        .store
        .modify(
            &ObjKey::new(Kind::StatefulSet, "default", "web"),
            now,
            |o| {
                let s = o.stateful_set_mut().unwrap().spec.as_mut().unwrap();
                s.template.spec.as_mut().unwrap().containers[0].image = Some("nginx:1.17".into());
            },
        )
        .unwrap();
    c.settle(SimDuration::from_secs(24 * 3600)).unwrap();
    let total = start.elapsed();
    let st = c
        .world
        .store
        .get(&ObjKey::new(Kind::StatefulSet, "default", "web"))
        .unwrap()
        .stateful_set()
        .unwrap()
        .status
        .clone()
        .unwrap();
    assert_eq!(st.updated_replicas, Some(n));
    assert_eq!(st.current_revision, st.update_revision);
    eprintln!(
        "{n} replicas: scale-up {:?} ({} s simulated), rolling update {:?}, total {:?}; {:?}",
        up,
        sim_up,
        total - up,
        total,
        c.stats
    );
    if n >= 1000 && !cfg!(debug_assertions) {
        assert!(total.as_secs_f64() < 1.0, "took {total:?}");
    }
}
