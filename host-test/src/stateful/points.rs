//! point, point-pool and the path lengths of the article's `points`: the points' coordinates,
//! and an operation per method.

use fastrand::Rng;

use super::{close, pick, same_f64, Interface, Live, Operation, Resource, Run, Step, Target, MAX_LIVE};
use crate::article::points::Point3d;
use crate::article::Error;

/// A point-pool: points waiting.
pub(super) struct PointPoolModel {
    max_size: u32,
    waiting: u32,
}

fn distance(a: &Point3d, b: &Point3d) -> f64 {
    let (dx, dy, dz) = (a.x - b.x, a.y - b.y, a.z - b.z);
    (dx * dx + dy * dy + dz * dz).sqrt()
}

fn float64(rng: &mut Rng) -> f64 {
    const EDGES: [f64; 11] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN_POSITIVE,
        1e-310,
        1e154,
    ];
    if rng.u32(..5) == 0 {
        EDGES[rng.usize(..EDGES.len())]
    } else {
        (rng.f64() - 0.5) * 2000.0
    }
}

fn point3d(rng: &mut Rng) -> Point3d {
    Point3d {
        x: float64(rng),
        y: float64(rng),
        z: float64(rng),
    }
}

impl Run {
    fn point_constructor(&mut self) -> Step<bool> {
        if self.handles.points.len() >= MAX_LIVE {
            return Ok(false);
        }
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point.constructor({:?}, {:?}, {:?})",
            p.x, p.y, p.z
        ));
        let handle = self.call_article("point.constructor", |s, m| {
            m.memkit_article_points()
                .point()
                .call_constructor(s, p.x, p.y, p.z)
        })?;
        self.handles.points.push(Live { handle, model: p });
        Ok(true)
    }

    fn point_coordinate(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let p = self.handles.points[i].model;
        let (function, want) = match self.rng.u32(..3) {
            0 => ("point.x", p.x),
            1 => ("point.y", p.y),
            _ => ("point.z", p.z),
        };
        self.begin(format!("{function}() of #{i} (model: {want:?})"));
        let got = self.call_article(function, |s, m| {
            let point = m.memkit_article_points().point();
            match function {
                "point.x" => point.call_x(s, h),
                "point.y" => point.call_y(s, h),
                _ => point.call_z(s, h),
            }
        })?;
        ensure!(
            same_f64(got, want),
            "{function} is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_reset(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point.reset({:?}, {:?}, {:?}) on #{i}",
            p.x, p.y, p.z
        ));
        self.call_article("point.reset", |s, m| {
            m.memkit_article_points()
                .point()
                .call_reset(s, h, p.x, p.y, p.z)
        })?;
        self.handles.points[i].model = p;
        Ok(true)
    }

    fn point_distance_to(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let (j, other) = pick(&mut self.rng, &self.handles.points).expect("i is live");
        let want = distance(&self.handles.points[i].model, &self.handles.points[j].model);
        self.begin(format!("point.distance-to(#{j}) on #{i} (model: {want:?})"));
        let got = self.call_article("point.distance-to", |s, m| {
            m.memkit_article_points().point().call_distance_to(s, h, other)
        })?;
        ensure!(
            close(got, want, want),
            "distance-to is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_to_record(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let want = self.handles.points[i].model;
        self.begin(format!("point.to-record() of #{i} (model: {want:?})"));
        let got = self.call_article("point.to-record", |s, m| {
            m.memkit_article_points().point().call_to_record(s, h)
        })?;
        ensure!(
            same_f64(got.x, want.x) && same_f64(got.y, want.y) && same_f64(got.z, want.z),
            "to-record is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_pool_constructor(&mut self) -> Step<bool> {
        if self.handles.point_pools.len() >= MAX_LIVE {
            return Ok(false);
        }
        let max_size = [0, 1, 2, 5, 100, u32::MAX][self.rng.usize(..6)];
        self.begin(format!("point-pool.constructor({max_size})"));
        let handle = self.call_article("point-pool.constructor", |s, m| {
            m.memkit_article_points()
                .point_pool()
                .call_constructor(s, max_size)
        })?;
        let model = PointPoolModel {
            max_size,
            waiting: 0,
        };
        self.handles.point_pools.push(Live { handle, model });
        Ok(true)
    }

    fn point_pool_get(&mut self) -> Step<bool> {
        if self.handles.points.len() >= MAX_LIVE {
            return Ok(false);
        }
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point-pool.get({:?}, {:?}, {:?}) on #{i}",
            p.x, p.y, p.z
        ));
        let handle = self.call_article("point-pool.get", |s, m| {
            m.memkit_article_points()
                .point_pool()
                .call_get(s, h, p.x, p.y, p.z)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        model.waiting = model.waiting.saturating_sub(1);
        self.handles.points.push(Live { handle, model: p });
        Ok(true)
    }

    fn point_pool_put(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let Some((j, point)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        self.begin(format!("point-pool.put(point #{j}) on #{i}"));
        self.handles.points.swap_remove(j);
        self.call_article("point-pool.put", |s, m| {
            m.memkit_article_points().point_pool().call_put(s, h, point)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        if model.waiting >= model.max_size {
            return Ok(true);
        }
        if self.squeezed.is_none() {
            model.waiting += 1;
            return Ok(true);
        }
        // The waiting list grows on demand, which a squeeze may not allow: ask.
        let got = self.call_article("point-pool.size", |s, m| {
            m.memkit_article_points().point_pool().call_size(s, h)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        ensure!(
            got == model.waiting || got == model.waiting + 1,
            "size after put is {got}, the model had {} waiting",
            model.waiting
        );
        model.waiting = got;
        Ok(true)
    }

    fn point_pool_size(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let want = self.handles.point_pools[i].model.waiting;
        self.begin(format!("point-pool.size() of #{i} (model: {want:?})"));
        let got = self.call_article("point-pool.size", |s, m| {
            m.memkit_article_points().point_pool().call_size(s, h)
        })?;
        ensure!(got == want, "size is {got}, the model says {want}");
        Ok(true)
    }

    fn path_length(&mut self) -> Step<bool> {
        // 24 bytes a point in the canonical ABI.
        let count = self.size()? / 24;
        let points: Vec<Point3d> = (0..count).map(|_| point3d(&mut self.rng)).collect();
        let want = points
            .windows(2)
            .fold(0.0, |total, pair| total + distance(&pair[0], &pair[1]));
        self.begin(format!(
            "points.path-length({} points) (model: {want:?})",
            points.len()
        ));
        let got = self.call_article("points.path-length", |s, m| {
            m.memkit_article_points().call_path_length(s, &points)
        })?;
        ensure!(
            close(got, want, want),
            "path-length is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    /// `path-length-xyz` over interleaved coordinates, a partial point now and then.
    fn path_length_xyz(&mut self) -> Step<bool> {
        // 8 bytes a coordinate.
        let count = self.size()? / 24;
        let points: Vec<Point3d> = (0..count).map(|_| point3d(&mut self.rng)).collect();
        let mut coords: Vec<f64> = points.iter().flat_map(|p| [p.x, p.y, p.z]).collect();
        let partial = !coords.is_empty() && self.rng.u32(..4) == 0;
        if partial {
            coords.pop();
        }
        let want = points
            .windows(2)
            .fold(0.0, |total, pair| total + distance(&pair[0], &pair[1]));
        self.begin(format!(
            "points.path-length-xyz({} values) (model: {})",
            coords.len(),
            if partial {
                "invalid".to_string()
            } else {
                format!("{want:?}")
            }
        ));
        let got = self.call_article("points.path-length-xyz", |s, m| {
            m.memkit_article_points().call_path_length_xyz(s, &coords)
        })?;
        match got {
            Ok(length) => ensure!(
                !partial && close(length, want, want),
                "path-length-xyz is {length:?}, the model says {}",
                if partial {
                    "invalid".to_string()
                } else {
                    format!("{want:?}")
                }
            ),
            Err(Error::Invalid(_)) => ensure!(partial, "path-length-xyz refused whole points"),
            Err(Error::OutOfMemory(_)) => self.report.out_of_memory_answers += 1,
            Err(other) => ensure!(false, "path-length-xyz answered {other:?}"),
        }
        Ok(true)
    }
}

/// point, point-pool and the path lengths: each operation and the functions it drives, and
/// where the handles live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Article,
    resources: &[
        Resource {
            name: "point",
            live: |handles| &mut handles.points,
        },
        Resource {
            name: "point-pool",
            live: |handles| &mut handles.point_pools,
        },
    ],
    operations: &[
        Operation::new(&["point.constructor"], Run::point_constructor, 2),
        Operation::new(&["point.x", "point.y", "point.z"], Run::point_coordinate, 3),
        Operation::new(&["point.reset"], Run::point_reset, 2),
        Operation::new(&["point.distance-to"], Run::point_distance_to, 2),
        Operation::new(&["point.to-record"], Run::point_to_record, 2),
        Operation::new(&["point-pool.constructor"], Run::point_pool_constructor, 1),
        Operation::new(&["point-pool.get"], Run::point_pool_get, 3),
        Operation::new(&["point-pool.put", "point-pool.size"], Run::point_pool_put, 3),
        Operation::new(&["point-pool.size"], Run::point_pool_size, 1),
        Operation::new(&["points.path-length"], Run::path_length, 2),
        Operation::new(&["points.path-length-xyz"], Run::path_length_xyz, 2),
    ],
};
