#include "facade/BuildInfo.h"

#include "model/GeneratorFactory.h"
#include "util/BuildFeatures.h"

#include <filesystem>
#include <torch/cuda.h>
#include <torch/version.h>

namespace dragon {

BuildInfo BuildInfo::current()
{
    BuildInfo info;
    info.libtorch = TORCH_VERSION;
    info.cuda = torch::cuda::is_available();
    info.features = BuildFeatures::summary();
    const std::string pocket = bundledPocketCheckpoint();
    std::error_code ec;
    if (std::filesystem::exists(pocket, ec))
        info.pocketCheckpoint = pocket;
    return info;
}

} // namespace dragon
