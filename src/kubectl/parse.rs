//! Command lines in: shell-style tokenising (quotes, backslashes), then pflag-style flag
//! parsing against the flags a verb declares. Errors are worded as kubectl/cobra/pflag word
//! them (`unknown flag: --foo`, `flag needs an argument: 'n' in -n`, …).

use std::collections::BTreeMap;

/// Splits a command line the way a POSIX shell would for simple words: whitespace separates
/// words; single quotes keep everything literally; double quotes keep everything except
/// `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes the next character.
pub fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(
                                "error: unterminated single quote in the command line".into()
                            )
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => cur.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                cur.push('\\');
                                cur.push(other);
                            }
                            None => {
                                return Err(
                                    "error: unterminated double quote in the command line".into()
                                )
                            }
                        },
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(
                                "error: unterminated double quote in the command line".into()
                            )
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(ch) => cur.push(ch),
                    None => cur.push('\\'),
                }
            }
            ch => {
                in_word = true;
                cur.push(ch);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// How a flag takes its value (pflag's types, as far as klab's verbs use them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    Str,
    Int,
    /// `time.Duration` syntax (`30s`, `1m30s`).
    Duration,
    /// Repeatable; each use may also hold a comma-separated list (`-f a.yaml,b.yaml`).
    StrSlice,
    /// Repeatable, no comma splitting.
    StrArray,
}

#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
    /// Value used when a non-bool flag is given without `=value` (pflag's NoOptDefVal),
    /// e.g. `--cascade` alone means `background`.
    pub no_opt_default: Option<&'static str>,
}

pub const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagSpec {
    FlagSpec {
        long,
        short,
        kind,
        no_opt_default: None,
    }
}

/// Flags every kubectl command accepts (persistent on the root command).
pub const GLOBAL_FLAGS: &[FlagSpec] = &[flag("namespace", Some('n'), FlagKind::Str)];

/// The result of flag parsing: positional arguments, flag values by long name (in the order
/// given), and what followed a bare `--`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub args: Vec<String>,
    pub flags: BTreeMap<&'static str, Vec<String>>,
    /// Words after `--` (`exec POD -- CMD…`); `None` when there was no `--`.
    pub dash: Option<Vec<String>>,
}

impl Parsed {
    pub fn has(&self, name: &str) -> bool {
        self.flags.contains_key(name)
    }
    /// The last value given for a flag.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .get(name)
            .and_then(|v| v.last())
            .map(|s| s.as_str())
    }
    pub fn values(&self, name: &str) -> Vec<String> {
        self.flags.get(name).cloned().unwrap_or_default()
    }
    pub fn bool(&self, name: &str) -> bool {
        self.value(name).is_some_and(|v| v == "true")
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.value(name).and_then(|v| parse_go_int(v).ok())
    }
}

/// A flag-parsing failure; `Display` is pflag's message (kubectl adds `error: ` and the
/// `See '… --help' for usage.` line).
#[derive(Clone, Debug, PartialEq)]
pub struct FlagError(pub String);

/// `strconv.ParseInt(s, 0, 64)` as pflag's int flags call it (base prefixes allowed).
pub fn parse_go_int(s: &str) -> Result<i64, String> {
    let bad = || format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(s));
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let body = body.replace('_', "");
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h.to_string())
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, b.to_string())
        } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, o.to_string())
        } else if body.len() > 1 && body.starts_with('0') {
            (8, body[1..].to_string())
        } else {
            (10, body.clone())
        };
    if digits.is_empty() {
        return Err(bad());
    }
    let v = i64::from_str_radix(&digits, radix).map_err(|e| {
        if matches!(
            e.kind(),
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
        ) {
            format!(
                "strconv.ParseInt: parsing {}: value out of range",
                go_quote(s)
            )
        } else {
            bad()
        }
    })?;
    Ok(if neg { -v } else { v })
}

/// `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            go_quote(s)
        )),
    }
}

