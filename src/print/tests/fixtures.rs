//! Builders for the objects the printing tests need.

use crate::api::Object;
use crate::sim::{SimDuration, SimTime};
use crate::world::World;
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, Pod, PodCondition, PodIP, PodSpec, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const START: &str = "2026-01-01T00:00:00Z";

pub fn world() -> World {
    World::new(0, SimTime::parse(START).unwrap())
}

/// `START + secs`.
pub fn at(secs: i64) -> SimTime {
    SimTime::parse(START).unwrap() + SimDuration::from_secs(secs)
}

pub fn time(secs: i64) -> Time {
    Time(at(secs).to_chrono())
}

/// Moves the clock to `START + secs`.
pub fn advance_to(world: &mut World, secs: i64) {
    world.now = at(secs);
}

pub fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

pub fn meta(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some("default".into()),
        ..Default::default()
    }
}

pub fn container(name: &str, image: &str) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        ..Default::default()
    }
}

/// A pod with one container `c` (nginx), unscheduled and without status.
pub fn pod(name: &str) -> Pod {
    Pod {
        metadata: meta(name),
        spec: Some(PodSpec {
            containers: vec![container("c", "nginx")],
            ..Default::default()
        }),
        status: Some(PodStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        }),
    }
}

pub fn on_node(mut p: Pod, node: &str, ip: &str) -> Pod {
    p.spec.as_mut().unwrap().node_name = Some(node.into());
    let st = p.status.get_or_insert_with(Default::default);
    st.host_ip = Some("172.18.0.2".into());
    if !ip.is_empty() {
        st.pod_ip = Some(ip.into());
        st.pod_ips = Some(vec![PodIP { ip: ip.into() }]);
    }
    p
}

pub fn with_statuses(mut p: Pod, phase: &str, statuses: Vec<ContainerStatus>) -> Pod {
    let st = p.status.get_or_insert_with(Default::default);
    st.phase = Some(phase.into());
    st.container_statuses = Some(statuses);
    p
}

pub fn with_conditions(mut p: Pod, conditions: &[(&str, &str)]) -> Pod {
    let st = p.status.get_or_insert_with(Default::default);
    st.conditions = Some(
        conditions
            .iter()
            .map(|(t, s)| PodCondition {
                type_: t.to_string(),
                status: s.to_string(),
                ..Default::default()
            })
            .collect(),
    );
    p
}

fn status(name: &str, state: ContainerState, ready: bool, restarts: i32) -> ContainerStatus {
    ContainerStatus {
        name: name.into(),
        image: "docker.io/library/nginx:latest".into(),
        image_id: "docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31".into(),
        container_id: Some("containerd://7e3a1c0f".into()),
        state: Some(state),
        ready,
        restart_count: restarts,
        started: Some(true),
        ..Default::default()
    }
}

pub fn running(name: &str, ready: bool, since: i64) -> ContainerStatus {
    status(
        name,
        ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(time(since)),
            }),
            ..Default::default()
        },
        ready,
        0,
    )
}

pub fn waiting(name: &str, reason: &str) -> ContainerStatus {
    let mut s = status(
        name,
        ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.into()),
                message: None,
            }),
            ..Default::default()
        },
        false,
        0,
    );
    s.started = Some(false);
    if reason == "ContainerCreating" {
        s.container_id = None;
        s.image_id = String::new();
    }
    s
}

pub fn terminated_state(
    reason: Option<&str>,
    exit: i32,
    signal: Option<i32>,
    started: i64,
    finished: i64,
) -> ContainerState {
    ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: exit,
            reason: reason.map(Into::into),
            signal,
            started_at: Some(time(started)),
            finished_at: Some(time(finished)),
            container_id: Some("containerd://7e3a1c0f".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn terminated(
    name: &str,
    reason: Option<&str>,
    exit: i32,
    started: i64,
    finished: i64,
) -> ContainerStatus {
    let mut s = status(
        name,
        terminated_state(reason, exit, None, started, finished),
        false,
        0,
    );
    s.started = Some(false);
    s
}

/// A crash-looping container: waiting in CrashLoopBackOff after `restarts` restarts, the
/// last run having finished at `finished`.
pub fn crash_looping(name: &str, restarts: i32, finished: i64) -> ContainerStatus {
    let mut s = waiting(name, "CrashLoopBackOff");
    s.restart_count = restarts;
    s.last_state = Some(terminated_state(
        Some("Error"),
        1,
        None,
        finished - 5,
        finished,
    ));
    s
}

pub fn create(world: &mut World, obj: impl Into<Object>) -> Arc<Object> {
    world.create(obj.into()).expect("fixture objects are valid")
}
