//! Importers: CRM exports → domain cards.
