//! Reading a document from disk: JSON syntax, format detection, typed decoding with the
//! pointer of the first offending value.

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::document::{EventObject, FormatVersion, Info, MethodObject, RpcSchemaDocument};
use super::error::{InputError, escape_token, unescape_token};
use super::json_schema::Schema;
use super::openrpc::OpenRpcDocument;
use super::scan;
use super::source::{RawDef, SourceDef, SourceDocument, SourceEvent, SourceMethod, SourceParams};

/// Reads and decodes the document at `path` (an RPC schema document or OpenRPC 1.x).
pub fn read_document(path: &Path) -> Result<SourceDocument, InputError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(&file, "", format!("cannot read the file: {e}")))?;
    parse_document(&text, &file)
}

/// Decodes a document from its text; `file` names it in errors.
pub fn parse_document(text: &str, file: &str) -> Result<SourceDocument, InputError> {
    fast_path(text, file).or_else(|()| parse_via_value(text, file))
}

/// A valid document decoded straight from its text, without the `serde_json::Value` tree
/// (which took most of the time and memory of reading a large document). Any failure,
/// and anything unusual such as a duplicate key (an error for a struct decoded from text,
/// the last one wins in a `Value`), goes through [`parse_via_value`], which produces the
/// diagnostics: pointers, messages and positions are those of one decoding path only.
fn fast_path(text: &str, file: &str) -> Result<SourceDocument, ()> {
    if is_openrpc(text) {
        let doc: OpenRpcDocument = serde_json::from_str(text).map_err(drop)?;
        doc.into_source(file).map_err(drop)
    } else {
        let doc: RpcSchemaDocument = serde_json::from_str(text).map_err(drop)?;
        Ok(rpc_schema_document_source(doc))
    }
}

/// The format: an "openrpc" key at the top level wins, as in `parse_via_value`.
fn is_openrpc(text: &str) -> bool {
    // memmem looks at a vector of bytes at a time; `str::contains` one at a time.
    memchr::memmem::find(text.as_bytes(), b"\"openrpc\"").is_some()
        && locate(text, "/openrpc").is_some()
}

/// A valid RPC schema document with its named schemas (`$defs`, `definitions`) left as
/// JSON text, to be decoded one at a time with [`decode_raw_def`] while normalizing: the
/// decoded schemas of a large document took several times the memory of its text, and
/// they were all alive at once. The rest of the document is decoded as by
/// [`parse_document`], into a [`SourceDocument`] without defs.
///
/// `None` for an OpenRPC document, and for anything the typed decoding does not accept as
/// it is: the caller then takes [`parse_document`], whose results and diagnostics are the
/// reference.
pub fn read_lazily(text: &str) -> Option<(SourceDocument, Vec<RawDef<'_>>)> {
    if is_openrpc(text) {
        return None;
    }
    // The named schemas apart; the rest, copied into an object of its own, is decoded
    // as the document would be (the same nesting, the same checks).
    let (mut defs, mut definitions) = (None, None);
    let mut head = String::with_capacity(text.len() / 4);
    head.push('{');
    let end = scan::for_each_member(text, |key, rest| {
        let slot = match scan::plain_key(key)? {
            "$defs" => &mut defs,
            "definitions" => &mut definitions,
            _ => {
                let len = scan::value_len(rest)?;
                if head.len() > 1 {
                    head.push(',');
                }
                head.push_str(key);
                head.push(':');
                head.push_str(&rest[..len]);
                return Some(len);
            }
        };
        let (members, len) = scan::object_members(rest)?;
        // A repeated key: the reference decoding refuses it, then takes the last one.
        slot.replace(members).is_none().then_some(len)
    })?;
    if scan::skip_ws(text.as_bytes(), end) != text.len() {
        return None;
    }
    head.push('}');
    let doc: LazyRpcSchemaDocument = serde_json::from_str(&head).ok()?;
    drop(head);
    let source = rpc_schema_source(doc.info, doc.servers, doc.methods, doc.events, Vec::new());
    let mut raw_defs = Vec::new();
    for (container, members) in [("/$defs", defs), ("/definitions", definitions)] {
        for (key, value) in members.unwrap_or_default() {
            let name = match scan::plain_key(key) {
                Some(name) => name.to_string(),
                None => serde_json::from_str(key).ok()?,
            };
            raw_defs.push(raw_def(container, name, value));
        }
    }
    Some((source, raw_defs))
}

