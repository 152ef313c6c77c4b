//! Where payloads come from: files, directories (searched recursively, links followed), NDJSON
//! streams and standard input, read lazily, one payload at a time and never more than the size
//! limit of one, so that memory does not grow with the input.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One payload to judge.
#[derive(Debug)]
pub(crate) struct Payload {
    /// Where it came from, as reports name it: a path, `path:line`, or `-`.
    pub(crate) source: String,
    /// The file, for reports that point into it (`None` for standard input).
    pub(crate) file: Option<String>,
    /// The 1-based line of the file where the payload starts.
    pub(crate) first_line: usize,
    /// How it was read: a whole input, or one line of NDJSON.
    pub(crate) framing: Framing,
    /// Its bytes, or that it was larger than the limit (and so not kept).
    pub(crate) content: Content,
}

impl Payload {
    /// About how much memory it holds: its bytes, its names and itself.
    pub(crate) fn footprint(&self) -> usize {
        self.content.len()
            + self.source.len()
            + self.file.as_ref().map_or(0, String::len)
            + std::mem::size_of::<Payload>()
    }
}

/// How an input is cut into payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The whole input is one payload.
    Whole,
    /// One payload per non-blank line.
    Ndjson,
}

/// What was read of a payload.
#[derive(Debug)]
pub(crate) enum Content {
    /// The payload's bytes.
    Bytes(Vec<u8>),
    /// The payload has more bytes than the limit; none of them are kept.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

impl Content {
    /// How many bytes are held.
    pub(crate) fn len(&self) -> usize {
        match self {
            Content::Bytes(bytes) => bytes.len(),
            Content::TooLarge { .. } => 0,
        }
    }
}

/// A problem with the tool's input rather than with a payload: it names the path.
#[derive(Debug)]
pub(crate) struct InputError {
    pub(crate) path: String,
    pub(crate) error: io::Error,
}

/// How to read the inputs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading {
    /// Read standard input and the files named on the command line as NDJSON.
    pub(crate) ndjson: bool,
    /// The most bytes one payload may have.
    pub(crate) max_payload_bytes: u64,
}

/// The standard-input argument.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Whether reading `path` reads standard input: `-`, or another name (`/dev/stdin`,
/// `/dev/fd/0`) of the pipe, FIFO, socket or terminal that standard input is, which can be read
/// only once. A regular file redirected to standard input can be read again under its name.
pub(crate) fn reads_stdin(path: &Path) -> bool {
    use std::os::fd::AsFd;
    if is_stdin(path) {
        return true;
    }
    let Ok(named) = std::fs::metadata(path) else { return false };
    if named.is_file() || named.is_dir() {
        return false;
    }
    let stdin = io::stdin().as_fd().try_clone_to_owned().and_then(|fd| File::from(fd).metadata());
    stdin.is_ok_and(|stdin| (stdin.dev(), stdin.ino()) == (named.dev(), named.ino()))
}

/// Checks that standard input is read at most once by `paths` (no path means standard input),
/// and says on standard error, when it is a terminal, that a payload is awaited there; `command`
/// names the subcommand whose `--help` tells how to name files.
///
/// # Errors
///
/// When standard input is named twice (`-`, /dev/stdin or /dev/fd/0).
pub(crate) fn claim_stdin(paths: &[PathBuf], command: &str) -> Result<(), String> {
    let stdin_reads =
        if paths.is_empty() { 1 } else { paths.iter().filter(|path| reads_stdin(path)).count() };
    if stdin_reads > 1 {
        return Err("standard input can be read only once; it is named twice (`-`, /dev/stdin or /dev/fd/0)"
            .to_owned());
    }
    if stdin_reads == 1 && io::stdin().is_terminal() {
        crate::warn(format_args!(
            "fpwebhook: reading a payload from standard input (end it with Ctrl-D); `fpwebhook {command} --help` shows how to name files"
        ));
    }
    Ok(())
}

/// A path as reports show it: its text, with any byte that is not UTF-8 written `\xNN`, so that
/// nothing is lost (a name that spells `\xNN` literally looks the same: only a name made to
/// confuse does that).
pub(crate) fn display_path(path: &Path) -> String {
    display_os_str(path.as_os_str())
}

