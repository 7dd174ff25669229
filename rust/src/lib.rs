//! strictschema's native core: a schema model compiled once into a program, run over JSON
//! bytes in one pass (strict parse to a token tape, check, then the Python value built from
//! the same tape), or over Python values, or chunk by chunk (`push`).

mod decode;
mod direct;
mod ecma;
mod formats;
mod jval;
mod num;
mod parse;
mod paths;
mod program;
mod push;
mod validate;


use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use parse::{Doc, PathItem, Span, Tok};
use validate::{VErr, Val};

create_exception!(_core, Failure, PyValueError, "Base of what the core raises on purpose.");
create_exception!(_core, ModelError, Failure, "The schema model cannot be compiled: (message, schema path).");
create_exception!(_core, DecodeFailure, Failure, "Not acceptable JSON: (message, char offset, path).");
create_exception!(_core, Invalid, Failure, "Invalid: (errors,), each (path, keyword, message, schema path).");
create_exception!(_core, GaveUp, Failure, "A pattern search hit its limit: (message, path, schema path).");

use program::{FxMap, T_ARR, T_BOOL, T_INT, T_NULL, T_NUM, T_OBJ, T_STR};

/// What turns the core's failures into the package's public exceptions (set once by the
/// Python side), so that `validate_json` and `is_valid_json` can be called with no Python
/// wrapper in between.
static TRANSLATE: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();

/// The public exception for a failure of the core (unchanged without a translator).
fn public(py: Python<'_>, e: PyErr) -> PyErr {
    match TRANSLATE.get(py) {
        Some(f) if e.is_instance_of::<Failure>(py) => match f.call1(py, (e.value(py),)) {
            Ok(x) => PyErr::from_value(x.into_bound(py)),
            Err(e2) => e2,
        },
        _ => e,
    }
}

/// Install `f(failure) -> exception` as the translator of `validate_json`/`is_valid_json`.
#[pyfunction]
fn set_translator(py: Python<'_>, f: Py<PyAny>) -> PyResult<()> {
    TRANSLATE.set(py, f).map_err(|_| PyValueError::new_err("the translator is already set"))
}


pub(crate) fn path_tuple<'py>(py: Python<'py>, parts: &[PathItem]) -> PyResult<Bound<'py, PyTuple>> {
    let items: Vec<Bound<'py, PyAny>> = parts
        .iter()
        .map(|p| match p {
            PathItem::Key(k) => PyString::new(py, k).into_any(),
            PathItem::Index(i) => i.into_pyobject(py).unwrap().into_any(),
        })
        .collect();
    PyTuple::new(py, items)
}

fn errors_list<'py>(py: Python<'py>, errs: &[VErr]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for e in errs {
        let t = PyTuple::new(
            py,
            [
                path_tuple(py, &e.path)?.into_any(),
                PyString::new(py, e.keyword).into_any(),
                PyString::new(py, &e.message).into_any(),
                path_tuple(py, &e.schema_path)?.into_any(),
            ],
        )?;
        list.append(t)?;
    }
    Ok(list)
}

fn decode_err(py: Python<'_>, src: &[u8], e: &parse::ParseError) -> PyErr {
    let upto = &src[..e.pos.min(src.len())];
    let chars = upto.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
    let path = path_tuple(py, &e.path).map(|t| t.unbind());
    match path {
        Ok(p) => DecodeFailure::new_err((e.msg.clone(), chars, p)),
        Err(err) => err,
    }
}

/// `data` itself, or a bytes copy of a bytearray or memoryview (held in `slot`).
fn as_text<'a, 'py>(data: &'a Bound<'py, PyAny>, slot: &'a mut Option<Bound<'py, PyAny>>) -> PyResult<&'a Bound<'py, PyAny>> {
    let ptr = data.as_ptr();
    unsafe {
        // bytes and str first: two flag tests (a bytearray test walks the type's bases)
        if ffi::PyBytes_Check(ptr) != 0 || ffi::PyUnicode_Check(ptr) != 0 {
            return Ok(data);
        }
        if ffi::PyByteArray_Check(ptr) != 0 || ffi::PyMemoryView_Check(ptr) != 0 {
            let b = ffi::PyBytes_FromObject(ptr);
            if b.is_null() {
                return Err(PyErr::fetch(data.py()));
            }
            return Ok(slot.insert(Bound::from_owned_ptr(data.py(), b)));
        }
    }
    Ok(data)
}

/// The bytes of `data` (bytes or str) without copying.
unsafe fn input_bytes<'a>(data: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    let ptr = data.as_ptr();
    if ffi::PyBytes_Check(ptr) != 0 {
        // the object's own buffer and size, read inline (no calls into libpython)
        return Ok(std::slice::from_raw_parts(ffi::PyBytes_AS_STRING(ptr) as *const u8, ffi::Py_SIZE(ptr) as usize));
    }
    if ffi::PyUnicode_Check(ptr) != 0 {
        let mut size: ffi::Py_ssize_t = 0;
        let p = ffi::PyUnicode_AsUTF8AndSize(ptr, &mut size);
        if p.is_null() {
            ffi::PyErr_Clear();
            return Err(DecodeFailure::new_err(("lone surrogate in the text", 0usize, PyTuple::empty(data.py()).unbind())));
        }
        return Ok(std::slice::from_raw_parts(p as *const u8, size as usize));
    }
    Err(PyTypeError::new_err(format!("expected bytes or str, got {}", data.get_type().name()?)))
}

/// The hot routes as CPython functions of one argument (`METH_O`) bound to their object:
/// the interpreter calls them with no argument parsing (no keywords, no optional node),
/// through pyo3's own entry (its `binaryfunc` trampoline: the thread's attach count, and
/// panics turned into exceptions) as its methods are. Small texts spend a good part of their
/// time getting in and out: 6-8 ns of 60-75 ns for `{}` (pyo3 0.30.1, pinned by Cargo.lock).
struct Routes([ffi::PyMethodDef; 3]);

// SAFETY: the definitions are constant and only read (CPython never writes them)
unsafe impl Sync for Routes {}

macro_rules! route {
    ($name:literal, $f:path, $doc:literal) => {
        ffi::PyMethodDef {
            ml_name: $name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer { PyCFunction: pyo3::impl_::trampoline::get_trampoline_function!(binaryfunc, $f) },
            ml_flags: ffi::METH_O,
            ml_doc: $doc.as_ptr(),
        }
    };
}

