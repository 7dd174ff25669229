//! The judge: a program run over a document's tokens. Verdict mode stops at the first
//! failure; collect mode records every error with its instance path, keyword, message and
//! schema path.

use crate::ecma::SearchError;
use crate::jval::{equal, equal_scalar, equal_toks, hash_tok, num_dec, JVal};
use crate::num::{quote, Dec};
use crate::parse::{Doc, PathItem, Span, Tok};
use crate::program::*;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug)]
pub enum Seg {
    Key(Span),
    Index(usize),
}

#[derive(Debug)]
pub struct VErr {
    pub path: Vec<PathItem>,
    pub keyword: &'static str,
    pub message: String,
    pub schema_path: Vec<PathItem>,
}

/// A search the pattern engine gave up on (backtracking limit): an error, never a verdict.
#[derive(Debug)]
pub struct Fatal {
    pub msg: String,
    pub path: Vec<PathItem>,
    pub schema_path: Vec<PathItem>,
}

pub const MAX_EVAL_DEPTH: u32 = 6000;

/// A keyword failed: in verdict mode the node fails at once, in collect mode the error is
/// recorded (its message built only then) and the node goes on.
macro_rules! fail {
    ($v:ident, $ok:ident, $n:expr, $kw:expr, $msg:expr) => {{
        if !$v.collect {
            return false;
        }
        let m = $msg;
        $v.err($n, $kw, m);
        $ok = false;
    }};
}

pub struct Val<'p, 'd, 'a> {
    pub p: &'p Program,
    pub d: &'d Doc<'a>,
    pub collect: bool,
    pub errs: Vec<VErr>,
    path: Vec<Seg>,
    scope: Vec<u32>,
    depth: u32,
    pub fatal: Option<Fatal>,
    /// per token: the global name id of a key matched by `properties` (for building keys)
    pub key_ids: Option<Vec<u32>>,
    /// verdicts of subschemas on containers (node, token), so that nested unions whose
    /// branches fail deep are judged once per node and token, not once per path to them
    /// (their number grows exponentially with the nesting); none where `$dynamicRef`
    /// scope makes a verdict depend on the path
    memo: Option<FxMap<(u32, u32), bool>>,
    /// a `closest` hint is being worked out: branches met inside it give none of their own
    /// (each would evaluate its branches again, again exponentially)
    hinting: bool,
}

/// Whether `tok` is of one of the JSON types `types` (a float whose value is whole is an
/// integer too, but for draft 4 (`int4`); that is worked out only when it decides).
#[inline(always)]
fn type_ok(d: &Doc<'_>, tok: Tok, types: u8, int4: bool) -> bool {
    let bits = match tok {
        Tok::Null => T_NULL,
        Tok::Bool(_) => T_BOOL,
        Tok::Int(_) | Tok::Big(_) => T_INT,
        Tok::Float(f, sp) => {
            // whole as a double (every double from 2**52 up is), then exactly: two casts,
            // not `fract`, which calls out to `trunc`
            let whole = f.abs() >= 4_503_599_627_370_496.0 || (f as i64) as f64 == f;
            return types & T_NUM != 0 || (types & T_INT != 0 && !int4 && whole && Dec::parse(d.bytes(sp)).is_integer());
        }
        Tok::Str(_) => T_STR,
        Tok::Arr(..) => T_ARR,
        Tok::Obj(..) => T_OBJ,
        Tok::Other => 0,
    };
    types & bits != 0
}

fn type_names(bits: u8) -> String {
    let mut v = Vec::new();
    for (b, n) in [(T_NULL, "null"), (T_BOOL, "boolean"), (T_INT, "integer"), (T_STR, "string"), (T_ARR, "array"), (T_OBJ, "object")] {
        if b == T_INT && bits & T_NUM != 0 {
            v.push("\"number\"");
            continue;
        }
        if bits & b != 0 {
            v.push(match n {
                "null" => "\"null\"",
                "boolean" => "\"boolean\"",
                "integer" => "\"integer\"",
                "string" => "\"string\"",
                "array" => "\"array\"",
                _ => "\"object\"",
            });
        }
    }
    if v.len() == 1 {
        v[0].to_string()
    } else {
        format!("any of {}", v.join(", "))
    }
}

/// code points of a string
#[inline]
fn char_len(d: &Doc<'_>, sp: Span) -> u64 {
    if sp.ascii() {
        sp.l as u64
    } else {
        let b = d.bytes(sp);
        b.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64
    }
}

fn cmp_bound(d: &Doc<'_>, tok: Tok, b: &Limit) -> Ordering {
    match tok {
        Tok::Int(i) => {
            if let Some(bi) = b.i {
                return i.cmp(&bi);
            }
            Dec::from_i64(i).cmp(&b.dec)
        }
        Tok::Float(f, sp) => {
            // both doubles are their decimals correctly rounded, and rounding keeps order:
            // doubles that differ order the decimals; equal ones need the decimals compared
            if f < b.f {
                return Ordering::Less;
            }
            if f > b.f {
                return Ordering::Greater;
            }
            Dec::parse(d.bytes(sp)).cmp(&b.dec)
        }
        Tok::Big(sp) => Dec::parse(d.bytes(sp)).cmp(&b.dec),
        _ => Ordering::Equal,
    }
}

