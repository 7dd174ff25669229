//! The schema model (built by the Python loader: references resolved, drafts normalized to
//! 2020-12 keywords, every subschema a numbered node) compiled into a program.

use std::collections::HashMap;

use crate::ecma::{self, Pattern};
use crate::formats::Format;
use crate::jval::JVal;
use crate::num::Dec;
use crate::parse::{parse, Doc, PathItem};

pub type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// A fast hasher for short keys (property names): no DoS exposure, the keys come from
/// the schema.
#[derive(Default)]
pub struct Fx(u64);
impl std::hash::Hasher for Fx {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ (bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let mut v = 0u64;
        for (i, b) in chunks.remainder().iter().enumerate() {
            v |= (*b as u64) << (i * 8);
        }
        self.0 = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub const T_NULL: u8 = 1;
pub const T_BOOL: u8 = 2;
pub const T_INT: u8 = 4;
pub const T_NUM: u8 = 8;
pub const T_STR: u8 = 16;
pub const T_ARR: u8 = 32;
pub const T_OBJ: u8 = 64;

pub struct Limit {
    pub dec: Dec,
    pub f: f64,
    pub i: Option<i64>,
    pub text: String,
}

pub struct Enum {
    pub values: Vec<JVal>,
    /// the string values, for a hash lookup
    pub strings: Option<FxMap<Box<[u8]>, ()>>,
    pub all_strings: bool,
}

#[derive(Default)]
pub struct Node {
    pub boolean: Option<bool>,
    pub path: Vec<PathItem>,
    pub res: u32,
    pub types: u8,
    pub int4: bool,
    pub enum_: Option<Enum>,
    pub const_: Option<JVal>,
    pub minimum: Option<Limit>,
    pub maximum: Option<Limit>,
    pub ex_minimum: Option<Limit>,
    pub ex_maximum: Option<Limit>,
    pub multiple_of: Option<Limit>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<usize>,
    pub format: Option<Format>,
    /// `jsonText` (the judge's own keyword): a string, parsed strictly as JSON, whose
    /// value this node accepts (the residual of a value the wire sends as JSON text)
    pub json_text: Option<u32>,
    pub prefix_items: Vec<u32>,
    pub items: Option<u32>,
    pub contains: Option<u32>,
    pub min_contains: Option<u64>,
    pub max_contains: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    /// strictschema's own keyword (never read from a schema): the items are objects whose
    /// string member of this name no two share (map entries, decoded into one object)
    pub unique_by: Option<Box<[u8]>>,
    pub unevaluated_items: Option<u32>,
    /// (name, node, global name id)
    pub properties: Vec<(Box<[u8]>, u32, u32)>,
    /// name -> index in `properties`
    pub prop_map: Option<FxMap<Box<[u8]>, u32>>,
    pub pattern_properties: Vec<(usize, u32)>,
    pub additional_properties: Option<u32>,
    pub property_names: Option<u32>,
    pub required: Vec<Box<[u8]>>,
    /// for each required name, its index in `properties` (u32::MAX: not a property)
    pub required_idx: Vec<u32>,
    /// the same as bits over `properties`, 64 to a word (the walk's check of a whole object)
    pub required_mask: Vec<u64>,
    pub dependent_required: Vec<(Box<[u8]>, Vec<Box<[u8]>>)>,
    pub dependent_schemas: Vec<(Box<[u8]>, u32)>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub unevaluated_properties: Option<u32>,
    pub all_of: Vec<u32>,
    pub any_of: Vec<u32>,
    pub one_of: Vec<u32>,
    pub not: Option<u32>,
    pub if_: Option<u32>,
    pub then_: Option<u32>,
    pub else_: Option<u32>,
    pub ref_: Option<u32>,
    /// (anchor, static target); an anchor starting with '#' is a 2019-09 $recursiveRef
    pub dynamic_ref: Option<(String, u32)>,
    /// object keywords present (skip the object pass otherwise)
    pub has_obj: bool,
    pub has_arr: bool,
    pub has_str: bool,
    pub has_num: bool,
    /// the JSON kinds (type bits) an enum/const allows (all bits when neither is there)
    pub kinds: u8,
    /// how the one-pass walk (`direct.rs`) takes this node: D_PLAIN, D_ANY, D_NONE, D_TAPE
    pub dclass: u8,
    /// the JSON kinds a value this node accepts may have (a superset; numbers are
    /// T_INT | T_NUM)
    pub accept: u8,
    /// token kinds (T_NULL, T_BOOL, T_INT for integer tokens, T_NUM for the others,
    /// T_STR) the node's own keywords pass with no further check
    pub quick: u8,
    /// D_PLAIN with no `$ref`, `allOf`, `anyOf` or `oneOf` to follow
    pub solo: bool,
    /// how the walk takes an object and an array meeting this node alone
    /// (`direct::shape_of`, worked out once: `direct::Shape::code`)
    pub shape1: [u8; 2],
    /// an `anyOf`/`oneOf` of objects told apart by one required property whose string
    /// values (`const`/`enum`) no two branches share: (its name, value -> branch)
    pub disc: Option<(Box<[u8]>, FxMap<Box<[u8]>, u32>)>,
    /// an `anyOf`/`oneOf` of closed objects: a property name only one branch has -> that
    /// branch (an object whose first key it is can pass no other)
    pub key_disc: Option<FxMap<Box<[u8]>, u32>>,
    /// the node's `anyOf` and `oneOf`, settled from which properties an object has and
    /// which are null (`Picks`, one per union): the walk checks them with the node's other
    /// object keywords
    pub picks: Option<Box<[Picks]>>,
}

/// A union whose branches ask only which of an object's properties are there, and which of
/// them are null or not null (a residual's requirements over properties the wire sends as
/// null when absent, translated: `required` and type lists). Bits over the node's own
/// `properties` (at most 256).
pub struct Picks {
    /// `oneOf` (exactly one branch), else `anyOf`
    pub one: bool,
    /// per branch: the properties it requires; those that fail it when null; those that fail
    /// it when not null
    pub branches: Vec<[[u64; 4]; 3]>,
    /// whether a value other than an object passes (the branches that take any kind, where
    /// the others say `type: object`: one or more for anyOf, exactly one for oneOf)
    pub others: bool,
}

impl Picks {
    /// The verdict for an object: `seen`, the properties it has; `nulls`, those that are null.
    #[inline]
    pub fn hold(&self, seen: &[u64], nulls: &[u64]) -> bool {
        let mut passed = 0;
        for [req, not_null, null] in &self.branches {
            let ok = (0..4).all(|w| {
                let (s, z) = (seen.get(w).copied().unwrap_or(0), nulls.get(w).copied().unwrap_or(0));
                s & req[w] == req[w] && z & not_null[w] == 0 && (s & !z) & null[w] == 0
            });
            if ok {
                passed += 1;
                if !self.one {
                    return true;
                }
                if passed > 1 {
                    return false;
                }
            }
        }
        passed == 1
    }
}

/// The one-pass walk checks the node's keywords itself (and follows `$ref`, `allOf`, and an
/// `anyOf`/`oneOf` whose branches the value's kind tells apart).
pub const D_PLAIN: u8 = 0;
/// Any value passes (true, or no assertion).
pub const D_ANY: u8 = 1;
/// No value passes (false).
pub const D_NONE: u8 = 2;
/// The value goes through the judge on the token tape (keywords that read a value twice).
pub const D_TAPE: u8 = 3;
const ALL_KINDS: u8 = T_NULL | T_BOOL | T_INT | T_NUM | T_STR | T_ARR | T_OBJ;

/// Byte-slice equality for short keys, inline (no call into the C library's memcmp): whole
/// words, the last one overlapping the one before (a 5-byte key is two 4-byte compares, a
/// 3-byte key three byte compares), so no key ends in a byte-at-a-time loop.
#[inline(always)]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |x: &[u8], i: usize| u64::from_ne_bytes(x[i..i + 8].try_into().unwrap());
    let w4 = |x: &[u8], i: usize| u32::from_ne_bytes(x[i..i + 4].try_into().unwrap());
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if w8(a, i) != w8(b, i) {
                return false;
            }
            i += 8;
        }
        w8(a, n - 8) == w8(b, n - 8)
    } else if n >= 4 {
        w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4)
    } else {
        n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
    }
}

