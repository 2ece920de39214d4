//! robfig/cron v3.0.1 `ParseStandard`, ported line by line: the TZ prefix,
//! descriptors, `@every`, and the five fields as bit sets. Every error text
//! is robfig's (and Go's `strconv`/`time` ones it wraps), since the API
//! server shows them verbatim.

use super::go_duration::parse_duration;
use super::go_quote::strconv_quote;
use super::tz::{load_location, Location};

/// Set when a field contained `*` or `?` (but not `*/N` with N > 1); it
/// switches day matching between AND and OR (see `SpecSchedule::day_matches`).
pub(crate) const STAR_BIT: u64 = 1 << 63;

/// What robfig returns: a field schedule or a constant delay.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Spec(SpecSchedule),
    /// `@every`: whole seconds between runs (at least 1).
    Every {
        delay_secs: i64,
    },
}

/// robfig's `SpecSchedule`: one bit per allowed value, plus `STAR_BIT`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpecSchedule {
    pub second: u64,
    pub minute: u64,
    pub hour: u64,
    pub dom: u64,
    pub month: u64,
    pub dow: u64,
    pub location: Location,
}

struct Bounds {
    min: u64,
    max: u64,
    names: &'static [(&'static str, u64)],
}

const SECONDS: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
// Day of week stops at 6: "7" is an error, not Sunday (fact 80).
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// The message Kubernetes' `ParseCronScheduleWithPanicRecovery` gives where
/// robfig itself panics: a `TZ=`/`CRON_TZ=` prefix with no space after it
/// slices `spec[eq+1:-1]`.
pub(crate) const TZ_WITHOUT_SPACE: &str =
    "invalid schedule format: runtime error: slice bounds out of range [:-1]";

/// `cron.ParseStandard(spec)`.
pub(crate) fn parse_standard(spec: &str) -> Result<Kind, String> {
    if spec.is_empty() {
        return Err("empty spec string".to_string());
    }
    let mut spec = spec;
    let mut loc = Location::Local;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // robfig: i := Index(spec, " "); eq := Index(spec, "="); spec[eq+1:i]
        let Some(i) = spec.find(' ') else {
            return Err(TZ_WITHOUT_SPACE.to_string());
        };
        let eq = spec.find('=').unwrap_or(0); // always inside the prefix
        let name = &spec[eq + 1..i];
        loc = load_location(name).map_err(|e| format!("provided bad location {name}: {e}"))?;
        spec = spec[i..].trim(); // Go's TrimSpace: Unicode White_Space, like str::trim
    }
    // Only the TZ path trims: " @daily" is a one-field spec, "@daily " unknown.
    if spec.starts_with('@') {
        return parse_descriptor(spec, loc);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    // ParseStandard has no seconds field; robfig fills in its default "0".
    Ok(Kind::Spec(SpecSchedule {
        second: get_field("0", &SECONDS)?,
        minute: get_field(fields[0], &MINUTES)?,
        hour: get_field(fields[1], &HOURS)?,
        dom: get_field(fields[2], &DOM)?,
        month: get_field(fields[3], &MONTHS)?,
        dow: get_field(fields[4], &DOW)?,
        location: loc,
    }))
}

fn parse_descriptor(descriptor: &str, loc: Location) -> Result<Kind, String> {
    let all = |r: &Bounds| get_bits(r.min, r.max, 1) | STAR_BIT;
    let first = |r: &Bounds| 1u64 << r.min;
    let spec = |minute, hour, dom, month, dow| {
        Ok(Kind::Spec(SpecSchedule {
            second: first(&SECONDS),
            minute,
            hour,
            dom,
            month,
            dow,
            location: loc,
        }))
    };
    let (min0, hour0) = (first(&MINUTES), first(&HOURS));
    match descriptor {
        "@yearly" | "@annually" => spec(min0, hour0, first(&DOM), first(&MONTHS), all(&DOW)),
        "@monthly" => spec(min0, hour0, first(&DOM), all(&MONTHS), all(&DOW)),
        "@weekly" => spec(min0, hour0, all(&DOM), all(&MONTHS), first(&DOW)),
        "@daily" | "@midnight" => spec(min0, hour0, all(&DOM), all(&MONTHS), all(&DOW)),
        "@hourly" => spec(min0, all(&HOURS), all(&DOM), all(&MONTHS), all(&DOW)),
        _ => match descriptor.strip_prefix("@every ") {
            Some(d) => {
                let nanos = parse_duration(d)
                    .map_err(|e| format!("failed to parse duration {descriptor}: {e}"))?;
                // robfig's Every(): below one second becomes one second (negative
                // durations included), and sub-second parts are dropped.
                Ok(Kind::Every {
                    delay_secs: (nanos / 1_000_000_000).max(1),
                })
            }
            None => Err(format!("unrecognized descriptor: {descriptor}")),
        },
    }
}

