//! The DaemonSet controller as Kubernetes 1.32 runs it (k/k `pkg/controller/daemon`):
//! one pod per eligible node, rolling updates, revisions and status. This file is the "do"
//! half — watch and sync (`syncDaemonSet`); the decisions live in `decide.rs` (nodes and
//! pods), `rollout.rs` (RollingUpdate), `status.rs` and `history.rs`, and `pods.rs` builds
//! and sends pods. `strategy.rs` is the API server's share (the template generation).
//!
//! Differences from Kubernetes, all invisible at the end of an instant: there are no
//! expectations (the store is consistent, so a sync that created or deleted pods simply
//! leaves the rolling update to the next sync, which the resulting changes trigger), a
//! status write of its own does not bring the DaemonSet back, and orphan pods are found
//! from the watch rather than by listing the namespace.

pub mod backoff;
pub mod decide;
pub mod eligibility;
pub mod history;
pub mod index;
pub mod pods;
pub mod rollout;
pub mod status;
pub mod strategy;
#[cfg(test)]
mod tests;

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{WatchEvent, WatchType};
use crate::world::World;
use backoff::FailedPodBackoff;
use decide::{Eligibility, NodeContext, NodePlan};
use index::{by_node, FnvMap, PodsByNode};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use rollout::NodeSlot;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The component name on the DaemonSet's events (fact 23).
pub const NAME: &str = "daemonset-controller";
/// At most this many creates, and this many deletes, per sync (`BurstReplicas`, fact 22).
pub const BURST_REPLICAS: usize = 250;

#[derive(Default)]
pub struct DaemonSetController {
    backoff: FailedPodBackoff,
    /// DS uid → every node's (shouldRun, shouldContinueRunning), kept current by the node
    /// watch, so a node change re-syncs a DaemonSet only when it matters to it
    /// (`updateNode`) and a sync reads the verdicts instead of checking every node again.
    verdicts: FnvMap<String, NodeVerdicts>,
    /// Pods without a controller, from the watch: candidates for adoption (`ClaimPods`).
    orphans: BTreeSet<ObjKey>,
    /// Re-syncs asked for by the watch (which cannot set timers), set at the next sync.
    pending_wakes: Vec<(SimTime, ObjKey)>,
    /// Re-syncs already set, so a thousand pods turning ready set one timer.
    wakes: BTreeSet<(SimTime, ObjKey)>,
    /// DS uid → nodes whose DS pods or verdict changed since its last sync, fed by the
    /// watch: the nodes whose share of the status counts must be counted again.
    dirty: FnvMap<String, BTreeSet<String>>,
    /// DS uid → the nodes the manage loop must look at again even if nothing changes there
    /// (something was left to do, or a surge pair waits on time), and what it depended on.
    unsettled: FnvMap<String, Unsettled>,
    /// DS uid → its status counts kept per node between syncs.
    counts: FnvMap<String, status::CountCache>,
    /// The resourceVersion of each DaemonSet's last status write by this controller: the
    /// watch event it causes needs no re-sync (nothing else changed with it).
    own_writes: FnvMap<ObjKey, String>,
}

/// One DaemonSet's verdict on every node, by node name (the node list's order).
#[derive(Default)]
struct NodeVerdicts {
    /// The DaemonSet generation the whole map was computed for: any spec change (and so any
    /// template change) bumps it, and the next sync computes every node again. Between
    /// two, the node watch keeps each node's entry current.
    generation: Option<i64>,
    nodes: BTreeMap<String, (bool, bool)>,
}

/// The manage loop's memory of one DaemonSet between syncs. A node outside `nodes` whose
/// pods and verdict did not change (not dirty) would get an empty plan again, unless one of
/// `params` changed: then every node is looked at.
#[derive(Default)]
struct Unsettled {
    /// (DaemonSet generation, observedGeneration — part of the backoff key —, hash).
    params: Option<(Option<i64>, i64, String)>,
    nodes: BTreeSet<String>,
}

