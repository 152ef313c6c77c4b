//! Issue 12's ratios measured in interleaved rounds in one process: a second measure beside the
//! criterion run (`benches/validate.rs`), for a shared machine whose speed drifts.
//!
//! Criterion measures one benchmark after another, seconds apart; on a machine shared with
//! other work, the two sides of a ratio can then run at different speeds (runs here have
//! disagreed by up to 70% on the same payload). Here every round times each side once, a batch
//! of calls each, one right after the other and in turns, and a ratio is the median over the
//! rounds of the ratio within one round: a drift slower than a round changes both sides alike.
//! Times are the thread's CPU time, as in the criterion benchmarks.
//!
//! `cargo run --release -p webhook-tests --example paired -- [ROUNDS] [FILTER]`: ROUNDS per
//! payload (15 unless given), on the payloads whose benchmark group's name contains FILTER
//! (all unless given). Prints a table of median ratios with the interquartile range of each, then
//! each target of issue 12 as judged by those medians.

use std::hint::black_box;
use std::time::Duration;

use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use serde_json::Value;
use webhook_tests::bench_payloads::{invalid_payload, named_by_target_one, valid_payloads};

/// How long a batch of the validator's calls takes at least: long enough for the clock, short
/// enough that a round sees the machine as it is.
const BATCH: Duration = Duration::from_millis(2);

/// The CPU time of the calling thread (wall-clock time where there is no such clock).
fn now() -> Duration {
    #[cfg(unix)]
    {
        let time = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Duration::new(time.tv_sec.unsigned_abs(), u32::try_from(time.tv_nsec).unwrap_or(0))
    }
    #[cfg(not(unix))]
    {
        static START: std::sync::LazyLock<std::time::Instant> =
            std::sync::LazyLock::new(std::time::Instant::now);
        START.elapsed()
    }
}

/// One side of a comparison: a call on the payload's bytes.
type Side<'a> = Box<dyn Fn(&[u8]) + 'a>;

/// The seconds per call of each side, one sample per round: each round runs every side for the
/// same number of calls, in turn, starting with the next side each round.
fn rounds(bytes: &[u8], sides: &[Side<'_>], rounds: usize) -> Vec<Vec<f64>> {
    // As many calls as the first side makes in a batch's time, and a first round thrown away
    // (caches, branch predictors and the allocator warmed for every side).
    let start = now();
    let mut calls = 0_u32;
    while now().saturating_sub(start) < BATCH {
        sides[0](black_box(bytes));
        calls += 1;
    }
    let mut samples = vec![Vec::with_capacity(rounds); sides.len()];
    for round in 0..=rounds {
        for turn in 0..sides.len() {
            let side = (round + turn) % sides.len();
            let start = now();
            for _ in 0..calls {
                sides[side](black_box(bytes));
            }
            if round > 0 {
                samples[side].push(now().saturating_sub(start).as_secs_f64() / f64::from(calls));
            }
        }
    }
    samples
}

/// The median and the quartiles of `values` (at least one), each between the two values it
/// falls between, in proportion.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |fraction: f64| {
        #[expect(clippy::cast_precision_loss, reason = "the length of a short list")]
        let position = (values.len() - 1) as f64 * fraction;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a position in a short list, not below 0"
        )]
        let below = position.floor() as usize;
        let above = (below + 1).min(values.len() - 1);
        #[expect(clippy::cast_precision_loss, reason = "a position in a short list")]
        let weight = position - below as f64;
        values[below] + (values[above] - values[below]) * weight
    };
    (at(0.5), at(0.25), at(0.75))
}

/// The ratio of `theirs` to `ours` within each round: how many times faster ours is.
fn ratios(theirs: &[f64], ours: &[f64]) -> (f64, f64, f64) {
    spread(theirs.iter().zip(ours).map(|(theirs, ours)| theirs / ours).collect())
}

/// A ratio as the table shows it: the median, and the interquartile range in brackets.
fn cell((median, low, high): (f64, f64, f64)) -> String {
    format!("{median:.2}× ({low:.2}–{high:.2})")
}

/// A target judged on the medians of `ratios` (group name, median): how many meet `floor`.
fn verdict(target: &str, ratios: &[(String, f64)], floor: f64) {
    let below: Vec<String> = ratios
        .iter()
        .filter(|(_, ratio)| *ratio < floor)
        .map(|(name, ratio)| format!("{name} ({ratio:.2}×)"))
        .collect();
    let (low, high) = ratios
        .iter()
        .fold((f64::INFINITY, 0_f64), |(low, high), (_, ratio)| (low.min(*ratio), high.max(*ratio)));
    let met = ratios.len() - below.len();
    let rest =
        if below.is_empty() { "met on every one".to_owned() } else { format!("below: {}", below.join(", ")) };
    println!("- {target}: {met} of {}, from {low:.2}× to {high:.2}×; {rest}", ratios.len());
}

fn jsonschema_for(contract: &Contract) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(contract.schema()).unwrap();
    jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap()
}

/// Each valid payload's row of ratios: target 1's (validate-only to jsonschema and to sonic-rs,
/// on the payloads it names) and target 2's (validate-and-parse to serde), as (name, median).
type ValidRatios = (Vec<(String, f64)>, Vec<(String, f64)>, Vec<(String, f64)>);

