//! Push mode: the same program fed a JSON text chunk by chunk.
//!
//! `feed` fails at the byte that makes the text impossible: a syntax error (invalid UTF-8
//! included, at the byte), or a prefix no continuation of which can be valid (a value of a
//! type no candidate takes, a key a closed object refuses, a finished scalar the schema
//! refuses, too many items, a missing required key at `}`). Each position holds its
//! candidates in disjunctive form: a list of alternatives, each a set of nodes that must all
//! hold (`anyOf`/`oneOf` branches are alternatives, `$ref` targets and `allOf` parts join
//! the set); each alternative remembers the alternatives of the enclosing value it came
//! from, so a branch that dies inside a value kills its ancestors when the value closes.
//! What a prefix cannot decide (`not`, `if`, `$dynamicRef`, `unevaluated*`, `uniqueItems`,
//! whole-container keywords) waits for `finish`, which runs the judge over the whole text:
//! the final verdict is the judge's.
//!
//! Work per byte is bounded by the schema, so a chunk costs O(chunk). The hot path allocates
//! nothing: a node's expansion is computed once per run into numbered node sets, each
//! described once (the types that may start, the scalars it takes whatever their value,
//! whether a prefix can be refused), so an alternative is two integers; containers and
//! candidate lists are recycled, string contents are scanned eight bytes at a time, a str
//! chunk is read from its code points; keys and common scalars (strings without escapes,
//! integers, fractions far from their bounds, literals) are judged on their bytes without a
//! token tape; anything else goes through the judge itself.

use std::hash::Hasher;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::parse::{self, Doc, PathItem, Tok};
use crate::program::*;
use crate::validate::Val;
use crate::{DecodeFailure, Invalid, Program};

const MAX_ALTS: usize = 64;
/// alternatives of one value at most (each parent's children counted together)
const MAX_CHILD_ALTS: usize = 256;
const MAX_EXPAND: u32 = 16;
/// keys of one object looked up linearly up to this many, through a hash table beyond
const KEY_TABLE_AT: usize = 16;
/// recycled buffers kept at most
const POOL_MAX: usize = 64;

/// Scalar kinds, as bits of `SetInfo::free`.
const K_STR: u8 = 1;
const K_INT: u8 = 2;
const K_FRAC: u8 = 4;
const K_BOOL: u8 = 8;
const K_NULL: u8 = 16;

/// A set of nodes that must all hold, with what can be told of it once and for all.
struct SetInfo {
    nodes: Box<[u32]>,
    /// every `$ref`, `allOf` and `anyOf` of these nodes is expanded into the set (nothing
    /// cut by the size limits): a node's own applicators need no second look
    exact: bool,
    /// the JSON types (numbers at T_NUM) every node lets a value start as
    starts: u8,
    /// the scalar kinds (K_*) every node accepts whatever the value
    free: u8,
    /// a string's prefix can be refused before it closes (enum, const, maxLength)
    str_check: bool,
    /// a closed object is among the nodes (a key's prefix can be refused)
    closed: bool,
}


fn node_free(nd: &Node, exact: bool) -> u8 {
    if let Some(b) = nd.boolean {
        return if b { 0xFF } else { 0 };
    }
    if nd.dynamic_ref.is_some() || nd.not.is_some() || nd.if_.is_some() || !nd.one_of.is_empty() {
        return 0;
    }
    if !exact && (nd.ref_.is_some() || !nd.all_of.is_empty() || !nd.any_of.is_empty()) {
        return 0;
    }
    if nd.const_.is_some() || nd.enum_.is_some() {
        return 0;
    }
    let t = |bit: u8| nd.types == 0 || nd.types & bit != 0;
    let mut f = 0;
    if t(T_STR) && !nd.has_str {
        f |= K_STR;
    }
    if t(T_INT) && !nd.has_num {
        f |= K_INT;
    }
    if t(T_NUM) && !nd.has_num {
        f |= K_FRAC;
    }
    if t(T_BOOL) {
        f |= K_BOOL;
    }
    if t(T_NULL) {
        f |= K_NULL;
    }
    f
}

fn closed(p: &crate::program::Program, nd: &Node) -> bool {
    nd.pattern_properties.is_empty() && p.closed(nd)
}

/// The bit of `SetInfo::starts` for a value starting as `bits`.
fn start_bit(bits: u8) -> u8 {
    if bits & T_NUM != 0 {
        T_NUM
    } else {
        bits
    }
}

fn set_of(p: &crate::program::Program, nodes: Vec<u32>, exact: bool) -> SetInfo {
    let mut info = SetInfo { nodes: Box::from([]), exact, starts: 0xFF, free: 0xFF, str_check: false, closed: false };
    for &n in &nodes {
        let nd = &p.nodes[n as usize];
        let mut starts = 0;
        for bits in [T_NULL, T_BOOL, T_NUM | T_INT, T_STR, T_ARR, T_OBJ] {
            if type_allows(nd, bits) {
                starts |= start_bit(bits);
            }
        }
        info.starts &= starts;
        info.free &= node_free(nd, exact);
        info.str_check |= nd.enum_.is_some() || nd.const_.is_some() || nd.max_length.is_some();
        info.closed |= closed(p, nd);
    }
    info.nodes = nodes.into_boxed_slice();
    info
}

