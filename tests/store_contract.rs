//! The store contract (tests/support/store_contract/): every backend passes the same stories,
//! written against the ports alone. A backend plugs in with one line, `store_contract!(…)`.

mod common;
#[path = "support/store_contract/mod.rs"]
mod contract;

mod sqlite {
    crate::store_contract!(crate::contract::sqlite::Sqlite);
}

mod postgres {
    crate::store_contract!(crate::contract::postgres::Postgres::from_env());
}
