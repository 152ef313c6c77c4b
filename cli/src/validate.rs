//! `fpwebhook validate`: one thread reads the inputs, all cores read files and judge payloads,
//! and the main thread writes the reports in input order, with memory bounded whatever the input.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use fingerprint_webhook::{Contract, Options};
use rayon::prelude::*;

use crate::input::{self, Chunk, InputError, Payload, Reading, Sink, SpareBuffers, WholeFile, read_inputs};
use crate::report::{self, Outcome, Report, Style, Summary};
use crate::{Format, INVALID, TOOL_ERROR, VALID, warn};

/// What `validate` was asked to do.
pub(crate) struct ValidateArgs {
    /// The contract to judge under; `None` for the one each payload's shape names.
    pub(crate) contract: Option<&'static Contract>,
    pub(crate) strict: bool,
    pub(crate) format: Format,
    pub(crate) reading: Reading,
    pub(crate) paths: Vec<PathBuf>,
}

/// How every payload of the run is judged and rendered.
#[derive(Clone, Copy)]
struct Judging {
    /// The contract to judge under; `None` for the one each payload's shape names.
    contract: Option<&'static Contract>,
    options: Options,
    style: Style,
}

/// How much input makes the run large enough for a progress bar (on a terminal only).
const PROGRESS_AFTER_BYTES: u64 = 64 * 1024 * 1024;

/// A progress bar on standard error, shown once the input is large and only when standard
/// error is a terminal, so that pipelines and CI logs never see it.
struct Progress {
    terminal: bool,
    bytes: u64,
    payloads: u64,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Self {
        Progress { terminal: io::stderr().is_terminal(), bytes: 0, payloads: 0, bar: None }
    }

