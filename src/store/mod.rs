//! The one place that speaks SQL.