/// A node with no keyword but `type` (and, where `object`, the object keywords, which the
/// caller reads).
fn bare(nd: &Node, object: bool) -> bool {
    nd.enum_.is_none() && nd.const_.is_none() && !(nd.has_num || nd.has_str || nd.has_arr)
        && (object || !nd.has_obj) && nd.format.is_none() && nd.ref_.is_none()
        && nd.dynamic_ref.is_none() && nd.all_of.is_empty() && nd.any_of.is_empty()
        && nd.one_of.is_empty() && nd.not.is_none() && nd.if_.is_none() && nd.then_.is_none()
        && nd.else_.is_none()
}

impl Node {
    /// the index in `properties` of the property named `key`
    #[inline]
    pub fn prop_index(&self, key: &[u8]) -> Option<usize> {
        if let Some(m) = &self.prop_map {
            return m.get(key).map(|&i| i as usize);
        }
        self.properties.iter().position(|(k, _, _)| same(k, key))
    }
    #[inline]
    pub fn prop(&self, key: &[u8]) -> Option<u32> {
        self.prop_index(key).map(|i| self.properties[i].1)
    }
    /// `prop_map`, for more than 8 properties (the first of a name given twice)
    fn index_properties(&mut self) {
        if self.properties.len() > 8 {
            let mut m: FxMap<Box<[u8]>, u32> = FxMap::default();
            for (i, (k, _, _)) in self.properties.iter().enumerate() {
                m.entry(k.clone()).or_insert(i as u32);
            }
            self.prop_map = Some(m);
        }
    }
}

pub struct Resource {
    pub dynamic: HashMap<String, u32>,
}

/// At most this many nodes in a conjunction (more: the value goes to the tape).
pub const CONJ: usize = 8;

/// The nodes one value must meet (`$ref` and `allOf` followed, unions resolved).
#[derive(Default, Clone)]
pub struct Conj {
    n: [u32; CONJ],
    len: usize,
    /// nodes visited to build it: past `VISITS` the value goes to the tape (a schema of
    /// allOf/$ref diamonds would otherwise be walked exponentially often)
    visits: u32,
}

const VISITS: u32 = 256;

impl Conj {
    #[inline]
    fn push(&mut self, x: u32) -> Result<(), Tape> {
        if self.len == CONJ {
            return Err(Tape::Judge);
        }
        self.n[self.len] = x;
        self.len += 1;
        Ok(())
    }
    #[inline]
    pub fn nodes(&self) -> &[u32] {
        &self.n[..self.len]
    }
    pub fn extend(&mut self, xs: &[u32]) -> Result<(), Tape> {
        for &x in xs {
            self.push(x)?;
        }
        Ok(())
    }
}

/// The branch of a discriminated union an object can only be (Fail: none), from its first
/// member (`Direct::first_member`): by a required property's value, or by a key only one
/// closed branch has.
pub fn discriminate(nd: &Node, kind: u8, first: Option<(&[u8], Option<&[u8]>)>) -> Result<Option<u32>, Tape> {
    if kind != T_OBJ {
        return Err(Tape::Judge);
    }
    let Some((k, v)) = first else { return Err(Tape::Judge) };
    if let Some((name, map)) = &nd.disc {
        if k == &**name {
            return match v.map(|v| map.get(v)) {
                Some(Some(&b)) => Ok(Some(b)),
                Some(None) => Err(Tape::Fail),
                None => Err(Tape::Judge),
            };
        }
    }
    if let Some(map) = &nd.key_disc {
        if let Some(&b) = map.get(k) {
            return Ok(Some(b));
        }
    }
    Err(Tape::Judge)
}

/// Why a node cannot be walked in one pass.
pub enum Tape {
    /// judge the value on a tape
    Judge,
    /// no value of this kind passes
    Fail,
}

/// What a node asks of a value of one kind, worked out when the program is built.
pub enum Flat {
    Conj(Box<[u32]>),
    Fail,
    Judge,
    /// a discriminated union on the way: worked out on each object
    Dynamic,
    /// undecided unions on the way (no discriminator): the conjunctions their branches
    /// make, in order; a value passes when it meets one
    Union(Box<[Box<[u32]>]>),
}

/// The index of a kind (its bits as `direct.rs` reads them from the first byte) in
/// `Program::flat`.
#[inline]
pub fn kind_index(kind: u8) -> usize {
    match kind {
        T_NULL => 0,
        T_BOOL => 1,
        T_STR => 3,
        T_ARR => 4,
        T_OBJ => 5,
        _ => 2,
    }
}
const KINDS: [u8; 6] = [T_NULL, T_BOOL, T_INT | T_NUM, T_STR, T_ARR, T_OBJ];

