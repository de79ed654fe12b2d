#include "model/GeneratorFactory.h"

#include "model/DeviceSpec.h"
#include "model/PocketGenerator.h"
#include "model/TorchScriptGenerator.h"
#include "util/BundledResource.h"

#include <stdexcept>

namespace dragon {

std::string bundledPocketCheckpoint()
{
    return bundledResource("pocket.pt", "DRAGON_POCKET_CHECKPOINT");
}

std::unique_ptr<Generator> createGenerator(const std::string &spec)
{
    if (spec.empty() || spec == "pocket")
        return PocketGenerator::load(bundledPocketCheckpoint());
    // Pocket checkpoints first (they are TorchScript archives too, without the plug-in methods).
    try {
        return PocketGenerator::load(spec);
    } catch (const std::exception &pocket) {
        if (!TorchScriptGenerator::isZipArchive(spec))
            throw;
        try {
            return std::make_unique<TorchScriptGenerator>(spec);
        } catch (const std::exception &plugin) {
            const std::string prefix = spec + ": ";
            auto reason = [&](const std::string &m) {
                return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
            };
            throw std::runtime_error(spec + ": neither a pocket-model checkpoint (" +
                                     reason(pocket.what()) + ") nor a generator plug-in (" +
                                     reason(plugin.what()) + ")");
        }
    }
}

torch::Device resolveDevice(const std::string &spec)
{
    if (!DeviceSpec::valid(spec))
        throw std::runtime_error("device '" + spec + "' is not one of auto, cpu, cuda, cuda:N");
    if (spec == "cpu")
        return torch::kCPU;
    const bool available = torch::cuda::is_available();
    if (spec == "auto")
        return available ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (!available)
        throw std::runtime_error("device '" + spec +
                                 "': this build's libtorch has no CUDA or the machine has no GPU "
                                 "(use --device cpu or auto)");
    const int index = DeviceSpec::cudaIndex(spec);
    if (index >= int(torch::cuda::device_count()))
        throw std::runtime_error("device '" + spec + "': only " +
                                 std::to_string(torch::cuda::device_count()) +
                                 " CUDA device(s) present");
    return torch::Device(torch::kCUDA, c10::DeviceIndex(index));
}

} // namespace dragon