fn enum_has(d: &Doc<'_>, t: usize, e: &Enum) -> bool {
    match d.toks[t] {
        Tok::Arr(..) | Tok::Obj(..) => e.values.iter().any(|v| equal(d, t, v)),
        tok => enum_has_scalar(d, tok, e),
    }
}

/// `enum_has` for a scalar token (the walk's, which is on no tape).
fn enum_has_scalar(d: &Doc<'_>, tok: Tok, e: &Enum) -> bool {
    match (tok, &e.strings) {
        (Tok::Str(sp), Some(set)) => set.contains_key(d.bytes(sp)),
        // a few strings: compared in turn, inline
        (Tok::Str(sp), None) if e.all_strings => {
            let b = d.bytes(sp);
            e.values.iter().any(|v| matches!(v, JVal::Str(s) if same(s.as_bytes(), b)))
        }
        _ if e.all_strings => false,
        _ => e.values.iter().any(|v| equal_scalar(d, tok, v)),
    }
}

/// The verdict of node `n`'s own keywords on the scalar `tok` (its text in `d`):
/// `Val::own`'s, without making errors (the walk's check of a scalar, which it passes in
/// registers, on no tape); None when a pattern search gave up, which `own` reports.
pub fn scalar_verdict(p: &Program, d: &Doc<'_>, n: u32, tok: Tok) -> Option<bool> {
    let nd = &p.nodes[n as usize];
    if nd.types != 0 && !type_ok(d, tok, nd.types, nd.int4) {
        return Some(false);
    }
    if nd.const_.as_ref().is_some_and(|c| !equal_scalar(d, tok, c)) || nd.enum_.as_ref().is_some_and(|e| !enum_has_scalar(d, tok, e)) {
        return Some(false);
    }
    match tok {
        Tok::Int(_) | Tok::Float(..) | Tok::Big(_) if nd.has_num => {
            let ok = nd.minimum.as_ref().map_or(true, |b| cmp_bound(d, tok, b) != Ordering::Less)
                && nd.maximum.as_ref().map_or(true, |b| cmp_bound(d, tok, b) != Ordering::Greater)
                && nd.ex_minimum.as_ref().map_or(true, |b| cmp_bound(d, tok, b) == Ordering::Greater)
                && nd.ex_maximum.as_ref().map_or(true, |b| cmp_bound(d, tok, b) == Ordering::Less)
                && nd.multiple_of.as_ref().map_or(true, |b| match (tok, b.i) {
                    (Tok::Int(i), Some(m)) if m > 0 => i % m == 0,
                    _ => num_dec(d, tok).is_multiple_of(&b.dec),
                });
            Some(ok)
        }
        Tok::Str(sp) if nd.has_str => {
            if nd.min_length.is_some() || nd.max_length.is_some() {
                let len = char_len(d, sp);
                if nd.min_length.is_some_and(|m| len < m) || nd.max_length.is_some_and(|m| len > m) {
                    return Some(false);
                }
            }
            if let Some(pi) = nd.pattern {
                match p.patterns[pi].search(d.str(sp)) {
                    Ok(true) => {}
                    Ok(false) => return Some(false),
                    Err(SearchError::Limit) => return None,
                }
            }
            if nd.format.is_some_and(|f| !f.check(d.str(sp))) {
                return Some(false);
            }
            match nd.json_text {
                Some(j) => json_text_meets(p, d.bytes(sp), j),
                None => Some(true),
            }
        }
        _ => Some(true),
    }
}

/// Whether `text` parses (strictly) as JSON to a value node `j` accepts (`jsonText`); None
/// where a pattern search inside gave up.
pub fn json_text_meets(p: &Program, text: &[u8], j: u32) -> Option<bool> {
    let mut doc = Doc::new(text);
    if crate::parse::parse(&mut doc).is_err() {
        return Some(false);
    }
    let mut v = Val::new(p, &doc, false);
    let ok = v.run(j);
    if v.fatal.is_some() {
        return None;
    }
    Some(ok)
}

impl<'p, 'd, 'a> Val<'p, 'd, 'a> {
    pub fn new(p: &'p Program, d: &'d Doc<'a>, collect: bool) -> Self {
        Val { p, d, collect, errs: Vec::new(), path: Vec::new(), scope: Vec::new(), depth: 0, fatal: None, key_ids: None, memo: None, hinting: false }
    }

    pub fn run(&mut self, node: u32) -> bool {
        self.scope.clear();
        if self.p.dynamic {
            self.scope.push(self.p.nodes[node as usize].res);
        }
        self.node(node, 0)
    }

    pub fn render(&self, t: usize) -> String {
        let mut s = String::new();
        JVal::from_doc_limited(self.d, t, &mut s);
        s
    }

    pub fn instance_path(&self) -> Vec<PathItem> {
        self.path
            .iter()
            .map(|s| match s {
                Seg::Key(sp) => PathItem::Key(self.d.str(*sp).to_string()),
                Seg::Index(i) => PathItem::Index(*i),
            })
            .collect()
    }