pub struct Program {
    pub nodes: Vec<Node>,
    /// per node and kind (`kind_index`): the conjunction a value of that kind meets
    pub flat: Vec<[Flat; 6]>,
    pub root: u32,
    pub resources: Vec<Resource>,
    pub patterns: Vec<Pattern>,
    pub dynamic: bool,
    /// every property name the schema names (for building Python keys once)
    pub names: Vec<Box<[u8]>>,
    /// the property names a discriminator (`Node::disc`) reads the value of: an object
    /// whose first key is another takes the same branches whatever its value
    pub disc_keys: Vec<Box<[u8]>>,
    /// per node that meets a discriminator read by value (`Flat::Dynamic` for objects), per
    /// discriminator's name and value: the conjunction an object leaves whose first member
    /// is that (None: no branch passes; absent: worked out per object)
    pub by_value: FxMap<u32, Vec<(Box<[u8]>, FxMap<Box<[u8]>, Option<Conj>>)>>,
}

#[derive(Debug)]
pub struct ModelError {
    pub msg: String,
    pub path: Vec<PathItem>,
}

fn merr<T>(msg: impl Into<String>, path: &[PathItem]) -> Result<T, ModelError> {
    Err(ModelError { msg: msg.into(), path: path.to_vec() })
}

fn bound(v: &JVal) -> Option<Limit> {
    match v {
        JVal::Num(d, f) => {
            let i = if d.is_integer() && f.abs() < 9.0e18 { Some(*f as i64) } else { None };
            // an integer beyond 2^53 keeps its exact value in `dec`; `i` only when exact
            let i = i.filter(|x| Dec::from_i64(*x) == *d);
            Some(Limit { dec: d.clone(), f: *f, i, text: crate::jval::render_dec(d, *f) })
        }
        _ => None,
    }
}

impl Program {
    /// `additionalProperties: false`: no name but the node's properties (and patterns)
    #[inline]
    /// A program of no node (what `direct::loads` walks untyped values with).
    pub fn empty() -> Program {
        Program { nodes: Vec::new(), flat: Vec::new(), root: 0, resources: Vec::new(), patterns: Vec::new(), dynamic: false, names: Vec::new(), disc_keys: Vec::new(), by_value: FxMap::default() }
    }

    pub fn closed(&self, nd: &Node) -> bool {
        nd.additional_properties.is_some_and(|a| self.nodes[a as usize].boolean == Some(false))
    }

    pub fn from_model(model: &[u8]) -> Result<Program, ModelError> {
        let mut doc = Doc::new(model);
        if let Err(e) = parse(&mut doc) {
            return merr(format!("bad schema model: {}", e.msg), &[]);
        }
        let m = JVal::from_doc(&doc, 0);
        let root = m.get("root").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        let empty = Vec::new();
        let nodes_v = m.get("nodes").and_then(|v| v.as_arr()).unwrap_or(&empty);
        let mut prog = Program { nodes: Vec::with_capacity(nodes_v.len()), flat: Vec::new(), root, resources: Vec::new(), patterns: Vec::new(), dynamic: false, names: Vec::new(), disc_keys: Vec::new(), by_value: FxMap::default() };
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let count = nodes_v.len() as u64;
        for nv in nodes_v {
            let node = prog.node(nv, count, &mut pattern_ids)?;
            prog.nodes.push(node);
        }
        if root as u64 >= count {
            return merr("bad schema model: no root", &[]);
        }
        if let Some(rs) = m.get("resources").and_then(|v| v.as_arr()) {
            for r in rs {
                let mut dynamic = HashMap::new();
                if let Some(JVal::Obj(d)) = r.get("dynamic") {
                    for (k, v) in d {
                        dynamic.insert(k.clone(), v.as_u64().unwrap_or(0) as u32);
                    }
                }
                prog.resources.push(Resource { dynamic });
            }
        }
        prog.take_in_all();
        let mut names: Vec<Box<[u8]>> = Vec::new();
        let mut seen: HashMap<Box<[u8]>, u32> = HashMap::new();
        for n in prog.nodes.iter_mut() {
            for (k, _, id) in n.properties.iter_mut() {
                *id = *seen.entry(k.clone()).or_insert_with(|| {
                    names.push(k.clone());
                    (names.len() - 1) as u32
                });
            }
            n.required_idx = n.required.iter().map(|r| n.properties.iter().position(|(k, _, _)| k == r).map_or(u32::MAX, |i| i as u32)).collect();
            let mut mask = vec![0u64; n.properties.len().div_ceil(64)];
            for &i in n.required_idx.iter().filter(|&&i| i != u32::MAX) {
                mask[i as usize / 64] |= 1u64 << (i % 64);
            }
            while mask.last() == Some(&0) {
                mask.pop();
            }
            n.required_mask = mask;
        }
        prog.names = names;
        prog.check_expansion()?;
        prog.classify();
        for i in 0..prog.nodes.len() {
            let one = [i as u32];
            prog.nodes[i].shape1 = [crate::direct::shape_of(&prog, &one, T_OBJ).code(), crate::direct::shape_of(&prog, &one, T_ARR).code()];
        }
        Ok(prog)
    }

