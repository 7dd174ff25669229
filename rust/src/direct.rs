//! The one-pass walk: JSON bytes parsed, checked and (optionally) built into Python values
//! together, directed by the schema, with no token tape.
//!
//! It serves the valid case. It stops (`Err(Stop)`) at anything it does not settle itself —
//! an invalid value, a malformed text, a pattern search that gave up — and the caller then
//! runs the tape judge (`validate.rs`) over the whole text, which gives the verdict, every
//! error and the decode error with its position. So the walk must never accept what the
//! judge refuses; where it cannot tell, it stops.
//!
//! A value whose node reads it more than once (`not`, `if`, `unevaluated*`, `contains`, ...)
//! or accepts anything is parsed onto a small tape and judged (or built) from it, and the
//! walk goes on after it. `$ref` and `allOf` become a conjunction of nodes the value must
//! meet; an `anyOf`/`oneOf` is followed when the value's kind (its first byte) leaves one
//! branch that can accept it (`Node::accept`): the others fail on their type, so the
//! applicator holds exactly when that branch does.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::parse::{self, Doc, Parser, Span, Tok, MAX_DEPTH};
use crate::program::*;
use crate::decode::{Decoder, Fused, AS_IS, ORDERED};
use crate::validate::{scalar_verdict, Val};
use crate::{build, key_str, new_str, scalar, _PyDict_NewPresized, _PyDict_SetItem_KnownHash};

/// The walk did not settle the text: run the tape judge.
pub struct Stop;

type R = Result<*mut ffi::PyObject, Stop>;

pub struct Direct<'p, 'a> {
    p: &'p Program,
    src: &'a [u8],
    i: usize,
    /// scratch for decoded strings, and the tape of values judged on one
    doc: Doc<'a>,
    depth: usize,
    /// build the Python value (else verdict only)
    make: bool,
    names: &'p [Py<PyString>],
    keys: &'p FxMap<Box<[u8]>, u32>,
    /// enum and const strings made once (`lib.rs`)
    members: &'p FxMap<Box<[u8]>, Py<PyString>>,
    /// built list items waiting for their list
    items: Vec<*mut ffi::PyObject>,
    /// (start, len, in scratch) of the unknown keys of the open objects (verdict mode)
    unknown: Vec<(u32, u32, bool)>,
    /// every object built holds only its schema's properties, in the schema's order (so a
    /// decode may work in place: `decode.rs`)
    pub tidy: bool,
    /// per node, the properties whose null the decode makes absent: left out of the dict
    /// when building (`decode::Decoder::fuse`; empty: none)
    absent: &'p [Box<[u64]>],
    /// per node: how its decode orders the dict (`Fused::ordered`)
    ordered: &'p [u8],
    /// per node, the decode's steps run on the members and items built (`Fused::posts`),
    /// and the decoder they are steps of
    posts: &'p [Box<[u32]>],
    dec: Option<&'p Decoder>,
    /// bytes walked again by `attempt` in this text (bounded: a few times the text)
    spent: usize,
    /// unions worked out in this text, by node and first member: the branches depend on
    /// those only
    unions: Vec<Known<'a>>,
    /// unions being tried (`attempt`) around the walk's place
    trying: u32,
    /// what unions that need trials keep (made at the first: most texts need none)
    memo: Option<Box<Memo>>,
    /// values judged on a tape so far (`Program.walk_tapes`, for tests)
    pub taped: u32,
    /// the bytes of the values it judged on a tape (a value taped again counts again)
    pub taped_bytes: usize,
    /// a branch tried (`attempt`) stopped where a search gave up, not where the value
    /// fails: a later branch that passes may not be the first the value meets, which the
    /// decode's union step asks for, so the value is not tidy (the decode runs whole)
    unsure: bool,
}

/// A union worked out in this text (`Direct::unions`).
struct Known<'a> {
    /// `print` of the three below: one compare rules most entries out
    print: u64,
    node: u32,
    /// the object's first key, and its string value (none: not a string, or `any`)
    key: &'a [u8],
    value: Option<&'a [u8]>,
    /// the key is one no discriminator reads: any value is alike
    any: bool,
    /// what the union leaves such an object
    found: Found,
}

/// A union's node and an object's first member, folded: the lengths and end bytes of the
/// key and the value, which tell apart most tags (`Known::print`).
#[inline]
fn print(node: u32, key: &[u8], value: Option<&[u8]>) -> u64 {
    let ends = |b: &[u8]| (b.len() as u64) << 16 | (b.first().copied().unwrap_or(0) as u64) << 8 | b.last().copied().unwrap_or(0) as u64;
    let h = (node as u64) << 32 ^ ends(key);
    match value {
        Some(v) => h.rotate_left(23) ^ ends(v) ^ 1,
        None => h,
    }
}

#[derive(Default)]
struct Memo {
    /// the conjunctions `Found::Several` lists, and a list `trial` reuses
    conjs: Vec<Conj>,
    picks: Vec<Conj>,
    /// objects and arrays that passed a union's branch nested in a branch that failed:
    /// (hash of the branch's conjunction, offset) -> (the conjunction, end, value (a
    /// reference held), tidy), taken again when the next branch tries the same conjunction
    /// there (overlapping branches that share `$defs` would walk a subtree once per branch
    /// and level). A conjunction's value at an offset is the same in any context: the depth,
    /// the decode's share and every check follow from the two.
    walked: FxMap<(u64, u32), (Conj, u32, *mut ffi::PyObject, bool)>,
    /// such branches that passed while a branch around them is tried, in order (a
    /// reference held): moved to `walked` when that fails, let go when the outermost passes
    log: Vec<((u64, u32), Conj, u32, *mut ffi::PyObject, bool)>,
}

impl Drop for Memo {
    fn drop(&mut self) {
        let logged = self.log.drain(..).map(|(_, _, _, v, _)| v);
        for v in self.walked.drain().map(|(_, (_, _, v, _))| v).chain(logged) {
            release(v);
        }
    }
}

#[inline]
fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\n' || b == b'\r' || b == b'\t'
}

/// the kind bits of the value starting with byte `c` (0: not a value), by table
#[inline]
fn kind_of(c: u8) -> u8 {
    const KINDS: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b'"' as usize] = T_STR;
        t[b'{' as usize] = T_OBJ;
        t[b'[' as usize] = T_ARR;
        t[b'-' as usize] = T_INT | T_NUM;
        let mut d = b'0';
        while d <= b'9' {
            t[d as usize] = T_INT | T_NUM;
            d += 1;
        }
        t[b't' as usize] = T_BOOL;
        t[b'f' as usize] = T_BOOL;
        t[b'n' as usize] = T_NULL;
        t
    };
    KINDS[c as usize]
}

/// How the walk takes a container of one kind meeting a conjunction of nodes.
pub enum Shape {
    /// walked, reading this node's object or array keywords (none: any members or items)
    Walk(Option<u32>),
    /// an object walked against several nodes' object keywords at once (`Direct::objects`)
    Many,
    /// parsed onto the tape and judged there
    Tape,
    /// refused by a node's type
    Fail,
}

impl Shape {
    /// `Node::shape1`'s form of a node alone's shape (walked by itself, or by none).
    pub fn code(&self) -> u8 {
        match self {
            Shape::Walk(None) => 0,
            Shape::Walk(Some(_)) => 1,
            Shape::Tape => 2,
            Shape::Fail => 3,
            Shape::Many => 4,
        }
    }
}

/// Whether node `nd` has keywords about containers of kind `kind` (`T_OBJ`, `T_ARR`).
#[inline(always)]
pub fn reads(nd: &Node, kind: u8) -> bool {
    (kind == T_OBJ && nd.has_obj) || (kind == T_ARR && nd.has_arr)
}

/// The nodes of conjunction `c` with keywords about containers of kind `kind`, in order
/// (what `objects` and `arrays` walk against; `decode::Decoder::fuse` takes the same).
fn containers(p: &Program, c: &[u32], kind: u8) -> ([u32; CONJ], usize) {
    let mut out = [0u32; CONJ];
    let mut n = 0;
    for &x in c.iter().filter(|&&x| reads(&p.nodes[x as usize], kind)) {
        out[n] = x;
        n += 1;
    }
    (out, n)
}