    fn err(&mut self, n: u32, keyword: &'static str, message: String) {
        let mut sp = self.p.nodes[n as usize].path.clone();
        if keyword != "false" {
            sp.push(PathItem::Key(keyword.to_string()));
        }
        let path = self.instance_path();
        self.errs.push(VErr { path, keyword, message, schema_path: sp });
    }

    fn set_fatal(&mut self, msg: String, n: u32, kw: &str) {
        self.set_fatal_at(msg, n, kw, None)
    }

    fn set_fatal_at(&mut self, msg: String, n: u32, kw: &str, key: Option<&str>) {
        if self.fatal.is_none() {
            let mut sp = self.p.nodes[n as usize].path.clone();
            sp.push(PathItem::Key(kw.to_string()));
            if let Some(k) = key {
                sp.push(PathItem::Key(k.to_string()));
            }
            self.fatal = Some(Fatal { msg, path: self.instance_path(), schema_path: sp });
        }
    }

    /// The instance path grows only while errors are collected (verdicts allocate none).
    #[inline]
    fn enter(&mut self, seg: Seg) -> bool {
        if self.collect {
            self.path.push(seg);
            true
        } else {
            false
        }
    }
    #[inline]
    fn leave(&mut self, pushed: bool) {
        if pushed {
            self.path.pop();
        }
    }

    /// verdict only, whatever the mode (on a container: worked out once per node, `memo`)
    pub fn quiet(&mut self, n: u32, t: usize) -> bool {
        let memo = !self.p.dynamic && matches!(self.d.toks[t], Tok::Obj(..) | Tok::Arr(..));
        if memo {
            if let Some(&r) = self.memo.as_ref().and_then(|m| m.get(&(n, t as u32))) {
                return r;
            }
        }
        let c = self.collect;
        self.collect = false;
        let r = self.node(n, t);
        self.collect = c;
        if memo && self.fatal.is_none() {
            self.memo.get_or_insert_with(FxMap::default).insert((n, t as u32), r);
        }
        r
    }

    #[inline]
    pub fn node(&mut self, n: u32, t: usize) -> bool {
        if self.fatal.is_some() {
            return false;
        }
        self.depth += 1;
        if self.depth > MAX_EVAL_DEPTH {
            self.depth -= 1;
            self.set_fatal("the schema recurses too deeply for this instance".into(), n, "$ref");
            return false;
        }
        let pushed = if self.p.dynamic {
            let r = self.p.nodes[n as usize].res;
            if self.scope.last() != Some(&r) {
                self.scope.push(r);
                true
            } else {
                false
            }
        } else {
            false
        };
        let ok = self.node_inner(n, t);
        if pushed {
            self.scope.pop();
        }
        self.depth -= 1;
        ok
    }

    fn resolve_dynamic(&self, anchor: &str, fallback: u32) -> u32 {
        if let Some(name) = anchor.strip_prefix('#') {
            // 2019-09: innermost outwards while resources have a recursive anchor
            let mut found = fallback;
            for r in self.scope.iter().rev() {
                match self.p.resources.get(*r as usize).and_then(|res| res.dynamic.get(name)) {
                    Some(&node) => found = node,
                    None => break,
                }
            }
            return found;
        }
        for r in &self.scope {
            if let Some(&node) = self.p.resources.get(*r as usize).and_then(|res| res.dynamic.get(anchor)) {
                return node;
            }
        }
        fallback
    }