static ROUTES: Routes = Routes([
    route!(c"validate_json", root_validate_json, c"validate_json($self, data, /)\n--\n\nJSON text -> the value, checked at the root."),
    route!(c"is_valid_json", root_is_valid_json, c"is_valid_json($self, data, /)\n--\n\nJSON text -> the verdict at the root, building nothing."),
    route!(c"validate_json", judge_validate_json, c"validate_json($self, data, /)\n--\n\nModel output text -> original-shaped data."),
]);

/// `ROUTES[i]` bound to `slf`.
fn route<'py>(slf: &Bound<'py, PyAny>, i: usize) -> PyResult<Bound<'py, PyAny>> {
    let def = &ROUTES.0[i] as *const ffi::PyMethodDef as *mut ffi::PyMethodDef;
    unsafe { Bound::from_owned_ptr_or_err(slf.py(), ffi::PyCFunction_NewEx(def, slf.as_ptr(), std::ptr::null_mut())) }
}

// (the functions `ROUTES` calls: `slf` is the object the builtin is bound to, of the class
// that made it)
unsafe fn root_validate_json(py: Python<'_>, slf: *mut ffi::PyObject, data: *mut ffi::PyObject) -> PyResult<*mut ffi::PyObject> {
    let p = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<Program>() };
    let data = unsafe { Borrowed::from_ptr(py, data) };
    p.get().validate_json(py, &data, None).map(Py::into_ptr)
}

unsafe fn root_is_valid_json(py: Python<'_>, slf: *mut ffi::PyObject, data: *mut ffi::PyObject) -> PyResult<*mut ffi::PyObject> {
    let p = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<Program>() };
    let data = unsafe { Borrowed::from_ptr(py, data) };
    let ok = p.get().is_valid_json(py, &data, None)?;
    Ok(pyo3::types::PyBool::new(py, ok).to_owned().into_any().into_ptr())
}

unsafe fn judge_validate_json(py: Python<'_>, slf: *mut ffi::PyObject, data: *mut ffi::PyObject) -> PyResult<*mut ffi::PyObject> {
    let j = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<Judge>() };
    let data = unsafe { Borrowed::from_ptr(py, data) };
    j.get().validate_json(py, &data).map(Py::into_ptr)
}

#[pyclass(frozen, module = "strictschema._core")]
pub(crate) struct Program {
    prog: program::Program,
    /// the schema's property names as Python strings (interned), by global name id
    names: Vec<Py<PyString>>,
    keys: FxMap<Box<[u8]>, u32>,
    /// the string members of every enum and const, as Python strings made once: a value
    /// the walk checked against one is built by reference
    members: FxMap<Box<[u8]>, Py<PyString>>,
}

extern "C" {
    /// CPython's presized dict constructor (exported by every CPython 3 build)
    pub(crate) fn _PyDict_NewPresized(minused: ffi::Py_ssize_t) -> *mut ffi::PyObject;
    /// insert with the key's hash known (exported by every CPython 3 build)
    pub(crate) fn _PyDict_SetItem_KnownHash(mp: *mut ffi::PyObject, key: *mut ffi::PyObject, item: *mut ffi::PyObject, hash: ffi::Py_hash_t) -> std::os::raw::c_int;
}

const KEY_CACHE: usize = 2048;

/// Object keys the schema does not name: recent ones reused (their hash is cached in the
/// string object), direct-mapped by a hash of their bytes.
struct KeyCache(std::cell::UnsafeCell<Vec<(Box<[u8]>, usize)>>);

// SAFETY: read and written only by `key_str`, which makes Python objects and so runs with
// the GIL held (the module does not declare itself free-threaded): one thread at a time.
unsafe impl Sync for KeyCache {}

static KEYS: KeyCache = KeyCache(std::cell::UnsafeCell::new(Vec::new()));

/// A hash of a short key's bytes, eight at a time.
#[inline(always)]
fn key_hash(b: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h = (h ^ u64::from_le_bytes(c.try_into().unwrap())).wrapping_mul(0x5851_f42d_4c95_7f2d);
        h ^= h >> 29;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(0x5851_f42d_4c95_7f2d);
        h ^= h >> 29;
    }
    h
}

/// A Python str for an object key (ASCII keys up to 64 bytes come from the cache).
#[inline]
pub(crate) unsafe fn key_str(b: &[u8], ascii: bool) -> *mut ffi::PyObject {
    if !ascii || b.len() > 64 {
        return new_str(b, ascii);
    }
    let slot = (key_hash(b) as usize) & (KEY_CACHE - 1);
    // SAFETY: the GIL is held (see `KeyCache`); no reference outlives this call
    let k = &mut *KEYS.0.get();
    if k.is_empty() {
        k.resize(KEY_CACHE, (Box::from(&b""[..]), 0));
    }
    let (kb, obj) = &k[slot];
    if *obj != 0 && program::same(kb, b) {
        let o = *obj as *mut ffi::PyObject;
        ffi::Py_XINCREF(o);
        return o;
    }
    let o = new_str(b, true);
    ffi::Py_XINCREF(o); // the cache's reference
    let old = std::mem::replace(&mut k[slot], (Box::from(b), o as usize));
    if old.1 != 0 {
        ffi::Py_XDECREF(old.1 as *mut ffi::PyObject);
    }
    o
}

