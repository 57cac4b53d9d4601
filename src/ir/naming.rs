//! Type names: candidates with a priority, PascalCase, and unique names for the whole API.

use std::collections::HashSet;

use super::build::FxBuildHasher;
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
///
/// The words are heck's (`ToUpperCamelCase`) on the input with every other character
/// made a space; written out for ASCII because heck's general Unicode path (a formatter
/// call per character) was a sixth of the normalizer's time.
pub fn pascal_case(source: &str) -> String {
    if is_pascal_case_already(source) {
        return source.to_string();
    }
    let mut name = Vec::with_capacity(source.len() + 4);
    // Split at every byte that is not an ASCII letter or digit (all bytes of a non-ASCII
    // character are such bytes).
    for part in source.as_bytes().split(|b| !b.is_ascii_alphanumeric()) {
        push_words(part, &mut name);
    }
    if name.first().is_some_and(u8::is_ascii_digit) {
        name.splice(0..0, *b"Type");
    }
    String::from_utf8(name).expect("ASCII letters and digits")
}

/// Whether [`pascal_case`] gives `source` back as it is (most names: a model's class name
/// is PascalCase already): ASCII letters and digits only, an uppercase letter first, and
/// no uppercase letter after another with only digits between (`HTTPServer` and `A1B`
/// become `HttpServer` and `A1b`). Checked in one pass, before splitting into words.
fn is_pascal_case_already(source: &str) -> bool {
    let Some((first, rest)) = source.as_bytes().split_first() else {
        return false;
    };
    if !first.is_ascii_uppercase() {
        return false;
    }
    let mut last_letter_upper = true;
    for &b in rest {
        if b.is_ascii_uppercase() {
            if last_letter_upper {
                return false;
            }
            last_letter_upper = true;
        } else if b.is_ascii_lowercase() {
            last_letter_upper = false;
        } else if !b.is_ascii_digit() {
            return false;
        }
    }
    true
}

/// Appends the words of `part` (ASCII letters and digits), each capitalized.
fn push_words(part: &[u8], out: &mut Vec<u8>) {
    ascii_words(part, |word| {
        if let Some((first, rest)) = word.split_first() {
            out.push(first.to_ascii_uppercase());
            out.extend(rest.iter().map(u8::to_ascii_lowercase));
        }
    });
}

/// The words of `part` (ASCII letters and digits), as heck splits them: a word ends before
/// an uppercase letter that follows a lowercase one (`getStatus`), and before the last of a
/// run of uppercase letters that a lowercase one follows (`HTTPResponse`); digits take the
/// case of what precedes them. (Backends' byte-wise case conversions share it.)
pub fn ascii_words(part: &[u8], mut word: impl FnMut(&[u8])) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut start = 0;
    let mut mode = Mode::Boundary;
    for i in 0..part.len() {
        let c = part[i];
        let Some(&next) = part.get(i + 1) else {
            word(&part[start..]);
            break;
        };
        let next_mode = if c.is_ascii_lowercase() {
            Mode::Lower
        } else if c.is_ascii_uppercase() {
            Mode::Upper
        } else {
            mode
        };
        if next_mode == Mode::Lower && next.is_ascii_uppercase() {
            word(&part[start..=i]);
            start = i + 1;
            mode = Mode::Boundary;
        } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
            word(&part[start..i]);
            start = i;
            mode = Mode::Boundary;
        } else {
            mode = next_mode;
        }
    }
}

/// Gives every named entry its final name. Higher priority first (a `$defs` name beats a
/// title, which beats a derived name), then the order the entries were made in; a name
/// already taken gets the smallest free numeric suffix, with a warning.
pub fn assign_names(
    entries: &mut [TypeEntry],
    mut candidates: Vec<Option<NameCandidate>>,
    warnings: &mut Vec<Warning>,
) {
    let count = candidates.iter().filter(|c| c.is_some()).count();
    let len = candidates.len();
    let mut taken: HashSet<String, FxBuildHasher> =
        HashSet::with_capacity_and_hasher(count, FxBuildHasher);
    // (Candidates are by entry index: one pass per priority keeps the order.)
    let order = [
        NamePriority::Definition,
        NamePriority::Title,
        NamePriority::Derived,
    ]
    .into_iter()
    .flat_map(|priority| (0..len).map(move |i| (priority, i)));
    for (priority, i) in order {
        if candidates[i]
            .as_ref()
            .is_none_or(|c| c.priority != priority)
        {
            continue;
        }
        let candidate = candidates[i].take().expect("checked");
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
            source: candidate.source,
            priority: candidate.priority,
        });
    }
}

/// Every string of 1 to `max_len` characters of `alphabet` (for tests that compare a
/// byte-wise conversion with heck's on all short strings).
#[cfg(test)]
pub(crate) fn all_short_strings(alphabet: &[char], max_len: usize) -> Vec<String> {
    let mut all = Vec::new();
    let mut frontier = vec![String::new()];
    for _ in 0..max_len {
        frontier = frontier
            .iter()
            .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
            .collect();
        all.extend(frontier.iter().cloned());
    }
    all
}

/// Names whose words are hard to split (acronyms, digits, separators), and the empty one.
#[cfg(test)]
pub(crate) const TRICKY_NAMES: &[&str] = &[
    "HTTPServer",
    "userID",
    "getHTTP2Response",
    "ABCdef",
    "a1B",
    "__proto__",
    "first-Name",
    "get invoice 25",
    "X",
    "",
];

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

    /// What `pascal_case` was written as: heck on the input with every character but ASCII
    /// letters and digits made a space.
    fn pascal_case_by_heck(source: &str) -> String {
        use heck::ToUpperCamelCase;
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

    #[test]
    fn pascal_case_is_heck_s() {
        let samples = [
            "",
            "a",
            "A",
            "1",
            "_",
            "aB",
            "Ab",
            "AB",
            "ABc",
            "ABC1d",
            "a1B",
            "A1b",
            "a1b",
            "HTTPResponse",
            "getHTTPResponseCode",
            "XMLHttpRequest",
            "page_User_",
            "__a__b__",
            "Money-Input",
            "orders.get_status",
            "v2Beta3",
            "V2BETA",
            "iOS",
            "ID",
            "userID",
            "user_id_2",
            "3d point",
            "123",
            "a  b",
            "ÄpfelBirnen",
            "snake_case_Name",
            "x.Y.z",
        ];
        for s in samples {
            assert_eq!(pascal_case(s), pascal_case_by_heck(s), "{s:?}");
        }
        // Every string of up to five characters from a small alphabet of each class.
        let alphabet = ['a', 'z', 'B', 'Y', '0', '9', '_', ' ', '.', 'é'];
        for s in all_short_strings(&alphabet, 5) {
            assert_eq!(pascal_case(&s), pascal_case_by_heck(&s), "{s:?}");
        }
        // Longer names that are PascalCase already, or nearly (the shortcut's cases).
        for s in all_short_strings(&['a', 'B', 'Y', '7'], 7) {
            let s = format!("Q{s}");
            assert_eq!(pascal_case(&s), pascal_case_by_heck(&s), "{s:?}");
        }
    }
}
