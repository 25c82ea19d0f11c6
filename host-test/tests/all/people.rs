use host_test::article::people::{Company, InvalidDocument, JsonError, Person};
use host_test::Host;

/// The `invalid` answer of a parse; any other answer fails the test.
fn invalid<T: std::fmt::Debug>(answer: Result<T, JsonError>) -> InvalidDocument {
    match answer {
        Err(JsonError::Invalid(document)) => document,
        other => panic!("expected json-error.invalid, got {other:?}"),
    }
}

fn person(i: u32) -> Person {
    Person {
        name: format!("Person {i} — Ünïcode \"quoted\""),
        age: 20 + i % 50,
        email: format!("p{i}@example.com"),
    }
}

fn company(n: u32) -> Company {
    Company {
        name: "Analytical Engines Ltd".into(),
        founded_year: 1843,
        employees: (0..n).map(person).collect(),
    }
}

#[test]
fn person_json_uses_the_articles_keys_and_round_trips() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let ada = Person {
        name: "Ada".into(),
        age: 36,
        email: "ada@example.com".into(),
    };
    let json = people.call_person_to_json(&mut h.store, &ada)??;
    assert_eq!(json, r#"{"name":"Ada","age":36,"email":"ada@example.com"}"#);
    assert_eq!(people.call_person_from_json(&mut h.store, &json)??, ada);
    Ok(())
}

#[test]
fn a_thousand_employee_company_round_trips() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let c = company(1000);
    let json = people.call_company_to_json(&mut h.store, &c)??;
    assert!(json.starts_with(r#"{"name":"Analytical Engines Ltd","employees":[{"name":"Person 0"#));
    assert!(json.ends_with(r#""founded_year":1843}"#));
    assert_eq!(people.call_company_from_json(&mut h.store, &json)??, c);
    Ok(())
}

#[test]
fn malformed_json_is_an_error_with_position() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let error = invalid(
        people.call_person_from_json(&mut h.store, "{\n  \"name\": \"Ada\",\n  \"age\": ,\n}")?,
    );
    assert_eq!((error.line, error.column), (3, 10), "{}", error.message);
    for json in [
        "",
        "{",
        "null",
        "[1,2",
        "\u{0}",
        "{\"name\":\"a\",\"age\":1,\"email\":\"e\"}x",
    ] {
        invalid(people.call_person_from_json(&mut h.store, json)?);
    }
    Ok(())
}

#[test]
fn ages_above_u32_and_mistyped_values_are_errors() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    for age in [
        "4294967296",
        "-1",
        "1e3",
        "\"36\"",
        "null",
        "99999999999999999999999",
    ] {
        let json = format!(r#"{{"name":"Ada","age":{age},"email":"a@b"}}"#);
        let error = invalid(people.call_person_from_json(&mut h.store, &json)?);
        assert!(
            error.message.contains("age") || error.message.contains("invalid"),
            "{age}: {}",
            error.message
        );
    }
    Ok(())
}

#[test]
fn missing_fields_are_errors_and_extra_fields_are_ignored() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let missing =
        invalid(people.call_person_from_json(&mut h.store, r#"{"name":"Ada","age":36}"#)?);
    assert!(
        missing.message.contains("missing field `email`"),
        "{}",
        missing.message
    );
    let extra =
        r#"{"name":"Ada","age":36,"email":"a@b","role":"engineer","nested":{"deep":[1,2,3]}}"#;
    assert_eq!(
        people.call_person_from_json(&mut h.store, extra)??.name,
        "Ada"
    );
    let no_employees =
        invalid(people.call_company_from_json(&mut h.store, r#"{"name":"X","founded_year":1}"#)?);
    assert!(
        no_employees.message.contains("missing field `employees`"),
        "{}",
        no_employees.message
    );
    Ok(())
}

#[test]
fn deep_nesting_does_not_overflow_the_wasm_stack() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let (open, close) = ("[".repeat(200_000), "]".repeat(200_000));
    let ignored = format!(r#"{{"name":"x","age":1,"email":"e","extra":{open}{close}}}"#);
    assert_eq!(
        people.call_person_from_json(&mut h.store, &ignored)??.name,
        "x"
    );
    let typed = format!(r#"{{"name":"x","founded_year":1,"employees":[{open}{close}]}}"#);
    invalid(people.call_company_from_json(&mut h.store, &typed)?);
    let objects = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    invalid(people.call_company_from_json(&mut h.store, &objects)?);
    Ok(())
}

#[test]
fn a_ten_megabyte_document_parses() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let people = h.article.memkit_article_people();
    let c = company(150_000);
    let json = people.call_company_to_json(&mut h.store, &c)??;
    assert!(json.len() > 10_000_000, "{} bytes", json.len());
    let back = people.call_company_from_json(&mut h.store, &json)??;
    assert_eq!(back.employees.len(), 150_000);
    assert_eq!(back.employees[149_999], c.employees[149_999]);
    Ok(())
}