thread_local! {
    /// the key-id buffer kept between documents
    static KEY_IDS: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The Python value of token `t` (keys matched by the schema come from `names`, by the id
/// validation recorded in `ids`, or by a lookup in `by_name`).
pub(crate) unsafe fn build(d: &Doc<'_>, t: usize, names: &[Py<PyString>], by_name: &FxMap<Box<[u8]>, u32>, ids: Option<&[u32]>) -> *mut ffi::PyObject {
    match d.toks[t] {
        Tok::Arr(n, _) => {
            let list = ffi::PyList_New(n as ffi::Py_ssize_t);
            let mut i = t + 1;
            for k in 0..n {
                let v = build(d, i, names, by_name, ids);
                ffi::PyList_SET_ITEM(list, k as ffi::Py_ssize_t, v);
                i = d.next(i);
            }
            list
        }
        Tok::Obj(n, end) => {
            let dict = if n > 5 { _PyDict_NewPresized(n as ffi::Py_ssize_t) } else { ffi::PyDict_New() };
            let mut i = t + 1;
            while i < end as usize {
                let Tok::Str(ksp) = d.toks[i] else { break };
                let id = match ids {
                    Some(ids) if ids[i] != u32::MAX => Some(ids[i]),
                    _ => by_name.get(d.bytes(ksp)).copied(),
                };
                let key = match id {
                    Some(id) => {
                        let p = names[id as usize].as_ptr();
                        ffi::Py_XINCREF(p);
                        p
                    }
                    None => key_str(d.bytes(ksp), ksp.ascii()),
                };
                let v = build(d, i + 1, names, by_name, ids);
                ffi::PyDict_SetItem(dict, key, v);
                ffi::Py_XDECREF(key);
                ffi::Py_XDECREF(v);
                i = d.next(i + 1);
            }
            dict
        }
        tok => scalar(d, tok),
    }
}

/// The Python value of a scalar token (None for a container).
pub(crate) unsafe fn scalar(d: &Doc<'_>, tok: Tok) -> *mut ffi::PyObject {
    let own = |o: *mut ffi::PyObject| {
        ffi::Py_XINCREF(o);
        o
    };
    match tok {
        Tok::Bool(b) => own(if b { ffi::Py_True() } else { ffi::Py_False() }),
        Tok::Int(i) => ffi::PyLong_FromLongLong(i),
        Tok::Float(f, _) => ffi::PyFloat_FromDouble(f),
        Tok::Big(sp) => {
            let mut text = d.bytes(sp).to_vec();
            text.push(0);
            ffi::PyLong_FromString(text.as_ptr() as *const _, std::ptr::null_mut(), 10)
        }
        Tok::Str(sp) => new_str(d.bytes(sp), sp.ascii()),
        Tok::Null | Tok::Other | Tok::Arr(..) | Tok::Obj(..) => own(ffi::Py_None()),
    }
}

impl Program {
    unsafe fn build(&self, d: &Doc<'_>, t: usize) -> *mut ffi::PyObject {
        build(d, t, &self.names, &self.keys, None)
    }

    fn start(&self, node: Option<u32>) -> PyResult<u32> {
        match node {
            None => Ok(self.prog.root),
            Some(n) if (n as usize) < self.prog.nodes.len() => Ok(n),
            Some(n) => Err(PyValueError::new_err(format!("no node {n}"))),
        }
    }

    fn gave_up(&self, py: Python<'_>, f: &validate::Fatal) -> PyResult<PyErr> {
        Ok(GaveUp::new_err((f.msg.clone(), path_tuple(py, &f.path)?.unbind(), path_tuple(py, &f.schema_path)?.unbind())))
    }

    /// run over a parsed doc: Ok(true/false), Err(GaveUp)
    fn verdict(&self, py: Python<'_>, d: &Doc<'_>, node: u32) -> PyResult<bool> {
        let mut v = Val::new(&self.prog, d, false);
        let ok = v.run(node);
        if v.fatal.is_some() {
            // again with paths, for where the search gave up
            let mut c = Val::new(&self.prog, d, true);
            c.run(node);
            let f = c.fatal.as_ref().or(v.fatal.as_ref()).unwrap();
            return Err(self.gave_up(py, f)?);
        }
        Ok(ok)
    }

    fn collect<'py>(&self, py: Python<'py>, d: &Doc<'_>, node: u32) -> PyResult<Bound<'py, PyList>> {
        let mut v = Val::new(&self.prog, d, true);
        let ok = v.run(node);
        if let Some(f) = &v.fatal {
            return Err(self.gave_up(py, f)?);
        }
        if !ok && v.errs.is_empty() {
            v.errs.push(VErr { path: vec![], keyword: "schema", message: "instance is invalid".into(), schema_path: vec![] });
        }
        errors_list(py, &v.errs)
    }

    fn parse_doc<'a>(&self, py: Python<'_>, src: &'a [u8]) -> PyResult<Doc<'a>> {
        let mut d = Doc::new(src);
        d.toks.reserve(src.len() / 8 + 4);
        if let Err(e) = parse::parse(&mut d) {
            return Err(decode_err(py, src, &e));
        }
        Ok(d)
    }

    /// The verdict-only walk over `data`: None where the tape judge takes the whole text
    /// (dynamic references); else, where the walk got through, the values it judged on a
    /// tape and their bytes per byte of `data` (`walk_tapes`, `taped_share`).
    fn tapes(&self, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Option<Option<(u32, f64)>>> {
        let mut slot = None;
        let src = unsafe { input_bytes(as_text(data, &mut slot)?)? };
        let node = self.start(node)?;
        if self.prog.dynamic {
            return Ok(None);
        }
        let mut w = direct::Direct::new(&self.prog, src, false, None, &self.names, &self.keys, &self.members);
        Ok(Some(w.run(node).ok().map(|_| (w.taped, w.taped_bytes as f64 / src.len().max(1) as f64))))
    }

    /// The verdict on `src`, building nothing; not JSON or a search that gave up: false.
    fn verdict_only(&self, src: &[u8], root: u32) -> bool {
        if self.direct(src, root, false).is_some() {
            return true;
        }
        let mut d = Doc::new(src);
        if parse::parse(&mut d).is_err() {
            return false;
        }
        let mut v = Val::new(&self.prog, &d, false);
        v.run(root) && v.fatal.is_none()
    }

    /// The one-pass walk (`direct.rs`): Some(value) when it settles the text as valid
    /// (value null when `make` is false), None when the tape judge must run.
    fn direct(&self, src: &[u8], node: u32, make: bool) -> Option<*mut ffi::PyObject> {
        self.direct_tidy(src, node, make, None).map(|(v, _)| v)
    }

    /// the walk's value and whether it is tidy (`Direct::tidy`); `share`: the decode's
    /// share the walk takes (`decode::Decoder::fuse`)
    fn direct_tidy(&self, src: &[u8], node: u32, make: bool, share: Option<(&decode::Fused, &decode::Decoder)>) -> Option<(*mut ffi::PyObject, bool)> {
        if self.prog.dynamic {
            return None;
        }
        let mut w = direct::Direct::new(&self.prog, src, make, share, &self.names, &self.keys, &self.members);
        w.run(node).ok().map(|v| (v, w.tidy))
    }

    /// Whether a Python value may meet `node`: false only where it cannot, its kind refused
    /// or, for an object, a required name missing or a key a closed node does not name
    /// (`$ref`/`allOf` followed; a union inside leaves it open). Cheap beside `verdict_of`,
    /// which judges the whole value: what picks a union's branch when one is left
    /// (`decode.rs`).
    pub(crate) fn may_be(&self, obj: *mut ffi::PyObject, node: u32) -> bool {
        let Some(kind) = py_kind(obj) else { return true };
        let p = &self.prog;
        let mut c = program::Conj::default();
        match p.flatten(node, kind, &mut c, 0, &mut |_, _, _| Err(program::Tape::Judge)) {
            Err(program::Tape::Fail) => return false,
            Err(program::Tape::Judge) => return true,
            Ok(()) => {}
        }
        if kind != T_OBJ {
            return true;
        }
        for &n in c.nodes() {
            let nd = &p.nodes[n as usize];
            if !nd.has_obj {
                continue;
            }
            let closed = p.closed(nd);
            let need: u32 = nd.required_mask.iter().map(|w| w.count_ones()).sum();
            let mut found = 0u32;
            let (mut pos, mut k, mut x): (ffi::Py_ssize_t, *mut ffi::PyObject, *mut ffi::PyObject) = (0, std::ptr::null_mut(), std::ptr::null_mut());
            while unsafe { ffi::PyDict_Next(obj, &mut pos, &mut k, &mut x) } != 0 {
                let mut size: ffi::Py_ssize_t = 0;
                let b = unsafe { ffi::PyUnicode_AsUTF8AndSize(k, &mut size) };
                if b.is_null() {
                    unsafe { ffi::PyErr_Clear() };
                    return true;
                }
                let key = unsafe { std::slice::from_raw_parts(b as *const u8, size as usize) };
                match nd.prop_index(key) {
                    Some(i) => {
                        if nd.required_mask.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0) {
                            found += 1;
                        }
                        // the member's kind, and a string member's value where the
                        // property lists its strings (a tag)
                        if !self.member_may_be(x, nd.properties[i].1) {
                            return false;
                        }
                    }
                    None if closed => return false,
                    None => {}
                }
            }
            if found != need {
                return false;
            }
        }
        true
    }

    /// Whether a member's value may meet its property `node`, by its kind and, for a
    /// string, the node's own `enum`/`const` of strings (`may_be`, one level down).
    fn member_may_be(&self, x: *mut ffi::PyObject, node: u32) -> bool {
        let Some(kind) = py_kind(x) else { return true };
        let nd = &self.prog.nodes[node as usize];
        if nd.accept & kind == 0 {
            return false;
        }
        if kind != T_STR {
            return true;
        }
        let text = || unsafe {
            let mut size: ffi::Py_ssize_t = 0;
            let b = ffi::PyUnicode_AsUTF8AndSize(x, &mut size);
            if b.is_null() {
                ffi::PyErr_Clear();
                return None;
            }
            Some(std::slice::from_raw_parts(b as *const u8, size as usize))
        };
        match (&nd.const_, &nd.enum_) {
            (Some(jval::JVal::Str(c)), _) => text().map_or(true, |t| t == c.as_bytes()),
            (None, Some(e)) if e.all_strings => match (&e.strings, text()) {
                (Some(m), Some(t)) => m.contains_key(t),
                (None, Some(t)) => e.values.iter().any(|v| v.as_str().is_some_and(|s| s.as_bytes() == t)),
                _ => true,
            },
            _ => true,
        }
    }

    /// A Python value's verdict at `node` (what `is_valid` answers).
    pub(crate) fn verdict_of(&self, py: Python<'_>, obj: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<bool> {
        let node = self.start(node)?;
        let d = self.py_doc(obj)?;
        self.verdict(py, &d, node)
    }

    fn py_doc<'a>(&self, obj: &Bound<'_, PyAny>) -> PyResult<Doc<'a>> {
        let mut d = Doc::new(&[]);
        unsafe { from_py(obj.as_ptr(), &mut d, 0)? };
        Ok(d)
    }
}

