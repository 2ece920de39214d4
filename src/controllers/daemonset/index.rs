//! A DaemonSet's pods grouped by the node they are on or aimed at (`getNodesToDaemonPods`),
//! rebuilt on every sync. Keyed by node name through FNV-1a: short keys, looked up once per
//! node per sync over thousands of nodes, and never iterated where order could leak out.

use super::decide;
use crate::api::Object;
use k8s_openapi::api::core::v1::Pod;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// FNV-1a as a `Hasher`: fast on node names and the same in every run.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

pub type PodsByNode<'a> = FnvMap<&'a str, Vec<&'a Pod>>;

/// Groups pods by target node. Terminal pods already being deleted are left out: the
/// kubelet or PodGC is removing them and the controller has nothing more to do with them.
pub fn by_node(pods: &[Arc<Object>]) -> PodsByNode<'_> {
    // Sized up front: one entry per node, rebuilt on every sync over thousands of nodes.
    let mut out = PodsByNode::with_capacity_and_hasher(pods.len(), Default::default());
    for pod in pods.iter().filter_map(|o| o.pod()) {
        if decide::is_terminal(pod) && decide::is_deleting(pod) {
            continue;
        }
        if let Some(node) = decide::target_node(pod) {
            out.entry(node).or_default().push(pod);
        }
    }
    out
}
