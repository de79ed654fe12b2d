#include "model/HalfPrecisionCheckpoint.h"

#include "util/AtomicFileWriter.h"
#include "util/ContentHash.h"
#include "util/StreamingHash.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dragon {

std::uint64_t HalfPrecisionCheckpoint::weightsChecksum(const torch::nn::Module &module)
{
    StreamingHash hash;
    for (const auto &item : module.named_parameters()) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU).contiguous();
        hash.add(item.key());
        hash.add(t.data_ptr(), std::size_t(t.numel()) * t.element_size());
    }
    return hash.digest();
}

std::string HalfPrecisionCheckpoint::sidecarPath(const std::string &path)
{
    return path + ".xxh3";
}

std::uint64_t HalfPrecisionCheckpoint::halfChecksum(const torch::nn::Module &weights, torch::nn::Module &halfModule)
{
    {
        torch::NoGradGuard noGrad;
        auto src = weights.named_parameters();
        for (auto &item : halfModule.named_parameters())
            item.value().copy_(src[item.key()].to(torch::kCPU));
    }
    halfModule.to(torch::kHalf);
    return weightsChecksum(halfModule);
}

HalfPrecisionCheckpoint::Integrity HalfPrecisionCheckpoint::integrity(const std::string &path)
{
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
    } catch (const c10::Error &) {
        throw std::runtime_error(path + ": not a readable checkpoint (damaged, truncated or not a "
                                        "DRAGON Studio model file)");
    }
    c10::IValue checksum;
    if (archive.try_read("checksum", checksum) && checksum.isString())
        return Integrity::Record;
    return std::filesystem::exists(sidecarPath(path)) ? Integrity::Sidecar : Integrity::None;
}

void HalfPrecisionCheckpoint::save(const torch::nn::Module &weights, torch::nn::Module &halfModule,
                                   const std::string &format, const std::string &configJson, const std::string &path)
{
    const std::uint64_t checksum = halfChecksum(weights, halfModule);
    torch::serialize::OutputArchive archive;
    archive.write("config", c10::IValue(configJson));
    archive.write("format", c10::IValue(format));
    // Verified on load: a flipped byte in the weights is refused instead of used.
    archive.write("checksum", c10::IValue(toHex(checksum)));
    halfModule.save(archive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    AtomicFileWriter::write(path, bytes.str()); // temp, fsync, rename: a kill keeps the old file
}

std::string HalfPrecisionCheckpoint::open(const std::string &path, const std::string &format, const std::string &what,
                                          torch::serialize::InputArchive &archive)
{
    if (!std::filesystem::exists(path))
        throw std::runtime_error(path + ": " + what + " checkpoint does not exist");
    try {
        archive.load_from(path);
    } catch (const c10::Error &) {
        throw std::runtime_error(path + ": not a readable checkpoint (damaged, truncated or not a "
                                        "DRAGON Studio model file)");
    }
    c10::IValue formatValue, configValue;
    if (!archive.try_read("format", formatValue) || !formatValue.isString() || formatValue.toStringRef() != format ||
        !archive.try_read("config", configValue) || !configValue.isString())
        throw std::runtime_error(path + ": not a " + what + " checkpoint (no format/config record)");
    return configValue.toStringRef();
}

void HalfPrecisionCheckpoint::loadWeights(torch::serialize::InputArchive &archive, torch::nn::Module &halfModule,
                                          torch::nn::Module &target, const std::string &path)
{
    halfModule.to(torch::kHalf);
    try {
        halfModule.load(archive);
    } catch (const c10::Error &e) {
        throw std::runtime_error(path + ": weights do not match the architecture (" +
                                 std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    // The checksum is the file's own record, or for files written before records existed (the
    // bundled checkpoints) a sidecar NAME.xxh3 beside it; files with neither load unverified.
    std::string expected;
    c10::IValue checksum;
    if (archive.try_read("checksum", checksum) && checksum.isString()) {
        expected = checksum.toStringRef();
    } else {
        std::ifstream sidecar(sidecarPath(path));
        sidecar >> expected;
    }
    if (!expected.empty() && expected != toHex(weightsChecksum(halfModule)))
        throw std::runtime_error(path + ": the file is damaged (its weights do not match their "
                                        "checksum); restore it from a backup or re-export it");
    torch::NoGradGuard noGrad;
    auto dst = target.named_parameters();
    for (const auto &item : halfModule.named_parameters()) {
        if (!torch::isfinite(item.value()).all().item<bool>())
            throw std::runtime_error(path + ": weight '" + item.key() + "' holds NaN or infinite values");
        torch::Tensor &t = dst[item.key()];
        if (t.sizes() != item.value().sizes())
            throw std::runtime_error(path + ": weights do not match the architecture ('" + item.key() + "' has shape " +
                                     c10::str(item.value().sizes()) + ", expected " + c10::str(t.sizes()) + ")");
        t.copy_(item.value().to(torch::kFloat32));
    }
}

} // namespace dragon