fn display_os_str(text: &OsStr) -> String {
    let mut shown = String::new();
    for chunk in text.as_encoded_bytes().utf8_chunks() {
        shown.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02X}");
        }
    }
    shown
}

/// The framing a file's name asks for, whatever the letter case of its extension.
/// The name's own dotfile form counts too: a file named `.json` is JSON.
fn framing_of(path: &Path) -> Option<Framing> {
    let name = path.file_name()?.as_encoded_bytes();
    let dot = name.iter().rposition(|&byte| byte == b'.')?;
    let extension = OsStr::new(std::str::from_utf8(&name[dot + 1..]).ok()?);
    if extension.eq_ignore_ascii_case("json") {
        Some(Framing::Whole)
    } else if extension.eq_ignore_ascii_case("ndjson") || extension.eq_ignore_ascii_case("jsonl") {
        Some(Framing::Ndjson)
    } else {
        None
    }
}

/// Where payloads and problems go while reading, in input order.
pub(crate) trait Sink {
    /// Takes a payload; may stop everything by returning an error (a closed output).
    fn payload(&mut self, payload: Payload) -> io::Result<()>;
    /// Takes a problem with an input; reading goes on with the next.
    fn error(&mut self, error: InputError);
}

/// A sink that counts what it passes on.
struct Counting<'s> {
    inner: &'s mut dyn Sink,
    payloads: usize,
    errors: usize,
}

impl Sink for Counting<'_> {
    fn payload(&mut self, payload: Payload) -> io::Result<()> {
        self.payloads += 1;
        self.inner.payload(payload)
    }

    fn error(&mut self, error: InputError) {
        self.errors += 1;
        self.inner.error(error);
    }
}

fn report(sink: &mut dyn Sink, path: String, error: io::Error) {
    sink.error(InputError { path, error });
}

/// Reads every input in order and hands each payload to the sink. An input that yields no
/// payload at all (an empty directory, an NDJSON file of blank lines) is an error: a misspelled
/// path must not pass.
pub(crate) fn read_inputs(paths: &[PathBuf], reading: Reading, sink: &mut dyn Sink) -> io::Result<()> {
    let default = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    for path in paths {
        let mut counted = Counting { inner: &mut *sink, payloads: 0, errors: 0 };
        let name = display_path(path);
        let what = if is_stdin(path) {
            let framing = if reading.ndjson { Framing::Ndjson } else { Framing::Whole };
            read_stream(io::stdin().lock(), "-", None, framing, reading, &mut counted)?;
            "standard input"
        } else {
            match std::fs::metadata(path) {
                Err(error) => {
                    report(&mut counted, name, error);
                    continue;
                }
                Ok(metadata) if metadata.is_dir() => {
                    read_directory(path, reading, &mut counted)?;
                    "the directory (searched for .json, .ndjson and .jsonl files, links followed)"
                }
                // A file named on the command line is read whatever its extension: JSON, unless
                // its name or --ndjson says NDJSON.
                Ok(_) => {
                    let framing = if reading.ndjson {
                        Framing::Ndjson
                    } else {
                        framing_of(path).unwrap_or(Framing::Whole)
                    };
                    read_file(path, framing, reading, &mut counted)?;
                    "the file"
                }
            }
        };
        // Each input gives a payload or says why not, once.
        if counted.payloads == 0 && counted.errors == 0 {
            let message = format!("no payload found in {what}");
            report(sink, name, io::Error::new(io::ErrorKind::NotFound, message));
        }
    }
    Ok(())
}

