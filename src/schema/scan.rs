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
    let mut members = Vec::new();
    let end = for_each_member(text, |key, value_text| {
        let end = value_end(value_text.as_bytes(), 0)?;
        members.push((key, &value_text[..end]));
        Some(end)
    })?;
    Some((members, end))
}

/// Walks the members of the JSON object that `text` starts with (after optional
/// whitespace): `member` gets each key's JSON text (with its quotes) and the text from the
/// start of its value to the end of `text`, and says where the value ends (or `None` to
/// stop). The position after the closing brace; `None` where the object's punctuation is
/// not as JSON has it.
pub(crate) fn for_each_member<'a>(
    text: &'a str,
    mut member: impl FnMut(&'a str, &'a str) -> Option<usize>,
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
    loop {
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
            b'}' => return Some(pos + 1),
            _ => return None,
        }
    }
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
        // memchr2 looks at a vector of bytes at a time: descriptions are long strings.
        pos += memchr::memchr2(b'"', b'\\', bytes.get(pos..)?)?;
        if bytes[pos] == b'"' {
            return Some(pos + 1);
        }
        pos += 2;
    }
}

/// How the container scan treats a byte: most are skipped one at a time.
const OTHER: u8 = 0;
/// Quotes and brackets: the bytes that matter inside an object or array.
const STRUCTURAL: u8 = 1;
/// A line break, after which an indented document has a run of spaces.
const NEWLINE: u8 = 2;

const BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    table[b'"' as usize] = STRUCTURAL;
    table[b'{' as usize] = STRUCTURAL;
    table[b'}' as usize] = STRUCTURAL;
    table[b'[' as usize] = STRUCTURAL;
    table[b']' as usize] = STRUCTURAL;
    table[b'\n' as usize] = NEWLINE;
    table
};

/// From `pos`, the position of the next quote or bracket. Indentation is skipped eight
/// spaces at a time: pretty-printed documents are about 40% indentation, and the
/// byte-at-a-time scan over it was most of the scanner's time.
fn next_structural(bytes: &[u8], mut pos: usize) -> Option<usize> {
    const EIGHT_SPACES: u64 = u64::from_ne_bytes(*b"        ");
    loop {
        match BYTE_CLASS[usize::from(*bytes.get(pos)?)] {
            OTHER => pos += 1,
            STRUCTURAL => return Some(pos),
            _ => {
                pos += 1;
                while let Some(chunk) = bytes.get(pos..pos + 8)
                    && u64::from_ne_bytes(chunk.try_into().expect("8 bytes")) == EIGHT_SPACES
                {
                    pos += 8;
                }
            }
        }
    }
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
