//! The asserted formats: date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid
//! (RFC 3339, ISO 8601 durations as JSON Schema's appendix gives them, RFC 5321 mailboxes,
//! RFC 1123 host names, dotted-quad IPv4 without leading zeros, RFC 4291 IPv6).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    DateTime,
    Time,
    Date,
    Duration,
    Email,
    Hostname,
    Ipv4,
    Ipv6,
    Uuid,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "date-time" => Format::DateTime,
            "time" => Format::Time,
            "date" => Format::Date,
            "duration" => Format::Duration,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "uuid" => Format::Uuid,
            _ => return None,
        })
    }
    pub fn name(&self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Time => "time",
            Format::Date => "date",
            Format::Duration => "duration",
            Format::Email => "email",
            Format::Hostname => "hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uuid => "uuid",
        }
    }
    pub fn check(&self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Format::DateTime => date_time(b),
            Format::Time => time(b),
            Format::Date => date(b),
            Format::Duration => duration(b),
            Format::Email => email(s),
            Format::Hostname => hostname(b),
            Format::Ipv4 => ipv4(b),
            Format::Ipv6 => ipv6(s),
            Format::Uuid => uuid(b),
        }
    }
}

fn digits(b: &[u8], n: usize) -> Option<u32> {
    if b.len() < n {
        return None;
    }
    let mut v = 0;
    for &c in &b[..n] {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 => {
            if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn date(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(b, 4), digits(&b[5..], 2), digits(&b[8..], 2)) else {
        return false;
    };
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

pub fn time(b: &[u8]) -> bool {
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hh), Some(mm), Some(ss)) = (digits(b, 2), digits(&b[3..], 2), digits(&b[6..], 2)) else {
        return false;
    };
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    }
    let rest = &b[i..];
    let utc_minutes: i64;
    if rest == b"Z" || rest == b"z" {
        utc_minutes = (hh * 60 + mm) as i64;
    } else {
        if rest.len() != 6 || (rest[0] != b'+' && rest[0] != b'-') || rest[3] != b':' {
            return false;
        }
        let (Some(oh), Some(om)) = (digits(&rest[1..], 2), digits(&rest[4..], 2)) else {
            return false;
        };
        if oh > 23 || om > 59 {
            return false;
        }
        let sign: i64 = if rest[0] == b'+' { -1 } else { 1 };
        utc_minutes = ((hh * 60 + mm) as i64 + sign * (oh * 60 + om) as i64).rem_euclid(24 * 60);
    }
    if hh > 23 || mm > 59 {
        return false;
    }
    if ss == 60 {
        return utc_minutes == 23 * 60 + 59;
    }
    ss <= 59
}

pub fn date_time(b: &[u8]) -> bool {
    b.len() >= 11 && (b[10] == b'T' || b[10] == b't') && date(&b[..10]) && time(&b[11..])
}

pub fn duration(b: &[u8]) -> bool {
    // P(nY)(nM)(nD)(T(nH)(nM)(nS)) with at least one element (and one after T), or PnW
    if b.first() != Some(&b'P') || b.len() < 2 {
        return false;
    }
    let rest = &b[1..];
    if rest.last() == Some(&b'W') {
        return rest.len() > 1 && rest[..rest.len() - 1].iter().all(|c| c.is_ascii_digit());
    }
    let (date_part, time_part) = match rest.iter().position(|&c| c == b'T') {
        Some(p) => (&rest[..p], Some(&rest[p + 1..])),
        None => (rest, None),
    };
    fn units(s: &[u8], order: &[u8]) -> Option<usize> {
        // digits+unit pairs, units in `order`, consecutive (no gaps: JSON Schema's ABNF
        // allows Y, YM, YMD, M, MD, D)
        let mut i = 0;
        let mut last: Option<usize> = None;
        let mut n = 0;
        while i < s.len() {
            let st = i;
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
            if i == st || i >= s.len() {
                return None;
            }
            let u = order.iter().position(|&c| c == s[i])?;
            if let Some(l) = last {
                if u != l + 1 {
                    return None;
                }
            }
            last = Some(u);
            i += 1;
            n += 1;
        }
        Some(n)
    }
    let Some(nd) = units(date_part, b"YMD") else { return false };
    match time_part {
        None => nd > 0,
        Some(t) => matches!(units(t, b"HMS"), Some(k) if k > 0),
    }
}

