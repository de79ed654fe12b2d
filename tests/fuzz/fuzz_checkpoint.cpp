// Checkpoint files, two ways per input:
// 1. The bytes as a file: the ChecksummedFile frame is checked before anything parses it; only a
//    frame whose checksum matches reaches the run-checkpoint and model loaders. (Unframed
//    bytes are what older files look like; they go to libtorch's archive parser, which crashes
//    on some damaged archives. That parser is libtorch's, not ours: see README.md.)
// 2. A well-formed archive built from the input: fuzzed format, config, counters, journal and
//    weights (right or wrong shapes, NaN, ...), framed and loaded by both loaders, the config
//    parsed and the weights loaded into a small pocket model.
// Every failure must be a std::runtime_error naming the file.
#include "FuzzInputFile.h"
#include "SmallPocketConfig.h"
#include "dragon/RunCheckpoint.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "model/PocketModel.h"
#include "util/ChecksummedFile.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fuzzer/FuzzedDataProvider.h>
#include <sstream>

namespace {

void expectNamed(const std::runtime_error &e, const std::string &path)
{
    if (std::string(e.what()).find(path) == std::string::npos) {
        std::fprintf(stderr, "error without the file name: %s\n", e.what());
        std::abort();
    }
}

void loadBoth(const std::string &path)
{
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
            // refused config: the weights are still tried on the small model
        }
        dragon::PocketModel half(smallPocketConfig()), target(smallPocketConfig());
        dragon::HalfPrecisionCheckpoint::loadWeights(archive, *half, *target, path);
    } catch (const std::runtime_error &e) {
        expectNamed(e, path);
    }
}

c10::IValue fuzzedValue(FuzzedDataProvider &in)
{
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
        return c10::IValue(in.ConsumeIntegral<int64_t>());
    case 1:
        return c10::IValue(in.ConsumeFloatingPoint<double>());
    case 2:
        return c10::IValue(in.ConsumeBool());
    default:
        return c10::IValue(in.ConsumeRandomLengthString(64));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string raw = writeFuzzInput(data, size, ".pt");
    try {
        if (dragon::ChecksummedFile::read(raw).integrity ==
            dragon::ChecksummedFile::Integrity::Checksum)
            loadBoth(raw);
    } catch (const std::runtime_error &e) {
        expectNamed(e, raw);
    }

    FuzzedDataProvider in(data, size);
    torch::serialize::OutputArchive archive;
    const char *formats[] = {"dragon-pocket-checkpoint-1", "dragon-run-checkpoint-1",
                             "dragon-run-checkpoint-2"};
    archive.write("format",
                  c10::IValue(in.ConsumeBool()
                                  ? std::string(formats[in.ConsumeIntegralInRange<int>(0, 2)])
                                  : in.ConsumeRandomLengthString(40)));
    if (in.ConsumeBool())
        archive.write("config", c10::IValue(in.ConsumeBool() ? smallPocketConfig().toJson()
                                                             : in.ConsumeRandomLengthString(400)));
    if (in.ConsumeBool())
        archive.write("journal", in.ConsumeBool() ? c10::IValue(in.ConsumeRandomLengthString(200))
                                                  : fuzzedValue(in));
    for (const char *counter : {"round", "baseline", "hasBaseline"})
        if (in.ConsumeBool())
            archive.write(counter, fuzzedValue(in));
    dragon::PocketModel model(smallPocketConfig());
    for (const auto &p : model->named_parameters()) {
        if (!in.ConsumeBool())
            continue; // a missing weight
        std::vector<int64_t> shape = p.value().sizes().vec();
        if (in.ConsumeIntegralInRange<int>(0, 7) == 0 && !shape.empty())
            shape[0] += in.ConsumeIntegralInRange<int>(1, 3); // a weight of the wrong shape
        auto t = torch::zeros(shape, torch::kHalf);
        const std::string bytes = in.ConsumeBytesAsString(std::size_t(t.numel()) * 2);
        std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
        archive.write(p.key(), t);
    }
    std::ostringstream bytes;
    archive.save_to(bytes);
    static const std::string framed = raw + ".framed";
    dragon::ChecksummedFile::write(framed, bytes.str());
    loadBoth(framed);
    return 0;
}
