#include "dragon/DemoBuilder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace dragon {

int Demonstrations::positives() const
{
    int n = 0;
    for (const auto &l : labels)
        n += l.label > 0;
    return n;
}

namespace {
double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
} // namespace

Demonstrations DemoBuilder::build(const std::vector<double> &u, const std::vector<int> &promptOf,
                                  RewardKind kind)
{
    if (u.size() != promptOf.size())
        throw std::invalid_argument("DemoBuilder: one prompt index per utility is needed");
    Demonstrations d;
    const std::size_t n = u.size();
    if (n < 2) {
        d.warning = "fewer than two samples: no demonstrations";
        return d;
    }
    for (double v : u)
        if (!std::isfinite(v))
            throw std::invalid_argument("DemoBuilder: non-finite reward");
    const double mean = std::accumulate(u.begin(), u.end(), 0.0) / double(n);
    double var = 0;
    for (double v : u)
        var += (v - mean) * (v - mean) / double(n);
    const double spread = std::sqrt(var);
    if (spread <= 1e-12 * (1.0 + std::abs(mean))) {
        d.constantReward = true;
        d.warning = "the reward is constant over the batch: no update this round";
        return d;
    }
    std::map<int, std::vector<int>> groups;
    for (std::size_t i = 0; i < n; ++i)
        groups[promptOf[i]].push_back(int(i));
    if (m_config.mode == DemoMode::Paired) {
        for (const auto &[prompt, members] : groups) {
            if (members.size() < 2)
                continue;
            const auto [lo, hi] =
                std::minmax_element(members.begin(), members.end(), [&](int a, int b) {
                    return u[std::size_t(a)] < u[std::size_t(b)];
                });
            const double gap = u[std::size_t(*hi)] - u[std::size_t(*lo)];
            if (gap <= m_config.tieFraction * spread) {
                ++d.skippedTies;
                continue;
            }
            d.pairs.push_back({*hi, *lo});
        }
        if (d.pairs.empty())
            d.warning = "every prompt's samples were near-ties: no pairs this round";
        return d;
    }
    if (m_config.baseline == LabelBaseline::Prompt) {
        for (const auto &[prompt, members] : groups) {
            if (members.size() < 2)
                continue;
            double groupMean = 0;
            for (int i : members)
                groupMean += u[std::size_t(i)] / double(members.size());
            for (int i : members) {
                const double delta = u[std::size_t(i)] - groupMean;
                if (std::abs(delta) <= 0.5 * m_config.tieFraction * spread)
                    ++d.skippedTies;
                else
                    d.labels.push_back({i, delta > 0 ? +1 : -1});
            }
        }
        if (d.labels.empty())
            d.warning = "no prompt had two samples that differ: no labels this round";
        return d;
    }
    if (kind == RewardKind::DistributionToDistribution) {
        std::vector<int> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return u[std::size_t(a)] > u[std::size_t(b)]; });
        for (std::size_t r = 0; r < n / 2; ++r) {
            d.labels.push_back({order[r], +1});
            d.labels.push_back({order[n - 1 - r], -1});
        }
        return d;
    }
    const double batchMedian = median(u);
    double baseline = batchMedian;
    if (m_config.baseline == LabelBaseline::Running) {
        if (!m_hasBaseline)
            m_baseline = batchMedian;
        baseline = m_baseline;
        m_baseline =
            m_config.baselineDecay * m_baseline + (1 - m_config.baselineDecay) * batchMedian;
        m_hasBaseline = true;
    }
    d.baseline = baseline;
    for (std::size_t i = 0; i < n; ++i) {
        if (u[i] > baseline)
            d.labels.push_back({int(i), +1});
        else if (u[i] < baseline)
            d.labels.push_back({int(i), -1});
    }
    if (d.positives() == 0 || d.positives() == int(d.labels.size()))
        d.warning = "all samples fell on one side of the baseline";
    return d;
}

} // namespace dragon
