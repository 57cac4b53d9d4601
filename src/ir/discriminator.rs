//! Checking a `discriminator` against the union it tags. A discriminator the clients
//! could not rely on is dropped with a warning (the union stays a plain union).

use super::build::{Builder, Hint, Pointer};
use super::model::{Discriminator, Literal, TypeId, TypeKind};
use crate::schema::json_schema::DiscriminatorObject;

pub(crate) fn check(
    b: &mut Builder,
    d: &DiscriminatorObject,
    variants: &[TypeId],
    pointer: &Pointer<'_>,
) -> Option<Discriminator> {
    let at = Pointer::Token(pointer, "discriminator");
    let property = &d.property_name;
    // The objects the tag selects: the variants, or the variants of a nested tagged union.
    let mut leaves = Vec::new();
    for &v in variants {
        let v = resolve_alias(b, v);
        match &b.entries[v.0].kind {
            TypeKind::Object(_) => leaves.push(v),
            TypeKind::Union(u) if u.discriminator.is_some() => {
                let nested = u
                    .discriminator
                    .as_ref()
                    .expect("checked")
                    .mapping
                    .iter()
                    .map(|(_, id)| *id);
                leaves.extend(nested);
            }
            _ => {
                b.warn(&at, "a discriminated union's variants must be objects; the discriminator is ignored");
                return None;
            }
        }
    }
    let mut tags_of = Vec::new();
    for &leaf in &leaves {
        match tags(b, leaf, property) {
            Some(t) => tags_of.push((leaf, t)),
            None => {
                b.warn(
                    &at,
                    format!(
                        "a variant has no literal property {property:?} to discriminate on; \
                     the discriminator is ignored"
                    ),
                );
                return None;
            }
        }
    }
    let mut mapping = Vec::new();
    match &d.mapping {
        Some(explicit) => {
            for (tag, target) in explicit {
                let at_mapping = Pointer::Token(&at, "mapping");
                let at_tag = Pointer::Token(&at_mapping, tag);
                let target = match mapping_target(b, target, &at_tag) {
                    Ok(id) => resolve_alias(b, id),
                    Err(e) => {
                        b.warn(
                            &Pointer::Text(&e.pointer),
                            format!("{}; the discriminator is ignored", e.message),
                        );
                        return None;
                    }
                };
                // A nested tagged union selected as a whole: all its objects carry the tag.
                if let TypeKind::Union(u) = &b.entries[target.0].kind {
                    let nested: Vec<TypeId> = u
                        .discriminator
                        .iter()
                        .flat_map(|d| d.mapping.iter().map(|(_, id)| *id))
                        .collect();
                    if variants.iter().any(|v| resolve_alias(b, *v) == target)
                        && !nested.is_empty()
                        && nested
                            .iter()
                            .all(|leaf| tags_of.iter().any(|(l, t)| l == leaf && t.contains(tag)))
                    {
                        mapping.push((tag.clone(), target));
                        continue;
                    }
                }
                if !tags_of
                    .iter()
                    .any(|(leaf, t)| *leaf == target && t.contains(tag))
                {
                    b.warn(&at, format!(
                        "the mapping's tag {tag:?} does not select a variant whose {property:?} is {tag:?}; \
                         the discriminator is ignored"
                    ));
                    return None;
                }
                mapping.push((tag.clone(), target));
            }
        }
        None => {
            for (leaf, t) in &tags_of {
                for tag in t {
                    mapping.push((tag.clone(), *leaf));
                }
            }
        }
    }
    Some(Discriminator {
        property: property.clone(),
        mapping,
    })
}

/// A mapping value: a `$ref` string, or (Pydantic's nested unions) an inline schema.
fn mapping_target(
    b: &mut Builder,
    target: &serde_json::Value,
    pointer: &Pointer<'_>,
) -> Result<TypeId, crate::schema::InputError> {
    match target {
        serde_json::Value::String(reference) => b.resolve_ref(reference, pointer),
        other => {
            let schema: crate::schema::json_schema::Schema = serde_json::from_value(other.clone())
                .map_err(|e| {
                    b.error(pointer, format!("expected a $ref string or a schema: {e}"))
                })?;
            b.convert(&schema, pointer, &Hint::Text("Variant"))
        }
    }
}

fn resolve_alias(b: &Builder, mut id: TypeId) -> TypeId {
    for _ in 0..64 {
        match &b.entries[id.0].kind {
            TypeKind::Alias(inner) => id = *inner,
            _ => break,
        }
    }
    id
}

/// The string values a required property of an object can hold, if it is a literal.
fn tags(b: &Builder, object: TypeId, property: &str) -> Option<Vec<String>> {
    let TypeKind::Object(o) = &b.entries[object.0].kind else {
        return None;
    };
    // Pydantic leaves a tag with a default (`kind: Literal["card"] = "card"`) out of
    // `required`; it still selects the variant.
    let field = o.fields.iter().find(|f| f.wire_name == property)?;
    let ty = resolve_alias(b, field.ty);
    // Tags are compared as mapping keys, which are strings: `1` for `Literal[1]`.
    let tag = |l: &Literal| match l {
        Literal::String(s) | Literal::Integer(s) => Some(s.clone()),
        Literal::Boolean(b) => Some(b.to_string()),
        _ => None,
    };
    match &b.entries[ty.0].kind {
        TypeKind::Literal(l) => tag(l).map(|t| vec![t]),
        TypeKind::LiteralUnion(ls) => ls.iter().map(tag).collect(),
        TypeKind::Enum(e) => Some(e.values.iter().map(|v| v.wire.clone()).collect()),
        _ => None,
    }
}
