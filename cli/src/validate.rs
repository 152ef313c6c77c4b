//! `fpwebhook validate`: one thread reads the inputs, all cores read files and judge payloads,
//! and the main thread writes the reports in input order, with memory bounded whatever the input.

use std::any::Any;
use std::collections::VecDeque;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::thread::Thread;
use std::time::{Duration, Instant};

use fingerprint_webhook::{Contract, Options};

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

/// At most how many bytes of payloads (with their records: [`Chunk::footprint`]) are read but
/// not yet judged and written: with [`IN_FLIGHT_PER_CORE`], the bound on memory, whatever the
/// input (one payload larger than this is still read, alone). A file of one payload is read
/// where it is judged, and dropped once it is: until then it counts only its names, and its
/// bytes are among those being judged, one payload per core.
const BYTES_AHEAD: usize = 8 * 1024 * 1024;
/// At most how many buffers of judged chunks wait for the reader to read into them again: more
/// than can be in use at once (a chunk's text has room for two blocks), so that the reader
/// does not allocate and zero new ones while the judging side frees others.
const SPARE_BUFFERS: usize = BYTES_AHEAD / (2 * input::NDJSON_BLOCK_BYTES) + 2;
/// At most how many payloads per core are on the cores at once, judged or being judged but not
/// written: what bounds the reports waiting to be written (a payload with many violations has
/// a long one) when the output is slower than judging. The rest of what was read waits unjudged,
/// within the backlog.
const IN_FLIGHT_PER_CORE: usize = 32 * PIECE_PAYLOADS;
/// How many payloads of a chunk one core judges together, their outcomes rendered into one
/// text: few enough to share the work between the cores to the end, enough that a result is
/// not sent, nor a text allocated, per payload.
const PIECE_PAYLOADS: usize = 64;
/// How many files of one payload, found one after another, one core reads and judges together:
/// fewer than payloads of a chunk, because each is also opened and read there.
const PIECE_FILES: usize = 8;
/// How long the judging side waits at least before it looks again for what the cores have
/// judged: it waits about the time they take to judge half of what they have ([`Pace`]), so
/// that they are given more before they run out, and a run's last results (or its only one)
/// do not wait.
const LOOK_AGAIN_SOON: Duration = Duration::from_micros(20);
/// How long the judging side waits at most before it looks again, however slow the cores have
/// been: an estimate inflated by a slow piece or a slow input costs a run at most this.
const LOOK_AGAIN_LATEST: Duration = Duration::from_millis(2);
/// At most how much room a piece's text is given at once for its reports, guessed from its
/// first payload's: beyond this, it grows as it needs.
const RENDERED_RESERVE_BYTES: usize = 64 * 1024;
/// How many bytes of reports are gathered before they are written: a write per 64 KiB, not per
/// 8 KiB (the default), of a stream's tens of megabytes of reports.
const OUTPUT_BUFFER_BYTES: usize = 64 * 1024;
/// How long judged results may wait in the output buffer while more input keeps arriving: a
/// slow stream is reported as it comes, a fast one without a write per payload.
const SHOW_WITHIN: Duration = Duration::from_millis(10);

/// What the judging side waits for: what the reading thread sends, in input order, and what
/// the cores have judged, in any order.
enum Event {
    /// From the reading thread.
    Read(Read),
    /// The reading thread is done: nothing more will arrive from it.
    ReadingDone,
    /// A piece judged on a core: its place among what the output is owed, and its outcomes.
    Judged(usize, Judged),
    /// A piece that made its core panic: the panic, to raise again on the judging side.
    Panicked(Box<dyn Any + Send>),
}

/// What the reading thread hands over, in input order.
enum Read {
    /// Payloads read.
    Chunk(Chunk),
    /// Files of one payload, found one after another, read on whichever core judges them, and
    /// what they hold until then.
    Files { files: Vec<WholeFile>, footprint: usize },
    /// An input that could not be read.
    Error(InputError),
}

/// Bytes read but not yet judged, shared by the reading thread (which waits, once they would be
/// over [`BYTES_AHEAD`], until what it read fits in half of it) and the judging one (which frees
/// them, or closes it all when its output is gone).
#[derive(Default)]
struct Backlog {
    state: Mutex<BacklogState>,
    freed: Condvar,
}

