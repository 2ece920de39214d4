//! Claims in a whole cluster: names, creation before the pod, reuse, the retention policy,
//! blocking by claims being deleted or stale, and pods re-created by hand.

use super::support::*;
use crate::api::{Kind, ObjKey};
use crate::store::DeleteOptions;
use k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy;

fn claim_uid(c: &crate::Cluster, name: &str) -> String {
    claim(c, name).expect(name).uid().to_string()
}

fn owners(c: &crate::Cluster, name: &str) -> Vec<(String, String)> {
    claim(c, name)
        .expect(name)
        .owner_references()
        .iter()
        .map(|r| (r.kind.clone(), r.name.clone()))
        .collect()
}

fn policy(
    when_deleted: &str,
    when_scaled: &str,
) -> StatefulSetPersistentVolumeClaimRetentionPolicy {
    StatefulSetPersistentVolumeClaimRetentionPolicy {
        when_deleted: Some(when_deleted.into()),
        when_scaled: Some(when_scaled.into()),
    }
}

#[test]
fn claims_are_named_template_set_ordinal_and_created_before_their_pod_fact_49_51_t12() {
    let mut c = cluster();
    create(&mut c, with_claims(sts("web", 2)));
    settle(&mut c);
    let events: Vec<String> = set_events(&c, "web")
        .into_iter()
        .map(|e| format!("{} {}", e.reason, e.message))
        .collect();
    assert_eq!(
        events,
        vec![
            "SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful",
            "SuccessfulCreate create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "SuccessfulCreate create Pod web-1 in StatefulSet web successful",
        ]
    );
    let pvc = claim(&c, "www-web-0").unwrap();
    assert_eq!(pvc.labels().get("app").map(String::as_str), Some("web"));
    assert!(pvc.owner_references().is_empty(), "Retain/Retain: no owner");
    let p = pod(&c, "web-0").unwrap();
    let spec = p.pod().unwrap().spec.clone().unwrap();
    let vol = &spec.volumes.unwrap()[0];
    assert_eq!(vol.name, "www");
    assert_eq!(
        vol.persistent_volume_claim.as_ref().unwrap().claim_name,
        "www-web-0"
    );
    assert_eq!(spec.hostname.as_deref(), Some("web-0"));
    assert_eq!(spec.subdomain.as_deref(), Some("web"));
    let labels = p.labels();
    assert_eq!(labels["statefulset.kubernetes.io/pod-name"], "web-0");
    assert_eq!(labels["apps.kubernetes.io/pod-index"], "0");
    assert_eq!(p.meta().generate_name.as_deref(), Some("web-"));
    let r = p.controller_ref().unwrap();
    assert_eq!(
        (r.kind.as_str(), r.block_owner_deletion),
        ("StatefulSet", Some(true))
    );
}

#[test]
fn claims_outlive_the_set_and_a_recreated_set_reattaches_them_fact_66_t12() {
    let mut c = cluster();
    create(&mut c, with_claims(sts("web", 2)));
    settle(&mut c);
    let uids = [claim_uid(&c, "www-web-0"), claim_uid(&c, "www-web-1")];
    // Scaling down keeps the claim.
    edit(&mut c, "web", |s| s.replicas = Some(1));
    settle(&mut c);
    assert!(claim(&c, "www-web-1").is_some());
    delete(&mut c, &set_key("web"), DeleteOptions::background());
    settle(&mut c);
    assert!(pod_names(&c).is_empty());
    assert_eq!(claim_uid(&c, "www-web-0"), uids[0]);
    assert_eq!(claim_uid(&c, "www-web-1"), uids[1]);
    create(&mut c, with_claims(sts("web", 2)));
    settle(&mut c);
    assert!(is_running_and_ready(&c, "web-1"));
    assert_eq!(claim_uid(&c, "www-web-0"), uids[0]);
    assert_eq!(claim_uid(&c, "www-web-1"), uids[1]);
    let claim_events = messages(&c, "web", "SuccessfulCreate")
        .into_iter()
        .filter(|m| m.contains("Claim"))
        .count();
    assert_eq!(claim_events, 2, "only the first set created claims");
}

#[test]
fn a_pod_deleted_by_hand_returns_with_its_name_and_claim_but_a_new_uid_and_ip_fact_65_t16() {
    let mut c = cluster();
    create(&mut c, with_claims(sts("web", 2)));
    settle(&mut c);
    let before = pod(&c, "web-1").unwrap();
    let ip = |o: &crate::api::Object| o.pod().unwrap().status.as_ref().unwrap().pod_ip.clone();
    let claim_before = claim_uid(&c, "www-web-1");
    delete(&mut c, &pod_key("web-1"), DeleteOptions::default());
    settle(&mut c);
    let after = pod(&c, "web-1").unwrap();
    assert_ne!(after.uid(), before.uid());
    assert_ne!(ip(&after), ip(&before));
    assert!(ip(&after).is_some());
    assert_eq!(claim_uid(&c, "www-web-1"), claim_before);
    assert_eq!(
        after
            .pod()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .hostname
            .as_deref(),
        Some("web-1")
    );
}

