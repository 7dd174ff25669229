//! JSONPath rendering (`$.items[3].sku`, `$['a b']`), as the Python side renders it.

use crate::parse::PathItem;

fn ident(s: &str) -> bool {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_ascii_alphabetic() || f == '_' => c.all(|x| x.is_ascii_alphanumeric() || x == '_'),
        _ => false,
    }
}

pub fn json_path(parts: &[PathItem]) -> String {
    let mut out = String::from("$");
    for p in parts {
        match p {
            PathItem::Index(i) => out.push_str(&format!("[{i}]")),
            PathItem::Key(k) if ident(k) => {
                out.push('.');
                out.push_str(k);
            }
            PathItem::Key(k) => {
                out.push_str("['");
                out.push_str(&k.replace('\\', "\\\\").replace('\'', "\\'"));
                out.push_str("']");
            }
        }
    }
    out
}
