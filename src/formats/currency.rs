//! A deal's currency as the CRMs write it — a code (`RUB`), a word (`руб.`) or Bitrix24's full
//! name (`Российский рубль`) — told as the sign a card shows beside its budget (`₽`). Display
//! only: the stored and exported value stays as the CRM wrote it.

use crate::domain::names::fold;

/// Each sign with the spellings the CRMs export for it, folded (`domain::names::fold`; a final
/// dot is dropped before the lookup): the ISO code, the short word, the full name Bitrix24's
/// export and its Russian interface write.
const SIGNS: &[(&str, &[&str])] = &[
    (
        "₽",
        &[
            "rub",
            "rur",
            "₽",
            "руб",
            "рубль",
            "рублей",
            "р",
            "российский рубль",
            "рубль рф",
            "russian ruble",
            "russian rouble",
        ],
    ),
    (
        "$",
        &[
            "usd",
            "$",
            "us$",
            "доллар",
            "доллар сша",
            "долл",
            "us dollar",
        ],
    ),
    ("€", &["eur", "€", "евро", "euro"]),
    (
        "₸",
        &[
            "kzt",
            "₸",
            "тенге",
            "казахстанский тенге",
            "kazakhstani tenge",
        ],
    ),
    (
        "Br",
        &[
            "byn",
            "byr",
            "белорусский рубль",
            "бел. руб",
            "belarusian ruble",
        ],
    ),
    (
        "₴",
        &[
            "uah",
            "₴",
            "гривна",
            "украинская гривна",
            "ukrainian hryvnia",
        ],
    ),
    (
        "¥",
        &["cny", "rmb", "юань", "китайский юань", "chinese yuan"],
    ),
    (
        "£",
        &[
            "gbp",
            "£",
            "фунт стерлингов",
            "британский фунт",
            "pound sterling",
        ],
    ),
    ("₺", &["try", "₺", "турецкая лира", "turkish lira"]),
    (
        "₾",
        &["gel", "₾", "лари", "грузинский лари", "georgian lari"],
    ),
    (
        "֏",
        &["amd", "֏", "драм", "армянский драм", "armenian dram"],
    ),
    (
        "₼",
        &[
            "azn",
            "₼",
            "манат",
            "азербайджанский манат",
            "azerbaijani manat",
        ],
    ),
    (
        "сом",
        &[
            "kgs",
            "сом",
            "киргизский сом",
            "кыргызский сом",
            "kyrgyzstani som",
        ],
    ),
    ("сум", &["uzs", "сум", "узбекский сум", "uzbekistani som"]),
];

/// The sign of a currency the CRMs write in any of its spellings; `None` for one not listed
/// (the caller shows it as written, cut short).
pub fn sign(raw: &str) -> Option<&'static str> {
    let folded = fold(raw);
    let key = folded.strip_suffix('.').unwrap_or(&folded).trim_end();
    SIGNS
        .iter()
        .find(|(_, names)| names.contains(&key))
        .map(|(sign, _)| *sign)
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn each_crms_spelling_of_a_currency_reads_as_its_sign() {
        for (raw, want) in [
            ("Российский рубль", "₽"),
            ("  российский  РУБЛЬ ", "₽"),
            ("RUB", "₽"),
            ("руб.", "₽"),
            ("руб", "₽"),
            ("Доллар США", "$"),
            ("USD", "$"),
            ("Евро", "€"),
            ("eur", "€"),
            ("Тенге", "₸"),
            ("KZT", "₸"),
            ("Белорусский рубль", "Br"),
            ("BYN", "Br"),
            ("Украинская гривна", "₴"),
            ("Узбекский сум", "сум"),
        ] {
            assert_eq!(sign(raw), Some(want), "{raw}");
        }
    }

    #[test]
    fn a_currency_not_listed_has_no_sign() {
        for raw in ["Сингапурский доллар", "SGD", "", "рубли", "XAU"] {
            assert_eq!(sign(raw), None, "{raw}");
        }
    }
}
