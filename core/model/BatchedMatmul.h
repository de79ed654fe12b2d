#pragma once

#include <torch/torch.h>
#include <vector>

namespace dragon {

// a @ b for batches of small matrices (attention's scores and weighted values), with autograd.
// libtorch 1.13's CPU bmm without MKL splits the batch and sends each matrix through the whole
// operator stack (select, resolve_conj, addmm: about 8 us per 61 x 32 x 61 product, more than
// the product itself); this calls the BLAS's cblas_sgemm once per matrix on the tensors' own
// strides (no copies; 2.5x faster). Same kernels, so the same values. Anything else (not
// float32, not on the CPU, no cblas_sgemm in the process, batch shapes that differ) goes to
// torch::matmul.
class BatchedMatmul
{
public:
    // alpha * (a @ b): a [..., m, k], b [..., k, n] with the same batch dimensions; returns
    // [..., m, n]. memoryOrder (empty: contiguous) lays the result out in memory in that order of
    // its dimensions, the last one last: attention's weighted values [B, H, N, dh] stored as
    // [B, N, H, dh] are the heads' concatenation already, so the transpose and reshape that
    // follow cost no copy.
    static torch::Tensor apply(const torch::Tensor &a, const torch::Tensor &b, double alpha = 1.0,
                               const std::vector<int64_t> &memoryOrder = {});
    // Whether apply() can take the BLAS path for these operands.
    static bool direct(const torch::Tensor &a, const torch::Tensor &b);
    // The BLAS path without autograd (the forward and both backward products).
    static torch::Tensor product(const torch::Tensor &a, const torch::Tensor &b, double alpha,
                                 const std::vector<int64_t> &memoryOrder = {});
};

} // namespace dragon