#[test]
fn a_claim_being_deleted_blocks_its_pod_until_it_is_gone_fact_50() {
    let mut c = cluster();
    create(&mut c, with_claims(sts("web", 1)));
    settle(&mut c);
    let old = claim_uid(&c, "www-web-0");
    // The claim is in use (pvc-protection) and held by a finalizer of our own.
    let now = c.now();
    c.world
        .store
        .modify(
            &ObjKey::new(Kind::PersistentVolumeClaim, "default", "www-web-0"),
            now,
            |o| {
                o.meta_mut()
                    .finalizers
                    .get_or_insert_with(Vec::new)
                    .push("test/hold".into())
            },
        )
        .unwrap();
    let claim_key = ObjKey::new(Kind::PersistentVolumeClaim, "default", "www-web-0");
    delete(&mut c, &claim_key, DeleteOptions::default());
    delete(&mut c, &pod_key("web-0"), DeleteOptions::default());
    settle(&mut c);
    assert!(pod(&c, "web-0").is_none());
    let failed = messages(&c, "web", "FailedCreate");
    assert!(!failed.is_empty());
    assert_eq!(
        failed[0],
        "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"
    );
    // Once the claim is gone, a new claim and the pod are created.
    let now = c.now();
    c.world
        .store
        .modify(&claim_key, now, |o| {
            o.meta_mut()
                .finalizers
                .as_mut()
                .unwrap()
                .retain(|f| f != "test/hold")
        })
        .unwrap();
    c.reconcile_now().unwrap();
    settle(&mut c);
    assert!(is_running_and_ready(&c, "web-0"));
    assert_ne!(claim_uid(&c, "www-web-0"), old);
}

#[test]
fn retention_policy_sets_claim_owners_and_the_garbage_collector_follows_fact_67() {
    // Retain/Delete: the set owns every claim; deleting the set deletes them.
    let mut c = cluster();
    let mut s = with_claims(sts("web", 2));
    spec_mut(&mut s).persistent_volume_claim_retention_policy = Some(policy("Delete", "Retain"));
    create(&mut c, s);
    settle(&mut c);
    assert_eq!(
        owners(&c, "www-web-0"),
        vec![("StatefulSet".to_string(), "web".to_string())]
    );
    edit(&mut c, "web", |s| s.replicas = Some(1));
    settle(&mut c);
    assert!(
        claim(&c, "www-web-1").is_some(),
        "whenScaled Retain keeps it"
    );
    delete(&mut c, &set_key("web"), DeleteOptions::background());
    settle(&mut c);
    assert!(claim(&c, "www-web-0").is_none());
    assert!(claim(&c, "www-web-1").is_none());

    // Delete/Delete: in-range claims owned by the set, a scaled-down pod's claim by the pod,
    // which takes it along.
    let mut c = cluster();
    let mut s = with_claims(sts("web", 2));
    spec_mut(&mut s).persistent_volume_claim_retention_policy = Some(policy("Delete", "Delete"));
    create(&mut c, s);
    settle(&mut c);
    edit(&mut c, "web", |s| s.replicas = Some(1));
    settle(&mut c);
    assert!(claim(&c, "www-web-1").is_none());
    assert_eq!(
        owners(&c, "www-web-0"),
        vec![("StatefulSet".to_string(), "web".to_string())]
    );

    // Changing the policy back to Retain/Retain scrubs the owners.
    edit(&mut c, "web", |s| {
        s.persistent_volume_claim_retention_policy = Some(policy("Retain", "Retain"))
    });
    settle(&mut c);
    assert!(owners(&c, "www-web-0").is_empty());
}

#[test]
fn a_stale_claim_of_a_scaled_down_pod_blocks_its_recreation_fact_68() {
    let mut c = cluster();
    let mut s = with_claims(sts("web", 2));
    spec_mut(&mut s).persistent_volume_claim_retention_policy = Some(policy("Retain", "Delete"));
    create(&mut c, s);
    settle(&mut c);
    let claim_key = ObjKey::new(Kind::PersistentVolumeClaim, "default", "www-web-1");
    let now = c.now();
    c.world
        .store
        .modify(&claim_key, now, |o| {
            o.meta_mut()
                .finalizers
                .get_or_insert_with(Vec::new)
                .push("test/hold".into())
        })
        .unwrap();
    edit(&mut c, "web", |s| s.replicas = Some(1));
    settle(&mut c);
    // The claim, owned by the old web-1, is being deleted but held.
    assert!(claim(&c, "www-web-1").unwrap().is_deleting());
    edit(&mut c, "web", |s| s.replicas = Some(2));
    settle(&mut c);
    assert!(pod(&c, "web-1").is_none(), "the stale claim blocks web-1");
    assert!(messages(&c, "web", "FailedCreate").is_empty(), "silently");
    let now = c.now();
    c.world
        .store
        .modify(&claim_key, now, |o| {
            o.meta_mut()
                .finalizers
                .as_mut()
                .unwrap()
                .retain(|f| f != "test/hold")
        })
        .unwrap();
    c.reconcile_now().unwrap();
    settle(&mut c);
    assert!(is_running_and_ready(&c, "web-1"));
    assert!(claim(&c, "www-web-1").is_some_and(|o| !o.is_deleting()));
}

#[test]
fn pods_are_created_without_waiting_for_their_claims_to_bind() {
    let mut c = cluster();
    let mut s = with_claims(sts("web", 1));
    spec_mut(&mut s).volume_claim_templates.as_mut().unwrap()[0]
        .spec
        .as_mut()
        .unwrap()
        .storage_class_name = Some("no-such-class".into());
    create(&mut c, s);
    settle(&mut c);
    assert!(pod(&c, "web-0").is_some());
    let phase = claim(&c, "www-web-0")
        .unwrap()
        .pvc()
        .unwrap()
        .status
        .as_ref()
        .and_then(|s| s.phase.clone());
    assert_ne!(phase.as_deref(), Some("Bound"));
}