/// The kind bit of a Python value as the judge reads it (None: not a JSON value).
fn py_kind(obj: *mut ffi::PyObject) -> Option<u8> {
    unsafe {
        Some(if obj == ffi::Py_None() {
            T_NULL
        } else if ffi::PyBool_Check(obj) != 0 {
            T_BOOL
        } else if ffi::PyLong_Check(obj) != 0 || ffi::PyFloat_Check(obj) != 0 {
            T_INT | T_NUM
        } else if ffi::PyUnicode_Check(obj) != 0 {
            T_STR
        } else if ffi::PyList_Check(obj) != 0 {
            T_ARR
        } else if ffi::PyDict_Check(obj) != 0 {
            T_OBJ
        } else {
            return None;
        })
    }
}

#[inline]
pub(crate) unsafe fn new_str(b: &[u8], ascii: bool) -> *mut ffi::PyObject {
    if ascii {
        let s = ffi::PyUnicode_New(b.len() as ffi::Py_ssize_t, 127);
        std::ptr::copy_nonoverlapping(b.as_ptr(), ffi::PyUnicode_1BYTE_DATA(s), b.len());
        return s;
    }
    new_wide_str(b)
}

/// A str from UTF-8 text with non-ASCII characters, written in its final form: the code
/// points are counted and the widest found over the bytes first (a loop the compiler
/// vectorizes), so the string is made at its size and kind at once, then filled in one
/// pass. The text is valid UTF-8: every string span the core builds from was checked by the
/// parser or the walk, or came from a Python str (CPython's decoder would check it again).
#[inline(never)]
unsafe fn new_wide_str(b: &[u8]) -> *mut ffi::PyObject {
    debug_assert!(std::str::from_utf8(b).is_ok());
    // a code point starts at every byte that is not a continuation byte (0x80-0xBF); the
    // widest lead byte gives the kind: below 0xC4 Latin-1, below 0xF0 two bytes, else four
    let (mut n, mut top) = (0usize, 0u8);
    for &c in b {
        n += ((c as i8) >= -0x40) as usize;
        top = top.max(c);
    }
    // (a span not known to be ASCII may be: an escaped string; CPython needs the narrowest
    // kind, its strings compare by kind first)
    let max: ffi::Py_UCS4 = if top < 0x80 {
        0x7F
    } else if top < 0xC4 {
        0xFF
    } else if top < 0xF0 {
        0xFFFF
    } else {
        0x10FFFF
    };
    let s = ffi::PyUnicode_New(n as ffi::Py_ssize_t, max);
    if s.is_null() {
        return s;
    }
    let data = ffi::PyUnicode_DATA(s);
    match max {
        0x7F | 0xFF => write_units(b, data as *mut u8, n),
        0xFFFF => write_units(b, data as *mut u16, n),
        _ => write_units(b, data as *mut u32, n),
    }
    s
}

