//! Bitrix24 list methods read many pages a request: up to 50 pages in one `batch`, each
//! command's `>ID` the last id of the page before it (`$result[p0][49][ID]`, batch.md's
//! "связанные вызовы"). The pages of 100,000 deals are 40 requests instead of 2,000 — at the
//! 2 requests a second a portal allows, 20 s instead of 17 minutes (their comments still take a
//! request per 50 deals: `crm.timeline.comment.list` lists one deal's).
//!
//! The chain is trusted only as far as it holds together: a page counts when every page before
//! it was full and its first id follows the last one before it. What comes after a short page
//! (the end: its `[49]` does not exist) or a page that does not follow (a portal that does not
//! substitute) is dropped and read again by the next request from the last page that counted,
//! so a portal that chains nothing still gives a page a request.

use serde_json::{Value, json};

use super::b24_page::{Batch, Item, PageOf, Single};
use super::client::Client;
use super::sync::Failure;

/// Bitrix24's fixed page size.
pub const PAGE: usize = 50;
/// Commands a `batch` may hold.
const CHAIN: usize = 50;
/// Pages the first request of a list asks for: most lists of an incremental sync end on their
/// first page, and what a chain asks past the end is work for the portal (and, should it answer
/// a reference past the end by reading from the start, bytes for okk). Each request whose
/// pages all came full asks twice as many, up to [`CHAIN`]. A list read whole (every deal of a
/// first sync, the open activities) asks for [`CHAIN`] from the start.
const FIRST: usize = 2;

/// A list method paged by `>ID` in ascending id order, with `start=-1` (no count).
pub struct Chain {
    /// e.g. `crm.deal.list`.
    method: &'static str,
    /// The method's parameters but `filter[>ID]`, `order` and `start`.
    params: Value,
    /// Where the method's answer holds its items: `None` for `result`, `Some("items")` for
    /// `result.items` (`crm.stagehistory.list`).
    nested: Option<&'static str>,
    /// Pages the next request asks for; 1: the portal does not chain, a page a request.
    len: usize,
}

impl Chain {
    pub fn new(method: &'static str, params: Value, nested: Option<&'static str>) -> Chain {
        Chain {
            method,
            params,
            nested,
            len: FIRST,
        }
    }

    /// For a list read whole: long from the first request.
    pub fn whole(mut self, whole: bool) -> Chain {
        if whole {
            self.len = CHAIN;
        }
        self
    }

    /// The pages after id `after`, in order: at least one (perhaps empty) unless the request
    /// failed. The last page is short when the list has ended.
    pub fn read<T: Item>(
        &mut self,
        client: &mut Client,
        after: i64,
    ) -> Result<Vec<Vec<T>>, Failure> {
        if self.len <= 1 {
            return self.read_one(client, after).map(|p| vec![p]);
        }
        let path = self.nested.map_or(String::new(), |k| format!("[{k}]"));
        let base = php_query(&self.params);
        let sep = if base.is_empty() { "" } else { "&" };
        let cmd: serde_json::Map<String, Value> = (0..self.len)
            .map(|k| {
                let from = match k {
                    0 => after.to_string(),
                    _ => format!("$result[p{}]{path}[{}][ID]", k - 1, PAGE - 1),
                };
                let q = format!(
                    "{}?{base}{sep}filter%5B%3EID%5D={from}&order%5BID%5D=ASC&start=-1",
                    self.method
                );
                (format!("p{k}"), json!(q))
            })
            .collect();
        let what = "/batch.json";
        // halt: a command that fails (a reference past the end) stops the rest on the portal.
        let mut batch = client
            .post_with(what, &json!({"halt": 1, "cmd": cmd}), |t| {
                serde_json::from_str::<Batch<PageOf<T>>>(t)
            })
            .map_err(|e| Failure::at(what, e))?
            .unwrap_or_default();
        let (n, last_full) = {
            let pages: Vec<&[T]> = (0..self.len)
                .map_while(|k| batch.get(&format!("p{k}")).map(|p| p.0.as_slice()))
                .collect();
            let n = holding(&pages, after);
            (n, n > 0 && pages[n - 1].len() >= PAGE)
        };
        if n == 0 {
            // The first command failed: asked alone, its error is the method's own answer.
            return self.read_one(client, after).map(|p| vec![p]);
        }
        if last_full {
            self.len = if n < self.len {
                // The chain broke before the list ended: this portal does not chain.
                1
            } else {
                (self.len * 2).min(CHAIN)
            };
        }
        Ok((0..n)
            .map(|k| {
                batch
                    .take(&format!("p{k}"))
                    .map(|p| p.0)
                    .unwrap_or_default()
            })
            .collect())
    }