    fn advance(&mut self, payloads: usize, bytes: usize) {
        self.payloads += payloads as u64;
        self.bytes += bytes as u64;
        if self.bar.is_none() && self.terminal && self.bytes >= PROGRESS_AFTER_BYTES {
            let bar = indicatif::ProgressBar::new_spinner();
            let style =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({bytes_per_sec}, {elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
            bar.set_style(style);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes);
            bar.set_message(format!("{} payloads, {}", self.payloads, indicatif::HumanBytes(self.bytes)));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// At most how many payloads, and bytes, are judged together before their results are
/// written; a batch is whatever has arrived when the judging side is free, so a slow stream is
/// reported as it comes and a fast one in full batches.
const BATCH_PAYLOADS: usize = 2048;
const BATCH_BYTES: usize = 2 * 1024 * 1024;
/// At most how many bytes of payloads (with their records: [`Chunk::footprint`]) are read but
/// not yet judged: the bound on memory, whatever the input (one payload larger than this is
/// still read, alone). Files of one payload, read where they are judged, count with the size
/// they had when found.
const BYTES_AHEAD: usize = 2 * BATCH_BYTES;
/// At most how many buffers of judged chunks wait for the reader to read into them again.
const SPARE_BUFFERS: usize = 8;
/// How many payloads of a chunk are judged together on one core, their outcomes rendered into
/// one text: few enough to share the work of a chunk between cores, enough that a text is not
/// allocated per payload.
const PIECE_PAYLOADS: usize = 64;
/// The most room a piece's text keeps from one batch to the next.
const KEPT_TEXT_BYTES: usize = 64 * 1024;
/// How long judged results may wait in the output buffer while more input keeps arriving: a
/// slow stream is reported as it comes, a fast one without a write per payload.
const SHOW_WITHIN: Duration = Duration::from_millis(10);

/// What the reading thread hands over, in input order.
enum Read {
    /// Something to judge.
    Unit(Unit),
    /// An input that could not be read.
    Error(InputError),
}

/// Something to judge.
enum Unit {
    /// Payloads read.
    Chunk(Chunk),
    /// A file of one payload, read on whichever core judges it.
    File(WholeFile),
}

impl Unit {
    /// How many payloads it holds.
    fn payloads(&self) -> usize {
        match self {
            Unit::Chunk(chunk) => chunk.payloads.len(),
            Unit::File(_) => 1,
        }
    }

    /// About how much memory it holds until it is judged.
    fn footprint(&self) -> usize {
        match self {
            Unit::Chunk(chunk) => chunk.footprint(),
            Unit::File(file) => file.footprint(),
        }
    }
}

/// Bytes read but not yet judged, shared by the reading thread (which waits while they are
/// over [`BYTES_AHEAD`]) and the judging one (which frees them, or closes it all when its
/// output is gone).
#[derive(Default)]
struct Backlog {
    state: Mutex<(usize, bool)>,
    freed: Condvar,
}

impl Backlog {
    /// Waits for room for `bytes`; `false` once the judging side has stopped.
    fn reserve(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.1 && state.0 > 0 && state.0 + bytes > BYTES_AHEAD {
            state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.0 += bytes;
        !state.1
    }

    fn free(&self, bytes: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = state.0.saturating_sub(bytes);
        self.freed.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
        self.freed.notify_all();
    }
}

/// The reading thread's sink: sends what it reads, files unread, and input errors, in order,
/// within the backlog's bound.
struct Sender<'b> {
    channel: mpsc::Sender<Read>,
    backlog: &'b Backlog,
    /// Buffers of chunks judged, given back to be read into again.
    spares: mpsc::Receiver<SpareBuffers>,
}

impl Sender<'_> {
    fn send(&mut self, unit: Unit) -> io::Result<()> {
        let closed = || io::Error::new(io::ErrorKind::BrokenPipe, "the output was closed");
        if !self.backlog.reserve(unit.footprint()) {
            return Err(closed());
        }
        self.channel.send(Read::Unit(unit)).map_err(|_| closed())
    }
}

impl Sink for Sender<'_> {
    fn chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        self.send(Unit::Chunk(chunk))
    }

    fn whole_file(&mut self, file: WholeFile) -> io::Result<()> {
        self.send(Unit::File(file))
    }

    fn error(&mut self, error: InputError) {
        // A closed output stops the reading at the next payload.
        let _ = self.channel.send(Read::Error(error));
    }

    fn spare_buffers(&mut self) -> Option<SpareBuffers> {
        self.spares.try_recv().ok()
    }
}

/// What judging has found so far, and where it goes.
struct Verdicts<W: Write> {
    report: Report<W>,
    summary: Summary,
    input_errors: Vec<InputError>,
    progress: Progress,
}

impl<W: Write> Verdicts<W> {
    /// Records an input that could not be read, and says so on standard error.
    fn input_error(&mut self, error: InputError) {
        tell(&error);
        self.input_errors.push(error);
    }
}

/// Says on standard error that an input could not be read.
fn tell(error: &InputError) {
    warn(format_args!(
        "fpwebhook: {}: {}",
        report::printable(&error.path),
        report::printable(&error.error.to_string())
    ));
}

/// Part of a batch that one core judges on its own.
enum Piece<'a> {
    /// Payloads of a chunk.
    Payloads(&'a Chunk, &'a [Payload]),
    /// A file of one payload, to read first.
    File(&'a WholeFile),
}

impl Piece<'_> {
    fn payloads(&self) -> usize {
        match self {
            Piece::Payloads(_, payloads) => payloads.len(),
            Piece::File(_) => 1,
        }
    }

    /// Judges the piece into `judged`, whose text is written over.
    fn judge_into(&self, judging: Judging, judged: &mut Judged) {
        judged.clear();
        match *self {
            Piece::Payloads(chunk, payloads) => judged.add(chunk, payloads, judging),
            Piece::File(file) => match file.read() {
                Ok(chunk) => judged.add(&chunk, &chunk.payloads, judging),
                Err(error) => judged.input_error = Some(error),
            },
        }
    }
}

/// A piece judged: its outcomes rendered in input order, what they were, and the input error
/// that took the place of a file's payload.
/// Its texts are kept from one batch to the next (the main thread frees them, the cores that
/// judge fill them), so that judging allocates nothing per piece.
#[derive(Default)]
struct Judged {
    rendered: String,
    valid: usize,
    invalid: usize,
    bytes: usize,
    input_error: Option<InputError>,
    /// Where the input error went, once counted: its index in [`Verdicts::input_errors`].
    input_error_at: Option<usize>,
    /// Where the payload being judged came from, as reports name it.
    source: String,
}

