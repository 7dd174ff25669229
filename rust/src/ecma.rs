//! ECMA-262 `pattern`s, run in linear time.
//!
//! A pattern is parsed as ECMA-262 (with the `u` flag when it is valid so, else with the
//! Annex B legacy syntax) and translated exactly into the `regex` crate's syntax: `.`
//! excludes the four ECMA line terminators, `^`/`$` anchor the input, `\d`/`\w`/`\b` are
//! ASCII, `\s` is ECMA white space. Patterns with lookarounds or backreferences run on
//! `fancy-regex` (backtracking, with a step limit: past it the search fails with an error,
//! never a hang). The size of a compiled pattern is bounded when the schema is loaded.

use std::fmt::Write;

pub const MAX_NEST: usize = 128;
/// Patterns whose automaton would have more states than this are refused when the schema
/// is loaded: a search costs up to states x string length.
pub const MAX_STATES: u64 = 20_000;
const SIZE_LIMIT: usize = 8 << 20;
const BACKTRACK_LIMIT: usize = 1_000_000;

pub enum Engine {
    /// a small pattern, determinized when loaded, and its start state (a search starts at
    /// the text's start, so always there)
    Dense(regex_automata::dfa::dense::DFA<Vec<u32>>, regex_automata::util::primitives::StateID),
    Linear(regex::Regex),
    Fancy(fancy_regex::Regex),
}

/// The largest dense DFA built for a pattern (bytes); larger ones run on `regex`.
const DENSE_LIMIT: usize = 64 << 10;

pub struct Pattern {
    pub source: String,
    pub engine: Engine,
}

pub enum SearchError {
    /// the backtracking engine gave up
    Limit,
}

impl Pattern {
    pub fn search(&self, s: &str) -> Result<bool, SearchError> {
        match &self.engine {
            Engine::Dense(d, start) => {
                // the states walked by hand: any match state on the way is a match
                use regex_automata::dfa::Automaton;
                let mut st = *start;
                for &b in s.as_bytes() {
                    st = d.next_state(st, b);
                    if d.is_special_state(st) {
                        if d.is_match_state(st) {
                            return Ok(true);
                        }
                        if d.is_dead_state(st) {
                            return Ok(false);
                        }
                        if d.is_quit_state(st) {
                            return Err(SearchError::Limit);
                        }
                    }
                }
                Ok(d.is_match_state(d.next_eoi_state(st)))
            }
            Engine::Linear(r) => Ok(r.is_match(s)),
            Engine::Fancy(r) => r.is_match(s).map_err(|_| SearchError::Limit),
        }
    }
}

pub fn compile(source: &str) -> Result<Pattern, String> {
    let (text, fancy) = match translate(source, true) {
        Ok(t) => t,
        Err(e_u) => match translate(source, false) {
            Ok(t) => t,
            Err(_) if e_u.starts_with("too large") || e_u.starts_with("nested more than") => {
                return Err(too_big(source, &e_u));
            }
            Err(_) => return Err(format!("invalid ECMA-262 pattern {}: {}", crate::num::quote(source), e_u)),
        },
    };
    let engine = if fancy {
        let r = fancy_regex::RegexBuilder::new(&text)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_size_limit(SIZE_LIMIT)
            .delegate_dfa_size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| too_big(source, &e.to_string()))?;
        Engine::Fancy(r)
    } else if let Some((d, start)) = dense(&text) {
        Engine::Dense(d, start)
    } else {
        let r = regex::RegexBuilder::new(&text)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .nest_limit(4 * MAX_NEST as u32)
            .build()
            .map_err(|e| too_big(source, &e.to_string()))?;
        Engine::Linear(r)
    };
    Ok(Pattern { source: source.to_string(), engine })
}