    fn node_inner(&mut self, n: u32, t: usize) -> bool {
        let p = self.p;
        let nd = &p.nodes[n as usize];
        if let Some(b) = nd.boolean {
            if !b && self.collect {
                let m = format!("False schema does not allow {}", self.render(t));
                self.err(n, "false", m);
            }
            return b;
        }
        let mut ok = true;
        if let Some(r) = nd.ref_ {
            if !self.node(r, t) {
                if !self.collect {
                    return false;
                }
                ok = false;
            }
        }
        if let Some((anchor, fallback)) = &nd.dynamic_ref {
            let target = self.resolve_dynamic(anchor, *fallback);
            if !self.node(target, t) {
                if !self.collect {
                    return false;
                }
                ok = false;
            }
        }
        if !self.own(n, t) {
            if !self.collect {
                return false;
            }
            ok = false;
        }
        let tok = self.d.toks[t];
        // applicators
        for &b in &nd.all_of {
            if !self.node(b, t) {
                if !self.collect {
                    return false;
                }
                ok = false;
            }
        }
        if !nd.any_of.is_empty() {
            let mut any = false;
            for &b in &nd.any_of {
                if self.quiet(b, t) {
                    any = true;
                    break;
                }
            }
            if self.fatal.is_some() {
                return false;
            }
            if !any {
                if !self.collect {
                    return false;
                }
                let hint = self.closest(&nd.any_of, t);
                self.err(n, "anyOf", format!("{} is not valid under any of the given schemas{}", self.render(t), hint));
                ok = false;
            }
        }
        if !nd.one_of.is_empty() {
            let mut first: Option<usize> = None;
            let mut second: Option<usize> = None;
            for (i, &b) in nd.one_of.iter().enumerate() {
                if self.quiet(b, t) {
                    if first.is_none() {
                        first = Some(i);
                    } else {
                        second = Some(i);
                        break;
                    }
                }
            }
            if self.fatal.is_some() {
                return false;
            }
            if first.is_none() {
                if !self.collect {
                    return false;
                }
                let hint = self.closest(&nd.one_of, t);
                self.err(n, "oneOf", format!("{} is not valid under any of the given schemas{}", self.render(t), hint));
                ok = false;
            } else if let Some(s) = second {
                fail!(self, ok, n, "oneOf", format!("{} is valid under each of branches {} and {} of oneOf", self.render(t), first.unwrap(), s));
            }
        }
        if let Some(x) = nd.not {
            if self.quiet(x, t) {
                fail!(self, ok, n, "not", format!("{} should not be valid under the schema at {}", self.render(t), crate::paths::json_path(&p.nodes[x as usize].path)));
            }
        }
        if let Some(c) = nd.if_ {
            if self.quiet(c, t) {
                if let Some(th) = nd.then_ {
                    if !self.node(th, t) {
                        if !self.collect {
                            return false;
                        }
                        ok = false;
                    }
                }
            } else if let Some(el) = nd.else_ {
                if !self.node(el, t) {
                    if !self.collect {
                        return false;
                    }
                    ok = false;
                }
            }
        }
        if self.fatal.is_some() {
            return false;
        }
        // unevaluated*, last: they read what the other keywords evaluated
        if let (Some(u), Tok::Obj(_, end)) = (nd.unevaluated_properties, tok) {
            let mut seen = vec![false; member_count(self.d, t)];
            self.eval_marks(n, t, &mut seen, true, false);
            let mut i = t + 1;
            let mut k = 0;
            let mut extra: Vec<String> = Vec::new();
            while i < end as usize {
                if !seen[k] {
                    let Tok::Str(ksp) = self.d.toks[i] else { break };
                    if p.nodes[u as usize].boolean == Some(false) {
                        if !self.collect {
                            return false;
                        }
                        extra.push(quote(self.d.str(ksp)));
                    } else {
                        let pushed = self.enter(Seg::Key(ksp));
                        let r = self.node(u, i + 1);
                        self.leave(pushed);
                        if !r {
                            if !self.collect {
                                return false;
                            }
                            ok = false;
                        }
                    }
                }
                i = self.d.next(i + 1);
                k += 1;
            }
            if !extra.is_empty() {
                let verb = if extra.len() == 1 { "was" } else { "were" };
                self.err(n, "unevaluatedProperties", format!("Unevaluated properties are not allowed ({} {} unexpected)", extra.join(", "), verb));
                ok = false;
            }
        }
        if let (Some(u), Tok::Arr(len, _)) = (nd.unevaluated_items, tok) {
            let mut seen = vec![false; len as usize];
            self.eval_marks(n, t, &mut seen, true, true);
            let mut i = t + 1;
            let mut bad: Vec<usize> = Vec::new();
            for k in 0..len as usize {
                if !seen[k] {
                    if p.nodes[u as usize].boolean == Some(false) {
                        if !self.collect {
                            return false;
                        }
                        bad.push(k);
                    } else {
                        let pushed = self.enter(Seg::Index(k));
                        let r = self.node(u, i);
                        self.leave(pushed);
                        if !r {
                            if !self.collect {
                                return false;
                            }
                            ok = false;
                        }
                    }
                }
                i = self.d.next(i);
            }
            if !bad.is_empty() {
                self.err(n, "unevaluatedItems", format!("Unevaluated items are not allowed (items {:?} were unexpected)", bad));
                ok = false;
            }
        }
        ok && self.fatal.is_none()
    }

