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

use crate::direct::{conj_of, lead_of, reads, shape_of, Shape};
use crate::program::{Program, T_ARR, T_OBJ};

enum Step {
    Id,
    /// (wire key, original key, mode: 0 as is, 1 null -> absent, 2 null stays null, child),
    /// and whether no key is renamed (then a dict the judge just built is decoded in place)
    Obj(Vec<(Py<PyString>, Py<PyString>, u8, usize)>, bool),
    Arr(usize),
    /// (child, a repeated key keeps the last value)
    Map(usize, bool),
    /// (wire key, child) per item
    Tuple(Vec<(Py<PyString>, usize)>),
    Wrap(Py<PyString>, usize),
    /// (does the wire value match this branch, child) per branch: the first that matches
    /// and decodes; and per branch its node in the wire's numbering, which the judge
    /// programs keep (`u32::MAX`: not known), by which `fuse` finds the branch the walk took
    AnyOf(Vec<(Check, usize)>, Vec<u32>),
    /// JSON text: a string parsed into its value (strict, as `_core.loads`)
    Json,
    /// the codec's own decode
    Py(Py<PyAny>),
}

/// A union branch's wire check: a node of a core program, or a Python callable.
enum Check {
    Node(Py<crate::Program>, u32),
    Call(Py<PyAny>),
}

#[pyclass(frozen, module = "strictschema._core")]
pub struct Decoder {
    steps: Vec<Step>,
    root: usize,
    key: Py<PyString>,
    value: Py<PyString>,
    /// per step of the plan (those after are made here): for a map, wrapper or tuple, the
    /// step that reads its wire container member by member (`fuse` follows it); none:
    /// `usize::MAX`
    wire: Vec<usize>,
    /// per step of the plan: for JSON text, a map, wrapper or tuple, the step that does
    /// its own part only, its members' values decoded already (what the walk runs on a
    /// value it built: `Fused::posts`); none: `usize::MAX`
    shallow: Vec<usize>,
}

/// `Fused::ordered`: the decode builds the object's dict in its node's property order.
pub const ORDERED: u8 = 1;
/// `Fused::ordered`: the decode keeps the object's dict as the walk built it.
pub const AS_IS: u8 = 2;

/// The walk's share of a decode (`Decoder::fuse`), which it takes as it builds the value.
#[derive(Default)]
pub struct Fused {
    /// per node: the properties whose wire null decodes to absent (left out of the dict)
    pub absent: Vec<Box<[u64]>>,
    /// per node (empty: none), how its object's decode orders the dict: `ORDERED` in the
    /// node's property order (an object the walk built out of that order is put in order
    /// and stays tidy), `AS_IS` as the walk built it (the decode is the identity there:
    /// order and keys the node does not name leave it tidy); 0 not known (either makes the
    /// object not tidy)
    pub ordered: Vec<u8>,
    /// per node (empty: nothing): per property, then for the items, the step (+1; 0:
    /// none) the walk runs on the value it built there (`Decoder::shallow`); only when
    /// that leaves the decode nothing to do on a tidy value (`light`)
    pub posts: Vec<Box<[u32]>>,
    /// the same for the whole value
    pub root: u32,
    /// a tidy value the walk built with this share needs no decode
    pub light: bool,
    /// some union's objects are built by the branch the walk took (`Decoder::fuse`): a
    /// value that is not tidy is built again as the text has it before it is decoded (the
    /// union's decode picks its branch by the wire value)
    pub mapped: bool,
}

struct Fail;

fn bad(msg: &str) -> PyErr {
    PyValueError::new_err(format!("bad decode plan: {msg}"))
}

