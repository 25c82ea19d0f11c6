//! The `people` interface: the article's `Person` and `Company` as plain records, to and from
//! JSON with serde in one call each.
//!
//! JSON keys are the article's: `name`, `age`, `email`; `name`, `employees`, `founded_year`.
//! Decisions for input: unknown keys are ignored (as serde does by default, and as the
//! article's module did), so documents from newer producers still load, and their values are
//! skipped without recursion however deep they nest; a missing key, a mistyped value, an age
//! outside u32 or malformed JSON is a [`JsonError`] carrying serde_json's message, line and
//! column.

use serde::{Deserialize, Serialize};

/// Mirrors WIT `people.person`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub age: u32,
    pub email: String,
}

/// Mirrors WIT `people.company`. Field order is the article's JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub employees: Vec<Person>,
    pub founded_year: u32,
}

/// Why a document did not parse. Mirrors WIT `people.json-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    /// 1-based line of the error.
    pub line: u32,
    /// 1-based column of the error; 0 before the first character of a line (empty input).
    pub column: u32,
}

impl From<serde_json::Error> for JsonError {
    fn from(error: serde_json::Error) -> Self {
        Self {
            line: u32::try_from(error.line()).unwrap_or(u32::MAX),
            column: u32::try_from(error.column()).unwrap_or(u32::MAX),
            message: error.to_string(),
        }
    }
}

/// Serializes `value`, which holds only strings, numbers and lists: that cannot fail.
fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("strings, numbers and lists always serialize")
}

pub fn person_to_json(person: &Person) -> String {
    to_json(person)
}

pub fn person_from_json(json: &str) -> Result<Person, JsonError> {
    Ok(serde_json::from_str(json)?)
}

pub fn company_to_json(company: &Company) -> String {
    to_json(company)
}

pub fn company_from_json(json: &str) -> Result<Company, JsonError> {
    Ok(serde_json::from_str(json)?)
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
            person_to_json(&ada()),
            r#"{"name":"Ada","age":36,"email":"ada@example.com"}"#
        );
        let company = Company {
            name: "Analytical".into(),
            employees: vec![ada()],
            founded_year: 1843,
        };
        assert_eq!(
            company_to_json(&company),
            r#"{"name":"Analytical","employees":[{"name":"Ada","age":36,"email":"ada@example.com"}],"founded_year":1843}"#
        );
        assert_eq!(
            company_from_json(&company_to_json(&company)).unwrap(),
            company
        );
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let json = r#"{"name":"Ada","age":36,"email":"a@b","phone":"+44","tags":[1,{"x":null}]}"#;
        assert_eq!(person_from_json(json).unwrap().name, "Ada");
    }

    #[test]
    fn missing_keys_name_the_field() {
        let error = person_from_json(r#"{"name":"Ada","age":36}"#).unwrap_err();
        assert!(
            error.message.contains("missing field `email`"),
            "{}",
            error.message
        );
        assert_eq!((error.line, error.column), (1, 23));
    }

    #[test]
    fn ages_outside_u32_are_refused_with_position() {
        for age in ["4294967296", "-1", "36.5", "\"36\""] {
            let json =
                format!("{{\n  \"name\": \"Ada\",\n  \"age\": {age},\n  \"email\": \"a@b\"\n}}");
            let error = person_from_json(&json).unwrap_err();
            assert_eq!(error.line, 3, "{age}: {}", error.message);
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
        let empty = person_from_json("").unwrap_err();
        assert_eq!((empty.line, empty.column), (1, 0));
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        let (open, close) = ("[".repeat(100_000), "]".repeat(100_000));
        // Under an unknown key it is skipped without recursion.
        let ignored = format!(r#"{{"name":"x","age":1,"email":"e","extra":{open}{close}}}"#);
        assert_eq!(person_from_json(&ignored).unwrap().name, "x");
        // Where a person is expected it is refused at the first level too deep.
        let typed = format!(r#"{{"name":"x","founded_year":1,"employees":[{open}{close}]}}"#);
        let error = company_from_json(&typed).unwrap_err();
        assert!(
            error.message.contains("invalid type: sequence"),
            "{}",
            error.message
        );
    }

    proptest! {
        #[test]
        fn any_person_round_trips(name in ".*", age: u32, email in ".*") {
            let person = Person { name, age, email };
            prop_assert_eq!(person_from_json(&person_to_json(&person)).unwrap(), person);
        }

        #[test]
        fn any_text_parses_or_errors(json in ".*") {
            let _ = company_from_json(&json);
        }
    }
}
