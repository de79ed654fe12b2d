#pragma once

#include <utility>

// Tells ThreadSanitizer about the order Qt's event queue gives a hand-over between threads: a
// queued signal or call, a QtConcurrent task and its result. Debian's Qt is not built with
// TSan, so the mutex that orders its queue is invisible to it and every such hand-over would
// read as a race (tests/run_sanitizers.sh tsan-gui). The sending thread calls send() after it
// has written what it hands over and before it posts it; the receiving thread calls receive()
// before it reads it, on the same channel (an object both sides know). Qt's own copies of the
// hand-over (queued arguments, a task's closure, a future's result store) are suppressed by
// name in tests/tsan.supp. Without TSan both calls do nothing.
class ThreadHandover
{
public:
    static void send(const void *channel);
    static void receive(const void *channel);

    // Wraps the work of a QtConcurrent task: sends on the calling thread now, receives when the
    // task starts on the pool's thread and sends again when it has its result, which the
    // watcher's finished slot then receive()s on the same channel.
    template <typename Work> static auto task(const void *channel, Work work)
    {
        send(channel);
        return [channel, work = std::move(work)]() mutable {
            receive(channel);
            auto result = work();
            send(channel);
            return result;
        };
    }
};
