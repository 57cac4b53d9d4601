//! A decoder of our own for a named schema's JSON text, straight over its bytes: serde_json
//! spent about a quarter of its time on the pretty-printed input's indentation and much of
//! the rest on going through serde's visitors once per keyword and value.
//!
//! It only answers for what it is sure of: it gives the schema that
//! `serde_json::from_str::<Schema>` gives, or `None` ("not handled"), and then the caller
//! decodes the text with serde_json, which is the reference for everything else (errors,
//! `null` where a value is expected, a repeated keyword, escapes it does not take, deep
//! nesting). So it refuses anything serde_json might refuse, and anything whose serde
//! decoding has a subtlety not reproduced here; a randomized test checks it against
//! serde_json (the tests below).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::json_schema::{
    DiscriminatorObject, Items, Properties, Schema, SchemaObject, TypeName, TypeSet, keyword_index,
};

/// The schema that the JSON `text` decodes to, or `None`: not handled here.
pub(crate) fn decode_schema(text: &str) -> Option<Schema> {
    let mut decoder = Decoder {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        lists: LISTS.take(),
    };
    decoder.ws();
    let schema = decoder.schema().filter(|_| {
        decoder.ws();
        decoder.pos == text.len()
    });
    // What a failed decoding left on the stacks is dropped here.
    decoder.lists.schemas.clear();
    decoder.lists.strings.clear();
    decoder.lists.members.clear();
    LISTS.set(decoder.lists);
    schema
}

/// Lists are gathered on these stacks first (a nested list above its parent's items), and
/// moved into a vector or map of their exact size when they end. Kept from one schema to
/// the next on each thread: growing them again for every schema was a fifth of the
/// allocations.
#[derive(Default)]
struct Lists {
    schemas: Vec<Schema>,
    strings: Vec<String>,
    members: Vec<(String, Schema)>,
}

thread_local! {
    static LISTS: std::cell::Cell<Lists> = std::cell::Cell::default();
}

/// Objects and arrays nested deeper than this are left to serde_json (which refuses the
/// 128th level counted from the document's top, where a named schema is on the third).
const MAX_DEPTH: u32 = 64;

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
const SPACES: u64 = u64::from_le_bytes([b' '; 8]);

/// The high bit of each byte of `word` equal to `byte`; only the lowest set bit is exact
/// (a borrow may set bits above it).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The high bit of each byte of `word` below 0x20 (a control character); only the lowest
/// set bit is exact.
fn control_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGHS
}

struct Decoder<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Objects and arrays open around `pos`.
    depth: u32,
    lists: Lists,
}

