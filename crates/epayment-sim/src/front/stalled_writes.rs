//! A socket whose writes must make progress, for the HTTP front.

use std::future::Future as _;
use std::time::Duration;

/// A connection's socket whose writes must make progress: a write (or flush) that has waited
/// `limit` for the client to read fails, and hyper closes the connection. Without it a client
/// that pipelines requests and reads no answer holds its connection, and its place among the
/// connections, for good.
pub(crate) struct StalledWrites<T> {
    io: T,
    limit: Duration,
    /// Armed when a write first has to wait; disarmed when one goes through.
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<T> StalledWrites<T> {
    pub(crate) fn new(io: T, limit: Duration) -> Self {
        Self { io, limit, stalled: None }
    }

    /// A write's outcome as the connection sees it: one that has to wait keeps waiting until
    /// the limit, then fails; one that goes through disarms the limit.
    fn went<R>(
        &mut self,
        done: std::task::Poll<std::io::Result<R>>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<R>> {
        if done.is_ready() {
            self.stalled = None;
            return done;
        }
        let limit = self.limit;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            std::task::Poll::Ready(()) => std::task::Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client read no answer in time",
            ))),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for StalledWrites<T> {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for StalledWrites<T> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let done = std::pin::Pin::new(&mut this.io).poll_write(cx, buf);
        this.went(done, cx)
    }

    fn poll_write_vectored(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let done = std::pin::Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.went(done, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let done = std::pin::Pin::new(&mut this.io).poll_flush(cx);
        this.went(done, cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let done = std::pin::Pin::new(&mut this.io).poll_shutdown(cx);
        this.went(done, cx)
    }
}
