//! `cargo xtask generate [--check]`: writes, or checks, every machine-written file from `schema/`;
//! `cargo xtask drift`: compares each contract's schema with the vendor's OpenAPI.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Maintainer tasks of the repository.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate every machine-written file from the canonical schema.
    Generate {
        /// Write nothing; fail with a diff when any machine-written file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Compare each contract's schema with the OpenAPI it was transcribed from (the source that
    /// its decisions.json declares): report, by contract and field, every difference that
    /// decisions.json does not list and every listed one that no longer exists. Exit status 0
    /// clean, 1 something to review, 2 a usage or input/output error.
    Drift {
        /// Only this contract (its folder name under schema/).
        #[arg(long, value_name = "NAME")]
        contract: Option<String>,
        /// Compare with this release's `schemas/` folder instead of each contract's vendor/:
        /// the report is then what the release changed.
        #[arg(long, value_name = "DIR")]
        openapi: Option<PathBuf>,
        /// Also print the unlisted differences as decisions.json entries, to review and paste.
        #[arg(long)]
        print_unlisted: bool,
    },
}

fn main() -> ExitCode {
    let root = repository_root();
    match Cli::parse().task {
        Task::Generate { check } => generate(&root, check),
        Task::Drift { contract, openapi, print_unlisted } => {
            let options = xtask::drift::Options { contract, openapi, print_unlisted };
            let outcome = xtask::drift::run(&root, &options);
            print!("{}", outcome.report);
            for error in &outcome.errors {
                eprintln!("error: {error}");
            }
            ExitCode::from(outcome.exit_code())
        }
    }
}

fn generate(root: &std::path::Path, check: bool) -> ExitCode {
    let result = if check {
        xtask::check(root).map(|()| "every machine-written file is up to date".to_owned())
    } else {
        xtask::write(root).map(|changed| match changed.as_slice() {
            [] => "every machine-written file was already up to date".to_owned(),
            changed => format!("wrote {}", changed.join(", ")),
        })
    };
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this crate's folder.
fn repository_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or(manifest_dir.clone(), PathBuf::from)
}
