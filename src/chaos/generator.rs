//! The seeded scenario generator: a cluster, random valid DaemonSets, StatefulSets, Jobs and
//! CronJobs, and random operations on them with random amounts of time in between. The
//! whole op list is drawn up front from the seed (the generator keeps its own model of
//! which objects and nodes exist), so a scenario is a pure function of its seed.

use super::ops::Op;
use crate::api::Kind;
use crate::sim::rng::SimRng;

/// Images the workloads use: servers that are ready at once or after a delay (`slow:*`),
/// and one that crash-loops (`broken:*`, defined in the prelude).
const IMAGES: &[&str] = &[
    "nginx:1.25",
    "nginx:1.26",
    "nginx:1.27",
    "slow:1",
    "slow:2",
    "broken:1",
];

struct Workload {
    kind: Kind,
    name: String,
    alive: bool,
}

struct Model {
    rng: SimRng,
    /// (name, kubelet up) of every node that exists.
    nodes: Vec<(String, bool)>,
    next_node: usize,
    workloads: Vec<Workload>,
    next_workload: usize,
}

/// The op list of scenario `seed`: `cluster(...)`, a few workloads, then `steps` random
/// operations, each followed by a random advance.
pub fn scenario(seed: u64, steps: usize) -> Vec<Op> {
    let mut rng = SimRng::new(seed ^ 0x6b6c_6162_6368_616f);
    let node_count = rng.between(2, 4) as usize;
    let mut m = Model {
        rng,
        nodes: (1..=node_count)
            .map(|i| (format!("node-{i}"), true))
            .collect(),
        next_node: node_count + 1,
        workloads: Vec::new(),
        next_workload: 1,
    };
    let mut ops = vec![Op::Cluster {
        seed,
        nodes: node_count,
    }];
    for _ in 0..m.rng.between(1, 3) {
        ops.push(m.new_workload());
    }
    ops.push(m.advance());
    for _ in 0..steps {
        if let Some(op) = m.random_op() {
            ops.push(op);
        }
        ops.push(m.advance());
    }
    ops
}

