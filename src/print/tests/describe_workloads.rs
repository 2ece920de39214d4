//! `kubectl describe` for controllers, storage, services, namespaces and (through the
//! generic describer) ControllerRevisions. Expected text derived from kubectl
//! `pkg/describe/describe.go` and text/tabwriter (facts 72 and 120 for Job and CronJob).

use super::fixtures::*;
use crate::api::{Kind, ObjKey, Object};
use crate::print;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, DaemonSetSpec, DaemonSetStatus,
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetStatus,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::batch::v1::{
    CronJob, CronJobSpec, CronJobStatus, Job, JobSpec, JobStatus, JobTemplateSpec,
};
use k8s_openapi::api::core::v1::{
    ContainerPort, HostPathVolumeSource, ObjectReference, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, PersistentVolumeClaimVolumeSource,
    PersistentVolumeSpec, PersistentVolumeStatus, PodSpec, PodTemplateSpec, Service, ServicePort,
    ServiceSpec, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use std::collections::BTreeMap;
use std::sync::Arc;

fn template(app: &str, name: &str, image: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: labels(&[("app", app)]),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container(name, image)],
            ..Default::default()
        }),
    }
}

fn owned_pod(
    name: &str,
    app: &str,
    owner: &Arc<Object>,
    phase: &str,
) -> k8s_openapi::api::core::v1::Pod {
    let mut p = with_statuses(on_node(pod(name), "node-1", "10.244.1.9"), phase, vec![]);
    p.metadata.labels = labels(&[("app", app)]);
    p.metadata.owner_references = Some(vec![owner.controller_ref_to()]);
    p
}

#[test]
fn daemonset_describes_counts_pod_status_template_and_events() {
    let mut w = world();
    let ds = create(
        &mut w,
        DaemonSet {
            metadata: ObjectMeta {
                annotations: Some(BTreeMap::from([(
                    "deprecated.daemonset.template.generation".into(),
                    "1".into(),
                )])),
                ..meta("sample-ds")
            },
            spec: Some(DaemonSetSpec {
                selector: LabelSelector {
                    match_labels: labels(&[("app", "sample")]),
                    ..Default::default()
                },
                template: template("sample", "nginx", "nginx"),
                ..Default::default()
            }),
            status: Some(DaemonSetStatus {
                desired_number_scheduled: 3,
                current_number_scheduled: 3,
                number_ready: 3,
                updated_number_scheduled: Some(3),
                number_available: Some(3),
                ..Default::default()
            }),
        },
    );
    for (name, phase) in [
        ("sample-ds-a", "Running"),
        ("sample-ds-b", "Running"),
        ("sample-ds-c", "Pending"),
    ] {
        create(&mut w, owned_pod(name, "sample", &ds, phase));
    }
    // A pod with matching labels but no controller reference is not counted.
    let mut stray = pod("stray");
    stray.metadata.labels = labels(&[("app", "sample")]);
    create(&mut w, stray);
    w.record_event(
        &ds,
        "Normal",
        "SuccessfulCreate",
        "Created pod: sample-ds-a".into(),
        "daemonset-controller",
    );
    advance_to(&mut w, 90);
    let expected = "\
Name:           sample-ds
Namespace:      default
Selector:       app=sample
Node-Selector:  <none>
Labels:         <none>
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 3
Current Number of Nodes Scheduled: 3
Number of Nodes Scheduled with Up-to-date Pods: 3
Number of Nodes Scheduled with Available Pods: 3
Number of Nodes Misscheduled: 0
Pods Status:  2 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=sample
  Containers:
   nginx:
    Image:         nginx
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                  Message
  ----    ------            ----  ----                  -------
  Normal  SuccessfulCreate  90s   daemonset-controller  Created pod: sample-ds-a
";
    let out = print::describe(&ds, &w);
    assert_eq!(out, expected, "\n{out}");
}

