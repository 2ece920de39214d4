//! The invariants, stated as Kubernetes 1.32 behaves (reference facts cited), checked after
//! every instant and every op. Each compares the state now with the state at the previous
//! check, and carries what it must remember across checks (counters, first-seen times).
//!
//! Unavailability the controllers did not cause (a node down, a container killed, a pod
//! deleted by hand) is never blamed on them: the rollout invariants look only at pods a
//! controller deleted itself, while they were available on a Ready node.

use super::snapshot::{PodInfo, Snapshot};
use crate::api::Object;
use crate::sim::SimTime;
use crate::store::Store;
use std::collections::{BTreeMap, BTreeSet};

/// A broken invariant: which, what was seen, and how a script checks it.
#[derive(Clone, Debug)]
pub struct Violation {
    /// Short stable name (`ds-one-pod-per-node`), used to keep shrinking on the same bug.
    pub invariant: &'static str,
    pub message: String,
    /// Rhai run just before the violating instant (captures for "never decreases").
    pub before: Option<String>,
    /// Rhai that fails at the violating instant.
    pub assert: String,
}

/// The chaos image that crash-loops by design (`broken:*`, ops.rs).
const CRASH_LOOP_IMAGE: &str = "broken:";
/// PodGC collects pods of a missing node 40 to 60 s after it is gone (fact 18).
const PODGC_DELAY_MS: i64 = 60_000;
/// A deleted pod's finalizers are removed within this long (the Job controller's batch).
const FINALIZER_DELAY_MS: i64 = 60_000;
/// The garbage collector removes dependents of a deleted owner within this long.
const GC_DELAY_MS: i64 = 60_000;

#[derive(Default)]
pub struct Checker {
    prev: Snapshot,
    global_rv: u64,
    rv: BTreeMap<String, (String, u64)>,
    /// Job uid → (succeeded, failed).
    job_counts: BTreeMap<String, (i32, i32)>,
    /// (CronJob uid, scheduled time) → the Job uid created for it.
    cron_runs: BTreeMap<(String, String), String>,
    /// DaemonSet uid → nodes left without an available pod by its own rollout deletions.
    ds_down: BTreeMap<String, BTreeSet<String>>,
    /// (dependent uid, owner uid) → when the owner was first seen missing.
    dangling: BTreeMap<(String, String), SimTime>,
    /// pod uid → when its node was first seen missing.
    nodeless: BTreeMap<String, SimTime>,
    /// Pods an op deleted or killed: their unavailability is not the controllers' doing
    /// (a kill shows only when the kubelet next runs, so this is remembered).
    touched: BTreeSet<String>,
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

impl Checker {
    /// Remembers that an op deleted or killed this pod.
    pub fn touch(&mut self, pod: String) {
        self.touched.insert(pod);
    }

    /// Checks the store now.
    pub fn check(&mut self, store: &Store, now: SimTime) -> Option<Violation> {
        let snap = Snapshot::take(store, now);
        let touched = std::mem::take(&mut self.touched);
        let found = self
            .store_invariants(store, &snap)
            .or_else(|| self.daemonsets(&snap, &touched))
            .or_else(|| self.statefulsets(&snap, &touched))
            .or_else(|| self.jobs(&snap))
            .or_else(|| self.cronjobs(&snap));
        self.prev = snap;
        self.touched = touched;
        found
    }

    // ---- store ----------------------------------------------------------------------