/// The code points of UTF-8 text `b` written as `n` units of a str's kind (each fits:
/// `new_wide_str`); reads and writes stay in bounds whatever the bytes.
#[inline(always)]
unsafe fn write_units<T: Copy>(b: &[u8], out: *mut T, n: usize)
where
    u32: AsUnit<T>,
{
    let (mut i, mut k) = (0, 0);
    // four bytes left at least: a character's bytes read with no bounds test each
    while i + 4 <= b.len() && k < n {
        let (cp, w) = code_point(*b.get_unchecked(i) as u32, |j| *b.get_unchecked(i + j) as u32);
        *out.add(k) = cp.unit();
        (i, k) = (i + w, k + 1);
    }
    while i < b.len() && k < n {
        let (cp, w) = code_point(b[i] as u32, |j| b.get(i + j).map_or(0, |&c| c as u32));
        *out.add(k) = cp.unit();
        (i, k) = (i + w, k + 1);
    }
}

/// The code point whose UTF-8 starts with byte `c` (`next(j)`: the byte `j` after it), and
/// its length in bytes.
#[inline(always)]
fn code_point(c: u32, next: impl Fn(usize) -> u32) -> (u32, usize) {
    let tail = |j: usize| next(j) & 0x3F;
    if c < 0x80 {
        (c, 1)
    } else if c < 0xE0 {
        (((c & 0x1F) << 6) | tail(1), 2)
    } else if c < 0xF0 {
        (((c & 0x0F) << 12) | (tail(1) << 6) | tail(2), 3)
    } else {
        (((c & 0x07) << 18) | (tail(1) << 12) | (tail(2) << 6) | tail(3), 4)
    }
}

trait AsUnit<T> {
    fn unit(self) -> T;
}
impl AsUnit<u8> for u32 {
    #[inline(always)]
    fn unit(self) -> u8 {
        self as u8
    }
}
impl AsUnit<u16> for u32 {
    #[inline(always)]
    fn unit(self) -> u16 {
        self as u16
    }
}
impl AsUnit<u32> for u32 {
    #[inline(always)]
    fn unit(self) -> u32 {
        self
    }
}

unsafe fn py_str_bytes(o: *mut ffi::PyObject, d: &mut Doc<'_>) -> PyResult<Span> {
    let mut size: ffi::Py_ssize_t = 0;
    let p = ffi::PyUnicode_AsUTF8AndSize(o, &mut size);
    let bytes: Vec<u8>;
    let slice: &[u8] = if p.is_null() {
        ffi::PyErr_Clear();
        // lone surrogates: each stands in as U+FFFD (one code point, like the original)
        let any = Bound::from_borrowed_ptr(Python::assume_attached(), o);
        let s: String = any.cast::<PyString>().map(|x| x.to_string_lossy().into_owned()).unwrap_or_default();
        bytes = s.into_bytes();
        &bytes
    } else {
        std::slice::from_raw_parts(p as *const u8, size as usize)
    };
    let s = d.scratch.len() as u32;
    d.scratch.extend_from_slice(slice);
    let ascii = slice.is_ascii();
    Ok(Span { s, l: slice.len() as u32, f: 1 | if ascii { 2 } else { 0 } })
}

/// A Python value (dict, list, str, int, float, bool, None) onto the tape.
unsafe fn from_py(o: *mut ffi::PyObject, d: &mut Doc<'_>, depth: usize) -> PyResult<()> {
    if depth >= parse::MAX_DEPTH && (ffi::PyList_Check(o) != 0 || ffi::PyDict_Check(o) != 0) {
        return Err(DecodeFailure::new_err((format!("nested deeper than {} levels", parse::MAX_DEPTH), 0usize, PyTuple::empty(Python::assume_attached()).unbind())));
    }
    if o == ffi::Py_None() {
        d.toks.push(Tok::Null);
    } else if o == ffi::Py_True() {
        d.toks.push(Tok::Bool(true));
    } else if o == ffi::Py_False() {
        d.toks.push(Tok::Bool(false));
    } else if ffi::PyUnicode_Check(o) != 0 {
        let sp = py_str_bytes(o, d)?;
        d.toks.push(Tok::Str(sp));
    } else if ffi::PyLong_Check(o) != 0 {
        let mut overflow: std::os::raw::c_int = 0;
        let v = ffi::PyLong_AsLongLongAndOverflow(o, &mut overflow);
        if overflow == 0 && !(v == -1 && !ffi::PyErr_Occurred().is_null()) {
            d.toks.push(Tok::Int(v));
        } else {
            ffi::PyErr_Clear();
            let s = ffi::PyObject_Str(o);
            if s.is_null() {
                return Err(PyErr::fetch(Python::assume_attached()));
            }
            let sp = py_str_bytes(s, d)?;
            ffi::Py_XDECREF(s);
            d.toks.push(Tok::Big(sp));
        }
    } else if ffi::PyFloat_Check(o) != 0 {
        let f = ffi::PyFloat_AsDouble(o);
        if f.is_finite() {
            let text = format!("{:?}", f);
            let s = d.scratch.len() as u32;
            d.scratch.extend_from_slice(text.as_bytes());
            d.toks.push(Tok::Float(f, Span { s, l: text.len() as u32, f: 3 }));
        } else {
            d.toks.push(Tok::Other);
        }
    } else if ffi::PyList_Check(o) != 0 {
        let n = ffi::PyList_Size(o);
        let at = d.toks.len();
        d.toks.push(Tok::Null);
        for k in 0..n {
            let item = ffi::PyList_GetItem(o, k);
            ffi::Py_XINCREF(item);
            let r = from_py(item, d, depth + 1);
            ffi::Py_XDECREF(item);
            r?;
        }
        d.toks[at] = Tok::Arr(n as u32, d.toks.len() as u32);
    } else if ffi::PyDict_Check(o) != 0 {
        let at = d.toks.len();
        d.toks.push(Tok::Null);
        let mut pos: ffi::Py_ssize_t = 0;
        let mut k: *mut ffi::PyObject = std::ptr::null_mut();
        let mut v: *mut ffi::PyObject = std::ptr::null_mut();
        let mut n = 0u32;
        while ffi::PyDict_Next(o, &mut pos, &mut k, &mut v) != 0 {
            if ffi::PyUnicode_Check(k) == 0 {
                return Err(PyTypeError::new_err("object keys must be strings"));
            }
            ffi::Py_XINCREF(k);
            ffi::Py_XINCREF(v);
            let sp = py_str_bytes(k, d);
            let r = sp.and_then(|sp| {
                d.toks.push(Tok::Str(sp));
                from_py(v, d, depth + 1)
            });
            ffi::Py_XDECREF(k);
            ffi::Py_XDECREF(v);
            r?;
            n += 1;
        }
        d.toks[at] = Tok::Obj(n, d.toks.len() as u32);
    } else {
        d.toks.push(Tok::Other);
    }
    Ok(())
}

