//! Exact decimal numbers: JSON numbers compared and divided as the decimals written.

use num_bigint::BigUint;
use std::cmp::Ordering;

/// `(-1)^neg * digits * 10^exp`, `digits` without leading or trailing zeros (empty: zero).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dec {
    pub neg: bool,
    pub digits: Vec<u8>,
    pub exp: i64,
}

impl Dec {
    pub fn zero() -> Dec {
        Dec { neg: false, digits: Vec::new(), exp: 0 }
    }

    /// From JSON number text (already checked by the parser, or Rust's float formatting).
    pub fn parse(text: &[u8]) -> Dec {
        let mut i = 0;
        let mut neg = false;
        if text.first() == Some(&b'-') {
            neg = true;
            i = 1;
        }
        let mut digits = Vec::with_capacity(text.len());
        let mut exp: i64 = 0;
        let mut frac = false;
        while i < text.len() {
            let c = text[i];
            match c {
                b'0'..=b'9' => {
                    digits.push(c - b'0');
                    if frac {
                        exp -= 1;
                    }
                }
                b'.' => frac = true,
                b'e' | b'E' => {
                    let mut j = i + 1;
                    let mut eneg = false;
                    if j < text.len() && (text[j] == b'+' || text[j] == b'-') {
                        eneg = text[j] == b'-';
                        j += 1;
                    }
                    let mut e: i64 = 0;
                    while j < text.len() {
                        e = e.saturating_mul(10).saturating_add((text[j] - b'0') as i64);
                        j += 1;
                    }
                    // beyond any double and any sane divisor: clamp (exactness of such
                    // numbers is moot; comparisons stay right)
                    e = e.min(1 << 40);
                    exp = exp.saturating_add(if eneg { -e } else { e });
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        Dec::normalized(neg, digits, exp)
    }

    pub fn from_i64(v: i64) -> Dec {
        let neg = v < 0;
        let digits: Vec<u8> = v.unsigned_abs().to_string().bytes().map(|b| b - b'0').collect();
        Dec::normalized(neg, digits, 0)
    }

    fn normalized(neg: bool, mut digits: Vec<u8>, mut exp: i64) -> Dec {
        let lead = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            return Dec::zero();
        }
        Dec { neg, digits, exp }
    }

    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn cmp_mag(&self, other: &Dec) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let ma = self.digits.len() as i64 + self.exp;
        let mb = other.digits.len() as i64 + other.exp;
        if ma != mb {
            return ma.cmp(&mb);
        }
        for (a, b) in self.digits.iter().zip(other.digits.iter()) {
            if a != b {
                return a.cmp(b);
            }
        }
        self.digits.len().cmp(&other.digits.len())
    }

    /// `self % m == 0` for `m > 0`, exactly.
    pub fn is_multiple_of(&self, m: &Dec) -> bool {
        if self.is_zero() {
            return true;
        }
        if m.is_zero() {
            return false;
        }
        // a = da * 10^ea, m = dm * 10^em; with e = min: A = da * 10^(ea-e), M = dm * 10^(em-e)
        let e = self.exp.min(m.exp);
        let ka = (self.exp - e) as u64;
        let km = (m.exp - e) as u64;
        // fast path: both sides fit in 128 bits
        if self.digits.len() as u64 + ka <= 38 && m.digits.len() as u64 + km <= 38 {
            let val = |d: &[u8], k: u64| -> u128 {
                let mut v: u128 = 0;
                for &x in d {
                    v = v * 10 + x as u128;
                }
                v * 10u128.pow(k as u32)
            };
            let mm = val(&m.digits, km);
            return mm != 0 && val(&self.digits, ka) % mm == 0;
        }
        if km > 4000 {
            // m has far more trailing zeros than a: a multiple needs at least as many
            // digits; |a| < |m| unless a is huge
            if self.cmp_mag(m) == Ordering::Less {
                return false;
            }
        }
        if km > 100_000 {
            return false;
        }
        let big = |d: &[u8]| BigUint::parse_bytes(&d.iter().map(|x| x + b'0').collect::<Vec<u8>>(), 10).unwrap();
        let mm = big(&m.digits) * BigUint::from(10u32).pow(km as u32);
        let da = big(&self.digits);
        // (da * 10^ka) mod M computed with modpow for a huge ka
        let ten = BigUint::from(10u32);
        let r = (da % &mm) * ten.modpow(&BigUint::from(ka), &mm) % &mm;
        r == BigUint::from(0u32)
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dec {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.neg && !self.is_zero(), other.neg && !other.is_zero()) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_mag(other),
            (true, true) => other.cmp_mag(self),
        }
    }
}

/// A JSON string literal for messages (`"a\"b"`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
