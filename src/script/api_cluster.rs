//! Script API: the cluster, its nodes and simulated time — `cluster`, `add_node`,
//! `remove_node`, `node_down`, `node_up`, `now`, `elapsed`, `advance`, `step`, `settle`,
//! `wait_for`.

use super::api::{check_keys, duration_arg, fail, string_option, RhaiResult};
use super::Shared;
use crate::bootstrap::NodeSpec;
use crate::cluster::{Cluster, ClusterConfig};
use crate::sim::{SimDuration, SimTime};
use rhai::{Dynamic, Engine, FnPtr, Map, NativeCallContext, INT};
use std::rc::Rc;

/// The most nodes `cluster(#{nodes: N})` makes.
const MAX_NODES: INT = 5000;
/// How far `settle()` looks ahead (DESIGN.md).
const SETTLE_MAX: SimDuration = SimDuration(3_600_000);

pub(super) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    let s = shared.clone();
    engine.register_fn("cluster", move || replace_cluster(&s, s.default_config()));
    let s = shared.clone();
    engine.register_fn("cluster", move |options: Map| {
        replace_cluster(&s, cluster_config(&s, &options)?)
    });

    let s = shared.clone();
    engine.register_fn("add_node", move |name: &str| {
        add_node(&s, NodeSpec::named(name))
    });
    let s = shared.clone();
    engine.register_fn("add_node", move |name: &str, options: Map| {
        add_node(&s, node_spec(name, &options)?)
    });
    let s = shared.clone();
    engine.register_fn("remove_node", move |name: &str| -> RhaiResult<()> {
        s.cluster_mut()?.remove_node(name).map_err(|e| fail(e.0))
    });

    let s = shared.clone();
    engine.register_fn("now", move || -> RhaiResult<String> {
        Ok(s.cluster_mut()?.now().rfc3339())
    });
    let s = shared.clone();
    engine.register_fn("elapsed", move || -> RhaiResult<INT> {
        Ok(s.cluster_mut()?.elapsed())
    });
    let s = shared.clone();
    engine.register_fn("advance", move |d: Dynamic| -> RhaiResult<()> {
        let d = duration_arg("advance", &d)?;
        s.cluster_mut()?.advance(d).map_err(|e| fail(e.0))
    });
    let s = shared.clone();
    engine.register_fn("step", move || -> RhaiResult<bool> {
        s.cluster_mut()?.step().map_err(|e| fail(e.0))
    });
    let s = shared.clone();
    engine.register_fn("settle", move || -> RhaiResult<INT> {
        Ok(s.cluster_mut()?
            .settle(SETTLE_MAX)
            .map_err(|e| fail(e.0))?
            .secs())
    });
    let s = shared.clone();
    engine.register_fn(
        "wait_for",
        move |ctx: NativeCallContext, f: FnPtr, timeout: Dynamic| wait_for(&s, &ctx, &f, &timeout),
    );

    let s = shared.clone();
    engine.register_fn("node_down", move |name: &str| -> RhaiResult<()> {
        s.cluster_mut()?.node_down(name).map_err(|e| fail(e.0))
    });
    let s = shared.clone();
    engine.register_fn("node_up", move |name: &str| -> RhaiResult<()> {
        s.cluster_mut()?.node_up(name).map_err(|e| fail(e.0))
    });
}

/// A fresh cluster in place of the current one. Images the script defined stay defined:
/// `define_image` describes the script's world, not one cluster.
fn replace_cluster(shared: &Shared, config: ClusterConfig) -> RhaiResult<()> {
    let mut cluster = shared.cluster_mut()?;
    let images = std::mem::take(&mut cluster.world.runtime.images);
    *cluster = Cluster::new(config);
    for rule in images.into_iter().rev() {
        cluster.world.runtime.define_image(rule);
    }
    Ok(())
}

/// `cluster(#{nodes, seed, start})`: nodes are a count (`node-1`…) or an array of names.
fn cluster_config(shared: &Shared, options: &Map) -> RhaiResult<ClusterConfig> {
    check_keys("cluster", options, &["nodes", "seed", "start"])?;
    let mut config = shared.default_config();
    if let Some(nodes) = options.get("nodes") {
        config.nodes = if let Ok(n) = nodes.as_int() {
            if !(0..=MAX_NODES).contains(&n) {
                return Err(fail(format!(
                    "cluster: `nodes` must be between 0 and {MAX_NODES}, got {n}"
                )));
            }
            (1..=n).map(|i| format!("node-{i}")).collect()
        } else if nodes.is_array() {
            let names = nodes.clone().into_array().unwrap_or_default();
            let names: Vec<String> = names
                .iter()
                .map(|n| string_option("cluster", "nodes", n))
                .collect::<Result<_, _>>()?;
            check_node_names(&names)?;
            names
        } else {
            return Err(fail(format!(
                "cluster: `nodes` must be a count or an array of names, got {}",
                nodes.type_name()
            )));
        };
    }
    if let Some(seed) = options.get("seed") {
        let seed = seed
            .as_int()
            .map_err(|t| fail(format!("cluster: `seed` must be an integer, got {t}")))?;
        config.seed = u64::try_from(seed)
            .map_err(|_| fail(format!("cluster: `seed` must not be negative, got {seed}")))?;
    }
    if let Some(start) = options.get("start") {
        let text = string_option("cluster", "start", start)?;
        config.start = SimTime::parse(&text).map_err(|e| fail(format!("cluster: `start`: {e}")))?;
    }
    Ok(config)
}

