//! The `fpwebhook` binary: the crate's command-line tool ([`fpwebhook::run`]), with mimalloc as
//! its allocator.

/// The allocator: payloads are read on the main thread and judged on the others, and outcomes
/// the other way round, so most memory is freed by a thread that did not allocate it. glibc's
/// allocator serialises those frees on a lock (a third of the time of a run of small invalid
/// payloads went to waiting on it); mimalloc frees them without one. It is built without
/// transparent huge pages (the workspace turns on its `no_thp` feature): with them, the first
/// touch of each 2 MiB of its arena zeroes a whole huge page, 19% of the time of a run over a
/// thousand small files.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    fpwebhook::run()
}
