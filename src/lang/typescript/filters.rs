//! Askama filters of the TypeScript templates: escaping schema text for where it lands.

use super::doc::{WIDTH, str_width};
use super::types::{DocLines, OUTSIDE, SLASH};

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
pub fn md_inline<'a>(
    value: &'a str,
    _env: &dyn askama::Values,
) -> askama::Result<std::borrow::Cow<'a, str>> {
    Ok(md_cell(value))
}

pub(super) fn md_cell(value: &str) -> std::borrow::Cow<'_, str> {
    // Most cells (names, types, summaries) are printable ASCII with nothing to change.
    // One pass or'd over every byte (it vectorizes); `--` and `*/` are looked for only
    // at a `-` or `/`.
    let bytes = value.as_bytes();
    let special = bytes.iter().fold(false, |any, &b| {
        any | !(b' '..=b'~').contains(&b) | (b == b'|') | (b == b'<')
    });
    let unchanged = !special
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && memchr::memchr_iter(b'-', bytes).all(|i| bytes.get(i + 1) != Some(&b'-'))
        && memchr::memchr_iter(b'/', bytes).all(|i| i == 0 || bytes[i - 1] != b'*');
    if unchanged {
        return std::borrow::Cow::Borrowed(value);
    }
    std::borrow::Cow::Owned(md_inline_text(value))
}

fn md_inline_text(value: &str) -> String {
    let one = clean(&crate::lang::one_line(value));
    one.replace('|', "\\|")
        .replace("--", "- -")
        .replace('<', "&lt;")
}

pub fn jsdoc_block(lines: &[String], indent: usize) -> String {
    let mut out = String::new();
    push_jsdoc(&mut out, &DocLines::of(lines), indent);
    out
}

/// [`jsdoc_block`] of `lines`, appended to `out` (declarations are written straight into
/// their file's text).
pub fn push_jsdoc(out: &mut String, lines: &DocLines, indent: usize) {
    // Most members have no doc comment.
    if lines.is_empty() {
        return;
    }
    // Most doc text is printable ASCII with nothing to escape: used as it is.
    let text = lines.text();
    if is_plain(lines) {
        push_clean_jsdoc(
            out,
            lines.len(),
            |i| &text[lines.ranges()[i].clone()],
            indent,
        );
    } else {
        let cleaned: Vec<String> = (0..lines.len()).map(|i| clean(lines.line(i))).collect();
        push_clean_jsdoc(out, cleaned.len(), |i| &cleaned[i], indent);
    }
}

/// The comment of `count` lines, `line(i)` each, already cleaned.
fn push_clean_jsdoc<'a>(
    out: &mut String,
    count: usize,
    line: impl Fn(usize) -> &'a str,
    indent: usize,
) {
    // Leading and trailing blank lines are dropped.
    let Some(start) = (0..count).position(|i| !line(i).is_empty()) else {
        return;
    };
    let end = (start..count)
        .rposition(|i| !line(i).is_empty())
        .map_or(start, |e| start + e + 1);
    let pad = |out: &mut String| push_spaces(out, indent);
    if end - start == 1 {
        let only = line(start);
        // A character is never wider than its UTF-8 bytes: the width is needed only for
        // long lines.
        let fits = |width: usize| indent + width + "/**  */".len() <= WIDTH;
        if fits(only.len()) || fits(str_width(only)) {
            out.reserve(only.len() + indent + 8);
            out.push_str("/** ");
            out.push_str(only);
            out.push_str(" */\n");
            pad(out);
            return;
        }
    }
    let size: usize = (start..end).map(|i| line(i).len() + indent + 4).sum();
    out.reserve(size + 2 * indent + 8);
    // Each line is led by the end of the one before: a newline, the indentation, ` * `
    // (one text for the usual indentations).
    let other_lead;
    let lead = match indent {
        0 => "\n * ",
        2 => "\n   * ",
        4 => "\n     * ",
        _ => {
            other_lead = format!("\n{} * ", " ".repeat(indent));
            other_lead.as_str()
        }
    };
    let lead_without_space = &lead[..lead.len() - 1];
    out.push_str("/**");
    for i in start..end {
        let l = line(i);
        if l.is_empty() {
            out.push_str(lead_without_space);
        } else {
            out.push_str(lead);
            out.push_str(l);
        }
    }
    out.push_str(lead_without_space);
    out.push_str("/\n");
    pad(out);
}

