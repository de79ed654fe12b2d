#include "preview/RewardPreview.h"

#include "audio/AudioFileReader.h"
#include "audio/Loudness.h"
#include "dragon/TrainingReward.h"
#include "encoders/Encoder.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "metrics/Cosine.h"
#include "metrics/PrincipalMap.h"
#include "metrics/SeparationAuc.h"
#include "preview/RewardLevelCheck.h"
#include "project/Project.h"
#include "rewards/RewardBuilder.h"
#include "rewards/WeightedReward.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

namespace dragon {
namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
constexpr double kLevelCheckDb = 6.0; // the level check turns each clip this far down and up

std::string unitOf(const RewardTypeInfo &info)
{
    if (info.key == "clap")
        return "cosine of prompt and audio, higher is better";
    if (info.key == "loudness")
        return "-|LUFS - target|, higher is better";
    if (info.key == "exemplar-similarity")
        return "cosine to the set, higher is better";
    if (info.key == "per-song-fad")
        return "FAD to the set, lower is better";
    return "leave-one-out contribution to the batch's " + info.label + ", higher is better";
}

// One exemplar of a set the reward names: audio item `index` or text item `index`.
struct ExemplarRef
{
    const ExemplarEmbeddings *set = nullptr;
    std::string setName;
    bool text = false;
    std::size_t index = 0;

    Embedding embedding() const
    {
        if (!text)
            return set->audio[index];
        Embedding e;
        e.dimension = int(set->text[index].size());
        e.clip = set->text[index];
        return e;
    }
    ExemplarEmbeddings without() const
    {
        ExemplarEmbeddings rest = *set;
        if (text) {
            rest.text.erase(rest.text.begin() + std::ptrdiff_t(index));
            rest.texts.erase(rest.texts.begin() + std::ptrdiff_t(index));
        } else {
            rest.audio.erase(rest.audio.begin() + std::ptrdiff_t(index));
            rest.audioPaths.erase(rest.audioPaths.begin() + std::ptrdiff_t(index));
        }
        return rest;
    }
};

// At most `cap` indices of 0..n-1, evenly spread.
std::vector<std::size_t> sampled(std::size_t n, std::size_t cap)
{
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < std::min(n, cap); ++k)
        out.push_back(n <= cap ? k : k * n / cap);
    return out;
}

std::vector<double> unit(const std::vector<float> &v)
{
    double norm = 0;
    for (float x : v)
        norm += double(x) * double(x);
    norm = std::sqrt(norm);
    std::vector<double> u(v.size(), 0.0);
    if (norm > 0)
        for (std::size_t i = 0; i < v.size(); ++i)
            u[i] = double(v[i]) / norm;
    return u;
}

// cos(x, centroid of `same` without x) - cos(x, centroid of `other`), for each x in `same`.
std::vector<double> centroidMargins(const std::vector<std::vector<double>> &same,
                                    const std::vector<double> &sameSum,
                                    const std::vector<double> &otherSum)
{
    std::vector<double> margins;
    for (const auto &x : same) {
        std::vector<double> rest(sameSum);
        for (std::size_t i = 0; i < rest.size(); ++i)
            rest[i] -= x[i];
        margins.push_back(cosine(x, rest) - cosine(x, otherSum));
    }
    return margins;
}

std::vector<double> sumOf(const std::vector<std::vector<double>> &rows, std::size_t dimension)
{
    std::vector<double> sum(dimension, 0.0);
    for (const auto &r : rows)
        for (std::size_t i = 0; i < dimension && i < r.size(); ++i)
            sum[i] += r[i];
    return sum;
}

std::string fixed2(double v)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << v;
    return s.str();
}

std::string readingOf(double auc, const std::string &basis)
{
    if (basis.empty())
        return "This reward names no exemplar set to move toward, so there is nothing to "
               "separate: the histograms show the range of its values over the model's output.";
    const std::string value = " (AUC " + fixed2(auc) + ")";
    const std::string word = separationReading(auc);
    if (basis == "reward") {
        if (word == "reversed")
            return "The reward scores the model's output above your exemplars" + value +
                   ": check each term's direction.";
        if (word == "not at all")
            return "The reward does not separate your exemplars from the model's output at all" +
                   value + ": training has little to pursue.";
        return "The reward separates your exemplars from the model's output " + word + value + ".";
    }
    if (word == "reversed" || word == "not at all")
        return "Under the encoder's embeddings your exemplars and the model's output are not "
               "told apart at all" +
               value + ": a set reward on this encoder has little to pursue.";
    return "Under the encoder's embeddings your exemplars and the model's output are separated " +
           word + value + " (the reward has set terms, so the embeddings are compared).";
}

} // namespace