    fn store_invariants(&mut self, store: &Store, snap: &Snapshot) -> Option<Violation> {
        let rv = store.resource_version();
        if rv < self.global_rv {
            return Some(Violation {
                invariant: "store-resource-version-grows",
                message: format!(
                    "the store's resourceVersion went from {} to {rv}",
                    self.global_rv
                ),
                before: None,
                assert: "assert(false, \"the store's resourceVersion went down\");".into(),
            });
        }
        self.global_rv = rv;
        let mut seen_dangling = BTreeSet::new();
        let mut seen_nodeless = BTreeSet::new();
        for info in crate::api::kinds::KINDS {
            if info.kind == crate::api::Kind::Event {
                continue;
            }
            for obj in store.list(info.kind, None) {
                if let Some(v) = self.object_rv(obj) {
                    return Some(v);
                }
                // A dependent being deleted has been dealt with (on a down node it stays
                // Terminating, owner gone, as in a real cluster).
                if obj.is_deleting() {
                    continue;
                }
                for r in obj.owner_references() {
                    if store.by_uid(&r.uid).is_some() {
                        continue;
                    }
                    let key = (obj.uid().to_string(), r.uid.clone());
                    let since = *self.dangling.entry(key.clone()).or_insert(snap.now);
                    seen_dangling.insert(key);
                    if snap.now.0 - since.0 > GC_DELAY_MS {
                        let (k, n) = (obj.kind().name().to_ascii_lowercase(), obj.name());
                        return Some(Violation {
                            invariant: "store-no-dangling-owner",
                            message: format!(
                                "{k}/{n} still has an ownerReference to {}/{} (gone since {since}) at {}",
                                r.kind, r.name, snap.now
                            ),
                            before: None,
                            assert: format!(
                                "assert(get({}, {}) == () || get({}, {}) != (), \"{k}/{n} outlived its owner {}/{}\");",
                                q(&k), q(n), q(&r.kind), q(&r.name), r.kind, r.name
                            ),
                        });
                    }
                }
            }
        }
        for p in snap.pods.values().filter(|p| p.bound) {
            let node = p.node.as_deref().unwrap_or("");
            if snap.nodes.contains_key(node) {
                continue;
            }
            let since = *self.nodeless.entry(p.uid.clone()).or_insert(snap.now);
            seen_nodeless.insert(p.uid.clone());
            // Once PodGC has deleted it, the pod may wait for its finalizer (a Job's
            // tracking finalizer goes within the Job's 1 s batch): allow another minute.
            let allowed = if p.deleting {
                PODGC_DELAY_MS + FINALIZER_DELAY_MS
            } else {
                PODGC_DELAY_MS
            };
            if snap.now.0 - since.0 > allowed {
                return Some(Violation {
                    invariant: "store-no-pod-on-missing-node",
                    message: format!(
                        "pod {} is still bound to missing node {node} (seen missing since {since}) at {}: PodGC deletes it within 60s (fact 18) and its finalizers go soon after",
                        p.name, snap.now
                    ),
                    before: None,
                    assert: format!(
                        "assert(get(\"pod\", {}) == () || get(\"node\", {}) != (), \"pod {} outlived its node {node} by more than PodGC's delay\");",
                        q(&p.name), q(node), p.name
                    ),
                });
            }
        }
        self.dangling.retain(|k, _| seen_dangling.contains(k));
        self.nodeless.retain(|k, _| seen_nodeless.contains(k));
        None
    }

    fn object_rv(&mut self, obj: &Object) -> Option<Violation> {
        let rv: u64 = obj.meta().resource_version.as_deref()?.parse().ok()?;
        let entry = self
            .rv
            .entry(obj.uid().to_string())
            .or_insert((obj.name().to_string(), rv));
        if rv < entry.1 {
            let (k, n) = (obj.kind().name().to_ascii_lowercase(), obj.name());
            let was = entry.1;
            return Some(Violation {
                invariant: "store-resource-version-grows",
                message: format!("{k}/{n} resourceVersion went from {was} to {rv}"),
                before: Some(format!(
                    "let rv_before = parse_int(get({}, {}).metadata.resourceVersion);",
                    q(&k),
                    q(n)
                )),
                assert: format!(
                    "assert(parse_int(get({}, {}).metadata.resourceVersion) >= rv_before, \"{k}/{n} resourceVersion went down\");",
                    q(&k),
                    q(n)
                ),
            });
        }
        entry.1 = rv;
        None
    }

    // ---- DaemonSet ------------------------------------------------------------------