/// A comma-separated list of ranges; empty items are skipped (Go's
/// `FieldsFunc`), so "," alone yields no bits at all.
fn get_field(field: &str, r: &Bounds) -> Result<u64, String> {
    let mut bits = 0;
    for expr in field.split(',').filter(|e| !e.is_empty()) {
        bits |= get_range(expr, r)?;
    }
    Ok(bits)
}

/// `number | number "-" number [ "/" number ]`, with `*`/`?` and names.
fn get_range(expr: &str, r: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single_digit = low_and_high.len() == 1;

    let (start, mut end, mut extra);
    // Only the first piece is looked at: "*-5" is a plain star.
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (start, end, extra) = (r.min, r.max, STAR_BIT);
    } else {
        start = parse_int_or_name(low_and_high[0], r.names)?;
        end = match low_and_high.len() {
            1 => start,
            2 => parse_int_or_name(low_and_high[1], r.names)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }

    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = must_parse_int(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if single_digit {
                end = r.max;
            }
            // "*/2" is not a star any more (fact 84): it makes dom/dow "restricted".
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };

    if start < r.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            r.min
        ));
    }
    if end > r.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            r.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(get_bits(start, end, step) | extra)
}

fn parse_int_or_name(expr: &str, names: &[(&str, u64)]) -> Result<u64, String> {
    if !names.is_empty() {
        let lower = go_to_lower(expr);
        if let Some(&(_, v)) = names.iter().find(|(n, _)| *n == lower) {
            return Ok(v);
        }
    }
    must_parse_int(expr)
}

/// Go's `strings.ToLower`: rune by rune, so U+0130 'İ' becomes plain 'i'
/// (Rust's `to_lowercase` would add a combining dot and miss "FRİ").
fn go_to_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

fn must_parse_int(expr: &str) -> Result<u64, String> {
    let num = atoi(expr).map_err(|e| format!("failed to parse int from {expr}: {e}"))?;
    if num < 0 {
        return Err(format!("negative number ({num}) not allowed: {expr}"));
    }
    Ok(num as u64)
}

/// Go's `strconv.Atoi` on 64-bit: optional sign, ASCII digits only; a bad
/// byte is a syntax error unless the value overflowed before reaching it.
fn atoi(s: &str) -> Result<i64, String> {
    let fail = |why: &str| format!("strconv.Atoi: parsing {}: {why}", strconv_quote(s));
    let bytes = s.as_bytes();
    let (neg, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return Err(fail("invalid syntax"));
    }
    const CUTOFF: u64 = u64::MAX / 10 + 1;
    let mut n: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(fail("invalid syntax"));
        }
        if n >= CUTOFF {
            return Err(fail("value out of range"));
        }
        n = match (n * 10).checked_add(u64::from(c - b'0')) {
            Some(v) => v,
            None => return Err(fail("value out of range")),
        };
    }
    let limit = 1u64 << 63;
    if (!neg && n >= limit) || (neg && n > limit) {
        return Err(fail("value out of range"));
    }
    Ok(if neg {
        (n as i64).wrapping_neg()
    } else {
        n as i64
    })
}

/// Bits `min..=max` every `step`; callers have checked `min <= max <= 59`.
fn get_bits(min: u64, max: u64, step: u64) -> u64 {
    let mut bits = 0u64;
    let mut i = min;
    while i <= max {
        bits |= 1u64.checked_shl(i as u32).unwrap_or(0);
        i = match i.checked_add(step) {
            Some(v) => v,
            None => break,
        };
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_matches_go_errors() {
        assert_eq!(atoi("+5"), Ok(5));
        assert_eq!(atoi("-3"), Ok(-3));
        assert_eq!(
            atoi(""),
            Err("strconv.Atoi: parsing \"\": invalid syntax".into())
        );
        assert_eq!(
            atoi("-"),
            Err("strconv.Atoi: parsing \"-\": invalid syntax".into())
        );
        assert_eq!(
            atoi("99999999999999999999"),
            Err("strconv.Atoi: parsing \"99999999999999999999\": value out of range".into())
        );
        assert_eq!(
            atoi("9223372036854775808"),
            Err("strconv.Atoi: parsing \"9223372036854775808\": value out of range".into())
        );
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        // Overflow is noticed before the stray letter at the end.
        assert_eq!(
            atoi("99999999999999999999x"),
            Err("strconv.Atoi: parsing \"99999999999999999999x\": value out of range".into())
        );
        assert_eq!(
            atoi("1_000"),
            Err("strconv.Atoi: parsing \"1_000\": invalid syntax".into())
        );
    }

    #[test]
    fn get_bits_steps() {
        assert_eq!(get_bits(5, 59, 15), 1 << 5 | 1 << 20 | 1 << 35 | 1 << 50);
        assert_eq!(get_bits(0, 6, 1), 0x7f);
        assert_eq!(get_bits(0, 59, u64::MAX), 1);
    }
}
