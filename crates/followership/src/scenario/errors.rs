//! Turning parser and validation errors into messages that say where and how to fix.

use crate::error::InputError;

use super::Override;

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

/// The texts an error may point into: the scenario as written, and as read after overrides.
pub(crate) struct Sources<'a> {
    /// The file path or `builtin:NAME`.
    pub(crate) origin: &'a str,
    /// The text as written: `file:line:column` in messages point into it.
    pub(crate) written: &'a str,
    /// The text after the overrides, which the parser and the validation saw.
    pub(crate) edited: &'a str,
    /// The overrides that turned `written` into `edited`, in the order applied.
    pub(crate) overrides: &'a [Override],
}

impl Sources<'_> {
    /// Where the value at key path `path` came from: the option that set it, or its
    /// `file:line:column` in the text as written.
    ///
    /// Line numbers in the edited text are not those of the file (an override of a key the file
    /// leaves out adds a line), so places are found by key path, never by edited offset.
    pub(crate) fn place_of(&self, path: &str) -> String {
        let segments = key_segments(path);
        // The last override wins, as in the document.
        let covering = self.overrides.iter().rev().find(|o| {
            o.path.len() <= segments.len() && o.path.iter().zip(&segments).all(|(a, b)| a == b)
        });
        if let Some(o) = covering {
            return o.place.clone();
        }
        if let Some(offset) = span_of_key(self.written, path) {
            let (l, c) = line_col(self.written, offset);
            return format!("{}:{l}:{c}", self.origin);
        }
        // A table only an override created (`--set momentum.pressure=2` without [momentum]).
        let inside = self.overrides.iter().rev().find(|o| {
            o.path.len() > segments.len() && o.path.iter().zip(&segments).all(|(a, b)| a == b)
        });
        match inside {
            Some(o) => o.place.clone(),
            None => format!("{}: {path}", self.origin),
        }
    }

    /// The place of a byte offset of the edited text (where the parser stopped).
    fn place_of_offset(&self, offset: usize) -> String {
        if self.overrides.is_empty() {
            let (l, c) = line_col(self.edited, offset);
            return format!("{}:{l}:{c}", self.origin);
        }
        match path_at(self.edited, offset) {
            Some(path) => self.place_of(&path),
            None => self.origin.to_string(),
        }
    }
}

/// The names of a key path without array indices: `events[1].tick` is `events`, `tick`.
fn key_segments(path: &str) -> Vec<&str> {
    path.split('.')
        .map(|p| p.split_once('[').map_or(p, |(name, _)| name))
        .collect()
}

pub(crate) fn syntax_error(origin: &str, text: &str, e: &toml_edit::TomlError) -> InputError {
    let place = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            format!("{origin}:{l}:{c}")
        }
        None => origin.to_string(),
    };
    let message = e.message().trim();
    let rewritten = if message.starts_with("duplicate key") {
        // toml_edit does not say which key; the span does.
        let key = e
            .span()
            .and_then(|s| text.get(s))
            .map(|k| k.trim().trim_matches(['[', ']', '"', '\'']).trim())
            .filter(|k| !k.is_empty());
        match key {
            Some(key) => {
                format!("`{key}` is given twice (a key, or a [table] header); keep one of them")
            }
            None => "a key or [table] is given twice; keep one of them".to_string(),
        }
    } else {
        format!("this is not valid TOML: {message}")
    };
    InputError::new(place, rewritten)
}

/// Rewrites serde's messages into the user's words, with a suggestion, at the place the value
/// came from.
pub(crate) fn deserialize_error(src: &Sources<'_>, e: &toml::de::Error) -> InputError {
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
            .and_then(|key| first_key_after(src.edited, key, span.start))
            .unwrap_or(span.start)
    });
    let mut path = offset.and_then(|o| path_at(src.edited, o));
    // Tagged tables are read as a whole, so serde points at the table, not at the bad value
    // inside it: find the value by what serde says it found.
    if let (Some(table), Some(found)) = (&path, found_value(message))
        && let Some(inner) = value_inside(src, table, &found)
    {
        path = Some(inner);
    }
    let place = match (&path, offset) {
        (Some(path), _) if !src.overrides.is_empty() => src.place_of(path),
        (_, Some(offset)) => match &path {
            Some(p) if unknown_key.is_none() => match span_of_key(src.edited, p) {
                Some(o) if o > offset => src.place_of_offset(o),
                _ => src.place_of_offset(offset),
            },
            _ => src.place_of_offset(offset),
        },
        (_, None) => src.origin.to_string(),
    };
    let rewritten = rewrite_unknown(message, "unknown field", "key")
        .or_else(|| rewrite_unknown(message, "unknown variant", "value"))
        .or_else(|| rewrite_type(message, src.edited, path.as_deref()))
        .unwrap_or_else(|| {
            if let Some(field) = message.strip_prefix("missing field ") {
                format!("missing key {field}; add it (see `followership schema`)")
            } else {
                message.to_string()
            }
        });
    // Name the key when the place is an option (`--set ...`), which may set several.
    // Name the key: an option (`--set a=1 --set b=2`) or a line may hold more than one.
    let rewritten = match &path {
        Some(path)
            if unknown_key.is_none()
                && !(message.starts_with("missing field") && offset == Some(0)) =>
        {
            naming_key(&place, path, &rewritten)
        }
        _ => rewritten,
    };
    InputError::new(place, rewritten)
}

