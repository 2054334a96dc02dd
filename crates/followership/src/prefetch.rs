//! Software prefetching for the hot loops that hop around a network: when the people a loop
//! will visit next are known a little ahead (those who join in a tick, the people several
//! reverse-reachable sets reach next), the memory their turn will touch can be asked for
//! first, so the turns overlap their cache misses instead of waiting for each in turn.

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
