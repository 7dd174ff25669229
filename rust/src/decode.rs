//! The codec's decode (wire shape -> original shape) over Python values, for values the
//! judge accepted. The plan comes from `_compile/_codec.py` (`decode_plan`): one entry per
//! codec step, children by index (references are indices, so recursion needs nothing more).
//! What the plan cannot do here (JSON text, unions resolved by value) calls the codec's own
//! Python `decode`. Anything unexpected (a map key given twice, a missing member) fails:
//! the caller then runs the generic Python decode, which says where.

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

enum Step {
    Id,
    /// (wire key, original key, mode: 0 as is, 1 null -> absent, 2 null stays null, child)
    Obj(Vec<(Py<PyString>, Py<PyString>, u8, usize)>),
    Arr(usize),
    /// (child, a repeated key keeps the last value)
    Map(usize, bool),
    /// (wire key, child) per item
    Tuple(Vec<(Py<PyString>, usize)>),
    Wrap(Py<PyString>, usize),
    /// the codec's own decode
    Py(Py<PyAny>),
}

#[pyclass(frozen, module = "strictschema._core")]
pub struct Decoder {
    steps: Vec<Step>,
    root: usize,
    key: Py<PyString>,
    value: Py<PyString>,
}

struct Fail;

fn bad(msg: &str) -> PyErr {
    PyValueError::new_err(format!("bad decode plan: {msg}"))
}

#[pymethods]
impl Decoder {
    /// `steps`: a list of tuples, `("id",)`, `("obj", [(wire, name, mode, child), ...])`,
    /// `("arr", child)`, `("map", child, last_wins)`, `("tuple", [(key, child), ...])`,
    /// `("wrap", key, child)`, `("py", decode)`; `root` the index of the first.
    #[new]
    fn new(py: Python<'_>, steps: &Bound<'_, PyList>, root: usize) -> PyResult<Self> {
        let n = steps.len();
        let idx = |x: Bound<'_, PyAny>| -> PyResult<usize> {
            let i: usize = x.extract()?;
            if i >= n {
                return Err(bad("child index"));
            }
            Ok(i)
        };
        let mut out = Vec::with_capacity(n);
        for s in steps.iter() {
            let t = s.cast::<PyTuple>().map_err(|_| bad("a step is a tuple"))?;
            let kind: String = t.get_item(0)?.extract()?;
            out.push(match kind.as_str() {
                "id" => Step::Id,
                "obj" => {
                    let mut props = Vec::new();
                    for p in t.get_item(1)?.cast::<PyList>().map_err(|_| bad("obj"))?.iter() {
                        let p = p.cast::<PyTuple>().map_err(|_| bad("obj member"))?;
                        let wire: Bound<'_, PyString> = p.get_item(0)?.cast_into().map_err(|_| bad("wire key"))?;
                        let name: Bound<'_, PyString> = p.get_item(1)?.cast_into().map_err(|_| bad("key"))?;
                        let mode: u8 = p.get_item(2)?.extract()?;
                        props.push((PyString::intern(py, &wire.to_cow()?).unbind(), PyString::intern(py, &name.to_cow()?).unbind(), mode, idx(p.get_item(3)?)?));
                    }
                    Step::Obj(props)
                }
                "arr" => Step::Arr(idx(t.get_item(1)?)?),
                "map" => Step::Map(idx(t.get_item(1)?)?, t.get_item(2)?.extract()?),
                "tuple" => {
                    let mut items = Vec::new();
                    for p in t.get_item(1)?.cast::<PyList>().map_err(|_| bad("tuple"))?.iter() {
                        let p = p.cast::<PyTuple>().map_err(|_| bad("tuple item"))?;
                        let key: Bound<'_, PyString> = p.get_item(0)?.cast_into().map_err(|_| bad("tuple key"))?;
                        items.push((PyString::intern(py, &key.to_cow()?).unbind(), idx(p.get_item(1)?)?));
                    }
                    Step::Tuple(items)
                }
                "wrap" => {
                    let key: Bound<'_, PyString> = t.get_item(1)?.cast_into().map_err(|_| bad("wrap key"))?;
                    Step::Wrap(PyString::intern(py, &key.to_cow()?).unbind(), idx(t.get_item(2)?)?)
                }
                "py" => Step::Py(t.get_item(1)?.unbind()),
                _ => return Err(bad("unknown step")),
            });
        }
        if root >= n {
            return Err(bad("root"));
        }
        Ok(Decoder { steps: out, root, key: PyString::intern(py, "key").unbind(), value: PyString::intern(py, "value").unbind() })
    }

    /// A judged wire value -> the original shape; ValueError where the generic decode must
    /// say what is wrong.
    pub fn decode(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match unsafe { self.run(py, self.root, value.as_ptr(), 0) } {
            Ok(p) => Ok(unsafe { Bound::from_owned_ptr(py, p).unbind() }),
            Err(Fail) => {
                if PyErr::occurred(py) {
                    let _ = PyErr::take(py);
                }
                Err(PyValueError::new_err("not decodable here"))
            }
        }
    }
}