#[derive(Default)]
struct BacklogState {
    /// Bytes read but not yet judged.
    held: usize,
    /// Whether the judging side has stopped.
    closed: bool,
    /// While the reading thread waits for room: how many bytes it waits for the backlog to be
    /// down to (it also goes on once the backlog is empty).
    waiting_for: Option<usize>,
}

impl Backlog {
    /// Waits for room for `bytes`; `false` once the judging side has stopped. Once the backlog
    /// would be over its bound, the reading thread waits until `bytes` fit in half of it (or the
    /// backlog is empty), so that it is woken once per many reads rather than once per read
    /// (each wake-up takes a core from judging).
    fn reserve(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.held > 0 && state.held + bytes > BYTES_AHEAD {
            let target = (BYTES_AHEAD / 2).saturating_sub(bytes);
            state.waiting_for = Some(target);
            while !state.closed && state.held > target {
                state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.waiting_for = None;
        }
        state.held += bytes;
        !state.closed
    }

    fn free(&self, bytes: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.held = state.held.saturating_sub(bytes);
        if state.waiting_for.is_some_and(|target| state.held <= target) {
            self.freed.notify_all();
        }
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.freed.notify_all();
    }
}

/// Closes the backlog when dropped, however judging ends (a panic included), so that a reading
/// thread waiting for room is let go and the run can end.
struct CloseOnDrop<'b>(&'b Backlog);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The reading thread's sink: sends what it reads, files unread, and input errors, in order,
/// within the backlog's bound.
struct Sender<'b> {
    channel: mpsc::Sender<Event>,
    backlog: &'b Backlog,
    /// Buffers of chunks judged, given back to be read into again.
    spares: mpsc::Receiver<SpareBuffers>,
    /// Files found but not sent yet: they go [`PIECE_FILES`] at a time, one message and one
    /// reservation for all of them, rather than one each, and before anything else is sent or
    /// when the reading side flushes (before each input named, and as the walk enters a
    /// folder).
    files: Vec<WholeFile>,
}

impl Sender<'_> {
    /// Sends `read` once the backlog has room for its `footprint`.
    fn send(&mut self, footprint: usize, read: Read) -> io::Result<()> {
        let closed = || io::Error::new(io::ErrorKind::BrokenPipe, "the output was closed");
        if !self.backlog.reserve(footprint) {
            return Err(closed());
        }
        self.channel.send(Event::Read(read)).map_err(|_| closed())
    }

    /// Sends the files found so far, if any.
    fn send_files(&mut self) -> io::Result<()> {
        if self.files.is_empty() {
            return Ok(());
        }
        let files = std::mem::take(&mut self.files);
        let footprint = files.iter().map(WholeFile::footprint).sum();
        self.send(footprint, Read::Files { files, footprint })
    }
}

impl Sink for Sender<'_> {
    fn chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        self.send_files()?;
        self.send(chunk.footprint(), Read::Chunk(chunk))
    }

    fn whole_file(&mut self, file: WholeFile) -> io::Result<()> {
        self.files.push(file);
        if self.files.len() == PIECE_FILES { self.send_files() } else { Ok(()) }
    }

    fn error(&mut self, error: InputError) {
        // In input order, after the files found before it. A closed output stops the reading
        // at the next payload.
        if self.send_files().is_ok() {
            let _ = self.channel.send(Event::Read(Read::Error(error)));
        }
    }

    fn spare_buffers(&mut self) -> Option<SpareBuffers> {
        self.spares.try_recv().ok()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_files()
    }
}

/// Tells the judging side, when dropped, that the reading thread is done.
struct DoneReading(mpsc::Sender<Event>);

impl Drop for DoneReading {
    fn drop(&mut self) {
        let _ = self.0.send(Event::ReadingDone);
    }
}

/// What judging has found so far, and where it goes.
struct Verdicts<W: Write> {
    report: Report<W>,
    summary: Summary,
    input_errors: Vec<InputError>,
    progress: Progress,
}