/// The one place that decides `Shape` (the walk, and the decode it shares: `decode.rs`).
#[inline]
pub fn shape_of(p: &Program, c: &[u32], kind: u8) -> Shape {
    let mut shape: Option<u32> = None;
    let mut many = false;
    for &n in c {
        let nd = &p.nodes[n as usize];
        if nd.enum_.is_some() || nd.const_.is_some() {
            return Shape::Tape;
        }
        if nd.types != 0 && nd.types & kind == 0 {
            return Shape::Fail;
        }
        if reads(nd, kind) {
            // several object or array nodes are walked together (`objects`, `arrays`)
            many |= shape.is_some();
            shape = Some(n);
        }
    }
    if many {
        // (up to 256 properties a node: the bits `objects` keeps; `arrays` compares no
        // items)
        let tape = if kind == T_OBJ {
            c.iter().any(|&n| p.nodes[n as usize].properties.len() > 256)
        } else {
            let mut by = c.iter().filter_map(|&n| p.nodes[n as usize].unique_by.as_deref());
            let first = by.next();
            c.iter().any(|&n| p.nodes[n as usize].unique_items) || by.any(|k| Some(k) != first)
        };
        return if tape { Shape::Tape } else { Shape::Many };
    }
    if let Some(s) = shape {
        let nd = &p.nodes[s as usize];
        // an object node with picks, alone too, is walked by `objects`, which keeps which
        // members are null (`object` keeps nothing of the kind for the others)
        if kind == T_OBJ && nd.picks.is_some() {
            return Shape::Many;
        }
        // uniqueItems is compared in the walk for arrays of strings only (their text
        // without escapes is their value); other arrays go to the tape
        if nd.unique_items && (!nd.prefix_items.is_empty() || nd.items.map_or(true, |i| p.nodes[i as usize].accept != T_STR)) {
            return Shape::Tape;
        }
    }
    Shape::Walk(shape)
}

/// Array node `s` as map entries the walk may build straight into their object
/// (`Direct::entries`): its items, and nothing else, meet one plain closed object node
/// with the properties `key` and `value`, both required, and no other keyword an entry
/// could break. (entry node, index of `key`, index of `value`)
fn entry_of(p: &Program, s: u32) -> Option<(u32, usize, usize)> {
    let nd = &p.nodes[s as usize];
    let e = nd.items?;
    let en = &p.nodes[e as usize];
    let plain = nd.prefix_items.is_empty()
        && !nd.unique_items
        && en.solo
        && en.shape1[0] == 1
        && en.types & !128 == T_OBJ
        && en.properties.len() == 2
        && en.required_idx.len() == 2
        && en.required_idx.iter().all(|&i| (i as usize) < 2)
        && en.required_idx[0] != en.required_idx[1]
        && p.closed(en)
        && en.pattern_properties.is_empty()
        && en.min_properties.is_none()
        && en.max_properties.is_none()
        && en.picks.is_none();
    if !plain {
        return None;
    }
    let k = en.properties.iter().position(|(n, _, _)| &**n == b"key")?;
    let v = en.properties.iter().position(|(n, _, _)| &**n == b"value")?;
    Some((e, k, v))
}

/// Of several object nodes an object is walked against (`Shape::Many`), the one that
/// orders its members and whose decode share the walk takes (`Direct::objects`): closed
/// (`additionalProperties: false`) and naming every property the others name, as a wire
/// node beside its residual does. None: no such node (the object is then not tidy).
pub fn lead_of(p: &Program, c: &[u32]) -> Option<u32> {
    let objs = || c.iter().copied().filter(|&n| p.nodes[n as usize].has_obj);
    objs().find(|&l| {
        let nd = &p.nodes[l as usize];
        p.closed(nd)
            && nd.pattern_properties.is_empty()
            && objs().all(|o| o == l || p.nodes[o as usize].properties.iter().all(|(k, _, _)| nd.prop_index(k).is_some()))
    })
}

/// An object node's required names (`seen`: the properties met; `nulls`: those of them
/// that are null, which `objects` keeps: a node with `picks` is walked there), counts and
/// picks.
#[inline(always)]
fn holds(nd: &Node, seen: &[u64], nulls: &[u64], count: u64) -> bool {
    nd.required_mask.iter().zip(seen.iter()).all(|(r, s)| s & r == *r)
        && nd.min_properties.map_or(true, |m| count >= m)
        && nd.max_properties.map_or(true, |m| count <= m)
        && nd.picks.as_ref().map_or(true, |pk| pk.iter().all(|u| u.hold(seen, nulls)))
}

/// A member out of its node's order (`named`: a property; else a key the node does not
/// name), by how the node's decode orders the dict (`Fused::ordered`): true where the walk
/// puts the dict in order at its end; where the decode keeps the walk's dict nothing is
/// owed; else the value is not `tidy`.
#[inline(always)]
fn misplaced(ordered: u8, named: bool, tidy: &mut bool) -> bool {
    match ordered {
        AS_IS => false,
        ORDERED if named => true,
        _ => {
            *tidy = false;
            false
        }
    }
}

/// An array node's `minItems` and `maxItems` for `count` items.
#[inline(always)]
fn length_holds(nd: &Node, count: u64) -> bool {
    nd.min_items.map_or(true, |m| count >= m) && nd.max_items.map_or(true, |m| count <= m)
}

/// A reference taken (none for null).
#[inline]
fn retain(v: *mut ffi::PyObject) {
    unsafe { ffi::Py_XINCREF(v) };
}

/// A reference let go (none for null).
#[inline]
fn release(v: *mut ffi::PyObject) {
    unsafe { ffi::Py_XDECREF(v) };
}

/// A conjunction's nodes hashed (the key of `Memo::walked`).
fn conj_hash(c: &[u32]) -> u64 {
    c.iter().fold(c.len() as u64, |h, &n| (h.rotate_left(5) ^ n as u64).wrapping_mul(0x51_7cc1_b727_220a_95))
}

/// What a union node leaves a value once the object's first member is known.
#[derive(Clone)]
enum Found {
    /// one conjunction
    One(Conj),
    /// no value of the kind passes
    Fail,
    /// an `anyOf` neither the kind nor a discriminator decides (`Direct::trial`): the
    /// conjunctions its branches make, as far as they were listed (start and length in
    /// `Memo::conjs`), to try in turn; then what is left
    Several(u32, u32, Rest),
}

/// What comes after the listed conjunctions of `Found::Several`.
#[derive(Clone, Copy)]
enum Rest {
    /// the tape (past 64 tries, or at an undecided `oneOf`)
    Judge,
    /// nothing: the value fails
    Fail,
    /// the list stopped at the first that passed: the trial again
    More,
}

/// The nodes a value of kind `kind` meets at node `n`, as `Direct::value` follows them;
/// None where that is not fixed by the program (the tape, a refusal, a discriminated
/// union worked out per object).
pub fn conj_of(p: &Program, n: u32, kind: u8) -> Option<Vec<u32>> {
    let nd = &p.nodes[n as usize];
    if nd.solo {
        return (nd.accept & kind != 0).then(|| vec![n]);
    }
    match &p.flat[n as usize][kind_index(kind)] {
        Flat::Conj(c) => Some(c.to_vec()),
        _ => None,
    }
}

/// Strict JSON text -> its value, parsed and built in one pass (`Direct::any`; a plain
/// scalar without a walk: `scalar_text`): None where the text is not JSON, or past what
/// the walk takes (the strict parse then says what is wrong, or takes it).
pub unsafe fn loads(src: &[u8]) -> Option<*mut ffi::PyObject> {
    if let Some(x) = scalar_text(src) {
        return Some(x);
    }
    let (p, keys, members) = (Program::empty(), FxMap::default(), FxMap::default());
    loads_with(&p, &keys, &members, src)
}

/// `loads` under a walk's program and maps (none of which an untyped value reads: no
/// program of its own made and dropped per text).
unsafe fn loads_with(p: &Program, keys: &FxMap<Box<[u8]>, u32>, members: &FxMap<Box<[u8]>, Py<PyString>>, src: &[u8]) -> Option<*mut ffi::PyObject> {
    let mut w = Direct::new(p, src, true, None, &[], keys, members);
    w.ws();
    let v = w.any().ok()?;
    w.ws();
    if w.i != src.len() {
        release(v);
        return None;
    }
    Some(v)
}

