//! The eight jobs of the Node harness (bench/node/jobs.js `scenarios`), each through the component
//! in wasmtime with its best API and through the same core compiled natively (the `memkit`
//! rlib), plus the path job with a list of records, which the Node table does not separate.

use std::hint::black_box;
use std::rc::Rc;

use host_test::article::people::{Company, Person};
use host_test::article::points::Point3d;
use host_test::article::Article;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::{Host, Memkit, Own, Owned};
use memkit::bytes::ByteBuffer;
use memkit::pools::BufferPool;
use memkit::records::BinaryRecord;
use memkit_article::floats::FloatBuffer;

use crate::measure::{format_stat, Series, Timer};

/// The inputs' sizes: the Node harness's, or tiny ones for `--smoke`.
struct Sizes {
    bytes: usize,
    floats: usize,
    payload: usize,
    employees: u32,
    points: usize,
    text: usize,
    pool_cycles: u32,
}

const FULL: Sizes = Sizes {
    bytes: 1 << 20,
    floats: 1_000_000,
    payload: 64 * 1024,
    employees: 1000,
    points: 1000,
    text: 1_000_000,
    pool_cycles: 1000,
};

const SMOKE: Sizes = Sizes {
    bytes: 1024,
    floats: 1000,
    payload: 1024,
    employees: 10,
    points: 10,
    text: 1000,
    pool_cycles: 10,
};

/// Everything the jobs use: the inputs, the component's instance and held handles, and the
/// native core's held objects.
struct Fx {
    // The guards come before `host`: they drop first, and the `Host`'s drop then releases
    // them and checks that the component holds no more memory than after instantiation.
    c_record: Owned,
    c_pool: Owned,
    c_small: Owned,
    host: Host,
    api: Rc<Memkit>,
    article: Rc<Article>,
    n_record: BinaryRecord,
    n_pool: BufferPool,
    n_small: ByteBuffer,
    data: Vec<u8>,
    floats: Vec<f32>,
    payload: Vec<u8>,
    people: Vec<(String, u32, String)>,
    coords: Vec<f64>,
    points: Vec<Point3d>,
    n_points: Vec<memkit_article::points::Point3d>,
    text: String,
    pool_cycles: u32,
}

const COMPANY: &str = "Analytical Engines Ltd";
const HEADER: [u8; 16] = [7; 16];

impl Fx {
    fn new(sizes: &Sizes) -> wasmtime::Result<Self> {
        let mut host = Host::new();
        let api = host.api.clone();
        let article = host.article.clone();
        let c_record = api
            .memkit_core_records()
            .binary_record()
            .call_constructor(&mut host.store, ChecksumKind::Sum32)?
            .owned(&host.store);
        api.memkit_core_records()
            .binary_record()
            .call_set_header(&mut host.store, *c_record, &HEADER)?
            .expect("a 16-byte header");
        let c_pool = api
            .memkit_core_pools()
            .buffer_pool()
            .call_constructor(&mut host.store)?
            .owned(&host.store);
        let c_small = api
            .memkit_core_bytes()
            .byte_buffer()
            .call_from_list(&mut host.store, b"abc")?
            .owned(&host.store);
        let mut n_record = BinaryRecord::new(memkit::records::ChecksumKind::Sum32);
        n_record.set_header(&HEADER).expect("a 16-byte header");

        let xyz = |i: usize| {
            let t = i as f64 / 100.0;
            (t.cos(), t.sin(), t)
        };
        Ok(Self {
            c_record,
            c_pool,
            c_small,
            host,
            api,
            article,
            n_record,
            n_pool: BufferPool::default(),
            n_small: ByteBuffer::from_vec(b"abc".to_vec()),
            data: (0..sizes.bytes).map(|i| (i * 31) as u8).collect(),
            floats: (0..sizes.floats).map(|i| i as f32 * 1e-3).collect(),
            payload: (0..sizes.payload).map(|i| i as u8).collect(),
            people: (0..sizes.employees)
                .map(|i| {
                    (
                        format!("Employee {i}"),
                        20 + i % 45,
                        format!("e{i}@example.com"),
                    )
                })
                .collect(),
            coords: (0..sizes.points)
                .flat_map(|i| {
                    let (x, y, z) = xyz(i);
                    [x, y, z]
                })
                .collect(),
            points: (0..sizes.points)
                .map(|i| {
                    let (x, y, z) = xyz(i);
                    Point3d { x, y, z }
                })
                .collect(),
            n_points: (0..sizes.points)
                .map(|i| {
                    let (x, y, z) = xyz(i);
                    memkit_article::points::Point3d::new(x, y, z)
                })
                .collect(),
            text: "The Quick Brown Fox jumps over the lazy dog. ".repeat(sizes.text / 45 + 1)
                [..sizes.text]
                .to_string(),
            pool_cycles: sizes.pool_cycles,
        })
    }