    /// The node's own assertions on the value at `t` (type, const, enum, the number,
    /// string, array and object keywords), without its applicators.
    pub fn own(&mut self, n: u32, t: usize) -> bool {
        let p = self.p;
        let nd = &p.nodes[n as usize];
        let mut ok = true;
        let tok = self.d.toks[t];
        if nd.types != 0 {
            if !type_ok(self.d, tok, nd.types, nd.int4) {
                fail!(self, ok, n, "type", format!("{} is not of type {}", self.render(t), type_names(nd.types)));
            }
        }
        if let Some(c) = &nd.const_ {
            if !equal(self.d, t, c) {
                fail!(self, ok, n, "const", {
                    let mut s = String::new();
                    c.render(&mut s);
                    format!("{} was expected", s)
                });
            }
        }
        if let Some(e) = &nd.enum_ {
            if !enum_has(self.d, t, e) {
                fail!(self, ok, n, "enum", {
                    let mut s = String::from("[");
                    for (i, v) in e.values.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        if s.len() > 100 {
                            s.push_str("...");
                            break;
                        }
                        v.render(&mut s);
                    }
                    s.push(']');
                    format!("{} is not one of {}", self.render(t), s)
                });
            }
        }
        match tok {
            Tok::Int(_) | Tok::Float(..) | Tok::Big(_) if nd.has_num => {
                if let Some(b) = &nd.minimum {
                    if cmp_bound(self.d, tok, b) == Ordering::Less {
                        fail!(self, ok, n, "minimum", format!("{} is less than the minimum of {}", self.render(t), b.text));
                    }
                }
                if let Some(b) = &nd.maximum {
                    if cmp_bound(self.d, tok, b) == Ordering::Greater {
                        fail!(self, ok, n, "maximum", format!("{} is greater than the maximum of {}", self.render(t), b.text));
                    }
                }
                if let Some(b) = &nd.ex_minimum {
                    if cmp_bound(self.d, tok, b) != Ordering::Greater {
                        fail!(self, ok, n, "exclusiveMinimum", format!("{} is less than or equal to the minimum of {}", self.render(t), b.text));
                    }
                }
                if let Some(b) = &nd.ex_maximum {
                    if cmp_bound(self.d, tok, b) != Ordering::Less {
                        fail!(self, ok, n, "exclusiveMaximum", format!("{} is greater than or equal to the maximum of {}", self.render(t), b.text));
                    }
                }
                if let Some(b) = &nd.multiple_of {
                    let multiple = match (tok, b.i) {
                        (Tok::Int(i), Some(m)) if m > 0 => i % m == 0,
                        _ => num_dec(self.d, tok).is_multiple_of(&b.dec),
                    };
                    if !multiple {
                        fail!(self, ok, n, "multipleOf", format!("{} is not a multiple of {}", self.render(t), b.text));
                    }
                }
            }
            Tok::Str(sp) if nd.has_str => {
                if nd.min_length.is_some() || nd.max_length.is_some() {
                    let len = char_len(self.d, sp);
                    if let Some(m) = nd.min_length {
                        if len < m {
                            let s = if m == 1 { "should be non-empty".to_string() } else { format!("is shorter than {m} characters") };
                            fail!(self, ok, n, "minLength", format!("{} {}", self.render(t), s));
                        }
                    }
                    if let Some(m) = nd.max_length {
                        if len > m {
                            fail!(self, ok, n, "maxLength", format!("{} is longer than {m} characters", self.render(t)));
                        }
                    }
                }
                if let Some(pi) = nd.pattern {
                    let pat = &p.patterns[pi];
                    match pat.search(self.d.str(sp)) {
                        Ok(true) => {}
                        Ok(false) => fail!(self, ok, n, "pattern", format!("{} does not match {}", self.render(t), quote(&short(&pat.source)))),
                        Err(SearchError::Limit) => {
                            let msg = format!("pattern {} exceeded its backtracking limit on the string at {}", quote(&short(&pat.source)), crate::paths::json_path(&self.instance_path()));
                            self.set_fatal(msg, n, "pattern");
                            return false;
                        }
                    }
                }
                if let Some(f) = nd.format {
                    if !f.check(self.d.str(sp)) {
                        fail!(self, ok, n, "format", format!("{} is not a valid {}", self.render(t), quote(f.name())));
                    }
                }
                if let Some(j) = nd.json_text {
                    match json_text_meets(p, self.d.bytes(sp), j) {
                        Some(true) => {}
                        Some(false) => fail!(self, ok, n, "jsonText", format!("{} is not JSON text of a value its schema accepts", self.render(t))),
                        None => {
                            let msg = format!("a pattern exceeded its backtracking limit in the JSON text at {}", crate::paths::json_path(&self.instance_path()));
                            self.set_fatal(msg, n, "jsonText");
                            return false;
                        }
                    }
                }
            }
            Tok::Arr(len, end) if nd.has_arr => {
                if !self.array(n, t, len, end as usize) {
                    if !self.collect {
                        return false;
                    }
                    ok = false;
                }
            }
            Tok::Obj(len, end) if nd.has_obj => {
                if !self.object(n, t, len, end as usize) {
                    if !self.collect {
                        return false;
                    }
                    ok = false;
                }
            }
            _ => {}
        }
        ok
    }

    /// For a failed anyOf/oneOf: the first error of the branch that comes closest (the
    /// branch whose type fits, with the fewest errors, the deepest first error).
    fn closest(&mut self, branches: &[u32], t: usize) -> String {
        if branches.len() > 64 || self.hinting {
            return String::new();
        }
        self.hinting = true;
        let saved = std::mem::take(&mut self.errs);
        let mut best: Option<(usize, usize, VErr)> = None;
        for (i, &b) in branches.iter().enumerate() {
            self.node(b, t);
            let errs = std::mem::take(&mut self.errs);
            let n_errs = errs.len();
            let type_miss = errs.iter().any(|e| e.keyword == "type" && e.path.len() == self.path.len());
            let score = n_errs + if type_miss { 1000 } else { 0 };
            if let Some(first) = errs.into_iter().max_by_key(|e| e.path.len()) {
                if best.as_ref().map_or(true, |(s, _, _)| score < *s) {
                    best = Some((score, i, first));
                }
            }
        }
        self.errs = saved;
        self.hinting = false;
        match best {
            Some((score, i, e)) if score < 1000 => {
                format!(" (closest: branch {}: {} - at {})", i, e.message, crate::paths::json_path(&e.path))
            }
            _ => String::new(),
        }
    }

    fn array(&mut self, n: u32, t: usize, len: u32, _end: usize) -> bool {
        let p = self.p;
        let nd = &p.nodes[n as usize];
        let mut ok = true;
        let len64 = len as u64;
        if let Some(m) = nd.min_items {
            if len64 < m {
                let s = if m == 1 { "should be non-empty".to_string() } else { format!("has fewer than {m} items") };
                fail!(self, ok, n, "minItems", format!("{} {}", self.render(t), s));
            }
        }
        if let Some(m) = nd.max_items {
            if len64 > m {
                fail!(self, ok, n, "maxItems", format!("{} has more than {m} items", self.render(t)));
            }
        }
        if nd.unique_items && len > 1 {
            if let Some((a, b)) = self.duplicate_items(t, len) {
                fail!(self, ok, n, "uniqueItems", format!("{} has non-unique elements (items {} and {} are equal)", self.render(t), a, b));
            }
        }
        if let (Some(key), true) = (&nd.unique_by, len > 1) {
            if let Some(name) = self.repeated_member(t, len, key) {
                fail!(self, ok, n, "uniqueKeys", format!("map entry key {} is repeated", quote(&name)));
            }
        }
        let mut i = t + 1;
        let mut k = 0usize;
        for &pn in &nd.prefix_items {
            if k >= len as usize {
                break;
            }
            let pushed = self.enter(Seg::Index(k));
            let r = self.node(pn, i);
            self.leave(pushed);
            if !r {
                if !self.collect {
                    return false;
                }
                ok = false;
            }
            i = self.d.next(i);
            k += 1;
        }
        if let Some(it) = nd.items {
            while k < len as usize {
                let pushed = self.enter(Seg::Index(k));
                let r = self.node(it, i);
                self.leave(pushed);
                if !r {
                    if !self.collect {
                        return false;
                    }
                    ok = false;
                }
                i = self.d.next(i);
                k += 1;
            }
        }
        if let Some(c) = nd.contains {
            let mut count = 0u64;
            let mut i = t + 1;
            let min = nd.min_contains.unwrap_or(1);
            for _ in 0..len {
                if self.quiet(c, i) {
                    count += 1;
                    if nd.max_contains.is_none() && count >= min {
                        break;
                    }
                }
                i = self.d.next(i);
            }
            if self.fatal.is_some() {
                return false;
            }
            if count < min {
                if nd.min_contains.is_some() {
                    fail!(self, ok, n, "minContains", format!("{} contains fewer than {} items matching the contains schema", self.render(t), min));
                } else {
                    fail!(self, ok, n, "contains", format!("{} does not contain items matching the contains schema", self.render(t)));
                }
            }
            if let Some(mx) = nd.max_contains {
                if count > mx {
                    fail!(self, ok, n, "maxContains", format!("{} contains more than {} items matching the contains schema", self.render(t), mx));
                }
            }
        }
        ok
    }

    /// The first string value of member `key` that two object items of the array at `t`
    /// share.
    fn repeated_member(&self, t: usize, len: u32, key: &[u8]) -> Option<String> {
        let d = self.d;
        let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
        let mut i = t + 1;
        for _ in 0..len {
            if let Tok::Obj(_, end) = d.toks[i] {
                let mut j = i + 1;
                while j < end as usize {
                    if let (Tok::Str(k), Tok::Str(v)) = (d.toks[j], d.toks[j + 1]) {
                        if d.bytes(k) == key && !seen.insert(d.bytes(v)) {
                            return Some(d.str(v).to_string());
                        }
                    }
                    j = d.next(j + 1);
                }
            }
            i = d.next(i);
        }
        None
    }

    fn duplicate_items(&self, t: usize, len: u32) -> Option<(usize, usize)> {
        let mut idx = Vec::with_capacity(len as usize);
        let mut i = t + 1;
        for _ in 0..len {
            idx.push(i);
            i = self.d.next(i);
        }
        if len <= 32 {
            for a in 0..idx.len() {
                for b in a + 1..idx.len() {
                    if equal_toks(self.d, idx[a], idx[b]) {
                        return Some((a, b));
                    }
                }
            }
            return None;
        }
        let mut m: std::collections::HashMap<u64, Vec<usize>> = Default::default();
        for (k, &ti) in idx.iter().enumerate() {
            let h = hash_tok(self.d, ti);
            let slot = m.entry(h).or_default();
            for &other in slot.iter() {
                if equal_toks(self.d, idx[other], ti) {
                    return Some((other, k));
                }
            }
            slot.push(k);
        }
        None
    }

    fn object(&mut self, n: u32, t: usize, len: u32, end: usize) -> bool {
        let p = self.p;
        let nd = &p.nodes[n as usize];
        let mut ok = true;
        let len64 = len as u64;
        if let Some(m) = nd.min_properties {
            if len64 < m {
                let s = if m == 1 { "should be non-empty".to_string() } else { format!("has fewer than {m} properties") };
                fail!(self, ok, n, "minProperties", format!("{} {}", self.render(t), s));
            }
        }
        if let Some(m) = nd.max_properties {
            if len64 > m {
                fail!(self, ok, n, "maxProperties", format!("{} has more than {m} properties", self.render(t)));
            }
        }
        let need_members = !nd.properties.is_empty() || !nd.pattern_properties.is_empty() || nd.additional_properties.is_some() || nd.property_names.is_some();
        // which properties are present (for `required`), a bit per entry of `properties`
        let mut present_small: u128 = 0;
        let mut present_big: Vec<bool> = Vec::new();
        let big = nd.properties.len() > 128;
        if big && !nd.required.is_empty() {
            present_big = vec![false; nd.properties.len()];
        }
        if need_members {
            let add_false = p.closed(nd);
            let mut extra: Vec<String> = Vec::new();
            let mut i = t + 1;
            while i < end {
                let Tok::Str(ksp) = self.d.toks[i] else { break };
                let key = self.d.bytes(ksp);
                let v = i + 1;
                let mut matched = false;
                if let Some(pi) = nd.prop_index(key) {
                    matched = true;
                    let (_, pn, name_id) = nd.properties[pi];
                    if let Some(ids) = self.key_ids.as_mut() {
                        ids[i] = name_id;
                    }
                    if big {
                        if !present_big.is_empty() {
                            present_big[pi] = true;
                        }
                    } else {
                        present_small |= 1u128 << pi;
                    }
                    let pushed = self.enter(Seg::Key(ksp));
                    let r = self.node(pn, v);
                    self.leave(pushed);
                    if !r {
                        if !self.collect {
                            return false;
                        }
                        ok = false;
                    }
                }
                for &(pi, pn) in &nd.pattern_properties {
                    match p.patterns[pi].search(self.d.str(ksp)) {
                        Ok(true) => {
                            matched = true;
                            let pushed = self.enter(Seg::Key(ksp));
                            let r = self.node(pn, v);
                            self.leave(pushed);
                            if !r {
                                if !self.collect {
                                    return false;
                                }
                                ok = false;
                            }
                        }
                        Ok(false) => {}
                        Err(_) => {
                            let msg = format!("pattern {} exceeded its backtracking limit on a property name of the object at {}", quote(&short(&p.patterns[pi].source)), crate::paths::json_path(&self.instance_path()));
                            let source = p.patterns[pi].source.clone();
                            self.set_fatal_at(msg, n, "patternProperties", Some(&source));
                            return false;
                        }
                    }
                }
                if !matched {
                    if let Some(a) = nd.additional_properties {
                        if add_false {
                            if !self.collect {
                                return false;
                            }
                            extra.push(quote(self.d.str(ksp)));
                        } else {
                            let pushed = self.enter(Seg::Key(ksp));
                            let r = self.node(a, v);
                            self.leave(pushed);
                            if !r {
                                if !self.collect {
                                    return false;
                                }
                                ok = false;
                            }
                        }
                    }
                }
                if let Some(pn) = nd.property_names {
                    // the name itself is the instance: its token is the key
                    let r = self.node(pn, i);
                    if !r {
                        if !self.collect {
                            return false;
                        }
                        ok = false;
                    }
                }
                i = self.d.next(v);
            }
            if !extra.is_empty() {
                let verb = if extra.len() == 1 { "was" } else { "were" };
                let shown: Vec<String> = extra.iter().take(10).cloned().collect();
                let more = if extra.len() > 10 { format!(", and {} more", extra.len() - 10) } else { String::new() };
                self.err(n, "additionalProperties", format!("Additional properties are not allowed ({}{} {} unexpected)", shown.join(", "), more, verb));
                ok = false;
            }
        }
        for (r, &pi) in nd.required.iter().zip(nd.required_idx.iter()) {
            let present = if pi == u32::MAX || !need_members {
                self.has_key(t, end, r)
            } else if big {
                present_big[pi as usize]
            } else {
                present_small & (1u128 << pi) != 0
            };
            if !present {
                fail!(self, ok, n, "required", format!("{} is a required property", quote(&String::from_utf8_lossy(r))));
            }
        }
        for (k, deps) in &nd.dependent_required {
            if self.has_key(t, end, k) {
                for dname in deps {
                    if !self.has_key(t, end, dname) {
                        fail!(self, ok, n, "dependentRequired", format!("{} is a dependency of {}", quote(&String::from_utf8_lossy(dname)), quote(&String::from_utf8_lossy(k))));
                    }
                }
            }
        }
        for (k, dn) in &nd.dependent_schemas {
            if self.has_key(t, end, k) && !self.node(*dn, t) {
                if !self.collect {
                    return false;
                }
                ok = false;
            }
        }
        ok
    }

    fn has_key(&self, t: usize, end: usize, key: &[u8]) -> bool {
        let mut i = t + 1;
        while i < end {
            if let Tok::Str(k) = self.d.toks[i] {
                if self.d.bytes(k) == key {
                    return true;
                }
            }
            i = self.d.next(i + 1);
        }
        false
    }

    /// Marks what `n` evaluates of the value at `t` (for unevaluatedProperties when `items`
    /// is false: its members; for unevaluatedItems: its items). Annotations come only from
    /// subschemas that hold for the value.
    fn eval_marks(&mut self, n: u32, t: usize, seen: &mut [bool], top: bool, items: bool) {
        let p = self.p;
        let nd = &p.nodes[n as usize];
        if nd.boolean.is_some() {
            return;
        }
        if let Some(r) = nd.ref_ {
            self.eval_marks(r, t, seen, false, items);
        }
        if let Some((anchor, fb)) = &nd.dynamic_ref {
            let target = self.resolve_dynamic(anchor, *fb);
            self.eval_marks(target, t, seen, false, items);
        }
        let (len, end) = match (self.d.toks[t], items) {
            (Tok::Arr(len, end), true) | (Tok::Obj(len, end), false) => (len as usize, end as usize),
            _ => return,
        };
        let nested = if items { nd.unevaluated_items.is_some() } else { nd.unevaluated_properties.is_some() };
        if !top && nested && self.quiet(n, t) {
            seen.iter_mut().for_each(|s| *s = true);
            return;
        }
        if items {
            if nd.items.is_some() {
                seen.iter_mut().for_each(|s| *s = true);
            } else {
                for s in seen.iter_mut().take(nd.prefix_items.len().min(len)) {
                    *s = true;
                }
            }
            if let Some(c) = nd.contains {
                let mut i = t + 1;
                for s in seen.iter_mut().take(len) {
                    if self.quiet(c, i) {
                        *s = true;
                    }
                    i = self.d.next(i);
                }
            }
        } else if !nd.properties.is_empty() || !nd.pattern_properties.is_empty() || nd.additional_properties.is_some() {
            let mut i = t + 1;
            let mut k = 0;
            while i < end {
                if let Tok::Str(ksp) = self.d.toks[i] {
                    let key = self.d.bytes(ksp);
                    let mut m = nd.prop(key).is_some() || nd.additional_properties.is_some();
                    for &(pi, _) in &nd.pattern_properties {
                        if let Ok(true) = p.patterns[pi].search(self.d.str(ksp)) {
                            m = true;
                        }
                    }
                    if m {
                        seen[k] = true;
                    }
                }
                i = self.d.next(i + 1);
                k += 1;
            }
        }
        for &b in &nd.all_of {
            self.eval_marks(b, t, seen, false, items);
        }
        for &b in nd.any_of.iter().chain(nd.one_of.iter()) {
            if self.quiet(b, t) {
                self.eval_marks(b, t, seen, false, items);
            }
        }
        if let Some(c) = nd.if_ {
            if self.quiet(c, t) {
                self.eval_marks(c, t, seen, false, items);
                if let Some(th) = nd.then_ {
                    self.eval_marks(th, t, seen, false, items);
                }
            } else if let Some(el) = nd.else_ {
                self.eval_marks(el, t, seen, false, items);
            }
        }
        if !items {
            for (k, dn) in &nd.dependent_schemas {
                if self.has_key(t, end, k) {
                    self.eval_marks(*dn, t, seen, false, items);
                }
            }
        }
    }
}

