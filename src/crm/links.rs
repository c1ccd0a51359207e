//! Links from cards to the CRM: the configured connections' deal pages as the domain's
//! [`CrmLinks`] (the reviewer shows them; the reviews export writes them).

use super::config::Connection;
use crate::domain::links::CardPage;
pub use crate::domain::links::CrmLinks;

/// The connections' deal pages.
pub fn of(conns: &[Connection]) -> CrmLinks {
    CrmLinks::new(
        conns
            .iter()
            .map(|c| {
                let (before, after) = c.card_url_parts();
                CardPage {
                    source: c.name.clone(),
                    before,
                    after,
                }
            })
            .collect(),
    )
}
