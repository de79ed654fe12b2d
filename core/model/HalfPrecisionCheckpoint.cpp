#include "model/HalfPrecisionCheckpoint.h"

#include "model/ArchiveFile.h"
#include "model/TorchLoadError.h"

#include <filesystem>
#include <stdexcept>

namespace dragon {

void HalfPrecisionCheckpoint::save(const torch::nn::Module &weights, torch::nn::Module &halfModule,
                                   const std::string &format, const std::string &configJson,
                                   const std::string &path)
{
    {
        torch::NoGradGuard noGrad;
        auto src = weights.named_parameters();
        for (auto &item : halfModule.named_parameters())
            item.value().copy_(src[item.key()].to(torch::kCPU));
    }
    halfModule.to(torch::kHalf);
    torch::serialize::OutputArchive archive;
    archive.write("config", c10::IValue(configJson));
    archive.write("format", c10::IValue(format));
    halfModule.save(archive);
    ArchiveFile::write(path, archive);
}

ChecksummedFile::Integrity HalfPrecisionCheckpoint::integrity(const std::string &path)
{
    return ChecksummedFile::read(path).integrity;
}

std::string HalfPrecisionCheckpoint::open(const std::string &path, const std::string &format,
                                          const std::string &what,
                                          torch::serialize::InputArchive &archive)
{
    if (!std::filesystem::exists(path))
        throw std::runtime_error(path + ": " + what + " checkpoint does not exist");
    ArchiveFile::read(path, archive, "a DRAGON Studio model file");
    c10::IValue formatValue, configValue;
    if (!archive.try_read("format", formatValue) || !formatValue.isString() ||
        formatValue.toStringRef() != format || !archive.try_read("config", configValue) ||
        !configValue.isString())
        throw std::runtime_error(path + ": not a " + what +
                                 " checkpoint (no format/config record)");
    return configValue.toStringRef();
}

void HalfPrecisionCheckpoint::loadWeights(torch::serialize::InputArchive &archive,
                                          torch::nn::Module &halfModule, torch::nn::Module &target,
                                          const std::string &path)
{
    halfModule.to(torch::kHalf);
    try {
        halfModule.load(archive);
    } catch (...) {
        throw std::runtime_error(path + ": weights do not match the architecture (" +
                                 TorchLoadError::describeCurrent() + ")");
    }
    torch::NoGradGuard noGrad;
    auto dst = target.named_parameters();
    for (const auto &item : halfModule.named_parameters()) {
        if (!torch::isfinite(item.value()).all().item<bool>())
            throw std::runtime_error(path + ": weight '" + item.key() +
                                     "' holds NaN or infinite values");
        torch::Tensor &t = dst[item.key()];
        if (t.sizes() != item.value().sizes())
            throw std::runtime_error(path + ": weights do not match the architecture ('" +
                                     item.key() + "' has shape " + c10::str(item.value().sizes()) +
                                     ", expected " + c10::str(t.sizes()) + ")");
        t.copy_(item.value().to(torch::kFloat32));
    }
}

} // namespace dragon
