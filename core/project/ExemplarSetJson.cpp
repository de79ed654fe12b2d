#include "project/ExemplarSetJson.h"

#include "util/JsonFormatError.h"
#include "util/JsonObject.h"

#include <nlohmann/json.hpp>

namespace dragon {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string storedPath(const std::string &absolute, const fs::path &folder)
{
    if (folder.empty())
        return absolute;
    const fs::path rel = fs::path(absolute).lexically_normal().lexically_relative(folder);
    if (rel.empty() || *rel.begin() == "..")
        return absolute;
    return rel.generic_string();
}

ExemplarItem readAudio(const JsonObject &fields, const fs::path &folder)
{
    const std::string stored = fields.requiredText("path");
    const std::string absolute = fields.text("absolutePath", std::string());
    fs::path resolved =
        fs::path(stored).is_absolute() || folder.empty() ? fs::path(stored) : folder / stored;
    resolved = resolved.lexically_normal();
    std::error_code ec;
    bool exists = fs::exists(resolved, ec);
    if (!exists && !absolute.empty() && fs::exists(absolute, ec)) {
        resolved = absolute;
        exists = true;
    }
    ExemplarItem item = ExemplarItem::audio(resolved.string());
    item.missing = !exists;
    // Facts shown for missing files; the limits are those the audio reader accepts.
    item.durationSeconds = fields.number("durationSeconds", 0.0, 0.0, 1e9);
    item.sampleRate = static_cast<int>(fields.integer("sampleRate", 0, 0, 768000));
    item.channels = static_cast<int>(fields.integer("channels", 0, 0, 64));
    return item;
}

} // namespace

json ExemplarSetJson::write(const std::vector<ExemplarSet> &sets, const fs::path &folder)
{
    json out = json::array();
    for (const auto &set : sets) {
        json items = json::array();
        for (const auto &item : set.items) {
            if (item.kind == ExemplarItem::Kind::Text) {
                items.push_back({{"type", "text"}, {"text", item.text}});
                continue;
            }
            json audio = {{"type", "audio"}, {"path", storedPath(item.path, folder)}};
            if (!folder.empty())
                audio["absolutePath"] = item.path;
            // Whatever is known is kept (a round trip must not lose a duration whose rate is 0).
            if (item.sampleRate > 0 || item.durationSeconds != 0.0 || item.channels > 0) {
                audio["durationSeconds"] = item.durationSeconds;
                audio["sampleRate"] = item.sampleRate;
                audio["channels"] = item.channels;
            }
            items.push_back(std::move(audio));
        }
        out.push_back({{"id", set.id}, {"name", set.name}, {"items", std::move(items)}});
    }
    return out;
}

std::vector<ExemplarSet> ExemplarSetJson::read(const json &sets, const fs::path &folder)
{
    if (!sets.is_array())
        throw JsonFormatError("\"exemplarSets\" must be an array");
    std::vector<ExemplarSet> out;
    for (const json &s : sets) {
        ExemplarSet set;
        set.id = JsonObject(s, "an exemplar set").requiredText("id");
        const JsonObject identified(s, "exemplar set '" + set.id + "'");
        set.name = identified.text("name", set.id);
        for (const auto &other : out)
            if (other.id == set.id)
                throw JsonFormatError("two exemplar sets share the id '" + set.id + "'");
        const JsonObject named(s, "exemplar set '" + set.name + "'");
        const std::string where = "an item of set '" + set.name + "'";
        for (const json &i : named.array("items")) {
            const JsonObject fields(i, where);
            const std::string type = fields.text("type", fields.has("text") ? std::string("text")
                                                                            : std::string("audio"));
            if (type == "text")
                set.items.push_back(ExemplarItem::textItem(fields.requiredText("text")));
            else if (type == "audio")
                set.items.push_back(readAudio(fields, folder));
            else
                throw JsonFormatError("unknown item type '" + type + "' in set '" + set.name + "'");
        }
        out.push_back(std::move(set));
    }
    return out;
}

} // namespace dragon