/// Measures and prints the valid payloads whose group's name contains `filter`.
fn valid_rows(filter: &str, count: usize) -> ValidRatios {
    let payloads: Vec<_> =
        valid_payloads().into_iter().filter(|payload| payload.name.contains(filter)).collect();
    if !payloads.is_empty() {
        println!(
            "| payload | validate-only vs jsonschema | validate-only vs sonic-rs | validate-and-parse vs serde |"
        );
        println!("|---|---|---|---|");
    }
    let (mut one, mut one_sonic, mut two) = (Vec::new(), Vec::new(), Vec::new());
    for payload in payloads {
        let contract = payload.contract;
        let jsonschema = jsonschema_for(contract);
        // In the order the samples are read back below.
        let sides: [Side<'_>; 5] = [
            Box::new(|bytes| drop(black_box(contract.validate(bytes, Options::DEFAULT)))),
            Box::new(|bytes| drop(black_box(Payload::parse_as(contract, bytes, Options::DEFAULT)))),
            Box::new(|bytes| {
                let value: Value = serde_json::from_slice(bytes).unwrap();
                black_box(jsonschema.is_valid(&value));
            }),
            Box::new(|bytes| drop(black_box(Payload::deserialize_unvalidated(contract, bytes).unwrap()))),
            Box::new(|bytes| drop(black_box(sonic_rs::from_slice::<sonic_rs::Value>(bytes).unwrap()))),
        ];
        let samples = rounds(payload.text.as_bytes(), &sides, count);
        let [validate, parse, jsonschema, serde, sonic] =
            [0, 1, 2, 3, 4].map(|side| samples[side].as_slice());
        let (vs_jsonschema, vs_sonic, vs_serde) =
            (ratios(jsonschema, validate), ratios(sonic, validate), ratios(serde, parse));
        println!("| {} | {} | {} | {} |", payload.name, cell(vs_jsonschema), cell(vs_sonic), cell(vs_serde));
        if named_by_target_one().any(|prefix| payload.name.starts_with(prefix)) {
            one.push((payload.name.clone(), vs_jsonschema.0));
            one_sonic.push((payload.name.clone(), vs_sonic.0));
        }
        two.push((payload.name, vs_serde.0));
    }
    (one, one_sonic, two)
}

/// Measures and prints each contract's payload with five violations whose group's name
/// contains `filter`: target 3's ratios, as (contract, median).
fn invalid_rows(filter: &str, count: usize) -> Vec<(String, f64)> {
    let invalid: Vec<&Contract> = CONTRACTS
        .iter()
        .filter(|contract| format!("{contract} invalid payload, 5 violations").contains(filter))
        .collect();
    if !invalid.is_empty() {
        println!();
        println!("| invalid payload, 5 violations | every violation vs jsonschema's iter_errors |");
        println!("|---|---|");
    }
    let mut three = Vec::new();
    for contract in invalid {
        let text = invalid_payload(contract);
        let jsonschema = jsonschema_for(contract);
        // Validate-only, then jsonschema listing every error.
        let sides: [Side<'_>; 2] = [
            Box::new(|bytes| drop(black_box(contract.validate(bytes, Options::DEFAULT)))),
            Box::new(|bytes| {
                let value: Value = serde_json::from_slice(bytes).unwrap();
                black_box(jsonschema.iter_errors(&value).count());
            }),
        ];
        let samples = rounds(text.as_bytes(), &sides, count);
        let ratio = ratios(&samples[1], &samples[0]);
        println!("| {contract} | {} |", cell(ratio));
        three.push((format!("{contract}"), ratio.0));
    }
    three
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count = match args.next().map(|rounds| rounds.parse::<usize>()) {
        None => 15,
        Some(Ok(rounds)) if rounds > 0 => rounds,
        Some(_) => {
            eprintln!("usage: paired [ROUNDS] [FILTER]: ROUNDS is a number of rounds, at least 1");
            std::process::exit(2);
        }
    };
    let filter = args.next().unwrap_or_default();
    // What the targets are judged on: every payload, or those the filter picks.
    let (every, of_them) = if filter.is_empty() {
        ("every valid payload", "the payloads it names")
    } else {
        ("the valid payloads measured", "the payloads it names that were measured")
    };

    println!(
        "Median over {count} interleaved rounds of the ratio within a round (interquartile range in brackets)."
    );
    println!();
    let (one, one_sonic, two) = valid_rows(&filter, count);
    let three = invalid_rows(&filter, count);

    println!();
    println!("Issue 12's targets, judged by these medians:");
    println!();
    if filter.is_empty() {
        let missing: Vec<&str> = named_by_target_one()
            .filter(|prefix| !one.iter().any(|(name, _)| name.starts_with(prefix)))
            .collect();
        if !missing.is_empty() {
            println!(
                "- not measured (missing or not valid), so target 1 is not judged on them: {}",
                missing.join(", ")
            );
        }
    }
    if !one.is_empty() {
        verdict(&format!("1. validate-only at least 8× jsonschema, on {of_them}"), &one, 8.0);
        verdict("1. validate-only faster than sonic-rs, on the same payloads", &one_sonic, 1.0);
    }
    if !two.is_empty() {
        verdict(&format!("2. validate-and-parse at least 1.3× serde, on {every}"), &two, 1.3);
    }
    if !three.is_empty() {
        verdict("3. five violations at least 4× jsonschema's iter_errors", &three, 4.0);
    }
}
