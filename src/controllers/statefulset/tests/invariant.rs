//! The OrderedReady guarantee under random timing (fact 53): with pods turning ready at
//! random times and the set scaled up in random steps, a higher ordinal is never Running
//! and Ready while a lower one is not; and when pods are also deleted by hand at random,
//! every pod is created only while all lower ordinals are Running and Ready.

use super::support::*;
use crate::api::Kind;
use crate::runtime::{ImageRule, SigTerm};
use crate::sim::{SimDuration, SimRng};
use crate::store::DeleteOptions;

/// A rule for the next container to start: ready after a random 0–9 s.
fn random_readiness(rng: &mut SimRng) -> ImageRule {
    ImageRule {
        pattern: "nginx:*".into(),
        run: None,
        exit: 0,
        ready_after: SimDuration::from_millis(rng.between(0, 9_000)),
        on_sigterm: SigTerm::Exit(0),
    }
}

fn ready_ordinals(c: &crate::Cluster, replicas: i32) -> Vec<bool> {
    (0..replicas)
        .map(|i| is_running_and_ready(c, &format!("web-{i}")))
        .collect()
}

#[test]
fn ordered_ready_never_has_a_higher_pod_ready_before_a_lower_one_fact_53() {
    for seed in 0..64u64 {
        let mut c = seeded(seed);
        let mut rng = SimRng::new(seed ^ 0x5eed);
        c.world.runtime.images = vec![random_readiness(&mut rng)];
        let mut replicas = 1 + rng.between(0, 3) as i32;
        create(&mut c, sts("web", replicas));
        for _ in 0..400 {
            // The next container to start gets a fresh random readiness delay.
            c.world.runtime.images = vec![random_readiness(&mut rng)];
            if replicas < 12 && rng.chance(0.05) {
                replicas += 1 + rng.between(0, 2) as i32;
                edit(&mut c, "web", |s| s.replicas = Some(replicas));
            }
            let ready = ready_ordinals(&c, replicas);
            if let Some(first_not_ready) = ready.iter().position(|r| !r) {
                assert!(
                    ready[first_not_ready..].iter().all(|r| !r),
                    "seed {seed} at {}: ready {ready:?}",
                    c.now()
                );
            }
            if !c.step().unwrap() {
                break;
            }
        }
        settle(&mut c);
        assert!(
            ready_ordinals(&c, replicas).iter().all(|r| *r),
            "seed {seed}"
        );
    }
}

#[test]
fn pods_are_created_only_while_every_lower_ordinal_is_ready_even_with_random_deletions() {
    for seed in 0..64u64 {
        let mut c = seeded(seed);
        let mut rng = SimRng::new(seed ^ 0xde1e7e);
        c.world.runtime.images = vec![random_readiness(&mut rng)];
        let replicas = 8;
        create(&mut c, sts("web", replicas));
        let mut seen_creates = 0;
        for _ in 0..600 {
            c.world.runtime.images = vec![random_readiness(&mut rng)];
            if !c.step().unwrap() {
                break;
            }
            check_creates(&c, seed, &mut seen_creates);
            if rng.chance(0.04) {
                let victim = format!("web-{}", rng.between(0, replicas as i64 - 1));
                if pod(&c, &victim).is_some_and(|p| !p.is_deleting()) {
                    delete(&mut c, &pod_key(&victim), DeleteOptions::default());
                    check_creates(&c, seed, &mut seen_creates);
                }
            }
        }
        settle(&mut c);
        assert_eq!(
            c.world.store.list(Kind::Pod, Some("default")).count(),
            replicas as usize
        );
        assert!(
            ready_ordinals(&c, replicas).iter().all(|r| *r),
            "seed {seed}"
        );
    }
}

/// Every pod created since the last look was created while all lower ordinals were Running
/// and Ready. Pods are only created inside a reconcile, so looking right after each change
/// sees the state they were created in.
fn check_creates(c: &crate::Cluster, seed: u64, seen: &mut usize) {
    let creates = messages(c, "web", "SuccessfulCreate");
    for m in &creates[*seen..] {
        let name = m.split(' ').nth(2).unwrap();
        let ordinal: i32 = name.trim_start_matches("web-").parse().unwrap();
        for lower in 0..ordinal {
            assert!(
                is_running_and_ready(c, &format!("web-{lower}")),
                "seed {seed}: {name} created at {} while web-{lower} was not ready",
                c.now()
            );
        }
    }
    *seen = creates.len();
}
