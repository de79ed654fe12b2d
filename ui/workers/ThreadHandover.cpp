#include "workers/ThreadHandover.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

void ThreadHandover::send(const void *channel)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_release(const_cast<void *>(channel));
#else
    (void)channel;
#endif
}

void ThreadHandover::receive(const void *channel)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(const_cast<void *>(channel));
#else
    (void)channel;
#endif
}

void ThreadHandover::watchThreadEnd(QThread *thread, const QObject *worker)
{
    QObject::connect(
        thread, &QThread::finished, thread, [worker] { send(worker); }, Qt::DirectConnection);
}