    /// Names a node reads that its `properties` lack taken in as properties, so that the
    /// walk's bits cover them (`take_in`): its `required` names (the walk sends a node with
    /// a required name it has no bit for to the tape), then `Node::picks` for each node
    /// whose unions (`anyOf`, `oneOf`, or both) all are ones. Before the names and masks
    /// are worked out.
    fn take_in_all(&mut self) {
        let unevaluated = self.nodes.iter().any(|n| n.unevaluated_properties.is_some());
        let mut yes: Option<u32> = None;
        for i in 0..self.nodes.len() {
            let nd = &self.nodes[i];
            let missing: Vec<Box<[u8]>> = nd.required.iter().filter(|r| nd.prop_index(r).is_none()).cloned().collect();
            if !missing.is_empty() {
                self.take_in(i, missing, unevaluated, &mut yes);
            }
            // each union of the node (anyOf, oneOf: both, where both are there) must be one
            let nd = &self.nodes[i];
            let unions: Vec<(bool, Vec<u32>)> = [(false, &nd.any_of), (true, &nd.one_of)].into_iter().filter(|(_, bs)| !bs.is_empty()).map(|(one, bs)| (one, bs.clone())).collect();
            if unions.is_empty() {
                continue;
            }
            // per union, per branch: (typed object, [(name, 0 required / 1 not null / 2 null)])
            let Some(reads) = unions.iter().map(|(_, bs)| bs.iter().map(|&b| self.pick_branch(b)).collect::<Option<Vec<_>>>()).collect::<Option<Vec<_>>>() else { continue };
            let mut missing: Vec<Box<[u8]>> = Vec::new();
            for (_, names) in reads.iter().flatten() {
                for (name, _) in names {
                    if nd.prop_index(name).is_none() && !missing.contains(name) {
                        missing.push(name.clone());
                    }
                }
            }
            if !self.take_in(i, missing, unevaluated, &mut yes) {
                continue;
            }
            let nd = &self.nodes[i];
            let mut picks = Vec::with_capacity(unions.len());
            for ((one, _), reads) in unions.iter().zip(&reads) {
                let mut branches = Vec::with_capacity(reads.len());
                for (_, names) in reads {
                    let mut masks = [[0u64; 4]; 3];
                    for (name, what) in names {
                        let k = nd.prop_index(name).expect("taken in");
                        masks[*what as usize][k / 64] |= 1u64 << (k % 64);
                    }
                    branches.push(masks);
                }
                let untyped = reads.iter().filter(|(typed, _)| !typed).count();
                let others = if *one { untyped == 1 } else { untyped >= 1 };
                picks.push(Picks { one: *one, branches, others });
            }
            let nd = &mut self.nodes[i];
            nd.picks = Some(picks.into_boxed_slice());
            nd.has_obj = true;
        }
    }

    /// Names added to node `i`'s `properties` with the schema a member of that name meets
    /// already: `additionalProperties`' (which then has one name less to cover), or a true
    /// one (`yes`, made once) where there is none, unless an `unevaluatedProperties`
    /// somewhere could count the name as evaluated. Not where `patternProperties` could
    /// match a name too, where `additionalProperties` is false, or past 256 properties in
    /// all (the walk's bits): false then.
    fn take_in(&mut self, i: usize, missing: Vec<Box<[u8]>>, unevaluated: bool, yes: &mut Option<u32>) -> bool {
        if missing.is_empty() {
            return true;
        }
        let nd = &self.nodes[i];
        // (additionalProperties false: a name the object cannot have; its error stays that)
        let refused = self.closed(nd);
        if refused || !nd.pattern_properties.is_empty() || nd.properties.len() + missing.len() > 256 || (nd.additional_properties.is_none() && unevaluated) {
            return false;
        }
        let schema = match nd.additional_properties {
            Some(a) => a,
            None => *yes.get_or_insert_with(|| {
                self.nodes.push(Node { boolean: Some(true), ..Default::default() });
                (self.nodes.len() - 1) as u32
            }),
        };
        let nd = &mut self.nodes[i];
        nd.properties.extend(missing.into_iter().map(|k| (k, schema, u32::MAX)));
        nd.has_obj = true;
        nd.index_properties();
        true
    }

    /// What branch `b` of a union asks, when it is a `Picks` branch: whether it says
    /// `type: object`, and each name it reads (0: required, 1: not null where there, 2:
    /// null where there). None for any other branch.
    fn pick_branch(&self, b: u32) -> Option<(bool, Vec<(Box<[u8]>, u8)>)> {
        let nd = &self.nodes[b as usize];
        // (`types` has bit 128 where the keyword is there)
        let bare_object = nd.boolean.is_none() && (nd.types == 0 || nd.types == T_OBJ | 128) && bare(nd, true)
            && nd.additional_properties.is_none() && nd.pattern_properties.is_empty()
            && nd.property_names.is_none() && nd.dependent_required.is_empty()
            && nd.dependent_schemas.is_empty() && nd.min_properties.is_none()
            && nd.max_properties.is_none() && nd.unevaluated_properties.is_none();
        if !bare_object {
            return None;
        }
        let mut names: Vec<(Box<[u8]>, u8)> = nd.required.iter().map(|r| (r.clone(), 0)).collect();
        for (name, child, _) in &nd.properties {
            let c = &self.nodes[*child as usize];
            if c.boolean == Some(true) {
                continue;
            }
            if c.boolean.is_some() || !bare(c, false) {
                return None;
            }
            match c.types {
                t if t == T_NULL | 128 => names.push((name.clone(), 2)),
                t if t == (ALL_KINDS & !T_NULL) | 128 => names.push((name.clone(), 1)),
                0 => {}
                _ => return None,
            }
        }
        Some((nd.types != 0, names))
    }

    /// Refuses a schema whose in-place subschemas (`$ref`, `allOf`, `anyOf`, `oneOf`, `not`,
    /// `if`/`then`/`else`, `dependentSchemas`) reach one node along more than
    /// `MAX_EXPANSION` paths: a judge that follows each path would take exponential time
    /// on shapes like `allOf` of two references to the next level, sixty levels deep.
    fn check_expansion(&self) -> Result<(), ModelError> {
        const MAX_EXPANSION: u64 = 1_000_000;
        let n = self.nodes.len();
        let mut paths: Vec<u64> = vec![0; n];
        let mut done = vec![false; n];
        let mut open = vec![false; n];
        // iterative post-order over in-place edges (the loader refused loops through them;
        // one met anyway is not followed again)
        for start in 0..n {
            if done[start] {
                continue;
            }
            let mut stack: Vec<(usize, bool)> = vec![(start, false)];
            while let Some((i, children_done)) = stack.pop() {
                if done[i] {
                    continue;
                }
                let nd = &self.nodes[i];
                let kids = nd.ref_.iter().chain(&nd.all_of).chain(&nd.any_of).chain(&nd.one_of)
                    .chain(nd.not.iter()).chain(nd.if_.iter()).chain(nd.then_.iter()).chain(nd.else_.iter())
                    .chain(nd.dependent_schemas.iter().map(|(_, k)| k))
                    .chain(nd.dynamic_ref.iter().map(|(_, k)| k));
                if !children_done {
                    if open[i] {
                        continue;
                    }
                    open[i] = true;
                    stack.push((i, true));
                    for &k in kids {
                        if !done[k as usize] {
                            stack.push((k as usize, false));
                        }
                    }
                    continue;
                }
                let total = kids.fold(1u64, |acc, &k| acc.saturating_add(paths[k as usize]));
                if total > MAX_EXPANSION {
                    return merr(format!("the schema's in-place subschemas ($ref, allOf, anyOf, ...) expand to more than {MAX_EXPANSION} paths for one value"), &nd.path);
                }
                paths[i] = total;
                done[i] = true;
            }
        }
        Ok(())
    }

