//! `test EXPR` and `[ EXPR ]`: file tests, string and integer comparisons, `!`, `-a`, `-o`.

use super::{Ctx, Outcome, Output};

pub fn bracket(args: &[String], ctx: &mut Ctx) -> Outcome {
    if args.last().map(String::as_str) != Some("]") {
        return Output::err("sh: [: missing ]\n".into(), 2).into();
    }
    eval_expr(&args[1..args.len() - 1], ctx, "[")
}

pub fn test(args: &[String], ctx: &mut Ctx) -> Outcome {
    eval_expr(&args[1..], ctx, "test")
}

fn eval_expr(a: &[String], ctx: &mut Ctx, name: &str) -> Outcome {
    match or(a, ctx) {
        Ok((v, [])) => Output::status(i32::from(!v)).into(),
        Ok((_, rest)) => {
            Output::err(format!("sh: {name}: {}: unexpected operator\n", rest[0]), 2).into()
        }
        Err(e) => Output::err(format!("sh: {name}: {e}\n"), 2).into(),
    }
}

type R<'a> = Result<(bool, &'a [String]), String>;

fn or<'a>(a: &'a [String], ctx: &mut Ctx) -> R<'a> {
    let (mut v, mut rest) = and(a, ctx)?;
    while rest.first().map(String::as_str) == Some("-o") {
        let (r, next) = and(&rest[1..], ctx)?;
        v = v || r;
        rest = next;
    }
    Ok((v, rest))
}

fn and<'a>(a: &'a [String], ctx: &mut Ctx) -> R<'a> {
    let (mut v, mut rest) = not(a, ctx)?;
    while rest.first().map(String::as_str) == Some("-a") {
        let (r, next) = not(&rest[1..], ctx)?;
        v = v && r;
        rest = next;
    }
    Ok((v, rest))
}

fn not<'a>(a: &'a [String], ctx: &mut Ctx) -> R<'a> {
    if a.first().map(String::as_str) == Some("!") && a.len() > 1 {
        let (v, rest) = not(&a[1..], ctx)?;
        return Ok((!v, rest));
    }
    primary(a, ctx)
}

fn int(s: &str) -> Result<i64, String> {
    s.trim().parse().map_err(|_| format!("{s}: bad number"))
}

fn primary<'a>(a: &'a [String], ctx: &mut Ctx) -> R<'a> {
    let Some(first) = a.first() else {
        return Ok((false, a));
    };
    if first == "(" {
        let (v, rest) = or(&a[1..], ctx)?;
        if rest.first().map(String::as_str) != Some(")") {
            return Err("missing )".into());
        }
        return Ok((v, &rest[1..]));
    }
    if let Some(op) = a.get(1) {
        let binary = matches!(
            op.as_str(),
            "=" | "==" | "!=" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"
        );
        if binary && a.len() >= 3 {
            let (l, r) = (&a[0], &a[2]);
            let v = match op.as_str() {
                "=" | "==" => l == r,
                "!=" => l != r,
                "-eq" => int(l)? == int(r)?,
                "-ne" => int(l)? != int(r)?,
                "-lt" => int(l)? < int(r)?,
                "-le" => int(l)? <= int(r)?,
                "-gt" => int(l)? > int(r)?,
                _ => int(l)? >= int(r)?,
            };
            return Ok((v, &a[3..]));
        }
    }
    let unary = [
        "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-z", "-n", "-L", "-h",
    ];
    if unary.contains(&first.as_str()) && a.len() >= 2 {
        let arg = &a[1];
        let v = match first.as_str() {
            "-z" => arg.is_empty(),
            "-n" => !arg.is_empty(),
            "-L" | "-h" => false,
            f => {
                let st = ctx.sys.stat(&ctx.abs(arg));
                match f {
                    "-f" => st.is_some_and(|s| !s.is_dir),
                    "-d" => st.is_some_and(|s| s.is_dir),
                    "-s" => st.is_some_and(|s| s.size > 0),
                    _ => st.is_some(),
                }
            }
        };
        return Ok((v, &a[2..]));
    }
    Ok((!first.is_empty(), &a[1..]))
}