/// JSON text that is a plain scalar — `true`, `false`, `null`, an integer of up to 18
/// digits, or a UTF-8 string with no escape — as its value (map values sent as JSON text
/// are mostly such); None for anything else.
unsafe fn scalar_text(src: &[u8]) -> Option<*mut ffi::PyObject> {
    let start = src.iter().position(|&b| !is_ws(b))?;
    let end = src.len() - src.iter().rev().position(|&b| !is_ws(b))?;
    let t = &src[start..end];
    let own = |o: *mut ffi::PyObject| {
        ffi::Py_INCREF(o);
        Some(o)
    };
    match t {
        b"true" => own(ffi::Py_True()),
        b"false" => own(ffi::Py_False()),
        b"null" => own(ffi::Py_None()),
        [b'"', inner @ .., b'"'] => {
            if inner.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20) {
                return None;
            }
            let ascii = inner.is_ascii();
            // (bytes that are not UTF-8: the strict parse says where)
            if !ascii && std::str::from_utf8(inner).is_err() {
                return None;
            }
            Some(new_str(inner, ascii))
        }
        _ => {
            let digits = t.strip_prefix(b"-").unwrap_or(t);
            let plain = !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) && (digits[0] != b'0' || digits.len() == 1);
            if !plain {
                return None;
            }
            let n: i64 = std::str::from_utf8(t).ok()?.parse().ok()?;
            Some(ffi::PyLong_FromLongLong(n))
        }
    }
}

unsafe fn decref_all(v: &mut Vec<*mut ffi::PyObject>, from: usize) {
    for o in v.drain(from..) {
        ffi::Py_XDECREF(o);
    }
}

impl<'p, 'a> Direct<'p, 'a> {
    /// `share`: build with the decode's share (`decode::Decoder::fuse`; none: nothing).
    #[inline]
    pub fn new(p: &'p Program, src: &'a [u8], make: bool, share: Option<(&'p Fused, &'p Decoder)>, names: &'p [Py<PyString>], keys: &'p FxMap<Box<[u8]>, u32>, members: &'p FxMap<Box<[u8]>, Py<PyString>>) -> Self {
        let (absent, ordered, posts, dec): (&[Box<[u64]>], &[u8], &[Box<[u32]>], _) = match share {
            Some((f, d)) => (&f.absent, &f.ordered, &f.posts, Some(d)),
            None => (&[], &[], &[], None),
        };
        Direct { p, src, i: 0, doc: Doc::lazy(src), depth: 0, make, names, keys, members, items: Vec::new(), unknown: Vec::new(), tidy: true, absent, ordered, posts, dec, unions: Vec::new(), spent: 0, trying: 0, memo: None, taped: 0, taped_bytes: 0, unsure: false }
    }

    /// The decode's step `s` (`Fused::posts`) run on a value just built (its reference
    /// taken): the decoded value, or Stop where the decode refuses it.
    #[inline(never)]
    fn post(&self, s: u32, v: *mut ffi::PyObject) -> R {
        let d = self.dec.ok_or(Stop)?;
        let out = unsafe { d.post(s, v) };
        release(v);
        out.ok_or(Stop)
    }

    /// The whole text against `node`: the value (null when not building), or Stop.
    #[inline(always)]
    pub fn run(&mut self, node: u32) -> R {
        if self.p.dynamic || self.src.len() >= u32::MAX as usize || self.src.starts_with(b"\xef\xbb\xbf") {
            return Err(Stop);
        }
        self.ws();
        let v = self.value(node)?;
        self.ws();
        if self.i != self.src.len() {
            release(v);
            return Err(Stop);
        }
        if self.unsure {
            self.tidy = false;
        }
        Ok(v)
    }

    fn memo(&mut self) -> &mut Memo {
        self.memo.get_or_insert_with(Default::default)
    }

    #[inline]
    fn ws(&mut self) {
        // compact text: the next byte is past the space, one test
        if self.src.get(self.i).map_or(true, |&b| b > b' ') {
            return;
        }
        while self.i < self.src.len() && is_ws(self.src[self.i]) {
            self.i += 1;
        }
    }

    /// For an object at `i`: its first key (without escapes) and, when the value is a
    /// string without escapes, the value, to pick a discriminated branch.
    fn first_member(&self) -> Option<(&'a [u8], Option<&'a [u8]>)> {
        let src = self.src;
        let mut i = self.i + 1;
        let skip = |mut i: usize| {
            while i < src.len() && is_ws(src[i]) {
                i += 1;
            }
            i
        };
        let plain = |i: usize| -> Option<(usize, usize)> {
            if src.get(i) != Some(&b'"') {
                return None;
            }
            let (end, _) = parse::scan_plain(src, i + 1);
            (src.get(end) == Some(&b'"')).then_some((i + 1, end))
        };
        i = skip(i);
        let (ks, ke) = plain(i)?;
        i = skip(ke + 1);
        if src.get(i) != Some(&b':') {
            return None;
        }
        Some((&src[ks..ke], plain(skip(i + 1)).map(|(vs, ve)| &src[vs..ve])))
    }

    fn value(&mut self, n: u32) -> R {
        let Some(&b) = self.src.get(self.i) else { return Err(Stop) };
        let kind = kind_of(b);
        if kind == 0 {
            return Err(Stop);
        }
        let nd = &self.p.nodes[n as usize];
        // the common case: a plain node with nothing to follow
        if nd.solo {
            if nd.accept & kind == 0 {
                return Err(Stop);
            }
            return self.meet(&[n], kind);
        }
        let p = self.p;
        match &p.flat[n as usize][kind_index(kind)] {
            Flat::Conj(c) => self.meet(c, kind),
            Flat::Fail => Err(Stop),
            Flat::Judge => self.tape(Some(n)),
            Flat::Union(cs) => self.first_of(cs, kind),
            Flat::Dynamic => self.dynamic(n, kind),
        }
    }

    /// A discriminated union on the way: its branch depends on this object's first member,
    /// so objects alike in that share the work (`unions`).
    #[inline(never)]
    fn dynamic(&mut self, n: u32, kind: u8) -> R {
        let first = self.first_member();
        // (an entry whose key no discriminator reads stands for any value)
        let known = first.and_then(|(k, v)| {
            let (bare, full) = (print(n, k, None), print(n, k, v));
            self.unions.iter().position(|u| {
                u.print == if u.any { bare } else { full }
                    && u.node == n
                    && same(u.key, k)
                    && (u.any
                        || match (u.value, v) {
                            (Some(a), Some(b)) => same(a, b),
                            (a, b) => a.is_none() && b.is_none(),
                        })
            })
        });
        let found = match known {
            Some(i) => self.unions[i].found.clone(),
            None => {
                // the value counts only under a key some discriminator reads
                let p = self.p;
                let any = first.is_some_and(|(k, _)| !p.disc_keys.iter().any(|d| same(d, k)));
                let first = first.map(|(k, v)| (k, v.filter(|_| !any)));
                let keep = first.is_some() && self.unions.len() < 64;
                let mut c = Conj::default();
                // a discriminator's value: worked out when the program was built
                let value = match first {
                    Some((k, Some(v))) if kind == T_OBJ && !any => {
                        p.by_value.get(&n).and_then(|m| m.iter().find(|(name, _)| same(name, k))).and_then(|(_, m)| m.get(v))
                    }
                    _ => None,
                };
                let f = match value {
                    Some(Some(c)) => Found::One(c.clone()),
                    Some(None) => Found::Fail,
                    None => match self.p.flatten(n, kind, &mut c, 0, &mut |nd, k, _| discriminate(nd, k, first)) {
                        Ok(()) => Found::One(c),
                        Err(Tape::Fail) => Found::Fail,
                        Err(Tape::Judge) => {
                            let (r, f) = self.trial(n, kind, first, 0, keep);
                            if let (Some((key, value)), true) = (first, keep) {
                                self.unions.push(Known { print: print(n, key, value), node: n, key, value, any, found: f });
                            }
                            return r;
                        }
                    },
                };
                // known before the walk goes in: objects nested in this one may be alike
                if let (Some((key, value)), true) = (first, keep) {
                    self.unions.push(Known { print: print(n, key, value), node: n, key, value, any, found: f.clone() });
                }
                f
            }
        };
        match found {
            Found::One(c) => self.meet(c.nodes(), kind),
            Found::Fail => Err(Stop),
            Found::Several(start, len, rest) => {
                let (at, tidy) = (self.i, self.tidy);
                for k in start..start + len {
                    let c = self.memo().conjs[k as usize].clone();
                    if let Some(v) = self.attempt(c.nodes(), kind, at, tidy)? {
                        return Ok(v);
                    }
                }
                match rest {
                    Rest::Judge => self.tape(Some(n)),
                    Rest::Fail => Err(Stop),
                    Rest::More => {
                        // the listed ones failed: the trial goes on past them
                        let (r, learnt) = self.trial(n, kind, first, len as usize, true);
                        self.unions[known.unwrap()].found = learnt;
                        r
                    }
                }
            }
        }
    }