fn read_directory(directory: &Path, reading: Reading, sink: &mut dyn Sink) -> io::Result<()> {
    // Links are followed, to files and to directories; walkdir reports a link that loops back
    // to one of its ancestors as an error instead of following it, and a folder reached again
    // by another way is skipped (links to one folder from many places would otherwise make
    // the walk exponential).
    let mut folders_seen = HashSet::new();
    let mut walk = walkdir::WalkDir::new(directory).follow_links(true).sort_by_file_name().into_iter();
    let mut last_folder = directory.to_owned();
    while let Some(entry) = walk.next() {
        match entry {
            Err(error) => {
                let path = match error.path() {
                    Some(path) => display_path(path),
                    None => format!("{} (an entry in it)", display_path(&last_folder)),
                };
                let reason = if error.loop_ancestor().is_some() {
                    io::Error::other("a link that loops back to a folder that contains it; not followed")
                } else if let Some(cause) = error.io_error() {
                    io::Error::new(cause.kind(), cause.to_string())
                } else {
                    io::Error::other(error.to_string())
                };
                report(sink, path, reason);
            }
            Ok(entry) if entry.file_type().is_dir() => {
                let folder = entry.metadata().ok().map(|metadata| (metadata.dev(), metadata.ino()));
                if folder.is_some_and(|folder| !folders_seen.insert(folder)) {
                    walk.skip_current_dir();
                } else {
                    entry.path().clone_into(&mut last_folder);
                }
            }
            Ok(entry) => {
                let Some(framing) = framing_of(entry.path()) else { continue };
                if entry.file_type().is_file() {
                    read_file(entry.path(), framing, reading, sink)?;
                } else {
                    // A FIFO, socket or device may never end: only read when named.
                    let reason = "not a regular file (a FIFO, socket or device), so a directory search does not read it; name it to read it";
                    report(sink, display_path(entry.path()), io::Error::other(reason));
                }
            }
        }
    }
    Ok(())
}

fn read_file(path: &Path, framing: Framing, reading: Reading, sink: &mut dyn Sink) -> io::Result<()> {
    let name = display_path(path);
    match File::open(path) {
        Err(error) => {
            report(sink, name, error);
            Ok(())
        }
        Ok(file) => read_stream(BufReader::new(file), &name, Some(&name), framing, reading, sink),
    }
}

fn read_stream(
    reader: impl BufRead,
    name: &str,
    file: Option<&str>,
    framing: Framing,
    reading: Reading,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    match framing {
        Framing::Whole => read_whole(reader, name, file, reading.max_payload_bytes, sink),
        Framing::Ndjson => read_ndjson(reader, name, file, reading.max_payload_bytes, sink),
    }
}

fn read_whole(
    reader: impl Read,
    name: &str,
    file: Option<&str>,
    limit: u64,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    // One byte more than the limit tells a payload at the limit from a larger one, without
    // reading the rest of a larger one (which may never end: a link to /dev/urandom).
    let mut bytes = Vec::new();
    match reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(_) => {
            let content =
                if bytes.len() as u64 > limit { Content::TooLarge { limit } } else { Content::Bytes(bytes) };
            sink.payload(Payload {
                source: name.to_owned(),
                file: file.map(str::to_owned),
                first_line: 1,
                framing: Framing::Whole,
                content,
            })
        }
        Err(error) => {
            report(sink, name.to_owned(), error);
            Ok(())
        }
    }
}

/// What [`read_line`] found.
enum Line {
    /// The end of the input: no more lines.
    End,
    /// A line of JSON whitespace only (space, tab, carriage return): no payload.
    Blank,
    /// A line, in the buffer, without its `\n` or a `\r` before it.
    Read,
    /// A line longer than the limit, consumed but not kept.
    TooLong,
}

