//! `cargo xtask generate [--check]`: writes, or checks, every machine-written file from `schema/`.

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
}

fn main() -> ExitCode {
    let Cli { task: Task::Generate { check } } = Cli::parse();
    let root = repository_root();
    let result = if check {
        xtask::check(&root).map(|()| "every machine-written file is up to date".to_owned())
    } else {
        xtask::write(&root).map(|changed| match changed.as_slice() {
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
