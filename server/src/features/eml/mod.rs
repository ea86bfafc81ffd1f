//! EML_NL, the Kiesraad's XML for Dutch elections, in and out, through the Kiesraad's
//! own library (`eml-nl`), never by hand:
//!
//! - `read`: a file as the library reads it (strictly), or its reasons for refusing it;
//! - `identity`: which of the Kiesraad's elections a file, or a Kiesdag election, is
//!   (e.g. GR2026_Assen on 2026-03-18);
//! - `import`: an election definition (110a), candidate lists (230b) and polling
//!   stations (110b) onto the election, its lists and its stations;
//! - `export`: the provisional count of a municipality as a count (510b).

pub mod export;
pub mod identity;
pub mod import;
pub mod read;

pub use identity::Identity;
