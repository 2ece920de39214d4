//! `kubectl describe pod`. Expected text derived from kubectl `pkg/describe/describe.go`
//! (`describePod`, `describeContainers`, `describeVolumes`, `DescribeEvents`) laid out by Go's
//! text/tabwriter with describe's settings (minwidth 0, padding 2), where a line without a
//! tab ends a column block.

use super::fixtures::*;
use crate::api::Object;
use crate::print;
use k8s_openapi::api::core::v1::{
    ConfigMapProjection, ContainerPort, DownwardAPIProjection, ProjectedVolumeSource,
    ServiceAccountTokenProjection, Toleration, Volume, VolumeMount, VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

fn ds_pod() -> k8s_openapi::api::core::v1::Pod {
    let mut p = pod("sample-ds-x7k2p");
    p.metadata.labels = labels(&[
        ("app", "sample"),
        ("controller-revision-hash", "5d8f9c7b6d"),
        ("pod-template-generation", "1"),
    ]);
    p.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "DaemonSet".into(),
        name: "sample-ds".into(),
        uid: "ds-uid".into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]);
    let spec = p.spec.as_mut().unwrap();
    spec.priority = Some(0);
    spec.service_account_name = Some("default".into());
    spec.containers[0].name = "nginx".into();
    spec.containers[0].ports = Some(vec![ContainerPort {
        container_port: 80,
        protocol: Some("TCP".into()),
        ..Default::default()
    }]);
    spec.containers[0].volume_mounts = Some(vec![VolumeMount {
        name: "kube-api-access-abcde".into(),
        mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
        read_only: Some(true),
        ..Default::default()
    }]);
    spec.volumes = Some(vec![Volume {
        name: "kube-api-access-abcde".into(),
        projected: Some(ProjectedVolumeSource {
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection::default()),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }]);
    let toleration = |key: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        ..Default::default()
    };
    spec.tolerations = Some(vec![
        toleration("node.kubernetes.io/unreachable"),
        toleration("node.kubernetes.io/not-ready"),
    ]);
    let mut p = on_node(p, "node-1", "10.244.1.2");
    p.status.as_mut().unwrap().start_time = Some(time(0));
    with_conditions(
        with_statuses(p, "Running", vec![running("nginx", true, 2)]),
        &[
            ("PodReadyToStartContainers", "True"),
            ("Initialized", "True"),
            ("Ready", "True"),
            ("ContainersReady", "True"),
            ("PodScheduled", "True"),
        ],
    )
}

#[test]
fn running_daemonset_pod_describes_every_section() {
    let mut w = world();
    let obj = create(&mut w, ds_pod());
    w.record_event(
        &obj,
        "Normal",
        "Scheduled",
        "Successfully assigned default/sample-ds-x7k2p to node-1".into(),
        "default-scheduler",
    );
    advance_to(&mut w, 1);
    w.record_event(
        &obj,
        "Normal",
        "Pulled",
        "Container image \"nginx\" already present on machine".into(),
        "kubelet",
    );
    w.record_event(
        &obj,
        "Normal",
        "Created",
        "Created container: nginx".into(),
        "kubelet",
    );
    w.record_event(
        &obj,
        "Normal",
        "Started",
        "Started container nginx".into(),
        "kubelet",
    );
    advance_to(&mut w, 300);
    let out = print::describe(&obj, &w);
    assert_eq!(out, expected_running(), "\n{out}");
}

