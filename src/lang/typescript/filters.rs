//! Askama filters of the TypeScript templates: escaping schema text for where it lands.

use std::borrow::Cow;

use super::doc::{WIDTH, str_width};

/// A JSDoc comment of `lines` (raw schema text) for a declaration whose line is indented
/// by `indent` columns, followed by a newline and that indentation; empty when there
/// are no lines. `*/` cannot end the comment early, line terminators split lines, other
/// control characters are written as `\uXXXX`, trailing whitespace is dropped (prettier
/// would drop it).
#[askama::filter_fn]
pub fn jsdoc(lines: &[String], _env: &dyn askama::Values, indent: usize) -> askama::Result<String> {
    Ok(jsdoc_block(lines, indent))
}

/// Text for a `//` comment: one line, invisible formatting characters escaped.
#[askama::filter_fn]
pub fn line_comment(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(clean(&crate::lang::one_line(value)))
}

/// A JSON string (for package.json).
#[askama::filter_fn]
pub fn json_string(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(serde_json::to_string(value).expect("a string serializes"))
}

/// Text for a Markdown table cell or an HTML comment: one line, `|` escaped, no `--`.
#[askama::filter_fn]
pub fn md_inline(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    let one = clean(&crate::lang::one_line(value));
    Ok(one
        .replace('|', "\\|")
        .replace("--", "- -")
        .replace('<', "&lt;"))
}

pub fn jsdoc_block(lines: &[String], indent: usize) -> String {
    let mut out = String::new();
    push_jsdoc_block(&mut out, lines, indent);
    out
}

/// [`jsdoc_block`], appended to `out` (interface members are written straight into the
/// interface's text).
pub fn push_jsdoc_block(out: &mut String, lines: &[String], indent: usize) {
    let mut cleaned: Vec<Cow<str>> = Vec::with_capacity(lines.len());
    for l in lines {
        if l.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            cleaned.extend(
                super::types::split_lines(l)
                    .iter()
                    .map(|part| Cow::Owned(clean(part))),
            );
        } else {
            cleaned.push(clean_cow(l));
        }
    }
    let lines = cleaned;
    // Drop leading and trailing blank lines.
    let start = lines.iter().position(|l| !l.is_empty());
    let Some(start) = start else {
        return;
    };
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    let lines = &lines[start..end];
    let pad = |out: &mut String| out.extend(std::iter::repeat_n(' ', indent));
    if lines.len() == 1 && indent + str_width(&lines[0]) + "/**  */".len() <= WIDTH {
        out.reserve(lines[0].len() + indent + 8);
        out.push_str("/** ");
        out.push_str(&lines[0]);
        out.push_str(" */\n");
        pad(out);
        return;
    }
    let size: usize = lines.iter().map(|l| l.len() + indent + 4).sum();
    out.reserve(size + 2 * indent + 8);
    out.push_str("/**\n");
    for l in lines {
        pad(out);
        if l.is_empty() {
            out.push_str(" *\n");
        } else {
            out.push_str(" * ");
            out.push_str(l);
            out.push('\n');
        }
    }
    pad(out);
    out.push_str(" */\n");
    pad(out);
}

/// [`clean`], borrowing the line when it is printable ASCII with nothing to change (most
/// doc lines).
fn clean_cow(line: &str) -> Cow<'_, str> {
    let plain = line.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !line.contains("*/")
        && !line.ends_with(' ');
    if plain {
        Cow::Borrowed(line)
    } else {
        Cow::Owned(clean(line))
    }
}

/// One comment line: no comment terminator, no control characters, no trailing
/// whitespace (JavaScript's `trim` also removes U+FEFF).
fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str("  "),
            c if c.is_control() || super::print::is_invisible(c) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    let out = out.replace("*/", "*\\/");
    out.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::jsdoc_block;

    #[test]
    fn plain_lines_are_kept_as_they_are() {
        for line in [
            "",
            "a b",
            "ends */",
            "ends ",
            "tab\t",
            "caf\u{e9}",
            "x*/y",
            "~",
        ] {
            assert_eq!(super::clean_cow(line), super::clean(line), "{line:?}");
        }
    }

    #[test]
    fn comments_cannot_be_closed_early() {
        let lines = vec![
            "Ends */ here".to_string(),
            "".to_string(),
            "second\u{2028}third\0\u{202e}".to_string(),
        ];
        assert_eq!(
            jsdoc_block(&lines, 2),
            "/**\n   * Ends *\\/ here\n   *\n   * second\n   * third\\u0000\\u202e\n   */\n  "
        );
        assert_eq!(jsdoc_block(&["short".to_string()], 0), "/** short */\n");
        assert_eq!(jsdoc_block(&[], 0), "");
        assert_eq!(jsdoc_block(&["  ".to_string()], 0), "");
    }
}
