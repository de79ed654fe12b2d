#include "model/BatchedMatmul.h"

#include <dlfcn.h>
#include <stdexcept>
#include <vector>

namespace dragon {

namespace {

// cblas_sgemm as the BLAS behind libtorch exports it (OpenBLAS, netlib's libblas, MKL ...);
// looked up at run time, since which library that is is chosen by Debian's alternatives.
using Sgemm = void (*)(int layout, int transA, int transB, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb, float beta, float *c,
                       int ldc);
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

Sgemm sgemm()
{
    static const Sgemm found = reinterpret_cast<Sgemm>(dlsym(RTLD_DEFAULT, "cblas_sgemm"));
    return found;
}

// How one operand's matrices lie in memory: rows or columns contiguous, and the leading
// dimension; none when neither (then the caller copies).
struct Layout
{
    bool ok = false;
    int trans = kNoTrans;
    int64_t ld = 0;
};

Layout layoutOf(const torch::Tensor &t)
{
    const int64_t rows = t.size(-2), cols = t.size(-1);
    Layout l;
    if (t.stride(-1) == 1 && t.stride(-2) >= std::max<int64_t>(1, cols)) {
        l = {true, kNoTrans, t.stride(-2)};
    } else if (t.stride(-2) == 1 && t.stride(-1) >= std::max<int64_t>(1, rows)) {
        l = {true, kTrans, t.stride(-1)};
    }
    return l;
}

// Element offsets of each matrix of the batch (batch dimensions flattened in row-major order).
std::vector<int64_t> batchOffsets(const torch::Tensor &t)
{
    const int64_t dims = t.dim() - 2;
    int64_t count = 1;
    for (int64_t d = 0; d < dims; ++d)
        count *= t.size(d);
    std::vector<int64_t> offsets(std::size_t(count), 0);
    for (int64_t i = 0; i < count; ++i) {
        int64_t rest = i, offset = 0;
        for (int64_t d = dims - 1; d >= 0; --d) {
            offset += (rest % t.size(d)) * t.stride(d);
            rest /= t.size(d);
        }
        offsets[std::size_t(i)] = offset;
    }
    return offsets;
}

// The result's storage: contiguous, or in memoryOrder (a permutation whose last entry is the
// last dimension), returned as a view in the logical order.
torch::Tensor allocate(const std::vector<int64_t> &shape, const std::vector<int64_t> &memoryOrder,
                       const torch::TensorOptions &options)
{
    if (memoryOrder.empty())
        return torch::empty(shape, options);
    std::vector<int64_t> stored, inverse(shape.size());
    for (std::size_t i = 0; i < memoryOrder.size(); ++i) {
        stored.push_back(shape[std::size_t(memoryOrder[i])]);
        inverse[std::size_t(memoryOrder[i])] = int64_t(i);
    }
    return torch::empty(stored, options).permute(inverse);
}

bool validOrder(const std::vector<int64_t> &order, int64_t dims)
{
    if (order.empty())
        return true;
    if (int64_t(order.size()) != dims || order.back() != dims - 1)
        return false;
    std::vector<bool> seen(order.size(), false);
    for (const int64_t d : order) {
        if (d < 0 || d >= dims || seen[std::size_t(d)])
            return false;
        seen[std::size_t(d)] = true;
    }
    return true;
}

class BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction>
{
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &a,
                                 const torch::Tensor &b, double alpha,
                                 const std::vector<int64_t> &memoryOrder)
    {
        ctx->save_for_backward({a, b});
        ctx->saved_data["alpha"] = alpha;
        return BatchedMatmul::product(a, b, alpha, memoryOrder);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &a = saved[0], &b = saved[1];
        const double alpha = ctx->saved_data["alpha"].toDouble();
        const auto &g = grads[0];
        torch::Tensor ga, gb;
        if (ctx->needs_input_grad(0))
            ga = BatchedMatmul::product(g, b.transpose(-2, -1), alpha);
        if (ctx->needs_input_grad(1))
            gb = BatchedMatmul::product(a.transpose(-2, -1), g, alpha);
        return {ga, gb, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool BatchedMatmul::direct(const torch::Tensor &a, const torch::Tensor &b)
{
    if (!sgemm() || a.dim() < 3 || a.dim() != b.dim() || !a.device().is_cpu() ||
        !b.device().is_cpu() || a.scalar_type() != torch::kFloat32 ||
        b.scalar_type() != torch::kFloat32 || a.size(-1) != b.size(-2))
        return false;
    for (int64_t d = 0; d < a.dim() - 2; ++d)
        if (a.size(d) != b.size(d))
            return false;
    return true;
}

torch::Tensor BatchedMatmul::product(const torch::Tensor &aIn, const torch::Tensor &bIn,
                                     double alpha, const std::vector<int64_t> &memoryOrder)
{
    if (!validOrder(memoryOrder, aIn.dim()))
        throw std::invalid_argument("BatchedMatmul: memoryOrder must permute the dimensions and "
                                    "keep the last one last");
    if (!direct(aIn, bIn)) {
        const auto result = torch::matmul(aIn, bIn) * alpha;
        if (memoryOrder.empty())
            return result;
        auto out = allocate(result.sizes().vec(), memoryOrder, result.options());
        return out.copy_(result);
    }
    const torch::Tensor a = layoutOf(aIn).ok ? aIn : aIn.contiguous();
    const torch::Tensor b = layoutOf(bIn).ok ? bIn : bIn.contiguous();
    const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
    std::vector<int64_t> outShape(a.sizes().begin(), a.sizes().end());
    outShape.back() = n;
    auto out = allocate(outShape, memoryOrder, a.options());
    if (out.numel() == 0)
        return out;
    if (k == 0)
        return out.zero_();
    const Layout la = layoutOf(a), lb = layoutOf(b);
    const auto offsetsA = batchOffsets(a), offsetsB = batchOffsets(b), offsetsC = batchOffsets(out);
    const int64_t ldc = out.stride(-2);
    const float *pa = a.data_ptr<float>(), *pb = b.data_ptr<float>();
    float *pc = out.data_ptr<float>();
    const Sgemm gemm = sgemm();
    for (std::size_t i = 0; i < offsetsA.size(); ++i)
        gemm(kRowMajor, la.trans, lb.trans, int(m), int(n), int(k), float(alpha), pa + offsetsA[i],
             int(la.ld), pb + offsetsB[i], int(lb.ld), 0.0f, pc + offsetsC[i], int(ldc));
    return out;
}

torch::Tensor BatchedMatmul::apply(const torch::Tensor &a, const torch::Tensor &b, double alpha,
                                   const std::vector<int64_t> &memoryOrder)
{
    if (torch::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad())) {
        if (!direct(a, b)) {
            const auto result = torch::matmul(a, b);
            return alpha == 1.0 ? result : result * alpha;
        }
        return BatchedMatmulFunction::apply(a, b, alpha, memoryOrder);
    }
    return product(a, b, alpha, memoryOrder);
}

} // namespace dragon
