//! Applying `decide`'s actions through the store, with the StatefulSet controller's events
//! (k/k `stateful_pod_control.go` `CreateStatefulPod`, `DeleteStatefulPod`,
//! `UpdateStatefulPod`, `createMissingPersistentVolumeClaims`, `recordPodEvent`; fact 51).

use super::decide::{Action, DeleteReason, Revision, SetView};
use super::history::{self, Revisions};
use super::storage::{self, PodRef};
use super::{api_message, identity, NAME};
use crate::api::{Kind, ObjKey, Object};
use crate::store::{ApiError, DeleteOptions};
use crate::world::World;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use std::sync::Arc;

/// Applies `decide`'s actions through the store, with the controller's events.
pub struct Apply<'a> {
    pub world: &'a mut World,
    pub set: &'a Object,
    pub revs: &'a Revisions,
    pub view: &'a SetView,
    /// The current revision's template, decoded once when first needed.
    pub current_template: Option<PodTemplateSpec>,
}

impl Apply<'_> {
    fn event(&mut self, type_: &str, reason: &str, message: String) {
        self.world
            .record_event(self.set, type_, reason, message, NAME);
    }

    fn pod_key(&self, ordinal: i32) -> ObjKey {
        ObjKey::new(
            Kind::Pod,
            self.set.namespace(),
            &identity::pod_name(self.set.name(), ordinal),
        )
    }

    fn in_range(&self, ordinal: i32) -> bool {
        ordinal >= self.view.start && ordinal < self.view.start + self.view.replicas
    }

    pub fn action(&mut self, action: &Action) {
        match *action {
            Action::Create { ordinal, revision } => self.create(ordinal, revision),
            Action::CreateFails { ordinal, .. } => {
                // Same path: the claims that can be made are made, then the pod fails.
                self.create(ordinal, Revision::Update)
            }
            Action::EnsureClaims { ordinal } => self.ensure_claims(ordinal),
            Action::Update { ordinal } => self.update(ordinal),
            Action::FixClaims { ordinal } => self.retention(ordinal),
            Action::Delete { ordinal, reason } => self.delete(ordinal, reason),
        }
    }

    /// The template of a revision: the set's own for the update revision, the stored one
    /// for an older current revision.
    fn template(&mut self, revision: Revision) -> PodTemplateSpec {
        let own = || {
            self.set
                .stateful_set()
                .and_then(|s| s.spec.as_ref())
                .map(|s| s.template.clone())
                .unwrap_or_default()
        };
        if revision == Revision::Update || self.revs.current.name() == self.revs.update.name() {
            return own();
        }
        if self.current_template.is_none() {
            self.current_template = history::template_of(&self.revs.current);
        }
        self.current_template.clone().unwrap_or_else(own)
    }

    /// `CreateStatefulPod`: claims first, then the pod, then the claims' owners.
    fn create(&mut self, ordinal: i32, revision: Revision) {
        let rev_name = match revision {
            Revision::Current => self.revs.current.name().to_string(),
            Revision::Update => self.revs.update.name().to_string(),
        };
        let template = self.template(revision);
        let pod = identity::new_pod(self.set, &template, ordinal, &rev_name);
        let name = identity::pod_name(self.set.name(), ordinal);
        let set_name = self.set.name().to_string();
        let errors = storage::create_claims(self.world, self.set, ordinal, &name);
        if !errors.is_empty() {
            let error = if errors.len() == 1 {
                errors[0].clone()
            } else {
                format!("[{}]", errors.join(", "))
            };
            self.event(
                "Warning",
                "FailedCreate",
                format!("create Pod {name} in StatefulSet {set_name} failed error: {error}"),
            );
            return;
        }
        // The API server defaults and validates the pod the controller sends: a set name
        // near the 63-character limit makes the `controller-revision-hash` label too long
        // (fact 46).
        let mut pod = Object::Pod(pod);
        crate::api::defaults::apply_defaults(&mut pod);
        let created =
            crate::api::validation::validate_create(&pod).and_then(|()| self.world.create(pod));
        match created {
            Ok(created) => {
                let uid = created.uid().to_string();
                let pod = PodRef {
                    name: &name,
                    uid: &uid,
                };
                storage::update_retention(self.world, self.set, ordinal, pod, true);
                self.event(
                    "Normal",
                    "SuccessfulCreate",
                    format!("create Pod {name} in StatefulSet {set_name} successful"),
                );
            }
            // Someone else's pod holds the name: the sync fails without an event.
            Err(ApiError::AlreadyExists { .. }) => {}
            Err(e) => self.event(
                "Warning",
                "FailedCreate",
                format!(
                    "create Pod {name} in StatefulSet {set_name} failed error: {}",
                    api_message(&e)
                ),
            ),
        }
    }

    fn pod(&self, ordinal: i32) -> Option<Arc<Object>> {
        self.world.store.get(&self.pod_key(ordinal)).cloned()
    }

    /// `createMissingPersistentVolumeClaims` for a Pending pod.
    fn ensure_claims(&mut self, ordinal: i32) {
        let name = identity::pod_name(self.set.name(), ordinal);
        if storage::create_claims(self.world, self.set, ordinal, &name).is_empty() {
            self.retention(ordinal);
        }
    }

    /// `UpdatePodClaimForRetentionPolicy` for the pod at `ordinal`.
    fn retention(&mut self, ordinal: i32) {
        let Some(pod) = self.pod(ordinal) else { return };
        let in_range = self.in_range(ordinal);
        let r = PodRef {
            name: pod.name(),
            uid: pod.uid(),
        };
        storage::update_retention(self.world, self.set, ordinal, r, in_range);
    }

    /// `UpdateStatefulPod`: the identity labels are restored (with a `SuccessfulUpdate`
    /// event) and the claims' owners set.
    fn update(&mut self, ordinal: i32) {
        let Some(pod) = self.pod(ordinal) else { return };
        self.retention(ordinal);
        if identity::identity_matches(self.set, &pod) {
            return;
        }
        let now = self.world.now;
        let changed = self.world.store.modify(&pod.key(), now, |o| {
            identity::set_identity_labels(o.meta_mut(), ordinal);
        });
        if changed.is_ok() {
            let msg = format!(
                "update Pod {} in StatefulSet {} successful",
                pod.name(),
                self.set.name()
            );
            self.event("Normal", "SuccessfulUpdate", msg);
        }
    }

    /// `DeleteStatefulPod`: a normal graceful delete, reported either way.
    fn delete(&mut self, ordinal: i32, _reason: DeleteReason) {
        let key = self.pod_key(ordinal);
        let now = self.world.now;
        let set_name = self.set.name().to_string();
        match self
            .world
            .store
            .delete(&key, &DeleteOptions::default(), now)
        {
            Ok(_) => self.event(
                "Normal",
                "SuccessfulDelete",
                format!(
                    "delete Pod {} in StatefulSet {set_name} successful",
                    key.name
                ),
            ),
            Err(e) => self.event(
                "Warning",
                "FailedDelete",
                format!(
                    "delete Pod {} in StatefulSet {set_name} failed error: {}",
                    key.name,
                    api_message(&e)
                ),
            ),
        }
    }
}
