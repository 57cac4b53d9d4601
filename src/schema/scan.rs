//! Splitting a JSON object into its members' text without decoding it, for the lazy
//! reading ([`super::read_lazily`]). Not a validator: every value it hands out is decoded
//! by serde_json afterwards, which checks it; the punctuation between the values is
//! checked here. serde_json's own way to skip a value (`RawValue`) also checks numbers and
//! escapes on the way, which made skimming the named schemas a sixth of the normalizer's
//! time.

/// The members of the JSON object that `text` starts with (after optional whitespace):
/// each key's JSON text (with its quotes) and its value's text; and the position after
/// the closing brace. `None` where the object's punctuation is not as JSON has it.
pub(crate) fn object_members(text: &str) -> Option<(Vec<(&str, &str)>, usize)> {
    let bytes = text.as_bytes();
    let open = skip_ws(bytes, 0);
    if *bytes.get(open)? != b'{' {
        return None;
    }
    let first = skip_ws(bytes, open + 1);
    if *bytes.get(first)? == b'}' {
        return Some((Vec::new(), first + 1));
    }
    let mut members = Vec::new();
    let Some(split) = split_point(bytes, first) else {
        let end = walk_members(text, first, None, collect(&mut members))?;
        return Some((members, end.closed()));
    };
    // Large and pretty-printed (the `$defs` of a big document): the second half is scanned
    // on another thread from a guessed member boundary. The guess is only used when the
    // scan of the first half arrives exactly there; otherwise that scan simply goes on.
    std::thread::scope(|s| {
        // Without the thread (none could be started) this one reads it all.
        let second = std::thread::Builder::new()
            .spawn_scoped(s, || {
                let mut rest = Vec::new();
                let end = walk_members(text, split, None, collect(&mut rest));
                (rest, end)
            })
            .ok();
        let stop = second.is_some().then_some(split);
        match walk_members(text, first, stop, collect(&mut members))? {
            MembersEnd::Closed(end) => Some((members, end)),
            MembersEnd::AtStop => {
                let (rest, end) = second
                    .expect("a stop only with the second thread")
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                members.extend(rest);
                Some((members, end?.closed()))
            }
        }
    })
}

/// A member callback of [`walk_members`] that collects each key and value text.
fn collect<'a, 'v>(
    out: &'v mut Vec<(&'a str, &'a str)>,
) -> impl FnMut(&'a str, &'a str) -> Option<usize> + 'v {
    |key, value_text| {
        let end = value_end(value_text.as_bytes(), 0)?;
        out.push((key, &value_text[..end]));
        Some(end)
    }
}

/// Objects smaller than this are scanned on one thread.
const SPLIT_MIN_LEN: usize = 1 << 20;

/// A likely member boundary near the middle of the object whose first member starts at
/// `first`: a key at the first member's indentation, right after a comma and a line break
/// (`},\n    "Name": {`). `None` for small or one-line objects.
fn split_point(bytes: &[u8], first: usize) -> Option<usize> {
    if bytes.len() < SPLIT_MIN_LEN || bytes.get(first) != Some(&b'"') {
        return None;
    }
    let line_start = bytes[..first].iter().rposition(|&b| b == b'\n')? + 1;
    let indent = &bytes[line_start..first];
    if !indent.iter().all(|&b| b == b' ' || b == b'\t') {
        return None;
    }
    let mut pattern = b",\n".to_vec();
    pattern.extend_from_slice(indent);
    pattern.push(b'"');
    let from = bytes.len() / 2;
    let at = memchr::memmem::find(&bytes[from..], &pattern)?;
    // The key must be at exactly that indentation, not deeper.
    Some(from + at + pattern.len() - 1)
}

enum MembersEnd {
    /// The position after the closing brace.
    Closed(usize),
    /// The next member starts at the stop position.
    AtStop,
}

impl MembersEnd {
    fn closed(self) -> usize {
        match self {
            MembersEnd::Closed(end) => end,
            MembersEnd::AtStop => unreachable!("only a walk given a stop ends at it"),
        }
    }
}

/// The members from `pos` (a key) on, as [`for_each_member`] walks them; stops before a
/// member that starts at `stop`.
fn walk_members<'a>(
    text: &'a str,
    mut pos: usize,
    stop: Option<usize>,
    mut member: impl FnMut(&'a str, &'a str) -> Option<usize>,
) -> Option<MembersEnd> {
    let bytes = text.as_bytes();
    loop {
        if Some(pos) == stop {
            return Some(MembersEnd::AtStop);
        }
        if *bytes.get(pos)? != b'"' {
            return None;
        }
        let key_end = string_end(bytes, pos)?;
        let key = &text[pos..key_end];
        pos = skip_ws(bytes, key_end);
        if *bytes.get(pos)? != b':' {
            return None;
        }
        let value_start = skip_ws(bytes, pos + 1);
        let value_end = value_start + member(key, &text[value_start..])?;
        pos = skip_ws(bytes, value_end);
        match *bytes.get(pos)? {
            b',' => pos = skip_ws(bytes, pos + 1),
            b'}' => return Some(MembersEnd::Closed(pos + 1)),
            _ => return None,
        }
    }
}

