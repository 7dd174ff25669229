//! Strict JSON text -> a flat tape of tokens, in one pass.
//!
//! Refused: anything RFC 8259 refuses, plus duplicate object keys, lone surrogates (escaped
//! or not: the input must be UTF-8), NaN/Infinity (not JSON), numbers too large for a double
//! when they have a fraction or an exponent, and nesting deeper than `MAX_DEPTH`.
//! Integers of any size stay exact (`Tok::Big` keeps their text).

use crate::num::{self};

pub const MAX_DEPTH: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub s: u32,
    pub l: u32,
    /// bit 0: the bytes are in `Doc::scratch` (else in the input); bit 1: ASCII only
    pub f: u8,
}

impl Span {
    #[inline]
    pub fn ascii(&self) -> bool {
        self.f & 2 != 0
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Tok {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64, Span),
    Big(Span),
    Str(Span),
    /// `n` members, the tokens up to `end` (exclusive)
    Arr(u32, u32),
    /// `n` members (key, value pairs), the tokens up to `end` (exclusive)
    Obj(u32, u32),
    /// a Python value that is not JSON (validated only by schemas that accept anything)
    Other,
}

pub struct Doc<'a> {
    pub src: &'a [u8],
    pub scratch: Vec<u8>,
    pub toks: Vec<Tok>,
}

