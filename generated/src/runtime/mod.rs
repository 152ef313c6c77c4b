//! The hand-written runtime that the generated types rely on.

pub(crate) mod contract;
pub(crate) mod date_time;
pub(crate) mod json_value;
pub(crate) mod nullable;
pub(crate) mod serde_support;
pub(crate) mod validate;