#[test]
fn statefulset_describes_strategy_template_and_volume_claims() {
    let mut w = world();
    let mut tpl = template("nginx", "nginx", "registry.k8s.io/nginx-slim:0.8");
    let c = &mut tpl.spec.as_mut().unwrap().containers[0];
    c.ports = Some(vec![ContainerPort {
        container_port: 80,
        name: Some("web".into()),
        protocol: Some("TCP".into()),
        ..Default::default()
    }]);
    c.volume_mounts = Some(vec![VolumeMount {
        name: "www".into(),
        mount_path: "/usr/share/nginx/html".into(),
        ..Default::default()
    }]);
    let sts = create(
        &mut w,
        StatefulSet {
            metadata: meta("web"),
            spec: Some(StatefulSetSpec {
                replicas: Some(3),
                selector: LabelSelector {
                    match_labels: labels(&[("app", "nginx")]),
                    ..Default::default()
                },
                template: tpl,
                update_strategy: Some(StatefulSetUpdateStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateStatefulSetStrategy {
                        partition: Some(0),
                        ..Default::default()
                    }),
                }),
                volume_claim_templates: Some(vec![PersistentVolumeClaim {
                    metadata: ObjectMeta {
                        name: Some("www".into()),
                        ..Default::default()
                    },
                    spec: Some(PersistentVolumeClaimSpec {
                        access_modes: Some(vec!["ReadWriteOnce".into()]),
                        resources: Some(VolumeResourceRequirements {
                            requests: Some(BTreeMap::from([(
                                "storage".into(),
                                Quantity("1Gi".into()),
                            )])),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    status: None,
                }]),
                ..Default::default()
            }),
            status: Some(StatefulSetStatus {
                replicas: 3,
                ..Default::default()
            }),
        },
    );
    for name in ["web-0", "web-1", "web-2"] {
        create(&mut w, owned_pod(name, "nginx", &sts, "Running"));
    }
    advance_to(&mut w, 60);
    // "  StorageClass:" keeps its column padding: the template names no class.
    let expected = "\
Name:               web
Namespace:          default
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 3 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.8
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:          <none>
";
    let out = print::describe(&sts, &w);
    assert_eq!(out, expected, "\n{out}");
}

#[test]
fn completed_job_describes_times_duration_and_pod_statuses_fact_72() {
    let mut w = world();
    let job_labels = labels(&[
        ("batch.kubernetes.io/controller-uid", "d1b2"),
        ("batch.kubernetes.io/job-name", "pi"),
        ("controller-uid", "d1b2"),
        ("job-name", "pi"),
    ]);
    let mut tpl = template("pi", "pi", "perl:5.34.0");
    tpl.metadata.as_mut().unwrap().labels = job_labels.clone();
    tpl.spec.as_mut().unwrap().containers[0].command = Some(vec![
        "perl".into(),
        "-Mbignum=bpi".into(),
        "-wle".into(),
        "print bpi(2000)".into(),
    ]);
    let job = create(
        &mut w,
        Job {
            metadata: ObjectMeta {
                labels: job_labels,
                ..meta("pi")
            },
            spec: Some(JobSpec {
                parallelism: Some(1),
                completions: Some(1),
                completion_mode: Some("NonIndexed".into()),
                suspend: Some(false),
                backoff_limit: Some(6),
                selector: Some(LabelSelector {
                    match_labels: labels(&[("batch.kubernetes.io/controller-uid", "d1b2")]),
                    ..Default::default()
                }),
                template: tpl,
                ..Default::default()
            }),
            status: Some(JobStatus {
                active: None,
                ready: Some(0),
                succeeded: Some(1),
                start_time: Some(time(0)),
                completion_time: Some(time(68)),
                ..Default::default()
            }),
        },
    );
    w.record_event(
        &job,
        "Normal",
        "SuccessfulCreate",
        "Created pod: pi-5rwd7".into(),
        "job-controller",
    );
    advance_to(&mut w, 68);
    w.record_event(
        &job,
        "Normal",
        "Completed",
        "Job completed".into(),
        "job-controller",
    );
    advance_to(&mut w, 300);
    let expected = "\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid=d1b2
Labels:           batch.kubernetes.io/controller-uid=d1b2
                  batch.kubernetes.io/job-name=pi
                  controller-uid=d1b2
                  job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    6
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Completed At:     Thu, 01 Jan 2026 00:01:08 +0000
Duration:         68s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid=d1b2
           batch.kubernetes.io/job-name=pi
           controller-uid=d1b2
           job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age    From            Message
  ----    ------            ----   ----            -------
  Normal  SuccessfulCreate  5m     job-controller  Created pod: pi-5rwd7
  Normal  Completed         3m52s  job-controller  Job completed
";
    let out = print::describe(&job, &w);
    assert_eq!(out, expected, "\n{out}");
}

#[test]
fn cronjob_describes_policy_limits_template_and_active_jobs_fact_120() {
    let mut w = world();
    let mut tpl = template("hello", "hello", "busybox:1.28");
    tpl.metadata = None;
    tpl.spec.as_mut().unwrap().containers[0].command = Some(vec![
        "/bin/sh".into(),
        "-c".into(),
        "date; echo Hello from the Kubernetes cluster".into(),
    ]);
    let cj = create(
        &mut w,
        CronJob {
            metadata: meta("hello"),
            spec: Some(CronJobSpec {
                schedule: "*/1 * * * *".into(),
                concurrency_policy: Some("Allow".into()),
                suspend: Some(false),
                successful_jobs_history_limit: Some(3),
                failed_jobs_history_limit: Some(1),
                job_template: JobTemplateSpec {
                    spec: Some(JobSpec {
                        template: tpl,
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            }),
            status: Some(CronJobStatus {
                active: Some(vec![ObjectReference {
                    name: Some("hello-29453762".into()),
                    ..Default::default()
                }]),
                last_schedule_time: Some(time(120)),
                ..Default::default()
            }),
        },
    );
    advance_to(&mut w, 120);
    w.record_event(
        &cj,
        "Normal",
        "SuccessfulCreate",
        "Created job hello-29453762".into(),
        "cronjob-controller",
    );
    advance_to(&mut w, 180);
    let expected = "\
Name:                          hello
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      */1 * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   hello:
    Image:      busybox:1.28
    Port:       <none>
    Host Port:  <none>
    Command:
      /bin/sh
      -c
      date; echo Hello from the Kubernetes cluster
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  Thu, 01 Jan 2026 00:02:00 +0000
Active Jobs:         hello-29453762
Events:
  Type    Reason            Age   From                Message
  ----    ------            ----  ----                -------
  Normal  SuccessfulCreate  60s   cronjob-controller  Created job hello-29453762
";
    let out = print::describe(&cj, &w);
    assert_eq!(out, expected, "\n{out}");
}

fn storage() -> BTreeMap<String, Quantity> {
    BTreeMap::from([("storage".to_string(), Quantity("1Gi".into()))])
}

#[test]
fn bound_pvc_and_its_pv_describe_claim_finalizers_and_users() {
    let mut w = world();
    let pvc = create(
        &mut w,
        PersistentVolumeClaim {
            metadata: ObjectMeta {
                labels: labels(&[("app", "nginx")]),
                annotations: Some(BTreeMap::from([
                    ("pv.kubernetes.io/bind-completed".into(), "yes".into()),
                    (
                        "volume.kubernetes.io/storage-provisioner".into(),
                        "klab.dev/simulated".into(),
                    ),
                ])),
                finalizers: Some(vec!["kubernetes.io/pvc-protection".into()]),
                ..meta("www-web-0")
            },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(storage()),
                    ..Default::default()
                }),
                storage_class_name: Some("standard".into()),
                volume_name: Some("pvc-3f1c".into()),
                volume_mode: Some("Filesystem".into()),
                ..Default::default()
            }),
            status: Some(PersistentVolumeClaimStatus {
                phase: Some("Bound".into()),
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                capacity: Some(storage()),
                ..Default::default()
            }),
        },
    );
    let mut user = pod("web-0");
    user.spec.as_mut().unwrap().volumes = Some(vec![Volume {
        name: "www".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: "www-web-0".into(),
            read_only: None,
        }),
        ..Default::default()
    }]);
    create(&mut w, user);
    let pv = create(
        &mut w,
        PersistentVolume {
            metadata: ObjectMeta {
                name: Some("pvc-3f1c".into()),
                annotations: Some(BTreeMap::from([(
                    "pv.kubernetes.io/provisioned-by".into(),
                    "klab.dev/simulated".into(),
                )])),
                finalizers: Some(vec!["kubernetes.io/pv-protection".into()]),
                ..Default::default()
            },
            spec: Some(PersistentVolumeSpec {
                capacity: Some(storage()),
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                persistent_volume_reclaim_policy: Some("Delete".into()),
                claim_ref: Some(ObjectReference {
                    namespace: Some("default".into()),
                    name: Some("www-web-0".into()),
                    ..Default::default()
                }),
                storage_class_name: Some("standard".into()),
                volume_mode: Some("Filesystem".into()),
                host_path: Some(HostPathVolumeSource {
                    path: "/var/klab/pv/pvc-3f1c".into(),
                    type_: None,
                }),
                ..Default::default()
            }),
            status: Some(PersistentVolumeStatus {
                phase: Some("Bound".into()),
                ..Default::default()
            }),
        },
    );
    let expected_pvc = "\
Name:          www-web-0
Namespace:     default
StorageClass:  standard
Status:        Bound
Volume:        pvc-3f1c
Labels:        app=nginx
Annotations:   pv.kubernetes.io/bind-completed: yes
               volume.kubernetes.io/storage-provisioner: klab.dev/simulated
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      1Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       web-0
Events:        <none>
";
    assert_eq!(print::describe(&pvc, &w), expected_pvc);
    let expected_pv = "\
Name:            pvc-3f1c
Labels:          <none>
Annotations:     pv.kubernetes.io/provisioned-by: klab.dev/simulated
Finalizers:      [kubernetes.io/pv-protection]
StorageClass:    standard
Status:          Bound
Claim:           default/www-web-0
Reclaim Policy:  Delete
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        1Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /var/klab/pv/pvc-3f1c
    HostPathType:  <none>
