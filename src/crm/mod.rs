//! Live sync with CRMs over their REST APIs (amoCRM/Kommo, Bitrix24): connections from the
//! config file, a polite HTTP client, readers that turn deals into export-shaped rows.

pub mod amo_page;
mod amo_rows;
pub mod amocrm;
mod b24_page;
pub mod bitrix24;
mod bitrix_chain;
pub mod client;
pub mod config;
pub mod links;
mod resolve;
pub mod row;
pub mod sync;
