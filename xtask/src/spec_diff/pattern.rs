//! Ordering two regular-expression patterns: does the new one accept more, fewer, or other
//! strings than the old?
//!
//! Two arbitrary regular expressions cannot be ordered cheaply, but the changes real documents
//! make are few: quantifier bounds widened or narrowed (`{8,50}` -> `{8,64}`), a character
//! class widened (`\d` -> `[0-9-]`), an alternative added. Patterns are parsed into a small
//! structure (alternatives of pieces, each a character set or a group with a repetition range)
//! and compared piece by piece; anything outside that subset, or two patterns of different
//! shape, is [`Order::Unknown`].

use std::cmp::Ordering;

/// How the set of strings a new pattern accepts relates to the old one's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// The same strings.
    Same,
    /// Every old string and more.
    Looser,
    /// Only old strings, and not all of them.
    Stricter,
    /// Neither could be shown.
    Unknown,
}

impl Order {
    fn and(self, other: Order) -> Order {
        match (self, other) {
            (Order::Same, o) | (o, Order::Same) => o,
            (a, b) if a == b => a,
            _ => Order::Unknown,
        }
    }

    fn reversed(self) -> Order {
        match self {
            Order::Looser => Order::Stricter,
            Order::Stricter => Order::Looser,
            o => o,
        }
    }
}

/// Compares two patterns.
pub fn compare(old: &str, new: &str) -> Order {
    if old == new {
        return Order::Same;
    }
    match (Pattern::parse(old), Pattern::parse(new)) {
        (Some(o), Some(n)) if o.start == n.start && o.end == n.end => alternatives(&o.alternatives, &n.alternatives),
        _ => Order::Unknown,
    }
}

/// The lengths of the strings an anchored pattern accepts (`^...$`): (minimum, maximum), the
/// maximum `None` when unbounded. `None` when the pattern is not anchored at both ends or is
/// outside the parsed subset.
pub fn implied_length(pattern: &str) -> Option<(u64, Option<u64>)> {
    let p = Pattern::parse(pattern)?;
    (p.start && p.end).then(|| lengths(&p.alternatives))
}

type Sequence = Vec<Piece>;

#[derive(Clone, Debug, PartialEq)]
struct Pattern {
    start: bool,
    end: bool,
    alternatives: Vec<Sequence>,
}

#[derive(Clone, Debug, PartialEq)]
struct Piece {
    atom: Atom,
    min: u64,
    max: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
enum Atom {
    /// Characters as sorted, merged inclusive ranges.
    Set(Vec<(char, char)>),
    /// Something compared only for equality (a negated class, `\b`, a back-reference).
    Opaque(String),
    Group(Vec<Sequence>),
}

impl Pattern {
    fn parse(text: &str) -> Option<Pattern> {
        let mut chars: Vec<char> = text.chars().collect();
        let start = chars.first() == Some(&'^');
        if start {
            chars.remove(0);
        }
        let end = chars.last() == Some(&'$') && !(chars.len() >= 2 && chars[chars.len() - 2] == '\\');
        if end {
            chars.pop();
        }
        let mut parser = Parser { chars: &chars, at: 0 };
        let alternatives = parser.alternatives()?;
        // `^a|b$` anchors only its first and last alternative: outside the subset.
        let partly_anchored = alternatives.len() > 1 && (start || end);
        (parser.at == chars.len() && !partly_anchored).then_some(Pattern { start, end, alternatives })
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn alternatives(&mut self) -> Option<Vec<Sequence>> {
        let mut out = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            out.push(self.sequence()?);
        }
        Some(out)
    }

