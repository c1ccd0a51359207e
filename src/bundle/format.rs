//! The bundle file: `{"okk_bundle":2,"created_at":..,"signer":..,"key":..,"vouches":[..]}`, then
//! `{"review":{..}}`, `{"decision":{..}}` and `{"calibration":{..}}` lines, then
//! `{"end":{"records":N,"sha256":HEX,"signature":KEY:SIG}}` over every byte before the trailer
//! line. Written and read one line at a time: a bundle is never held in memory whole.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::sign::{Keypair, PublicKey, Signature};
use super::{Record, VERSION};
use crate::text::bundle as msg;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("{}", msg::empty())]
    Empty,
    #[error("{}", msg::not_a_bundle())]
    NotABundle,
    #[error("{}", msg::unknown_version(*.0))]
    UnknownVersion(u64),
    #[error("{}", msg::truncated())]
    Truncated,
    #[error("{}", msg::checksum())]
    Checksum,
    #[error("{}", msg::bad_bundle_signature())]
    Signature,
    #[error("{}", msg::bad_line(*.line, .message))]
    BadLine { line: usize, message: String },
    /// A line longer than any record okk writes: refused once that much is read.
    #[error("{}", msg::line_too_long(*.line, LINE_CAP))]
    LineTooLong { line: usize },
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for BundleError {
    fn from(e: std::io::Error) -> Self {
        BundleError::Io(e.to_string())
    }
}

/// The first line: the format, when, and who signed the bundle (name and public key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub okk_bundle: u64,
    pub created_at: String,
    pub signer: String,
    pub key: String,
    /// Names and keys the signer trusts; taken by a store that trusts the signer as its lead.
    #[serde(default)]
    pub vouches: Vec<Vouch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vouch {
    pub name: String,
    pub key: String,
}

#[derive(Deserialize)]
struct Version {
    okk_bundle: u64,
}

#[derive(Serialize, Deserialize)]
struct End {
    records: usize,
    sha256: String,
    signature: String,
}

#[derive(Serialize, Deserialize)]
struct Trailer {
    end: End,
}

/// What the signer signs for the whole bundle.
fn bundle_message(digest: &[u8]) -> Vec<u8> {
    let mut m = b"okk bundle\n".to_vec();
    m.extend_from_slice(digest);
    m
}

/// Writes a bundle line by line, signing with `key` every record (and withdrawal) that comes
/// without a signature: those were made in this store.
pub struct Writer<'k, W: Write> {
    out: W,
    hasher: Sha256,
    records: usize,
    key: &'k Keypair,
    line: Vec<u8>,
}

impl<'k, W: Write> Writer<'k, W> {
    pub fn new(
        out: W,
        key: &'k Keypair,
        signer: &str,
        created_at: &str,
        vouches: Vec<Vouch>,
    ) -> std::io::Result<Self> {
        let mut w = Writer {
            out,
            hasher: Sha256::new(),
            records: 0,
            key,
            line: Vec::with_capacity(4096),
        };
        let header = Header {
            okk_bundle: u64::from(VERSION),
            created_at: created_at.to_string(),
            signer: signer.to_string(),
            key: key.public().to_string(),
            vouches,
        };
        w.push(&header, true)?;
        Ok(w)
    }