    /// A node with an `anyOf` that neither the value's kind nor a discriminator decides: the
    /// conjunctions its branches make (`Program::each_choice`), walked in turn until one
    /// passes (a first pass settles it: any branch will do); a `oneOf` among them (whose
    /// verdict needs every branch's, and a walk that stops has not shown a branch fails)
    /// goes to the tape. `first`: the object's first member (`first_member`), which
    /// `discriminate` reads. Also what was learnt, for objects alike in that (`unions`).
    /// The first `skip` conjunctions are listed, not tried (they failed already); `keep`:
    /// the list is kept (in `conjs`) for `unions`.
    #[inline(never)]
    fn trial(&mut self, n: u32, kind: u8, first: Option<(&'a [u8], Option<&'a [u8]>)>, skip: usize, keep: bool) -> (R, Found) {
        let p = self.p;
        let (at, tidy) = (self.i, self.tidy);
        let mut out = Err(Stop);
        // a list reused across trials (one nested in this one's tries makes its own)
        let mut list = std::mem::take(&mut self.memo().picks);
        list.clear();
        let mut listed = 0usize;
        let mut stopped = false;
        let r = p.each_choice(
            n,
            kind,
            &mut |nd, k, _| match discriminate(nd, k, first) {
                Err(Tape::Judge) => Ok(None),
                r => r,
            },
            &mut |c| {
                if keep {
                    list.push(c.clone());
                }
                listed += 1;
                if listed <= skip {
                    return false;
                }
                stopped = match self.attempt(c.nodes(), kind, at, tidy) {
                    Ok(Some(v)) => {
                        out = Ok(v);
                        true
                    }
                    Ok(None) => false,
                    Err(_) => true,
                };
                stopped
            },
        );
        let rest = match r {
            Err(_) => Rest::Judge,
            Ok(_) if stopped => Rest::More,
            Ok(_) => Rest::Fail,
        };
        let learnt = if listed == 0 && matches!(rest, Rest::Fail) {
            Found::Fail
        } else {
            let conjs = &mut self.memo().conjs;
            let start = conjs.len() as u32;
            conjs.extend_from_slice(&list);
            Found::Several(start, list.len() as u32, rest)
        };
        self.memo().picks = list;
        match r {
            Err(Tape::Judge) => (self.tape(Some(n)), learnt),
            _ => (out, learnt),
        }
    }

    /// The value against the conjunctions of `Flat::Union`, in turn until one passes.
    #[inline(never)]
    fn first_of(&mut self, cs: &[Box<[u32]>], kind: u8) -> R {
        let (at, tidy) = (self.i, self.tidy);
        for c in cs.iter() {
            if let Some(v) = self.attempt(c, kind, at, tidy)? {
                return Ok(v);
            }
        }
        Err(Stop)
    }

    /// One conjunction of a union tried on the value at `at`: Some(value) when it passes;
    /// None when it does not (the walk put back at `at`); Stop once the re-walks have
    /// cost a few times the text (`spent`).
    fn attempt(&mut self, c: &[u32], kind: u8, at: usize, tidy: bool) -> Result<Option<*mut ffi::PyObject>, Stop> {
        // an object or array: maybe passed in a branch that failed (`walked`)
        let container = kind & (T_OBJ | T_ARR) != 0;
        if container && self.memo.as_ref().is_some_and(|m| !m.walked.is_empty()) {
            if let Some(v) = self.recall(c, at) {
                return Ok(Some(v));
            }
        }
        let mark = self.memo.as_ref().map_or(0, |m| m.log.len());
        self.trying += 1;
        self.tidy = true;
        let r = self.meet(c, kind);
        self.trying -= 1;
        match r {
            Ok(v) => {
                let own = self.tidy;
                self.tidy = tidy && own;
                if container && self.trying > 0 {
                    self.note(c, at, v, own);
                } else if self.trying == 0 && self.memo.as_ref().is_some_and(|m| !m.log.is_empty()) {
                    self.settle(None);
                }
                Ok(Some(v))
            }
            Err(_) => {
                if self.memo.as_ref().is_some_and(|m| m.log.len() > mark) {
                    self.settle(Some(mark));
                }
                self.spent += self.i.saturating_sub(at) + 1;
                self.i = at;
                self.tidy = tidy;
                if self.spent > 4 * self.src.len() + 4096 {
                    return Err(Stop);
                }
                Ok(None)
            }
        }
    }

    /// The value of conjunction `c` at `at` when a branch that failed had it pass there,
    /// the walk moved past it.
    #[inline(never)]
    fn recall(&mut self, c: &[u32], at: usize) -> Option<*mut ffi::PyObject> {
        let (nodes, end, v, tidy) = self.memo.as_ref()?.walked.get(&(conj_hash(c), at as u32))?;
        if nodes.nodes() != c {
            return None;
        }
        let (end, v, tidy) = (*end, *v, *tidy);
        self.i = end as usize;
        self.tidy &= tidy;
        retain(v);
        Some(v)
    }

    /// A branch nested in another passed (`own`: its value is tidy): logged, for the next
    /// branch of one around it that fails.
    #[inline(never)]
    fn note(&mut self, c: &[u32], at: usize, v: *mut ffi::PyObject, own: bool) {
        let mut nodes = Conj::default();
        if nodes.extend(c).is_err() {
            return;
        }
        retain(v);
        let end = self.i as u32;
        self.memo().log.push(((conj_hash(c), at as u32), nodes, end, v, own));
    }

    /// After a branch: what it logged from `mark` on goes to `walked` (Some: it failed, the
    /// next branch may meet those again), or the whole log is let go (None: the outermost
    /// branch passed, nothing will meet them again).
    #[inline(never)]
    fn settle(&mut self, mark: Option<usize>) {
        let m = self.memo();
        let Some(mark) = mark else {
            for (_, _, _, v, _) in std::mem::take(&mut m.log) {
                release(v);
            }
            return;
        };
        for (key, nodes, end, v, tidy) in m.log.split_off(mark) {
            if let Some((_, _, old, _)) = m.walked.insert(key, (nodes, end, v, tidy)) {
                release(old);
            }
        }
    }

    /// The value at `i` parsed onto the tape, judged against `n` (if any), built.
    fn tape(&mut self, n: Option<u32>) -> R {
        self.taped += 1;
        self.doc.toks.clear();
        self.doc.pooled();
        match parse::parse_value_at(&mut self.doc, self.i, self.depth) {
            Ok(end) => {
                self.taped_bytes += end - self.i;
                self.i = end
            }
            Err(_) => return Err(Stop),
        }
        if let Some(n) = n {
            let mut v = Val::new(self.p, &self.doc, false);
            if !v.node(n, 0) {
                self.unsure |= self.trying > 0 && v.fatal.is_some();
                return Err(Stop);
            }
        }
        if !self.make {
            return Ok(std::ptr::null_mut());
        }
        if self.tidy && self.doc.toks.iter().any(|t| matches!(t, Tok::Obj(..))) {
            self.tidy = false;
        }
        Ok(unsafe { build(&self.doc, 0, self.names, self.keys, None) })
    }

    /// A value of kind `kind` against every node of `c` (own keywords only).
    fn meet(&mut self, c: &[u32], kind: u8) -> R {
        match kind {
            T_OBJ | T_ARR => {
                // a node alone: its shape worked out when the program was built
                let shape = match c {
                    [n] => match self.p.nodes[*n as usize].shape1[(kind == T_ARR) as usize] {
                        0 => Shape::Walk(None),
                        1 => Shape::Walk(Some(*n)),
                        2 => Shape::Tape,
                        4 => Shape::Many,
                        _ => Shape::Fail,
                    },
                    _ => shape_of(self.p, c, kind),
                };
                let shape = match shape {
                    Shape::Walk(s) => s,
                    Shape::Many => {
                        if self.depth + 1 >= MAX_DEPTH {
                            return Err(Stop);
                        }
                        self.depth += 1;
                        let r = if kind == T_OBJ { self.objects(c) } else { self.arrays(c) };
                        self.depth -= 1;
                        return r;
                    }
                    Shape::Tape => return self.tape_all(c, false),
                    Shape::Fail => return Err(Stop),
                };
                if self.depth + 1 >= MAX_DEPTH {
                    return Err(Stop);
                }
                self.depth += 1;
                let r = if kind == T_OBJ { self.object(shape) } else { self.array(shape) };
                self.depth -= 1;
                r
            }
            _ => self.scalar(c, kind),
        }
    }