/// Reads one line into `line` (cleared first), keeping at most `limit` bytes of it, besides the
/// line break (`\n` or `\r\n`): a longer line is consumed to its end without being kept.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: u64) -> io::Result<Line> {
    line.clear();
    // One byte more than the limit: room for the `\r` of a `\r\n`.
    let room = usize::try_from(limit).unwrap_or(usize::MAX).saturating_add(1);
    let mut too_long = false;
    let mut blank = true;
    let mut any = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, ends_line) = match memchr::memchr(b'\n', buffer) {
            Some(newline) => (&buffer[..newline], true),
            None => (buffer, false),
        };
        blank &= chunk.iter().all(|byte| matches!(byte, b' ' | b'\t' | b'\r'));
        if !too_long {
            if line.len() + chunk.len() > room {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = chunk.len() + usize::from(ends_line);
        reader.consume(used);
        if ends_line {
            break;
        }
    }
    if !any {
        return Ok(Line::End);
    }
    if blank {
        return Ok(Line::Blank);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(if too_long || line.len() as u64 > limit { Line::TooLong } else { Line::Read })
}

/// Streams NDJSON: one payload per line, named `name:line`; lines holding only JSON whitespace
/// (space, tab, carriage return) are skipped. A file with no payload at all is reported.
fn read_ndjson(
    mut reader: impl BufRead,
    name: &str,
    file: Option<&str>,
    limit: u64,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut number = 0;
    let mut payloads = 0_usize;
    let mut line = Vec::new();
    loop {
        let read = match read_line(&mut reader, &mut line, limit) {
            Ok(read) => read,
            Err(error) => {
                report(sink, format!("{name}:{}", number + 1), error);
                return Ok(());
            }
        };
        number += 1;
        let content = match read {
            Line::End => break,
            Line::Blank => continue,
            Line::TooLong => Content::TooLarge { limit },
            Line::Read => Content::Bytes(std::mem::take(&mut line)),
        };
        payloads += 1;
        sink.payload(Payload {
            source: format!("{name}:{number}"),
            file: file.map(str::to_owned),
            first_line: number,
            framing: Framing::Ndjson,
            content,
        })?;
    }
    if payloads == 0 && file.is_some() {
        let error =
            io::Error::new(io::ErrorKind::NotFound, "no payload found in the file: every line is blank");
        report(sink, name.to_owned(), error);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line: its bytes, `None` when blank, an error when too long.
    fn lines(input: &[u8], limit: u64) -> Vec<Result<Option<Vec<u8>>, ()>> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut line = Vec::new();
        let mut found = Vec::new();
        loop {
            match read_line(&mut reader, &mut line, limit).unwrap() {
                Line::End => return found,
                Line::Blank => found.push(Ok(None)),
                Line::Read => found.push(Ok(Some(line.clone()))),
                Line::TooLong => found.push(Err(())),
            }
        }
    }

    #[test]
    fn lines_over_the_limit_are_skipped_whole_and_reading_goes_on() {
        let found = lines(b"short\nmuch too long a line\n\nlast", 10);
        assert_eq!(found, [Ok(Some(b"short".to_vec())), Err(()), Ok(None), Ok(Some(b"last".to_vec()))]);
        assert_eq!(lines(b"0123456789\n01234567890\n", 10), [Ok(Some(b"0123456789".to_vec())), Err(())]);
        assert_eq!(lines(b"", 10), []);
    }

    #[test]
    fn the_limit_counts_neither_the_line_break_nor_blank_lines() {
        let found = lines(b"{}\r\n{} \n                    \n{}", 2);
        assert_eq!(found, [Ok(Some(b"{}".to_vec())), Err(()), Ok(None), Ok(Some(b"{}".to_vec()))]);
        assert_eq!(lines(b" \t\r\x0c\n", 100), [Ok(Some(b" \t\r\x0c".to_vec()))]);
    }

    #[test]
    fn paths_that_are_not_utf8_are_shown_without_loss() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(OsStr::from_bytes(b"caf\xE9/\xFF.json"));
        assert_eq!(display_path(path), "caf\\xE9/\\xFF.json");
    }

    #[test]
    fn extensions_are_matched_whatever_their_case() {
        assert_eq!(framing_of(Path::new("a.JSON")), Some(Framing::Whole));
        assert_eq!(framing_of(Path::new("a.NdJson")), Some(Framing::Ndjson));
        assert_eq!(framing_of(Path::new("a.JSONL")), Some(Framing::Ndjson));
        assert_eq!(framing_of(Path::new("a.txt")), None);
        assert_eq!(framing_of(Path::new(".json")), Some(Framing::Whole));
        assert_eq!(framing_of(Path::new("dir/.ndjson")), Some(Framing::Ndjson));
        assert_eq!(framing_of(Path::new("json")), None);
    }
}