/// (minReadySeconds, whether the selector is the empty "select everything" one).
fn spec_of(ds: &DaemonSet) -> (i32, bool) {
    let spec = ds.spec.as_ref();
    let min_ready = spec.and_then(|s| s.min_ready_seconds).unwrap_or(0);
    let everything = spec.is_none_or(|s| {
        s.selector.match_labels.is_none() && s.selector.match_expressions.is_none()
    });
    (min_ready, everything)
}

impl DaemonSetController {
    /// Asks for a re-sync of `key` at `at`, once per (instant, key).
    fn wake(&mut self, world: &mut World, at: SimTime, key: &ObjKey) {
        if self.wakes.insert((at, key.clone())) {
            world.wake(at, TimerClass::Work, NAME, key.clone());
        }
    }

    /// Marks `node` dirty for the DaemonSet `uid`.
    fn mark(&mut self, uid: &str, node: &str) {
        match self.dirty.get_mut(uid) {
            Some(set) => {
                if !set.contains(node) {
                    set.insert(node.to_string());
                }
            }
            None => {
                self.dirty
                    .insert(uid.to_string(), BTreeSet::from([node.to_string()]));
            }
        }
    }

    fn watch_pod(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        let Some(pod) = obj.pod() else { return };
        let key = change.key();
        // The node this pod counts on: dirty for its DaemonSet, or for every DaemonSet in
        // the namespace when it has none (it may have just been released by one).
        if let Some(node) = decide::target_node(pod) {
            match obj.controller_ref().filter(|r| r.kind == "DaemonSet") {
                Some(r) => self.mark(&r.uid, node),
                None => {
                    for ds in world.store.list(Kind::DaemonSet, Some(obj.namespace())) {
                        self.mark(ds.uid(), node);
                    }
                }
            }
        }
        let Some(owner) = obj.controller_ref() else {
            // An orphan: a DaemonSet whose selector matches may adopt it.
            if change.kind == WatchType::Deleted || obj.is_deleting() {
                self.orphans.remove(&key);
                return;
            }
            self.orphans.insert(key);
            for ds in world.store.list(Kind::DaemonSet, Some(obj.namespace())) {
                let sel = ds.daemon_set().and_then(pods::selector);
                if sel.is_some_and(|s| s.matches(obj.labels())) {
                    out.push(ds.key());
                }
            }
            return;
        };
        self.orphans.remove(&key);
        if owner.kind != "DaemonSet" {
            return;
        }
        let Some(ds_obj) = world.store.by_uid(&owner.uid) else {
            return;
        };
        let Some(ds) = ds_obj.daemon_set() else {
            return;
        };
        out.push(ds_obj.key());
        // `updatePod`: a pod that just turned Ready brings its DaemonSet back after
        // minReadySeconds + 1s, when it has become available (fact 36).
        let (min_ready, _) = spec_of(ds);
        let just_ready = decide::ready_since(pod) == Some(change.at.truncate_to_secs());
        if change.kind != WatchType::Deleted && min_ready > 0 && just_ready {
            let at = change.at + SimDuration::from_secs(min_ready as i64 + 1);
            self.pending_wakes.push((at, ds_obj.key()));
        }
    }

    fn watch_node(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let name = change.object.name().to_string();
        for ds_obj in world.store.list(Kind::DaemonSet, None) {
            let uid = ds_obj.uid().to_string();
            if change.kind == WatchType::Deleted {
                // The node leaves the list at once: DESIRED drops (fact 18).
                if let Some(v) = self.verdicts.get_mut(&uid) {
                    v.nodes.remove(&name);
                }
                self.mark(&uid, &name);
                out.push(ds_obj.key());
                continue;
            }
            let (Some(ds), Some(node)) = (ds_obj.daemon_set(), change.object.node()) else {
                continue;
            };
            let verdict = Eligibility::new(ds).check(node);
            let previous = self
                .verdicts
                .entry(uid.clone())
                .or_default()
                .nodes
                .insert(name.clone(), verdict);
            if previous != Some(verdict) {
                self.mark(&uid, &name);
            }
            let matters = match change.kind {
                // `addNode`: DaemonSets that should run there (fact 17).
                WatchType::Added => verdict.0 || previous.is_some_and(|p| p != verdict),
                // `updateNode`: only when shouldRun or shouldContinueRunning changes.
                _ => previous != Some(verdict),
            };
            if matters {
                out.push(ds_obj.key());
            }
        }
    }

