//! `followership schema`: the JSON Schema of scenario files.

use followership::error::Error;

/// Prints the schema as pretty JSON.
pub fn execute() -> Result<(), Error> {
    let schema = followership::scenario::json_schema();
    outln!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("schema serialises")
    );
    Ok(())
}
