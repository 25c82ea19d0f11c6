//! The wasi:http 0.3 handler (wasm32-wasip2 only).

use serde_json::json;
use wasip3::http::types::{ErrorCode, Fields, Method, Request, Response};
use wasip3::{wit_future, wit_stream};
use wit_bindgen::{FutureReader, StreamReader, StreamResult};

use crate::answer::{self, Answer, Tally, MAX_BODY, MAX_PAYLOAD};
use crate::bindings::memkit::core::checksums::Algorithm;
use crate::bindings::memkit::core::records::ChecksumKind;
use crate::bindings::memkit::core::streams;
use crate::bindings::memkit::core::types::Error;

/// Frames taken from memkit per read (each read is one copy across the boundary).
const FRAMES_PER_READ: usize = 256;

struct Service;

wasip3::http::service::export!(Service);

impl wasip3::exports::http::handler::Guest for Service {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path_with_query = request.get_path_with_query().unwrap_or_default();
        let (path, query) = path_with_query
            .split_once('?')
            .unwrap_or((&path_with_query, ""));
        let route = answer::route(
            matches!(request.get_method(), Method::Post),
            path,
            query,
            content_length(&request),
        );
        let answer = match route {
            Ok(kind) => {
                // What the host learns of the body's handling: dropped at the end, it writes
                // its default, success.
                let (handled, handled_reader) = wit_future::new(|| Ok(()));
                let (body, trailers) = Request::consume_body(request, handled_reader);
                let answer = check(body, trailers, kind).await?;
                drop(handled);
                answer
            }
            Err(refused) => refused,
        };
        respond(answer)
    }
}

/// The request's `content-length`, when it has one that parses.
fn content_length(request: &Request) -> Option<u64> {
    let values = request.get_headers().get("content-length");
    let value = std::str::from_utf8(values.first()?).ok()?;
    value.trim().parse().ok()
}

/// Has memkit check `body` (through `hash-through` into `read-records`), counts the frames it
/// delivers and answers once both of memkit's futures have resolved. A body that ended early
/// (`trailers` gives the host's error) is the error of the whole request.
async fn check(
    body: StreamReader<u8>,
    trailers: FutureReader<Result<Option<Fields>, ErrorCode>>,
    kind: ChecksumKind,
) -> Result<Answer, ErrorCode> {
    let (through, crc32c) = streams::hash_through(body, Algorithm::Crc32c).await;
    let (mut frames, outcome) = streams::read_records(through, kind, MAX_PAYLOAD).await;
    let mut tally = Tally::default();
    let mut buffer = Vec::with_capacity(FRAMES_PER_READ);
    loop {
        let (result, mut read) = frames.read(buffer).await;
        match result {
            StreamResult::Complete(_) => {}
            // memkit dropped the frames: the input ended, or a record was bad.
            StreamResult::Dropped | StreamResult::Cancelled => break,
        }
        read.drain(..).for_each(|frame| tally.add(&frame));
        if tally.bytes() > MAX_BODY {
            // Dropping the frames stops memkit, which stops reading the body.
            return Ok(answer::too_large());
        }
        buffer = read;
    }
    // `read-records` writes its outcome once it has stopped reading `through`; `hash-through`
    // writes the digest once its input ended or its reader (`read-records`) dropped it.
    let outcome = outcome.await;
    let crc32c = crc32c.await;
    if crc32c.is_ok() {
        // The body was read to its end: whether it arrived whole is the host's to say.
        trailers.await?;
    }
    Ok(match (outcome, crc32c) {
        (Err(framing), _) => answer::bad_stream(&framing.error, &tally, framing.offset),
        (Ok(_), Ok(crc32c)) => answer::valid(&tally, crc32c),
        // `hash-through` failed (it could not get its read buffer) and ended its output
        // early: `read-records` saw a short body, so its count says nothing.
        (Ok(_), Err(error)) => hash_through_failed(&error),
    })
}

/// 503 when `hash-through` ran out of memory (its one error here: the other, its reader
/// dropping the stream, comes with a framing error); 500 for anything else.
fn hash_through_failed(error: &Error) -> Answer {
    match error {
        Error::OutOfMemory(bytes) => Answer::new(
            503,
            json!({ "error": { "tag": "out-of-memory", "bytes": bytes } }),
        ),
        other => Answer::new(500, json!({ "error": format!("hash-through: {other:?}") })),
    }
}

/// The wasi:http response of `answer`, its body written by a task of its own once the host
/// reads it.
fn respond(answer: Answer) -> Result<Response, ErrorCode> {
    let headers: Vec<(String, Vec<u8>)> = answer
        .headers()
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.into_bytes()))
        .collect();
    let headers = Fields::from_list(&headers)
        .map_err(|error| ErrorCode::InternalError(Some(format!("headers: {error:?}"))))?;
    let (mut body_writer, body) = wit_stream::new();
    let (trailers, trailers_reader) = wit_future::new(|| Ok(None));
    let (response, _sent) = Response::new(headers, Some(body), trailers_reader);
    drop(trailers);
    response
        .set_status_code(answer.status)
        .map_err(|()| ErrorCode::InternalError(Some(format!("status {}", answer.status))))?;
    let text = answer.body().into_bytes();
    wit_bindgen::spawn_local(async move {
        // A client gone before the body was read leaves nothing to do.
        let _ = body_writer.write_all(text).await;
    });
    Ok(response)
}
