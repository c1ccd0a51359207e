//! Importers: CRM exports (CSV in any of the encodings Russian CRMs write, workbooks, or the HTML
//! table Bitrix24 names .xls) become domain cards through data-driven profiles, and land in the
//! store one transaction per file.

pub mod change;
pub mod csv;
/// The importers' sniffing and decoding, shared with the owners file of the CRM export.
pub use crate::formats::decode;
pub mod digest;
pub mod html;
pub mod import;
pub mod limits;
pub mod mapper;
pub mod ods;
pub mod profile;
pub mod rows;
pub mod xls;
pub mod xlsx;

pub use import::{ImportError, ImportOptions, ImportReport, import_file};
