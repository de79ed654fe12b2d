#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

namespace dragon {

// Single-producer single-consumer lock-free ring buffer. All memory is allocated in the
// constructor; read() and write() never allocate, lock or block, so the consumer may be a
// realtime audio callback. Capacity is rounded up to a power of two.
template <typename T> class SpscRingBuffer
{
public:
    explicit SpscRingBuffer(std::size_t capacity)
    {
        std::size_t size = 1;
        while (size < capacity)
            size <<= 1;
        m_data.resize(size);
        m_mask = size - 1;
    }

    std::size_t capacity() const { return m_data.size(); }
    std::size_t readAvailable() const
    {
        return m_head.load(std::memory_order_acquire) - m_tail.load(std::memory_order_relaxed);
    }
    std::size_t writeAvailable() const
    {
        return capacity() -
               (m_head.load(std::memory_order_relaxed) - m_tail.load(std::memory_order_acquire));
    }

    // Producer side. Returns how many items were written (may be fewer than `count`).
    std::size_t write(const T *items, std::size_t count)
    {
        const std::size_t head = m_head.load(std::memory_order_relaxed);
        const std::size_t tail = m_tail.load(std::memory_order_acquire);
        const std::size_t n = std::min(count, capacity() - (head - tail));
        const std::size_t first = std::min(n, capacity() - (head & m_mask));
        std::copy_n(items, first, m_data.begin() + (head & m_mask));
        std::copy_n(items + first, n - first, m_data.begin());
        m_head.store(head + n, std::memory_order_release);
        return n;
    }

    // Consumer side. Returns how many items were read.
    std::size_t read(T *items, std::size_t count)
    {
        const std::size_t tail = m_tail.load(std::memory_order_relaxed);
        const std::size_t head = m_head.load(std::memory_order_acquire);
        const std::size_t n = std::min(count, head - tail);
        const std::size_t first = std::min(n, capacity() - (tail & m_mask));
        std::copy_n(m_data.begin() + (tail & m_mask), first, items);
        std::copy_n(m_data.begin(), n - first, items + first);
        m_tail.store(tail + n, std::memory_order_release);
        return n;
    }

    // Only while neither side is running.
    void reset()
    {
        m_head.store(0, std::memory_order_relaxed);
        m_tail.store(0, std::memory_order_relaxed);
    }

private:
    std::vector<T> m_data;
    std::size_t m_mask = 0;
    alignas(64) std::atomic<std::size_t> m_head{0}; // written by the producer
    alignas(64) std::atomic<std::size_t> m_tail{0}; // written by the consumer
};

} // namespace dragon
