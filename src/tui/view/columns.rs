//! Columns sharing a row's width. Each asks for its widest cell (its header's too); when the row
//! is narrower, the widest column gives way first, then the next widest, each down to its floor,
//! and its cells end in `…` ([`super::fit`]); room to spare goes to one column. So at 80 columns
//! a long title gives up its tail before an owner loses half a name.

/// One column's claim on the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    /// Columns its widest cell (or header) takes.
    pub want: usize,
    /// Columns it keeps however narrow the row: a figure's are all of them.
    pub min: usize,
}

impl Col {
    /// A column whose cells are cut to `min` at the least (names, titles).
    pub fn give(want: usize, min: usize) -> Col {
        Col {
            want,
            min: min.min(want),
        }
    }

    /// A column that never gives way (figures, marks, short words).
    pub fn keep(want: usize) -> Col {
        Col { want, min: want }
    }

    /// [`Col::give`] for the widest of `cells` and the `header`.
    pub fn of<'a>(header: &str, cells: impl IntoIterator<Item = &'a str>, min: usize) -> Col {
        let want = cells
            .into_iter()
            .map(super::width)
            .chain([super::width(header)])
            .max()
            .unwrap_or(0);
        Col::give(want, min)
    }
}

/// Each column's width in a row of `room` columns whose columns stand `spacing` apart: every
/// column as wide as it wants when they fit (the rest going to column `grow`); else the widest
/// column above its floor narrows by one, again and again, and past every floor the widest of
/// all, down to nothing.
pub fn widths(room: usize, spacing: usize, cols: &[Col], grow: usize) -> Vec<usize> {
    let room = room.saturating_sub(spacing * cols.len().saturating_sub(1));
    let mut w: Vec<usize> = cols.iter().map(|c| c.want).collect();
    let total: usize = w.iter().sum();
    if total <= room {
        if let Some(g) = w.get_mut(grow) {
            *g += room - total;
        }
        return w;
    }
    let mut excess = total - room;
    for floor in [true, false] {
        while excess > 0 {
            let widest = (0..w.len())
                .filter(|&i| w[i] > if floor { cols[i].min } else { 0 })
                .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
            let Some(i) = widest else { break };
            w[i] -= 1;
            excess -= 1;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_that_fit_take_what_they_want_and_the_rest_goes_to_one() {
        let cols = [Col::keep(2), Col::give(30, 10), Col::give(15, 8)];
        assert_eq!(widths(60, 1, &cols, 1), [2, 41, 15]);
    }

    #[test]
    fn the_widest_gives_way_first_and_none_below_its_floor() {
        // A long title and an owner's name in 50 columns: the title gives up its tail, the
        // name stays whole.
        let cols = [Col::keep(10), Col::give(37, 12), Col::give(18, 8)];
        assert_eq!(widths(67, 1, &cols, 1), [10, 37, 18]);
        assert_eq!(widths(62, 1, &cols, 1), [10, 32, 18]);
        // Narrower still: both narrow together, level.
        assert_eq!(widths(42, 1, &cols, 1), [10, 15, 15]);
        // Down to their floors; figures keep theirs.
        assert_eq!(widths(32, 1, &cols, 1), [10, 12, 8]);
    }

    #[test]
    fn past_every_floor_the_widest_of_all_narrows_down_to_nothing() {
        let cols = [Col::keep(6), Col::give(20, 10)];
        assert_eq!(widths(13, 1, &cols, 1), [6, 6]);
        assert_eq!(widths(1, 1, &cols, 1), [0, 0]);
    }

    #[test]
    fn a_column_wants_its_widest_cell_or_its_header() {
        let col = Col::of("Ответств.", ["Морозов Алексей", "Попова Анна"], 8);
        assert_eq!(col, Col::give(15, 8));
        assert_eq!(Col::of("Название", ["", "—"], 8), Col::give(8, 8));
    }
}
