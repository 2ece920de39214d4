//! Property tests (issue 10): the duration, quantity and label-selector parsers and the AGE
//! formatter never panic, and round-trip where a canonical form exists.

use klab::api::quantity;
use klab::api::selector::Selector;
use klab::print::human_duration;
use klab::sim::{parse_duration, SimDuration};
use proptest::prelude::*;
use std::collections::BTreeMap;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn duration_parser_never_panics(s in "\\PC{0,40}") {
        let _ = parse_duration(&s);
    }

    #[test]
    fn duration_parser_never_panics_on_duration_like_text(s in "-?[0-9.]{0,25}(ms|s|m|h|d|y)?([0-9.]{0,25}(ms|s|m|h|d))*") {
        let _ = parse_duration(&s);
    }

    #[test]
    fn durations_round_trip_through_their_message_form(ms in 0i64..10_000_000_000_000) {
        let d = SimDuration(ms);
        prop_assert_eq!(parse_duration(&d.to_string()), Ok(d));
    }

    #[test]
    fn whole_seconds_parse_as_seconds(secs in 0i64..1_000_000_000) {
        prop_assert_eq!(parse_duration(&secs.to_string()), Ok(SimDuration::from_secs(secs)));
        prop_assert_eq!(parse_duration(&format!("{secs}s")), Ok(SimDuration::from_secs(secs)));
    }

    #[test]
    fn quantity_parser_never_panics(s in "\\PC{0,40}") {
        let _ = quantity::parse(&s);
        let _ = quantity::canonical_str(&s);
    }

    #[test]
    fn quantity_parser_never_panics_on_quantity_like_text(s in "[+-]?[0-9.]{0,40}([eE][+-]?[0-9]{0,6}|[numkKMGTPE]i?)?") {
        if let Ok(q) = quantity::parse(&s) {
            let _ = quantity::canonical(q);
        }
    }

    #[test]
    fn canonical_quantities_parse_back_to_the_same_value(milli in -1_000_000_000_000_000i128..1_000_000_000_000_000, binary: bool) {
        let q = quantity::Qty { milli, binary };
        let text = quantity::canonical(q);
        let back = quantity::parse(&text).unwrap();
        prop_assert_eq!(back.milli, milli, "{}", text);
        // Canonical form is a fixpoint (fact 78).
        prop_assert_eq!(quantity::canonical_str(&text), text);
    }

    #[test]
    fn whole_binary_quantities_round_trip(n in 1i64..1_000_000, suffix in prop::sample::select(vec!["Ki", "Mi", "Gi", "Ti"])) {
        let text = format!("{n}{suffix}");
        let q = quantity::parse(&text).unwrap();
        prop_assert_eq!(quantity::parse(&quantity::canonical(q)).unwrap().milli, q.milli);
    }

    #[test]
    fn selector_parser_never_panics(s in "\\PC{0,60}") {
        let _ = Selector::parse(&s);
    }

    #[test]
    fn selector_parser_never_panics_on_selector_like_text(s in "([a-z!]{0,5}(=|==|!=| in | notin )?\\(?[a-z,]{0,8}\\)?,?){0,5}") {
        let _ = Selector::parse(&s);
    }

    #[test]
    fn selectors_round_trip_and_match_as_written(
        reqs in prop::collection::vec(("[a-z]{1,5}", 0u8..4, "[a-z0-9]{1,5}"), 1..5),
        labels in prop::collection::btree_map("[a-z]{1,5}", "[a-z0-9]{1,5}", 0..6),
    ) {
        // `in` and `notin` are operators, not keys, in the selector grammar.
        prop_assume!(reqs.iter().all(|(k, _, v)| !["in", "notin"].contains(&k.as_str()) && !["in", "notin"].contains(&v.as_str())));
        let text: Vec<String> = reqs.iter().map(|(k, op, v)| match op {
            0 => format!("{k}={v}"),
            1 => format!("{k}!={v}"),
            2 => k.clone(),
            _ => format!("!{k}"),
        }).collect();
        let text = text.join(",");
        let sel = Selector::parse(&text).unwrap();
        let again = Selector::parse(&sel.to_string()).unwrap();
        prop_assert_eq!(again.to_string(), sel.to_string());
        let expected = reqs.iter().all(|(k, op, v)| match op {
            0 => labels.get(k) == Some(v),
            1 => labels.get(k) != Some(v),
            2 => labels.contains_key(k),
            _ => !labels.contains_key(k),
        });
        let labels: BTreeMap<String, String> = labels;
        prop_assert_eq!(sel.matches(&labels), expected, "{}", text);
    }

    #[test]
    fn age_formatter_never_panics(ms: i64) {
        let text = human_duration(SimDuration(ms));
        prop_assert!(!text.is_empty());
    }

    #[test]
    fn age_is_a_truncation_of_the_duration(secs in 0i64..2 * 365 * 86_400) {
        // Under two years AGE uses only s/m/h/d, which parse_duration reads back: the
        // shown value never exceeds the real one and drops at most a ninth of it
        // (apimachinery drops the smaller unit from 8h and from 8d on: 8h59m shows `8h`).
        let d = SimDuration::from_secs(secs);
        let text = human_duration(d);
        let shown = parse_duration(&text).unwrap();
        prop_assert!(shown <= d, "{} > {}", text, secs);
        prop_assert!((d.0 - shown.0) * 9 <= d.0 + 10_000, "{} for {}s", text, secs);
    }

    #[test]
    fn age_under_two_minutes_is_in_seconds(secs in 0i64..120) {
        prop_assert_eq!(human_duration(SimDuration::from_secs(secs)), format!("{secs}s"));
    }
}
