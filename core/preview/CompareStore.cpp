#include "preview/CompareStore.h"

#include "preview/PreviewStore.h"
#include "preview/StoreFile.h"
#include "util/AtomicFileWriter.h"
#include "util/StampedFolders.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace dragon {
namespace fs = std::filesystem;
namespace {

constexpr const char *kFile = "compare.json";

nlohmann::json finiteOrNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// A number field that may be null (NaN).
double nullableNumber(const nlohmann::json &doc, const JsonObject &o, const char *key)
{
    if (o.has(key) && doc.at(key).is_null())
        return std::numeric_limits<double>::quiet_NaN();
    return o.number(key, std::numeric_limits<double>::quiet_NaN());
}

} // namespace

std::string CompareStore::compareDir(const std::string &runFolder)
{
    return (fs::path(runFolder) / "compare").string();
}

void CompareStore::save(const CompareResult &r, const std::string &folder)
{
    nlohmann::json pairs = nlohmann::json::array();
    const auto relative = [&folder](const std::string &p) {
        return fs::path(p).lexically_relative(folder).generic_string();
    };
    for (const auto &p : r.pairs)
        pairs.push_back({{"prompt", p.prompt},
                         {"seed", p.seed},
                         {"base", relative(p.basePath)},
                         {"tuned", relative(p.tunedPath)},
                         {"baseReward", finiteOrNull(p.baseReward)},
                         {"tunedReward", finiteOrNull(p.tunedReward)},
                         {"baseUtility", finiteOrNull(p.baseUtility)},
                         {"tunedUtility", finiteOrNull(p.tunedUtility)},
                         {"outcome", p.outcome},
                         {"baseLufs", finiteOrNull(p.baseLufs)},
                         {"tunedLufs", finiteOrNull(p.tunedLufs)}});
    nlohmann::json levels = nlohmann::json::array();
    for (const auto &g : r.byBaseLevel)
        levels.push_back({{"prompts", g.prompts},
                          {"wins", g.wins},
                          {"baseMean", finiteOrNull(g.baseMean)},
                          {"tunedMean", finiteOrNull(g.tunedMean)}});
    const nlohmann::json doc{{"format", kFormat},
                             {"model", r.model},
                             {"modelLabel", r.modelLabel},
                             {"reward", r.reward},
                             {"createdAt", r.createdAt},
                             {"steps", r.steps},
                             {"guidance", r.guidance},
                             {"setReward", r.setReward},
                             {"pairs", pairs},
                             {"prompts", r.prompts},
                             {"wins", r.wins},
                             {"rate", r.rate},
                             {"lower", r.lower},
                             {"upper", r.upper},
                             {"signTestP", r.signTestP},
                             {"pairWins", r.pairWins},
                             {"pairLosses", r.pairLosses},
                             {"pairTies", r.pairTies},
                             {"byBaseLevel", levels},
                             {"rewardBase", finiteOrNull(r.rewardBase)},
                             {"rewardTuned", finiteOrNull(r.rewardTuned)},
                             {"seconds", r.seconds},
                             {"notes", r.notes}};
    AtomicFileWriter::write((fs::path(folder) / kFile).string(), doc.dump(1) + "\n",
                            AtomicFileWriter::Durability::Fast);
    StampedFolders::keepNewest(fs::path(folder).parent_path().string(), kFile, kKeep, folder);
}

CompareResult CompareStore::load(const std::string &folder)
{
    const std::string file = (fs::path(folder) / kFile).string();
    return readStoreFile(
        file, "the comparison", kFormat, [&](const nlohmann::json &doc, const JsonObject &o) {
            CompareResult r;
            r.runFolder = fs::path(folder).parent_path().parent_path().string();
            r.model = o.text("model", "");
            r.modelLabel = o.text("modelLabel", "");
            r.reward = o.text("reward", "");
            r.createdAt = o.text("createdAt", "");
            r.steps = o.integer("steps", 0, 0, 100000);
            r.guidance = float(o.number("guidance", 0.0, 0.0, 1000.0));
            r.setReward = o.flag("setReward", false);
            std::size_t index = 0;
            for (const auto &pj : o.array("pairs")) {
                const JsonObject p(pj, "pair " + std::to_string(++index));
                ComparePair pair;
                pair.prompt = p.text("prompt", "");
                pair.seed = p.unsignedInteger("seed", 0);
                pair.basePath =
                    (fs::path(folder) / p.requiredText("base")).lexically_normal().string();
                pair.tunedPath =
                    (fs::path(folder) / p.requiredText("tuned")).lexically_normal().string();
                pair.baseReward = nullableNumber(pj, p, "baseReward");
                pair.tunedReward = nullableNumber(pj, p, "tunedReward");
                pair.baseUtility = nullableNumber(pj, p, "baseUtility");
                pair.tunedUtility = nullableNumber(pj, p, "tunedUtility");
                pair.outcome = p.integer("outcome", 0, -1, 1);
                // Absent in files before it; null: silence or not measured (both skipped).
                pair.baseLufs = nullableNumber(pj, p, "baseLufs");
                pair.tunedLufs = nullableNumber(pj, p, "tunedLufs");
                r.pairs.push_back(pair);
            }
            r.prompts = o.integer("prompts", 0, 0, 1 << 20);
            r.wins = o.number("wins", 0.0, 0.0, 1e9);
            r.rate = o.number("rate", 0.0, 0.0, 1.0);
            r.lower = o.number("lower", 0.0, 0.0, 1.0);
            r.upper = o.number("upper", 0.0, 0.0, 1.0);
            r.signTestP = o.number("signTestP", 1.0, 0.0, 1.0);
            r.pairWins = o.integer("pairWins", 0, 0, 1 << 20);
            r.pairLosses = o.integer("pairLosses", 0, 0, 1 << 20);
            r.pairTies = o.integer("pairTies", 0, 0, 1 << 20);
            index = 0;
            for (const auto &gj : o.array("byBaseLevel")) { // absent in files before it
                const JsonObject g(gj, "prompt group " + std::to_string(++index));
                BaseLevelGroup group;
                group.prompts = g.integer("prompts", 0, 0, 1 << 20);
                group.wins = g.number("wins", 0.0, 0.0, 1e9);
                group.baseMean = nullableNumber(gj, g, "baseMean");
                group.tunedMean = nullableNumber(gj, g, "tunedMean");
                r.byBaseLevel.push_back(group);
            }
            r.rewardBase = nullableNumber(doc, o, "rewardBase");
            r.rewardTuned = nullableNumber(doc, o, "rewardTuned");
            r.seconds = o.number("seconds", 0.0, 0.0);
            r.notes = o.texts("notes");
            return r;
        });
}

std::string CompareStore::latest(const std::string &runFolder)
{
    const auto folders = StampedFolders::withFile(compareDir(runFolder), kFile);
    return folders.empty() ? std::string() : folders.back().string();
}

} // namespace dragon
