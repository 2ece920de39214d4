//! `kubectl get` tables for every kind but pods. Expected strings follow k/k
//! `pkg/printers/internalversion/printers.go` (1.32) and the facts cited.

use super::fixtures::*;
use crate::api::{Kind, Object};
use crate::print::{self, GetOptions};
use crate::world::World;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, DaemonSetSpec, DaemonSetStatus, StatefulSet, StatefulSetSpec,
    StatefulSetStatus,
};
use k8s_openapi::api::batch::v1::{
    CronJob, CronJobSpec, CronJobStatus, Job, JobCondition, JobSpec, JobStatus, JobTemplateSpec,
};
use k8s_openapi::api::core::v1::{
    ObjectReference, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus, PodSpec,
    PodTemplateSpec, Service, ServicePort, ServiceSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use std::collections::BTreeMap;

fn table(w: &World, kind: Kind, opts: &GetOptions) -> String {
    let objs: Vec<_> = w.store.list(kind, None).cloned().collect();
    print::table(kind, &objs, w, opts)
}

fn template(app: &str, image: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: labels(&[("app", app)]),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container(app, image)],
            ..Default::default()
        }),
    }
}

fn selector(app: &str) -> LabelSelector {
    LabelSelector {
        match_labels: labels(&[("app", app)]),
        ..Default::default()
    }
}

fn default_cluster() -> World {
    let mut w = world();
    crate::bootstrap::populate(&mut w, &["node-1".into(), "node-2".into()]);
    w
}

#[test]
fn nodes_show_ready_and_a_cordoned_node_scheduling_disabled() {
    let mut w = default_cluster();
    let key = crate::api::ObjKey::new(Kind::Node, "", "node-2");
    w.store
        .modify(&key, w.now, |o| {
            o.node_mut()
                .unwrap()
                .spec
                .get_or_insert_with(Default::default)
                .unschedulable = Some(true);
            o.meta_mut()
                .labels
                .get_or_insert_with(Default::default)
                .insert("node-role.kubernetes.io/worker".into(), String::new());
        })
        .unwrap();
    advance_to(&mut w, 600);
    assert_eq!(
        table(&w, Kind::Node, &GetOptions::default()),
        "NAME     STATUS                     ROLES    AGE   VERSION\n\
         node-1   Ready                      <none>   10m   v1.32.0\n\
         node-2   Ready,SchedulingDisabled   worker   10m   v1.32.0\n"
    );
    assert_eq!(
        table(&w, Kind::Node, &GetOptions { wide: true, ..Default::default() }).lines().nth(1).unwrap(),
        "node-1   Ready                      <none>   10m   v1.32.0   172.18.0.2    <none>        klab simulated node   klab-simulated   klab://simulated"
    );
}

