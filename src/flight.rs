//! Single flight on one thread: the first caller runs the work, everyone who asks while it runs
//! waits for the same result. No lock is held while anyone waits, and a waiter never blocks the
//! runner.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// One piece of work in progress, shared by its waiters.
pub struct Flight<T> {
    result: RefCell<Option<T>>,
    waiters: RefCell<Vec<Waker>>,
}

impl<T: Clone> Flight<T> {
    /// A flight with no result yet.
    pub fn new() -> Rc<Self> {
        Rc::new(Flight { result: RefCell::new(None), waiters: RefCell::new(Vec::new()) })
    }

    /// Records the result and wakes every waiter.
    pub fn land(&self, value: T) {
        *self.result.borrow_mut() = Some(value);
        for waker in self.waiters.borrow_mut().drain(..) {
            waker.wake();
        }
    }

    /// The result, if it has landed (a driver that steps by hand reads it here).
    pub fn wait_now(&self) -> Option<T> {
        self.result.borrow().clone()
    }

    /// Resolves with the result once it lands.
    pub fn wait(self: &Rc<Self>) -> Wait<T> {
        Wait(self.clone())
    }
}

/// The future returned by [`Flight::wait`].
pub struct Wait<T>(Rc<Flight<T>>);

impl<T: Clone> Future for Wait<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(value) = self.0.result.borrow().as_ref() {
            return Poll::Ready(value.clone());
        }
        self.0.waiters.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(std::sync::atomic::AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn waiters_get_the_landed_value() {
        let flight = Flight::new();
        let counter = Arc::new(Count(0.into()));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let mut a = Box::pin(flight.wait());
        let mut b = Box::pin(flight.wait());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(b.as_mut().poll(&mut cx).is_pending());
        flight.land(7);
        assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(a.as_mut().poll(&mut cx), Poll::Ready(7));
        assert_eq!(b.as_mut().poll(&mut cx), Poll::Ready(7));
    }
}
