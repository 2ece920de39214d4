//! Resource quantities (`500m`, `1Gi`, `1G`, `1.5`): parsing to exact milli-units and the
//! API server's canonical form (fact 78: `1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`, `1.5G` → `1500M`).

const BINARY: &[(&str, u32)] = &[
    ("Ki", 10),
    ("Mi", 20),
    ("Gi", 30),
    ("Ti", 40),
    ("Pi", 50),
    ("Ei", 60),
];
const DECIMAL: &[(&str, i32)] = &[
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// A parsed quantity: its value in thousandths (exact for everything klab meets), and
/// whether it was written with a binary suffix (which decides the canonical form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Qty {
    pub milli: i128,
    pub binary: bool,
}

impl Qty {
    /// The value in whole units, rounded up (as `Quantity.Value()` does).
    pub fn value(self) -> i128 {
        (self.milli + 999).div_euclid(1000)
    }
}

/// The API server's message for a bad quantity.
pub fn quantity_error() -> &'static str {
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
}

pub fn parse(text: &str) -> Result<Qty, String> {
    let s = text.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    if number.is_empty() || number.matches('.').count() > 1 || number == "." {
        return Err(quantity_error().into());
    }
    let negative = number.starts_with('-');
    let digits = number.strip_prefix(['+', '-']).unwrap_or(number);
    if digits.contains(['+', '-']) {
        return Err(quantity_error().into());
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    // Value as (mantissa, decimal exponent).
    let mantissa: i128 = format!("{int_part}{frac_part}")
        .trim_start_matches('0')
        .parse()
        .unwrap_or(0);
    let mut exp10: i32 = -(frac_part.len() as i32);
    let mut shift2: u32 = 0;
    let binary;
    if suffix.is_empty() {
        binary = false;
    } else if let Some((_, p)) = BINARY.iter().find(|(n, _)| *n == suffix) {
        shift2 = *p;
        binary = true;
    } else if let Some((_, e)) = DECIMAL.iter().find(|(n, _)| *n == suffix) {
        exp10 += e;
        binary = false;
    } else if let Some(e) = suffix.strip_prefix(['e', 'E']) {
        exp10 += e.parse::<i32>().map_err(|_| quantity_error().to_string())?;
        binary = false;
    } else {
        return Err(quantity_error().into());
    }
    if mantissa.to_string().len() as i32 + exp10 + (shift2 as i32 / 3) > 30 {
        return Err("quantity is too large".into());
    }
    // milli = mantissa * 2^shift2 * 10^(exp10 + 3), rounded up if fractional.
    let mut value = mantissa
        .checked_shl(shift2)
        .ok_or("quantity is too large")?;
    let e = exp10 + 3;
    if e >= 0 {
        value = value
            .checked_mul(10i128.pow(e as u32))
            .ok_or("quantity is too large")?;
    } else {
        let d = 10i128.checked_pow((-e) as u32).unwrap_or(i128::MAX);
        value = value / d + i128::from(value % d != 0); // rounds up without overflowing
    }
    Ok(Qty {
        milli: if negative { -value } else { value },
        binary,
    })
}

/// The canonical string for a quantity: the largest suffix of its family that keeps the
/// number whole (binary family if it was written with one, else decimal).
pub fn canonical(q: Qty) -> String {
    let sign = if q.milli < 0 { "-" } else { "" };
    let m = q.milli.abs();
    if m % 1000 != 0 {
        return format!("{sign}{m}m");
    }
    let v = m / 1000;
    if v == 0 {
        return "0".into();
    }
    if q.binary {
        for (name, p) in BINARY.iter().rev() {
            if v % (1i128 << p) == 0 {
                return format!("{sign}{}{name}", v >> p);
            }
        }
        return format!("{sign}{v}");
    }
    for (name, e) in DECIMAL.iter().rev().filter(|(_, e)| *e > 0) {
        let d = 10i128.pow(*e as u32);
        if v % d == 0 {
            return format!("{sign}{}{name}", v / d);
        }
    }
    format!("{sign}{v}")
}

/// Canonicalises a quantity string, leaving unparseable text as it was.
pub fn canonical_str(text: &str) -> String {
    parse(text)
        .map(canonical)
        .unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_match_the_api_server_fact_78() {
        assert_eq!(canonical_str("1024Mi"), "1Gi");
        assert_eq!(canonical_str("1.5Gi"), "1536Mi");
        assert_eq!(canonical_str("1.5G"), "1500M");
        assert_eq!(canonical_str("1G"), "1G");
        assert_eq!(canonical_str("500m"), "500m");
        assert_eq!(canonical_str("1000m"), "1");
        assert_eq!(canonical_str("4"), "4");
    }

    #[test]
    fn one_g_is_not_one_gi_fact_78() {
        assert!(parse("1G").unwrap().milli < parse("1Gi").unwrap().milli);
        assert_eq!(parse("1Gi").unwrap().value(), 1 << 30);
        assert_eq!(parse("100m").unwrap().milli, 100);
    }

    #[test]
    fn bad_quantities_are_errors() {
        for bad in [
            "",
            "abc",
            "1Gb",
            "1..2",
            "--1",
            "1e",
            "99999999999999999999999999999999999Ei",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
