//! A fixed number of captures of one side of `capture.rs`, for counting what one costs with a
//! profiler rather than timing it: `capture_count client 1500` and `capture_count client 500`
//! under `valgrind --tool=callgrind` differ by the instructions of 1,000 captures, whatever
//! else the machine runs. `hand` for the hand-written side, `hand-same` for it with the two
//! headers the generated client adds.

mod common;

fn main() {
    // `cargo bench` passes `--bench`; what else is given names the side and the count.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let side = args.first().map_or("client", String::as_str);
    let count: u32 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let capture = common::Capture::new();
    for _ in 0..count {
        if side == "hand" {
            std::hint::black_box(capture.by_hand());
        } else if side == "hand-same" {
            std::hint::black_box(capture.by_hand_with_the_generated_headers());
        } else {
            std::hint::black_box(capture.through_the_client());
        }
    }
}
