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
}