/// Says on standard error that an input could not be read.
fn tell(error: &InputError) {
    warn(format_args!(
        "fpwebhook: {}: {}",
        report::printable(&error.path),
        report::printable(&error.error.to_string())
    ));
}

/// Work that one core does on its own, in input order: payloads of a chunk, or files of one
/// payload, read there.
enum Piece {
    Payloads(Arc<Chunk>, Range<usize>),
    Files(Vec<WholeFile>),
}

impl Piece {
    /// How many payloads it holds.
    fn payloads(&self) -> usize {
        match self {
            Piece::Payloads(_, range) => range.len(),
            Piece::Files(files) => files.len(),
        }
    }

    /// Judges it, and lets go of what it read (a chunk's last holder gives its buffers back).
    fn judge(self, judging: Judging) -> Judged {
        let mut judged = Judged::default();
        match self {
            Piece::Payloads(chunk, range) => {
                if let Some(payloads) = chunk.payloads.get(range) {
                    judged.add(&chunk, payloads, judging);
                }
            }
            Piece::Files(files) => {
                for file in files {
                    match file.read() {
                        Ok(chunk) => judged.add(&chunk, &chunk.payloads, judging),
                        Err(error) => judged.input_errors.push(error),
                    }
                }
            }
        }
        judged
    }
}

/// A piece judged: its outcomes rendered in input order, what they were, and its files that
/// could not be read.
#[derive(Default)]
struct Judged {
    rendered: String,
    valid: usize,
    invalid: usize,
    bytes: usize,
    input_errors: Vec<InputError>,
    /// Where the payload being judged came from, as reports name it.
    source: String,
}

impl Judged {
    /// How many payloads the piece held: each was judged, or could not be read.
    fn payloads(&self) -> usize {
        self.valid + self.invalid + self.input_errors.len()
    }

