//! Glue of `article/wit/people.wit` over `article/src/people.rs`.

use super::exports::memkit::article::people;
use super::{Article, Result};
use crate::alloc::abi::{self, AbiLayout, CopiedList};
use crate::alloc::{make_room, try_map};
use crate::people::{Company, JsonError, Person};

/// A `person` as the host places it: `name`, `age`, `email`.
const LOWERED_PERSON: AbiLayout = abi::record(&[abi::STRING, abi::U32, abi::STRING]);

/// `company.employees` crosses as a `list<person>`, which the bindings copy into a
/// `Vec<people::Person>` (strings are not adopted in place), so `cabi_realloc` holds room for
/// that copy.
pub(super) const COPIED_PERSONS: CopiedList = CopiedList {
    element: LOWERED_PERSON,
    copy_bytes: size_of::<people::Person>(),
};

impl people::Guest for Article {
    fn person_to_json(p: people::Person) -> Result<String> {
        Ok(crate::people::person_to_json(&p.into())?)
    }
    fn person_from_json(json: String) -> Result<people::Person, people::JsonError> {
        Ok(crate::people::person_from_json(&json)?.into())
    }
    fn company_to_json(c: people::Company) -> Result<String> {
        Ok(crate::people::company_to_json(&Company {
            name: c.name,
            founded_year: c.founded_year,
            employees: try_map(c.employees, Person::from)?,
        })?)
    }
    fn company_from_json(json: String) -> Result<people::Company, people::JsonError> {
        let c = crate::people::company_from_json(&json)?;
        let employees = try_map(c.employees, people::Person::from).map_err(JsonError::from)?;
        // The bindings copy the list once more to lower it: room first.
        make_room(employees.len() * LOWERED_PERSON.size).map_err(JsonError::from)?;
        Ok(people::Company {
            name: c.name,
            founded_year: c.founded_year,
            employees,
        })
    }
}

impl From<people::Person> for Person {
    fn from(p: people::Person) -> Self {
        Person {
            name: p.name,
            age: p.age,
            email: p.email,
        }
    }
}

impl From<Person> for people::Person {
    fn from(p: Person) -> Self {
        people::Person {
            name: p.name,
            age: p.age,
            email: p.email,
        }
    }
}

impl From<JsonError> for people::JsonError {
    fn from(e: JsonError) -> Self {
        match e {
            JsonError::Invalid {
                message,
                line,
                column,
            } => people::JsonError::Invalid(people::InvalidDocument {
                message,
                line,
                column,
            }),
            JsonError::OutOfMemory(bytes) => people::JsonError::OutOfMemory(bytes),
        }
    }
}
