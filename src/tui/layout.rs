//! The Russian keyboard layout's letters read as the keys they sit on. A desk types comments in
//! Russian and then presses a verdict key with the layout still switched: `ф` where `a` was
//! meant. The keymap takes such a letter for the Latin key under it on the standard ЙЦУКЕН
//! layout when the letter itself is bound to nothing there (`Keymap::lookup`), as Far Manager
//! and Midnight Commander do, so that nobody has to switch layouts between a comment and a key.

/// ЙЦУКЕН's lower-case letters and the Latin keys (US layout) they share a key with.
const RU_LOWER: [(char, char); 33] = [
    ('й', 'q'),
    ('ц', 'w'),
    ('у', 'e'),
    ('к', 'r'),
    ('е', 't'),
    ('н', 'y'),
    ('г', 'u'),
    ('ш', 'i'),
    ('щ', 'o'),
    ('з', 'p'),
    ('х', '['),
    ('ъ', ']'),
    ('ф', 'a'),
    ('ы', 's'),
    ('в', 'd'),
    ('а', 'f'),
    ('п', 'g'),
    ('р', 'h'),
    ('о', 'j'),
    ('л', 'k'),
    ('д', 'l'),
    ('ж', ';'),
    ('э', '\''),
    ('я', 'z'),
    ('ч', 'x'),
    ('с', 'c'),
    ('м', 'v'),
    ('и', 'b'),
    ('т', 'n'),
    ('ь', 'm'),
    ('б', ','),
    ('ю', '.'),
    ('ё', '`'),
];

/// The same keys with Shift: the capitals and the US layout's shifted punctuation.
const RU_UPPER: [(char, char); 33] = [
    ('Й', 'Q'),
    ('Ц', 'W'),
    ('У', 'E'),
    ('К', 'R'),
    ('Е', 'T'),
    ('Н', 'Y'),
    ('Г', 'U'),
    ('Ш', 'I'),
    ('Щ', 'O'),
    ('З', 'P'),
    ('Х', '{'),
    ('Ъ', '}'),
    ('Ф', 'A'),
    ('Ы', 'S'),
    ('В', 'D'),
    ('А', 'F'),
    ('П', 'G'),
    ('Р', 'H'),
    ('О', 'J'),
    ('Л', 'K'),
    ('Д', 'L'),
    ('Ж', ':'),
    ('Э', '"'),
    ('Я', 'Z'),
    ('Ч', 'X'),
    ('С', 'C'),
    ('М', 'V'),
    ('И', 'B'),
    ('Т', 'N'),
    ('Ь', 'M'),
    ('Б', '<'),
    ('Ю', '>'),
    ('Ё', '~'),
];

/// ЙЦУКЕН's punctuation on the US layout's `/` key: `.` there, `,` with Shift. The filter
/// (`/`) and the help (`?`) are the keys a desk presses without a thought of the layout.
const RU_SLASH_KEY: [(char, char); 2] = [('.', '/'), (',', '?')];

/// The Latin key a Russian-layout character was typed on, if it is one of ЙЦУКЕН's letters
/// or the punctuation its `/` key types.
pub fn latin_twin(c: char) -> Option<char> {
    RU_LOWER
        .iter()
        .chain(RU_UPPER.iter())
        .chain(RU_SLASH_KEY.iter())
        .find(|(ru, _)| *ru == c)
        .map(|&(_, latin)| latin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_letter_of_the_russian_layout_names_the_key_it_sits_on() {
        // The home row as typed with the layout switched, and with Shift.
        let home: String = "фывапролджэ".chars().filter_map(latin_twin).collect();
        assert_eq!(home, "asdfghjkl;'");
        let shifted: String = "ФЫВАПРОЛДЖЭ".chars().filter_map(latin_twin).collect();
        assert_eq!(shifted, "ASDFGHJKL:\"");
        assert_eq!(latin_twin('ё'), Some('`'));
        assert_eq!(latin_twin('Ъ'), Some('}'));
    }

    #[test]
    fn every_letter_is_listed_once_and_latin_keys_are_not_twins() {
        let mut ru: Vec<char> = RU_LOWER.iter().chain(&RU_UPPER).map(|p| p.0).collect();
        ru.sort_unstable();
        ru.dedup();
        assert_eq!(ru.len(), 66, "33 letters in two cases");
        let mut latin: Vec<char> = RU_LOWER.iter().chain(&RU_UPPER).map(|p| p.1).collect();
        latin.sort_unstable();
        latin.dedup();
        assert_eq!(latin.len(), 66, "no two letters on one key");
        for c in "azAZ/?;: 1".chars() {
            assert_eq!(latin_twin(c), None, "{c:?} is typed as it is");
        }
        // The `/` key of the Russian layout, without Shift and with it.
        assert_eq!(latin_twin('.'), Some('/'));
        assert_eq!(latin_twin(','), Some('?'));
    }
}
