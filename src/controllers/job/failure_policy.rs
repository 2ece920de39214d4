//! podFailurePolicy, backoffLimitPerIndex and successPolicy (`pod_failure_policy.go`,
//! `indexed_job_utils.go`, `success_policy.go`; facts 40–46).

use super::indexed::{self, Intervals};
use super::pod;
use k8s_openapi::api::batch::v1::{
    Job, PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement, SuccessPolicy,
};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

/// What a matching rule says about a failed pod.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Fail the whole Job with this message (fact 42).
    FailJob(String),
    /// Not counted towards any limit; the pod is replaced.
    Ignore,
    Count,
    /// Fail the pod's index (needs backoffLimitPerIndex).
    FailIndex,
}

impl Action {
    /// Whether the failure counts towards backoffLimit / backoffLimitPerIndex.
    pub fn counts(action: Option<&Action>) -> bool {
        !matches!(action, Some(Action::Ignore))
    }
}

/// `matchPodFailurePolicy`: the first rule (in order) matching the failed pod, if any.
pub fn match_policy(policy: &PodFailurePolicy, p: &Pod) -> Option<Action> {
    let status = p.status.as_ref()?;
    let ns = p.metadata.namespace.as_deref().unwrap_or("");
    let name = p.metadata.name.as_deref().unwrap_or("");
    for (index, rule) in policy.rules.iter().enumerate() {
        if let Some(req) = &rule.on_exit_codes {
            let regular = status.container_statuses.as_deref().unwrap_or(&[]);
            let init = status.init_container_statuses.as_deref().unwrap_or(&[]);
            let Some(c) =
                matching_container(regular, req).or_else(|| matching_container(init, req))
            else {
                continue;
            };
            let code = c
                .state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .map_or(0, |t| t.exit_code);
            let message = format!(
                "Container {} for pod {ns}/{name} failed with exit code {code} matching {} rule at index {index}",
                c.name, rule.action
            );
            if let Some(a) = action(&rule.action, message) {
                return Some(a);
            }
        } else if let Some(patterns) = &rule.on_pod_conditions {
            let matched = status.conditions.iter().flatten().find(|c| {
                patterns
                    .iter()
                    .any(|pat| c.type_ == pat.type_ && c.status == pat.status)
            });
            let Some(cond) = matched else {
                continue;
            };
            let message = format!(
                "Pod {ns}/{name} has condition {} matching {} rule at index {index}",
                cond.type_, rule.action
            );
            if let Some(a) = action(&rule.action, message) {
                return Some(a);
            }
        }
    }
    None
}

fn action(name: &str, message: String) -> Option<Action> {
    match name {
        "FailJob" => Some(Action::FailJob(message)),
        "Ignore" => Some(Action::Ignore),
        "Count" => Some(Action::Count),
        "FailIndex" => Some(Action::FailIndex),
        // An unknown action matches nothing; the next rule is tried.
        _ => None,
    }
}

/// The first terminated, non-zero container matching the rule (fact 41).
fn matching_container<'a>(
    statuses: &'a [ContainerStatus],
    req: &PodFailurePolicyOnExitCodesRequirement,
) -> Option<&'a ContainerStatus> {
    statuses.iter().find(|c| {
        let Some(t) = c.state.as_ref().and_then(|s| s.terminated.as_ref()) else {
            return false;
        };
        let name_ok = req.container_name.as_ref().is_none_or(|n| *n == c.name);
        let listed = req.values.contains(&t.exit_code);
        let op_ok = match req.operator.as_str() {
            "In" => listed,
            "NotIn" => !listed,
            _ => false,
        };
        name_ok && t.exit_code != 0 && op_ok
    })
}

/// The matched action for a pod of `job`, when the job has a policy.
pub fn job_action(job: &Job, p: &Pod) -> Option<Action> {
    let policy = job.spec.as_ref()?.pod_failure_policy.as_ref()?;
    match_policy(policy, p)
}

fn annotation_count(p: &Pod, key: &str) -> i32 {
    p.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| (0..=i32::MAX as i64).contains(v))
        .map_or(0, |v| v as i32)
}

/// The pod's `job-index-failure-count` annotation.
pub fn index_failure_count(p: &Pod) -> i32 {
    annotation_count(p, indexed::INDEX_FAILURE_COUNT_KEY)
}

/// Failures plus ignored failures of the pod's index so far (`getIndexAbsoluteFailureCount`).
pub fn index_absolute_failure_count(p: &Pod) -> i32 {
    index_failure_count(p) + annotation_count(p, indexed::INDEX_IGNORED_FAILURE_COUNT_KEY)
}

/// `isIndexFailed`: the pod failed (counted) and its index already used up
/// `backoffLimitPerIndex` retries, or a FailIndex rule matched (fact 44).
pub fn is_index_failed(
    job: &Job,
    p: &Pod,
    only_replace_failed: bool,
    limit_per_index: i32,
) -> bool {
    if !pod::is_failed(p, only_replace_failed) {
        return false;
    }
    let counted = match job
        .spec
        .as_ref()
        .and_then(|s| s.pod_failure_policy.as_ref())
    {
        Some(policy) => match match_policy(policy, p) {
            Some(Action::FailIndex) => return true,
            other => Action::counts(other.as_ref()),
        },
        None => true,
    };
    counted && index_failure_count(p) >= limit_per_index
}

/// `getNewIndexFailureCounts`: the annotations a replacement for `replaced` carries.
pub fn next_index_failure_counts(job: &Job, replaced: Option<&Pod>) -> (i32, i32) {
    let Some(p) = replaced else {
        return (0, 0);
    };
    let mut failures = index_failure_count(p);
    let mut ignored = annotation_count(p, indexed::INDEX_IGNORED_FAILURE_COUNT_KEY);
    if Action::counts(job_action(job, p).as_ref()) {
        failures += 1;
    } else {
        ignored += 1;
    }
    (failures, ignored)
}

