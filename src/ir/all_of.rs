//! `allOf`: members merged into one schema before conversion (and `$ref` with sibling
//! constraints, which means the same). Conflicts keep the first member's word and warn.

use super::build::{Builder, Pointer};
use crate::schema::InputError;
use crate::schema::json_schema::{Schema, SchemaObject};

/// Merges `o.allOf` (and `o`'s own keywords) into one schema without `allOf`.
pub(crate) fn merge(
    b: &mut Builder,
    o: &SchemaObject,
    pointer: &Pointer<'_>,
) -> Result<SchemaObject, InputError> {
    let members = o.all_of.clone().unwrap_or_default();
    let mut own = o.clone();
    own.all_of = None;
    let mut merged = SchemaObject::default();
    let base = Pointer::Token(pointer, "allOf");
    for (i, member) in members.iter().enumerate() {
        let flat = flatten(b, member, &Pointer::Index(&base, i), 0)?;
        absorb(b, &mut merged, flat, pointer);
    }
    absorb(b, &mut merged, own, pointer);
    // The merged schema's annotations are the container's own, not a member's.
    merged.title = o.title.clone();
    merged.description = o.description.clone().or(merged.description);
    Ok(merged)
}

/// `{"$ref": X, <constraints>}`: X and the constraints together.
pub(crate) fn merge_ref_with_siblings(
    b: &mut Builder,
    o: &SchemaObject,
    pointer: &Pointer<'_>,
) -> Result<SchemaObject, InputError> {
    let mut wrapped = o.clone();
    let reference = wrapped.reference.take().expect("called with a $ref");
    let mut own = wrapped.clone();
    own.all_of = None;
    let mut first = SchemaObject::default();
    first.reference = Some(reference);
    let mut members = vec![Schema::Object(Box::new(first))];
    members.extend(wrapped.all_of.take().unwrap_or_default());
    wrapped.all_of = Some(members);
    merge(b, &wrapped, pointer)
}

/// A member with its `$ref`s followed and its own `allOf` merged.
fn flatten(
    b: &mut Builder,
    member: &Schema,
    pointer: &Pointer<'_>,
    depth: usize,
) -> Result<SchemaObject, InputError> {
    if depth > 64 {
        return Err(b.error(
            pointer,
            "expected allOf/$ref chains to end: they nest more than 64 deep (a cycle?)",
        ));
    }
    let o = match member {
        Schema::Bool(true) => return Ok(SchemaObject::default()),
        Schema::Bool(false) => {
            b.warn(pointer, "false inside allOf allows no value; ignored");
            return Ok(SchemaObject::default());
        }
        Schema::Object(o) => o.as_ref().clone(),
    };
    let mut result = SchemaObject::default();
    if let Some(reference) = &o.reference {
        let (target, target_pointer) = b.def_schema(reference, pointer)?;
        let target = flatten(b, &target, &Pointer::Text(target_pointer), depth + 1)?;
        absorb(b, &mut result, target, pointer);
    }
    if let Some(members) = &o.all_of {
        for (i, m) in members.iter().enumerate() {
            let flat = flatten(
                b,
                m,
                &Pointer::Index(&Pointer::Token(pointer, "allOf"), i),
                depth + 1,
            )?;
            absorb(b, &mut result, flat, pointer);
        }
    }
    let mut own = o;
    own.reference = None;
    own.all_of = None;
    absorb(b, &mut result, own, pointer);
    Ok(result)
}

/// Adds `from`'s keywords to `into`: properties and `required` are unions, everything
/// else keeps the value already there (with a warning where the two disagree on structure).
fn absorb(b: &mut Builder, into: &mut SchemaObject, mut from: SchemaObject, pointer: &Pointer<'_>) {
    if let Some(props) = from.properties.take() {
        let target = into.properties.get_or_insert_with(Default::default);
        for (key, schema) in props {
            match target.get(&key) {
                Some(existing) if *existing != schema => b.warn(pointer, format!(
                    "allOf members disagree on the property {key:?}; the first one's schema is used"
                )),
                Some(_) => {}
                None => {
                    target.insert(key, schema);
                }
            }
        }
    }
    if let Some(required) = from.required.take() {
        let target = into.required.get_or_insert_with(Vec::new);
        for key in required {
            if !target.contains(&key) {
                target.push(key);
            }
        }
    }
    if let (Some(a), Some(t)) = (&into.types, &from.types)
        && a != t
    {
        b.warn(
            pointer,
            "allOf members disagree on \"type\"; the first one's is used",
        );
    }
    if matches!(from.additional_properties, Some(Schema::Bool(false))) {
        into.additional_properties = Some(Schema::Bool(false));
    }
    macro_rules! first_wins {
        // `is_some` first: taking from (or writing to) an absent `SchemaExtra` would create one.
        ($($field:ident),*) => { $( if into.$field.is_none() && from.$field.is_some() { into.$field = from.$field.take(); } )* };
    }
    first_wins!(
        types,
        format,
        additional_properties,
        items,
        prefix_items,
        enum_values,
        const_value,
        any_of,
        one_of,
        discriminator,
        default,
        title,
        description,
        examples,
        deprecated,
        read_only,
        write_only,
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        multiple_of,
        min_items,
        max_items,
        unique_items,
        min_properties,
        max_properties,
        not,
        if_schema,
        pattern_properties,
        property_names,
        contains,
        dependent_schemas,
        unevaluated_properties
    );
}
