//! Walking the pages of a paged list operation: a [`Stream`] of pages, or
//! of the items across them.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::Stream;

use crate::call::{Operation, Request, Response};
use crate::error::Error;

/// An operation that returns a list a window at a time, with the query
/// parameters `start` (inclusive) and `end` (exclusive) and the answer's
/// `totalCount`. Implemented in generated code for every operation of that
/// shape (a rule on the spec, not a list); walk it with [`Request::pages`].
pub trait Paged: Operation {
    /// Selects the window `start..end`.
    fn window(self, start: u32, end: u32) -> Self;
    /// `totalCount` of an answer, if it has one (and it is not negative).
    fn total_count(output: &Self::Output) -> Option<u32>;
    /// How many items the answer holds, when its type has one list.
    fn page_len(output: &Self::Output) -> Option<usize>;
}

/// A [`Paged`] operation whose answer holds one list: the items
/// [`Pages::items`] walks. Implemented in generated code by the same rule.
pub trait PagedItems: Paged {
    /// One element of the list (`Client` for `client_get_list`).
    type Item;
    /// The answer's list.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

impl<B: Paged + Clone> Request<B> {
    /// Walks every page of a paged list operation, `page_size` items at a
    /// time (at least 1), from the first: each page is one request, sent
    /// when the stream is polled, for the window after the last item
    /// received (a server that answers fewer items than asked loses
    /// none). It ends after the page that reaches
    /// `totalCount`; when an answer has no `totalCount`, after a page with
    /// fewer than `page_size` items; after an empty page; or after an error
    /// (which it yields).
    ///
    /// [`Pages`] is a [`Stream`]; its own [`Pages::next`] needs no stream
    /// trait in scope, and [`Pages::items`] walks the items instead.
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// let mut pages = authlete.client_get_list().pages(100);
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     println!("{} of {:?}", page.clients.len(), page.total_count);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages<'a>(self, page_size: u32) -> Pages<'a, B>
    where
        B: 'a,
    {
        Pages { template: self, next_start: Some(0), page_size: page_size.max(1), in_flight: None }
    }
}

type PageFuture<'a, O> = Pin<Box<dyn Future<Output = Result<Response<O>, Error>> + Send + 'a>>;

/// The pages of a paged list operation, a [`Stream`] of
/// `Result<Response<_>, Error>`: see [`Request::pages`].
#[must_use = "pages are fetched when the stream is polled (`.next().await`)"]
pub struct Pages<'a, B: Operation> {
    template: Request<B>,
    next_start: Option<u32>,
    page_size: u32,
    /// The request for the window starting at `.0`.
    in_flight: Option<(u32, PageFuture<'a, B::Output>)>,
}

impl<B: Operation + std::fmt::Debug> std::fmt::Debug for Pages<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("template", &self.template)
            .field("next_start", &self.next_start)
            .field("page_size", &self.page_size)
            .field("in_flight", &self.in_flight.is_some())
            .finish()
    }
}

/// Where the next window starts after the page asked for as
/// `start..start + page_size` came with `len` items, or `None` when that
/// page was the last. The next window starts after the items received: a
/// server that answers fewer than asked (a cap of its own) skips none.
fn next_start(start: u32, page_size: u32, total: Option<u32>, len: Option<usize>) -> Option<u32> {
    let next = match len {
        Some(0) => return None,
        Some(len) => start.saturating_add(u32::try_from(len).unwrap_or(u32::MAX)),
        None => start.saturating_add(page_size),
    };
    let more = match (total, len) {
        (Some(total), _) => next < total,
        (None, Some(len)) => len >= page_size as usize,
        (None, None) => false,
    };
    // Saturated: no window can start after it.
    (more && next < u32::MAX).then_some(next)
}