    /// Each node's `dclass` and `accept` (see `direct.rs`).
    fn classify(&mut self) {
        for n in self.nodes.iter_mut() {
            n.dclass = match n.boolean {
                Some(true) => D_ANY,
                Some(false) => D_NONE,
                None if n.dynamic_ref.is_some()
                    || n.not.is_some()
                    || n.if_.is_some()
                    || n.unevaluated_items.is_some()
                    || n.unevaluated_properties.is_some()
                    || n.contains.is_some()
                    || n.min_contains.is_some()
                    || n.max_contains.is_some()
                    || !n.pattern_properties.is_empty()
                    || n.property_names.is_some()
                    || !n.dependent_required.is_empty()
                    || !n.dependent_schemas.is_empty()
                    || n.required_idx.iter().any(|&i| i == u32::MAX) =>
                {
                    D_TAPE
                }
                None if n.types == 0
                    && n.enum_.is_none()
                    && n.const_.is_none()
                    && !(n.has_num || n.has_str || n.has_arr || n.has_obj)
                    && n.ref_.is_none()
                    && n.all_of.is_empty()
                    && n.any_of.is_empty()
                    && n.one_of.is_empty() =>
                {
                    D_ANY
                }
                None => D_PLAIN,
            };
            n.solo = n.dclass == D_PLAIN && n.ref_.is_none() && n.all_of.is_empty() && n.any_of.is_empty() && n.one_of.is_empty();
            n.quick = if n.enum_.is_some() || n.const_.is_some() {
                0
            } else {
                let mut q = if n.types == 0 { ALL_KINDS } else { n.types & ALL_KINDS };
                if n.has_str {
                    q &= !T_STR;
                }
                if n.has_num {
                    q &= !(T_INT | T_NUM);
                }
                q
            };
        }
        let mut state = vec![0u8; self.nodes.len()];
        for i in 0..self.nodes.len() {
            self.accept_of(i as u32, &mut state, 0);
        }
        for i in 0..self.nodes.len() {
            let n = &self.nodes[i];
            let branches = if n.one_of.len() >= 2 { &n.one_of } else { &n.any_of };
            if branches.len() >= 2 && (n.any_of.is_empty() || n.one_of.is_empty()) {
                let d = self.discriminator(branches);
                let k = self.key_discriminator(branches);
                self.nodes[i].disc = d;
                self.nodes[i].key_disc = k;
            }
        }
        self.flat_all();
    }

    /// `flat` for every node (needs `accept`, `disc` and `key_disc`: built last).
    fn flat_all(&mut self) {
        let mut flat = Vec::with_capacity(self.nodes.len());
        for i in 0..self.nodes.len() as u32 {
            let one = |kind: u8| -> Flat {
                if self.nodes[i as usize].solo {
                    return Flat::Judge; // never read: a solo node is met directly
                }
                let mut dynamic = false;
                let mut c = Conj::default();
                let r = self.flatten(i, kind, &mut c, 0, &mut |_, _, _| {
                    dynamic = true;
                    Err(Tape::Judge)
                });
                match r {
                    _ if dynamic => self.union_of(i, kind),
                    Ok(()) => Flat::Conj(c.nodes().into()),
                    Err(Tape::Fail) => Flat::Fail,
                    Err(Tape::Judge) => Flat::Judge,
                }
            };
            flat.push(KINDS.map(one));
        }
        self.flat = flat;
        // every discriminator's name with every value any discriminator of that name reads
        let mut discs: Vec<(Box<[u8]>, FxMap<Box<[u8]>, ()>)> = Vec::new();
        for (name, map) in self.nodes.iter().filter_map(|nd| nd.disc.as_ref()) {
            let at = match discs.iter().position(|(k, _)| k == name) {
                Some(at) => at,
                None => {
                    discs.push((name.clone(), FxMap::default()));
                    discs.len() - 1
                }
            };
            discs[at].1.extend(map.keys().map(|v| (v.clone(), ())));
        }
        self.disc_keys = discs.iter().map(|(name, _)| name.clone()).collect();
        // the unions a discriminator's value decides, worked out once for every value, for
        // each node that meets one (through `$ref` too), within a budget of tries
        let mut budget = 4096usize;
        for i in 0..self.nodes.len() as u32 {
            if !matches!(self.flat[i as usize][kind_index(T_OBJ)], Flat::Dynamic) {
                continue;
            }
            let mut known: Vec<(Box<[u8]>, FxMap<Box<[u8]>, Option<Conj>>)> = Vec::new();
            for (name, values) in &discs {
                if budget < values.len() {
                    continue;
                }
                budget -= values.len();
                let mut map = FxMap::default();
                for v in values.keys() {
                    let first = Some((&**name, Some(&**v)));
                    let mut c = Conj::default();
                    match self.flatten(i, T_OBJ, &mut c, 0, &mut |nd, k, _| discriminate(nd, k, first)) {
                        Ok(()) => map.insert(v.clone(), Some(c)),
                        Err(Tape::Fail) => map.insert(v.clone(), None),
                        Err(Tape::Judge) => None,
                    };
                }
                known.push((name.clone(), map));
            }
            if !known.is_empty() {
                self.by_value.insert(i, known);
            }
        }
    }

    /// `Flat` of a node with a union its value's kind leaves open: Union when no union on the
    /// way has a discriminator or is a `oneOf` and they make at most 16 conjunctions,
    /// Dynamic otherwise.
    fn union_of(&self, n: u32, kind: u8) -> Flat {
        let mut list: Vec<Box<[u32]>> = Vec::new();
        let r = self.each_choice(
            n,
            kind,
            &mut |nd, _, one| if one || nd.disc.is_some() || nd.key_disc.is_some() { Err(Tape::Judge) } else { Ok(None) },
            &mut |c| {
                list.push(c.nodes().into());
                list.len() > 16
            },
        );
        match r {
            Ok(false) if list.is_empty() => Flat::Fail,
            Ok(false) => Flat::Union(list.into()),
            _ => Flat::Dynamic,
        }
    }