    /// `syncDaemonSet`.
    fn sync(&mut self, key: &ObjKey, world: &mut World) {
        let Some(ds_obj) = world.store.get(key).cloned() else {
            return;
        };
        let Some(ds) = ds_obj.daemon_set() else {
            return;
        };
        let (min_ready, selects_everything) = spec_of(ds);
        if selects_everything {
            world.record_event(
                &ds_obj,
                "Warning",
                "SelectingAll",
                "This daemon set is selecting all pods. A non-empty selector is required.".into(),
                NAME,
            );
            return;
        }
        // A DaemonSet being deleted is left to the garbage collector, status and all.
        if ds_obj.is_deleting() {
            return;
        }
        let Some(sel) = pods::selector(ds) else {
            return;
        };
        let mut dependents = world.store.dependents(ds_obj.uid());
        let before = world.store.resource_version();
        // This sync's own writes, from here on, are changes the watch has not seen yet.
        let log_start = world.store.log_end();
        let Ok(history) = history::construct(world, &ds_obj, &dependents) else {
            // A hash collision bumped collisionCount; that change brings us back.
            return;
        };
        if world.store.resource_version() != before {
            dependents = world.store.dependents(ds_obj.uid());
        }
        let hash = history.hash.as_str();
        let generation = strategy::template_generation(ds);
        let now = world.now;

        let owned = self.claim(world, &ds_obj, &sel, pods::owned_pods(&ds_obj, &dependents));
        // Every node's verdict: from the watch-kept cache, or computed for all nodes when
        // the spec changed since (taken out of `self` for the sync, put back at its end).
        let mut cache = self.verdicts.remove(ds_obj.uid()).unwrap_or_default();
        let ds_generation = ds_obj.meta().generation;
        if cache.generation != ds_generation {
            let eligibility = Eligibility::new(ds);
            cache.nodes = world
                .nodes()
                .filter_map(|n| {
                    n.node()
                        .map(|node| (n.name().to_string(), eligibility.check(node)))
                })
                .collect();
            cache.generation = ds_generation;
        }
        let verdicts: Vec<(&str, bool, bool)> = cache
            .nodes
            .iter()
            .map(|(name, (run, cont))| (name.as_str(), *run, *cont))
            .collect();

        // manage: one pod per eligible node.
        let grouped = by_node(&owned);
        let rows = node_rows(&verdicts, &grouped);
        // The nodes whose pods or verdict changed since the last sync, from the watch.
        let mut dirty = self.dirty.remove(ds_obj.uid()).unwrap_or_default();
        let wrote = self.manage(world, &ds_obj, (&rows, &grouped), &dirty, hash, generation);

        // The rolling update runs once the manage loop has nothing left to do (fact 30).
        if !wrote && rollout::rolling_parameters(ds).is_some() {
            self.rolling_update(world, &ds_obj, &rows, &grouped, hash, generation);
        }

        // cleanupHistory, counting every pod's hash, terminal ones included. Read the pods
        // again only if this sync wrote anything.
        let wrote_any = world.store.resource_version() != before;
        let reread: Vec<Arc<Object>>;
        let owned_now: &[Arc<Object>] = if wrote_any {
            reread = pods::owned_pods(&ds_obj, &world.store.dependents(ds_obj.uid()));
            &reread
        } else {
            &owned
        };
        history::cleanup(world, ds, &history.old, owned_now);

        // Status, from the pods as they are now: counted again only on the nodes the watch
        // marked dirty since the last sync and those this sync's own writes touched.
        for change in world.store.changes_since(log_start) {
            if let Some(node) = change.object.pod().and_then(decide::target_node) {
                if !dirty.contains(node) {
                    dirty.insert(node.to_string());
                }
            }
        }
        let params = status::CountParams {
            ds_generation: ds_obj.meta().generation,
            hash: hash.to_string(),
            template_generation: generation,
            min_ready,
        };
        let regrouped;
        let rows: &[NodeRow] = if wrote_any {
            regrouped = by_node(owned_now);
            &node_rows(&verdicts, &regrouped)
        } else {
            &rows
        };
        let view: Vec<(&str, bool, Option<&[&Pod]>)> =
            rows.iter().map(|r| (r.node, r.run, r.pods)).collect();
        let kept = self.counts.entry(ds_obj.uid().to_string()).or_default();
        let counts = kept.update(params, &view, &dirty, now);
        if cfg!(debug_assertions) {
            // Every test run checks the kept counts against a full count.
            let full = status::count_rows(
                rows.iter().map(|r| (r.run, r.pods)),
                hash,
                generation,
                min_ready,
                now,
            );
            assert_eq!(
                counts, full,
                "kept DaemonSet counts drifted from a full count"
            );
        }
        let observed = ds_obj.meta().generation.unwrap_or(0);
        let current = world.store.get(key).cloned();
        let current_status = current
            .as_ref()
            .and_then(|o| o.daemon_set())
            .and_then(|d| d.status.as_ref());
        if !status::unchanged(current_status, &counts, observed) {
            let written = world.store.modify(key, now, |o| {
                if let Some(d) = o.daemon_set_mut() {
                    status::apply(
                        d.status.get_or_insert_with(Default::default),
                        &counts,
                        observed,
                    );
                }
            });
            if written == Ok(true) {
                let rv = world
                    .store
                    .get(key)
                    .and_then(|o| o.meta().resource_version.clone());
                self.own_writes.insert(key.clone(), rv.unwrap_or_default());
            }
        }
        // "Resync after minReadySeconds as a last line of defense" (`updateDaemonSetStatus`).
        if min_ready > 0 && counts.ready != counts.available {
            let at = now + SimDuration::from_secs(min_ready as i64);
            self.wake(world, at, key);
        }
        drop(verdicts);
        self.verdicts.insert(ds_obj.uid().to_string(), cache);
    }