impl Decoder {
    /// `v` (borrowed) decoded by step `s` -> a new reference.
    unsafe fn run(&self, py: Python<'_>, s: usize, v: *mut ffi::PyObject, depth: u32) -> Result<*mut ffi::PyObject, Fail> {
        if depth > 1000 {
            return Err(Fail);
        }
        let own = |o: *mut ffi::PyObject| {
            ffi::Py_IncRef(o);
            o
        };
        match &self.steps[s] {
            Step::Id => Ok(own(v)),
            Step::Obj(props) => {
                if ffi::PyDict_Check(v) == 0 {
                    return Ok(own(v));
                }
                let out = ffi::PyDict_New();
                for (wire, name, mode, child) in props {
                    let x = ffi::PyDict_GetItemWithError(v, wire.as_ptr());
                    if x.is_null() {
                        if !ffi::PyErr_Occurred().is_null() {
                            ffi::Py_DecRef(out);
                            return Err(Fail);
                        }
                        continue;
                    }
                    let d = if x == ffi::Py_None() && *mode == 1 {
                        continue;
                    } else if x == ffi::Py_None() && *mode == 2 {
                        own(x)
                    } else {
                        match self.run(py, *child, x, depth + 1) {
                            Ok(d) => d,
                            Err(f) => {
                                ffi::Py_DecRef(out);
                                return Err(f);
                            }
                        }
                    };
                    ffi::PyDict_SetItem(out, name.as_ptr(), d);
                    ffi::Py_DecRef(d);
                }
                Ok(out)
            }
            Step::Arr(child) => {
                if ffi::PyList_Check(v) == 0 {
                    return Ok(own(v));
                }
                if let Step::Id = self.steps[*child] {
                    return Ok(own(v));
                }
                let n = ffi::PyList_Size(v);
                let out = ffi::PyList_New(n);
                for i in 0..n {
                    match self.run(py, *child, ffi::PyList_GetItem(v, i), depth + 1) {
                        Ok(d) => ffi::PyList_SET_ITEM(out, i, d),
                        Err(f) => {
                            // the slots not yet set are NULL, which the list's dealloc skips
                            ffi::Py_DecRef(out);
                            return Err(f);
                        }
                    }
                }
                Ok(out)
            }
            Step::Map(child, last_wins) => {
                if ffi::PyList_Check(v) == 0 {
                    return Ok(own(v));
                }
                let n = ffi::PyList_Size(v);
                let out = ffi::PyDict_New();
                for i in 0..n {
                    let e = ffi::PyList_GetItem(v, i);
                    let k = if ffi::PyDict_Check(e) != 0 { ffi::PyDict_GetItemWithError(e, self.key.as_ptr()) } else { std::ptr::null_mut() };
                    let x = if ffi::PyDict_Check(e) != 0 { ffi::PyDict_GetItemWithError(e, self.value.as_ptr()) } else { std::ptr::null_mut() };
                    if k.is_null() || x.is_null() || ffi::PyUnicode_Check(k) == 0 || (!last_wins && ffi::PyDict_Contains(out, k) != 0) {
                        ffi::Py_DecRef(out);
                        return Err(Fail);
                    }
                    match self.run(py, *child, x, depth + 1) {
                        Ok(d) => {
                            ffi::PyDict_SetItem(out, k, d);
                            ffi::Py_DecRef(d);
                        }
                        Err(f) => {
                            ffi::Py_DecRef(out);
                            return Err(f);
                        }
                    }
                }
                Ok(out)
            }
            Step::Tuple(items) => {
                if ffi::PyDict_Check(v) == 0 {
                    return Ok(own(v));
                }
                let out = ffi::PyList_New(items.len() as ffi::Py_ssize_t);
                for (i, (key, child)) in items.iter().enumerate() {
                    let x = ffi::PyDict_GetItemWithError(v, key.as_ptr());
                    let d = if x.is_null() { Err(Fail) } else { self.run(py, *child, x, depth + 1) };
                    match d {
                        Ok(d) => ffi::PyList_SET_ITEM(out, i as ffi::Py_ssize_t, d),
                        Err(f) => {
                            ffi::Py_DecRef(out);
                            return Err(f);
                        }
                    }
                }
                Ok(out)
            }
            Step::Wrap(key, child) => {
                if ffi::PyDict_Check(v) == 0 {
                    return Ok(own(v));
                }
                let x = ffi::PyDict_GetItemWithError(v, key.as_ptr());
                if x.is_null() {
                    if !ffi::PyErr_Occurred().is_null() {
                        return Err(Fail);
                    }
                    return Ok(own(v));
                }
                self.run(py, *child, x, depth + 1)
            }
            Step::Py(f) => {
                let r = ffi::PyObject_CallOneArg(f.as_ptr(), v);
                if r.is_null() {
                    return Err(Fail);
                }
                Ok(r)
            }
        }
    }
}