/// `message` with the key path `path` in front, so that an option or a line that holds several
/// keys still says which one, unless `place` already ends with that path: a key the file leaves
/// out and no option set is placed as `origin: path` (see [`Sources::place_of`]), and the key
/// is then said once, not twice.
fn naming_key(place: &str, path: &str, message: &str) -> String {
    if place
        .strip_suffix(path)
        .is_some_and(|rest| rest.ends_with(": "))
    {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

/// The value serde says it found (`invalid type: integer `3`, expected ...`), as TOML.
fn found_value(message: &str) -> Option<toml_edit::Value> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, _) = rest.rsplit_once(", expected ")?;
    let literal = if let Some(text) = found.strip_prefix("string ") {
        text.to_string()
    } else {
        ["integer ", "floating point ", "boolean "]
            .iter()
            .find_map(|p| found.strip_prefix(p))?
            .trim_matches('`')
            .to_string()
    };
    literal.parse().ok()
}

/// The one key path under the table at `path` whose value is `found` (preferring a value an
/// override set), if `path` is a table.
fn value_inside(src: &Sources<'_>, path: &str, found: &toml_edit::Value) -> Option<String> {
    fn same(a: &toml_edit::Value, b: &toml_edit::Value) -> bool {
        use toml_edit::Value as V;
        match (a, b) {
            (V::Integer(x), V::Integer(y)) => x.value() == y.value(),
            (V::Float(x), V::Float(y)) => x.value() == y.value(),
            (V::String(x), V::String(y)) => x.value() == y.value(),
            (V::Boolean(x), V::Boolean(y)) => x.value() == y.value(),
            _ => false,
        }
    }
    fn walk(
        t: &dyn toml_edit::TableLike,
        prefix: &str,
        found: &toml_edit::Value,
        out: &mut Vec<String>,
    ) {
        for (key, item) in t.iter() {
            let p = format!("{prefix}.{key}");
            match item {
                toml_edit::Item::Value(v) if same(v, found) => out.push(p),
                toml_edit::Item::Value(toml_edit::Value::InlineTable(inner)) => {
                    walk(inner, &p, found, out)
                }
                toml_edit::Item::Table(inner) => walk(inner, &p, found, out),
                _ => {}
            }
        }
    }
    if path.contains('[') {
        return None;
    }
    let doc = toml_edit::Document::parse(src.edited).ok()?;
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    for part in path.split('.') {
        table = table.get(part)?.as_table_like()?;
    }
    let mut hits = Vec::new();
    walk(table, path, found, &mut hits);
    let overridden = |p: &String| src.overrides.iter().any(|o| o.path.join(".") == *p);
    match hits.iter().find(|p| overridden(p)) {
        Some(p) => Some(p.clone()),
        None if hits.len() == 1 => hits.pop(),
        None => None,
    }
}

/// `invalid type: string "x", expected u64` becomes `expected a whole number from 0 to ...,
/// found the text "x"`: serde names Rust types, which the user never wrote.
fn rewrite_type(message: &str, edited: &str, path: Option<&str>) -> Option<String> {
    if message == "wanted string or table" {
        // An enum given something else than a name: list the names it takes.
        let names = path.and_then(|p| probe_names(edited, p, toml_edit::value("\u{1}")));
        return Some(match names {
            Some(names) => format!("expected one of {names}, in quotes"),
            None => "expected a name in quotes (see `followership schema`)".to_string(),
        });
    }
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let whole = |max: &str| format!("a whole number from 0 to {max}");
    let expected = match expected {
        "u64" | "usize" | "i64" => whole("9223372036854775807 (2^63 - 1)"),
        "u32" => whole("4294967295"),
        "u16" => whole("65535"),
        "u8" => whole("255"),
        "f64" | "f32" => "a number, such as 0.5".to_string(),
        "a boolean" => "true or false (without quotes)".to_string(),
        "a string" | "a borrowed string" => "text in quotes".to_string(),
        "a sequence" => "a list in square brackets, such as [1, 2]".to_string(),
        "a map" => "a table (a [section] or { key = value, ... })".to_string(),
        other => match other.strip_prefix("internally tagged enum ") {
            Some(_) => tagged_table(edited, path),
            None if other.starts_with("struct ") => {
                "a table (a [section] or { key = value, ... })".to_string()
            }
            None => return None,
        },
    };
    let found = if let Some(text) = found.strip_prefix("string ") {
        let digits = text.trim_matches('"');
        if !digits.is_empty()
            && digits
                .trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit())
            && expected.starts_with("a whole number")
        {
            // A number TOML cannot hold as an integer arrives as text.
            return Some(format!("{digits} is too large; expected {expected}"));
        }
        format!("the text {text}")
    } else if let Some(v) = ["integer ", "floating point ", "boolean "]
        .iter()
        .find_map(|p| found.strip_prefix(p))
    {
        v.trim_matches('`').to_string()
    } else {
        match found {
            "sequence" => "a list".to_string(),
            "map" => "a table".to_string(),
            other => other.to_string(),
        }
    };
    Some(format!("expected {expected}, found {found}"))
}

