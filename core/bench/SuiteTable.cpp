#include "bench/SuiteTable.h"

#include "dragon/GuardrailCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace dragon {

namespace {

std::string format(const char *pattern, double a, double b = 0, double c = 0)
{
    char text[96];
    std::snprintf(text, sizeof text, pattern, a, b, c);
    return text;
}

std::string winText(const WinRate &w)
{
    return format("%.3f [%.2f, %.2f]", w.rate, w.lower, w.upper);
}

} // namespace

std::string SuiteTable::halfOf(const SuiteReward &reward)
{
    return reward.extra ? "extra" : reward.tuned ? "tuned" : "held-out";
}

SuiteTable::Averages SuiteTable::averages(const std::vector<SuiteOutcome> &outcomes)
{
    Averages a;
    for (const SuiteOutcome &o : outcomes) {
        const double rate = o.eval.winRate.rate;
        const bool hacked = !GuardrailCheck::fallReason(o.eval).empty();
        a.significant += o.eval.winRate.lower > 0.5;
        a.hacked += hacked;
        if (o.reward.extra) {
            ++a.extraCount;
            a.extra += rate;
            continue;
        }
        const double tie = hacked ? 0.5 : rate;
        a.hackedOfTwenty += hacked;
        ++a.count;
        a.all += rate;
        a.allTie += tie;
        if (o.reward.tuned) {
            ++a.tunedCount;
            a.tuned += rate;
            a.tunedTie += tie;
        } else {
            ++a.heldOutCount;
            a.heldOut += rate;
            a.heldOutTie += tie;
        }
    }
    const auto mean = [](double sum, int n) { return n ? sum / n : 0.0; };
    a.all = mean(a.all, a.count);
    a.allTie = mean(a.allTie, a.count);
    a.tuned = mean(a.tuned, a.tunedCount);
    a.tunedTie = mean(a.tunedTie, a.tunedCount);
    a.heldOut = mean(a.heldOut, a.heldOutCount);
    a.heldOutTie = mean(a.heldOutTie, a.heldOutCount);
    a.extra = a.extraCount ? a.extra / a.extraCount : 0;
    return a;
}

std::string SuiteTable::budgetText(const SuiteBudget &budget)
{
    std::ostringstream text;
    text << "Budget per reward: " << budget.rounds << " rounds from the shipped pocket model; "
         << "evaluation on " << budget.evalPrompts << " held-out prompts x " << budget.evalSeeds
         << " seeds; "
         << (budget.validationPrompts > 0 && budget.validateEvery > 0
                 ? "the checkpoint tested is the one kept by validation every " +
                       std::to_string(budget.validateEvery) + " rounds on " +
                       std::to_string(budget.validationPrompts) + " other held-out prompts" +
                       (budget.setValidationPrompts == budget.validationPrompts ? std::string()
                        : budget.setValidationPrompts > 0
                            ? ", " + std::to_string(budget.setValidationPrompts) +
                                  " for distribution-to-distribution rewards"
                            : std::string(", none for distribution-to-distribution rewards, whose "
                                          "final policy is tested")) +
                       " (the best validation win rate with the "
                       "guardrails held" +
                       (budget.validationGuardMargin != 0.0
                            ? format(" by a margin of %.3g of the base",
                                     budget.validationGuardMargin)
                            : std::string()) +
                       "; where none held, the least fallen, marked \"none held\"); "
                 : std::string("the final policy is tested; "))
         << (budget.overrides.empty() ? "settings suggested for the reward's kind (frozen)"
                                      : "settings overridden for every reward (a sweep)")
         << ".";
    return text.str();
}

