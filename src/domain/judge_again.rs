//! Who judges a calibration card again: the auditors whose judgement of it is not of the card
//! as it is now, where another's is of other contents. The stores hand those cards out by the
//! same rule (`store::calibration::OWED`, `store::pg::queue::OWED`).

use std::collections::BTreeSet;

use serde::Serialize;

use super::calibration::{Calibration, CardKey, Judgement};

/// A calibration card as the store holds it now: its digest (`cards.content_hash`) and the
/// stage the CRM has it at. Only cards the CRM still has (not gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardNow {
    pub card: CardKey,
    pub digest: i64,
    pub stage: String,
}

/// A card of an open calibration some of its auditors are asked to judge again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Again {
    pub source: String,
    pub id: String,
    /// In the calibration's order of auditors.
    pub auditors: Vec<String>,
}

/// The cards of calibration `c` its listed auditors are asked to judge again, in sample order.
/// An auditor is asked a card when, at the stage the card stands at now (the CRM's name of it),
///
/// - their judgement of it kept a digest that is not the card's now (the CRM changed it since),
/// - and the listed auditors' judgements made there are not all of one card: another's kept
///   another digest than theirs (neither is compared, [`super::calibration::Report`]'s
///   `changed`, until they judge one), or another has yet to judge it (and will judge the card
///   as it is now).
///
/// So nothing is asked of auditors who all judged the same contents, however the card changed
/// after; of a card the CRM no longer has; of a judgement made at another stage than the card's
/// now (it moved: a judgement there is no more comparable than the one made before); nor by an
/// ended calibration. A review that kept no digest differs from none. `judged` are the listed
/// auditors' judgements ([`super::ports::CalibrationStore::calibration_judgements`]).
pub fn judge_again(c: &Calibration, judged: &[Judgement], now: &[CardNow]) -> Vec<Again> {
    if !c.is_open() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for card in &c.cards {
        let Some(now) = now.iter().find(|n| &n.card == card) else {
            continue;
        };
        let here: Vec<&Judgement> = (c.auditors.iter())
            .filter_map(|a| {
                (judged.iter()).find(|j| &j.card == card && &j.auditor == a && j.stage == now.stage)
            })
            .collect();
        // Comparable as they stand: every listed auditor judged it here, the same contents.
        // Else who judged an older card judges it again now — an auditor still to judge it
        // will judge the card as it is (tester34 F1: she was asked only once he had).
        let digests: BTreeSet<i64> = here.iter().filter_map(|j| j.digest).collect();
        if here.len() == c.auditors.len() && digests.len() < 2 {
            continue;
        }
        let auditors: Vec<String> = (here.iter())
            .filter(|j| j.digest.is_some_and(|d| d != now.digest))
            .map(|j| j.auditor.clone())
            .collect();
        if !auditors.is_empty() {
            out.push(Again {
                source: card.0.clone(),
                id: card.1.clone(),
                auditors,
            });
        }
    }
    out
}