thread_local! {
    /// token and scratch buffers kept between documents (no fresh pages per call): a few
    /// pairs, for documents open together (the walk's, and JSON text it decodes)
    static POOL: std::cell::RefCell<Vec<(Vec<Tok>, Vec<u8>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many pairs of buffers the pool keeps.
const POOL_PAIRS: usize = 4;

/// The largest buffers kept for the next document (bytes of tokens).
const POOL_MAX: usize = 64 << 20;

impl Drop for Doc<'_> {
    fn drop(&mut self) {
        if self.toks.capacity() == 0 && self.scratch.capacity() == 0 {
            return; // never pooled (`Doc::lazy`), nothing grown
        }
        let toks = std::mem::take(&mut self.toks);
        let scratch = std::mem::take(&mut self.scratch);
        if toks.capacity() * std::mem::size_of::<Tok>() > POOL_MAX || scratch.capacity() > POOL_MAX {
            return;
        }
        let _ = POOL.try_with(|p| {
            if let Ok(mut b) = p.try_borrow_mut() {
                if b.len() < POOL_PAIRS {
                    b.push((toks, scratch));
                } else if let Some(small) = b.iter_mut().min_by_key(|(t, _)| t.capacity()) {
                    // the larger buffers stay
                    if small.0.capacity() < toks.capacity() {
                        *small = (toks, scratch);
                    }
                }
            }
        });
    }
}

impl<'a> Doc<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        let mut d = Doc::lazy(src);
        d.pooled();
        d
    }
    /// A document whose buffers are taken from the pool only when `pooled` is called (the
    /// walk's: most texts need neither tape nor scratch, and skip the pool both ways).
    pub fn lazy(src: &'a [u8]) -> Self {
        Doc { src, scratch: Vec::new(), toks: Vec::new() }
    }
    /// The pooled buffers, if this document has none yet (before writing tokens or scratch).
    #[inline]
    pub fn pooled(&mut self) {
        if self.toks.capacity() != 0 || self.scratch.capacity() != 0 {
            return;
        }
        let (mut toks, mut scratch) = POOL
            .try_with(|p| p.try_borrow_mut().ok().and_then(|mut b| b.pop()).unwrap_or_default())
            .unwrap_or_default();
        toks.clear();
        scratch.clear();
        self.toks = toks;
        self.scratch = scratch;
    }
    #[inline]
    pub fn bytes(&self, sp: Span) -> &[u8] {
        let (s, e) = (sp.s as usize, sp.s as usize + sp.l as usize);
        if sp.f & 1 != 0 {
            &self.scratch[s..e]
        } else {
            &self.src[s..e]
        }
    }
    #[inline]
    pub fn str(&self, sp: Span) -> &str {
        // SAFETY: spans are only made over validated UTF-8
        unsafe { std::str::from_utf8_unchecked(self.bytes(sp)) }
    }
    /// index of the token after the value starting at `t`
    #[inline]
    pub fn next(&self, t: usize) -> usize {
        match self.toks[t] {
            Tok::Arr(_, end) | Tok::Obj(_, end) => end as usize,
            _ => t + 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathItem {
    Key(String),
    Index(usize),
}

#[derive(Debug)]
pub struct ParseError {
    pub msg: String,
    /// byte offset in the input
    pub pos: usize,
    pub path: Vec<PathItem>,
}

struct Frame {
    tok: usize,
    n: u32,
    obj: bool,
    /// token index of the current key (objects)
    key: usize,
    /// open-addressing table of key token indices (+1; 0 is empty), built once an object
    /// reaches 32 members
    seen: Vec<u32>,
}

#[inline]
fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = (b.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().unwrap());
        h = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    let mut v = 0u64;
    for (i, x) in chunks.remainder().iter().enumerate() {
        v |= (*x as u64) << (i * 8);
    }
    (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// Insert key token `kt` into `table` (power-of-two size); true when an equal key is there.
fn table_insert(doc: &Doc<'_>, table: &mut [u32], kt: usize) -> bool {
    let Tok::Str(sp) = doc.toks[kt] else { return false };
    let key = doc.bytes(sp);
    let mask = table.len() - 1;
    let mut i = (hash_bytes(key) as usize) & mask;
    loop {
        let slot = table[i];
        if slot == 0 {
            table[i] = kt as u32 + 1;
            return false;
        }
        if let Tok::Str(o) = doc.toks[slot as usize - 1] {
            if crate::program::same(doc.bytes(o), key) {
                return true;
            }
        }
        i = (i + 1) & mask;
    }
}

#[inline]
fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\n' || b == b'\r' || b == b'\t'
}

pub struct Parser<'d, 'a> {
    pub doc: &'d mut Doc<'a>,
    pub i: usize,
    stack: Vec<Frame>,
    /// levels already open around the value being parsed (`parse_value_at`)
    base: usize,
}

pub fn parse(doc: &mut Doc<'_>) -> Result<(), ParseError> {
    let mut p = Parser { doc, i: 0, stack: Vec::new(), base: 0 };
    p.run()
}

/// One value starting at byte `at` (no leading whitespace) onto the tape, inside `depth`
/// open containers -> the byte offset after it.
pub fn parse_value_at(doc: &mut Doc<'_>, at: usize, depth: usize) -> Result<usize, ParseError> {
    let mut p = Parser { doc, i: at, stack: Vec::new(), base: depth };
    p.value()?;
    p.members()?;
    Ok(p.i)
}

impl<'d, 'a> Parser<'d, 'a> {
    /// A parser of scalars (`string`, `number`) at byte `at`.
    #[inline]
    pub fn at(doc: &'d mut Doc<'a>, at: usize) -> Self {
        Parser { doc, i: at, stack: Vec::new(), base: 0 }
    }
}

impl<'d, 'a> Parser<'d, 'a> {
    fn err<T>(&self, msg: impl Into<String>, pos: usize) -> Result<T, ParseError> {
        Err(ParseError { msg: msg.into(), pos, path: self.path() })
    }

    fn path(&self) -> Vec<PathItem> {
        let mut out = Vec::with_capacity(self.stack.len());
        for f in &self.stack {
            if f.obj {
                if f.key != usize::MAX {
                    if let Tok::Str(sp) = self.doc.toks[f.key] {
                        out.push(PathItem::Key(self.doc.str(sp).to_string()));
                    }
                } else {
                    break;
                }
            } else {
                out.push(PathItem::Index(f.n as usize));
            }
        }
        out
    }

    #[inline]
    fn ws(&mut self) {
        let src = self.doc.src;
        while self.i < src.len() && is_ws(src[self.i]) {
            self.i += 1;
        }
    }

    fn run(&mut self) -> Result<(), ParseError> {
        let src = self.doc.src;
        if src.len() >= u32::MAX as usize {
            return self.err("document too large (4 GiB or more)", 0);
        }
        if src.starts_with(b"\xef\xbb\xbf") {
            return self.err("unexpected byte order mark", 0);
        }
        self.ws();
        self.value()?;
        self.members()?;
        if self.i != src.len() {
            return self.err("extra data after the JSON value", self.i);
        }
        Ok(())
    }

    /// after a value: the rest of the open containers
    fn members(&mut self) -> Result<(), ParseError> {
        let src = self.doc.src;
        loop {
            // after a value: close containers or continue them
            self.ws();
            let Some(top) = self.stack.last_mut() else { break };
            top.n += 1;
            let obj = top.obj;
            let c = src.get(self.i).copied();
            match c {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if obj {
                        self.key()?;
                    }
                    self.value()?;
                }
                Some(b'}') if obj => {
                    self.i += 1;
                    self.close();
                }
                Some(b']') if !obj => {
                    self.i += 1;
                    self.close();
                }
                Some(_) => {
                    let want = if obj { "',' or '}'" } else { "',' or ']'" };
                    return self.err(format!("expected {want}"), self.i);
                }
                None => return self.err("unexpected end of input", self.i),
            }
        }
        Ok(())
    }

    fn close(&mut self) {
        let f = self.stack.pop().unwrap();
        let end = self.doc.toks.len() as u32;
        let toks = &mut self.doc.toks;
        if f.obj {
            toks[f.tok] = Tok::Obj(f.n, end);
        } else {
            toks[f.tok] = Tok::Arr(f.n, end);
        }
    }

    /// an object key, then ':'
    fn key(&mut self) -> Result<(), ParseError> {
        let src = self.doc.src;
        if src.get(self.i) != Some(&b'"') {
            if self.i >= src.len() {
                return self.err("unexpected end of input", self.i);
            }
            return self.err("expected a string key", self.i);
        }
        let start = self.i;
        let sp = self.string()?;
        let kt = self.doc.toks.len();
        self.doc.toks.push(Tok::Str(sp));
        // duplicate check against earlier keys of this object
        let top = self.stack.last().unwrap();
        let key = self.doc.bytes(sp);
        let mut dup = false;
        if top.n < 8 {
            let mut t = top.tok + 1;
            while t < kt {
                if let Tok::Str(k) = self.doc.toks[t] {
                    if crate::program::same(self.doc.bytes(k), key) {
                        dup = true;
                        break;
                    }
                }
                t = self.doc.next(t + 1);
            }
        } else {
            let doc = &*self.doc;
            let top = self.stack.last_mut().unwrap();
            let n = top.n as usize + 1;
            if top.seen.len() < 2 * n {
                // (re)build at twice the size: every key so far
                let size = (4 * n).next_power_of_two();
                top.seen = vec![0u32; size];
                let mut t = top.tok + 1;
                while t < kt {
                    table_insert(doc, &mut top.seen, t);
                    t = doc.next(t + 1);
                }
            }
            dup = table_insert(doc, &mut top.seen, kt);
        }
        if dup {
            let name = self.doc.str(sp).to_string();
            self.stack.last_mut().unwrap().key = kt;
            return self.err(format!("duplicate key {}", num::quote(&name)), start);
        }
        self.stack.last_mut().unwrap().key = kt;
        self.ws();
        if src.get(self.i) != Some(&b':') {
            if self.i >= src.len() {
                return self.err("unexpected end of input", self.i);
            }
            return self.err("expected ':'", self.i);
        }
        self.i += 1;
        self.ws();
        Ok(())
    }

    fn value(&mut self) -> Result<(), ParseError> {
        let src = self.doc.src;
        let Some(&c) = src.get(self.i) else {
            return self.err("unexpected end of input", self.i);
        };
        match c {
            b'{' | b'[' => {
                if self.stack.len() + self.base >= MAX_DEPTH {
                    return self.err(format!("nested deeper than {MAX_DEPTH} levels"), self.i);
                }
                self.i += 1;
                let obj = c == b'{';
                let tok = self.doc.toks.len();
                self.doc.toks.push(Tok::Null);
                self.stack.push(Frame { tok, n: 0, obj, key: usize::MAX, seen: Vec::new() });
                self.ws();
                let close = if obj { b'}' } else { b']' };
                if src.get(self.i) == Some(&close) {
                    self.i += 1;
                    let f = self.stack.pop().unwrap();
                    let end = self.doc.toks.len() as u32;
                    self.doc.toks[f.tok] = if obj { Tok::Obj(0, end) } else { Tok::Arr(0, end) };
                    return Ok(());
                }
                if obj {
                    self.key()?;
                }
                // the member value: iterative descent continues through the main loop,
                // except that a nested container must be entered here
                return self.value();
            }
            b'"' => {
                let sp = self.string()?;
                self.doc.toks.push(Tok::Str(sp));
            }
            b't' => self.lit(b"true", Tok::Bool(true))?,
            b'f' => self.lit(b"false", Tok::Bool(false))?,
            b'n' => self.lit(b"null", Tok::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            b'N' | b'I' => return self.err("NaN and Infinity are not JSON", self.i),
            _ => return self.err("expected a JSON value", self.i),
        }
        Ok(())
    }

    fn lit(&mut self, word: &[u8], tok: Tok) -> Result<(), ParseError> {
        if self.doc.src[self.i..].starts_with(word) {
            self.i += word.len();
            self.doc.toks.push(tok);
            Ok(())
        } else {
            self.err("expected a JSON value", self.i)
        }
    }

    pub fn number(&mut self) -> Result<(), ParseError> {
        let src = self.doc.src;
        let start = self.i;
        let mut i = self.i;
        if src[i] == b'-' {
            i += 1;
        }
        let int_start = i;
        match src.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while i < src.len() && src[i].is_ascii_digit() {
                    i += 1;
                }
            }
            _ => {
                if src[start..].starts_with(b"-Infinity") {
                    return self.err("NaN and Infinity are not JSON", start);
                }
                return self.err("invalid number", i);
            }
        }
        let int_end = i;
        let mut float = false;
        // one or more digits from `i` -> the index after them
        let digits = |i: usize| -> Option<usize> {
            let end = i + src[i.min(src.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
            (end > i).then_some(end)
        };
        if src.get(i) == Some(&b'.') {
            match digits(i + 1) {
                Some(end) => i = end,
                None => return self.err("invalid number", i + 1),
            }
            float = true;
        }
        if matches!(src.get(i), Some(b'e') | Some(b'E')) {
            i += 1;
            if matches!(src.get(i), Some(b'+') | Some(b'-')) {
                i += 1;
            }
            match digits(i) {
                Some(end) => i = end,
                None => return self.err("invalid number", i),
            }
            float = true;
        }
        self.i = i;
        let sp = Span { s: start as u32, l: (i - start) as u32, f: 2 };
        if !float {
            let digits = int_end - int_start;
            if digits <= 18 {
                let mut v: i64 = 0;
                for &b in &src[int_start..int_end] {
                    v = v * 10 + (b - b'0') as i64;
                }
                if src[start] == b'-' {
                    v = -v;
                }
                self.doc.toks.push(Tok::Int(v));
            } else {
                // SAFETY: ASCII digits
                let text = unsafe { std::str::from_utf8_unchecked(&src[start..i]) };
                match text.parse::<i64>() {
                    Ok(v) => self.doc.toks.push(Tok::Int(v)),
                    Err(_) => self.doc.toks.push(Tok::Big(sp)),
                }
            }
            return Ok(());
        }
        let text = unsafe { std::str::from_utf8_unchecked(&src[start..i]) };
        let v: f64 = text.parse().unwrap_or(f64::INFINITY);
        if !v.is_finite() {
            return self.err("number out of the range of a double", start);
        }
        self.doc.toks.push(Tok::Float(v, sp));
        Ok(())
    }

    /// a string starting at the opening quote -> its span (decoded into scratch if escaped)
    pub fn string(&mut self) -> Result<Span, ParseError> {
        let src = self.doc.src;
        let start = self.i + 1;
        let (at, plain_ascii) = scan_plain(src, start);
        let (mut i, mut ascii) = (at, plain_ascii);
        match src.get(i) {
            None => return self.err("unterminated string", self.i),
            Some(b'"') => {
                let bytes = &src[start..i];
                if !ascii && std::str::from_utf8(bytes).is_err() {
                    return self.err("invalid UTF-8 in a string", start + utf8_error_at(bytes));
                }
                self.i = i + 1;
                return Ok(Span { s: start as u32, l: (i - start) as u32, f: if ascii { 2 } else { 0 } });
            }
            Some(&b) if b < 0x20 => return self.err("control character in a string (must be escaped)", i),
            Some(_) => {} // a backslash
        }
        // slow path: decode into scratch, eight bytes at a time: each word is stored whole
        // and the end moved past its plain bytes only (no copy call per run between escapes).
        // Non-ASCII text is checked as UTF-8 a run at a time: a run ends at an ASCII byte, so
        // no character straddles two runs.
        if !plain_ascii {
            if let Err(e) = std::str::from_utf8(&src[start..at]) {
                return self.err("invalid UTF-8 in a string", start + e.valid_up_to());
            }
        }
        let out_start = self.doc.scratch.len();
        let out = &mut self.doc.scratch;
        out.reserve(at - start + 64);
        // SAFETY: reserved above; `len` counts the bytes written
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr().add(start), out.as_mut_ptr().add(out_start), at - start) };
        let mut len = out_start + (at - start);
        const LO: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        let r: Result<Span, (&'static str, usize)> = loop {
            if out.capacity() - len < 16 {
                // SAFETY: bytes up to `len` were written
                unsafe { out.set_len(len) };
                out.reserve(256);
            }
            let Some(&b) = src.get(i) else {
                break Err(("unterminated string", self.i));
            };
            if b == b'"' {
                self.i = i + 1;
                break Ok(Span { s: out_start as u32, l: (len - out_start) as u32, f: 1 | if ascii { 2 } else { 0 } });
            }
            if b == b'\\' {
                let esc_at = i;
                let Some(&e) = src.get(i + 1) else {
                    break Err(("unterminated string", self.i));
                };
                i += 2;
                let ch = match e {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'/' => b'/',
                    b'b' => 8,
                    b'f' => 12,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => {
                        let Some(u) = hex4(src, i) else {
                            break Err(("invalid \\u escape", esc_at));
                        };
                        i += 4;
                        let cp: u32 = if (0xD800..0xDC00).contains(&u) {
                            let lo = if src.get(i) == Some(&b'\\') && src.get(i + 1) == Some(&b'u') {
                                hex4(src, i + 2)
                            } else {
                                None
                            };
                            match lo {
                                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                    i += 6;
                                    0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                                }
                                _ => break Err(("lone surrogate in a string", esc_at)),
                            }
                        } else if (0xDC00..0xE000).contains(&u) {
                            break Err(("lone surrogate in a string", esc_at));
                        } else {
                            u
                        };
                        let c = char::from_u32(cp).unwrap();
                        ascii &= c.is_ascii();
                        let mut buf = [0u8; 4];
                        let enc = c.encode_utf8(&mut buf).as_bytes();
                        // SAFETY: 16 bytes free (checked above)
                        unsafe { std::ptr::copy_nonoverlapping(enc.as_ptr(), out.as_mut_ptr().add(len), enc.len()) };
                        len += enc.len();
                        continue;
                    }
                    _ => break Err(("invalid escape in a string", esc_at)),
                };
                // SAFETY: 16 bytes free (checked above)
                unsafe { *out.as_mut_ptr().add(len) = ch };
                len += 1;
                continue;
            }
            if b < 0x20 {
                break Err(("control character in a string (must be escaped)", i));
            }
            if b >= 0x80 {
                let end = scan_str(src, i);
                if let Err(e) = std::str::from_utf8(&src[i..end]) {
                    break Err(("invalid UTF-8 in a string", i + e.valid_up_to()));
                }
                ascii = false;
                let n = end - i;
                if out.capacity() - len < n {
                    // SAFETY: bytes up to `len` were written
                    unsafe { out.set_len(len) };
                    out.reserve(n + 64);
                }
                // SAFETY: reserved
                unsafe { std::ptr::copy_nonoverlapping(src.as_ptr().add(i), out.as_mut_ptr().add(len), n) };
                len += n;
                i = end;
                continue;
            }
            if i + 8 > src.len() {
                // a plain byte near the end of the input
                // SAFETY: 16 bytes free (checked above)
                unsafe { *out.as_mut_ptr().add(len) = b };
                len += 1;
                i += 1;
                continue;
            }
            // plain ASCII: a word at a time, stored whole, the end moved past its plain bytes
            while i + 8 <= src.len() && out.capacity() - len >= 8 {
                let w = u64::from_le_bytes(src[i..i + 8].try_into().unwrap());
                // SAFETY: 8 bytes free (checked just above)
                unsafe { std::ptr::write_unaligned(out.as_mut_ptr().add(len) as *mut u64, w) };
                let q = w ^ (LO * b'"' as u64);
                let bs = w ^ (LO * b'\\' as u64);
                let stop = ((q.wrapping_sub(LO) & !q) | (bs.wrapping_sub(LO) & !bs) | w.wrapping_sub(LO * 0x20) | w) & HI;
                if stop != 0 {
                    let k = (stop.trailing_zeros() / 8) as usize;
                    len += k;
                    i += k;
                    break;
                }
                len += 8;
                i += 8;
            }
        };
        // SAFETY: bytes up to `len` were written
        unsafe { out.set_len(len) };
        match r {
            Ok(sp) => Ok(sp),
            Err((msg, at)) => {
                self.doc.scratch.truncate(out_start);
                self.err(msg, at)
            }
        }
    }
}