#[pymethods]
impl Decoder {
    /// `steps`: a list of tuples, `("id",)`, `("obj", [(wire, name, mode, child), ...])`,
    /// `("arr", child)`, `("map", child, last_wins)`, `("tuple", [(key, child), ...])`,
    /// `("wrap", key, child)`, `("anyof", [(matches, child), ...])`, `("json",)`,
    /// `("py", decode)`; `root` the index of the first.
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
                    let same = props.iter().all(|(w, n, _, _)| w.as_ptr() == n.as_ptr());
                    Step::Obj(props, same)
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
                "anyof" => {
                    let mut branches = Vec::new();
                    let mut nodes = Vec::new();
                    for p in t.get_item(1)?.cast::<PyList>().map_err(|_| bad("anyof"))?.iter() {
                        let p = p.cast::<PyTuple>().map_err(|_| bad("anyof branch"))?;
                        let m = p.get_item(0)?;
                        let check = match m.cast::<PyTuple>() {
                            Ok(t) => Check::Node(t.get_item(0)?.cast_into::<crate::Program>().map_err(|_| bad("anyof program"))?.unbind(), t.get_item(1)?.extract()?),
                            Err(_) => Check::Call(m.unbind()),
                        };
                        branches.push((check, idx(p.get_item(1)?)?));
                        let node: i64 = if p.len() > 2 { p.get_item(2)?.extract()? } else { -1 };
                        nodes.push(u32::try_from(node).unwrap_or(u32::MAX));
                    }
                    Step::AnyOf(branches, nodes)
                }
                "json" => Step::Json,
                "py" => Step::Py(t.get_item(1)?.unbind()),
                _ => return Err(bad("unknown step")),
            });
        }
        if root >= n {
            return Err(bad("root"));
        }
        let (key, value) = (PyString::intern(py, "key").unbind(), PyString::intern(py, "value").unbind());
        // the steps `fuse` and the walk take for maps, wrappers, tuples and JSON text
        let id = out.len();
        out.push(Step::Id);
        let (mut wire, mut shallow) = (vec![usize::MAX; n], vec![usize::MAX; n]);
        for s in 0..n {
            let (w, sh) = match &out[s] {
                Step::Json => (None, Step::Json),
                Step::Map(child, last_wins) => {
                    // (the entry's step goes after the map's wire step: `out.len() + 1`)
                    let entry = Step::Obj(vec![(key.clone_ref(py), key.clone_ref(py), 0, id), (value.clone_ref(py), value.clone_ref(py), 0, *child)], true);
                    let (at, sh) = (out.len() + 1, Step::Map(id, *last_wins));
                    (Some((Step::Arr(at), Some(entry))), sh)
                }
                Step::Wrap(k, inner) => (Some((Step::Obj(vec![(k.clone_ref(py), k.clone_ref(py), 0, *inner)], true), None)), Step::Wrap(k.clone_ref(py), id)),
                Step::Tuple(items) => (
                    Some((Step::Obj(items.iter().map(|(k, c)| (k.clone_ref(py), k.clone_ref(py), 0, *c)).collect(), true), None)),
                    Step::Tuple(items.iter().map(|(k, _)| (k.clone_ref(py), id)).collect()),
                ),
                _ => continue,
            };
            if let Some((w, entry)) = w {
                out.push(w);
                wire[s] = out.len() - 1;
                out.extend(entry);
            }
            out.push(sh);
            shallow[s] = out.len() - 1;
        }
        Ok(Decoder { steps: out, root, key, value, wire, shallow })
    }

    /// A judged wire value -> the original shape; ValueError where the generic decode must
    /// say what is wrong.
    pub fn decode(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.decode_value(py, value, false, false)
    }
}

impl Decoder {
    /// `fresh`: `value` was just built by the walk and nothing else holds it or any
    /// container inside it, and its objects hold only their schema's keys, in order (the
    /// walk's `tidy`), so a dict or list only this value refers to is decoded in place
    /// (`Judge`); a caller's value is never changed. `valid`: the value is known to meet
    /// the wire schema (the judge passed it), so a union's branch is the one branch it may
    /// meet when one is left (`Program::may_be`). On an error the value may be half
    /// decoded.
    pub fn decode_value(&self, py: Python<'_>, value: &Bound<'_, PyAny>, fresh: bool, valid: bool) -> PyResult<Py<PyAny>> {
        match unsafe { self.run(py, self.root, value.as_ptr(), 0, fresh, valid) } {
            Ok(p) => Ok(unsafe { Bound::from_owned_ptr(py, p).unbind() }),
            Err(Fail) => {
                if PyErr::occurred(py) {
                    let _ = PyErr::take(py);
                }
                Err(PyValueError::new_err("not decodable here"))
            }
        }
    }

