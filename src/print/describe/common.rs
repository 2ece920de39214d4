//! Sections several describers share (kubectl `describe.go`): multi-line labels, annotations,
//! taints and tolerations, the Events table, "Controlled By", the pod template and the pod
//! counts of a controller.

use super::containers::describe_containers;
use super::volumes::describe_volumes;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::api::{Kind, Object};
use crate::print::format::{since, since_micro};
use crate::sim::SimTime;
use crate::world::World;
use k8s_openapi::api::core::v1::{Event, PodTemplateSpec, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// `printLabelsMultilineWithIndent`: one `k=v` per line, sorted, or `<none>`.
pub fn labels_indent(
    w: &mut Writer,
    initial: &str,
    title: &str,
    inner: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    w.write(LEVEL_0, &format!("{initial}{title}:{inner}"));
    let labels = match labels {
        Some(l) if !l.is_empty() => l,
        _ => {
            w.line("<none>");
            return;
        }
    };
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial);
            w.write(LEVEL_0, inner);
        }
        w.write(LEVEL_0, &format!("{k}={v}\n"));
    }
}

/// `printLabelsMultiline`.
pub fn labels(w: &mut Writer, title: &str, labels: Option<&BTreeMap<String, String>>) {
    labels_indent(w, "", title, "\t", labels);
}

const MAX_ANNOTATION_LEN: usize = 140;
const SKIPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// `shorten`: Go cuts at a byte length; this cuts at the char boundary at or before it.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `printAnnotationsMultiline`: last-applied-configuration is skipped; long or multi-line
/// values go on their own indented lines, cut at 140 characters.
pub fn annotations(w: &mut Writer, title: &str, annotations: Option<&BTreeMap<String, String>>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .filter(|k| !SKIPPED_ANNOTATIONS.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let all = annotations.cloned().unwrap_or_default();
    for (i, key) in keys.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let value = all[key.as_str()]
            .strip_suffix('\n')
            .unwrap_or(&all[key.as_str()])
            .to_string();
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(LEVEL_0, &format!("{key}:\n"));
            for line in value.split('\n') {
                w.write(
                    LEVEL_0,
                    &format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.write(LEVEL_0, &format!("{key}: {value}\n"));
        }
    }
}

/// `Taint.ToString()`.
pub fn taint_string(t: &Taint) -> String {
    let value = t.value.as_deref().unwrap_or("");
    match (t.effect.is_empty(), value.is_empty()) {
        (true, true) => t.key.clone(),
        (true, false) => format!("{}={value}:", t.key),
        (false, true) => format!("{}:{}", t.key, t.effect),
        (false, false) => format!("{}={value}:{}", t.key, t.effect),
    }
}

/// `printTaintsMultilineWithIndent`: sorted by `effect,key`.
pub fn taints(w: &mut Writer, title: &str, taints: Option<&Vec<Taint>>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let mut taints: Vec<&Taint> = taints.into_iter().flatten().collect();
    if taints.is_empty() {
        w.line("<none>");
        return;
    }
    taints.sort_by_key(|t| format!("{},{}", t.effect, t.key));
    for (i, t) in taints.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, &format!("{}\n", taint_string(t)));
    }
}

/// `printTolerationsMultilineWithIndent`: sorted by key.
pub fn tolerations_indent(
    w: &mut Writer,
    initial: &str,
    title: &str,
    tolerations: Option<&Vec<Toleration>>,
) {
    w.write(LEVEL_0, &format!("{initial}{title}:\t"));
    let mut list: Vec<&Toleration> = tolerations.into_iter().flatten().collect();
    if list.is_empty() {
        w.line("<none>");
        return;
    }
    list.sort_by(|a, b| {
        a.key
            .as_deref()
            .unwrap_or("")
            .cmp(b.key.as_deref().unwrap_or(""))
    });
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial);
            w.write(LEVEL_0, "\t");
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            s.push_str(if !key.is_empty() || !effect.is_empty() {
                " op=Exists"
            } else {
                "op=Exists"
            });
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.write(LEVEL_0, &format!("{s}\n"));
    }
}

/// `printController`: `Kind/name` of the controller reference.
pub fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// The time kubectl sorts events by (`event.SortableEvents`).
fn event_time(e: &Event) -> i64 {
    if let Some(series) = &e.series {
        return series
            .last_observed_time
            .as_ref()
            .map_or(0, |t| t.0.timestamp_millis());
    }
    if let Some(t) = &e.last_timestamp {
        return t.0.timestamp_millis();
    }
    e.event_time.as_ref().map_or(0, |t| t.0.timestamp_millis())
}

/// `DescribeEvents`: `Events:  <none>`, or a table of Type, Reason, Age (`10s` or
/// `3m (x4 over 5m)`), From, Message, oldest first.
pub fn events(w: &mut Writer, events: &[Event], now: SimTime) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut list: Vec<&Event> = events.iter().collect();
    // The API lists by name; the sort by time keeps that order for equal times.
    list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    list.sort_by_key(|e| event_time(e));
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in list {
        let first = match &e.event_time {
            Some(t) => since_micro(Some(t), now),
            None => since(e.first_timestamp.as_ref(), now),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(series) = &e.series {
            format!(
                "{} (x{} over {first})",
                since_micro(series.last_observed_time.as_ref(), now),
                series.count.unwrap_or(0)
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since(e.last_timestamp.as_ref(), now)
            )
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
}

/// The object's events, as `describe` finds them (`searchEvents` by involved object).
pub fn object_events(world: &World, obj: &Object) -> Vec<Event> {
    crate::events::events_for(world, obj)
}

/// `DescribePodTemplate`.
pub fn pod_template(w: &mut Writer, template: &PodTemplateSpec) {
    w.write(LEVEL_0, "Pod Template:\n");
    let meta = template.metadata.clone().unwrap_or_default();
    labels(w, "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations(w, "  Annotations", meta.annotations.as_ref());
    }
    let spec = template.spec.clone().unwrap_or_default();
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(LEVEL_1, &format!("Service Account:\t{sa}\n"));
    }
    if let Some(init) = spec.init_containers.as_ref().filter(|c| !c.is_empty()) {
        describe_containers(w, "Init Containers", init, &[], None, "  ");
    }
    describe_containers(w, "Containers", &spec.containers, &[], None, "  ");
    describe_volumes(w, spec.volumes.as_deref().unwrap_or(&[]), "  ");
    super::pod::topology_spread(
        w,
        spec.topology_spread_constraints.as_deref().unwrap_or(&[]),
        "  ",
    );
    if let Some(pc) = spec
        .priority_class_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(LEVEL_1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels(w, "  Node-Selectors", spec.node_selector.as_ref());
    tolerations_indent(w, "", "  Tolerations", spec.tolerations.as_ref());
}

/// `getPodStatusForController`: pods matching the selector whose controller is `uid`,
/// counted by phase (Running / Pending / Succeeded / Failed).
pub fn pod_counts(
    world: &World,
    namespace: &str,
    selector: &crate::api::selector::Selector,
    uid: &str,
) -> (usize, usize, usize, usize) {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for o in world.store.list(Kind::Pod, Some(namespace)) {
        if !selector.matches(o.labels()) || o.controller_ref().is_none_or(|r| r.uid != uid) {
            continue;
        }
        match o
            .pod()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.as_deref())
        {
            Some("Running") => running += 1,
            Some("Pending") => waiting += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => {}
        }
    }
    (running, waiting, succeeded, failed)
}
