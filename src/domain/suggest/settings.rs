//! The thresholds of `okk funnel suggest`, from the funnel's `[suggest]` table; the defaults
//! are the ones docs/funnel.md lists.

/// When the data is strong enough to propose a change.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestSettings {
    /// Fewest cards a stage needs before its fill rates or tail say anything.
    pub min_cards: u64,
    /// bind_field: a column kept in at least this share of a stage's cards…
    pub bind_kept: f64,
    /// …and at most this share of another open stage's.
    pub bind_unkept: f64,
    /// silent_tail: days without activity after the meeting's date that make a card silent.
    pub silent_days: u32,
    /// silent_tail: the share of a stage's open cards that must be silent.
    pub silent_share: f64,
    /// idle_limit: the percentile of time in stage (of cards that moved on) to propose.
    pub idle_percentile: u32,
    /// idle_limit: how far (a share of the limit) the percentile must be from the limit.
    pub idle_far: f64,
    /// idle_limit and merge_stage: fewest cards seen leaving or passing a stage.
    pub min_moves: u64,
    /// merge_stage: the share of passing cards that skip the stage or leave it within a day.
    pub skip_share: f64,
    /// drop_stage: days without a card entering the stage.
    pub unused_days: u32,
    /// extra_control: the share of cards judged not ok that makes a stage worth watching first.
    pub extra_control_share: f64,
    /// extra_control: fewest cards judged at a stage.
    pub min_reviews: u64,
    /// missing_stage: the same move (from S to T) suggested for this many cards.
    pub missing_moves: u64,
}

impl Default for SuggestSettings {
    fn default() -> Self {
        SuggestSettings {
            min_cards: 5,
            bind_kept: 0.8,
            bind_unkept: 0.2,
            silent_days: 14,
            silent_share: 0.25,
            idle_percentile: 90,
            idle_far: 0.5,
            min_moves: 10,
            skip_share: 0.8,
            unused_days: 60,
            extra_control_share: 0.3,
            min_reviews: crate::domain::analytics::tally::MIN_SAMPLE,
            missing_moves: 5,
        }
    }
}

/// The keys of `[suggest]`, each with its kind: a share (0..=1) or a whole number.
pub const KEYS: &[(&str, KeyKind)] = &[
    ("min_cards", KeyKind::Count),
    ("bind_kept", KeyKind::Share),
    ("bind_unkept", KeyKind::Share),
    ("silent_days", KeyKind::Count),
    ("silent_share", KeyKind::Share),
    ("idle_percentile", KeyKind::Percent),
    ("idle_far", KeyKind::Share),
    ("min_moves", KeyKind::Count),
    ("skip_share", KeyKind::Share),
    ("unused_days", KeyKind::Count),
    ("extra_control_share", KeyKind::Share),
    ("min_reviews", KeyKind::Count),
    ("missing_moves", KeyKind::Count),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// 0.0..=1.0.
    Share,
    /// A whole number ≥ 1.
    Count,
    /// 1..=100.
    Percent,
}

impl SuggestSettings {
    /// Sets one key (already checked against [`KEYS`] and its range).
    pub fn set(&mut self, key: &str, value: f64) {
        let count = value as u64;
        match key {
            "min_cards" => self.min_cards = count,
            "bind_kept" => self.bind_kept = value,
            "bind_unkept" => self.bind_unkept = value,
            "silent_days" => self.silent_days = count as u32,
            "silent_share" => self.silent_share = value,
            "idle_percentile" => self.idle_percentile = count as u32,
            "idle_far" => self.idle_far = value,
            "min_moves" => self.min_moves = count,
            "skip_share" => self.skip_share = value,
            "unused_days" => self.unused_days = count as u32,
            "extra_control_share" => self.extra_control_share = value,
            "min_reviews" => self.min_reviews = count,
            "missing_moves" => self.missing_moves = count,
            _ => {}
        }
    }
}