    /// Every conjunction node `n` stands for with a value of kind `kind`, depth first through
    /// the `anyOf` unions `disc` leaves undecided (Ok(None); it decides the others as
    /// `flatten`'s does), each handed to `each` until it says stop (true): Ok(true) then,
    /// Ok(false) when none is left; Judge past 64 tries, at an undecided `oneOf`, or where
    /// `disc` or `flatten` says so.
    pub fn each_choice(&self, n: u32, kind: u8, disc: &mut dyn FnMut(&Node, u8, bool) -> Result<Option<u32>, Tape>, each: &mut dyn FnMut(&Conj) -> bool) -> Result<bool, Tape> {
        // the branch taken at each undecided union met, in the order flatten meets them,
        // and how many branches of the value's kind it has
        let mut choices: Vec<(usize, usize)> = Vec::new();
        for _ in 0..64 {
            let mut c = Conj::default();
            let mut met = 0usize;
            let r = self.flatten(n, kind, &mut c, 0, &mut |nd, k, one| {
                if let Some(b) = disc(nd, k, one)? {
                    return Ok(Some(b));
                }
                if one {
                    return Err(Tape::Judge);
                }
                let viable = || nd.any_of.iter().filter(|&&b| self.nodes[b as usize].accept & k != 0);
                if met == choices.len() {
                    choices.push((0, viable().count()));
                }
                let pick = choices[met].0;
                met += 1;
                Ok(viable().nth(pick).copied())
            });
            match r {
                Err(Tape::Judge) => return Err(Tape::Judge),
                Err(Tape::Fail) => {}
                Ok(()) => {
                    if each(&c) {
                        return Ok(true);
                    }
                }
            }
            // the next choice: the deepest union with a branch left moves on
            choices.truncate(met);
            loop {
                match choices.last_mut() {
                    None => return Ok(false),
                    Some((pick, count)) if *pick + 1 < *count => {
                        *pick += 1;
                        break;
                    }
                    Some(_) => {
                        choices.pop();
                    }
                }
            }
        }
        Err(Tape::Judge)
    }

    /// The nodes a value of kind `kind` must meet for node `n`; `disc` picks the branch of
    /// a union the value's kind leaves open (`true` for a `oneOf`; Judge: it cannot).
    pub fn flatten(&self, n: u32, kind: u8, c: &mut Conj, hops: u32, disc: &mut dyn FnMut(&Node, u8, bool) -> Result<Option<u32>, Tape>) -> Result<(), Tape> {
        let nd = &self.nodes[n as usize];
        match nd.dclass {
            D_ANY => return Ok(()),
            D_NONE => return Err(Tape::Fail),
            D_TAPE => return Err(Tape::Judge),
            _ => {}
        }
        if nd.accept & kind == 0 {
            return Err(Tape::Fail);
        }
        c.visits += 1;
        if hops > 64 || c.visits > VISITS {
            return Err(Tape::Judge);
        }
        if let Some(r) = nd.ref_ {
            self.flatten(r, kind, c, hops + 1, disc)?;
        }
        for &b in &nd.all_of {
            self.flatten(b, kind, c, hops + 1, disc)?;
        }
        if let Some(pk) = &nd.picks {
            // settled at the object's end (`Direct::objects`); other kinds now
            if kind != T_OBJ && pk.iter().any(|u| !u.others) {
                return Err(Tape::Fail);
            }
        }
        for (bs, one) in [(&nd.any_of, false), (&nd.one_of, true)] {
            if bs.is_empty() || nd.picks.is_some() {
                continue;
            }
            let mut only = None;
            for &b in bs.iter() {
                if self.nodes[b as usize].accept & kind != 0 {
                    if only.is_some() {
                        only = disc(nd, kind, one)?;
                        break;
                    }
                    only = Some(b);
                }
            }
            match only {
                Some(b) => self.flatten(b, kind, c, hops + 1, disc)?,
                None => return Err(Tape::Fail),
            }
        }
        if nd.types != 0 || nd.enum_.is_some() || nd.const_.is_some() || nd.has_num || nd.has_str || nd.has_arr || nd.has_obj {
            c.push(n)?;
        }
        Ok(())
    }

    /// `n` with `$ref`-only hops followed (none past 64 hops)
    fn through_refs(&self, mut n: u32) -> Option<u32> {
        for _ in 0..64 {
            let nd = &self.nodes[n as usize];
            match nd.ref_ {
                Some(r) if nd.dclass == D_PLAIN && nd.types == 0 && nd.enum_.is_none() && nd.const_.is_none()
                    && !(nd.has_num || nd.has_str || nd.has_arr || nd.has_obj)
                    && nd.all_of.is_empty() && nd.any_of.is_empty() && nd.one_of.is_empty() => n = r,
                _ => return Some(n),
            }
        }
        None
    }

    /// The string values a property node allows, when it allows strings only.
    fn string_values(&self, n: u32) -> Option<Vec<Box<[u8]>>> {
        let nd = &self.nodes[self.through_refs(n)? as usize];
        if let Some(JVal::Str(c)) = &nd.const_ {
            return Some(vec![c.as_bytes().into()]);
        }
        let e = nd.enum_.as_ref()?;
        e.values.iter().map(|v| v.as_str().map(|s| s.as_bytes().into())).collect()
    }

    fn key_discriminator(&self, branches: &[u32]) -> Option<FxMap<Box<[u8]>, u32>> {
        // branches that take objects: each a closed object (others are told apart by kind)
        let mut objs: Vec<(u32, &Node)> = Vec::new();
        for &b in branches {
            if self.nodes[b as usize].accept & T_OBJ == 0 {
                continue;
            }
            let o = &self.nodes[self.through_refs(b)? as usize];
            let closed = self.closed(o);
            if o.dclass != D_PLAIN || o.accept != T_OBJ || !closed || o.ref_.is_some() || !o.all_of.is_empty() || !o.any_of.is_empty() || !o.one_of.is_empty() {
                return None;
            }
            objs.push((b, o));
        }
        if objs.len() < 2 {
            return None;
        }
        let mut count: FxMap<Box<[u8]>, (u32, u32)> = FxMap::default();
        for (b, o) in &objs {
            for (k, _, _) in &o.properties {
                let e = count.entry(k.clone()).or_insert((0, *b));
                e.0 += 1;
            }
        }
        let map: FxMap<Box<[u8]>, u32> = count.into_iter().filter(|(_, (c, _))| *c == 1).map(|(k, (_, b))| (k, b)).collect();
        (!map.is_empty()).then_some(map)
    }

