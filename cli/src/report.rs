//! The output formats: `human`, `json`, `github` and `junit`. Each payload's outcome is rendered
//! to bytes where it was judged (on any core); the bytes are then written in input order.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use fingerprint_webhook::{Contract, Keyword, Options, Positions, Violations};

use crate::input::{Chunk, Content, Framing, InputError, Payload};

/// The keyword of a payload over the size limit: the project's own name, as for invalid JSON.
pub(crate) const PAYLOAD_TOO_LARGE: &str = "payloadTooLarge";

/// The hint for JSON text that holds several payloads one per line, read as one payload.
pub(crate) const NDJSON_HINT: &str = "this looks like several payloads, one per line (NDJSON): pass --ndjson, or name the file .ndjson or .jsonl";

/// One violation, located in the input.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) pointer: String,
    pub(crate) keyword: &'static str,
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// The verdict on one payload.
#[derive(Debug, Clone)]
pub(crate) struct Outcome<'a> {
    /// Where the payload came from: a path, `path:line`, or `-`.
    pub(crate) source: &'a str,
    /// The contract the payload was judged under: `None` for a payload too large to be read
    /// under `--contract auto`, whose shape was never seen.
    pub(crate) contract: Option<&'static str>,
    /// The file, for reports that point into it (`None` for standard input).
    pub(crate) file: Option<&'a str>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) hint: Option<&'static str>,
    pub(crate) truncated: bool,
    pub(crate) valid: bool,
}

impl<'a> Outcome<'a> {
    /// The outcome of judging `payload`, one of `chunk`'s, named `source`, under `forced`, or
    /// when `None` under the contract its shape names, with `options`.
    pub(crate) fn of(
        chunk: &'a Chunk,
        payload: &Payload,
        source: &'a str,
        forced: Option<&'static Contract>,
        options: Options,
    ) -> Outcome<'a> {
        let origin = &chunk.origin;
        let mut outcome = Outcome {
            source,
            contract: forced.map(Contract::name),
            file: origin.is_file.then_some(origin.name.as_str()),
            findings: Vec::new(),
            hint: None,
            truncated: false,
            valid: true,
        };
        let bytes = match &payload.content {
            Content::TooLarge { limit } => {
                outcome.valid = false;
                outcome.findings.push(Finding {
                    pointer: String::new(),
                    keyword: PAYLOAD_TOO_LARGE,
                    message: format!(
                        "the payload is larger than {limit} bytes, the limit of --max-payload-bytes; it was not read"
                    ),
                    line: payload.line,
                    column: 1,
                });
                return outcome;
            }
            Content::Bytes(_) => chunk.bytes(payload).unwrap_or_default(),
        };
        let contract = forced.unwrap_or_else(|| Contract::detect(bytes));
        outcome.contract = Some(contract.name());
        let Err(violations) = contract.validate(bytes, options) else { return outcome };
        outcome.valid = false;
        outcome.truncated = violations.is_truncated();
        if origin.framing == Framing::Whole && looks_like_ndjson(bytes, &violations) {
            outcome.hint = Some(NDJSON_HINT);
        }
        // Violations come in document order, so one pass over the bytes locates them all.
        let mut positions = Positions::new(bytes);
        outcome.findings = violations
            .into_vec()
            .into_iter()
            .map(|violation| {
                let (line, column) = positions.locate(violation.offset());
                let keyword = violation.keyword().as_str();
                let (pointer, message) = violation.into_pointer_and_message();
                Finding { pointer, keyword, message, line: payload.line + line - 1, column }
            })
            .collect();
        outcome
    }
}

/// Whether invalid JSON text is a second value after a first one, on a later line: NDJSON read
/// as one payload.
fn looks_like_ndjson(bytes: &[u8], violations: &Violations) -> bool {
    let [violation] = violations.iter().as_slice() else { return false };
    if violation.keyword() != Keyword::InvalidJson {
        return false;
    }
    let (before, after) = bytes.split_at(violation.offset().min(bytes.len()));
    let gap = before.len() - before.trim_ascii_end().len();
    matches!(after.first(), Some(b'{' | b'['))
        && before[before.len() - gap..].contains(&b'\n')
        && before.trim_ascii_end().ends_with(b"}")
}

