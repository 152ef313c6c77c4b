//! `codegen-suites DIR`: writes the conformance suite of every schema of
//! `codegen/tests/fixtures/` into DIR, laid out as `schema/` is (`DIR/<name>/schema.json`,
//! `strict.schema.json`, `fixtures/*.json`), for the cross-language harnesses.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: codegen-suites DIR");
        return ExitCode::from(2);
    };
    for suite in webhook_tests::codegen_suites::codegen_suites() {
        let folder = out.join(&suite.name);
        let written = std::fs::create_dir_all(folder.join("fixtures"))
            .and_then(|()| std::fs::write(folder.join("schema.json"), &suite.schema))
            .and_then(|()| std::fs::write(folder.join("strict.schema.json"), &suite.strict_schema))
            .and_then(|()| {
                suite
                    .fixtures
                    .iter()
                    .try_for_each(|(file, text)| std::fs::write(folder.join("fixtures").join(file), text))
            });
        if let Err(error) = written {
            eprintln!("codegen-suites: {}: {error}", folder.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
