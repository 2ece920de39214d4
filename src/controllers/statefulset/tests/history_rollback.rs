//! ControllerRevisions in a whole cluster: names and labels, rollback reusing a revision,
//! pods not restarted by a rollback, the history limit.

use super::support::*;
use crate::api::{Kind, Object};
use crate::controllers::history::{go_json, hash_controller_revision, LABEL_CR_HASH};
use crate::controllers::statefulset::history::patch;
use std::sync::Arc;

fn revisions(c: &crate::Cluster) -> Vec<Arc<Object>> {
    let mut v: Vec<Arc<Object>> = c
        .world
        .store
        .list(Kind::ControllerRevision, Some("default"))
        .cloned()
        .collect();
    v.sort_by_key(|o| o.controller_revision().unwrap().revision);
    v
}

fn numbers(c: &crate::Cluster) -> Vec<(String, i64)> {
    revisions(c)
        .iter()
        .map(|o| {
            (
                o.name().to_string(),
                o.controller_revision().unwrap().revision,
            )
        })
        .collect()
}

#[test]
fn revisions_are_named_set_dash_hash_and_pods_carry_the_full_name_t5_fact_38() {
    let mut c = cluster();
    let mut s = sts("web", 1);
    s.metadata.annotations = Some([("note".to_string(), "kept".to_string())].into());
    create(&mut c, s);
    settle(&mut c);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 1);
    let cr = &revs[0];
    let hash = cr.labels()[LABEL_CR_HASH].clone();
    assert!(hash.len() <= 10 && hash.chars().all(|ch| "456789bcdf".contains(ch)));
    assert_eq!(cr.name(), format!("web-{hash}"));
    // FNV-32 over Go's JSON of the patch, then the collision count "0".
    let set = get_set(&c, "web");
    assert_eq!(
        hash,
        hash_controller_revision(go_json(&patch(&set)).as_bytes(), Some(0))
    );
    assert_eq!(cr.labels()["app"], "web");
    assert_eq!(cr.meta().annotations.as_ref().unwrap()["note"], "kept");
    assert_eq!(cr.controller_revision().unwrap().revision, 1);
    assert_eq!(cr.controller_ref().unwrap().name, "web");
    // The pod label is the whole revision name, not the bare hash (T5).
    assert_eq!(revision_label(&c, "web-0"), cr.name());
    let st = set.status.unwrap();
    assert_eq!(st.current_revision.as_deref(), Some(cr.name()));
    assert_eq!(st.collision_count, Some(0));
    let data = &cr.controller_revision().unwrap().data.as_ref().unwrap().0;
    assert_eq!(data["spec"]["template"]["$patch"], "replace");
}

#[test]
fn rollback_reuses_the_old_revision_with_the_next_number_t6_fact_40() {
    let mut c = cluster();
    create(&mut c, sts("web", 2));
    settle(&mut c);
    let first = revisions(&c)[0].name().to_string();
    set_image(&mut c, "web", "nginx:1.17");
    settle(&mut c);
    let second = revisions(&c)[1].name().to_string();
    assert_eq!(numbers(&c), vec![(first.clone(), 1), (second.clone(), 2)]);
    set_image(&mut c, "web", "nginx:1.16");
    settle(&mut c);
    // No third revision: revision 1 became revision 3.
    assert_eq!(numbers(&c), vec![(second, 2), (first.clone(), 3)]);
    let st = get_set(&c, "web").status.unwrap();
    assert_eq!(st.update_revision.as_deref(), Some(first.as_str()));
    assert_eq!(st.current_revision.as_deref(), Some(first.as_str()));
}

#[test]
fn rollback_does_not_restart_pods_already_on_the_old_template_fact_42() {
    let mut c = cluster();
    let mut s = sts("web", 3);
    spec_mut(&mut s)
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .partition = Some(2);
    create(&mut c, s);
    settle(&mut c);
    let uid0 = pod(&c, "web-0").unwrap().uid().to_string();
    set_image(&mut c, "web", "nginx:1.17");
    settle(&mut c);
    assert_eq!(messages(&c, "web", "SuccessfulDelete").len(), 1);
    set_image(&mut c, "web", "nginx:1.16");
    settle(&mut c);
    // Only web-2 (the one updated) is replaced again; web-0 and web-1 keep running.
    assert_eq!(messages(&c, "web", "SuccessfulDelete").len(), 2);
    assert_eq!(pod(&c, "web-0").unwrap().uid(), uid0);
    let st = get_set(&c, "web").status.unwrap();
    assert_eq!(st.current_revision, st.update_revision);
}

#[test]
fn history_keeps_revision_history_limit_old_revisions_fact_41() {
    let mut c = cluster();
    let mut s = sts("web", 1);
    spec_mut(&mut s).revision_history_limit = Some(2);
    create(&mut c, s);
    settle(&mut c);
    for v in 17..=21 {
        set_image(&mut c, "web", &format!("nginx:1.{v}"));
        settle(&mut c);
    }
    // The live revision (current = update) plus the two newest old ones.
    let nums: Vec<i64> = numbers(&c).iter().map(|(_, n)| *n).collect();
    assert_eq!(nums, vec![4, 5, 6]);
    // A deleted revision comes back if the set still needs it.
    let live = get_set(&c, "web").status.unwrap().update_revision.unwrap();
    let key = revisions(&c).last().unwrap().key();
    assert_eq!(key.name, live);
    delete(&mut c, &key, crate::store::DeleteOptions::default());
    settle(&mut c);
    assert!(c.world.store.get(&key).is_some());
}