/// Walks the members of the JSON object that `text` starts with (after optional
/// whitespace): `member` gets each key's JSON text (with its quotes) and the text from the
/// start of its value to the end of `text`, and says where the value ends (or `None` to
/// stop). The position after the closing brace; `None` where the object's punctuation is
/// not as JSON has it.
pub(crate) fn for_each_member<'a>(
    text: &'a str,
    member: impl FnMut(&'a str, &'a str) -> Option<usize>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if *bytes.get(pos)? != b'{' {
        return None;
    }
    pos = skip_ws(bytes, pos + 1);
    if *bytes.get(pos)? == b'}' {
        return Some(pos + 1);
    }
    Some(walk_members(text, pos, None, member)?.closed())
}

/// The length of the value that `text` starts with (see [`for_each_member`]).
pub(crate) fn value_len(text: &str) -> Option<usize> {
    value_end(text.as_bytes(), 0)
}

/// The text of a key (with its quotes), when it is written without escapes or control
/// characters: then it is the key itself.
pub(crate) fn plain_key(key: &str) -> Option<&str> {
    let inner = key.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.bytes().any(|b| b == b'\\' || b < 0x20)).then_some(inner)
}

pub(crate) fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// From the opening quote of a string, the position after its closing quote.
fn string_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    pos += 1;
    loop {
        pos = next_quote_or_backslash(bytes, pos)?;
        if bytes[pos] == b'"' {
            return Some(pos + 1);
        }
        pos += 2;
    }
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of each byte of `word` equal to `byte`. Bytes above a match may be set too
/// (a borrow), so only the lowest set bit is exact: the only one the scanner uses.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The eight bytes at `pos`, the first in the lowest byte.
fn word_at(bytes: &[u8], pos: usize) -> Option<u64> {
    let chunk = bytes.get(pos..pos + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("8 bytes")))
}

