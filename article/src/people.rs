//! The `people` interface: the article's `Person` and `Company` as plain records, to and from
//! JSON with serde in one call each.
//!
//! JSON keys are the article's: `name`, `age`, `email`; `name`, `employees`, `founded_year`.
//! Decisions for input: unknown keys are ignored (as serde does by default, and as the
//! article's module did), so documents from newer producers still load, and their values are
//! skipped without recursion however deep they nest; a missing key, a mistyped value, an age
//! outside u32 or malformed JSON is a [`JsonError`] carrying serde_json's message, line and
//! column.
//!
//! Memory: every allocation sized by the document or the record is fallible. Output is written
//! into a [`TryVecWriter`]; parsed strings and the employee list are reserved fallibly
//! (through [`crate::alloc`]); serde_json's own scratch buffer (used only for strings with
//! escapes, and never longer than twice the document) is made room for before parsing a
//! document that has a backslash. Running out of memory is `out-of-memory` when writing and
//! [`JsonError::OutOfMemory`] when parsing.

use std::cell::Cell;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::alloc::{make_room, try_grow, try_with_capacity, TryVecWriter};
use crate::error::Error;

/// A person. Mirrors WIT `people.person`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Any text.
    #[serde(deserialize_with = "try_string")]
    pub name: String,
    /// Age in years.
    pub age: u32,
    /// Any text; not validated as an address.
    #[serde(deserialize_with = "try_string")]
    pub email: String,
}

/// A company and everyone in it. Mirrors WIT `people.company`. Field order is the article's
/// JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    /// Any text.
    #[serde(deserialize_with = "try_string")]
    pub name: String,
    /// Its employees, in order.
    #[serde(deserialize_with = "try_people")]
    pub employees: Vec<Person>,
    /// The year it was founded.
    pub founded_year: u32,
}

/// Why a document was not read. Mirrors WIT `people.json-error` case for case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// Not the record asked for: malformed JSON, a missing key, a mistyped value, a number
    /// out of its range. Mirrors WIT `people.invalid-document`.
    Invalid {
        /// What was wrong, in serde_json's words.
        message: String,
        /// 1-based line of the error.
        line: u32,
        /// 1-based column of the error; 0 before the first character of a line (empty input).
        column: u32,
    },
    /// The allocator could not provide this many bytes (clamped to `u32::MAX`).
    OutOfMemory(u32),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Invalid { message, .. } => write!(f, "invalid: {message}"),
            JsonError::OutOfMemory(bytes) => write!(f, "{}", Error::OutOfMemory(*bytes)),
        }
    }
}

impl std::error::Error for JsonError {}

impl From<serde_json::Error> for JsonError {
    fn from(error: serde_json::Error) -> Self {
        JsonError::Invalid {
            line: u32::try_from(error.line()).unwrap_or(u32::MAX),
            column: u32::try_from(error.column()).unwrap_or(u32::MAX),
            message: error.to_string(),
        }
    }
}

/// A refusal from the fallible helpers: `out-of-memory` as is; anything else (a list past
/// `u32::MAX` elements) is an invalid document, with no position.
impl From<Error> for JsonError {
    fn from(error: Error) -> Self {
        match error {
            Error::OutOfMemory(bytes) => JsonError::OutOfMemory(bytes),
            other => JsonError::Invalid {
                message: other.to_string(),
                line: 1,
                column: 0,
            },
        }
    }
}

thread_local! {
    /// The bytes an allocation inside the parse under way could not get. serde_json turns a
    /// visitor's error into text with a position, so the visitors leave the typed answer here
    /// for [`from_json`], which clears it before each parse.
    static PARSE_OUT_OF_MEMORY: Cell<Option<u32>> = const { Cell::new(None) };
}

/// A visitor's answer to a refused allocation: an `out-of-memory` for [`from_json`] to
/// report, or, for any other refusal, serde's error with the refusal's text.
fn refused<E: serde::de::Error>(error: Error) -> E {
    if let Error::OutOfMemory(bytes) = error {
        PARSE_OUT_OF_MEMORY.set(Some(bytes));
    }
    E::custom(error)
}

/// A string field copied into a fallibly reserved `String`.
fn try_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct TryString;
    impl Visitor<'_> for TryString {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<String, E> {
            crate::alloc::try_string(text).map_err(refused)
        }
    }
    deserializer.deserialize_str(TryString)
}

/// The employee list, grown fallibly one person at a time (amortised doubling).
fn try_people<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Person>, D::Error> {
    struct TryPeople;
    impl<'de> Visitor<'de> for TryPeople {
        type Value = Vec<Person>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of people")
        }
        fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<Person>, S::Error> {
            let mut people = Vec::new();
            while let Some(person) = seq.next_element::<Person>()? {
                try_grow(&mut people, 1).map_err(refused)?;
                people.push(person);
            }
            Ok(people)
        }
    }
    deserializer.deserialize_seq(TryPeople)
}

/// Serializes `value` (only strings, numbers and lists) into a buffer reserved for
/// `size_hint` bytes up front and grown fallibly. Errors: `out-of-memory`.
fn to_json(value: &impl Serialize, size_hint: usize) -> Result<String, Error> {
    let mut writer = TryVecWriter {
        bytes: try_with_capacity(size_hint)?,
        failed: None,
    };
    if serde_json::to_writer(&mut writer, value).is_err() {
        // Strings, numbers and lists always serialize: the only failure is the writer's.
        return Err(Error::OutOfMemory(writer.failed.unwrap_or(u32::MAX)));
    }
    String::from_utf8(writer.bytes).map_err(|_| Error::Invalid("json: not UTF-8".into()))
}

