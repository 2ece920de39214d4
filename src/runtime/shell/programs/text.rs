//! Text programs: `echo`, `printf`, `cut`, `grep`, `head`, `tail`, `wc`, `seq`, `sort`.

use super::{Ctx, Outcome, Output};
use crate::runtime::shell::regex::Regex;

/// The inputs named by `files` (standard input when none, or for `-`), and the errors
/// for those that cannot be read, as `prog: NAME: reason`.
fn read_inputs(prog: &str, files: &[String], ctx: &mut Ctx) -> (Vec<(String, String)>, String) {
    if files.is_empty() {
        return (
            vec![("(standard input)".into(), ctx.stdin.to_string())],
            String::new(),
        );
    }
    let mut out = Vec::new();
    let mut errs = String::new();
    for f in files {
        if f == "-" {
            out.push(("(standard input)".into(), ctx.stdin.to_string()));
            continue;
        }
        match ctx.sys.read_file(&ctx.abs(f)) {
            Ok(t) => out.push((f.clone(), t)),
            Err(e) => errs.push_str(&format!("{prog}: {f}: {}\n", e.text())),
        }
    }
    (out, errs)
}

/// Lines of a text, without their newlines (a last line without one still counts).
fn lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') || text.is_empty() {
        v.pop();
    }
    v
}

fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut cs = s.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match cs.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\x07'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut n = 0u32;
                for _ in 0..3 {
                    match cs.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            cs.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('\0'));
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

pub fn echo(args: &[String], _: &mut Ctx) -> Outcome {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&text);
        text = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    Output::ok(text).into()
}

pub fn printf(args: &[String], _: &mut Ctx) -> Outcome {
    let Some(format) = args.get(1) else {
        return Output::err("printf: usage: printf format [arguments]\n".into(), 2).into();
    };
    let (format, _) = unescape(format);
    let mut rest = args[2..].iter();
    let mut out = String::new();
    let mut status = 0;
    loop {
        let mut used = false;
        let mut cs = format.chars().peekable();
        while let Some(c) = cs.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            while let Some(&d) = cs.peek() {
                if d.is_ascii_digit() || d == '-' || d == '.' {
                    spec.push(d);
                    cs.next();
                } else {
                    break;
                }
            }
            let conv = cs.next().unwrap_or('%');
            if conv == '%' {
                out.push('%');
                continue;
            }
            used = true;
            let arg = rest.next().cloned().unwrap_or_default();
            let left = spec.starts_with('-');
            let width: usize = spec
                .trim_start_matches('-')
                .split('.')
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0);
            let text = match conv {
                'd' | 'i' => match arg.trim().parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) if arg.is_empty() => "0".into(),
                    Err(_) => {
                        status = 1;
                        "0".into()
                    }
                },
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'x' => arg
                    .trim()
                    .parse::<i64>()
                    .map(|n| format!("{n:x}"))
                    .unwrap_or_else(|_| "0".into()),
                _ => arg,
            };
            if left {
                out.push_str(&format!("{text:<width$}"));
            } else {
                out.push_str(&format!("{text:>width$}"));
            }
        }
        if !used || rest.len() == 0 {
            break;
        }
    }
    Output {
        stdout: out,
        stderr: String::new(),
        status,
    }
    .into()
}

