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

constexpr const char *kFile = "preview.json";

nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// A number or null (NaN); anything else is refused.
double numberOrNone(const nlohmann::json &v, const std::string &where)
{
    if (v.is_null())
        return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number())
        throw PreviewError(where + " must be a number or null");
    return v.get<double>();
}

} // namespace

std::string PreviewStore::newFolder(const std::string &previewsDir, const std::string &stamp)
{
    return StampedFolders::create(previewsDir, stamp);
}

void PreviewStore::save(const PreviewResult &r, const std::string &folder)
{
    nlohmann::json terms = nlohmann::json::array(), points = nlohmann::json::array();
    for (const auto &t : r.terms)
        terms.push_back({{"type", t.type},
                         {"label", t.label},
                         {"kind", t.kind},
                         {"set", t.setName},
                         {"unit", t.unit},
                         {"away", t.away},
                         {"weight", t.weight},
                         {"scaleMean", number(t.scaleMean)},
                         {"scaleSd", number(t.scaleSd)},
                         {"batchValue", number(t.batchValue)}});
    for (const auto &p : r.points) {
        nlohmann::json values = nlohmann::json::array();
        for (double v : p.terms)
            values.push_back(number(v));
        std::string path = p.path;
        if (p.generated && !path.empty())
            path = fs::path(path).lexically_relative(folder).generic_string();
        nlohmann::json j{{"generated", p.generated}, {"set", p.setName},
                         {"label", p.label},         {"path", path},
                         {"prompt", p.prompt},       {"seed", std::to_string(p.seed)},
                         {"terms", values},          {"reward", number(p.reward)}};
        if (p.mapped)
            j["map"] = {p.mapX, p.mapY};
        points.push_back(j);
    }
    nlohmann::json level = nlohmann::json::array();
    for (const auto &l : r.level)
        level.push_back({{"gainDb", l.gainDb},
                         {"meanChange", number(l.meanChange)},
                         {"meanAbsChange", number(l.meanAbsChange)},
                         {"spread", number(l.spread)}});
    const nlohmann::json doc{
        {"format", kFormat},        {"createdAt", r.createdAt},
        {"level", level},           {"levelReading", r.levelReading},
        {"generator", r.generator}, {"encoder", r.encoder},
        {"terms", terms},           {"points", points},
        {"auc", number(r.auc)},     {"aucBasis", r.aucBasis},
        {"reading", r.reading},     {"mapExplained", {r.mapExplained[0], r.mapExplained[1]}},
        {"seconds", r.seconds},     {"notes", r.notes}};
    AtomicFileWriter::write((fs::path(folder) / kFile).string(), doc.dump(1) + "\n",
                            AtomicFileWriter::Durability::Fast);
    StampedFolders::keepNewest(fs::path(folder).parent_path().string(), kFile, kKeep, folder);
}

PreviewResult PreviewStore::load(const std::string &folder)
{
    const std::string file = (fs::path(folder) / kFile).string();
    return readStoreFile(
        file, "the preview", kFormat, [&](const nlohmann::json &doc, const JsonObject &o) {
            PreviewResult r;
            r.createdAt = o.text("createdAt", "");
            r.generator = o.text("generator", "");
            r.encoder = o.text("encoder", "");
            r.aucBasis = o.text("aucBasis", "");
            r.reading = o.text("reading", "");
            // Previews from before the level check have neither field.
            r.levelReading = o.text("levelReading", "");
            std::size_t levelIndex = 0;
            for (const auto &lj : o.array("level")) {
                const JsonObject l(lj, "level " + std::to_string(++levelIndex));
                const auto field = [&](const char *key) {
                    if (!l.has(key))
                        throw PreviewError(l.where() + ": field \"" + key + "\" is missing");
                    return numberOrNone(lj.at(key), l.where() + " " + key);
                };
                LevelResponse response;
                response.gainDb = l.requiredNumber("gainDb", -60.0, 60.0);
                response.meanChange = field("meanChange");
                response.meanAbsChange = field("meanAbsChange");
                response.spread = field("spread");
                r.level.push_back(response);
            }
            r.seconds = o.number("seconds", 0.0, 0.0);
            r.notes = o.texts("notes");
            r.auc = o.has("auc") ? numberOrNone(doc.at("auc"), "field \"auc\"")
                                 : std::numeric_limits<double>::quiet_NaN();
            const auto &explained = o.array("mapExplained");
            for (std::size_t i = 0; i < 2 && i < explained.size(); ++i)
                r.mapExplained[i] = numberOrNone(explained[i], "field \"mapExplained\"");
            std::size_t index = 0;
            for (const auto &tj : o.array("terms")) {
                const JsonObject t(tj, "term " + std::to_string(++index));
                PreviewTerm term;
                term.type = t.requiredText("type");
                term.label = t.text("label", term.type);
                term.kind = t.text("kind", "");
                term.setName = t.text("set", "");
                term.unit = t.text("unit", "");
                term.away = t.flag("away", false);
                term.weight = t.number("weight", 1.0);
                term.scaleMean =
                    t.has("scaleMean") ? numberOrNone(tj.at("scaleMean"), t.where()) : 0;
                term.scaleSd = t.has("scaleSd") ? numberOrNone(tj.at("scaleSd"), t.where()) : 0;
                term.batchValue = t.has("batchValue") ? numberOrNone(tj.at("batchValue"), t.where())
                                                      : std::numeric_limits<double>::quiet_NaN();
                r.terms.push_back(term);
            }
            index = 0;
            for (const auto &pj : o.array("points")) {
                const JsonObject p(pj, "point " + std::to_string(++index));
                PreviewPoint point;
                point.generated = p.flag("generated", true);
                point.setName = p.text("set", "");
                point.label = p.text("label", "");
                point.path = p.text("path", "");
                if (point.generated && !point.path.empty())
                    point.path = (fs::path(folder) / point.path).lexically_normal().string();
                point.prompt = p.text("prompt", "");
                const std::string seed = p.text("seed", "0");
                try {
                    std::size_t used = 0;
                    point.seed = std::stoull(seed, &used);
                    if (used != seed.size())
                        throw std::invalid_argument(seed);
                } catch (const std::logic_error &) {
                    throw PreviewError(p.where() + ": seed \"" + seed + "\" is not a whole number");
                }
                for (const auto &v : p.array("terms"))
                    point.terms.push_back(numberOrNone(v, p.where() + " terms"));
                if (point.terms.size() != r.terms.size())
                    throw PreviewError(p.where() + " has " + std::to_string(point.terms.size()) +
                                       " term values for " + std::to_string(r.terms.size()) +
                                       " terms");
                point.reward = p.has("reward") ? numberOrNone(pj.at("reward"), p.where())
                                               : std::numeric_limits<double>::quiet_NaN();
                const auto &map = p.array("map");
                if (map.size() == 2) {
                    point.mapped = true;
                    point.mapX = numberOrNone(map[0], p.where() + " map");
                    point.mapY = numberOrNone(map[1], p.where() + " map");
                    point.mapped = std::isfinite(point.mapX) && std::isfinite(point.mapY);
                }
                r.points.push_back(point);
            }
            return r;
        });
}

std::string PreviewStore::latest(const std::string &previewsDir)
{
    const auto folders = StampedFolders::withFile(previewsDir, kFile);
    return folders.empty() ? std::string() : folders.back().string();
}

} // namespace dragon
