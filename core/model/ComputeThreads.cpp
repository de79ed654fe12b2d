#include "model/ComputeThreads.h"

#include <algorithm>
#include <atomic>
#include <dlfcn.h>
#include <thread>
#include <torch/torch.h>

namespace dragon {

namespace {

// OpenBLAS's own controls, looked up at run time: the BLAS behind libtorch is chosen by
// Debian's alternatives (libblas.so.3), so it may be OpenBLAS, or not.
using GetInt = int (*)();
using SetInt = void (*)(int);

GetInt openBlasParallel()
{
    return reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
}

GetInt openBlasGetThreads()
{
    return reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

SetInt openBlasSetThreads()
{
    return reinterpret_cast<SetInt>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

// Whether OpenBLAS runs its own pthread pool (openblas_get_parallel() == 1; 0 is sequential,
// 2 is OpenMP, which shares torch's pool).
bool openBlasOwnPool()
{
    const GetInt parallel = openBlasParallel();
    return parallel && openBlasSetThreads() && parallel() == 1;
}

std::atomic<int> g_cores{1};

} // namespace

int ComputeThreads::defaultCount()
{
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return cores > 2 ? cores - 1 : cores;
}

int ComputeThreads::use(int cores)
{
    if (cores <= 0)
        cores = defaultCount();
    g_cores = cores;
    if (openBlasOwnPool()) {
        openBlasSetThreads()(cores);
        torch::set_num_threads(1);
    } else {
        torch::set_num_threads(cores);
    }
    return cores;
}

std::string ComputeThreads::describe()
{
    const std::string torchThreads = "torch " + std::to_string(torch::get_num_threads());
    if (!openBlasOwnPool())
        return torchThreads;
    const GetInt get = openBlasGetThreads();
    return torchThreads + " + OpenBLAS " + (get ? std::to_string(get()) : std::string("?")) +
           " (own pool)";
}

int ComputeThreads::cores()
{
    return g_cores;
}

bool ComputeThreads::blasHasOwnPool()
{
    return openBlasOwnPool();
}

ComputeThreads::SingleThreadedBlas::SingleThreadedBlas()
{
    const GetInt get = openBlasGetThreads();
    if (openBlasOwnPool() && get) {
        m_previous = get();
        openBlasSetThreads()(1);
    }
}

ComputeThreads::SingleThreadedBlas::~SingleThreadedBlas()
{
    if (m_previous > 0)
        openBlasSetThreads()(m_previous);
}

} // namespace dragon
