//! A service that depends on `fingerprint-webhook` with default features: its tests check that
//! the library leaves `serde_json` as the service chose it, and still round-trips payloads.
