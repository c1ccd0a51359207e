//! Which delimiter a CSV file uses (`,`, `;` or tab), guessed from its first records: CRM exports
//! and the owners file a lead fills in come in all three.

use csv_core::{ReadRecordResult, ReaderBuilder};

/// Picks the delimiter (`,`, `;` or tab) under which the first records of `sample` have the
/// most fields, consistently. `sample` may end mid-record.
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for delim in [b',', b';', b'\t'] {
        let mut rdr = ReaderBuilder::new().delimiter(delim).build();
        let mut input = sample;
        let mut out = vec![0u8; sample.len() + 16];
        let mut ends = vec![0usize; 4096];
        let mut counts = Vec::new();
        while counts.len() < 20 {
            let (res, nin, _, nend) = rdr.read_record(input, &mut out, &mut ends);
            input = &input[nin..];
            match res {
                ReadRecordResult::Record => counts.push(nend),
                // The sample's last record may be cut short: ignore it.
                _ => break,
            }
        }
        let Some(&header) = counts.first() else {
            continue;
        };
        let consistent = counts.iter().filter(|&&c| c == header).count();
        if header > 1 && (consistent, header) > (best.1, best.2) {
            best = (delim, consistent, header);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(
            sniff_delimiter("\"ID\";\"Сумма\";\n\"1\";\"1,5\";\n".as_bytes()),
            b';'
        );
    }
}
