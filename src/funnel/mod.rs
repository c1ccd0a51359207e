//! Loading and checking the funnel TOML (owned by the funnel config work).
