//! The article's points: `point`, `point-pool` (which reuses the points put back) and the path
//! lengths.

use host_test::article::points::Point3d;
use host_test::article::Error;
use host_test::{Host, Own};

#[test]
fn the_point_pool_hands_back_a_point_put_there_and_allocates_nothing() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.article.memkit_article_points();
    let (point, pool) = (api.point(), api.point_pool());
    let pp = pool.call_constructor(&mut h.store, 4)?.owned(&h.store);
    // The pool is empty: a new point.
    let first = pool.call_get(&mut h.store, *pp, 1.0, 2.0, 3.0)?;
    pool.call_put(&mut h.store, *pp, first)?;
    assert_eq!(pool.call_size(&mut h.store, *pp)?, 1);
    let before = h.store.article_memory_info();
    let again = pool
        .call_get(&mut h.store, *pp, 4.0, 5.0, 6.0)?
        .owned(&h.store);
    let after = h.store.article_memory_info();
    assert_eq!(
        (after.used_bytes, after.live_allocations),
        (before.used_bytes, before.live_allocations),
        "a get while a point waits reuses that point's storage"
    );
    assert_eq!(pool.call_size(&mut h.store, *pp)?, 0);
    assert_eq!(
        point.call_to_record(&mut h.store, *again)?,
        Point3d {
            x: 4.0,
            y: 5.0,
            z: 6.0
        },
        "reset to the new coordinates"
    );
    // From an empty pool, as from the constructor, a point's storage is allocated.
    let before = h.store.article_memory_info();
    let new = pool
        .call_get(&mut h.store, *pp, 0.0, 0.0, 0.0)?
        .owned(&h.store);
    let after = h.store.article_memory_info();
    assert_eq!(after.live_allocations, before.live_allocations + 1);
    drop(new);
    Ok(())
}

#[test]
fn points_and_the_point_pool() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let point = h.article.memkit_article_points().point();
    let pool = h.article.memkit_article_points().point_pool();
    let a = point.call_constructor(&mut h.store, 0.0, 0.0, 0.0)?;
    let pp = pool.call_constructor(&mut h.store, 2)?.owned(&h.store);
    let b = pool.call_get(&mut h.store, *pp, 3.0, 4.0, 0.0)?;
    assert_eq!(point.call_distance_to(&mut h.store, a, b)?, 5.0);
    assert_eq!(point.call_distance_to(&mut h.store, a, a)?, 0.0);
    point.call_reset(&mut h.store, a, 1.0, 2.0, 3.0)?;
    assert_eq!(
        (
            point.call_x(&mut h.store, a)?,
            point.call_y(&mut h.store, a)?,
            point.call_z(&mut h.store, a)?
        ),
        (1.0, 2.0, 3.0)
    );
    assert_eq!(
        point.call_to_record(&mut h.store, a)?,
        Point3d {
            x: 1.0,
            y: 2.0,
            z: 3.0
        }
    );
    pool.call_put(&mut h.store, *pp, b)?;
    pool.call_put(&mut h.store, *pp, a)?;
    let extra = point.call_constructor(&mut h.store, f64::NAN, 0.0, 0.0)?;
    pool.call_put(&mut h.store, *pp, extra)?;
    assert_eq!(
        pool.call_size(&mut h.store, *pp)?,
        2,
        "kept while fewer than max-size wait"
    );
    let reused = pool
        .call_get(&mut h.store, *pp, 7.0, 8.0, 9.0)?
        .owned(&h.store);
    assert_eq!(
        point.call_to_record(&mut h.store, *reused)?,
        Point3d {
            x: 7.0,
            y: 8.0,
            z: 9.0
        }
    );
    assert_eq!(pool.call_size(&mut h.store, *pp)?, 1);
    Ok(())
}

#[test]
fn path_length_of_a_thousand_points_in_one_call() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.article.memkit_article_points();
    let points: Vec<Point3d> = (0..1000)
        .map(|i| Point3d {
            x: i as f64,
            y: 0.0,
            z: 0.0,
        })
        .collect();
    assert_eq!(api.call_path_length(&mut h.store, &points)?, 999.0);
    assert_eq!(api.call_path_length(&mut h.store, &[])?, 0.0);
    assert_eq!(api.call_path_length(&mut h.store, &points[..1])?, 0.0);
    let nan = [
        Point3d {
            x: f64::NAN,
            y: 0.0,
            z: 0.0,
        },
        Point3d {
            x: 0.0,
            y: 0.0,
            z: 0.0,
        },
    ];
    assert!(api.call_path_length(&mut h.store, &nan)?.is_nan());
    let inf = [
        Point3d {
            x: f64::INFINITY,
            y: 0.0,
            z: 0.0,
        },
        Point3d {
            x: 0.0,
            y: 0.0,
            z: 0.0,
        },
    ];
    assert_eq!(api.call_path_length(&mut h.store, &inf)?, f64::INFINITY);
    Ok(())
}

#[test]
fn path_length_xyz_agrees_with_path_length_bit_for_bit() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.article.memkit_article_points();
    let points: Vec<Point3d> = (0..1000)
        .map(|i| {
            let t = f64::from(i) / 100.0;
            Point3d {
                x: t.cos(),
                y: t.sin(),
                z: t,
            }
        })
        .collect();
    let coords: Vec<f64> = points.iter().flat_map(|p| [p.x, p.y, p.z]).collect();
    let by_records = api.call_path_length(&mut h.store, &points)?;
    let by_coords = api.call_path_length_xyz(&mut h.store, &coords)??;
    assert_eq!(by_coords.to_bits(), by_records.to_bits());
    assert_eq!(api.call_path_length_xyz(&mut h.store, &[])??, 0.0);
    for partial in [1, 2, 4, 3000 - 1] {
        match api.call_path_length_xyz(&mut h.store, &coords[..partial])? {
            Err(Error::Invalid(why)) => assert!(why.contains(&partial.to_string()), "{why}"),
            other => panic!("{partial} values: {other:?}"),
        }
    }
    Ok(())
}
