//! The wasi:http 0.2 handler (wasm32-wasip2 only).

use http_body_util::BodyExt;
use wstd::http::body::Body;
use wstd::http::{Error, Method, Request, Response};

use crate::answer::{self, Answer, Tally, MAX_BODY, MAX_PAYLOAD};
use crate::bindings::memkit::core::checksums::{Algorithm, Hasher};
use crate::bindings::memkit::core::records::{ChecksumKind, RecordReader};

/// Answers one request.
pub async fn handle(request: Request<Body>) -> Result<Response<Body>, Error> {
    let route = answer::route(
        request.method() == Method::POST,
        request.uri().path(),
        request.uri().query().unwrap_or(""),
        request.body().content_length(),
    );
    let answer = match route {
        Ok(kind) => check(request.into_body(), kind).await?,
        Err(refused) => refused,
    };
    let mut response = Response::builder().status(answer.status);
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    Ok(response.body(Body::from(answer.body()))?)
}

/// Feeds the body to memkit frame by frame, and to the hasher, and answers with what memkit
/// found.
async fn check(body: Body, kind: ChecksumKind) -> Result<Answer, Error> {
    let reader = RecordReader::new(kind, MAX_PAYLOAD);
    let hasher = Hasher::new(Algorithm::Crc32c);
    let mut body = body.into_boxed_body();
    let (mut received, mut tally) = (0u64, Tally::default());
    loop {
        // A last, empty feed reports an error met after good records in the same piece.
        let data = match body.frame().await.transpose()? {
            Some(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue, // trailers
            },
            None => Default::default(),
        };
        let last = data.is_empty();
        received += data.len() as u64;
        if received > MAX_BODY {
            return Ok(answer::too_large());
        }
        hasher.update(&data);
        match reader.feed(&data) {
            Ok(done) => done.iter().for_each(|frame| tally.add(frame)),
            Err(error) => return Ok(answer::bad_stream(&error, &tally, tally.bytes())),
        }
        if last {
            break;
        }
    }
    if let Err(error) = reader.finish() {
        return Ok(answer::bad_stream(&error, &tally, tally.bytes()));
    }
    Ok(answer::valid(&tally, hasher.digest()))
}
