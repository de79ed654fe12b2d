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
        n += (n.empty() ? "" : " + ") + std::to_string(t.weight).substr(0, 4) + " " +
             t.reward->name();
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

void WeightedReward::freezeScales(const RewardBatch &batch)
{
    std::vector<Scale> scales;
    for (const auto &t : m_terms) {
        const auto u = t.reward->utilities(batch);
        Scale s;
        for (double v : u)
            s.mean += v / double(u.size());
        for (double v : u)
            s.sd += (v - s.mean) * (v - s.mean) / double(u.size());
        s.sd = std::sqrt(s.sd);
        scales.push_back(s);
    }
    m_scales = scales;
}

void WeightedReward::setScales(const std::vector<Scale> &scales)
{
    if (!scales.empty() && scales.size() != m_terms.size())
        throw std::invalid_argument("reward scales: " + std::to_string(scales.size()) +
                                    " given for " + std::to_string(m_terms.size()) + " terms");
    m_scales = scales;
}

std::vector<double> WeightedReward::utilities(const RewardBatch &batch) const
{
    std::vector<double> total(batch.size(), 0.0);
    for (std::size_t k = 0; k < m_terms.size(); ++k) {
        const auto &t = m_terms[k];
        std::vector<double> z = t.reward->utilities(batch);
        if (m_scales.empty()) {
            z = standardised(std::move(z));
        } else {
            const Scale &s = m_scales[k];
            const bool spread = s.sd > 1e-12 * (1.0 + std::abs(s.mean));
            for (double &v : z)
                v = spread ? (v - s.mean) / s.sd : 0.0;
        }
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