/// `time.ParseDuration`, in milliseconds (klab's clock resolution; finer units round down).
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let bad = || format!("time: invalid duration {}", go_quote(orig));
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total_ns: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." {
            return Err(bad());
        }
        let value: f64 = num.parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", go_quote(orig)));
        }
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(orig)
                ))
            }
        };
        total_ns += value * scale;
        rest = &rest[unit_end..];
    }
    if total_ns > i64::MAX as f64 {
        return Err(bad());
    }
    let ms = (total_ns / 1e6).floor() as i64;
    Ok(if neg { -ms } else { ms })
}

/// Go's `%q` for the plain strings kubectl quotes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn find<'a>(specs: &'a [&'a [FlagSpec]], pred: impl Fn(&FlagSpec) -> bool) -> Option<&'a FlagSpec> {
    specs.iter().flat_map(|s| s.iter()).find(|f| pred(f))
}

fn flag_display(spec: &FlagSpec) -> String {
    match spec.short {
        Some(c) => format!("-{c}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn check_value(spec: &FlagSpec, value: &str) -> Result<(), FlagError> {
    let err = match spec.kind {
        FlagKind::Bool => parse_go_bool(value).err(),
        FlagKind::Int => parse_go_int(value).err(),
        FlagKind::Duration => parse_go_duration(value).err(),
        _ => None,
    };
    match err {
        Some(e) => Err(FlagError(format!(
            "invalid argument {} for {} flag: {e}",
            go_quote(value),
            go_quote(&flag_display(spec))
        ))),
        None => Ok(()),
    }
}

fn store(out: &mut Parsed, spec: &FlagSpec, value: String) {
    let entry = out.flags.entry(spec.long).or_default();
    match spec.kind {
        FlagKind::StrSlice => entry.extend(value.split(',').map(|s| s.to_string())),
        FlagKind::StrArray => entry.push(value),
        FlagKind::Bool => {
            let v = parse_go_bool(&value).unwrap_or(false);
            *entry = vec![v.to_string()];
        }
        _ => *entry = vec![value],
    }
}

/// Parses words (after the verb) against the verb's flags plus the global ones, pflag-style:
/// `--name=value`, `--name value`, `-n value`, `-nvalue`, `-n=value`, grouped bool
/// shorthands (`-it`), `--` ending flag parsing; flags and arguments may interleave.
pub fn parse_flags(words: &[String], specs: &[&[FlagSpec]]) -> Result<Parsed, FlagError> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            out.dash = Some(words[i..].to_vec());
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = find(specs, |f| f.long == name)
                .ok_or_else(|| FlagError(format!("unknown flag: --{name}")))?;
            let value = match (inline, spec.kind) {
                (Some(v), _) => v,
                (None, FlagKind::Bool) => "true".into(),
                (None, _) if spec.no_opt_default.is_some() => {
                    spec.no_opt_default.unwrap_or_default().to_string()
                }
                (None, _) => {
                    if i < words.len() {
                        i += 1;
                        words[i - 1].clone()
                    } else {
                        return Err(FlagError(format!("flag needs an argument: --{name}")));
                    }
                }
            };
            check_value(spec, &value)?;
            store(&mut out, spec, value);
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            let shorts: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let spec = find(specs, |f| f.short == Some(c))
                    .ok_or_else(|| FlagError(format!("unknown shorthand flag: '{c}' in {w}")))?;
                let rest: String = shorts[j + 1..].iter().collect();
                if spec.kind == FlagKind::Bool {
                    if let Some(v) = rest.strip_prefix('=') {
                        check_value(spec, v)?;
                        store(&mut out, spec, v.to_string());
                        break;
                    }
                    store(&mut out, spec, "true".into());
                    j += 1;
                    continue;
                }
                let value = if let Some(v) = rest.strip_prefix('=') {
                    v.to_string()
                } else if !rest.is_empty() {
                    rest
                } else if let Some(d) = spec.no_opt_default {
                    d.to_string()
                } else if i < words.len() {
                    i += 1;
                    words[i - 1].clone()
                } else {
                    return Err(FlagError(format!("flag needs an argument: '{c}' in -{c}")));
                };
                check_value(spec, &value)?;
                store(&mut out, spec, value);
                break;
            }
            continue;
        }
        out.args.push(w.clone());
    }
    Ok(out)
}