    /// `ClaimPods`: the owned pods that still match, plus orphans adopted now.
    fn claim(
        &mut self,
        world: &mut World,
        ds_obj: &Arc<Object>,
        sel: &crate::api::selector::Selector,
        owned: Vec<Arc<Object>>,
    ) -> Vec<Arc<Object>> {
        let mut owned = pods::claim_owned(world, ds_obj, sel, owned);
        let candidates: Vec<ObjKey> = self
            .orphans
            .iter()
            .filter(|k| k.namespace == ds_obj.namespace())
            .cloned()
            .collect();
        for k in candidates {
            let Some(pod) = world.store.get(&k).cloned() else {
                self.orphans.remove(&k);
                continue;
            };
            if pods::adopt(world, ds_obj, sel, &pod) {
                self.orphans.remove(&k);
                if let Some(adopted) = world.store.get(&k).cloned() {
                    owned.push(adopted);
                }
            }
        }
        owned
    }

    /// `manage` + `syncNodes`: create missing pods, delete failed, surplus and misplaced
    /// ones. Returns whether it wrote anything.
    fn manage(
        &mut self,
        world: &mut World,
        ds_obj: &Arc<Object>,
        (rows, grouped): (&[NodeRow], &PodsByNode),
        dirty: &BTreeSet<String>,
        hash: &str,
        generation: Option<i64>,
    ) -> bool {
        let ds = ds_obj.daemon_set().expect("a DaemonSet");
        let (min_ready, _) = spec_of(ds);
        let observed = ds
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0);
        let prefix = format!("{}/{}/", ds_obj.uid(), observed);
        let surge = rollout::allows_surge(ds);
        let mut create_on = Vec::new();
        let mut delete = Vec::new();
        let mut requeue: Option<SimDuration> = None;
        let params = Some((ds_obj.meta().generation, observed, hash.to_string()));
        let mut memory = self.unsettled.remove(ds_obj.uid()).unwrap_or_default();
        let every_node = memory.params != params;
        let mut unsettled = BTreeSet::new();
        // Debug builds check that every node skipped would indeed get an empty plan.
        let mut check_backoff = cfg!(debug_assertions).then(|| self.backoff.clone());
        for &NodeRow {
            node,
            run,
            cont,
            pods,
        } in rows
        {
            let ctx = NodeContext {
                node,
                should_run: run,
                should_continue: cont,
                surge,
                hash,
                min_ready_seconds: min_ready,
                now: world.now,
                backoff_prefix: &prefix,
            };
            if !every_node && !dirty.contains(node) && !memory.nodes.contains(node) {
                if let Some(b) = check_backoff.as_mut() {
                    let plan = decide::pods_should_be_on_node(&ctx, pods, b);
                    assert_eq!(plan, NodePlan::default(), "skipped node {node}");
                }
                continue;
            }
            let plan = decide::pods_should_be_on_node(&ctx, pods, &mut self.backoff);
            // Anything to do, or a surge pair whose old pod goes once the new one has been
            // available long enough: look again next sync even if nothing changes.
            if plan != NodePlan::default() || (surge && pods.is_some_and(|p| p.len() > 1)) {
                unsettled.insert(node.to_string());
            }
            for (type_, reason, message) in plan.events {
                world.record_event(ds_obj, type_, reason, message, NAME);
            }
            if plan.create {
                create_on.push(node.to_string());
            }
            delete.extend(plan.delete);
            if let Some(d) = plan.requeue_after {
                requeue = Some(requeue.map_or(d, |r: SimDuration| r.min(d)));
            }
        }
        memory.params = params;
        memory.nodes = unsettled;
        self.unsettled.insert(ds_obj.uid().to_string(), memory);
        // Never-scheduled pods aimed at nodes that are gone: PodGC cannot see them (fact 18).
        let mut orphaned: Vec<String> = missing_nodes(rows, grouped)
            .into_iter()
            .flat_map(|node| &grouped[node])
            .filter(|p| decide::bound_node(p).is_none())
            .map(|p| p.metadata.name.clone().unwrap_or_default())
            .collect();
        orphaned.sort();
        delete.extend(orphaned);
        if let Some(d) = requeue {
            let at = world.now + d;
            self.wake(world, at, &ds_obj.key());
        }
        sync_nodes(world, ds_obj, &create_on, &delete, generation, hash)
    }

    /// `rollingUpdate`: delete old pods within maxUnavailable, or surge new ones within
    /// maxSurge (facts 30–34). The walk order comes from the seeded RNG (T2).
    fn rolling_update(
        &mut self,
        world: &mut World,
        ds_obj: &Arc<Object>,
        rows: &[NodeRow],
        grouped: &PodsByNode,
        hash: &str,
        generation: Option<i64>,
    ) {
        let ds = ds_obj.daemon_set().expect("a DaemonSet");
        let (min_ready, _) = spec_of(ds);
        let any_old = grouped
            .values()
            .flatten()
            .any(|p| rollout::is_old(p, hash, generation));
        if !any_old {
            return;
        }
        let desired = rows.iter().filter(|r| r.run).count();
        let Ok((max_surge, max_unavailable)) = rollout::budgets(ds, desired) else {
            return;
        };
        // `updatedDesiredNodeCounts`: every node with pods, plus every node that should
        // run one; in node order first so that the shuffle alone decides.
        let mut walk: Vec<NodeSlot> = rows
            .iter()
            .filter(|r| r.run || r.pods.is_some())
            .map(|r| NodeSlot {
                node: r.node,
                pods: r.pods.unwrap_or(&[]),
                should_run: Some(r.run),
            })
            .collect();
        walk.extend(
            missing_nodes(rows, grouped)
                .into_iter()
                .map(|node| NodeSlot {
                    node,
                    pods: grouped[node].as_slice(),
                    should_run: None,
                }),
        );
        // Go iterates a map here: the order is random, not node order (T2).
        for i in (1..walk.len()).rev() {
            let j = world.rng.below(i + 1);
            walk.swap(i, j);
        }
        let now = world.now;
        if max_surge == 0 {
            let delete = rollout::victims_without_surge(
                &walk,
                hash,
                generation,
                max_unavailable,
                min_ready,
                now,
            );
            sync_nodes(world, ds_obj, &[], &delete, generation, hash);
        } else if let Ok(plan) =
            rollout::surge_plan(&walk, hash, generation, max_surge, desired, min_ready, now)
        {
            sync_nodes(
                world,
                ds_obj,
                &plan.create_on,
                &plan.delete,
                generation,
                hash,
            );
        }
    }
}

