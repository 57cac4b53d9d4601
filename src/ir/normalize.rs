//! From a read document to an [`Api`]: methods, events, and the checks the format asks
//! for (unique names, object params, object-or-null results).

use std::collections::HashSet;

use super::build::{Builder, DefSource, Hint, Pointer, docs_of};
use super::model::*;
use super::naming::{NameCandidate, assign_names};
use super::prefetch::{self, Prefetch};
use crate::schema::error::pointer_push;
use crate::schema::json_schema::Schema;
use crate::schema::source::{ParamDescriptor, SourceDocument, SourceParams};
use crate::schema::{InputError, locate, parse_document, read_lazily};

/// The normalized API and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub api: Api,
    pub warnings: Vec<Warning>,
}

/// Normalizes a document. `file` names it in errors; `text`, when given, is the file's
/// content, used to add line and column to errors.
pub fn normalize(
    doc: &SourceDocument,
    file: &str,
    text: Option<&str>,
) -> Result<Normalized, InputError> {
    let defs = doc.defs.iter().map(DefSource::decoded).collect();
    normalize_inner(doc, defs, file, None).map_err(|mut e| {
        if let (None, Some(text)) = (e.location, text) {
            e.location = locate(text, &e.pointer);
        }
        e
    })
}

/// Reads and normalizes a document's text: the same result, warnings and errors as
/// [`parse_document`] and then [`normalize`], in less time and memory. The named schemas
/// stay JSON text until the normalizer reaches them (see [`read_lazily`]); a document
/// that this way does not read or normalize cleanly goes the reference way, which reports
/// the problem.
pub fn normalize_text(text: &str, file: &str) -> Result<Normalized, InputError> {
    if let Some((doc, raw_defs)) = read_lazily(text) {
        let defs = raw_defs.iter().map(DefSource::raw).collect();
        let normalized = if raw_defs.len() >= prefetch::MIN_DEFS {
            let prefetch = Prefetch::new(&raw_defs);
            std::thread::scope(|s| {
                // The main thread's stack size: decoding recurses as deep as the schema.
                // Without the thread (none could be started) the builder decodes alone.
                let started = std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(s, || prefetch.run(&doc))
                    .is_ok();
                // Stops the decoder also when normalizing panics (the scope joins it).
                let _stop = StopOnDrop(&prefetch);
                normalize_inner(&doc, defs, file, started.then_some(&prefetch))
            })
        } else {
            normalize_inner(&doc, defs, file, None)
        };
        if let Ok(normalized) = normalized {
            return Ok(normalized);
        }
    }
    let doc = parse_document(text, file)?;
    normalize(&doc, file, Some(text))
}

struct StopOnDrop<'p, 'a>(&'p Prefetch<'a>);

impl Drop for StopOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

fn normalize_inner<'a>(
    doc: &SourceDocument,
    defs: Vec<DefSource<'a>>,
    file: &'a str,
    prefetch: Option<&'a Prefetch<'a>>,
) -> Result<Normalized, InputError> {
    let mut b = Builder::new(file, defs, prefetch)?;
    let mut methods = Vec::with_capacity(doc.methods.len());
    let mut seen = HashSet::new();
    for m in &doc.methods {
        let path = method_path(&m.name).ok_or_else(|| {
            InputError::new(file, &pointer_push(&m.pointer, "name"), format!(
                "expected a method name of non-empty dot-separated parts (e.g. \"orders.get_status\"), found {:?}",
                m.name
            ))
        })?;
        if !seen.insert(m.name.as_str()) {
            return Err(InputError::new(
                file,
                &pointer_push(&m.pointer, "name"),
                format!(
                    "duplicate method name {:?}: expected each method name once",
                    m.name
                ),
            ));
        }
        let hint = Hint::Pascal(&m.name);
        let params = match &m.params {
            None => None,
            Some(SourceParams::Schema { schema, pointer }) => {
                Some(params_type(&mut b, schema, pointer, &hint)?)
            }
            Some(SourceParams::Descriptors(descriptors)) => {
                Some(descriptor_params(&mut b, descriptors, &m.pointer, &hint)?)
            }
        };
        let result = match &m.result {
            None => None,
            Some((schema, pointer)) => Some(result_type(&mut b, schema, pointer, &hint)?),
        };
        methods.push(Method {
            wire_name: m.name.clone(),
            path,
            summary: m.summary.clone(),
            description: m.description.clone(),
            deprecated: m.deprecated,
            params,
            result,
            pointer: m.pointer.clone(),
        });
    }
    let mut events = Vec::with_capacity(doc.events.len());
    let mut seen = HashSet::new();
    for e in &doc.events {
        let at = pointer_push(&e.pointer, "name");
        if e.name.trim().is_empty() {
            return Err(InputError::new(
                file,
                &at,
                "expected a non-empty event name",
            ));
        }
        if !seen.insert(e.name.as_str()) {
            return Err(InputError::new(
                file,
                &at,
                format!(
                    "duplicate event name {:?}: expected each event name once",
                    e.name
                ),
            ));
        }
        let name = Hint::Pascal(&e.name);
        let hint = Hint::Suffix(&name, "Event");
        let payload = b.convert(
            &e.payload,
            &Pointer::Token(&Pointer::Text(&e.pointer), "payload"),
            &hint,
        )?;
        events.push(Event {
            wire_name: e.name.clone(),
            description: e.description.clone(),
            payload,
            pointer: e.pointer.clone(),
        });
    }
    b.add_all_defs()?;
    b.check_deferred_discriminators();
    check_alias_cycles(&b)?;
    // The builder's tables go before the types are gathered into one vector.
    let (entries, names, mut warnings) = b.into_parts();
    let mut entries = entries.into_vec();
    assign_names(&mut entries, names, &mut warnings);
    let servers = doc.servers.clone();
    Ok(Normalized {
        api: Api {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            source_format: doc.format.clone(),
            servers,
            methods,
            events,
            types: TypeSpace { types: entries },
        },
        warnings,
    })
}