    fn daemonsets(&mut self, snap: &Snapshot, touched: &BTreeSet<String>) -> Option<Violation> {
        for (uid, obj) in &snap.workloads {
            let Some(ds) = obj.daemon_set() else { continue };
            let name = obj.name();
            let spec = ds.spec.as_ref()?;
            let strategy = spec.update_strategy.as_ref();
            let on_delete = strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete");
            let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
            let surge = rolling
                .and_then(|r| r.max_surge.as_ref())
                .is_some_and(|v| !int_or_percent_is_zero(v));
            let min_ready = i64::from(spec.min_ready_seconds.unwrap_or(0));
            // Fact 24: without surge a node never keeps two pods of the DaemonSet.
            if !surge {
                let mut per_node: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                for p in snap.owned(uid).filter(|p| p.active()) {
                    if let Some(n) = p.node.as_deref() {
                        per_node.entry(n).or_default().push(&p.name);
                    }
                }
                if let Some((node, pods)) = per_node.iter().find(|(_, v)| v.len() > 1) {
                    let list = pods.iter().map(|p| q(p)).collect::<Vec<_>>().join(", ");
                    return Some(Violation {
                        invariant: "ds-one-pod-per-node",
                        message: format!(
                            "daemonset {name} (no surge) has {} non-terminating pods on {node}: {} (fact 24)",
                            pods.len(),
                            pods.join(", ")
                        ),
                        before: None,
                        assert: format!(
                            "assert([{list}].filter(|n| live(n)).len() <= 1, \"daemonset {name}: more than one non-terminating pod on {node}\");"
                        ),
                    });
                }
            }
            if surge || obj.is_deleting() {
                self.ds_down.remove(uid);
                continue;
            }
            let desired: BTreeSet<&str> = snap
                .nodes
                .iter()
                .filter(|(_, n)| {
                    n.taints.iter().all(|(k, e)| {
                        !(e == "NoSchedule" || e == "NoExecute") || ds_tolerates(k, e)
                    })
                })
                .map(|(n, _)| n.as_str())
                .collect();
            let generation = obj
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get("deprecated.daemonset.template.generation"))
                .cloned();
            let available_on = |node: &str| {
                snap.owned(uid).any(|p| {
                    p.node.as_deref() == Some(node)
                        && !p.deleting
                        && p.available(min_ready, snap.now)
                })
            };
            // Pods the controller itself took from a Ready, desired node while they were
            // available and on an old template: only its rolling update does that (fact 31).
            let mut fresh = Vec::new();
            for (puid, before) in &self.prev.pods {
                if before.owner.as_ref().map(|o| &o.0) != Some(uid)
                    || before.deleting
                    || touched.contains(&before.name)
                    || !before.available(min_ready, self.prev.now)
                    || before.labels.get("pod-template-generation") == generation.as_ref()
                {
                    continue;
                }
                // A crash-looping image's availability flips within an instant, before the
                // controller looks (it then deletes an unavailable old pod, fact 31); a pod
                // still there must still be Ready.
                if before.image.starts_with(CRASH_LOOP_IMAGE) {
                    continue;
                }
                let now = snap.pods.get(puid);
                if now.is_some_and(|p| !p.deleting || !p.ready) {
                    continue;
                }
                let Some(node) = before.node.as_deref() else {
                    continue;
                };
                if !desired.contains(node) || !snap.node_ready(node) {
                    continue;
                }
                fresh.push((node.to_string(), before.name.clone()));
            }
            let down = self.ds_down.entry(uid.clone()).or_default();
            down.retain(|n| desired.contains(n.as_str()) && !available_on(n));
            if fresh.is_empty() {
                continue;
            }
            down.extend(fresh.iter().map(|(n, _)| n.clone()));
            let budget = if on_delete {
                0
            } else {
                max_unavailable(
                    rolling.and_then(|r| r.max_unavailable.as_ref()),
                    desired.len(),
                )
            };
            if down.len() > budget {
                let nodes = down.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ");
                let why = if on_delete {
                    "OnDelete never deletes pods for a template change (fact 35)".to_string()
                } else {
                    format!(
                        "maxUnavailable is {budget} of {} desired nodes (facts 30, 31)",
                        desired.len()
                    )
                };
                let victims: Vec<String> =
                    fresh.iter().map(|(n, p)| format!("{p} on {n}")).collect();
                return Some(Violation {
                    invariant: "ds-rollout-max-unavailable",
                    message: format!(
                        "daemonset {name}: its rollout deleted available pod(s) {} and left {} desired nodes without an available pod ({}); {why}",
                        victims.join(", "),
                        down.len(),
                        down.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    before: None,
                    assert: format!(
                        "assert([{nodes}].filter(|n| !ds_ready_on({}, n)).len() <= {budget}, \"daemonset {name}: more than {budget} nodes without a ready pod during the rollout\");",
                        q(name)
                    ),
                });
            }
        }
        None
    }

    // ---- StatefulSet ------------------------------------------------------------------