    /// Every item of the list, from its start, handed to `each` in order.
    pub fn each<T: Item>(
        &mut self,
        client: &mut Client,
        mut each: impl FnMut(T) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let mut after = 0i64;
        loop {
            let pages: Vec<Vec<T>> = self.read(client, after)?;
            let ended = pages.last().is_none_or(|p| p.len() < PAGE);
            for item in pages.into_iter().flatten() {
                after = after.max(item.id().unwrap_or(after));
                each(item)?;
            }
            if ended {
                return Ok(());
            }
        }
    }

    fn read_one<T: Item>(&self, client: &mut Client, after: i64) -> Result<Vec<T>, Failure> {
        let mut params = self.params.clone();
        params["filter"][">ID"] = json!(after);
        params["order"] = json!({"ID": "ASC"});
        params["start"] = json!(-1);
        let what = format!("/{}.json", self.method);
        let answer = client
            .post_with(&what, &params, |t| {
                serde_json::from_str::<Single<PageOf<T>>>(t)
            })
            .map_err(|e| Failure::at(&what, e))?;
        Ok(answer.map(|a| a.result.0).unwrap_or_default())
    }
}

/// How many of the leading pages hold together: each follows a full page and starts past the
/// last id before it (ids ascending within a page are not checked: the portal orders them).
fn holding<T: Item>(pages: &[&[T]], after: i64) -> usize {
    let mut last = after;
    for (k, page) in pages.iter().enumerate() {
        let ids: Option<Vec<i64>> = page.iter().map(Item::id).collect();
        let Some(ids) = ids else {
            return k;
        };
        if ids.first().is_some_and(|first| *first <= last) {
            return k;
        }
        if ids.len() < PAGE {
            return k + 1;
        }
        last = *ids.last().unwrap_or(&last);
    }
    pages.len()
}

/// Parameters as a PHP query string (`filter[>DATE_MODIFY]=…&select[0]=*`), the form a
/// `batch` command takes; keys and values percent-encoded.
pub fn php_query(params: &Value) -> String {
    let mut out = Vec::new();
    flatten(params, String::new(), &mut out);
    out.join("&")
}

fn flatten(v: &Value, key: String, out: &mut Vec<String>) {
    let nested = |k: &str| {
        if key.is_empty() {
            k.to_string()
        } else {
            format!("{key}[{k}]")
        }
    };
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(v, nested(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, nested(&i.to_string()), out);
            }
        }
        Value::Null => out.push(format!("{}=", encode(&key))),
        Value::String(s) => out.push(format!("{}={}", encode(&key), encode(s))),
        other => out.push(format!("{}={}", encode(&key), encode(&other.to_string()))),
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: std::ops::RangeInclusive<i64>) -> Vec<Value> {
        ids.map(|i| json!({"ID": i.to_string()})).collect()
    }

    #[test]
    fn a_query_is_php_s_nested_keys_percent_encoded() {
        let q = php_query(&json!({
            "filter": {">DATE_MODIFY": "2026-11-20T10:00:00+03:00", "@CATEGORY_ID": [0, 3]},
            "select": ["*", "UF_*"],
        }));
        assert_eq!(
            q,
            "filter%5B%3EDATE_MODIFY%5D=2026-11-20T10%3A00%3A00%2B03%3A00\
             &filter%5B%40CATEGORY_ID%5D%5B0%5D=0&filter%5B%40CATEGORY_ID%5D%5B1%5D=3\
             &select%5B0%5D=*&select%5B1%5D=UF_*"
        );
    }

    #[test]
    fn pages_count_while_the_chain_holds() {
        let (a, b, c) = (page(1..=50), page(51..=100), page(101..=120));
        // Full, full, short: all three, the list has ended.
        assert_eq!(holding(&[&a, &b, &c], 0), 3);
        // After a short page nothing counts (the portal's answer to a reference past the end).
        assert_eq!(holding(&[&c, &a], 100), 1);
        // A page that does not follow the one before it (no substitution: the first page
        // again): dropped with all after it.
        assert_eq!(holding(&[&a, &a, &b], 0), 1);
        // The first page must follow the id asked for.
        assert_eq!(holding(&[&a], 10), 0);
        // An item without an id stops the chain there.
        let bad = vec![json!({"TITLE": "x"})];
        assert_eq!(holding(&[&a, &bad], 0), 1);
        // An empty page is the end, and counts.
        assert_eq!(holding::<Value>(&[&a, &[]], 0), 2);
    }
}