/// Widest Age is `4m59s`, so that column is 7 wide; the Age of an event is since its first
/// timestamp.
fn expected_running() -> String {
    "\
Name:             sample-ds-x7k2p
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/172.18.0.2
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           app=sample
                  controller-revision-hash=5d8f9c7b6d
                  pod-template-generation=1
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:           10.244.1.2
Controlled By:  DaemonSet/sample-ds
Containers:
  nginx:
    Container ID:   containerd://7e3a1c0f
    Image:          nginx
    Image ID:       docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:02 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-abcde (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-abcde:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists
                             node.kubernetes.io/unreachable:NoExecute op=Exists
Events:
  Type    Reason     Age    From               Message
  ----    ------     ----   ----               -------
  Normal  Scheduled  5m     default-scheduler  Successfully assigned default/sample-ds-x7k2p to node-1
  Normal  Pulled     4m59s  kubelet            Container image \"nginx\" already present on machine
  Normal  Created    4m59s  kubelet            Created container: nginx
  Normal  Started    4m59s  kubelet            Started container nginx
"
    .to_string()
}

#[test]
fn unscheduled_pod_shows_no_node_an_empty_ip_and_a_warning() {
    let mut w = world();
    let mut p = with_conditions(pod("pending"), &[("PodScheduled", "False")]);
    p.spec.as_mut().unwrap().priority = Some(0);
    p.spec.as_mut().unwrap().service_account_name = Some("default".into());
    let obj = create(&mut w, p);
    w.record_event(
        &obj,
        "Warning",
        "FailedScheduling",
        "0/3 nodes are available: 3 Insufficient cpu.".into(),
        "default-scheduler",
    );
    advance_to(&mut w, 10);
    // "IP:" keeps the padding of its column: kubectl prints trailing spaces there. The
    // tolerations are DefaultTolerationSeconds admission's, which every pod gets.
    let expected = "\
Name:             pending
Namespace:        default
Priority:         0
Service Account:  default
Node:             <none>
Labels:           <none>
Annotations:      <none>
Status:           Pending
IP:               
IPs:              <none>
Containers:
  c:
    Image:        nginx
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type           Status
  PodScheduled   False 
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  10s   default-scheduler  0/3 nodes are available: 3 Insufficient cpu.
";
    let out = print::describe(&obj, &w);
    assert_eq!(out, expected, "\n{out}");
}

#[test]
fn crash_looping_container_shows_waiting_last_state_and_repeated_back_off() {
    let mut w = world();
    let mut p = with_statuses(
        on_node(pod("crash"), "node-1", "10.244.1.5"),
        "Running",
        vec![crash_looping("c", 4, 255)],
    );
    p.spec.as_mut().unwrap().containers[0].command =
        Some(vec!["sh".into(), "-c".into(), "exit 1".into()]);
    let obj = create(&mut w, p);
    advance_to(&mut w, 120);
    for t in [120, 150, 200, 270] {
        advance_to(&mut w, t);
        w.record_event(
            &obj,
            "Warning",
            "BackOff",
            "Back-off restarting failed container c in pod crash_default(x)".into(),
            "kubelet",
        );
    }
    advance_to(&mut w, 300);
    let out = print::describe(&obj, &w);
    let containers = "\
Containers:
  c:
    Container ID:  containerd://7e3a1c0f
    Image:         nginx
    Image ID:      docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      exit 1
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Thu, 01 Jan 2026 00:04:10 +0000
      Finished:     Thu, 01 Jan 2026 00:04:15 +0000
    Ready:          False
    Restart Count:  4
    Environment:    <none>
    Mounts:         <none>
";
    assert!(out.contains(containers), "\n{out}");
    let events = "\
Events:
  Type     Reason   Age               From     Message
  ----     ------   ----              ----     -------
  Warning  BackOff  30s (x4 over 3m)  kubelet  Back-off restarting failed container c in pod crash_default(x)
";
    assert!(out.ends_with(events), "\n{out}");
}

#[test]
fn terminating_pod_shows_lasts_and_grace_period() {
    let mut w = world();
    let mut p = with_statuses(
        on_node(pod("web"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 1)],
    );
    p.metadata.deletion_timestamp = Some(time(40));
    p.metadata.deletion_grace_period_seconds = Some(30);
    let obj = create(&mut w, p);
    // The store clears deletion fields on create; put them back as a delete would.
    let key = obj.key();
    w.store
        .modify(&key, w.now, |o| {
            o.meta_mut().deletion_timestamp = Some(time(40));
            o.meta_mut().deletion_grace_period_seconds = Some(30);
        })
        .unwrap();
    advance_to(&mut w, 10);
    let obj: Object = (**w.get(&key).unwrap()).clone();
    let out = print::describe(&obj, &w);
    assert!(out.contains("Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n"), "\n{out}");
}
