//! kubectl's status viewers (`polymorphichelpers/rollout_status.go`, fact 101): an object's
//! status → the message `rollout status` prints and whether the rollout is done. Pure
//! functions, so every branch is pinned by a table of cases.

use crate::api::{Kind, Object};
use k8s_openapi::api::apps::v1::{DaemonSet, StatefulSet};

/// What a viewer answers: the message (ending in a newline, as kubectl prints it) and
/// whether the rollout is done; `Err` is the viewer's error (printed as `error: …`).
pub type Viewed = Result<(String, bool), String>;

/// `RollingUpdate`: the only strategy `rollout status` follows.
const ROLLING_UPDATE: &str = "RollingUpdate";

fn only_rolling_update() -> String {
    format!("rollout status is only available for {ROLLING_UPDATE} strategy type")
}

/// `StatusViewerFor`: a viewer for DaemonSets and StatefulSets (Deployments are not in
/// klab); any other kind gets kubectl's error, naming the GroupKind as Go prints it
/// (`Job.batch`, `Pod`).
pub fn view(obj: &Object) -> Viewed {
    match (obj.daemon_set(), obj.stateful_set()) {
        (Some(ds), _) => daemon_set(ds),
        (_, Some(sts)) => stateful_set(sts),
        _ => Err(format!(
            "no status viewer has been implemented for {}",
            group_kind(obj.kind())
        )),
    }
}

/// `schema.GroupKind.String()`: `Kind.group`, or `Kind` for the core group.
pub fn group_kind(kind: Kind) -> String {
    let info = kind.info();
    if info.group.is_empty() {
        info.name.to_string()
    } else {
        format!("{}.{}", info.name, info.group)
    }
}