impl<'a> Decoder<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace; a line break's indentation eight bytes at a time.
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b > b' ' {
                return;
            }
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.indentation();
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => return,
            }
        }
    }

    /// Skips the spaces from `pos`, eight at a time.
    #[inline(always)]
    fn indentation(&mut self) {
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let other = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ SPACES;
            if other != 0 {
                self.pos += (other.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
    }

    /// Whitespace, then `byte`.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// After whitespace: `,` (true: another item follows) or `close` (false).
    #[inline(always)]
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let b = self.peek()?;
        self.pos += 1;
        match b {
            b',' => Some(true),
            _ if b == close => Some(false),
            _ => None,
        }
    }

    /// After an opening bracket and whitespace: whether the list or object is empty (its
    /// closing bracket is eaten then).
    #[inline(always)]
    fn open(&mut self, close: u8) -> Option<bool> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        if self.peek()? == close {
            self.pos += 1;
            self.depth -= 1;
            return Some(true);
        }
        Some(false)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// From `pos` (inside a string), the position of the next quote, backslash or control
    /// character.
    #[inline(always)]
    fn string_stop(&self, mut pos: usize) -> Option<usize> {
        while let Some(chunk) = self.bytes.get(pos..pos + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let found = bytes_equal(word, b'"') | bytes_equal(word, b'\\') | control_bytes(word);
            if found != 0 {
                return Some(pos + (found.trailing_zeros() / 8) as usize);
            }
            pos += 8;
        }
        let rest = self.bytes.get(pos..)?;
        Some(
            pos + rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?,
        )
    }

    /// A string without escapes (after whitespace), as bytes: a schema object's key.
    #[inline(always)]
    fn plain_key(&mut self) -> Option<&'a [u8]> {
        self.ws();
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let stop = self.string_stop(start)?;
        if self.bytes[stop] != b'"' {
            return None;
        }
        self.pos = stop + 1;
        Some(&self.bytes[start..stop])
    }

    /// A string (after whitespace), borrowed from the text when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.ws();
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let stop = self.string_stop(start)?;
        match self.bytes[stop] {
            b'"' => {
                self.pos = stop + 1;
                Some(Cow::Borrowed(&self.text[start..stop]))
            }
            b'\\' => self.escaped_string(start, stop).map(Cow::Owned),
            _ => None,
        }
    }

    /// A string (after whitespace), copied once at its size when it has no escapes. (Not
    /// `string().map(Cow::into_owned)`: that costs 5% more of decoding.)
    #[inline]
    fn owned_string(&mut self) -> Option<String> {
        self.ws();
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let stop = self.string_stop(start)?;
        match self.bytes[stop] {
            b'"' => {
                self.pos = stop + 1;
                Some(self.text[start..stop].to_owned())
            }
            b'\\' => self.escaped_string(start, stop),
            _ => None,
        }
    }

    /// The rest of a string from its first escape, at `escape`.
    #[cold]
    fn escaped_string(&mut self, start: usize, escape: usize) -> Option<String> {
        let mut out = String::with_capacity(escape - start + 16);
        out.push_str(&self.text[start..escape]);
        let mut pos = escape;
        loop {
            match self.bytes[pos] {
                b'"' => {
                    self.pos = pos + 1;
                    return Some(out);
                }
                b'\\' => {
                    let c = match *self.bytes.get(pos + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let (c, len) = self.unicode_escape(pos)?;
                            out.push(c);
                            pos += len;
                            continue;
                        }
                        _ => return None,
                    };
                    out.push(c);
                    pos += 2;
                }
                0..0x20 => return None,
                _ => {
                    // The run up to the next quote, backslash or control character.
                    let stop = self.string_stop(pos)?;
                    out.push_str(&self.text[pos..stop]);
                    pos = stop;
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape at `pos` (a surrogate pair in two), and the
    /// length of its text. A lone surrogate is not handled.
    fn unicode_escape(&self, pos: usize) -> Option<(char, usize)> {
        let hex = |at: usize| -> Option<u32> {
            let digits = self.bytes.get(at..at + 4)?;
            let mut n = 0;
            for &d in digits {
                n = n * 16 + (d as char).to_digit(16)?;
            }
            Some(n)
        };
        let first = hex(pos + 2)?;
        match first {
            0xD800..0xDC00 => {
                if self.bytes.get(pos + 6..pos + 8)? != b"\\u" {
                    return None;
                }
                let second = hex(pos + 8)?;
                if !(0xDC00..0xE000).contains(&second) {
                    return None;
                }
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                Some((char::from_u32(c)?, 12))
            }
            _ => Some((char::from_u32(first)?, 6)),
        }
    }

    /// A number's text (after whitespace): the bytes a JSON number is made of, checked
    /// by whoever reads it.
    fn number_text(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.pos;
        let len = self.bytes[start..]
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(self.bytes.len() - start);
        self.pos += len;
        (len > 0).then(|| &self.text[start..start + len])
    }

    /// A non-negative integer written in digits only, as JSON has it (no leading zero),
    /// that fits a `u64`.
    fn plain_u64(text: &str) -> Option<u64> {
        let digits = text.as_bytes();
        if digits.is_empty() || (digits[0] == b'0' && digits.len() > 1) {
            return None;
        }
        digits.iter().try_fold(0u64, |n, &d| {
            if !d.is_ascii_digit() {
                return None;
            }
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }

    fn u64(&mut self) -> Option<u64> {
        let text = self.number_text()?;
        Self::plain_u64(text)
    }

    /// A number as serde_json keeps it (its text, made canonical: `1E5` is `1e+5`).
    fn number(&mut self) -> Option<Number> {
        let text = self.number_text()?;
        match Self::plain_u64(text) {
            // serde_json writes these back with `itoa`: the same digits.
            Some(n) => Some(Number::from(n)),
            // The parser serde_json decodes numbers with, on the same text.
            None => text.parse().ok(),
        }
    }

    fn bool(&mut self) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// Any JSON value, as `serde_json::Value` decodes it.
    fn value(&mut self) -> Option<Value> {
        self.ws();
        Some(match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                Value::Null
            }
            b't' | b'f' => Value::Bool(self.bool()?),
            b'"' => Value::String(self.owned_string()?),
            b'-' | b'0'..=b'9' => Value::Number(self.number()?),
            b'[' => {
                self.pos += 1;
                Value::Array(self.array_items(Self::value)?)
            }
            b'{' => {
                self.pos += 1;
                let mut map = Map::new();
                if !self.open(b'}')? {
                    loop {
                        let key = self.owned_string()?;
                        // serde_json reads an object with such a first key as one of its
                        // own private types (an arbitrary-precision number).
                        if key.starts_with("$serde_json::private::") {
                            return None;
                        }
                        self.eat(b':')?;
                        let value = self.value()?;
                        map.insert(key, value);
                        if !self.next_or_close(b'}')? {
                            break;
                        }
                    }
                    self.depth -= 1;
                }
                Value::Object(map)
            }
            _ => return None,
        })
    }

    /// `true`, `false` or a schema object (after whitespace).
    fn schema(&mut self) -> Option<Schema> {
        self.ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut object = Box::<SchemaObject>::default();
                self.object(&mut object)?;
                Some(Schema::Object(object))
            }
            b't' | b'f' => Some(Schema::Bool(self.bool()?)),
            _ => None,
        }
    }

    /// A list of schemas (after whitespace), at its exact size.
    fn schema_list(&mut self) -> Option<Vec<Schema>> {
        self.list(|lists| &mut lists.schemas, Self::schema)
    }

    fn string_list(&mut self) -> Option<Vec<String>> {
        self.list(|lists| &mut lists.strings, Self::owned_string)
    }

    /// A list of items read by `item`, gathered on the stack `stack` picks and moved out at
    /// its exact size.
    fn list<T>(
        &mut self,
        stack: impl Fn(&mut Lists) -> &mut Vec<T>,
        item: impl Fn(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.eat(b'[')?;
        if self.open(b']')? {
            return Some(Vec::new());
        }
        let start = stack(&mut self.lists).len();
        loop {
            let value = item(self)?;
            stack(&mut self.lists).push(value);
            if !self.next_or_close(b']')? {
                break;
            }
        }
        self.depth -= 1;
        Some(stack(&mut self.lists).drain(start..).collect())
    }

    fn value_list(&mut self) -> Option<Vec<Value>> {
        self.ws();
        if self.peek()? != b'[' {
            return None;
        }
        match self.value()? {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// An object's properties: a repeated name keeps its first place and takes its last
    /// schema, as `IndexMap` does.
    fn properties(&mut self) -> Option<Properties> {
        self.eat(b'{')?;
        if self.open(b'}')? {
            return Some(Properties::default());
        }
        let start = self.lists.members.len();
        loop {
            let name = self.owned_string()?;
            self.eat(b':')?;
            let schema = self.schema()?;
            self.lists.members.push((name, schema));
            if !self.next_or_close(b'}')? {
                break;
            }
        }
        self.depth -= 1;
        let mut properties = Properties::with_capacity_and_hasher(
            self.lists.members.len() - start,
            Default::default(),
        );
        for (name, schema) in self.lists.members.drain(start..) {
            properties.insert(name, schema);
        }
        Some(properties)
    }

    /// `"type"`: a type name or a list of them.
    fn type_set(&mut self) -> Option<TypeSet> {
        self.ws();
        if self.peek()? != b'[' {
            return self.type_name().map(TypeSet::One);
        }
        self.pos += 1;
        self.array_items(Self::type_name).map(TypeSet::Many)
    }

    /// The items of an array whose `[` was just read, each read by `item` (for the short
    /// lists that do not go through [`Lists`]).
    fn array_items<T>(&mut self, item: impl Fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        if !self.open(b']')? {
            loop {
                items.push(item(self)?);
                if !self.next_or_close(b']')? {
                    break;
                }
            }
            self.depth -= 1;
        }
        Some(items)
    }

    /// A type name (after whitespace). Matched on the text's bytes when it has no escapes
    /// (the common case: no `Cow` and no `&str` slicing); one with escapes is decoded first.
    fn type_name(&mut self) -> Option<TypeName> {
        fn by_bytes(name: &[u8]) -> Option<TypeName> {
            Some(match name {
                b"string" => TypeName::String,
                b"integer" => TypeName::Integer,
                b"number" => TypeName::Number,
                b"boolean" => TypeName::Boolean,
                b"null" => TypeName::Null,
                b"array" => TypeName::Array,
                b"object" => TypeName::Object,
                _ => return None,
            })
        }
        let before = self.pos;
        if let Some(name) = self.plain_key() {
            return by_bytes(name);
        }
        self.pos = before;
        by_bytes(self.string()?.as_bytes())
    }

    /// `"items"`: a schema or a list of them.
    fn items(&mut self) -> Option<Items> {
        self.ws();
        if self.peek()? == b'[' {
            return self.schema_list().map(Items::Tuple);
        }
        self.schema().map(Items::One)
    }

    /// `"discriminator"`: only its two keys, each once.
    fn discriminator(&mut self) -> Option<DiscriminatorObject> {
        self.eat(b'{')?;
        if self.open(b'}')? {
            return None;
        }
        let (mut property_name, mut mapping) = (None, None);
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            match &*key {
                "propertyName" if property_name.is_none() => {
                    property_name = Some(self.owned_string()?);
                }
                "mapping" if mapping.is_none() => {
                    self.ws();
                    mapping = Some(if self.peek()? == b'n' {
                        self.literal(b"null")?;
                        None
                    } else {
                        self.eat(b'{')?;
                        let mut map = indexmap::IndexMap::new();
                        if !self.open(b'}')? {
                            loop {
                                let key = self.owned_string()?;
                                self.eat(b':')?;
                                let value = self.value()?;
                                map.insert(key, value);
                                if !self.next_or_close(b'}')? {
                                    break;
                                }
                            }
                            self.depth -= 1;
                        }
                        Some(map)
                    });
                }
                _ => return None,
            }
            if !self.next_or_close(b'}')? {
                break;
            }
        }
        self.depth -= 1;
        Some(DiscriminatorObject {
            property_name: property_name?,
            mapping: mapping.flatten(),
        })
    }

    /// The members of a schema object, after its `{`, into `o` (a default one). Each
    /// keyword as its field's type (see `SchemaObjectVisitor`); a repeated one and an
    /// unknown key are not handled.
    fn object(&mut self, o: &mut SchemaObject) -> Option<()> {
        if self.open(b'}')? {
            return Some(());
        }
        let mut seen = 0u64;
        loop {
            let id = keyword_index(self.plain_key()?)?;
            if seen & (1 << id) != 0 {
                return None;
            }
            seen |= 1 << id;
            self.eat(b':')?;
            self.ws();
            if self.peek()? == b'n' {
                self.literal(b"null")?;
                // `null` is an absent keyword, but for the two kept as values.
                match id {
                    9 => o.const_value = Some(Box::new(Value::Null)),
                    14 => o.default = Some(Box::new(Value::Null)),
                    _ => {}
                }
            } else {
                self.keyword(o, id)?;
            }
            if !self.next_or_close(b'}')? {
                break;
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// The value of keyword `id` (not `null`) into `o`. Keywords kept in `SchemaExtra` (or
    /// `SchemaRare`) are set through `DerefMut`, which makes it: only when present, as
    /// `SchemaObjectVisitor` does.
    #[inline(always)]
    fn keyword(&mut self, o: &mut SchemaObject, id: usize) -> Option<()> {
        let boxed_value = |d: &mut Self| d.value().map(Box::new);
        match id {
            0 => o.reference = Some(self.owned_string()?),
            1 => o.types = Some(self.type_set()?),
            2 => o.format = Some(self.owned_string()?),
            3 => o.properties = Some(self.properties()?),
            4 => o.required = Some(self.string_list()?),
            5 => o.additional_properties = Some(self.schema()?),
            6 => o.items = Some(self.items()?),
            7 => o.prefix_items = Some(self.schema_list()?),
            8 => o.enum_values = Some(self.value_list()?),
            9 => o.const_value = Some(boxed_value(self)?),
            10 => o.any_of = Some(self.schema_list()?),
            11 => o.one_of = Some(self.schema_list()?),
            12 => o.all_of = Some(self.schema_list()?),
            13 => o.discriminator = Some(self.discriminator()?),
            14 => o.default = Some(boxed_value(self)?),
            15 => o.title = Some(self.owned_string()?),
            16 => o.description = Some(self.owned_string()?),
            17 => o.examples = Some(boxed_value(self)?),
            18 => o.deprecated = Some(self.bool()?),
            19 => o.read_only = Some(self.bool()?),
            20 => o.write_only = Some(self.bool()?),
            21 => o.min_length = Some(self.u64()?),
            22 => o.max_length = Some(self.u64()?),
            23 => o.pattern = Some(self.owned_string()?),
            24 => o.minimum = Some(self.number()?),
            25 => o.maximum = Some(self.number()?),
            26 => o.exclusive_minimum = Some(self.number()?),
            27 => o.exclusive_maximum = Some(self.number()?),
            28 => o.multiple_of = Some(self.number()?),
            29 => o.min_items = Some(self.u64()?),
            30 => o.max_items = Some(self.u64()?),
            31 => o.unique_items = Some(self.bool()?),
            32 => o.min_properties = Some(self.u64()?),
            33 => o.max_properties = Some(self.u64()?),
            // `$defs` and the keywords outside the subset: kept as values.
            34 => o.nested_defs = Some(boxed_value(self)?),
            35 => o.not = Some(boxed_value(self)?),
            36 => o.if_schema = Some(boxed_value(self)?),
            37 => o.pattern_properties = Some(boxed_value(self)?),
            38 => o.property_names = Some(boxed_value(self)?),
            39 => o.contains = Some(boxed_value(self)?),
            40 => o.dependent_schemas = Some(boxed_value(self)?),
            41 => o.unevaluated_properties = Some(boxed_value(self)?),
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::json_schema::KEYWORDS;

    /// What serde_json makes of a named schema's text (see `decode_raw_def`).
    fn by_serde(text: &str) -> Option<Schema> {
        let wrapped = format!("[[{text}]]");
        let [[schema]]: [[Schema; 1]; 1] = serde_json::from_str(&wrapped).ok()?;
        Some(schema)
    }

    /// Whether the decoder handled `text`; when it did, it gave what serde_json gives,
    /// in the same order (`Debug` shows maps in order, and whether a schema has its
    /// `SchemaExtra`; `==` does neither).
    fn agrees(text: &str) -> bool {
        let Some(ours) = decode_schema(text) else {
            return false;
        };
        let Some(reference) = by_serde(text) else {
            panic!("handled what serde_json refuses: {text}");
        };
        assert_eq!(ours, reference, "{text}");
        assert_eq!(format!("{ours:?}"), format!("{reference:?}"), "{text}");
        true
    }

    #[test]
    fn decodes_samples_as_serde_json() {
        let handled = [
            r##"{}"##,
            r##"true"##,
            "\n \t\r{ } \n",
            r##"{"$ref": "#/$defs/A", "title": "A", "description": "d"}"##,
            r##"{"type": ["string", "null"], "format": "uuid"}"##,
            r##"{"type": "str\u0069ng", "title": "t"}"##,
            r##"{"type": ["nu\u006cl", "object", "\u0061rray"]}"##,
            r##"{"const": null}"##,
            r##"{"default": null, "description": "d"}"##,
            r##"{"format": null, "pattern": null, "title": null}"##,
            r##"{"properties": {"a": {"type": "string"}}, "required": ["a"]}"##,
            r##"{"properties": {"a": {}, "b": {"type": "string"}, "a": {"type": "integer"}}}"##,
            r##"{"properties": null, "required": []}"##,
            r##"{"properties": {}}"##,
            r##"{"minimum": 1e5, "maximum": 18446744073709551616, "multipleOf": 0.5}"##,
            r##"{"exclusiveMinimum": -0, "exclusiveMaximum": -3, "minimum": 1E-2}"##,
            r##"{"items": [true, {}]}"##,
            r##"{"items": false, "minItems": 0, "maxItems": 18446744073709551615}"##,
            r##"{"enum": [1, "a", null, -2.5e-3, [], {}, {"a": [true]}], "examples": [1]}"##,
            r##"{"$defs": {}, "not": {}, "if": true, "contains": null}"##,
            r##"{"discriminator": {"propertyName": "k", "mapping": {"a": "#/a", "b": {}}}}"##,
            r##"{"discriminator": {"mapping": null, "propertyName": "k"}}"##,
            r##"{"unevaluatedProperties": false, "readOnly": true, "writeOnly": null}"##,
            r##"{"anyOf": [{"type": "number"}, {"type": "null"}], "oneOf": [], "allOf": [{}]}"##,
            r##"{"additionalProperties": {"type": "integer"}, "minProperties": 1}"##,
            r##"{"prefixItems": [{}], "uniqueItems": true, "deprecated": false}"##,
            r##"{"description": "a \"quoted\" \\ / \/ \b\f\n\r\t \u00e9\u20AC \ud83d\ude00 é 日"}"##,
            r##"{"type": "str\u0069ng", "title": "\u0000\u0001"}"##,
            r##"{"default": {"a": 1, "b": 2, "a": 3}}"##,
            r##"{"properties": {"x\ny": true, "": false}}"##,
        ];
        for text in handled {
            assert!(agrees(text), "not handled: {text}");
        }
        let not_handled = [
            "",
            "null",
            "{",
            "[]",
            r##"{"title": null, "title": "x"}"##,
            // A keyword written with an escape (serde_json reads it as the keyword).
            r##"{"\u0074ype": "string"}"##,
            r##"{"x-extension": 1}"##,
            r##"{"type": 5}"##,
            r##"{"type": "str"}"##,
            r##"{"type": "str\u0069"}"##,
            r##"{"type": ["\"null"]}"##,
            r##"{"type": [{"string": null}]}"##,
            r##"{"properties": {"a": 1}}"##,
            r##"{"minLength": -1}"##,
            r##"{"minLength": -0}"##,
            r##"{"minLength": 1.0}"##,
            r##"{"minLength": 01}"##,
            r##"{"maxItems": 18446744073709551616}"##,
            r##"{"minimum": "x"}"##,
            r##"{"minimum": 1.}"##,
            r##"{"minimum": +1}"##,
            "{\"title\": \"a\u{1}\"}",
            "{\"title\": \"a\tb\"}",
            r##"{"title": "\ud800"}"##,
            r##"{"title": "\udc00\ud800"}"##,
            r##"{"title": "\x"}"##,
            r##"{"discriminator": {"propertyName": "k", "extra": 1}}"##,
            r##"{"discriminator": {"mapping": {}}}"##,
            r##"{"discriminator": ["k"]}"##,
            r##"{"default": {"$serde_json::private::Number": "1"}}"##,
            r##"{"title": "a",}"##,
            r##"{"title": "a"} x"##,
            r##"{"title" "a"}"##,
            r##"{"deprecated": truex}"##,
            r##"{"items": null, "items": null}"##,
        ];
        for text in not_handled {
            assert!(!agrees(text), "handled: {text}");
        }
    }

    #[test]
    fn leaves_deep_nesting_to_serde_json() {
        for depth in [MAX_DEPTH as usize - 1, MAX_DEPTH as usize, 200] {
            let text = format!("{}{{}}{}", r#"{"items": "#.repeat(depth), "}".repeat(depth));
            assert_eq!(agrees(&text), depth < MAX_DEPTH as usize, "{depth}");
            let text = format!(
                "{{\"default\": {}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            assert_eq!(agrees(&text), depth < MAX_DEPTH as usize, "{depth}");
        }
    }

    /// Every named schema of the bundled documents, as written and as one line; and every
    /// object in them (most are not schemas: then either both refuse or both agree).
    #[test]
    fn decodes_the_bundled_documents_as_serde_json() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("examples"), root.join("tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 20);
        let (mut defs, mut handled) = (0, 0);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Some((_, raw_defs)) = crate::schema::read_lazily(&text) {
                for def in &raw_defs {
                    defs += 1;
                    handled += usize::from(agrees(def.text));
                }
            }
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let mut stack = vec![&value];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(map) => {
                        agrees(&serde_json::to_string(v).unwrap());
                        agrees(&serde_json::to_string_pretty(v).unwrap());
                        stack.extend(map.values());
                    }
                    Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
        }
        // The bundled documents are Pydantic's own output: nearly all of it is handled.
        assert!(handled * 100 >= defs * 95, "{handled} of {defs}");
    }

    /// A small deterministic generator (xorshift) of schema texts: mostly what Pydantic
    /// writes, with the odd wrong type, `null`, repeated or unknown key, escape, number
    /// form and whitespace; then the same texts with a byte changed.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
        fn pick<'s>(&mut self, options: &[&'s str]) -> &'s str {
            options[self.below(options.len())]
        }
        fn ws(&mut self) -> &'static str {
            if self.chance(70) {
                return "";
            }
            self.pick(&[
                " ",
                "\n  ",
                "\n        ",
                "\n                  ",
                "\t",
                "\r\n ",
                "  ",
            ])
        }
        fn string(&mut self) -> String {
            let mut out = String::from("\"");
            for _ in 0..self.below(12) {
                out.push_str(self.pick(&[
                    "a",
                    "Name",
                    " ",
                    "-",
                    "#/$defs/",
                    "é",
                    "日本",
                    "😀",
                    "\\\"",
                    "\\\\",
                    "\\/",
                    "\\n",
                    "\\t",
                    "\\b",
                    "\\f",
                    "\\r",
                    "\\u00e9",
                    "\\u0000",
                    "\\u001F",
                    "\\ud83d\\ude00",
                    "\\uD834\\uDD1E",
                    "x",
                    "0123456789",
                    "$serde_json::",
                ]));
            }
            if self.chance(3) {
                out.push_str(self.pick(&[
                    "\\ud800",
                    "\\udc00",
                    "\\ud800\\u0041",
                    "\\x",
                    "\\u12",
                    "\u{1}",
                    "\n",
                    "\t",
                    "\u{1f}",
                    "\\uZZZZ",
                ]));
            }
            out.push('"');
            out
        }
        fn number(&mut self) -> String {
            if self.chance(80) {
                return self.below(200).to_string();
            }
            self.pick(&[
                "0",
                "-1",
                "1.5",
                "1e5",
                "1E-2",
                "2.50",
                "-0",
                "-0.0",
                "01",
                "1.",
                "+1",
                "-",
                "18446744073709551615",
                "18446744073709551616",
                "-9223372036854775808",
                "-9223372036854775809",
                "1e999",
                "0.1e+3",
                ".5",
                "1e",
                "3.0",
            ])
            .to_string()
        }
        fn value(&mut self, depth: usize) -> String {
            match self.below(if depth > 3 { 5 } else { 7 }) {
                0 => "null".to_string(),
                1 => self.pick(&["true", "false"]).to_string(),
                2 => self.number(),
                3 | 4 => self.string(),
                5 => {
                    let items: Vec<String> =
                        (0..self.below(4)).map(|_| self.value(depth + 1)).collect();
                    format!("[{}]", items.join(","))
                }
                _ => {
                    let members: Vec<String> = (0..self.below(4))
                        .map(|_| {
                            let key = if self.chance(10) {
                                "\"$serde_json::private::Number\"".to_string()
                            } else {
                                self.string()
                            };
                            format!("{key}:{}", self.value(depth + 1))
                        })
                        .collect();
                    format!("{{{}}}", members.join(","))
                }
            }
        }
        fn list(&mut self, item: impl Fn(&mut Self) -> String) -> String {
            let items: Vec<String> = (0..self.below(4))
                .map(|_| format!("{}{}{}", self.ws(), item(self), self.ws()))
                .collect();
            format!("[{}]", items.join(","))
        }
        /// The value of a keyword: its own type mostly.
        fn keyword_value(&mut self, keyword: &str, depth: usize) -> String {
            if self.chance(5) {
                return self.value(depth);
            }
            let type_name = |g: &mut Self| {
                format!(
                    "\"{}\"",
                    g.pick(&[
                        "string", "integer", "number", "boolean", "null", "array", "object", "str",
                    ])
                )
            };
            match keyword {
                "$ref" | "format" | "title" | "description" | "pattern" => self.string(),
                "type" if self.chance(70) => type_name(self),
                "type" => self.list(type_name),
                "properties" => {
                    let members: Vec<String> = (0..self.below(5))
                        .map(|_| {
                            let name = if self.chance(20) {
                                self.pick(&["\"a\"", "\"b\""]).to_string()
                            } else {
                                self.string()
                            };
                            format!(
                                "{}{name}{}:{}",
                                self.ws(),
                                self.ws(),
                                self.schema(depth + 1)
                            )
                        })
                        .collect();
                    format!("{{{}}}", members.join(","))
                }
                "required" => self.list(Self::string),
                "additionalProperties" => self.schema(depth + 1),
                "items" if self.chance(80) => self.schema(depth + 1),
                "items" | "prefixItems" | "anyOf" | "oneOf" | "allOf" => {
                    self.list(|g| g.schema(depth + 1))
                }
                "enum" => self.list(|g| g.value(depth + 1)),
                "discriminator" => {
                    let mut members = Vec::new();
                    if self.chance(90) {
                        members.push(format!("\"propertyName\": {}", self.string()));
                    }
                    if self.chance(60) {
                        let mapping = if self.chance(10) {
                            "null".to_string()
                        } else {
                            let entries: Vec<String> = (0..self.below(3))
                                .map(|_| format!("{}: {}", self.string(), self.value(depth + 1)))
                                .collect();
                            format!("{{{}}}", entries.join(", "))
                        };
                        members.push(format!("\"mapping\": {mapping}"));
                    }
                    if self.chance(5) {
                        members.push("\"other\": 1".to_string());
                    }
                    if self.chance(50) {
                        members.reverse();
                    }
                    format!("{{{}}}", members.join(", "))
                }
                "deprecated" | "readOnly" | "writeOnly" | "uniqueItems" => {
                    self.pick(&["true", "false"]).to_string()
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
                | "maxProperties" | "minimum" | "maximum" | "exclusiveMinimum"
                | "exclusiveMaximum" | "multipleOf" => self.number(),
                _ => self.value(depth + 1),
            }
        }
        fn schema(&mut self, depth: usize) -> String {
            if self.chance(5) || depth > 5 {
                return self.pick(&["true", "false", "{}"]).to_string();
            }
            let mut members = Vec::new();
            for _ in 0..self.below(6) {
                let keyword = if self.chance(3) {
                    self.pick(&["\"x-extra\"", "\"\\u0074itle\"", "\"Type\""])
                        .to_string()
                } else {
                    format!("\"{}\"", keyword_for_tests(self.below(KEYWORDS_FOR_TESTS)))
                };
                let value = if self.chance(5) {
                    "null".to_string()
                } else {
                    self.keyword_value(keyword.trim_matches('"'), depth)
                };
                members.push(format!(
                    "{}{keyword}{}:{}{value}{}",
                    self.ws(),
                    self.ws(),
                    self.ws(),
                    self.ws()
                ));
            }
            format!("{{{}}}", members.join(","))
        }
    }

    /// Keywords Pydantic writes most, picked again beside every keyword once.
    const MORE_OFTEN: &[&str] = &[
        "$ref",
        "type",
        "type",
        "title",
        "properties",
        "items",
        "anyOf",
        "default",
    ];

    /// How many [`keyword_for_tests`] picks from.
    const KEYWORDS_FOR_TESTS: usize = MORE_OFTEN.len() + KEYWORDS.len();

    fn keyword_for_tests(i: usize) -> &'static str {
        MORE_OFTEN
            .get(i)
            .copied()
            .unwrap_or_else(|| KEYWORDS[i - MORE_OFTEN.len()])
    }

    #[test]
    fn decodes_random_schemas_as_serde_json() {
        let mut generator = Gen(0x9E37_79B9_7F4A_7C15);
        let (mut handled, mut mutated_handled) = (0, 0);
        const COUNT: usize = 20_000;
        for _ in 0..COUNT {
            let text = generator.schema(0);
            handled += usize::from(agrees(&text));
            // One byte changed: deleted, doubled or replaced by a JSON token character.
            let mut bytes = text.clone().into_bytes();
            let at = generator.below(bytes.len());
            match generator.below(3) {
                0 => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, bytes[at]),
                _ => bytes[at] = b"{}[]:,\"\\ n0-e.tx"[generator.below(16)],
            }
            if let Ok(mutated) = String::from_utf8(bytes) {
                mutated_handled += usize::from(agrees(&mutated));
            }
        }
        // Enough of both kinds get through the decoder for the comparison to mean something.
        assert!(handled > COUNT / 4, "{handled}");
        assert!(mutated_handled > COUNT / 20, "{mutated_handled}");
    }
}