/// One node as a sync sees it: its verdict and the DaemonSet's pods aimed at it, looked up
/// once per sync and shared by the manage loop, the rolling update and the status count.
#[derive(Clone, Copy)]
struct NodeRow<'a> {
    node: &'a str,
    run: bool,
    cont: bool,
    /// `None` when the node has no pod of this DaemonSet at all.
    pods: Option<&'a [&'a Pod]>,
}

fn node_rows<'a>(
    verdicts: &[(&'a str, bool, bool)],
    grouped: &'a PodsByNode<'a>,
) -> Vec<NodeRow<'a>> {
    verdicts
        .iter()
        .map(|&(node, run, cont)| NodeRow {
            node,
            run,
            cont,
            pods: grouped.get(node).map(Vec::as_slice),
        })
        .collect()
}

/// Nodes that have DS pods aimed at them but are no longer in the node list, by name.
fn missing_nodes<'a>(rows: &[NodeRow], grouped: &PodsByNode<'a>) -> Vec<&'a str> {
    let present = rows.iter().filter(|r| r.pods.is_some()).count();
    if present == grouped.len() {
        return Vec::new();
    }
    let existing: BTreeSet<&str> = rows.iter().map(|r| r.node).collect();
    let mut out: Vec<&str> = grouped
        .keys()
        .copied()
        .filter(|n| !existing.contains(n))
        .collect();
    out.sort_unstable();
    out
}