/// `text` (regex syntax) as a dense DFA when it is small and needs no look-around
/// (`\\b`, line anchors in multi-line mode: the DFA would quit on them), with the state a
/// search from a text's start begins in.
fn dense(text: &str) -> Option<(regex_automata::dfa::dense::DFA<Vec<u32>>, regex_automata::util::primitives::StateID)> {
    use regex_automata::dfa::dense;
    use regex_automata::nfa::thompson;
    let nfa = thompson::Compiler::new()
        .syntax(regex_automata::util::syntax::Config::new().nest_limit(4 * MAX_NEST as u32))
        .configure(thompson::Config::new().nfa_size_limit(Some(DENSE_LIMIT)))
        .build(text)
        .ok()?;
    let looks = nfa.look_set_any();
    if looks.contains_word() || looks.contains_anchor_line() || looks.contains_anchor_crlf() {
        return None;
    }
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .dfa_size_limit(Some(DENSE_LIMIT))
                .determinize_size_limit(Some(4 * DENSE_LIMIT))
                .unicode_word_boundary(false)
                .start_kind(regex_automata::dfa::StartKind::Unanchored),
        )
        .build_from_nfa(&nfa)
        .ok()?;
    // built without quit bytes or word boundaries, it does not fail
    use regex_automata::dfa::Automaton;
    let start = dfa.start_state_forward(&regex_automata::Input::new("")).ok()?;
    Some((dfa, start))
}

fn too_big(source: &str, why: &str) -> String {
    let short: String = source.chars().take(60).collect();
    let more = if source.chars().count() > 60 { "..." } else { "" };
    let why = why.lines().last().unwrap_or("").trim();
    format!(
        "pattern {}{} is too large to run in bounded time ({})",
        crate::num::quote(&short),
        more,
        why
    )
}

/// ECMA-262 source -> (regex-crate source, needs fancy-regex)
pub fn translate(source: &str, unicode: bool) -> Result<(String, bool), String> {
    let chars: Vec<char> = source.chars().collect();
    let groups = count_groups(&chars);
    let named = chars.windows(3).any(|w| w[0] == '(' && w[1] == '?' && w[2] == '<');
    let mut t = Tr { s: chars, i: 0, u: unicode, out: String::new(), fancy: false, depth: 0, groups, named, size: 0, last_factor: None };
    t.disjunction()?;
    if t.i != t.s.len() {
        return Err("unmatched ')'".into());
    }
    Ok((t.out, t.fancy))
}