/// From `i`, the index of the first quote, backslash or control byte (the length when there
/// is none), and whether every byte before it is ASCII: eight bytes at a time, jumping to the
/// first flagged byte of a word (the lowest is exact: a borrow starts only at a flagged byte,
/// and runs upwards). ASCII text is read with one test that flags non-ASCII bytes too; from
/// the first of those on, `scan_str` reads the rest.
#[inline(always)]
pub fn scan_plain(src: &[u8], mut i: usize) -> (usize, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    loop {
        while i + 8 <= src.len() {
            let w = u64::from_le_bytes(src[i..i + 8].try_into().unwrap());
            let q = w ^ (LO * b'"' as u64);
            let bs = w ^ (LO * b'\\' as u64);
            let stop = ((q.wrapping_sub(LO) & !q) | (bs.wrapping_sub(LO) & !bs) | w.wrapping_sub(LO * 0x20) | w) & HI;
            if stop != 0 {
                i += (stop.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match src.get(i) {
            None => return (i, true),
            Some(&b) if b == b'"' || b == b'\\' || b < 0x20 => return (i, true),
            Some(&b) if b >= 0x80 => return (scan_str(src, i), false),
            Some(_) => i += 1,
        }
    }
}

/// The first byte at or after `i` that is a quote, a backslash or a control character (the
/// length if none), eight bytes at a time whatever the bytes (`x - LO*n & !x` flags a byte
/// below `n` whose high bit is clear): `scan_plain` past a non-ASCII byte, and the push
/// parser's strings.
#[inline(never)]
pub fn scan_str(src: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while i + 8 <= src.len() {
        let w = u64::from_le_bytes(src[i..i + 8].try_into().unwrap());
        let q = w ^ (LO * b'"' as u64);
        let bs = w ^ (LO * b'\\' as u64);
        let stop = ((q.wrapping_sub(LO) & !q) | (bs.wrapping_sub(LO) & !bs) | (w.wrapping_sub(LO * 0x20) & !w)) & HI;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = src.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

#[inline]
fn hex4(src: &[u8], i: usize) -> Option<u32> {
    let b = src.get(i..i + 4)?;
    let mut v = 0u32;
    for &c in b {
        let d = (c as char).to_digit(16)?;
        v = v * 16 + d;
    }
    Some(v)
}

fn utf8_error_at(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => 0,
        Err(e) => e.valid_up_to(),
    }
}
