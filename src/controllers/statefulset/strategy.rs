//! What the API server's StatefulSet strategy does to a written StatefulSet before the
//! controller sees it: in 1.32 the `MaxUnavailableStatefulSet` gate is off (alpha), so
//! `spec.updateStrategy.rollingUpdate.maxUnavailable` is dropped unless the stored object
//! already uses it (k/k `pkg/registry/apps/statefulset/strategy.go`
//! `dropStatefulSetDisabledFields`; fact 2, T11). The controller ignores the field anyway.

use k8s_openapi::api::apps::v1::StatefulSet;

/// The warning klab prints (after kubectl's `Warning: `) when a manifest sets the field. A
/// 1.32 API server drops it silently; klab says so, because the learner asked for something
/// that will not happen.
pub const MAX_UNAVAILABLE_WARNING: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable is ignored: the MaxUnavailableStatefulSet feature gate is alpha and off in Kubernetes 1.32, so the API server drops the field and a rolling update replaces one pod at a time";

fn max_unavailable_in_use(set: Option<&StatefulSet>) -> bool {
    set.and_then(|s| s.spec.as_ref())
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .is_some_and(|r| r.max_unavailable.is_some())
}

/// The warnings for a StatefulSet about to be created (before `drop_disabled_fields`).
pub fn warnings_on_create(new: &StatefulSet) -> Vec<String> {
    if max_unavailable_in_use(Some(new)) {
        vec![MAX_UNAVAILABLE_WARNING.to_string()]
    } else {
        Vec::new()
    }
}

/// Drops `maxUnavailable` from a StatefulSet being created (`old: None`) or updated.
/// Returns the warning to show when something was dropped.
pub fn drop_disabled_fields(
    new: &mut StatefulSet,
    old: Option<&StatefulSet>,
) -> Option<&'static str> {
    if max_unavailable_in_use(old) {
        return None;
    }
    let ru = new
        .spec
        .as_mut()?
        .update_strategy
        .as_mut()?
        .rolling_update
        .as_mut()?;
    ru.max_unavailable.take().map(|_| MAX_UNAVAILABLE_WARNING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{
        RollingUpdateStatefulSetStrategy, StatefulSetSpec, StatefulSetUpdateStrategy,
    };
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn with_max_unavailable(v: Option<IntOrString>) -> StatefulSet {
        StatefulSet {
            spec: Some(StatefulSetSpec {
                update_strategy: Some(StatefulSetUpdateStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateStatefulSetStrategy {
                        partition: Some(0),
                        max_unavailable: v,
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn max_unavailable_is_dropped_with_a_warning_fact_2() {
        let mut s = with_max_unavailable(Some(IntOrString::Int(2)));
        assert_eq!(
            drop_disabled_fields(&mut s, None),
            Some(MAX_UNAVAILABLE_WARNING)
        );
        assert!(!max_unavailable_in_use(Some(&s)));
        assert_eq!(
            warnings_on_create(&with_max_unavailable(Some(IntOrString::String(
                "50%".into()
            )))),
            vec![MAX_UNAVAILABLE_WARNING.to_string()]
        );
        assert!(warnings_on_create(&s).is_empty());
        let mut plain = with_max_unavailable(None);
        assert_eq!(drop_disabled_fields(&mut plain, None), None);
    }

    #[test]
    fn max_unavailable_added_by_an_update_is_dropped_fact_2() {
        let old = crate::api::Object::StatefulSet(with_max_unavailable(None));
        let mut new =
            crate::api::Object::StatefulSet(with_max_unavailable(Some(IntOrString::Int(2))));
        crate::api::strategy::prepare_for_update(&old, &mut new);
        assert_eq!(new, old);
    }

    #[test]
    fn max_unavailable_already_stored_is_kept_on_update() {
        let old = with_max_unavailable(Some(IntOrString::Int(2)));
        let mut new = with_max_unavailable(Some(IntOrString::Int(3)));
        assert_eq!(drop_disabled_fields(&mut new, Some(&old)), None);
        assert!(max_unavailable_in_use(Some(&new)));
    }
}
