//! `kubectl get events` (server-side columns, k/k `printers.go` `printEvent`).

use crate::print::format::{since, since_micro};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::Event;

pub const HEADERS: &[&str] = &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
pub const WIDE: &[&str] = &[
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
];

pub fn row(ev: &Event, now: SimTime, wide: bool) -> Vec<String> {
    let first = match &ev.first_timestamp {
        Some(t) => since(Some(t), now),
        None => since_micro(ev.event_time.as_ref(), now),
    };
    let mut last = match &ev.last_timestamp {
        Some(t) => since(Some(t), now),
        None => first.clone(),
    };
    let mut count = ev.count.unwrap_or(0);
    if let Some(series) = &ev.series {
        last = since_micro(series.last_observed_time.as_ref(), now);
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let involved = &ev.involved_object;
    let kind = involved.kind.clone().unwrap_or_default().to_lowercase();
    let target = match involved.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{kind}/{n}"),
        _ => kind,
    };
    let message = ev.message.clone().unwrap_or_default().trim().to_string();
    let type_ = ev.type_.clone().unwrap_or_default();
    let reason = ev.reason.clone().unwrap_or_default();
    if !wide {
        return vec![last, type_, reason, target, message];
    }
    vec![
        last,
        type_,
        reason,
        target,
        involved.field_path.clone().unwrap_or_default(),
        source(ev),
        message,
        first,
        count.to_string(),
        ev.metadata.name.clone().unwrap_or_default(),
    ]
}

/// `formatEventSource`: component (or reporting controller), then `, host` when known.
fn source(ev: &Event) -> String {
    let first_non_empty = |a: Option<&String>, b: Option<&String>| {
        a.filter(|s| !s.is_empty())
            .or(b.filter(|s| !s.is_empty()))
            .cloned()
            .unwrap_or_default()
    };
    let src = ev.source.as_ref();
    let component = first_non_empty(
        src.and_then(|s| s.component.as_ref()),
        ev.reporting_component.as_ref(),
    );
    let instance = first_non_empty(
        src.and_then(|s| s.host.as_ref()),
        ev.reporting_instance.as_ref(),
    );
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}
