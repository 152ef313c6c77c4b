//! Where payloads come from: files, directories (searched recursively), NDJSON streams and
//! standard input, read lazily, one payload at a time, so that memory does not grow with input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One payload to validate.
#[derive(Debug)]
pub(crate) struct Payload {
    /// Where it came from, as reports name it: a path, `path:line`, or `-`.
    pub(crate) source: String,
    /// The file, for reports that point into it (`None` for standard input).
    pub(crate) file: Option<String>,
    /// The 1-based line of the file where the payload starts.
    pub(crate) first_line: usize,
    /// Its bytes.
    pub(crate) bytes: Vec<u8>,
}

/// A problem with the tool's input rather than with a payload: it names the path.
#[derive(Debug)]
pub(crate) struct InputError {
    pub(crate) path: String,
    pub(crate) error: io::Error,
}

/// How to read one command-line input.
#[derive(Clone, Copy)]
enum Kind {
    Json,
    Ndjson,
}

fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("json") => Some(Kind::Json),
        Some("ndjson" | "jsonl") => Some(Kind::Ndjson),
        _ => None,
    }
}

/// Reads every input in order and hands each payload to `sink`; problems with the inputs go to
/// `on_error`, and reading goes on with the next input. `sink` may stop everything by returning
/// an error (a closed output).
pub(crate) fn read_inputs(
    paths: &[String],
    stdin_is_ndjson: bool,
    sink: &mut dyn FnMut(Payload) -> io::Result<()>,
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let default = ["-".to_owned()];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    for path in paths {
        if path == "-" {
            let stdin = io::stdin().lock();
            if stdin_is_ndjson {
                read_ndjson(stdin, "-", None, sink, on_error)?;
            } else {
                read_whole(stdin, "-", None, sink, on_error)?;
            }
            continue;
        }
        let path_buf = PathBuf::from(path);
        match std::fs::metadata(&path_buf) {
            Err(error) => on_error(InputError { path: path.clone(), error }),
            Ok(metadata) if metadata.is_dir() => read_directory(&path_buf, sink, on_error)?,
            // A file named on the command line is read whatever its extension: JSON, unless it says NDJSON.
            Ok(_) => read_file(&path_buf, kind_of(&path_buf).unwrap_or(Kind::Json), sink, on_error)?,
        }
    }
    Ok(())
}

fn read_directory(
    directory: &Path,
    sink: &mut dyn FnMut(Payload) -> io::Result<()>,
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(directory).sort_by_file_name() {
        match entry {
            Err(error) => {
                let path = error.path().unwrap_or(directory).display().to_string();
                on_error(InputError { path, error: error.into() });
            }
            Ok(entry) if entry.file_type().is_file() => {
                if let Some(kind) = kind_of(entry.path()) {
                    read_file(entry.path(), kind, sink, on_error)?;
                }
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

fn read_file(
    path: &Path,
    kind: Kind,
    sink: &mut dyn FnMut(Payload) -> io::Result<()>,
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let name = path.display().to_string();
    match File::open(path) {
        Err(error) => {
            on_error(InputError { path: name, error });
            Ok(())
        }
        Ok(file) => match kind {
            Kind::Json => read_whole(file, &name, Some(&name), sink, on_error),
            Kind::Ndjson => read_ndjson(BufReader::new(file), &name, Some(&name), sink, on_error),
        },
    }
}

fn read_whole(
    mut reader: impl Read,
    name: &str,
    file: Option<&str>,
    sink: &mut dyn FnMut(Payload) -> io::Result<()>,
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let mut bytes = Vec::new();
    match reader.read_to_end(&mut bytes) {
        Ok(_) => {
            sink(Payload { source: name.to_owned(), file: file.map(str::to_owned), first_line: 1, bytes })
        }
        Err(error) => {
            on_error(InputError { path: name.to_owned(), error });
            Ok(())
        }
    }
}

/// Streams NDJSON: one payload per non-empty line, named `name:line`.
fn read_ndjson(
    mut reader: impl BufRead,
    name: &str,
    file: Option<&str>,
    sink: &mut dyn FnMut(Payload) -> io::Result<()>,
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let mut line = 0;
    loop {
        let mut bytes = Vec::new();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(error) => {
                on_error(InputError { path: format!("{name}:{}", line + 1), error });
                return Ok(());
            }
        }
        line += 1;
        while bytes.last().is_some_and(|byte| matches!(byte, b'\n' | b'\r')) {
            bytes.pop();
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        sink(Payload {
            source: format!("{name}:{line}"),
            file: file.map(str::to_owned),
            first_line: line,
            bytes,
        })?;
    }
}