#[pymethods]
impl Program {
    #[new]
    fn new(py: Python<'_>, model: &[u8]) -> PyResult<Self> {
        let prog = program::Program::from_model(model).map_err(|e| match path_tuple(py, &e.path) {
            Ok(p) => ModelError::new_err((e.msg, p.unbind())),
            Err(err) => err,
        })?;
        let mut keys: FxMap<Box<[u8]>, u32> = FxMap::default();
        let mut names = Vec::with_capacity(prog.names.len());
        for (i, k) in prog.names.iter().enumerate() {
            let s = String::from_utf8_lossy(k);
            names.push(PyString::intern(py, &s).unbind());
            keys.insert(k.clone(), i as u32);
        }
        let mut members: FxMap<Box<[u8]>, Py<PyString>> = FxMap::default();
        for n in &prog.nodes {
            let consts = n.const_.iter();
            let enums = n.enum_.iter().flat_map(|e| e.values.iter());
            for v in consts.chain(enums) {
                if let (jval::JVal::Str(t), true) = (v, members.len() < 1 << 16) {
                    members.entry(t.as_bytes().into()).or_insert_with(|| PyString::intern(py, t).unbind());
                }
            }
        }
        Ok(Program { prog, names, keys, members })
    }

    /// `validate_json` and `is_valid_json` at the root as builtins of one argument bound to
    /// this program (`ROUTES`): what `Validator` calls them through.
    fn root_routes<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        Ok((route(slf.as_any(), 0)?, route(slf.as_any(), 1)?))
    }

    /// JSON text -> the value, checked; raises DecodeFailure, Invalid or GaveUp.
    #[pyo3(signature = (data, node=None))]
    fn validate_json(&self, py: Python<'_>, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Py<PyAny>> {
        self.checked_value(py, data, node).map_err(|e| public(py, e))
    }

    /// JSON text -> (value, errors): errors is None when valid; the value is built either way.
    #[pyo3(signature = (data, node=None))]
    fn check_json(&self, py: Python<'_>, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let src = unsafe { input_bytes(data)? };
        let node = self.start(node)?;
        if let Some(v) = self.direct(src, node, true) {
            return Ok((unsafe { Bound::from_owned_ptr(py, v).unbind() }, py.None()));
        }
        let d = self.parse_doc(py, src)?;
        let value = unsafe { Bound::from_owned_ptr(py, self.build(&d, 0)).unbind() };
        if self.verdict(py, &d, node)? {
            return Ok((value, py.None()));
        }
        Ok((value, self.collect(py, &d, node)?.into_any().unbind()))
    }

    /// For tests: how many values the one-pass walk judged on a tape on its way over
    /// `data` (verdict only); None where it stopped and the tape judge took the whole text.
    #[pyo3(signature = (data, node=None))]
    fn walk_tapes(&self, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Option<u32>> {
        Ok(self.tapes(data, node)?.and_then(|t| t.map(|(n, _)| n)))
    }

    /// The bytes of values the one-pass walk judged on a tape on its way over `data`
    /// (verdict only; a value tried again counts again), per byte of `data`: what the
    /// walk spends beyond its own pass (1 where the tape judge takes the whole text);
    /// None where the walk stops (`data` is refused, or is not JSON).
    #[pyo3(signature = (data, node=None))]
    fn taped_share(&self, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Option<f64>> {
        Ok(match self.tapes(data, node)? {
            None => Some(1.0),
            Some(t) => t.map(|(_, share)| share),
        })
    }

    /// JSON text -> the verdict, building nothing.
    #[pyo3(signature = (data, node=None))]
    fn is_valid_json(&self, py: Python<'_>, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<bool> {
        (|| -> PyResult<bool> {
            let mut slot = None;
            let src = unsafe { input_bytes(as_text(data, &mut slot)?)? };
            let node = self.start(node)?;
            if self.direct(src, node, false).is_some() {
                return Ok(true);
            }
            let d = self.parse_doc(py, src)?;
            self.verdict(py, &d, node)
        })()
        .map_err(|e| public(py, e))
    }

    /// JSON text -> every error (empty when valid), building nothing.
    #[pyo3(signature = (data, node=None))]
    fn errors_json<'py>(&self, py: Python<'py>, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Bound<'py, PyList>> {
        let src = unsafe { input_bytes(data)? };
        let node = self.start(node)?;
        if self.direct(src, node, false).is_some() {
            return Ok(PyList::empty(py));
        }
        let d = self.parse_doc(py, src)?;
        if self.verdict(py, &d, node)? {
            return Ok(PyList::empty(py));
        }
        self.collect(py, &d, node)
    }

    /// A Python value -> the verdict.
    #[pyo3(signature = (obj, node=None))]
    fn is_valid(&self, py: Python<'_>, obj: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<bool> {
        self.verdict_of(py, obj, node)
    }

    /// A Python value -> every error (empty when valid).
    #[pyo3(signature = (obj, node=None))]
    fn errors<'py>(&self, py: Python<'py>, obj: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Bound<'py, PyList>> {
        let node = self.start(node)?;
        let d = self.py_doc(obj)?;
        if self.verdict(py, &d, node)? {
            return Ok(PyList::empty(py));
        }
        self.collect(py, &d, node)
    }

    /// A block of JSONL (bytes): the number of lines (a last line without a newline counts)
    /// and, for each line that is not a valid output (not JSON, invalid, or a pattern search
    /// that gave up), (its index, start, end) in the block, the newline left out. The
    /// verdict-only route over a whole block in one call (the CLI's JSONL loop).
    fn refused_lines(&self, block: &Bound<'_, PyAny>) -> PyResult<(usize, Vec<(usize, usize, usize)>)> {
        // bytes, or any contiguous buffer (the CLI reads into one bytearray, no copy)
        let buf = pyo3::buffer::PyBuffer::<u8>::get(block)?;
        if !buf.is_c_contiguous() {
            return Err(PyTypeError::new_err("a contiguous buffer of bytes is needed"));
        }
        // SAFETY: the buffer is held (and the GIL) for the whole call
        let data = unsafe { std::slice::from_raw_parts(buf.buf_ptr() as *const u8, buf.len_bytes()) };
        let root = self.prog.root;
        let mut bad = Vec::new();
        let (mut start, mut n) = (0usize, 0usize);
        while start < data.len() {
            let end = newline(data, start);
            let src = &data[start..end];
            if !self.verdict_only(src, root) {
                bad.push((n, start, end));
            }
            n += 1;
            start = end + 1;
        }
        Ok((n, bad))
    }

    /// A push-mode run of this program (see `push.rs`).
    #[pyo3(signature = (node=None))]
    fn push(slf: &Bound<'_, Self>, node: Option<u32>) -> PyResult<push::Push> {
        let node = slf.get().start(node)?;
        Ok(push::Push::new(slf.clone().unbind(), node))
    }

    /// How many nodes the program has.
    fn __len__(&self) -> usize {
        self.prog.nodes.len()
    }

}

