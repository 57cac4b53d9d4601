//! Type names: candidates with a priority, PascalCase, and unique names for the whole API.

use std::collections::HashSet;

use heck::ToUpperCamelCase;

use super::model::{NamePriority, TypeEntry, TypeName, Warning};

/// A proposed name for a type, before uniqueness is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCandidate {
    pub source: String,
    pub priority: NamePriority,
}

impl NameCandidate {
    pub fn new(source: &str, priority: NamePriority) -> Self {
        NameCandidate {
            source: source.to_string(),
            priority,
        }
    }
}

/// `Page_User_` → `PageUser`, `Money-Input` → `MoneyInput`, `orders.get_status` →
/// `OrdersGetStatus`. ASCII letters and digits only; a leading digit gets a `Type` prefix.
/// May be empty when the input has no letter or digit at all.
pub fn pascal_case(source: &str) -> String {
    let cleaned: String = source
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = cleaned.to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Type");
    }
    name
}

/// Gives every named entry its final name. Higher priority first (a `$defs` name beats a
/// title, which beats a derived name), then the order the entries were made in; a name
/// already taken gets the smallest free numeric suffix, with a warning.
pub fn assign_names(
    entries: &mut [TypeEntry],
    candidates: &std::collections::HashMap<usize, NameCandidate>,
    warnings: &mut Vec<Warning>,
) {
    let mut order: Vec<usize> = candidates.keys().copied().collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(candidates[&i].priority), i));
    let mut taken: HashSet<String> = HashSet::new();
    for i in order {
        let candidate = &candidates[&i];
        let mut base = pascal_case(&candidate.source);
        if base.is_empty() {
            base = "Type".to_string();
        }
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        if name != base {
            warnings.push(Warning {
                pointer: entries[i].pointer.clone(),
                message: format!(
                    "the type name {base:?} (from {:?}) is already taken; this type is named {name:?}",
                    candidate.source
                ),
            });
        }
        taken.insert(name.clone());
        entries[i].name = Some(TypeName {
            name,
            source: candidate.source.clone(),
            priority: candidate.priority,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_of_pydantic_names() {
        assert_eq!(pascal_case("Page_User_"), "PageUser");
        assert_eq!(pascal_case("Money-Input"), "MoneyInput");
        assert_eq!(pascal_case("orders.get_status"), "OrdersGetStatus");
        assert_eq!(pascal_case("3d point"), "Type3dPoint");
        assert_eq!(pascal_case("HTTPResponse"), "HttpResponse");
        assert_eq!(pascal_case("$%"), "");
        assert_eq!(pascal_case("Ünïcode"), "NCode");
    }
}
