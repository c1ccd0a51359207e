//! A prepared statement that binds text and blobs without SQLite's copy of them: a bulk import
//! binds about 700 bytes a card, and rusqlite always asks SQLite to copy (`SQLITE_TRANSIENT`),
//! which was a tenth of the writer thread's time on a million-card import.

use std::ffi::c_int;
use std::marker::PhantomData;
use std::ptr;

use rusqlite::ffi;
use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

/// A statement on `'c`'s connection that borrows its values for one [`Borrowing::execute`].
pub(super) struct Borrowing<'c> {
    stmt: *mut ffi::sqlite3_stmt,
    db: *mut ffi::sqlite3,
    _conn: PhantomData<&'c rusqlite::Connection>,
}

impl<'c> Borrowing<'c> {
    /// Prepares one SQL statement (kept for many runs).
    pub(super) fn prepare(
        conn: &'c rusqlite::Connection,
        sql: &str,
    ) -> rusqlite::Result<Borrowing<'c>> {
        // SAFETY: the handle stays valid while `conn` lives, and the statement borrows `conn`
        // for as long as it lives (finalized on drop, before the connection can close).
        let db = unsafe { conn.handle() };
        let len = c_int::try_from(sql.len())
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        let mut stmt = ptr::null_mut();
        // SAFETY: `sql` is valid for `len` bytes; SQLite writes the statement to `stmt`.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(failure(db, rc));
        }
        if stmt.is_null() {
            // Only white space or comments: nothing to run.
            return Err(rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_MISUSE),
                Some("no SQL statement to prepare".into()),
            ));
        }
        Ok(Borrowing {
            stmt,
            db,
            _conn: PhantomData,
        })
    }

    /// Binds `values` to parameters 1, 2, … and runs the statement to its end; the number of
    /// rows it changed. Text and blobs the values borrow are read in place: SQLite holds their
    /// addresses only until this call returns (its bindings are cleared before).
    pub(super) fn execute(&mut self, values: &[&dyn ToSql]) -> rusqlite::Result<usize> {
        self.run(values.len(), |st, at| match values[at - 1].to_sql()? {
            ToSqlOutput::Borrowed(v) => st.bind(at, v, false),
            // Owned text (rare: the card's values are borrowed) is copied by SQLite, as usual.
            ToSqlOutput::Owned(v) => st.bind(at, ValueRef::from(&v), true),
            _ => Err(rusqlite::Error::ToSqlConversionFailure(
                "a value kind a borrowing statement does not bind".into(),
            )),
        })
    }

    /// [`Borrowing::execute`] of values already in SQLite's terms.
    pub(super) fn execute_refs(&mut self, values: &[ValueRef<'_>]) -> rusqlite::Result<usize> {
        self.run(values.len(), |st, at| st.bind(at, values[at - 1], false))
    }

    /// Binds `count` parameters with `bind_one(self, index)` (from 1), steps, then resets and
    /// unbinds whatever happened, so that no address of a borrowed value outlives the call.
    fn run(
        &mut self,
        count: usize,
        mut bind_one: impl FnMut(&mut Self, usize) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<usize> {
        // SAFETY: a valid statement.
        let expected = unsafe { ffi::sqlite3_bind_parameter_count(self.stmt) };
        let outcome = if usize::try_from(expected).ok() != Some(count) {
            Err(rusqlite::Error::InvalidParameterCount(
                count,
                expected as usize,
            ))
        } else {
            (1..=count)
                .try_for_each(|at| bind_one(self, at))
                .and_then(|()| self.step())
        };
        // SAFETY: a valid statement.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        outcome
    }

    /// Binds one value: a text or blob in place, or copied by SQLite when `copy`.
    fn bind(&mut self, at: usize, value: ValueRef<'_>, copy: bool) -> rusqlite::Result<()> {
        let at =
            c_int::try_from(at).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        let keep = if copy {
            ffi::SQLITE_TRANSIENT()
        } else {
            ffi::SQLITE_STATIC()
        };
        // An empty slice's address is dangling: SQLite gets a real one, as rusqlite gives it.
        let bytes = |b: &[u8]| {
            if b.is_empty() {
                b"".as_ptr()
            } else {
                b.as_ptr()
            }
        };
        let s = self.stmt;
        // SAFETY: a valid statement; a text or blob bound in place outlives the step that reads
        // it (`run` clears the bindings before the values' borrow ends), an owned one is copied.
        let rc = unsafe {
            match value {
                ValueRef::Null => ffi::sqlite3_bind_null(s, at),
                ValueRef::Integer(i) => ffi::sqlite3_bind_int64(s, at, i),
                ValueRef::Real(r) => ffi::sqlite3_bind_double(s, at, r),
                ValueRef::Text(t) => ffi::sqlite3_bind_text64(
                    s,
                    at,
                    bytes(t).cast(),
                    t.len() as u64,
                    keep,
                    ffi::SQLITE_UTF8 as u8,
                ),
                ValueRef::Blob(b) => {
                    ffi::sqlite3_bind_blob64(s, at, bytes(b).cast(), b.len() as u64, keep)
                }
            }
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(failure(self.db, rc))
        }
    }

    fn step(&mut self) -> rusqlite::Result<usize> {
        // SAFETY: a valid statement with every parameter bound.
        match unsafe { ffi::sqlite3_step(self.stmt) } {
            // SAFETY: a valid connection.
            ffi::SQLITE_DONE => Ok(unsafe { ffi::sqlite3_changes64(self.db) } as usize),
            ffi::SQLITE_ROW => Err(rusqlite::Error::ExecuteReturnedResults),
            rc => Err(failure(self.db, rc)),
        }
    }
}

impl Drop for Borrowing<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// SQLite's error for a failed call on `db`, as rusqlite reports it.
fn failure(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: a valid connection; the message is copied before any other call on it.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let m = ffi::sqlite3_errmsg(db);
        let message =
            (!m.is_null()).then(|| std::ffi::CStr::from_ptr(m).to_string_lossy().into_owned());
        (if code == ffi::SQLITE_OK { rc } else { code }, message)
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}
