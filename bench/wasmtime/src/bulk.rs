//! Bulk transfer: bytes into the component and back out (`byte-buffer.from-list` + `take`,
//! two copies: the host's into linear memory and the host's out of it) against two native
//! `memcpy`s of the same bytes into preallocated buffers.

use std::hint::black_box;

use host_test::{Host, MIB};

use crate::measure::{format_stat, verdict, Series, Timer};

struct Case {
    label: &'static str,
    src: Vec<u8>,
    /// The native copies' destinations, allocated (and touched) once.
    first: Vec<u8>,
    second: Vec<u8>,
    component: Series,
    native: Series,
}

/// The bandwidth goal: the component moves bytes at least half as fast as `memcpy`.
const TARGET: f64 = 0.5;

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    let sizes: &[(&str, usize)] = if timer.smoke {
        &[("4 KiB", 4096), ("64 KiB", 64 * 1024)]
    } else {
        &[("1 MiB", MIB), ("16 MiB", 16 * MIB)]
    };
    let mut cases: Vec<Case> = sizes
        .iter()
        .map(|&(label, len)| Case {
            label,
            src: (0..len).map(|i| (i * 31 + i / 4096) as u8).collect(),
            first: vec![0; len],
            second: vec![0; len],
            component: Series::default(),
            native: Series::default(),
        })
        .collect();

    let mut h = Host::new();
    let api = h.api.clone();
    let bytes = api.memkit_core_bytes().byte_buffer();

    for case in &mut cases {
        let b = bytes.call_from_list(&mut h.store, &case.src)?;
        let out = bytes.call_take(&mut h.store, b)?;
        case.first.copy_from_slice(&case.src);
        case.second.copy_from_slice(&case.first);
        assert!(
            out == case.src && case.second == case.src,
            "{}: the bytes did not come back",
            case.label
        );
        eprintln!("ok - bulk {}", case.label);
    }

    for round in 0..rounds {
        for (i, case) in cases.iter_mut().enumerate() {
            let src = &case.src;
            let mut component = |n: u64| {
                for _ in 0..n {
                    let b = bytes.call_from_list(&mut h.store, src).unwrap();
                    black_box(bytes.call_take(&mut h.store, b).unwrap());
                }
            };
            let (first, second) = (&mut case.first, &mut case.second);
            let mut native = |n: u64| {
                for _ in 0..n {
                    first.copy_from_slice(black_box(src));
                    second.copy_from_slice(black_box(&*first));
                    black_box(&mut *second);
                }
            };
            if (round + i) % 2 == 0 {
                timer.measure(&mut case.component, &mut component);
                timer.measure(&mut case.native, &mut native);
            } else {
                timer.measure(&mut case.native, &mut native);
                timer.measure(&mut case.component, &mut component);
            }
        }
        eprintln!("bulk: round {}/{rounds}", round + 1);
    }
    drop(h); // the leak check

    println!("### Bulk transfer: `from-list` + `take` vs two native memcpys\n");
    println!(
        "Each round trip copies the bytes twice (component: host → linear memory, then linear \
         memory → a new host Vec; native: `copy_from_slice` into two preallocated Vecs), so \
         GB/s = 2 × size / time. Ratio: component GB/s / native GB/s (target ≥ {:.0} %).\n",
        TARGET * 100.0
    );
    println!(
        "| size | component round trip | native 2 × memcpy | component GB/s | native GB/s | component / native | |"
    );
    println!("|---|---|---|---|---|---|---|");
    for case in &cases {
        let (c, n) = (case.component.stat(), case.native.stat());
        let gbps = |ns: f64| 2.0 * case.src.len() as f64 / ns;
        let ratio = n.median / c.median;
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.0} % | {} |",
            case.label,
            format_stat(c),
            format_stat(n),
            gbps(c.median),
            gbps(n.median),
            ratio * 100.0,
            verdict(timer.smoke, ratio >= TARGET)
        );
    }
    println!();
    Ok(())
}
