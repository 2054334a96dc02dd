//! Ready-made scenarios, embedded in the binary: one TOML file each, with its story in its
//! `description`.

/// A built-in scenario: its name and TOML text.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The name used with `--builtin`.
    pub name: &'static str,
    /// The scenario file.
    pub text: &'static str,
}

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// Every built-in scenario, in the order `followership scenarios` lists them.
        pub const BUILTINS: &[Builtin] = &[
            $(Builtin { name: $name, text: include_str!(concat!("../../scenarios/", $name, ".toml")) }),*
        ];
    };
}

builtins!(
    "granovetter-riot",
    "watts-cascade",
    "linear-threshold",
    "independent-cascade",
    "complex-contagion",
    "bass",
    "hillside",
    "no-embrace",
    "impatient-leader",
    "broken-promise",
    "admitted-mistake",
    "denied-mistake",
    "middle-out",
    "network-marketing",
    "hackman",
);

/// The scenario `followership run` uses when given no file.
pub const DEFAULT: &str = "hillside";

/// The TOML text of the built-in scenario `name`.
pub fn text(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|b| b.name == name).map(|b| b.text)
}
