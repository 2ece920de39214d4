//! File programs: `cat`, `ls`, `touch`, `rm`, `mkdir`, `df`.

use super::{Ctx, Outcome, Output};
use crate::runtime::shell::sys::{DirEntry, FsError};

/// Splits `-abc` flags from operands.
fn flags_and_operands(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut ops = Vec::new();
    let mut done = false;
    for a in &args[1..] {
        if !done && a == "--" {
            done = true;
        } else if !done && a.len() > 1 && a.starts_with('-') {
            flags.push_str(&a[1..]);
        } else {
            ops.push(a.clone());
        }
    }
    (flags, ops)
}

fn bad_option(prog: &str, flags: &str, allowed: &str) -> Option<Output> {
    let bad = flags.chars().find(|c| !allowed.contains(*c))?;
    Some(Output::err(
        format!("{prog}: invalid option -- '{bad}'\nTry '{prog} --help' for more information.\n"),
        if prog == "ls" { 2 } else { 1 },
    ))
}

pub fn cat(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, files) = flags_and_operands(args);
    if let Some(o) = bad_option("cat", &flags, "uAentv") {
        return o.into();
    }
    if files.is_empty() {
        return Output::ok(ctx.stdin.to_string()).into();
    }
    let mut o = Output::default();
    for f in &files {
        if f == "-" {
            o.stdout.push_str(ctx.stdin);
            continue;
        }
        match ctx.sys.read_file(&ctx.abs(f)) {
            Ok(t) => o.stdout.push_str(&t),
            Err(e) => {
                o.stderr.push_str(&format!("cat: {f}: {}\n", e.text()));
                o.status = 1;
            }
        }
    }
    o.into()
}

/// `-rw-r--r-- 1 root root 13 Jan  1 00:01 name`.
fn long_line(e: &DirEntry, name: &str, size_width: usize) -> String {
    let mode = if e.is_dir { "drwxr-xr-x" } else { "-rw-r--r--" };
    let links = if e.is_dir { 2 } else { 1 };
    let when = e.mtime.to_chrono().format("%b %e %H:%M");
    let size = if e.is_dir { 4096 } else { e.size };
    format!("{mode} {links} root root {size:>size_width$} {when} {name}\n")
}

fn blocks(entries: &[DirEntry]) -> usize {
    entries
        .iter()
        .map(|e| {
            if e.is_dir {
                4
            } else {
                e.size.div_ceil(4096) * 4
            }
        })
        .sum()
}

pub fn ls(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, mut paths) = flags_and_operands(args);
    if let Some(o) = bad_option("ls", &flags, "la1dAhFR") {
        return o.into();
    }
    let long = flags.contains('l');
    let all = flags.contains('a');
    let almost = flags.contains('A');
    let dir_itself = flags.contains('d');
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut o = Output::default();
    let mut files: Vec<(String, DirEntry)> = Vec::new();
    let mut dirs: Vec<(String, Vec<DirEntry>)> = Vec::new();
    for p in &paths {
        let abs = ctx.abs(p);
        match ctx.sys.stat(&abs) {
            None => {
                o.stderr.push_str(&format!(
                    "ls: cannot access '{p}': No such file or directory\n"
                ));
                o.status = 2;
            }
            Some(st) if !st.is_dir || dir_itself => files.push((
                p.clone(),
                DirEntry {
                    name: p.clone(),
                    is_dir: st.is_dir,
                    size: st.size,
                    mtime: st.mtime,
                },
            )),
            Some(st) => match ctx.sys.list_dir(&abs) {
                Ok(mut entries) => {
                    entries.retain(|e| all || almost || !e.name.starts_with('.'));
                    if all {
                        for dot in ["..", "."] {
                            entries.insert(
                                0,
                                DirEntry {
                                    name: dot.into(),
                                    is_dir: true,
                                    size: 4096,
                                    mtime: st.mtime,
                                },
                            );
                        }
                    }
                    entries.sort_by(|a, b| a.name.cmp(&b.name));
                    dirs.push((p.clone(), entries));
                }
                Err(e) => {
                    o.stderr
                        .push_str(&format!("ls: cannot open directory '{p}': {}\n", e.text()));
                    o.status = 2;
                }
            },
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let width = |es: &mut dyn Iterator<Item = &DirEntry>| {
        es.map(|e| if e.is_dir { 4 } else { e.size }.to_string().len())
            .max()
            .unwrap_or(1)
    };
    let w = width(&mut files.iter().map(|f| &f.1));
    for (name, e) in &files {
        if long {
            o.stdout.push_str(&long_line(e, name, w));
        } else {
            o.stdout.push_str(&format!("{name}\n"));
        }
    }
    let headers = paths.len() > 1;
    for (i, (p, entries)) in dirs.iter().enumerate() {
        if headers {
            if i > 0 || !files.is_empty() {
                o.stdout.push('\n');
            }
            o.stdout.push_str(&format!("{p}:\n"));
        }
        if long {
            o.stdout.push_str(&format!("total {}\n", blocks(entries)));
            let w = width(&mut entries.iter());
            for e in entries {
                o.stdout.push_str(&long_line(e, &e.name, w));
            }
        } else {
            for e in entries {
                o.stdout.push_str(&format!("{}\n", e.name));
            }
        }
    }
    o.into()
}

pub fn touch(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, files) = flags_and_operands(args);
    if let Some(o) = bad_option("touch", &flags, "acm") {
        return o.into();
    }
    if files.is_empty() {
        return Output::err(
            "touch: missing file operand\nTry 'touch --help' for more information.\n".into(),
            1,
        )
        .into();
    }
    let mut o = Output::default();
    for f in &files {
        if let Err(e) = ctx.sys.touch(&ctx.abs(f)) {
            o.stderr
                .push_str(&format!("touch: cannot touch '{f}': {}\n", e.text()));
            o.status = 1;
        }
    }
    o.into()
}