/// Strips a leading `kubectl`/`k`, then pulls global flags given before the verb
/// (`kubectl -n kube-system get pods`). Returns the words from the verb on, and the global
/// flag words that preceded it (to be parsed with the verb's flags).
pub fn split_leading_globals(words: &[String]) -> Result<(Vec<String>, Vec<String>), FlagError> {
    let mut rest: &[String] = words;
    if let Some(first) = rest.first() {
        if first == "kubectl" || first == "k" {
            rest = &rest[1..];
        }
    }
    let mut globals = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        if !w.starts_with('-') || w == "-" || w == "--" {
            break;
        }
        let takes_next = match w.as_str() {
            "-n" | "--namespace" => true,
            w if w.starts_with("--namespace=") || w.starts_with("-n") => false,
            w if w.starts_with("--") => {
                let name = w[2..].split('=').next().unwrap_or("");
                return Err(FlagError(format!("unknown flag: --{name}")));
            }
            w => {
                let c = w.chars().nth(1).unwrap_or('-');
                return Err(FlagError(format!("unknown shorthand flag: '{c}' in {w}")));
            }
        };
        globals.push(w.clone());
        if takes_next {
            match rest.get(i + 1) {
                Some(v) => globals.push(v.clone()),
                None => {
                    return Err(FlagError(if w == "-n" {
                        "flag needs an argument: 'n' in -n".into()
                    } else {
                        "flag needs an argument: --namespace".into()
                    }))
                }
            }
            i += 1;
        }
        i += 1;
    }
    Ok((rest[i..].to_vec(), globals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s).unwrap()
    }

    const SPECS: &[FlagSpec] = &[
        flag("output", Some('o'), FlagKind::Str),
        flag("watch", Some('w'), FlagKind::Bool),
        flag("all-namespaces", Some('A'), FlagKind::Bool),
        flag("selector", Some('l'), FlagKind::Str),
        flag("replicas", None, FlagKind::Int),
        flag("filename", Some('f'), FlagKind::StrSlice),
        flag("timeout", None, FlagKind::Duration),
        FlagSpec {
            long: "cascade",
            short: None,
            kind: FlagKind::Str,
            no_opt_default: Some("background"),
        },
    ];

    fn parse(s: &str) -> Result<Parsed, FlagError> {
        parse_flags(&words(s), &[SPECS, GLOBAL_FLAGS])
    }

    #[test]
    fn shell_quoting_keeps_spaces_and_removes_quotes() {
        assert_eq!(
            words(r#"exec web -- sh -c "echo hi > /tmp/x""#),
            ["exec", "web", "--", "sh", "-c", "echo hi > /tmp/x"]
        );
        assert_eq!(words(r"a 'b c' d\ e"), ["a", "b c", "d e"]);
        assert_eq!(words(r#""a\"b" 'it''s'"#), ["a\"b", "its"]);
        assert_eq!(words(r#""\$HOME \n""#), ["$HOME \\n"]);
        assert_eq!(words("  get   pods  "), ["get", "pods"]);
        assert_eq!(
            words(r#"-p '{"spec":{"replicas":3}}'"#),
            ["-p", r#"{"spec":{"replicas":3}}"#]
        );
        assert_eq!(words("''"), [""]);
        assert!(tokenize("echo 'open").is_err());
        assert!(tokenize("echo \"open").is_err());
    }

    #[test]
    fn long_flags_take_values_with_equals_or_as_the_next_word() {
        let p = parse("pods --output=wide -l app=web --replicas 3").unwrap();
        assert_eq!(p.args, ["pods"]);
        assert_eq!(p.value("output"), Some("wide"));
        assert_eq!(p.value("selector"), Some("app=web"));
        assert_eq!(p.int("replicas"), Some(3));
    }

    #[test]
    fn short_flags_accept_attached_equals_and_grouped_forms() {
        assert_eq!(parse("-o=wide").unwrap().value("output"), Some("wide"));
        assert_eq!(parse("-owide").unwrap().value("output"), Some("wide"));
        assert_eq!(parse("-o wide").unwrap().value("output"), Some("wide"));
        let p = parse("-wA -nkube-system").unwrap();
        assert!(p.bool("watch") && p.bool("all-namespaces"));
        assert_eq!(p.value("namespace"), Some("kube-system"));
        let p = parse("-Ao yaml").unwrap();
        assert!(p.bool("all-namespaces"));
        assert_eq!(p.value("output"), Some("yaml"));
        assert!(!parse("--watch=false").unwrap().bool("watch"));
    }

    #[test]
    fn slices_split_on_commas_and_repeat() {
        let p = parse("-f a.yaml,b.yaml -f c.yaml").unwrap();
        assert_eq!(p.values("filename"), ["a.yaml", "b.yaml", "c.yaml"]);
        assert_eq!(parse("-f -").unwrap().values("filename"), ["-"]);
    }

    #[test]
    fn double_dash_ends_flag_parsing() {
        let p = parse("web -- ls -l /").unwrap();
        assert_eq!(p.args, ["web"]);
        assert_eq!(p.dash.unwrap(), ["ls", "-l", "/"]);
    }

    #[test]
    fn no_opt_default_applies_without_a_value() {
        assert_eq!(
            parse("--cascade").unwrap().value("cascade"),
            Some("background")
        );
        assert_eq!(
            parse("--cascade=orphan").unwrap().value("cascade"),
            Some("orphan")
        );
    }

    #[test]
    fn flag_errors_match_pflag() {
        assert_eq!(parse("--foo").unwrap_err().0, "unknown flag: --foo");
        assert_eq!(
            parse("-x").unwrap_err().0,
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse("-wx").unwrap_err().0,
            "unknown shorthand flag: 'x' in -wx"
        );
        assert_eq!(
            parse("-l").unwrap_err().0,
            "flag needs an argument: 'l' in -l"
        );
        assert_eq!(
            parse("--selector").unwrap_err().0,
            "flag needs an argument: --selector"
        );
        assert_eq!(
            parse("--replicas=abc").unwrap_err().0,
            r#"invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax"#
        );
        assert_eq!(
            parse("--watch=maybe").unwrap_err().0,
            r#"invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax"#
        );
        assert_eq!(
            parse("--timeout=5").unwrap_err().0,
            r#"invalid argument "5" for "--timeout" flag: time: missing unit in duration "5""#
        );
        assert_eq!(
            parse("--timeout=abc").unwrap_err().0,
            r#"invalid argument "abc" for "--timeout" flag: time: invalid duration "abc""#
        );
    }

    #[test]
    fn go_durations_parse_to_milliseconds() {
        assert_eq!(parse_go_duration("30s"), Ok(30_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("250ms"), Ok(250));
        assert!(parse_go_duration("1d").is_err());
    }

    #[test]
    fn leading_kubectl_and_global_flags_are_split_off() {
        let (rest, globals) =
            split_leading_globals(&words("kubectl -n kube-system get pods")).unwrap();
        assert_eq!(rest, ["get", "pods"]);
        assert_eq!(globals, ["-n", "kube-system"]);
        let (rest, _) = split_leading_globals(&words("k get po")).unwrap();
        assert_eq!(rest, ["get", "po"]);
        assert_eq!(
            split_leading_globals(&words("kubectl -n")).unwrap_err().0,
            "flag needs an argument: 'n' in -n"
        );
    }
}
