#include "rewards/GainSensitivity.h"

#include "encoders/Encoder.h"
#include "metrics/Cosine.h"
#include "rewards/EmbeddingMatrix.h"
#include "rewards/PerSongFadReward.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace dragon {

namespace {

std::vector<double> perSongFad(const PerSongFadReward *reward, const std::vector<Embedding> &e)
{
    if (!reward)
        return std::vector<double>(e.size(), std::numeric_limits<double>::quiet_NaN());
    RewardBatch batch;
    batch.embeddings = e;
    return reward->scoreEach(batch);
}

} // namespace

GainSensitivityResult GainSensitivity::measure(Encoder &encoder,
                                               const std::vector<AudioBuffer> &clips,
                                               const std::vector<double> &gainsDb,
                                               const std::vector<Embedding> &reference)
{
    if (clips.empty())
        throw std::invalid_argument("gain sensitivity: no clips");
    for (const auto &clip : clips)
        if (clip.empty())
            throw std::invalid_argument("gain sensitivity: an empty clip");
    for (double g : gainsDb)
        if (!std::isfinite(g))
            throw std::invalid_argument("gain sensitivity: a gain that is not a finite number");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::unique_ptr<PerSongFadReward> fad;
    if (!reference.empty())
        fad = std::make_unique<PerSongFadReward>(framesMatrix(reference));

    GainSensitivityResult result;
    result.clips = int(clips.size());
    result.hasReference = bool(fad);
    const std::vector<Embedding> plain = encoder.embedBatch(clips);
    const std::vector<double> plainFad = perSongFad(fad.get(), plain);

    double sum = 0, best = -1;
    int pairs = 0;
    for (std::size_t i = 0; i < plain.size(); ++i)
        for (std::size_t j = i + 1; j < plain.size(); ++j) {
            const double c = cosine(plain[i].clip, plain[j].clip);
            sum += c;
            best = std::max(best, c);
            ++pairs;
        }
    result.betweenClipsMeanCosine = pairs ? sum / pairs : nan;
    result.betweenClipsMaxCosine = pairs ? best : nan;
    if (fad) {
        result.fadMean = 0;
        for (double v : plainFad)
            result.fadMean += v / double(plainFad.size());
        result.fadSpread = LevelResponse::of(0, plainFad, plainFad).spread;
    } else {
        result.fadMean = result.fadSpread = nan;
    }

    for (double g : gainsDb) {
        std::vector<AudioBuffer> scaled = clips;
        for (auto &clip : scaled)
            clip.applyGain(float(std::pow(10.0, g / 20.0)));
        const std::vector<Embedding> moved = encoder.embedBatch(scaled);
        const std::vector<double> movedFad = perSongFad(fad.get(), moved);
        GainSensitivityRow row;
        row.gainDb = g;
        row.minCosine = 1;
        for (std::size_t i = 0; i < moved.size(); ++i) {
            const double own = cosine(moved[i].clip, plain[i].clip);
            row.meanCosine += own;
            row.minCosine = std::min(row.minCosine, own);
            bool itself = true;
            for (std::size_t j = 0; j < plain.size(); ++j)
                if (j != i && cosine(moved[i].clip, plain[j].clip) > own)
                    itself = false;
            row.nearestIsItself += itself ? 1 : 0;
        }
        row.meanCosine /= double(moved.size());
        row.fad = LevelResponse::of(g, plainFad, movedFad);
        result.rows.push_back(row);
    }
    return result;
}

} // namespace dragon
