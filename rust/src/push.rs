//! Push mode: the same program fed a JSON text chunk by chunk.
//!
//! `feed` fails at the byte that makes the text impossible: a syntax error, or a prefix no
//! continuation of which can be valid (a value of a type no candidate takes, a key a closed
//! object refuses, a finished scalar the schema refuses, too many items, a missing required
//! key at `}`). Each position holds its candidates in disjunctive form: a list of
//! alternatives, each a set of nodes that must all hold (`anyOf`/`oneOf` branches are
//! alternatives, `$ref` targets and `allOf` parts join the set); each alternative remembers
//! the alternatives of the enclosing value it came from, so a branch that dies inside a
//! value kills its ancestors when the value closes. What a prefix cannot decide (`not`,
//! `if`, `$dynamicRef`, `unevaluated*`, `uniqueItems`, whole-container keywords) waits for
//! `finish`, which runs the judge over the whole text: the final verdict is the judge's.
//! Work per byte is bounded by the schema, so a chunk costs O(chunk).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::parse::{self, Doc, PathItem, Tok};
use crate::program::*;
use crate::validate::Val;
use crate::{DecodeFailure, Invalid, Program};

const MAX_ALTS: usize = 64;
const MAX_EXPAND: u32 = 16;

#[derive(Clone)]
struct Alt {
    nodes: Vec<u32>,
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

struct Frame {
    obj: bool,
    /// alternatives of this container (None: unconstrained)
    alts: Option<Vec<Alt>>,
    alive: Vec<bool>,
    count: u32,
    keys: Vec<Vec<u8>>,
    key: Option<Vec<u8>>,
    /// byte offset where text can be cut and the container closed
    safe: usize,
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
}

fn expand(p: &crate::program::Program, n: u32, depth: u32) -> Vec<Vec<u32>> {
    // disjunctive normal form of the necessary conditions of node n
    let nd = &p.nodes[n as usize];
    if let Some(b) = nd.boolean {
        return if b { vec![vec![]] } else { vec![] };
    }
    if depth > MAX_EXPAND {
        return vec![vec![]];
    }
    let mut dnf: Vec<Vec<u32>> = vec![vec![n]];
    let and = |dnf: Vec<Vec<u32>>, other: Vec<Vec<u32>>| -> Vec<Vec<u32>> {
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
                    return dnf.clone();
                }
            }
        }
        out
    };
    if let Some(r) = nd.ref_ {
        dnf = and(dnf, expand(p, r, depth + 1));
    }
    for &b in &nd.all_of {
        dnf = and(dnf, expand(p, b, depth + 1));
    }
    for branches in [&nd.any_of, &nd.one_of] {
        if branches.is_empty() {
            continue;
        }
        let mut or: Vec<Vec<u32>> = Vec::new();
        for &b in branches.iter() {
            or.extend(expand(p, b, depth + 1));
        }
        if or.len() <= MAX_ALTS {
            dnf = and(dnf, or);
        }
    }
    dnf
}

fn alts_of(p: &crate::program::Program, n: u32, parent: u32) -> Vec<Alt> {
    expand(p, n, 0).into_iter().map(|nodes| Alt { nodes, parent }).collect()
}

fn type_allows(nd: &Node, bits: u8) -> bool {
    nd.boolean != Some(false) && (nd.types == 0 || nd.types & bits != 0) && nd.kinds & bits != 0
}