/// Node names must be valid object names and distinct: a fresh cluster never silently
/// drops a node.
fn check_node_names(names: &[String]) -> RhaiResult<()> {
    for (i, name) in names.iter().enumerate() {
        if let Some(problem) = crate::api::names::dns_subdomain_problem(name) {
            return Err(fail(format!(
                "cluster: node name {name:?} is invalid: {problem}"
            )));
        }
        if names[..i].contains(name) {
            return Err(fail(format!("cluster: node {name:?} is named twice")));
        }
    }
    Ok(())
}

/// `add_node(name, #{labels, taints, cpu, memory, pods})`.
fn node_spec(name: &str, options: &Map) -> RhaiResult<NodeSpec> {
    check_keys(
        "add_node",
        options,
        &["labels", "taints", "cpu", "memory", "pods"],
    )?;
    let mut spec = NodeSpec::named(name);
    if let Some(labels) = options.get("labels") {
        let labels = labels
            .clone()
            .try_cast::<Map>()
            .ok_or_else(|| fail("add_node: `labels` must be a map such as #{zone: \"a\"}"))?;
        for (k, v) in labels {
            spec.labels.insert(
                k.to_string(),
                string_option("add_node", &format!("labels.{k}"), &v)?,
            );
        }
    }
    if let Some(taints) = options.get("taints") {
        let taints = taints.clone().into_array().map_err(|_| {
            fail("add_node: `taints` must be an array such as [\"k=v:NoSchedule\"]")
        })?;
        for t in taints {
            let text = string_option("add_node", "taints", &t)?;
            crate::bootstrap::parse_taint(&text).map_err(|e| fail(format!("add_node: {e}")))?;
            spec.taints.push(text);
        }
    }
    for (key, slot) in [
        ("cpu", &mut spec.cpu),
        ("memory", &mut spec.memory),
        ("pods", &mut spec.pods),
    ] {
        if let Some(value) = options.get(key) {
            let text = string_option("add_node", key, value)?;
            crate::api::quantity::parse(&text)
                .map_err(|e| fail(format!("add_node: `{key}`: {e}")))?;
            *slot = Some(text);
        }
    }
    Ok(spec)
}

fn add_node(shared: &Shared, spec: NodeSpec) -> RhaiResult<()> {
    shared.cluster_mut()?.add_node(spec).map_err(|e| fail(e.0))
}

/// Advances instant by instant until `f` returns true; returns the seconds waited. At the
/// timeout the clock stands at the deadline and the error says what was waited for.
fn wait_for(
    shared: &Shared,
    ctx: &NativeCallContext,
    f: &FnPtr,
    timeout: &Dynamic,
) -> RhaiResult<INT> {
    let timeout = duration_arg("wait_for", timeout)?;
    let (start, deadline, instant_limit) = {
        let cluster = shared.cluster_mut()?;
        crate::cluster::check_span(cluster.now(), timeout)
            .map_err(|e| fail(format!("wait_for: {}", e.0.replace("advance by", "wait"))))?;
        (
            cluster.now(),
            cluster.now() + timeout,
            cluster.limits.instants_per_call,
        )
    };
    let check = || -> RhaiResult<bool> {
        let value: Dynamic = f.call_within_context(ctx, ())?;
        value.as_bool().map_err(|t| {
            fail(format!(
                "wait_for: the condition returned {t}, not true or false"
            ))
        })
    };
    let mut instants = 0usize;
    loop {
        if check()? {
            return Ok((shared.cluster_mut()?.now() - start).secs());
        }
        let mut cluster = shared.cluster_mut()?;
        let next = cluster.world.timers.next_time();
        match next {
            Some(t) if t <= deadline => {
                instants += 1;
                if instants > instant_limit {
                    return Err(fail(format!(
                        "wait_for: stopped after {instant_limit} instants at {} (limit instants_per_call)",
                        cluster.now()
                    )));
                }
                cluster.step().map_err(|e| fail(e.0))?;
            }
            _ => {
                let rest = deadline - cluster.now();
                cluster.advance(rest).map_err(|e| fail(e.0))?;
                drop(cluster);
                if check()? {
                    return Ok(timeout.secs());
                }
                return Err(fail(format!(
                    "wait_for: timed out after {timeout}: the condition was still false at {deadline}"
                )));
            }
        }
    }
}
