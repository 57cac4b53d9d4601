//! `rpcforge diff`: every change between two versions of an API, classified as breaking or
//! safe for the callers of the generated clients (see [`rules`] for the rules).
//!
//! Both documents are normalized first ([`crate::ir::normalize`]), so what is compared is
//! what the clients are generated from: methods are matched by wire name, events by name,
//! servers by name, and types structurally along the paths params / result / payload
//! (never by their position in the document, nor by their name, which may change).

mod compare;
pub mod rules;

use serde::Serialize;

pub use rules::{Class, Direction, Rule};

use crate::ir::Api;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    #[serde(serialize_with = "rule_id")]
    pub rule: Rule,
    pub class: Class,
    /// JSON pointer into the old document (`None` for something added).
    pub old_pointer: Option<String>,
    /// JSON pointer into the new document (`None` for something removed).
    pub new_pointer: Option<String>,
    /// Where in the API, e.g. `orders.create(params).lines[].quantity`.
    pub location: String,
    pub message: String,
}

fn rule_id<S: serde::Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id())
}

impl Change {
    /// The pointer to show: the new document's, or the old one's for a removal.
    pub fn pointer(&self) -> &str {
        self.new_pointer
            .as_deref()
            .or(self.old_pointer.as_deref())
            .unwrap_or("")
    }
}

/// All changes from `old` to `new`, in a stable order (servers, then methods in the old
/// document's order and added ones in the new one's, then events).
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut c = compare::Comparer::new(old, new);
    c.compare_api();
    c.changes
}

/// Counts of (breaking, safe) changes.
pub fn counts(changes: &[Change]) -> (usize, usize) {
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    (breaking, changes.len() - breaking)
}

fn pointers(c: &Change) -> String {
    match (&c.old_pointer, &c.new_pointer) {
        (Some(o), Some(n)) if o == n => o.clone(),
        (Some(o), Some(n)) => format!("{o} -> {n}"),
        (Some(o), None) => format!("{o} (old)"),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    }
}

fn summary(changes: &[Change]) -> String {
    let (b, s) = counts(changes);
    if changes.is_empty() {
        "no changes".to_string()
    } else {
        format!(
            "{b} breaking change{}, {s} safe change{}",
            if b == 1 { "" } else { "s" },
            if s == 1 { "" } else { "s" }
        )
    }
}

/// One line per change, breaking ones first, then a summary line.
pub fn render_text(changes: &[Change]) -> String {
    let mut out = String::new();
    for class in [Class::Breaking, Class::Safe] {
        for c in changes.iter().filter(|c| c.class == class) {
            out.push_str(&format!(
                "{}: {}: {}: {}: {}\n",
                class.as_str(),
                c.rule.id(),
                one_line(&pointers(c)),
                one_line(&c.location),
                one_line(&c.message)
            ));
        }
    }
    out.push_str(&summary(changes));
    out.push('\n');
    out
}

/// `{"breaking": n, "safe": n, "changes": [...]}`.
pub fn render_json(changes: &[Change]) -> String {
    let (breaking, safe) = counts(changes);
    let value = serde_json::json!({
        "breaking": breaking,
        "safe": safe,
        "changes": changes,
    });
    serde_json::to_string_pretty(&value).expect("changes serialize") + "\n"
}

/// A pull-request comment: a heading with the counts and one table per class.
pub fn render_markdown(changes: &[Change]) -> String {
    let (b, _) = counts(changes);
    let mut out = format!(
        "### rpcforge diff: {}{}\n\n",
        summary(changes),
        if b > 0 { " ⚠️" } else { "" }
    );
    if changes.is_empty() {
        out.push_str("The API is unchanged for the generated clients.\n");
        return out;
    }
    for (class, title) in [
        (Class::Breaking, "Breaking changes"),
        (Class::Safe, "Safe changes"),
    ] {
        let rows: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "#### {title}\n\n| Rule | Where | Pointer | Change |\n|---|---|---|---|\n"
        ));
        for c in rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                md_code(c.rule.id()),
                md_code(&c.location),
                md_code(&pointers(c)),
                md_text(&c.message)
            ));
        }
        out.push('\n');
    }
    out
}

/// Text from the schema on one line: control characters (newlines...) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A Markdown code span safe inside a table cell.
fn md_code(s: &str) -> String {
    let s = one_line(s).replace('|', "\\|");
    let mut ticks = 1;
    while s.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Markdown text with its syntax characters escaped (no links, HTML or emphasis from
/// schema text).
fn md_text(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The rules table of the README (Markdown).
pub fn rules_table() -> String {
    let mut out = String::from("| rule | class | what |\n|---|---|---|\n");
    for rule in Rule::ALL {
        let (input, output) = (
            rule.class_in(Direction::Input),
            rule.class_in(Direction::Output),
        );
        let class = if input == output {
            input.as_str().to_string()
        } else {
            format!(
                "params: {}, results and payloads: {}",
                input.as_str(),
                output.as_str()
            )
        };
        out.push_str(&format!(
            "| `{}` | {class} | {} |\n",
            rule.id(),
            rule.what()
        ));
    }
    out
}