    /// A value no node constrains, parsed and built in one go: what a tape would build, with
    /// the strict parse's refusals (a key given twice, a document too deep); an object in it
    /// leaves the value untidy, as on a tape. (Building nothing, a container goes to the tape.)
    fn any(&mut self) -> R {
        let Some(&b) = self.src.get(self.i) else { return Err(Stop) };
        let kind = kind_of(b);
        if kind != T_OBJ && kind != T_ARR {
            return if kind == 0 { Err(Stop) } else { self.scalar(&[], kind) };
        }
        if !self.make {
            // (the tape's parse finds repeated keys however many there are)
            return self.tape(None);
        }
        if self.depth + 1 >= MAX_DEPTH {
            return Err(Stop);
        }
        self.depth += 1;
        self.i += 1;
        let r = if kind == T_OBJ { self.any_members() } else { self.any_items() };
        self.depth -= 1;
        r
    }

    /// (`any`'s, building: the dict finds a repeated key, `put`)
    fn any_members(&mut self) -> R {
        self.tidy = false;
        let dict = unsafe { ffi::PyDict_New() };
        let r: Result<(), Stop> = (|| {
            if self.empty_object() {
                return Ok(());
            }
            loop {
                let ksp = self.member_key()?;
                let v = self.any()?;
                let kobj = unsafe { key_str(self.doc.bytes(ksp), ksp.ascii()) };
                self.put(dict, None, false, v, kobj)?;
                if !self.more_members()? {
                    return Ok(());
                }
            }
        })();
        if r.is_err() {
            release(dict);
            return Err(Stop);
        }
        Ok(dict)
    }

    /// (`any`'s, building)
    fn any_items(&mut self) -> R {
        let base = self.items.len();
        self.ws();
        let r: Result<(), Stop> = (|| {
            if self.empty_array() {
                return Ok(());
            }
            loop {
                let v = self.any()?;
                self.items.push(v);
                if !self.more_items()? {
                    return Ok(());
                }
            }
        })();
        self.end_list(r.is_ok(), base)
    }

    /// A value parsed onto the tape and judged against each node of `c` there: by its own
    /// keywords (a container meeting a conjunction), or `whole` (`value_all`'s kids).
    fn tape_all(&mut self, c: &[u32], whole: bool) -> R {
        let v = self.tape(None)?;
        for &n in c {
            let mut val = Val::new(self.p, &self.doc, false);
            if !(if whole { val.node(n, 0) } else { val.own(n, 0) }) {
                self.unsure |= self.trying > 0 && val.fatal.is_some();
                release(v);
                return Err(Stop);
            }
        }
        Ok(v)
    }

    /// (inlined where it is called: the walk's hottest path, `meet`, keeps it in line)
    #[inline(always)]
    fn scalar(&mut self, c: &[u32], kind: u8) -> R {
        let start = self.i;
        let tok = match kind {
            T_STR => Tok::Str(self.string()?),
            T_NULL => self.lit(b"null", Tok::Null)?,
            T_BOOL => {
                if self.src[start] == b't' {
                    self.lit(b"true", Tok::Bool(true))?
                } else {
                    self.lit(b"false", Tok::Bool(false))?
                }
            }
            _ => self.number()?,
        };
        // checks beyond the kind: through the judge's own keyword code, on the token itself
        let tk = match tok {
            Tok::Int(_) | Tok::Big(_) => T_INT,
            Tok::Float(..) => T_NUM,
            _ => kind,
        };
        let mut member = false;
        if c.iter().any(|&n| self.p.nodes[n as usize].quick & tk == 0) {
            member = c.iter().any(|&n| {
                let nd = &self.p.nodes[n as usize];
                nd.enum_.is_some() || nd.const_.is_some()
            });
            for &n in c {
                match scalar_verdict(self.p, &self.doc, n, tok) {
                    Some(true) => {}
                    found => {
                        self.unsure |= self.trying > 0 && found.is_none();
                        return Err(Stop);
                    }
                }
            }
        }
        if !self.make {
            return Ok(std::ptr::null_mut());
        }
        unsafe {
            Ok(match tok {
                Tok::Str(sp) if member => match self.members.get(self.doc.bytes(sp)) {
                    // an enum or const member: the string made when the program was
                    Some(m) => {
                        let o = m.as_ptr();
                        ffi::Py_XINCREF(o);
                        o
                    }
                    None => new_str(self.doc.bytes(sp), sp.ascii()),
                },
                tok => scalar(&self.doc, tok),
            })
        }
    }

    /// A number at `i`: short integers read here, the rest by the parser.
    #[inline(always)]
    fn number(&mut self) -> Result<Tok, Stop> {
        let src = self.src;
        let start = self.i;
        let neg = src[start] == b'-';
        let mut i = start + neg as usize;
        let mut v: i64 = 0;
        let d0 = i;
        while i < src.len() && src[i].is_ascii_digit() && i - d0 < 18 {
            v = v * 10 + (src[i] - b'0') as i64;
            i += 1;
        }
        let n = i - d0;
        let next = src.get(i).copied().unwrap_or(b' ');
        if n > 0 && n < 18 && !(n > 1 && src[d0] == b'0') && !matches!(next, b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i = i;
            return Ok(Tok::Int(if neg { -v } else { v }));
        }
        // a decimal fraction with at most 15 significant digits and no exponent: the
        // mantissa and the power of ten are exact doubles, so one division rounds correctly
        if n > 0 && n < 16 && !(n > 1 && src[d0] == b'0') && next == b'.' {
            let f0 = i + 1;
            let mut j = f0;
            while j < src.len() && src[j].is_ascii_digit() && (n + j - f0) < 16 {
                v = v * 10 + (src[j] - b'0') as i64;
                j += 1;
            }
            let fd = j - f0;
            let after = src.get(j).copied().unwrap_or(b' ');
            if fd > 0 && n + fd <= 15 && !matches!(after, b'e' | b'E' | b'0'..=b'9') {
                const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
                let m = v as f64 / POW10[fd];
                self.i = j;
                let sp = Span { s: start as u32, l: (j - start) as u32, f: 2 };
                return Ok(Tok::Float(if neg { -m } else { m }, sp));
            }
        }
        self.doc.pooled();
        let mut p = Parser::at(&mut self.doc, start);
        p.number().map_err(|_| Stop)?;
        self.i = p.i;
        self.doc.toks.pop().ok_or(Stop)
    }

    /// A string at `i` (its opening quote) -> its span: escape-free strings scanned here,
    /// the rest decoded by the parser.
    #[inline(always)]
    fn string(&mut self) -> Result<Span, Stop> {
        let src = self.src;
        let start = self.i + 1;
        let (i, ascii) = parse::scan_plain(src, start);
        if src.get(i) == Some(&b'"') {
            if !ascii && std::str::from_utf8(&src[start..i]).is_err() {
                return Err(Stop);
            }
            self.i = i + 1;
            return Ok(Span { s: start as u32, l: (i - start) as u32, f: if ascii { 2 } else { 0 } });
        }
        self.doc.pooled();
        let mut p = Parser::at(&mut self.doc, self.i);
        let sp = p.string().map_err(|_| Stop)?;
        self.i = p.i;
        Ok(sp)
    }

    #[inline]
    fn lit(&mut self, word: &[u8], tok: Tok) -> Result<Tok, Stop> {
        if self.src[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(tok)
        } else {
            Err(Stop)
        }
    }

    /// `[` ... `]` against the array node `shape` (none: items of any value)
    fn array(&mut self, shape: Option<u32>) -> R {
        let p = self.p;
        self.i += 1;
        let base = self.items.len();
        let mut count: usize = 0;
        let mut keys_seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
        let mut texts_seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
        let unique = shape.is_some_and(|s| p.nodes[s as usize].unique_items);
        let post = match shape {
            Some(s) if self.make && !self.posts.is_empty() => self.posts[s as usize].last().copied().unwrap_or(0),
            _ => 0,
        };
        self.ws();
        let r: Result<(), Stop> = (|| {
            if self.empty_array() {
                return Ok(());
            }
            loop {
                if let Some(key) = shape.and_then(|s| p.nodes[s as usize].unique_by.as_deref()) {
                    self.new_entry_key(key, &mut keys_seen)?;
                }
                let item_at = self.i;
                let child = shape.and_then(|s| {
                    let nd = &p.nodes[s as usize];
                    if count < nd.prefix_items.len() { Some(nd.prefix_items[count]) } else { nd.items }
                });
                let v = match child.and_then(|ch| self.decoded_value(ch, post)) {
                    Some(r) => r?,
                    None => {
                        let v = match child {
                            Some(ch) => self.value(ch)?,
                            None => self.any()?,
                        };
                        if post != 0 { self.post(post, v)? } else { v }
                    }
                };
                if self.make {
                    self.items.push(v);
                }
                if unique {
                    // a string item's text (quotes included, no escapes) is its value
                    let text = &self.src[item_at..self.i];
                    if text.contains(&b'\\') || !texts_seen.insert(text) {
                        return Err(Stop);
                    }
                }
                count += 1;
                if !self.more_items()? {
                    return Ok(());
                }
            }
        })();
        let ok = r.is_ok()
            && match shape {
                Some(s) => {
                    let nd = &p.nodes[s as usize];
                    length_holds(nd, count as u64)
                }
                None => true,
            };
        self.end_list(ok, base)
    }

