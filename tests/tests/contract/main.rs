//! The contract, checked across crates: the schema against the documentation and against the
//! Rust types, payloads through a round trip, and a reviewable table of every constraint.

mod agreement;
mod architecture;
mod codegen_suites;
mod conformance;
mod documentation_drift;
mod fixture_agreement;
mod hostile;
mod payloads;
mod real_payloads;
mod round_trip;
mod schema_snapshot;
mod test_suite;
mod types_drift;
mod validation;
