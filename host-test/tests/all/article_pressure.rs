//! The article's component with its memory full: every function answers with a value or a
//! typed error, never a trap, and the instance stays usable (memkit's own functions are in
//! `pressure.rs`).

use host_test::article::floats::UnaryOp;
use host_test::article::people::{Company, JsonError, Person};
use host_test::article::points::Point3d;
use host_test::article::Error;
use host_test::{Host, Own, MIB};

const CAP: usize = 16 * MIB;

/// The value, or `None` for `out-of-memory`; any other error fails the test.
fn value_or_oom<T: std::fmt::Debug>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Error::OutOfMemory(_)) => None,
        Err(other) => panic!("expected a value or out-of-memory, got {other:?}"),
    }
}

/// The instance is usable: a call that allocates answers correctly once memory is back.
fn assert_still_answers(h: &mut Host) {
    let text = h.article.memkit_article_text();
    assert_eq!(
        text.call_swap_case(&mut h.store, "still Here")
            .expect("the instance answers"),
        "STILL hERE"
    );
}

/// Runs `calls` with the heaps squeezed, then checks that the instance answers once the
/// memory is given back.
fn squeezed(h: &mut Host, calls: impl FnOnce(&mut Host) -> wasmtime::Result<()>) {
    let squeezed = h.store.squeeze();
    calls(h).expect("no call traps with memory full");
    h.store.release(squeezed);
    assert_still_answers(h);
}

/// Each case: `call` under a fresh instance with the 16 MiB cap, and whether its argument fits.
/// One that fits is answered; one that does not is refused at lowering (the host's error
/// names `realloc`), before memkit runs, never a trap in memkit.
fn near_the_cap<T: std::fmt::Debug>(
    cases: &[(u32, bool)],
    mut call: impl FnMut(&mut Host, u32) -> wasmtime::Result<T>,
    check: impl Fn(u32, T),
) {
    for &(count, fits) in cases {
        let mut h = Host::with_memory_limit(CAP);
        match call(&mut h, count) {
            Ok(answer) => {
                assert!(fits, "{count} fit");
                check(count, answer);
                assert_still_answers(&mut h);
            }
            Err(error) => {
                assert!(!fits, "{count}: {error:?}");
                assert!(format!("{error:?}").contains("realloc"), "{error:?}");
                h.store.assert_poisoned();
            }
        }
    }
}

#[test]
fn floats_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.article.clone();
    let floats = api.memkit_article_floats().float_buffer();
    let f = floats.call_from_list(&mut h.store, &[1.0, 2.0, 3.0])?;
    let g = floats.call_from_list(&mut h.store, &[1.0, 1.0])?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(floats.call_constructor(&mut h.store, 8)?);
        made.push(floats.call_from_list(&mut h.store, &[])?);
        assert_eq!(floats.call_len(&mut h.store, f)?, 3);
        floats.call_set(&mut h.store, f, &[1.0, 2.0, 3.0, 4.0])??;
        value_or_oom(floats.call_append(&mut h.store, f, &[5.0; 1000])?);
        assert_eq!(
            floats.call_reserve(&mut h.store, f, 1 << 20)?,
            Err(Error::OutOfMemory(4 << 20))
        );
        if let Some(list) = value_or_oom(floats.call_to_list(&mut h.store, f)?) {
            assert_eq!(&list[..4], [1.0, 2.0, 3.0, 4.0]);
        }
        value_or_oom(floats.call_read(&mut h.store, f, 0, 2)?);
        floats.call_process(&mut h.store, f)?;
        floats.call_apply(&mut h.store, f, UnaryOp::Abs)?;
        floats.call_scale(&mut h.store, f, 2.0)?;
        assert!(floats.call_sum(&mut h.store, f)?.is_finite());
        assert!(floats.call_stats(&mut h.store, f)?.is_some());
        // An error whose text is formatted while memory is full.
        assert!(matches!(
            floats.call_dot(&mut h.store, f, g)?,
            Err(Error::Invalid(why)) if why.contains("length")
        ));
        let empty = made.pop().expect("an empty buffer");
        assert_eq!(floats.call_take(&mut h.store, empty)?, Vec::<f32>::new());
        Ok(())
    });
    for handle in made.into_iter().chain([f, g]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn text_and_memory_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.article.clone();
    squeezed(&mut h, |h| {
        assert_eq!(
            api.memkit_article_text()
                .call_swap_case(&mut h.store, "aB")?,
            "Ab"
        );
        // The argument above drew on the reserve; freed again, it let the reserve be retaken.
        let info = api.memkit_core_memory().call_info(&mut h.store)?;
        assert_eq!(info.reserve_bytes, 65536, "{info:?}");
        Ok(())
    });
    Ok(())
}