fn member_count(d: &Doc<'_>, t: usize) -> usize {
    match d.toks[t] {
        Tok::Obj(n, _) | Tok::Arr(n, _) => n as usize,
        _ => 0,
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        let mut x: String = s.chars().take(57).collect();
        x.push_str("...");
        x
    } else {
        s.to_string()
    }
}

impl JVal {
    /// compact JSON of a document value, cut at about 80 characters
    pub fn from_doc_limited(d: &Doc<'_>, t: usize, out: &mut String) {
        render_tok(d, t, out);
        if out.chars().count() > 80 {
            let cut: String = out.chars().take(77).collect();
            *out = cut + "...";
        }
    }
}

fn render_tok(d: &Doc<'_>, t: usize, out: &mut String) {
    if out.len() > 200 {
        return;
    }
    match d.toks[t] {
        Tok::Null => out.push_str("null"),
        Tok::Other => out.push_str("<not JSON>"),
        Tok::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Tok::Int(i) => out.push_str(&i.to_string()),
        Tok::Float(_, sp) | Tok::Big(sp) => out.push_str(d.str(sp)),
        Tok::Str(sp) => {
            let s = d.str(sp);
            if s.len() > 200 {
                let cut: String = s.chars().take(100).collect();
                out.push_str(&quote(&cut));
            } else {
                out.push_str(&quote(s));
            }
        }
        Tok::Arr(_, end) => {
            out.push('[');
            let mut i = t + 1;
            let mut first = true;
            while i < end as usize {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                render_tok(d, i, out);
                if out.len() > 200 {
                    break;
                }
                i = d.next(i);
            }
            out.push(']');
        }
        Tok::Obj(_, end) => {
            out.push('{');
            let mut i = t + 1;
            let mut first = true;
            while i < end as usize {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                render_tok(d, i, out);
                out.push_str(": ");
                render_tok(d, i + 1, out);
                if out.len() > 200 {
                    break;
                }
                i = d.next(i + 1);
            }
            out.push('}');
        }
    }
}