pub fn uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Byte classes of the hostname and email checks, one table lookup a byte.
const HOST: u8 = 1;
const ATEXT: u8 = 2;
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] = HOST | ATEXT;
        }
        c += 1;
    }
    t[b'-' as usize] = HOST | ATEXT;
    let extra = b"!#$%&'*+/=?^_`{|}~";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] |= ATEXT;
        i += 1;
    }
    t
};

pub fn hostname(b: &[u8]) -> bool {
    if b.is_empty() || b.len() > 253 {
        return false;
    }
    // labels of 1 to 63 letters, digits and hyphens, no hyphen at either end: one pass
    let (mut len, mut prev) = (0usize, b'.');
    for &c in b {
        if c == b'.' {
            if len == 0 || len > 63 || prev == b'-' {
                return false;
            }
            len = 0;
        } else {
            if CLASS[c as usize] & HOST == 0 || (len == 0 && c == b'-') {
                return false;
            }
            len += 1;
        }
        prev = c;
    }
    // the last label: not empty (no trailing dot), not too long, no trailing hyphen
    len != 0 && len <= 63 && prev != b'-'
}

pub fn ipv4(b: &[u8]) -> bool {
    // four decimal parts of 1 to 3 digits, no leading zero, each at most 255
    let mut parts = 0;
    for p in b.split(|&c| c == b'.') {
        parts += 1;
        if parts > 4 || p.is_empty() || p.len() > 3 || !p.iter().all(|c| c.is_ascii_digit()) || (p.len() > 1 && p[0] == b'0') {
            return false;
        }
        if p.iter().fold(0u32, |a, c| a * 10 + (c - b'0') as u32) > 255 {
            return false;
        }
    }
    parts == 4
}

pub fn ipv6(s: &str) -> bool {
    if !s.is_ascii() || s.contains('%') || s.contains('/') {
        return false;
    }
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

pub fn email(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b'"') {
        return email_quoted(s);
    }
    // a dot-atom local part, read up to the first '@' (which it cannot hold): one pass
    let (mut at, mut prev) = (0, b'.');
    while at < b.len() && b[at] != b'@' {
        let c = b[at];
        if (c == b'.' && prev == b'.') || (c != b'.' && CLASS[c as usize] & ATEXT == 0) {
            return false;
        }
        prev = c;
        at += 1;
    }
    if at == 0 || at > 64 || at + 1 >= b.len() || prev == b'.' {
        return false;
    }
    email_domain(&s[at + 1..])
}

/// `email` whose text starts with a quote: a quoted-string local part (printable ASCII,
/// its length in bytes is in characters), split at the last '@'. (No dot-atom starts with a
/// quote, which is not `atext`.)
fn email_quoted(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().rposition(|&c| c == b'@') else { return false };
    let (lb, domain) = (&b[..at], &s[at + 1..]);
    let quoted = lb.len() >= 2 && lb[lb.len() - 1] == b'"' && lb.iter().all(|&c| c.is_ascii() && !c.is_ascii_control());
    quoted && lb.len() <= 64 && !domain.is_empty() && email_domain(domain)
}

/// An address's domain: a hostname, or an IPv4 or IPv6 literal in brackets.
fn email_domain(domain: &str) -> bool {
    if domain.starts_with('[') && domain.ends_with(']') {
        let inner = &domain[1..domain.len() - 1];
        if inner.len() >= 5 && inner.as_bytes()[..5].eq_ignore_ascii_case(b"ipv6:") {
            return ipv6(&inner[5..]);
        }
        return ipv4(inner.as_bytes());
    }
    hostname(domain.as_bytes())
}
