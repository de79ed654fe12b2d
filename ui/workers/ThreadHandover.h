#pragma once

#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <type_traits>
#include <utility>

// Tells ThreadSanitizer about the order Qt's event queue gives a hand-over between threads: a
// queued signal or call, a QtConcurrent task and its result. Debian's Qt is not built with
// TSan, so the mutex that orders its queue is invisible to it and every such hand-over would
// read as a race (tests/run_sanitizers.sh tsan-gui). Qt's own copies of the hand-over (queued
// arguments, a task's closure, a future's result store) are suppressed by name in
// tests/tsan.supp. Without TSan the marks do nothing.
//
// Each helper below makes both halves of one kind of hand-over, so a call site cannot mark one
// side and forget the other: the sending thread releases on a channel (an object both sides
// know) after it has written what it hands over and before Qt posts it; the receiving thread
// acquires on the same channel before it reads it.
class ThreadHandover
{
public:
    // The two marks, for a hand-over the helpers do not cover.
    static void send(const void *channel);
    static void receive(const void *channel);

    // connect() for a signal that crosses threads (queued): a direct connection first, which
    // sends on the emitting thread as the signal is emitted (before the queued connection, made
    // second, posts it), then the queued connection, which receives before it calls `slot` on
    // `context`'s thread. The channel is the sender. `slot` is a functor taking the signal's
    // arguments or a member function of Context.
    template <typename Sender, typename... Args, typename Context, typename Slot>
    static QMetaObject::Connection relay(Sender *sender, void (Sender::*signal)(Args...),
                                         Context *context, Slot slot)
    {
        QObject::connect(
            sender, signal, sender, [sender] { send(sender); }, Qt::DirectConnection);
        return QObject::connect(
            sender, signal, context,
            [sender, context, slot](Args... args) {
                receive(sender);
                call(context, slot, args...);
            },
            Qt::QueuedConnection);
    }

    // QMetaObject::invokeMethod(context, fn, Qt::QueuedConnection) from another thread: sends
    // now, receives on context's thread before fn runs. The channel is the context.
    template <typename Functor> static void post(QObject *context, Functor fn)
    {
        send(context);
        QMetaObject::invokeMethod(
            context,
            [context, fn = std::move(fn)]() mutable {
                receive(context);
                fn();
            },
            Qt::QueuedConnection);
    }

    // Wraps the work of a QtConcurrent task: sends on the calling thread now, receives when the
    // task starts on the pool's thread and sends again when it has its result, which the slot
    // connected by onTaskFinished() receives before it reads the result. The channel is the
    // watcher.
    template <typename Watcher, typename Work> static auto task(const Watcher *watcher, Work work)
    {
        const void *channel = watcher;
        send(channel);
        return [channel, work = std::move(work)]() mutable {
            receive(channel);
            auto result = work();
            send(channel);
            return result;
        };
    }
    template <typename T, typename Context, typename Slot>
    static QMetaObject::Connection onTaskFinished(QFutureWatcher<T> *watcher, Context *context,
                                                  Slot slot)
    {
        return QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                                [watcher, context, slot] {
                                    receive(watcher);
                                    call(context, slot);
                                });
    }

    // A worker object living on `thread` and deleted by its owner after thread->wait(): the
    // thread's last act sends (a direct connection on that thread); destroy() receives, then
    // deletes, so the worker's whole life on the thread happens before its deletion.
    static void watchThreadEnd(QThread *thread, const QObject *worker);
    template <typename Worker> static void destroy(Worker *worker)
    {
        receive(worker);
        delete worker;
    }

private:
    template <typename Context, typename Slot, typename... Args>
    static void call(Context *context, const Slot &slot, Args &&...args)
    {
        if constexpr (std::is_member_function_pointer_v<Slot>)
            (context->*slot)(std::forward<Args>(args)...);
        else
            slot(std::forward<Args>(args)...);
    }
};
