//! What runs inside pods: per-node state (is the kubelet up, pod IP allocation), per-pod
//! sandboxes with their containers, the behaviour model that decides what a container's
//! command does (behaviour.rs, command.rs), the small shell that runs scripts and `exec`
//! (shell/), and the files containers see (files.rs). The kubelet controller drives it;
//! `exec` reads and writes it.

pub mod behaviour;
pub mod command;
pub mod container_sys;
pub mod exec;
pub mod files;
pub mod mounts;
pub mod process;
pub mod sandbox;
pub mod shell;

pub use behaviour::{describe_rules, ImageRule, Plan, SigTerm};
pub use exec::{exec, kill, logs, ExecOutput};
pub use files::{Files, TreeId};
pub use sandbox::{ContainerRun, PodSandbox, RunState, Terminated};

use std::collections::{BTreeMap, BTreeSet};

/// The node side of the runtime: whether its kubelet runs, and its pod CIDR's allocator.
#[derive(Clone, Debug, Default)]
pub struct NodeRuntime {
    /// `node_down`: the kubelet has stopped reporting.
    pub down: bool,
    /// Since when (the node lifecycle controller works out when it notices).
    pub down_since: Option<crate::sim::SimTime>,
    /// N in the node's pod CIDR `10.244.N.0/24`.
    pub cidr_index: u32,
    /// Host-local IPAM: the last address handed out and those in use.
    last_ip: u8,
    used_ips: BTreeSet<u8>,
}

impl NodeRuntime {
    pub fn new(cidr_index: u32) -> Self {
        NodeRuntime {
            down: false,
            down_since: None,
            cidr_index,
            last_ip: 1,
            used_ips: BTreeSet::new(),
        }
    }
    /// Next free address after the last one handed out (host-local IPAM walks forward, so a
    /// re-created pod gets a new IP).
    pub fn allocate_ip(&mut self) -> Option<String> {
        for step in 1..=253i32 {
            let candidate = ((self.last_ip as i32 - 2 + step).rem_euclid(253) + 2) as u8;
            if self.used_ips.insert(candidate) {
                self.last_ip = candidate;
                return Some(format!("10.244.{}.{candidate}", self.cidr_index));
            }
        }
        None
    }
    pub fn release_ip(&mut self, ip: &str) {
        if let Some(last) = ip.rsplit('.').next().and_then(|s| s.parse::<u8>().ok()) {
            self.used_ips.remove(&last);
        }
    }
}

#[derive(Default)]
pub struct Runtime {
    pub nodes: BTreeMap<String, NodeRuntime>,
    /// Pod sandboxes by pod key (a re-created pod of the same name replaces its sandbox).
    pub pods: BTreeMap<crate::api::ObjKey, PodSandbox>,
    /// Rules from `define_image`, newest first.
    pub images: Vec<ImageRule>,
    /// Every file: containers' own, emptyDirs, nodes' (hostPath), PVs'.
    pub files: Files,
    next_cidr: u32,
}

impl Runtime {
    /// Registers a node's runtime (its pod CIDR is the next free `10.244.N.0/24`).
    pub fn add_node(&mut self, name: &str) -> u32 {
        if let Some(n) = self.nodes.get(name) {
            return n.cidr_index;
        }
        self.next_cidr += 1;
        self.nodes
            .insert(name.to_string(), NodeRuntime::new(self.next_cidr));
        self.next_cidr
    }
    pub fn node_is_up(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|n| !n.down)
    }

    /// `define_image`: the rule applies to containers started from now on; a rule for the
    /// same pattern is replaced, and newer rules win over older ones.
    pub fn define_image(&mut self, rule: ImageRule) {
        self.images.retain(|r| r.pattern != rule.pattern);
        self.images.insert(0, rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_ips_come_from_the_node_cidr_and_are_not_reused_at_once_fact_84() {
        let mut rt = Runtime::default();
        rt.add_node("node-1");
        rt.add_node("node-2");
        let n2 = rt.nodes.get_mut("node-2").unwrap();
        let a = n2.allocate_ip().unwrap();
        assert_eq!(a, "10.244.2.2");
        n2.release_ip(&a);
        assert_eq!(n2.allocate_ip().unwrap(), "10.244.2.3");
    }
}