    // Each job once, through the component (c_) and natively (n_). What they return is
    // compared by `verify`, and thrown to `black_box` when timed.

    /// `byte-buffer.from-list` + `byte-buffer.take`: the bytes in, and moved out.
    fn c_bytes(&mut self) -> Vec<u8> {
        let bytes = self.api.memkit_core_bytes().byte_buffer();
        let b = bytes
            .call_from_list(&mut self.host.store, &self.data)
            .unwrap();
        bytes.call_take(&mut self.host.store, b).unwrap()
    }

    /// The same natively: the caller's bytes copied into an owned buffer, and moved out.
    fn n_bytes(&mut self) -> Vec<u8> {
        ByteBuffer::from_vec(self.data.to_vec()).into_vec()
    }

    /// `float-buffer.from-list` + `process` + `sum` + `take`.
    fn c_floats(&mut self) -> (f64, Vec<f32>) {
        let floats = self.article.memkit_article_floats().float_buffer();
        let store = &mut self.host.store;
        let f = floats.call_from_list(&mut *store, &self.floats).unwrap();
        floats.call_process(&mut *store, f).unwrap();
        let sum = floats.call_sum(&mut *store, f).unwrap();
        (sum, floats.call_take(store, f).unwrap())
    }

    fn n_floats(&mut self) -> (f64, Vec<f32>) {
        let mut f = FloatBuffer::from_vec(self.floats.to_vec());
        f.process();
        let sum = f.sum();
        (sum, f.into_vec())
    }

    /// `binary-record.set-payload` + `serialize` + `deserialize` (the new record dropped).
    fn c_record(&mut self) -> Vec<u8> {
        let record = self.api.memkit_core_records().binary_record();
        let store = &mut self.host.store;
        record
            .call_set_payload(&mut *store, *self.c_record, &self.payload)
            .unwrap()
            .unwrap();
        let frame = record
            .call_serialize(&mut *store, *self.c_record)
            .unwrap()
            .unwrap();
        let back = record
            .call_deserialize(&mut *store, &frame, ChecksumKind::Sum32)
            .unwrap()
            .unwrap();
        store.drop_resource(back);
        frame
    }

    fn n_record(&mut self) -> Vec<u8> {
        self.n_record.set_payload(&self.payload).unwrap();
        let frame = self.n_record.serialize().unwrap();
        let back = BinaryRecord::deserialize(frame.clone(), memkit::records::ChecksumKind::Sum32);
        drop(back.unwrap());
        frame
    }

    /// The company built from the inputs, `people.company-to-json`, `people.company-from-json`.
    fn c_company(&mut self) -> (String, Vec<(String, u32, String)>) {
        let company = Company {
            name: COMPANY.into(),
            founded_year: 1843,
            employees: self
                .people
                .iter()
                .map(|(name, age, email)| Person {
                    name: name.clone(),
                    age: *age,
                    email: email.clone(),
                })
                .collect(),
        };
        let people = self.article.memkit_article_people();
        let json = people
            .call_company_to_json(&mut self.host.store, &company)
            .unwrap()
            .unwrap();
        let back = people
            .call_company_from_json(&mut self.host.store, &json)
            .unwrap()
            .unwrap();
        let back = back
            .employees
            .into_iter()
            .map(|p| (p.name, p.age, p.email))
            .collect();
        (json, back)
    }

    fn n_company(&mut self) -> (String, Vec<(String, u32, String)>) {
        let company = memkit_article::people::Company {
            name: COMPANY.into(),
            founded_year: 1843,
            employees: self
                .people
                .iter()
                .map(|(name, age, email)| memkit_article::people::Person {
                    name: name.clone(),
                    age: *age,
                    email: email.clone(),
                })
                .collect(),
        };
        let json = memkit_article::people::company_to_json(&company).unwrap();
        let back = memkit_article::people::company_from_json(&json).unwrap();
        let back = back
            .employees
            .into_iter()
            .map(|p| (p.name, p.age, p.email))
            .collect();
        (json, back)
    }