/// `matchSuccessPolicy`: `Matched rules at index <i>` for the first rule met (fact 46).
pub fn match_success_policy(
    policy: &SuccessPolicy,
    completions: i32,
    succeeded: &Intervals,
) -> Option<String> {
    if succeeded.is_empty() {
        return None;
    }
    for (index, rule) in policy.rules.iter().enumerate() {
        let met = match &rule.succeeded_indexes {
            Some(text) => {
                let required = Intervals::parse(text, completions);
                if required.is_empty() {
                    continue;
                }
                let contained = required
                    .0
                    .iter()
                    .map(|r| overlap(*r, succeeded))
                    .sum::<i32>();
                contained == required.total()
                    || rule.succeeded_count.is_some_and(|c| contained >= c)
            }
            None => rule.succeeded_count.is_some_and(|c| succeeded.total() >= c),
        };
        if met {
            return Some(format!("Matched rules at index {index}"));
        }
    }
    None
}

fn overlap((first, last): (i32, i32), set: &Intervals) -> i32 {
    set.0
        .iter()
        .map(|(a, b)| (last.min(*b) - first.max(*a) + 1).max(0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::{
        PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule, SuccessPolicyRule,
    };
    use k8s_openapi::api::core::v1::{
        ContainerState, ContainerStateTerminated, PodCondition, PodStatus,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn failed_pod(codes: &[(&str, i32)], conditions: &[(&str, &str)]) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("p".into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: None,
            status: Some(PodStatus {
                phase: Some("Failed".into()),
                container_statuses: Some(
                    codes
                        .iter()
                        .map(|(n, code)| ContainerStatus {
                            name: n.to_string(),
                            state: Some(ContainerState {
                                terminated: Some(ContainerStateTerminated {
                                    exit_code: *code,
                                    ..Default::default()
                                }),
                                ..Default::default()
                            }),
                            ..Default::default()
                        })
                        .collect(),
                ),
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(t, s)| PodCondition {
                            type_: t.to_string(),
                            status: s.to_string(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
        }
    }

    fn exit_rule(action: &str, op: &str, values: &[i32]) -> PodFailurePolicyRule {
        PodFailurePolicyRule {
            action: action.into(),
            on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                container_name: None,
                operator: op.into(),
                values: values.to_vec(),
            }),
            on_pod_conditions: None,
        }
    }

    #[test]
    fn rules_match_in_order_on_exit_codes_and_conditions_facts_40_42() {
        let policy = PodFailurePolicy {
            rules: vec![
                exit_rule("FailJob", "In", &[42]),
                PodFailurePolicyRule {
                    action: "Ignore".into(),
                    on_exit_codes: None,
                    on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                        type_: "DisruptionTarget".into(),
                        status: "True".into(),
                    }]),
                },
                exit_rule("Count", "NotIn", &[1]),
            ],
        };
        let fail = match_policy(&policy, &failed_pod(&[("c", 42)], &[]));
        assert_eq!(
            fail,
            Some(Action::FailJob(
                "Container c for pod default/p failed with exit code 42 matching FailJob rule at index 0".into()
            ))
        );
        assert_eq!(
            match_policy(
                &policy,
                &failed_pod(&[("c", 1)], &[("DisruptionTarget", "True")])
            ),
            Some(Action::Ignore)
        );
        assert_eq!(
            match_policy(&policy, &failed_pod(&[("c", 2)], &[])),
            Some(Action::Count)
        );
        assert_eq!(match_policy(&policy, &failed_pod(&[("c", 1)], &[])), None);
        // Exit code 0 never matches, not even NotIn (fact 41).
        assert_eq!(match_policy(&policy, &failed_pod(&[("c", 0)], &[])), None);
    }

    #[test]
    fn condition_rule_message_names_the_condition_fact_42() {
        let policy = PodFailurePolicy {
            rules: vec![PodFailurePolicyRule {
                action: "FailJob".into(),
                on_exit_codes: None,
                on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                    type_: "DisruptionTarget".into(),
                    status: "True".into(),
                }]),
            }],
        };
        assert_eq!(
            match_policy(
                &policy,
                &failed_pod(&[("c", 137)], &[("DisruptionTarget", "True")])
            ),
            Some(Action::FailJob(
                "Pod default/p has condition DisruptionTarget matching FailJob rule at index 0"
                    .into()
            ))
        );
    }

    #[test]
    fn success_policy_rules_match_indexes_and_counts_fact_46() {
        let rule = |ix: Option<&str>, count: Option<i32>| SuccessPolicyRule {
            succeeded_indexes: ix.map(Into::into),
            succeeded_count: count,
        };
        let policy = SuccessPolicy {
            rules: vec![
                rule(Some("0-2"), None),
                rule(None, Some(4)),
                rule(Some("5-9"), Some(2)),
            ],
        };
        let done = |ix: &[i32]| Intervals::default().with_indexes(ix.iter().copied());
        assert_eq!(
            match_success_policy(&policy, 10, &done(&[0, 1, 2])).as_deref(),
            Some("Matched rules at index 0")
        );
        assert_eq!(
            match_success_policy(&policy, 10, &done(&[0, 1, 5, 7])).as_deref(),
            Some("Matched rules at index 1")
        );
        assert_eq!(
            match_success_policy(&policy, 10, &done(&[5, 8])).as_deref(),
            Some("Matched rules at index 2")
        );
        assert_eq!(match_success_policy(&policy, 10, &done(&[0, 5])), None);
        assert_eq!(match_success_policy(&policy, 10, &done(&[])), None);
    }
}
