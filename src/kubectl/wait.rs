//! `kubectl wait --for=condition=X[=v]|delete|create|jsonpath=…`: advances the simulated
//! cluster, instant by instant, until each object meets the condition (`pod/x condition
//! met`) or the timeout passes (`error: timed out waiting for the condition on pods/x`).
//! Also the time-advancing loop `delete` and `drain` wait with.

use super::command::{WaitArgs, WaitFor};
use super::errors::Failure;
use super::resources::{self, Want};
use super::Ctx;
use crate::api::{ObjKey, Object};
use crate::sim::{SimDuration, SimTime};
use crate::store::ApiError;
use serde_json::Value;

/// Advances the cluster one instant at a time until `done` holds or `deadline` passes.
/// Returns whether `done` held. Time never goes past the deadline.
pub fn advance_until(
    ctx: &mut Ctx,
    deadline: SimTime,
    mut done: impl FnMut(&Ctx) -> bool,
) -> Result<bool, Failure> {
    let mut steps = 0;
    loop {
        if done(ctx) {
            return Ok(true);
        }
        let next = ctx.cluster.world.timers.next_time();
        match next {
            Some(t) if t <= deadline => {
                step_bounded(ctx, &mut steps)?;
            }
            _ => {
                // Nothing more happens before the deadline: let the clock run out.
                let left = deadline - ctx.cluster.now();
                if left.0 > 0 {
                    ctx.cluster.advance(left).map_err(|e| Failure::plain(e.0))?;
                }
                return Ok(done(ctx));
            }
        }
    }
}

/// One `cluster.step()`, counted against the cluster's `instants_per_call` limit so a
/// command that follows the cluster can never loop forever.
pub fn step_bounded(ctx: &mut Ctx, steps: &mut usize) -> Result<bool, Failure> {
    *steps += 1;
    if *steps > ctx.cluster.limits.instants_per_call {
        return Err(Failure::plain(format!(
            "stopped after {} instants at {} (limit instants_per_call): something keeps waking the cluster",
            ctx.cluster.limits.instants_per_call,
            ctx.cluster.now()
        )));
    }
    ctx.cluster.step().map_err(|e| Failure::plain(e.0))
}

/// `timed out waiting for the condition on pods/x`.
pub fn timeout_failure(kind: crate::api::Kind, name: &str) -> Failure {
    Failure::plain(format!(
        "timed out waiting for the condition on {}/{name}",
        kind.plural()
    ))
}

/// kubectl's `checkCondition`: type compared case-insensitively, status likewise; a stale
/// condition (observedGeneration behind generation) does not count.
fn condition_met(obj: &Object, name: &str, value: &str) -> bool {
    let json = obj.to_json();
    let Some(conds) = json
        .pointer("/status/conditions")
        .and_then(|c| c.as_array())
    else {
        return false;
    };
    for c in conds {
        let Some(t) = c.get("type").and_then(|t| t.as_str()) else {
            continue;
        };
        if !t.eq_ignore_ascii_case(name) {
            continue;
        }
        let Some(status) = c.get("status").and_then(|s| s.as_str()) else {
            continue;
        };
        if let Some(generation) = json
            .pointer("/metadata/generation")
            .and_then(|g| g.as_i64())
        {
            let observed = c
                .get("observedGeneration")
                .and_then(|g| g.as_i64())
                .or_else(|| {
                    json.pointer("/status/observedGeneration")
                        .and_then(|g| g.as_i64())
                });
            if observed.is_some_and(|o| o < generation) {
                return false;
            }
        }
        return status.eq_ignore_ascii_case(value);
    }
    false
}

/// Evaluates a simple JSONPath (`.status.phase`, `.status.conditions[0].type`,
/// `.status.conditions[?(@.type=="Ready")].status`).
pub fn jsonpath<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    let mut rest = path.trim_start_matches('.');
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inner = &after[..end];
            rest = after[end + 1..].trim_start_matches('.');
            if let Some(filter) = inner.strip_prefix("?(@.").and_then(|f| f.strip_suffix(')')) {
                let (field, want) = filter.split_once("==")?;
                let want = want.trim().trim_matches(|c| c == '"' || c == '\'');
                cur = cur
                    .as_array()?
                    .iter()
                    .find(|e| e.get(field.trim()).and_then(|x| x.as_str()) == Some(want))?;
            } else {
                cur = cur.as_array()?.get(inner.parse::<usize>().ok()?)?;
            }
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        cur = cur.get(&rest[..end])?;
        rest = rest[end..].trim_start_matches('.');
    }
    Some(cur)
}

