//! What the CRMs' files look like, shared by whoever reads them (importers, the CRM change file,
//! the owners file, a reviewer's field correction): value formats, encodings, CSV delimiters,
//! and where a byte offset is for a person. Depends on the domain alone.

pub mod amount;
pub mod crms;
pub mod currency;
pub mod decode;
pub mod delimiter;
pub mod line_col;
pub mod markup;
pub mod values;
