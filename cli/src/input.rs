//! Where payloads come from: files, directories (searched recursively, links followed), NDJSON
//! streams and standard input, read lazily, one payload at a time and never more than the size
//! limit of one, so that memory does not grow with the input.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::ops::Range;
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where payloads were read from: one input (a file, or standard input), shared by all the
/// payloads read from it.
#[derive(Debug)]
pub(crate) struct Origin {
    /// The input as reports name it: a path, or `-`.
    pub(crate) name: String,
    /// Whether it is a file, which reports may point into (not standard input).
    pub(crate) is_file: bool,
    /// How it is cut into payloads.
    pub(crate) framing: Framing,
}

/// How an input is cut into payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The whole input is one payload.
    Whole,
    /// One payload per non-blank line.
    Ndjson,
}

/// Payloads read together from one input, with the bytes they are cut from: an NDJSON input
/// is handed over a block of complete lines at a time, and each line is judged where it lies,
/// never copied on its own.
#[derive(Debug)]
pub(crate) struct Chunk {
    pub(crate) origin: Arc<Origin>,
    /// The bytes the payloads are cut from.
    pub(crate) text: Vec<u8>,
    /// In input order.
    pub(crate) payloads: Vec<Payload>,
}

/// One payload of a [`Chunk`].
#[derive(Debug)]
pub(crate) struct Payload {
    /// The 1-based line of the input where the payload starts.
    pub(crate) line: usize,
    /// Where its bytes are in the chunk's text, or that it was larger than the limit (and so not
    /// kept).
    pub(crate) content: Content,
}

/// What was read of a payload.
#[derive(Debug)]
pub(crate) enum Content {
    /// The payload's bytes, in the chunk's text.
    Bytes(Range<usize>),
    /// The payload has more bytes than the limit; none of them are kept.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

impl Chunk {
    /// A chunk of the one payload of a whole input.
    fn whole(origin: Arc<Origin>, text: Vec<u8>, limit: u64) -> Chunk {
        let (text, content) = if text.len() as u64 > limit {
            (Vec::new(), Content::TooLarge { limit })
        } else {
            let range = 0..text.len();
            (text, Content::Bytes(range))
        };
        Chunk { origin, text, payloads: vec![Payload { line: 1, content }] }
    }

    /// About how much memory it holds: its bytes, and its payloads' records.
    pub(crate) fn footprint(&self) -> usize {
        self.text.capacity()
            + self.payloads.capacity() * std::mem::size_of::<Payload>()
            + std::mem::size_of::<Chunk>()
    }

    /// The bytes of `payload`, one of this chunk's; `None` when it was too large to keep.
    pub(crate) fn bytes(&self, payload: &Payload) -> Option<&[u8]> {
        match &payload.content {
            Content::Bytes(range) => self.text.get(range.clone()),
            Content::TooLarge { .. } => None,
        }
    }

    /// Writes where `payload` came from, as reports name it, into `source` (cleared first): the
    /// input's name, followed for NDJSON by `:` and the line.
    pub(crate) fn source_into(&self, payload: &Payload, source: &mut String) {
        source.clear();
        source.push_str(&self.origin.name);
        if self.origin.framing == Framing::Ndjson {
            source.push(':');
            source.push_str(itoa::Buffer::new().format(payload.line));
        }
    }

    /// Its buffers, for [`read_ndjson`] to read into again through [`Sink::spare_buffers`]:
    /// only a block of NDJSON is worth keeping (a whole file's text is of any size, a block of a
    /// long line as large as the limit).
    pub(crate) fn into_spare_buffers(self) -> Option<SpareBuffers> {
        // A list grown for a block of tiny lines is as large as its text: not kept either.
        let usual = self.text.capacity() <= 2 * NDJSON_BLOCK_BYTES
            && self.payloads.capacity() * std::mem::size_of::<Payload>() <= NDJSON_BLOCK_BYTES;
        let Chunk { origin, text, mut payloads } = self;
        payloads.clear();
        (origin.framing == Framing::Ndjson && usual).then_some(SpareBuffers { text, payloads })
    }