pub fn rm(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, paths) = flags_and_operands(args);
    if let Some(o) = bad_option("rm", &flags, "rRfvid") {
        return o.into();
    }
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    if paths.is_empty() && !force {
        return Output::err(
            "rm: missing operand\nTry 'rm --help' for more information.\n".into(),
            1,
        )
        .into();
    }
    let mut o = Output::default();
    for p in &paths {
        let abs = ctx.abs(p);
        let fail = |o: &mut Output, why: &str| {
            o.stderr
                .push_str(&format!("rm: cannot remove '{p}': {why}\n"));
            o.status = 1;
        };
        match ctx.sys.stat(&abs) {
            None if force => {}
            None => fail(&mut o, FsError::NotFound.text()),
            Some(st) if st.is_dir && !recursive => fail(&mut o, FsError::IsADirectory.text()),
            Some(_) if abs == "/" => {
                o.stderr.push_str("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
                o.status = 1;
            }
            Some(_) => {
                if let Err(e) = ctx.sys.remove(&abs) {
                    fail(&mut o, e.text());
                }
            }
        }
    }
    o.into()
}

pub fn mkdir(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, dirs) = flags_and_operands(args);
    if let Some(o) = bad_option("mkdir", &flags, "pv") {
        return o.into();
    }
    let parents = flags.contains('p');
    if dirs.is_empty() {
        return Output::err(
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n".into(),
            1,
        )
        .into();
    }
    let mut o = Output::default();
    for d in &dirs {
        let abs = ctx.abs(d);
        let result = if parents {
            let mut path = String::new();
            let mut r = Ok(());
            for comp in abs.split('/').filter(|c| !c.is_empty()) {
                path = format!("{path}/{comp}");
                match ctx.sys.stat(&path) {
                    Some(s) if s.is_dir => {}
                    Some(_) => {
                        r = Err(FsError::NotADirectory);
                        break;
                    }
                    None => {
                        if let Err(e) = ctx.sys.mkdir(&path) {
                            r = Err(e);
                            break;
                        }
                    }
                }
            }
            r
        } else {
            ctx.sys.mkdir(&abs)
        };
        if let Err(e) = result {
            o.stderr.push_str(&format!(
                "mkdir: cannot create directory '{d}': {}\n",
                e.text()
            ));
            o.status = 1;
        }
    }
    o.into()
}

/// GNU `df -h` sizes: powers of 1024, rounded up, one decimal below 10.
pub fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return if bytes == 0 {
            "0".into()
        } else {
            bytes.to_string()
        };
    }
    let units = ["K", "M", "G", "T", "P", "E"];
    let mut v = bytes as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        let r = (v * 10.0).ceil() / 10.0;
        if r >= 10.0 {
            format!("{}{}", r.ceil() as u64, units[u])
        } else {
            format!("{r:.1}{}", units[u])
        }
    } else {
        let r = v.ceil() as u64;
        if r >= 1024 && u < units.len() - 1 {
            format!("1.0{}", units[u + 1])
        } else {
            format!("{r}{}", units[u])
        }
    }
}

pub fn df(args: &[String], ctx: &mut Ctx) -> Outcome {
    let (flags, _) = flags_and_operands(args);
    if let Some(o) = bad_option("df", &flags, "hkTaP") {
        return o.into();
    }
    let human_sizes = flags.contains('h');
    let rows = ctx.sys.df();
    let mut table: Vec<[String; 6]> = vec![if human_sizes {
        ["Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"].map(String::from)
    } else {
        [
            "Filesystem",
            "1K-blocks",
            "Used",
            "Available",
            "Use%",
            "Mounted on",
        ]
        .map(String::from)
    }];
    for r in rows {
        let avail = r.size.saturating_sub(r.used);
        let pct = if r.size == 0 {
            "-".to_string()
        } else {
            format!("{}%", (r.used * 100).div_ceil(r.size.max(1)))
        };
        let fmt = |b: u64| {
            if human_sizes {
                human(b)
            } else {
                b.div_ceil(1024).to_string()
            }
        };
        table.push([
            r.filesystem,
            fmt(r.size),
            fmt(r.used),
            fmt(avail),
            pct,
            r.mount,
        ]);
    }
    // GNU df's minimum column widths (coreutils `field_data`).
    let min = [14, 5, 5, 5, 4, 0];
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            table
                .iter()
                .map(|row| row[i].len())
                .max()
                .unwrap_or(0)
                .max(min[i])
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let mut line = format!("{:<w$}", row[0], w = widths[0]);
        for i in 1..5 {
            line.push_str(&format!(" {:>w$}", row[i], w = widths[i]));
        }
        line.push(' ');
        line.push_str(&row[5]);
        out.push_str(&line);
        out.push('\n');
    }
    Output::ok(out).into()
}
