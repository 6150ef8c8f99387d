//! An admin routine over a service's clients: create some, list them all
//! with `.items()`, rename one, delete one, list again.
//!
//! ```sh
//! cargo run --example admin
//! ```
//!
//! It runs against `authlete-mock`, scripted as a small store of clients:
//! each responder reads its call typed (the body as the operation's request
//! type, path and query parameters by name) and answers with the
//! operation's own types. No path is parsed by hand.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use authlete::operation::{client_create, client_delete, client_get_list, client_update};
use authlete::Authlete;
use authlete_mock::{MockAuthlete, MockReply};

/// The clients, by id.
type Store = Arc<Mutex<BTreeMap<i64, client_create::Success>>>;

/// Scripts the four operations of the routine over one store.
fn script(mock: &MockAuthlete) -> Store {
    let store = Store::default();

    let clients = store.clone();
    mock.on_request::<client_create::Builder>(move |call| {
        let Some(mut client) = call.request.clone() else {
            return MockReply::error(400, "A001201", "the body is not a client");
        };
        let mut clients = clients.lock().expect("store");
        let id = clients.keys().next_back().map_or(1001, |last| last + 1);
        client.client_id = Some(id);
        clients.insert(id, client.clone());
        MockReply::ok(client)
    });

    let clients = store.clone();
    mock.on_request::<client_get_list::Builder>(move |call| {
        let clients = clients.lock().expect("store");
        let start = call.query_as::<usize>("start").unwrap_or(0);
        let end = call.query_as::<usize>("end").unwrap_or(clients.len());
        let mut page = client_get_list::Success::default();
        page.clients = clients.values().skip(start).take(end.saturating_sub(start)).cloned().collect();
        page.total_count = i32::try_from(clients.len()).ok();
        MockReply::ok(page)
    });

    let clients = store.clone();
    mock.on_request::<client_update::Builder>(move |call| {
        let id = call.path_param("clientId").and_then(|id| id.parse().ok());
        let mut clients = clients.lock().expect("store");
        match (id.and_then(|id| clients.get_mut(&id)), &call.request) {
            (Some(stored), Some(update)) => {
                stored.client_name.clone_from(&update.client_name);
                MockReply::ok(stored.clone())
            }
            _ => MockReply::error(404, "A001202", "no such client"),
        }
    });

    let clients = store.clone();
    mock.on_request::<client_delete::Builder>(move |call| {
        let id = call.path_param("clientId").and_then(|id| id.parse::<i64>().ok());
        match id.and_then(|id| clients.lock().expect("store").remove(&id)) {
            Some(_) => MockReply::no_content(),
            None => MockReply::error(404, "A001202", "no such client"),
        }
    });
    store
}

/// The routine itself: what an admin tool would run against Authlete.
async fn routine(authlete: &Authlete) -> Result<Vec<String>, authlete::Error> {
    for name in ["web", "mobile", "batch", "partner", "legacy"] {
        let mut client = client_create::Body::default();
        client.client_name = Some(name.to_string());
        authlete.client_create().body(client).send().await?;
    }

    let all = authlete.client_get_list().pages(2).items().collect_all().await?;
    println!("{} clients", all.len());

    let legacy = all.iter().find(|c| c.client_name.as_deref() == Some("legacy")).and_then(|c| c.client_id);
    let batch = all.iter().find(|c| c.client_name.as_deref() == Some("batch")).and_then(|c| c.client_id);
    if let Some(id) = batch {
        let mut update = client_update::Body::default();
        update.client_name = Some("nightly-batch".to_string());
        authlete.client_update().client_id(id).body(update).send().await?;
    }
    if let Some(id) = legacy {
        authlete.client_delete().client_id(id).send().await?;
    }

    let mut names = Vec::new();
    let mut clients = authlete.client_get_list().pages(2).items();
    while let Some(client) = clients.next().await {
        let client = client?;
        names.push(format!("{} {}", client.client_id.unwrap_or_default(), client.client_name.unwrap_or_default()));
    }
    Ok(names)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockAuthlete::start().await?;
    let store = script(&mock);
    let names = routine(&mock.client()).await?;
    for name in &names {
        println!("{name}");
    }
    assert_eq!(names.len(), store.lock().expect("store").len());
    println!("admin routine done");
    Ok(())
}