/// `n` spaces, appended to `out`.
pub(super) fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                ";
    if n <= SPACES.len() {
        out.push_str(&SPACES[..n]);
    } else {
        out.extend(std::iter::repeat_n(' ', n));
    }
}

/// Whether [`clean`] leaves every line as it is: printable ASCII, no comment
/// terminator, no trailing space (the lines tell what their bytes may be).
pub fn is_plain(lines: &DocLines) -> bool {
    let bits = lines.bits();
    if bits & OUTSIDE != 0 || lines.may_have_trailing_space() {
        return false;
    }
    // A `/` (rare) is looked at only when there is one.
    let bytes = lines.text().as_bytes();
    bits & SLASH == 0 || !memchr::memchr_iter(b'/', bytes).any(|i| i > 0 && bytes[i - 1] == b'*')
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
            if super::is_plain(&super::DocLines::of(&[line])) {
                assert_eq!(super::clean(line), line, "{line:?}");
            }
        }
    }

    /// The comment as it was written before the lines were kept in one text: every line
    /// split at line terminators (a CRLF being one), cleaned, blank lines around dropped.
    fn reference(lines: &[String], indent: usize) -> String {
        let mut cleaned: Vec<String> = Vec::new();
        for l in lines {
            let l = l.replace("\r\n", "\n");
            cleaned.extend(
                l.split(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .map(super::clean),
            );
        }
        let Some(start) = cleaned.iter().position(|l| !l.is_empty()) else {
            return String::new();
        };
        let end = cleaned.iter().rposition(|l| !l.is_empty()).unwrap() + 1;
        let lines = &cleaned[start..end];
        let pad = " ".repeat(indent);
        if lines.len() == 1 && indent + super::str_width(&lines[0]) + 7 <= super::WIDTH {
            return format!("/** {} */\n{pad}", lines[0]);
        }
        let mut out = "/**\n".to_string();
        for l in lines {
            if l.is_empty() {
                out.push_str(&format!("{pad} *\n"));
            } else {
                out.push_str(&format!("{pad} * {l}\n"));
            }
        }
        out.push_str(&format!("{pad} */\n{pad}"));
        out
    }

    /// Random lines (terminators, control and wide characters, comment terminators,
    /// trailing blanks, lengths around the print width) give the reference's comment.
    #[test]
    fn comments_match_the_reference() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x51_7cc1_b727_220au64);
        let pieces = [
            "word",
            " ",
            "",
            "*/",
            "\n",
            "\r\n",
            "\r",
            "\u{2028}",
            "\u{2029}",
            "\t",
            "\0",
            "\u{202e}",
            "\u{feff}",
            "漢字",
            "e\u{301}",
            "café",
            "x".repeat(30).leak(),
        ];
        for _ in 0..5_000 {
            let lines: Vec<String> = (0..below(5))
                .map(|_| (0..below(8)).map(|_| pieces[below(17)]).collect())
                .collect();
            let indent = 2 * below(3);
            assert_eq!(
                jsdoc_block(&lines, indent),
                reference(&lines, indent),
                "{lines:?}"
            );
        }
    }

    /// Cells left as they are are those the escaping leaves as they are.
    #[test]
    fn plain_cells_are_kept_as_they_are() {
        for value in [
            "", "a b", " a", "a ", "a  b", "a|b", "a<b", "a--b", "a-b", "*/", "a\tb", "é",
            "\u{2028}",
        ] {
            assert_eq!(
                super::md_cell(value),
                super::md_inline_text(value),
                "{value:?}"
            );
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