    /// The walk's share of the decode (`Fused`): per node of `p` (judging from `root`), the
    /// properties whose wire null this decode makes absent, which the walk then leaves out
    /// (`Direct::absent`); where that leaves nothing else for a tidy value, also the steps
    /// it runs on the values it builds at each place (JSON text parsed, map entries, a
    /// wrapper, a tuple: `posts`). None when a node the walk reads an object or array by
    /// would serve two different steps (or one and a place that keeps its nulls), or the
    /// program does not fix which node that is.
    pub fn fuse(&self, py: Python<'_>, p: &Program, root: u32) -> Option<Fused> {
        // a union taken by a branch's steps leaves a value only that branch's decode may
        // see: where the decode would run anyway (not light), unions are left alone
        match self.fuse_with(py, p, root, true) {
            Some(f) if f.mapped && !f.light => self.fuse_with(py, p, root, false),
            found => found,
        }
    }

    /// `fuse`; `map`: the walk takes the decode of unions too (`Fused::mapped`).
    fn fuse_with(&self, py: Python<'_>, p: &Program, root: u32, map: bool) -> Option<Fused> {
        const KEEP: usize = usize::MAX; // a place whose nulls stay (identity, or not a plain step)
        const NONE: usize = usize::MAX;
        let mut tag: Vec<[usize; 2]> = vec![[usize::MAX - 1; 2]; p.nodes.len()];
        let mut absent: Vec<Box<[u64]>> = vec![Box::new([]); p.nodes.len()];
        let mut posts: Vec<Box<[u32]>> = vec![Box::new([]); p.nodes.len()];
        const MIXED: u8 = 3; // reached by the identity and by other steps
        let mut ordered = vec![0u8; p.nodes.len()];
        let mut any_post = false;
        let mut whole = vec![true; self.steps.len()]; // Obj steps the walk fully serves
        let mut seen: std::collections::HashSet<(u32, usize)> = std::collections::HashSet::new();
        // the step reading the container at a place of step `s` (a union's: each branch's,
        // by the conjunction the walk took, `branch`)
        let plain = |s: usize| -> usize {
            match &self.steps[s] {
                Step::Obj(..) | Step::Arr(_) | Step::AnyOf(..) | Step::Id => s,
                _ if s < self.wire.len() && self.wire[s] != NONE => self.wire[s],
                _ => KEEP,
            }
        };
        // per union step, per branch: the conjunction of the branch's own node in `p` by
        // kind (objects, arrays), where the union's checks are nodes numbered as `p`'s
        let mut own: std::collections::HashMap<usize, Vec<[Option<Vec<u32>>; 2]>> = std::collections::HashMap::new();
        for (i, st) in self.steps.iter().enumerate() {
            let Step::AnyOf(_, nodes) = st else { continue };
            if !map || nodes.iter().any(|&x| x as usize >= p.nodes.len()) {
                continue;
            }
            let flat = |node: u32, kind: u8| {
                let mut c = crate::program::Conj::default();
                p.flatten(node, kind, &mut c, 0, &mut |_, _, _| Err(crate::program::Tape::Judge)).ok().map(|_| c.nodes().to_vec())
            };
            own.insert(i, nodes.iter().map(|&x| [flat(x, T_OBJ), flat(x, T_ARR)]).collect());
        }
        // the branch of union step `s` a value the walk took by conjunction `c` decodes by:
        // the first whose own conjunction `c` holds (the walk takes a union's branches in
        // order, each saying it is not an earlier one where it would also meet that)
        let mapped = std::cell::Cell::new(false);
        let branch = |s: usize, c: &[u32], slot: usize| -> Option<usize> {
            let Step::AnyOf(bs, _) = &self.steps[s] else { return None };
            let rows = own.get(&s)?;
            let found = rows.iter().position(|r| r[slot].as_ref().is_some_and(|o| o.iter().all(|x| c.contains(x)))).map(|i| bs[i].1);
            mapped.set(mapped.get() || found.is_some());
            found
        };
        // the walk's step at a place of step `s` (+1; 0: none)
        let post = |s: usize| -> u32 { self.shallow.get(s).filter(|&&x| x != NONE).map_or(0, |&x| x as u32 + 1) };
        let root_post = post(self.root);
        let mut todo: Vec<(u32, usize)> = vec![(root, plain(self.root))];
        // a container the walk may build as the text has it (not tidy: `posts` would be
        // undone by the decode that then runs), anywhere
        let mut rough = false;
        // a place of step `s` whose container the walk does not build by one node
        let mut miss = |whole: &mut Vec<bool>, s: usize, kind: u8| {
            rough = true;
            if s != KEEP && matches!((&self.steps[s], kind), (Step::Obj(..), T_OBJ) | (Step::Arr(_), T_ARR) | (Step::AnyOf(..), _)) {
                whole[s] = false;
            }
        };
        while let Some((n, s)) = todo.pop() {
            if seen.len() > 100_000 {
                return None;
            }
            if !seen.insert((n, s)) {
                continue;
            }
            for (slot, kind) in [(0, T_OBJ), (1, T_ARR)] {
                let nd = &p.nodes[n as usize];
                let conjs: Vec<Vec<u32>> = match conj_of(p, n, kind) {
                    Some(c) => vec![c],
                    None if nd.accept & kind == 0 => continue,
                    None if matches!(p.flat[n as usize][crate::program::kind_index(kind)], crate::program::Flat::Dynamic | crate::program::Flat::Union(_)) => {
                        // a union the walk works out per value: each conjunction it may take
                        // (a oneOf it cannot take in turn, or too many: unmarked)
                        let mut list: Vec<Vec<u32>> = Vec::new();
                        match p.each_choice(n, kind, &mut |_, _, _| Ok(None), &mut |c| {
                            list.push(c.nodes().to_vec());
                            list.len() > 64
                        }) {
                            Ok(false) => list,
                            _ => return None,
                        }
                    }
                    None => {
                        // judged on the tape
                        miss(&mut whole, s, kind);
                        continue;
                    }
                };
                for c in conjs {
                    // (a union's place: the step of the branch this conjunction is)
                    let s = if s != KEEP && matches!(self.steps[s], Step::AnyOf(..)) {
                        match branch(s, &c, slot) {
                            Some(b) => plain(b),
                            None => {
                                miss(&mut whole, s, kind);
                                KEEP
                            }
                        }
                    } else {
                        s
                    };
                    // the node the walk builds the container by, and (an object walked against
                    // several nodes, `Direct::objects`) the others, whose members' nodes meet the
                    // same steps
                    let (shape, others): (u32, Vec<u32>) = match shape_of(p, &c, kind) {
                        Shape::Walk(Some(x)) => (x, Vec::new()),
                        Shape::Fail => continue,
                        // (several array nodes: the first builds, as `Direct::arrays`)
                        Shape::Many if kind == T_ARR => {
                            let mut arrs = c.iter().copied().filter(|&o| reads(&p.nodes[o as usize], T_ARR));
                            (arrs.next().unwrap_or(c[0]), arrs.collect())
                        }
                        Shape::Many if kind == T_OBJ => match lead_of(p, &c) {
                            Some(l) => (l, c.iter().copied().filter(|&o| o != l && p.nodes[o as usize].has_obj).collect()),
                            None => {
                                miss(&mut whole, s, kind);
                                continue;
                            }
                        },
                        _ => {
                            miss(&mut whole, s, kind);
                            continue;
                        }
                    };
                    // another node's member nodes under `name` (its property, else its
                    // additionalProperties)
                    let also = |name: &[u8]| -> Vec<u32> {
                        others
                            .iter()
                            .filter_map(|&o| {
                                let on = &p.nodes[o as usize];
                                on.prop_index(name).map(|i| on.properties[i].1).or(on.additional_properties)
                            })
                            .collect()
                    };
                    // (the identity's places keep their nulls as others do)
                    let ident = matches!(self.steps.get(s), Some(Step::Id));
                    let t = &mut tag[shape as usize][slot];
                    let ts = if ident { KEEP } else { s };
                    if *t == usize::MAX - 1 {
                        *t = ts;
                    } else if *t != ts {
                        return None;
                    }
                    let sn = &p.nodes[shape as usize];
                    let mut mark = |posts: &mut Vec<Box<[u32]>>, at: usize, step: u32| {
                        if step != 0 {
                            let row = &mut posts[shape as usize];
                            if row.is_empty() {
                                *row = vec![0; sn.properties.len() + 1].into_boxed_slice();
                            }
                            row[at] = step;
                            any_post = true;
                        }
                    };
                    match (&self.steps.get(s), kind) {
                        (Some(Step::Obj(props, _)), T_OBJ) => {
                            let mut bits = vec![0u64; sn.properties.len().div_ceil(64)];
                            // (the decode's order is the node's where the steps it names
                            // come in the node's order)
                            let mut last = 0;
                            let mut in_order = true;
                            for (k, (name, child, _)) in sn.properties.iter().enumerate() {
                                let step = props.iter().position(|(w, _, _, _)| w.bind(py).to_str().map_or(false, |w| w.as_bytes() == &**name));
                                if let Some(j) = step {
                                    in_order &= j >= last;
                                    last = j;
                                }
                                let at = match step.map(|j| &props[j]) {
                                    Some((_, _, mode, cs)) => {
                                        if *mode == 1 {
                                            bits[k / 64] |= 1u64 << (k % 64);
                                        }
                                        mark(&mut posts, k, post(*cs));
                                        plain(*cs)
                                    }
                                    None => KEEP,
                                };
                                todo.push((*child, at));
                                todo.extend(also(name).into_iter().map(|x| (x, at)));
                            }
                            absent[shape as usize] = bits.into_boxed_slice();
                            ordered[shape as usize] = if in_order { ORDERED } else { MIXED };
                            if let Some(ap) = sn.additional_properties {
                                todo.push((ap, KEEP));
                            }
                        }
                        (Some(Step::Arr(cs)), T_ARR) => {
                            mark(&mut posts, sn.properties.len(), post(*cs));
                            for &o in std::iter::once(&shape).chain(others.iter()) {
                                let on = &p.nodes[o as usize];
                                for &x in on.prefix_items.iter().chain(on.items.iter()) {
                                    todo.push((x, plain(*cs)));
                                }
                            }
                        }
                        _ => {
                            // (what the identity reaches is the identity's)
                            let at = if ident { s } else { KEEP };
                            if slot == 0 {
                                let o = &mut ordered[shape as usize];
                                *o = if ident && (*o == 0 || *o == AS_IS) { AS_IS } else { MIXED };
                            }
                            for (name, child, _) in &sn.properties {
                                todo.push((*child, at));
                                todo.extend(also(name).into_iter().map(|x| (x, at)));
                            }
                            for &x in sn.additional_properties.iter().chain(sn.prefix_items.iter()).chain(sn.items.iter()) {
                                todo.push((x, at));
                            }
                            for &o in others.iter().filter(|_| kind == T_ARR) {
                                let on = &p.nodes[o as usize];
                                todo.extend(on.prefix_items.iter().chain(on.items.iter()).map(|&x| (x, at)));
                            }
                        }
                    }
                }
            }
        }
        for o in ordered.iter_mut() {
            if *o == MIXED {
                *o = 0;
            }
        }
        let plain_light = self.light(&whole, false);
        let light = self.light(&whole, true);
        if !light || rough || !(any_post || root_post != 0) {
            // (a place the walk may not serve: the decode does those steps, all of them)
            posts.clear();
            return Some(Fused { absent, ordered, posts, root: 0, light: plain_light, mapped: mapped.get() });
        }
        Some(Fused { absent, ordered, posts, root: root_post, light, mapped: mapped.get() })
    }

