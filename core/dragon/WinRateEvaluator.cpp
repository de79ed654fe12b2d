#include "dragon/WinRateEvaluator.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "dragon/ClipSampler.h"
#include "dragon/RewardTerms.h"
#include "dragon/SeedMix.h"
#include "dragon/TrainingReward.h"
#include "dragon/WinRateStatistics.h"
#include "encoders/Encoder.h"
#include "metrics/Quantile.h"
#include "metrics/VendiScore.h"
#include "model/Generator.h"
#include "rewards/ClapScoreReward.h"
#include "rewards/EmbeddingMatrix.h"
#include "util/AtomicFileWriter.h"
#include "util/ContentHash.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>

namespace dragon {
namespace fs = std::filesystem;

namespace {

// Median integrated loudness of clips (silent clips, at minus infinity, and clips the meter
// refuses left out: it is shown, never worth stopping an evaluation for); NaN when the build has
// no loudness meter or no clip has a finite loudness.
double medianLufs(const std::vector<AudioBuffer> &clips)
{
    if (!Loudness::available())
        return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> lufs;
    for (const AudioBuffer &clip : clips) {
        try {
            if (const double l = Loudness::integratedLufs(clip); std::isfinite(l))
                lufs.push_back(l);
        } catch (const std::exception &) {
            // e.g. a plug-in generator's sample rate libebur128 does not take
        }
    }
    return lufs.empty() ? std::numeric_limits<double>::quiet_NaN() : quantile(lufs, 0.5);
}

} // namespace

WinRateEvaluator::WinRateEvaluator(RoundPlan plan, int steps, int bootstrapDraws,
                                   std::uint64_t seed, fs::path baseCacheDir,
                                   std::shared_ptr<Encoder> guardrail)
    : m_plan(std::move(plan)), m_steps(steps), m_bootstrapDraws(bootstrapDraws), m_seed(seed),
      m_baseCacheDir(std::move(baseCacheDir)), m_guard(std::move(guardrail))
{
    if (m_guard && m_guard->hasTextTower())
        m_guardClap = std::make_unique<ClapScoreReward>(m_guard);
}

WinRateEvaluator::~WinRateEvaluator() = default;

bool WinRateEvaluator::loadOrMakeBase(Generator &base, const ClipSampler &sampler,
                                      const std::atomic<bool> *stop)
{
    if (!m_baseAudio.empty())
        return true;
    // The cache is used only for the plan, steps and base model that made it: "complete" holds
    // the clip count and a fingerprint of all three (an older cache without one is remade).
    const std::string fingerprint = baseFingerprint(base);
    bool cached = false;
    {
        std::ifstream complete(m_baseCacheDir / "complete");
        std::size_t count = 0;
        std::string held;
        cached = complete && (complete >> count >> held) && count == m_plan.size() &&
                 held == fingerprint;
    }
    if (cached) {
        for (std::size_t i = 0; i < m_plan.size() && cached; ++i) {
            try {
                m_baseAudio.push_back(AudioFileReader::read(
                    (m_baseCacheDir / (std::to_string(i) + ".wav")).string()));
            } catch (const std::exception &) {
                cached = false;
            }
        }
        if (cached)
            return true;
        m_baseAudio.clear();
    }
    m_baseAudio =
        sampler.sample(base, m_plan.prompts, m_plan.seeds, m_steps, stop, "evaluating base").audio;
    if (m_baseAudio.empty())
        return false;
    fs::create_directories(m_baseCacheDir);
    // Float WAV: a resumed run reads back exactly what the first evaluation scored.
    AudioWriteFormat format;
    format.encoding = SampleEncoding::Float32;
    for (std::size_t i = 0; i < m_baseAudio.size(); ++i)
        AudioFileWriter::write((m_baseCacheDir / (std::to_string(i) + ".wav")).string(),
                               m_baseAudio[i], format);
    // Replaced, not rewritten in place: the reward suite hard-links caches between run folders.
    AtomicFileWriter::write((m_baseCacheDir / "complete").string(),
                            std::to_string(m_plan.size()) + "\n" + fingerprint + "\n");
    return true;
}

std::string WinRateEvaluator::baseFingerprint(Generator &base) const
{
    std::string key = base.name() + '\n' + std::to_string(base.sampleRate()) + '\n' +
                      std::to_string(m_steps) + '\n';
    for (std::size_t i = 0; i < m_plan.size(); ++i)
        key += m_plan.prompts[i] + '\n' + std::to_string(m_plan.seeds[i]) + '\n';
    // The weights: a cache made by another base model (a new checkpoint, a plug-in) is stale.
    torch::NoGradGuard noGrad;
    for (const torch::Tensor &p : base.parameters()) {
        const torch::Tensor bytes = p.detach().to(torch::kCPU).contiguous();
        key += toHex(hashBytes(bytes.data_ptr(), bytes.numel() * bytes.element_size()));
    }
    return toHex(hashBytes(key.data(), key.size()));
}

WinRateEvaluator::Paired
WinRateEvaluator::comparePaired(const std::vector<double> &base, const std::vector<double> &policy,
                                const std::vector<std::vector<std::size_t>> &clipsOfPrompt)
{
    Paired p;
    const std::size_t n = clipsOfPrompt.size();
    std::vector<double> deltas;
    for (std::size_t i = 0; i < n; ++i) {
        double d = 0, scale = 0, b = 0, q = 0;
        for (std::size_t c : clipsOfPrompt[i]) {
            d += (policy[c] - base[c]) / double(clipsOfPrompt[i].size());
            scale += std::abs(base[c]) / double(clipsOfPrompt[i].size());
            b += base[c] / double(clipsOfPrompt[i].size());
            q += policy[c] / double(clipsOfPrompt[i].size());
        }
        deltas.push_back(d);
        p.baseMeans.push_back(b);
        p.policyMeans.push_back(q);
        p.outcomes.push_back(d > 1e-9 * (1 + scale) ? 1 : d < -1e-9 * (1 + scale) ? -1 : 0);
    }
    if (n == 0)
        return p;
    double mean = std::accumulate(deltas.begin(), deltas.end(), 0.0) / double(n), var = 0;
    for (double d : deltas)
        var += (d - mean) * (d - mean) / std::max<double>(1, double(n) - 1);
    const double half = 1.96 * std::sqrt(var / double(n));
    p.mean = mean;
    p.lower = mean - half;
    p.upper = mean + half;
    return p;
}

EvalStats WinRateEvaluator::evaluate(Generator &policy, Generator &base,
                                     const TrainingReward &training, const ClipSampler &sampler,
                                     int round, const std::atomic<bool> *stop)
{
    const Reward &reward = training.reward();
    EvalStats e;
    e.round = round;
    const auto started = std::chrono::steady_clock::now();
    if (!loadOrMakeBase(base, sampler, stop))
        return e;
    // Round 0: nothing was trained, the policy is the base model and samples exactly what it
    // sampled (deterministic, same seeds): its clips are the base clips.
    const auto policyAudio =
        round == 0
            ? m_baseAudio
            : sampler.sample(policy, m_plan.prompts, m_plan.seeds, m_steps, stop, "evaluating")
                  .audio;
    if (policyAudio.empty())
        return e;
    if (!m_baseBatch) {
        m_baseBatch = training.score(m_baseAudio, m_plan.prompts);
        m_baseLufs = medianLufs(m_baseAudio);
        if (m_guard) {
            m_baseGuard.embeddings = m_guard->embedBatch(m_baseAudio);
            m_baseGuard.prompts = m_plan.prompts;
        }
    }
    const RewardBatch &baseBatch = *m_baseBatch;
    const RewardBatch mine = training.score(policyAudio, m_plan.prompts);
    const auto clipsOf = m_plan.clipsOfPrompt();
    const std::size_t n = clipsOf.size();
    std::vector<int> outcomes;
    if (reward.kind() == RewardKind::DistributionToDistribution) {
        e.rewardBase = reward.scoreSet(baseBatch);
        e.rewardPolicy = reward.scoreSet(mine);
        e.deltaMean = reward.sign() * (e.rewardPolicy - e.rewardBase);
        // Bootstrap over prompts (each with all its seeds), the same subsets for both.
        std::mt19937_64 rng(mixSeed(m_seed, 999));
        std::uniform_int_distribution<std::size_t> pick(0, n - 1);
        std::vector<double> deltas;
        for (int b = 0; b < m_bootstrapDraws; ++b) {
            RewardBatch sb, sm;
            for (std::size_t k = 0; k < n; ++k)
                for (std::size_t c : clipsOf[pick(rng)]) {
                    sb.embeddings.push_back(baseBatch.embeddings[c]);
                    sm.embeddings.push_back(mine.embeddings[c]);
                    sb.prompts.push_back(m_plan.prompts[c]);
                    sm.prompts.push_back(m_plan.prompts[c]);
                }
            const double d = reward.sign() * (reward.scoreSet(sm) - reward.scoreSet(sb));
            deltas.push_back(d);
            outcomes.push_back(d > 1e-12 ? 1 : d < -1e-12 ? -1 : 0);
        }
        e.deltaLower = quantile(deltas, 0.025);
        e.deltaUpper = quantile(deltas, 0.975);
    } else {
        // Score both batches together so combined rewards standardise on the same scale.
        RewardBatch joint = baseBatch;
        joint.append(mine);
        const auto u = reward.utilities(joint);
        const std::size_t clips = m_plan.size();
        const std::vector<double> uBase(u.begin(), u.begin() + long(clips)),
            uMine(u.begin() + long(clips), u.end());
        const auto mean = [](const std::vector<double> &v) {
            return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
        };
        if (training.needsScales()) {
            // A combined reward whose scales no training round froze (an evaluation-only run):
            // scored batch by batch each would average 0, so both means come from the joint
            // standardisation the outcomes use.
            e.rewardBase = mean(uBase);
            e.rewardPolicy = mean(uMine);
        } else {
            e.rewardBase = mean(reward.scoreEach(baseBatch));
            e.rewardPolicy = mean(reward.scoreEach(mine));
        }
        // A prompt's outcome: its seeds' mean utility, policy against base (same seeds).
        const Paired paired = comparePaired(uBase, uMine, clipsOf);
        outcomes = paired.outcomes;
        e.deltaMean = paired.mean;
        e.deltaLower = paired.lower;
        e.deltaUpper = paired.upper;
    }
    e.winRate = winRateFromOutcomes(outcomes.data(), int(outcomes.size()));
    e.terms = RewardTerms::ofEvaluation(reward, baseBatch, mine, clipsOf);
    if (reward.kind() == RewardKind::DistributionToDistribution) {
        // Bootstrap draws are not independent trials: p is the two-sided bootstrap p-value, and
        // the interval is the one that agrees with it (bootstrapWinInterval).
        int wins = 0, losses = 0;
        for (int o : outcomes) {
            if (o > 0)
                ++wins;
            else if (o < 0)
                ++losses;
        }
        // Ties counted half, with the usual +1 correction.
        const double draws = double(outcomes.size());
        const double ties = draws - wins - losses;
        e.winRate.signTestP =
            std::min(1.0, 2.0 * (std::min(wins, losses) + 0.5 * ties + 1.0) / (draws + 1.0));
        std::tie(e.winRate.lower, e.winRate.upper) =
            bootstrapWinInterval(e.winRate.rate, e.winRate.signTestP);
    }
    e.lufsBase = m_baseLufs;
    e.lufsPolicy = medianLufs(policyAudio);
    if (m_guard) {
        RewardBatch guarded;
        guarded.embeddings = m_guard->embedBatch(policyAudio);
        guarded.prompts = m_plan.prompts;
        e.vendiBase = vendiScore(clipMatrix(m_baseGuard.embeddings));
        e.vendiPolicy = vendiScore(clipMatrix(guarded.embeddings));
        if (m_guardClap) {
            e.clapBase = m_guardClap->scoreSet(m_baseGuard); // mean CLAP score
            e.clapPolicy = m_guardClap->scoreSet(guarded);
        }
    }
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return e;
}

} // namespace dragon