    fn sequence(&mut self) -> Option<Sequence> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier()?;
            pieces.push(Piece { atom, min, max });
        }
        Some(pieces)
    }

    fn atom(&mut self) -> Option<Atom> {
        match self.next()? {
            '(' => {
                if self.peek() == Some('?') {
                    // Only non-capturing groups; look-arounds and named groups are outside the subset.
                    if self.chars.get(self.at + 1) != Some(&':') {
                        return None;
                    }
                    self.at += 2;
                }
                let inner = self.alternatives()?;
                (self.next()? == ')').then_some(Atom::Group(inner))
            }
            '[' => self.class(),
            '\\' => self.escape(),
            '.' => Some(Atom::Opaque(".".into())),
            '^' | '$' | '*' | '+' | '?' | '{' | ')' => None,
            c => Some(Atom::Set(vec![(c, c)])),
        }
    }

    fn escape(&mut self) -> Option<Atom> {
        let c = self.next()?;
        Some(match class_escape(c) {
            Some(ranges) => Atom::Set(ranges),
            None if c.is_ascii_alphanumeric() => Atom::Opaque(format!("\\{c}")),
            None => Atom::Set(vec![(c, c)]),
        })
    }

    fn class(&mut self) -> Option<Atom> {
        let open = self.at;
        if self.peek() == Some('^') {
            // A negated class: kept whole, compared for equality.
            while self.next()? != ']' {}
            return Some(Atom::Opaque(self.chars[open..self.at].iter().collect()));
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let e = self.next()?;
                if let Some(set) = class_escape(e) {
                    ranges.extend(set);
                    continue;
                }
                e
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let mut high = self.next()?;
                if high == '\\' {
                    high = self.next()?;
                }
                if high < low {
                    return None;
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Some(Atom::Set(normalise(ranges)))
    }

    fn quantifier(&mut self) -> Option<(u64, Option<u64>)> {
        let bounds = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|&c| c == '}')? + self.at;
                let inner: String = self.chars[self.at + 1..close].iter().collect();
                let bounds = match inner.split_once(',') {
                    None => {
                        let n = inner.trim().parse().ok()?;
                        (n, Some(n))
                    }
                    Some((lo, hi)) => {
                        let lo = if lo.trim().is_empty() { 0 } else { lo.trim().parse().ok()? };
                        let hi = if hi.trim().is_empty() { None } else { Some(hi.trim().parse().ok()?) };
                        (lo, hi)
                    }
                };
                self.at = close;
                bounds
            }
            _ => return Some((1, Some(1))),
        };
        self.at += 1;
        if matches!(self.peek(), Some('?' | '+')) {
            // Lazy and possessive forms accept the same strings when the pattern is anchored.
            self.at += 1;
        }
        Some(bounds)
    }
}

