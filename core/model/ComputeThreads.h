#pragma once

#include <string>

namespace dragon {

// How many CPU cores a job's tensor work takes, set in one place. Debian's libtorch runs its
// own operators on an OpenMP pool and its matrix products on OpenBLAS's separate pthread pool;
// with both at N threads on N cores, OpenMP's threads spin after each parallel region while
// OpenBLAS's need the cores, and a DRAGON round took 1.6x as long (dragon bench-round, 2
// cores: 5.0 s vs 3.1 s). When OpenBLAS has its own pool, the cores go to it and torch's
// operators run on the calling thread; otherwise (OpenMP OpenBLAS, MKL, a single-threaded
// BLAS) torch's pool takes them all.
class ComputeThreads
{
public:
    // Cores a job takes when the user did not say: all of them on a machine of one or two
    // cores, all but one (for the window) on a bigger one.
    static int defaultCount();
    // Sets the calling thread's torch operator threads and the BLAS pool for `cores` cores
    // (<= 0: defaultCount()). torch's count is per thread: call it on the thread that computes.
    // Returns the cores used.
    static int use(int cores);
    // What use() sets, for benchmark output: "torch 1 + OpenBLAS 2 (own pool)".
    static std::string describe();
    // The cores the last use() set (1 before any call).
    static int cores();
    // Whether OpenBLAS runs its own pthread pool (the set-up use() gives it the cores in).
    static bool blasHasOwnPool();

    // While it lives, OpenBLAS computes each product on its caller's thread (ParallelShards:
    // one shard per core); it gives the pool back the threads it had.
    class SingleThreadedBlas
    {
    public:
        SingleThreadedBlas();
        ~SingleThreadedBlas();
        SingleThreadedBlas(const SingleThreadedBlas &) = delete;
        SingleThreadedBlas &operator=(const SingleThreadedBlas &) = delete;

    private:
        int m_previous = 0; // 0: nothing to give back
    };
};

} // namespace dragon