fn raw_def<'a>(container: &str, name: String, text: &'a str) -> RawDef<'a> {
    let pointer = super::error::pointer_push(container, &name);
    RawDef {
        reference: format!("#{pointer}"),
        name,
        text,
        pointer,
    }
}

/// Decodes the text of a [`RawDef`]; `None` where decoding the whole document would not
/// give this schema.
pub fn decode_raw_def(text: &str) -> Option<Schema> {
    // The common shapes by a decoder of our own; the rest (and every error) by serde_json.
    if let Some(schema) = super::decode::decode_schema(text) {
        return Some(schema);
    }
    // serde_json refuses the 128th level of nesting, counted from where decoding starts. A
    // named schema sits on the third level of the document (`{"$defs": {"Name": {`); inside
    // two arrays it does too, and what is nested too deep there fails here as well.
    let mut wrapped = String::with_capacity(text.len() + 4);
    wrapped.push_str("[[");
    wrapped.push_str(text);
    wrapped.push_str("]]");
    let [[schema]]: [[Schema; 1]; 1] = serde_json::from_str(&wrapped).ok()?;
    Some(schema)
}

/// [`RpcSchemaDocument`] without its named schemas: the same fields, decoded the same way
/// (keep the two in step).
#[derive(Deserialize)]
struct LazyRpcSchemaDocument {
    /// Checked, as in [`RpcSchemaDocument`], and otherwise unused.
    #[serde(rename = "rpcSchema")]
    _rpc_schema: FormatVersion,
    info: Info,
    #[serde(default)]
    servers: IndexMap<String, String>,
    methods: Vec<MethodObject>,
    #[serde(default)]
    events: Vec<EventObject>,
}

/// The reference decoding: JSON syntax first, then the format, then the typed document
/// from the `Value` tree with the pointer of the first offending value.
fn parse_via_value(text: &str, file: &str) -> Result<SourceDocument, InputError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let mut err = InputError::new(file, "", format!("expected valid JSON: {e}"));
        if e.line() > 0 {
            err.location = Some((e.line(), e.column()));
        }
        err
    })?;
    let with_location = |mut err: InputError| {
        err.location = locate(text, &err.pointer);
        err
    };
    let Some(object) = value.as_object() else {
        return Err(with_location(InputError::new(
            file,
            "",
            "expected a JSON object (an RPC schema document or an OpenRPC document)",
        )));
    };
    if object.contains_key("openrpc") {
        let doc: OpenRpcDocument = decode(&value, file).map_err(with_location)?;
        doc.into_source(file).map_err(with_location)
    } else if object.contains_key("rpcSchema") {
        let doc: RpcSchemaDocument = decode(&value, file).map_err(with_location)?;
        Ok(rpc_schema_document_source(doc))
    } else {
        Err(InputError::new(
            file,
            "",
            "expected the key \"rpcSchema\": \"1\" (an RPC schema document) or \"openrpc\" \
             (an OpenRPC 1.x document)",
        ))
    }
}

fn decode<'a, T: Deserialize<'a>>(value: &'a Value, file: &str) -> Result<T, InputError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = String::new();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&escape_token(key));
                }
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        InputError::new(file, &pointer, expected_message(&e.inner().to_string()))
    })
}

/// Rewords serde's messages into "expected ..., found ..." form.
fn expected_message(serde_message: &str) -> String {
    if let Some(rest) = serde_message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("expected {expected}, found {found}");
    }
    if let Some(field) = serde_message.strip_prefix("missing field ") {
        return format!("expected the key {} here", field.replace('`', "\""));
    }
    if let Some(rest) = serde_message.strip_prefix("unknown variant ") {
        return format!("unexpected value {}", rest.replace('`', "\""));
    }
    format!("expected a different value: {serde_message}")
}

fn rpc_schema_document_source(doc: RpcSchemaDocument) -> SourceDocument {
    let defs = (doc
        .defs
        .into_iter()
        .map(|(n, s)| SourceDef::new("/$defs", n, s)))
    .chain(
        doc.definitions
            .into_iter()
            .map(|(n, s)| SourceDef::new("/definitions", n, s)),
    )
    .collect();
    rpc_schema_source(doc.info, doc.servers, doc.methods, doc.events, defs)
}

