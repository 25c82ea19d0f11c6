//! people: valid and malformed JSON documents of people and companies, and an operation per
//! function.

use fastrand::Rng;

use super::text::{show_text, text};
use super::{Interface, Operation, Refusal, Run, Step, Target, clip};
use crate::article::people::{Company, InvalidDocument, JsonError, Person};
use crate::article::Article;
use crate::HostStore;

impl Refusal for JsonError {
    fn is_out_of_memory(&self) -> bool {
        matches!(self, JsonError::OutOfMemory(_))
    }

    /// The model knows that a document is malformed, not serde_json's words for it.
    fn agrees_with(&self, _want: &Self) -> bool {
        matches!(self, JsonError::Invalid(e) if e.line >= 1 && !e.message.is_empty())
    }
}

/// A malformed document: any `invalid` json-error.
fn any_json_error() -> JsonError {
    JsonError::Invalid(InvalidDocument {
        message: String::new(),
        line: 0,
        column: 0,
    })
}

/// `s` as a JSON string, escaped where JSON requires and, at random, where it allows.
fn json_string(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if rng.bool() => out.push_str("\\n"),
            '\t' if rng.bool() => out.push_str("\\t"),
            '/' if rng.bool() => out.push_str("\\/"),
            c if (c as u32) < 0x20 || rng.u32(..8) == 0 => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if rng.bool() {
                        out.push_str(&format!("\\u{unit:04x}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whitespace JSON allows between tokens.
fn space(rng: &mut Rng) -> &'static str {
    match rng.u32(..8) {
        0 => " ",
        1 => "\n  ",
        2 => "\t",
        3 => "\r\n",
        _ => "",
    }
}

/// A value under a key the reader does not know (skipped however deeply it nests).
fn unknown_value(rng: &mut Rng, max_depth: usize) -> String {
    match rng.u32(..7) {
        0 => "\"engineer\"".into(),
        1 => "-2.5e10".into(),
        2 => "true".into(),
        3 => "null".into(),
        4 => r#"{"deep":[1,2,{"a":null,"name":"not this one"}]}"#.into(),
        5 => "[]".into(),
        _ => {
            let depth = rng.usize(1..=max_depth.max(1));
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        }
    }
}

/// A JSON object of `fields`, with random spacing.
fn json_object(rng: &mut Rng, fields: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (a, b, c, d) = (space(rng), space(rng), space(rng), space(rng));
        out.push_str(&format!("{a}{}{b}:{c}{value}{d}", json_string(rng, key)));
    }
    out.push('}');
    out
}

/// The fields of a person's document: the article's keys and some unknown ones, shuffled.
fn person_fields(rng: &mut Rng, p: &Person, max_depth: usize) -> Vec<(String, String)> {
    let mut fields = vec![
        ("name".to_string(), json_string(rng, &p.name)),
        ("age".to_string(), p.age.to_string()),
        ("email".to_string(), json_string(rng, &p.email)),
    ];
    add_unknown_fields(rng, &mut fields, max_depth);
    fields
}

fn add_unknown_fields(rng: &mut Rng, fields: &mut Vec<(String, String)>, max_depth: usize) {
    const UNKNOWN_KEYS: [&str; 5] = ["role", "nested", "Name", "id", "x-extra"];
    for key in UNKNOWN_KEYS.iter().take(rng.usize(..=2)) {
        fields.push((key.to_string(), unknown_value(rng, max_depth)));
    }
    rng.shuffle(fields);
}

/// A copy of `doc` that no JSON reader accepts: cut before its last `}`, or with bytes after it.
fn break_document(rng: &mut Rng, doc: &str) -> String {
    if rng.bool() {
        let last = doc.rfind('}').unwrap_or(doc.len());
        let mut cut = rng.usize(..=last);
        while !doc.is_char_boundary(cut) {
            cut -= 1;
        }
        doc[..cut].to_string()
    } else {
        const JUNK: [&str; 5] = ["x", "}", ",", " {}", " 1"];
        format!("{doc}{}", JUNK[rng.usize(..JUNK.len())])
    }
}

/// Documents that are never a person or a company.
const BAD_DOCUMENTS: &[&str] = &[
    "",
    " ",
    "{",
    "}",
    "null",
    "[1,2",
    "\u{0}",
    "{}",
    "[]",
    "\"str\"",
    "{\"name\":}",
    "{\"name\":\"a\",\"age\":1,\"email\":\"e\",}",
    "{\"name\":\"a\" \"age\":1,\"email\":\"e\"}",
    "{'name':'a','age':1,'email':'e'}",
];

/// A value that is not a u32 age.
const BAD_AGES: &[&str] = &[
    "4294967296",
    "-1",
    "1e3",
    "\"36\"",
    "null",
    "1.5",
    "99999999999999999999999",
    "036",
    "+1",
    "[]",
];

/// Breaks one field of a person or company: a bad age or year, a missing or repeated key, a
/// mistyped name, a raw control character or a lone surrogate in a string.
/// A malformed document from `fields`, half the time with a broken field ([`break_fields`]),
/// else broken as a whole ([`break_document`]); the model's answer is a `json-error`.
fn broken(
    rng: &mut Rng,
    fields: &mut Vec<(String, String)>,
    number_key: &str,
) -> (String, Result<(), JsonError>) {
    if rng.u32(..2) == 0 {
        break_fields(rng, fields, number_key);
        (json_object(rng, fields), Err(any_json_error()))
    } else {
        let doc = json_object(rng, fields);
        (break_document(rng, &doc), Err(any_json_error()))
    }
}

fn break_fields(rng: &mut Rng, fields: &mut Vec<(String, String)>, number_key: &str) {
    let find = |fields: &[(String, String)], key: &str| {
        fields
            .iter()
            .position(|(k, _)| k == key)
            .expect("key present")
    };
    match rng.u32(..6) {
        0 => {
            let at = find(fields, number_key);
            fields[at].1 = BAD_AGES[rng.usize(..BAD_AGES.len())].into();
        }
        1 => {
            let at = find(fields, "name");
            fields.remove(at);
        }
        2 => {
            let at = find(fields, "name");
            let copy = fields[at].clone();
            fields.push(copy);
        }
        3 => {
            let at = find(fields, "name");
            fields[at].1 = ["5", "[[[[\"a\"]]]]", "{}", "true"][rng.usize(..4)].into();
        }
        4 => {
            let at = find(fields, "name");
            fields[at].1 = "\"raw \u{1} control\"".into();
        }
        _ => {
            let at = find(fields, "name");
            fields[at].1 = "\"lone \\ud800 surrogate\"".into();
        }
    }
}

impl Run {
    fn person(&mut self) -> Person {
        let max_chars = if self.squeezed.is_some() { 16 } else { 40 };
        let rng = &mut self.rng;
        Person {
            name: text(rng, max_chars),
            age: [0, 1, 36, u32::MAX, rng.u32(..)][rng.usize(..5)],
            email: text(rng, max_chars),
        }
    }

    fn company(&mut self) -> Step<Company> {
        // A person is about 100 bytes, as a record and as JSON.
        let employees = match self.rng.u32(..10) {
            _ if self.squeezed.is_some() => self.rng.usize(..=8),
            0 => 0,
            1..=6 => self.rng.usize(..=5),
            7 | 8 => self.rng.usize(..=50),
            _ => self.size()? / 100,
        };
        let name = text(&mut self.rng, 24);
        let founded_year = [0, 1843, u32::MAX, self.rng.u32(..)][self.rng.usize(..4)];
        Ok(Company {
            name,
            founded_year,
            employees: (0..employees).map(|_| self.person()).collect(),
        })
    }

    /// The deepest unknown value in a document (deeper ones only out of a squeeze).
    fn max_depth(&mut self) -> usize {
        match self.rng.u32(..50) {
            0 if self.squeezed.is_none() => 20_000,
            1..=5 => 500,
            _ => 8,
        }
    }

    fn person_to_json(&mut self) -> Step<bool> {
        let p = self.person();
        self.begin(format!("people.person-to-json({p:?})"));
        let got = self.call_article("people.person-to-json", |s, m| {
            m.memkit_article_people().call_person_to_json(s, &p)
        })?;
        let need = 6 * (p.name.len() + p.email.len()) as u64 + 64;
        if let Some(json) = self.judge(got, &Ok(()), need)? {
            ensure!(
                json.starts_with("{\"name\":")
                    && json.contains(&format!(",\"age\":{},\"email\":", p.age))
                    && json.ends_with('}'),
                "person-to-json is not compact JSON with the article's keys: {}",
                show_text(&json)
            );
            self.read_back_person(&json, &p)?;
        }
        Ok(true)
    }

    /// Reads `json` back with `person-from-json`: it must give `p`.
    fn read_back_person(&mut self, json: &str, p: &Person) -> Step {
        let got = self.call_article("people.person-from-json", |s, m| {
            m.memkit_article_people().call_person_from_json(s, json)
        })?;
        if let Some(back) = self.judge(got, &Ok(()), 3 * json.len() as u64 + 64)? {
            ensure!(
                &back == p,
                "person-from-json(person-to-json(p)) is {back:?}, p is {p:?}"
            );
        }
        Ok(())
    }

    fn person_from_json(&mut self) -> Step<bool> {
        let p = self.person();
        let max_depth = self.max_depth();
        let rng = &mut self.rng;
        let mut fields = person_fields(rng, &p, max_depth);
        let (doc, want) = match rng.u32(..10) {
            0..=4 => (json_object(rng, &fields), Ok(())),
            5 => (
                BAD_DOCUMENTS[rng.usize(..BAD_DOCUMENTS.len())].to_string(),
                Err(any_json_error()),
            ),
            _ => broken(rng, &mut fields, "age"),
        };
        self.check_from_json("people.person-from-json", doc, want, &p, |s, m, doc| {
            m.memkit_article_people().call_person_from_json(s, doc)
        })
    }

    /// Sends `doc` to a from-json function (`call`): the model says it gives `expected`
    /// (`want` is `Ok`) or a `json-error`. `Ok(false)` when the document cannot be sent now.
    fn check_from_json<T: PartialEq + std::fmt::Debug>(
        &mut self,
        function: &'static str,
        doc: String,
        want: Result<(), JsonError>,
        expected: &T,
        call: impl FnOnce(&mut HostStore, &Article, &str) -> wasmtime::Result<Result<T, JsonError>>,
    ) -> Step<bool> {
        if self.list_room(doc.len())? < doc.len() {
            return Ok(false);
        }
        self.begin(format!(
            "{function}({}) (model: {})",
            show_text(&doc),
            if want.is_ok() { "ok" } else { "malformed" }
        ));
        let got = self.call_article(function, |s, m| call(s, m, &doc))?;
        if let Some(back) = self.judge(got, &want, 3 * doc.len() as u64 + 64)? {
            ensure!(
                &back == expected,
                "{function} is {}, the model says {}",
                clip(format!("{back:?}")),
                clip(format!("{expected:?}"))
            );
        }
        Ok(true)
    }

    fn company_to_json(&mut self) -> Step<bool> {
        let c = self.company()?;
        self.begin(format!(
            "people.company-to-json({:?}, {}, {} employees)",
            c.name,
            c.founded_year,
            c.employees.len()
        ));
        let got = self.call_article("people.company-to-json", |s, m| {
            m.memkit_article_people().call_company_to_json(s, &c)
        })?;
        let strings: usize = c
            .employees
            .iter()
            .map(|p| p.name.len() + p.email.len() + 48)
            .sum();
        let need = 6 * (strings + c.name.len()) as u64 + 64;
        if let Some(json) = self.judge(got, &Ok(()), need)? {
            ensure!(
                json.starts_with("{\"name\":")
                    && json.contains(",\"employees\":[")
                    && json.ends_with(&format!("],\"founded_year\":{}}}", c.founded_year)),
                "company-to-json is not compact JSON with the article's keys: {}",
                show_text(&json)
            );
            let got = self.call_article("people.company-from-json", |s, m| {
                m.memkit_article_people().call_company_from_json(s, &json)
            })?;
            if let Some(back) = self.judge(got, &Ok(()), 3 * json.len() as u64 + 64)? {
                ensure!(
                    back == c,
                    "company-from-json(company-to-json(c)) differs from c ({} employees)",
                    c.employees.len()
                );
            }
        }
        Ok(true)
    }

    fn company_from_json(&mut self) -> Step<bool> {
        let c = self.company()?;
        let max_depth = self.max_depth();
        let rng = &mut self.rng;
        let employees: Vec<String> = c
            .employees
            .iter()
            .map(|p| {
                let fields = person_fields(rng, p, 4);
                json_object(rng, &fields)
            })
            .collect();
        let mut fields = vec![
            ("name".to_string(), json_string(rng, &c.name)),
            ("founded_year".to_string(), c.founded_year.to_string()),
            (
                "employees".to_string(),
                format!("[{}]", employees.join(",")),
            ),
        ];
        add_unknown_fields(rng, &mut fields, max_depth);
        let (doc, want) = match rng.u32(..10) {
            0..=4 => (json_object(rng, &fields), Ok(())),
            5 => {
                let at = fields
                    .iter()
                    .position(|(k, _)| k == "employees")
                    .expect("key");
                fields[at].1 = ["{}", "\"x\"", "null", "[1]", "[{}]"][rng.usize(..5)].into();
                (json_object(rng, &fields), Err(any_json_error()))
            }
            _ => broken(rng, &mut fields, "founded_year"),
        };
        self.check_from_json("people.company-from-json", doc, want, &c, |s, m, doc| {
            m.memkit_article_people().call_company_from_json(s, doc)
        })
    }
}

/// people: each operation and the functions it drives.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Article,
    resources: &[],
    operations: &[
        Operation::new(
            &["people.person-to-json", "people.person-from-json"],
            Run::person_to_json,
            2,
        ),
        Operation::new(&["people.person-from-json"], Run::person_from_json, 4),
        Operation::new(
            &["people.company-to-json", "people.company-from-json"],
            Run::company_to_json,
            2,
        ),
        Operation::new(&["people.company-from-json"], Run::company_from_json, 3),
    ],
};