/// Per auditor, in the calibration's order, the cards they are asked to judge again.
pub fn by_auditor<'a>(c: &'a Calibration, again: &'a [Again]) -> Vec<(&'a str, Vec<&'a Again>)> {
    (c.auditors.iter())
        .map(|a| {
            let cards: Vec<&Again> = again.iter().filter(|g| g.auditors.contains(a)).collect();
            (a.as_str(), cards)
        })
        .filter(|(_, cards)| !cards.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calibration::Ended;
    use crate::domain::review::Verdict;

    const QUALIFYING: &str = "Квалификация";
    const MET: &str = "Встреча назначена";

    fn cards(n: usize) -> Vec<CardKey> {
        (0..n)
            .map(|i| ("amocrm".to_string(), format!("{i:05}")))
            .collect()
    }

    fn calibration(cards: &[CardKey], auditors: &[&str]) -> Calibration {
        Calibration {
            id: "c1".into(),
            stage: QUALIFYING.into(),
            seed: 1,
            auditors: auditors.iter().map(|a| a.to_string()).collect(),
            created_by: "olga".into(),
            created_at: "2026-11-20 09:00:00".into(),
            cards: cards.to_vec(),
            end: None,
        }
    }

    fn judged(card: &CardKey, auditor: &str, stage: &str, digest: Option<i64>) -> Judgement {
        Judgement {
            card: card.clone(),
            auditor: auditor.into(),
            verdict: Verdict::Ok,
            answers: Default::default(),
            stage: stage.into(),
            digest,
        }
    }

    fn now(card: &CardKey, digest: i64, stage: &str) -> CardNow {
        CardNow {
            card: card.clone(),
            digest,
            stage: stage.into(),
        }
    }

    fn asked(again: &[Again]) -> Vec<(&str, Vec<&str>)> {
        (again.iter())
            .map(|g| {
                (
                    g.id.as_str(),
                    g.auditors.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    /// tester34 F1: anna judged the card, the CRM changed it, boris has not judged it yet: she is
    /// asked at once (he will judge the card as it is, so hers would never be compared); a card
    /// every auditor judged alike, changed after, asks nobody.
    #[test]
    fn a_card_changed_before_every_auditor_judged_it_is_asked_again_at_once() {
        let k = cards(2);
        let c = calibration(&k, &["anna", "boris"]);
        let j = vec![
            judged(&k[0], "anna", QUALIFYING, Some(1)),
            judged(&k[1], "anna", QUALIFYING, Some(3)),
            judged(&k[1], "boris", QUALIFYING, Some(3)),
        ];
        let cards_now = [now(&k[0], 2, QUALIFYING), now(&k[1], 4, QUALIFYING)];
        assert_eq!(
            asked(&judge_again(&c, &j, &cards_now)),
            [("00000", vec!["anna"])]
        );
    }

    /// tester32 F3: anna judged the cards, the CRM changed them, boris judged them as they are
    /// now: anna is asked again, boris not; once she has judged them as they are, nobody is.
    #[test]
    fn the_auditor_who_judged_an_older_version_is_asked_again_until_she_judges_it_as_it_is() {
        let k = cards(2);
        let c = calibration(&k, &["anna", "boris"]);
        let mut j = vec![
            judged(&k[0], "anna", QUALIFYING, Some(1)),
            judged(&k[0], "boris", QUALIFYING, Some(2)),
            judged(&k[1], "anna", QUALIFYING, Some(3)),
            judged(&k[1], "boris", QUALIFYING, Some(4)),
        ];
        let cards_now = [now(&k[0], 2, QUALIFYING), now(&k[1], 4, QUALIFYING)];
        let again = judge_again(&c, &j, &cards_now);
        assert_eq!(
            asked(&again),
            [("00000", vec!["anna"]), ("00001", vec!["anna"])]
        );
        let per = by_auditor(&c, &again);
        assert_eq!(per.len(), 1);
        assert_eq!((per[0].0, per[0].1.len()), ("anna", 2));
        // She judges card 0 as it is now.
        j[0].digest = Some(2);
        assert_eq!(
            asked(&judge_again(&c, &j, &cards_now)),
            [("00001", vec!["anna"])]
        );
    }

    /// Both judged contents the card no longer has, and they differ: both are asked.
    #[test]
    fn everyone_whose_version_is_gone_is_asked() {
        let k = cards(1);
        let c = calibration(&k, &["anna", "boris", "vera"]);
        let j = [
            judged(&k[0], "anna", QUALIFYING, Some(1)),
            judged(&k[0], "boris", QUALIFYING, Some(2)),
            judged(&k[0], "vera", QUALIFYING, Some(3)),
        ];
        let again = judge_again(&c, &j, &[now(&k[0], 3, QUALIFYING)]);
        assert_eq!(asked(&again), [("00000", vec!["anna", "boris"])]);
    }

    /// Judged alike and changed after all of them: comparable, nothing asked; nor of a card
    /// the CRM no longer has, nor by an ended calibration, nor where one review kept no digest.
    #[test]
    fn judgements_of_one_version_ask_nothing_whatever_changed_after() {
        let k = cards(3);
        let mut c = calibration(&k, &["anna", "boris"]);
        let j = vec![
            judged(&k[0], "anna", QUALIFYING, Some(1)),
            judged(&k[0], "boris", QUALIFYING, Some(1)),
            judged(&k[1], "anna", QUALIFYING, Some(5)),
            judged(&k[1], "boris", QUALIFYING, None),
            judged(&k[2], "anna", QUALIFYING, Some(7)),
            judged(&k[2], "boris", QUALIFYING, Some(8)),
        ];
        // Card 2 is gone from the CRM: not in what the store holds now.
        let cards_now = [now(&k[0], 9, QUALIFYING), now(&k[1], 9, QUALIFYING)];
        assert!(judge_again(&c, &j, &cards_now).is_empty());
        let with_2 = [
            now(&k[0], 9, QUALIFYING),
            now(&k[1], 9, QUALIFYING),
            now(&k[2], 8, QUALIFYING),
        ];
        assert_eq!(
            asked(&judge_again(&c, &j, &with_2)),
            [("00002", vec!["anna"])]
        );
        c.end = Some(Ended {
            at: "2026-11-21 18:00:00".into(),
            by: "olga".into(),
        });
        assert!(judge_again(&c, &j, &with_2).is_empty(), "ended: closed");
    }

    /// A card that moved: judging it again at its new stage would compare nothing either, so
    /// only the judgements made at the stage it stands at now count.
    #[test]
    fn judgements_made_at_another_stage_than_the_card_s_now_ask_nothing() {
        let k = cards(2);
        let c = calibration(&k, &["anna", "boris"]);
        let j = [
            // Card 0: anna at the calibration's stage, boris after it moved on.
            judged(&k[0], "anna", QUALIFYING, Some(1)),
            judged(&k[0], "boris", MET, Some(2)),
            // Card 1: judged there apart, then moved on.
            judged(&k[1], "anna", QUALIFYING, Some(3)),
            judged(&k[1], "boris", QUALIFYING, Some(4)),
        ];
        let cards_now = [now(&k[0], 2, MET), now(&k[1], 5, MET)];
        assert!(judge_again(&c, &j, &cards_now).is_empty());
    }
}