    /// Past an object's `{`: whether it closes at once (the walk then past its `}`).
    #[inline(always)]
    fn empty_object(&mut self) -> bool {
        self.ws();
        if self.src.get(self.i) == Some(&b'}') {
            self.i += 1;
            return true;
        }
        false
    }

    /// A member's key and its colon (the walk at the key's quote; after: at the value).
    #[inline(always)]
    fn member_key(&mut self) -> Result<Span, Stop> {
        if self.src.get(self.i) != Some(&b'"') {
            return Err(Stop);
        }
        let ksp = self.string()?;
        self.ws();
        if self.src.get(self.i) != Some(&b':') {
            return Err(Stop);
        }
        self.i += 1;
        self.ws();
        Ok(ksp)
    }

    /// After an item: true at a `,` (more to come), false at the `]` (taken).
    #[inline(always)]
    fn more_items(&mut self) -> Result<bool, Stop> {
        self.more(b']')
    }

    /// After a member or an item: true at a comma (the walk then at the next one), false at
    /// the container's `close` (past it).
    #[inline(always)]
    fn more(&mut self, close: u8) -> Result<bool, Stop> {
        self.ws();
        match self.src.get(self.i) {
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(true)
            }
            Some(&b) if b == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(Stop),
        }
    }

    /// At a map entry (`uniqueBy: key`): the key must be the entry's first member, and not
    /// one of `seen` (its text as written).
    #[inline(always)]
    fn new_entry_key(&self, key: &[u8], seen: &mut std::collections::HashSet<&'a [u8]>) -> Result<(), Stop> {
        match (self.src[self.i], self.first_member()) {
            (b'{', Some((k, Some(v)))) if k == key && seen.insert(v) => Ok(()),
            _ => Err(Stop),
        }
    }

    /// At an array's first item: whether it is `]` (taken).
    #[inline(always)]
    fn empty_array(&mut self) -> bool {
        if self.src.get(self.i) == Some(&b']') {
            self.i += 1;
            return true;
        }
        false
    }

    /// An array's end: where `ok`, the items built from `base` on as a list (taken from
    /// `items`; nothing where the walk builds nothing), else they are let go and the walk
    /// stops.
    #[inline(always)]
    fn end_list(&mut self, ok: bool, base: usize) -> R {
        if !ok {
            unsafe { decref_all(&mut self.items, base) };
            return Err(Stop);
        }
        if !self.make {
            return Ok(std::ptr::null_mut());
        }
        unsafe {
            let list = ffi::PyList_New((self.items.len() - base) as ffi::Py_ssize_t);
            for (k, o) in self.items.drain(base..).enumerate() {
                ffi::PyList_SET_ITEM(list, k as ffi::Py_ssize_t, o);
            }
            Ok(list)
        }
    }

    /// After a member: true at a comma (the walk then at the next key), false at the
    /// closing brace (past it).
    #[inline(always)]
    fn more_members(&mut self) -> Result<bool, Stop> {
        self.more(b'}')
    }

    /// A key no property names, in verdict mode: a repeat among the object's such keys
    /// (those from `base` in `unknown`) stops the walk, as do more than 64 (building, the
    /// dict finds repeats: `put`).
    #[inline(never)]
    fn unknown_key(&mut self, ksp: Span, base: usize) -> Result<(), Stop> {
        if self.make {
            return Ok(());
        }
        let key = self.doc.bytes(ksp);
        let dup = self.unknown[base..].iter().any(|&(s, l, sc)| {
            let other = if sc { &self.doc.scratch[s as usize..(s + l) as usize] } else { &self.src[s as usize..(s + l) as usize] };
            other == key
        });
        if dup || self.unknown.len() - base >= 64 {
            return Err(Stop);
        }
        self.unknown.push((ksp.s, ksp.l, ksp.f & 1 != 0));
        Ok(())
    }

    /// The decode's share of property `k`'s value `v` as the walk built it (`absent`,
    /// `posts`: the node's rows): whether it is a null the decode makes absent (asked of the
    /// value as the text has it: JSON text `"null"` decodes to a null that stays), else the
    /// value with the decode's step run on it.
    #[inline(always)]
    fn member_share(&self, absent: &[u64], posts: &[u32], k: usize, v: *mut ffi::PyObject) -> Result<(*mut ffi::PyObject, bool), Stop> {
        if !absent.is_empty() && absent[k / 64] & (1u64 << (k % 64)) != 0 && v == unsafe { ffi::Py_None() } {
            return Ok((v, true));
        }
        match posts.get(k) {
            Some(&s) if s != 0 => Ok((self.post(s, v)?, false)),
            _ => Ok((v, false)),
        }
    }

    /// One member into the dict being built (`idx`: the property it is, whose key is the
    /// schema's interned name, borrowed; else the key's reference is taken, as is the
    /// value's): left out where `drop` (`member_share`); a repeated unknown key stops.
    #[inline(always)]
    fn put(&self, dict: *mut ffi::PyObject, idx: Option<usize>, drop: bool, v: *mut ffi::PyObject, kobj: *mut ffi::PyObject) -> Result<(), Stop> {
        if !self.make {
            return Ok(());
        }
        unsafe {
            match idx {
                Some(_) => {
                    if !drop {
                        // a schema's name is interned: its hash is in the string already
                        let hash = (*(kobj as *mut ffi::PyASCIIObject)).hash;
                        if hash != -1 {
                            _PyDict_SetItem_KnownHash(dict, kobj, v, hash);
                        } else {
                            ffi::PyDict_SetItem(dict, kobj, v);
                        }
                    }
                    ffi::Py_DECREF(v);
                }
                None => {
                    let before = ffi::PyDict_Size(dict);
                    ffi::PyDict_SetItem(dict, kobj, v);
                    ffi::Py_DECREF(kobj);
                    ffi::Py_DECREF(v);
                    if ffi::PyDict_Size(dict) == before {
                        // a duplicate among the keys no property names
                        return Err(Stop);
                    }
                }
            }
        }
        Ok(())
    }

    /// `{` ... `}` against the object node `shape` (none: members of any value)
    fn object(&mut self, shape: Option<u32>) -> R {
        let p = self.p;
        self.i += 1;
        let nd = shape.map(|s| &p.nodes[s as usize]);
        let nprops = nd.map_or(0, |nd| nd.properties.len());
        let absent: &[u64] = match shape {
            Some(s) if self.make && !self.absent.is_empty() => &self.absent[s as usize],
            _ => &[],
        };
        let posts: &[u32] = match shape {
            Some(s) if self.make && !self.posts.is_empty() => &self.posts[s as usize],
            _ => &[],
        };
        let ordered = match shape {
            Some(s) if self.make => self.ordered.get(s as usize).copied().unwrap_or(0),
            _ => 0,
        };
        let mut disorder = false;
        // which properties were seen (duplicates stop the walk)
        let mut seen_small = [0u64; 4];
        let mut seen_big: Vec<u64> = Vec::new();
        let seen: &mut [u64] = if nprops <= 256 {
            &mut seen_small
        } else {
            seen_big.resize(nprops.div_ceil(64), 0);
            &mut seen_big
        };
        let unknown_base = self.unknown.len();
        let dict = if !self.make {
            std::ptr::null_mut()
        } else if nprops > 5 {
            unsafe { _PyDict_NewPresized(nprops.min(64) as ffi::Py_ssize_t) }
        } else {
            unsafe { ffi::PyDict_New() }
        };
        let mut count: u64 = 0;
        let mut next: usize = 0;
        let r: Result<(), Stop> = (|| {
            if self.empty_object() {
                return Ok(());
            }
            loop {
                let ksp = self.member_key()?;
                let key = self.doc.bytes(ksp);
                // members usually come in the schema's order: the next property first
                let idx = match nd {
                    Some(nd) if next < nprops && same(&nd.properties[next].0, key) => Some(next),
                    Some(nd) => {
                        let k = nd.prop_index(key);
                        if k.map_or(true, |k| k < next) {
                            disorder |= misplaced(ordered, k.is_some(), &mut self.tidy);
                        }
                        k
                    }
                    None => {
                        self.tidy = false;
                        None
                    }
                };
                let v;
                let kobj;
                let mut drop = false;
                match idx {
                    Some(k) => {
                        next = k + 1;
                        let (w, bit) = (k / 64, 1u64 << (k % 64));
                        if seen[w] & bit != 0 {
                            return Err(Stop);
                        }
                        seen[w] |= bit;
                        let (_, child, id) = nd.unwrap().properties[k];
                        (v, drop) = if absent.is_empty() && posts.is_empty() {
                            (self.value(child)?, false)
                        } else {
                            self.shared_member(child, absent, posts, k)?
                        };
                        kobj = self.names[id as usize].as_ptr();
                    }
                    None => {
                        self.unknown_key(ksp, unknown_base)?;
                        kobj = if self.make { unsafe { key_str(self.doc.bytes(ksp), ksp.ascii()) } } else { std::ptr::null_mut() };
                        let child = nd.and_then(|nd| nd.additional_properties);
                        let r = match child {
                            Some(ch) => self.value(ch),
                            None => self.any(),
                        };
                        v = match r {
                            Ok(v) => v,
                            Err(s) => {
                                release(kobj);
                                return Err(s);
                            }
                        };
                    }
                }
                count += 1;
                self.put(dict, idx, drop, v, kobj)?;
                if !self.more_members()? {
                    return Ok(());
                }
            }
        })();
        self.unknown.truncate(unknown_base);
        let ok = r.is_ok()
            && match nd {
                Some(nd) => holds(nd, seen, &[], count),
                None => true,
            };
        if !ok {
            release(dict);
            return Err(Stop);
        }
        if disorder && self.tidy {
            return Ok(unsafe { self.in_order(dict, nd.unwrap()) });
        }
        Ok(dict)
    }

    /// `dict` (taken) built again with the properties of `nd` in its order, then any other
    /// keys as they came: the order the decode builds an object in (`Fused::ordered`).
    #[inline(never)]
    unsafe fn in_order(&self, dict: *mut ffi::PyObject, nd: &Node) -> *mut ffi::PyObject {
        let mut items: Vec<(usize, *mut ffi::PyObject, *mut ffi::PyObject)> = Vec::new();
        let (mut pos, mut k, mut v) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        while ffi::PyDict_Next(dict, &mut pos, &mut k, &mut v) != 0 {
            let mut n = 0;
            let b = ffi::PyUnicode_AsUTF8AndSize(k, &mut n);
            let at = if b.is_null() {
                ffi::PyErr_Clear();
                None
            } else {
                nd.prop_index(std::slice::from_raw_parts(b as *const u8, n as usize))
            };
            items.push((at.unwrap_or(usize::MAX), k, v));
        }
        items.sort_by_key(|x| x.0); // stable: the others keep their order
        let out = if items.len() > 5 { _PyDict_NewPresized(items.len() as ffi::Py_ssize_t) } else { ffi::PyDict_New() };
        for (_, k, v) in items {
            ffi::PyDict_SetItem(out, k, v);
        }
        ffi::Py_DECREF(dict);
        out
    }

    /// Property `k`'s value at node `n`, built with its decode share (`absent`, `posts`: the
    /// object node's rows): built decoded (`decoded_value`), else walked and `member_share`.
    /// (Out of line: the plain walk has no share.)
    #[inline(never)]
    fn shared_member(&mut self, n: u32, absent: &[u64], posts: &[u32], k: usize) -> Result<(*mut ffi::PyObject, bool), Stop> {
        if let Some(r) = self.decoded_value(n, posts.get(k).copied().unwrap_or(0)) {
            return Ok((r?, false));
        }
        let x = self.value(n)?;
        self.member_share(absent, posts, k, x)
    }

    /// The value at node `n` whose decode share is step `post` (+1), built decoded where the
    /// walk can build it so: map entries straight into the object they make (`entries`),
    /// JSON text straight from the output's bytes (`json_text`); None otherwise (the caller
    /// walks the value and runs the step).
    #[inline(always)]
    fn decoded_value(&mut self, n: u32, post: u32) -> Option<R> {
        match self.src.get(self.i) {
            _ if post == 0 => None,
            Some(&b'[') => self.map_entries_at(n, post),
            Some(&b'"') => self.json_text(n, post),
            _ => None,
        }
    }

    /// A string at a plain string node `n` whose decode step `post` parses it as JSON text:
    /// its value loaded straight from the string's bytes (no `str` made and read again);
    /// None where the node checks more than the kind, or the step is another. Text that is
    /// not JSON stops the walk, as the step would.
    #[inline(never)]
    fn json_text(&mut self, n: u32, post: u32) -> Option<R> {
        let nd = &self.p.nodes[n as usize];
        if !(nd.solo && nd.types & !(128 | T_NULL) == T_STR && nd.quick & T_STR != 0 && self.dec?.json_post(post)) {
            return None;
        }
        let sp = match self.string() {
            Ok(sp) => sp,
            Err(s) => return Some(Err(s)),
        };
        let text = self.doc.bytes(sp);
        let v = unsafe { scalar_text(text).or_else(|| loads_with(self.p, self.keys, self.members, text)) };
        Some(v.ok_or(Stop))
    }

    #[inline(never)]
    fn map_entries_at(&mut self, n: u32, post: u32) -> Option<R> {
        let p = self.p;
        let last_wins = self.dec?.map_post(post)?;
        let s = match &p.flat[n as usize][kind_index(T_ARR)] {
            _ if p.nodes[n as usize].solo => n,
            Flat::Conj(c) if c.len() == 1 => c[0],
            _ => return None,
        };
        if p.nodes[s as usize].shape1[1] != 1 {
            return None;
        }
        let (e, k, v) = entry_of(p, s)?;
        if self.depth + 1 >= MAX_DEPTH {
            return Some(Err(Stop));
        }
        self.depth += 1;
        let r = self.entries(s, e, (k, v), last_wins);
        self.depth -= 1;
        Some(r)
    }

    /// Map entries (`[{"key": k, "value": v}, ...]` at array node `s`, entry node `e`
    /// whose properties `kv` are those two) built straight into the object their decode
    /// makes (`Decoder::map_post`), each value with its own decode share: no entry dict and
    /// no list. A key given twice stops the walk unless the map keeps the last value (and
    /// no `uniqueBy` is there).
    fn entries(&mut self, s: u32, e: u32, kv: (usize, usize), last_wins: bool) -> R {
        let p = self.p;
        let (nd, en) = (&p.nodes[s as usize], &p.nodes[e as usize]);
        let absent: &[u64] = self.absent.get(e as usize).map_or(&[], |a| &a[..]);
        let posts: &[u32] = self.posts.get(e as usize).map_or(&[], |a| &a[..]);
        let unique = !last_wins || nd.unique_by.is_some();
        self.i += 1;
        let dict = unsafe { ffi::PyDict_New() };
        let mut count: u64 = 0;
        let mut kv_objs = [std::ptr::null_mut::<ffi::PyObject>(); 2];
        let depth = self.depth;
        self.ws();
        let r: Result<(), Stop> = (|| {
            if self.empty_array() {
                return Ok(());
            }
            loop {
                if self.src.get(self.i) != Some(&b'{') || self.depth + 1 >= MAX_DEPTH {
                    return Err(Stop);
                }
                self.depth += 1;
                self.i += 1;
                if self.empty_object() {
                    return Err(Stop);
                }
                loop {
                    let ksp = self.member_key()?;
                    let key = self.doc.bytes(ksp);
                    let (at, j) = if same(&en.properties[kv.0].0, key) {
                        (kv.0, 0)
                    } else if same(&en.properties[kv.1].0, key) {
                        (kv.1, 1)
                    } else {
                        return Err(Stop);
                    };
                    if !kv_objs[j].is_null() {
                        return Err(Stop);
                    }
                    match self.shared_member(en.properties[at].1, absent, posts, at)? {
                        (x, false) => kv_objs[j] = x,
                        (x, true) => {
                            release(x);
                            return Err(Stop);
                        }
                    }
                    if !self.more_members()? {
                        break;
                    }
                }
                self.depth -= 1;
                let [k, v] = kv_objs;
                if k.is_null() || v.is_null() || unsafe { ffi::PyUnicode_Check(k) } == 0 || (unique && unsafe { ffi::PyDict_Contains(dict, k) } != 0) {
                    return Err(Stop);
                }
                unsafe {
                    ffi::PyDict_SetItem(dict, k, v);
                }
                kv_objs.iter_mut().for_each(|o| release(std::mem::replace(o, std::ptr::null_mut())));
                count += 1;
                if !self.more_items()? {
                    return Ok(());
                }
            }
        })();
        self.depth = depth;
        kv_objs.iter().for_each(|&o| release(o));
        if r.is_err() || !length_holds(nd, count) {
            release(dict);
            return Err(Stop);
        }
        Ok(dict)
    }

    /// `[` ... `]` against every array node of `c` (`Shape::Many`: a compiled schema's wire
    /// node beside its residual): each item meets what every node asks of it at its index
    /// (`prefixItems`, else `items`), and each node's counts hold. The items are built with
    /// the first node's decode share (`decode::Decoder::fuse` takes the same node).
    fn arrays(&mut self, c: &[u32]) -> R {
        let p = self.p;
        let (shapes, ns) = containers(p, c, T_ARR);
        let shapes = &shapes[..ns];
        // (map entries: one key name among them, `shape_of`)
        let by = shapes.iter().find_map(|&n| p.nodes[n as usize].unique_by.as_deref());
        let mut keys_seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
        let post = match shapes.first() {
            Some(&l) if self.make && !self.posts.is_empty() => self.posts[l as usize].last().copied().unwrap_or(0),
            _ => 0,
        };
        self.i += 1;
        let base = self.items.len();
        let mut count: usize = 0;
        self.ws();
        let r: Result<(), Stop> = (|| {
            if self.empty_array() {
                return Ok(());
            }
            loop {
                if let Some(key) = by {
                    self.new_entry_key(key, &mut keys_seen)?;
                }
                let mut kids = [0u32; CONJ];
                let mut nk = 0;
                for &s in shapes {
                    let nd = &p.nodes[s as usize];
                    if let Some(ch) = nd.prefix_items.get(count).copied().or(nd.items) {
                        kids[nk] = ch;
                        nk += 1;
                    }
                }
                let v = match nk {
                    0 => self.any()?,
                    1 => self.value(kids[0])?,
                    _ => self.value_all(&kids[..nk])?,
                };
                let v = if post != 0 { self.post(post, v)? } else { v };
                if self.make {
                    self.items.push(v);
                }
                count += 1;
                if !self.more_items()? {
                    return Ok(());
                }
            }
        })();
        let ok = r.is_ok()
            && shapes.iter().all(|&s| {
                let nd = &p.nodes[s as usize];
                length_holds(nd, count as u64)
            });
        self.end_list(ok, base)
    }

    /// A member's value against several nodes (`objects`): their conjunction, walked; the
    /// tape, judged by each, where that is not fixed.
    fn value_all(&mut self, kids: &[u32]) -> R {
        let Some(&b) = self.src.get(self.i) else { return Err(Stop) };
        let kind = kind_of(b);
        if kind == 0 {
            return Err(Stop);
        }
        let p = self.p;
        let first = if kind == T_OBJ { self.first_member() } else { None };
        let mut c = Conj::default();
        let mut flat = Ok(());
        for &kid in kids {
            flat = p.flatten(kid, kind, &mut c, 0, &mut |nd, k, _| discriminate(nd, k, first));
            if flat.is_err() {
                break;
            }
        }
        match flat {
            Ok(()) => self.meet(c.nodes(), kind),
            Err(Tape::Fail) => Err(Stop),
            Err(Tape::Judge) => self.tape_all(kids, true),
        }
    }

    /// `{` ... `}` against every object node of `c` (`Shape::Many`: `$ref` beside
    /// `properties`, or a compiled schema's wire node beside its residual): each member's
    /// value meets what every node asks of it under its key (a property, else
    /// `additionalProperties`), and each node's required names and counts hold. The
    /// object is not tidy and keeps its nulls: the decode does all of its share.
    fn objects(&mut self, c: &[u32]) -> R {
        let p = self.p;
        let (shapes, ns) = containers(p, c, T_OBJ);
        let shapes = &shapes[..ns];
        // the node whose order, absent nulls and decode steps the object takes (`lead_of`);
        // without one it is not tidy
        let lead = if self.make { lead_of(p, shapes) } else { None };
        let ordered = lead.map_or(0, |l| self.ordered.get(l as usize).copied().unwrap_or(0));
        let mut disorder = false;
        let (absent, posts): (&[u64], &[u32]) = match lead {
            Some(l) => (
                self.absent.get(l as usize).map_or(&[], |a| &a[..]),
                self.posts.get(l as usize).map_or(&[], |a| &a[..]),
            ),
            None => {
                self.tidy = false;
                (&[], &[])
            }
        };
        self.i += 1;
        let mut seen = [[0u64; 4]; CONJ];
        let mut nulls = [[0u64; 4]; CONJ];
        let mut next = [0usize; CONJ];
        let unknown_base = self.unknown.len();
        let dict = if self.make { unsafe { ffi::PyDict_New() } } else { std::ptr::null_mut() };
        let mut count: u64 = 0;
        let r: Result<(), Stop> = (|| {
            if self.empty_object() {
                return Ok(());
            }
            loop {
                let ksp = self.member_key()?;
                let key = self.doc.bytes(ksp);
                let mut kids = [0u32; CONJ];
                let mut nk = 0;
                let mut id = None;
                let mut at = None; // the lead's property
                for (j, &s) in shapes.iter().enumerate() {
                    let nd = &p.nodes[s as usize];
                    let idx = if next[j] < nd.properties.len() && same(&nd.properties[next[j]].0, key) { Some(next[j]) } else { nd.prop_index(key) };
                    let kid = match idx {
                        Some(k) => {
                            if Some(s) == lead {
                                if k < next[j] {
                                    disorder |= misplaced(ordered, true, &mut self.tidy);
                                }
                                at = Some(k);
                            }
                            next[j] = k + 1;
                            let (w, bit) = (k / 64, 1u64 << (k % 64));
                            if seen[j][w] & bit != 0 {
                                return Err(Stop);
                            }
                            seen[j][w] |= bit;
                            if nd.picks.is_some() && self.src.get(self.i) == Some(&b'n') {
                                nulls[j][w] |= bit;
                            }
                            id = Some(nd.properties[k].2);
                            Some(nd.properties[k].1)
                        }
                        None => nd.additional_properties,
                    };
                    if let Some(kid) = kid {
                        kids[nk] = kid;
                        nk += 1;
                    }
                }
                if id.is_none() {
                    self.unknown_key(ksp, unknown_base)?;
                }
                let kobj = match (id, self.make) {
                    (Some(id), true) => self.names[id as usize].as_ptr(),
                    (None, true) => unsafe { key_str(self.doc.bytes(ksp), ksp.ascii()) },
                    _ => std::ptr::null_mut(),
                };
                let v = match nk {
                    0 => self.any(),
                    1 => self.value(kids[0]),
                    _ => self.value_all(&kids[..nk]),
                };
                let v = match v {
                    Ok(v) => v,
                    Err(s) => {
                        if id.is_none() {
                            release(kobj);
                        }
                        return Err(s);
                    }
                };
                // the lead's decode share (its name borrowed: `at` is one of its properties)
                let (v, drop) = match at {
                    Some(k) => self.member_share(absent, posts, k, v)?,
                    None => (v, false),
                };
                count += 1;
                self.put(dict, at.or(id.map(|_| 0)), drop, v, kobj)?;
                if !self.more_members()? {
                    return Ok(());
                }
            }
        })();
        self.unknown.truncate(unknown_base);
        let ok = r.is_ok()
            && shapes.iter().zip(seen.iter().zip(nulls.iter())).all(|(&s, (seen, nulls))| holds(&p.nodes[s as usize], seen, nulls, count));
        if !ok {
            release(dict);
            return Err(Stop);
        }
        if let (true, true, Some(l)) = (disorder, self.tidy, lead) {
            return Ok(unsafe { self.in_order(dict, &p.nodes[l as usize]) });
        }
        Ok(dict)
    }

}
