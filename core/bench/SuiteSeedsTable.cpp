#include "bench/SuiteSeedsTable.h"

#include "bench/SuiteTable.h"
#include "dragon/GuardrailCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace dragon {

namespace {

std::string fixed(double value, int decimals)
{
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string percent(double rate)
{
    return fixed(100 * rate, 1) + " %";
}

// One reward over the seeds: its outcome under each run (nullptr where that seed has not
// finished it), in the order the runs are given.
struct SeedsRow
{
    SuiteReward reward;
    std::vector<const SuiteOutcome *> perSeed;
};

std::vector<SeedsRow> rowsOf(const std::vector<SuiteSeedsTable::SeedRun> &runs)
{
    std::vector<SeedsRow> rows;
    for (std::size_t s = 0; s < runs.size(); ++s)
        for (const SuiteOutcome &o : runs[s].outcomes) {
            auto row = std::find_if(rows.begin(), rows.end(), [&](const SeedsRow &r) {
                return r.reward.name == o.reward.name;
            });
            if (row == rows.end()) {
                rows.push_back({o.reward, std::vector<const SuiteOutcome *>(runs.size())});
                row = rows.end() - 1;
            }
            row->perSeed[s] = &o;
        }
    return rows;
}

std::vector<double> winRatesOf(const SeedsRow &row)
{
    std::vector<double> rates;
    for (const SuiteOutcome *o : row.perSeed)
        if (o)
            rates.push_back(o->eval.winRate.rate);
    return rates;
}

int countWhere(const SeedsRow &row, bool (*test)(const SuiteOutcome &))
{
    return int(std::count_if(row.perSeed.begin(), row.perSeed.end(),
                             [&](const SuiteOutcome *o) { return o && test(*o); }));
}

bool significant(const SuiteOutcome &o)
{
    return o.eval.winRate.lower > 0.5;
}

bool hacked(const SuiteOutcome &o)
{
    return !GuardrailCheck::fallReason(o.eval).empty();
}

// The per-seed averages of the 20 as named columns: all, tuned half, held-out half, and all
// with reward-hacking rows as ties.
struct SeedAverages
{
    SuiteTable::Averages of;
    static constexpr int kColumns = 4;
    bool has(int column) const // the seed finished a reward of that column's half
    {
        const int counts[kColumns] = {of.count, of.tunedCount, of.heldOutCount, of.count};
        return counts[column] > 0;
    }
    double value(int column) const
    {
        const double values[kColumns] = {of.all, of.tuned, of.heldOut, of.allTie};
        return values[column];
    }
    std::string text(int column) const { return has(column) ? percent(value(column)) : "n/a"; }
};

// Column `column` of every seed that has it.
std::vector<double> columnOf(const std::vector<SeedAverages> &seeds, int column)
{
    std::vector<double> values;
    for (const SeedAverages &a : seeds)
        if (a.has(column))
            values.push_back(a.value(column));
    return values;
}

std::vector<SeedAverages> averagesOf(const std::vector<SuiteSeedsTable::SeedRun> &runs)
{
    std::vector<SeedAverages> averages;
    for (const SuiteSeedsTable::SeedRun &run : runs)
        averages.push_back({SuiteTable::averages(run.outcomes)});
    return averages;
}

} // namespace

SuiteSeedsTable::Spread SuiteSeedsTable::spreadOf(const std::vector<double> &values)
{
    Spread s;
    s.count = int(values.size());
    if (values.empty())
        return s;
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    for (double v : values)
        s.mean += v;
    s.mean /= s.count;
    if (s.count > 1) {
        double squares = 0;
        for (double v : values)
            squares += (v - s.mean) * (v - s.mean);
        s.sd = std::sqrt(squares / (s.count - 1));
    }
    return s;
}

std::string SuiteSeedsTable::markdown(const std::vector<SeedRun> &runs, const SuiteBudget &budget)
{
    std::ostringstream md;
    std::string seeds;
    double wall = 0;
    for (const SeedRun &run : runs) {
        seeds += (seeds.empty() ? "" : " / ") + std::to_string(run.seed);
        wall += run.wallSeconds;
    }
    md << "Run seeds " << seeds << ", each a full suite (folder seed-N) with the same budget. "
       << SuiteTable::budgetText(budget) << " Wall time " << fixed(wall / 60.0, 1)
       << " min in all.\n\n";
    md << "| reward | half | win rate, seed " << seeds
       << " | mean | range | sd | lower bound above 0.5 | reward hacking |\n";
    md << "|---|---|---|---|---|---|---|---|\n";
    for (const SeedsRow &row : rowsOf(runs)) {
        std::string perSeed;
        for (const SuiteOutcome *o : row.perSeed)
            perSeed += (perSeed.empty() ? "" : " / ") +
                       (o ? fixed(o->eval.winRate.rate, 3) + (hacked(*o) ? "*" : "") : "-");
        const Spread s = spreadOf(winRatesOf(row));
        md << "| " << row.reward.name << " | " << SuiteTable::halfOf(row.reward) << " | " << perSeed
           << " | " << fixed(s.mean, 3) << " | " << fixed(s.min, 3) << "-" << fixed(s.max, 3)
           << " | " << fixed(s.sd, 3) << " | " << countWhere(row, significant) << " of " << s.count
           << " | " << countWhere(row, hacked) << " of " << s.count << " |\n";
    }
    if (std::any_of(runs.begin(), runs.end(), [](const SeedRun &run) {
            return std::any_of(run.outcomes.begin(), run.outcomes.end(), hacked);
        }))
        md << "\n(* a guardrail fell: reward hacking, see that seed's table.md)\n";

    md << "\n| seed | rewards of the 20 | average | tuned half | held-out half | "
          "reward hacking as a tie | lower bound above 0.5 | guardrail falls | wall time |\n";
    md << "|---|---|---|---|---|---|---|---|---|\n";
    const std::vector<SeedAverages> averages = averagesOf(runs);
    for (std::size_t s = 0; s < runs.size(); ++s) {
        const SeedAverages &a = averages[s];
        md << "| " << runs[s].seed << " | " << a.of.count << " |";
        for (int column = 0; column < SeedAverages::kColumns; ++column)
            md << " " << a.text(column) << " |";
        md << " " << a.of.significant << " | " << a.of.hacked << " | "
           << fixed(runs[s].wallSeconds / 60.0, 1) << " min |\n";
    }
    std::vector<Spread> columns;
    for (int column = 0; column < SeedAverages::kColumns; ++column)
        columns.push_back(spreadOf(columnOf(averages, column)));
    const auto meanText = [](const Spread &c) {
        return c.count ? percent(c.mean) : std::string("n/a");
    };
    md << "| mean (sd) over " << runs.size() << " seeds | |";
    for (const Spread &c : columns)
        md << " " << meanText(c) << (c.count ? " (" + fixed(100 * c.sd, 1) + ")" : "") << " |";
    md << " | | |\n\n";
    if (!columns[0].count) {
        md << "No reward of the 20 has finished yet.\n";
        return md.str();
    }
    md << "Mean over " << columns[0].count
       << " run seeds of the average win rate: " << percent(columns[0].mean) << " (sd "
       << fixed(100 * columns[0].sd, 1) << " points, range " << percent(columns[0].min) << " to "
       << percent(columns[0].max) << "; tuned half " << meanText(columns[1]) << ", held-out half "
       << meanText(columns[2]) << "; the paper: 81.45 %).\n";
    return md.str();
}

std::string SuiteSeedsTable::csv(const std::vector<SeedRun> &runs)
{
    std::ostringstream out;
    out.precision(6);
    out << "reward,kind,half,seeds,mean,sd,min,max,significant,hacked";
    for (const SeedRun &run : runs)
        out << ",win_rate_seed_" << run.seed;
    out << "\n";
    for (const SeedsRow &row : rowsOf(runs)) {
        const Spread s = spreadOf(winRatesOf(row));
        out << row.reward.name << "," << row.reward.kind << "," << SuiteTable::halfOf(row.reward)
            << "," << s.count << "," << s.mean << "," << s.sd << "," << s.min << "," << s.max << ","
            << countWhere(row, significant) << "," << countWhere(row, hacked);
        for (const SuiteOutcome *o : row.perSeed) {
            out << ",";
            if (o)
                out << o->eval.winRate.rate;
        }
        out << "\n";
    }
    // The per-seed averages as rows of their own ("average", half all / tuned / held-out),
    // for the halves some seed has; a seed without that half leaves its cell empty.
    const std::vector<SeedAverages> averages = averagesOf(runs);
    const char *halves[] = {"all", "tuned", "held-out"};
    for (int column = 0; column < 3; ++column) {
        const Spread s = spreadOf(columnOf(averages, column));
        if (!s.count)
            continue;
        out << "average,," << halves[column] << "," << s.count << "," << s.mean << "," << s.sd
            << "," << s.min << "," << s.max << ",,";
        for (const SeedAverages &a : averages) {
            out << ",";
            if (a.has(column))
                out << a.value(column);
        }
        out << "\n";
    }
    return out.str();
}

} // namespace dragon
