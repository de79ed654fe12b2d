#include "model/ParallelShards.h"

#include "model/ComputeThreads.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <torch/torch.h>

namespace dragon {

int ParallelShards::count(int rows, const c10::Device &device)
{
    if (!device.is_cpu() || !ComputeThreads::blasHasOwnPool())
        return 1;
    return std::max(1, std::min(rows, ComputeThreads::cores()));
}

std::vector<ParallelShards::Range> ParallelShards::ranges(int rows, int shards)
{
    shards = std::max(1, std::min(shards, rows));
    std::vector<Range> out;
    int begin = 0;
    for (int k = 0; k < shards; ++k) {
        const int length = rows / shards + (k < rows % shards ? 1 : 0);
        out.emplace_back(begin, begin + length);
        begin += length;
    }
    return out;
}

void ParallelShards::run(const std::vector<Range> &ranges,
                         const std::function<void(int shard, Range range)> &work)
{
    if (ranges.size() <= 1) {
        for (std::size_t k = 0; k < ranges.size(); ++k)
            work(int(k), ranges[k]);
        return;
    }
    const ComputeThreads::SingleThreadedBlas blas; // each shard's products on its own thread
    std::vector<std::exception_ptr> errors(ranges.size());
    std::vector<std::thread> workers;
    const bool gradients = torch::GradMode::is_enabled();
    try {
        for (std::size_t k = 1; k < ranges.size(); ++k)
            workers.emplace_back([&, k] {
                try {
                    torch::set_num_threads(1);
                    torch::AutoGradMode mode(gradients);
                    work(int(k), ranges[k]);
                } catch (...) {
                    errors[k] = std::current_exception();
                }
            });
    } catch (...) { // no thread to be had: wait for those started, then report it
        for (auto &w : workers)
            w.join();
        throw;
    }
    try {
        work(0, ranges[0]);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto &w : workers)
        w.join();
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
}

at::Tensor ParallelShards::concatRows(int rows, const c10::Device &device,
                                      const std::function<at::Tensor(int, Range)> &part)
{
    const auto shards = ranges(rows, count(rows, device));
    if (shards.size() == 1)
        return part(0, shards[0]);
    std::vector<at::Tensor> parts(shards.size());
    run(shards, [&](int shard, Range r) { parts[std::size_t(shard)] = part(shard, r); });
    for (const auto &p : parts)
        if (!p.defined())
            return {};
    return torch::cat(parts, 0);
}

} // namespace dragon
