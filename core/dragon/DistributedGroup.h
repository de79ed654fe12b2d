#pragma once

#include <memory>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

// Multi-process training over torch's own c10d: a TCPStore rendezvous at master host:port
// (rank 0 serves it) and a ProcessGroupGloo (CPU tensors; a CUDA libtorch would use NCCL, not
// built here). A world of 1 needs no store and every collective is a no-op.
class DistributedGroup
{
public:
    DistributedGroup(int worldSize, int rank, const std::string &master,
                     int timeoutSeconds = 600); // throws
    ~DistributedGroup();

    int worldSize() const { return m_worldSize; }
    int rank() const { return m_rank; }
    bool active() const { return m_worldSize > 1; }

    // In place: sum over ranks.
    void allReduceSum(std::vector<torch::Tensor> &tensors);
    // Each rank's [n_r, ...] tensor (n_r may differ; trailing shape equal) -> [sum n_r, ...] in
    // rank order, on every rank.
    torch::Tensor allGather(const torch::Tensor &local);
    void barrier();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    int m_worldSize = 1, m_rank = 0;
};

} // namespace dragon