    fn discriminator(&self, branches: &[u32]) -> Option<(Box<[u8]>, FxMap<Box<[u8]>, u32>)> {
        let objs: Vec<&Node> = branches
            .iter()
            .map(|&b| self.through_refs(b).map(|x| &self.nodes[x as usize]))
            .collect::<Option<Vec<_>>>()?;
        if objs.iter().any(|o| o.dclass != D_PLAIN || o.accept != T_OBJ || o.ref_.is_some() || !o.all_of.is_empty() || !o.any_of.is_empty() || !o.one_of.is_empty()) {
            return None;
        }
        'names: for name in objs[0].required.iter() {
            let mut map: FxMap<Box<[u8]>, u32> = FxMap::default();
            for (bi, o) in objs.iter().enumerate() {
                if !o.required.iter().any(|r| r == name) {
                    continue 'names;
                }
                let Some(pn) = o.prop(name) else { continue 'names };
                let Some(values) = self.string_values(pn) else { continue 'names };
                for v in values {
                    if map.insert(v, branches[bi]).is_some_and(|b| b != branches[bi]) {
                        continue 'names;
                    }
                }
            }
            return Some((name.clone(), map));
        }
        None
    }

    /// The kinds node `i` may accept (memoized; a cycle or a deep chain counts as any kind).
    fn accept_of(&mut self, i: u32, state: &mut [u8], depth: u32) -> u8 {
        match state[i as usize] {
            2 => return self.nodes[i as usize].accept,
            1 => return ALL_KINDS,
            _ => {}
        }
        if depth > 200 {
            return ALL_KINDS;
        }
        state[i as usize] = 1;
        let n = &self.nodes[i as usize];
        let mut m = match n.boolean {
            Some(true) => ALL_KINDS,
            Some(false) => 0,
            None => {
                let mut m = ALL_KINDS & n.kinds;
                if n.types != 0 {
                    let t = n.types & ALL_KINDS;
                    m &= t | if t & (T_INT | T_NUM) != 0 { T_INT | T_NUM } else { 0 };
                }
                m
            }
        };
        let (r, all_of, any_of, one_of) = (n.ref_, n.all_of.clone(), n.any_of.clone(), n.one_of.clone());
        if let Some(r) = r {
            m &= self.accept_of(r, state, depth + 1);
        }
        for b in all_of {
            m &= self.accept_of(b, state, depth + 1);
        }
        for bs in [any_of, one_of] {
            if !bs.is_empty() {
                let mut u = 0;
                for b in bs {
                    u |= self.accept_of(b, state, depth + 1);
                }
                m &= u;
            }
        }
        self.nodes[i as usize].accept = m;
        state[i as usize] = 2;
        m
    }

    fn node(&mut self, v: &JVal, count: u64, pats: &mut HashMap<String, usize>) -> Result<Node, ModelError> {
        let mut n = Node::default();
        if let Some(JVal::Arr(p)) = v.get("path") {
            n.path = p
                .iter()
                .map(|x| match x {
                    JVal::Str(s) => PathItem::Key(s.clone()),
                    JVal::Num(_, f) => PathItem::Index(*f as usize),
                    _ => PathItem::Key(String::new()),
                })
                .collect();
        }
        let path = n.path.clone();
        if let Some(JVal::Bool(b)) = v.get("bool") {
            n.boolean = Some(*b);
            n.kinds = 0xFF;
            return Ok(n);
        }
        let JVal::Obj(members) = v else { return merr("bad schema model: node is not an object", &path) };
        let idx = |x: &JVal| -> Result<u32, ModelError> {
            match x.as_u64() {
                Some(i) if i < count => Ok(i as u32),
                _ => merr("bad schema model: node index", &path),
            }
        };
        let idxs = |x: &JVal| -> Result<Vec<u32>, ModelError> {
            x.as_arr().unwrap_or(&[]).iter().map(idx).collect()
        };
        let count_of = |x: &JVal, kw: &str| -> Result<u64, ModelError> {
            x.as_u64().map_or_else(|| merr(format!("{kw} must be a non-negative integer"), &path), Ok)
        };
        for (k, x) in members {
            match k.as_str() {
                "path" => {}
                "res" => n.res = x.as_u64().unwrap_or(0) as u32,
                "int4" => n.int4 = matches!(x, JVal::Bool(true)),
                "type" => {
                    let names: Vec<&str> = match x {
                        JVal::Str(s) => vec![s.as_str()],
                        JVal::Arr(a) => a.iter().filter_map(|t| t.as_str()).collect(),
                        _ => vec![],
                    };
                    let mut bits = 0u8;
                    for t in names {
                        bits |= match t {
                            "null" => T_NULL,
                            "boolean" => T_BOOL,
                            "integer" => T_INT,
                            "number" => T_NUM | T_INT,
                            "string" => T_STR,
                            "array" => T_ARR,
                            "object" => T_OBJ,
                            _ => return merr(format!("unknown type {}", crate::num::quote(t)), &path),
                        };
                    }
                    // `type: []` accepts nothing; 128 marks "a type keyword is present"
                    n.types = bits | 128;
                }
                "enum" => {
                    let values = x.as_arr().unwrap_or(&[]).to_vec();
                    let all_strings = values.iter().all(|v| matches!(v, JVal::Str(_)));
                    let strings = if values.len() > 8 {
                        Some(values.iter().filter_map(|v| v.as_str()).map(|s| (s.as_bytes().to_vec().into_boxed_slice(), ())).collect())
                    } else {
                        None
                    };
                    n.enum_ = Some(Enum { values, strings, all_strings });
                }
                "const" => n.const_ = Some(x.clone()),
                "minimum" => {
                    n.minimum = bound(x);
                    n.has_num = true
                }
                "maximum" => {
                    n.maximum = bound(x);
                    n.has_num = true
                }
                "exclusiveMinimum" => {
                    n.ex_minimum = bound(x);
                    n.has_num = true
                }
                "exclusiveMaximum" => {
                    n.ex_maximum = bound(x);
                    n.has_num = true
                }
                "multipleOf" => {
                    let b = bound(x);
                    if let Some(b) = &b {
                        if b.dec.neg || b.dec.is_zero() {
                            return merr("multipleOf must be greater than 0", &path);
                        }
                    }
                    n.multiple_of = b;
                    n.has_num = true
                }
                "minLength" => {
                    n.min_length = Some(count_of(x, k)?);
                    n.has_str = true
                }
                "maxLength" => {
                    n.max_length = Some(count_of(x, k)?);
                    n.has_str = true
                }
                "pattern" => {
                    let s = x.as_str().unwrap_or("");
                    n.pattern = Some(self.pattern(s, pats, &path)?);
                    n.has_str = true
                }
                "format" => {
                    n.format = x.as_str().and_then(Format::from_name);
                    n.has_str |= n.format.is_some();
                }
                "prefixItems" => {
                    n.prefix_items = idxs(x)?;
                    n.has_arr = true
                }
                "items" => {
                    n.items = Some(idx(x)?);
                    n.has_arr = true
                }
                "contains" => {
                    n.contains = Some(idx(x)?);
                    n.has_arr = true
                }
                "minContains" => n.min_contains = Some(count_of(x, k)?),
                "maxContains" => n.max_contains = Some(count_of(x, k)?),
                "minItems" => {
                    n.min_items = Some(count_of(x, k)?);
                    n.has_arr = true
                }
                "maxItems" => {
                    n.max_items = Some(count_of(x, k)?);
                    n.has_arr = true
                }
                "uniqueItems" => {
                    n.unique_items = matches!(x, JVal::Bool(true));
                    n.has_arr |= n.unique_items
                }
                "uniqueBy" => {
                    n.unique_by = x.as_str().map(|k| k.as_bytes().into());
                    n.has_arr = true
                }
                "unevaluatedItems" => {
                    n.unevaluated_items = Some(idx(x)?);
                    n.has_arr = true
                }
                "properties" => {
                    for pv in x.as_arr().unwrap_or(&[]) {
                        let pair = pv.as_arr().unwrap_or(&[]);
                        if pair.len() == 2 {
                            let name = pair[0].as_str().unwrap_or("").as_bytes().to_vec().into_boxed_slice();
                            n.properties.push((name, idx(&pair[1])?, u32::MAX));
                        }
                    }
                    n.index_properties();
                    n.has_obj = true
                }
                "patternProperties" => {
                    for pv in x.as_arr().unwrap_or(&[]) {
                        let pair = pv.as_arr().unwrap_or(&[]);
                        if pair.len() == 2 {
                            let mut ppath = path.clone();
                            ppath.push(PathItem::Key("patternProperties".into()));
                            let p = self.pattern(pair[0].as_str().unwrap_or(""), pats, &ppath)?;
                            n.pattern_properties.push((p, idx(&pair[1])?));
                        }
                    }
                    n.has_obj = true
                }
                "additionalProperties" => {
                    n.additional_properties = Some(idx(x)?);
                    n.has_obj = true
                }
                "propertyNames" => {
                    n.property_names = Some(idx(x)?);
                    n.has_obj = true
                }
                "jsonText" => {
                    n.json_text = Some(idx(x)?);
                    n.has_str = true
                }
                "required" => {
                    n.required = x.as_arr().unwrap_or(&[]).iter().filter_map(|s| s.as_str()).map(|s| s.as_bytes().to_vec().into_boxed_slice()).collect();
                    n.has_obj = true
                }
                "dependentRequired" => {
                    for pv in x.as_arr().unwrap_or(&[]) {
                        let pair = pv.as_arr().unwrap_or(&[]);
                        if pair.len() == 2 {
                            let names = pair[1].as_arr().unwrap_or(&[]).iter().filter_map(|s| s.as_str()).map(|s| s.as_bytes().to_vec().into_boxed_slice()).collect();
                            n.dependent_required.push((pair[0].as_str().unwrap_or("").as_bytes().to_vec().into_boxed_slice(), names));
                        }
                    }
                    n.has_obj = true
                }
                "dependentSchemas" => {
                    for pv in x.as_arr().unwrap_or(&[]) {
                        let pair = pv.as_arr().unwrap_or(&[]);
                        if pair.len() == 2 {
                            n.dependent_schemas.push((pair[0].as_str().unwrap_or("").as_bytes().to_vec().into_boxed_slice(), idx(&pair[1])?));
                        }
                    }
                    n.has_obj = true
                }
                "minProperties" => {
                    n.min_properties = Some(count_of(x, k)?);
                    n.has_obj = true
                }
                "maxProperties" => {
                    n.max_properties = Some(count_of(x, k)?);
                    n.has_obj = true
                }
                "unevaluatedProperties" => {
                    n.unevaluated_properties = Some(idx(x)?);
                    n.has_obj = true
                }
                "allOf" => n.all_of = idxs(x)?,
                "anyOf" => n.any_of = idxs(x)?,
                "oneOf" => n.one_of = idxs(x)?,
                "not" => n.not = Some(idx(x)?),
                "if" => n.if_ = Some(idx(x)?),
                "then" => n.then_ = Some(idx(x)?),
                "else" => n.else_ = Some(idx(x)?),
                "ref" => n.ref_ = Some(idx(x)?),
                "dynamicRef" => {
                    let pair = x.as_arr().unwrap_or(&[]);
                    if pair.len() == 2 {
                        n.dynamic_ref = Some((pair[0].as_str().unwrap_or("").to_string(), idx(&pair[1])?));
                        self.dynamic = true;
                    }
                }
                _ => {}
            }
        }
        if n.min_contains.is_some() || n.max_contains.is_some() {
            n.has_arr = true;
        }
        n.kinds = 0xFF;
        let kind = |v: &JVal| -> u8 {
            match v {
                JVal::Null => T_NULL,
                JVal::Bool(_) => T_BOOL,
                JVal::Num(..) => T_INT | T_NUM,
                JVal::Str(_) => T_STR,
                JVal::Arr(_) => T_ARR,
                JVal::Obj(_) => T_OBJ,
            }
        };
        if let Some(e) = &n.enum_ {
            n.kinds &= e.values.iter().fold(0, |acc, v| acc | kind(v));
        }
        if let Some(c) = &n.const_ {
            n.kinds &= kind(c);
        }
        Ok(n)
    }

    fn pattern(&mut self, s: &str, pats: &mut HashMap<String, usize>, path: &[PathItem]) -> Result<usize, ModelError> {
        if let Some(&i) = pats.get(s) {
            return Ok(i);
        }
        let p = match ecma::compile(s) {
            Ok(p) => p,
            Err(msg) => {
                let mut pp = path.to_vec();
                if !matches!(pp.last(), Some(PathItem::Key(k)) if k == "patternProperties") {
                    pp.push(PathItem::Key("pattern".into()));
                } else {
                    pp.push(PathItem::Key(s.to_string()));
                }
                return merr(msg, &pp);
            }
        };
        self.patterns.push(p);
        let i = self.patterns.len() - 1;
        pats.insert(s.to_string(), i);
        Ok(i)
    }
}
