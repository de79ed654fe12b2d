#include "dragon/DistributedGroup.h"

#include <chrono>
#include <stdexcept>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace dragon {

struct DistributedGroup::Impl
{
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

DistributedGroup::DistributedGroup(int worldSize, int rank, const std::string &master,
                                   int timeoutSeconds)
    : m_impl(std::make_unique<Impl>()), m_worldSize(worldSize), m_rank(rank)
{
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        throw std::runtime_error("bad world size / rank: " + std::to_string(worldSize) + " / " +
                                 std::to_string(rank));
    if (worldSize == 1)
        return;
    const auto colon = master.rfind(':');
    if (colon == std::string::npos)
        throw std::runtime_error("--master must be HOST:PORT, got '" + master + "'");
    const std::string host = master.substr(0, colon);
    int port = 0;
    try {
        port = std::stoi(master.substr(colon + 1));
    } catch (const std::exception &) {
        throw std::runtime_error("--master must be HOST:PORT, got '" + master + "'");
    }
    try {
        c10d::TCPStoreOptions options;
        options.port = std::uint16_t(port);
        options.isServer = rank == 0;
        options.numWorkers = worldSize;
        options.timeout = std::chrono::seconds(timeoutSeconds);
        m_impl->store = c10::make_intrusive<c10d::TCPStore>(host, options);
        auto groupOptions =
            c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(timeoutSeconds));
        groupOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
        m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_impl->store, rank, worldSize,
                                                                    groupOptions);
    } catch (const std::exception &e) {
        throw std::runtime_error("cannot join the training group at " + master + " as rank " +
                                 std::to_string(rank) + " of " + std::to_string(worldSize) + ": " +
                                 e.what());
    }
}

DistributedGroup::~DistributedGroup() = default;

void DistributedGroup::allReduceSum(std::vector<torch::Tensor> &tensors)
{
    if (!active() || tensors.empty())
        return;
    // One flat buffer: one collective instead of one per parameter.
    std::vector<torch::Tensor> flat{torch::cat([&] {
        std::vector<torch::Tensor> parts;
        for (const auto &t : tensors)
            parts.push_back(t.reshape({-1}).to(torch::kCPU, torch::kFloat32));
        return parts;
    }())};
    m_impl->group->allreduce(flat)->wait();
    int64_t offset = 0;
    for (auto &t : tensors) {
        const int64_t n = t.numel();
        t.copy_(flat[0].narrow(0, offset, n).view(t.sizes()));
        offset += n;
    }
}

torch::Tensor DistributedGroup::allGather(const torch::Tensor &local)
{
    if (!active())
        return local;
    // Sizes first (ranks may hold different numbers of rows), then padded rows.
    std::vector<torch::Tensor> count{torch::tensor({local.size(0)}, torch::kInt64)};
    std::vector<std::vector<torch::Tensor>> counts(1);
    for (int r = 0; r < m_worldSize; ++r)
        counts[0].push_back(torch::zeros({1}, torch::kInt64));
    m_impl->group->allgather(counts, count)->wait();
    int64_t most = 0;
    std::vector<int64_t> sizes;
    for (const auto &c : counts[0]) {
        sizes.push_back(c.item<int64_t>());
        most = std::max(most, sizes.back());
    }
    auto shape = local.sizes().vec();
    shape[0] = most;
    std::vector<torch::Tensor> padded{torch::zeros(shape, local.options())};
    if (local.size(0) > 0)
        padded[0].narrow(0, 0, local.size(0)).copy_(local);
    std::vector<std::vector<torch::Tensor>> gathered(1);
    for (int r = 0; r < m_worldSize; ++r)
        gathered[0].push_back(torch::zeros(shape, local.options()));
    m_impl->group->allgather(gathered, padded)->wait();
    std::vector<torch::Tensor> parts;
    for (int r = 0; r < m_worldSize; ++r)
        parts.push_back(gathered[0][std::size_t(r)].narrow(0, 0, sizes[std::size_t(r)]));
    return torch::cat(parts, 0);
}

void DistributedGroup::barrier()
{
    if (active())
        m_impl->group->barrier()->wait();
}

} // namespace dragon
