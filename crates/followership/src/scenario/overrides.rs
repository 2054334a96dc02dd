//! `--set key.path=value`: edits applied to a scenario document before it is read.

use std::str::FromStr;

use crate::error::InputError;

/// One `key.path=value` override.
#[derive(Debug, Clone)]
pub struct Override {
    /// Dotted key path, e.g. `dynamics.visibility`.
    pub path: Vec<String>,
    /// The new value, as TOML.
    pub value: toml_edit::Value,
    /// The override as written, for messages.
    pub text: String,
    /// Where the override was given, named in messages about its value: `--set key=value`
    /// unless [`Override::given_as`] says otherwise (an option such as `--seed 5`, or a sweep
    /// entry's `file:line:column`).
    pub place: String,
}

impl FromStr for Override {
    type Err = InputError;

    /// Parses `key.path=value`; the value is read as TOML (`0.5`, `true`, `[1, 2]`,
    /// `"text"`), and anything that is not valid TOML is taken as a plain string.
    fn from_str(s: &str) -> Result<Self, InputError> {
        let Some((key, value)) = s.split_once('=') else {
            return Err(InputError::new(
                format!("--set {s}"),
                "expected key.path=value, for example --set dynamics.visibility=0.2",
            ));
        };
        let path: Vec<String> = key
            .trim()
            .split('.')
            .map(|p| p.trim().to_string())
            .collect();
        if path.iter().any(String::is_empty) {
            return Err(InputError::new(
                format!("--set {s}"),
                "the key path has an empty part; write it like network.nodes",
            ));
        }
        let value = value.trim();
        let value =
            toml_edit::Value::from_str(value).unwrap_or_else(|_| toml_edit::Value::from(value));
        Ok(Override {
            path,
            value,
            text: s.to_string(),
            place: format!("--set {s}"),
        })
    }
}

impl Override {
    /// Sets the dotted key path `key` to `value` (from the library: messages name the key).
    pub fn new(key: &str, value: toml_edit::Value) -> Result<Override, InputError> {
        let text = format!("{key}={}", value.to_string().trim());
        let path: Vec<String> = key.split('.').map(|p| p.trim().to_string()).collect();
        if path.iter().any(String::is_empty) {
            return Err(InputError::new(
                key,
                "the key path has an empty part; write it like network.nodes",
            ));
        }
        Ok(Override {
            path,
            value,
            text,
            place: key.to_string(),
        })
    }

    /// The same override, named `place` in messages: for a value the user gave another way
    /// than `--set` (`--replicates 5` becomes the override `replicates=5`).
    pub fn given_as(mut self, place: impl Into<String>) -> Self {
        self.place = place.into();
        self
    }

    /// Writes the value into the document, creating tables on the way as needed.
    pub fn apply(&self, doc: &mut toml_edit::DocumentMut) -> Result<(), InputError> {
        let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
        let (last, parents) = self.path.split_last().expect("paths are never empty");
        for (depth, part) in parents.iter().enumerate() {
            let entry = table
                .entry(part)
                .or_insert(toml_edit::Item::Table(toml_edit::Table::new()));
            table = entry.as_table_like_mut().ok_or_else(|| {
                InputError::new(
                    self.place.clone(),
                    format!(
                        "`{}` is a value, not a table, so it has no key `{}`",
                        self.path[..=depth].join("."),
                        self.path[depth + 1]
                    ),
                )
            })?;
        }
        table.insert(last, toml_edit::Item::Value(self.value.clone()));
        Ok(())
    }
}