/// How many payloads were valid and invalid, and how many inputs could not be read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Summary {
    pub(crate) valid: usize,
    pub(crate) invalid: usize,
    pub(crate) input_errors: usize,
}

impl Summary {
    fn line(self) -> String {
        let total = self.valid + self.invalid;
        let mut line = format!(
            "{total} payload{}: {} valid, {} invalid",
            if total == 1 { "" } else { "s" },
            self.valid,
            self.invalid
        );
        if self.input_errors > 0 {
            let _ = write!(
                line,
                "; {} input{} could not be read",
                self.input_errors,
                if self.input_errors == 1 { "" } else { "s" }
            );
        }
        line
    }
}

/// Text from the input made safe for a terminal or a log: every control character (C0, DEL,
/// C1), line or paragraph separator and bidirectional override is written as `\u{…}`, so that
/// a key or a file name can neither forge a line of output nor send escape sequences.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) || !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if unsafe_char(ch) {
            let _ = write!(shown, "\\u{{{:x}}}", u32::from(ch));
        } else {
            shown.push(ch);
        }
    }
    Cow::Owned(shown)
}

/// Whether a character must not reach a terminal raw: control characters (C0, DEL, C1), line
/// and paragraph separators, and the marks and overrides of bidirectional text.
fn unsafe_char(ch: char) -> bool {
    ch.is_control()
        || matches!(ch, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || ('\u{202A}'..='\u{202E}').contains(&ch)
        || ('\u{2066}'..='\u{2069}').contains(&ch)
}

/// Whether `text` is printable ASCII only, as most text is: a loop without an early exit, which
/// checks many bytes at a time.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().fold(true, |all, byte| all & (0x20..0x7F).contains(&byte))
}

fn shown_pointer(pointer: &str) -> Cow<'_, str> {
    if pointer.is_empty() { Cow::Borrowed("(payload)") } else { printable(pointer) }
}

/// An output format, and how it renders one outcome.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    /// For people: grouped by source, with line:column, and a closing summary.
    Human {
        /// ANSI colours (on a terminal, without `NO_COLOR`).
        colour: bool,
    },
    /// For machines: one JSON object per payload per line.
    Json,
    /// GitHub Actions workflow commands: each violation an annotation on its file and line.
    Github,
    /// JUnit XML for GitLab and Jenkins: one testcase per payload, a failure per invalid one.
    Junit,
}

impl Style {
    /// Appends the rendering of `outcome` to `text`.
    pub(crate) fn render(self, outcome: &Outcome<'_>, text: &mut String) {
        // About what a violation takes in any format, so that the text grows once or not at all.
        text.reserve(128 + 192 * outcome.findings.len());
        match self {
            Style::Human { colour } => human(outcome, colour, text),
            Style::Json => json(outcome, text),
            Style::Github => github(outcome, text),
            Style::Junit => junit(outcome, text),
        }
    }
}

/// Writes `text` into `out`, in the colour of the ANSI SGR `code` when `colour`.
fn paint(colour: bool, code: &str, text: impl std::fmt::Display, out: &mut String) {
    let _ = if colour { write!(out, "\x1b[{code}m{text}\x1b[0m") } else { write!(out, "{text}") };
}

fn human(outcome: &Outcome<'_>, colour: bool, out: &mut String) {
    out.push_str(&printable(outcome.source));
    out.push_str(": ");
    if outcome.valid {
        paint(colour, "32", "valid", out);
        if let Some(contract) = outcome.contract {
            out.push_str(" (");
            out.push_str(contract);
            out.push(')');
        }
        out.push('\n');
        return;
    }
    let count = outcome.findings.len();
    paint(colour, "1;31", "invalid", out);
    let plural = if count == 1 { "" } else { "s" };
    match outcome.contract {
        Some(contract) => {
            let _ = writeln!(out, " ({count} violation{plural} of {contract})");
        }
        None => {
            let _ = writeln!(out, " ({count} violation{plural})");
        }
    }
    if let Some(hint) = outcome.hint {
        out.push_str("  ");
        paint(colour, "33", "hint:", out);
        let _ = writeln!(out, " {hint}");
    }
    for finding in &outcome.findings {
        let _ = write!(out, "  {}:{}  ", finding.line, finding.column);
        paint(colour, "1", shown_pointer(&finding.pointer), out);
        let _ = write!(out, "  {}  ", printable(&finding.message));
        paint(colour, "2", format_args!("[{}]", finding.keyword), out);
        out.push('\n');
    }
    if outcome.truncated {
        let _ = writeln!(out, "  … stopped after {count} violations; the payload has more");
    }
}

