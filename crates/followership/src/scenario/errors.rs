//! Turning parser and validation errors into messages that say where and how to fix.

use crate::error::InputError;

/// `line:column` (1-based) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}

pub(crate) fn syntax_error(origin: &str, text: &str, e: &toml_edit::TomlError) -> InputError {
    let place = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            format!("{origin}:{l}:{c}")
        }
        None => origin.to_string(),
    };
    InputError::new(
        place,
        format!("this is not valid TOML: {}", e.message().trim()),
    )
}

/// Rewrites serde's "unknown field" and "unknown variant" messages with a suggestion.
pub(crate) fn deserialize_error(origin: &str, text: &str, e: &toml::de::Error) -> InputError {
    let message = e.message().trim();
    // Tagged tables (`kind = ...`, `distribution = ...`) are buffered before they are read, so
    // the parser can only point at the table; find the offending key inside it.
    // Checks made as a table is read (`[dynamics]`'s rule and its parameters) name their key
    // the same way: "key `temperature` ...".
    let unknown_key = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("key `"))
        .and_then(|rest| rest.split('`').next());
    let offset = e.span().map(|span| {
        unknown_key
            .and_then(|key| first_key_after(text, key, span.start))
            .unwrap_or(span.start)
    });
    let place = match offset {
        Some(offset) => {
            let (l, c) = line_col(text, offset);
            format!("{origin}:{l}:{c}")
        }
        None => origin.to_string(),
    };
    let rewritten = rewrite_unknown(message, "unknown field", "key")
        .or_else(|| rewrite_unknown(message, "unknown variant", "value"))
        .unwrap_or_else(|| {
            if let Some(field) = message.strip_prefix("missing field ") {
                format!("missing key {field}; add it (see `followership schema`)")
            } else {
                message.to_string()
            }
        });
    InputError::new(place, rewritten)
}

/// `unknown field `x`, expected one of `a`, `b`` becomes `unknown key `x`; did you mean `a`?`.
fn rewrite_unknown(message: &str, prefix: &str, noun: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?.trim_start();
    let word = rest.strip_prefix('`')?.split('`').next()?;
    let expected: Vec<&str> = rest
        .split_once("expected")
        .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let mut out = format!("unknown {noun} `{word}`");
    if let Some(s) = nearest(word, &expected) {
        out.push_str(&format!("; did you mean `{s}`?"));
    }
    if !expected.is_empty() {
        let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
        out.push_str(&format!(" (valid {noun}s here: {})", list.join(", ")));
    }
    Some(out)
}

/// Adds `file:line:column` to a validation error that names a key path.
pub(crate) fn locate(origin: &str, text: &str, e: InputError) -> InputError {
    let key = e.place.clone();
    match span_of_key(text, &key) {
        Some(offset) => {
            let (l, c) = line_col(text, offset);
            InputError::new(format!("{origin}:{l}:{c}"), format!("{key}: {}", e.message))
        }
        None => InputError::new(format!("{origin}: {key}"), e.message),
    }
}

/// Byte offset of the first key named `name` at or after `offset`, at any depth.
fn first_key_after(text: &str, name: &str, offset: usize) -> Option<usize> {
    fn walk(table: &dyn toml_edit::TableLike, name: &str, offset: usize, best: &mut Option<usize>) {
        for (key, item) in table.iter() {
            if key == name
                && let Some(start) = table.key(key).and_then(|k| k.span()).map(|s| s.start)
                && start >= offset
                && best.is_none_or(|b| start < b)
            {
                *best = Some(start);
            }
            if let Some(inner) = item.as_table_like() {
                walk(inner, name, offset, best);
            }
        }
    }
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut best = None;
    walk(doc.as_table(), name, offset, &mut best);
    best
}

/// Byte offset of the value at `path` (`a.b[2].c`), or of its nearest enclosing key.
fn span_of_key(text: &str, path: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    let mut best = None;
    let parts: Vec<&str> = path.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let (name, index) = match part.split_once('[') {
            Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let Some((key, item)) = table.get_key_value(name) else {
            return best;
        };
        best = key.span().or(item.span()).map(|s| s.start).or(best);
        let last = depth + 1 == parts.len();
        match index {
            Some(i) => {
                if let Some(tables) = item.as_array_of_tables() {
                    // `[[events]]`: the i-th table, then the rest of the path inside it.
                    let Some(t) = tables.get(i) else { return best };
                    best = t.span().map(|s| s.start).or(best);
                    table = t;
                } else {
                    let v = item.as_array().and_then(|a| a.get(i));
                    best = v.and_then(|v| v.span()).map(|s| s.start).or(best);
                    return best;
                }
            }
            None if last => return best,
            None => match item.as_table_like() {
                Some(t) => table = t,
                None => return best,
            },
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        assert_eq!(nearest("nodez", &["nodes", "kind", "k"]), Some("nodes"));
        assert_eq!(
            nearest("visibilty", &["visibility", "rule"]),
            Some("visibility")
        );
        assert_eq!(nearest("zzzzzzzz", &["nodes", "kind"]), None);
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn key_paths_reach_into_arrays_of_tables() {
        let text = "name = \"x\"\n[[events]]\ntick = 1\nkind = \"kept-promise\"\n[[events]]\ntick = 0\nkind = \"kept-promise\"\n";
        let (l, c) = line_col(text, span_of_key(text, "events[1].tick").unwrap());
        assert_eq!((l, c), (6, 1));
    }

    #[test]
    fn key_paths_are_found_in_nested_and_inline_tables() {
        let text = "name = \"x\"\n[people]\nthreshold = { distribution = \"uniform\", low = 2, high = 1 }\n[initial]\nids = [1, 2, 3]\n";
        let (l, c) = line_col(text, span_of_key(text, "people.threshold.low").unwrap());
        assert_eq!((l, c), (3, 41));
        let (l, c) = line_col(text, span_of_key(text, "initial.ids[1]").unwrap());
        assert_eq!((l, c), (5, 11));
    }
}
