//! Statements prepared once per session: a statement given as text is parsed and planned on
//! every call (a round trip of its own before the one that runs it), which the hot paths (a
//! claim, a verdict, a card's detail) cannot afford on a busy server.

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::{GenericClient, Statement};

/// The session's prepared statements by their text. A prepared statement is the session's,
/// not a transaction's: one prepared inside a transaction that rolls back stays usable.
#[derive(Default)]
pub(crate) struct Prepared(RefCell<HashMap<String, Statement>>);

impl Prepared {
    /// `sql` prepared on this session, once.
    pub(crate) fn get(
        &self,
        conn: &mut impl GenericClient,
        sql: &str,
    ) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.0.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = conn.prepare(sql)?;
        self.0.borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// A transaction begun by hand, its first statement sent with `BEGIN` in one round trip (the
/// client's own transaction costs a round trip for `BEGIN` alone); rolled back if dropped
/// before [`Begun::commit`].
pub(crate) struct Begun<'a> {
    conn: &'a mut postgres::Client,
    open: bool,
}

impl<'a> Begun<'a> {
    /// `BEGIN` and `first` (a statement without parameters: the simple protocol's batch).
    pub(crate) fn with(
        conn: &'a mut postgres::Client,
        first: &str,
    ) -> Result<Self, postgres::Error> {
        let begun = Begun { conn, open: true };
        begun.conn.batch_execute(&format!("BEGIN; {first}"))?;
        Ok(begun)
    }

    pub(crate) fn conn(&mut self) -> &mut postgres::Client {
        self.conn
    }

    pub(crate) fn commit(mut self) -> Result<(), postgres::Error> {
        self.open = false;
        self.conn.batch_execute("COMMIT")
    }
}

impl Drop for Begun<'_> {
    fn drop(&mut self) {
        if self.open {
            // A connection that is gone has nothing left to roll back.
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}