    fn push(&mut self, value: &impl Serialize, hashed: bool) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value)?;
        self.line.push(b'\n');
        if hashed {
            self.hasher.update(&self.line);
        }
        self.out.write_all(&self.line)
    }

    pub fn record(&mut self, mut record: Record) -> std::io::Result<()> {
        let key = self.key;
        let sign = |bytes: Vec<u8>| Some(key.sign(&bytes).to_string());
        match &mut record {
            Record::Review(r) => {
                if r.signature.is_none() {
                    r.signature = sign(r.signed_bytes());
                }
                if r.withdrawal_signature.is_none() {
                    r.withdrawal_signature = r.withdrawal_bytes().and_then(sign);
                }
                if r.judged_signature.is_none() {
                    r.judged_signature = r.judged_bytes().and_then(sign);
                }
            }
            Record::Decision(d) => {
                if d.signature.is_none() {
                    d.signature = sign(d.signed_bytes());
                }
                if d.withdrawal_signature.is_none() {
                    d.withdrawal_signature = d.withdrawal_bytes().and_then(sign);
                }
            }
            Record::Calibration(c) => {
                if c.signature.is_none() {
                    c.signature = sign(c.signed_bytes());
                }
                if c.end_signature.is_none() {
                    c.end_signature = c.end_bytes().and_then(sign);
                }
            }
        }
        self.records += 1;
        self.push(&record, true)
    }

    /// Writes the trailer; the writer and the number of records.
    pub fn finish(mut self) -> std::io::Result<(W, usize)> {
        let digest = std::mem::take(&mut self.hasher).finalize();
        let trailer = Trailer {
            end: End {
                records: self.records,
                sha256: hex::encode(digest),
                signature: self.key.sign(&bundle_message(&digest)).to_string(),
            },
        };
        self.push(&trailer, false)?;
        self.out.flush()?;
        Ok((self.out, self.records))
    }
}

/// The longest line a bundle may have, in bytes. A record okk writes is far shorter (a review's
/// card as judged is at most 64 KiB, its comment what an auditor types); what an untrusted
/// bundle costs to read is two lines of this at most, not its size (tester33 F2: a line that
/// never ended was read whole, 2 GB and more).
pub const LINE_CAP: usize = 4 << 20;

/// Line `line` of `input` into `buf` (its `\n` included), at most [`LINE_CAP`] bytes of it; the
/// bytes read, 0 at the end.
fn read_line<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
    line: usize,
) -> Result<usize, BundleError> {
    let n = std::io::Read::take(&mut *input, LINE_CAP as u64 + 1).read_until(b'\n', buf)?;
    if buf.len() > LINE_CAP {
        return Err(BundleError::LineTooLong { line });
    }
    Ok(n)
}

/// Reads lines, one behind: a line is known to be a body line (not the trailer) once the next
/// one has been read.
struct Lines<R: BufRead> {
    input: R,
    pending: Option<Vec<u8>>,
    hasher: Sha256,
    /// Number of the pending line (1-based).
    line: usize,
    records: usize,
}

enum Next {
    Body(usize, Vec<u8>),
    Trailer(Vec<u8>),
}

impl<R: BufRead> Lines<R> {
    /// Reads and hashes the header line.
    fn open(mut input: R) -> Result<(Lines<R>, Header), BundleError> {
        let mut first = Vec::new();
        if read_line(&mut input, &mut first, 1)? == 0 {
            return Err(BundleError::Empty);
        }
        let version: Version =
            serde_json::from_slice(&first).map_err(|_| BundleError::NotABundle)?;
        if version.okk_bundle != u64::from(VERSION) {
            return Err(BundleError::UnknownVersion(version.okk_bundle));
        }
        let header: Header = serde_json::from_slice(&first).map_err(|e| BundleError::BadLine {
            line: 1,
            message: e.to_string(),
        })?;
        if !first.ends_with(b"\n") {
            return Err(BundleError::Truncated);
        }
        let mut hasher = Sha256::new();
        hasher.update(&first);
        Ok((
            Lines {
                input,
                pending: None,
                hasher,
                line: 1,
                records: 0,
            },
            header,
        ))
    }

    fn next(&mut self) -> Result<Next, BundleError> {
        loop {
            let mut buf = Vec::new();
            let n = read_line(&mut self.input, &mut buf, self.line + 1)?;
            let prev = std::mem::replace(&mut self.pending, (n > 0).then_some(buf));
            match prev {
                None if n == 0 => return Err(BundleError::Truncated),
                None => self.line += 1,
                Some(last) if n == 0 => return Ok(Next::Trailer(last)),
                Some(body) => {
                    self.hasher.update(&body);
                    let at = self.line;
                    self.line += 1;
                    if body.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    self.records += 1;
                    return Ok(Next::Body(at, body));
                }
            }
        }
    }