/// One alternative: a set of nodes (its number in `Cache::sets`), and the alternative of
/// the enclosing value it came from.
#[derive(Clone, Copy)]
struct Alt {
    set: u32,
    parent: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum St {
    Value,
    ArrFirst,
    ObjFirst,
    ObjKey,
    Colon,
    After,
    Str,
    Esc,
    Uni(u8),
    Num,
    Lit,
    End,
}

#[derive(Default)]
struct Frame {
    obj: bool,
    /// alternatives of this container (when `constrained`)
    constrained: bool,
    alts: Vec<Alt>,
    alive: Vec<bool>,
    count: u32,
    /// the keys read so far: (start, end) in `keybuf`, and their first bytes (`head`)
    keybuf: Vec<u8>,
    keys: Vec<(usize, usize, u64)>,
    /// open-addressing index of `keys` (1 + index; 0 empty), once there are many
    table: Vec<u32>,
    /// the last key is the current member's (false between `,` and the next key)
    in_member: bool,
    /// byte offset where text can be cut and the container closed
    safe: usize,
}

fn key_slot(k: &[u8], bits: u32) -> usize {
    let mut h = Fx::default();
    h.write(k);
    (h.finish().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// A key's first eight bytes, as a number: keys of at most eight bytes with the same
/// length and head are equal.
#[inline]
fn head(k: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let m = k.len().min(8);
    b[..m].copy_from_slice(&k[..m]);
    u64::from_le_bytes(b)
}

impl Frame {
    fn key(&self, i: usize) -> &[u8] {
        let (s, e, _) = self.keys[i];
        &self.keybuf[s..e]
    }

    /// Whether `k` is a key, looked for from the key after `hint` on (the last one found:
    /// required names mostly come in the order the keys were written).
    fn has_key_near(&self, k: &[u8], hint: &mut usize) -> bool {
        if !self.table.is_empty() {
            return self.has_key(k);
        }
        let h = head(k);
        let n = self.keys.len();
        for d in 0..n {
            let i = (*hint + d) % n;
            let (s, e, g) = self.keys[i];
            if g == h && e - s == k.len() && (k.len() <= 8 || &self.keybuf[s..e] == k) {
                *hint = i + 1;
                return true;
            }
        }
        false
    }

    fn has_key(&self, k: &[u8]) -> bool {
        if self.table.is_empty() {
            let h = head(k);
            return self.keys.iter().any(|&(s, e, g)| g == h && e - s == k.len() && (k.len() <= 8 || &self.keybuf[s..e] == k));
        }
        let bits = self.table.len().trailing_zeros();
        let mask = self.table.len() - 1;
        let mut h = key_slot(k, bits);
        loop {
            let e = self.table[h];
            if e == 0 {
                return false;
            }
            if self.key(e as usize - 1) == k {
                return true;
            }
            h = (h + 1) & mask;
        }
    }

    /// The key written at `keybuf[s..]` is one of the object's.
    fn add_key(&mut self, s: usize) {
        self.keys.push((s, self.keybuf.len(), head(&self.keybuf[s..])));
        let n = self.keys.len();
        if n < KEY_TABLE_AT {
            return;
        }
        if n * 2 > self.table.len() {
            let size = (n * 4).next_power_of_two();
            self.table.clear();
            self.table.resize(size, 0);
            for i in 0..n {
                self.index_key(i);
            }
        } else {
            self.index_key(n - 1);
        }
    }

    fn index_key(&mut self, i: usize) {
        let bits = self.table.len().trailing_zeros();
        let mask = self.table.len() - 1;
        let (s, e, _) = self.keys[i];
        let mut h = key_slot(&self.keybuf[s..e], bits);
        while self.table[h] != 0 {
            h = (h + 1) & mask;
        }
        self.table[h] = i as u32 + 1;
    }

    fn reset(&mut self, obj: bool, safe: usize) {
        self.obj = obj;
        self.constrained = false;
        self.alts.clear();
        self.alive.clear();
        self.count = 0;
        self.keybuf.clear();
        self.keys.clear();
        self.table.clear();
        self.in_member = false;
        self.safe = safe;
    }
}

/// Expansions computed once per run (a node's expansion does not depend on where it is),
/// by node number (the vector grows to the largest node used); the node sets they are made
/// of, numbered; the products of several expansions, by the nodes expanded.
#[derive(Default)]
struct Cache {
    exp: Vec<Option<Box<[u32]>>>,
    sets: Vec<SetInfo>,
    products: FxMap<Box<[u32]>, Box<[u32]>>,
    empty: Option<u32>,
}

impl Cache {
    /// The expansion of node n (set numbers).
    #[inline]
    fn get(&mut self, p: &crate::program::Program, n: u32) -> &[u32] {
        if !matches!(self.exp.get(n as usize), Some(Some(_))) {
            self.compute(p, n);
        }
        self.exp[n as usize].as_deref().unwrap()
    }

    #[cold]
    fn compute(&mut self, p: &crate::program::Program, n: u32) {
        let mut exact = true;
        let dnf = expand(p, n, 0, &mut exact);
        let ids = dnf.into_iter().map(|nodes| self.add(p, nodes, exact)).collect();
        if self.exp.len() <= n as usize {
            self.exp.resize(n as usize + 1, None);
        }
        self.exp[n as usize] = Some(ids);
    }

    fn add(&mut self, p: &crate::program::Program, nodes: Vec<u32>, exact: bool) -> u32 {
        self.sets.push(set_of(p, nodes, exact));
        self.sets.len() as u32 - 1
    }

    fn empty(&mut self, p: &crate::program::Program) -> u32 {
        match self.empty {
            Some(e) => e,
            None => {
                let e = self.add(p, Vec::new(), true);
                self.empty = Some(e);
                e
            }
        }
    }

    /// The alternatives of a child that must satisfy every node of `parts` (each expanded),
    /// appended to `out` with `parent`. A part that would make more than MAX_ALTS
    /// alternatives is left out (conservative: `finish` checks it).
    fn product(&mut self, p: &crate::program::Program, parts: &[u32], parent: u32, out: &mut Vec<Alt>) {
        match parts {
            [] => {
                let e = self.empty(p);
                out.push(Alt { set: e, parent });
            }
            [one] => out.extend(self.get(p, *one).iter().map(|&set| Alt { set, parent })),
            _ => {
                if !self.products.contains_key(parts) {
                    let mut dnf: Vec<(Vec<u32>, bool)> = vec![(vec![], true)];
                    for &part in parts {
                        let ids = self.get(p, part).to_vec();
                        let mut next = Vec::new();
                        for (x, xe) in &dnf {
                            for &y in &ids {
                                let y = &self.sets[y as usize];
                                let mut c = x.clone();
                                c.extend(y.nodes.iter().copied().filter(|n| !x.contains(n)));
                                next.push((c, *xe && y.exact));
                            }
                        }
                        if next.len() > MAX_ALTS {
                            continue;
                        }
                        dnf = next;
                    }
                    let ids = dnf.into_iter().map(|(nodes, exact)| self.add(p, nodes, exact)).collect();
                    self.products.insert(Box::from(parts), ids);
                }
                out.extend(self.products[parts].iter().map(|&set| Alt { set, parent }));
            }
        }
    }
}

/// Disjunctive normal form of the necessary conditions of node n (`exact` cleared when a
/// size limit leaves a `$ref`, `allOf` or `anyOf` out).
fn expand(p: &crate::program::Program, n: u32, depth: u32, exact: &mut bool) -> Vec<Vec<u32>> {
    let nd = &p.nodes[n as usize];
    if let Some(b) = nd.boolean {
        return if b { vec![vec![]] } else { vec![] };
    }
    if depth > MAX_EXPAND {
        *exact = false;
        return vec![vec![]];
    }
    let mut dnf: Vec<Vec<u32>> = vec![vec![n]];
    let and = |dnf: Vec<Vec<u32>>, other: Vec<Vec<u32>>, exact: &mut bool| -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for a in &dnf {
            for b in &other {
                let mut c = a.clone();
                for x in b {
                    if !c.contains(x) {
                        c.push(*x);
                    }
                }
                out.push(c);
                if out.len() > MAX_ALTS {
                    // too many: keep the constraint out (conservative)
                    *exact = false;
                    return dnf.clone();
                }
            }
        }
        out
    };
    if let Some(r) = nd.ref_ {
        let sub = expand(p, r, depth + 1, exact);
        dnf = and(dnf, sub, exact);
    }
    for &b in &nd.all_of {
        let sub = expand(p, b, depth + 1, exact);
        dnf = and(dnf, sub, exact);
    }
    for branches in [&nd.any_of, &nd.one_of] {
        if branches.is_empty() {
            continue;
        }
        let mut or: Vec<Vec<u32>> = Vec::new();
        for &b in branches.iter() {
            or.extend(expand(p, b, depth + 1, exact));
        }
        if or.len() <= MAX_ALTS {
            dnf = and(dnf, or, exact);
        } else {
            *exact = false;
        }
    }
    dnf
}

fn type_allows(nd: &Node, bits: u8) -> bool {
    nd.boolean != Some(false) && (nd.types == 0 || nd.types & bits != 0) && nd.kinds & bits != 0
}

/// A finished scalar as its bytes say, for the quick check.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    /// a string without escapes: its content (valid UTF-8)
    Str(&'a [u8]),
    Int(i64),
    /// a number with a fraction, no exponent (so a finite double): its text
    Frac(&'a [u8]),
    Lit(u8),
    /// anything else: the judge decides
    Other,
}

fn scalar_of(src: &[u8], escaped: bool) -> Scalar<'_> {
    match src.first() {
        Some(b'"') if !escaped && src.len() >= 2 => Scalar::Str(&src[1..src.len() - 1]),
        Some(b't') if src == b"true" => Scalar::Lit(T_BOOL),
        Some(b'f') if src == b"false" => Scalar::Lit(T_BOOL),
        Some(b'n') if src == b"null" => Scalar::Lit(T_NULL),
        Some(b'-' | b'0'..=b'9') => number_of(src),
        _ => Scalar::Other,
    }
}

fn number_of(src: &[u8]) -> Scalar<'_> {
    let neg = src[0] == b'-';
    let digits = &src[neg as usize..];
    let int_len = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 || (int_len > 1 && digits[0] == b'0') {
        return Scalar::Other;
    }
    if int_len == digits.len() {
        if int_len > 18 {
            return Scalar::Other;
        }
        let mut v: i64 = 0;
        for &b in digits {
            v = v * 10 + (b - b'0') as i64;
        }
        return Scalar::Int(if neg { -v } else { v });
    }
    let rest = &digits[int_len..];
    // ".digits" and nothing else (an exponent may overflow a double: the judge decides)
    if rest.len() >= 2 && rest[0] == b'.' && rest[1..].iter().all(|c| c.is_ascii_digit()) && src.len() < 300 {
        return Scalar::Frac(src);
    }
    Scalar::Other
}

fn chars_in(s: &[u8]) -> u64 {
    s.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64
}

fn kind_of(v: Scalar<'_>) -> u8 {
    match v {
        Scalar::Str(_) => K_STR,
        Scalar::Int(_) => K_INT,
        Scalar::Frac(_) => K_FRAC,
        Scalar::Lit(T_BOOL) => K_BOOL,
        Scalar::Lit(_) => K_NULL,
        Scalar::Other => 0,
    }
}

/// How the double `x` compares to the bound `l`, when the doubles are far enough apart
/// to tell (None: the judge compares the decimals).
fn cmp_far(x: f64, l: &Limit) -> Option<std::cmp::Ordering> {
    let margin = x.abs().max(l.f.abs()) * 1e-12;
    if x < l.f - margin {
        Some(std::cmp::Ordering::Less)
    } else if x > l.f + margin {
        Some(std::cmp::Ordering::Greater)
    } else {
        None
    }
}

/// True when every node of `a` surely accepts the scalar `v` (false: the judge decides).
#[inline]
fn quick_accepts(p: &crate::program::Program, set: &SetInfo, v: Scalar<'_>) -> bool {
    let k = kind_of(v);
    k != 0 && (set.free & k != 0 || quick_nodes(p, set, v))
}

#[inline(never)]
fn quick_nodes(p: &crate::program::Program, set: &SetInfo, v: Scalar<'_>) -> bool {
    for &n in set.nodes.iter() {
        let nd = &p.nodes[n as usize];
        if let Some(b) = nd.boolean {
            if b {
                continue;
            }
            return false;
        }
        if nd.dynamic_ref.is_some() || nd.not.is_some() || nd.if_.is_some() || !nd.one_of.is_empty() {
            return false;
        }
        // with an exact expansion, the targets of $ref/allOf and an anyOf branch are in the set
        if !set.exact && (nd.ref_.is_some() || !nd.all_of.is_empty() || !nd.any_of.is_empty()) {
            return false;
        }
        let bits = match v {
            Scalar::Str(_) => T_STR,
            Scalar::Int(_) => T_INT,
            Scalar::Frac(_) => T_NUM,
            Scalar::Lit(b) => b,
            Scalar::Other => return false,
        };
        if nd.types != 0 && nd.types & bits == 0 {
            return false;
        }
        match v {
            Scalar::Str(s) => {
                if let Some(c) = &nd.const_ {
                    if !matches!(c, crate::jval::JVal::Str(x) if x.as_bytes() == s) {
                        return false;
                    }
                }
                if let Some(e) = &nd.enum_ {
                    let found = match &e.strings {
                        Some(set) => set.contains_key(s),
                        None => e.values.iter().any(|x| matches!(x, crate::jval::JVal::Str(x) if x.as_bytes() == s)),
                    };
                    if !found {
                        return false;
                    }
                }
                if nd.has_str {
                    if nd.pattern.is_some() || nd.format.is_some() {
                        return false;
                    }
                    let len = chars_in(s);
                    if nd.min_length.is_some_and(|m| len < m) || nd.max_length.is_some_and(|m| len > m) {
                        return false;
                    }
                }
            }
            Scalar::Int(x) => {
                if nd.const_.is_some() || nd.enum_.is_some() {
                    return false;
                }
                if nd.has_num {
                    let below = |b: &Option<Limit>, f: fn(i64, i64) -> bool| match b {
                        None => true,
                        Some(l) => l.i.is_some_and(|y| f(x, y)),
                    };
                    if !(below(&nd.minimum, |x, y| x >= y)
                        && below(&nd.maximum, |x, y| x <= y)
                        && below(&nd.ex_minimum, |x, y| x > y)
                        && below(&nd.ex_maximum, |x, y| x < y)
                        && below(&nd.multiple_of, |x, y| y > 0 && x % y == 0))
                    {
                        return false;
                    }
                }
            }
            Scalar::Frac(src) => {
                if nd.const_.is_some() || nd.enum_.is_some() || nd.multiple_of.is_some() {
                    return false;
                }
                if nd.has_num {
                    // SAFETY: ASCII digits, a sign and a point
                    let Ok(x) = unsafe { std::str::from_utf8_unchecked(src) }.parse::<f64>() else { return false };
                    use std::cmp::Ordering::*;
                    let within = |b: &Option<Limit>, ok: fn(std::cmp::Ordering) -> bool| b.as_ref().is_none_or(|l| cmp_far(x, l).is_some_and(ok));
                    if !(within(&nd.minimum, |o| o != Less)
                        && within(&nd.maximum, |o| o != Greater)
                        && within(&nd.ex_minimum, |o| o == Greater)
                        && within(&nd.ex_maximum, |o| o == Less))
                    {
                        return false;
                    }
                }
            }
            Scalar::Lit(_) => {
                if nd.const_.is_some() || nd.enum_.is_some() {
                    return false;
                }
            }
            Scalar::Other => return false,
        }
    }
    true
}

/// Append the UTF-8 of the first `len` code points of the str `s` to `out`, read from its
/// code points (asking Python for the UTF-8 would make it keep a second copy of every
/// chunk); Err(the index of the first lone surrogate, which has no UTF-8).
unsafe fn push_utf8(out: &mut Vec<u8>, s: *mut pyo3::ffi::PyObject, len: usize) -> Result<(), usize> {
    use pyo3::ffi;
    let data = ffi::PyUnicode_DATA(s);
    match ffi::PyUnicode_KIND(s) {
        ffi::PyUnicode_1BYTE_KIND => {
            // Latin-1: runs of ASCII copied as they are, 8 bytes at a time
            let b = std::slice::from_raw_parts(data as *const u8, len);
            if b.is_ascii() {
                out.extend_from_slice(b);
                return Ok(());
            }
            out.reserve(len * 2);
            let mut i = 0;
            while i < len {
                let mut j = i;
                while j + 8 <= len && u64::from_le_bytes(b[j..j + 8].try_into().unwrap()) & 0x8080_8080_8080_8080 == 0 {
                    j += 8;
                }
                while j < len && b[j] < 0x80 {
                    j += 1;
                }
                out.extend_from_slice(&b[i..j]);
                if j == len {
                    break;
                }
                let c = b[j];
                out.extend_from_slice(&[0xC0 | (c >> 6), 0x80 | (c & 0x3F)]);
                i = j + 1;
            }
        }
        ffi::PyUnicode_2BYTE_KIND => {
            out.reserve(len * 3);
            for (k, &c) in std::slice::from_raw_parts(data as *const u16, len).iter().enumerate() {
                let Some(ch) = char::from_u32(c as u32) else { return Err(k) };
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
        _ => {
            out.reserve(len * 4);
            for (k, &c) in std::slice::from_raw_parts(data as *const u32, len).iter().enumerate() {
                let Some(ch) = char::from_u32(c) else { return Err(k) };
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }
    Ok(())
}

#[pyclass(module = "strictschema._core")]
pub struct Push {
    prog: Py<Program>,
    root: u32,
    text: Vec<u8>,
    st: St,
    stack: Vec<Frame>,
    /// alternatives for the value about to start (None: unconstrained)
    next: Option<Vec<Alt>>,
    value_start: usize,
    is_key: bool,
    esc_start: usize,
    high_start: Option<usize>,
    uni: u32,
    lit: &'static [u8],
    lit_i: usize,
    failed: bool,
    /// an array item may start: its alternatives are computed when it does
    need_item: bool,
    /// an escape was seen in the current string (its prefix is then not checked early)
    str_escaped: bool,
    /// the current string's prefix can be refused before it closes (enum, const,
    /// maxLength, a closed object's key)
    str_check: bool,
    /// an unfinished UTF-8 sequence in the current string: continuation bytes still
    /// needed, the range of the next one, where the sequence started
    u8_need: u8,
    u8_lo: u8,
    u8_hi: u8,
    u8_start: usize,
    cache: Cache,
    /// recycled frames and candidate lists
    spare_frames: Vec<Frame>,
    spare_alts: Vec<Vec<Alt>>,
    /// nodes whose expansions make the next value's alternatives (scratch)
    parts: Vec<u32>,
    scratch: Vec<u8>,
}

#[inline]
fn take_vec(pool: &mut Vec<Vec<Alt>>) -> Vec<Alt> {
    pool.pop().unwrap_or_default()
}

#[inline]
fn give_vec(pool: &mut Vec<Vec<Alt>>, mut v: Vec<Alt>) {
    if pool.len() < POOL_MAX && v.capacity() <= 4 * MAX_ALTS {
        v.clear();
        pool.push(v);
    }
}

type ErrInfo = (String, String, Vec<PathItem>, Vec<PathItem>);

impl Push {
    pub(crate) fn new(prog: Py<Program>, root: u32) -> Push {
        let mut cache = Cache::default();
        let next = Python::attach(|py| {
            let p = prog.bind(py).get().inner();
            Some(cache.get(p, root).iter().map(|&set| Alt { set, parent: 0 }).collect())
        });
        Push {
            prog,
            root,
            text: Vec::new(),
            st: St::Value,
            stack: Vec::new(),
            next,
            value_start: 0,
            is_key: false,
            esc_start: 0,
            high_start: None,
            uni: 0,
            lit: b"",
            lit_i: 0,
            failed: false,
            need_item: false,
            str_escaped: false,
            str_check: false,
            u8_need: 0,
            u8_lo: 0x80,
            u8_hi: 0xBF,
            u8_start: 0,
            cache,
            spare_frames: Vec::new(),
            spare_alts: Vec::new(),
            parts: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn chars(&self, byte: usize) -> usize {
        self.text[..byte.min(self.text.len())].iter().filter(|&&c| (c & 0xC0) != 0x80).count()
    }

    fn here(&self) -> Vec<PathItem> {
        let mut out = Vec::new();
        for f in &self.stack {
            if f.obj {
                if !f.in_member || f.keys.is_empty() {
                    break;
                }
                out.push(PathItem::Key(String::from_utf8_lossy(f.key(f.keys.len() - 1)).into_owned()));
            } else {
                out.push(PathItem::Index(f.count as usize));
            }
        }
        out
    }

    fn syntax(&mut self, py: Python<'_>, msg: &str, at: usize) -> PyErr {
        self.failed = true;
        let path = crate::path_tuple(py, &self.here()).map(|t| t.unbind());
        match path {
            Ok(p) => DecodeFailure::new_err((msg.to_string(), self.chars(at), p)),
            Err(e) => e,
        }
    }

    fn invalid(&mut self, py: Python<'_>, keyword: &str, message: String, path: Vec<PathItem>, schema_path: Vec<PathItem>) -> PyErr {
        self.failed = true;
        let build = || -> PyResult<PyErr> {
            let t = PyTuple::new(
                py,
                [
                    crate::path_tuple(py, &path)?.into_any(),
                    PyString::new(py, keyword).into_any(),
                    PyString::new(py, &message).into_any(),
                    crate::path_tuple(py, &schema_path)?.into_any(),
                ],
            )?;
            let list = PyList::new(py, [t])?;
            Ok(Invalid::new_err((list.unbind(),)))
        };
        build().unwrap_or_else(|e| e)
    }

    /// The alternatives of the value starting now: filtered by the JSON type `bits`.
    #[inline]
    fn start_value(&mut self, py: Python<'_>, p: &crate::program::Program, bits: u8, what: &str) -> PyResult<Option<Vec<Alt>>> {
        let Some(mut alts) = self.next.take() else { return Ok(None) };
        let bit = start_bit(bits);
        let sets = &self.cache.sets;
        let fits = |a: &Alt| sets[a.set as usize].starts & bit != 0;
        if alts.iter().all(fits) {
            return Ok(Some(alts));
        }
        if alts.iter().any(fits) {
            alts.retain(fits);
            return Ok(Some(alts));
        }
        Err(self.type_refused(py, p, &alts, bits, what))
    }

    /// No alternative lets a value start as `bits`.
    #[cold]
    #[inline(never)]
    fn type_refused(&mut self, py: Python<'_>, p: &crate::program::Program, alts: &[Alt], bits: u8, what: &str) -> PyErr {
        // explain with the first alternative's refusing node
        let sets = &self.cache.sets;
        let (kw, msg, sp) = match alts.iter().flat_map(|a| sets[a.set as usize].nodes.iter()).find(|&&n| !type_allows(&p.nodes[n as usize], bits)) {
            Some(&n) => {
                let nd = &p.nodes[n as usize];
                let mut sp = nd.path.clone();
                if nd.boolean.is_some() {
                    ("false", format!("False schema does not allow {what}"), sp)
                } else if nd.types == 0 || nd.types & bits != 0 {
                    // the type fits: no enum/const member is of this kind
                    let kw = if nd.enum_.is_some() { "enum" } else { "const" };
                    sp.push(PathItem::Key(kw.into()));
                    (kw, format!("{what} is not one of the values the schema allows"), sp)
                } else {
                    sp.push(PathItem::Key("type".into()));
                    ("type", format!("{what} is not of the type the schema requires"), sp)
                }
            }
            None => ("false", format!("no schema allows {what} here"), vec![]),
        };
        let path = self.here();
        self.invalid(py, kw, msg, path, sp)
    }

    /// A value ended with the alternatives `survivors` alive (None: unconstrained).
    #[inline]
    fn value_done(&mut self, py: Python<'_>, survivors: Option<Vec<Alt>>) -> PyResult<()> {
        if self.settle(survivors) {
            return Err(self.value_refused(py, None));
        }
        Ok(())
    }

    /// The same, with the judge's first error to report if the enclosing value dies.
    fn value_done_err(&mut self, py: Python<'_>, survivors: Option<Vec<Alt>>, err: Option<ErrInfo>) -> PyResult<()> {
        if self.settle(survivors) {
            return Err(self.value_refused(py, err));
        }
        Ok(())
    }

    /// The enclosing value's alternatives that no survivor came from die: true when none
    /// is left.
    #[inline]
    fn settle(&mut self, survivors: Option<Vec<Alt>>) -> bool {
        if let Some(surv) = survivors {
            let dead = match self.stack.last_mut() {
                None => surv.is_empty(),
                Some(f) => {
                    let mut any = false;
                    for (i, alive) in f.alive.iter_mut().enumerate() {
                        if *alive && !surv.iter().any(|a| a.parent == i as u32) {
                            *alive = false;
                        }
                        any |= *alive;
                    }
                    f.constrained && !any
                }
            };
            give_vec(&mut self.spare_alts, surv);
            if dead {
                return true;
            }
        }
        self.after_value();
        false
    }

    #[cold]
    #[inline(never)]
    fn value_refused(&mut self, py: Python<'_>, err: Option<ErrInfo>) -> PyErr {
        let (kw, msg, path, sp) = err.unwrap_or_else(|| ("anyOf".into(), "no alternative of the schema fits this value".into(), self.here(), vec![]));
        self.invalid(py, &kw, msg, path, sp)
    }

    fn after_value(&mut self) {
        if self.stack.is_empty() {
            self.st = St::End;
        } else {
            self.st = St::After;
        }
    }

    /// A finished scalar (text[start..end]) checked against its alternatives.
    #[inline]
    fn scalar_done(&mut self, py: Python<'_>, p: &crate::program::Program, alts: Option<Vec<Alt>>, start: usize, end: usize) -> PyResult<()> {
        let Some(alts) = alts else { return self.value_done(py, None) };
        let v = scalar_of(&self.text[start..end], self.str_escaped && self.text[start] == b'"');
        let sets = &self.cache.sets;
        if alts.iter().all(|a| quick_accepts(p, &sets[a.set as usize], v)) {
            return self.value_done(py, Some(alts));
        }
        self.judge_scalar(py, p, alts, start, end)
    }

    /// The judge, on a scalar the quick check cannot decide.
    #[inline(never)]
    fn judge_scalar(&mut self, py: Python<'_>, p: &crate::program::Program, mut alts: Vec<Alt>, start: usize, end: usize) -> PyResult<()> {
        let v = scalar_of(&self.text[start..end], self.str_escaped && self.text[start] == b'"');
        let sets = &self.cache.sets;
        // the judge, on this one value
        enum Out {
            Syntax(String, usize),
            Fatal(crate::validate::Fatal),
            Done(Vec<bool>, Option<(String, String, Vec<PathItem>)>),
        }
        let out = {
            let src = &self.text[start..end];
            let mut d = Doc::new(src);
            if let Err(e) = parse::parse(&mut d) {
                Out::Syntax(e.msg, start + e.pos)
            } else {
                let mut keep = Vec::with_capacity(alts.len());
                let mut first_err = None;
                let mut fatal = None;
                'alts: for a in &alts {
                    let mut ok = true;
                    if !quick_accepts(p, &sets[a.set as usize], v) {
                        for &n in sets[a.set as usize].nodes.iter() {
                            let mut val = Val::new(p, &d, false);
                            let ok_n = val.run(n);
                            if val.fatal.is_some() {
                                let mut c = Val::new(p, &d, true);
                                c.run(n);
                                fatal = c.fatal.or(val.fatal);
                                break 'alts;
                            }
                            if !ok_n {
                                ok = false;
                                if first_err.is_none() {
                                    let mut c = Val::new(p, &d, true);
                                    c.run(n);
                                    if let Some(e) = c.errs.into_iter().next() {
                                        first_err = Some((e.keyword.to_string(), e.message, e.schema_path));
                                    }
                                }
                                break;
                            }
                        }
                    }
                    keep.push(ok);
                }
                match fatal {
                    Some(f) => Out::Fatal(f),
                    None => Out::Done(keep, first_err),
                }
            }
        };
        match out {
            Out::Syntax(msg, at) => Err(self.syntax(py, &msg, at)),
            Out::Fatal(f) => {
                self.failed = true;
                let mut path = self.here();
                path.extend(f.path);
                Err(crate::GaveUp::new_err((f.msg, crate::path_tuple(py, &path)?.unbind(), crate::path_tuple(py, &f.schema_path)?.unbind())))
            }
            Out::Done(keep, first_err) => {
                let mut k = keep.iter();
                alts.retain(|_| *k.next().unwrap());
                let first_err = first_err.map(|(kw, msg, sp)| (kw, msg, self.here(), sp));
                self.value_done_err(py, Some(alts), first_err)
            }
        }
    }

    /// The next value's alternatives; past MAX_CHILD_ALTS (unions nested in unions, each
    /// level multiplying them) the value is left unconstrained, for `finish` to judge.
    fn set_next(&mut self, next: Vec<Alt>) {
        let next = if next.len() > MAX_CHILD_ALTS {
            give_vec(&mut self.spare_alts, next);
            None
        } else {
            Some(next)
        };
        if let Some(old) = std::mem::replace(&mut self.next, next) {
            give_vec(&mut self.spare_alts, old);
        }
    }

    /// The alternatives of the member whose key was just read, of the object on top.
    fn member_alts(&mut self, py: Python<'_>, p: &crate::program::Program) -> PyResult<()> {
        let f = self.stack.last_mut().unwrap();
        if !f.constrained {
            self.next = None;
            return Ok(());
        }
        let Frame { alts, alive, keybuf, keys, .. } = f;
        let (ks, ke, _) = *keys.last().unwrap();
        let key = &keybuf[ks..ke];
        let mut next = take_vec(&mut self.spare_alts);
        let key_str = || String::from_utf8_lossy(key);
        let mut refusal: Option<(String, Vec<PathItem>)> = None;
        let mut any_alive = false;
        for i in 0..alts.len() {
            if !alive[i] {
                continue;
            }
            self.parts.clear();
            let mut ok = true;
            for &n in self.cache.sets[alts[i].set as usize].nodes.iter() {
                let nd = &p.nodes[n as usize];
                let mut matched = false;
                if let Some(pn) = nd.prop(key) {
                    matched = true;
                    self.parts.push(pn);
                }
                for &(pi, pn) in &nd.pattern_properties {
                    if let Ok(true) = p.patterns[pi].search(&key_str()) {
                        matched = true;
                        self.parts.push(pn);
                    }
                }
                if !matched {
                    if let Some(ad) = nd.additional_properties {
                        if p.nodes[ad as usize].boolean == Some(false) {
                            ok = false;
                            if refusal.is_none() {
                                let mut sp = nd.path.clone();
                                sp.push(PathItem::Key("additionalProperties".into()));
                                refusal = Some((format!("Additional properties are not allowed ({} was unexpected)", crate::num::quote(&key_str())), sp));
                            }
                            break;
                        }
                        self.parts.push(ad);
                    }
                }
                if let Some(pn) = nd.property_names {
                    let quoted = crate::num::quote(&key_str());
                    let mut d = Doc::new(quoted.as_bytes());
                    if parse::parse(&mut d).is_ok() {
                        let mut v = Val::new(p, &d, false);
                        if !v.run(pn) {
                            ok = false;
                            if refusal.is_none() {
                                let mut sp = nd.path.clone();
                                sp.push(PathItem::Key("propertyNames".into()));
                                refusal = Some((format!("property name {quoted} does not match propertyNames"), sp));
                            }
                            break;
                        }
                    }
                }
            }
            if !ok {
                alive[i] = false;
                continue;
            }
            any_alive = true;
            self.cache.product(p, &self.parts, i as u32, &mut next);
        }
        self.parts.clear();
        if !any_alive {
            give_vec(&mut self.spare_alts, next);
            let (msg, sp) = refusal.unwrap_or_else(|| ("no alternative of the schema takes this key".into(), vec![]));
            let mut path = self.here();
            path.pop();
            return Err(self.invalid(py, "additionalProperties", msg, path, sp));
        }
        self.set_next(next);
        Ok(())
    }

    /// The alternatives of the next item of the array on top (and maxItems).
    fn item_alts(&mut self, py: Python<'_>, p: &crate::program::Program) -> PyResult<()> {
        let f = self.stack.last_mut().unwrap();
        if !f.constrained {
            self.next = None;
            return Ok(());
        }
        let idx = f.count as usize;
        let mut next = take_vec(&mut self.spare_alts);
        let mut refusal = None;
        let mut any_alive = false;
        for i in 0..f.alts.len() {
            if !f.alive[i] {
                continue;
            }
            self.parts.clear();
            let mut ok = true;
            for &n in self.cache.sets[f.alts[i].set as usize].nodes.iter() {
                let nd = &p.nodes[n as usize];
                if let Some(m) = nd.max_items {
                    if idx as u64 >= m {
                        ok = false;
                        if refusal.is_none() {
                            let mut sp = nd.path.clone();
                            sp.push(PathItem::Key("maxItems".into()));
                            refusal = Some((format!("the array has more than {m} items"), sp));
                        }
                        break;
                    }
                }
                let child = if idx < nd.prefix_items.len() { Some(nd.prefix_items[idx]) } else { nd.items };
                if let Some(c) = child {
                    self.parts.push(c);
                }
            }
            if !ok {
                f.alive[i] = false;
                continue;
            }
            any_alive = true;
            self.cache.product(p, &self.parts, i as u32, &mut next);
        }
        self.parts.clear();
        if !any_alive {
            give_vec(&mut self.spare_alts, next);
            let (msg, sp) = refusal.unwrap_or_else(|| ("no alternative of the schema takes another item".into(), vec![]));
            let mut path = self.here();
            path.pop();
            return Err(self.invalid(py, "maxItems", msg, path, sp));
        }
        self.set_next(next);
        Ok(())
    }

    fn open(&mut self, py: Python<'_>, p: &crate::program::Program, obj: bool, at: usize) -> PyResult<()> {
        if self.stack.len() >= parse::MAX_DEPTH {
            return Err(self.syntax(py, &format!("nested deeper than {} levels", parse::MAX_DEPTH), at));
        }
        let alts = self.start_value(py, p, if obj { T_OBJ } else { T_ARR }, if obj { "an object" } else { "an array" })?;
        let mut f = self.spare_frames.pop().unwrap_or_default();
        f.reset(obj, at + 1);
        if let Some(alts) = alts {
            f.constrained = true;
            f.alive.resize(alts.len(), true);
            let old = std::mem::replace(&mut f.alts, alts);
            give_vec(&mut self.spare_alts, old);
        }
        self.stack.push(f);
        self.st = if obj { St::ObjFirst } else { St::ArrFirst };
        self.need_item = !obj;
        Ok(())
    }

    fn close(&mut self, py: Python<'_>, p: &crate::program::Program) -> PyResult<()> {
        let mut f = self.stack.pop().unwrap();
        if !f.constrained {
            self.spare_frames.push(f);
            return self.value_done(py, None);
        }
        let mut keep = std::mem::take(&mut self.scratch);
        keep.clear();
        let mut first_err: Option<(String, String, Vec<PathItem>)> = None;
        for (i, a) in f.alts.iter().enumerate() {
            let mut ok = f.alive[i];
            if ok {
                for &n in self.cache.sets[a.set as usize].nodes.iter() {
                    let nd = &p.nodes[n as usize];
                    let fail = |kw: &str, msg: String| {
                        let mut sp = nd.path.clone();
                        sp.push(PathItem::Key(kw.to_string()));
                        Some((kw.to_string(), msg, sp))
                    };
                    let mut e = None;
                    if f.obj {
                        let mut hint = 0;
                        for r in &nd.required {
                            if !f.has_key_near(r, &mut hint) {
                                e = fail("required", format!("{} is a required property", crate::num::quote(&String::from_utf8_lossy(r))));
                                break;
                            }
                        }
                        if e.is_none() {
                            if let Some(m) = nd.min_properties {
                                if (f.count as u64) < m {
                                    e = fail("minProperties", format!("the object has fewer than {m} properties"));
                                }
                            }
                            if let Some(m) = nd.max_properties {
                                if (f.count as u64) > m {
                                    e = fail("maxProperties", format!("the object has more than {m} properties"));
                                }
                            }
                        }
                    } else if let Some(m) = nd.min_items {
                        if (f.count as u64) < m {
                            e = fail("minItems", format!("the array has fewer than {m} items"));
                        }
                    }
                    if e.is_some() {
                        ok = false;
                        if first_err.is_none() {
                            first_err = e;
                        }
                        break;
                    }
                }
            }
            keep.push(ok as u8);
        }
        let mut surv = std::mem::replace(&mut f.alts, take_vec(&mut self.spare_alts));
        let mut k = keep.iter();
        surv.retain(|_| *k.next().unwrap() != 0);
        self.scratch = keep;
        if self.spare_frames.len() < POOL_MAX {
            self.spare_frames.push(f);
        }
        let first_err = first_err.map(|(kw, msg, sp)| (kw, msg, self.here(), sp));
        self.value_done_err(py, Some(surv), first_err)
    }

    /// Check text[from..to] (string content) as UTF-8, continuing a sequence an earlier
    /// chunk left open: Err(the offset of the first byte of the bad sequence).
    fn utf8_run(&mut self, from: usize, to: usize) -> Result<(), usize> {
        let mut k = from;
        while self.u8_need > 0 {
            if k >= to {
                return Ok(());
            }
            let b = self.text[k];
            if b < self.u8_lo || b > self.u8_hi {
                return Err(self.u8_start);
            }
            self.u8_lo = 0x80;
            self.u8_hi = 0xBF;
            self.u8_need -= 1;
            k += 1;
        }
        let Err(e) = std::str::from_utf8(&self.text[k..to]) else { return Ok(()) };
        let bad = k + e.valid_up_to();
        if e.error_len().is_some() {
            return Err(bad);
        }
        // a sequence cut by the chunk's end: what its next bytes must be
        let (need, lo, hi) = match self.text[bad] {
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xE1..=0xEF => (2, 0x80, 0xBF),
            0xF0 => (3, 0x90, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            _ => return Err(bad),
        };
        self.u8_start = bad;
        self.u8_need = need - (to - bad - 1) as u8;
        (self.u8_lo, self.u8_hi) = if to - bad > 1 { (0x80, 0xBF) } else { (lo, hi) };
        Ok(())
    }

    /// Read text[base..] (just appended; `raw`: from bytes, not yet known to be UTF-8).
    fn run(&mut self, py: Python<'_>, base: usize, raw: bool) -> PyResult<()> {
        let prog = self.prog.clone_ref(py);
        let bound = prog.bind(py);
        let p = bound.get().inner();
        let mut i = base;
        let n = self.text.len();
        while i < n {
            if !matches!(self.st, St::Str | St::Esc | St::Uni(_) | St::Num | St::Lit) {
                while i < n && matches!(self.text[i], b' ' | b'\n' | b'\r' | b'\t') {
                    i += 1;
                }
                if i >= n {
                    break;
                }
            }
            let c = self.text[i];
            match self.st {
                St::Value | St::ArrFirst => {
                    if self.st == St::ArrFirst && c == b']' {
                        i += 1;
                        self.need_item = false;
                        self.close(py, p)?;
                        continue;
                    }
                    self.value_start = i;
                    if self.need_item {
                        // the first item of an array (an empty one needs none)
                        self.need_item = false;
                        if self.stack.last().is_some_and(|f| !f.obj) {
                            self.item_alts(py, p)?;
                        }
                    }
                    match c {
                        b'{' => {
                            i += 1;
                            self.open(py, p, true, i - 1)?;
                        }
                        b'[' => {
                            i += 1;
                            self.open(py, p, false, i - 1)?;
                        }
                        b'"' => {
                            self.is_key = false;
                            self.str_escaped = false;
                            self.st = St::Str;
                            self.high_start = None;
                            let alts = self.start_value(py, p, T_STR, "a string")?;
                            self.str_check = alts.as_ref().is_some_and(|alts| alts.iter().any(|a| self.cache.sets[a.set as usize].str_check));
                            self.next = alts;
                            i += 1;
                        }
                        b'-' | b'0'..=b'9' => {
                            let alts = self.start_value(py, p, T_NUM | T_INT, "a number")?;
                            self.next = alts;
                            self.st = St::Num;
                            i += 1;
                        }
                        b't' | b'f' | b'n' => {
                            let (word, bits, what): (&'static [u8], u8, &str) = match c {
                                b't' => (b"true", T_BOOL, "true"),
                                b'f' => (b"false", T_BOOL, "false"),
                                _ => (b"null", T_NULL, "null"),
                            };
                            let alts = self.start_value(py, p, bits, what)?;
                            self.next = alts;
                            self.lit = word;
                            self.lit_i = 1;
                            self.st = St::Lit;
                            i += 1;
                        }
                        _ => return Err(self.syntax(py, "expected a JSON value", i)),
                    }
                }
                St::ObjFirst | St::ObjKey => {
                    if self.st == St::ObjFirst && c == b'}' {
                        i += 1;
                        self.close(py, p)?;
                        continue;
                    }
                    if c != b'"' {
                        return Err(self.syntax(py, "expected a string key", i));
                    }
                    self.is_key = true;
                    self.str_escaped = false;
                    self.value_start = i;
                    self.high_start = None;
                    self.st = St::Str;
                    let f = self.stack.last().unwrap();
                    self.str_check = f.constrained && f.alts.iter().zip(&f.alive).any(|(a, &alive)| alive && self.cache.sets[a.set as usize].closed);
                    i += 1;
                }
                St::Colon => {
                    if c != b':' {
                        return Err(self.syntax(py, "expected ':'", i));
                    }
                    self.st = St::Value;
                    i += 1;
                }
                St::After => {
                    let obj = self.stack.last().unwrap().obj;
                    match c {
                        b',' => {
                            let f = self.stack.last_mut().unwrap();
                            f.count += 1;
                            f.safe = i;
                            f.in_member = false;
                            i += 1;
                            if obj {
                                self.st = St::ObjKey;
                            } else {
                                // after a comma an item must follow: maxItems is decided here
                                self.st = St::Value;
                                self.item_alts(py, p)?;
                            }
                        }
                        b'}' if obj => {
                            self.stack.last_mut().unwrap().count += 1;
                            i += 1;
                            self.close(py, p)?;
                        }
                        b']' if !obj => {
                            self.stack.last_mut().unwrap().count += 1;
                            i += 1;
                            self.close(py, p)?;
                        }
                        _ => {
                            let want = if obj { "expected ',' or '}'" } else { "expected ',' or ']'" };
                            return Err(self.syntax(py, want, i));
                        }
                    }
                }
                St::Str => {
                    // run to the next quote, backslash or control byte
                    let j = parse::scan_str(&self.text, i);
                    if j > i {
                        if let Some(h) = self.high_start {
                            return Err(self.syntax(py, "lone surrogate in a string", h));
                        }
                        if raw || self.u8_need > 0 {
                            if let Err(at) = self.utf8_run(i, j) {
                                return Err(self.syntax(py, "invalid UTF-8 in a string", at));
                            }
                        }
                    }
                    i = j;
                    if i >= n {
                        if self.str_check && !self.str_escaped {
                            self.check_prefix(py, p)?;
                        }
                        break;
                    }
                    if self.u8_need > 0 {
                        let at = self.u8_start;
                        return Err(self.syntax(py, "invalid UTF-8 in a string", at));
                    }
                    let b = self.text[i];
                    if b < 0x20 {
                        return Err(self.syntax(py, "control character in a string (must be escaped)", i));
                    }
                    if b == b'\\' {
                        self.esc_start = i;
                        self.str_escaped = true;
                        self.st = St::Esc;
                        i += 1;
                        continue;
                    }
                    // closing quote
                    i += 1;
                    if let Some(h) = self.high_start {
                        return Err(self.syntax(py, "lone surrogate in a string", h));
                    }
                    let start = self.value_start;
                    if self.is_key {
                        self.key_done(py, p, start, i)?;
                    } else {
                        let alts = self.next.take();
                        self.scalar_done(py, p, alts, start, i)?;
                    }
                }
                St::Esc => {
                    i += 1;
                    match c {
                        b'u' => {
                            self.st = St::Uni(0);
                            self.uni = 0;
                        }
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                            if let Some(h) = self.high_start {
                                return Err(self.syntax(py, "lone surrogate in a string", h));
                            }
                            self.st = St::Str;
                        }
                        _ => return Err(self.syntax(py, "invalid escape in a string", self.esc_start)),
                    }
                }
                St::Uni(k) => {
                    let Some(d) = (c as char).to_digit(16) else {
                        return Err(self.syntax(py, "invalid \\u escape", self.esc_start));
                    };
                    self.uni = self.uni * 16 + d;
                    i += 1;
                    if k < 3 {
                        self.st = St::Uni(k + 1);
                        continue;
                    }
                    self.st = St::Str;
                    let u = self.uni;
                    if (0xD800..0xDC00).contains(&u) {
                        if let Some(h) = self.high_start {
                            return Err(self.syntax(py, "lone surrogate in a string", h));
                        }
                        self.high_start = Some(self.esc_start);
                    } else if (0xDC00..0xE000).contains(&u) {
                        if self.high_start.is_none() {
                            return Err(self.syntax(py, "lone surrogate in a string", self.esc_start));
                        }
                        self.high_start = None;
                    } else if let Some(h) = self.high_start {
                        return Err(self.syntax(py, "lone surrogate in a string", h));
                    }
                }
                St::Num => {
                    while i < n && matches!(self.text[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                        i += 1;
                    }
                    if i >= n {
                        break;
                    }
                    let start = self.value_start;
                    let alts = self.next.take();
                    self.scalar_done(py, p, alts, start, i)?;
                }
                St::Lit => {
                    if self.lit_i < self.lit.len() && c == self.lit[self.lit_i] {
                        self.lit_i += 1;
                        i += 1;
                        if self.lit_i == self.lit.len() {
                            let start = self.value_start;
                            let alts = self.next.take();
                            self.scalar_done(py, p, alts, start, i)?;
                        }
                        continue;
                    }
                    return Err(self.syntax(py, "expected a JSON value", i));
                }
                St::End => {
                    return Err(self.syntax(py, "extra data after the JSON value", i));
                }
            }
        }
        Ok(())
    }

    /// A key (text[start..end], quotes included) has been read.
    fn key_done(&mut self, py: Python<'_>, p: &crate::program::Program, start: usize, end: usize) -> PyResult<()> {
        let f = self.stack.last_mut().unwrap();
        let at = f.keybuf.len();
        if !self.str_escaped {
            f.keybuf.extend_from_slice(&self.text[start + 1..end - 1]);
        } else {
            let mut d = Doc::new(&self.text[start..end]);
            if let Err(e) = parse::parse(&mut d) {
                drop(d);
                return Err(self.syntax(py, &e.msg, start + e.pos));
            }
            if let Tok::Str(sp) = d.toks[0] {
                f.keybuf.extend_from_slice(d.bytes(sp));
            }
        }
        let dup = f.has_key(&f.keybuf[at..]);
        f.add_key(at);
        f.in_member = true;
        if dup {
            let msg = format!("duplicate key {}", crate::num::quote(&String::from_utf8_lossy(&f.keybuf[at..])));
            return Err(self.syntax(py, &msg, start));
        }
        self.st = St::Colon;
        self.member_alts(py, p)
    }

    /// A string not yet closed (no escape in it so far): fail as soon as no candidate can
    /// take any string starting so (an enum/const member, a closed object's property name,
    /// maxLength).
    fn check_prefix(&mut self, py: Python<'_>, p: &crate::program::Program) -> PyResult<()> {
        // long strings are left to the close: a check per chunk stays O(chunk)
        if self.text.len() - self.value_start > 4096 {
            return Ok(());
        }
        // an unfinished UTF-8 sequence at the end is not part of the prefix yet
        let end = if self.u8_need > 0 { self.u8_start } else { self.text.len() };
        let prefix = &self.text[self.value_start + 1..end];
        let Ok(ptext) = std::str::from_utf8(prefix) else { return Ok(()) };
        if self.is_key {
            let Some(f) = self.stack.last() else { return Ok(()) };
            if !f.constrained {
                return Ok(());
            }
            let mut any = false;
            let mut refusal = None;
            for (i, a) in f.alts.iter().enumerate() {
                if !f.alive[i] {
                    continue;
                }
                let ok = self.cache.sets[a.set as usize].nodes.iter().all(|&n| {
                    let nd = &p.nodes[n as usize];
                    let fits = !closed(p, nd) || nd.properties.iter().any(|(k, _, _)| k.starts_with(prefix));
                    if !fits && refusal.is_none() {
                        let mut sp = nd.path.clone();
                        sp.push(PathItem::Key("additionalProperties".into()));
                        refusal = Some(sp);
                    }
                    fits
                });
                any |= ok;
            }
            if !any {
                let msg = format!("Additional properties are not allowed (no property name starts with {})", crate::num::quote(ptext));
                let path = self.here();
                let sp = refusal.unwrap_or_default();
                return Err(self.invalid(py, "additionalProperties", msg, path, sp));
            }
            return Ok(());
        }
        let Some(alts) = &self.next else { return Ok(()) };
        let chars = ptext.chars().count() as u64;
        let starts = |v: &crate::jval::JVal| matches!(v, crate::jval::JVal::Str(x) if x.as_bytes().starts_with(prefix));
        let mut refusal: Option<(&str, String, Vec<PathItem>)> = None;
        let mut any = false;
        for a in alts {
            let ok = self.cache.sets[a.set as usize].nodes.iter().all(|&n| {
                let nd = &p.nodes[n as usize];
                let (kw, fits) = if let Some(e) = &nd.enum_ {
                    ("enum", e.values.iter().any(starts))
                } else if let Some(c) = &nd.const_ {
                    ("const", starts(c))
                } else {
                    ("", true)
                };
                if !fits {
                    if refusal.is_none() {
                        let msg = if kw == "enum" {
                            format!("{}... is not one of the enum's members (none starts so)", crate::num::quote(ptext))
                        } else {
                            format!("{}... is not the const's value (it does not start so)", crate::num::quote(ptext))
                        };
                        let mut sp = nd.path.clone();
                        sp.push(PathItem::Key(kw.into()));
                        refusal = Some((kw, msg, sp));
                    }
                    return false;
                }
                if let Some(m) = nd.max_length {
                    if chars > m {
                        if refusal.is_none() {
                            let mut sp = nd.path.clone();
                            sp.push(PathItem::Key("maxLength".into()));
                            refusal = Some(("maxLength", format!("the string is longer than {m} characters"), sp));
                        }
                        return false;
                    }
                }
                true
            });
            any |= ok;
        }
        if !any && !alts.is_empty() {
            let (kw, msg, sp) = refusal.unwrap_or(("enum", "no candidate takes this string".into(), vec![]));
            let kw = kw.to_string();
            let path = self.here();
            return Err(self.invalid(py, &kw, msg, path, sp));
        }
        Ok(())
    }

    fn string_cut(&self) -> usize {
        if let Some(h) = self.high_start {
            return h;
        }
        match self.st {
            St::Esc | St::Uni(_) => self.esc_start,
            _ if self.u8_need > 0 => self.u8_start,
            _ => self.text.len(),
        }
    }
}

#[pymethods]
impl Push {
    /// Read the next piece of text (str or bytes); raises as soon as no continuation can
    /// be valid.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.failed {
            return Err(pyo3::exceptions::PyValueError::new_err("this text already failed; start a new one"));
        }
        let base = self.text.len();
        if let Ok(s) = chunk.cast::<PyString>() {
            // SAFETY: a str object, read while we hold it
            let len = unsafe { pyo3::ffi::PyUnicode_GET_LENGTH(s.as_ptr()) } as usize;
            match unsafe { push_utf8(&mut self.text, s.as_ptr(), len) } {
                Ok(()) => self.run(py, base, false),
                Err(k) => {
                    // what comes before a lone surrogate is read (it may fail first)
                    self.text.truncate(base);
                    let _ = unsafe { push_utf8(&mut self.text, s.as_ptr(), k) };
                    self.run(py, base, false)?;
                    let at = self.text.len();
                    Err(self.syntax(py, "lone surrogate in the text", at))
                }
            }
        } else if let Ok(b) = chunk.cast::<PyBytes>() {
            // a chunk may end inside a character: strings are checked as UTF-8 as they grow
            self.text.extend_from_slice(b.as_bytes());
            self.run(py, base, true)
        } else {
            Err(pyo3::exceptions::PyTypeError::new_err("expected str or bytes"))
        }
    }

    /// The text has ended: the value, judged whole (``Invalid``/``DecodeFailure``).
    fn finish(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.st == St::Num && self.stack.is_empty() {
            let start = self.value_start;
            let end = self.text.len();
            let alts = self.next.take();
            let prog = self.prog.clone_ref(py);
            let bound = prog.bind(py);
            self.scalar_done(py, bound.get().inner(), alts, start, end)?;
        }
        if self.st != St::End {
            let at = self.text.len();
            return Err(self.syntax(py, "the JSON text is truncated", at));
        }
        let prog = self.prog.bind(py).get();
        let text = std::mem::take(&mut self.text);
        let result = (|| {
            let mut d = Doc::new(&text);
            if let Err(e) = parse::parse(&mut d) {
                return Err(prog.decode_error(py, &text, &e));
            }
            if !prog.verdict_pub(py, &d, self.root)? {
                let errs = prog.collect_pub(py, &d, self.root)?;
                return Err(Invalid::new_err((errs.unbind(),)));
            }
            Ok(prog.build_value(py, &d))
        })();
        self.text = text;
        result
    }

    /// True once the top-level value has been read in full.
    #[getter]
    fn complete(&self) -> bool {
        self.st == St::End || (self.st == St::Num && self.stack.is_empty() && self.text.last().is_some_and(|c| c.is_ascii_digit()))
    }

    #[getter]
    fn depth(&self) -> usize {
        self.stack.len()
    }

    /// characters read so far
    #[getter]
    fn pos(&self) -> usize {
        self.chars(self.text.len())
    }

    /// How to turn the text read so far into complete JSON: (cut, suffix) in characters,
    /// or None when nothing usable was read yet.
    fn closing(&self) -> Option<(usize, String)> {
        let st = self.st;
        let len = self.text.len();
        let closers: String = self.stack.iter().rev().map(|f| if f.obj { '}' } else { ']' }).collect();
        let in_str = matches!(st, St::Str | St::Esc | St::Uni(_));
        let num_ok = st == St::Num && self.text.last().is_some_and(|c| c.is_ascii_digit());
        if st == St::End {
            return Some((self.chars(len), String::new()));
        }
        if self.stack.is_empty() {
            if in_str && !self.is_key {
                return Some((self.chars(self.string_cut()), "\"".into()));
            }
            if num_ok {
                return Some((self.chars(len), String::new()));
            }
            return None;
        }
        let top = self.stack.last().unwrap();
        if matches!(st, St::After | St::ObjFirst | St::ArrFirst) {
            return Some((self.chars(len), closers));
        }
        if in_str && !self.is_key {
            return Some((self.chars(self.string_cut()), format!("\"{closers}")));
        }
        if num_ok {
            return Some((self.chars(len), closers));
        }
        Some((self.chars(top.safe), closers))
    }
}
