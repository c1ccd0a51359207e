//! A session's client, and the mark the link's watch reads (`link`): whether a statement or a
//! transaction of it is under way. A session silent between statements is idle by right; one
//! silent while it waits for an answer is the server's to account for.

use std::cell::{RefCell, RefMut};
use std::ops::{Deref, DerefMut};

use postgres::Client;

use super::link::{Busy, InUse};

pub(crate) struct Conn {
    client: RefCell<Client>,
    busy: Busy,
}

/// The client borrowed for a statement (or a transaction within the call): in use until this
/// drops.
pub(crate) struct Borrowed<'a> {
    client: RefMut<'a, Client>,
    _in_use: InUse,
}

impl Conn {
    pub(crate) fn new(client: Client, busy: Busy) -> Conn {
        Conn {
            client: RefCell::new(client),
            busy,
        }
    }

    pub(crate) fn borrow_mut(&self) -> Borrowed<'_> {
        Borrowed {
            _in_use: self.busy.in_use(),
            client: self.client.borrow_mut(),
        }
    }

    /// The client for a transaction held past this call (an import's group, a merge), and the
    /// mark that says the session is in use for as long as its holder keeps it.
    pub(crate) fn get_mut(&mut self) -> (&mut Client, InUse) {
        (self.client.get_mut(), self.busy.in_use())
    }
}

impl Deref for Borrowed<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl DerefMut for Borrowed<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}