    fn statefulsets(&mut self, snap: &Snapshot, touched: &BTreeSet<String>) -> Option<Violation> {
        for (uid, obj) in &snap.workloads {
            let Some(sts) = obj.stateful_set() else {
                continue;
            };
            let name = obj.name();
            let spec = sts.spec.as_ref()?;
            let replicas = i64::from(spec.replicas.unwrap_or(1));
            let ordered = spec.pod_management_policy.as_deref() != Some("Parallel");
            let pods: BTreeMap<i64, &PodInfo> = snap
                .owned(uid)
                .filter_map(|p| Some((p.ordinal()?, p)))
                .collect();
            // Fact 47/48: one pod per ordinal, labelled with it.
            for (ord, p) in &pods {
                let label = p.labels.get("apps.kubernetes.io/pod-index");
                if label.is_some_and(|l| l != &ord.to_string()) {
                    return Some(Violation {
                        invariant: "sts-unique-ordinals",
                        message: format!("pod {} of statefulset {name} has pod-index {label:?}", p.name),
                        before: None,
                        assert: format!(
                            "assert(get(\"pod\", {}).metadata.labels[\"apps.kubernetes.io/pod-index\"] == \"{ord}\");",
                            q(&p.name)
                        ),
                    });
                }
            }
            if obj.is_deleting() {
                continue;
            }
            let healthy_now_or_before = |ord: i64| {
                let now = pods.get(&ord);
                now.is_some_and(|p| p.running_ready())
                    || now.is_some_and(|p| {
                        !p.deleting
                            && self
                                .prev
                                .pods
                                .get(&p.uid)
                                .is_some_and(|b| b.running_ready())
                    })
            };
            // Fact 53: OrderedReady creates ordinal i only when every lower one is Running+Ready.
            if ordered {
                for (ord, p) in &pods {
                    if self.prev.pods.contains_key(&p.uid) || *ord >= replicas {
                        continue;
                    }
                    if let Some(low) = (0..*ord).find(|j| !healthy_now_or_before(*j)) {
                        let lower = format!("{name}-{low}");
                        return Some(Violation {
                            invariant: "sts-ordered-ready-creation",
                            message: format!(
                                "statefulset {name} (OrderedReady) created {} while {lower} was not Running and Ready (fact 53)",
                                p.name
                            ),
                            before: None,
                            assert: format!(
                                "assert(get(\"pod\", {}) == () || running_ready({}), \"{} exists while {lower} is not Running and Ready\");",
                                q(&p.name), q(&lower), p.name
                            ),
                        });
                    }
                }
            }
            // Fact 57: a rolling update deletes one pod at a time, highest ordinal first,
            // only once every higher pod is updated and Running+Ready; never below the
            // partition (fact 58); OnDelete never (fact 59).
            let strategy = spec.update_strategy.as_ref();
            let on_delete = strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete");
            let partition = i64::from(
                strategy
                    .and_then(|s| s.rolling_update.as_ref())
                    .and_then(|r| r.partition)
                    .unwrap_or(0),
            );
            let update_rev = sts.status.as_ref().and_then(|s| s.update_revision.clone());
            for (puid, before) in &self.prev.pods {
                if before.owner.as_ref().map(|o| &o.0) != Some(uid)
                    || before.deleting
                    || before.terminal()
                    || touched.contains(&before.name)
                {
                    continue;
                }
                let Some(ord) = before.ordinal() else {
                    continue;
                };
                let now = snap.pods.get(puid);
                if ord >= replicas || now.is_some_and(|p| !p.deleting || p.terminal()) {
                    continue;
                }
                if !before.node.as_deref().is_some_and(|n| snap.node_ready(n)) {
                    continue;
                }
                let rev = before.labels.get("controller-revision-hash");
                if update_rev.is_none() || rev == update_rev.as_ref() {
                    continue;
                }
                let pod = &before.name;
                let gone = format!(
                    "assert(alive_uid({}, {}), \"{pod} was deleted\");",
                    q(pod),
                    q(&before.uid)
                );
                let higher_bad = (ord + 1..replicas).find(|j| {
                    !healthy_now_or_before(*j)
                        || pods.get(j).is_none_or(|p| {
                            p.labels.get("controller-revision-hash") != update_rev.as_ref()
                        })
                });
                let problem = if on_delete {
                    Some(("updateStrategy is OnDelete (fact 59)".to_string(), gone))
                } else if ord < partition {
                    Some((
                        format!("its ordinal is below the partition {partition} (fact 58)"),
                        gone,
                    ))
                } else {
                    higher_bad.map(|j| {
                        let higher = format!("{name}-{j}");
                        (
                            format!("{higher} was not yet updated and Running+Ready (fact 57)"),
                            format!(
                                "assert(alive_uid({}, {}) || (running_ready({}) && get(\"pod\", {}).metadata.labels[\"controller-revision-hash\"] == get(\"sts\", {}).status.updateRevision), \"{pod} replaced before {higher}\");",
                                q(pod), q(&before.uid), q(&higher), q(&higher), q(name)
                            ),
                        )
                    })
                };
                if let Some((why, assert)) = problem {
                    return Some(Violation {
                        invariant: "sts-rolling-update-order",
                        message: format!(
                            "statefulset {name} deleted {pod} for its update while {why}"
                        ),
                        before: None,
                        assert,
                    });
                }
            }
        }
        None
    }

