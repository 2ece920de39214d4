//! The cluster's one random generator. Every random choice (name suffixes, UIDs, scheduler
//! tie-breaks, random images) draws from it, so a seed replays a run exactly.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Kubernetes' name-suffix alphabet (`k8s.io/apimachinery/pkg/util/rand`): no vowels, no 0/1/3.
pub const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub struct SimRng {
    inner: ChaCha8Rng,
    seed: u64,
}

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng {
            inner: ChaCha8Rng::seed_from_u64(seed),
            seed,
        }
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The 5 random characters the API server appends to a `generateName`.
    pub fn name_suffix(&mut self) -> String {
        (0..5)
            .map(|_| SUFFIX_ALPHABET[self.inner.gen_range(0..SUFFIX_ALPHABET.len())] as char)
            .collect()
    }
    /// A version-4 UUID, as the API server assigns to `metadata.uid`.
    pub fn uid(&mut self) -> String {
        let mut b: [u8; 16] = self.inner.gen();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        // 8-4-4-4-12 lowercase hex, written directly (one allocation, no formatting machinery).
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(HEX[(x >> 4) as usize] as char);
            s.push(HEX[(x & 0x0f) as usize] as char);
        }
        s
    }
    /// A uniform index in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.inner.gen_range(0..n)
        }
    }
    /// A uniform integer in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.inner.gen_range(lo..=hi)
        }
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.inner.gen_bool(p.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_suffix_uses_only_the_kubernetes_alphabet_fact_21() {
        let mut rng = SimRng::new(7);
        for _ in 0..200 {
            let s = rng.name_suffix();
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|c| SUFFIX_ALPHABET.contains(&c)), "{s}");
        }
    }

    #[test]
    fn same_seed_gives_same_draws() {
        let (mut a, mut b) = (SimRng::new(3), SimRng::new(3));
        assert_eq!(a.uid(), b.uid());
        assert_eq!(a.name_suffix(), b.name_suffix());
        assert_ne!(SimRng::new(4).uid(), SimRng::new(3).uid());
    }

    #[test]
    fn uid_is_a_version_4_uuid() {
        let u = SimRng::new(0).uid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