    /// Checks the trailer against what was read: the count, the checksum, the signature by
    /// the header's key.
    fn finish(self, trailer: &[u8], header: &Header) -> Result<(), BundleError> {
        let trailer = trailer.strip_suffix(b"\n").ok_or(BundleError::Truncated)?;
        let Ok(Trailer { end }) = serde_json::from_slice::<Trailer>(trailer) else {
            return Err(BundleError::Truncated);
        };
        let digest = self.hasher.finalize();
        if hex::encode(digest) != end.sha256 {
            return Err(BundleError::Checksum);
        }
        if end.records != self.records {
            return Err(BundleError::Truncated);
        }
        let signed = Signature::parse(&end.signature)
            .filter(|s| Some(s.key) == PublicKey::parse(&header.key))
            .is_some_and(|s| s.verifies(&bundle_message(&digest)));
        if !signed {
            return Err(BundleError::Signature);
        }
        Ok(())
    }
}

fn parse_record(at: usize, line: &[u8]) -> Result<Record, BundleError> {
    serde_json::from_slice::<Record>(line).map_err(|e| {
        let message = if serde_json::from_slice::<Trailer>(line).is_ok() {
            msg::end_in_body()
        } else {
            e.to_string()
        };
        BundleError::BadLine { line: at, message }
    })
}

/// Reads a whole bundle once, keeping nothing but its header: whether it is whole, unaltered
/// and signed by the key its header names. Every record must parse.
pub fn check(input: impl BufRead) -> Result<Header, BundleError> {
    check_each(input, |_| {})
}

/// [`check`], showing each record to `seen` (what a summary lists, such as the calibrations a
/// bundle carries) without keeping them.
pub fn check_each(
    input: impl BufRead,
    mut seen: impl FnMut(&Record),
) -> Result<Header, BundleError> {
    let (mut lines, header) = Lines::open(input)?;
    loop {
        match lines.next()? {
            Next::Body(at, line) => {
                seen(&parse_record(at, &line)?);
            }
            Next::Trailer(t) => {
                lines.finish(&t, &header)?;
                return Ok(header);
            }
        }
    }
}

/// Reads a bundle's records one at a time; the trailer is checked when they end (so a file
/// changed since [`check`] read it is still caught).
pub struct Reader<R: BufRead> {
    lines: Option<Lines<R>>,
    pub header: Header,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Result<Self, BundleError> {
        let (lines, header) = Lines::open(input)?;
        Ok(Reader {
            lines: Some(lines),
            header,
        })
    }

