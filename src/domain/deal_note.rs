//! A note on a CRM deal as a live sync reads it (amoCRM's notes, Bitrix24's timeline comments):
//! the text the stage rules read as the card's notes, with the CRM's ids to keep it current.

/// Notes kept per card, newest first: a CRM deal may carry thousands (call logs, robots).
pub const NOTES_PER_CARD: usize = 50;
/// A note's text is cut to this many characters (a pasted letter must not weigh on every page).
pub const NOTE_CHARS: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealNote {
    /// The deal's CRM id.
    pub deal: String,
    /// The note's CRM id (unique within its deal).
    pub id: String,
    /// When it was written (Unix seconds): a card's notes are newest first.
    pub at: i64,
    pub text: String,
}

impl DealNote {
    /// A note with its text cut to [`NOTE_CHARS`]; `None` for one with no text (a call log, a
    /// file).
    pub fn new(deal: String, id: String, at: i64, text: &str) -> Option<DealNote> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let text = match text.char_indices().nth(NOTE_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_string(),
        };
        Some(DealNote { deal, id, at, text })
    }
}

/// A deal's notes (time, id, text) as its card shows them: newest first; of one second, the
/// larger id (ids are numbers, kept as text); at most [`NOTES_PER_CARD`].
pub fn newest(mut notes: Vec<(i64, String, String)>) -> Vec<String> {
    notes.sort_by(|a, b| (b.0, b.1.len(), &b.1).cmp(&(a.0, a.1.len(), &a.1)));
    notes.truncate(NOTES_PER_CARD);
    notes.into_iter().map(|(_, _, body)| body).collect()
}

/// When each of a card's `notes` was written, as far as `stored` (a deal's notes as the store
/// keeps them: time, id, text) tells: a note's time is that of the newest stored note of its
/// text not given to another. A note the store has not (a file's notes) or one of no known time
/// (0: a Bitrix24 comment whose date did not read) has none.
pub fn times_of(notes: &[String], mut stored: Vec<(i64, String, String)>) -> Vec<Option<i64>> {
    stored.sort_by(|a, b| (b.0, b.1.len(), &b.1).cmp(&(a.0, a.1.len(), &a.1)));
    let mut taken = vec![false; stored.len()];
    notes
        .iter()
        .map(|note| {
            let k = (0..stored.len()).find(|&k| !taken[k] && stored[k].2 == *note)?;
            taken[k] = true;
            Some(stored[k].0).filter(|&at| at > 0)
        })
        .collect()
}

/// The digest of a card's notes from the CRM, combined (xor) with its row's digest into the
/// card's content hash: a note added changes the card as a changed row does (its review is
/// due again), and a card with no notes keeps its row's digest.
pub fn notes_digest(notes: &[String]) -> i64 {
    if notes.is_empty() {
        return 0;
    }
    let mut buf = Vec::with_capacity(notes.iter().map(|n| n.len() + 4).sum::<usize>() + 16);
    buf.extend_from_slice(b"okk crm notes 1\0");
    for n in notes {
        buf.extend_from_slice(&(n.len() as u32).to_le_bytes());
        buf.extend_from_slice(n.as_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&buf) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_without_text_are_none_and_long_ones_are_cut() {
        assert_eq!(DealNote::new("1".into(), "2".into(), 0, "  "), None);
        let long = "я".repeat(NOTE_CHARS + 10);
        let n = DealNote::new("1".into(), "2".into(), 0, &long).unwrap();
        assert_eq!(n.text.chars().count(), NOTE_CHARS + 1);
        assert_eq!(notes_digest(&[]), 0);
        assert_ne!(notes_digest(&["a".into()]), notes_digest(&["b".into()]));
    }

    #[test]
    fn each_note_takes_the_time_of_its_own_stored_note_and_a_file_s_note_has_none() {
        let stored = |rows: &[(i64, &str, &str)]| -> Vec<(i64, String, String)> {
            (rows.iter())
                .map(|(at, id, body)| (*at, id.to_string(), body.to_string()))
                .collect()
        };
        let card: Vec<String> = ["Перезвонить", "Перезвонить", "из файла", "без даты"]
            .map(String::from)
            .to_vec();
        let kept = stored(&[
            (0, "5", "без даты"),
            (100, "1", "Перезвонить"),
            (300, "2", "Перезвонить"),
            (200, "3", "старая, не на карточке"),
        ]);
        assert_eq!(times_of(&card, kept), [Some(300), Some(100), None, None]);
        assert_eq!(
            times_of(&[], stored(&[(1, "1", "a")])),
            Vec::<Option<i64>>::new()
        );
    }
}
