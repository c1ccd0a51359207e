//! Do auditors judge alike? Agreement between raters on nominal answers (verdicts, checklist
//! answers), with missing answers allowed: percent agreement, Cohen's kappa for a pair, and
//! Krippendorff's alpha for any number of raters.

use std::collections::BTreeMap;

/// `units[u][r]`: rater `r`'s answer on unit (card) `u`, `None` when missing.
pub type Ratings<T> = Vec<Vec<Option<T>>>;

/// Share of rater pairs that gave the same answer, over every unit, counting only pairs where
/// both answered; `None` when no unit has two answers.
pub fn percent_agreement<T: Eq>(units: &Ratings<T>) -> Option<f64> {
    let (mut same, mut pairs) = (0u64, 0u64);
    for unit in units {
        let given: Vec<&T> = unit.iter().flatten().collect();
        for i in 0..given.len() {
            for j in i + 1..given.len() {
                pairs += 1;
                same += u64::from(given[i] == given[j]);
            }
        }
    }
    (pairs > 0).then(|| same as f64 / pairs as f64)
}

/// Cohen's kappa of raters `a` and `b` over the units both answered: (p_o − p_e) / (1 − p_e).
/// `None` when they share fewer than two units, or when chance agreement is certain (both
/// always gave one and the same answer: kappa is undefined). Over a single unit kappa is
/// undefined (one answer each, alike) or 0 by construction (unlike: p_o = p_e = 0), whatever
/// the raters: a figure that says nothing, so none is given.
pub fn cohen_kappa<T: Ord + Clone>(units: &Ratings<T>, a: usize, b: usize) -> Option<f64> {
    let both: Vec<(&T, &T)> = units
        .iter()
        .filter_map(|u| Some((u.get(a)?.as_ref()?, u.get(b)?.as_ref()?)))
        .collect();
    if both.len() < 2 {
        return None;
    }
    let n = both.len() as f64;
    let p_o = both.iter().filter(|(x, y)| x == y).count() as f64 / n;
    let mut margins: BTreeMap<&T, (f64, f64)> = BTreeMap::new();
    for (x, y) in &both {
        margins.entry(*x).or_default().0 += 1.0;
        margins.entry(*y).or_default().1 += 1.0;
    }
    let p_e: f64 = margins.values().map(|(x, y)| (x / n) * (y / n)).sum();
    if (1.0 - p_e).abs() < 1e-12 {
        return None;
    }
    Some((p_o - p_e) / (1.0 - p_e))
}

/// Krippendorff's alpha for nominal data: 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, from
/// the coincidence matrix of every unit with at least two answers. `None` when fewer than two
/// units have two answers, or every answer is the same (no variation to agree on): over one
/// unit, its disagreement is the whole of the expected one, and alpha is 0 by construction.
pub fn krippendorff_alpha<T: Ord + Clone>(units: &Ratings<T>) -> Option<f64> {
    let mut o: BTreeMap<(T, T), f64> = BTreeMap::new();
    let mut pairable = 0;
    for unit in units {
        let given: Vec<&T> = unit.iter().flatten().collect();
        let m = given.len();
        if m < 2 {
            continue;
        }
        pairable += 1;
        for i in 0..m {
            for j in 0..m {
                if i != j {
                    *o.entry((given[i].clone(), given[j].clone())).or_default() +=
                        1.0 / (m - 1) as f64;
                }
            }
        }
    }
    let mut n_c: BTreeMap<T, f64> = BTreeMap::new();
    for ((c, _), v) in &o {
        *n_c.entry(c.clone()).or_default() += v;
    }
    let n: f64 = n_c.values().sum();
    if pairable < 2 {
        return None;
    }
    let observed: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    let mut expected = 0.0;
    for (c, nc) in &n_c {
        for (k, nk) in &n_c {
            if c != k {
                expected += nc * nk;
            }
        }
    }
    if expected == 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of a coder-by-unit table, `0` for missing.
    fn table(rows: &[&[u8]]) -> Ratings<u8> {
        let units = rows[0].len();
        (0..units)
            .map(|u| {
                rows.iter()
                    .map(|r| Some(r[u]).filter(|v| *v != 0))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn krippendorff_worked_example_with_missing_values() {
        // Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg
        // School for Communication, Departmental Papers 43, section C: four observers, twelve
        // units, missing values; nominal alpha = 0.743.
        let data = table(&[
            &[1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            &[0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ]);
        let alpha = krippendorff_alpha(&data).unwrap();
        assert!((alpha - 0.743).abs() < 0.0005, "{alpha}");
    }

    #[test]
    fn cohen_worked_example() {
        // Wikipedia, "Cohen's kappa", simple example: 50 proposals, A and B both yes on 20, both
        // no on 15, A yes B no on 5, A no B yes on 10; p_o = 0.7, p_e = 0.5, kappa = 0.4.
        let mut units: Ratings<&str> = Vec::new();
        let mut add = |a: &'static str, b: &'static str, n: usize| {
            units.extend((0..n).map(|_| vec![Some(a), Some(b)]));
        };
        add("yes", "yes", 20);
        add("yes", "no", 5);
        add("no", "yes", 10);
        add("no", "no", 15);
        let k = cohen_kappa(&units, 0, 1).unwrap();
        assert!((k - 0.4).abs() < 1e-9, "{k}");
        assert!((percent_agreement(&units).unwrap() - 0.7).abs() < 1e-9);
    }

    #[test]
    fn missing_answers_are_left_out_and_degenerate_cases_say_so() {
        let units: Ratings<u8> = vec![vec![Some(1), None], vec![None, Some(2)]];
        assert_eq!(percent_agreement(&units), None);
        assert_eq!(cohen_kappa(&units, 0, 1), None);
        assert_eq!(krippendorff_alpha(&units), None);
        let same: Ratings<u8> = vec![vec![Some(1), Some(1)], vec![Some(1), Some(1)]];
        assert_eq!(percent_agreement(&same), Some(1.0));
        assert_eq!(cohen_kappa(&same, 0, 1), None);
        assert_eq!(krippendorff_alpha(&same), None);
    }

    /// tester31 F9: one card judged by a pair gives kappa 0 when they differ (p_o = p_e = 0)
    /// and alpha 0 whatever the answers (a lone unit's disagreement is the expected one): no
    /// figure, «—» in the report, not a 0 that reads as chance agreement.
    #[test]
    fn one_card_gives_no_kappa_and_no_alpha() {
        let differ: Ratings<u8> = vec![vec![Some(1), Some(2)]];
        assert_eq!(percent_agreement(&differ), Some(0.0));
        assert_eq!(cohen_kappa(&differ, 0, 1), None);
        assert_eq!(krippendorff_alpha(&differ), None);
        let three: Ratings<u8> = vec![vec![Some(1), Some(2), Some(1)], vec![Some(1), None, None]];
        assert_eq!(krippendorff_alpha(&three), None);
        // Two cards and it is a figure again: unlike on one, alike on the other.
        let two: Ratings<u8> = vec![vec![Some(1), Some(2)], vec![Some(1), Some(1)]];
        assert!(cohen_kappa(&two, 0, 1).is_some());
        assert!(krippendorff_alpha(&two).is_some());
    }
}