/// Appends `text` as a JSON string. Besides what JSON requires, every character that must not
/// reach a terminal raw is written as a `\u` escape, which denotes the same string: JSON output
/// piped to a terminal or a log is as safe as the human format.
fn json_string(text: &str, out: &mut String) {
    out.push('"');
    if is_printable_ascii(text) && !text.contains(['"', '\\']) {
        out.push_str(text);
    } else {
        for ch in text.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                ch if unsafe_char(ch) => {
                    // Every such character is in the Basic Multilingual Plane: four digits.
                    let _ = write!(out, "\\u{:04x}", u32::from(ch));
                }
                ch => out.push(ch),
            }
        }
    }
    out.push('"');
}

fn json(outcome: &Outcome<'_>, out: &mut String) {
    out.push_str("{\"source\":");
    json_string(outcome.source, out);
    if let Some(contract) = outcome.contract {
        let _ = write!(out, ",\"contract\":\"{contract}\"");
    }
    let _ = write!(out, ",\"valid\":{},\"errors\":[", outcome.valid);
    for (index, finding) in outcome.findings.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"pointer\":");
        json_string(&finding.pointer, out);
        let _ = write!(out, ",\"keyword\":\"{}\",\"message\":", finding.keyword);
        json_string(&finding.message, out);
        let _ = write!(out, ",\"line\":{},\"column\":{}}}", finding.line, finding.column);
    }
    out.push(']');
    if let Some(hint) = outcome.hint {
        out.push_str(",\"hint\":");
        json_string(hint, out);
    }
    if outcome.truncated {
        out.push_str(",\"truncated\":true");
    }
    out.push_str("}\n");
}

/// Appends `text` to a workflow command: `%` escaped as the command syntax asks, characters
/// that must not reach a log raw (line breaks included) shown as `\u{…}`, and in a property
/// value also `:` and `,`.
fn github_escaped(text: &str, property: bool, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '%' => out.push_str("%25"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            ch if unsafe_char(ch) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
}

fn github_location(outcome: &Outcome<'_>, line: usize, column: usize, out: &mut String) {
    if let Some(file) = outcome.file {
        out.push_str("file=");
        github_escaped(file, true, out);
        let _ = write!(out, ",line={line},col={column},");
    }
}

fn github(outcome: &Outcome<'_>, out: &mut String) {
    if let (Some(hint), Some(first)) = (outcome.hint, outcome.findings.first()) {
        // Once per payload, not on every annotation.
        out.push_str("::notice ");
        github_location(outcome, first.line, first.column, out);
        out.push_str("title=fpwebhook hint::");
        github_escaped(outcome.source, false, out);
        out.push(' ');
        github_escaped(hint, false, out);
        out.push('\n');
    }
    for finding in &outcome.findings {
        out.push_str("::error ");
        github_location(outcome, finding.line, finding.column, out);
        match outcome.contract {
            Some(contract) => {
                let _ = write!(out, "title=fpwebhook {contract} {}::", finding.keyword);
            }
            None => {
                let _ = write!(out, "title=fpwebhook {}::", finding.keyword);
            }
        }
        github_escaped(outcome.source, false, out);
        out.push(' ');
        github_escaped(if finding.pointer.is_empty() { "(payload)" } else { &finding.pointer }, false, out);
        out.push_str(": ");
        github_escaped(&finding.message, false, out);
        out.push('\n');
    }
}

/// Escapes text for XML 1.0 content and attributes. Tab and line breaks become character
/// references (an attribute would otherwise read them as spaces); characters XML 1.0 cannot
/// hold at all (other control characters, U+FFFE, U+FFFF) are shown as `\u{…}`.
fn escape_xml(text: &str) -> Cow<'_, str> {
    if is_printable_ascii(text) && !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(ch));
            }
            ch => escaped.push(ch),
        }
    }
    Cow::Owned(escaped)
}