    // ---- Job ----------------------------------------------------------------------------

    fn jobs(&mut self, snap: &Snapshot) -> Option<Violation> {
        for (uid, obj) in &snap.workloads {
            let Some(job) = obj.job() else { continue };
            let name = obj.name();
            let spec = job.spec.as_ref()?;
            let status = job.status.clone().unwrap_or_default();
            let succeeded = status.succeeded.unwrap_or(0);
            let failed = status.failed.unwrap_or(0);
            // Fact 58: succeeded and failed only increase.
            if let Some((s0, f0)) = self.job_counts.insert(uid.clone(), (succeeded, failed)) {
                if succeeded < s0 || failed < f0 {
                    return Some(Violation {
                        invariant: "job-counts-never-decrease",
                        message: format!(
                            "job {name}: succeeded {s0} → {succeeded}, failed {f0} → {failed} (fact 58)"
                        ),
                        before: Some(format!(
                            "let counts_before = job_counts({});",
                            q(name)
                        )),
                        assert: format!(
                            "let counts_after = job_counts({}); assert(counts_after[0] >= counts_before[0] && counts_after[1] >= counts_before[1], `job {name}: counts went down: ${{counts_before}} → ${{counts_after}}`);",
                            q(name)
                        ),
                    });
                }
            }
            // Facts 8-11: never more active pods than parallelism (a work-queue Job that has
            // seen a success keeps what runs, even above a lowered parallelism).
            let parallelism = i64::from(spec.parallelism.unwrap_or(1));
            let active = snap.owned(uid).filter(|p| p.active()).count() as i64;
            let keeps_running = spec.completions.is_none() && succeeded > 0;
            if active > parallelism && !keeps_running {
                return Some(Violation {
                    invariant: "job-active-within-parallelism",
                    message: format!("job {name} has {active} active pods with parallelism {parallelism} (facts 8-11)"),
                    before: None,
                    assert: format!(
                        "assert(live_pods_of({}).len() <= get(\"job\", {}).spec.parallelism, \"job {name}: more active pods than parallelism\");",
                        q(name), q(name)
                    ),
                });
            }
            // Facts 38, 60: a finished (or finishing) Job, or one suspended before and
            // still suspended, creates no pods.
            let Some(prev) = self.prev.workloads.get(uid).and_then(|o| o.job()) else {
                continue;
            };
            let was_finished = job_finishing(prev);
            let suspended = prev.spec.as_ref().and_then(|s| s.suspend) == Some(true)
                && spec.suspend == Some(true);
            if !(was_finished || suspended) {
                continue;
            }
            if let Some(p) = snap
                .owned(uid)
                .find(|p| !self.prev.pods.contains_key(&p.uid))
            {
                let state = if was_finished {
                    "finished"
                } else {
                    "suspended"
                };
                return Some(Violation {
                    invariant: "job-finished-creates-no-pods",
                    message: format!("job {name} was {state} and created pod {} (facts 38, 60)", p.name),
                    before: Some(format!("let pods_before = pod_names_of({});", q(name))),
                    assert: format!(
                        "assert(pod_names_of({}).filter(|n| !pods_before.contains(n)).len() == 0, \"job {name} created a pod while {state}\");",
                        q(name)
                    ),
                });
            }
        }
        None
    }

    // ---- CronJob --------------------------------------------------------------------------