fn jsonpath_met(obj: &Object, path: &str, value: Option<&str>) -> bool {
    let json = obj.to_json();
    match (jsonpath(&json, path), value) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(Value::String(s)), Some(want)) => s == want,
        (Some(v @ (Value::Number(_) | Value::Bool(_))), Some(want)) => {
            let text = v.to_string();
            text == want
        }
        (Some(_), Some(_)) => false,
    }
}

pub fn run(ctx: &mut Ctx, a: WaitArgs) {
    let (wants, mut failures) = match resources::wants(ctx, &a.targets, a.all_namespaces, true) {
        Ok(w) => w,
        Err(f) => return ctx.fail(f),
    };
    let selector = match resources::parse_selector(&a.targets) {
        Ok(s) => s,
        Err(f) => return ctx.fail(f),
    };
    // The objects to wait for; for `--for=delete` a missing one is already done.
    let mut keys: Vec<(ObjKey, Option<String>)> = Vec::new();
    for w in wants {
        match w {
            Want::Key { key, .. } => match ctx.cluster.world.store.get(&key) {
                Some(o) => keys.push((key, Some(o.uid().to_string()))),
                None if a.for_ == WaitFor::Delete => {}
                None if a.for_ == WaitFor::Create => keys.push((key, None)),
                None => failures.push(Failure::api(ApiError::NotFound {
                    kind: key.kind,
                    name: key.name,
                })),
            },
            Want::List { kind } => {
                for o in resources::list(ctx, kind, a.all_namespaces, &selector) {
                    keys.push((o.key(), Some(o.uid().to_string())));
                }
            }
        }
    }
    if keys.is_empty() && failures.is_empty() && a.for_ != WaitFor::Delete {
        return ctx.fail(Failure::plain("no matching resources found"));
    }
    let deadline = ctx.cluster.now() + SimDuration::from_millis(a.timeout_ms);
    for (key, uid) in keys {
        let met = |ctx: &Ctx| -> bool {
            let obj = ctx.cluster.world.store.get(&key);
            match &a.for_ {
                WaitFor::Delete => obj.is_none_or(|o| Some(o.uid()) != uid.as_deref()),
                WaitFor::Create => obj.is_some(),
                WaitFor::Condition { name, value } => {
                    obj.is_some_and(|o| condition_met(o, name, value))
                }
                WaitFor::JsonPath { path, value } => {
                    obj.is_some_and(|o| jsonpath_met(o, path, value.as_deref()))
                }
            }
        };
        // `--timeout=0`: check once, do not wait.
        let ok = if a.timeout_ms == 0 {
            met(ctx)
        } else {
            match advance_until(ctx, deadline, met) {
                Ok(ok) => ok,
                Err(f) => {
                    failures.push(f);
                    break;
                }
            }
        };
        if ok {
            ctx.line(format!(
                "{}/{} condition met",
                key.kind.qualified(),
                key.name
            ));
        } else if a.timeout_ms == 0 {
            failures.push(Failure::plain(format!(
                "condition not met for {}/{}",
                key.kind.plural(),
                key.name
            )));
        } else {
            failures.push(timeout_failure(key.kind, &key.name));
        }
    }
    for f in failures {
        ctx.fail(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonpath_reads_fields_indices_and_filters() {
        let v = json!({"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(jsonpath(&v, ".status.phase"), Some(&json!("Running")));
        assert_eq!(
            jsonpath(&v, ".status.conditions[0].type"),
            Some(&json!("Ready"))
        );
        assert_eq!(
            jsonpath(&v, ".status.conditions[?(@.type==\"Ready\")].status"),
            Some(&json!("True"))
        );
        assert_eq!(jsonpath(&v, ".status.nope"), None);
    }
}