fn rpc_schema_source(
    info: Info,
    servers: IndexMap<String, String>,
    methods: Vec<MethodObject>,
    events: Vec<EventObject>,
    defs: Vec<SourceDef>,
) -> SourceDocument {
    let methods = methods
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let pointer = format!("/methods/{i}");
            SourceMethod {
                params: m.params.map(|schema| SourceParams::Schema {
                    schema,
                    pointer: format!("{pointer}/params"),
                }),
                result: m.result.map(|schema| (schema, format!("{pointer}/result"))),
                name: m.name,
                summary: m.summary,
                description: m.description,
                deprecated: m.deprecated,
                pointer,
            }
        })
        .collect();
    let events = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| SourceEvent {
            name: e.name,
            description: e.description,
            payload: e.payload,
            pointer: format!("/events/{i}"),
        })
        .collect();
    SourceDocument {
        format: "rpc-schema 1".to_string(),
        info,
        servers,
        methods,
        events,
        defs,
    }
}

/// The 1-based line and column of the value at `pointer` in the JSON `text`, found by a
/// small iterative scan (no recursion, so deep documents are safe). `None` when the
/// pointer does not lead to a value, e.g. for a missing key.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if !pointer.is_empty() {
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_token(token);
            pos = match *bytes.get(pos)? {
                b'{' => find_member(bytes, pos, &token)?,
                b'[' => find_element(bytes, pos, token.parse().ok()?)?,
                _ => return None,
            };
        }
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// From the opening quote of a string, the position after its closing quote.
fn skip_string(bytes: &[u8], mut pos: usize) -> Option<usize> {
    pos += 1;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' => pos += 2,
            b'"' => return Some(pos + 1),
            _ => pos += 1,
        }
    }
    None
}

/// From the start of any value, the position after it.
fn skip_value(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *bytes.get(pos)? {
            b'"' => pos = skip_string(bytes, pos)?,
            b'{' | b'[' => {
                depth += 1;
                pos += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                pos += 1;
            }
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' if depth > 0 => pos += 1,
            _ if depth == 0 => {
                // A scalar: runs up to the next delimiter.
                while pos < bytes.len()
                    && !matches!(
                        bytes[pos],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    pos += 1;
                }
                return Some(pos);
            }
            _ => pos += 1,
        }
        if depth == 0 {
            return Some(pos);
        }
    }
}

fn find_member(bytes: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut pos = skip_ws(bytes, open + 1);
    while *bytes.get(pos)? == b'"' {
        let end = skip_string(bytes, pos)?;
        let found: String = serde_json::from_slice(&bytes[pos..end]).ok()?;
        pos = skip_ws(bytes, end);
        if *bytes.get(pos)? != b':' {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
        if found == key {
            return Some(pos);
        }
        pos = skip_ws(bytes, skip_value(bytes, pos)?);
        if *bytes.get(pos)? == b',' {
            pos = skip_ws(bytes, pos + 1);
        }
    }
    None
}

fn find_element(bytes: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut pos = skip_ws(bytes, open + 1);
    for _ in 0..index {
        pos = skip_ws(bytes, skip_value(bytes, pos)?);
        if *bytes.get(pos)? != b',' {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
    }
    (*bytes.get(pos)? != b']').then_some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_pointers() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"x\"}],\n  \"d\": {\"e\": null}\n}";
        assert_eq!(locate(text, ""), Some((1, 1)));
        assert_eq!(locate(text, "/a/1/b~1c"), Some((2, 20)));
        assert_eq!(locate(text, "/d/e"), Some((3, 14)));
        assert_eq!(locate(text, "/d/missing"), None);
        assert_eq!(locate(text, "/a/5"), None);
    }

    #[test]
    fn wrong_key_type_names_pointer_and_position() {
        let text = r#"{"rpcSchema": "1", "info": {"title": "T", "version": "1"},
 "methods": [{"name": "a"}, {"name": 5}]}"#;
        let err = parse_document(text, "api.json").unwrap_err();
        assert_eq!(err.pointer, "/methods/1/name");
        assert_eq!(err.location, Some((2, 38)));
        assert!(err.message.contains("expected a string"), "{}", err.message);
    }
}