/// `cut`'s LIST: 1-based inclusive ranges (`9`, `1-3`, `4-`, `-2`, `1,3`).
fn parse_list(list: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in list.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n: usize = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

fn selected(ranges: &[(usize, usize)], n: usize) -> bool {
    ranges.iter().any(|(a, b)| *a <= n && n <= *b)
}

pub fn cut(args: &[String], ctx: &mut Ctx) -> Outcome {
    let mut chars: Option<String> = None;
    let mut fields: Option<String> = None;
    let mut delim = '\t';
    let mut only_delimited = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let value = |flag: &str, i: &mut usize| -> Option<String> {
            if a.len() > flag.len() {
                Some(a[flag.len()..].to_string())
            } else {
                *i += 1;
                args.get(*i).cloned()
            }
        };
        if a.starts_with("-c") || a.starts_with("-b") {
            chars = value(&a[..2], &mut i);
        } else if a.starts_with("-f") {
            fields = value("-f", &mut i);
        } else if a.starts_with("-d") {
            let d = value("-d", &mut i).unwrap_or_default();
            let mut cs = d.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => delim = c,
                _ => return Output::err("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n".into(), 1).into(),
            }
        } else if a == "-s" {
            only_delimited = true;
        } else if a.starts_with('-') && a.len() > 1 {
            return Output::err(
                format!(
                    "cut: invalid option -- '{}'\nTry 'cut --help' for more information.\n",
                    a.chars().nth(1).unwrap_or('-')
                ),
                1,
            )
            .into();
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let (list, by_field) = match (chars, fields) {
        (Some(c), None) => (c, false),
        (None, Some(f)) => (f, true),
        (Some(_), Some(_)) => return Output::err("cut: only one type of list may be specified\nTry 'cut --help' for more information.\n".into(), 1).into(),
        (None, None) => {
            return Output::err("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n".into(), 1).into()
        }
    };
    let Some(ranges) = parse_list(&list) else {
        return Output::err(
            format!("cut: invalid field value '{list}'\nTry 'cut --help' for more information.\n"),
            1,
        )
        .into();
    };
    let (inputs, errs) = read_inputs("cut", &files, ctx);
    let mut out = String::new();
    for (_, text) in &inputs {
        for line in lines(text) {
            if by_field {
                if !line.contains(delim) {
                    if !only_delimited {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let picked: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| selected(&ranges, i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&picked.join(&delim.to_string()));
            } else {
                out.extend(
                    line.chars()
                        .enumerate()
                        .filter(|(i, _)| selected(&ranges, i + 1))
                        .map(|(_, c)| c),
                );
            }
            out.push('\n');
        }
    }
    Output {
        stdout: out,
        status: if errs.is_empty() { 0 } else { 1 },
        stderr: errs,
    }
    .into()
}

pub fn egrep(args: &[String], ctx: &mut Ctx) -> Outcome {
    grep_with(args, ctx, Some(true), false)
}

pub fn fgrep(args: &[String], ctx: &mut Ctx) -> Outcome {
    grep_with(args, ctx, None, true)
}

pub fn grep(args: &[String], ctx: &mut Ctx) -> Outcome {
    grep_with(args, ctx, None, false)
}

fn grep_with(args: &[String], ctx: &mut Ctx, extended: Option<bool>, fixed: bool) -> Outcome {
    let mut ext = extended.unwrap_or(false);
    let mut fixed = fixed;
    let (mut invert, mut quiet, mut icase, mut count, mut number, mut only, mut silent) =
        (false, false, false, false, false, false, false);
    let mut pattern: Option<String> = None;
    let mut files = Vec::new();
    let mut i = 1;
    let mut opts_done = false;
    while i < args.len() {
        let a = &args[i];
        if !opts_done && a == "--" {
            opts_done = true;
        } else if !opts_done && a == "-e" {
            i += 1;
            pattern = args.get(i).cloned();
        } else if !opts_done && a.len() > 1 && a.starts_with('-') {
            for c in a[1..].chars() {
                match c {
                    'E' => ext = true,
                    'F' => fixed = true,
                    'G' => ext = false,
                    'v' => invert = true,
                    'q' => quiet = true,
                    'i' => icase = true,
                    'c' => count = true,
                    'n' => number = true,
                    'o' => only = true,
                    's' => silent = true,
                    'h' | 'H' | 'w' | 'x' | 'l' => {}
                    other => {
                        return Output::err(format!("grep: invalid option -- '{other}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"), 2)
                            .into()
                    }
                }
            }
        } else if pattern.is_none() {
            pattern = Some(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(pattern) = pattern else {
        return Output::err(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
                .into(),
            2,
        )
        .into();
    };
    let re_src = if fixed {
        pattern
            .chars()
            .map(|c| {
                if "\\.[]*^$()|+?{}".contains(c) {
                    format!("\\{c}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        pattern.clone()
    };
    let re = match Regex::new(&re_src, ext || fixed, icase) {
        Ok(r) => r,
        Err(e) => return Output::err(format!("grep: {e}\n"), 2).into(),
    };
    let (inputs, mut errs) = read_inputs("grep", &files, ctx);
    if silent {
        errs.clear();
    }
    let many = files.len() > 1;
    let mut out = String::new();
    let mut any = false;
    for (name, text) in &inputs {
        let mut n_selected = 0;
        for (ln, line) in lines(text).into_iter().enumerate() {
            let hit = re.find(line);
            if hit.is_some() == invert {
                continue;
            }
            any = true;
            n_selected += 1;
            if quiet || count {
                continue;
            }
            if many {
                out.push_str(&format!("{name}:"));
            }
            if number {
                out.push_str(&format!("{}:", ln + 1));
            }
            match (only, hit) {
                (true, Some((a, b))) => {
                    out.push_str(&line.chars().skip(a).take(b - a).collect::<String>())
                }
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        if count && !quiet {
            if many {
                out.push_str(&format!("{name}:"));
            }
            out.push_str(&format!("{n_selected}\n"));
        }
    }
    let status = if quiet && any {
        0
    } else if !errs.is_empty() {
        2
    } else if any {
        0
    } else {
        1
    };
    Output {
        stdout: out,
        stderr: errs,
        status,
    }
    .into()
}

/// `-n N`, `-nN`, `-N` (and `+N` for tail): the count, the rest of the arguments.
fn count_arg(args: &[String], default: i64) -> Result<(i64, bool, bool, Vec<String>), String> {
    let mut n = default;
    let mut from_start = false;
    let mut follow = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let val = if a == "-n" {
            i += 1;
            Some(args.get(i).cloned().unwrap_or_default())
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a == "-f" || a == "-F" {
            follow = true;
            None
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!(
                "invalid option -- '{}'",
                a.chars().nth(1).unwrap_or('-')
            ));
        } else {
            files.push(a.clone());
            None
        };
        if let Some(v) = val {
            if let Some(p) = v.strip_prefix('+') {
                from_start = true;
                n = p
                    .parse()
                    .map_err(|_| format!("invalid number of lines: '{v}'"))?;
            } else {
                n = v
                    .parse()
                    .map_err(|_| format!("invalid number of lines: '{v}'"))?;
            }
        }
        i += 1;
    }
    Ok((n, from_start, follow, files))
}

pub fn head(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (n, _, _, files) = match count_arg(args, 10) {
        Ok(v) => v,
        Err(e) => return Output::err(format!("head: {e}\n"), 1).into(),
    };
    let (inputs, errs) = read_inputs("head", &files, ctx);
    let mut out = String::new();
    for (_, text) in &inputs {
        let ls = lines(text);
        let take = if n < 0 {
            ls.len().saturating_sub(n.unsigned_abs() as usize)
        } else {
            n as usize
        };
        for l in ls.into_iter().take(take) {
            out.push_str(l);
            out.push('\n');
        }
    }
    Output {
        stdout: out,
        status: i32::from(!errs.is_empty()),
        stderr: errs,
    }
    .into()
}

pub fn tail(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (n, from_start, follow, files) = match count_arg(args, 10) {
        Ok(v) => v,
        Err(e) => return Output::err(format!("tail: {e}\n"), 1).into(),
    };
    if follow {
        // `tail -f` never ends on its own (`tail -f /dev/null` keeps containers alive).
        return Outcome::Block { duration: None };
    }
    let (inputs, errs) = read_inputs("tail", &files, ctx);
    let mut out = String::new();
    for (_, text) in &inputs {
        let ls = lines(text);
        let skip = if from_start {
            (n.max(1) - 1) as usize
        } else {
            ls.len().saturating_sub(n.max(0) as usize)
        };
        for l in ls.into_iter().skip(skip) {
            out.push_str(l);
            out.push('\n');
        }
    }
    Output {
        stdout: out,
        status: i32::from(!errs.is_empty()),
        stderr: errs,
    }
    .into()
}

pub fn wc(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (mut l, mut w, mut c) = (false, false, false);
    let mut files = Vec::new();
    for a in &args[1..] {
        if a.len() > 1 && a.starts_with('-') {
            for ch in a[1..].chars() {
                match ch {
                    'l' => l = true,
                    'w' => w = true,
                    'c' | 'm' => c = true,
                    other => return Output::err(format!("wc: invalid option -- '{other}'\nTry 'wc --help' for more information.\n"), 1).into(),
                }
            }
        } else {
            files.push(a.clone());
        }
    }
    if !(l || w || c) {
        (l, w, c) = (true, true, true);
    }
    let (inputs, errs) = read_inputs("wc", &files, ctx);
    let counts: Vec<(Vec<usize>, String)> = inputs
        .iter()
        .map(|(name, t)| {
            let mut v = Vec::new();
            if l {
                v.push(t.matches('\n').count());
            }
            if w {
                v.push(t.split_whitespace().count());
            }
            if c {
                v.push(t.len());
            }
            (v, name.clone())
        })
        .collect();
    let mut rows = counts.clone();
    if files.len() > 1 {
        let n = rows.first().map_or(0, |r| r.0.len());
        let total: Vec<usize> = (0..n).map(|i| rows.iter().map(|r| r.0[i]).sum()).collect();
        rows.push((total, "total".into()));
    }
    let single = rows.first().is_some_and(|r| r.0.len() == 1) && rows.len() == 1;
    let width = if files.is_empty() && !single {
        7
    } else {
        rows.iter()
            .flat_map(|r| r.0.iter())
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
    };
    let mut out = String::new();
    for (vals, name) in rows {
        let nums: Vec<String> = vals
            .iter()
            .map(|n| {
                if single && files.is_empty() {
                    n.to_string()
                } else {
                    format!("{n:>width$}")
                }
            })
            .collect();
        out.push_str(&nums.join(" "));
        if !files.is_empty() {
            out.push(' ');
            out.push_str(&name);
        }
        out.push('\n');
    }
    Output {
        stdout: out,
        status: i32::from(!errs.is_empty()),
        stderr: errs,
    }
    .into()
}

pub fn seq(args: &[String], _: &mut Ctx) -> Outcome {
    let nums: Result<Vec<i64>, _> = args[1..].iter().map(|a| a.parse::<i64>()).collect();
    let Ok(nums) = nums else {
        let bad = args[1..]
            .iter()
            .find(|a| a.parse::<i64>().is_err())
            .cloned()
            .unwrap_or_default();
        return Output::err(format!("seq: invalid floating point argument: '{bad}'\nTry 'seq --help' for more information.\n"), 1).into();
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        _ => {
            return Output::err(
                "seq: missing operand\nTry 'seq --help' for more information.\n".into(),
                1,
            )
            .into()
        }
    };
    if step == 0 {
        return Output::err(
            "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n"
                .into(),
            1,
        )
        .into();
    }
    let mut out = String::new();
    let mut x = first;
    let mut n = 0;
    while (step > 0 && x <= last) || (step < 0 && x >= last) {
        out.push_str(&format!("{x}\n"));
        x += step;
        n += 1;
        if n > 1_000_000 {
            break;
        }
    }
    Output::ok(out).into()
}

pub fn sort(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (mut reverse, mut numeric, mut unique) = (false, false, false);
    let mut files = Vec::new();
    for a in &args[1..] {
        if a.len() > 1 && a.starts_with('-') {
            for ch in a[1..].chars() {
                match ch {
                    'r' => reverse = true,
                    'n' => numeric = true,
                    'u' => unique = true,
                    _ => {}
                }
            }
        } else {
            files.push(a.clone());
        }
    }
    let (inputs, errs) = read_inputs("sort", &files, ctx);
    let mut all: Vec<String> = inputs
        .iter()
        .flat_map(|(_, t)| lines(t).into_iter().map(str::to_string))
        .collect();
    let key = |s: &str| s.trim().parse::<f64>().unwrap_or(0.0);
    if numeric {
        all.sort_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.cmp(b))
        });
    } else {
        all.sort();
    }
    if unique {
        all.dedup();
    }
    if reverse {
        all.reverse();
    }
    let mut out = String::new();
    for l in all {
        out.push_str(&l);
        out.push('\n');
    }
    Output {
        stdout: out,
        status: if errs.is_empty() { 0 } else { 2 },
        stderr: errs,
    }
    .into()
}
