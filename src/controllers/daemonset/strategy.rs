//! The API server's part of a DaemonSet write (k/k `pkg/registry/apps/daemonset/strategy.go`
//! `PrepareForCreate`/`PrepareForUpdate`, fact 11): `spec.templateGeneration`, which apps/v1
//! shows as the annotation `deprecated.daemonset.template.generation`, starts at 1 and
//! grows by one whenever `spec.template` changes. The store calls these on every write, the
//! way the API server runs its strategy, so the number is right before any controller looks.

use super::decide::ANNOTATION_TEMPLATE_GENERATION;
use crate::api::Object;
use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};

/// The template generation the annotation holds, if it parses.
pub fn template_generation(ds: &DaemonSet) -> Option<i64> {
    ds.metadata
        .annotations
        .as_ref()?
        .get(ANNOTATION_TEMPLATE_GENERATION)?
        .parse()
        .ok()
}

fn set_template_generation(ds: &mut DaemonSet, generation: i64) {
    ds.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(
            ANNOTATION_TEMPLATE_GENERATION.into(),
            generation.to_string(),
        );
}

/// A new DaemonSet: template generation at least 1, and a zero status if it came without
/// one. (The API server also drops a status sent on create; klab keeps it, so tools can
/// set one up, and the controller rewrites it in the same instant anyway.)
pub fn prepare_for_create(obj: &mut Object) {
    let Some(ds) = obj.daemon_set_mut() else {
        return;
    };
    let generation = template_generation(ds).filter(|g| *g >= 1).unwrap_or(1);
    set_template_generation(ds, generation);
    ds.status.get_or_insert_with(DaemonSetStatus::default);
}

/// An update: one more than before when the template changed; otherwise the number the
/// object already had (a whole-object replace from a manifest keeps it). An update that
/// carries no status keeps the old one: only the status subresource changes status.
pub fn prepare_for_update(old: &Object, new: &mut Object) {
    let (Some(old), Some(new)) = (old.daemon_set(), new.daemon_set_mut()) else {
        return;
    };
    if new.status.is_none() {
        new.status = old.status.clone();
    }
    let before = template_generation(old).unwrap_or(0);
    let template = |d: &DaemonSet| d.spec.as_ref().map(|s| s.template.clone());
    if template(old) != template(new) {
        set_template_generation(new, before + 1);
    } else if template_generation(new).is_none() && before > 0 {
        set_template_generation(new, before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ObjKey;
    use crate::sim::{SimRng, SimTime};
    use crate::store::Store;
    use k8s_openapi::api::apps::v1::DaemonSetSpec;
    use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn ds(image: &str) -> Object {
        Object::DaemonSet(DaemonSet {
            metadata: ObjectMeta {
                name: Some("d".into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: Some(DaemonSetSpec {
                template: PodTemplateSpec {
                    metadata: None,
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "c".into(),
                            image: Some(image.into()),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            status: None,
        })
    }

    fn key() -> ObjKey {
        ObjKey::new(crate::api::Kind::DaemonSet, "default", "d")
    }

    fn generations(s: &Store) -> (Option<i64>, Option<i64>) {
        let o = s.get(&key()).unwrap();
        (
            o.meta().generation,
            template_generation(o.daemon_set().unwrap()),
        )
    }

    #[test]
    fn template_generation_starts_at_1_and_follows_template_changes_fact_11() {
        let mut s = Store::new();
        let mut rng = SimRng::new(0);
        s.create(ds("nginx:1.16"), SimTime(0), &mut rng).unwrap();
        assert_eq!(generations(&s), (Some(1), Some(1)));
        // A whole-object replace without the annotation and the same template keeps it,
        // and keeps the status.
        s.modify(&key(), SimTime(0), |o| {
            o.daemon_set_mut()
                .unwrap()
                .status
                .as_mut()
                .unwrap()
                .number_ready = 2;
        })
        .unwrap();
        s.replace(ds("nginx:1.16"), SimTime(0)).unwrap();
        assert_eq!(generations(&s), (Some(1), Some(1)));
        let kept = s.get(&key()).unwrap().daemon_set().unwrap().status.clone();
        assert_eq!(kept.unwrap().number_ready, 2);
        s.replace(ds("nginx:1.17"), SimTime(0)).unwrap();
        assert_eq!(generations(&s), (Some(2), Some(2)));
        // A spec change outside the template bumps only metadata.generation.
        s.modify(&key(), SimTime(0), |o| {
            o.daemon_set_mut()
                .unwrap()
                .spec
                .as_mut()
                .unwrap()
                .min_ready_seconds = Some(5);
        })
        .unwrap();
        assert_eq!(generations(&s), (Some(3), Some(2)));
        // Status writes change neither.
        s.modify(&key(), SimTime(0), |o| {
            o.daemon_set_mut()
                .unwrap()
                .status
                .get_or_insert_with(Default::default)
                .number_ready = 3;
        })
        .unwrap();
        assert_eq!(generations(&s), (Some(3), Some(2)));
    }
}
