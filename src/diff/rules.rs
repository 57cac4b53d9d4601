//! The rules of `rpcforge diff`: every kind of change it reports, and how it is classified
//! for the callers of the generated clients.
//!
//! Names follow `buf breaking`'s style: the element first (`METHOD_`, `EVENT_`, `FIELD_`,
//! `TYPE_`, `ENUM_VALUE_`, `UNION_VARIANT_`, `SERVER_`), then what happened. A change inside a
//! type is classified by the direction of the data: **params** are built by the caller (an
//! input: accepting less breaks callers), **results and event payloads** are read by the
//! caller and parsed by the client (an output: producing more breaks callers, and breaks
//! clients generated from the old schema, which validate what they receive).

use serde::Serialize;

/// Breaking or safe, for callers of the generated clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Breaking,
    Safe,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Safe => "safe",
        }
    }
}

/// Which way the data flows where a change happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Method params: the caller sends them.
    Input,
    /// Method results and event payloads: the caller receives them.
    Output,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $input:ident, $output:ident, $what:literal;)*) => {
        /// A kind of change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The rule's id, e.g. `METHOD_REMOVED`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),* }
            }

            /// What the rule reports, one sentence.
            pub fn what(self) -> &'static str {
                match self { $(Rule::$variant => $what),* }
            }

            /// The class in params (input) and in results and payloads (output). Method,
            /// event and server rules have one class for both.
            pub fn class_in(self, direction: Direction) -> Class {
                match (self, direction) {
                    $((Rule::$variant, Direction::Input) => Class::$input,
                      (Rule::$variant, Direction::Output) => Class::$output,)*
                }
            }
        }
    };
}

rules! {
    MethodRemoved = "METHOD_REMOVED", Breaking, Breaking,
        "A method is gone (a rename is a removal plus an addition; the message names the likely new name).";
    MethodAdded = "METHOD_ADDED", Safe, Safe, "A new method.";
    MethodDeprecated = "METHOD_DEPRECATED", Safe, Safe, "A method is now marked deprecated.";
    MethodParamsAdded = "METHOD_PARAMS_ADDED", Breaking, Breaking,
        "A method that took no params now takes some: calls that pass call options (the first argument until now) no longer compile, and with a required field no call does.";
    MethodParamsRemoved = "METHOD_PARAMS_REMOVED", Breaking, Breaking,
        "A method no longer takes params (callers passing them no longer compile).";
    MethodResultAdded = "METHOD_RESULT_ADDED", Safe, Safe, "A method that returned nothing now returns a result.";
    MethodResultRemoved = "METHOD_RESULT_REMOVED", Breaking, Breaking, "A method no longer returns a result.";
    EventRemoved = "EVENT_REMOVED", Breaking, Breaking, "A pushed event is gone (its handlers no longer compile).";
    EventAdded = "EVENT_ADDED", Safe, Safe, "A new pushed event.";
    ServerRemoved = "SERVER_REMOVED", Breaking, Breaking, "A named server URL is gone.";
    ServerAdded = "SERVER_ADDED", Safe, Safe, "A new named server URL.";
    ServerUrlChanged = "SERVER_URL_CHANGED", Safe, Safe, "A named server's URL changed.";
    FieldRemoved = "FIELD_REMOVED", Breaking, Breaking,
        "A field is gone: callers setting it (params) or reading it (results) no longer compile.";
    FieldAddedRequired = "FIELD_ADDED_REQUIRED", Breaking, Safe,
        "A new required field. In results: breaking when the object forbade extra keys (`additionalProperties: false`), since old clients reject the new key.";
    FieldAddedOptional = "FIELD_ADDED_OPTIONAL", Safe, Safe,
        "A new optional field. In results: breaking when the object forbade extra keys.";
    FieldBecameRequired = "FIELD_BECAME_REQUIRED", Breaking, Safe, "An optional field is now required.";
    FieldBecameOptional = "FIELD_BECAME_OPTIONAL", Safe, Breaking,
        "A required field is now optional (callers reading it must handle its absence).";
    FieldDefaultChanged = "FIELD_DEFAULT_CHANGED", Safe, Safe,
        "An optional field's default changed (a behaviour change for callers that leave it out).";
    FieldDeprecated = "FIELD_DEPRECATED", Safe, Safe, "A field is now marked deprecated.";
    TypeBecameNullable = "TYPE_BECAME_NULLABLE", Safe, Breaking, "A value may now be null.";
    TypeBecameNonNullable = "TYPE_BECAME_NON_NULLABLE", Breaking, Safe, "A value may no longer be null.";
    TypeWidened = "TYPE_WIDENED", Safe, Breaking,
        "A type accepts more values: a constraint removed or loosened, integer to number, a literal to its base type, any JSON value, extra keys allowed.";
    TypeNarrowed = "TYPE_NARROWED", Breaking, Safe,
        "A type accepts fewer values: a constraint added or tightened, number to integer, a type to a literal, extra keys forbidden.";
    TypeChanged = "TYPE_CHANGED", Breaking, Breaking,
        "A type changed incompatibly (string to integer, list to set, a changed pattern or format, a tuple's length).";
    EnumValueAdded = "ENUM_VALUE_ADDED", Safe, Breaking,
        "An enum (or literal) value was added. In results: breaks exhaustive switch/match statements, and old clients reject the value.";
    EnumValueRemoved = "ENUM_VALUE_REMOVED", Breaking, Safe, "An enum (or literal) value was removed.";
    UnionVariantAdded = "UNION_VARIANT_ADDED", Safe, Breaking,
        "A union has a new variant (for discriminated unions: a new tag). In results: breaks exhaustive handling.";
    UnionVariantRemoved = "UNION_VARIANT_REMOVED", Breaking, Safe, "A union lost a variant.";
    TypeRenamed = "TYPE_RENAMED", Breaking, Breaking,
        "A named type no longer exists under its name (renamed or inlined): code importing it no longer compiles.";
}
