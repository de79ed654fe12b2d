#include "rewards/RewardDefinition.h"

#include "project/Project.h"
#include "rewards/RewardParameter.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace dragon {

const std::vector<RewardTypeInfo> &rewardTypes()
{
    static const std::vector<RewardTypeInfo> types = {
        {"clap", "CLAP score (prompt vs audio)", "instance", false, true, false},
        {"loudness", "Loudness target (LUFS)", "instance", false, false, false},
        {"exemplar-similarity", "Exemplar similarity (cosine)", "instance-to-distribution", true,
         false, false},
        {"per-song-fad", "Per-song FAD", "instance-to-distribution", true, false, true},
        {"fad", "Dataset FAD", "distribution-to-distribution", true, false, true},
        {"fad-inf", "FAD-inf (extrapolated)", "distribution-to-distribution", true, false, true},
        {"kid", "KID / MMD", "distribution-to-distribution", true, false, true},
        {"vendi", "Vendi diversity", "distribution-to-distribution", false, false, false},
    };
    return types;
}

const RewardTypeInfo *findRewardType(const std::string &key)
{
    for (const auto &t : rewardTypes())
        if (t.key == key)
            return &t;
    return nullptr;
}

bool RewardTerm::operator==(const RewardTerm &o) const
{
    return type == o.type && exemplarSet == o.exemplarSet && away == o.away && weight == o.weight &&
           topK == o.topK && targetLufs == o.targetLufs && vendiOrder == o.vendiOrder;
}

bool RewardDefinition::operator==(const RewardDefinition &o) const
{
    return encoder == o.encoder && terms == o.terms;
}

bool RewardDefinition::hasTerm(const std::string &type) const
{
    return std::any_of(terms.begin(), terms.end(),
                       [&](const RewardTerm &t) { return t.type == type; });
}

std::vector<std::string> RewardDefinition::validate(const Project &project,
                                                    bool encoderHasText) const
{
    std::vector<std::string> problems;
    if (terms.empty())
        problems.push_back("Add at least one reward term.");
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const auto &t = terms[i];
        const std::string where = "Term " + std::to_string(i + 1) + ": ";
        const RewardTypeInfo *info = findRewardType(t.type);
        if (!info) {
            problems.push_back(where + "unknown reward type '" + t.type + "'.");
            continue;
        }
        if (!std::isfinite(t.weight) || t.weight == 0.0)
            problems.push_back(where + "the weight must be a non-zero number.");
        if (info->needsTextTower && !encoderHasText)
            problems.push_back(where + info->label +
                               " needs an encoder with a text tower (pocket-clap).");
        if (const RewardParameter *p = rewardParameterOf(t.type)) {
            const double value = p->get(t);
            if (!(value >= p->low && value <= p->high)) {
                char range[96];
                std::snprintf(range, sizeof range, " must be between %g and %g%s.", p->low, p->high,
                              p->suffix.c_str());
                problems.push_back(where + p->name + range);
            }
        }
        if (!info->needsExemplars)
            continue;
        const ExemplarSet *set = project.findSet(t.exemplarSet);
        if (!set) {
            problems.push_back(where + "choose an exemplar set.");
            continue;
        }
        int audio = 0, text = 0, missing = 0;
        for (const auto &item : set->items) {
            if (item.kind == ExemplarItem::Kind::Text)
                ++text;
            else if (item.missing)
                ++missing;
            else
                ++audio;
        }
        const int usable = audio + (encoderHasText ? text : 0);
        if (set->items.empty())
            problems.push_back(where + "exemplar set '" + set->name + "' is empty.");
        else if (text > 0 && !encoderHasText && audio == 0)
            problems.push_back(
                where + "exemplar set '" + set->name +
                "' holds only text, which needs an encoder with a text tower (pocket-clap).");
        else if (usable == 0)
            problems.push_back(where + "exemplar set '" + set->name + "' has no usable items (" +
                               std::to_string(missing) + " missing files).");
        else if (t.type == "per-song-fad" && audio == 0)
            problems.push_back(where + "Per-song FAD compares the frames of audio, and '" +
                               set->name +
                               "' holds only text: add audio to it, or use Exemplar similarity "
                               "(text works there with an encoder that has a text tower, such as "
                               "pocket-clap).");
        else if ((t.type == "fad" || t.type == "fad-inf" || t.type == "kid") && usable < 2)
            problems.push_back(where + info->label + " needs at least 2 exemplars in '" +
                               set->name + "'.");
    }
    return problems;
}

std::string RewardDefinition::toJson() const
{
    nlohmann::json j{{"encoder", encoder}, {"terms", nlohmann::json::array()}};
    for (const auto &t : terms)
        j["terms"].push_back({{"type", t.type},
                              {"exemplarSet", t.exemplarSet},
                              {"away", t.away},
                              {"weight", t.weight},
                              {"topK", t.topK},
                              {"targetLufs", t.targetLufs},
                              {"vendiOrder", t.vendiOrder}});
    return j.dump();
}

RewardDefinition RewardDefinition::fromJson(const std::string &text)
{
    try {
        const auto j = StrictJson::parse(text);
        const JsonObject fields(j, "the reward definition");
        RewardDefinition d;
        d.encoder = fields.text("encoder", d.encoder);
        int index = 0;
        for (const auto &t : fields.array("terms")) {
            const JsonObject term(t, "reward term " + std::to_string(++index));
            RewardTerm r;
            r.type = term.requiredText("type");
            r.exemplarSet = term.text("exemplarSet", std::string());
            r.away = term.flag("away", false);
            r.weight = term.number("weight", 1.0);
            r.topK = term.integer("topK", 0, 0, kMaxTopK);
            r.targetLufs = term.number("targetLufs", -14.0);
            r.vendiOrder = term.number("vendiOrder", 1.0);
            d.terms.push_back(r);
        }
        return d;
    } catch (const JsonFormatError &e) {
        throw JsonFormatError(std::string("bad reward definition: ") + e.what());
    } catch (const nlohmann::json::exception &e) {
        throw JsonFormatError(std::string("bad reward definition: ") + e.what());
    }
}

} // namespace dragon
