//! `kubectl describe node`. Expected text derived from kubectl `pkg/describe/describe.go`
//! (`describeNode`, `describeNodeLease`, `describeNodeResource`) and text/tabwriter.

use super::fixtures::*;
use crate::api::{Kind, ObjKey};
use crate::print;
use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

fn resources(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, Quantity>> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect(),
    )
}

#[test]
fn node_describes_lease_conditions_resources_pods_and_events() {
    let mut w = world();
    crate::bootstrap::populate(&mut w, &["node-1".into()]);
    let mut big = with_statuses(
        on_node(pod("big"), "node-1", "10.244.1.2"),
        "Running",
        vec![running("c", true, 1)],
    );
    big.spec.as_mut().unwrap().containers[0].resources = Some(ResourceRequirements {
        requests: resources(&[("cpu", "500m"), ("memory", "256Mi")]),
        limits: resources(&[("cpu", "1"), ("memory", "512Mi")]),
        ..Default::default()
    });
    create(&mut w, big);
    create(
        &mut w,
        with_statuses(
            on_node(pod("small"), "node-1", "10.244.1.3"),
            "Running",
            vec![running("c", true, 1)],
        ),
    );
    // A finished pod is not counted.
    create(
        &mut w,
        with_statuses(
            on_node(pod("finished"), "node-1", ""),
            "Succeeded",
            vec![terminated("c", Some("Completed"), 0, 1, 2)],
        ),
    );
    advance_to(&mut w, 600);
    let node = w
        .get(&ObjKey::new(Kind::Node, "", "node-1"))
        .unwrap()
        .clone();
    let t0 = "Thu, 01 Jan 2026 00:00:00 +0000";
    let expected = format!(
        "\
Name:               node-1
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=node-1
                    kubernetes.io/os=linux
Annotations:        <none>
CreationTimestamp:  {t0}
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  node-1
  AcquireTime:     <unset>
  RenewTime:       Thu, 01 Jan 2026 00:10:00 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   {t0}   {t0}   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     False   {t0}   {t0}   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure      False   {t0}   {t0}   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    {t0}   {t0}   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  172.18.0.2
  Hostname:    node-1
Capacity:
  cpu:                4
  ephemeral-storage:  100Gi
  memory:             8Gi
  pods:               110
Allocatable:
  cpu:                4
  ephemeral-storage:  100Gi
  memory:             8Gi
  pods:               110
System Info:
  Machine ID:                 
  System UUID:                
  Boot ID:                    
  Kernel Version:             klab-simulated
  OS Image:                   klab simulated node
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  klab://simulated
  Kubelet Version:            v1.32.0
  Kube-Proxy Version:         
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----     ------------  ----------  ---------------  -------------  ---
  default                     big      500m (12%)    1 (25%)     256Mi (3%)       512Mi (6%)     10m
  default                     small    0 (0%)        0 (0%)      0 (0%)           0 (0%)         10m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                500m (12%)  1 (25%)
  memory             256Mi (3%)  512Mi (6%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:
  Type    Reason          Age   From             Message
  ----    ------          ----  ----             -------
  Normal  RegisteredNode  10m   node-controller  Node node-1 event: Registered Node node-1 in Controller
"
    );
    let out = print::describe(&node, &w);
    assert_eq!(out, expected, "\n{out}");
}

#[test]
fn cordoned_tainted_node_shows_taints_sorted_by_effect_then_key() {
    let mut w = world();
    let spec = crate::bootstrap::NodeSpec {
        name: "node-9".into(),
        taints: vec![
            "zone=a:NoSchedule".into(),
            "dedicated:NoExecute".into(),
            "app=db:NoSchedule".into(),
        ],
        ..Default::default()
    };
    crate::bootstrap::add_node(&mut w, spec).unwrap();
    let key = ObjKey::new(Kind::Node, "", "node-9");
    w.store
        .modify(&key, w.now, |o| {
            o.node_mut().unwrap().spec.as_mut().unwrap().unschedulable = Some(true)
        })
        .unwrap();
    let node = w.get(&key).unwrap().clone();
    let out = print::describe(&node, &w);
    assert!(
        out.contains(
            "Taints:             dedicated:NoExecute\n                    app=db:NoSchedule\n                    zone=a:NoSchedule\nUnschedulable:      true\n"
        ),
        "\n{out}"
    );
}

#[test]
fn a_stopped_kubelets_lease_keeps_its_last_heartbeat() {
    let mut w = world();
    crate::bootstrap::populate(&mut w, &["node-1".into()]);
    w.runtime.nodes.get_mut("node-1").unwrap().down = true;
    advance_to(&mut w, 600);
    let node = w
        .get(&ObjKey::new(Kind::Node, "", "node-1"))
        .unwrap()
        .clone();
    assert!(
        print::describe(&node, &w).contains("  RenewTime:       Thu, 01 Jan 2026 00:00:00 +0000\n")
    );
}
