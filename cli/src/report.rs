//! The output formats: `human`, `json`, `github` and `junit`, each fed one outcome per payload,
//! in input order.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use fingerprint_webhook::{Violations, line_column};

use crate::input::Payload;

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
pub(crate) struct Outcome {
    pub(crate) source: String,
    pub(crate) file: Option<String>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) hint: Option<&'static str>,
    pub(crate) truncated: bool,
    pub(crate) valid: bool,
}

impl Outcome {
    /// The outcome of validating `payload`.
    pub(crate) fn of(payload: &Payload, result: Result<(), Violations>) -> Outcome {
        let Err(violations) = result else {
            return Outcome {
                source: payload.source.clone(),
                file: payload.file.clone(),
                findings: Vec::new(),
                hint: None,
                truncated: false,
                valid: true,
            };
        };
        let findings = violations
            .iter()
            .map(|violation| {
                let (line, column) = line_column(&payload.bytes, violation.offset);
                Finding {
                    pointer: violation.pointer.clone(),
                    keyword: violation.keyword.as_str(),
                    message: violation.message.clone(),
                    line: payload.first_line + line - 1,
                    column,
                }
            })
            .collect();
        Outcome {
            source: payload.source.clone(),
            file: payload.file.clone(),
            findings,
            hint: violations.hint(),
            truncated: violations.is_truncated(),
            valid: false,
        }
    }
}

/// How many payloads were valid and invalid.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Summary {
    pub(crate) valid: usize,
    pub(crate) invalid: usize,
}

impl Summary {
    pub(crate) fn count(&mut self, outcome: &Outcome) {
        if outcome.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
    }

    fn line(self) -> String {
        let total = self.valid + self.invalid;
        format!(
            "{total} payload{}: {} valid, {} invalid",
            if total == 1 { "" } else { "s" },
            self.valid,
            self.invalid
        )
    }
}

/// An output format.
pub(crate) trait Reporter {
    /// Reports one payload.
    fn report(&mut self, outcome: &Outcome) -> io::Result<()>;
    /// Closes the report.
    fn finish(&mut self, summary: Summary) -> io::Result<()>;
}

/// For people: grouped by source, with line:column, and a closing summary.
pub(crate) struct Human<W: Write> {
    pub(crate) out: W,
    pub(crate) colour: bool,
}

impl<W: Write> Human<W> {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
}

impl<W: Write> Reporter for Human<W> {
    fn report(&mut self, outcome: &Outcome) -> io::Result<()> {
        if outcome.valid {
            let verdict = self.paint("32", "valid");
            return writeln!(self.out, "{}: {verdict}", outcome.source);
        }
        let count = outcome.findings.len();
        let verdict = self.paint("1;31", "invalid");
        writeln!(
            self.out,
            "{}: {verdict} ({count} violation{})",
            outcome.source,
            if count == 1 { "" } else { "s" }
        )?;
        if let Some(hint) = outcome.hint {
            writeln!(self.out, "  {} {hint}", self.paint("33", "hint:"))?;
        }
        for finding in &outcome.findings {
            let pointer = if finding.pointer.is_empty() { "(payload)" } else { &finding.pointer };
            let keyword = self.paint("2", &format!("[{}]", finding.keyword));
            writeln!(
                self.out,
                "  {}:{}  {}  {}  {keyword}",
                finding.line,
                finding.column,
                self.paint("1", pointer),
                finding.message
            )?;
        }
        if outcome.truncated {
            writeln!(self.out, "  … stopped after {count} violations; the payload has more")?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: Summary) -> io::Result<()> {
        writeln!(self.out, "{}", summary.line())?;
        self.out.flush()
    }
}

/// For machines: one JSON object per payload per line.
pub(crate) struct Json<W: Write> {
    pub(crate) out: W,
}

impl<W: Write> Reporter for Json<W> {
    fn report(&mut self, outcome: &Outcome) -> io::Result<()> {
        let errors: Vec<serde_json::Value> = outcome
            .findings
            .iter()
            .map(|finding| {
                serde_json::json!({
                    "pointer": finding.pointer,
                    "keyword": finding.keyword,
                    "message": finding.message,
                    "line": finding.line,
                    "column": finding.column,
                })
            })
            .collect();
        let mut object =
            serde_json::json!({"source": outcome.source, "valid": outcome.valid, "errors": errors});
        if let Some(hint) = outcome.hint {
            object["hint"] = serde_json::json!(hint);
        }
        if outcome.truncated {
            object["truncated"] = serde_json::json!(true);
        }
        serde_json::to_writer(&mut self.out, &object)?;
        writeln!(self.out)
    }