fn count_groups(s: &[char]) -> usize {
    let mut n = 0;
    let mut i = 0;
    let mut in_class = false;
    while i < s.len() {
        match s[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                if s.get(i + 1) != Some(&'?') || (s.get(i + 2) == Some(&'<') && !matches!(s.get(i + 3), Some('=') | Some('!'))) {
                    n += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

struct Tr {
    s: Vec<char>,
    i: usize,
    u: bool,
    out: String,
    fancy: bool,
    depth: usize,
    groups: usize,
    named: bool,
    /// estimated automaton size (atoms, repetitions multiplied out)
    size: u64,
    last_factor: Option<u64>,
}

const WS: &str = "\\t\\n\\x0B\\x0C\\r \\xA0\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
const NOTHING: &str = "[^\\x{0}-\\x{10FFFF}]";

fn lit(c: char, out: &mut String) {
    if (0xD800..0xE000).contains(&(c as u32)) {
        out.push_str(NOTHING);
    } else if c.is_ascii_alphanumeric() || c == '_' {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

enum ClassItem {
    Range(u32, u32),
    Set(&'static str),
    Raw(String),
}

impl Tr {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn disjunction(&mut self) -> Result<(), String> {
        self.depth += 1;
        // the pattern itself is the first disjunction: MAX_NEST groups may nest inside it
        if self.depth > MAX_NEST + 1 {
            return Err(format!("nested more than {MAX_NEST} groups deep"));
        }
        // the automaton size of a disjunction: its largest alternative (a search runs the
        // alternatives' automata side by side, but repetition multiplies states)
        let start = self.size;
        self.alternative()?;
        let mut widest = self.size - start;
        while self.eat('|') {
            self.out.push('|');
            self.size = start;
            self.alternative()?;
            widest = widest.max(self.size - start);
        }
        self.size = start + widest;
        self.depth -= 1;
        Ok(())
    }

    fn alternative(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.term()?;
        }
        Ok(())
    }

    fn term(&mut self) -> Result<(), String> {
        let c = self.peek().unwrap();
        // assertions
        match c {
            '^' => {
                self.i += 1;
                self.out.push('^');
                return self.no_quantifier();
            }
            '$' => {
                self.i += 1;
                self.out.push('$');
                return self.no_quantifier();
            }
            '\\' if matches!(self.at(1), Some('b') | Some('B')) => {
                self.i += 2;
                self.out.push_str(if self.s[self.i - 1] == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
                return self.no_quantifier();
            }
            '(' if self.at(1) == Some('?') && matches!(self.at(2), Some('=') | Some('!')) => {
                self.i += 3;
                self.fancy = true;
                self.out.push_str(if self.s[self.i - 1] == '=' { "(?=" } else { "(?!" });
                self.disjunction()?;
                if !self.eat(')') {
                    return Err("missing ')'".into());
                }
                self.out.push(')');
                // Annex B: a lookahead may be quantified in legacy patterns
                if !self.u {
                    return self.quantifier_opt();
                }
                return self.no_quantifier();
            }
            '(' if self.at(1) == Some('?') && self.at(2) == Some('<') && matches!(self.at(3), Some('=') | Some('!')) => {
                self.i += 4;
                self.fancy = true;
                self.out.push_str(if self.s[self.i - 1] == '=' { "(?<=" } else { "(?<!" });
                self.disjunction()?;
                if !self.eat(')') {
                    return Err("missing ')'".into());
                }
                self.out.push(')');
                return self.no_quantifier();
            }
            _ => {}
        }
        let before = self.size;
        self.atom()?;
        self.size += 1;
        let atom = self.size - before;
        let q = self.quantifier_opt();
        if let Some(factor) = self.last_factor.take() {
            self.size = before + atom.saturating_mul(factor);
        }
        if self.size > MAX_STATES {
            return Err(format!("too large: about {} automaton states, over {MAX_STATES}", self.size));
        }
        q
    }

    fn no_quantifier(&mut self) -> Result<(), String> {
        match self.peek() {
            Some('*') | Some('+') | Some('?') => Err("nothing to repeat".into()),
            Some('{') if self.u && self.brace_quantifier().is_some() => Err("nothing to repeat".into()),
            _ => Ok(()),
        }
    }

    /// `{n}`, `{n,}`, `{n,m}` at the cursor -> (n, m, length)
    fn brace_quantifier(&self) -> Option<(u64, Option<u64>, usize)> {
        let mut j = self.i + 1;
        let num = |j: &mut usize| -> Option<u64> {
            let st = *j;
            let mut v: u64 = 0;
            while *j < self.s.len() && self.s[*j].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add(self.s[*j] as u64 - '0' as u64);
                *j += 1;
            }
            if *j == st {
                None
            } else {
                Some(v)
            }
        };
        let lo = num(&mut j)?;
        let hi = if self.s.get(j) == Some(&',') {
            j += 1;
            if self.s.get(j) == Some(&'}') {
                None
            } else {
                Some(num(&mut j)?)
            }
        } else {
            Some(lo)
        };
        if self.s.get(j) != Some(&'}') {
            return None;
        }
        Some((lo, hi, j + 1 - self.i))
    }

    fn quantifier_opt(&mut self) -> Result<(), String> {
        let q = match self.peek() {
            Some('*') => {
                self.i += 1;
                "*".to_string()
            }
            Some('+') => {
                self.i += 1;
                "+".to_string()
            }
            Some('?') => {
                self.i += 1;
                "?".to_string()
            }
            Some('{') => match self.brace_quantifier() {
                Some((lo, hi, len)) => {
                    self.i += len;
                    self.last_factor = Some(hi.unwrap_or(lo).max(lo).max(1));
                    if let Some(h) = hi {
                        if h < lo {
                            return Err("numbers out of order in {} quantifier".into());
                        }
                    }
                    quant_text(lo, hi)?
                }
                None => {
                    if self.u {
                        return Err("incomplete quantifier".into());
                    }
                    return Ok(());
                }
            },
            _ => return Ok(()),
        };
        let lazy = self.eat('?');
        // every atom is emitted self-contained, so the quantifier applies to it
        self.out.push_str(&q);
        if lazy {
            self.out.push('?');
        }
        if matches!(self.peek(), Some('*') | Some('+') | Some('?')) {
            return Err("nothing to repeat".into());
        }
        if self.peek() == Some('{') && self.brace_quantifier().is_some() {
            return Err("nothing to repeat".into());
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<(), String> {
        let c = self.peek().unwrap();
        match c {
            '.' => {
                self.i += 1;
                self.out.push_str("[^\\n\\r\\x{2028}\\x{2029}]");
            }
            '(' => {
                self.i += 1;
                if self.eat('?') {
                    if self.eat(':') {
                        self.out.push_str("(?:");
                    } else if self.eat('<') {
                        let mut name = String::new();
                        while let Some(ch) = self.peek() {
                            if ch == '>' {
                                break;
                            }
                            if !(ch.is_alphanumeric() || ch == '_' || ch == '$') {
                                return Err("invalid group name".into());
                            }
                            name.push(ch);
                            self.i += 1;
                        }
                        if !self.eat('>') || name.is_empty() {
                            return Err("invalid group name".into());
                        }
                        let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
                        let _ = write!(self.out, "(?P<{}>", safe);
                    } else {
                        return Err("invalid group".into());
                    }
                } else {
                    self.out.push('(');
                }
                self.disjunction()?;
                if !self.eat(')') {
                    return Err("missing ')'".into());
                }
                self.out.push(')');
            }
            ')' => return Err("unmatched ')'".into()),
            '[' => {
                self.i += 1;
                self.class()?;
            }
            '\\' => {
                self.i += 1;
                self.atom_escape()?;
            }
            '*' | '+' | '?' => return Err("nothing to repeat".into()),
            '{' => {
                if self.u || self.brace_quantifier().is_some() {
                    return Err("nothing to repeat".into());
                }
                self.i += 1;
                lit('{', &mut self.out);
            }
            '}' | ']' => {
                if self.u {
                    return Err(format!("lone '{c}'"));
                }
                self.i += 1;
                lit(c, &mut self.out);
            }
            _ => {
                self.i += 1;
                lit(c, &mut self.out);
            }
        }
        Ok(())
    }

    fn atom_escape(&mut self) -> Result<(), String> {
        let Some(c) = self.peek() else { return Err("\\ at end of pattern".into()) };
        // backreferences
        if c.is_ascii_digit() && c != '0' {
            let st = self.i;
            let mut n: usize = 0;
            while let Some(d) = self.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                n = n.saturating_mul(10).saturating_add(d as usize - '0' as usize);
                self.i += 1;
            }
            if n <= self.groups {
                self.fancy = true;
                let _ = write!(self.out, "(?:\\{n})");
                return Ok(());
            }
            if self.u {
                return Err("invalid backreference".into());
            }
            // Annex B: an octal escape (or an identity escape for 8 and 9)
            self.i = st;
            if c == '8' || c == '9' {
                self.i += 1;
                lit(c, &mut self.out);
                return Ok(());
            }
            let v = self.octal();
            lit(char::from_u32(v).unwrap(), &mut self.out);
            return Ok(());
        }
        if c == 'k' && (self.u || self.named) {
            self.i += 1;
            if !self.eat('<') {
                return Err("invalid named reference".into());
            }
            let mut name = String::new();
            while let Some(ch) = self.peek() {
                self.i += 1;
                if ch == '>' {
                    break;
                }
                name.push(ch);
            }
            self.fancy = true;
            let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
            let _ = write!(self.out, "(?:\\k<{safe}>)");
            return Ok(());
        }
        match self.class_escape(false)? {
            ClassItem::Range(a, b) => {
                if a == b {
                    match char::from_u32(a) {
                        Some(ch) => lit(ch, &mut self.out),
                        None => self.out.push_str(NOTHING),
                    }
                } else {
                    let _ = write!(self.out, "[\\x{{{a:X}}}-\\x{{{b:X}}}]");
                }
            }
            ClassItem::Set(s) => self.out.push_str(s),
            ClassItem::Raw(s) => self.out.push_str(&s),
        }
        Ok(())
    }

    fn octal(&mut self) -> u32 {
        let mut v = 0u32;
        let mut k = 0;
        while let Some(d) = self.peek() {
            if !('0'..='7').contains(&d) || k == 3 || v * 8 + (d as u32 - '0' as u32) > 0o377 {
                break;
            }
            v = v * 8 + (d as u32 - '0' as u32);
            self.i += 1;
            k += 1;
        }
        v
    }

    fn hex(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for k in 0..n {
            let d = self.at(k)?.to_digit(16)?;
            v = v * 16 + d;
        }
        self.i += n;
        Some(v)
    }

    /// An escape after `\` (in or out of a class) -> what it matches.
    fn class_escape(&mut self, in_class: bool) -> Result<ClassItem, String> {
        let c = self.peek().ok_or("\\ at end of pattern")?;
        self.i += 1;
        let one = |v: u32| ClassItem::Range(v, v);
        Ok(match c {
            'd' => ClassItem::Set("[0-9]"),
            'D' => ClassItem::Set("[^0-9]"),
            'w' => ClassItem::Set("[0-9A-Za-z_]"),
            'W' => ClassItem::Set("[^0-9A-Za-z_]"),
            's' => ClassItem::Raw(format!("[{WS}]")),
            'S' => ClassItem::Raw(format!("[^{WS}]")),
            't' => one(9),
            'n' => one(10),
            'v' => one(11),
            'f' => one(12),
            'r' => one(13),
            'b' if in_class => one(8),
            '-' if in_class && self.u => one('-' as u32),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.i += 1;
                    one(l as u32 % 32)
                }
                Some(l) if in_class && !self.u && (l.is_ascii_digit() || l == '_') => {
                    self.i += 1;
                    one(l as u32 % 32)
                }
                _ => {
                    if self.u {
                        return Err("invalid \\c escape".into());
                    }
                    self.i -= 1; // Annex B: the backslash is literal, 'c' is read next
                    one('\\' as u32)
                }
            },
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => one(0),
            '0'..='7' if !self.u => {
                self.i -= 1;
                one(self.octal())
            }
            'x' => match self.hex(2) {
                Some(v) => one(v),
                None if !self.u => one('x' as u32),
                None => return Err("invalid \\x escape".into()),
            },
            'u' => {
                if self.u && self.peek() == Some('{') {
                    let st = self.i;
                    self.i += 1;
                    let mut v: u32 = 0;
                    let mut k = 0;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                        v = v.saturating_mul(16).saturating_add(d);
                        self.i += 1;
                        k += 1;
                    }
                    if k == 0 || !self.eat('}') || v > 0x10FFFF {
                        self.i = st;
                        return Err("invalid \\u{...} escape".into());
                    }
                    one(v)
                } else {
                    match self.hex(4) {
                        Some(hi) => {
                            if (0xD800..0xDC00).contains(&hi) && self.at(0) == Some('\\') && self.at(1) == Some('u') {
                                let save = self.i;
                                self.i += 2;
                                match self.hex(4) {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        one(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    }
                                    _ => {
                                        self.i = save;
                                        one(hi)
                                    }
                                }
                            } else {
                                one(hi)
                            }
                        }
                        None if !self.u => one('u' as u32),
                        None => return Err("invalid \\u escape".into()),
                    }
                }
            }
            'p' | 'P' if self.u => {
                if !self.eat('{') {
                    return Err("invalid property escape".into());
                }
                let mut name = String::new();
                while let Some(ch) = self.peek() {
                    self.i += 1;
                    if ch == '}' {
                        break;
                    }
                    if !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '=') {
                        return Err("invalid property escape".into());
                    }
                    name.push(ch);
                }
                // check the name is known to the regex crate
                let text = format!("\\{c}{{{name}}}");
                if regex::Regex::new(&text).is_err() {
                    return Err(format!("unknown Unicode property {name}"));
                }
                ClassItem::Raw(text)
            }
            _ => {
                if self.u {
                    if "^$\\.*+?()[]{}|/".contains(c) {
                        one(c as u32)
                    } else {
                        return Err(format!("invalid escape \\{c}"));
                    }
                } else if c == 'k' {
                    one('k' as u32)
                } else {
                    one(c as u32)
                }
            }
        })
    }

    fn class(&mut self) -> Result<(), String> {
        let neg = self.eat('^');
        let mut items: Vec<ClassItem> = Vec::new();
        loop {
            let Some(c) = self.peek() else { return Err("missing ']'".into()) };
            if c == ']' {
                self.i += 1;
                break;
            }
            let a = self.class_atom()?;
            if self.peek() == Some('-') && self.at(1).is_some_and(|x| x != ']') {
                self.i += 1;
                let b = self.class_atom()?;
                match (&a, &b) {
                    (ClassItem::Range(x, _), ClassItem::Range(y, _)) => {
                        if x > y {
                            return Err("range out of order in character class".into());
                        }
                        items.push(ClassItem::Range(*x, *y));
                        continue;
                    }
                    _ => {
                        if self.u {
                            return Err("invalid character class range".into());
                        }
                        // Annex B: the '-' is literal
                        items.push(a);
                        items.push(ClassItem::Range('-' as u32, '-' as u32));
                        items.push(b);
                        continue;
                    }
                }
            }
            items.push(a);
        }
        // emit
        let mut body = String::new();
        let mut any = false;
        for it in &items {
            match it {
                ClassItem::Range(a, b) => {
                    // surrogates never occur in JSON Schema strings (lone ones are refused)
                    let ranges: Vec<(u32, u32)> = if *b < 0xD800 || *a > 0xDFFF {
                        vec![(*a, *b)]
                    } else {
                        let mut v = Vec::new();
                        if *a < 0xD800 {
                            v.push((*a, 0xD7FF));
                        }
                        if *b > 0xDFFF {
                            v.push((0xE000, *b));
                        }
                        v
                    };
                    for (x, y) in ranges {
                        any = true;
                        if x == y {
                            let _ = write!(body, "\\x{{{x:X}}}");
                        } else {
                            let _ = write!(body, "\\x{{{x:X}}}-\\x{{{y:X}}}");
                        }
                    }
                }
                ClassItem::Set(s) => {
                    any = true;
                    body.push_str(s)
                }
                ClassItem::Raw(s) => {
                    any = true;
                    body.push_str(s)
                }
            }
        }
        if !any {
            self.out.push_str(if neg { "[\\x{0}-\\x{10FFFF}]" } else { NOTHING });
        } else if neg {
            let _ = write!(self.out, "[^{body}]");
        } else {
            let _ = write!(self.out, "[{body}]");
        }
        Ok(())
    }

    fn class_atom(&mut self) -> Result<ClassItem, String> {
        let c = self.peek().ok_or("missing ']'")?;
        self.i += 1;
        if c == '\\' {
            return self.class_escape(true);
        }
        Ok(ClassItem::Range(c as u32, c as u32))
    }
}

fn quant_text(lo: u64, hi: Option<u64>) -> Result<String, String> {
    const CAP: u64 = u32::MAX as u64;
    match hi {
        Some(h) if h <= CAP => Ok(if h == lo { format!("{{{lo}}}") } else { format!("{{{lo},{h}}}") }),
        None if lo <= CAP => Ok(format!("{{{lo},}}")),
        _ => Err(format!("repeat count over {CAP}")),
    }
}
