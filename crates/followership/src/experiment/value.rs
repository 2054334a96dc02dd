//! Typed values for [`Experiment::set`](super::Experiment::set): what a key path of a scenario
//! can be set to, from Rust, Python or a slider, without writing TOML text.

use std::fmt;

/// A value of a scenario key: a number, a flag, a name, or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// A name or a path.
    Text(String),
    /// A list, such as the values of a `choices` parameter.
    List(Vec<Value>),
    /// A table of named values, such as a whole distribution
    /// (`{ distribution = "constant", value = 0.2 }`).
    Table(Vec<(String, Value)>),
}

impl Value {
    /// The value as a TOML value, to be written into a scenario document.
    pub(crate) fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Bool(b) => (*b).into(),
            Value::Integer(i) => (*i).into(),
            Value::Float(x) => (*x).into(),
            Value::Text(t) => t.as_str().into(),
            Value::List(items) => {
                let mut array = toml_edit::Array::new();
                for item in items {
                    array.push(item.to_toml());
                }
                array.into()
            }
            Value::Table(entries) => {
                let mut table = toml_edit::InlineTable::new();
                for (key, value) in entries {
                    table.insert(key, value.to_toml());
                }
                table.into()
            }
        }
    }

    /// Reads `text` as a scenario value, as `--set` and a sweep's `choices` do: TOML (`0.5`,
    /// `true`, `[1, 2]`, `"text"`, `{ distribution = "constant", value = 0.2 }`), and any
    /// text that is not valid TOML as a plain string (so `random` is the text `random`).
    pub fn parse(text: &str) -> Value {
        let text = text.trim();
        match text.parse::<toml_edit::Value>() {
            Ok(v) => Value::from_toml(&v),
            Err(_) => Value::Text(text.to_string()),
        }
    }

    fn from_toml(value: &toml_edit::Value) -> Value {
        match value {
            toml_edit::Value::String(s) => Value::Text(s.value().clone()),
            toml_edit::Value::Integer(i) => Value::Integer(*i.value()),
            toml_edit::Value::Float(x) => Value::Float(*x.value()),
            toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
            // Scenarios hold no dates; as text, the scenario's checks reject it by its key.
            toml_edit::Value::Datetime(d) => Value::Text(d.value().to_string()),
            toml_edit::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_toml).collect())
            }
            toml_edit::Value::InlineTable(t) => Value::Table(
                t.iter()
                    .map(|(k, v)| (k.to_string(), Value::from_toml(v)))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_toml().to_string().trim())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Self {
                Value::Integer(i64::from(i))
            }
        }
    )*};
}
integers!(i8, i16, i32, i64, u8, u16, u32);

impl From<u64> for Value {
    /// Numbers beyond `i64::MAX` are kept as floats, so the scenario's range checks reject
    /// them with its own message instead of wrapping around.
    fn from(i: u64) -> Self {
        i64::try_from(i).map_or(Value::Float(i as f64), Value::Integer)
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Self {
        Value::from(i as u64)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<f32> for Value {
    fn from(x: f32) -> Self {
        Value::Float(f64::from(x))
    }
}

impl From<&str> for Value {
    fn from(t: &str) -> Self {
        Value::Text(t.to_string())
    }
}

impl From<String> for Value {
    fn from(t: String) -> Self {
        Value::Text(t)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_toml() {
        assert_eq!(Value::from(3_u32).to_string(), "3");
        assert_eq!(Value::from(0.25).to_string(), "0.25");
        assert_eq!(Value::from(true).to_string(), "true");
        assert_eq!(Value::from("count").to_string(), "\"count\"");
        assert_eq!(Value::from(vec![1, 2]).to_string(), "[1, 2]");
        assert_eq!(Value::from(u64::MAX), Value::Float(u64::MAX as f64));
    }

    #[test]
    fn text_is_read_as_toml_or_else_as_a_string() {
        assert_eq!(Value::parse("random"), Value::from("random"));
        assert_eq!(Value::parse("\"random\""), Value::from("random"));
        assert_eq!(Value::parse(" 3 "), Value::Integer(3));
        assert_eq!(Value::parse("0.5"), Value::Float(0.5));
        assert_eq!(Value::parse("true"), Value::Bool(true));
        assert_eq!(Value::parse("[1, 2]"), Value::from(vec![1, 2]));
        let table = Value::parse("{ distribution = \"constant\", value = 0.2 }");
        assert_eq!(
            table,
            Value::Table(vec![
                ("distribution".into(), Value::from("constant")),
                ("value".into(), Value::Float(0.2)),
            ])
        );
        assert_eq!(Value::parse(&table.to_string()), table);
    }
}