#[test]
fn node_without_ready_condition_is_unknown_and_not_ready_otherwise() {
    let mut n = k8s_openapi::api::core::v1::Node {
        metadata: ObjectMeta {
            name: Some("n".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(print::columns::node::status(&n), "Unknown");
    n.status = Some(k8s_openapi::api::core::v1::NodeStatus {
        conditions: Some(vec![k8s_openapi::api::core::v1::NodeCondition {
            type_: "Ready".into(),
            status: "Unknown".into(),
            ..Default::default()
        }]),
        ..Default::default()
    });
    assert_eq!(print::columns::node::status(&n), "NotReady");
}

fn sample_ds() -> DaemonSet {
    let mut tpl = template("sample", "nginx");
    tpl.spec.as_mut().unwrap().node_selector =
        Some(BTreeMap::from([("disk".into(), "ssd".into())]));
    DaemonSet {
        metadata: meta("sample-ds"),
        spec: Some(DaemonSetSpec {
            selector: selector("sample"),
            template: tpl,
            ..Default::default()
        }),
        status: Some(DaemonSetStatus {
            desired_number_scheduled: 3,
            current_number_scheduled: 3,
            number_ready: 2,
            updated_number_scheduled: Some(3),
            number_available: Some(2),
            ..Default::default()
        }),
    }
}

#[test]
fn daemonset_columns_and_wide_fact_93() {
    let mut w = world();
    create(&mut w, sample_ds());
    advance_to(&mut w, 90);
    assert_eq!(
        table(&w, Kind::DaemonSet, &GetOptions::default()),
        "NAME        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\n\
         sample-ds   3         3         2       3            2           disk=ssd        90s\n"
    );
    assert_eq!(
        table(&w, Kind::DaemonSet, &GetOptions { wide: true, ..Default::default() }),
        "NAME        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES   SELECTOR\n\
         sample-ds   3         3         2       3            2           disk=ssd        90s   sample       nginx    app=sample\n"
    );
}

#[test]
fn statefulset_ready_is_ready_replicas_over_spec_replicas_fact_94() {
    let mut w = world();
    create(
        &mut w,
        StatefulSet {
            metadata: meta("web"),
            spec: Some(StatefulSetSpec {
                replicas: Some(3),
                selector: selector("nginx"),
                template: template("nginx", "nginx:1.27"),
                ..Default::default()
            }),
            status: Some(StatefulSetStatus {
                replicas: 3,
                ready_replicas: Some(2),
                ..Default::default()
            }),
        },
    );
    advance_to(&mut w, 150);
    assert_eq!(
        table(&w, Kind::StatefulSet, &GetOptions::default()),
        "NAME   READY   AGE\nweb    2/3     2m30s\n"
    );
    assert_eq!(
        table(&w, Kind::StatefulSet, &GetOptions { wide: true, ..Default::default() }),
        "NAME   READY   AGE     CONTAINERS   IMAGES\nweb    2/3     2m30s   nginx        nginx:1.27\n"
    );
}

fn job(name: &str, completions: Option<i32>, parallelism: Option<i32>, status: JobStatus) -> Job {
    Job {
        metadata: meta(name),
        spec: Some(JobSpec {
            completions,
            parallelism,
            selector: Some(LabelSelector {
                match_labels: labels(&[("batch.kubernetes.io/controller-uid", "d1b2")]),
                ..Default::default()
            }),
            template: template("pi", "perl"),
            ..Default::default()
        }),
        status: Some(status),
    }
}

fn condition(type_: &str) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: "True".into(),
        ..Default::default()
    }
}

#[test]
fn job_status_completions_and_duration_facts_67_to_70() {
    let mut w = world();
    let done = JobStatus {
        succeeded: Some(1),
        start_time: Some(time(0)),
        completion_time: Some(time(68)),
        conditions: Some(vec![condition("SuccessCriteriaMet"), condition("Complete")]),
        ..Default::default()
    };
    create(&mut w, job("done", Some(1), Some(1), done));
    let failed = JobStatus {
        failed: Some(7),
        start_time: Some(time(0)),
        conditions: Some(vec![condition("FailureTarget"), condition("Failed")]),
        ..Default::default()
    };
    create(&mut w, job("failed", Some(1), Some(1), failed));
    create(
        &mut w,
        job(
            "queue",
            None,
            Some(3),
            JobStatus {
                start_time: Some(time(0)),
                active: Some(3),
                ..Default::default()
            },
        ),
    );
    create(
        &mut w,
        job(
            "suspended",
            Some(5),
            Some(1),
            JobStatus {
                conditions: Some(vec![condition("Suspended")]),
                ..Default::default()
            },
        ),
    );
    advance_to(&mut w, 300);
    // A failed Job has no completionTime, so its DURATION keeps growing (fact 70).
    assert_eq!(
        table(&w, Kind::Job, &GetOptions::default()),
        "NAME        STATUS      COMPLETIONS   DURATION   AGE\n\
         done        Complete    1/1           68s        5m\n\
         failed      Failed      0/1           5m         5m\n\
         queue       Running     0/1 of 3      5m         5m\n\
         suspended   Suspended   0/5                      5m\n"
    );
    assert_eq!(
        table(&w, Kind::Job, &GetOptions { wide: true, ..Default::default() }).lines().nth(1).unwrap(),
        "done        Complete    1/1           68s        5m    pi           perl     batch.kubernetes.io/controller-uid=d1b2"
    );
}

#[test]
fn cronjob_columns_on_a_1_30_plus_server_fact_119() {
    let mut w = world();
    let jt = JobTemplateSpec {
        spec: Some(JobSpec {
            template: template("hello", "busybox"),
            ..Default::default()
        }),
        ..Default::default()
    };
    create(
        &mut w,
        CronJob {
            metadata: meta("hello"),
            spec: Some(CronJobSpec {
                schedule: "*/5 * * * *".into(),
                suspend: Some(false),
                job_template: jt.clone(),
                ..Default::default()
            }),
            status: None,
        },
    );
    create(
        &mut w,
        CronJob {
            metadata: meta("tz"),
            spec: Some(CronJobSpec {
                schedule: "0 9 * * *".into(),
                time_zone: Some("Asia/Seoul".into()),
                job_template: jt,
                ..Default::default()
            }),
            status: Some(CronJobStatus {
                active: Some(vec![ObjectReference {
                    name: Some("tz-29000000".into()),
                    ..Default::default()
                }]),
                last_schedule_time: Some(time(0)),
                ..Default::default()
            }),
        },
    );
    advance_to(&mut w, 7);
    assert_eq!(
        table(&w, Kind::CronJob, &GetOptions::default()),
        "NAME    SCHEDULE      TIMEZONE     SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n\
         hello   */5 * * * *   <none>       False     0        <none>          7s\n\
         tz      0 9 * * *     Asia/Seoul   <unset>   1        7s              7s\n"
    );
}

#[test]
fn pv_and_pvc_columns_on_a_1_29_plus_server_facts_96_97() {
    let mut w = world();
    let storage = BTreeMap::from([("storage".to_string(), Quantity("1Gi".into()))]);
    create(
        &mut w,
        PersistentVolume {
            metadata: ObjectMeta {
                name: Some("pvc-3f1c".into()),
                ..Default::default()
            },
            spec: Some(PersistentVolumeSpec {
                capacity: Some(storage.clone()),
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                persistent_volume_reclaim_policy: Some("Delete".into()),
                claim_ref: Some(ObjectReference {
                    namespace: Some("default".into()),
                    name: Some("www-web-0".into()),
                    ..Default::default()
                }),
                storage_class_name: Some("standard".into()),
                volume_mode: Some("Filesystem".into()),
                ..Default::default()
            }),
            status: Some(PersistentVolumeStatus {
                phase: Some("Bound".into()),
                ..Default::default()
            }),
        },
    );
    let claim = |name: &str, bound: bool| PersistentVolumeClaim {
        metadata: meta(name),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(storage.clone()),
                ..Default::default()
            }),
            storage_class_name: Some("standard".into()),
            volume_name: bound.then(|| "pvc-3f1c".to_string()),
            volume_mode: Some("Filesystem".into()),
            ..Default::default()
        }),
        status: Some(PersistentVolumeClaimStatus {
            phase: Some(if bound { "Bound" } else { "Pending" }.into()),
            capacity: bound.then(|| storage.clone()),
            access_modes: bound.then(|| vec!["ReadWriteOnce".to_string()]),
            ..Default::default()
        }),
    };
    create(&mut w, claim("www-web-0", true));
    create(&mut w, claim("www-web-1", false));
    advance_to(&mut w, 48);
    assert_eq!(
        table(&w, Kind::PersistentVolume, &GetOptions::default()),
        "NAME       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n\
         pvc-3f1c   1Gi        RWO            Delete           Bound    default/www-web-0   standard       <unset>                          48s\n"
    );
    assert_eq!(
        table(&w, Kind::PersistentVolumeClaim, &GetOptions::default()),
        "NAME        STATUS    VOLUME     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n\
         www-web-0   Bound     pvc-3f1c   1Gi        RWO            standard       <unset>                 48s\n\
         www-web-1   Pending                                        standard       <unset>                 48s\n"
    );
    assert!(table(&w, Kind::PersistentVolumeClaim, &GetOptions { wide: true, ..Default::default() }).starts_with(
        "NAME        STATUS    VOLUME     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE\n"
    ));
}