impl Program {
    /// `validate_json` with the core's own exceptions.
    fn checked_value(&self, py: Python<'_>, data: &Bound<'_, PyAny>, node: Option<u32>) -> PyResult<Py<PyAny>> {
        self.checked_tidy(py, data, node, None).map(|(v, _, _)| v)
    }

    /// `checked_value`, whether the value is tidy (`Direct::tidy`: built by the walk, its
    /// objects holding their schema's keys in order), and whether the walk built it with
    /// `share` (else the tape judge built it as the text has it)
    fn checked_tidy(&self, py: Python<'_>, data: &Bound<'_, PyAny>, node: Option<u32>, share: Option<(&decode::Fused, &decode::Decoder)>) -> PyResult<(Py<PyAny>, bool, bool)> {
        let mut slot = None;
        let src = unsafe { input_bytes(as_text(data, &mut slot)?)? };
        let node = self.start(node)?;
        if let Some((v, tidy)) = self.direct_tidy(src, node, true, share) {
            return Ok((unsafe { Bound::from_owned_ptr(py, v).unbind() }, tidy, true));
        }
        self.checked_tape(py, src, node).map(|v| (v, false, false))
    }

    /// The text judged on the tape and built as it is (`checked_tidy` past the walk).
    fn checked_tape(&self, py: Python<'_>, src: &[u8], node: u32) -> PyResult<Py<PyAny>> {
        let d = self.parse_doc(py, src)?;
        let mut v = Val::new(&self.prog, &d, false);
        if !self.names.is_empty() {
            let mut ids = KEY_IDS.try_with(|k| k.take()).unwrap_or_default();
            ids.clear();
            ids.resize(d.toks.len(), u32::MAX);
            v.key_ids = Some(ids);
        }
        let ok = v.run(node);
        if v.fatal.is_some() {
            self.verdict(py, &d, node)?;
        }
        if !ok {
            let errs = self.collect(py, &d, node)?;
            return Err(Invalid::new_err((errs.unbind(),)));
        }
        let ids = v.key_ids.take();
        let value = unsafe { Bound::from_owned_ptr(py, build(&d, 0, &self.names, &self.keys, ids.as_deref())).unbind() };
        if let Some(ids) = ids {
            if ids.capacity() <= 16 << 20 {
                let _ = KEY_IDS.try_with(|k| k.replace(ids));
            }
        }
        Ok(value)
    }

    pub(crate) fn inner(&self) -> &program::Program {
        &self.prog
    }
    pub(crate) fn build_value(&self, py: Python<'_>, d: &Doc<'_>) -> Py<PyAny> {
        unsafe { Bound::from_owned_ptr(py, self.build(d, 0)).unbind() }
    }
    pub(crate) fn decode_error(&self, py: Python<'_>, src: &[u8], e: &parse::ParseError) -> PyErr {
        decode_err(py, src, e)
    }
    pub(crate) fn verdict_pub(&self, py: Python<'_>, d: &Doc<'_>, node: u32) -> PyResult<bool> {
        self.verdict(py, d, node)
    }
    pub(crate) fn collect_pub<'py>(&self, py: Python<'py>, d: &Doc<'_>, node: u32) -> PyResult<Bound<'py, PyList>> {
        self.collect(py, d, node)
    }
}

/// The index of the first b'\n' at or after `from` (the length when there is none), eight
/// bytes at a time.
fn newline(data: &[u8], from: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= data.len() {
        let w = u64::from_le_bytes(data[i..i + 8].try_into().unwrap()) ^ (LO * b'\n' as u64);
        let hit = w.wrapping_sub(LO) & !w & HI;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    data[i..].iter().position(|&b| b == b'\n').map_or(data.len(), |k| i + k)
}

/// A compiled schema's whole route in one call: the judge's program (wire and residual in
/// one pass), then the codec's decode in the core; a refusal, or a value the plan cannot
/// decode, goes to `explain` (the two-step route, which raises every error or decodes).
#[pyclass(frozen, module = "strictschema._core")]
struct Judge {
    program: Py<Program>,
    decoder: Option<Py<decode::Decoder>>,
    explain: Py<PyAny>,
    /// what the decoded value must still meet, where the program could not take it on
    /// (`_compile/_judge.py` found no placement): judged on the value
    residual: Option<Py<Program>>,
    /// the decode's share the walk takes (`decode::Decoder::fuse`)
    fused: decode::Fused,
}

#[pymethods]
impl Judge {
    #[new]
    #[pyo3(signature = (program, decoder, explain, residual = None))]
    fn new(py: Python<'_>, program: Py<Program>, decoder: Option<Py<decode::Decoder>>, explain: Py<PyAny>, residual: Option<Py<Program>>) -> PyResult<Self> {
        let root = program.get().start(None)?;
        let fused = match &decoder {
            Some(d) => d.get().fuse(py, &program.get().prog, root).unwrap_or_default(),
            None => decode::Fused::default(),
        };
        Ok(Judge { program, decoder, explain, residual, fused })
    }

    /// Whether the residual is judged apart, on the decoded value (`residual`).
    #[getter]
    fn apart(&self) -> bool {
        self.residual.is_some()
    }

    /// What the walk takes of the decode (`decode::Fused`): whether a tidy value it built
    /// needs no decode, and whether it runs decode steps on the values it builds.
    #[getter]
    fn share(&self) -> (bool, bool) {
        (self.fused.light, !self.fused.posts.is_empty())
    }

    /// For tests: whether the walk built `data`'s value tidy with the decode's share (the
    /// decode then runs in place or not at all); None where the walk did not build it.
    fn tidy(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
        let share = self.decoder.as_ref().map(|d| (&self.fused, d.get()));
        let (_, tidy, walked) = self.program.get().checked_tidy(py, data, None, share)?;
        Ok(walked.then_some(tidy))
    }

    /// `validate_json` as a builtin of one argument bound to this judge (`ROUTES`): what
    /// `Compiled.validate_json` is.
    fn route<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        route(slf.as_any(), 2)
    }

    /// Model output text -> original-shaped data (what `Compiled.validate_json` returns).
    fn validate_json(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Some(r) = &self.residual else {
            return self.decoded(py, data);
        };
        let x = self.decoded(py, data)?;
        match r.get().verdict_of(py, x.bind(py), None) {
            Ok(true) => Ok(x),
            // the two steps say what fails (or, past the judge's limits, what it is)
            _ => {
                if PyErr::occurred(py) {
                    let _ = PyErr::take(py);
                }
                self.explain.call1(py, (data,))
            }
        }
    }
}

