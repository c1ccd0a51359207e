//! First occurrences of names within one scope, so a duplicate can say where the original is.
//! Names compare folded (`domain::names::fold`): CRMs and people spell them loosely.

use std::collections::HashMap;
use std::ops::Range;

use crate::domain::names::fold;

#[derive(Default)]
pub(super) struct FirstSeen {
    seen: HashMap<String, (String, Range<usize>)>,
}

impl FirstSeen {
    /// Records `name` as belonging to `owner`; if it was taken, returns the first owner and span.
    pub fn claim(
        &mut self,
        name: &str,
        owner: &str,
        span: Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        let key = fold(name);
        if let Some(first) = self.seen.get(&key) {
            return Some(first.clone());
        }
        self.seen.insert(key, (owner.to_string(), span));
        None
    }
}