#[test]
fn people_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.article.clone();
    let people = api.memkit_article_people();
    let ada = Person {
        name: "Ada".into(),
        age: 36,
        email: "ada@example.com".into(),
    };
    let empty = Person {
        name: String::new(),
        age: 0,
        email: String::new(),
    };
    let company = Company {
        name: "Analytical".into(),
        founded_year: 1843,
        employees: vec![ada.clone(), empty.clone()],
    };
    squeezed(&mut h, |h| {
        for person in [&ada, &empty] {
            if let Some(json) = value_or_oom(people.call_person_to_json(&mut h.store, person)?) {
                assert!(json.starts_with("{\"name\":"));
            }
        }
        value_or_oom(people.call_company_to_json(&mut h.store, &company)?);
        match people.call_person_from_json(&mut h.store, "")? {
            Err(JsonError::Invalid(error)) => assert_eq!((error.line, error.column), (1, 0)),
            other => panic!("{other:?}"),
        }
        match people.call_person_from_json(&mut h.store, r#"{"name":"A","age":1,"email":"e"}"#)? {
            Ok(person) => assert_eq!(person.name, "A"),
            Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
        }
        let json =
            r#"{"name":"C","employees":[{"name":"A","age":1,"email":"e"}],"founded_year":1}"#;
        match people.call_company_from_json(&mut h.store, json)? {
            Ok(c) => assert_eq!(c.employees.len(), 1),
            Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
        }
        Ok(())
    });
    Ok(())
}