/// What an internally tagged table (`kind = ...`) wants, with its tag key and choices found by
/// asking the parser (so the list never goes out of date).
fn tagged_table(edited: &str, path: Option<&str>) -> String {
    let probe = |value: toml_edit::InlineTable| {
        path.and_then(|p| probe_message(edited, p, toml_edit::value(value)))
    };
    let tag = probe(toml_edit::InlineTable::new()).and_then(|m| {
        m.strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
            .map(str::to_string)
    });
    let Some(tag) = tag else {
        return "a table (see `followership schema`)".to_string();
    };
    let mut table = toml_edit::InlineTable::new();
    table.insert(&tag, "\u{1}".into());
    let names = path.and_then(|p| probe_names(edited, p, toml_edit::value(table)));
    match names {
        Some(names) => format!("a table with `{tag} = ...` naming one of: {names}"),
        None => format!("a table with `{tag} = ...`"),
    }
}

/// The names an enum at `path` accepts, from the parser's "unknown variant" message when
/// `path` holds `value`.
fn probe_names(edited: &str, path: &str, value: toml_edit::Item) -> Option<String> {
    let message = probe_message(edited, path, value)?;
    let rest = message.strip_prefix("unknown variant")?;
    let (_, expected) = rest.split_once("expected")?;
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|n| format!("`{n}`"))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The parser's message when the value at `path` (no array indices) is replaced by `value`.
fn probe_message(edited: &str, path: &str, value: toml_edit::Item) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = edited.parse().ok()?;
    let segments = key_segments(path);
    if path.contains('[') {
        return None;
    }
    let (last, parents) = segments.split_last()?;
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for part in parents {
        table = table.get_mut(part)?.as_table_like_mut()?;
    }
    table.insert(last, value);
    let e = toml::from_str::<super::Scenario>(&doc.to_string()).err()?;
    Some(e.message().trim().to_string())
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

/// Adds the place (`file:line:column`, or the option that set the value) to a validation error
/// that names a key path.
pub(crate) fn locate(src: &Sources<'_>, e: InputError) -> InputError {
    let place = src.place_of(&e.place);
    let message = naming_key(&place, &e.place, &e.message);
    InputError::new(place, message)
}

/// The key path (`a.b[2].c`) of the key, table header or array element that starts last at or
/// before `offset`: the value the parser was reading there.
fn path_at(text: &str, offset: usize) -> Option<String> {
    fn consider(
        best: &mut Option<(usize, String)>,
        start: Option<usize>,
        offset: usize,
        path: &str,
    ) {
        if let Some(start) = start
            && start <= offset
            && best.as_ref().is_none_or(|(b, _)| start >= *b)
        {
            *best = Some((start, path.to_string()));
        }
    }
    fn value(v: &toml_edit::Value, path: &str, offset: usize, best: &mut Option<(usize, String)>) {
        match v {
            toml_edit::Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    consider(best, item.span().map(|s| s.start), offset, &p);
                    value(item, &p, offset, best);
                }
            }
            toml_edit::Value::InlineTable(t) => table(t, path, offset, best),
            _ => {}
        }
    }
    fn table(
        t: &dyn toml_edit::TableLike,
        prefix: &str,
        offset: usize,
        best: &mut Option<(usize, String)>,
    ) {
        for (key, item) in t.iter() {
            let path = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            consider(
                best,
                t.key(key).and_then(|k| k.span()).map(|s| s.start),
                offset,
                &path,
            );
            match item {
                toml_edit::Item::Value(v) => value(v, &path, offset, best),
                toml_edit::Item::Table(inner) => {
                    consider(best, inner.span().map(|s| s.start), offset, &path);
                    table(inner, &path, offset, best);
                }
                toml_edit::Item::ArrayOfTables(tables) => {
                    for (i, inner) in tables.iter().enumerate() {
                        let p = format!("{path}[{i}]");
                        consider(best, inner.span().map(|s| s.start), offset, &p);
                        table(inner, &p, offset, best);
                    }
                }
                toml_edit::Item::None => {}
            }
        }
    }
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut best = None;
    table(doc.as_table(), "", offset, &mut best);
    best.map(|(_, p)| p)
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
