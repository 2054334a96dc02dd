//! Software prefetching for the event loop: the people who join in a tick are known before
//! the tick is played, so the memory their turn will touch (where their adjacency list is, then
//! the list itself) can be asked for a few turns ahead, and the turns overlap their cache
//! misses instead of waiting for each in turn.

/// Asks the CPU to bring `slice[index]` into cache; nothing when `index` is out of range or
/// on targets without a prefetch instruction. Never changes results.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    if let Some(item) = slice.get(index) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch is a hint: it reads nothing the program sees and cannot fault,
            // and the address is that of a live element of the slice.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = item;
    }
}
