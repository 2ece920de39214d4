//! `kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes; changing an
//! existing key (even to the same value) needs `--overwrite`. Messages as kubectl prints
//! them: `pod/x labeled`, `not labeled`, `unlabeled`; `pod/x annotated`.

use super::command::LabelArgs;
use super::errors::Failure;
use super::resources;
use super::Ctx;
use crate::api::{defaults, validation, Object};
use crate::print::gojson;
use std::collections::BTreeMap;

fn map_of(obj: &Object, annotate: bool) -> Option<&BTreeMap<String, String>> {
    if annotate {
        obj.meta().annotations.as_ref()
    } else {
        obj.meta().labels.as_ref()
    }
}

pub fn run(ctx: &mut Ctx, a: LabelArgs) {
    let (found, mut failures) = resources::fetch(ctx, &a.targets, a.all_namespaces, false);
    for f in &found {
        let obj = &f.object;
        let existing = map_of(obj, a.annotate).cloned();
        if !a.annotate {
            for k in &a.remove {
                if !existing.as_ref().is_some_and(|m| m.contains_key(k)) {
                    ctx.line(format!("label \"{k}\" not found."));
                }
            }
        }
        if !a.overwrite {
            let clashes: Vec<String> = a
                .set
                .iter()
                .filter_map(|(k, _)| {
                    existing.as_ref().and_then(|m| m.get(k)).map(|v| {
                        format!("'{k}' already has a value ({v}), and --overwrite is false")
                    })
                })
                .collect();
            if !clashes.is_empty() {
                let msg = if clashes.len() == 1 {
                    clashes[0].clone()
                } else {
                    format!("[{}]", clashes.join(", "))
                };
                failures.push(Failure::plain(msg));
                continue;
            }
        }
        let mut map = existing.clone().unwrap_or_default();
        for (k, v) in &a.set {
            map.insert(k.clone(), v.clone());
        }
        for k in &a.remove {
            map.remove(k);
        }
        // kubectl compares the object's JSON before and after: setting the (possibly empty)
        // map where there was none counts as a change.
        let before = gojson::to_compact_string(&obj.to_json());
        let mut new = (**obj).clone();
        if a.annotate {
            new.meta_mut().annotations = Some(map.clone());
        } else {
            new.meta_mut().labels = Some(map.clone());
        }
        let after = gojson::to_compact_string(&new.to_json());
        let op = if a.annotate {
            "annotated"
        } else if before == after {
            "not labeled"
        } else if !a.overwrite && after.len() < before.len() {
            "unlabeled"
        } else {
            "labeled"
        };
        // The API server drops empty maps.
        if map.is_empty() {
            if a.annotate {
                new.meta_mut().annotations = None;
            } else {
                new.meta_mut().labels = None;
            }
        }
        defaults::apply_defaults(&mut new);
        if let Err(e) = validation::validate_update(obj, &new) {
            failures.push(Failure::api(e));
            continue;
        }
        let now = ctx.cluster.world.now;
        if let Err(e) = ctx.cluster.world.store.replace(new, now) {
            failures.push(Failure::api(e));
            continue;
        }
        ctx.line(format!("{}/{} {op}", obj.kind().qualified(), obj.name()));
    }
    ctx.settle_instant();
    for f in failures {
        ctx.fail(f);
    }
}