impl Push {
    pub(crate) fn new(prog: Py<Program>, root: u32) -> Push {
        let next = Python::attach(|py| {
            let p = prog.bind(py).get().inner();
            Some(alts_of(p, root, 0))
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
        }
    }

    fn chars(&self, byte: usize) -> usize {
        self.text[..byte.min(self.text.len())].iter().filter(|&&c| (c & 0xC0) != 0x80).count()
    }

    fn here(&self) -> Vec<PathItem> {
        let mut out = Vec::new();
        for f in &self.stack {
            if f.obj {
                match &f.key {
                    Some(k) => out.push(PathItem::Key(String::from_utf8_lossy(k).into_owned())),
                    None => break,
                }
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
    fn start_value(&mut self, py: Python<'_>, bits: u8, what: &str) -> PyResult<Option<Vec<Alt>>> {
        let Some(alts) = self.next.take() else { return Ok(None) };
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let kept: Vec<Alt> = alts.iter().filter(|a| a.nodes.iter().all(|&n| type_allows(&p.nodes[n as usize], bits))).cloned().collect();
        if kept.is_empty() {
            // explain with the first alternative's refusing node
            let (kw, msg, sp) = match alts.iter().flat_map(|a| a.nodes.iter()).find(|&&n| !type_allows(&p.nodes[n as usize], bits)) {
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
            return Err(self.invalid(py, kw, msg, path, sp));
        }
        Ok(Some(kept))
    }

    /// A value ended with the alternatives `survivors` alive (None: unconstrained).
    fn value_done(&mut self, py: Python<'_>, survivors: Option<Vec<Alt>>, err: Option<(String, String, Vec<PathItem>, Vec<PathItem>)>) -> PyResult<()> {
        let Some(surv) = survivors else {
            self.after_value();
            return Ok(());
        };
        let parents: Vec<u32> = surv.iter().map(|a| a.parent).collect();
        // the enclosing value's alternatives that no survivor came from die
        if let Some(f) = self.stack.last_mut() {
            for (i, alive) in f.alive.iter_mut().enumerate() {
                if *alive && !parents.contains(&(i as u32)) {
                    *alive = false;
                }
            }
        }
        let dead = match self.stack.last() {
            None => surv.is_empty(),
            Some(f) => f.alts.is_some() && !f.alive.iter().any(|&a| a),
        };
        if dead {
            let (kw, msg, path, sp) = err.unwrap_or_else(|| ("anyOf".into(), "no alternative of the schema fits this value".into(), self.here(), vec![]));
            return Err(self.invalid(py, &kw, msg, path, sp));
        }
        self.after_value();
        Ok(())
    }

    fn after_value(&mut self) {
        if self.stack.is_empty() {
            self.st = St::End;
        } else {
            self.st = St::After;
        }
    }

    /// A finished scalar (text[start..end]) checked against its alternatives.
    fn scalar_done(&mut self, py: Python<'_>, alts: Option<Vec<Alt>>, start: usize, end: usize) -> PyResult<()> {
        let Some(alts) = alts else { return self.value_done(py, None, None) };
        let src = self.text[start..end].to_vec();
        let mut d = Doc::new(&src);
        if let Err(e) = parse::parse(&mut d) {
            return Err(self.syntax(py, &e.msg, start + e.pos));
        }
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let mut surv = Vec::new();
        let mut first_err = None;
        for a in alts {
            let mut ok = true;
            for &n in &a.nodes {
                let mut v = Val::new(p, &d, false);
                let ok_n = v.run(n);
                if v.fatal.is_some() {
                    let mut c = Val::new(p, &d, true);
                    c.run(n);
                    let f = c.fatal.or(v.fatal).unwrap();
                    self.failed = true;
                    let mut path = self.here();
                    path.extend(f.path);
                    return Err(crate::GaveUp::new_err((f.msg, crate::path_tuple(py, &path)?.unbind(), crate::path_tuple(py, &f.schema_path)?.unbind())));
                }
                if !ok_n {
                    ok = false;
                    if first_err.is_none() {
                        let mut c = Val::new(p, &d, true);
                        c.run(n);
                        if let Some(e) = c.errs.into_iter().next() {
                            first_err = Some((e.keyword.to_string(), e.message, self.here(), e.schema_path));
                        }
                    }
                    break;
                }
            }
            if ok {
                surv.push(a);
            }
        }
        self.value_done(py, Some(surv), first_err)
    }

    /// The alternatives of the member `key` of the object on top.
    fn member_alts(&mut self, py: Python<'_>, key: &[u8]) -> PyResult<()> {
        let f = self.stack.last().unwrap();
        let Some(alts) = &f.alts else {
            self.next = None;
            return Ok(());
        };
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let key_str = String::from_utf8_lossy(key).into_owned();
        let mut next: Vec<Alt> = Vec::new();
        let mut alive = f.alive.clone();
        let mut refusal: Option<(String, Vec<PathItem>)> = None;
        for (i, a) in alts.iter().enumerate() {
            if !alive[i] {
                continue;
            }
            let mut parts: Vec<Vec<Vec<u32>>> = Vec::new();
            let mut ok = true;
            for &n in &a.nodes {
                let nd = &p.nodes[n as usize];
                let mut matched = false;
                if let Some(pn) = nd.prop(key) {
                    matched = true;
                    parts.push(expand(p, pn, 0));
                }
                for &(pi, pn) in &nd.pattern_properties {
                    if let Ok(true) = p.patterns[pi].search(&key_str) {
                        matched = true;
                        parts.push(expand(p, pn, 0));
                    }
                }
                if !matched {
                    if let Some(ad) = nd.additional_properties {
                        if p.nodes[ad as usize].boolean == Some(false) {
                            ok = false;
                            if refusal.is_none() {
                                let mut sp = nd.path.clone();
                                sp.push(PathItem::Key("additionalProperties".into()));
                                refusal = Some((format!("Additional properties are not allowed ({} was unexpected)", crate::num::quote(&key_str)), sp));
                            }
                            break;
                        }
                        parts.push(expand(p, ad, 0));
                    }
                }
                if let Some(pn) = nd.property_names {
                    let quoted = crate::num::quote(&key_str);
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
            // the child's alternatives: the product of every part's
            let mut dnf: Vec<Vec<u32>> = vec![vec![]];
            for part in parts {
                let mut out = Vec::new();
                for x in &dnf {
                    for y in &part {
                        let mut c = x.clone();
                        c.extend(y.iter().copied().filter(|n| !x.contains(n)));
                        out.push(c);
                    }
                }
                if out.len() > MAX_ALTS {
                    continue; // conservative: leave this part to finish()
                }
                dnf = out;
            }
            next.extend(dnf.into_iter().map(|nodes| Alt { nodes, parent: i as u32 }));
        }
        if !alive.iter().any(|&a| a) {
            let (msg, sp) = refusal.unwrap_or_else(|| ("no alternative of the schema takes this key".into(), vec![]));
            let mut path = self.here();
            path.pop();
            return Err(self.invalid(py, "additionalProperties", msg, path, sp));
        }
        let f = self.stack.last_mut().unwrap();
        f.alive = alive;
        self.next = Some(next);
        Ok(())
    }

    /// The alternatives of the next item of the array on top (and maxItems).
    fn item_alts(&mut self, py: Python<'_>) -> PyResult<()> {
        let f = self.stack.last().unwrap();
        let Some(alts) = &f.alts else {
            self.next = None;
            return Ok(());
        };
        let idx = f.count as usize;
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let mut next = Vec::new();
        let mut alive = f.alive.clone();
        let mut refusal = None;
        for (i, a) in alts.iter().enumerate() {
            if !alive[i] {
                continue;
            }
            let mut dnf: Vec<Vec<u32>> = vec![vec![]];
            let mut ok = true;
            for &n in &a.nodes {
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
                    let part = expand(p, c, 0);
                    let mut out = Vec::new();
                    for x in &dnf {
                        for y in &part {
                            let mut z = x.clone();
                            z.extend(y.iter().copied().filter(|n| !x.contains(n)));
                            out.push(z);
                        }
                    }
                    if out.len() <= MAX_ALTS {
                        dnf = out;
                    }
                }
            }
            if !ok {
                alive[i] = false;
                continue;
            }
            next.extend(dnf.into_iter().map(|nodes| Alt { nodes, parent: i as u32 }));
        }
        if !alive.iter().any(|&a| a) {
            let (msg, sp) = refusal.unwrap_or_else(|| ("no alternative of the schema takes another item".into(), vec![]));
            let mut path = self.here();
            path.pop();
            return Err(self.invalid(py, "maxItems", msg, path, sp));
        }
        self.stack.last_mut().unwrap().alive = alive;
        self.next = Some(next);
        Ok(())
    }

    fn open(&mut self, py: Python<'_>, obj: bool, at: usize) -> PyResult<()> {
        if self.stack.len() >= parse::MAX_DEPTH {
            return Err(self.syntax(py, &format!("nested deeper than {} levels", parse::MAX_DEPTH), at));
        }
        let alts = self.start_value(py, if obj { T_OBJ } else { T_ARR }, if obj { "an object" } else { "an array" })?;
        let alive = alts.as_ref().map_or(Vec::new(), |a| vec![true; a.len()]);
        self.stack.push(Frame { obj, alts, alive, count: 0, keys: Vec::new(), key: None, safe: at + 1 });
        self.st = if obj { St::ObjFirst } else { St::ArrFirst };
        self.need_item = !obj;
        Ok(())
    }

    fn close(&mut self, py: Python<'_>, at: usize) -> PyResult<()> {
        let f = self.stack.pop().unwrap();
        let Some(alts) = f.alts else { return self.value_done(py, None, None) };
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let mut surv = Vec::new();
        let mut first_err = None;
        let path = self.here();
        for (i, a) in alts.into_iter().enumerate() {
            if !f.alive[i] {
                continue;
            }
            let mut ok = true;
            for &n in &a.nodes {
                let nd = &p.nodes[n as usize];
                let fail = |kw: &str, msg: String| Some((kw.to_string(), msg, path.clone(), {
                    let mut sp = nd.path.clone();
                    sp.push(PathItem::Key(kw.to_string()));
                    sp
                }));
                let mut e = None;
                if f.obj {
                    for r in &nd.required {
                        if !f.keys.iter().any(|k| k.as_slice() == &**r) {
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
            if ok {
                surv.push(a);
            }
        }
        let _ = at;
        self.value_done(py, Some(surv), first_err)
    }

    fn feed_bytes(&mut self, py: Python<'_>, chunk: &[u8]) -> PyResult<()> {
        if self.failed {
            return Err(pyo3::exceptions::PyValueError::new_err("this text already failed; start a new one"));
        }
        let base = self.text.len();
        self.text.extend_from_slice(chunk);
        let mut i = base;
        let n = self.text.len();
        while i < n {
            let c = self.text[i];
            match self.st {
                St::Value | St::ArrFirst => {
                    if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                        i += 1;
                        continue;
                    }
                    if self.st == St::ArrFirst && c == b']' {
                        i += 1;
                        self.need_item = false;
                        self.close(py, i)?;
                        continue;
                    }
                    self.value_start = i;
                        if self.need_item {
                            // the first item of an array (an empty one needs none)
                            self.need_item = false;
                            if self.stack.last().is_some_and(|f| !f.obj) {
                                self.item_alts(py)?;
                            }
                        }
                    match c {
                        b'{' => {
                            i += 1;
                            self.open(py, true, i - 1)?;
                        }
                        b'[' => {
                            i += 1;
                            self.open(py, false, i - 1)?;
                        }
                        b'"' => {
                            self.is_key = false;
                            self.str_escaped = false;
                            self.st = St::Str;
                            self.high_start = None;
                            let alts = self.start_value(py, T_STR, "a string")?;
                            self.next = alts;
                            i += 1;
                        }
                        b'-' | b'0'..=b'9' => {
                            let alts = self.start_value(py, T_NUM | T_INT, "a number")?;
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
                            let alts = self.start_value(py, bits, what)?;
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
                    if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                        i += 1;
                        continue;
                    }
                    if self.st == St::ObjFirst && c == b'}' {
                        i += 1;
                        self.close(py, i)?;
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
                    i += 1;
                }
                St::Colon => {
                    if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                        i += 1;
                        continue;
                    }
                    if c != b':' {
                        return Err(self.syntax(py, "expected ':'", i));
                    }
                    self.st = St::Value;
                    i += 1;
                }
                St::After => {
                    if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                        i += 1;
                        continue;
                    }
                    let obj = self.stack.last().unwrap().obj;
                    match c {
                        b',' => {
                            let f = self.stack.last_mut().unwrap();
                            f.count += 1;
                            f.safe = i;
                            f.key = None;
                            i += 1;
                            if obj {
                                self.st = St::ObjKey;
                            } else {
                                // after a comma an item must follow: maxItems is decided here
                                self.st = St::Value;
                                self.item_alts(py)?;
                            }
                        }
                        b'}' if obj => {
                            self.stack.last_mut().unwrap().count += 1;
                            i += 1;
                            self.close(py, i)?;
                        }
                        b']' if !obj => {
                            self.stack.last_mut().unwrap().count += 1;
                            i += 1;
                            self.close(py, i)?;
                        }
                        _ => {
                            let want = if obj { "expected ',' or '}'" } else { "expected ',' or ']'" };
                            return Err(self.syntax(py, want, i));
                        }
                    }
                }
                St::Str => {
                    // run to the next quote, backslash or control byte
                    let mut j = i;
                    while j < n {
                        let b = self.text[j];
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        j += 1;
                    }
                    if j > i {
                        self.high_start = None;
                    }
                    i = j;
                    if i >= n {
                        if !self.str_escaped {
                            self.check_prefix(py)?;
                        }
                        break;
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
                    if self.high_start.is_some() {
                        return Err(self.syntax(py, "lone surrogate in a string", self.high_start.unwrap()));
                    }
                    let start = self.value_start;
                    if self.is_key {
                        let src = self.text[start..i].to_vec();
                        let mut d = Doc::new(&src);
                        if let Err(e) = parse::parse(&mut d) {
                            return Err(self.syntax(py, &e.msg, start + e.pos));
                        }
                        let key = match d.toks[0] {
                            Tok::Str(sp) => d.bytes(sp).to_vec(),
                            _ => Vec::new(),
                        };
                        let f = self.stack.last_mut().unwrap();
                        if f.keys.iter().any(|k| *k == key) {
                            f.key = Some(key.clone());
                            return Err(self.syntax(py, &format!("duplicate key {}", crate::num::quote(&String::from_utf8_lossy(&key))), start));
                        }
                        f.keys.push(key.clone());
                        f.key = Some(key.clone());
                        self.st = St::Colon;
                        self.member_alts(py, &key)?;
                    } else {
                        let alts = self.next.take();
                        self.scalar_done(py, alts, start, i)?;
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
                            if self.high_start.is_some() {
                                return Err(self.syntax(py, "lone surrogate in a string", self.high_start.unwrap()));
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
                        if self.high_start.is_some() {
                            return Err(self.syntax(py, "lone surrogate in a string", self.high_start.unwrap()));
                        }
                        self.high_start = Some(self.esc_start);
                    } else if (0xDC00..0xE000).contains(&u) {
                        if self.high_start.is_none() {
                            return Err(self.syntax(py, "lone surrogate in a string", self.esc_start));
                        }
                        self.high_start = None;
                    } else if self.high_start.is_some() {
                        return Err(self.syntax(py, "lone surrogate in a string", self.high_start.unwrap()));
                    }
                }
                St::Num => {
                    if c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E' || c == b'+' || c == b'-' {
                        i += 1;
                        continue;
                    }
                    let start = self.value_start;
                    let alts = self.next.take();
                    self.scalar_done(py, alts, start, i)?;
                }
                St::Lit => {
                    if self.lit_i < self.lit.len() && c == self.lit[self.lit_i] {
                        self.lit_i += 1;
                        i += 1;
                        if self.lit_i == self.lit.len() {
                            let start = self.value_start;
                            let alts = self.next.take();
                            self.scalar_done(py, alts, start, i)?;
                        }
                        continue;
                    }
                    return Err(self.syntax(py, "expected a JSON value", i));
                }
                St::End => {
                    if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                        i += 1;
                        continue;
                    }
                    return Err(self.syntax(py, "extra data after the JSON value", i));
                }
            }
        }
        Ok(())
    }

    /// A string not yet closed (no escape in it so far): fail as soon as no candidate can
    /// take any string starting so (an enum/const member, a closed object's property name,
    /// maxLength).
    fn check_prefix(&mut self, py: Python<'_>) -> PyResult<()> {
        // long strings are left to the close: a check per chunk stays O(chunk)
        if self.text.len() - self.value_start > 4096 {
            return Ok(());
        }
        let prefix = self.text[self.value_start + 1..].to_vec();
        let Ok(ptext) = std::str::from_utf8(&prefix) else { return Ok(()) };
        let chars = ptext.chars().count() as u64;
        let prog = self.prog.bind(py).get();
        let p = prog.inner();
        let starts = |v: &crate::jval::JVal| matches!(v, crate::jval::JVal::Str(x) if x.as_bytes().starts_with(&prefix));
        if self.is_key {
            let Some(f) = self.stack.last() else { return Ok(()) };
            let Some(alts) = &f.alts else { return Ok(()) };
            let mut any = false;
            let mut refusal = None;
            for (i, a) in alts.iter().enumerate() {
                if !f.alive[i] {
                    continue;
                }
                let ok = a.nodes.iter().all(|&n| {
                    let nd = &p.nodes[n as usize];
                    let closed = nd.pattern_properties.is_empty()
                        && nd.additional_properties.is_some_and(|ad| p.nodes[ad as usize].boolean == Some(false));
                    let fits = !closed || nd.properties.iter().any(|(k, _, _)| k.starts_with(&prefix));
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
                let path = self.here();
                let sp = refusal.unwrap_or_default();
                let msg = format!("Additional properties are not allowed (no property name starts with {})", crate::num::quote(ptext));
                return Err(self.invalid(py, "additionalProperties", msg, path, sp));
            }
            return Ok(());
        }
        let Some(alts) = &self.next else { return Ok(()) };
        let mut refusal: Option<(&str, String, Vec<PathItem>)> = None;
        let mut any = false;
        for a in alts {
            let ok = a.nodes.iter().all(|&n| {
                let nd = &p.nodes[n as usize];
                let (kw, fits, msg) = if let Some(e) = &nd.enum_ {
                    ("enum", e.values.iter().any(starts), format!("{}... is not one of the enum's members (none starts so)", crate::num::quote(ptext)))
                } else if let Some(c) = &nd.const_ {
                    ("const", starts(c), format!("{}... is not the const's value (it does not start so)", crate::num::quote(ptext)))
                } else {
                    ("", true, String::new())
                };
                if !fits {
                    if refusal.is_none() {
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
            _ => self.text.len(),
        }
    }
}

#[pymethods]
impl Push {
    /// Read the next piece of text (str or bytes); raises as soon as no continuation can
    /// be valid.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes: Vec<u8> = if let Ok(s) = chunk.cast::<PyString>() {
            s.to_str()?.as_bytes().to_vec()
        } else if let Ok(b) = chunk.cast::<PyBytes>() {
            let v = b.as_bytes();
            if std::str::from_utf8(v).is_err() {
                // a chunk may end inside a character: keep the bytes, check at the end
            }
            v.to_vec()
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err("expected str or bytes"));
        };
        self.feed_bytes(py, &bytes)
    }

    /// The text has ended: the value, judged whole (``Invalid``/``DecodeFailure``).
    fn finish(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.st == St::Num && self.stack.is_empty() {
            let start = self.value_start;
            let end = self.text.len();
            let alts = self.next.take();
            self.scalar_done(py, alts, start, end)?;
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