Events:            <none>
";
    assert_eq!(print::describe(&pv, &w), expected_pv);
}

#[test]
fn default_storage_class_and_namespace() {
    let mut w = world();
    crate::bootstrap::populate(&mut w, &[]);
    let sc = w
        .get(&ObjKey::new(Kind::StorageClass, "", "standard"))
        .unwrap()
        .clone();
    assert_eq!(
        print::describe(&sc, &w),
        "\
Name:                  standard
IsDefaultClass:        Yes
Annotations:           storageclass.kubernetes.io/is-default-class=true
Provisioner:           klab.dev/simulated
Parameters:            <none>
AllowVolumeExpansion:  <unset>
MountOptions:          <none>
ReclaimPolicy:         Delete
VolumeBindingMode:     Immediate
Events:                <none>
"
    );
    let ns = w
        .get(&ObjKey::new(Kind::Namespace, "", "default"))
        .unwrap()
        .clone();
    assert_eq!(
        print::describe(&ns, &w),
        "\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"
    );
}

#[test]
fn headless_service_lists_ready_pod_endpoints() {
    let mut w = world();
    let svc = create(
        &mut w,
        Service {
            metadata: ObjectMeta {
                labels: labels(&[("app", "nginx")]),
                ..meta("nginx")
            },
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                cluster_ip: Some("None".into()),
                cluster_ips: Some(vec!["None".into()]),
                ip_family_policy: Some("SingleStack".into()),
                ip_families: Some(vec!["IPv4".into()]),
                ports: Some(vec![ServicePort {
                    name: Some("web".into()),
                    port: 80,
                    protocol: Some("TCP".into()),
                    target_port: Some(
                        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80),
                    ),
                    ..Default::default()
                }]),
                selector: Some(BTreeMap::from([("app".into(), "nginx".into())])),
                session_affinity: Some("None".into()),
                ..Default::default()
            }),
            status: None,
        },
    );
    for (name, ip, ready) in [
        ("web-0", "10.244.1.2", "True"),
        ("web-1", "10.244.2.2", "True"),
        ("web-2", "10.244.3.2", "False"),
    ] {
        let mut p = with_conditions(on_node(pod(name), "node-1", ip), &[("Ready", ready)]);
        p.metadata.labels = labels(&[("app", "nginx")]);
        create(&mut w, p);
    }
    assert_eq!(
        print::describe(&svc, &w),
        "\
Name:              nginx
Namespace:         default
Labels:            app=nginx
Annotations:       <none>
Selector:          app=nginx
Type:              ClusterIP
IP Family Policy:  SingleStack
IP Families:       IPv4
IP:                None
IPs:               None
Port:              web  80/TCP
TargetPort:        80/TCP
Endpoints:         10.244.1.2:80,10.244.2.2:80
Session Affinity:  None
Events:            <none>
"
    );
}

