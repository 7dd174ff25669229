//! Owned JSON values (the schema model's constants), and JSON equality between them and
//! the tokens of a document.

use crate::num::Dec;
use crate::parse::{Doc, Tok};

#[derive(Clone, Debug)]
pub enum JVal {
    Null,
    Bool(bool),
    Num(Dec, f64),
    Str(String),
    Arr(Vec<JVal>),
    Obj(Vec<(String, JVal)>),
}

impl JVal {
    /// The value at token `t` of `doc`.
    pub fn from_doc(doc: &Doc<'_>, t: usize) -> JVal {
        match doc.toks[t] {
            Tok::Null | Tok::Other => JVal::Null,
            Tok::Bool(b) => JVal::Bool(b),
            Tok::Int(i) => JVal::Num(Dec::from_i64(i), i as f64),
            Tok::Float(f, sp) => JVal::Num(Dec::parse(doc.bytes(sp)), f),
            Tok::Big(sp) => {
                let text = doc.str(sp);
                JVal::Num(Dec::parse(doc.bytes(sp)), text.parse().unwrap_or(f64::INFINITY))
            }
            Tok::Str(sp) => JVal::Str(doc.str(sp).to_string()),
            Tok::Arr(_, end) => {
                let mut out = Vec::new();
                let mut i = t + 1;
                while i < end as usize {
                    out.push(JVal::from_doc(doc, i));
                    i = doc.next(i);
                }
                JVal::Arr(out)
            }
            Tok::Obj(_, end) => {
                let mut out = Vec::new();
                let mut i = t + 1;
                while i < end as usize {
                    let k = match doc.toks[i] {
                        Tok::Str(sp) => doc.str(sp).to_string(),
                        _ => String::new(),
                    };
                    out.push((k, JVal::from_doc(doc, i + 1)));
                    i = doc.next(i + 1);
                }
                JVal::Obj(out)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&JVal> {
        match self {
            JVal::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            JVal::Num(d, f) => {
                if d.neg || !d.is_integer() {
                    return None;
                }
                if *f >= 1.8e19 {
                    Some(u64::MAX)
                } else {
                    Some(*f as u64)
                }
            }
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JVal::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_arr(&self) -> Option<&[JVal]> {
        match self {
            JVal::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// compact JSON text
    pub fn render(&self, out: &mut String) {
        match self {
            JVal::Null => out.push_str("null"),
            JVal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JVal::Num(d, f) => out.push_str(&render_dec(d, *f)),
            JVal::Str(s) => out.push_str(&crate::num::quote(s)),
            JVal::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.render(out);
                    if out.len() > 200 {
                        out.push_str(", ...");
                        break;
                    }
                }
                out.push(']');
            }
            JVal::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&crate::num::quote(k));
                    out.push_str(": ");
                    v.render(out);
                    if out.len() > 200 {
                        out.push_str(", ...");
                        break;
                    }
                }
                out.push('}');
            }
        }
    }
}

pub fn render_dec(d: &Dec, f: f64) -> String {
    if d.is_integer() && d.digits.len() as i64 + d.exp <= 40 {
        let mut s = String::new();
        if d.neg {
            s.push('-');
        }
        if d.digits.is_empty() {
            s.push('0');
        }
        for x in &d.digits {
            s.push((b'0' + x) as char);
        }
        for _ in 0..d.exp {
            s.push('0');
        }
        return s;
    }
    let s = format!("{}", f);
    if s.len() > 24 {
        format!("{:e}", f)
    } else {
        s
    }
}

/// JSON equality of the document value at `t` and `v`: numbers by value (`1 == 1.0`),
/// `true != 1`, objects regardless of member order.
pub fn equal(doc: &Doc<'_>, t: usize, v: &JVal) -> bool {
    match (doc.toks[t], v) {
        (Tok::Arr(n, _), JVal::Arr(a)) => {
            if n as usize != a.len() {
                return false;
            }
            let mut i = t + 1;
            for x in a {
                if !equal(doc, i, x) {
                    return false;
                }
                i = doc.next(i);
            }
            true
        }
        (Tok::Obj(n, end), JVal::Obj(m)) => {
            if n as usize != m.len() {
                return false;
            }
            let mut i = t + 1;
            while i < end as usize {
                let Tok::Str(ksp) = doc.toks[i] else { return false };
                let k = doc.bytes(ksp);
                match m.iter().find(|(mk, _)| mk.as_bytes() == k) {
                    Some((_, mv)) => {
                        if !equal(doc, i + 1, mv) {
                            return false;
                        }
                    }
                    None => return false,
                }
                i = doc.next(i + 1);
            }
            true
        }
        (tok, v) => equal_scalar(doc, tok, v),
    }
}

/// `equal` for a scalar token (its text in `doc`); false for a container.
pub fn equal_scalar(doc: &Doc<'_>, tok: Tok, v: &JVal) -> bool {
    match (tok, v) {
        (Tok::Null, JVal::Null) => true,
        (Tok::Bool(a), JVal::Bool(b)) => a == *b,
        (Tok::Int(i), JVal::Num(d, f)) => {
            if d.is_integer() && f.abs() < 9.0e15 {
                i as f64 == *f
            } else {
                Dec::from_i64(i) == *d
            }
        }
        (Tok::Float(_, sp), JVal::Num(d, _)) | (Tok::Big(sp), JVal::Num(d, _)) => {
            Dec::parse(doc.bytes(sp)) == *d
        }
        // enum and const members are short: compared inline, not through bcmp
        (Tok::Str(sp), JVal::Str(s)) => crate::program::same(doc.bytes(sp), s.as_bytes()),
        _ => false,
    }
}

/// JSON equality of two values of one document.
pub fn equal_toks(doc: &Doc<'_>, a: usize, b: usize) -> bool {
    match (doc.toks[a], doc.toks[b]) {
        (Tok::Null, Tok::Null) => true,
        (Tok::Bool(x), Tok::Bool(y)) => x == y,
        (Tok::Int(x), Tok::Int(y)) => x == y,
        (Tok::Str(x), Tok::Str(y)) => doc.bytes(x) == doc.bytes(y),
        (Tok::Int(_) | Tok::Float(..) | Tok::Big(_), Tok::Int(_) | Tok::Float(..) | Tok::Big(_)) => {
            num_dec(doc, doc.toks[a]) == num_dec(doc, doc.toks[b])
        }
        (Tok::Arr(n, _), Tok::Arr(m, _)) => {
            if n != m {
                return false;
            }
            let (mut i, mut j) = (a + 1, b + 1);
            for _ in 0..n {
                if !equal_toks(doc, i, j) {
                    return false;
                }
                i = doc.next(i);
                j = doc.next(j);
            }
            true
        }
        (Tok::Obj(n, end), Tok::Obj(m, end2)) => {
            if n != m {
                return false;
            }
            let mut i = a + 1;
            while i < end as usize {
                let Tok::Str(k) = doc.toks[i] else { return false };
                let mut j = b + 1;
                let mut found = false;
                while j < end2 as usize {
                    if let Tok::Str(k2) = doc.toks[j] {
                        if doc.bytes(k) == doc.bytes(k2) {
                            if !equal_toks(doc, i + 1, j + 1) {
                                return false;
                            }
                            found = true;
                            break;
                        }
                    }
                    j = doc.next(j + 1);
                }
                if !found {
                    return false;
                }
                i = doc.next(i + 1);
            }
            true
        }
        _ => false,
    }
}

pub fn num_dec(doc: &Doc<'_>, tok: Tok) -> Dec {
    match tok {
        Tok::Int(i) => Dec::from_i64(i),
        Tok::Float(_, sp) | Tok::Big(sp) => Dec::parse(doc.bytes(sp)),
        _ => Dec::zero(),
    }
}

/// A hash consistent with `equal_toks` (for uniqueItems over long arrays).
pub fn hash_tok(doc: &Doc<'_>, t: usize) -> u64 {
    fn mix(h: u64, x: u64) -> u64 {
        (h ^ x).wrapping_mul(0x100000001b3).rotate_left(5)
    }
    fn bytes(b: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf29ce484222325;
        for &c in b {
            h = (h ^ c as u64).wrapping_mul(0x100000001b3);
        }
        h
    }
    match doc.toks[t] {
        Tok::Null | Tok::Other => 1,
        Tok::Bool(b) => 2 + b as u64,
        Tok::Int(_) | Tok::Float(..) | Tok::Big(_) => {
            let d = num_dec(doc, doc.toks[t]);
            let mut h = mix(7, d.neg as u64);
            h = mix(h, d.exp as u64);
            for x in &d.digits {
                h = mix(h, *x as u64);
            }
            h
        }
        Tok::Str(sp) => mix(11, bytes(doc.bytes(sp))),
        Tok::Arr(_, end) => {
            let mut h = 13;
            let mut i = t + 1;
            while i < end as usize {
                h = mix(h, hash_tok(doc, i));
                i = doc.next(i);
            }
            h
        }
        Tok::Obj(_, end) => {
            let mut h: u64 = 17;
            let mut i = t + 1;
            while i < end as usize {
                let Tok::Str(k) = doc.toks[i] else { break };
                h = h.wrapping_add(mix(bytes(doc.bytes(k)), hash_tok(doc, i + 1)));
                i = doc.next(i + 1);
            }
            h
        }
    }
}