/// From `pos`, the position of the next `"` or `\`. Eight bytes at a time: most strings
/// of a schema are short keys, for which a call to memchr cost more than the search.
fn next_quote_or_backslash(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(word) = word_at(bytes, pos) {
        let found = bytes_equal(word, b'"') | bytes_equal(word, b'\\');
        if found != 0 {
            return Some(pos + (found.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    let rest = bytes.get(pos..)?;
    rest.iter()
        .position(|b| matches!(b, b'"' | b'\\'))
        .map(|i| pos + i)
}

/// From `pos`, the position of the next quote or bracket. Eight bytes at a time ("SWAR":
/// bit tricks on a `u64`): a byte-at-a-time scan was most of the scanner's time, over
/// pretty-printed documents that are about 40% indentation.
fn next_structural(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(word) = word_at(bytes, pos) {
        // Setting bit 5 turns `[` into `{` and `]` into `}`, and no other byte into either.
        let folded = word | (ONES * 0x20);
        let found = bytes_equal(word, b'"') | bytes_equal(folded, b'{') | bytes_equal(folded, b'}');
        if found != 0 {
            return Some(pos + (found.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    let rest = bytes.get(pos..)?;
    rest.iter()
        .position(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'))
        .map(|i| pos + i)
}

/// From the start of a value, the position after it (an object or array ends at the
/// bracket that closes it; a number or literal at the next delimiter).
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut pos = start;
            loop {
                pos = next_structural(bytes, pos)?;
                match bytes[pos] {
                    b'"' => pos = string_end(bytes, pos)?,
                    b'{' | b'[' => {
                        depth += 1;
                        pos += 1;
                    }
                    _ => {
                        depth -= 1;
                        pos += 1;
                        if depth == 0 {
                            return Some(pos);
                        }
                    }
                }
            }
        }
        _ => {
            let rest = &bytes[start..];
            let len = rest
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            Some(start + len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_members() {
        let text = r#" { "a" : {"x": [1, "}", {"y": "\"]"}]}, "b\n": 2.5e3 , "c":"s\\"} "#;
        let (members, end) = object_members(text).unwrap();
        assert_eq!(
            members,
            [
                (r#""a""#, r#"{"x": [1, "}", {"y": "\"]"}]}"#),
                (r#""b\n""#, "2.5e3"),
                (r#""c""#, r#""s\\""#)
            ]
        );
        assert_eq!(&text[end..], " ");
        assert_eq!(object_members("{}").unwrap(), (vec![], 2));
        assert_eq!(plain_key(r#""a""#), Some("a"));
        assert_eq!(plain_key(r#""b\n""#), None);
    }

    #[test]
    fn finds_each_structural_byte_at_every_offset() {
        // Every position within and across the eight-byte words, and every byte value
        // around it (only quotes and brackets stop the scan).
        for len in 0..20 {
            for at in 0..len {
                for stop in [b'"', b'{', b'}', b'[', b']'] {
                    let mut text = vec![b' '; len];
                    text[at] = stop;
                    assert_eq!(next_structural(&text, 0), Some(at), "{len} {at} {stop}");
                }
                for other in (0..=255u8).filter(|b| !b"\"{}[]".contains(b)) {
                    let mut text = vec![other; len];
                    text[at] = b']';
                    assert_eq!(next_structural(&text, 0), Some(at), "{len} {at} {other}");
                }
            }
            assert_eq!(next_structural(&vec![b'a'; len], 0), None);
        }
    }

    #[test]
    fn finds_the_end_of_strings_at_every_offset() {
        for len in 0..20 {
            for at in 0..len {
                let mut text = vec![b'x'; len + 2];
                text[0] = b'"';
                text[at + 1] = b'"';
                assert_eq!(string_end(&text, 0), Some(at + 2), "{len} {at}");
                if at + 3 < len {
                    // An escaped quote does not end it.
                    text[at + 1] = b'\\';
                    text[at + 2] = b'"';
                    text[at + 3] = b'"';
                    assert_eq!(string_end(&text, 0), Some(at + 4), "{len} {at}");
                }
            }
        }
        assert_eq!(string_end(b"\"abc", 0), None);
        assert_eq!(string_end(b"\"ab\\", 0), None);
    }

    /// The members as the one-thread walk reads them.
    fn members_one_by_one(text: &str) -> Option<(Vec<(&str, &str)>, usize)> {
        let mut members = Vec::new();
        let end = for_each_member(text, |key, value_text| {
            let end = value_end(value_text.as_bytes(), 0)?;
            members.push((key, &value_text[..end]));
            Some(end)
        })?;
        Some((members, end))
    }

    /// A pretty-printed object of `n` members (over the size split in two halves), each
    /// member's value made by `value`.
    fn big_object(n: usize, value: impl Fn(usize) -> String) -> String {
        let members: Vec<String> = (0..n)
            .map(|i| format!("    \"M{i}\": {}", value(i)))
            .collect();
        format!("{{\n{}\n}}", members.join(",\n"))
    }

    #[test]
    fn large_objects_split_in_two_read_as_one_by_one() {
        let nested = |i: usize| {
            format!(
                "{{\n        \"type\": \"object\",\n        \"description\": \"{}\",\n        \
                 \"properties\": {{\"a\": [1, {{\"b\": \"}}\"}}]}}\n    }}",
                "x".repeat(i % 97)
            )
        };
        let pretty = big_object(12_000, nested);
        assert!(pretty.len() > SPLIT_MIN_LEN);
        assert!(split_point(pretty.as_bytes(), skip_ws(pretty.as_bytes(), 1)).is_some());
        // Followed by more of the document, as `$defs` is.
        for text in [pretty.clone(), format!("{pretty},\n  \"events\": []\n}}")] {
            let (members, end) = object_members(&text).unwrap();
            assert_eq!((members.clone(), end), members_one_by_one(&text).unwrap());
            assert_eq!(members.len(), 12_000);
        }
        // A guessed boundary inside a member (a nested object written at the outer
        // indentation): the first half's scan passes it by and reads on by itself.
        let odd = big_object(2_000, |i| {
            if i == 1_000 {
                // Long enough that the middle of the text falls inside it, before `y`.
                format!(
                    "{{\n    \"x\": \"{}\",\n    \"y\": 2}}",
                    "p".repeat(3 << 20)
                )
            } else {
                format!("{i}")
            }
        });
        let inner = odd.find("\"y\": 2").unwrap();
        let first = skip_ws(odd.as_bytes(), 1);
        assert_eq!(split_point(odd.as_bytes(), first), Some(inner));
        assert_eq!(object_members(&odd), members_one_by_one(&odd));
        // A missing comma between members in either half is refused as one by one
        // refuses it.
        for at in [pretty.len() / 4, pretty.len() * 3 / 4] {
            let comma = at + pretty[at..].find(",\n    \"M").unwrap();
            let broken = format!("{}{}", &pretty[..comma], &pretty[comma + 1..]);
            assert_eq!(object_members(&broken), None);
            assert_eq!(members_one_by_one(&broken), None);
        }
    }

    #[test]
    fn refuses_bad_punctuation() {
        for text in [
            "",
            "[]",
            "{",
            r#"{"a"}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1 "b": 2}"#,
            r#"{"a": 1,}"#,
            r#"{a: 1}"#,
            r#"{"a": {"b": 1}"#,
            r#"{"a": "x"#,
        ] {
            assert!(object_members(text).is_none(), "{text:?}");
        }
    }
}
