use host_test::exports::memkit::core::pools::Point3d;
use host_test::{Error, Host, LimitExceeded, Own};

#[test]
fn acquire_release_reuses_and_counts() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    let b = pool.call_acquire(&mut h.store, *p, 100)??;
    assert_eq!(bytes.call_len(&mut h.store, b)?, 0);
    assert_eq!(bytes.call_capacity(&mut h.store, b)?, 256);
    // A pooled buffer is an ordinary byte-buffer between acquire and release.
    bytes.call_append(&mut h.store, b, b"pooled bytes")??;
    bytes.call_write_at(&mut h.store, b, 0, b"POOLED")??;
    assert_eq!(bytes.call_read(&mut h.store, b, 0, 12)??, b"POOLED bytes");
    pool.call_release(&mut h.store, *p, b)?;
    let again = pool.call_acquire(&mut h.store, *p, 200)??.owned(&h.store);
    assert_eq!(
        bytes.call_len(&mut h.store, *again)?,
        0,
        "released buffers come back cleared"
    );
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert_eq!(stats.classes, vec![64, 256, 1024, 4096, 16384, 65536]);
    assert_eq!(
        (stats.hits, stats.misses, stats.released, stats.discarded),
        (1, 1, 1, 0)
    );
    Ok(())
}

#[test]
fn ten_thousand_cycles_miss_only_for_buffers_live_at_once() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    const LIVE: usize = 3;
    for round in 0..10_000 / LIVE {
        let held: Vec<_> = (0..LIVE)
            .map(|i| pool.call_acquire(&mut h.store, *p, 1000 + i as u32))
            .collect::<wasmtime::Result<Result<_, _>>>()??;
        for &b in &held {
            bytes.call_append(&mut h.store, b, &[round as u8; 500])??;
        }
        for b in held {
            pool.call_release(&mut h.store, *p, b)?;
        }
    }
    let stats = pool.call_stats(&mut h.store, *p)?;
    let cycles = (10_000 / LIVE * LIVE) as u64;
    assert_eq!(stats.misses, LIVE as u64);
    assert_eq!(stats.hits, cycles - LIVE as u64);
    assert_eq!(stats.discarded, 0);
    assert_eq!(stats.free, vec![0, 0, 3, 0, 0, 0]);
    assert_eq!(stats.retained_bytes, 3 * 1024);
    Ok(())
}

#[test]
fn a_hundred_thousand_cycles_leak_nothing_beyond_retained_bytes() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let start = h.store.memory_info().used_bytes;
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    let with_empty_pool = h.store.memory_info().used_bytes;
    for i in 0..100_000u32 {
        let b = pool.call_acquire(&mut h.store, *p, i % 70_000)??;
        if i % 10 == 0 {
            bytes.call_append(&mut h.store, b, &[1; 300])??; // may outgrow its class: discarded
        }
        pool.call_release(&mut h.store, *p, b)?;
        let plain = bytes.call_constructor(&mut h.store, 64)?.owned(&h.store);
        drop(plain);
    }
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert!(stats.hits > 90_000, "{stats:?}");
    assert_eq!(
        h.store.memory_info().used_bytes,
        with_empty_pool + stats.retained_bytes
    );
    drop(p);
    assert_eq!(h.store.memory_info().used_bytes, start);
    Ok(())
}

#[test]
fn released_buffers_that_fit_no_class_are_discarded() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool
        .call_with_classes(&mut h.store, &[16, 32], 1)??
        .owned(&h.store);
    let foreign = bytes.call_constructor(&mut h.store, 20)?;
    pool.call_release(&mut h.store, *p, foreign)?;
    let huge = pool.call_acquire(&mut h.store, *p, 1000)??;
    assert_eq!(bytes.call_capacity(&mut h.store, huge)?, 1000);
    pool.call_release(&mut h.store, *p, huge)?;
    let a = pool.call_acquire(&mut h.store, *p, 10)??;
    let b = pool.call_acquire(&mut h.store, *p, 10)??;
    pool.call_release(&mut h.store, *p, a)?;
    pool.call_release(&mut h.store, *p, b)?; // the 16-byte class is full (max 1)
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert_eq!(
        (stats.released, stats.discarded, stats.retained_bytes),
        (4, 3, 16)
    );
    Ok(())
}

#[test]
fn with_classes_refuses_bad_input() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    for classes in [&[][..], &[0, 64], &[64, 64], &[128, 64], &[u32::MAX]] {
        match pool.call_with_classes(&mut h.store, classes, 4)? {
            Err(Error::Invalid(_)) => {}
            other => panic!("{classes:?}: expected invalid, got {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(
        pool.call_with_classes(&mut h.store, &[64], u32::MAX)?
            .map(|_| ()),
        Err(Error::TooLarge(LimitExceeded {
            requested: u32::MAX,
            limit: 4096
        }))
    );
    Ok(())
}

#[test]
fn acquire_of_u32_max_is_out_of_memory() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    assert_eq!(
        pool.call_acquire(&mut h.store, *p, u32::MAX)?.map(|_| ()),
        Err(Error::OutOfMemory(u32::MAX))
    );
    let _small = pool.call_acquire(&mut h.store, *p, 1)??.owned(&h.store);
    Ok(())
}

#[test]
fn points_and_the_point_pool() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let point = h.api.memkit_core_pools().point();
    let pool = h.api.memkit_core_pools().point_pool();
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
    let pools = h.api.memkit_core_pools();
    let points: Vec<Point3d> = (0..1000)
        .map(|i| Point3d {
            x: i as f64,
            y: 0.0,
            z: 0.0,
        })
        .collect();
    assert_eq!(pools.call_path_length(&mut h.store, &points)?, 999.0);
    assert_eq!(pools.call_path_length(&mut h.store, &[])?, 0.0);
    assert_eq!(pools.call_path_length(&mut h.store, &points[..1])?, 0.0);
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
    assert!(pools.call_path_length(&mut h.store, &nan)?.is_nan());
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
    assert_eq!(pools.call_path_length(&mut h.store, &inf)?, f64::INFINITY);
    Ok(())
}

#[test]
fn with_classes_under_a_tight_memory_cap_is_out_of_memory_not_a_trap() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(2 * host_test::MIB);
    let pool = h.api.memkit_core_pools().buffer_pool();
    let classes: Vec<u32> = (1..=64).map(|i| i * 64).collect();
    // 64 free lists of 4096 entries: about 3 MiB of bookkeeping, more than the cap allows.
    match pool.call_with_classes(&mut h.store, &classes, 4096)? {
        Err(Error::OutOfMemory(_)) => {}
        other => panic!("expected out-of-memory, got {:?}", other.map(|_| ())),
    }
    let _small = pool
        .call_with_classes(&mut h.store, &classes, 4)??
        .owned(&h.store);
    Ok(())
}

#[test]
fn path_length_xyz_agrees_with_path_length_bit_for_bit() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pools = h.api.memkit_core_pools();
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
    let by_records = pools.call_path_length(&mut h.store, &points)?;
    let by_coords = pools.call_path_length_xyz(&mut h.store, &coords)??;
    assert_eq!(by_coords.to_bits(), by_records.to_bits());
    assert_eq!(pools.call_path_length_xyz(&mut h.store, &[])??, 0.0);
    for partial in [1, 2, 4, 3000 - 1] {
        match pools.call_path_length_xyz(&mut h.store, &coords[..partial])? {
            Err(Error::Invalid(why)) => assert!(why.contains(&partial.to_string()), "{why}"),
            other => panic!("{partial} values: {other:?}"),
        }
    }
    Ok(())
}
