// Checkpoint files: the run-checkpoint reader (format, checksum, journal) and the
// half-precision model loader (format and config records, the pocket model's config, weights
// into a small model: shapes, checksum, finiteness). Failures must be std::runtime_error
// naming the file.
#include "FuzzInputFile.h"
#include "SmallPocketConfig.h"
#include "dragon/RunCheckpoint.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "model/PocketModel.h"

#include <cstdlib>

namespace {

void expectNamed(const std::runtime_error &e, const std::string &path)
{
    if (std::string(e.what()).find(path) == std::string::npos)
        std::abort(); // an error that does not name the file
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string path = writeFuzzInput(data, size, ".pt");
    try {
        torch::serialize::InputArchive state;
        dragon::RunCheckpoint::read(path, state);
    } catch (const std::runtime_error &e) {
        expectNamed(e, path);
    }
    try {
        torch::serialize::InputArchive archive;
        const std::string config = dragon::HalfPrecisionCheckpoint::open(
            path, "dragon-pocket-checkpoint-1", "pocket-model", archive);
        try {
            dragon::PocketModelConfig::fromJson(config);
        } catch (const std::runtime_error &) {
            // a bad config record is refused; the weights are still tried on a fixed model
        }
        dragon::PocketModel half(smallPocketConfig()), target(smallPocketConfig());
        dragon::HalfPrecisionCheckpoint::loadWeights(archive, *half, *target, path);
    } catch (const std::runtime_error &e) {
        expectNamed(e, path);
    }
    return 0;
}