    fn cronjobs(&mut self, snap: &Snapshot) -> Option<Violation> {
        const SCHEDULED: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
        for (uid, obj) in &snap.workloads {
            let Some(cj) = obj.cron_job() else { continue };
            let name = obj.name();
            let mut unfinished = Vec::new();
            for (juid, jobj) in &snap.workloads {
                let Some(job) = jobj.job() else { continue };
                if jobj.controller_ref().map(|r| &r.uid) != Some(uid) {
                    continue;
                }
                let Some(at) = jobj
                    .meta()
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(SCHEDULED))
                else {
                    continue;
                };
                // Fact 102: one Job per scheduled time, ever.
                let key = (uid.clone(), at.clone());
                let first = self.cron_runs.entry(key).or_insert_with(|| juid.clone());
                if first != juid {
                    return Some(Violation {
                        invariant: "cronjob-one-job-per-schedule",
                        message: format!("cronjob {name} created a second Job {} for {at} (fact 102)", jobj.name()),
                        before: None,
                        assert: format!(
                            "assert(cron_jobs_at({}, {}) <= 1, \"cronjob {name}: two Jobs for {at}\");",
                            q(name), q(at)
                        ),
                    });
                }
                if !jobj.is_deleting() && !job_finished(job) {
                    unfinished.push(jobj.name().to_string());
                }
            }
            // Fact 105: Forbid never starts a Job while another is active.
            let forbid = cj
                .spec
                .as_ref()
                .and_then(|s| s.concurrency_policy.as_deref())
                == Some("Forbid");
            if forbid && unfinished.len() > 1 {
                return Some(Violation {
                    invariant: "cronjob-forbid-one-active",
                    message: format!(
                        "cronjob {name} (Forbid) has {} unfinished Jobs: {} (fact 105)",
                        unfinished.len(),
                        unfinished.join(", ")
                    ),
                    before: None,
                    assert: format!(
                        "assert(cron_unfinished({}) <= 1, \"cronjob {name} (Forbid) has two unfinished Jobs\");",
                        q(name)
                    ),
                });
            }
        }
        None
    }
}

/// A Job condition `Complete` or `Failed` is True (fact 38).
fn job_finished(job: &k8s_openapi::api::batch::v1::Job) -> bool {
    has_condition(job, &["Complete", "Failed"])
}

/// Finished, or past the point of no return (`FailureTarget`/`SuccessCriteriaMet`, fact 34).
fn job_finishing(job: &k8s_openapi::api::batch::v1::Job) -> bool {
    has_condition(
        job,
        &["Complete", "Failed", "FailureTarget", "SuccessCriteriaMet"],
    )
}

fn has_condition(job: &k8s_openapi::api::batch::v1::Job, types: &[&str]) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| types.contains(&c.type_.as_str()) && c.status == "True")
}

/// The DaemonSet's automatic tolerations (fact 14; no hostNetwork in chaos manifests).
fn ds_tolerates(key: &str, effect: &str) -> bool {
    match effect {
        "NoExecute" => matches!(
            key,
            "node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable"
        ),
        "NoSchedule" => matches!(
            key,
            "node.kubernetes.io/disk-pressure"
                | "node.kubernetes.io/memory-pressure"
                | "node.kubernetes.io/pid-pressure"
                | "node.kubernetes.io/unschedulable"
        ),
        _ => true,
    }
}

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn int_or_percent_is_zero(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i == 0,
        IntOrString::String(s) => s.trim_end_matches('%').trim() == "0",
    }
}

/// Fact 30: percentages of the desired nodes round up; 0 with 0 surge means 1.
fn max_unavailable(v: Option<&IntOrString>, desired: usize) -> usize {
    let n = match v {
        None => 1,
        Some(IntOrString::Int(i)) => (*i).max(0) as usize,
        Some(IntOrString::String(s)) => {
            let pct: usize = s.trim_end_matches('%').parse().unwrap_or(0);
            (pct * desired).div_ceil(100)
        }
    };
    if n == 0 && desired > 0 {
        1
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ds_max_unavailable_percentages_round_up_fact_30() {
        let pct = |s: &str| IntOrString::String(s.into());
        assert_eq!(max_unavailable(Some(&pct("30%")), 4), 2);
        assert_eq!(max_unavailable(Some(&pct("10%")), 3), 1);
        assert_eq!(max_unavailable(Some(&pct("50%")), 3), 2);
        assert_eq!(max_unavailable(Some(&IntOrString::Int(0)), 3), 1);
        assert_eq!(max_unavailable(None, 3), 1);
    }
}
