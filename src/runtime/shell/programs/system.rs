//! Programs about the process and its surroundings: `sleep`, `date`, `hostname`, `env`,
//! `printenv`, `ps`, `pgrep`, `uname`.

use super::{Ctx, Outcome, Output};
use crate::runtime::shell::regex::Regex;
use crate::runtime::shell::sys::ProcInfo;
use crate::runtime::shell::vars::Vars;
use crate::sim::SimDuration;
use chrono::{Datelike, Timelike};
use rand::Rng;

/// One `sleep` operand: seconds with an optional unit (`30`, `1.5`, `2m`, `1h`, `1d`),
/// `None` for `infinity`; `Err` if it is not a time interval.
pub fn parse_interval(arg: &str) -> Result<Option<SimDuration>, ()> {
    if matches!(arg, "inf" | "infinity") {
        return Ok(None);
    }
    let (number, unit) = match arg.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&arg[..i], &arg[i..]),
        None => (arg, "s"),
    };
    let n: f64 = number.parse().map_err(|_| ())?;
    let scale = match unit {
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return Err(()),
    };
    let ms = n * scale;
    if !(ms.is_finite() && (0.0..1e15).contains(&ms)) {
        return Err(());
    }
    Ok(Some(SimDuration::from_millis(ms as i64)))
}

pub fn sleep(args: &[String], _: &mut Ctx) -> Outcome {
    if args.len() < 2 {
        return Output::err(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n".into(),
            1,
        )
        .into();
    }
    let mut total = SimDuration::ZERO;
    for a in &args[1..] {
        match parse_interval(a) {
            Ok(Some(d)) => total = total + d,
            Ok(None) => return Outcome::Block { duration: None },
            Err(()) => {
                return Output::err(format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"), 1).into()
            }
        }
    }
    Outcome::Block {
        duration: Some(total),
    }
}

/// `strftime` as GNU `date` does it, in UTC. `%N` is the nanoseconds: the simulated clock's
/// milliseconds plus a sub-millisecond part drawn from the shell's seeded random stream
/// (klab's clock has millisecond resolution).
pub fn strftime(format: &str, ctx: &mut Ctx) -> String {
    let now = ctx.sys.now();
    let t = now.to_chrono();
    let mut out = String::new();
    let mut cs = format.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Flags and width (`%-d`, `%3N`).
        let mut pad_none = false;
        let mut width: Option<usize> = None;
        while let Some(&f) = cs.peek() {
            if f == '-' {
                pad_none = true;
                cs.next();
            } else if f.is_ascii_digit() {
                width = Some(width.unwrap_or(0) * 10 + f.to_digit(10).unwrap_or(0) as usize);
                cs.next();
            } else {
                break;
            }
        }
        let Some(spec) = cs.next() else {
            out.push('%');
            break;
        };
        let num = |n: u32, w: usize| {
            if pad_none {
                n.to_string()
            } else {
                format!("{n:0w$}")
            }
        };
        match spec {
            'Y' => out.push_str(&t.year().to_string()),
            'y' => out.push_str(&num((t.year() % 100) as u32, 2)),
            'C' => out.push_str(&num((t.year() / 100) as u32, 2)),
            'm' => out.push_str(&num(t.month(), 2)),
            'd' => out.push_str(&num(t.day(), 2)),
            'e' => out.push_str(&if pad_none {
                t.day().to_string()
            } else {
                format!("{:>2}", t.day())
            }),
            'H' => out.push_str(&num(t.hour(), 2)),
            'I' => out.push_str(&num(if t.hour12().1 == 0 { 12 } else { t.hour12().1 }, 2)),
            'M' => out.push_str(&num(t.minute(), 2)),
            'S' => out.push_str(&num(t.second(), 2)),
            'j' => out.push_str(&num(t.ordinal(), 3)),
            'p' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(&t.format("%a").to_string()),
            'A' => out.push_str(&t.format("%A").to_string()),
            'b' | 'h' => out.push_str(&t.format("%b").to_string()),
            'B' => out.push_str(&t.format("%B").to_string()),
            'u' => out.push_str(&t.weekday().number_from_monday().to_string()),
            'w' => out.push_str(&t.weekday().num_days_from_sunday().to_string()),
            's' => out.push_str(&now.secs().to_string()),
            'N' => {
                let ns = (now.0.rem_euclid(1000) as u64) * 1_000_000
                    + ctx.rng.gen_range(0..1_000_000u64);
                let digits = format!("{ns:09}");
                out.push_str(&digits[..width.unwrap_or(9).clamp(1, 9)]);
            }
            'Z' => out.push_str("UTC"),
            'z' => out.push_str("+0000"),
            'T' => out.push_str(&t.format("%H:%M:%S").to_string()),
            'D' => out.push_str(&t.format("%m/%d/%y").to_string()),
            'F' => out.push_str(&t.format("%Y-%m-%d").to_string()),
            'R' => out.push_str(&t.format("%H:%M").to_string()),
            'c' => out.push_str(&t.format("%a %b %e %H:%M:%S %Y").to_string()),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '%' => out.push('%'),
            other => {
                out.push('%');
                out.push(other);
            }
        }
    }
    out
}