    /// Whether the decode has nothing left to do on a tidy value the walk built with its
    /// share (`whole`: the object steps whose every place it walks by one node); `posts`:
    /// the walk also runs the steps of maps, wrappers, tuples and JSON text. The greatest
    /// fixpoint, so recursive steps can be light.
    fn light(&self, whole: &[bool], posts: bool) -> bool {
        let mut light: Vec<bool> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, st)| match st {
                Step::Id | Step::Arr(_) => true,
                Step::Obj(_, same) => *same && whole[i],
                Step::Json => posts,
                Step::Map(..) | Step::Wrap(..) | Step::Tuple(_) => posts && self.wire.get(i).is_some_and(|&w| w != usize::MAX),
                // a union whose every place the walk took by a branch's conjunction
                // (`fuse`), its branches read as containers (the walk runs no step on a
                // union's member as a whole)
                Step::AnyOf(bs, _) => whole[i] && bs.iter().all(|(_, c)| matches!(self.steps[*c], Step::Id | Step::Obj(..) | Step::Arr(_))),
                _ => false,
            })
            .collect();
        loop {
            let mut changed = false;
            for (i, st) in self.steps.iter().enumerate() {
                if !light[i] {
                    continue;
                }
                let ok = match st {
                    Step::Obj(props, _) => props.iter().all(|&(_, _, _, c)| light[c]),
                    Step::AnyOf(bs, _) => bs.iter().all(|&(_, c)| light[c]),
                    Step::Arr(c) => light[*c],
                    Step::Map(..) | Step::Wrap(..) | Step::Tuple(_) => light[self.wire[i]],
                    _ => true,
                };
                if !ok {
                    light[i] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        light[self.root]
    }

    /// Step `s` run on a value the walk built (`Fused::posts`): `v` (a reference the
    /// walk holds) -> a new reference; None where the decode refuses it.
    pub unsafe fn post(&self, s: u32, v: *mut ffi::PyObject) -> Option<*mut ffi::PyObject> {
        let py = Python::assume_attached();
        match self.run(py, s as usize - 1, v, 0, false, true) {
            Ok(x) => Some(x),
            Err(Fail) => {
                if !ffi::PyErr_Occurred().is_null() {
                    let _ = PyErr::take(py);
                }
                None
            }
        }
    }

    /// Whether step `s` (+1, as `Fused::posts` names it) parses JSON text (`Direct::json_text`
    /// reads it from the output's bytes, with no `str` between).
    pub fn json_post(&self, s: u32) -> bool {
        matches!(self.steps.get((s as usize).wrapping_sub(1)), Some(Step::Json))
    }

    /// Whether step `s` (+1, as `Fused::posts` names it) makes one object of map entries
    /// whose values are decoded already, and if so whether a repeated key keeps the last
    /// value (`Direct::entries` builds that object as it walks the entries).
    pub fn map_post(&self, s: u32) -> Option<bool> {
        match self.steps.get((s as usize).wrapping_sub(1)) {
            Some(Step::Map(c, last_wins)) if matches!(self.steps[*c], Step::Id) => Some(*last_wins),
            _ => None,
        }
    }

    /// A fresh dict decoded in place: members whose null means absent go, the others are
    /// decoded where their step is not the identity. The walk built it with the wire keys
    /// (interned, the original names) in the schema's order and no other key (`tidy`), so
    /// the result is what a new dict would be. Fail (the caller starts again from the text)
    /// when the dict holds a key the step does not know.
    unsafe fn obj_in_place(&self, py: Python<'_>, props: &[(Py<PyString>, Py<PyString>, u8, usize)], v: *mut ffi::PyObject, depth: u32, valid: bool) -> Result<(), Fail> {
        let mut kept: ffi::Py_ssize_t = 0;
        for (wire, _, mode, child) in props {
            let k = wire.as_ptr();
            let x = ffi::PyDict_GetItemWithError(v, k);
            if x.is_null() {
                if !ffi::PyErr_Occurred().is_null() {
                    return Err(Fail);
                }
                continue;
            }
            if x == ffi::Py_None() && *mode != 0 {
                if *mode == 1 {
                    if ffi::PyDict_DelItem(v, k) != 0 {
                        return Err(Fail);
                    }
                } else {
                    kept += 1;
                }
                continue;
            }
            kept += 1;
            if let Step::Id = self.steps[*child] {
                continue;
            }
            let d = self.run(py, *child, x, depth + 1, true, valid)?;
            if d == x {
                ffi::Py_XDECREF(d);
            } else {
                // a value replaced under the same key keeps the dict's order
                ffi::PyDict_SetItem(v, k, d);
                ffi::Py_XDECREF(d);
            }
        }
        if ffi::PyDict_Size(v) != kept {
            return Err(Fail);
        }
        Ok(())
    }

    /// `v` (borrowed) decoded by step `s` -> a new reference.
    unsafe fn run(&self, py: Python<'_>, s: usize, v: *mut ffi::PyObject, depth: u32, fresh: bool, valid: bool) -> Result<*mut ffi::PyObject, Fail> {
        if depth > 1000 {
            return Err(Fail);
        }
        let own = |o: *mut ffi::PyObject| {
            ffi::Py_XINCREF(o);
            o
        };
        match &self.steps[s] {
            Step::Id => Ok(own(v)),
            Step::Obj(props, same) => {
                if ffi::PyDict_Check(v) == 0 {
                    return Ok(own(v));
                }
                // a fresh dict nobody else holds: changed in place (its keys already are the
                // original names, in the original order)
                if fresh && *same && ffi::Py_REFCNT(v) == 1 {
                    self.obj_in_place(py, props, v, depth, valid)?;
                    return Ok(own(v));
                }
                let out = ffi::PyDict_New();
                for (wire, name, mode, child) in props {
                    let x = ffi::PyDict_GetItemWithError(v, wire.as_ptr());
                    if x.is_null() {
                        if !ffi::PyErr_Occurred().is_null() {
                            ffi::Py_XDECREF(out);
                            return Err(Fail);
                        }
                        continue;
                    }
                    let d = if x == ffi::Py_None() && *mode == 1 {
                        continue;
                    } else if x == ffi::Py_None() && *mode == 2 {
                        own(x)
                    } else {
                        match self.run(py, *child, x, depth + 1, fresh, valid) {
                            Ok(d) => d,
                            Err(f) => {
                                ffi::Py_XDECREF(out);
                                return Err(f);
                            }
                        }
                    };
                    ffi::PyDict_SetItem(out, name.as_ptr(), d);
                    ffi::Py_XDECREF(d);
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
                if fresh && ffi::Py_REFCNT(v) == 1 {
                    for i in 0..n {
                        let x = ffi::PyList_GET_ITEM(v, i);
                        match self.run(py, *child, x, depth + 1, true, valid) {
                            Ok(d) if d == x => ffi::Py_XDECREF(d),
                            Ok(d) => {
                                ffi::PyList_SetItem(v, i, d);
                            }
                            Err(f) => return Err(f),
                        }
                    }
                    return Ok(own(v));
                }
                let out = ffi::PyList_New(n);
                for i in 0..n {
                    match self.run(py, *child, ffi::PyList_GetItem(v, i), depth + 1, fresh, valid) {
                        Ok(d) => ffi::PyList_SET_ITEM(out, i, d),
                        Err(f) => {
                            // the slots not yet set are NULL, which the list's dealloc skips
                            ffi::Py_XDECREF(out);
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
                        ffi::Py_XDECREF(out);
                        return Err(Fail);
                    }
                    match self.run(py, *child, x, depth + 1, fresh, valid) {
                        Ok(d) => {
                            ffi::PyDict_SetItem(out, k, d);
                            ffi::Py_XDECREF(d);
                        }
                        Err(f) => {
                            ffi::Py_XDECREF(out);
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
                    let d = if x.is_null() { Err(Fail) } else { self.run(py, *child, x, depth + 1, fresh, valid) };
                    match d {
                        Ok(d) => ffi::PyList_SET_ITEM(out, i as ffi::Py_ssize_t, d),
                        Err(f) => {
                            ffi::Py_XDECREF(out);
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
                self.run(py, *child, x, depth + 1, fresh, valid)
            }
            Step::AnyOf(branches, _) => {
                // the branches the value may meet, in order (a Python check always may)
                let may = |check: &Check| match check {
                    Check::Node(p, node) => p.get().may_be(v, *node),
                    Check::Call(_) => true,
                };
                // worked out once per branch (past 64 branches: each may)
                let mut ruled_out = 0u64;
                let (mut count, mut last) = (0, 0);
                for (i, (check, child)) in branches.iter().enumerate() {
                    if i < 64 && !may(check) {
                        ruled_out |= 1u64 << i;
                    } else {
                        count += 1;
                        last = *child;
                    }
                }
                if valid && count == 1 {
                    // known to meet one branch, and one is left: that one, unjudged (in place
                    // where the value is fresh: no other branch will read it)
                    return self.run(py, last, v, depth + 1, fresh, valid);
                }
                for (i, (check, child)) in branches.iter().enumerate() {
                    if i < 64 && ruled_out & (1u64 << i) != 0 {
                        continue;
                    }
                    let hit = match check {
                        Check::Node(p, node) => match p.get().verdict_of(py, &Bound::from_borrowed_ptr(py, v), Some(*node)) {
                            Ok(b) => b as i32,
                            Err(_) => return Err(Fail),
                        },
                        Check::Call(f) => {
                            let r = ffi::PyObject_CallOneArg(f.as_ptr(), v);
                            if r.is_null() {
                                return Err(Fail);
                            }
                            let hit = ffi::PyObject_IsTrue(r);
                            ffi::Py_XDECREF(r);
                            hit
                        }
                    };
                    match hit {
                        1 => {}
                        0 => continue,
                        _ => return Err(Fail),
                    }
                    // not in place: a branch that fails to decode leaves the value for the next
                    match self.run(py, *child, v, depth + 1, false, valid) {
                        Ok(d) => return Ok(d),
                        Err(_) => {
                            if !ffi::PyErr_Occurred().is_null() {
                                let _ = PyErr::take(py);
                            }
                        }
                    }
                }
                Err(Fail)
            }
            Step::Json => {
                if ffi::PyUnicode_Check(v) == 0 {
                    return Ok(own(v));
                }
                let mut size: ffi::Py_ssize_t = 0;
                let p = ffi::PyUnicode_AsUTF8AndSize(v, &mut size);
                if p.is_null() {
                    return Err(Fail);
                }
                let src = std::slice::from_raw_parts(p as *const u8, size as usize);
                if let Some(x) = crate::direct::loads(src) {
                    return Ok(x);
                }
                let mut d = crate::parse::Doc::new(src);
                if crate::parse::parse(&mut d).is_err() {
                    return Err(Fail); // the codec's decode says what is wrong
                }
                let empty = crate::program::FxMap::default();
                Ok(crate::build(&d, 0, &[], &empty, None))
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