PreviewResult RewardPreview::score(const Project &project, const std::string &cacheDir,
                                   const std::vector<PreviewClip> &clips)
{
    const auto started = std::chrono::steady_clock::now();
    PreviewResult result;
    if (clips.empty())
        throw std::invalid_argument("the preview has no clips to score");
    TrainingReward reward(project, cacheDir,
                          [&result](const std::string &line) { result.notes.push_back(line); });
    std::vector<AudioBuffer> audio;
    std::vector<std::string> prompts;
    for (const auto &c : clips) {
        audio.push_back(c.audio);
        prompts.push_back(c.prompt);
    }
    const RewardBatch batch = reward.score(audio, prompts);
    if (reward.encoder())
        result.encoder = reward.encoder()->displayName();

    // The terms as built for training, with their signed weights.
    const auto &definition = project.reward;
    std::vector<WeightedReward::Term> terms;
    if (const auto weighted = std::dynamic_pointer_cast<WeightedReward>(reward.shared()))
        terms = weighted->terms();
    else
        terms.push_back({reward.shared(), 1.0});
    // Each term's scale over this batch, as a run's first batch would freeze it.
    WeightedReward scaled(terms);
    scaled.freezeScales(batch);

    for (std::size_t k = 0; k < terms.size(); ++k) {
        const RewardTerm &t = definition.terms[k];
        const RewardTypeInfo &info = *findRewardType(t.type);
        PreviewTerm term;
        term.type = t.type;
        term.label = info.label;
        term.kind = info.kind;
        if (const ExemplarSet *set = info.needsExemplars ? project.findSet(t.exemplarSet) : nullptr)
            term.setName = set->name;
        term.unit = unitOf(info);
        term.away = t.away;
        term.weight = t.weight;
        term.scaleMean = scaled.scales()[k].mean;
        term.scaleSd = scaled.scales()[k].sd;
        if (terms[k].reward->kind() == RewardKind::DistributionToDistribution)
            term.batchValue = terms[k].reward->scoreSet(batch);
        result.terms.push_back(term);
    }
    const bool combined = result.combined();

    // Generations.
    std::vector<std::vector<double>> perTerm;
    for (const auto &t : terms)
        perTerm.push_back(t.reward->kind() == RewardKind::DistributionToDistribution
                              ? t.reward->utilities(batch)
                              : t.reward->scoreEach(batch));
    // What D+/D-, the AUC and the map rank by, higher is better: the combined utility, or a
    // single term's utilities (its value signed by its direction: minus a per-song FAD; set
    // terms' contributions are already signed).
    const std::vector<double> combinedValues =
        combined ? scaled.utilities(batch) : terms.front().reward->utilities(batch);
    const bool setTerm = [&] {
        for (const auto &t : terms)
            if (t.reward->kind() == RewardKind::DistributionToDistribution)
                return true;
        return false;
    }();

    // The level check: each clip 6 dB down and up, scored with the scales frozen above.
    result.level = RewardLevelCheck::measure(
        audio, batch, [&](const std::vector<AudioBuffer> &a) { return reward.score(a, prompts); },
        [&](const RewardBatch &b) {
            return combined ? scaled.utilities(b) : terms.front().reward->utilities(b);
        },
        !setTerm, {-kLevelCheckDb, kLevelCheckDb});
    result.levelReading = RewardLevelCheck::reading(result.level, definition.hasTerm("loudness"));
    for (std::size_t i = 0; i < clips.size(); ++i) {
        PreviewPoint p;
        p.label = "seed " + std::to_string(clips[i].seed);
        p.path = clips[i].path;
        p.prompt = clips[i].prompt;
        p.seed = clips[i].seed;
        for (const auto &values : perTerm)
            p.terms.push_back(values[i]);
        p.reward = combinedValues[i];
        result.points.push_back(p);
    }

    // Exemplars of every set the reward names, each once.
    const auto &embedded = reward.exemplars();
    std::vector<ExemplarRef> exemplars;
    std::vector<bool> toward; // the exemplar's set is one the reward moves toward
    std::vector<std::string> seen;
    for (const auto &t : definition.terms) {
        const auto found = embedded.find(t.exemplarSet);
        if (found == embedded.end() ||
            std::find(seen.begin(), seen.end(), t.exemplarSet) != seen.end())
            continue;
        seen.push_back(t.exemplarSet);
        const ExemplarSet *set = project.findSet(t.exemplarSet);
        bool isToward = false;
        for (const auto &u : definition.terms)
            isToward |= u.exemplarSet == t.exemplarSet && !u.away;
        const ExemplarEmbeddings &e = found->second;
        const std::size_t total = e.audio.size() + e.text.size();
        if (total > kMaxExemplarsPerSet)
            result.notes.push_back("set '" + set->name +
                                   "': " + std::to_string(kMaxExemplarsPerSet) + " of its " +
                                   std::to_string(total) + " items shown");
        for (std::size_t j : sampled(total, kMaxExemplarsPerSet)) {
            ExemplarRef ref{&e, set->name, j >= e.audio.size(),
                            j >= e.audio.size() ? j - e.audio.size() : j};
            exemplars.push_back(ref);
            toward.push_back(isToward);
        }
    }
    for (const ExemplarRef &ref : exemplars) {
        PreviewPoint p;
        p.generated = false;
        p.setName = ref.setName;
        if (ref.text) {
            p.label = ref.set->texts[ref.index];
        } else {
            p.path = ref.set->audioPaths[ref.index];
            p.label = std::filesystem::path(p.path).filename().string();
        }
        RewardBatch one;
        one.embeddings.push_back(ref.embedding());
        one.prompts.push_back({});
        bool loudnessRead = false;
        for (std::size_t k = 0; k < terms.size(); ++k) {
            const RewardTerm &t = definition.terms[k];
            double value = kNone;
            if (t.type == "loudness" && !ref.text) {
                if (!loudnessRead) {
                    loudnessRead = true;
                    try {
                        one.loudnessLufs.push_back(
                            Loudness::integratedLufs(AudioFileReader::read(p.path)));
                    } catch (const std::exception &error) {
                        result.notes.push_back("loudness of " + p.label + ": " + error.what());
                    }
                }
                if (!one.loudnessLufs.empty())
                    value = terms[k].reward->scoreEach(one).front();
            } else if (t.type == "exemplar-similarity" || (t.type == "per-song-fad" && !ref.text)) {
                if (t.exemplarSet == ref.set->setId) { // leave this item out of its own set
                    const ExemplarEmbeddings rest = ref.without();
                    if (!rest.empty())
                        value =
                            RewardBuilder::buildTerm(t, reward.encoder(), {{t.exemplarSet, rest}})
                                ->scoreEach(one)
                                .front();
                } else {
                    value = terms[k].reward->scoreEach(one).front();
                }
            }
            p.terms.push_back(value);
        }
        if (!combined) {
            p.reward = terms.front().reward->sign() * p.terms.front();
        } else {
            double total = 0;
            for (std::size_t k = 0; k < terms.size() && std::isfinite(total); ++k) {
                const auto &s = scaled.scales()[k];
                const bool spread = s.sd > 1e-12 * (1.0 + std::abs(s.mean));
                const double utility = terms[k].reward->sign() * p.terms[k];
                total = std::isfinite(utility)
                            ? total + terms[k].weight * (spread ? (utility - s.mean) / s.sd : 0.0)
                            : kNone;
            }
            p.reward = total;
        }
        result.points.push_back(p);
    }

    // Separability of the toward exemplars from the generations.
    std::vector<double> positiveRewards;
    const std::vector<double> &generationRewards = combinedValues;
    bool allScored = false;
    for (std::size_t j = 0; j < exemplars.size(); ++j)
        if (toward[j]) {
            const double r = result.points[clips.size() + j].reward;
            allScored = positiveRewards.empty() ? std::isfinite(r) : allScored && std::isfinite(r);
            positiveRewards.push_back(r);
        }
    if (!positiveRewards.empty() && allScored && !setTerm) {
        result.aucBasis = "reward";
        result.auc = separationAuc(positiveRewards, generationRewards);
    } else if (!positiveRewards.empty() && !batch.embeddings.empty()) {
        std::vector<std::vector<double>> positives, generations;
        for (std::size_t j = 0; j < exemplars.size(); ++j)
            if (toward[j])
                positives.push_back(unit(exemplars[j].embedding().clip));
        for (const auto &e : batch.embeddings)
            generations.push_back(unit(e.clip));
        const std::size_t d = generations.front().size();
        const auto positiveSum = sumOf(positives, d), generationSum = sumOf(generations, d);
        if (positives.size() >= 2 && generations.size() >= 2 && positives.front().size() == d) {
            // Positives: closer to the other positives than to the generations; generations
            // the other way round, so their margins are negated.
            const auto p = centroidMargins(positives, positiveSum, generationSum);
            auto g = centroidMargins(generations, generationSum, positiveSum);
            for (double &v : g)
                v = -v;
            result.aucBasis = "embeddings";
            result.auc = separationAuc(p, g);
        }
    }
    result.reading = readingOf(result.auc, result.aucBasis);

    // The 2-D map of every clip embedding.
    if (!batch.embeddings.empty()) {
        std::vector<std::vector<float>> rows;
        std::vector<std::size_t> pointOfRow;
        const std::size_t d = batch.embeddings.front().clip.size();
        for (std::size_t i = 0; i < batch.embeddings.size(); ++i) {
            rows.push_back(batch.embeddings[i].clip);
            pointOfRow.push_back(i);
        }
        for (std::size_t j = 0; j < exemplars.size(); ++j) {
            auto clip = exemplars[j].embedding().clip;
            if (clip.size() != d)
                continue;
            rows.push_back(std::move(clip));
            pointOfRow.push_back(clips.size() + j);
        }
        const PrincipalMap map = PrincipalMap::of(rows);
        for (std::size_t r = 0; r < rows.size(); ++r) {
            PreviewPoint &p = result.points[pointOfRow[r]];
            p.mapped = true;
            p.mapX = map.points[r][0];
            p.mapY = map.points[r][1];
        }
        result.mapExplained[0] = map.explained[0];
        result.mapExplained[1] = map.explained[1];
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace dragon
