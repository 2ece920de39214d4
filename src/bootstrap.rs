//! What a fresh cluster holds before a script runs: the namespaces, the worker nodes and
//! the default StorageClass.

use crate::api::{Kind, ObjKey, Object};
use crate::world::World;
use k8s_openapi::api::core::v1::{
    Namespace, NamespaceSpec, NamespaceStatus, Node, NodeAddress, NodeCondition,
    NodeSpec as K8sNodeSpec, NodeStatus, NodeSystemInfo, Taint,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::BTreeMap;

/// The version klab reports for its nodes' kubelets.
pub const KUBELET_VERSION: &str = "v1.32.0";
/// The provisioner of the default StorageClass.
pub const PROVISIONER: &str = "klab.dev/simulated";

/// A node to add: `add_node(name, #{labels, taints, cpu, memory})`.
#[derive(Clone, Debug, Default)]
pub struct NodeSpec {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// `key=value:Effect` or `key:Effect`.
    pub taints: Vec<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub pods: Option<String>,
}

impl NodeSpec {
    pub fn named(name: &str) -> Self {
        NodeSpec {
            name: name.to_string(),
            ..Default::default()
        }
    }
}

pub fn populate(world: &mut World, nodes: &[String]) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let obj = Namespace {
            metadata: ObjectMeta {
                name: Some(ns.into()),
                labels: Some(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_string(),
                    ns.to_string(),
                )])),
                ..Default::default()
            },
            spec: Some(NamespaceSpec {
                finalizers: Some(vec!["kubernetes".into()]),
            }),
            status: Some(NamespaceStatus {
                phase: Some("Active".into()),
                ..Default::default()
            }),
        };
        let _ = world.create(Object::Namespace(obj));
    }
    let sc = StorageClass {
        metadata: ObjectMeta {
            name: Some("standard".into()),
            annotations: Some(BTreeMap::from([(
                "storageclass.kubernetes.io/is-default-class".to_string(),
                "true".to_string(),
            )])),
            ..Default::default()
        },
        provisioner: PROVISIONER.into(),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("Immediate".into()),
        allow_volume_expansion: None,
        ..Default::default()
    };
    let _ = world.create(Object::StorageClass(sc));
    for name in nodes {
        let _ = add_node(world, NodeSpec::named(name));
    }
}

/// Parses `key=value:Effect` / `key:Effect` / `key=value` … as `kubectl taint` and
/// `add_node` accept them.
pub fn parse_taint(text: &str) -> Result<Taint, String> {
    let (kv, effect) = text.rsplit_once(':').ok_or_else(|| {
        format!("invalid taint spec: {text}, the effect is missing (want key=value:Effect)")
    })?;
    if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect) {
        return Err(format!(
            "invalid taint effect: {effect}, unsupported taint effect (want NoSchedule, PreferNoSchedule or NoExecute)"
        ));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (kv, None),
    };
    if key.is_empty() {
        return Err(format!("invalid taint spec: {text}"));
    }
    Ok(Taint {
        key: key.into(),
        value,
        effect: effect.into(),
        time_added: None,
    })
}

pub fn add_node(world: &mut World, spec: NodeSpec) -> Result<(), crate::store::ApiError> {
    if let Some(problem) = crate::api::names::dns_subdomain_problem(&spec.name) {
        return Err(crate::store::ApiError::Invalid {
            kind: Kind::Node,
            name: spec.name.clone(),
            causes: vec![format!(
                "metadata.name: Invalid value: \"{}\": {problem}",
                spec.name
            )],
        });
    }
    if world
        .store
        .get(&ObjKey::new(Kind::Node, "", &spec.name))
        .is_some()
    {
        return Err(crate::store::ApiError::AlreadyExists {
            kind: Kind::Node,
            name: spec.name,
        });
    }
    let cidr = world.runtime.add_node(&spec.name);
    let mut labels = BTreeMap::from([
        ("beta.kubernetes.io/arch".to_string(), "amd64".to_string()),
        ("beta.kubernetes.io/os".to_string(), "linux".to_string()),
        ("kubernetes.io/arch".to_string(), "amd64".to_string()),
        ("kubernetes.io/hostname".to_string(), spec.name.clone()),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
    ]);
    labels.extend(spec.labels.clone());
    let taints: Vec<Taint> = spec
        .taints
        .iter()
        .map(|t| parse_taint(t))
        .collect::<Result<_, _>>()
        .map_err(|e| crate::store::ApiError::Other {
            reason: "BadRequest".into(),
            message: e,
        })?;
    let resources = BTreeMap::from([
        (
            "cpu".to_string(),
            Quantity(spec.cpu.clone().unwrap_or_else(|| "4".into())),
        ),
        ("ephemeral-storage".to_string(), Quantity("100Gi".into())),
        (
            "memory".to_string(),
            Quantity(spec.memory.clone().unwrap_or_else(|| "8Gi".into())),
        ),
        (
            "pods".to_string(),
            Quantity(spec.pods.clone().unwrap_or_else(|| "110".into())),
        ),
    ]);
    let now = Some(Time(world.now.truncate_to_secs().to_chrono()));
    let condition = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: now.clone(),
        last_transition_time: now.clone(),
    };
    let node = Node {
        metadata: ObjectMeta {
            name: Some(spec.name.clone()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(K8sNodeSpec {
            pod_cidr: Some(format!("10.244.{cidr}.0/24")),
            pod_cidrs: Some(vec![format!("10.244.{cidr}.0/24")]),
            taints: (!taints.is_empty()).then_some(taints),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: format!("172.18.0.{}", cidr + 1),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: spec.name.clone(),
                },
            ]),
            allocatable: Some(resources.clone()),
            capacity: Some(resources),
            conditions: Some(vec![
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ]),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: String::new(),
                container_runtime_version: "klab://simulated".into(),
                kernel_version: "klab-simulated".into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBELET_VERSION.into(),
                machine_id: String::new(),
                operating_system: "linux".into(),
                os_image: "klab simulated node".into(),
                system_uuid: String::new(),
            }),
            phase: None,
            ..Default::default()
        }),
    };
    let created = world.create(Object::Node(node))?;
    world.record_event(
        &created,
        "Normal",
        "RegisteredNode",
        format!(
            "Node {} event: Registered Node {} in Controller",
            spec.name, spec.name
        ),
        "node-controller",
    );
    Ok(())
}