#[test]
fn deleting_pv_and_pvc_show_terminating_fact_76() {
    let mut pvc = PersistentVolumeClaim {
        metadata: meta("data"),
        ..Default::default()
    };
    pvc.metadata.deletion_timestamp = Some(time(0));
    assert_eq!(
        print::columns::pvc::row(&pvc, at(1), false)[1],
        "Terminating"
    );
}

#[test]
fn storage_class_marks_the_default_and_prints_bools_lowercase() {
    let mut w = default_cluster();
    advance_to(&mut w, 3 * 3600 + 5 * 60);
    assert_eq!(
        table(&w, Kind::StorageClass, &GetOptions::default()),
        "NAME                 PROVISIONER          RECLAIMPOLICY   VOLUMEBINDINGMODE   ALLOWVOLUMEEXPANSION   AGE\n\
         standard (default)   klab.dev/simulated   Delete          Immediate           false                  3h5m\n"
    );
}

#[test]
fn controller_revision_controller_is_kind_dot_group_fact_95() {
    let mut w = world();
    let owner = |kind: &str, name: &str| OwnerReference {
        api_version: "apps/v1".into(),
        kind: kind.into(),
        name: name.into(),
        uid: "u".into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    let cr = |name: &str, rev: i64, owner: Option<OwnerReference>| ControllerRevision {
        metadata: ObjectMeta {
            owner_references: owner.map(|o| vec![o]),
            ..meta(name)
        },
        revision: rev,
        data: None,
    };
    create(
        &mut w,
        cr(
            "sample-ds-5d8f9c7b6d",
            1,
            Some(owner("DaemonSet", "sample-ds")),
        ),
    );
    create(&mut w, cr("stray", 1, None));
    create(
        &mut w,
        cr("web-6d4b5f9c8b", 2, Some(owner("StatefulSet", "web"))),
    );
    advance_to(&mut w, 300);
    assert_eq!(
        table(&w, Kind::ControllerRevision, &GetOptions::default()),
        "NAME                   CONTROLLER                 REVISION   AGE\n\
         sample-ds-5d8f9c7b6d   daemonset.apps/sample-ds   1          5m\n\
         stray                  <none>                     1          5m\n\
         web-6d4b5f9c8b         statefulset.apps/web       2          5m\n"
    );
}

#[test]
fn headless_service_and_namespaces() {
    let mut w = default_cluster();
    create(
        &mut w,
        Service {
            metadata: meta("nginx"),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                cluster_ip: Some("None".into()),
                cluster_ips: Some(vec!["None".into()]),
                ports: Some(vec![ServicePort {
                    name: Some("web".into()),
                    port: 80,
                    protocol: Some("TCP".into()),
                    ..Default::default()
                }]),
                selector: Some(BTreeMap::from([("app".into(), "nginx".into())])),
                ..Default::default()
            }),
            status: None,
        },
    );
    advance_to(&mut w, 10);
    assert_eq!(
        table(
            &w,
            Kind::Service,
            &GetOptions {
                wide: true,
                ..Default::default()
            }
        ),
        "NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR\n\
         nginx   ClusterIP   None         <none>        80/TCP    10s   app=nginx\n"
    );
    assert_eq!(
        table(&w, Kind::Namespace, &GetOptions::default()),
        "NAME              STATUS   AGE\n\
         default           Active   10s\n\
         kube-node-lease   Active   10s\n\
         kube-public       Active   10s\n\
         kube-system       Active   10s\n"
    );
}