fn junit(outcome: &Outcome<'_>, out: &mut String) {
    // The class names the contract (`fpwebhook.event`), which test report pages group by.
    out.push_str("    <testcase classname=\"fpwebhook");
    if let Some(contract) = outcome.contract {
        out.push('.');
        out.push_str(contract);
    }
    let _ = write!(out, "\" name=\"{}\"", escape_xml(outcome.source));
    if outcome.valid {
        out.push_str("/>\n");
        return;
    }
    let count = outcome.findings.len();
    let plural = if count == 1 { "" } else { "s" };
    let _ = write!(out, ">\n      <failure type=\"contract\" message=\"{count} violation{plural}");
    if let Some(contract) = outcome.contract {
        let _ = write!(out, " of the {contract} contract");
    }
    out.push_str("\">");
    if let Some(hint) = outcome.hint {
        let _ = writeln!(out, "hint: {}", escape_xml(hint));
    }
    for finding in &outcome.findings {
        let pointer = if finding.pointer.is_empty() { "(payload)" } else { &finding.pointer };
        // Each character is escaped on its own, so the parts are escaped apart; a keyword is a
        // name of ASCII letters, which needs none.
        let _ = writeln!(
            out,
            "{}:{}: {}: {} [{}]",
            finding.line,
            finding.column,
            escape_xml(pointer),
            escape_xml(&finding.message),
            finding.keyword
        );
    }
    out.push_str("</failure>\n    </testcase>\n");
}

/// The report being written: rendered outcomes in input order, input errors, and the closing
/// summary. JUnit's testcases go to a temporary file as they come, so memory stays flat; the
/// counts its header needs are known at the end.
pub(crate) struct Report<W: Write> {
    style: Style,
    out: W,
    junit_cases: Option<BufWriter<File>>,
}

impl<W: Write> Report<W> {
    pub(crate) fn new(style: Style, out: W) -> io::Result<Self> {
        let junit_cases = match style {
            Style::Junit => {
                let file = tempfile::tempfile().map_err(|error| {
                    let folder = std::env::temp_dir();
                    let message = format!(
                        "cannot create the JUnit report's temporary file in {} (TMPDIR): {error}",
                        folder.display()
                    );
                    io::Error::new(error.kind(), message)
                })?;
                Some(BufWriter::new(file))
            }
            _ => None,
        };
        Ok(Report { style, out, junit_cases })
    }

    /// Writes one rendered outcome.
    pub(crate) fn write(&mut self, rendered: &str) -> io::Result<()> {
        let rendered = rendered.as_bytes();
        match &mut self.junit_cases {
            Some(cases) => cases.write_all(rendered),
            None => self.out.write_all(rendered),
        }
    }