pub fn date(args: &[String], ctx: &mut Ctx) -> Outcome {
    let mut format: Option<String> = None;
    for a in &args[1..] {
        if let Some(f) = a.strip_prefix('+') {
            if format.is_some() {
                return Output::err(
                    format!("date: extra operand '{a}'\nTry 'date --help' for more information.\n"),
                    1,
                )
                .into();
            }
            format = Some(f.to_string());
        } else if a == "-u" || a == "--utc" || a == "--universal" {
        } else if a == "-R" || a == "--rfc-email" {
            format = Some("%a, %d %b %Y %H:%M:%S %z".into());
        } else if a == "-I" || a == "--iso-8601" {
            format = Some("%Y-%m-%d".into());
        } else {
            return Output::err(format!("date: invalid date '{a}'\n"), 1).into();
        }
    }
    let format = format.unwrap_or_else(|| "%a %b %e %H:%M:%S %Z %Y".into());
    Output::ok(format!("{}\n", strftime(&format, ctx))).into()
}

pub fn hostname(args: &[String], ctx: &mut Ctx) -> Outcome {
    if args.len() > 1 {
        return Output::err(
            "hostname: you must be root to change the host name\n".into(),
            1,
        )
        .into();
    }
    Output::ok(format!("{}\n", ctx.sys.hostname())).into()
}

