//! The bundle file: `{"okk_bundle":1,"created_at":..}`, then `{"review":{..}}` and
//! `{"decision":{..}}` lines, then `{"end":{"records":N,"sha256":HEX}}` over every byte before
//! the trailer line.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Bundle, DecisionRecord, ReviewRecord, VERSION};
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
    #[error("{}", msg::bad_line(*.line, .message))]
    BadLine { line: usize, message: String },
}

#[derive(Serialize, Deserialize)]
struct Header {
    okk_bundle: u64,
    created_at: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Review(ReviewRecord),
    Decision(DecisionRecord),
    Calibration(crate::store::calibration::Calibration),
    End { records: usize, sha256: String },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn push_json(out: &mut Vec<u8>, value: &impl Serialize) {
    serde_json::to_writer(&mut *out, value).expect("bundle records serialise");
    out.push(b'\n');
}

pub fn write(bundle: &Bundle) -> Vec<u8> {
    let mut out = Vec::new();
    push_json(
        &mut out,
        &Header {
            okk_bundle: u64::from(VERSION),
            created_at: bundle.created_at.clone(),
        },
    );
    for r in &bundle.reviews {
        push_json(&mut out, &Line::Review(r.clone()));
    }
    for d in &bundle.decisions {
        push_json(&mut out, &Line::Decision(d.clone()));
    }
    for c in &bundle.calibrations {
        push_json(&mut out, &Line::Calibration(c.clone()));
    }
    let end = Line::End {
        records: bundle.reviews.len() + bundle.decisions.len() + bundle.calibrations.len(),
        sha256: hex(&Sha256::digest(&out)),
    };
    push_json(&mut out, &end);
    out
}

pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
    if bytes.is_empty() {
        return Err(BundleError::Empty);
    }
    // The trailer is the last line; everything before it is what the checksum covers.
    let body_end = bytes
        .strip_suffix(b"\n")
        .ok_or(BundleError::Truncated)?
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .ok_or(BundleError::Truncated)?;
    let (body, trailer) = bytes.split_at(body_end);
    let header_end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
    let header: Header =
        serde_json::from_slice(&body[..header_end]).map_err(|_| BundleError::NotABundle)?;
    if header.okk_bundle != u64::from(VERSION) {
        return Err(BundleError::UnknownVersion(header.okk_bundle));
    }
    let Ok(Line::End { records, sha256 }) = serde_json::from_slice::<Line>(trailer) else {
        return Err(BundleError::Truncated);
    };
    if hex(&Sha256::digest(body)) != sha256 {
        return Err(BundleError::Checksum);
    }
    let mut bundle = Bundle {
        created_at: header.created_at,
        ..Bundle::default()
    };
    for (i, line) in body[header_end..].split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_slice(line).map_err(|e| BundleError::BadLine {
            line: i + 1,
            message: e.to_string(),
        })?;
        match parsed {
            Line::Review(r) => bundle.reviews.push(r),
            Line::Decision(d) => bundle.decisions.push(d),
            Line::Calibration(c) => bundle.calibrations.push(c),
            Line::End { .. } => {
                return Err(BundleError::BadLine {
                    line: i + 1,
                    message: msg::end_in_body(),
                });
            }
        }
    }
    if bundle.reviews.len() + bundle.decisions.len() + bundle.calibrations.len() != records {
        return Err(BundleError::Truncated);
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            created_at: "2026-11-20 12:00:00".into(),
            reviews: vec![ReviewRecord {
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
            }],
            decisions: vec![DecisionRecord {
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
            }],
            calibrations: vec![crate::store::calibration::Calibration {
                id: "c1".into(),
                stage: "Встреча проведена".into(),
                seed: 7,
                auditors: vec!["anna".into(), "boris".into()],
                created_by: "olga".into(),
                created_at: "2026-11-20 12:00:00".into(),
                cards: vec![("amocrm".into(), "31245817".into())],
            }],
        }
    }

    #[test]
    fn a_bundle_reads_back_as_written() {
        let b = sample();
        assert_eq!(read(&write(&b)).unwrap(), b);
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
        // Dropping a whole record line and re-signing is still caught by the count.
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let body = format!("{}\n{}\n", lines[0], lines[1]);
        let sha = hex(&Sha256::digest(body.as_bytes()));
        let forged = format!("{body}{{\"end\":{{\"records\":2,\"sha256\":\"{sha}\"}}}}\n");
        assert_eq!(read(forged.as_bytes()), Err(BundleError::Truncated));
    }

    #[test]
    fn an_unknown_version_or_another_file_is_refused() {
        let text = String::from_utf8(write(&sample())).unwrap();
        let v2 = text.replacen("\"okk_bundle\":1", "\"okk_bundle\":2", 1);
        assert_eq!(read(v2.as_bytes()), Err(BundleError::UnknownVersion(2)));
        assert_eq!(read(b"id,stage\n1,x\n2,y\n"), Err(BundleError::NotABundle));
        assert_eq!(read(b""), Err(BundleError::Empty));
    }
}