    /// `buffer-pool.acquire(1000)` + `release`, `pool_cycles` times.
    fn c_pool(&mut self) {
        let pool = self.api.memkit_core_pools().buffer_pool();
        for _ in 0..self.pool_cycles {
            let b = pool
                .call_acquire(&mut self.host.store, *self.c_pool, 1000)
                .unwrap()
                .unwrap();
            pool.call_release(&mut self.host.store, *self.c_pool, b)
                .unwrap();
        }
    }

    fn n_pool(&mut self) {
        for _ in 0..self.pool_cycles {
            let b = self.n_pool.acquire(1000).unwrap();
            self.n_pool.release(black_box(b));
        }
    }

    /// `points.path-length-xyz` over interleaved coordinates.
    fn c_path_xyz(&mut self) -> f64 {
        self.article
            .memkit_article_points()
            .call_path_length_xyz(&mut self.host.store, &self.coords)
            .unwrap()
            .unwrap()
    }

    fn n_path_xyz(&mut self) -> f64 {
        memkit_article::points::path_length_xyz(&self.coords).unwrap()
    }

    /// `points.path-length` over a list of `point3d` records.
    fn c_path_records(&mut self) -> f64 {
        self.article
            .memkit_article_points()
            .call_path_length(&mut self.host.store, &self.points)
            .unwrap()
    }

    fn n_path_records(&mut self) -> f64 {
        memkit_article::points::path_length(&self.n_points)
    }

    /// `text.swap-case` of the text.
    fn c_swap(&mut self) -> String {
        self.article
            .memkit_article_text()
            .call_swap_case(&mut self.host.store, &self.text)
            .unwrap()
    }

    /// The same natively: the caller's text copied into an owned string, swapped in place.
    fn n_swap(&mut self) -> String {
        memkit_article::text::swap_case(self.text.clone())
    }

    /// `byte-buffer.len` of a held 3-byte buffer.
    fn c_len(&mut self) -> u32 {
        self.api
            .memkit_core_bytes()
            .byte_buffer()
            .call_len(&mut self.host.store, *self.c_small)
            .unwrap()
    }

    fn n_len(&mut self) -> u32 {
        black_box(&self.n_small).len()
    }

    /// Runs each job once each way and checks that the component and the native core agree:
    /// the same bytes, the same bits of every float, the same JSON, the same pool counters.
    fn verify(&mut self) {
        let check = |name: &str, same: bool| {
            assert!(same, "{name}: the component and the native core disagree");
            eprintln!("ok - {name}");
        };
        let (c, n) = (self.c_bytes(), self.n_bytes());
        check("bytes", c == self.data && n == self.data);

        let ((c_sum, c), (n_sum, n)) = (self.c_floats(), self.n_floats());
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        check(
            "floats",
            c_sum.to_bits() == n_sum.to_bits()
                && bits(&c) == bits(&n)
                && c.len() == self.floats.len(),
        );

        let (c, n) = (self.c_record(), self.n_record());
        check("record", c == n && c.len() == 24 + self.payload.len());

        let ((c_json, c_back), (n_json, n_back)) = (self.c_company(), self.n_company());
        check(
            "company",
            c_json == n_json && c_back == n_back && c_back == self.people,
        );

        // Both pools are fresh: one job each leaves the same counters.
        self.c_pool();
        self.n_pool();
        let c = self
            .api
            .memkit_core_pools()
            .buffer_pool()
            .call_stats(&mut self.host.store, *self.c_pool)
            .unwrap();
        let n = self.n_pool.stats();
        check(
            "pool",
            (
                c.classes,
                c.free,
                c.hits,
                c.misses,
                c.released,
                c.discarded,
                c.retained_bytes,
            ) == (
                n.classes,
                n.free,
                n.hits,
                n.misses,
                n.released,
                n.discarded,
                n.retained_bytes,
            ) && n.released == u64::from(self.pool_cycles),
        );

        let paths = [
            self.c_path_xyz(),
            self.n_path_xyz(),
            self.c_path_records(),
            self.n_path_records(),
        ];
        check(
            "path",
            paths.iter().all(|p| p.to_bits() == paths[0].to_bits()) && paths[0] > 0.0,
        );

        let (c, n) = (self.c_swap(), self.n_swap());
        check(
            "swap-case",
            c == n && c.len() == self.text.len() && c != self.text,
        );

        let (c, n) = (self.c_len(), self.n_len());
        check("method call", c == 3 && n == 3);
    }
}