#[test]
fn events_show_last_seen_type_reason_object_message() {
    let mut w = default_cluster();
    let node = w.store.list(Kind::Node, None).next().unwrap().clone();
    advance_to(&mut w, 30);
    w.record_event(
        &node,
        "Normal",
        "NodeNotReady",
        "Node node-1 status is now: NodeNotReady".into(),
        "node-controller",
    );
    advance_to(&mut w, 60);
    w.record_event(
        &node,
        "Normal",
        "NodeNotReady",
        "Node node-1 status is now: NodeNotReady".into(),
        "node-controller",
    );
    advance_to(&mut w, 75);
    let events: Vec<_> = w
        .store
        .list(Kind::Event, Some("default"))
        .filter(|e| e.event().unwrap().reason.as_deref() == Some("NodeNotReady"))
        .cloned()
        .collect();
    assert_eq!(
        print::table(Kind::Event, &events, &w, &GetOptions::default()),
        "LAST SEEN   TYPE     REASON         OBJECT        MESSAGE\n\
         15s         Normal   NodeNotReady   node/node-1   Node node-1 status is now: NodeNotReady\n"
    );
    let wide = print::table(
        Kind::Event,
        &events,
        &w,
        &GetOptions {
            wide: true,
            ..Default::default()
        },
    );
    assert!(wide.starts_with("LAST SEEN   TYPE     REASON         OBJECT        SUBOBJECT   SOURCE            MESSAGE"), "{wide}");
    assert!(wide.contains("   node-controller   Node node-1 status is now: NodeNotReady   45s          2       node-1."), "{wide}");
}

#[test]
fn rows_for_every_kind_have_as_many_cells_as_headers() {
    let mut w = default_cluster();
    create(&mut w, sample_ds());
    create(&mut w, pod("p"));
    for wide in [false, true] {
        let opts = GetOptions {
            wide,
            show_labels: true,
            all_namespaces: true,
            ..Default::default()
        };
        for kind in [
            Kind::Node,
            Kind::Namespace,
            Kind::StorageClass,
            Kind::DaemonSet,
            Kind::Pod,
            Kind::Event,
        ] {
            let h = print::headers(kind, &opts);
            for o in w.store.list(kind, None) {
                assert_eq!(
                    print::row(o, &w, &opts).len(),
                    h.len(),
                    "{kind} wide={wide}"
                );
            }
        }
    }
    let _: Option<Object> = None;
}
