#include "rewards/WeightedReward.h"

#include <cmath>
#include <stdexcept>

namespace dragon {

WeightedReward::WeightedReward(std::vector<Term> terms) : m_terms(std::move(terms))
{
    if (m_terms.empty())
        throw std::invalid_argument("a combined reward needs at least one term");
}

std::string WeightedReward::name() const
{
    std::string n;
    for (const auto &t : m_terms)
        n += (n.empty() ? "" : " + ") + std::to_string(t.weight).substr(0, 4) + " " + t.reward->name();
    return n;
}

RewardKind WeightedReward::kind() const
{
    RewardKind k = RewardKind::Instance;
    for (const auto &t : m_terms) {
        if (t.reward->kind() == RewardKind::DistributionToDistribution)
            return RewardKind::DistributionToDistribution;
        if (t.reward->kind() == RewardKind::InstanceToDistribution)
            k = RewardKind::InstanceToDistribution;
    }
    return k;
}

bool WeightedReward::needsLoudness() const
{
    for (const auto &t : m_terms)
        if (t.reward->needsLoudness())
            return true;
    return false;
}

std::vector<double> WeightedReward::standardised(std::vector<double> values)
{
    if (values.empty())
        return values;
    double mean = 0;
    for (double v : values)
        mean += v / double(values.size());
    double var = 0;
    for (double v : values)
        var += (v - mean) * (v - mean) / double(values.size());
    const double sd = std::sqrt(var);
    for (double &v : values)
        v = sd > 1e-12 * (1.0 + std::abs(mean)) ? (v - mean) / sd : 0.0;
    return values;
}

std::vector<double> WeightedReward::utilities(const RewardBatch &batch) const
{
    std::vector<double> total(batch.size(), 0.0);
    for (const auto &t : m_terms) {
        const auto z = standardised(t.reward->utilities(batch));
        for (std::size_t i = 0; i < total.size() && i < z.size(); ++i)
            total[i] += t.weight * z[i];
    }
    return total;
}

std::vector<double> WeightedReward::scoreEach(const RewardBatch &batch) const
{
    if (kind() == RewardKind::DistributionToDistribution)
        return Reward::scoreEach(batch); // throws: set terms have no per-sample value
    return utilities(batch);
}

double WeightedReward::scoreSet(const RewardBatch &batch) const
{
    double total = 0;
    for (const auto &t : m_terms)
        total += t.weight * t.reward->sign() * t.reward->scoreSet(batch);
    return total;
}

} // namespace dragon
