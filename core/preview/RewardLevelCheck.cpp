#include "preview/RewardLevelCheck.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace dragon {

std::vector<LevelResponse> RewardLevelCheck::measure(const std::vector<AudioBuffer> &audio,
                                                     const RewardBatch &batch, const Scorer &score,
                                                     const Utilities &utilities, bool perClipOnly,
                                                     const std::vector<double> &gainsDb)
{
    if (audio.empty() || batch.size() != audio.size())
        throw std::invalid_argument("level check: the batch must hold one value per clip");
    const std::vector<double> atZero = utilities(batch);
    std::vector<LevelResponse> out;
    for (double g : gainsDb) {
        std::vector<AudioBuffer> turned = audio;
        for (auto &clip : turned)
            clip.applyGain(float(std::pow(10.0, g / 20.0)));
        RewardBatch moved = score(turned);
        std::vector<double> atGain;
        if (perClipOnly) {
            atGain = utilities(moved);
        } else {
            // One copy of the batch; clip i is swapped for its turned version and back.
            RewardBatch one = batch;
            const auto swapClip = [&](std::size_t i) {
                if (!one.embeddings.empty())
                    std::swap(one.embeddings[i], moved.embeddings[i]);
                if (!one.loudnessLufs.empty())
                    std::swap(one.loudnessLufs[i], moved.loudnessLufs[i]);
            };
            for (std::size_t i = 0; i < audio.size(); ++i) {
                swapClip(i); // clip i turned, the others as they were
                atGain.push_back(utilities(one)[i]);
                swapClip(i);
            }
        }
        out.push_back(LevelResponse::of(g, atZero, atGain));
    }
    return out;
}

std::string RewardLevelCheck::reading(const std::vector<LevelResponse> &responses,
                                      bool loudnessTerm)
{
    double largest = -1;
    const LevelResponse *down = nullptr;
    for (const auto &r : responses) {
        if (!std::isfinite(r.relative()) || !std::isfinite(r.meanChange))
            return {};
        largest = std::max(largest, r.relative());
        if (r.gainDb < 0 && (!down || r.gainDb > down->gainDb))
            down = &r;
    }
    if (largest < 0)
        return {};
    largest = std::round(largest * 100) / 100; // judged as printed: "0.50" reads as 0.5
    std::ostringstream s;
    s << "Level check: turning a clip ";
    if (responses.size() == 2 && responses[0].gainDb == -responses[1].gainDb)
        s << std::abs(responses[0].gainDb) << " dB down or up"; // the preview's -6 and +6 dB
    else
        for (std::size_t i = 0; i < responses.size(); ++i)
            s << (i ? (i + 1 == responses.size() ? " or " : ", ") : "")
              << std::abs(responses[i].gainDb) << " dB "
              << (responses[i].gainDb < 0 ? "down" : "up");
    s << std::fixed << std::setprecision(2) << " moves its reward by ";
    if (largest < 0.15) {
        s << "at most " << largest
          << " of the spread between the clips: the reward follows what the music plays, not "
             "its level.";
        return s.str();
    }
    s << "up to " << largest << " of the spread between the clips";
    if (down)
        s << " (quieter clips score " << (down->meanChange < 0 ? "lower" : "higher") << ")";
    if (loudnessTerm)
        return s.str() + ": the reward follows level, as its loudness term asks.";
    if (largest < 0.5)
        return s.str() + ": the reward partly follows level, so training may change loudness as "
                         "well as content.";
    return s.str() + ": the reward follows level as much as content, so training can win by "
                     "turning clips up or down (each clip's loudness is shown over its waveform: "
                     "compare D+ with D-).";
}

} // namespace dragon