#[test]
fn controller_revision_uses_the_generic_describer() {
    let mut w = world();
    let owner = OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: "web".into(),
        uid: "sts-uid".into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    let data = serde_json::json!({"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"image": "nginx:1.27", "name": "nginx"}]}}}});
    let cr = create(
        &mut w,
        ControllerRevision {
            metadata: ObjectMeta {
                labels: labels(&[("app", "nginx"), ("controller-revision-hash", "6d4b5f9c8b")]),
                owner_references: Some(vec![owner]),
                ..meta("web-6d4b5f9c8b")
            },
            revision: 1,
            data: Some(RawExtension(data)),
        },
    );
    let expected = format!(
        "\
Name:         web-6d4b5f9c8b
Namespace:    default
Labels:       app=nginx
              controller-revision-hash=6d4b5f9c8b
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Metadata:
        Labels:
          App:  nginx
      Spec:
        Containers:
          Image:  nginx:1.27
          Name:   nginx
Kind:             ControllerRevision
Metadata:
  Creation Timestamp:  2026-01-01T00:00:00Z
  Owner References:
    API Version:           apps/v1
    Block Owner Deletion:  true
    Controller:            true
    Kind:                  StatefulSet
    Name:                  web
    UID:                   sts-uid
  Resource Version:        {}
  UID:                     {}
Revision:                  1
Events:                    <none>
",
        cr.meta().resource_version.as_deref().unwrap(),
        cr.uid()
    );
    let out = print::describe(&cr, &w);
    assert_eq!(out, expected, "\n{out}");
}