impl Model {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.rng.below(items.len())])
    }

    fn image(&mut self) -> &'static str {
        // Mostly healthy images; a broken one now and then stalls a rollout.
        let healthy = &IMAGES[..IMAGES.len() - 1];
        if self.rng.chance(0.1) {
            IMAGES[IMAGES.len() - 1]
        } else {
            healthy[self.rng.below(healthy.len())]
        }
    }

    /// Between 100 ms and 10 min, mostly short: rollouts and backoffs happen in seconds,
    /// CronJob schedules and PodGC in minutes.
    fn advance(&mut self) -> Op {
        let ms = match self.rng.below(20) {
            0..=9 => self.rng.between(100, 10_000),
            10..=16 => self.rng.between(10, 90) * 1000,
            _ => self.rng.between(90, 600) * 1000,
        };
        Op::Advance { ms }
    }

    fn alive(&self, kind: Kind) -> Vec<String> {
        self.workloads
            .iter()
            .filter(|w| w.alive && w.kind == kind)
            .map(|w| w.name.clone())
            .collect()
    }

    fn random_op(&mut self) -> Option<Op> {
        let owners: Vec<String> = self
            .workloads
            .iter()
            .filter(|w| w.alive && w.kind != Kind::CronJob)
            .map(|w| w.name.clone())
            .collect();
        match self.rng.below(17) {
            0 => {
                let sts = self.alive(Kind::StatefulSet);
                let name = self.pick(&sts)?.clone();
                let n = self.rng.between(0, 5);
                Some(Op::Kubectl(format!("scale sts/{name} --replicas={n}")))
            }
            1 | 2 => {
                let mut targets: Vec<String> = self
                    .alive(Kind::DaemonSet)
                    .into_iter()
                    .map(|n| format!("ds/{n}"))
                    .collect();
                targets.extend(
                    self.alive(Kind::StatefulSet)
                        .into_iter()
                        .map(|n| format!("sts/{n}")),
                );
                let target = self.pick(&targets)?.clone();
                let image = self.image();
                Some(Op::Kubectl(format!("set image {target} c={image}")))
            }
            3 | 4 => {
                let owner = self.pick(&owners)?.clone();
                let index = self.rng.below(8);
                Some(Op::DeletePod { owner, index })
            }
            5 | 6 => {
                let owner = self.pick(&owners)?.clone();
                let index = self.rng.below(8);
                Some(Op::KillPod { owner, index })
            }
            7 => {
                let up: Vec<String> = self
                    .nodes
                    .iter()
                    .filter(|n| n.1)
                    .map(|n| n.0.clone())
                    .collect();
                let name = self.pick(&up)?.clone();
                self.set_up(&name, false);
                Some(Op::NodeDown(name))
            }
            8 => {
                let down: Vec<String> = self
                    .nodes
                    .iter()
                    .filter(|n| !n.1)
                    .map(|n| n.0.clone())
                    .collect();
                let name = self.pick(&down)?.clone();
                self.set_up(&name, true);
                Some(Op::NodeUp(name))
            }
            9 => {
                // Fresh names only: a node re-added under an old name would be a new
                // machine that old pods claim to run on.
                let name = format!("node-{}", self.next_node);
                self.next_node += 1;
                self.nodes.push((name.clone(), true));
                Some(Op::AddNode(name))
            }
            10 => {
                if self.nodes.len() <= 1 {
                    return None;
                }
                let i = self.rng.below(self.nodes.len());
                let (name, _) = self.nodes.remove(i);
                Some(Op::RemoveNode(name))
            }
            11 => {
                let mut targets: Vec<String> = self
                    .alive(Kind::Job)
                    .into_iter()
                    .map(|n| format!("job {n}"))
                    .collect();
                targets.extend(
                    self.alive(Kind::CronJob)
                        .into_iter()
                        .map(|n| format!("cronjob {n}")),
                );
                let target = self.pick(&targets)?.clone();
                let suspend = self.rng.chance(0.5);
                Some(Op::Kubectl(format!(
                    "patch {target} -p '{{\"spec\":{{\"suspend\":{suspend}}}}}'"
                )))
            }
            12 => {
                let sts = self.alive(Kind::StatefulSet);
                let name = self.pick(&sts)?.clone();
                let p = self.rng.between(0, 4);
                Some(Op::Kubectl(format!(
                    "patch sts {name} -p '{{\"spec\":{{\"updateStrategy\":{{\"type\":\"RollingUpdate\",\"rollingUpdate\":{{\"partition\":{p}}}}}}}}}'"
                )))
            }
            13 => {
                let jobs = self.alive(Kind::Job);
                let name = self.pick(&jobs)?.clone();
                let p = self.rng.between(0, 4);
                Some(Op::Kubectl(format!(
                    "patch job {name} -p '{{\"spec\":{{\"parallelism\":{p}}}}}'"
                )))
            }
            14 | 15 => Some(self.new_workload()),
            _ => {
                let alive: Vec<usize> = (0..self.workloads.len())
                    .filter(|&i| self.workloads[i].alive)
                    .collect();
                let i = *self.pick(&alive)?;
                self.workloads[i].alive = false;
                let w = &self.workloads[i];
                let cascade = ["background", "foreground", "orphan"][self.rng.below(3)];
                Some(Op::Kubectl(format!(
                    "delete {} {} --cascade={cascade} --wait=false",
                    kind_arg(w.kind),
                    w.name
                )))
            }
        }
    }

    fn set_up(&mut self, name: &str, up: bool) {
        if let Some(n) = self.nodes.iter_mut().find(|n| n.0 == name) {
            n.1 = up;
        }
    }

    fn new_workload(&mut self) -> Op {
        let kind =
            [Kind::DaemonSet, Kind::StatefulSet, Kind::Job, Kind::CronJob][self.rng.below(4)];
        let prefix = match kind {
            Kind::DaemonSet => "ds",
            Kind::StatefulSet => "sts",
            Kind::Job => "job",
            _ => "cj",
        };
        let name = format!("{prefix}-{}", self.next_workload);
        self.next_workload += 1;
        let yaml = match kind {
            Kind::DaemonSet => self.daemonset(&name),
            Kind::StatefulSet => self.statefulset(&name),
            Kind::Job => self.job(&name),
            _ => self.cronjob(&name),
        };
        self.workloads.push(Workload {
            kind,
            name: name.clone(),
            alive: true,
        });
        Op::Apply { kind, name, yaml }
    }

    fn grace(&mut self) -> i64 {
        [0, 1, 5, 30][self.rng.below(4)]
    }

    fn daemonset(&mut self, name: &str) -> String {
        let strategy = match self.rng.below(6) {
            0 => "    type: OnDelete\n".to_string(),
            1 => "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1\n"
                .to_string(),
            2 => "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 50%\n".to_string(),
            _ => format!(
                "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: {}\n",
                self.rng.between(1, 2)
            ),
        };
        let min_ready = [0, 0, 3][self.rng.below(3)];
        let grace = self.grace();
        let image = self.image();
        format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {name}\nspec:\n  selector:\n    matchLabels:\n      app: {name}\n  minReadySeconds: {min_ready}\n  updateStrategy:\n{strategy}  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      terminationGracePeriodSeconds: {grace}\n      containers:\n      - name: c\n        image: {image}\n"
        )
    }

    fn statefulset(&mut self, name: &str) -> String {
        let replicas = self.rng.between(1, 4);
        let policy = if self.rng.chance(0.7) {
            "OrderedReady"
        } else {
            "Parallel"
        };
        let strategy = match self.rng.below(4) {
            0 => "    type: OnDelete\n".to_string(),
            1 => format!(
                "    type: RollingUpdate\n    rollingUpdate:\n      partition: {}\n",
                self.rng.between(1, 3)
            ),
            _ => "    type: RollingUpdate\n".to_string(),
        };
        let min_ready = [0, 0, 2][self.rng.below(3)];
        let grace = self.grace();
        let image = self.image();
        let storage = if self.rng.chance(0.4) {
            let when_deleted = ["Retain", "Delete"][self.rng.below(2)];
            let when_scaled = ["Retain", "Delete"][self.rng.below(2)];
            format!(
                "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: {when_deleted}\n    whenScaled: {when_scaled}\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"
            )
        } else {
            String::new()
        };
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  podManagementPolicy: {policy}\n  minReadySeconds: {min_ready}\n  selector:\n    matchLabels:\n      app: {name}\n  updateStrategy:\n{strategy}{storage}  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      terminationGracePeriodSeconds: {grace}\n      containers:\n      - name: c\n        image: {image}\n"
        )
    }

    /// A Job pod template body: a shell that sleeps and exits 0 or 1, or the book's
    /// random-exit image.
    fn job_pod(&mut self, indent: &str) -> String {
        let restart = ["Never", "OnFailure"][self.rng.below(2)];
        let grace = self.grace();
        let container = if self.rng.chance(0.3) {
            "image: amsy810/random-exit:v2".to_string()
        } else {
            let secs = self.rng.between(1, 40);
            let code = if self.rng.chance(0.3) { 1 } else { 0 };
            format!("image: busybox\n{indent}  command: [sh, -c, 'sleep {secs}; exit {code}']")
        };
        format!(
            "{indent}restartPolicy: {restart}\n{indent}terminationGracePeriodSeconds: {grace}\n{indent}containers:\n{indent}- name: c\n{indent}  {container}\n"
        )
    }

    fn job(&mut self, name: &str) -> String {
        let completions = if self.rng.chance(0.2) {
            String::new()
        } else {
            format!("  completions: {}\n", self.rng.between(1, 6))
        };
        let parallelism = self.rng.between(1, 3);
        let backoff = self.rng.between(0, 4);
        let suspend = self.rng.chance(0.15);
        let pod = self.job_pod("      ");
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n{completions}  parallelism: {parallelism}\n  backoffLimit: {backoff}\n  suspend: {suspend}\n  template:\n    spec:\n{pod}"
        )
    }

    fn cronjob(&mut self, name: &str) -> String {
        let schedule = ["*/1 * * * *", "*/2 * * * *", "*/5 * * * *"][self.rng.below(3)];
        let policy = ["Allow", "Forbid", "Replace"][self.rng.below(3)];
        let deadline = if self.rng.chance(0.3) {
            format!("  startingDeadlineSeconds: {}\n", self.rng.between(10, 200))
        } else {
            String::new()
        };
        let ok = self.rng.between(0, 3);
        let failed = self.rng.between(0, 2);
        let pod = self.job_pod("          ");
        format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n  schedule: \"{schedule}\"\n  concurrencyPolicy: {policy}\n{deadline}  successfulJobsHistoryLimit: {ok}\n  failedJobsHistoryLimit: {failed}\n  jobTemplate:\n    spec:\n      backoffLimit: 1\n      template:\n        spec:\n{pod}"
        )
    }
}

fn kind_arg(kind: Kind) -> &'static str {
    match kind {
        Kind::DaemonSet => "ds",
        Kind::StatefulSet => "sts",
        Kind::Job => "job",
        _ => "cronjob",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_is_a_function_of_its_seed() {
        assert_eq!(scenario(7, 20), scenario(7, 20));
        assert_ne!(scenario(7, 20), scenario(8, 20));
    }
}