fn class_escape(c: char) -> Option<Vec<(char, char)>> {
    Some(match c {
        'd' => vec![('0', '9')],
        'w' => normalise(vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
        's' => normalise(vec![('\t', '\r'), (' ', ' ')]),
        _ => return None,
    })
}

fn normalise(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort();
    let mut out: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if (lo as u32) <= (last.1 as u32).saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn set_contains(outer: &[(char, char)], inner: &[(char, char)]) -> bool {
    inner.iter().all(|&(lo, hi)| outer.iter().any(|&(a, b)| a <= lo && hi <= b))
}

fn atoms(old: &Atom, new: &Atom) -> Order {
    match (old, new) {
        (Atom::Set(o), Atom::Set(n)) => match (set_contains(n, o), set_contains(o, n)) {
            (true, true) => Order::Same,
            (true, false) => Order::Looser,
            (false, true) => Order::Stricter,
            (false, false) => Order::Unknown,
        },
        (Atom::Group(o), Atom::Group(n)) => alternatives(o, n),
        (a, b) if a == b => Order::Same,
        _ => Order::Unknown,
    }
}

fn ranges(old: &Piece, new: &Piece) -> Order {
    let max = |m: Option<u64>| m.unwrap_or(u64::MAX);
    let lower = new.min.cmp(&old.min);
    let upper = max(new.max).cmp(&max(old.max));
    match (lower, upper) {
        (Ordering::Equal, Ordering::Equal) => Order::Same,
        (Ordering::Less | Ordering::Equal, Ordering::Greater | Ordering::Equal) => Order::Looser,
        (Ordering::Greater | Ordering::Equal, Ordering::Less | Ordering::Equal) => Order::Stricter,
        _ => Order::Unknown,
    }
}

fn sequences(old: &Sequence, new: &Sequence) -> Order {
    if old.len() != new.len() {
        return Order::Unknown;
    }
    old.iter().zip(new).fold(Order::Same, |acc, (o, n)| acc.and(atoms(&o.atom, &n.atom)).and(ranges(o, n)))
}

/// Every old alternative is covered by a new one that is the same or looser: looser (or the
/// same, when the covering is exact both ways); and the mirror image for stricter.
fn alternatives(old: &[Sequence], new: &[Sequence]) -> Order {
    if old.len() == 1 && new.len() == 1 {
        return sequences(&old[0], &new[0]);
    }
    let covered = |from: &[Sequence], by: &[Sequence], wanted: Order| {
        from.iter().all(|f| {
            by.iter().any(|b| {
                let o = if wanted == Order::Looser { sequences(f, b) } else { sequences(b, f).reversed() };
                o == Order::Same || o == wanted
            })
        })
    };
    let looser = covered(old, new, Order::Looser);
    let stricter = covered(new, old, Order::Stricter);
    match (looser, stricter) {
        (true, true) => Order::Same,
        (true, false) => Order::Looser,
        (false, true) => Order::Stricter,
        (false, false) => Order::Unknown,
    }
}

fn lengths(alternatives: &[Sequence]) -> (u64, Option<u64>) {
    let each = alternatives.iter().map(|seq| {
        seq.iter().fold((0u64, Some(0u64)), |(lo, hi), piece| {
            let (atom_lo, atom_hi) = match &piece.atom {
                Atom::Set(_) => (1, Some(1)),
                Atom::Opaque(text) if text == "\\b" || text == "\\B" => (0, Some(0)),
                Atom::Opaque(_) => (1, Some(1)),
                Atom::Group(inner) => lengths(inner),
            };
            let hi = match (hi, atom_hi, piece.max) {
                (Some(h), Some(a), Some(m)) => a.checked_mul(m).and_then(|am| h.checked_add(am)),
                (Some(h), Some(0), None) => Some(h),
                _ => None,
            };
            (lo.saturating_add(atom_lo.saturating_mul(piece.min)), hi)
        })
    });
    each.fold((u64::MAX, Some(0)), |(lo, hi), (l, h)| {
        (
            lo.min(l),
            match (hi, h) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widened_and_narrowed_quantifiers() {
        assert_eq!(compare("^[a-zA-Z0-9-]{8,50}$", "^[a-zA-Z0-9-]{8,64}$"), Order::Looser);
        assert_eq!(compare("^[0-9]{4,6}$", "^[0-9]{4,10}$"), Order::Looser);
        assert_eq!(compare("^[a-zA-Z0-9-]{8,50}$", "^[a-zA-Z0-9-]{1,50}$"), Order::Looser);
        assert_eq!(compare("^[a-zA-Z0-9-]{1,50}$", "^[a-zA-Z0-9-]{8,50}$"), Order::Stricter);
        assert_eq!(compare("^a{2,5}$", "^a{3,9}$"), Order::Unknown);
        assert_eq!(compare("^a+$", "^a*$"), Order::Looser);
    }

    #[test]
    fn classes_and_escapes() {
        assert_eq!(compare("^[0-9-]{10,15}$", r"^\d{10,15}$"), Order::Stricter);
        assert_eq!(compare(r"^\d{10,15}$", "^[0-9-]{10,15}$"), Order::Looser);
        assert_eq!(compare("^[a-z]+$", "^[a-z0-9]+$"), Order::Looser);
        assert_eq!(compare("^[a-z]+$", "^[0-9]+$"), Order::Unknown);
        assert_eq!(compare(r"^\w+$", "^[a-zA-Z0-9_]+$"), Order::Same);
    }

    #[test]
    fn alternatives_added_and_removed() {
        assert_eq!(compare("^(?:NOK|DKK)$", "^(?:NOK|DKK|EUR)$"), Order::Looser);
        assert_eq!(compare("^NOK|DKK$", "^NOK$"), Order::Unknown, "anchors bind to the alternatives");
        assert_eq!(compare("^(NOK|DKK|EUR)$", "^(NOK|EUR)$"), Order::Stricter);
    }

    #[test]
    fn other_shapes_are_unknown() {
        assert_eq!(compare("^a$", "a"), Order::Unknown);
        assert_eq!(compare("^(?=x)a$", "^a$"), Order::Unknown);
        assert_eq!(compare("^[a-z]{2}$", "^[a-z]{2}[0-9]$"), Order::Unknown);
        assert_eq!(compare("^(unclosed$", "^x$"), Order::Unknown);
    }

    #[test]
    fn implied_lengths() {
        assert_eq!(implied_length("^[a-zA-Z0-9-]{8,50}$"), Some((8, Some(50))));
        assert_eq!(implied_length(r"^\d{4}-\d{2}$"), Some((7, Some(7))));
        assert_eq!(implied_length("^(ab|c)+$"), Some((1, None)));
        assert_eq!(implied_length("[a-z]{8}"), None, "unanchored patterns imply nothing");
    }
}