    /// Judges `payloads`, of `chunk`, one after another, and renders their outcomes.
    fn add(&mut self, chunk: &Chunk, payloads: &[Payload], judging: Judging) {
        for (index, payload) in payloads.iter().enumerate() {
            if index == 1 {
                // Room for the rest at the first one's length (up to a bound: the first may have
                // many violations): the text grows once, not by doubling, copying what it holds
                // each time.
                let rest = self.rendered.len().saturating_mul(payloads.len() - 1);
                self.rendered.reserve(rest.min(RENDERED_RESERVE_BYTES));
            }
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

/// How fast the cores judge, measured while the judging side looks for what they judged: how
/// long it can wait before it looks again. Each look takes a core from judging (and, on a
/// virtual machine, an interrupt of the other), so it looks as seldom as keeps the cores fed.
struct Pace {
    /// Payloads judged since `since`.
    judged: usize,
    since: Instant,
    /// The time the cores took per payload, all together: the mean of the last measure and the
    /// one before, so that one odd interval moves it only halfway.
    per_payload: Duration,
}

impl Pace {
    fn new() -> Self {
        Pace { judged: 0, since: Instant::now(), per_payload: Duration::ZERO }
    }

    /// How long to wait before looking again, with `in_flight` payloads on the cores: about the
    /// time they take to judge half of them. A look that finds nothing judged leaves the
    /// measure running, so that slow pieces are measured over their whole time.
    fn pause(&mut self, in_flight: usize) -> Duration {
        if let Ok(judged) = u32::try_from(self.judged)
            && judged > 0
        {
            let measured = self.since.elapsed() / judged;
            self.per_payload = (self.per_payload + measured) / 2;
            self.judged = 0;
            self.since = Instant::now();
        }
        let half = u32::try_from(in_flight / 2).unwrap_or(u32::MAX);
        self.per_payload.saturating_mul(half).clamp(LOOK_AGAIN_SOON, LOOK_AGAIN_LATEST)
    }

    /// Starts the measure again after the judging side waited for news without looking: the
    /// cores were idle (or the input slow), which is not time spent judging.
    fn resume(&mut self) {
        self.judged = 0;
        self.since = Instant::now();
    }
}

/// How many pieces are on the cores. The core that judges the last of them wakes the judging
/// thread, which may be waiting to look again ([`Pace`]) while nothing is left to judge: at
/// the end of a run, or when the input came slower than the cores judge it.
struct OnCores {
    pieces: AtomicUsize,
    judging_thread: Thread,
}

impl OnCores {
    fn new(judging_thread: Thread) -> Self {
        OnCores { pieces: AtomicUsize::new(0), judging_thread }
    }

    /// Counts a piece sent to the cores.
    fn sent(&self) {
        self.pieces.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a piece done with, once what was judged of it is sent; the last wakes the
    /// judging thread.
    fn done(&self) {
        if self.pieces.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.judging_thread.unpark();
        }
    }
}

/// What the output is owed, in input order.
enum Owed {
    /// A piece on a core (`None` until it is judged).
    Piece(Option<Judged>),
    /// The end of what the reading thread handed over.
    Release(Release),
    /// An input that could not be read.
    Error(InputError),
}

/// What the reading thread handed over, let go once everything before it is written: its room
/// in the backlog is freed, and a chunk's buffers go back to the reader.
struct Release {
    footprint: usize,
    chunk: Option<Arc<Chunk>>,
}

/// What is done, in order, with what the output was owed once it is counted.
enum Step {
    Write(String),
    /// Tells the input error at this index of [`Verdicts::input_errors`].
    Tell(usize),
    Release(Release),
}

/// The judging side: hands pieces to the cores as input arrives, without waiting for the cores
/// to finish what they have, and writes what they judged in input order.
struct Judge<'r, W: Write> {
    judging: Judging,
    verdicts: &'r mut Verdicts<W>,
    backlog: &'r Backlog,
    give_back: &'r mpsc::SyncSender<SpareBuffers>,
    /// Where the cores send what they judged.
    judged: mpsc::Sender<Event>,
    /// What the output is owed, in input order; the first is the run's number `settled`.
    owed: VecDeque<Owed>,
    settled: usize,
    /// Pieces owed but not yet on the cores, with their place among what is owed.
    unsent: VecDeque<(usize, Piece)>,
    /// How many payloads are on the cores.
    in_flight: usize,
    on_cores: Arc<OnCores>,
    cores: usize,
    /// The steps of the last settling, kept for their room.
    steps: Vec<Step>,
    pace: Pace,
}

impl<W: Write> Judge<'_, W> {
    /// Judges what arrives until the reading thread is done and everything is written, or the
    /// output is closed.
    fn run(mut self, events: &mpsc::Receiver<Event>) -> io::Result<()> {
        let mut reading = true;
        let mut shown = Instant::now();
        let mut last_event = Instant::now();
        while reading || !self.owed.is_empty() {
            let event = match events.try_recv() {
                Ok(event) => event,
                Err(_) => {
                    // Nothing is waiting: what was written is shown before waiting.
                    if shown.elapsed() >= SHOW_WITHIN {
                        self.verdicts.report.flush()?;
                        shown = Instant::now();
                    }
                    if !self.owed.is_empty() && last_event.elapsed() < SHOW_WITHIN {
                        // Pieces are on the cores: look again before they run out, rather than
                        // be woken by each piece judged (a wake-up takes a core from judging,
                        // and sends the other an interrupt); the last piece on the cores wakes
                        // this thread at once (`OnCores`). A piece that takes long (a file
                        // that blocks as it is read) is waited for without looking.
                        std::thread::park_timeout(self.pace.pause(self.in_flight));
                        continue;
                    }
                    let event = match events.recv_timeout(SHOW_WITHIN) {
                        Ok(event) => event,
                        Err(_) => {
                            self.verdicts.report.flush()?;
                            shown = Instant::now();
                            match events.recv() {
                                Ok(event) => event,
                                Err(_) => break,
                            }
                        }
                    };
                    self.pace.resume();
                    event
                }
            };
            last_event = Instant::now();
            match event {
                Event::Read(read) => self.take(read),
                Event::ReadingDone => reading = false,
                Event::Judged(index, judged) => {
                    self.in_flight = self.in_flight.saturating_sub(judged.payloads());
                    self.pace.judged += judged.payloads();
                    if let Some(owed) = self.owed.get_mut(index - self.settled) {
                        *owed = Owed::Piece(Some(judged));
                    }
                    self.send_unsent();
                }
                Event::Panicked(panic) => {
                    self.backlog.close();
                    std::panic::resume_unwind(panic);
                }
            }
            self.settle()?;
        }
        Ok(())
    }

    /// Takes what the reading thread handed over: its pieces go to the cores at once.
    fn take(&mut self, read: Read) {
        match read {
            Read::Chunk(chunk) => {
                let footprint = chunk.footprint();
                let chunk = Arc::new(chunk);
                let count = chunk.payloads.len();
                for start in (0..count).step_by(PIECE_PAYLOADS) {
                    let range = start..count.min(start + PIECE_PAYLOADS);
                    self.hand_over(Piece::Payloads(Arc::clone(&chunk), range));
                }
                self.owed.push_back(Owed::Release(Release { footprint, chunk: Some(chunk) }));
            }
            Read::Files { files, footprint } => {
                // Files go to a core together while the cores have enough to do; until then one
                // by one, so that a few large files found at once are judged on every core.
                let mut files = files.into_iter();
                while self.in_flight < 2 * self.cores
                    && files.len() > 1
                    && let Some(file) = files.next()
                {
                    self.hand_over(Piece::Files(vec![file]));
                }
                self.hand_over(Piece::Files(files.collect()));
                self.owed.push_back(Owed::Release(Release { footprint, chunk: None }));
            }
            Read::Error(error) => self.owed.push_back(Owed::Error(error)),
        }
    }

    /// Owes the output a piece, and sends it to the cores if they have room for it.
    fn hand_over(&mut self, piece: Piece) {
        let index = self.settled + self.owed.len();
        self.owed.push_back(Owed::Piece(None));
        self.unsent.push_back((index, piece));
        self.send_unsent();
    }

    /// Sends pieces to the cores, in order, while they have room; the cores judge pieces in
    /// the order they are sent.
    fn send_unsent(&mut self) {
        while self.in_flight < self.cores * IN_FLIGHT_PER_CORE
            && let Some((index, piece)) = self.unsent.pop_front()
        {
            self.in_flight += piece.payloads();
            self.on_cores.sent();
            let (judging, judged, on_cores) = (self.judging, self.judged.clone(), Arc::clone(&self.on_cores));
            rayon::spawn_fifo(move || {
                let event = match std::panic::catch_unwind(AssertUnwindSafe(|| piece.judge(judging))) {
                    Ok(outcomes) => Event::Judged(index, outcomes),
                    Err(panic) => Event::Panicked(panic),
                };
                // The judging side may have stopped (a closed output).
                let _ = judged.send(event);
                on_cores.done();
            });
        }
    }

    /// Counts, then writes, what is owed to the output up to the first piece still on a core.
    /// Everything is counted before anything is written, so that a closed output still exits
    /// with what was found.
    fn settle(&mut self) -> io::Result<()> {
        let ready =
            self.owed.iter().position(|owed| matches!(owed, Owed::Piece(None))).unwrap_or(self.owed.len());
        if ready == 0 {
            return Ok(());
        }
        self.settled += ready;
        let verdicts = &mut *self.verdicts;
        for owed in self.owed.drain(..ready) {
            match owed {
                Owed::Piece(judged) => {
                    let judged = judged.unwrap_or_default();
                    verdicts.summary.valid += judged.valid;
                    verdicts.summary.invalid += judged.invalid;
                    verdicts.progress.advance(judged.valid + judged.invalid, judged.bytes);
                    self.steps.push(Step::Write(judged.rendered));
                    for error in judged.input_errors {
                        self.steps.push(Step::Tell(verdicts.input_errors.len()));
                        verdicts.input_errors.push(error);
                    }
                }
                Owed::Error(error) => {
                    self.steps.push(Step::Tell(verdicts.input_errors.len()));
                    verdicts.input_errors.push(error);
                }
                Owed::Release(release) => self.steps.push(Step::Release(release)),
            }
        }
        for step in self.steps.drain(..) {
            match step {
                Step::Write(rendered) => verdicts.report.write(&rendered)?,
                Step::Tell(index) => tell(&verdicts.input_errors[index]),
                Step::Release(Release { footprint, chunk }) => {
                    self.backlog.free(footprint);
                    // The cores let go of a chunk before they send what they judged of it.
                    let spare = chunk
                        .and_then(|chunk| Arc::try_unwrap(chunk).ok())
                        .and_then(Chunk::into_spare_buffers);
                    if let Some(spare) = spare {
                        // When the reader has enough spares, this one is freed.
                        let _ = self.give_back.try_send(spare);
                    }
                }
            }
        }
        Ok(())
    }
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
        report: Report::new(style, io::BufWriter::with_capacity(OUTPUT_BUFFER_BYTES, stdout))?,
        summary: Summary::default(),
        input_errors: Vec::new(),
        progress: Progress::new(),
    };
    // Reading runs on its own thread, ahead of judging within the backlog's bound; this thread
    // hands each piece of what arrives to the cores at once, and counts and writes what they
    // judged in input order.
    let backlog = Backlog::default();
    let written = std::thread::scope(|scope| {
        let (channel, events) = mpsc::channel();
        let (give_back, spares) = mpsc::sync_channel(SPARE_BUFFERS);
        let backlog = &backlog;
        let judged = channel.clone();
        let reader = scope.spawn(move || {
            // Sent however reading ends, a panic included, so that judging ends too.
            let _done = DoneReading(channel.clone());
            let mut sender = Sender { channel, backlog, spares, files: Vec::new() };
            read_inputs(&paths, reading, &mut sender)?;
            sender.flush()
        });
        // The cores' threads start while the first input is found (a folder of a thousand files
        // takes a millisecond to list), not when it arrives.
        let cores = rayon::current_num_threads();
        let judge = Judge {
            judging,
            verdicts: &mut verdicts,
            backlog,
            give_back: &give_back,
            judged,
            owed: VecDeque::new(),
            settled: 0,
            unsent: VecDeque::new(),
            in_flight: 0,
            on_cores: Arc::new(OnCores::new(std::thread::current())),
            cores,
            steps: Vec::new(),
            pace: Pace::new(),
        };
        // Stops the reader when judging stops early (a closed output, or a panic).
        let close = CloseOnDrop(backlog);
        let judged = judge.run(&events);
        drop(close);
        drop(events);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits, a few seconds at most, until the reading thread waits for room in `backlog`.
    fn until_the_reader_waits(backlog: &Backlog) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while backlog.state.lock().unwrap().waiting_for.is_none() {
            assert!(Instant::now() < deadline, "the reader never waited for room");
            std::thread::yield_now();
        }
    }

    /// Starts a reading thread that reserves `bytes` in `backlog`; it tells whether it may go on.
    fn reader_reserving<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        backlog: &'scope Backlog,
        bytes: usize,
    ) -> mpsc::Receiver<bool> {
        let (resumed, told) = mpsc::channel();
        scope.spawn(move || {
            let reserved = backlog.reserve(bytes);
            resumed.send(reserved).unwrap();
        });
        told
    }