impl Judged {
    /// Empties it for another piece, keeping the room its texts have.
    fn clear(&mut self) {
        self.rendered.clear();
        (self.valid, self.invalid, self.bytes) = (0, 0, 0);
        self.input_error = None;
        self.input_error_at = None;
    }

    /// Judges `payloads`, of `chunk`, one after another, and renders their outcomes.
    fn add(&mut self, chunk: &Chunk, payloads: &[Payload], judging: Judging) {
        for payload in payloads {
            chunk.source_into(payload, &mut self.source);
            self.bytes += chunk.bytes(payload).map_or(0, <[u8]>::len);
            let outcome = Outcome::of(chunk, payload, &self.source, judging.contract, judging.options);
            if outcome.valid {
                self.valid += 1;
            } else {
                self.invalid += 1;
            }
            judging.style.render(&outcome, &mut self.rendered);
        }
    }
}

/// Judges a batch on all cores and writes the results in input order, at most
/// [`BATCH_PAYLOADS`] at a time, so that a chunk of many small payloads is not rendered whole
/// before being written. Everything judged is counted before anything is written, so that a
/// closed output still exits with what was found.
fn judge<W: Write>(
    batch: &[Unit],
    judging: Judging,
    verdicts: &mut Verdicts<W>,
    judged: &mut Vec<Judged>,
) -> io::Result<()> {
    let mut pieces = Vec::new();
    for unit in batch {
        match unit {
            Unit::Chunk(chunk) => {
                pieces.extend(
                    chunk.payloads.chunks(PIECE_PAYLOADS).map(|payloads| Piece::Payloads(chunk, payloads)),
                );
            }
            Unit::File(file) => pieces.push(Piece::File(file)),
        }
    }
    for window in windows(&pieces) {
        if judged.len() < window.len() {
            judged.resize_with(window.len(), Judged::default);
        }
        let judged = &mut judged[..window.len()];
        window.par_iter().zip(judged.par_iter_mut()).for_each(|(piece, out)| piece.judge_into(judging, out));
        for piece in judged.iter_mut() {
            verdicts.summary.valid += piece.valid;
            verdicts.summary.invalid += piece.invalid;
            verdicts.progress.advance(piece.valid + piece.invalid, piece.bytes);
            if let Some(error) = piece.input_error.take() {
                piece.input_error_at = Some(verdicts.input_errors.len());
                verdicts.input_errors.push(error);
            }
        }
        for piece in judged.iter_mut() {
            verdicts.report.write(&piece.rendered)?;
            if let Some(at) = piece.input_error_at {
                tell(&verdicts.input_errors[at]);
            }
            // A text grown for a large report is not kept: memory stays bounded by the batch.
            if piece.rendered.capacity() > KEPT_TEXT_BYTES {
                piece.rendered = String::new();
            }
        }
    }
    Ok(())
}

/// Splits `pieces` into runs of at least [`BATCH_PAYLOADS`] payloads, but for the last one.
fn windows<'p, 'a>(pieces: &'p [Piece<'a>]) -> impl Iterator<Item = &'p [Piece<'a>]> {
    let mut rest = pieces;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut payloads = 0;
        let end = rest
            .iter()
            .position(|piece| {
                payloads += piece.payloads();
                payloads >= BATCH_PAYLOADS
            })
            .map_or(rest.len(), |last| last + 1);
        let (window, after) = rest.split_at(end);
        rest = after;
        Some(window)
    })
}

