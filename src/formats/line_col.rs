//! Byte offset → line and column for a person. Columns count characters, not bytes, so on a
//! Cyrillic line they point where an editor does.

/// Line starts of one source text, so many spans convert without rescanning the file.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { src, starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end land on the last character.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let column = self.src[self.starts[line]..offset].chars().count() + 1;
        (line + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "name = \"Воронка\"\nключ = 1\n";
        let lines = LineIndex::new(src);
        assert_eq!(lines.position(0), (1, 1));
        let eq = src.find("= 1").unwrap();
        assert_eq!(lines.position(eq), (2, 6));
        assert_eq!(lines.position(src.len()), (3, 1));
    }
}