    #[test]
    fn the_last_piece_on_the_cores_wakes_the_judging_thread() {
        let (woke, told) = mpsc::channel();
        let waiting = std::thread::spawn(move || {
            // Parks until unparked (or a minute passes), and says so.
            woke.send(()).unwrap();
            std::thread::park_timeout(Duration::from_mins(1));
            woke.send(()).unwrap();
        });
        let on_cores = OnCores::new(waiting.thread().clone());
        on_cores.sent();
        on_cores.sent();
        told.recv().unwrap();
        on_cores.done();
        assert_eq!(on_cores.pieces.load(Ordering::Relaxed), 1);
        // A piece is still on the cores: nothing wakes the judging thread.
        let early = told.recv_timeout(Duration::from_millis(300));
        assert_eq!(early, Err(mpsc::RecvTimeoutError::Timeout));
        on_cores.done();
        assert_eq!(on_cores.pieces.load(Ordering::Relaxed), 0);
        assert_eq!(told.recv_timeout(Duration::from_secs(30)), Ok(()));
        waiting.join().unwrap();
    }

    #[test]
    fn a_full_backlog_lets_the_reader_go_on_once_what_it_read_fits_in_half_of_it() {
        let backlog = Backlog::default();
        assert!(backlog.reserve(BYTES_AHEAD));
        let chunk = BYTES_AHEAD / 8;
        let (early, late) = std::thread::scope(|scope| {
            let told = reader_reserving(scope, &backlog, chunk);
            // Lets the reader go, whatever happens, before the scope waits for it.
            let _close = CloseOnDrop(&backlog);
            until_the_reader_waits(&backlog);
            // Half free is not enough for a chunk on top: the reader would be woken for every
            // read, and would fill the backlog again at once.
            backlog.free(BYTES_AHEAD / 2);
            let early = told.recv_timeout(Duration::from_millis(100));
            backlog.free(chunk);
            let late = told.recv_timeout(Duration::from_secs(10));
            (early, late)
        });
        assert!(early.is_err(), "the reader went on with room for its chunk within the bound only");
        assert_eq!(late, Ok(true));
        let state = backlog.state.lock().unwrap();
        assert_eq!((state.held, state.waiting_for), (BYTES_AHEAD / 2, None));
    }