#[test]
fn json_past_the_cap_is_out_of_memory() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.article.clone();
    let people = api.memkit_article_people();
    // The name fits as an argument, but not twice: the document cannot be written.
    let huge = Person {
        name: "n".repeat(9 * MIB),
        age: 1,
        email: String::new(),
    };
    assert!(matches!(
        people.call_person_to_json(&mut h.store, &huge)?,
        Err(Error::OutOfMemory(_))
    ));
    let company = Company {
        name: "c".repeat(9 * MIB),
        founded_year: 1,
        employees: vec![],
    };
    assert!(matches!(
        people.call_company_to_json(&mut h.store, &company)?,
        Err(Error::OutOfMemory(_))
    ));
    // An 8 MiB document whose name cannot be copied out of it: the copy is what failed.
    let document = format!(r#"{{"name":"{}","age":1,"email":""}}"#, "n".repeat(8 * MIB));
    assert_eq!(
        people.call_person_from_json(&mut h.store, &document)?,
        Err(JsonError::OutOfMemory(8 * MIB as u32))
    );
    // The same with escapes: the room for serde_json's scratch buffer (twice the document),
    // made before parsing, is what failed.
    let escaped = format!(
        r#"{{"name":"{}","age":1,"email":""}}"#,
        "\\n".repeat(4 * MIB)
    );
    assert_eq!(
        people.call_person_from_json(&mut h.store, &escaped)?,
        Err(JsonError::OutOfMemory(2 * escaped.len() as u32))
    );
    // 200 000 empty employees: 6.2 MB of JSON, more than 5 MB of people twice over.
    let employee = r#"{"name":"","age":0,"email":""},"#;
    let mut document = String::from(r#"{"name":"C","founded_year":1,"employees":["#);
    document.push_str(&employee.repeat(200_000));
    document.pop();
    document.push_str("]}");
    match people.call_company_from_json(&mut h.store, &document)? {
        Ok(c) => assert_eq!(c.employees.len(), 200_000),
        Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
    }
    assert_still_answers(&mut h);
    // Below the cap the same calls succeed.
    let ada = Person {
        name: "n".repeat(MIB),
        age: 1,
        email: "e".into(),
    };
    let json = people.call_person_to_json(&mut h.store, &ada)??;
    assert_eq!(
        people.call_person_from_json(&mut h.store, &json)?.unwrap(),
        ada
    );
    Ok(())
}

/// `point3d` is three f64, so the bindings adopt a `list<point3d>` in place: it needs only its
/// own room. 400 000 points (9.6 MB) fit under the cap, 700 000 (16.8 MB) cannot.
#[test]
fn points_past_the_cap_are_refused_at_lowering() {
    let cases = [(700_000, false), (400_000, true), (100_000, true)];
    let call = |h: &mut Host, points: u32| {
        let path: Vec<Point3d> = (0..points)
            .map(|i| Point3d {
                x: f64::from(i),
                y: 0.0,
                z: 0.0,
            })
            .collect();
        let article = h.article.clone();
        article
            .memkit_article_points()
            .call_path_length(&mut h.store, &path)
    };
    near_the_cap(&cases, call, |points, length| {
        assert_eq!(length, f64::from(points - 1))
    });
}

/// A `list<f64>` is adopted, not copied, so it needs only its own size free; past the cap the
/// lowering fails, before memkit runs.
#[test]
fn coordinates_past_the_cap_are_refused_at_lowering() {
    let call = |h: &mut Host, points: u32| {
        let coords: Vec<f64> = (0..points).flat_map(|i| [f64::from(i), 0.0, 0.0]).collect();
        let article = h.article.clone();
        let length = article
            .memkit_article_points()
            .call_path_length_xyz(&mut h.store, &coords)?;
        Ok(length.expect("whole points are valid"))
    };
    near_the_cap(
        &[(1_000_000, false), (100_000, true)],
        call,
        |points, length| assert_eq!(length, f64::from(points - 1)),
    );
}

/// The bindings copy `company.employees` into a vector of Rust persons (28 bytes each against
/// the 20 the host places), with an allocation that cannot fail gracefully; memkit's
/// `cabi_realloc` places the list only with room held for that copy. 400 000 persons need
/// 8 MB + 11.2 MB and are refused at lowering, where without the hold the copy would trap;
/// 100 000 are answered.
#[test]
fn employees_whose_copy_cannot_fit_are_refused_at_lowering() {
    let call = |h: &mut Host, count: u32| {
        let company = Company {
            name: "Many".into(),
            founded_year: 2026,
            employees: vec![
                Person {
                    name: String::new(),
                    age: 1,
                    email: String::new(),
                };
                count as usize
            ],
        };
        let article = h.article.clone();
        article
            .memkit_article_people()
            .call_company_to_json(&mut h.store, &company)
    };
    near_the_cap(&[(400_000, false), (100_000, true)], call, |_, json| {
        let json = json.expect("the JSON fits");
        assert!(json.ends_with(r#"{"name":"","age":1,"email":""}],"founded_year":2026}"#));
    });
}

/// A list of numbers that fits is accepted however large: 32 MiB of f32 under a 64 MiB cap
/// (before issue 17, every list of 4-byte elements over 4 KiB needed 1.5 times its size free
/// besides itself, in case the bindings copied it, and this one was refused).
#[test]
fn a_float_list_of_half_the_cap_is_accepted() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(64 * MIB);
    let floats = h.article.memkit_article_floats().float_buffer();
    let values = vec![0.5f32; 8 * MIB];
    let buffer = floats
        .call_from_list(&mut h.store, &values)?
        .owned(&h.store);
    assert_eq!(floats.call_len(&mut h.store, *buffer)?, 8 * MIB as u32);
    assert_eq!(floats.call_sum(&mut h.store, *buffer)?, 4.0 * MIB as f64);
    Ok(())
}

#[test]
fn points_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.article.clone();
    let points = api.memkit_article_points();
    let point = points.point();
    let point_pool = points.point_pool();
    let pp = point_pool.call_constructor(&mut h.store, 4)?;
    let a = point.call_constructor(&mut h.store, 0.0, 0.0, 0.0)?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(point_pool.call_constructor(&mut h.store, u32::MAX)?);
        let q = point_pool.call_get(&mut h.store, pp, 3.0, 4.0, 0.0)?;
        assert_eq!(point.call_distance_to(&mut h.store, q, a)?, 5.0);
        point.call_reset(&mut h.store, q, 1.0, 2.0, 3.0)?;
        assert_eq!(
            point.call_to_record(&mut h.store, q)?,
            Point3d {
                x: 1.0,
                y: 2.0,
                z: 3.0
            }
        );
        assert_eq!(
            (
                point.call_x(&mut h.store, q)?,
                point.call_y(&mut h.store, q)?,
                point.call_z(&mut h.store, q)?
            ),
            (1.0, 2.0, 3.0)
        );
        point_pool.call_put(&mut h.store, pp, q)?;
        point_pool.call_size(&mut h.store, pp)?;
        made.push(point.call_constructor(&mut h.store, 1.0, 1.0, 1.0)?);
        let path = [
            Point3d {
                x: 0.0,
                y: 0.0,
                z: 0.0,
            },
            Point3d {
                x: 0.0,
                y: 3.0,
                z: 4.0,
            },
        ];
        assert_eq!(points.call_path_length(&mut h.store, &path)?, 5.0);
        assert_eq!(
            points.call_path_length_xyz(&mut h.store, &[0.0, 0.0, 0.0, 0.0, 3.0, 4.0])?,
            Ok(5.0)
        );
        // An error whose text is formatted while memory is full.
        assert!(matches!(
            points.call_path_length_xyz(&mut h.store, &[1.0])?,
            Err(Error::Invalid(_))
        ));
        Ok(())
    });
    for handle in made.into_iter().chain([pp, a]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}