/// Judges what the reading thread sends, batch by batch, until it is done or the output is
/// closed; gives the texts of judged chunks back to it, and frees their room in the backlog.
fn judge_arrivals<W: Write>(
    arrivals: &mpsc::Receiver<Read>,
    give_back: &mpsc::SyncSender<SpareBuffers>,
    backlog: &Backlog,
    judging: Judging,
    verdicts: &mut Verdicts<W>,
) -> io::Result<()> {
    let mut batch = Vec::new();
    let (mut batch_payloads, mut batch_footprint) = (0, 0);
    let mut judged = Vec::new();
    let mut shown = Instant::now();
    let mut next = arrivals.recv().ok();
    while let Some(arrival) = next.take() {
        let error = match arrival {
            Read::Unit(unit) => {
                batch_payloads += unit.payloads();
                batch_footprint += unit.footprint();
                batch.push(unit);
                None
            }
            Read::Error(error) => Some(error),
        };
        let full = batch_payloads >= BATCH_PAYLOADS || batch_footprint >= BATCH_BYTES;
        if error.is_none() && !full {
            next = arrivals.try_recv().ok();
            if next.is_some() {
                continue;
            }
        }
        // Judge what has arrived: the batch is full, nothing more is waiting, or an
        // input error must be told after the payloads before it.
        judge(&batch, judging, verdicts, &mut judged)?;
        let spares = batch.drain(..).filter_map(|unit| match unit {
            Unit::Chunk(chunk) => chunk.into_spare_buffers(),
            Unit::File(_) => None,
        });
        for spare in spares {
            // When the reader has enough spares, this one is freed.
            let _ = give_back.try_send(spare);
        }
        batch_payloads = 0;
        backlog.free(std::mem::take(&mut batch_footprint));
        if let Some(error) = error {
            verdicts.input_error(error);
        }
        // What was judged is shown before waiting long for more input.
        next = match arrivals.try_recv() {
            Ok(arrival) => Some(arrival),
            Err(_) => {
                if shown.elapsed() >= SHOW_WITHIN {
                    verdicts.report.flush()?;
                    shown = Instant::now();
                }
                match arrivals.recv_timeout(SHOW_WITHIN) {
                    Ok(arrival) => Some(arrival),
                    Err(_) => {
                        verdicts.report.flush()?;
                        shown = Instant::now();
                        arrivals.recv().ok()
                    }
                }
            }
        };
    }
    Ok(())
}

pub(crate) fn run_validate(args: ValidateArgs) -> io::Result<u8> {
    let ValidateArgs { contract, strict, format, reading, paths } = args;
    if let Err(reason) = input::claim_stdin(&paths, "validate") {
        warn(format_args!("fpwebhook: {reason}"));
        return Ok(TOOL_ERROR);
    }
    let stdout = io::stdout().lock();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let style = match format {
        Format::Human => Style::Human { colour },
        Format::Json => Style::Json,
        Format::Github => Style::Github,
        Format::Junit => Style::Junit,
    };
    let judging = Judging { contract, options: Options::DEFAULT.with_strict(strict), style };
    let mut verdicts = Verdicts {
        report: Report::new(style, io::BufWriter::new(stdout))?,
        summary: Summary::default(),
        input_errors: Vec::new(),
        progress: Progress::new(),
    };
    // Reading runs on its own thread, ahead of judging within the backlog's bound; judging
    // takes whatever has arrived (up to a batch) and runs on all cores; this thread counts and
    // writes the results in input order.
    let backlog = Backlog::default();
    let written = std::thread::scope(|scope| {
        let (channel, arrivals) = mpsc::channel();
        let (give_back, spares) = mpsc::sync_channel(SPARE_BUFFERS);
        let backlog = &backlog;
        let reader =
            scope.spawn(move || read_inputs(&paths, reading, &mut Sender { channel, backlog, spares }));
        let judged = judge_arrivals(&arrivals, &give_back, backlog, judging, &mut verdicts);
        // Stops the reader when judging stopped early (a closed output).
        backlog.close();
        drop(arrivals);
        let read = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        judged?;
        read
    });
    verdicts.progress.finish();
    let Verdicts { mut report, mut summary, input_errors, .. } = verdicts;
    summary.input_errors = input_errors.len();
    let written = written.and_then(|()| {
        input_errors.iter().try_for_each(|error| report.input_error(error))?;
        report.finish(summary)
    });
    match written {
        Ok(()) => {}
        // `fpwebhook ... | head`: the reader left. Not an error, but what was found so far
        // still decides the exit status.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
        Err(error) => return Err(error),
    }
    Ok(if summary.input_errors > 0 || summary.valid + summary.invalid == 0 {
        TOOL_ERROR
    } else if summary.invalid > 0 {
        INVALID
    } else {
        VALID
    })
}
