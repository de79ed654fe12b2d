#pragma once

#include <c10/core/Device.h>
#include <functional>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace dragon {

// Runs the independent rows of a CPU batch as shards on their own threads. With OpenBLAS's own
// pthread pool (ComputeThreads), one batch on N cores runs torch's element-wise operators on
// one thread while OpenBLAS's workers wait for the next product; N shards, each on its own
// thread with single-threaded BLAS, keep every core busy with both (bench-generate, 2 cores:
// see core/model/README.md). Used for inference only (sampling): no autograd state is shared.
class ParallelShards
{
public:
    using Range = std::pair<int, int>; // [begin, end) of the batch's rows
    // How many shards a batch of `rows` rows on `device` gets: on the CPU the cores
    // ComputeThreads gave the job, at most one per row, when OpenBLAS runs its own pool; else 1
    // (torch's pool already spreads each operator over the cores; a GPU needs no shards).
    static int count(int rows, const c10::Device &device);
    // `shards` contiguous ranges covering [0, rows), the first ones one row longer when rows
    // do not divide evenly.
    static std::vector<Range> ranges(int rows, int shards);
    // Calls work(shard, range) for each range: shard 0 on the calling thread, the others on
    // threads of their own (torch at one thread, gradients off), with OpenBLAS at one thread
    // meanwhile (restored after). Waits for all, then rethrows the first exception.
    static void run(const std::vector<Range> &ranges,
                    const std::function<void(int shard, Range range)> &work);
    // The rows of a batch on `device`, computed shard by shard (run() over count() shards; one
    // shard: on the calling thread) and concatenated along dimension 0. An undefined part (a
    // shard that was cancelled) makes the result undefined.
    static at::Tensor concatRows(int rows, const c10::Device &device,
                                 const std::function<at::Tensor(int shard, Range range)> &part);
};

} // namespace dragon