    fn finish(&mut self, _: Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// GitHub Actions workflow commands: each violation becomes an annotation on its file and line.
pub(crate) struct Github<W: Write> {
    pub(crate) out: W,
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for Github<W> {
    fn report(&mut self, outcome: &Outcome) -> io::Result<()> {
        for finding in &outcome.findings {
            let location = match &outcome.file {
                Some(file) => {
                    format!("file={},line={},col={},", escape_property(file), finding.line, finding.column)
                }
                None => String::new(),
            };
            let pointer = if finding.pointer.is_empty() { "(payload)" } else { &finding.pointer };
            let mut message = format!("{pointer}: {}", finding.message);
            if let Some(hint) = outcome.hint {
                message = format!("{message} (hint: {hint})");
            }
            writeln!(
                self.out,
                "::error {location}title={}::{}",
                escape_property(&format!("fpwebhook {}", finding.keyword)),
                escape_data(&format!("{} {message}", outcome.source))
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: Summary) -> io::Result<()> {
        writeln!(self.out, "{}", summary.line())?;
        self.out.flush()
    }
}

/// JUnit XML for GitLab and Jenkins: one testcase per payload, a failure per invalid one. The
/// testcases go to a temporary file as they come, so memory stays flat; the counts the header
/// needs are known at the end.
pub(crate) struct Junit<W: Write> {
    pub(crate) out: W,
    pub(crate) cases: BufWriter<File>,
}

fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 cannot hold other control characters at all.
            ch if ch.is_control() && !matches!(ch, '\n' | '\t' | '\r') => escaped.push('\u{FFFD}'),
            ch => escaped.push(ch),
        }
    }
    escaped
}

impl<W: Write> Junit<W> {
    pub(crate) fn new(out: W) -> io::Result<Self> {
        Ok(Junit { out, cases: BufWriter::new(tempfile::tempfile()?) })
    }
}

impl<W: Write> Reporter for Junit<W> {
    fn report(&mut self, outcome: &Outcome) -> io::Result<()> {
        let name = escape_xml(&outcome.source);
        if outcome.valid {
            return writeln!(self.cases, "    <testcase classname=\"fpwebhook\" name=\"{name}\"/>");
        }
        let count = outcome.findings.len();
        writeln!(self.cases, "    <testcase classname=\"fpwebhook\" name=\"{name}\">")?;
        write!(
            self.cases,
            "      <failure type=\"contract\" message=\"{count} violation{} of the identification webhook contract\">",
            if count == 1 { "" } else { "s" }
        )?;
        if let Some(hint) = outcome.hint {
            writeln!(self.cases, "hint: {}", escape_xml(hint))?;
        }
        for finding in &outcome.findings {
            let pointer = if finding.pointer.is_empty() { "(payload)" } else { &finding.pointer };
            let line = format!(
                "{}:{}: {pointer}: {} [{}]",
                finding.line, finding.column, finding.message, finding.keyword
            );
            writeln!(self.cases, "{}", escape_xml(&line))?;
        }
        writeln!(self.cases, "</failure>\n    </testcase>")
    }

    fn finish(&mut self, summary: Summary) -> io::Result<()> {
        let tests = summary.valid + summary.invalid;
        let failures = summary.invalid;
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(self.out, "<testsuites name=\"fpwebhook\" tests=\"{tests}\" failures=\"{failures}\">")?;
        writeln!(
            self.out,
            "  <testsuite name=\"fpwebhook validate\" tests=\"{tests}\" failures=\"{failures}\">"
        )?;
        let mut cases = self.cases.get_ref().try_clone()?;
        self.cases.flush()?;
        cases.rewind()?;
        io::copy(&mut cases, &mut self.out)?;
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}
