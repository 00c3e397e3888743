//! Benchmark: RSA-2048 key and certificate generation, as automatic registration does it.
//!   cargo run -p mailferry-core --example certificate_generation [RUNS]
//!   cargo run -p mailferry-core --release --example certificate_generation [RUNS]

use std::time::Instant;

use mailferry_core::certs::generate;
use mailferry_core::model::Role;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let mut times_ms: Vec<f64> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        match generate(Role::Source) {
            Ok(certificate) => std::hint::black_box(certificate),
            Err(error) => {
                eprintln!("generation failed: {error}");
                std::process::exit(1);
            }
        };
        times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times_ms.sort_by(f64::total_cmp);
    let median = times_ms[runs / 2];
    let mean = times_ms.iter().sum::<f64>() / runs as f64;
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "RSA-2048 key + self-signed certificate ({profile}, {runs} runs): median {median:.1} ms, mean {mean:.1} ms, min {:.1} ms, max {:.1} ms",
        times_ms[0],
        times_ms[runs - 1]
    );
}