impl Judge {
    /// The text judged by the program and decoded (or what the two steps make of it).
    fn decoded(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let program = self.program.get();
        let Some(d) = &self.decoder else {
            return match program.checked_tidy(py, data, None, None) {
                Ok((v, _, _)) => Ok(v),
                Err(e) if e.is_instance_of::<Invalid>(py) => self.explain.call1(py, (data,)),
                Err(e) => Err(public(py, e)),
            };
        };
        let (d, f) = (d.get(), &self.fused);
        let found = match program.checked_tidy(py, data, None, Some((f, d))) {
            // the walk's share is the whole decode
            Ok((v, true, true)) if f.light => {
                if f.root == 0 {
                    return Ok(v);
                }
                match unsafe { d.post(f.root, v.as_ptr()) } {
                    Some(x) => return Ok(unsafe { Bound::from_owned_ptr(py, x).unbind() }),
                    None => return self.explain.call1(py, (data,)),
                }
            }
            // walked with steps the decode cannot take again: built as the text has it
            Ok((v, _, true)) if !f.posts.is_empty() || f.mapped => {
                drop(v);
                let mut slot = None;
                let src = unsafe { input_bytes(as_text(data, &mut slot)?)? };
                program.checked_tape(py, src, program.start(None)?).map(|v| (v, false))
            }
            Ok((v, tidy, _)) => Ok((v, tidy)),
            Err(e) => Err(e),
        };
        match found {
            // the value may be half decoded in place: the two steps start again from the text
            Ok((v, tidy)) => match d.decode_value(py, v.bind(py), tidy, true) {
                Ok(x) => Ok(x),
                Err(_) => self.explain.call1(py, (data,)),
            },
            Err(e) if e.is_instance_of::<Invalid>(py) => self.explain.call1(py, (data,)),
            Err(e) => Err(public(py, e)),
        }
    }
}

/// Strict JSON text -> Python value (no schema).
#[pyfunction]
fn loads(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let src = unsafe { input_bytes(data)? };
    if let Some(v) = unsafe { direct::loads(src) } {
        return Ok(unsafe { Bound::from_owned_ptr(py, v).unbind() });
    }
    let mut d = Doc::new(src);
    d.toks.reserve(src.len() / 8 + 4);
    if let Err(e) = parse::parse(&mut d) {
        return Err(decode_err(py, src, &e));
    }
    let empty = FxMap::default();
    unsafe { Ok(Bound::from_owned_ptr(py, build(&d, 0, &[], &empty, None)).unbind()) }
}

/// An ECMA-262 pattern as the judge runs it (`search`: unanchored, like `pattern`).
#[pyclass(frozen, module = "strictschema._core", name = "Pattern")]
struct PyPattern {
    inner: ecma::Pattern,
}

#[pymethods]
impl PyPattern {
    #[new]
    fn new(source: &str) -> PyResult<Self> {
        ecma::compile(source).map(|inner| PyPattern { inner }).map_err(|e| ModelError::new_err((e, PyTuple::empty(unsafe { Python::assume_attached() }).unbind())))
    }
    /// Whether the pattern matches somewhere in `text`; GaveUp past the backtracking limit.
    fn search(&self, text: &str) -> PyResult<bool> {
        self.inner.search(text).map_err(|_| {
            GaveUp::new_err((format!("pattern {} exceeded its backtracking limit", num::quote(&self.inner.source)), PyTuple::empty(unsafe { Python::assume_attached() }).unbind(), PyTuple::empty(unsafe { Python::assume_attached() }).unbind()))
        })
    }
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }
    /// True when the pattern runs on the backtracking engine (lookarounds, backreferences).
    #[getter]
    fn backtracking(&self) -> bool {
        matches!(self.inner.engine, ecma::Engine::Fancy(_))
    }
}

/// Whether `text` is a valid `name` (one of the asserted formats); ValueError for another name.
#[pyfunction]
fn check_format(name: &str, text: &str) -> PyResult<bool> {
    match formats::Format::from_name(name) {
        Some(f) => Ok(f.check(text)),
        None => Err(PyValueError::new_err(format!("{name:?} is not an asserted format"))),
    }
}

/// The ECMA-262 pattern translated for the linear-time engine: (text, needs backtracking),
/// or ValueError.
#[pyfunction]
fn translate_pattern(source: &str) -> PyResult<(String, bool)> {
    match ecma::compile(source) {
        Ok(_) => {}
        Err(e) => return Err(PyValueError::new_err(e)),
    }
    ecma::translate(source, true).or_else(|_| ecma::translate(source, false)).map_err(PyValueError::new_err)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Program>()?;
    m.add_class::<push::Push>()?;
    m.add_class::<PyPattern>()?;
    m.add_class::<decode::Decoder>()?;
    m.add_class::<Judge>()?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(check_format, m)?)?;
    m.add_function(wrap_pyfunction!(translate_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(set_translator, m)?)?;
    m.add("Failure", m.py().get_type::<Failure>())?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    m.add("DecodeFailure", m.py().get_type::<DecodeFailure>())?;
    m.add("Invalid", m.py().get_type::<Invalid>())?;
    m.add("GaveUp", m.py().get_type::<GaveUp>())?;
    m.add("MAX_DEPTH", parse::MAX_DEPTH)?;
    Ok(())
}
