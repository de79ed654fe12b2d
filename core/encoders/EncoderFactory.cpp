#include "encoders/EncoderFactory.h"

#include "encoders/MelStatsEncoder.h"
#include "encoders/MusicFeaturesEncoder.h"
#include "encoders/PocketClapEncoder.h"
#include "encoders/TorchScriptEncoder.h"

#include <filesystem>

namespace dragon {

std::vector<EncoderChoice> builtInEncoders()
{
    return {
        {"pocket-clap", "pocket-clap (audio + text, 128-d)", true},
        {"mel-stats", "mel-stats (log-mel frames, 64-d)", false},
        {"music-features", "music-features (MFCC, chroma, spectral shape, onsets, 41-d)", false}};
}

std::unique_ptr<Encoder> createEncoder(const std::string &spec)
{
    if (spec == "mel-stats")
        return std::make_unique<MelStatsEncoder>();
    if (spec == "music-features")
        return std::make_unique<MusicFeaturesEncoder>();
    if (spec == "pocket-clap")
        return std::make_unique<PocketClapEncoder>();
    const std::string clapPrefix = "pocket-clap:", scriptPrefix = "torchscript:";
    if (spec.rfind(clapPrefix, 0) == 0)
        return std::make_unique<PocketClapEncoder>(spec.substr(clapPrefix.size()));
    if (spec.rfind(scriptPrefix, 0) == 0)
        return std::make_unique<TorchScriptEncoder>(spec.substr(scriptPrefix.size()));
    const auto extension = std::filesystem::path(spec).extension().string();
    if (extension == ".pt" || extension == ".ts" || extension == ".pth" ||
        std::filesystem::exists(spec))
        return std::make_unique<TorchScriptEncoder>(spec);
    std::string known;
    for (const auto &c : builtInEncoders())
        known += (known.empty() ? "" : ", ") + c.key;
    throw EncoderError("unknown encoder '" + spec + "' (built-in: " + known +
                       "; or the path of a TorchScript encoder .pt)");
}

} // namespace dragon
