//! Any byte stream fed to a reader in any pieces: no panic, the buffer stays within one frame,
//! and the records (and the error, if any) are the same as when fed in one piece.
#![no_main]

use libfuzzer_sys::fuzz_target;
use memkit::records::{ChecksumKind, Frame, RecordReader};

/// Feeds `stream` cut at `cuts` and returns every record plus the first error.
fn read(stream: &[u8], cuts: &[usize], max_payload: u32) -> (Vec<Frame>, Option<String>) {
    let mut reader = RecordReader::new(ChecksumKind::Sum32, max_payload);
    let mut records = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([&stream.len()]) {
        match reader.feed(&stream[start..end]) {
            Ok(more) => records.extend(more),
            Err(error) => return (records, Some(error.to_string())),
        }
        assert!(reader.buffered() as usize <= 24 + max_payload as usize);
        start = end;
    }
    (records, reader.finish().err().map(|e| e.to_string()))
}

fuzz_target!(|input: &[u8]| {
    // The first bytes choose max-payload and the cut points; the rest is the stream.
    let Some((&[max, a, b, c], stream)) = input.split_first_chunk::<4>() else {
        return;
    };
    let max_payload = u32::from(max) * 4;
    let mut cuts: Vec<usize> = [a, b, c]
        .iter()
        .map(|&x| usize::from(x) * stream.len() / 256)
        .collect();
    cuts.sort();
    let whole = read(stream, &[], max_payload);
    let pieces = read(stream, &cuts, max_payload);
    assert_eq!(whole.0, pieces.0);
    assert_eq!(whole.1, pieces.1);
});
