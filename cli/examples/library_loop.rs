//! The baseline of the NDJSON measurement in `bench/compare.sh`: one thread reads an NDJSON file
//! line by line and calls the library on each payload, counting the invalid ones. What the
//! `fpwebhook` binary adds on top (reading ahead, judging on all cores, reporting) is measured
//! against this.
//!
//! `cargo run --release -p fpwebhook --example library_loop -- FILE.ndjson`

use std::io::{BufRead, BufReader};
use std::process::ExitCode;

use fingerprint_webhook::{Contract, Options};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: library_loop FILE.ndjson");
        return ExitCode::from(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("{}: {error}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let (mut valid, mut invalid) = (0_u64, 0_u64);
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::from(2);
            }
        }
        let payload = line.strip_suffix(b"\n").unwrap_or(&line);
        if payload.iter().all(|byte| matches!(byte, b' ' | b'\t' | b'\r')) {
            continue;
        }
        match Contract::detect(payload).validate(payload, Options::DEFAULT) {
            Ok(()) => valid += 1,
            Err(_) => invalid += 1,
        }
    }
    println!("{valid} valid, {invalid} invalid");
    ExitCode::from(u8::from(invalid > 0))
}