std::string SuiteTable::markdown(const std::vector<SuiteOutcome> &outcomes,
                                 const SuiteBudget &budget, double wallSeconds)
{
    std::ostringstream md;
    md << budgetText(budget) << " Wall time " << format("%.1f", wallSeconds / 60.0) << " min.\n\n";
    md << "| reward | half | settings | kept round (validation) | win rate [95 % CI] | p | "
          "reward base -> tuned | paired difference [95 % CI] | Vendi | CLAP | LUFS (median) | "
          "guardrails |\n";
    md << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const SuiteOutcome &o : outcomes) {
        const EvalStats &e = o.eval;
        const std::string hacked = GuardrailCheck::fallReason(e);
        md << "| " << o.reward.name << " | " << halfOf(o.reward) << " | " << o.settings << " | "
           << o.keptRound
           << (o.validated
                   ? format(" (%.3f", o.validation.winRate.rate) +
                         (GuardrailCheck::fallReason(o.validation, budget.validationGuardMargin)
                                  .empty()
                              ? ")"
                              : "; none held)")
                   : std::string())
           << " | " << winText(e.winRate) << " | " << format("%.3g", e.winRate.signTestP) << " | "
           << format("%.4g -> %.4g", e.rewardBase, e.rewardPolicy) << " | "
           << format("%+.3g [%+.3g, %+.3g]", e.deltaMean, e.deltaLower, e.deltaUpper) << " | "
           << format("%.2f -> %.2f", e.vendiBase, e.vendiPolicy) << " | "
           << format("%.3f -> %.3f", e.clapBase, e.clapPolicy) << " | "
           << (e.loudnessMeasured() ? format("%.1f -> %.1f", e.lufsBase, e.lufsPolicy)
                                    : std::string("not measured"))
           << " | " << (hacked.empty() ? "held" : "reward hacking: " + hacked) << " |\n";
    }
    const Averages a = averages(outcomes);
    const auto percentOf = [](double rate, int count) {
        return count ? format("%.1f %%", 100 * rate) : std::string("n/a");
    };
    md << "\n";
    if (!a.count && !a.extraCount)
        md << "No reward has finished yet";
    if (a.count)
        md << "Average win rate: " << percentOf(a.all, a.count) << " over " << a.count
           << " rewards (tuned half " << percentOf(a.tuned, a.tunedCount) << " over "
           << a.tunedCount << ", held-out half " << percentOf(a.heldOut, a.heldOutCount) << " over "
           << a.heldOutCount << "; the paper: 81.45 %)" << (a.extraCount ? "; " : "");
    if (a.extraCount)
        md << (a.count ? "tuning" : "Tuning") << " extras (not of the 20) "
           << percentOf(a.extra, a.extraCount) << " over " << a.extraCount;
    md << ". Lower bound above 0.5: " << a.significant << " of " << a.count + a.extraCount
       << "; guardrail falls (reward hacking): " << a.hacked << ".\n";
    if (a.hackedOfTwenty)
        md << "With a reward-hacking row counted as a tie (0.5) instead of a win: "
           << percentOf(a.allTie, a.count) << " (tuned half " << percentOf(a.tunedTie, a.tunedCount)
           << ", held-out half " << percentOf(a.heldOutTie, a.heldOutCount) << ").\n";

    const bool anyFad = std::any_of(outcomes.begin(), outcomes.end(), [](const SuiteOutcome &o) {
        return !o.reward.fadCell.empty();
    });
    if (!anyFad)
        return md.str();
    md << "\nPer-song vs dataset FAD (win rate of the policy trained on the row's reward, "
          "evaluated under each FAD of its cell):\n\n";
    md << "| cell | trained on | under per-song FAD | under dataset FAD |\n|---|---|---|---|\n";
    for (const SuiteOutcome &o : outcomes) {
        if (o.reward.fadCell.empty())
            continue;
        const bool perSong = o.reward.kind != "distribution-to-distribution";
        const std::string own = winText(o.eval.winRate);
        const std::string other = o.crossed ? winText(o.cross.winRate) : "not run";
        md << "| " << o.reward.fadCell << " | " << (perSong ? "per-song FAD" : "dataset FAD")
           << " | " << (perSong ? own : other) << " | " << (perSong ? other : own) << " |\n";
    }
    return md.str();
}

std::string SuiteTable::csv(const std::vector<SuiteOutcome> &outcomes)
{
    std::ostringstream out;
    out << "reward,kind,half,settings,kept_round,validation_win_rate,win_rate,win_lower,win_upper,"
           "p,reward_base,reward_tuned,"
           "delta,delta_lower,delta_upper,vendi_base,vendi_tuned,clap_base,clap_tuned,hacking,"
           "cross_reward,cross_win_rate,cross_win_lower,cross_win_upper,seconds,lufs_base,"
           "lufs_tuned\n";
    for (const SuiteOutcome &o : outcomes) {
        const EvalStats &e = o.eval;
        out.precision(6);
        out << o.reward.name << "," << o.reward.kind << "," << halfOf(o.reward) << ",\""
            << o.settings << "\"," << o.keptRound << ",";
        if (o.validated)
            out << o.validation.winRate.rate;
        out << "," << e.winRate.rate << "," << e.winRate.lower << "," << e.winRate.upper << ","
            << e.winRate.signTestP << "," << e.rewardBase << "," << e.rewardPolicy << ","
            << e.deltaMean << "," << e.deltaLower << "," << e.deltaUpper << "," << e.vendiBase
            << "," << e.vendiPolicy << "," << e.clapBase << "," << e.clapPolicy << ",\""
            << GuardrailCheck::fallReason(e) << "\"," << o.crossReward << ",";
        if (o.crossed)
            out << o.cross.winRate.rate << "," << o.cross.winRate.lower << ","
                << o.cross.winRate.upper;
        else
            out << ",,";
        out << "," << o.seconds << ",";
        if (e.loudnessMeasured()) // empty in rows evaluated before loudness was measured
            out << e.lufsBase << "," << e.lufsPolicy;
        else
            out << ",";
        out << "\n";
    }
    return out.str();
}

} // namespace dragon