/// `syncNodes`: at most `BURST_REPLICAS` creates and as many deletes, creates first.
fn sync_nodes(
    world: &mut World,
    ds_obj: &Arc<Object>,
    create_on: &[String],
    delete: &[String],
    generation: Option<i64>,
    hash: &str,
) -> bool {
    let mut wrote = false;
    for node in create_on.iter().take(BURST_REPLICAS) {
        let pod = pods::new_pod(ds_obj, generation, hash, node);
        wrote |= pods::create(world, ds_obj, pod);
    }
    for name in delete.iter().take(BURST_REPLICAS) {
        wrote |= pods::delete(world, ds_obj, name);
    }
    wrote
}

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::DaemonSet => {
                let key = change.key();
                let own = self.own_writes.get(&key) == obj.meta().resource_version.as_ref();
                if !(own && change.kind == WatchType::Modified) {
                    out.push(key.clone());
                }
                if change.kind == WatchType::Deleted {
                    self.own_writes.remove(&key);
                    self.verdicts.remove(obj.uid());
                    self.dirty.remove(obj.uid());
                    self.counts.remove(obj.uid());
                    self.unsettled.remove(obj.uid());
                    self.backoff.gc(change.at, Some(obj.uid()));
                }
            }
            Kind::Pod => self.watch_pod(change, world, out),
            Kind::Node => self.watch_node(change, world, out),
            Kind::ControllerRevision if change.kind != WatchType::Added => {
                let owner = obj.controller_ref().filter(|r| r.kind == "DaemonSet");
                if let Some(ds) = owner.and_then(|r| world.store.by_uid(&r.uid)) {
                    out.push(ds.key());
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        // Forget wake-ups that have passed, then set the ones the watch asked for.
        self.wakes.retain(|(t, _)| *t > now);
        for (at, k) in std::mem::take(&mut self.pending_wakes) {
            self.wake(world, at, &k);
        }
        if key.kind == Kind::DaemonSet {
            self.sync(key, world);
        }
    }
}
