//! Indexed completion mode (`indexed_job_utils.go`, facts 47–51): index intervals and their
//! `completedIndexes` text, the lowest pending indexes, and what an index puts on its pod
//! (name `<job>-<index>-<5 random>`, hostname, label + annotation, `JOB_COMPLETION_INDEX`).

use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, ObjectFieldSelector, PodTemplateSpec,
};
use std::collections::BTreeMap;
use std::fmt;

pub const COMPLETION_INDEX_KEY: &str = "batch.kubernetes.io/job-completion-index";
pub const INDEX_FAILURE_COUNT_KEY: &str = "batch.kubernetes.io/job-index-failure-count";
pub const INDEX_IGNORED_FAILURE_COUNT_KEY: &str =
    "batch.kubernetes.io/job-index-ignored-failure-count";
pub const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";
/// `names.MaxGeneratedNameLength`: 63 minus the 5 random characters.
const MAX_GENERATED_NAME_LENGTH: usize = 58;

/// Sorted, disjoint, non-adjacent inclusive ranges of indexes (`orderedIntervals`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intervals(pub Vec<(i32, i32)>);

impl Intervals {
    /// `parseIndexesFromString`: `"1,3-5,7"`; indexes ≥ `completions` are dropped, corrupt
    /// pieces ignored (the controller logs and moves on).
    pub fn parse(text: &str, completions: i32) -> Intervals {
        let mut out: Vec<(i32, i32)> = Vec::new();
        if text.is_empty() {
            return Intervals(out);
        }
        for piece in text.split(',') {
            let mut limits = piece.split('-');
            let Some(Ok(first)) = limits.next().map(str::parse::<i32>) else {
                continue;
            };
            if first >= completions {
                break;
            }
            let last = match limits.next() {
                Some(l) => match l.parse::<i32>() {
                    Ok(l) => l.min(completions - 1),
                    Err(_) => continue,
                },
                None => first,
            };
            match out.last_mut() {
                Some(prev) if prev.1 == first - 1 => prev.1 = last,
                _ => out.push((first, last)),
            }
        }
        Intervals(out)
    }

    /// `merge`: the union, adjacent ranges joined.
    pub fn merge(&self, other: &Intervals) -> Intervals {
        let mut all: Vec<(i32, i32)> = self.0.iter().chain(other.0.iter()).copied().collect();
        all.sort();
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(all.len());
        for iv in all {
            match out.last_mut() {
                Some(last) if iv.0 <= last.1 + 1 => last.1 = last.1.max(iv.1),
                _ => out.push(iv),
            }
        }
        Intervals(out)
    }

    /// `withOrderedIndexes`.
    pub fn with_indexes(&self, indexes: impl IntoIterator<Item = i32>) -> Intervals {
        self.merge(&Intervals(indexes.into_iter().map(|i| (i, i)).collect()))
    }

    pub fn total(&self) -> i32 {
        self.0.iter().map(|(a, b)| b - a + 1).sum()
    }

    pub fn has(&self, ix: i32) -> bool {
        let i = self.0.partition_point(|(_, last)| *last < ix);
        self.0.get(i).is_some_and(|(first, _)| *first <= ix)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Intervals {
    /// Runs of three or more become `a-b`; a run of two is `a,b` (fact 50).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (first, last)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{first}")?;
            if last > first {
                let sep = if *last == first + 1 { "," } else { "-" };
                write!(f, "{sep}{last}")?;
            }
        }
        Ok(())
    }
}

/// `getCompletionIndex`: the index in the annotation, if it is a non-negative integer.
pub fn completion_index(annotations: Option<&BTreeMap<String, String>>) -> Option<i32> {
    annotations?
        .get(COMPLETION_INDEX_KEY)?
        .parse::<i32>()
        .ok()
        .filter(|i| *i >= 0)
}

