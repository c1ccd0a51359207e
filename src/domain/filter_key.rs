//! The keywords the lead's list filter takes (`auditor:NAME`, `disagree`, …; the queue's
//! filter takes `source:NAME`): which there are and which take a value. Their words, in every language, are text's (`text::tui::filter_words`).

/// A filter keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterKey {
    Auditor,
    Stage,
    Verdict,
    Since,
    Until,
    /// Ok on a card the rules flag as critical, or auditors split on the card.
    Disagree,
    /// A review made for a calibration.
    Calibration,
    /// The card's source (`okk import --source`, a sync connection's name), or its first letters.
    Source,
}

impl FilterKey {
    /// Every keyword, in the order the help names them.
    pub const ALL: [FilterKey; 8] = [
        FilterKey::Auditor,
        FilterKey::Stage,
        FilterKey::Verdict,
        FilterKey::Since,
        FilterKey::Until,
        FilterKey::Disagree,
        FilterKey::Calibration,
        FilterKey::Source,
    ];

    /// `auditor:NAME` takes a value after the colon; `disagree` and `calibration` stand alone.
    pub fn takes_value(self) -> bool {
        !matches!(self, FilterKey::Disagree | FilterKey::Calibration)
    }
}