impl<'a, B> Pages<'a, B>
where
    B: Paged + Clone + Send + Unpin + 'a,
    B::Output: Send + 'a,
{
    /// The next page; `None` once every page was fetched. The same as
    /// `StreamExt::next`, without the trait.
    pub async fn next(&mut self) -> Option<Result<Response<B::Output>, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The items of every page, one at a time: a [`Stream`] of
    /// `Result<Item, Error>`.
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// let mut clients = authlete.client_get_list().pages(100).items();
    /// while let Some(client) = clients.next().await {
    ///     println!("{:?}", client?.client_id);
    /// }
    /// // or all of them at once
    /// let all = authlete.client_get_list().pages(100).items().collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> Items<'a, B>
    where
        B: PagedItems,
    {
        Items { pages: self, buffered: Vec::new().into_iter() }
    }
}

impl<'a, B> Stream for Pages<'a, B>
where
    B: Paged + Clone + Send + Unpin + 'a,
    B::Output: Send + 'a,
{
    type Item = Result<Response<B::Output>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            let Some(start) = this.next_start else { return Poll::Ready(None) };
            let end = start.saturating_add(this.page_size);
            let request = this.template.clone().map(|b| b.window(start, end));
            this.in_flight = Some((start, Box::pin(request.send())));
        }
        let (start, page) = this.in_flight.as_mut().expect("set above");
        let result = ready!(page.as_mut().poll(cx));
        let start = *start;
        this.in_flight = None;
        this.next_start = match &result {
            Ok(page) => next_start(start, this.page_size, B::total_count(page), B::page_len(page)),
            Err(_) => None,
        };
        Poll::Ready(Some(result))
    }
}

/// The items across the pages of a paged list operation, a [`Stream`] of
/// `Result<Item, Error>`: see [`Pages::items`].
#[must_use = "items are fetched when the stream is polled (`.next().await`)"]
pub struct Items<'a, B: PagedItems> {
    pages: Pages<'a, B>,
    buffered: std::vec::IntoIter<B::Item>,
}

impl<B: PagedItems + std::fmt::Debug> std::fmt::Debug for Items<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffered.len()).finish()
    }
}

impl<'a, B> Items<'a, B>
where
    B: PagedItems + Clone + Send + Unpin + 'a,
    B::Output: Send + 'a,
    B::Item: Unpin,
{
    /// The next item; `None` after the last. The same as
    /// `StreamExt::next`, without the trait.
    pub async fn next(&mut self) -> Option<Result<B::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item of every page, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<B::Item>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<'a, B> Stream for Items<'a, B>
where
    B: PagedItems + Clone + Send + Unpin + 'a,
    B::Output: Send + 'a,
    B::Item: Unpin,
{
    type Item = Result<B::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(page)) => this.buffered = B::into_items(page.into_inner()).into_iter(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_start;

    #[test]
    fn a_total_count_ends_the_walk_at_the_page_that_reaches_it() {
        assert_eq!(next_start(0, 3, Some(7), Some(3)), Some(3));
        assert_eq!(next_start(6, 3, Some(7), Some(1)), None);
        assert_eq!(next_start(0, 7, Some(7), Some(7)), None);
    }

    #[test]
    fn a_page_shorter_than_asked_is_followed_from_its_last_item() {
        // The server caps pages at 100: nothing between 100 and 1000 is skipped.
        assert_eq!(next_start(0, 1000, Some(250), Some(100)), Some(100));
        assert_eq!(next_start(200, 1000, Some(250), Some(50)), None);
    }

    #[test]
    fn without_a_total_count_a_short_page_is_the_last() {
        assert_eq!(next_start(0, 3, None, Some(3)), Some(3));
        assert_eq!(next_start(3, 3, None, Some(2)), None);
        assert_eq!(next_start(3, 3, None, None), None);
    }

    #[test]
    fn an_empty_page_ends_the_walk_whatever_the_total_says() {
        assert_eq!(next_start(0, 3, Some(100), Some(0)), None);
    }

    #[test]
    fn the_last_possible_window_ends_the_walk() {
        assert_eq!(next_start(u32::MAX - 5, 10, None, Some(10)), None);
    }
}