/// One job: its name, the component API it uses, and each side's run of `n` jobs.
struct Job {
    name: &'static str,
    api: &'static str,
    component: Runner,
    native: Runner,
}

type Runner = Box<dyn FnMut(&mut Fx, u64)>;

/// A runner that does `job` `n` times, monomorphised so the loop has no dynamic call in it.
fn each<R>(mut job: impl FnMut(&mut Fx) -> R + 'static) -> Runner {
    Box::new(move |fx, n| {
        for _ in 0..n {
            black_box(job(fx));
        }
    })
}

fn jobs() -> Vec<Job> {
    vec![
        Job {
            name: "1 MiB byte buffer in and out",
            api: "`byte-buffer.from-list` + `take` (native: `ByteBuffer::from_vec(copy)` + `into_vec`)",
            component: each(Fx::c_bytes),
            native: each(Fx::n_bytes),
        },
        Job {
            name: "1 M floats: process, read out, sum",
            api: "`float-buffer.from-list` + `process` + `sum` + `take` (native: `from_vec(copy)` + `process` + `sum` + `into_vec`)",
            component: each(Fx::c_floats),
            native: each(Fx::n_floats),
        },
        Job {
            name: "64 KiB record serialize + deserialize",
            api: "`binary-record.set-payload` + `serialize` + `deserialize` + drop",
            component: each(Fx::c_record),
            native: each(Fx::n_record),
        },
        Job {
            name: "company of 1000: build, to JSON, back",
            api: "`people.company-to-json` + `company-from-json`",
            component: each(Fx::c_company),
            native: each(Fx::n_company),
        },
        Job {
            name: "1000 pool acquire + release",
            api: "1000 × `buffer-pool.acquire(1000)` + `release`",
            component: each(Fx::c_pool),
            native: each(Fx::n_pool),
        },
        Job {
            name: "path of 1000 points",
            api: "`points.path-length-xyz` (`list<f64>`)",
            component: each(Fx::c_path_xyz),
            native: each(Fx::n_path_xyz),
        },
        Job {
            name: "swap-case of 1 MB",
            api: "`text.swap-case` (native: `swap_case(text.clone())`)",
            component: each(Fx::c_swap),
            native: each(Fx::n_swap),
        },
        Job {
            name: "one method call",
            api: "`byte-buffer.len` of a held buffer",
            component: each(Fx::c_len),
            native: each(Fx::n_len),
        },
        Job {
            name: "(extra) path of 1000 points as records",
            api: "`points.path-length` (`list<point3d>`; native: `path_length(&[Point3d])`)",
            component: each(Fx::c_path_records),
            native: each(Fx::n_path_records),
        },
    ]
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    let sizes = if timer.smoke { &SMOKE } else { &FULL };
    let mut fx = Fx::new(sizes)?;
    fx.verify();
    let mut jobs = jobs();
    let mut series: Vec<[Series; 2]> = jobs.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        for (j, (job, series)) in jobs.iter_mut().zip(&mut series).enumerate() {
            // Alternate which side goes first, so neither always runs on a warmer machine.
            let [c, n] = series;
            let mut sides = [(&mut job.component, c), (&mut job.native, n)];
            if (round + j) % 2 == 1 {
                sides.reverse();
            }
            for (runner, series) in sides {
                timer.measure(series, &mut |k| runner(&mut fx, k));
            }
        }
        eprintln!("jobs: round {}/{rounds}", round + 1);
    }
    drop(fx); // the leak check

    println!("### The jobs: the component in wasmtime vs the same core compiled natively\n");
    if timer.smoke {
        println!("(--smoke: tiny inputs, one call each; the times mean nothing)\n");
    }
    println!("| job | component | native | component / native |");
    println!("|---|---|---|---|");
    for (job, [c, n]) in jobs.iter().zip(&series) {
        let (c, n) = (c.stat(), n.stat());
        println!(
            "| {} | {} | {} | {:.2} |",
            job.name,
            format_stat(c),
            format_stat(n),
            c.median / n.median
        );
    }
    println!();
    println!("APIs used:");
    for job in &jobs {
        println!("- {}: {}", job.name, job.api);
    }
    println!();
    Ok(())
}