    /// Sends what was written so far on its way (JUnit's report is whole only at the end).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self.junit_cases {
            Some(_) => Ok(()),
            None => self.out.flush(),
        }
    }

    /// Records an input that could not be read (JUnit lists it as an error; the other formats
    /// leave it to standard error).
    pub(crate) fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        let Some(cases) = &mut self.junit_cases else { return Ok(()) };
        let name = escape_xml(&error.path);
        writeln!(cases, "    <testcase classname=\"fpwebhook\" name=\"{name}\">")?;
        writeln!(
            cases,
            "      <error type=\"input\" message=\"{}\"/>\n    </testcase>",
            escape_xml(&format!("{}: {}", error.path, error.error))
        )
    }

    /// Closes the report.
    pub(crate) fn finish(&mut self, summary: Summary) -> io::Result<()> {
        match self.style {
            Style::Human { .. } | Style::Github => writeln!(self.out, "{}", summary.line())?,
            Style::Json => {}
            Style::Junit => self.finish_junit(summary)?,
        }
        self.out.flush()
    }

    fn finish_junit(&mut self, summary: Summary) -> io::Result<()> {
        let Some(cases) = &mut self.junit_cases else { return Ok(()) };
        let errors = summary.input_errors;
        let tests = summary.valid + summary.invalid + errors;
        let failures = summary.invalid;
        let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(self.out, "<testsuites name=\"fpwebhook\" {counts}>")?;
        writeln!(self.out, "  <testsuite name=\"fpwebhook validate\" {counts}>")?;
        cases.flush()?;
        let mut file = cases.get_ref().try_clone()?;
        file.rewind()?;
        io::copy(&mut file, &mut self.out)?;
        writeln!(self.out, "  </testsuite>\n</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::{Finding, Outcome, Style, escape_xml, json_string, printable};

    /// An invalid payload's outcome with one violation at `/url`.
    fn one_violation() -> Outcome<'static> {
        Outcome {
            source: "a.json",
            contract: Some("event"),
            file: Some("a.json"),
            findings: vec![Finding {
                pointer: "/url".to_owned(),
                keyword: "type",
                message: "expected string, found number".to_owned(),
                line: 3,
                column: 10,
            }],
            hint: None,
            truncated: false,
            valid: false,
        }
    }

    #[test]
    fn junit_escapes_each_part_of_a_failure() {
        let mut outcome = one_violation();
        outcome.source = "a<&>.json";
        outcome.findings[0].pointer = "/k\"'\n".to_owned();
        outcome.findings[0].message = "found <&>\u{1}".to_owned();
        let mut out = String::new();
        Style::Junit.render(&outcome, &mut out);
        assert_eq!(
            out,
            "    <testcase classname=\"fpwebhook.event\" name=\"a&lt;&amp;&gt;.json\">\n      \
             <failure type=\"contract\" message=\"1 violation of the event contract\">\
             3:10: /k&quot;&apos;&#10;: found &lt;&amp;&gt;\\u{1} [type]\n</failure>\n    </testcase>\n"
        );
        outcome.contract = None;
        outcome.findings.clear();
        outcome.valid = true;
        out.clear();
        Style::Junit.render(&outcome, &mut out);
        assert_eq!(out, "    <testcase classname=\"fpwebhook\" name=\"a&lt;&amp;&gt;.json\"/>\n");
    }

    #[test]
    fn human_output_paints_only_on_a_terminal() {
        let mut plain = String::new();
        Style::Human { colour: false }.render(&one_violation(), &mut plain);
        assert_eq!(
            plain,
            "a.json: invalid (1 violation of event)\n  3:10  /url  expected string, found number  [type]\n"
        );
        let mut painted = String::new();
        Style::Human { colour: true }.render(&one_violation(), &mut painted);
        assert_eq!(
            painted,
            "a.json: \x1b[1;31minvalid\x1b[0m (1 violation of event)\n  3:10  \x1b[1m/url\x1b[0m  expected string, found number  \x1b[2m[type]\x1b[0m\n"
        );
    }

    #[test]
    fn json_strings_escape_what_a_terminal_must_not_see_and_mean_the_same() {
        let text = "a\"b\\c\n\u{7f}\u{9b}\u{202e}\u{2028}é🦀\u{1}";
        let mut out = String::new();
        json_string(text, &mut out);
        assert_eq!(out, r#""a\"b\\c\n\u007f\u009b\u202e\u2028é🦀\u0001""#);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn control_characters_and_bidirectional_overrides_are_shown_not_sent() {
        assert_eq!(
            printable("/a\n./other.json: valid\n\u{1b}[2J"),
            "/a\\u{a}./other.json: valid\\u{a}\\u{1b}[2J"
        );
        assert_eq!(printable("/r\u{202e}txt.json\u{85}\u{2028}"), "/r\\u{202e}txt.json\\u{85}\\u{2028}");
        assert_eq!(printable("/ok/é/🦀"), "/ok/é/🦀");
    }

    #[test]
    fn xml_gets_no_character_it_cannot_hold() {
        let escaped = escape_xml("a\u{FFFE}b\u{FFFF}c\u{0}d\u{1b}e\t\n<&>\"'");
        assert_eq!(escaped, "a\\u{fffe}b\\u{ffff}c\\u{0}d\\u{1b}e&#9;&#10;&lt;&amp;&gt;&quot;&apos;");
    }
}
