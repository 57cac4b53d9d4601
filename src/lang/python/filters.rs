//! Askama filters of the Python templates: schema text escaped for where it lands
//! (TOML strings, Markdown text, inline code, HTML comments, fenced code blocks).

/// A TOML basic string: quotes, backslashes and control characters escaped.
#[askama::filter_fn]
pub fn toml_str(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(toml_string(value))
}

/// Markdown body text: HTML-significant characters escaped (no raw HTML or comments from
/// the schema), line breaks kept, trailing whitespace dropped.
#[askama::filter_fn]
pub fn md_text(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(markdown_text(value))
}

/// One line of Markdown text (headings, list items).
#[askama::filter_fn]
pub fn md_line(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(markdown_text(&crate::lang::one_line(value)))
}

/// An inline code span for any text (backticks inside handled).
#[askama::filter_fn]
pub fn md_code(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(code_span(value))
}

/// Text inside an HTML comment (one line, no `--`).
#[askama::filter_fn]
pub fn html_comment(value: &str, _env: &dyn askama::Values) -> askama::Result<String> {
    Ok(crate::lang::one_line(value)
        .replace("--", "- -")
        .replace('>', "&gt;"))
}

pub fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn markdown_text(value: &str) -> String {
    let normalized = value
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    normalized
        .split('\n')
        .map(|line| {
            let mut escaped = String::with_capacity(line.len());
            for c in line.chars() {
                match c {
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '&' => escaped.push_str("&amp;"),
                    c if c.is_control() && c != '\t' => {}
                    c => escaped.push(c),
                }
            }
            escaped.truncate(escaped.trim_end().len());
            escaped
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_matches('\n')
        .to_string()
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: u8) -> usize {
    // Bytes: an ASCII byte never occurs inside the encoding of another character.
    // Most texts have no `c` at all: found (or not) with memchr, counted from the first.
    let Some(first) = memchr::memchr(c, s.as_bytes()) else {
        return 0;
    };
    let (mut best, mut run) = (0, 0);
    for &x in &s.as_bytes()[first..] {
        if x == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

pub fn code_span(value: &str) -> String {
    // What `one_line` leaves of a text without line breaks or control characters is the
    // text trimmed; most such texts have no backquote either (a wire name).
    let plain = !value
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '`');
    if plain {
        let one = value.trim();
        let mut out = String::with_capacity(one.len() + 2);
        out.push('`');
        out.push_str(one);
        out.push('`');
        return out;
    }
    let one = crate::lang::one_line(value);
    let ticks = "`".repeat(longest_run(&one, b'`') + 1);
    if one.starts_with('`') || one.ends_with('`') {
        format!("{ticks} {one} {ticks}")
    } else {
        format!("{ticks}{one}{ticks}")
    }
}

/// A fenced code block whose fence is longer than any backtick run inside.
pub fn fenced(lang: &str, content: &str) -> String {
    let fence = "`".repeat(longest_run(content, b'`').max(2) + 1);
    let mut out = String::with_capacity(2 * fence.len() + lang.len() + content.len() + 2);
    out.push_str(&fence);
    out.push_str(lang);
    out.push('\n');
    out.push_str(content);
    out.push('\n');
    out.push_str(&fence);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(toml_string("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"");
        assert_eq!(
            markdown_text("<!-- x -->\n a & b  "),
            "&lt;!-- x --&gt;\n a &amp; b"
        );
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert!(fenced("python", "```").starts_with("````python"));
        assert_eq!(code_span("  a.b  "), "`a.b`");
        assert_eq!(code_span("a\u{1}b"), "`a b`");
    }
}
