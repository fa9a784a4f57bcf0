//! Taking a lock that a panic may have poisoned.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `m`, also after a panic while another held it: every change the simulator makes under
/// its locks is made whole or not at all, so what a panic leaves is still consistent enough to
/// serve from.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
