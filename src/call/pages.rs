//! Walking the pages of a paged list operation.

use crate::call::{Operation, Request, Response};
use crate::error::Error;

/// An operation that returns `totalCount` items a window at a time, with
/// the query parameters `start` (inclusive) and `end` (exclusive).
/// Implemented in generated code for every operation of that shape (a rule
/// on the spec, not a list); walk it with [`Request::pages`].
pub trait Paged: Operation {
    /// Selects the window `start..end`.
    fn window(self, start: i64, end: i64) -> Self;
    /// `totalCount` of an answer, if it has one.
    fn total_count(output: &Self::Output) -> Option<i64>;
}

impl<B: Paged + Clone> Request<B> {
    /// Walks every page of a paged list operation, `page_size` items at a
    /// time (at least 1), from the first: each call to [`Pages::next`] sends
    /// one request. It stops after the page that reaches `totalCount`, or
    /// after an error (which it yields).
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// let mut pages = authlete.client_get_list().pages(100);
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     for client in &page.clients {
    ///         println!("{:?}", client.client_id);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self, page_size: u32) -> Pages<B> {
        Pages { template: self, next_start: Some(0), page_size: i64::from(page_size.max(1)) }
    }
}

/// The pages of a paged list operation: see [`Request::pages`].
#[derive(Debug)]
#[must_use = "pages are fetched by `.next().await`"]
pub struct Pages<B> {
    template: Request<B>,
    next_start: Option<i64>,
    page_size: i64,
}

impl<B: Paged + Clone> Pages<B> {
    /// Fetches the next page; `None` once every page was fetched.
    pub async fn next(&mut self) -> Option<Result<Response<B::Output>, Error>> {
        let start = self.next_start?;
        let end = start.saturating_add(self.page_size);
        let result = self.template.clone().map(|b| b.window(start, end)).send().await;
        self.next_start = match &result {
            Ok(page) => B::total_count(page).filter(|total| end < *total).map(|_| end),
            Err(_) => None,
        };
        Some(result)
    }
}