    /// The payloads one by one, each with its own bytes, for consumers that take one payload at
    /// a time (`send`); a whole input's bytes move without a copy.
    pub(crate) fn into_owned_payloads(mut self) -> impl Iterator<Item = OwnedPayload> {
        let mut source = String::new();
        let whole = self.origin.framing == Framing::Whole && self.payloads.len() == 1;
        let payloads = std::mem::take(&mut self.payloads);
        payloads.into_iter().map(move |payload| {
            self.source_into(&payload, &mut source);
            let content = match &payload.content {
                Content::Bytes(_) if whole => Ok(std::mem::take(&mut self.text)),
                Content::Bytes(_) => Ok(self.bytes(&payload).unwrap_or_default().to_vec()),
                Content::TooLarge { limit } => Err(*limit),
            };
            OwnedPayload { source: source.clone(), content }
        })
    }
}

/// The buffers of a chunk that is done with, to read another into: reading into buffers used
/// before neither allocates nor touches fresh memory, and the thread that allocated them is not
/// left to collect what another thread freed.
#[derive(Debug)]
pub(crate) struct SpareBuffers {
    /// A chunk's text, whatever bytes it still holds.
    text: Vec<u8>,
    /// A chunk's list of payloads.
    payloads: Vec<Payload>,
}

impl SpareBuffers {
    /// New buffers for reads of `block` bytes, with room for the incomplete line a read ends
    /// with to be carried in front of the next read without growing the text (a copy of it
    /// all), unless that line is longer than a block.
    fn fresh(block: usize) -> SpareBuffers {
        SpareBuffers { text: Vec::with_capacity(2 * block), payloads: Vec::new() }
    }
}

/// One payload on its own: where it came from, and its bytes or the limit it is over.
#[derive(Debug)]
pub(crate) struct OwnedPayload {
    /// As reports name it: a path, `path:line`, or `-`.
    pub(crate) source: String,
    /// Its bytes, or the limit (in bytes) that it is over.
    pub(crate) content: Result<Vec<u8>, u64>,
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
    let mut shown = String::with_capacity(text.len());
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
    /// Takes a chunk of payloads; may stop everything by returning an error (a closed output).
    fn chunk(&mut self, chunk: Chunk) -> io::Result<()>;
    /// Takes a problem with an input; reading goes on with the next.
    fn error(&mut self, error: InputError);
    /// Takes a regular file of one payload, to read when it suits the sink: by default at once.
    fn whole_file(&mut self, file: WholeFile) -> io::Result<()> {
        match file.read() {
            Ok(chunk) => self.chunk(chunk),
            Err(error) => {
                self.error(error);
                Ok(())
            }
        }
    }
    /// The buffers of a chunk that is done with, for the next read to fill.
    fn spare_buffers(&mut self) -> Option<SpareBuffers> {
        None
    }
    /// Passes on what the sink holds back: before each input named (standard input may take
    /// long) and as the walk enters a folder, so that what was found is not kept waiting for
    /// long (at most for the listing of one folder).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that counts what it passes on.
struct Counting<'s> {
    inner: &'s mut dyn Sink,
    payloads: usize,
    errors: usize,
}

impl Sink for Counting<'_> {
    fn chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        self.payloads += chunk.payloads.len();
        self.inner.chunk(chunk)
    }

    fn error(&mut self, error: InputError) {
        self.errors += 1;
        self.inner.error(error);
    }

    fn whole_file(&mut self, file: WholeFile) -> io::Result<()> {
        // A payload, or an input error, once read.
        self.payloads += 1;
        self.inner.whole_file(file)
    }

    fn spare_buffers(&mut self) -> Option<SpareBuffers> {
        self.inner.spare_buffers()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn report(sink: &mut dyn Sink, path: String, error: io::Error) {
    sink.error(InputError { path, error });
}

/// Reads every input in order and hands its payloads to the sink. An input that yields no
/// payload at all (an empty directory, an NDJSON file of blank lines) is an error: a misspelled
/// path must not pass.
pub(crate) fn read_inputs(paths: &[PathBuf], reading: Reading, sink: &mut dyn Sink) -> io::Result<()> {
    let default = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let folders = OpenFolders::within_the_descriptor_limit();
    for path in paths {
        sink.flush()?;
        let mut counted = Counting { inner: &mut *sink, payloads: 0, errors: 0 };
        let name = display_path(path);
        let what = if is_stdin(path) {
            let framing = if reading.ndjson { Framing::Ndjson } else { Framing::Whole };
            let origin = Origin { name: "-".to_owned(), is_file: false, framing };
            read_stream(io::stdin().lock(), origin, reading, &mut counted)?;
            "standard input"
        } else {
            match std::fs::metadata(path) {
                Err(error) => {
                    report(&mut counted, name, error);
                    continue;
                }
                Ok(metadata) if metadata.is_dir() => {
                    read_directory(path, &folders, reading, &mut counted)?;
                    "the directory (searched for .json, .ndjson and .jsonl files, links followed)"
                }
                // A file named on the command line is read whatever its extension: JSON, unless
                // its name or --ndjson says NDJSON.
                Ok(metadata) => {
                    let framing = if reading.ndjson {
                        Framing::Ndjson
                    } else {
                        framing_of(path).unwrap_or(Framing::Whole)
                    };
                    read_file(path.clone(), metadata.is_file(), None, framing, reading, &mut counted)?;
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

/// Searches `directory`, holding the folders of its payload files open within `folders`.
fn read_directory(
    directory: &Path,
    folders: &OpenFolders,
    reading: Reading,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    // Links are followed, to files and to directories; walkdir reports a link that loops back
    // to one of its ancestors as an error instead of following it, and a folder reached again
    // by another way is skipped (links to one folder from many places would otherwise make
    // the walk exponential).
    let mut folders_seen = HashSet::new();
    // In file-name order. The entries of one folder share its path, so their paths compare as
    // their names do, without the parse of each path that finding its name takes (a tenth of
    // the reading thread's time on a folder of a thousand payloads).
    let mut walk = walkdir::WalkDir::new(directory)
        .follow_links(true)
        .sort_by(|one, other| one.path().as_os_str().cmp(other.path().as_os_str()))
        .into_iter();
    let mut last_folder = directory.to_owned();
    // The folder whose payload files the walk is yielding, held open from the first of them.
    let mut current: Option<CurrentFolder> = None;
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
                // The walk has listed the folder already (it yields a folder once it has read
                // its entries): files held back waited for that listing, and go now.
                sink.flush()?;
                current = None;
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
                    // Its type is the directory entry's: nothing more is asked of the file
                    // system before it is read (a lookup of its path costs as much as opening it).
                    // A file of one payload is opened by name in its folder, held open from its
                    // first such file, and again on the way back from a subfolder.
                    let folder = if framing == Framing::Whole {
                        match &current {
                            Some(known) if known.depth + 1 == entry.depth() => known.open.clone(),
                            _ => {
                                let open = entry.path().parent().and_then(|parent| folders.open(parent));
                                let depth = entry.depth().saturating_sub(1);
                                current = Some(CurrentFolder { depth, open: open.clone() });
                                open
                            }
                        }
                    } else {
                        None
                    };
                    read_file(entry.into_path(), true, folder, framing, reading, sink)?;
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

/// The folder whose payload files a directory walk is yielding.
struct CurrentFolder {
    /// How deep in the walk it is: its files are one deeper.
    depth: usize,
    /// The folder, held open; `None` when it could not be.
    open: Option<Arc<OpenFolder>>,
}

/// At most how many folders a run holds open to open their files by name in them, and at most
/// a sixteenth of the descriptors the process may have open. Files found but not read yet hold
/// their folder open, and thousands may wait (a tree of folders of one file each): past this
/// many, files are opened by their path, and descriptors are left for the walk and the files.
const OPEN_FOLDERS_MAX: usize = 64;

/// The folders a run holds open, and how many it may.
pub(crate) struct OpenFolders {
    open: Arc<AtomicUsize>,
    max: usize,
}

impl OpenFolders {
    /// At most [`OPEN_FOLDERS_MAX`], and a sixteenth of the process's limit on open files.
    fn within_the_descriptor_limit() -> Self {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let sixteenth = limit.map_or(usize::MAX, |limit| usize::try_from(limit / 16).unwrap_or(usize::MAX));
        OpenFolders { open: Arc::default(), max: OPEN_FOLDERS_MAX.min(sixteenth) }
    }

    /// Opens the folder at `path`, if it can be and fewer than the most are open.
    fn open(&self, path: &Path) -> Option<Arc<OpenFolder>> {
        use rustix::fs::{Mode, OFlags};
        if self.open.fetch_add(1, Ordering::Relaxed) >= self.max {
            self.open.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        match rustix::fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
            Ok(descriptor) => Some(Arc::new(OpenFolder { descriptor, open: Arc::clone(&self.open) })),
            Err(_) => {
                self.open.fetch_sub(1, Ordering::Relaxed);
                None
            }
        }
    }
}

/// A folder held open, to open the files found in it by name there: the kernel then looks up
/// neither the folder nor the folders above it again for each file.
#[derive(Debug)]
pub(crate) struct OpenFolder {
    descriptor: OwnedFd,
    /// How many folders the run holds open, this one among them.
    open: Arc<AtomicUsize>,
}

impl Drop for OpenFolder {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Reads the file at `path` (found in `folder`, open, when known); a regular file of one
/// payload is handed over unread, for the sink to read where it judges it.
fn read_file(
    path: PathBuf,
    regular: bool,
    folder: Option<Arc<OpenFolder>>,
    framing: Framing,
    reading: Reading,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let origin = Origin { name: display_path(&path), is_file: true, framing };
    if regular && framing == Framing::Whole {
        let limit = reading.max_payload_bytes;
        let file = WholeFile { path, folder, origin: Arc::new(origin), limit };
        return sink.whole_file(file);
    }
    match File::open(&path) {
        Err(error) => {
            report(sink, origin.name, error);
            Ok(())
        }
        Ok(file) => read_stream(file, origin, reading, sink),
    }
}

/// How many bytes the first read of a file of one payload asks for.
const FIRST_READ_BYTES: u64 = 16 * 1024;

/// A regular file that holds one payload, found but not read yet.
#[derive(Debug)]
pub(crate) struct WholeFile {
    pub(crate) path: PathBuf,
    /// The folder it was found in, open: it is opened there by name.
    pub(crate) folder: Option<Arc<OpenFolder>>,
    pub(crate) origin: Arc<Origin>,
    /// The most bytes its payload may have.
    pub(crate) limit: u64,
}

impl WholeFile {
    /// About how much memory it holds until it is read: its names. Its bytes are read where it
    /// is judged and dropped once it is, so they count among those of the payloads being judged
    /// (one per core), not among those waiting.
    pub(crate) fn footprint(&self) -> usize {
        std::mem::size_of::<WholeFile>()
            + std::mem::size_of::<Origin>()
            + self.path.as_os_str().len()
            + self.origin.name.len()
    }

    /// Reads it: a chunk of its one payload, or why it could not be read.
    pub(crate) fn read(&self) -> Result<Chunk, InputError> {
        let failed = |error| InputError { path: self.origin.name.clone(), error };
        // One byte more than the limit tells a payload at the limit from a larger one, without
        // reading the rest of a larger one.
        let mut file = self.open().map_err(failed)?.take(self.limit.saturating_add(1));
        // Room for a usual payload, so that most files take one read and a second that finds
        // their end, without asking their size first.
        let room = self.limit.saturating_add(1).min(FIRST_READ_BYTES);
        let mut bytes = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
        (&mut file).take(room).read_to_end(&mut bytes).map_err(failed)?;
        if bytes.len() as u64 == room && file.limit() > 0 {
            // A larger file: room for the rest of it (within the limit) at once, since each
            // core holds one such payload while it judges it, rather than twice its size
            // grown by doubling.
            let size = file.get_ref().metadata().map_or(0, |metadata| metadata.len());
            let rest = size.saturating_sub(room).min(file.limit());
            bytes.reserve_exact(usize::try_from(rest).unwrap_or(0).saturating_add(1));
            file.read_to_end(&mut bytes).map_err(failed)?;
        }
        Ok(Chunk::whole(Arc::clone(&self.origin), bytes, self.limit))
    }

    /// Opens it: by name in its folder when that is open, else by its path.
    fn open(&self) -> io::Result<File> {
        match (&self.folder, self.path.file_name()) {
            (Some(folder), Some(name)) => {
                use rustix::fs::{Mode, OFlags};
                let file = rustix::fs::openat(
                    &folder.descriptor,
                    name,
                    OFlags::RDONLY | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                Ok(File::from(file))
            }
            _ => File::open(&self.path),
        }
    }
}

fn read_stream(reader: impl Read, origin: Origin, reading: Reading, sink: &mut dyn Sink) -> io::Result<()> {
    let origin = Arc::new(origin);
    match origin.framing {
        Framing::Whole => read_whole(reader, origin, reading.max_payload_bytes, sink),
        Framing::Ndjson => read_ndjson(reader, &origin, reading.max_payload_bytes, NDJSON_BLOCK_BYTES, sink),
    }
}

fn read_whole(reader: impl Read, origin: Arc<Origin>, limit: u64, sink: &mut dyn Sink) -> io::Result<()> {
    // One byte more than the limit tells a payload at the limit from a larger one, without
    // reading the rest of a larger one (which may never end: a link to /dev/urandom).
    let mut bytes = Vec::new();
    match reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(_) => sink.chunk(Chunk::whole(origin, bytes, limit)),
        Err(error) => {
            report(sink, origin.name.clone(), error);
            Ok(())
        }
    }
}

/// At most how many bytes of NDJSON one read takes: the complete lines a read brings are
/// handed over together, so a fast input goes in large chunks and a slow one as it comes.
pub(crate) const NDJSON_BLOCK_BYTES: usize = 256 << 10;

/// Streams NDJSON: one payload per line, named `name:line`; lines holding only JSON whitespace
/// (space, tab, carriage return) are skipped, and a line longer than the limit is reported
/// without being kept. A file with no payload at all is reported.
///
/// Reads go straight into the buffer that is handed over, at most `block` bytes at a time, into
/// buffers the sink gives back when it can: each read's complete lines go to the sink as one
/// chunk, and the incomplete line at its end is carried to the front of the next buffer.
fn read_ndjson(
    mut reader: impl Read,
    origin: &Arc<Origin>,
    limit: u64,
    block: usize,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut cutter = LineCutter { limit, number: 0, overlong: None };
    let SpareBuffers { mut text, mut payloads } = SpareBuffers::fresh(block);
    let mut carried = 0;
    let mut found = 0_usize;
    loop {
        // Only bytes never written before are zeroed: a buffer given back is already.
        if text.len() < carried + block {
            text.resize(carried + block, 0);
        }
        let read = match reader.read(&mut text[carried..carried + block]) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                report(sink, format!("{}:{}", origin.name, cutter.number + 1), error);
                return Ok(());
            }
        };
        let rest = cutter.cut(&text[..carried + read], carried, read == 0, &mut payloads);
        carried = rest.len();
        if payloads.is_empty() {
            text.copy_within(rest, 0);
        } else {
            found += payloads.len();
            let mut next = sink.spare_buffers().unwrap_or_else(|| SpareBuffers::fresh(block));
            // Whatever the spare buffers hold is written over, or cleared. Their text keeps
            // its length, past the lines the payloads are cut from (the incomplete one, now
            // carried), so that bytes zeroed once are never zeroed again.
            next.payloads.clear();
            if next.text.len() < carried + block {
                next.text.resize(carried + block, 0);
            }
            next.text[..carried].copy_from_slice(&text[rest]);
            let chunk = Chunk {
                origin: Arc::clone(origin),
                text: std::mem::replace(&mut text, next.text),
                payloads: std::mem::replace(&mut payloads, next.payloads),
            };
            sink.chunk(chunk)?;
        }
        if read == 0 {
            break;
        }
    }
    if found == 0 && origin.is_file {
        let error =
            io::Error::new(io::ErrorKind::NotFound, "no payload found in the file: every line is blank");
        report(sink, origin.name.clone(), error);
    }
    Ok(())
}

/// Whether a line holds only JSON whitespace other than its line break: no payload.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|byte| matches!(byte, b' ' | b'\t' | b'\r'))
}

/// Cuts NDJSON into line payloads as its bytes arrive. A line is kept up to the limit, besides
/// its line break (`\n` or `\r\n`); the rest of a longer line is dropped as it comes, so that
/// memory holds at most one limit and one read.
struct LineCutter {
    limit: u64,
    /// How many lines have been cut so far.
    number: usize,
    /// While the line being read is over the limit: whether its dropped bytes were all blank.
    overlong: Option<bool>,
}

impl LineCutter {
    /// Cuts the complete lines of `text` into `payloads`: `text` is the line carried over from
    /// the last call, followed from `scanned` on by the bytes just read; at the `end` of the
    /// input the last line needs no line break. Returns the bytes of the line left incomplete,
    /// to carry over: none of it once it is over the limit.
    fn cut(&mut self, text: &[u8], scanned: usize, end: bool, payloads: &mut Vec<Payload>) -> Range<usize> {
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', &text[scanned..]) {
            let newline = scanned + newline;
            self.finish(text, line_start..newline, payloads);
            line_start = newline + 1;
        }
        if end && (line_start < text.len() || self.overlong.is_some()) {
            self.finish(text, line_start..text.len(), payloads);
            line_start = text.len();
        }
        let rest = &text[line_start..];
        // One byte more than the limit: room for the `\r` of a `\r\n`.
        let room = usize::try_from(self.limit).unwrap_or(usize::MAX).saturating_add(1);
        match &mut self.overlong {
            Some(blank) => *blank &= is_blank(rest),
            None if rest.len() > room => self.overlong = Some(is_blank(rest)),
            None => return line_start..text.len(),
        }
        line_start..line_start
    }

    /// Cuts the line at `line` in `text` (without its `\n`), unless it is blank.
    fn finish(&mut self, text: &[u8], line: Range<usize>, payloads: &mut Vec<Payload>) {
        self.number += 1;
        let bytes = &text[line.clone()];
        let overlong = self.overlong.take();
        if overlong.unwrap_or(true) && is_blank(bytes) {
            return;
        }
        let end = if bytes.last() == Some(&b'\r') { line.end - 1 } else { line.end };
        let content = if overlong.is_some() || (end - line.start) as u64 > self.limit {
            Content::TooLarge { limit: self.limit }
        } else {
            Content::Bytes(line.start..end)
        };
        payloads.push(Payload { line: self.number, content });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what the readers hand over; when `stale`, gives back spare buffers full of
    /// stale lines and payloads, which must never be read as payloads.
    #[derive(Default)]
    struct Collected {
        chunks: Vec<Chunk>,
        errors: Vec<String>,
        stale: bool,
    }

    impl Sink for Collected {
        fn chunk(&mut self, chunk: Chunk) -> io::Result<()> {
            self.chunks.push(chunk);
            Ok(())
        }

        fn error(&mut self, error: InputError) {
            self.errors.push(format!("{}: {}", error.path, error.error));
        }

        fn spare_buffers(&mut self) -> Option<SpareBuffers> {
            self.stale.then(|| SpareBuffers {
                text: b"\n{\"stale\":1}\r\n".repeat(20),
                payloads: vec![Payload { line: 0, content: Content::TooLarge { limit: 0 } }],
            })
        }
    }

    /// Each non-blank line, read `block` bytes at a time (into spare buffers of stale lines when
    /// `stale`): its line number and bytes, or an error when too long.
    fn cut(input: &[u8], limit: u64, block: usize, stale: bool) -> Vec<(usize, Result<Vec<u8>, ()>)> {
        let origin = Arc::new(Origin { name: "-".to_owned(), is_file: false, framing: Framing::Ndjson });
        let mut collected = Collected { stale, ..Collected::default() };
        read_ndjson(input, &origin, limit, block, &mut collected).unwrap();
        assert_eq!(collected.errors, Vec::<String>::new());
        let mut found = Vec::new();
        for chunk in &collected.chunks {
            assert!(!chunk.payloads.is_empty(), "a chunk with no payload was handed over");
            for payload in &chunk.payloads {
                found.push((payload.line, chunk.bytes(payload).map(<[u8]>::to_vec).ok_or(())));
            }
        }
        found
    }

    /// Each non-blank line, whatever the size of reads and whatever the buffers held before:
    /// every size from 1 byte to the input's length gives the same lines.
    fn lines(input: &[u8], limit: u64) -> Vec<(usize, Result<Vec<u8>, ()>)> {
        let found = cut(input, limit, input.len().max(1), false);
        for block in 1..=input.len() {
            for stale in [false, true] {
                assert_eq!(cut(input, limit, block, stale), found, "reads of {block} bytes, stale {stale}");
            }
        }
        found
    }

    #[test]
    fn lines_over_the_limit_are_skipped_whole_and_reading_goes_on() {
        let found = lines(b"short\nmuch too long a line\n\nlast", 10);
        assert_eq!(found, [(1, Ok(b"short".to_vec())), (2, Err(())), (4, Ok(b"last".to_vec()))]);
        assert_eq!(lines(b"0123456789\n01234567890\n", 10), [(1, Ok(b"0123456789".to_vec())), (2, Err(()))]);
        assert_eq!(lines(b"", 10), []);
        assert_eq!(lines(b"much too long a line", 10), [(1, Err(()))]);
    }

    #[test]
    fn the_limit_counts_neither_the_line_break_nor_blank_lines() {
        let found = lines(b"{}\r\n{} \n                    \n{}", 2);
        assert_eq!(found, [(1, Ok(b"{}".to_vec())), (2, Err(())), (4, Ok(b"{}".to_vec()))]);
        assert_eq!(lines(b" \t\r\x0c\n", 100), [(1, Ok(b" \t\r\x0c".to_vec()))]);
        assert_eq!(lines(b"  \t\t\r\n \r\n{}\r", 2), [(3, Ok(b"{}".to_vec()))]);
    }

    #[test]
    fn memory_holds_at_most_one_limit_and_one_read_however_long_the_line() {
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"\n{}\n");
        input.extend(std::iter::repeat_n(b' ', 100_000));
        input.extend_from_slice(b"\n[]");
        let origin = Arc::new(Origin { name: "f".to_owned(), is_file: true, framing: Framing::Ndjson });
        let mut collected = Collected::default();
        read_ndjson(&input[..], &origin, 10, 7, &mut collected).unwrap();
        let held = collected.chunks.iter().map(|chunk| chunk.text.len()).max();
        assert!(held <= Some(10 + 1 + 7), "a chunk held {held:?} bytes");
        let lines: Vec<_> =
            collected.chunks.iter().flat_map(|chunk| &chunk.payloads).map(|payload| payload.line).collect();
        assert_eq!(lines, [1, 2, 4]);
    }

    #[test]
    fn a_file_of_blank_lines_is_reported_and_standard_input_is_not() {
        for (is_file, errors) in [(true, 1), (false, 0)] {
            let origin = Arc::new(Origin { name: "f".to_owned(), is_file, framing: Framing::Ndjson });
            let mut collected = Collected::default();
            read_ndjson(&b" \n\t\r\n"[..], &origin, 10, 4, &mut collected).unwrap();
            assert_eq!(collected.chunks.len(), 0);
            assert_eq!(collected.errors.len(), errors, "{:?}", collected.errors);
        }
    }

    #[test]
    fn a_file_not_read_yet_counts_its_names_not_its_limit() {
        let file = |name: &str, limit| WholeFile {
            path: PathBuf::from(name),
            folder: None,
            origin: Arc::new(Origin { name: name.to_owned(), is_file: true, framing: Framing::Whole }),
            limit,
        };
        let short = file("f.json", u64::MAX).footprint();
        assert!(short < 1024, "{short}");
        assert_eq!(file("f.json", 100).footprint(), short);
        assert_eq!(file("folder/f.json", u64::MAX).footprint(), short + 2 * "folder/".len());
    }

    #[test]
    fn a_file_found_in_an_open_folder_is_opened_by_name_there() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("f.json"), "{}").unwrap();
        // A path that leads nowhere: only the folder and the name can find the file.
        let file = |folder| WholeFile {
            path: PathBuf::from("nowhere/f.json"),
            folder,
            origin: Arc::new(Origin { name: "f.json".to_owned(), is_file: true, framing: Framing::Whole }),
            limit: 100,
        };
        let folders = OpenFolders { open: Arc::default(), max: 1 };
        let chunk = file(folders.open(folder.path())).read().unwrap();
        assert_eq!(chunk.bytes(&chunk.payloads[0]), Some(&b"{}"[..]));
        let error = file(None).read().unwrap_err();
        assert_eq!(error.error.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_run_holds_a_bounded_number_of_folders_open() {
        let folder = tempfile::tempdir().unwrap();
        let folders = OpenFolders { open: Arc::default(), max: 3 };
        let mut held: Vec<_> = (0..3).map(|_| folders.open(folder.path()).unwrap()).collect();
        assert!(folders.open(folder.path()).is_none());
        held.pop();
        assert!(folders.open(folder.path()).is_some());
        // A folder that cannot be opened takes no room.
        assert!(folders.open(&folder.path().join("missing")).is_none());
        drop(held);
        assert_eq!(folders.open.load(Ordering::Relaxed), 0);
        // The most follows the limit on open files.
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let most = OpenFolders::within_the_descriptor_limit().max;
        assert!(most <= OPEN_FOLDERS_MAX && limit.is_none_or(|limit| most as u64 <= limit / 16), "{most}");
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