/// Parses `json` after making room for serde_json's scratch buffer when the document has
/// escapes (the only case serde_json copies a string before handing it over).
fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, JsonError> {
    if json.as_bytes().contains(&b'\\') {
        make_room(json.len().saturating_mul(2))?;
    }
    PARSE_OUT_OF_MEMORY.set(None);
    serde_json::from_str(json).map_err(|error| match PARSE_OUT_OF_MEMORY.take() {
        Some(bytes) => JsonError::OutOfMemory(bytes),
        None => error.into(),
    })
}

/// The person as compact JSON with the article's keys.
///
/// # Errors
/// [`Error::OutOfMemory`]`(bytes)` when the output cannot be reserved or grown (`bytes`: the
/// reservation or growth that failed). ([`Error::Invalid`] would mean serde_json wrote non-UTF-8; it does
/// not.)
pub fn person_to_json(person: &Person) -> Result<String, Error> {
    to_json(person, person.name.len() + person.email.len() + 48)
}

/// Parses a person; unknown keys are ignored.
///
/// # Errors
/// - [`JsonError::Invalid`] for malformed JSON, a missing key, a mistyped value or an age
///   outside u32, with serde_json's message, line and column.
/// - [`JsonError::OutOfMemory`]`(bytes)` when a string, the employee list or serde_json's
///   scratch buffer cannot be reserved (`bytes`: the reservation that failed).
pub fn person_from_json(json: &str) -> Result<Person, JsonError> {
    from_json(json)
}

/// The company as compact JSON with the article's keys.
///
/// # Errors
/// As [`person_to_json`].
pub fn company_to_json(company: &Company) -> Result<String, Error> {
    let people: usize = company
        .employees
        .iter()
        .map(|p| p.name.len() + p.email.len() + 48)
        .sum();
    to_json(company, company.name.len() + people + 64)
}

/// Parses a company; unknown keys are ignored.
///
/// # Errors
/// As [`person_from_json`].
pub fn company_from_json(json: &str) -> Result<Company, JsonError> {
    from_json(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ada() -> Person {
        Person {
            name: "Ada".into(),
            age: 36,
            email: "ada@example.com".into(),
        }
    }

    #[test]
    fn keys_are_the_articles() {
        assert_eq!(
            person_to_json(&ada()).unwrap(),
            r#"{"name":"Ada","age":36,"email":"ada@example.com"}"#
        );
        let company = Company {
            name: "Analytical".into(),
            employees: vec![ada()],
            founded_year: 1843,
        };
        assert_eq!(
            company_to_json(&company).unwrap(),
            r#"{"name":"Analytical","employees":[{"name":"Ada","age":36,"email":"ada@example.com"}],"founded_year":1843}"#
        );
        assert_eq!(
            company_from_json(&company_to_json(&company).unwrap()).unwrap(),
            company
        );
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let json = r#"{"name":"Ada","age":36,"email":"a@b","phone":"+44","tags":[1,{"x":null}]}"#;
        assert_eq!(person_from_json(json).unwrap().name, "Ada");
    }

    /// The message, line and column of an invalid document's error.
    fn invalid(error: JsonError) -> (String, u32, u32) {
        match error {
            JsonError::Invalid {
                message,
                line,
                column,
            } => (message, line, column),
            other => panic!("expected an invalid document, got {other:?}"),
        }
    }

    #[test]
    fn missing_keys_name_the_field() {
        let (message, line, column) =
            invalid(person_from_json(r#"{"name":"Ada","age":36}"#).unwrap_err());
        assert!(message.contains("missing field `email`"), "{message}");
        assert_eq!((line, column), (1, 23));
    }

    #[test]
    fn ages_outside_u32_are_refused_with_position() {
        for age in ["4294967296", "-1", "36.5", "\"36\""] {
            let json =
                format!("{{\n  \"name\": \"Ada\",\n  \"age\": {age},\n  \"email\": \"a@b\"\n}}");
            let (message, line, _) = invalid(person_from_json(&json).unwrap_err());
            assert_eq!(line, 3, "{age}: {message}");
        }
        assert_eq!(
            person_from_json(r#"{"name":"A","age":4294967295,"email":""}"#)
                .unwrap()
                .age,
            u32::MAX
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        for json in [
            "",
            "{",
            "[]",
            "null",
            "{\"name\": }",
            "{\"name\":\"a\",\"age\":1,\"email\":\"x\"} trailing",
        ] {
            assert!(person_from_json(json).is_err(), "{json:?}");
        }
        let (_, line, column) = invalid(person_from_json("").unwrap_err());
        assert_eq!((line, column), (1, 0));
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        let (open, close) = ("[".repeat(100_000), "]".repeat(100_000));
        // Under an unknown key it is skipped without recursion.
        let ignored = format!(r#"{{"name":"x","age":1,"email":"e","extra":{open}{close}}}"#);
        assert_eq!(person_from_json(&ignored).unwrap().name, "x");
        // Where a person is expected it is refused at the first level too deep.
        let typed = format!(r#"{{"name":"x","founded_year":1,"employees":[{open}{close}]}}"#);
        let (message, ..) = invalid(company_from_json(&typed).unwrap_err());
        assert!(message.contains("invalid type: sequence"), "{message}");
    }

    proptest! {
        #[test]
        fn any_person_round_trips(name in ".*", age: u32, email in ".*") {
            let person = Person { name, age, email };
            prop_assert_eq!(person_from_json(&person_to_json(&person).unwrap()).unwrap(), person);
        }

        #[test]
        fn any_text_parses_or_errors(json in ".*") {
            let _ = company_from_json(&json);
        }
    }
}