    /// The next record and its line number; `None` at the end of a whole, unaltered bundle.
    pub fn next_record(&mut self) -> Result<Option<(usize, Record)>, BundleError> {
        let Some(lines) = self.lines.as_mut() else {
            return Ok(None);
        };
        match lines.next()? {
            Next::Body(at, line) => Ok(Some((at, parse_record(at, &line)?))),
            Next::Trailer(t) => {
                let lines = self.lines.take().expect("checked above");
                lines.finish(&t, &self.header)?;
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{CalibrationRecord, DecisionRecord, ReviewRecord};

    fn review() -> ReviewRecord {
        ReviewRecord {
            id: "r1".into(),
            card_source: "amocrm".into(),
            card_external_id: "31245817".into(),
            auditor: "anna".into(),
            stage: "Встреча проведена".into(),
            verdict: "ok".into(),
            checklist: "{}".into(),
            score: Some(75.0),
            suggested_stage: None,
            suggested_owner: None,
            corrections: "{}".into(),
            comment: "Клиент\nперезвонит".into(),
            card_hash: Some(42),
            funnel_fingerprint: Some("fp".into()),
            created_at: "2026-11-20 12:00:00".into(),
            seconds_spent: Some(3.5),
            supersedes: None,
            withdrawn_at: None,
            signature: None,
            withdrawal_signature: None,
            judged: None,
            judged_signature: None,
        }
    }

    fn sample() -> Vec<Record> {
        vec![
            Record::Review(review()),
            Record::Decision(DecisionRecord {
                id: "d1".into(),
                review_id: "r1".into(),
                lead: "olga".into(),
                decision: "return".into(),
                verdict: None,
                suggested_stage: None,
                suggested_owner: None,
                note: "проверь дату".into(),
                created_at: "2026-11-21 09:00:00".into(),
                withdrawn_at: None,
                checklist: None,
                seq: 1,
                signature: None,
                withdrawal_signature: None,
            }),
            Record::Calibration(CalibrationRecord::of(calibration(), None, None)),
        ]
    }

    fn calibration() -> crate::domain::calibration::Calibration {
        crate::domain::calibration::Calibration {
            id: "c1".into(),
            stage: "Встреча проведена".into(),
            seed: 7,
            auditors: vec!["anna".into(), "boris".into()],
            created_by: "olga".into(),
            created_at: "2026-11-20 12:00:00".into(),
            cards: vec![("amocrm".into(), "31245817".into())],
            end: None,
        }
    }

    /// A calibration's end travels beside it, signed apart: the creator's signature is the
    /// same with or without the end, and a line without the end's fields (an older okk's)
    /// reads as an open calibration.
    #[test]
    fn a_calibration_s_end_travels_signed_apart_and_a_record_without_one_reads_as_open() {
        let mut c = calibration();
        c.end = Some(crate::domain::calibration::Ended {
            at: "2026-11-21 18:00:00".into(),
            by: "olga".into(),
        });
        let bytes = write(&[
            Record::Calibration(CalibrationRecord::of(calibration(), None, None)),
            Record::Calibration(CalibrationRecord::of(c.clone(), None, None)),
        ]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(!lines[1].contains("ended"), "{}", lines[1]);
        assert!(
            lines[2].contains(r#""ended_at":"2026-11-21 18:00:00","ended_by":"olga""#),
            "{}",
            lines[2]
        );
        let back = read(&bytes).unwrap();
        let (Record::Calibration(open), Record::Calibration(ended)) = (&back[0], &back[1]) else {
            panic!("two calibrations")
        };
        assert_eq!(open.end(), Ok(None));
        assert_eq!(ended.calibration_ended(), c);
        assert_eq!(open.signature, ended.signature, "the start signed alike");
        let end = Signature::parse(ended.end_signature.as_deref().unwrap()).unwrap();
        assert!(end.verifies(&ended.end_bytes().unwrap()));
        assert!(!end.verifies(&open.signed_bytes()));
        // Half an end is none okk wrote.
        let mut half = ended.clone();
        half.ended_by = None;
        assert!(half.end().is_err());
    }

    fn write(records: &[Record]) -> Vec<u8> {
        let key = Keypair::from_seed([1; 32]);
        let mut w = Writer::new(Vec::new(), &key, "anna", "2026-11-20 12:00:00", vec![]).unwrap();
        for r in records {
            w.record(r.clone()).unwrap();
        }
        w.finish().unwrap().0
    }

    fn read(bytes: &[u8]) -> Result<Vec<Record>, BundleError> {
        check(bytes)?;
        let mut r = Reader::new(bytes)?;
        let mut out = Vec::new();
        while let Some((_, rec)) = r.next_record()? {
            out.push(rec);
        }
        Ok(out)
    }

    /// A line that never ends is refused once [`LINE_CAP`] bytes of it are read, the header's
    /// and a record's alike, whatever follows (tester33 F2): an endless reader proves it.
    #[test]
    fn a_line_longer_than_any_record_is_refused_before_it_is_read_whole() {
        use std::io::Read;
        let endless = || std::io::BufReader::new(std::io::repeat(b'a'));
        assert!(matches!(
            check(endless()),
            Err(BundleError::LineTooLong { line: 1 })
        ));
        let bytes = write(&sample());
        let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let header = bytes[..header_end].to_vec();
        let input = std::io::BufReader::new(header.as_slice().chain(std::io::repeat(0)));
        assert!(matches!(
            check(input),
            Err(BundleError::LineTooLong { line: 2 })
        ));
        // A bundle of lines below the cap reads as before.
        assert_eq!(read(&bytes).unwrap().len(), 3);
    }

    #[test]
    fn a_bundle_reads_back_as_written_every_record_signed() {
        let back = read(&write(&sample())).unwrap();
        assert_eq!(back.len(), 3);
        let Record::Review(r) = &back[0] else {
            panic!()
        };
        let sig = Signature::parse(r.signature.as_deref().unwrap()).unwrap();
        assert!(sig.verifies(&r.signed_bytes()));
        assert_eq!(
            ReviewRecord {
                signature: None,
                ..r.clone()
            },
            review()
        );
    }

    #[test]
    fn a_cut_short_or_altered_bundle_is_refused() {
        let bytes = write(&sample());
        for cut in [1, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(read(&bytes[..cut]).is_err(), "cut at {cut} accepted");
        }
        let mut altered = bytes.clone();
        let at = altered.iter().position(|&b| b == b'7').unwrap();
        altered[at] = b'8';
        assert_eq!(read(&altered), Err(BundleError::Checksum));
        // Dropping a record and recomputing the checksum: the count and signature catch it.
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let body = format!("{}\n{}\n", lines[0], lines[1]);
        let sha = hex::encode(Sha256::digest(body.as_bytes()));
        let forged = format!(
            "{body}{{\"end\":{{\"records\":1,\"sha256\":\"{sha}\",\"signature\":\"x\"}}}}\n"
        );
        assert_eq!(read(forged.as_bytes()), Err(BundleError::Signature));
    }

    /// Every review of `bytes` whose author's signature fits its content as read back.
    fn verified(bytes: &[u8]) -> Vec<ReviewRecord> {
        let back = read(bytes).expect("a whole bundle");
        back.into_iter()
            .map(|r| {
                let Record::Review(r) = r else {
                    panic!("only reviews here")
                };
                let sig = Signature::parse(r.signature.as_deref().unwrap()).unwrap();
                assert!(
                    sig.verifies(&r.signed_bytes()),
                    "seconds_spent {:?}, score {:?}: the signature no longer fits",
                    r.seconds_spent,
                    r.score
                );
                r
            })
            .collect()
    }

    #[test]
    fn a_time_spent_of_seventeen_digits_reads_back_exactly_and_its_signature_fits() {
        // A laptop's clock gave this; it was parsed to a neighbouring double, the record
        // re-serialised differently and its genuine signature called an edit.
        let mut r = review();
        r.seconds_spent = Some(3.4816269699999998);
        r.score = Some(66.66666666666667);
        let back = verified(&write(&[Record::Review(r.clone())]));
        assert_eq!(
            back[0].seconds_spent.map(f64::to_bits),
            Some(3.4816269699999998f64.to_bits())
        );
        assert_eq!(
            back[0].score.map(f64::to_bits),
            Some(66.66666666666667f64.to_bits())
        );
    }

    #[test]
    fn any_number_a_record_carries_reads_back_bit_for_bit_and_its_signature_fits() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261205);
        let mut numbers = Vec::new();
        while numbers.len() < 4000 {
            // Half of them like a clock's seconds, half any finite double at all (subnormal,
            // huge, negative).
            let x = if numbers.len() % 2 == 0 {
                rng.random::<f64>() * 10f64.powi(rng.random_range(-3..6))
            } else {
                f64::from_bits(rng.random::<u64>())
            };
            if x.is_finite() {
                numbers.push(x);
            }
        }
        let records: Vec<Record> = numbers
            .chunks(2)
            .enumerate()
            .map(|(i, pair)| {
                let mut r = review();
                r.id = format!("r{i}");
                r.seconds_spent = Some(pair[0]);
                r.score = Some(pair[1]);
                Record::Review(r)
            })
            .collect();
        let back = verified(&write(&records));
        let read: Vec<u64> = back
            .iter()
            .flat_map(|r| [r.seconds_spent.unwrap(), r.score.unwrap()])
            .map(f64::to_bits)
            .collect();
        let written: Vec<u64> = numbers.iter().map(|x| x.to_bits()).collect();
        assert_eq!(read, written);
    }

    #[test]
    fn an_unknown_version_or_another_file_is_refused() {
        let text = String::from_utf8(write(&sample())).unwrap();
        let v9 = text.replacen("\"okk_bundle\":2", "\"okk_bundle\":9", 1);
        assert_eq!(read(v9.as_bytes()), Err(BundleError::UnknownVersion(9)));
        assert_eq!(read(b"id,stage\n1,x\n2,y\n"), Err(BundleError::NotABundle));
        assert_eq!(read(b""), Err(BundleError::Empty));
    }
}