fn method_path(name: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = name.split('.').map(str::to_string).collect();
    (!name.is_empty() && parts.iter().all(|p| !p.trim().is_empty())).then_some(parts)
}

/// Follows aliases to the type they stand for.
fn resolved(b: &Builder, mut id: TypeId) -> TypeId {
    for _ in 0..=b.entries.len() {
        match &b.entries[id.0].kind {
            TypeKind::Alias(inner) => id = *inner,
            _ => return id,
        }
    }
    id
}

/// Definitions that are aliases of each other and nothing else (`A = B | null`,
/// `B = A`) describe no value: an input error.
fn check_alias_cycles(b: &Builder) -> Result<(), InputError> {
    for (i, entry) in b.entries.iter().enumerate() {
        if !matches!(entry.kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut id = TypeId(i);
        for _ in 0..=b.entries.len() {
            id = match &b.entries[id.0].kind {
                TypeKind::Alias(inner) | TypeKind::Nullable(inner) => *inner,
                _ => break,
            };
            if id.0 == i {
                return Err(InputError::new(
                    b.file,
                    &entry.pointer,
                    "reference cycle with no content: this definition only refers back to itself",
                ));
            }
        }
    }
    Ok(())
}

fn params_type(
    b: &mut Builder,
    schema: &Schema,
    pointer: &str,
    hint: &Hint<'_>,
) -> Result<TypeId, InputError> {
    let id = b.convert(
        schema,
        &Pointer::Text(pointer),
        &Hint::Suffix(hint, "Params"),
    )?;
    let target = resolved(b, id);
    let values = match &b.entries[target.0].kind {
        TypeKind::Object(_) => return Ok(target),
        TypeKind::Map(map) => map.values,
        other => {
            return Err(InputError::new(
                b.file,
                pointer,
                format!(
                    "expected an object schema for params (the server takes an object), found {}",
                    describe(other)
                ),
            ));
        }
    };
    // A free-form params object (`{"type": "object"}`) is an object with no fields.
    let object = ObjectType {
        fields: Vec::new(),
        additional: AdditionalProperties::Typed(values),
    };
    let docs = schema.as_object().map(docs_of).unwrap_or_default();
    Ok(b.push_named_object(
        object,
        docs,
        &Pointer::Text(pointer),
        NameCandidate::new(&format!("{hint}Params"), NamePriority::Derived),
    ))
}

fn descriptor_params(
    b: &mut Builder,
    descriptors: &[ParamDescriptor],
    pointer: &str,
    hint: &Hint<'_>,
) -> Result<TypeId, InputError> {
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    for d in descriptors {
        if !seen.insert(d.name.as_str()) {
            return Err(InputError::new(
                b.file,
                pointer,
                format!("duplicate parameter name {:?}", d.name),
            ));
        }
        let ty = b.convert(
            &d.schema,
            &Pointer::Text(&d.pointer),
            &Hint::Property(hint, &d.name),
        )?;
        let mut docs = d.schema.as_object().map(docs_of).unwrap_or_default();
        docs.description = d.description.clone().or(docs.description);
        docs.deprecated |= d.deprecated;
        let default = d
            .schema
            .as_object()
            .and_then(|o| o.default.as_deref())
            .map(JsonValue::from_value);
        fields.push(Field {
            wire_name: d.name.clone(),
            ty,
            required: d.required,
            default,
            docs: docs.into(),
            read_only: false,
        });
    }
    let object = ObjectType {
        fields,
        additional: AdditionalProperties::Allowed,
    };
    Ok(b.push_named_object(
        object,
        Docs::default(),
        &Pointer::Token(&Pointer::Text(pointer), "params"),
        NameCandidate::new(&format!("{hint}Params"), NamePriority::Derived),
    ))
}

fn result_type(
    b: &mut Builder,
    schema: &Schema,
    pointer: &str,
    hint: &Hint<'_>,
) -> Result<TypeId, InputError> {
    let id = b.convert(
        schema,
        &Pointer::Text(pointer),
        &Hint::Suffix(hint, "Result"),
    )?;
    let target = resolved(b, id);
    let ok = match &b.entries[target.0].kind {
        TypeKind::Nullable(inner) => is_object_like(b, *inner),
        TypeKind::Null => true,
        _ => is_object_like(b, target),
    };
    if ok {
        Ok(id)
    } else {
        Err(InputError::new(
            b.file,
            pointer,
            format!(
                "expected an object schema for the result (the server sends only an object or null), found {}",
                describe(&b.entries[target.0].kind)
            ),
        ))
    }
}

fn is_object_like(b: &Builder, id: TypeId) -> bool {
    let id = resolved(b, id);
    match &b.entries[id.0].kind {
        TypeKind::Object(_) | TypeKind::Map(_) => true,
        TypeKind::Union(u) => u.variants.iter().all(|v| is_object_like(b, *v)),
        _ => false,
    }
}

/// A short description of a type kind, for error messages.
fn describe(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Any => "a schema that allows any value",
        TypeKind::Never => "a schema that allows no value",
        TypeKind::Null => "null",
        TypeKind::Boolean => "a boolean",
        TypeKind::Integer(_) => "an integer",
        TypeKind::Number(_) => "a number",
        TypeKind::String(_) => "a string",
        TypeKind::Literal(_) | TypeKind::LiteralUnion(_) => "a literal value",
        TypeKind::Array(_) | TypeKind::Tuple(_) => "an array",
        TypeKind::Map(_) | TypeKind::Object(_) => "an object",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Union(_) => "a union that allows non-object values",
        TypeKind::Nullable(_) => "a nullable non-object value",
        TypeKind::Alias(_) => "an alias",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: the whole document decoded, then normalized.
    fn reference(text: &str) -> Result<Normalized, InputError> {
        let doc = parse_document(text, "api.json")?;
        normalize(&doc, "api.json", Some(text))
    }

    fn assert_same_as_reference(text: &str) {
        assert_eq!(
            format!("{:?}", normalize_text(text, "api.json")),
            format!("{:?}", reference(text))
        );
    }

    fn document(defs: &str) -> String {
        format!(
            r##"{{"rpcSchema": "1", "info": {{"title": "T", "version": "1"}},
             "methods": [{{"name": "a.b", "params": {{"$ref": "#/$defs/P"}}}}],
             "$defs": {defs}}}"##
        )
    }

    #[test]
    fn reading_lazily_gives_the_reference_result() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("tests/fixtures/adversarial/adversarial.rpc.json")];
        for example in ["chat", "dashboard", "ecommerce", "game", "notifications"] {
            files.push(root.join(format!("examples/{example}/{example}.rpc.json")));
        }
        for file in files {
            let text = std::fs::read_to_string(&file).expect("fixture exists");
            assert!(read_lazily(&text).is_some(), "{}", file.display());
            assert_same_as_reference(&text);
        }
    }

    /// Damaged copies of a document (a byte dropped, or a quote, bracket, comma or letter
    /// put in) read and normalize as the reference does: the same result or the same error.
    #[test]
    fn reading_lazily_damaged_documents_gives_the_reference_result() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chat/chat.rpc.json");
        let text = std::fs::read_to_string(file).expect("example exists");
        let bytes = text.as_bytes();
        let mut checked = 0;
        for pos in (0..bytes.len()).step_by(89) {
            for edit in [
                None,
                Some(b'"'),
                Some(b'}'),
                Some(b']'),
                Some(b','),
                Some(b'x'),
            ] {
                let mut damaged = bytes[..pos].to_vec();
                damaged.extend(edit);
                damaged.extend(&bytes[pos + usize::from(edit.is_none())..]);
                if let Ok(damaged) = String::from_utf8(damaged) {
                    assert_same_as_reference(&damaged);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn reading_lazily_keeps_the_reference_errors() {
        let params = r#""P": {"type": "object", "properties": {"x": {"type": "string"}}}"#;
        // A definition that does not decode.
        assert_same_as_reference(&document(&format!(r#"{{{params}, "Q": {{"type": 5}}}}"#)));
        // A repeated definition name (the last one wins).
        assert_same_as_reference(&document(&format!(
            r#"{{{params}, "Q": {{"type": "string"}}, "Q": {{"type": "integer"}}}}"#
        )));
        // A normalizer error inside a definition.
        assert_same_as_reference(&document(r##"{"P": {"$ref": "#/$defs/Missing"}}"##));
        // Nesting that a definition's own text allows, but the whole document does not.
        for depth in [124, 125, 126, 127] {
            let nested = format!(
                "{}{{}}{}",
                r#"{"items": "#.repeat(depth - 1),
                "}".repeat(depth - 1)
            );
            let text = document(&format!(r#"{{{params}, "Deep": {nested}}}"#));
            assert_same_as_reference(&text);
        }
    }
}