    #[test]
    fn a_chunk_larger_than_half_the_backlog_waits_for_it_to_be_empty() {
        let backlog = Backlog::default();
        assert!(backlog.reserve(1));
        let (early, late) = std::thread::scope(|scope| {
            let told = reader_reserving(scope, &backlog, BYTES_AHEAD);
            let _close = CloseOnDrop(&backlog);
            until_the_reader_waits(&backlog);
            let early = told.recv_timeout(Duration::from_millis(100));
            backlog.free(1);
            (early, told.recv_timeout(Duration::from_secs(10)))
        });
        assert!(early.is_err(), "the reader went on past the bound");
        assert_eq!(late, Ok(true));
    }

    #[test]
    fn closing_the_backlog_lets_a_waiting_reader_go_and_stops_it() {
        let backlog = Backlog::default();
        assert!(backlog.reserve(BYTES_AHEAD));
        let stopped = std::thread::scope(|scope| {
            let told = reader_reserving(scope, &backlog, BYTES_AHEAD);
            let close = CloseOnDrop(&backlog);
            until_the_reader_waits(&backlog);
            drop(close);
            told.recv_timeout(Duration::from_secs(10))
        });
        assert_eq!(stopped, Ok(false));
        assert!(!backlog.reserve(1));
    }

    #[test]
    fn the_judging_side_looks_again_when_the_cores_have_judged_about_half_of_what_they_have() {
        let mut pace = Pace::new();
        // Nothing measured yet: look again soon.
        assert_eq!(pace.pause(4096), LOOK_AGAIN_SOON);
        // 100 payloads judged in (at least) 10 ms: each took a hundredth of that, smoothed with
        // nothing to half; two of them (half of 4) take a hundredth.
        let started = Instant::now().checked_sub(Duration::from_millis(10)).unwrap();
        pace.since = started;
        pace.judged = 100;
        let pause = pace.pause(4);
        let elapsed = started.elapsed();
        assert!(pause >= Duration::from_micros(100) && pause <= elapsed / 100, "{pause:?} after {elapsed:?}");
        assert_eq!(pace.judged, 0);
        pace.per_payload = Duration::from_micros(1);
        assert_eq!(pace.pause(1000), Duration::from_micros(500));
        assert_eq!(pace.pause(1_000_000), LOOK_AGAIN_LATEST);
        assert_eq!(pace.pause(1), LOOK_AGAIN_SOON);
        // A look that finds nothing judged keeps measuring from where it started.
        let since = pace.since;
        assert_eq!(pace.pause(1000), Duration::from_micros(500));
        assert_eq!(pace.since, since);
        // Waiting for news without looking is not time spent judging.
        pace.judged = 5;
        pace.resume();
        assert_eq!((pace.judged, pace.pause(1000)), (0, Duration::from_micros(500)));
    }
}