fn print_env(vars: &Vars) -> String {
    vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

pub fn env(args: &[String], ctx: &mut Ctx) -> Outcome {
    let mut vars = ctx.env.clone();
    let mut i = 1;
    if args.get(1).map(String::as_str) == Some("-i") {
        vars = Vars::default();
        i = 2;
    }
    while let Some((k, v)) = args.get(i).and_then(|a| a.split_once('=')) {
        vars.set(k, v);
        i += 1;
    }
    if i >= args.len() {
        return Output::ok(print_env(&vars)).into();
    }
    let rest = &args[i..];
    match super::find(&rest[0]) {
        Some(p) => {
            let own = ctx.own.clone();
            let mut inner = Ctx {
                sys: &mut *ctx.sys,
                rng: &mut *ctx.rng,
                env: &vars,
                cwd: ctx.cwd,
                stdin: ctx.stdin,
                own,
            };
            (p.run)(rest, &mut inner)
        }
        None => Output::err(
            format!("env: '{}': No such file or directory\n", rest[0]),
            127,
        )
        .into(),
    }
}

pub fn printenv(args: &[String], ctx: &mut Ctx) -> Outcome {
    if args.len() == 1 {
        return Output::ok(print_env(ctx.env)).into();
    }
    let mut o = Output::default();
    for name in &args[1..] {
        match ctx.env.get(name) {
            Some(v) => o.stdout.push_str(&format!("{v}\n")),
            None => o.status = 1,
        }
    }
    o.into()
}

/// Every process of the container, by PID.
fn all_processes(ctx: &mut Ctx) -> Vec<ProcInfo> {
    let mut all = ctx.sys.processes();
    for p in &ctx.own {
        match all.iter_mut().find(|q| q.pid == p.pid) {
            Some(q) => *q = p.clone(),
            None => all.push(p.clone()),
        }
    }
    all.sort_by_key(|p| p.pid);
    all
}

pub fn ps(args: &[String], ctx: &mut Ctx) -> Outcome {
    let opts: String = args[1..]
        .iter()
        .map(|a| a.trim_start_matches('-'))
        .collect();
    if let Some(bad) = opts.chars().find(|c| !"efAaux".contains(*c)) {
        return Output::err(format!("error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n(klab's ps knows -e, -f, -A and aux; `{bad}` is not among them)\n"), 1).into();
    }
    let full = opts.contains('f') || opts.contains('u');
    let procs = all_processes(ctx);
    let mut out = String::new();
    if full {
        out.push_str("UID        PID  PPID  C STIME TTY          TIME CMD\n");
        for p in &procs {
            let stime = p.started.to_chrono().format("%H:%M");
            out.push_str(&format!(
                "{:<8} {:>5} {:>5}  0 {stime} {:<8} 00:00:00 {}\n",
                "root", p.pid, p.ppid, "?", p.cmdline
            ));
        }
    } else {
        out.push_str("  PID TTY          TIME CMD\n");
        for p in &procs {
            out.push_str(&format!("{:>5} {:<8} 00:00:00 {}\n", p.pid, "?", p.comm()));
        }
    }
    Output::ok(out).into()
}

pub fn pgrep(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (mut list_name, mut list_full, mut match_full) = (false, false, false);
    let mut pattern = None;
    for a in &args[1..] {
        match a.as_str() {
            "-l" => list_name = true,
            "-a" => list_full = true,
            "-f" => match_full = true,
            s if s.starts_with('-') && s.len() > 1 => {
                return Output::err(
                    format!(
                        "pgrep: invalid option -- '{}'\nUsage:\n pgrep [options] <pattern>\n",
                        s.chars().nth(1).unwrap_or('-')
                    ),
                    2,
                )
                .into()
            }
            s => pattern = Some(s.to_string()),
        }
    }
    let Some(pattern) = pattern else {
        return Output::err(
            "pgrep: no matching criteria specified\nTry `pgrep --help' for more information.\n"
                .into(),
            2,
        )
        .into();
    };
    let re = match Regex::new(&pattern, true, false) {
        Ok(r) => r,
        Err(e) => return Output::err(format!("pgrep: {e}\n"), 2).into(),
    };
    let me = ctx.own.last().map(|p| p.pid);
    let procs = all_processes(ctx);
    let mut out = String::new();
    for p in procs.iter().filter(|p| Some(p.pid) != me) {
        let subject = if match_full {
            p.cmdline.as_str()
        } else {
            p.comm()
        };
        if !re.is_match(subject) {
            continue;
        }
        if list_full {
            out.push_str(&format!("{} {}\n", p.pid, p.cmdline));
        } else if list_name {
            out.push_str(&format!("{} {}\n", p.pid, p.comm()));
        } else {
            out.push_str(&format!("{}\n", p.pid));
        }
    }
    let status = i32::from(out.is_empty());
    Output {
        stdout: out,
        stderr: String::new(),
        status,
    }
    .into()
}

pub fn uname(args: &[String], ctx: &mut Ctx) -> Outcome {
    let host = ctx.sys.hostname();
    let parts = [
        ("s", "Linux".to_string()),
        ("n", host),
        ("r", "klab-simulated".into()),
        ("m", "x86_64".into()),
    ];
    let flags: String = args[1..]
        .iter()
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let picked: Vec<String> = if flags.contains('a') {
        vec![
            parts[0].1.clone(),
            parts[1].1.clone(),
            parts[2].1.clone(),
            "#1 SMP".into(),
            parts[3].1.clone(),
            "GNU/Linux".into(),
        ]
    } else if flags.is_empty() {
        vec![parts[0].1.clone()]
    } else {
        parts
            .iter()
            .filter(|(f, _)| flags.contains(f))
            .map(|(_, v)| v.clone())
            .collect()
    };
    Output::ok(format!("{}\n", picked.join(" "))).into()
}
