use host_test::article::floats::{Stats, UnaryOp};
use host_test::article::{Error, OutOfBounds};
use host_test::{Host, Own, MIB};

#[test]
fn process_matches_native_tan_cos_sin() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let input: Vec<f32> = (0..1000).map(|i| i as f32 * 0.01 - 5.0).collect();
    let f = floats.call_from_list(&mut h.store, &input)?.owned(&h.store);
    floats.call_process(&mut h.store, *f)?;
    let expected: Vec<f32> = input.iter().map(|x| x.sin().cos().tan()).collect();
    // Rust's libm on wasm and the native libm may differ in the last bit.
    for (got, want) in floats
        .call_to_list(&mut h.store, *f)??
        .iter()
        .zip(&expected)
    {
        assert!(
            (got - want).abs() <= 1e-6 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }
    Ok(())
}

#[test]
fn every_method_on_a_small_buffer() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let f = floats.call_constructor(&mut h.store, 4)?.owned(&h.store);
    floats.call_set(&mut h.store, *f, &[1.0, -2.0, 3.0])??;
    floats.call_append(&mut h.store, *f, &[4.0])??;
    assert_eq!(floats.call_len(&mut h.store, *f)?, 4);
    assert_eq!(floats.call_read(&mut h.store, *f, 1, 2)??, vec![-2.0, 3.0]);
    floats.call_apply(&mut h.store, *f, UnaryOp::Abs)?;
    floats.call_scale(&mut h.store, *f, 2.0)?;
    assert_eq!(
        floats.call_to_list(&mut h.store, *f)??,
        vec![2.0, 4.0, 6.0, 8.0]
    );
    assert_eq!(floats.call_sum(&mut h.store, *f)?, 20.0);
    assert_eq!(
        floats.call_stats(&mut h.store, *f)?,
        Some(Stats {
            len: 4,
            min: 2.0,
            max: 8.0,
            mean: 5.0,
            sum: 20.0
        })
    );
    assert_eq!(
        floats.call_dot(&mut h.store, *f, *f)??,
        4.0 + 16.0 + 36.0 + 64.0
    );
    for (op, x, y) in [
        (UnaryOp::Sqrt, 16.0, 4.0),
        (UnaryOp::Square, -3.0, 9.0),
        (UnaryOp::Neg, 1.0, -1.0),
        (UnaryOp::Sin, 0.0, 0.0),
        (UnaryOp::Cos, 0.0, 1.0),
        (UnaryOp::Tan, 0.0, 0.0),
    ] {
        floats.call_set(&mut h.store, *f, &[x])??;
        floats.call_apply(&mut h.store, *f, op)?;
        assert_eq!(floats.call_to_list(&mut h.store, *f)??, vec![y], "{op:?}");
    }
    Ok(())
}

#[test]
fn sum_of_a_million_floats_keeps_precision() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    // A naive f32 sum of these stalls at 2^24; the f64 lanes do not.
    let f = floats
        .call_from_list(&mut h.store, &vec![1.0; MIB * 20])?
        .owned(&h.store);
    assert_eq!(floats.call_sum(&mut h.store, *f)?, (MIB * 20) as f64);
    Ok(())
}

#[test]
fn nan_and_infinities_are_values_not_traps() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let f = floats
        .call_from_list(
            &mut h.store,
            &[f32::NAN, f32::INFINITY, -1.0, f32::NEG_INFINITY],
        )?
        .owned(&h.store);
    assert!(floats.call_sum(&mut h.store, *f)?.is_nan());
    let stats = floats.call_stats(&mut h.store, *f)?.expect("non-empty");
    assert_eq!((stats.min, stats.max), (f32::NEG_INFINITY, f32::INFINITY));
    assert!(stats.mean.is_nan());
    floats.call_process(&mut h.store, *f)?;
    floats.call_apply(&mut h.store, *f, UnaryOp::Sqrt)?;
    floats.call_scale(&mut h.store, *f, f32::NAN)?;
    assert!(floats
        .call_to_list(&mut h.store, *f)??
        .iter()
        .all(|x| x.is_nan()));
    assert!(floats.call_dot(&mut h.store, *f, *f)??.is_nan());
    Ok(())
}

#[test]
fn empty_buffer_has_zero_sum_and_no_stats() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let f = floats.call_constructor(&mut h.store, 0)?.owned(&h.store);
    assert_eq!(floats.call_sum(&mut h.store, *f)?, 0.0);
    assert_eq!(floats.call_stats(&mut h.store, *f)?, None);
    floats.call_process(&mut h.store, *f)?;
    assert_eq!(floats.call_to_list(&mut h.store, *f)??, Vec::<f32>::new());
    assert_eq!(floats.call_dot(&mut h.store, *f, *f)??, 0.0);
    Ok(())
}

#[test]
fn dot_of_mismatched_lengths_is_invalid() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let a = floats
        .call_from_list(&mut h.store, &[1.0, 2.0])?
        .owned(&h.store);
    let b = floats
        .call_from_list(&mut h.store, &[1.0, 2.0, 3.0])?
        .owned(&h.store);
    match floats.call_dot(&mut h.store, *a, *b)? {
        Err(Error::Invalid(why)) => assert!(why.contains("2 and 3"), "{why}"),
        other => panic!("expected invalid, got {other:?}"),
    }
    Ok(())
}

#[test]
fn read_with_overflowing_range_is_out_of_bounds() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let f = floats
        .call_from_list(&mut h.store, &[1.0, 2.0])?
        .owned(&h.store);
    assert_eq!(
        floats.call_read(&mut h.store, *f, 1, u32::MAX)?,
        Err(Error::OutOfBounds(OutOfBounds {
            offset: 1,
            len: u32::MAX,
            size: 2
        }))
    );
    assert!(floats.call_read(&mut h.store, *f, u32::MAX, 1)?.is_err());
    Ok(())
}

#[test]
fn take_moves_the_floats_out_and_consumes_the_handle() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let floats = h.article.memkit_article_floats().float_buffer();
    let data: Vec<f32> = (0..100_000).map(|i| i as f32 * 0.5).collect();
    let f = floats.call_from_list(&mut h.store, &data)?;
    floats.call_scale(&mut h.store, f, 2.0)?;
    let want: Vec<f32> = data.iter().map(|x| x * 2.0).collect();
    assert_eq!(floats.call_take(&mut h.store, f)?, want);
    // wasmtime poisons the store after this failed call (see lowering.rs).
    assert!(
        floats.call_len(&mut h.store, f).is_err(),
        "a taken handle is no longer valid"
    );
    h.store.assert_poisoned();
    Ok(())
}