/// `DaemonSetStatusViewer.Status` (`--revision` is ignored for DaemonSets).
pub fn daemon_set(ds: &DaemonSet) -> Viewed {
    let name = ds.metadata.name.as_deref().unwrap_or_default();
    let strategy = ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
        .unwrap_or_default();
    if strategy != ROLLING_UPDATE {
        return Err(only_rolling_update());
    }
    let generation = ds.metadata.generation.unwrap_or(0);
    let status = ds.status.clone().unwrap_or_default();
    if generation > status.observed_generation.unwrap_or(0) {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = status.desired_number_scheduled;
    let updated = status.updated_number_scheduled.unwrap_or(0);
    let available = status.number_available.unwrap_or(0);
    if updated < desired {
        return Ok((
            format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"),
            false,
        ));
    }
    if available < desired {
        return Ok((
            format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"),
            false,
        ));
    }
    Ok((
        format!("daemon set \"{name}\" successfully rolled out\n"),
        true,
    ))
}

/// `StatefulSetStatusViewer.Status`. A non-nil `rollingUpdate` (what defaulting gives a set
/// without an `updateStrategy`) gets the "partitioned" wording even with partition 0 (T8).
pub fn stateful_set(sts: &StatefulSet) -> Viewed {
    let spec = sts.spec.as_ref();
    let strategy = spec.and_then(|s| s.update_strategy.as_ref());
    if strategy
        .and_then(|u| u.type_.as_deref())
        .unwrap_or_default()
        != ROLLING_UPDATE
    {
        return Err(only_rolling_update());
    }
    let status = sts.status.clone().unwrap_or_default();
    let observed = status.observed_generation.unwrap_or(0);
    if observed == 0 || sts.metadata.generation.unwrap_or(0) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = spec.and_then(|s| s.replicas);
    let ready = status.ready_replicas.unwrap_or(0);
    if let Some(r) = replicas.filter(|r| ready < *r) {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", r - ready),
            false,
        ));
    }
    let updated = status.updated_replicas.unwrap_or(0);
    if let Some(rolling) = strategy.and_then(|u| u.rolling_update.as_ref()) {
        if let (Some(r), Some(partition)) = (replicas, rolling.partition) {
            if updated < r - partition {
                return Ok((
                    format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", r - partition),
                    false,
                ));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let update_revision = status.update_revision.as_deref().unwrap_or_default();
    let current_revision = status.current_revision.as_deref().unwrap_or_default();
    if update_revision != current_revision {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}...\n"),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {current_revision}...\n",
            status.current_replicas.unwrap_or(0)
        ),
        true,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ds(strategy: &str, generation: i64, status: serde_json::Value) -> DaemonSet {
        serde_json::from_value(json!({
            "metadata": {"name": "fluentd", "generation": generation},
            "spec": {
                "selector": {"matchLabels": {"app": "f"}},
                "template": {"spec": {"containers": []}},
                "updateStrategy": {"type": strategy}
            },
            "status": status
        }))
        .unwrap()
    }

    fn counts(observed: i64, desired: i32, updated: i32, available: i32) -> serde_json::Value {
        json!({
            "observedGeneration": observed,
            "desiredNumberScheduled": desired,
            "currentNumberScheduled": desired,
            "numberMisscheduled": 0,
            "numberReady": available,
            "updatedNumberScheduled": updated,
            "numberAvailable": available
        })
    }

    #[test]
    fn daemon_set_messages_follow_kubectl_rollout_status_fact_101() {
        let cases: &[(DaemonSet, Viewed)] = &[
            (
                ds("RollingUpdate", 2, counts(1, 3, 3, 3)),
                Ok(("Waiting for daemon set spec update to be observed...\n".into(), false)),
            ),
            (
                ds("RollingUpdate", 2, counts(2, 3, 1, 2)),
                Ok(("Waiting for daemon set \"fluentd\" rollout to finish: 1 out of 3 new pods have been updated...\n".into(), false)),
            ),
            (
                ds("RollingUpdate", 2, counts(2, 3, 3, 2)),
                Ok(("Waiting for daemon set \"fluentd\" rollout to finish: 2 of 3 updated pods are available...\n".into(), false)),
            ),
            (
                ds("RollingUpdate", 2, counts(2, 3, 3, 3)),
                Ok(("daemon set \"fluentd\" successfully rolled out\n".into(), true)),
            ),
            // No nodes: nothing to wait for.
            (
                ds("RollingUpdate", 1, counts(1, 0, 0, 0)),
                Ok(("daemon set \"fluentd\" successfully rolled out\n".into(), true)),
            ),
            (
                ds("OnDelete", 1, counts(1, 3, 3, 3)),
                Err("rollout status is only available for RollingUpdate strategy type".into()),
            ),
        ];
        for (d, want) in cases {
            assert_eq!(&daemon_set(d), want, "{:?}", d.status);
        }
    }

    fn sts(
        update_strategy: serde_json::Value,
        generation: i64,
        status: serde_json::Value,
    ) -> StatefulSet {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "generation": generation},
            "spec": {
                "replicas": 3,
                "serviceName": "web",
                "selector": {"matchLabels": {"app": "w"}},
                "template": {"spec": {"containers": []}},
                "updateStrategy": update_strategy
            },
            "status": status
        }))
        .unwrap()
    }

    fn sts_status(
        observed: i64,
        ready: i32,
        updated: i32,
        current: i32,
        cur_rev: &str,
        upd_rev: &str,
    ) -> serde_json::Value {
        json!({
            "observedGeneration": observed,
            "replicas": 3,
            "readyReplicas": ready,
            "updatedReplicas": updated,
            "currentReplicas": current,
            "currentRevision": cur_rev,
            "updateRevision": upd_rev
        })
    }

    #[test]
    fn stateful_set_messages_follow_kubectl_rollout_status_fact_101_t8() {
        let defaulted = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
        let partitioned = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
        let bare = json!({"type": "RollingUpdate"});
        let cases: &[(StatefulSet, Viewed)] = &[
            (
                sts(defaulted.clone(), 1, sts_status(0, 0, 0, 0, "", "")),
                Ok(("Waiting for statefulset spec update to be observed...\n".into(), false)),
            ),
            (
                sts(defaulted.clone(), 3, sts_status(2, 3, 3, 3, "web-a", "web-a")),
                Ok(("Waiting for statefulset spec update to be observed...\n".into(), false)),
            ),
            (
                sts(defaulted.clone(), 2, sts_status(2, 2, 1, 2, "web-a", "web-b")),
                Ok(("Waiting for 1 pods to be ready...\n".into(), false)),
            ),
            (
                sts(defaulted.clone(), 2, sts_status(2, 3, 1, 2, "web-a", "web-b")),
                Ok(("Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...\n".into(), false)),
            ),
            // T8: the defaulted strategy says "partitioned" even with partition 0.
            (
                sts(defaulted.clone(), 2, sts_status(2, 3, 3, 3, "web-b", "web-b")),
                Ok(("partitioned roll out complete: 3 new pods have been updated...\n".into(), true)),
            ),
            (
                sts(partitioned.clone(), 2, sts_status(2, 3, 0, 3, "web-a", "web-b")),
                Ok(("Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n".into(), false)),
            ),
            (
                sts(partitioned, 2, sts_status(2, 3, 1, 2, "web-a", "web-b")),
                Ok(("partitioned roll out complete: 1 new pods have been updated...\n".into(), true)),
            ),
            (
                sts(bare.clone(), 2, sts_status(2, 3, 2, 1, "web-a", "web-b")),
                Ok(("waiting for statefulset rolling update to complete 2 pods at revision web-b...\n".into(), false)),
            ),
            (
                sts(bare, 2, sts_status(2, 3, 3, 3, "web-b", "web-b")),
                Ok(("statefulset rolling update complete 3 pods at revision web-b...\n".into(), true)),
            ),
            (
                sts(json!({"type": "OnDelete"}), 1, sts_status(1, 3, 3, 3, "web-a", "web-a")),
                Err("rollout status is only available for RollingUpdate strategy type".into()),
            ),
        ];
        for (s, want) in cases {
            assert_eq!(
                &stateful_set(s),
                want,
                "{:?} {:?}",
                s.spec.as_ref().unwrap().update_strategy,
                s.status
            );
        }
    }

    #[test]
    fn other_kinds_have_no_status_viewer_and_are_named_by_group_kind() {
        assert_eq!(group_kind(Kind::Job), "Job.batch");
        assert_eq!(group_kind(Kind::Pod), "Pod");
        let job = Object::from_json(
            Kind::Job,
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}}),
        )
        .unwrap();
        assert_eq!(
            view(&job),
            Err("no status viewer has been implemented for Job.batch".into())
        );
    }
}
