//! `$(( … ))`: integer arithmetic with the C operators sh supports (`+ - * / %`,
//! comparisons, `&& || !`, parentheses), variables by bare name.

/// Evaluates `src`; `lookup` gives variables' values (unset or non-numeric = 0).
pub fn eval(src: &str, lookup: &mut dyn FnMut(&str) -> Option<String>) -> Result<i64, String> {
    let toks = lex(src)?;
    let mut p = P { toks, i: 0, lookup };
    let v = p.or()?;
    if p.i != p.toks.len() {
        return Err(src.trim().to_string());
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

fn lex(src: &str) -> Result<Vec<T>, String> {
    const OPS: &[&str] = &[
        "&&", "||", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "(", ")", "!",
    ];
    let cs: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    'outer: while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < cs.len() && cs[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let text: String = cs[start..i].iter().collect();
            let n = text
                .parse::<i64>()
                .map_err(|_| format!("{text}: value too great for base"))?;
            out.push(T::Num(n));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(T::Name(cs[start..i].iter().collect()));
            continue;
        }
        for op in OPS {
            let n = op.len();
            if i + n <= cs.len() && cs[i..i + n].iter().collect::<String>() == *op {
                out.push(T::Op(op));
                i += n;
                continue 'outer;
            }
        }
        return Err(src.trim().to_string());
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<T>,
    i: usize,
    lookup: &'a mut dyn FnMut(&str) -> Option<String>,
}

impl P<'_> {
    fn op(&mut self, ops: &[&'static str]) -> Option<&'static str> {
        match self.toks.get(self.i) {
            Some(T::Op(o)) if ops.contains(o) => {
                self.i += 1;
                Some(o)
            }
            _ => None,
        }
    }
    fn or(&mut self) -> Result<i64, String> {
        let mut v = self.and()?;
        while self.op(&["||"]).is_some() {
            let r = self.and()?;
            v = i64::from(v != 0 || r != 0);
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<i64, String> {
        let mut v = self.cmp()?;
        while self.op(&["&&"]).is_some() {
            let r = self.cmp()?;
            v = i64::from(v != 0 && r != 0);
        }
        Ok(v)
    }
    fn cmp(&mut self) -> Result<i64, String> {
        let mut v = self.add()?;
        while let Some(o) = self.op(&["==", "!=", "<=", ">=", "<", ">"]) {
            let r = self.add()?;
            v = i64::from(match o {
                "==" => v == r,
                "!=" => v != r,
                "<=" => v <= r,
                ">=" => v >= r,
                "<" => v < r,
                _ => v > r,
            });
        }
        Ok(v)
    }
    fn add(&mut self) -> Result<i64, String> {
        let mut v = self.mul()?;
        while let Some(o) = self.op(&["+", "-"]) {
            let r = self.mul()?;
            v = if o == "+" {
                v.wrapping_add(r)
            } else {
                v.wrapping_sub(r)
            };
        }
        Ok(v)
    }
    fn mul(&mut self) -> Result<i64, String> {
        let mut v = self.unary()?;
        while let Some(o) = self.op(&["*", "/", "%"]) {
            let r = self.unary()?;
            if o != "*" && r == 0 {
                return Err("divide by zero".into());
            }
            v = match o {
                "*" => v.wrapping_mul(r),
                "/" => v.wrapping_div(r),
                _ => v.wrapping_rem(r),
            };
        }
        Ok(v)
    }
    fn unary(&mut self) -> Result<i64, String> {
        match self.op(&["-", "+", "!"]) {
            Some("-") => Ok(self.unary()?.wrapping_neg()),
            Some("!") => Ok(i64::from(self.unary()? == 0)),
            Some(_) => self.unary(),
            None => self.atom(),
        }
    }
    fn atom(&mut self) -> Result<i64, String> {
        match self.toks.get(self.i).cloned() {
            Some(T::Num(n)) => {
                self.i += 1;
                Ok(n)
            }
            Some(T::Name(n)) => {
                self.i += 1;
                Ok((self.lookup)(&n)
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0))
            }
            Some(T::Op("(")) => {
                self.i += 1;
                let v = self.or()?;
                if self.op(&[")"]).is_none() {
                    return Err("missing ')'".into());
                }
                Ok(v)
            }
            _ => Err("syntax error".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> Result<i64, String> {
        eval(s, &mut |n| (n == "i").then(|| "4".to_string()))
    }

    #[test]
    fn arithmetic_follows_c_precedence() {
        assert_eq!(ev("1 + 2 * 3").unwrap(), 7);
        assert_eq!(ev("(1 + 2) * 3").unwrap(), 9);
        assert_eq!(ev("i + 1").unwrap(), 5);
        assert_eq!(ev("i % 3 == 1 && !0").unwrap(), 1);
        assert_eq!(ev("-i / 2").unwrap(), -2);
        assert!(ev("1 / 0").is_err());
        assert!(ev("1 +").is_err());
    }
}