/// `firstPendingIndexes`: the `count` lowest indexes below `completions` not in `taken`.
pub fn first_pending(taken: &Intervals, count: usize, completions: i32) -> Vec<i32> {
    let mut out = Vec::with_capacity(count);
    let mut candidate = 0;
    for &(first, last) in &taken.0 {
        while candidate < completions && out.len() < count && candidate < first {
            out.push(candidate);
            candidate += 1;
        }
        candidate = candidate.max(last + 1);
    }
    while candidate < completions && out.len() < count {
        out.push(candidate);
        candidate += 1;
    }
    out
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the job name cut so the whole prefix fits.
pub fn generate_name(job_name: &str, index: i32) -> String {
    let suffix = format!("-{index}-");
    let prefix = format!("{job_name}{suffix}");
    if prefix.len() <= MAX_GENERATED_NAME_LENGTH {
        return prefix;
    }
    let keep = MAX_GENERATED_NAME_LENGTH - suffix.len();
    let cut: String = prefix.chars().take(keep).collect();
    format!("{cut}{suffix}")
}

/// `addCompletionIndexEnvVariables`: `JOB_COMPLETION_INDEX` from the index label through
/// the downward API, in every init and regular container that does not set it already.
pub fn add_index_env(template: &mut PodTemplateSpec) {
    let Some(spec) = template.spec.as_mut() else {
        return;
    };
    let add = |c: &mut Container| {
        let env = c.env.get_or_insert_with(Vec::new);
        if env.iter().any(|e| e.name == COMPLETION_INDEX_ENV) {
            return;
        }
        env.push(EnvVar {
            name: COMPLETION_INDEX_ENV.into(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    api_version: None,
                    field_path: format!("metadata.labels['{COMPLETION_INDEX_KEY}']"),
                }),
                ..Default::default()
            }),
        });
    };
    spec.init_containers.iter_mut().flatten().for_each(add);
    spec.containers.iter_mut().for_each(add);
}

/// What index `index` puts on its pod: the annotation and label (PodIndexLabel, GA 1.32)
/// and the hostname `<job>-<index>` (fact 48).
pub fn mark_index(template: &mut PodTemplateSpec, job_name: &str, index: i32) {
    let meta = template.metadata.get_or_insert_with(Default::default);
    meta.annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(COMPLETION_INDEX_KEY.into(), index.to_string());
    meta.labels
        .get_or_insert_with(BTreeMap::new)
        .insert(COMPLETION_INDEX_KEY.into(), index.to_string());
    if let Some(spec) = template.spec.as_mut() {
        spec.hostname = Some(format!("{job_name}-{index}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(v: &[(i32, i32)]) -> Intervals {
        Intervals(v.to_vec())
    }

    #[test]
    fn completed_indexes_compress_runs_of_three_or_more_fact_50() {
        let table: &[(&[i32], &str)] = &[
            (&[], ""),
            (&[0], "0"),
            (&[0, 1], "0,1"),
            (&[0, 1, 2], "0-2"),
            (&[1, 3, 4, 5, 7], "1,3-5,7"),
            (&[7, 5, 3, 4, 1], "1,3-5,7"),
            (&[2, 3, 9, 10, 11, 12], "2,3,9-12"),
        ];
        for (indexes, text) in table {
            let got = Intervals::default().with_indexes(indexes.iter().copied());
            assert_eq!(got.to_string(), *text, "{indexes:?}");
            assert_eq!(got.total(), indexes.len() as i32);
        }
    }

    #[test]
    fn parsing_round_trips_and_drops_indexes_past_completions() {
        assert_eq!(
            Intervals::parse("1,3-5,7", 10),
            iv(&[(1, 1), (3, 5), (7, 7)])
        );
        assert_eq!(Intervals::parse("0,1", 10), iv(&[(0, 1)]));
        assert_eq!(Intervals::parse("1,3-5,7", 5), iv(&[(1, 1), (3, 4)]));
        assert_eq!(Intervals::parse("x,2", 5), iv(&[(2, 2)]));
        assert_eq!(Intervals::parse("", 5), iv(&[]));
        assert!(iv(&[(1, 1), (3, 5)]).has(4));
        assert!(!iv(&[(1, 1), (3, 5)]).has(2));
        assert!(!iv(&[(1, 1), (3, 5)]).has(6));
    }

    #[test]
    fn lowest_pending_indexes_come_first_fact_49() {
        let taken = iv(&[(0, 1), (4, 4)]);
        assert_eq!(first_pending(&taken, 3, 10), vec![2, 3, 5]);
        assert_eq!(first_pending(&taken, 3, 4), vec![2, 3]);
        assert_eq!(first_pending(&Intervals::default(), 2, 5), vec![0, 1]);
        assert_eq!(first_pending(&taken, 0, 10), Vec::<i32>::new());
    }

    #[test]
    fn index_pod_prefix_keeps_the_index_when_the_name_is_long_fact_48() {
        assert_eq!(generate_name("sample", 3), "sample-3-");
        let long = "a".repeat(60);
        let p = generate_name(&long, 12);
        assert_eq!(p.len(), 58);
        assert!(p.ends_with("-12-"));
    }
}
